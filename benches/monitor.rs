//! The register monitor at national scale: a register of about 300,000 persons with 36
//! months of their jobs (criterion: reading the hours CSV from memory, and the measures),
//! and, as one timed run, a SPOLISBUS-sized year of 126 million rows streamed as CSV text
//! of which only register members' rows are kept:
//!
//! ```text
//! MONITOR_SPOLIS_YEAR=1 /usr/bin/time -v cargo bench --bench monitor
//! ```
//!
//! The year is generated on the fly (no 4.5 GB file on disk) and read through the same
//! `CsvSource` and `Panel::read` as a file.

use std::io::Read;
use std::time::Instant;

use banenafspraak::monitor::{CsvSource, MonitorParams, Month, Panel, Register};
use banenafspraak::synth::panel::{PanelParams, SynthPanel};
use criterion::{criterion_group, Criterion};

/// About 300,000 register persons: a cohort of 230,000 and 30% inflow.
fn national() -> SynthPanel {
    PanelParams {
        cohort: 230_000,
        inflow_share: 0.3,
        seed: 7,
    }
    .generate()
    .expect("valid parameters")
}

fn hours_csv(s: &SynthPanel) -> Vec<u8> {
    let mut out = b"person_id,job_id,month,hours,sector\n".to_vec();
    for p in &s.persons {
        for &(j, m, h, sec) in &p.hours {
            out.extend_from_slice(
                format!("{},{}-{j},{m},{h},{}\n", p.id, p.id, sec.code()).as_bytes(),
            );
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let synth = national();
    let (register, panel) = synth.build().expect("valid synthetic panel");
    let csv = hours_csv(&synth);
    eprintln!(
        "national register: {} persons, {} spells, {} hours rows ({} MB of CSV)",
        register.len(),
        register.n_spells(),
        panel.rows.len(),
        csv.len() >> 20
    );
    let mut group = c.benchmark_group("monitor");
    group.sample_size(10);
    group.bench_function("read hours CSV (300k persons x 36 months)", |b| {
        b.iter(|| {
            Panel::read(&mut CsvSource::new(&csv[..], "hours"), &register, 10)
                .expect("valid")
                .rows
                .len()
        })
    });
    let params = MonitorParams::default();
    group.bench_function("measures (300k persons x 36 months)", |b| {
        b.iter(|| params.run(&register, &panel).expect("runs").job_spells.0)
    });
    group.finish();
}

/// CSV text of a SPOLISBUS-sized year: the register members' rows of 2021 with rows of
/// other persons between them, `total` rows in all.
struct SpolisYear<'a> {
    synth: &'a SynthPanel,
    from: Month,
    total: u64,
    filler_per_person: u64,
    written: u64,
    person: usize,
    filler: u64,
    buf: Vec<u8>,
    at: usize,
}

impl SpolisYear<'_> {
    fn refill(&mut self) {
        use std::io::Write;
        self.buf.clear();
        self.at = 0;
        if self.written == 0 {
            self.buf
                .extend_from_slice(b"person_id,job_id,month,hours,sector\n");
        }
        while self.buf.len() < 1 << 16 && self.written < self.total {
            if let Some(p) = self.synth.persons.get(self.person) {
                for &(j, m, h, s) in p.hours.iter().filter(|x| x.1 >= self.from) {
                    let _ = writeln!(self.buf, "{},{}-{j},{m},{h},{}", p.id, p.id, s.code());
                    self.written += 1;
                }
                self.person += 1;
            }
            for _ in 0..self.filler_per_person.min(self.total - self.written) {
                let n = self.filler;
                self.filler += 1;
                let _ = writeln!(
                    self.buf,
                    "N{:09},J{n},2021-{:02},{},market",
                    n / 12,
                    n % 12 + 1,
                    60 + n % 100
                );
                self.written += 1;
            }
        }
    }
}

impl Read for SpolisYear<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.buf.len() {
            self.refill();
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn spolis_year() {
    let t = Instant::now();
    let synth = national();
    let persons: Vec<(&str, banenafspraak::monitor::Spell)> = synth
        .persons
        .iter()
        .flat_map(|p| p.spells.iter().map(move |s| (p.id.as_str(), *s)))
        .collect();
    let register = Register::from_spells(persons).expect("valid");
    let from = Month::parse(b"2021-01").expect("month");
    let member_rows: u64 = synth
        .persons
        .iter()
        .map(|p| p.hours.iter().filter(|x| x.1 >= from).count() as u64)
        .sum();
    let total = 126_000_000u64;
    let source = SpolisYear {
        synth: &synth,
        from,
        total,
        filler_per_person: (total - member_rows) / synth.persons.len() as u64 + 1,
        written: 0,
        person: 0,
        filler: 0,
        buf: Vec::new(),
        at: 0,
    };
    eprintln!(
        "register of {} persons ready in {:.1} s",
        register.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let panel =
        Panel::read(&mut CsvSource::new(source, "spolis year"), &register, 10).expect("valid");
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let res = MonitorParams::default()
        .run(&register, &panel)
        .expect("runs");
    let s = &panel.summary;
    eprintln!(
        "SPOLISBUS-sized year: {} rows read and checked, {} of register members kept, {} not in the register; read {read:.1} s, measures {:.2} s; banen {}: {:.0}",
        s.rows,
        s.used,
        s.not_in_register,
        t.elapsed().as_secs_f64(),
        res.last_month,
        res.banen.series[0].points.last().map_or(0.0, |p| p.value)
    );
}

criterion_group!(benches, bench);

fn main() {
    if std::env::var_os("MONITOR_SPOLIS_YEAR").is_some() {
        spolis_year();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
