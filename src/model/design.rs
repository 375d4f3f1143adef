//! Training designs: who each model learns from (the classes of the comparability model
//! and the two job cohorts, method sections 1, 3 and 4).

use crate::schema::{Person, RegisterBasis};

/// Youngest age in the comparability model's training population.
pub const MIN_AGE: u8 = 16;
/// Oldest age in the comparability model's training population.
pub const MAX_AGE: u8 = 66;

/// The comparability model's class of a person: `Some(true)` for register members of the
/// trained sub-groups (basis not wajong, wsw or wiw_id), `Some(false)` for persons outside
/// the register, `None` for everyone else (other ages, the old register groups).
///
/// ```
/// use banenafspraak::model::design::comparability_class;
/// use banenafspraak::schema::{Person, RegisterBasis};
/// let mut p = Person::example();
/// assert_eq!(comparability_class(&p), Some(false));
/// p.in_register = true;
/// p.register_basis = Some(RegisterBasis::Wsw);
/// assert_eq!(comparability_class(&p), None);
/// ```
pub fn comparability_class(p: &Person<'_>) -> Option<bool> {
    if !(MIN_AGE..=MAX_AGE).contains(&p.age) {
        return None;
    }
    match (p.in_register, p.register_basis) {
        (false, _) => Some(false),
        (true, Some(b)) if !b.is_old_group() => Some(true),
        _ => None,
    }
}

/// The job-find cohort's outcome: register members who entered the year before the
/// reference year (the reader admits the outcome only for them), not via praktijkroute
/// (registered only once employed), with a recorded outcome.
pub fn job_find_outcome(p: &Person<'_>) -> Option<bool> {
    if p.register_basis == Some(RegisterBasis::Praktijkroute) {
        return None;
    }
    p.found_job_within_year.filter(|_| p.in_register)
}

/// The job-keep cohort's outcome: register members of the trained sub-groups
/// (Participatiewet, vso/pro; not wajong, wsw, wiw_id) who started a job in the year
/// before the reference year, i.e. have a recorded `kept_job_one_year`.
pub fn job_keep_outcome(p: &Person<'_>) -> Option<bool> {
    match p.register_basis {
        Some(b) if p.in_register && !b.is_old_group() => p.kept_job_one_year,
        _ => None,
    }
}
