//! The one path out: everything a run writes (the output in any format, the notes beside
//! a results table, the SVG plots, the check report in Markdown and in ACRO's JSON
//! layout) is built here from checked tables, scanned for person_ids, held to the export
//! policy ([`CheckReport::ensure_exportable`]) and only then written, every file through
//! a temporary file that is moved into place once all of them are ready, never over an
//! input. The command line converts its arguments and calls this; notebook users get
//! the same policy.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::disclosure::{
    round_counts_in_message, Action, CheckReport, DisclosureMode, DisclosureRules, Finding, Rule,
    ScanInput, TableCheck,
};
use super::document::{correction_text, uncertainty_text, Report};
use super::format::Style;
use super::model_files::{model_files, ModelFilesRequest};
use super::table::OutputFormat;
use super::tables::{correction_table, results_table};
use crate::error::{Error, Result};
use crate::estimate::{Diagnostics, Estimates, Provenance, ScoredPopulation, SensitivityTable};
use crate::model::{Feature, FeatureSet, FittedModel, SplitRule, ThresholdGrid};
use crate::schema::Population;

/// What to export from an estimation run.
pub struct ExportRequest<'a> {
    /// The run.
    pub estimates: &'a Estimates,
    /// The persons it was run on (for the person_id scan and the plots).
    pub population: &'a Population,
    /// The populations scored (for the plots).
    pub populations: &'a [ScoredPopulation],
    /// Text, Markdown and HTML give the report; CSV and JSON give results table v2.
    pub format: OutputFormat,
    /// Language and number format of the report.
    pub style: Style,
    /// Disclosure control.
    pub mode: DisclosureMode,
    /// Its rules.
    pub rules: DisclosureRules,
    /// The sensitivity section (text, Markdown and HTML).
    pub sensitivity: Option<&'a SensitivityTable>,
    /// The diagnostics section (text, Markdown and HTML).
    pub diagnostics: Option<&'a Diagnostics>,
    /// Whether to draw the SVG plots (needs the `plots` feature).
    pub plots: bool,
    /// The name of the output in the check report (a path, or `standard output`).
    pub output_name: String,
    /// The grid the trees were fitted on (under strict [`ThresholdGrid::coarse`], see
    /// `EstimationParams::for_strict_export`): stated in the check report, and under
    /// strict a tree on observed thresholds or off its grid is refused.
    pub threshold_grid: ThresholdGrid,
}

/// Everything of a run that may be written, checked.
#[derive(Debug)]
pub struct Export {
    /// The output.
    pub output: String,
    /// Notes for standard error beside a results table (the correction and intervals
    /// used), from checked tables.
    pub notes: Vec<String>,
    /// Warnings about settings that make the result meaningless or the checks weak.
    pub warnings: Vec<String>,
    /// SVG plots: file name and content.
    pub plots: Vec<(String, String)>,
    /// The saved models' files (`--save-models`): file name and content, checked.
    pub models: Vec<(String, String)>,
    /// The check of all of it.
    pub check: CheckReport,
}

