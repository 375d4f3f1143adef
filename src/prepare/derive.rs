//! The derived columns of one person from that person's spells (source-tables.md,
//! "Derived columns"). Pure functions of sorted, non-overlapping spells; all calendar
//! arithmetic is [`Window`]'s and [`whole_months`].

use super::tables::{flag, Spell};
use super::window::{whole_months, Window};
use crate::schema::Date;
use crate::schema::{DaysColumn, RegisterBasis, WiaClass, WindowDays, FIRST_ENTRY_YEAR};

/// The spells of one person, each table sorted by start, without overlaps.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonSpells<'a> {
    /// SECMBUS spells.
    pub secm: &'a [Spell],
    /// WIA spells.
    pub wia: &'a [Spell],
    /// Doelgroepregister spells.
    pub register: &'a [Spell],
    /// Jobseeker (WERKZOEKENDEN) spells.
    pub jobseeker: &'a [Spell],
}

/// The columns derived from spells (the person table gives the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    /// The ten `days_*` columns: days in the three-year window per situation.
    pub days: WindowDays,
    /// Employee on the reference date.
    pub employed: bool,
    /// Receives WW on the reference date.
    pub ww: bool,
    /// Receives bijstand on the reference date.
    pub bijstand: bool,
    /// Registered jobseeker without work and without benefit (NUG) on the reference date.
    pub nug: bool,
    /// WIA assessment on the reference date.
    pub wia_class: WiaClass,
    /// Degree of work incapacity in percent; 0 when not assessed.
    pub disability_pct: u8,
    /// Months since the last job; set when `ww` or `nug`.
    pub months_without_work: Option<u16>,
    /// Months in the current bijstand spell; set when `bijstand`.
    pub months_bijstand: Option<u16>,
    /// In the doelgroepregister on the reference date.
    pub in_register: bool,
    /// Basis (grondslag) of the registration; set exactly for register members.
    pub register_basis: Option<RegisterBasis>,
    /// Year of entry into the register; set exactly for register members.
    pub register_entry_year: Option<u16>,
    /// Entry cohort only: employee within one year of entering the register.
    pub found_job_within_year: Option<bool>,
    /// Job-start cohort only: still employee one year after the job start.
    pub kept_job_one_year: Option<bool>,
    /// The register run began before 1998 and its entry year was written as 1998.
    pub entry_year_raised: bool,
}

/// The spell that holds `day`, if any.
fn covering(spells: &[Spell], day: Date) -> Option<usize> {
    let i = spells.partition_point(|s| s.start <= day);
    (i > 0 && spells[i - 1].end >= day).then(|| i - 1)
}

/// The first day of the unbroken run of `keep` spells that holds spell `i` (adjacent
/// spells join the run; a day without one ends it).
fn run_start(spells: &[Spell], mut i: usize, keep: impl Fn(&Spell) -> bool) -> Date {
    while i > 0 && keep(&spells[i - 1]) && spells[i - 1].end.plus(1) == spells[i].start {
        i -= 1;
    }
    spells[i].start
}

/// Whether an employee day lies in `first ..= last`.
fn works_during(secm: &[Spell], first: Date, last: Date) -> bool {
    secm.iter()
        .any(|s| s.value & flag::EMPLOYEE != 0 && s.start <= last && s.end >= first)
}

/// Window days of the jobseeker spells on which no SECMBUS spell has a benefit flag.
fn nug_days(w: &Window, secm: &[Spell], jobseeker: &[Spell]) -> u16 {
    let mut total = 0u32;
    let mut k = 0;
    for j in jobseeker {
        let mut days = u32::from(w.days(j.start, j.end));
        while k < secm.len() && secm[k].end < j.start {
            k += 1;
        }
        for s in secm[k..].iter().take_while(|s| s.start <= j.end) {
            if s.value & flag::BENEFIT != 0 {
                days -= u32::from(w.days(s.start.max(j.start), s.end.min(j.end)));
            }
        }
        total += days;
    }
    total.min(u32::from(crate::schema::WINDOW_DAYS)) as u16
}

