use super::display::days_reading;
use super::*;
use crate::error::{Error, Result};
use crate::model::{FeatureColumn, FeatureKind, FeatureMatrix, ProbabilityModel};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn numeric(name: &str, max: u16, values: Vec<u16>) -> FeatureColumn {
    FeatureColumn {
        name: name.into(),
        kind: FeatureKind::Numeric { max },
        values,
    }
}

fn categorical(name: &str, levels: &[&str], values: Vec<u16>) -> FeatureColumn {
    FeatureColumn {
        name: name.into(),
        kind: FeatureKind::Categorical {
            levels: levels.iter().map(|s| s.to_string()).collect(),
        },
        values,
    }
}

fn matrix(columns: Vec<FeatureColumn>) -> FeatureMatrix {
    FeatureMatrix {
        n_rows: columns.first().map_or(0, |c| c.values.len()),
        columns,
    }
}

/// Rows from (value, n, positives) groups.
fn groups(spec: &[(u16, usize, usize)]) -> (Vec<u16>, Vec<bool>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for &(v, n, p) in spec {
        for i in 0..n {
            x.push(v);
            y.push(i < p);
        }
    }
    (x, y)
}

fn all(x: &FeatureMatrix) -> Vec<usize> {
    (0..x.n_rows).collect()
}

fn params(max_depth: usize, min_leaf: usize) -> TreeParams {
    TreeParams {
        max_depth,
        min_leaf,
        min_split_gain: 0.0,
    }
}

fn root_split(t: &ClassificationTree) -> &Split {
    t.root().split().expect("root should split")
}

fn counts(t: &ClassificationTree, id: usize) -> (u64, u64) {
    let c = t.nodes()[id].counts.unwrap();
    (c.n, c.positives)
}

// Value: (rows, positives) = 0: (4, 0), 1: (2, 1), 2: (2, 2), 3: (4, 1); parent (12, 4).
// Summed purity (p² + q²)/n of the children, by threshold:
//   t = 0: 16/4 + 32/8 = 8.000   (Gini decrease 1/9 ≈ 0.111)
//   t = 1: 26/6 + 18/6 = 7.333
//   t = 2: 34/8 + 10/4 = 6.750
fn numeric_case() -> (FeatureMatrix, Vec<bool>) {
    let (v, y) = groups(&[(0, 4, 0), (1, 2, 1), (2, 2, 2), (3, 4, 1)]);
    (matrix(vec![numeric("a", 3, v)]), y)
}

#[test]
fn numeric_split_by_hand() {
    let (x, y) = numeric_case();
    let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
    let s = root_split(&t);
    assert_eq!(s.rule, SplitRule::AtMost(0));
    assert_eq!(counts(&t, s.left), (4, 0));
    assert_eq!(counts(&t, s.right), (8, 4));
    assert_eq!(t.nodes()[s.right].probability(), Some(0.5));
}

#[test]
fn min_split_gain_is_weighted_gini_decrease() {
    // Parent Gini 4/9; after t = 0: 8/12 · 1/2 = 1/3; decrease 1/9.
    let (x, y) = numeric_case();
    let with = |g| TreeParams {
        min_split_gain: g,
        ..params(1, 1)
    };
    assert_eq!(with(0.111).fit(&x, &y, &all(&x)).unwrap().n_leaves(), 2);
    assert_eq!(with(0.112).fit(&x, &y, &all(&x)).unwrap().n_leaves(), 1);
}

#[test]
fn min_leaf_blocks_splits() {
    let (x, y) = numeric_case();
    // t = 0 leaves 4 rows on the left and t = 2 leaves 4 on the right: only t = 1 remains.
    let t = params(1, 5).fit(&x, &y, &all(&x)).unwrap();
    assert_eq!(root_split(&t).rule, SplitRule::AtMost(1));
    // Nothing leaves 7 rows on both sides.
    let t = params(1, 7).fit(&x, &y, &all(&x)).unwrap();
    assert_eq!(t.n_leaves(), 1);
    assert_eq!(t.root().probability(), Some(4.0 / 12.0));
    // Fewer rows than min_leaf: one leaf that holds them all.
    let t = params(3, 100).fit(&x, &y, &all(&x)).unwrap();
    assert_eq!(
        t.root().counts,
        Some(Counts {
            n: 12,
            positives: 4
        })
    );
}

