//! The columnar cache: a valid person file's columns in a compact binary beside it
//! (`persons.csv.banenafspraak-cache`), so that a second read skips parsing and checking.
//! It is used only when it matches the input exactly (size, modification time, a hash of
//! every byte, this format's version and the reference year) and its own contents hash
//! right; anything else (stale, corrupt, truncated, foreign) is ignored and rewritten.
//! A cache never replaces a file that is not one, and an unwritable directory just means
//! no cache. Owns the binary layout; the columns themselves belong to `population`.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::codes::{Education, Migration, RegisterBasis, Sex, WiaClass};
use super::population::{Population, TextColumn};

/// The start of every cache file.
const MAGIC: &[u8; 8] = b"BNFCOLS\0";
/// Changes whenever the layout below or the reader's rules change.
const FORMAT: u32 = 2;

/// The cache file of `input`.
pub(super) fn path_of(input: &Path) -> Option<PathBuf> {
    let mut name = input.file_name()?.to_os_string();
    name.push(".banenafspraak-cache");
    Some(input.with_file_name(name))
}

/// What identifies a version of the input without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    pub size: u64,
    modified_ns: u64,
}

impl Stamp {
    pub fn of(file: &File) -> Option<Stamp> {
        let meta = file.metadata().ok()?;
        let modified = meta.modified().ok()?;
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Stamp {
            size: meta.len(),
            modified_ns: u64::try_from(since.as_nanos()).ok()?,
        })
    }
}

/// A fast 64-bit hash of a byte stream in four independent lanes (xxHash64's round), to
/// notice any change to the input; not a cryptographic hash.
#[derive(Debug, Clone)]
pub(super) struct ContentHash {
    lanes: [u64; 4],
    pending: [u8; 32],
    n_pending: usize,
    total: u64,
}

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;

fn round(acc: u64, word: u64) -> u64 {
    acc.wrapping_add(word.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(w)
}

impl Default for ContentHash {
    fn default() -> Self {
        ContentHash {
            lanes: [P1, P2, P1 ^ P2, P1.rotate_left(17)],
            pending: [0; 32],
            n_pending: 0,
            total: 0,
        }
    }
}

impl ContentHash {
    pub fn update(&mut self, mut data: &[u8]) {
        self.total += data.len() as u64;
        if self.n_pending > 0 {
            let take = (32 - self.n_pending).min(data.len());
            self.pending[self.n_pending..self.n_pending + take].copy_from_slice(&data[..take]);
            self.n_pending += take;
            data = &data[take..];
            if self.n_pending < 32 {
                return;
            }
            let block = self.pending;
            self.block(&block);
            self.n_pending = 0;
        }
        let mut blocks = data.chunks_exact(32);
        for b in &mut blocks {
            self.block(b);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.n_pending = rest.len();
    }

    fn block(&mut self, b: &[u8]) {
        for (lane, w) in self.lanes.iter_mut().zip(b.chunks_exact(8)) {
            *lane = round(*lane, word(w));
        }
    }

    pub fn finish(&self) -> u64 {
        let mut h = self.total.wrapping_mul(P1);
        for (k, &lane) in self.lanes.iter().enumerate() {
            h = round(h ^ lane.rotate_left(k as u32 * 7), lane);
        }
        for w in self.pending[..self.n_pending].chunks(8) {
            h = round(h, word(w));
        }
        h ^= h >> 33;
        h = h.wrapping_mul(P2);
        h ^ (h >> 29)
    }
}

/// The hash of a whole file, and its stamp before and after reading it.
fn hash_file(path: &Path) -> Option<(Stamp, u64)> {
    let mut file = File::open(path).ok()?;
    let before = Stamp::of(&file)?;
    let mut hash = ContentHash::default();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hash.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    (Stamp::of(&file)? == before).then(|| (before, hash.finish()))
}

/// The fixed-size head of a cache file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Head {
    reference_year: u16,
    stamp: Stamp,
    content: u64,
    persons: u64,
}

impl Head {
    const LEN: usize = 8 + 4 + 2 + 8 * 4;

    fn bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(Head::LEN);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&FORMAT.to_le_bytes());
        b.extend_from_slice(&self.reference_year.to_le_bytes());
        for v in [
            self.stamp.size,
            self.stamp.modified_ns,
            self.content,
            self.persons,
        ] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b
    }

    fn parse(b: &[u8; Head::LEN]) -> Option<Head> {
        let u64_at = |k: usize| word(&b[14 + 8 * k..22 + 8 * k]);
        let ok = &b[..8] == MAGIC && b[8..12] == FORMAT.to_le_bytes();
        ok.then(|| Head {
            reference_year: u16::from_le_bytes([b[12], b[13]]),
            stamp: Stamp {
                size: u64_at(0),
                modified_ns: u64_at(1),
            },
            content: u64_at(2),
            persons: u64_at(3),
        })
    }
}

