//! A binary classification tree on a [`FeatureMatrix`], fitted with Gini impurity, that
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
//! Trees can also be built by hand ([`ClassificationTree::from_nodes`]) to score with a
//! published tree without fitting.

use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FeatureKind, FeatureMatrix, ProbabilityModel};
use crate::error::{Error, Result};

/// Largest `max_depth` accepted; deeper trees would not be readable as a table.
const MAX_DEPTH_LIMIT: usize = 20;

/// Relative tolerance (of the node size) under which two split scores count as equal,
/// so that rounding noise never decides between splits and never passes for a gain.
const TIE_TOL: f64 = 1e-12;

/// Rows per parallel task when scoring: large enough to amortise scheduling.
const PREDICT_CHUNK: usize = 1 << 14;

// ---------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------

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

fn input(msg: impl Into<String>) -> Error {
    Error::ModelInput(msg.into())
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

// ---------------------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------------------

/// How a split sends a row: to the left child when the rule holds, else to the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SplitRule {
    /// Numeric: `value <= t` goes left.
    AtMost(u16),
    /// One category against the rest: `value == k` goes left.
    Equals(u16),
}

impl SplitRule {
    /// Whether a row with this value goes to the left child.
    pub fn holds(self, value: u16) -> bool {
        match self {
            SplitRule::AtMost(t) => value <= t,
            SplitRule::Equals(k) => value == k,
        }
    }

    /// The rule as an inclusive value interval `[lo, lo + span]`, so that scoring needs no
    /// branch on the rule type.
    fn interval(self) -> (u16, u16) {
        match self {
            SplitRule::AtMost(t) => (0, t),
            SplitRule::Equals(k) => (k, 0),
        }
    }
}

/// The split of an internal node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Index of the feature in [`ClassificationTree::features`].
    pub feature: usize,
    /// The feature's name (a copy, for reading the tree without the feature list).
    pub feature_name: String,
    /// The rule; rows for which it holds go left.
    pub rule: SplitRule,
    /// Node id of the left child (rule holds).
    pub left: usize,
    /// Node id of the right child (rule does not hold).
    pub right: usize,
}

/// Training rows that reached a node, and how many of them had the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Rows.
    pub n: u64,
    /// Rows with the outcome.
    pub positives: u64,
}

impl Counts {
    /// `positives / n`, the empirical rate.
    pub fn rate(&self) -> f64 {
        self.positives as f64 / self.n as f64
    }
}

/// A node is a leaf with a probability or a split with two children.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NodeKind {
    /// A leaf.
    Leaf {
        /// What every row reaching the leaf is given; for fitted trees the training rate
        /// `positives / n`.
        probability: f64,
    },
    /// An internal node.
    Split(Split),
}

/// One node of the tree's arena.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Splits between the root and this node (the root has depth 0).
    pub depth: usize,
    /// Training rows that reached the node; `None` in hand-built trees that do not know them.
    pub counts: Option<Counts>,
    /// Leaf or split.
    pub kind: NodeKind,
}

impl Node {
    /// Whether the node is a leaf.
    pub fn is_leaf(&self) -> bool {
        matches!(self.kind, NodeKind::Leaf { .. })
    }

    /// A leaf's probability; for an internal node its training rate, if known.
    pub fn probability(&self) -> Option<f64> {
        match &self.kind {
            NodeKind::Leaf { probability } => Some(*probability),
            NodeKind::Split(_) => self.counts.map(|c| c.rate()),
        }
    }

    /// The split, for an internal node.
    pub fn split(&self) -> Option<&Split> {
        match &self.kind {
            NodeKind::Split(s) => Some(s),
            NodeKind::Leaf { .. } => None,
        }
    }
}

/// A feature as a tree knows it: its name and how its values are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeFeature {
    /// The feature's name, matched against [`FeatureMatrix`] column names when scoring.
    pub name: String,
    /// Numeric or categorical, with its range or levels.
    #[serde(with = "FeatureKindDef")]
    pub kind: FeatureKind,
}

/// Serde mirror of [`FeatureKind`], so the tree serialises without features.rs depending on serde.
#[derive(Serialize, Deserialize)]
#[serde(remote = "FeatureKind")]
enum FeatureKindDef {
    Numeric { max: u16 },
    Categorical { levels: Vec<String> },
}

/// A node of a hand-built tree, for [`ClassificationTree::from_nodes`]. Splits name their
/// feature; node 0 is the root.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeSpec {
    /// A leaf.
    Leaf {
        /// The probability the leaf gives, in [0, 1].
        probability: f64,
        /// Its training counts, if known (shown by `Display`; not used for scoring).
        counts: Option<Counts>,
    },
    /// A split.
    Split {
        /// The feature's name, one of the tree's features.
        feature: String,
        /// The rule; rows for which it holds go left.
        rule: SplitRule,
        /// Node id (index in the list) of the left child.
        left: usize,
        /// Node id of the right child.
        right: usize,
    },
}

impl NodeSpec {
    /// A leaf with a probability and unknown counts.
    pub fn leaf(probability: f64) -> NodeSpec {
        NodeSpec::Leaf {
            probability,
            counts: None,
        }
    }

    /// A split on the named feature.
    pub fn split(feature: &str, rule: SplitRule, left: usize, right: usize) -> NodeSpec {
        NodeSpec::Split {
            feature: feature.into(),
            rule,
            left,
            right,
        }
    }
}

/// One condition on the path to a leaf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Index of the feature in [`ClassificationTree::features`].
    pub feature: usize,
    /// The feature's name.
    pub feature_name: String,
    /// The split rule.
    pub rule: SplitRule,
    /// Whether the path takes the branch where the rule holds (left) or not (right).
    pub holds: bool,
    /// The condition in words, as [`ClassificationTree`]'s `Display` prints it
    /// (`days_bijstand > 13 (>= 2 weeks)`, `education != mbo1`).
    pub text: String,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A leaf with the conditions that lead to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// The leaf's node id.
    pub node: usize,
    /// Conditions from the root down.
    pub path: Vec<Condition>,
    /// Training counts, if known.
    pub counts: Option<Counts>,
    /// The probability the leaf gives.
    pub probability: f64,
}

/// A binary classification tree: an arena of [`Node`]s (node 0 is the root) and the
/// features it splits on. Fitted with [`TreeParams::fit`] or built by hand with
/// [`ClassificationTree::from_nodes`]; serialisable with serde (deserialising validates).
///
/// Scoring looks features up by name, so the matrix may hold other columns or a different
/// column order than the one the tree was fitted on.
///
/// A hand-built tree (the shape of report table B3.1), scored and printed:
///
/// ```
/// use banenafspraak::model::{
///     ClassificationTree, FeatureColumn, FeatureKind, FeatureMatrix, NodeSpec,
///     ProbabilityModel, SplitRule, TreeFeature,
/// };
///
/// let levels = ["primary", "mbo1", "mbo2"].map(String::from).to_vec();
/// let features = vec![
///     TreeFeature { name: "days_bijstand".into(), kind: FeatureKind::Numeric { max: 1095 } },
///     TreeFeature { name: "education".into(), kind: FeatureKind::Categorical { levels: levels.clone() } },
/// ];
/// let tree = ClassificationTree::from_nodes(features, vec![
///     NodeSpec::split("days_bijstand", SplitRule::AtMost(13), 1, 4),
///     NodeSpec::split("education", SplitRule::Equals(1), 2, 3),
///     NodeSpec::leaf(0.041),
///     NodeSpec::leaf(0.005),
///     NodeSpec::leaf(0.302),
/// ])?;
/// assert_eq!(tree.n_leaves(), 3);
///
/// let x = FeatureMatrix {
///     n_rows: 3,
///     columns: vec![
///         FeatureColumn { name: "education".into(), kind: FeatureKind::Categorical { levels }, values: vec![1, 2, 0] },
///         FeatureColumn { name: "days_bijstand".into(), kind: FeatureKind::Numeric { max: 1095 }, values: vec![0, 13, 14] },
///     ],
/// };
/// assert_eq!(tree.predict_proba(&x), [0.041, 0.005, 0.302]);
/// assert_eq!(
///     tree.to_string(),
///     "days_bijstand <= 13 (< 2 weeks)\n\
///      \x20 education = mbo1                 4.1%\n\
///      \x20 education != mbo1                0.5%\n\
///      days_bijstand > 13 (>= 2 weeks)   30.2%\n"
/// );
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TreeData")]
pub struct ClassificationTree {
    features: Vec<TreeFeature>,
    nodes: Vec<Node>,
}

