//! The person file in Parquet and `.sav` reads equal to its CSV copy, and a bad value gets
//! the CSV reader's message on the CSV copy's line (tests/fixtures/persons, made by
//! make_persons.py there).
#![cfg(any(feature = "sav", feature = "parquet"))]

use std::path::{Path, PathBuf};

use banenafspraak::schema::{read_csv_path, read_path, Population, ReadOptions};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/persons")
        .join(path)
}

fn from_csv() -> Population {
    let pop = read_csv_path(fixture("persons.csv"), &ReadOptions::default()).unwrap();
    assert_eq!(pop.len(), 400);
    pop
}

/// The message of a refused file, with its path replaced by `FILE`.
fn refusal(path: &str) -> String {
    let path = fixture(path);
    let e = read_path(&path, &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, banenafspraak::Error::InvalidRows(_)), "{e:?}");
    e.to_string().replace(&path.display().to_string(), "FILE")
}

fn same_refusal_as_csv(path: &str) {
    let csv = refusal("bad/persons.csv");
    assert!(csv.contains("line 4, column sex, value \"x\""), "{csv}");
    assert!(csv.contains("line 8, column age, value \"150\""), "{csv}");
    assert_eq!(refusal(path), csv);
}

#[cfg(feature = "parquet")]
#[test]
fn a_parquet_person_file_reads_equal_to_its_csv_copy() {
    let pop = read_path(fixture("persons.parquet"), &ReadOptions::default()).unwrap();
    assert_eq!(pop, from_csv());
}

#[cfg(feature = "parquet")]
#[test]
fn a_bad_value_in_a_parquet_person_file_gets_the_csv_message_and_line() {
    same_refusal_as_csv("bad/persons.parquet");
}

#[cfg(feature = "sav")]
#[test]
fn a_sav_person_file_reads_equal_to_its_csv_copy() {
    let pop = read_path(fixture("persons.sav"), &ReadOptions::default()).unwrap();
    assert_eq!(pop, from_csv());
}

#[cfg(feature = "sav")]
#[test]
fn a_bad_value_in_a_sav_person_file_gets_the_csv_message_and_line() {
    same_refusal_as_csv("bad/persons.sav");
}

#[cfg(all(feature = "cli", feature = "parquet"))]
#[test]
fn check_reads_a_parquet_person_file() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
        .args(["check", "--input"])
        .arg(fixture("persons.parquet"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("valid (microdata schema v1)"), "{stdout}");
    assert!(stdout.contains("400"), "{stdout}");
}
