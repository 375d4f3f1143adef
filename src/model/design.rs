//! Training designs: who each model learns from (the classes of the comparability model
//! and the two job cohorts, method sections 1, 3 and 4), the sample drawn with the
//! population's class shares, and the seeded 80/20 split.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::schema::{Person, Population, RegisterBasis};

/// Youngest age in the comparability model's training population.
pub const MIN_AGE: u8 = 16;
/// Oldest age in the comparability model's training population.
pub const MAX_AGE: u8 = 66;

/// The comparability model's class of a person: `Some(true)` for register members of the
/// trained sub-groups (basis not wajong, wsw or wiw_id), `Some(false)` for persons outside
/// the register, `None` for everyone else (other ages, the old register groups).
///
/// ```
/// use banenafspraak::model::design::comparability_class;
/// use banenafspraak::schema::{Person, RegisterBasis};
/// let mut p = Person::example();
/// assert_eq!(comparability_class(&p), Some(false));
/// p.in_register = true;
/// p.register_basis = Some(RegisterBasis::Wsw);
/// assert_eq!(comparability_class(&p), None);
/// ```
pub fn comparability_class(p: &Person<'_>) -> Option<bool> {
    if !(MIN_AGE..=MAX_AGE).contains(&p.age) {
        return None;
    }
    match (p.in_register, p.register_basis) {
        (false, _) => Some(false),
        (true, Some(b)) if !b.is_old_group() => Some(true),
        _ => None,
    }
}

/// The job-find cohort's outcome: register members who entered the year before the
/// reference year (the reader admits the outcome only for them), not via praktijkroute
/// (registered only once employed), with a recorded outcome.
pub fn job_find_outcome(p: &Person<'_>) -> Option<bool> {
    if p.register_basis == Some(RegisterBasis::Praktijkroute) {
        return None;
    }
    p.found_job_within_year.filter(|_| p.in_register)
}

/// The job-keep cohort's outcome: register members of the trained sub-groups
/// (Participatiewet, vso/pro; not wajong, wsw, wiw_id) who started a job in the year
/// before the reference year, i.e. have a recorded `kept_job_one_year`.
pub fn job_keep_outcome(p: &Person<'_>) -> Option<bool> {
    match p.register_basis {
        Some(b) if p.in_register && !b.is_old_group() => p.kept_job_one_year,
        _ => None,
    }
}

/// How many persons to train and validate on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SampleSize {
    /// Everyone eligible.
    All,
    /// A sample of this many (everyone when fewer are eligible).
    Persons(usize),
}

impl std::str::FromStr for SampleSize {
    type Err = Error;
    fn from_str(s: &str) -> Result<SampleSize> {
        if s == "all" {
            return Ok(SampleSize::All);
        }
        match s.parse::<usize>() {
            Ok(n) if n > 0 => Ok(SampleSize::Persons(n)),
            _ => Err(Error::InvalidParameter {
                name: "sample size",
                value: s.into(),
                reason: "expected a positive whole number or `all`".into(),
            }),
        }
    }
}

/// The sample and its split: `sample_size` persons drawn with the population's class
/// shares, of which `validation_share` are held out, both within each class; seeded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainingDesign {
    /// How many persons to draw (the report: 1,000,000).
    pub sample_size: SampleSize,
    /// Share held out for validation (the report: 0.2).
    pub validation_share: f64,
    /// Seed of the draw and the split.
    pub seed: u64,
}

impl Default for TrainingDesign {
    fn default() -> Self {
        TrainingDesign {
            sample_size: SampleSize::Persons(1_000_000),
            validation_share: 0.2,
            seed: 2019,
        }
    }
}

/// Rows of a population with their labels, split for training and validation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    /// Population rows to fit on, ascending.
    pub train: Vec<usize>,
    /// The outcome of each training row, in `train`'s order.
    pub train_labels: Vec<bool>,
    /// Population rows held out, ascending.
    pub validate: Vec<usize>,
    /// The outcome of each held-out row, in `validate`'s order.
    pub validate_labels: Vec<bool>,
    /// Persons eligible before sampling, and how many of them were positive.
    pub eligible: usize,
    /// Eligible persons with the outcome.
    pub eligible_positive: usize,
    /// Set when the requested sample was larger than the eligible population.
    pub used_all: bool,
}

impl Split {
    /// All rows, training first, with their labels: the order a model's feature matrix is
    /// encoded in, so matrix rows `0..train.len()` are the training part.
    pub fn rows_and_labels(&self) -> (Vec<usize>, Vec<bool>) {
        let rows = self.train.iter().chain(&self.validate).copied().collect();
        let labels = self
            .train_labels
            .iter()
            .chain(&self.validate_labels)
            .copied()
            .collect();
        (rows, labels)
    }
}

