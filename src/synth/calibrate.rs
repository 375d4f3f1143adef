//! Calibration: how many persons each cell gets, so that the report's trees, applied with
//! the correction factor 2.9, give the published counts, sub-groups, job outcomes and
//! distribution columns. Per scored population the cell weights are raked: the weights
//! closest (Kullback-Leibler) to a starting point under the published figures as soft
//! linear constraints, solved by Newton's method on the dual. The rest of the population
//! gets one solved share so that the register comes out at its published size. Reads
//! `published`; never read by `estimate`.

use std::sync::OnceLock;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::cells::{
    draw_person, register_age_band, Cell, EduGroup, Group, OldGroups, AGE_BANDS, REST_AGES,
    REST_EDUCATION, REST_FREE_PROFILE,
};
use super::published::{
    Published, Shares, CORRECTION_FACTOR, JOB_FIND_COHORT, JOB_KEEP_COHORT, POPULATIONS,
    REGISTER_PROFILE, REGISTER_SIZE,
};
use super::report_trees::{b3_1, b3_2, b3_3};
use crate::schema::{Migration, Person, RegisterBasis, Sex};

/// Persons aged 16 ..= 66 in the Netherlands at the end of 2019, register included: CBS
/// StatLine 37296ned gives 10,176,321 persons aged 20-64 on 1 January 2019; the cohorts
/// aged 16-19 and 65-66 add about 0.82 and 0.41 million (about 205,000 per year of age),
/// rounded to 11.4 million (see `data-dictionary/synthetic.md`).
pub const FULL_SCALE: f64 = 11_400_000.0;

/// Persons drawn per cell to compute its expected tree probabilities.
const MC_SAMPLES: usize = 128;

/// Seed of the calibration's own draws: fixed, so every seed of the generator shares one
/// calibration.
const CALIBRATION_SEED: u64 = 0x5eed_2019;

/// Share of praktijkroute among the trained register's bases (assumption); the job-find
/// cohort leaves them out.
pub const PRAKTIJKROUTE_SHARE: f64 = 0.07;

/// How much more often a work-disabled trained register member (35% or more) is among
/// the entrants of the year before the reference year (assumption): the report's job-find
/// tree splits on work disability first (line 15338), so its cohort has many of them.
pub const DISABLED_ENTRANT_WEIGHT: f64 = 3.0;

/// The mean entrant weight of a register with this work-disabled share.
pub fn entrant_weight(disabled_share: f64) -> f64 {
    1.0 + (DISABLED_ENTRANT_WEIGHT - 1.0) * disabled_share
}

/// Bases of the trained register and their shares (assumption).
pub const TRAINED_BASES: [(RegisterBasis, f64); 5] = [
    (RegisterBasis::Indicatie, 0.40),
    (RegisterBasis::Praktijkroute, PRAKTIJKROUTE_SHARE),
    (RegisterBasis::VsoPro, 0.43),
    (RegisterBasis::Voorziening, 0.05),
    (RegisterBasis::Other, 0.05),
];

/// Expectations over a cell's persons, p = B3.1, q = B3.2, k = B3.3.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    /// E[1 - p]: share outside the register.
    outside: f64,
    /// E[p (1 - p)]: comparability (before the factor) carried by those outside.
    comparable: f64,
    /// E[p (1 - p) q].
    finds: f64,
    /// E[p (1 - p) q k].
    keeps: f64,
    /// E[p]: share in the trained register.
    register: f64,
    /// E[p 1{disability >= 35%}]: work-disabled share in the trained register.
    disabled: f64,
    /// E[p 1{male}], E[p 1{table 3.2 age band}], E[p 1{level}], E[p 1{migration}].
    male: f64,
    age: [f64; 5],
    education: [f64; 5],
    migration: [f64; 3],
}

