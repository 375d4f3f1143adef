//! Plain-text layout shared by the `Display` of estimates (below `report`) and the report's
//! text tables: digits grouped in thousands, and columns aligned (the first left, the
//! others right, a rule under the header). Knows nothing of what the numbers are.

/// `n` with its digits grouped in thousands by `separator`.
pub(crate) fn group_digits(n: i64, separator: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(ch);
    }
    out
}

/// The header and rows as aligned lines, each ending in a newline: the first column
/// left-aligned, the others right-aligned two spaces apart, a rule of dashes under the
/// header, trailing blanks trimmed.
pub(crate) fn aligned(header: &[String], rows: &[Vec<String>]) -> String {
    let all = || std::iter::once(header).chain(rows.iter().map(Vec::as_slice));
    let n = all().map(<[String]>::len).max().unwrap_or(0);
    let mut width = vec![0; n];
    for row in all() {
        for (k, cell) in row.iter().enumerate() {
            width[k] = width[k].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, row: &[String]| {
        let mut s = String::new();
        for (k, cell) in row.iter().enumerate() {
            let pad = " ".repeat(width[k] - cell.chars().count());
            if k == 0 {
                s.push_str(cell);
                s.push_str(&pad);
            } else {
                s.push_str("  ");
                s.push_str(&pad);
                s.push_str(cell);
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(&mut out, header);
    out.push_str(&"-".repeat(width.iter().sum::<usize>() + 2 * n.saturating_sub(1)));
    out.push('\n');
    for row in rows {
        line(&mut out, row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_thousands_with_the_sign_in_front() {
        assert_eq!(group_digits(0, ','), "0");
        assert_eq!(group_digits(999, ','), "999");
        assert_eq!(group_digits(1000, ','), "1,000");
        assert_eq!(group_digits(-1_234_567, '.'), "-1.234.567");
    }

    #[test]
    fn columns_align_left_then_right_under_a_rule() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let text = aligned(
            &s(&["name", "n"]),
            &[s(&["ab", "1,000"]), s(&["abcdef", "7"])],
        );
        assert_eq!(
            text,
            "name        n\n-------------\nab      1,000\nabcdef      7\n"
        );
    }
}
