//! The fitted model: coefficients with standard errors, how the fit went, scoring by
//! feature name, and the coefficient table.

use std::collections::HashMap;
use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::encoding::FeatureEncoding;
use super::newton::sigmoid;
use super::params::Solver;
use super::{invalid, model_input, CHUNK_ROWS};
use crate::error::Result;
use crate::model::{FeatureKind, FeatureMatrix, ProbabilityModel};

/// A fitted logistic model: coefficients with standard errors, the feature encoding, and
/// how the fit went.
///
/// Coefficients of numeric features are per training standard deviation (the standardised
/// scale); one-hot coefficients are log odds ratios against the reference level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedLogistic {
    pub(super) solver: Solver,
    pub(super) l2: f64,
    pub(super) features: Vec<FeatureEncoding>,
    pub(super) dropped: Vec<String>,
    pub(super) names: Vec<String>,
    pub(super) intercept: f64,
    pub(super) intercept_se: f64,
    pub(super) coefficients: Vec<f64>,
    pub(super) std_errors: Vec<f64>,
    pub(super) iterations: Option<usize>,
    pub(super) converged: bool,
    pub(super) last_step: f64,
    pub(super) deviance: f64,
    pub(super) n_train: usize,
    pub(super) positives: usize,
    /// Per coefficient, for a one-hot column: training rows with the level and the
    /// positives among them (what the coefficient says something about).
    #[serde(default)]
    pub(super) level_rows: Vec<Option<(u64, u64)>>,
}

impl FittedLogistic {
    /// The solver that produced the coefficients.
    pub fn solver(&self) -> Solver {
        self.solver
    }

    /// The ridge penalty used.
    pub fn l2(&self) -> f64 {
        self.l2
    }

    /// The encoding of each used feature, in design-column order.
    pub fn features(&self) -> &[FeatureEncoding] {
        &self.features
    }

    /// Features that got no column because they were constant on the training rows.
    pub fn dropped(&self) -> &[String] {
        &self.dropped
    }

    /// Names of the coefficients (design columns), e.g. `days_bijstand`, `education=mbo1`.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Coefficients, in [`FittedLogistic::names`] order, on the standardised scale.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// Standard errors of the coefficients: square roots of the diagonal of the inverse
    /// penalised Hessian (for `l2 > 0` a Bayesian/ridge SE, slightly below the sandwich one).
    pub fn std_errors(&self) -> &[f64] {
        &self.std_errors
    }

    /// The intercept (log odds with every standardised feature at its training mean and
    /// every categorical feature at its reference level).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Standard error of the intercept.
    pub fn intercept_se(&self) -> f64 {
        self.intercept_se
    }

    /// Newton steps taken, the last (tiny) one included. `None` for `Solver::Linfa`,
    /// which does not report it.
    pub fn iterations(&self) -> Option<usize> {
        self.iterations
    }

    /// Whether the last Newton step was within the tolerance. For `Solver::Linfa`: whether
    /// one Newton step from linfa's answer would be.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Largest absolute coefficient change in the last Newton step computed.
    pub fn last_step(&self) -> f64 {
        self.last_step
    }

    /// Penalised deviance at the returned coefficients: `2 * sum of log-losses + l2 *
    /// ||w||^2`, i.e. twice linfa-logistic's objective.
    pub fn deviance(&self) -> f64 {
        self.deviance
    }

    /// Number of training rows.
    pub fn n_train(&self) -> usize {
        self.n_train
    }

    /// Number of positive training rows.
    pub fn positives(&self) -> usize {
        self.positives
    }

    /// Per coefficient ([`FittedLogistic::names`] order): for a category level's one-hot
    /// column, the training rows with the level and the positives among them; `None` for
    /// a numeric feature. A level's coefficient is a statement about those rows, so
    /// disclosure control checks it like a cell of that many persons.
    pub fn level_rows(&self) -> &[Option<(u64, u64)>] {
        &self.level_rows
    }