fn cell_stats(cell: &Cell, index: usize) -> Stats {
    let mut rng = ChaCha8Rng::seed_from_u64(CALIBRATION_SEED);
    rng.set_stream(index as u64);
    let mut p = Person::example();
    let mut s = Stats::default();
    for _ in 0..MC_SAMPLES {
        draw_person(&mut rng, cell, &mut p);
        let r = b3_1(&p);
        let c = r * (1.0 - r);
        s.outside += 1.0 - r;
        s.comparable += c;
        if !p.employed {
            let q = b3_2(&p);
            s.finds += c * q;
            s.keeps += c * q * b3_3(&p);
        }
        s.register += r;
        if p.disability_pct >= 35 {
            s.disabled += r;
        }
        if p.sex == Sex::Male {
            s.male += r;
        }
        s.age[register_age_band(p.age)] += r;
        s.education[level_index(&p)] += r;
        let m = match p.migration {
            Migration::None => 0,
            Migration::Western => 1,
            Migration::NonWestern => 2,
        };
        s.migration[m] += r;
    }
    let n = MC_SAMPLES as f64;
    s.outside /= n;
    s.comparable /= n;
    s.finds /= n;
    s.keeps /= n;
    s.register /= n;
    s.disabled /= n;
    s.male /= n;
    for v in s
        .age
        .iter_mut()
        .chain(&mut s.education)
        .chain(&mut s.migration)
    {
        *v /= n;
    }
    s
}

/// Education level 1-4 as 0-3, unknown as 4.
fn level_index(p: &Person<'_>) -> usize {
    use crate::schema::EducationLevel as L;
    match p.education.level() {
        L::Level1 => 0,
        L::Level2 => 1,
        L::Level3 => 2,
        L::Level4 => 3,
        L::Unknown => 4,
    }
}

/// The calibration's targets for one population: the published figures made mutually
/// consistent (they are rounded each on its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// Persons per sub-group; their sum is the total.
    pub persons: [f64; 3],
    /// Expected comparable per sub-group.
    pub comparable: [f64; 3],
    /// "Had work" total (WIA only).
    pub had_work: Option<f64>,
    /// Expected finders of work.
    pub finds: f64,
    /// Expected keepers of work.
    pub keeps: f64,
    /// Distribution columns (gross, comparable, had work, finds, keeps) by education and
    /// by age, each normalised to sum to 1, zeros raised to 0.05% (half the printed unit).
    pub education: [Option<Shares>; 5],
    /// The same columns by age band.
    pub age: [Option<Shares>; 5],
}

fn normalised(s: Shares) -> Shares {
    let floored = s.map(|v| v.max(0.0005));
    let total: f64 = floored.iter().sum();
    floored.map(|v| v / total)
}

/// Makes the published figures of a population consistent: each sub-group's comparable
/// count is its persons times its printed mean probability, kept within the printed
/// count's rounding interval (+-50); the sub-groups are then scaled so that their sum
/// lies in the total's intervals (count +-50 and persons x mean +-0.05 points).
pub fn targets(p: &Published) -> Targets {
    let persons = p.subgroups.map(|s| s.persons);
    let mut comparable = p
        .subgroups
        .map(|s| (s.persons * s.mean_probability).clamp(s.comparable - 50.0, s.comparable + 50.0));
    let (lo, hi) = (
        (p.total.comparable - 50.0).max(p.total.persons * (p.total.mean_probability - 0.0005)),
        (p.total.comparable + 50.0).min(p.total.persons * (p.total.mean_probability + 0.0005)),
    );
    let sum: f64 = comparable.iter().sum();
    let wanted = if lo <= hi {
        sum.clamp(lo, hi)
    } else {
        p.total.comparable
    };
    for c in &mut comparable {
        *c *= wanted / sum;
    }
    let columns = |d: &super::published::Distribution| {
        [
            Some(normalised(d.gross)),
            Some(normalised(d.comparable)),
            d.had_work.map(normalised),
            Some(normalised(d.finds)),
            Some(normalised(d.keeps)),
        ]
    };
    Targets {
        persons,
        comparable,
        had_work: p.had_work,
        finds: p.finds,
        keeps: p.keeps,
        education: columns(&p.education),
        age: columns(&p.age),
    }
}

