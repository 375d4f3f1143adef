//! The saved models as an export (`estimate --save-models DIR`): every number a model
//! file holds is first a cell of a checked table (each leaf's persons, positives and
//! probability or mean hours; each coefficient and its standard error; the correction),
//! checked like the report's tables, and the files are written from the published
//! cells. Under `--disclosure strict` a classification tree's leaf that would be
//! suppressed (or whose probability from rounded counts is 0 or 1) is merged with its
//! sibling into their parent (a leaf left out while its
//! sibling stays could be recovered by differencing), a category level's coefficient that
//! would be suppressed is left out (the level then scores as the reference level), and a
//! model that cannot be published that way is refused. Called by [`super::export`].

use super::disclosure::{apply, CheckReport, DisclosureMode, DisclosureRules, ScanInput};
use super::lang::Lang;
use super::table::{Cell, MachineValue, Status, Table};
use super::tables::{correction_table, logistic_table};
use crate::error::{Error, Result};
use crate::estimate::{FittedPipeline, FittedStage, HoursModel, Provenance, SavedModels};
use crate::model::{
    ClassificationTree, Counts, FeatureKind, FittedLogistic, FittedModel, RegressionTree,
};
use crate::schema::Population;

/// What the model files need from the run.
pub(super) struct ModelFilesRequest<'a> {
    pub fitted: &'a FittedPipeline,
    pub population: &'a Population,
    pub provenance: &'a Provenance,
    pub mode: DisclosureMode,
    pub rules: &'a DisclosureRules,
}

/// Checked model files (name, content) and what the id scan must read of them.
pub(super) fn model_files(
    r: &ModelFilesRequest<'_>,
    check: &mut CheckReport,
) -> Result<(Vec<(String, String)>, ScanInput)> {
    let count_to = (r.mode == DisclosureMode::Strict).then_some(r.rules.round_to);
    let mut notes = Vec::new();
    let mut checked = |t: &mut Table| check.tables.push(apply(t, r.mode, r.rules, count_to));
    let f = r.fitted;
    let mut stages = Vec::new();
    for stage in [&f.comparability, &f.job_find, &f.job_keep] {
        let model = match &stage.model {
            FittedModel::Tree(tree) => FittedModel::Tree(published_tree(
                stage.name,
                tree,
                r,
                &mut checked,
                &mut notes,
            )?),
            FittedModel::Logistic(m) => FittedModel::Logistic(published_logistic(
                stage.name,
                m,
                r,
                &mut checked,
                &mut notes,
            )?),
        };
        stages.push(FittedStage::fixed(stage.name, model));
    }
    let hours = match &f.hours {
        Some(h) => Some(published_hours(h, r, &mut checked)?),
        None => None,
    };
    let [comparability, job_find, job_keep]: [FittedStage; 3] = stages
        .try_into()
        .map_err(|_| Error::ModelInput("three stages".into()))?;
    let pipeline = FittedPipeline::from_stages(
        comparability,
        job_find,
        job_keep,
        published_correction(f, r),
        f.comparability_features().clone(),
        f.job_features().clone(),
    )
    .with_hours(hours);
    let mut saved = SavedModels::new(pipeline, r.population, r.provenance.clone());
    saved.manifest.notes.clone_from(&notes);
    let files = saved.files();
    let mut scan = ScanInput {
        name: "model files".into(),
        prose: notes,
        ..ScanInput::default()
    };
    scan.labels = level_names(&saved.pipeline);
    Ok((files, scan))
}

/// Every feature name and category level the files hold (the id scan reads them).
fn level_names(p: &FittedPipeline) -> Vec<String> {
    let mut out = Vec::new();
    let trees = [&p.comparability, &p.job_find, &p.job_keep]
        .into_iter()
        .filter_map(|s| s.model.as_tree().map(ClassificationTree::features));
    let hours = p.hours.iter().map(|h| h.tree.features());
    for features in trees.chain(hours) {
        for f in features {
            out.push(f.name.clone());
            if let FeatureKind::Categorical { levels } = &f.kind {
                out.extend(levels.iter().cloned());
            }
        }
    }
    out
}

/// A leaf's cells as the report's tree table has them: persons, positives, probability.
fn leaf_cells(c: Option<Counts>, probability: f64) -> [Cell; 3] {
    match c {
        Some(c) => {
            let on = |cell: Cell| {
                cell.on("persons", c.n)
                    .on("positives", c.positives)
                    .on("non-positives", c.n - c.positives)
            };
            [
                on(Cell::persons(c.n)),
                on(Cell::persons(c.positives)),
                on(Cell {
                    ratio: Some((c.positives as f64, c.n as f64)),
                    ..Cell::share(probability)
                }),
            ]
        }
        None => [Cell::empty(), Cell::empty(), Cell::share(probability)],
    }
}

