//! `prepare`'s derivations, column by column, on hand-made spells
//! (shared/spec/source-tables.md, "Derived columns").

use crate::prepare_support;

use banenafspraak::schema::{DaysColumn, Education, Migration, RegisterBasis, Sex, WiaClass};
use prepare_support::*;

fn days(case: Case, c: DaysColumn) -> u16 {
    only(&case.population()).days[c]
}

#[test]
fn person_columns_come_from_the_person_and_country_tables() {
    let pop = Case::default()
        .person("R,000000001,1,1990,1,7050")
        .person("R,000000002,2,2003,2,5010")
        .person("X,000000001,2,1953,0,6030")
        .population();
    assert_eq!(pop.len(), 3);
    let p = pop.person(0);
    assert_eq!(
        (p.person_id, p.sex, p.age, p.generation, p.migration),
        ("R000000001", Sex::Male, 29, 1, Migration::NonWestern)
    );
    let p = pop.person(1);
    assert_eq!(
        (p.person_id, p.sex, p.age, p.generation, p.migration),
        ("R000000002", Sex::Female, 16, 2, Migration::Western)
    );
    // The key is RINPERSOONS + RINPERSOON: the same RINPERSOON under another RINPERSOONS
    // is another person; leading zeros stay.
    let p = pop.person(2);
    assert_eq!(
        (p.person_id, p.age, p.migration),
        ("X000000001", 66, Migration::None)
    );
}

#[test]
fn day_counts_include_both_ends_and_stop_at_the_window_edges() {
    let e = |start: &str, end: &str| {
        days(
            Case::default().secm(&spell(start, end, "11", EMPLOYEE)),
            DaysColumn::Employee,
        )
    };
    assert_eq!(
        e("20161231", "20170101"),
        1,
        "only 1 January 2017 is in the window"
    );
    assert_eq!(
        e("20191231", "20200105"),
        1,
        "only the reference date is in the window"
    );
    assert_eq!(e("20170101", "20191231"), 1095);
    assert_eq!(e("20170101", "20170101"), 1);
    assert_eq!(e("20150101", "20161231"), 0, "before the window");
    assert_eq!(e("20200101", "88881231"), 0, "after the window");
}

#[test]
fn an_open_end_runs_through_the_reference_date() {
    let p = only(
        &Case::default()
            .secm(&spell("20180101", "88881231", "11", EMPLOYEE))
            .population(),
    );
    assert_eq!(p.days[DaysColumn::Employee], 730);
    assert!(p.employed);
}

#[test]
fn a_window_with_29_february_leaves_that_day_out() {
    // Reference year 2020: the window 2018-01-01 ..= 2020-12-31 has 1096 calendar days.
    let y = |start: &str, end: &str| {
        days(
            Case::default()
                .year(2020)
                .secm(&spell(start, end, "11", EMPLOYEE)),
            DaysColumn::Employee,
        )
    };
    assert_eq!(y("20180101", "88881231"), 1095);
    assert_eq!(
        y("20200201", "20200331"),
        59,
        "29 + 31 calendar days less 29 February"
    );
    assert_eq!(y("20200229", "20200229"), 0);
    assert_eq!(y("20200228", "20200301"), 2);
    // Without a leap day the same spell counts every calendar day.
    assert_eq!(
        days(
            Case::default().secm(&spell("20190201", "20190331", "11", EMPLOYEE)),
            DaysColumn::Employee
        ),
        59
    );
    // 2021's window (2019-2021) holds 29 February 2020 too.
    assert_eq!(
        days(
            Case::default()
                .year(2021)
                .secm(&spell("20200201", "20200331", "11", EMPLOYEE)),
            DaysColumn::Employee
        ),
        59
    );
    assert_eq!(
        days(
            Case::default()
                .year(2023)
                .secm(&spell("20200201", "20200331", "11", EMPLOYEE)),
            DaysColumn::Employee
        ),
        0
    );
}

