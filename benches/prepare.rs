//! `prepare` on the source tables of a synthetic population: 100,000 persons (criterion),
//! and with `PREPARE_PERSONS=N` one timed run at N persons (e.g. 17,000,000 for national
//! size; run under `/usr/bin/time -v` for the peak memory). The tables are CSV files in a
//! temporary directory (in the page cache after writing).
//!
//! Measured 2026-12-01 (2 cores shared with other builds, load average 6-8; one run
//! each, `/usr/bin/time -v`; peak memory includes generating the population):
//! 1M persons (3.3M SECMBUS spells): prepare 19.7 s, peak 0.38 GB;
//! 4M (13.2M spells): 49.6 s, 1.42 GB; 17M (56.2M spells): 126.1 s, 5.5 GB.

use std::hint::black_box;
use std::time::Instant;

use banenafspraak::synth::source_tables::write_source_tables;
use banenafspraak::synth::SynthParams;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn tables(persons: usize, dir: &std::path::Path) -> (banenafspraak::prepare::PrepareParams, u64) {
    let pop = SynthParams {
        persons,
        seed: 1,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let (files, report) = write_source_tables(&pop, 2019, dir, false).unwrap();
    (files.prepare_params(2019), report.secm_spells)
}

fn prepare(c: &mut Criterion) {
    if let Some(n) = std::env::var("PREPARE_PERSONS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let dir = tempfile::tempdir().unwrap();
        let t = Instant::now();
        let (params, spells) = tables(n, dir.path());
        eprintln!(
            "generated {n} persons, {spells} SECMBUS spells in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let prepared = params.run().unwrap();
        eprintln!(
            "prepare: {} persons in {:.1} s",
            prepared.population.len(),
            t.elapsed().as_secs_f64()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let persons = 100_000;
    let (params, spells) = tables(persons, dir.path());
    let mut group = c.benchmark_group("prepare");
    group.sample_size(10);
    group.throughput(Throughput::Elements(spells));
    group.bench_function("100k persons (SECMBUS spells/s)", |b| {
        b.iter(|| black_box(params.run().unwrap().population.len()))
    });
    group.finish();
}

criterion_group!(benches, prepare);
criterion_main!(benches);