    /// P(y = true) for every row of `x`, in row order.
    ///
    /// Features are matched by name, and categorical levels by name too, so `x` may order
    /// its columns and levels differently from the training matrix. Levels that had no
    /// column in training (the reference, or unseen levels) contribute 0.
    ///
    /// # Errors
    /// [`Error::ModelInput`] when a used feature is missing from `x` or has another kind
    /// (numeric vs categorical); [`Error::InvalidParameter`] (`model`) for a deserialised
    /// model whose parts disagree.
    ///
    /// [`Error::ModelInput`]: crate::Error::ModelInput
    /// [`Error::InvalidParameter`]: crate::Error::InvalidParameter
    pub fn try_predict_proba(&self, x: &FeatureMatrix) -> Result<Vec<f64>> {
        self.check_shape()?;
        // One lookup table per feature, value -> contribution to the log odds, so the row
        // loop is an indexed add per feature. Values are below their kind's cardinality
        // (the matrix was checked when built), so every lookup is in range.
        let mut tables: Vec<(&[u16], Vec<f64>)> = Vec::with_capacity(self.features.len());
        let mut offset = 0;
        for enc in &self.features {
            let name = enc.feature();
            let col = x.column(name).ok_or_else(|| {
                model_input(format!(
                    "the feature matrix lacks {name:?}, a feature of the fitted model"
                ))
            })?;
            let beta = &self.coefficients[offset..offset + enc.n_columns()];
            offset += enc.n_columns();
            tables.push((col.values.as_slice(), contributions(enc, beta, &col.kind)?));
        }
        let mut out = vec![self.intercept; x.n_rows()];
        out.par_chunks_mut(CHUNK_ROWS)
            .enumerate()
            .for_each(|(c, eta)| {
                let rows = c * CHUNK_ROWS..c * CHUNK_ROWS + eta.len();
                for (values, table) in &tables {
                    for (e, &v) in eta.iter_mut().zip(&values[rows.clone()]) {
                        *e += table[usize::from(v)];
                    }
                }
                for e in eta.iter_mut() {
                    *e = sigmoid(*e);
                }
            });
        Ok(out)
    }

    /// P(y = true) for design rows laid out as [`FittedLogistic::features`] (one value per
    /// feature; a one-hot feature's value is the index of its level in the training levels).
    #[cfg(feature = "linfa")]
    pub(super) fn predict_records<D: ndarray::Data<Elem = f64>>(
        &self,
        x: &ndarray::ArrayBase<D, ndarray::Ix2>,
    ) -> Vec<f64> {
        assert_eq!(
            x.ncols(),
            self.features.len(),
            "records have {} columns, the model has {} features",
            x.ncols(),
            self.features.len()
        );
        x.outer_iter()
            .into_par_iter()
            .map(|row| {
                let mut eta = self.intercept;
                let mut offset = 0;
                for (enc, &v) in self.features.iter().zip(row.iter()) {
                    let beta = &self.coefficients[offset..offset + enc.n_columns()];
                    offset += enc.n_columns();
                    eta += match enc {
                        FeatureEncoding::Raw { .. } => beta[0] * v,
                        FeatureEncoding::Standardised { mean, sd, .. } => beta[0] * (v - mean) / sd,
                        FeatureEncoding::OneHot { .. } => {
                            // The training matrix's level index; anything else contributes 0.
                            let j = v as usize;
                            if v >= 0.0 && v == j as f64 && j < beta.len() {
                                beta[j]
                            } else {
                                0.0
                            }
                        }
                    };
                }
                sigmoid(eta)
            })
            .collect()
    }

    /// The model as a checked table publishes it: the intercept and each coefficient
    /// with its standard error replaced by the published `(estimate, se)`, the one-hot
    /// columns in `suppressed` removed (their levels then score as the reference level
    /// does), the training counts replaced by `counts` (rows, positives; e.g. rounded)
    /// and, unless `level_rows`, the level counts left out.
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] (`model`) when the lengths disagree or a
    /// suppressed column is not a category level's.
    pub fn published(
        &self,
        intercept: (f64, f64),
        coefficients: &[(f64, f64)],
        suppressed: &[usize],
        counts: (usize, usize),
        level_rows: bool,
    ) -> Result<FittedLogistic> {
        self.check_shape()?;
        if coefficients.len() != self.coefficients.len() {
            return Err(invalid(
                "model",
                format!("{} published coefficients", coefficients.len()),
                format!("the model has {}", self.coefficients.len()),
            ));
        }
        let mut m = self.clone();
        (m.intercept, m.intercept_se) = intercept;
        (m.coefficients, m.std_errors) = coefficients.iter().copied().unzip();
        (m.n_train, m.positives) = counts;
        if !level_rows {
            m.level_rows = vec![None; m.coefficients.len()];
        }
        m.level_rows.resize(m.coefficients.len(), None);
        // Highest column first, so earlier indices stay valid.
        let mut cols = suppressed.to_vec();
        cols.sort_unstable_by(|a, b| b.cmp(a));
        cols.dedup();
        for j in cols {
            m.remove_level_column(j)?;
        }
        Ok(m)
    }

    /// Removes design column `j`, which must be a one-hot level's; an encoding left
    /// without levels is dropped.
    fn remove_level_column(&mut self, j: usize) -> Result<()> {
        let mut offset = 0;
        for e in 0..self.features.len() {
            let width = self.features[e].n_columns();
            if j < offset + width {
                let FeatureEncoding::OneHot {
                    levels, feature, ..
                } = &mut self.features[e]
                else {
                    return Err(invalid(
                        "model",
                        self.names[j].clone(),
                        "only a category level's coefficient can be left out".to_string(),
                    ));
                };
                levels.remove(j - offset);
                if levels.is_empty() {
                    let feature = feature.clone();
                    self.features.remove(e);
                    self.dropped.push(feature);
                }
                for v in [&mut self.coefficients, &mut self.std_errors] {
                    v.remove(j);
                }
                self.names.remove(j);
                self.level_rows.remove(j);
                return Ok(());
            }
            offset += width;
        }
        Err(invalid(
            "model",
            format!("column {j}"),
            format!("the model has {offset} columns"),
        ))
    }

    /// Guards against a deserialised model whose parts disagree, so prediction cannot index
    /// out of bounds.
    fn check_shape(&self) -> Result<()> {
        let k: usize = self.features.iter().map(FeatureEncoding::n_columns).sum();
        if self.coefficients.len() != k || self.names.len() != k || self.std_errors.len() != k {
            return Err(invalid(
                "model",
                format!("{} coefficients", self.coefficients.len()),
                format!("the feature encoding has {k} columns"),
            ));
        }
        Ok(())
    }
}

