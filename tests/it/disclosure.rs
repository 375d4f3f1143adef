//! Disclosure control, cell by cell: which cells fail which rule, what strict, report and
//! off do with them, a table that must be suppressed whole, tree leaves, secondary
//! suppression, rounding, extremes, keys, the person_id scan and the check report.

use banenafspraak::estimate::level::wilson;
use banenafspraak::estimate::{
    Breakdown, ConfidenceLevel, Correction, CorrectionFactor, ExpectedCounts, Interval,
    LabellingInterval, LabellingRate, PopulationEstimate, SubgroupCounts,
};
use banenafspraak::model::{
    ClassificationTree, Counts, FeatureColumn, FeatureKind, FeatureMatrix, LogisticParams,
    NodeSpec, SplitRule, TreeFeature,
};
use banenafspraak::report::{
    apply, breakdown_table, check_table, correction_table, counts_table, logistic_table, scan_ids,
    tree_table, Action, BreakdownKind, Cell, CheckReport, DisclosureMode, DisclosureRules, Lang,
    OutputFormat, Report, Rule, ScanInput, Status, Style, Table, Value,
};
use banenafspraak::schema::{read_csv_path, ReadOptions};

use crate::acro;
use acro::assert_acro_layout;

fn counts(persons: u64, employed: u64) -> ExpectedCounts {
    ExpectedCounts {
        persons,
        employed,
        comparable: 0.3 * persons as f64,
        had_work: 0.3 * employed as f64,
        finds_work: 0.1 * (persons - employed) as f64,
        keeps_work: 0.05 * (persons - employed) as f64,
        ..ExpectedCounts::default()
    }
}

/// A small population: 40 persons (12 employed); sub-group `a` has 7 persons, sub-group
/// `b` 33 of whom 5 employed.
fn small() -> PopulationEstimate {
    let sub = |name: &str, c| SubgroupCounts {
        name: name.into(),
        label: name.into(),
        counts: c,
    };
    PopulationEstimate {
        name: "small".into(),
        label: "Small".into(),
        total: counts(40, 12),
        subgroups: vec![sub("a", counts(7, 7)), sub("b", counts(33, 5))],
        by_education: Breakdown {
            cells: vec![
                ("1".into(), "level 1".into(), counts(4, 0)),
                ("2".into(), "level 2".into(), counts(12, 2)),
                ("3".into(), "level 3".into(), counts(24, 10)),
                ("4".into(), "level 4".into(), counts(0, 0)),
            ],
        },
        by_age: Breakdown { cells: Vec::new() },
    }
}

/// (row, column) of the cells failing `rule`.
fn failing(t: &Table, rule: Rule) -> Vec<(usize, usize)> {
    let check = check_table(t, &DisclosureRules::default(), Some(100));
    check
        .failing(rule)
        .filter_map(|f| Some((f.row?, f.column?)))
        .collect()
}

#[test]
fn counts_table_cell_by_cell() {
    let t = counts_table(&small(), Lang::En);
    // Columns: 0 group, 1 persons, 2 comparable, 3 mean probability, 4 had work,
    // 5 finds work, 6 keeps work. Rows: 0 total (40; 12 employed, 28 not), 1 a (7; 7
    // employed, 0 not), 2 b (33; 5 employed, 28 not).
    assert_eq!(
        failing(&t, Rule::MinPersons),
        [
            // a: 7 persons behind persons, comparable, mean and had work.
            (1, 1),
            (1, 2),
            (1, 3),
            (1, 4),
            // b: had work rests on 5 employed.
            (2, 4),
        ]
    );
    // a's finds and keeps rest on nobody (0 without work): zeros are disclosive (ACRO's
    // default), as they say that all 7 are employed.
    assert_eq!(failing(&t, Rule::Zeros), [(1, 5), (1, 6)]);
    let check = check_table(&t, &DisclosureRules::default(), Some(100));
    assert_eq!(check.cells_checked, 18);
    let f = &check.findings[0];
    assert_eq!(
        (f.row_label.as_str(), f.column_label.as_str()),
        ("a", "persons")
    );
    // The detail names the rule, not the number of persons (the check report may leave).
    assert_eq!(f.detail, "fewer than 10 persons");
    assert_eq!(
        check.failing(Rule::MinPersons).nth(4).unwrap().detail,
        "fewer than 10 employed persons"
    );
    assert_eq!(failing(&t, Rule::Rounding), []);
    assert_eq!(failing(&t, Rule::NoExtremes), []);
    assert_eq!(failing(&t, Rule::NoKeys), []);
    // A lower threshold and zeros allowed let a through.
    let rules = DisclosureRules {
        min_persons: 5,
        zeros_disclosive: false,
        ..DisclosureRules::default()
    };
    assert_eq!(check_table(&t, &rules, Some(100)).findings.len(), 0);
}

