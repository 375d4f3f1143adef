//! The calibrated synthetic population: persons aged 16-66 who satisfy every rule of
//! schema v1.1 and are consistent with what Panteia (2023) publishes. Real microdata never
//! leave CBS; on this population the report's tables can be reproduced through models
//! fitted on it.
//!
//! How it is made (details and every number in `data-dictionary/synthetic.md`):
//! - each person belongs to a *cell*: a group (WW, WIA, bijstand, NUG or the rest), a
//!   window profile (ranges of the `days_*` columns), an education group, an age band, a
//!   sub-group and, for WIA, employment ([`cells`]);
//! - register membership is drawn with the probability of table B3.1's leaf (the
//!   mechanism, [`report_trees`]); the old groups (wajong, wsw, wiw/id) are added so that
//!   the register-size factor is 2.9; job finding (B3.2) and keeping (B3.3) are drawn
//!   likewise for the two cohorts; the job keepers get paid hours per week calibrated to
//!   the report's hour bands ([`hours`]), so the population is schema v1.1;
//! - the cell weights are calibrated ([`calibrate`]) so that the published counts, means,
//!   finds, keeps and distribution columns come out ([`published`]).
//!
//! Persons are generated in chunks of 65,536, each with its own seeded ChaCha8 stream, so
//! the same seed gives the same population whatever the number of threads.

pub mod calibrate;
pub mod cells;
pub mod hours;
pub mod panel;
#[cfg(feature = "parquet")]
pub mod parquet_tables;
pub mod published;
pub mod report_trees;
pub mod source_tables;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

pub use calibrate::{Calibration, TargetFit, FULL_SCALE};
pub use cells::{Cell, EduGroup, Group, OldGroups, Profile};

use crate::error::{Error, Result};
use crate::schema::{Person, Population, RegisterBasis, DEFAULT_REFERENCE_YEAR};
use calibrate::{entrant_weight, DISABLED_ENTRANT_WEIGHT, PRAKTIJKROUTE_SHARE, TRAINED_BASES};
use published::{JOB_FIND_COHORT, JOB_KEEP_COHORT};
use report_trees::{b3_1, b3_2, b3_3};

/// Persons per chunk (one random stream each).
const CHUNK: usize = 1 << 16;

/// Chunks generated at once before they are appended: bounds the memory held twice.
const WAVE: usize = 32;

/// Below full scale the job cohorts get at least `min(150, persons / 200)` members each
/// (by raising the share of trained register members in them), so that the job models
/// can be fitted on small test populations. At full scale the floor does not bind.
const COHORT_FLOOR: f64 = 150.0;

/// What to generate.
///
/// ```
/// use banenafspraak::synth::SynthParams;
/// let pop = SynthParams { persons: 1000, seed: 7, ..SynthParams::default() }.generate().unwrap();
/// assert_eq!(pop.len(), 1000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthParams {
    /// Number of persons. [`FULL_SCALE`] (11.4 million) is the Dutch population aged
    /// 16-66; smaller numbers give a proportionally smaller population.
    pub persons: usize,
    /// Seed of every random draw; the same seed gives the same population.
    pub seed: u64,
    /// The reference year of the window and the cohorts.
    pub reference_year: u16,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            persons: 10_000,
            seed: 1,
            reference_year: DEFAULT_REFERENCE_YEAR,
        }
    }
}

impl SynthParams {
    /// The full-scale population (11.4 million persons) with this seed.
    pub fn full_scale(seed: u64) -> SynthParams {
        SynthParams {
            persons: FULL_SCALE as usize,
            seed,
            ..SynthParams::default()
        }
    }

    /// Generates the population calibrated to the report.
    pub fn generate(&self) -> Result<Population> {
        self.generate_with(Calibration::report())
    }

    /// Generates the population from a given calibration (e.g. a perturbed one, see
    /// [`Calibration::shift`]).
    pub fn generate_with(&self, cal: &Calibration) -> Result<Population> {
        if self.reference_year < 2000 {
            return Err(Error::InvalidParameter {
                name: "reference_year",
                value: self.reference_year.to_string(),
                reason: "must be 2000 or later".into(),
            });
        }
        let plan = Plan::new(self, cal);
        let n_chunks = self.persons.div_ceil(CHUNK);
        let mut pop = Population::new();
        pop.reserve(self.persons);
        for wave in (0..n_chunks).collect::<Vec<_>>().chunks(WAVE) {
            let parts: Vec<Population> = wave
                .par_iter()
                .map(|&k| plan.chunk(k, self.persons))
                .collect();
            for part in parts {
                pop.append(part);
            }
        }
        Ok(hours::add_hours(pop, self.seed))
    }
}

/// Everything a chunk needs: the cell sampler and the register's shares at this scale.
struct Plan<'c> {
    cal: &'c Calibration,
    sampler: Alias,
    seed: u64,
    reference_year: u16,
    entrant_share: f64,
    starter_share: f64,
}

