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
        Self::fit_on(pop, keep, params, &rows).map(Some)
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
        })
    }
}
