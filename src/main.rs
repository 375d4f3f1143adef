//! The `banenafspraak` command: the only place that knows about command-line arguments.

use std::path::PathBuf;
use std::process::ExitCode;

use banenafspraak::estimate::{
    write_results_csv, write_results_json, Correction, DiagnosticsParams, EstimationParams,
    Intervals, ScoredPopulation, SensitivityParams,
};
use banenafspraak::model::design::{job_find_outcome, job_keep_outcome, SampleSize};
use banenafspraak::model::{Feature, FeatureSet, LogisticParams, ModelSpec, TreeParams};
use banenafspraak::report::document::{correction_text, uncertainty_text};
use banenafspraak::report::progress::Step;
use banenafspraak::report::{
    results_table, CheckReport, DisclosureMode, DisclosureRules, Lang, OutputFormat, Report, Style,
};
use banenafspraak::schema::{
    read_csv_path, read_csv_path_with_progress, write_csv_path, Population, ReadOptions,
    RegisterBasis,
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
    Estimate(Box<EstimateArgs>),
    /// The register monitor (shared/spec/panel-schema.md): banen per month, the cohort's
    /// months worked, job retention and job starts and ends, from an hours panel and the
    /// register spells.
    Monitor(Box<MonitorArgs>),
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
enum Format {
    /// The report's tables, the fitted models and their validation, as plain text.
    Text,
    /// The same tables in Markdown.
    Markdown,
    /// The same tables as an HTML fragment.
    Html,
    /// Results table v1 as CSV (unrounded; rounded and suppressed under `--disclosure strict`).
    Csv,
    /// Results table v1 as JSON (unrounded; rounded and suppressed under `--disclosure strict`).
    Json,
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
enum LangArg {
    /// English labels, 4,000 and 2.5%.
    En,
    /// Dutch labels (the report's), 4.000 and 2,5%.
    Nl,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DisclosureArg {
    /// Suppress failing cells (`x`) and round every count: output meant for export.
    Strict,
    /// Mark failing cells `(!)` and change nothing: work inside the environment.
    Report,
    /// No disclosure checks.
    Off,
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
    /// tree setting) to the text, Markdown or HTML output.
    #[arg(long)]
    sensitivity: bool,
    /// Add the diagnostics (score overlap, standardised mean differences) to the text,
    /// Markdown or HTML output.
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
    /// Language of labels and number format of the tables.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
    /// Disclosure control of every published cell (at least 10 persons behind it, counts
    /// rounded to hundreds, no extremes, no keys). `report` marks failing cells and changes
    /// no number, so the researcher sees everything while working; `strict` is for export.
    #[arg(long, value_enum, default_value_t = DisclosureArg::Report)]
    disclosure: DisclosureArg,
    /// Minimum persons behind a published cell.
    #[arg(long, default_value_t = 10)]
    min_persons: u64,
    /// Write an output-check report (Markdown) for the output checker: each table, each
    /// rule, and the cells that fail.
    #[arg(long, value_name = "PATH")]
    check_report: Option<PathBuf>,
    /// Write SVG plots into this directory: score distributions, calibration curves,
    /// education and age bars (needs the `plots` feature).
    #[arg(long, value_name = "DIR")]
    plots: Option<PathBuf>,
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
        Command::Monitor(args) => monitor(&args),
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

/// The progress display: a spinner for steps of unknown length, a bar with the time left
/// for reading (bytes) and for steps that report `DONE/TOTAL` (see `report::progress`).
struct ProgressDisplay {
    bar: indicatif::ProgressBar,
    step: String,
    with_bar: bool,
}

impl ProgressDisplay {
    fn new(quiet: bool) -> ProgressDisplay {
        let bar = if quiet {
            indicatif::ProgressBar::hidden()
        } else {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        };
        let mut display = ProgressDisplay {
            bar,
            step: String::new(),
            with_bar: true,
        };
        display.spinner_style();
        display
    }

    fn spinner_style(&mut self) {
        if self.with_bar {
            self.bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            self.with_bar = false;
        }
    }

    fn bar_style(&mut self, template: &str) {
        if !self.with_bar {
            self.bar.set_style(
                indicatif::ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            self.with_bar = true;
        }
    }

    /// Reading: bytes of the file.
    fn bytes(&mut self, done: u64, total: u64) {
        self.bar_style(
            "{spinner} [{elapsed_precise}] {msg} [{bar:30}] {bytes}/{total_bytes}, {eta} left",
        );
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    /// A pipeline step's message, with or without a fraction.
    fn step(&mut self, message: &str) {
        let step = Step::parse(message);
        if step.name != self.step {
            // A new step: its time-left estimate starts afresh.
            self.step = step.name.to_string();
            self.bar.reset();
            self.bar.set_message(step.name.to_string());
        }
        match step.fraction {
            Some((done, total)) => {
                self.bar_style(
                    "{spinner} [{elapsed_precise}] {msg} [{bar:30}] {pos}/{len}, {eta} left",
                );
                self.bar.set_length(total);
                self.bar.set_position(done);
            }
            None => self.spinner_style(),
        }
    }
}

fn estimate(args: &EstimateArgs) -> Result<()> {
    let mut progress = ProgressDisplay::new(args.quiet);
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
    if args.sensitivity || args.diagnostics {
        if matches!(args.format, Format::Csv | Format::Json) {
            return Err(Error::InvalidParameter {
                name: "format",
                value: "csv/json".into(),
                reason: "--sensitivity and --diagnostics are sections of the text, Markdown or \
                         HTML output; results table v1 has no room for them"
                    .into(),
            });
        }
        if args.disclosure == DisclosureArg::Strict {
            // Their cells (totals per setting, score quantiles) are not under the
            // output-checking rules, so they cannot go into output meant for export.
            return Err(Error::InvalidParameter {
                name: "disclosure",
                value: "strict".into(),
                reason: "--sensitivity and --diagnostics are not disclosure-checked (score \
                         quantiles include minima and maxima); use them inside the environment \
                         with --disclosure report or off"
                    .into(),
            });
        }
    }
    // Parameters are checked before the (long) read.
    params.check()?;
    if cfg!(not(feature = "plots")) && args.plots.is_some() {
        return Err(Error::InvalidParameter {
            name: "plots",
            value: args.plots.as_ref().map_or(String::new(), |p| p.display().to_string()),
            reason: "this banenafspraak was built without the `plots` feature (cargo build --features plots)".into(),
        });
    }
    progress.step(&format!("reading {}", args.input.display()));
    let opts = ReadOptions {
        reference_year: args.reference_year,
        ..ReadOptions::default()
    };
    let pop = read_csv_path_with_progress(&args.input, &opts, &mut |done, total| {
        progress.bytes(done, total)
    })?;
    let estimates = params.run_with_progress(&pop, &mut |step| progress.step(step))?;
    // Sensitivity table and diagnostics: plain text, after the report's tables.
    let mut extra = Vec::new();
    if args.sensitivity {
        progress.step("sensitivity table");
        extra.push(
            params
                .sensitivity(&pop, &SensitivityParams::default())?
                .to_string(),
        );
    }
    if args.diagnostics {
        progress.step("diagnostics");
        let d = params.diagnostics(&pop, &estimates.fitted, &DiagnosticsParams::default())?;
        extra.push(d.to_string());
    }
    progress.step("writing the output");
    let lang = match args.lang {
        LangArg::En => Lang::En,
        LangArg::Nl => Lang::Nl,
    };
    if !matches!(args.format, Format::Text | Format::Markdown | Format::Html) {
        // The table has no room for them: the correction and the intervals used are said
        // here, as the text output says them at its top (register sizes rounded alike).
        let style = Style::report(lang);
        eprintln!(
            "note: {}",
            correction_text(&estimates.fitted.correction, &style)
        );
        if let Some(line) = uncertainty_text(&estimates.uncertainty, lang).first() {
            eprintln!("note: {line}");
        }
        for note in &estimates.notes {
            eprintln!("note: {note}");
        }
    }
    let mode = match args.disclosure {
        DisclosureArg::Strict => DisclosureMode::Strict,
        DisclosureArg::Report => DisclosureMode::Report,
        DisclosureArg::Off => DisclosureMode::Off,
    };
    let rules = DisclosureRules {
        min_persons: args.min_persons,
        ..DisclosureRules::default()
    };
    let target = args
        .output
        .as_ref()
        .map_or("standard output".to_string(), |p| p.display().to_string());
    let style = Style::report(lang);
    let (mut output, mut check) = render_output(&estimates, args.format, style, mode, rules)?;
    for section in &extra {
        let note = "Not checked against the output-checking rules: for use inside the environment.";
        output.push_str(&match args.format {
            Format::Markdown => format!("\n```text\n{section}{note}\n```\n"),
            Format::Html => format!(
                "<pre>{}{}</pre>\n",
                banenafspraak::report::table::html_escape(section),
                note
            ),
            _ => format!("\n{section}{note}\n"),
        });
    }
    #[cfg(feature = "plots")]
    let svgs = match &args.plots {
        Some(_) => {
            let mut data = banenafspraak::report::plots::plot_data(
                &estimates,
                &pop,
                &params.populations,
                lang,
            )?;
            for d in &mut data {
                check.apply_to_table(&mut d.table);
            }
            data.iter()
                .map(|d| d.render(&style))
                .collect::<Result<Vec<_>>>()?
        }
        None => Vec::new(),
    };
    if mode != DisclosureMode::Off {
        #[cfg(feature = "plots")]
        let svg_outputs: Vec<(String, &str)> = svgs
            .iter()
            .map(|s| (format!("{}.svg", s.name), s.content.as_str()))
            .collect();
        #[cfg(not(feature = "plots"))]
        let svg_outputs: Vec<(String, &str)> = Vec::new();
        let outputs: Vec<(&str, &str)> = std::iter::once((target.as_str(), output.as_str()))
            .chain(svg_outputs.iter().map(|(n, c)| (n.as_str(), *c)))
            .collect();
        check.scan(&outputs, pop.person_ids().iter());
        if !check.id_hits.is_empty() && mode == DisclosureMode::Strict {
            return Err(Error::InvalidParameter {
                name: "disclosure",
                value: "strict".into(),
                reason: format!(
                    "{} person_id value(s) appear in the output (a population or sub-group label?); nothing was written",
                    check.id_hits.len()
                ),
            });
        }
    }
    progress.bar.finish_and_clear();
    let mut out: Box<dyn std::io::Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).map_err(|e| Error::io(&target, e))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    out.write_all(output.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io(&target, e))?;
    #[cfg(feature = "plots")]
    if let Some(dir) = &args.plots {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
        for svg in &svgs {
            svg.save(dir)?;
        }
        if !args.quiet {
            eprintln!("wrote {} plots to {}", svgs.len(), dir.display());
        }
    }
    if let Some(path) = &args.check_report {
        std::fs::write(path, check.to_markdown()).map_err(|e| Error::io(path.display(), e))?;
    }
    let open = check.open_findings();
    if mode == DisclosureMode::Report && open > 0 {
        eprintln!(
            "disclosure: {open} finding(s) against the output-checking rules{}; not for export as it stands \
             (--disclosure strict suppresses them{})",
            if matches!(args.format, Format::Csv | Format::Json) {
                ""
            } else {
                ", failing cells marked (!)"
            },
            if args.check_report.is_none() {
                "; --check-report PATH lists them"
            } else {
                ""
            }
        );
    }
    if !check.id_hits.is_empty() {
        eprintln!(
            "disclosure: {} person_id value(s) appear in the output",
            check.id_hits.len()
        );
    }
    Ok(())
}

fn parse_correction(s: &str) -> std::result::Result<Correction, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

/// The output text and the disclosure check of its tables.
fn render_output(
    estimates: &banenafspraak::estimate::Estimates,
    format: Format,
    style: Style,
    mode: DisclosureMode,
    rules: DisclosureRules,
) -> Result<(String, CheckReport)> {
    let report_format = match format {
        Format::Text => Some(OutputFormat::Text),
        Format::Markdown => Some(OutputFormat::Markdown),
        Format::Html => Some(OutputFormat::Html),
        Format::Csv | Format::Json => None,
    };
    if let Some(f) = report_format {
        let mut report = Report::from_estimates(estimates, style);
        let mut check = CheckReport::new(mode, rules, style.count_to);
        check.apply_to(&mut report);
        return Ok((report.render(f), check));
    }
    // Results table v1: unrounded for work inside the environment; under strict,
    // rounded and suppressed like every other table.
    let count_to = (mode == DisclosureMode::Strict).then_some(rules.round_to);
    let mut check = CheckReport::new(mode, rules, count_to);
    let mut table = results_table(&estimates.populations);
    check.apply_to_table(&mut table);
    let mut out = Vec::new();
    let rows = estimates.result_rows();
    match (format, mode) {
        (Format::Csv, DisclosureMode::Strict) => out = table.to_csv(count_to).into_bytes(),
        (Format::Json, DisclosureMode::Strict) => {
            let records = table.json_value(count_to)["rows"].clone();
            out = serde_json::to_vec_pretty(&records)
                .map_err(|e| Error::io("results table", std::io::Error::other(e.to_string())))?;
            out.push(b'\n');
        }
        (Format::Csv, _) => write_results_csv(&rows, &mut out)?,
        _ => write_results_json(&rows, &mut out)?,
    }
    Ok((String::from_utf8_lossy(&out).into_owned(), check))
}

#[derive(clap::Args)]
struct MonitorArgs {
    /// The monthly hours panel (CSV: person_id or RINPERSOONS + RINPERSOON, job_id, month,
    /// hours, sector).
    #[arg(long)]
    hours: PathBuf,
    /// The register spells (CSV: person_id or RINPERSOONS + RINPERSOON, AANVREG, EINDREG,
    /// GRONDSLAG).
    #[arg(long)]
    register: PathBuf,
    /// First day of the cohort window (in the register on it).
    #[arg(long, default_value = "2019-01-01", value_parser = parse_date)]
    cohort_start: banenafspraak::monitor::Date,
    /// The day after the cohort window (in the register on it too).
    #[arg(long, default_value = "2022-01-01", value_parser = parse_date)]
    cohort_end: banenafspraak::monitor::Date,
    /// Banen at the end of 2012.
    #[arg(long, default_value_t = banenafspraak::monitor::BASELINE_2012)]
    baseline: f64,
    /// Extra banen agreed.
    #[arg(long, default_value_t = banenafspraak::monitor::TARGET_EXTRA)]
    target: f64,
    /// Paid hours a month per baan.
    #[arg(long, default_value_t = banenafspraak::monitor::HOURS_PER_BAAN)]
    hours_per_baan: f64,
    /// Output format (csv and json: `measure,group,period,value,persons`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the output here instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Language of labels and number format.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
    /// Disclosure control of every cell (as for `estimate`).
    #[arg(long, value_enum, default_value_t = DisclosureArg::Report)]
    disclosure: DisclosureArg,
    /// Minimum persons behind a published cell.
    #[arg(long, default_value_t = 10)]
    min_persons: u64,
    /// Write an output-check report (Markdown).
    #[arg(long, value_name = "PATH")]
    check_report: Option<PathBuf>,
    /// Write SVG plots into this directory (needs the `plots` feature).
    #[arg(long, value_name = "DIR")]
    plots: Option<PathBuf>,
    /// How many problems of an input file to list in full.
    #[arg(long, default_value_t = 100)]
    max_problems: usize,
}

fn parse_date(s: &str) -> std::result::Result<banenafspraak::monitor::Date, String> {
    banenafspraak::monitor::Date::parse_iso(s)
        .ok_or_else(|| format!("{s:?} is not a date YYYY-MM-DD"))
}

fn monitor(args: &MonitorArgs) -> Result<()> {
    use banenafspraak::monitor::{CsvSource, MonitorParams, Panel, Register};
    let params = MonitorParams {
        cohort_start: args.cohort_start,
        cohort_end: args.cohort_end,
        baseline: args.baseline,
        target: args.target,
        hours_per_baan: args.hours_per_baan,
        ..MonitorParams::default()
    };
    params.check()?;
    let plots_feature = cfg!(feature = "plots");
    if !plots_feature && args.plots.is_some() {
        return Err(Error::InvalidParameter {
            name: "plots",
            value: args.plots.as_ref().map_or(String::new(), |p| p.display().to_string()),
            reason: "this banenafspraak was built without the `plots` feature (cargo build --features plots)".into(),
        });
    }
    let register = Register::read(&mut CsvSource::open(&args.register)?, args.max_problems)?;
    let panel = Panel::read(
        &mut CsvSource::open(&args.hours)?,
        &register,
        args.max_problems,
    )?;
    let s = &panel.summary;
    eprintln!(
        "{}: {} rows, {} of register members used, {} of persons not in the register not used",
        s.source, s.rows, s.used, s.not_in_register
    );
    let results = params.run(&register, &panel)?;
    let format = match args.format {
        Format::Text => OutputFormat::Text,
        Format::Markdown => OutputFormat::Markdown,
        Format::Html => OutputFormat::Html,
        Format::Csv => OutputFormat::Csv,
        Format::Json => OutputFormat::Json,
    };
    let lang = match args.lang {
        LangArg::En => Lang::En,
        LangArg::Nl => Lang::Nl,
    };
    let mode = match args.disclosure {
        DisclosureArg::Strict => DisclosureMode::Strict,
        DisclosureArg::Report => DisclosureMode::Report,
        DisclosureArg::Off => DisclosureMode::Off,
    };
    let rules = DisclosureRules {
        min_persons: args.min_persons,
        ..DisclosureRules::default()
    };
    let mut out = banenafspraak::report::monitor::render(&results, format, lang, mode, rules);
    #[cfg(feature = "plots")]
    let svgs: Vec<(String, String)> = match &args.plots {
        Some(_) => banenafspraak::report::monitor_plots::plots(
            &out.tables,
            &results.params,
            &Style::report(lang),
        )?
        .into_iter()
        .map(|svg| (svg.name, svg.content))
        .collect(),
        None => Vec::new(),
    };
    #[cfg(not(feature = "plots"))]
    let svgs = Vec::new();
    if let Some(o) = &args.output {
        if o == &args.hours || o == &args.register {
            return Err(Error::InvalidParameter {
                name: "output",
                value: o.display().to_string(),
                reason: "is an input file; it would be overwritten".into(),
            });
        }
    }
    let target = args
        .output
        .as_ref()
        .map_or("standard output".into(), |p| p.display().to_string());
    banenafspraak::report::monitor::write_checked(
        &mut out,
        &target,
        args.output.as_deref(),
        args.plots.as_deref().map(|d| (d, svgs)),
        args.check_report.as_deref(),
        register.person_ids(),
    )
}
