//! Classification tree: fit on 1,000,000 rows x 20 features (depth 5, min leaf 1000) and
//! score 12,000,000 rows, the sizes of the report's training and scoring populations.

use std::hint::black_box;
use std::time::Duration;

use banenafspraak::model::{FeatureColumn, FeatureKind, FeatureMatrix, ThresholdGrid, TreeParams};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TRAIN_ROWS: usize = 1_000_000;
const SCORE_ROWS: usize = 12_000_000;

/// Maxima of the five small numeric features (age-like, counts, percentages).
const SMALL_MAX: [u16; 5] = [50, 10, 100, 5, 30];
/// Levels of the five categorical features.
const LEVELS: [usize; 5] = [2, 5, 9, 13, 19];

/// 10 day counts (0..=1095, mostly zero as in the microdata), 5 small numbers and 5
/// categories, and an outcome from a known logistic mechanism with about 5 % prevalence.
fn data(rows: usize, seed: u64) -> (FeatureMatrix, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut columns = Vec::with_capacity(20);
    for j in 0..10 {
        let share_nonzero = 0.1 + 0.05 * j as f64;
        let values = (0..rows)
            .map(|_| {
                if rng.gen_bool(share_nonzero) {
                    rng.gen_range(1..=1095)
                } else {
                    0
                }
            })
            .collect();
        columns.push(FeatureColumn {
            name: format!("days_{j}"),
            kind: FeatureKind::Numeric { max: 1095 },
            values,
        });
    }
    for (j, &max) in SMALL_MAX.iter().enumerate() {
        let values = (0..rows).map(|_| rng.gen_range(0..=max)).collect();
        columns.push(FeatureColumn {
            name: format!("small_{j}"),
            kind: FeatureKind::Numeric { max },
            values,
        });
    }
    for (j, &n_levels) in LEVELS.iter().enumerate() {
        let values = (0..rows)
            .map(|_| rng.gen_range(0..n_levels as u16))
            .collect();
        columns.push(FeatureColumn {
            name: format!("cat_{j}"),
            kind: FeatureKind::Categorical {
                levels: (0..n_levels).map(|k| format!("level{k}")).collect(),
            },
            values,
        });
    }
    let col = |name: &str| columns.iter().position(|c| c.name == name).unwrap_or(0);
    let (d0, d1, d3, s0, s2, c1, c4) = (
        col("days_0"),
        col("days_1"),
        col("days_3"),
        col("small_0"),
        col("small_2"),
        col("cat_1"),
        col("cat_4"),
    );
    let y = (0..rows)
        .map(|i| {
            let v = |c: usize| f64::from(columns[c].values[i]);
            let logit = -3.6 + 1.5 * f64::from(u8::from(v(d0) > 13.0)) + 1.2 * v(d1) / 1095.0
                - 0.8 * v(d3) / 1095.0
                + 0.02 * v(s0)
                - 0.01 * v(s2)
                + 0.9 * f64::from(u8::from(v(c1) == 2.0))
                + 0.6 * f64::from(u8::from(v(c4) == 7.0));
            rng.gen_bool(1.0 / (1.0 + (-logit).exp()))
        })
        .collect();
    let x = FeatureMatrix::new(rows, columns).unwrap_or_else(|e| panic!("matrix: {e}"));
    (x, y)
}

fn bench_tree(c: &mut Criterion) {
    let (x, y) = data(TRAIN_ROWS, 2023);
    let rows: Vec<usize> = (0..TRAIN_ROWS).collect();
    let params = TreeParams::default();
    let prevalence = y.iter().filter(|&&b| b).count() as f64 / y.len() as f64;
    let tree = params
        .fit(&x, &y, &rows)
        .unwrap_or_else(|e| panic!("fit: {e}"));
    eprintln!(
        "prevalence {:.2} %, {} leaves, depth {}\n{tree}",
        100.0 * prevalence,
        tree.n_leaves(),
        tree.depth()
    );

    let mut group = c.benchmark_group("tree");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(TRAIN_ROWS as u64));
    group.bench_function("fit_1m_x20_depth5_minleaf1000", |b| {
        b.iter(|| params.fit(black_box(&x), black_box(&y), black_box(&rows)))
    });
    // The strict-disclosure grid: the same fit with fewer candidate thresholds.
    let coarse = params.threshold_grid(ThresholdGrid::coarse(10));
    group.bench_function("fit_1m_x20_depth5_minleaf1000_coarse_grid", |b| {
        b.iter(|| coarse.fit(black_box(&x), black_box(&y), black_box(&rows)))
    });
    drop((x, y, rows));

    let (score, _) = data(SCORE_ROWS, 2024);
    group.throughput(Throughput::Elements(SCORE_ROWS as u64));
    group.bench_function("predict_proba_12m", |b| {
        b.iter(|| tree.try_predict_proba(black_box(&score)))
    });
    group.finish();
}

criterion_group!(benches, bench_tree);
criterion_main!(benches);
