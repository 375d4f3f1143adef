//! A synthetic register and monthly hours panel for the monitor, calibrated to the
//! Arbeidsinspectie's cohort table (2024, bijlage 4: share without work in 36 months and
//! size per basis, `../shared/reference/context/arbeidsinspectie-2024-geen-reele-kans-op-werk.txt`,
//! lines 1007-1023) at its scale, and to a plausible banen level. Writes nothing but its
//! own output; the monitor's measures are not used to make it.
//!
//! Calibrated inputs (so reproducing them shows only that the counting is right): the
//! cohort size, each basis's size and share with 0 months worked (the published groups
//! summed to the schema's bases), the total share with 0 months (35%, line 344) and the
//! banen per register member in the last month (161,433 banen for about 260,000 persons,
//! line 848). Not calibrated: the shares working 1-11, 12-35 and 36 months (11%, 20%, 35%,
//! lines 106 and 344), which come from a monthly employment process.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::monitor::{Date, Month, Panel, PanelBuilder, Register, Sector, Spell, OPEN_END};
use crate::schema::RegisterBasis;

/// One row of the published table: group, share with 0 months worked, group size, and
/// the schema basis it belongs to.
pub const PUBLISHED_GROUPS: [(&str, f64, u32, RegisterBasis); 14] = [
    (
        "Indicatie banenafspraak",
        0.46,
        36_901,
        RegisterBasis::Indicatie,
    ),
    (
        "Werken met een gemeentevoorziening",
        0.26,
        94,
        RegisterBasis::Voorziening,
    ),
    (
        "Werken met een UWV-voorziening",
        0.25,
        237,
        RegisterBasis::Voorziening,
    ),
    (
        "Verminderde loonwaarde",
        0.04,
        23_441,
        RegisterBasis::Praktijkroute,
    ),
    (
        "WSW-indicatie zonder sw-plaatsing",
        0.55,
        5_403,
        RegisterBasis::Wsw,
    ),
    ("WSW begeleid werk", 0.02, 5_230, RegisterBasis::Wsw),
    ("WSW detachering", 0.01, 24_771, RegisterBasis::Wsw),
    ("WIW- of ID-baan", 0.37, 1_472, RegisterBasis::WiwId),
    (
        "Tijdelijke registraties: afgewezen Wajong-aanvragen",
        0.43,
        5_391,
        RegisterBasis::Other,
    ),
    (
        "Tijdelijke registraties: schoolverlaters Vso/Pro en MBO-entree",
        0.59,
        63,
        RegisterBasis::Other,
    ),
    (
        "Afgewezen Wajong-aanvragen",
        0.57,
        4_352,
        RegisterBasis::Other,
    ),
    ("Vso-leerlingen", 0.19, 14_625, RegisterBasis::VsoPro),
    ("Pro-leerlingen", 0.11, 4_275, RegisterBasis::VsoPro),
    ("Wajong", 0.41, 96_909, RegisterBasis::Wajong),
];

/// The cohort: N = 190,796 (line 1007; line 338 prints 190,769).
pub const PUBLISHED_COHORT: u32 = 190_796;
/// Share of the cohort with 0 months worked (line 344).
pub const PUBLISHED_ZERO: f64 = 0.35;
/// Shares with 1-11, 12-35 and 36 months worked (lines 106 and 344): not calibrated.
pub const PUBLISHED_BINS: [f64; 4] = [0.35, 0.11, 0.20, 0.35];
/// Banen per register member at the end of 2023 Q3: 161,433 banen (line 848) for "ruim
/// 260.000" persons in the register (same line).
pub const BANEN_PER_MEMBER: f64 = 161_433.0 / 260_000.0;

