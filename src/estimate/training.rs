//! The rows a model learns from, drawn and encoded once, and their bootstrap resamples.
//!
//! A [`TrainingData`] is one stage's seeded sample and 80/20 split
//! ([`TrainingDesign::split`]) with its features encoded: matrix rows `0..n_train` are the
//! training part, the rest the held-out part. Fitting on it gives the stage's
//! [`FittedStage`]; a bootstrap replicate refits on [`TrainingData::bootstrap_rows`], which
//! resamples the training rows with replacement within each class. Repeated row indices
//! count as weights in both model families, so a replicate copies no features; trees
//! draw the same resample as counts over patterns of identical rows instead
//! ([`TrainingData::bootstrap_counts`], `resample`).
//!
//! **Class sizes.** The design fixes the sample's class sizes at the population's shares,
//! so a resample keeps the design's shares up to the uncertainty of the population's own
//! share: the population's register members are one realisation of who registers, and
//! the number of them is as uncertain as any leaf count. A replicate's number of positives
//! is the design's plus a normal deviate with variance phi n s (1 - s), with n the
//! training rows, s their positive share and phi the sampling fraction (sample size over
//! eligible persons). With a sample of 1,000,000 from 12 million (phi about 0.09) the
//! shares barely move and the bootstrap is the stratified one of the design; with the
//! whole population as sample (phi = 1, and always for the job cohorts) the class sizes
//! vary as in an ordinary bootstrap of all rows. Holding them fixed there measurably
//! under-covers: on known truth (`tests/it/coverage.rs`) the intervals of a population spread
//! evenly over the leaves (NUG) were half as wide as its real error, because the total
//! number of register members is the main uncertainty of its count.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::correction::LabellingRate;
use super::draws::UniformDraws;
use super::fitted::FittedStage;
use super::level::ConfidenceLevel;
use crate::error::{Error, Result};
use crate::model::design::{SampleSize, TrainingDesign};
use crate::model::metrics::Validation;
use crate::model::{FeatureMatrix, FeatureSet, FittedModel, ModelSpec};
use crate::schema::{Person, Population};

/// Added to the design's seed for the bootstrap's random streams, so that they never
/// coincide with the streams of the sample and split (which use the seed itself).
const BOOTSTRAP_SEED_OFFSET: u64 = 0x626f_6f74_7374_7270;

/// Streams per replicate: a stage's training resample uses `stage`, its held-out resample
/// `stage + 4`.
const STREAMS_PER_REPLICATE: u64 = 8;

/// One model's sample, split and encoded features.
///
/// ```
/// use banenafspraak::estimate::{EstimationParams, TrainingData};
/// use banenafspraak::synth::SynthParams;
/// let pop = SynthParams { persons: 20_000, seed: 3, ..SynthParams::default() }.generate()?;
/// let params = EstimationParams::default();
/// let data = TrainingData::comparability(&params, &pop)?;
/// // A replicate: as many rows as the training part, with both classes.
/// let rows = data.bootstrap_rows(params.design.seed, 0);
/// assert_eq!(rows.len(), data.n_train);
/// assert!(rows.iter().any(|&r| data.labels[r]) && rows.iter().any(|&r| !data.labels[r]));
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TrainingData {
    /// `comparability`, `job-find` or `job-keep`.
    pub name: &'static str,
    /// The random stream of this stage's split (0, 1, 2); its bootstrap streams derive from it.
    pub stream: u64,
    /// Encoded features of the training rows, then the held-out rows.
    pub x: FeatureMatrix,
    /// Outcome of every matrix row.
    pub labels: Vec<bool>,
    /// Population row of every matrix row.
    pub rows: Vec<usize>,
    /// Matrix rows `0..n_train` are the training part.
    pub n_train: usize,
    /// Persons eligible to train on, and the positives among them.
    pub eligible: usize,
    /// Of the eligible persons, those with the positive outcome.
    pub eligible_positive: usize,
    /// Set when the requested sample was larger than the eligible population.
    pub used_all: bool,
    /// Share of the eligible persons in the sample (training and held out), in (0, 1].
    pub sampling_fraction: f64,
}

impl TrainingData {
    /// The rows as the hours model reads them (job-keep data: the outcome is "kept").
    pub fn keep_rows(&self) -> super::hours::KeepRows<'_> {
        super::hours::KeepRows {
            x: &self.x,
            kept: &self.labels,
            rows: &self.rows,
            n_train: self.n_train,
        }
    }
}