/// The `days_*` columns.
fn window_days(w: &Window, p: &PersonSpells<'_>) -> WindowDays {
    let mut d = [0u16; 10];
    let cols = [
        (flag::EMPLOYEE, DaysColumn::Employee),
        (flag::WW, DaysColumn::Ww),
        (flag::BIJSTAND, DaysColumn::Bijstand),
        (flag::SICKNESS_DISABILITY, DaysColumn::SicknessDisability),
        (flag::OTHER_SOCIAL_BENEFIT, DaysColumn::OtherSocialBenefit),
        (flag::BENEFIT, DaysColumn::AnyBenefit),
        (flag::IN_SCHOOL, DaysColumn::InSchool),
        (flag::STUDENT_WITH_INCOME, DaysColumn::StudentWithIncome),
        (flag::NO_INCOME, DaysColumn::NoIncome),
    ];
    for s in p.secm {
        let n = w.days(s.start, s.end);
        for (bits, c) in cols {
            if s.value & bits != 0 {
                d[c as usize] += n;
            }
        }
    }
    d[DaysColumn::Nug as usize] = nug_days(w, p.secm, p.jobseeker);
    WindowDays(d)
}

/// Derives every spell-based column of one person.
///
/// Months: `months_without_work` counts the days after the last employee day up to the
/// reference date (0 when employed then; 600 when SECMBUS has no employee day up to
/// it); `months_bijstand` counts the days of the bijstand run up to the reference date,
/// both ends included. Both are whole months of 365/12 days.
pub fn derive(w: &Window, p: &PersonSpells<'_>) -> Derived {
    let rd = w.reference_date();
    let reference_year = rd.year();
    let days = window_days(w, p);
    let now = covering(p.secm, rd).map(|i| (i, p.secm[i].value));
    let has = |bits: u8| now.is_some_and(|(_, v)| v & bits != 0);
    let (employed, ww, bijstand) = (has(flag::EMPLOYEE), has(flag::WW), has(flag::BIJSTAND));
    let nug = covering(p.jobseeker, rd).is_some() && !has(flag::BENEFIT | flag::EMPLOYEE);
    let months_without_work = (ww || nug).then(|| {
        p.secm
            .iter()
            .filter(|s| s.value & flag::EMPLOYEE != 0 && s.start <= rd)
            .map(|s| s.end.min(rd))
            .max()
            .map_or(600, |last| whole_months(rd.0 - last.0))
    });
    let months_bijstand = now.filter(|_| bijstand).map(|(i, _)| {
        let first = run_start(p.secm, i, |s| s.value & flag::BIJSTAND != 0);
        whole_months(rd.0 - first.0 + 1)
    });
    let (wia_class, disability_pct) = match covering(p.wia, rd) {
        Some(i) => (
            WiaClass::from_index(p.wia[i].value).unwrap_or(WiaClass::None),
            p.wia[i].pct,
        ),
        None => (WiaClass::None, 0),
    };
    let mut d = Derived {
        days,
        employed,
        ww,
        bijstand,
        nug,
        wia_class,
        disability_pct,
        months_without_work,
        months_bijstand,
        in_register: false,
        register_basis: None,
        register_entry_year: None,
        found_job_within_year: None,
        kept_job_one_year: None,
        entry_year_raised: false,
    };
    let Some(r) = covering(p.register, rd) else {
        return d;
    };
    let basis = RegisterBasis::from_index(p.register[r].value).unwrap_or(RegisterBasis::Other);
    let entry = run_start(p.register, r, |_| true);
    let year = entry.year();
    d.in_register = true;
    d.register_basis = Some(basis);
    d.entry_year_raised = year < i32::from(FIRST_ENTRY_YEAR);
    d.register_entry_year = Some(year.max(i32::from(FIRST_ENTRY_YEAR)) as u16);
    if year == reference_year - 1 && basis != RegisterBasis::Praktijkroute {
        d.found_job_within_year = Some(works_during(p.secm, entry, entry.plus(364)));
    }
    if !basis.is_old_group() {
        d.kept_job_one_year = first_job_start(p.secm, reference_year - 1).map(|start| {
            let later = start.plus(365);
            works_during(p.secm, later, later)
        });
    }
    d
}

/// The first day in `year` with an employee flag whose previous day has none.
fn first_job_start(secm: &[Spell], year: i32) -> Option<Date> {
    let mut previous_end: Option<Date> = None;
    for s in secm.iter().filter(|s| s.value & flag::EMPLOYEE != 0) {
        let starts_a_run = previous_end.is_none_or(|e| e.plus(1) != s.start);
        previous_end = Some(s.end);
        match s.start.year() {
            y if y < year => continue,
            y if y > year => return None,
            _ if starts_a_run => return Some(s.start),
            _ => {}
        }
    }
    None
}
