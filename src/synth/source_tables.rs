//! The source tables of a population (shared/spec/source-tables.md), so that
//! `synth -> prepare -> check` is a round trip: for every person, spells whose
//! derivation ([`crate::prepare::derive`](mod@crate::prepare::derive)) gives back the person's day counts and
//! statuses.
//!
//! The person file is the truth. Spells are laid out on the window's days (index 0 =
//! the first day, 1094 = the reference date): the benefit on the reference date ends
//! there, other benefits are packed from the start without overlap (so that
//! `days_any_benefit` is their sum, as the generator draws it), jobseeker days lie on
//! days without benefit, employee days end where the months without work begin.
//! Several layouts of the employee days and of the register entry day are tried until
//! the derivation gives the person back; persons for which none does are listed in
//! [`SourceTablesReport::unreproducible`]. Spells are split at each 1 January, as CBS's
//! spell tables start a record when anything changes, so adjacent records form runs.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::prepare::{derive, flag, Date, Derived, PersonSpells, PrepareParams, Spell, Window};
use crate::schema::{
    Column, DaysColumn, Education, Migration, Person, Population, RegisterBasis, Sex, WiaClass,
    WINDOW_DAYS,
};

const N: i32 = WINDOW_DAYS as i32;

/// Country codes written for the three migration backgrounds.
const COUNTRIES: [(&str, Migration); 3] = [
    ("6030", Migration::None),
    ("5010", Migration::Western),
    ("7050", Migration::NonWestern),
];

/// The files written by [`write_source_tables`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceTableFiles {
    /// The GBAPERSOONTAB file.
    pub persons: PathBuf,
    /// The LANDAKTUEELREF file.
    pub countries: PathBuf,
    /// The SECMBUS file.
    pub secm: PathBuf,
    /// The HOOGSTEOPLTAB file.
    pub education: PathBuf,
    /// The WIA file.
    pub wia: PathBuf,
    /// The DOELGROEPREGISTER file.
    pub register: PathBuf,
    /// The WERKZOEKENDEN file.
    pub jobseekers: PathBuf,
    /// The INSCHRWECTAB file.
    pub vso: PathBuf,
}

