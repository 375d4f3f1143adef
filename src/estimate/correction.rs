//! The correction of the comparability probabilities. The model learns P(registered in a
//! trained sub-group | x), not P(comparable | x); a correction turns the one into the
//! other, and each correction is an assumption:
//!
//! - the report's register-size factor (method section 1): scale by f = register size /
//!   register size without wajong, wsw and wiw_id;
//! - Elkan & Noto (2008), positive-unlabelled learning (method section 6): estimate the
//!   labelling rate c = P(registered | comparable) as the model's mean score over held-out
//!   register members and divide by it;
//! - a factor the user gives.
//!
//! The corrected probability is capped at 1 in every case.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::level::{ConfidenceLevel, Interval};
use crate::error::{Error, Result};
use crate::schema::Population;

/// Which correction to apply.
///
/// ```
/// use banenafspraak::estimate::Correction;
/// assert_eq!("register-size".parse::<Correction>()?, Correction::RegisterSize);
/// assert_eq!("elkan-noto".parse::<Correction>()?, Correction::ElkanNoto);
/// assert_eq!("fixed=2.9".parse::<Correction>()?, Correction::Fixed(2.9));
/// assert!("fixed=0".parse::<Correction>().is_err());
/// assert_eq!(Correction::Fixed(2.9).to_string(), "fixed=2.9");
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// The report's register-size factor, computed from the data.
    RegisterSize,
    /// Elkan & Noto's labelling rate c, estimated from held-out register members; the
    /// factor is 1 / c.
    ElkanNoto,
    /// A factor given by the user.
    Fixed(f64),
}

impl FromStr for Correction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Correction> {
        let bad = |reason: &str| Error::InvalidParameter {
            name: "correction",
            value: s.into(),
            reason: reason.into(),
        };
        match s {
            "register-size" => Ok(Correction::RegisterSize),
            "elkan-noto" => Ok(Correction::ElkanNoto),
            _ => match s.strip_prefix("fixed=") {
                Some(f) => {
                    let f: f64 = f
                        .parse()
                        .map_err(|_| bad("fixed=F needs a number F, e.g. fixed=2.9"))?;
                    CorrectionFactor::fixed(f)?;
                    Ok(Correction::Fixed(f))
                }
                None => Err(bad("expected register-size, elkan-noto or fixed=F")),
            },
        }
    }
}

impl fmt::Display for Correction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Correction::RegisterSize => write!(f, "register-size"),
            Correction::ElkanNoto => write!(f, "elkan-noto"),
            Correction::Fixed(x) => write!(f, "fixed={x}"),
        }
    }
}

/// Elkan & Noto's labelling rate c = P(registered in a trained sub-group | comparable),
/// estimated as the mean comparability score of held-out register members (their
/// estimator e1), with an interval at the run's confidence level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LabellingRate {
    /// The estimate of c.
    pub c: f64,
    /// Interval of c.
    pub interval: Interval,
    /// The confidence level of the interval.
    #[serde(default)]
    pub level: ConfidenceLevel,
    /// How the interval was computed.
    pub interval_method: LabellingInterval,
    /// Held-out register members (the validation part's positives) the mean is over.
    pub held_out_positives: usize,
    /// Standard deviation of the scores over those members.
    pub score_sd: f64,
}

/// How the interval of the labelling rate was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabellingInterval {
    /// Normal interval of a mean, c +- z sd / sqrt(m): the sampling error of the
    /// held-out members only, the model held fixed.
    NormalMean,
    /// Percentile interval over bootstrap replicates that refit the model and resample
    /// the held-out members.
    Bootstrap {
        /// Bootstrap replicates behind the interval.
        replicates: usize,
    },
}