#[test]
fn categorical_split_is_one_vs_rest() {
    // a: (5, 1), b: (5, 5), c: (5, 1). "b vs rest": 25/5 + 68/10 = 11.8;
    // "a vs rest" = "c vs rest": 17/5 + 52/10 = 8.6. No threshold on the codes isolates b.
    let (v, y) = groups(&[(0, 5, 1), (1, 5, 5), (2, 5, 1)]);
    let x = matrix(vec![categorical("edu", &["a", "b", "c"], v)]);
    let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
    let s = root_split(&t);
    assert_eq!(s.rule, SplitRule::Equals(1));
    assert_eq!(counts(&t, s.left), (5, 5));
    assert_eq!(counts(&t, s.right), (10, 2));
    let text: Vec<String> = t.leaves().iter().map(|l| l.path[0].text.clone()).collect();
    assert_eq!(text, ["edu = b", "edu != b"]);
}

#[test]
fn ties_go_to_lowest_feature_then_lowest_threshold() {
    // 0: (1, 0), 1: (2, 1), 2: (1, 1): t = 0 and t = 1 both score 1 + 5/3.
    let (v, y) = groups(&[(0, 1, 0), (1, 2, 1), (2, 1, 1)]);
    let x = matrix(vec![numeric("a", 2, v.clone()), numeric("b", 2, v)]);
    let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
    assert_eq!(root_split(&t).feature, 0);
    assert_eq!(root_split(&t).rule, SplitRule::AtMost(0));
    // With a gap in the values the threshold is the observed value, not the midpoint.
    let (v, y) = groups(&[(0, 2, 0), (5, 2, 2)]);
    let x = matrix(vec![numeric("a", 9, v)]);
    let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
    assert_eq!(root_split(&t).rule, SplitRule::AtMost(0));
    // Two levels: "= 0" and "= 1" are the same partition; the lower level wins.
    let (v, y) = groups(&[(0, 3, 0), (1, 3, 3)]);
    let x = matrix(vec![categorical("s", &["m", "v"], v)]);
    let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
    assert_eq!(root_split(&t).rule, SplitRule::Equals(0));
}

fn random_data(n: usize, seed: u64) -> (FeatureMatrix, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let a: Vec<u16> = (0..n).map(|_| rng.gen_range(0..=1095)).collect();
    let b: Vec<u16> = (0..n).map(|_| rng.gen_range(0..5)).collect();
    let c: Vec<u16> = (0..n).map(|_| rng.gen_range(0..=10)).collect();
    let y: Vec<bool> = (0..n)
        .map(|i| {
            let logit = -2.0 + f64::from(a[i]) / 400.0 + if b[i] == 3 { 1.0 } else { 0.0 }
                - f64::from(c[i]) / 10.0;
            rng.gen_bool(1.0 / (1.0 + (-logit).exp()))
        })
        .collect();
    let x = matrix(vec![
        numeric("days_a", 1095, a),
        categorical("b", &["p", "q", "r", "s", "t"], b),
        numeric("c", 10, c),
    ]);
    (x, y)
}

#[test]
fn max_depth_is_respected() {
    let (x, y) = random_data(3000, 3);
    for depth in 1..=4 {
        let t = params(depth, 1).fit(&x, &y, &all(&x)).unwrap();
        assert_eq!(t.depth(), depth);
        assert!(t.n_leaves() <= 1 << depth);
        assert!(t.nodes().iter().all(|n| n.depth <= depth));
    }
}

#[test]
fn same_input_same_tree_on_any_thread_count() {
    let (x, y) = random_data(20_000, 5);
    let rows: Vec<usize> = (0..x.n_rows).filter(|r| r % 3 != 0).collect();
    let p = params(5, 50);
    let a = p.fit(&x, &y, &rows).unwrap();
    let b = p.fit(&x, &y, &rows).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let c = pool.install(|| p.fit(&x, &y, &rows)).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert!(a.n_leaves() > 4);
}

#[test]
fn fits_only_the_given_rows() {
    let (x, y) = random_data(2000, 9);
    let rows: Vec<usize> = (0..1000).collect();
    let t = params(3, 20).fit(&x, &y, &rows).unwrap();
    assert_eq!(t.root().counts.unwrap().n, 1000);
    let positives = rows.iter().filter(|&&r| y[r]).count() as u64;
    assert_eq!(t.root().counts.unwrap().positives, positives);
}

