//! Diagnostics of the comparability model in the manner of R's cobalt and twang: overlap
//! of the score distributions, and balance of the features after weighting.
//!
//! **Score.** The comparability model's uncorrected probability p(x) = P(registered in a
//! trained sub-group | x), the propensity score of this setting.
//!
//! **Overlap.** The score distributions (quantiles and shares per score bin) of the
//! register members of the trained sub-groups aged 16-66 and of each population. A
//! population member is *without training support* when their score lies outside the range
//! of the scores of the training positives (the register members the model was fitted
//! on), or in a score bin that holds fewer than `min_support` training positives. For such
//! persons the model's probability is not backed by register members who look like them:
//! a tree's leaf rate rests on few positives, a logistic model extrapolates.
//!
//! **Balance.** Standardised mean differences (SMD) of every feature of the comparability
//! model between the register members of the trained sub-groups aged 16-66 and a
//! population, before weighting and with each population member weighted by their
//! corrected probability c. Numeric features: difference of means over the pooled sd
//! sqrt((s_r^2 + s_p^2) / 2) of the unweighted groups; categorical features: one row per
//! level, the same for the level's share (s^2 = share (1 - share)). The denominator is the
//! same before and after weighting (cobalt's convention), so the two SMDs compare. An
//! |SMD| above the threshold (0.1, the usual rule) after weighting is flagged: the
//! probability-weighted population does not resemble the register on that feature.

use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use super::fitted::FittedPipeline;
use super::level::Interval;
use super::pipeline::EstimationParams;
use super::sensitivity::{whole, write_table};
use crate::error::Result;
use crate::model::design::comparability_class;
use crate::model::{FeatureKind, FeatureMatrix, PreparedFeatures};
use crate::schema::Population;

/// Rows scored or summed at a time.
const CHUNK: usize = 1 << 16;

/// The quantiles reported of every score distribution.
pub const QUANTILES: [f64; 7] = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0];

/// Settings of the diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosticsParams {
    /// Fewest training positives a score bin needs to count as supported. Default 10.
    pub min_support: u64,
    /// |SMD| above which a feature is flagged. Default 0.1.
    pub smd_threshold: f64,
    /// Edges of the score bins, ascending from 0 to 1; bins are `[e_k, e_k+1)`, the last
    /// closed. Default: fine at small probabilities, where most scores are.
    pub bin_edges: Vec<f64>,
}

impl Default for DiagnosticsParams {
    fn default() -> Self {
        DiagnosticsParams {
            min_support: 10,
            smd_threshold: 0.1,
            bin_edges: vec![
                0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
                0.9, 1.0,
            ],
        }
    }
}

impl DiagnosticsParams {
    fn bin(&self, p: f64) -> usize {
        let last = self.bin_edges.len().saturating_sub(2);
        self.bin_edges[1..]
            .iter()
            .position(|&e| p < e)
            .unwrap_or(last)
            .min(last)
    }

    fn check(&self) -> Result<()> {
        let e = &self.bin_edges;
        let ok = e.len() >= 2
            && e.windows(2).all(|w| w[0] < w[1])
            && e[0] <= 0.0
            && e[e.len() - 1] >= 1.0;
        if !ok || self.smd_threshold.is_nan() || self.smd_threshold <= 0.0 {
            return Err(crate::Error::InvalidParameter {
                name: "diagnostics",
                value: format!("bins {e:?}, threshold {}", self.smd_threshold),
                reason: "bin edges must rise from 0 to 1 and the SMD threshold be positive".into(),
            });
        }
        Ok(())
    }
}

/// The distribution of the score in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreDistribution {
    /// The group's label.
    pub group: String,
    /// Persons in the group.
    pub persons: u64,
    /// The score at each of [`QUANTILES`] (NaN for an empty group).
    pub quantiles: Vec<f64>,
    /// Share of the group in each score bin.
    pub bin_shares: Vec<f64>,
}

