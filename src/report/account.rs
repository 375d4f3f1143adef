//! The check report, the account of an output for the output checker: what was checked
//! (each table with each rule's result and the cells that fail, the scans for key values,
//! how model values were made), the export policy ([`CheckReport::ensure_exportable`]),
//! and its two renderings: Markdown, and the layout of ACRO's `results.json` (the SACRO
//! viewer's input: `version`, and per output its uid, status, type, properties, files
//! with their sdc, the outcome per cell, command, summary, timestamp, comments and
//! exception). It holds no count of persons: failing cells are named by row and column.

use std::fmt::{self, Write as _};

use serde::Serialize;
use serde_json::{json, Map, Value as J};

use super::disclosure::{
    apply, round_numbers_in_text, Action, DisclosureMode, DisclosureRules, Finding, Rule,
    TableCheck,
};
use super::document::{Block, Report};
use super::format::{round_to, Style};
use super::scan::{scan_ids, IdHit, ScanInput};
use super::table::Table;
use super::tables::CORRECTION_TABLE_ID;

/// The version of ACRO's `results.json` layout written: the SACRO viewer reads
/// `major.minor.patch` and supports 0.4 onwards.
pub const ACRO_LAYOUT_VERSION: &str = "0.4.0";

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
    /// How the published model values were made, in words (the threshold grid of the
    /// trees): rules of the output that no cell check can see.
    pub model_rules: Vec<String>,
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
            model_rules: Vec::new(),
        }
    }

    /// Applies the mode to every table of a report (see [`apply`]) and to its prose, and
    /// records the checks. A paragraph is prose: every plain whole number in it is taken
    /// for a count (strict rounds it, report lists it under the pseudo-table `text`).
    /// Parameter blocks (the run's settings, printed as given) carry no counts and are
    /// not rounded.
    pub fn apply_to(&mut self, report: &mut Report) {
        for t in report.tables_mut() {
            self.apply_to_table(t);
        }
        if self.mode == DisclosureMode::Off {
            return;
        }
        let mut findings = Vec::new();
        for (i, block) in report.blocks.iter_mut().enumerate() {
            if let Block::Paragraph(p) = block {
                let (rounded, found) = round_numbers_in_text(p, self.rules.round_to);
                for _ in found {
                    findings.push(Finding {
                        row: None,
                        column: None,
                        row_label: format!("paragraph {}", i + 1),
                        column_label: String::new(),
                        rule: Rule::Rounding,
                        detail: "an unrounded number in the text".into(),
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
                grid: Default::default(),
            });
        }
    }

    /// Applies the mode to one table and records its check.
    pub fn apply_to_table(&mut self, t: &mut Table) {
        let check = apply(t, self.mode, &self.rules, self.count_to);
        self.tables.push(check);
    }

    /// Scans outputs for person_id values (see [`scan_ids`]) and records the result.
    pub fn scan<'a>(&mut self, outputs: &[ScanInput], ids: impl IntoIterator<Item = &'a str>) {
        let mut n = 0usize;
        let hits = scan_ids(outputs, ids.into_iter().inspect(|_| n += 1));
        self.ids_scanned += n;
        self.id_hits.extend(hits);
        self.outputs.extend(outputs.iter().map(|o| o.name.clone()));
    }

    /// The export policy: under strict, output may leave only if no finding is open
    /// (every failing cell suppressed, every count rounded), no person_id appears, and
    /// the correction that every count rests on passed (a suppressed correction factor,
    /// such as Elkan-Noto's c from too few held-out register members, is refused rather
    /// than applied unseen). Other modes always pass: their output is not for export.
    pub fn ensure_exportable(&self) -> crate::Result<()> {
        if self.mode != DisclosureMode::Strict {
            return Ok(());
        }
        let refuse = |reason: String| {
            Err(crate::Error::InvalidParameter {
                name: "disclosure",
                value: "strict".into(),
                reason: format!("{reason}; nothing was written"),
            })
        };
        if !self.id_hits.is_empty() {
            return refuse(format!(
                "{} person_id value(s) appear in the output (a label from the data, such as a \
                 category of an extra column?)",
                self.id_hits.len()
            ));
        }
        if let Some(t) = self.tables.iter().find(|t| t.id == CORRECTION_TABLE_ID) {
            if t.findings.iter().any(|f| f.action == Action::Suppressed) {
                return refuse(
                    "the correction factor rests on too few persons (see the check report): every \
                     count depends on it; use another --correction"
                        .into(),
                );
            }
        }
        match self.open_findings() {
            0 => Ok(()),
            n => refuse(format!("{n} finding(s) still open")),
        }
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

    /// The number of ids scanned, rounded like every count of persons.
    pub(super) fn ids_about(&self) -> String {
        let n = self.ids_scanned as f64;
        let rounded = round_to(n, self.rules.round_to);
        Style::exact(super::Lang::En).numbers.count(rounded, None) + " (rounded)"
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_markdown())
    }
}

