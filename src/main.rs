//! The `banenafspraak` command: the only place that knows about command-line arguments.

use std::path::PathBuf;
use std::process::ExitCode;

use banenafspraak::estimate::{
    Correction, DiagnosticsParams, EstimationParams, Intervals, ScoredPopulation,
    SensitivityParams, Step,
};
use banenafspraak::model::design::{job_find_outcome, job_keep_outcome, SampleSize};
use banenafspraak::model::{Feature, FeatureSet, LogisticParams, ModelSpec, TreeParams};
use banenafspraak::report::export::{
    check_sections, refuse_key_features, strict_error, strict_note, ExportRequest, Targets,
};
use banenafspraak::report::{DisclosureMode, DisclosureRules, Lang, OutputFormat, Style};
use banenafspraak::schema::{
    read_path, read_path_with_progress, CacheMode, Population, ReadOptions, RegisterBasis,
};
#[cfg(feature = "synth")]
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
        /// The microdata file (schema v1): CSV; .parquet and .sav with those features.
        #[arg(long)]
        input: PathBuf,
        /// Reference year of the extract (register entry years may not exceed it).
        #[arg(long, default_value_t = banenafspraak::schema::DEFAULT_REFERENCE_YEAR)]
        reference_year: u16,
        /// How many problems to list in full.
        #[arg(long, default_value_t = 100)]
        max_problems: usize,
        /// Keep the valid file's columns in a cache beside it (`FILE.banenafspraak-cache`)
        /// and use that cache on the next read when it matches the file exactly (size,
        /// modification time, content hash, reader version, reference year); a CSV input is
        /// never written over. CSV only.
        #[arg(long)]
        cache: bool,
    },
    /// Fit the comparability, job-find and job-keep models and estimate the expected
    /// comparable persons, job finders and keepers per population (the report's tables).
    Estimate(Box<EstimateArgs>),
    /// Derive the person file (schema v1) from CBS's source tables (GBAPERSOONTAB, SECMBUS,
    /// HOOGSTEOPLTAB, WIA, DOELGROEPREGISTER, jobseekers, INSCHRWECTAB); see
    /// data-dictionary/columns.md. CSV always; .sav and .parquet with those features.
    Prepare(Box<PrepareArgs>),
    /// The register monitor (shared/spec/panel-schema.md): banen per month, the cohort's
    /// months worked, job retention and job starts and ends, from an hours panel and the
    /// register spells.
    Monitor(Box<MonitorArgs>),
    /// Write a synthetic population (schema v1) calibrated to Panteia (2023); see
    /// data-dictionary/synthetic.md.
    #[cfg(feature = "synth")]
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
        /// Also write the population's source tables (shared/spec/source-tables.md) into
        /// this directory, as CSV, for `prepare`.
        #[arg(long, value_name = "DIR")]
        source_tables: Option<PathBuf>,
        /// With --source-tables: Parquet copies beside the CSV tables (needs the
        /// `parquet` feature).
        #[arg(long, requires = "source_tables")]
        parquet: bool,
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
    /// Results table v2 as CSV (unrounded; rounded and suppressed under `--disclosure strict`).
    Csv,
    /// Results table v2 as JSON (unrounded; rounded and suppressed under `--disclosure strict`).
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

/// Disclosure control and its account, the same for every command that exports.
#[derive(clap::Args)]
struct ExportArgs {
    /// Disclosure control of every published cell (at least 10 persons behind it, counts
    /// rounded to hundreds, no extremes, no keys). `report` marks failing cells and changes
    /// no number, so the researcher sees everything while working; `strict` is for export.
    #[arg(long, value_enum, default_value_t = DisclosureArg::Report)]
    disclosure: DisclosureArg,
    /// Minimum persons behind a published cell (ACRO's default 10; below 10 needs
    /// --allow-small-minimum under strict).
    #[arg(long, default_value_t = banenafspraak::report::disclosure::SAFE_MINIMUM)]
    min_persons: u64,
    /// Allow --min-persons below 10 under --disclosure strict (the check report says so).
    #[arg(long)]
    allow_small_minimum: bool,
    /// Write an output-check report (Markdown) for the output checker: each table, each
    /// rule, and the cells that fail; the same check as JSON in ACRO's results.json layout
    /// beside it (PATH with extension .json).
    #[arg(long, value_name = "PATH")]
    check_report: Option<PathBuf>,
}