impl ScoreDistribution {
    fn new(group: impl Into<String>, mut scores: Vec<f64>, params: &DiagnosticsParams) -> Self {
        scores.par_sort_unstable_by(f64::total_cmp);
        let n = scores.len();
        let quantiles = QUANTILES
            .iter()
            .map(|&q| {
                if n == 0 {
                    f64::NAN
                } else {
                    // The inverse of the empirical distribution (type 1): an observed score.
                    scores[((q * n as f64).ceil() as usize).clamp(1, n) - 1]
                }
            })
            .collect();
        let mut counts = vec![0u64; params.bin_edges.len() - 1];
        for &s in &scores {
            counts[params.bin(s)] += 1;
        }
        ScoreDistribution {
            group: group.into(),
            persons: n as u64,
            quantiles,
            bin_shares: counts
                .iter()
                .map(|&c| if n == 0 { 0.0 } else { c as f64 / n as f64 })
                .collect(),
        }
    }
}

/// One population's score distribution and its members without training support.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationOverlap {
    /// The population's score distribution.
    pub distribution: ScoreDistribution,
    /// Members without training support (see the module doc).
    pub unsupported_persons: u64,
    /// `unsupported_persons / persons` (0 for an empty population).
    pub unsupported_share: f64,
    /// Expected comparable among them (sum of c): how much of the estimate rests on them.
    pub unsupported_comparable: f64,
    /// Expected comparable of the whole population.
    pub comparable: f64,
}

/// Overlap of the score distributions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    /// Edges of the score bins, from 0 to 1.
    pub bin_edges: Vec<f64>,
    /// The training positives per score bin.
    pub training_positives_per_bin: Vec<u64>,
    /// Lowest and highest score of a training positive.
    pub support: Interval,
    /// Training positives a bin needs for its scores to count as supported.
    pub min_support: u64,
    /// The register members the model was fitted on.
    pub training_positives: ScoreDistribution,
    /// All register members of the trained sub-groups aged 16-66.
    pub register: ScoreDistribution,
    /// Overlap per population, in the run's order.
    pub populations: Vec<PopulationOverlap>,
}

/// The standardised mean difference of one feature (or categorical level).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Smd {
    /// Feature name.
    pub feature: String,
    /// The level, for a categorical feature.
    pub level: Option<String>,
    /// Mean (or share) among register members.
    pub register_mean: f64,
    /// Mean among the population's members.
    pub population_mean: f64,
    /// Mean among them weighted by c.
    pub weighted_mean: f64,
    /// sqrt((s_r^2 + s_p^2) / 2), unweighted.
    pub pooled_sd: f64,
    /// (register - population) / pooled sd.
    pub smd: f64,
    /// (register - weighted population) / pooled sd.
    pub smd_weighted: f64,
    /// |smd_weighted| above the threshold.
    pub flagged: bool,
}

/// Balance of one population against the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationBalance {
    /// The population's label.
    pub population: String,
    /// Persons in the population.
    pub persons: u64,
    /// Sum of the weights c.
    pub weight: f64,
    /// Standardised mean differences, per feature or level.
    pub rows: Vec<Smd>,
}

/// Balance of every population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Balance {
    /// |SMD| above which a row is flagged.
    pub threshold: f64,
    /// Register members of the trained sub-groups aged 16-66.
    pub register_persons: u64,
    /// Balance per population, in the run's order.
    pub populations: Vec<PopulationBalance>,
}

/// Overlap and balance of a fitted comparability model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostics {
    /// How far the populations' scores lie inside the training positives' support.
    pub overlap: Overlap,
    /// How like the register the populations are, before and after weighting by c.
    pub balance: Balance,
}

