//! The reader's parallel part: a block of input split at record boundaries, the pieces
//! parsed at once, and the pieces joined in file order with their problems, so that the
//! result (persons, problems and their order) is the serial one at any thread count.
//! Also the duplicate-id check over the whole file. Knows nothing of files or caches.

use rayon::prelude::*;

use super::population::{Person, Population, TextColumn};
use super::row::{fault_problem, parse_row, Layout};
use super::tokenize::{Shape, Step, Tokenizer};
use crate::error::{InvalidRows, Problem};

/// Pieces smaller than this are not worth a thread.
const MIN_PIECE: usize = 256 << 10;

/// What one piece of input gave: valid persons, problems (lines counted from the piece's
/// first line, 0-based) and where its records ended.
struct Piece {
    pop: Population,
    id_hashes: Vec<u64>,
    /// Runs of persons on consecutive lines: (first row in `pop`, its line).
    runs: Vec<(u64, u64)>,
    problems: Vec<Problem>,
    n_problems: u64,
    rows: u64,
    broken_rows: u64,
    lines: u64,
    consumed: usize,
}

/// What the reader needs to parse rows.
pub(super) struct Rules<'a> {
    pub layout: &'a Layout,
    pub shape: &'a Shape,
    pub reference_year: u16,
    pub max_problems: usize,
}

/// A block's records parsed, in pieces to be added to the [`Tally`] in order.
pub(super) struct Parsed {
    pieces: Vec<Piece>,
    /// Bytes of the block the pieces consumed (the rest is an unfinished record).
    pub consumed: usize,
}

impl Parsed {
    /// Data rows parsed, valid or not.
    pub fn rows(&self) -> u64 {
        self.pieces.iter().map(|p| p.rows).sum()
    }
}

/// Parses the records of `data` (a block starting at a record boundary), in parallel where
/// it pays; `eof` when the block ends the input.
pub(super) fn parse_block(data: &[u8], eof: bool, rules: &Rules<'_>) -> Parsed {
    let n = rayon::current_num_threads()
        .saturating_mul(2)
        .min(data.len() / MIN_PIECE);
    if n >= 2 {
        let bounds = split_points(data, n);
        let pieces: Vec<Piece> = bounds
            .par_windows(2)
            .enumerate()
            .map(|(j, w)| parse_piece(data, w[0], w[1], eof && j == n - 1, rules))
            .collect();
        // A piece is the serial parse only if the one before it ended exactly at its start;
        // otherwise a quote fooled the split and the block is parsed serially.
        if pieces
            .iter()
            .zip(&bounds[1..])
            .take(n - 1)
            .all(|(p, &b)| p.consumed == b)
        {
            let consumed = pieces.last().map_or(0, |p| p.consumed);
            return Parsed { pieces, consumed };
        }
    }
    let piece = parse_piece(data, 0, data.len(), eof, rules);
    Parsed {
        consumed: piece.consumed,
        pieces: vec![piece],
    }
}

/// `n + 1` positions from 0 to `data.len()`, each after a line break that an even number
/// of quotes precede (outside any quoted field, if the quoting is regular).
fn split_points(data: &[u8], n: usize) -> Vec<usize> {
    let quotes = |s: &[u8]| s.iter().filter(|&&b| b == b'"').count();
    let has_quotes = memchr::memchr(b'"', data).is_some();
    let mut bounds = vec![0];
    let (mut at, mut odd) = (0usize, false);
    for j in 1..n {
        let target = (j * data.len() / n).max(at);
        if has_quotes {
            odd ^= quotes(&data[at..target]) % 2 == 1;
        }
        at = target;
        loop {
            let Some(k) = memchr::memchr(b'\n', &data[at..]) else {
                at = data.len();
                break;
            };
            if has_quotes {
                odd ^= quotes(&data[at..at + k]) % 2 == 1;
            }
            at += k + 1;
            if !odd {
                break;
            }
        }
        bounds.push(at);
    }
    bounds.push(data.len());
    bounds
}

