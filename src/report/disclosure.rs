//! Disclosure control before export: results leave the CBS remote-access environment only
//! after output checking, so every published cell is checked here first against rules
//! taken from common output-checking practice (the ESSnet/Eurostat guidelines for output
//! checking and CBS's rules for microdata output):
//!
//! - **minimum persons**: at least 10 persons behind every published cell. A cell records
//!   who is behind it ([`Basis`](super::table::Basis)): the group for a count or a share,
//!   the employed for "had work", those without work for "finds/keeps work", and for a
//!   tree leaf or a calibration bin its persons, its positives and its non-positives (a
//!   leaf of 1,000 persons with 3 positives says something about those 3; one with no
//!   positives says something about all 1,000). An empty group (0 persons) passes: it
//!   discloses nobody.
//! - **rounding**: counts rounded (to hundreds), each cell on its own.
//! - **no extremes**: no minimum or maximum of persons' values (a cell marked
//!   [`Cell::extreme`](super::table::Cell::extreme), or a column whose header says min or
//!   max).
//! - **no keys**: no `person_id` (or other key) column in any table, and no person_id
//!   value anywhere in an output ([`scan_ids`]).
//!
//! [`DisclosureMode::Strict`] suppresses failing cells (`x`), suppresses a second cell
//! where one suppressed category of a distribution could be recomputed from the others,
//! and rounds counts; [`DisclosureMode::Report`] marks failing cells ` (!)` and changes no
//! number; [`DisclosureMode::Off`] does nothing. [`CheckReport`] is the Markdown account
//! for the output checker.

use std::collections::HashSet;
use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde::Serialize;

use super::format::{round_to, Style};
use super::table::{Status, Table, Value};

/// The rules, with defaults from common output-checking practice.
///
/// ```
/// use banenafspraak::report::DisclosureRules;
/// let r = DisclosureRules::default();
/// assert_eq!((r.min_persons, r.round_to), (10, 100));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosureRules {
    /// Fewest persons behind a published cell (each of a cell's bases).
    pub min_persons: u64,
    /// Counts are published as multiples of this.
    pub round_to: u64,
    /// Refuse minima and maxima of persons' values.
    pub forbid_extremes: bool,
    /// Names of key columns that may not appear in any table (case-insensitive).
    pub key_columns: Vec<String>,
    /// In strict mode, suppress a second category of a distribution when one suppressed
    /// category could be recomputed as the rest of the whole.
    pub secondary_suppression: bool,
}

impl Default for DisclosureRules {
    fn default() -> Self {
        DisclosureRules {
            min_persons: 10,
            round_to: 100,
            forbid_extremes: true,
            key_columns: vec![
                "person_id".into(),
                "rinpersoon".into(),
                "rinpersoons".into(),
            ],
            secondary_suppression: true,
        }
    }
}

/// What disclosure control does with failing cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DisclosureMode {
    /// Suppress failing cells (shown as `x`) and round counts: output meant for export.
    Strict,
    /// Mark failing cells ` (!)`, change nothing: work inside the environment, with the
    /// problems in view. The default, because the researcher needs every number while
    /// working and the output checker, not this tool, releases results.
    #[default]
    Report,
    /// No checks.
    Off,
}

impl FromStr for DisclosureMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Ok(DisclosureMode::Strict),
            "report" => Ok(DisclosureMode::Report),
            "off" => Ok(DisclosureMode::Off),
            other => Err(format!(
                "unknown disclosure mode {other:?}: expected strict, report or off"
            )),
        }
    }
}

impl fmt::Display for DisclosureMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DisclosureMode::Strict => "strict",
            DisclosureMode::Report => "report",
            DisclosureMode::Off => "off",
        })
    }
}

/// A rule of [`DisclosureRules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// At least `min_persons` behind every cell.
    MinPersons,
    /// Counts rounded to `round_to`.
    Rounding,
    /// No minima or maxima of persons' values.
    NoExtremes,
    /// No key columns or key values.
    NoKeys,
}

impl Rule {
    /// Every rule, in the order of the check report.
    pub const ALL: [Rule; 4] = [
        Rule::MinPersons,
        Rule::Rounding,
        Rule::NoExtremes,
        Rule::NoKeys,
    ];