fn number(cell: &Cell, count_to: Option<u64>) -> Option<f64> {
    match cell.machine(count_to) {
        Some(MachineValue::Number(x)) => Some(x),
        _ => None,
    }
}

fn refuse(file: &str, reason: String) -> Error {
    Error::InvalidParameter {
        name: "save-models",
        value: file.into(),
        reason: format!("{reason}; nothing was written"),
    }
}

/// The tree as published: pruned under strict until no leaf's cells are suppressed,
/// then each leaf's counts and probability taken from the checked leaves table.
fn published_tree(
    name: &str,
    tree: &ClassificationTree,
    r: &ModelFilesRequest<'_>,
    checked: &mut dyn FnMut(&mut Table),
    notes: &mut Vec<String>,
) -> Result<ClassificationTree> {
    let count_to = (r.mode == DisclosureMode::Strict).then_some(r.rules.round_to);
    let tree = if r.mode == DisclosureMode::Strict {
        let suppressed = |c: &Counts| {
            let mut t = Table::new("leaf", ["leaf", "persons", "positives", "probability"])
                .with_row(
                    std::iter::once(Cell::text("leaf")).chain(leaf_cells(Some(*c), c.rate())),
                );
            apply(&mut t, DisclosureMode::Strict, r.rules, count_to);
            // A probability from rounded counts of 0 or 1 says "none" or "all", which is
            // false and would score every person in the leaf so: merged too.
            let p = number(&t.rows[0][3], count_to);
            t.has_status(Status::Suppressed) || p.is_none_or(|p| p <= 0.0 || p >= 1.0)
        };
        let (pruned, removed) = tree.pruned(suppressed)?;
        if let (1, Some(c)) = (pruned.n_leaves(), pruned.root().counts) {
            if suppressed(&c) {
                return Err(refuse(
                    &format!("{name}.json"),
                    format!(
                        "the {name} tree cannot be published even as one leaf under \
                         --disclosure strict: its positives or non-positives are too few, \
                         or round to none"
                    ),
                ));
            }
        }
        if removed > 0 {
            notes.push(format!(
                "{name}: {removed} split(s) with a leaf too small to publish turned into leaves under \
                 --disclosure strict; the saved tree is coarser than the fitted one"
            ));
        }
        pruned
    } else {
        tree.clone()
    };
    let leaves = tree.leaves();
    let mut t = Table::new(
        format!("{name}: model file leaves"),
        ["leaf", "persons", "positives", "probability"],
    )
    .with_id(format!("model_file_{name}"))
    .with_keys(["leaf", "persons", "positives", "probability"]);
    for leaf in &leaves {
        let label: Vec<String> = leaf.path.iter().map(|c| c.text.clone()).collect();
        let label = if label.is_empty() {
            "(all rows)".to_string()
        } else {
            label.join(" and ")
        };
        t.push_row(
            std::iter::once(Cell::text(label)).chain(leaf_cells(leaf.counts, leaf.probability)),
        );
    }
    checked(&mut t);
    let file = format!("{name}.json");
    let mut published = Vec::with_capacity(leaves.len());
    for (leaf, row) in leaves.iter().zip(&t.rows) {
        let p = number(&row[3], count_to).ok_or_else(|| {
            refuse(
                &file,
                format!("a leaf of the {name} tree cannot be published"),
            )
        })?;
        let counts = match leaf.counts {
            Some(_) => {
                let (n, pos) = (number(&row[1], count_to), number(&row[2], count_to));
                match (n, pos) {
                    (Some(n), Some(pos)) if n >= 1.0 => Some(Counts {
                        n: n as u64,
                        positives: pos as u64,
                    }),
                    _ => None,
                }
            }
            None => None,
        };
        published.push((leaf.node, p, counts));
    }
    tree.with_leaf_values(r.mode != DisclosureMode::Strict, |id, node| {
        published.iter().find(|(n, ..)| *n == id).map_or(
            (node.probability().unwrap_or(0.0), node.counts),
            |&(_, p, c)| (p, c),
        )
    })
}