impl ExportRequest<'_> {
    /// Builds and checks every output and applies the export policy: under strict an
    /// open finding, a person_id in any output or a correction factor that had to be
    /// suppressed is an error, and nothing is written.
    pub fn build(&self) -> Result<Export> {
        self.build_inner(None)
    }

    /// As [`Self::build`], with the run's fitted models as files too
    /// ([`crate::estimate::SavedModels`]), each number of them a checked cell (see
    /// `report::model_files`): written into [`Targets::models`].
    pub fn build_with_models(&self, provenance: &Provenance) -> Result<Export> {
        self.build_inner(Some(provenance))
    }

    fn build_inner(&self, provenance: Option<&Provenance>) -> Result<Export> {
        self.rules.check(self.mode)?;
        check_sections(
            self.format,
            self.sensitivity.is_some() || self.diagnostics.is_some(),
        )?;
        let style = self.style;
        let lang = style.lang;
        let machine = matches!(self.format, OutputFormat::Csv | OutputFormat::Json);
        let count_to = if machine {
            (self.mode == DisclosureMode::Strict).then_some(self.rules.round_to)
        } else {
            style.count_to
        };
        let mut check = CheckReport::new(self.mode, self.rules.clone(), count_to);
        let mut scans = Vec::new();
        let (output, notes) = if machine {
            let mut table = results_table(&self.estimates.populations);
            check.apply_to_table(&mut table);
            let mut input = ScanInput {
                name: self.output_name.clone(),
                ..ScanInput::default()
            };
            table.add_to_scan(&mut input);
            scans.push(input);
            // The correction and the intervals used, said on standard error in the
            // report's words and checked like the report's tables.
            let mut beside = Report::new(Style::report(lang));
            beside.parameters(correction_text(&self.estimates.fitted.correction, lang));
            beside.table(correction_table(&self.estimates.fitted.correction, lang));
            if let Some(s) = &self.estimates.selection {
                beside.parameters(super::sections::selection_text(s, lang));
                beside.table(super::sections::selection_table(s, lang));
            }
            for line in uncertainty_text(&self.estimates.uncertainty, lang) {
                beside.parameters(line);
            }
            for note in &self.estimates.notes {
                beside.parameters(note.clone());
            }
            let mut stderr_check =
                CheckReport::new(self.mode, self.rules.clone(), Style::report(lang).count_to);
            stderr_check.apply_to(&mut beside);
            check.tables.extend(stderr_check.tables);
            scans.push(beside.scan_input("standard error"));
            let notes = beside
                .render(OutputFormat::Text)
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect();
            let out = match self.format {
                OutputFormat::Csv => table.to_csv(count_to),
                _ => {
                    let mut s = serde_json::to_string_pretty(&table.json_rows(count_to))
                        .unwrap_or_default();
                    s.push('\n');
                    s
                }
            };
            (out, notes)
        } else {
            let mut report = Report::from_estimates(self.estimates, style);
            if let Some(s) = self.sensitivity {
                report.add_sensitivity(&self.checked_notes(s));
            }
            if let Some(d) = self.diagnostics {
                report.add_diagnostics(d);
            }
            check.apply_to(&mut report);
            scans.push(report.scan_input(self.output_name.clone()));
            (report.render(self.format), Vec::new())
        };
        self.check_thresholds(&mut check);
        let plots = self.plots(&mut check, &mut scans)?;
        let models = match provenance {
            Some(provenance) => {
                let request = ModelFilesRequest {
                    fitted: &self.estimates.fitted,
                    population: self.population,
                    provenance,
                    mode: self.mode,
                    rules: &self.rules,
                };
                let (files, scan) = model_files(&request, &mut check)?;
                scans.push(scan);
                files
            }
            None => Vec::new(),
        };
        if self.mode != DisclosureMode::Off {
            check.scan(&scans, self.population.person_ids().iter());
        }
        check.ensure_exportable()?;
        Ok(Export {
            output,
            notes,
            warnings: self.warnings(),
            plots,
            models,
            check,
        })
    }

    /// The sensitivity table with its notes checked: a setting left out quotes its
    /// error, counts included, checked as an error is ([`strict_note`]); the setting's
    /// own words are parameters.
    fn checked_notes(&self, s: &SensitivityTable) -> SensitivityTable {
        let mut s = s.clone();
        for note in &mut s.notes {
            if let Some(at) = ["failed: ", "left out: "]
                .iter()
                .find_map(|m| note.find(m).map(|i| i + m.len()))
            {
                let error = strict_note(&note[at..], self.mode, &self.rules);
                note.replace_range(at.., &error);
            }
        }
        s
    }

    /// The trees' thresholds: the grid rule in the check report and, under strict or
    /// report, findings for trees on observed thresholds (each one a value of a few
    /// persons) and for a `days_*` threshold off the grid. A finding names the model and
    /// the feature, never the threshold (it would be the individual value).
    fn check_thresholds(&self, check: &mut CheckReport) {
        let fitted = &self.estimates.fitted;
        let mut trees: Vec<_> = [&fitted.comparability, &fitted.job_find, &fitted.job_keep]
            .into_iter()
            .filter_map(|s| match &s.model {
                FittedModel::Tree(t) => Some((s.name, t.nodes())),
                FittedModel::Logistic(_) => None,
            })
            .collect();
        if let Some(h) = &fitted.hours {
            trees.push(("hours", h.tree.nodes()));
        }
        if trees.is_empty() || self.mode == DisclosureMode::Off {
            return;
        }
        check.model_rules.push(self.threshold_grid.describe());
        let finding = |row_label: String, column_label: String, detail: &str| Finding {
            row: None,
            column: None,
            row_label,
            column_label,
            rule: Rule::NoExtremes,
            detail: detail.into(),
            action: Action::None,
        };
        let mut findings = Vec::new();
        if self.threshold_grid == ThresholdGrid::Observed {
            findings.push(finding(
                "every tree".into(),
                String::new(),
                "thresholds are observed values, each one held by a few persons (fit with \
                 EstimationParams::for_strict_export, as --disclosure strict does)",
            ));
        }
        for (name, nodes) in trees {
            for s in nodes.iter().filter_map(|n| n.split()) {
                let SplitRule::AtMost(t) = s.rule else {
                    continue;
                };
                if self
                    .threshold_grid
                    .days_threshold_on_grid(&s.feature_name, t)
                    == Some(false)
                {
                    findings.push(finding(
                        format!("{name} tree"),
                        s.feature_name.clone(),
                        "a threshold off the grid (an individual value)",
                    ));
                }
            }
        }
        if !findings.is_empty() {
            check.tables.push(TableCheck {
                id: "tree_thresholds".into(),
                title: "tree thresholds".into(),
                cells_checked: 0,
                findings,
                grid: Default::default(),
            });
        }
    }

    #[cfg(feature = "plots")]
    fn plots(
        &self,
        check: &mut CheckReport,
        scans: &mut Vec<ScanInput>,
    ) -> Result<Vec<(String, String)>> {
        if !self.plots {
            return Ok(Vec::new());
        }
        let mut data = super::plots::plot_data(
            self.estimates,
            self.population,
            self.populations,
            self.style.lang,
        )?;
        let mut out = Vec::new();
        for d in &mut data {
            check.apply_to_table(&mut d.table);
            let svg = d.render(&self.style)?;
            let name = format!("{}.svg", svg.name);
            let mut input = ScanInput {
                name: name.clone(),
                ..ScanInput::default()
            };
            d.table.add_to_scan(&mut input);
            scans.push(input);
            out.push((name, svg.content));
        }
        Ok(out)
    }

    #[cfg(not(feature = "plots"))]
    fn plots(&self, _: &mut CheckReport, _: &mut Vec<ScanInput>) -> Result<Vec<(String, String)>> {
        if self.plots {
            return Err(Error::InvalidParameter {
                name: "plots",
                value: "on".into(),
                reason: "this banenafspraak was built without the `plots` feature (cargo build --features plots)".into(),
            });
        }
        Ok(Vec::new())
    }

    /// Settings that make the result meaningless or the checks weak.
    fn warnings(&self) -> Vec<String> {
        let mut out = self.rules.warnings();
        let c = &self.estimates.fitted.correction;
        for p in &self.estimates.populations {
            if p.total.persons > 0 && p.total.mean_probability() > 0.5 {
                // The factor itself is a checked cell of the correction table, not said here.
                out.push(format!(
                    "the correction makes most of {} comparable (mean probability above 50%): \
                     the factor is probably too large for the result to mean anything",
                    p.label
                ));
            }
        }
        if let Some(rate) = &c.labelling {
            if (rate.held_out_positives as u64)
                < self.rules.min_persons.max(super::disclosure::SAFE_MINIMUM)
            {
                out.push(format!(
                    "Elkan-Noto's c rests on fewer than {} held-out register members: the factor 1/c is \
                     unreliable and not publishable (strict refuses it)",
                    self.rules.min_persons.max(super::disclosure::SAFE_MINIMUM)
                ));
            }
        }
        out
    }
}

