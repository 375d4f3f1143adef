//! The regression tree: the same histogram fit, depth and leaf-size rules and thresholds as
//! the classification tree, with the squared error (variance reduction) as the split
//! criterion and the mean outcome per leaf. Used for hours per week (banen); kept beside
//! the classification tree so both share the fitter, the scoring and the printing.

use std::fmt;
use std::ops::{AddAssign, SubAssign};

use serde::{Deserialize, Serialize};

use super::build::ClassificationTree;
use super::display::write_tree;
use super::fit::{bin_offsets, SparseRows, Target};
use super::nodes::{Condition, Counts, Node, TreeFeature};
use super::params::{row_ids, TreeParams};
use super::{input, TIE_TOL};
use crate::error::Result;
use crate::model::FeatureMatrix;

/// Outcome values are summed in units of 1/1000 so that histogram sums and differences are
/// exact integers (a leaf mean is exact to 0.0005 of the outcome's unit).
const UNITS: f64 = 1000.0;

/// Largest outcome value accepted: its thousandths and their sums fit the bins.
const MAX_OUTCOME: f64 = 1.0e6;

/// Rows and the sum of their outcomes in thousandths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Sums {
    n: u64,
    sum: u64,
}

impl AddAssign for Sums {
    fn add_assign(&mut self, o: Sums) {
        self.n += o.n;
        self.sum += o.sum;
    }
}

impl SubAssign for Sums {
    fn sub_assign(&mut self, o: Sums) {
        self.n -= o.n;
        self.sum -= o.sum;
    }
}

/// The squared-error target: maximising the children's summed `s² / n` minimises their
/// summed squared error, so a split's score gain is its reduction of the node's variance
/// times its rows.
struct SquaredError(Vec<u32>);

impl Target for SquaredError {
    type Bin = Sums;
    const GAIN_UNIT: f64 = UNITS * UNITS;
    #[inline]
    fn bin(&self, row: u32) -> Sums {
        Sums {
            n: 1,
            sum: u64::from(self.0[row as usize]),
        }
    }
    fn rows(bin: Sums) -> u64 {
        bin.n
    }
    fn score(bin: Sums) -> f64 {
        if bin.n == 0 {
            return 0.0;
        }
        let s = bin.sum as f64;
        s * s / bin.n as f64
    }
    fn splittable(_: Sums) -> bool {
        true
    }
    fn tolerance(bin: Sums) -> f64 {
        Self::score(bin) * TIE_TOL
    }
    fn node(bin: Sums) -> (Counts, f64) {
        let counts = Counts {
            n: bin.n,
            positives: 0,
        };
        (counts, bin.sum as f64 / bin.n as f64 / UNITS)
    }
}

/// A binary regression tree: per leaf the mean outcome of its training rows and their
/// number. Fitted with [`TreeParams::fit_regression`]; printed like report table B3.1 with
/// the mean in place of the probability.
///
/// ```
/// use banenafspraak::model::{FeatureColumn, FeatureMatrix, TreeParams};
///
/// let x = FeatureMatrix::from_columns(vec![FeatureColumn::numeric(
///     "disability_pct",
///     100,
///     vec![0, 0, 10, 50, 80, 100],
/// )])?;
/// let hours = [36.0, 32.0, 34.0, 12.0, 16.0, 14.0];
/// let rows: Vec<usize> = (0..x.n_rows()).collect();
/// let params = TreeParams { max_depth: 2, min_leaf: 2, ..TreeParams::default() };
/// let tree = params.fit_regression(&x, &hours, &rows)?;
/// assert_eq!(tree.n_leaves(), 2);
/// assert_eq!(tree.predict(&x)?, [34.0, 34.0, 34.0, 14.0, 14.0, 14.0]);
/// assert!(tree.to_string().starts_with("disability_pct <= 10"));
/// # Ok::<(), banenafspraak::Error>(())
/// ```
///
/// Serialised as a classification tree is (`features`, `nodes`), each leaf's
/// `probability` holding its mean; deserialising validates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RegressionData")]
pub struct RegressionTree {
    /// The splits and per-node training rows; a leaf's `probability` holds its mean, so
    /// that the classification tree's scoring returns means (never exposed as a
    /// classification tree).
    shape: ClassificationTree,
}

/// The serialised form, validated into a tree on deserialisation.
#[derive(Deserialize)]
struct RegressionData {
    features: Vec<TreeFeature>,
    nodes: Vec<Node>,
}

impl TryFrom<RegressionData> for RegressionTree {
    type Error = crate::Error;
    fn try_from(d: RegressionData) -> Result<Self> {
        let shape = ClassificationTree::assemble(d.features, d.nodes, MAX_OUTCOME)?;
        Ok(RegressionTree { shape })
    }
}

impl Serialize for RegressionTree {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.shape.serialize(s)
    }
}

/// A leaf of a regression tree with the conditions that lead to it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionLeaf {
    /// The leaf's node id.
    pub node: usize,
    /// Conditions from the root down.
    pub path: Vec<Condition>,
    /// Training rows in the leaf.
    pub n: u64,
    /// Their mean outcome: what the leaf predicts.
    pub mean: f64,
}