    /// The rule in words, with its setting.
    pub fn describe(self, r: &DisclosureRules) -> String {
        match self {
            Rule::MinPersons => format!(
                "at least {} persons behind every published cell (a tree leaf's or calibration bin's persons, positives and non-positives each)",
                r.min_persons
            ),
            Rule::Rounding => format!(
                "counts rounded to multiples of {}, each cell on its own",
                r.round_to
            ),
            Rule::NoExtremes => "no minimum or maximum of persons' values".into(),
            Rule::NoKeys => format!(
                "no key column ({}) and no person_id value in any output",
                r.key_columns.join(", ")
            ),
        }
    }

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            Rule::MinPersons => "minimum persons",
            Rule::Rounding => "rounding",
            Rule::NoExtremes => "no extremes",
            Rule::NoKeys => "no keys",
        }
    }
}

/// What was done about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nothing (mode off, or a finding about the whole output).
    None,
    /// Marked ` (!)`.
    Flagged,
    /// Suppressed (`x`).
    Suppressed,
    /// Rounded in place.
    Rounded,
}

/// A cell (or a whole table, when `row` is `None`) that breaks a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Row index, if about one cell.
    pub row: Option<usize>,
    /// Column index, if about one cell.
    pub column: Option<usize>,
    /// Row label ("Total", a leaf's condition).
    pub row_label: String,
    /// Column label.
    pub column_label: String,
    /// The rule broken.
    pub rule: Rule,
    /// Why, in words ("4 positives < 10").
    pub detail: String,
    /// What was done.
    pub action: Action,
}

/// The check of one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableCheck {
    /// The table's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Numeric cells checked.
    pub cells_checked: usize,
    /// What fails.
    pub findings: Vec<Finding>,
}

impl TableCheck {
    /// Findings under one rule.
    pub fn failing(&self, rule: Rule) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.rule == rule)
    }

    /// Whether the table passes every rule (after what was done in strict mode, a
    /// suppressed or rounded cell passes).
    pub fn passes(&self) -> bool {
        self.findings
            .iter()
            .all(|f| matches!(f.action, Action::Suppressed | Action::Rounded))
    }
}

/// Basis kinds that describe an outcome class within a group: 0 of them is itself a
/// disclosure (everyone in the group is in the other class).
fn is_class(what: &str) -> bool {
    matches!(what, "positives" | "non-positives" | "negatives")
}

const EXTREME_WORDS: [&str; 12] = [
    "min", "max", "minimum", "maximum", "minimaal", "maximaal", "laagste", "hoogste", "smallest",
    "largest", "lowest", "highest",
];