/// The serialised form, validated into a tree on deserialisation.
#[derive(Deserialize)]
struct TreeData {
    features: Vec<TreeFeature>,
    nodes: Vec<Node>,
}

impl TryFrom<TreeData> for ClassificationTree {
    type Error = Error;
    fn try_from(d: TreeData) -> Result<Self> {
        ClassificationTree::assemble(d.features, d.nodes)
    }
}

fn bad_nodes(value: String, reason: impl Into<String>) -> Error {
    Error::InvalidParameter {
        name: "nodes",
        value,
        reason: reason.into(),
    }
}

impl ClassificationTree {
    /// Builds a fixed tree by hand, e.g. to score with a published tree. Node 0 is the root;
    /// every other node must be the child of exactly one split, reachable from the root
    /// (so the nodes form one tree, without cycles). Depths are computed here.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (`nodes`) when there are no nodes, a child id is out of
    /// range or used twice, a node is unreachable, a split names an unknown feature or has a
    /// rule outside the feature's values (`AtMost` needs a numeric feature), a leaf
    /// probability is not in [0, 1], counts have `positives > n` or `n = 0`, or two
    /// features share a name.
    pub fn from_nodes(features: Vec<TreeFeature>, nodes: Vec<NodeSpec>) -> Result<Self> {
        let mut built = Vec::with_capacity(nodes.len());
        for (id, spec) in nodes.into_iter().enumerate() {
            let kind = match spec {
                NodeSpec::Leaf {
                    probability,
                    counts,
                } => {
                    built.push(Node {
                        depth: 0,
                        counts,
                        kind: NodeKind::Leaf { probability },
                    });
                    continue;
                }
                NodeSpec::Split {
                    feature,
                    rule,
                    left,
                    right,
                } => {
                    let Some(index) = features.iter().position(|f| f.name == feature) else {
                        return Err(bad_nodes(
                            format!("node {id}"),
                            format!("splits on {feature:?}, which is not among the features"),
                        ));
                    };
                    NodeKind::Split(Split {
                        feature: index,
                        feature_name: feature,
                        rule,
                        left,
                        right,
                    })
                }
            };
            built.push(Node {
                depth: 0,
                counts: None,
                kind,
            });
        }
        Self::assemble(features, built)
    }

    /// Validates nodes into a tree and sets their depths (for hand-built and deserialised trees).
    fn assemble(features: Vec<TreeFeature>, mut nodes: Vec<Node>) -> Result<Self> {
        if nodes.is_empty() {
            return Err(bad_nodes("[]".into(), "a tree needs at least one node"));
        }
        for (j, f) in features.iter().enumerate() {
            if features[..j].iter().any(|g| g.name == f.name) {
                return Err(bad_nodes(
                    format!("feature {:?}", f.name),
                    "feature names must be distinct",
                ));
            }
        }
        let len = nodes.len();
        let mut parent: Vec<Option<usize>> = vec![None; len];
        for (id, node) in nodes.iter().enumerate() {
            let at = || format!("node {id}");
            if let Some(c) = node.counts {
                if c.n == 0 || c.positives > c.n {
                    return Err(bad_nodes(
                        at(),
                        format!(
                            "counts n = {}, positives = {} (need n >= 1 and positives <= n)",
                            c.n, c.positives
                        ),
                    ));
                }
            }
            match &node.kind {
                NodeKind::Leaf { probability } => {
                    if !(0.0..=1.0).contains(probability) {
                        return Err(bad_nodes(
                            at(),
                            format!("leaf probability {probability} is not in [0, 1]"),
                        ));
                    }
                }
                NodeKind::Split(s) => {
                    let Some(f) = features.get(s.feature) else {
                        return Err(bad_nodes(
                            at(),
                            format!(
                                "feature index {} is out of range ({} features)",
                                s.feature,
                                features.len()
                            ),
                        ));
                    };
                    if f.name != s.feature_name {
                        return Err(bad_nodes(
                            at(),
                            format!(
                                "feature {} is {:?}, not {:?}",
                                s.feature, f.name, s.feature_name
                            ),
                        ));
                    }
                    check_rule(&f.kind, s.rule).map_err(|reason| {
                        bad_nodes(at(), format!("{:?} on {:?}: {reason}", s.rule, f.name))
                    })?;
                    for child in [s.left, s.right] {
                        if child == 0 || child >= len {
                            return Err(bad_nodes(
                                at(),
                                format!("child id {child} is not in 1 ..= {}", len - 1),
                            ));
                        }
                        if let Some(p) = parent[child] {
                            return Err(bad_nodes(
                                at(),
                                format!("node {child} is already a child of node {p}"),
                            ));
                        }
                        parent[child] = Some(id);
                    }
                }
            }
        }
        // Every non-root node has exactly one parent; the nodes form a tree iff all are
        // reachable from the root (a cycle would be cut off from it).
        let mut reached = vec![false; len];
        reached[0] = true;
        let mut stack = vec![0usize];
        while let Some(id) = stack.pop() {
            if let NodeKind::Split(s) = &nodes[id].kind {
                let (l, r, d) = (s.left, s.right, nodes[id].depth + 1);
                for c in [l, r] {
                    nodes[c].depth = d;
                    reached[c] = true;
                    stack.push(c);
                }
            }
        }
        if let Some(orphan) = reached.iter().position(|&r| !r) {
            return Err(bad_nodes(
                format!("node {orphan}"),
                "is not reachable from the root (node 0): the nodes do not form one tree",
            ));
        }
        Ok(ClassificationTree { features, nodes })
    }

    /// The features the tree was fitted on (or built with), in split-index order.
    pub fn features(&self) -> &[TreeFeature] {
        &self.features
    }

    /// All nodes; node ids are indices. The root is node 0, then pre-order (left first)
    /// for fitted trees.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The node with this id.
    pub fn node(&self, id: usize) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// The root node.
    pub fn root(&self) -> &Node {
        // `assemble` and `fit` never produce an empty arena.
        &self.nodes[0]
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }

    /// The largest leaf depth (0 for a single leaf).
    pub fn depth(&self) -> usize {
        self.nodes.iter().map(|n| n.depth).max().unwrap_or(0)
    }

