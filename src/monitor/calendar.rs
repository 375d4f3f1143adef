//! Days and months of the panel: a [`Date`] is a day count, a [`Month`] a month count, so
//! that "the last day of the month" and "36 months from the start" are arithmetic.

use std::fmt;

/// A calendar day, counted from 1970-01-01 (proleptic Gregorian).
///
/// ```
/// use banenafspraak::monitor::Date;
/// let d = Date::from_ymd(2019, 1, 1).unwrap();
/// assert_eq!(d.to_string(), "2019-01-01");
/// assert_eq!(Date::parse_yyyymmdd(b"20190101"), Some(d));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

/// CBS's end date of a spell that is still running (`88881231`).
pub const OPEN_END: Date = Date(i32::MAX);

/// Days in a month of a year.
fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// The day, if it exists.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Days from civil (H. Hinnant's algorithm).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i32::from(m <= 2), m, d)
    }

    /// A `YYYYMMDD` date; `88881231` is [`OPEN_END`].
    pub fn parse_yyyymmdd(s: &[u8]) -> Option<Date> {
        if s == b"88881231" {
            return Some(OPEN_END);
        }
        if s.len() != 8 || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = |a: usize, b: usize| {
            s[a..b]
                .iter()
                .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
        };
        Date::from_ymd(n(0, 4) as i32, n(4, 6), n(6, 8))
    }

    /// A `YYYY-MM-DD` date (the form of command-line arguments).
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits: Vec<u8> = b.iter().copied().filter(|&c| c != b'-').collect();
        Date::parse_yyyymmdd(&digits).filter(|&d| d != OPEN_END)
    }

    /// The month this day falls in.
    pub fn month(self) -> Month {
        let (y, m, _) = self.ymd();
        Month(y * 12 + m as i32 - 1)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == OPEN_END {
            return f.write_str("open");
        }
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A calendar month, counted as `year * 12 + month - 1`.
///
/// ```
/// use banenafspraak::monitor::Month;
/// let m = Month::parse(b"2021-12").unwrap();
/// assert_eq!(m.to_string(), "2021-12");
/// assert_eq!(m.last_day().to_string(), "2021-12-31");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_over_leap_years() {
        for day in Date::from_ymd(1999, 12, 1).unwrap().0..Date::from_ymd(2025, 3, 1).unwrap().0 {
            let (y, m, d) = Date(day).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(day)));
        }
        assert_eq!(
            Date::from_ymd(2020, 2, 29)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2020-02-29")
        );
        assert_eq!(Date::from_ymd(2019, 2, 29), None);
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
        assert_eq!(Date::parse_yyyymmdd(b"20190230"), None);
        assert_eq!(Date::parse_yyyymmdd(b"88881231"), Some(OPEN_END));
        assert_eq!(
            Month::parse(b"2020-02").unwrap().last_day().to_string(),
            "2020-02-29"
        );
    }
}
