//! A bootstrap replicate's resample as counts over patterns: a stage's training rows with
//! identical encoded features form one pattern, and a tree sees only how often each
//! pattern's positives and negatives were drawn, so it is fitted in the time of the
//! patterns rather than of the rows (`TreeParams::fit_draws`).
//!
//! **The same resample, not one like it.** The rows are drawn as before
//! ([`TrainingData::bootstrap_draws`]: with replacement within each class, seeded by
//! (seed, stage, replicate) only) and only then summed by pattern. A tree on the sums is the
//! tree on the rows drawn, so a replicate, and every interval, is the one the row bootstrap
//! gives, to the last digit.

use rayon::prelude::*;

use super::training::TrainingData;
use crate::model::{CountsMatrix, DrawCounts};

/// One stage's training part grouped into patterns of identical encoded features.
#[derive(Debug, Clone)]
pub struct Patterns {
    /// One row per pattern (the features every row of the pattern has), with the
    /// training rows of each (the persons a coarse threshold grid counts).
    pub x: CountsMatrix,
    /// The pattern of each training row of each class (negatives, positives), in the
    /// order of [`TrainingData::class_rows`].
    classes: [Vec<u32>; 2],
}

impl Patterns {
    /// Groups the training part `0..n_train` of `data` into patterns.
    pub fn of(data: &TrainingData) -> Patterns {
        let columns = data.x.columns();
        let width = columns.len();
        let n = data.n_train;
        let mut keys = vec![0u16; n * width];
        keys.par_chunks_mut(width.max(1))
            .enumerate()
            .for_each(|(r, key)| {
                for (k, c) in key.iter_mut().zip(columns) {
                    *k = c.values[r];
                }
            });
        let key = |r: u32| &keys[r as usize * width..(r as usize + 1) * width];
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Ties broken by the row, so the patterns are numbered the same on every run and
        // thread count.
        order.par_sort_unstable_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
        let mut pattern = vec![0u32; n];
        let (mut representatives, mut persons) = (Vec::new(), Vec::<u64>::new());
        for (i, &r) in order.iter().enumerate() {
            if i == 0 || key(order[i - 1]) != key(r) {
                representatives.push(r as usize);
                persons.push(0);
            }
            // Fewer patterns than rows, and rows are u32 ids.
            pattern[r as usize] = (representatives.len() - 1) as u32;
            *persons.last_mut().expect("a pattern was started") += 1;
        }
        let classes = data
            .class_rows()
            .map(|rows| rows.iter().map(|&r| pattern[r as usize]).collect());
        Patterns {
            x: CountsMatrix::new(data.x.select_rows(&representatives), persons)
                .expect("one person count per pattern"),
            classes,
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

    /// Replicate `replicate`'s counts per pattern: the draws of
    /// [`TrainingData::bootstrap_draws`] tallied by pattern and class.
    pub fn counts(&self, data: &TrainingData, seed: u64, replicate: u64) -> DrawCounts {
        let sizes = [self.classes[0].len(), self.classes[1].len()];
        let mut times = RowTimes::new(self);
        data.bootstrap_draws(seed, replicate, sizes, |class, i| times.add(class, i));
        times.by_pattern(self)
    }
}

/// A replicate's draws counted per training row of each class, a byte each, so that the
/// random draws land in the core's cache; [`RowTimes::by_pattern`] then adds the rows to
/// their patterns in row order. Every 256th draw of a row wraps its byte and is kept aside.
struct RowTimes {
    times: [Vec<u8>; 2],
    wrapped: Vec<(usize, usize)>,
}

impl RowTimes {
    fn new(patterns: &Patterns) -> RowTimes {
        RowTimes {
            times: patterns
                .classes
                .each_ref()
                .map(|rows| vec![0u8; rows.len()]),
            wrapped: Vec::new(),
        }
    }

    /// One draw of the `i`-th training row of `class`.
    #[inline]
    fn add(&mut self, class: usize, i: usize) {
        let t = &mut self.times[class][i];
        *t = t.wrapping_add(1);
        if *t == 0 {
            self.wrapped.push((class, i));
        }
    }

    /// The draws by pattern.
    fn by_pattern(self, patterns: &Patterns) -> DrawCounts {
        let mut drawn = DrawCounts::new(patterns.len());
        for (class, (rows, times)) in patterns.classes.iter().zip(&self.times).enumerate() {
            for (&p, &t) in rows.iter().zip(times) {
                drawn.add(p as usize, class == 1, u32::from(t));
            }
        }
        for (class, i) in self.wrapped {
            drawn.add(patterns.classes[class][i] as usize, class == 1, 256);
        }
        drawn
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::training::tests::comparability_data;
    use crate::model::TreeParams;

    #[test]
    fn patterns_group_identical_rows_and_nothing_else() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        assert!(patterns.len() < data.n_train, "{} patterns", patterns.len());
        assert_eq!(
            patterns.x.persons().iter().sum::<u64>(),
            data.n_train as u64
        );
        let mut rows_of = vec![0u64; patterns.len()];
        for (rows, patterns_of) in data.class_rows().iter().zip(&patterns.classes) {
            for (&r, &p) in rows.iter().zip(patterns_of) {
                rows_of[p as usize] += 1;
                for (c, pc) in data.x.columns().iter().zip(patterns.x.matrix().columns()) {
                    assert_eq!(
                        c.values[r as usize], pc.values[p as usize],
                        "row {r}, pattern {p}"
                    );
                }
            }
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
    fn rows_drawn_hundreds_of_times_are_counted_in_full() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        // Every row of both classes drawn 1 to 700 times (a byte wraps at 256).
        let times = |class: usize, i: usize| (i * 37 + class * 11) % 700 + 1;
        let mut counted = RowTimes::new(&patterns);
        for class in 0..2 {
            for i in 0..patterns.classes[class].len() {
                (0..times(class, i)).for_each(|_| counted.add(class, i));
            }
        }
        let drawn = counted.by_pattern(&patterns);
        let mut want = DrawCounts::new(patterns.len());
        for (class, rows) in patterns.classes.iter().enumerate() {
            for (i, &p) in rows.iter().enumerate() {
                want.add(p as usize, class == 1, times(class, i) as u32);
            }
        }
        assert!(drawn.counts().eq(want.counts()));
        assert!(drawn.counts().any(|c| c.n > 256));
    }

    #[test]
    fn a_tree_on_pattern_counts_is_the_tree_on_the_rows_drawn() {
        let data = comparability_data(8_000);
        let patterns = Patterns::of(&data);
        let params = TreeParams {
            min_leaf: 50,
            ..TreeParams::default()
        };
        for r in 0..3 {
            let counts = patterns.counts(&data, 9, r);
            let times = data.bootstrap_times(9, r);
            for (y, want) in [(false, 0), (true, 1)] {
                // Summed by class, the counts are the rows drawn of that class.
                let drawn: u64 = (0..data.n_train)
                    .filter(|&i| data.labels[i] == y)
                    .map(|i| u64::from(times[i]))
                    .sum();
                let counted: u64 = counts
                    .counts()
                    .map(|c| [c.n - c.positives, c.positives][want])
                    .sum();
                assert_eq!(counted, drawn, "replicate {r}, class {want}");
            }
            let on_rows = params
                .fit(&data.x, &data.labels, &data.bootstrap_rows(9, r))
                .unwrap();
            let on_counts = params.fit_draws(&patterns.x, &counts).unwrap();
            assert_eq!(on_rows, on_counts, "replicate {r}");
            assert!(on_rows.n_leaves() > 1);
        }
    }
}
