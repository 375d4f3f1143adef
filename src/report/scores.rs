//! Distributions of comparability scores: per population, how its members' corrected
//! comparability c = min(1, f p) is spread, against the register members the model learned
//! from (the trained sub-groups). A histogram is a table like any other, so disclosure
//! control checks its bins (at least 10 persons in each published bin) before it is
//! plotted.

use super::lang::Lang;
use super::table::{Cell, Table};
use crate::error::Result;
use crate::estimate::{FittedPipeline, ScoredPopulation};
use crate::model::design::comparability_class;
use crate::schema::Population;

/// Persons per score bin of one population and of the register members.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreHistogram {
    /// The population's machine name.
    pub population: String,
    /// Its label.
    pub label: String,
    /// Bin edges on [0, 1] (one more than bins).
    pub edges: Vec<f64>,
    /// Population members per bin.
    pub members: Vec<u64>,
    /// Register members of the trained sub-groups per bin.
    pub register: Vec<u64>,
}

fn histogram(scores: impl Iterator<Item = f64>, bins: usize) -> Vec<u64> {
    let mut h = vec![0u64; bins];
    for c in scores {
        // c = 1 belongs to the last bin; NaN cannot occur (probabilities are checked).
        let k = ((c.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1);
        h[k] += 1;
    }
    h
}

/// Scores the register members of the trained sub-groups and the members of each
/// population with the fitted pipeline, and counts them in `bins` equal bins of the
/// corrected comparability.
pub fn score_distribution_tables(
    fitted: &FittedPipeline,
    pop: &Population,
    populations: &[ScoredPopulation],
    bins: usize,
) -> Result<Vec<ScoreHistogram>> {
    let bins = bins.max(1);
    let register_rows = pop.rows_where(|p| comparability_class(p) == Some(true));
    let register = histogram(
        fitted
            .score(pop, &register_rows)?
            .iter()
            .map(|s| s.comparable),
        bins,
    );
    let edges: Vec<f64> = (0..=bins).map(|k| k as f64 / bins as f64).collect();
    populations
        .iter()
        .map(|d| {
            let rows = d.members(pop);
            let members = histogram(fitted.score(pop, &rows)?.iter().map(|s| s.comparable), bins);
            Ok(ScoreHistogram {
                population: d.name.clone(),
                label: d.label.clone(),
                edges: edges.clone(),
                members,
                register: register.clone(),
            })
        })
        .collect()
}

impl ScoreHistogram {
    /// The histogram as a table: per bin, the persons and their share for the population
    /// and for the register members.
    pub fn table(&self, lang: Lang) -> Table {
        let total_m: u64 = self.members.iter().sum();
        let total_r: u64 = self.register.iter().sum();
        let share = |n: u64, total: u64| {
            if total > 0 {
                n as f64 / total as f64
            } else {
                0.0
            }
        };
        let mut t = Table::new(
            format!(
                "{}: {}",
                self.label,
                lang.pick(
                    "distribution of comparability scores, against register members",
                    "verdeling van de kans op vergelijkbaarheid, naast het doelgroepregister"
                )
            ),
            [
                lang.pick("score", "Kans").to_string(),
                format!("{} ({})", self.label, lang.pick("persons", "personen")),
                format!("{} ({})", self.label, lang.pick("share", "aandeel")),
                lang.pick("register (persons)", "register (personen)")
                    .to_string(),
                lang.pick("register (share)", "register (aandeel)")
                    .to_string(),
            ],
        )
        .with_id(format!("{}_scores", self.population))
        .with_keys([
            "score",
            "population_persons",
            "population_share",
            "register_persons",
            "register_share",
        ]);
        for k in 0..self.members.len() {
            let (m, r) = (self.members[k], self.register[k]);
            let nf = super::format::NumberFormat::of(lang);
            t.push_row([
                Cell::text(format!(
                    "{}-{}",
                    nf.decimal(self.edges[k], 2),
                    nf.decimal(self.edges[k + 1], 2)
                )),
                Cell::count(m as f64).on("persons", m),
                Cell::share(share(m, total_m)).on("persons", m),
                Cell::count(r as f64).on("persons", r),
                Cell::share(share(r, total_r)).on("persons", r),
            ]);
            t.partition.push(k);
        }
        t.notes.push(
            lang.pick(
                "Score: corrected comparability c = min(1, f p). Register: members of the trained sub-groups (not wajong, wsw, wiw_id).",
                "Kans: gecorrigeerde kans c = min(1, f p). Register: leden van de getrainde groepen (niet wajong, wsw, wiw/id).",
            )
            .into(),
        );
        t
    }
}
