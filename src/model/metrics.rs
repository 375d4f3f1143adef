//! How good predicted probabilities are: discrimination (AUC), accuracy (Brier score, log
//! loss) and calibration by quantile bins.
//!
//! Every function takes the outcomes `y` and the predictions `p` in the same row order and
//! panics when their lengths differ (a programming error, not a data error). Empty input
//! gives NaN scores and no calibration bins.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// Probabilities are clipped to `[EPS, 1 - EPS]` in [`log_loss`], as scikit-learn does, so a
/// confident wrong prediction costs about 34.5 rather than infinity.
const EPS: f64 = 1e-15;

fn check_lengths(y: &[bool], p: &[f64]) {
    assert_eq!(
        y.len(),
        p.len(),
        "outcomes and predictions differ in length"
    );
}

/// Pairs sorted by prediction; NaN sorts last (`f64::total_cmp`).
fn sorted_pairs(y: &[bool], p: &[f64]) -> Vec<(f64, bool)> {
    let mut pairs: Vec<(f64, bool)> = p.iter().copied().zip(y.iter().copied()).collect();
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    pairs
}

/// Area under the ROC curve: the probability that a random positive gets a higher
/// prediction than a random negative, ties counting one half (the Mann-Whitney U statistic
/// with mid-ranks), in O(n log n).
///
/// Returns NaN when `y` has no positives or no negatives (the AUC is undefined, and NaN
/// cannot be mistaken for a score) or when a prediction is NaN.
///
/// # Panics
/// When `y` and `p` differ in length.
pub fn auc(y: &[bool], p: &[f64]) -> f64 {
    check_lengths(y, p);
    let positives = y.iter().filter(|&&v| v).count();
    let negatives = y.len() - positives;
    if positives == 0 || negatives == 0 || p.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    let pairs = sorted_pairs(y, p);
    // Sum of the positives' ranks, each tie group sharing its mid-rank.
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < pairs.len() {
        let mut end = start + 1;
        while end < pairs.len() && pairs[end].0 == pairs[start].0 {
            end += 1;
        }
        let group_positives = pairs[start..end].iter().filter(|q| q.1).count();
        let mid_rank = (start + 1 + end) as f64 / 2.0; // mean of ranks start+1 ..= end
        rank_sum += mid_rank * group_positives as f64;
        start = end;
    }
    let (np, nn) = (positives as f64, negatives as f64);
    (rank_sum - np * (np + 1.0) / 2.0) / (np * nn)
}

/// Brier score: the mean of `(p - y)^2`. 0 is perfect; always predicting the prevalence
/// `q` scores `q (1 - q)`. NaN for empty input.
///
/// # Panics
/// When `y` and `p` differ in length.
pub fn brier(y: &[bool], p: &[f64]) -> f64 {
    check_lengths(y, p);
    let sum: f64 = y
        .iter()
        .zip(p)
        .map(|(&yi, &pi)| (pi - f64::from(u8::from(yi))).powi(2))
        .sum();
    sum / y.len() as f64
}

/// Mean log loss (cross-entropy) `-(y ln p + (1 - y) ln(1 - p))`, with `p` clipped to
/// `[1e-15, 1 - 1e-15]`. NaN for empty input.
///
/// # Panics
/// When `y` and `p` differ in length.
pub fn log_loss(y: &[bool], p: &[f64]) -> f64 {
    check_lengths(y, p);
    let sum: f64 = y
        .iter()
        .zip(p)
        .map(|(&yi, &pi)| {
            let q = pi.clamp(EPS, 1.0 - EPS);
            if yi {
                -q.ln()
            } else {
                -(1.0 - q).ln()
            }
        })
        .sum();
    sum / y.len() as f64
}

/// One calibration bin: rows whose predictions fall in `[lower, upper]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// Smallest prediction in the bin.
    pub lower: f64,
    /// Largest prediction in the bin.
    pub upper: f64,
    /// Rows in the bin.
    pub n: usize,
    /// Mean prediction of the bin's rows.
    pub mean_predicted: f64,
    /// Share of the bin's rows with a positive outcome.
    pub observed_rate: f64,
}