/// The logistic model as its checked coefficient table publishes it.
fn published_logistic(
    name: &str,
    m: &FittedLogistic,
    r: &ModelFilesRequest<'_>,
    checked: &mut dyn FnMut(&mut Table),
    notes: &mut Vec<String>,
) -> Result<FittedLogistic> {
    let strict = r.mode == DisclosureMode::Strict;
    let count_to = strict.then_some(r.rules.round_to);
    let mut t = logistic_table(name, m, Lang::En);
    t.id = format!("model_file_{name}");
    t.title = format!("{name}: model file coefficients");
    checked(&mut t);
    let file = format!("{name}.json");
    let value = |row: &[Cell]| Some((number(&row[1], count_to)?, number(&row[2], count_to)?));
    let intercept = value(&t.rows[0]).ok_or_else(|| {
        refuse(
            &file,
            format!("the intercept of the {name} model cannot be published"),
        )
    })?;
    let (mut coefficients, mut suppressed) = (Vec::new(), Vec::new());
    for (i, row) in t.rows[1..].iter().enumerate() {
        match value(row) {
            Some(v) => coefficients.push(v),
            None if m.level_rows().get(i).copied().flatten().is_some() => {
                coefficients.push((0.0, 0.0));
                suppressed.push(i);
            }
            None => {
                return Err(refuse(
                    &file,
                    format!(
                        "the coefficient {} of the {name} model cannot be published",
                        m.names()[i]
                    ),
                ))
            }
        }
    }
    if !suppressed.is_empty() {
        notes.push(format!(
            "{name}: {} category level(s) with too few persons left out under --disclosure \
             strict; they score as the reference level",
            suppressed.len()
        ));
    }
    let round = |x: usize| count_to.map_or(x, |to| super::format::round_to(x as f64, to) as usize);
    m.published(
        intercept,
        &coefficients,
        &suppressed,
        (round(m.n_train()), round(m.positives())),
        !strict,
    )
}

/// The hours tree with each leaf's keepers and mean hours from a checked table; a leaf
/// that would be suppressed refuses the files (a regression tree keeps no means of its
/// inner nodes to merge into).
fn published_hours(
    h: &HoursModel,
    r: &ModelFilesRequest<'_>,
    checked: &mut dyn FnMut(&mut Table),
) -> Result<HoursModel> {
    let count_to = (r.mode == DisclosureMode::Strict).then_some(r.rules.round_to);
    let leaves = h.tree.leaves();
    let mut t = Table::new(
        "hours: model file leaves",
        ["leaf", "job keepers", "mean hours"],
    )
    .with_id("model_file_hours")
    .with_keys(["leaf", "persons", "mean_hours"]);
    for leaf in &leaves {
        let label: Vec<String> = leaf.path.iter().map(|c| c.text.clone()).collect();
        t.push_row([
            Cell::text(label.join(" and ")),
            Cell::persons(leaf.n).on("job keepers", leaf.n),
            Cell::number(leaf.mean, 1).on("job keepers", leaf.n),
        ]);
    }
    checked(&mut t);
    let mut published = Vec::new();
    for (leaf, row) in leaves.iter().zip(&t.rows) {
        // A count that rounds to 0 is left out; the mean still rests on its keepers.
        match (number(&row[1], count_to), number(&row[2], count_to)) {
            (n, Some(mean)) if row[1].status != Status::Suppressed => {
                let counts = n.filter(|&n| n >= 1.0).map(|n| Counts {
                    n: n as u64,
                    positives: 0,
                });
                published.push((leaf.node, counts, mean));
            }
            _ => {
                return Err(refuse(
                    "hours.json",
                    "a leaf of the hours tree rests on too few job keepers to publish (a larger \
                     --job-min-leaf helps)"
                        .into(),
                ))
            }
        }
    }
    let inner = r.mode != DisclosureMode::Strict;
    let tree: RegressionTree = h.tree.with_leaf_means(inner, |id, node| {
        published.iter().find(|(n, ..)| *n == id).map_or(
            (node.probability().unwrap_or(0.0), node.counts),
            |&(_, counts, mean)| (mean, counts),
        )
    })?;
    Ok(HoursModel {
        tree,
        params: h.params,
        // The held-out metrics are the report's, not the model's: not in the file.
        validation: None,
        n_train: count_to.map_or(h.n_train, |to| {
            super::format::round_to(h.n_train as f64, to) as usize
        }),
    })
}

/// The correction as its checked table publishes it (the export refuses a suppressed
/// factor before this is reached): under strict the factor at its three decimals, the
/// register sizes rounded, Elkan-Noto's c and its interval at four decimals.
fn published_correction(
    f: &FittedPipeline,
    r: &ModelFilesRequest<'_>,
) -> crate::estimate::CorrectionFactor {
    let mut c = f.correction;
    if r.mode != DisclosureMode::Strict {
        return c;
    }
    let count_to = Some(r.rules.round_to);
    let mut t = correction_table(&c, Lang::En);
    apply(&mut t, r.mode, r.rules, count_to);
    let at = |i: usize| t.rows.get(i).and_then(|row| number(&row[1], count_to));
    c.factor = at(0).unwrap_or(c.factor);
    c.register_size = at(1).map_or(0, |x| x as u64);
    c.register_size_trained = at(2).map_or(0, |x| x as u64);
    if let Some(rate) = &mut c.labelling {
        rate.c = at(3).unwrap_or(rate.c);
        rate.interval.low = at(4).unwrap_or(rate.interval.low);
        rate.interval.high = at(5).unwrap_or(rate.interval.high);
        rate.held_out_positives = at(6).map_or(0, |x| x as usize);
        rate.score_sd = (rate.score_sd * 1e4).round() / 1e4;
    }
    c
}
