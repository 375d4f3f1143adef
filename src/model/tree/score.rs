//! Scoring: a tree resolved against a feature matrix (by feature name) and flattened into
//! branch-free steps. Several trees over the same rows score faster by leaf masks
//! ([`super::LeafMasks`]).

use rayon::prelude::*;

use super::build::ClassificationTree;
use super::nodes::NodeKind;
use super::{input, PREDICT_CHUNK};
use crate::error::Result;
use crate::model::{FeatureKind, FeatureMatrix, ProbabilityModel};

impl ClassificationTree {
    /// The leaf (node id) that row `row` of `x` falls in.
    ///
    /// # Errors
    /// As [`ClassificationTree::try_predict_proba`], and when `row >= x.n_rows()`.
    pub fn leaf_of(&self, x: &FeatureMatrix, row: usize) -> Result<usize> {
        if row >= x.n_rows() {
            return Err(input(format!(
                "row {row} is out of range: the feature matrix has {} rows",
                x.n_rows()
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
        Ok((0..x.n_rows()).into_par_iter().map(|r| c.leaf(r)).collect())
    }

    /// P(outcome) for every row of `x`: the probability of the leaf it falls in.
    ///
    /// Each feature the tree splits on is looked up in `x` by name, once.
    ///
    /// # Errors
    /// [`Error::ModelInput`](crate::Error::ModelInput) when a feature the tree splits on is missing from `x`, has the
    /// other kind (numeric vs categorical) or has different category levels.
    pub fn try_predict_proba(&self, x: &FeatureMatrix) -> Result<Vec<f64>> {
        let c = self.compile(x)?;
        let mut out = vec![0.0; x.n_rows()];
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

    pub(super) fn position(&self, x: &FeatureMatrix, feature: usize) -> Result<usize> {
        let f = &self.features[feature];
        let Some(j) = x.position(&f.name) else {
            return Err(input(format!(
                "the tree splits on feature {:?}, which the feature matrix lacks",
                f.name
            )));
        };
        let c = &x.columns()[j];
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
                f.kind.describe(),
                c.kind.describe()
            )));
        }
        Ok(j)
    }

    fn resolve<'x>(&self, x: &'x FeatureMatrix, feature: usize) -> Result<&'x [u16]> {
        Ok(&x.columns()[self.position(x, feature)?].values)
    }
}

/// [`ClassificationTree::try_predict_proba`].
impl ProbabilityModel for ClassificationTree {
    fn try_predict_proba(&self, x: &FeatureMatrix) -> Result<Vec<f64>> {
        ClassificationTree::try_predict_proba(self, x)
    }
}

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
