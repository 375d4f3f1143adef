//! Every rule of microdata schema v1, each with a broken file whose error must name the
//! file, the line, the column and the value; and the valid variants the reader accepts.

use banenafspraak::schema::{read_csv, read_csv_path, write_csv, ReadOptions, COLUMNS};
use banenafspraak::synth::SynthParams;
use banenafspraak::Error;

const SOURCE: &str = "extract.csv";

/// A valid file as header + rows of cells (the synthetic writer quotes nothing).
fn valid_rows(persons: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let pop = SynthParams {
        persons,
        seed: 5,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let mut bytes = Vec::new();
    write_csv(&pop, &mut bytes, "memory").unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
    let header = lines.next().unwrap();
    (header, lines.collect())
}

fn join(header: &[String], rows: &[Vec<String>]) -> String {
    let mut s = header.join(",");
    s.push('\n');
    for r in rows {
        s.push_str(&r.join(","));
        s.push('\n');
    }
    s
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

fn read(text: &str) -> Result<banenafspraak::schema::Population, Error> {
    read_csv(text.as_bytes(), SOURCE, &ReadOptions::default())
}

/// Reads `text`, expects it refused, returns the message.
fn refused(text: &str) -> String {
    match read(text) {
        Ok(pop) => panic!("accepted a broken file ({} rows)", pop.len()),
        Err(e) => e.to_string(),
    }
}

/// Row 0 is on line 2. Picks a base row that satisfies `base`, applies `edits` to it and
/// asserts that the error names file, line, column and value.
fn assert_rule(
    base: impl Fn(&dyn Fn(&str) -> String) -> bool,
    edits: &[(&str, &str)],
    column: &str,
    value: &str,
    rule_words: &str,
) {
    let (header, mut rows) = valid_rows(3000);
    let k = rows
        .iter()
        .position(|r| base(&|name: &str| r[col(&header, name)].clone()))
        .expect("no base row for this rule in the synthetic sample");
    for (name, v) in edits {
        let c = col(&header, name);
        rows[k][c] = v.to_string();
    }
    let msg = refused(&join(&header, &rows));
    let line = k + 2;
    let expected = format!("{SOURCE}: line {line}, column {column}, value {value:?}");
    assert!(msg.contains(&expected), "expected {expected:?} in:\n{msg}");
    assert!(
        msg.contains(rule_words),
        "expected {rule_words:?} in:\n{msg}"
    );
    assert!(msg.contains("1 of 3000 rows"), "{msg}");
}

fn any(_: &dyn Fn(&str) -> String) -> bool {
    true
}

#[test]
fn a_valid_file_is_read_whole() {
    let (header, rows) = valid_rows(600);
    let pop = read(&join(&header, &rows)).unwrap();
    assert_eq!(pop.len(), 600);
}

#[test]
fn codes_must_be_listed_spellings() {
    assert_rule(
        any,
        &[("sex", "M")],
        "sex",
        "M",
        "expected one of: male, female",
    );
    assert_rule(
        any,
        &[("migration", "None")],
        "migration",
        "None",
        "expected one of",
    );
    assert_rule(any, &[("education", "mbo5")], "education", "mbo5", "mbo1");
    assert_rule(
        any,
        &[("wia_class", "wga")],
        "wia_class",
        "wga",
        "expected one of",
    );
    assert_rule(
        |v| v("in_register") == "1",
        &[("register_basis", "Wajong")],
        "register_basis",
        "Wajong",
        "wajong, wsw",
    );
}

#[test]
fn integers_must_be_whole_numbers_in_range() {
    assert_rule(any, &[("age", "121")], "age", "121", "0 ..= 120");
    assert_rule(any, &[("age", "-1")], "age", "-1", "whole number");
    assert_rule(any, &[("age", "34.0")], "age", "34.0", "whole number");
    assert_rule(any, &[("age", " 34")], "age", " 34", "whole number");
    assert_rule(
        any,
        &[("age", "99999999999999999999999")],
        "age",
        "99999999999999999999999",
        "0 ..= 120",
    );
    assert_rule(any, &[("age", "65536")], "age", "65536", "0 ..= 120");
    assert_rule(
        |v| v("generation") == "0",
        &[("generation", "3")],
        "generation",
        "3",
        "0 ..= 2",
    );
    assert_rule(
        any,
        &[("years_special_secondary", "21")],
        "years_special_secondary",
        "21",
        "0 ..= 20",
    );
    assert_rule(
        any,
        &[("disability_pct", "101")],
        "disability_pct",
        "101",
        "0 ..= 100",
    );
    assert_rule(
        any,
        &[("days_employee", "1096")],
        "days_employee",
        "1096",
        "0 ..= 1095",
    );
    assert_rule(any, &[("days_nug", "x")], "days_nug", "x", "0 ..= 1095");
    assert_rule(
        |v| v("ww") == "1",
        &[("months_without_work", "601")],
        "months_without_work",
        "601",
        "0 ..= 600",
    );
    assert_rule(
        |v| v("in_register") == "1",
        &[("register_entry_year", "1997")],
        "register_entry_year",
        "1997",
        "1998 ..= 2019",
    );
    assert_rule(
        |v| v("in_register") == "1",
        &[("register_entry_year", "2020")],
        "register_entry_year",
        "2020",
        "1998 ..= 2019",
    );
}

#[test]
fn booleans_are_zero_or_one() {
    assert_rule(
        any,
        &[("employed", "2")],
        "employed",
        "2",
        "expected 0 or 1",
    );
    assert_rule(any, &[("ww", "true")], "ww", "true", "expected 0 or 1");
    assert_rule(
        |v| v("found_job_within_year") == "1",
        &[("found_job_within_year", "yes")],
        "found_job_within_year",
        "yes",
        "expected 0 or 1",
    );
}

#[test]
fn required_cells_may_not_be_empty() {
    for spec in COLUMNS
        .iter()
        .filter(|c| c.empty == banenafspraak::schema::Empty::Never)
    {
        assert_rule(
            any,
            &[(spec.name, "")],
            spec.name,
            "",
            "a value is required",
        );
    }
}

#[test]
fn generation_is_zero_exactly_without_migration_background() {
    assert_rule(
        |v| v("migration") == "none",
        &[("generation", "1")],
        "generation",
        "1",
        "generation must be 0 exactly when migration is none",
    );
    assert_rule(
        |v| v("migration") == "western",
        &[("generation", "0")],
        "generation",
        "0",
        "(migration = western)",
    );
}

#[test]
fn any_benefit_lies_between_the_largest_part_and_the_sum() {
    assert_rule(
        |v| v("days_bijstand") == "0" && v("days_any_benefit") == "0",
        &[("days_bijstand", "100")],
        "days_any_benefit",
        "0",
        "at least the largest",
    );
    assert_rule(
        |v| v("days_any_benefit") == "0",
        &[("days_any_benefit", "5")],
        "days_any_benefit",
        "5",
        "at most their sum",
    );
}

#[test]
fn student_with_income_at_most_in_school() {
    assert_rule(
        |v| v("days_in_school") == "0",
        &[("days_student_with_income", "1")],
        "days_student_with_income",
        "1",
        "at most days_in_school (0)",
    );
}

#[test]
fn months_are_required_with_their_benefit() {
    assert_rule(
        |v| v("ww") == "1",
        &[("months_without_work", "")],
        "months_without_work",
        "",
        "required when ww or nug is 1",
    );
    assert_rule(
        |v| v("nug") == "1",
        &[("months_without_work", "")],
        "months_without_work",
        "",
        "required when ww or nug is 1",
    );
    assert_rule(
        |v| v("bijstand") == "1",
        &[("months_bijstand", "")],
        "months_bijstand",
        "",
        "required when bijstand is 1",
    );
}

#[test]
fn register_columns_are_empty_exactly_outside_the_register() {
    let outside = |v: &dyn Fn(&str) -> String| v("in_register") == "0";
    let inside = |v: &dyn Fn(&str) -> String| {
        v("in_register") == "1"
            && v("found_job_within_year").is_empty()
            && v("kept_job_one_year").is_empty()
    };
    assert_rule(
        outside,
        &[("register_basis", "wsw")],
        "register_basis",
        "wsw",
        "must be empty when in_register is 0",
    );
    assert_rule(
        outside,
        &[("register_entry_year", "2016")],
        "register_entry_year",
        "2016",
        "must be empty",
    );
    assert_rule(
        inside,
        &[("register_basis", "")],
        "register_basis",
        "",
        "required when in_register is 1",
    );
    assert_rule(
        inside,
        &[("register_entry_year", "")],
        "register_entry_year",
        "",
        "required when in_register is 1",
    );
}

#[test]
fn outcomes_only_for_their_cohorts() {
    assert_rule(
        |v| v("in_register") == "0",
        &[("found_job_within_year", "1")],
        "found_job_within_year",
        "1",
        "register_entry_year is 2018",
    );
    assert_rule(
        |v| v("in_register") == "1" && v("register_entry_year") != "2018",
        &[("found_job_within_year", "0")],
        "found_job_within_year",
        "0",
        "the year before the reference year",
    );
    assert_rule(
        |v| v("in_register") == "0",
        &[("kept_job_one_year", "1")],
        "kept_job_one_year",
        "1",
        "must be empty when in_register is 0",
    );
}

#[test]
fn person_ids_are_unique_and_a_repeat_names_both_lines_not_the_id() {
    let (header, mut rows) = valid_rows(600);
    let id = col(&header, "person_id");
    rows[40][id] = rows[3][id].clone();
    rows[90][id] = rows[3][id].clone();
    let dup = rows[3][id].clone();
    let msg = refused(&join(&header, &rows));
    for line in [42, 92] {
        let expected = format!(
            "{SOURCE}: line {line}, column person_id: person_id must be unique; it is also on line 5"
        );
        assert!(msg.contains(&expected), "{expected:?} in:\n{msg}");
    }
    assert!(msg.contains("2 of 600 rows"), "{msg}");
    assert!(!msg.contains(&dup), "the id {dup:?} is printed:\n{msg}");
}

#[test]
fn rows_must_have_as_many_fields_as_the_header() {
    let (header, mut rows) = valid_rows(600);
    rows[9].pop();
    rows[20].push("extra".into());
    let msg = refused(&join(&header, &rows));
    assert!(
        msg.contains(&format!(
            "line 11: the row has {} fields, the header has {}",
            header.len() - 1,
            header.len()
        )),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("line 22: the row has {} fields", header.len() + 1)),
        "{msg}"
    );
    assert!(msg.contains("2 of 600 rows"), "{msg}");
}

#[test]
fn text_must_be_utf8() {
    let (header, rows) = valid_rows(600);
    let text = join(&header, &rows);
    let mut bytes = text.into_bytes();
    // Break the person_id of the third data row (line 4).
    let line4 = bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(2)
        .unwrap()
        .0
        + 1;
    bytes[line4] = 0xff;
    let msg = read_csv(&bytes[..], SOURCE, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    // The cell is an id: the message names line, column and byte, never the value.
    assert!(
        msg.contains("line 4, column person_id: not valid UTF-8 (at byte 1 of the cell)"),
        "{msg}"
    );
    assert!(!msg.contains("value"), "{msg}");
}

#[test]
fn header_problems_are_named() {
    let (mut header, rows) = valid_rows(10);
    let original = header.clone();
    header.retain(|h| h != "days_nug" && h != "sex");
    let rows_without: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(&original)
                .filter(|(_, h)| *h != "days_nug" && *h != "sex")
                .map(|(c, _)| c.clone())
                .collect()
        })
        .collect();
    let msg = refused(&join(&header, &rows_without));
    assert!(
        msg.contains("extract.csv: line 1 (header): missing schema column(s): sex, days_nug"),
        "{msg}"
    );

    let mut header = original.clone();
    header[2] = " Age".into();
    let msg = refused(&join(&header, &rows));
    assert!(
        msg.contains("age (found \" Age\": names are exact"),
        "{msg}"
    );

    let mut header = original.clone();
    header.push("sex".into());
    let msg = refused(&join(&header, &rows));
    assert!(msg.contains("column name \"sex\" appears twice"), "{msg}");

    assert!(refused("").contains("line 1 (header): the file is empty"));
    let width = original.len();
    let mut header = original;
    header.push(String::new());
    assert!(refused(&join(&header, &rows)).contains(&format!("column {} has no name", width + 1)));
}

