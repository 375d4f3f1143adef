//! The method of `shared/spec/method.md` sections 1-5 as one call: fit the comparability
//! model on a sample of the working-age population, compute the correction factor, fit
//! the job-find and job-keep models on their cohorts, then score populations and add up
//! the expected counts.

use serde::Serialize;

use super::aggregate::PopulationEstimate;
use super::bootstrap::Resampling;
use super::correction::{Correction, CorrectionFactor};
use super::fitted::FittedPipeline;
use super::hours::HoursModel;
use super::level::ConfidenceLevel;
use super::populations::ScoredPopulation;
use super::progress::Step;
use super::results::{result_rows, ResultRow};
use super::training::{labelling_rate, TrainingData};
use super::uncertainty::{self, BootstrapDraws, Intervals, UncertaintySummary};
use crate::error::Result;
use crate::model::design::{
    comparability_class, job_find_outcome, job_keep_outcome, SampleSize, TrainingDesign,
};
use crate::model::{FeatureSet, ModelSpec, ThresholdGrid, TreeParams};
use crate::schema::{Person, Population};

/// Default minimum leaf size of the job-find and job-keep trees.
pub const JOB_MIN_LEAF: usize = 250;

/// Everything the method needs to know, checked once by [`EstimationParams::check`].
///
/// ```
/// use banenafspraak::estimate::EstimationParams;
/// use banenafspraak::synth::SynthParams;
/// use banenafspraak::estimate::{Correction, Intervals};
/// let pop = SynthParams { persons: 60_000, seed: 3, ..SynthParams::default() }.generate()?;
/// let mut params = EstimationParams::default();
/// params.set_min_leaf(200, 20);
/// params.intervals = Intervals::Bootstrap { replicates: 50 };
/// params.correction = Correction::ElkanNoto;
/// let estimates = params.run(&pop)?;
/// let ww = &estimates.populations[0];
/// assert_eq!(ww.name, "ww");
/// assert!(ww.total.comparable <= ww.total.persons as f64);
/// let ci = ww.total.intervals.expect("bootstrap intervals").comparable;
/// assert!(ci.low <= ci.high);
/// let c = estimates.fitted.correction.labelling.expect("Elkan-Noto rate");
/// assert!(c.interval.contains(c.c));
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct EstimationParams {
    /// The comparability model (method 1). Default: tree, depth 5, 1,000 per leaf.
    pub comparability_model: ModelSpec,
    /// The job-find model (method 3). Default: tree, depth 5, 250 per leaf: with the
    /// report's cohort of about 10,000 (8,000 to train on) at most 32 leaves, where the
    /// report's tree has 21. Smaller leaves let noise splits through (measured on known
    /// truth: worst error over ten seeds 24% at 100 per leaf, 11.5% at 250).
    pub job_find_model: ModelSpec,
    /// The job-keep model (method 4). Default: tree, depth 5, 250 per leaf.
    pub job_keep_model: ModelSpec,
    /// Features of the comparability model; never age.
    pub comparability_features: FeatureSet,
    /// Features of the two job models; age included.
    pub job_features: FeatureSet,
    /// Sample size, validation share and seed. The sample size applies to the
    /// comparability model; the job models use their whole cohorts.
    pub design: TrainingDesign,
    /// How the comparability model's probabilities are corrected. Default: the report's
    /// register-size factor.
    pub correction: Correction,
    /// The populations to score. Default: WW, WIA, bijstand, NUG.
    pub populations: Vec<ScoredPopulation>,
    /// How the intervals of the expected counts are computed. Default: a bootstrap
    /// of 200 replicates over the training samples, seeded by `design.seed`.
    pub intervals: Intervals,
    /// The confidence level of every interval (the counts', the labelling rate's).
    /// Default: 95%, the report's.
    pub level: ConfidenceLevel,
    /// The hours tree of banen (schema v1.1) when the job-keep model is logistic; with a
    /// job-keep tree the hours tree takes that tree's settings. Default: depth 5, 250 per
    /// leaf.
    pub hours_tree: TreeParams,
}

