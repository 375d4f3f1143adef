//! Fitting by histograms: per node one pass per feature sums a [`Target`]'s statistic per
//! value (rows and positives for the classification tree, rows and the outcome's sum for
//! the regression tree); the smaller child is counted and the larger one's histogram is
//! the parent's minus it. Both trees share this fitter; they differ only in the target.

use std::ops::{AddAssign, SubAssign};

use rayon::prelude::*;

use super::nodes::{Counts, Node, NodeKind, Split, SplitRule};
use super::params::TreeParams;
use super::TIE_TOL;
use crate::model::FeatureMatrix;

/// What a tree learns: the statistic a histogram bin sums, and the node score a split
/// maximises over its two children (`n` times the node's impurity is `C - score` for a
/// constant `C` of the node, so the best split has the largest summed score).
pub(super) trait Target: Sync {
    /// The per-value statistic; sums and differences must be exact.
    type Bin: Copy + Default + Send + Sync + AddAssign + SubAssign;
    /// The unit of score differences per training row, in which `min_split_gain` is not
    /// expressed (1 for Gini; the square of the fixed-point unit for sums).
    const GAIN_UNIT: f64;
    /// The statistic of one training row.
    fn bin(&self, row: u32) -> Self::Bin;
    /// Rows in a bin.
    fn rows(bin: Self::Bin) -> u64;
    /// The node score: `(p² + q²) / n` for Gini, `s² / n` for the squared error.
    fn score(bin: Self::Bin) -> f64;
    /// Whether a node could gain from a split at all (a pure class node cannot).
    fn splittable(bin: Self::Bin) -> bool;
    /// Score differences below this are ties (a relative tolerance of the node's size).
    fn tolerance(bin: Self::Bin) -> f64;
    /// The node's counts and its leaf value.
    fn node(bin: Self::Bin) -> (Counts, f64);
}

/// The classification target: bins packed as `n | positives << 32` so one add updates both
/// (neither half can overflow into the other: a node has < 2^32 rows).
pub(super) struct Classes<'a>(pub(super) &'a [bool]);

#[inline]
fn unpack(bin: u64) -> (u64, u64) {
    (bin & 0xFFFF_FFFF, bin >> 32)
}

impl Target for Classes<'_> {
    type Bin = u64;
    const GAIN_UNIT: f64 = 1.0;
    #[inline]
    fn bin(&self, row: u32) -> u64 {
        1 | (u64::from(self.0[row as usize]) << 32)
    }
    fn rows(bin: u64) -> u64 {
        unpack(bin).0
    }
    fn score(bin: u64) -> f64 {
        let (n, positives) = unpack(bin);
        purity(n, positives)
    }
    fn splittable(bin: u64) -> bool {
        let (n, positives) = unpack(bin);
        positives > 0 && positives < n
    }
    fn tolerance(bin: u64) -> f64 {
        unpack(bin).0 as f64 * TIE_TOL
    }
    fn node(bin: u64) -> (Counts, f64) {
        let (n, positives) = unpack(bin);
        (Counts { n, positives }, positives as f64 / n as f64)
    }
}

/// The classification target over weighted rows: each row stands for `n` training rows,
/// `positives` of them with the outcome, packed as [`Classes`] packs one row (a bootstrap
/// replicate's counts over patterns of identical rows).
pub(super) struct WeightedClasses<'a>(pub(super) &'a [u64]);

impl Target for WeightedClasses<'_> {
    type Bin = u64;
    const GAIN_UNIT: f64 = 1.0;
    #[inline]
    fn bin(&self, row: u32) -> u64 {
        self.0[row as usize]
    }
    fn rows(bin: u64) -> u64 {
        Classes::rows(bin)
    }
    fn score(bin: u64) -> f64 {
        Classes::score(bin)
    }
    fn splittable(bin: u64) -> bool {
        Classes::splittable(bin)
    }
    fn tolerance(bin: u64) -> f64 {
        Classes::tolerance(bin)
    }
    fn node(bin: u64) -> (Counts, f64) {
        Classes::node(bin)
    }
}

/// Rows per parallel task of a histogram pass; smaller nodes are counted in one task.
const HIST_CHUNK: usize = 1 << 15;

/// A matrix's nonzero values row by row, each as its bin in a [`Hist`] (the feature's
/// offset plus the value): row `r`'s are `bins[start[r]..start[r + 1]]`.
#[derive(Debug, Clone)]
pub(super) struct SparseRows {
    start: Vec<usize>,
    bins: Bins,
}

