//! Column-wise storage of persons ([`Population`]) and the row view ([`Person`]).
//!
//! Each column is a `Vec` of a compact type (u16 days, u8 codes and bools), so twelve
//! million persons take about 0.7 GB. Owns storage and the cross-column rules of a
//! record ([`Person::check`]); reading and writing CSV live in `read` and `write`.

use super::codes::{Education, Migration, RegisterBasis, Sex, WiaClass, WINDOW_DAYS};
use super::columns::{Column, FIRST_ENTRY_YEAR};

/// The ten `days_*` columns: days in the three-year window on which a situation applied.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DaysColumn {
    /// `days_employee`: as employee (werknemer).
    Employee,
    /// `days_ww`: with WW.
    Ww,
    /// `days_bijstand`: with bijstand.
    Bijstand,
    /// `days_sickness_disability`: with a sickness or work-incapacity benefit (ZW, WIA, WAO, Wajong).
    SicknessDisability,
    /// `days_other_social_benefit`: with another social provision, not WW and not bijstand.
    OtherSocialBenefit,
    /// `days_any_benefit`: with any of the four benefits (each day once).
    AnyBenefit,
    /// `days_in_school`: in education, with or without income.
    InSchool,
    /// `days_student_with_income`: as scholier/student with income.
    StudentWithIncome,
    /// `days_no_income`: not in education and without income.
    NoIncome,
    /// `days_nug`: as registered jobseeker without benefit.
    Nug,
}

impl DaysColumn {
    /// All ten, in schema order.
    pub const ALL: [DaysColumn; 10] = [
        DaysColumn::Employee,
        DaysColumn::Ww,
        DaysColumn::Bijstand,
        DaysColumn::SicknessDisability,
        DaysColumn::OtherSocialBenefit,
        DaysColumn::AnyBenefit,
        DaysColumn::InSchool,
        DaysColumn::StudentWithIncome,
        DaysColumn::NoIncome,
        DaysColumn::Nug,
    ];

    /// The schema column.
    pub const fn column(self) -> Column {
        match self {
            DaysColumn::Employee => Column::DaysEmployee,
            DaysColumn::Ww => Column::DaysWw,
            DaysColumn::Bijstand => Column::DaysBijstand,
            DaysColumn::SicknessDisability => Column::DaysSicknessDisability,
            DaysColumn::OtherSocialBenefit => Column::DaysOtherSocialBenefit,
            DaysColumn::AnyBenefit => Column::DaysAnyBenefit,
            DaysColumn::InSchool => Column::DaysInSchool,
            DaysColumn::StudentWithIncome => Column::DaysStudentWithIncome,
            DaysColumn::NoIncome => Column::DaysNoIncome,
            DaysColumn::Nug => Column::DaysNug,
        }
    }
}

/// The `days_*` values of one person, indexed by [`DaysColumn`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowDays(pub [u16; 10]);

impl WindowDays {
    /// The days of column `c`.
    pub fn get(&self, c: DaysColumn) -> u16 {
        self.0[c as usize]
    }
    /// Sets the days of column `c`.
    pub fn set(&mut self, c: DaysColumn, days: u16) {
        self.0[c as usize] = days;
    }
}

impl std::ops::Index<DaysColumn> for WindowDays {
    type Output = u16;
    fn index(&self, c: DaysColumn) -> &u16 {
        &self.0[c as usize]
    }
}

/// One person: a row of the microdata. Returned by [`Population::person`], accepted by
/// [`Population::push`].
///
/// ```
/// use banenafspraak::schema::{Person, DaysColumn};
/// let mut p = Person::example();
/// p.days.set(DaysColumn::Bijstand, 400);
/// p.days.set(DaysColumn::AnyBenefit, 400);
/// assert!(p.check(2019).is_empty());
/// p.days.set(DaysColumn::AnyBenefit, 10); // less than days_bijstand
/// assert_eq!(p.check(2019)[0].column, banenafspraak::schema::Column::DaysAnyBenefit);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Person<'a> {
    /// Pseudonymised person key; never printed in any output.
    pub person_id: &'a str,
    /// Sex as registered in the BRP.
    pub sex: Sex,
    /// Age in whole years on the reference date.
    pub age: u8,
    /// Migration background (CBS definition).
    pub migration: Migration,
    /// 0 none, 1 born abroad, 2 born in NL with a parent born abroad.
    pub generation: u8,
    /// Highest attained education on the reference date.
    pub education: Education,
    /// School years enrolled in voortgezet speciaal onderwijs (vso) up to the reference date.
    pub years_special_secondary: u8,
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
    /// Schema v1.1: paid hours per week one year after the job start, for job keepers.
    pub job_hours_per_week: Option<f32>,
}

