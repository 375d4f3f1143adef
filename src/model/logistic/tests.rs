use super::encoding::{build_design, encode_features};
use super::newton::{cholesky, cholesky_solve, evaluate, inverse_diagonal, penalise, sigmoid};
use super::*;
use crate::error::{Error, Result};
use crate::model::{FeatureColumn, FeatureKind, FeatureMatrix, ProbabilityModel};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn categorical(name: &str, levels: &[&str], values: Vec<u16>) -> FeatureColumn {
    FeatureColumn {
        name: name.into(),
        kind: FeatureKind::Categorical {
            levels: levels.iter().map(|l| l.to_string()).collect(),
        },
        values,
    }
}

fn numeric(name: &str, max: u16, values: Vec<u16>) -> FeatureColumn {
    FeatureColumn {
        name: name.into(),
        kind: FeatureKind::Numeric { max },
        values,
    }
}

fn all_rows(x: &FeatureMatrix) -> Vec<usize> {
    (0..x.n_rows()).collect()
}

/// Group a: `k_a` positives of `n_a`; group b: `k_b` of `n_b`.
fn two_groups(n_a: usize, k_a: usize, n_b: usize, k_b: usize) -> (Vec<u16>, Vec<bool>) {
    let mut values = vec![0u16; n_a];
    values.extend(vec![1u16; n_b]);
    let mut y: Vec<bool> = (0..n_a).map(|i| i < k_a).collect();
    y.extend((0..n_b).map(|i| i < k_b));
    (values, y)
}

/// A few thousand persons with a known logistic mechanism, prevalence about 20 %.
fn random_fixture(n: usize, seed: u64) -> (FeatureMatrix, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut age, mut days, mut kids, mut edu, mut region, mut y) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let a: u16 = rng.gen_range(18..=67);
        let d: u16 = if rng.gen_bool(0.6) {
            0
        } else {
            rng.gen_range(1..=365)
        };
        let k: u16 = rng.gen_range(0..=4);
        let e: u16 = [0, 1, 1, 2, 2, 2, 3, 4][rng.gen_range(0..8)];
        let r: u16 = rng.gen_range(0..4);
        let z = -1.6 + 0.02 * (f64::from(a) - 40.0) + 0.004 * f64::from(d) - 0.1 * f64::from(k)
            + [0.6, 0.3, 0.0, -0.4, -0.8][usize::from(e)]
            + [0.0, 0.2, -0.2, 0.1][usize::from(r)];
        y.push(rng.gen_bool(sigmoid(z)));
        age.push(a);
        days.push(d);
        kids.push(k);
        edu.push(e);
        region.push(r);
    }
    let x = FeatureMatrix::new(
        n,
        vec![
            numeric("age", 67, age),
            numeric("days_bijstand", 365, days),
            numeric("kids", 4, kids),
            categorical("education", &["vmbo", "mbo1", "mbo2", "havo", "hbo"], edu),
            categorical("region", &["noord", "oost", "zuid", "west"], region),
        ],
    )
    .unwrap();
    (x, y)
}

#[test]
fn one_binary_feature_mle_is_group_log_odds_with_closed_form_se() {
    let (values, y) = two_groups(300, 60, 200, 90);
    let x = FeatureMatrix::new(500, vec![categorical("group", &["a", "b"], values)]).unwrap();
    let m = LogisticParams::default()
        .l2(0.0)
        .fit(&x, &y, &all_rows(&x))
        .unwrap();
    assert_eq!(m.names(), ["group=b"]);
    assert!((m.intercept() - logit(0.2)).abs() < 1e-6);
    assert!((m.coefficients()[0] - (logit(0.45) - logit(0.2))).abs() < 1e-6);
    // Var(log odds of a group) = 1/k + 1/(n - k); the contrast adds both groups'.
    let var_a: f64 = 1.0 / 60.0 + 1.0 / 240.0;
    let var_b: f64 = 1.0 / 90.0 + 1.0 / 110.0;
    assert!((m.intercept_se() - var_a.sqrt()).abs() < 1e-6);
    assert!((m.std_errors()[0] - (var_a + var_b).sqrt()).abs() < 1e-6);
    assert!(m.converged());
    let it = m.iterations().unwrap();
    assert!((1..=10).contains(&it), "{it} iterations");
    assert!(m.last_step() <= 1e-8);
    // Deviance at the MLE: -2 log-likelihood of the two binomials.
    let ll = |n: f64, k: f64| k * (k / n).ln() + (n - k) * (1.0 - k / n).ln();
    assert!((m.deviance() + 2.0 * (ll(300.0, 60.0) + ll(200.0, 90.0))).abs() < 1e-6);
}

