//! Tables for people and for output checkers: the report's layouts built from estimates
//! and fitted models, rendered as text, Markdown, HTML, CSV or JSON in English or Dutch;
//! disclosure control of every cell before export; notebook display (evcxr); and, with
//! the `plots` feature, SVG plots. Reads `estimate` and `model` results; computes nothing
//! new except the score histograms of the plots.
//!
//! ```
//! use banenafspraak::estimate::EstimationParams;
//! use banenafspraak::report::{CheckReport, DisclosureMode, DisclosureRules, Lang, OutputFormat, Report, Style};
//! use banenafspraak::synth::SynthParams;
//! let pop = SynthParams { persons: 20_000, seed: 3, ..SynthParams::default() }.generate()?;
//! let mut params = EstimationParams::default();
//! params.set_min_leaf(200, 20);
//! let estimates = params.run(&pop)?;
//! let style = Style::report(Lang::Nl);
//! let mut report = Report::from_estimates(&estimates, style);
//! let mut check = CheckReport::new(DisclosureMode::Strict, DisclosureRules::default(), style.count_to);
//! check.apply_to(&mut report);
//! let markdown = report.render(OutputFormat::Markdown);
//! assert!(markdown.contains("Bruto aantal"));
//! check.scan(&[report.scan_input("tables.md")], pop.person_ids().iter());
//! assert!(check.to_markdown().contains("# Output check report"));
//! # Ok::<(), banenafspraak::Error>(())
//! ```

mod account;
pub mod disclosure;
pub mod document;
pub mod export;
pub mod format;
pub mod lang;
mod model_files;
pub mod monitor;
#[cfg(feature = "plots")]
#[cfg_attr(docsrs, doc(cfg(feature = "plots")))]
pub mod monitor_plots;
pub mod notebook;
#[cfg(feature = "plots")]
#[cfg_attr(docsrs, doc(cfg(feature = "plots")))]
pub mod plots;
pub mod scan;
pub mod scores;
pub mod sections;
pub mod table;
pub mod tables;
pub mod text;

pub use disclosure::{
    apply, check_table, scan_ids, Action, CheckReport, DisclosureMode, DisclosureRules, Finding,
    IdHit, Rule, ScanInput, TableCheck,
};
pub use document::{Block, Report};
pub use format::{NumberFormat, Style};
pub use lang::Lang;
pub use scores::{score_distribution_tables, ScoreHistogram};
pub use sections::{diagnostics_tables, sensitivity_table};
pub use table::{Basis, Cell, Checked, OutputFormat, Status, Table, Value};
pub use tables::{
    breakdown_table, calibration_table, correction_table, counts_table, hours_tree_table,
    hours_validation_table, logistic_table, results_table, stage_tables, training_table,
    tree_table, uncertainty_table, validation_table, BreakdownKind, CORRECTION_TABLE_ID,
};
pub use text::{render_stage, render_text};
