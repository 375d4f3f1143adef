//! Number formats of the report: counts rounded to hundreds, each cell on its own, and
//! percentages with one decimal.

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
    grouped((x / 100.0).round() as i64 * 100)
}

/// A whole number with thousands separators.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A share as a percentage with one decimal: 0.0253 -> "2.5%".
///
/// ```
/// assert_eq!(banenafspraak::report::format::percent(0.0253), "2.5%");
/// ```
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// The footnote the report's tables need because cells are rounded on their own.
pub const ROUNDING_NOTE: &str =
    "Counts rounded to hundreds, each cell on its own: rounded parts need not add up to the rounded total.";
