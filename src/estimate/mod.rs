//! From scores to expected counts: the populations that are scored, the correction of the
//! comparability probabilities and, per population, sub-group and breakdown, the expected
//! numbers comparable, finding and keeping work, with their uncertainty (intervals, the
//! Elkan-Noto alternative to the register-size factor, a sensitivity table) and the
//! models' diagnostics (overlap, balance). Uses fitted models from `model`; the report
//! tables, checked for disclosure, are built in `report` (the sensitivity and diagnostics
//! types keep a plain `Display` for work inside the environment).
//!
//! **Order inside the stage.** Data flows one way: each module uses only modules listed
//! before it, never one after it.
//!
//! 0. `progress`: the steps a run reports to its front end. `level`: intervals and their
//!    confidence level, its normal quantile, binomial intervals of a rate.
//! 1. `expr`, `populations`, `scenario`: who is scored (rules, populations, sub-groups).
//! 2. `aggregate`, `correction`, `results`: expected counts, the correction factor, the
//!    results table.
//! 3. `hours`: the hours model of banen (on the job-keep rows; schema v1.1).
//!    `fitted`: the fitted models bound together and the scoring of populations.
//! 4. `plan`: the groups each scored person counts in, for repeated scoring.
//! 5. `draws`: the bootstrap's random draws (uniform, Poisson, counts over groups).
//!    `training`: the rows a model learns from and their bootstrap resamples.
//!    `resample`: a replicate's resample as counts over patterns of identical rows.
//! 6. `bootstrap`: one replicate fitted and scored (the fit-and-score function).
//! 7. `uncertainty`: intervals (the bootstrap run over replicates, the leaf-rate variance).
//! 8. `pipeline`: the run's parameters ([`EstimationParams`]) and the run itself;
//!    `saved`: the fitted models as files, read back and scored without refitting;
//!    `select`: the trees' depth and leaf size chosen on the validation part.
//! 9. `sensitivity`, `diagnostics`: further analyses of a run's parameters.

pub mod aggregate;
mod bootstrap;
pub mod correction;
pub mod diagnostics;
mod draws;
pub mod expr;
pub mod fitted;
pub mod hours;
pub mod level;
pub mod pipeline;
mod plan;
pub mod populations;
pub mod progress;
pub mod resample;
pub mod results;
pub mod saved;
pub mod scenario;
pub mod select;
pub mod sensitivity;
pub mod training;
pub mod uncertainty;

pub use aggregate::{
    Accumulator, Breakdown, CountIntervals, CountVariances, ExpectedCounts, Measure, PersonScores,
    PopulationEstimate, SubgroupCounts, BAAN_HOURS,
};
pub use correction::{Correction, CorrectionFactor, LabellingInterval, LabellingRate};
pub use diagnostics::{
    Balance, DiagnosticRows, Diagnostics, DiagnosticsParams, Overlap, PopulationBalance,
    PopulationOverlap, ScoreDistribution, Smd,
};
pub use expr::{Extras, PopulationRule, RuleError};
pub use fitted::{FittedPipeline, FittedStage};
pub use hours::{HoursModel, HoursValidation};
pub use level::{ConfidenceLevel, Interval};
pub use pipeline::{Estimates, EstimationParams};
pub use populations::{in_scope, ScoredPopulation, Subgroup};
pub use progress::Step;
pub use results::{result_rows, write_results_csv, write_results_json, ResultRow, RESULT_COLUMNS};
pub use saved::{Provenance, SavedModels};
pub use select::{Candidate, Selection};
pub use sensitivity::{SensitivityParams, SensitivityRow, SensitivityTable};
pub use training::TrainingData;
pub use uncertainty::{BootstrapDraws, Intervals, UncertaintySummary};