#[test]
fn every_broken_row_is_counted_and_the_first_hundred_listed() {
    let (header, mut rows) = valid_rows(600);
    let age = col(&header, "age");
    for r in rows.iter_mut().take(150) {
        r[age] = "200".into();
    }
    let msg = refused(&join(&header, &rows));
    assert!(
        msg.contains("150 of 600 rows break the microdata schema; the file was not used"),
        "{msg}"
    );
    assert!(msg.contains("line 101, column age"), "{msg}");
    assert!(!msg.contains("line 102, column age"), "{msg}");
    assert!(msg.contains("... and 50 more problems"), "{msg}");
    match read(&join(&header, &rows)) {
        Err(Error::InvalidRows(inv)) => {
            assert_eq!(
                (inv.problems.len(), inv.more, inv.rows, inv.broken_rows),
                (100, 50, 600, 150)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn several_problems_in_one_row_are_all_reported() {
    let (header, mut rows) = valid_rows(600);
    rows[0][col(&header, "sex")] = "x".into();
    rows[0][col(&header, "age")] = "x".into();
    let msg = refused(&join(&header, &rows));
    assert!(msg.contains("line 2, column sex"), "{msg}");
    assert!(msg.contains("line 2, column age"), "{msg}");
}

#[test]
fn columns_in_any_order_with_extra_columns_kept() {
    let (header, rows) = valid_rows(200);
    let expected = read(&join(&header, &rows)).unwrap();
    let mut order: Vec<usize> = (0..header.len()).rev().collect();
    order.rotate_left(7);
    let mut h2: Vec<String> = order.iter().map(|&k| header[k].clone()).collect();
    h2.insert(3, "region".into());
    h2.push("weight".into());
    let rows2: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v: Vec<String> = order.iter().map(|&k| r[k].clone()).collect();
            v.insert(3, format!("\"region, {}\"", i % 12));
            v.push(format!("{}.5", i));
            v
        })
        .collect();
    let pop = read(&join(&h2, &rows2)).unwrap();
    assert_eq!(pop.len(), 200);
    for i in 0..200 {
        assert_eq!(pop.person(i), expected.person(i));
    }
    assert_eq!(
        pop.extra_column_names().collect::<Vec<_>>(),
        ["region", "weight"]
    );
    assert_eq!(pop.extra("region").unwrap().get(13), "region, 1");
    assert_eq!(pop.extra("weight").unwrap().get(13), "13.5");
}

#[test]
fn quoted_fields_crlf_bom_and_no_final_newline() {
    let (header, rows) = valid_rows(100);
    let expected = read(&join(&header, &rows)).unwrap();
    let quoted: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| format!("\"{c}\"")).collect())
        .collect();
    let mut text = join(&header, &quoted).replace('\n', "\r\n");
    text.insert(0, '\u{feff}');
    text.truncate(text.len() - 2);
    let pop = read(&text).unwrap();
    assert_eq!(pop, expected);
}

