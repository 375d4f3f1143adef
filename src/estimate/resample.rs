//! A bootstrap replicate's resample as counts over patterns: a stage's training rows with
//! identical encoded features form one pattern, and a replicate draws how often each
//! pattern's positives and negatives are resampled instead of drawing rows. A tree sees
//! only these counts, so it is fitted in the time of the patterns drawn rather than of the
//! rows (`TreeParams::fit_counts`).
//!
//! **The same resample in distribution.** [`TrainingData`] draws the class sizes of a
//! replicate (see its module doc), then resamples rows with replacement within each class:
//! a multinomial over the class's rows, whose sums over patterns are a multinomial over
//! the patterns with probabilities proportional to their rows. That multinomial is drawn
//! here exactly, without a draw per row: independent Poisson counts with means
//! proportional to the patterns' rows are, given their total, that multinomial with the
//! total as size; the total is then brought to the class size by adding units drawn from
//! the same probabilities or removing units chosen uniformly at random, which keeps it a
//! multinomial (of the class size). Models that need rows (the logistic model, and the
//! hours model, whose outcome differs within a pattern) get rows back: a pattern's count
//! of a class spread uniformly over its rows of that class is the row multinomial again.
//!
//! Seeded by (seed, stage, replicate) only: the same at any thread count.

use std::collections::HashSet;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::training::TrainingData;
use crate::error::Result;
use crate::model::{Counts, CountsMatrix, FittedModel, ModelSpec};

/// The random stream (within a replicate and stage) that spreads pattern counts over rows
/// for the logistic and the hours model; the counts use stream 0, the held-out resample 4
/// (streams of different stages never coincide: see `TrainingData::bootstrap_rng`).
const ROWS_STREAM: u64 = 8;

/// One stage's training part grouped into patterns of identical encoded features.
#[derive(Debug, Clone)]
pub struct Patterns {
    /// One row per pattern (the features every row of the pattern has), with the
    /// training rows of each (the persons a coarse threshold grid counts).
    pub x: CountsMatrix,
    /// Matrix rows sorted by pattern, within a pattern negatives first.
    order: Vec<u32>,
    /// Pattern `p`'s rows are `order[start[p]..start[p + 1]]`, its positives from
    /// `first_positive[p]`.
    start: Vec<u32>,
    first_positive: Vec<u32>,
    /// Per class (negatives, positives), the cumulative rows of the patterns: pattern `p`
    /// holds units `cumulative[c][p]..cumulative[c][p + 1]` of the class.
    cumulative: [Vec<u64>; 2],
}