#[test]
fn errors_on_bad_input() {
    let (x, y) = random_data(100, 1);
    let p = params(3, 1);
    let is_input = |r: Result<ClassificationTree>| matches!(r, Err(Error::ModelInput(_)));
    assert!(is_input(p.fit(&x, &y, &[])));
    assert!(is_input(p.fit(&x, &y[..99], &all(&x))));
    assert!(is_input(p.fit(&x, &y, &[0, 100])));
    let mut bad = x.clone();
    bad.columns[0].values[17] = 1096;
    let err = p.fit(&bad, &y, &all(&x)).unwrap_err().to_string();
    assert!(err.contains("days_a") && err.contains("1096") && err.contains("row 17"));
    let mut bad = x.clone();
    bad.columns[1].values[3] = 5;
    assert!(is_input(p.fit(&bad, &y, &all(&x))));
    // Out-of-range values are caught even when the root cannot split.
    assert!(is_input(params(3, 100).fit(&bad, &y, &all(&x))));
    // ... but only in the rows fitted on.
    assert!(p.fit(&bad, &y, &[0, 1, 2, 4]).is_ok());
    let mut short = x.clone();
    short.columns[2].values.pop();
    assert!(is_input(p.fit(&short, &y, &all(&x))));
    let mut twice = x.clone();
    twice.columns[2].name = "b".into();
    assert!(is_input(p.fit(&twice, &y, &all(&x))));
}

#[test]
fn bad_params_are_refused() {
    let (x, y) = random_data(10, 1);
    for p in [
        params(0, 1),
        params(21, 1),
        params(5, 0),
        TreeParams {
            min_split_gain: f64::NAN,
            ..TreeParams::default()
        },
        TreeParams {
            min_split_gain: -0.1,
            ..TreeParams::default()
        },
    ] {
        assert!(matches!(p.check(), Err(Error::InvalidParameter { .. })));
        assert!(p.fit(&x, &y, &all(&x)).is_err());
    }
    assert!(TreeParams::default().check().is_ok());
}

#[test]
fn one_class_gives_one_leaf() {
    let (x, _) = random_data(500, 2);
    for class in [false, true] {
        let y = vec![class; 500];
        let t = params(5, 1).fit(&x, &y, &all(&x)).unwrap();
        assert_eq!(t.n_leaves(), 1);
        assert_eq!(t.depth(), 0);
        let p = if class { 1.0 } else { 0.0 };
        assert!(t.predict_proba(&x).iter().all(|&q| q == p));
        assert!(t.to_string().starts_with("(all rows)"));
    }
}

fn b31_like() -> ClassificationTree {
    let features = vec![
        TreeFeature {
            name: "days_bijstand".into(),
            kind: FeatureKind::Numeric { max: 1095 },
        },
        TreeFeature {
            name: "education".into(),
            kind: FeatureKind::Categorical {
                levels: vec!["primary".into(), "mbo1".into(), "mbo2".into()],
            },
        },
    ];
    ClassificationTree::from_nodes(
        features,
        vec![
            NodeSpec::split("days_bijstand", SplitRule::AtMost(13), 1, 4),
            NodeSpec::split("education", SplitRule::Equals(1), 2, 3),
            NodeSpec::leaf(0.041),
            NodeSpec::Leaf {
                probability: 0.005,
                counts: Some(Counts {
                    n: 2000,
                    positives: 10,
                }),
            },
            NodeSpec::leaf(0.302),
        ],
    )
    .unwrap()
}