/// A message for standard error under `mode`: under strict its counts of persons are
/// rounded like the counts of prose ([`round_counts_in_message`]: ranges and bounds set
/// by parameters stay), because standard error leaves the environment with the output.
pub fn strict_note(text: &str, mode: DisclosureMode, rules: &DisclosureRules) -> String {
    if mode != DisclosureMode::Strict {
        return text.to_string();
    }
    let (rounded, found) = round_counts_in_message(text, rules.round_to);
    if found.is_empty() {
        rounded
    } else {
        format!(
            "{rounded} [counts rounded to multiples of {} under --disclosure strict; \
             --disclosure report shows them inside the environment]",
            rules.round_to
        )
    }
}

/// An error under `mode`: under strict a model that cannot be fitted says its counts of
/// persons rounded ([`strict_note`]). Other errors carry no statistic of persons: a bad
/// input names its file, line, column and value (never a person's id), a bad parameter
/// its value as given.
pub fn strict_error(e: Error, mode: DisclosureMode, rules: &DisclosureRules) -> Error {
    match e {
        Error::Training { model, reason } => Error::Training {
            model,
            reason: strict_note(&reason, mode, rules),
        },
        other => other,
    }
}

/// Refuses sections (sensitivity, diagnostics) in a format without room for them: CSV
/// and JSON are results table v2.
pub fn check_sections(format: OutputFormat, sections: bool) -> Result<()> {
    if sections && matches!(format, OutputFormat::Csv | OutputFormat::Json) {
        return Err(Error::InvalidParameter {
            name: "format",
            value: "csv/json".into(),
            reason: "--sensitivity and --diagnostics are sections of the text, Markdown or \
                     HTML output; results table v2 has no room for them"
                .into(),
        });
    }
    Ok(())
}

