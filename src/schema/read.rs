//! The CSV reader of schema v1: streams a file, checks every rule and either returns
//! every row as a [`Population`] or refuses the file with a list of the broken rows
//! (file, line, column, value, rule). It never panics on input and never drops a row.

use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::Read;
use std::path::Path;

use super::codes::{Education, Migration, RegisterBasis, Sex, WiaClass};
use super::columns::{Column, ValueType, COLUMNS, DEFAULT_REFERENCE_YEAR, N_COLUMNS};
use super::population::{DaysColumn, Person, Population, WindowDays};
use crate::error::{Error, InvalidRows, Problem, Result};

/// How to read a microdata file.
///
/// ```
/// use banenafspraak::schema::ReadOptions;
/// let opts = ReadOptions { reference_year: 2019, ..ReadOptions::default() };
/// assert_eq!(opts.max_problems, 100);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// The reference year: register entry years may not exceed it and the job-find
    /// cohort entered the year before it.
    pub reference_year: u16,
    /// How many problems to list in full; the rest are counted.
    pub max_problems: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            reference_year: DEFAULT_REFERENCE_YEAR,
            max_problems: 100,
        }
    }
}

/// Reads and validates a microdata CSV file.
///
/// ```
/// use banenafspraak::schema::{read_csv_path, ReadOptions};
/// let pop = read_csv_path("data/sample.csv", &ReadOptions::default()).unwrap();
/// assert!(pop.len() > 100);
/// ```
pub fn read_csv_path(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Population> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    read_csv(file, &path.display().to_string(), opts)
}

/// As [`read_csv_path`], calling `progress(bytes_read, file_size)` as the file is read:
/// about every 4 MiB and once at the end (`bytes_read == file_size` for a file that did not
/// change while being read). Counting wraps the file, not the parser, so reading is as fast
/// as without progress; a command-line tool turns the calls into a bar with time left.
///
/// ```
/// use banenafspraak::schema::{read_csv_path_with_progress, ReadOptions};
/// let mut calls = Vec::new();
/// let pop = read_csv_path_with_progress("data/sample.csv", &ReadOptions::default(), &mut |done, total| {
///     calls.push((done, total))
/// })?;
/// let (done, total) = *calls.last().unwrap();
/// assert_eq!(done, total);
/// assert!(pop.len() > 100);
/// # Ok::<(), banenafspraak::Error>(())
/// ```
pub fn read_csv_path_with_progress(
    path: impl AsRef<Path>,
    opts: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Population> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let counting = CountingReader {
        inner: file,
        read: 0,
        total,
        next_report: 0,
        done: false,
        progress,
    };
    read_csv(counting, &path.display().to_string(), opts)
}

/// Bytes between two progress calls.
const PROGRESS_STEP: u64 = 4 << 20;

/// A reader that counts bytes and reports them every [`PROGRESS_STEP`] and at the end.
struct CountingReader<'a, R> {
    inner: R,
    read: u64,
    total: u64,
    next_report: u64,
    done: bool,
    progress: &'a mut dyn FnMut(u64, u64),
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 {
            if !self.done {
                self.done = true;
                (self.progress)(self.read, self.total.max(self.read));
            }
        } else if self.read >= self.next_report {
            self.next_report = self.read + PROGRESS_STEP;
            (self.progress)(self.read, self.total.max(self.read));
        }
        Ok(n)
    }
}

/// Reads and validates microdata CSV from any reader; `source` names it in messages.
pub fn read_csv<R: Read>(input: R, source: &str, opts: &ReadOptions) -> Result<Population> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let io_error = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(source, io),
        other => Error::io(source, std::io::Error::other(format!("{other:?}"))),
    };
    let mut record = csv::ByteRecord::new();
    if !csv.read_byte_record(&mut record).map_err(io_error)? {
        return Err(header_error(
            source,
            "the file is empty: expected a header row".into(),
        ));
    }
    let layout = Layout::from_header(&record, source)?;
    let mut pop = Population::with_extra_columns(layout.extra.iter().map(|(n, _)| n.clone()));
    let mut state = Validation::new(source, opts);
    let mut row_problems: Vec<Problem> = Vec::new();
    while csv.read_byte_record(&mut record).map_err(io_error)? {
        let line = record.position().map_or(0, |p| p.line());
        state.rows += 1;
        row_problems.clear();
        if let Some(person) = parse_row(
            &record,
            &layout,
            line,
            opts.reference_year,
            &mut row_problems,
        ) {
            let extras = layout.extra.iter().map(|&(_, k)| {
                // Extra cells were checked for UTF-8 in parse_row.
                std::str::from_utf8(record.get(k).unwrap_or_default()).unwrap_or_default()
            });
            if let Some(first) = state.ids.insert(person.person_id, pop.len(), line, &pop) {
                row_problems.push(Problem {
                    line,
                    column: Some(Column::PersonId.name().into()),
                    value: Some(show(person.person_id.as_bytes())),
                    rule: format!("person_id must be unique; it is also on line {first}"),
                });
            } else {
                pop.push_with_extra(&person, extras);
            }
        }
        state.add(&row_problems);
    }
    state.finish(pop)
}