#[test]
fn strict_suppresses_report_marks_off_does_nothing() {
    let rules = DisclosureRules::default();
    let style = Style::report(Lang::En);

    let mut strict = counts_table(&small(), Lang::En);
    let check = apply(&mut strict, DisclosureMode::Strict, &rules, Some(100));
    assert!(check.passes());
    assert!(check
        .findings
        .iter()
        .all(|f| f.action == Action::Suppressed));
    let row_a: Vec<String> = strict.rows[1].iter().map(|c| c.display(&style)).collect();
    assert_eq!(row_a, ["a", "x", "x", "x", "x", "x", "x"]);
    assert_eq!(strict.rows[2][4].status, Status::Suppressed);
    assert_eq!(strict.rows[0][1].status, Status::Ok);
    let md = strict.to_markdown(&style);
    assert!(md.contains("| a | x | x | x | x | x | x |"), "{md}");
    assert!(md.contains("x = suppressed by disclosure control"));
    // Suppressed cells are empty in CSV and null in JSON; the last column says what
    // disclosure control did to every row.
    let csv = strict.to_csv(Some(100));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[2], "a,,,,,,,suppressed", "{csv}");
    assert!(lines[0].ends_with(",disclosure"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&strict.to_json(Some(100))).unwrap();
    assert!(json["rows"][1]["persons"].is_null());
    assert_eq!(json["rows"][1]["disclosure"], "suppressed");
    // The 7 failing cells, and the mean probabilities of the total and of b: ratios of
    // counts that round to 0 (40 and 33 persons) cannot be published as shares.
    assert_eq!(json["cells"].as_array().unwrap().len(), 9);
    assert_eq!(strict.rows[0][3].status, Status::Suppressed);

    let mut report = counts_table(&small(), Lang::En);
    let check = apply(&mut report, DisclosureMode::Report, &rules, Some(100));
    assert!(!check.passes());
    assert!(check.findings.iter().all(|f| f.action == Action::Flagged));
    let row_a: Vec<String> = report.rows[1].iter().map(|c| c.display(&style)).collect();
    assert_eq!(
        row_a,
        [
            "a",
            "0 (!)",
            "0 (!)",
            "30.0% (!)",
            "0 (!)",
            "0 (!)",
            "0 (!)"
        ]
    );
    let html = report.to_html(&style);
    assert!(
        html.contains("<td class=\"disclosure-flag\" style=\"text-align:right\">30.0% (!)</td>")
    );

    let mut off = counts_table(&small(), Lang::En);
    let before = off.clone();
    let check = apply(&mut off, DisclosureMode::Off, &rules, None);
    assert!(check.findings.is_empty());
    assert_eq!(off, before);
}

#[test]
fn a_table_of_too_few_persons_is_suppressed_whole() {
    let tiny = PopulationEstimate {
        name: "tiny".into(),
        label: "Tiny".into(),
        total: counts(8, 3),
        subgroups: Vec::new(),
        by_education: Breakdown { cells: Vec::new() },
        by_age: Breakdown { cells: Vec::new() },
    };
    let mut t = counts_table(&tiny, Lang::Nl);
    let check = apply(
        &mut t,
        DisclosureMode::Strict,
        &DisclosureRules::default(),
        Some(100),
    );
    assert_eq!(check.failing(Rule::MinPersons).count(), 6);
    let shown: Vec<String> = t.rows[0]
        .iter()
        .map(|c| c.display(&Style::report(Lang::Nl)))
        .collect();
    assert_eq!(shown, ["Totaal", "x", "x", "x", "x", "x", "x"]);
    let text = t.to_text(&Style::report(Lang::Nl));
    assert!(text.contains("x = geheim"), "{text}");
    assert!(
        !text.contains("Afronding"),
        "no count is shown, so no rounding note"
    );
}

