//! Fitting by histograms: per node one pass per feature counts rows and positives per
//! value; the smaller child is counted and the larger one's histogram is the parent's minus it.

use rayon::prelude::*;

use super::nodes::{Counts, Node, NodeKind, Split, SplitRule};
use super::params::TreeParams;
use super::TIE_TOL;

/// Per-value counts of one feature at one node, packed as `n | positives << 32` so one add
/// updates both (neither half can overflow into the other: a node has < 2^32 rows).
type Hist = Vec<Vec<u64>>;

#[inline]
fn unpack(bin: u64) -> (u64, u64) {
    (bin & 0xFFFF_FFFF, bin >> 32)
}

pub(super) struct Fitter<'a> {
    pub(super) params: &'a TreeParams,
    pub(super) cols: Vec<&'a [u16]>,
    pub(super) cards: Vec<usize>,
    pub(super) categorical: Vec<bool>,
    /// Feature names, by index.
    pub(super) names: Vec<String>,
    /// Per feature, the values a numeric threshold may take (`None`: any observed value).
    pub(super) allowed: Vec<Option<Vec<bool>>>,
    pub(super) y: &'a [bool],
    /// Training rows in all, for weighting gains by node share.
    pub(super) total: f64,
    /// The row ids, partitioned in place so that every node owns a contiguous range.
    pub(super) rows: Vec<u32>,
    pub(super) scratch: Vec<u32>,
    pub(super) nodes: Vec<Node>,
}

impl Fitter<'_> {
    fn may_split(&self, n: u64, positives: u64, depth: usize) -> bool {
        depth < self.params.max_depth
            && n >= (self.params.min_leaf as u64).saturating_mul(2)
            && positives > 0
            && positives < n
    }

    /// Histograms of all features over `rows[start..end]`, one feature per rayon task.
    /// Every value is below its feature's cardinality: the matrix was checked when built.
    pub(super) fn histogram(&self, start: usize, end: usize) -> Hist {
        let rows = &self.rows[start..end];
        let y = self.y;
        // Gathered once per node rather than once per feature.
        let inc: Vec<u64> = rows
            .iter()
            .map(|&r| 1 | (u64::from(y[r as usize]) << 32))
            .collect();
        self.cols
            .par_iter()
            .zip(self.cards.par_iter())
            .map(|(col, &card)| {
                let mut h = vec![0u64; card];
                for (&r, &add) in rows.iter().zip(&inc) {
                    h[usize::from(col[r as usize])] += add;
                }
                h
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
            .zip(self.allowed.par_iter())
            .map(|((h, &cat), allowed)| {
                let allowed = allowed.as_deref();
                best_in_feature(h, cat, allowed, (n, positives), min_leaf, tol)
            })
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
    pub(super) fn grow(
        &mut self,
        start: usize,
        end: usize,
        positives: u64,
        depth: usize,
        hist: Option<Hist>,
    ) -> usize {
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
            return id;
        }
        let hist = hist.unwrap_or_else(|| self.histogram(start, end));
        let Some((feature, rule)) = self.best_split(&hist, n, positives) else {
            return id;
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
                (self.histogram(start, mid), need_right)
            } else {
                (self.histogram(mid, end), need_left)
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
        let left = self.grow(start, mid, left_pos, depth + 1, hist_left);
        let right = self.grow(mid, end, right_pos, depth + 1, hist_right);
        self.nodes[id].kind = NodeKind::Split(Split {
            feature,
            feature_name: self.names[feature].clone(),
            rule,
            left,
            right,
        });
        id
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
/// scores the lowest threshold or level wins. Numeric thresholds are observed values, or
/// with `allowed` the allowed values (observed or not: a grid point between two observed
/// values gives the same partition as the lower one).
fn best_in_feature(
    hist: &[u64],
    categorical: bool,
    allowed: Option<&[bool]>,
    (n, positives): (u64, u64),
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
            n_left += c;
            pos_left += p;
            let candidate = match allowed {
                // An unobserved value gives the partition of the previous observed one.
                None => c > 0,
                Some(mask) => mask.get(v).copied().unwrap_or(false),
            };
            if !candidate {
                continue;
            }
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
