//! The report's tables built from estimates: per population the counts table (report
//! tables 4.1, 5.1, 8.4, 8.11, with the job columns beside them) and the distributions by
//! education level and age band (tables 4.2/4.3 and their twins).

use super::format::{grouped, hundreds, percent, ROUNDING_NOTE};
use super::table::Table;
use crate::estimate::{Breakdown, ExpectedCounts, Interval, Measure, PopulationEstimate};

/// An interval rounded to hundreds: "3,800-4,300".
fn interval(i: Interval) -> String {
    format!("{}-{}", hundreds(i.low), hundreds(i.high))
}

/// The counts table of one population: total and sub-groups, with the 95% intervals of
/// comparable, finds and keeps beside their counts when they were computed.
pub fn counts_table(e: &PopulationEstimate) -> Table {
    let with_intervals = e.total.intervals.is_some();
    let mut columns = vec!["group", "persons", "comparable"];
    if with_intervals {
        columns.push("95% interval");
    }
    columns.extend(["mean probability", "had work", "finds work"]);
    if with_intervals {
        columns.push("95% interval");
    }
    columns.push("keeps work");
    if with_intervals {
        columns.push("95% interval");
    }
    let mut t = Table::new(
        format!(
            "{}: population, expected comparable and job outcomes",
            e.label
        ),
        columns,
    );
    let mut row = |name: &str, c: &ExpectedCounts| {
        let ci = |pick: fn(&crate::estimate::CountIntervals) -> Interval| {
            c.intervals.as_ref().map(|i| interval(pick(i)))
        };
        let mut cells = vec![
            name.to_string(),
            hundreds(c.persons as f64),
            hundreds(c.comparable),
        ];
        cells.extend(ci(|i| i.comparable));
        cells.extend([
            percent(c.mean_probability()),
            hundreds(c.had_work),
            hundreds(c.finds_work),
        ]);
        cells.extend(ci(|i| i.finds_work));
        cells.push(hundreds(c.keeps_work));
        cells.extend(ci(|i| i.keeps_work));
        t.push_row(cells)
    };
    row("total", &e.total);
    for g in &e.subgroups {
        row(&g.label, &g.counts);
    }
    t.with_note(ROUNDING_NOTE)
}

/// The uncertainty of the expected comparable persons of one population, total and
/// sub-groups: the 95% interval, the analytic leaf-rate sd (trees) and the realised-count
/// sd sqrt(sum of c (1 - c)), with a sentence on what each means. `None` when no
/// intervals were computed.
pub fn uncertainty_table(e: &PopulationEstimate) -> Option<Table> {
    e.total.intervals?;
    let mut t = Table::new(
        format!(
            "{}: uncertainty of the expected comparable persons",
            e.label
        ),
        [
            "group",
            "comparable",
            "95% interval",
            "leaf-rate sd",
            "realised sd",
        ],
    );
    let mut row = |name: &str, c: &ExpectedCounts| {
        t.push_row([
            name.to_string(),
            grouped(c.comparable.round() as i64),
            c.intervals.map_or("-".into(), |i| {
                format!(
                    "{}-{}",
                    grouped(i.comparable.low.round() as i64),
                    grouped(i.comparable.high.round() as i64)
                )
            }),
            c.leaf_rate_variance.map_or("-".into(), |v| {
                grouped(v.comparable.max(0.0).sqrt().round() as i64)
            }),
            grouped(c.realised_sd().round() as i64),
        ])
    };
    row("total", &e.total);
    for g in &e.subgroups {
        row(&g.label, &g.counts);
    }
    Some(t.with_note(
        "Whole numbers. 95% interval: the sampling error of the fitted models (see Intervals above). \
         Leaf-rate sd: the analytic standard error from the trees' leaf rates, tree shapes held fixed. \
         Realised sd: how much the number of comparable persons itself would vary if each person were \
         comparable by chance with probability c; not an error of the expected count.",
    ))
}

/// A distribution table: per measure, the share of each category.
pub fn breakdown_table(e: &PopulationEstimate, by: &str, b: &Breakdown) -> Table {
    let mut t = Table::new(
        format!("{}: distribution by {by}", e.label),
        std::iter::once(by.to_string()).chain(Measure::ALL.iter().map(|m| m.label().to_string())),
    );
    for (k, (_, label, _)) in b.cells.iter().enumerate() {
        t.push_row(
            std::iter::once(label.clone())
                .chain(Measure::ALL.iter().map(|&m| percent(b.share(k, m)))),
        );
    }
    t.push_row(
        std::iter::once("total (count)".to_string())
            .chain(Measure::ALL.iter().map(|&m| hundreds(e.total.get(m)))),
    );
    t.with_note(ROUNDING_NOTE)
}
