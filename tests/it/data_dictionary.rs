//! Holds the user-facing data dictionary (`data-dictionary/columns.csv`, `education.csv`,
//! `columns.md`) to the code's column spec (`banenafspraak::schema::COLUMNS`, the code enums).
//! Reads the dictionary files only; never writes them. Every mismatch names column and field.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use banenafspraak::schema::{Education, Empty, ValueType, COLUMNS};

const COLUMNS_HEADER: [&str; 8] = [
    "name",
    "type",
    "values",
    "min",
    "max",
    "empty",
    "cbs_source",
    "meaning",
];
const EDUCATION_HEADER: [&str; 4] = ["code", "level", "label_nl", "label_en"];

fn dictionary_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data-dictionary")
        .join(file)
}

/// Reads a dictionary CSV: checks the header exactly and returns the rows as field maps.
fn read_rows(file: &str, header: &[&str]) -> Vec<HashMap<String, String>> {
    let path = dictionary_path(file);
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let found: Vec<String> = reader
        .headers()
        .unwrap_or_else(|e| panic!("{file}: cannot read the header: {e}"))
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        found, header,
        "{file}: the header must be exactly {header:?}"
    );
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record = record.unwrap_or_else(|e| panic!("{file}: data row {}: {e}", i + 1));
            header
                .iter()
                .map(|h| h.to_string())
                .zip(record.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// What the code says one column's row in `columns.csv` must hold.
struct Expected {
    type_name: &'static str,
    values: String,
    min: String,
    max: String,
    empty: String,
}

fn expected(value_type: ValueType, empty: Empty) -> Expected {
    let (type_name, values, min, max) = match value_type {
        ValueType::Text => ("text", String::new(), String::new(), String::new()),
        ValueType::Bool => ("bool", "0|1".to_string(), String::new(), String::new()),
        ValueType::Int { min, max } => ("int", String::new(), min.to_string(), max.to_string()),
        ValueType::Year { min } => (
            "year",
            String::new(),
            min.to_string(),
            "reference_year".to_string(),
        ),
        ValueType::Code(codes) => ("code", codes.join("|"), String::new(), String::new()),
        ValueType::Decimal { max } => ("decimal", String::new(), ">0".into(), max.to_string()),
    };
    let empty = match empty {
        Empty::Never => "never".to_string(),
        Empty::When(condition) => condition.to_string(),
    };
    Expected {
        type_name,
        values,
        min,
        max,
        empty,
    }
}

/// A CBS table or reference file name as the dictionary writes it: upper-case letters and digits.
fn is_table_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn fail_if_any(problems: &[String], what: &str) {
    assert!(
        problems.is_empty(),
        "{what} differs from the code in {} place(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn columns_csv_equals_the_code() {
    let rows = read_rows("columns.csv", &COLUMNS_HEADER);
    let mut problems = Vec::new();

    let csv_names: Vec<&str> = rows.iter().map(|r| r["name"].as_str()).collect();
    for spec in COLUMNS {
        if !csv_names.contains(&spec.name) {
            problems.push(format!("column `{}`: missing from columns.csv", spec.name));
        }
    }
    for name in &csv_names {
        if !COLUMNS.iter().any(|c| c.name == *name) {
            problems.push(format!(
                "column `{name}`: in columns.csv but not in schema::COLUMNS"
            ));
        }
    }
    if rows.len() != COLUMNS.len() {
        problems.push(format!(
            "columns.csv has {} rows, schema::COLUMNS has {} columns",
            rows.len(),
            COLUMNS.len()
        ));
    }

    for (i, (row, spec)) in rows.iter().zip(COLUMNS).enumerate() {
        let line = i + 2;
        if row["name"] != spec.name {
            problems.push(format!(
                "line {line}, field `name`: columns.csv says `{}`, the code's column {} in canonical order is `{}`",
                row["name"],
                i + 1,
                spec.name
            ));
            continue;
        }
        let want = expected(spec.value_type, spec.empty);
        let mut check = |field: &str, expected: &str| {
            if row[field] != expected {
                problems.push(format!(
                    "column `{}`, field `{field}`: columns.csv says {:?}, the code says {:?}",
                    spec.name, row[field], expected
                ));
            }
        };
        check("type", want.type_name);
        check("values", &want.values);
        check("min", &want.min);
        check("max", &want.max);
        check("empty", &want.empty);

        let sources = &row["cbs_source"];
        if sources.split('|').any(|s| !is_table_name(s)) {
            problems.push(format!(
                "column `{}`, field `cbs_source`: {sources:?} must be upper-case CBS table names joined by `|`",
                spec.name
            ));
        }
        if row["meaning"].trim().is_empty() {
            problems.push(format!("column `{}`, field `meaning`: empty", spec.name));
        }
    }
    fail_if_any(&problems, "data-dictionary/columns.csv");
}

#[test]
fn education_csv_equals_the_code() {
    let rows = read_rows("education.csv", &EDUCATION_HEADER);
    let mut problems = Vec::new();
    let csv_codes: Vec<&str> = rows.iter().map(|r| r["code"].as_str()).collect();
    if csv_codes != Education::CODES {
        problems.push(format!(
            "field `code`: education.csv lists {csv_codes:?}, Education::CODES is {:?} (same codes, same order)",
            Education::CODES
        ));
    }
    for row in &rows {
        let code = &row["code"];
        match Education::from_code(code.as_bytes()) {
            None => problems.push(format!(
                "education `{code}`, field `code`: not an Education code"
            )),
            Some(education) => {
                let level = education.level().code();
                if row["level"] != level {
                    problems.push(format!(
                        "education `{code}`, field `level`: education.csv says {:?}, Education::level() says {level:?}",
                        row["level"]
                    ));
                }
            }
        }
        for field in ["label_nl", "label_en"] {
            if row[field].trim().is_empty() {
                problems.push(format!("education `{code}`, field `{field}`: empty"));
            }
        }
    }
    fail_if_any(&problems, "data-dictionary/education.csv");
}

/// The column names that `columns.md` documents: a heading that names the column in
/// backticks, or a table row whose first cell is the column name (with or without backticks).
fn documented_names(markdown: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in markdown.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            let mut parts = line.split('`');
            parts.next();
            while let Some(inside) = parts.next() {
                names.push(inside.to_string());
                parts.next();
            }
        } else if let Some(rest) = line.strip_prefix('|') {
            if let Some(first) = rest.split('|').next() {
                names.push(first.trim().trim_matches('`').to_string());
            }
        }
    }
    names
}

#[test]
fn columns_md_documents_every_column() {
    let path = dictionary_path("columns.md");
    let markdown = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let documented = documented_names(&markdown);
    let rows = read_rows("columns.csv", &COLUMNS_HEADER);
    let mut problems = Vec::new();
    for row in &rows {
        let name = &row["name"];
        if !documented.iter().any(|d| d == name) {
            problems.push(format!(
                "column `{name}`: no heading with `{name}` and no table row starting with it in columns.md"
            ));
        }
    }
    // Every education code has a row in the Markdown code table too.
    for code in Education::CODES {
        if !markdown
            .lines()
            .any(|l| l.trim_start().starts_with('|') && l.contains(&format!("`{code}`")))
        {
            problems.push(format!("education `{code}`: no table row in columns.md"));
        }
    }
    fail_if_any(&problems, "data-dictionary/columns.md");
}