/// A broken cross-column rule: the column whose value is wrong, that value and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleViolation {
    /// The column whose value breaks the rule.
    pub column: Column,
    /// That value, as written.
    pub value: String,
    /// The rule, in words.
    pub rule: String,
}

impl<'a> Person<'a> {
    /// A valid person outside the register with no benefits: a starting point for tests
    /// and examples.
    pub fn example() -> Person<'static> {
        Person {
            person_id: "p1",
            sex: Sex::Female,
            age: 30,
            migration: Migration::None,
            generation: 0,
            education: Education::Mbo2,
            years_special_secondary: 0,
            days: WindowDays([1095, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            employed: true,
            ww: false,
            bijstand: false,
            nug: false,
            wia_class: WiaClass::None,
            disability_pct: 0,
            months_without_work: None,
            months_bijstand: None,
            in_register: false,
            register_basis: None,
            register_entry_year: None,
            found_job_within_year: None,
            kept_job_one_year: None,
            job_hours_per_week: None,
        }
    }

    /// Checks the rules that span columns (schema v1); ranges and codes are the reader's.
    /// Returns every broken rule, empty when the record is valid.
    pub fn check(&self, reference_year: u16) -> Vec<RuleViolation> {
        let mut out = Violations(Vec::new());
        self.check_generation(&mut out);
        self.check_days(&mut out);
        self.check_months(&mut out);
        self.check_register(reference_year, &mut out);
        self.check_outcomes(reference_year, &mut out);
        out.0
    }

    fn check_generation(&self, out: &mut Violations) {
        if (self.generation == 0) != (self.migration == Migration::None) {
            out.add(
                Column::Generation,
                self.generation.to_string(),
                format!(
                    "generation must be 0 exactly when migration is none (migration = {})",
                    self.migration
                ),
            );
        }
    }

    /// Each count within the window, benefits within their parts, students within school.
    fn check_days(&self, out: &mut Violations) {
        for c in DaysColumn::ALL {
            if self.days[c] > WINDOW_DAYS {
                out.add(
                    c.column(),
                    self.days[c].to_string(),
                    format!("days must be at most {WINDOW_DAYS}"),
                );
            }
        }
        let parts = [
            DaysColumn::Ww,
            DaysColumn::Bijstand,
            DaysColumn::SicknessDisability,
            DaysColumn::OtherSocialBenefit,
        ];
        let largest = parts.iter().map(|&c| self.days[c]).max().unwrap_or(0);
        let sum: u32 = parts.iter().map(|&c| u32::from(self.days[c])).sum();
        let upper = sum.min(u32::from(WINDOW_DAYS));
        let any = self.days[DaysColumn::AnyBenefit];
        if any < largest || u32::from(any) > upper {
            out.add(
                Column::DaysAnyBenefit,
                any.to_string(),
                format!(
                    "days_any_benefit must be at least the largest of days_ww, days_bijstand, \
                     days_sickness_disability, days_other_social_benefit ({largest}) and at most \
                     their sum capped at {WINDOW_DAYS} ({upper})"
                ),
            );
        }
        if self.days[DaysColumn::StudentWithIncome] > self.days[DaysColumn::InSchool] {
            out.add(
                Column::DaysStudentWithIncome,
                self.days[DaysColumn::StudentWithIncome].to_string(),
                format!(
                    "days_student_with_income must be at most days_in_school ({})",
                    self.days[DaysColumn::InSchool]
                ),
            );
        }
    }

    fn check_months(&self, out: &mut Violations) {
        if (self.ww || self.nug) && self.months_without_work.is_none() {
            out.add(
                Column::MonthsWithoutWork,
                String::new(),
                "months_without_work is required when ww or nug is 1".into(),
            );
        }
        if self.bijstand && self.months_bijstand.is_none() {
            out.add(
                Column::MonthsBijstand,
                String::new(),
                "months_bijstand is required when bijstand is 1".into(),
            );
        }
    }

    /// Register columns present exactly inside the register; entry years in range.
    fn check_register(&self, reference_year: u16, out: &mut Violations) {
        let basis = self.register_basis.map(|b| b.code().to_string());
        let year = self.register_entry_year.map(|y| y.to_string());
        for (col, value) in [
            (Column::RegisterBasis, basis),
            (Column::RegisterEntryYear, year),
        ] {
            if value.is_some() != self.in_register {
                let rule = if self.in_register {
                    format!("{col} is required when in_register is 1")
                } else {
                    format!("{col} must be empty when in_register is 0")
                };
                out.add(col, value.unwrap_or_default(), rule);
            }
        }
        if let Some(year) = self.register_entry_year {
            if !(FIRST_ENTRY_YEAR..=reference_year).contains(&year) {
                out.add(
                    Column::RegisterEntryYear,
                    year.to_string(),
                    format!("register_entry_year must be in {FIRST_ENTRY_YEAR} ..= {reference_year} (the reference year)"),
                );
            }
        }
    }

    /// Outcomes only for the cohorts they are measured on.
    fn check_outcomes(&self, reference_year: u16, out: &mut Violations) {
        if let Some(found) = self.found_job_within_year {
            if !self.in_register
                || self.register_entry_year != Some(reference_year.saturating_sub(1))
            {
                out.add(
                    Column::FoundJobWithinYear,
                    u8::from(found).to_string(),
                    format!(
                        "found_job_within_year must be empty unless in_register is 1 and \
                         register_entry_year is {} (the year before the reference year)",
                        reference_year.saturating_sub(1)
                    ),
                );
            }
        }
        if let Some(kept) = self.kept_job_one_year {
            if !self.in_register {
                out.add(
                    Column::KeptJobOneYear,
                    u8::from(kept).to_string(),
                    "kept_job_one_year must be empty when in_register is 0".into(),
                );
            }
        }
        if let Some(hours) = self.job_hours_per_week {
            if self.kept_job_one_year != Some(true) {
                out.add(
                    Column::JobHoursPerWeek,
                    hours.to_string(),
                    "job_hours_per_week must be empty unless kept_job_one_year is 1 (hours are \
                     measured on the job keepers only)"
                        .into(),
                );
            }
        }
    }
}

/// The broken rules of one record, in the order they are checked.
struct Violations(Vec<RuleViolation>);

impl Violations {
    fn add(&mut self, column: Column, value: String, rule: String) {
        self.0.push(RuleViolation {
            column,
            value,
            rule,
        });
    }
}

/// Sentinel for a missing month count in storage.
const NO_MONTHS: u16 = u16::MAX;

/// A text column stored in one buffer with offsets (no allocation per cell).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextColumn {
    text: String,
    ends: Vec<usize>,
}

