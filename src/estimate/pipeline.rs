//! The method of `shared/spec/method.md` sections 1-5 as one call: fit the comparability
//! model on a sample of the working-age population, compute the correction factor, fit
//! the job-find and job-keep models on their cohorts, then score populations and add up
//! the expected counts.

use rayon::prelude::*;
use serde::Serialize;

use super::aggregate::{Accumulator, PersonScores, PopulationEstimate};
use super::correction::{Correction, CorrectionFactor, LabellingRate};
use super::populations::ScoredPopulation;
use super::results::{result_rows, ResultRow};
use super::training::TrainingData;
use super::uncertainty::{self, BootstrapDraws, Intervals, UncertaintySummary};
use crate::error::Result;
use crate::model::design::{job_find_outcome, job_keep_outcome, SampleSize, TrainingDesign};
use crate::model::metrics::Validation;
use crate::model::{
    FeatureSet, FittedModel, ModelSpec, PreparedFeatures, RowScorer, ThresholdGrid, TreeParams,
};
use crate::schema::Population;

/// Rows scored at a time by one thread: their encoded features (about 40 bytes a row)
/// stay in the core's cache.
const SCORE_CHUNK: usize = 1 << 13;

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
    /// How the 95% intervals of the expected counts are computed. Default: a bootstrap
    /// of 200 replicates over the training samples, seeded by `design.seed`.
    pub intervals: Intervals,
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
        }
    }
}

/// A fitted model with how it was trained and how it validated.
#[derive(Debug, Clone, Serialize)]
pub struct FittedStage {
    /// `comparability`, `job-find` or `job-keep`.
    pub name: &'static str,
    pub model: FittedModel,
    /// Metrics on the held-out part.
    pub validation: Validation,
    pub n_train: usize,
    pub n_validate: usize,
    /// Persons eligible to train on, and the positives among them.
    pub eligible: usize,
    pub eligible_positive: usize,
}

/// The three fitted models and the correction: everything needed to score any population.
#[derive(Debug, Clone, Serialize)]
pub struct FittedPipeline {
    pub comparability: FittedStage,
    pub job_find: FittedStage,
    pub job_keep: FittedStage,
    pub correction: CorrectionFactor,
    comparability_features: FeatureSet,
    job_features: FeatureSet,
}

/// The fitted pipeline and the estimates of the populations it scored.
#[derive(Debug, Clone, Serialize)]
pub struct Estimates {
    pub fitted: FittedPipeline,
    pub populations: Vec<PopulationEstimate>,
    /// What the user should know about the run (e.g. a sample larger than the population).
    pub notes: Vec<String>,
    /// Which intervals were computed and what they cover.
    pub uncertainty: UncertaintySummary,
    /// The bootstrap replicates' population totals (`Intervals::Bootstrap` only).
    pub bootstrap: Option<BootstrapDraws>,
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
        progress: &mut dyn FnMut(&str),
    ) -> Result<Estimates> {
        let (mut fitted, mut notes, data) = self.fit_inner(pop, progress)?;
        progress("scoring populations");
        let mut populations = fitted.estimate(pop, &self.populations)?;
        for e in &populations {
            if e.total.persons == 0 {
                notes.push(format!(
                    "population {} has no persons in the data: its counts are zero",
                    e.name
                ));
            }
        }
        let attached = uncertainty::attach(
            self,
            pop,
            &mut fitted,
            &data,
            &mut populations,
            &mut notes,
            progress,
        )?;
        Ok(Estimates {
            fitted,
            populations,
            notes,
            uncertainty: attached.summary,
            bootstrap: attached.draws,
        })
    }

    /// Fits the three models and the correction; returns notes for the user.
    pub fn fit_with_progress(
        &self,
        pop: &Population,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(FittedPipeline, Vec<String>)> {
        let (fitted, notes, _) = self.fit_inner(pop, progress)?;
        Ok((fitted, notes))
    }

    /// The three stages' training data, drawn and encoded.
    pub fn training_data(&self, pop: &Population) -> Result<[TrainingData; 3]> {
        self.check()?;
        let cohort_design = TrainingDesign {
            sample_size: SampleSize::All,
            ..self.design
        };
        Ok([
            TrainingData::comparability(self, pop)?,
            TrainingData::draw(
                "job-find",
                pop,
                &self.job_find_model,
                &self.job_features,
                &cohort_design,
                1,
                job_find_outcome,
            )?,
            TrainingData::draw(
                "job-keep",
                pop,
                &self.job_keep_model,
                &self.job_features,
                &cohort_design,
                2,
                job_keep_outcome,
            )?,
        ])
    }

    /// Fits the pipeline and keeps the training data for the bootstrap.
    pub(crate) fn fit_inner(
        &self,
        pop: &Population,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(FittedPipeline, Vec<String>, [TrainingData; 3])> {
        self.check()?;
        let mut notes = Vec::new();
        progress("fitting the comparability model");
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
                labelling_rate(&comparability_data, &comparability.model)?,
                pop,
            ),
            other => CorrectionFactor::resolve(other, pop)?,
        };
        let cohort_design = TrainingDesign {
            sample_size: SampleSize::All,
            ..self.design
        };
        progress("fitting the job-find model");
        let job_find_data = TrainingData::draw(
            "job-find",
            pop,
            &self.job_find_model,
            &self.job_features,
            &cohort_design,
            1,
            job_find_outcome,
        )?;
        let job_find = job_find_data.fit(&self.job_find_model)?;
        progress("fitting the job-keep model");
        let job_keep_data = TrainingData::draw(
            "job-keep",
            pop,
            &self.job_keep_model,
            &self.job_features,
            &cohort_design,
            2,
            job_keep_outcome,
        )?;
        let job_keep = job_keep_data.fit(&self.job_keep_model)?;
        let fitted = FittedPipeline {
            comparability,
            job_find,
            job_keep,
            correction,
            comparability_features: self.comparability_features.clone(),
            job_features: self.job_features.clone(),
        };
        Ok((
            fitted,
            notes,
            [comparability_data, job_find_data, job_keep_data],
        ))
    }
}

