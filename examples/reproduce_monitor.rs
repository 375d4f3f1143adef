//! The Arbeidsinspectie's cohort table (2024, bijlage 4) beside the same table counted by
//! `banenafspraak::monitor` on the calibrated synthetic register and hours panel.
//!
//! Calibrated inputs (agreement shows only that the counting is right): the cohort size,
//! the size and the share with 0 months worked of each basis, the total share with 0
//! months, and the banen per member in the last month. Not calibrated: the shares working
//! 1-11, 12-35 and 36 months.
//!
//! `cargo run --release --example reproduce_monitor -- [--cohort N] [--seed S] [--write DIR]`

use banenafspraak::monitor::{Group, MonitorParams};
use banenafspraak::synth::panel::{basis_targets, PanelParams, PUBLISHED_BINS, PUBLISHED_COHORT};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// Cohort members (the published 190,796 by default).
    #[arg(long, default_value_t = PUBLISHED_COHORT)]
    cohort: u32,
    /// Seed of the synthetic panel.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write register.csv and hours.csv into this directory (for `banenafspraak monitor`).
    #[arg(long)]
    write: Option<std::path::PathBuf>,
}

fn main() -> banenafspraak::Result<()> {
    let args = Args::parse();
    let synth = PanelParams {
        cohort: args.cohort,
        seed: args.seed,
        ..PanelParams::default()
    }
    .generate()?;
    if let Some(dir) = &args.write {
        std::fs::create_dir_all(dir).map_err(|e| banenafspraak::Error::io(dir.display(), e))?;
        synth.write_csv(dir)?;
    }
    let (register, panel) = synth.build()?;
    let res = MonitorParams::default().run(&register, &panel)?;
    let cohort = res
        .months_worked
        .as_ref()
        .expect("the synthetic panel covers 2019-2021");
    let scale = f64::from(args.cohort) / f64::from(PUBLISHED_COHORT);
    println!("Months worked 2019-2021, cohort in the register on 2019-01-01 and 2022-01-01");
    println!("(published: Arbeidsinspectie 2024, bijlage 4, groups summed to the schema's bases; sizes scaled by {scale:.3})\n");
    println!(
        "{:<15} {:>10} {:>10} {:>9} {:>9}  calibrated",
        "basis", "persons", "published", "0 months", "published"
    );
    let total = cohort.group(Group::Total).expect("total");
    println!(
        "{:<15} {:>10} {:>10.0} {:>8.1}% {:>8.1}%  yes",
        "total",
        total.points[0].persons,
        f64::from(PUBLISHED_COHORT) * scale,
        100.0 * total.points[0].value,
        100.0 * PUBLISHED_BINS[0]
    );
    for (b, n, zero) in basis_targets() {
        let s = cohort.group(Group::Basis(b));
        let (persons, share) =
            s.map_or((0, f64::NAN), |s| (s.points[0].persons, s.points[0].value));
        println!(
            "{:<15} {:>10} {:>10.0} {:>8.1}% {:>8.1}%  yes",
            b.code(),
            persons,
            f64::from(n) * scale,
            100.0 * share,
            100.0 * f64::from(zero) / f64::from(n)
        );
    }
    println!("\nMonths worked, total (published: lines 106 and 344 of the report)");
    println!(
        "{:<8} {:>9} {:>9}  calibrated",
        "months", "share", "published"
    );
    for (k, period) in cohort.periods.iter().enumerate() {
        println!(
            "{:<8} {:>8.1}% {:>8.0}%  {}",
            period,
            100.0 * total.points[k].value,
            100.0 * PUBLISHED_BINS[k],
            if k == 0 { "yes" } else { "no" }
        );
    }
    let last = res.banen.series[0].points.last().expect("months");
    println!(
        "\nBanen in {}: {:.0} for {} register members ({:.2} per member, calibrated to 161,433 / 260,000 = 0.62)",
        res.last_month, last.value, register.len(), last.value / register.len() as f64
    );
    let ret = res.job_retention.group(Group::Total).expect("total");
    let shown: Vec<String> = res
        .job_retention
        .periods
        .iter()
        .zip(&ret.points)
        .map(|(p, x)| format!(">= {p}: {:.1}%", 100.0 * x.value))
        .collect();
    println!(
        "Job retention (Kaplan-Meier, not published for this cohort): {}",
        shown.join(", ")
    );
    Ok(())
}