impl TextColumn {
    /// The cell of row `i`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    /// Appends a cell.
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }
    /// Iterates over the cells.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
    /// The buffer and the end offset of each cell.
    pub(super) fn parts(&self) -> (&str, &[usize]) {
        (&self.text, &self.ends)
    }

    /// A column from its parts; `None` unless the ends rise to the text's length on
    /// character boundaries.
    pub(super) fn from_parts(text: String, ends: Vec<usize>) -> Option<TextColumn> {
        let mut last = 0;
        for &e in &ends {
            if e < last || !text.is_char_boundary(e) {
                return None;
            }
            last = e;
        }
        (last == text.len()).then_some(TextColumn { text, ends })
    }

    /// Appends the cells of `other`.
    fn append(&mut self, other: TextColumn) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
    }

    fn select(&self, rows: &[usize]) -> TextColumn {
        let mut out = TextColumn::default();
        for &i in rows {
            out.push(self.get(i));
        }
        out
    }
}

/// A test of one person, given its row (for extra columns) and the person: what
/// [`Population::count_each`] counts.
pub type RowTest<'t> = dyn Fn(usize, &Person<'_>) -> bool + Sync + 't;

/// Persons stored column-wise, with any extra (non-schema) columns as text.
///
/// ```
/// use banenafspraak::schema::{Person, Population};
/// let mut pop = Population::new();
/// pop.push(&Person::example());
/// assert_eq!(pop.len(), 1);
/// assert_eq!(pop.person(0).age, 30);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Population {
    pub(super) person_id: TextColumn,
    pub(super) sex: Vec<Sex>,
    pub(super) age: Vec<u8>,
    pub(super) migration: Vec<Migration>,
    pub(super) generation: Vec<u8>,
    pub(super) education: Vec<Education>,
    pub(super) years_special_secondary: Vec<u8>,
    pub(super) days: [Vec<u16>; 10],
    pub(super) employed: Vec<bool>,
    pub(super) ww: Vec<bool>,
    pub(super) bijstand: Vec<bool>,
    pub(super) nug: Vec<bool>,
    pub(super) wia_class: Vec<WiaClass>,
    pub(super) disability_pct: Vec<u8>,
    pub(super) months_without_work: Vec<u16>,
    pub(super) months_bijstand: Vec<u16>,
    pub(super) in_register: Vec<bool>,
    pub(super) register_basis: Vec<Option<RegisterBasis>>,
    pub(super) register_entry_year: Vec<Option<u16>>,
    pub(super) found_job_within_year: Vec<Option<bool>>,
    pub(super) kept_job_one_year: Vec<Option<bool>>,
    /// Schema v1.1 hours, 0 where the cell is empty (a value is > 0); `None` when the column is absent.
    pub(super) job_hours_per_week: Option<Vec<f32>>,
    pub(super) extra: Vec<(String, TextColumn)>,
}

