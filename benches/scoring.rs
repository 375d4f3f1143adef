//! Scoring 12,000,000 persons with fitted comparability, job-find, job-keep and hours
//! trees (issue 13 target: >= 50 million persons per second with per-person scores). The
//! models are fitted once on a 1,000,000-person sample; only scoring is timed, into a
//! fresh vector (`score`, whose first touch of 480 MB is part of the time) and into one
//! buffer reused (`score_into`).

use std::hint::black_box;

use banenafspraak::estimate::{EstimationParams, PersonScores, ScoredPopulation};
use banenafspraak::model::design::SampleSize;
use banenafspraak::synth::SynthParams;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn scoring(c: &mut Criterion) {
    let persons = 12_000_000;
    let pop = SynthParams {
        persons,
        seed: 1,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let mut params = EstimationParams::default();
    params.design.sample_size = SampleSize::Persons(1_000_000);
    params.set_min_leaf(1000, 100);
    let (fitted, _) = params.fit_with_progress(&pop, &mut |_| {}).unwrap();
    let rows: Vec<usize> = (0..pop.len()).collect();
    let mut group = c.benchmark_group("scoring");
    group.sample_size(10);
    group.throughput(Throughput::Elements(persons as u64));
    group.bench_function("score 12M persons (four trees), fresh vector", |b| {
        b.iter(|| black_box(fitted.score(&pop, black_box(&rows)).unwrap().len()))
    });
    let mut buffer = vec![PersonScores::default(); rows.len()];
    group.bench_function("score 12M persons (four trees) into a buffer", |b| {
        b.iter(|| {
            fitted
                .score_into(&pop, black_box(&rows), &mut buffer)
                .unwrap();
            black_box(buffer[rows.len() / 2].find)
        })
    });
    group.bench_function("estimate WW, WIA, bijstand, NUG on 12M persons", |b| {
        b.iter(|| black_box(fitted.estimate(&pop, &params.populations).unwrap().len()))
    });
    // Everyone in scope as one population: expected counts of every person in scope,
    // scored and aggregated in one pass without keeping per-person scores.
    let everyone = [ScoredPopulation::custom("everyone", |_| true)];
    let in_scope = everyone[0].members(&pop).len();
    group.throughput(Throughput::Elements(in_scope as u64));
    group.bench_function(
        "expected counts of everyone in scope (11.4M persons)",
        |b| {
            b.iter(|| {
                black_box(
                    fitted.estimate(&pop, &everyone).unwrap()[0]
                        .total
                        .comparable,
                )
            })
        },
    );
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("fit comparability, job-find, job-keep (1M sample)", |b| {
        b.iter(|| {
            black_box(
                params
                    .fit_with_progress(&pop, &mut |_| {})
                    .unwrap()
                    .0
                    .correction
                    .factor,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
