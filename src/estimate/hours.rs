//! The hours model for banen (schema v1.1): a regression tree in the report's style
//! (variance reduction, mean hours per leaf, the job-keep tree's depth, leaf size and
//! threshold grid) fitted on the job keepers with `job_hours_per_week`, in the job-keep
//! model's training part, so that the bootstrap's resample of that part resamples them
//! too. Uses the model stage only; knows nothing of training designs or scoring.

use crate::error::{Error, Result};
use crate::model::{FeatureMatrix, RegressionTree, TreeParams};
use crate::schema::Population;

/// The job-keep model's encoded rows: features, outcome and population row of each.
#[derive(Debug, Clone, Copy)]
pub struct KeepRows<'a> {
    /// The encoded features, one row per cohort member.
    pub x: &'a FeatureMatrix,
    /// Whether each matrix row kept its job (the model's outcome).
    pub kept: &'a [bool],
    /// The population row of each matrix row.
    pub rows: &'a [usize],
    /// Matrix rows `0..n_train` are the training part.
    pub n_train: usize,
}

/// The fitted hours model and how it was fitted.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HoursModel {
    /// Mean paid hours per week per leaf, with the leaves' training keepers.
    pub tree: RegressionTree,
    /// The parameters it was fitted with (the bootstrap refits with them).
    pub params: TreeParams,
    /// Keepers with hours it was fitted on.
    pub n_train: usize,
    /// How it predicts the held-out keepers with hours (`None` for a bootstrap refit, or
    /// without held-out keepers).
    #[serde(default)]
    pub validation: Option<HoursValidation>,
}

/// The hours model on the held-out keepers with hours (the job-keep model's validation
/// part), against predicting every one of them the training keepers' mean.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HoursValidation {
    /// Held-out keepers with hours.
    pub n: usize,
    /// Mean absolute error of the model, in hours per week.
    pub mae: f64,
    /// Mean absolute error of predicting the training mean.
    pub mae_mean: f64,
    /// 1 - (squared error of the model) / (squared error of predicting the training mean).
    pub r2: f64,
}

impl HoursModel {
    /// Fits the hours model on the job keepers with hours among the training rows of the
    /// job-keep data `keep`; `None` when the population has no `job_hours_per_week`.
    ///
    /// # Errors
    /// [`Error::Training`] when the column is present but no keeper in the training part
    /// has hours; the tree's own errors.
    pub fn fit(
        pop: &Population,
        keep: KeepRows<'_>,
        params: &TreeParams,
    ) -> Result<Option<HoursModel>> {
        if pop.job_hours_per_week().is_none() {
            return Ok(None);
        }
        let rows: Vec<usize> = (0..keep.n_train).collect();
        let mut model = Self::fit_on(pop, keep, params, &rows)?;
        model.validation = model.validate(pop, keep)?;
        Ok(Some(model))
    }

    /// The model on the held-out keepers with hours (matrix rows from `keep.n_train`).
    fn validate(&self, pop: &Population, keep: KeepRows<'_>) -> Result<Option<HoursValidation>> {
        let hours = pop.job_hours_per_week().unwrap_or_default();
        let of = |m: usize| f64::from(hours.get(keep.rows[m]).copied().unwrap_or(0.0));
        let with_hours = |m: &usize| keep.kept[*m] && of(*m) > 0.0;
        let held_out: Vec<usize> = (keep.n_train..keep.rows.len()).filter(with_hours).collect();
        let trained: Vec<usize> = (0..keep.n_train).filter(with_hours).collect();
        if held_out.is_empty() || trained.is_empty() {
            return Ok(None);
        }
        let mean = trained.iter().map(|&m| of(m)).sum::<f64>() / trained.len() as f64;
        let predicted = self.tree.predict(&keep.x.select_rows(&held_out))?;
        let (mut abs, mut abs_mean, mut sq, mut sq_mean) = (0.0, 0.0, 0.0, 0.0);
        for (&m, &p) in held_out.iter().zip(&predicted) {
            let y = of(m);
            abs += (y - p).abs();
            abs_mean += (y - mean).abs();
            sq += (y - p).powi(2);
            sq_mean += (y - mean).powi(2);
        }
        let n = held_out.len() as f64;
        Ok(Some(HoursValidation {
            n: held_out.len(),
            mae: abs / n,
            mae_mean: abs_mean / n,
            r2: if sq_mean > 0.0 {
                1.0 - sq / sq_mean
            } else {
                0.0
            },
        }))
    }

    /// The same model refitted on the keepers with hours among `rows` (matrix rows of
    /// `keep`, repeats counting twice: a bootstrap resample of the job-keep training part).
    pub fn refit(
        &self,
        pop: &Population,
        keep: KeepRows<'_>,
        rows: &[usize],
    ) -> Result<HoursModel> {
        Self::fit_on(pop, keep, &self.params, rows)
    }

    fn fit_on(
        pop: &Population,
        keep: KeepRows<'_>,
        params: &TreeParams,
        rows: &[usize],
    ) -> Result<HoursModel> {
        let hours = pop.job_hours_per_week().unwrap_or_default();
        let of = |m: usize| hours.get(keep.rows[m]).copied().unwrap_or(0.0);
        let with_hours: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&m| keep.kept[m] && of(m) > 0.0)
            .collect();
        if with_hours.is_empty() {
            return Err(Error::Training {
                model: "hours",
                reason: "the file has job_hours_per_week, but no job keeper in the job-keep \
                         model's training part has hours: banen cannot be estimated"
                    .into(),
            });
        }
        let y: Vec<f64> = (0..keep.rows.len()).map(|m| f64::from(of(m))).collect();
        let tree = params.fit_regression(keep.x, &y, &with_hours)?;
        Ok(HoursModel {
            tree,
            params: *params,
            n_train: with_hours.len(),
            validation: None,
        })
    }
}