#[test]
fn line_numbers_count_newlines_inside_quoted_cells() {
    let (mut header, mut rows) = valid_rows(600);
    header.push("note".into());
    for (i, r) in rows.iter_mut().enumerate() {
        r.push(if i == 0 {
            "\"two\nlines\"".into()
        } else {
            String::new()
        });
    }
    rows[1][col(&header, "age")] = "500".into();
    // Row 1 starts on line 4: the header, row 0 over two lines.
    assert!(refused(&join(&header, &rows)).contains("line 4, column age, value \"500\""));
}

#[test]
fn the_sample_file_is_valid_and_round_trips() {
    let pop = read_csv_path("data/sample.csv", &ReadOptions::default()).unwrap();
    assert!(pop.len() >= 300);
    let mut bytes = Vec::new();
    write_csv(&pop, &mut bytes, "memory").unwrap();
    let again = read_csv(&bytes[..], "memory", &ReadOptions::default()).unwrap();
    assert_eq!(again, pop);
    let on_disk = std::fs::read("data/sample.csv").unwrap();
    assert_eq!(
        bytes, on_disk,
        "writer output differs from the committed sample"
    );
}

#[test]
fn round_trip_keeps_extra_columns() {
    let (mut header, mut rows) = valid_rows(300);
    header.push("municipality".into());
    for (i, r) in rows.iter_mut().enumerate() {
        r.push(format!("\"'s-Hertogenbosch, \"\"{i}\"\"\""));
    }
    let pop = read(&join(&header, &rows)).unwrap();
    let mut bytes = Vec::new();
    write_csv(&pop, &mut bytes, "memory").unwrap();
    let again = read_csv(&bytes[..], "memory", &ReadOptions::default()).unwrap();
    assert_eq!(again, pop);
    assert_eq!(
        again.extra("municipality").unwrap().get(7),
        "'s-Hertogenbosch, \"7\""
    );
}