impl Default for EstimationParams {
    fn default() -> Self {
        let job_tree = ModelSpec::Tree(TreeParams {
            min_leaf: JOB_MIN_LEAF,
            ..TreeParams::default()
        });
        EstimationParams {
            comparability_model: ModelSpec::Tree(TreeParams::default()),
            job_find_model: job_tree.clone(),
            job_keep_model: job_tree,
            comparability_features: FeatureSet::comparability(),
            job_features: FeatureSet::job(),
            design: TrainingDesign::default(),
            correction: Correction::RegisterSize,
            populations: ScoredPopulation::report_populations(),
            intervals: Intervals::default(),
            level: ConfidenceLevel::DEFAULT,
            hours_tree: TreeParams {
                min_leaf: JOB_MIN_LEAF,
                ..TreeParams::default()
            },
        }
    }
}

/// The fitted pipeline and the estimates of the populations it scored.
#[derive(Debug, Clone, Serialize)]
pub struct Estimates {
    /// The fitted models and correction the estimates come from.
    pub fitted: FittedPipeline,
    /// The estimates, one per scored population, in the parameters' order.
    pub populations: Vec<PopulationEstimate>,
    /// What the user should know about the run (e.g. a sample larger than the population).
    pub notes: Vec<String>,
    /// Which intervals were computed and what they cover.
    pub uncertainty: UncertaintySummary,
    /// The bootstrap replicates' population totals (`Intervals::Bootstrap` only).
    pub bootstrap: Option<BootstrapDraws>,
    /// The trees' settings tried and chosen by `--select` ([`EstimationParams::select`]).
    pub selection: Option<super::select::Selection>,
}

impl Estimates {
    /// The rows of results table v1.
    pub fn result_rows(&self) -> Vec<ResultRow> {
        result_rows(&self.populations)
    }
}

impl EstimationParams {
    /// The same method with logistic models for all three stages.
    pub fn logistic() -> EstimationParams {
        let l = ModelSpec::Logistic(crate::model::LogisticParams::default());
        EstimationParams {
            comparability_model: l.clone(),
            job_find_model: l.clone(),
            job_keep_model: l,
            ..EstimationParams::default()
        }
    }

    /// Sets the minimum leaf size of tree models: `comparability` for the comparability
    /// tree, `job` for the two job trees.
    pub fn set_min_leaf(&mut self, comparability: usize, job: usize) {
        for (spec, leaf) in [
            (&mut self.comparability_model, comparability),
            (&mut self.job_find_model, job),
            (&mut self.job_keep_model, job),
        ] {
            if let ModelSpec::Tree(t) = spec {
                t.min_leaf = leaf;
            }
        }
    }

    /// Sets the maximum depth of all tree models.
    pub fn set_max_depth(&mut self, depth: usize) {
        for spec in [
            &mut self.comparability_model,
            &mut self.job_find_model,
            &mut self.job_keep_model,
        ] {
            if let ModelSpec::Tree(t) = spec {
                t.max_depth = depth;
            }
        }
    }

    /// Checks every parameter once.
    pub fn check(&self) -> Result<()> {
        self.comparability_model.check()?;
        self.job_find_model.check()?;
        self.job_keep_model.check()?;
        self.comparability_features.check_for_comparability()?;
        self.job_features.check_not_empty()?;
        self.design.check()?;
        if let Correction::Fixed(f) = self.correction {
            CorrectionFactor::fixed(f)?;
        }
        if self.correction == Correction::ElkanNoto && self.design.validation_share <= 0.0 {
            return Err(crate::Error::InvalidParameter {
                name: "correction",
                value: "elkan-noto".into(),
                reason: "the labelling rate is estimated on held-out register members: the \
                         validation share must be above 0"
                    .into(),
            });
        }
        self.intervals.check()?;
        let all_trees = [
            &self.comparability_model,
            &self.job_find_model,
            &self.job_keep_model,
        ]
        .iter()
        .all(|m| matches!(m, ModelSpec::Tree(_)));
        if self.intervals == Intervals::Analytic && !all_trees {
            return Err(uncertainty::analytic_needs_trees());
        }
        Ok(())
    }

