//! Readers of the monitor's two inputs (`../shared/spec/panel-schema.md`): the register
//! spells and the monthly hours panel. Rows come from a [`RecordSource`] (CSV, or Parquet
//! and `.sav` behind their features), so the rules are written once, whatever the format.
//! Every row is used, skipped with a reason that the summary counts (hours of persons not
//! in the register), or refused with file, line, column, value and rule; one refused row
//! refuses the file, as the person-file reader does.

use std::collections::HashMap;

use super::source::{Record, RecordSource};
use crate::error::{Error, InvalidRows, Problem, Result};
use crate::schema::RegisterBasis;
use crate::schema::{Date, Month, OPEN_END};

pub(super) fn header_error(file: &str, message: &str) -> Error {
    Error::Header {
        file: file.into(),
        message: message.into(),
    }
}

/// A cell as written, quoted and cut at 40 bytes.
fn quoted(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(40)];
    let more = if bytes.len() > 40 { "..." } else { "" };
    format!("{:?}{more}", String::from_utf8_lossy(cut))
}

/// The problems of one file, the first `max` in full.
struct Problems {
    source: String,
    list: Vec<Problem>,
    max: usize,
    more: u64,
    rows: u64,
    broken_rows: u64,
    last_broken_line: u64,
}

impl Problems {
    fn new(source: &str, max: usize) -> Problems {
        Problems {
            source: source.into(),
            list: Vec::new(),
            max,
            more: 0,
            rows: 0,
            broken_rows: 0,
            last_broken_line: 0,
        }
    }

    fn push(&mut self, line: u64, column: Option<&str>, value: Option<&[u8]>, rule: String) {
        if line != self.last_broken_line || self.broken_rows == 0 {
            self.broken_rows += 1;
            self.last_broken_line = line;
        }
        if self.list.len() < self.max {
            self.list.push(Problem {
                line,
                column: column.map(Into::into),
                value: value.map(quoted),
                rule,
            });
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Result<()> {
        if self.broken_rows == 0 {
            return Ok(());
        }
        self.list.sort_by_key(|p| p.line);
        Err(Error::InvalidRows(Box::new(InvalidRows {
            source: self.source,
            problems: self.list,
            more: self.more,
            rows: self.rows,
            broken_rows: self.broken_rows,
        })))
    }
}

/// The line of the next record that could be decoded; each one that could not is
/// counted and refused on the way.
fn next_line(
    source: &mut dyn RecordSource,
    record: &mut csv::ByteRecord,
    problems: &mut Problems,
) -> Result<Option<u64>> {
    loop {
        match source.next_record(record)? {
            None => return Ok(None),
            Some(Record::Row(line)) => return Ok(Some(line)),
            Some(Record::Bad { line, reason }) => {
                problems.rows += 1;
                problems.push(line, None, None, reason);
            }
        }
    }
}

/// Where the person is in a header: `person_id`, or `RINPERSOONS` + `RINPERSOON`.
#[derive(Clone, Copy)]
enum PersonColumns {
    Id(usize),
    Rin(usize, usize),
}

/// Column positions by name (case-insensitive); a missing one is a header error.
struct Header {
    names: Vec<String>,
    source: String,
}

impl Header {
    fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }

    fn require(&self, name: &str) -> Result<usize> {
        self.find(name).ok_or_else(|| {
            header_error(
                &self.source,
                &format!(
                    "missing column {name} (the header has {})",
                    self.names.join(", ")
                ),
            )
        })
    }

    fn person(&self) -> Result<PersonColumns> {
        match (self.find("person_id"), self.find("RINPERSOONS"), self.find("RINPERSOON")) {
            (Some(k), _, _) => Ok(PersonColumns::Id(k)),
            (None, Some(s), Some(r)) => Ok(PersonColumns::Rin(s, r)),
            _ => Err(header_error(
                &self.source,
                &format!("missing the person: person_id, or RINPERSOONS and RINPERSOON (the header has {})", self.names.join(", ")),
            )),
        }
    }
}

/// The fields of one record, with the rules common to both files.
struct Fields<'a> {
    record: &'a csv::ByteRecord,
    names: &'a [String],
    line: u64,
}

