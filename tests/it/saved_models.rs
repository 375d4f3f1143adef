//! Reusable models (issue 11): `estimate --save-models DIR` writes the fitted models,
//! `estimate --models DIR` scores another extract with them without refitting, and the
//! published tree B3.1 shipped in `models/b3_1/` scores as its transcription does.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use banenafspraak::estimate::{
    saved::ModelFile, EstimationParams, FittedPipeline, Intervals, Provenance, SavedModels,
    ScoredPopulation,
};
use banenafspraak::model::{ClassificationTree, FittedModel};
use banenafspraak::schema::Population;
use banenafspraak::synth::{report_trees, SynthParams};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn synthetic(dir: &Path, name: &str, seed: &str, year: u16) -> PathBuf {
    let path = dir.join(name);
    let pop = SynthParams {
        persons: 30_000,
        seed: seed.parse().unwrap(),
        reference_year: year,
    }
    .generate()
    .unwrap();
    banenafspraak::schema::write_csv_path(&pop, &path).unwrap();
    path
}

const SMALL: [&str; 4] = ["--min-leaf", "200", "--job-min-leaf", "20"];

fn estimate(input: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "estimate",
        "--input",
        input.to_str().unwrap(),
        "--quiet",
        "--format",
        "csv",
    ];
    args.extend(SMALL);
    args.extend(extra);
    run(&args)
}

