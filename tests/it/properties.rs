//! Properties over random inputs (proptest): the aggregation adds up and stays in range
//! whatever the model says, the logistic fit sits where its penalised gradient is zero, and
//! a depth-1 tree takes the split a brute-force search over every cut finds.

use crate::common;

use banenafspraak::estimate::{CorrectionFactor, FittedPipeline, FittedStage, ScoredPopulation};
use banenafspraak::model::{
    ClassificationTree, FeatureColumn, FeatureEncoding, FeatureKind, FeatureMatrix, FeatureSet,
    FittedModel, LogisticParams, NodeSpec, SplitRule, TreeFeature, TreeParams,
};
use banenafspraak::report::{
    apply, breakdown_table, counts_table, results_table, BreakdownKind, DisclosureMode,
    DisclosureRules, Lang, Status, Value,
};
use banenafspraak::schema::{DaysColumn, Population};
use common::{generate, STEPS};
use proptest::prelude::*;

/// A comparability tree on days on bijstand (cut `t`, leaf rates `a`, `b`), constant job
/// models `q` and `k`, and a correction factor `f` that may push `f p` past 1.
fn pipeline(t: u16, a: f64, b: f64, q: f64, k: f64, f: f64) -> FittedPipeline {
    let tree = ClassificationTree::from_nodes(
        vec![TreeFeature {
            name: "days_bijstand".into(),
            kind: FeatureKind::Numeric { max: 1095 },
        }],
        vec![
            NodeSpec::split("days_bijstand", SplitRule::AtMost(t), 1, 2),
            NodeSpec::leaf(a),
            NodeSpec::leaf(b),
        ],
    )
    .unwrap();
    let constant = |p| {
        FittedModel::Tree(ClassificationTree::from_nodes(vec![], vec![NodeSpec::leaf(p)]).unwrap())
    };
    FittedPipeline::from_stages(
        FittedStage::fixed("comparability", FittedModel::Tree(tree)),
        FittedStage::fixed("job-find", constant(q)),
        FittedStage::fixed("job-keep", constant(k)),
        CorrectionFactor::fixed(f).unwrap(),
        FeatureSet::comparability(),
        FeatureSet::job(),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn groups_add_up_stay_in_range_and_c_is_capped_at_1(
        seed in 0u64..1_000_000,
        t in 0u16..1095,
        a in 0.0f64..1.0,
        b in 0.0f64..1.0,
        q in 0.0f64..1.0,
        k in 0.0f64..1.0,
        f in 0.5f64..6.0,
    ) {
        let pop = generate(&STEPS, 3_000, seed);
        let defs = ScoredPopulation::report_populations();
        let estimates = pipeline(t, a, b, q, k, f).estimate(&pop, &defs).unwrap();
        for (def, e) in defs.iter().zip(&estimates) {
            // The total by hand: c = min(1, f p) for every member.
            let (mut persons, mut comparable, mut rest) = (0u64, 0.0, 0.0);
            let mut rest_persons = 0u64;
            for p in pop.persons().filter(|p| def.contains(p)) {
                let raw = if p.days[DaysColumn::Bijstand] <= t { a } else { b };
                let c = (f * raw).min(1.0);
                persons += 1;
                comparable += c;
                let groups = def.subgroups.iter().filter(|s| s.contains(&p)).count();
                prop_assert!(groups <= 1, "{}: a person in {groups} sub-groups", def.name);
                if groups == 0 {
                    rest += c;
                    rest_persons += 1;
                }
            }
            prop_assert_eq!(e.total.persons, persons);
            prop_assert!(close(e.total.comparable, comparable), "{} {} vs {}", def.name, e.total.comparable, comparable);
            // Sub-groups and the persons in none add up to the total.
            let sub_persons: u64 = e.subgroups.iter().map(|g| g.counts.persons).sum();
            let sub_comparable: f64 = e.subgroups.iter().map(|g| g.counts.comparable).sum();
            prop_assert_eq!(sub_persons + rest_persons, persons);
            prop_assert!(close(sub_comparable + rest, comparable));
            // Each breakdown adds up to the total in every measure.
            for breakdown in [&e.by_education, &e.by_age] {
                let sum = |m: fn(&banenafspraak::estimate::ExpectedCounts) -> f64| {
                    breakdown.cells.iter().map(|(_, _, c)| m(c)).sum::<f64>()
                };
                prop_assert!(close(sum(|c| c.persons as f64), persons as f64));
                prop_assert!(close(sum(|c| c.comparable), e.total.comparable));
                prop_assert!(close(sum(|c| c.had_work), e.total.had_work));
                prop_assert!(close(sum(|c| c.finds_work), e.total.finds_work));
                prop_assert!(close(sum(|c| c.keeps_work), e.total.keeps_work));
            }
            // Every group: comparable <= persons, the job counts below it, c q and c q k.
            for g in e.groups() {
                prop_assert!(g.comparable <= g.persons as f64 + 1e-9, "{}: {g:?}", def.name);
                prop_assert!(g.had_work + g.finds_work <= g.comparable + 1e-9);
                prop_assert!(g.keeps_work <= g.finds_work + 1e-9);
                prop_assert!(close(g.finds_work, q * (g.comparable - g.had_work)));
                prop_assert!(close(g.keeps_work, q * k * (g.comparable - g.had_work)));
            }
        }
    }

    #[test]
    fn the_logistic_fit_has_a_zero_penalised_gradient(
        seed in 0u64..1_000_000,
        l2 in prop_oneof![Just(0.0), 0.01f64..50.0],
        n in 300usize..3_000,
    ) {
        let (x, y) = random_design(n, seed);
        let rows: Vec<usize> = (0..n).collect();
        let m = LogisticParams::default().l2(l2).fit(&x, &y, &rows).unwrap();
        prop_assert!(m.converged());
        let p = m.try_predict_proba(&x).unwrap();
        let residual: Vec<f64> = y.iter().zip(&p).map(|(&y, p)| f64::from(u8::from(y)) - p).collect();
        // Intercept: not penalised, so the residuals sum to zero.
        let scale = n as f64;
        let g0: f64 = residual.iter().sum();
        prop_assert!(g0.abs() <= 1e-7 * scale, "intercept gradient {g0}");
        // Every coefficient: sum of residual times its design column = l2 w.
        let mut w = m.coefficients().iter();
        for enc in m.features() {
            match enc {
                FeatureEncoding::Standardised { feature, mean, sd } => {
                    let col = column(&x, feature);
                    let g: f64 = residual.iter().zip(&col.values)
                        .map(|(r, &v)| r * (f64::from(v) - mean) / sd).sum();
                    let wj = *w.next().unwrap();
                    prop_assert!((g - l2 * wj).abs() <= 1e-7 * scale, "{feature}: {g} vs l2 w = {}", l2 * wj);
                }
                FeatureEncoding::OneHot { feature, levels, .. } => {
                    let col = column(&x, feature);
                    let FeatureKind::Categorical { levels: all } = &col.kind else { unreachable!() };
                    for level in levels {
                        let code = all.iter().position(|l| l == level).unwrap() as u16;
                        let g: f64 = residual.iter().zip(&col.values)
                            .filter(|(_, &v)| v == code).map(|(r, _)| r).sum();
                        let wj = *w.next().unwrap();
                        prop_assert!((g - l2 * wj).abs() <= 1e-7 * scale, "{feature}={level}: {g} vs {}", l2 * wj);
                    }
                }
                FeatureEncoding::Raw { .. } => prop_assert!(false, "raw encoding from FeatureMatrix"),
            }
        }
        prop_assert!(w.next().is_none());
    }

    #[test]
    fn a_depth_1_tree_takes_the_best_split_of_a_brute_force_search(
        seed in 0u64..1_000_000,
        n in 20usize..400,
        min_leaf in 1usize..40,
    ) {
        let (x, y) = random_design(n, seed);
        let rows: Vec<usize> = (0..n).collect();
        let params = TreeParams { max_depth: 1, min_leaf, ..TreeParams::default() };
        let tree = params.fit(&x, &y, &rows).unwrap();
        let best = brute_force(&x, &y, min_leaf);
        let parent = gini(&y.iter().collect::<Vec<_>>());
        match (tree.root().split(), best) {
            (None, None) => {}
            (None, Some((impurity, name, rule))) => prop_assert!(
                impurity >= parent * (1.0 - 1e-12),
                "the tree did not split, but {name} {rule:?} lowers impurity {parent} to {impurity}"
            ),
            (Some(s), None) => prop_assert!(false, "the tree split on {} with no valid split", s.feature_name),
            (Some(s), Some((impurity, name, rule))) => {
                let got = split_impurity(column(&x, &s.feature_name), &y, s.rule);
                prop_assert!(
                    (got - impurity).abs() <= 1e-12 * n as f64,
                    "tree: {} {:?} {got}; brute force: {name} {rule:?} {impurity}",
                    s.feature_name, s.rule
                );
                prop_assert!(got < parent);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn under_strict_no_published_cell_rests_on_fewer_persons_than_the_minimum(
        seed in 0u64..1_000_000,
        n in 100usize..1_500,
        min_persons in 5u64..30,
    ) {
        // Small populations make many small groups and cells.
        let pop = generate(&STEPS, n, seed);
        let defs = ScoredPopulation::report_populations();
        let estimates = pipeline(13, 0.05, 0.2, 0.4, 0.6, 2.9).estimate(&pop, &defs).unwrap();
        let rules = DisclosureRules { min_persons, ..DisclosureRules::default() };
        let mut tables = vec![results_table(&estimates)];
        for e in &estimates {
            tables.push(counts_table(e, Lang::En));
            tables.push(breakdown_table(e, BreakdownKind::Education, Lang::En));
            tables.push(breakdown_table(e, BreakdownKind::Age, Lang::En));
        }
        for t in &mut tables {
            apply(t, DisclosureMode::Strict, &rules, Some(100));
            for (r, row) in t.rows.iter().enumerate() {
                for (k, cell) in row.iter().enumerate() {
                    if cell.status == Status::Suppressed || matches!(cell.value, Value::Text(_)) {
                        continue;
                    }
                    for b in &cell.basis {
                        prop_assert!(
                            b.persons == 0 || b.persons >= min_persons,
                            "{} row {r} column {k}: {} {} published", t.id, b.persons, b.what
                        );
                    }
                }
            }
        }
        // Independently of the cells' bases: in the counts tables, counted here, a group of
        // 1 to min_persons - 1 persons publishes none of its counts, and likewise its
        // employed ("had work") and those without work ("finds/keeps work"). An empty
        // group passes, as the rules say.
        for (e, def) in estimates.iter().zip(&defs) {
            let t = tables.iter().find(|t| t.id == format!("{}_counts", e.name)).unwrap();
            let members: Vec<_> = pop.persons().filter(|p| def.contains(p)).collect();
            let mut groups = vec![members.clone()];
            for s in &def.subgroups {
                groups.push(members.iter().filter(|p| s.contains(p)).cloned().collect());
            }
            prop_assert_eq!(groups.len(), t.rows.len());
            for (row, group) in t.rows.iter().zip(&groups) {
                let persons = group.len() as u64;
                let employed = group.iter().filter(|p| p.employed).count() as u64;
                // Columns: label, persons, comparable, mean, had work, finds, keeps.
                for (columns, behind) in [(1..4, persons), (4..5, employed), (5..7, persons - employed)] {
                    if (1..min_persons).contains(&behind) {
                        for cell in &row[columns] {
                            prop_assert_eq!(cell.status, Status::Suppressed, "{}: {} persons behind {:?}", t.id, behind, cell);
                        }
                    }
                }
            }
        }
    }
}

/// Two numeric columns (one with few values, for ties) and one categorical, with an
/// outcome that depends on all three.
fn random_design(n: usize, seed: u64) -> (FeatureMatrix, Vec<bool>) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let (mut days, mut small, mut cat, mut y) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let d: u16 = rng.gen_range(0..=1095);
        let s: u16 = rng.gen_range(0..=5);
        let c: u16 = rng.gen_range(0..4);
        let z =
            -1.0 + 0.002 * f64::from(d) - 0.3 * f64::from(s) + [0.0, 0.8, -0.5, 0.3][c as usize];
        days.push(d);
        small.push(s);
        cat.push(c);
        y.push(rng.gen_bool(common::sigmoid(z)));
    }
    // Keep both classes.
    y[0] = true;
    y[1] = false;
    let x = FeatureMatrix::new(
        n,
        vec![
            FeatureColumn::numeric("days", 1095, days),
            FeatureColumn::numeric("small", 5, small),
            FeatureColumn::categorical("group", ["a", "b", "c", "d"], cat),
        ],
    )
    .unwrap();
    (x, y)
}

fn column<'a>(x: &'a FeatureMatrix, name: &str) -> &'a FeatureColumn {
    x.columns().iter().find(|c| c.name == name).unwrap()
}