#[test]
fn reference_level_is_the_most_frequent() {
    // b is the bigger group now, so b is the reference and a gets the column.
    let (values, y) = two_groups(100, 30, 400, 40);
    let x = FeatureMatrix::new(500, vec![categorical("group", &["a", "b"], values)]).unwrap();
    let m = LogisticParams::default()
        .l2(0.0)
        .fit(&x, &y, &all_rows(&x))
        .unwrap();
    assert_eq!(m.names(), ["group=a"]);
    assert!((m.intercept() - logit(0.1)).abs() < 1e-6);
    assert!((m.coefficients()[0] - (logit(0.3) - logit(0.1))).abs() < 1e-6);
}

#[test]
fn numeric_feature_is_standardised_and_reproduces_rates() {
    let (values, y) = two_groups(300, 60, 200, 90);
    let x = FeatureMatrix::new(500, vec![numeric("wajong", 1, values)]).unwrap();
    let m = LogisticParams::default()
        .l2(0.0)
        .fit(&x, &y, &all_rows(&x))
        .unwrap();
    let FeatureEncoding::Standardised { mean, sd, .. } = &m.features()[0] else {
        panic!("numeric feature not standardised: {:?}", m.features());
    };
    let q: f64 = 0.4; // share of ones
    assert!((mean - q).abs() < 1e-12 && (sd - (q * (1.0 - q)).sqrt()).abs() < 1e-12);
    // Per sd, the coefficient is the log odds ratio times the sd.
    assert!((m.coefficients()[0] - (logit(0.45) - logit(0.2)) * sd).abs() < 1e-6);
    let p = m.try_predict_proba(&x).unwrap();
    assert!((p[0] - 0.2).abs() < 1e-9 && (p[499] - 0.45).abs() < 1e-9);
}

#[test]
fn penalised_optimum_has_zero_gradient_and_free_intercept() {
    let (x, y) = random_fixture(3000, 7);
    let rows = all_rows(&x);
    let l2 = 25.0;
    let m = LogisticParams::default().l2(l2).fit(&x, &y, &rows).unwrap();
    assert!(m.converged());
    // The intercept is not penalised, so predictions average to the prevalence.
    let p = m.try_predict_proba(&x).unwrap();
    let prevalence = y.iter().filter(|&&v| v).count() as f64 / 3000.0;
    assert!((p.iter().sum::<f64>() / 3000.0 - prevalence).abs() < 1e-10);
    // Every penalised gradient component vanishes: sum (p - y) x_j + l2 w_j = 0.
    let (features, sources, _) = encode_features(&x, &rows);
    let design = build_design(&x, &rows, &features, &sources);
    let mut beta = vec![m.intercept()];
    beta.extend_from_slice(m.coefficients());
    let (objective, grad, _) = penalise(&evaluate(design.view(), &y, &beta, false), &beta, l2);
    assert!(grad.iter().all(|g| g.abs() < 1e-8), "{grad:?}");
    assert!((2.0 * objective - m.deviance()).abs() < 1e-9);
    // Penalty shrinks: the unpenalised fit has a larger coefficient norm.
    let free = LogisticParams::default()
        .l2(0.0)
        .fit(&x, &y, &rows)
        .unwrap();
    let norm = |c: &[f64]| c.iter().map(|b| b * b).sum::<f64>();
    assert!(norm(free.coefficients()) > norm(m.coefficients()));
}

