//! The fit's parameters and its entry point: checks the input, then hands the rows to the
//! histogram fitter.

use serde::{Deserialize, Serialize};

use super::build::ClassificationTree;
use super::fit::Fitter;
use super::nodes::TreeFeature;
use super::{input, MAX_DEPTH_LIMIT};
use crate::error::{Error, Result};
use crate::model::{FeatureKind, FeatureMatrix};

/// Parameters of a classification tree fit: the defaults are the report's (at most five
/// levels, at least 1000 observations per leaf).
///
/// ```
/// use banenafspraak::model::{FeatureColumn, FeatureKind, FeatureMatrix, ProbabilityModel, TreeParams};
///
/// let x = FeatureMatrix {
///     n_rows: 6,
///     columns: vec![FeatureColumn {
///         name: "days_bijstand".into(),
///         kind: FeatureKind::Numeric { max: 1095 },
///         values: vec![0, 0, 5, 400, 700, 1095],
///     }],
/// };
/// let y = [false, false, false, true, true, true];
/// let rows: Vec<usize> = (0..x.n_rows).collect();
/// let params = TreeParams { max_depth: 2, min_leaf: 1, ..TreeParams::default() };
/// let tree = params.fit(&x, &y, &rows)?;
/// assert_eq!(tree.n_leaves(), 2);
/// assert_eq!(tree.predict_proba(&x), [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
/// assert!(tree.to_string().starts_with("days_bijstand <= 5 (< 6 days)"));
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TreeParams {
    /// Most splits on any path from the root to a leaf (1 ..= 20). Default 5.
    pub max_depth: usize,
    /// Fewest training rows in any leaf (at least 1). Default 1000.
    pub min_leaf: usize,
    /// A node splits only if the best split's Gini decrease, weighted by the node's share
    /// of the training rows, exceeds this (scikit-learn's `min_impurity_decrease`).
    /// Default 0.0: any real decrease.
    pub min_split_gain: f64,
}

impl Default for TreeParams {
    fn default() -> Self {
        TreeParams {
            max_depth: 5,
            min_leaf: 1000,
            min_split_gain: 0.0,
        }
    }
}

impl TreeParams {
    /// Checks the parameters: `max_depth` in 1 ..= 20, `min_leaf` at least 1,
    /// `min_split_gain` finite and not negative. [`TreeParams::fit`] calls this first.
    pub fn check(&self) -> Result<()> {
        if !(1..=MAX_DEPTH_LIMIT).contains(&self.max_depth) {
            return Err(Error::InvalidParameter {
                name: "max_depth",
                value: self.max_depth.to_string(),
                reason: format!("must be in 1 ..= {MAX_DEPTH_LIMIT}"),
            });
        }
        if self.min_leaf == 0 {
            return Err(Error::InvalidParameter {
                name: "min_leaf",
                value: "0".into(),
                reason: "must be at least 1".into(),
            });
        }
        if !self.min_split_gain.is_finite() || self.min_split_gain < 0.0 {
            return Err(Error::InvalidParameter {
                name: "min_split_gain",
                value: self.min_split_gain.to_string(),
                reason: "must be a finite number >= 0".into(),
            });
        }
        Ok(())
    }

    /// Fits a tree to the outcome `y` on the rows `rows` of `x` (indices into `x`; the
    /// matrix is not copied; an index given twice counts twice).
    ///
    /// Numeric features split as `x <= t` (left) / `x > t`, with `t` an observed value;
    /// categorical features one-vs-rest, `x == k` (left) / `x != k`. A node splits while
    /// its depth is below `max_depth`, both children keep at least `min_leaf` rows and the
    /// weighted Gini decrease exceeds `min_split_gain`. Ties go to the lowest feature index,
    /// then the lowest threshold or level, so the same input always gives the same tree.
    /// With fewer than `2 * min_leaf` rows the tree is one leaf, which then holds fewer than
    /// `min_leaf` rows if `rows` does.
    ///
    /// # Errors
    /// Invalid parameters ([`TreeParams::check`]); [`Error::ModelInput`] when `rows` is
    /// empty or has more than `u32::MAX` entries, `y.len() != x.n_rows`, a column's length
    /// is not `x.n_rows`, two features share a name, a row index is out of range, or a
    /// value in the given rows is not below its feature's cardinality. A single outcome
    /// class is not an error: it gives a one-leaf tree.
    pub fn fit(&self, x: &FeatureMatrix, y: &[bool], rows: &[usize]) -> Result<ClassificationTree> {
        self.check()?;
        if rows.is_empty() {
            return Err(input("no rows to fit on"));
        }
        if u32::try_from(rows.len()).is_err() {
            return Err(input(format!(
                "{} rows to fit on; at most {} are supported",
                rows.len(),
                u32::MAX
            )));
        }
        if y.len() != x.n_rows {
            return Err(input(format!(
                "the outcome has {} values but the feature matrix has {} rows",
                y.len(),
                x.n_rows
            )));
        }
        check_columns(x)?;
        let mut row_ids = Vec::with_capacity(rows.len());
        let mut positives = 0u64;
        for (i, &r) in rows.iter().enumerate() {
            // Row ids are kept as u32 to halve the memory traffic of the histogram passes.
            match u32::try_from(r) {
                Ok(r32) if r < x.n_rows => {
                    row_ids.push(r32);
                    positives += u64::from(y[r]);
                }
                _ => {
                    return Err(input(format!(
                        "rows[{i}] = {r} is out of range: the feature matrix has {} rows",
                        x.n_rows
                    )))
                }
            }
        }
        let features: Vec<TreeFeature> = x
            .columns
            .iter()
            .map(|c| TreeFeature {
                name: c.name.clone(),
                kind: c.kind.clone(),
            })
            .collect();
        let mut fitter = Fitter {
            params: self,
            cols: x.columns.iter().map(|c| c.values.as_slice()).collect(),
            cards: x
                .columns
                .iter()
                .map(|c| c.kind.cardinality().min(1 << 16))
                .collect(),
            categorical: x
                .columns
                .iter()
                .map(|c| matches!(c.kind, FeatureKind::Categorical { .. }))
                .collect(),
            features: &features,
            y,
            total: rows.len() as f64,
            rows: row_ids,
            scratch: Vec::new(),
            nodes: Vec::new(),
        };
        // The root histogram is always built: it is also the check that every value is in range.
        let n = fitter.rows.len();
        let root_hist = fitter.histogram(0, n)?;
        fitter.grow(0, n, positives, 0, Some(root_hist))?;
        let nodes = fitter.nodes;
        Ok(ClassificationTree { features, nodes })
    }
}

/// Column lengths and distinct names: the invariants that fitting and scoring rely on.
fn check_columns(x: &FeatureMatrix) -> Result<()> {
    for (j, c) in x.columns.iter().enumerate() {
        if c.values.len() != x.n_rows {
            return Err(input(format!(
                "feature {:?} has {} values but the matrix has {} rows",
                c.name,
                c.values.len(),
                x.n_rows
            )));
        }
        if x.columns[..j].iter().any(|d| d.name == c.name) {
            return Err(input(format!("feature name {:?} appears twice", c.name)));
        }
    }
    Ok(())
}
