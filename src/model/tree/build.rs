//! The tree itself: an arena of nodes, validated when built by hand or deserialised, and
//! read-only access to its nodes, leaves and paths.

use serde::{Deserialize, Serialize};

use super::display::condition_text;
use super::nodes::{
    Condition, Counts, Leaf, Node, NodeKind, NodeSpec, Split, SplitRule, TreeFeature,
};
use crate::error::{Error, Result};
use crate::model::FeatureKind;

/// A binary classification tree: an arena of [`Node`]s (node 0 is the root) and the
/// features it splits on. Fitted with [`TreeParams::fit`](crate::model::TreeParams::fit) or built by hand with
/// [`ClassificationTree::from_nodes`]; serialisable with serde (deserialising validates).
///
/// Scoring looks features up by name, so the matrix may hold other columns or a different
/// column order than the one the tree was fitted on.
///
/// A hand-built tree (the shape of report table B3.1), scored and printed:
///
/// ```
/// use banenafspraak::model::{
///     ClassificationTree, FeatureColumn, FeatureKind, FeatureMatrix, NodeSpec, SplitRule,
///     TreeFeature,
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
/// let x = FeatureMatrix::from_columns(vec![
///     FeatureColumn::categorical("education", levels, vec![1, 2, 0]),
///     FeatureColumn::numeric("days_bijstand", 1095, vec![0, 13, 14]),
/// ])?;
/// assert_eq!(tree.try_predict_proba(&x)?, [0.041, 0.005, 0.302]);
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
    pub(super) features: Vec<TreeFeature>,
    pub(super) nodes: Vec<Node>,
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
        ClassificationTree::assemble(d.features, d.nodes, 1.0)
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
        Self::assemble(features, built, 1.0)
    }

    /// Validates nodes into a tree and sets their depths (for hand-built and deserialised
    /// trees). Leaf values must lie in `0 ..= max_leaf` (1 for probabilities; a regression
    /// tree's leaves hold means).
    pub(super) fn assemble(
        features: Vec<TreeFeature>,
        mut nodes: Vec<Node>,
        max_leaf: f64,
    ) -> Result<Self> {
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
        let mut parent: Vec<Option<usize>> = vec![None; nodes.len()];
        for (id, node) in nodes.iter().enumerate() {
            check_node(&features, id, node, max_leaf, &mut parent)?;
        }
        set_depths(&mut nodes)?;
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

    /// The same tree with every split that has a leaf child for which `refused` holds
    /// turned into a leaf of its own training rows (its rate as probability), repeated
    /// until no refused leaf is left below a split: how a leaf too small to publish is
    /// suppressed without leaving its sibling to give it away by differencing. Returns the
    /// tree and the number of splits removed; a root refused as a single leaf stays (the
    /// caller refuses the tree). Leaves without counts are never refused.
    pub fn pruned(&self, refused: impl Fn(&Counts) -> bool) -> Result<(ClassificationTree, usize)> {
        let mut tree = self.clone();
        let mut removed = 0;
        loop {
            let leaf_refused = |id: usize| {
                let n = &tree.nodes[id];
                n.is_leaf() && n.counts.is_some_and(|c| refused(&c))
            };
            let collapse: Vec<usize> = (0..tree.nodes.len())
                .filter(|&id| match tree.nodes[id].split() {
                    Some(s) => {
                        tree.nodes[id].counts.is_some()
                            && (leaf_refused(s.left) || leaf_refused(s.right))
                    }
                    None => false,
                })
                .collect();
            if collapse.is_empty() {
                return Ok((tree, removed));
            }
            removed += collapse.len();
            tree = tree.collapsed(&collapse)?;
        }
    }

    /// The tree with the given split nodes made leaves (their subtrees dropped), node
    /// ids renumbered in pre-order.
    fn collapsed(&self, ids: &[usize]) -> Result<ClassificationTree> {
        let mut nodes: Vec<Node> = Vec::new();
        // (old id, slot in the parent to patch: (new parent id, left?))
        let mut stack: Vec<(usize, Option<(usize, bool)>)> = vec![(0, None)];
        while let Some((old, parent)) = stack.pop() {
            let new = nodes.len();
            let mut node = self.nodes[old].clone();
            if ids.contains(&old) {
                let rate = node.counts.map_or(0.0, |c| c.rate());
                node.kind = NodeKind::Leaf { probability: rate };
            }
            if let NodeKind::Split(s) = &node.kind {
                stack.push((s.right, Some((new, false))));
                stack.push((s.left, Some((new, true))));
            }
            nodes.push(node);
            if let Some((p, left)) = parent {
                if let NodeKind::Split(s) = &mut nodes[p].kind {
                    if left {
                        s.left = new;
                    } else {
                        s.right = new;
                    }
                }
            }
        }
        Self::assemble(self.features.clone(), nodes, 1.0)
    }

    /// The same tree with each leaf's value and counts replaced by `f(node id, leaf)`, in
    /// node order (e.g. the values a checked table publishes), and the inner nodes'
    /// counts kept only if `inner_counts`. Leaf values stay within `0 ..= max_leaf`.
    pub(super) fn map_leaves(
        &self,
        max_leaf: f64,
        inner_counts: bool,
        mut f: impl FnMut(usize, &Node) -> (f64, Option<Counts>),
    ) -> Result<ClassificationTree> {
        let mut nodes = self.nodes.clone();
        for (id, node) in nodes.iter_mut().enumerate() {
            if node.is_leaf() {
                let (value, counts) = f(id, &self.nodes[id]);
                node.kind = NodeKind::Leaf { probability: value };
                node.counts = counts;
            } else if !inner_counts {
                node.counts = None;
            }
        }
        Self::assemble(self.features.clone(), nodes, max_leaf)
    }

    /// The same tree with each leaf's probability and counts replaced by `f(node id,
    /// leaf)` (e.g. the values a checked table publishes); the inner nodes' counts are
    /// kept only if `inner_counts`.
    pub fn with_leaf_values(
        &self,
        inner_counts: bool,
        f: impl FnMut(usize, &Node) -> (f64, Option<Counts>),
    ) -> Result<ClassificationTree> {
        self.map_leaves(1.0, inner_counts, f)
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
}

/// Checks one node's counts, probability or split, and records it as its children's
/// parent (refusing a child id out of range, the root, or a child with two parents).
fn check_node(
    features: &[TreeFeature],
    id: usize,
    node: &Node,
    max_leaf: f64,
    parent: &mut [Option<usize>],
) -> Result<()> {
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
    let s = match &node.kind {
        NodeKind::Leaf { probability } if !(0.0..=max_leaf).contains(probability) => {
            return Err(bad_nodes(
                at(),
                format!("leaf value {probability} is not in [0, {max_leaf}]"),
            ));
        }
        NodeKind::Leaf { .. } => return Ok(()),
        NodeKind::Split(s) => s,
    };
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
    check_rule(&f.kind, s.rule)
        .map_err(|reason| bad_nodes(at(), format!("{:?} on {:?}: {reason}", s.rule, f.name)))?;
    let len = parent.len();
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
    Ok(())
}

/// Sets every node's depth from the root down. Every non-root node has exactly one parent
/// (checked before), so the nodes form a tree iff all are reachable from the root: a cycle
/// would be cut off from it.
fn set_depths(nodes: &mut [Node]) -> Result<()> {
    let mut reached = vec![false; nodes.len()];
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
    match reached.iter().position(|&r| !r) {
        Some(orphan) => Err(bad_nodes(
            format!("node {orphan}"),
            "is not reachable from the root (node 0): the nodes do not form one tree",
        )),
        None => Ok(()),
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
