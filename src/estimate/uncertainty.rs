//! How sure the expected counts are (method section 6).
//!
//! Three different quantities, each with its own meaning:
//!
//! - **Bootstrap intervals** ([`Intervals::Bootstrap`], the default): the training samples
//!   of the three models are resampled with replacement within each class, all three
//!   models are refitted (tree shapes included), the correction is recomputed (the
//!   register-size factor is a population ratio and does not change; the Elkan-Noto rate
//!   does, so the held-out register members are resampled too), every population is
//!   re-scored and every count re-added. The 2.5% and 97.5% percentiles of the replicates
//!   form the 95% interval. It covers the *sampling error of the fitted models*: how much
//!   the counts would differ had the models been trained on another sample of the same
//!   design. It treats the scored persons as fixed, and it does not cover the assumption
//!   behind the correction (see the sensitivity table).
//!   Within each class the rows are drawn with replacement; the class sizes vary by as
//!   much as the population's own register share is uncertain (see
//!   [`TrainingData::bootstrap_counts`]; trees take the draws as counts over patterns of
//!   identical rows).
//! - **Leaf-rate variance** ([`CountVariances`] in
//!   [`ExpectedCounts::leaf_rate_variance`](super::ExpectedCounts::leaf_rate_variance),
//!   trees only): the same sampling error computed analytically with the tree shapes held
//!   fixed. Each leaf rate p_l is a proportion over the m_l training rows in the leaf,
//!   with variance p_l (1 - p_l) / m_l; a total over n_l scored persons in the leaf moves
//!   by n_l times it, so var(total) = sum over leaves of n_l^2 p_l (1 - p_l) / m_l, times
//!   f^2 for corrected counts (leaves capped at 1 contribute nothing). Finds and keeps add
//!   the job trees' leaves in the same way (delta method; the models' training samples
//!   are treated as independent). For Elkan-Noto the estimated c adds a term. It treats
//!   each leaf's training rows as a binomial sample, class sizes free; for a stratified
//!   sample from a much larger population it can exceed the bootstrap's spread, which
//!   holds the class sizes near the design's. With [`Intervals::Analytic`] the intervals
//!   are normal intervals from this variance.
//! - **Realised-count spread** ([`ExpectedCounts::comparable_variance`](
//!   super::ExpectedCounts::comparable_variance) = sum of c (1 - c)): how much the
//!   *number* of comparable persons would vary if each person were a Bernoulli draw with
//!   probability c. It is not an error of the estimate, which is an expected count.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::aggregate::{CountIntervals, CountVariances, ExpectedCounts, PopulationEstimate};
use super::bootstrap::{FitAndScore, Replicate, Resampling};
use super::correction::{Correction, LabellingInterval};
use super::fitted::{FittedPipeline, Scorer};
use super::level::{ConfidenceLevel, Interval};
use super::plan::ScoringPlan;
use super::populations::ScoredPopulation;
use super::progress::Step;
use super::training::TrainingData;
use crate::error::{Error, Result};
use crate::model::ClassificationTree;
use crate::schema::Population;

/// Rows per chunk of the analytic pass; fixed so that sums are added in the same order on
/// every machine.
const ANALYTIC_CHUNK: usize = 1 << 16;

/// Bootstrap replicates below which the run gets a note: the 2.5% and 97.5% percentiles
/// then rest on very few replicates.
pub const MIN_ADVISED_REPLICATES: usize = 200;

/// How the intervals of the expected counts are computed.
///
/// ```
/// use banenafspraak::estimate::Intervals;
/// assert_eq!(Intervals::default(), Intervals::Bootstrap { replicates: 200 });
/// assert!(Intervals::Bootstrap { replicates: 1 }.check().is_err());
/// assert!(Intervals::Analytic.check().is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intervals {
    /// Percentile intervals over bootstrap replicates of the training samples (refit all
    /// three models, recompute the correction, re-score, re-add). Seeded by the design's
    /// seed and the replicate number: the same on any number of threads.
    Bootstrap {
        /// Replicates to run (at least 2; 200 or more advised).
        replicates: usize,
    },
    /// Normal intervals from the analytic leaf-rate variance (trees only). Fast, but the
    /// tree shapes are held fixed, so the variation from choosing the splits is missed:
    /// for populations whose splits move from sample to sample the bootstrap's sd is up to
    /// several times the analytic one (`tests/it/uncertainty.rs`), and these intervals are too
    /// narrow there. Prefer the bootstrap for intervals to publish; its coverage is checked
    /// on known truth (`tests/it/coverage.rs`).
    Analytic,
    /// No intervals.
    None,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals::Bootstrap {
            replicates: MIN_ADVISED_REPLICATES,
        }
    }
}

