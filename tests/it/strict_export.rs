//! `--disclosure strict` tried as an adversarial output checker would: every format and
//! output kind on a small file with small cells, key-like columns, punctuated ids, numeric
//! ids and a person whose id is the suppression mark; files that must never be written
//! over or left without their account; closed pipes and full disks.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use banenafspraak::estimate::RESULT_COLUMNS;

use crate::acro;
use acro::assert_acro_layout;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const FEATURES: &str = "days_employee,days_ww,days_bijstand,days_sickness_disability,\
days_other_social_benefit,days_any_benefit,days_in_school,days_student_with_income,\
days_no_income,days_nug,sex,migration,generation,education,years_special_secondary,\
disability_pct,cat:region";

const SMALL: [&str; 6] = [
    "--min-leaf",
    "200",
    "--job-min-leaf",
    "30",
    "--replicates",
    "20",
];

/// The punctuated id of row `i` (odd rows): `A&B0000017`, which HTML escapes.
fn punctuated(i: usize) -> String {
    format!("A&B{i:07}")
}

/// A synthetic file whose ids are numbers (even rows), punctuated (odd rows) and, for one
/// person, `x`; with extra columns `rinpersoon` (unique), `buddy` (other persons' ids in
/// other spellings), `income` (unique numbers) and `region` (one region of 3 persons).
fn adversarial(dir: &Path) -> PathBuf {
    let plain = dir.join("plain.csv");
    let out = run(&[
        "synth",
        "--persons",
        "40000",
        "--seed",
        "4",
        "--output",
        plain.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let source = std::fs::read_to_string(&plain).unwrap();
    let mut lines = source.lines();
    let mut file = format!("{},rinpersoon,buddy,income,region\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        let (_, rest) = line.split_once(',').unwrap();
        let id = match i {
            1 => "x".to_string(),
            i if i % 2 == 0 => (i + 1).to_string(),
            i => punctuated(i),
        };
        // Every 40th person names the next odd row's person, spelled otherwise.
        let buddy = if i % 40 == 0 {
            format!("a & b-{:07}", i + 1)
        } else {
            "none".into()
        };
        let region = match i {
            0..=2 => "island",
            i if i % 2 == 0 => "north",
            _ => "south",
        };
        file.push_str(&format!(
            "{id},{rest},{},{buddy},{},{region}\n",
            100_000_000 + i,
            i % 60_000
        ));
    }
    let path = dir.join("persons.csv");
    std::fs::write(&path, file).unwrap();
    path
}

fn no_temporary_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left behind: {name}");
    }
}

/// Whether a text holds a punctuated id of the file (`A&B` and 7 digits of an odd row),
/// in any spelling: punctuation, spacing, case and HTML escaping squeezed out.
fn holds_an_id(s: &str) -> bool {
    let squeezed: Vec<char> = s
        .replace("&amp;", "&")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    squeezed.windows(9).any(|w| {
        w[0] == 'a'
            && w[1] == 'b'
            && w[2..].iter().all(char::is_ascii_digit)
            && w[2..]
                .iter()
                .collect::<String>()
                .parse::<usize>()
                .is_ok_and(|i| i % 2 == 1 && i < 40_000)
    })
}

