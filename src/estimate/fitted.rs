//! Fitted models bound together: a [`FittedStage`] per model, the [`FittedPipeline`] of
//! the three with the correction, and the scoring of populations with it (the per-person
//! scores and the expected counts). Knows nothing of how the models were trained; the
//! training data, the bootstrap and the parameters of a run sit above it.

use rayon::prelude::*;
use serde::Serialize;

use super::aggregate::{Accumulator, PersonScores, PopulationEstimate};
use super::correction::CorrectionFactor;
use super::hours::HoursModel;
use super::populations::ScoredPopulation;
use crate::error::Result;
use crate::model::metrics::Validation;
use crate::model::{
    ClassificationTree, FeatureMatrix, FeatureSet, FittedModel, LeafMask, LeafMasks,
    PreparedFeatures, ALL_LEAVES,
};
use crate::schema::Population;

/// Rows per parallel task when scoring; the sums of [`FittedPipeline::estimate`] are
/// merged in these chunks' order.
const SCORE_CHUNK: usize = 1 << 13;

/// Rows whose leaf masks are built together: 32 KB of masks stay in the core's L1 cache.
const MASK_CHUNK: usize = 1 << 10;

/// A fitted model with how it was trained and how it validated.
#[derive(Debug, Clone, Serialize)]
pub struct FittedStage {
    /// `comparability`, `job-find` or `job-keep`.
    pub name: &'static str,
    /// The fitted model.
    pub model: FittedModel,
    /// Metrics on the held-out part.
    pub validation: Validation,
    /// Rows the model was fitted on.
    pub n_train: usize,
    /// Held-out rows it was validated on.
    pub n_validate: usize,
    /// Persons eligible to train on, and the positives among them.
    pub eligible: usize,
    /// Of the eligible persons, those with the positive outcome.
    pub eligible_positive: usize,
}

/// The three fitted models and the correction: everything needed to score any population.
#[derive(Debug, Clone, Serialize)]
pub struct FittedPipeline {
    /// The comparability model (method 1).
    pub comparability: FittedStage,
    /// The job-find model (method 3).
    pub job_find: FittedStage,
    /// The job-keep model (method 4).
    pub job_keep: FittedStage,
    /// The correction of the comparability probabilities (method 2).
    pub correction: CorrectionFactor,
    /// The hours model of banen on the job features; `None` without `job_hours_per_week`.
    #[serde(skip)]
    pub hours: Option<HoursModel>,
    comparability_features: FeatureSet,
    job_features: FeatureSet,
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
            hours: None,
            comparability_features,
            job_features,
        }
    }

    /// The same pipeline with an hours model (banen are then estimated), or without.
    pub fn with_hours(mut self, hours: Option<HoursModel>) -> FittedPipeline {
        self.hours = hours;
        self
    }

    /// The job features every job model (and the hours model) reads.
    fn job_names(&self) -> Vec<String> {
        let mut names = self.job_find.model.used_features();
        names.extend(self.job_keep.model.used_features());
        if let Some(h) = &self.hours {
            names.extend(h.tree.used_features());
        }
        names
    }

    /// The three probabilities of the given rows: corrected comparability, job-find and
    /// job-keep, in row order.
    pub fn score(&self, pop: &Population, rows: &[usize]) -> Result<Vec<PersonScores>> {
        // Filled in parallel: most of a fresh buffer's cost is its first touch.
        let mut out = Vec::new();
        out.par_extend(rayon::iter::repeat_n(PersonScores::default(), rows.len()));
        self.score_into(pop, rows, &mut out)?;
        Ok(out)
    }

    /// [`FittedPipeline::score`] into a buffer of one score per row, which saves a fresh
    /// buffer's allocation when scoring again and again.
    ///
    /// # Errors
    /// As [`FittedPipeline::score`], and [`Error::ModelInput`](crate::Error::ModelInput)
    /// when `out` does not have one score per row.
    pub fn score_into(
        &self,
        pop: &Population,
        rows: &[usize],
        out: &mut [PersonScores],
    ) -> Result<()> {
        if out.len() != rows.len() {
            return Err(crate::Error::ModelInput(format!(
                "{} rows to score into a buffer of {} scores",
                rows.len(),
                out.len()
            )));
        }
        let scorer = Scorer::new(self, pop)?;
        out.par_chunks_mut(SCORE_CHUNK)
            .zip(rows.par_chunks(SCORE_CHUNK))
            .try_for_each_init(Buffers::default, |b, (out, chunk)| {
                scorer.score_chunk(chunk, b, out)
            })
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

/// Per-thread buffers: each row's leaves still standing.
#[derive(Default)]
pub(crate) struct Buffers {
    leaves: Vec<LeafMask>,
}

/// A fitted pipeline bound to a population for scoring: features prepared once, and for
/// trees, their leaf masks over one layout of every feature they read (the rows are then
/// scored column by column, see [`LeafMasks`]).
pub(crate) struct Scorer<'a> {
    fitted: &'a FittedPipeline,
    pop: &'a Population,
    pub(crate) comparability: PreparedFeatures,
    pub(crate) job: PreparedFeatures,
    /// The layout of the trees' features and their masks over it; `None` for other
    /// models and for trees with more leaves than a mask holds.
    masks: Option<(PreparedFeatures, LeafMasks)>,
}

