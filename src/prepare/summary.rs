//! The account of a `prepare` run: for every table the rows read, used and refused by
//! reason, the refused rows themselves (file, line, column, value, reason), and the
//! persons left out by reason.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::error::{Error, Result};

/// Why a source row was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// Not valid UTF-8 or not readable as a row.
    Unreadable,
    /// More or fewer fields than the header.
    FieldCount,
    /// RINPERSOONS or RINPERSOON empty.
    MissingKey,
    /// A date that is no `YYYYMMDD` calendar day.
    BadDate,
    /// An end date before the start date.
    EndBeforeStart,
    /// A number or flag outside its allowed values.
    BadValue,
    /// A code not in its code list.
    UnknownCode,
    /// A spell overlapping an earlier spell of the same person in the same table.
    Overlap,
    /// A key that an earlier row already had.
    Duplicate,
    /// A person in this table but not in the person table.
    UnknownPerson,
    /// A row of a person left out of the person file (unknown sex, generation or country).
    PersonLeftOut,
    /// Generation and the country's migration background disagree.
    Disagreement,
    /// GBAGESLACHT is neither 1 nor 2: the person is left out.
    UnknownSex,
    /// GBAGENERATIE is not 0, 1 or 2: the person is left out.
    UnknownGeneration,
    /// GBAHERKOMSTGROEPERING is not in the country table: the person is left out.
    UnknownCountry,
}

impl Reason {
    /// The reason in words (as in the summary and the problems file).
    pub fn label(self) -> &'static str {
        match self {
            Reason::Unreadable => "unreadable row",
            Reason::FieldCount => "wrong number of fields",
            Reason::MissingKey => "empty person key",
            Reason::BadDate => "not a date",
            Reason::EndBeforeStart => "end before start",
            Reason::BadValue => "value out of range",
            Reason::UnknownCode => "unknown code",
            Reason::Overlap => "overlapping spells",
            Reason::Duplicate => "duplicate key",
            Reason::UnknownPerson => "person not in the person table",
            Reason::PersonLeftOut => "person left out of the person file",
            Reason::Disagreement => "generation and country disagree",
            Reason::UnknownSex => "unknown sex (person left out)",
            Reason::UnknownGeneration => "unknown generation (person left out)",
            Reason::UnknownCountry => "unknown country (person left out)",
        }
    }

    /// Whether this reason leaves a person out of the person file.
    pub fn leaves_person_out(self) -> bool {
        matches!(
            self,
            Reason::UnknownSex | Reason::UnknownGeneration | Reason::UnknownCountry
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One refused source row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceProblem {
    /// Line in the source file.
    pub line: u64,
    /// The column at fault, if one is.
    pub column: Option<String>,
    /// The value at fault, if one is.
    pub value: Option<String>,
    /// Why the row was refused.
    pub reason: Reason,
    /// The rule or the other row, in words.
    pub detail: String,
}

impl fmt::Display for SourceProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", value {v:?}")?;
        }
        write!(f, ": {}", self.reason)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

/// The account of one source table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    /// The table's default name (e.g. `SECMBUS`).
    pub table: &'static str,
    /// The file read.
    pub file: String,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows that went into the person file.
    pub rows_used: u64,
    /// Refused rows by reason; `rows_read = rows_used + sum of refused`.
    pub refused: BTreeMap<Reason, u64>,
    /// The first refused rows (up to the run's `max_problems`), in the order found.
    pub problems: Vec<SourceProblem>,
}

impl TableSummary {
    pub(crate) fn new(table: &'static str, file: &str) -> TableSummary {
        TableSummary {
            table,
            file: file.to_string(),
            rows_read: 0,
            rows_used: 0,
            refused: BTreeMap::new(),
            problems: Vec::new(),
        }
    }

    /// Rows refused, all reasons.
    pub fn rows_refused(&self) -> u64 {
        self.refused.values().sum()
    }
}

/// Where refused rows go: the table's first few, and every one to the problems file.
pub(crate) struct Log<'s> {
    pub table: TableSummary,
    sink: &'s mut ProblemSink,
}