#[test]
fn saved_then_reused_models_reproduce_the_results_table_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), "persons.csv", "7", 2019);
    let models = dir.path().join("models");
    let m = models.to_str().unwrap();
    let fitted = estimate(&input, &["--intervals", "none", "--save-models", m]);
    assert!(fitted.status.success(), "{}", text(&fitted.stderr));
    for f in [
        "models.json",
        "comparability.json",
        "job-find.json",
        "job-keep.json",
        "hours.json",
    ] {
        assert!(models.join(f).is_file(), "{f} not written");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(models.join("models.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["provenance"]["input_file"], "persons.csv");
    assert_eq!(manifest["provenance"]["seed"], 2019);
    assert_eq!(manifest["schema_version"], "1.1");
    // Scored with the saved models: the same results table, without intervals (the
    // default with --models), and a bootstrap asked for is refused.
    let reused = estimate(&input, &["--models", m]);
    assert!(reused.status.success(), "{}", text(&reused.stderr));
    assert_eq!(text(&reused.stdout), text(&fitted.stdout));
    assert!(
        text(&reused.stderr).contains("models not refitted"),
        "{}",
        text(&reused.stderr)
    );
    let refused = estimate(&input, &["--models", m, "--intervals", "bootstrap"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("intervals need refitting"));
    // A manifest of an unknown format version: exit 1, the file named, nothing written.
    let manifest_path = models.join("models.json");
    let text_of = std::fs::read_to_string(&manifest_path).unwrap();
    std::fs::write(
        &manifest_path,
        text_of.replacen("\"format_version\": 1", "\"format_version\": 2", 1),
    )
    .unwrap();
    let refused = estimate(&input, &["--models", m]);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("models.json") && stderr.contains("format version 2 is not known"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty());
    // Another seed fits other models: the comparison above could fail.
    let other = estimate(&input, &["--intervals", "none", "--seed", "8"]);
    assert_ne!(text(&other.stdout), text(&fitted.stdout));
}

#[test]
fn a_2019_model_scores_a_2023_extract() {
    let dir = tempfile::tempdir().unwrap();
    let y2019 = synthetic(dir.path(), "persons2019.csv", "7", 2019);
    let y2023 = synthetic(dir.path(), "persons2023.csv", "9", 2023);
    let models = dir.path().join("models");
    let m = models.to_str().unwrap();
    let fitted = estimate(&y2019, &["--intervals", "none", "--save-models", m]);
    assert!(fitted.status.success(), "{}", text(&fitted.stderr));
    let scored = estimate(&y2023, &["--models", m, "--reference-year", "2023"]);
    assert!(scored.status.success(), "{}", text(&scored.stderr));
    let body = text(&scored.stdout);
    assert!(body.lines().count() > 4, "{body}");
    assert!(text(&scored.stderr).contains("reference year 2019"));
    // The 2023 extract's own fit differs from the 2019 models' scoring of it.
    let own = estimate(&y2023, &["--intervals", "none", "--reference-year", "2023"]);
    assert!(own.status.success(), "{}", text(&own.stderr));
    assert_ne!(text(&own.stdout), body);
}

#[test]
fn a_model_reading_a_column_the_extract_lacks_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let plain = synthetic(dir.path(), "plain.csv", "7", 2019);
    // The same persons with an extra column `support` (values 0-9).
    let source = std::fs::read_to_string(&plain).unwrap();
    let mut lines = source.lines();
    let mut file = format!("{},support\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        file.push_str(&format!("{line},{}\n", i % 10));
    }
    let with_extra = dir.path().join("extra.csv");
    std::fs::write(&with_extra, file).unwrap();
    let models = dir.path().join("models");
    let m = models.to_str().unwrap();
    let args = [
        "--model",
        "logistic",
        "--features",
        "days_bijstand,education,num:support",
        "--intervals",
        "none",
    ];
    let fitted = estimate(&with_extra, &[&args[..], &["--save-models", m]].concat());
    assert!(fitted.status.success(), "{}", text(&fitted.stderr));
    let ok = estimate(&with_extra, &["--models", m]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let refused = estimate(&plain, &["--models", m]);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("support") && stderr.contains("the extract lacks"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty());
}

fn small_run(pop: &Population) -> (EstimationParams, banenafspraak::estimate::Estimates) {
    let mut params = EstimationParams::default();
    params.set_min_leaf(200, 20);
    params.intervals = Intervals::None;
    let run = params.run(pop).unwrap();
    (params, run)
}

#[test]
fn a_corrupt_or_unknown_version_model_file_is_refused_naming_the_file() {
    let pop = SynthParams {
        persons: 30_000,
        seed: 5,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let (_, run) = small_run(&pop);
    let dir = tempfile::tempdir().unwrap();
    let saved = SavedModels::new(run.fitted, &pop, Provenance::new("p.csv", 1, 2019));
    saved.write_unchecked(dir.path()).unwrap();
    assert!(SavedModels::load(dir.path()).is_ok());
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let s = std::fs::read_to_string(&path).unwrap();
        assert!(s.contains(from), "{file} lacks {from}");
        std::fs::write(&path, s.replacen(from, to, 1)).unwrap();
        s
    };
    let error = || SavedModels::load(dir.path()).unwrap_err().to_string();
    let manifest = edit(
        "models.json",
        "\"format_version\": 1",
        "\"format_version\": 99",
    );
    let e = error();
    assert!(
        e.contains("models.json") && e.contains("format version 99 is not known"),
        "{e}"
    );
    std::fs::write(dir.path().join("models.json"), manifest).unwrap();
    // A truncated model file names itself and where it broke.
    let keep = std::fs::read_to_string(dir.path().join("job-find.json")).unwrap();
    std::fs::write(dir.path().join("job-find.json"), &keep[..keep.len() / 2]).unwrap();
    let e = error();
    assert!(e.contains("job-find.json") && e.contains("line"), "{e}");
    // A tree whose child ids are broken is refused by the tree's own validation.
    std::fs::write(dir.path().join("job-find.json"), &keep).unwrap();
    edit("job-find.json", "\"left\": 1", "\"left\": 9999");
    let e = error();
    assert!(e.contains("job-find.json") && e.contains("child id"), "{e}");
    std::fs::write(dir.path().join("job-find.json"), &keep).unwrap();
    // Another stage's file where the manifest names this one.
    std::fs::copy(
        dir.path().join("job-keep.json"),
        dir.path().join("job-find.json"),
    )
    .unwrap();
    let e = error();
    assert!(
        e.contains("job-find.json") && e.contains("\"job-keep\" model"),
        "{e}"
    );
}

/// Report table B3.1 as the model file `models/b3_1/comparability.json`: it is the
/// library's transcription, and a models directory with it as its comparability model
/// scores as the transcription does.
#[test]
fn the_shipped_b3_1_file_scores_as_the_transcription() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/b3_1/comparability.json");
    let file: ModelFile<FittedModel> =
        serde_json::from_str(&std::fs::read_to_string(&shipped).unwrap()).unwrap();
    let FittedModel::Tree(tree) = &file.model else {
        panic!("B3.1 is a tree")
    };
    let transcription: ClassificationTree = report_trees::b3_1_tree();
    assert_eq!(tree, &transcription);
    // Fitted models saved, the comparability file replaced by B3.1's (the documented
    // conversion in models/README.md), read back and scored.
    let pop = SynthParams {
        persons: 60_000,
        seed: 31,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let (params, run) = small_run(&pop);
    let dir = tempfile::tempdir().unwrap();
    let saved = SavedModels::new(run.fitted.clone(), &pop, Provenance::new("p.csv", 1, 2019));
    saved.write_unchecked(dir.path()).unwrap();
    std::fs::copy(&shipped, dir.path().join("comparability.json")).unwrap();
    let read = SavedModels::load(dir.path()).unwrap();
    let got = read.estimate(&pop, &params.populations).unwrap();
    let by_transcription = FittedPipeline::from_stages(
        banenafspraak::estimate::FittedStage::fixed(
            "comparability",
            FittedModel::Tree(transcription),
        ),
        run.fitted.job_find.clone(),
        run.fitted.job_keep.clone(),
        run.fitted.correction,
        run.fitted.comparability_features().clone(),
        run.fitted.job_features().clone(),
    )
    .with_hours(run.fitted.hours.clone());
    let want = by_transcription
        .estimate(&pop, &params.populations)
        .unwrap();
    for (a, b) in got.populations.iter().zip(&want) {
        assert_eq!(a.total, b.total, "{}", a.name);
    }
    // And per person: B3.1's probabilities, corrected by the saved factor.
    let ww = &ScoredPopulation::report_populations()[0];
    let rows = ww.members(&pop);
    let scores = read.pipeline.score(&pop, &rows).unwrap();
    for (&i, s) in rows.iter().zip(&scores) {
        let raw = report_trees::b3_1(&pop.person(i));
        assert_eq!(s.comparable, run.fitted.correction.apply(raw), "row {i}");
    }
    assert_ne!(got.populations[0].total, run.populations[0].total);
}
