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
    FeatureMatrix::from_columns(columns).unwrap()
}

fn proba(t: &ClassificationTree, x: &FeatureMatrix) -> Vec<f64> {
    t.try_predict_proba(x).unwrap()
}

/// Whether `r` is the error for bad hand-built nodes.
fn bad_nodes<T>(r: Result<T>) -> bool {
    matches!(r, Err(Error::InvalidParameter { name: "nodes", .. }))
}

fn is_input<T>(r: Result<T>) -> bool {
    matches!(r, Err(Error::ModelInput(_)))
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
    (0..x.n_rows()).collect()
}

fn params(max_depth: usize, min_leaf: usize) -> TreeParams {
    TreeParams {
        max_depth,
        min_leaf,
        min_split_gain: 0.0,
        ..TreeParams::default()
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
    let rows: Vec<usize> = (0..x.n_rows()).filter(|r| r % 3 != 0).collect();
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
    assert!(is_input(p.fit(&x, &y, &[])));
    assert!(is_input(p.fit(&x, &y[..99], &all(&x))));
    assert!(is_input(p.fit(&x, &y, &[0, 100])));
    // The matrix is checked once, when built: values in range, lengths, distinct names.
    let mut columns = x.clone().into_columns();
    columns[0].values[17] = 1096;
    let err = FeatureMatrix::from_columns(columns).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::ModelInput(_)), "{err:?}");
    assert!(text.contains("days_a") && text.contains("1096") && text.contains("row 17"));
    let mut columns = x.clone().into_columns();
    columns[1].values[3] = 5;
    assert!(is_input(FeatureMatrix::from_columns(columns)));
    let mut columns = x.clone().into_columns();
    columns[2].values.pop();
    assert!(is_input(FeatureMatrix::new(100, columns)));
    let mut columns = x.clone().into_columns();
    columns[2].name = "b".into();
    assert!(is_input(FeatureMatrix::from_columns(columns)));
    let repeated = categorical("r", &["a", "a"], vec![0]);
    assert!(is_input(FeatureMatrix::from_columns(vec![repeated])));
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
        assert!(matches!(
            p.fit(&x, &y, &all(&x)),
            Err(Error::InvalidParameter { .. })
        ));
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
        assert!(proba(&t, &x).iter().all(|&q| q == p));
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
    assert_eq!(proba(&t, &x), [0.041, 0.005, 0.302, 0.302]);
    assert_eq!(t.leaf_ids(&x).unwrap(), [2, 3, 4, 4]);
    assert_eq!(t.leaf_of(&x, 1).unwrap(), 3);
    assert!(is_input(t.leaf_of(&x, 4)));
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
    assert!(is_input(t.try_predict_proba(&other_levels)));
    let other_kind = matrix(vec![
        numeric("days_bijstand", 1095, vec![0]),
        numeric("education", 2, vec![0]),
    ]);
    assert!(is_input(t.try_predict_proba(&other_kind)));
    // Through the trait as well: an error, not a panic.
    let model: &dyn ProbabilityModel = &t;
    assert!(is_input(model.try_predict_proba(&missing)));
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
    assert!(bad_nodes(build(vec![])));
    // Child out of range, child = root, child used twice, cycle cut off from the root.
    assert!(bad_nodes(build(vec![at_most(1, 3), leaf(0.1), leaf(0.2)])));
    assert!(bad_nodes(build(vec![at_most(0, 1), leaf(0.1)])));
    assert!(bad_nodes(build(vec![at_most(1, 1), leaf(0.1)])));
    assert!(bad_nodes(build(vec![
        at_most(1, 2),
        leaf(0.1),
        leaf(0.2),
        at_most(4, 5),
        at_most(3, 6),
        leaf(0.1),
        leaf(0.1)
    ])));
    // Orphan node.
    assert!(bad_nodes(build(vec![
        at_most(1, 2),
        leaf(0.1),
        leaf(0.2),
        leaf(0.3)
    ])));
    // Probabilities and counts.
    assert!(bad_nodes(build(vec![at_most(1, 2), leaf(1.5), leaf(0.2)])));
    assert!(bad_nodes(build(vec![
        at_most(1, 2),
        leaf(f64::NAN),
        leaf(0.2)
    ])));
    let bad_counts = NodeSpec::Leaf {
        probability: 0.5,
        counts: Some(Counts { n: 2, positives: 3 }),
    };
    assert!(bad_nodes(build(vec![bad_counts])));
    // Feature and rule checks.
    let split = |feature, rule| vec![NodeSpec::split(feature, rule, 1, 2), leaf(0.1), leaf(0.2)];
    assert!(bad_nodes(build(split("nope", SplitRule::AtMost(3)))));
    assert!(bad_nodes(build(split("c", SplitRule::AtMost(0)))));
    assert!(bad_nodes(build(split("c", SplitRule::Equals(2)))));
    assert!(bad_nodes(build(split("days_x", SplitRule::AtMost(11)))));
    let mut twice = features();
    twice[1].name = "days_x".into();
    assert!(bad_nodes(ClassificationTree::from_nodes(
        twice,
        vec![leaf(0.5)]
    )));
}

