//! Number formats of the report: counts rounded to hundreds, each cell on its own, and
//! percentages with one decimal, in English (4,000 / 2.5%) or Dutch (4.000 / 2,5%) notation.
//! A [`Style`] bundles the language, the notation and the rounding; tables keep their
//! numbers unformatted and apply a style when they are rendered.

use serde::Serialize;

use super::lang::Lang;

/// A count rounded to hundreds with thousands separators: 3,951.2 -> "4,000".
///
/// ```
/// use banenafspraak::report::format::hundreds;
/// assert_eq!(hundreds(3951.2), "4,000");
/// assert_eq!(hundreds(149.0), "100");
/// assert_eq!(hundreds(0.4), "0");
/// assert_eq!(hundreds(158_049.0), "158,000");
/// ```
pub fn hundreds(x: f64) -> String {
    NumberFormat::En.count(x, Some(100))
}

/// A whole number with thousands separators.
pub fn grouped(n: i64) -> String {
    NumberFormat::En.integer(n)
}

/// A share as a percentage with one decimal: 0.0253 -> "2.5%".
///
/// ```
/// assert_eq!(banenafspraak::report::format::percent(0.0253), "2.5%");
/// ```
pub fn percent(share: f64) -> String {
    NumberFormat::En.percent(share, 1)
}

/// The footnote the report's tables need because cells are rounded on their own.
pub const ROUNDING_NOTE: &str =
    "Counts rounded to hundreds, each cell on its own: rounded parts need not add up to the rounded total.";

/// The same footnote in Dutch ("afronding op 100-tallen", as in the report's titles).
pub const ROUNDING_NOTE_NL: &str =
    "Afronding op 100-tallen, per cel: afgeronde delen tellen niet altijd op tot het afgeronde totaal.";

/// `x` rounded to a multiple of `to` (half away from zero); `to` of 0 or 1 rounds to whole
/// numbers.
///
/// ```
/// use banenafspraak::report::format::round_to;
/// assert_eq!(round_to(149.0, 100), 100.0);
/// assert_eq!(round_to(150.0, 100), 200.0);
/// assert_eq!(round_to(2.4, 1), 2.0);
/// ```
pub fn round_to(x: f64, to: u64) -> f64 {
    let to = to.max(1) as f64;
    (x / to).round() * to
}

/// English or Dutch notation of numbers.
///
/// ```
/// use banenafspraak::report::NumberFormat;
/// assert_eq!(NumberFormat::En.count(158_049.0, Some(100)), "158,000");
/// assert_eq!(NumberFormat::Nl.count(158_049.0, Some(100)), "158.000");
/// assert_eq!(NumberFormat::En.percent(0.0253, 1), "2.5%");
/// assert_eq!(NumberFormat::Nl.percent(0.0253, 1), "2,5%");
/// assert_eq!(NumberFormat::Nl.decimal(1234.5678, 2), "1.234,57");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberFormat {
    /// 4,000 and 2.5%.
    #[default]
    En,
    /// 4.000 and 2,5%.
    Nl,
}

impl NumberFormat {
    /// The notation of a language.
    pub fn of(lang: Lang) -> NumberFormat {
        match lang {
            Lang::En => NumberFormat::En,
            Lang::Nl => NumberFormat::Nl,
        }
    }

    fn separators(self) -> (char, char) {
        match self {
            NumberFormat::En => (',', '.'),
            NumberFormat::Nl => ('.', ','),
        }
    }

    /// A whole number with thousands separators.
    pub fn integer(self, n: i64) -> String {
        crate::layout::group_digits(n, self.separators().0)
    }

    /// A number with `decimals` decimals and thousands separators; NaN as "-".
    pub fn decimal(self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return "-".into();
        }
        let (_, point) = self.separators();
        let text = format!("{:.*}", decimals, x.abs());
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let whole: i64 = whole.parse().unwrap_or(0);
        // "-0.0" would read as a negative zero: only a non-zero rounded value is signed.
        let negative = x < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b));
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        out.push_str(&self.integer(whole));
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }

    /// A count rounded to a multiple of `to` (`None`: one decimal, for unrounded output).
    pub fn count(self, x: f64, to: Option<u64>) -> String {
        match to {
            Some(to) => self.integer(round_to(x, to) as i64),
            None if x.fract() == 0.0 => self.decimal(x, 0),
            None => self.decimal(x, 1),
        }
    }

    /// A share (0.025) as a percentage with `decimals` decimals (2.5%).
    pub fn percent(self, share: f64, decimals: usize) -> String {
        if !share.is_finite() {
            return "-".into();
        }
        format!("{}%", self.decimal(share * 100.0, decimals))
    }
}

/// How numbers are shown to people: language, notation, rounding of counts and decimals
/// of percentages. [`Style::report`] is the report's convention.
///
/// ```
/// use banenafspraak::report::{Lang, Style};
/// let nl = Style::report(Lang::Nl);
/// assert_eq!(nl.count(3_951.2), "4.000");
/// assert_eq!(nl.share(0.0253), "2,5%");
/// assert_eq!(Style::exact(Lang::En).count(3_951.2), "3,951.2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Style {
    /// Labels, titles and notes.
    pub lang: Lang,
    /// Notation of numbers.
    pub numbers: NumberFormat,
    /// Counts rounded to a multiple of this (the report: 100), each cell on its own;
    /// `None` shows them unrounded (one decimal).
    pub count_to: Option<u64>,
    /// Decimals of percentages (the report: 1).
    pub share_decimals: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style::report(Lang::En)
    }
}

impl Style {
    /// The report's convention in a language: counts to hundreds, percentages with one
    /// decimal, the language's notation.
    pub fn report(lang: Lang) -> Style {
        Style {
            lang,
            numbers: NumberFormat::of(lang),
            count_to: Some(100),
            share_decimals: 1,
        }
    }

    /// Unrounded counts (one decimal) for work inside the remote-access environment.
    pub fn exact(lang: Lang) -> Style {
        Style {
            count_to: None,
            ..Style::report(lang)
        }
    }

    /// A count in this style.
    pub fn count(&self, x: f64) -> String {
        self.numbers.count(x, self.count_to)
    }

    /// A share in this style.
    pub fn share(&self, x: f64) -> String {
        self.numbers.percent(x, self.share_decimals)
    }

    /// The rounding footnote for tables with counts, if counts are rounded.
    pub fn rounding_note(&self) -> Option<String> {
        match (self.count_to, self.lang) {
            (Some(100), Lang::En) => Some(ROUNDING_NOTE.into()),
            (Some(100), Lang::Nl) => Some(ROUNDING_NOTE_NL.into()),
            (Some(to), _) if to > 1 => Some(match self.lang {
                Lang::En => format!(
                    "Counts rounded to multiples of {}, each cell on its own: rounded parts need not add up to the rounded total.",
                    self.numbers.integer(to as i64)
                ),
                Lang::Nl => format!(
                    "Afronding op veelvouden van {}, per cel: afgeronde delen tellen niet altijd op tot het afgeronde totaal.",
                    self.numbers.integer(to as i64)
                ),
            }),
            _ => None,
        }
    }
}