impl Fields<'_> {
    fn get(&self, k: usize) -> &[u8] {
        trim(self.record.get(k).unwrap_or_default())
    }

    /// The person_id (RINPERSOONS + RINPERSOON) into `buf`; false (and a problem) if empty
    /// or not UTF-8.
    fn person(&self, cols: PersonColumns, buf: &mut String, problems: &mut Problems) -> bool {
        buf.clear();
        let parts: &[usize] = match &cols {
            PersonColumns::Id(k) => std::slice::from_ref(k),
            PersonColumns::Rin(s, r) => &[*s, *r][..],
        };
        let mut ok = true;
        for &k in parts {
            let raw = self.get(k);
            match std::str::from_utf8(raw) {
                Ok(s) if !s.is_empty() => buf.push_str(s),
                _ => {
                    problems.push(
                        self.line,
                        Some(&self.names[k]),
                        Some(raw),
                        "the person must be non-empty UTF-8 text".into(),
                    );
                    ok = false;
                }
            }
        }
        ok
    }

    fn width_ok(&self, problems: &mut Problems) -> bool {
        if self.record.len() == self.names.len() {
            return true;
        }
        problems.push(
            self.line,
            None,
            None,
            format!(
                "the row has {} fields; the header has {}",
                self.record.len(),
                self.names.len()
            ),
        );
        false
    }
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// One registration spell: from `start` to `end`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spell {
    /// First day (AANVREG).
    pub start: Date,
    /// Last day (EINDREG); [`OPEN_END`] while running.
    pub end: Date,
    /// The basis (GRONDSLAG).
    pub basis: RegisterBasis,
}

impl Spell {
    /// Whether the spell covers a day.
    pub fn covers(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

/// The register: persons and their spells (sorted, not overlapping).
#[derive(Debug, Clone, Default)]
pub struct Register {
    ids: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
    spells: Vec<Spell>,
    offsets: Vec<u32>,
    /// Rows read from the file (0 when built in memory).
    pub rows: u64,
}

impl Register {
    /// Reads the register spells (RINPERSOONS + RINPERSOON or person_id, AANVREG, EINDREG,
    /// GRONDSLAG); dates `YYYYMMDD`, `88881231` for a running spell.
    pub fn read(source: &mut dyn RecordSource, max_problems: usize) -> Result<Register> {
        let header = Header {
            names: source.header()?,
            source: source.name().to_string(),
        };
        let person = header.person()?;
        let [start_k, end_k, basis_k] =
            ["AANVREG", "EINDREG", "GRONDSLAG"].map(|c| header.require(c));
        let (start_k, end_k, basis_k) = (start_k?, end_k?, basis_k?);
        let mut problems = Problems::new(source.name(), max_problems);
        let mut rows = Vec::new();
        let mut record = csv::ByteRecord::new();
        let mut id = String::new();
        while let Some(line) = next_line(source, &mut record, &mut problems)? {
            problems.rows += 1;
            let f = Fields {
                record: &record,
                names: &header.names,
                line,
            };
            if !f.width_ok(&mut problems) {
                continue;
            }
            let person_ok = f.person(person, &mut id, &mut problems);
            let date = |k: usize, problems: &mut Problems, open_ok: bool| {
                let d = Date::parse_yyyymmdd(f.get(k)).filter(|&d| open_ok || d != OPEN_END);
                if d.is_none() {
                    problems.push(
                        line,
                        Some(&header.names[k]),
                        Some(f.get(k)),
                        "must be a date YYYYMMDD".to_string()
                            + if open_ok {
                                " (88881231: still running)"
                            } else {
                                ""
                            },
                    );
                }
                d
            };
            let start = date(start_k, &mut problems, false);
            let end = date(end_k, &mut problems, true);
            let raw_basis = f.get(basis_k);
            let basis = RegisterBasis::from_code(&raw_basis.to_ascii_lowercase());
            if basis.is_none() {
                problems.push(
                    line,
                    Some(&header.names[basis_k]),
                    Some(raw_basis),
                    format!(
                        "unknown basis; expected one of {}",
                        RegisterBasis::CODES.join(", ")
                    ),
                );
            }
            if let (Some(s), Some(e)) = (start, end) {
                if e < s {
                    problems.push(
                        line,
                        Some(&header.names[end_k]),
                        Some(f.get(end_k)),
                        format!("the spell ends before it starts ({})", s.iso()),
                    );
                    continue;
                }
            }
            if let (true, Some(start), Some(end), Some(basis)) = (person_ok, start, end, basis) {
                rows.push((id.as_str().into(), Spell { start, end, basis }, line));
            }
        }
        let names = header.names.clone();
        let register = Register::build(rows, &mut |line, other| {
            problems.push(
                line,
                Some(&names[start_k]),
                None,
                format!("the spell overlaps the person's spell on line {other}"),
            );
        });
        problems.finish()?;
        Ok(register)
    }

    /// A register from spells in memory (`(person_id, spell)`); overlapping spells of a
    /// person are an error.
    ///
    /// ```
    /// use banenafspraak::monitor::{Date, Register, Spell, OPEN_END};
    /// use banenafspraak::schema::RegisterBasis;
    /// let s = Spell { start: Date::from_ymd(2019, 1, 1).unwrap(), end: OPEN_END, basis: RegisterBasis::Wajong };
    /// let r = Register::from_spells([("R1", s)])?;
    /// assert_eq!(r.basis_on(r.person("R1").unwrap(), Date::from_ymd(2020, 5, 1).unwrap()), Some(RegisterBasis::Wajong));
    /// # Ok::<(), banenafspraak::Error>(())
    /// ```
    pub fn from_spells<'a>(spells: impl IntoIterator<Item = (&'a str, Spell)>) -> Result<Register> {
        let rows: Vec<(Box<str>, Spell, u64)> = spells
            .into_iter()
            .enumerate()
            .map(|(i, (id, s))| (id.into(), s, i as u64 + 1))
            .collect();
        let mut problems = Problems::new("register spells", 100);
        for (id, s, i) in &rows {
            if s.end < s.start {
                problems.push(
                    *i,
                    Some("end"),
                    Some(id.as_bytes()),
                    "the spell ends before it starts".into(),
                );
            }
        }
        let register = Register::build(rows, &mut |line, other| {
            problems.push(
                line,
                None,
                None,
                format!("the spell overlaps spell {other} of the same person"),
            );
        });
        problems.rows = register.rows;
        problems.finish()?;
        Ok(register)
    }

