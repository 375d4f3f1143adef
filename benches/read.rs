//! Reading and validating a 1,000,000-row microdata file (issue 2 target: >= 1 million
//! rows per second on one core). The file is generated in memory so disk speed is left out;
//! a second group reads the same rows from a file (in the page cache) with and without the
//! progress callback, to show that counting bytes costs nothing measurable.

use std::hint::black_box;

use banenafspraak::schema::{
    read_csv, read_csv_path, read_csv_path_with_progress, write_csv, ReadOptions,
};
use banenafspraak::synth::SynthParams;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn read_million(c: &mut Criterion) {
    let rows = 1_000_000;
    let pop = SynthParams {
        persons: rows,
        seed: 1,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let mut bytes = Vec::new();
    write_csv(&pop, &mut bytes, "memory").unwrap();
    drop(pop);
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("read_csv 1M rows", |b| {
        b.iter(|| {
            let pop = read_csv(black_box(&bytes[..]), "bench", &ReadOptions::default()).unwrap();
            black_box(pop.len())
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persons.csv");
    std::fs::write(&path, &bytes).unwrap();
    drop(bytes);
    group.bench_function("read_csv_path 1M rows", |b| {
        b.iter(|| {
            let pop = read_csv_path(black_box(&path), &ReadOptions::default()).unwrap();
            black_box(pop.len())
        })
    });
    group.bench_function("read_csv_path_with_progress 1M rows", |b| {
        b.iter(|| {
            let mut calls = 0u64;
            let pop = read_csv_path_with_progress(
                black_box(&path),
                &ReadOptions::default(),
                &mut |_, _| calls += 1,
            )
            .unwrap();
            black_box((pop.len(), calls))
        })
    });
    group.finish();
}

criterion_group!(benches, read_million);
criterion_main!(benches);