fn gini(y: &[&bool]) -> f64 {
    if y.is_empty() {
        return 0.0;
    }
    let p = y.iter().filter(|&&&v| v).count() as f64 / y.len() as f64;
    y.len() as f64 * 2.0 * p * (1.0 - p)
}

/// Size-weighted Gini impurity of the two children of a split (sum of n_child * gini).
fn split_impurity(col: &FeatureColumn, y: &[bool], rule: SplitRule) -> f64 {
    let (left, right): (Vec<_>, Vec<_>) =
        col.values.iter().zip(y).partition(|(&v, _)| rule.holds(v));
    let l: Vec<&bool> = left.into_iter().map(|(_, y)| y).collect();
    let r: Vec<&bool> = right.into_iter().map(|(_, y)| y).collect();
    gini(&l) + gini(&r)
}

/// Every cut of every column with at least `min_leaf` rows each side: the lowest impurity.
fn brute_force(x: &FeatureMatrix, y: &[bool], min_leaf: usize) -> Option<(f64, String, SplitRule)> {
    let mut best: Option<(f64, String, SplitRule)> = None;
    for col in x.columns() {
        let rules: Vec<SplitRule> = match &col.kind {
            FeatureKind::Numeric { max } => (0..*max).map(SplitRule::AtMost).collect(),
            FeatureKind::Categorical { levels } => {
                (0..levels.len() as u16).map(SplitRule::Equals).collect()
            }
        };
        for rule in rules {
            let left = col.values.iter().filter(|&&v| rule.holds(v)).count();
            if left < min_leaf || x.n_rows() - left < min_leaf {
                continue;
            }
            let impurity = split_impurity(col, y, rule);
            if best.as_ref().is_none_or(|(b, _, _)| impurity < *b) {
                best = Some((impurity, col.name.clone(), rule));
            }
        }
    }
    best
}

