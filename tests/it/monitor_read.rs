//! The panel readers refuse each broken rule with file, line, column and value, and count
//! the rows of persons outside the register instead of dropping them silently.

use banenafspraak::monitor::{CsvSource, Panel, Register};
use banenafspraak::Error;

const REGISTER: &str =
    "person_id,AANVREG,EINDREG,GRONDSLAG\nR1,20180101,88881231,wajong\nR2,20180101,20191231,wsw\n";

fn register() -> Register {
    Register::read(&mut CsvSource::new(REGISTER.as_bytes(), "register.csv"), 10).unwrap()
}

fn hours_error(body: &str) -> String {
    let text = format!("person_id,job_id,month,hours,sector\n{body}");
    match Panel::read(
        &mut CsvSource::new(text.as_bytes(), "hours.csv"),
        &register(),
        10,
    ) {
        Err(e @ Error::InvalidRows(_)) => e.to_string(),
        other => panic!("expected refused rows, got {other:?}"),
    }
}

fn register_error(body: &str) -> String {
    let text = format!("RINPERSOONS,RINPERSOON,AANVREG,EINDREG,GRONDSLAG\n{body}");
    match Register::read(&mut CsvSource::new(text.as_bytes(), "register.csv"), 10) {
        Err(e @ Error::InvalidRows(_)) => e.to_string(),
        other => panic!("expected refused rows, got {other:?}"),
    }
}

#[test]
fn bad_month_names_line_column_and_value() {
    let e = hours_error("R1,J1,2019-01,10,market\nR1,J1,2019-13,10,market\n");
    assert!(
        e.contains("hours.csv: line 3, column month, value \"2019-13\": month must be YYYY-MM"),
        "{e}"
    );
}

#[test]
fn negative_hours_are_refused() {
    let e = hours_error("R1,J1,2019-01,-4,market\n");
    assert!(
        e.contains("line 2, column hours, value \"-4\": hours may not be negative"),
        "{e}"
    );
    let e = hours_error("R1,J1,2019-01,NaN,market\n");
    assert!(e.contains("hours must be a number"), "{e}");
}

#[test]
fn unknown_sector_and_basis_are_refused() {
    let e = hours_error("R1,J1,2019-01,4,private\n");
    assert!(
        e.contains("column sector, value \"private\": unknown sector"),
        "{e}"
    );
    let e = register_error("R,1,20180101,88881231,wajongx\n");
    assert!(
        e.contains("line 2, column GRONDSLAG, value \"wajongx\": unknown basis"),
        "{e}"
    );
}

#[test]
fn duplicate_person_job_month_names_both_lines() {
    let e = hours_error("R1,J1,2019-01,4,market\nR2,J1,2019-01,4,market\nR1,J1,2019-01,5,market\n");
    assert!(e.contains("line 4, column month, value \"2019-01\": a second row of this person, job and month; the first is on line 2"), "{e}");
    assert!(!e.contains("line 3"), "R2's J1 is another job: {e}");
}

#[test]
fn spell_ending_before_it_starts_is_refused() {
    let e = register_error("R,1,20190101,20181231,wsw\n");
    assert!(
        e.contains("line 2, column EINDREG, value \"20181231\": the spell ends before it starts"),
        "{e}"
    );
    let e = register_error("R,1,2019-01-01,88881231,wsw\n");
    assert!(
        e.contains("column AANVREG, value \"2019-01-01\": must be a date YYYYMMDD"),
        "{e}"
    );
}

#[test]
fn overlapping_spells_name_both_lines() {
    let e = register_error(
        "R,1,20180101,20191231,wsw\nR,2,20180101,20181231,wsw\nR,1,20191201,88881231,wajong\n",
    );
    assert!(
        e.contains("line 4, column AANVREG: the spell overlaps the person's spell on line 2"),
        "{e}"
    );
    assert!(e.contains("1 of 3 rows"), "{e}");
}

#[test]
fn short_rows_and_missing_columns() {
    let e = hours_error("R1,J1,2019-01,4\n");
    assert!(
        e.contains("line 2: the row has 4 fields; the header has 5"),
        "{e}"
    );
    let text = "person_id,job,month,hours,sector\n";
    let e = Panel::read(
        &mut CsvSource::new(text.as_bytes(), "hours.csv"),
        &register(),
        10,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("hours.csv: line 1 (header): missing column job_id"),
        "{e}"
    );
}

#[test]
fn rows_outside_the_register_are_counted_not_dropped() {
    let text =
        "person_id,job_id,month,hours,sector\nR1,J1,2019-01,4,market\nR9,J1,2019-01,4,government\n";
    let panel = Panel::read(
        &mut CsvSource::new(text.as_bytes(), "hours.csv"),
        &register(),
        10,
    )
    .unwrap();
    assert_eq!(
        (
            panel.summary.rows,
            panel.summary.used,
            panel.summary.not_in_register
        ),
        (2, 1, 1)
    );
    // Their cells are checked all the same.
    let e = hours_error("R9,J1,2019-01,-1,market\n");
    assert!(e.contains("hours may not be negative"), "{e}");
}

#[test]
fn rinpersoon_pair_is_one_person() {
    let reg =
        "RINPERSOONS,RINPERSOON,AANVREG,EINDREG,GRONDSLAG\nR,000123,20180101,88881231,wajong\n";
    let r = Register::read(&mut CsvSource::new(reg.as_bytes(), "register.csv"), 10).unwrap();
    assert!(r.person("R000123").is_some());
}