impl<'a> Scorer<'a> {
    pub(crate) fn new(fitted: &'a FittedPipeline, pop: &'a Population) -> Result<Scorer<'a>> {
        // Encode only what the models read: a tree splits on a few of its features.
        let job_names = fitted.job_names();
        let comparability = fitted
            .comparability_features
            .restricted_to(&fitted.comparability.model.used_features())
            .prepare(pop)?;
        let job = fitted.job_features.restricted_to(&job_names).prepare(pop)?;
        Self::with_features(fitted, pop, comparability, job)
    }

    /// A scorer over feature sets prepared beforehand (which must include every feature
    /// the models read): bootstrap replicates prepare the full sets once, since extra
    /// columns are costly to prepare and each replicate's models read other features.
    pub(crate) fn from_prepared(
        fitted: &'a FittedPipeline,
        pop: &'a Population,
        comparability: &PreparedFeatures,
        job: &PreparedFeatures,
    ) -> Result<Scorer<'a>> {
        let job_names = fitted.job_names();
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
        let masks = match fitted.trees() {
            Some(trees) => {
                let layout = comparability.union(&job);
                LeafMasks::new(&trees, &layout.template())?.map(|m| (layout, m))
            }
            None => None,
        };
        Ok(Scorer {
            fitted,
            pop,
            comparability,
            job,
            masks,
        })
    }

    pub(crate) fn score_chunk(
        &self,
        chunk: &[usize],
        b: &mut Buffers,
        out: &mut [PersonScores],
    ) -> Result<()> {
        let f = self.fitted;
        let out = &mut out[..chunk.len()];
        if let Some((layout, masks)) = &self.masks {
            for (chunk, out) in chunk.chunks(MASK_CHUNK).zip(out.chunks_mut(MASK_CHUNK)) {
                b.leaves.clear();
                b.leaves.resize(chunk.len(), ALL_LEAVES);
                for (k, position) in masks.positions().enumerate() {
                    let sink = masks.column(k).rule_out(&mut b.leaves);
                    layout.for_each_code(self.pop, chunk, position, sink)?;
                }
                f.scores_of_leaves(masks, &b.leaves, out);
            }
            return Ok(());
        }
        let xc = self.comparability.encode(self.pop, chunk)?;
        let p = f.comparability.model.try_predict_proba(&xc)?;
        let xj = self.job.encode(self.pop, chunk)?;
        let q = f.job_find.model.try_predict_proba(&xj)?;
        let k = f.job_keep.model.try_predict_proba(&xj)?;
        let h = match &f.hours {
            Some(h) => Some(h.tree.predict(&xj)?),
            None => None,
        };
        for (j, (o, ((&p, &q), &k))) in out.iter_mut().zip(p.iter().zip(&q).zip(&k)).enumerate() {
            *o = PersonScores {
                comparable: f.correction.apply(p),
                find: q,
                keep: k,
                hours: h.as_ref().map(|h| h[j]),
            };
        }
        Ok(())
    }
}

