//! The parts of a tree: split rules, nodes and their counts, the features a tree knows,
//! hand-built node specifications, and a leaf's path of conditions.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::FeatureKind;

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
    pub(super) fn interval(self) -> (u16, u16) {
        match self {
            SplitRule::AtMost(t) => (0, t),
            SplitRule::Equals(k) => (k, 0),
        }
    }
}

/// The split of an internal node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Index of the feature in [`ClassificationTree::features`](crate::model::ClassificationTree::features).
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
    /// The feature's name, matched against [`FeatureMatrix`](crate::model::FeatureMatrix) column names when scoring.
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

/// A node of a hand-built tree, for [`ClassificationTree::from_nodes`](crate::model::ClassificationTree::from_nodes). Splits name their
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
    /// Index of the feature in [`ClassificationTree::features`](crate::model::ClassificationTree::features).
    pub feature: usize,
    /// The feature's name.
    pub feature_name: String,
    /// The split rule.
    pub rule: SplitRule,
    /// Whether the path takes the branch where the rule holds (left) or not (right).
    pub holds: bool,
    /// The condition in words, as [`ClassificationTree`](crate::model::ClassificationTree)'s `Display` prints it
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