impl ExportArgs {
    /// The rules the arguments describe.
    fn rules(&self) -> DisclosureRules {
        DisclosureRules {
            min_persons: self.min_persons,
            small_minimum_allowed: self.allow_small_minimum,
            ..DisclosureRules::default()
        }
    }
}

#[derive(clap::Args)]
struct EstimateArgs {
    /// The microdata file (schema v1): CSV; .parquet and .sav with those features.
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
    /// Minimum persons per leaf of the comparability tree (at most 100,000,000).
    #[arg(long, default_value_t = 1000, value_parser = parse_leaf)]
    min_leaf: usize,
    /// Minimum persons per leaf of the job-find and job-keep trees (at most 100,000,000).
    #[arg(long, default_value_t = banenafspraak::estimate::pipeline::JOB_MIN_LEAF, value_parser = parse_leaf)]
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
    #[command(flatten)]
    export: ExportArgs,
    /// Write SVG plots into this directory: score distributions, calibration curves,
    /// education and age bars (needs the `plots` feature).
    #[arg(long, value_name = "DIR")]
    plots: Option<PathBuf>,
    /// No progress on standard error.
    #[arg(long)]
    quiet: bool,
    /// Keep the valid file's columns in a cache beside it (`FILE.banenafspraak-cache`)
    /// and use that cache on the next read when it matches the file exactly (size,
    /// modification time, content hash, reader version, reference year); a CSV input is
    /// never written over. CSV only.
    #[arg(long)]
    cache: bool,
    /// A population to score instead of the report's four, as `NAME: RULE` in the rule
    /// language (repeatable), e.g. `--population 'ww_young: ww = 1 and age < 27'`; see
    /// scenarios/README.md. Ages 16-66 outside the register, as the report's.
    #[arg(long = "population", value_name = "NAME: RULE")]
    populations: Vec<String>,
    /// A scenario file (TOML) of named populations and sub-groups to score instead of the
    /// report's four (scenarios/report.toml has those); --population adds to it.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
}

