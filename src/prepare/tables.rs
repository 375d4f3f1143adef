//! Reading the source tables of `shared/spec/source-tables.md` into compact per-person
//! storage: the person table with its key index, the small lookup tables, and the spell
//! tables sorted by person and start, overlaps refused. Every row ends up used or refused
//! with a reason ([`super::summary::Log`]).

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::mapping::{resolve_columns, ColumnMapping};
use super::summary::{Log, Reason, SourceProblem};
use crate::error::Result;
use crate::records::{Next, RecordSource, Row};
use crate::schema::Date;
use crate::schema::{Education, Migration, RegisterBasis, Sex, WiaClass};

/// SECMBUS flag bits of [`Spell::value`].
pub mod flag {
    /// XKOPPELWERKNSECM: employee.
    pub const EMPLOYEE: u8 = 1;
    /// XKOPPELWERKLUITKSECM: WW benefit.
    pub const WW: u8 = 2;
    /// XKOPPELBIJSTANDSECM: bijstand.
    pub const BIJSTAND: u8 = 4;
    /// XKOPPELZIEKTEAOSECM: sickness or work-incapacity benefit.
    pub const SICKNESS_DISABILITY: u8 = 8;
    /// XKOPPELSOCVOORZOVSECM: another social provision.
    pub const OTHER_SOCIAL_BENEFIT: u8 = 16;
    /// XKOPPELSCHOLSTUDSECM: in education.
    pub const IN_SCHOOL: u8 = 32;
    /// SECM is one of the student-with-income codes.
    pub const STUDENT_WITH_INCOME: u8 = 64;
    /// SECM is one of the no-income codes.
    pub const NO_INCOME: u8 = 128;
    /// The four benefit flags.
    pub const BENEFIT: u8 = WW | BIJSTAND | SICKNESS_DISABILITY | OTHER_SOCIAL_BENEFIT;
}

/// One spell of one person: SECMBUS (value = flag bits), WIA (value = the [`WiaClass`]
/// index, pct = AOPERC), register (value = the [`RegisterBasis`] index) or jobseeker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spell {
    /// Index of the person in the person table.
    pub person: u32,
    /// First day of the spell.
    pub start: Date,
    /// Last day of the spell (included); `88881231` while it runs.
    pub end: Date,
    /// The table's value (see the type's doc).
    pub value: u8,
    /// AOPERC for WIA spells, else 0.
    pub pct: u8,
    /// Line of the source row.
    pub line: u64,
}

/// A spell table sorted by person and start, with each person's range.
#[derive(Debug, Clone, Default)]
pub struct Spells {
    spells: Vec<Spell>,
    offsets: Vec<usize>,
}

impl Spells {
    /// The spells of person `i`, by start; empty for a table not given.
    pub fn of(&self, i: usize) -> &[Spell] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.spells[a..b],
            _ => &[],
        }
    }

    /// Sorts, refuses overlaps (the later spell, naming the earlier one's line) and
    /// indexes by person.
    fn build(
        mut spells: Vec<Spell>,
        persons: usize,
        log: &mut Log<'_>,
        start_column: &str,
    ) -> Result<Spells> {
        spells.par_sort_unstable_by_key(|s| (s.person, s.start, s.line));
        let mut kept: Vec<Spell> = Vec::with_capacity(spells.len());
        for s in spells {
            if let Some(prev) = kept.last() {
                if prev.person == s.person && s.start <= prev.end {
                    log.unuse(SourceProblem {
                        line: s.line,
                        column: Some(start_column.to_string()),
                        value: Some(s.start.yyyymmdd().to_string()),
                        reason: Reason::Overlap,
                        detail: format!(
                            "overlaps the spell of the same person on line {} ({} ..= {})",
                            prev.line,
                            prev.start.yyyymmdd(),
                            prev.end.yyyymmdd()
                        ),
                    })?;
                    continue;
                }
            }
            kept.push(s);
        }
        let mut offsets = vec![0usize; persons + 1];
        for s in &kept {
            offsets[s.person as usize + 1] += 1;
        }
        for i in 0..persons {
            offsets[i + 1] += offsets[i];
        }
        Ok(Spells {
            spells: kept,
            offsets,
        })
    }
}