#[test]
fn breakdown_shares_rest_on_their_category_and_a_second_cell_is_suppressed() {
    let t = breakdown_table(&small(), BreakdownKind::Education, Lang::En);
    // ACRO's default: zeros are disclosive, so level 4 (nobody) and level 1's had work
    // (nobody employed) fail on their own.
    assert_eq!(
        failing(&t, Rule::Zeros),
        [(1, 3), (4, 1), (4, 2), (4, 3), (4, 4), (4, 5)]
    );
    // The rest of this test: zeros allowed, counts rounded to 1, as a user may set them.
    let rules = DisclosureRules {
        zeros_disclosive: false,
        round_to: 1,
        ..DisclosureRules::default()
    };
    // Rows: 0 total, 1 level 1 (4 persons, 0 employed), 2 level 2 (12; 2 employed, 10
    // not), 3 level 3 (24; 10 employed, 14 not), 4 level 4 (nobody). Columns: 1 gross,
    // 2 comparable, 3 had work, 4 finds, 5 keeps.
    assert_eq!(
        failing(&t, Rule::MinPersons),
        [(1, 1), (1, 2), (1, 4), (1, 5), (2, 3)]
    );
    let mut strict = t.clone();
    let check = apply(&mut strict, DisclosureMode::Strict, &rules, Some(1));
    // Level 1's gross share would follow from 100% minus the others: the smallest other
    // published category that has persons goes too (level 4 has nobody, which the gross
    // column shows, so hiding it would protect nothing).
    let secondary: Vec<(usize, usize)> = check
        .findings
        .iter()
        .filter(|f| f.detail.starts_with("secondary"))
        .map(|f| (f.row.unwrap(), f.column.unwrap()))
        .collect();
    assert_eq!(secondary, [(2, 1), (2, 2), (3, 3), (2, 4), (2, 5)]);
    // Had work: level 2 suppressed (2 employed); levels 1 and 4 have nobody employed,
    // so level 3 (10 employed) goes too.
    assert_eq!(strict.rows[2][3].status, Status::Suppressed);
    assert_eq!(strict.rows[3][3].status, Status::Suppressed);
    assert_eq!(strict.rows[3][1].status, Status::Ok);
    assert_eq!(strict.rows[0][1].status, Status::Ok);
}

#[test]
fn tree_leaves_need_ten_persons_positives_and_non_positives() {
    let features = vec![TreeFeature {
        name: "days_bijstand".into(),
        kind: FeatureKind::Numeric { max: 1095 },
    }];
    let leaf = |n: u64, positives: u64| NodeSpec::Leaf {
        probability: positives as f64 / n as f64,
        counts: Some(Counts { n, positives }),
    };
    let tree = ClassificationTree::from_nodes(
        features,
        vec![
            NodeSpec::split("days_bijstand", SplitRule::AtMost(13), 1, 2),
            NodeSpec::split("days_bijstand", SplitRule::AtMost(6), 3, 4),
            NodeSpec::split("days_bijstand", SplitRule::AtMost(400), 5, 6),
            leaf(2_000, 300), // passes
            leaf(1_200, 4),   // 4 positives
            leaf(1_500, 0),   // no positives: all 1,500 are known not to be in the register
            leaf(9, 5),       // 9 persons, 5 positives, 4 non-positives
        ],
    )
    .unwrap();
    let t = tree_table("comparability", &tree, ConfidenceLevel::DEFAULT, Lang::En);
    let labels: Vec<String> = (0..t.rows.len()).map(|r| t.row_label(r)).collect();
    assert_eq!(labels.len(), 6);
    let check = check_table(&t, &DisclosureRules::default(), Some(100));
    let by_row = |r: usize| -> Vec<String> {
        check
            .failing(Rule::MinPersons)
            .filter(|f| f.row == Some(r))
            .map(|f| format!("{}: {}", f.column_label, f.detail))
            .collect()
    };
    // Rows: 0 split (<= 13), 1 leaf 2000/300, 2 leaf 1200/4, 3 split (> 13), 4 leaf
    // 1500/0, 5 leaf 9/5.
    assert!(by_row(0).is_empty() && by_row(1).is_empty() && by_row(3).is_empty());
    assert_eq!(
        by_row(2),
        [
            "persons: fewer than 10 positives",
            "probability: fewer than 10 positives",
            "95% low: fewer than 10 positives",
            "95% high: fewer than 10 positives"
        ]
    );
    assert!(by_row(4).is_empty());
    let zeros: Vec<String> = check
        .failing(Rule::Zeros)
        .map(|f| format!("{} {}: {}", f.row.unwrap(), f.column_label, f.detail))
        .collect();
    assert_eq!(
        zeros,
        [
            "4 persons: no positives (zeros are disclosive)",
            "4 probability: no positives (zeros are disclosive)",
            "4 95% low: no positives (zeros are disclosive)",
            "4 95% high: no positives (zeros are disclosive)"
        ]
    );
    assert_eq!(
        by_row(5),
        [
            "persons: fewer than 10 persons",
            "persons: fewer than 10 positives",
            "persons: fewer than 10 non-positives",
            "probability: fewer than 10 persons",
            "probability: fewer than 10 positives",
            "probability: fewer than 10 non-positives",
            "95% low: fewer than 10 persons",
            "95% low: fewer than 10 positives",
            "95% low: fewer than 10 non-positives",
            "95% high: fewer than 10 persons",
            "95% high: fewer than 10 positives",
            "95% high: fewer than 10 non-positives"
        ]
    );
    // A hand-built tree without counts has nothing to check against.
    let published = ClassificationTree::from_nodes(
        vec![TreeFeature {
            name: "x".into(),
            kind: FeatureKind::Numeric { max: 10 },
        }],
        vec![
            NodeSpec::split("x", SplitRule::AtMost(3), 1, 2),
            NodeSpec::leaf(0.04),
            NodeSpec::leaf(0.3),
        ],
    )
    .unwrap();
    let t = tree_table("b3_1", &published, ConfidenceLevel::DEFAULT, Lang::En);
    assert!(check_table(&t, &DisclosureRules::default(), Some(100))
        .findings
        .is_empty());
}