/// Elkan and Noto's labelling rate of a comparability model: its mean score over the
/// held-out register members, with the normal interval of that mean.
pub(crate) fn labelling_rate(data: &TrainingData, model: &FittedModel) -> Result<LabellingRate> {
    let held_out = data.select(&data.held_out_positives());
    LabellingRate::from_scores(&model.try_predict_proba(&held_out)?)
}

impl FittedStage {
    /// A model given rather than fitted here (a published tree, a model from an earlier
    /// run): no training or validation rows, so its metrics are NaN.
    pub fn fixed(name: &'static str, model: FittedModel) -> FittedStage {
        FittedStage {
            name,
            model,
            validation: Validation::compute(&[], &[]),
            n_train: 0,
            n_validate: 0,
            eligible: 0,
            eligible_positive: 0,
        }
    }
}

impl FittedPipeline {
    /// The comparability model's feature set.
    pub fn comparability_features(&self) -> &FeatureSet {
        &self.comparability_features
    }

    /// The job models' feature set.
    pub fn job_features(&self) -> &FeatureSet {
        &self.job_features
    }

    /// A pipeline of given stages, to score populations with models fitted elsewhere. The
    /// feature sets must name every feature the models use.
    pub fn from_stages(
        comparability: FittedStage,
        job_find: FittedStage,
        job_keep: FittedStage,
        correction: CorrectionFactor,
        comparability_features: FeatureSet,
        job_features: FeatureSet,
    ) -> FittedPipeline {
        FittedPipeline {
            comparability,
            job_find,
            job_keep,
            correction,
            comparability_features,
            job_features,
        }
    }

    /// The three probabilities of the given rows: corrected comparability, job-find and
    /// job-keep, in row order.
    pub fn score(&self, pop: &Population, rows: &[usize]) -> Result<Vec<PersonScores>> {
        let scorer = Scorer::new(self, pop)?;
        let mut out = vec![PersonScores::default(); rows.len()];
        out.par_chunks_mut(SCORE_CHUNK)
            .zip(rows.par_chunks(SCORE_CHUNK))
            .try_for_each_init(Buffers::default, |b, (out, chunk)| {
                scorer.score_chunk(chunk, b, out)
            })?;
        Ok(out)
    }

    /// Scores every member of the populations once and adds up their expected counts,
    /// without keeping per-person scores.
    pub fn estimate(
        &self,
        pop: &Population,
        populations: &[ScoredPopulation],
    ) -> Result<Vec<PopulationEstimate>> {
        for d in populations {
            d.check_columns(pop)?;
        }
        let scorer = Scorer::new(self, pop)?;
        let member_of_any = |i: &usize| {
            let p = pop.person(*i);
            populations.iter().any(|d| d.contains_row(pop, *i, &p))
        };
        let union: Vec<usize> = (0..pop.len())
            .into_par_iter()
            .filter(member_of_any)
            .collect();
        let fresh = || -> Vec<Accumulator> {
            populations
                .iter()
                .map(|d| {
                    let subgroups = d
                        .subgroups
                        .iter()
                        .map(|g| (g.name.clone(), g.label.clone()));
                    Accumulator::new(&d.name, &d.label, subgroups)
                })
                .collect()
        };
        // One accumulator set per chunk, merged in chunk order: the sums do not depend on
        // how threads share the work, so the same input gives the same numbers.
        let partials = union
            .par_chunks(SCORE_CHUNK)
            .map_init(
                || (Buffers::default(), Vec::new()),
                |(b, scores), chunk| -> Result<Vec<Accumulator>> {
                    scores.resize(chunk.len(), PersonScores::default());
                    scorer.score_chunk(chunk, b, scores)?;
                    let mut accs = fresh();
                    for (&i, &s) in chunk.iter().zip(scores.iter()) {
                        let p = pop.person(i);
                        for (acc, def) in accs.iter_mut().zip(populations) {
                            if def.contains_row(pop, i, &p) {
                                acc.add(&p, def.subgroup_of_row(pop, i, &p), s);
                            }
                        }
                    }
                    Ok(accs)
                },
            )
            .collect::<Result<Vec<_>>>()?;
        let mut total = fresh();
        for part in &partials {
            total = total
                .into_iter()
                .zip(part)
                .map(|(a, b)| a.merge(b))
                .collect();
        }
        Ok(total.into_iter().map(Accumulator::finish).collect())
    }
}