impl TrainingData {
    /// Draws, splits and encodes the persons `label` gives a class, and checks that
    /// `spec` can learn from them.
    pub fn draw(
        name: &'static str,
        pop: &Population,
        spec: &ModelSpec,
        features: &FeatureSet,
        design: &TrainingDesign,
        stream: u64,
        label: fn(&Person<'_>) -> Option<bool>,
    ) -> Result<TrainingData> {
        let split = design.split(pop, stream, label)?;
        let training_error = |reason: String| Error::Training {
            model: name,
            reason,
        };
        let who = match name {
            "comparability" => "persons aged 16-66 (register members outside wajong, wsw, wiw_id vs non-members)",
            "job-find" => "register entrants of the year before the reference year (not praktijkroute) with found_job_within_year",
            _ => "register members (not wajong, wsw, wiw_id) with kept_job_one_year",
        };
        if split.eligible_positive == 0 || split.eligible_positive == split.eligible {
            let missing = if split.eligible_positive == 0 {
                "no positives"
            } else {
                "no negatives"
            };
            return Err(training_error(format!(
                "{missing} among the {} eligible {who}; a model needs both outcomes",
                split.eligible
            )));
        }
        let needed = spec.min_training_rows();
        if split.train.len() < needed {
            return Err(training_error(format!(
                "{} persons to train on ({} eligible {who}); this {} needs at least {needed}{}",
                split.train.len(),
                split.eligible,
                spec.family(),
                if spec.family() == "tree" {
                    " (two leaves of the minimum leaf size): lower the minimum leaf size"
                } else {
                    ""
                }
            )));
        }
        let (rows, labels) = split.rows_and_labels();
        let x = features.encode(pop, &rows)?;
        let sampling_fraction = rows.len() as f64 / split.eligible.max(1) as f64;
        Ok(TrainingData {
            name,
            stream,
            x,
            labels,
            rows,
            n_train: split.train.len(),
            eligible: split.eligible,
            eligible_positive: split.eligible_positive,
            used_all: split.used_all && design.sample_size != SampleSize::All,
            sampling_fraction,
        })
    }

    /// The training part's matrix rows, `0..n_train`.
    pub fn train_rows(&self) -> Vec<usize> {
        (0..self.n_train).collect()
    }

    /// Matrix rows of the held-out positives.
    pub fn held_out_positives(&self) -> Vec<usize> {
        (self.n_train..self.labels.len())
            .filter(|&r| self.labels[r])
            .collect()
    }

    /// Fits `spec` on the training part and validates it on the held-out part.
    pub fn fit(&self, spec: &ModelSpec) -> Result<FittedStage> {
        let model = spec.fit(&self.x, &self.labels, &self.train_rows())?;
        let p = model.try_predict_proba(&self.x)?;
        let validation = Validation::compute(&self.labels[self.n_train..], &p[self.n_train..]);
        Ok(FittedStage {
            name: self.name,
            model,
            validation,
            n_train: self.n_train,
            n_validate: self.labels.len() - self.n_train,
            eligible: self.eligible,
            eligible_positive: self.eligible_positive,
        })
    }

    /// Fits `spec` on the given matrix rows (a bootstrap resample), without validation.
    pub fn refit(&self, spec: &ModelSpec, rows: &[usize]) -> Result<FittedModel> {
        spec.fit(&self.x, &self.labels, rows)
    }

    /// Bootstrap replicate `replicate`: the training part resampled with replacement
    /// within each class, as ascending matrix rows (a row drawn k times appears k times).
    /// The rows of [`TrainingData::bootstrap_times`].
    pub fn bootstrap_rows(&self, seed: u64, replicate: u64) -> Vec<usize> {
        expand(&self.bootstrap_times(seed, replicate))
    }

    /// Bootstrap replicate `replicate` as how often each training row is drawn (the
    /// counts of [`TrainingData::bootstrap_counts`] with a group for every row).
    pub fn bootstrap_times(&self, seed: u64, replicate: u64) -> Vec<u32> {
        let classes = self.class_rows();
        let ones = classes.each_ref().map(|rows| vec![1; rows.len()]);
        let counts = self.bootstrap_counts(seed, replicate, [&ones[0], &ones[1]]);
        let mut times = vec![0u32; self.n_train];
        for (rows, counts) in classes.iter().zip(&counts) {
            for (&r, &c) in rows.iter().zip(counts) {
                times[r as usize] = c;
            }
        }
        times
    }

    /// The training rows of each class (negatives, positives), ascending.
    pub fn class_rows(&self) -> [Vec<u32>; 2] {
        // The training part has fewer than 2^32 rows (u32 row ids throughout the fit).
        let rows =
            |y: bool| (0..self.n_train as u32).filter(move |&r| self.labels[r as usize] == y);
        [rows(false).collect(), rows(true).collect()]
    }

    /// Bootstrap replicate `replicate`: the training part resampled with replacement
    /// within each class, as many rows as the training part, counted over groups of each
    /// class's rows (`groups[0]` the sizes of the negatives' groups, `groups[1]` the
    /// positives'; they hold all training rows). The counts have the distribution of
    /// rows drawn one at a time and summed by group, and are drawn a group at a time
    /// (`draws`). The class sizes vary with variance phi n s (1 - s) around the design's
    /// (see the module doc). Seeded by (`seed`, this stage, `replicate`) only, so it does
    /// not depend on threads or on other replicates.
    pub fn bootstrap_counts(
        &self,
        seed: u64,
        replicate: u64,
        groups: [&[u32]; 2],
    ) -> [Vec<u32>; 2] {
        let [negatives, positives] =
            groups.map(|sizes| sizes.iter().map(|&m| m as usize).sum::<usize>());
        debug_assert_eq!(negatives + positives, self.n_train);
        let mut rng = self.rng(seed, replicate, 0);
        let n = self.n_train as f64;
        let s = positives as f64 / n;
        let sd = (self.sampling_fraction.clamp(0.0, 1.0) * n * s * (1.0 - s)).sqrt();
        // Both classes stay present, so every replicate can be fitted.
        let n_pos = if positives == 0 || negatives == 0 {
            positives
        } else {
            let drawn = (positives as f64 + sd * standard_normal(&mut rng)).round();
            drawn.clamp(1.0, (self.n_train - 1) as f64) as usize
        };
        let mut draws = UniformDraws::new(rng);
        let drawn_positives = draws.counts_over_groups(groups[1], n_pos);
        let drawn_negatives = draws.counts_over_groups(groups[0], self.n_train - n_pos);
        [drawn_negatives, drawn_positives]
    }

    /// The held-out positives resampled with replacement for replicate `replicate`, as
    /// indices into [`TrainingData::held_out_positives`] (ascending).
    pub fn bootstrap_held_out(&self, seed: u64, replicate: u64, m: usize) -> Vec<usize> {
        let mut times = vec![0u32; m];
        UniformDraws::new(self.rng(seed, replicate, 4)).draw(m, m, |i| times[i] += 1);
        expand(&times)
    }

    fn rng(&self, seed: u64, replicate: u64, sub: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(BOOTSTRAP_SEED_OFFSET));
        rng.set_stream(replicate * STREAMS_PER_REPLICATE + self.stream + sub);
        rng
    }

