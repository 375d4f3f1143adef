//! Drawing one person's features from a cell, and the register's old groups.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::profiles::Range;
use super::{Cell, EduGroup, Group, Profile, AGE_BANDS, REGISTER_AGE_BANDS};
use crate::schema::{
    DaysColumn, Education, Migration, Person, RegisterBasis, Sex, WiaClass, WindowDays, WINDOW_DAYS,
};

fn range(rng: &mut ChaCha8Rng, (lo, hi): Range) -> u16 {
    if lo >= hi {
        lo
    } else {
        rng.gen_range(lo..=hi)
    }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut u = rng.gen::<f64>() * total;
    for &(item, w) in items {
        if u < w {
            return item;
        }
        u -= w;
    }
    items[items.len() - 1].0
}

/// Migration background of a generation (assumption: among first and second generations,
/// 35% western in the scored populations, 45% in the rest).
fn migration(rng: &mut ChaCha8Rng, generation: u8, western: f64) -> Migration {
    if generation == 0 {
        Migration::None
    } else if rng.gen_bool(western) {
        Migration::Western
    } else {
        Migration::NonWestern
    }
}

/// Whole months in `days` days.
fn months_of(days: u16) -> u16 {
    (u32::from(days) * 12 / 365) as u16
}

/// The longest time without work (months) that leaves room for the profile's fewest
/// employee days in the window.
fn work_allows(prof: &Profile) -> u16 {
    months_of(WINDOW_DAYS - prof.employee.0)
}

/// Months drawn from a sub-group's band, narrowed to `min ..= max` where the band allows
/// (a profile's days then hold for the whole band; where it does not, the band wins and
/// the days are adjusted to the spell).
fn months_in(rng: &mut ChaCha8Rng, (lo, hi): (u16, u16), max: u16, min: u16) -> u16 {
    let hi2 = hi.min(max).max(lo);
    let lo2 = lo.max(min).min(hi2);
    rng.gen_range(lo2..=hi2)
}

/// Days in the window covered by a current spell of `months` months.
fn spell_days(months: u16) -> u16 {
    (u32::from(months) * 365 / 12 + 1).min(u32::from(WINDOW_DAYS)) as u16
}

/// Years in vso: more often for young persons with little education (assumption). Not a
/// mechanism of any tree.
fn vso_years(rng: &mut ChaCha8Rng, education: Education, age: u8) -> u8 {
    let low = matches!(
        education,
        Education::None | Education::Primary | Education::Praktijkonderwijs | Education::VmboBk
    );
    let p = if low && age < 30 { 0.15 } else { 0.005 };
    if rng.gen_bool(p) {
        rng.gen_range(1..=6)
    } else {
        0
    }
}

/// The sum of the four benefit columns, capped at the window: a valid `days_any_benefit`
/// (spells of different benefits taken as not overlapping).
fn any_benefit(d: &WindowDays) -> u16 {
    let sum: u32 = [
        DaysColumn::Ww,
        DaysColumn::Bijstand,
        DaysColumn::SicknessDisability,
        DaysColumn::OtherSocialBenefit,
    ]
    .iter()
    .map(|&c| u32::from(d[c]))
    .sum();
    sum.min(u32::from(WINDOW_DAYS)) as u16
}

/// Draws the features and status of a person of `cell` (everything but the register
/// columns and the outcomes) into `p`.
pub fn draw_person(rng: &mut ChaCha8Rng, cell: &Cell, p: &mut Person<'_>) {
    // The order of the draws is part of the generator: same seed, same population.
    draw_background(rng, cell, p);
    let mut d = draw_days(rng, cell.profile());
    draw_status(rng, cell, p, &mut d);
    d.set(DaysColumn::AnyBenefit, any_benefit(&d));
    p.days = d;
}