/// A linear constraint on cell weights: the sum of `coefficient x weight` over `terms`
/// equals `target`.
struct Constraint {
    name: String,
    target: f64,
    /// The deviation that costs as much as moving the weights by a factor e (absolute).
    tolerance: f64,
    terms: Vec<(usize, f64)>,
}

impl Constraint {
    fn value(&self, w: &[f64]) -> f64 {
        self.terms.iter().map(|&(i, a)| a * w[i]).sum()
    }
}

/// One calibration target and how close the calibrated cells come (in expectation).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFit {
    /// `ww`, `wia`, `bijstand`, `nug` or `register`.
    pub population: &'static str,
    /// What is targeted, e.g. `comparable months_0_11` or `finds by education level 2`.
    pub target: String,
    /// The target value (published, made consistent).
    pub wanted: f64,
    /// The expectation under the calibrated cells.
    pub calibrated: f64,
}

/// Raking with soft constraints: the weights closest to their starting point `w0`
/// (Kullback-Leibler distance) with a quadratic penalty `((A w - t) / tol)^2 / 2` per
/// constraint, so that targets that cannot all hold at once (rounded figures, cells too
/// coarse) are traded off by their tolerances. Solved by Newton's method on the dual,
/// `min over lambda of sum w0 exp(A' lambda) - lambda t + sum tol^2 lambda^2 / 2`, whose
/// minimiser gives `w = w0 exp(A' lambda)`.
fn rake(w: &mut [f64], constraints: &[Constraint], max_iterations: usize) {
    let k = constraints.len();
    let mut by_cell: Vec<Vec<(usize, f64)>> = vec![Vec::new(); w.len()];
    for (j, c) in constraints.iter().enumerate() {
        for &(i, a) in &c.terms {
            by_cell[i].push((j, a));
        }
    }
    let s2: Vec<f64> = constraints
        .iter()
        .map(|c| (SOFTNESS * c.tolerance).powi(2))
        .collect();
    let w0 = w.to_vec();
    let weights = |lambda: &[f64], out: &mut [f64]| {
        for ((o, w0), terms) in out.iter_mut().zip(&w0).zip(&by_cell) {
            let e: f64 = terms.iter().map(|&(j, a)| a * lambda[j]).sum();
            *o = w0 * e.min(50.0).exp();
        }
    };
    let dual = |lambda: &[f64], w: &[f64]| -> f64 {
        w.iter().sum::<f64>()
            + constraints
                .iter()
                .zip(lambda)
                .zip(&s2)
                .map(|((c, l), s2)| -l * c.target + 0.5 * s2 * l * l)
                .sum::<f64>()
    };
    let mut lambda = vec![0.0f64; k];
    let mut trial = vec![0.0f64; w.len()];
    for _ in 0..max_iterations {
        weights(&lambda, w);
        let grad: Vec<f64> = constraints
            .iter()
            .enumerate()
            .map(|(j, c)| c.value(w) - c.target + s2[j] * lambda[j])
            .collect();
        if grad
            .iter()
            .zip(constraints)
            .all(|(g, c)| g.abs() <= 1e-9 * c.target.max(1.0))
        {
            return;
        }
        let mut h = vec![0.0f64; k * k];
        for (j, s) in s2.iter().enumerate() {
            h[j * k + j] = *s;
        }
        for (wi, terms) in w.iter().zip(&by_cell) {
            for &(j, a) in terms {
                for &(l, b) in terms {
                    h[j * k + l] += wi * a * b;
                }
            }
        }
        let step_dir = solve_spd(&mut h, &grad.iter().map(|g| -g).collect::<Vec<_>>(), k);
        let slope: f64 = grad.iter().zip(&step_dir).map(|(g, d)| g * d).sum();
        let before = dual(&lambda, w);
        let mut step = 1.0;
        let mut next = lambda.clone();
        for _ in 0..50 {
            for ((n, l), d) in next.iter_mut().zip(&lambda).zip(&step_dir) {
                *n = l + step * d;
            }
            weights(&next, &mut trial);
            if dual(&next, &trial) <= before + 1e-4 * step * slope {
                break;
            }
            step *= 0.5;
        }
        lambda = next;
    }
    weights(&lambda, w);
}

