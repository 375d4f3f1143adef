//! Reproduces the tables of Panteia (2023) on the calibrated synthetic population:
//! generate 11.4 million persons (seeded), draw the report's sample of 1,000,000, fit the
//! comparability, job-find and job-keep trees, score WW, WIA, bijstand and NUG, and print
//! tables 4.1-4.3, 5.1-5.3, 8.4-8.6 and 8.11-8.13 with each estimate beside the published
//! value, then the fitted comparability tree beside table B3.1.
//!
//! ```text
//! cargo run --release --example reproduce_panteia [-- --seed S] [--persons N] [--replicates B] [--format csv]
//! ```
//!
//! The estimates come only from the models fitted on the generated persons; the published
//! values (`synth::published`) are read for the comparison columns, after estimation.

use std::fmt::Write;
use std::process::ExitCode;
use std::time::Instant;

use banenafspraak::estimate::{
    write_results_csv, Breakdown, Estimates, EstimationParams, Interval, Intervals, Measure,
};
use banenafspraak::report::format::{hundreds, percent, ROUNDING_NOTE};
use banenafspraak::report::Table;
use banenafspraak::schema::Population;
use banenafspraak::synth::published::{Distribution, Published, POPULATIONS};
use banenafspraak::synth::report_trees::b3_1_tree;
use banenafspraak::synth::{SynthParams, FULL_SCALE};

/// The command line of the example.
#[derive(clap::Parser)]
#[command(about = "Reproduce the tables of Panteia (2023) on the calibrated synthetic population")]
pub struct Args {
    /// Seed of the synthetic population and of the models' sample and splits.
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
    /// Persons to generate (the full Dutch population aged 16-66 by default).
    #[arg(long, default_value_t = FULL_SCALE as usize, value_parser = parse_persons)]
    pub persons: usize,
    /// Output: `text` (the tables beside the published values) or `csv` (results table).
    #[arg(long = "format", value_name = "FORMAT", default_value = "text", value_parser = parse_format, action = clap::ArgAction::Set)]
    pub csv: bool,
    /// Bootstrap replicates of the intervals (0: no intervals).
    #[arg(long, default_value_t = 200)]
    pub replicates: usize,
}

/// What a run produced: the printed text, the estimates with the population they came
/// from, the factor that scales its counts to the full population, the goals and the
/// README's headline table (`tests/it/reproduction.rs` checks them).
pub struct Outcome {
    pub text: String,
    pub population: Population,
    pub estimates: Estimates,
    pub up: f64,
    pub goals: Goals,
    pub headline: String,
}

fn parse_persons(v: &str) -> Result<usize, String> {
    v.parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or(format!("{v}: not a positive number"))
}

fn parse_format(v: &str) -> Result<bool, String> {
    match v {
        "csv" => Ok(true),
        "text" => Ok(false),
        other => Err(format!("{other}: expected text or csv")),
    }
}