#[test]
fn hand_built_tree_scores_by_feature_name() {
    let t = b31_like();
    assert_eq!((t.depth(), t.n_leaves()), (2, 3));
    assert_eq!(t.nodes()[2].depth, 2);
    let x = matrix(vec![
        numeric("age", 66, vec![30, 40, 50, 60]),
        categorical("education", &["primary", "mbo1", "mbo2"], vec![1, 2, 0, 1]),
        numeric("days_bijstand", 1095, vec![13, 0, 14, 1095]),
    ]);
    assert_eq!(t.predict_proba(&x), [0.041, 0.005, 0.302, 0.302]);
    assert_eq!(t.leaf_ids(&x).unwrap(), [2, 3, 4, 4]);
    assert_eq!(t.leaf_of(&x, 1).unwrap(), 3);
    assert!(t.leaf_of(&x, 4).is_err());
    let leaves = t.leaves();
    let paths: Vec<Vec<String>> = leaves
        .iter()
        .map(|l| l.path.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        paths,
        [
            vec!["days_bijstand <= 13 (< 2 weeks)", "education = mbo1"],
            vec!["days_bijstand <= 13 (< 2 weeks)", "education != mbo1"],
            vec!["days_bijstand > 13 (>= 2 weeks)"],
        ]
    );
    assert_eq!(
        t.to_string(),
        "days_bijstand <= 13 (< 2 weeks)\n\
         \x20 education = mbo1                 4.1%\n\
         \x20 education != mbo1                0.5%  n = 2000\n\
         days_bijstand > 13 (>= 2 weeks)   30.2%\n"
    );
}

#[test]
fn scoring_refuses_mismatched_features() {
    let t = b31_like();
    let missing = matrix(vec![numeric("days_bijstand", 1095, vec![0])]);
    assert!(matches!(
        t.try_predict_proba(&missing),
        Err(Error::ModelInput(_))
    ));
    let other_levels = matrix(vec![
        numeric("days_bijstand", 1095, vec![0]),
        categorical("education", &["mbo1", "primary", "mbo2"], vec![0]),
    ]);
    assert!(t.try_predict_proba(&other_levels).is_err());
    let other_kind = matrix(vec![
        numeric("days_bijstand", 1095, vec![0]),
        numeric("education", 2, vec![0]),
    ]);
    assert!(t.try_predict_proba(&other_kind).is_err());
    let result = std::panic::catch_unwind(|| t.predict_proba(&missing));
    assert!(result.is_err());
}

#[test]
fn hand_built_trees_are_validated() {
    let features = || {
        vec![
            TreeFeature {
                name: "days_x".into(),
                kind: FeatureKind::Numeric { max: 10 },
            },
            TreeFeature {
                name: "c".into(),
                kind: FeatureKind::Categorical {
                    levels: vec!["a".into(), "b".into()],
                },
            },
        ]
    };
    let build = |nodes: Vec<NodeSpec>| ClassificationTree::from_nodes(features(), nodes);
    let leaf = NodeSpec::leaf;
    let at_most = |l, r| NodeSpec::split("days_x", SplitRule::AtMost(3), l, r);
    assert!(build(vec![at_most(1, 2), leaf(0.1), leaf(0.2)]).is_ok());
    assert!(build(vec![leaf(0.5)]).is_ok());
    assert!(build(vec![]).is_err());
    // Child out of range, child = root, child used twice, cycle cut off from the root.
    assert!(build(vec![at_most(1, 3), leaf(0.1), leaf(0.2)]).is_err());
    assert!(build(vec![at_most(0, 1), leaf(0.1)]).is_err());
    assert!(build(vec![at_most(1, 1), leaf(0.1)]).is_err());
    assert!(build(vec![
        at_most(1, 2),
        leaf(0.1),
        leaf(0.2),
        at_most(4, 5),
        at_most(3, 6),
        leaf(0.1),
        leaf(0.1)
    ])
    .is_err());
    // Orphan node.
    assert!(build(vec![at_most(1, 2), leaf(0.1), leaf(0.2), leaf(0.3)]).is_err());
    // Probabilities and counts.
    assert!(build(vec![at_most(1, 2), leaf(1.5), leaf(0.2)]).is_err());
    assert!(build(vec![at_most(1, 2), leaf(f64::NAN), leaf(0.2)]).is_err());
    let bad_counts = NodeSpec::Leaf {
        probability: 0.5,
        counts: Some(Counts { n: 2, positives: 3 }),
    };
    assert!(build(vec![bad_counts]).is_err());
    // Feature and rule checks.
    assert!(build(vec![
        NodeSpec::split("nope", SplitRule::AtMost(3), 1, 2),
        leaf(0.1),
        leaf(0.2)
    ])
    .is_err());
    assert!(build(vec![
        NodeSpec::split("c", SplitRule::AtMost(0), 1, 2),
        leaf(0.1),
        leaf(0.2)
    ])
    .is_err());
    assert!(build(vec![
        NodeSpec::split("c", SplitRule::Equals(2), 1, 2),
        leaf(0.1),
        leaf(0.2)
    ])
    .is_err());
    assert!(build(vec![
        NodeSpec::split("days_x", SplitRule::AtMost(11), 1, 2),
        leaf(0.1),
        leaf(0.2)
    ])
    .is_err());
    let mut twice = features();
    twice[1].name = "days_x".into();
    assert!(ClassificationTree::from_nodes(twice, vec![leaf(0.5)]).is_err());
}