/// Solves `h x = b` for a symmetric positive definite `k x k` matrix (row-major, destroyed)
/// by Cholesky decomposition; a tiny ridge keeps it positive definite in rounding.
fn solve_spd(h: &mut [f64], b: &[f64], k: usize) -> Vec<f64> {
    let ridge = 1e-12 * (0..k).map(|i| h[i * k + i]).fold(0.0, f64::max);
    for i in 0..k {
        h[i * k + i] += ridge;
    }
    for j in 0..k {
        let mut d = h[j * k + j];
        for m in 0..j {
            d -= h[j * k + m] * h[j * k + m];
        }
        let d = d.max(f64::MIN_POSITIVE).sqrt();
        h[j * k + j] = d;
        for i in j + 1..k {
            let mut v = h[i * k + j];
            for m in 0..j {
                v -= h[i * k + m] * h[j * k + m];
            }
            h[i * k + j] = v / d;
        }
    }
    let mut y = vec![0.0; k];
    for i in 0..k {
        let mut v = b[i];
        for m in 0..i {
            v -= h[i * k + m] * y[m];
        }
        y[i] = v / h[i * k + i];
    }
    let mut x = vec![0.0; k];
    for i in (0..k).rev() {
        let mut v = y[i];
        for m in i + 1..k {
            v -= h[m * k + i] * x[m];
        }
        x[i] = v / h[i * k + i];
    }
    x
}

/// Scales every tolerance: the penalty must outweigh moving weights (the distance is in
/// persons), so a tolerance of 1% of a target is priced as 0.01% of it.
const SOFTNESS: f64 = 0.01;
/// Tolerance of the sub-groups' persons, relative.
const PERSONS_TOLERANCE: f64 = 0.002;
/// Tolerance of the sub-groups' comparable counts, relative.
const COMPARABLE_TOLERANCE: f64 = 0.005;
/// Tolerance of a distribution share, in shares of its column's total (0.3 points).
const SHARE_TOLERANCE: f64 = 0.003;

/// The cells of a scored population with their starting weights (prior), before raking.
fn scored_cells(group: Group, t: &Targets) -> Vec<Cell> {
    let total: f64 = t.persons.iter().sum();
    let profiles = group.profiles();
    let prior_sum: f64 = profiles.iter().map(|p| p.prior).sum();
    let gross_edu = t.education[0].unwrap_or([0.25; 4]);
    let gross_age = t.age[0].unwrap_or([0.25; 4]);
    let employment: &[bool] = if group == Group::Wia {
        &[false, true]
    } else {
        &[false]
    };
    let mut cells = Vec::new();
    for (k, prof) in profiles.iter().enumerate() {
        let age_norm: f64 = (0..4).map(|a| gross_age[a] * prof.age_prior[a]).sum();
        for edu in EduGroup::KNOWN {
            for (a, (age_share, age_prior)) in gross_age.iter().zip(prof.age_prior).enumerate() {
                for (s, persons) in t.persons.iter().enumerate() {
                    // The fitted tree cannot afford B3.1's split of `none` under "more
                    // than 90% disabled" (its depth goes to mbo2 first), so the fully
                    // disabled WIA classes are given no `none` cells to depend on it.
                    if group == Group::Wia && s == 2 && edu == EduGroup::None {
                        continue;
                    }
                    for &employed in employment {
                        let weight = total
                            * (prof.prior / prior_sum)
                            * gross_edu[edu.level_index()]
                            * edu.share_in_level()
                            * (age_share * age_prior / age_norm)
                            * (persons / total)
                            * if employed { 0.3 } else { 1.0 };
                        cells.push(Cell {
                            group,
                            profile: k as u8,
                            education: edu,
                            age_band: a as u8,
                            subgroup: s as u8,
                            employed,
                            weight,
                        });
                    }
                }
            }
        }
    }
    cells
}

