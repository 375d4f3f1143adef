//! Which groups each scored person counts in, worked out once so that repeated scoring
//! (bootstrap replicates, sensitivity settings) only scores and adds.
//!
//! Groups ("cells") are numbered population by population, each in the order of
//! [`PopulationEstimate::groups`]: total, sub-groups, education cells, age cells.

use rayon::prelude::*;

use super::aggregate::{PersonScores, PopulationEstimate};
use super::fitted::{Buffers, EncodedScorer, Scorer};
use super::populations::ScoredPopulation;
use crate::error::Result;
use crate::schema::{AgeBand, EducationLevel, Population};

/// Rows scored at a time; fixed (not derived from the thread count) so that sums are
/// added in the same order on every machine.
pub(crate) const PLAN_CHUNK: usize = 1 << 13;

/// Sums of one cell: comparable, had work, finds work, keeps work, banen (0 without an
/// hours model).
pub(crate) type CellSums = [f64; 5];

/// The scored persons and their cells.
#[derive(Debug, Clone)]
pub(crate) struct ScoringPlan {
    /// Population rows of everyone in at least one population, ascending.
    pub rows: Vec<usize>,
    /// Cells of `rows[i]`: `cells[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<usize>,
    cells: Vec<u32>,
    /// First cell of each population.
    pub bases: Vec<usize>,
    pub n_cells: usize,
}

impl ScoringPlan {
    pub fn new(pop: &Population, populations: &[ScoredPopulation]) -> ScoringPlan {
        let n_edu = EducationLevel::ALL.len();
        let mut bases = Vec::with_capacity(populations.len());
        let mut n_cells = 0;
        for d in populations {
            bases.push(n_cells);
            n_cells += 1 + d.subgroups.len() + n_edu + AgeBand::ALL.len();
        }
        let per_row: Vec<(usize, Vec<u32>)> = (0..pop.len())
            .into_par_iter()
            .filter_map(|i| {
                let p = pop.person(i);
                let mut cells = Vec::new();
                for (d, &base) in populations.iter().zip(&bases) {
                    if !d.contains_row(pop, i, &p) {
                        continue;
                    }
                    let subs = d.subgroups.len();
                    cells.push(base as u32);
                    if let Some(g) = d.subgroup_of_row(pop, i, &p) {
                        cells.push((base + 1 + g) as u32);
                    }
                    let edu = p.education.level().index() as usize;
                    cells.push((base + 1 + subs + edu) as u32);
                    let age = AgeBand::of_age(p.age).index() as usize;
                    cells.push((base + 1 + subs + n_edu + age) as u32);
                }
                (!cells.is_empty()).then_some((i, cells))
            })
            .collect();
        let mut rows = Vec::with_capacity(per_row.len());
        let mut offsets = Vec::with_capacity(per_row.len() + 1);
        let mut cells = Vec::new();
        offsets.push(0);
        for (i, c) in per_row {
            rows.push(i);
            cells.extend(c);
            offsets.push(cells.len());
        }
        ScoringPlan {
            rows,
            offsets,
            cells,
            bases,
            n_cells,
        }
    }

