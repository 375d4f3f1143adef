//! The monitor reads its panel and register from Parquet with the rules of CSV: the same
//! input as CSV and as Parquet gives the same measures, and a bad Parquet value is
//! refused with file, line (record + 1), column and value (tests/fixtures/monitor, made
//! by make_panel.py there).

use std::path::{Path, PathBuf};

use banenafspraak::monitor::{open_source, Panel, Register};
#[cfg(feature = "parquet")]
use banenafspraak::{
    monitor::{MonitorParams, MonitorResults},
    Error,
};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/monitor")
        .join(path)
}

fn read(register: &str, hours: &str) -> banenafspraak::Result<(Register, Panel)> {
    let register = Register::read(&mut *open_source(fixture(register))?, 10)?;
    let panel = Panel::read(&mut *open_source(fixture(hours))?, &register, 10)?;
    Ok((register, panel))
}

#[cfg(feature = "parquet")]
fn measures(register: &str, hours: &str) -> (Panel, MonitorResults) {
    let (register, panel) = read(register, hours).unwrap();
    let results = MonitorParams::default().run(&register, &panel).unwrap();
    (panel, results)
}

#[cfg(feature = "parquet")]
#[test]
fn the_same_panel_as_csv_and_as_parquet_gives_identical_measures() {
    let (csv_panel, from_csv) = measures("register.csv", "hours.csv");
    let (pq_panel, from_parquet) = measures("parquet/register.parquet", "parquet/hours.parquet");
    // The fixture exercises what could differ: rows outside the register, every measure.
    assert_eq!(csv_panel.summary.rows, 3629);
    assert!(csv_panel.summary.not_in_register > 0);
    assert!(from_csv.months_worked.is_some());
    assert!(from_csv.job_spells.0 > 100, "{:?}", from_csv.job_spells);
    assert_eq!(
        (
            pq_panel.summary.rows,
            pq_panel.summary.used,
            pq_panel.summary.not_in_register
        ),
        (
            csv_panel.summary.rows,
            csv_panel.summary.used,
            csv_panel.summary.not_in_register
        )
    );
    assert_eq!(pq_panel.rows, csv_panel.rows, "rows, with their lines");
    assert_eq!(from_parquet, from_csv);
}

#[cfg(feature = "parquet")]
#[test]
fn a_bad_parquet_value_names_file_line_column_and_value() {
    let e = match read("parquet/register.parquet", "bad/hours.parquet") {
        Err(e @ Error::InvalidRows(_)) => e.to_string(),
        other => panic!("expected refused rows, got {other:?}"),
    };
    let file = fixture("bad/hours.parquet").display().to_string();
    assert!(
        e.contains(&format!(
            "{file}: line 6, column hours, value \"\": hours must be a number >= 0"
        )),
        "{e}"
    );
    assert!(
        e.contains("line 10, column hours, value \"-3\": hours may not be negative"),
        "{e}"
    );
}

#[cfg(not(feature = "parquet"))]
#[test]
fn without_the_feature_a_parquet_panel_is_refused_saying_which_build_reads_it() {
    let e = read("parquet/register.parquet", "parquet/hours.parquet")
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("--features parquet"), "{e}");
}

#[cfg(feature = "parquet")]
#[test]
fn a_parquet_cell_without_a_text_form_refuses_its_row_naming_the_column() {
    let e = match read("parquet/register.parquet", "bad/hours_list.parquet") {
        Err(Error::InvalidRows(e)) => e,
        other => panic!("expected refused rows, got {other:?}"),
    };
    // Every one of the 20 rows is refused, each on its own line, none dropped.
    assert_eq!((e.rows, e.broken_rows), (20, 20));
    assert_eq!(e.problems[0].line, 2);
    assert!(
        e.problems[0].rule.starts_with("column sector: a cell"),
        "{:?}",
        e.problems[0]
    );
}
