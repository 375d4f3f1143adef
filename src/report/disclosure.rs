//! Disclosure control before export: results leave the CBS remote-access environment only
//! after output checking, so every published cell is checked here first against rules
//! taken from common output-checking practice, with ACRO's defaults (the ESSnet/Eurostat
//! guidelines for output checking, CBS's rules for microdata output, ACRO's
//! `safe_threshold`, `zeros_are_disclosive` and `safe_dof_threshold`):
//!
//! - **minimum persons**: at least 10 persons behind every published cell. A cell records
//!   who is behind it ([`Basis`](super::table::Basis)): the group for a count or a share,
//!   the employed for "had work", those without work for "finds/keeps work", and for a
//!   tree leaf or a calibration bin its persons, its positives and its non-positives (a
//!   leaf of 1,000 persons with 3 positives says something about those 3). Below 10 under
//!   strict needs [`DisclosureRules::small_minimum_allowed`].
//! - **zeros**: a cell resting on 0 persons of some kind is disclosive (a leaf with no
//!   positives says something about all its persons; "had work 0%" about every member).
//! - **residual degrees of freedom**: at least 10 behind a model coefficient.
//! - **rounding**: counts rounded (to hundreds), each cell on its own; under strict a share
//!   of two counts is derived from the rounded counts, other shares and numbers are
//!   published at the precision they are shown with.
//! - **no extremes**: no minimum or maximum of persons' values (a cell marked
//!   [`Cell::extreme`](super::table::Cell::extreme), or a column whose header says min or
//!   max).
//! - **no keys**: no `person_id` (or other key) column in any table, and no person_id
//!   value in any label or text of an output ([`scan_ids`]).
//!
//! [`DisclosureMode::Strict`] suppresses failing cells (`x`), suppresses a second cell
//! where one suppressed category of a distribution could be recomputed from the others,
//! and rounds; [`DisclosureMode::Report`] marks failing cells ` (!)` and changes no
//! number; [`DisclosureMode::Off`] does nothing. [`CheckReport`] is the account for the
//! output checker, in Markdown and in ACRO's `results.json` layout; it names failing cells
//! by row and column, never by their number of persons, and
//! [`CheckReport::ensure_exportable`] is the export policy.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

pub use super::account::CheckReport;
use super::format::round_to;
pub use super::scan::{scan_ids, IdHit, ScanInput, MIN_ID_CHARS};
use super::table::{Cell, Checked, Status, Table, Value};

/// The rules, with defaults from common output-checking practice.
///
/// ```
/// use banenafspraak::report::DisclosureRules;
/// let r = DisclosureRules::default();
/// assert_eq!((r.min_persons, r.round_to, r.zeros_disclosive, r.min_residual_dof), (10, 100, true, 10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosureRules {
    /// Fewest persons behind a published cell (each of a cell's bases). ACRO's default
    /// `safe_threshold` is 10; under strict a lower minimum needs
    /// [`DisclosureRules::small_minimum_allowed`].
    pub min_persons: u64,
    /// A cell resting on 0 persons of some kind is disclosive (ACRO's
    /// `zeros_are_disclosive`): it says that everyone in the group is in the other class.
    pub zeros_disclosive: bool,
    /// Fewest residual degrees of freedom (training rows minus parameters) behind a
    /// published model coefficient (ACRO's `safe_dof_threshold`, 10).
    pub min_residual_dof: u64,
    /// The user explicitly allowed a minimum below 10 under strict; the check report says so.
    pub small_minimum_allowed: bool,
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
            zeros_disclosive: true,
            min_residual_dof: 10,
            small_minimum_allowed: false,
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

/// The minimum below which [`DisclosureRules::min_persons`] needs an explicit flag under
/// strict (ACRO's default threshold).
pub const SAFE_MINIMUM: u64 = 10;

/// The basis kind of a model coefficient's residual degrees of freedom.
pub const RESIDUAL_DOF: &str = "residual degrees of freedom";

