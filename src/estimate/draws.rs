//! The bootstrap's random draws from one seeded stream: uniform draws from a range (the
//! numbers `gen_range` gives), Poisson draws of integer means, and a resample's counts
//! over groups of rows. Owns no data of the run; `training` and `resample` say what is drawn.
//!
//! **Counts over groups.** k rows drawn with replacement from M rows, each equally likely,
//! and summed over groups of sizes m_1, ..., m_G, are Multinomial(k; m_g / M). Drawing the
//! rows one at a time reads 1.32 words of the stream per row (`gen_range` passes over some);
//! a Poisson(m_g) count per group reads about a word per group, and the comparability
//! stage's 786,279 training rows form 337,409 groups of identical rows in the default run.
//! The Poisson counts have a random total t, and given t they are Multinomial(t; m_g / M).
//! So:
//! - if t < k, k - t more rows drawn one at a time complete a Multinomial(k; m_g / M) (the
//!   sum of two independent multinomials with the same shares);
//! - if t > k, t - k of the t draws removed at random, every subset equally likely, leave a
//!   Multinomial(k; m_g / M) (any k of t independent draws are k independent draws).
//!
//! Either way the counts have exactly the distribution of the rows drawn one at a time and
//! summed by group: the same bootstrap, with other random numbers.

use std::sync::OnceLock;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Uniform draws from `0..range`: the numbers `rng.gen_range(0..range)` gives one call
/// after another (rand 0.8 for a 64-bit `usize`: a 64-bit word `v` times `range`, its high
/// half taken if its low half is at most `zone`, else the next word), from the same words
/// of the stream, but read a buffer at a time and kept or passed over without a branch.
/// About a quarter of the words are passed over for a range like 800,000, and a branch on
/// each would be mispredicted that often.
pub(super) struct UniformDraws {
    rng: ChaCha8Rng,
    words: [u64; DRAW_BUFFER],
    /// `words[next..held]` are the stream's next words, not yet used.
    next: usize,
    held: usize,
}

/// Words of the stream read at a time.
const DRAW_BUFFER: usize = 256;

impl UniformDraws {
    pub(super) fn new(rng: ChaCha8Rng) -> UniformDraws {
        UniformDraws {
            rng,
            words: [0; DRAW_BUFFER],
            next: 0,
            held: 0,
        }
    }

    /// Reads the stream's next words into the buffer, as `next_u64` reads them
    /// (little-endian).
    fn refill(&mut self) {
        self.rng.fill(&mut self.words[..]);
        (self.next, self.held) = (0, DRAW_BUFFER);
    }

    /// The stream's next word.
    #[inline]
    fn word(&mut self) -> u64 {
        if self.next == self.held {
            self.refill();
        }
        self.next += 1;
        self.words[self.next - 1]
    }

    /// Calls `sink` with `k` draws from `0..range`, in order (none when `range` is 0,
    /// where `gen_range` would panic).
    pub(super) fn draw(&mut self, range: usize, k: usize, mut sink: impl FnMut(usize)) {
        if range == 0 {
            return;
        }
        let range = range as u64;
        let zone = (range << range.leading_zeros()).wrapping_sub(1);
        let mut kept = [0u64; DRAW_BUFFER];
        let mut left = k;
        while left > 0 {
            if self.next == self.held {
                self.refill();
            }
            let mut n = 0;
            for &v in &self.words[self.next..self.held] {
                let m = u128::from(v) * u128::from(range);
                kept[n] = (m >> 64) as u64;
                n += usize::from(m as u64 <= zone);
                self.next += 1;
                if n == left {
                    break;
                }
            }
            left -= n;
            // Below `range`, a usize.
            kept[..n].iter().for_each(|&i| sink(i as usize));
        }
    }

    /// A Poisson draw of mean `mean`: one word for a mean up to [`TABLE_MEANS`], a sum of
    /// such draws above it (a sum of independent Poisson variables is Poisson with the
    /// summed mean).
    #[inline]
    fn poisson(&mut self, tables: &PoissonTables, mean: u32) -> u64 {
        let (whole, rest) = (mean / TABLE_MEANS, mean % TABLE_MEANS);
        let mut x = 0;
        for _ in 0..whole {
            x += tables.invert(TABLE_MEANS, self.word());
        }
        if rest > 0 {
            x += tables.invert(rest, self.word());
        }
        x
    }

