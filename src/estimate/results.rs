//! Results table version 2 (`shared/spec/microdata-schema.md`): one unrounded row per
//! population and sub-group, written as CSV or as a JSON array with the same keys. These
//! writers are for work inside the environment and say `unchecked` in the `disclosure`
//! column; what leaves goes through `report::results_table` and disclosure control.

use std::io::Write;

use serde::{Deserialize, Serialize};

use super::aggregate::{ExpectedCounts, PopulationEstimate};
use crate::error::{Error, Result};

/// One row of results table v2. Column names and order are the specification's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// The population's machine name.
    pub population: String,
    /// `total` or the sub-group's machine name.
    pub subgroup: String,
    /// Persons in the group.
    pub persons: u64,
    /// Expected number comparable.
    pub comparable: f64,
    /// Mean corrected probability of being comparable.
    pub mean_probability: f64,
    /// Expected comparable persons employed on the reference date.
    pub had_work: f64,
    /// Expected comparable persons finding work within a year.
    pub finds_work: f64,
    /// Expected finders keeping the job a year.
    pub keeps_work: f64,
    /// 95% interval for `comparable`; empty when not computed.
    pub comparable_low: Option<f64>,
    /// Upper end of the interval for `comparable`.
    pub comparable_high: Option<f64>,
    /// 95% interval for `finds_work`; empty when not computed (after the v1 columns).
    #[serde(default)]
    pub finds_low: Option<f64>,
    #[serde(default)]
    /// Upper end of the interval for `finds_work`.
    pub finds_high: Option<f64>,
    /// 95% interval for `keeps_work`; empty when not computed.
    #[serde(default)]
    pub keeps_low: Option<f64>,
    #[serde(default)]
    /// Upper end of the interval for `keeps_work`.
    pub keeps_high: Option<f64>,
    /// Expected banen of the jobs found and kept (sum of c q k h / 25.5); empty without
    /// `job_hours_per_week`.
    #[serde(default)]
    pub banen: Option<f64>,
    /// 95% interval for `banen`; empty when not computed.
    #[serde(default)]
    pub banen_low: Option<f64>,
    #[serde(default)]
    /// Upper end of the interval for `banen`.
    pub banen_high: Option<f64>,
    /// What disclosure control did to the row: `ok`, `flagged`, `suppressed`, `rounded`,
    /// or `unchecked` (these writers).
    #[serde(default)]
    pub disclosure: String,
}

impl ResultRow {
    fn new(population: &str, subgroup: &str, c: &ExpectedCounts) -> ResultRow {
        let i = c.intervals;
        ResultRow {
            population: population.into(),
            subgroup: subgroup.into(),
            persons: c.persons,
            comparable: c.comparable,
            mean_probability: c.mean_probability(),
            had_work: c.had_work,
            finds_work: c.finds_work,
            keeps_work: c.keeps_work,
            comparable_low: i.map(|i| i.comparable.low),
            comparable_high: i.map(|i| i.comparable.high),
            finds_low: i.map(|i| i.finds_work.low),
            finds_high: i.map(|i| i.finds_work.high),
            keeps_low: i.map(|i| i.keeps_work.low),
            keeps_high: i.map(|i| i.keeps_work.high),
            banen: c.banen,
            banen_low: i.and_then(|i| i.banen).map(|b| b.low),
            banen_high: i.and_then(|i| i.banen).map(|b| b.high),
            disclosure: "unchecked".into(),
        }
    }
}

/// The rows of results table v1 for the given estimates: each population's total, then
/// its sub-groups.
pub fn result_rows(estimates: &[PopulationEstimate]) -> Vec<ResultRow> {
    let mut rows = Vec::new();
    for e in estimates {
        rows.push(ResultRow::new(&e.name, "total", &e.total));
        for g in &e.subgroups {
            rows.push(ResultRow::new(&e.name, &g.name, &g.counts));
        }
    }
    rows
}

