//! How much the headline numbers rest on choices: the four populations' expected
//! comparable totals under each correction (register-size factor, Elkan-Noto, a fixed
//! factor), each model family (tree, logistic) and each tree setting (depth, minimum leaf
//! size). Only the comparability model and the correction vary; one sample and split is
//! drawn and encoded once and shared by every setting.

use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use super::correction::{Correction, CorrectionFactor};
use super::pipeline::EstimationParams;
use super::plan::ScoringPlan;
use super::training::{labelling_rate, TrainingData};
use crate::error::Result;
use crate::model::{FittedModel, LogisticParams, ModelSpec, TreeParams};
use crate::schema::Population;

/// Which settings the sensitivity table runs through.
///
/// ```
/// use banenafspraak::estimate::{EstimationParams, SensitivityParams};
/// use banenafspraak::synth::SynthParams;
/// let pop = SynthParams { persons: 30_000, seed: 3, ..SynthParams::default() }.generate()?;
/// let mut params = EstimationParams::default();
/// params.set_min_leaf(200, 20);
/// let settings = SensitivityParams {
///     tree_min_leaves: vec![100, 200],
///     ..SensitivityParams::default()
/// };
/// let table = params.sensitivity(&pop, &settings)?;
/// // 2 corrections x (3 depths x 2 leaf sizes + logistic)
/// assert_eq!(table.rows.len(), 14);
/// assert_eq!(table.rows.iter().filter(|r| r.baseline).count(), 1);
/// println!("{table}");
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityParams {
    /// Corrections to apply. Default: register-size and Elkan-Noto (and the run's own
    /// correction if it is another).
    pub corrections: Vec<Correction>,
    /// Depths of the comparability tree. Default 4, 5, 6.
    pub tree_depths: Vec<usize>,
    /// Minimum leaf sizes of the comparability tree. Default 500, 1,000, 2,000.
    pub tree_min_leaves: Vec<usize>,
    /// The logistic model to add; `None` leaves the family out. Default: the default
    /// logistic model.
    pub logistic: Option<LogisticParams>,
}

impl Default for SensitivityParams {
    fn default() -> Self {
        SensitivityParams {
            corrections: vec![Correction::RegisterSize, Correction::ElkanNoto],
            tree_depths: vec![4, 5, 6],
            tree_min_leaves: vec![500, 1000, 2000],
            logistic: Some(LogisticParams::default()),
        }
    }
}

/// One setting and the four (or however many populations) comparable totals under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    /// The correction applied.
    pub correction: Correction,
    /// The factor applied (for Elkan-Noto 1 / c).
    pub factor: f64,
    /// `tree depth D, min leaf L` or `logistic (l2 X)`.
    pub model: String,
    /// What differs from the run's own settings, or `baseline`.
    pub varied: String,
    /// Whether this row has the run's own settings.
    pub baseline: bool,
    /// Expected comparable per population, in [`SensitivityTable::populations`] order.
    pub comparable: Vec<f64>,
    /// For Elkan-Noto, the held-out register members that c is the mean score of.
    pub held_out: Option<u64>,
}

/// The sensitivity table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityTable {
    /// Population labels, the columns of the counts.
    pub populations: Vec<String>,
    /// Persons per population, in the same order (what each total rests on).
    pub persons: Vec<u64>,
    /// One row per setting and correction, grouped by correction.
    pub rows: Vec<SensitivityRow>,
    /// Settings that could not be run, and why.
    pub notes: Vec<String>,
}

impl SensitivityTable {
    /// The row with the run's own settings.
    pub fn baseline(&self) -> Option<&SensitivityRow> {
        self.rows.iter().find(|r| r.baseline)
    }

    /// Per population, the smallest and largest total over all rows.
    pub fn ranges(&self) -> Vec<(f64, f64)> {
        (0..self.populations.len())
            .map(|d| {
                self.rows
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                        (lo.min(r.comparable[d]), hi.max(r.comparable[d]))
                    })
            })
            .collect()
    }
}

