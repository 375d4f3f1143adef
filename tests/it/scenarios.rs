//! Populations written as rules: the scenario files shipped in `scenarios/` parse, the
//! report's four written as rules count exactly what the built-in ones count, a rule on an
//! extra column selects by that column, and a missing column stops the run by name.

use crate::common;

use banenafspraak::estimate::scenario::{parse_population_arg, read_scenario};
use banenafspraak::estimate::{EstimationParams, Intervals, ScoredPopulation};
use banenafspraak::schema::{read_csv, write_csv, ReadOptions};
use banenafspraak::Error;
use common::{generate, STEPS};

fn scenario(name: &str) -> Vec<ScoredPopulation> {
    read_scenario(format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_report_populations_written_as_rules_give_the_built_in_counts() {
    let pop = generate(&STEPS, 120_000, 7);
    let params = EstimationParams {
        intervals: Intervals::None,
        ..EstimationParams::default()
    };
    let (fitted, _) = params.fit_with_progress(&pop, &mut |_| {}).unwrap();
    let built_in = fitted
        .estimate(&pop, &ScoredPopulation::report_populations())
        .unwrap();
    let written = fitted.estimate(&pop, &scenario("report.toml")).unwrap();
    assert_eq!(built_in.len(), 4);
    for (a, b) in built_in.iter().zip(&written) {
        assert!(
            a.total.persons > 100,
            "{} has {} persons",
            a.name,
            a.total.persons
        );
        // Every field: persons, counts, sub-groups (names, labels and counts), breakdowns.
        assert_eq!(a, b, "population {}", a.name);
    }
}

#[test]
fn every_shipped_scenario_parses() {
    for entry in std::fs::read_dir(format!("{}/scenarios", env!("CARGO_MANIFEST_DIR"))).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let pops = read_scenario(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!pops.is_empty(), "{}", path.display());
        }
    }
}

/// A person file with an extra column `region`, from the known-truth generator.
fn with_region(n: usize) -> banenafspraak::schema::Population {
    let pop = generate(&STEPS, n, 3);
    let mut csv = Vec::new();
    write_csv(&pop, &mut csv, "regions.csv").unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let region = match i {
            0 => "region",
            i if i % 3 == 0 => "north",
            _ => "south",
        };
        out.push_str(line);
        out.push(',');
        out.push_str(region);
        out.push('\n');
    }
    read_csv(out.as_bytes(), "regions.csv", &ReadOptions::default()).unwrap()
}

#[test]
fn a_rule_on_an_extra_column_selects_by_it() {
    let pop = with_region(60_000);
    let params = EstimationParams {
        intervals: Intervals::None,
        ..EstimationParams::default()
    };
    let (fitted, _) = params.fit_with_progress(&pop, &mut |_| {}).unwrap();
    let all = parse_population_arg("bijstand_all: bijstand = 1").unwrap();
    let north = parse_population_arg("bijstand_north: bijstand = 1 and region = north").unwrap();
    let south = parse_population_arg("bijstand_south: bijstand = 1 and region != north").unwrap();
    let est = fitted.estimate(&pop, &[all, north, south]).unwrap();
    let (a, n, s) = (&est[0].total, &est[1].total, &est[2].total);
    assert!(
        n.persons > 0 && s.persons > n.persons,
        "{} {}",
        n.persons,
        s.persons
    );
    assert_eq!(n.persons + s.persons, a.persons);
    assert!((n.comparable + s.comparable - a.comparable).abs() < 1e-6 * a.comparable);
    // Rows 3, 6, 9, ... of the file are north: a third of the bijstand recipients, give or
    // take sampling (binomial sd of the share about 0.02 at these sizes).
    let share = n.persons as f64 / a.persons as f64;
    assert!((share - 1.0 / 3.0).abs() < 0.08, "share north {share}");
}

#[test]
fn a_missing_extra_column_stops_the_run_by_name() {
    let pop = generate(&STEPS, 60_000, 5);
    let params = EstimationParams {
        intervals: Intervals::None,
        populations: scenario("extension_2023_extra_columns.toml"),
        ..EstimationParams::default()
    };
    match params.run(&pop) {
        Err(Error::PopulationRule { population, error }) => {
            assert!(
                population.starts_with("wia_below_minimum_wage"),
                "{population}"
            );
            assert!(
                error.message.contains("`below_minimum_wage` is neither"),
                "{error}"
            );
        }
        other => panic!("expected a rule error, got {other:?}"),
    }
}

#[test]
fn scenario_files_with_errors_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let cases = [
        ("[[population]]\nname = \"x\"\nrule = \"age < \"\n", "position 7"),
        ("[[population]]\nname = \"X\"\nrule = \"ww\"\n", "lower-case"),
        ("[[population]]\nname = \"x\"\n", "line 1"),
        ("[[population]]\nname = \"x\"\nrule = \"ww\"\nrules = 1\n", "line 4"),
        ("", "no [[population]]"),
        (
            "[[population]]\nname = \"x\"\nrule = \"ww\"\n[[population]]\nname = \"x\"\nrule = \"ww\"\n",
            "defined twice",
        ),
    ];
    for (text, words) in cases {
        std::fs::write(&path, text).unwrap();
        let e = read_scenario(&path).unwrap_err();
        let shown = e.to_string();
        assert!(
            matches!(e, Error::Scenario { .. } | Error::PopulationRule { .. }),
            "{shown}"
        );
        assert!(shown.contains(words), "{text:?}: {shown}");
        assert!(shown.contains("bad.toml"), "{shown}");
    }
}