fn says_extreme(header: &str) -> bool {
    header
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| EXTREME_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Checks one table without changing it. `count_to` is the rounding of counts in the
/// output the table goes to (`None`: unrounded).
///
/// ```
/// use banenafspraak::report::{check_table, Cell, DisclosureRules, Rule, Table};
/// let t = Table::new("t", ["group", "persons"])
///     .with_row(["a".into(), Cell::count(9.0).on("persons", 9)])
///     .with_row(["b".into(), Cell::count(12.0).on("persons", 12)]);
/// let check = check_table(&t, &DisclosureRules::default(), Some(100));
/// assert_eq!(check.failing(Rule::MinPersons).count(), 1);
/// assert_eq!(check.findings[0].row_label, "a");
/// ```
pub fn check_table(t: &Table, rules: &DisclosureRules, count_to: Option<u64>) -> TableCheck {
    let mut findings = Vec::new();
    let mut cells_checked = 0;
    let finding = |r: Option<usize>, k: Option<usize>, rule: Rule, detail: String| Finding {
        row: r,
        column: k,
        row_label: r.map_or_else(String::new, |r| t.row_label(r)),
        column_label: k
            .and_then(|k| t.columns.get(k).cloned())
            .unwrap_or_default(),
        rule,
        detail,
        action: Action::None,
    };
    let n_cols = t.columns.len().max(t.keys.len());
    let key_col: Vec<bool> = (0..n_cols)
        .map(|k| {
            [t.keys.get(k), t.columns.get(k)]
                .into_iter()
                .flatten()
                .any(|h| {
                    rules
                        .key_columns
                        .iter()
                        .any(|key| key.eq_ignore_ascii_case(h.trim()))
                })
        })
        .collect();
    let extreme_col: Vec<bool> = (0..n_cols)
        .map(|k| {
            rules.forbid_extremes
                && [t.keys.get(k), t.columns.get(k)]
                    .into_iter()
                    .flatten()
                    .any(|h| says_extreme(h))
        })
        .collect();
    for (k, is_key) in key_col.iter().enumerate() {
        if *is_key {
            findings.push(finding(
                None,
                Some(k),
                Rule::NoKeys,
                format!(
                    "column {:?} is a key",
                    t.keys.get(k).map_or("", String::as_str)
                ),
            ));
        }
    }
    let unrounded_output = match count_to {
        Some(to) => to % rules.round_to.max(1) != 0,
        None => true,
    };
    let mut unrounded = 0usize;
    for (r, row) in t.rows.iter().enumerate() {
        for (k, cell) in row.iter().enumerate() {
            if cell.status == Status::Suppressed {
                continue;
            }
            if key_col.get(k).copied().unwrap_or(false) && !matches!(cell.value, Value::Empty) {
                findings.push(finding(
                    Some(r),
                    Some(k),
                    Rule::NoKeys,
                    "value of a key column".into(),
                ));
            }
            if !cell.is_number() {
                continue;
            }
            cells_checked += 1;
            let too_few: Vec<String> = cell
                .basis
                .iter()
                .filter(|b| b.persons < rules.min_persons && (b.persons > 0 || is_class(b.what)))
                .map(|b| format!("{} {} < {}", b.persons, b.what, rules.min_persons))
                .collect();
            if !too_few.is_empty() {
                findings.push(finding(
                    Some(r),
                    Some(k),
                    Rule::MinPersons,
                    too_few.join(", "),
                ));
            }
            if rules.forbid_extremes
                && (cell.extreme || extreme_col.get(k).copied().unwrap_or(false))
            {
                findings.push(finding(
                    Some(r),
                    Some(k),
                    Rule::NoExtremes,
                    "a minimum or maximum of persons' values".into(),
                ));
            }
            if let Value::Count(x) = cell.value {
                if unrounded_output && round_to(x, rules.round_to) != x {
                    unrounded += 1;
                }
            }
        }
    }
    if unrounded > 0 {
        findings.push(finding(
            None,
            None,
            Rule::Rounding,
            format!(
                "{unrounded} count(s) not rounded to multiples of {} in this output",
                rules.round_to
            ),
        ));
    }
    TableCheck {
        id: t.id.clone(),
        title: t.title.clone(),
        cells_checked,
        findings,
    }
}

/// Checks a table and acts on it by mode: strict suppresses failing cells (and a second
/// cell where a suppressed category could be recomputed) and rounds counts; report marks
/// failing cells; off does nothing and returns no findings.
///
/// ```
/// use banenafspraak::report::{apply, Cell, DisclosureMode, DisclosureRules, Status, Style, Table};
/// let mut t = Table::new("t", ["group", "persons"])
///     .with_row(["a".into(), Cell::count(9.0).on("persons", 9)]);
/// apply(&mut t, DisclosureMode::Strict, &DisclosureRules::default(), Some(100));
/// assert_eq!(t.rows[0][1].status, Status::Suppressed);
/// let text = t.to_string();
/// assert!(text.lines().any(|l| l.split_whitespace().eq(["a", "x"])));
/// assert!(text.contains("x = suppressed"));
/// ```
pub fn apply(
    t: &mut Table,
    mode: DisclosureMode,
    rules: &DisclosureRules,
    count_to: Option<u64>,
) -> TableCheck {
    if mode == DisclosureMode::Off {
        return TableCheck {
            id: t.id.clone(),
            title: t.title.clone(),
            cells_checked: 0,
            findings: Vec::new(),
        };
    }
    let mut check = check_table(t, rules, count_to);
    for f in &mut check.findings {
        match (f.row, f.column) {
            (Some(r), Some(k)) => {
                let cell = &mut t.rows[r][k];
                f.action = if mode == DisclosureMode::Strict {
                    cell.status = Status::Suppressed;
                    Action::Suppressed
                } else {
                    cell.status = Status::Flagged;
                    Action::Flagged
                };
            }
            (None, Some(k)) if mode == DisclosureMode::Strict => {
                // A key column: every cell of it goes.
                for row in &mut t.rows {
                    if let Some(c) = row.get_mut(k) {
                        c.status = Status::Suppressed;
                    }
                }
                f.action = Action::Suppressed;
            }
            (None, None) if f.rule == Rule::Rounding && mode == DisclosureMode::Strict => {
                for cell in t.rows.iter_mut().flatten() {
                    if let Value::Count(x) = &mut cell.value {
                        *x = round_to(*x, rules.round_to);
                    }
                }
                f.action = Action::Rounded;
            }
            _ => {}
        }
    }
    if mode == DisclosureMode::Strict && rules.secondary_suppression {
        check.findings.extend(secondary_suppression(t));
    }
    check
}

/// Within the rows that make up a whole, a column with exactly one suppressed cell gets a
/// second one: the published cell with the fewest persons (above zero) behind it.
fn secondary_suppression(t: &mut Table) -> Vec<Finding> {
    let mut out = Vec::new();
    if t.partition.len() < 2 {
        return out;
    }
    let n_cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    for k in 1..n_cols {
        let suppressed = t
            .partition
            .iter()
            .filter(|&&r| {
                t.rows[r]
                    .get(k)
                    .is_some_and(|c| c.status == Status::Suppressed)
            })
            .count();
        if suppressed != 1 {
            continue;
        }
        let victim = t
            .partition
            .iter()
            .copied()
            .filter(|&r| {
                t.rows[r]
                    .get(k)
                    .is_some_and(|c| c.status != Status::Suppressed && c.is_number())
            })
            // An empty category protects nothing (its emptiness shows in other columns):
            // take the one with the fewest persons above zero.
            .min_by_key(
                |&r| match t.rows[r][k].basis.iter().map(|b| b.persons).min() {
                    Some(0) | None => u64::MAX,
                    Some(n) => n,
                },
            );
        if let Some(r) = victim {
            t.rows[r][k].status = Status::Suppressed;
            out.push(Finding {
                row: Some(r),
                column: Some(k),
                row_label: t.row_label(r),
                column_label: t.columns.get(k).cloned().unwrap_or_default(),
                rule: Rule::MinPersons,
                detail: "secondary suppression: the suppressed category would follow from the rest"
                    .into(),
                action: Action::Suppressed,
            });
        }
    }
    out
}

/// The text with every plain number of three or more digits (not part of a word, a
/// decimal or a grouped number) rounded to a multiple of `to`, and the numbers that were
/// not already multiples.
///
/// ```
/// use banenafspraak::report::disclosure::round_numbers_in_text;
/// let (text, found) = round_numbers_in_text("larger than the 392273 eligible persons; 1,800 and 2.900; id P00012", 100);
/// assert_eq!(text, "larger than the 392300 eligible persons; 1,800 and 2.900; id P00012");
/// assert_eq!(found, ["392273"]);
/// ```
pub fn round_numbers_in_text(text: &str, to: u64) -> (String, Vec<String>) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = &text[start..i];
        let before = text[..start].chars().next_back();
        let after = text[i..].chars().next();
        let next_digit = text[i..].chars().nth(1).is_some_and(|c| c.is_ascii_digit());
        // A word (P00012), a decimal or grouped number (2.900, 1,800) is left alone.
        let in_word = before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            || after.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let grouped = before.is_some_and(|c| c == '.' || c == ',')
            || (after.is_some_and(|c| c == '.' || c == ',') && next_digit);
        match run.parse::<u64>() {
            Ok(n) if run.len() >= 3 && !in_word && !grouped && n % to.max(1) != 0 => {
                found.push(run.to_string());
                out.push_str(&(round_to(n as f64, to) as u64).to_string());
            }
            _ => out.push_str(run),
        }
    }
    (out, found)
}

