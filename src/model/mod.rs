//! Learning P(outcome | features): feature encoding, training designs, the classification
//! tree and the logistic model, and their validation metrics. Reads populations from
//! `schema`; knows nothing of estimates or reports.

pub mod design;
pub mod family;
pub mod features;
pub mod logistic;
pub mod metrics;
pub mod tree;

pub use family::{FittedModel, ModelSpec};
pub use features::{
    Feature, FeatureColumn, FeatureKind, FeatureMatrix, FeatureSet, PreparedFeatures,
};
#[cfg(feature = "linfa")]
pub use logistic::BinaryLabel;
pub use logistic::{FeatureEncoding, FittedLogistic, LogisticParams, Solver};
pub use metrics::{auc, brier, calibration, log_loss, CalibrationBin, Validation};
pub use tree::{
    ClassificationTree, Condition, Counts, Leaf, Node, NodeKind, NodeSpec, RowScorer, Split,
    SplitRule, TreeFeature, TreeParams,
};

/// A fitted model that gives each row of a feature matrix a probability of the outcome.
pub trait ProbabilityModel: Send + Sync {
    /// P(outcome = 1) for every row of `x`, in row order.
    fn predict_proba(&self, x: &FeatureMatrix) -> Vec<f64>;
}