impl EstimationParams {
    /// The diagnostics of `fitted` (fitted with these parameters on `pop`) for this
    /// run's populations. The training positives are those of this run's sample and split,
    /// drawn again from the seed.
    ///
    /// ```
    /// use banenafspraak::estimate::{DiagnosticsParams, EstimationParams};
    /// use banenafspraak::synth::SynthParams;
    /// let pop = SynthParams { persons: 30_000, seed: 3, ..SynthParams::default() }.generate()?;
    /// let mut params = EstimationParams::default();
    /// params.set_min_leaf(200, 20);
    /// let (fitted, _) = params.fit_with_progress(&pop, &mut |_| {})?;
    /// let d = params.diagnostics(&pop, &fitted, &DiagnosticsParams::default())?;
    /// assert_eq!(d.overlap.populations.len(), 4);
    /// assert!(d.balance.populations[0].rows.iter().any(|r| r.feature == "days_bijstand"));
    /// println!("{d}");
    /// # Ok::<(), banenafspraak::Error>(())
    /// ```
    pub fn diagnostics(
        &self,
        pop: &Population,
        fitted: &FittedPipeline,
        params: &DiagnosticsParams,
    ) -> Result<Diagnostics> {
        params.check()?;
        let split = self.design.split(pop, 0, comparability_class)?;
        let training_positives: Vec<usize> = split
            .train
            .iter()
            .zip(&split.train_labels)
            .filter(|(_, &y)| y)
            .map(|(&r, _)| r)
            .collect();
        let register = pop.rows_where(|p| comparability_class(p) == Some(true));
        let members: Vec<(String, Vec<usize>)> = self
            .populations
            .iter()
            .map(|d| (d.label.clone(), d.members(pop)))
            .collect();
        let groups = DiagnosticRows {
            training_positives,
            register,
            populations: members,
        };
        Diagnostics::from_rows(pop, fitted, &groups, params)
    }
}

/// The rows (of one population table) of each group the diagnostics compare.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiagnosticRows {
    /// The register members the comparability model was fitted on (a subset of
    /// `register`), ascending.
    pub training_positives: Vec<usize>,
    /// The register members to compare with, ascending.
    pub register: Vec<usize>,
    /// Each population's label and members.
    pub populations: Vec<(String, Vec<usize>)>,
}

/// Scores and encoded features of some rows, in chunks.
fn chunks<'a>(
    pop: &'a Population,
    rows: &'a [usize],
    features: &'a PreparedFeatures,
    fitted: &'a FittedPipeline,
) -> impl ParallelIterator<Item = Result<(Vec<f64>, FeatureMatrix)>> + 'a {
    rows.par_chunks(CHUNK).map(move |chunk| {
        let x = features.encode(pop, chunk)?;
        let p = fitted.comparability.model.try_predict_proba(&x)?;
        Ok((p, x))
    })
}

/// One chunk of a population: scores, moments, and (persons without support, their sum
/// of c, the sum of c).
type PopulationChunk = (Vec<f64>, Vec<Vec<Moments>>, (u64, f64, f64));

/// Per feature column: n, sum, sum of squares, weighted total, weighted sum, weighted sum
/// of squares; per categorical level the same over the level's indicator.
#[derive(Debug, Clone, Default)]
struct Moments {
    n: f64,
    sum: f64,
    sq: f64,
    w: f64,
    wsum: f64,
    wsq: f64,
}

impl Moments {
    fn add(&mut self, x: f64, w: f64) {
        self.n += 1.0;
        self.sum += x;
        self.sq += x * x;
        self.w += w;
        self.wsum += w * x;
        self.wsq += w * x * x;
    }
    fn merge(&mut self, o: &Moments) {
        self.n += o.n;
        self.sum += o.sum;
        self.sq += o.sq;
        self.w += o.w;
        self.wsum += o.wsum;
        self.wsq += o.wsq;
    }
    fn mean(&self) -> f64 {
        self.sum / self.n
    }
    fn var(&self) -> f64 {
        (self.sq / self.n - self.mean().powi(2)).max(0.0)
    }
    fn wmean(&self) -> f64 {
        self.wsum / self.w
    }
}