impl LabellingRate {
    /// The estimate from the model's scores of the held-out register members, with the
    /// normal interval of their mean at `level`.
    ///
    /// ```
    /// use banenafspraak::estimate::{ConfidenceLevel, LabellingRate};
    /// let level = ConfidenceLevel::DEFAULT;
    /// let r = LabellingRate::from_scores(&[0.2, 0.3, 0.25, 0.25], level)?;
    /// assert!((r.c - 0.25).abs() < 1e-12);
    /// assert!(r.interval.low < 0.25 && r.interval.high > 0.25);
    /// let narrower = LabellingRate::from_scores(&[0.2, 0.3, 0.25, 0.25], ConfidenceLevel::new(0.8)?)?;
    /// assert!(narrower.interval.width() < r.interval.width());
    /// assert!(LabellingRate::from_scores(&[], level).is_err());
    /// assert!(LabellingRate::from_scores(&[0.0, 0.0], level).is_err());
    /// # Ok::<(), banenafspraak::Error>(())
    /// ```
    pub fn from_scores(scores: &[f64], level: ConfidenceLevel) -> Result<LabellingRate> {
        let m = scores.len();
        let refuse = |reason: String| Error::Training {
            model: "comparability",
            reason,
        };
        if m == 0 {
            return Err(refuse(
                "the Elkan-Noto correction needs held-out register members to estimate the \
                 labelling rate; the validation part has none (is the validation share 0?)"
                    .into(),
            ));
        }
        let c = scores.iter().sum::<f64>() / m as f64;
        if !(c > 0.0 && c.is_finite()) {
            return Err(refuse(format!(
                "the mean score of the {m} held-out register members is {c}: the Elkan-Noto \
                 labelling rate must be positive"
            )));
        }
        let var = if m > 1 {
            scores.iter().map(|s| (s - c).powi(2)).sum::<f64>() / (m - 1) as f64
        } else {
            0.0
        };
        let sd = var.sqrt();
        let half = level.z() * sd / (m as f64).sqrt();
        Ok(LabellingRate {
            c,
            interval: Interval {
                low: (c - half).max(0.0),
                high: (c + half).min(1.0),
            },
            level,
            interval_method: LabellingInterval::NormalMean,
            held_out_positives: m,
            score_sd: sd,
        })
    }
}

/// The factor in use and where it came from.
///
/// ```
/// use banenafspraak::estimate::CorrectionFactor;
/// let f = CorrectionFactor::fixed(2.9).unwrap();
/// assert!((f.apply(0.1) - 0.29).abs() < 1e-12);
/// assert_eq!(f.apply(0.5), 1.0);
/// assert!(CorrectionFactor::fixed(0.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CorrectionFactor {
    /// Which correction was asked for.
    pub correction: Correction,
    /// The factor the comparability probabilities are multiplied by (capped at 1 after).
    pub factor: f64,
    /// Register members in the data (all bases, all ages).
    pub register_size: u64,
    /// Of whom not wajong, wsw or wiw_id: the sub-groups the model learns.
    pub register_size_trained: u64,
    /// The labelling rate behind the factor (`Correction::ElkanNoto` only).
    #[serde(default)]
    pub labelling: Option<LabellingRate>,
}

impl CorrectionFactor {
    /// The register-size factor of a population.
    pub fn from_register(pop: &Population) -> Result<CorrectionFactor> {
        let (size, trained) = register_sizes(pop);
        if trained == 0 {
            return Err(Error::InvalidParameter {
                name: "correction factor",
                value: format!("{size} / 0"),
                reason: "the register-size factor needs register members outside wajong, wsw and wiw_id; \
                         give a factor with --correction-factor"
                    .into(),
            });
        }
        Ok(CorrectionFactor {
            correction: Correction::RegisterSize,
            factor: size as f64 / trained as f64,
            register_size: size,
            register_size_trained: trained,
            labelling: None,
        })
    }

