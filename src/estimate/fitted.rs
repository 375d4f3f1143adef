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
use crate::model::{FeatureSet, FittedModel, PreparedFeatures, RowScorer};
use crate::schema::Population;

/// Rows scored at a time by one thread: their encoded features (about 40 bytes a row)
/// stay in the core's cache.
const SCORE_CHUNK: usize = 1 << 13;

/// Rows walked down a tree together when scoring.
const LANES: usize = 4;

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
    /// The hours tree over the job rows' layout, with the trees.
    hours: Option<RowScorer>,
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
    /// columns are costly to prepare and each replicate's trees split on other features.
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
        let hours = match (&trees, &fitted.hours) {
            (Some(_), Some(h)) => Some(h.tree.row_scorer(&job.template())?),
            _ => None,
        };
        Ok(Scorer {
            fitted,
            pop,
            comparability,
            job,
            trees,
            hours,
        })
    }

    /// The scores of persons from their encoded rows under the comparability layout
    /// (`comparability`, `wc` values a row) and the job layout (`job`, `wj` a row), for
    /// tree models (`trees` and `hours` bound to those layouts). Rows go down the trees
    /// [`LANES`] at a time.
    fn score_rows(
        correction: &CorrectionFactor,
        [c, find, keep]: &[RowScorer; 3],
        hours: Option<&RowScorer>,
        (comparability, wc): (&[u16], usize),
        (job, wj): (&[u16], usize),
        out: &mut [PersonScores],
    ) {
        let person = |p: f64, q: f64, k: f64, h: Option<f64>| PersonScores {
            comparable: correction.apply(p),
            find: q,
            keep: k,
            hours: h,
        };
        let done = out.len() - out.len() % LANES;
        let mut blocks = out.chunks_exact_mut(LANES);
        for (b, block) in blocks.by_ref().enumerate() {
            let rc: [&[u16]; LANES] = std::array::from_fn(|l| {
                let i = b * LANES + l;
                &comparability[i * wc..(i + 1) * wc]
            });
            let rj: [&[u16]; LANES] = std::array::from_fn(|l| {
                let i = b * LANES + l;
                &job[i * wj..(i + 1) * wj]
            });
            let (p, q, k) = (
                c.predict_many(rc),
                find.predict_many(rj),
                keep.predict_many(rj),
            );
            let h = hours.map(|h| h.predict_many(rj));
            for (l, o) in block.iter_mut().enumerate() {
                *o = person(p[l], q[l], k[l], h.map(|h| h[l]));
            }
        }
        for (i, o) in out.iter_mut().enumerate().skip(done) {
            let (rc, rj) = (
                &comparability[i * wc..(i + 1) * wc],
                &job[i * wj..(i + 1) * wj],
            );
            *o = person(
                c.predict(rc),
                find.predict(rj),
                keep.predict(rj),
                hours.map(|h| h.predict(rj)),
            );
        }
    }

    pub(crate) fn score_chunk(
        &self,
        chunk: &[usize],
        b: &mut Buffers,
        out: &mut [PersonScores],
    ) -> Result<()> {
        let f = self.fitted;
        match &self.trees {
            Some(trees) => {
                let (wc, wj) = (self.comparability.width().max(1), self.job.width().max(1));
                self.comparability
                    .encode_rows(self.pop, chunk, &mut b.comparability)?;
                self.job.encode_rows(self.pop, chunk, &mut b.job)?;
                // A width of 0 (single-leaf trees) is read as one column of zeros.
                b.comparability.resize(chunk.len() * wc, 0);
                b.job.resize(chunk.len() * wj, 0);
                Self::score_rows(
                    &f.correction,
                    trees,
                    self.hours.as_ref(),
                    (&b.comparability, wc),
                    (&b.job, wj),
                    &mut out[..chunk.len()],
                );
            }
            None => {
                let xc = self.comparability.encode(self.pop, chunk)?;
                let p = f.comparability.model.try_predict_proba(&xc)?;
                let xj = self.job.encode(self.pop, chunk)?;
                let q = f.job_find.model.try_predict_proba(&xj)?;
                let k = f.job_keep.model.try_predict_proba(&xj)?;
                let h = match &f.hours {
                    Some(h) => Some(h.tree.predict(&xj)?),
                    None => None,
                };
                for (j, (o, ((&p, &q), &k))) in
                    out.iter_mut().zip(p.iter().zip(&q).zip(&k)).enumerate()
                {
                    *o = PersonScores {
                        comparable: f.correction.apply(p),
                        find: q,
                        keep: k,
                        hours: h.as_ref().map(|h| h[j]),
                    };
                }
            }
        }
        Ok(())
    }
}

/// Rows of a population encoded once, row-major, in one layout holding every feature of
/// both feature sets: bootstrap replicates score the same rows with many pipelines, whose
/// trees split on different features, and need not encode them again each time.
pub(crate) struct EncodedRows {
    layout: PreparedFeatures,
    width: usize,
    values: Vec<u16>,
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
        let layout = union.prepare(pop)?;
        // A width of 0 is read as one column of zeros, as in `Scorer::score_chunk`.
        let width = layout.width().max(1);
        let mut values = vec![0u16; rows.len() * width];
        values
            .par_chunks_mut(SCORE_CHUNK * width)
            .zip(rows.par_chunks(SCORE_CHUNK))
            .try_for_each_init(Vec::new, |buf, (out, chunk)| -> Result<()> {
                layout.encode_rows(pop, chunk, buf)?;
                if layout.width() > 0 {
                    out.copy_from_slice(buf);
                }
                Ok(())
            })?;
        Ok(EncodedRows {
            layout,
            width,
            values,
        })
    }

    /// A scorer of these rows under `fitted`, whose models must all be trees (other
    /// models score whole matrices, see [`Scorer`]).
    ///
    /// # Errors
    /// [`Error::ModelInput`](crate::Error::ModelInput) when a model is not a tree.
    pub(crate) fn scorer<'e>(&'e self, fitted: &'e FittedPipeline) -> Result<EncodedScorer<'e>> {
        let template = self.layout.template();
        let (Some(c), Some(f), Some(k)) = (
            fitted.comparability.model.as_tree(),
            fitted.job_find.model.as_tree(),
            fitted.job_keep.model.as_tree(),
        ) else {
            return Err(crate::Error::ModelInput(
                "rows encoded once are scored by trees only".into(),
            ));
        };
        let trees = [
            c.row_scorer(&template)?,
            f.row_scorer(&template)?,
            k.row_scorer(&template)?,
        ];
        let hours = match &fitted.hours {
            Some(h) => Some(h.tree.row_scorer(&template)?),
            None => None,
        };
        Ok(EncodedScorer {
            rows: self,
            correction: fitted.correction,
            trees,
            hours,
        })
    }
}

/// Tree models bound to the layout of [`EncodedRows`].
pub(crate) struct EncodedScorer<'e> {
    rows: &'e EncodedRows,
    correction: CorrectionFactor,
    trees: [RowScorer; 3],
    hours: Option<RowScorer>,
}

impl EncodedScorer<'_> {
    /// The scores of rows `start..start + out.len()` of the encoded rows.
    pub(crate) fn score_range(&self, start: usize, out: &mut [PersonScores]) {
        let w = self.rows.width;
        let values = &self.rows.values[start * w..(start + out.len()) * w];
        Scorer::score_rows(
            &self.correction,
            &self.trees,
            self.hours.as_ref(),
            (values, w),
            (values, w),
            out,
        );
    }
}
