//! The correction of the comparability probabilities (method section 1): the model learns
//! only the register's trained sub-groups, so its probabilities are scaled by
//! f = register size / register size without wajong, wsw and wiw_id, and capped at 1.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::schema::Population;

/// Which correction to apply.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// The report's register-size factor, computed from the data.
    RegisterSize,
    /// A factor given by the user.
    Fixed(f64),
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
    pub correction: Correction,
    pub factor: f64,
    /// Register members in the data (all bases, all ages).
    pub register_size: u64,
    /// Of whom not wajong, wsw or wiw_id: the sub-groups the model learns.
    pub register_size_trained: u64,
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
        })
    }

    /// Resolves a choice against a population; for `Fixed` the register sizes are filled
    /// in for the record.
    pub fn resolve(correction: Correction, pop: &Population) -> Result<CorrectionFactor> {
        match correction {
            Correction::RegisterSize => CorrectionFactor::from_register(pop),
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

    /// One sentence on the correction and its assumption.
    pub fn describe(&self) -> String {
        match self.correction {
            Correction::RegisterSize => format!(
                "register-size factor {:.3} = {} register members / {} outside wajong, wsw and wiw_id; \
                 assumes the old groups resemble the trained ones in their share of comparable persons",
                self.factor, self.register_size, self.register_size_trained
            ),
            Correction::Fixed(f) => format!(
                "fixed factor {f:.3} given by the user (the data's register-size factor would be {})",
                if self.register_size_trained > 0 {
                    format!("{:.3}", self.register_size as f64 / self.register_size_trained as f64)
                } else {
                    "undefined".into()
                }
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
        assert!(CorrectionFactor::from_register(&only_old).is_err());
        assert!(CorrectionFactor::resolve(Correction::Fixed(-1.0), &pop).is_err());
        assert!(CorrectionFactor::resolve(Correction::Fixed(2.9), &pop)
            .unwrap()
            .describe()
            .contains("2.000"));
    }
}
