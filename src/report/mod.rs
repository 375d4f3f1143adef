//! Tables for people: the report's layouts (counts rounded to hundreds, percentages with
//! one decimal) built from estimates, and their text rendering. Reads `estimate` and
//! `model` results; computes nothing new.

pub mod format;
pub mod table;
pub mod tables;

pub use table::Table;
