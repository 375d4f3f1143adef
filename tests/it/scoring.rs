//! Per-person scoring of a fitted pipeline: the leaf masks that score trees together give
//! each model's own prediction, as does the general path that deep trees take.

use banenafspraak::estimate::{EstimationParams, FittedPipeline, PersonScores};
use banenafspraak::model::MASK_LEAVES;
use banenafspraak::schema::Population;
use banenafspraak::synth::SynthParams;

fn fitted(pop: &Population, depth: usize, [comparability, job]: [usize; 2]) -> FittedPipeline {
    let mut params = EstimationParams::default();
    params.set_max_depth(depth);
    params.set_min_leaf(comparability, job);
    params.fit_with_progress(pop, &mut |_| {}).unwrap().0
}

/// Every stage scored on its own, through its model and a feature matrix.
fn one_by_one(f: &FittedPipeline, pop: &Population, rows: &[usize]) -> Vec<PersonScores> {
    let xc = f.comparability_features().encode(pop, rows).unwrap();
    let xj = f.job_features().encode(pop, rows).unwrap();
    let c = f.comparability.model.try_predict_proba(&xc).unwrap();
    let q = f.job_find.model.try_predict_proba(&xj).unwrap();
    let k = f.job_keep.model.try_predict_proba(&xj).unwrap();
    let h = f.hours.as_ref().map(|h| h.tree.predict(&xj).unwrap());
    (0..rows.len())
        .map(|i| PersonScores {
            comparable: f.correction.apply(c[i]),
            find: q[i],
            keep: k[i],
            hours: h.as_ref().map(|h| h[i]),
        })
        .collect()
}

fn leaves(f: &FittedPipeline) -> usize {
    let trees = [&f.comparability, &f.job_find, &f.job_keep];
    let n = trees.iter().map(|s| s.model.as_tree().unwrap().n_leaves());
    n.max().unwrap_or(0)
}

#[test]
fn per_person_scores_are_each_models_own_prediction() {
    let pop = SynthParams {
        persons: 40_000,
        seed: 5,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    // Every other person, backwards: rows need not be in order.
    let rows: Vec<usize> = (0..pop.len()).rev().step_by(2).collect();
    // Depth 5 fits the leaf masks; depth 9 on small leaves has trees past them.
    for (depth, min_leaf, masked) in [(5, [200, 10], true), (9, [5, 2], false)] {
        let f = fitted(&pop, depth, min_leaf);
        assert_eq!(leaves(&f) <= MASK_LEAVES, masked, "{} leaves", leaves(&f));
        assert!(f.hours.is_some(), "the synthetic population has hours");
        let scores = f.score(&pop, &rows).unwrap();
        assert_eq!(scores, one_by_one(&f, &pop, &rows), "depth {depth}");
        let mut again = vec![PersonScores::default(); rows.len()];
        f.score_into(&pop, &rows, &mut again).unwrap();
        assert_eq!(again, scores);
    }
}

#[test]
fn scoring_into_a_buffer_of_the_wrong_length_is_refused() {
    let pop = SynthParams::default().generate().unwrap();
    let f = fitted(&pop, 3, [100, 5]);
    let rows: Vec<usize> = (0..10).collect();
    let mut out = vec![PersonScores::default(); 9];
    let err = f.score_into(&pop, &rows, &mut out).unwrap_err();
    assert!(
        err.to_string()
            .contains("10 rows to score into a buffer of 9"),
        "{err}"
    );
}