/// Calibration table by quantile bins of the predictions: rows sorted by prediction and cut
/// into `bins` groups of about equal size. Rows with equal predictions always share a bin,
/// so bins can be uneven, and there are fewer than `bins` when many predictions tie (all
/// equal: one bin). `bins = 0` or empty input gives no bins.
///
/// # Panics
/// When `y` and `p` differ in length.
pub fn calibration(y: &[bool], p: &[f64], bins: usize) -> Vec<CalibrationBin> {
    check_lengths(y, p);
    let n = y.len();
    if bins == 0 || n == 0 {
        return Vec::new();
    }
    let pairs = sorted_pairs(y, p);
    let mut out = Vec::with_capacity(bins);
    let mut start = 0;
    for b in 1..=bins {
        // u128 keeps b * n from overflowing on 32-bit targets.
        let mut end = ((b as u128 * n as u128) / bins as u128) as usize;
        if end <= start {
            continue;
        }
        // Keep a tie group whole: extend the bin past the cut to its last member.
        while end < n && pairs[end].0.total_cmp(&pairs[end - 1].0) == Ordering::Equal {
            end += 1;
        }
        let bin = &pairs[start..end];
        let count = bin.len();
        out.push(CalibrationBin {
            lower: bin[0].0,
            upper: bin[count - 1].0,
            n: count,
            mean_predicted: bin.iter().map(|q| q.0).sum::<f64>() / count as f64,
            observed_rate: bin.iter().filter(|q| q.1).count() as f64 / count as f64,
        });
        start = end;
    }
    out
}

/// All validation metrics of one set of predictions.
///
/// ```
/// use banenafspraak::model::Validation;
///
/// let y = [false, false, true, false, true, true];
/// let p = [0.1, 0.2, 0.3, 0.4, 0.8, 0.9];
/// let v = Validation::compute(&y, &p);
/// assert_eq!((v.n, v.positives), (6, 3));
/// assert!((v.auc - 8.0 / 9.0).abs() < 1e-12);
/// println!("{v}");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    /// Rows.
    pub n: usize,
    /// Rows with a positive outcome.
    pub positives: usize,
    /// See [`auc`]; NaN when one class is absent.
    pub auc: f64,
    /// See [`brier`].
    pub brier: f64,
    /// See [`log_loss`].
    pub log_loss: f64,
    /// See [`calibration`]; deciles.
    pub calibration: Vec<CalibrationBin>,
}

impl Validation {
    /// Computes every metric, with decile calibration bins.
    ///
    /// # Panics
    /// When `y` and `p` differ in length.
    pub fn compute(y: &[bool], p: &[f64]) -> Validation {
        check_lengths(y, p);
        Validation {
            n: y.len(),
            positives: y.iter().filter(|&&v| v).count(),
            auc: auc(y, p),
            brier: brier(y, p),
            log_loss: log_loss(y, p),
            calibration: calibration(y, p, 10),
        }
    }
}