impl Intervals {
    /// At least 2 bootstrap replicates.
    pub fn check(&self) -> Result<()> {
        match self {
            Intervals::Bootstrap { replicates } if *replicates < 2 => {
                Err(Error::InvalidParameter {
                    name: "replicates",
                    value: replicates.to_string(),
                    reason: "a bootstrap needs at least 2 replicates (200 or more advised)".into(),
                })
            }
            _ => Ok(()),
        }
    }
}

/// The bootstrap replicates' population totals, for a look at their distribution.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BootstrapDraws {
    /// Per replicate, per population (in the estimates' order): the totals of
    /// comparable, finds work and keeps work.
    pub totals: Vec<Vec<[f64; 3]>>,
    /// Per replicate, the Elkan-Noto labelling rate (empty for other corrections).
    pub labelling: Vec<f64>,
}

impl BootstrapDraws {
    /// The replicates' values of one population's total of measure `m` (0 comparable,
    /// 1 finds, 2 keeps).
    pub fn values(&self, population: usize, m: usize) -> Vec<f64> {
        self.totals.iter().map(|r| r[population][m]).collect()
    }
}

/// Which intervals a run computed, and what they mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UncertaintySummary {
    /// The method asked for.
    pub intervals: Intervals,
    /// The coverage the intervals aim at (95% unless asked otherwise).
    pub level: ConfidenceLevel,
    /// The seed of the bootstrap streams (the design's seed).
    pub seed: u64,
    /// Whether the analytic leaf-rate variance was computed (all three models trees).
    pub leaf_rate_variance: bool,
}

/// What [`attach`] adds to a run besides the intervals in the counts.
pub(crate) struct Attached {
    pub summary: UncertaintySummary,
    pub draws: Option<BootstrapDraws>,
    /// Notes for the user (e.g. few replicates).
    pub notes: Vec<String>,
}

impl UncertaintySummary {
    /// Sentences for readers: which intervals, and what each uncertainty quantity means.
    pub fn describe(&self) -> Vec<String> {
        let mut out = vec![match self.intervals {
            Intervals::Bootstrap { replicates } => format!(
                "Intervals: {} bootstrap percentile intervals, {replicates} replicates (seed {}): \
                 the training samples of the three models resampled within each class (class sizes \
                 varying only as much as the population's own register share), the models refitted \
                 and the populations re-scored. They cover the sampling error of the fitted models, \
                 not the choice of correction (see the sensitivity table).",
                self.level.percent(),
                self.seed
            ),
            Intervals::Analytic => format!(
                "Intervals: {} normal intervals from the analytic leaf-rate variance (tree \
                 shapes held fixed). They cover the sampling error of the fitted leaf rates, \
                 but not the choice of the splits (they can be too narrow; the bootstrap is the \
                 safer choice) nor the choice of correction.",
                self.level.percent()
            ),
            Intervals::None => "Intervals: not computed (--intervals none).".to_string(),
        }];
        if self.leaf_rate_variance {
            out.push(
                "Leaf-rate sd: the analytic standard error of the count from the trees' leaf \
                 rates, sqrt(sum over leaves of n_l^2 p_l (1 - p_l) / m_l) on the corrected scale: \
                 how much the count would move with another training sample, tree shapes held fixed."
                    .to_string(),
            );
        }
        if self.intervals != Intervals::None {
            out.push(
                "Realised sd: sqrt(sum of c (1 - c)), the spread of the number of comparable persons \
                 if each were comparable by chance with probability c; a property of the realised \
                 count, not an error of the expected count."
                    .to_string(),
            );
        }
        out
    }
}