    /// The cells of the `i`-th scored person.
    pub fn cells_of(&self, i: usize) -> &[u32] {
        &self.cells[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Per cell: the sums of comparable, had work, finds work and keeps work under the
    /// scorer's models and correction.
    pub fn cell_sums(&self, pop: &Population, scorer: &Scorer<'_>) -> Result<Vec<CellSums>> {
        self.sums_with(pop, Buffers::default, |b, (_, chunk), scores| {
            scorer.score_chunk(chunk, b, scores)
        })
    }

    /// As [`ScoringPlan::cell_sums`], for tree models over the plan's rows encoded once
    /// ([`EncodedRows`](super::fitted::EncodedRows) of [`ScoringPlan::rows`], in order).
    pub fn cell_sums_encoded(
        &self,
        pop: &Population,
        scorer: &EncodedScorer<'_>,
    ) -> Result<Vec<CellSums>> {
        self.sums_with(pop, Vec::new, |leaves, (k, _), scores| {
            scorer.score_range(k * PLAN_CHUNK, leaves, scores);
            Ok(())
        })
    }

    /// The cell sums of the scores `score(buffers, (chunk number, chunk), out)` gives each
    /// chunk of the plan's rows, added chunk by chunk in order.
    fn sums_with<B>(
        &self,
        pop: &Population,
        buffers: impl Fn() -> B + Sync + Send,
        score: impl Fn(&mut B, (usize, &[usize]), &mut [PersonScores]) -> Result<()> + Sync + Send,
    ) -> Result<Vec<CellSums>> {
        let employed = pop.employed();
        let partials = self
            .rows
            .par_chunks(PLAN_CHUNK)
            .enumerate()
            .map_init(
                || (buffers(), Vec::new()),
                |(b, scores), (k, chunk)| -> Result<Vec<CellSums>> {
                    scores.resize(chunk.len(), PersonScores::default());
                    score(b, (k, chunk), scores)?;
                    let mut sums = vec![[0.0; 5]; self.n_cells];
                    for (j, (&row, s)) in chunk.iter().zip(scores.iter()).enumerate() {
                        let add = person_sums(s, employed[row]);
                        for &cell in self.cells_of(k * PLAN_CHUNK + j) {
                            let t = &mut sums[cell as usize];
                            for (a, b) in t.iter_mut().zip(add) {
                                *a += b;
                            }
                        }
                    }
                    Ok(sums)
                },
            )
            .collect::<Result<Vec<_>>>()?;
        Ok(merge_in_order(self.n_cells, &partials))
    }

    /// The range of cells of population `d`.
    pub fn cells_of_population(&self, d: usize) -> std::ops::Range<usize> {
        let end = self.bases.get(d + 1).copied().unwrap_or(self.n_cells);
        self.bases[d]..end
    }

    /// Calls `f` with each cell's counts of the estimates, in cell order.
    pub fn for_each_group<'e>(
        &self,
        estimates: &'e mut [PopulationEstimate],
        mut f: impl FnMut(usize, &'e mut super::aggregate::ExpectedCounts),
    ) {
        for (d, e) in estimates.iter_mut().enumerate() {
            for (cell, counts) in self.cells_of_population(d).zip(e.groups_mut()) {
                f(cell, counts);
            }
        }
    }
}

/// One person's contribution to comparable, had work, finds work and keeps work, as in
/// [`super::aggregate::ExpectedCounts::add`].
#[inline]
pub(crate) fn person_sums(s: &PersonScores, employed: bool) -> CellSums {
    if employed {
        [s.comparable, s.comparable, 0.0, 0.0, 0.0]
    } else {
        let finds = s.comparable * s.find;
        let keeps = finds * s.keep;
        let banen = s
            .hours
            .map_or(0.0, |h| keeps * h / super::aggregate::BAAN_HOURS);
        [s.comparable, 0.0, finds, keeps, banen]
    }
}

fn merge_in_order(n_cells: usize, partials: &[Vec<CellSums>]) -> Vec<CellSums> {
    let mut total = vec![[0.0; 5]; n_cells];
    for part in partials {
        for (t, p) in total.iter_mut().zip(part) {
            for (a, b) in t.iter_mut().zip(p) {
                *a += b;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::fitted::EncodedRows;
    use crate::estimate::EstimationParams;
    use crate::model::design::SampleSize;
    use crate::synth::SynthParams;

    #[test]
    fn plan_sums_equal_the_estimates() {
        let pop = SynthParams {
            persons: 30_000,
            seed: 2,
            ..SynthParams::default()
        }
        .generate()
        .unwrap();
        let mut params = EstimationParams::default();
        params.set_min_leaf(100, 20);
        params.design.sample_size = SampleSize::All;
        let (fitted, _) = params.fit_with_progress(&pop, &mut |_| {}).unwrap();
        let mut estimates = fitted.estimate(&pop, &params.populations).unwrap();
        let plan = ScoringPlan::new(&pop, &params.populations);
        let scorer = Scorer::new(&fitted, &pop).unwrap();
        let sums = plan.cell_sums(&pop, &scorer).unwrap();
        // The rows encoded once (as bootstrap replicates score them) give the same sums.
        let encoded = EncodedRows::new(&fitted, &pop, &plan.rows).unwrap();
        let once = encoded.scorer(&fitted).unwrap();
        assert_eq!(plan.cell_sums_encoded(&pop, &once).unwrap(), sums);
        let mut seen = 0;
        plan.for_each_group(&mut estimates, |cell, c| {
            seen += 1;
            let s = sums[cell];
            for (got, want) in s.iter().zip([
                c.comparable,
                c.had_work,
                c.finds_work,
                c.keeps_work,
                c.banen.unwrap_or(0.0),
            ]) {
                assert!((got - want).abs() <= 1e-9 * want.max(1.0), "{got} {want}");
            }
        });
        assert_eq!(seen, plan.n_cells);
    }
}