    /// The same parameters for an export under strict disclosure control: every tree
    /// splits only on the coarse threshold grid ([`ThresholdGrid::coarse`]), so that no
    /// printed threshold is a value fewer than `min_persons` persons hold.
    pub fn for_strict_export(mut self, min_persons: u64) -> EstimationParams {
        for spec in [
            &mut self.comparability_model,
            &mut self.job_find_model,
            &mut self.job_keep_model,
        ] {
            if let ModelSpec::Tree(t) = spec {
                t.threshold_grid = ThresholdGrid::coarse(min_persons);
            }
        }
        self.hours_tree.threshold_grid = ThresholdGrid::coarse(min_persons);
        self
    }

    /// Fits the three models and scores the populations.
    pub fn run(&self, pop: &Population) -> Result<Estimates> {
        self.run_with_progress(pop, &mut |_| {})
    }

    /// As [`Self::run`], reporting each step's name to `progress` before it starts (and,
    /// during the bootstrap, the replicates done).
    pub fn run_with_progress(
        &self,
        pop: &Population,
        progress: &mut dyn FnMut(Step),
    ) -> Result<Estimates> {
        let (mut fitted, mut notes, data) = self.fit_inner(pop, progress)?;
        progress(Step::started("scoring populations"));
        let mut populations = fitted.estimate(pop, &self.populations)?;
        for e in &populations {
            if e.total.persons == 0 {
                notes.push(format!(
                    "population {} has no persons in the data: its counts are zero",
                    e.name
                ));
            }
        }
        let resampling = Resampling {
            data: &data,
            specs: [
                &self.comparability_model,
                &self.job_find_model,
                &self.job_keep_model,
            ],
            seed: self.design.seed,
        };
        let attached = uncertainty::attach(
            uncertainty::IntervalRequest {
                intervals: self.intervals,
                level: self.level,
            },
            resampling,
            pop,
            &self.populations,
            &mut fitted,
            &mut populations,
            progress,
        )?;
        notes.extend(attached.notes);
        if self.intervals == Intervals::Analytic && fitted.hours.is_some() {
            notes.push(
                "banen have no analytic interval: the leaf-rate variance is that of the three \
                 trees' leaf rates, and the hours tree keeps no spread of the hours in its \
                 leaves; --intervals bootstrap gives banen intervals"
                    .into(),
            );
        }
        Ok(Estimates {
            fitted,
            populations,
            notes,
            uncertainty: attached.summary,
            bootstrap: attached.draws,
            selection: None,
        })
    }

    /// Fits the three models and the correction; returns notes for the user.
    pub fn fit_with_progress(
        &self,
        pop: &Population,
        progress: &mut dyn FnMut(Step),
    ) -> Result<(FittedPipeline, Vec<String>)> {
        let (fitted, notes, _) = self.fit_inner(pop, progress)?;
        Ok((fitted, notes))
    }