impl Population {
    /// An empty population without extra columns.
    pub fn new() -> Population {
        Population::default()
    }

    /// An empty population that carries the named extra columns.
    pub fn with_extra_columns(names: impl IntoIterator<Item = String>) -> Population {
        Population {
            extra: names
                .into_iter()
                .map(|n| (n, TextColumn::default()))
                .collect(),
            ..Population::default()
        }
    }

    /// The same population with the v1.1 column `job_hours_per_week` when `present`
    /// (cells empty where it had none) or without it (a version 1 population, of which
    /// no banen are estimated).
    pub fn with_job_hours_column(mut self, present: bool) -> Population {
        if !present {
            self.job_hours_per_week = None;
        } else if self.job_hours_per_week.is_none() {
            self.job_hours_per_week = Some(vec![0.0; self.len()]);
        }
        self
    }

    /// Sets `job_hours_per_week` of the given rows (the column must be present; see
    /// [`Population::with_job_hours_column`]). For generators: the values are not checked.
    pub fn set_job_hours(&mut self, rows: &[usize], hours: &[f32]) {
        if let Some(h) = &mut self.job_hours_per_week {
            for (&i, &v) in rows.iter().zip(hours) {
                h[i] = v;
            }
        }
    }

    /// Reserves room for `n` more persons.
    pub fn reserve(&mut self, n: usize) {
        self.person_id.ends.reserve(n);
        for (_, col) in &mut self.extra {
            col.ends.reserve(n);
        }
        self.sex.reserve(n);
        self.age.reserve(n);
        self.migration.reserve(n);
        self.generation.reserve(n);
        self.education.reserve(n);
        self.years_special_secondary.reserve(n);
        for d in &mut self.days {
            d.reserve(n);
        }
        self.employed.reserve(n);
        self.ww.reserve(n);
        self.bijstand.reserve(n);
        self.nug.reserve(n);
        self.wia_class.reserve(n);
        self.disability_pct.reserve(n);
        self.months_without_work.reserve(n);
        self.months_bijstand.reserve(n);
        self.in_register.reserve(n);
        self.register_basis.reserve(n);
        self.register_entry_year.reserve(n);
        self.found_job_within_year.reserve(n);
        self.kept_job_one_year.reserve(n);
        if let Some(h) = &mut self.job_hours_per_week {
            h.reserve(n);
        }
    }

    /// Number of persons.
    pub fn len(&self) -> usize {
        self.sex.len()
    }