impl FittedPipeline {
    /// The trees in the order [`FittedPipeline::scores_of_leaves`] reads their masks:
    /// comparability, job-find, job-keep and the hours tree if any; `None` unless the
    /// three models are trees.
    fn trees(&self) -> Option<Vec<&ClassificationTree>> {
        let mut trees = vec![
            self.comparability.model.as_tree()?,
            self.job_find.model.as_tree()?,
            self.job_keep.model.as_tree()?,
        ];
        trees.extend(self.hours.as_ref().map(|h| h.tree.shape()));
        Some(trees)
    }

    /// The scores of rows from the leaves their masks leave in [`FittedPipeline::trees`].
    fn scores_of_leaves(&self, masks: &LeafMasks, leaves: &[LeafMask], out: &mut [PersonScores]) {
        let hours = self.hours.is_some();
        for (o, m) in out.iter_mut().zip(leaves) {
            *o = PersonScores {
                comparable: self.correction.apply(masks.value(0, m)),
                find: masks.value(1, m),
                keep: masks.value(2, m),
                hours: hours.then(|| masks.value(3, m)),
            };
        }
    }
}

/// Rows of a population encoded once, a column per feature of both feature sets:
/// bootstrap replicates score the same rows with many pipelines, whose trees split on
/// different features, and need not encode them again each time.
pub(crate) struct EncodedRows {
    columns: FeatureMatrix,
}

impl EncodedRows {
    /// Encodes `rows` under the union of `fitted`'s feature sets.
    pub(crate) fn new(
        fitted: &FittedPipeline,
        pop: &Population,
        rows: &[usize],
    ) -> Result<EncodedRows> {
        let union = FeatureSet::new(
            fitted
                .comparability_features
                .features()
                .iter()
                .chain(fitted.job_features.features())
                .cloned(),
        );
        Ok(EncodedRows {
            columns: union.prepare(pop)?.encode(pop, rows)?,
        })
    }

    /// A scorer of these rows under `fitted`, whose models must all be trees of at most
    /// [`MASK_LEAVES`](crate::model::MASK_LEAVES) leaves (other models score whole
    /// matrices, see [`Scorer`]).
    ///
    /// # Errors
    /// [`Error::ModelInput`](crate::Error::ModelInput) when a model is not such a tree.
    pub(crate) fn scorer<'e>(&'e self, fitted: &'e FittedPipeline) -> Result<EncodedScorer<'e>> {
        let not_trees = || {
            crate::Error::ModelInput(
                "rows encoded once are scored by trees of at most 64 leaves only".into(),
            )
        };
        let trees = fitted.trees().ok_or_else(not_trees)?;
        let masks = LeafMasks::new(&trees, &self.columns)?.ok_or_else(not_trees)?;
        Ok(EncodedScorer {
            rows: self,
            fitted,
            masks,
        })
    }
}

/// Tree models bound to the columns of [`EncodedRows`].
pub(crate) struct EncodedScorer<'e> {
    rows: &'e EncodedRows,
    fitted: &'e FittedPipeline,
    masks: LeafMasks,
}

impl EncodedScorer<'_> {
    /// The scores of rows `start..start + out.len()` of the encoded rows; `leaves` is a
    /// buffer.
    pub(crate) fn score_range(
        &self,
        start: usize,
        leaves: &mut Vec<LeafMask>,
        out: &mut [PersonScores],
    ) {
        leaves.clear();
        leaves.resize(out.len(), ALL_LEAVES);
        let columns = self.rows.columns.columns();
        for (k, position) in self.masks.positions().enumerate() {
            let codes = &columns[position].values[start..start + out.len()];
            codes
                .iter()
                .copied()
                .for_each(self.masks.column(k).rule_out(leaves));
        }
        self.fitted.scores_of_leaves(&self.masks, leaves, out);
    }
}
