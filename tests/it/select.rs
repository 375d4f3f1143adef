//! `--select` (issue 11): each tree's depth and minimum leaf size chosen on the validation
//! part by log loss. On known truth it picks a deeper tree when the truth needs one, and
//! the printed grid lists every candidate.
#![cfg(feature = "cli")]

use std::process::Command;

use banenafspraak::estimate::select::{DEPTHS, LEAF_FACTORS};
use banenafspraak::estimate::{Selection, TrainingData};
use banenafspraak::model::{FeatureColumn, FeatureMatrix, TreeParams};
use banenafspraak::report::{sections::selection_table, Lang};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Four 0/1 features; the outcome's probability is `p(a, b, c, d)`. 40,000 rows to
/// train on, 10,000 held out.
fn data(p: impl Fn([u16; 4]) -> f64) -> TrainingData {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let n = 50_000;
    let mut columns: Vec<Vec<u16>> = vec![Vec::new(); 4];
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let v: [u16; 4] = std::array::from_fn(|_| u16::from(rng.gen_bool(0.5)));
        for (c, x) in columns.iter_mut().zip(v) {
            c.push(x);
        }
        labels.push(rng.gen_bool(p(v)));
    }
    let x = FeatureMatrix::from_columns(
        columns
            .into_iter()
            .zip(["a", "b", "c", "d"])
            .map(|(values, name)| FeatureColumn::numeric(name, 1, values))
            .collect(),
    )
    .unwrap();
    TrainingData {
        name: "comparability",
        stream: 0,
        x,
        labels,
        rows: (0..n).collect(),
        n_train: 40_000,
        eligible: n,
        eligible_positive: 0,
        used_all: false,
        sampling_fraction: 1.0,
    }
}

fn chosen_depth(d: &TrainingData) -> (usize, Vec<banenafspraak::estimate::Candidate>) {
    let base = TreeParams {
        min_leaf: 250,
        ..TreeParams::default()
    };
    let candidates = d.select_tree(&base).unwrap();
    let chosen: Vec<_> = candidates.iter().filter(|c| c.chosen).collect();
    assert_eq!(chosen.len(), 1);
    (chosen[0].max_depth, candidates)
}

#[test]
fn select_picks_a_deeper_tree_when_the_truth_needs_it() {
    // The probability rises with how many of the four features are 1: every one of the
    // 16 cells differs, so a tree needs depth 4 to reach them.
    let deep = data(|v| [0.03, 0.12, 0.35, 0.65, 0.9][v.iter().sum::<u16>() as usize]);
    // One feature matters; the others are noise.
    let shallow = data(|v| if v[0] == 1 { 0.4 } else { 0.1 });
    let (d_deep, grid) = chosen_depth(&deep);
    let (d_shallow, _) = chosen_depth(&shallow);
    eprintln!("chosen depth: deep truth {d_deep}, shallow truth {d_shallow}");
    assert!(d_deep >= 4, "deep truth: depth {d_deep}");
    assert!(d_shallow < d_deep, "shallow truth: depth {d_shallow}");
    // The chosen candidate has the lowest validation log loss of the grid.
    let best = grid
        .iter()
        .map(|c| c.log_loss)
        .fold(f64::INFINITY, f64::min);
    assert!(grid.iter().any(|c| c.chosen && c.log_loss <= best + 1e-12));
}

#[test]
fn the_printed_grid_lists_every_candidate() {
    let d = data(|v| if v[1] == 1 { 0.3 } else { 0.2 });
    let (_, candidates) = chosen_depth(&d);
    assert_eq!(candidates.len(), DEPTHS.len() * LEAF_FACTORS.len());
    let selection = Selection { candidates };
    let table = selection_table(&selection, Lang::En);
    let text = table.to_string();
    for depth in DEPTHS {
        for factor in LEAF_FACTORS {
            let leaf = (250.0 * factor) as usize;
            let row = text.lines().any(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.len() >= 5
                    && w[0] == "comparability"
                    && w[1] == depth.to_string()
                    && w[2] == leaf.to_string()
            });
            assert!(row, "depth {depth}, min leaf {leaf} missing:\n{text}");
        }
    }
    assert_eq!(text.matches(" yes").count(), 1, "{text}");
}

#[test]
fn the_command_prints_the_grid_and_its_choice() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("persons.csv");
    let pop = banenafspraak::synth::SynthParams {
        persons: 30_000,
        seed: 3,
        reference_year: 2019,
    }
    .generate()
    .unwrap();
    banenafspraak::schema::write_csv_path(&pop, &input).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
        .args([
            "estimate",
            "--input",
            input.to_str().unwrap(),
            "--quiet",
            "--select",
        ])
        .args([
            "--min-leaf",
            "200",
            "--job-min-leaf",
            "20",
            "--intervals",
            "none",
        ])
        .output()
        .unwrap();
    let body = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        body.contains("Chosen by validation log loss (--select): comparability depth"),
        "{body}"
    );
    let rows = body.lines().filter(|l| l.starts_with("job-keep ")).count();
    assert_eq!(rows, DEPTHS.len() * LEAF_FACTORS.len(), "{body}");
}