/// The `q` quantile of sorted values, linear between order statistics (type 7).
///
/// ```
/// use banenafspraak::estimate::uncertainty::quantile;
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), 3.0);
/// assert_eq!(quantile(&[1.0, 2.0], 0.25), 1.25);
/// assert!(quantile(&[], 0.5).is_nan());
/// ```
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// The `level` percentile interval of replicate values (in any order): the quantiles at
/// the two tails, `(1 - level) / 2` and `(1 + level) / 2`.
///
/// ```
/// use banenafspraak::estimate::{uncertainty::percentile_interval, ConfidenceLevel};
/// let values: Vec<f64> = (0..=200).map(f64::from).collect();
/// let i = percentile_interval(&values, ConfidenceLevel::DEFAULT);
/// assert_eq!((i.low, i.high), (5.0, 195.0));
/// let i = percentile_interval(&values, ConfidenceLevel::new(0.9)?);
/// assert_eq!((i.low, i.high), (10.0, 190.0));
/// # Ok::<(), banenafspraak::Error>(())
/// ```
pub fn percentile_interval(values: &[f64], level: ConfidenceLevel) -> Interval {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let (low, high) = level.tails();
    Interval {
        low: quantile(&v, low),
        high: quantile(&v, high),
    }
}

/// A normal interval `value +- z sqrt(variance)` at `level`, clipped to `[0, max]`.
fn normal_interval(value: f64, variance: f64, max: f64, level: ConfidenceLevel) -> Interval {
    let half = level.z() * variance.max(0.0).sqrt();
    Interval {
        low: (value - half).max(0.0),
        high: (value + half).min(max),
    }
}

/// The three models as trees, if they all are.
fn trees(fitted: &FittedPipeline) -> Option<[&ClassificationTree; 3]> {
    Some([
        fitted.comparability.model.as_tree()?,
        fitted.job_find.model.as_tree()?,
        fitted.job_keep.model.as_tree()?,
    ])
}

/// The intervals a run asks for: the method and the confidence level.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IntervalRequest {
    pub intervals: Intervals,
    pub level: ConfidenceLevel,
}

/// Computes what `request` asks for and attaches it to the estimates of `scored` (and,
/// for the Elkan-Noto correction, the bootstrap interval of c to the correction).
pub(crate) fn attach(
    request: IntervalRequest,
    resampling: Resampling<'_>,
    pop: &Population,
    scored: &[ScoredPopulation],
    fitted: &mut FittedPipeline,
    populations: &mut [PopulationEstimate],
    progress: &mut dyn FnMut(Step),
) -> Result<Attached> {
    let IntervalRequest { intervals, level } = request;
    let mut attached = Attached {
        summary: UncertaintySummary {
            intervals,
            level,
            seed: resampling.seed,
            leaf_rate_variance: false,
        },
        draws: None,
        notes: Vec::new(),
    };
    if intervals == Intervals::None {
        return Ok(attached);
    }
    let plan = ScoringPlan::new(pop, scored);
    let variances = match trees(fitted) {
        Some(_) => {
            progress(Step::started("computing the leaf-rate variances"));
            Some(leaf_rate_variances(
                fitted,
                pop,
                &plan,
                Some(&resampling.data[0]),
            )?)
        }
        None if intervals == Intervals::Analytic => {
            return Err(analytic_needs_trees());
        }
        None => None,
    };
    if let Some(v) = &variances {
        attached.summary.leaf_rate_variance = true;
        plan.for_each_group(populations, |cell, c| c.leaf_rate_variance = Some(v[cell]));
    }
    match intervals {
        Intervals::Analytic => {
            plan.for_each_group(populations, |_, c| {
                c.intervals = Some(analytic_intervals(c, level))
            });
        }
        Intervals::Bootstrap { replicates } => {
            let fit_and_score = FitAndScore::new(resampling, pop, fitted, &plan)?;
            let reps = bootstrap(&fit_and_score, replicates, progress)?;
            plan.for_each_group(populations, |cell, c| {
                let values =
                    |m: usize| -> Vec<f64> { reps.iter().map(|r| r.cells[cell][m]).collect() };
                c.intervals = Some(CountIntervals {
                    comparable: percentile_interval(&values(0), level),
                    finds_work: percentile_interval(&values(2), level),
                    keeps_work: percentile_interval(&values(3), level),
                    banen: c.banen.map(|_| percentile_interval(&values(4), level)),
                    level,
                });
            });
            if let Some(rate) = &mut fitted.correction.labelling {
                let cs: Vec<f64> = reps.iter().filter_map(|r| r.labelling).collect();
                rate.interval = percentile_interval(&cs, level);
                rate.interval_method = LabellingInterval::Bootstrap { replicates };
            }
            attached.draws = Some(BootstrapDraws {
                totals: reps
                    .iter()
                    .map(|r| {
                        plan.bases
                            .iter()
                            .map(|&b| [r.cells[b][0], r.cells[b][2], r.cells[b][3]])
                            .collect()
                    })
                    .collect(),
                labelling: reps.iter().filter_map(|r| r.labelling).collect(),
            });
            if replicates < MIN_ADVISED_REPLICATES {
                attached.notes.push(format!(
                    "{replicates} bootstrap replicates: the percentiles at the interval's ends \
                     rest on few replicates; use {MIN_ADVISED_REPLICATES} or more for intervals \
                     to publish"
                ));
            }
        }
        Intervals::None => {}
    }
    Ok(attached)
}