#[test]
fn serde_round_trip_and_validation() {
    let (x, y) = random_data(5000, 4);
    let t = params(4, 50).fit(&x, &y, &all(&x)).unwrap();
    let json = serde_json::to_string(&t).unwrap();
    let back: ClassificationTree = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    assert_eq!(proba(&back, &x), proba(&t, &x));
    // A tampered child id is refused rather than trusted.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["nodes"][0]["kind"]["Split"]["left"] = serde_json::json!(0);
    let err = serde_json::from_value::<ClassificationTree>(value).unwrap_err();
    assert!(err.to_string().contains("invalid parameter nodes"), "{err}");
}

/// Days with a jump at 400, a small count, and an income that almost every row holds
/// alone (the values an output checker must never see as thresholds).
fn disclosive_data(n: usize, seed: u64) -> (FeatureMatrix, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let days: Vec<u16> = (0..n).map(|_| rng.gen_range(0..=1095)).collect();
    let kids: Vec<u16> = (0..n).map(|_| rng.gen_range(0..=10)).collect();
    let income: Vec<u16> = (0..n)
        .map(|_| {
            if rng.gen_bool(0.3) {
                20_000
            } else {
                rng.gen_range(0..=60_000)
            }
        })
        .collect();
    let y = (0..n)
        .map(|i| {
            let logit = -1.0 + if days[i] > 400 { 1.5 } else { 0.0 } - f64::from(kids[i]) / 5.0
                + f64::from(income[i]) / 30_000.0;
            rng.gen_bool(1.0 / (1.0 + (-logit).exp()))
        })
        .collect();
    let x = matrix(vec![
        numeric("days_bijstand", 1095, days),
        numeric("kids", 10, kids),
        numeric("income", 60_000, income),
        categorical("b", &["p", "q"], (0..n).map(|i| (i % 2) as u16).collect()),
    ]);
    (x, y)
}

/// A printed condition (`days_bijstand <= 13 (< 2 weeks)`, `b != q`) read back as a
/// test on a row: name, then whether it holds for the row's value.
fn printed_condition(text: &str, x: &FeatureMatrix, row: usize) -> (String, u16, bool) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (name, op, operand) = (words[0], words[1], words[2]);
    let column = x.column(name).unwrap();
    let value = column.values[row];
    let level = |l: &str| match &column.kind {
        FeatureKind::Categorical { levels } => levels.iter().position(|k| k == l).unwrap() as u16,
        FeatureKind::Numeric { .. } => l.parse().unwrap(),
    };
    let (threshold, holds) = match op {
        "<=" => (operand.parse().unwrap(), value <= operand.parse().unwrap()),
        ">" => (operand.parse().unwrap(), value > operand.parse().unwrap()),
        "=" => (level(operand), value == level(operand)),
        "!=" => (level(operand), value != level(operand)),
        _ => panic!("unknown operator in {text:?}"),
    };
    (name.to_string(), threshold, holds)
}