#[test]
fn a_leaf_interval_is_the_wilson_interval_and_under_strict_that_of_the_rounded_counts() {
    let feature = TreeFeature {
        name: "days_bijstand".into(),
        kind: FeatureKind::Numeric { max: 1095 },
    };
    let leaf = |n: u64, positives: u64| NodeSpec::Leaf {
        probability: positives as f64 / n as f64,
        counts: Some(Counts { n, positives }),
    };
    let tree = ClassificationTree::from_nodes(
        vec![feature],
        vec![
            NodeSpec::split("days_bijstand", SplitRule::AtMost(13), 1, 2),
            leaf(1_234, 321),
            leaf(2_047, 1_016),
        ],
    )
    .unwrap();
    let level = ConfidenceLevel::new(0.9).unwrap();
    let t = tree_table("comparability", &tree, level, Lang::En);
    assert_eq!(t.columns[3..], ["90% low", "90% high"]);
    let value = |t: &Table, r: usize, k: usize| match t.rows[r][k].value {
        Value::Share(x) => x,
        ref v => panic!("{v:?}"),
    };
    for (r, (k, n)) in [(0, (321, 1_234)), (1, (1_016, 2_047))] {
        let w = wilson(k, n, level);
        assert_eq!((value(&t, r, 3), value(&t, r, 4)), (w.low, w.high));
        assert!(w.contains(value(&t, r, 2)));
    }
    // Strict: from the rounded counts (320 of 1,230), never from the exact ones.
    let rules = DisclosureRules {
        round_to: 10,
        ..DisclosureRules::default()
    };
    let mut strict = t.clone();
    assert!(apply(&mut strict, DisclosureMode::Strict, &rules, None).passes());
    let rounded = wilson(320, 1_230, level);
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    assert_eq!(
        (value(&strict, 0, 3), value(&strict, 0, 4)),
        (round(rounded.low), round(rounded.high))
    );
}