    /// Whether there are no persons.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a person with empty extra cells. The record is stored as given; use
    /// [`Person::check`] first when it does not come from the reader.
    pub fn push(&mut self, p: &Person<'_>) {
        self.person_id.push(p.person_id);
        self.sex.push(p.sex);
        self.age.push(p.age);
        self.migration.push(p.migration);
        self.generation.push(p.generation);
        self.education.push(p.education);
        self.years_special_secondary.push(p.years_special_secondary);
        for (col, &d) in self.days.iter_mut().zip(p.days.0.iter()) {
            col.push(d);
        }
        self.employed.push(p.employed);
        self.ww.push(p.ww);
        self.bijstand.push(p.bijstand);
        self.nug.push(p.nug);
        self.wia_class.push(p.wia_class);
        self.disability_pct.push(p.disability_pct);
        self.months_without_work
            .push(p.months_without_work.unwrap_or(NO_MONTHS));
        self.months_bijstand
            .push(p.months_bijstand.unwrap_or(NO_MONTHS));
        self.in_register.push(p.in_register);
        self.register_basis.push(p.register_basis);
        self.register_entry_year.push(p.register_entry_year);
        self.found_job_within_year.push(p.found_job_within_year);
        self.kept_job_one_year.push(p.kept_job_one_year);
        if p.job_hours_per_week.is_some() && self.job_hours_per_week.is_none() {
            self.job_hours_per_week = Some(vec![0.0; self.len() - 1]);
        }
        if let Some(h) = &mut self.job_hours_per_week {
            h.push(p.job_hours_per_week.unwrap_or(0.0));
        }
        for (_, col) in &mut self.extra {
            col.push("");
        }
    }