/// Moments of every column (numeric) and level (categorical) of a matrix, weighted by `w`.
fn moments(x: &FeatureMatrix, w: &[f64]) -> Vec<Vec<Moments>> {
    x.columns()
        .iter()
        .map(|c| match &c.kind {
            FeatureKind::Numeric { .. } => {
                let mut m = Moments::default();
                for (&v, &w) in c.values.iter().zip(w) {
                    m.add(f64::from(v), w);
                }
                vec![m]
            }
            FeatureKind::Categorical { levels } => {
                // Indicator moments from level counts: sum = sq = count.
                let mut m = vec![Moments::default(); levels.len()];
                for (&v, &w) in c.values.iter().zip(w) {
                    if let Some(l) = m.get_mut(usize::from(v)) {
                        l.sum += 1.0;
                        l.sq += 1.0;
                        l.wsum += w;
                        l.wsq += w;
                    }
                }
                let total_w: f64 = w.iter().sum();
                for l in &mut m {
                    l.n = c.values.len() as f64;
                    l.w = total_w;
                }
                m
            }
        })
        .collect()
}

fn merge_moments(parts: Vec<Vec<Vec<Moments>>>) -> Vec<Vec<Moments>> {
    let mut it = parts.into_iter();
    let Some(mut total) = it.next() else {
        return Vec::new();
    };
    for part in it {
        for (a, b) in total.iter_mut().zip(&part) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }
    total
}

impl Diagnostics {
    /// The diagnostics of the comparability model of `fitted` for groups of rows given by
    /// the caller ([`EstimationParams::diagnostics`] finds them from the run's design).
    /// The features compared are the model's whole feature set.
    pub fn from_rows(
        pop: &Population,
        fitted: &FittedPipeline,
        groups: &DiagnosticRows,
        params: &DiagnosticsParams,
    ) -> Result<Diagnostics> {
        params.check()?;
        let features = fitted.comparability_features().prepare(pop)?;
        let features = &features;
        // Register members: scores and unweighted moments.
        let parts: Vec<(Vec<f64>, Vec<Vec<Moments>>)> =
            chunks(pop, &groups.register, features, fitted)
                .map(|r| {
                    r.map(|(p, x)| {
                        let ones = vec![1.0; p.len()];
                        let m = moments(&x, &ones);
                        (p, m)
                    })
                })
                .collect::<Result<_>>()?;
        let (register_scores, register_moments): (Vec<Vec<f64>>, Vec<_>) =
            parts.into_iter().unzip();
        let register_scores = register_scores.concat();
        let register_moments = merge_moments(register_moments);
        // The training positives are register members: look their scores up.
        let training_scores: Vec<f64> = groups
            .training_positives
            .iter()
            .filter_map(|r| groups.register.binary_search(r).ok())
            .map(|k| register_scores[k])
            .collect();
        let n_bins = params.bin_edges.len() - 1;
        let mut per_bin = vec![0u64; n_bins];
        for &s in &training_scores {
            per_bin[params.bin(s)] += 1;
        }
        let support = Interval {
            low: training_scores
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min),
            high: training_scores
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max),
        };
        let supported =
            |s: f64| support.contains(s) && per_bin[params.bin(s)] >= params.min_support;
        let register = Register {
            moments: &register_moments,
            supported: &supported,
        };
        let (overlaps, balances) = groups
            .populations
            .iter()
            .map(|group| population_diagnostics(pop, fitted, features, group, &register, params))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        Ok(Diagnostics {
            overlap: Overlap {
                bin_edges: params.bin_edges.clone(),
                training_positives_per_bin: per_bin,
                support,
                min_support: params.min_support,
                training_positives: ScoreDistribution::new(
                    "training positives",
                    training_scores,
                    params,
                ),
                register: ScoreDistribution::new(
                    "register (trained sub-groups, 16-66)",
                    register_scores,
                    params,
                ),
                populations: overlaps,
            },
            balance: Balance {
                threshold: params.smd_threshold,
                register_persons: groups.register.len() as u64,
                populations: balances,
            },
        })
    }
}

/// What a population is compared with: the register members' moments and whether a score
/// has training support.
struct Register<'a> {
    moments: &'a [Vec<Moments>],
    supported: &'a (dyn Fn(f64) -> bool + Sync),
}

