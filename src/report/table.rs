//! One table type for every output: a title, columns (a machine key and a label each),
//! rows of typed cells and notes. Cells keep their numbers (a count, a share, a plain
//! number or text) so that the number format and rounding are applied when the table is
//! rendered, and so that disclosure control can check each cell against the persons
//! behind it and suppress it.
//!
//! Renderings: aligned plain text (`Display`), Markdown, HTML (escaped), CSV and JSON. The
//! first three are for people and follow a [`Style`] (language, notation, rounding). CSV
//! and JSON are for machines: column keys, numbers as plain numbers (shares as fractions),
//! suppressed cells empty (CSV) or `null` (JSON); counts are unrounded unless the style
//! rounds them, as the report style and `--disclosure strict` do.

use std::fmt::{self, Write as _};

use serde::Serialize;

use super::format::{round_to, Style};
use super::lang::Lang;
use crate::estimate::level::wilson;
use crate::estimate::ConfidenceLevel;

/// What a cell holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// Words (a row label, a condition).
    Text(String),
    /// A number of persons, expected or counted: rounded in report style.
    Count(f64),
    /// A fraction, shown as a percentage.
    Share(f64),
    /// Any other number, shown with a fixed number of decimals (AUC, a factor).
    Number {
        /// The value.
        value: f64,
        /// Decimals shown to people.
        decimals: usize,
    },
    /// Nothing (an internal node of a tree has no probability column).
    Empty,
}

/// Persons behind a cell, for the minimum-persons rule: e.g. a leaf's probability rests
/// on its persons, its positives and its non-positives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Basis {
    /// What is counted (`persons`, `positives`, `employed`, ...).
    pub what: &'static str,
    /// How many.
    pub persons: u64,
}

/// A cell that is one end of the Wilson interval of its ratio's rate (a tree leaf's
/// probability): under strict disclosure it is recomputed from the two rounded counts, as
/// the rate itself is, so that it cannot undo their rounding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateBound {
    /// The upper end (else the lower).
    pub upper: bool,
    /// The interval's confidence level.
    pub level: ConfidenceLevel,
}

impl RateBound {
    /// This end of the Wilson interval of `positives` in `n`.
    pub fn of(self, positives: f64, n: f64) -> f64 {
        let i = wilson(positives.round() as u64, n.round() as u64, self.level);
        if self.upper {
            i.high
        } else {
            i.low
        }
    }
}

/// Where a cell stands after disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not checked, or checked and passing.
    #[default]
    Ok,
    /// Fails a rule; shown with the marker ` (!)`.
    Flagged,
    /// Fails a rule and is not shown (`x`), or is hidden so that it cannot be recomputed
    /// from the others (secondary suppression).
    Suppressed,
}

/// The marker of a flagged cell.
pub const FLAG_MARK: &str = " (!)";
/// What a suppressed cell shows (the CBS sign for "secret").
pub const SUPPRESSED_MARK: &str = "x";