/// Age, sex, generation, migration, education and years in vso.
fn draw_background(rng: &mut ChaCha8Rng, cell: &Cell, p: &mut Person<'_>) {
    let group = cell.group;
    let prof = cell.profile();
    let (lo, hi) = AGE_BANDS[usize::from(cell.age_band)];
    p.age = rng.gen_range(lo..=hi);
    p.sex = if rng.gen_bool(group.male()) {
        Sex::Male
    } else {
        Sex::Female
    };
    let [g0, g1, _] = group.generations();
    p.generation = match prof.first_generation {
        Some(true) => 1,
        Some(false) => {
            if rng.gen_bool(g0 / (1.0 - g1)) {
                0
            } else {
                2
            }
        }
        None => {
            let u: f64 = rng.gen();
            if u < g0 {
                0
            } else if u < g0 + g1 {
                1
            } else {
                2
            }
        }
    };
    let western = if group == Group::Rest { 0.45 } else { 0.35 };
    p.migration = migration(rng, p.generation, western);
    p.education = pick(rng, cell.education.codes());
    p.years_special_secondary = vso_years(rng, p.education, p.age);
}

/// The `days_*` columns drawn from the profile's ranges, before the status rules.
fn draw_days(rng: &mut ChaCha8Rng, prof: &Profile) -> WindowDays {
    let mut d = WindowDays::default();
    d.set(DaysColumn::Employee, range(rng, prof.employee));
    d.set(DaysColumn::Ww, range(rng, prof.ww));
    d.set(DaysColumn::Bijstand, range(rng, prof.bijstand));
    d.set(DaysColumn::SicknessDisability, range(rng, prof.sickness));
    d.set(
        DaysColumn::OtherSocialBenefit,
        range(rng, prof.other_benefit),
    );
    let school = range(rng, prof.school);
    d.set(DaysColumn::InSchool, school);
    d.set(
        DaysColumn::StudentWithIncome,
        range(rng, prof.student_with_income).min(school),
    );
    d.set(DaysColumn::NoIncome, range(rng, prof.no_income));
    d.set(DaysColumn::Nug, range(rng, prof.nug));
    d
}

/// The status of the cell's group (benefit, spell, WIA class, employment) and the rules
/// it imposes on the days.
fn draw_status(rng: &mut ChaCha8Rng, cell: &Cell, p: &mut Person<'_>, d: &mut WindowDays) {
    let prof = cell.profile();
    p.employed = false;
    p.ww = false;
    p.bijstand = false;
    p.nug = false;
    p.wia_class = WiaClass::None;
    p.disability_pct = 0;
    p.months_without_work = None;
    p.months_bijstand = None;
    let sub = cell.subgroup;
    // Employee days end where the time without work begins.
    let cap_employee = |d: &mut WindowDays, without_work: u16| {
        let cap = WINDOW_DAYS - without_work;
        d.set(DaysColumn::Employee, d[DaysColumn::Employee].min(cap));
    };
    match cell.group {
        Group::Ww => {
            p.ww = true;
            let band = [(0, 12), (13, 24), (25, 60)][usize::from(sub)];
            let months = months_in(rng, band, work_allows(prof), 0);
            p.months_without_work = Some(months);
            // WW lasts at most 24 months (report line 3953).
            d.set(DaysColumn::Ww, d[DaysColumn::Ww].clamp(1, 730));
            cap_employee(d, spell_days(months));
        }
        Group::Wia => {
            let (class, pct) = match sub {
                0 => (WiaClass::Wia35Min, rng.gen_range(10..=34)),
                1 => (WiaClass::Wga35To80, rng.gen_range(35..=79)),
                _ if rng.gen_bool(0.55) => (WiaClass::Iva, rng.gen_range(80..=100)),
                _ => (WiaClass::Wga80To100, rng.gen_range(80..=100)),
            };
            p.wia_class = class;
            p.disability_pct = pct;
            p.employed = cell.employed;
            if cell.employed {
                d.set(DaysColumn::Employee, d[DaysColumn::Employee].max(1));
            }
        }
        Group::Bijstand => {
            p.bijstand = true;
            let band = [(0, 11), (12, 23), (24, 120)][usize::from(sub)];
            // A spell fits the profile's bijstand days: under 3 years of days means a
            // spell under 36 months, 3 years of days one of at least 36 where possible.
            let (max, min) = if prof.bijstand.1 < WINDOW_DAYS {
                (months_of(prof.bijstand.1), 0)
            } else {
                (u16::MAX, 36)
            };
            let months = months_in(rng, band, max, min);
            p.months_bijstand = Some(months);
            let spell = spell_days(months);
            d.set(DaysColumn::Bijstand, d[DaysColumn::Bijstand].max(spell));
            cap_employee(d, spell);
        }
        Group::Nug => {
            p.nug = true;
            let band = [(0, 11), (12, 23), (24, 120)][usize::from(sub)];
            let months = months_in(rng, band, work_allows(prof), 0);
            p.months_without_work = Some(months);
            d.set(DaysColumn::Nug, d[DaysColumn::Nug].max(1));
            cap_employee(d, spell_days(months));
        }
        Group::Rest => {
            let (lo, hi) = prof.disability;
            p.disability_pct = rng.gen_range(lo..=hi);
            let e = d[DaysColumn::Employee];
            p.employed = (e >= 548 && rng.gen_bool(0.9)) || (e > 0 && rng.gen_bool(0.3));
        }
    }
}