#[test]
fn coarse_grid_thresholds_are_on_the_grid_and_score_as_printed() {
    let (x, y) = disclosive_data(20_000, 21);
    let rows = all(&x);
    let min_persons = 10;
    let grid = ThresholdGrid::coarse(min_persons);
    let observed = params(4, 200).fit(&x, &y, &rows).unwrap();
    let coarse = params(4, 200)
        .threshold_grid(grid)
        .fit(&x, &y, &rows)
        .unwrap();
    let holders = |name: &str, t: u16| {
        x.column(name)
            .unwrap()
            .values
            .iter()
            .filter(|&&v| v == t)
            .count() as u64
    };
    // Without the grid, some printed threshold is a value fewer than 10 persons hold.
    let rare = |t: &ClassificationTree| {
        t.leaves()
            .iter()
            .flat_map(|l| l.path.clone())
            .any(|c| match c.rule {
                SplitRule::AtMost(v) => holders(&c.feature_name, v) < min_persons,
                SplitRule::Equals(_) => false,
            })
    };
    assert!(rare(&observed), "{observed}");
    assert!(!rare(&coarse), "{coarse}");
    let p = proba(&coarse, &x);
    let mut splits_on = std::collections::BTreeSet::new();
    for leaf in coarse.leaves() {
        for c in &leaf.path {
            let (name, t, _) = printed_condition(&c.text, &x, 0);
            splits_on.insert(name.clone());
            if name.starts_with("days_") {
                assert_eq!((u32::from(t) + 1) % 7, 0, "{}", c.text);
                assert!(DaysGrid::Weeks.contains(t));
            } else if name != "b" {
                assert!(holders(&name, t) >= min_persons, "{}", c.text);
            }
        }
    }
    assert!(
        splits_on.contains("days_bijstand") && splits_on.contains("income"),
        "{coarse}"
    );
    // Every row falls in exactly the leaf whose printed conditions it meets, and gets
    // that leaf's printed probability.
    let leaves = coarse.leaves();
    for (r, &p_r) in p.iter().enumerate() {
        let meets: Vec<&Leaf> = leaves
            .iter()
            .filter(|l| l.path.iter().all(|c| printed_condition(&c.text, &x, r).2))
            .collect();
        assert_eq!(meets.len(), 1, "row {r}");
        assert_eq!(p_r, meets[0].probability, "row {r}");
    }
    // Month grid: days thresholds at whole months.
    let months = ThresholdGrid::Coarse {
        days: DaysGrid::Months,
        min_persons,
    };
    let t = params(3, 200)
        .threshold_grid(months)
        .fit(&x, &y, &rows)
        .unwrap();
    for split in t.nodes().iter().filter_map(|n| n.split()) {
        if let (SplitRule::AtMost(v), "days_bijstand") = (split.rule, split.feature_name.as_str()) {
            assert!(DaysGrid::Months.contains(v), "{t}");
        }
    }
}

