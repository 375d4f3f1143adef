//! Penalised Newton/IRLS: the objective, its gradient and Hessian in parallel chunks
//! summed in a fixed order, the line search, and the small dense Cholesky it needs.

use ndarray::{Array2, ArrayView2, Axis, CowArray, Ix2, Slice};
use rayon::prelude::*;

use super::params::LogisticParams;
use super::{training, BLOCK_ROWS, CHUNK_ROWS, MAX_HALVINGS};
use crate::error::{Error, Result};

/// Numerically stable logistic function.
pub(super) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Sum of log-losses, gradient and (optionally) Hessian of the unpenalised objective, with
/// the intercept as coefficient 0.
pub(super) struct Evaluation {
    pub(super) loss: f64,
    pub(super) grad: Vec<f64>,
    pub(super) hessian: Option<Array2<f64>>,
}

impl Evaluation {
    fn zero(k: usize, hessian: bool) -> Self {
        Evaluation {
            loss: 0.0,
            grad: vec![0.0; k],
            hessian: hessian.then(|| Array2::zeros((k, k))),
        }
    }

    fn add(&mut self, other: &Evaluation) {
        self.loss += other.loss;
        for (a, b) in self.grad.iter_mut().zip(&other.grad) {
            *a += b;
        }
        if let (Some(a), Some(b)) = (&mut self.hessian, &other.hessian) {
            *a += b;
        }
    }
}

/// Evaluates the objective at `beta` (intercept first) over all rows, in parallel chunks.
/// Chunk results are summed in chunk order, so the result does not depend on the number of
/// threads or on scheduling.
pub(super) fn evaluate(
    x: ArrayView2<'_, f64>,
    y: &[bool],
    beta: &[f64],
    hessian: bool,
) -> Evaluation {
    let k = beta.len();
    let n_chunks = x.nrows().div_ceil(CHUNK_ROWS);
    // Waves bound the memory of per-chunk Hessians (p^2 each) when p is large.
    let wave = 4 * rayon::current_num_threads().max(1);
    let mut total = Evaluation::zero(k, hessian);
    for first in (0..n_chunks).step_by(wave) {
        let parts: Vec<Evaluation> = (first..n_chunks.min(first + wave))
            .into_par_iter()
            .map_init(
                || Array2::<f64>::zeros((BLOCK_ROWS, k)),
                |scratch, c| {
                    let rows = c * CHUNK_ROWS..((c + 1) * CHUNK_ROWS).min(x.nrows());
                    let xc = x.slice_axis(Axis(0), Slice::from(rows.clone()));
                    evaluate_chunk(xc, &y[rows], beta, hessian, scratch)
                },
            )
            .collect();
        for part in &parts {
            total.add(part);
        }
    }
    total
}

pub(super) fn evaluate_chunk(
    x: ArrayView2<'_, f64>,
    y: &[bool],
    beta: &[f64],
    hessian: bool,
    scratch: &mut Array2<f64>,
) -> Evaluation {
    let k = beta.len();
    let mut out = Evaluation::zero(k, hessian);
    // The row loops below want contiguous rows; only foreign (e.g. column-major) records
    // pay for a copy.
    let x: CowArray<'_, f64, Ix2> = x.as_standard_layout();
    let data = x.as_slice().expect("standard layout is contiguous");
    let p = k - 1;
    let w = &beta[1..];
    for (b, block_y) in y.chunks(BLOCK_ROWS).enumerate() {
        let m = block_y.len();
        for (i, &yi) in block_y.iter().enumerate() {
            let row = &data[(b * BLOCK_ROWS + i) * p..(b * BLOCK_ROWS + i + 1) * p];
            let z = beta[0] + row.iter().zip(w).map(|(a, c)| a * c).sum::<f64>();
            // t = exp(-|z|) gives p, 1 - p, p(1-p) and log(1 + exp(z)) without overflow or
            // cancellation at large |z|.
            let t = (-z.abs()).exp();
            let mu = if z >= 0.0 {
                1.0 / (1.0 + t)
            } else {
                t / (1.0 + t)
            };
            out.loss += z.max(0.0) + t.ln_1p() - if yi { z } else { 0.0 };
            let r = mu - f64::from(u8::from(yi));
            out.grad[0] += r;
            for (g, a) in out.grad[1..].iter_mut().zip(row) {
                *g += r * a;
            }
            if hessian {
                let sw = t.sqrt() / (1.0 + t); // sqrt(p (1 - p))
                let mut srow = scratch.row_mut(i);
                srow[0] = sw;
                for (s, a) in srow.iter_mut().skip(1).zip(row) {
                    *s = sw * a;
                }
            }
        }
        if let Some(h) = &mut out.hessian {
            // `slice_axis` rather than `s![]`, whose expansion allows unsafe code.
            let sb = scratch.slice_axis(Axis(0), Slice::from(..m));
            ndarray::linalg::general_mat_mul(1.0, &sb.t(), &sb, 1.0, h);
        }
    }
    out
}

/// What a solver hands back: coefficients (intercept first) and the diagnostics.
pub(super) struct SolverResult {
    pub(super) beta: Vec<f64>,
    pub(super) inverse_diagonal: Vec<f64>,
    pub(super) iterations: Option<usize>,
    pub(super) converged: bool,
    pub(super) last_step: f64,
    pub(super) deviance: f64,
}

