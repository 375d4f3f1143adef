//! The three-year window: the calendar arithmetic of `prepare` on top of
//! [`Date`] (the window, day counts without 29 February, whole months).

use crate::schema::{Date, WINDOW_DAYS};

fn is_leap(year: i32) -> bool {
    Date::from_ymd(year, 2, 29).is_some()
}

/// The three calendar years that end on the reference date (31 December of the
/// reference year). 29 February is left out of every count, so that a count stays within
/// 0 ..= 1095 ([`WINDOW_DAYS`]).
///
/// ```
/// use banenafspraak::prepare::{Date, Window};
/// let w = Window::new(2020); // 2018-01-01 ..= 2020-12-31 holds 29 February 2020
/// let d = |s| Date::parse(s).unwrap();
/// assert_eq!(w.days(d("20000101"), d("88881231")), 1095);
/// assert_eq!(w.days(d("20200228"), d("20200301")), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// 1 January, two years before the reference year.
    pub start: Date,
    /// The reference date, 31 December of the reference year.
    pub end: Date,
    /// 29 February inside the window, if any.
    leap_day: Option<Date>,
}

impl Window {
    /// The window of a reference year.
    pub fn new(reference_year: u16) -> Window {
        let y = i32::from(reference_year);
        let start = Date::from_ymd(y - 2, 1, 1).unwrap_or(Date(0));
        let end = Date::from_ymd(y, 12, 31).unwrap_or(Date(0));
        let leap_day = (y - 2..=y)
            .find(|&y| is_leap(y))
            .and_then(|y| Date::from_ymd(y, 2, 29));
        Window {
            start,
            end,
            leap_day,
        }
    }

    /// The reference date.
    pub fn reference_date(&self) -> Date {
        self.end
    }

    /// Days of `first ..= last` inside the window, both ends included, 29 February left
    /// out; 0 when the spell misses the window.
    pub fn days(&self, first: Date, last: Date) -> u16 {
        let (a, b) = (first.max(self.start), last.min(self.end));
        if a > b {
            return 0;
        }
        let leap = self.leap_day.is_some_and(|l| a <= l && l <= b);
        let n = (b.0 - a.0 + 1) - i32::from(leap);
        n.clamp(0, i32::from(WINDOW_DAYS)) as u16
    }

    /// Whether `first ..= last` holds the reference date.
    pub fn covers_reference(&self, first: Date, last: Date) -> bool {
        first <= self.end && self.end <= last
    }

    /// The window day of index `i` (0 = the first day, 1094 = the reference date),
    /// counting only days that [`Window::days`] counts.
    pub fn day(&self, i: u16) -> Date {
        let d = self.start.plus(i32::from(i));
        match self.leap_day {
            Some(l) if d >= l => d.plus(1),
            _ => d,
        }
    }
}

/// Whole months in `days` days (`floor(days × 12 / 365)`), capped at 600 as the schema's
/// month columns are.
pub fn whole_months(days: i32) -> u16 {
    (i64::from(days.max(0)) * 12 / 365).min(600) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_with_and_without_a_leap_day() {
        let d = |s| Date::parse(s).unwrap();
        let w = Window::new(2019);
        assert_eq!(w.days(d("19990101"), d("88881231")), 1095);
        assert_eq!(w.day(1094), d("20191231"));
        let w = Window::new(2020);
        assert_eq!(w.days(d("20180101"), d("20201231")), 1095);
        assert_eq!(w.days(d("20200229"), d("20200229")), 0);
        assert_eq!(w.day(1094), d("20201231"));
        assert_eq!(w.day(365 + 365 + 58), d("20200228"));
        assert_eq!(w.day(365 + 365 + 59), d("20200301"));
        assert_eq!(whole_months(31), 1);
        assert_eq!(whole_months(30), 0);
        assert_eq!(whole_months(1_000_000), 600);
    }
}