    /// Every leaf with its path of conditions, in pre-order (left branch first).
    pub fn leaves(&self) -> Vec<Leaf> {
        let mut out = Vec::new();
        let mut stack = vec![(0usize, Vec::<Condition>::new())];
        while let Some((id, path)) = stack.pop() {
            let node = &self.nodes[id];
            match &node.kind {
                NodeKind::Leaf { probability } => out.push(Leaf {
                    node: id,
                    path,
                    counts: node.counts,
                    probability: *probability,
                }),
                NodeKind::Split(s) => {
                    let mut right = path.clone();
                    right.push(self.condition(s, false));
                    let mut left = path;
                    left.push(self.condition(s, true));
                    stack.push((s.right, right));
                    stack.push((s.left, left));
                }
            }
        }
        out
    }

    fn condition(&self, s: &Split, holds: bool) -> Condition {
        Condition {
            feature: s.feature,
            feature_name: s.feature_name.clone(),
            rule: s.rule,
            holds,
            text: condition_text(&self.features[s.feature], s.rule, holds),
        }
    }

    /// The leaf (node id) that row `row` of `x` falls in.
    ///
    /// # Errors
    /// As [`ClassificationTree::try_predict_proba`], and when `row >= x.n_rows`.
    pub fn leaf_of(&self, x: &FeatureMatrix, row: usize) -> Result<usize> {
        if row >= x.n_rows {
            return Err(input(format!(
                "row {row} is out of range: the feature matrix has {} rows",
                x.n_rows
            )));
        }
        Ok(self.compile(x)?.leaf(row))
    }

    /// The leaf (node id) of every row of `x`, in row order.
    ///
    /// # Errors
    /// As [`ClassificationTree::try_predict_proba`].
    pub fn leaf_ids(&self, x: &FeatureMatrix) -> Result<Vec<usize>> {
        let c = self.compile(x)?;
        Ok((0..x.n_rows).into_par_iter().map(|r| c.leaf(r)).collect())
    }

    /// P(outcome) for every row of `x`: the probability of the leaf it falls in.
    ///
    /// Each feature the tree splits on is looked up in `x` by name, once.
    ///
    /// # Errors
    /// [`Error::ModelInput`] when a feature the tree splits on is missing from `x`, has the
    /// other kind (numeric vs categorical), has different category levels, or has a column
    /// length other than `x.n_rows`.
    pub fn try_predict_proba(&self, x: &FeatureMatrix) -> Result<Vec<f64>> {
        let c = self.compile(x)?;
        let mut out = vec![0.0; x.n_rows];
        out.par_chunks_mut(PREDICT_CHUNK)
            .enumerate()
            .for_each(|(k, chunk)| {
                let base = k * PREDICT_CHUNK;
                for (i, o) in chunk.iter_mut().enumerate() {
                    *o = c.probability[c.leaf(base + i)];
                }
            });
        Ok(out)
    }

    /// Resolves the tree's split features to columns of `x` and flattens the nodes for scoring.
    fn compile<'x>(&self, x: &'x FeatureMatrix) -> Result<Compiled<'x>> {
        let mut cols: Vec<&'x [u16]> = Vec::new();
        let mut col_of: Vec<Option<u32>> = vec![None; self.features.len()];
        let (steps, probability) = self.flatten(|feature| {
            if let Some(c) = col_of[feature] {
                return Ok(c);
            }
            cols.push(self.resolve(x, feature)?);
            let c = (cols.len() - 1) as u32;
            col_of[feature] = Some(c);
            Ok(c)
        })?;
        if cols.is_empty() {
            // A single leaf never reads a value; give the self-loop something to index.
            cols.push(&[]);
        }
        Ok(Compiled {
            cols,
            steps,
            probability,
            depth: self.depth(),
        })
    }

    /// Flattens the nodes for scoring; `col` maps a split's feature index to the position
    /// its values are read from.
    fn flatten(&self, mut col: impl FnMut(usize) -> Result<u32>) -> Result<(Vec<Step>, Vec<f64>)> {
        let mut steps = Vec::with_capacity(self.nodes.len());
        let mut probability = Vec::with_capacity(self.nodes.len());
        for (id, node) in self.nodes.iter().enumerate() {
            // Node ids fit u32: an arena of 4 billion nodes cannot be built in memory anyway.
            let me = id as u32;
            match &node.kind {
                NodeKind::Leaf { probability: p } => {
                    // A leaf loops to itself for any value, so every row can take the same
                    // number of steps (the tree's depth) without branching on node kind.
                    steps.push(Step {
                        col: 0,
                        lo: 0,
                        span: u16::MAX,
                        next: [me, me],
                    });
                    probability.push(*p);
                }
                NodeKind::Split(s) => {
                    let (lo, span) = s.rule.interval();
                    steps.push(Step {
                        col: col(s.feature)?,
                        lo,
                        span,
                        next: [s.left as u32, s.right as u32],
                    });
                    probability.push(f64::NAN);
                }
            }
        }
        Ok((steps, probability))
    }

    /// A scorer for rows stored contiguously in the column order of `template` (a matrix
    /// whose rows are not read, e.g. [`crate::model::features::PreparedFeatures::template`]):
    /// the fastest way to score many rows with several models at once.
    ///
    /// # Errors
    /// As [`ClassificationTree::try_predict_proba`], for the template's features.
    pub fn row_scorer(&self, template: &FeatureMatrix) -> Result<RowScorer> {
        let (steps, probability) =
            self.flatten(|feature| self.position(template, feature).map(|j| j as u32))?;
        Ok(RowScorer {
            steps,
            probability,
            depth: self.depth(),
        })
    }

    fn position(&self, x: &FeatureMatrix, feature: usize) -> Result<usize> {
        let f = &self.features[feature];
        let Some(j) = x.position(&f.name) else {
            return Err(input(format!(
                "the tree splits on feature {:?}, which the feature matrix lacks",
                f.name
            )));
        };
        let c = &x.columns[j];
        let compatible = match (&f.kind, &c.kind) {
            (FeatureKind::Numeric { .. }, FeatureKind::Numeric { .. }) => true,
            (FeatureKind::Categorical { levels: a }, FeatureKind::Categorical { levels: b }) => {
                a == b
            }
            _ => false,
        };
        if !compatible {
            return Err(input(format!(
                "feature {:?} is {} in the tree but {} in the feature matrix",
                f.name,
                describe_kind(&f.kind),
                describe_kind(&c.kind)
            )));
        }
        Ok(j)
    }

    fn resolve<'x>(&self, x: &'x FeatureMatrix, feature: usize) -> Result<&'x [u16]> {
        let c = &x.columns[self.position(x, feature)?];
        if c.values.len() != x.n_rows {
            return Err(input(format!(
                "feature {:?} has {} values but the matrix has {} rows",
                c.name,
                c.values.len(),
                x.n_rows
            )));
        }
        Ok(&c.values)
    }
}

/// `ProbabilityModel::predict_proba` is [`ClassificationTree::try_predict_proba`].
///
/// # Panics
/// When the matrix does not carry the tree's features (see `try_predict_proba`). That is a
/// programmer error: a tree must be scored on features encoded as it was fitted on. Call
/// `try_predict_proba` to handle it instead.
impl ProbabilityModel for ClassificationTree {
    fn predict_proba(&self, x: &FeatureMatrix) -> Vec<f64> {
        match self.try_predict_proba(x) {
            Ok(p) => p,
            Err(e) => panic!("ClassificationTree::predict_proba: {e}"),
        }
    }
}