#[test]
fn without_a_grid_the_fit_is_unchanged() {
    let (x, y) = disclosive_data(5000, 3);
    let rows = all(&x);
    assert_eq!(
        TreeParams::default().threshold_grid,
        ThresholdGrid::Observed
    );
    let plain = params(4, 50).fit(&x, &y, &rows).unwrap();
    let observed = params(4, 50)
        .threshold_grid(ThresholdGrid::Observed)
        .fit(&x, &y, &rows)
        .unwrap();
    assert_eq!(plain, observed);
    // min_persons 1 on a grid admits every observed value of the non-days features.
    let loose = ThresholdGrid::Coarse {
        days: DaysGrid::Weeks,
        min_persons: 1,
    };
    let x_no_days = matrix(x.columns()[1..].to_vec());
    let a = params(4, 50).fit(&x_no_days, &y, &rows).unwrap();
    let b = params(4, 50)
        .threshold_grid(loose)
        .fit(&x_no_days, &y, &rows)
        .unwrap();
    assert_eq!(a, b);
    // Parameters saved before the grid existed still read.
    let old: TreeParams =
        serde_json::from_str(r#"{"max_depth":5,"min_leaf":1000,"min_split_gain":0.0}"#).unwrap();
    assert_eq!(old, TreeParams::default());
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
        let proba = proba(&t, &x);
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

/// Hours with a planted structure: 15 hours up to disability 40, 30 above; above it
/// education level "low" works 10 hours less. Noise of +-4 hours.
fn planted_hours(n: usize, seed: u64) -> (FeatureMatrix, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut dis, mut edu, mut noise, mut y) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let d: u16 = rng.gen_range(0..=100);
        let e: u16 = rng.gen_range(0..3);
        let z: u16 = rng.gen_range(0..=1095);
        let base = if d <= 40 {
            15.0
        } else if e == 0 {
            20.0
        } else {
            30.0
        };
        dis.push(d);
        edu.push(e);
        noise.push(z);
        y.push(base + rng.gen_range(-4.0..4.0));
    }
    let x = matrix(vec![
        numeric("days_nug", 1095, noise),
        categorical("education", &["low", "mid", "high"], edu),
        numeric("disability_pct", 100, dis),
    ]);
    (x, y)
}

#[test]
fn the_regression_tree_recovers_a_planted_split() {
    let (x, y) = planted_hours(20_000, 3);
    let rows: Vec<usize> = (0..x.n_rows()).collect();
    let params = TreeParams {
        max_depth: 2,
        min_leaf: 500,
        ..TreeParams::default()
    };
    let tree = params.fit_regression(&x, &y, &rows).unwrap();
    let text = tree.to_string();
    assert!(text.starts_with("disability_pct <= 40\n"), "{text}");
    assert!(text.contains("education = low"), "{text}");
    assert!(
        text.contains("disability_pct > 40\n  education = low"),
        "{text}"
    );
    let leaves = tree.leaves();
    assert_eq!(leaves.iter().map(|l| l.n).sum::<u64>(), 20_000);
    // Leaf means are the training means of their rows; predictions are the leaf means.
    let pred = tree.predict(&x).unwrap();
    let ids = tree.leaf_ids(&x).unwrap();
    for l in &leaves {
        let mine: Vec<f64> = (0..x.n_rows())
            .filter(|&r| ids[r] == l.node)
            .map(|r| y[r])
            .collect();
        let mean = mine.iter().sum::<f64>() / mine.len() as f64;
        assert_eq!(mine.len() as u64, l.n);
        assert!((l.mean - mean).abs() < 5e-4, "{} vs {mean}", l.mean);
    }
    let dis = &x.columns()[2].values;
    let edu = &x.columns()[1].values;
    let groups: [(f64, &dyn Fn(usize) -> bool); 3] = [
        (15.0, &|r| dis[r] <= 40),
        (20.0, &|r| dis[r] > 40 && edu[r] == 0),
        (30.0, &|r| dis[r] > 40 && edu[r] != 0),
    ];
    for (want, group) in groups {
        let p: Vec<f64> = (0..x.n_rows())
            .filter(|&r| group(r))
            .map(|r| pred[r])
            .collect();
        let mean = p.iter().sum::<f64>() / p.len() as f64;
        assert!((mean - want).abs() < 0.2, "{want}: {mean}\n{text}");
    }
    assert!(pred
        .iter()
        .zip(&ids)
        .all(|(p, &id)| leaves.iter().any(|l| l.node == id && l.mean == *p)));
}

