//! The `estimate` command's arguments, their conversion into the library's parameters,
//! and the dispatch: fit (or read saved models), score, check, write. Policy (what is
//! fitted, checked, refused) lives in the library.

use std::path::PathBuf;

use banenafspraak::estimate::{
    Correction, DiagnosticsParams, Estimates, EstimationParams, Intervals, Provenance, SavedModels,
    SensitivityParams,
};
use banenafspraak::model::design::SampleSize;
use banenafspraak::model::{
    Feature, FeatureSet, LogisticParams, ModelSpec, ThresholdGrid, TreeParams,
};
use banenafspraak::report::export::{
    check_sections, refuse_key_features, Export, ExportRequest, Targets,
};
use banenafspraak::report::{DisclosureMode, Style};
use banenafspraak::schema::{read_path_with_progress, Population, ReadOptions};
use banenafspraak::{Error, Result};
use clap::ValueEnum;

use crate::{say, DisclosureArg, ExportArgs, Format, LangArg, ProgressDisplay};

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

#[derive(clap::Args)]
pub(crate) struct EstimateArgs {
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
    /// Intervals of the expected counts: bootstrap over the training samples,
    /// analytic (trees' leaf-rate variance), or none. Default: bootstrap; none with
    /// --models (intervals need refitting).
    #[arg(long, value_enum)]
    intervals: Option<IntervalMethod>,
    /// Confidence level of every interval, as 0.9 or 90%.
    #[arg(long, default_value = "0.95")]
    level: banenafspraak::estimate::ConfidenceLevel,
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
    pub(crate) export: ExportArgs,
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
    /// Write the fitted models into this directory (models.json and one JSON file per
    /// model), checked for disclosure like every output; `--models DIR` scores another
    /// extract with them.
    #[arg(long, value_name = "DIR")]
    save_models: Option<PathBuf>,
    /// Score the extract with the models saved in this directory (`--save-models`),
    /// without refitting: no training options, no intervals, no sensitivity or
    /// diagnostics (they refit).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["save_models", "sensitivity", "diagnostics", "select"])]
    models: Option<PathBuf>,
    /// Choose each tree's maximum depth and minimum leaf size on the validation part by
    /// log loss, over depths 2-6 and half, once and twice the minimum leaf size given;
    /// the grid and the choice are printed (a checked table). Without it the settings
    /// given (by default the report's) stay.
    #[arg(long)]
    select: bool,
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
        params.intervals = match self.intervals.unwrap_or(IntervalMethod::Bootstrap) {
            IntervalMethod::Bootstrap => Intervals::Bootstrap {
                replicates: self.replicates,
            },
            IntervalMethod::Analytic => Intervals::Analytic,
            IntervalMethod::None => Intervals::None,
        };
        params.level = self.level;
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

/// `estimate`: fit (or read) the models, score, check and write.
pub(crate) fn estimate(args: &EstimateArgs) -> Result<()> {
    let mut params = args.params()?;
    let mode = DisclosureMode::from(args.export.disclosure);
    let rules = args.export.rules();
    // Parameters and saved models are checked before the (long) read.
    let saved = match &args.models {
        Some(dir) => {
            args.refuse_intervals_with_models()?;
            params.intervals = Intervals::None;
            Some(SavedModels::load(dir)?)
        }
        None => None,
    };
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
        cache: crate::cache_mode(args.cache),
        ..ReadOptions::default()
    };
    let pop = read_path_with_progress(&args.input, &opts, &mut |done, total| {
        progress.bytes(done, total)
    })?;
    let (comparability_features, job_features) = match &saved {
        Some(s) => (
            s.pipeline.comparability_features().clone(),
            s.pipeline.job_features().clone(),
        ),
        None => (
            params.comparability_features.clone(),
            params.job_features.clone(),
        ),
    };
    if mode != DisclosureMode::Off {
        refuse_key_features(&pop, &[&comparability_features, &job_features], &rules)?;
    }
    let estimates = fit_or_score(
        args.select,
        &mut params,
        saved.as_ref(),
        &pop,
        &mut progress,
    )?;
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
    let request = ExportRequest {
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
        threshold_grid: match (&params.comparability_model, mode) {
            (ModelSpec::Tree(t), _) => t.threshold_grid,
            (_, DisclosureMode::Strict) => ThresholdGrid::coarse(args.export.min_persons),
            _ => Default::default(),
        },
    };
    let export = match &args.save_models {
        Some(_) => request.build_with_models(&Provenance::new(
            &args.input,
            args.seed,
            args.reference_year,
        ))?,
        None => request.build()?,
    };
    progress.bar.finish_and_clear();
    write_export(args, &export, mode)
}

/// The estimates: scored with saved models, or fitted (on the settings `--select`
/// chooses, which then replace `params`).
fn fit_or_score(
    select: bool,
    params: &mut EstimationParams,
    saved: Option<&SavedModels>,
    pop: &Population,
    progress: &mut ProgressDisplay,
) -> Result<Estimates> {
    if let Some(s) = saved {
        progress.stage("scoring with the saved models");
        return s.estimate(pop, &params.populations);
    }
    let selection = if select {
        progress.stage("choosing the trees' settings on the validation part (--select)");
        let (chosen, selection) = params.select(pop)?;
        *params = chosen;
        Some(selection)
    } else {
        None
    };
    let mut estimates = params.run_with_progress(pop, &mut |step| progress.step(step))?;
    estimates.selection = selection;
    Ok(estimates)
}

/// Writes a built export and says on standard error what the user should know.
fn write_export(args: &EstimateArgs, export: &Export, mode: DisclosureMode) -> Result<()> {
    for w in &export.warnings {
        say(format_args!("warning: {w}"));
    }
    for n in &export.notes {
        say(format_args!("note: {n}"));
    }
    let mut inputs = vec![args.input.clone()];
    if let Some(dir) = &args.models {
        inputs.extend(
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path()),
        );
    }
    let targets = Targets {
        inputs,
        output: args.output.clone(),
        check_report: args.export.check_report.clone(),
        plots: args.plots.clone(),
        models: args.save_models.clone(),
    };
    export.write(&targets, &mut std::io::stdout().lock())?;
    if let (Some(dir), false) = (&args.plots, args.quiet) {
        say(format_args!(
            "wrote {} plots to {}",
            export.plots.len(),
            dir.display()
        ));
    }
    if let (Some(dir), false) = (&args.save_models, args.quiet) {
        say(format_args!(
            "wrote {} model files to {}",
            export.models.len(),
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

impl EstimateArgs {
    /// Saved models carry no training data: intervals need refitting.
    fn refuse_intervals_with_models(&self) -> Result<()> {
        match self.intervals {
            None | Some(IntervalMethod::None) => Ok(()),
            Some(_) => Err(Error::InvalidParameter {
                name: "intervals",
                value: "with --models".into(),
                reason: "saved models are scored without refitting, and intervals need \
                         refitting (the bootstrap refits on resamples of the training data, \
                         which saved models do not carry); leave out --intervals or give \
                         --intervals none"
                    .into(),
            }),
        }
    }
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