/// Where each schema column and each extra column sits in a row.
struct Layout {
    width: usize,
    position: [usize; N_COLUMNS],
    extra: Vec<(String, usize)>,
}

impl Layout {
    fn from_header(header: &csv::ByteRecord, source: &str) -> Result<Layout> {
        let mut names = Vec::with_capacity(header.len());
        for (k, raw) in header.iter().enumerate() {
            let raw = if k == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            let name = std::str::from_utf8(raw).map_err(|_| {
                header_error(
                    source,
                    format!("column {} name {} is not valid UTF-8", k + 1, show(raw)),
                )
            })?;
            if name.is_empty() {
                return Err(header_error(
                    source,
                    format!("column {} has no name", k + 1),
                ));
            }
            if names.contains(&name) {
                return Err(header_error(
                    source,
                    format!("column name {name:?} appears twice"),
                ));
            }
            names.push(name);
        }
        let mut position = [usize::MAX; N_COLUMNS];
        let mut extra = Vec::new();
        for (k, name) in names.iter().enumerate() {
            match Column::from_name(name) {
                Some(c) => position[c as usize] = k,
                None => extra.push((name.to_string(), k)),
            }
        }
        let missing: Vec<String> = COLUMNS
            .iter()
            .filter(|c| position[c.column as usize] == usize::MAX)
            .map(|c| {
                let near = names.iter().find(|n| n.trim().eq_ignore_ascii_case(c.name));
                match near {
                    Some(n) => format!(
                        "{} (found {n:?}: names are exact, lower case, no spaces)",
                        c.name
                    ),
                    None => c.name.to_string(),
                }
            })
            .collect();
        if !missing.is_empty() {
            return Err(header_error(
                source,
                format!("missing schema column(s): {}", missing.join(", ")),
            ));
        }
        Ok(Layout {
            width: names.len(),
            position,
            extra,
        })
    }
}

fn header_error(source: &str, message: String) -> Error {
    Error::Header {
        file: source.into(),
        message,
    }
}

/// Running tally of problems and the person_id index.
struct Validation<'a> {
    source: &'a str,
    max: usize,
    problems: Vec<Problem>,
    more: u64,
    rows: u64,
    broken_rows: u64,
    ids: IdIndex,
}

impl<'a> Validation<'a> {
    fn new(source: &'a str, opts: &ReadOptions) -> Self {
        Validation {
            source,
            max: opts.max_problems,
            problems: Vec::new(),
            more: 0,
            rows: 0,
            broken_rows: 0,
            ids: IdIndex::default(),
        }
    }

    fn add(&mut self, row: &[Problem]) {
        if row.is_empty() {
            return;
        }
        self.broken_rows += 1;
        for p in row {
            if self.problems.len() < self.max {
                self.problems.push(p.clone());
            } else {
                self.more += 1;
            }
        }
    }

    fn finish(self, pop: Population) -> Result<Population> {
        if self.broken_rows == 0 {
            return Ok(pop);
        }
        Err(Error::InvalidRows(Box::new(InvalidRows {
            source: self.source.into(),
            problems: self.problems,
            more: self.more,
            rows: self.rows,
            broken_rows: self.broken_rows,
        })))
    }
}

/// Finds repeated person_ids in one pass: a map from a 64-bit hash to the stored row,
/// with linear probing on a hash collision so that only equal strings count as repeats.
#[derive(Default)]
struct IdIndex {
    rows: HashMap<u64, (u32, u64), BuildHasherDefault<Prehashed>>,
}