/// Refuses key-like columns as features: a key column by name (`person_id`,
/// `rinpersoon`, `rinpersoons`, ...), an extra column whose values are unique per person,
/// or one that holds person_ids (whatever their punctuation, spacing or case). A model on
/// a key prints the key's values (`rinpersoon <= 1164`) and learns nothing.
///
/// ```
/// use banenafspraak::model::{Feature, FeatureSet};
/// use banenafspraak::report::{export::refuse_key_features, DisclosureRules};
/// use banenafspraak::schema::Population;
/// let pop = Population::with_extra_columns(["rinpersoon".to_string()]);
/// let features = FeatureSet::new([Feature::ExtraNumber("rinpersoon".into())]);
/// let err = refuse_key_features(&pop, &[&features], &DisclosureRules::default()).unwrap_err();
/// assert!(err.to_string().contains("rinpersoon"));
/// ```
pub fn refuse_key_features(
    pop: &Population,
    feature_sets: &[&FeatureSet],
    rules: &DisclosureRules,
) -> Result<()> {
    for set in feature_sets {
        for f in set.features() {
            let name = match f {
                Feature::ExtraNumber(n) | Feature::ExtraCategory(n) => n,
                _ => continue,
            };
            let refuse = |why: &str| {
                Err(Error::InvalidParameter {
                    name: "features",
                    value: name.clone(),
                    reason: format!(
                        "{why}: a key is never a feature (its values would be printed as tree \
                         conditions or coefficients, and a model learns nothing from it)"
                    ),
                })
            };
            if rules
                .key_columns
                .iter()
                .any(|k| k.eq_ignore_ascii_case(name.trim()))
            {
                return refuse("the column is a key column");
            }
            let Some(column) = pop.extra(name) else {
                continue;
            };
            if column.len() > 1 && unique(column.iter()) {
                return refuse("its values are unique per person");
            }
            if holds_ids(column.iter(), pop.person_ids().iter()) {
                return refuse("it holds person_id values");
            }
        }
    }
    Ok(())
}

fn unique<'a>(values: impl Iterator<Item = &'a str>) -> bool {
    let mut seen = std::collections::HashSet::new();
    for v in values {
        if !v.is_empty() && !seen.insert(v) {
            return false;
        }
    }
    true
}

/// Whether any value, reduced to its letters and digits in lower case, is a person_id so
/// reduced. Ids of digits only or shorter than 4 are left out: an income of 19999 is not
/// the person with id 19999.
fn holds_ids<'a>(
    values: impl Iterator<Item = &'a str>,
    ids: impl Iterator<Item = &'a str>,
) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let values: std::collections::HashSet<String> = values.map(norm).collect();
    ids.map(norm).any(|id| {
        id.chars().count() >= 4 && !id.chars().all(|c| c.is_ascii_digit()) && values.contains(&id)
    })
}

/// Where an export goes.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// Files that are read and may never be written (the input).
    pub inputs: Vec<PathBuf>,
    /// The output file; standard output if `None`.
    pub output: Option<PathBuf>,
    /// The check report (Markdown); its JSON twin goes beside it ([`json_path`]).
    pub check_report: Option<PathBuf>,
    /// The directory of the plots.
    pub plots: Option<PathBuf>,
    /// The directory of the saved models' files.
    pub models: Option<PathBuf>,
}

/// The path of the check report's JSON twin: the Markdown path with extension `json`
/// (`check.md` -> `check.json`), or with `.acro.json` added if that is the same path.
pub fn json_path(markdown: &Path) -> PathBuf {
    let json = markdown.with_extension("json");
    if json == markdown {
        let mut s = markdown.as_os_str().to_owned();
        s.push(".acro.json");
        PathBuf::from(s)
    } else {
        json
    }
}

