//! The reader never panics and never loses a row, on random bytes and on mutated valid
//! files: either every data row becomes a person, or the file is refused with every row
//! counted and at least one problem listed. Bounded: a few thousand cases, seconds.

use banenafspraak::schema::{read_csv, write_csv, ReadOptions};
use banenafspraak::synth::SynthParams;
use banenafspraak::Error;
use proptest::prelude::*;

fn valid_file() -> Vec<u8> {
    let pop = SynthParams {
        persons: 40,
        seed: 3,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let mut bytes = Vec::new();
    write_csv(&pop, &mut bytes, "memory").unwrap();
    bytes
}

/// Data records as the csv crate counts them (the reader's own tokenizer), header excluded.
fn data_records(bytes: &[u8]) -> u64 {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut n = 0u64;
    while let Ok(true) = r.read_byte_record(&mut rec) {
        n += 1;
    }
    n.saturating_sub(1)
}

/// The invariant: used whole, or refused with every row accounted for.
fn check_accounting(bytes: &[u8]) -> Result<(), TestCaseError> {
    let opts = ReadOptions {
        max_problems: 5,
        ..ReadOptions::default()
    };
    match read_csv(bytes, "fuzz.csv", &opts) {
        Ok(pop) => prop_assert_eq!(pop.len() as u64, data_records(bytes)),
        Err(Error::InvalidRows(inv)) => {
            prop_assert_eq!(inv.rows, data_records(bytes));
            prop_assert!(inv.broken_rows >= 1);
            prop_assert!(!inv.problems.is_empty());
            prop_assert!(inv.problems.len() <= 5);
            for p in &inv.problems {
                prop_assert!(p.line >= 2, "a data problem on line {}", p.line);
            }
        }
        Err(Error::Header { .. }) => {}
        Err(other) => prop_assert!(false, "unexpected error kind: {other}"),
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    DuplicateLine(usize),
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        let at = |i: usize| i % bytes.len();
        match *m {
            Mutation::Set(i, b) => {
                let i = at(i);
                bytes[i] = b;
            }
            Mutation::Insert(i, b) => {
                let i = at(i);
                bytes.insert(i, b);
            }
            Mutation::Delete(i, len) => {
                let i = at(i);
                let end = (i + len).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::DuplicateLine(k) => {
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(
                        bytes
                            .iter()
                            .enumerate()
                            .filter(|(_, &b)| b == b'\n')
                            .map(|(i, _)| i + 1),
                    )
                    .filter(|&i| i < bytes.len())
                    .collect();
                let s = starts[k % starts.len()];
                let e = bytes[s..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| s + p + 1);
                let line = bytes[s..e].to_vec();
                bytes.splice(e..e, line);
            }
        }
    }
    bytes
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
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(interesting_byte(), 0..3000)) {
        check_accounting(&bytes)?;
    }

    #[test]
    fn random_bytes_after_a_valid_header_never_panic(tail in proptest::collection::vec(interesting_byte(), 0..3000)) {
        let mut bytes = valid_file();
        let header_end = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        bytes.truncate(header_end);
        bytes.extend(tail);
        check_accounting(&bytes)?;
    }

    #[test]
    fn mutated_valid_files_never_panic_or_lose_rows(mutations in proptest::collection::vec(mutation(), 1..8)) {
        let bytes = apply(valid_file(), &mutations);
        check_accounting(&bytes)?;
    }
}
