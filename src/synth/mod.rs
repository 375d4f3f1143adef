//! A seeded generator of synthetic persons that satisfy every rule of schema v1.
//!
//! It draws register membership, benefits and outcomes from simple, documented
//! mechanisms (low education, bijstand and vso years raise the chance of registration).
//! It is not yet calibrated to the report's published tables; it exists so that tests,
//! benchmarks and examples have realistic-looking valid input of any size.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::schema::{
    DaysColumn, Education, Migration, Person, Population, RegisterBasis, Sex, WiaClass, WindowDays,
    DEFAULT_REFERENCE_YEAR, WINDOW_DAYS,
};

/// What to generate.
///
/// ```
/// use banenafspraak::synth::SynthParams;
/// let pop = SynthParams { persons: 1000, seed: 7, ..SynthParams::default() }.generate().unwrap();
/// assert_eq!(pop.len(), 1000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthParams {
    /// Number of persons.
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
    /// Generates the population.
    pub fn generate(&self) -> Result<Population> {
        if self.reference_year < 2000 {
            return Err(Error::InvalidParameter {
                name: "reference_year",
                value: self.reference_year.to_string(),
                reason: "must be 2000 or later".into(),
            });
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut pop = Population::new();
        pop.reserve(self.persons);
        let mut id = String::new();
        for i in 0..self.persons {
            id.clear();
            id.push_str(&format!("P{i:08}"));
            let p = draw_person(&mut rng, &id, self.reference_year);
            debug_assert!(
                p.check(self.reference_year).is_empty(),
                "{:?}",
                p.check(self.reference_year)
            );
            pop.push(&p);
        }
        Ok(pop)
    }
}

fn days(rng: &mut ChaCha8Rng, p_any: f64) -> u16 {
    if rng.gen_bool(p_any) {
        rng.gen_range(1..=WINDOW_DAYS)
    } else {
        0
    }
}