#[test]
fn a_missing_file_names_the_path() {
    let e = read_csv_path("no/such/file.csv", &ReadOptions::default()).unwrap_err();
    assert!(e.to_string().starts_with("no/such/file.csv: "), "{e}");
}

#[test]
fn the_reference_year_moves_the_rules() {
    let (header, rows) = valid_rows(600);
    let text = join(&header, &rows);
    let opts = ReadOptions {
        reference_year: 2020,
        ..ReadOptions::default()
    };
    // Outcomes of 2018 entrants are out of place when the reference year is 2020.
    let msg = read_csv(text.as_bytes(), SOURCE, &opts)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("register_entry_year is 2019"), "{msg}");
}

/// A file with a free-text `note` column last, so that a stray quote there can swallow rows.
fn with_note(persons: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let (mut header, mut rows) = valid_rows(persons);
    header.push("note".into());
    for (i, r) in rows.iter_mut().enumerate() {
        r.push(format!("n{i}"));
    }
    (header, rows)
}

fn invalid(text: &str) -> Box<banenafspraak::error::InvalidRows> {
    match read(text) {
        Err(Error::InvalidRows(inv)) => inv,
        other => panic!("expected invalid rows, got {other:?}"),
    }
}

#[test]
fn an_unclosed_quote_in_a_text_column_is_refused_at_the_line_it_opened() {
    let (header, mut rows) = with_note(2000);
    let note = col(&header, "note");
    rows[999][note] = "\"never closed".into();
    let inv = invalid(&join(&header, &rows));
    // Row 999 is on line 1001; every other row is still read as a row.
    assert_eq!((inv.rows, inv.broken_rows), (2000, 1), "{inv}");
    assert_eq!(inv.problems[0].line, 1001, "{inv}");
    assert_eq!(inv.problems[0].column.as_deref(), Some("note"));
    assert!(inv.problems[0].rule.contains("swallowed rows"), "{inv}");
}