/// One cell: a value, the persons behind it, and its disclosure status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// The value.
    pub value: Value,
    /// Persons behind the value; empty when the cell is not about persons (labels) or the
    /// numbers are unknown (a hand-built tree).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<Basis>,
    /// The value is a minimum or maximum of persons' values (never publishable).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub extreme: bool,
    /// A share that is `count / of` (two counts of persons): under strict disclosure it is
    /// published as the ratio of the two rounded counts, so that it cannot undo their
    /// rounding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<(f64, f64)>,
    /// The cell is an end of the Wilson interval of `ratio`'s rate, not the rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_bound: Option<RateBound>,
    /// A whole number of persons: JSON writes it as an integer in every mode.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub whole: bool,
    /// Set by disclosure control.
    pub status: Status,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::of(Value::Text(s.into()))
    }

    /// A count.
    pub fn count(x: f64) -> Cell {
        Cell::of(Value::Count(x))
    }

    /// A share (fraction).
    pub fn share(x: f64) -> Cell {
        Cell::of(Value::Share(x))
    }

    /// A whole number of persons (a count that is never fractional).
    pub fn persons(n: u64) -> Cell {
        Cell {
            whole: true,
            ..Cell::count(n as f64)
        }
    }

    /// The share `count / of` of two counts of persons (0 when `of` is 0).
    pub fn ratio(count: f64, of: f64) -> Cell {
        Cell {
            ratio: Some((count, of)),
            ..Cell::share(if of > 0.0 { count / of } else { 0.0 })
        }
    }

    /// One end of the Wilson interval at `level` of the rate of `positives` in `n`
    /// (see [`wilson`]).
    pub fn rate_bound(positives: u64, n: u64, level: ConfidenceLevel, upper: bool) -> Cell {
        let bound = RateBound { upper, level };
        Cell {
            ratio: Some((positives as f64, n as f64)),
            rate_bound: Some(bound),
            ..Cell::share(bound.of(positives as f64, n as f64))
        }
    }

    /// A plain number with `decimals` decimals.
    pub fn number(value: f64, decimals: usize) -> Cell {
        Cell::of(Value::Number { value, decimals })
    }

    /// An empty cell.
    pub fn empty() -> Cell {
        Cell::of(Value::Empty)
    }

    fn of(value: Value) -> Cell {
        Cell {
            value,
            basis: Vec::new(),
            extreme: false,
            ratio: None,
            rate_bound: None,
            whole: false,
            status: Status::Ok,
        }
    }

    /// Adds persons behind the cell.
    pub fn on(mut self, what: &'static str, persons: u64) -> Cell {
        self.basis.push(Basis { what, persons });
        self
    }

    /// Marks the value as a minimum or maximum of persons' values.
    pub fn extreme(mut self) -> Cell {
        self.extreme = true;
        self
    }

    /// Whether the cell carries a number (count, share or plain number).
    pub fn is_number(&self) -> bool {
        matches!(
            self.value,
            Value::Count(_) | Value::Share(_) | Value::Number { .. }
        )
    }

    /// The cell for people, in a style, with its disclosure marker.
    pub fn display(&self, style: &Style) -> String {
        if self.status == Status::Suppressed {
            return SUPPRESSED_MARK.into();
        }
        let mut s = match &self.value {
            Value::Text(t) => t.clone(),
            Value::Count(x) => style.count(*x),
            Value::Share(x) => style.share(*x),
            Value::Number { value, decimals } => style.numbers.decimal(*value, *decimals),
            Value::Empty => String::new(),
        };
        if self.status == Status::Flagged {
            s.push_str(FLAG_MARK);
        }
        s
    }

    /// The cell for machines: plain numbers (shares as fractions), counts rounded to
    /// `count_to` if given; `None` for suppressed and empty cells.
    pub fn machine(&self, count_to: Option<u64>) -> Option<MachineValue> {
        if self.status == Status::Suppressed {
            return None;
        }
        Some(match &self.value {
            Value::Text(t) => MachineValue::Text(t.clone()),
            Value::Count(x) => MachineValue::Number(count_to.map_or(*x, |to| round_to(*x, to))),
            Value::Share(x) | Value::Number { value: x, .. } => MachineValue::Number(*x),
            Value::Empty => return None,
        })
    }
}

/// A cell's value in CSV and JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum MachineValue {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
}

impl fmt::Display for MachineValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MachineValue::Text(t) => f.write_str(t),
            // Rust's shortest round-trip form: 4000, 0.025, 3951.2.
            MachineValue::Number(x) => write!(f, "{x}"),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::text(s)
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::text(s)
    }
}

/// Output formats of tables and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Aligned plain text.
    Text,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// An HTML fragment.
    Html,
    /// CSV with a header of column keys.
    Csv,
    /// JSON.
    Json,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<OutputFormat, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(OutputFormat::Text),
            "markdown" | "md" => Ok(OutputFormat::Markdown),
            "html" => Ok(OutputFormat::Html),
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            other => Err(format!(
                "unknown format {other:?}: expected text, markdown, html, csv or json"
            )),
        }
    }
}

