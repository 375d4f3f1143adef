//! The plain-text report of an estimation run, as `banenafspraak estimate` prints it by
//! default: English, the report's rounding. See [`Report`] for other languages and formats.

use super::document::Report;
use super::format::Style;
use super::lang::Lang;
use super::table::OutputFormat;
use crate::estimate::{Estimates, FittedStage};

/// Renders a whole run as text in the report's English style.
pub fn render_text(e: &Estimates) -> String {
    Report::from_estimates(e, Style::report(Lang::En)).render(OutputFormat::Text)
}

/// One fitted model as text: its training design, validation metrics and the model itself.
pub fn render_stage(stage: &FittedStage) -> String {
    Report::from_stage(stage, Style::report(Lang::En)).render(OutputFormat::Text)
}