impl IdIndex {
    /// Registers `id` as row `row` on `line`; returns the earlier line when it was seen.
    fn insert(&mut self, id: &str, row: usize, line: u64, pop: &Population) -> Option<u64> {
        let mut hasher = DefaultHasher::new();
        id.hash(&mut hasher);
        let mut key = hasher.finish();
        loop {
            match self.rows.entry(key) {
                Entry::Vacant(v) => {
                    // Row counts beyond u32 (4 billion persons) are not a realistic extract.
                    v.insert((u32::try_from(row).unwrap_or(u32::MAX), line));
                    return None;
                }
                Entry::Occupied(o) => {
                    let (earlier, first_line) = *o.get();
                    if pop.person_ids().get(earlier as usize) == id {
                        return Some(first_line);
                    }
                    key = key.wrapping_add(1);
                }
            }
        }
    }
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A cell as it reads in a message: debug-quoted so spaces and control characters show,
/// shortened past 40 bytes.
pub(crate) fn show(bytes: &[u8]) -> String {
    const MAX: usize = 40;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    if bytes.len() > MAX {
        format!("{text:?}... ({} bytes)", bytes.len())
    } else {
        format!("{text:?}")
    }
}

/// Parses a whole number made of ASCII digits only; `None` on anything else or overflow.
fn parse_uint(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + u64::from(d);
    }
    Some(n)
}

/// One row's cells with problem collection.
struct Cells<'r, 'p> {
    record: &'r csv::ByteRecord,
    layout: &'r Layout,
    line: u64,
    reference_year: u16,
    problems: &'p mut Vec<Problem>,
}

impl<'r> Cells<'r, '_> {
    fn raw(&self, c: Column) -> &'r [u8] {
        self.record
            .get(self.layout.position[c as usize])
            .unwrap_or_default()
    }

    fn fail(&mut self, c: Column, raw: &[u8], rule: String) {
        self.problems.push(Problem {
            line: self.line,
            column: Some(c.name().into()),
            value: Some(show(raw)),
            rule,
        });
    }

    /// The cell, or `None` (and a problem) when it is empty but must not be.
    fn required(&mut self, c: Column) -> Option<&'r [u8]> {
        let raw = self.raw(c);
        if raw.is_empty() {
            self.fail(c, raw, "a value is required".into());
            return None;
        }
        Some(raw)
    }

    fn int_in(&mut self, c: Column, raw: &[u8]) -> Option<u16> {
        let (min, max) = match c.spec().value_type {
            ValueType::Int { min, max } => (min, max),
            ValueType::Year { min } => (min, self.reference_year),
            _ => (0, u16::MAX),
        };
        match parse_uint(raw) {
            Some(v) if (u64::from(min)..=u64::from(max)).contains(&v) => u16::try_from(v).ok(),
            _ => {
                self.fail(
                    c,
                    raw,
                    format!("expected a whole number in {min} ..= {max}"),
                );
                None
            }
        }
    }

    fn int(&mut self, c: Column) -> Option<u16> {
        let raw = self.required(c)?;
        self.int_in(c, raw)
    }

    fn small(&mut self, c: Column) -> Option<u8> {
        self.int(c).and_then(|v| u8::try_from(v).ok())
    }

    fn optional_int(&mut self, c: Column) -> Option<Option<u16>> {
        let raw = self.raw(c);
        if raw.is_empty() {
            return Some(None);
        }
        self.int_in(c, raw).map(Some)
    }

    fn bool_of(&mut self, c: Column, raw: &[u8]) -> Option<bool> {
        match raw {
            b"0" => Some(false),
            b"1" => Some(true),
            _ => {
                self.fail(c, raw, "expected 0 or 1".into());
                None
            }
        }
    }

    fn boolean(&mut self, c: Column) -> Option<bool> {
        let raw = self.required(c)?;
        self.bool_of(c, raw)
    }

    fn optional_bool(&mut self, c: Column) -> Option<Option<bool>> {
        let raw = self.raw(c);
        if raw.is_empty() {
            return Some(None);
        }
        self.bool_of(c, raw).map(Some)
    }

    fn code_of<T>(&mut self, c: Column, raw: &[u8], parse: fn(&[u8]) -> Option<T>) -> Option<T> {
        let parsed = parse(raw);
        if parsed.is_none() {
            let codes = match c.spec().value_type {
                ValueType::Code(codes) => codes.join(", "),
                _ => String::new(),
            };
            self.fail(c, raw, format!("expected one of: {codes}"));
        }
        parsed
    }

    fn code<T>(&mut self, c: Column, parse: fn(&[u8]) -> Option<T>) -> Option<T> {
        let raw = self.required(c)?;
        self.code_of(c, raw, parse)
    }

    fn optional_code<T>(&mut self, c: Column, parse: fn(&[u8]) -> Option<T>) -> Option<Option<T>> {
        let raw = self.raw(c);
        if raw.is_empty() {
            return Some(None);
        }
        self.code_of(c, raw, parse).map(Some)
    }

    fn text(&mut self, c: Column) -> Option<&'r str> {
        let raw = self.required(c)?;
        match std::str::from_utf8(raw) {
            Ok(s) => Some(s),
            Err(_) => {
                self.fail(c, raw, "not valid UTF-8".into());
                None
            }
        }
    }
}

