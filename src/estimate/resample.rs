//! A bootstrap replicate's resample as counts over patterns: a stage's training rows with
//! identical encoded features form one pattern, and a tree sees only how often each
//! pattern's positives and negatives were drawn, so it is fitted in the time of the
//! patterns rather than of the rows (`TreeParams::fit_draws`).
//!
//! **The row bootstrap, drawn by pattern.** The rows of a class that share a pattern are
//! one group, and [`TrainingData::bootstrap_counts`] draws the counts of the groups
//! directly, with the distribution of rows drawn one at a time within each class (with
//! replacement, seeded by (seed, stage, replicate) only) and summed by pattern. A tree on
//! the counts is the tree on any rows with those counts.

use rayon::prelude::*;

use super::training::TrainingData;
use crate::model::{CountsMatrix, DrawCounts};

/// One stage's training part grouped into patterns of identical encoded features.
#[derive(Debug, Clone)]
pub struct Patterns {
    /// One row per pattern (the features every row of the pattern has), with the
    /// training rows of each (the persons a coarse threshold grid counts).
    pub x: CountsMatrix,
    /// Each class's groups (negatives, positives): the patterns with rows of the class,
    /// ascending.
    groups: [Groups; 2],
}

/// The patterns a class's training rows fall in, and the rows in each.
#[derive(Debug, Clone, Default)]
struct Groups {
    pattern: Vec<u32>,
    size: Vec<u32>,
}

impl Patterns {
    /// Groups the training part `0..n_train` of `data` into patterns.
    pub fn of(data: &TrainingData) -> Patterns {
        let (representatives, persons, pattern) = group_rows(data);
        let groups = data.class_rows().map(|rows| {
            let mut size = vec![0u32; persons.len()];
            rows.iter()
                .for_each(|&r| size[pattern[r as usize] as usize] += 1);
            let mut groups = Groups::default();
            for (p, &m) in size.iter().enumerate().filter(|(_, &m)| m > 0) {
                // Fewer patterns than rows, and rows are u32 ids.
                groups.pattern.push(p as u32);
                groups.size.push(m);
            }
            groups
        });
        Patterns {
            x: CountsMatrix::new(data.x.select_rows(&representatives), persons)
                .expect("one person count per pattern"),
            groups,
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.x.persons().len()
    }

    /// Whether there are no patterns (no training rows).
    pub fn is_empty(&self) -> bool {
        self.x.persons().is_empty()
    }

    /// Replicate `replicate`'s counts per pattern: [`TrainingData::bootstrap_counts`]
    /// over each class's groups.
    pub fn counts(&self, data: &TrainingData, seed: u64, replicate: u64) -> DrawCounts {
        let [negatives, positives] = &self.groups;
        let counts = data.bootstrap_counts(seed, replicate, [&negatives.size, &positives.size]);
        let mut drawn = DrawCounts::new(self.len());
        for (class, (groups, counts)) in self.groups.iter().zip(&counts).enumerate() {
            for (&p, &c) in groups.pattern.iter().zip(counts) {
                drawn.add(p as usize, class == 1, c);
            }
        }
        drawn
    }
}

/// The training part's rows grouped by their encoded features: a representative row and
/// the number of rows of each pattern, and the pattern of every row.
fn group_rows(data: &TrainingData) -> (Vec<usize>, Vec<u64>, Vec<u32>) {
    let n = data.n_train;
    let keys = Keys::packed(data).unwrap_or_else(|| Keys::slices(data));
    // Ties broken by the row, so the patterns are numbered the same on every run and
    // thread count. In key order, similar patterns sit close in the fits' reads: numbered
    // in hash order instead they were grouped in half the time, and the replicates' fits
    // took longer than that saved.
    let order = keys.order(n);
    let mut pattern = vec![0u32; n];
    let (mut representatives, mut persons) = (Vec::new(), Vec::<u64>::new());
    for (i, &r) in order.iter().enumerate() {
        if i == 0 || !keys.same(order[i - 1], r) {
            representatives.push(r as usize);
            persons.push(0);
        }
        // Fewer patterns than rows, and rows are u32 ids.
        pattern[r as usize] = (representatives.len() - 1) as u32;
        *persons.last_mut().expect("a pattern was started") += 1;
    }
    (representatives, persons, pattern)
}

/// The training rows' encoded features as sort keys.
enum Keys {
    /// Each row's values packed into one integer, the first column in the highest bits,
    /// each in as many bits as its largest value needs: ordered as the values are.
    Packed(Vec<u128>),
    /// Each row's values, `width` at a time (when they need more than 128 bits).
    Slices { values: Vec<u16>, width: usize },
}

impl Keys {
    /// The packed keys, if the values fit in 128 bits (the 16 comparability features
    /// of the default run need 117).
    fn packed(data: &TrainingData) -> Option<Keys> {
        let n = data.n_train;
        let columns = data.x.columns();
        let bits: Vec<u32> = columns
            .iter()
            .map(|c| {
                let max = c.values[..n].par_iter().copied().max().unwrap_or(0);
                u16::BITS - max.leading_zeros()
            })
            .collect();
        if bits.iter().sum::<u32>() > u128::BITS {
            return None;
        }
        let mut keys = vec![0u128; n];
        keys.par_iter_mut().enumerate().for_each(|(r, key)| {
            for (c, &b) in columns.iter().zip(&bits) {
                *key = (*key << b) | u128::from(c.values[r]);
            }
        });
        Some(Keys::Packed(keys))
    }

