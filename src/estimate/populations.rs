//! The populations that are scored: the report's WW, WIA, bijstand and NUG with their
//! sub-groups (schema v1, "The populations of the report"), and populations a user defines
//! with a predicate or a [`PopulationRule`] of the rule language. Every population is restricted to
//! the scoring scope: persons aged 16 ..= 66 who are not in the doelgroepregister.

use std::fmt;
use std::sync::Arc;

use super::expr::{Extras, PopulationRule};
use crate::model::design::{MAX_AGE, MIN_AGE};
use crate::schema::{Person, Population, WiaClass};
use crate::{Error, Result};

type Predicate = Arc<dyn Fn(&Person<'_>) -> bool + Send + Sync>;

/// Who belongs: a Rust predicate, or a rule written in the rule language (which may name
/// extra columns, looked up in the person's row).
#[derive(Clone)]
enum Membership {
    Predicate(Predicate),
    PopulationRule(Arc<PopulationRule>),
}

impl Membership {
    fn holds(&self, p: &Person<'_>, extras: Option<Extras<'_>>) -> bool {
        match self {
            Membership::Predicate(f) => f(p),
            Membership::PopulationRule(r) => r.matches_with(p, extras),
        }
    }
    fn rule(&self) -> Option<&PopulationRule> {
        match self {
            Membership::Predicate(_) => None,
            Membership::PopulationRule(r) => Some(r),
        }
    }
}

/// Whether a person is in the scoring scope: aged 16 ..= 66 and not in the register.
pub fn in_scope(p: &Person<'_>) -> bool {
    (MIN_AGE..=MAX_AGE).contains(&p.age) && !p.in_register
}

/// A named part of a population.
#[derive(Clone)]
pub struct Subgroup {
    /// Machine name as in results table v1 (`months_0_12`, `wia_35min`, ...).
    pub name: String,
    /// Label for people.
    pub label: String,
    rule: Membership,
}

impl Subgroup {
    /// A sub-group with a predicate over persons of its population.
    pub fn new(
        name: impl Into<String>,
        label: impl Into<String>,
        rule: impl Fn(&Person<'_>) -> bool + Send + Sync + 'static,
    ) -> Subgroup {
        Subgroup {
            name: name.into(),
            label: label.into(),
            rule: Membership::Predicate(Arc::new(rule)),
        }
    }

    /// A sub-group given by a rule of the rule language.
    pub fn from_rule(
        name: impl Into<String>,
        label: impl Into<String>,
        rule: PopulationRule,
    ) -> Subgroup {
        Subgroup {
            name: name.into(),
            label: label.into(),
            rule: Membership::PopulationRule(Arc::new(rule)),
        }
    }

    /// The rule, when the sub-group was given by one.
    pub fn rule(&self) -> Option<&PopulationRule> {
        self.rule.rule()
    }

    /// Whether the person belongs to this sub-group (schema columns only: a rule on an
    /// extra column needs [`Subgroup::contains_row`]).
    pub fn contains(&self, p: &Person<'_>) -> bool {
        self.rule.holds(p, None)
    }

    /// Whether row `i` of `pop` belongs to this sub-group, extra columns included.
    pub fn contains_row(&self, pop: &Population, i: usize, p: &Person<'_>) -> bool {
        self.rule.holds(p, Some(Extras::new(pop, i)))
    }
}

impl fmt::Debug for Subgroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subgroup")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A population to score: a name, a rule and its sub-groups.
///
/// ```
/// use banenafspraak::estimate::ScoredPopulation;
/// use banenafspraak::schema::Person;
/// let young = ScoredPopulation::custom("bijstand_under_30_vso", |p: &Person| {
///     p.bijstand && p.age < 30 && p.years_special_secondary > 0
/// });
/// let mut p = Person::example();
/// assert!(!young.contains(&p));
/// p.bijstand = true;
/// p.months_bijstand = Some(3);
/// p.years_special_secondary = 4;
/// p.age = 22;
/// assert!(young.contains(&p));
/// ```
#[derive(Clone)]
pub struct ScoredPopulation {
    /// Machine name as in results table v1 (`ww`, `wia`, `bijstand`, `nug`, or the user's).
    pub name: String,
    /// Label for people.
    pub label: String,
    rule: Membership,
    /// Sub-groups; a person is in at most one.
    pub subgroups: Vec<Subgroup>,
}

impl fmt::Debug for ScoredPopulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScoredPopulation")
            .field("name", &self.name)
            .field("subgroups", &self.subgroups)
            .finish_non_exhaustive()
    }
}