/// The bins of the nonzero values: two bytes each while a [`Hist`] has at most 2^16 bins
/// (about 11,000 for the default comparability features), else four. The histogram
/// passes read them for every row of every node, so their width sets much of the fits'
/// memory traffic (two bytes took 7% and 15% off the default run in two sets of paired
/// runs).
#[derive(Debug, Clone)]
enum Bins {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

/// A bin number as stored in [`Bins`].
trait BinIndex: Copy + Send + Sync + TryFrom<usize> {
    fn index(self) -> usize;
}

impl BinIndex for u16 {
    #[inline]
    fn index(self) -> usize {
        usize::from(self)
    }
}

impl BinIndex for u32 {
    #[inline]
    fn index(self) -> usize {
        // Bins are counted in usize and stored only when they fit.
        self as usize
    }
}

impl SparseRows {
    /// The nonzero values of `x` (whose feature `j` has its bins from `offsets[j]`, and
    /// `offsets` ends with the total).
    pub(super) fn of_matrix(x: &FeatureMatrix, offsets: &[usize]) -> SparseRows {
        if offsets.last().is_some_and(|&total| total <= 1 << 16) {
            let (start, bins) = Self::nonzero::<u16>(x, offsets);
            SparseRows {
                start,
                bins: Bins::Narrow(bins),
            }
        } else {
            let (start, bins) = Self::nonzero::<u32>(x, offsets);
            SparseRows {
                start,
                bins: Bins::Wide(bins),
            }
        }
    }

    /// The rows' starts and the bins of their nonzero values, as `I` (which holds every
    /// bin number below the total of `offsets`).
    fn nonzero<I: BinIndex>(x: &FeatureMatrix, offsets: &[usize]) -> (Vec<usize>, Vec<I>) {
        const ROWS: usize = 1 << 12;
        let columns = x.columns();
        let starts: Vec<usize> = (0..x.n_rows()).step_by(ROWS).collect();
        let parts: Vec<(Vec<usize>, Vec<I>)> = starts
            .par_iter()
            .map(|&from| {
                let to = (from + ROWS).min(x.n_rows());
                let (mut lens, mut bins) = (Vec::with_capacity(to - from), Vec::new());
                for r in from..to {
                    let before = bins.len();
                    for (c, &o) in columns.iter().zip(offsets) {
                        let v = c.values[r];
                        if v != 0 {
                            // Below the total number of bins, which `I` holds.
                            let bin = I::try_from(o + usize::from(v));
                            bins.extend(bin.ok());
                        }
                    }
                    lens.push(bins.len() - before);
                }
                (lens, bins)
            })
            .collect();
        let mut start = Vec::with_capacity(x.n_rows() + 1);
        let mut bins = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
        start.push(0);
        for (lens, part) in parts {
            for l in lens {
                let last = start[start.len() - 1];
                start.push(last + l);
            }
            bins.extend(part);
        }
        (start, bins)
    }
}

/// Where each feature's bins start in a [`Hist`] of `x`, and (last) the total.
pub(super) fn bin_offsets(x: &FeatureMatrix) -> Vec<usize> {
    let mut offsets = vec![0];
    for c in x.columns() {
        offsets.push(offsets[offsets.len() - 1] + c.kind.cardinality().min(1 << 16));
    }
    offsets
}

/// The bins of every feature's values at one node, feature after feature: feature `j`'s
/// bins are `bins[offsets[j]..offsets[j + 1]]` (the fitter's offsets).
pub(super) struct Hist<B> {
    bins: Vec<B>,
}

pub(super) struct Fitter<'a, T: Target> {
    pub(super) params: &'a TreeParams,
    pub(super) cols: Vec<&'a [u16]>,
    /// The matrix's nonzero values by row, as bins of a [`Hist`], so that one pass over
    /// a node's rows counts every feature and skips the (many) zeros.
    pub(super) sparse: &'a SparseRows,
    pub(super) width: usize,
    /// Where each feature's bins start in a [`Hist`]; the last entry is the total.
    pub(super) offsets: Vec<usize>,
    pub(super) categorical: Vec<bool>,
    /// Feature names, by index.
    pub(super) names: Vec<String>,
    /// Per feature, the values a numeric threshold may take (`None`: any observed value).
    pub(super) allowed: Vec<Option<Vec<bool>>>,
    pub(super) target: T,
    /// Training rows in all, for weighting gains by node share.
    pub(super) total: f64,
    /// The row ids, partitioned in place so that every node owns a contiguous range.
    pub(super) rows: Vec<u32>,
    pub(super) scratch: Vec<u32>,
    pub(super) nodes: Vec<Node>,
}