pub(crate) fn analytic_needs_trees() -> Error {
    Error::InvalidParameter {
        name: "intervals",
        value: "analytic".into(),
        reason: "analytic intervals are the trees' leaf-rate variance and need tree models for \
                 all three stages; use bootstrap intervals for logistic models"
            .into(),
    }
}

impl FittedPipeline {
    /// As [`FittedPipeline::estimate`], with the analytic leaf-rate variance and the normal
    /// intervals at `level` from it filled in for every group (see the module doc). For tree
    /// models whose leaves carry training counts (fitted trees, or hand-built ones with
    /// counts); an Elkan-Noto rate is held fixed, as the held-out rows are not known here.
    ///
    /// ```
    /// use banenafspraak::estimate::{EstimationParams, Intervals};
    /// use banenafspraak::synth::SynthParams;
    /// let pop = SynthParams { persons: 30_000, seed: 3, ..SynthParams::default() }.generate()?;
    /// let mut params = EstimationParams::default();
    /// params.set_min_leaf(200, 20);
    /// let (fitted, _) = params.fit_with_progress(&pop, &mut |_| {})?;
    /// let e = fitted.estimate_analytic(&pop, &params.populations, params.level)?;
    /// let sd = e[0].total.leaf_rate_variance.expect("trees").comparable.sqrt();
    /// assert!(sd > 0.0);
    /// let i = e[0].total.intervals.expect("filled").comparable;
    /// assert!(i.low < e[0].total.comparable && e[0].total.comparable < i.high);
    /// # Ok::<(), banenafspraak::Error>(())
    /// ```
    pub fn estimate_analytic(
        &self,
        pop: &Population,
        populations: &[ScoredPopulation],
        level: ConfidenceLevel,
    ) -> Result<Vec<PopulationEstimate>> {
        let mut estimates = self.estimate(pop, populations)?;
        let plan = ScoringPlan::new(pop, populations);
        let v = leaf_rate_variances(self, pop, &plan, None)?;
        plan.for_each_group(&mut estimates, |cell, c| {
            c.leaf_rate_variance = Some(v[cell]);
            c.intervals = Some(analytic_intervals(c, level));
        });
        Ok(estimates)
    }
}

/// Normal intervals from a group's leaf-rate variance.
fn analytic_intervals(c: &ExpectedCounts, level: ConfidenceLevel) -> CountIntervals {
    let v = c.leaf_rate_variance.unwrap_or_default();
    let n = c.persons as f64;
    CountIntervals {
        comparable: normal_interval(c.comparable, v.comparable, n, level),
        finds_work: normal_interval(c.finds_work, v.finds_work, n, level),
        keeps_work: normal_interval(c.keeps_work, v.keeps_work, n, level),
        banen: None,
        level,
    }
}

/// Runs the replicates in batches (in parallel within a batch), reporting progress after
/// each batch. Replicates are seeded by their number, so batching does not change them.
fn bootstrap(
    fit_and_score: &FitAndScore<'_>,
    replicates: usize,
    progress: &mut dyn FnMut(Step),
) -> Result<Vec<Replicate>> {
    let batch = fit_and_score.batch();
    let mut out = Vec::with_capacity(replicates);
    progress(Step::at("bootstrap replicates", 0, replicates as u64));
    while out.len() < replicates {
        let start = out.len();
        let end = (start + batch).min(replicates);
        let done = (start..end)
            .into_par_iter()
            .map(|r| fit_and_score.replicate(r as u64))
            .collect::<Result<Vec<_>>>()?;
        out.extend(done);
        progress(Step::at(
            "bootstrap replicates",
            out.len() as u64,
            replicates as u64,
        ));
    }
    Ok(out)
}

