//! How far a long estimation step is, for a front end (the command line's progress bar, a
//! notebook's log). Owns the step type only; the stages that run the steps report them.
//!
//! [`EstimationParams::run_with_progress`](crate::estimate::EstimationParams::run_with_progress)
//! calls back with a [`Step`] each time a step starts or advances. Reading a file reports
//! bytes instead, through
//! [`read_csv_path_with_progress`](crate::schema::read_csv_path_with_progress).

use std::fmt;

/// A step of the estimation and, when it knows its size, how far it is.
///
/// ```
/// use banenafspraak::estimate::Step;
/// let s = Step::at("bootstrap replicates", 12, 200);
/// assert_eq!(s.fraction, Some((12, 200)));
/// assert_eq!(s.to_string(), "bootstrap replicates 12/200");
/// assert_eq!(Step::started("scoring populations").fraction, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The step (`fitting the comparability model`).
    pub name: &'static str,
    /// Done and total, for a step that knows its size.
    pub fraction: Option<(u64, u64)>,
}

impl Step {
    /// A step of unknown length has started.
    pub const fn started(name: &'static str) -> Step {
        Step {
            name,
            fraction: None,
        }
    }

    /// A step of `total` parts has done `done` of them.
    pub const fn at(name: &'static str, done: u64, total: u64) -> Step {
        Step {
            name,
            fraction: Some((done, total)),
        }
    }
}

/// `name`, or `name DONE/TOTAL`.
impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fraction {
            Some((done, total)) => write!(f, "{} {done}/{total}", self.name),
            None => f.write_str(self.name),
        }
    }
}