#[test]
fn iterations_and_convergence_are_reported() {
    let (x, y) = random_fixture(2000, 3);
    let rows = all_rows(&x);
    let m = LogisticParams::default().fit(&x, &y, &rows).unwrap();
    assert!(m.converged() && m.last_step() <= 1e-8);
    assert!((2..=10).contains(&m.iterations().unwrap()));
    let one = LogisticParams::default()
        .max_iterations(1)
        .fit(&x, &y, &rows)
        .unwrap();
    assert_eq!(one.iterations(), Some(1));
    assert!(!one.converged() && one.last_step() > 1e-8);
    assert!(one.to_string().contains("NOT converged after 1 iterations"));
    // A loose tolerance stops earlier.
    let loose = LogisticParams::default()
        .tolerance(1e-2)
        .fit(&x, &y, &rows)
        .unwrap();
    assert!(loose.converged() && loose.iterations() < m.iterations());
}

#[test]
fn separable_data_without_penalty_does_not_panic() {
    let values: Vec<u16> = (0..20).collect();
    let y: Vec<bool> = (0..20).map(|i| i >= 10).collect();
    let x = FeatureMatrix::new(20, vec![numeric("days", 19, values)]).unwrap();
    let rows = all_rows(&x);
    match LogisticParams::default().l2(0.0).fit(&x, &y, &rows) {
        Ok(m) => assert!(!m.converged(), "{m}"),
        Err(e) => assert!(
            matches!(&e, Error::Training { .. }) && e.to_string().contains("singular"),
            "{e}"
        ),
    }
    let m = LogisticParams::default().fit(&x, &y, &rows).unwrap();
    assert!(m.converged() && m.coefficients()[0] > 0.0);
}

#[test]
fn fit_uses_only_the_given_rows() {
    let (x, y) = random_fixture(1000, 11);
    let rows: Vec<usize> = (0..1000).filter(|i| i % 3 != 0).collect();
    let m = LogisticParams::default().fit(&x, &y, &rows).unwrap();
    let sub = x.select_rows(&rows);
    let y_sub: Vec<bool> = rows.iter().map(|&r| y[r]).collect();
    let m_sub = LogisticParams::default()
        .fit(&sub, &y_sub, &all_rows(&sub))
        .unwrap();
    assert_eq!(m.coefficients(), m_sub.coefficients());
    assert_eq!(m.n_train(), rows.len());
}

#[test]
fn prediction_matches_features_and_levels_by_name() {
    let (x, y) = random_fixture(2000, 5);
    let m = LogisticParams::default()
        .fit(&x, &y, &all_rows(&x))
        .unwrap();
    let p = m.try_predict_proba(&x).unwrap();
    // Same persons, columns in another order, education levels listed in another order
    // with an extra level, and an unused extra feature.
    let order = ["hbo", "havo", "phd", "mbo2", "mbo1", "vmbo"];
    let old = ["vmbo", "mbo1", "mbo2", "havo", "hbo"];
    let remap: Vec<u16> = old
        .iter()
        .map(|l| order.iter().position(|o| o == l).unwrap() as u16)
        .collect();
    let edu = &x.columns()[3];
    let mut columns = vec![
        x.columns()[4].clone(),
        categorical(
            "education",
            &order,
            edu.values.iter().map(|&v| remap[usize::from(v)]).collect(),
        ),
        numeric("unused", 0, vec![0; 2000]),
    ];
    columns.extend(x.columns()[..3].iter().cloned());
    let x2 = FeatureMatrix::new(2000, columns).unwrap();
    let p2 = m.try_predict_proba(&x2).unwrap();
    assert!(p.iter().zip(&p2).all(|(a, b)| (a - b).abs() < 1e-14));

    // The unseen level "phd" gets weight 0, i.e. the reference level's prediction.
    let FeatureEncoding::OneHot { reference, .. } = &m.features()[3] else {
        panic!()
    };
    let ref_code = order.iter().position(|o| o == reference).unwrap() as u16;
    let with_education = |code: u16| {
        let mut columns = x2.clone().into_columns();
        columns[1].values[0] = code;
        FeatureMatrix::from_columns(columns).unwrap()
    };
    let p_ref = m.try_predict_proba(&with_education(ref_code)).unwrap()[0];
    let p_phd = m.try_predict_proba(&with_education(2)).unwrap()[0];
    assert_eq!(p_phd, p_ref);

    // Missing feature, wrong kind: errors of the input, as for the tree.
    let mut columns = x.clone().into_columns();
    columns.remove(1);
    let missing = FeatureMatrix::from_columns(columns).unwrap();
    let e = m.try_predict_proba(&missing).unwrap_err();
    assert!(matches!(e, Error::ModelInput(_)), "{e:?}");
    assert!(e.to_string().contains("lacks \"days_bijstand\""), "{e}");
    let mut columns = x.clone().into_columns();
    columns[0].kind = FeatureKind::Categorical {
        levels: (0..68).map(|i| i.to_string()).collect(),
    };
    let kind = FeatureMatrix::from_columns(columns).unwrap();
    let e = m.try_predict_proba(&kind).unwrap_err();
    assert!(matches!(e, Error::ModelInput(_)), "{e:?}");
    assert!(e.to_string().contains("categorical"), "{e}");
}