#[test]
fn an_unclosed_quote_on_the_last_row_is_refused() {
    let (header, mut rows) = with_note(50);
    let note = col(&header, "note");
    rows[49][note] = "\"never closed".into();
    let inv = invalid(&join(&header, &rows));
    assert_eq!((inv.rows, inv.broken_rows), (50, 1), "{inv}");
    assert_eq!(inv.problems[0].line, 51);
    assert!(inv.problems[0].rule.contains("never closed"), "{inv}");
}

#[test]
fn two_stray_quotes_seven_rows_apart_lose_no_row() {
    let (header, mut rows) = with_note(2000);
    let note = col(&header, "note");
    rows[100][note] = "\"opens".into();
    rows[107][note] = "closes\"".into();
    let inv = invalid(&join(&header, &rows));
    assert_eq!(inv.rows, 2000, "{inv}");
    assert_eq!(inv.problems[0].line, 102, "{inv}");
    assert!(inv.problems[0].rule.contains("swallowed rows"), "{inv}");
}

#[test]
fn stray_quotes_in_adjacent_rows_lose_no_row() {
    // The quote closes at the end of the next row: one row's worth of commas inside it.
    let (header, mut rows) = with_note(300);
    let note = col(&header, "note");
    rows[10][note] = "\"opens".into();
    rows[11][note] = "closes\"".into();
    let inv = invalid(&join(&header, &rows));
    assert_eq!(inv.rows, 300, "{inv}");
    assert_eq!(inv.problems[0].line, 12, "{inv}");
}