fn describe_kind(kind: &FeatureKind) -> String {
    match kind {
        FeatureKind::Numeric { max } => format!("numeric 0 ..= {max}"),
        FeatureKind::Categorical { levels } => format!("categorical with levels {levels:?}"),
    }
}

fn check_rule(kind: &FeatureKind, rule: SplitRule) -> std::result::Result<(), String> {
    match (kind, rule) {
        (FeatureKind::Categorical { .. }, SplitRule::AtMost(_)) => {
            Err("a categorical feature splits with Equals only".into())
        }
        (FeatureKind::Numeric { max }, SplitRule::AtMost(t)) if t > *max => {
            Err(format!("the threshold is above the maximum {max}"))
        }
        (kind, SplitRule::Equals(k)) if usize::from(k) >= kind.cardinality() => Err(format!(
            "value {k} is outside the feature's {} values",
            kind.cardinality()
        )),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------

/// A node flattened for scoring: go to `next[0]` when `value - lo` (wrapping) `<= span`.
#[derive(Debug, Clone, Copy)]
struct Step {
    col: u32,
    lo: u16,
    span: u16,
    next: [u32; 2],
}

struct Compiled<'x> {
    cols: Vec<&'x [u16]>,
    steps: Vec<Step>,
    probability: Vec<f64>,
    depth: usize,
}

/// A tree bound to a row layout ([`ClassificationTree::row_scorer`]).
#[derive(Debug, Clone)]
pub struct RowScorer {
    steps: Vec<Step>,
    probability: Vec<f64>,
    depth: usize,
}

impl RowScorer {
    /// The probability of the leaf `row` falls in; `row` holds the template's features in
    /// order (a missing value reads as 0).
    #[inline]
    pub fn predict(&self, row: &[u16]) -> f64 {
        let mut node = 0usize;
        for _ in 0..self.depth {
            let s = self.steps[node];
            let v = row.get(s.col as usize).copied().unwrap_or(0);
            node = s.next[usize::from(v.wrapping_sub(s.lo) > s.span)] as usize;
        }
        self.probability[node]
    }
}

impl Compiled<'_> {
    /// Walks a row down exactly `depth` steps; leaves loop to themselves. The fixed trip
    /// count keeps the loop free of hard-to-predict exits.
    #[inline]
    fn leaf(&self, row: usize) -> usize {
        let mut node = 0usize;
        for _ in 0..self.depth {
            let s = self.steps[node];
            let v = self.cols[s.col as usize].get(row).copied().unwrap_or(0);
            node = s.next[usize::from(v.wrapping_sub(s.lo) > s.span)] as usize;
        }
        node
    }
}

// ---------------------------------------------------------------------------------------
// Fitting
// ---------------------------------------------------------------------------------------

/// Per-value counts of one feature at one node, packed as `n | positives << 32` so one add
/// updates both (neither half can overflow into the other: a node has < 2^32 rows).
type Hist = Vec<Vec<u64>>;

#[inline]
fn unpack(bin: u64) -> (u64, u64) {
    (bin & 0xFFFF_FFFF, bin >> 32)
}

struct Fitter<'a> {
    params: &'a TreeParams,
    cols: Vec<&'a [u16]>,
    cards: Vec<usize>,
    categorical: Vec<bool>,
    features: &'a [TreeFeature],
    y: &'a [bool],
    /// Training rows in all, for weighting gains by node share.
    total: f64,
    /// The row ids, partitioned in place so that every node owns a contiguous range.
    rows: Vec<u32>,
    scratch: Vec<u32>,
    nodes: Vec<Node>,
}

impl Fitter<'_> {
    fn may_split(&self, n: u64, positives: u64, depth: usize) -> bool {
        depth < self.params.max_depth
            && n >= (self.params.min_leaf as u64).saturating_mul(2)
            && positives > 0
            && positives < n
    }

    /// Histograms of all features over `rows[start..end]`, one feature per rayon task.
    /// Fails on the first value (lowest feature index) outside its feature's range.
    fn histogram(&self, start: usize, end: usize) -> Result<Hist> {
        let rows = &self.rows[start..end];
        let y = self.y;
        // Gathered once per node rather than once per feature.
        let inc: Vec<u64> = rows
            .iter()
            .map(|&r| 1 | (u64::from(y[r as usize]) << 32))
            .collect();
        let hists: Vec<std::result::Result<Vec<u64>, (u32, u16)>> = self
            .cols
            .par_iter()
            .zip(self.cards.par_iter())
            .map(|(col, &card)| {
                let mut h = vec![0u64; card];
                for (&r, &add) in rows.iter().zip(&inc) {
                    let v = col[r as usize];
                    match h.get_mut(usize::from(v)) {
                        Some(bin) => *bin += add,
                        None => return Err((r, v)),
                    }
                }
                Ok(h)
            })
            .collect();
        hists
            .into_iter()
            .enumerate()
            .map(|(j, h)| {
                h.map_err(|(r, v)| {
                    let f = &self.features[j];
                    input(format!(
                        "feature {:?} has value {v} in row {r}, outside its range ({})",
                        f.name,
                        describe_kind(&f.kind)
                    ))
                })
            })
            .collect()
    }

    /// The best split of a node with histogram `hist`, if it beats `min_split_gain`.
    fn best_split(&self, hist: &Hist, n: u64, positives: u64) -> Option<(usize, SplitRule)> {
        let tol = n as f64 * TIE_TOL;
        let min_leaf = self.params.min_leaf as u64;
        let per_feature: Vec<Option<(SplitRule, f64)>> = hist
            .par_iter()
            .zip(self.categorical.par_iter())
            .map(|(h, &cat)| best_in_feature(h, cat, n, positives, min_leaf, tol))
            .collect();
        // Reduced in feature order so that near-ties go to the lowest feature index.
        let mut best: Option<(usize, SplitRule, f64)> = None;
        for (j, cand) in per_feature.into_iter().enumerate() {
            if let Some((rule, score)) = cand {
                if best.is_none_or(|(_, _, b)| score > b + tol) {
                    best = Some((j, rule, score));
                }
            }
        }
        let (feature, rule, score) = best?;
        let decrease = score - purity(n, positives);
        if decrease <= tol {
            return None;
        }
        // Gini decrease weighted by node share: (n / N) * (G - nL/n GL - nR/n GR), which
        // equals (score - purity(node)) / N.
        (decrease / self.total > self.params.min_split_gain).then_some((feature, rule))
    }

    /// Grows the subtree over `rows[start..end]` and returns its root's id.
    fn grow(
        &mut self,
        start: usize,
        end: usize,
        positives: u64,
        depth: usize,
        hist: Option<Hist>,
    ) -> Result<usize> {
        let n = (end - start) as u64;
        let id = self.nodes.len();
        self.nodes.push(Node {
            depth,
            counts: Some(Counts { n, positives }),
            kind: NodeKind::Leaf {
                probability: positives as f64 / n as f64,
            },
        });
        if !self.may_split(n, positives, depth) {
            return Ok(id);
        }
        let hist = match hist {
            Some(h) => h,
            None => self.histogram(start, end)?,
        };
        let Some((feature, rule)) = self.best_split(&hist, n, positives) else {
            return Ok(id);
        };
        let (n_left, left_pos) = partition(
            &mut self.rows[start..end],
            &mut self.scratch,
            self.cols[feature],
            self.y,
            rule,
        );
        let mid = start + n_left;
        let right_pos = positives - left_pos;
        let need_left = self.may_split(n_left as u64, left_pos, depth + 1);
        let need_right = self.may_split((end - mid) as u64, right_pos, depth + 1);
        // Count only the smaller child; the larger one's histogram is the parent's minus it.
        let (hist_left, hist_right) = if need_left || need_right {
            let left_smaller = mid - start <= end - mid;
            let (small, need_large) = if left_smaller {
                (self.histogram(start, mid)?, need_right)
            } else {
                (self.histogram(mid, end)?, need_left)
            };
            let large = need_large.then(|| subtract(hist, &small));
            if left_smaller {
                (Some(small), large)
            } else {
                (large, Some(small))
            }
        } else {
            (None, None)
        };
        let left = self.grow(start, mid, left_pos, depth + 1, hist_left)?;
        let right = self.grow(mid, end, right_pos, depth + 1, hist_right)?;
        self.nodes[id].kind = NodeKind::Split(Split {
            feature,
            feature_name: self.features[feature].name.clone(),
            rule,
            left,
            right,
        });
        Ok(id)
    }
}