/// A person_id value found in an output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdHit {
    /// The output's name.
    pub output: String,
    /// The id found.
    pub id: String,
}

/// Looks for person_id values in outputs: every output is cut into words (runs of letters
/// and digits, and runs that also hold `_ - . /`), the words go into one small set, and
/// the ids are streamed past it once, so twelve million ids cost one hash lookup each and
/// no copy.
///
/// ```
/// use banenafspraak::report::scan_ids;
/// let hits = scan_ids(&[("tables.md", "row P00000003: 4,000")], ["P00000001", "P00000003"]);
/// assert_eq!(hits.len(), 1);
/// assert_eq!(hits[0].id, "P00000003");
/// ```
pub fn scan_ids<'a>(
    outputs: &[(&str, &str)],
    ids: impl IntoIterator<Item = &'a str>,
) -> Vec<IdHit> {
    let mut words: HashSet<&str> = HashSet::new();
    for (_, text) in outputs {
        words.extend(
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty()),
        );
        words.extend(
            text.split(|c: char| !(c.is_alphanumeric() || "_-./".contains(c)))
                .filter(|w| !w.is_empty()),
        );
    }
    let mut hits = Vec::new();
    for id in ids {
        if words.contains(id) {
            for (name, text) in outputs {
                if text.contains(id) {
                    hits.push(IdHit {
                        output: name.to_string(),
                        id: id.to_string(),
                    });
                }
            }
        }
    }
    hits
}