/// The population cached for `input`, if a cache matches it exactly and is intact.
pub(super) fn load(input: &Path, reference_year: u16) -> Option<Population> {
    let mut cache = BufReader::with_capacity(1 << 20, File::open(path_of(input)?).ok()?);
    let mut head = [0u8; Head::LEN];
    cache.read_exact(&mut head).ok()?;
    let head = Head::parse(&head)?;
    let now = Stamp::of(&File::open(input).ok()?)?;
    if head.reference_year != reference_year || head.stamp != now {
        return None;
    }
    let n = usize::try_from(head.persons).ok()?;
    // The input is hashed while the columns are read: the two take about as long.
    let (hashed, pop) = rayon::join(|| hash_file(input), || read_columns(cache, n));
    let (stamp, content) = hashed?;
    (stamp == head.stamp && content == head.content)
        .then_some(pop)
        .flatten()
}

/// The population of the columns after a cache's head, if they and the trailer's hash of
/// them are intact and nothing follows.
fn read_columns(input: BufReader<File>, n: usize) -> Option<Population> {
    let mut columns = Columns {
        input,
        hash: ContentHash::default(),
        n,
    };
    let pop = columns.population()?;
    let mut trailer = [0u8; 8];
    columns.input.read_exact(&mut trailer).ok()?;
    let at_end = columns.input.read(&mut [0u8; 1]).ok()? == 0;
    (at_end && u64::from_le_bytes(trailer) == columns.hash.finish()).then_some(pop)
}

