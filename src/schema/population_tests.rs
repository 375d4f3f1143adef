//! Unit tests of `population`: the person file's columns and their accessors.

use super::*;

#[test]
fn push_and_view_round_trip() {
    let mut pop = Population::with_extra_columns(["region".to_string()]);
    let mut p = Person::example();
    p.in_register = true;
    p.register_basis = Some(RegisterBasis::Indicatie);
    p.register_entry_year = Some(2018);
    p.found_job_within_year = Some(true);
    p.months_bijstand = Some(0);
    pop.push_with_extra(&p, ["utrecht"].into_iter());
    pop.push(&Person::example());
    assert_eq!(pop.person(0), p);
    assert_eq!(pop.person(1), Person::example());
    assert_eq!(pop.extra("region").map(|c| c.get(0)), Some("utrecht"));
    assert_eq!(pop.extra("region").map(|c| c.get(1)), Some(""));
    let sel = pop.select(&[1, 0]);
    assert_eq!(sel.person(1), p);
    assert_eq!(sel.extra("region").map(|c| c.get(1)), Some("utrecht"));
}

#[test]
fn example_is_valid_and_each_rule_can_fail() {
    assert!(Person::example().check(2019).is_empty());
    let broken = |f: &dyn Fn(&mut Person)| {
        let mut p = Person::example();
        f(&mut p);
        p.check(2019)
            .into_iter()
            .map(|v| v.column)
            .collect::<Vec<_>>()
    };
    assert_eq!(broken(&|p| p.generation = 1), [Column::Generation]);
    assert_eq!(
        broken(&|p| p.migration = Migration::Western),
        [Column::Generation]
    );
    assert_eq!(
        broken(&|p| p.days.set(DaysColumn::Ww, 5)),
        [Column::DaysAnyBenefit]
    );
    assert_eq!(
        broken(&|p| p.days.set(DaysColumn::StudentWithIncome, 5)),
        [Column::DaysStudentWithIncome]
    );
    assert_eq!(broken(&|p| p.nug = true), [Column::MonthsWithoutWork]);
    assert_eq!(broken(&|p| p.bijstand = true), [Column::MonthsBijstand]);
    assert_eq!(
        broken(&|p| p.in_register = true),
        [Column::RegisterBasis, Column::RegisterEntryYear]
    );
    assert_eq!(
        broken(&|p| p.kept_job_one_year = Some(true)),
        [Column::KeptJobOneYear]
    );
    assert_eq!(
        broken(&|p| p.found_job_within_year = Some(false)),
        [Column::FoundJobWithinYear]
    );
}

#[test]
fn any_benefit_bounds() {
    let mut p = Person::example();
    p.days.set(DaysColumn::Ww, 800);
    p.days.set(DaysColumn::Bijstand, 700);
    p.days.set(DaysColumn::AnyBenefit, 1095); // sum 1500 capped at 1095
    assert!(p.check(2019).is_empty());
    p.days.set(DaysColumn::AnyBenefit, 799);
    assert_eq!(p.check(2019).len(), 1);
    p.days.set(DaysColumn::Bijstand, 0);
    p.days.set(DaysColumn::AnyBenefit, 801);
    assert_eq!(p.check(2019).len(), 1);
}