impl<T: Target> Fitter<'_, T> {
    fn may_split(&self, stat: T::Bin, depth: usize) -> bool {
        depth < self.params.max_depth
            && T::rows(stat) >= (self.params.min_leaf as u64).saturating_mul(2)
            && T::splittable(stat)
    }

    /// Histograms of all features over `rows[start..end]`: one pass over the rows' nonzero
    /// values, in parallel over chunks of rows, whose bins are added; each feature's bin
    /// of 0 is then the node's statistic minus its other bins. All exact: bins hold
    /// integers, so the order of the additions does not matter.
    pub(super) fn histogram(&self, start: usize, end: usize) -> Hist<T::Bin> {
        match &self.sparse.bins {
            Bins::Narrow(bins) => self.histogram_of(start, end, bins),
            Bins::Wide(bins) => self.histogram_of(start, end, bins),
        }
    }

    /// [`Fitter::histogram`] with the sparse rows' bins stored as `I`.
    fn histogram_of<I: BinIndex>(&self, start: usize, end: usize, nonzero: &[I]) -> Hist<T::Bin> {
        let rows = &self.rows[start..end];
        let starts = &self.sparse.start;
        let count = |rows: &[u32]| {
            let mut bins = vec![T::Bin::default(); self.offsets[self.width]];
            let mut node = T::Bin::default();
            for &r in rows {
                let add = self.target.bin(r);
                node += add;
                let r = r as usize;
                for &b in &nonzero[starts[r]..starts[r + 1]] {
                    bins[b.index()] += add;
                }
            }
            (bins, node)
        };
        let (mut bins, node) = if rows.len() <= HIST_CHUNK {
            count(rows)
        } else {
            rows.par_chunks(HIST_CHUNK)
                .map(count)
                .reduce_with(|(mut a, mut n), (b, m)| {
                    for (x, &y) in a.iter_mut().zip(&b) {
                        *x += y;
                    }
                    n += m;
                    (a, n)
                })
                .unwrap_or_else(|| count(&[]))
        };
        for w in self.offsets.windows(2) {
            let mut zero = node;
            for &b in &bins[w[0] + 1..w[1]] {
                zero -= b;
            }
            bins[w[0]] = zero;
        }
        Hist { bins }
    }

    /// Feature `j`'s bins in `hist`.
    fn feature<'h>(&self, hist: &'h Hist<T::Bin>, j: usize) -> &'h [T::Bin] {
        &hist.bins[self.offsets[j]..self.offsets[j + 1]]
    }

    /// The best split of a node with histogram `hist`, if it beats `min_split_gain`.
    fn best_split(&self, hist: &Hist<T::Bin>, stat: T::Bin) -> Option<(usize, SplitRule)> {
        let tol = T::tolerance(stat);
        let min_leaf = self.params.min_leaf as u64;
        let per_feature: Vec<Option<(SplitRule, f64)>> = (0..self.width)
            .into_par_iter()
            .map(|j| {
                let (h, cat) = (self.feature(hist, j), self.categorical[j]);
                let allowed = self.allowed[j].as_deref();
                best_in_feature::<T>(h, cat, allowed, stat, min_leaf, tol)
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
        let decrease = score - T::score(stat);
        if decrease <= tol {
            return None;
        }
        // Impurity decrease weighted by node share: (n / N) * (G - nL/n GL - nR/n GR),
        // which equals (score - score(node)) / N.
        (decrease / self.total / T::GAIN_UNIT > self.params.min_split_gain)
            .then_some((feature, rule))
    }

    /// Adds a leaf of statistic `stat` at `depth` and returns its id.
    fn leaf(&mut self, stat: T::Bin, depth: usize) -> usize {
        let (counts, value) = T::node(stat);
        self.nodes.push(Node {
            depth,
            counts: Some(counts),
            kind: NodeKind::Leaf { probability: value },
        });
        self.nodes.len() - 1
    }

    /// The statistic of the rows `rule` sends left, read off the node's histogram (exact:
    /// the bins hold integers).
    fn left_of(&self, hist: &Hist<T::Bin>, feature: usize, rule: SplitRule) -> T::Bin {
        let (lo, span) = rule.interval();
        let mut left = T::Bin::default();
        let bins = self.feature(hist, feature).iter().skip(usize::from(lo));
        bins.take(usize::from(span) + 1).for_each(|&b| left += b);
        left
    }

    /// Grows the subtree over `rows[start..end]` and returns its root's id.
    pub(super) fn grow(
        &mut self,
        start: usize,
        end: usize,
        stat: T::Bin,
        depth: usize,
        hist: Option<Hist<T::Bin>>,
    ) -> usize {
        let id = self.leaf(stat, depth);
        if !self.may_split(stat, depth) {
            return id;
        }
        let hist = hist.unwrap_or_else(|| self.histogram(start, end));
        let Some((feature, rule)) = self.best_split(&hist, stat) else {
            return id;
        };
        let left_stat = self.left_of(&hist, feature, rule);
        let mut right_stat = stat;
        right_stat -= left_stat;
        let need_left = self.may_split(left_stat, depth + 1);
        let need_right = self.may_split(right_stat, depth + 1);
        // Leaves need no rows of their own: the rows are partitioned, and a child counted,
        // only when a child splits again.
        let (left, right) = if need_left || need_right {
            let col = self.cols[feature];
            let mid = start + partition(&mut self.rows[start..end], &mut self.scratch, col, rule);
            // Count only the smaller child; the larger one's histogram is the parent's minus it.
            let left_smaller = mid - start <= end - mid;
            let (small, need_large) = if left_smaller {
                (self.histogram(start, mid), need_right)
            } else {
                (self.histogram(mid, end), need_left)
            };
            let large = need_large.then(|| subtract(hist, &small));
            let (hist_left, hist_right) = if left_smaller {
                (Some(small), large)
            } else {
                (large, Some(small))
            };
            let left = self.grow(start, mid, left_stat, depth + 1, hist_left);
            (left, self.grow(mid, end, right_stat, depth + 1, hist_right))
        } else {
            (
                self.leaf(left_stat, depth + 1),
                self.leaf(right_stat, depth + 1),
            )
        };
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
fn best_in_feature<T: Target>(
    hist: &[T::Bin],
    categorical: bool,
    allowed: Option<&[bool]>,
    stat: T::Bin,
    min_leaf: u64,
    tol: f64,
) -> Option<(SplitRule, f64)> {
    let n = T::rows(stat);
    let mut best: Option<(SplitRule, f64)> = None;
    let mut consider = |rule: SplitRule, left: T::Bin| {
        let n_left = T::rows(left);
        if n_left < min_leaf || n - n_left < min_leaf {
            return;
        }
        let mut right = stat;
        right -= left;
        let score = T::score(left) + T::score(right);
        if best.is_none_or(|(_, b)| score > b + tol) {
            best = Some((rule, score));
        }
    };
    if categorical {
        for (k, &bin) in hist.iter().enumerate() {
            if T::rows(bin) > 0 {
                // Histograms have at most 65 536 bins, so `k` fits u16.
                consider(SplitRule::Equals(k as u16), bin);
            }
        }
    } else {
        let mut left = T::Bin::default();
        for (v, &bin) in hist.iter().enumerate() {
            left += bin;
            let candidate = match allowed {
                // An unobserved value gives the partition of the previous observed one.
                None => T::rows(bin) > 0,
                Some(mask) => mask.get(v).copied().unwrap_or(false),
            };
            if !candidate {
                continue;
            }
            if n - T::rows(left) < min_leaf {
                break;
            }
            consider(SplitRule::AtMost(v as u16), left);
        }
    }
    best
}

/// Stable in-place partition of `rows` by `rule` (left first); returns the left size.
/// Stability keeps each node's rows in increasing order, so column reads stay monotone
/// and cache-friendly.
fn partition(rows: &mut [u32], scratch: &mut Vec<u32>, col: &[u16], rule: SplitRule) -> usize {
    scratch.clear();
    let mut w = 0;
    for i in 0..rows.len() {
        let r = rows[i];
        if rule.holds(col[r as usize]) {
            rows[w] = r;
            w += 1;
        } else {
            scratch.push(r);
        }
    }
    rows[w..].copy_from_slice(scratch);
    w
}

/// `parent - child`, bin by bin, reusing the parent's memory. Exact: bins hold integers
/// and each child's are at most the parent's.
fn subtract<B: Copy + SubAssign>(mut parent: Hist<B>, child: &Hist<B>) -> Hist<B> {
    for (a, &b) in parent.bins.iter_mut().zip(&child.bins) {
        *a -= b;
    }
    parent
}