impl<'s> Log<'s> {
    pub fn new(table: &'static str, file: &str, sink: &'s mut ProblemSink) -> Log<'s> {
        Log {
            table: TableSummary::new(table, file),
            sink,
        }
    }

    /// Records a refused row (it was counted as read, not as used).
    pub fn refuse(&mut self, p: SourceProblem) -> Result<()> {
        *self.table.refused.entry(p.reason).or_insert(0) += 1;
        self.sink.write(&self.table.file, &p)?;
        if self.table.problems.len() < self.sink.max_problems {
            self.table.problems.push(p);
        }
        Ok(())
    }

    /// A row used earlier that a later check refuses (overlaps are found after reading).
    pub fn unuse(&mut self, p: SourceProblem) -> Result<()> {
        self.table.rows_used -= 1;
        self.refuse(p)
    }
}

/// The optional problems file (CSV: file,line,column,value,reason,detail).
pub(crate) struct ProblemSink {
    writer: Option<(String, csv::Writer<std::io::BufWriter<std::fs::File>>)>,
    pub max_problems: usize,
}

impl ProblemSink {
    pub fn new(path: Option<&Path>, max_problems: usize) -> Result<ProblemSink> {
        let writer = match path {
            None => None,
            Some(p) => {
                let name = p.display().to_string();
                let file = std::fs::File::create(p).map_err(|e| Error::io(&name, e))?;
                let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
                w.write_record(["file", "line", "column", "value", "reason", "detail"])
                    .map_err(|e| csv_io(&name, e))?;
                Some((name, w))
            }
        };
        Ok(ProblemSink {
            writer,
            max_problems,
        })
    }

    fn write(&mut self, file: &str, p: &SourceProblem) -> Result<()> {
        if let Some((name, w)) = &mut self.writer {
            let line = p.line.to_string();
            w.write_record([
                file,
                &line,
                p.column.as_deref().unwrap_or(""),
                p.value.as_deref().unwrap_or(""),
                p.reason.label(),
                &p.detail,
            ])
            .map_err(|e| csv_io(name, e))?;
        }
        Ok(())
    }

    pub fn finish(&mut self) -> Result<()> {
        if let Some((name, w)) = &mut self.writer {
            w.flush().map_err(|e| Error::io(name.as_str(), e))?;
        }
        Ok(())
    }
}

fn csv_io(name: &str, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(name, io),
        other => Error::io(name, std::io::Error::other(format!("{other:?}"))),
    }
}

/// The account of a whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Reference year of the run.
    pub reference_year: u16,
    /// The account of each table, in the order read.
    pub tables: Vec<TableSummary>,
    /// Persons in the person table (rows used there, including those left out).
    pub persons_written: u64,
    /// Persons left out of the person file, by reason.
    pub left_out: BTreeMap<Reason, u64>,
    /// Register runs that began before 1998, written as 1998 (the schema's first year).
    pub entry_years_raised: u64,
    /// Optional tables not given, with what that means for the columns.
    pub not_given: Vec<String>,
}

impl Summary {
    /// Rows refused over all tables.
    pub fn rows_refused(&self) -> u64 {
        self.tables.iter().map(TableSummary::rows_refused).sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "prepare: reference date {}-12-31, window {}-01-01 ..= {}-12-31",
            self.reference_year,
            self.reference_year - 2,
            self.reference_year
        )?;
        writeln!(
            f,
            "{:<20} {:>12} {:>12} {:>12}  file",
            "table", "rows read", "used", "refused"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:<20} {:>12} {:>12} {:>12}  {}",
                t.table,
                t.rows_read,
                t.rows_used,
                t.rows_refused(),
                t.file
            )?;
            for (reason, n) in &t.refused {
                writeln!(f, "  {:<40} {n:>12}", reason.label())?;
            }
        }
        writeln!(f, "persons written         {:>12}", self.persons_written)?;
        let out: u64 = self.left_out.values().sum();
        writeln!(f, "persons left out        {out:>12}")?;
        for (reason, n) in &self.left_out {
            writeln!(f, "  {:<40} {n:>12}", reason.label())?;
        }
        if self.entry_years_raised > 0 {
            writeln!(
                f,
                "register runs that began before 1998, entry year written as 1998: {}",
                self.entry_years_raised
            )?;
        }
        for note in &self.not_given {
            writeln!(f, "not given: {note}")?;
        }
        for t in &self.tables {
            for p in &t.problems {
                writeln!(f, "{}: {p}", t.file)?;
            }
            let more = t.rows_refused() - t.problems.len() as u64;
            if more > 0 {
                writeln!(f, "{}: ... and {more} more refused rows", t.file)?;
            }
        }
        Ok(())
    }
}
