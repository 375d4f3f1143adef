//! Paid hours per week of the synthetic job keepers (schema v1.1 `job_hours_per_week`),
//! calibrated to what the report publishes about the hours of working Participatiewet
//! members in the register: 11% < 12 hours, 12% 12-20, 47% 20-36, 30% >= 36 (report.txt
//! lines 1894-1901, so 77% at least 20 hours, lines 1848 and 3206-3208). Keepers with a
//! work-incapacity degree of 35% or more work fewer hours (the report's "urenbeperking",
//! line 11246), so the hours model has something to learn; the other keepers' shares are
//! solved so that the mixture has the published shares exactly in expectation.
//! Drawn after the persons, from a stream of their own, so adding hours changes no other
//! column of the population.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::schema::Population;

/// Published shares of the hour bands < 12, 12-20, 20-36, >= 36 (lines 1894-1901).
pub const PUBLISHED_BAND_SHARES: [f64; 4] = [0.11, 0.12, 0.47, 0.30];

/// Hours drawn uniformly within each band: [2, 12), [12, 20), [20, 36), [36, 40].
pub const BAND_EDGES: [f64; 5] = [2.0, 12.0, 20.0, 36.0, 40.0];

/// Band shares of keepers with an hours restriction (disability_pct >= 35): an
/// assumption, the report gives no shares by disability.
pub const RESTRICTED_BAND_SHARES: [f64; 4] = [0.25, 0.25, 0.40, 0.10];

/// Work-incapacity degree from which a keeper counts as restricted in hours.
pub const RESTRICTED_FROM_PCT: u8 = 35;

/// Mixes the random stream of the hours apart from the persons' streams.
const STREAM_KEY: u64 = 0x686F_7572_735F_7631;

/// Whether a keeper with this work-incapacity degree is restricted in hours.
pub fn restricted(disability_pct: u8) -> bool {
    disability_pct >= RESTRICTED_FROM_PCT
}

/// The band shares of the unrestricted keepers, given the share `s` of restricted ones,
/// so that `s * restricted + (1 - s) * these` is the published shares. A share that
/// would be negative (more than 44% restricted) is set to 0 and the rest renormalised.
pub fn unrestricted_shares(s: f64) -> [f64; 4] {
    let s = s.clamp(0.0, 0.99);
    let mut u: [f64; 4] = std::array::from_fn(|k| {
        ((PUBLISHED_BAND_SHARES[k] - s * RESTRICTED_BAND_SHARES[k]) / (1.0 - s)).max(0.0)
    });
    let total: f64 = u.iter().sum();
    for x in &mut u {
        *x /= total;
    }
    u
}

/// Adds `job_hours_per_week` for every keeper (`kept_job_one_year = 1`), the column
/// present (schema v1.1) even when there is none.
pub fn add_hours(pop: Population, seed: u64) -> Population {
    let kept = pop.kept_job_one_year();
    let disability = pop.disability_pct();
    let keepers: Vec<usize> = (0..pop.len()).filter(|&i| kept[i] == Some(true)).collect();
    let n_restricted = keepers
        .iter()
        .filter(|&&i| restricted(disability[i]))
        .count();
    let s = n_restricted as f64 / keepers.len().max(1) as f64;
    let shares = [unrestricted_shares(s), RESTRICTED_BAND_SHARES];
    let hours: Vec<f32> = keepers
        .par_iter()
        .map(|&i| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM_KEY);
            rng.set_stream(i as u64);
            draw(&mut rng, &shares[usize::from(restricted(disability[i]))])
        })
        .collect();
    let mut pop = pop.with_job_hours_column(true);
    pop.set_job_hours(&keepers, &hours);
    pop
}

/// One keeper's hours: a band by its shares, uniform within it, to 0.01 hour.
fn draw(rng: &mut ChaCha8Rng, shares: &[f64; 4]) -> f32 {
    let mut u = rng.gen::<f64>();
    let mut band = 3;
    for (k, &share) in shares.iter().enumerate() {
        if u < share {
            band = k;
            break;
        }
        u -= share;
    }
    let h = rng.gen_range(BAND_EDGES[band]..BAND_EDGES[band + 1]);
    ((h * 100.0).round() / 100.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mixture_has_the_published_shares() {
        for s in [0.0, 0.1, 0.3] {
            let u = unrestricted_shares(s);
            for k in 0..4 {
                let mixed = s * RESTRICTED_BAND_SHARES[k] + (1.0 - s) * u[k];
                assert!((mixed - PUBLISHED_BAND_SHARES[k]).abs() < 1e-12, "{s} {k}");
            }
        }
        assert!((PUBLISHED_BAND_SHARES[2] + PUBLISHED_BAND_SHARES[3] - 0.77).abs() < 1e-12);
    }
}
