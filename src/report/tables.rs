//! The report's tables built from estimates: per population the counts table (report
//! tables 4.1, 5.1, 8.4, 8.11, with the job columns beside them) and the distributions by
//! education level and age band (tables 4.2/4.3 and their twins).

use super::format::{hundreds, percent, ROUNDING_NOTE};
use super::table::Table;
use crate::estimate::{Breakdown, Measure, PopulationEstimate};

/// The counts table of one population: total and sub-groups.
pub fn counts_table(e: &PopulationEstimate) -> Table {
    let mut t = Table::new(
        format!(
            "{}: population, expected comparable and job outcomes",
            e.label
        ),
        [
            "group",
            "persons",
            "comparable",
            "mean probability",
            "had work",
            "finds work",
            "keeps work",
        ],
    );
    let mut row = |name: &str, c: &crate::estimate::ExpectedCounts| {
        t.push_row([
            name.to_string(),
            hundreds(c.persons as f64),
            hundreds(c.comparable),
            percent(c.mean_probability()),
            hundreds(c.had_work),
            hundreds(c.finds_work),
            hundreds(c.keeps_work),
        ])
    };
    row("total", &e.total);
    for g in &e.subgroups {
        row(&g.label, &g.counts);
    }
    t.with_note(ROUNDING_NOTE)
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