#[test]
fn serde_round_trip_and_validation() {
    let (x, y) = random_data(5000, 4);
    let t = params(4, 50).fit(&x, &y, &all(&x)).unwrap();
    let json = serde_json::to_string(&t).unwrap();
    let back: ClassificationTree = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    assert_eq!(back.predict_proba(&x), t.predict_proba(&x));
    // A tampered child id is refused rather than trusted.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["nodes"][0]["kind"]["Split"]["left"] = serde_json::json!(0);
    assert!(serde_json::from_value::<ClassificationTree>(value).is_err());
}

#[test]
fn days_are_read_in_report_units() {
    assert_eq!(days_reading(1), "1 day");
    assert_eq!(days_reading(6), "6 days");
    assert_eq!(days_reading(7), "1 week");
    assert_eq!(days_reading(14), "2 weeks");
    assert_eq!(days_reading(30), "~4.3 weeks");
    assert_eq!(days_reading(31), "~1 month");
    assert_eq!(days_reading(365 / 2 + 1), "~6 months");
    assert_eq!(days_reading(365), "1 year");
    assert_eq!(days_reading(548), "~1.5 years");
    assert_eq!(days_reading(1095), "3 years");
}

/// A random small problem: matrix, outcome, rows (repeats allowed), parameters.
fn problem() -> impl Strategy<Value = (FeatureMatrix, Vec<bool>, Vec<usize>, TreeParams)> {
    (1usize..120, 1usize..4, any::<u64>(), 1usize..6, 1usize..15)
        .prop_flat_map(|(n, p, seed, max_depth, min_leaf)| {
            let rows = proptest::collection::vec(0..n, 1..2 * n);
            (Just((n, p, seed, max_depth, min_leaf)), rows)
        })
        .prop_map(|((n, p, seed, max_depth, min_leaf), rows)| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let columns = (0..p)
                .map(|j| {
                    let card = rng.gen_range(1..8u16);
                    let values = (0..n).map(|_| rng.gen_range(0..card)).collect();
                    if j % 2 == 0 {
                        numeric(&format!("n{j}"), card - 1, values)
                    } else {
                        let levels: Vec<String> = (0..card).map(|k| format!("l{k}")).collect();
                        let refs: Vec<&str> = levels.iter().map(String::as_str).collect();
                        categorical(&format!("c{j}"), &refs, values)
                    }
                })
                .collect();
            let rate = rng.gen_range(0.0..1.0);
            let y = (0..n).map(|_| rng.gen_bool(rate)).collect();
            (matrix(columns), y, rows, params(max_depth, min_leaf))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn leaves_hold_their_training_rates((x, y, rows, p) in problem()) {
        let t = p.fit(&x, &y, &rows).unwrap();
        let ids = t.leaf_ids(&x).unwrap();
        let mut n = vec![0u64; t.nodes().len()];
        let mut pos = vec![0u64; t.nodes().len()];
        for &r in &rows {
            n[ids[r]] += 1;
            pos[ids[r]] += u64::from(y[r]);
        }
        let proba = t.predict_proba(&x);
        for (r, &id) in ids.iter().enumerate() {
            prop_assert!(t.nodes()[id].is_leaf());
            prop_assert_eq!(proba[r], t.nodes()[id].probability().unwrap());
        }
        let mut total = 0;
        for leaf in t.leaves() {
            let c = leaf.counts.unwrap();
            prop_assert_eq!((c.n, c.positives), (n[leaf.node], pos[leaf.node]));
            // Only a root that cannot split may hold fewer than min_leaf rows.
            prop_assert!(c.n >= p.min_leaf as u64 || t.n_leaves() == 1);
            prop_assert_eq!(leaf.probability, pos[leaf.node] as f64 / n[leaf.node] as f64);
            total += c.n;
        }
        prop_assert_eq!(total, rows.len() as u64);
        prop_assert!(t.depth() <= p.max_depth);
    }
}
