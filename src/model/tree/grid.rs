//! Which numeric thresholds a split may use. By default any observed value (the report's
//! trees); under strict disclosure a coarse, documented grid, so that no printed threshold
//! is a value that only a few persons hold (issue 9, item 3). The grid restricts the
//! candidates before the best split is chosen, so the tree scores with exactly the
//! thresholds it prints.

use serde::{Deserialize, Serialize};

use crate::model::FeatureKind;

/// The candidate thresholds of numeric splits.
///
/// ```
/// use banenafspraak::model::{DaysGrid, ThresholdGrid, TreeParams};
/// let params = TreeParams::default().threshold_grid(ThresholdGrid::coarse(10));
/// assert_eq!(
///     params.threshold_grid,
///     ThresholdGrid::Coarse { days: DaysGrid::Weeks, min_persons: 10 }
/// );
/// assert!(params.threshold_grid.describe().contains("whole weeks"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ThresholdGrid {
    /// Any value observed in the node (`x <= t` with `t` an observed value). The default.
    #[default]
    Observed,
    /// A coarse grid:
    /// - `days_*` features split only at whole weeks or months (`days`): a threshold `t`
    ///   reads "fewer than `t + 1` days", with `t + 1` a grid point. The grid does not
    ///   depend on the data, so it reveals no one's value.
    /// - Other numeric features split only at values that at least `min_persons` distinct
    ///   training rows hold (counted once over all training rows, before fitting).
    ///
    /// Categorical splits are unchanged (their labels are category levels, not values).
    Coarse {
        /// The grid for `days_*` features.
        days: DaysGrid,
        /// Fewest training rows that must hold a threshold of another numeric feature.
        min_persons: u64,
    },
}

/// The grid of `days_*` thresholds under [`ThresholdGrid::Coarse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DaysGrid {
    /// `t + 1` a multiple of 7 days (`days_bijstand <= 13` is "< 2 weeks").
    Weeks,
    /// `t + 1` a whole number of months of 365/12 days, rounded up (31, 61, 92, ... 365 ...).
    Months,
}

impl DaysGrid {
    /// Whether `t` is a threshold on this grid (`t + 1` is a grid point).
    pub fn contains(self, t: u16) -> bool {
        let next = u32::from(t) + 1;
        match self {
            DaysGrid::Weeks => next % 7 == 0,
            DaysGrid::Months => {
                // The k-th month ends at ceil(k * 365 / 12) days.
                let k = next * 12 / 365;
                (k..=k + 1).any(|k| k > 0 && (k * 365).div_ceil(12) == next)
            }
        }
    }

    fn words(self) -> &'static str {
        match self {
            DaysGrid::Weeks => "whole weeks (t + 1 a multiple of 7 days)",
            DaysGrid::Months => {
                "whole months (t + 1 a whole number of months of 365/12 days, rounded up)"
            }
        }
    }
}

impl ThresholdGrid {
    /// The grid for strict disclosure: days on whole weeks, other numeric features on
    /// values that at least `min_persons` training rows hold.
    pub fn coarse(min_persons: u64) -> ThresholdGrid {
        ThresholdGrid::Coarse {
            days: DaysGrid::Weeks,
            min_persons,
        }
    }

    /// The rule in words, for the check report.
    pub fn describe(&self) -> String {
        match self {
            ThresholdGrid::Observed => {
                "tree thresholds are observed values of the training rows (no grid)".into()
            }
            ThresholdGrid::Coarse { days, min_persons } => format!(
                "tree thresholds on a coarse grid fixed before fitting: a split \"x <= t\" on a \
                 days_* feature uses only {}; on another numeric feature only values that at \
                 least {min_persons} training persons hold. The tree scores with exactly the \
                 thresholds it prints.",
                days.words()
            ),
        }
    }

    /// Whether a printed split `feature <= t` lies on this grid, where that can be told
    /// from the tree alone: `Some(_)` for a `days_*` feature under a coarse grid (report's
    /// check of a fitted tree before export), `None` otherwise.
    pub fn days_threshold_on_grid(&self, feature: &str, t: u16) -> Option<bool> {
        match self {
            ThresholdGrid::Coarse { days, .. } if is_days(feature) => Some(days.contains(t)),
            _ => None,
        }
    }

    /// Per value `0 ..= max` of a numeric feature, whether it may be a threshold; `None`
    /// when any observed value may. `holders()` gives, per value, the number of distinct
    /// training rows holding it (only called for non-days features under a coarse grid).
    pub(super) fn mask(
        &self,
        name: &str,
        kind: &FeatureKind,
        holders: impl FnOnce() -> Vec<u64>,
    ) -> Option<Vec<bool>> {
        let (ThresholdGrid::Coarse { days, min_persons }, FeatureKind::Numeric { max }) =
            (self, kind)
        else {
            return None;
        };
        Some(if is_days(name) {
            (0..=*max).map(|t| days.contains(t)).collect()
        } else {
            let held = holders();
            (0..=usize::from(*max))
                .map(|t| held.get(t).is_some_and(|&c| c >= (*min_persons).max(1)))
                .collect()
        })
    }
}

/// Whether a feature counts days (its thresholds get a reading in weeks or months).
pub(super) fn is_days(name: &str) -> bool {
    name.starts_with("days_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_and_month_grids() {
        let weeks: Vec<u16> = (0..60).filter(|&t| DaysGrid::Weeks.contains(t)).collect();
        assert_eq!(weeks, [6, 13, 20, 27, 34, 41, 48, 55]);
        let months: Vec<u16> = (0..1096)
            .filter(|&t| DaysGrid::Months.contains(t))
            .collect();
        assert_eq!(months.len(), 36);
        assert_eq!(&months[..4], [30, 60, 91, 121]);
        assert_eq!(months[11], 364);
        assert_eq!(months[35], 1094);
    }
}