#[test]
fn strict_export_runs_every_format_and_output_kind() {
    let dir = tempfile::tempdir().unwrap();
    let input = adversarial(dir.path());
    let input = input.to_str().unwrap();
    for format in ["text", "markdown", "html", "csv", "json"] {
        let output = dir.path().join(format!("out.{format}"));
        let check = dir.path().join(format!("check_{format}.md"));
        let plots = dir.path().join(format!("plots_{format}"));
        let models = dir.path().join(format!("models_{format}"));
        let mut args = vec![
            "estimate",
            "--input",
            input,
            "--quiet",
            "--disclosure",
            "strict",
            "--format",
            format,
            "--features",
            FEATURES,
            "--output",
            output.to_str().unwrap(),
            "--check-report",
            check.to_str().unwrap(),
        ];
        args.extend(SMALL);
        if cfg!(feature = "plots") {
            args.extend(["--plots", plots.to_str().unwrap()]);
        }
        let machine = matches!(format, "csv" | "json");
        if !machine {
            args.extend(["--sensitivity", "--diagnostics"]);
        }
        // The --select grid: a checked table (beside CSV on standard error).
        let select = matches!(format, "csv" | "markdown");
        if select {
            args.push("--select");
        }
        if format == "text" {
            // The job cohorts of this small file are too small for any publishable tree:
            // saving the models is refused, and nothing is written.
            let mut save = args.clone();
            save.extend(["--save-models", models.to_str().unwrap()]);
            let out = run(&save);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{stderr}");
            assert!(
                stderr.contains("cannot be published even as one leaf"),
                "{stderr}"
            );
            assert!(!models.exists() && !output.exists(), "written anyway");
        }
        let out = run(&args);
        let stderr = text(&out.stderr);
        // Numeric ids 1, 3, ... and the id `x` do not block the export: counts, thresholds
        // and the suppression mark are not ids.
        assert!(out.status.success(), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        let body = std::fs::read_to_string(&output).unwrap();
        let md = std::fs::read_to_string(&check).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(check.with_extension("json")).unwrap())
                .unwrap();
        assert_acro_layout(&json);
        assert!(md.contains("Mode: **strict**"), "{md}");
        assert!(md.contains("## Summary: every table passes"), "{md}");
        assert!(md.contains("account of the output for the output checker"));
        // The trees' threshold rule is stated (issue 9.3).
        assert!(md.contains("tree thresholds on a coarse grid"), "{md}");
        // CorrectionFactor::describe's unrounded sentence never reaches an output.
        // (`= 1000 register members / 400 outside ...`).
        for s in [&body, &stderr] {
            let describes = s
                .match_indices(" register members / ")
                .any(|(i, _)| s[..i].ends_with(|c: char| c.is_ascii_digit()));
            assert!(!describes, "{format}: {s}");
        }
        // No count of persons in the account: failing cells are named, not counted.
        assert!(!md.contains(" persons < "), "{md}");
        assert!(!md.contains("unrounded number "), "{md}");
        for s in [&body, &md, &stderr] {
            assert!(!holds_an_id(s), "{format}: an id in {s}");
        }
        if machine {
            assert_results_v2(format, &body);
        } else {
            // The sections are checked tables; the run's parameters are printed as given.
            assert!(body.contains("Sensitivity"), "{format}");
            assert!(body.contains("Overlap"), "{format}");
            assert!(body.contains("20 replicates (seed 2019)"), "{format}");
            assert!(md.contains("`sensitivity`") && md.contains("`diagnostics_overlap`"));
            // Banen: a column of the counts tables and the hours tree, checked like the
            // other trees.
            assert!(
                md.contains("`hours_tree`") && md.contains("`ww_counts`"),
                "{md}"
            );
            assert!(body.contains("banen"), "{format}");
        }
        if select {
            assert!(md.contains("`model_selection`"), "{md}");
            let chosen = if machine { &stderr } else { &body };
            assert!(chosen.contains("Chosen by validation log loss"), "{format}");
        }
        if cfg!(feature = "plots") {
            let svgs = std::fs::read_dir(&plots).unwrap().count();
            assert!(svgs >= 10, "{format}: {svgs} plots");
            no_temporary_files(&plots);
            for e in std::fs::read_dir(&plots).unwrap() {
                let svg = std::fs::read_to_string(e.unwrap().path()).unwrap();
                assert!(!holds_an_id(&svg));
            }
        }
        no_temporary_files(dir.path());
    }
    // The logistic model's summary is a checked table too: no unrounded training counts.
    let logistic_models = dir.path().join("models_logistic");
    let out = run(&[
        &[
            "estimate",
            "--input",
            input,
            "--quiet",
            "--disclosure",
            "strict",
            "--model",
            "logistic",
            "--intervals",
            "none",
            "--features",
            FEATURES,
            "--save-models",
            logistic_models.to_str().unwrap(),
        ][..],
        &SMALL,
    ]
    .concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The region `island` of 3 persons: its coefficient is left out of the model file.
    let manifest = std::fs::read_to_string(logistic_models.join("models.json")).unwrap();
    assert!(
        manifest.contains("category level(s) with too few persons left out"),
        "{manifest}"
    );
    let comparability =
        std::fs::read_to_string(logistic_models.join("comparability.json")).unwrap();
    assert!(!comparability.contains("region=island"), "{comparability}");
    assert!(comparability.contains("region=south") || comparability.contains("region=north"));
    assert_strict_model_files(&logistic_models);
    let body = text(&out.stdout);
    assert!(
        body.contains("comparability: logistic coefficients"),
        "{body}"
    );
    assert!(!body.contains(" training rows, "), "{body}");
}

/// `--save-models` under strict on a file large enough for publishable trees (400,000
/// persons): the files hold only published cells, in the account, and pruned trees say so.
#[test]
fn strict_model_files_hold_only_published_cells() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("persons.csv");
    let out = run(&[
        "synth",
        "--persons",
        "400000",
        "--seed",
        "4",
        "--output",
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let models = dir.path().join("models");
    let check = dir.path().join("check.md");
    let out = run(&[
        "estimate",
        "--input",
        input.to_str().unwrap(),
        "--quiet",
        "--disclosure",
        "strict",
        "--intervals",
        "none",
        "--min-leaf",
        "400",
        "--job-min-leaf",
        "40",
        "--check-report",
        check.to_str().unwrap(),
        "--save-models",
        models.to_str().unwrap(),
        "--output",
        dir.path().join("out.txt").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = std::fs::read_to_string(&check).unwrap();
    assert!(md.contains("## Summary: every table passes"), "{md}");
    for id in [
        "model_file_comparability",
        "model_file_job-find",
        "model_file_hours",
    ] {
        assert!(
            md.contains(&format!("`{id}`")),
            "{id} not in the account: {md}"
        );
    }
    assert_strict_model_files(&models);
    let manifest = std::fs::read_to_string(models.join("models.json")).unwrap();
    assert!(
        manifest.contains("turned into leaves under --disclosure strict"),
        "{manifest}"
    );
}

/// The model files under strict: every count in them rounded to hundreds (smaller
/// leaves merged into their parents), no id anywhere, and the files read back.
fn assert_strict_model_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let content = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(!holds_an_id(&content), "an id in a model file");
        let json: serde_json::Value = serde_json::from_str(&content).unwrap();
        let mut leaves = Vec::new();
        collect_counts(&json, &mut leaves);
        for (n, positives) in leaves {
            assert_eq!(n % 100, 0, "unrounded leaf persons {n}");
            assert_eq!(positives % 100, 0, "unrounded leaf positives {positives}");
        }
    }
    banenafspraak::estimate::SavedModels::load(dir).expect("the strict files read back");
    no_temporary_files(dir);
}

/// Every `counts` object `{n, positives}` in a JSON value.
fn collect_counts(v: &serde_json::Value, out: &mut Vec<(u64, u64)>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(c) = m.get("counts").and_then(|c| c.as_object()) {
                let get = |k: &str| c.get(k).and_then(serde_json::Value::as_u64).unwrap();
                out.push((get("n"), get("positives")));
            }
            m.values().for_each(|x| collect_counts(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_counts(x, out)),
        _ => {}
    }
}

/// Results table v2 under strict: every column, a `disclosure` on every row, counts
/// rounded to hundreds.
fn assert_results_v2(format: &str, body: &str) {
    let mut keys: Vec<String> = RESULT_COLUMNS.iter().map(|k| k.to_string()).collect();
    keys.push("disclosure".into());
    if format == "csv" {
        // The synthetic file has job_hours_per_week (v1.1): banen and their intervals.
        let banen = |line: &str| line.split(',').nth(14).is_some_and(|c| !c.is_empty());
        assert!(body.lines().skip(1).any(banen), "no banen in {body}");
        let mut lines = body.lines();
        assert_eq!(lines.next().unwrap(), keys.join(","));
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), keys.len(), "{line}");
            assert!(matches!(cells[17], "rounded" | "suppressed"), "{line}");
            for k in [2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] {
                if let Ok(x) = cells[k].parse::<f64>() {
                    assert_eq!(x % 100.0, 0.0, "{line}");
                }
            }
        }
    } else {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(body).unwrap();
        for r in rows {
            let got: Vec<&String> = r.keys().collect();
            assert_eq!(got, keys.iter().collect::<Vec<_>>());
            assert!(r["persons"].is_u64() || r["persons"].is_null());
        }
    }
}

