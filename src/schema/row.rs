//! One row of the reader: where each column sits ([`Layout`], from the header), and the
//! cells of a tokenized record turned into a [`Person`] or a list of problems. Owns the
//! wording of cell-level problems; it never prints a text cell, which may hold an id.

use super::codes::{Education, Migration, RegisterBasis, Sex, WiaClass};
use super::columns::{Column, ValueType, COLUMNS, N_COLUMNS};
use super::population::{DaysColumn, Person, WindowDays};
use super::tokenize::{Fault, FaultKind, Shape, Tokenizer};
use crate::error::{Error, Problem, Result};

/// Where each schema column and each extra column sits in a row.
pub(super) struct Layout {
    pub width: usize,
    position: [usize; N_COLUMNS],
    /// Extra columns: name and field index, in file order.
    pub extra: Vec<(String, usize)>,
    /// Every header name, by field index.
    names: Vec<String>,
}

impl Layout {
    /// Reads the header's cells (the tokenizer's last record).
    pub fn from_header(header: &Tokenizer<'_, '_>, source: &str) -> Result<Layout> {
        let mut names: Vec<String> = Vec::with_capacity(header.len());
        for k in 0..header.len() {
            let raw = header.cell(k);
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
            if names.iter().any(|n| n == name) {
                return Err(header_error(
                    source,
                    format!("column name {name:?} appears twice"),
                ));
            }
            names.push(name.to_string());
        }
        let mut position = [usize::MAX; N_COLUMNS];
        let mut extra = Vec::new();
        for (k, name) in names.iter().enumerate() {
            match Column::from_name(name) {
                Some(c) => position[c as usize] = k,
                None => extra.push((name.clone(), k)),
            }
        }
        check_complete(&position, &names, source)?;
        Ok(Layout {
            width: names.len(),
            position,
            extra,
            names,
        })
    }

    /// Whether the header has schema column `c` (only optional columns may be absent).
    pub fn has(&self, c: Column) -> bool {
        self.position[c as usize] != usize::MAX
    }

    /// What the tokenizer must know: which fields are free text, and a row's commas.
    pub fn shape(&self) -> Shape {
        let mut free_text = vec![false; self.width];
        for &(_, k) in &self.extra {
            free_text[k] = true;
        }
        Shape {
            free_text,
            row_commas: self.width - 1,
        }
    }

    /// The header name of field `k`, or its number past the header's width.
    fn field_name(&self, k: usize) -> String {
        self.names
            .get(k)
            .cloned()
            .unwrap_or_else(|| format!("field {}", k + 1))
    }
}

/// Refuses a header without every schema column, naming near misses.
fn check_complete(position: &[usize; N_COLUMNS], names: &[String], source: &str) -> Result<()> {
    let missing: Vec<String> = COLUMNS
        .iter()
        .filter(|c| !c.optional && position[c.column as usize] == usize::MAX)
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
    if missing.is_empty() {
        return Ok(());
    }
    Err(header_error(
        source,
        format!("missing schema column(s): {}", missing.join(", ")),
    ))
}

pub(super) fn header_error(source: &str, message: String) -> Error {
    Error::Header {
        file: source.into(),
        message,
    }
}