/// `(p² + q²) / n` for a node with `n` rows, `p` positives and `q` negatives:
/// `n · Gini = n - purity`, so maximising the children's summed purity minimises their
/// weighted Gini impurity.
#[inline]
fn purity(n: u64, positives: u64) -> f64 {
    let n = n as f64;
    let p = positives as f64;
    let q = n - p;
    (p * p + q * q) / n
}

/// The best rule on one feature and its children's summed purity; among (near-)equal
/// scores the lowest threshold or level wins. Numeric thresholds are observed values.
fn best_in_feature(
    hist: &[u64],
    categorical: bool,
    n: u64,
    positives: u64,
    min_leaf: u64,
    tol: f64,
) -> Option<(SplitRule, f64)> {
    let mut best: Option<(SplitRule, f64)> = None;
    let mut consider = |rule: SplitRule, n_left: u64, pos_left: u64| {
        let n_right = n - n_left;
        if n_left < min_leaf || n_right < min_leaf {
            return;
        }
        let score = purity(n_left, pos_left) + purity(n_right, positives - pos_left);
        if best.is_none_or(|(_, b)| score > b + tol) {
            best = Some((rule, score));
        }
    };
    if categorical {
        for (k, &bin) in hist.iter().enumerate() {
            let (c, p) = unpack(bin);
            if c > 0 {
                // Histograms have at most 65 536 bins, so `k` fits u16.
                consider(SplitRule::Equals(k as u16), c, p);
            }
        }
    } else {
        let (mut n_left, mut pos_left) = (0, 0);
        for (v, &bin) in hist.iter().enumerate() {
            let (c, p) = unpack(bin);
            if c == 0 {
                // Same partition as the previous observed value, which is lower.
                continue;
            }
            n_left += c;
            pos_left += p;
            if n - n_left < min_leaf {
                break;
            }
            consider(SplitRule::AtMost(v as u16), n_left, pos_left);
        }
    }
    best
}

/// Stable in-place partition of `rows` by `rule` (left first); returns the left size and
/// its positives. Stability keeps each node's rows in increasing order, so column reads
/// stay monotone and cache-friendly.
fn partition(
    rows: &mut [u32],
    scratch: &mut Vec<u32>,
    col: &[u16],
    y: &[bool],
    rule: SplitRule,
) -> (usize, u64) {
    scratch.clear();
    let mut w = 0;
    let mut pos = 0u64;
    for i in 0..rows.len() {
        let r = rows[i];
        if rule.holds(col[r as usize]) {
            rows[w] = r;
            w += 1;
            pos += u64::from(y[r as usize]);
        } else {
            scratch.push(r);
        }
    }
    rows[w..].copy_from_slice(scratch);
    (w, pos)
}

/// `parent - child`, bin by bin, reusing the parent's memory. Exact on the packed bins
/// because each child half is at most the parent's.
fn subtract(mut parent: Hist, child: &Hist) -> Hist {
    for (p, c) in parent.iter_mut().zip(child) {
        for (a, b) in p.iter_mut().zip(c) {
            *a -= b;
        }
    }
    parent
}

// ---------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------

/// A condition in words; day counts get a reading in the report's units.
fn condition_text(feature: &TreeFeature, rule: SplitRule, holds: bool) -> String {
    let name = &feature.name;
    match (rule, &feature.kind) {
        (SplitRule::AtMost(t), kind) => {
            let op = if holds { "<=" } else { ">" };
            let mut s = format!("{name} {op} {t}");
            if name.starts_with("days_") && matches!(kind, FeatureKind::Numeric { .. }) {
                // `<= t` days is `< t + 1` days.
                let bound = days_reading(u32::from(t) + 1);
                s.push_str(&format!(" ({} {bound})", if holds { "<" } else { ">=" }));
            }
            s
        }
        (SplitRule::Equals(k), kind) => {
            let op = if holds { "=" } else { "!=" };
            match kind {
                FeatureKind::Categorical { levels } => match levels.get(usize::from(k)) {
                    Some(level) => format!("{name} {op} {level}"),
                    None => format!("{name} {op} #{k}"),
                },
                FeatureKind::Numeric { .. } => format!("{name} {op} {k}"),
            }
        }
    }
}

/// A number of days in the largest report unit that gives at least 1 (1 week = 7 days,
/// 1 month = 365/12 days, 1 year = 365 days), to one decimal; `~` marks a rounded value.
fn days_reading(days: u32) -> String {
    let d = f64::from(days);
    let month = 365.0 / 12.0;
    let (value, unit) = if d >= 365.0 {
        (d / 365.0, "year")
    } else if d >= month {
        (d / month, "month")
    } else if d >= 7.0 {
        (d / 7.0, "week")
    } else {
        (d, "day")
    };
    let rounded = (value * 10.0).round() / 10.0;
    let approx = if (rounded - value).abs() > 1e-9 {
        "~"
    } else {
        ""
    };
    let number = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    let plural = if rounded == 1.0 { "" } else { "s" };
    format!("{approx}{number} {unit}{plural}")
}

