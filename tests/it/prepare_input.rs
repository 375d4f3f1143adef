//! `prepare` on bad input: every row is used or refused with file, line, column, value
//! and reason; the summary reconciles each table; the output passes the schema reader;
//! no input is overwritten; the command line does the same.
#![cfg(feature = "cli")]

use crate::prepare_support;

use std::process::Command;

use banenafspraak::prepare::{prepare_to_file, ColumnMapping, Reason, TableSummary};
use banenafspraak::schema::{read_csv_path, ReadOptions};
use prepare_support::*;

fn table<'a>(tables: &'a [TableSummary], name: &str) -> &'a TableSummary {
    tables.iter().find(|t| t.table == name).unwrap()
}

fn reconciles(t: &TableSummary) {
    assert_eq!(t.rows_read, t.rows_used + t.rows_refused(), "{}", t.table);
}

#[test]
fn bad_spell_rows_are_refused_with_line_column_value_and_reason() {
    let case = Case::default()
        .person("R,000000001,2,1980,0,6030")
        .person("R,000000002,1,1981,0,6030")
        .secm(&spell("20170101", "20171231", "11", EMPLOYEE)) // line 2
        .secm(&spell("20171201", "20180131", "11", EMPLOYEE)) // line 3: overlaps line 2
        .secm(&spell("20190101", "20181231", "11", EMPLOYEE)) // line 4: end before start
        .secm(&spell("20190230", "20190301", "11", EMPLOYEE)) // line 5: no such day
        .secm(&spell("20190401", "20190501", "11", [2, 0, 0, 0, 0, 0])) // line 6: flag 2
        .secm(&format!(
            "R,000000009,{}",
            spell("20190101", "20190102", "11", EMPLOYEE)
        )) // line 7
        .secm(&format!(
            "R,000000002,{}",
            spell("20190101", "88881231", "11", EMPLOYEE)
        )) // line 8: fine
        .secm("20190101,20190102,11,1") // line 9: too few fields
        .register("20180101,88881231,beschut"); // line 2: unknown basis
    let prepared = case.run();
    let t = table(&prepared.summary.tables, "SECMBUS");
    reconciles(t);
    assert_eq!((t.rows_read, t.rows_used), (8, 2));
    let find = |reason: Reason| {
        t.problems
            .iter()
            .find(|p| p.reason == reason)
            .unwrap_or_else(|| panic!("no {reason:?} in {:?}", t.problems))
    };
    let p = find(Reason::Overlap);
    assert_eq!(
        (p.line, p.column.as_deref(), p.value.as_deref()),
        (3, Some("AANVSECM"), Some("20171201"))
    );
    assert!(
        p.detail.contains("line 2"),
        "names the other line: {}",
        p.detail
    );
    let p = find(Reason::EndBeforeStart);
    assert_eq!(
        (p.line, p.column.as_deref(), p.value.as_deref()),
        (4, Some("EINDSECM"), Some("20181231"))
    );
    let p = find(Reason::BadDate);
    assert_eq!((p.line, p.value.as_deref()), (5, Some("20190230")));
    let p = find(Reason::BadValue);
    assert_eq!(
        (p.line, p.column.as_deref(), p.value.as_deref()),
        (6, Some("XKOPPELWERKNSECM"), Some("2"))
    );
    let p = find(Reason::UnknownPerson);
    assert_eq!((p.line, p.value.as_deref()), (7, Some("000000009")));
    assert_eq!(find(Reason::FieldCount).line, 9);
    let r = table(&prepared.summary.tables, "DOELGROEPREGISTER");
    reconciles(r);
    assert_eq!(r.refused.get(&Reason::UnknownCode), Some(&1));
    // The people are still there (nobody is left out for a bad spell), and the kept
    // spell of person 1 counts: 365 days in 2017.
    assert_eq!(prepared.population.len(), 2);
    assert_eq!(
        prepared.population.person(0).days[banenafspraak::schema::DaysColumn::Employee],
        365
    );
    // The summary says it in words.
    let text = prepared.summary.to_string();
    assert!(
        text.contains(
            "SECMBUS.csv: line 3, column AANVSECM, value \"20171201\": overlapping spells"
        ),
        "{text}"
    );
}