/// One population's overlap and balance against the register.
fn population_diagnostics(
    pop: &Population,
    fitted: &FittedPipeline,
    features: &PreparedFeatures,
    (label, rows): &(String, Vec<usize>),
    register: &Register<'_>,
    params: &DiagnosticsParams,
) -> Result<(PopulationOverlap, PopulationBalance)> {
    let parts: Vec<PopulationChunk> = chunks(pop, rows, features, fitted)
        .map(|r| {
            r.map(|(p, x)| {
                let c: Vec<f64> = p.iter().map(|&p| fitted.correction.apply(p)).collect();
                let mut unsupported = (0u64, 0.0, 0.0);
                for (&p, &c) in p.iter().zip(&c) {
                    if !(register.supported)(p) {
                        unsupported.0 += 1;
                        unsupported.1 += c;
                    }
                    unsupported.2 += c;
                }
                let m = moments(&x, &c);
                (p, m, unsupported)
            })
        })
        .collect::<Result<_>>()?;
    let mut scores = Vec::with_capacity(rows.len());
    let mut ms = Vec::new();
    let (mut n_unsupported, mut c_unsupported, mut c_total) = (0u64, 0.0, 0.0);
    for (p, m, u) in parts {
        scores.extend(p);
        ms.push(m);
        n_unsupported += u.0;
        c_unsupported += u.1;
        c_total += u.2;
    }
    let pop_moments = merge_moments(ms);
    let persons = rows.len() as u64;
    let overlap = PopulationOverlap {
        distribution: ScoreDistribution::new(label.clone(), scores, params),
        unsupported_persons: n_unsupported,
        unsupported_share: if persons == 0 {
            0.0
        } else {
            n_unsupported as f64 / persons as f64
        },
        unsupported_comparable: c_unsupported,
        comparable: c_total,
    };
    let balance = PopulationBalance {
        population: label.clone(),
        persons,
        weight: c_total,
        rows: smd_rows(
            &features.template(),
            register.moments,
            &pop_moments,
            params.smd_threshold,
        ),
    };
    Ok((overlap, balance))
}

/// The SMD rows of every feature and level. Groups without members give NaN means and
/// no flag; levels absent from both groups are left out.
fn smd_rows(
    template: &FeatureMatrix,
    register: &[Vec<Moments>],
    population: &[Vec<Moments>],
    threshold: f64,
) -> Vec<Smd> {
    let mut rows = Vec::new();
    for (k, col) in template.columns().iter().enumerate() {
        let (Some(r), Some(p)) = (register.get(k), population.get(k)) else {
            continue;
        };
        let levels: Vec<Option<String>> = match &col.kind {
            FeatureKind::Numeric { .. } => vec![None],
            FeatureKind::Categorical { levels } => levels.iter().cloned().map(Some).collect(),
        };
        for ((level, r), p) in levels.into_iter().zip(r).zip(p) {
            if level.is_some() && r.sum == 0.0 && p.sum == 0.0 {
                continue;
            }
            let pooled_sd = ((r.var() + p.var()) / 2.0).sqrt();
            let smd_of = |diff: f64| {
                if pooled_sd > 0.0 {
                    diff / pooled_sd
                } else if diff == 0.0 {
                    0.0
                } else {
                    diff.signum() * f64::INFINITY
                }
            };
            let smd = smd_of(r.mean() - p.mean());
            let smd_weighted = smd_of(r.mean() - p.wmean());
            rows.push(Smd {
                feature: col.name.clone(),
                level,
                register_mean: r.mean(),
                population_mean: p.mean(),
                weighted_mean: p.wmean(),
                pooled_sd,
                smd,
                smd_weighted,
                flagged: smd_weighted.abs() > threshold,
            });
        }
    }
    rows
}

