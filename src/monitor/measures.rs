//! The measures of `../shared/spec/panel-schema.md`, computed person by person from the
//! sorted panel: banen per month, banen over the baseline, the cohort's months worked,
//! Kaplan-Meier job retention and job starts and ends per quarter.

use super::params::MonitorParams;
use super::read::{Panel, Register, Sector};
use crate::error::{Error, Result};
use crate::schema::Month;
use crate::schema::RegisterBasis;

/// A group of a measure: everyone, the holders of a basis, or the jobs of a sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Everyone.
    Total,
    /// Persons (or their jobs) under a basis.
    Basis(RegisterBasis),
    /// Hours of jobs in a sector.
    Sector(Sector),
}

impl Group {
    /// The machine code: `total`, a basis code, a sector code.
    pub fn code(self) -> &'static str {
        match self {
            Group::Total => "total",
            Group::Basis(b) => b.code(),
            Group::Sector(s) => s.code(),
        }
    }

    /// Every group in table order: total, the bases, the sectors.
    fn all() -> Vec<Group> {
        std::iter::once(Group::Total)
            .chain(RegisterBasis::ALL.iter().map(|&b| Group::Basis(b)))
            .chain(Sector::ALL.map(Group::Sector))
            .collect()
    }

    /// Column of the group in [`Group::all`].
    fn slot(self) -> usize {
        match self {
            Group::Total => 0,
            Group::Basis(b) => 1 + b as usize,
            Group::Sector(s) => 1 + RegisterBasis::ALL.len() + s as usize,
        }
    }
}

/// One number and the persons behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The value (`NaN` when undefined: no spell at risk).
    pub value: f64,
    /// The persons of the cell (`persons` of the CSV output).
    pub persons: u64,
    /// For shares and retention, the persons the value is about: those in the bin, or
    /// those still at risk at the last duration used.
    pub subset: Option<u64>,
}

/// A measure's values for one group, one per period.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The group.
    pub group: Group,
    /// One point per period of the measure.
    pub points: Vec<Point>,
}

/// A measure: its periods and a series per group.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// `banen`, `banen_extra`, `months_worked_36`, `job_retention`, `jobs_started`,
    /// `jobs_ended`.
    pub name: &'static str,
    /// Period codes (`2019-01`, `2019-Q1`, the bins `0` ... `36`, the durations `3` ...).
    pub periods: Vec<String>,
    /// Series, total first.
    pub series: Vec<Series>,
}

impl Measure {
    /// The series of a group.
    pub fn group(&self, g: Group) -> Option<&Series> {
        self.series.iter().find(|s| s.group == g)
    }

    /// The point of a group and period.
    pub fn point(&self, g: Group, period: &str) -> Option<Point> {
        let k = self.periods.iter().position(|p| p == period)?;
        self.group(g).map(|s| s.points[k])
    }
}

/// Everything the monitor computes.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorResults {
    /// The parameters used.
    pub params: MonitorParams,
    /// First and last month of the panel.
    pub first_month: Month,
    /// The last month: job spells still paid in it are censored.
    pub last_month: Month,
    /// Banen per month by total, basis and sector.
    pub banen: Measure,
    /// Banen of the total minus the baseline.
    pub banen_extra: Measure,
    /// The cohort's months worked, when the panel covers the cohort window.
    pub months_worked: Option<Measure>,
    /// Kaplan-Meier share of job spells lasting at least the period's months.
    pub job_retention: Measure,
    /// Job spells started per quarter.
    pub jobs_started: Measure,
    /// Job spells ended per quarter.
    pub jobs_ended: Measure,
    /// Job spells found (of which left-truncated: already running in the first month).
    pub job_spells: (usize, usize),
    /// Why a measure is missing or what was left out, in words.
    pub notes: Vec<String>,
}

/// One job spell: consecutive paid months of one job.
#[derive(Debug, Clone, Copy)]
struct JobSpell {
    person: u32,
    basis: RegisterBasis,
    first: Month,
    last: Month,
    /// Still paid in the panel's last month.
    censored: bool,
    /// Already paid in the panel's first month: its start is unknown.
    left_truncated: bool,
}

