//! From scores to expected counts: the populations that are scored and, per population,
//! sub-group and breakdown, the expected numbers comparable, finding and keeping work.
//! Uses fitted models from `model`; knows nothing of rendering.

pub mod populations;

pub use populations::{in_scope, ScoredPopulation, Subgroup};
