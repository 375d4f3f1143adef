//! The `banenafspraak` command: the only place that knows about command-line arguments.

use std::path::PathBuf;
use std::process::ExitCode;

use banenafspraak::estimate::{
    write_results_csv, write_results_json, Correction, DiagnosticsParams, EstimationParams,
    Intervals, ScoredPopulation, SensitivityParams,
};
use banenafspraak::model::design::{job_find_outcome, job_keep_outcome, SampleSize};
use banenafspraak::model::{Feature, FeatureSet, LogisticParams, ModelSpec, TreeParams};
use banenafspraak::report::render_text;
use banenafspraak::schema::{
    read_csv_path, write_csv_path, Population, ReadOptions, RegisterBasis,
};
use banenafspraak::synth::SynthParams;
use banenafspraak::{Error, Result};
use clap::{Parser, Subcommand, ValueEnum};

/// Who outside the doelgroepregister is comparable to the people in it (Panteia 2023 method).
#[derive(Parser)]
#[command(name = "banenafspraak", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a microdata file (schema v1) and summarise it.
    Check {
        /// The microdata CSV file.
        #[arg(long)]
        input: PathBuf,
        /// Reference year of the extract (register entry years may not exceed it).
        #[arg(long, default_value_t = banenafspraak::schema::DEFAULT_REFERENCE_YEAR)]
        reference_year: u16,
        /// How many problems to list in full.
        #[arg(long, default_value_t = 100)]
        max_problems: usize,
    },
    /// Fit the comparability, job-find and job-keep models and estimate the expected
    /// comparable persons, job finders and keepers per population (the report's tables).
    Estimate(EstimateArgs),
    /// Write a synthetic population (schema v1) calibrated to Panteia (2023); see
    /// data-dictionary/synthetic.md.
    Synth {
        /// Number of persons. The default is full scale: the Dutch population aged 16-66.
        #[arg(long, default_value_t = banenafspraak::synth::FULL_SCALE as usize)]
        persons: usize,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output CSV file.
        #[arg(long)]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Family {
    Tree,
    Logistic,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum IntervalMethod {
    /// Percentile intervals over bootstrap replicates of the training samples.
    Bootstrap,
    /// Normal intervals from the trees' leaf-rate variance (trees only).
    Analytic,
    /// No intervals.
    None,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// The report's tables, the fitted models and their validation.
    Text,
    /// Results table v1 as CSV.
    Csv,
    /// Results table v1 as JSON.
    Json,
}

#[derive(clap::Args)]
struct EstimateArgs {
    /// The microdata CSV file (schema v1).
    #[arg(long)]
    input: PathBuf,
    /// Model family of all three models.
    #[arg(long, value_enum, default_value_t = Family::Tree)]
    model: Family,
    /// Persons in the comparability model's sample (drawn with the register share), or `all`.
    #[arg(long, default_value = "1000000")]
    sample_size: SampleSize,
    /// Seed of the sample and the 80/20 splits.
    #[arg(long, default_value_t = 2019)]
    seed: u64,
    /// Maximum depth of the trees.
    #[arg(long, default_value_t = 5)]
    max_depth: usize,
    /// Minimum persons per leaf of the comparability tree.
    #[arg(long, default_value_t = 1000)]
    min_leaf: usize,
    /// Minimum persons per leaf of the job-find and job-keep trees.
    #[arg(long, default_value_t = banenafspraak::estimate::pipeline::JOB_MIN_LEAF)]
    job_min_leaf: usize,
    /// L2 penalty of the logistic models.
    #[arg(long, default_value_t = 1.0)]
    l2: f64,
    /// Features of the comparability model, comma-separated (default: the ten days_*
    /// columns, sex, migration, generation, education, years_special_secondary,
    /// disability_pct); `num:NAME` / `cat:NAME` for an extra column of the input.
    #[arg(long, value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// Features of the job-find and job-keep models (default: the comparability features and age).
    #[arg(long, value_delimiter = ',')]
    job_features: Option<Vec<String>>,
    /// How the comparability probabilities are corrected: `register-size` (the report's
    /// factor, computed from the data), `elkan-noto` (divide by the labelling rate c
    /// estimated from held-out register members) or `fixed=F` (a factor F of your own).
    #[arg(long, default_value = "register-size", value_parser = parse_correction)]
    correction: Correction,
    /// Same as `--correction fixed=F` (kept for earlier scripts).
    #[arg(long, conflicts_with = "correction")]
    correction_factor: Option<f64>,
    /// 95% intervals of the expected counts: bootstrap over the training samples,
    /// analytic (trees' leaf-rate variance), or none.
    #[arg(long, value_enum, default_value_t = IntervalMethod::Bootstrap)]
    intervals: IntervalMethod,
    /// Bootstrap replicates (with `--intervals bootstrap`).
    #[arg(long, default_value_t = 200)]
    replicates: usize,
    /// Add the sensitivity table (comparable totals under each correction, model family and
    /// tree setting) to the text output.
    #[arg(long)]
    sensitivity: bool,
    /// Add the diagnostics (score overlap, standardised mean differences) to the text output.
    #[arg(long)]
    diagnostics: bool,
    /// Reference year of the extract.
    #[arg(long, default_value_t = banenafspraak::schema::DEFAULT_REFERENCE_YEAR)]
    reference_year: u16,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the output here instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// No progress on standard error.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            input,
            reference_year,
            max_problems,
        } => {
            let opts = ReadOptions {
                reference_year,
                max_problems,
            };
            read_csv_path(&input, &opts).map(|pop| print!("{}", summary(&input, &pop)))
        }
        Command::Estimate(args) => estimate(&args),
        Command::Synth {
            persons,
            seed,
            output,
        } => SynthParams {
            persons,
            seed,
            ..SynthParams::default()
        }
        .generate()
        .and_then(|pop| write_csv_path(&pop, &output))
        .map(|()| eprintln!("wrote {persons} persons to {}", output.display())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("error: {e}");
            if !e.to_string().ends_with('\n') {
                eprintln!();
            }
            ExitCode::FAILURE
        }
    }
}