/// Parses one data row; `None` when any cell or rule fails (problems say which).
fn parse_row<'r>(
    record: &'r csv::ByteRecord,
    layout: &'r Layout,
    line: u64,
    reference_year: u16,
    problems: &mut Vec<Problem>,
) -> Option<Person<'r>> {
    if record.len() != layout.width {
        problems.push(Problem {
            line,
            column: None,
            value: None,
            rule: format!(
                "the row has {} fields, the header has {}",
                record.len(),
                layout.width
            ),
        });
        return None;
    }
    for (name, k) in &layout.extra {
        let raw = record.get(*k).unwrap_or_default();
        if std::str::from_utf8(raw).is_err() {
            problems.push(Problem {
                line,
                column: Some(name.clone()),
                value: Some(show(raw)),
                rule: "not valid UTF-8".into(),
            });
        }
    }
    let mut cells = Cells {
        record,
        layout,
        line,
        reference_year,
        problems,
    };
    use Column as C;
    let person_id = cells.text(C::PersonId);
    let sex = cells.code(C::Sex, Sex::from_code);
    let age = cells.small(C::Age);
    let migration = cells.code(C::Migration, Migration::from_code);
    let generation = cells.small(C::Generation);
    let education = cells.code(C::Education, Education::from_code);
    let years_special_secondary = cells.small(C::YearsSpecialSecondary);
    let mut days = WindowDays::default();
    let mut days_ok = true;
    for d in DaysColumn::ALL {
        match cells.int(d.column()) {
            Some(v) => days.set(d, v),
            None => days_ok = false,
        }
    }
    let employed = cells.boolean(C::Employed);
    let ww = cells.boolean(C::Ww);
    let bijstand = cells.boolean(C::Bijstand);
    let nug = cells.boolean(C::Nug);
    let wia_class = cells.code(C::WiaClass, WiaClass::from_code);
    let disability_pct = cells.small(C::DisabilityPct);
    let months_without_work = cells.optional_int(C::MonthsWithoutWork);
    let months_bijstand = cells.optional_int(C::MonthsBijstand);
    let in_register = cells.boolean(C::InRegister);
    let register_basis = cells.optional_code(C::RegisterBasis, RegisterBasis::from_code);
    let register_entry_year = cells.optional_int(C::RegisterEntryYear);
    let found_job_within_year = cells.optional_bool(C::FoundJobWithinYear);
    let kept_job_one_year = cells.optional_bool(C::KeptJobOneYear);
    let person = Person {
        person_id: person_id?,
        sex: sex?,
        age: age?,
        migration: migration?,
        generation: generation?,
        education: education?,
        years_special_secondary: years_special_secondary?,
        days: days_ok.then_some(days)?,
        employed: employed?,
        ww: ww?,
        bijstand: bijstand?,
        nug: nug?,
        wia_class: wia_class?,
        disability_pct: disability_pct?,
        months_without_work: months_without_work?,
        months_bijstand: months_bijstand?,
        in_register: in_register?,
        register_basis: register_basis?,
        register_entry_year: register_entry_year?,
        found_job_within_year: found_job_within_year?,
        kept_job_one_year: kept_job_one_year?,
    };
    if !problems.is_empty() {
        return None;
    }
    let violations = person.check(reference_year);
    if violations.is_empty() {
        return Some(person);
    }
    problems.extend(violations.into_iter().map(|v| Problem {
        line,
        column: Some(v.column.name().into()),
        value: Some(show(v.value.as_bytes())),
        rule: v.rule,
    }));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uint_parsing() {
        assert_eq!(parse_uint(b"0"), Some(0));
        assert_eq!(parse_uint(b"007"), Some(7));
        assert_eq!(parse_uint(b"1095"), Some(1095));
        assert_eq!(parse_uint(b"-1"), None);
        assert_eq!(parse_uint(b"1.0"), None);
        assert_eq!(parse_uint(b" 1"), None);
        assert_eq!(parse_uint(b""), None);
        assert_eq!(parse_uint(b"99999999999999999999999"), None);
        assert_eq!(
            parse_uint(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
    }

    #[test]
    fn show_quotes_and_shortens() {
        assert_eq!(show(b" 1"), "\" 1\"");
        assert!(show(&[b'x'; 100]).ends_with("(100 bytes)"));
        assert_eq!(show(b"\xff"), "\"\u{fffd}\"");
    }
}