    /// Appends a person with the given extra cells, one per extra column in order.
    pub fn push_with_extra<'s>(&mut self, p: &Person<'_>, extra: impl Iterator<Item = &'s str>) {
        let n_extra = self.extra.len();
        let saved = std::mem::take(&mut self.extra);
        self.push(p);
        self.extra = saved;
        let mut pushed = 0;
        for ((_, col), cell) in self.extra.iter_mut().zip(extra) {
            col.push(cell);
            pushed += 1;
        }
        for (_, col) in self.extra.iter_mut().skip(pushed) {
            col.push("");
        }
        debug_assert_eq!(
            self.extra
                .iter()
                .filter(|(_, c)| c.len() == self.len())
                .count(),
            n_extra
        );
    }

    /// Appends the persons of `other`, which carries the same extra columns as `self`:
    /// how generated or parsed chunks are joined without building each person again.
    pub(crate) fn append(&mut self, other: Population) {
        let (n_self, n_other) = (self.len(), other.len());
        debug_assert!(self
            .extra
            .iter()
            .map(|(n, _)| n)
            .eq(other.extra.iter().map(|(n, _)| n)));
        self.person_id.append(other.person_id);
        for ((_, col), (_, o)) in self.extra.iter_mut().zip(other.extra) {
            col.append(o);
        }
        self.sex.extend(other.sex);
        self.age.extend(other.age);
        self.migration.extend(other.migration);
        self.generation.extend(other.generation);
        self.education.extend(other.education);
        self.years_special_secondary
            .extend(other.years_special_secondary);
        for (col, o) in self.days.iter_mut().zip(other.days) {
            col.extend(o);
        }
        self.employed.extend(other.employed);
        self.ww.extend(other.ww);
        self.bijstand.extend(other.bijstand);
        self.nug.extend(other.nug);
        self.wia_class.extend(other.wia_class);
        self.disability_pct.extend(other.disability_pct);
        self.months_without_work.extend(other.months_without_work);
        self.months_bijstand.extend(other.months_bijstand);
        self.in_register.extend(other.in_register);
        self.register_basis.extend(other.register_basis);
        self.register_entry_year.extend(other.register_entry_year);
        self.found_job_within_year
            .extend(other.found_job_within_year);
        self.kept_job_one_year.extend(other.kept_job_one_year);
        match (&mut self.job_hours_per_week, other.job_hours_per_week) {
            (Some(h), Some(o)) => h.extend(o),
            (Some(h), None) => h.resize(n_self + n_other, 0.0),
            (None, Some(o)) => {
                let mut h = vec![0.0; n_self];
                h.extend(o);
                self.job_hours_per_week = Some(h);
            }
            (None, None) => {}
        }
    }

    /// The person in row `i`.
    ///
    /// # Panics
    /// When `i >= self.len()`.
    pub fn person(&self, i: usize) -> Person<'_> {
        let months = |v: u16| (v != NO_MONTHS).then_some(v);
        Person {
            person_id: self.person_id.get(i),
            sex: self.sex[i],
            age: self.age[i],
            migration: self.migration[i],
            generation: self.generation[i],
            education: self.education[i],
            years_special_secondary: self.years_special_secondary[i],
            days: WindowDays(std::array::from_fn(|k| self.days[k][i])),
            employed: self.employed[i],
            ww: self.ww[i],
            bijstand: self.bijstand[i],
            nug: self.nug[i],
            wia_class: self.wia_class[i],
            disability_pct: self.disability_pct[i],
            months_without_work: months(self.months_without_work[i]),
            months_bijstand: months(self.months_bijstand[i]),
            in_register: self.in_register[i],
            register_basis: self.register_basis[i],
            register_entry_year: self.register_entry_year[i],
            found_job_within_year: self.found_job_within_year[i],
            kept_job_one_year: self.kept_job_one_year[i],
            job_hours_per_week: self
                .job_hours_per_week
                .as_ref()
                .map(|h| h[i])
                .filter(|&h| h > 0.0),
        }
    }

    /// Iterates over all persons.
    pub fn persons(&self) -> impl Iterator<Item = Person<'_>> + '_ {
        (0..self.len()).map(move |i| self.person(i))
    }

    /// For each test, how many persons pass it (`test(row, person)`), in one pass over the
    /// rows, in parallel; the counts do not depend on the thread count.
    ///
    /// ```
    /// use banenafspraak::schema::{Person, Population};
    /// let mut pop = Population::new();
    /// pop.push(&Person::example());
    /// pop.push(&Person { age: 70, ..Person::example() });
    /// let old = |_: usize, p: &Person<'_>| p.age > 66;
    /// let all = |_: usize, _: &Person<'_>| true;
    /// assert_eq!(pop.count_each(&[&old, &all]), [1, 2]);
    /// ```
    pub fn count_each(&self, tests: &[&RowTest<'_>]) -> Vec<usize> {
        use rayon::prelude::*;
        (0..self.len())
            .into_par_iter()
            .fold(
                || vec![0usize; tests.len()],
                |mut counts, i| {
                    let p = self.person(i);
                    for (c, test) in counts.iter_mut().zip(tests) {
                        *c += usize::from(test(i, &p));
                    }
                    counts
                },
            )
            .reduce(
                || vec![0usize; tests.len()],
                |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect(),
            )
    }

    /// Row indices of the persons for which `keep` holds.
    pub fn rows_where(&self, mut keep: impl FnMut(&Person<'_>) -> bool) -> Vec<usize> {
        (0..self.len()).filter(|&i| keep(&self.person(i))).collect()
    }

    /// A new population of the given rows (in that order), extra columns included.
    pub fn select(&self, rows: &[usize]) -> Population {
        fn pick<T: Copy>(v: &[T], rows: &[usize]) -> Vec<T> {
            rows.iter().map(|&i| v[i]).collect()
        }
        Population {
            person_id: self.person_id.select(rows),
            sex: pick(&self.sex, rows),
            age: pick(&self.age, rows),
            migration: pick(&self.migration, rows),
            generation: pick(&self.generation, rows),
            education: pick(&self.education, rows),
            years_special_secondary: pick(&self.years_special_secondary, rows),
            days: std::array::from_fn(|k| pick(&self.days[k], rows)),
            employed: pick(&self.employed, rows),
            ww: pick(&self.ww, rows),
            bijstand: pick(&self.bijstand, rows),
            nug: pick(&self.nug, rows),
            wia_class: pick(&self.wia_class, rows),
            disability_pct: pick(&self.disability_pct, rows),
            months_without_work: pick(&self.months_without_work, rows),
            months_bijstand: pick(&self.months_bijstand, rows),
            in_register: pick(&self.in_register, rows),
            register_basis: pick(&self.register_basis, rows),
            register_entry_year: pick(&self.register_entry_year, rows),
            found_job_within_year: pick(&self.found_job_within_year, rows),
            kept_job_one_year: pick(&self.kept_job_one_year, rows),
            job_hours_per_week: self.job_hours_per_week.as_ref().map(|h| pick(h, rows)),
            extra: self
                .extra
                .iter()
                .map(|(n, c)| (n.clone(), c.select(rows)))
                .collect(),
        }
    }

    // Column access for models and scoring: plain slices, no copies.

    /// Every person's key (never to be printed).
    pub fn person_ids(&self) -> &TextColumn {
        &self.person_id
    }
    /// Every person's `sex`.
    pub fn sex(&self) -> &[Sex] {
        &self.sex
    }
    /// Every person's `age`.
    pub fn age(&self) -> &[u8] {
        &self.age
    }
    /// Every person's `migration`.
    pub fn migration(&self) -> &[Migration] {
        &self.migration
    }
    /// Every person's `generation`.
    pub fn generation(&self) -> &[u8] {
        &self.generation
    }
    /// Every person's `education`.
    pub fn education(&self) -> &[Education] {
        &self.education
    }
    /// Every person's `years_special_secondary`.
    pub fn years_special_secondary(&self) -> &[u8] {
        &self.years_special_secondary
    }
    /// Every person's days of column `c`.
    pub fn days(&self, c: DaysColumn) -> &[u16] {
        &self.days[c as usize]
    }
    /// Every person's `employed`.
    pub fn employed(&self) -> &[bool] {
        &self.employed
    }
    /// Every person's `ww`.
    pub fn ww(&self) -> &[bool] {
        &self.ww
    }
    /// Every person's `bijstand`.
    pub fn bijstand(&self) -> &[bool] {
        &self.bijstand
    }
    /// Every person's `nug`.
    pub fn nug(&self) -> &[bool] {
        &self.nug
    }
    /// Every person's `wia_class`.
    pub fn wia_class(&self) -> &[WiaClass] {
        &self.wia_class
    }
    /// Every person's `disability_pct`.
    pub fn disability_pct(&self) -> &[u8] {
        &self.disability_pct
    }
    /// Every person's `in_register`.
    pub fn in_register(&self) -> &[bool] {
        &self.in_register
    }
    /// Every person's `register_basis`.
    pub fn register_basis(&self) -> &[Option<RegisterBasis>] {
        &self.register_basis
    }
    /// Every person's `register_entry_year`.
    pub fn register_entry_year(&self) -> &[Option<u16>] {
        &self.register_entry_year
    }
    /// Every person's `found_job_within_year`.
    pub fn found_job_within_year(&self) -> &[Option<bool>] {
        &self.found_job_within_year
    }
    /// Every person's `kept_job_one_year`.
    pub fn kept_job_one_year(&self) -> &[Option<bool>] {
        &self.kept_job_one_year
    }
    /// Schema v1.1 paid hours per week of the job keepers, 0 where the cell is empty (a value is > 0);
    /// `None` when the file has no `job_hours_per_week` column (then no banen are
    /// estimated).
    pub fn job_hours_per_week(&self) -> Option<&[f32]> {
        self.job_hours_per_week.as_deref()
    }

    /// Names of the extra (non-schema) columns, in file order.
    pub fn extra_column_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.extra.iter().map(|(n, _)| n.as_str())
    }

    /// An extra column by name.
    pub fn extra(&self, name: &str) -> Option<&TextColumn> {
        self.extra.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// Bytes held by the columns (without allocator slack), for memory reports.
    pub fn heap_bytes(&self) -> usize {
        let n = self.len();
        let text = |c: &TextColumn| c.text.len() + c.ends.len() * std::mem::size_of::<usize>();
        text(&self.person_id)
            + n * (6 + 10 * 2 + 4 + 2 + 2 * 2 + 1 + 1 + 4 + 2)
            + self.job_hours_per_week.as_ref().map_or(0, |h| 4 * h.len())
            + self.extra.iter().map(|(_, c)| text(c)).sum::<usize>()
    }
}

#[cfg(test)]
#[path = "population_tests.rs"]
mod tests;