/// Writes the cache of `input` (read with `stamp`, hashing to `content`) if nothing
/// stands in the way; every failure only means there is no cache.
pub(super) fn store(
    input: &Path,
    stamp: &Stamp,
    content: u64,
    reference_year: u16,
    pop: &Population,
) {
    let Some(target) = path_of(input) else { return };
    // The input must still be the file that was read.
    let unchanged = File::open(input).ok().and_then(|f| Stamp::of(&f)) == Some(*stamp);
    if !unchanged || !replaceable(&target) {
        return;
    }
    let mut tmp_name = target.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = target.with_file_name(tmp_name);
    let head = Head {
        reference_year,
        stamp: *stamp,
        content,
        persons: pop.len() as u64,
    };
    let written = File::create_new(&tmp).and_then(|f| {
        let mut out = BufWriter::with_capacity(1 << 20, f);
        out.write_all(&head.bytes())?;
        let mut sink = Sink {
            out: &mut out,
            hash: ContentHash::default(),
        };
        sink.population(pop)?;
        let trailer = sink.hash.finish();
        out.write_all(&trailer.to_le_bytes())?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    if written.is_err() || std::fs::rename(&tmp, &target).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// A cache may be written where nothing is, or over an earlier cache; never over any
/// other file.
fn replaceable(target: &Path) -> bool {
    match File::open(target) {
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        Ok(mut f) => {
            let mut magic = [0u8; 8];
            f.read_exact(&mut magic).is_ok() && &magic == MAGIC
        }
    }
}

/// Writes columns, hashing every byte.
struct Sink<'w, W: Write> {
    out: &'w mut W,
    hash: ContentHash,
}

impl<W: Write> Sink<'_, W> {
    fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.hash.update(b);
        self.out.write_all(b)
    }

    fn codes(&mut self, codes: impl Iterator<Item = u8>) -> std::io::Result<()> {
        let v: Vec<u8> = codes.collect();
        self.bytes(&v)
    }

    fn u16s(&mut self, values: impl Iterator<Item = u16>) -> std::io::Result<()> {
        let v: Vec<u8> = values.flat_map(u16::to_le_bytes).collect();
        self.bytes(&v)
    }

    fn text(&mut self, col: &TextColumn) -> std::io::Result<()> {
        let (text, ends) = col.parts();
        self.bytes(&(text.len() as u64).to_le_bytes())?;
        self.bytes(text.as_bytes())?;
        let v: Vec<u8> = ends
            .iter()
            .flat_map(|&e| (e as u64).to_le_bytes())
            .collect();
        self.bytes(&v)
    }

    fn population(&mut self, p: &Population) -> std::io::Result<()> {
        self.text(&p.person_id)?;
        self.codes(p.sex.iter().map(|v| v.index()))?;
        self.codes(p.age.iter().copied())?;
        self.codes(p.migration.iter().map(|v| v.index()))?;
        self.codes(p.generation.iter().copied())?;
        self.codes(p.education.iter().map(|v| v.index()))?;
        self.codes(p.years_special_secondary.iter().copied())?;
        for d in &p.days {
            self.u16s(d.iter().copied())?;
        }
        for flags in [&p.employed, &p.ww, &p.bijstand, &p.nug, &p.in_register] {
            self.codes(flags.iter().map(|&b| u8::from(b)))?;
        }
        self.codes(p.wia_class.iter().map(|v| v.index()))?;
        self.codes(p.disability_pct.iter().copied())?;
        self.u16s(p.months_without_work.iter().copied())?;
        self.u16s(p.months_bijstand.iter().copied())?;
        self.codes(
            p.register_basis
                .iter()
                .map(|v| v.map_or(u8::MAX, |b| b.index())),
        )?;
        self.u16s(p.register_entry_year.iter().map(|y| y.unwrap_or(0)))?;
        for outcome in [&p.found_job_within_year, &p.kept_job_one_year] {
            self.codes(outcome.iter().map(|v| v.map_or(2, u8::from)))?;
        }
        // Schema v1.1: a flag, then the hours as f32 bits (0 for an empty cell).
        match &p.job_hours_per_week {
            None => self.bytes(&[0])?,
            Some(h) => {
                self.bytes(&[1])?;
                let v: Vec<u8> = h.iter().flat_map(|x| x.to_bits().to_le_bytes()).collect();
                self.bytes(&v)?;
            }
        }
        self.bytes(&(p.extra.len() as u64).to_le_bytes())?;
        for (name, col) in &p.extra {
            self.bytes(&(name.len() as u64).to_le_bytes())?;
            self.bytes(name.as_bytes())?;
            self.text(col)?;
        }
        Ok(())
    }
}

/// Reads columns back, hashing every byte; `None` on anything out of place.
struct Columns<R: Read> {
    input: R,
    hash: ContentHash,
    n: usize,
}

