//! Scoring several trees at once by leaf bitmasks (QuickScorer: Lucchese et al., SIGIR
//! 2015). Number each tree's leaves from left to right. A row that fails a split's rule
//! goes right, so it can reach no leaf of that split's left subtree. For each column and
//! value, a table holds the leaves of every tree that the value rules out this way; AND the
//! tables of a row's values, and its leaf in each tree is the leftmost one left standing.
//! Scoring is then one lookup and AND per column and row, column after column, with none
//! of the dependent loads of walking down nodes.
//!
//! Why the leftmost survivor is the row's leaf `e`: a split rules out `e` only if `e` lies
//! in its left subtree, so the split is on `e`'s path and the row went left there. A leaf
//! `l` left of `e` parts from `e` at their lowest common split, where `l` is on the left and
//! the row went right, so `l` is ruled out.

use super::build::ClassificationTree;
use super::nodes::{NodeKind, SplitRule};
use crate::error::Result;
use crate::model::FeatureMatrix;

/// Trees scored together at most.
pub const MASK_TREES: usize = 4;

/// One tree's leaves, a bit each.
type Word = u64;

/// Leaves of a tree at most: one bit each in a word.
pub const MASK_LEAVES: usize = Word::BITS as usize;

/// The deepest `max_depth` whose trees always fit a mask (`2^MASK_DEPTH` leaves).
pub const MASK_DEPTH: usize = MASK_LEAVES.trailing_zeros() as usize;

/// The leaves still standing for a row, a bit per leaf, one word per tree.
pub type LeafMask = [Word; MASK_TREES];

/// The mask of a row before any of its values is read: every leaf stands.
pub const ALL_LEAVES: LeafMask = [Word::MAX; MASK_TREES];

/// Several trees bound to a row layout, scored by leaf bitmasks
/// ([`LeafMasks::new`]).
///
/// Two trees scored together, column by column, as the walk down each tree scores them:
///
/// ```
/// use banenafspraak::model::{
///     ClassificationTree, FeatureColumn, FeatureKind, FeatureMatrix, LeafMasks, NodeSpec,
///     SplitRule, TreeFeature, ALL_LEAVES,
/// };
///
/// let days = TreeFeature { name: "days".into(), kind: FeatureKind::Numeric { max: 1095 } };
/// let age = TreeFeature { name: "age".into(), kind: FeatureKind::Numeric { max: 99 } };
/// let a = ClassificationTree::from_nodes(vec![days.clone()], vec![
///     NodeSpec::split("days", SplitRule::AtMost(13), 1, 2),
///     NodeSpec::leaf(0.1),
///     NodeSpec::leaf(0.6),
/// ])?;
/// let b = ClassificationTree::from_nodes(vec![days, age], vec![
///     NodeSpec::split("age", SplitRule::AtMost(30), 1, 2),
///     NodeSpec::leaf(0.2),
///     NodeSpec::split("days", SplitRule::AtMost(200), 3, 4),
///     NodeSpec::leaf(0.3),
///     NodeSpec::leaf(0.9),
/// ])?;
/// let x = FeatureMatrix::from_columns(vec![
///     FeatureColumn::numeric("age", 99, vec![25, 40, 40]),
///     FeatureColumn::numeric("days", 1095, vec![500, 10, 700]),
/// ])?;
/// let masks = LeafMasks::new(&[&a, &b], &x)?.expect("small trees fit a mask");
/// let mut leaves = vec![ALL_LEAVES; x.n_rows()];
/// for (k, position) in masks.positions().enumerate() {
///     let codes = x.columns()[position].values.iter().copied();
///     codes.for_each(masks.column(k).rule_out(&mut leaves));
/// }
/// let scored: Vec<[f64; 2]> = leaves.iter().map(|m| [masks.value(0, m), masks.value(1, m)]).collect();
/// assert_eq!(scored, [[0.6, 0.2], [0.1, 0.3], [0.6, 0.9]]);
/// assert_eq!(a.try_predict_proba(&x)?, [0.6, 0.1, 0.6]);
/// assert_eq!(b.try_predict_proba(&x)?, [0.2, 0.3, 0.9]);
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct LeafMasks {
    columns: Vec<MaskColumn>,
    /// Per tree, the leaves' values from left to right, padded with NaN to one more than
    /// [`MASK_LEAVES`] so that an empty mask (which the tables cannot produce) indexes NaN
    /// rather than out of bounds.
    values: Vec<[f64; MASK_LEAVES + 1]>,
}

/// The table of one column of the layout: entry `min(value, table.len() - 1)` holds the
/// leaves that value leaves standing. Values above every split value of the column all
/// rule out the same leaves, so the last entry serves them.
#[derive(Debug, Clone)]
pub struct MaskColumn {
    position: usize,
    table: Vec<LeafMask>,
}

