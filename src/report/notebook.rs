//! Notebook display: evcxr (the Rust Jupyter kernel) calls an inherent method
//! `evcxr_display(&self)` on the value of a cell's last expression, if the type has one;
//! the method prints MIME blocks (`EVCXR_BEGIN_CONTENT text/html ... EVCXR_END_CONTENT`).
//! Each method here prints a `text/plain` block (what the evcxr REPL shows) and a
//! `text/html` block (what Jupyter shows), both in one write so that other output cannot
//! interleave. The English report style is used; for Dutch, build a [`Report`] with
//! [`Style::report`]`(Lang::Nl)` and display that. Results (estimates, a population, a
//! model) are shown as `banenafspraak estimate` shows them by default: cells failing the
//! default disclosure rules are marked ` (!)`, no number changed.

use std::io::Write as _;

use super::document::Report;
use super::format::Style;
use super::lang::Lang;
use super::table::{OutputFormat, Table};
use super::tables::{calibration_table, tree_table, validation_table};
use super::CheckReport;
use crate::estimate::{ConfidenceLevel, Estimates, FittedStage, PopulationEstimate};
use crate::model::{ClassificationTree, FittedModel, Validation};

/// The two MIME blocks evcxr reads, as one string.
///
/// ```
/// let s = banenafspraak::report::notebook::mime_blocks("a", "<b>a</b>");
/// assert!(s.starts_with("EVCXR_BEGIN_CONTENT text/plain\na\nEVCXR_END_CONTENT\n"));
/// assert!(s.contains("EVCXR_BEGIN_CONTENT text/html\n<b>a</b>\nEVCXR_END_CONTENT\n"));
/// ```
pub fn mime_blocks(plain: &str, html: &str) -> String {
    format!(
        "EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT\n",
        plain.trim_end(),
        html.trim_end()
    )
}

fn emit(plain: &str, html: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(mime_blocks(plain, html).as_bytes());
    let _ = out.flush();
}

fn emit_report(r: &Report) {
    emit(&r.render(OutputFormat::Text), &r.render(OutputFormat::Html));
}

/// A report with failing cells marked (disclosure mode `report`, default rules).
fn marked(mut r: Report) -> Report {
    let mut check = CheckReport::new(
        super::DisclosureMode::Report,
        super::DisclosureRules::default(),
        r.style.count_to,
    );
    check.apply_to(&mut r);
    r
}

fn english() -> Style {
    Style::report(Lang::En)
}

impl Table {
    /// Notebook display: the table as HTML (Jupyter) and text (REPL), report style.
    pub fn evcxr_display(&self) {
        let style = english();
        emit(&self.to_text(&style), &self.to_html(&style));
    }
}

impl Report {
    /// Notebook display: the report as HTML (Jupyter) and text (REPL), in its own style.
    pub fn evcxr_display(&self) {
        emit_report(self);
    }
}

impl CheckReport {
    /// Notebook display: the output-check report (Markdown source as text, and as a
    /// preformatted block in HTML).
    pub fn evcxr_display(&self) {
        let md = self.to_markdown();
        emit(
            &md,
            &format!("<pre>{}</pre>", super::table::html_escape(&md)),
        );
    }
}

impl Estimates {
    /// Notebook display: every table of the run (see [`Report::from_estimates`]).
    pub fn evcxr_display(&self) {
        emit_report(&marked(Report::from_estimates(self, english())));
    }
}

impl PopulationEstimate {
    /// Notebook display: the counts table and the distributions by education and age.
    pub fn evcxr_display(&self) {
        emit_report(&marked(Report::from_population(self, english())));
    }
}

impl FittedStage {
    /// Notebook display: training design, validation, calibration and the tree.
    pub fn evcxr_display(&self) {
        emit_report(&marked(Report::from_stage(self, english())));
    }
}

impl Validation {
    /// Notebook display: the metrics and the calibration table.
    pub fn evcxr_display(&self) {
        let mut r = Report::new(english());
        r.table(validation_table("model", self, Lang::En));
        r.table(calibration_table("model", self, Lang::En));
        emit_report(&r);
    }
}

impl ClassificationTree {
    /// Notebook display: the tree in the layout of report table B3.1.
    pub fn evcxr_display(&self) {
        tree_table("tree", self, ConfidenceLevel::DEFAULT, Lang::En).evcxr_display();
    }
}

impl FittedModel {
    /// Notebook display: a tree as a table, a logistic model as its coefficient table.
    pub fn evcxr_display(&self) {
        match self {
            FittedModel::Tree(t) => t.evcxr_display(),
            FittedModel::Logistic(m) => {
                let text = m.to_string();
                emit(
                    &text,
                    &format!("<pre>{}</pre>", super::table::html_escape(&text)),
                );
            }
        }
    }
}

impl std::fmt::Display for Estimates {
    /// The text report (English, report style).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Report::from_estimates(self, english()).render(OutputFormat::Text))
    }
}

impl std::fmt::Display for PopulationEstimate {
    /// The population's tables as text (English, report style).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Report::from_population(self, english()).render(OutputFormat::Text))
    }
}

impl std::fmt::Display for FittedStage {
    /// The model's tables as text (English, report style).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Report::from_stage(self, english()).render(OutputFormat::Text))
    }
}
