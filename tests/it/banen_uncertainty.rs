//! Banen beyond the counts tables (issue 11): in the intervals table with the bootstrap,
//! said to have no analytic interval, and the hours model's validation on held-out job
//! keepers, checked on known truth and by disclosure control like the other tables.

use banenafspraak::estimate::hours::KeepRows;
use banenafspraak::estimate::{EstimationParams, HoursModel, HoursValidation, Intervals};
use banenafspraak::model::{FeatureColumn, FeatureMatrix, TreeParams};
use banenafspraak::report::{
    apply, hours_validation_table, uncertainty_table, DisclosureMode, DisclosureRules, Lang, Status,
};
use banenafspraak::schema::{Person, Population};
use banenafspraak::synth::SynthParams;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn synthetic() -> Population {
    SynthParams {
        persons: 40_000,
        seed: 12,
        reference_year: 2019,
    }
    .generate()
    .unwrap()
}

fn params(intervals: Intervals) -> EstimationParams {
    let mut p = EstimationParams::default();
    p.set_min_leaf(200, 20);
    p.hours_tree.min_leaf = 20;
    p.intervals = intervals;
    p
}

#[test]
fn the_intervals_table_has_banen_with_the_bootstrap() {
    let pop = synthetic();
    let run = params(Intervals::Bootstrap { replicates: 20 })
        .run(&pop)
        .unwrap();
    let wia = run.populations.iter().find(|p| p.name == "wia").unwrap();
    let t = uncertainty_table(wia, Lang::En).unwrap();
    let k = |key: &str| t.keys.iter().position(|x| x == key).unwrap();
    let (b, lo, hi) = (k("banen"), k("banen_low"), k("banen_high"));
    let number = |r: usize, c: usize| match t.rows[r][c].value {
        banenafspraak::report::Value::Count(x) => x,
        ref v => panic!("{v:?}"),
    };
    for r in 0..t.rows.len() {
        assert!(
            number(r, lo) <= number(r, b) && number(r, b) <= number(r, hi),
            "row {r}"
        );
    }
    let total = wia.total.banen.unwrap();
    assert_eq!(number(0, b), total);
    assert!(
        number(0, hi) > number(0, lo),
        "a bootstrap interval has a width"
    );
    // Checked like the counts: the bounds rest on the persons behind banen.
    assert!(t.rows[0][lo]
        .basis
        .iter()
        .any(|x| x.what == "persons without work"));
}

#[test]
fn analytic_intervals_say_why_banen_have_none() {
    let pop = synthetic();
    let run = params(Intervals::Analytic).run(&pop).unwrap();
    let note = run
        .notes
        .iter()
        .find(|n| n.contains("banen have no analytic interval"));
    assert!(
        note.is_some_and(|n| n.contains("--intervals bootstrap")),
        "{:?}",
        run.notes
    );
    let t = uncertainty_table(&run.populations[0], Lang::En).unwrap();
    assert!(!t.keys.iter().any(|k| k == "banen_low"));
    // Without hours there is nothing to say.
    let mut without = Population::new();
    for p in pop.persons() {
        without.push(&Person {
            job_hours_per_week: None,
            ..p
        });
    }
    let run = params(Intervals::Analytic).run(&without).unwrap();
    assert!(
        !run.notes.iter().any(|n| n.contains("banen")),
        "{:?}",
        run.notes
    );
}

/// Job keepers with one 0/1 feature and hours `hours(x, noise)`; 3,200 to train on, 800
/// held out.
fn keepers(hours: impl Fn(u16, f64) -> f32) -> Option<HoursValidation> {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let n = 4000;
    let mut pop = Population::new();
    let mut values = Vec::new();
    for _ in 0..n {
        let x = u16::from(rng.gen_bool(0.5));
        let h = hours(x, rng.gen_range(-2.0..2.0));
        values.push(x);
        pop.push(&Person {
            job_hours_per_week: Some(h),
            kept_job_one_year: Some(true),
            ..Person::example()
        });
    }
    let x = FeatureMatrix::from_columns(vec![FeatureColumn::numeric("x", 1, values)]).unwrap();
    let kept = vec![true; n];
    let rows: Vec<usize> = (0..n).collect();
    let keep = KeepRows {
        x: &x,
        kept: &kept,
        rows: &rows,
        n_train: 3200,
    };
    let params = TreeParams {
        min_leaf: 50,
        ..TreeParams::default()
    };
    let model: HoursModel = HoursModel::fit(&pop, keep, &params).unwrap().unwrap();
    model.validation
}

#[test]
fn the_hours_validation_beats_the_mean_when_hours_depend_on_the_features() {
    // Hours 10 or 30 by the feature, +-2 of noise: R² = 1 - (4/3) / (100 + 4/3).
    let v = keepers(|x, e| (10.0 + 20.0 * f64::from(x) + e) as f32).unwrap();
    assert_eq!(v.n, 800);
    assert!(v.r2 > 0.97 && v.r2 < 1.0, "{v:?}");
    assert!(v.mae < 1.1 && v.mae_mean > 9.0, "{v:?}");
    // Hours that do not depend on the feature: no better than the mean.
    let v = keepers(|_, e| (25.0 + 5.0 * e) as f32).unwrap();
    assert!(v.r2 < 0.01, "{v:?}");
    assert!((v.mae - v.mae_mean).abs() < 0.05 * v.mae_mean, "{v:?}");
}

#[test]
fn the_hours_validation_table_is_checked_like_the_others() {
    let v = HoursValidation {
        n: 6,
        mae: 3.2,
        mae_mean: 5.1,
        r2: 0.41,
    };
    let mut t = hours_validation_table(&v, Lang::En);
    assert_eq!(t.rows.len(), 4);
    apply(
        &mut t,
        DisclosureMode::Strict,
        &DisclosureRules::default(),
        Some(100),
    );
    // Six held-out keepers are too few: every number is suppressed.
    assert!(t.rows.iter().all(|r| r[1].status == Status::Suppressed));
    let mut t = hours_validation_table(&HoursValidation { n: 600, ..v }, Lang::En);
    apply(
        &mut t,
        DisclosureMode::Strict,
        &DisclosureRules::default(),
        Some(100),
    );
    assert!(!t.has_status(Status::Suppressed));
    assert!(t.to_string().contains("0.410"), "{t}");
}