impl MaskColumn {
    /// A sink of the rows' values of this column, in row order, that rules out in
    /// `masks` (a row each, starting as all ones) the leaves each value excludes.
    #[inline]
    pub fn rule_out<'a>(&'a self, masks: &'a mut [LeafMask]) -> impl FnMut(u16) + 'a {
        // The table as a local slice, so that the loop keeps it in registers.
        let table = &self.table[..];
        let last = table.len().saturating_sub(1);
        let mut masks = masks.iter_mut();
        move |v| {
            if let (Some(m), Some(e)) = (masks.next(), table.get(usize::from(v).min(last))) {
                // Whole words at once, so that the compiler may use one vector AND.
                *m = std::array::from_fn(|t| m[t] & e[t]);
            }
        }
    }
}

impl LeafMasks {
    /// The masks of `trees` (at most [`MASK_TREES`]) for rows in the column order of
    /// `template`; `None` when there are more trees or a tree has more than
    /// [`MASK_LEAVES`] leaves, which must be scored another way.
    ///
    /// # Errors
    /// As [`ClassificationTree::try_predict_proba`], for the template's features.
    pub fn new(trees: &[&ClassificationTree], template: &FeatureMatrix) -> Result<Option<Self>> {
        if trees.len() > MASK_TREES || trees.iter().any(|t| t.n_leaves() > MASK_LEAVES) {
            return Ok(None);
        }
        let mut splits: Vec<(usize, usize, SplitRule, Word)> = Vec::new();
        let mut values = Vec::with_capacity(trees.len());
        for (t, tree) in trees.iter().enumerate() {
            let (leaves, below) = tree.leaf_order();
            values.push(std::array::from_fn(|i| {
                let leaf = leaves.get(i).map(|&id| &tree.nodes[id]);
                leaf.and_then(|n| n.probability()).unwrap_or(f64::NAN)
            }));
            for node in &tree.nodes {
                if let NodeKind::Split(s) = &node.kind {
                    let position = tree.position(template, s.feature)?;
                    splits.push((position, t, s.rule, below[s.left]));
                }
            }
        }
        let mut columns: Vec<MaskColumn> = Vec::new();
        for &(position, t, rule, left) in &splits {
            let top = match rule {
                SplitRule::AtMost(v) | SplitRule::Equals(v) => usize::from(v),
            };
            let at = match columns.iter().position(|c| c.position == position) {
                Some(at) => at,
                None => {
                    columns.push(MaskColumn {
                        position,
                        table: Vec::new(),
                    });
                    columns.len() - 1
                }
            };
            let table = &mut columns[at].table;
            if table.len() < top + 2 {
                let last = table.last().copied().unwrap_or(ALL_LEAVES);
                table.resize(top + 2, last);
            }
            // Entries past the end stay as the last one: grow before ruling out.
            for (v, entry) in table.iter_mut().enumerate() {
                // `v` fits u16: tables end one past a u16 split value, and that entry
                // stands for every value above it, which fail both rule kinds.
                let holds = u16::try_from(v).is_ok_and(|v| rule.holds(v));
                if !holds {
                    entry[t] &= !left;
                }
            }
        }
        columns.sort_by_key(|c| c.position);
        Ok(Some(LeafMasks { columns, values }))
    }

    /// The template positions of the columns the trees split on, in the order
    /// [`LeafMasks::column`] takes them.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.columns.iter().map(|c| c.position)
    }

    /// The `k`-th column of [`LeafMasks::positions`].
    pub fn column(&self, k: usize) -> &MaskColumn {
        &self.columns[k]
    }

    /// The value (probability or mean) of the leaf of tree `t` that `mask` leaves.
    #[inline]
    pub fn value(&self, t: usize, mask: &LeafMask) -> f64 {
        self.values[t][mask[t].trailing_zeros() as usize]
    }
}

impl ClassificationTree {
    /// The leaves' node ids from left to right, and per node the bits (in that order) of
    /// the leaves below it.
    fn leaf_order(&self) -> (Vec<usize>, Vec<Word>) {
        let mut leaves = Vec::new();
        let mut below: Vec<Word> = vec![0; self.nodes.len()];
        // Depth first, left before right; a node's bits are set once its subtree is done.
        let mut stack = vec![(0usize, false)];
        while let Some((id, done)) = stack.pop() {
            match &self.nodes[id].kind {
                NodeKind::Leaf { .. } => {
                    if leaves.len() < MASK_LEAVES {
                        below[id] = 1 << leaves.len();
                    }
                    leaves.push(id);
                }
                NodeKind::Split(s) if done => below[id] = below[s.left] | below[s.right],
                NodeKind::Split(s) => {
                    stack.push((id, true));
                    stack.push((s.right, false));
                    stack.push((s.left, false));
                }
            }
        }
        (leaves, below)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FeatureColumn, TreeParams};
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Columns of random values: numeric ones up to 1095 (days), categorical ones of a few
    /// levels.
    fn columns(n: usize, seed: u64) -> FeatureMatrix {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let columns = (0..4)
            .map(|j| {
                let card: u16 = [1096, 5, 11, 2][j];
                let values = (0..n).map(|_| rng.gen_range(0..card)).collect();
                if j % 2 == 0 {
                    FeatureColumn::numeric(format!("n{j}"), card - 1, values)
                } else {
                    let levels: Vec<String> = (0..card).map(|k| format!("l{k}")).collect();
                    FeatureColumn::categorical(format!("c{j}"), levels, values)
                }
            })
            .collect();
        FeatureMatrix::from_columns(columns).unwrap()
    }