impl DisclosureRules {
    /// Checks the rules for a mode: under strict a minimum below [`SAFE_MINIMUM`] needs
    /// `small_minimum_allowed`, and counts must be rounded to at least 1.
    ///
    /// ```
    /// use banenafspraak::report::{DisclosureMode, DisclosureRules};
    /// let low = DisclosureRules { min_persons: 5, ..DisclosureRules::default() };
    /// assert!(low.check(DisclosureMode::Strict).is_err());
    /// assert!(low.check(DisclosureMode::Report).is_ok());
    /// let allowed = DisclosureRules { small_minimum_allowed: true, ..low };
    /// assert!(allowed.check(DisclosureMode::Strict).is_ok());
    /// ```
    pub fn check(&self, mode: DisclosureMode) -> crate::Result<()> {
        if mode == DisclosureMode::Strict
            && self.min_persons < SAFE_MINIMUM
            && !self.small_minimum_allowed
        {
            return Err(crate::Error::InvalidParameter {
                name: "min-persons",
                value: self.min_persons.to_string(),
                reason: format!(
                    "below {SAFE_MINIMUM}, the minimum of common output-checking practice (ACRO's default); \
                     under --disclosure strict a smaller minimum needs --allow-small-minimum, and the \
                     check report states it"
                ),
            });
        }
        Ok(())
    }

    /// Warnings about settings that make the checks weak (a minimum below 10, or 0).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.min_persons == 0 {
            out.push("--min-persons 0: the minimum-persons rule passes every cell".into());
        } else if self.min_persons < SAFE_MINIMUM {
            out.push(format!(
                "--min-persons {} is below {SAFE_MINIMUM}, the minimum of common output-checking practice; \
                 output checkers may refuse cells that pass it",
                self.min_persons
            ));
        }
        out
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
    /// No cell resting on zero persons of some kind (when zeros are disclosive).
    Zeros,
    /// At least `min_residual_dof` residual degrees of freedom behind a model coefficient.
    ResidualDof,
    /// Counts rounded to `round_to`.
    Rounding,
    /// No minima or maxima of persons' values.
    NoExtremes,
    /// No key columns or key values.
    NoKeys,
}

