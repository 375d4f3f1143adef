//! linfa-logistic as a cross-check solver, and linfa's `Fit` and `PredictInplace` for the
//! Newton solver on ndarray records (cargo feature `linfa`).

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::{Fit, PredictInplace};
use ndarray::{Array1, ArrayBase, ArrayView2, Data, Ix2};

use super::encoding::FeatureEncoding;
use super::fitted::FittedLogistic;
use super::model_input;
use super::newton::{
    cholesky, cholesky_solve, evaluate, inverse_diagonal, penalise, singular, SolverResult,
};
use super::params::LogisticParams;
use crate::error::{Error, Result};

/// Fills in diagnostics for coefficients found by another solver: one Hessian pass at
/// `beta` gives the SEs, the deviance, and the Newton step that would follow.
#[cfg(feature = "linfa")]
pub(super) fn polish(
    x: ArrayView2<'_, f64>,
    y: &[bool],
    params: &LogisticParams,
    beta: Vec<f64>,
) -> Result<SolverResult> {
    let k = beta.len();
    let (objective, grad, hess) = penalise(&evaluate(x, y, &beta, true), &beta, params.l2);
    let chol = cholesky(&hess.expect("evaluated with the Hessian"), k)
        .ok_or_else(|| singular(params.l2, 0))?;
    let last_step = cholesky_solve(&chol, k, &grad)
        .iter()
        .fold(0.0, |m, s| f64::max(m, s.abs()));
    Ok(SolverResult {
        inverse_diagonal: inverse_diagonal(&chol, k),
        beta,
        iterations: None,
        converged: last_step <= params.tolerance,
        last_step,
        deviance: 2.0 * objective,
    })
}

/// linfa-logistic on the same design; returns coefficients for P(y = true), intercept first.
#[cfg(feature = "linfa")]
pub(super) fn linfa_solve(
    x: ArrayView2<'_, f64>,
    y: &[bool],
    params: &LogisticParams,
) -> Result<Vec<f64>> {
    use linfa::traits::Fit;
    let dataset = linfa::DatasetBase::new(x, ndarray::ArrayView1::from(y));
    let model = linfa_logistic::LogisticRegression::<f64>::default()
        .alpha(params.l2)
        .max_iterations(params.max_iterations as u64)
        .fit(&dataset)
        .map_err(|e| Error::Linfa(e.to_string()))?;
    // linfa-logistic 0.8 models the MORE FREQUENT class (linfa #393), and a later release
    // flips that; reading the label keeps us right either way.
    let sign = if model.labels().pos.class { 1.0 } else { -1.0 };
    Ok(std::iter::once(model.intercept())
        .chain(model.params().iter().copied())
        .map(|b| sign * b)
        .collect())
}

/// A target type that can say which rows are positive: `bool`, or `usize` 0/1.
#[cfg_attr(docsrs, doc(cfg(feature = "linfa")))]
pub trait BinaryLabel {
    /// `Some(true)` for a positive, `Some(false)` for a negative, `None` for anything
    /// else (a `usize` other than 0 or 1).
    fn outcome(&self) -> Option<bool>;
}

impl BinaryLabel for bool {
    fn outcome(&self) -> Option<bool> {
        Some(*self)
    }
}

impl BinaryLabel for usize {
    fn outcome(&self) -> Option<bool> {
        match self {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// The Newton solver as a linfa algorithm. The records are used as they are (no
/// standardisation, like linfa-logistic, so `l2` means its `alpha`); features are named
/// from the dataset's feature names, else `x0, x1, ...`.
///
/// The inherent [`LogisticParams::fit`] (on a [`crate::model::FeatureMatrix`]) shadows
/// this method in `params.fit(..)` syntax: call it as `Fit::fit(&params, &dataset)`.
/// Generic linfa code (e.g. cross-validation) finds it through the trait as usual.
///
/// ```
/// use banenafspraak::model::{LogisticParams, ProbabilityModel};
/// use linfa::traits::{Fit, Predict};
/// use ndarray::{array, Array1};
///
/// let x = array![[0.0], [1.0], [2.0], [3.0], [0.5], [2.5]];
/// let y = array![false, false, true, true, true, false];
/// let dataset = linfa::Dataset::new(x.clone(), y);
/// let model = Fit::fit(&LogisticParams::default(), &dataset)?;
/// let p: Array1<f64> = model.predict(&x); // P(y = true)
/// let class: Array1<bool> = model.predict(&x); // p >= 0.5
/// assert_eq!(class[3], p[3] >= 0.5);
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "linfa")))]
impl<D, T, L> Fit<ArrayBase<D, Ix2>, T, Error> for LogisticParams
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = L>,
    L: BinaryLabel,
{
    type Object = FittedLogistic;

    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<FittedLogistic> {
        self.check()?;
        let x = dataset.records();
        let targets = dataset.as_single_targets();
        if targets.len() != x.nrows() {
            return Err(model_input(format!(
                "the dataset has {} targets for {} records",
                targets.len(),
                x.nrows()
            )));
        }
        if x.nrows() == 0 {
            return Err(model_input("no rows to fit on"));
        }
        let y = targets
            .iter()
            .enumerate()
            .map(|(i, l)| {
                l.outcome()
                    .ok_or_else(|| model_input(format!("the target of row {i} is not 0/1")))
            })
            .collect::<Result<Vec<bool>>>()?;
        if let Some((i, v)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(model_input(format!(
                "record value {v} (element {i}): records must be finite"
            )));
        }
        let names = dataset.feature_names();
        let features = (0..x.ncols())
            .map(|j| FeatureEncoding::Raw {
                feature: names.get(j).cloned().unwrap_or_else(|| format!("x{j}")),
            })
            .collect();
        self.fit_design(x.view(), &y, features, Vec::new())
    }
}

/// Probabilities P(y = true). Record column `j` is feature `j` of
/// [`FittedLogistic::features`]; for a one-hot feature its value is the level index.
///
/// # Panics
/// When the number of columns differs from the number of features (as linfa's models).
#[cfg_attr(docsrs, doc(cfg(feature = "linfa")))]
impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<f64>> for FittedLogistic {
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<f64>) {
        assert_eq!(x.nrows(), y.len(), "records and targets differ in length");
        for (o, p) in y.iter_mut().zip(self.predict_records(x)) {
            *o = p;
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(x.nrows())
    }
}

/// Classes: `true` where P(y = true) >= 0.5, as linfa-logistic's default threshold.
///
/// # Panics
/// As the probability form.
#[cfg_attr(docsrs, doc(cfg(feature = "linfa")))]
impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<bool>> for FittedLogistic {
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<bool>) {
        assert_eq!(x.nrows(), y.len(), "records and targets differ in length");
        for (o, p) in y.iter_mut().zip(self.predict_records(x)) {
            *o = p >= 0.5;
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<bool> {
        Array1::from_elem(x.nrows(), false)
    }
}