/// Per cell of the plan, the analytic leaf-rate variance of comparable, finds and keeps
/// (delta method on the three trees' leaf rates, tree shapes fixed).
///
/// With c_i = min(1, f p_l(i)), finds = sum c q over the non-employed and keeps = sum c q k,
/// the derivative of a cell's total with respect to a leaf rate is a sum over the cell's
/// persons in that leaf; each leaf rate is a proportion over its m_l training rows with
/// variance p_l (1 - p_l) / m_l, independent of the other leaves. For Elkan-Noto,
/// f = 1 / c and c = sum over leaves of w_l p_l (w_l: share of the held-out register
/// members in leaf l), which adds -T w_l / c to each comparability leaf's derivative (T:
/// the uncapped part of the total) and T^2 var(c | p) with var(c | p) = s^2 / m for the
/// sampling of the m held-out members.
///
/// Without `comparability_data` (a pipeline fitted elsewhere) an Elkan-Noto rate is held
/// fixed.
fn leaf_rate_variances(
    fitted: &FittedPipeline,
    pop: &Population,
    plan: &ScoringPlan,
    comparability_data: Option<&TrainingData>,
) -> Result<Vec<CountVariances>> {
    let Some(trees) = trees(fitted) else {
        return Err(analytic_needs_trees());
    };
    let rates = LeafRates::of(&trees)?;
    let sums = LeafSums::compute(fitted, pop, plan, &trees, &rates)?;
    let correction = fitted.correction;
    // Elkan-Noto: the held-out members' shares per comparability leaf, and var(c | p).
    let elkan_noto = match (
        &correction.labelling,
        correction.correction,
        comparability_data,
    ) {
        (Some(rate_c), Correction::ElkanNoto, Some(comparability_data)) => {
            let held = comparability_data.select(&comparability_data.held_out_positives());
            let leaves = trees[0].leaf_ids(&held)?;
            let mut w = vec![0.0; rates.nodes[0]];
            for l in &leaves {
                w[*l] += 1.0 / leaves.len().max(1) as f64;
            }
            let var_c = rate_c.score_sd.powi(2) / rate_c.held_out_positives.max(1) as f64;
            Some((w, var_c))
        }
        _ => None,
    };
    Ok((0..plan.n_cells)
        .map(|cell| {
            let [comparable, finds_work, keeps_work] = std::array::from_fn(|m| {
                rates.variance(sums.cell(cell), m, correction.factor, elkan_noto.as_ref())
            });
            CountVariances {
                comparable,
                finds_work,
                keeps_work,
            }
        })
        .collect())
}

/// Per tree (comparability, job-find, job-keep) and node: the leaf rate and its sampling
/// variance p (1 - p) / m (zero for inner nodes).
struct LeafRates {
    rate: [Vec<f64>; 3],
    var: [Vec<f64>; 3],
    nodes: [usize; 3],
}

impl LeafRates {
    fn of(trees: &[&ClassificationTree; 3]) -> Result<LeafRates> {
        let stages = ["comparability", "job-find", "job-keep"];
        let mut rate: [Vec<f64>; 3] = std::array::from_fn(|k| vec![0.0; trees[k].nodes().len()]);
        let mut var = rate.clone();
        for (k, t) in trees.iter().enumerate() {
            for leaf in t.leaves() {
                let Some(counts) = leaf.counts.filter(|c| c.n > 0) else {
                    return Err(Error::InvalidParameter {
                        name: "intervals",
                        value: "leaf-rate variance".into(),
                        reason: format!(
                            "the {} tree has a leaf without training counts (a tree given, not \
                             fitted): its leaf rates have no known sampling error",
                            stages[k]
                        ),
                    });
                };
                rate[k][leaf.node] = leaf.probability;
                var[k][leaf.node] = leaf.probability * (1.0 - leaf.probability) / counts.n as f64;
            }
        }
        let nodes = [rate[0].len(), rate[1].len(), rate[2].len()];
        Ok(LeafRates { rate, var, nodes })
    }

