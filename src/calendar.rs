//! Calendar days and months, the one date type of the crate: `prepare` counts days in the
//! three-year window with it, `monitor` dates register spells and cohorts. A [`Date`] is
//! a day count and a [`Month`] a month count, so that differences and "the last day of
//! the month" are arithmetic.
//!
//! **The open end.** CBS writes `88881231` as the end of a spell that is still running.
//! It parses to [`OPEN_END`], which is that real calendar day: it compares after every
//! date of real data, and day and month arithmetic on it stay in range (a window clips
//! it to the reference date). Only the ISO form shows it as `open`.
//!
//! There is no `Display`: CBS's files write `YYYYMMDD` ([`Date::yyyymmdd`]), people and
//! the command line read `YYYY-MM-DD` ([`Date::iso`]), and each place says which it means.

use std::fmt;

/// A calendar day, counted from 1970-01-01 (proleptic Gregorian).
///
/// ```
/// use banenafspraak::schema::{Date, OPEN_END};
/// let d = Date::from_ymd(2019, 1, 1).unwrap();
/// assert_eq!(d.iso().to_string(), "2019-01-01");
/// assert_eq!(d.yyyymmdd().to_string(), "20190101");
/// assert_eq!(Date::parse("20190101"), Some(d));
/// assert_eq!(Date::parse("88881231"), Some(OPEN_END));
/// assert_eq!(OPEN_END.iso().to_string(), "open");
/// assert_eq!(OPEN_END.yyyymmdd().to_string(), "88881231");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

/// CBS's end date of a spell that is still running: 8888-12-31 (`88881231`).
pub const OPEN_END: Date = Date(2_527_113);

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of a year.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

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

    /// Parses `YYYYMMDD` (eight digits, a real calendar day; `88881231` is [`OPEN_END`]).
    ///
    /// ```
    /// use banenafspraak::schema::Date;
    /// assert_eq!(Date::parse("20200229").unwrap().yyyymmdd().to_string(), "20200229");
    /// assert!(Date::parse("20190229").is_none());
    /// assert!(Date::parse("2019-01-01").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        Date::parse_yyyymmdd(s.as_bytes())
    }

    /// As [`Date::parse`], from bytes.
    pub fn parse_yyyymmdd(b: &[u8]) -> Option<Date> {
        if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
        };
        Date::from_ymd(n(0..4) as i32, n(4..6), n(6..8))
    }

    /// A `YYYY-MM-DD` date (the form of command-line arguments); the open end is refused.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits: Vec<u8> = b.iter().copied().filter(|&c| c != b'-').collect();
        Date::parse_yyyymmdd(&digits).filter(|&d| d != OPEN_END)
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

    /// The month this day falls in.
    pub fn month(self) -> Month {
        let (y, m, _) = self.ymd();
        Month(y * 12 + m as i32 - 1)
    }

    /// Whether this is CBS's end of a running spell.
    pub fn is_open_end(self) -> bool {
        self == OPEN_END
    }

    /// `YYYY-MM-DD`, or `open` for [`OPEN_END`]: for people.
    pub fn iso(self) -> impl fmt::Display {
        Iso(self)
    }

    /// `YYYYMMDD` as CBS writes it (`88881231` for [`OPEN_END`]).
    pub fn yyyymmdd(self) -> impl fmt::Display {
        Compact(self)
    }
}

struct Iso(Date);

impl fmt::Display for Iso {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_open_end() {
            return f.write_str("open");
        }
        let (y, m, d) = self.0.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

struct Compact(Date);

impl fmt::Display for Compact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.0.ymd();
        write!(f, "{y:04}{m:02}{d:02}")
    }
}