fn months_band(m: Option<u16>, lo: u16, hi: Option<u16>) -> bool {
    m.is_some_and(|m| m >= lo && hi.is_none_or(|hi| m <= hi))
}

impl ScoredPopulation {
    /// A user-defined population without sub-groups. The scope (age 16 ..= 66, not in the
    /// register) applies on top of `rule`.
    pub fn custom(
        name: impl Into<String>,
        rule: impl Fn(&Person<'_>) -> bool + Send + Sync + 'static,
    ) -> ScoredPopulation {
        let name = name.into();
        ScoredPopulation {
            label: name.clone(),
            name,
            rule: Membership::Predicate(Arc::new(rule)),
            subgroups: Vec::new(),
        }
    }

    /// A population given by a rule of the rule language, without sub-groups. The scope
    /// (age 16 ..= 66, not in the register) applies on top of the rule.
    ///
    /// ```
    /// use banenafspraak::estimate::{PopulationRule, ScoredPopulation};
    /// let ww = ScoredPopulation::from_rule("ww", "WW", PopulationRule::parse("ww = 1")?);
    /// assert_eq!(ww.rule().map(|r| r.source()), Some("ww = 1"));
    /// # Ok::<(), banenafspraak::estimate::RuleError>(())
    /// ```
    pub fn from_rule(
        name: impl Into<String>,
        label: impl Into<String>,
        rule: PopulationRule,
    ) -> ScoredPopulation {
        ScoredPopulation {
            name: name.into(),
            label: label.into(),
            rule: Membership::PopulationRule(Arc::new(rule)),
            subgroups: Vec::new(),
        }
    }

    /// The rule, when the population was given by one.
    pub fn rule(&self) -> Option<&PopulationRule> {
        self.rule.rule()
    }

    /// Adds a sub-group.
    pub fn with_subgroup(mut self, subgroup: Subgroup) -> ScoredPopulation {
        self.subgroups.push(subgroup);
        self
    }

    /// WW recipients, by months without work: 0-12, 13-24, 25 and more (report table 4.1).
    pub fn ww() -> ScoredPopulation {
        let m = |p: &Person<'_>| p.months_without_work;
        ScoredPopulation {
            label: "WW".into(),
            ..ScoredPopulation::custom("ww", |p| p.ww)
        }
        .with_subgroup(Subgroup::new(
            "months_0_12",
            "<= 1 year without work",
            move |p| months_band(m(p), 0, Some(12)),
        ))
        .with_subgroup(Subgroup::new(
            "months_13_24",
            "1-2 years without work",
            move |p| months_band(m(p), 13, Some(24)),
        ))
        .with_subgroup(Subgroup::new(
            "months_25_plus",
            "> 2 years without work",
            move |p| months_band(m(p), 25, None),
        ))
    }

    /// Persons with a WIA assessment, by class (report table 5.1).
    pub fn wia() -> ScoredPopulation {
        ScoredPopulation {
            label: "WIA".into(),
            ..ScoredPopulation::custom("wia", |p| p.wia_class != WiaClass::None)
        }
        .with_subgroup(Subgroup::new("wia_35min", "WIA 35-min", |p| {
            p.wia_class == WiaClass::Wia35Min
        }))
        .with_subgroup(Subgroup::new("wga_35_80", "WGA 35-80", |p| {
            p.wia_class == WiaClass::Wga35To80
        }))
        .with_subgroup(Subgroup::new("wga_80_100_iva", "WGA 80-100 / IVA", |p| {
            matches!(p.wia_class, WiaClass::Wga80To100 | WiaClass::Iva)
        }))
    }

    /// Bijstand recipients, by months in the current spell: < 12, 12-23, 24 and more
    /// (report table 8.4).
    pub fn bijstand() -> ScoredPopulation {
        ScoredPopulation {
            label: "Bijstand".into(),
            ..ScoredPopulation::custom("bijstand", |p| p.bijstand)
        }
        .with_year_bands(|p| p.months_bijstand)
    }

    /// NUG (registered jobseekers without benefit), by months without work: < 12, 12-23,
    /// 24 and more (report table 8.11).
    pub fn nug() -> ScoredPopulation {
        ScoredPopulation {
            label: "NUG".into(),
            ..ScoredPopulation::custom("nug", |p| p.nug)
        }
        .with_year_bands(|p| p.months_without_work)
    }

    /// The sub-groups < 1 year, 1-2 years and >= 2 years of a month count, as the report
    /// bands bijstand and NUG.
    fn with_year_bands(self, months: fn(&Person<'_>) -> Option<u16>) -> ScoredPopulation {
        self.with_subgroup(Subgroup::new("months_0_11", "< 1 year", move |p| {
            months_band(months(p), 0, Some(11))
        }))
        .with_subgroup(Subgroup::new("months_12_23", "1-2 years", move |p| {
            months_band(months(p), 12, Some(23))
        }))
        .with_subgroup(Subgroup::new("months_24_plus", ">= 2 years", move |p| {
            months_band(months(p), 24, None)
        }))
    }

    /// The report's four populations in its order.
    pub fn report_populations() -> Vec<ScoredPopulation> {
        vec![Self::ww(), Self::wia(), Self::bijstand(), Self::nug()]
    }

    /// Whether the person is in this population (scope included), on schema columns only:
    /// a rule on an extra column needs [`ScoredPopulation::contains_row`].
    pub fn contains(&self, p: &Person<'_>) -> bool {
        in_scope(p) && self.rule.holds(p, None)
    }

    /// Whether row `i` of `pop` (the person `p`) is in this population, extra columns
    /// included.
    pub fn contains_row(&self, pop: &Population, i: usize, p: &Person<'_>) -> bool {
        in_scope(p) && self.rule.holds(p, Some(Extras::new(pop, i)))
    }

    /// Index of the person's sub-group, if any (schema columns only).
    pub fn subgroup_of(&self, p: &Person<'_>) -> Option<usize> {
        self.subgroups.iter().position(|s| s.contains(p))
    }

    /// Index of the sub-group of row `i` of `pop`, extra columns included.
    pub fn subgroup_of_row(&self, pop: &Population, i: usize, p: &Person<'_>) -> Option<usize> {
        self.subgroups
            .iter()
            .position(|s| s.contains_row(pop, i, p))
    }

    /// Row indices of the members of this population.
    pub fn members(&self, pop: &Population) -> Vec<usize> {
        (0..pop.len())
            .filter(|&i| self.contains_row(pop, i, &pop.person(i)))
            .collect()
    }

    /// Checks that the extra columns its rules (and its sub-groups' rules) name are in
    /// `pop`; call before scoring `pop`.
    pub fn check_columns(&self, pop: &Population) -> Result<()> {
        let rules = self
            .rule()
            .map(|r| (self.name.as_str(), r))
            .into_iter()
            .chain(
                self.subgroups
                    .iter()
                    .filter_map(|g| g.rule().map(|r| (g.name.as_str(), r))),
            );
        for (name, rule) in rules {
            rule.check_columns(pop)
                .map_err(|error| Error::PopulationRule {
                    population: format!("{} ({name})", self.name),
                    error,
                })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subgroup_edges_follow_the_schema() {
        let ww = ScoredPopulation::ww();
        let mut p = Person::example();
        p.ww = true;
        p.days.set(crate::schema::DaysColumn::Ww, 10);
        p.days.set(crate::schema::DaysColumn::AnyBenefit, 10);
        for (months, sub) in [(0, 0), (12, 0), (13, 1), (24, 1), (25, 2), (600, 2)] {
            p.months_without_work = Some(months);
            assert!(ww.contains(&p));
            assert_eq!(ww.subgroup_of(&p), Some(sub), "months {months}");
        }
        let nug = ScoredPopulation::nug();
        p.ww = false;
        p.nug = true;
        for (months, sub) in [(0, 0), (11, 0), (12, 1), (23, 1), (24, 2)] {
            p.months_without_work = Some(months);
            assert_eq!(nug.subgroup_of(&p), Some(sub), "months {months}");
        }
    }

    #[test]
    fn scope_excludes_register_members_and_ages() {
        let wia = ScoredPopulation::wia();
        let mut p = Person::example();
        p.wia_class = WiaClass::Iva;
        assert!(wia.contains(&p));
        assert_eq!(wia.subgroup_of(&p), Some(2));
        p.age = 67;
        assert!(!wia.contains(&p));
        p.age = 16;
        p.in_register = true;
        assert!(!wia.contains(&p));
    }
}