impl<R: Read> Columns<R> {
    fn bytes(&mut self, len: usize) -> Option<Vec<u8>> {
        let mut v = Vec::new();
        v.try_reserve_exact(len).ok()?;
        (&mut self.input)
            .take(len as u64)
            .read_to_end(&mut v)
            .ok()?;
        self.hash.update(&v);
        (v.len() == len).then_some(v)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(word(&self.bytes(8)?))
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    fn codes<T>(&mut self, decode: impl Fn(u8) -> Option<T>) -> Option<Vec<T>> {
        self.bytes(self.n)?.into_iter().map(decode).collect()
    }

    /// A code column: every byte an index into `all`.
    fn enums<T: Copy>(&mut self, all: &[T]) -> Option<Vec<T>> {
        let b = self.bytes(self.n)?;
        let n = all.len();
        b.iter()
            .all(|&i| usize::from(i) < n)
            .then(|| b.iter().map(|&i| all[usize::from(i)]).collect())
    }

    fn u16s(&mut self) -> Option<Vec<u16>> {
        let b = self.bytes(self.n.checked_mul(2)?)?;
        Some(
            b.chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect(),
        )
    }

    fn text(&mut self) -> Option<TextColumn> {
        let len = self.len()?;
        let text = String::from_utf8(self.bytes(len)?).ok()?;
        let ends: Vec<usize> = self
            .bytes(self.n.checked_mul(8)?)?
            .chunks_exact(8)
            .map(|c| usize::try_from(word(c)).unwrap_or(usize::MAX))
            .collect();
        TextColumn::from_parts(text, ends)
    }

    fn population(&mut self) -> Option<Population> {
        let mut p = Population {
            person_id: self.text()?,
            sex: self.enums(Sex::ALL)?,
            age: self.bytes(self.n)?,
            migration: self.enums(Migration::ALL)?,
            generation: self.bytes(self.n)?,
            education: self.enums(Education::ALL)?,
            years_special_secondary: self.bytes(self.n)?,
            ..Population::default()
        };
        for d in &mut p.days {
            *d = self.u16s()?;
        }
        p.employed = self.enums(&[false, true])?;
        p.ww = self.enums(&[false, true])?;
        p.bijstand = self.enums(&[false, true])?;
        p.nug = self.enums(&[false, true])?;
        p.in_register = self.enums(&[false, true])?;
        p.wia_class = self.enums(WiaClass::ALL)?;
        p.disability_pct = self.bytes(self.n)?;
        p.months_without_work = self.u16s()?;
        p.months_bijstand = self.u16s()?;
        p.register_basis = self.codes(|b| match b {
            u8::MAX => Some(None),
            b => RegisterBasis::from_index(b).map(Some),
        })?;
        p.register_entry_year = self
            .u16s()?
            .into_iter()
            .map(|y| (y != 0).then_some(y))
            .collect();
        let outcomes = [Some(false), Some(true), None];
        p.found_job_within_year = self.enums(&outcomes)?;
        p.kept_job_one_year = self.enums(&outcomes)?;
        p.job_hours_per_week = match self.bytes(1)?[0] {
            0 => None,
            1 => Some(
                self.bytes(self.n.checked_mul(4)?)?
                    .chunks_exact(4)
                    .map(|c| f32::from_bits(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                    .collect(),
            ),
            _ => return None,
        };
        for _ in 0..self.len()? {
            let len = self.len()?;
            let name = String::from_utf8(self.bytes(len)?).ok()?;
            let col = self.text()?;
            p.extra.push((name, col));
        }
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{read_csv_path, write_csv, CacheMode, Person, ReadOptions};

    const YEAR: u16 = 2019;

    fn sample() -> Population {
        let mut pop = Population::with_extra_columns(["note".to_string()]);
        for i in 0..50u8 {
            let mut p = Person::example();
            let id = format!("p{i}");
            p.person_id = &id;
            p.age = 20 + i;
            if i % 7 == 0 {
                p.in_register = true;
                p.register_basis = Some(RegisterBasis::Wsw);
                p.register_entry_year = Some(2018);
                p.found_job_within_year = Some(i % 2 == 0);
                p.kept_job_one_year = Some(true);
                p.job_hours_per_week = Some(20.25 + f32::from(i));
            }
            pop.push_with_extra(&p, std::iter::once(format!("n,{i}\n").as_str()));
        }
        pop
    }

    /// A CSV of `pop` in a fresh directory, read once with the cache on.
    fn cached() -> (tempfile::TempDir, PathBuf, Population) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("persons.csv");
        let pop = sample();
        let mut bytes = Vec::new();
        write_csv(&pop, &mut bytes, "memory").unwrap();
        std::fs::write(&csv, bytes).unwrap();
        let opts = ReadOptions {
            cache: CacheMode::ReadWrite,
            ..ReadOptions::default()
        };
        assert_eq!(read_csv_path(&csv, &opts).unwrap(), pop);
        (dir, csv, pop)
    }

    fn cache_bytes(csv: &Path) -> Vec<u8> {
        std::fs::read(path_of(csv).unwrap()).unwrap()
    }

    #[test]
    fn a_matching_cache_gives_the_population_back() {
        let (_dir, csv, pop) = cached();
        assert_eq!(load(&csv, YEAR), Some(pop));
        // Other rules, other cache.
        assert_eq!(load(&csv, YEAR + 1), None);
    }

    #[test]
    fn a_changed_input_of_the_same_size_and_time_is_noticed() {
        let (_dir, csv, _) = cached();
        let modified = std::fs::metadata(&csv).unwrap().modified().unwrap();
        let text = std::fs::read_to_string(&csv)
            .unwrap()
            .replacen(",20,", ",21,", 1);
        std::fs::write(&csv, text).unwrap();
        File::options()
            .write(true)
            .open(&csv)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        assert_eq!(load(&csv, YEAR), None);
        // The reader then reads the CSV, not the stale cache.
        let opts = ReadOptions {
            cache: CacheMode::ReadWrite,
            ..ReadOptions::default()
        };
        assert_eq!(read_csv_path(&csv, &opts).unwrap().age()[0], 21);
        assert_eq!(load(&csv, YEAR).map(|p| p.age()[0]), Some(21));
    }

    #[test]
    fn a_corrupt_or_truncated_cache_is_never_used() {
        let (_dir, csv, _) = cached();
        let good = cache_bytes(&csv);
        let cache = path_of(&csv).unwrap();
        // One byte of the age column: still a valid age, so only the hash can tell.
        let text_len = word(&good[Head::LEN..Head::LEN + 8]) as usize;
        let age_at = Head::LEN + 8 + text_len + 50 * 8 + 50;
        assert_eq!(good[age_at], 20);
        for broken in [
            {
                let mut b = good.clone();
                b[age_at] = 21;
                b
            },
            good[..good.len() - 1].to_vec(),
            [&good[..], b"x"].concat(),
            {
                let mut b = good.clone();
                b[8] ^= 1; // format version
                b
            },
        ] {
            std::fs::write(&cache, &broken).unwrap();
            assert_eq!(load(&csv, YEAR), None);
        }
    }

    #[test]
    fn a_file_that_is_not_a_cache_is_never_replaced() {
        let (_dir, csv, pop) = cached();
        let cache = path_of(&csv).unwrap();
        std::fs::write(&cache, b"someone's data").unwrap();
        let stamp = Stamp::of(&File::open(&csv).unwrap()).unwrap();
        store(&csv, &stamp, 0, YEAR, &pop);
        assert_eq!(std::fs::read(&cache).unwrap(), b"someone's data");
    }

    #[test]
    fn an_unwritable_cache_is_skipped() {
        let (_dir, csv, pop) = cached();
        let cache = path_of(&csv).unwrap();
        std::fs::remove_file(&cache).unwrap();
        std::fs::create_dir(&cache).unwrap();
        let opts = ReadOptions {
            cache: CacheMode::ReadWrite,
            ..ReadOptions::default()
        };
        assert_eq!(read_csv_path(&csv, &opts).unwrap(), pop);
        assert!(cache.is_dir());
        assert_eq!(std::fs::read_dir(csv.parent().unwrap()).unwrap().count(), 2);
    }

    #[test]
    fn the_content_hash_does_not_depend_on_how_the_bytes_arrive() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut whole = ContentHash::default();
        whole.update(&data);
        let mut pieces = ContentHash::default();
        for c in data.chunks(13) {
            pieces.update(c);
        }
        assert_eq!(whole.finish(), pieces.finish());
        let mut other = ContentHash::default();
        other.update(&data[..999]);
        assert_ne!(other.finish(), whole.finish());
    }
}