/// [`FittedLogistic::try_predict_proba`].
impl ProbabilityModel for FittedLogistic {
    fn try_predict_proba(&self, x: &FeatureMatrix) -> Result<Vec<f64>> {
        FittedLogistic::try_predict_proba(self, x)
    }
}

/// Per value of a column of kind `kind`, its contribution to the log odds under `enc`
/// with coefficients `beta`.
fn contributions(enc: &FeatureEncoding, beta: &[f64], kind: &FeatureKind) -> Result<Vec<f64>> {
    Ok(match (enc, kind) {
        (FeatureEncoding::Raw { .. }, FeatureKind::Numeric { max }) => {
            (0..=*max).map(|v| beta[0] * f64::from(v)).collect()
        }
        (FeatureEncoding::Standardised { mean, sd, .. }, FeatureKind::Numeric { max }) => (0
            ..=*max)
            .map(|v| beta[0] * (f64::from(v) - mean) / sd)
            .collect(),
        (
            FeatureEncoding::OneHot {
                levels: trained, ..
            },
            FeatureKind::Categorical { levels },
        ) => {
            let index: HashMap<&str, usize> = trained
                .iter()
                .enumerate()
                .map(|(j, l)| (l.as_str(), j))
                .collect();
            levels
                .iter()
                .map(|l| index.get(l.as_str()).map_or(0.0, |&j| beta[j]))
                .collect()
        }
        _ => {
            return Err(model_input(format!(
                "feature {:?} is {} in the feature matrix but was {} in training",
                enc.feature(),
                kind.describe(),
                if matches!(enc, FeatureEncoding::OneHot { .. }) {
                    "categorical"
                } else {
                    "numeric"
                }
            )))
        }
    })
}

impl fmt::Display for FittedLogistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "logistic regression ({}), l2 = {}, {} training rows, {} positives",
            self.solver, self.l2, self.n_train, self.positives
        )?;
        match (self.iterations, self.converged) {
            (Some(it), true) => write!(f, "converged in {it} iterations")?,
            (Some(it), false) => write!(f, "NOT converged after {it} iterations")?,
            (None, true) => write!(f, "converged (iterations not reported)")?,
            (None, false) => write!(f, "NOT converged (iterations not reported)")?,
        }
        writeln!(
            f,
            " (last step {:.1e}); penalised deviance {:.4}",
            self.last_step, self.deviance
        )?;
        let width = self
            .names
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(0)
            .max(11);
        writeln!(
            f,
            "{:<width$}  {:>12}  {:>10}  {:>9}",
            "coefficient", "estimate", "std.err", "z"
        )?;
        let mut line = |name: &str, b: f64, se: f64| {
            writeln!(f, "{name:<width$}  {b:>12.6}  {se:>10.6}  {:>9.2}", b / se)
        };
        line("(intercept)", self.intercept, self.intercept_se)?;
        for ((name, &b), &se) in self
            .names
            .iter()
            .zip(&self.coefficients)
            .zip(&self.std_errors)
        {
            line(name, b, se)?;
        }
        if !self.dropped.is_empty() {
            writeln!(
                f,
                "dropped (constant in the training rows): {}",
                self.dropped.join(", ")
            )?;
        }
        if self
            .features
            .iter()
            .any(|e| matches!(e, FeatureEncoding::Standardised { .. }))
        {
            writeln!(
                f,
                "numeric features standardised: coefficients are per training sd"
            )?;
        }
        Ok(())
    }
}
