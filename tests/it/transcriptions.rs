//! The transcriptions in `src/synth/` held to the reference files they cite, committed in
//! `tests/reference/panteia-2023/`: every number of the counts and distribution tables in
//! `synth::published` (with its line of the report), the leaves of tree B3.1 in
//! `synth::report_trees` (probability and depth of each), and the values the B3.2 and B3.3
//! transcriptions give, which must be leaves of the printed trees.

use std::collections::BTreeMap;
use std::path::PathBuf;

use banenafspraak::synth::published::{Distribution, POPULATIONS};
use banenafspraak::synth::report_trees::{b3_1_tree, b3_2, b3_3};
use banenafspraak::synth::SynthParams;
use serde_json::Value;

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/panteia-2023")
        .join(name)
}

/// The rows of a reference CSV as column -> value maps.
fn rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(reference(file)).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?} in {row:?}", row[col]))
}

fn csv_name(table: &str) -> String {
    format!("table_{}.csv", table.replace('.', "_"))
}

#[test]
fn the_published_counts_tables_are_the_reference_csvs() {
    for p in POPULATIONS {
        let table = rows(&csv_name(p.table));
        assert_eq!(table.len(), 4, "{}: total and three sub-groups", p.table);
        for (ours, theirs) in std::iter::once(&p.total).chain(&p.subgroups).zip(&table) {
            let what = format!("table {} {}", p.table, ours.name);
            assert_eq!(ours.persons, num(theirs, "population_2019"), "{what}");
            assert_eq!(
                ours.comparable,
                num(theirs, "expected_comparable_without_indication"),
                "{what}"
            );
            assert_eq!(
                ours.mean_probability,
                num(theirs, "mean_probability_comparable"),
                "{what}"
            );
            assert_eq!(
                f64::from(ours.line),
                num(theirs, "source_line_values"),
                "{what}"
            );
        }
        assert_eq!(table[0]["row_type"], "total");
    }
}

#[test]
fn the_published_distributions_and_job_totals_are_the_reference_csvs() {
    for p in POPULATIONS {
        for (dist, codes) in [
            (&p.education, ["edu1", "edu2", "edu3", "edu4"]),
            (&p.age, ["age_lt20", "age_20_29", "age_30_49", "age_50plus"]),
        ] {
            let table = rows(&csv_name(dist.table));
            let cell = |code: &str, column: &str| {
                table
                    .iter()
                    .find(|r| r["category_code"] == code && r["column"] == column)
                    .unwrap_or_else(|| panic!("{} {code} {column} missing", dist.table))
            };
            for (column, shares) in columns(dist) {
                let Some(shares) = shares else {
                    assert!(
                        !table.iter().any(|r| r["column"] == column),
                        "{} has {column}",
                        dist.table
                    );
                    continue;
                };
                for (k, code) in codes.iter().enumerate() {
                    let r = cell(code, column);
                    assert_eq!(shares[k], num(r, "share"), "{} {code} {column}", dist.table);
                    assert_eq!(f64::from(dist.lines[k]), num(r, "source_line"));
                }
            }
            // The job totals are the tables' "Totaal" counts.
            assert_eq!(
                p.finds,
                num(cell("total", "finds_work"), "count"),
                "{}",
                p.name
            );
            assert_eq!(
                p.keeps,
                num(cell("total", "keeps_work"), "count"),
                "{}",
                p.name
            );
            if let Some(h) = p.had_work {
                assert_eq!(h, num(cell("total", "had_work"), "count"), "{}", p.name);
            }
            assert_eq!(
                p.total.persons,
                num(cell("total", "gross"), "count"),
                "{}",
                p.name
            );
        }
        let totals = rows(&csv_name(p.education.table));
        let line = totals
            .iter()
            .find(|r| r["category_code"] == "total" && r["column"] == "finds_work")
            .unwrap();
        assert_eq!(
            f64::from(p.finds_line),
            num(line, "source_line"),
            "{}",
            p.name
        );
    }
}

fn columns(d: &Distribution) -> [(&'static str, Option<[f64; 4]>); 5] {
    [
        ("gross", Some(d.gross)),
        ("comparable", Some(d.comparable)),
        ("had_work", d.had_work),
        ("finds_work", Some(d.finds)),
        ("keeps_work", Some(d.keeps)),
    ]
}

/// Every leaf of a reference tree: (depth, probability).
fn json_leaves(file: &str) -> Vec<(usize, f64)> {
    fn walk(node: &Value, depth: usize, out: &mut Vec<(usize, f64)>) {
        if let Some(p) = node.get("leaf_probability") {
            out.push((depth, p.as_f64().unwrap()));
        }
        for c in node["children"].as_array().into_iter().flatten() {
            walk(c, depth + 1, out);
        }
    }
    let text = std::fs::read_to_string(reference(file)).unwrap();
    let tree: Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    walk(&tree, 0, &mut out);
    out
}

fn sorted(mut v: Vec<(usize, f64)>) -> Vec<(usize, f64)> {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v
}

#[test]
fn tree_b3_1_has_the_reference_leaves_at_the_reference_depths() {
    let printed = json_leaves("tree_b3_1_binary_interpretation.json");
    assert_eq!(printed.len(), 21);
    let ours: Vec<(usize, f64)> = b3_1_tree()
        .leaves()
        .iter()
        .map(|l| (l.path.len(), l.probability))
        .collect();
    assert_eq!(sorted(ours), sorted(printed));
    // The root: less than 2 weeks of bijstand, as the reference reads it.
    let text = std::fs::read_to_string(reference("tree_b3_1_binary_interpretation.json")).unwrap();
    let tree: Value = serde_json::from_str(&text).unwrap();
    let root = &tree["children"][0]["condition"];
    assert_eq!(root["feature"], "bijstand_duration");
    assert_eq!(root["operator"], "<");
    assert_eq!(
        (root["threshold"].as_f64(), root["unit"].as_str()),
        (Some(2.0), Some("weeks"))
    );
    let split = b3_1_tree().root().split().cloned().unwrap();
    assert_eq!(split.feature_name, "days_bijstand");
    assert_eq!(
        split.rule,
        banenafspraak::model::SplitRule::AtMost(2 * 7 - 1)
    );
}

#[test]
fn the_b3_2_and_b3_3_transcriptions_give_only_printed_leaf_values() {
    let pop = SynthParams {
        persons: 300_000,
        seed: 12,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    for (file, f) in [
        (
            "tree_b3_2.json",
            b3_2 as fn(&banenafspraak::schema::Person<'_>) -> f64,
        ),
        ("tree_b3_3.json", b3_3),
    ] {
        let printed: Vec<f64> = json_leaves(file).into_iter().map(|(_, p)| p).collect();
        let mut seen = std::collections::BTreeSet::new();
        for p in pop.persons() {
            let v = f(&p);
            assert!(printed.contains(&v), "{file}: {v} is no printed leaf");
            seen.insert((v * 1000.0).round() as u32);
        }
        let distinct: std::collections::BTreeSet<u32> = printed
            .iter()
            .map(|p| (p * 1000.0).round() as u32)
            .collect();
        eprintln!(
            "{file}: {} of {} distinct printed values reached",
            seen.len(),
            distinct.len()
        );
        assert!(
            seen.len() * 2 > distinct.len(),
            "{file}: only {} values reached",
            seen.len()
        );
    }
}