/// A path as the file system resolves it, for comparing (a file that does not exist yet:
/// its resolved directory and its name).
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = dir.canonicalize().unwrap_or(dir);
    dir.join(p.file_name().unwrap_or_default())
}

/// One file to write.
struct Pending {
    path: PathBuf,
    /// The temporary file, `None` for a special file (a pipe, `/dev/stdout`) that is
    /// written in place.
    temp: Option<PathBuf>,
    content: Vec<u8>,
}

impl Pending {
    fn new(path: PathBuf, content: Vec<u8>) -> Pending {
        let special = path.metadata().is_ok_and(|m| !m.is_file());
        let temp = (!special).then(|| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
        });
        Pending {
            path,
            temp,
            content,
        }
    }
}

impl Export {
    /// Writes everything: each file first to a temporary file beside it, then all of
    /// them moved into place, then the output on `stdout` if it has no file. A target
    /// that is an input, or two targets that are one file, are refused before anything
    /// is written; on an error the temporary files are removed, so there is never an
    /// output without its check report.
    pub fn write(&self, targets: &Targets, stdout: &mut dyn Write) -> Result<()> {
        let mut files = Vec::new();
        if let Some(p) = &targets.output {
            files.push(Pending::new(p.clone(), self.output.clone().into_bytes()));
        }
        if let Some(p) = &targets.check_report {
            files.push(Pending::new(
                p.clone(),
                self.check.to_markdown().into_bytes(),
            ));
            let json = serde_json::to_string_pretty(&self.check.to_acro_json()).unwrap_or_default();
            files.push(Pending::new(json_path(p), (json + "\n").into_bytes()));
        }
        if let Some(dir) = &targets.plots {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
            for (name, svg) in &self.plots {
                files.push(Pending::new(dir.join(name), svg.clone().into_bytes()));
            }
        }
        if let Some(dir) = &targets.models {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
            for (name, content) in &self.models {
                files.push(Pending::new(dir.join(name), content.clone().into_bytes()));
            }
        }
        guard(&files, &targets.inputs)?;
        let result = write_all(&files).and_then(|()| {
            if targets.output.is_none() {
                stdout
                    .write_all(self.output.as_bytes())
                    .and_then(|()| stdout.flush())
                    .map_err(|e| Error::io("standard output", e))?;
            }
            Ok(())
        });
        for f in &files {
            if let Some(t) = &f.temp {
                // Already moved into place, or left behind by an error: gone either way.
                let _ = std::fs::remove_file(t);
            }
        }
        result
    }
}

/// Refuses a target that is an input or that another target also names.
fn guard(files: &[Pending], inputs: &[PathBuf]) -> Result<()> {
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| resolved(p)).collect();
    let mut seen: Vec<PathBuf> = Vec::new();
    for f in files {
        let r = resolved(&f.path);
        if inputs.contains(&r) {
            return Err(Error::InvalidParameter {
                name: "output",
                value: f.path.display().to_string(),
                reason: "is an input file: an input is never written over; nothing was written"
                    .into(),
            });
        }
        if seen.contains(&r) && f.temp.is_some() {
            return Err(Error::InvalidParameter {
                name: "output",
                value: f.path.display().to_string(),
                reason: "is named twice (--output, --check-report and its JSON, plots); nothing was written"
                    .into(),
            });
        }
        seen.push(r);
    }
    Ok(())
}

/// Writes every temporary file, then moves them into place and writes special files.
fn write_all(files: &[Pending]) -> Result<()> {
    let write = |path: &Path, content: &[u8]| -> Result<()> {
        let mut f = std::fs::File::create(path).map_err(|e| Error::io(path.display(), e))?;
        f.write_all(content)
            .and_then(|()| f.sync_all().or(Ok(())))
            .map_err(|e| Error::io(path.display(), e))
    };
    for f in files {
        if let Some(t) = &f.temp {
            write(t, &f.content).map_err(|e| match e {
                Error::Io { source, .. } => Error::io(f.path.display(), source),
                other => other,
            })?;
        }
    }
    for f in files {
        match &f.temp {
            Some(t) => std::fs::rename(t, &f.path).map_err(|e| Error::io(f.path.display(), e))?,
            None => write(&f.path, &f.content)?,
        }
    }
    Ok(())
}