/// `loss + l2/2 ||w||^2` and the penalised gradient and Hessian (intercept unpenalised).
pub(super) fn penalise(
    ev: &Evaluation,
    beta: &[f64],
    l2: f64,
) -> (f64, Vec<f64>, Option<Vec<f64>>) {
    let k = beta.len();
    let objective = ev.loss + 0.5 * l2 * beta[1..].iter().map(|b| b * b).sum::<f64>();
    let mut grad = ev.grad.clone();
    for j in 1..k {
        grad[j] += l2 * beta[j];
    }
    let hessian = ev.hessian.as_ref().map(|h| {
        let mut h = h.iter().copied().collect::<Vec<f64>>();
        for j in 1..k {
            h[j * k + j] += l2;
        }
        h
    });
    (objective, grad, hessian)
}

pub(super) fn singular(l2: f64, iteration: usize) -> Error {
    training(format!(
        "the Hessian is singular at iteration {iteration} (l2 = {l2}): columns are collinear \
         or the outcome is separable; use l2 > 0"
    ))
}

/// Penalised Newton/IRLS with step halving.
pub(super) fn newton(
    x: ArrayView2<'_, f64>,
    y: &[bool],
    params: &LogisticParams,
) -> Result<SolverResult> {
    let k = x.ncols() + 1;
    let n = y.len() as f64;
    let prevalence = y.iter().filter(|&&v| v).count() as f64 / n;
    // Start at the intercept-only optimum: a better first step than zeros at low prevalence.
    let mut beta = vec![0.0; k];
    beta[0] = (prevalence / (1.0 - prevalence)).ln();
    let (mut objective, mut grad, mut hess) =
        penalise(&evaluate(x, y, &beta, true), &beta, params.l2);

    let mut iterations = 0;
    let mut converged = false;
    let mut last_step;
    let mut chol;
    loop {
        let h = hess.take().expect("evaluated with the Hessian");
        chol = cholesky(&h, k).ok_or_else(|| singular(params.l2, iterations))?;
        let step: Vec<f64> = cholesky_solve(&chol, k, &grad)
            .into_iter()
            .map(|g| -g)
            .collect();
        last_step = step.iter().fold(0.0, |m, s| f64::max(m, s.abs()));
        if iterations == params.max_iterations {
            converged = last_step <= params.tolerance;
            break;
        }
        iterations += 1;
        if last_step <= params.tolerance {
            // Take the step without a line search: at this size the objective's change is
            // below rounding. The Hessian used for the SEs is then one tiny step old.
            for (b, s) in beta.iter_mut().zip(&step) {
                *b += s;
            }
            converged = true;
            objective = penalise(&evaluate(x, y, &beta, false), &beta, params.l2).0;
            break;
        }
        let mut t = 1.0;
        let mut accepted = false;
        for _ in 0..MAX_HALVINGS {
            let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
            let (o, g, h) = penalise(&evaluate(x, y, &trial, true), &trial, params.l2);
            // A relative slack of a few ulps keeps rounding noise near the optimum from
            // rejecting a good step.
            if o <= objective + 1e-12 * objective.abs() {
                (beta, objective, grad, hess) = (trial, o, g, h);
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        if !accepted {
            // No decrease along the Newton direction: stop, not converged; `chol` is still
            // the factor at `beta`.
            break;
        }
    }
    Ok(SolverResult {
        inverse_diagonal: inverse_diagonal(&chol, k),
        beta,
        iterations: Some(iterations),
        converged,
        last_step,
        deviance: 2.0 * objective,
    })
}

/// Cholesky factor `L` (row-major, lower) of a symmetric `k x k` matrix, or `None` when it
/// is not numerically positive definite.
pub(super) fn cholesky(a: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for j in 0..k {
        let d = a[j * k + j] - (0..j).map(|m| l[j * k + m] * l[j * k + m]).sum::<f64>();
        // Relative threshold: a pivot lost to rounding means a singular matrix. NaN fails.
        let positive = d > 0.0 && d > 1e-12 * a[j * k + j].abs();
        if !positive {
            return None;
        }
        let djj = d.sqrt();
        l[j * k + j] = djj;
        for i in j + 1..k {
            let v = a[i * k + j] - (0..j).map(|m| l[i * k + m] * l[j * k + m]).sum::<f64>();
            l[i * k + j] = v / djj;
        }
    }
    Some(l)
}

/// Solves `L L^T x = b`.
pub(super) fn cholesky_solve(l: &[f64], k: usize, b: &[f64]) -> Vec<f64> {
    let mut z = b.to_vec();
    for i in 0..k {
        let s: f64 = (0..i).map(|m| l[i * k + m] * z[m]).sum();
        z[i] = (z[i] - s) / l[i * k + i];
    }
    for i in (0..k).rev() {
        let s: f64 = (i + 1..k).map(|m| l[m * k + i] * z[m]).sum();
        z[i] = (z[i] - s) / l[i * k + i];
    }
    z
}

/// Diagonal of `(L L^T)^-1 = L^-T L^-1`: column sums of squares of `L^-1`.
pub(super) fn inverse_diagonal(l: &[f64], k: usize) -> Vec<f64> {
    let mut inv = vec![0.0; k * k]; // L^-1, lower triangular, row-major
    for j in 0..k {
        inv[j * k + j] = 1.0 / l[j * k + j];
        for i in j + 1..k {
            let s: f64 = (j..i).map(|m| l[i * k + m] * inv[m * k + j]).sum();
            inv[i * k + j] = -s / l[i * k + i];
        }
    }
    (0..k)
        .map(|j| (j..k).map(|i| inv[i * k + j] * inv[i * k + j]).sum())
        .collect()
}