/// The constraints of a scored population over its cells (`first` is the index of its
/// first cell in `stats`).
fn constraints(t: &Targets, cells: &[Cell], stats: &[Stats]) -> Vec<Constraint> {
    let f = CORRECTION_FACTOR;
    let total_persons: f64 = t.persons.iter().sum();
    let total_comparable: f64 = t.comparable.iter().sum();
    let mut out = Vec::new();
    let mut add =
        |name: String, target: f64, tolerance: f64, coef: &dyn Fn(&Cell, &Stats) -> f64| {
            let terms: Vec<(usize, f64)> = cells
                .iter()
                .zip(stats)
                .enumerate()
                .map(|(i, (c, s))| (i, coef(c, s)))
                .filter(|&(_, a)| a > 0.0)
                .collect();
            out.push(Constraint {
                name,
                target,
                tolerance,
                terms,
            });
        };
    for s in 0..3u8 {
        add(
            format!("persons subgroup {}", s + 1),
            t.persons[usize::from(s)],
            PERSONS_TOLERANCE * t.persons[usize::from(s)],
            &|c, st| if c.subgroup == s { st.outside } else { 0.0 },
        );
        add(
            format!("comparable subgroup {}", s + 1),
            t.comparable[usize::from(s)],
            COMPARABLE_TOLERANCE * t.comparable[usize::from(s)],
            &|c, st| {
                if c.subgroup == s {
                    f * st.comparable
                } else {
                    0.0
                }
            },
        );
    }
    let measures: [(&str, Option<f64>); 5] = [
        ("persons", Some(total_persons)),
        ("comparable", Some(total_comparable)),
        ("had work", t.had_work),
        ("finds", Some(t.finds)),
        ("keeps", Some(t.keeps)),
    ];
    for (m, (label, total)) in measures.iter().enumerate() {
        let Some(total) = *total else { continue };
        let value = move |c: &Cell, st: &Stats| match m {
            0 => st.outside,
            1 => f * st.comparable,
            2 if c.employed => f * st.comparable,
            3 if !c.employed => f * st.finds,
            4 if !c.employed => f * st.keeps,
            _ => 0.0,
        };
        for (by, shares) in [("education level", t.education[m]), ("age band", t.age[m])] {
            let Some(shares) = shares else { continue };
            for (k, share) in shares.iter().enumerate() {
                let in_category = move |c: &Cell| {
                    if by == "age band" {
                        usize::from(c.age_band) == k
                    } else {
                        c.education.level_index() == k
                    }
                };
                add(
                    format!("{label} by {by} {}", k + 1),
                    total * share,
                    SHARE_TOLERANCE * total,
                    &|c, st| if in_category(c) { value(c, st) } else { 0.0 },
                );
            }
        }
    }
    out
}