impl Patterns {
    /// Groups the training part `0..n_train` of `data` into patterns.
    pub fn of(data: &TrainingData) -> Patterns {
        let columns = data.x.columns();
        let width = columns.len();
        let n = data.n_train;
        let mut keys = vec![0u16; n * width];
        keys.par_chunks_mut(width.max(1))
            .enumerate()
            .for_each(|(r, key)| {
                for (k, c) in key.iter_mut().zip(columns) {
                    *k = c.values[r];
                }
            });
        let key = |r: u32| &keys[r as usize * width..(r as usize + 1) * width];
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Ties broken by the row, so the order is the same on every run and thread count.
        order.par_sort_unstable_by(|&a, &b| {
            key(a)
                .cmp(key(b))
                .then(data.labels[a as usize].cmp(&data.labels[b as usize]))
                .then(a.cmp(&b))
        });
        let (mut start, mut first_positive) = (Vec::new(), Vec::new());
        for (i, &r) in order.iter().enumerate() {
            let new_pattern = i == 0 || key(order[i - 1]) != key(r);
            if new_pattern {
                start.push(i as u32);
                first_positive.push(i as u32);
            }
            if !data.labels[r as usize] {
                // Negatives come first within a pattern; the positives start after them.
                *first_positive.last_mut().expect("a pattern was started") = i as u32 + 1;
            }
        }
        start.push(n as u32);
        let representatives: Vec<usize> = start[..start.len() - 1]
            .iter()
            .map(|&s| order[s as usize] as usize)
            .collect();
        let persons: Vec<u64> = start.windows(2).map(|w| u64::from(w[1] - w[0])).collect();
        let mut cumulative = [vec![0u64], vec![0u64]];
        for (p, w) in start.windows(2).enumerate() {
            let (negatives, positives) = (first_positive[p] - w[0], w[1] - first_positive[p]);
            for (c, m) in [negatives, positives].into_iter().enumerate() {
                let last = *cumulative[c].last().expect("starts at 0");
                cumulative[c].push(last + u64::from(m));
            }
        }
        Patterns {
            // The pattern count is below n_train, itself below u32::MAX (a u32 row id each).
            x: CountsMatrix::new(data.x.select_rows(&representatives), persons)
                .expect("one person count per pattern"),
            order,
            start,
            first_positive,
            cumulative,
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.x.persons().len()
    }

    /// Whether there are no patterns (no training rows).
    pub fn is_empty(&self) -> bool {
        self.x.persons().is_empty()
    }

    /// Replicate `replicate`'s counts per pattern: the class sizes of
    /// [`TrainingData::bootstrap_class_sizes`], each class a multinomial over its rows
    /// summed by pattern (see the module doc).
    pub fn counts(&self, data: &TrainingData, seed: u64, replicate: u64) -> Vec<Counts> {
        let mut rng = data.bootstrap_rng(seed, replicate, 0);
        let positives = data.bootstrap_class_sizes(&mut rng);
        let sizes = [data.n_train - positives, positives];
        let [negatives, positives] =
            std::array::from_fn(|c| multinomial(&self.cumulative[c], sizes[c] as u64, &mut rng));
        negatives
            .iter()
            .zip(&positives)
            .map(|(&q, &p)| Counts {
                n: q + p,
                positives: p,
            })
            .collect()
    }

    /// Matrix rows of `data` resampled as `counts` says: each pattern's count of a class
    /// spread uniformly at random over its rows of that class (a row drawn k times appears
    /// k times), for models that need rows; pattern by pattern, not sorted. Only the
    /// positives when `positives_only`.
    pub fn rows(
        &self,
        data: &TrainingData,
        counts: &[Counts],
        (seed, replicate): (u64, u64),
        positives_only: bool,
    ) -> Vec<usize> {
        let mut rng = data.bootstrap_rng(seed, replicate, ROWS_STREAM);
        let mut rows = Vec::with_capacity(data.n_train);
        for (p, c) in counts.iter().enumerate() {
            let (s, f, e) = (
                self.start[p] as usize,
                self.first_positive[p] as usize,
                self.start[p + 1] as usize,
            );
            let classes = [(s..f, c.n - c.positives), (f..e, c.positives)];
            for (range, k) in classes.into_iter().skip(usize::from(positives_only)) {
                for _ in 0..k {
                    rows.push(self.order[rng.gen_range(range.clone())] as usize);
                }
            }
        }
        rows
    }

    /// Refits `spec` on replicate counts: a tree on the patterns' counts, a logistic
    /// model on the rows they stand for.
    pub fn refit(
        &self,
        spec: &ModelSpec,
        data: &TrainingData,
        counts: &[Counts],
        replicate: (u64, u64),
    ) -> Result<FittedModel> {
        match spec {
            ModelSpec::Tree(p) => Ok(FittedModel::Tree(p.fit_counts(&self.x, counts)?)),
            ModelSpec::Logistic(_) => data.refit(spec, &self.rows(data, counts, replicate, false)),
        }
    }
}

/// A multinomial draw of `size` units over the cells whose units are
/// `cumulative[p]..cumulative[p + 1]` (probabilities proportional to their units).
fn multinomial(cumulative: &[u64], size: u64, rng: &mut ChaCha8Rng) -> Vec<u64> {
    let cells = cumulative.len() - 1;
    let units = cumulative[cells];
    if size == 0 || units == 0 {
        return vec![0; cells];
    }
    // Poisson counts with means summing to `size`; given their total, a multinomial.
    // Most cells hold a few units, so their means take a few values: those are drawn by
    // inversion of a table, the rest by `poisson`.
    let scale = size as f64 / units as f64;
    let tables: Vec<PoissonTable> = (0..=TABLED_UNITS)
        .map(|m| PoissonTable::new(m as f64 * scale))
        .collect();
    let mut counts: Vec<u64> = cumulative
        .windows(2)
        .map(|w| match tables.get((w[1] - w[0]) as usize) {
            // A cell without units of this class draws nothing.
            Some(_) if w[1] == w[0] => 0,
            Some(t) => t.draw(rng),
            None => poisson(rng, (w[1] - w[0]) as f64 * scale),
        })
        .collect();
    let total: u64 = counts.iter().sum();
    if total < size {
        for _ in total..size {
            let u = rng.gen_range(0..units);
            counts[cumulative.partition_point(|&c| c <= u) - 1] += 1;
        }
    } else if total > size {
        // Floyd's sample of distinct units to remove, then one pass over the cells.
        let k = total - size;
        let mut chosen = HashSet::with_capacity(k as usize);
        for j in total - k..total {
            let t = rng.gen_range(0..=j);
            if !chosen.insert(t) {
                chosen.insert(j);
            }
        }
        let mut removed: Vec<u64> = chosen.into_iter().collect();
        removed.sort_unstable();
        let (mut next, mut before) = (0, 0u64);
        for c in counts.iter_mut() {
            let end = before + *c;
            let mut drop = 0;
            while next < removed.len() && removed[next] < end {
                drop += 1;
                next += 1;
            }
            before = end;
            *c -= drop;
        }
    }
    counts
}

/// Cells of up to this many units draw their Poisson counts from a table.
const TABLED_UNITS: usize = 16;

/// The distribution function of a Poisson distribution over its likely values, for
/// drawing by inversion with one uniform.
struct PoissonTable {
    lambda: f64,
    /// `cdf[k]` = P(X <= k); the last entry's tail is below 1e-16.
    cdf: Vec<f64>,
}

impl PoissonTable {
    fn new(lambda: f64) -> PoissonTable {
        let mut cdf = Vec::new();
        let (mut p, mut sum, mut k) = ((-lambda).exp(), 0.0, 0.0);
        loop {
            sum += p;
            cdf.push(sum);
            k += 1.0;
            p *= lambda / k;
            if k > lambda && p < 1e-17 {
                break;
            }
        }
        PoissonTable { lambda, cdf }
    }