/// A calendar month, counted as `year * 12 + month - 1`.
///
/// ```
/// use banenafspraak::schema::Month;
/// let m = Month::parse(b"2021-12").unwrap();
/// assert_eq!(m.to_string(), "2021-12");
/// assert_eq!(m.last_day().iso().to_string(), "2021-12-31");
/// assert_eq!(m.quarter(), "2021-Q4");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    /// A `YYYY-MM` month (years 1900-2999).
    pub fn parse(s: &[u8]) -> Option<Month> {
        if s.len() != 7 || s[4] != b'-' {
            return None;
        }
        let digits = |r: &[u8]| {
            r.iter().try_fold(0i32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
            })
        };
        let (y, m) = (digits(&s[..4])?, digits(&s[5..])?);
        ((1900..3000).contains(&y) && (1..=12).contains(&m)).then_some(Month(y * 12 + m - 1))
    }

    /// Year and month (1-12).
    pub fn year_month(self) -> (i32, u32) {
        (self.0.div_euclid(12), self.0.rem_euclid(12) as u32 + 1)
    }

    /// The first day.
    pub fn first_day(self) -> Date {
        let (y, m) = self.year_month();
        // Every month has a first day.
        Date::from_ymd(y, m, 1).unwrap_or(Date(0))
    }

    /// The last day.
    pub fn last_day(self) -> Date {
        Date(Month(self.0 + 1).first_day().0 - 1)
    }

    /// The month `n` months later.
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// `YYYY-Qn`.
    pub fn quarter(self) -> String {
        let (y, m) = self.year_month();
        format!("{y}-Q{}", (m - 1) / 3 + 1)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m) = self.year_month();
        write!(f, "{y:04}-{m:02}")
    }
}

/// A time in UTC as `YYYY-MM-DDTHH:MM:SS` (ACRO's `datetime.isoformat()`): the day from
/// [`Date::ymd`], the time of day from the seconds left over.
pub(crate) fn utc_timestamp(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = Date(days as i32).ymd();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_iso_dates_in_utc() {
        use std::time::{Duration, UNIX_EPOCH};
        assert_eq!(utc_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00");
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096); // 2024-02-29 12:34:56
        assert_eq!(utc_timestamp(t), "2024-02-29T12:34:56");
        let t = UNIX_EPOCH + Duration::from_secs(4_102_444_799); // 2099-12-31 23:59:59
        assert_eq!(utc_timestamp(t), "2099-12-31T23:59:59");
    }

    #[test]
    fn day_numbers_round_trip_through_the_calendar() {
        assert_eq!(Date::from_ymd(1970, 1, 1), Some(Date(0)));
        for n in [-800_000, -1, 0, 17_897, 2_000_000] {
            let (y, m, d) = Date(n).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(n)));
        }
        let start = Date::from_ymd(1999, 12, 1).unwrap().0;
        for day in start..Date::from_ymd(2025, 3, 1).unwrap().0 {
            let (y, m, d) = Date(day).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(day)));
        }
        let leap = Date::from_ymd(2020, 2, 29).unwrap();
        assert_eq!(leap.iso().to_string(), "2020-02-29");
        assert_eq!(leap.yyyymmdd().to_string(), "20200229");
        assert_eq!(Date::from_ymd(2019, 2, 29), None);
    }

    #[test]
    fn the_open_end_is_a_real_day_after_all_data() {
        // Both readers agree: `88881231` is the open end, as text and as bytes.
        assert_eq!(Date::parse("88881231"), Some(OPEN_END));
        assert_eq!(Date::parse_yyyymmdd(b"88881231"), Some(OPEN_END));
        assert_eq!(Date::from_ymd(8888, 12, 31), Some(OPEN_END));
        assert!(OPEN_END.is_open_end());
        assert!(Date::from_ymd(2999, 12, 31).unwrap() < OPEN_END);
        // Arithmetic on it stays in range (a sentinel of i32::MAX overflowed here).
        assert_eq!(OPEN_END.month().to_string(), "8888-12");
        assert_eq!(OPEN_END.plus(1).ymd(), (8889, 1, 1));
        // People see `open`, CBS's files `88881231`; the command line cannot give it.
        assert_eq!(OPEN_END.iso().to_string(), "open");
        assert_eq!(OPEN_END.yyyymmdd().to_string(), "88881231");
        assert_eq!(Date::parse_iso("8888-12-31"), None);
        assert_eq!(Date::parse_iso("2019-01-01"), Date::from_ymd(2019, 1, 1));
    }

    #[test]
    fn bad_months_and_dates_are_refused() {
        for bad in [
            &b"2019-13"[..],
            b"2019-00",
            b"19-01",
            b"2019/01",
            b"201901",
            b"2019-1x",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad:?}");
        }
        for bad in ["20190230", "20191301", "1900022 ", "2019-01-01", ""] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Date::parse_iso("2019-02-30"), None);
        assert_eq!(
            Month::parse(b"2020-02")
                .unwrap()
                .last_day()
                .iso()
                .to_string(),
            "2020-02-29"
        );
    }
}
