//! From scores to expected counts: the populations that are scored, the correction of the
//! comparability probabilities and, per population, sub-group and breakdown, the expected
//! numbers comparable, finding and keeping work. Uses fitted models from `model`; knows
//! nothing of rendering.

pub mod aggregate;
pub mod correction;
pub mod pipeline;
pub mod populations;
pub mod results;

pub use aggregate::{
    Accumulator, Breakdown, ExpectedCounts, Measure, PersonScores, PopulationEstimate,
    SubgroupCounts,
};
pub use correction::{Correction, CorrectionFactor};
pub use pipeline::{Estimates, EstimationParams, FittedPipeline, FittedStage};
pub use populations::{in_scope, ScoredPopulation, Subgroup};
pub use results::{result_rows, write_results_csv, write_results_json, ResultRow, RESULT_COLUMNS};