#[test]
fn a_quoted_schema_value_over_two_lines_is_an_error_where_the_quote_opened() {
    let (header, mut rows) = valid_rows(300);
    let sex = col(&header, "sex");
    rows[20][sex] = "\"male\nfemale\"".into();
    let inv = invalid(&join(&header, &rows));
    assert_eq!(inv.problems[0].line, 22, "{inv}");
    assert_eq!(inv.problems[0].column.as_deref(), Some("sex"));
    assert!(
        inv.problems[0]
            .rule
            .contains("schema columns hold no line breaks"),
        "{inv}"
    );
    // The next line is read as a row of its own (and is broken), so no row vanishes.
    assert_eq!(inv.rows, 301, "{inv}");
}

#[test]
fn a_text_cell_over_lines_is_kept_when_rows_and_lines_reconcile() {
    let (header, mut rows) = with_note(300);
    let note = col(&header, "note");
    rows[5][note] = "\"Stationsplein 1,\nUtrecht\"".into();
    rows[6][note] = "\"three\r\nlines\nhere\"".into();
    let pop = read(&join(&header, &rows)).unwrap();
    assert_eq!(pop.len(), 300);
    assert_eq!(
        pop.extra("note").unwrap().get(5),
        "Stationsplein 1,\nUtrecht"
    );
    assert_eq!(pop.extra("note").unwrap().get(6), "three\r\nlines\nhere");
    assert_eq!(pop.extra("note").unwrap().get(7), "n7");
}

#[test]
fn text_after_a_closing_quote_is_an_error() {
    let (header, mut rows) = with_note(100);
    let note = col(&header, "note");
    rows[3][note] = "\"a\"b".into();
    let inv = invalid(&join(&header, &rows));
    assert_eq!((inv.problems[0].line, inv.rows), (5, 100), "{inv}");
    assert!(inv.problems[0].rule.contains("closing quote"), "{inv}");
}

/// A large file with multi-line text cells (the splitter's quote-parity pass must keep
/// them whole) and broken rows spread over it.
fn large_file() -> String {
    let (header, mut rows) = with_note(12_000);
    let (note, age) = (col(&header, "note"), col(&header, "age"));
    for (i, r) in rows.iter_mut().enumerate() {
        if i.is_multiple_of(37) {
            r[note] = format!("\"line one, {i}\nline \"\"two\"\"\"");
        }
        if i.is_multiple_of(1009) {
            r[age] = "x".into();
        }
    }
    rows[7000][note] = "\"unclosed".into();
    let id = col(&header, "person_id");
    rows[9000][id] = rows[8000][id].clone();
    join(&header, &rows)
}

#[test]
fn results_are_the_same_at_any_thread_count() {
    let text = large_file();
    let run = |threads: usize, text: &str| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            read_csv(
                text.as_bytes(),
                SOURCE,
                &ReadOptions {
                    max_problems: 1000,
                    ..ReadOptions::default()
                },
            )
        })
    };
    let serial = run(1, &text).unwrap_err().to_string();
    assert!(serial.contains("14 of 12000 rows"), "{serial}");
    for threads in [2, 3, 8] {
        assert_eq!(run(threads, &text).unwrap_err().to_string(), serial);
    }
    // And the valid variant gives the same persons.
    let (header, rows) = with_note(12_000);
    let valid = join(&header, &rows);
    let one = run(1, &valid).unwrap();
    assert_eq!(one.len(), 12_000);
    for threads in [2, 8] {
        assert_eq!(run(threads, &valid).unwrap(), one);
    }
}

