//! Reading and validating a 1,000,000-row microdata file (issue 13 target: >= 250 MB/s on
//! 2 cores with every rule checked). The file is generated in memory so disk speed is left
//! out; it is read with 1 and with 2 threads, then from a file (in the page cache) with and
//! without the progress callback, and finally a second time through the columnar cache
//! (target: <= 0.1 s per million persons). Throughput is in bytes of CSV.

use std::hint::black_box;

use banenafspraak::schema::{
    read_csv, read_csv_path, read_csv_path_with_progress, write_csv, CacheMode, ReadOptions,
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
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(format!("read_csv 1M rows, {threads} thread(s)"), |b| {
            b.iter(|| {
                pool.install(|| {
                    let pop =
                        read_csv(black_box(&bytes[..]), "bench", &ReadOptions::default()).unwrap();
                    black_box(pop.len())
                })
            })
        });
    }
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
    let cached = ReadOptions {
        cache: CacheMode::ReadWrite,
        ..ReadOptions::default()
    };
    // The first read writes the cache; every read measured after it uses it.
    read_csv_path(&path, &cached).unwrap();
    group.bench_function("read_csv_path 1M rows, second read (cache)", |b| {
        b.iter(|| {
            let pop = read_csv_path(black_box(&path), &cached).unwrap();
            black_box(pop.len())
        })
    });
    group.finish();
}

criterion_group!(benches, read_million);
criterion_main!(benches);