    /// Inversion: the first k with u < P(X <= k), continued term by term past the table
    /// (which a uniform reaches with probability below 1e-16).
    fn draw(&self, rng: &mut ChaCha8Rng) -> u64 {
        let u: f64 = rng.gen();
        if let Some(k) = self.cdf.iter().position(|&c| u < c) {
            return k as u64;
        }
        let mut k = self.cdf.len() - 1;
        let mut sum = self.cdf[k];
        let mut p = sum - if k > 0 { self.cdf[k - 1] } else { 0.0 };
        while u >= sum && p > 0.0 {
            k += 1;
            p *= self.lambda / k as f64;
            sum += p;
        }
        k as u64
    }
}

/// A Poisson deviate with mean `lambda` (>= 0): by multiplying uniforms below 10, by
/// Hörmann's transformed rejection (PTRS, as numpy) from 10 on; both exact.
fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < 10.0 {
        let limit = (-lambda).exp();
        let (mut k, mut prod) = (0, rng.gen::<f64>());
        while prod > limit {
            k += 1;
            prod *= rng.gen::<f64>();
        }
        return k;
    }
    let (slam, loglam) = (lambda.sqrt(), lambda.ln());
    let b = 0.931 + 2.53 * slam;
    let a = -0.059 + 0.02483 * b;
    let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    let vr = 0.9277 - 3.6224 / (b - 2.0);
    loop {
        let u = rng.gen::<f64>() - 0.5;
        let v = rng.gen::<f64>();
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
        if us >= 0.07 && v <= vr {
            return k as u64;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        if v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln()
            <= -lambda + k * loglam - ln_gamma(k + 1.0)
        {
            return k as u64;
        }
    }
}

/// ln Γ(x) for x >= 1 (Stirling's series from 7 on, shifted below; numpy's `loggam`).
fn ln_gamma(x: f64) -> f64 {
    const A: [f64; 10] = [
        8.333333333333333e-02,
        -2.777777777777778e-03,
        7.936507936507937e-04,
        -5.952380952380952e-04,
        8.417508417508418e-04,
        -1.917526917526918e-03,
        6.410_256_410_256_41e-3,
        -2.955065359477124e-02,
        1.796443723688307e-01,
        -1.39243221690590e+00,
    ];
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let shift = if x < 7.0 { (7.0 - x).floor() } else { 0.0 };
    let x0 = x + shift;
    let x2 = 1.0 / (x0 * x0);
    let series = A.iter().rev().fold(0.0, |acc, &a| acc * x2 + a);
    let mut gl = series / x0 + 0.5 * std::f64::consts::TAU.ln() + (x0 - 0.5) * x0.ln() - x0;
    let mut y = x0;
    for _ in 0..shift as usize {
        y -= 1.0;
        gl -= y.ln();
    }
    gl
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::EstimationParams;
    use crate::model::TreeParams;
    use crate::synth::SynthParams;
    use rand::SeedableRng;

    fn comparability_data(persons: usize) -> TrainingData {
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
    fn patterns_group_identical_rows_and_keep_their_classes() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        assert!(patterns.len() < data.n_train, "{} patterns", patterns.len());
        assert_eq!(
            patterns.x.persons().iter().sum::<u64>(),
            data.n_train as u64
        );
        for p in 0..patterns.len() {
            let (s, f, e) = (
                patterns.start[p] as usize,
                patterns.first_positive[p] as usize,
                patterns.start[p + 1] as usize,
            );
            for (i, &r) in patterns.order[s..e].iter().enumerate() {
                let r = r as usize;
                assert_eq!(data.labels[r], s + i >= f, "pattern {p}, row {r}");
                for (c, pc) in data.x.columns().iter().zip(patterns.x.matrix().columns()) {
                    assert_eq!(c.values[r], pc.values[p]);
                }
            }
        }
        // Distinct patterns: no two representatives are equal.
        let key = |p: usize| -> Vec<u16> {
            patterns
                .x
                .matrix()
                .columns()
                .iter()
                .map(|c| c.values[p])
                .collect()
        };
        let mut keys: Vec<Vec<u16>> = (0..patterns.len()).map(key).collect();
        keys.dedup();
        assert_eq!(keys.len(), patterns.len());
    }

    #[test]
    fn replicate_counts_are_seeded_and_resample_within_class() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        let rows = |data: &TrainingData, seed: u64, r: u64| {
            let counts = patterns.counts(data, seed, r);
            assert_eq!(counts.iter().map(|c| c.n).sum::<u64>(), data.n_train as u64);
            patterns.rows(data, &counts, (seed, r), false)
        };
        let sorted = |mut rows: Vec<usize>| {
            rows.sort_unstable();
            rows
        };
        let a = sorted(rows(&data, 1, 0));
        assert_eq!(a, sorted(rows(&data, 1, 0)));
        assert_ne!(a, rows(&data, 1, 1));
        assert_ne!(a, rows(&data, 2, 0));
        assert_eq!(a.len(), data.n_train);
        // The whole population is the sample (phi = 1): the positives vary as in an
        // ordinary bootstrap, sd sqrt(n s (1 - s)).
        assert_eq!(data.sampling_fraction, 1.0);
        let pos = |rows: &[usize]| rows.iter().filter(|&&r| data.labels[r]).count() as f64;
        let n = data.n_train as f64;
        let s = pos(&data.train_rows()) / n;
        let draws: Vec<f64> = (0..200).map(|r| pos(&rows(&data, 1, r))).collect();
        let mean = draws.iter().sum::<f64>() / 200.0;
        let sd = (draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / 199.0).sqrt();
        let want = (n * s * (1.0 - s)).sqrt();
        assert!((mean - n * s).abs() < 0.3 * want, "{mean} vs {}", n * s);
        assert!((sd / want - 1.0).abs() < 0.2, "{sd} vs {want}");
        // A stratified design sample (phi small) keeps the class sizes nearly fixed.
        let mut small = data.clone();
        small.sampling_fraction = 1e-6;
        assert!((pos(&rows(&small, 1, 0)) - n * s).abs() <= 1.0);
        // About 1 - 1/e of the rows are drawn at least once, as in a resample of rows.
        let mut distinct = a.clone();
        distinct.dedup();
        let share = distinct.len() as f64 / a.len() as f64;
        assert!((share - 0.632).abs() < 0.03, "{share}");
        // Each row is drawn once on average with variance about 1, as in a multinomial over
        // rows (spreading a pattern's count over fewer of its rows would raise it).
        let (mut sum, mut squares) = (0.0f64, 0.0f64);
        for r in 0..100 {
            let mut times = vec![0.0f64; data.n_train];
            for i in rows(&data, 3, r) {
                times[i] += 1.0;
            }
            sum += times.iter().sum::<f64>();
            squares += times.iter().map(|t| t * t).sum::<f64>();
        }
        let mean = sum / (100.0 * n);
        let variance = squares / (100.0 * n) - mean * mean;
        assert!((mean - 1.0).abs() < 1e-9);
        assert!((variance - 1.0).abs() < 0.03, "{variance}");
        let m = data.held_out_positives().len();
        assert!(m > 0);
        let h = data.bootstrap_held_out(1, 0, m);
        assert_eq!(h.len(), m);
        assert!(h.iter().all(|&i| i < m));
    }

