//! The person_id scan of outputs: every label and text of an output compared with every
//! id of the input, whatever the punctuation, spacing, case or HTML escaping. Numbers are
//! not read, so counts, thresholds and the suppression mark are never taken for ids.

use std::collections::HashSet;

use serde::Serialize;

/// A person_id value found in an output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdHit {
    /// The output's name.
    pub output: String,
    /// The id found.
    pub id: String,
}

/// The texts of one output that the id scan reads: labels (text cells: row labels, tree
/// conditions, category levels) and prose (titles, column labels, notes, headings,
/// paragraphs). Numbers are not read: a count or a threshold is not an id, and neither is
/// the suppression mark `x`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanInput {
    /// The output's name (a file, `standard output`).
    pub name: String,
    /// Text cells.
    pub labels: Vec<String>,
    /// Other text.
    pub prose: Vec<String>,
}

/// Most runs of letters and digits an id may be split into (`R+000123456`: 2).
const MAX_ID_RUNS: usize = 4;

/// An id as the scan compares it: its letters and digits, lower case.
fn normalise_id(id: &str, out: &mut String) {
    out.clear();
    out.extend(
        html_unescape(id)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase),
    );
}

/// Ids shorter than this (letters and digits) cannot be told from a category code
/// (`generation = 1`) or a word, and are not compared; register keys are 9 digits.
pub const MIN_ID_CHARS: usize = 4;

/// A weak id (digits only) is also an ordinary number: it counts only where a label
/// holds a value (the whole label, or after `=`, `,`, `{`, `(`, `[` or `;`), not in prose
/// or after `<`/`>` (a threshold).
fn is_weak(norm: &str) -> bool {
    norm.chars().all(|c| c.is_ascii_digit())
}

fn html_unescape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = s.to_string();
    // Twice: a doubly escaped `&amp;amp;` is still the same text.
    for _ in 0..2 {
        for (from, to) in [
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&quot;", "\""),
            ("&#39;", "'"),
            ("&#160;", " "),
            ("&nbsp;", " "),
            ("&amp;", "&"),
        ] {
            out = out.replace(from, to);
        }
    }
    out.into()
}

/// The candidate ids of a text: every join of up to [`MAX_ID_RUNS`] consecutive runs of
/// letters and digits, lower case, whatever punctuation, spacing or HTML escaping is
/// between them; `weak` receives only joins that start where a label holds a value.
fn candidates(text: &str, label: bool, strong: &mut HashSet<String>, weak: &mut HashSet<String>) {
    let text = html_unescape(text);
    let mut runs: Vec<(bool, String)> = Vec::new();
    let mut sep = String::new();
    let mut run = String::new();
    let value_position = |sep: &str, first: bool| {
        label
            && !sep.contains(['<', '>'])
            && ((first && sep.trim().is_empty()) || sep.contains(['=', ',', '{', '(', '[', ';']))
    };
    for ch in text.chars().chain(std::iter::once(' ')) {
        if ch.is_alphanumeric() {
            run.extend(ch.to_lowercase());
        } else {
            if !run.is_empty() {
                runs.push((
                    value_position(&sep, runs.is_empty()),
                    std::mem::take(&mut run),
                ));
                sep.clear();
            }
            sep.push(ch);
        }
    }
    for i in 0..runs.len() {
        let mut joined = String::new();
        for (_, r) in runs.iter().skip(i).take(MAX_ID_RUNS) {
            joined.push_str(r);
            strong.insert(joined.clone());
            if runs[i].0 {
                weak.insert(joined.clone());
            }
        }
    }
}

/// Looks for person_id values in the texts of outputs, whatever their punctuation,
/// spacing, case or HTML escaping (`R+000123456`, `r 000123456` and `A&amp;B0001` are
/// the ids `R000123456` and `A&B0001`). Each output's words go into small sets once and
/// the ids are streamed past them, so twelve million ids cost a few hash lookups each.
/// Numbers are never read (see [`ScanInput`]); an id of digits only counts only as a
/// label's value, and ids shorter than [`MIN_ID_CHARS`] are not compared.
///
/// ```
/// use banenafspraak::report::{scan_ids, ScanInput};
/// let out = ScanInput {
///     name: "tables.md".into(),
///     labels: vec!["buddy = R+000000003".into(), "days <= 1500".into(), "region = 1234".into()],
///     prose: vec!["WW: 9500 persons".into()],
/// };
/// let hits = scan_ids(&[out], ["R000000001", "R000000003", "1500", "1234", "9500", "x"]);
/// let found: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
/// assert_eq!(found, ["R000000003", "1234"]);
/// ```
pub fn scan_ids<'a>(outputs: &[ScanInput], ids: impl IntoIterator<Item = &'a str>) -> Vec<IdHit> {
    let sets: Vec<(HashSet<String>, HashSet<String>)> = outputs
        .iter()
        .map(|o| {
            let (mut strong, mut weak) = (HashSet::new(), HashSet::new());
            for l in &o.labels {
                candidates(l, true, &mut strong, &mut weak);
            }
            for p in &o.prose {
                candidates(p, false, &mut strong, &mut weak);
            }
            (strong, weak)
        })
        .collect();
    let mut hits = Vec::new();
    let mut norm = String::new();
    for id in ids {
        normalise_id(id, &mut norm);
        if norm.chars().count() < MIN_ID_CHARS {
            continue;
        }
        let weak_id = is_weak(&norm);
        for (o, (strong, weak)) in outputs.iter().zip(&sets) {
            let found = if weak_id {
                weak.contains(&norm)
            } else {
                strong.contains(&norm)
            };
            if found {
                hits.push(IdHit {
                    output: o.name.clone(),
                    id: id.to_string(),
                });
            }
        }
    }
    hits
}
