//! From scores to expected counts: the populations that are scored, the correction of the
//! comparability probabilities and, per population, sub-group and breakdown, the expected
//! numbers comparable, finding and keeping work, with their uncertainty (intervals, the
//! Elkan-Noto alternative to the register-size factor, a sensitivity table) and the
//! models' diagnostics (overlap, balance). Uses fitted models from `model`; the report
//! tables, checked for disclosure, are built in `report` (the sensitivity and diagnostics
//! types keep a plain `Display` for work inside the environment).

pub mod aggregate;
pub mod correction;
pub mod diagnostics;
pub mod expr;
pub mod pipeline;
mod plan;
pub mod populations;
pub mod results;
pub mod scenario;
pub mod sensitivity;
pub mod training;
pub mod uncertainty;

pub use aggregate::{
    Accumulator, Breakdown, CountIntervals, CountVariances, ExpectedCounts, Interval, Measure,
    PersonScores, PopulationEstimate, SubgroupCounts,
};
pub use correction::{Correction, CorrectionFactor, LabellingInterval, LabellingRate};
pub use diagnostics::{
    Balance, DiagnosticRows, Diagnostics, DiagnosticsParams, Overlap, PopulationBalance,
    PopulationOverlap, ScoreDistribution, Smd,
};
pub use expr::{Extras, PopulationRule, RuleError};
pub use pipeline::{Estimates, EstimationParams, FittedPipeline, FittedStage};
pub use populations::{in_scope, ScoredPopulation, Subgroup};
pub use results::{result_rows, write_results_csv, write_results_json, ResultRow, RESULT_COLUMNS};
pub use sensitivity::{SensitivityParams, SensitivityRow, SensitivityTable};
pub use training::TrainingData;
pub use uncertainty::{BootstrapDraws, Intervals, UncertaintySummary};