/// `prepare`'s options (shared/spec/source-tables.md).
#[derive(clap::Args)]
struct PrepareArgs {
    /// GBAPERSOONTAB: RINPERSOONS, RINPERSOON, GBAGESLACHT, GBAGEBOORTEJAAR, GBAGENERATIE,
    /// GBAHERKOMSTGROEPERING.
    #[arg(long)]
    persons: PathBuf,
    /// LANDAKTUEELREF: LAND, MIGRATIE (none, western, non_western).
    #[arg(long)]
    countries: PathBuf,
    /// SECMBUS: RINPERSOONS, RINPERSOON, AANVSECM, EINDSECM, SECM and the six XKOPPEL flags.
    #[arg(long)]
    secm: PathBuf,
    /// HOOGSTEOPLTAB: RINPERSOONS, RINPERSOON, OPLNIVSOI2016AGG4HBMETNIRWO (without it,
    /// every education is unknown).
    #[arg(long)]
    education: Option<PathBuf>,
    /// The education code map (LEVEL,education); default: data-dictionary/education-map.csv.
    #[arg(long)]
    education_map: Option<PathBuf>,
    /// WIA spells: RINPERSOONS, RINPERSOON, AANVWIA, EINDWIA, WIAKLASSE, AOPERC.
    #[arg(long)]
    wia: Option<PathBuf>,
    /// DOELGROEPREGISTER: RINPERSOONS, RINPERSOON, AANVREG, EINDREG, GRONDSLAG.
    #[arg(long)]
    register: PathBuf,
    /// Jobseeker spells at UWV: RINPERSOONS, RINPERSOON, AANVWZ, EINDWZ.
    #[arg(long)]
    jobseekers: Option<PathBuf>,
    /// INSCHRWECTAB: RINPERSOONS, RINPERSOON, SCHOOLJAAR, VSO.
    #[arg(long)]
    vso: Option<PathBuf>,
    /// SECM codes of "scholier/student met inkomen", comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "26")]
    secm_student_with_income: Vec<String>,
    /// SECM codes of "overig zonder inkomen", comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "32")]
    secm_no_income: Vec<String>,
    /// Reference year: the reference date is 31 December, the window the three years ending then.
    #[arg(long, default_value_t = banenafspraak::schema::DEFAULT_REFERENCE_YEAR)]
    reference_year: u16,
    /// The person file to write (schema v1 CSV); never an input file.
    #[arg(long)]
    output: PathBuf,
    /// Column renames: a CSV with table,column,name (table empty: every table).
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Refused rows listed per table in the summary.
    #[arg(long, default_value_t = 20)]
    max_problems: usize,
    /// Write every refused row (file, line, column, value, reason) to this CSV.
    #[arg(long, value_name = "FILE")]
    problems: Option<PathBuf>,
}

impl PrepareArgs {
    fn params(&self) -> Result<banenafspraak::prepare::PrepareParams> {
        use banenafspraak::prepare::{ColumnMapping, PrepareParams};
        let mut p = PrepareParams::new(&self.persons, &self.countries, &self.secm, &self.register);
        p.education.clone_from(&self.education);
        p.education_map.clone_from(&self.education_map);
        p.wia.clone_from(&self.wia);
        p.jobseekers.clone_from(&self.jobseekers);
        p.vso.clone_from(&self.vso);
        p.student_with_income
            .clone_from(&self.secm_student_with_income);
        p.no_income.clone_from(&self.secm_no_income);
        p.reference_year = self.reference_year;
        p.max_problems = self.max_problems;
        p.problems.clone_from(&self.problems);
        if let Some(path) = &self.mapping {
            p.mapping = ColumnMapping::read(path)?;
        }
        Ok(p)
    }
}

/// `--cache` as the reader's cache mode.
fn cache_mode(cache: bool) -> CacheMode {
    if cache {
        CacheMode::ReadWrite
    } else {
        CacheMode::Off
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            input,
            reference_year,
            max_problems,
            cache,
        } => {
            let opts = ReadOptions {
                reference_year,
                max_problems,
                cache: cache_mode(cache),
            };
            read_path(&input, &opts).and_then(|pop| {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                out.write_all(summary(&input, &pop).as_bytes())
                    .and_then(|()| out.flush())
                    .map_err(|e| Error::io("standard output", e))
            })
        }
        Command::Estimate(args) => estimate(&args)
            .map_err(|e| strict_error(e, args.export.disclosure.into(), &args.export.rules())),
        Command::Prepare(args) => args.params().and_then(|params| {
            banenafspraak::prepare::prepare_to_file(&params, &args.output)
                .map(|summary| eprint!("{summary}"))
        }),
        Command::Monitor(args) => monitor(&args),
        #[cfg(feature = "synth")]
        Command::Synth {
            persons,
            seed,
            output,
            source_tables,
            parquet,
        } => SynthParams {
            persons,
            seed,
            ..SynthParams::default()
        }
        .generate()
        .and_then(|pop| {
            banenafspraak::schema::write_csv_path(&pop, &output)?;
            say(format_args!(
                "wrote {persons} persons to {}",
                output.display()
            ));
            match &source_tables {
                Some(dir) => write_source_tables(&pop, dir, parquet),
                None => Ok(()),
            }
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say(format_args!("error: {}", e.to_string().trim_end()));
            ExitCode::FAILURE
        }
    }
}