    #[test]
    fn no_two_draws_of_a_run_share_a_random_stream() {
        let data = comparability_data(8_000);
        let mut streams = Vec::new();
        for stage in 0..3 {
            let mut d = data.clone();
            d.stream = stage;
            for r in 0..3 {
                for sub in [0, 4, ROWS_STREAM] {
                    streams.push(d.bootstrap_rng(1, r, sub).get_stream());
                }
            }
        }
        let n = streams.len();
        streams.sort_unstable();
        streams.dedup();
        assert_eq!(streams.len(), n);
    }

    #[test]
    fn a_tree_on_pattern_counts_is_the_tree_on_the_rows_they_stand_for() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        let params = TreeParams {
            min_leaf: 50,
            ..TreeParams::default()
        };
        for r in 0..3 {
            let counts = patterns.counts(&data, 9, r);
            let rows = patterns.rows(&data, &counts, (9, r), false);
            let on_rows = params.fit(&data.x, &data.labels, &rows).unwrap();
            let on_counts = params.fit_counts(&patterns.x, &counts).unwrap();
            assert_eq!(on_rows, on_counts, "replicate {r}");
            assert!(on_rows.n_leaves() > 1);
        }
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut fact = 1.0f64;
        for k in 1..30 {
            fact *= k as f64;
            let want = fact.ln();
            assert!(
                (ln_gamma(k as f64 + 1.0) - want).abs() < 1e-9 * want.max(1.0),
                "{k}"
            );
        }
        assert!((ln_gamma(1.5) - 0.5 * std::f64::consts::PI.ln() + 2f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn poisson_has_its_mean_and_variance() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for lambda in [0.2, 1.0, 4.5, 9.9, 10.0, 37.0, 2500.0] {
            let n = 40_000;
            let draws: Vec<f64> = (0..n).map(|_| poisson(&mut rng, lambda) as f64).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            // Five standard errors of the mean; the variance within 5%.
            let se = (lambda / n as f64).sqrt();
            assert!((mean - lambda).abs() < 5.0 * se, "{lambda}: mean {mean}");
            assert!(
                (var / lambda - 1.0).abs() < 0.05,
                "{lambda}: variance {var}"
            );
        }
        // The probability of 0 at mean 1 is 1/e; at mean 12, of 12, 0.114.
        let zeros = (0..40_000).filter(|_| poisson(&mut rng, 1.0) == 0).count();
        assert!((zeros as f64 / 40_000.0 - (-1f64).exp()).abs() < 0.01);
        let twelves = (0..40_000)
            .filter(|_| poisson(&mut rng, 12.0) == 12)
            .count();
        assert!((twelves as f64 / 40_000.0 - 0.114_37).abs() < 0.008);
    }

    #[test]
    fn poisson_tables_draw_the_poisson_distribution() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for lambda in [0.0, 0.05, 1.0, 3.7, 16.0] {
            let t = PoissonTable::new(lambda);
            let n = 40_000;
            let draws: Vec<f64> = (0..n).map(|_| t.draw(&mut rng) as f64).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se = (lambda / n as f64).sqrt();
            assert!((mean - lambda).abs() <= 5.0 * se, "{lambda}: mean {mean}");
            assert!(
                (var - lambda).abs() <= 0.05 * lambda,
                "{lambda}: variance {var}"
            );
        }
        let t = PoissonTable::new(1.0);
        let zeros = (0..40_000).filter(|_| t.draw(&mut rng) == 0).count();
        assert!((zeros as f64 / 40_000.0 - (-1f64).exp()).abs() < 0.01);
    }