    /// Sorts spells by person and start and indexes them; `overlap(line, other_line)` for
    /// each spell that starts before the previous one of its person ends.
    fn build(mut rows: Vec<(Box<str>, Spell, u64)>, overlap: &mut dyn FnMut(u64, u64)) -> Register {
        let n_rows = rows.len() as u64;
        rows.sort_unstable_by(|a, b| (&a.0, a.1.start, a.2).cmp(&(&b.0, b.1.start, b.2)));
        let mut r = Register {
            rows: n_rows,
            ..Register::default()
        };
        let mut prev: Option<(usize, Date, u64)> = None;
        for (id, spell, line) in rows {
            let p = match r.ids.last() {
                Some(last) if **last == *id => r.ids.len() - 1,
                _ => {
                    r.offsets.push(r.spells.len() as u32);
                    r.index.insert(id.clone(), r.ids.len() as u32);
                    r.ids.push(id);
                    prev = None;
                    r.ids.len() - 1
                }
            };
            if let Some((q, end, other)) = prev {
                if q == p && spell.start <= end {
                    overlap(line, other);
                    continue;
                }
            }
            if prev.is_none_or(|(_, end, _)| spell.end > end) {
                prev = Some((p, spell.end, line));
            }
            r.spells.push(spell);
        }
        r.offsets.push(r.spells.len() as u32);
        r
    }

    /// Persons in the register file.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no persons.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The person's index, if in the register.
    pub fn person(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The person_id of an index.
    pub fn person_id(&self, p: u32) -> &str {
        &self.ids[p as usize]
    }

    /// Every person_id (for the output scan for keys).
    pub fn person_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.ids.iter().map(|s| &**s)
    }

    /// A person's spells, by start.
    pub fn spells(&self, p: u32) -> &[Spell] {
        let (a, b) = (self.offsets[p as usize], self.offsets[p as usize + 1]);
        &self.spells[a as usize..b as usize]
    }