/// A table: title, columns, rows of typed cells, notes.
///
/// ```
/// use banenafspraak::report::{Cell, Lang, Style, Table};
/// let t = Table::new("Example", ["group", "persons"])
///     .with_row(["all".into(), Cell::count(3_951.2).on("persons", 158_000)]);
/// assert!(t.to_string().contains("\nall      4,000\n"));
/// assert!(t.to_markdown(&Style::report(Lang::Nl)).contains("| all | 4.000 |"));
/// assert_eq!(t.to_csv(None), "group,persons,disclosure\nall,3951.2,unchecked\n");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Machine name, unique within a report (`ww_counts`); names files and check-report
    /// entries.
    pub id: String,
    /// The caption.
    pub title: String,
    /// Column labels for people.
    pub columns: Vec<String>,
    /// Column keys for machines (CSV header, JSON keys), one per column.
    pub keys: Vec<String>,
    /// Rows of cells; the first cell of a row is its label.
    pub rows: Vec<Vec<Cell>>,
    /// Footnotes.
    pub notes: Vec<String>,
    /// Rows that together make up a whole (categories of a distribution), so that one
    /// suppressed cell among them could be recomputed from the others; disclosure control
    /// then suppresses a second one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partition: Vec<usize>,
    /// Set by disclosure control.
    pub checked: Checked,
}

/// A column key from a label: lower case, words joined by `_`.
fn key_of(label: &str) -> String {
    let mut key = String::new();
    for word in label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push('_');
        }
        key.push_str(&word.to_lowercase());
    }
    key
}

