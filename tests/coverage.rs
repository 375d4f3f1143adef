//! Coverage of the 95% intervals on known truth (issue 5): in 50 seeded replications of
//! known-truth data (`tests/common`), the bootstrap intervals of the four populations'
//! expected comparable persons must cover the truth in at least 90% of cases. Finds and
//! keeps coverage is reported.
//!
//! Slow (minutes): `cargo test --release --all-features --test coverage -- --ignored --nocapture`.
//! `COVERAGE_PERSONS`, `COVERAGE_REPLICATIONS`, `COVERAGE_REPLICATES` and
//! `COVERAGE_INTERVALS` (`bootstrap` or `analytic`) change the run for exploration.

mod common;

use banenafspraak::estimate::{EstimationParams, Intervals, ScoredPopulation};
use banenafspraak::model::design::SampleSize;
use common::{generate, truth, STEPS};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
#[ignore = "slow: 50 replications with 200 bootstrap replicates each; run by .ci/run"]
fn bootstrap_intervals_cover_the_truth() {
    let persons = env("COVERAGE_PERSONS", 300_000);
    let replications = env("COVERAGE_REPLICATIONS", 50);
    let replicates = env("COVERAGE_REPLICATES", 200);
    let analytic = std::env::var("COVERAGE_INTERVALS").is_ok_and(|v| v == "analytic");
    let defs = ScoredPopulation::report_populations();
    let measures = ["comparable", "finds", "keeps"];
    let mut covered = [0usize; 3];
    let mut total = 0usize;
    let mut rel_bias = [0.0f64; 3];
    let mut rel_width = [0.0f64; 3];
    let start = std::time::Instant::now();
    for seed in 1..=replications as u64 {
        let pop = generate(&STEPS, persons, 1000 + seed);
        let mut params = EstimationParams::default();
        params.design.sample_size = SampleSize::All;
        params.design.seed = seed;
        params.set_min_leaf(500, 100);
        params.intervals = if analytic {
            Intervals::Analytic
        } else {
            Intervals::Bootstrap { replicates }
        };
        let e = params.run(&pop).expect("the pipeline runs");
        let f = e.fitted.correction.factor;
        let mut line = format!("seed {seed:>3}:");
        for (def, est) in defs.iter().zip(&e.populations) {
            let (c, fi, k) = truth(&STEPS, &pop, def, f);
            let i = est.total.intervals.expect("intervals");
            total += 1;
            for (m, (want, got, iv)) in [
                (c, est.total.comparable, i.comparable),
                (fi, est.total.finds_work, i.finds_work),
                (k, est.total.keeps_work, i.keeps_work),
            ]
            .into_iter()
            .enumerate()
            {
                let hit = iv.contains(want);
                covered[m] += usize::from(hit);
                rel_bias[m] += (got - want) / want;
                rel_width[m] += iv.width() / want;
                if m == 0 {
                    line += &format!(
                        " {} {:.0} [{:.0}, {:.0}] truth {:.0}{}",
                        def.name,
                        got,
                        iv.low,
                        iv.high,
                        want,
                        if hit { "" } else { " MISS" }
                    );
                }
            }
        }
        eprintln!("{line}");
    }
    let n = total as f64;
    for (m, name) in measures.iter().enumerate() {
        eprintln!(
            "{name}: coverage {}/{total} = {:.1}%, mean relative error {:+.2}%, mean relative width {:.2}%",
            covered[m],
            100.0 * covered[m] as f64 / n,
            100.0 * rel_bias[m] / n,
            100.0 * rel_width[m] / n
        );
    }
    eprintln!(
        "{replications} replications of {persons} persons, {} in {:.0?}",
        if analytic {
            "analytic".to_string()
        } else {
            format!("{replicates} replicates")
        },
        start.elapsed()
    );
    assert!(
        covered[0] as f64 >= 0.9 * n,
        "comparable coverage {}/{total} below 90%",
        covered[0]
    );
}