    /// Spells in the register.
    pub fn n_spells(&self) -> usize {
        self.spells.len()
    }

    /// The basis a person holds on a day, if registered then.
    pub fn basis_on(&self, p: u32, d: Date) -> Option<RegisterBasis> {
        let spells = self.spells(p);
        let k = spells.partition_point(|s| s.start <= d);
        k.checked_sub(1)
            .map(|k| spells[k])
            .filter(|s| s.covers(d))
            .map(|s| s.basis)
    }
}

/// The employer's sector, as the agreement splits its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sector {
    /// The market sector (100,000 of the 125,000 banen).
    Market,
    /// Government (25,000).
    Government,
}

impl Sector {
    /// Both sectors.
    pub const ALL: [Sector; 2] = [Sector::Market, Sector::Government];

    /// `market` or `government`.
    pub const fn code(self) -> &'static str {
        match self {
            Sector::Market => "market",
            Sector::Government => "government",
        }
    }

    fn parse(b: &[u8]) -> Option<Sector> {
        match b.to_ascii_lowercase().as_slice() {
            b"market" => Some(Sector::Market),
            b"government" => Some(Sector::Government),
            _ => None,
        }
    }
}

/// One person, job and month of paid hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HoursRow {
    /// The person (index in the [`Register`]).
    pub person: u32,
    /// The job (index of `(person, job_id)` in the panel).
    pub job: u32,
    /// The month paid.
    pub month: Month,
    /// The employer's sector.
    pub sector: Sector,
    /// Paid hours (>= 0).
    pub hours: f64,
    /// Line in the file (or position in memory), for messages.
    pub line: u64,
}

/// How the rows of the hours file were used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HoursSummary {
    /// The source.
    pub source: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows of register members: used.
    pub used: u64,
    /// Valid rows of persons absent from the register file: not used.
    pub not_in_register: u64,
}

/// The monthly hours of the register's members, sorted by person, job and month.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// The rows, sorted by person, job and month.
    pub rows: Vec<HoursRow>,
    /// Jobs (distinct person and job_id).
    pub jobs: u32,
    /// How the input rows were used.
    pub summary: HoursSummary,
}

/// Collects hours rows of register members into a [`Panel`]; the readers and the
/// synthetic generator both fill one.
pub struct PanelBuilder<'r> {
    register: &'r Register,
    jobs: Vec<Vec<(Box<str>, u32)>>,
    n_jobs: u32,
    rows: Vec<HoursRow>,
    summary: HoursSummary,
}

impl<'r> PanelBuilder<'r> {
    /// An empty panel for a register; `source` names it in messages.
    pub fn new(register: &'r Register, source: &str) -> Self {
        PanelBuilder {
            register,
            jobs: vec![Vec::new(); register.len()],
            n_jobs: 0,
            rows: Vec::new(),
            summary: HoursSummary {
                source: source.into(),
                ..HoursSummary::default()
            },
        }
    }

    /// Adds a valid row; returns false (and counts it) when the person is not in the
    /// register.
    pub fn push(
        &mut self,
        person_id: &str,
        job_id: &str,
        month: Month,
        hours: f64,
        sector: Sector,
        line: u64,
    ) -> bool {
        self.summary.rows += 1;
        let Some(person) = self.register.person(person_id) else {
            self.summary.not_in_register += 1;
            return false;
        };
        // A person has few jobs: a scan of theirs beats hashing every row.
        let theirs = &mut self.jobs[person as usize];
        let job = match theirs.iter().find(|(id, _)| **id == *job_id) {
            Some(&(_, j)) => j,
            None => {
                let j = self.n_jobs;
                self.n_jobs += 1;
                theirs.push((job_id.into(), j));
                j
            }
        };
        self.summary.used += 1;
        self.rows.push(HoursRow {
            person,
            job,
            month,
            sector,
            hours,
            line,
        });
        true
    }

