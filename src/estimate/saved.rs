//! Fitted models as files, and read back: the file format (a manifest `models.json` and
//! one file per model), reading it with its format version and every model checked, and
//! scoring another extract with the models read, without refitting. Owns the format and
//! the reading; writing is an export and goes through `report::export`, which checks the
//! files for disclosure and then calls [`SavedModels::files`].
//!
//! ```
//! use banenafspraak::estimate::{EstimationParams, Intervals, Provenance, SavedModels};
//! use banenafspraak::synth::SynthParams;
//! let pop = SynthParams { persons: 60_000, seed: 3, ..SynthParams::default() }.generate()?;
//! let mut params = EstimationParams::default();
//! params.set_min_leaf(200, 20);
//! params.intervals = Intervals::None;
//! let run = params.run(&pop)?;
//! let provenance = Provenance::new("persons.csv", params.design.seed, 2019);
//! let saved = SavedModels::new(run.fitted.clone(), &pop, provenance);
//! let dir = tempfile::tempdir().unwrap();
//! saved.write_unchecked(dir.path())?;
//! let read = SavedModels::load(dir.path())?;
//! let again = read.estimate(&pop, &params.populations)?;
//! assert_eq!(again.result_rows(), run.result_rows());
//! # Ok::<(), banenafspraak::Error>(())
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::correction::CorrectionFactor;
use super::fitted::{FittedPipeline, FittedStage};
use super::hours::HoursModel;
use super::level::ConfidenceLevel;
use super::pipeline::Estimates;
use super::populations::ScoredPopulation;
use super::uncertainty::{Intervals, UncertaintySummary};
use crate::error::{Error, Result};
use crate::model::{Feature, FeatureSet, FittedModel};
use crate::schema::Population;

/// What the files say they are.
pub const FORMAT: &str = "banenafspraak-models";
/// The version of the file format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's file name in a models directory.
pub const MANIFEST: &str = "models.json";

/// Where saved models come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The banenafspraak version that fitted them.
    pub tool_version: String,
    /// The input file's name (never its directory or contents).
    pub input_file: String,
    /// The seed of the samples and splits.
    pub seed: u64,
    /// The extract's reference year.
    pub reference_year: u16,
    /// When the models were saved (UTC, RFC 3339).
    pub created: String,
}

impl Provenance {
    /// The provenance of models fitted now on `input` (only its file name is kept).
    pub fn new(input: impl AsRef<Path>, seed: u64, reference_year: u16) -> Provenance {
        let input = input.as_ref();
        Provenance {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            input_file: input
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            seed,
            reference_year,
            created: utc_now(),
        }
    }
}

/// The files a model stage is saved in, by stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageFiles {
    /// The comparability model.
    pub comparability: String,
    /// The job-find model.
    pub job_find: String,
    /// The job-keep model.
    pub job_keep: String,
    /// The hours model of banen, if fitted.
    #[serde(default)]
    pub hours: Option<String>,
}

/// The manifest `models.json`: everything but the models themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The person file's schema version the models were fitted on (`1.0`, or `1.1` with
    /// `job_hours_per_week`).
    pub schema_version: String,
    /// Where the models come from.
    pub provenance: Provenance,
    /// The comparability model's features.
    pub comparability_features: FeatureSet,
    /// The job models' (and hours model's) features.
    pub job_features: FeatureSet,
    /// The correction of the comparability probabilities (with Elkan-Noto's c).
    pub correction: CorrectionFactor,
    /// The model files, relative to the manifest.
    pub files: StageFiles,
    /// What disclosure control changed in the files (leaves merged, levels left out).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// One model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile<M> {
    /// [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// `comparability`, `job-find`, `job-keep` or `hours`.
    pub stage: String,
    /// The features the model reads (checked against the extract before scoring).
    pub features: Vec<String>,
    /// The model.
    pub model: M,
}

/// Fitted models to save, or read back: the manifest and the pipeline it describes.
#[derive(Debug, Clone)]
pub struct SavedModels {
    /// The manifest.
    pub manifest: Manifest,
    /// The models and the correction, ready to score.
    pub pipeline: FittedPipeline,
}

const STAGES: [&str; 3] = ["comparability", "job-find", "job-keep"];