fn describe_model(spec: &ModelSpec) -> String {
    match spec {
        ModelSpec::Tree(t) => format!("tree depth {}, min leaf {}", t.max_depth, t.min_leaf),
        ModelSpec::Logistic(l) => format!("logistic (l2 {})", l.l2),
    }
}

/// What `spec` and `correction` change relative to the run's own settings.
fn varied(base: &EstimationParams, spec: &ModelSpec, correction: Correction) -> String {
    let mut parts = Vec::new();
    if correction != base.correction {
        parts.push(format!("correction {correction}"));
    }
    match (&base.comparability_model, spec) {
        (ModelSpec::Tree(a), ModelSpec::Tree(b)) => {
            if a.max_depth != b.max_depth {
                parts.push(format!("depth {}", b.max_depth));
            }
            if a.min_leaf != b.min_leaf {
                parts.push(format!("min leaf {}", b.min_leaf));
            }
        }
        (ModelSpec::Logistic(a), ModelSpec::Logistic(b)) => {
            if a != b {
                parts.push(format!("logistic l2 {}", b.l2));
            }
        }
        (_, b) => parts.push(format!("family {}", b.family())),
    }
    if parts.is_empty() {
        "baseline".into()
    } else {
        parts.join("; ")
    }
}

impl EstimationParams {
    /// The sensitivity table of these parameters on `pop` (see the module doc). Settings
    /// a population is too small for (a tree needs twice its minimum leaf size) or that
    /// fail to fit are left out with a note.
    pub fn sensitivity(
        &self,
        pop: &Population,
        settings: &SensitivityParams,
    ) -> Result<SensitivityTable> {
        self.check()?;
        let data = TrainingData::comparability(self, pop)?;
        let plan = ScoringPlan::new(pop, &self.populations);
        let mut notes = Vec::new();

        let mut specs: Vec<ModelSpec> = Vec::new();
        let base_tree = match &self.comparability_model {
            ModelSpec::Tree(t) => *t,
            ModelSpec::Logistic(_) => TreeParams::default(),
        };
        for &max_depth in &settings.tree_depths {
            for &min_leaf in &settings.tree_min_leaves {
                specs.push(ModelSpec::Tree(TreeParams {
                    max_depth,
                    min_leaf,
                    ..base_tree
                }));
            }
        }
        if let Some(l) = &settings.logistic {
            specs.push(ModelSpec::Logistic(l.clone()));
        }
        // The run's own model comes first if the grid lacks it, so there is a baseline.
        if !specs.contains(&self.comparability_model) {
            specs.insert(0, self.comparability_model.clone());
        }
        let mut corrections = settings.corrections.clone();
        if !corrections.contains(&self.correction) {
            corrections.insert(0, self.correction);
        }

        let register = CorrectionFactor::from_register(pop).ok();
        let mut by_correction: Vec<Vec<SensitivityRow>> = vec![Vec::new(); corrections.len()];
        for spec in &specs {
            let what = describe_model(spec);
            if spec.check().is_err() || data.n_train < spec.min_training_rows() {
                notes.push(format!(
                    "{what}: left out, the training persons are too few or the setting is invalid"
                ));
                continue;
            }
            let model = match data.refit(spec, &data.train_rows()) {
                Ok(m) => m,
                Err(e) => {
                    notes.push(format!("{what}: left out, the fit failed: {e}"));
                    continue;
                }
            };
            let p = score_plan(&plan, pop, &self.comparability_features, &model)?;
            for (k, &correction) in corrections.iter().enumerate() {
                let mut held_out = None;
                let factor = match correction {
                    Correction::RegisterSize => register.map(|r| r.factor),
                    Correction::Fixed(f) => Some(f),
                    Correction::ElkanNoto => match labelling_rate(&data, &model, self.level) {
                        Ok(rate) => {
                            held_out = Some(rate.held_out_positives as u64);
                            Some(1.0 / rate.c)
                        }
                        Err(e) => {
                            notes.push(format!("{what}, elkan-noto: left out: {e}"));
                            None
                        }
                    },
                };
                let Some(factor) = factor else {
                    continue;
                };
                let comparable = population_totals(&plan, &p, factor);
                let varied = varied(self, spec, correction);
                by_correction[k].push(SensitivityRow {
                    correction,
                    factor,
                    model: what.clone(),
                    baseline: varied == "baseline",
                    varied,
                    comparable,
                    held_out,
                });
            }
        }
        if register.is_none() {
            notes.push(
                "register-size: left out, the data has no register members outside wajong, wsw and wiw_id"
                    .into(),
            );
        }
        let ones = vec![1.0; plan.rows.len()];
        Ok(SensitivityTable {
            populations: self.populations.iter().map(|d| d.label.clone()).collect(),
            persons: population_totals(&plan, &ones, 1.0)
                .into_iter()
                .map(|n| n.round() as u64)
                .collect(),
            rows: by_correction.into_iter().flatten().collect(),
            notes,
        })
    }
}

