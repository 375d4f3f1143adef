//! Known truth for every monitor measure: a hand-made panel (a person in two bases, a job
//! with a zero-hour month inside, a job still paid in the last month, a register spell
//! ending mid-month), each measure computed here independently (from the raw rows, with
//! dates compared as text) or by hand, against `MonitorParams::run`.

use banenafspraak::monitor::{
    CsvSource, Date, Group, MonitorParams, MonitorResults, Panel, Register, Sector,
};
use banenafspraak::schema::RegisterBasis;

const REGISTER: &[(&str, &str, &str, &str)] = &[
    // A: wajong, then indicatie (two bases).
    ("A", "20180101", "20190630", "wajong"),
    ("A", "20190701", "88881231", "indicatie"),
    // B: the spell ends mid-month (15 March).
    ("B", "20180101", "20190315", "praktijkroute"),
    ("C", "20180601", "88881231", "wsw"),
    // E: in the register, never paid.
    ("E", "20190101", "88881231", "indicatie"),
];

/// (person, job, first month, last month, hours, sector)
const JOBS: &[(&str, &str, &str, &str, f64, &str)] = &[
    ("A", "A1", "2019-01", "2019-04", 100.0, "market"),
    // The zero-hour month inside job A1.
    ("A", "A1", "2019-05", "2019-05", 0.0, "market"),
    ("A", "A1", "2019-06", "2019-09", 50.0, "market"),
    // Still paid in the last month of the data (2020-02): censored.
    ("A", "A2", "2019-10", "2020-02", 80.0, "government"),
    ("B", "B1", "2019-02", "2019-03", 120.0, "market"),
    ("C", "C1", "2019-01", "2020-02", 110.92, "market"),
    ("C", "C2", "2019-03", "2019-09", 10.0, "government"),
    // D is not in the register.
    ("D", "D1", "2019-01", "2019-01", 100.0, "market"),
];