    /// `k` rows drawn with replacement from groups of `sizes` rows, every row equally
    /// likely, counted by group: Multinomial(k; sizes / their sum), drawn as Poisson counts
    /// adjusted to `k` (module doc). All zero when the groups have no rows.
    ///
    /// The groups hold fewer than 2^31 rows in all, so no count nears `u32::MAX`.
    pub(super) fn counts_over_groups(&mut self, sizes: &[u32], k: usize) -> Vec<u32> {
        let rows: usize = sizes.iter().map(|&m| m as usize).sum();
        if rows == 0 {
            return vec![0; sizes.len()];
        }
        let mut counts = self.poisson_counts(sizes);
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        if total < k {
            // More rows, each row (so each group by its size) equally likely.
            let mut more = Vec::with_capacity(k - total);
            self.draw(rows, k - total, |i| more.push(i));
            more.sort_unstable();
            let hits = hits_per_group(sizes, &more);
            counts.iter_mut().zip(hits).for_each(|(c, h)| *c += h);
        } else if total > k {
            // Of the draws 0..total (group by group), keep a random k: the fewer of the
            // kept and the removed are chosen.
            if total - k <= k {
                let removed = self.distinct(total, total - k);
                let hits = hits_per_group(&counts, &removed);
                counts.iter_mut().zip(hits).for_each(|(c, h)| *c -= h);
            } else {
                let kept = self.distinct(total, k);
                counts = hits_per_group(&counts, &kept);
            }
        }
        counts
    }

    /// A Poisson draw per group, of mean its size, in group order.
    fn poisson_counts(&mut self, sizes: &[u32]) -> Vec<u32> {
        let tables = PoissonTables::get();
        let mut counts = vec![0u32; sizes.len()];
        let mut g = 0;
        while g < sizes.len() {
            if sizes[g] > TABLE_MEANS {
                // Fewer than 2^31 rows in all: no count nears u32::MAX.
                counts[g] = self.poisson(tables, sizes[g]).min(u64::from(u32::MAX)) as u32;
                g += 1;
                continue;
            }
            if self.next == self.held {
                self.refill();
            }
            // A word each for the groups up to the next larger one or the buffer's end,
            // read from the buffer in one loop.
            let words = &self.words[self.next..self.held];
            let mut used = 0;
            for ((c, &m), &u) in counts[g..].iter_mut().zip(&sizes[g..]).zip(words) {
                if m > TABLE_MEANS {
                    break;
                }
                // Table draws stay below 256.
                *c = tables.invert(m, u) as u32;
                used += 1;
            }
            self.next += used;
            g += used;
        }
        counts
    }

    /// `r` distinct draws from `0..range` (`r <= range`), ascending, every subset of `r`
    /// equally likely: uniform draws with repeats discarded, drawn again until `r` are
    /// left (the rule treats every number alike, so every subset is as likely).
    fn distinct(&mut self, range: usize, r: usize) -> Vec<usize> {
        let mut picked = Vec::with_capacity(r);
        while picked.len() < r {
            self.draw(range, r - picked.len(), |i| picked.push(i));
            picked.sort_unstable();
            picked.dedup();
        }
        picked
    }
}

/// How many of the ascending `positions` (repeats allowed) fall in each group, the groups
/// laid end to end with `widths[g]` positions each.
fn hits_per_group(widths: &[u32], positions: &[usize]) -> Vec<u32> {
    let mut hits = vec![0u32; widths.len()];
    let (mut end, mut next) = (0usize, 0usize);
    for (h, &w) in hits.iter_mut().zip(widths) {
        end += w as usize;
        let start = next;
        while next < positions.len() && positions[next] < end {
            next += 1;
        }
        // At most the draws of a resample, fewer than 2^32.
        *h = (next - start) as u32;
    }
    hits
}

/// Means with a table of their own; larger means are sums of draws from these.
const TABLE_MEANS: u32 = 64;

/// Poisson distribution functions of the means 0 to [`TABLE_MEANS`] as thresholds on a
/// 64-bit word, inverted with a guide table: a word `u` (uniform) draws the number of
/// thresholds at most `u`. Threshold j is 2^64 P(X <= j), computed in `f64` from the
/// lower tail below the median and from the upper tail above it (each as precise as a
/// double); the table ends where P(X > j) < 2^-64.
struct PoissonTables {
    /// Mean m's table at `m` (mean 0 draws 0).
    means: Vec<PoissonTable>,
}

struct PoissonTable {
    /// The draw of the smallest word with top byte `b` (draws stay below 256 for means
    /// up to 64).
    guide: [u8; 256],
    thresholds: Vec<u64>,
}