#[test]
fn each_flag_counts_its_own_days_and_any_benefit_counts_a_day_once() {
    let case = Case::default()
        .secm(&spell("20170101", "20170110", "21", [1, 1, 0, 0, 0, 0])) // 10 days employee + WW
        .secm(&spell("20170111", "20170120", "22", [0, 1, 1, 0, 0, 0])) // 10 days WW + bijstand
        .secm(&spell("20170121", "20170130", "24", SICK))
        .secm(&spell("20170201", "20170205", "23", OTHER))
        .secm(&spell("20170301", "20170330", "31", SCHOOL));
    let p = only(&case.population());
    let d = |c| p.days[c];
    assert_eq!(d(DaysColumn::Employee), 10);
    assert_eq!(d(DaysColumn::Ww), 20);
    assert_eq!(d(DaysColumn::Bijstand), 10);
    assert_eq!(d(DaysColumn::SicknessDisability), 10);
    assert_eq!(d(DaysColumn::OtherSocialBenefit), 5);
    assert_eq!(
        d(DaysColumn::AnyBenefit),
        35,
        "the WW + bijstand days count once"
    );
    assert_eq!(d(DaysColumn::InSchool), 30);
    assert_eq!(
        d(DaysColumn::StudentWithIncome),
        0,
        "31 is not a student-with-income code"
    );
}

#[test]
fn students_with_income_and_no_income_follow_the_secm_code_lists() {
    let case = Case::default()
        .secm(&spell("20180101", "20180131", "26", [1, 0, 0, 0, 0, 1]))
        .secm(&spell("20180201", "20180228", "32", NONE))
        .secm(&spell("20180301", "20180310", "31", SCHOOL));
    let p = only(&case.population());
    assert_eq!(p.days[DaysColumn::StudentWithIncome], 31);
    assert_eq!(p.days[DaysColumn::InSchool], 41);
    assert_eq!(p.days[DaysColumn::NoIncome], 28);
    // Other code lists (as --secm-student-with-income 31 --secm-no-income 26,32 would give).
    let dir = tempfile::tempdir().unwrap();
    let mut params = case.write(dir.path());
    params.student_with_income = vec!["31".into()];
    params.no_income = vec!["26".into(), "32".into()];
    let p = only(&params.run().unwrap().population);
    assert_eq!(p.days[DaysColumn::StudentWithIncome], 10);
    assert_eq!(p.days[DaysColumn::NoIncome], 59);
}

#[test]
fn status_on_the_reference_date_comes_from_the_spell_that_covers_it() {
    let p = only(
        &Case::default()
            .secm(&spell("20191201", "20200131", "22", [1, 1, 1, 0, 0, 0]))
            .population(),
    );
    assert!(p.employed && p.ww && p.bijstand && !p.nug);
    let p = only(
        &Case::default()
            .secm(&spell("20170101", "20191230", "22", [1, 1, 1, 0, 0, 0]))
            .population(),
    );
    assert!(
        !p.employed && !p.ww && !p.bijstand,
        "the spell ends the day before"
    );
    assert_eq!(p.months_without_work, None, "only filled for WW or NUG");
    assert_eq!(p.months_bijstand, None);
}

#[test]
fn jobseekers_with_and_without_benefit() {
    // Registered all of 2019; WW for the first half: the other half counts as NUG days.
    let case = Case::default()
        .secm(&spell("20160101", "20161231", "11", EMPLOYEE))
        .secm(&spell("20190101", "20190630", "21", WW))
        .jobseeker("20190101,88881231");
    let p = only(&case.population());
    assert_eq!(p.days[DaysColumn::Nug], 365 - 181);
    assert!(
        p.nug,
        "registered on the reference date without benefit or work"
    );
    assert!(!p.ww);
    // Last job ended 2016-12-31: 1095 days before the reference date = 36 months.
    assert_eq!(p.months_without_work, Some(36));

    // With WW on the reference date the jobseeker is not NUG (but is WW).
    let case = Case::default()
        .secm(&spell("20190101", "88881231", "21", WW))
        .jobseeker("20190101,88881231");
    let p = only(&case.population());
    assert!(!p.nug && p.ww);
    assert_eq!(p.days[DaysColumn::Nug], 0);
    assert_eq!(
        p.months_without_work,
        Some(600),
        "no employee day in SECMBUS at all"
    );

    // An employee on the reference date is not NUG either; a day without any SECMBUS
    // spell counts as a day without benefit.
    let case = Case::default()
        .secm(&spell("20191201", "88881231", "11", EMPLOYEE))
        .jobseeker("20191101,88881231");
    let p = only(&case.population());
    assert!(!p.nug);
    assert_eq!(p.days[DaysColumn::Nug], 61);
}