#[test]
fn persons_with_unknown_sex_generation_or_country_are_left_out_and_counted() {
    let case = Case::default()
        .person("R,000000001,2,1980,0,6030")
        .person("R,000000002,-,1980,0,6030") // unknown sex
        .person("R,000000003,1,1980,-,6030") // unknown generation
        .person("R,000000004,1,1980,1,9999") // unknown country
        .person("R,000000001,1,1970,0,6030") // duplicate key
        .person("R,000000005,1,1980,0,5010") // generation 0 with a western country
        .person("R,000000006,1,1850,0,6030") // age over 120
        .secm(&format!(
            "R,000000002,{}",
            spell("20170101", "20171231", "11", EMPLOYEE)
        ))
        .education("R,000000001,1111")
        .education("R,000000001,1112") // duplicate
        .education("R,000000003,1111") // person left out
        .education("R,000000001,4444"); // unknown code (and duplicate; one reason per row)
    let prepared = case.run();
    let s = &prepared.summary;
    assert_eq!(prepared.population.len(), 1);
    assert_eq!(s.persons_written, 1);
    for reason in [
        Reason::UnknownSex,
        Reason::UnknownGeneration,
        Reason::UnknownCountry,
    ] {
        assert_eq!(s.left_out.get(&reason), Some(&1), "{reason:?}");
    }
    let persons = table(&s.tables, "GBAPERSOONTAB");
    reconciles(persons);
    assert_eq!((persons.rows_read, persons.rows_used), (7, 1));
    for reason in [Reason::Duplicate, Reason::Disagreement, Reason::BadValue] {
        assert_eq!(persons.refused.get(&reason), Some(&1), "{reason:?}");
    }
    let dup = persons
        .problems
        .iter()
        .find(|p| p.reason == Reason::Duplicate)
        .unwrap();
    assert_eq!(dup.line, 6);
    assert!(dup.detail.contains("line 2"), "{}", dup.detail);
    let secm = table(&s.tables, "SECMBUS");
    assert_eq!(secm.refused.get(&Reason::PersonLeftOut), Some(&1));
    let edu = table(&s.tables, "HOOGSTEOPLTAB");
    reconciles(edu);
    assert_eq!(edu.rows_used, 1);
    assert_eq!(edu.refused.get(&Reason::Duplicate), Some(&1));
    assert_eq!(edu.refused.get(&Reason::PersonLeftOut), Some(&1));
    assert_eq!(edu.refused.get(&Reason::UnknownCode), Some(&1));
}

#[test]
fn a_student_with_income_code_without_the_school_flag_is_refused() {
    let prepared = Case::default()
        .secm(&spell("20180101", "20180131", "26", EMPLOYEE))
        .run();
    let t = table(&prepared.summary.tables, "SECMBUS");
    assert_eq!(t.refused.get(&Reason::Disagreement), Some(&1));
    assert_eq!(
        t.problems[0].column.as_deref(),
        Some("XKOPPELSCHOLSTUDSECM")
    );
}

#[test]
fn a_missing_column_is_an_error_naming_the_file_and_the_mapping_renames_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut params = Case::default()
        .secm(&spell("20180101", "88881231", "11", EMPLOYEE))
        .write(dir.path());
    let secm = std::fs::read_to_string(&params.secm)
        .unwrap()
        .replace("AANVSECM", "BEGINSECM");
    std::fs::write(&params.secm, secm).unwrap();
    let err = params.run().unwrap_err().to_string();
    assert!(
        err.contains("SECMBUS.csv") && err.contains("AANVSECM"),
        "{err}"
    );
    let mapping = dir.path().join("mapping.csv");
    std::fs::write(&mapping, "table,column,name\nSECMBUS,AANVSECM,BEGINSECM\n").unwrap();
    params.mapping = ColumnMapping::read(&mapping).unwrap();
    let p = only(&params.run().unwrap().population);
    assert!(p.employed);
}

