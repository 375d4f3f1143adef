//! The synthetic population at full scale (11.4 million persons, the Dutch population aged
//! 16-66): generation time. Peak memory is measured apart with `/usr/bin/time -v` on the
//! `synth` command (see `data-dictionary/synthetic.md`).

use banenafspraak::synth::{Calibration, SynthParams};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("synth");
    group.sample_size(10);
    group.bench_function("calibration", |b| {
        b.iter(|| Calibration::compute().cells.len())
    });
    group.bench_function("generate full scale (11.4 M persons)", |b| {
        b.iter(|| {
            SynthParams::full_scale(2019)
                .generate()
                .expect("the generator accepts its defaults")
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