impl SavedModels {
    /// The models of a fitted pipeline with their provenance, as fitted (unchecked: to
    /// write them use `report::export`, or [`Self::write_unchecked`] inside the
    /// environment). `pop` is the extract they were fitted on (for its schema version).
    pub fn new(pipeline: FittedPipeline, pop: &Population, provenance: Provenance) -> Self {
        let schema_version = if pop.job_hours_per_week().is_some() {
            "1.1"
        } else {
            "1.0"
        };
        let manifest = Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            schema_version: schema_version.into(),
            provenance,
            comparability_features: pipeline.comparability_features().clone(),
            job_features: pipeline.job_features().clone(),
            correction: pipeline.correction,
            files: StageFiles {
                comparability: "comparability.json".into(),
                job_find: "job-find.json".into(),
                job_keep: "job-keep.json".into(),
                hours: pipeline.hours.as_ref().map(|_| "hours.json".into()),
            },
            notes: Vec::new(),
        };
        SavedModels { manifest, pipeline }
    }

    /// The files: name and JSON content, the manifest first.
    pub fn files(&self) -> Vec<(String, String)> {
        let json = |v: serde_json::Result<String>| v.unwrap_or_default() + "\n";
        let m = &self.manifest;
        let p = &self.pipeline;
        let mut out = vec![(MANIFEST.to_string(), json(serde_json::to_string_pretty(m)))];
        for (file, stage) in [
            (&m.files.comparability, &p.comparability),
            (&m.files.job_find, &p.job_find),
            (&m.files.job_keep, &p.job_keep),
        ] {
            let f = model_file(stage.name, stage.model.used_features(), &stage.model);
            out.push((file.clone(), json(serde_json::to_string_pretty(&f))));
        }
        if let (Some(file), Some(h)) = (&m.files.hours, &p.hours) {
            let f = model_file("hours", h.tree.used_features(), h);
            out.push((file.clone(), json(serde_json::to_string_pretty(&f))));
        }
        out
    }

    /// Writes [`Self::files`] into `dir` without disclosure checks, for work inside the
    /// environment; an export goes through `report::export` (`--save-models`).
    pub fn write_unchecked(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
        for (name, content) in self.files() {
            let path = dir.join(name);
            std::fs::write(&path, content).map_err(|e| Error::io(path.display(), e))?;
        }
        Ok(())
    }

    /// Reads a models directory: the manifest and every model file it names, each with
    /// its format and version checked and its model validated.
    ///
    /// # Errors
    /// [`Error::Io`] for a file that cannot be read, [`Error::Scenario`] naming the file
    /// for one that is not a model file, has an unknown format version, is of another
    /// stage, or whose model reads features its manifest does not list.
    pub fn load(dir: &Path) -> Result<SavedModels> {
        let manifest: Manifest = read_json(&dir.join(MANIFEST))?;
        let stage = |i: usize, file: &str| -> Result<FittedStage> {
            let path = dir.join(file);
            let f: ModelFile<FittedModel> = read_json(&path)?;
            check_stage(&path, &f.stage, STAGES[i])?;
            let set = match i {
                0 => &manifest.comparability_features,
                _ => &manifest.job_features,
            };
            check_features(&path, &f.model.used_features(), set)?;
            Ok(FittedStage::fixed(STAGES[i], f.model))
        };
        let files = &manifest.files;
        let comparability = stage(0, &files.comparability)?;
        let job_find = stage(1, &files.job_find)?;
        let job_keep = stage(2, &files.job_keep)?;
        let hours = match &files.hours {
            Some(file) => {
                let path = dir.join(file);
                let f: ModelFile<HoursModel> = read_json(&path)?;
                check_stage(&path, &f.stage, "hours")?;
                check_features(&path, &f.model.tree.used_features(), &manifest.job_features)?;
                Some(f.model)
            }
            None => None,
        };
        let pipeline = FittedPipeline::from_stages(
            comparability,
            job_find,
            job_keep,
            manifest.correction,
            manifest.comparability_features.clone(),
            manifest.job_features.clone(),
        )
        .with_hours(hours);
        Ok(SavedModels { manifest, pipeline })
    }

    /// Refuses an extract that lacks a feature the models read (an extra column).
    pub fn check_extract(&self, pop: &Population) -> Result<()> {
        let p = &self.pipeline;
        let mut used: Vec<(String, &FeatureSet)> = Vec::new();
        for (stage, set) in [
            (&p.comparability, p.comparability_features()),
            (&p.job_find, p.job_features()),
            (&p.job_keep, p.job_features()),
        ] {
            used.extend(stage.model.used_features().into_iter().map(|n| (n, set)));
        }
        if let Some(h) = &p.hours {
            used.extend(
                h.tree
                    .used_features()
                    .into_iter()
                    .map(|n| (n, p.job_features())),
            );
        }
        for (name, set) in used {
            let extra = set.features().iter().any(
                |f| matches!(f, Feature::ExtraNumber(n) | Feature::ExtraCategory(n) if *n == name),
            );
            if extra && pop.extra(&name).is_none() {
                return Err(Error::InvalidParameter {
                    name: "models",
                    value: name,
                    reason: format!(
                        "the saved models (fitted on {}) read this extra column, which the \
                         extract lacks; give an extract with it, or fit new models",
                        self.manifest.provenance.input_file
                    ),
                });
            }
        }
        Ok(())
    }

    /// Scores the populations of `pop` with the models read, without refitting: the
    /// counts of the saved models, with the saved correction, and no intervals (their
    /// sampling error needs the training data, which saved models do not carry: intervals
    /// need refitting).
    pub fn estimate(
        &self,
        pop: &Population,
        populations: &[ScoredPopulation],
    ) -> Result<Estimates> {
        self.check_extract(pop)?;
        let populations = self.pipeline.estimate(pop, populations)?;
        let p = &self.manifest.provenance;
        let notes = vec![format!(
            "models not refitted: read from files saved by banenafspraak {} (fitted on {}, \
             reference year {}, seed {}, saved {}); the saved correction is applied, and there \
             are no intervals (they need refitting)",
            p.tool_version, p.input_file, p.reference_year, p.seed, p.created
        )];
        Ok(Estimates {
            fitted: self.pipeline.clone(),
            populations,
            notes,
            uncertainty: UncertaintySummary {
                intervals: Intervals::None,
                level: ConfidenceLevel::DEFAULT,
                seed: p.seed,
                leaf_rate_variance: false,
            },
            bootstrap: None,
            selection: None,
        })
    }
}