impl CheckReport {
    /// The check in the layout of ACRO's `results.json` (`version`, the layout's version;
    /// per output its uid, status `pass`/`fail`/`review`, type, properties, files with
    /// their sdc summary and failing cells, the outcome per cell, command, summary,
    /// timestamp, comments and exception), so that SACRO's viewer and ACRO's
    /// `load_records` read it. One output per table; the person_id scan and the rules are
    /// outputs of type `custom`. Every output names at least one file (the viewer refuses
    /// an output without).
    pub fn to_acro_json(&self) -> J {
        let timestamp = crate::calendar::utc_timestamp(std::time::SystemTime::now());
        let mut results = Map::new();
        for t in &self.tables {
            results.insert(t.id.clone(), self.table_output(t, &timestamp));
        }
        let scan_status = if self.ids_scanned == 0 {
            "review"
        } else if self.id_hits.is_empty() {
            "pass"
        } else {
            "fail"
        };
        results.insert(
            "person_id_scan".into(),
            self.custom_output(
                "person_id_scan",
                scan_status,
                json!({"method": "banenafspraak", "ids_scanned": self.ids_about(), "found": self.id_hits.len()}),
                format!("{scan_status}; {} person_id value(s) found", self.id_hits.len()),
                self.id_hits.iter().map(|h| format!("a person_id in {}", h.output)).collect(),
                &timestamp,
            ),
        );
        let summary = Rule::ALL
            .iter()
            .map(|r| format!("{}: {}", r.name(), r.describe(&self.rules)))
            .chain(self.model_rules.iter().cloned())
            .collect::<Vec<_>>()
            .join("; ");
        results.insert(
            "disclosure_rules".into(),
            self.custom_output(
                "disclosure_rules",
                "review",
                json!({"mode": self.mode, "rules": self.rules, "count_to": self.count_to, "model_rules": self.model_rules}),
                summary,
                Vec::new(),
                &timestamp,
            ),
        );
        json!({
            "version": ACRO_LAYOUT_VERSION,
            "producer": concat!("banenafspraak ", env!("CARGO_PKG_VERSION")),
            "results": results,
        })
    }

    /// The outputs scanned, each with an sdc, or the output's own name when none was
    /// recorded.
    fn files(&self, own: &str, sdc: &J) -> J {
        let names: Vec<&str> = if self.outputs.is_empty() {
            vec![own]
        } else {
            self.outputs.iter().map(String::as_str).collect()
        };
        names
            .into_iter()
            .map(|name| json!({"name": name, "sdc": sdc}))
            .collect()
    }

    fn custom_output(
        &self,
        uid: &str,
        status: &str,
        properties: J,
        summary: String,
        comments: Vec<String>,
        timestamp: &str,
    ) -> J {
        json!({
            "uid": uid,
            "status": status,
            "type": "custom",
            "properties": properties,
            "files": self.files(uid, &json!({})),
            "outcome": {},
            "command": "banenafspraak estimate",
            "summary": summary,
            "timestamp": timestamp,
            "comments": comments,
            "exception": "",
        })
    }

    /// One table as an ACRO output: ACRO's status (`review` once failing cells were
    /// suppressed), the sdc summary and cells per rule, the outcome per cell.
    fn table_output(&self, t: &TableCheck, timestamp: &str) -> J {
        let status = if self.mode == DisclosureMode::Off {
            "review"
        } else if t.findings.is_empty() {
            "pass"
        } else if t.passes() {
            "review"
        } else {
            "fail"
        };
        let mut summary = Map::new();
        let mut cells = Map::new();
        summary.insert(
            "suppressed".into(),
            J::Bool(t.findings.iter().any(|f| f.action == Action::Suppressed)),
        );
        let mut said = format!("{status}; ");
        for rule in Rule::ALL {
            let failing: Vec<J> = t
                .failing(rule)
                .filter_map(|f| Some(json!([f.row?, f.column?])))
                .collect();
            let n = t.failing(rule).count();
            summary.insert(rule.acro_name().into(), J::from(n));
            cells.insert(rule.acro_name().into(), J::Array(failing));
            if n > 0 {
                let how = if t.passes() {
                    "suppressed or rounded"
                } else {
                    "failing"
                };
                let _ = write!(said, "{}: {n} cells {how}; ", rule.acro_name());
            }
        }
        json!({
            "uid": t.id,
            "status": status,
            "type": "table",
            "properties": {"method": "banenafspraak", "title": t.title, "mode": self.mode},
            "files": self.files(&t.id, &json!({"summary": summary, "cells": cells})),
            "outcome": outcome(t),
            "command": "banenafspraak estimate",
            "summary": said,
            "timestamp": timestamp,
            "comments": t.findings.iter().map(|f| format!("{} / {}: {}", f.row_label, f.column_label, f.detail)).collect::<Vec<_>>(),
            "exception": if status == "review" { "Suppression and rounding automatically applied where needed" } else { "" },
        })
    }