/// `synth --source-tables DIR [--parquet]`.
#[cfg(feature = "synth")]
fn write_source_tables(pop: &Population, dir: &std::path::Path, parquet: bool) -> Result<()> {
    use banenafspraak::synth::source_tables;
    let year = banenafspraak::schema::DEFAULT_REFERENCE_YEAR;
    let (files, report) = source_tables::write_source_tables(pop, year, dir, true)?;
    if parquet {
        write_parquet_tables(&files)?;
    }
    say(format_args!(
        "wrote the source tables of {} persons ({} SECMBUS spells) to {}{}",
        report.persons,
        report.secm_spells,
        dir.display(),
        if parquet { ", as CSV and Parquet" } else { "" }
    ));
    Ok(())
}

#[cfg(all(feature = "synth", feature = "parquet"))]
fn write_parquet_tables(
    files: &banenafspraak::synth::source_tables::SourceTableFiles,
) -> Result<()> {
    banenafspraak::synth::parquet_tables::write_parquet_tables(files).map(|_| ())
}

#[cfg(all(feature = "synth", not(feature = "parquet")))]
fn write_parquet_tables(_: &banenafspraak::synth::source_tables::SourceTableFiles) -> Result<()> {
    Err(Error::InvalidParameter {
        name: "parquet",
        value: "true".into(),
        reason: "this banenafspraak was built without the `parquet` feature (cargo build --release --features parquet)".into(),
    })
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
/// for reading (bytes) and for steps that know their size (see `estimate::Step`).
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

    /// A step of the command's own (reading a named file, writing), of unknown length.
    fn stage(&mut self, name: &str) {
        self.begin(name);
        self.spinner_style();
    }

    /// A new step's time-left estimate starts afresh.
    fn begin(&mut self, name: &str) {
        if name != self.step {
            self.step = name.to_string();
            self.bar.reset();
            self.bar.set_message(name.to_string());
        }
    }

    /// A pipeline step, with or without a fraction.
    fn step(&mut self, step: Step) {
        self.begin(step.name);
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

impl From<DisclosureArg> for DisclosureMode {
    fn from(a: DisclosureArg) -> DisclosureMode {
        match a {
            DisclosureArg::Strict => DisclosureMode::Strict,
            DisclosureArg::Report => DisclosureMode::Report,
            DisclosureArg::Off => DisclosureMode::Off,
        }
    }
}

impl From<LangArg> for Lang {
    fn from(a: LangArg) -> Lang {
        match a {
            LangArg::En => Lang::En,
            LangArg::Nl => Lang::Nl,
        }
    }
}

impl From<Format> for OutputFormat {
    fn from(a: Format) -> OutputFormat {
        match a {
            Format::Text => OutputFormat::Text,
            Format::Markdown => OutputFormat::Markdown,
            Format::Html => OutputFormat::Html,
            Format::Csv => OutputFormat::Csv,
            Format::Json => OutputFormat::Json,
        }
    }
}

impl EstimateArgs {
    /// The estimation parameters the arguments describe.
    fn params(&self) -> Result<EstimationParams> {
        let mut params = match self.model {
            Family::Tree => {
                let tree = |min_leaf| {
                    ModelSpec::Tree(TreeParams {
                        max_depth: self.max_depth,
                        min_leaf,
                        ..TreeParams::default()
                    })
                };
                EstimationParams {
                    comparability_model: tree(self.min_leaf),
                    job_find_model: tree(self.job_min_leaf),
                    job_keep_model: tree(self.job_min_leaf),
                    ..EstimationParams::default()
                }
            }
            Family::Logistic => {
                let logistic = ModelSpec::Logistic(LogisticParams {
                    l2: self.l2,
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
        if let Some(names) = &self.features {
            params.comparability_features = feature_set(names)?;
        }
        if let Some(names) = &self.job_features {
            params.job_features = feature_set(names)?;
        }
        params.design.sample_size = self.sample_size;
        params.design.seed = self.seed;
        params.correction = self
            .correction_factor
            .map_or(self.correction, Correction::Fixed);
        params.intervals = match self.intervals {
            IntervalMethod::Bootstrap => Intervals::Bootstrap {
                replicates: self.replicates,
            },
            IntervalMethod::Analytic => Intervals::Analytic,
            IntervalMethod::None => Intervals::None,
        };
        let mut populations = match &self.scenario {
            Some(path) => banenafspraak::estimate::scenario::read_scenario(path)?,
            None => Vec::new(),
        };
        for arg in &self.populations {
            populations.push(banenafspraak::estimate::scenario::parse_population_arg(
                arg,
            )?);
        }
        if !populations.is_empty() {
            params.populations = populations;
        }
        if self.export.disclosure == DisclosureArg::Strict {
            params = params.for_strict_export(self.export.min_persons);
        }
        Ok(params)
    }
}

/// A line on standard error; a closed standard error is not worth a panic.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn estimate(args: &EstimateArgs) -> Result<()> {
    let params = args.params()?;
    let mode = DisclosureMode::from(args.export.disclosure);
    let rules = args.export.rules();
    // Parameters are checked before the (long) read.
    params.check()?;
    rules.check(mode)?;
    check_sections(args.format.into(), args.sensitivity || args.diagnostics)?;
    if cfg!(not(feature = "plots")) && args.plots.is_some() {
        return Err(Error::InvalidParameter {
            name: "plots",
            value: args.plots.as_ref().map_or(String::new(), |p| p.display().to_string()),
            reason: "this banenafspraak was built without the `plots` feature (cargo build --features plots)".into(),
        });
    }
    let mut progress = ProgressDisplay::new(args.quiet);
    progress.stage(&format!("reading {}", args.input.display()));
    let opts = ReadOptions {
        reference_year: args.reference_year,
        cache: cache_mode(args.cache),
        ..ReadOptions::default()
    };
    let pop = read_path_with_progress(&args.input, &opts, &mut |done, total| {
        progress.bytes(done, total)
    })?;
    if mode != DisclosureMode::Off {
        refuse_key_features(
            &pop,
            &[&params.comparability_features, &params.job_features],
            &rules,
        )?;
    }
    let estimates = params.run_with_progress(&pop, &mut |step| progress.step(step))?;
    let sensitivity = if args.sensitivity {
        progress.stage("sensitivity table");
        Some(params.sensitivity(&pop, &SensitivityParams::default())?)
    } else {
        None
    };
    let diagnostics = if args.diagnostics {
        progress.stage("diagnostics");
        Some(params.diagnostics(&pop, &estimates.fitted, &DiagnosticsParams::default())?)
    } else {
        None
    };
    progress.stage("checking and writing the output");
    let export = ExportRequest {
        estimates: &estimates,
        population: &pop,
        populations: &params.populations,
        format: args.format.into(),
        style: Style::report(args.lang.into()),
        mode,
        rules,
        sensitivity: sensitivity.as_ref(),
        diagnostics: diagnostics.as_ref(),
        plots: args.plots.is_some(),
        output_name: args
            .output
            .as_ref()
            .map_or("standard output".to_string(), |p| p.display().to_string()),
        threshold_grid: match &params.comparability_model {
            ModelSpec::Tree(t) => t.threshold_grid,
            _ => Default::default(),
        },
    }
    .build()?;
    progress.bar.finish_and_clear();
    for w in &export.warnings {
        say(format_args!("warning: {w}"));
    }
    for n in &export.notes {
        say(format_args!("note: {n}"));
    }
    let targets = Targets {
        inputs: vec![args.input.clone()],
        output: args.output.clone(),
        check_report: args.export.check_report.clone(),
        plots: args.plots.clone(),
    };
    export.write(&targets, &mut std::io::stdout().lock())?;
    if let (Some(dir), false) = (&args.plots, args.quiet) {
        say(format_args!(
            "wrote {} plots to {}",
            export.plots.len(),
            dir.display()
        ));
    }
    let open = export.check.open_findings();
    if mode == DisclosureMode::Report && open > 0 {
        say(format_args!(
            "disclosure: {open} finding(s) against the output-checking rules{}; not for export as it stands \
             (--disclosure strict suppresses them{})",
            if matches!(args.format, Format::Csv | Format::Json) {
                ""
            } else {
                ", failing cells marked (!)"
            },
            if args.export.check_report.is_none() {
                "; --check-report PATH lists them"
            } else {
                ""
            }
        ));
    }
    if !export.check.id_hits.is_empty() {
        say(format_args!(
            "disclosure: {} person_id value(s) appear in the output",
            export.check.id_hits.len()
        ));
    }
    Ok(())
}

/// Largest leaf size accepted: more than the Netherlands has persons, and far from
/// overflowing the arithmetic of the training checks.
const MAX_LEAF: usize = 100_000_000;

fn parse_leaf(s: &str) -> std::result::Result<usize, String> {
    let n: usize = s.parse().map_err(|e| format!("{e}"))?;
    if n > MAX_LEAF {
        return Err(format!("at most {MAX_LEAF} persons per leaf"));
    }
    Ok(n)
}

fn parse_correction(s: &str) -> std::result::Result<Correction, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

#[derive(clap::Args)]
struct MonitorArgs {
    /// The monthly hours panel (CSV; .parquet and .sav with those features: person_id or
    /// RINPERSOONS + RINPERSOON, job_id, month, hours, sector).
    #[arg(long)]
    hours: PathBuf,
    /// The register spells (CSV, .parquet, .sav: person_id or RINPERSOONS + RINPERSOON,
    /// AANVREG, EINDREG, GRONDSLAG).
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
    #[command(flatten)]
    export: ExportArgs,
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
    use banenafspraak::monitor::{open_source, MonitorParams, Panel, Register};
    let params = MonitorParams {
        cohort_start: args.cohort_start,
        cohort_end: args.cohort_end,
        baseline: args.baseline,
        target: args.target,
        hours_per_baan: args.hours_per_baan,
        ..MonitorParams::default()
    };
    params.check()?;
    let register = Register::read(&mut *open_source(&args.register)?, args.max_problems)?;
    let panel = Panel::read(
        &mut *open_source(&args.hours)?,
        &register,
        args.max_problems,
    )?;
    let s = &panel.summary;
    // The path stays as it is; the counts are checked under strict.
    say(format_args!(
        "{}: {}",
        s.source,
        strict_note(
            &format!(
                "{} rows, {} of register members used, {} of persons not in the register not used",
                s.rows, s.used, s.not_in_register
            ),
            args.export.disclosure.into(),
            &args.export.rules(),
        )
    ));
    let results = params.run(&register, &panel)?;
    let export = banenafspraak::report::monitor::MonitorExport {
        results: &results,
        format: args.format.into(),
        lang: args.lang.into(),
        mode: args.export.disclosure.into(),
        rules: args.export.rules(),
        plots: args.plots.is_some(),
        output_name: args
            .output
            .as_ref()
            .map_or("standard output".to_string(), |p| p.display().to_string()),
    }
    .build(register.person_ids())?;
    for w in &export.warnings {
        say(format_args!("warning: {w}"));
    }
    let targets = Targets {
        inputs: vec![args.hours.clone(), args.register.clone()],
        output: args.output.clone(),
        check_report: args.export.check_report.clone(),
        plots: args.plots.clone(),
    };
    export.write(&targets, &mut std::io::stdout().lock())
}