impl MonitorParams {
    /// Computes every measure. The parameters are checked first.
    pub fn run(&self, register: &Register, panel: &Panel) -> Result<MonitorResults> {
        self.check()?;
        let (first, last) = panel.months().ok_or_else(|| Error::InvalidParameter {
            name: "hours",
            value: panel.summary.source.clone(),
            reason: "the hours panel has no rows of persons in the register".into(),
        })?;
        let n_months = (last.0 - first.0 + 1) as usize;
        let mut notes = Vec::new();
        let window = (self.cohort_first_month(), self.cohort_end.month().plus(-1));
        let cover = first <= window.0 && window.1 <= last;
        if !cover {
            // No dates in notes: disclosure control rounds numbers of 3+ digits in prose.
            notes.push("months_worked_36: the hours panel does not cover the cohort window (cohort_start to the month before cohort_end); not computed".into());
        }
        let mut banen = BanenTally::new(n_months);
        let mut cohort = CohortTally::new(self.cohort_months() as usize);
        let mut spells = Vec::new();
        let mut months: Vec<(Month, Sector, f64)> = Vec::new();
        let mut rest = &panel.rows[..];
        // Every register member, with or without rows (the cohort counts those without).
        for p in 0..register.len() as u32 {
            let n = rest.partition_point(|r| r.person == p);
            let (rows, tail) = rest.split_at(n);
            rest = tail;
            months.clear();
            months.extend(rows.iter().map(|r| (r.month, r.sector, r.hours)));
            months.sort_unstable_by_key(|m| m.0);
            banen.add_person(register, p, first, &months);
            if cover {
                cohort.add_person(self, register, p, &months);
            }
            for job in rows.chunk_by(|a, b| a.job == b.job) {
                job_spells(register, p, job, first, last, &mut spells);
            }
        }
        let left = spells.iter().filter(|s| s.left_truncated).count();
        if left > 0 {
            notes.push(format!(
                "job_retention, jobs_started: {left} job spells already paid in the panel's first month have an unknown start and are left out; jobs_ended counts them"
            ));
        }
        let month_codes: Vec<String> = (0..n_months)
            .map(|k| first.plus(k as i32).to_string())
            .collect();
        let banen_m = banen.measure(self, register, month_codes.clone());
        let banen_extra = Measure {
            name: "banen_extra",
            periods: month_codes,
            series: vec![Series {
                group: Group::Total,
                points: banen_m.series[0]
                    .points
                    .iter()
                    .map(|p| Point {
                        value: p.value - self.baseline,
                        ..*p
                    })
                    .collect(),
            }],
        };
        let quarters = quarters(first, last);
        Ok(MonitorResults {
            params: self.clone(),
            first_month: first,
            last_month: last,
            banen: banen_m,
            banen_extra,
            months_worked: cover.then(|| cohort.measure(self)),
            job_retention: retention(self, &spells),
            jobs_started: flows(
                "jobs_started",
                &quarters,
                spells
                    .iter()
                    .filter(|s| !s.left_truncated)
                    .map(|s| (s.first, s)),
            ),
            jobs_ended: flows(
                "jobs_ended",
                &quarters,
                spells.iter().filter(|s| !s.censored).map(|s| (s.last, s)),
            ),
            job_spells: (spells.len(), left),
            notes,
        })
    }
}

/// Hours and persons with hours per month and group.
struct BanenTally {
    hours: Vec<Vec<f64>>,
    persons: Vec<Vec<u64>>,
    present: Vec<bool>,
}

impl BanenTally {
    fn new(n_months: usize) -> Self {
        let n = Group::all().len();
        BanenTally {
            hours: vec![vec![0.0; n]; n_months],
            persons: vec![vec![0; n]; n_months],
            present: vec![false; n],
        }
    }

    /// `months`: the person's rows (month, sector, hours), by month.
    fn add_person(
        &mut self,
        register: &Register,
        p: u32,
        first: Month,
        months: &[(Month, Sector, f64)],
    ) {
        for m in months.chunk_by(|a, b| a.0 == b.0) {
            let month = m[0].0;
            let Some(basis) = register.basis_on(p, month.last_day()) else {
                continue;
            };
            let k = (month.0 - first.0) as usize;
            let mut by_sector = [0.0f64; 2];
            for &(_, s, h) in m {
                by_sector[s as usize] += h;
            }
            let total: f64 = by_sector.iter().sum();
            let mut add = |g: Group, h: f64| {
                self.hours[k][g.slot()] += h;
                self.persons[k][g.slot()] += u64::from(h > 0.0);
            };
            add(Group::Total, total);
            add(Group::Basis(basis), total);
            for s in Sector::ALL {
                add(Group::Sector(s), by_sector[s as usize]);
            }
        }
    }