fn score(p: f64) -> String {
    if p.is_nan() {
        "-".into()
    } else {
        format!("{p:.4}")
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

impl fmt::Display for Overlap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Overlap: distribution of the comparability score p(x) (uncorrected model probability)"
        )?;
        let mut header: Vec<String> = vec!["group".into(), "persons".into()];
        header.extend(QUANTILES.iter().map(|q| match q {
            0.0 => "min".to_string(),
            1.0 => "max".to_string(),
            q => format!("p{:.0}", 100.0 * q),
        }));
        header.push("no support".into());
        header.push("comparable there".into());
        let mut rows = Vec::new();
        for d in [&self.training_positives, &self.register] {
            let mut row = vec![d.group.clone(), whole(d.persons as f64)];
            row.extend(d.quantiles.iter().map(|&q| score(q)));
            row.extend(["".into(), "".into()]);
            rows.push(row);
        }
        for o in &self.populations {
            let d = &o.distribution;
            let mut row = vec![d.group.clone(), whole(d.persons as f64)];
            row.extend(d.quantiles.iter().map(|&q| score(q)));
            row.push(pct(o.unsupported_share));
            row.push(if o.comparable > 0.0 {
                pct(o.unsupported_comparable / o.comparable)
            } else {
                "-".into()
            });
            rows.push(row);
        }
        write_table(f, &header, &rows)?;
        writeln!(
            f,
            "No support: share of the population whose score is outside the training positives' range \
             [{}, {}] or in a score bin with fewer than {} training positives; comparable there: the \
             share of the population's expected comparable persons that rests on them.",
            score(self.support.low),
            score(self.support.high),
            self.min_support
        )?;
        writeln!(f)?;
        writeln!(f, "Score bins: share of each group per bin")?;
        let mut header: Vec<String> = vec!["score bin".into(), "training positives".into()];
        header.push("register".into());
        header.extend(
            self.populations
                .iter()
                .map(|o| o.distribution.group.clone()),
        );
        let mut rows = Vec::new();
        for k in 0..self.bin_edges.len() - 1 {
            let mut row = vec![
                format!(
                    "{}-{}{}",
                    self.bin_edges[k],
                    self.bin_edges[k + 1],
                    if self.training_positives_per_bin[k] < self.min_support {
                        " (no support)"
                    } else {
                        ""
                    }
                ),
                whole(self.training_positives_per_bin[k] as f64),
                pct(self.register.bin_shares[k]),
            ];
            row.extend(
                self.populations
                    .iter()
                    .map(|o| pct(o.distribution.bin_shares[k])),
            );
            rows.push(row);
        }
        write_table(f, &header, &rows)
    }
}

impl fmt::Display for Balance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.populations {
            writeln!(
                f,
                "Balance: register members ({}) vs {} ({} persons, weighted by c: {})",
                whole(self.register_persons as f64),
                b.population,
                whole(b.persons as f64),
                whole(b.weight)
            )?;
            let header: Vec<String> = [
                "feature",
                "register",
                "population",
                "weighted",
                "SMD",
                "SMD weighted",
                "",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            let rows: Vec<Vec<String>> = b
                .rows
                .iter()
                .map(|r| {
                    vec![
                        match &r.level {
                            Some(l) => format!("{} = {l}", r.feature),
                            None => r.feature.clone(),
                        },
                        format!("{:.3}", r.register_mean),
                        format!("{:.3}", r.population_mean),
                        format!("{:.3}", r.weighted_mean),
                        format!("{:+.3}", r.smd),
                        format!("{:+.3}", r.smd_weighted),
                        if r.flagged {
                            format!("> {}", self.threshold)
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            write_table(f, &header, &rows)?;
            let flagged = b.rows.iter().filter(|r| r.flagged).count();
            writeln!(
                f,
                "{flagged} of {} rows have |SMD weighted| > {} (flagged).",
                b.rows.len(),
                self.threshold
            )?;
            writeln!(f)?;
        }
        writeln!(
            f,
            "SMD: (register mean - population mean) / sqrt((s_register^2 + s_population^2) / 2), the sds \
             unweighted; for a categorical level the same on its share. Weighted: population members \
             weighted by their corrected probability c."
        )
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.overlap)?;
        writeln!(f)?;
        write!(f, "{}", self.balance)
    }
}
