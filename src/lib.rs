//! # banenafspraak
//!
//! Who outside the Dutch *doelgroepregister* (the register of people who cannot earn the
//! minimum wage on their own, kept for the jobs agreement, the *banenafspraak*) is
//! comparable to the people in it, how many of them receive WW (unemployment insurance),
//! WIA (work-incapacity benefit), bijstand (social assistance) or are NUG (registered
//! jobseekers without benefit), and how many would find and keep a job. The method is
//! Panteia's (2023) for the Ministry of Social Affairs; this crate makes it reproducible on
//! researchers' own CBS microdata extracts.
//!
//! The pipeline flows one way:
//! [`records`] (tables as rows of text, whatever the file format) -> [`prepare`] (derive
//! the person file from CBS's tables) -> [`schema`] (read and validate microdata) -> model
//! -> estimate (and monitor) -> report. The calendar (days and months, re-exported from
//! [`schema`]) sits below them all.
//!
//! ```
//! use banenafspraak::schema::{read_csv_path, ReadOptions};
//! let pop = read_csv_path("data/sample.csv", &ReadOptions::default())?;
//! let in_register = pop.in_register().iter().filter(|&&r| r).count();
//! assert!(in_register > 0);
//! # Ok::<(), banenafspraak::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod calendar;
pub mod error;
pub mod estimate;
mod layout;
pub mod model;
pub mod monitor;
pub mod prepare;
pub mod records;
pub mod report;
pub mod schema;
// Behind the `synth` feature (default on): the library's estimation path builds without
// it, so no estimation code can read the published figures (`.ci/run` checks).
#[cfg(feature = "synth")]
#[cfg_attr(docsrs, doc(cfg(feature = "synth")))]
pub mod synth;

pub use error::{Error, Result};
/// The ndarray this crate uses (0.16), so that a notebook or a caller building feature
/// matrices gets the same version without naming it (`banenafspraak::ndarray::Array2`).
pub use ndarray;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