impl SourceTableFiles {
    /// The `prepare` parameters that read these files.
    pub fn prepare_params(&self, reference_year: u16) -> PrepareParams {
        let mut p = PrepareParams::new(&self.persons, &self.countries, &self.secm, &self.register);
        p.education = Some(self.education.clone());
        p.wia = Some(self.wia.clone());
        p.jobseekers = Some(self.jobseekers.clone());
        p.vso = Some(self.vso.clone());
        p.reference_year = reference_year;
        p
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceTablesReport {
    /// Persons written.
    pub persons: u64,
    /// SECMBUS spells written.
    pub secm_spells: u64,
    /// Persons whose columns contradict each other ([`contradiction`]), by reason.
    pub contradictory: std::collections::BTreeMap<&'static str, u64>,
    /// Persons without a contradiction for whom no layout was found, with the columns
    /// that differ (none are expected).
    pub unreproducible: Vec<(String, Vec<Column>)>,
}

/// Days `first ..= last` (window indices) with flag bits.
type Stretch = (i32, i32, u8);

/// One person's spells in window-day indices (may lie before or after the window).
#[derive(Debug, Clone, Default)]
struct Layout {
    /// (first, last, flag bits).
    secm: Vec<Stretch>,
    jobseeker: Option<(i32, i32)>,
    register: Option<(Date, RegisterBasis)>,
    wia: Option<(WiaClass, u8)>,
}

/// The window with index <-> date.
struct Frame {
    w: Window,
    /// First index of the year before the reference year, and of the reference year.
    y1: i32,
    y2: i32,
}

impl Frame {
    fn new(reference_year: u16) -> Frame {
        let w = Window::new(reference_year);
        let index_of_year = |year: i32| {
            (0..N)
                .find(|&i| w.day(i as u16).year() == year)
                .unwrap_or(0)
        };
        let y = i32::from(reference_year);
        Frame {
            w,
            y1: index_of_year(y - 1),
            y2: index_of_year(y),
        }
    }

    /// The date of a last day: the open end when it is the reference date or later.
    fn last(&self, i: i32) -> Date {
        if i >= N - 1 {
            crate::prepare::OPEN_END
        } else {
            self.date(i)
        }
    }

    fn date(&self, i: i32) -> Date {
        if i < 0 {
            self.w.start.plus(i)
        } else if i < N {
            self.w.day(i as u16)
        } else {
            self.w.end.plus(i - N + 1)
        }
    }
}

/// Days for `months` whole months (the fewest, at least `min`).
fn days_for_months(months: u16, min: i32) -> i32 {
    ((i32::from(months) * 365 + 11) / 12).max(min)
}

/// The benefit pieces and the first and last free index between them, or `None`.
fn benefits(p: &Person<'_>) -> Option<(Vec<Stretch>, i32, i32)> {
    let d = |c| i32::from(p.days[c]);
    let mut out = Vec::new();
    let mut tail = N;
    let mut b_head = d(DaysColumn::Bijstand);
    let mut w_head = d(DaysColumn::Ww);
    if p.ww {
        tail = N - w_head;
        out.push((tail, N - 1, flag::WW));
        w_head = 0;
    } else if p.bijstand {
        let run = days_for_months(p.months_bijstand?, 1);
        let start = N - run;
        out.push((start, N - 1, flag::BIJSTAND));
        b_head -= run.min(N);
        tail = start.max(0);
        if b_head < 0 {
            return None;
        }
    }
    let sum: i32 = [
        b_head,
        w_head,
        d(DaysColumn::SicknessDisability),
        d(DaysColumn::OtherSocialBenefit),
    ]
    .iter()
    .sum::<i32>()
        + (N - tail);
    let mut cursor = 0;
    for (len, bit) in [
        (b_head, flag::BIJSTAND),
        (w_head, flag::WW),
        (d(DaysColumn::SicknessDisability), flag::SICKNESS_DISABILITY),
        (
            d(DaysColumn::OtherSocialBenefit),
            flag::OTHER_SOCIAL_BENEFIT,
        ),
    ] {
        if len == 0 {
            continue;
        }
        // Disjoint while they fit; when their sum exceeds the window every day has one.
        let start = if sum <= N {
            cursor
        } else {
            cursor.min(N - len)
        };
        out.push((start, start + len - 1, bit));
        cursor = cursor.max(start + len);
    }
    Some((out, cursor, tail - 1))
}

/// Employee-day layouts to try: one to three stretches, the last ending on the reference
/// date when employed, on the last job day when months without work are given.
fn employee_layouts(p: &Person<'_>, f: &Frame) -> Vec<Vec<(i32, i32)>> {
    let e = i32::from(p.days[DaysColumn::Employee]);
    let (last, must_end) = match p
        .months_without_work
        .filter(|_| (p.ww || p.nug) && !p.employed)
    {
        Some(m) if m >= 600 => return vec![Vec::new()],
        Some(m) => {
            let end = N - 1 - days_for_months(m, 1);
            if end < 0 {
                // The last job lies before the window.
                return vec![vec![(end, end)]];
            }
            (end, true)
        }
        None if p.employed => (N - 1, true),
        None => (N - 2, false),
    };
    if e == 0 {
        return vec![Vec::new()];
    }
    let mut out = vec![vec![(last - e + 1, last)]];
    let starts = [0, f.y1, f.y1 + 1, f.y2, f.y1 + 200, f.y1 - 1];
    if !must_end {
        for a in starts.iter().copied().chain([f.y1 - e, f.y2 + 100 - e]) {
            out.push(vec![(a, a + e - 1)]);
        }
    }
    for a in starts {
        for e1 in [1, e / 3, e / 2, 365, e - 1] {
            for e2 in [
                0,
                1,
                e / 3,
                last - a - 365,
                last - a - e1,
                e - e1 - 1,
                e - e1,
            ] {
                let e0 = e - e1 - e2;
                if e1 < 1 || e2 < 0 || e0 < 0 || (must_end && e2 == 0) {
                    continue;
                }
                let mut pieces = Vec::new();
                if e0 > 0 {
                    pieces.push((0, e0 - 1));
                }
                pieces.push((a, a + e1 - 1));
                if e2 > 0 {
                    pieces.push((last - e2 + 1, last));
                }
                out.push(pieces);
            }
        }
    }
    out.retain(|pieces| {
        pieces.iter().all(|&(s, t)| s >= 0 && s <= t && t <= last)
            && pieces.windows(2).all(|w| w[0].1 + 1 < w[1].0)
            && (!must_end || pieces.last().is_some_and(|&(_, t)| t == last))
    });
    out
}

/// Why no spells can give this person back, if the person's columns contradict each
/// other under the derivations (the generator draws some columns independently).
pub fn contradiction(p: &Person<'_>) -> Option<&'static str> {
    let d = |c| i32::from(p.days[c]);
    let e = d(DaysColumn::Employee);
    if p.disability_pct > 0 && p.wia_class == WiaClass::None {
        return Some(
            "disability_pct without a WIA class (the WIA table gives the degree with the class)",
        );
    }
    if !p.employed && e == N {
        return Some("an employee on every window day but not on the reference date");
    }
    if let Some(m) = p.months_bijstand.filter(|_| p.bijstand) {
        let run = days_for_months(m, 1).min(N);
        let b = d(DaysColumn::Bijstand);
        if b < run || (run < N && b == N) {
            return Some("days_bijstand cannot hold a bijstand run of months_bijstand months");
        }
    }
    if let Some(m) = p
        .months_without_work
        .filter(|_| (p.ww || p.nug) && !p.employed)
    {
        let last = N - 1 - days_for_months(m, 1);
        if m >= 600 && e > 0 || (last >= 0 && (e == 0 || e > last + 1)) || (last < 0 && e > 0) {
            return Some(
                "days_employee do not fit before the last job that months_without_work gives",
            );
        }
        // The year before the reference year is indices 365 ..= 729 (indices leave out
        // 29 February, so every year has 365): a job started then, or found after a
        // register entry then, needs a job day in it.
        let y1 = 365;
        if (p.kept_job_one_year.is_some() || p.found_job_within_year == Some(true)) && last < y1 {
            return Some("a job started or found in the year before the reference year, after the last job that months_without_work gives");
        }
        if p.kept_job_one_year == Some(true) && last < y1 + 365 {
            return Some("a job kept into the reference year, after the last job that months_without_work gives");
        }
    }
    let free = N - d(DaysColumn::AnyBenefit);
    if d(DaysColumn::Nug) > free || (p.nug && free == 0) {
        return Some(
            "days_nug (or nug) need days without benefit that days_any_benefit leaves no room for",
        );
    }
    match p.found_job_within_year.filter(|_| p.register_basis != Some(RegisterBasis::Praktijkroute)) {
        Some(true) if e == 0 => return Some("found a job without any employee day"),
        Some(false) if e > N - 365 => return Some("no job within a year of entry, yet more employee days than the rest of the window holds"),
        _ => {}
    }
    if p.found_job_within_year == Some(false) && p.kept_job_one_year == Some(true) {
        // A start in that year lies within a year of the entry, or its day + 365 does.
        return Some(
            "no job within a year of a register entry, yet a job started that year and kept",
        );
    }
    if p.kept_job_one_year.is_some() && e == 0 {
        return Some("a job start in the year before the reference year without any employee day");
    }
    None
}

/// Register entry days to try.
fn entry_days(p: &Person<'_>, f: &Frame, employee: &[(i32, i32)]) -> Vec<Date> {
    let Some(year) = p.register_entry_year.filter(|_| p.in_register) else {
        return vec![Date(0)];
    };
    let reference = f.w.reference_date().year();
    if i32::from(year) != reference - 1 {
        let first = Date::from_ymd(i32::from(year), 1, 1).unwrap_or(f.w.start);
        return vec![first];
    }
    let y1_end = f.y2 - 1;
    let mut idx = vec![f.y1, y1_end, f.y1 + 182];
    for &(s, t) in employee {
        idx.extend([s, s - 364, s - 1, t + 1, t]);
    }
    idx.into_iter()
        .map(|i| f.date(i.clamp(f.y1, y1_end)))
        .collect()
}

/// The layout of one candidate, or `None` when the days cannot be placed.
fn layout(p: &Person<'_>, employee: &[(i32, i32)], entry: Date) -> Option<Layout> {
    let (mut secm, head_end, free_end) = benefits(p)?;
    secm.extend(employee.iter().map(|&(s, t)| (s, t, flag::EMPLOYEE)));
    let d = |c| i32::from(p.days[c]);
    let (school, student, none) = (
        d(DaysColumn::InSchool),
        d(DaysColumn::StudentWithIncome),
        d(DaysColumn::NoIncome),
    );
    if student + none > N {
        return None;
    }
    for (first, len, bit) in [
        (0, school, flag::IN_SCHOOL),
        (0, student, flag::STUDENT_WITH_INCOME),
        (N - none, none, flag::NO_INCOME),
    ] {
        if len > 0 {
            secm.push((first, first + len - 1, bit));
        }
    }
    let n = d(DaysColumn::Nug);
    let employed_now = employee.iter().any(|&(_, t)| t == N - 1);
    let jobseeker = if n == 0 {
        None
    } else if p.nug || employed_now {
        (N - n >= head_end).then_some((N - n, N - 1))
    } else if free_end < N - 1 {
        // A benefit on the reference date: the registration may run through it.
        (free_end + 1 - n >= head_end).then_some((free_end + 1 - n, N - 1))
    } else {
        (N - 1 - n >= head_end).then_some((N - 1 - n, N - 2))
    };
    if n > 0 && jobseeker.is_none() {
        return None;
    }
    Some(Layout {
        secm,
        jobseeker,
        register: p
            .register_basis
            .filter(|_| p.in_register)
            .map(|b| (entry, b)),
        wia: (p.wia_class != WiaClass::None).then_some((p.wia_class, p.disability_pct)),
    })
}

/// SECMBUS records of a layout: one per stretch of equal flags, split at 1 January.
fn secm_records(l: &Layout, f: &Frame) -> Vec<(Date, Date, u8)> {
    let mut cuts: Vec<i32> = l.secm.iter().flat_map(|&(s, t, _)| [s, t + 1]).collect();
    cuts.extend([f.y1, f.y2]);
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(Date, Date, u8)> = Vec::new();
    for w in cuts.windows(2) {
        let (s, t) = (w[0], w[1] - 1);
        let bits = l
            .secm
            .iter()
            .filter(|&&(a, b, _)| a <= s && t <= b)
            .fold(0, |acc, &(_, _, bit)| acc | bit);
        if bits != 0 {
            out.push((f.date(s), f.last(t), bits));
        }
    }
    out
}

fn spells_of(l: &Layout, f: &Frame) -> (Vec<Spell>, Vec<Spell>, Vec<Spell>, Vec<Spell>) {
    let spell = |start: Date, end: Date, value: u8, pct: u8| Spell {
        person: 0,
        start,
        end,
        value,
        pct,
        line: 0,
    };
    let open = f.last(N);
    let secm = secm_records(l, f)
        .into_iter()
        .map(|(s, t, v)| spell(s, t, v, 0))
        .collect();
    let js = l
        .jobseeker
        .map(|(s, t)| spell(f.date(s), f.last(t), 0, 0))
        .into_iter()
        .collect();
    let reg = l
        .register
        .map(|(d, b)| spell(d, open, b.index(), 0))
        .into_iter()
        .collect();
    let wia = l
        .wia
        .map(|(c, pct)| spell(f.w.start.plus(-365), open, c.index(), pct))
        .into_iter()
        .collect();
    (secm, wia, reg, js)
}

/// The columns where the derivation differs from the person.
fn differences(p: &Person<'_>, d: &Derived) -> Vec<Column> {
    let mut out: Vec<Column> = DaysColumn::ALL
        .iter()
        .filter(|&&c| p.days[c] != d.days[c])
        .map(|c| c.column())
        .collect();
    let found = p
        .found_job_within_year
        .filter(|_| p.register_basis != Some(RegisterBasis::Praktijkroute));
    let checks = [
        (p.employed == d.employed, Column::Employed),
        (p.ww == d.ww, Column::Ww),
        (p.bijstand == d.bijstand, Column::Bijstand),
        (p.nug == d.nug, Column::Nug),
        (p.wia_class == d.wia_class, Column::WiaClass),
        (p.disability_pct == d.disability_pct, Column::DisabilityPct),
        (
            p.months_without_work.filter(|_| p.ww || p.nug) == d.months_without_work,
            Column::MonthsWithoutWork,
        ),
        (
            p.months_bijstand == d.months_bijstand,
            Column::MonthsBijstand,
        ),
        (p.in_register == d.in_register, Column::InRegister),
        (p.register_basis == d.register_basis, Column::RegisterBasis),
        (
            p.register_entry_year == d.register_entry_year,
            Column::RegisterEntryYear,
        ),
        (found == d.found_job_within_year, Column::FoundJobWithinYear),
        (
            p.kept_job_one_year == d.kept_job_one_year,
            Column::KeptJobOneYear,
        ),
    ];
    out.extend(checks.iter().filter(|(ok, _)| !ok).map(|&(_, c)| c));
    out
}

/// The first layout whose derivation gives the person back, else the closest one with
/// the columns that differ.
fn find_layout(p: &Person<'_>, f: &Frame) -> (Layout, Vec<Column>) {
    let mut best: Option<(Layout, Vec<Column>)> = None;
    for employee in employee_layouts(p, f) {
        for entry in entry_days(p, f, &employee) {
            let Some(l) = layout(p, &employee, entry) else {
                continue;
            };
            let (secm, wia, register, jobseeker) = spells_of(&l, f);
            let d = derive(
                &f.w,
                &PersonSpells {
                    secm: &secm,
                    wia: &wia,
                    register: &register,
                    jobseeker: &jobseeker,
                },
            );
            let diff = differences(p, &d);
            if diff.is_empty() {
                return (l, diff);
            }
            if best.as_ref().is_none_or(|(_, b)| diff.len() < b.len()) {
                best = Some((l, diff));
            }
        }
    }
    best.unwrap_or_else(|| (Layout::default(), vec![Column::PersonId]))
}

/// Buffered CSV-ish writers of the eight tables (values are plain: no quoting needed).
struct Writers {
    files: Vec<(PathBuf, std::io::BufWriter<std::fs::File>)>,
}

impl Writers {
    fn create(dir: &Path, tables: &[(&str, &str)]) -> Result<Writers> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
        let mut files = Vec::new();
        for (name, header) in tables {
            let path = dir.join(format!("{name}.csv"));
            let file = std::fs::File::create(&path).map_err(|e| Error::io(path.display(), e))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            writeln!(w, "{header}").map_err(|e| Error::io(path.display(), e))?;
            files.push((path, w));
        }
        Ok(Writers { files })
    }

    fn line(&mut self, k: usize, args: std::fmt::Arguments<'_>) -> Result<()> {
        let (path, w) = &mut self.files[k];
        w.write_fmt(args)
            .and_then(|()| w.write_all(b"\n"))
            .map_err(|e| Error::io(path.display(), e))
    }
}

/// Writes the eight source tables of `pop` (CSV) into `dir` and returns their paths.
/// With `verify`, each person's spells are checked against the person (and other
/// layouts tried); without, the first layout is written (for large benchmark inputs).
pub fn write_source_tables(
    pop: &Population,
    reference_year: u16,
    dir: &Path,
    verify: bool,
) -> Result<(SourceTableFiles, SourceTablesReport)> {
    let f = Frame::new(reference_year);
    let mut out = Writers::create(
        dir,
        &[
            ("GBAPERSOONTAB", "RINPERSOONS,RINPERSOON,GBAGESLACHT,GBAGEBOORTEJAAR,GBAGENERATIE,GBAHERKOMSTGROEPERING"),
            ("LANDAKTUEELREF", "LAND,MIGRATIE"),
            ("SECMBUS", "RINPERSOONS,RINPERSOON,AANVSECM,EINDSECM,SECM,XKOPPELWERKNSECM,XKOPPELWERKLUITKSECM,XKOPPELBIJSTANDSECM,XKOPPELZIEKTEAOSECM,XKOPPELSOCVOORZOVSECM,XKOPPELSCHOLSTUDSECM"),
            ("HOOGSTEOPLTAB", "RINPERSOONS,RINPERSOON,OPLNIVSOI2016AGG4HBMETNIRWO"),
            ("WIA", "RINPERSOONS,RINPERSOON,AANVWIA,EINDWIA,WIAKLASSE,AOPERC"),
            ("DOELGROEPREGISTER", "RINPERSOONS,RINPERSOON,AANVREG,EINDREG,GRONDSLAG"),
            ("WERKZOEKENDEN", "RINPERSOONS,RINPERSOON,AANVWZ,EINDWZ"),
            ("INSCHRWECTAB", "RINPERSOONS,RINPERSOON,SCHOOLJAAR,VSO"),
        ],
    )?;
    for (code, m) in COUNTRIES {
        out.line(1, format_args!("{code},{m}"))?;
    }
    let levels = education_levels();
    let mut report = SourceTablesReport::default();
    for p in pop.persons() {
        let (s, r) = p
            .person_id
            .split_at(p.person_id.chars().next().map_or(0, char::len_utf8));
        let sex = if p.sex == Sex::Male { 1 } else { 2 };
        let country = COUNTRIES
            .iter()
            .find(|(_, m)| *m == p.migration)
            .map_or("6030", |(c, _)| c);
        out.line(
            0,
            format_args!(
                "{s},{r},{sex},{},{},{country}",
                i32::from(reference_year) - i32::from(p.age),
                p.generation
            ),
        )?;
        if let Some(level) = levels
            .iter()
            .find(|(_, e)| *e == p.education)
            .map(|(l, _)| l)
        {
            out.line(3, format_args!("{s},{r},{level}"))?;
        }
        for k in 0..p.years_special_secondary {
            out.line(
                7,
                format_args!("{s},{r},{},1", reference_year - 1 - u16::from(k)),
            )?;
        }
        let (l, diff) = if verify {
            find_layout(&p, &f)
        } else {
            let employee = employee_layouts(&p, &f)
                .into_iter()
                .next()
                .unwrap_or_default();
            let entry = entry_days(&p, &f, &employee)[0];
            (layout(&p, &employee, entry).unwrap_or_default(), Vec::new())
        };
        if !diff.is_empty() {
            match contradiction(&p) {
                Some(why) => *report.contradictory.entry(why).or_insert(0) += 1,
                None => report.unreproducible.push((p.person_id.to_string(), diff)),
            }
        }
        write_layout(&mut out, &l, &f, s, r, &mut report)?;
        report.persons += 1;
    }
    let mut paths = Vec::new();
    for (path, w) in &mut out.files {
        w.flush().map_err(|e| Error::io(path.display(), e))?;
        paths.push(path.clone());
    }
    let files = SourceTableFiles {
        persons: paths[0].clone(),
        countries: paths[1].clone(),
        secm: paths[2].clone(),
        education: paths[3].clone(),
        wia: paths[4].clone(),
        register: paths[5].clone(),
        jobseekers: paths[6].clone(),
        vso: paths[7].clone(),
    };
    Ok((files, report))
}

fn write_layout(
    out: &mut Writers,
    l: &Layout,
    f: &Frame,
    s: &str,
    r: &str,
    report: &mut SourceTablesReport,
) -> Result<()> {
    for (start, last, v) in secm_records(l, f) {
        let code = if v & flag::STUDENT_WITH_INCOME != 0 {
            "26"
        } else if v & flag::NO_INCOME != 0 {
            "32"
        } else {
            [
                (flag::EMPLOYEE, "11"),
                (flag::WW, "21"),
                (flag::BIJSTAND, "22"),
                (flag::SICKNESS_DISABILITY, "24"),
                (flag::OTHER_SOCIAL_BENEFIT, "23"),
                (flag::IN_SCHOOL, "31"),
            ]
            .iter()
            .find(|(bit, _)| v & bit != 0)
            .map_or("32", |(_, c)| c)
        };
        let b = |bit: u8| u8::from(v & bit != 0);
        out.line(
            2,
            format_args!(
                "{s},{r},{},{},{code},{},{},{},{},{},{}",
                start.yyyymmdd(),
                last.yyyymmdd(),
                b(flag::EMPLOYEE),
                b(flag::WW),
                b(flag::BIJSTAND),
                b(flag::SICKNESS_DISABILITY),
                b(flag::OTHER_SOCIAL_BENEFIT),
                b(flag::IN_SCHOOL)
            ),
        )?;
        report.secm_spells += 1;
    }
    if let Some((class, pct)) = l.wia {
        out.line(
            4,
            format_args!(
                "{s},{r},{},{},{class},{pct}",
                f.w.start.plus(-365).yyyymmdd(),
                crate::prepare::OPEN_END.yyyymmdd()
            ),
        )?;
    }
    if let Some((entry, basis)) = l.register {
        out.line(
            5,
            format_args!(
                "{s},{r},{},{},{basis}",
                entry.yyyymmdd(),
                crate::prepare::OPEN_END.yyyymmdd()
            ),
        )?;
    }
    if let Some((a, b)) = l.jobseeker {
        out.line(
            6,
            format_args!("{s},{r},{},{}", f.date(a).yyyymmdd(), f.last(b).yyyymmdd()),
        )?;
    }
    Ok(())
}

/// The first HOOGSTEOPLTAB code of each education in the shipped map.
fn education_levels() -> Vec<(String, Education)> {
    let mut out: Vec<(String, Education)> = Vec::new();
    for line in crate::prepare::EDUCATION_MAP.lines().skip(1) {
        if let Some((level, code)) = line.split_once(',') {
            if let Some(e) = Education::from_code(code.trim().as_bytes()) {
                if e != Education::Unknown && !out.iter().any(|(_, x)| *x == e) {
                    out.push((level.trim().to_string(), e));
                }
            }
        }
    }
    out
}
