//! Bootstrap of the comparability model (issue 5 target: 200 refits of the
//! 1,000,000-row tree in at most 60 s on the 2-core machine). One iteration is 200
//! replicates: each resamples the 800,000 training rows of a 1,000,000-person sample
//! within class, drawn as counts over patterns of identical rows ([`Patterns::counts`]),
//! and refits the depth-5, 1,000-per-leaf tree on the counts, in parallel over replicates
//! as the pipeline runs them. The patterns are grouped once, outside the timing, as a run
//! groups them once for all replicates.

use std::hint::black_box;
use std::time::Duration;

use banenafspraak::estimate::resample::Patterns;
use banenafspraak::estimate::{EstimationParams, TrainingData};
use banenafspraak::model::design::SampleSize;
use banenafspraak::model::ModelSpec;
use banenafspraak::synth::SynthParams;
use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;

const REPLICATES: u64 = 200;

fn bootstrap(c: &mut Criterion) {
    // 1.2 million persons give more than 1,000,000 eligible for the sample.
    let pop = SynthParams {
        persons: 1_200_000,
        seed: 1,
        ..SynthParams::default()
    }
    .generate()
    .unwrap_or_else(|e| panic!("synth: {e}"));
    let mut params = EstimationParams::default();
    params.design.sample_size = SampleSize::Persons(1_000_000);
    let data = TrainingData::comparability(&params, &pop).unwrap_or_else(|e| panic!("{e}"));
    let patterns = Patterns::of(&data);
    eprintln!(
        "{} training rows in {} patterns, {} features, sampling fraction {:.3}",
        data.n_train,
        patterns.len(),
        data.x.n_features(),
        data.sampling_fraction
    );
    let ModelSpec::Tree(tree) = &params.comparability_model else {
        panic!("the default comparability model is a tree")
    };
    let seed = params.design.seed;
    let mut group = c.benchmark_group("bootstrap");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("200 refits of the comparability tree (1M sample)", |b| {
        b.iter(|| {
            let leaves: usize = (0..REPLICATES)
                .into_par_iter()
                .map(|r| {
                    let counts = patterns.counts(&data, seed, r);
                    let model = tree
                        .fit_draws(&patterns.x, &counts)
                        .unwrap_or_else(|e| panic!("{e}"));
                    model.n_leaves()
                })
                .sum();
            black_box(leaves)
        })
    });
    group.finish();
}

criterion_group!(benches, bootstrap);
criterion_main!(benches);
