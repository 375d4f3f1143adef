//! The reader never panics and never loses a row. Rows are generated here, so the test
//! knows how many there are and where each one lies (its bytes and lines) without asking
//! any CSV tokenizer. Properties:
//! - write -> read gives back arbitrary valid persons, extra text cells included;
//! - a mutation inside one row leaves every other row as it was: the file is either read
//!   whole, with every other person decoded unchanged, or refused with every row counted
//!   and the problems on the mutated row's lines only;
//! - random rows after a valid header never panic and never count more rows than lines.
//!
//! Bounded: a few thousand cases, seconds.

use banenafspraak::schema::{
    read_csv, write_csv, DaysColumn, Education, Migration, Person, Population, ReadOptions,
    RegisterBasis, Sex, WiaClass, WindowDays,
};
use banenafspraak::Error;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

/// A person as generated: every field free, repaired into a valid record by [`Draw::person`].
#[derive(Debug, Clone)]
struct Draw {
    id: String,
    note: String,
    sex: bool,
    age: u8,
    migration: u8,
    generation: u8,
    education: u8,
    years_special_secondary: u8,
    days: [u16; 10],
    flags: [bool; 5],
    wia_class: u8,
    disability_pct: u8,
    months: [u16; 2],
    basis: u8,
    entry_year: u16,
    outcomes: [u8; 2],
}

impl Draw {
    /// A valid person (every cross-column rule of schema v1 holds).
    fn person(&self) -> Person<'_> {
        use DaysColumn as D;
        let migration = Migration::ALL[usize::from(self.migration) % Migration::ALL.len()];
        let mut days = WindowDays(self.days.map(|d| d % 1096));
        let parts = [
            D::Ww,
            D::Bijstand,
            D::SicknessDisability,
            D::OtherSocialBenefit,
        ];
        let largest = parts.iter().map(|&c| days[c]).max().unwrap_or(0);
        let upper = parts.iter().map(|&c| days[c]).sum::<u16>().min(1095);
        days.set(
            D::AnyBenefit,
            largest + days[D::AnyBenefit] % (upper - largest + 1),
        );
        days.set(
            D::StudentWithIncome,
            days[D::StudentWithIncome] % (days[D::InSchool] + 1),
        );
        let [employed, ww, bijstand, nug, in_register] = self.flags;
        let entry_year = 1998 + self.entry_year % 22;
        let outcome = |k: usize| match self.outcomes[k] % 3 {
            0 => None,
            v => Some(v == 2),
        };
        Person {
            person_id: &self.id,
            sex: if self.sex { Sex::Male } else { Sex::Female },
            age: self.age % 121,
            migration,
            generation: if migration == Migration::None {
                0
            } else {
                1 + self.generation % 2
            },
            education: Education::ALL[usize::from(self.education) % Education::ALL.len()],
            years_special_secondary: self.years_special_secondary % 21,
            days,
            employed,
            ww,
            bijstand,
            nug,
            wia_class: WiaClass::ALL[usize::from(self.wia_class) % WiaClass::ALL.len()],
            disability_pct: self.disability_pct % 101,
            months_without_work: (ww || nug || self.months[0] < 32_768)
                .then_some(self.months[0] % 601),
            months_bijstand: (bijstand || self.months[1] < 32_768).then_some(self.months[1] % 601),
            in_register,
            register_basis: in_register
                .then(|| RegisterBasis::ALL[usize::from(self.basis) % RegisterBasis::ALL.len()]),
            register_entry_year: in_register.then_some(entry_year),
            found_job_within_year: if in_register && entry_year == 2018 {
                outcome(0)
            } else {
                None
            },
            kept_job_one_year: if in_register { outcome(1) } else { None },
            job_hours_per_week: None,
        }
    }
}

/// Text with the bytes a CSV writer must quote; `line_breaks` allows `\n` and `\r\n`.
fn text(line_breaks: bool) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(",".to_string()),
        Just("\"".to_string()),
        Just(" ".to_string()),
        Just("é".to_string()),
        Just(if line_breaks { "\n" } else { "x" }.to_string()),
        Just(if line_breaks { "\r\n" } else { "y" }.to_string()),
        "[a-zA-Z0-9]{1,4}",
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|p| p.concat())
}

fn draw() -> impl Strategy<Value = Draw> {
    (
        (text(false), text(true), any::<(bool, u8, u8, u8, u8, u8)>()),
        (any::<[u16; 10]>(), any::<[bool; 5]>(), any::<(u8, u8)>()),
        (any::<[u16; 2]>(), any::<(u8, u16)>(), any::<[u8; 2]>()),
    )
        .prop_map(
            |((id, note, a), (days, flags, w), (months, r, outcomes))| Draw {
                id,
                note,
                sex: a.0,
                age: a.1,
                migration: a.2,
                generation: a.3,
                education: a.4,
                years_special_secondary: a.5,
                days,
                flags,
                wia_class: w.0,
                disability_pct: w.1,
                months,
                basis: r.0,
                entry_year: r.1,
                outcomes,
            },
        )
}

/// Draws with unique ids (a row number is prefixed) and at most a few commas per note, so
/// that no note holds a whole row's commas.
fn draws(max: usize) -> impl Strategy<Value = Vec<Draw>> {
    proptest::collection::vec(draw(), 1..max).prop_map(|mut v| {
        for (i, d) in v.iter_mut().enumerate() {
            d.id = format!("{i}-{}", d.id);
            let mut commas = 0;
            d.note.retain(|c| {
                c != ','
                    || (commas < 5 && {
                        commas += 1;
                        true
                    })
            });
        }
        v
    })
}