/// The person table: one entry per distinct key (persons left out included, so that
/// their spells are reported as such).
#[derive(Debug, Default)]
pub struct Persons {
    pub ids: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
    /// Whether the person goes into the person file.
    pub kept: Vec<bool>,
    pub sex: Vec<Sex>,
    pub age: Vec<u8>,
    pub generation: Vec<u8>,
    pub migration: Vec<Migration>,
}

impl Persons {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The person of a key, or why a row with that key is refused.
    fn lookup(&self, key: &str) -> std::result::Result<u32, Reason> {
        match self.index.get(key) {
            None => Err(Reason::UnknownPerson),
            Some(&i) if !self.kept[i as usize] => Err(Reason::PersonLeftOut),
            Some(&i) => Ok(i),
        }
    }
}

/// A table's wanted columns: positions in the file and the names there.
struct Cols {
    idx: Vec<usize>,
    names: Vec<String>,
}

impl Cols {
    fn resolve(
        src: &dyn RecordSource,
        table: &str,
        wanted: &[&str],
        mapping: &ColumnMapping,
    ) -> Result<Cols> {
        let idx = resolve_columns(src, table, wanted, mapping)?;
        let names = idx.iter().map(|&i| src.header()[i].clone()).collect();
        Ok(Cols { idx, names })
    }

    fn get<'r>(&self, row: &'r Row, k: usize) -> &'r str {
        row.get(self.idx[k])
    }

    /// A refusal of cell `k` of `row`.
    fn bad(&self, row: &Row, k: usize, reason: Reason, detail: impl Into<String>) -> SourceProblem {
        SourceProblem {
            line: row.line,
            column: Some(self.names[k].clone()),
            value: Some(self.get(row, k).to_string()),
            reason,
            detail: detail.into(),
        }
    }

    /// RINPERSOONS + RINPERSOON (columns 0 and 1) into `key`.
    fn key(&self, row: &Row, key: &mut String) -> std::result::Result<(), SourceProblem> {
        key.clear();
        key.push_str(self.get(row, 0));
        let p = self.get(row, 1);
        if key.is_empty() || p.is_empty() {
            let k = if key.is_empty() { 0 } else { 1 };
            return Err(self.bad(
                row,
                k,
                Reason::MissingKey,
                "RINPERSOONS and RINPERSOON identify a person together",
            ));
        }
        key.push_str(p);
        Ok(())
    }

    /// The kept person of the row's key.
    fn person(
        &self,
        row: &Row,
        persons: &Persons,
        key: &mut String,
    ) -> std::result::Result<u32, SourceProblem> {
        self.key(row, key)?;
        persons.lookup(key).map_err(|reason| {
            let detail = match reason {
                Reason::UnknownPerson => format!("{key} is not in the person table"),
                _ => format!("{key} is left out (see the person table's refused rows)"),
            };
            self.bad(row, 1, reason, detail)
        })
    }

    fn int(
        &self,
        row: &Row,
        k: usize,
        lo: i64,
        hi: i64,
    ) -> std::result::Result<i64, SourceProblem> {
        match self.get(row, k).parse::<i64>() {
            Ok(v) if (lo..=hi).contains(&v) => Ok(v),
            _ => Err(self.bad(
                row,
                k,
                Reason::BadValue,
                format!("a whole number in {lo} ..= {hi}"),
            )),
        }
    }

    fn flag(&self, row: &Row, k: usize) -> std::result::Result<bool, SourceProblem> {
        match self.get(row, k) {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(self.bad(row, k, Reason::BadValue, "a flag is 0 or 1")),
        }
    }

    fn date(&self, row: &Row, k: usize) -> std::result::Result<Date, SourceProblem> {
        Date::parse(self.get(row, k)).ok_or_else(|| {
            self.bad(
                row,
                k,
                Reason::BadDate,
                "dates are YYYYMMDD calendar days (88881231: still running)",
            )
        })
    }
}