impl<'c> Plan<'c> {
    fn new(params: &SynthParams, cal: &'c Calibration) -> Plan<'c> {
        let weights: Vec<f64> = cal
            .cells
            .iter()
            .map(|c| c.weight)
            .chain([cal.old_groups.count])
            .collect();
        let n = params.persons as f64;
        let scale = n / cal.full_scale();
        let trained = (cal.trained_register * scale).max(1.0);
        let floor = COHORT_FLOOR.min(n / 200.0);
        let entrants = (JOB_FIND_COHORT * scale).max(floor);
        let starters = (JOB_KEEP_COHORT * scale).max(floor);
        Plan {
            cal,
            sampler: Alias::new(&weights),
            seed: params.seed,
            reference_year: params.reference_year,
            entrant_share: (entrants
                / (trained * (1.0 - PRAKTIJKROUTE_SHARE) * entrant_weight(cal.disabled_share)))
            .max(cal.entrant_share)
            .min(0.8 / DISABLED_ENTRANT_WEIGHT),
            starter_share: (starters / trained).max(cal.starter_share).min(0.8),
        }
    }

    /// Persons `k * CHUNK ..` of the population, from their own random stream.
    fn chunk(&self, k: usize, persons: usize) -> Population {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(k as u64);
        let range = k * CHUNK..((k + 1) * CHUNK).min(persons);
        let mut out = Population::new();
        out.reserve(range.len());
        let mut id = String::with_capacity(12);
        for i in range {
            person_id(&mut id, i);
            let mut p = Person::example();
            p.person_id = &id;
            self.draw(&mut rng, &mut p);
            debug_assert!(
                p.check(self.reference_year).is_empty(),
                "{:?}: {:?}",
                p,
                p.check(self.reference_year)
            );
            out.push(&p);
        }
        out
    }

    fn draw(&self, rng: &mut ChaCha8Rng, p: &mut Person<'_>) {
        let year = self.reference_year;
        p.found_job_within_year = None;
        p.kept_job_one_year = None;
        let Some(cell) = self.cal.cells.get(self.sampler.sample(rng)) else {
            let basis = cells::draw_old_group(rng, &self.cal.old_groups, p);
            let last = year.saturating_sub(5).clamp(1998, year);
            p.in_register = true;
            p.register_basis = Some(basis);
            p.register_entry_year = Some(rng.gen_range(1998..=last));
            return;
        };
        cells::draw_person(rng, cell, p);
        p.in_register = rng.gen::<f64>() < b3_1(p);
        if !p.in_register {
            p.register_basis = None;
            p.register_entry_year = None;
            return;
        }
        let basis = pick_basis(rng);
        p.register_basis = Some(basis);
        let weight = if p.disability_pct >= 35 {
            DISABLED_ENTRANT_WEIGHT
        } else {
            1.0
        };
        let entrant = rng.gen::<f64>() < self.entrant_share * weight;
        p.register_entry_year = Some(if entrant {
            year - 1
        } else {
            [year - 4, year - 3, year - 2, year][rng.gen_range(0..4)].max(1998)
        });
        if entrant {
            // Praktijkroute members are registered once they have a job (line 14686).
            p.found_job_within_year =
                Some(basis == RegisterBasis::Praktijkroute || rng.gen::<f64>() < b3_2(p));
        }
        if rng.gen::<f64>() < self.starter_share {
            p.kept_job_one_year = Some(rng.gen::<f64>() < b3_3(p));
        }
    }
}

fn pick_basis(rng: &mut ChaCha8Rng) -> RegisterBasis {
    let mut u = rng.gen::<f64>();
    for (b, share) in TRAINED_BASES {
        if u < share {
            return b;
        }
        u -= share;
    }
    RegisterBasis::Other
}

/// Writes `P` and the row number with at least eight digits, without allocating.
fn person_id(out: &mut String, i: usize) {
    let mut digits = [b'0'; 20];
    let mut n = i;
    let mut k = digits.len();
    while n > 0 || k > digits.len() - 8 {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.clear();
    out.push('P');
    out.extend(digits[k..].iter().map(|&d| char::from(d)));
}

/// Walker's alias method: draws an index with probability proportional to its weight in
/// constant time.
struct Alias {
    prob: Vec<f64>,
    alias: Vec<usize>,
}

impl Alias {
    fn new(weights: &[f64]) -> Alias {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        let mut prob: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut alias = vec![0; n];
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| prob[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            alias[s] = l;
            prob[l] -= 1.0 - prob[s];
            if prob[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // Left-overs are 1 up to rounding.
        for i in small.into_iter().chain(large) {
            prob[i] = 1.0;
        }
        Alias { prob, alias }
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        let i = rng.gen_range(0..self.prob.len());
        if rng.gen::<f64>() < self.prob[i] {
            i
        } else {
            self.alias[i]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_population_and_all_valid() {
        let params = SynthParams {
            persons: 3000,
            seed: 11,
            ..SynthParams::default()
        };
        let a = params.generate().unwrap();
        let b = params.generate().unwrap();
        assert_eq!(a, b);
        assert!(a.persons().all(|p| p.check(2019).is_empty()));
        let c = SynthParams { seed: 12, ..params }.generate().unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn the_alias_sampler_draws_in_proportion() {
        let alias = Alias::new(&[1.0, 0.0, 3.0, 6.0]);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut counts = [0usize; 4];
        for _ in 0..100_000 {
            counts[alias.sample(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        for (k, want) in [(0, 0.1), (2, 0.3), (3, 0.6)] {
            let share = counts[k] as f64 / 100_000.0;
            assert!((share - want).abs() < 0.01, "{k}: {share}");
        }
    }

    #[test]
    fn person_ids_are_padded() {
        let mut s = String::new();
        person_id(&mut s, 42);
        assert_eq!(s, "P00000042");
        person_id(&mut s, 123_456_789);
        assert_eq!(s, "P123456789");
    }
}