/// The output-check report: the rules, each table with each rule's result and the cells
/// that fail, and the scans for key values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// The mode applied.
    pub mode: DisclosureMode,
    /// The rules.
    pub rules: DisclosureRules,
    /// Rounding of counts in the checked output (`None`: unrounded).
    pub count_to: Option<u64>,
    /// What was checked: output files or formats, for the checker's reference.
    pub outputs: Vec<String>,
    /// One entry per table.
    pub tables: Vec<TableCheck>,
    /// person_id values found in outputs.
    pub id_hits: Vec<IdHit>,
    /// Ids the scan compared against (0: no scan).
    pub ids_scanned: usize,
}

impl CheckReport {
    /// An empty report for a mode and rules.
    pub fn new(mode: DisclosureMode, rules: DisclosureRules, count_to: Option<u64>) -> Self {
        CheckReport {
            mode,
            rules,
            count_to,
            outputs: Vec::new(),
            tables: Vec::new(),
            id_hits: Vec::new(),
            ids_scanned: 0,
        }
    }

    /// Applies the mode to every table of a report (see [`apply`]) and to its prose, and
    /// records the checks. Prose is checked for plain numbers of three or more digits that
    /// are not rounded (a note such as "392273 eligible persons"): strict rounds them in
    /// the text, report lists them under the pseudo-table `text`.
    pub fn apply_to(&mut self, report: &mut super::Report) {
        for t in report.tables_mut() {
            self.apply_to_table(t);
        }
        if self.mode == DisclosureMode::Off {
            return;
        }
        let mut findings = Vec::new();
        for block in &mut report.blocks {
            if let super::Block::Paragraph(p) = block {
                let (rounded, found) = round_numbers_in_text(p, self.rules.round_to);
                for n in found {
                    findings.push(Finding {
                        row: None,
                        column: None,
                        row_label: p.chars().take(60).collect(),
                        column_label: String::new(),
                        rule: Rule::Rounding,
                        detail: format!("unrounded number {n} in the text"),
                        action: if self.mode == DisclosureMode::Strict {
                            Action::Rounded
                        } else {
                            Action::None
                        },
                    });
                }
                if self.mode == DisclosureMode::Strict {
                    *p = rounded;
                }
            }
        }
        if !findings.is_empty() {
            self.tables.push(TableCheck {
                id: "text".into(),
                title: "notes and paragraphs".into(),
                cells_checked: 0,
                findings,
            });
        }
    }

    /// Applies the mode to one table and records its check.
    pub fn apply_to_table(&mut self, t: &mut Table) {
        let check = apply(t, self.mode, &self.rules, self.count_to);
        self.tables.push(check);
    }

