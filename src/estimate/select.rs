//! Model choice as the report made it (`--select`): each tree's maximum depth and minimum
//! leaf size chosen on the 20% validation part by log loss, over a small grid around the
//! run's setting. Uses the training data of `training` and the parameters of `pipeline`;
//! without `--select` nothing here runs and the report's setting stays.
//!
//! **The grid**: depths [`DEPTHS`] and minimum leaf sizes [`LEAF_FACTORS`] times the
//! tree's own setting (for the default 1,000 / 250: 500, 1,000, 2,000 / 125, 250, 500),
//! 15 candidates per tree (fewer when the training part is too small for the larger
//! leaves: a tree needs two leaves' worth of rows). The candidate with the lowest validation log loss is chosen;
//! on a tie (within 1e-12 of the log loss) the simpler one: the shallower, then the
//! larger leaves.

use serde::Serialize;

use super::pipeline::EstimationParams;
use super::training::TrainingData;
use crate::error::Result;
use crate::model::{ModelSpec, TreeParams};
use crate::schema::Population;

/// Maximum depths tried.
pub const DEPTHS: [usize; 5] = [2, 3, 4, 5, 6];
/// Minimum leaf sizes tried, as factors of the tree's setting.
pub const LEAF_FACTORS: [f64; 3] = [2.0, 1.0, 0.5];

/// One setting tried for one tree, and how it validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// `comparability`, `job-find` or `job-keep`.
    pub stage: &'static str,
    /// Maximum depth.
    pub max_depth: usize,
    /// Minimum persons per leaf.
    pub min_leaf: usize,
    /// Leaves of the fitted tree.
    pub leaves: usize,
    /// Log loss on the validation part.
    pub log_loss: f64,
    /// Validation rows, and the positives among them.
    pub n_validate: usize,
    /// Positives among the validation rows.
    pub validate_positives: usize,
    /// Whether this setting was chosen.
    pub chosen: bool,
}

/// Every candidate tried, per tree in grid order, the chosen ones marked.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Selection {
    /// The candidates.
    pub candidates: Vec<Candidate>,
}

impl Selection {
    /// The chosen candidate of a tree.
    pub fn chosen(&self, stage: &str) -> Option<&Candidate> {
        self.candidates
            .iter()
            .find(|c| c.chosen && c.stage == stage)
    }
}

impl TrainingData {
    /// Fits every candidate of the grid around `base` on the training part and validates
    /// it on the held-out part; marks the chosen one (see the module doc).
    ///
    /// # Errors
    /// [`crate::Error::Training`] when there are no validation rows; a candidate's own
    /// fitting error (a leaf size too large for the data is skipped, as long as one fits).
    pub fn select_tree(&self, base: &TreeParams) -> Result<Vec<Candidate>> {
        let n_validate = self.labels.len() - self.n_train;
        if n_validate == 0 {
            return Err(crate::Error::Training {
                model: self.name,
                reason:
                    "--select chooses on the validation part: the validation share must be above 0"
                        .into(),
            });
        }
        let validate_positives = self.labels[self.n_train..].iter().filter(|&&y| y).count();
        let mut out: Vec<Candidate> = Vec::new();
        let mut first_error = None;
        for depth in DEPTHS {
            for factor in LEAF_FACTORS {
                let min_leaf = ((base.min_leaf as f64 * factor).round() as usize).max(1);
                let spec = ModelSpec::Tree(TreeParams {
                    max_depth: depth,
                    min_leaf,
                    ..*base
                });
                // A setting the run would refuse for too few training rows is no candidate.
                if spec.min_training_rows() > self.n_train {
                    continue;
                }
                match self.fit(&spec) {
                    Ok(stage) => out.push(Candidate {
                        stage: self.name,
                        max_depth: depth,
                        min_leaf,
                        leaves: stage.model.as_tree().map_or(0, |t| t.n_leaves()),
                        log_loss: stage.validation.log_loss,
                        n_validate,
                        validate_positives,
                        chosen: false,
                    }),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
        // Grid order is simplest first (shallower, then larger leaves): the first within
        // the tie tolerance of the lowest log loss wins.
        let best = out.iter().map(|c| c.log_loss).fold(f64::INFINITY, f64::min);
        match out.iter_mut().find(|c| c.log_loss <= best + 1e-12) {
            Some(c) => c.chosen = true,
            None => {
                return Err(first_error.unwrap_or_else(|| crate::Error::Training {
                    model: self.name,
                    reason: "no candidate of the --select grid could be fitted".into(),
                }))
            }
        }
        Ok(out)
    }
}

impl EstimationParams {
    /// The parameters with each tree's depth and minimum leaf size chosen on its
    /// validation part ([`TrainingData::select_tree`]), and every candidate tried.
    /// Logistic models are left as they are.
    pub fn select(&self, pop: &Population) -> Result<(EstimationParams, Selection)> {
        self.check()?;
        let mut chosen = self.clone();
        let mut selection = Selection::default();
        for stage in 0..3u64 {
            let spec = match stage {
                0 => &self.comparability_model,
                1 => &self.job_find_model,
                _ => &self.job_keep_model,
            };
            let ModelSpec::Tree(base) = spec else {
                continue;
            };
            let data = match stage {
                0 => TrainingData::comparability(self, pop)?,
                s => self.job_data(pop, s)?,
            };
            let candidates = data.select_tree(base)?;
            if let Some(c) = candidates.iter().find(|c| c.chosen) {
                let target = match stage {
                    0 => &mut chosen.comparability_model,
                    1 => &mut chosen.job_find_model,
                    _ => &mut chosen.job_keep_model,
                };
                *target = ModelSpec::Tree(TreeParams {
                    max_depth: c.max_depth,
                    min_leaf: c.min_leaf,
                    ..*base
                });
            }
            selection.candidates.extend(candidates);
        }
        Ok((chosen, selection))
    }
}