/// Writes results table v2 as CSV (header row, then one row per population and sub-group).
pub fn write_results_csv<W: Write>(rows: &[ResultRow], out: W) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for r in rows {
        w.serialize(r)
            .map_err(|e| Error::io("results table", std::io::Error::other(e.to_string())))?;
    }
    if rows.is_empty() {
        // serde writes the header with the first row; an empty table still gets one.
        w.write_record(RESULT_COLUMNS.iter().chain(&["disclosure"]))
            .map_err(|e| Error::io("results table", std::io::Error::other(e.to_string())))?;
    }
    w.flush().map_err(|e| Error::io("results table", e))
}

/// Writes results table v2 as a JSON array of objects.
pub fn write_results_json<W: Write>(rows: &[ResultRow], out: W) -> Result<()> {
    serde_json::to_writer_pretty(out, rows)
        .map_err(|e| Error::io("results table", std::io::Error::other(e.to_string())))
}

/// The column names of results table v2, in order (the v1 columns, then the interval
/// columns of finds and keeps and the banen columns), without the last column
/// `disclosure`.
pub const RESULT_COLUMNS: [&str; 17] = [
    "population",
    "subgroup",
    "persons",
    "comparable",
    "mean_probability",
    "had_work",
    "finds_work",
    "keeps_work",
    "comparable_low",
    "comparable_high",
    "finds_low",
    "finds_high",
    "keeps_low",
    "keeps_high",
    "banen",
    "banen_low",
    "banen_high",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::aggregate::{Accumulator, CountIntervals, PopulationEstimate};
    use crate::estimate::level::Interval;
    use crate::estimate::{ConfidenceLevel, PersonScores};
    use crate::schema::Person;

    fn acc_with_intervals() -> PopulationEstimate {
        let mut acc = Accumulator::new("ww", "WW", []);
        acc.add(
            &Person::example(),
            None,
            PersonScores {
                comparable: 0.25,
                find: 0.5,
                keep: 0.5,
                hours: None,
            },
        );
        let mut e = acc.finish();
        e.total.intervals = Some(CountIntervals {
            comparable: Interval {
                low: 0.2,
                high: 0.3,
            },
            finds_work: Interval {
                low: 0.0,
                high: 0.1,
            },
            keeps_work: Interval {
                low: 0.0,
                high: 0.05,
            },
            banen: None,
            level: ConfidenceLevel::DEFAULT,
        });
        e
    }

    #[test]
    fn csv_has_the_specified_columns_and_empty_intervals() {
        let mut acc = Accumulator::new(
            "ww",
            "WW",
            [("months_0_12".to_string(), "<= 1 year".to_string())],
        );
        acc.add(
            &Person::example(),
            Some(0),
            PersonScores {
                comparable: 0.25,
                find: 0.5,
                keep: 0.5,
                hours: None,
            },
        );
        let rows = result_rows(&[acc.finish()]);
        let mut out = Vec::new();
        write_results_csv(&rows, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            format!("{},disclosure", RESULT_COLUMNS.join(","))
        );
        assert_eq!(
            lines.next().unwrap(),
            "ww,total,1,0.25,0.25,0.25,0.0,0.0,,,,,,,,,,unchecked"
        );
        assert_eq!(
            lines.next().unwrap(),
            "ww,months_0_12,1,0.25,0.25,0.25,0.0,0.0,,,,,,,,,,unchecked"
        );
        let mut json = Vec::new();
        write_results_json(&rows, &mut json).unwrap();
        let back: Vec<ResultRow> = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, rows);
        // Intervals, when computed, fill the six interval columns.
        let mut est = acc_with_intervals();
        let rows = result_rows(std::slice::from_mut(&mut est));
        let mut out = Vec::new();
        write_results_csv(&rows, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.lines()
                .nth(1)
                .unwrap()
                .ends_with(",0.2,0.3,0.0,0.1,0.0,0.05,,,,unchecked"),
            "{text}"
        );
        let mut empty = Vec::new();
        write_results_csv(&[], &mut empty).unwrap();
        assert_eq!(
            String::from_utf8(empty).unwrap().trim_end(),
            format!("{},disclosure", RESULT_COLUMNS.join(","))
        );
    }
}