/// The short account of a valid file that `check` prints.
fn summary(input: &std::path::Path, pop: &Population) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{}: valid (microdata schema v1)", input.display());
    let _ = writeln!(s, "persons                 {:>12}", pop.len());
    let extra: Vec<&str> = pop.extra_column_names().collect();
    if !extra.is_empty() {
        let _ = writeln!(
            s,
            "extra columns           {:>12}  ({})",
            extra.len(),
            extra.join(", ")
        );
    }
    let members = pop.in_register().iter().filter(|&&r| r).count();
    let _ = writeln!(s, "register members        {members:>12}");
    for basis in RegisterBasis::ALL {
        let n = pop
            .register_basis()
            .iter()
            .filter(|b| **b == Some(*basis))
            .count();
        let _ = writeln!(s, "  {:<21} {n:>12}", basis.code());
    }
    let _ = writeln!(s, "populations (age 16-66, not in the register):");
    for p in ScoredPopulation::report_populations() {
        let _ = writeln!(s, "  {:<21} {:>12}", p.label, p.members(pop).len());
    }
    let find = pop.persons().filter_map(|p| job_find_outcome(&p)).count();
    let keep = pop.persons().filter_map(|p| job_keep_outcome(&p)).count();
    let _ = writeln!(s, "job cohorts:");
    let _ = writeln!(s, "  {:<21} {find:>12}", "job-find (entrants)");
    let _ = writeln!(s, "  {:<21} {keep:>12}", "job-keep (starters)");
    s
}

