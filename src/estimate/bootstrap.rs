//! One bootstrap replicate, fitted and scored: the three models refitted on their
//! resampled training rows (trees on the draws summed over patterns of identical rows),
//! the Elkan-Noto rate re-estimated on resampled held-out register members, and the
//! scoring plan's cell sums under the refitted pipeline.
//!
//! This is the fit-and-score function that the uncertainty module runs once per
//! replicate; it uses only what sits below it (the training data, the fitted pipeline and
//! the scoring plan) and knows nothing of the run's parameters.

use super::correction::Correction;
use super::fitted::{EncodedRows, FittedPipeline, FittedStage, Scorer};
use super::plan::{CellSums, ScoringPlan};
use super::resample::Patterns;
use super::training::TrainingData;
use crate::error::{Error, Result};
use crate::model::{
    FeatureMatrix, FittedModel, ModelSpec, PreparedFeatures, TreeParams, MASK_DEPTH,
};
use crate::schema::Population;

/// What a replicate refits: the three stages' training data (comparability, job-find,
/// job-keep), the model each was fitted with, and the seed of the resamples.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resampling<'a> {
    pub data: &'a [TrainingData; 3],
    pub specs: [&'a ModelSpec; 3],
    pub seed: u64,
}

/// One bootstrap replicate's cell sums and, for Elkan-Noto, its labelling rate.
pub(crate) struct Replicate {
    pub cells: Vec<CellSums>,
    pub labelling: Option<f64>,
}

/// Fits and scores replicates of one run; shared by the threads that run them.
pub(crate) struct FitAndScore<'a> {
    resampling: Resampling<'a>,
    pop: &'a Population,
    fitted: &'a FittedPipeline,
    plan: &'a ScoringPlan,
    scoring: Scoring,
    /// The held-out register members' features (Elkan-Noto only).
    held_out: Option<FeatureMatrix>,
    /// Each tree stage's training part grouped into patterns, once for all replicates.
    patterns: [Option<Patterns>; 3],
}

/// What replicates score with, prepared once: each replicate's models read other
/// features, and extra columns are costly to prepare.
enum Scoring {
    /// Trees: the plan's rows encoded once under every feature.
    Encoded(EncodedRows),
    /// Other models: the full feature sets, encoded per replicate.
    Prepared {
        comparability: PreparedFeatures,
        job: PreparedFeatures,
    },
}

impl<'a> FitAndScore<'a> {
    pub fn new(
        resampling: Resampling<'a>,
        pop: &'a Population,
        fitted: &'a FittedPipeline,
        plan: &'a ScoringPlan,
    ) -> Result<FitAndScore<'a>> {
        let comparability = &resampling.data[0];
        Ok(FitAndScore {
            resampling,
            pop,
            fitted,
            plan,
            scoring: if Self::masks_fit(&resampling, fitted) {
                Scoring::Encoded(EncodedRows::new(fitted, pop, &plan.rows)?)
            } else {
                Scoring::Prepared {
                    comparability: fitted.comparability_features().prepare(pop)?,
                    job: fitted.job_features().prepare(pop)?,
                }
            },
            held_out: (fitted.correction.correction == Correction::ElkanNoto)
                .then(|| comparability.select(&comparability.held_out_positives())),
            // The hours model is refitted on the job-keep tree's rows, so that stage
            // draws rows (it is small: the cohort of job finders).
            patterns: std::array::from_fn(|k| {
                let rows_needed = k == 2 && fitted.hours.is_some();
                (matches!(resampling.specs[k], ModelSpec::Tree(_)) && !rows_needed)
                    .then(|| Patterns::of(&resampling.data[k]))
            }),
        })
    }

    /// Whether every replicate's models are trees whose leaves fit a mask, so that the
    /// rows encoded once can score them.
    fn masks_fit(resampling: &Resampling<'_>, fitted: &FittedPipeline) -> bool {
        let shallow = |p: &TreeParams| p.max_depth <= MASK_DEPTH;
        resampling
            .specs
            .iter()
            .all(|s| matches!(s, ModelSpec::Tree(p) if shallow(p)))
            && fitted.hours.as_ref().is_none_or(|h| shallow(&h.params))
    }

    /// Replicate `r`, seeded by the resampling's seed and `r` only (so it does not depend
    /// on threads or on other replicates).
    pub fn replicate(&self, r: u64) -> Result<Replicate> {
        let Resampling { data, specs, seed } = self.resampling;
        // The stages without patterns draw rows.
        let rows: [Option<Vec<usize>>; 3] = std::array::from_fn(|k| {
            self.patterns[k]
                .is_none()
                .then(|| data[k].bootstrap_rows(seed, r))
        });
        let fit = |k: usize| match (specs[k], &self.patterns[k], &rows[k]) {
            (ModelSpec::Tree(p), Some(patterns), _) => Ok(FittedModel::Tree(
                p.fit_draws(&patterns.x, &patterns.counts(&data[k], seed, r))?,
            )),
            (spec, _, rows) => {
                data[k].refit(spec, rows.as_deref().expect("drawn without patterns"))
            }
        };
        let (comparability, find, keep) = (fit(0)?, fit(1)?, fit(2)?);
        let (correction, labelling) = match &self.held_out {
            Some(x) => {
                let g = comparability.try_predict_proba(x)?;
                let draw = data[0].bootstrap_held_out(seed, r, g.len());
                let c = draw.iter().map(|&i| g[i]).sum::<f64>() / draw.len().max(1) as f64;
                if c.is_nan() || c <= 0.0 {
                    return Err(Error::Training {
                        model: "comparability",
                        reason: format!(
                            "bootstrap replicate {r}: the held-out register members all score 0, so \
                             the Elkan-Noto labelling rate is 0"
                        ),
                    });
                }
                (self.fitted.correction.with_labelling_rate(c), Some(c))
            }
            None => (self.fitted.correction, None),
        };
        // The hours model is refitted on the keepers with hours in the job-keep resample.
        let hours = match &self.fitted.hours {
            Some(h) => {
                let rows = rows[2]
                    .as_deref()
                    .expect("job-keep has no patterns with hours");
                Some(h.refit(self.pop, data[2].keep_rows(), rows)?)
            }
            None => None,
        };
        let replicate = FittedPipeline::from_stages(
            FittedStage::fixed("comparability", comparability),
            FittedStage::fixed("job-find", find),
            FittedStage::fixed("job-keep", keep),
            correction,
            self.fitted.comparability_features().clone(),
            self.fitted.job_features().clone(),
        )
        .with_hours(hours);
        // Shallow tree specs refit shallow trees: the rows encoded once score them all.
        let cells = match &self.scoring {
            Scoring::Encoded(rows) => self
                .plan
                .cell_sums_encoded(self.pop, &rows.scorer(&replicate)?)?,
            Scoring::Prepared { comparability, job } => {
                let scorer = Scorer::from_prepared(&replicate, self.pop, comparability, job)?;
                self.plan.cell_sums(self.pop, &scorer)?
            }
        };
        Ok(Replicate { cells, labelling })
    }

    /// Replicates run at once: two per thread keep both cores busy through the serial
    /// parts of a fit. A logistic replicate builds a dense design (8 bytes x rows x
    /// columns, 320 MB at 1,000,000 x 40), so those run one per thread.
    pub fn batch(&self) -> usize {
        let threads = rayon::current_num_threads();
        match self.resampling.specs[0] {
            ModelSpec::Logistic(_) => threads,
            ModelSpec::Tree(_) => (2 * threads).max(4),
        }
    }
}