fn main() -> ExitCode {
    let args = <Args as clap::Parser>::parse();
    match run(&args) {
        Ok(outcome) => {
            print!("{}", outcome.text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(args: &Args) -> banenafspraak::Result<Outcome> {
    let start = Instant::now();
    let pop = SynthParams {
        persons: args.persons,
        seed: args.seed,
        ..SynthParams::default()
    }
    .generate()?;
    let generated = start.elapsed();
    // The report's design: a sample of 1,000,000 with the population's class shares, 80%
    // to fit, 20% to validate; trees of depth 5 with 1,000 per leaf (250 for the job trees).
    let mut params = EstimationParams::default();
    params.design.seed = args.seed;
    // The report has no intervals; the bootstrap over the training sample adds them
    // (`--replicates 0` leaves them out).
    params.intervals = if args.replicates == 0 {
        Intervals::None
    } else {
        Intervals::Bootstrap {
            replicates: args.replicates,
        }
    };
    // The job cohorts shrink with the population: below full scale their trees keep the
    // report's leaf size in proportion (at least 20 persons).
    let scale = args.persons as f64 / FULL_SCALE;
    if scale < 1.0 {
        let job_leaf = ((250.0 * scale).round() as usize).max(20);
        params.set_min_leaf(1000, job_leaf);
        eprintln!(
            "{} persons: job trees with at least {job_leaf} per leaf",
            args.persons
        );
    }
    let estimates = params.run(&pop)?;
    let fitted = start.elapsed() - generated;
    // Counts of a smaller population are scaled up to the published full scale.
    let up = FULL_SCALE / args.persons as f64;
    if args.csv {
        let mut csv = Vec::new();
        write_results_csv(&estimates.result_rows(), &mut csv)?;
        return Ok(Outcome {
            text: String::from_utf8(csv).expect("the results table is UTF-8"),
            population: pop,
            headline: headline(&estimates, up),
            estimates,
            up,
            goals: Goals::default(),
        });
    }
    let timings = [generated.as_secs_f64(), fitted.as_secs_f64()];
    let (out, goals, headline) = tables_text(args, &pop, &estimates, up, timings);
    Ok(Outcome {
        text: out,
        population: pop,
        estimates,
        up,
        goals,
        headline,
    })
}

/// The tables beside the published values, the fitted trees, the headline table and the
/// goals met; `timings` are the seconds to generate and to fit and score.
fn tables_text(
    args: &Args,
    pop: &Population,
    estimates: &Estimates,
    up: f64,
    timings: [f64; 2],
) -> (String, Goals, String) {
    let mut out = String::new();
    writeln!(
        out,
        "Synthetic population: {} persons aged 16-66, seed {} (generated in {:.1} s; \
         models fitted and populations scored in {:.1} s).",
        hundreds(pop.len() as f64),
        args.seed,
        timings[0],
        timings[1]
    )
    .unwrap();
    let f = &estimates.fitted.correction;
    writeln!(
        out,
        "Register {} members, {} outside wajong, wsw and wiw/id: correction factor {:.2} \
         (report: 2.9).\n",
        hundreds(f.register_size as f64),
        hundreds(f.register_size_trained as f64),
        f.factor
    )
    .unwrap();
    if args.persons != FULL_SCALE as usize {
        writeln!(
            out,
            "Counts are scaled to the full population (x {up:.3}) for the comparison.\n"
        )
        .unwrap();
    }
    let mut goals = Goals::default();
    for (published, est) in POPULATIONS.iter().zip(&estimates.populations) {
        writeln!(out, "{}", counts_table(published, est, up, &mut goals)).unwrap();
        if let Some(i) = est.total.intervals {
            let published_total = published.total;
            let show = |name: &str, iv: Interval, value: f64| {
                format!(
                    "{name} {} - {} (published {} {})",
                    hundreds(up * iv.low),
                    hundreds(up * iv.high),
                    hundreds(value),
                    if iv.contains(value / up) {
                        "inside"
                    } else {
                        "outside"
                    }
                )
            };
            writeln!(
                out,
                "95% bootstrap intervals ({} replicates over the training sample): {}; {}; {}\n",
                args.replicates,
                show("comparable", i.comparable, published_total.comparable),
                show("finds work", i.finds_work, published.finds),
                show("keeps work", i.keeps_work, published.keeps),
            )
            .unwrap();
        }
        for (by, dist, breakdown) in [
            ("education level", &published.education, &est.by_education),
            ("age band", &published.age, &est.by_age),
        ] {
            writeln!(
                out,
                "{}",
                distribution_table(published, by, dist, breakdown, est, up, &mut goals)
            )
            .unwrap();
        }
    }
    print_trees(&mut out, estimates);
    let headline = headline(estimates, up);
    writeln!(out, "Headline (the README's table):\n\n{headline}").unwrap();
    goals.print(&mut out);
    (out, goals, headline)
}

/// The README's headline table: each population's totals scaled to full size and rounded
/// to hundreds, with the deviation from the published total (the mean probability beside
/// the published one).
pub fn headline(e: &Estimates, up: f64) -> String {
    let mut t = String::from(
        "| population | persons | comparable | mean | had work | finds work | keeps work |\n\
         |---|---|---|---|---|---|---|\n",
    );
    let cell =
        |got: f64, want: f64| format!("{} ({})", hundreds(up * got), deviation(up * got, want));
    for (p, est) in POPULATIONS.iter().zip(&e.populations) {
        let e = &est.total;
        let had = p.had_work.map_or("-".to_string(), |h| cell(e.had_work, h));
        writeln!(
            t,
            "| {} | {} | {} | {} ({}) | {had} | {} | {} |",
            est.label,
            cell(e.persons as f64, p.total.persons),
            cell(e.comparable, p.total.comparable),
            percent(e.mean_probability()),
            percent(p.total.mean_probability),
            cell(e.finds_work, p.finds),
            cell(e.keeps_work, p.keeps),
        )
        .unwrap();
    }
    t
}

/// Signed relative deviation in percent.
fn deviation(estimate: f64, published: f64) -> String {
    if published == 0.0 {
        return "-".into();
    }
    format!("{:+.1}%", 100.0 * (estimate - published) / published)
}

/// Signed deviation in percentage points.
fn points(estimate: f64, published: f64) -> String {
    format!("{:+.1}", 100.0 * (estimate - published))
}

fn counts_table(
    p: &Published,
    est: &banenafspraak::estimate::PopulationEstimate,
    up: f64,
    goals: &mut Goals,
) -> Table {
    let mut t = Table::new(
        format!(
            "Table {} {}: population 2019, expected comparable (rounded to hundreds) and mean probability",
            p.table, est.label
        ),
        [
            "group", "persons", "published", "dev.", "comparable", "published", "dev.",
            "mean", "published", "dev. (pts)",
        ],
    );
    let rows = std::iter::once((&p.total, &est.total)).chain(
        p.subgroups
            .iter()
            .zip(est.subgroups.iter().map(|g| &g.counts)),
    );
    for (k, (pub_row, e)) in rows.enumerate() {
        let label = if k == 0 { "total" } else { pub_row.label };
        let persons = up * e.persons as f64;
        let comparable = up * e.comparable;
        t.push_row([
            label.to_string(),
            hundreds(persons),
            hundreds(pub_row.persons),
            deviation(persons, pub_row.persons),
            hundreds(comparable),
            hundreds(pub_row.comparable),
            deviation(comparable, pub_row.comparable),
            percent(e.mean_probability()),
            percent(pub_row.mean_probability),
            points(e.mean_probability(), pub_row.mean_probability),
        ]);
        let (what, limit) = if k == 0 {
            ("total", 0.05)
        } else {
            ("sub-group", 0.15)
        };
        for (measure, got, want) in [
            ("persons", persons, pub_row.persons),
            ("comparable", comparable, pub_row.comparable),
        ] {
            if k == 0 || want >= 1000.0 {
                goals.relative(
                    format!("{} {what} {} {measure}", p.name, pub_row.name),
                    got,
                    want,
                    limit,
                );
            }
        }
    }
    let mut jobs = Vec::new();
    if let Some(h) = p.had_work {
        jobs.push(("had work", est.total.had_work, h));
    }
    jobs.push(("finds work", est.total.finds_work, p.finds));
    jobs.push(("keeps work", est.total.keeps_work, p.keeps));
    let mut note = String::from("Job outcomes (total):");
    for (name, got, want) in jobs {
        let got = up * got;
        note.push_str(&format!(
            " {name} {} (published {}, {});",
            hundreds(got),
            hundreds(want),
            deviation(got, want)
        ));
        goals.relative(format!("{} total {name}", p.name), got, want, 0.10);
    }
    note.pop();
    t.with_note(note).with_note(ROUNDING_NOTE)
}

fn distribution_table(
    p: &Published,
    by: &str,
    dist: &Distribution,
    b: &Breakdown,
    est: &banenafspraak::estimate::PopulationEstimate,
    up: f64,
    goals: &mut Goals,
) -> Table {
    let measures: Vec<(Measure, &str, [f64; 4])> = [
        (Measure::Persons, "gross", Some(dist.gross)),
        (Measure::Comparable, "comparable", Some(dist.comparable)),
        (Measure::HadWork, "had work", dist.had_work),
        (Measure::FindsWork, "finds work", Some(dist.finds)),
        (Measure::KeepsWork, "keeps work", Some(dist.keeps)),
    ]
    .into_iter()
    .filter_map(|(m, name, s)| s.map(|s| (m, name, s)))
    .collect();
    let mut columns = vec![by.to_string()];
    for (_, name, _) in &measures {
        columns.extend([name.to_string(), "publ.".into(), "pts".into()]);
    }
    let mut t = Table::new(
        format!(
            "Table {} {}: distribution by {by} (estimate, published, deviation in points)",
            dist.table, est.label
        ),
        columns,
    );
    for k in 0..4 {
        let label = if by == "age band" {
            b.cells[k].1.clone()
        } else {
            format!("level {}", k + 1)
        };
        let mut row = vec![label.clone()];
        for (m, name, shares) in &measures {
            let got = b.share(k, *m);
            row.extend([percent(got), percent(shares[k]), points(got, shares[k])]);
            goals.absolute(
                format!("{} {} {by} {label} {name}", dist.table, p.name),
                got,
                shares[k],
                0.03,
            );
        }
        t.push_row(row);
    }
    let mut total = vec!["total (count)".to_string()];
    for (m, _, _) in &measures {
        total.extend([
            hundreds(up * est.total.get(*m)),
            String::new(),
            String::new(),
        ]);
    }
    t.push_row(total);
    t.with_note(
        "Shares of each column; the report has no unknown education level, the synthetic \
         scored populations have none either.",
    )
}

fn print_trees(out: &mut String, e: &Estimates) {
    let stage = &e.fitted.comparability;
    let v = &stage.validation;
    writeln!(
        out,
        "Fitted comparability tree ({} persons to fit, {} to validate; validation AUC {:.3}, \
         Brier {:.4}):\n",
        hundreds(stage.n_train as f64),
        hundreds(stage.n_validate as f64),
        v.auc,
        v.brier
    )
    .unwrap();
    writeln!(out, "{}", stage.model).unwrap();
    writeln!(
        out,
        "Report table B3.1 (binary reading), probabilities before the correction factor:\n"
    )
    .unwrap();
    writeln!(out, "{}", b3_1_tree()).unwrap();
    for stage in [&e.fitted.job_find, &e.fitted.job_keep] {
        writeln!(
            out,
            "Fitted {} tree: {} persons to fit, {} leaves, validation AUC {:.3}.",
            stage.name,
            stage.n_train,
            stage
                .model
                .as_tree()
                .map_or(0, banenafspraak::model::ClassificationTree::n_leaves),
            stage.validation.auc
        )
        .unwrap();
    }
    writeln!(out).unwrap();
}

/// The issue's goals: totals within 5%, sub-groups of at least 1,000 within 15%, shares
/// within 3 points, job outcome totals within 10%.
#[derive(Default)]
pub struct Goals {
    pub met: usize,
    pub missed: Vec<String>,
}

impl Goals {
    fn relative(&mut self, what: String, got: f64, want: f64, limit: f64) {
        let dev = (got - want) / want;
        if dev.abs() <= limit {
            self.met += 1;
        } else {
            self.missed.push(format!(
                "{what}: {got:.0} vs {want:.0} ({:+.1}%, limit {:.0}%)",
                100.0 * dev,
                100.0 * limit
            ));
        }
    }

    fn absolute(&mut self, what: String, got: f64, want: f64, limit: f64) {
        if (got - want).abs() <= limit {
            self.met += 1;
        } else {
            self.missed.push(format!(
                "{what}: {} vs {} ({} points, limit {:.0})",
                percent(got),
                percent(want),
                points(got, want),
                100.0 * limit
            ));
        }
    }

    fn print(&self, out: &mut String) {
        writeln!(
            out,
            "Goals met: {} of {} (totals within 5%, sub-groups of at least 1,000 within 15%, \
             shares within 3 points, job outcomes within 10%).",
            self.met,
            self.met + self.missed.len()
        )
        .unwrap();
        for m in &self.missed {
            writeln!(out, "  missed: {m}").unwrap();
        }
    }
}