fn estimate(args: &EstimateArgs) -> Result<()> {
    let spinner = if args.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    };
    let mut params = match args.model {
        Family::Tree => {
            let tree = |min_leaf| {
                ModelSpec::Tree(TreeParams {
                    max_depth: args.max_depth,
                    min_leaf,
                    ..TreeParams::default()
                })
            };
            EstimationParams {
                comparability_model: tree(args.min_leaf),
                job_find_model: tree(args.job_min_leaf),
                job_keep_model: tree(args.job_min_leaf),
                ..EstimationParams::default()
            }
        }
        Family::Logistic => {
            let logistic = ModelSpec::Logistic(LogisticParams {
                l2: args.l2,
                ..LogisticParams::default()
            });
            EstimationParams {
                comparability_model: logistic.clone(),
                job_find_model: logistic.clone(),
                job_keep_model: logistic,
                ..EstimationParams::default()
            }
        }
    };
    let feature_set = |names: &[String]| -> Result<FeatureSet> {
        Ok(FeatureSet::new(
            names
                .iter()
                .map(|n| Feature::from_name(n))
                .collect::<Result<Vec<_>>>()?,
        ))
    };
    if let Some(names) = &args.features {
        params.comparability_features = feature_set(names)?;
    }
    if let Some(names) = &args.job_features {
        params.job_features = feature_set(names)?;
    }
    params.design.sample_size = args.sample_size;
    params.design.seed = args.seed;
    params.correction = match args.correction_factor {
        Some(f) => Correction::Fixed(f),
        None => args.correction,
    };
    params.intervals = match args.intervals {
        IntervalMethod::Bootstrap => Intervals::Bootstrap {
            replicates: args.replicates,
        },
        IntervalMethod::Analytic => Intervals::Analytic,
        IntervalMethod::None => Intervals::None,
    };
    if (args.sensitivity || args.diagnostics) && args.format != Format::Text {
        return Err(Error::InvalidParameter {
            name: "format",
            value: "csv/json".into(),
            reason: "--sensitivity and --diagnostics are sections of the text output; use \
                     --format text (the default)"
                .into(),
        });
    }
    // Parameters are checked before the (long) read.
    params.check()?;
    spinner.set_message(format!("reading {}", args.input.display()));
    let opts = ReadOptions {
        reference_year: args.reference_year,
        ..ReadOptions::default()
    };
    let pop = read_csv_path(&args.input, &opts)?;
    let estimates =
        params.run_with_progress(&pop, &mut |step| spinner.set_message(step.to_string()))?;
    let mut extra = String::new();
    if args.sensitivity {
        spinner.set_message("sensitivity table");
        let table = params.sensitivity(&pop, &SensitivityParams::default())?;
        extra.push_str(&format!("\n{table}"));
    }
    if args.diagnostics {
        spinner.set_message("diagnostics");
        let d = params.diagnostics(&pop, &estimates.fitted, &DiagnosticsParams::default())?;
        extra.push_str(&format!("\n{d}"));
    }
    spinner.finish_and_clear();
    if args.format != Format::Text {
        // The table has no room for them: the correction and the intervals used are said
        // here, as the text output says them at its top.
        eprintln!(
            "note: correction: {}",
            estimates.fitted.correction.describe()
        );
        if let Some(line) = estimates.uncertainty.describe().first() {
            eprintln!("note: {line}");
        }
        for note in &estimates.notes {
            eprintln!("note: {note}");
        }
    }
    let target = args
        .output
        .as_ref()
        .map_or("standard output".to_string(), |p| p.display().to_string());
    let out: Box<dyn std::io::Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).map_err(|e| Error::io(&target, e))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    write_estimates(&estimates, &extra, args.format, out, &target)
}

fn parse_correction(s: &str) -> std::result::Result<Correction, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

/// Writes the estimates; `extra` (sensitivity, diagnostics) follows the text report.
fn write_estimates(
    estimates: &banenafspraak::estimate::Estimates,
    extra: &str,
    format: Format,
    mut out: Box<dyn std::io::Write>,
    target: &str,
) -> Result<()> {
    let rows = estimates.result_rows();
    match format {
        Format::Text => out
            .write_all(render_text(estimates).as_bytes())
            .and_then(|()| out.write_all(extra.as_bytes()))
            .and_then(|()| out.flush())
            .map_err(|e| Error::io(target, e)),
        Format::Csv => write_results_csv(&rows, out),
        Format::Json => write_results_json(&rows, out),
    }
}
