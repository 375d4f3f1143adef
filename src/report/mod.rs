//! Tables for people: the report's layouts (counts rounded to hundreds, percentages with
//! one decimal) built from estimates, and their text rendering. Reads `estimate` and
//! `model` results; computes nothing new.

pub mod format;
pub mod table;
pub mod tables;
pub mod text;

pub use table::Table;
pub use text::{render_stage, render_text};
