//! From a feature matrix to the dense design: input checks, each feature's encoding chosen
//! from its training rows (standardised numbers, one-hot categories), and the design itself.

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{training, CHUNK_ROWS};
use crate::error::Result;
use crate::model::{FeatureKind, FeatureMatrix};

/// How one feature becomes design columns. The fitted model stores these in column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FeatureEncoding {
    /// One column, the value as is (models fitted on ndarray records through linfa's `Fit`,
    /// which, like linfa-logistic, do not standardise).
    Raw {
        /// Feature name.
        feature: String,
    },
    /// One column, `(value - mean) / sd` with the training rows' mean and population sd.
    Standardised {
        /// Feature name.
        feature: String,
        /// Training mean.
        mean: f64,
        /// Training standard deviation (divisor n), > 0.
        sd: f64,
    },
    /// One 0/1 column per listed level; the reference level and levels unseen in training
    /// get no column, i.e. contribute 0.
    OneHot {
        /// Feature name.
        feature: String,
        /// The most frequent training level.
        reference: String,
        /// Levels with a column, in column order.
        levels: Vec<String>,
    },
}

impl FeatureEncoding {
    /// The feature's name.
    pub fn feature(&self) -> &str {
        match self {
            FeatureEncoding::Raw { feature }
            | FeatureEncoding::Standardised { feature, .. }
            | FeatureEncoding::OneHot { feature, .. } => feature,
        }
    }

    /// Number of design columns.
    pub fn n_columns(&self) -> usize {
        match self {
            FeatureEncoding::OneHot { levels, .. } => levels.len(),
            _ => 1,
        }
    }

    /// Names of the design columns: `feature`, or `feature=level` for one-hot columns.
    pub fn column_names(&self) -> Vec<String> {
        match self {
            FeatureEncoding::OneHot {
                feature, levels, ..
            } => levels.iter().map(|l| format!("{feature}={l}")).collect(),
            other => vec![other.feature().to_string()],
        }
    }
}

pub(super) fn check_both_classes(positives: usize, n: usize) -> Result<()> {
    let missing = match positives {
        0 => "positives",
        p if p == n => "negatives",
        _ => return Ok(()),
    };
    Err(training(format!(
        "no {missing} among the {n} training rows ({positives} positives): a logistic model \
         needs both outcomes"
    )))
}

/// Chooses each feature's encoding from its training-row histogram. Returns the encodings,
/// the source column of each, and the dropped feature names.
pub(super) fn encode_features(
    x: &FeatureMatrix,
    rows: &[usize],
) -> (Vec<FeatureEncoding>, Vec<usize>, Vec<String>) {
    let histograms: Vec<Vec<u64>> = x
        .columns()
        .par_iter()
        .map(|col| {
            let mut counts = vec![0u64; col.kind.cardinality()];
            for &r in rows {
                counts[usize::from(col.values[r])] += 1;
            }
            counts
        })
        .collect();
    let n = rows.len() as f64;
    let (mut features, mut sources, mut dropped) = (Vec::new(), Vec::new(), Vec::new());
    for (j, (col, counts)) in x.columns().iter().zip(&histograms).enumerate() {
        // "Constant" by distinct values, not sd == 0, so rounding cannot decide it.
        if counts.iter().filter(|&&c| c > 0).count() < 2 {
            dropped.push(col.name.clone());
            continue;
        }
        let enc = match &col.kind {
            FeatureKind::Numeric { .. } => {
                let mean = counts
                    .iter()
                    .enumerate()
                    .map(|(v, &c)| v as f64 * c as f64)
                    .sum::<f64>()
                    / n;
                let var = counts
                    .iter()
                    .enumerate()
                    .map(|(v, &c)| c as f64 * (v as f64 - mean).powi(2))
                    .sum::<f64>()
                    / n;
                FeatureEncoding::Standardised {
                    feature: col.name.clone(),
                    mean,
                    sd: var.sqrt(),
                }
            }
            FeatureKind::Categorical { levels } => {
                // Most frequent level; `max_by_key` keeps the last maximum, so reverse to
                // break ties towards the first level.
                let reference = (0..levels.len())
                    .rev()
                    .max_by_key(|&k| counts[k])
                    .unwrap_or(0);
                FeatureEncoding::OneHot {
                    feature: col.name.clone(),
                    reference: levels[reference].clone(),
                    levels: (0..levels.len())
                        .filter(|&k| k != reference && counts[k] > 0)
                        .map(|k| levels[k].clone())
                        .collect(),
                }
            }
        };
        features.push(enc);
        sources.push(j);
    }
    (features, sources, dropped)
}

/// The row-major training design (no intercept column).
pub(super) fn build_design(
    x: &FeatureMatrix,
    rows: &[usize],
    features: &[FeatureEncoding],
    sources: &[usize],
) -> Array2<f64> {
    // Per feature: its source values, its first design column, and value -> column
    // (numeric: value -> standardised value, one column).
    enum Map {
        Numeric(Vec<f64>),
        OneHot(Vec<Option<usize>>),
    }
    let mut maps = Vec::with_capacity(features.len());
    let mut offset = 0;
    for (enc, &src) in features.iter().zip(sources) {
        let col = &x.columns()[src];
        let map = match (enc, &col.kind) {
            (FeatureEncoding::Standardised { mean, sd, .. }, FeatureKind::Numeric { max }) => {
                Map::Numeric((0..=*max).map(|v| (f64::from(v) - mean) / sd).collect())
            }
            (FeatureEncoding::OneHot { levels: used, .. }, FeatureKind::Categorical { levels }) => {
                Map::OneHot(
                    levels
                        .iter()
                        .map(|l| used.iter().position(|u| u == l))
                        .collect(),
                )
            }
            _ => unreachable!(
                "encode_features pairs numeric with Standardised, categorical with OneHot"
            ),
        };
        maps.push((col.values.as_slice(), offset, map));
        offset += enc.n_columns();
    }
    let p = offset;
    let mut design = Array2::<f64>::zeros((rows.len(), p));
    if p == 0 {
        return design;
    }
    let data = design.as_slice_mut().expect("fresh array is contiguous");
    data.par_chunks_mut(CHUNK_ROWS * p)
        .enumerate()
        .for_each(|(c, block)| {
            let chunk_rows = &rows[c * CHUNK_ROWS..c * CHUNK_ROWS + block.len() / p];
            for (out, &r) in block.chunks_exact_mut(p).zip(chunk_rows) {
                for (values, off, map) in &maps {
                    let v = usize::from(values[r]);
                    match map {
                        Map::Numeric(t) => out[*off] = t[v],
                        Map::OneHot(t) => {
                            if let Some(j) = t[v] {
                                out[off + j] = 1.0;
                            }
                        }
                    }
                }
            }
        });
    design
}
