//! The crate's one error type. Every error a user can cause says where: input errors name
//! the file, line, column and value; parameter errors name the parameter and its value.

use std::fmt;

/// One broken rule in one row of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the file where the row starts (the header is line 1).
    pub line: u64,
    /// The column, when the problem is in one cell.
    pub column: Option<String>,
    /// The offending cell as written (debug-quoted, shortened when long).
    pub value: Option<String>,
    /// The rule in words.
    pub rule: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", value {v}")?;
        }
        write!(f, ": {}", self.rule)
    }
}

/// The rows of a file that broke the schema. The file was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRows {
    /// The file (or the name given for a reader).
    pub source: String,
    /// The first problems, in file order.
    pub problems: Vec<Problem>,
    /// Problems found beyond those listed.
    pub more: u64,
    /// Data rows read.
    pub rows: u64,
    /// Data rows with at least one problem.
    pub broken_rows: u64,
}

impl fmt::Display for InvalidRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} of {} rows break the microdata schema; the file was not used",
            self.source, self.broken_rows, self.rows
        )?;
        for p in &self.problems {
            writeln!(f, "{}: {p}", self.source)?;
        }
        if self.more > 0 {
            writeln!(f, "{}: ... and {} more problems", self.source, self.more)?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in this crate, one variant per cause:
///
/// - bad input files: [`Error::Io`], [`Error::Header`], [`Error::InvalidRows`];
/// - bad parameters (of a model, a run or a hand-built tree): [`Error::InvalidParameter`];
/// - data a model cannot use (lengths that disagree, rows out of range, values outside
///   their feature's range, missing features): [`Error::ModelInput`], for every model
///   family alike;
/// - valid data a model cannot be fitted on (one outcome class for the logistic model, a
///   singular Hessian): [`Error::Training`].
///
/// Marked `#[non_exhaustive]`: new causes may be added without a breaking release, so
/// matches outside this crate need a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The header row is missing, unreadable or lacks schema columns.
    #[error("{file}: line 1 (header): {message}")]
    Header {
        /// The file.
        file: String,
        /// What is wrong with the header.
        message: String,
    },
    /// Rows that break the schema.
    #[error("{0}")]
    InvalidRows(Box<InvalidRows>),
    /// A model cannot be fitted on the data it was given.
    #[error("cannot fit the {model} model: {reason}")]
    Training {
        /// The model family (`tree`, `logistic`) or the model's role.
        model: &'static str,
        /// Why, in words.
        reason: String,
    },
    /// A parameter outside its allowed range.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: String,
        /// The rule it breaks.
        reason: String,
    },
    /// Data handed to a model that it cannot use: no rows, lengths that disagree, a value
    /// outside its feature's range, or features other than those the model knows.
    #[error("invalid model input: {0}")]
    ModelInput(String),
    /// A population or sub-group rule that does not parse or does not fit the file.
    #[error("population {population}: {error}")]
    PopulationRule {
        /// The population (and sub-group) whose rule failed.
        population: String,
        /// Where and why.
        error: crate::estimate::RuleError,
    },
    /// A scenario file that cannot be used.
    #[error("{file}: {message}")]
    Scenario {
        /// The file (or `--population`).
        file: String,
        /// What is wrong, with the line and column where the file says.
        message: String,
    },
    /// linfa or linfa-logistic failed (only raised with the `linfa` cargo feature; the
    /// variant always exists so that matches do not depend on features).
    #[error("linfa: {0}")]
    Linfa(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl fmt::Display, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_string(),
            source,
        }
    }

    /// One refused row of `source` at `line`, for a reason that names no single column
    /// (the file's other rows are not counted yet).
    pub fn bad_row(source: &str, line: u64, reason: String) -> Error {
        Error::InvalidRows(Box::new(InvalidRows {
            source: source.to_string(),
            problems: vec![Problem {
                line,
                column: None,
                value: None,
                rule: reason,
            }],
            more: 0,
            rows: line.saturating_sub(1),
            broken_rows: 1,
        }))
    }
}

#[cfg(feature = "linfa")]
#[cfg_attr(docsrs, doc(cfg(feature = "linfa")))]
impl From<linfa::Error> for Error {
    fn from(e: linfa::Error) -> Self {
        Error::Linfa(e.to_string())
    }
}
