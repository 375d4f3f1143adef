//! The fit's parameters and its entry point: checks the input, then hands the rows to the
//! histogram fitter.

use serde::{Deserialize, Serialize};

use super::build::ClassificationTree;
use super::fit::{bin_offsets, Classes, Fitter, SparseRows, Target, WeightedClasses};
use super::grid::ThresholdGrid;
use super::nodes::{Counts, Node, TreeFeature};
use super::{input, MAX_DEPTH_LIMIT};
use crate::error::{Error, Result};
use crate::model::{FeatureKind, FeatureMatrix};

/// Parameters of a classification tree fit: the defaults are the report's (at most five
/// levels, at least 1000 observations per leaf).
///
/// ```
/// use banenafspraak::model::{FeatureColumn, FeatureMatrix, ProbabilityModel, ThresholdGrid, TreeParams};
///
/// let x = FeatureMatrix::from_columns(vec![FeatureColumn::numeric(
///     "days_bijstand",
///     1095,
///     vec![0, 0, 5, 400, 700, 1095],
/// )])?;
/// let y = [false, false, false, true, true, true];
/// let rows: Vec<usize> = (0..x.n_rows()).collect();
/// let params = TreeParams { max_depth: 2, min_leaf: 1, ..TreeParams::default() };
/// let tree = params.fit(&x, &y, &rows)?;
/// assert_eq!(tree.n_leaves(), 2);
/// assert_eq!(tree.try_predict_proba(&x)?, [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
/// assert!(tree.to_string().starts_with("days_bijstand <= 5 (< 6 days)"));
///
/// // On the week grid the threshold is a whole number of weeks, not a person's value.
/// let coarse = params.threshold_grid(ThresholdGrid::coarse(10)).fit(&x, &y, &rows)?;
/// assert!(coarse.to_string().starts_with("days_bijstand <= 6 (< 1 week)"));
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
    /// The thresholds numeric splits may use. Default [`ThresholdGrid::Observed`], any
    /// observed value; [`ThresholdGrid::coarse`] for strict disclosure.
    #[serde(default)]
    pub threshold_grid: ThresholdGrid,
}

impl Default for TreeParams {
    fn default() -> Self {
        TreeParams {
            max_depth: 5,
            min_leaf: 1000,
            min_split_gain: 0.0,
            threshold_grid: ThresholdGrid::Observed,
        }
    }
}

impl TreeParams {
    /// Sets [`TreeParams::threshold_grid`].
    pub fn threshold_grid(mut self, grid: ThresholdGrid) -> Self {
        self.threshold_grid = grid;
        self
    }

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
    /// Numeric features split as `x <= t` (left) / `x > t`, with `t` an observed value (or
    /// a point of the [`TreeParams::threshold_grid`]); categorical features one-vs-rest,
    /// `x == k` (left) / `x != k`. A node splits while its depth is below `max_depth`, both
    /// children keep at least `min_leaf` rows and the weighted Gini decrease exceeds
    /// `min_split_gain`. Ties go to the lowest feature index, then the lowest threshold or
    /// level, so the same input always gives the same tree. With fewer than `2 * min_leaf`
    /// rows the tree is one leaf, which then holds fewer than `min_leaf` rows if `rows` does.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for invalid parameters ([`TreeParams::check`]);
    /// [`Error::ModelInput`] when `rows` is empty or has more than `u32::MAX` entries,
    /// `y.len() != x.n_rows()` or a row index is out of range. (The matrix itself was
    /// checked when it was built.) A single outcome class is not an error: it gives a
    /// one-leaf tree.
    pub fn fit(&self, x: &FeatureMatrix, y: &[bool], rows: &[usize]) -> Result<ClassificationTree> {
        self.check()?;
        x.check_training(y, rows)?;
        let row_ids = row_ids(x, rows)?;
        let positives: u64 = rows.iter().map(|&r| u64::from(y[r])).sum();
        let stat = rows.len() as u64 | (positives << 32);
        let sparse = SparseRows::of_matrix(x, &bin_offsets(x));
        let (features, nodes) = self.grow((x, &sparse), row_ids, Classes(y), stat, &holders);
        Ok(ClassificationTree { features, nodes })
    }