fn model_file<M: Clone>(stage: &str, features: Vec<String>, model: &M) -> ModelFile<M> {
    ModelFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        stage: stage.into(),
        features,
        model: model.clone(),
    }
}

fn bad_file(path: &Path, message: String) -> Error {
    Error::Scenario {
        file: path.display().to_string(),
        message,
    }
}

/// Reads a file of this format: its `format` and `format_version` checked before the
/// rest is read, so an unknown version says so rather than failing on a field.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        bad_file(
            path,
            format!(
                "not a model file: line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    if value.get("format").and_then(|v| v.as_str()) != Some(FORMAT) {
        return Err(bad_file(
            path,
            format!("not a model file of banenafspraak (no \"format\": \"{FORMAT}\")"),
        ));
    }
    match value.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        other => {
            let found = other.map_or_else(|| "missing".to_string(), |v| v.to_string());
            return Err(bad_file(
                path,
                format!(
                    "format version {found} is not known: this banenafspraak reads version \
                     {FORMAT_VERSION}"
                ),
            ));
        }
    }
    serde_json::from_value(value)
        .map_err(|e| bad_file(path, format!("not a valid model file: {e}")))
}

fn check_stage(path: &Path, found: &str, want: &str) -> Result<()> {
    if found == want {
        return Ok(());
    }
    Err(bad_file(
        path,
        format!("holds the {found:?} model where the manifest names the {want:?} model"),
    ))
}

fn check_features(path: &Path, used: &[String], set: &FeatureSet) -> Result<()> {
    let names: Vec<String> = set.features().iter().map(Feature::name).collect();
    match used.iter().find(|u| !names.contains(u)) {
        None => Ok(()),
        Some(u) => Err(bad_file(
            path,
            format!("the model reads {u:?}, which is not among the manifest's features"),
        )),
    }
}

/// Now in UTC as `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339).
fn utc_now() -> String {
    format!(
        "{}Z",
        crate::calendar::utc_timestamp(std::time::SystemTime::now())
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_timestamp_is_rfc_3339_utc() {
        let t = super::utc_now();
        assert_eq!(t.len(), 20, "{t}");
        assert!(
            t.starts_with("20") && t.ends_with('Z') && &t[10..11] == "T",
            "{t}"
        );
    }
}
