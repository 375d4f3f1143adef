//! A binary classification tree on a [`FeatureMatrix`](crate::model::FeatureMatrix), fitted with Gini impurity, that
//! keeps what the report's Tabel B3.1 prints: per node the number of training rows and
//! positives, and per leaf the empirical rate.
//!
//! We write our own rather than use linfa-trees because linfa stores no leaf counts (so no
//! probabilities), prunes sibling leaves that predict the same class (which collapses
//! rare-outcome trees to one leaf) and rescans every row at every node.
//!
//! Fitting uses histograms: the `u16` features have at most 65 536 values (days: 1096), so
//! at each node one pass per feature counts rows and positives per value, and a scan of the
//! cumulative sums finds the best cut. One child's histogram is the parent's minus the
//! other's, so only the smaller child is counted.
//!
//! The regression tree ([`RegressionTree`], hours per week for banen) shares the fitter:
//! its bins hold rows and the outcome's sum, its criterion is the squared error.
//!
//! Trees can also be built by hand ([`ClassificationTree::from_nodes`]) to score with a
//! published tree without fitting.

mod build;
mod display;
mod fit;
mod grid;
mod masks;
mod nodes;
mod params;
mod regression;
mod score;
#[cfg(test)]
mod tests;

pub use build::ClassificationTree;
pub use grid::{DaysGrid, ThresholdGrid};
pub use masks::{LeafMask, LeafMasks, MaskColumn, ALL_LEAVES, MASK_DEPTH, MASK_LEAVES, MASK_TREES};
pub use nodes::{Condition, Counts, Leaf, Node, NodeKind, NodeSpec, Split, SplitRule, TreeFeature};
pub use params::{CountsMatrix, DrawCounts, TreeParams};
pub use regression::{RegressionLeaf, RegressionTree};

use crate::error::Error;

/// Largest `max_depth` accepted; deeper trees would not be readable as a table.
const MAX_DEPTH_LIMIT: usize = 20;

/// Relative tolerance (of the node size) under which two split scores count as equal,
/// so that rounding noise never decides between splits and never passes for a gain.
const TIE_TOL: f64 = 1e-12;

/// Rows per parallel task when scoring: large enough to amortise scheduling.
const PREDICT_CHUNK: usize = 1 << 14;

fn input(msg: impl Into<String>) -> Error {
    Error::ModelInput(msg.into())
}