fn months(first: &str, last: &str) -> Vec<String> {
    let ym = |s: &str| {
        (
            s[..4].parse::<i32>().unwrap(),
            s[5..].parse::<i32>().unwrap(),
        )
    };
    let (mut y, mut m) = ym(first);
    let mut out = Vec::new();
    while format!("{y:04}-{m:02}").as_str() <= last {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Rows of the hours file: (person, job, month, hours, sector).
fn rows() -> Vec<(String, String, String, f64, String)> {
    JOBS.iter()
        .flat_map(|&(p, j, a, b, h, s)| {
            months(a, b)
                .into_iter()
                .map(move |m| (p.into(), j.into(), m, h, s.into()))
        })
        .collect()
}

fn last_day(month: &str) -> String {
    let m: u32 = month[5..].parse().unwrap();
    let y: u32 = month[..4].parse().unwrap();
    let d = match m {
        2 if y.is_multiple_of(4) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("{}{:02}", month.replace('-', ""), d)
}

/// The basis on a day `YYYYMMDD`, by comparing the dates as text.
fn basis_on(person: &str, day: &str) -> Option<&'static str> {
    REGISTER
        .iter()
        .find(|r| r.0 == person && r.1 <= day && day <= r.2)
        .map(|r| r.3)
}

fn load(params: &MonitorParams) -> MonitorResults {
    let mut reg = String::from("RINPERSOONS,RINPERSOON,AANVREG,EINDREG,GRONDSLAG\n");
    for r in REGISTER {
        reg.push_str(&format!("R,{},{},{},{}\n", r.0, r.1, r.2, r.3));
    }
    let mut hours = String::from("person_id,job_id,month,hours,sector\n");
    for (p, j, m, h, s) in rows() {
        hours.push_str(&format!("R{p},{j},{m},{h},{s}\n"));
    }
    let register = Register::read(&mut CsvSource::new(reg.as_bytes(), "register.csv"), 10).unwrap();
    let panel = Panel::read(
        &mut CsvSource::new(hours.as_bytes(), "hours.csv"),
        &register,
        10,
    )
    .unwrap();
    assert_eq!(panel.summary.not_in_register, 1, "D's row");
    assert_eq!(panel.summary.used + 1, panel.summary.rows);
    params.run(&register, &panel).unwrap()
}

/// The cohort window of the test: 14 months, 2019-01 to 2020-02 (the whole panel).
fn params() -> MonitorParams {
    MonitorParams {
        cohort_start: Date::from_ymd(2019, 1, 1).unwrap(),
        cohort_end: Date::from_ymd(2020, 3, 1).unwrap(),
        ..MonitorParams::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 || (a.is_nan() && b.is_nan())
}

#[test]
fn banen_per_month_group_and_sector_match_the_raw_rows() {
    let res = load(&params());
    let rows = rows();
    let groups: Vec<Group> = res.banen.series.iter().map(|s| s.group).collect();
    assert_eq!(res.banen.periods, months("2019-01", "2020-02"));
    for (k, month) in res.banen.periods.iter().enumerate() {
        for &g in &groups {
            let mut hours = 0.0;
            let mut persons = std::collections::BTreeSet::new();
            for (p, _, m, h, s) in &rows {
                let Some(b) = basis_on(p, &last_day(m)) else {
                    continue;
                };
                let in_group = match g {
                    Group::Total => true,
                    Group::Basis(x) => x.code() == b,
                    Group::Sector(x) => x.code() == s,
                };
                if m == month && in_group {
                    hours += h;
                    if *h > 0.0 {
                        persons.insert(p.clone());
                    }
                }
            }
            let point = res.banen.group(g).unwrap().points[k];
            assert!(
                close(point.value, hours / 110.92),
                "{month} {g:?}: {} vs {}",
                point.value,
                hours / 110.92
            );
            assert_eq!(point.persons, persons.len() as u64, "{month} {g:?}");
        }
    }
    // By hand: in March B has left the register (15 March), A is wajong, C has two jobs.
    let march = res.banen.point(Group::Total, "2019-03").unwrap();
    assert!(close(march.value, (100.0 + 110.92 + 10.0) / 110.92));
    assert_eq!(march.persons, 2);
    assert_eq!(
        res.banen
            .point(Group::Basis(RegisterBasis::Praktijkroute), "2019-03")
            .unwrap()
            .value,
        0.0
    );
    // May: A's zero-hour month counts no hours and not A.
    assert_eq!(
        res.banen
            .point(Group::Basis(RegisterBasis::Wajong), "2019-05")
            .unwrap()
            .persons,
        0
    );
    // July: A's hours count under indicatie.
    let july = res
        .banen
        .point(Group::Basis(RegisterBasis::Indicatie), "2019-07")
        .unwrap();
    assert!(close(july.value, 50.0 / 110.92));
    assert!(close(
        res.banen
            .point(Group::Sector(Sector::Government), "2019-07")
            .unwrap()
            .value,
        10.0 / 110.92
    ));
}

#[test]
fn banen_extra_is_total_minus_the_baseline() {
    let res = load(&params());
    for (k, p) in res.banen_extra.series[0].points.iter().enumerate() {
        let total = res.banen.series[0].points[k];
        assert!(close(p.value, total.value - 75_179.0));
        assert_eq!(p.persons, total.persons);
    }
}

#[test]
fn months_worked_bins_by_basis_held_in_the_window() {
    let res = load(&params());
    let m = res
        .months_worked
        .as_ref()
        .expect("the panel covers the window");
    assert_eq!(m.periods, ["0", "1-11", "12-13", "14"]);
    // Independently: members on both days, months with >= 1 hour over all jobs.
    let rows = rows();
    let mut expected: std::collections::BTreeMap<&str, [u64; 4]> = Default::default();
    for person in ["A", "B", "C", "D", "E"] {
        if basis_on(person, "20190101").is_none() || basis_on(person, "20200301").is_none() {
            continue;
        }
        let worked = months("2019-01", "2020-02")
            .iter()
            .filter(|month| {
                rows.iter()
                    .filter(|r| r.0 == person && &r.2 == *month)
                    .map(|r| r.3)
                    .sum::<f64>()
                    >= 1.0
            })
            .count();
        let bin = match worked {
            0 => 0,
            1..=11 => 1,
            12 | 13 => 2,
            _ => 3,
        };
        let mut groups = vec!["total"];
        groups.extend(
            REGISTER
                .iter()
                .filter(|r| r.0 == person && r.1 <= "20200301" && r.2 >= "20190101")
                .map(|r| r.3),
        );
        groups.dedup();
        for g in groups {
            expected.entry(g).or_default()[bin] += 1;
        }
    }
    assert_eq!(
        expected["total"],
        [1, 0, 1, 1],
        "E never paid, A 13 months (zero-hour May), C all 14"
    );
    for s in &m.series {
        let bins = expected[s.group.code()];
        let n: u64 = bins.iter().sum();
        for (k, p) in s.points.iter().enumerate() {
            assert!(
                close(p.value, bins[k] as f64 / n as f64),
                "{:?} bin {k}",
                s.group
            );
            assert_eq!(p.persons, n);
            assert_eq!(p.subset, Some(bins[k]));
        }
    }
    assert_eq!(
        m.series.len(),
        expected.len(),
        "total, wajong, indicatie, wsw; not praktijkroute (B left)"
    );
}

#[test]
fn cohort_needs_a_panel_covering_the_window() {
    let res = load(&MonitorParams::default());
    assert!(res.months_worked.is_none());
    assert!(res.notes.iter().any(|n| n.contains("does not cover")));
}

#[test]
fn kaplan_meier_retention_by_hand() {
    let res = load(&params());
    let r = &res.job_retention;
    assert_eq!(r.periods, ["3", "6", "12", "24"]);
    // Spells not already running in 2019-01: A1 2019-06..09 (4, ended), A2 (5, censored in
    // 2020-02), B1 (2, ended), C2 (7, ended). Risk sets: t=2: 4 spells, 1 ends (B1);
    // t=4: 3 (A1, A2, C2), 1 ends (A1); t=5..7: C2 alone, ends at 7.
    let total = r.group(Group::Total).unwrap();
    let values: Vec<f64> = total.points.iter().map(|p| p.value).collect();
    let expected = [0.75, 0.75 * 2.0 / 3.0, 0.0, 0.0];
    for (v, e) in values.iter().zip(expected) {
        assert!(close(*v, e), "{values:?} vs {expected:?}");
    }
    assert_eq!(total.points[0].persons, 3);
    assert_eq!(
        total.points[1].subset,
        Some(1),
        "only C at risk at 5 months"
    );
    // Indicatie: A2 alone, censored at 5: defined to 5 months, unknown after.
    let ind = r.group(Group::Basis(RegisterBasis::Indicatie)).unwrap();
    assert_eq!(ind.points[0].value, 1.0);
    assert!(ind.points[1].value.is_nan());
    // Wajong: A1's second run (4 months, ended): the first run (from 2019-01) is left out.
    let wajong = r.group(Group::Basis(RegisterBasis::Wajong)).unwrap();
    assert_eq!(wajong.points[0].value, 1.0);
    assert_eq!(wajong.points[1].value, 0.0);
    assert_eq!(
        res.job_spells,
        (6, 2),
        "A1 (2 runs), A2, B1, C1, C2; A1's first run and C1 left-truncated"
    );
}

#[test]
fn jobs_started_and_ended_per_quarter() {
    let res = load(&params());
    let q = ["2019-Q1", "2019-Q2", "2019-Q3", "2019-Q4", "2020-Q1"];
    assert_eq!(res.jobs_started.periods, q);
    let started: Vec<f64> = res.jobs_started.series[0]
        .points
        .iter()
        .map(|p| p.value)
        .collect();
    assert_eq!(
        started,
        [2.0, 1.0, 0.0, 1.0, 0.0],
        "B1, C2 | A1 (June) | - | A2 | -"
    );
    let ended: Vec<f64> = res.jobs_ended.series[0]
        .points
        .iter()
        .map(|p| p.value)
        .collect();
    assert_eq!(
        ended,
        [1.0, 1.0, 2.0, 0.0, 0.0],
        "B1 | A1 (April) | A1 (Sept), C2 | - | A2 and C1 still paid"
    );
    assert_eq!(
        res.jobs_ended
            .point(Group::Basis(RegisterBasis::Wajong), "2019-Q2")
            .unwrap()
            .value,
        1.0
    );
    assert_eq!(
        res.jobs_ended
            .point(Group::Total, "2019-Q3")
            .unwrap()
            .persons,
        2
    );
    assert_eq!(
        res.jobs_started
            .point(Group::Basis(RegisterBasis::Indicatie), "2019-Q4")
            .unwrap()
            .persons,
        1
    );
}