/// An indented table like report table B3.1: one line per node below the root, indented
/// two spaces per level, with the condition that leads to it; leaves add their probability
/// (percent, one decimal) and, if known, their training size. A one-leaf tree prints
/// `(all rows)`.
impl fmt::Display for ClassificationTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // (text with indent, leaf node or None)
        let mut lines: Vec<(String, Option<&Node>)> = Vec::new();
        if self.root().is_leaf() {
            lines.push(("(all rows)".into(), Some(self.root())));
        }
        let mut stack: Vec<(usize, String)> = Vec::new();
        if let Some(s) = self.root().split() {
            stack.push((
                s.right,
                condition_text(&self.features[s.feature], s.rule, false),
            ));
            stack.push((
                s.left,
                condition_text(&self.features[s.feature], s.rule, true),
            ));
        }
        while let Some((id, cond)) = stack.pop() {
            let node = &self.nodes[id];
            let indent = "  ".repeat(node.depth.saturating_sub(1));
            lines.push((format!("{indent}{cond}"), node.is_leaf().then_some(node)));
            if let Some(s) = node.split() {
                let feat = &self.features[s.feature];
                stack.push((s.right, condition_text(feat, s.rule, false)));
                stack.push((s.left, condition_text(feat, s.rule, true)));
            }
        }
        let width = lines
            .iter()
            .map(|(t, _)| t.chars().count())
            .max()
            .unwrap_or(0);
        for (text, leaf) in &lines {
            match leaf.and_then(|n| n.probability().map(|p| (p, n.counts))) {
                Some((p, counts)) => {
                    write!(f, "{text:<width$}  {:>5.1}%", 100.0 * p)?;
                    if let Some(c) = counts {
                        write!(f, "  n = {}", c.n)?;
                    }
                    writeln!(f)?;
                }
                None => writeln!(f, "{text}")?,
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FeatureColumn;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn numeric(name: &str, max: u16, values: Vec<u16>) -> FeatureColumn {
        FeatureColumn {
            name: name.into(),
            kind: FeatureKind::Numeric { max },
            values,
        }
    }

    fn categorical(name: &str, levels: &[&str], values: Vec<u16>) -> FeatureColumn {
        FeatureColumn {
            name: name.into(),
            kind: FeatureKind::Categorical {
                levels: levels.iter().map(|s| s.to_string()).collect(),
            },
            values,
        }
    }

    fn matrix(columns: Vec<FeatureColumn>) -> FeatureMatrix {
        FeatureMatrix {
            n_rows: columns.first().map_or(0, |c| c.values.len()),
            columns,
        }
    }

    /// Rows from (value, n, positives) groups.
    fn groups(spec: &[(u16, usize, usize)]) -> (Vec<u16>, Vec<bool>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for &(v, n, p) in spec {
            for i in 0..n {
                x.push(v);
                y.push(i < p);
            }
        }
        (x, y)
    }

    fn all(x: &FeatureMatrix) -> Vec<usize> {
        (0..x.n_rows).collect()
    }

    fn params(max_depth: usize, min_leaf: usize) -> TreeParams {
        TreeParams {
            max_depth,
            min_leaf,
            min_split_gain: 0.0,
        }
    }

    fn root_split(t: &ClassificationTree) -> &Split {
        t.root().split().expect("root should split")
    }

    fn counts(t: &ClassificationTree, id: usize) -> (u64, u64) {
        let c = t.nodes()[id].counts.unwrap();
        (c.n, c.positives)
    }

    // Value: (rows, positives) = 0: (4, 0), 1: (2, 1), 2: (2, 2), 3: (4, 1); parent (12, 4).
    // Summed purity (p² + q²)/n of the children, by threshold:
    //   t = 0: 16/4 + 32/8 = 8.000   (Gini decrease 1/9 ≈ 0.111)
    //   t = 1: 26/6 + 18/6 = 7.333
    //   t = 2: 34/8 + 10/4 = 6.750
    fn numeric_case() -> (FeatureMatrix, Vec<bool>) {
        let (v, y) = groups(&[(0, 4, 0), (1, 2, 1), (2, 2, 2), (3, 4, 1)]);
        (matrix(vec![numeric("a", 3, v)]), y)
    }

    #[test]
    fn numeric_split_by_hand() {
        let (x, y) = numeric_case();
        let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
        let s = root_split(&t);
        assert_eq!(s.rule, SplitRule::AtMost(0));
        assert_eq!(counts(&t, s.left), (4, 0));
        assert_eq!(counts(&t, s.right), (8, 4));
        assert_eq!(t.nodes()[s.right].probability(), Some(0.5));
    }

    #[test]
    fn min_split_gain_is_weighted_gini_decrease() {
        // Parent Gini 4/9; after t = 0: 8/12 · 1/2 = 1/3; decrease 1/9.
        let (x, y) = numeric_case();
        let with = |g| TreeParams {
            min_split_gain: g,
            ..params(1, 1)
        };
        assert_eq!(with(0.111).fit(&x, &y, &all(&x)).unwrap().n_leaves(), 2);
        assert_eq!(with(0.112).fit(&x, &y, &all(&x)).unwrap().n_leaves(), 1);
    }

    #[test]
    fn min_leaf_blocks_splits() {
        let (x, y) = numeric_case();
        // t = 0 leaves 4 rows on the left and t = 2 leaves 4 on the right: only t = 1 remains.
        let t = params(1, 5).fit(&x, &y, &all(&x)).unwrap();
        assert_eq!(root_split(&t).rule, SplitRule::AtMost(1));
        // Nothing leaves 7 rows on both sides.
        let t = params(1, 7).fit(&x, &y, &all(&x)).unwrap();
        assert_eq!(t.n_leaves(), 1);
        assert_eq!(t.root().probability(), Some(4.0 / 12.0));
        // Fewer rows than min_leaf: one leaf that holds them all.
        let t = params(3, 100).fit(&x, &y, &all(&x)).unwrap();
        assert_eq!(
            t.root().counts,
            Some(Counts {
                n: 12,
                positives: 4
            })
        );
    }

    #[test]
    fn categorical_split_is_one_vs_rest() {
        // a: (5, 1), b: (5, 5), c: (5, 1). "b vs rest": 25/5 + 68/10 = 11.8;
        // "a vs rest" = "c vs rest": 17/5 + 52/10 = 8.6. No threshold on the codes isolates b.
        let (v, y) = groups(&[(0, 5, 1), (1, 5, 5), (2, 5, 1)]);
        let x = matrix(vec![categorical("edu", &["a", "b", "c"], v)]);
        let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
        let s = root_split(&t);
        assert_eq!(s.rule, SplitRule::Equals(1));
        assert_eq!(counts(&t, s.left), (5, 5));
        assert_eq!(counts(&t, s.right), (10, 2));
        let text: Vec<String> = t.leaves().iter().map(|l| l.path[0].text.clone()).collect();
        assert_eq!(text, ["edu = b", "edu != b"]);
    }

    #[test]
    fn ties_go_to_lowest_feature_then_lowest_threshold() {
        // 0: (1, 0), 1: (2, 1), 2: (1, 1): t = 0 and t = 1 both score 1 + 5/3.
        let (v, y) = groups(&[(0, 1, 0), (1, 2, 1), (2, 1, 1)]);
        let x = matrix(vec![numeric("a", 2, v.clone()), numeric("b", 2, v)]);
        let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
        assert_eq!(root_split(&t).feature, 0);
        assert_eq!(root_split(&t).rule, SplitRule::AtMost(0));
        // With a gap in the values the threshold is the observed value, not the midpoint.
        let (v, y) = groups(&[(0, 2, 0), (5, 2, 2)]);
        let x = matrix(vec![numeric("a", 9, v)]);
        let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
        assert_eq!(root_split(&t).rule, SplitRule::AtMost(0));
        // Two levels: "= 0" and "= 1" are the same partition; the lower level wins.
        let (v, y) = groups(&[(0, 3, 0), (1, 3, 3)]);
        let x = matrix(vec![categorical("s", &["m", "v"], v)]);
        let t = params(1, 1).fit(&x, &y, &all(&x)).unwrap();
        assert_eq!(root_split(&t).rule, SplitRule::Equals(0));
    }

    fn random_data(n: usize, seed: u64) -> (FeatureMatrix, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let a: Vec<u16> = (0..n).map(|_| rng.gen_range(0..=1095)).collect();
        let b: Vec<u16> = (0..n).map(|_| rng.gen_range(0..5)).collect();
        let c: Vec<u16> = (0..n).map(|_| rng.gen_range(0..=10)).collect();
        let y: Vec<bool> = (0..n)
            .map(|i| {
                let logit = -2.0 + f64::from(a[i]) / 400.0 + if b[i] == 3 { 1.0 } else { 0.0 }
                    - f64::from(c[i]) / 10.0;
                rng.gen_bool(1.0 / (1.0 + (-logit).exp()))
            })
            .collect();
        let x = matrix(vec![
            numeric("days_a", 1095, a),
            categorical("b", &["p", "q", "r", "s", "t"], b),
            numeric("c", 10, c),
        ]);
        (x, y)
    }

    #[test]
    fn max_depth_is_respected() {
        let (x, y) = random_data(3000, 3);
        for depth in 1..=4 {
            let t = params(depth, 1).fit(&x, &y, &all(&x)).unwrap();
            assert_eq!(t.depth(), depth);
            assert!(t.n_leaves() <= 1 << depth);
            assert!(t.nodes().iter().all(|n| n.depth <= depth));
        }
    }

    #[test]
    fn same_input_same_tree_on_any_thread_count() {
        let (x, y) = random_data(20_000, 5);
        let rows: Vec<usize> = (0..x.n_rows).filter(|r| r % 3 != 0).collect();
        let p = params(5, 50);
        let a = p.fit(&x, &y, &rows).unwrap();
        let b = p.fit(&x, &y, &rows).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let c = pool.install(|| p.fit(&x, &y, &rows)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert!(a.n_leaves() > 4);
    }

    #[test]
    fn fits_only_the_given_rows() {
        let (x, y) = random_data(2000, 9);
        let rows: Vec<usize> = (0..1000).collect();
        let t = params(3, 20).fit(&x, &y, &rows).unwrap();
        assert_eq!(t.root().counts.unwrap().n, 1000);
        let positives = rows.iter().filter(|&&r| y[r]).count() as u64;
        assert_eq!(t.root().counts.unwrap().positives, positives);
    }

    #[test]
    fn errors_on_bad_input() {
        let (x, y) = random_data(100, 1);
        let p = params(3, 1);
        let is_input = |r: Result<ClassificationTree>| matches!(r, Err(Error::ModelInput(_)));
        assert!(is_input(p.fit(&x, &y, &[])));
        assert!(is_input(p.fit(&x, &y[..99], &all(&x))));
        assert!(is_input(p.fit(&x, &y, &[0, 100])));
        let mut bad = x.clone();
        bad.columns[0].values[17] = 1096;
        let err = p.fit(&bad, &y, &all(&x)).unwrap_err().to_string();
        assert!(err.contains("days_a") && err.contains("1096") && err.contains("row 17"));
        let mut bad = x.clone();
        bad.columns[1].values[3] = 5;
        assert!(is_input(p.fit(&bad, &y, &all(&x))));
        // Out-of-range values are caught even when the root cannot split.
        assert!(is_input(params(3, 100).fit(&bad, &y, &all(&x))));
        // ... but only in the rows fitted on.
        assert!(p.fit(&bad, &y, &[0, 1, 2, 4]).is_ok());
        let mut short = x.clone();
        short.columns[2].values.pop();
        assert!(is_input(p.fit(&short, &y, &all(&x))));
        let mut twice = x.clone();
        twice.columns[2].name = "b".into();
        assert!(is_input(p.fit(&twice, &y, &all(&x))));
    }

    #[test]
    fn bad_params_are_refused() {
        let (x, y) = random_data(10, 1);
        for p in [
            params(0, 1),
            params(21, 1),
            params(5, 0),
            TreeParams {
                min_split_gain: f64::NAN,
                ..TreeParams::default()
            },
            TreeParams {
                min_split_gain: -0.1,
                ..TreeParams::default()
            },
        ] {
            assert!(matches!(p.check(), Err(Error::InvalidParameter { .. })));
            assert!(p.fit(&x, &y, &all(&x)).is_err());
        }
        assert!(TreeParams::default().check().is_ok());
    }

    #[test]
    fn one_class_gives_one_leaf() {
        let (x, _) = random_data(500, 2);
        for class in [false, true] {
            let y = vec![class; 500];
            let t = params(5, 1).fit(&x, &y, &all(&x)).unwrap();
            assert_eq!(t.n_leaves(), 1);
            assert_eq!(t.depth(), 0);
            let p = if class { 1.0 } else { 0.0 };
            assert!(t.predict_proba(&x).iter().all(|&q| q == p));
            assert!(t.to_string().starts_with("(all rows)"));
        }
    }

    fn b31_like() -> ClassificationTree {
        let features = vec![
            TreeFeature {
                name: "days_bijstand".into(),
                kind: FeatureKind::Numeric { max: 1095 },
            },
            TreeFeature {
                name: "education".into(),
                kind: FeatureKind::Categorical {
                    levels: vec!["primary".into(), "mbo1".into(), "mbo2".into()],
                },
            },
        ];
        ClassificationTree::from_nodes(
            features,
            vec![
                NodeSpec::split("days_bijstand", SplitRule::AtMost(13), 1, 4),
                NodeSpec::split("education", SplitRule::Equals(1), 2, 3),
                NodeSpec::leaf(0.041),
                NodeSpec::Leaf {
                    probability: 0.005,
                    counts: Some(Counts {
                        n: 2000,
                        positives: 10,
                    }),
                },
                NodeSpec::leaf(0.302),
            ],
        )
        .unwrap()
    }

    #[test]
    fn hand_built_tree_scores_by_feature_name() {
        let t = b31_like();
        assert_eq!((t.depth(), t.n_leaves()), (2, 3));
        assert_eq!(t.nodes()[2].depth, 2);
        let x = matrix(vec![
            numeric("age", 66, vec![30, 40, 50, 60]),
            categorical("education", &["primary", "mbo1", "mbo2"], vec![1, 2, 0, 1]),
            numeric("days_bijstand", 1095, vec![13, 0, 14, 1095]),
        ]);
        assert_eq!(t.predict_proba(&x), [0.041, 0.005, 0.302, 0.302]);
        assert_eq!(t.leaf_ids(&x).unwrap(), [2, 3, 4, 4]);
        assert_eq!(t.leaf_of(&x, 1).unwrap(), 3);
        assert!(t.leaf_of(&x, 4).is_err());
        let leaves = t.leaves();
        let paths: Vec<Vec<String>> = leaves
            .iter()
            .map(|l| l.path.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(
            paths,
            [
                vec!["days_bijstand <= 13 (< 2 weeks)", "education = mbo1"],
                vec!["days_bijstand <= 13 (< 2 weeks)", "education != mbo1"],
                vec!["days_bijstand > 13 (>= 2 weeks)"],
            ]
        );
        assert_eq!(
            t.to_string(),
            "days_bijstand <= 13 (< 2 weeks)\n\
             \x20 education = mbo1                 4.1%\n\
             \x20 education != mbo1                0.5%  n = 2000\n\
             days_bijstand > 13 (>= 2 weeks)   30.2%\n"
        );
    }

    #[test]
    fn scoring_refuses_mismatched_features() {
        let t = b31_like();
        let missing = matrix(vec![numeric("days_bijstand", 1095, vec![0])]);
        assert!(matches!(
            t.try_predict_proba(&missing),
            Err(Error::ModelInput(_))
        ));
        let other_levels = matrix(vec![
            numeric("days_bijstand", 1095, vec![0]),
            categorical("education", &["mbo1", "primary", "mbo2"], vec![0]),
        ]);
        assert!(t.try_predict_proba(&other_levels).is_err());
        let other_kind = matrix(vec![
            numeric("days_bijstand", 1095, vec![0]),
            numeric("education", 2, vec![0]),
        ]);
        assert!(t.try_predict_proba(&other_kind).is_err());
        let result = std::panic::catch_unwind(|| t.predict_proba(&missing));
        assert!(result.is_err());
    }

    #[test]
    fn hand_built_trees_are_validated() {
        let features = || {
            vec![
                TreeFeature {
                    name: "days_x".into(),
                    kind: FeatureKind::Numeric { max: 10 },
                },
                TreeFeature {
                    name: "c".into(),
                    kind: FeatureKind::Categorical {
                        levels: vec!["a".into(), "b".into()],
                    },
                },
            ]
        };
        let build = |nodes: Vec<NodeSpec>| ClassificationTree::from_nodes(features(), nodes);
        let leaf = NodeSpec::leaf;
        let at_most = |l, r| NodeSpec::split("days_x", SplitRule::AtMost(3), l, r);
        assert!(build(vec![at_most(1, 2), leaf(0.1), leaf(0.2)]).is_ok());
        assert!(build(vec![leaf(0.5)]).is_ok());
        assert!(build(vec![]).is_err());
        // Child out of range, child = root, child used twice, cycle cut off from the root.
        assert!(build(vec![at_most(1, 3), leaf(0.1), leaf(0.2)]).is_err());
        assert!(build(vec![at_most(0, 1), leaf(0.1)]).is_err());
        assert!(build(vec![at_most(1, 1), leaf(0.1)]).is_err());
        assert!(build(vec![
            at_most(1, 2),
            leaf(0.1),
            leaf(0.2),
            at_most(4, 5),
            at_most(3, 6),
            leaf(0.1),
            leaf(0.1)
        ])
        .is_err());
        // Orphan node.
        assert!(build(vec![at_most(1, 2), leaf(0.1), leaf(0.2), leaf(0.3)]).is_err());
        // Probabilities and counts.
        assert!(build(vec![at_most(1, 2), leaf(1.5), leaf(0.2)]).is_err());
        assert!(build(vec![at_most(1, 2), leaf(f64::NAN), leaf(0.2)]).is_err());
        let bad_counts = NodeSpec::Leaf {
            probability: 0.5,
            counts: Some(Counts { n: 2, positives: 3 }),
        };
        assert!(build(vec![bad_counts]).is_err());
        // Feature and rule checks.
        assert!(build(vec![
            NodeSpec::split("nope", SplitRule::AtMost(3), 1, 2),
            leaf(0.1),
            leaf(0.2)
        ])
        .is_err());
        assert!(build(vec![
            NodeSpec::split("c", SplitRule::AtMost(0), 1, 2),
            leaf(0.1),
            leaf(0.2)
        ])
        .is_err());
        assert!(build(vec![
            NodeSpec::split("c", SplitRule::Equals(2), 1, 2),
            leaf(0.1),
            leaf(0.2)
        ])
        .is_err());
        assert!(build(vec![
            NodeSpec::split("days_x", SplitRule::AtMost(11), 1, 2),
            leaf(0.1),
            leaf(0.2)
        ])
        .is_err());
        let mut twice = features();
        twice[1].name = "days_x".into();
        assert!(ClassificationTree::from_nodes(twice, vec![leaf(0.5)]).is_err());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let (x, y) = random_data(5000, 4);
        let t = params(4, 50).fit(&x, &y, &all(&x)).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        let back: ClassificationTree = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.predict_proba(&x), t.predict_proba(&x));
        // A tampered child id is refused rather than trusted.
        let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
        value["nodes"][0]["kind"]["Split"]["left"] = serde_json::json!(0);
        assert!(serde_json::from_value::<ClassificationTree>(value).is_err());
    }

    #[test]
    fn days_are_read_in_report_units() {
        assert_eq!(days_reading(1), "1 day");
        assert_eq!(days_reading(6), "6 days");
        assert_eq!(days_reading(7), "1 week");
        assert_eq!(days_reading(14), "2 weeks");
        assert_eq!(days_reading(30), "~4.3 weeks");
        assert_eq!(days_reading(31), "~1 month");
        assert_eq!(days_reading(365 / 2 + 1), "~6 months");
        assert_eq!(days_reading(365), "1 year");
        assert_eq!(days_reading(548), "~1.5 years");
        assert_eq!(days_reading(1095), "3 years");
    }

    /// A random small problem: matrix, outcome, rows (repeats allowed), parameters.
    fn problem() -> impl Strategy<Value = (FeatureMatrix, Vec<bool>, Vec<usize>, TreeParams)> {
        (1usize..120, 1usize..4, any::<u64>(), 1usize..6, 1usize..15)
            .prop_flat_map(|(n, p, seed, max_depth, min_leaf)| {
                let rows = proptest::collection::vec(0..n, 1..2 * n);
                (Just((n, p, seed, max_depth, min_leaf)), rows)
            })
            .prop_map(|((n, p, seed, max_depth, min_leaf), rows)| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let columns = (0..p)
                    .map(|j| {
                        let card = rng.gen_range(1..8u16);
                        let values = (0..n).map(|_| rng.gen_range(0..card)).collect();
                        if j % 2 == 0 {
                            numeric(&format!("n{j}"), card - 1, values)
                        } else {
                            let levels: Vec<String> = (0..card).map(|k| format!("l{k}")).collect();
                            let refs: Vec<&str> = levels.iter().map(String::as_str).collect();
                            categorical(&format!("c{j}"), &refs, values)
                        }
                    })
                    .collect();
                let rate = rng.gen_range(0.0..1.0);
                let y = (0..n).map(|_| rng.gen_bool(rate)).collect();
                (matrix(columns), y, rows, params(max_depth, min_leaf))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn leaves_hold_their_training_rates((x, y, rows, p) in problem()) {
            let t = p.fit(&x, &y, &rows).unwrap();
            let ids = t.leaf_ids(&x).unwrap();
            let mut n = vec![0u64; t.nodes().len()];
            let mut pos = vec![0u64; t.nodes().len()];
            for &r in &rows {
                n[ids[r]] += 1;
                pos[ids[r]] += u64::from(y[r]);
            }
            let proba = t.predict_proba(&x);
            for (r, &id) in ids.iter().enumerate() {
                prop_assert!(t.nodes()[id].is_leaf());
                prop_assert_eq!(proba[r], t.nodes()[id].probability().unwrap());
            }
            let mut total = 0;
            for leaf in t.leaves() {
                let c = leaf.counts.unwrap();
                prop_assert_eq!((c.n, c.positives), (n[leaf.node], pos[leaf.node]));
                // Only a root that cannot split may hold fewer than min_leaf rows.
                prop_assert!(c.n >= p.min_leaf as u64 || t.n_leaves() == 1);
                prop_assert_eq!(leaf.probability, pos[leaf.node] as f64 / n[leaf.node] as f64);
                total += c.n;
            }
            prop_assert_eq!(total, rows.len() as u64);
            prop_assert!(t.depth() <= p.max_depth);
        }
    }
}
