//! Known truth: persons drawn from a mechanism of our own, whose expected counts we compute
//! exactly from the true probabilities, must be recovered by the fitted pipeline.
//!
//! Mechanism. Among persons aged 16-66, 2% belong to an old register group (wajong),
//! independent of everything else; of the others, a person is in the trained register
//! with probability pi(x). Register entrants of 2018 find a job with probability q(x),
//! register job starters keep it with probability k(x). The truth for a population G is
//! sum over its members of min(1, f pi(x)) (and times q, q k), with f the data's
//! register-size factor (all register members over those outside the old group), which is
//! an observed ratio, not an estimate.
//!
//! Tolerances (stated, not tuned): with 300,000 persons the leaf rates of the comparability
//! model rest on thousands of positives (relative standard error near 3%), the job models
//! on cohorts of a few thousand (near 4%). Totals must be within 6% for comparable, 10%
//! for finds and 12% for keeps.

use crate::common;

use banenafspraak::estimate::{
    Correction, EstimationParams, Intervals, PopulationEstimate, ScoredPopulation,
};
use banenafspraak::model::design::SampleSize;
use banenafspraak::model::{LogisticParams, ModelSpec};
use banenafspraak::schema::{Population, RegisterBasis};
use common::{generate, truth, Mechanism, LOGIT, STEPS};

fn assert_recovered(
    m: &Mechanism,
    pop: &Population,
    estimates: &[PopulationEstimate],
    f: f64,
    what: &str,
) {
    for (def, est) in ScoredPopulation::report_populations().iter().zip(estimates) {
        let (c, fi, k) = truth(m, pop, def, f);
        for (got, want, tol, measure) in [
            (est.total.comparable, c, 0.06, "comparable"),
            (est.total.finds_work, fi, 0.10, "finds"),
            (est.total.keeps_work, k, 0.12, "keeps"),
        ] {
            let rel = (got - want) / want;
            assert!(
                rel.abs() <= tol,
                "{what} {} {measure}: estimated {got:.1}, truth {want:.1} ({:+.1}%)",
                def.name,
                100.0 * rel
            );
        }
    }
}

#[test]
fn the_tree_recovers_a_step_mechanism() {
    let pop = generate(&STEPS, 300_000, 1);
    let mut params = EstimationParams::default();
    params.design.sample_size = SampleSize::All;
    params.intervals = Intervals::None;
    let e = params.run(&pop).unwrap();
    let f = e.fitted.correction.factor;
    let members = pop.persons().filter(|p| p.in_register).count() as f64;
    let wajong = pop
        .persons()
        .filter(|p| p.register_basis == Some(RegisterBasis::Wajong))
        .count() as f64;
    assert!(
        (f - members / (members - wajong)).abs() < 1e-12,
        "factor {f}"
    );
    assert_recovered(&STEPS, &pop, &e.populations, f, "tree");
}

#[test]
fn the_logistic_model_recovers_a_logit_mechanism() {
    let pop = generate(&LOGIT, 300_000, 2);
    let mut params = EstimationParams::logistic();
    params.design.sample_size = SampleSize::All;
    params.intervals = Intervals::None;
    let e = params.run(&pop).unwrap();
    let f = e.fitted.correction.factor;
    assert_recovered(&LOGIT, &pop, &e.populations, f, "logistic");
    if let banenafspraak::model::FittedModel::Logistic(m) = &e.fitted.comparability.model {
        assert!(m.converged());
    } else {
        panic!("not a logistic model");
    }
}

#[test]
fn a_fixed_correction_scales_the_counts() {
    let pop = generate(&STEPS, 100_000, 3);
    let mut params = EstimationParams::default();
    params.set_min_leaf(500, 50);
    params.intervals = Intervals::None;
    params.correction = Correction::Fixed(1.0);
    let one = params.run(&pop).unwrap();
    params.correction = Correction::Fixed(2.0);
    let two = params.run(&pop).unwrap();
    for (a, b) in one.populations.iter().zip(&two.populations) {
        // No probability here reaches 1/2, so doubling f doubles every count exactly.
        assert!(
            (b.total.comparable - 2.0 * a.total.comparable).abs()
                < 1e-6 * b.total.comparable.max(1.0)
        );
    }
    let _ = ModelSpec::Logistic(LogisticParams::default());
}

/// Banen on known truth: keepers' hours follow a step in age (18 hours under 30, 32 from
/// 30, noise +-3), so the truth per population is sum of c q k h / 25.5 with the true
/// functions. The hours tree must find the step and the banen follow; the tolerance is the
/// keeps tolerance (banen are keeps times hours, and hours are estimated on thousands of
/// keepers to well under 1%). Without the hours column banen stay empty and nothing else
/// changes.
#[test]
fn banen_are_recovered_from_a_step_in_hours() {
    use common::{step_hours, truth_banen, with_hours};
    let v1 = generate(&STEPS, 300_000, 1);
    let pop = with_hours(v1.clone(), step_hours, 1);
    let mut params = EstimationParams::default();
    params.design.sample_size = SampleSize::All;
    params.intervals = Intervals::None;
    let e = params.run(&pop).unwrap();
    let f = e.fitted.correction.factor;
    let hours = e
        .fitted
        .hours
        .as_ref()
        .expect("an hours model with the column");
    assert!(
        hours.tree.to_string().starts_with("age <= 29"),
        "{}",
        hours.tree
    );
    for (def, est) in ScoredPopulation::report_populations()
        .iter()
        .zip(&e.populations)
    {
        let want = truth_banen(&STEPS, step_hours, &pop, def, f);
        let got = est.total.banen.expect("banen with hours");
        let rel = (got - want) / want;
        assert!(
            rel.abs() <= 0.12,
            "{} banen: estimated {got:.1}, truth {want:.1} ({:+.1}%)",
            def.name,
            100.0 * rel
        );
        // Sub-groups and breakdowns carry banen that add up to the total.
        let parts: f64 = est.by_age.cells.iter().map(|c| c.2.banen.unwrap()).sum();
        assert!((parts - got).abs() < 1e-6 * got.max(1.0));
    }
    // The same persons without the column: no banen, every other number the same.
    let without = params.run(&v1).unwrap();
    assert!(without.fitted.hours.is_none());
    for (a, b) in without.populations.iter().zip(&e.populations) {
        assert!(a.groups().all(|c| c.banen.is_none()));
        let strip = |p: &PopulationEstimate| {
            let mut p = p.clone();
            p.groups_mut().for_each(|c| c.banen = None);
            p
        };
        assert_eq!(strip(a), strip(b));
    }
}
