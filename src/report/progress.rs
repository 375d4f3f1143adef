//! The convention by which long steps report how far they are, so that a front end (the
//! command line's progress bar) can show a bar with the time left.
//!
//! The estimation pipeline reports each step through a callback `FnMut(&str)` (see
//! [`EstimationParams::run_with_progress`](crate::estimate::EstimationParams::run_with_progress)).
//! A step that knows its size appends ` DONE/TOTAL` to its message and calls again as it
//! goes (`bootstrap replicates 12/200`); a message without a fraction starts a step of
//! unknown length. [`Step::parse`] reads such a message. Reading a file reports bytes
//! instead, through
//! [`read_csv_path_with_progress`](crate::schema::read_csv_path_with_progress).

/// A progress message, split into the step's name and, if given, how far it is.
///
/// ```
/// use banenafspraak::report::progress::Step;
/// let s = Step::parse("bootstrap replicates 12/200");
/// assert_eq!(s.name, "bootstrap replicates");
/// assert_eq!(s.fraction, Some((12, 200)));
/// assert_eq!(Step::parse("fitting the comparability model").fraction, None);
/// assert_eq!(Step::parse("ratio 3/0").fraction, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    /// The step, without the fraction.
    pub name: &'a str,
    /// Done and total, when the message ends in ` DONE/TOTAL` with `0 < TOTAL` and
    /// `DONE <= TOTAL`.
    pub fraction: Option<(u64, u64)>,
}

impl<'a> Step<'a> {
    /// Reads a progress message.
    pub fn parse(message: &'a str) -> Step<'a> {
        let message = message.trim_end();
        let parsed = message.rsplit_once(' ').and_then(|(name, last)| {
            let (done, total) = last.split_once('/')?;
            let (done, total) = (done.parse::<u64>().ok()?, total.parse::<u64>().ok()?);
            (total > 0 && done <= total).then_some((name.trim_end(), (done, total)))
        });
        match parsed {
            Some((name, fraction)) => Step {
                name,
                fraction: Some(fraction),
            },
            None => Step {
                name: message,
                fraction: None,
            },
        }
    }

    /// The message for a step with a fraction: `name DONE/TOTAL`.
    pub fn message(name: &str, done: u64, total: u64) -> String {
        format!("{name} {done}/{total}")
    }
}