/// Runs `f` on every row; `f` either uses the row (`Ok`) or refuses it.
fn for_each_row(
    src: &mut dyn RecordSource,
    log: &mut Log<'_>,
    mut f: impl FnMut(&Row) -> std::result::Result<(), SourceProblem>,
) -> Result<()> {
    let fields = src.header().len();
    let mut row = Row::default();
    loop {
        let problem = match src.next_row(&mut row)? {
            Next::End => return Ok(()),
            Next::Bad { line, reason } => SourceProblem {
                line,
                column: None,
                value: None,
                reason: Reason::Unreadable,
                detail: reason,
            },
            Next::Row if row.fields.len() != fields => SourceProblem {
                line: row.line,
                column: None,
                value: None,
                reason: Reason::FieldCount,
                detail: format!("{} fields, the header has {fields}", row.fields.len()),
            },
            Next::Row => match f(&row) {
                Ok(()) => {
                    log.table.rows_read += 1;
                    log.table.rows_used += 1;
                    continue;
                }
                Err(p) => p,
            },
        };
        log.table.rows_read += 1;
        log.refuse(problem)?;
    }
}

/// LANDAKTUEELREF: country code -> migration background.
pub fn read_countries(
    src: &mut dyn RecordSource,
    mapping: &ColumnMapping,
    log: &mut Log<'_>,
) -> Result<HashMap<String, (Migration, u64)>> {
    let cols = Cols::resolve(src, "LANDAKTUEELREF", &["LAND", "MIGRATIE"], mapping)?;
    let mut out: HashMap<String, (Migration, u64)> = HashMap::new();
    for_each_row(src, log, |row| {
        let land = cols.get(row, 0);
        let migration = Migration::from_code(cols.get(row, 1).to_ascii_lowercase().as_bytes())
            .ok_or_else(|| cols.bad(row, 1, Reason::UnknownCode, "none, western or non_western"))?;
        if let Some((_, first)) = out.get(land) {
            return Err(cols.bad(
                row,
                0,
                Reason::Duplicate,
                format!("country already on line {first}"),
            ));
        }
        out.insert(land.to_string(), (migration, row.line));
        Ok(())
    })?;
    Ok(out)
}

/// GBAPERSOONTAB, with the country table for the migration background.
pub fn read_persons(
    src: &mut dyn RecordSource,
    mapping: &ColumnMapping,
    countries: &HashMap<String, (Migration, u64)>,
    reference_year: u16,
    log: &mut Log<'_>,
) -> Result<Persons> {
    let wanted = [
        "RINPERSOONS",
        "RINPERSOON",
        "GBAGESLACHT",
        "GBAGEBOORTEJAAR",
        "GBAGENERATIE",
        "GBAHERKOMSTGROEPERING",
    ];
    let cols = Cols::resolve(src, "GBAPERSOONTAB", &wanted, mapping)?;
    let mut p = Persons::default();
    let mut lines: Vec<u64> = Vec::new();
    let mut key = String::new();
    let year = i64::from(reference_year);
    for_each_row(src, log, |row| {
        cols.key(row, &mut key)?;
        if let Some(&i) = p.index.get(key.as_str()) {
            return Err(cols.bad(
                row,
                1,
                Reason::Duplicate,
                format!("{key} already on line {}", lines[i as usize]),
            ));
        }
        let birth = cols.int(row, 3, year - 120, year)?;
        // A row with an unknown sex, generation or country is a person left out: it keeps
        // its key (so that its spells are reported as such) and is refused here.
        let mut left_out = None;
        let sex = match cols.get(row, 2) {
            "1" => Sex::Male,
            "2" => Sex::Female,
            _ => {
                left_out = Some(cols.bad(row, 2, Reason::UnknownSex, "1 man, 2 vrouw"));
                Sex::Male
            }
        };
        let generation = match cols.get(row, 4) {
            "0" => 0,
            "1" => 1,
            "2" => 2,
            _ => {
                left_out = left_out
                    .or_else(|| Some(cols.bad(row, 4, Reason::UnknownGeneration, "0, 1 or 2")));
                0
            }
        };
        let migration = match countries.get(cols.get(row, 5)) {
            Some(&(m, _)) => m,
            None => {
                left_out = left_out.or_else(|| {
                    Some(cols.bad(row, 5, Reason::UnknownCountry, "not in the country table"))
                });
                Migration::None
            }
        };
        if left_out.is_none() && (generation == 0) != (migration == Migration::None) {
            return Err(cols.bad(
                row,
                4,
                Reason::Disagreement,
                format!("generation {generation} but the country's migration background is {migration}; generation 0 goes with none"),
            ));
        }
        let i = p.ids.len() as u32;
        p.ids.push(key.as_str().into());
        p.index.insert(key.as_str().into(), i);
        p.kept.push(left_out.is_none());
        p.sex.push(sex);
        p.age.push((year - birth) as u8);
        p.generation.push(generation);
        p.migration.push(migration);
        lines.push(row.line);
        left_out.map_or(Ok(()), Err)
    })?;
    Ok(p)
}