    fn slices(data: &TrainingData) -> Keys {
        let columns = data.x.columns();
        let width = columns.len();
        let mut values = vec![0u16; data.n_train * width];
        values
            .par_chunks_mut(width.max(1))
            .enumerate()
            .for_each(|(r, key)| {
                for (k, c) in key.iter_mut().zip(columns) {
                    *k = c.values[r];
                }
            });
        Keys::Slices { values, width }
    }

    /// The rows `0..n` in key order, ties by row.
    fn order(&self, n: usize) -> Vec<u32> {
        match self {
            Keys::Packed(keys) => {
                let mut pairs: Vec<(u128, u32)> =
                    (0..n as u32).map(|r| (keys[r as usize], r)).collect();
                pairs.par_sort_unstable();
                pairs.into_iter().map(|(_, r)| r).collect()
            }
            Keys::Slices { values, width } => {
                let key = |r: u32| &values[r as usize * width..(r as usize + 1) * width];
                let mut order: Vec<u32> = (0..n as u32).collect();
                order.par_sort_unstable_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
                order
            }
        }
    }

    /// Whether rows `a` and `b` have the same values.
    fn same(&self, a: u32, b: u32) -> bool {
        let (a, b) = (a as usize, b as usize);
        match self {
            Keys::Packed(keys) => keys[a] == keys[b],
            Keys::Slices { values, width } => {
                values[a * width..(a + 1) * width] == values[b * width..(b + 1) * width]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::training::tests::comparability_data;
    use crate::model::{FeatureColumn, FeatureMatrix, TreeParams};

    #[test]
    fn patterns_group_identical_rows_and_nothing_else() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        assert!(patterns.len() < data.n_train, "{} patterns", patterns.len());
        assert_eq!(
            patterns.x.persons().iter().sum::<u64>(),
            data.n_train as u64
        );
        let (_, _, pattern) = group_rows(&data);
        let mut rows_of = vec![0u64; patterns.len()];
        for (rows, groups) in data.class_rows().iter().zip(&patterns.groups) {
            let mut size = vec![0u32; patterns.len()];
            for &r in rows {
                let p = pattern[r as usize] as usize;
                (size[p], rows_of[p]) = (size[p] + 1, rows_of[p] + 1);
                for (c, pc) in data.x.columns().iter().zip(patterns.x.matrix().columns()) {
                    assert_eq!(c.values[r as usize], pc.values[p], "row {r}, pattern {p}");
                }
            }
            // A class's groups: the patterns with its rows, ascending, and their rows.
            let want: Vec<(u32, u32)> = (0..patterns.len() as u32)
                .zip(size)
                .filter(|&(_, m)| m > 0)
                .collect();
            let got: Vec<(u32, u32)> = groups
                .pattern
                .iter()
                .copied()
                .zip(groups.size.iter().copied())
                .collect();
            assert_eq!(got, want);
        }
        assert_eq!(rows_of, patterns.x.persons());
        // Distinct patterns: no two representatives are equal.
        let key = |p: usize| -> Vec<u16> {
            let columns = patterns.x.matrix().columns();
            columns.iter().map(|c| c.values[p]).collect()
        };
        let mut keys: Vec<Vec<u16>> = (0..patterns.len()).map(key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), patterns.len());
    }

    #[test]
    fn packed_keys_order_and_group_rows_as_their_values() {
        let data = comparability_data(8_000);
        let n = data.n_train;
        let packed = Keys::packed(&data).expect("the comparability features fit 128 bits");
        let slices = Keys::slices(&data);
        let order = packed.order(n);
        assert_eq!(order, slices.order(n));
        let same: Vec<bool> = order.windows(2).map(|w| packed.same(w[0], w[1])).collect();
        let want: Vec<bool> = order.windows(2).map(|w| slices.same(w[0], w[1])).collect();
        assert_eq!(same, want);
        assert!(same.contains(&true) && same.contains(&false));
        // Every column twice: too wide to pack, grouped by the values themselves, into
        // the same patterns.
        let mut wide = data.clone();
        let again = data.x.columns().iter().map(|c| FeatureColumn {
            name: format!("{} again", c.name),
            ..c.clone()
        });
        let twice = data.x.columns().iter().cloned().chain(again).collect();
        wide.x = FeatureMatrix::from_columns(twice).unwrap();
        assert!(Keys::packed(&wide).is_none());
        assert_eq!(group_rows(&wide), group_rows(&data));
    }

    #[test]
    fn a_tree_on_pattern_counts_is_the_tree_on_rows_with_those_counts() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        let (_, _, pattern) = group_rows(&data);
        let params = TreeParams {
            min_leaf: 50,
            ..TreeParams::default()
        };
        for r in 0..3 {
            let counts = patterns.counts(&data, 9, r);
            assert_eq!(
                counts.counts().map(|c| c.n).sum::<u64>(),
                data.n_train as u64,
                "replicate {r}: as many draws as training rows"
            );
            // Each pattern's draws of a class put on its first row of that class.
            let mut times = vec![0u32; data.n_train];
            let mut seen = [vec![false; patterns.len()], vec![false; patterns.len()]];
            let per_pattern: Vec<_> = counts.counts().collect();
            for (class, rows) in data.class_rows().iter().enumerate() {
                for &row in rows {
                    let p = pattern[row as usize] as usize;
                    if !std::mem::replace(&mut seen[class][p], true) {
                        let c = per_pattern[p];
                        times[row as usize] = [c.n - c.positives, c.positives][class] as u32;
                    }
                }
            }
            let rows: Vec<usize> = times
                .iter()
                .enumerate()
                .flat_map(|(i, &k)| std::iter::repeat_n(i, k as usize))
                .collect();
            let on_rows = params.fit(&data.x, &data.labels, &rows).unwrap();
            let on_counts = params.fit_draws(&patterns.x, &counts).unwrap();
            assert_eq!(on_rows, on_counts, "replicate {r}");
            assert!(on_rows.n_leaves() > 1);
        }
    }

    #[test]
    fn pattern_counts_are_seeded_by_replicate_and_vary_the_class_sizes() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        let positives = |r: u64| -> u64 {
            patterns
                .counts(&data, 9, r)
                .counts()
                .map(|c| c.positives)
                .sum()
        };
        let a: Vec<_> = patterns.counts(&data, 9, 0).counts().collect();
        assert_eq!(a, patterns.counts(&data, 9, 0).counts().collect::<Vec<_>>());
        assert_ne!(a, patterns.counts(&data, 9, 1).counts().collect::<Vec<_>>());
        // The whole population is the sample (phi = 1), so the positives vary.
        assert_eq!(data.sampling_fraction, 1.0);
        let drawn: Vec<u64> = (0..20).map(positives).collect();
        assert!(drawn.iter().any(|&p| p != drawn[0]), "{drawn:?}");
    }
}
