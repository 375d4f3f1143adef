//! `banenafspraak monitor` end to end on a small synthetic register: the formats, the
//! languages, the disclosure path and the refusals.
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::{Command, Output};

use banenafspraak::synth::panel::PanelParams;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
        .args(args)
        .output()
        .expect("runs")
}

fn inputs(dir: &Path) -> (String, String) {
    PanelParams {
        cohort: 3_000,
        inflow_share: 0.3,
        seed: 5,
    }
    .generate()
    .unwrap()
    .write_csv(dir)
    .unwrap();
    let p = |f: &str| dir.join(f).display().to_string();
    (p("hours.csv"), p("register.csv"))
}

#[test]
fn strict_csv_is_the_long_table_rounded_and_suppressed() {
    let dir = tempfile::tempdir().unwrap();
    let (hours, register) = inputs(dir.path());
    let check = dir.path().join("check.md").display().to_string();
    let out = run(&[
        "monitor",
        "--hours",
        &hours,
        "--register",
        &register,
        "--format",
        "csv",
        "--disclosure",
        "strict",
        "--check-report",
        &check,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("measure,group,period,value,persons,disclosure")
    );
    let mut measures = std::collections::BTreeSet::new();
    let mut suppressed = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        measures.insert(f[0].to_string());
        // Every row says what disclosure control did to it (results table v2's rule).
        assert!(
            matches!(f.get(5), Some(&("ok" | "rounded" | "suppressed"))),
            "disclosure column: {line}"
        );
        if f[5] == "suppressed" {
            suppressed += 1;
            assert!(
                f[3].is_empty() && f[4].is_empty(),
                "value and persons of a suppressed cell: {line}"
            );
            continue;
        }
        if f[3].is_empty() {
            // Undefined (retention with no spell at risk): its persons pass the check.
            assert!(f[4].parse::<f64>().unwrap() >= 10.0, "{line}");
            continue;
        }
        let persons: f64 = f[4].parse().unwrap();
        assert_eq!(persons % 100.0, 0.0, "persons rounded: {line}");
        if matches!(f[0], "banen" | "jobs_started" | "jobs_ended") {
            assert_eq!(
                f[3].parse::<f64>().unwrap() % 100.0,
                0.0,
                "counts rounded: {line}"
            );
        }
    }
    assert!(suppressed > 0, "small groups (voorziening) are suppressed");
    let expected = [
        "banen",
        "banen_extra",
        "job_retention",
        "jobs_ended",
        "jobs_started",
        "months_worked_36",
    ];
    assert_eq!(
        measures.iter().map(String::as_str).collect::<Vec<_>>(),
        expected
    );
    let report = std::fs::read_to_string(&check).unwrap();
    assert!(
        report.contains("`monitor`") && report.contains("`months_worked_36`"),
        "{report}"
    );
    assert!(!text.contains("R000000"), "no person_id in the output");
}

#[test]
fn dutch_text_json_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let (hours, register) = inputs(dir.path());
    let out = run(&[
        "monitor",
        "--hours",
        &hours,
        "--register",
        &register,
        "--lang",
        "nl",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Banen per maand") && text.contains("Baanbehoud") && text.contains("Totaal"),
        "{text}"
    );
    let out = run(&[
        "monitor",
        "--hours",
        &hours,
        "--register",
        &register,
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["columns"][0]["key"], "measure");
    assert!(json["rows"].as_array().unwrap().len() > 100);
    let out = run(&[
        "monitor",
        "--hours",
        &hours,
        "--register",
        &register,
        "--format",
        "markdown",
    ]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("| 2021-12 |"));
    let out = run(&[
        "monitor",
        "--hours",
        &hours,
        "--register",
        &register,
        "--format",
        "html",
    ]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("<table"));
}

#[test]
fn refusals_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (hours, register) = inputs(dir.path());
    let out = run(&[
        "monitor",
        "--hours",
        &hours,
        "--register",
        &register,
        "--output",
        &hours,
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is an input file"));
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "person_id,job_id,month,hours,sector\nR000000001,J,2021-1,5,market\n",
    )
    .unwrap();
    let out = run(&[
        "monitor",
        "--hours",
        bad.to_str().unwrap(),
        "--register",
        &register,
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv: line 2, column month, value \"2021-1\""),
        "{err}"
    );
    let out = run(&[
        "monitor",
        "--hours",
        &hours,
        "--register",
        &register,
        "--cohort-start",
        "2019-01-02",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cohort_start"));
}
