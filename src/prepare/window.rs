//! Dates and the three-year window: every piece of calendar arithmetic of `prepare`
//! (parsing `YYYYMMDD`, the window, day counts without 29 February, whole months).

use crate::schema::WINDOW_DAYS;

/// CBS's end date of a spell that is still running.
pub const OPEN_END: &str = "88881231";

/// A calendar day as a day number (days since 1970-01-01), so that differences are days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

impl Date {
    /// The date of a year, month and day (proleptic Gregorian), or `None` when there is
    /// no such day.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Parses `YYYYMMDD` (eight digits, a real calendar day; `88881231` is a date too).
    ///
    /// ```
    /// use banenafspraak::prepare::Date;
    /// assert_eq!(Date::parse("20200229").unwrap().to_string(), "20200229");
    /// assert!(Date::parse("20190229").is_none());
    /// assert!(Date::parse("2019-01-01").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
        };
        Date::from_ymd(n(0..4) as i32, n(4..6), n(6..8))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        // Howard Hinnant's civil_from_days.
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i32::from(month <= 2);
        (year, month, day)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// The day `days` later (earlier when negative).
    pub fn plus(self, days: i32) -> Date {
        Date(self.0 + days)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}{m:02}{d:02}")
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
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
    fn day_numbers_round_trip_through_the_calendar() {
        assert_eq!(Date::from_ymd(1970, 1, 1), Some(Date(0)));
        for n in [-800_000, -1, 0, 17_897, 2_000_000] {
            let (y, m, d) = Date(n).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(n)));
        }
        assert!(Date::parse("88881231").is_some());
        assert!(Date::parse("20191301").is_none());
        assert!(Date::parse("1900022 ").is_none());
    }

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