/// The calibrated synthetic population: cells with their weights at full scale, the old
/// register groups, the job cohorts' shares, and how well the targets are met.
///
/// ```
/// use banenafspraak::synth::Calibration;
/// let cal = Calibration::report();
/// let register = cal.trained_register + cal.old_groups.count;
/// assert!((register / cal.trained_register - 2.9).abs() < 0.01);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Every cell of the scored populations and the rest, weights in persons at full
    /// scale ([`FULL_SCALE`] with the old groups).
    pub cells: Vec<Cell>,
    /// The register's old groups (wajong, wsw, wiw/id).
    pub old_groups: OldGroups,
    /// Expected trained register (bases other than wajong, wsw, wiw/id) at full scale.
    pub trained_register: f64,
    /// Probability that a trained register member who is not work-disabled entered in the
    /// year before the reference year (the job-find cohort, praktijkroute included);
    /// work-disabled members (35% or more) enter [`DISABLED_ENTRANT_WEIGHT`] times as often.
    pub entrant_share: f64,
    /// Share of work-disabled persons (35% or more) in the trained register.
    pub disabled_share: f64,
    /// Probability that a trained register member started a job in that year (the
    /// job-keep cohort).
    pub starter_share: f64,
    /// The solved multiplier of the rest's free profile ("earlier bijstand and no
    /// income") on its starting share.
    pub rest_free_multiplier: f64,
    /// Every target with its calibrated expectation.
    pub fit: Vec<TargetFit>,
}

/// The four scored populations' cells, each raked to its published targets, and how
/// close each target came.
fn calibrate_scored() -> (Vec<Cell>, Vec<TargetFit>) {
    let mut cells = Vec::new();
    let mut fit = Vec::new();
    let scored = [Group::Ww, Group::Wia, Group::Bijstand, Group::Nug];
    for (group, published) in scored.into_iter().zip(POPULATIONS) {
        let t = targets(published);
        let mut group_cells = scored_cells(group, &t);
        let offset = cells.len();
        let stats = stats_of(&group_cells, offset);
        let cons = constraints(&t, &group_cells, &stats);
        let mut w: Vec<f64> = group_cells.iter().map(|c| c.weight).collect();
        rake(&mut w, &cons, 200);
        for (c, &wi) in group_cells.iter_mut().zip(&w) {
            c.weight = wi;
        }
        for c in &cons {
            fit.push(TargetFit {
                population: published.name,
                target: c.name.clone(),
                wanted: c.target,
                calibrated: c.value(&w),
            });
        }
        cells.extend(group_cells);
    }
    (cells, fit)
}

/// The multiplier of the rest's free profile: `alpha` for its cells, 1 for the others.
fn free_multiplier(c: &Cell, alpha: f64) -> f64 {
    if usize::from(c.profile) == REST_FREE_PROFILE {
        alpha
    } else {
        1.0
    }
}