    /// The given matrix rows as a matrix of their own (for scoring a few rows often).
    pub fn select(&self, rows: &[usize]) -> FeatureMatrix {
        self.x.select_rows(rows)
    }
}

/// Elkan and Noto's labelling rate of a comparability model: its mean score over the
/// held-out register members, with the normal interval of that mean at `level`.
pub(crate) fn labelling_rate(
    data: &TrainingData,
    model: &FittedModel,
    level: ConfidenceLevel,
) -> Result<LabellingRate> {
    let held_out = data.select(&data.held_out_positives());
    LabellingRate::from_scores(&model.try_predict_proba(&held_out)?, level)
}

/// A standard normal deviate (Box-Muller).
fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Row `i` repeated `times[i]` times, ascending.
fn expand(times: &[u32]) -> Vec<usize> {
    let mut rows = Vec::with_capacity(times.len());
    for (i, &k) in times.iter().enumerate() {
        rows.extend(std::iter::repeat_n(i, k as usize));
    }
    rows
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::estimate::EstimationParams;
    use crate::synth::SynthParams;

    /// The comparability stage's training data of a small synthetic population.
    pub(in crate::estimate) fn comparability_data(persons: usize) -> TrainingData {
        let pop = SynthParams {
            persons,
            seed: 5,
            ..SynthParams::default()
        }
        .generate()
        .unwrap();
        let mut params = EstimationParams::default();
        params.set_min_leaf(50, 10);
        TrainingData::comparability(&params, &pop).unwrap()
    }

    #[test]
    fn bootstrap_rows_are_seeded_per_replicate_and_keep_class_sizes() {
        let data = comparability_data(8_000);
        let a = data.bootstrap_rows(1, 0);
        assert_eq!(a, data.bootstrap_rows(1, 0));
        assert_ne!(a, data.bootstrap_rows(1, 1));
        assert_ne!(a, data.bootstrap_rows(2, 0));
        assert!(a.windows(2).all(|w| w[0] <= w[1]));
        // The whole population is the sample (phi = 1): the positives vary as in an
        // ordinary bootstrap, sd sqrt(n s (1 - s)).
        assert_eq!(data.sampling_fraction, 1.0);
        let pos = |rows: &[usize]| rows.iter().filter(|&&r| data.labels[r]).count() as f64;
        let n = data.n_train as f64;
        let s = pos(&data.train_rows()) / n;
        let draws: Vec<f64> = (0..200).map(|r| pos(&data.bootstrap_rows(1, r))).collect();
        let mean = draws.iter().sum::<f64>() / 200.0;
        let sd = (draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / 199.0).sqrt();
        let want = (n * s * (1.0 - s)).sqrt();
        assert!((mean - n * s).abs() < 0.3 * want, "{mean} vs {}", n * s);
        assert!((sd / want - 1.0).abs() < 0.2, "{sd} vs {want}");
        // A stratified design sample (phi small) keeps the class sizes nearly fixed.
        let mut small = data.clone();
        small.sampling_fraction = 1e-6;
        assert!((pos(&small.bootstrap_rows(1, 0)) - n * s).abs() <= 1.0);
        // About 1 - 1/e of the rows are drawn at least once.
        let mut distinct = a.clone();
        distinct.dedup();
        let share = distinct.len() as f64 / a.len() as f64;
        assert!((share - 0.632).abs() < 0.03, "{share}");
        let m = data.held_out_positives().len();
        assert!(m > 0);
        let h = data.bootstrap_held_out(1, 0, m);
        assert_eq!(h.len(), m);
        assert!(h.iter().all(|&i| i < m));
    }
}