    /// The training data of a job model (stage 1 job-find, 2 job-keep): its whole cohort.
    pub(crate) fn job_data(&self, pop: &Population, stage: u64) -> Result<TrainingData> {
        let cohort_design = TrainingDesign {
            sample_size: SampleSize::All,
            ..self.design
        };
        let (name, spec, outcome): (_, _, fn(&Person<'_>) -> Option<bool>) = match stage {
            1 => ("job-find", &self.job_find_model, job_find_outcome),
            _ => ("job-keep", &self.job_keep_model, job_keep_outcome),
        };
        TrainingData::draw(
            name,
            pop,
            spec,
            &self.job_features,
            &cohort_design,
            stage,
            outcome,
        )
    }

    /// Fits the pipeline and keeps the training data for the bootstrap.
    pub(crate) fn fit_inner(
        &self,
        pop: &Population,
        progress: &mut dyn FnMut(Step),
    ) -> Result<(FittedPipeline, Vec<String>, [TrainingData; 3])> {
        self.check()?;
        let mut notes = Vec::new();
        progress(Step::started("fitting the comparability model"));
        let comparability_data = TrainingData::comparability(self, pop)?;
        if comparability_data.used_all {
            // Notes are printed as given: they name settings, never a count of persons.
            notes.push(
                "comparability: the requested sample is larger than the eligible persons; all were used"
                    .into(),
            );
        }
        let comparability = comparability_data.fit(&self.comparability_model)?;
        let correction = match self.correction {
            Correction::ElkanNoto => CorrectionFactor::elkan_noto(
                labelling_rate(&comparability_data, &comparability.model, self.level)?,
                pop,
            ),
            other => CorrectionFactor::resolve(other, pop)?,
        };
        progress(Step::started("fitting the job-find model"));
        let job_find_data = self.job_data(pop, 1)?;
        let job_find = job_find_data.fit(&self.job_find_model)?;
        progress(Step::started("fitting the job-keep model"));
        let job_keep_data = self.job_data(pop, 2)?;
        let job_keep = job_keep_data.fit(&self.job_keep_model)?;
        // Banen (schema v1.1): the hours tree takes the job-keep tree's settings.
        let hours_params = match self.job_keep_model {
            ModelSpec::Tree(p) => p,
            ModelSpec::Logistic(_) => self.hours_tree,
        };
        let hours = HoursModel::fit(pop, job_keep_data.keep_rows(), &hours_params)?;
        let fitted = FittedPipeline::from_stages(
            comparability,
            job_find,
            job_keep,
            correction,
            self.comparability_features.clone(),
            self.job_features.clone(),
        )
        .with_hours(hours);
        Ok((
            fitted,
            notes,
            [comparability_data, job_find_data, job_keep_data],
        ))
    }
}

impl TrainingData {
    /// The comparability model's data under `params` (stream 0, `params.design`).
    pub fn comparability(params: &EstimationParams, pop: &Population) -> Result<TrainingData> {
        params.check()?;
        TrainingData::draw(
            "comparability",
            pop,
            &params.comparability_model,
            &params.comparability_features,
            &params.design,
            0,
            comparability_class,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::SynthParams;

    fn small_params() -> EstimationParams {
        let mut p = EstimationParams::default();
        p.set_min_leaf(100, 20);
        p
    }

    #[test]
    fn same_seed_same_estimates_other_seed_other_sample() {
        let pop = SynthParams {
            persons: 30_000,
            seed: 8,
            ..SynthParams::default()
        }
        .generate()
        .unwrap();
        let mut params = small_params();
        params.design.sample_size = SampleSize::Persons(10_000);
        let a = params.run(&pop).unwrap();
        let b = params.run(&pop).unwrap();
        assert_eq!(a.result_rows(), b.result_rows());
        params.design.seed += 1;
        let c = params.run(&pop).unwrap();
        assert_ne!(a.result_rows(), c.result_rows());
    }

    #[test]
    fn bad_parameters_and_degenerate_data_are_clear_errors() {
        let pop = SynthParams {
            persons: 3_000,
            seed: 8,
            ..SynthParams::default()
        }
        .generate()
        .unwrap();
        let mut params = small_params();
        params.correction = Correction::Fixed(0.0);
        assert!(params
            .run(&pop)
            .unwrap_err()
            .to_string()
            .contains("correction factor"));
        let mut params = EstimationParams::default();
        params.set_min_leaf(1000, 1000);
        let e = params.run(&pop).unwrap_err().to_string();
        assert!(e.contains("lower the minimum leaf size"), "{e}");
        let no_register = pop.select(&pop.rows_where(|p| !p.in_register));
        let e = small_params().run(&no_register).unwrap_err().to_string();
        assert!(e.contains("no positives"), "{e}");
    }
}