/// CSV header and JSON keys and types of one run.
fn layout(input: &str, extra: &[&str]) -> (String, Vec<Vec<(String, &'static str)>>) {
    let mut csv_args = vec!["estimate", "--input", input, "--quiet", "--format", "csv"];
    csv_args.extend(SMALL);
    csv_args.extend(extra);
    let csv = run(&csv_args);
    assert!(csv.status.success(), "{}", text(&csv.stderr));
    let header = text(&csv.stdout).lines().next().unwrap().to_string();
    let mut json_args = csv_args.clone();
    json_args[5] = "json";
    let json = run(&json_args);
    assert!(json.status.success(), "{}", text(&json.stderr));
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&json.stdout).unwrap();
    let kind = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "null",
        serde_json::Value::String(_) => "string",
        v if v.is_u64() => "integer",
        _ => "float",
    };
    let types = rows
        .iter()
        .map(|r| r.iter().map(|(k, v)| (k.clone(), kind(v))).collect())
        .collect();
    (header, types)
}

#[test]
fn results_table_v2_has_the_same_columns_in_every_mode_and_model() {
    let dir = tempfile::tempdir().unwrap();
    let input = adversarial(dir.path());
    let input = input.to_str().unwrap();
    let (header, types) = layout(input, &["--disclosure", "report"]);
    let mut keys: Vec<&str> = RESULT_COLUMNS.to_vec();
    keys.push("disclosure");
    assert_eq!(header, keys.join(","));
    for extra in [
        &["--disclosure", "strict"][..],
        &["--disclosure", "off", "--intervals", "none"][..],
        &["--disclosure", "strict", "--intervals", "none"][..],
        &[
            "--disclosure",
            "strict",
            "--model",
            "logistic",
            "--intervals",
            "none",
        ][..],
    ] {
        let (h, t) = layout(input, extra);
        assert_eq!(h, header, "{extra:?}");
        // Same keys in the same order and, where a value is present, the same types.
        for (a, b) in t.iter().zip(&types) {
            let keys_a: Vec<&String> = a.iter().map(|(k, _)| k).collect();
            let keys_b: Vec<&String> = b.iter().map(|(k, _)| k).collect();
            assert_eq!(keys_a, keys_b, "{extra:?}");
            for ((k, ta), (_, tb)) in a.iter().zip(b) {
                if *ta != "null" && *tb != "null" && k != "disclosure" {
                    assert_eq!(ta, tb, "{extra:?}: {k}");
                }
            }
        }
    }
}