impl TrainingDesign {
    /// Checks the design once.
    pub fn check(&self) -> Result<()> {
        if !(self.validation_share >= 0.0 && self.validation_share < 1.0) {
            return Err(Error::InvalidParameter {
                name: "validation share",
                value: self.validation_share.to_string(),
                reason: "must be in [0, 1)".into(),
            });
        }
        if self.sample_size == SampleSize::Persons(0) {
            return Err(Error::InvalidParameter {
                name: "sample size",
                value: "0".into(),
                reason: "must be positive".into(),
            });
        }
        Ok(())
    }

    /// Draws and splits the persons for whom `label` gives a class. `stream` separates
    /// the random streams of the models that share one seed.
    pub fn split(
        &self,
        pop: &Population,
        stream: u64,
        label: impl Fn(&Person<'_>) -> Option<bool>,
    ) -> Result<Split> {
        self.check()?;
        let (mut pos, mut neg) = (Vec::new(), Vec::new());
        for i in 0..pop.len() {
            match label(&pop.person(i)) {
                Some(true) => pos.push(i),
                Some(false) => neg.push(i),
                None => {}
            }
        }
        let eligible = pos.len() + neg.len();
        let wanted = match self.sample_size {
            SampleSize::All => eligible,
            SampleSize::Persons(n) => n,
        };
        let used_all = wanted >= eligible;
        let n = wanted.min(eligible);
        // Class shares as in the population; the rounding goes to the positives.
        let n_pos = if eligible == 0 {
            0
        } else {
            ((n as f64) * pos.len() as f64 / eligible as f64).round() as usize
        };
        let n_pos = n_pos.min(pos.len()).max(n.saturating_sub(neg.len()));
        let n_neg = n - n_pos;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(stream);
        let mut out = Split {
            eligible,
            eligible_positive: pos.len(),
            used_all,
            ..Split::default()
        };
        for (class, rows, take) in [(true, &mut pos, n_pos), (false, &mut neg, n_neg)] {
            let (chosen, _) = rows.partial_shuffle(&mut rng, take);
            let n_validate = ((take as f64) * self.validation_share).round() as usize;
            let (validate, train) = chosen.split_at_mut(n_validate);
            out.train.extend_from_slice(train);
            out.validate.extend_from_slice(validate);
            out.train_labels
                .extend(std::iter::repeat_n(class, train.len()));
            out.validate_labels
                .extend(std::iter::repeat_n(class, validate.len()));
        }
        sort_with_labels(&mut out.train, &mut out.train_labels);
        sort_with_labels(&mut out.validate, &mut out.validate_labels);
        Ok(out)
    }
}

fn sort_with_labels(rows: &mut Vec<usize>, labels: &mut Vec<bool>) {
    let mut pairs: Vec<(usize, bool)> = rows.iter().copied().zip(labels.iter().copied()).collect();
    pairs.sort_unstable_by_key(|&(r, _)| r);
    (*rows, *labels) = pairs.into_iter().unzip();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::SynthParams;

    #[test]
    fn sample_keeps_class_shares_and_split_is_seeded() {
        let pop = SynthParams {
            persons: 20_000,
            seed: 4,
            ..SynthParams::default()
        }
        .generate()
        .unwrap();
        let design = TrainingDesign {
            sample_size: SampleSize::Persons(5_000),
            validation_share: 0.2,
            seed: 9,
        };
        let s = design.split(&pop, 0, comparability_class).unwrap();
        assert_eq!(s.train.len() + s.validate.len(), 5_000);
        assert_eq!(s.validate.len(), 1_000);
        let share = s.eligible_positive as f64 / s.eligible as f64;
        let positives = s
            .train_labels
            .iter()
            .chain(&s.validate_labels)
            .filter(|&&y| y)
            .count();
        assert!((positives as f64 - 5_000.0 * share).abs() <= 1.0);
        for (&r, &y) in s.train.iter().zip(&s.train_labels) {
            assert_eq!(comparability_class(&pop.person(r)), Some(y));
        }
        assert!(!s.used_all);
        assert_eq!(design.split(&pop, 0, comparability_class).unwrap(), s);
        assert_ne!(
            design.split(&pop, 1, comparability_class).unwrap().train,
            s.train
        );
        let mut seen = s.train.clone();
        seen.extend(&s.validate);
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 5_000, "train and validation overlap");
    }

    #[test]
    fn a_sample_larger_than_the_population_uses_all() {
        let pop = SynthParams {
            persons: 500,
            seed: 4,
            ..SynthParams::default()
        }
        .generate()
        .unwrap();
        let design = TrainingDesign {
            sample_size: SampleSize::Persons(1_000_000),
            ..TrainingDesign::default()
        };
        let s = design.split(&pop, 0, comparability_class).unwrap();
        assert!(s.used_all);
        assert_eq!(s.train.len() + s.validate.len(), s.eligible);
        assert!(matches!(
            "0".parse::<SampleSize>(),
            Err(Error::InvalidParameter {
                name: "sample size",
                ..
            })
        ));
        assert_eq!("all".parse::<SampleSize>().unwrap(), SampleSize::All);
    }
}