    /// A tree of the given depth on an outcome that depends on every column.
    fn tree(x: &FeatureMatrix, depth: usize, min_leaf: usize, seed: u64) -> ClassificationTree {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let w: Vec<f64> = (0..4).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let y: Vec<bool> = (0..x.n_rows())
            .map(|r| {
                let c = x.columns();
                let logit = w[0] * f64::from(c[0].values[r]) / 300.0
                    + w[1] * f64::from(u8::from(c[1].values[r] == 2))
                    + w[2] * f64::from(c[2].values[r]) / 3.0
                    + w[3] * f64::from(c[3].values[r])
                    - 1.0;
                rng.gen_bool(1.0 / (1.0 + (-logit).exp()))
            })
            .collect();
        let rows: Vec<usize> = (0..x.n_rows()).collect();
        let params = TreeParams {
            max_depth: depth,
            min_leaf,
            ..TreeParams::default()
        };
        params.fit(x, &y, &rows).unwrap()
    }

    /// Each row's mask under `masks`, reading the columns of `x` (laid out as the template).
    fn masks_of(masks: &LeafMasks, x: &FeatureMatrix) -> Vec<LeafMask> {
        let mut out = vec![ALL_LEAVES; x.n_rows()];
        for (k, position) in masks.positions().enumerate() {
            let codes = x.columns()[position].values.iter().copied();
            codes.for_each(masks.column(k).rule_out(&mut out));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(60))]
        #[test]
        fn leaf_masks_score_as_the_trees_walked(
            seed in any::<u64>(),
            depths in proptest::collection::vec(1usize..=MASK_DEPTH, 1..=MASK_TREES),
            min_leaf in 1usize..40,
        ) {
            let x = columns(600, seed);
            let trees: Vec<ClassificationTree> = depths
                .iter()
                .enumerate()
                .map(|(t, &d)| tree(&x, d, min_leaf, seed ^ t as u64))
                .collect();
            // Rows laid out in another column order than the trees were fitted on.
            let mut reversed = x.columns().to_vec();
            reversed.reverse();
            let layout = FeatureMatrix::from_columns(reversed).unwrap();
            let refs: Vec<&ClassificationTree> = trees.iter().collect();
            let masks = LeafMasks::new(&refs, &layout).unwrap().unwrap();
            let leaves = masks_of(&masks, &layout);
            for (t, tree) in trees.iter().enumerate() {
                let walked = tree.try_predict_proba(&x).unwrap();
                for (r, m) in leaves.iter().enumerate() {
                    prop_assert_eq!(masks.value(t, m).to_bits(), walked[r].to_bits());
                }
            }
        }
    }

    #[test]
    fn values_above_every_split_read_the_last_entry() {
        // Splits at most at 1095 and level 4: 2000 and 60000 lie past every table.
        let x = columns(2000, 7);
        let t = tree(&x, MASK_DEPTH, 5, 1);
        let mut big = x.columns().to_vec();
        big[0].values[..3].copy_from_slice(&[1095, 2000, 60_000]);
        big[0].kind = crate::model::FeatureKind::Numeric { max: 60_000 };
        let big = FeatureMatrix::from_columns(big).unwrap();
        let masks = LeafMasks::new(&[&t], &big).unwrap().unwrap();
        let leaves = masks_of(&masks, &big);
        let walked = t.try_predict_proba(&big).unwrap();
        for r in 0..3 {
            assert_eq!(masks.value(0, &leaves[r]), walked[r]);
        }
    }

    #[test]
    fn too_many_trees_or_leaves_are_left_to_the_walk() {
        let x = columns(20_000, 3);
        let shallow = tree(&x, 2, 1, 1);
        let deep = tree(&x, 9, 1, 2);
        assert!(deep.n_leaves() > MASK_LEAVES, "{} leaves", deep.n_leaves());
        assert!(LeafMasks::new(&[&deep], &x).unwrap().is_none());
        assert!(LeafMasks::new(&[&shallow; MASK_TREES + 1], &x)
            .unwrap()
            .is_none());
        assert!(LeafMasks::new(&[&shallow; MASK_TREES], &x)
            .unwrap()
            .is_some());
    }

    #[test]
    fn a_tree_on_a_missing_column_is_refused() {
        let x = columns(500, 4);
        let t = tree(&x, 3, 5, 1);
        let other = FeatureMatrix::from_columns(vec![x.columns()[1].clone()]).unwrap();
        assert!(matches!(
            LeafMasks::new(&[&t], &other),
            Err(crate::Error::ModelInput(_))
        ));
    }
}