#[test]
fn months_without_work_count_the_days_after_the_last_job() {
    let mww = |last_day: &str| {
        let case = Case::default()
            .secm(&spell("20150101", last_day, "11", EMPLOYEE))
            .secm(&spell(&next(last_day), "88881231", "21", WW));
        only(&case.population()).months_without_work
    };
    assert_eq!(mww("20191230"), Some(0), "1 day");
    assert_eq!(mww("20191201"), Some(0), "30 days < 365/12");
    assert_eq!(mww("20191130"), Some(1), "31 days");
    assert_eq!(mww("20181231"), Some(12), "365 days");
}

fn next(day: &str) -> String {
    let d = banenafspraak::prepare::Date::parse(day).unwrap();
    d.plus(1).yyyymmdd().to_string()
}

#[test]
fn months_bijstand_run_over_adjacent_spells_and_stop_at_a_gap() {
    let b = |rows: &[&str]| {
        let mut case = Case::default();
        for r in rows {
            case = case.secm(r);
        }
        only(&case.population()).months_bijstand
    };
    // Adjacent spells (one with another flag added) form one run from 2018-01-01: 730
    // days up to and including the reference date = 24 months.
    assert_eq!(
        b(&[
            &spell("20180101", "20180630", "22", BIJSTAND),
            &spell("20180701", "88881231", "22", [1, 0, 1, 0, 0, 0])
        ]),
        Some(24)
    );
    // A one-day gap ends the run: it starts on 2018-07-02 (548 days, 18 months).
    assert_eq!(
        b(&[
            &spell("20180101", "20180630", "22", BIJSTAND),
            &spell("20180702", "88881231", "22", BIJSTAND)
        ]),
        Some(18)
    );
    // A spell in between without the flag also ends it.
    assert_eq!(
        b(&[
            &spell("20180101", "20180630", "22", BIJSTAND),
            &spell("20180701", "20180701", "11", EMPLOYEE),
            &spell("20180702", "88881231", "22", BIJSTAND)
        ]),
        Some(18)
    );
    // A run from before the window counts its days before the window too.
    // (3652 days, both ends included, = 120.06 months.)
    assert_eq!(
        b(&[&spell("20100101", "88881231", "22", BIJSTAND)]),
        Some(120)
    );
    assert_eq!(
        b(&[&spell("20191231", "88881231", "22", BIJSTAND)]),
        Some(0)
    );
}

#[test]
fn wia_class_and_disability_on_the_reference_date() {
    let p = only(
        &Case::default()
            .wia("20150101,20181231,wga_35_80,50")
            .wia("20190101,88881231,iva,90")
            .population(),
    );
    assert_eq!((p.wia_class, p.disability_pct), (WiaClass::Iva, 90));
    let p = only(
        &Case::default()
            .wia("20150101,20191230,wga_80_100,85")
            .population(),
    );
    assert_eq!((p.wia_class, p.disability_pct), (WiaClass::None, 0));
}

#[test]
fn register_basis_and_entry_year_from_the_run_covering_the_reference_date() {
    let p = only(
        &Case::default()
            .register("20150301,20161231,wajong")
            .register("20170101,88881231,indicatie")
            .population(),
    );
    assert!(p.in_register);
    assert_eq!(p.register_basis, Some(RegisterBasis::Indicatie));
    assert_eq!(
        p.register_entry_year,
        Some(2015),
        "adjacent registrations form one run"
    );
    let p = only(
        &Case::default()
            .register("20150301,20161230,wajong")
            .register("20170101,88881231,indicatie")
            .population(),
    );
    assert_eq!(p.register_entry_year, Some(2017), "a gap starts a new run");
    let p = only(
        &Case::default()
            .register("20150301,20191230,wsw")
            .population(),
    );
    assert!(!p.in_register);
    assert_eq!((p.register_basis, p.register_entry_year), (None, None));
    let prepared = Case::default().register("19950101,88881231,wsw").run();
    assert_eq!(only(&prepared.population).register_entry_year, Some(1998));
    assert_eq!(prepared.summary.entry_years_raised, 1);
}