fn parse_piece(data: &[u8], start: usize, end: usize, eof: bool, rules: &Rules<'_>) -> Piece {
    let layout = rules.layout;
    let mut tok = Tokenizer::new(data, start, end, eof, rules.shape);
    let mut piece = Piece {
        pop: Population::with_extra_columns(layout.extra.iter().map(|(n, _)| n.clone()))
            .with_job_hours_column(layout.has(super::Column::JobHoursPerWeek)),
        id_hashes: Vec::new(),
        runs: Vec::new(),
        problems: Vec::new(),
        n_problems: 0,
        rows: 0,
        broken_rows: 0,
        lines: 0,
        consumed: start,
    };
    // Synthetic rows take about 85 bytes; a guess on the low side avoids regrowth.
    piece.pop.reserve((end - start) / 64);
    piece.id_hashes.reserve((end - start) / 64);
    let mut row_problems = Vec::new();
    while let Step::Record { line, fault } = tok.next_record() {
        piece.rows += 1;
        row_problems.clear();
        if let Some(f) = fault {
            row_problems.push(fault_problem(&f, layout, 0));
        } else if let Some(person) =
            parse_row(&tok, layout, line, rules.reference_year, &mut row_problems)
        {
            piece.push(&person, &tok, layout, line);
        }
        piece.note(&row_problems, rules.max_problems);
    }
    piece.consumed = tok.pos();
    piece.lines = tok.lines();
    piece
}

impl Piece {
    fn push(&mut self, person: &Person<'_>, tok: &Tokenizer<'_, '_>, layout: &Layout, line: u64) {
        let row = self.pop.len() as u64;
        match self.runs.last() {
            Some(&(r0, l0)) if l0 + (row - r0) == line => {}
            _ => self.runs.push((row, line)),
        }
        self.id_hashes.push(id_hash(person.person_id.as_bytes()));
        // Extra cells were checked for UTF-8 with the row.
        let extras = layout
            .extra
            .iter()
            .map(|&(_, k)| std::str::from_utf8(tok.cell(k)).unwrap_or_default());
        self.pop.push_with_extra(person, extras);
    }

    fn note(&mut self, row: &[Problem], max: usize) {
        if row.is_empty() {
            return;
        }
        self.broken_rows += 1;
        self.n_problems += row.len() as u64;
        let room = max.saturating_sub(self.problems.len());
        self.problems.extend(row.iter().take(room).cloned());
    }
}

/// Everything read so far, joined in file order.
pub(super) struct Tally {
    pop: Population,
    id_hashes: Vec<u64>,
    runs: Vec<(u64, u64)>,
    problems: Vec<Problem>,
    n_problems: u64,
    rows: u64,
    broken_rows: u64,
    /// The line the next piece starts on (1-based, in the file).
    pub next_line: u64,
    max: usize,
}

impl Tally {
    pub fn new(layout: &Layout, first_line: u64, max: usize) -> Tally {
        Tally {
            pop: Population::with_extra_columns(layout.extra.iter().map(|(n, _)| n.clone()))
                .with_job_hours_column(layout.has(super::Column::JobHoursPerWeek)),
            id_hashes: Vec::new(),
            runs: Vec::new(),
            problems: Vec::new(),
            n_problems: 0,
            rows: 0,
            broken_rows: 0,
            next_line: first_line,
            max,
        }
    }

    /// Room for about `n` more persons, so that the columns grow once.
    pub fn reserve(&mut self, n: usize) {
        self.pop.reserve(n);
        self.id_hashes.reserve(n);
    }

    /// Adds a block's pieces, in order.
    pub fn add(&mut self, parsed: Parsed) {
        for p in parsed.pieces {
            self.add_piece(p);
        }
    }