fn population(draws: &[Draw]) -> Population {
    let mut pop = Population::with_extra_columns(["note".to_string()]);
    for d in draws {
        let p = d.person();
        assert!(p.check(2019).is_empty(), "generator broke a rule: {p:?}");
        pop.push_with_extra(&p, std::iter::once(d.note.as_str()));
    }
    pop
}

/// The file, and each data row's byte range (its line break included) and first line:
/// found by counting the line breaks each row's own cells hold, not by tokenizing.
fn file(draws: &[Draw]) -> (Vec<u8>, Vec<(std::ops::Range<usize>, u64)>) {
    let mut bytes = Vec::new();
    write_csv(&population(draws), &mut bytes, "memory").unwrap();
    let newlines: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b'\n').collect();
    let mut rows = Vec::new();
    let (mut next_nl, mut start) = (1, newlines[0] + 1);
    for d in draws {
        let lines = 1 + d.note.matches('\n').count() + d.id.matches('\n').count();
        let end = newlines[next_nl + lines - 1] + 1;
        rows.push((start..end, next_nl as u64 + 1));
        next_nl += lines;
        start = end;
    }
    assert_eq!(start, bytes.len());
    (bytes, rows)
}

fn read(bytes: &[u8]) -> Result<Population, Error> {
    let opts = ReadOptions {
        max_problems: 10_000,
        ..ReadOptions::default()
    };
    read_csv(bytes, "fuzz.csv", &opts)
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
}

/// Applies `m` inside `range` (never to the row's final line break); returns how many line
/// breaks the row gained.
fn apply(bytes: &mut Vec<u8>, range: &std::ops::Range<usize>, m: &Mutation) -> usize {
    let len = range.len() - 1;
    let at = |i: usize| range.start + i % len.max(1);
    match *m {
        Mutation::Set(i, b) => {
            bytes[at(i)] = b;
            usize::from(b == b'\n')
        }
        Mutation::Insert(i, b) => {
            bytes.insert(at(i), b);
            usize::from(b == b'\n')
        }
        Mutation::Delete(i, n) => {
            let s = at(i);
            bytes.drain(s..(s + n).min(range.end - 1));
            0
        }
    }
}

/// Bytes that matter to a CSV reader, plus anything.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b','),
        Just(b'"'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b'0'),
        Just(b'1'),
        Just(b'9'),
        Just(b'-'),
        Just(0xff),
        Just(0xef),
        any::<u8>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), interesting_byte()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), interesting_byte()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..20).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn write_then_read_gives_back_arbitrary_valid_persons(draws in draws(40)) {
        let pop = population(&draws);
        let mut bytes = Vec::new();
        write_csv(&pop, &mut bytes, "memory").unwrap();
        let back = read(&bytes);
        prop_assert!(back.is_ok(), "{}", back.unwrap_err());
        prop_assert_eq!(back.unwrap(), pop);
    }

    #[test]
    fn a_mutation_inside_one_row_leaves_every_other_row_unchanged(
        draws in draws(30),
        k in any::<usize>(),
        m in mutation(),
    ) {
        let (mut bytes, rows) = file(&draws);
        let k = k % draws.len();
        let gained = apply(&mut bytes, &rows[k].0, &m) as u64;
        let first = rows[k].1;
        let last = rows.get(k + 1).map_or(u64::MAX, |r| r.1 - 1).saturating_add(gained);
        match read(&bytes) {
            Ok(pop) => {
                prop_assert_eq!(pop.len(), draws.len());
                for (j, d) in draws.iter().enumerate().filter(|&(j, _)| j != k) {
                    prop_assert_eq!(pop.person(j), d.person());
                    prop_assert_eq!(pop.extra("note").unwrap().get(j), d.note.as_str());
                }
            }
            Err(Error::InvalidRows(inv)) => {
                // Every other row is a record of its own, and only the mutated row is blamed
                // (or a later row that now repeats the mutated row's id).
                prop_assert!(inv.rows >= draws.len() as u64, "{} rows of {}", inv.rows, draws.len());
                prop_assert!(inv.broken_rows >= 1);
                prop_assert_eq!(inv.more, 0);
                for p in &inv.problems {
                    let repeat = format!("it is also on line {first}");
                    prop_assert!(
                        (first..=last).contains(&p.line) || p.rule.ends_with(&repeat),
                        "row {} (lines {}..={}) mutated, problem {} in {:?}", k, first, last, p, String::from_utf8_lossy(&bytes)
                    );
                }
            }
            Err(other) => prop_assert!(false, "unexpected error kind: {other}"),
        }
    }

    #[test]
    fn random_rows_after_a_valid_header_never_panic(tail in proptest::collection::vec(interesting_byte(), 0..3000)) {
        let (mut bytes, rows) = file(&draws_fixed());
        bytes.truncate(rows[0].0.start);
        let header_len = bytes.len();
        bytes.extend(&tail);
        let lines = tail.split(|&b| b == b'\n').filter(|l| !l.is_empty() && *l != b"\r").count() as u64;
        match read(&bytes) {
            Ok(pop) => prop_assert!(pop.len() as u64 <= lines),
            Err(Error::InvalidRows(inv)) => {
                prop_assert!(inv.rows <= lines, "{} records from {} lines", inv.rows, lines);
                prop_assert!(!inv.problems.is_empty());
                let last_line = 1 + bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                for p in &inv.problems {
                    prop_assert!(p.line >= 2 && p.line <= last_line, "problem on line {}", p.line);
                }
            }
            Err(other) => prop_assert!(false, "unexpected error kind: {other} ({header_len} header bytes)"),
        }
    }
}

/// Three fixed rows: the header is what matters.
fn draws_fixed() -> Vec<Draw> {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = draws(4);
    strategy.new_tree(&mut runner).unwrap().current()
}
