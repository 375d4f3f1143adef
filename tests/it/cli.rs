//! The `banenafspraak` command as a user runs it: exit codes, where messages go, and the
//! output formats of `check` and `estimate`.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use banenafspraak::estimate::{ResultRow, RESULT_COLUMNS};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A synthetic file of `persons` persons in a fresh directory.
fn synthetic(dir: &Path, persons: usize) -> PathBuf {
    let path = dir.join("persons.csv");
    let out = run(&[
        "synth",
        "--persons",
        &persons.to_string(),
        "--seed",
        "4",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

const SMALL_TREES: [&str; 4] = ["--min-leaf", "200", "--job-min-leaf", "30"];

#[test]
fn check_summarises_a_valid_file() {
    let out = run(&["check", "--input", "data/sample.csv"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("data/sample.csv: valid (microdata schema v1)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("persons                          400"),
        "{stdout}"
    );
    assert!(stdout.contains("job-find (entrants)"), "{stdout}");
}

#[test]
fn check_refuses_a_broken_file_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string("data/sample.csv").unwrap();
    // The first man aged 66 gets an impossible age; lines count from 1 with the header.
    let line = 1 + sample
        .lines()
        .position(|l| l.contains(",male,66,"))
        .expect("the sample has a man aged 66");
    let broken = sample.replacen(",male,66,", ",male,266,", 1);
    let path = dir.path().join("broken.csv");
    std::fs::write(&path, broken).unwrap();
    let out = run(&["check", "--input", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "broken.csv: line {line}, column age, value \"266\": expected a whole number in 0 ..= 120"
        )),
        "{stderr}"
    );
    let missing = run(&["check", "--input", "no/such.csv"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no/such.csv"));
}

#[test]
fn estimate_writes_results_table_v2_as_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 40_000);
    let input = input.to_str().unwrap();
    let out = run(&[
        &["estimate", "--input", input, "--format", "csv", "--quiet"][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("note: Correction: the register-size factor")
            && stderr.contains("note: register-size factor")
            && stderr.contains("note: Intervals: 95% bootstrap percentile intervals"),
        "the correction and the intervals are stated beside the table: {stderr}"
    );
    let mut lines = csv.lines();
    let header = format!("{},disclosure", RESULT_COLUMNS.join(","));
    assert_eq!(lines.next(), Some(header.as_str()));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 16, "4 totals and 12 sub-groups:\n{csv}");
    assert!(rows[0].starts_with("ww,total,"));
    assert!(rows[4].starts_with("wia,total,"));
    // The default bootstrap intervals fill the six interval columns, low <= value <= high
    // for comparable.
    for r in &rows {
        let cells: Vec<&str> = r.split(',').collect();
        assert_eq!(cells.len(), RESULT_COLUMNS.len() + 1, "{r}");
        // Report mode: checked, numbers unchanged.
        assert!(matches!(cells[17], "ok" | "flagged"), "{r}");
        let num = |k: usize| -> f64 { cells[k].parse().unwrap_or_else(|_| panic!("{r}")) };
        assert!(
            num(8) <= num(9) && num(10) <= num(11) && num(12) <= num(13),
            "{r}"
        );
        // The synthetic file has job_hours_per_week (schema v1.1): banen with intervals.
        assert!(
            num(15) <= num(14) && num(14) <= num(16) && num(14) >= 0.0,
            "{r}"
        );
    }
    let none = run(&[
        &[
            "estimate",
            "--input",
            input,
            "--format",
            "csv",
            "--quiet",
            "--intervals",
            "none",
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(none.status.success(), "{}", text(&none.stderr));
    assert!(
        text(&none.stdout)
            .lines()
            .skip(1)
            .all(|r| {
                let cells: Vec<&str> = r.split(',').collect();
                cells[8..14].iter().chain(&cells[15..17]).all(|c| c.is_empty())
                    && cells[14].parse::<f64>().is_ok()
            }),
        "with --intervals none the interval columns are empty, and still there; banen are point estimates"
    );

    let json_path = dir.path().join("results.json");
    let json_path = json_path.to_str().unwrap();
    let out = run(&[
        &[
            "estimate", "--input", input, "--format", "json", "--output", json_path, "--quiet",
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let rows: Vec<ResultRow> =
        serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    assert_eq!(rows.len(), 16);
    assert!(rows
        .iter()
        .all(|r| r.comparable <= r.persons as f64 && r.finds_work <= r.comparable));
}

#[test]
fn estimate_text_shows_tables_models_and_validation() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 40_000);
    let out = run(&[
        &["estimate", "--input", input.to_str().unwrap(), "--quiet"][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for needle in [
        "Correction: the register-size factor",
        "register-size factor ",
        "Note: comparability: the requested sample is larger than the",
        "WW: population, expected comparable and job outcomes",
        "Bijstand: distribution by age band",
        "Model: comparability",
        "AUC",
        "Model: job-keep",
        "Counts rounded to hundreds",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
    let logistic = run(&[
        &[
            "estimate",
            "--input",
            input.to_str().unwrap(),
            "--quiet",
            "--model",
            "logistic",
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(logistic.status.success(), "{}", text(&logistic.stderr));
    assert!(
        text(&logistic.stdout).contains("converged"),
        "{}",
        text(&logistic.stdout)
    );
}

#[test]
fn estimate_text_shows_intervals_corrections_sensitivity_and_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 40_000);
    let input = input.to_str().unwrap();
    let out = run(&[
        &[
            "estimate",
            "--input",
            input,
            "--quiet",
            "--replicates",
            "40",
            "--correction",
            "elkan-noto",
            "--sensitivity",
            "--diagnostics",
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for needle in [
        "Correction: Elkan-Noto labelling rate c, the mean score of held-out register members",
        "labelling rate c ",
        "held-out register members ",
        "bootstrap, 40 replicates",
        "SCAR",
        "Intervals: 95% bootstrap percentile intervals, 40 replicates",
        "Realised sd",
        "95% low",
        "WW: 95% intervals of the expected counts",
        "Note: 40 bootstrap replicates",
        "Sensitivity: expected comparable persons",
        "elkan-noto *",
        "tree depth 4, min leaf 500",
        "logistic (l2 1)",
        "Overlap: distribution of the comparability score",
        "No support: share of the population",
        "WW: balance against the register members",
        "days_bijstand",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
    // In Dutch and Markdown: the correction, the intervals and the diagnostics in Dutch,
    // as checked tables.
    let out = run(&[
        &[
            "estimate",
            "--input",
            input,
            "--quiet",
            "--replicates",
            "10",
            "--correction",
            "elkan-noto",
            "--lang",
            "nl",
            "--format",
            "markdown",
            "--diagnostics",
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for needle in [
        "Correctie: Elkan-Noto, labelkans c, de gemiddelde score",
        "| labelkans c | 0,",
        "SCAR",
        "Intervallen: 95%-percentielintervallen uit 10 bootstrapherhalingen",
        "WW: 95%-intervallen van de verwachte aantallen",
        "**Overlap: verdeling van de vergelijkbaarheidsscore",
        "| Kenmerk | register | populatie |",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
    // --correction-factor F is --correction fixed=F; analytic intervals and none work too.
    for args in [
        &["--correction-factor", "2.5", "--intervals", "analytic"][..],
        &["--correction", "fixed=2.5", "--intervals", "none"][..],
    ] {
        let out = run(&[
            &["estimate", "--input", input, "--quiet"][..],
            &SMALL_TREES,
            args,
        ]
        .concat());
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            // The user's factor as given, not rounded.
            stdout.contains("Correction: fixed factor 2.5 given by the user"),
            "{stdout}"
        );
        if args.contains(&"analytic") {
            assert!(
                stdout.contains(
                    "Intervals: 95% normal intervals from the analytic leaf-rate variance"
                ),
                "{stdout}"
            );
        } else {
            assert!(stdout.contains("Intervals: not computed"), "{stdout}");
            // No intervals table (the trees' leaf intervals are there in any case).
            assert!(
                !stdout.contains("intervals of the expected counts"),
                "{stdout}"
            );
        }
    }
}

#[test]
fn the_level_sets_every_interval_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 40_000);
    let input = input.to_str().unwrap();
    let csv_at = |level: &str| {
        let out = run(&[
            &["estimate", "--input", input, "--format", "csv", "--quiet"][..],
            &[
                "--replicates",
                "40",
                "--correction",
                "elkan-noto",
                "--level",
                level,
            ],
            &SMALL_TREES,
        ]
        .concat());
        assert!(out.status.success(), "{}", text(&out.stderr));
        (text(&out.stdout), text(&out.stderr))
    };
    let (wide, _) = csv_at("0.95");
    let (narrow, notes) = csv_at("90%");
    assert!(
        notes.contains("Intervals: 90% bootstrap percentile intervals")
            && notes.contains("90% interval: bootstrap")
            && notes.contains("c, 90% low"),
        "the level is stated for the counts and for c: {notes}"
    );
    // The same replicates (same seed), so each 90% interval lies inside the 95% one, and
    // strictly so for some: the level reaches every interval column.
    let mut strictly = 0;
    for (w, n) in wide.lines().zip(narrow.lines()).skip(1) {
        let (w, n): (Vec<&str>, Vec<&str>) = (w.split(',').collect(), n.split(',').collect());
        assert_eq!(w[..8], n[..8], "the estimates do not depend on the level");
        let num = |r: &[&str], k: usize| -> f64 { r[k].parse().unwrap() };
        for (lo, hi) in [(8, 9), (10, 11), (12, 13), (15, 16)] {
            assert!(
                num(&w, lo) <= num(&n, lo) && num(&n, hi) <= num(&w, hi),
                "{w:?} {n:?}"
            );
            strictly += usize::from(num(&w, lo) < num(&n, lo) && num(&n, hi) < num(&w, hi));
        }
    }
    assert!(strictly >= 16, "only {strictly} intervals narrower at 90%");
    let text_out = run(&[
        &[
            "estimate",
            "--input",
            input,
            "--quiet",
            "--replicates",
            "40",
            "--level",
            "0.9",
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    let stdout = text(&text_out.stdout);
    assert!(
        stdout.contains("WW: 90% intervals of the expected counts") && stdout.contains("90% low"),
        "{stdout}"
    );
    for bad in ["1.5", "0.3", "95", "ninety"] {
        let out = run(&["estimate", "--input", input, "--quiet", "--level", bad]);
        assert_eq!(out.status.code(), Some(2), "--level {bad}");
        assert!(text(&out.stderr).contains("level"), "--level {bad}");
    }
}

#[test]
fn estimate_refuses_bad_parameters_and_degenerate_data() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 3_000);
    let input = input.to_str().unwrap();
    // Exit code 1 for a refused run, 2 for a malformed command line (the README's promise).
    let fails_with = |code: i32, args: &[&str], words: &str| {
        let out = run(&[&["estimate", "--input", input, "--quiet"][..], args].concat());
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(words),
            "{args:?}: expected {words:?} in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    let fails = |args: &[&str], words: &str| fails_with(1, args, words);
    let malformed = |args: &[&str], words: &str| fails_with(2, args, words);
    fails(&["--correction-factor", "0"], "correction factor");
    fails(&["--correction-factor=-2"], "must be a positive number");
    malformed(&["--correction", "fixed=0"], "must be a positive number");
    malformed(
        &["--correction", "register"],
        "expected register-size, elkan-noto or fixed=F",
    );
    malformed(
        &["--correction", "elkan-noto", "--correction-factor", "2"],
        "cannot be used with",
    );
    fails(&["--replicates", "1"], "at least 2 replicates");
    fails(
        &["--intervals", "analytic", "--model", "logistic"],
        "analytic intervals are the trees' leaf-rate variance",
    );
    fails(
        &["--sensitivity", "--format", "csv"],
        "--sensitivity and --diagnostics are sections of the text, Markdown or HTML output",
    );
    fails(
        &["--min-persons", "5", "--disclosure", "strict"],
        "--allow-small-minimum",
    );
    malformed(
        &["--min-leaf", "18446744073709551615"],
        "at most 100000000 persons per leaf",
    );
    malformed(
        &["--sample-size", "0"],
        "expected a positive whole number or `all`",
    );
    fails(&["--max-depth", "0"], "max_depth");
    fails(&[], "lower the minimum leaf size");
    fails(
        &["--features", "days_bijstand,age"],
        "age is not a feature of the comparability model",
    );
    fails(&["--features", "in_register"], "not a feature");
    fails(&["--features", "cat:region"], "no such extra column");
    // No register members at all: the comparability model has no positives.
    let sample = std::fs::read_to_string(input).unwrap();
    let header = sample.lines().next().unwrap();
    let k = header.split(',').position(|h| h == "in_register").unwrap();
    let outside: Vec<&str> = std::iter::once(header)
        .chain(
            sample
                .lines()
                .skip(1)
                .filter(|l| l.split(',').nth(k) == Some("0")),
        )
        .collect();
    let path = dir.path().join("outside.csv");
    std::fs::write(&path, outside.join("\n")).unwrap();
    let out = run(&[
        "estimate",
        "--input",
        path.to_str().unwrap(),
        "--quiet",
        "--min-leaf",
        "50",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot fit the comparability model: no positives"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn estimate_renders_dutch_markdown_and_html_with_a_check_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 40_000);
    let md_path = dir.path().join("tables.md");
    let check_path = dir.path().join("check.md");
    let out = run(&[
        &[
            "estimate",
            "--input",
            input.to_str().unwrap(),
            "--quiet",
            "--format",
            "markdown",
            "--lang",
            "nl",
            "--disclosure",
            "strict",
            "--check-report",
            check_path.to_str().unwrap(),
            "--output",
            md_path.to_str().unwrap(),
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = std::fs::read_to_string(&md_path).unwrap();
    for needle in [
        "## WW",
        "| Groep | Aantal | Verwachte aantal vergelijkbaar | Gemiddelde kans |",
        "| Opleidingsniveau | Bruto aantal | Vergelijkbaar | Had werk | Vindt werk | Behoudt werk |",
        "| 50 jaar of ouder |",
        "*Afronding op 100-tallen",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    let check = std::fs::read_to_string(&check_path).unwrap();
    for needle in [
        "# Output check report",
        "Mode: **strict**",
        "| `ww_counts` |",
        "| `comparability_tree` |",
        "person_id values compared with every label and text of the outputs",
        "none found.",
    ] {
        assert!(check.contains(needle), "missing {needle:?} in\n{check}");
    }
    // Report mode (the default) marks and tells on stderr; HTML output.
    let out = run(&[
        &[
            "estimate",
            "--input",
            input.to_str().unwrap(),
            "--quiet",
            "--format",
            "html",
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    assert!(html.starts_with("<div class=\"banenafspraak-report\">"));
    assert!(html.contains("<caption style=\"text-align:left;font-weight:bold\">WW: population, expected comparable and job outcomes</caption>"));
    if html.contains("(!)") {
        assert!(
            text(&out.stderr).contains("disclosure:"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn estimate_strict_csv_is_rounded_and_suppressed() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 40_000);
    let out = run(&[
        &[
            "estimate",
            "--input",
            input.to_str().unwrap(),
            "--quiet",
            "--format",
            "csv",
            "--disclosure",
            "strict",
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with(&RESULT_COLUMNS.join(",")));
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        for k in [2, 3, 5, 6, 7] {
            if let Ok(x) = cells[k].parse::<f64>() {
                assert_eq!(x % 100.0, 0.0, "{line}");
            }
        }
    }
}

#[cfg(feature = "plots")]
#[test]
fn estimate_writes_svg_plots() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 40_000);
    let plots = dir.path().join("plots");
    let out = run(&[
        &[
            "estimate",
            "--input",
            input.to_str().unwrap(),
            "--quiet",
            "--plots",
            plots.to_str().unwrap(),
        ][..],
        &SMALL_TREES,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 16, "{names:?}");
    for name in [
        "banen.svg",
        "ww_scores.svg",
        "ww_education.svg",
        "nug_age.svg",
        "comparability_calibration.svg",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        let svg = std::fs::read_to_string(plots.join(name)).unwrap();
        assert!(svg.starts_with("<svg"), "{name}");
    }
}

#[test]
fn cache_serves_a_second_read_and_is_ignored_when_the_input_changes() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), 40_000);
    let original = std::fs::read(&input).unwrap();
    let cache = dir.path().join("persons.csv.banenafspraak-cache");
    let path = input.to_str().unwrap();
    let check = |cached: bool| {
        let mut args = vec!["check", "--input", path];
        if cached {
            args.push("--cache");
        }
        let out = run(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    // Without --cache nothing is written beside the input.
    let plain = check(false);
    assert!(!cache.exists());
    assert_eq!(check(true), plain);
    assert!(cache.exists());
    let written = std::fs::metadata(&cache).unwrap().modified().unwrap();
    // The second read uses the cache (not rewritten) and says the same; the input is untouched.
    assert_eq!(check(true), plain);
    assert_eq!(
        std::fs::metadata(&cache).unwrap().modified().unwrap(),
        written
    );
    assert_eq!(std::fs::read(&input).unwrap(), original);
    // estimate --cache reads the same persons.
    let estimate = |cached: bool| {
        let mut args = vec![
            "estimate",
            "--input",
            path,
            "--intervals",
            "none",
            "--quiet",
        ];
        args.extend(SMALL_TREES);
        args.extend(["--format", "csv"]);
        if cached {
            args.push("--cache");
        }
        let out = run(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        out.stdout
    };
    assert_eq!(estimate(true), estimate(false));
    // A changed input (its last 50 persons gone) makes the cache stale: it is ignored.
    let kept: Vec<&str> = std::str::from_utf8(&original).unwrap().lines().collect();
    std::fs::write(&input, kept[..kept.len() - 50].join("\n") + "\n").unwrap();
    let changed = check(true);
    assert_ne!(changed, plain);
    assert_eq!(check(false), changed);
}