    fn add_piece(&mut self, p: Piece) {
        let (row0, line0) = (self.pop.len() as u64, self.next_line);
        let room = self.max.saturating_sub(self.problems.len());
        self.problems
            .extend(p.problems.into_iter().take(room).map(|mut q| {
                q.line += line0;
                q
            }));
        self.n_problems += p.n_problems;
        self.rows += p.rows;
        self.broken_rows += p.broken_rows;
        self.runs
            .extend(p.runs.into_iter().map(|(r, l)| (row0 + r, line0 + l)));
        self.pop.append(p.pop);
        self.id_hashes.extend(p.id_hashes);
        self.next_line += p.lines;
    }

    /// The line of person `row`.
    fn line_of(&self, row: usize) -> u64 {
        let row = row as u64;
        let k = self.runs.partition_point(|&(r, _)| r <= row);
        let (r0, l0) = self.runs[k.saturating_sub(1)];
        l0 + (row - r0)
    }

    /// The population, or every broken row (repeated ids included) in file order.
    pub fn finish(mut self, source: &str) -> Result<Population, Box<InvalidRows>> {
        let repeats = repeated_ids(self.pop.person_ids(), &self.id_hashes);
        if self.broken_rows == 0 && repeats.is_empty() {
            return Ok(self.pop);
        }
        let id_problems = repeats
            .iter()
            .take(self.max)
            .map(|&(later, first)| Problem {
                line: self.line_of(later),
                column: Some(super::Column::PersonId.name().into()),
                value: None,
                rule: format!(
                    "person_id must be unique; it is also on line {}",
                    self.line_of(first)
                ),
            });
        let id_problems: Vec<Problem> = id_problems.collect();
        let total = self.n_problems + repeats.len() as u64;
        let mut merged = Vec::with_capacity(self.max.min(self.problems.len() + id_problems.len()));
        let (mut a, mut b) = (
            std::mem::take(&mut self.problems).into_iter().peekable(),
            id_problems.into_iter().peekable(),
        );
        while merged.len() < self.max {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if y.line < x.line => b.next(),
                (Some(_), _) => a.next(),
                (None, _) => b.next(),
            };
            match next {
                Some(p) => merged.push(p),
                None => break,
            }
        }
        Err(Box::new(InvalidRows {
            source: source.into(),
            more: total - merged.len() as u64,
            problems: merged,
            rows: self.rows,
            broken_rows: self.broken_rows + repeats.len() as u64,
        }))
    }
}

/// A fast 64-bit hash of an id (collisions are resolved by comparing the ids).
fn id_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
        h = (h ^ w).wrapping_mul(K).rotate_left(31);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^ (h >> 29)
}

/// Every repeat of an earlier id: (row, row of its first occurrence), by row. Looks for
/// repeated hashes alone first (the common case has none and stops there).
fn repeated_ids(ids: &TextColumn, hashes: &[u64]) -> Vec<(usize, usize)> {
    let shared = shared_hashes(hashes);
    if shared.is_empty() {
        return Vec::new();
    }
    let mut keyed: Vec<(u64, usize)> = hashes
        .iter()
        .enumerate()
        .filter(|(_, h)| shared.binary_search(h).is_ok())
        .map(|(row, &h)| (h, row))
        .collect();
    keyed.sort_unstable();
    let mut repeats = Vec::new();
    for group in keyed.chunk_by_mut(|a, b| a.0 == b.0) {
        group.sort_by(|a, b| ids.get(a.1).cmp(ids.get(b.1)).then(a.1.cmp(&b.1)));
        for same in group.chunk_by(|a, b| ids.get(a.1) == ids.get(b.1)) {
            repeats.extend(same[1..].iter().map(|&(_, row)| (row, same[0].1)));
        }
    }
    repeats.sort_unstable();
    repeats
}