#[test]
fn the_stated_populations_are_the_report_s() {
    // The generator of the properties above makes members of all four populations.
    let pop: Population = generate(&STEPS, 3_000, 7);
    for def in ScoredPopulation::report_populations() {
        assert!(
            pop.persons().filter(|p| def.contains(p)).count() > 20,
            "{}",
            def.name
        );
    }
}

/// The README's claim on the linfa cross-check: the Newton solver's and linfa-logistic's
/// coefficients agree to `LINFA_AGREEMENT` (relative, or absolute below 1).
#[cfg(feature = "linfa")]
const LINFA_AGREEMENT: f64 = 1e-6;

#[cfg(feature = "linfa")]
#[test]
fn newton_and_linfa_agree_as_the_readme_says() {
    use banenafspraak::model::Solver;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        readme.contains(&format!("(coefficients agree to {LINFA_AGREEMENT:e})")),
        "the README should state the agreement {LINFA_AGREEMENT:e}"
    );
    for seed in [1, 2] {
        let (x, y) = random_design(4_000, seed);
        let rows: Vec<usize> = (0..x.n_rows()).collect();
        let newton = LogisticParams::default().fit(&x, &y, &rows).unwrap();
        let linfa = LogisticParams::default()
            .solver(Solver::Linfa)
            .max_iterations(200)
            .fit(&x, &y, &rows)
            .unwrap();
        let ours = std::iter::once(newton.intercept()).chain(newton.coefficients().iter().copied());
        let theirs = std::iter::once(linfa.intercept()).chain(linfa.coefficients().iter().copied());
        let worst = ours
            .zip(theirs)
            .map(|(a, b)| (a - b).abs() / a.abs().max(1.0))
            .fold(0.0, f64::max);
        eprintln!("seed {seed}: largest coefficient difference {worst:.2e}");
        assert!(worst <= LINFA_AGREEMENT, "seed {seed}: {worst:.2e}");
    }
}