    fn measure(
        &mut self,
        params: &MonitorParams,
        register: &Register,
        periods: Vec<String>,
    ) -> Measure {
        self.present[0] = true;
        for s in Sector::ALL {
            self.present[Group::Sector(s).slot()] = true;
        }
        for p in 0..register.len() as u32 {
            for s in register.spells(p) {
                self.present[Group::Basis(s.basis).slot()] = true;
            }
        }
        let series = Group::all()
            .into_iter()
            .filter(|g| self.present[g.slot()])
            .map(|g| Series {
                group: g,
                points: (0..periods.len())
                    .map(|k| Point {
                        value: self.hours[k][g.slot()] / params.hours_per_baan,
                        persons: self.persons[k][g.slot()],
                        subset: None,
                    })
                    .collect(),
            })
            .collect();
        Measure {
            name: "banen",
            periods,
            series,
        }
    }
}

/// Cohort members per group and bin of months worked.
struct CohortTally {
    window: usize,
    /// [group slot][bin]
    bins: Vec<[u64; 4]>,
}

impl CohortTally {
    fn new(window: usize) -> Self {
        CohortTally {
            window,
            bins: vec![[0; 4]; Group::all().len()],
        }
    }

    fn bin(&self, worked: usize) -> usize {
        match worked {
            0 => 0,
            1..=11 => 1,
            w if w < self.window => 2,
            _ => 3,
        }
    }

    fn add_person(
        &mut self,
        params: &MonitorParams,
        register: &Register,
        p: u32,
        months: &[(Month, Sector, f64)],
    ) {
        let (start, end) = (params.cohort_start, params.cohort_end);
        if register.basis_on(p, start).is_none() || register.basis_on(p, end).is_none() {
            return;
        }
        let first = params.cohort_first_month();
        let after = params.cohort_end.month();
        let worked = months
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|m| m[0].0 >= first && m[0].0 < after)
            .filter(|m| m.iter().map(|r| r.2).sum::<f64>() >= 1.0)
            .count();
        let bin = self.bin(worked);
        self.bins[0][bin] += 1;
        let mut held = [false; 8];
        for s in register
            .spells(p)
            .iter()
            .filter(|s| s.start <= end && s.end >= start)
        {
            held[s.basis as usize] = true;
        }
        for (b, _) in held.iter().enumerate().filter(|h| *h.1) {
            self.bins[1 + b][bin] += 1;
        }
    }

    fn measure(&self, params: &MonitorParams) -> Measure {
        let n = params.cohort_months();
        let periods = vec![
            "0".into(),
            "1-11".into(),
            format!("12-{}", n - 1),
            n.to_string(),
        ];
        let series = Group::all()
            .into_iter()
            .filter(|g| {
                matches!(g, Group::Total)
                    || (matches!(g, Group::Basis(_)) && self.bins[g.slot()].iter().sum::<u64>() > 0)
            })
            .map(|g| {
                let bins = self.bins[g.slot()];
                let total: u64 = bins.iter().sum();
                Series {
                    group: g,
                    points: bins
                        .iter()
                        .map(|&k| Point {
                            value: if total == 0 {
                                f64::NAN
                            } else {
                                k as f64 / total as f64
                            },
                            persons: total,
                            subset: Some(k),
                        })
                        .collect(),
                }
            })
            .collect();
        Measure {
            name: "months_worked_36",
            periods,
            series,
        }
    }
}

/// The spells of one job (its rows, by month): runs of consecutive months with hours > 0
/// whose first day falls inside a register spell.
fn job_spells(
    register: &Register,
    p: u32,
    rows: &[super::read::HoursRow],
    first: Month,
    last: Month,
    out: &mut Vec<JobSpell>,
) {
    let paid: Vec<Month> = rows
        .iter()
        .filter(|r| r.hours > 0.0)
        .map(|r| r.month)
        .collect();
    for run in paid.chunk_by(|a, b| b.0 == a.0 + 1) {
        let (f, l) = (run[0], run[run.len() - 1]);
        if let Some(basis) = register.basis_on(p, f.first_day()) {
            out.push(JobSpell {
                person: p,
                basis,
                first: f,
                last: l,
                censored: l == last,
                left_truncated: f == first,
            });
        }
    }
}

/// The groups of spells: total and each basis that has spells.
fn spell_groups<'a>(spells: impl Iterator<Item = &'a JobSpell>) -> Vec<Group> {
    let mut groups: Vec<Group> = std::iter::once(Group::Total)
        .chain(spells.map(|s| Group::Basis(s.basis)))
        .collect();
    groups.sort();
    groups.dedup();
    groups
}

fn in_group(g: Group, s: &JobSpell) -> bool {
    g == Group::Total || g == Group::Basis(s.basis)
}