/// The hashes that occur more than once, ascending. They are spread over buckets by their
/// top byte, in parallel over parts of the rows, and each bucket is then sorted on its
/// own: many sorts that fit the cache instead of one that does not.
fn shared_hashes(hashes: &[u64]) -> Vec<u64> {
    const BUCKETS: usize = 256;
    let bucket = |h: u64| (h >> 56) as usize;
    let parts: Vec<&[u64]> = hashes.chunks(hashes.len().div_ceil(PARTS).max(1)).collect();
    let counts: Vec<[usize; BUCKETS]> = parts
        .par_iter()
        .map(|part| {
            let mut c = [0; BUCKETS];
            part.iter().for_each(|&h| c[bucket(h)] += 1);
            c
        })
        .collect();
    // Bucket after bucket, each holding the parts' hashes in part order.
    let mut spread = vec![0u64; hashes.len()];
    let mut slots: Vec<Vec<&mut [u64]>> = parts.iter().map(|_| Vec::new()).collect();
    let mut buckets: Vec<usize> = Vec::with_capacity(BUCKETS);
    let mut rest = &mut spread[..];
    for b in 0..BUCKETS {
        buckets.push(counts.iter().map(|c| c[b]).sum());
        for (slot, c) in slots.iter_mut().zip(&counts) {
            let (here, after) = rest.split_at_mut(c[b]);
            slot.push(here);
            rest = after;
        }
    }
    parts.par_iter().zip(&mut slots).for_each(|(part, slot)| {
        let mut filled = [0; BUCKETS];
        for &h in *part {
            let b = bucket(h);
            slot[b][filled[b]] = h;
            filled[b] += 1;
        }
    });
    let mut sorted: Vec<&mut [u64]> = Vec::with_capacity(BUCKETS);
    let mut rest = &mut spread[..];
    for n in buckets {
        let (here, after) = rest.split_at_mut(n);
        sorted.push(here);
        rest = after;
    }
    let mut shared: Vec<u64> = sorted
        .into_par_iter()
        .flat_map_iter(|b| {
            b.sort_unstable();
            let repeats: Vec<u64> = b
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| w[0])
                .collect();
            repeats
        })
        .collect();
    shared.dedup();
    shared
}

/// Parts of the id hashes spread over buckets in parallel.
const PARTS: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_points_fall_after_line_breaks_outside_quotes() {
        let data = b"a,b\n\"x\ny\",c\nd,e\nf,g\n";
        let b = split_points(data, 4);
        assert_eq!(b.first(), Some(&0));
        assert_eq!(b.last(), Some(&data.len()));
        for &p in &b[1..b.len() - 1] {
            assert!(p == data.len() || data[p - 1] == b'\n');
            // Never inside the quoted "x\ny".
            assert_ne!(p, 7);
        }
    }

    #[test]
    fn shared_hashes_are_the_repeated_ones_in_every_bucket() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut hashes: Vec<u64> = (0..50_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            })
            .collect();
        // Repeats in the first and last bucket, across parts, and three times over.
        hashes.extend([
            0,
            5,
            u64::MAX,
            0,
            u64::MAX,
            hashes[3],
            hashes[40_000],
            hashes[3],
        ]);
        hashes.push(5);
        let mut seen = std::collections::BTreeMap::new();
        hashes
            .iter()
            .for_each(|&h| *seen.entry(h).or_insert(0) += 1);
        let want: Vec<u64> = seen
            .into_iter()
            .filter(|&(_, n)| n > 1)
            .map(|(h, _)| h)
            .collect();
        assert_eq!(want.len(), 5);
        assert_eq!(shared_hashes(&hashes), want);
        assert!(shared_hashes(&[]).is_empty());
        assert!(shared_hashes(&hashes[..1000]).is_empty());
    }

    #[test]
    fn repeated_ids_name_the_first_row() {
        let mut ids = TextColumn::default();
        for id in ["a", "b", "a", "c", "b", "a"] {
            ids.push(id);
        }
        let hashes: Vec<u64> = ids.iter().map(|s| id_hash(s.as_bytes())).collect();
        assert_eq!(repeated_ids(&ids, &hashes), [(2, 0), (4, 1), (5, 0)]);
        // Equal hashes of different ids are no repeat.
        assert!(repeated_ids(&ids, &[7; 6]).len() == 3);
    }
}