    /// Fits a tree to weighted rows: row `r` of `x` stands for `counts[r].n` training rows,
    /// `counts[r].positives` of them positive (rows with `n = 0` take no part). The same
    /// tree as [`TreeParams::fit`] on the rows expanded, each repeated `n` times with its
    /// labels, but in the time of the distinct rows: a bootstrap replicate fits on the
    /// counts of patterns of identical rows. A coarse [`TreeParams::threshold_grid`] counts
    /// the persons of [`CountsMatrix::persons`] as the holders of a value (so a replicate
    /// keeps the grid of the sample, not of its resample).
    ///
    /// ```
    /// use banenafspraak::model::{Counts, CountsMatrix, FeatureColumn, FeatureMatrix, TreeParams};
    /// let x = FeatureMatrix::from_columns(vec![FeatureColumn::numeric("age", 9, vec![1, 5, 9])])?;
    /// let x = CountsMatrix::new(x, vec![3, 1, 2])?;
    /// let counts = [Counts { n: 3, positives: 0 }, Counts { n: 0, positives: 0 }, Counts { n: 2, positives: 2 }];
    /// let params = TreeParams { min_leaf: 2, ..TreeParams::default() };
    /// let tree = params.fit_counts(&x, &counts)?;
    /// // The split is at an observed value, 1: the row without a count goes right.
    /// assert_eq!(tree.try_predict_proba(x.matrix())?, [0.0, 1.0, 1.0]);
    /// # Ok::<(), banenafspraak::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`TreeParams::fit`]; also when `counts` does not have one entry per row, a count
    /// has more positives than rows, or no row has a count.
    pub fn fit_counts(&self, x: &CountsMatrix, counts: &[Counts]) -> Result<ClassificationTree> {
        self.check()?;
        x.check_counts(counts.len())?;
        if let Some(r) = counts.iter().position(|c| c.positives > c.n) {
            return Err(input(format!(
                "row {r} has {} positives among {} rows",
                counts[r].positives, counts[r].n
            )));
        }
        let packed: Vec<u64> = counts.iter().map(|c| c.n | (c.positives << 32)).collect();
        let n: u64 = counts.iter().map(|c| c.n).sum();
        self.fit_packed(x, &packed, n)
    }

    /// As [`TreeParams::fit_counts`], for counts tallied draw by draw (a bootstrap
    /// replicate's, [`DrawCounts`]): the same tree, without a [`Counts`] per row in between.
    ///
    /// # Errors
    /// As [`TreeParams::fit_counts`]; also when more than `u32::MAX` draws were added.
    pub fn fit_draws(&self, x: &CountsMatrix, draws: &DrawCounts) -> Result<ClassificationTree> {
        self.check()?;
        x.check_counts(draws.packed.len())?;
        self.fit_packed(x, &draws.packed, draws.added)
    }

    /// The tree on rows counted as `packed[r] = n | positives << 32`, `n` rows in all.
    fn fit_packed(&self, x: &CountsMatrix, packed: &[u64], n: u64) -> Result<ClassificationTree> {
        if n == 0 || n > u64::from(u32::MAX) {
            return Err(input(format!(
                "{n} rows to fit on; a tree needs between 1 and {} rows",
                u32::MAX
            )));
        }
        let (matrix, persons) = (&x.x, &x.persons);
        // The rows with a count, without a branch on each (a third of a replicate's rows
        // are not drawn, at random). Ids fit: the matrix has fewer than 2^32 rows.
        let mut row_ids = vec![0u32; packed.len()];
        let mut kept = 0;
        for (r, &b) in (0u32..).zip(packed) {
            row_ids[kept] = r;
            kept += usize::from(b & 0xFFFF_FFFF > 0);
        }
        row_ids.truncate(kept);
        // n < 2^32, so the halves of every sum stay apart.
        let stat: u64 = packed.iter().sum();
        let holders = |values: &[u16], row_ids: &[u32]| {
            let mut held = vec![0u64; 1 << 16];
            for &r in row_ids {
                held[usize::from(values[r as usize])] += persons[r as usize];
            }
            held
        };
        let target = WeightedClasses(packed);
        let (features, nodes) = self.grow((matrix, &x.sparse), row_ids, target, stat, &holders);
        Ok(ClassificationTree { features, nodes })
    }

    /// Grows a tree for `target` over the (checked) training rows whose summed
    /// statistic is `stat`: the histogram fit both trees share. `sparse` holds `x`'s
    /// nonzero values; `holders(values, rows)` counts the persons holding each value (for
    /// a coarse threshold grid).
    pub(super) fn grow<T: Target>(
        &self,
        (x, sparse): (&FeatureMatrix, &SparseRows),
        row_ids: Vec<u32>,
        target: T,
        stat: T::Bin,
        holders: &Holders<'_>,
    ) -> (Vec<TreeFeature>, Vec<Node>) {
        let columns = x.columns();
        let features: Vec<TreeFeature> = columns
            .iter()
            .map(|c| TreeFeature {
                name: c.name.clone(),
                kind: c.kind.clone(),
            })
            .collect();
        let allowed = columns
            .iter()
            .map(|c| {
                self.threshold_grid
                    .mask(&c.name, &c.kind, || holders(&c.values, &row_ids))
            })
            .collect();
        let width = columns.len();
        let mut fitter = Fitter {
            params: self,
            cols: columns.iter().map(|c| c.values.as_slice()).collect(),
            sparse,
            width,
            offsets: bin_offsets(x),
            categorical: columns
                .iter()
                .map(|c| matches!(c.kind, FeatureKind::Categorical { .. }))
                .collect(),
            names: features.iter().map(|f| f.name.clone()).collect(),
            allowed,
            target,
            total: T::rows(stat) as f64,
            rows: row_ids,
            scratch: Vec::new(),
            nodes: Vec::new(),
        };
        let n = fitter.rows.len();
        fitter.grow(0, n, stat, 0, None);
        (features, fitter.nodes)
    }
}