/// The rest of the population: fixed starting shares and one multiplier of the free
/// profile, solved by bisection so that the trained register reaches its target; scaled
/// to the persons left after the scored populations and the old groups. Returns the
/// cells, their statistics and the multiplier.
fn calibrate_rest(
    scored: &[Cell],
    scored_stats: &[Stats],
    trained_target: f64,
    old_count: f64,
) -> (Vec<Cell>, Vec<Stats>, f64) {
    let scored_persons: f64 = scored.iter().map(|c| c.weight).sum();
    let scored_register: f64 = scored
        .iter()
        .zip(scored_stats)
        .map(|(c, s)| c.weight * s.register)
        .sum();
    let rest_persons = FULL_SCALE - old_count - scored_persons;
    let rest = rest_cells();
    let rest_stats = stats_of(&rest, scored.len());
    let register_share = |alpha: f64| {
        let (mut n, mut r) = (0.0, 0.0);
        for (c, s) in rest.iter().zip(&rest_stats) {
            let w = c.weight * free_multiplier(c, alpha);
            n += w;
            r += w * s.register;
        }
        r / n
    };
    let wanted_share = (trained_target - scored_register) / rest_persons;
    let (mut lo, mut hi) = (0.0f64, 200.0f64);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if register_share(mid) < wanted_share {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let alpha = 0.5 * (lo + hi);
    let rest_total: f64 = rest
        .iter()
        .map(|c| c.weight * free_multiplier(c, alpha))
        .sum();
    let rest: Vec<Cell> = rest
        .into_iter()
        .map(|c| Cell {
            weight: c.weight * free_multiplier(&c, alpha) * rest_persons / rest_total,
            ..c
        })
        .collect();
    (rest, rest_stats, alpha)
}

/// The register members' profile: the cells' statistics weighted by their persons.
fn weighted_profile(cells: &[Cell], stats: &[Stats]) -> Stats {
    let mut trained = Stats::default();
    for (c, s) in cells.iter().zip(stats) {
        trained.register += c.weight * s.register;
        trained.disabled += c.weight * s.disabled;
        trained.male += c.weight * s.male;
        for k in 0..5 {
            trained.age[k] += c.weight * s.age[k];
            trained.education[k] += c.weight * s.education[k];
        }
        for k in 0..3 {
            trained.migration[k] += c.weight * s.migration[k];
        }
    }
    trained
}

/// The old groups (wajong, wsw, wiw/id): `old_count` persons whose profile fills the gap
/// between the trained register's and the whole register's (report table 3.2).
fn old_groups(trained: &Stats, old_count: f64) -> OldGroups {
    let total_register = trained.register + old_count;
    let fill = |target: &[f64], have: &[f64]| -> Vec<f64> {
        let gap: Vec<f64> = target
            .iter()
            .zip(have)
            .map(|(t, h)| (t * total_register - h).max(0.0))
            .collect();
        let sum: f64 = gap.iter().sum();
        gap.iter().map(|g| g / sum).collect()
    };
    let to5 = |v: Vec<f64>| [v[0], v[1], v[2], v[3], v[4]];
    OldGroups {
        count: old_count,
        basis: [
            (RegisterBasis::Wajong, 0.50),
            (RegisterBasis::Wsw, 0.42),
            (RegisterBasis::WiwId, 0.08),
        ],
        male: ((REGISTER_PROFILE.male * total_register - trained.male) / old_count)
            .clamp(0.05, 0.95),
        age: to5(fill(&REGISTER_PROFILE.age, &trained.age)),
        education: to5(fill(&REGISTER_PROFILE.education, &trained.education)),
        migration: {
            let v = fill(&REGISTER_PROFILE.migration, &trained.migration);
            [v[0], v[1], v[2]]
        },
    }
}

impl Calibration {
    /// The calibration to the report, computed once per process.
    pub fn report() -> &'static Calibration {
        static CAL: OnceLock<Calibration> = OnceLock::new();
        CAL.get_or_init(Calibration::compute)
    }

    /// Computes the calibration afresh (about 0.1 s; [`Calibration::report`] keeps one).
    pub fn compute() -> Calibration {
        let (mut cells, mut fit) = calibrate_scored();
        let scored_stats = stats_of(&cells, 0);
        let trained_target = REGISTER_SIZE / CORRECTION_FACTOR;
        let old_count = REGISTER_SIZE - trained_target;
        let (rest, rest_stats, alpha) =
            calibrate_rest(&cells, &scored_stats, trained_target, old_count);
        cells.extend(rest.iter().copied());
        let all_stats: Vec<Stats> = scored_stats.into_iter().chain(rest_stats).collect();
        let trained = weighted_profile(&cells, &all_stats);
        let old_groups = old_groups(&trained, old_count);
        fit.push(TargetFit {
            population: "register",
            target: "trained register (register / 2.9)".into(),
            wanted: trained_target,
            calibrated: trained.register,
        });
        Calibration {
            cells,
            old_groups,
            trained_register: trained.register,
            entrant_share: JOB_FIND_COHORT
                / (trained.register
                    * (1.0 - PRAKTIJKROUTE_SHARE)
                    * entrant_weight(trained.disabled / trained.register)),
            disabled_share: trained.disabled / trained.register,
            starter_share: JOB_KEEP_COHORT / trained.register,
            rest_free_multiplier: alpha,
            fit,
        }
    }

    /// Moves weight within a population towards (factor > 1) or away from (factor < 1)
    /// the cells of the named window profile, keeping the population's size: a
    /// perturbation of one calibrated parameter, for sensitivity checks.
    ///
    /// ```
    /// use banenafspraak::synth::{Calibration, Group};
    /// let mut cal = Calibration::report().clone();
    /// let before: f64 = cal.cells.iter().filter(|c| c.group == Group::Bijstand).map(|c| c.weight).sum();
    /// cal.shift(Group::Bijstand, "with a spell without income", 2.0);
    /// let after: f64 = cal.cells.iter().filter(|c| c.group == Group::Bijstand).map(|c| c.weight).sum();
    /// assert!((before - after).abs() < 1e-6 * before);
    /// ```
    pub fn shift(&mut self, group: Group, profile: &str, factor: f64) {
        let before: f64 = self.group_weight(group);
        for c in self.cells.iter_mut().filter(|c| c.group == group) {
            if c.profile().name == profile {
                c.weight *= factor;
            }
        }
        let after = self.group_weight(group);
        for c in self.cells.iter_mut().filter(|c| c.group == group) {
            c.weight *= before / after;
        }
    }

    fn group_weight(&self, group: Group) -> f64 {
        self.cells
            .iter()
            .filter(|c| c.group == group)
            .map(|c| c.weight)
            .sum()
    }

    /// Persons at full scale: all cells and the old groups.
    pub fn full_scale(&self) -> f64 {
        self.cells.iter().map(|c| c.weight).sum::<f64>() + self.old_groups.count
    }
}