impl PoissonTables {
    /// The tables, computed once per process.
    fn get() -> &'static PoissonTables {
        static TABLES: OnceLock<PoissonTables> = OnceLock::new();
        TABLES.get_or_init(PoissonTables::new)
    }

    fn new() -> PoissonTables {
        let means = (0..=TABLE_MEANS)
            .map(|mean| {
                let thresholds = thresholds(f64::from(mean));
                let mut guide = [0u8; 256];
                let mut j = 0;
                for (b, g) in (0..256u64).zip(&mut guide) {
                    while j + 1 < thresholds.len() && thresholds[j] <= b << 56 {
                        j += 1;
                    }
                    *g = u8::try_from(j).expect("a draw below 256");
                }
                PoissonTable { guide, thresholds }
            })
            .collect();
        PoissonTables { means }
    }

    /// The Poisson draw of mean `mean` (0 to [`TABLE_MEANS`]) that the word `u` gives.
    #[inline]
    fn invert(&self, mean: u32, u: u64) -> u64 {
        let table = &self.means[mean as usize];
        let t = &table.thresholds[..];
        let mut j = usize::from(table.guide[(u >> 56) as usize]);
        // The last threshold is 2^64 - 1, so the draw stays inside the table.
        while j + 1 < t.len() && t[j] <= u {
            j += 1;
        }
        j as u64
    }
}