/// Kaplan-Meier: `P(length >= d) = prod_{t=1}^{d-1} (1 - e_t / n_t)`, with `e_t` the
/// spells that ended after exactly `t` months and `n_t` those known to reach `t` months
/// with their outcome at `t` observed (ended at `t` or later, or censored after more than
/// `t` months). Left-truncated spells are left out.
fn retention(params: &MonitorParams, spells: &[JobSpell]) -> Measure {
    let spells: Vec<&JobSpell> = spells.iter().filter(|s| !s.left_truncated).collect();
    let max_d = *params.retention_months.last().unwrap_or(&1) as usize;
    let series = spell_groups(spells.iter().copied())
        .into_iter()
        .map(|g| {
            let mine: Vec<&JobSpell> = spells.iter().copied().filter(|s| in_group(g, s)).collect();
            let mut ended = vec![0u64; max_d + 1];
            // horizon: the largest t at which the spell is in the risk set.
            let mut horizon_count = vec![0u64; max_d + 2];
            let mut person_horizon: Vec<(u32, usize)> = Vec::with_capacity(mine.len());
            for s in &mine {
                let len = (s.last.0 - s.first.0 + 1) as usize;
                let horizon = if s.censored { len - 1 } else { len };
                if !s.censored && len <= max_d {
                    ended[len] += 1;
                }
                horizon_count[horizon.min(max_d + 1)] += 1;
                person_horizon.push((s.person, horizon));
            }
            // n_t = spells with horizon >= t.
            let mut at_risk = vec![0u64; max_d + 2];
            let mut acc = 0;
            for t in (0..=max_d + 1).rev() {
                acc += horizon_count[t];
                at_risk[t] = acc;
            }
            let persons_at = persons_at_risk(&mut person_horizon, max_d);
            let persons = persons_at[0];
            let points = params
                .retention_months
                .iter()
                .map(|&d| {
                    let d = d as usize;
                    let mut s = 1.0;
                    for t in 1..d {
                        if s == 0.0 {
                            // Every spell has ended: the curve stays at 0.
                            break;
                        }
                        s *= match at_risk[t] {
                            0 => f64::NAN,
                            n => 1.0 - ended[t] as f64 / n as f64,
                        };
                    }
                    Point {
                        value: s,
                        persons,
                        subset: Some(persons_at[d - 1]),
                    }
                })
                .collect();
            Series { group: g, points }
        })
        .collect();
    Measure {
        name: "job_retention",
        periods: params.retention_months.iter().map(u32::to_string).collect(),
        series,
    }
}

/// Distinct persons with a spell of horizon >= t, for t = 0..=max_d.
fn persons_at_risk(person_horizon: &mut [(u32, usize)], max_d: usize) -> Vec<u64> {
    person_horizon.sort_unstable();
    let mut count = vec![0u64; max_d + 2];
    for spells in person_horizon.chunk_by(|a, b| a.0 == b.0) {
        let h = spells.iter().map(|s| s.1).max().unwrap_or(0).min(max_d + 1);
        count[h] += 1;
    }
    let mut acc = 0;
    for t in (0..=max_d + 1).rev() {
        acc += count[t];
        count[t] = acc;
    }
    count
}

/// The quarters from `first` to `last`.
fn quarters(first: Month, last: Month) -> Vec<String> {
    let mut q: Vec<String> = (first.0..=last.0).map(|m| Month(m).quarter()).collect();
    q.dedup();
    q
}

/// Spells per quarter (of the given month) and group, with their distinct persons.
fn flows<'a>(
    name: &'static str,
    quarters: &[String],
    spells: impl Iterator<Item = (Month, &'a JobSpell)>,
) -> Measure {
    let spells: Vec<(usize, &JobSpell)> = spells
        .map(|(m, s)| {
            (
                quarters.iter().position(|q| *q == m.quarter()).unwrap_or(0),
                s,
            )
        })
        .collect();
    let series = spell_groups(spells.iter().map(|x| x.1))
        .into_iter()
        .map(|g| {
            let mut cells: Vec<(usize, u32)> = spells
                .iter()
                .filter(|(_, s)| in_group(g, s))
                .map(|(q, s)| (*q, s.person))
                .collect();
            cells.sort_unstable();
            let mut points = vec![
                Point {
                    value: 0.0,
                    persons: 0,
                    subset: None
                };
                quarters.len()
            ];
            for c in cells.chunk_by(|a, b| a.0 == b.0) {
                let persons = c.chunk_by(|a, b| a.1 == b.1).count() as u64;
                points[c[0].0] = Point {
                    value: c.len() as f64,
                    persons,
                    subset: None,
                };
            }
            Series { group: g, points }
        })
        .collect();
    Measure {
        name,
        periods: quarters.to_vec(),
        series,
    }
}