#[test]
fn counts_must_be_rounded_in_the_output() {
    let t = counts_table(&small(), Lang::En);
    let rules = DisclosureRules {
        min_persons: 1,
        zeros_disclosive: false,
        ..DisclosureRules::default()
    };
    // Report style rounds to hundreds: passes.
    assert!(check_table(&t, &rules, Some(100)).findings.is_empty());
    // Unrounded machine output: one finding for the table.
    let check = check_table(&t, &rules, None);
    let f: Vec<_> = check.failing(Rule::Rounding).collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].row, None);
    assert!(
        f[0].detail
            .ends_with("count(s) not rounded to multiples of 100 in this output"),
        "{}",
        f[0].detail
    );
    // Strict rounds the values themselves, so even CSV is rounded, and the mean
    // probability is the ratio of the rounded counts (10 / 40), not 0.3, which would give
    // the unrounded comparable back.
    let rules = DisclosureRules {
        round_to: 10,
        ..rules
    };
    let mut strict = t.clone();
    let check = apply(&mut strict, DisclosureMode::Strict, &rules, None);
    assert!(check.passes());
    assert_eq!(
        strict.to_csv(None).lines().nth(1).unwrap(),
        "Total,40,10,0.25,0,0,0,rounded"
    );
}

#[test]
fn extremes_and_keys_fail() {
    let t = Table::new("ages", ["group", "persons", "max age", "person_id"])
        .with_row([
            Cell::text("all"),
            Cell::count(500.0).on("persons", 500),
            Cell::number(66.0, 0),
            Cell::text("P00000003"),
        ])
        .with_row([
            Cell::text("youngest"),
            Cell::count(500.0).on("persons", 500),
            Cell::number(16.0, 0).extreme(),
            Cell::text("P00000004"),
        ]);
    assert_eq!(failing(&t, Rule::NoExtremes), [(0, 2), (1, 2)]);
    assert_eq!(failing(&t, Rule::NoKeys), [(0, 3), (1, 3)]);
    let mut strict = t.clone();
    apply(
        &mut strict,
        DisclosureMode::Strict,
        &DisclosureRules::default(),
        Some(100),
    );
    let text = strict.to_text(&Style::report(Lang::En));
    assert!(!text.contains("P0000000"), "{text}");
    assert!(!text.contains("66"), "{text}");
}

#[test]
fn person_ids_are_found_in_outputs() {
    let pop = read_csv_path("data/sample.csv", &ReadOptions::default()).unwrap();
    let some_id = pop.person_ids().get(17).to_string();
    let input = |name: &str, label: &str| ScanInput {
        name: name.into(),
        labels: vec![label.into()],
        prose: Vec::new(),
    };
    let hits = scan_ids(
        &[input("clean.md", "Total"), input("leaky.md", &some_id)],
        pop.person_ids().iter(),
    );
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].output.as_str(), hits[0].id.as_str()),
        ("leaky.md", some_id.as_str())
    );
    // An id inside a longer word is not that id.
    let longer = format!("{some_id}9");
    assert!(scan_ids(&[input("x", &longer)], pop.person_ids().iter()).is_empty());
}