#[test]
fn found_job_within_year_looks_365_days_from_entry() {
    let found = |job_start: &str, basis: &str| {
        let case = Case::default()
            .register(&format!("20180301,88881231,{basis}"))
            .secm(&spell(job_start, "88881231", "11", EMPLOYEE));
        only(&case.population()).found_job_within_year
    };
    // 2018-03-01 + 364 days = 2019-02-28: the last day that counts.
    assert_eq!(found("20190228", "indicatie"), Some(true));
    assert_eq!(found("20190301", "indicatie"), Some(false));
    assert_eq!(found("20180301", "vso_pro"), Some(true));
    assert_eq!(
        found("20180301", "praktijkroute"),
        None,
        "praktijkroute is not in the cohort"
    );
    // Entry in another year: not in the cohort.
    let case = Case::default()
        .register("20170301,88881231,indicatie")
        .secm(&spell("20180101", "88881231", "11", EMPLOYEE));
    assert_eq!(only(&case.population()).found_job_within_year, None);
}

#[test]
fn kept_job_one_year_looks_365_days_after_the_first_start_of_the_year() {
    let kept = |rows: &[String], basis: &str| {
        let mut case = Case::default().register(&format!("20160101,88881231,{basis}"));
        for r in rows {
            case = case.secm(r);
        }
        only(&case.population()).kept_job_one_year
    };
    // 2018-03-15 + 365 = 2019-03-15.
    assert_eq!(
        kept(
            &[spell("20180315", "20190315", "11", EMPLOYEE)],
            "indicatie"
        ),
        Some(true)
    );
    assert_eq!(
        kept(
            &[spell("20180315", "20190314", "11", EMPLOYEE)],
            "indicatie"
        ),
        Some(false)
    );
    // The first start in 2018 counts (2019-02-01 is a job day), not a later one
    // (2019-06-01 is not).
    let two = [
        spell("20180201", "20180301", "11", EMPLOYEE),
        spell("20180601", "20190301", "11", EMPLOYEE),
    ];
    assert_eq!(kept(&two, "indicatie"), Some(true));
    // A job running since before 2018 (adjacent spells) has no start in 2018.
    let running = [
        spell("20170601", "20180131", "11", EMPLOYEE),
        spell("20180201", "88881231", "11", [1, 1, 0, 0, 0, 0]),
    ];
    assert_eq!(kept(&running, "indicatie"), None);
    // The old groups are not in the cohort; nor is anyone outside the register.
    assert_eq!(
        kept(&[spell("20180315", "88881231", "11", EMPLOYEE)], "wajong"),
        None
    );
    let p = only(
        &Case::default()
            .secm(&spell("20180315", "88881231", "11", EMPLOYEE))
            .population(),
    );
    assert_eq!(p.kept_job_one_year, None);
}

#[test]
fn education_is_mapped_and_unknown_when_absent() {
    let p = only(&Case::default().education("2121").population());
    assert_eq!(p.education, Education::Mbo4);
    let p = only(&Case::default().population());
    assert_eq!(p.education, Education::Unknown);
}

#[test]
fn special_secondary_years_count_vso_rows_up_to_the_reference_year() {
    let case = Case::default()
        .vso("2005,1")
        .vso("2006,1")
        .vso("2007,0")
        .vso("2019,1")
        .vso("2020,1");
    assert_eq!(only(&case.population()).years_special_secondary, 3);
    let mut case = Case::default();
    for y in 1990..2015 {
        case = case.vso(&format!("{y},1"));
    }
    assert_eq!(
        only(&case.population()).years_special_secondary,
        20,
        "capped at 20"
    );
}