#[test]
fn scoring_without_the_features_is_an_error_through_the_trait() {
    let (x, y) = random_fixture(500, 5);
    let m = LogisticParams::default()
        .fit(&x, &y, &all_rows(&x))
        .unwrap();
    let model: &dyn ProbabilityModel = &m;
    let empty = FeatureMatrix::new(500, vec![]).unwrap();
    assert!(matches!(
        model.try_predict_proba(&empty),
        Err(Error::ModelInput(_))
    ));
}

#[test]
fn constant_features_are_dropped_and_noted() {
    let (x, y) = random_fixture(500, 9);
    let mut columns = x.into_columns();
    columns.push(numeric("constant", 10, vec![4; 500]));
    columns.push(categorical("one_level", &["x", "y"], vec![1; 500]));
    let x = FeatureMatrix::from_columns(columns).unwrap();
    let m = LogisticParams::default()
        .fit(&x, &y, &all_rows(&x))
        .unwrap();
    assert_eq!(m.dropped(), ["constant", "one_level"]);
    assert!(m
        .names()
        .iter()
        .all(|n| !n.starts_with("constant") && !n.starts_with("one_level")));
    assert!(m
        .to_string()
        .contains("dropped (constant in the training rows): constant, one_level"));
    // Absent levels get no column: education has 5 levels, the reference and 4 others.
    assert_eq!(
        m.names()
            .iter()
            .filter(|n| n.starts_with("education="))
            .count(),
        4
    );
    assert_eq!(m.try_predict_proba(&x).unwrap().len(), 500);
}

#[test]
fn display_lists_coefficients_with_se_and_z() {
    let (values, y) = two_groups(300, 60, 200, 90);
    let x = FeatureMatrix::new(500, vec![categorical("group", &["a", "b"], values)]).unwrap();
    let m = LogisticParams::default()
        .l2(0.0)
        .fit(&x, &y, &all_rows(&x))
        .unwrap();
    let text = m.to_string();
    assert!(
        text.contains("Newton/IRLS") && text.contains("converged in"),
        "{text}"
    );
    let line = text.lines().find(|l| l.starts_with("group=b")).unwrap();
    let z = m.coefficients()[0] / m.std_errors()[0];
    assert!(line.contains(&format!("{z:.2}")), "{line}");
    assert!(text.contains("(intercept)"));
}

#[test]
fn result_does_not_depend_on_thread_count() {
    // More than one chunk, so the parallel sum matters.
    let (x, y) = random_fixture(20_000, 1);
    let rows = all_rows(&x);
    let fit = || LogisticParams::default().fit(&x, &y, &rows).unwrap();
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(fit);
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap()
        .install(fit);
    assert_eq!(single, three);
}

