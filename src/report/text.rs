//! The plain-text report of an estimation run: the correction used, per population the
//! counts and distribution tables, then each fitted model with its validation.

use std::fmt::Write;

use super::tables::{breakdown_table, counts_table, uncertainty_table};
use crate::estimate::{Estimates, FittedStage};

/// Renders a whole run as text, as `banenafspraak estimate` prints it.
pub fn render_text(e: &Estimates) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Correction: {}", e.fitted.correction.describe());
    for line in e.uncertainty.describe() {
        let _ = writeln!(s, "{line}");
    }
    for note in &e.notes {
        let _ = writeln!(s, "Note: {note}");
    }
    for p in &e.populations {
        let _ = writeln!(s);
        let _ = write!(s, "{}", counts_table(p));
        if let Some(t) = uncertainty_table(p) {
            let _ = writeln!(s);
            let _ = write!(s, "{t}");
        }
        let _ = writeln!(s);
        let _ = write!(
            s,
            "{}",
            breakdown_table(p, "education level", &p.by_education)
        );
        let _ = writeln!(s);
        let _ = write!(s, "{}", breakdown_table(p, "age band", &p.by_age));
    }
    for stage in [
        &e.fitted.comparability,
        &e.fitted.job_find,
        &e.fitted.job_keep,
    ] {
        let _ = writeln!(s);
        let _ = write!(s, "{}", render_stage(stage));
    }
    s
}

/// One fitted model: its training design, validation metrics and the model itself.
pub fn render_stage(stage: &FittedStage) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Model: {} ({} eligible, {} positive; trained on {}, validated on {})",
        stage.name, stage.eligible, stage.eligible_positive, stage.n_train, stage.n_validate
    );
    let _ = writeln!(s, "Validation on the held-out part:");
    let _ = write!(s, "{}", stage.validation);
    let _ = writeln!(s, "Fitted model:");
    let _ = write!(s, "{}", stage.model);
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}
