//! Intervals and their confidence level: the [`Interval`] type, the level of every interval
//! a run reports (`--level`, 95% by default), the normal quantile it implies, and the two
//! binomial intervals of a leaf's rate (Wilson and Clopper-Pearson). Quantiles come from
//! statrs. Uses nothing else of the stage.

use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta, ContinuousCDF, Normal};

use crate::error::{Error, Result};

/// A two-sided interval, `low <= high`.
///
/// ```
/// use banenafspraak::estimate::Interval;
/// let i = Interval { low: 3_800.0, high: 4_300.0 };
/// assert!(i.contains(4_000.0));
/// assert_eq!(i.width(), 500.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Interval {
    /// Whether `x` lies in `[low, high]`.
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }

    /// `high - low`.
    pub fn width(&self) -> f64 {
        self.high - self.low
    }
}

/// A two-sided confidence level, strictly between 0.5 and 1 (checked once, when made).
///
/// ```
/// use banenafspraak::estimate::ConfidenceLevel;
/// let level = ConfidenceLevel::new(0.95)?;
/// assert!((level.z() - 1.959_964).abs() < 1e-6);
/// assert_eq!(level.tails(), (0.025, 0.975));
/// assert_eq!(level.percent(), "95%");
/// assert_eq!(ConfidenceLevel::new(0.9)?.percent(), "90%");
/// assert!(ConfidenceLevel::new(1.0).is_err() && ConfidenceLevel::new(0.4).is_err());
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct ConfidenceLevel(f64);

impl ConfidenceLevel {
    /// 95%, the report's level.
    pub const DEFAULT: ConfidenceLevel = ConfidenceLevel(0.95);

    /// The level `value` (0.5 < value < 1).
    pub fn new(value: f64) -> Result<ConfidenceLevel> {
        if value > 0.5 && value < 1.0 {
            Ok(ConfidenceLevel(value))
        } else {
            Err(Error::InvalidParameter {
                name: "level",
                value: value.to_string(),
                reason: "a confidence level lies strictly between 0.5 and 1 (0.95 for 95%)".into(),
            })
        }
    }

    /// The level as a fraction (0.95).
    pub fn value(self) -> f64 {
        self.0
    }

    /// The lower and upper tail probabilities of a two-sided interval: `(a/2, 1 - a/2)`
    /// with `a = 1 - level`.
    pub fn tails(self) -> (f64, f64) {
        let a = 1.0 - self.0;
        // Rounded to 12 decimals so that 0.95 gives exactly (0.025, 0.975).
        let round = |x: f64| (x * 1e12).round() / 1e12;
        (round(a / 2.0), round(1.0 - a / 2.0))
    }

    /// z with `level` of a standard normal distribution within `-z..z`: the normal
    /// quantile at `1 - a/2`.
    pub fn z(self) -> f64 {
        Normal::standard().inverse_cdf(0.5 + self.0 / 2.0)
    }

    /// The level in percent as people write it: `95%`, `90%`, `99.5%`.
    pub fn percent(self) -> String {
        let p = format!("{:.4}", self.0 * 100.0);
        format!("{}%", p.trim_end_matches('0').trim_end_matches('.'))
    }
}

impl Default for ConfidenceLevel {
    fn default() -> ConfidenceLevel {
        ConfidenceLevel::DEFAULT
    }
}

/// `0.9` or `90%`, as on the command line (`--level`).
///
/// ```
/// use banenafspraak::estimate::ConfidenceLevel;
/// assert_eq!("90%".parse::<ConfidenceLevel>()?, "0.9".parse()?);
/// assert!("95".parse::<ConfidenceLevel>().is_err());
/// # Ok::<(), banenafspraak::Error>(())
/// ```
impl std::str::FromStr for ConfidenceLevel {
    type Err = Error;
    fn from_str(s: &str) -> Result<ConfidenceLevel> {
        let t = s.trim();
        let (number, scale) = match t.strip_suffix('%') {
            Some(p) => (p.trim(), 100.0),
            None => (t, 1.0),
        };
        let value: f64 = number.parse().map_err(|_| Error::InvalidParameter {
            name: "level",
            value: s.into(),
            reason: "not a number: write the level as 0.9 or 90%".into(),
        })?;
        ConfidenceLevel::new(value / scale)
    }
}

impl TryFrom<f64> for ConfidenceLevel {
    type Error = Error;
    fn try_from(value: f64) -> Result<ConfidenceLevel> {
        ConfidenceLevel::new(value)
    }
}

impl From<ConfidenceLevel> for f64 {
    fn from(level: ConfidenceLevel) -> f64 {
        level.0
    }
}

