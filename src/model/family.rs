//! The two model families behind one type: the report's classification tree and the
//! logistic model. `ModelSpec` is a family with its parameters; fitting gives a
//! `FittedModel` that scores feature matrices.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::logistic::{FittedLogistic, LogisticParams};
use super::tree::{ClassificationTree, TreeParams};
use super::{FeatureMatrix, ProbabilityModel};
use crate::error::Result;

/// A model family and its parameters.
///
/// ```
/// use banenafspraak::model::{ModelSpec, TreeParams};
/// let spec = ModelSpec::Tree(TreeParams { max_depth: 4, ..TreeParams::default() });
/// assert!(spec.check().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSpec {
    /// The report's classification tree.
    Tree(TreeParams),
    /// L2-penalised logistic regression.
    Logistic(LogisticParams),
}

impl ModelSpec {
    /// Checks the parameters once.
    pub fn check(&self) -> Result<()> {
        match self {
            ModelSpec::Tree(p) => p.check(),
            ModelSpec::Logistic(p) => p.check().map(|_| ()),
        }
    }

    /// Fits on the given rows of `x` with labels `y` (one per row of `x`).
    pub fn fit(&self, x: &FeatureMatrix, y: &[bool], rows: &[usize]) -> Result<FittedModel> {
        Ok(match self {
            ModelSpec::Tree(p) => FittedModel::Tree(p.fit(x, y, rows)?),
            ModelSpec::Logistic(p) => FittedModel::Logistic(p.fit(x, y, rows)?),
        })
    }

    /// Fewest training rows this specification can learn from: a tree needs two leaves'
    /// worth to split at all.
    pub fn min_training_rows(&self) -> usize {
        match self {
            // Saturating: a huge minimum leaf asks for more rows than exist, never for few.
            ModelSpec::Tree(p) => p.min_leaf.saturating_mul(2),
            ModelSpec::Logistic(_) => 50,
        }
    }

    /// `tree` or `logistic`.
    pub fn family(&self) -> &'static str {
        match self {
            ModelSpec::Tree(_) => "tree",
            ModelSpec::Logistic(_) => "logistic",
        }
    }
}

/// A fitted model of either family.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FittedModel {
    /// A fitted classification tree.
    Tree(ClassificationTree),
    /// A fitted logistic model.
    Logistic(FittedLogistic),
}

impl FittedModel {
    /// P(outcome) for every row of `x`; an error when `x` lacks a feature of the model.
    pub fn try_predict_proba(&self, x: &FeatureMatrix) -> Result<Vec<f64>> {
        match self {
            FittedModel::Tree(m) => m.try_predict_proba(x),
            FittedModel::Logistic(m) => m.try_predict_proba(x),
        }
    }

    /// Names of the features the model reads when scoring: a tree's split features, a
    /// logistic model's encoded features.
    pub fn used_features(&self) -> Vec<String> {
        let mut names: Vec<String> = match self {
            FittedModel::Tree(t) => t
                .nodes()
                .iter()
                .filter_map(|n| n.split())
                .map(|s| s.feature_name.clone())
                .collect(),
            FittedModel::Logistic(m) => m
                .features()
                .iter()
                .map(|f| f.feature().to_string())
                .collect(),
        };
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The tree, when this is one.
    pub fn as_tree(&self) -> Option<&ClassificationTree> {
        match self {
            FittedModel::Tree(t) => Some(t),
            FittedModel::Logistic(_) => None,
        }
    }
}

/// [`FittedModel::try_predict_proba`].
impl ProbabilityModel for FittedModel {
    fn try_predict_proba(&self, x: &FeatureMatrix) -> Result<Vec<f64>> {
        FittedModel::try_predict_proba(self, x)
    }
}

impl fmt::Display for FittedModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FittedModel::Tree(m) => m.fmt(f),
            FittedModel::Logistic(m) => m.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_training_rows_saturates_instead_of_wrapping() {
        let tree = |min_leaf| {
            ModelSpec::Tree(TreeParams {
                min_leaf,
                ..TreeParams::default()
            })
        };
        assert_eq!(tree(1000).min_training_rows(), 2000);
        assert_eq!(tree(usize::MAX).min_training_rows(), usize::MAX);
        assert_eq!(tree(usize::MAX / 2 + 1).min_training_rows(), usize::MAX);
    }
}