#[test]
fn invalid_inputs_are_errors() {
    let (x, y) = random_fixture(100, 2);
    let rows = all_rows(&x);
    let p = LogisticParams::default();
    let input = |r: Result<FittedLogistic>| matches!(r, Err(Error::ModelInput(_)));
    let msg = |r: Result<FittedLogistic>| r.unwrap_err().to_string();
    // Bad rows and outcomes: the same kind and words as for the tree.
    assert!(input(p.fit(&x, &y, &[])));
    assert!(msg(p.fit(&x, &y, &[])).contains("no rows to fit on"));
    assert!(input(p.fit(&x, &y[..99], &rows)));
    assert!(msg(p.fit(&x, &y[..99], &rows)).contains("the feature matrix has 100 rows"));
    assert!(input(p.fit(&x, &y, &[0, 100])));
    assert!(msg(p.fit(&x, &y, &[0, 100])).contains("out of range"));
    // One outcome class: valid data the model cannot be fitted on.
    let training = |r: Result<FittedLogistic>| {
        matches!(
            r,
            Err(Error::Training {
                model: "logistic",
                ..
            })
        )
    };
    assert!(training(p.fit(&x, &[false; 100], &rows)));
    let e = msg(p.fit(&x, &[false; 100], &rows));
    assert!(e.contains("no positives"), "{e}");
    let e = msg(p.fit(&x, &[true; 100], &rows));
    assert!(e.contains("no negatives"), "{e}");
    // One class among the training rows is enough to refuse.
    let first_negative = y.iter().position(|&v| !v).unwrap();
    assert!(training(p.fit(&x, &y, &[first_negative])));
    assert!(msg(p.fit(&x, &y, &[first_negative])).contains("no positives"));
    for (params, name) in [
        (p.clone().l2(-1.0), "l2"),
        (p.clone().l2(f64::NAN), "l2"),
        (p.clone().l2(f64::INFINITY), "l2"),
        (p.clone().tolerance(0.0), "tolerance"),
        (p.clone().tolerance(f64::NAN), "tolerance"),
        (p.clone().max_iterations(0), "max_iterations"),
    ] {
        let e = params.check().unwrap_err();
        assert!(
            matches!(e, Error::InvalidParameter { name: n, .. } if n == name),
            "{e}"
        );
        assert!(matches!(
            params.fit(&x, &y, &rows),
            Err(Error::InvalidParameter { name: n, .. }) if n == name
        ));
    }
    assert!(p.check().is_ok());
}

#[test]
fn no_features_gives_the_intercept_only_model() {
    let (_, y) = random_fixture(400, 4);
    let x = FeatureMatrix::new(400, vec![]).unwrap();
    let m = LogisticParams::default()
        .fit(&x, &y, &all_rows(&x))
        .unwrap();
    let prevalence = y.iter().filter(|&&v| v).count() as f64 / 400.0;
    assert!((m.intercept() - logit(prevalence)).abs() < 1e-9);
    assert!(m.coefficients().is_empty());
}