/// `holders(values, rows)`: per value of a column, the persons among `rows` holding it.
pub(super) type Holders<'h> = dyn Fn(&[u16], &[u32]) -> Vec<u64> + 'h;

/// Distinct rows to fit many trees on with different counts ([`TreeParams::fit_counts`]):
/// the matrix, its nonzero values laid out for fitting once, and the persons each row
/// stands for.
#[derive(Debug, Clone)]
pub struct CountsMatrix {
    x: FeatureMatrix,
    sparse: SparseRows,
    persons: Vec<u64>,
}

impl CountsMatrix {
    /// The rows of `x`, row `r` standing for `persons[r]` distinct persons.
    ///
    /// # Errors
    /// [`Error::ModelInput`] when `persons` does not have one entry per row or the matrix
    /// has `u32::MAX` rows or more.
    pub fn new(x: FeatureMatrix, persons: Vec<u64>) -> Result<CountsMatrix> {
        if persons.len() != x.n_rows() || u32::try_from(x.n_rows()).is_err() {
            return Err(input(format!(
                "{} person counts for a matrix of {} rows (at most {})",
                persons.len(),
                x.n_rows(),
                u32::MAX - 1
            )));
        }
        Ok(CountsMatrix {
            sparse: SparseRows::of_matrix(&x, &bin_offsets(&x)),
            x,
            persons,
        })
    }

    /// The matrix.
    pub fn matrix(&self) -> &FeatureMatrix {
        &self.x
    }

    /// The persons each row stands for.
    pub fn persons(&self) -> &[u64] {
        &self.persons
    }

    /// Refuses `n` counts unless there is one per row.
    fn check_counts(&self, n: usize) -> Result<()> {
        if n == self.x.n_rows() {
            return Ok(());
        }
        Err(input(format!(
            "{n} counts for a matrix of {} rows",
            self.x.n_rows()
        )))
    }
}

/// A bootstrap replicate's draws counted per row of a [`CountsMatrix`], for
/// [`TreeParams::fit_draws`]: each row's draws and positives among them, packed as the
/// fitter's bins (`n | positives << 32`) so that a draw is one add and the fit reads the
/// counts as they are.
///
/// ```
/// use banenafspraak::model::{Counts, DrawCounts};
/// let mut draws = DrawCounts::new(3);
/// for (row, positive, times) in [(0, false, 1), (2, true, 2), (0, true, 1)] {
///     draws.add(row, positive, times);
/// }
/// let counts: Vec<Counts> = draws.counts().collect();
/// assert_eq!(counts[0], Counts { n: 2, positives: 1 });
/// assert_eq!(counts[1], Counts { n: 0, positives: 0 });
/// assert_eq!(counts[2], Counts { n: 2, positives: 2 });
/// ```
#[derive(Debug, Clone)]
pub struct DrawCounts {
    packed: Vec<u64>,
    /// Draws added in all: beyond `u32::MAX` a row's count could run into its positives,
    /// and the fit refuses them.
    added: u64,
}

impl DrawCounts {
    /// No draws yet, for a matrix of `rows` rows.
    pub fn new(rows: usize) -> DrawCounts {
        DrawCounts {
            packed: vec![0; rows],
            added: 0,
        }
    }

    /// `times` draws of row `row`, positives or not.
    ///
    /// # Panics
    /// When `row` is not a row of the matrix.
    #[inline]
    pub fn add(&mut self, row: usize, positive: bool, times: u32) {
        // Past 2^32 - 1 draws in all a row's halves may run together; the fit refuses that.
        let times = u64::from(times);
        self.packed[row] =
            self.packed[row].wrapping_add(times | (times * u64::from(positive)) << 32);
        self.added += times;
    }

    /// Each row's count, in row order (while at most `u32::MAX` draws were added).
    pub fn counts(&self) -> impl Iterator<Item = Counts> + '_ {
        self.packed.iter().map(|&b| Counts {
            n: b & 0xFFFF_FFFF,
            positives: b >> 32,
        })
    }
}

/// The training rows as `u32` ids, to halve the memory traffic of the histogram passes
/// (the rows were checked against the matrix).
pub(super) fn row_ids(x: &FeatureMatrix, rows: &[usize]) -> Result<Vec<u32>> {
    if u32::try_from(rows.len()).is_err() || u32::try_from(x.n_rows()).is_err() {
        return Err(input(format!(
            "{} rows to fit on in a matrix of {}; at most {} are supported",
            rows.len(),
            x.n_rows(),
            u32::MAX
        )));
    }
    // In range: checked above.
    Ok(rows.iter().map(|&r| r as u32).collect())
}

/// Per value, the number of distinct rows among `rows` that hold it.
pub(super) fn holders(values: &[u16], rows: &[u32]) -> Vec<u64> {
    let mut distinct = rows.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut counts = vec![0u64; 1 << 16];
    for &r in &distinct {
        counts[usize::from(values[r as usize])] += 1;
    }
    counts
}