/// The register's old groups (wajong, wsw, wiw/id): no inflow since 2015, not in the
/// comparability model's training, counted by the correction factor.
#[derive(Debug, Clone, PartialEq)]
pub struct OldGroups {
    /// Expected members at full scale.
    pub count: f64,
    /// Shares of wajong, wsw and wiw/id (assumption).
    pub basis: [(RegisterBasis, f64); 3],
    /// Share of men, calibrated towards table 3.2 for the whole register.
    pub male: f64,
    /// Shares of table 3.2's age bands, calibrated likewise.
    pub age: [f64; 5],
    /// Shares of levels 1-4 and unknown, calibrated likewise.
    pub education: [f64; 5],
    /// Shares of migration none, western, non-western, calibrated likewise.
    pub migration: [f64; 3],
}

/// Draws an old-group register member's features into `p` and returns the basis.
pub fn draw_old_group(rng: &mut ChaCha8Rng, old: &OldGroups, p: &mut Person<'_>) -> RegisterBasis {
    let basis = pick(rng, &old.basis);
    let band = pick(rng, &[0, 1, 2, 3, 4].map(|k| (k, old.age[k])));
    let (lo, hi) = REGISTER_AGE_BANDS[band];
    p.age = rng.gen_range(lo..=hi);
    p.sex = if rng.gen_bool(old.male) {
        Sex::Male
    } else {
        Sex::Female
    };
    p.migration = pick(
        rng,
        &[
            (Migration::None, old.migration[0]),
            (Migration::Western, old.migration[1]),
            (Migration::NonWestern, old.migration[2]),
        ],
    );
    p.generation = match p.migration {
        Migration::None => 0,
        _ if rng.gen_bool(0.5) => 1,
        _ => 2,
    };
    let level = pick(rng, &[0, 1, 2, 3, 4].map(|k| (k, old.education[k])));
    p.education = pick(rng, EduGroup::of_level(level).codes());
    p.years_special_secondary = vso_years(rng, p.education, p.age);
    let mut d = WindowDays::default();
    p.disability_pct = 0;
    match basis {
        RegisterBasis::Wajong => {
            // Wajong is a disability benefit: sickness/disability days throughout.
            d.set(DaysColumn::SicknessDisability, WINDOW_DAYS);
            if rng.gen_bool(0.4) {
                d.set(DaysColumn::Employee, rng.gen_range(300..=WINDOW_DAYS));
            }
            p.disability_pct = rng.gen_range(35..=100);
        }
        _ => d.set(DaysColumn::Employee, rng.gen_range(700..=WINDOW_DAYS)),
    }
    d.set(DaysColumn::AnyBenefit, any_benefit(&d));
    p.days = d;
    p.employed = d[DaysColumn::Employee] >= 300;
    p.ww = false;
    p.bijstand = false;
    p.nug = false;
    p.wia_class = WiaClass::None;
    p.months_without_work = None;
    p.months_bijstand = None;
    basis
}