// Schema v1.1: the optional column job_hours_per_week.

fn keeper(v: &dyn Fn(&str) -> String) -> bool {
    v("kept_job_one_year") == "1"
}

#[test]
fn job_hours_are_a_decimal_above_0_and_at_most_80() {
    for (cell, bad) in [
        ("0", "0"),
        ("0.0", "0.0"),
        ("80.01", "80.01"),
        ("-3", "-3"),
        ("1e2", "1e2"),
        ("\"32,5\"", "32,5"),
        (".5", ".5"),
        ("abc", "abc"),
        (" 20", " 20"),
    ] {
        assert_rule(
            keeper,
            &[("job_hours_per_week", cell)],
            "job_hours_per_week",
            bad,
            "expected a decimal number h with 0 < h <= 80",
        );
    }
    let (header, mut rows) = valid_rows(3000);
    let c = col(&header, "job_hours_per_week");
    let keepers: Vec<usize> = (0..rows.len())
        .filter(|&k| rows[k][col(&header, "kept_job_one_year")] == "1")
        .collect();
    for (&k, good) in keepers.iter().zip(["80", "0.01", "25.5", "007.25", ""]) {
        rows[k][c] = good.to_string();
    }
    let pop = read(&join(&header, &rows)).unwrap();
    let hours = pop.job_hours_per_week().unwrap();
    assert_eq!(hours[keepers[0]], 80.0);
    assert_eq!(hours[keepers[3]], 7.25);
    assert_eq!(pop.person(keepers[4]).job_hours_per_week, None);
}

#[test]
fn job_hours_only_for_job_keepers() {
    assert_rule(
        |v| v("kept_job_one_year") == "0",
        &[("job_hours_per_week", "20")],
        "job_hours_per_week",
        "20",
        "must be empty unless kept_job_one_year is 1",
    );
    assert_rule(
        |v| v("in_register") == "0",
        &[("job_hours_per_week", "36.5")],
        "job_hours_per_week",
        "36.5",
        "must be empty unless kept_job_one_year is 1",
    );
}

#[test]
fn the_hours_column_is_optional_and_round_trips() {
    let (header, rows) = valid_rows(3000);
    let c = col(&header, "job_hours_per_week");
    let with = read(&join(&header, &rows)).unwrap();
    assert!(with.job_hours_per_week().unwrap().iter().any(|&h| h > 0.0));
    // Version 1: the same file without the column is valid and carries no hours.
    let drop = |r: &Vec<String>| -> Vec<String> {
        r.iter()
            .enumerate()
            .filter(|&(k, _)| k != c)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let v1 = read(&join(
        &drop(&header),
        &rows.iter().map(drop).collect::<Vec<_>>(),
    ))
    .unwrap();
    assert_eq!(v1.job_hours_per_week(), None);
    assert_eq!(v1, with.clone().with_job_hours_column(false));
    // The writer writes the column exactly when the population has it.
    for pop in [&with, &v1] {
        let mut bytes = Vec::new();
        write_csv(pop, &mut bytes, "memory").unwrap();
        let header_line = String::from_utf8_lossy(&bytes)
            .lines()
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            header_line.contains("job_hours_per_week"),
            pop.job_hours_per_week().is_some()
        );
        assert_eq!(
            &read_csv(&bytes[..], "memory", &ReadOptions::default()).unwrap(),
            pop
        );
    }
    // A column with every cell empty is still version 1.1.
    let mut empty = rows.clone();
    for r in &mut empty {
        r[c].clear();
    }
    let pop = read(&join(&header, &empty)).unwrap();
    assert!(pop.job_hours_per_week().unwrap().iter().all(|&h| h == 0.0));
}