fn draw_person<'a>(rng: &mut ChaCha8Rng, id: &'a str, reference_year: u16) -> Person<'a> {
    let age: u8 = rng.gen_range(16..=66);
    let sex = if rng.gen_bool(0.5) {
        Sex::Male
    } else {
        Sex::Female
    };
    let (migration, generation) = match rng.gen_range(0..100) {
        0..=74 => (Migration::None, 0),
        75..=86 => (Migration::Western, rng.gen_range(1..=2)),
        _ => (Migration::NonWestern, rng.gen_range(1..=2)),
    };
    let vso = rng.gen_bool(0.03);
    let education = if vso && rng.gen_bool(0.6) {
        *pick(
            rng,
            &[
                Education::None,
                Education::Primary,
                Education::Praktijkonderwijs,
            ],
        )
    } else {
        Education::ALL[rng.gen_range(0..Education::ALL.len())]
    };
    let years_special_secondary = if vso { rng.gen_range(1..=8) } else { 0 };
    let low_education = matches!(
        education,
        Education::None | Education::Primary | Education::Praktijkonderwijs | Education::Mbo1
    );

    let bijstand = rng.gen_bool(if low_education { 0.12 } else { 0.03 });
    let ww = !bijstand && rng.gen_bool(0.02);
    let nug = !bijstand && !ww && rng.gen_bool(0.06);
    let wia_class = if rng.gen_bool(0.05) {
        *pick(
            rng,
            &[
                WiaClass::Wia35Min,
                WiaClass::Wga35To80,
                WiaClass::Wga80To100,
                WiaClass::Iva,
            ],
        )
    } else {
        WiaClass::None
    };
    let disability_pct = match wia_class {
        WiaClass::None => 0,
        WiaClass::Wia35Min => rng.gen_range(0..35),
        WiaClass::Wga35To80 => rng.gen_range(35..80),
        WiaClass::Wga80To100 | WiaClass::Iva => rng.gen_range(80..=100),
    };

    let mut d = WindowDays::default();
    d.set(
        DaysColumn::Bijstand,
        if bijstand {
            rng.gen_range(30..=WINDOW_DAYS)
        } else {
            days(rng, 0.02)
        },
    );
    d.set(
        DaysColumn::Ww,
        if ww {
            rng.gen_range(30..=730)
        } else {
            days(rng, 0.05)
        },
    );
    let sick = if wia_class != WiaClass::None {
        rng.gen_range(100..=WINDOW_DAYS)
    } else {
        days(rng, 0.04)
    };
    d.set(DaysColumn::SicknessDisability, sick);
    d.set(DaysColumn::OtherSocialBenefit, days(rng, 0.03));
    let parts = [
        DaysColumn::Ww,
        DaysColumn::Bijstand,
        DaysColumn::SicknessDisability,
        DaysColumn::OtherSocialBenefit,
    ];
    let largest = parts.iter().map(|&c| d[c]).max().unwrap_or(0);
    let sum: u16 = parts.iter().map(|&c| d[c]).sum::<u16>().min(WINDOW_DAYS);
    d.set(DaysColumn::AnyBenefit, rng.gen_range(largest..=sum));
    let school = if age < 25 {
        rng.gen_range(0..=WINDOW_DAYS)
    } else {
        days(rng, 0.05)
    };
    d.set(DaysColumn::InSchool, school);
    d.set(DaysColumn::StudentWithIncome, rng.gen_range(0..=school));
    d.set(
        DaysColumn::NoIncome,
        days(rng, if low_education { 0.3 } else { 0.1 }),
    );
    d.set(
        DaysColumn::Nug,
        if nug {
            rng.gen_range(30..=WINDOW_DAYS)
        } else {
            days(rng, 0.03)
        },
    );
    let benefit_days = d[DaysColumn::AnyBenefit];
    d.set(
        DaysColumn::Employee,
        rng.gen_range(0..=WINDOW_DAYS - benefit_days / 2),
    );
    let employed = !nug && rng.gen_bool(if benefit_days > 500 { 0.2 } else { 0.7 });

    // Registration: a logistic index in the features the report found discriminating.
    let index = -4.2
        + 2.0 * f64::from(u8::from(bijstand))
        + 1.5 * f64::from(u8::from(low_education))
        + 2.5 * f64::from(u8::from(vso))
        + 0.8 * f64::from(u8::from(disability_pct > 90));
    let in_register = rng.gen_bool(1.0 / (1.0 + (-index).exp()));
    let (register_basis, register_entry_year) = if in_register {
        let basis = if age >= 30 && rng.gen_bool(0.6) {
            *pick(
                rng,
                &[
                    RegisterBasis::Wajong,
                    RegisterBasis::Wsw,
                    RegisterBasis::WiwId,
                ],
            )
        } else {
            *pick(
                rng,
                &[
                    RegisterBasis::Indicatie,
                    RegisterBasis::Praktijkroute,
                    RegisterBasis::VsoPro,
                    RegisterBasis::Voorziening,
                    RegisterBasis::Other,
                ],
            )
        };
        let first = if basis.is_old_group() { 1998 } else { 2015 };
        (Some(basis), Some(rng.gen_range(first..=reference_year)))
    } else {
        (None, None)
    };
    let new_entrant = register_entry_year == Some(reference_year - 1);
    let found_job_within_year =
        (new_entrant && rng.gen_bool(0.9)).then(|| rng.gen_bool(if age < 27 { 0.35 } else { 0.2 }));
    let kept_job_one_year = (in_register
        && !register_basis.is_some_and(RegisterBasis::is_old_group)
        && rng.gen_bool(0.15))
    .then(|| rng.gen_bool(0.6));

    Person {
        person_id: id,
        sex,
        age,
        migration,
        generation,
        education,
        years_special_secondary,
        days: d,
        employed,
        ww,
        bijstand,
        nug,
        wia_class,
        disability_pct,
        months_without_work: (ww || nug || rng.gen_bool(0.1)).then(|| rng.gen_range(0..=120)),
        months_bijstand: (bijstand || rng.gen_bool(0.02)).then(|| rng.gen_range(0..=120)),
        in_register,
        register_basis,
        register_entry_year,
        found_job_within_year,
        kept_job_one_year,
    }
}

fn pick<'t, T>(rng: &mut ChaCha8Rng, items: &'t [T]) -> &'t T {
    &items[rng.gen_range(0..items.len())]
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
}