    /// Sorts the rows; a second row of a person, job and month is a problem naming both
    /// lines.
    fn finish_into(mut self, problems: &mut Problems) -> Panel {
        self.rows
            .sort_unstable_by_key(|r| (r.person, r.job, r.month, r.line));
        for w in self.rows.windows(2) {
            if (w[0].person, w[0].job, w[0].month) == (w[1].person, w[1].job, w[1].month) {
                problems.push(
                    w[1].line,
                    Some("month"),
                    Some(w[1].month.to_string().as_bytes()),
                    format!(
                        "a second row of this person, job and month; the first is on line {}",
                        w[0].line
                    ),
                );
            }
        }
        Panel {
            jobs: self.n_jobs,
            rows: self.rows,
            summary: self.summary,
        }
    }

    /// The panel, or the duplicate rows as an error.
    pub fn finish(self) -> Result<Panel> {
        let mut problems = Problems::new(&self.summary.source, 100);
        problems.rows = self.summary.rows;
        let panel = self.finish_into(&mut problems);
        problems.finish()?;
        Ok(panel)
    }
}

impl Panel {
    /// Reads the hours panel (person_id or RINPERSOONS + RINPERSOON, job_id, month,
    /// hours, sector) and keeps the rows of register members; every row of others is
    /// checked too and counted as not in the register.
    pub fn read(
        source: &mut dyn RecordSource,
        register: &Register,
        max_problems: usize,
    ) -> Result<Panel> {
        let header = Header {
            names: source.header()?,
            source: source.name().to_string(),
        };
        let person = header.person()?;
        let job_k = header.require("job_id")?;
        let month_k = header.require("month")?;
        let hours_k = header.require("hours")?;
        let sector_k = header.require("sector")?;
        let mut problems = Problems::new(source.name(), max_problems);
        let mut builder = PanelBuilder::new(register, source.name());
        let mut record = csv::ByteRecord::new();
        let mut id = String::new();
        while let Some(line) = next_line(source, &mut record, &mut problems)? {
            problems.rows += 1;
            let f = Fields {
                record: &record,
                names: &header.names,
                line,
            };
            if !f.width_ok(&mut problems) {
                continue;
            }
            let before = problems.broken_rows;
            let person_ok = f.person(person, &mut id, &mut problems);
            let job = std::str::from_utf8(f.get(job_k))
                .ok()
                .filter(|s| !s.is_empty());
            if job.is_none() {
                problems.push(
                    line,
                    Some(&header.names[job_k]),
                    Some(f.get(job_k)),
                    "job_id must be non-empty UTF-8 text".into(),
                );
            }
            let month = Month::parse(f.get(month_k));
            if month.is_none() {
                problems.push(
                    line,
                    Some(&header.names[month_k]),
                    Some(f.get(month_k)),
                    "month must be YYYY-MM".into(),
                );
            }
            let hours = std::str::from_utf8(f.get(hours_k))
                .ok()
                .and_then(|s| s.parse::<f64>().ok());
            let hours = match hours {
                Some(h) if h.is_finite() && h >= 0.0 => Some(h),
                Some(h) if h < 0.0 => {
                    problems.push(
                        line,
                        Some(&header.names[hours_k]),
                        Some(f.get(hours_k)),
                        "hours may not be negative".into(),
                    );
                    None
                }
                _ => {
                    problems.push(
                        line,
                        Some(&header.names[hours_k]),
                        Some(f.get(hours_k)),
                        "hours must be a number >= 0".into(),
                    );
                    None
                }
            };
            let sector = Sector::parse(f.get(sector_k));
            if sector.is_none() {
                problems.push(
                    line,
                    Some(&header.names[sector_k]),
                    Some(f.get(sector_k)),
                    "unknown sector; expected market or government".into(),
                );
            }
            if let (true, Some(job), Some(month), Some(hours), Some(sector)) =
                (person_ok, job, month, hours, sector)
            {
                if problems.broken_rows == before {
                    builder.push(&id, job, month, hours, sector, line);
                }
            }
        }
        let panel = builder.finish_into(&mut problems);
        problems.finish()?;
        Ok(panel)
    }

    /// The first and last month with a row, if any.
    pub fn months(&self) -> Option<(Month, Month)> {
        let first = self.rows.iter().map(|r| r.month).min()?;
        let last = self.rows.iter().map(|r| r.month).max()?;
        Some((first, last))
    }
}