    /// Scans outputs for person_id values (see [`scan_ids`]) and records the result.
    pub fn scan<'a>(&mut self, outputs: &[(&str, &str)], ids: impl IntoIterator<Item = &'a str>) {
        let mut n = 0usize;
        let hits = scan_ids(outputs, ids.into_iter().inspect(|_| n += 1));
        self.ids_scanned += n;
        self.id_hits.extend(hits);
        self.outputs
            .extend(outputs.iter().map(|(name, _)| name.to_string()));
    }

    /// Cells that fail and were not suppressed or rounded: what still blocks export.
    pub fn open_findings(&self) -> usize {
        self.tables
            .iter()
            .flat_map(|t| &t.findings)
            .filter(|f| !matches!(f.action, Action::Suppressed | Action::Rounded))
            .count()
            + self.id_hits.len()
    }

    /// Suppressed cells.
    pub fn suppressed(&self) -> usize {
        self.tables
            .iter()
            .flat_map(|t| &t.findings)
            .filter(|f| f.action == Action::Suppressed)
            .count()
    }

    /// The report for the output checker, in Markdown.
    pub fn to_markdown(&self) -> String {
        let style = Style::exact(super::Lang::En);
        let n = |x: usize| style.numbers.integer(x as i64);
        let mut s = String::new();
        let _ = writeln!(s, "# Output check report\n");
        let _ = writeln!(
            s,
            "Produced by banenafspraak {} for the output checker. Mode: **{}** ({}).\n",
            env!("CARGO_PKG_VERSION"),
            self.mode,
            match self.mode {
                DisclosureMode::Strict =>
                    "failing cells suppressed and shown as `x`, counts rounded",
                DisclosureMode::Report => "failing cells marked `(!)`, no number changed",
                DisclosureMode::Off => "no checks were applied",
            }
        );
        let _ = writeln!(
            s,
            "Counts in the checked output: {}.\n",
            match self.count_to {
                Some(to) if to > 1 => format!("rounded to multiples of {}", n(to as usize)),
                _ => "unrounded".into(),
            }
        );
        if !self.outputs.is_empty() {
            let _ = writeln!(s, "Outputs: {}.\n", self.outputs.join(", "));
        }
        let _ = writeln!(s, "## Rules\n\n| rule | setting |\n|---|---|");
        for rule in Rule::ALL {
            let _ = writeln!(s, "| {} | {} |", rule.name(), rule.describe(&self.rules));
        }
        let verdict = if self.mode == DisclosureMode::Off {
            "not checked".to_string()
        } else if self.open_findings() == 0 {
            "every table passes".to_string()
        } else {
            format!("{} finding(s) still open", n(self.open_findings()))
        };
        let _ = writeln!(s, "\n## Summary: {verdict}\n");
        let _ = writeln!(
            s,
            "| table | title | cells checked | {} | result |\n|---|---|---:|{}---|",
            Rule::ALL.map(Rule::name).join(" | "),
            "---:|".repeat(Rule::ALL.len())
        );
        for t in &self.tables {
            let counts: Vec<String> = Rule::ALL.iter().map(|&r| n(t.failing(r).count())).collect();
            let result = if self.mode == DisclosureMode::Off {
                "not checked"
            } else if t.findings.is_empty() {
                "pass"
            } else if t.passes() {
                "pass after suppression/rounding"
            } else {
                "FAIL"
            };
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {result} |",
                t.id,
                t.title.replace('|', "\\|"),
                n(t.cells_checked),
                counts.join(" | ")
            );
        }
        let _ = writeln!(
            s,
            "\nThe rule columns count failing cells (a rounding finding counts once per table).\n"
        );
        let _ = writeln!(s, "## Failing cells\n");
        let mut any = false;
        for t in self.tables.iter().filter(|t| !t.findings.is_empty()) {
            any = true;
            let _ = writeln!(
                s,
                "### `{}`: {}\n\n| row | column | rule | detail | action |\n|---|---|---|---|---|",
                t.id,
                t.title.replace('|', "\\|")
            );
            for f in &t.findings {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    if f.row_label.is_empty() {
                        "(table)".to_string()
                    } else {
                        f.row_label.replace('|', "\\|")
                    },
                    if f.column_label.is_empty() {
                        "(all)".to_string()
                    } else {
                        f.column_label.replace('|', "\\|")
                    },
                    f.rule.name(),
                    f.detail.replace('|', "\\|"),
                    match f.action {
                        Action::None => "none",
                        Action::Flagged => "marked (!)",
                        Action::Suppressed => "suppressed (x)",
                        Action::Rounded => "rounded",
                    }
                );
            }
            s.push('\n');
        }
        if !any {
            let _ = writeln!(s, "None.\n");
        }
        let _ = writeln!(s, "## Key values\n");
        if self.ids_scanned == 0 {
            let _ = writeln!(s, "No person_id scan was run.");
        } else if self.id_hits.is_empty() {
            let _ = writeln!(
                s,
                "{} person_id values compared with every word of the outputs: none found.",
                n(self.ids_scanned)
            );
        } else {
            let _ = writeln!(
                s,
                "{} person_id values compared with the outputs: **{} found** (the id is not repeated here).\n",
                n(self.ids_scanned),
                n(self.id_hits.len())
            );
            for h in &self.id_hits {
                let _ = writeln!(s, "- in `{}`", h.output);
            }
        }
        s
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_markdown())
    }
}