    /// A user-given factor (> 0 and finite).
    pub fn fixed(factor: f64) -> Result<CorrectionFactor> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(Error::InvalidParameter {
                name: "correction factor",
                value: factor.to_string(),
                reason: "must be a positive number".into(),
            });
        }
        Ok(CorrectionFactor {
            correction: Correction::Fixed(factor),
            factor,
            register_size: 0,
            register_size_trained: 0,
            labelling: None,
        })
    }

    /// The Elkan-Noto correction with labelling rate `rate`: factor 1 / c. The register
    /// sizes are filled in for the record.
    pub fn elkan_noto(rate: LabellingRate, pop: &Population) -> CorrectionFactor {
        let (size, trained) = register_sizes(pop);
        CorrectionFactor {
            correction: Correction::ElkanNoto,
            factor: 1.0 / rate.c,
            register_size: size,
            register_size_trained: trained,
            labelling: Some(rate),
        }
    }

    /// Resolves a choice against a population; for `Fixed` the register sizes are filled
    /// in for the record. `ElkanNoto` needs a fitted model's scores: it is refused here
    /// (use [`CorrectionFactor::elkan_noto`]).
    pub fn resolve(correction: Correction, pop: &Population) -> Result<CorrectionFactor> {
        match correction {
            Correction::RegisterSize => CorrectionFactor::from_register(pop),
            Correction::ElkanNoto => Err(Error::InvalidParameter {
                name: "correction",
                value: "elkan-noto".into(),
                reason: "the Elkan-Noto rate is estimated from a fitted model's held-out scores, \
                         not from the population alone"
                    .into(),
            }),
            Correction::Fixed(f) => {
                let (size, trained) = register_sizes(pop);
                Ok(CorrectionFactor {
                    register_size: size,
                    register_size_trained: trained,
                    ..Self::fixed(f)?
                })
            }
        }
    }

    /// The corrected probability: min(1, f p).
    pub fn apply(&self, p: f64) -> f64 {
        (self.factor * p).min(1.0)
    }

    /// The same correction with another factor (a bootstrap replicate's labelling rate).
    pub(crate) fn with_labelling_rate(&self, c: f64) -> CorrectionFactor {
        CorrectionFactor {
            factor: 1.0 / c,
            ..*self
        }
    }

    /// One sentence on the correction and its assumption, with the unrounded register
    /// sizes: for work inside the environment. Output goes through
    /// `report::correction_table`, whose cells are disclosure-checked.
    pub fn describe(&self) -> String {
        let register_factor = if self.register_size_trained > 0 {
            format!(
                "{:.3}",
                self.register_size as f64 / self.register_size_trained as f64
            )
        } else {
            "undefined".into()
        };
        match self.correction {
            Correction::RegisterSize => format!(
                "register-size factor {:.3} = {} register members / {} outside wajong, wsw and wiw_id; \
                 assumes the old groups resemble the trained ones in their share of comparable persons",
                self.factor, self.register_size, self.register_size_trained
            ),
            Correction::ElkanNoto => match &self.labelling {
                Some(r) => format!(
                    "Elkan-Noto labelling rate c = {:.4} ({} interval {:.4}-{:.4}, {}; mean score of {} \
                     held-out register members), comparability = min(1, p / c), factor 1/c = {:.3} \
                     (the data's register-size factor would be {register_factor}); assumes the register's \
                     trained sub-groups are selected completely at random from the comparable persons \
                     (SCAR: the same c whatever the features) and that comparable persons are \
                     recognisable by the model (scores near c for them)",
                    r.c,
                    r.level.percent(),
                    r.interval.low,
                    r.interval.high,
                    match r.interval_method {
                        LabellingInterval::NormalMean =>
                            "normal interval of the mean, model held fixed".to_string(),
                        LabellingInterval::Bootstrap { replicates } =>
                            format!("bootstrap, {replicates} replicates"),
                    },
                    r.held_out_positives,
                    self.factor
                ),
                None => format!("Elkan-Noto factor {:.3}", self.factor),
            },
            Correction::Fixed(f) => format!(
                "fixed factor {f:.3} given by the user (the data's register-size factor would be \
                 {register_factor}); assumes f times the model's probability is the probability of \
                 being comparable"
            ),
        }
    }
}

fn register_sizes(pop: &Population) -> (u64, u64) {
    let mut size = 0u64;
    let mut trained = 0u64;
    for (r, b) in pop.in_register().iter().zip(pop.register_basis()) {
        if *r {
            size += 1;
            if b.is_some_and(|b| !b.is_old_group()) {
                trained += 1;
            }
        }
    }
    (size, trained)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Person, RegisterBasis};

    #[test]
    fn factor_is_register_over_trained_register() {
        let mut pop = Population::new();
        let mut p = Person::example();
        pop.push(&p);
        p.in_register = true;
        p.register_entry_year = Some(2016);
        for b in [
            RegisterBasis::Wajong,
            RegisterBasis::Wsw,
            RegisterBasis::Indicatie,
            RegisterBasis::VsoPro,
        ] {
            p.register_basis = Some(b);
            pop.push(&p);
        }
        let f = CorrectionFactor::from_register(&pop).unwrap();
        assert_eq!((f.register_size, f.register_size_trained), (4, 2));
        assert_eq!(f.factor, 2.0);
        let only_old = pop.select(&[0, 1, 2]);
        let refused = |r: Result<CorrectionFactor>| {
            matches!(
                r,
                Err(Error::InvalidParameter {
                    name: "correction factor",
                    ..
                })
            )
        };
        assert!(refused(CorrectionFactor::from_register(&only_old)));
        assert!(refused(CorrectionFactor::resolve(
            Correction::Fixed(-1.0),
            &pop
        )));
        assert!(CorrectionFactor::resolve(Correction::Fixed(2.9), &pop)
            .unwrap()
            .describe()
            .contains("2.000"));
    }
}