impl Rule {
    /// The rule's name in ACRO's `results.json` (`threshold`, `dof`, ...).
    pub fn acro_name(self) -> &'static str {
        match self {
            Rule::MinPersons => "threshold",
            Rule::Zeros => "zeros",
            Rule::ResidualDof => "dof",
            Rule::Rounding => "rounding",
            Rule::NoExtremes => "extremes",
            Rule::NoKeys => "keys",
        }
    }

    /// Every rule, in the order of the check report.
    pub const ALL: [Rule; 6] = [
        Rule::MinPersons,
        Rule::Zeros,
        Rule::ResidualDof,
        Rule::Rounding,
        Rule::NoExtremes,
        Rule::NoKeys,
    ];

    /// The rule in words, with its setting.
    pub fn describe(self, r: &DisclosureRules) -> String {
        match self {
            Rule::MinPersons => format!(
                "at least {} persons behind every published cell (a tree leaf's or calibration bin's persons, positives and non-positives each){}",
                r.min_persons,
                if r.min_persons < SAFE_MINIMUM {
                    format!(
                        "; below the usual minimum of {SAFE_MINIMUM}{}",
                        if r.small_minimum_allowed { ", explicitly allowed by the user" } else { "" }
                    )
                } else {
                    String::new()
                }
            ),
            Rule::Zeros => if r.zeros_disclosive {
                "zeros are disclosive: no cell resting on 0 persons of some kind (everyone in the group would be in the other class)".into()
            } else {
                "zeros allowed, except 0 positives or 0 non-positives".into()
            },
            Rule::ResidualDof => format!(
                "at least {} residual degrees of freedom behind a model coefficient",
                r.min_residual_dof
            ),
            Rule::Rounding => format!(
                "counts rounded to multiples of {}, each cell on its own",
                r.round_to
            ),
            Rule::NoExtremes => "no individual values: no minimum or maximum of persons' values, and no tree \
                                 threshold that only a few persons hold (see model values)"
                .into(),
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
            Rule::Zeros => "zeros",
            Rule::ResidualDof => "residual dof",
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
    /// Row labels and column keys, for the cell-by-cell outcome of the ACRO layout.
    #[serde(skip)]
    pub grid: (Vec<String>, Vec<String>),
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
    // "positives", or "positives with the level" behind a logistic coefficient.
    matches!(
        what.split(' ').next(),
        Some("positives" | "non-positives" | "negatives")
    )
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

/// The rules a cell's bases break, each with its detail in words. The detail names the
/// kind and the minimum, never the number of persons (the check report may leave the
/// environment too).
fn basis_findings(cell: &Cell, rules: &DisclosureRules) -> Vec<(Rule, String)> {
    let mut out = Vec::new();
    for b in &cell.basis {
        if b.what == RESIDUAL_DOF {
            if b.persons < rules.min_residual_dof {
                out.push((
                    Rule::ResidualDof,
                    format!("fewer than {} {}", rules.min_residual_dof, b.what),
                ));
            }
        } else if b.persons == 0 && (rules.zeros_disclosive || is_class(b.what)) {
            out.push((Rule::Zeros, format!("no {} (zeros are disclosive)", b.what)));
        } else if b.persons > 0 && b.persons < rules.min_persons {
            out.push((
                Rule::MinPersons,
                format!("fewer than {} {}", rules.min_persons, b.what),
            ));
        }
    }
    out
}

/// Per column: whether it is a key column, and whether its header says minimum or
/// maximum (with extremes forbidden).
fn column_flags(t: &Table, rules: &DisclosureRules) -> (Vec<bool>, Vec<bool>) {
    let n_cols = t.columns.len().max(t.keys.len());
    let headers = |k: usize| [t.keys.get(k), t.columns.get(k)].into_iter().flatten();
    let key_col = (0..n_cols)
        .map(|k| {
            headers(k).any(|h| {
                rules
                    .key_columns
                    .iter()
                    .any(|key| key.eq_ignore_ascii_case(h.trim()))
            })
        })
        .collect();
    let extreme_col = (0..n_cols)
        .map(|k| rules.forbid_extremes && headers(k).any(|h| says_extreme(h)))
        .collect();
    (key_col, extreme_col)
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
    let (key_col, extreme_col) = column_flags(t, rules);
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
            for (rule, detail) in basis_findings(cell, rules) {
                findings.push(finding(Some(r), Some(k), rule, detail));
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
        grid: (
            (0..t.rows.len()).map(|r| t.row_label(r)).collect(),
            t.keys.clone(),
        ),
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
        t.checked = Checked::Unchecked;
        return TableCheck {
            id: t.id.clone(),
            title: t.title.clone(),
            cells_checked: 0,
            findings: Vec::new(),
            grid: Default::default(),
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
                f.action = Action::Rounded;
            }
            _ => {}
        }
    }
    if mode == DisclosureMode::Strict {
        for (r, k) in publish_rounded(t, rules.round_to) {
            check.findings.push(Finding {
                row: Some(r),
                column: Some(k),
                row_label: t.row_label(r),
                column_label: t.columns.get(k).cloned().unwrap_or_default(),
                rule: Rule::Rounding,
                detail: "a share of a count that rounds to 0".into(),
                action: Action::Suppressed,
            });
        }
        if rules.secondary_suppression {
            check.findings.extend(secondary_suppression(t));
        }
        t.checked = Checked::Rounded;
    } else {
        t.checked = Checked::Checked;
    }
    check
}

/// Share decimals published under strict (as fractions: 0.1%, the report's precision).
const SHARE_DECIMALS: i32 = 3;

fn round_decimals(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// Strict publication of a checked table: counts rounded, a share of two counts derived
/// from the rounded counts (so that shares cannot undo the rounding of the counts they
/// come from; a share of a count that rounds to 0 is suppressed), other shares and
/// numbers rounded to the precision they are shown with. Returns the cells suppressed.
fn publish_rounded(t: &mut Table, to: u64) -> Vec<(usize, usize)> {
    let mut suppressed = Vec::new();
    for (r, k, cell) in t
        .rows
        .iter_mut()
        .enumerate()
        .flat_map(|(r, row)| row.iter_mut().enumerate().map(move |(k, c)| (r, k, c)))
    {
        if cell.status == Status::Suppressed {
            continue;
        }
        match (&mut cell.value, cell.ratio) {
            (Value::Count(x), _) => *x = round_to(*x, to),
            (Value::Share(x), Some((count, of))) => {
                let (count, of) = (round_to(count, to), round_to(of, to));
                if of > 0.0 {
                    let rate = match cell.rate_bound {
                        Some(bound) => bound.of(count.min(of), of),
                        None => count / of,
                    };
                    *x = round_decimals(rate, SHARE_DECIMALS);
                } else {
                    cell.status = Status::Suppressed;
                    suppressed.push((r, k));
                }
            }
            (Value::Share(x), None) => *x = round_decimals(*x, SHARE_DECIMALS),
            (Value::Number { value, decimals }, _) => {
                *value = round_decimals(*value, (*decimals).min(12) as i32)
            }
            (Value::Text(_) | Value::Empty, _) => {}
        }
    }
    suppressed
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

/// The text with every plain whole number (not part of a word, a decimal or a grouped
/// number) rounded to a multiple of `to`, and the numbers that were
/// not already multiples.
///
/// ```
/// use banenafspraak::report::disclosure::round_numbers_in_text;
/// let (text, found) = round_numbers_in_text("larger than the 392273 eligible persons, 97 of them; 1,800 and 2.900; id P00012", 100);
/// assert_eq!(text, "larger than the 392300 eligible persons, 100 of them; 1,800 and 2.900; id P00012");
/// assert_eq!(found, ["392273", "97"]);
/// ```
pub fn round_numbers_in_text(text: &str, to: u64) -> (String, Vec<String>) {
    round_numbers_where(text, to, |_, _| false)
}

/// As [`round_numbers_in_text`], for a message on standard error under strict: a range
/// (`aged 16-66`) is a label and a bound after `at least` or `at most` is set by the run's
/// parameters (`needs at least 400`); neither is a count and both stay as they are.
///
/// ```
/// use banenafspraak::report::disclosure::round_counts_in_message;
/// let (text, found) = round_counts_in_message(
///     "263 persons to train on (1397 eligible persons aged 16-66); needs at least 400", 100);
/// assert_eq!(text, "300 persons to train on (1400 eligible persons aged 16-66); needs at least 400");
/// assert_eq!(found, ["263", "1397"]);
/// ```
pub fn round_counts_in_message(text: &str, to: u64) -> (String, Vec<String>) {
    round_numbers_where(text, to, |before, after| {
        let range = |c: Option<char>, next: Option<char>| {
            c == Some('-') && next.is_some_and(|c| c.is_ascii_digit())
        };
        let mut back = before.chars().rev();
        let mut ahead = after.chars();
        range(back.next(), back.next())
            || range(ahead.next(), ahead.next())
            || before.ends_with("at least ")
            || before.ends_with("at most ")
    })
}

/// Rounds the plain whole numbers of a text except those `keep(before, after)` keeps.
fn round_numbers_where(
    text: &str,
    to: u64,
    keep: impl Fn(&str, &str) -> bool,
) -> (String, Vec<String>) {
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
            Ok(n)
                if !in_word
                    && !grouped
                    && n % to.max(1) != 0
                    && !keep(&text[..start], &text[i..]) =>
            {
                found.push(run.to_string());
                out.push_str(&(round_to(n as f64, to) as u64).to_string());
            }
            _ => out.push_str(run),
        }
    }
    (out, found)
}