#[test]
fn the_output_passes_the_schema_reader_and_no_input_is_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let case = Case::default()
        .person("R,000000001,2,1980,0,6030")
        .person("R,000000002,1,1999,2,7050")
        .secm(&spell("20170101", "20180630", "11", EMPLOYEE))
        .secm(&spell("20180701", "88881231", "22", BIJSTAND))
        .secm(&format!(
            "R,000000002,{}",
            spell("20190101", "88881231", "21", WW)
        ))
        .register("20180301,88881231,indicatie")
        .jobseeker("R,000000002,20190101,88881231");
    let params = case.write(dir.path());
    let out = dir.path().join("persons.csv");
    prepare_to_file(&params, &out).unwrap();
    let pop = read_csv_path(&out, &ReadOptions::default()).unwrap();
    assert_eq!(pop.len(), 2);
    let before = std::fs::read(&params.secm).unwrap();
    let err = prepare_to_file(&params, &params.secm)
        .unwrap_err()
        .to_string();
    assert!(err.contains("never overwritten"), "{err}");
    assert_eq!(std::fs::read(&params.secm).unwrap(), before);
}

#[test]
fn the_mapping_file_is_an_input_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let mut params = Case::default()
        .secm(&spell("20170101", "88881231", "11", EMPLOYEE))
        .write(dir.path());
    let mapping = dir.path().join("mapping.csv");
    let text = "table,column,name\nSECMBUS,SECM,SECM\n";
    std::fs::write(&mapping, text).unwrap();
    params.mapping = ColumnMapping::read(&mapping).unwrap();
    assert_eq!(params.mapping.file(), Some(mapping.as_path()));
    assert!(params.inputs().contains(&mapping));
    for problems in [false, true] {
        let (out, p) = if problems {
            let mut p = params.clone();
            p.problems = Some(mapping.clone());
            (dir.path().join("persons.csv"), p)
        } else {
            (mapping.clone(), params.clone())
        };
        let err = prepare_to_file(&p, &out).unwrap_err().to_string();
        assert!(err.contains("never overwritten"), "{err}");
        assert_eq!(std::fs::read_to_string(&mapping).unwrap(), text);
    }
}

#[test]
fn the_prepare_command_writes_a_file_that_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let params = Case::default()
        .secm(&spell("20170101", "88881231", "11", EMPLOYEE))
        .secm(&spell("20170101", "20170102", "11", EMPLOYEE))
        .register("20180301,88881231,indicatie")
        .write(dir.path());
    let out = dir.path().join("persons.csv");
    let problems = dir.path().join("problems.csv");
    let s = |p: &std::path::PathBuf| p.display().to_string();
    let bin = env!("CARGO_BIN_EXE_banenafspraak");
    let run = Command::new(bin)
        .args([
            "prepare",
            "--persons",
            &s(&params.persons),
            "--countries",
            &s(&params.countries),
            "--secm",
            &s(&params.secm),
        ])
        .args([
            "--register",
            &s(&params.register),
            "--wia",
            &s(params.wia.as_ref().unwrap()),
        ])
        .args([
            "--jobseekers",
            &s(params.jobseekers.as_ref().unwrap()),
            "--vso",
            &s(params.vso.as_ref().unwrap()),
        ])
        .args([
            "--education",
            &s(params.education.as_ref().unwrap()),
            "--reference-year",
            "2019",
        ])
        .args([
            "--secm-student-with-income",
            "26",
            "--secm-no-income",
            "31,32",
        ])
        .args(["--output", &s(&out), "--problems", &s(&problems)])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("overlapping spells"), "{stderr}");
    let listed = std::fs::read_to_string(&problems).unwrap();
    assert!(
        listed
            .lines()
            .nth(1)
            .unwrap()
            .contains(",3,AANVSECM,20170101,overlapping spells,"),
        "{listed}"
    );
    let check = Command::new(bin)
        .args(["check", "--input", &s(&out)])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Writing over an input fails and leaves it as it was.
    let before = std::fs::read(&params.persons).unwrap();
    let over = Command::new(bin)
        .args([
            "prepare",
            "--persons",
            &s(&params.persons),
            "--countries",
            &s(&params.countries),
            "--secm",
            &s(&params.secm),
        ])
        .args([
            "--register",
            &s(&params.register),
            "--output",
            &s(&params.persons),
        ])
        .output()
        .unwrap();
    assert!(!over.status.success());
    assert_eq!(std::fs::read(&params.persons).unwrap(), before);
}
