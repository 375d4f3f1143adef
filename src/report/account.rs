//! The check report's two renderings for the output checker: Markdown, and the layout
//! of ACRO's `results.json` (the SACRO viewer's input: `version`, and per output its uid,
//! status, type, properties, files with their sdc, the outcome per cell, summary and
//! comments).

use std::fmt::Write as _;

use super::disclosure::{Action, CheckReport, DisclosureMode, Rule};
use super::format::Style;

impl CheckReport {
    /// The check in the layout of ACRO's `results.json` (version; per output its uid,
    /// status `pass`/`fail`/`review`, type, properties, files with their sdc summary and
    /// failing cells, the outcome per cell, summary, comments), so that SACRO's viewer can
    /// read it. One output per table; the rules and the person_id scan are outputs of
    /// type `custom`.
    pub fn to_acro_json(&self) -> serde_json::Value {
        use serde_json::{json, Map, Value as J};
        let mut results = Map::new();
        // The outputs scanned, or the output's own name when none was recorded.
        let files = |own: &str, sdc: J| -> J {
            let names: Vec<&str> = if self.outputs.is_empty() {
                vec![own]
            } else {
                self.outputs.iter().map(String::as_str).collect()
            };
            J::Array(
                names
                    .into_iter()
                    .map(|name| json!({"name": name, "sdc": sdc}))
                    .collect(),
            )
        };
        for t in &self.tables {
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
            for rule in Rule::ALL {
                let failing: Vec<J> = t
                    .failing(rule)
                    .filter_map(|f| Some(json!([f.row?, f.column?])))
                    .collect();
                summary.insert(rule.acro_name().into(), J::from(t.failing(rule).count()));
                cells.insert(rule.acro_name().into(), J::Array(failing));
            }
            let (rows, keys) = &t.grid;
            let mut outcome = Map::new();
            for (k, key) in keys.iter().enumerate().skip(1) {
                let mut column = Map::new();
                for (r, label) in rows.iter().enumerate() {
                    let mut word = String::new();
                    for f in t.findings.iter() {
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
            let mut said = format!("{status}; ");
            for rule in Rule::ALL {
                let n = t.failing(rule).count();
                if n > 0 {
                    let _ = write!(
                        said,
                        "{}: {n} cells {}; ",
                        rule.acro_name(),
                        if t.passes() {
                            "suppressed or rounded"
                        } else {
                            "failing"
                        }
                    );
                }
            }
            results.insert(
                t.id.clone(),
                json!({
                    "uid": t.id,
                    "status": status,
                    "type": "table",
                    "properties": {"method": "banenafspraak", "title": t.title, "mode": self.mode},
                    "files": files(&t.id, json!({"summary": summary, "cells": cells})),
                    "outcome": outcome,
                    "command": "banenafspraak estimate",
                    "summary": said,
                    "comments": t.findings.iter().map(|f| format!("{} / {}: {}", f.row_label, f.column_label, f.detail)).collect::<Vec<_>>(),
                    "exception": if status == "review" { "Suppression and rounding automatically applied where needed" } else { "" },
                }),
            );
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
            json!({
                "uid": "person_id_scan",
                "status": scan_status,
                "type": "custom",
                "properties": {"method": "banenafspraak", "ids_scanned": self.ids_about(), "found": self.id_hits.len()},
                "files": files("person_id_scan", json!({})),
                "outcome": {},
                "command": "banenafspraak estimate",
                "summary": format!("{scan_status}; {} person_id value(s) found", self.id_hits.len()),
                "comments": self.id_hits.iter().map(|h| format!("a person_id in {}", h.output)).collect::<Vec<_>>(),
                "exception": "",
            }),
        );
        results.insert(
            "disclosure_rules".into(),
            json!({
                "uid": "disclosure_rules",
                "status": "review",
                "type": "custom",
                "properties": {"mode": self.mode, "rules": self.rules, "count_to": self.count_to},
                "files": [],
                "outcome": {},
                "command": "banenafspraak estimate",
                "summary": Rule::ALL.iter().map(|r| format!("{}: {}", r.name(), r.describe(&self.rules))).collect::<Vec<_>>().join("; "),
                "comments": [],
                "exception": "",
            }),
        );
        json!({"version": concat!("banenafspraak ", env!("CARGO_PKG_VERSION")), "results": results})
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
                "{} person_id values compared with every label and text of the outputs (whatever their punctuation, spacing, case or HTML escaping; ids of fewer than 4 letters and digits cannot be told from codes and are not compared): none found.",
                self.ids_about()
            );
        } else {
            let _ = writeln!(
                s,
                "{} person_id values compared with the outputs: **{} found** (the id is not repeated here).\n",
                self.ids_about(),
                n(self.id_hits.len())
            );
            for h in &self.id_hits {
                let _ = writeln!(s, "- in `{}`", h.output);
            }
        }
        s
    }
}