    /// The variance of measure `m` (0 comparable, 1 finds, 2 keeps) of a cell with leaf
    /// sums `s` under factor `f`, with the Elkan-Noto terms (held-out shares per leaf,
    /// var(c | p)) when given.
    fn variance(&self, s: &[f64], m: usize, f: f64, elkan_noto: Option<&(Vec<f64>, f64)>) -> f64 {
        let (of, ok) = LeafSums::offsets(&self.nodes);
        let uncapped = |l: usize| f * self.rate[0][l] < 1.0;
        // The uncapped part of the total, T.
        let t: f64 = (0..self.nodes[0])
            .filter(|&l| uncapped(l))
            .map(|l| f * self.rate[0][l] * s[3 * l + m])
            .sum();
        let mut v = 0.0;
        for l in 0..self.nodes[0] {
            let mut g = if uncapped(l) { f * s[3 * l + m] } else { 0.0 };
            if let Some((w, _)) = elkan_noto {
                g -= t * f * w[l];
            }
            v += g * g * self.var[0][l];
        }
        if let Some((_, var_c)) = elkan_noto {
            v += (t * f).powi(2) * var_c;
        }
        if m >= 1 {
            for j in 0..self.nodes[1] {
                v += s[of + 2 * j + (m - 1)].powi(2) * self.var[1][j];
            }
        }
        if m == 2 {
            for j in 0..self.nodes[2] {
                v += s[ok + j].powi(2) * self.var[2][j];
            }
        }
        v
    }
}

/// Per cell, the sums the leaf-rate derivatives need: per comparability node
/// [n, sum q, sum q k], per job-find node [sum c, sum c k], per job-keep node [sum c q];
/// the job sums over the non-employed only.
struct LeafSums {
    sums: Vec<f64>,
    width: usize,
}

impl LeafSums {
    /// Where the job-find and job-keep nodes start in a cell's sums.
    fn offsets(nodes: &[usize; 3]) -> (usize, usize) {
        (3 * nodes[0], 3 * nodes[0] + 2 * nodes[1])
    }

    fn compute(
        fitted: &FittedPipeline,
        pop: &Population,
        plan: &ScoringPlan,
        trees: &[&ClassificationTree; 3],
        rates: &LeafRates,
    ) -> Result<LeafSums> {
        let (of, ok) = Self::offsets(&rates.nodes);
        let width = ok + rates.nodes[2];
        let scorer = Scorer::new(fitted, pop)?;
        let correction = fitted.correction;
        let employed = pop.employed();
        let rate = &rates.rate;
        let partials = plan
            .rows
            .par_chunks(ANALYTIC_CHUNK)
            .enumerate()
            .map(|(k, chunk)| -> Result<Vec<f64>> {
                let xc = scorer.comparability.encode(pop, chunk)?;
                let xj = scorer.job.encode(pop, chunk)?;
                let lc = trees[0].leaf_ids(&xc)?;
                let lf = trees[1].leaf_ids(&xj)?;
                let lk = trees[2].leaf_ids(&xj)?;
                let mut acc = vec![0.0; plan.n_cells * width];
                for (j, &row) in chunk.iter().enumerate() {
                    let (a, b, d) = (lc[j], lf[j], lk[j]);
                    let (p, q, kk) = (rate[0][a], rate[1][b], rate[2][d]);
                    let c = correction.apply(p);
                    let employed = employed[row];
                    for &cell in plan.cells_of(k * ANALYTIC_CHUNK + j) {
                        let s = &mut acc[cell as usize * width..(cell as usize + 1) * width];
                        s[3 * a] += 1.0;
                        if !employed {
                            s[3 * a + 1] += q;
                            s[3 * a + 2] += q * kk;
                            s[of + 2 * b] += c;
                            s[of + 2 * b + 1] += c * kk;
                            s[ok + d] += c * q;
                        }
                    }
                }
                Ok(acc)
            })
            .collect::<Result<Vec<_>>>()?;
        // Merged in chunk order, so the sums do not depend on the threads.
        let mut sums = vec![0.0; plan.n_cells * width];
        for part in &partials {
            for (t, p) in sums.iter_mut().zip(part) {
                *t += p;
            }
        }
        Ok(LeafSums { sums, width })
    }

    fn cell(&self, cell: usize) -> &[f64] {
        &self.sums[cell * self.width..(cell + 1) * self.width]
    }
}
