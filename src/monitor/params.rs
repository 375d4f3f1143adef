//! The monitor's parameters, with the documents' values as defaults, checked once before
//! any data are read (as linfa's `ParamGuard`).

use crate::error::{Error, Result};
use crate::schema::{Date, Month};

/// Paid hours per month that make one baan: 25.5 hours a week times 52/12.
///
/// UWV, *FAQ rapportages banenafspraak* (`../shared/reference/context/uwv-faq-rapportages-banenafspraak.txt`,
/// lines 136-138: "Het aantal banen is gelijk aan het ... totaal aantal verloonde uren gedeeld
/// door 110,92").
pub const HOURS_PER_BAAN: f64 = 110.92;

/// Weekly hours of one baan: `kamerbrief-2020-meting-banenafspraak.txt`, line 94 ("een baan
/// van 25,5 uur per week"). `25.5 * 52 / 12 = 110.5`; UWV's 110.92 (above) is the monthly
/// figure the count uses, so this constant is documentation, not an input.
pub const HOURS_PER_WEEK: f64 = 25.5;

/// Banen of the target group at the end of 2012 (the *nulmeting*):
/// `kamerbrief-2020-meting-banenafspraak.txt`, line 93 ("eind 2012 75.179 banen").
pub const BASELINE_2012: f64 = 75_179.0;

/// Extra banen agreed over the baseline: `kamerbrief-2020-meting-banenafspraak.txt`,
/// lines 20-22 ("125.000 extra banen ... ten opzichte van de nulmeting eind 2012"); 100,000 in
/// the market sector and 25,000 in government (`uwv-faq-rapportages-banenafspraak.txt`,
/// lines 275-276).
pub const TARGET_EXTRA: f64 = 125_000.0;

/// Durations (months) at which job retention is reported (`../shared/spec/panel-schema.md`).
pub const RETENTION_MONTHS: [u32; 4] = [3, 6, 12, 24];

/// What the monitor computes and with which constants.
///
/// ```
/// use banenafspraak::monitor::MonitorParams;
/// let p = MonitorParams::default();
/// p.check()?;
/// assert_eq!(p.cohort_months(), 36);
/// assert_eq!(p.hours_per_baan, 110.92);
/// # Ok::<(), banenafspraak::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorParams {
    /// First day of the cohort window; the cohort is in the register on this day. Default
    /// 2019-01-01, the Arbeidsinspectie's cohort (`arbeidsinspectie-2024-geen-reele-kans-op-werk.txt`,
    /// line 333: "zowel op 1 januari 2019 als op 1 januari 2022 in het doelgroepregister").
    pub cohort_start: Date,
    /// The day after the window (2022-01-01, same line); the cohort is in the register on
    /// it too. Both days are the first of a month.
    pub cohort_end: Date,
    /// Banen at the baseline ([`BASELINE_2012`]).
    pub baseline: f64,
    /// Extra banen agreed ([`TARGET_EXTRA`]).
    pub target: f64,
    /// Paid hours a month per baan ([`HOURS_PER_BAAN`]).
    pub hours_per_baan: f64,
    /// Durations of the retention table, increasing ([`RETENTION_MONTHS`]).
    pub retention_months: Vec<u32>,
}

impl Default for MonitorParams {
    fn default() -> Self {
        MonitorParams {
            cohort_start: Date::from_ymd(2019, 1, 1).unwrap_or(Date(0)),
            cohort_end: Date::from_ymd(2022, 1, 1).unwrap_or(Date(0)),
            baseline: BASELINE_2012,
            target: TARGET_EXTRA,
            hours_per_baan: HOURS_PER_BAAN,
            retention_months: RETENTION_MONTHS.to_vec(),
        }
    }
}

fn invalid(name: &'static str, value: impl ToString, reason: &str) -> Error {
    Error::InvalidParameter {
        name,
        value: value.to_string(),
        reason: reason.into(),
    }
}

impl MonitorParams {
    /// Checks every parameter: cohort days on the first of a month, at least 12 months
    /// apart; baseline and target finite and >= 0; hours per baan finite and > 0;
    /// retention durations increasing and >= 1.
    pub fn check(&self) -> Result<()> {
        for (name, d) in [
            ("cohort_start", self.cohort_start),
            ("cohort_end", self.cohort_end),
        ] {
            if d.ymd().2 != 1 {
                return Err(invalid(name, d.iso(), "must be the first day of a month"));
            }
        }
        if self.cohort_months() < 12 {
            return Err(invalid(
                "cohort_end",
                self.cohort_end.iso(),
                "must be at least 12 months after cohort_start",
            ));
        }
        for (name, x) in [("baseline", self.baseline), ("target", self.target)] {
            if !x.is_finite() || x < 0.0 {
                return Err(invalid(name, x, "must be a finite number >= 0"));
            }
        }
        if !self.hours_per_baan.is_finite() || self.hours_per_baan <= 0.0 {
            return Err(invalid(
                "hours_per_baan",
                self.hours_per_baan,
                "must be a finite number > 0",
            ));
        }
        let r = &self.retention_months;
        if r.is_empty() || r[0] == 0 || r.windows(2).any(|w| w[0] >= w[1]) {
            return Err(invalid(
                "retention_months",
                format!("{r:?}"),
                "must be increasing durations of at least 1 month",
            ));
        }
        Ok(())
    }

    /// Months in the cohort window (36 by default).
    pub fn cohort_months(&self) -> i32 {
        self.cohort_end.month().0 - self.cohort_start.month().0
    }

    /// The first month of the cohort window.
    pub fn cohort_first_month(&self) -> Month {
        self.cohort_start.month()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_parameters_are_named() {
        let mut p = MonitorParams {
            cohort_start: Date::from_ymd(2019, 1, 2).unwrap(),
            ..MonitorParams::default()
        };
        assert!(p.check().unwrap_err().to_string().contains("cohort_start"));
        p = MonitorParams {
            hours_per_baan: 0.0,
            ..MonitorParams::default()
        };
        assert!(p
            .check()
            .unwrap_err()
            .to_string()
            .contains("hours_per_baan"));
        p = MonitorParams {
            retention_months: vec![6, 3],
            ..MonitorParams::default()
        };
        assert!(p
            .check()
            .unwrap_err()
            .to_string()
            .contains("retention_months"));
        p = MonitorParams {
            cohort_end: Date::from_ymd(2019, 6, 1).unwrap(),
            ..MonitorParams::default()
        };
        assert!(p.check().unwrap_err().to_string().contains("cohort_end"));
    }
}