#[test]
fn the_check_report_lists_tables_rules_and_failing_cells() {
    let mut report = Report::from_population(&small(), Style::report(Lang::En));
    let mut check = CheckReport::new(
        DisclosureMode::Report,
        DisclosureRules::default(),
        Some(100),
    );
    check.apply_to(&mut report);
    check.scan(&[report.scan_input("tables.md")], ["P1", "P2"]);
    let md = check.to_markdown();
    for needle in [
        "# Output check report",
        "Mode: **report**",
        "| minimum persons | at least 10 persons behind every published cell",
        "| rounding | counts rounded to multiples of 100",
        "| no extremes |",
        "| no keys |",
        "## Summary: 18 finding(s) still open",
        "| `small_counts` | Small: population, expected comparable and job outcomes | 18 | 5 | 2 | 0 | 0 | 0 | 0 | FAIL |",
        "### `small_counts`",
        "| a | persons | minimum persons | fewer than 10 persons | marked (!) |",
        "| b | had work | minimum persons | fewer than 10 employed persons | marked (!) |",
        "| a | finds work | zeros | no persons without work (zeros are disclosive) | marked (!) |",
        "person_id values compared with every label and text of the outputs",
        "stays inside the environment",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    assert_eq!(check.open_findings(), 18);
    // Strict: the same cells suppressed, nothing left open.
    let mut report = Report::from_population(&small(), Style::report(Lang::En));
    let mut strict = CheckReport::new(
        DisclosureMode::Strict,
        DisclosureRules::default(),
        Some(100),
    );
    strict.apply_to(&mut report);
    assert_eq!(strict.open_findings(), 0);
    assert!(strict
        .to_markdown()
        .contains("## Summary: every table passes"));
    assert!(strict.to_markdown().contains("suppressed (x)"));
}

#[test]
fn every_number_in_prose_is_a_count_and_parameters_are_printed_as_given() {
    let make = || {
        let mut r = Report::new(Style::report(Lang::En));
        r.paragraph("larger than the 392273 eligible persons, 97 of them small");
        r.parameters("300 replicates? no: 250 replicates (seed 12345)");
        r
    };
    let mut report = make();
    let mut check = CheckReport::new(
        DisclosureMode::Report,
        DisclosureRules::default(),
        Some(100),
    );
    check.apply_to(&mut report);
    assert_eq!(report, make(), "report mode changes nothing");
    let text = check.tables.iter().find(|t| t.id == "text").unwrap();
    // Both numbers of the paragraph, below 3 digits too; none of the parameters.
    assert_eq!(text.findings.len(), 2);
    // The check report does not repeat the unrounded number.
    assert_eq!(text.findings[0].detail, "an unrounded number in the text");
    assert!(!check.to_markdown().contains("392273"));
    assert_eq!(check.open_findings(), 2);
    let mut strict = CheckReport::new(
        DisclosureMode::Strict,
        DisclosureRules::default(),
        Some(100),
    );
    strict.apply_to(&mut report);
    assert_eq!(strict.open_findings(), 0);
    let out = report.render(OutputFormat::Text);
    assert!(
        out.contains("larger than the 392300 eligible persons, 100 of them"),
        "{out}"
    );
    assert!(out.contains("250 replicates (seed 12345)"), "{out}");
}

#[test]
fn ids_are_found_whatever_their_spelling_and_numbers_are_not_ids() {
    let ids = ["R000123456", "A&B0001", "P00000017", "300", "x", "1164"];
    let mut t = Table::new("t", ["buddy", "persons"])
        .with_row(["buddy = R+000123456".into(), Cell::count(300.0)])
        .with_row(["R 000123456".into(), Cell::count(1164.0)])
        .with_row(["r:000123456".into(), Cell::count(1164.0)])
        // As an HTML rendering would carry it.
        .with_row(["buddy = A&amp;B0001".into(), Cell::count(300.0)])
        .with_row(["days <= 1164 (< 300 days)".into(), Cell::count(300.0)]);
    apply(
        &mut t,
        DisclosureMode::Strict,
        &DisclosureRules::default(),
        Some(100),
    );
    let mut input = ScanInput {
        name: "t.html".into(),
        ..ScanInput::default()
    };
    t.add_to_scan(&mut input);
    let hits = scan_ids(&[input], ids);
    let found: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    // Each spelling of R000123456 is the same id (one hit per output); A&B0001 escaped
    // is A&B0001. Counts (300, 1164), a threshold (1164 after <=) and the suppression
    // mark x are not ids.
    assert_eq!(found, ["R000123456", "A&B0001"]);
    // A category level that is a numeric id is one.
    let input = ScanInput {
        name: "t".into(),
        labels: vec!["region = 1164".into()],
        prose: vec!["1164 persons".into()],
    };
    assert_eq!(scan_ids(&[input], ids).len(), 1);
}

#[test]
fn strict_shares_are_derived_from_the_rounded_counts() {
    // 1,234 persons: 400 at level 1, 834 at level 2. Published: 1,200 in total; shares
    // to 0.1% of 400/1,234 and 834/1,234 would give back the unrounded total.
    let mut e = small();
    e.total = counts(1_234, 234);
    e.by_education = Breakdown {
        cells: vec![
            ("1".into(), "level 1".into(), counts(400, 100)),
            ("2".into(), "level 2".into(), counts(834, 134)),
        ],
    };
    let mut t = breakdown_table(&e, BreakdownKind::Education, Lang::En);
    apply(
        &mut t,
        DisclosureMode::Strict,
        &DisclosureRules::default(),
        Some(100),
    );
    let Value::Share(level_1) = t.rows[1][1].value else {
        panic!("{:?}", t.rows[1][1])
    };
    let Value::Share(level_2) = t.rows[2][1].value else {
        panic!()
    };
    assert_eq!((level_1, level_2), (0.333, 0.667));
    let csv = t.to_csv(Some(100));
    assert!(
        csv.lines().nth(1).unwrap().starts_with("Total,1200,"),
        "{csv}"
    );
    assert!(csv.contains("level 1,0.333,"), "{csv}");
}

#[test]
fn sds_and_probabilities_are_rounded_under_strict() {
    let make = || {
        Table::new("t", ["item", "sd", "probability", "mean"]).with_row([
            Cell::text("a"),
            Cell::number(12.345_678_9, 0).on("persons", 500),
            Cell::share(0.123_456_789).on("persons", 500),
            Cell::ratio(321.0, 1_234.0).on("persons", 1_234),
        ])
    };
    let mut strict = make();
    apply(
        &mut strict,
        DisclosureMode::Strict,
        &DisclosureRules::default(),
        None,
    );
    // Numbers at the precision they are shown with, shares to 0.1%, a ratio of counts
    // from the rounded counts (300 / 1,200).
    assert_eq!(
        strict.to_csv(None).lines().nth(1).unwrap(),
        "a,12,0.123,0.25,rounded"
    );
    let mut report = make();
    apply(
        &mut report,
        DisclosureMode::Report,
        &DisclosureRules::default(),
        None,
    );
    assert_eq!(
        report.to_csv(None).lines().nth(1).unwrap(),
        format!("a,12.3456789,0.123456789,{},ok", 321.0 / 1_234.0)
    );
}

#[test]
fn the_correction_and_c_are_checked_cells_and_too_few_held_out_is_refused() {
    // 8 trained register members of 100: the factor and the trained count would give
    // them back.
    let register = CorrectionFactor {
        correction: Correction::RegisterSize,
        factor: 100.0 / 8.0,
        register_size: 100,
        register_size_trained: 8,
        labelling: None,
    };
    let mut t = correction_table(&register, Lang::En);
    let mut check = CheckReport::new(
        DisclosureMode::Strict,
        DisclosureRules::default(),
        Some(100),
    );
    check.apply_to_table(&mut t);
    assert_eq!(t.rows[0][1].status, Status::Suppressed, "the factor");
    assert_eq!(t.rows[2][1].status, Status::Suppressed, "8 trained");
    let text = t.to_text(&Style::report(Lang::En));
    assert!(!text.contains("12.5") && !text.contains(" 8\n"), "{text}");
    let err = check.ensure_exportable().unwrap_err().to_string();
    assert!(
        err.contains("correction factor rests on too few persons"),
        "{err}"
    );
    // Elkan-Noto's c from 5 held-out register members: refused under strict, marked in
    // report mode.
    let rate = LabellingRate {
        c: 0.000_44,
        interval: Interval {
            low: 0.0002,
            high: 0.0007,
        },
        level: ConfidenceLevel::DEFAULT,
        interval_method: LabellingInterval::NormalMean,
        held_out_positives: 5,
        score_sd: 0.001,
    };
    let elkan = CorrectionFactor {
        correction: Correction::ElkanNoto,
        factor: 1.0 / rate.c,
        register_size: 20_000,
        register_size_trained: 15_000,
        labelling: Some(rate),
    };
    let mut t = correction_table(&elkan, Lang::En);
    let mut report = CheckReport::new(
        DisclosureMode::Report,
        DisclosureRules::default(),
        Some(100),
    );
    report.apply_to_table(&mut t);
    assert!(t.to_text(&Style::report(Lang::En)).contains("0.0004 (!)"));
    let mut t = correction_table(&elkan, Lang::En);
    let mut strict = CheckReport::new(
        DisclosureMode::Strict,
        DisclosureRules::default(),
        Some(100),
    );
    strict.apply_to_table(&mut t);
    assert!(matches!(
        strict.ensure_exportable(),
        Err(banenafspraak::Error::InvalidParameter {
            name: "disclosure",
            ..
        })
    ));
}

#[test]
fn the_check_report_json_has_the_acro_layout() {
    let mut report = Report::from_population(&small(), Style::report(Lang::En));
    let mut check = CheckReport::new(
        DisclosureMode::Report,
        DisclosureRules::default(),
        Some(100),
    );
    check.apply_to(&mut report);
    check.scan(&[report.scan_input("tables.md")], ["P0000001"]);
    let json = check.to_acro_json();
    // The layout's version, as the SACRO viewer reads it (major.minor.patch, at least 0.4);
    // the producer beside it.
    assert_acro_layout(&json);
    assert_eq!(json["version"], "0.4.0");
    assert!(json["producer"]
        .as_str()
        .unwrap()
        .starts_with("banenafspraak "));
    let counts = &json["results"]["small_counts"];
    assert_eq!(counts["uid"], "small_counts");
    assert_eq!(counts["status"], "fail");
    assert_eq!(counts["type"], "table");
    assert_eq!(counts["files"][0]["name"], "tables.md");
    let sdc = &counts["files"][0]["sdc"];
    assert_eq!(sdc["summary"]["threshold"], 5);
    assert_eq!(sdc["summary"]["zeros"], 2);
    assert_eq!(sdc["cells"]["threshold"][0], serde_json::json!([1, 1]));
    assert_eq!(counts["outcome"]["persons"]["a"], "threshold; ");
    assert_eq!(counts["outcome"]["persons"]["Total"], "ok");
    assert!(counts["summary"]
        .as_str()
        .unwrap()
        .starts_with("fail; threshold: 5 cells"));
    assert_eq!(json["results"]["person_id_scan"]["status"], "pass");
    assert_eq!(
        json["results"]["disclosure_rules"]["properties"]["rules"]["zeros_disclosive"],
        true
    );
    // Strict: the same cells suppressed, status review (as ACRO after suppression).
    let mut report = Report::from_population(&small(), Style::report(Lang::En));
    let mut strict = CheckReport::new(
        DisclosureMode::Strict,
        DisclosureRules::default(),
        Some(100),
    );
    strict.apply_to(&mut report);
    let json = strict.to_acro_json();
    assert_acro_layout(&json);
    assert_eq!(json["results"]["small_counts"]["status"], "review");
    assert_eq!(
        json["results"]["small_counts"]["files"][0]["sdc"]["summary"]["suppressed"],
        true
    );
    // No count of persons in either account.
    assert!(!strict.to_markdown().contains("7 persons"));
    assert!(!json.to_string().contains("7 persons"));
}

/// A category level's logistic coefficient says something about the training rows with
/// the level: a level of 4 rows is suppressed under strict (estimate, standard error and
/// z), marked under report; the numeric feature's coefficient is published.
#[test]
fn a_category_level_of_few_persons_is_a_suppressed_coefficient() {
    let n = 400;
    let region: Vec<u16> = (0..n).map(|i| u16::from(i < 4)).collect();
    let days: Vec<u16> = (0..n).map(|i| (i % 11) as u16).collect();
    let y: Vec<bool> = (0..n).map(|i| i % 3 == 0 || i == 1).collect();
    let x = FeatureMatrix::new(
        n,
        vec![
            FeatureColumn::categorical("region", ["mainland", "island"], region),
            FeatureColumn::numeric("days_ww", 10, days),
        ],
    )
    .unwrap();
    let rows: Vec<usize> = (0..n).collect();
    let m = LogisticParams::default().fit(&x, &y, &rows).unwrap();
    assert_eq!(m.names(), ["region=island", "days_ww"]);
    // Rows 0..4 hold the island: rows 0, 1 and 3 are positive.
    assert_eq!(m.level_rows(), [Some((4, 3)), None]);
    let row_of = |t: &Table, label: &str| {
        t.rows
            .iter()
            .position(|r| matches!(&r[0].value, Value::Text(s) if s == label))
            .unwrap()
    };
    let mut t = logistic_table("comparability", &m, Lang::En);
    let mut strict = CheckReport::new(
        DisclosureMode::Strict,
        DisclosureRules::default(),
        Some(100),
    );
    strict.apply_to_table(&mut t);
    let island = row_of(&t, "region=island");
    assert!(t.rows[island][1..]
        .iter()
        .all(|c| c.status == Status::Suppressed));
    let days = row_of(&t, "days_ww");
    assert!(t.rows[days][1..]
        .iter()
        .all(|c| c.status != Status::Suppressed));
    assert!(strict.ensure_exportable().is_ok());
    let mut t = logistic_table("comparability", &m, Lang::En);
    let mut report = CheckReport::new(
        DisclosureMode::Report,
        DisclosureRules::default(),
        Some(100),
    );
    report.apply_to_table(&mut t);
    let mut cells = failing(&t, Rule::MinPersons);
    cells.dedup();
    assert_eq!(cells, [(island, 1), (island, 2), (island, 3)]);
}