/// The problem a refused record's quoting causes, at the line where the quote opened.
pub(super) fn fault_problem(f: &Fault, layout: &Layout, first_line: u64) -> Problem {
    let line = first_line + f.line;
    let rule = match f.kind {
        FaultKind::SpansLines => "a quoted value opened on this line runs past the end of the \
             line; schema columns hold no line breaks (an unclosed quote?)"
            .to_string(),
        FaultKind::Swallows => "a quoted value opened on this line runs over later lines and \
             holds as many commas as a whole row: it has swallowed rows (an unclosed quote?)"
            .to_string(),
        FaultKind::Unclosed => "a quote opened on this line is never closed".to_string(),
        FaultKind::TextAfterQuote => {
            "text follows the closing quote; a quoted value ends at its quote".to_string()
        }
        FaultKind::FieldCount => {
            return Problem {
                line,
                column: None,
                value: None,
                rule: format!(
                    "the row has {} fields, the header has {}; a quoted value opened on this \
                     line runs over later lines (a misplaced quote?)",
                    f.fields, layout.width
                ),
            }
        }
    };
    Problem {
        line,
        column: Some(layout.field_name(f.field)),
        value: None,
        rule,
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

/// Parses a plain decimal: ASCII digits, optionally one point with digits on both sides
/// (`32`, `32.5`); no sign, exponent, comma or spaces. `None` on anything else.
fn parse_decimal(b: &[u8]) -> Option<f64> {
    if b.len() > 24 {
        return None;
    }
    let (whole, frac) = match memchr::memchr(b'.', b) {
        Some(k) => (&b[..k], Some(&b[k + 1..])),
        None => (b, None),
    };
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if !digits(whole) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// "not valid UTF-8" with the byte where it breaks, never the text (it may be an id).
fn utf8_rule(e: &std::str::Utf8Error) -> String {
    format!(
        "not valid UTF-8 (at byte {} of the cell)",
        e.valid_up_to() + 1
    )
}

/// One row's cells with problem collection.
struct Cells<'r, 'b, 's, 'p> {
    record: &'r Tokenizer<'b, 's>,
    layout: &'r Layout,
    line: u64,
    reference_year: u16,
    problems: &'p mut Vec<Problem>,
}

impl<'r> Cells<'r, '_, '_, '_> {
    /// The cell of column `c`; empty for an optional column the header lacks.
    fn raw(&self, c: Column) -> &'r [u8] {
        match self.layout.position[c as usize] {
            usize::MAX => b"",
            k => self.record.cell(k),
        }
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

    /// An optional decimal cell `0 < h <= max` (`ValueType::Decimal`).
    fn optional_decimal(&mut self, c: Column) -> Option<Option<f32>> {
        let raw = self.raw(c);
        if raw.is_empty() {
            return Some(None);
        }
        let max = match c.spec().value_type {
            ValueType::Decimal { max } => max,
            _ => 0,
        };
        match parse_decimal(raw) {
            Some(v) if v > 0.0 && v <= f64::from(max) => Some(Some(v as f32)),
            _ => {
                self.fail(
                    c,
                    raw,
                    format!("expected a decimal number h with 0 < h <= {max} (digits and a point)"),
                );
                None
            }
        }
    }

    /// A text cell (the person_id): its problems never show the value.
    fn text(&mut self, c: Column) -> Option<&'r str> {
        let raw = self.required(c)?;
        match std::str::from_utf8(raw) {
            Ok(s) => Some(s),
            Err(e) => {
                self.problems.push(Problem {
                    line: self.line,
                    column: Some(c.name().into()),
                    value: None,
                    rule: utf8_rule(&e),
                });
                None
            }
        }
    }

    fn days(&mut self) -> Option<WindowDays> {
        let mut days = WindowDays::default();
        let mut ok = true;
        for d in DaysColumn::ALL {
            match self.int(d.column()) {
                Some(v) => days.set(d, v),
                None => ok = false,
            }
        }
        ok.then_some(days)
    }

    /// Every cell of the person, each checked for its own type and range; `None` when any
    /// fails (every failing cell leaves a problem).
    fn person(&mut self) -> Option<Person<'r>> {
        use Column as C;
        let person_id = self.text(C::PersonId);
        let sex = self.code(C::Sex, Sex::from_code);
        let age = self.small(C::Age);
        let migration = self.code(C::Migration, Migration::from_code);
        let generation = self.small(C::Generation);
        let education = self.code(C::Education, Education::from_code);
        let years_special_secondary = self.small(C::YearsSpecialSecondary);
        let days = self.days();
        let employed = self.boolean(C::Employed);
        let ww = self.boolean(C::Ww);
        let bijstand = self.boolean(C::Bijstand);
        let nug = self.boolean(C::Nug);
        let wia_class = self.code(C::WiaClass, WiaClass::from_code);
        let disability_pct = self.small(C::DisabilityPct);
        let months_without_work = self.optional_int(C::MonthsWithoutWork);
        let months_bijstand = self.optional_int(C::MonthsBijstand);
        let in_register = self.boolean(C::InRegister);
        let register_basis = self.optional_code(C::RegisterBasis, RegisterBasis::from_code);
        let register_entry_year = self.optional_int(C::RegisterEntryYear);
        let found_job_within_year = self.optional_bool(C::FoundJobWithinYear);
        let kept_job_one_year = self.optional_bool(C::KeptJobOneYear);
        let job_hours_per_week = self.optional_decimal(C::JobHoursPerWeek);
        Some(Person {
            person_id: person_id?,
            sex: sex?,
            age: age?,
            migration: migration?,
            generation: generation?,
            education: education?,
            years_special_secondary: years_special_secondary?,
            days: days?,
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
            job_hours_per_week: job_hours_per_week?,
        })
    }
}

/// Problems of the record's shape: its field count and the UTF-8 of its extra cells.
fn shape_problems(record: &Tokenizer<'_, '_>, layout: &Layout, line: u64) -> Vec<Problem> {
    if record.len() != layout.width {
        return vec![Problem {
            line,
            column: None,
            value: None,
            rule: format!(
                "the row has {} fields, the header has {}",
                record.len(),
                layout.width
            ),
        }];
    }
    layout
        .extra
        .iter()
        .filter_map(|(name, k)| {
            std::str::from_utf8(record.cell(*k)).err().map(|e| Problem {
                line,
                column: Some(name.clone()),
                value: None,
                rule: utf8_rule(&e),
            })
        })
        .collect()
}

/// Parses one data row (the tokenizer's last record, starting on `line`); `None` when a
/// cell or rule fails, and then `problems` says which.
pub(super) fn parse_row<'r>(
    record: &'r Tokenizer<'_, '_>,
    layout: &'r Layout,
    line: u64,
    reference_year: u16,
    problems: &mut Vec<Problem>,
) -> Option<Person<'r>> {
    problems.extend(shape_problems(record, layout, line));
    if record.len() != layout.width {
        return None;
    }
    let person = Cells {
        record,
        layout,
        line,
        reference_year,
        problems,
    }
    .person();
    let person = person.filter(|_| problems.is_empty())?;
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
    fn decimal_parsing() {
        assert_eq!(parse_decimal(b"32"), Some(32.0));
        assert_eq!(parse_decimal(b"32.5"), Some(32.5));
        assert_eq!(parse_decimal(b"007.25"), Some(7.25));
        for bad in [
            &b"-1"[..],
            b"1e3",
            b"1,5",
            b".5",
            b"5.",
            b" 5",
            b"nan",
            b"inf",
            b"1.2.3",
            b"",
        ] {
            assert_eq!(
                parse_decimal(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn show_quotes_and_shortens() {
        assert_eq!(show(b" 1"), "\" 1\"");
        assert!(show(&[b'x'; 100]).ends_with("(100 bytes)"));
        assert_eq!(show(b"\xff"), "\"\u{fffd}\"");
    }

    #[test]
    fn utf8_problems_name_the_byte_not_the_text() {
        let cell: Vec<u8> = b"ab".iter().chain(&[0xff, b'c']).copied().collect();
        let e = std::str::from_utf8(&cell).unwrap_err();
        assert_eq!(utf8_rule(&e), "not valid UTF-8 (at byte 3 of the cell)");
    }
}