/// The education code map (`LEVEL,education`): HOOGSTEOPLTAB code -> schema code.
pub fn read_education_map(
    src: &mut dyn RecordSource,
    log: &mut Log<'_>,
) -> Result<HashMap<String, Education>> {
    let cols = Cols::resolve(
        src,
        "education map",
        &["LEVEL", "education"],
        &ColumnMapping::none(),
    )?;
    let mut out = HashMap::new();
    for_each_row(src, log, |row| {
        let code = Education::from_code(cols.get(row, 1).as_bytes()).ok_or_else(|| {
            cols.bad(
                row,
                1,
                Reason::UnknownCode,
                format!("a schema education code ({})", Education::CODES.join(", ")),
            )
        })?;
        if out.insert(cols.get(row, 0).to_string(), code).is_some() {
            return Err(cols.bad(row, 0, Reason::Duplicate, "level already mapped"));
        }
        Ok(())
    })?;
    Ok(out)
}

/// HOOGSTEOPLTAB: the mapped education per person (`unknown` for persons absent).
pub fn read_education(
    src: &mut dyn RecordSource,
    mapping: &ColumnMapping,
    map: &HashMap<String, Education>,
    persons: &Persons,
    log: &mut Log<'_>,
) -> Result<Vec<Education>> {
    let cols = Cols::resolve(
        src,
        "HOOGSTEOPLTAB",
        &["RINPERSOONS", "RINPERSOON", "OPLNIVSOI2016AGG4HBMETNIRWO"],
        mapping,
    )?;
    let mut out = vec![Education::Unknown; persons.len()];
    let mut seen: HashMap<u32, u64> = HashMap::new();
    let mut key = String::new();
    for_each_row(src, log, |row| {
        let i = cols.person(row, persons, &mut key)?;
        let code = *map.get(cols.get(row, 2)).ok_or_else(|| {
            cols.bad(
                row,
                2,
                Reason::UnknownCode,
                "not in the education code map (--education-map)",
            )
        })?;
        if let Some(first) = seen.insert(i, row.line) {
            seen.insert(i, first);
            return Err(cols.bad(
                row,
                1,
                Reason::Duplicate,
                format!("{key} already on line {first}"),
            ));
        }
        out[i as usize] = code;
        Ok(())
    })?;
    Ok(out)
}

/// INSCHRWECTAB: school years in vso up to the reference year, capped at 20.
pub fn read_vso(
    src: &mut dyn RecordSource,
    mapping: &ColumnMapping,
    persons: &Persons,
    reference_year: u16,
    log: &mut Log<'_>,
) -> Result<Vec<u8>> {
    let cols = Cols::resolve(
        src,
        "INSCHRWECTAB",
        &["RINPERSOONS", "RINPERSOON", "SCHOOLJAAR", "VSO"],
        mapping,
    )?;
    let mut out = vec![0u8; persons.len()];
    let mut seen: HashSet<(u32, u16)> = HashSet::new();
    let mut key = String::new();
    for_each_row(src, log, |row| {
        let i = cols.person(row, persons, &mut key)?;
        let year = cols.int(row, 2, 1900, 9999)? as u16;
        let vso = cols.flag(row, 3)?;
        if !seen.insert((i, year)) {
            return Err(cols.bad(
                row,
                2,
                Reason::Duplicate,
                format!("{key} already has school year {year}"),
            ));
        }
        if vso && year <= reference_year {
            out[i as usize] = (out[i as usize] + 1).min(20);
        }
        Ok(())
    })?;
    Ok(out)
}

/// The table-specific cells of a spell row (after the key and the two dates).
pub struct Cells<'r> {
    cols: &'r Cols,
    row: &'r Row,
}

impl<'r> Cells<'r> {
    /// Extra cell `k` (0 = the first column after the end date).
    pub fn get(&self, k: usize) -> &'r str {
        self.cols.get(self.row, 4 + k)
    }
    /// A refusal of extra cell `k`.
    pub fn bad(&self, k: usize, reason: Reason, detail: &str) -> SourceProblem {
        self.cols.bad(self.row, 4 + k, reason, detail)
    }
}