#[test]
fn cholesky_inverse_diagonal_matches_hand_inverse() {
    // [[4, 2], [2, 3]]^-1 = [[3, -2], [-2, 4]] / 8.
    let l = cholesky(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
    let d = inverse_diagonal(&l, 2);
    assert!((d[0] - 3.0 / 8.0).abs() < 1e-15 && (d[1] - 0.5).abs() < 1e-15);
    let x = cholesky_solve(&l, 2, &[2.0, 1.0]);
    assert!((x[0] - 0.5).abs() < 1e-15 && x[1].abs() < 1e-15);
    assert!(cholesky(&[1.0, 1.0, 1.0, 1.0], 2).is_none());
}

#[cfg(feature = "linfa")]
mod linfa_cross_check {
    use super::*;
    use ::linfa::traits::{Fit, Predict};
    use ndarray::Array1;

    /// Same design, same objective: linfa's L-BFGS and our Newton must agree.
    fn agree(y: &[bool], x: &FeatureMatrix) {
        let rows = all_rows(x);
        let newton = LogisticParams::default().fit(x, y, &rows).unwrap();
        let start = std::time::Instant::now();
        let linfa = LogisticParams::default()
            .solver(Solver::Linfa)
            .max_iterations(200)
            .fit(x, y, &rows)
            .unwrap();
        eprintln!(
            "linfa-logistic fit on {} rows: {:?}",
            x.n_rows(),
            start.elapsed()
        );
        assert_eq!(linfa.iterations(), None);
        assert_eq!(newton.names(), linfa.names());
        let pairs = std::iter::once((newton.intercept(), linfa.intercept())).chain(
            newton
                .coefficients()
                .iter()
                .copied()
                .zip(linfa.coefficients().iter().copied()),
        );
        for (a, b) in pairs {
            assert!(
                (a - b).abs() <= 1e-4 * a.abs().max(1.0),
                "newton {a} vs linfa {b}"
            );
        }
        let (pn, pl) = (
            newton.try_predict_proba(x).unwrap(),
            linfa.try_predict_proba(x).unwrap(),
        );
        let worst = pn
            .iter()
            .zip(&pl)
            .fold(0.0, |m: f64, (a, b)| m.max((a - b).abs()));
        assert!(worst < 1e-5, "largest probability difference {worst}");
        assert!((newton.deviance() - linfa.deviance()).abs() < 1e-6 * newton.deviance());
    }

    #[test]
    fn newton_and_linfa_agree_at_low_prevalence() {
        // Positives are the rarer class, so linfa 0.8 models P(y = false): the mapping
        // through labels().pos.class is exercised.
        let (x, y) = random_fixture(4000, 42);
        assert!(y.iter().filter(|&&v| v).count() < 2000);
        agree(&y, &x);
    }

    #[test]
    fn newton_and_linfa_agree_at_high_prevalence() {
        let (x, y) = random_fixture(4000, 42);
        let flipped: Vec<bool> = y.iter().map(|v| !v).collect();
        agree(&flipped, &x);
    }

    #[test]
    fn linfa_fit_trait_matches_linfa_logistic_on_raw_records() {
        let (x, y) = random_fixture(3000, 8);
        let records = ndarray::Array2::from_shape_fn((3000, 3), |(i, j)| {
            f64::from(x.columns()[j].values[i]) / 100.0
        });
        let targets: Array1<usize> = y.iter().map(|&v| usize::from(v)).collect();
        let dataset = ::linfa::Dataset::new(records.clone(), targets);
        let ours = Fit::fit(&LogisticParams::default(), &dataset).unwrap();
        assert_eq!(ours.names(), ["x0", "x1", "x2"]);
        // Raw records are not standardised, and the summary does not claim they are.
        assert!(!ours.to_string().contains("standardised"));
        let theirs = linfa_logistic::LogisticRegression::<f64>::default()
            .fit(&dataset)
            .unwrap();
        let sign = if theirs.labels().pos.class == 1 {
            1.0
        } else {
            -1.0
        };
        assert!((ours.intercept() - sign * theirs.intercept()).abs() < 1e-4);
        for (a, b) in ours.coefficients().iter().zip(theirs.params()) {
            assert!(
                (a - sign * b).abs() < 1e-4 * a.abs().max(1.0),
                "{a} vs {}",
                sign * b
            );
        }
        let p: Array1<f64> = ours.predict(&records);
        let classes: Array1<bool> = ours.predict(&records);
        let z = ours.intercept()
            + records
                .row(17)
                .dot(&Array1::from(ours.coefficients().to_vec()));
        assert!((p[17] - sigmoid(z)).abs() < 1e-15);
        assert!(p.iter().zip(&classes).all(|(p, &c)| c == (*p >= 0.5)));
        // Targets other than 0/1 are refused.
        let bad = ::linfa::Dataset::new(records, Array1::from_elem(3000, 2usize));
        assert!(matches!(
            Fit::fit(&LogisticParams::default(), &bad),
            Err(Error::ModelInput(_))
        ));
    }
}