/// The Wilson score interval of a rate of `positives` in `n`:
/// `(p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)` with `p = positives / n`.
/// Never outside `[0, 1]`, and not degenerate at 0 or n positives. `n = 0` gives `[0, 1]`.
///
/// ```
/// use banenafspraak::estimate::{level::wilson, ConfidenceLevel};
/// let i = wilson(10, 100, ConfidenceLevel::DEFAULT);
/// assert!((i.low - 0.05523).abs() < 1e-5 && (i.high - 0.17437).abs() < 1e-5);
/// assert!(wilson(0, 50, ConfidenceLevel::DEFAULT).low == 0.0);
/// ```
pub fn wilson(positives: u64, n: u64, level: ConfidenceLevel) -> Interval {
    if n == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let (k, n) = (positives.min(n) as f64, n as f64);
    let (p, z) = (k / n, level.z());
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// The Clopper-Pearson ("exact") interval of a rate of `positives` in `n`: the beta
/// quantiles `B(a/2; k, n-k+1)` and `B(1-a/2; k+1, n-k)`, 0 at 0 positives and 1 at n.
/// At least `level` coverage for every true rate (conservative). `n = 0` gives `[0, 1]`.
///
/// ```
/// use banenafspraak::estimate::{level::clopper_pearson, ConfidenceLevel};
/// let i = clopper_pearson(10, 100, ConfidenceLevel::DEFAULT);
/// assert!((i.low - 0.04901).abs() < 1e-5 && (i.high - 0.17622).abs() < 1e-5);
/// assert_eq!(clopper_pearson(0, 20, ConfidenceLevel::DEFAULT).low, 0.0);
/// ```
pub fn clopper_pearson(positives: u64, n: u64, level: ConfidenceLevel) -> Interval {
    let k = positives.min(n);
    let (lo, hi) = level.tails();
    let quantile =
        |q: f64, a: f64, b: f64| Beta::new(a, b).map_or(f64::NAN, |beta| beta.inverse_cdf(q));
    Interval {
        low: if k == 0 {
            0.0
        } else {
            quantile(lo, k as f64, (n - k + 1) as f64)
        },
        high: if k == n {
            1.0
        } else {
            quantile(hi, (k + 1) as f64, (n - k) as f64)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_is_the_normal_quantile_of_the_level() {
        let z = |l: f64| ConfidenceLevel::new(l).unwrap().z();
        assert!((z(0.95) - 1.959_963_984_540_054).abs() < 1e-9);
        assert!((z(0.90) - 1.644_853_626_951_472).abs() < 1e-9);
        assert!((z(0.99) - 2.575_829_303_548_901).abs() < 1e-9);
    }

    #[test]
    fn a_wider_level_gives_wider_binomial_intervals_around_the_rate() {
        let (l90, l99) = (
            ConfidenceLevel::new(0.9).unwrap(),
            ConfidenceLevel::new(0.99).unwrap(),
        );
        for (k, n) in [(1, 10), (37, 250), (999, 1000)] {
            let p = k as f64 / n as f64;
            for f in [wilson, clopper_pearson] {
                let (a, b) = (f(k, n, l90), f(k, n, l99));
                assert!(a.contains(p) && b.contains(p), "{k}/{n}");
                assert!(b.low < a.low && b.high > a.high, "{k}/{n}: {a:?} vs {b:?}");
            }
            // Clopper-Pearson is the conservative one: it contains Wilson's interval.
            let (w, c) = (wilson(k, n, l90), clopper_pearson(k, n, l90));
            assert!(
                c.low <= w.low + 1e-12 && c.high >= w.high - 1e-12,
                "{k}/{n}"
            );
        }
    }

    #[test]
    fn clopper_pearson_covers_at_least_its_level_for_every_rate() {
        // Exact coverage by summing binomial probabilities over k (n = 40).
        let level = ConfidenceLevel::DEFAULT;
        let n = 40u64;
        let intervals: Vec<Interval> = (0..=n).map(|k| clopper_pearson(k, n, level)).collect();
        for t in 1..100 {
            let p = t as f64 / 100.0;
            let mut covered = 0.0;
            let mut binom = (1.0 - p).powi(n as i32); // P(K = 0)
            for k in 0..=n {
                if intervals[k as usize].contains(p) {
                    covered += binom;
                }
                binom *= (n - k) as f64 / (k + 1) as f64 * p / (1.0 - p);
            }
            assert!(covered >= 0.95 - 1e-9, "p = {p}: coverage {covered}");
        }
    }

    #[test]
    fn levels_round_trip_through_serde_and_refuse_nonsense() {
        let l: ConfidenceLevel = serde_json::from_str("0.9").unwrap();
        assert_eq!(l.value(), 0.9);
        assert_eq!(serde_json::to_string(&l).unwrap(), "0.9");
        assert!(serde_json::from_str::<ConfidenceLevel>("1.5").is_err());
        assert_eq!(ConfidenceLevel::new(0.995).unwrap().percent(), "99.5%");
        assert!(ConfidenceLevel::new(0.5)
            .unwrap_err()
            .to_string()
            .contains("level"));
    }
}