    /// The report for the output checker, in Markdown.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        self.markdown_header(&mut s);
        self.markdown_rules(&mut s);
        self.markdown_summary(&mut s);
        self.markdown_failing(&mut s);
        self.markdown_keys(&mut s);
        s
    }

    fn markdown_header(&self, s: &mut String) {
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
            "{}\n",
            match self.mode {
                DisclosureMode::Strict => "This report is the account of the output for the output checker. It holds no \
                     count of persons (failing cells are named by row and column, not by their numbers) and goes \
                     with the output it describes; the JSON file beside it holds the same check in ACRO's results.json layout.",
                _ => "This report is for the output checker and stays inside the environment with the output it \
                     describes: that output is not for export as it stands (export with --disclosure strict).",
            }
        );
        let _ = writeln!(
            s,
            "Counts in the checked output: {}.\n",
            match self.count_to {
                Some(to) if to > 1 => format!("rounded to multiples of {}", integer(to as usize)),
                _ => "unrounded".into(),
            }
        );
        if !self.outputs.is_empty() {
            let _ = writeln!(s, "Outputs: {}.\n", self.outputs.join(", "));
        }
    }

    fn markdown_rules(&self, s: &mut String) {
        let _ = writeln!(s, "## Rules\n\n| rule | setting |\n|---|---|");
        for rule in Rule::ALL {
            let _ = writeln!(s, "| {} | {} |", rule.name(), rule.describe(&self.rules));
        }
        for line in &self.model_rules {
            let _ = writeln!(s, "| model values | {} |", line.replace('|', "\\|"));
        }
    }

    fn markdown_summary(&self, s: &mut String) {
        let verdict = if self.mode == DisclosureMode::Off {
            "not checked".to_string()
        } else if self.open_findings() == 0 {
            "every table passes".to_string()
        } else {
            format!("{} finding(s) still open", integer(self.open_findings()))
        };
        let _ = writeln!(s, "\n## Summary: {verdict}\n");
        let _ = writeln!(
            s,
            "| table | title | cells checked | {} | result |\n|---|---|---:|{}---|",
            Rule::ALL.map(Rule::name).join(" | "),
            "---:|".repeat(Rule::ALL.len())
        );
        for t in &self.tables {
            let counts: Vec<String> = Rule::ALL
                .iter()
                .map(|&r| integer(t.failing(r).count()))
                .collect();
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
                integer(t.cells_checked),
                counts.join(" | ")
            );
        }
        let _ = writeln!(
            s,
            "\nThe rule columns count failing cells (a rounding finding counts once per table).\n"
        );
    }

    fn markdown_failing(&self, s: &mut String) {
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
                let or = |label: &str, empty: &str| {
                    if label.is_empty() {
                        empty.to_string()
                    } else {
                        label.replace('|', "\\|")
                    }
                };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    or(&f.row_label, "(table)"),
                    or(&f.column_label, "(all)"),
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
    }

    fn markdown_keys(&self, s: &mut String) {
        let _ = writeln!(s, "## Key values\n");
        if self.ids_scanned == 0 {
            let _ = writeln!(s, "No person_id scan was run.");
        } else if self.id_hits.is_empty() {
            let _ = writeln!(
                s,
                "{} person_id values compared with every label and text of the outputs (whatever their punctuation, spacing, case or HTML escaping; ids of fewer than 4 letters and digits cannot be told from codes and are not compared): none found.",
                self.ids_about()
            );
        } else {
            let _ = writeln!(
                s,
                "{} person_id values compared with the outputs: **{} found** (the id is not repeated here).\n",
                self.ids_about(),
                integer(self.id_hits.len())
            );
            for h in &self.id_hits {
                let _ = writeln!(s, "- in `{}`", h.output);
            }
        }
    }
}

/// A number of cells or tables, in the report's English notation (not a count of persons).
fn integer(x: usize) -> String {
    Style::exact(super::Lang::En).numbers.integer(x as i64)
}

/// The outcome per cell in the layout of a pandas DataFrame's `to_json()` (column ->
/// row label -> the rules the cell fails, or `ok`), as ACRO writes it.
fn outcome(t: &TableCheck) -> J {
    let (rows, keys) = &t.grid;
    let mut outcome = Map::new();
    for (k, key) in keys.iter().enumerate().skip(1) {
        let mut column = Map::new();
        for (r, label) in rows.iter().enumerate() {
            let mut word = String::new();
            for f in &t.findings {
                if f.row == Some(r) && (f.column == Some(k) || f.column.is_none()) {
                    word.push_str(f.rule.acro_name());
                    word.push_str("; ");
                }
            }
            let label = if column.contains_key(label.as_str()) {
                format!("{label} (row {})", r + 1)
            } else {
                label.clone()
            };
            column.insert(
                label,
                J::from(if word.is_empty() { "ok".into() } else { word }),
            );
        }
        outcome.insert(key.clone(), J::Object(column));
    }
    J::Object(outcome)
}