/// The model's uncorrected probability of every scored person of the plan.
fn score_plan(
    plan: &ScoringPlan,
    pop: &Population,
    features: &crate::model::FeatureSet,
    model: &FittedModel,
) -> Result<Vec<f64>> {
    let prepared = features
        .restricted_to(&model.used_features())
        .prepare(pop)?;
    let chunks = plan
        .rows
        .par_chunks(1 << 16)
        .map(|chunk| model.try_predict_proba(&prepared.encode(pop, chunk)?))
        .collect::<Result<Vec<_>>>()?;
    Ok(chunks.concat())
}

/// Sum of min(1, factor p) over each population's members (its total cell).
fn population_totals(plan: &ScoringPlan, p: &[f64], factor: f64) -> Vec<f64> {
    let mut totals = vec![0.0; plan.bases.len()];
    for (i, &p) in p.iter().enumerate() {
        let c = (factor * p).min(1.0);
        for &cell in plan.cells_of(i) {
            if let Ok(d) = plan.bases.binary_search(&(cell as usize)) {
                totals[d] += c;
            }
        }
    }
    totals
}

/// A whole number with thousands separators.
pub(crate) fn whole(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    crate::layout::group_digits(x.round() as i64, ',')
}

/// Writes an aligned plain-text table: first column left, the others right.
pub(crate) fn write_table(
    f: &mut fmt::Formatter<'_>,
    header: &[String],
    rows: &[Vec<String>],
) -> fmt::Result {
    f.write_str(&crate::layout::aligned(header, rows))
}

impl fmt::Display for SensitivityTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Sensitivity: expected comparable persons under each correction and comparability model"
        )?;
        let mut header = vec!["correction".to_string(), "factor".into(), "model".into()];
        header.extend(self.populations.iter().cloned());
        header.push("varied from the run".into());
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    format!("{}{}", r.correction, if r.baseline { " *" } else { "" }),
                    format!("{:.3}", r.factor),
                    r.model.clone(),
                ];
                row.extend(r.comparable.iter().map(|&c| whole(c)));
                row.push(r.varied.clone());
                row
            })
            .collect();
        write_table(f, &header, &rows)?;
        let ranges = self.ranges();
        let spans: Vec<String> = self
            .populations
            .iter()
            .zip(&ranges)
            .map(|(p, (lo, hi))| format!("{p} {}-{}", whole(*lo), whole(*hi)))
            .collect();
        writeln!(f, "Range over all rows: {}.", spans.join(", "))?;
        writeln!(
            f,
            "* the run's own settings. Each row refits only the comparability model on the run's \
             sample and split and applies one correction; the job models do not affect these counts. \
             register-size: f = register size / register size without wajong, wsw, wiw_id; \
             elkan-noto: 1 / c, c the mean score of held-out register members (assumes SCAR); \
             fixed: a factor given by the user."
        )?;
        for note in &self.notes {
            writeln!(f, "Note: {note}")?;
        }
        Ok(())
    }
}