fn stats_of(cells: &[Cell], offset: usize) -> Vec<Stats> {
    cells
        .par_iter()
        .enumerate()
        .map(|(i, c)| cell_stats(c, offset + i))
        .collect()
}

/// The rest's cells with their starting weights (summing to 1 before the free profile's
/// multiplier).
fn rest_cells() -> Vec<Cell> {
    let profiles = Group::Rest.profiles();
    let prior_sum: f64 = profiles.iter().map(|p| p.prior).sum();
    let mut cells = Vec::new();
    for (k, prof) in profiles.iter().enumerate() {
        let age_norm: f64 = (0..4).map(|a| REST_AGES[a] * prof.age_prior[a]).sum();
        for (edu, share) in REST_EDUCATION {
            for (a, _) in AGE_BANDS.iter().enumerate() {
                cells.push(Cell {
                    group: Group::Rest,
                    profile: k as u8,
                    education: edu,
                    age_band: a as u8,
                    subgroup: 0,
                    employed: false,
                    weight: prof.prior / prior_sum * share * REST_AGES[a] * prof.age_prior[a]
                        / age_norm,
                });
            }
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::published::{BIJSTAND, WW};

    #[test]
    fn targets_are_consistent_within_rounding() {
        let t = targets(&WW);
        let sum: f64 = t.comparable.iter().sum();
        assert!((3950.0..=4050.0).contains(&sum), "{sum}");
        assert!((t.comparable[1] - 350.0).abs() < 5.0, "{:?}", t.comparable);
        let b = targets(&BIJSTAND);
        assert_eq!(b.persons, [78_600.0, 41_800.0, 243_700.0]);
        for shares in b.education.iter().chain(&b.age).flatten() {
            assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn raking_meets_feasible_constraints() {
        // Two cells, two constraints with a known solution w = (2, 3).
        let cons = vec![
            Constraint {
                name: "a".into(),
                target: 5.0,
                tolerance: 1e-6,
                terms: vec![(0, 1.0), (1, 1.0)],
            },
            Constraint {
                name: "b".into(),
                target: 2.0 * 0.1 + 3.0 * 0.5,
                tolerance: 1e-6,
                terms: vec![(0, 0.1), (1, 0.5)],
            },
        ];
        let mut w = vec![1.0, 1.0];
        rake(&mut w, &cons, 200);
        assert!(
            (w[0] - 2.0).abs() < 1e-6 && (w[1] - 3.0).abs() < 1e-6,
            "{w:?}"
        );
    }
}