/// The thresholds 2^64 P(X <= j) of a Poisson variable X of mean `mean`, j = 0, 1, ...,
/// up to the first j with 2^64 P(X > j) < 1, which is 2^64 - 1.
fn thresholds(mean: f64) -> Vec<u64> {
    // Far past the last threshold: P(X > j) < 2^-64 well before mean + 20 sd + 40.
    let last = (mean + 20.0 * mean.sqrt() + 40.0) as usize;
    let mut pmf = vec![(-mean).exp(); last + 1];
    for j in 1..=last {
        pmf[j] = pmf[j - 1] * mean / j as f64;
    }
    let mut upper = vec![0.0; last + 1]; // P(X > j)
    for j in (0..last).rev() {
        upper[j] = upper[j + 1] + pmf[j + 1];
    }
    let scale = 2f64.powi(64);
    let (mut lower, mut out) = (0.0, Vec::new()); // lower: P(X <= j)
    for j in 0..=last {
        lower += pmf[j];
        if upper[j] * scale < 1.0 {
            out.push(u64::MAX);
            break;
        }
        // Casts of f64 to u64 saturate; the max keeps the thresholds ascending where
        // the two tails' roundings meet.
        let t = if lower <= 0.5 {
            (lower * scale) as u64
        } else {
            u64::MAX - (upper[j] * scale) as u64
        };
        out.push(t.max(out.last().copied().unwrap_or(0)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use statrs::distribution::{Discrete, Poisson};

    fn rng(seed: u64) -> ChaCha8Rng {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(9);
        r
    }

    #[test]
    fn uniform_draws_are_gen_range_one_call_after_another() {
        // Ranges that pass over up to half the words (1 passes over half of them), and
        // counts that end inside and across the buffer.
        let cases = [
            (1, [792_709, 7_291, 3]),
            (2, [1, 1 << 40, 5_000_001]),
            (3, [2, usize::MAX / 3 + 7, 1_000]),
        ];
        for (seed, ranges) in cases {
            let rng = || {
                let mut r = rng(seed);
                // A word used before, as the class sizes' normal deviate uses two.
                let _: f64 = r.gen();
                r
            };
            let (mut one, mut batched) = (rng(), UniformDraws::new(rng()));
            for (range, k) in ranges.into_iter().zip([1_000, 1, 777]) {
                let mut got = Vec::new();
                batched.draw(range, k, |i| got.push(i));
                let want: Vec<usize> = (0..k).map(|_| one.gen_range(0..range)).collect();
                assert_eq!(got, want, "seed {seed}, range {range}");
            }
        }
    }

    #[test]
    fn poisson_tables_are_the_poisson_distribution() {
        let tables = PoissonTables::get();
        for mean in 0..=TABLE_MEANS {
            let table = &tables.means[mean as usize].thresholds;
            assert_eq!(*table.last().unwrap(), u64::MAX);
            // Mean 0 always draws 0.
            let pmf = |j: u64| match Poisson::new(f64::from(mean)) {
                Ok(poisson) => poisson.pmf(j),
                Err(_) => f64::from(u8::from(j == 0)),
            };
            let mut below = 0u64;
            for (j, &t) in table.iter().enumerate() {
                let p = (t - below) as f64 / 2f64.powi(64);
                let want = pmf(j as u64);
                assert!(
                    (p - want).abs() <= 1e-15 + 1e-9 * want,
                    "mean {mean}, {j}: {p} vs {want}"
                );
                below = t;
            }
            // The guide starts every byte's search at or before its draw.
            for b in 0..256u64 {
                for u in [b << 56, (b << 56) | ((1 << 56) - 1)] {
                    let direct = table
                        .iter()
                        .take(table.len() - 1)
                        .filter(|&&t| t <= u)
                        .count();
                    assert_eq!(
                        tables.invert(mean, u),
                        direct as u64,
                        "mean {mean}, word {u}"
                    );
                }
            }
        }
    }

    #[test]
    fn poisson_draws_have_the_mean_and_variance_of_their_mean() {
        let mut draws = UniformDraws::new(rng(4));
        let tables = PoissonTables::get();
        let n = 40_000.0;
        for mean in [1u32, 7, 64, 65, 300] {
            let x: Vec<f64> = (0..n as usize)
                .map(|_| draws.poisson(tables, mean) as f64)
                .collect();
            let avg = x.iter().sum::<f64>() / n;
            let var = x.iter().map(|v| (v - avg).powi(2)).sum::<f64>() / (n - 1.0);
            let m = f64::from(mean);
            // Within 5 standard errors (the variance's: sqrt((2 m^2 + m) / n)).
            assert!((avg - m).abs() < 5.0 * (m / n).sqrt(), "mean {mean}: {avg}");
            let se = ((2.0 * m * m + m) / n).sqrt();
            assert!((var - m).abs() < 5.0 * se, "mean {mean}: variance {var}");
        }
    }

    /// Means and variances over 4,000 resamples of the counts of each group, against
    /// Multinomial(k; sizes / rows), whose counts are Binomial(k, p): mean k p, variance
    /// k p q, fourth central moment k p q (1 + 3 p q (k - 2)), q = 1 - p.
    fn check_multinomial(sizes: &[u32], k: usize, seed: u64) {
        let rows: u32 = sizes.iter().sum();
        let n = 4_000;
        let mut draws = UniformDraws::new(rng(seed));
        let mut sum = vec![0.0; sizes.len()];
        let mut squares = vec![0.0; sizes.len()];
        for _ in 0..n {
            let counts = draws.counts_over_groups(sizes, k);
            assert_eq!(counts.iter().map(|&c| c as usize).sum::<usize>(), k);
            for (g, &c) in counts.iter().enumerate() {
                sum[g] += f64::from(c);
                squares[g] += f64::from(c).powi(2);
            }
        }
        let (n, k) = (f64::from(n), k as f64);
        for (g, &m) in sizes.iter().enumerate() {
            let (p, q) = (
                f64::from(m) / f64::from(rows),
                1.0 - f64::from(m) / f64::from(rows),
            );
            let (mean, var) = (k * p, k * p * q);
            let fourth = k * p * q * (1.0 + 3.0 * p * q * (k - 2.0));
            let avg = sum[g] / n;
            let v = (squares[g] - n * avg * avg) / (n - 1.0);
            // Within 5 standard errors of the mean and of the sample variance.
            assert!(
                (avg - mean).abs() < 5.0 * (var / n).sqrt(),
                "group {g}: {avg} vs {mean}"
            );
            let se = ((fourth - var * var) / n).sqrt();
            assert!(
                (v - var).abs() < 5.0 * se,
                "group {g} of {sizes:?}, k {k}: variance {v} vs {var}"
            );
        }
    }

    #[test]
    fn counts_over_groups_are_multinomial() {
        let sizes = [1, 3, 1, 200, 7, 64, 65, 1, 2];
        let rows: u32 = sizes.iter().sum();
        // k at the rows (both adjustments), well below them (draws removed, and kept)
        // and well above them (draws added).
        for (k, seed) in [
            (rows as usize, 1),
            (rows as usize / 3, 2),
            (20, 3),
            (3 * rows as usize, 4),
        ] {
            check_multinomial(&sizes, k, seed);
        }
        // Groups of one row each: the ordinary bootstrap of rows.
        check_multinomial(&[1; 40], 40, 5);
    }

    #[test]
    fn counts_over_groups_without_rows_or_draws() {
        let mut draws = UniformDraws::new(rng(6));
        assert_eq!(draws.counts_over_groups(&[], 5), Vec::<u32>::new());
        assert_eq!(draws.counts_over_groups(&[0, 0], 5), vec![0, 0]);
        assert_eq!(draws.counts_over_groups(&[3, 4], 0), vec![0, 0]);
        assert_eq!(
            draws.counts_over_groups(&[3, 0, 4], 1).iter().sum::<u32>(),
            1
        );
    }

    #[test]
    fn positions_are_counted_in_their_groups() {
        assert_eq!(
            hits_per_group(&[2, 0, 3, 1], &[0, 1, 2, 4, 5]),
            vec![2, 0, 2, 1]
        );
        assert_eq!(hits_per_group(&[2, 2], &[]), vec![0, 0]);
        let mut draws = UniformDraws::new(rng(7));
        let picked = draws.distinct(10, 9);
        assert_eq!(picked.len(), 9);
        assert!(picked.windows(2).all(|w| w[0] < w[1]) && picked.iter().all(|&i| i < 10));
    }
}
