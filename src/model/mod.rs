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
#[cfg_attr(docsrs, doc(cfg(feature = "linfa")))]
pub use logistic::BinaryLabel;
pub use logistic::{FeatureEncoding, FittedLogistic, LogisticParams, Solver};
pub use metrics::{auc, brier, calibration, log_loss, CalibrationBin, Validation};
pub use tree::{
    ClassificationTree, Condition, Counts, CountsMatrix, DaysGrid, DrawCounts, Leaf, LeafMask,
    LeafMasks, MaskColumn, Node, NodeKind, NodeSpec, RegressionLeaf, RegressionTree, Split,
    SplitRule, ThresholdGrid, TreeFeature, TreeParams, ALL_LEAVES, MASK_DEPTH, MASK_LEAVES,
    MASK_TREES,
};

/// A fitted model that gives each row of a feature matrix a probability of the outcome.
///
/// The one method is fallible: a model scored on a matrix without its features (or with
/// other category levels) says so instead of panicking.
pub trait ProbabilityModel: Send + Sync {
    /// P(outcome = 1) for every row of `x`, in row order.
    ///
    /// # Errors
    /// [`crate::Error::ModelInput`] when `x` lacks a feature the model reads, or has it
    /// with another kind or other category levels.
    fn try_predict_proba(&self, x: &FeatureMatrix) -> crate::Result<Vec<f64>>;
}