/// Per-thread buffers of row-major encoded features.
#[derive(Default)]
pub(crate) struct Buffers {
    comparability: Vec<u16>,
    job: Vec<u16>,
}

/// A fitted pipeline bound to a population for scoring: features prepared once, and for
/// trees, scorers over rows laid out contiguously (each row walked down all three trees
/// while its features are in cache).
pub(crate) struct Scorer<'a> {
    fitted: &'a FittedPipeline,
    pop: &'a Population,
    pub(crate) comparability: PreparedFeatures,
    pub(crate) job: PreparedFeatures,
    trees: Option<[RowScorer; 3]>,
}

impl<'a> Scorer<'a> {
    pub(crate) fn new(fitted: &'a FittedPipeline, pop: &'a Population) -> Result<Scorer<'a>> {
        // Encode only what the models read: a tree splits on a few of its features.
        let mut job_names = fitted.job_find.model.used_features();
        job_names.extend(fitted.job_keep.model.used_features());
        let comparability = fitted
            .comparability_features
            .restricted_to(&fitted.comparability.model.used_features())
            .prepare(pop)?;
        let job = fitted.job_features.restricted_to(&job_names).prepare(pop)?;
        Self::with_features(fitted, pop, comparability, job)
    }

    /// A scorer over feature sets prepared beforehand (which must include every feature
    /// the models read): bootstrap replicates prepare the full sets once, since extra
    /// columns are costly to prepare and each replicate's trees split on other features.
    pub(crate) fn from_prepared(
        fitted: &'a FittedPipeline,
        pop: &'a Population,
        comparability: &PreparedFeatures,
        job: &PreparedFeatures,
    ) -> Result<Scorer<'a>> {
        let mut job_names = fitted.job_find.model.used_features();
        job_names.extend(fitted.job_keep.model.used_features());
        let comparability =
            comparability.restricted_to(&fitted.comparability.model.used_features());
        Self::with_features(fitted, pop, comparability, job.restricted_to(&job_names))
    }

    fn with_features(
        fitted: &'a FittedPipeline,
        pop: &'a Population,
        comparability: PreparedFeatures,
        job: PreparedFeatures,
    ) -> Result<Scorer<'a>> {
        let trees = match (
            fitted.comparability.model.as_tree(),
            fitted.job_find.model.as_tree(),
            fitted.job_keep.model.as_tree(),
        ) {
            (Some(c), Some(f), Some(k)) => Some([
                c.row_scorer(&comparability.template())?,
                f.row_scorer(&job.template())?,
                k.row_scorer(&job.template())?,
            ]),
            _ => None,
        };
        Ok(Scorer {
            fitted,
            pop,
            comparability,
            job,
            trees,
        })
    }

    pub(crate) fn score_chunk(
        &self,
        chunk: &[usize],
        b: &mut Buffers,
        out: &mut [PersonScores],
    ) -> Result<()> {
        let correct = |p: f64, q: f64, k: f64| PersonScores {
            comparable: self.fitted.correction.apply(p),
            find: q,
            keep: k,
        };
        let f = self.fitted;
        match &self.trees {
            Some([c, find, keep]) => {
                let (wc, wj) = (self.comparability.width().max(1), self.job.width().max(1));
                self.comparability
                    .encode_rows(self.pop, chunk, &mut b.comparability)?;
                self.job.encode_rows(self.pop, chunk, &mut b.job)?;
                // A width of 0 (single-leaf trees) is read as one column of zeros.
                b.comparability.resize(chunk.len() * wc, 0);
                b.job.resize(chunk.len() * wj, 0);
                let rows = b.comparability.chunks_exact(wc).zip(b.job.chunks_exact(wj));
                for (o, (rc, rj)) in out.iter_mut().zip(rows) {
                    *o = correct(c.predict(rc), find.predict(rj), keep.predict(rj));
                }
            }
            None => {
                let xc = self.comparability.encode(self.pop, chunk)?;
                let p = f.comparability.model.try_predict_proba(&xc)?;
                let xj = self.job.encode(self.pop, chunk)?;
                let q = f.job_find.model.try_predict_proba(&xj)?;
                let k = f.job_keep.model.try_predict_proba(&xj)?;
                for (o, ((&p, &q), &k)) in out.iter_mut().zip(p.iter().zip(&q).zip(&k)) {
                    *o = correct(p, q, k);
                }
            }
        }
        Ok(())
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