impl fmt::Display for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let share = if self.n > 0 {
            100.0 * self.positives as f64 / self.n as f64
        } else {
            f64::NAN
        };
        writeln!(
            f,
            "n = {}, positives = {} ({share:.2}%)",
            self.n, self.positives
        )?;
        writeln!(
            f,
            "AUC {:.4}   Brier {:.5}   log loss {:.5}",
            self.auc, self.brier, self.log_loss
        )?;
        writeln!(
            f,
            "{:>4}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}",
            "bin", "lower", "upper", "n", "mean p", "observed"
        )?;
        for (i, b) in self.calibration.iter().enumerate() {
            writeln!(
                f,
                "{:>4}  {:>9.5}  {:>9.5}  {:>9}  {:>9.5}  {:>9.5}",
                i + 1,
                b.lower,
                b.upper,
                b.n,
                b.mean_predicted,
                b.observed_rate
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn auc_perfect_reversed_and_ties() {
        let y = [false, false, true, true];
        assert!(close(auc(&y, &[0.1, 0.2, 0.8, 0.9]), 1.0));
        assert!(close(auc(&y, &[0.9, 0.8, 0.2, 0.1]), 0.0));
        assert!(close(auc(&y, &[0.5; 4]), 0.5));
        // One positive-negative pair tied, three ordered right: (3 + 0.5) / 4.
        assert!(close(auc(&y, &[0.1, 0.5, 0.5, 0.9]), 3.5 / 4.0));
    }

    #[test]
    fn auc_counts_pairs() {
        // Pairs (pos, neg): 0.3 beats 0.1, 0.2, loses to 0.4; 0.8 and 0.9 beat all: 8 / 9.
        let y = [false, false, true, false, true, true];
        let p = [0.1, 0.2, 0.3, 0.4, 0.8, 0.9];
        assert!(close(auc(&y, &p), 8.0 / 9.0));
        // Order of the rows does not matter.
        let order = [4, 0, 5, 2, 1, 3];
        let y2: Vec<bool> = order.iter().map(|&i| y[i]).collect();
        let p2: Vec<f64> = order.iter().map(|&i| p[i]).collect();
        assert!(close(auc(&y2, &p2), 8.0 / 9.0));
    }

    #[test]
    fn auc_undefined_cases_are_nan() {
        assert!(auc(&[true, true], &[0.1, 0.2]).is_nan());
        assert!(auc(&[false, false], &[0.1, 0.2]).is_nan());
        assert!(auc(&[], &[]).is_nan());
        assert!(auc(&[true, false], &[f64::NAN, 0.2]).is_nan());
    }

    #[test]
    #[should_panic(expected = "differ in length")]
    fn length_mismatch_panics() {
        brier(&[true], &[0.1, 0.2]);
    }

    #[test]
    fn brier_constant_and_perfect() {
        let y = [true, false, false, false];
        // Constant 0.25 = the prevalence: q (1 - q) = 0.1875.
        assert!(close(brier(&y, &[0.25; 4]), 0.1875));
        assert!(close(brier(&y, &[1.0, 0.0, 0.0, 0.0]), 0.0));
        assert!(close(brier(&y, &[0.0, 1.0, 1.0, 1.0]), 1.0));
        assert!(brier(&[], &[]).is_nan());
    }

    #[test]
    fn log_loss_values_and_clipping() {
        let y = [true, false];
        assert!(close(log_loss(&y, &[0.5, 0.5]), std::f64::consts::LN_2));
        assert!(close(
            log_loss(&y, &[0.8, 0.4]),
            -(0.8f64.ln() + 0.6f64.ln()) / 2.0
        ));
        // Certain and wrong: clipped to -ln(1e-15), not infinite.
        let worst = log_loss(&[true], &[0.0]);
        assert!(worst.is_finite() && (worst - 1e-15f64.ln().abs()).abs() < 1e-9);
        assert!(log_loss(&[true], &[1.0]) < 1e-14);
    }

    #[test]
    fn calibration_deciles_even() {
        let p: Vec<f64> = (0..100).map(|i| f64::from(i) / 100.0).collect();
        let y: Vec<bool> = (0..100).map(|i| i % 2 == 0).collect();
        let bins = calibration(&y, &p, 10);
        assert_eq!(bins.len(), 10);
        for (k, b) in bins.iter().enumerate() {
            assert_eq!(b.n, 10);
            assert!(close(b.lower, k as f64 / 10.0));
            assert!(close(b.upper, (10 * k + 9) as f64 / 100.0));
            assert!(close(b.mean_predicted, (10 * k) as f64 / 100.0 + 0.045));
            assert!(close(b.observed_rate, 0.5));
        }
    }

    #[test]
    fn calibration_keeps_ties_together() {
        // Six rows at 0.1 straddle the first cut (after row 3 of 10): bin one takes all six,
        // and the second cut (after row 6) falls where bin one already ends.
        let p = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.5, 0.6, 0.7, 0.8];
        let y = [
            true, false, false, false, false, false, true, true, false, true,
        ];
        let bins = calibration(&y, &p, 3);
        assert_eq!(bins.iter().map(|b| b.n).collect::<Vec<_>>(), vec![6, 4]);
        assert!(close(bins[0].observed_rate, 1.0 / 6.0));
        assert!(close(bins[1].mean_predicted, 0.65));
        assert!(close(bins[1].observed_rate, 0.75));
        // All equal: one bin.
        assert_eq!(calibration(&y, &[0.3; 10], 10).len(), 1);
        assert!(calibration(&y, &p, 0).is_empty());
        assert!(calibration(&[], &[], 10).is_empty());
    }

    #[test]
    fn calibration_unsorted_input_and_uneven_sizes() {
        // 7 rows in 3 bins: cuts at 2, 4, 7.
        let p = [0.7, 0.1, 0.6, 0.2, 0.5, 0.3, 0.4];
        let y = [true, false, true, false, false, false, true];
        let bins = calibration(&y, &p, 3);
        assert_eq!(bins.iter().map(|b| b.n).collect::<Vec<_>>(), vec![2, 2, 3]);
        assert!(close(bins[2].lower, 0.5) && close(bins[2].upper, 0.7));
        assert!(close(bins[2].observed_rate, 2.0 / 3.0));
    }

    #[test]
    fn validation_summary_and_display() {
        let y = [false, false, true, false, true, true];
        let p = [0.1, 0.2, 0.3, 0.4, 0.8, 0.9];
        let v = Validation::compute(&y, &p);
        assert_eq!((v.n, v.positives), (6, 3));
        assert!(close(v.brier, brier(&y, &p)));
        assert!(close(v.log_loss, log_loss(&y, &p)));
        assert_eq!(v.calibration.len(), 6); // 6 distinct predictions, 10 bins asked
        let text = v.to_string();
        assert!(text.contains("AUC 0.8889"), "{text}");
        assert!(text.contains("observed"), "{text}");
        assert_eq!(text.lines().count(), 3 + 6);
    }
}