/// What a spell table adds to the key and the two dates.
pub struct SpellTable<'a> {
    pub name: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    pub columns: &'a [&'static str],
}

/// Reads a spell table; `value` turns the extra columns (from position 4) into the
/// spell's value and pct.
pub fn read_spells(
    src: &mut dyn RecordSource,
    table: &SpellTable<'_>,
    mapping: &ColumnMapping,
    persons: &Persons,
    log: &mut Log<'_>,
    value: impl Fn(&Cells<'_>) -> std::result::Result<(u8, u8), SourceProblem>,
) -> Result<Spells> {
    let wanted: Vec<&str> = ["RINPERSOONS", "RINPERSOON", table.start, table.end]
        .into_iter()
        .chain(table.columns.iter().copied())
        .collect();
    let cols = Cols::resolve(src, table.name, &wanted, mapping)?;
    let mut spells = Vec::new();
    let mut key = String::new();
    for_each_row(src, log, |row| {
        let person = cols.person(row, persons, &mut key)?;
        let start = cols.date(row, 2)?;
        let end = cols.date(row, 3)?;
        if end < start {
            return Err(cols.bad(
                row,
                3,
                Reason::EndBeforeStart,
                format!("the spell starts on {}", start.yyyymmdd()),
            ));
        }
        let (v, pct) = value(&Cells { cols: &cols, row })?;
        spells.push(Spell {
            person,
            start,
            end,
            value: v,
            pct,
            line: row.line,
        });
        Ok(())
    })?;
    let start_name = cols.names[2].clone();
    Spells::build(spells, persons.len(), log, &start_name)
}

/// SECMBUS's flag columns, in the order of [`flag`]'s first six bits.
pub const SECM_FLAGS: [&str; 6] = [
    "XKOPPELWERKNSECM",
    "XKOPPELWERKLUITKSECM",
    "XKOPPELBIJSTANDSECM",
    "XKOPPELZIEKTEAOSECM",
    "XKOPPELSOCVOORZOVSECM",
    "XKOPPELSCHOLSTUDSECM",
];

/// The SECMBUS value: the six flags and the two SECM code lists as bits.
pub fn secm_value(
    c: &Cells<'_>,
    student_with_income: &[String],
    no_income: &[String],
) -> std::result::Result<(u8, u8), SourceProblem> {
    let mut v = 0u8;
    for k in 0..6 {
        match c.get(1 + k) {
            "0" => {}
            "1" => v |= 1 << k,
            _ => return Err(c.bad(1 + k, Reason::BadValue, "a flag is 0 or 1")),
        }
    }
    let code = c.get(0);
    if student_with_income.iter().any(|c| c == code) {
        if v & flag::IN_SCHOOL == 0 {
            return Err(c.bad(
                6,
                Reason::Disagreement,
                &format!("SECM {code} is a student-with-income code (--secm-student-with-income) but the school flag is 0"),
            ));
        }
        v |= flag::STUDENT_WITH_INCOME;
    }
    if no_income.iter().any(|c| c == code) {
        v |= flag::NO_INCOME;
    }
    Ok((v, 0))
}

/// The WIA value: class index and AOPERC.
pub fn wia_value(c: &Cells<'_>) -> std::result::Result<(u8, u8), SourceProblem> {
    let class = match WiaClass::from_code(c.get(0).to_ascii_lowercase().as_bytes()) {
        Some(c) if c != WiaClass::None => c,
        _ => {
            return Err(c.bad(
                0,
                Reason::UnknownCode,
                "wia_35min, wga_35_80, wga_80_100 or iva",
            ))
        }
    };
    let pct = match c.get(1).parse::<u8>() {
        Ok(p) if p <= 100 => p,
        _ => return Err(c.bad(1, Reason::BadValue, "a whole number in 0 ..= 100")),
    };
    Ok((class.index(), pct))
}

/// The register value: the basis index.
pub fn register_value(c: &Cells<'_>) -> std::result::Result<(u8, u8), SourceProblem> {
    RegisterBasis::from_code(c.get(0).to_ascii_lowercase().as_bytes())
        .map(|b| (b.index(), 0))
        .ok_or_else(|| {
            c.bad(
                0,
                Reason::UnknownCode,
                &format!("a register basis ({})", RegisterBasis::CODES.join(", ")),
            )
        })
}
