//! Logistic model at the project's scale: 1,000,000 training rows, 10 numeric and 5
//! categorical features (40 design columns), outcome from a known logistic mechanism with
//! about 7 % prevalence. With `--features linfa` also Newton vs linfa-logistic on a 5,000-row
//! fixture.

use banenafspraak::model::{FeatureColumn, FeatureKind, FeatureMatrix, LogisticParams};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Seeded persons: numeric features with their maxima and a log-odds slope per unit, and
/// categorical features whose level effects are spread over [-0.5, 0.5].
fn persons(n: usize, seed: u64) -> (FeatureMatrix, Vec<bool>) {
    let numeric: [(&str, u16, f64); 10] = [
        ("age", 67, -0.02),
        ("days_ww", 365, 0.002),
        ("days_bijstand", 365, 0.004),
        ("days_wia", 365, 0.003),
        ("income_decile", 9, -0.08),
        ("children", 5, 0.05),
        ("years_in_nl", 60, -0.01),
        ("contract_hours", 40, -0.02),
        ("jobs_5y", 10, -0.1),
        ("months_unemployed", 60, 0.01),
    ];
    let categorical: [(&str, usize); 5] = [
        ("sex", 3),
        ("education", 5),
        ("region", 7),
        ("household", 9),
        ("sector", 11),
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut columns: Vec<FeatureColumn> = numeric
        .iter()
        .map(|&(name, max, _)| FeatureColumn {
            name: name.into(),
            kind: FeatureKind::Numeric { max },
            values: Vec::with_capacity(n),
        })
        .collect();
    columns.extend(categorical.iter().map(|&(name, k)| FeatureColumn {
        name: name.into(),
        kind: FeatureKind::Categorical {
            levels: (0..k).map(|l| format!("{name}{l}")).collect(),
        },
        values: Vec::with_capacity(n),
    }));
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let mut z = -0.6;
        for (col, &(_, max, slope)) in columns.iter_mut().zip(&numeric) {
            // Most benefit-day counts are zero, as in the register data.
            let v = if max == 365 && rng.gen_bool(0.7) {
                0
            } else {
                rng.gen_range(0..=max)
            };
            z += slope * f64::from(v);
            col.values.push(v);
        }
        for (col, &(_, k)) in columns[10..].iter_mut().zip(&categorical) {
            // Skewed levels: the lowest codes are the most frequent.
            let v = rng.gen_range(0..k).min(rng.gen_range(0..k)) as u16;
            z += f64::from(v) / (k - 1) as f64 - 0.5;
            col.values.push(v);
        }
        y.push(rng.gen_bool(sigmoid(z)));
    }
    let x = FeatureMatrix::new(n, columns).unwrap_or_else(|e| panic!("matrix: {e}"));
    (x, y)
}

fn bench_million(c: &mut Criterion) {
    let n = 1_000_000;
    let (x, y) = persons(n, 2026);
    let rows: Vec<usize> = (0..n).collect();
    let params = LogisticParams::default();
    let model = params.fit(&x, &y, &rows).unwrap();
    let prevalence = y.iter().filter(|&&v| v).count() as f64 / n as f64;
    eprintln!(
        "{n} rows, {} design columns, prevalence {:.3}\n{model}",
        model.names().len(),
        prevalence
    );

    let mut group = c.benchmark_group("logistic_1m");
    group.sample_size(10);
    group.bench_function("newton_fit", |b| {
        b.iter(|| params.fit(&x, &y, &rows).unwrap())
    });
    group.bench_function("predict_proba", |b| b.iter(|| model.try_predict_proba(&x)));
    group.finish();
}

#[cfg(feature = "linfa")]
fn bench_fixture(c: &mut Criterion) {
    use banenafspraak::model::Solver;
    let n = 5_000;
    let (x, y) = persons(n, 7);
    let rows: Vec<usize> = (0..n).collect();
    let newton = LogisticParams::default();
    let linfa = LogisticParams::default()
        .solver(Solver::Linfa)
        .max_iterations(100);
    let mut group = c.benchmark_group("logistic_fixture_5000");
    group.bench_function("newton_fit", |b| {
        b.iter(|| newton.fit(&x, &y, &rows).unwrap())
    });
    group.bench_function("linfa_fit", |b| {
        b.iter(|| linfa.fit(&x, &y, &rows).unwrap())
    });
    group.finish();
}

#[cfg(not(feature = "linfa"))]
fn bench_fixture(_: &mut Criterion) {}

criterion_group!(benches, bench_million, bench_fixture);
criterion_main!(benches);
