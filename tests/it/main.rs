//! The integration tests, one binary (one link on a 2-core machine instead of thirty).
//! Each module is what used to be its own `tests/NAME.rs`; `cargo test --test it NAME::`
//! runs one of them, and the coverage tests are `cargo test --test it coverage:: -- --ignored`.

mod acro;
mod common;
mod prepare_support;

mod banen_plot;
mod banen_uncertainty;
mod cli;
mod coverage;
mod data_dictionary;
mod disclosure;
mod known_truth;
mod monitor_cli;
mod monitor_formats;
mod monitor_known_truth;
mod monitor_read;
mod monitor_synth;
mod plots;
mod prepare_derive;
mod prepare_formats;
mod prepare_input;
mod prepare_round_trip;
mod properties;
mod reader_fuzz;
mod report_render;
mod report_tree_b3_1;
mod reproduction;
mod saved_models;
mod scenarios;
mod schema_formats;
mod schema_rules;
mod scoring;
mod select;
mod strict_export;
mod synth;
mod transcriptions;
mod uncertainty;
