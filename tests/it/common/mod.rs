//! Known-truth data shared by the tests: persons drawn from a mechanism of our own, whose
//! expected counts are computed exactly from the true probabilities.
//!
//! Mechanism. Among persons aged 16-66, 2% belong to an old register group (wajong),
//! independent of everything else; of the others, a person is in the trained register
//! with probability pi(x). Register entrants of 2018 find a job with probability q(x),
//! register job starters keep it with probability k(x). The truth for a population G is
//! sum over its members of min(1, f pi(x)) (and times q, q k), with f the data's
//! register-size factor (all register members over those outside the old group), which is
//! an observed ratio, not an estimate.
#![allow(dead_code)]

use banenafspraak::estimate::ScoredPopulation;
use banenafspraak::schema::{
    DaysColumn, Education, Migration, Person, Population, RegisterBasis, Sex, WiaClass, WindowDays,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct Mechanism {
    pub pi: fn(&Person<'_>) -> f64,
    pub q: fn(&Person<'_>) -> f64,
    pub k: fn(&Person<'_>) -> f64,
}

pub fn low_education(p: &Person<'_>) -> bool {
    matches!(p.education, Education::Primary | Education::Mbo1)
}

/// A step function, as a tree can represent exactly.
pub const STEPS: Mechanism = Mechanism {
    pi: |p| {
        let bijstand = p.days[DaysColumn::Bijstand] >= 14;
        let base = match (low_education(p), bijstand) {
            (false, false) => 0.01,
            (false, true) => 0.06,
            (true, false) => 0.08,
            (true, true) => 0.30,
        };
        if p.sex == Sex::Male {
            base * 1.3
        } else {
            base
        }
    },
    q: |p| if p.age < 30 { 0.55 } else { 0.2 },
    k: |p| {
        if p.days[DaysColumn::Employee] > 365 {
            0.75
        } else {
            0.4
        }
    },
};

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Linear in the logit, as the logistic model can represent exactly.
pub const LOGIT: Mechanism = Mechanism {
    pi: |p| {
        sigmoid(
            -4.2 + 0.0025 * f64::from(p.days[DaysColumn::Bijstand])
                + if low_education(p) { 1.4 } else { 0.0 },
        )
    },
    q: |p| sigmoid(1.2 - 0.05 * f64::from(p.age)),
    k: |p| sigmoid(-0.6 + 0.002 * f64::from(p.days[DaysColumn::Employee])),
};

pub const ENTRANT_SHARE: f64 = 0.3;

pub fn generate(m: &Mechanism, n: usize, seed: u64) -> Population {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pop = Population::new();
    let educations = [
        Education::Primary,
        Education::Mbo1,
        Education::Mbo2,
        Education::Mbo4,
        Education::HboBachelor,
    ];
    for i in 0..n {
        let id = format!("K{i}");
        let mut days = WindowDays::default();
        let bijstand_days = if rng.gen_bool(0.2) {
            rng.gen_range(14..=1095)
        } else {
            0
        };
        days.set(DaysColumn::Bijstand, bijstand_days);
        days.set(DaysColumn::Employee, rng.gen_range(0..=1095));
        days.set(DaysColumn::InSchool, rng.gen_range(0..=200));
        days.set(DaysColumn::NoIncome, rng.gen_range(0..=400));
        let ww = bijstand_days == 0 && rng.gen_bool(0.06);
        if ww {
            days.set(DaysColumn::Ww, rng.gen_range(30..=365));
        }
        let nug = !ww && rng.gen_bool(0.1);
        days.set(
            DaysColumn::AnyBenefit,
            days[DaysColumn::Bijstand].max(days[DaysColumn::Ww]),
        );
        let migration = if rng.gen_bool(0.2) {
            Migration::NonWestern
        } else {
            Migration::None
        };
        let mut p = Person {
            person_id: &id,
            sex: if rng.gen_bool(0.5) {
                Sex::Male
            } else {
                Sex::Female
            },
            age: rng.gen_range(16..=66),
            migration,
            generation: if migration == Migration::None {
                0
            } else {
                rng.gen_range(1..=2)
            },
            education: educations[rng.gen_range(0..educations.len())],
            years_special_secondary: 0,
            days,
            employed: rng.gen_bool(0.3),
            ww,
            bijstand: bijstand_days > 0 && rng.gen_bool(0.7),
            nug,
            wia_class: if rng.gen_bool(0.05) {
                WiaClass::Wga80To100
            } else {
                WiaClass::None
            },
            disability_pct: 0,
            months_without_work: None,
            months_bijstand: None,
            in_register: false,
            register_basis: None,
            register_entry_year: None,
            found_job_within_year: None,
            kept_job_one_year: None,
            job_hours_per_week: None,
        };
        if p.wia_class != WiaClass::None {
            p.disability_pct = 85;
        }
        if p.ww || p.nug {
            p.months_without_work = Some(rng.gen_range(0..=40));
        }
        if p.bijstand {
            p.months_bijstand = Some(rng.gen_range(0..=60));
        }
        if rng.gen_bool(0.02) {
            p.in_register = true;
            p.register_basis = Some(RegisterBasis::Wajong);
            p.register_entry_year = Some(2005);
        } else if rng.gen_bool((m.pi)(&p).min(1.0)) {
            p.in_register = true;
            p.register_basis = Some(RegisterBasis::Indicatie);
            let entrant = rng.gen_bool(ENTRANT_SHARE);
            p.register_entry_year = Some(if entrant {
                2018
            } else {
                rng.gen_range(2015..=2017)
            });
            if entrant {
                p.found_job_within_year = Some(rng.gen_bool((m.q)(&p)));
            }
            if rng.gen_bool(0.4) {
                p.kept_job_one_year = Some(rng.gen_bool((m.k)(&p)));
            }
        }
        assert!(p.check(2019).is_empty(), "{:?}", p.check(2019));
        pop.push(&p);
    }
    pop
}

/// The exact expected counts of a population under the mechanism, with the factor f.
pub fn truth(m: &Mechanism, pop: &Population, def: &ScoredPopulation, f: f64) -> (f64, f64, f64) {
    let (mut comparable, mut finds, mut keeps) = (0.0, 0.0, 0.0);
    for p in pop.persons().filter(|p| def.contains(p)) {
        let c = (f * (m.pi)(&p)).min(1.0);
        comparable += c;
        if !p.employed {
            finds += c * (m.q)(&p);
            keeps += c * (m.q)(&p) * (m.k)(&p);
        }
    }
    (comparable, finds, keeps)
}

/// Hours of a job keeper under the step mechanism: a step a tree can represent exactly
/// (young keepers work fewer hours), plus uniform noise of +-3 hours around it.
pub fn step_hours(p: &Person<'_>) -> f64 {
    if p.age < 30 {
        18.0
    } else {
        32.0
    }
}

/// The population with `job_hours_per_week` for every keeper: `h(x)` plus noise, so the
/// mean hours of a keeper with features x is exactly `h(x)` (schema v1.1).
pub fn with_hours(pop: Population, h: fn(&Person<'_>) -> f64, seed: u64) -> Population {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x686f);
    let keepers: Vec<usize> = (0..pop.len())
        .filter(|&i| pop.kept_job_one_year()[i] == Some(true))
        .collect();
    let hours: Vec<f32> = keepers
        .iter()
        .map(|&i| (h(&pop.person(i)) + rng.gen_range(-3.0..3.0)) as f32)
        .collect();
    let mut pop = pop.with_job_hours_column(true);
    pop.set_job_hours(&keepers, &hours);
    pop
}

/// The exact expected banen of a population: sum over its members without work of
/// c q k h / 25.5.
pub fn truth_banen(
    m: &Mechanism,
    h: fn(&Person<'_>) -> f64,
    pop: &Population,
    def: &ScoredPopulation,
    f: f64,
) -> f64 {
    pop.persons()
        .filter(|p| def.contains(p) && !p.employed)
        .map(|p| (f * (m.pi)(&p)).min(1.0) * (m.q)(&p) * (m.k)(&p) * h(&p) / 25.5)
        .sum()
}