/// Per schema basis: persons holding it in the cohort and those of them with 0 months
/// worked, summed over the published groups (assuming no person in two groups of one
/// basis, which the table cannot show).
pub fn basis_targets() -> Vec<(RegisterBasis, u32, u32)> {
    let mut out: Vec<(RegisterBasis, u32, u32)> = Vec::new();
    for &(_, share, n, b) in &PUBLISHED_GROUPS {
        let zero = (share * f64::from(n)).round() as u32;
        match out.iter_mut().find(|t| t.0 == b) {
            Some(t) => {
                t.1 += n;
                t.2 += zero;
            }
            None => out.push((b, n, zero)),
        }
    }
    out.sort_by_key(|t| t.0);
    out
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanelParams {
    /// Cohort members (in the register on 2019-01-01 and 2022-01-01); the published
    /// sizes are scaled to it.
    pub cohort: u32,
    /// Register members who enter during the window, as a share of the cohort (they
    /// count in banen and retention, not in the cohort).
    pub inflow_share: f64,
    /// Seed of every draw.
    pub seed: u64,
}

impl Default for PanelParams {
    fn default() -> Self {
        PanelParams {
            cohort: PUBLISHED_COHORT,
            inflow_share: 0.3,
            seed: 1,
        }
    }
}

/// One synthetic person: spells and paid months.
#[derive(Debug, Clone)]
pub struct SynthPerson {
    /// `R` and nine digits.
    pub id: String,
    /// Register spells.
    pub spells: Vec<Spell>,
    /// (job number of the person, month, hours, sector).
    pub hours: Vec<(u32, Month, f64, Sector)>,
}

/// The synthetic register and panel.
#[derive(Debug, Clone)]
pub struct SynthPanel {
    /// The persons, cohort first.
    pub persons: Vec<SynthPerson>,
}

/// The window of the panel: 2019-01 to 2021-12.
fn window() -> (Month, Month) {
    let first = Month::parse(b"2019-01").unwrap_or(Month(0));
    (first, first.plus(35))
}

impl PanelParams {
    /// Generates the register and panel.
    pub fn generate(&self) -> Result<SynthPanel> {
        if self.cohort < 100 || !(0.0..=2.0).contains(&self.inflow_share) {
            return Err(Error::InvalidParameter {
                name: "cohort/inflow_share",
                value: format!("{}/{}", self.cohort, self.inflow_share),
                reason: "need a cohort of at least 100 and an inflow share in 0..=2".into(),
            });
        }
        let scale = f64::from(self.cohort) / f64::from(PUBLISHED_COHORT);
        let mut bases = Vec::new();
        // For each status (0 months worked or not): person-bases per basis at this scale.
        let targets = basis_targets();
        let zero_persons = (PUBLISHED_ZERO * f64::from(self.cohort)).round() as usize;
        for (zero, persons) in [
            (true, zero_persons),
            (false, self.cohort as usize - zero_persons),
        ] {
            let counts: Vec<(RegisterBasis, usize)> = targets
                .iter()
                .map(|&(b, n, z)| {
                    (
                        b,
                        (f64::from(if zero { z } else { n - z }) * scale).round() as usize,
                    )
                })
                .collect();
            bases.extend(
                assign_bases(&counts, persons)?
                    .into_iter()
                    .map(|b| (zero, b)),
            );
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        // Shuffle so that ids do not reveal the status.
        for i in (1..bases.len()).rev() {
            bases.swap(i, rng.gen_range(0..=i));
        }
        let (first, last) = window();
        let cohort_start = first.first_day();
        let mut persons: Vec<SynthPerson> = Vec::with_capacity(bases.len());
        for (i, (zero, (a, b))) in bases.into_iter().enumerate() {
            let mut r = person_rng(self.seed, i);
            let entry = Date(cohort_start.0 - r.gen_range(1..4 * 365));
            let spells = match b {
                None => vec![Spell {
                    start: entry,
                    end: OPEN_END,
                    basis: a,
                }],
                Some(b) => {
                    let switch = first.plus(r.gen_range(2..34)).first_day();
                    vec![
                        Spell {
                            start: entry,
                            end: Date(switch.0 - 1),
                            basis: a,
                        },
                        Spell {
                            start: switch,
                            end: OPEN_END,
                            basis: b,
                        },
                    ]
                }
            };
            let hours = if zero {
                Vec::new()
            } else {
                work(&mut r, first, last, true)
            };
            persons.push(SynthPerson {
                id: format!("R{i:09}"),
                spells,
                hours,
            });
        }
        self.add_inflow(&targets, &mut persons);
        calibrate_banen(&mut persons, last);
        Ok(SynthPanel { persons })
    }

    /// Register members who enter during the window (one a month in turn), with a basis
    /// drawn by the published sizes; half of them find work.
    fn add_inflow(&self, targets: &[(RegisterBasis, u32, u32)], persons: &mut Vec<SynthPerson>) {
        let (first, last) = window();
        let inflow = (self.inflow_share * f64::from(self.cohort)).round() as usize;
        let weights: Vec<(RegisterBasis, u32)> = targets.iter().map(|t| (t.0, t.1)).collect();
        let total: u32 = weights.iter().map(|w| w.1).sum();
        for j in 0..inflow {
            let i = persons.len();
            let mut r = person_rng(self.seed, i);
            let mut pick = r.gen_range(0..total);
            let basis = weights
                .iter()
                .find(|w| {
                    let hit = pick < w.1;
                    if !hit {
                        pick -= w.1;
                    }
                    hit
                })
                .map_or(RegisterBasis::Other, |w| w.0);
            let start_month = first.plus(1 + (j % 35) as i32);
            let spells = vec![Spell {
                start: start_month.first_day(),
                end: OPEN_END,
                basis,
            }];
            let hours = if r.gen_bool(0.5) {
                work(&mut r, start_month, last, false)
            } else {
                Vec::new()
            };
            persons.push(SynthPerson {
                id: format!("R{i:09}"),
                spells,
                hours,
            });
        }
    }
}

fn person_rng(seed: u64, i: usize) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(i as u64 + 1);
    r
}

/// Splits person-bases into `persons` persons: each gets a first basis, and the surplus
/// (person-bases beyond the persons) become second bases of persons whose first basis
/// differs. The surplus is taken from each basis in proportion to its size.
fn assign_bases(
    counts: &[(RegisterBasis, usize)],
    persons: usize,
) -> Result<Vec<(RegisterBasis, Option<RegisterBasis>)>> {
    let total: usize = counts.iter().map(|c| c.1).sum();
    let doubles = total
        .checked_sub(persons)
        .ok_or_else(|| Error::InvalidParameter {
            name: "published groups",
            value: total.to_string(),
            reason: "fewer person-bases than persons".into(),
        })?;
    let mut seconds: Vec<usize> = counts
        .iter()
        .map(|c| c.1 * doubles / total.max(1))
        .collect();
    let mut k = 0;
    while seconds.iter().sum::<usize>() < doubles {
        if seconds[k] < counts[k].1 {
            seconds[k] += 1;
        }
        k = (k + 1) % counts.len();
    }
    let mut people: Vec<(RegisterBasis, Option<RegisterBasis>)> = counts
        .iter()
        .zip(&seconds)
        .flat_map(|(c, s)| std::iter::repeat_n((c.0, None), c.1 - s))
        .collect();
    // Second bases go to persons spread over the list, skipping those of the same basis.
    let step = people.len() / doubles.max(1);
    let mut at = 0usize;
    for (c, &s) in counts.iter().zip(&seconds) {
        for _ in 0..s {
            let mut tries = 0;
            while people[at].0 == c.0 || people[at].1.is_some() {
                at = (at + 1) % people.len();
                tries += 1;
                if tries > people.len() {
                    return Err(Error::InvalidParameter {
                        name: "published groups",
                        value: format!("{:?}", c.0),
                        reason: "no person left for a second basis".into(),
                    });
                }
            }
            people[at].1 = Some(c.0);
            at = (at + step.max(1)) % people.len();
        }
    }
    Ok(people)
}

/// Paid months from `first` to `last`: a monthly chain of holding a job, leaving it with
/// a probability of the person's own (log-uniform from 0.2% to 10% a month: some keep
/// their job for years, others lose it within months) and finding one with 6% a month; a
/// new job after each gap; at least one month paid when `at_least_one`. Hours: a weekly level per job, a month's noise, and
/// now and then a month with 0 hours inside a job.
fn work(
    r: &mut ChaCha8Rng,
    first: Month,
    last: Month,
    at_least_one: bool,
) -> Vec<(u32, Month, f64, Sector)> {
    loop {
        let mut out = Vec::new();
        let leave = r.gen_range(0.002f64.ln()..0.1f64.ln()).exp();
        let mut employed = r.gen_bool(0.75);
        let mut job = 0u32;
        let mut level = 0.0;
        let mut sector = Sector::Market;
        let mut new_job = true;
        for m in first.0..=last.0 {
            if employed {
                if new_job {
                    level = r.gen_range(12.0..36.0) * 52.0 / 12.0;
                    sector = if r.gen_bool(0.2) {
                        Sector::Government
                    } else {
                        Sector::Market
                    };
                    job += 1;
                    new_job = false;
                }
                let h = if r.gen_bool(0.002) {
                    0.0
                } else {
                    (level * r.gen_range(0.9..1.1f64)).round()
                };
                out.push((job, Month(m), h, sector));
                employed = !r.gen_bool(leave);
            } else {
                employed = r.gen_bool(0.06);
                new_job = true;
            }
        }
        if !at_least_one || out.iter().any(|x| x.2 >= 1.0) {
            return out;
        }
    }
}

/// Scales every person's hours so that banen per register member in the last month are
/// [`BANEN_PER_MEMBER`].
fn calibrate_banen(persons: &mut [SynthPerson], last: Month) {
    let day = last.last_day();
    let members = persons
        .iter()
        .filter(|p| p.spells.iter().any(|s| s.covers(day)))
        .count();
    let hours: f64 = persons
        .iter()
        .flat_map(|p| &p.hours)
        .filter(|h| h.1 == last)
        .map(|h| h.2)
        .sum();
    let want = BANEN_PER_MEMBER * members as f64 * crate::monitor::HOURS_PER_BAAN;
    if hours > 0.0 {
        let f = want / hours;
        for h in persons.iter_mut().flat_map(|p| &mut p.hours) {
            h.2 = (h.2 * f * 100.0).round() / 100.0;
        }
    }
}

impl SynthPanel {
    /// The register and panel in memory, as the readers would give them.
    pub fn build(&self) -> Result<(Register, Panel)> {
        let register = Register::from_spells(
            self.persons
                .iter()
                .flat_map(|p| p.spells.iter().map(move |s| (p.id.as_str(), *s))),
        )?;
        let mut b = PanelBuilder::new(&register, "synthetic hours");
        let mut line = 1;
        let mut job = String::new();
        for p in &self.persons {
            for &(j, m, h, s) in &p.hours {
                job.clear();
                job.push_str(&j.to_string());
                line += 1;
                b.push(&p.id, &job, m, h, s, line);
            }
        }
        let panel = b.finish()?;
        Ok((register, panel))
    }

    /// Writes `register.csv` (RINPERSOONS, RINPERSOON, AANVREG, EINDREG, GRONDSLAG) and
    /// `hours.csv` (person_id, job_id, month, hours, sector) into `dir`.
    pub fn write_csv(&self, dir: &std::path::Path) -> Result<()> {
        use std::io::Write;
        let open = |name: &str| {
            let path = dir.join(name);
            std::fs::File::create(&path)
                .map(std::io::BufWriter::new)
                .map(|f| (f, path))
        };
        let io = |path: &std::path::Path, e| Error::io(path.display(), e);
        let (mut reg, rp) = open("register.csv").map_err(|e| Error::io(dir.display(), e))?;
        let (mut hours, hp) = open("hours.csv").map_err(|e| Error::io(dir.display(), e))?;
        let ymd = |d: Date| d.yyyymmdd().to_string();
        writeln!(reg, "RINPERSOONS,RINPERSOON,AANVREG,EINDREG,GRONDSLAG")
            .map_err(|e| io(&rp, e))?;
        writeln!(hours, "person_id,job_id,month,hours,sector").map_err(|e| io(&hp, e))?;
        for p in &self.persons {
            for s in &p.spells {
                writeln!(
                    reg,
                    "R,{},{},{},{}",
                    &p.id[1..],
                    ymd(s.start),
                    ymd(s.end),
                    s.basis.code()
                )
                .map_err(|e| io(&rp, e))?;
            }
            for &(j, m, h, s) in &p.hours {
                writeln!(hours, "{},{}-{j},{m},{h},{}", p.id, p.id, s.code())
                    .map_err(|e| io(&hp, e))?;
            }
        }
        reg.flush().map_err(|e| io(&rp, e))?;
        hours.flush().map_err(|e| io(&hp, e))
    }
}
