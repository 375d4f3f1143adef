//! `.sav` and Parquet source tables give the same person file as their CSV copies
//! (tests/fixtures/prepare, made by make_binary.py there).
#![cfg(any(feature = "sav", feature = "parquet"))]

use std::path::{Path, PathBuf};

use banenafspraak::prepare::PrepareParams;
use banenafspraak::schema::Population;

fn params(dir: &Path, ext: &str) -> PrepareParams {
    let f = |name: &str| -> PathBuf { dir.join(format!("{name}.{ext}")) };
    let mut p = PrepareParams::new(
        f("GBAPERSOONTAB"),
        f("LANDAKTUEELREF"),
        f("SECMBUS"),
        f("DOELGROEPREGISTER"),
    );
    p.education = Some(f("HOOGSTEOPLTAB"));
    p.wia = Some(f("WIA"));
    p.jobseekers = Some(f("WERKZOEKENDEN"));
    p.vso = Some(f("INSCHRWECTAB"));
    p
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prepare")
}

fn from_csv() -> Population {
    let prepared = params(&fixtures(), "csv").run().unwrap();
    assert_eq!(prepared.summary.rows_refused(), 0, "{}", prepared.summary);
    assert_eq!(prepared.population.len(), 300);
    prepared.population
}

fn same_as_csv(sub: &str, ext: &str) {
    let prepared = params(&fixtures().join(sub), ext).run().unwrap();
    assert_eq!(prepared.summary.rows_refused(), 0, "{}", prepared.summary);
    let t = prepared
        .summary
        .tables
        .iter()
        .find(|t| t.table == "SECMBUS")
        .unwrap();
    assert_eq!(t.rows_used, 1026);
    assert_eq!(prepared.population, from_csv());
}

#[cfg(feature = "sav")]
#[test]
fn sav_tables_give_the_same_person_file_as_csv() {
    same_as_csv("sav", "sav");
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_tables_give_the_same_person_file_as_csv() {
    same_as_csv("parquet", "parquet");
}

#[cfg(feature = "sav")]
#[test]
fn a_bad_cell_in_a_sav_table_is_reported_on_the_line_of_its_csv_copy() {
    // bad/SECMBUS.sav: the fixture's SECMBUS with record 5 starting on 20191341.
    let mut p = params(&fixtures().join("sav"), "sav");
    p.secm = fixtures().join("bad/SECMBUS.sav");
    let prepared = p.run().unwrap();
    let t = prepared
        .summary
        .tables
        .iter()
        .find(|t| t.table == "SECMBUS")
        .unwrap();
    assert_eq!((t.rows_read, t.rows_used), (1026, 1025));
    let problem = &t.problems[0];
    assert_eq!(
        (
            problem.line,
            problem.column.as_deref(),
            problem.value.as_deref()
        ),
        (6, Some("AANVSECM"), Some("20191341"))
    );
}