    #[test]
    fn multinomial_has_the_size_and_the_cells_means_and_variances() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        // Cells of 1, 3, 6 and 90 units; sizes below, at and above the units.
        let cumulative = [0u64, 1, 4, 10, 100];
        for size in [0u64, 7, 100, 250] {
            let reps = 20_000;
            let mut sum = [0.0f64; 4];
            let mut sq = [0.0f64; 4];
            for _ in 0..reps {
                let c = multinomial(&cumulative, size, &mut rng);
                assert_eq!(c.iter().sum::<u64>(), size);
                for j in 0..4 {
                    sum[j] += c[j] as f64;
                    sq[j] += (c[j] as f64).powi(2);
                }
            }
            for j in 0..4 {
                let p = (cumulative[j + 1] - cumulative[j]) as f64 / 100.0;
                let (mean, want) = (sum[j] / reps as f64, size as f64 * p);
                let var = sq[j] / reps as f64 - mean * mean;
                let want_var = size as f64 * p * (1.0 - p);
                assert!(
                    (mean - want).abs() <= 0.03 * want + 0.01,
                    "{size} {j}: {mean}"
                );
                assert!(
                    (var - want_var).abs() <= 0.06 * want_var + 0.01,
                    "{size} {j}: {var}"
                );
            }
        }
    }
}