impl Table {
    /// An empty table; column keys are made from the labels (`mean probability` ->
    /// `mean_probability`).
    pub fn new<S: Into<String>>(
        title: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Table {
        let columns: Vec<String> = columns.into_iter().map(Into::into).collect();
        let title = title.into();
        Table {
            id: key_of(&title),
            keys: columns.iter().map(|c| key_of(c)).collect(),
            title,
            columns,
            rows: Vec::new(),
            notes: Vec::new(),
            partition: Vec::new(),
            checked: Checked::Unchecked,
        }
    }

    /// Sets the machine name.
    pub fn with_id(mut self, id: impl Into<String>) -> Table {
        self.id = id.into();
        self
    }

    /// Sets the column keys (one per column).
    pub fn with_keys<S: Into<String>>(mut self, keys: impl IntoIterator<Item = S>) -> Table {
        self.keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a row.
    pub fn with_row<C: Into<Cell>>(mut self, cells: impl IntoIterator<Item = C>) -> Table {
        self.push_row(cells);
        self
    }

    /// Adds a row.
    pub fn push_row<C: Into<Cell>>(&mut self, cells: impl IntoIterator<Item = C>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Adds a footnote.
    pub fn with_note(mut self, note: impl Into<String>) -> Table {
        self.notes.push(note.into());
        self
    }

    /// The label of row `r` (its first cell as text).
    pub fn row_label(&self, r: usize) -> String {
        match self
            .rows
            .get(r)
            .and_then(|row| row.first())
            .map(|c| &c.value)
        {
            Some(Value::Text(t)) => t.trim().to_string(),
            Some(_) | None => format!("row {}", r + 1),
        }
    }

    /// Whether any cell is flagged or suppressed.
    pub fn has_status(&self, status: Status) -> bool {
        self.cells().any(|c| c.status == status)
    }

    fn cells(&self) -> impl Iterator<Item = &Cell> + '_ {
        self.rows.iter().flatten()
    }

    fn has_counts(&self) -> bool {
        self.cells()
            .any(|c| matches!(c.value, Value::Count(_)) && c.status != Status::Suppressed)
    }

    /// The notes a rendering prints: the table's own, the rounding footnote when counts
    /// are rounded, and the legend of disclosure markers in use.
    pub fn rendered_notes(&self, style: &Style) -> Vec<String> {
        let mut notes = self.notes.clone();
        if self.has_counts() {
            notes.extend(style.rounding_note());
        }
        if self.has_status(Status::Suppressed) {
            notes.push(
                style
                    .lang
                    .pick(
                        "x = suppressed by disclosure control (too few persons behind the cell, or recomputable from suppressed cells).",
                        "x = geheim (onthullingscontrole: te weinig personen achter de cel, of af te leiden uit geheime cellen).",
                    )
                    .into(),
            );
        }
        if self.has_status(Status::Flagged) {
            notes.push(
                style
                    .lang
                    .pick(
                        "(!) = fails a disclosure rule: not for publication as it stands.",
                        "(!) = voldoet niet aan een regel voor onthullingscontrole: zo niet publiceerbaar.",
                    )
                    .into(),
            );
        }
        notes
    }

    fn width(&self) -> usize {
        self.columns
            .len()
            .max(self.rows.iter().map(Vec::len).max().unwrap_or(0))
    }

    /// Renders in a format; CSV and JSON ignore the style's notation and use its rounding.
    pub fn render(&self, format: OutputFormat, style: &Style) -> String {
        match format {
            OutputFormat::Text => self.to_text(style),
            OutputFormat::Markdown => self.to_markdown(style),
            OutputFormat::Html => self.to_html(style),
            OutputFormat::Csv => self.to_csv(style.count_to),
            OutputFormat::Json => self.to_json(style.count_to),
        }
    }

    /// Aligned plain text: the first column left-aligned, the others right-aligned, two
    /// spaces apart; then the notes.
    pub fn to_text(&self, style: &Style) -> String {
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.display(style)).collect())
            .collect();
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.title);
        out.push_str(&crate::layout::aligned(&self.columns, &rows));
        for note in self.rendered_notes(style) {
            let _ = writeln!(out, "{note}");
        }
        out
    }

    /// GitHub-flavoured Markdown: the title in bold, the table (numbers right-aligned),
    /// the notes in italics. `|` is escaped; leading spaces (tree indentation) become
    /// non-breaking spaces so that they survive.
    pub fn to_markdown(&self, style: &Style) -> String {
        let n = self.width();
        let mut out = String::new();
        let _ = writeln!(out, "**{}**\n", md_escape(&self.title));
        let header: Vec<String> = (0..n)
            .map(|k| md_escape(self.columns.get(k).map_or("", String::as_str)))
            .collect();
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let align: Vec<&str> = (0..n)
            .map(|k| {
                if self.numeric_column(k) {
                    "---:"
                } else {
                    "---"
                }
            })
            .collect();
        let _ = writeln!(out, "|{}|", align.join("|"));
        for row in &self.rows {
            let cells: Vec<String> = (0..n)
                .map(|k| {
                    row.get(k)
                        .map_or(String::new(), |c| md_escape(&c.display(style)))
                })
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        let notes = self.rendered_notes(style);
        if !notes.is_empty() {
            out.push('\n');
            for note in notes {
                let _ = writeln!(out, "*{}*  ", md_escape(&note).replace('*', "\\*"));
            }
        }
        out
    }

    fn numeric_column(&self, k: usize) -> bool {
        k > 0
            && self
                .rows
                .iter()
                .filter_map(|r| r.get(k))
                .any(Cell::is_number)
    }

    /// An HTML fragment: a `<table>` with the title as caption, a header row, the rows
    /// (label cells as row headers, numbers right-aligned) and the notes in the footer.
    /// Every text is escaped. Flagged cells have class `disclosure-flag`, suppressed ones
    /// `disclosure-suppressed`.
    pub fn to_html(&self, style: &Style) -> String {
        let n = self.width();
        let mut out = String::new();
        let _ = write!(
            out,
            "<table class=\"banenafspraak\" id=\"{}\" style=\"border-collapse:collapse\">\n<caption style=\"text-align:left;font-weight:bold\">{}</caption>\n<thead><tr>",
            html_escape(&self.id),
            html_escape(&self.title)
        );
        for k in 0..n {
            let label = self.columns.get(k).map_or("", String::as_str);
            let align = if self.numeric_column(k) {
                "right"
            } else {
                "left"
            };
            let _ = write!(
                out,
                "<th style=\"text-align:{align}\">{}</th>",
                html_escape(label)
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for k in 0..n {
                let Some(cell) = row.get(k) else {
                    out.push_str("<td></td>");
                    continue;
                };
                let text = html_indent(&cell.display(style));
                let tag = if k == 0 { "th" } else { "td" };
                let align = if cell.is_number() || (k > 0 && self.numeric_column(k)) {
                    "right"
                } else {
                    "left"
                };
                let class = match cell.status {
                    Status::Ok => "",
                    Status::Flagged => " class=\"disclosure-flag\"",
                    Status::Suppressed => " class=\"disclosure-suppressed\"",
                };
                let scope = if k == 0 { " scope=\"row\"" } else { "" };
                let weight = if k == 0 { ";font-weight:normal" } else { "" };
                let _ = write!(
                    out,
                    "<{tag}{scope}{class} style=\"text-align:{align}{weight}\">{text}</{tag}>"
                );
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n");
        let notes = self.rendered_notes(style);
        if !notes.is_empty() {
            out.push_str("<tfoot>\n");
            for note in notes {
                let _ = writeln!(
                    out,
                    "<tr><td colspan=\"{n}\" style=\"text-align:left;font-style:italic\">{}</td></tr>",
                    html_escape(&note)
                );
            }
            out.push_str("</tfoot>\n");
        }
        out.push_str("</table>\n");
        out
    }

    /// CSV: a header of column keys and a last column `disclosure`, then the rows as plain
    /// numbers (shares as fractions); counts rounded to `count_to` if given. Suppressed and
    /// empty cells are empty; `disclosure` says per row what disclosure control did
    /// ([`Table::row_disclosure`]). The columns are the same in every mode.
    pub fn to_csv(&self, count_to: Option<u64>) -> String {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let mut header: Vec<String> = self.keys.clone();
        header.push(DISCLOSURE_KEY.into());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&header);
        for row in &self.rows {
            let mut record: Vec<String> = row
                .iter()
                .map(|c| c.machine(count_to).map_or(String::new(), |v| v.to_string()))
                .collect();
            record.resize(self.keys.len(), String::new());
            record.push(self.row_disclosure(row).into());
            let _ = w.write_record(&record);
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// What disclosure control did to a row: `suppressed` (a cell of it), `flagged` (a
    /// cell fails, report mode), `rounded` (strict: its counts rounded, shares and numbers
    /// published at their precision), `ok` (checked, passes) or `unchecked` (mode off).
    pub fn row_disclosure(&self, row: &[Cell]) -> &'static str {
        if row.iter().any(|c| c.status == Status::Suppressed) {
            "suppressed"
        } else if row.iter().any(|c| c.status == Status::Flagged) {
            "flagged"
        } else {
            match self.checked {
                Checked::Rounded => "rounded",
                Checked::Checked => "ok",
                Checked::Unchecked => "unchecked",
            }
        }
    }

    /// JSON: `{id, title, columns: [{key, label}], rows: [{key: value}], notes, cells}`,
    /// with numbers as numbers (shares as fractions), suppressed cells `null`, counts
    /// rounded to `count_to` if given, and `cells` listing the flagged and suppressed
    /// cells (`{row, column, status}`).
    pub fn to_json(&self, count_to: Option<u64>) -> String {
        serde_json::to_string_pretty(&self.json_value(count_to)).unwrap_or_default()
    }

    /// The rows as JSON objects: every key of the table in order (`null` where a cell is
    /// empty, missing or suppressed) and `disclosure` last; whole numbers of persons as
    /// integers, other numbers as floats, in every mode.
    pub fn json_rows(&self, count_to: Option<u64>) -> Vec<serde_json::Value> {
        use serde_json::{Map, Value as J};
        self.rows
            .iter()
            .map(|row| {
                let mut obj = Map::new();
                for (k, key) in self.keys.iter().enumerate() {
                    let cell = row.get(k);
                    let v = match cell.and_then(|c| c.machine(count_to)) {
                        Some(MachineValue::Text(t)) => J::String(t),
                        Some(MachineValue::Number(x)) if cell.is_some_and(|c| c.whole) => {
                            J::from(x.round() as i64)
                        }
                        Some(MachineValue::Number(x)) => {
                            serde_json::Number::from_f64(x).map_or(J::Null, J::Number)
                        }
                        None => J::Null,
                    };
                    obj.insert(key.clone(), v);
                }
                obj.insert(DISCLOSURE_KEY.into(), J::from(self.row_disclosure(row)));
                J::Object(obj)
            })
            .collect()
    }

    /// The JSON of [`Table::to_json`] as a value.
    pub fn json_value(&self, count_to: Option<u64>) -> serde_json::Value {
        use serde_json::{json, Value as J};
        let columns: Vec<J> = self
            .keys
            .iter()
            .zip(&self.columns)
            .map(|(k, l)| json!({"key": k, "label": l}))
            .collect();
        let mut marked = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            for (k, cell) in row.iter().enumerate() {
                if cell.status != Status::Ok {
                    let key = self.keys.get(k).cloned().unwrap_or_else(|| format!("{k}"));
                    marked.push(json!({"row": r, "column": key, "status": cell.status}));
                }
            }
        }
        json!({
            "id": self.id,
            "title": self.title,
            "columns": columns,
            "rows": self.json_rows(count_to),
            "notes": self.notes,
            "cells": marked,
        })
    }

    /// Adds the table's texts to an id scan: its text cells as labels; title, column
    /// labels and notes as prose. Numbers are not words and are not read.
    pub fn add_to_scan(&self, input: &mut super::ScanInput) {
        input.prose.push(self.title.clone());
        input.prose.extend(self.columns.iter().cloned());
        input.prose.extend(self.notes.iter().cloned());
        input
            .labels
            .extend(self.cells().filter_map(|c| match &c.value {
                Value::Text(t) if c.status != Status::Suppressed => Some(t.clone()),
                _ => None,
            }));
    }
}

/// The last column of every CSV table and key of every JSON row.
pub const DISCLOSURE_KEY: &str = "disclosure";

/// What disclosure control did to a table as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Checked {
    /// Not checked (mode off, or never passed through disclosure control).
    #[default]
    Unchecked,
    /// Checked; numbers unchanged (report mode).
    Checked,
    /// Checked; counts rounded and shares and numbers published at their precision
    /// (strict mode).
    Rounded,
}

impl fmt::Display for Table {
    /// Plain text in the report's English style.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text(&Style::report(Lang::En)))
    }
}

/// Escapes text for HTML element content and attribute values.
///
/// ```
/// use banenafspraak::report::table::html_escape;
/// assert_eq!(html_escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
/// ```
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped HTML whose leading spaces are kept as non-breaking spaces.
fn html_indent(s: &str) -> String {
    let trimmed = s.trim_start_matches(' ');
    let lead = s.len() - trimmed.len();
    // &#160; rather than &nbsp;: the fragment stays well-formed XML as well as HTML.
    format!("{}{}", "&#160;".repeat(lead), html_escape(trimmed))
}

/// Escapes Markdown table text: `|` and `\`, leading spaces as `&nbsp;`, newlines as
/// spaces.
fn md_escape(s: &str) -> String {
    let trimmed = s.trim_start_matches(' ');
    let lead = s.len() - trimmed.len();
    let body = trimmed
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ");
    format!("{}{}", "&nbsp;".repeat(lead), body)
}
