//! The `banenafspraak` command: the only place that knows about command-line arguments.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use banenafspraak::estimate::{ScoredPopulation, Step};
use banenafspraak::model::design::{job_find_outcome, job_keep_outcome};
use banenafspraak::report::export::{strict_error, strict_note, Targets};
use banenafspraak::report::{DisclosureMode, DisclosureRules, Lang, OutputFormat};
use banenafspraak::schema::{
    read_path, CacheMode, Person, Population, ReadOptions, RegisterBasis, RowTest,
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
    Estimate(Box<cli::estimate::EstimateArgs>),
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
        Command::Estimate(args) => cli::estimate::estimate(&args)
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
    // One pass over the persons for the populations and the job cohorts.
    let defs = ScoredPopulation::report_populations();
    let mut tests: Vec<Box<RowTest<'_>>> = defs
        .iter()
        .map(|d| {
            Box::new(move |i: usize, p: &Person<'_>| d.contains_row(pop, i, p)) as Box<RowTest<'_>>
        })
        .collect();
    tests.push(Box::new(|_, p| job_find_outcome(p).is_some()));
    tests.push(Box::new(|_, p| job_keep_outcome(p).is_some()));
    let refs: Vec<&RowTest<'_>> = tests.iter().map(|t| t.as_ref()).collect();
    let counts = pop.count_each(&refs);
    let _ = writeln!(s, "populations (age 16-66, not in the register):");
    for (d, n) in defs.iter().zip(&counts) {
        let _ = writeln!(s, "  {:<21} {n:>12}", d.label);
    }
    let (find, keep) = (counts[defs.len()], counts[defs.len() + 1]);
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

/// A line on standard error; a closed standard error is not worth a panic.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
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
        models: None,
    };
    export.write(&targets, &mut std::io::stdout().lock())
}