#[test]
fn the_regression_tree_keeps_the_leaf_rules_and_refuses_bad_outcomes() {
    let (x, mut y) = planted_hours(3_000, 4);
    let rows: Vec<usize> = (0..x.n_rows()).collect();
    let params = TreeParams {
        max_depth: 5,
        min_leaf: 400,
        ..TreeParams::default()
    };
    let tree = params.fit_regression(&x, &y, &rows).unwrap();
    assert!(tree.depth() <= 5);
    assert!(tree.leaves().iter().all(|l| l.n >= 400));
    // A constant outcome never splits; the coarse grid holds for it as for classes.
    let flat = vec![25.5; x.n_rows()];
    assert_eq!(
        params.fit_regression(&x, &flat, &rows).unwrap().n_leaves(),
        1
    );
    y[7] = f64::NAN;
    assert!(is_input(params.fit_regression(&x, &y, &rows)));
    y[7] = -1.0;
    assert!(is_input(params.fit_regression(&x, &y, &rows)));
    assert!(is_input(params.fit_regression(&x, &y[..10], &rows)));
}

#[test]
fn pruning_merges_a_refused_leaf_with_its_sibling_into_their_parent() {
    // Four groups: value 0 (rate 0.02), 1 (0.1), 2 (0.6), 3 (0.9), 500 rows each; the
    // root splits at 1, each child once more.
    let (v, y) = groups(&[(0, 500, 10), (1, 500, 50), (2, 500, 300), (3, 500, 450)]);
    let x = matrix(vec![numeric("v", 3, v)]);
    let params = TreeParams {
        max_depth: 2,
        min_leaf: 100,
        ..TreeParams::default()
    };
    let tree = params.fit(&x, &y, &all(&x)).unwrap();
    assert_eq!(tree.n_leaves(), 4, "{tree}");
    // Refuse leaves with fewer than 20 positives: only value 0's leaf (10 positives).
    let (pruned, removed) = tree.pruned(|c| c.positives < 20).unwrap();
    assert_eq!(removed, 1);
    assert_eq!(pruned.n_leaves(), 3);
    let leaves = pruned.leaves();
    assert!(leaves.iter().all(|l| l.counts.unwrap().positives >= 20));
    let n: u64 = leaves.iter().map(|l| l.counts.unwrap().n).sum();
    assert_eq!(n, 2000);
    // Values 0 and 1 now share their parent's rate, (10 + 50) / 1000; 2 and 3 keep theirs.
    let p = proba(&pruned, &x);
    assert_eq!(p[0], 0.06);
    assert_eq!(p[500], 0.06);
    assert_eq!(p[1000], 0.6);
    assert_eq!(p[1500], 0.9);
    // Nothing refused: the same tree; everything refused: one leaf.
    assert_eq!(tree.pruned(|_| false).unwrap(), (tree.clone(), 0));
    assert_eq!(tree.pruned(|_| true).unwrap().0.n_leaves(), 1);
}

#[test]
fn bins_stored_in_four_bytes_fit_the_same_tree() {
    // A column of 65,536 values takes the histogram past 2^16 bins, so the sparse rows
    // store their bins in four bytes instead of two; it holds only zeros, so it never
    // splits and the tree must be the same.
    let (x, y) = random_data(3000, 3);
    let mut columns = x.columns().to_vec();
    columns.push(numeric("wide", u16::MAX, vec![0; x.n_rows()]));
    let wide = matrix(columns);
    assert!(super::fit::bin_offsets(&wide).last() > Some(&(1 << 16)));
    assert!(super::fit::bin_offsets(&x).last() <= Some(&(1 << 16)));
    let p = params(4, 20);
    let (narrow_tree, wide_tree) = (
        p.fit(&x, &y, &all(&x)).unwrap(),
        p.fit(&wide, &y, &all(&wide)).unwrap(),
    );
    assert!(narrow_tree.n_leaves() > 4);
    assert_eq!(narrow_tree.nodes(), wide_tree.nodes());
    assert_eq!(proba(&narrow_tree, &x), proba(&wide_tree, &wide));
}