impl TreeParams {
    /// Fits a regression tree to the outcome `y` on the rows `rows` of `x`, with the same
    /// rules as [`TreeParams::fit`]: numeric splits `x <= t` on the threshold grid,
    /// categorical one-vs-rest, at most `max_depth` levels, at least `min_leaf` rows per
    /// child, ties to the lowest feature and threshold. The split criterion is the
    /// reduction of the squared error; `min_split_gain` is in squared units of `y`
    /// (weighted by the node's share of the rows, like scikit-learn's).
    ///
    /// # Errors
    /// As [`TreeParams::fit`]; also [`Error::ModelInput`](crate::Error::ModelInput) when a
    /// training row's outcome is not a finite number in `0 ..= 1e6`.
    pub fn fit_regression(
        &self,
        x: &FeatureMatrix,
        y: &[f64],
        rows: &[usize],
    ) -> Result<RegressionTree> {
        self.check()?;
        x.check_outcome_rows(y.len(), rows)?;
        if let Some(&r) = rows
            .iter()
            .find(|&&r| !(y[r].is_finite() && (0.0..=MAX_OUTCOME).contains(&y[r])))
        {
            return Err(input(format!(
                "the outcome of row {r} is {}; a regression tree needs finite values in 0 ..= {MAX_OUTCOME}",
                y[r]
            )));
        }
        let ids = row_ids(x, rows)?;
        // In range: checked above, so the thousandths fit u32.
        let units: Vec<u32> = y
            .iter()
            .map(|&v| (v * UNITS).round().clamp(0.0, 1e9) as u32)
            .collect();
        let target = SquaredError(units);
        let stat = ids.iter().fold(Sums::default(), |mut acc, &r| {
            acc += target.bin(r);
            acc
        });
        let sparse = SparseRows::of_matrix(x, &bin_offsets(x));
        let holders = &super::params::holders;
        let (features, nodes) = self.grow((x, &sparse), ids, target, stat, holders);
        Ok(RegressionTree {
            shape: ClassificationTree { features, nodes },
        })
    }
}

impl RegressionTree {
    /// The features the tree was fitted on.
    pub fn features(&self) -> &[TreeFeature] {
        self.shape.features()
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.shape.n_leaves()
    }

    /// All nodes (node ids are indices); a leaf's `probability` holds its mean.
    pub fn nodes(&self) -> &[Node] {
        self.shape.nodes()
    }

    /// The same tree with each leaf's mean and counts replaced by `f(node id, leaf)` (e.g.
    /// the values a checked table publishes); the inner nodes' counts are kept only if
    /// `inner_counts`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a mean outside
    /// `0 ..= 1e6` or counts with `n = 0`.
    pub fn with_leaf_means(
        &self,
        inner_counts: bool,
        f: impl FnMut(usize, &Node) -> (f64, Option<Counts>),
    ) -> Result<RegressionTree> {
        Ok(RegressionTree {
            shape: self.shape.map_leaves(MAX_OUTCOME, inner_counts, f)?,
        })
    }

    /// The largest leaf depth (0 for a single leaf).
    pub fn depth(&self) -> usize {
        self.shape.depth()
    }

    /// Training rows of the whole tree.
    pub fn n_train(&self) -> u64 {
        self.shape.root().counts.map_or(0, |c| c.n)
    }

    /// Every leaf with its path, training rows and mean, in pre-order (left first).
    pub fn leaves(&self) -> Vec<RegressionLeaf> {
        self.shape
            .leaves()
            .into_iter()
            .map(|l| RegressionLeaf {
                node: l.node,
                path: l.path,
                n: l.counts.map_or(0, |c| c.n),
                mean: l.probability,
            })
            .collect()
    }

    /// The prediction for every row of `x`: the mean of the leaf it falls in.
    ///
    /// # Errors
    /// As [`ClassificationTree::try_predict_proba`].
    pub fn predict(&self, x: &FeatureMatrix) -> Result<Vec<f64>> {
        self.shape.try_predict_proba(x)
    }

    /// The tree as a classification tree whose leaf probabilities are the means, for
    /// scoring with the classification trees ([`crate::model::LeafMasks`]).
    pub(crate) fn shape(&self) -> &ClassificationTree {
        &self.shape
    }

    /// The names of the features the tree splits on, each once, in feature order.
    pub fn used_features(&self) -> Vec<String> {
        let mut used = vec![false; self.features().len()];
        for n in self.shape.nodes() {
            if let Some(s) = n.split() {
                used[s.feature] = true;
            }
        }
        self.features()
            .iter()
            .zip(used)
            .filter(|(_, u)| *u)
            .map(|(f, _)| f.name.clone())
            .collect()
    }

    /// The leaf (node id) of every row of `x`.
    ///
    /// # Errors
    /// As [`ClassificationTree::try_predict_proba`].
    pub fn leaf_ids(&self, x: &FeatureMatrix) -> Result<Vec<usize>> {
        self.shape.leaf_ids(x)
    }
}

/// The tree as report table B3.1 prints its trees, with each leaf's mean (one decimal)
/// and training rows.
impl fmt::Display for RegressionTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tree(f, self.shape.features(), self.shape.nodes(), |mean| {
            format!("{mean:>5.1}")
        })
    }
}