#[test]
fn key_like_columns_are_refused_as_features() {
    let dir = tempfile::tempdir().unwrap();
    let input = adversarial(dir.path());
    let input = input.to_str().unwrap();
    for (feature, why) in [
        ("num:rinpersoon", "the column is a key column"),
        ("cat:buddy", "it holds person_id values"),
        ("num:income", "its values are unique per person"),
    ] {
        let features = format!("days_bijstand,education,{feature}");
        for mode in ["strict", "report"] {
            let out = run(&[
                &[
                    "estimate",
                    "--input",
                    input,
                    "--quiet",
                    "--disclosure",
                    mode,
                    "--features",
                    &features,
                ][..],
                &SMALL,
            ]
            .concat());
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{feature} {mode}: {stderr}");
            assert!(stderr.contains(why), "{feature}: {stderr}");
            assert!(stderr.contains("a key is never a feature"), "{stderr}");
            assert!(out.stdout.is_empty());
        }
    }
}

#[test]
fn files_are_never_written_over_an_input_and_come_with_their_account() {
    let dir = tempfile::tempdir().unwrap();
    let input = adversarial(dir.path());
    let before = std::fs::read(&input).unwrap();
    let input_s = input.to_str().unwrap();
    let base = |extra: &[&str]| -> Output {
        run(&[
            &["estimate", "--input", input_s, "--quiet"][..],
            &SMALL,
            extra,
        ]
        .concat())
    };
    // --output or --check-report naming the input, also by another spelling of the path.
    let other_spelling = dir.path().join(".").join("persons.csv");
    for extra in [
        vec!["--output", input_s],
        vec!["--check-report", other_spelling.to_str().unwrap()],
    ] {
        let out = base(&extra);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        assert!(
            text(&out.stderr).contains("is an input file"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(
            std::fs::read(&input).unwrap(),
            before,
            "the input is intact"
        );
    }
    // A check report that cannot be written: no output either (never an export
    // without its account), and no temporary file left behind.
    let output = dir.path().join("out.md");
    let out = base(&[
        "--format",
        "markdown",
        "--output",
        output.to_str().unwrap(),
        "--check-report",
        dir.path().join("missing/check.md").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("missing/check.md"),
        "{}",
        text(&out.stderr)
    );
    assert!(!output.exists(), "an output without its check report");
    no_temporary_files(dir.path());
}

#[test]
fn a_closed_pipe_or_a_full_disk_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let input = adversarial(dir.path());
    let input = input.to_str().unwrap();
    let closed = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written, as `| head -c0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("error: standard output"), "{stderr}");
    };
    closed(&["check", "--input", input]);
    closed(&[&["estimate", "--input", input, "--quiet"][..], &SMALL].concat());
    // A full disk: /dev/full as --output and as standard output.
    let out = run(&[
        &[
            "estimate",
            "--input",
            input,
            "--quiet",
            "--output",
            "/dev/full",
        ][..],
        &SMALL,
    ]
    .concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("/dev/full"),
        "{}",
        text(&out.stderr)
    );
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
        .args(["check", "--input", input])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stderr).contains("panicked"));
}

#[test]
fn meaningless_parameters_are_warned_about_or_need_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let input = adversarial(dir.path());
    let input = input.to_str().unwrap();
    let base = |extra: &[&str]| -> Output {
        run(&[
            &[
                "estimate",
                "--input",
                input,
                "--quiet",
                "--intervals",
                "none",
            ][..],
            &SMALL,
            extra,
        ]
        .concat())
    };
    let out = base(&["--correction", "fixed=1e308"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("warning: the correction makes most of")
            && text(&out.stderr).contains("comparable (mean probability above 50%)"),
        "{}",
        text(&out.stderr)
    );
    let out = base(&["--min-persons", "0"]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("warning: --min-persons 0"),
        "{}",
        text(&out.stderr)
    );
    // Under strict a minimum below 10 needs the flag, and the check report says so.
    let refused = base(&["--disclosure", "strict", "--min-persons", "5"]);
    assert_eq!(refused.status.code(), Some(1));
    let check = dir.path().join("check.md");
    let out = base(&[
        "--disclosure",
        "strict",
        "--min-persons",
        "5",
        "--allow-small-minimum",
        "--check-report",
        check.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = std::fs::read_to_string(&check).unwrap();
    assert!(
        md.contains("below the usual minimum of 10, explicitly allowed by the user"),
        "{md}"
    );
    // A leaf size near u64::MAX is refused as given, without wrapped arithmetic.
    let out = run(&[
        "estimate",
        "--input",
        input,
        "--min-leaf",
        "18446744073709551615",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("at most 100000000 persons per leaf"),
        "{stderr}"
    );
    assert!(!stderr.contains("18446744073709551614"), "{stderr}");
    // A bad value of an extra column names its row and line, never the person's id.
    let out = base(&["--features", "days_ww,num:region"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let regions = ["island", "north", "south"];
    assert!(
        stderr.contains("row ")
            && regions
                .iter()
                .any(|v| stderr.contains(&format!("value \"{v}\""))),
        "{stderr}"
    );
    assert!(
        !stderr.contains("person_id ") && !holds_an_id(&stderr),
        "{stderr}"
    );
}

/// A synthetic file of 3,000 persons (seed 5) in `dir`: too small for the default leaves.
fn small_synthetic(dir: &std::path::Path) -> std::path::PathBuf {
    let input = dir.join("persons.csv");
    let out = run(&[
        "synth",
        "--persons",
        "3000",
        "--seed",
        "5",
        "--output",
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    input
}

/// A model that cannot be fitted says its counts of persons rounded under strict (standard
/// error leaves with the output), exactly under report; ranges and bounds set by the
/// parameters stay.
#[test]
fn error_messages_under_strict_carry_no_unrounded_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_synthetic(dir.path());
    let fail = |mode: &str| {
        let out = run(&[
            "estimate",
            "--input",
            input.to_str().unwrap(),
            "--quiet",
            "--disclosure",
            mode,
            "--min-leaf",
            "2999",
            "--intervals",
            "none",
        ]);
        assert!(!out.status.success());
        text(&out.stderr)
    };
    let counts = |stderr: &str| -> Vec<u64> {
        let (before, _) = stderr
            .split_once(" persons to train on")
            .expect("a training error");
        let train = before.rsplit(' ').next().unwrap().parse().unwrap();
        let (_, after) = stderr.split_once(" persons to train on (").unwrap();
        let eligible = after.split(' ').next().unwrap().parse().unwrap();
        vec![train, eligible]
    };
    let strict = fail("strict");
    assert!(
        strict.contains("counts rounded to multiples of 100"),
        "{strict}"
    );
    assert!(strict.contains("needs at least 5998"), "{strict}");
    assert!(strict.contains("aged 16-66"), "{strict}");
    assert!(counts(&strict).iter().all(|n| n % 100 == 0), "{strict}");
    let report = fail("report");
    assert!(!report.contains("counts rounded"), "{report}");
    assert!(counts(&report).iter().any(|n| n % 100 != 0), "{report}");
}

/// Under strict a tree must be fitted on the coarse threshold grid and the check report
/// states the grid; trees on observed thresholds are refused, and so is a tree whose
/// days thresholds are off the grid it claims.
#[test]
fn trees_on_observed_thresholds_are_refused_under_strict() {
    use banenafspraak::estimate::{Estimates, EstimationParams, Intervals};
    use banenafspraak::model::ThresholdGrid;
    use banenafspraak::report::export::ExportRequest;
    use banenafspraak::report::{DisclosureMode, DisclosureRules, Lang, OutputFormat, Style};
    use banenafspraak::synth::SynthParams;
    let pop = SynthParams {
        persons: 20_000,
        seed: 3,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let mut params = EstimationParams::default();
    params.set_min_leaf(200, 20);
    params.intervals = Intervals::None;
    let request = |e: &Estimates, grid: ThresholdGrid| {
        ExportRequest {
            estimates: e,
            population: &pop,
            populations: &params.populations,
            format: OutputFormat::Markdown,
            style: Style::report(Lang::En),
            mode: DisclosureMode::Strict,
            rules: DisclosureRules::default(),
            sensitivity: None,
            diagnostics: None,
            plots: false,
            output_name: "report.md".into(),
            threshold_grid: grid,
        }
        .build()
    };
    let observed = params.run(&pop).unwrap();
    let err = request(&observed, ThresholdGrid::Observed).unwrap_err();
    assert!(err.to_string().contains("finding(s) still open"), "{err}");
    let err = request(&observed, ThresholdGrid::coarse(10)).unwrap_err();
    assert!(err.to_string().contains("finding(s) still open"), "{err}");
    let coarse = params.clone().for_strict_export(10).run(&pop).unwrap();
    let export = request(&coarse, ThresholdGrid::coarse(10)).unwrap();
    let md = export.check.to_markdown();
    assert!(
        md.contains("| model values | tree thresholds on a coarse grid"),
        "{md}"
    );
    assert!(md.contains("whole weeks"), "{md}");
}

/// Elkan-Noto's c from fewer than 10 held-out register members: report warns, strict
/// refuses in every format (beside CSV and JSON the correction goes to standard error as
/// a checked table, and the refusal rests on that check too).
#[test]
fn elkan_noto_on_too_few_held_out_register_members_is_refused_under_strict() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_synthetic(dir.path());
    let estimate = |mode: &str, format: &str| {
        run(&[
            "estimate",
            "--input",
            input.to_str().unwrap(),
            "--quiet",
            "--correction",
            "elkan-noto",
            "--min-leaf",
            "30",
            "--job-min-leaf",
            "2",
            "--intervals",
            "none",
            "--disclosure",
            mode,
            "--format",
            format,
        ])
    };
    let out = estimate("report", "csv");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("Elkan-Noto's c rests on fewer than 10 held-out"),
        "{}",
        text(&out.stderr)
    );
    for format in ["text", "csv", "json"] {
        let out = estimate("strict", format);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            stderr.contains("the correction factor rests on too few persons"),
            "{format}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{format}: written anyway");
    }
}
