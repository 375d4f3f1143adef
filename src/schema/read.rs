//! The CSV reader of schema v1: streams a file in blocks, parses each block's records in
//! parallel, checks every rule and either returns every row as a [`Population`] or refuses
//! the file with a list of the broken rows (file, line, column, value, rule). It never
//! panics on input and never drops a row. With [`CacheMode::ReadWrite`] a valid file's
//! columns are kept beside it (see `cache`) and a second read costs next to nothing.

use std::io::Read;
use std::path::Path;

use super::cache::{self, ContentHash};
use super::chunks::{parse_block, Parsed, Rules, Tally};
use super::columns::DEFAULT_REFERENCE_YEAR;
use super::population::Population;
use super::row::{header_error, Layout};
use super::tokenize::{Shape, Step, Tokenizer};
use crate::error::{Error, Result};

/// Whether a file read by path may be read from, and written to, the columnar cache
/// beside it (`persons.csv` -> `persons.csv.banenafspraak-cache`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheMode {
    /// Always read the CSV; write nothing beside it (the library's default).
    #[default]
    Off,
    /// Use a cache that matches the file (size, modification time, content hash, reader
    /// version and reference year); otherwise read the CSV and, if it is valid and its
    /// directory writable, write the cache for next time.
    ReadWrite,
}

impl CacheMode {
    /// The mode a command-line tool should default to: a second run on the same file
    /// skips parsing and validation.
    pub const COMMAND_LINE_DEFAULT: CacheMode = CacheMode::ReadWrite;
}

/// How to read a microdata file.
///
/// ```
/// use banenafspraak::schema::{CacheMode, ReadOptions};
/// let opts = ReadOptions { reference_year: 2019, ..ReadOptions::default() };
/// assert_eq!(opts.max_problems, 100);
/// assert_eq!(opts.cache, CacheMode::Off);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// The reference year: register entry years may not exceed it and the job-find
    /// cohort entered the year before it.
    pub reference_year: u16,
    /// How many problems to list in full; the rest are counted.
    pub max_problems: usize,
    /// Whether [`read_csv_path`] and [`read_csv_path_with_progress`] use the columnar cache.
    pub cache: CacheMode,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            reference_year: DEFAULT_REFERENCE_YEAR,
            max_problems: 100,
            cache: CacheMode::Off,
        }
    }
}

/// Reads and validates a microdata CSV file.
///
/// ```
/// use banenafspraak::schema::{read_csv_path, ReadOptions};
/// let pop = read_csv_path("data/sample.csv", &ReadOptions::default()).unwrap();
/// assert!(pop.len() > 100);
/// ```
pub fn read_csv_path(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Population> {
    read_csv_path_with_progress(path, opts, &mut |_, _| {})
}

/// As [`read_csv_path`], calling `progress(bytes_read, file_size)` as the file is read:
/// about every 4 MiB and once at the end (`bytes_read == file_size` for a file that did not
/// change while being read). Counting wraps the file, not the parser, so reading is as fast
/// as without progress; a command-line tool turns the calls into a bar with time left.
///
/// ```
/// use banenafspraak::schema::{read_csv_path_with_progress, ReadOptions};
/// let mut calls = Vec::new();
/// let pop = read_csv_path_with_progress("data/sample.csv", &ReadOptions::default(), &mut |done, total| {
///     calls.push((done, total))
/// })?;
/// let (done, total) = *calls.last().unwrap();
/// assert_eq!(done, total);
/// assert!(pop.len() > 100);
/// # Ok::<(), banenafspraak::Error>(())
/// ```
pub fn read_csv_path_with_progress(
    path: impl AsRef<Path>,
    opts: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Population> {
    let path = path.as_ref();
    let source = path.display().to_string();
    if opts.cache == CacheMode::ReadWrite {
        if let Some(pop) = cache::load(path, opts.reference_year) {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            progress(size, size);
            return Ok(pop);
        }
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(&source, e))?;
    let stamp = cache::Stamp::of(&file);
    let total = stamp.as_ref().map_or(0, |s| s.size);
    let counting = CountingReader {
        inner: file,
        read: 0,
        total,
        next_report: 0,
        done: false,
        progress,
    };
    if opts.cache == CacheMode::Off {
        return read_stream(counting, &source, opts, Some(total), None);
    }
    let mut hash = ContentHash::default();
    let pop = read_stream(counting, &source, opts, Some(total), Some(&mut hash))?;
    if let Some(stamp) = stamp {
        cache::store(path, &stamp, hash.finish(), opts.reference_year, &pop);
    }
    Ok(pop)
}

/// Bytes between two progress calls.
const PROGRESS_STEP: u64 = 4 << 20;

/// A reader that counts bytes and reports them every [`PROGRESS_STEP`] and at the end.
struct CountingReader<'a, R> {
    inner: R,
    read: u64,
    total: u64,
    next_report: u64,
    done: bool,
    progress: &'a mut dyn FnMut(u64, u64),
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 {
            if !self.done {
                self.done = true;
                (self.progress)(self.read, self.total.max(self.read));
            }
        } else if self.read >= self.next_report {
            self.next_report = self.read + PROGRESS_STEP;
            (self.progress)(self.read, self.total.max(self.read));
        }
        Ok(n)
    }
}

/// Reads and validates microdata CSV from any reader; `source` names it in messages.
pub fn read_csv<R: Read>(input: R, source: &str, opts: &ReadOptions) -> Result<Population> {
    read_stream(input, source, opts, None, None)
}

/// Bytes parsed at a time: large enough for the threads to share, small enough that the
/// input is never held whole.
const BLOCK: usize = 16 << 20;

/// The input in blocks: `buf[start..filled]` holds bytes not yet consumed. The buffer
/// keeps its length, so it is zeroed once, not on every block.
struct Blocks<'h, R> {
    input: R,
    source: &'h str,
    buf: Vec<u8>,
    start: usize,
    filled: usize,
    eof: bool,
    hash: Option<&'h mut ContentHash>,
}

impl<R: Read> Blocks<'_, R> {
    /// The unconsumed bytes.
    fn data(&self) -> &[u8] {
        &self.buf[self.start..self.filled]
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
    }

    /// Reads until at least `want` unconsumed bytes are held or the input ends.
    fn fill(&mut self, want: usize) -> Result<()> {
        self.buf.copy_within(self.start..self.filled, 0);
        self.filled -= self.start;
        self.start = 0;
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while !self.eof && self.filled < want {
            let got = loop {
                match self.input.read(&mut self.buf[self.filled..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io(self.source, e)),
                }
            };
            if let Some(h) = self.hash.as_deref_mut() {
                h.update(&self.buf[self.filled..self.filled + got]);
            }
            self.filled += got;
            self.eof = got == 0;
        }
        Ok(())
    }

    /// Reads more than is held now (a record longer than the bytes held).
    fn grow(&mut self) -> Result<()> {
        let want = self.data().len() + BLOCK;
        self.fill(want)
    }
}

/// Reads the header; returns the layout and the line of the first data row.
fn read_header<R: Read>(blocks: &mut Blocks<'_, R>) -> Result<(Layout, u64)> {
    let shape = Shape::header();
    blocks.fill(BLOCK)?;
    loop {
        let eof = blocks.eof;
        let data = blocks.data();
        let mut tok = Tokenizer::new(data, 0, data.len(), eof, &shape);
        match tok.next_record() {
            Step::End => {
                return Err(header_error(
                    blocks.source,
                    "the file is empty: expected a header row".into(),
                ))
            }
            Step::Record { fault: Some(_), .. } => {
                return Err(header_error(
                    blocks.source,
                    "a quoted column name runs past the end of the line or is never closed".into(),
                ))
            }
            Step::Record { fault: None, .. } => {
                let layout = Layout::from_header(&tok, blocks.source)?;
                let (used, lines) = (tok.pos(), tok.lines());
                blocks.consume(used);
                return Ok((layout, 1 + lines));
            }
            Step::NeedMore => blocks.grow()?,
        }
    }
}

/// The reader proper: `size` (when known) sizes the columns once; `hash` sees every byte.
pub(super) fn read_stream<R: Read>(
    input: R,
    source: &str,
    opts: &ReadOptions,
    size: Option<u64>,
    hash: Option<&mut ContentHash>,
) -> Result<Population> {
    let mut blocks = Blocks {
        input,
        source,
        buf: Vec::new(),
        start: 0,
        filled: 0,
        eof: false,
        hash,
    };
    let (layout, first_line) = read_header(&mut blocks)?;
    let shape = layout.shape();
    let rules = Rules {
        layout: &layout,
        shape: &shape,
        reference_year: opts.reference_year,
        max_problems: opts.max_problems,
    };
    let mut tally = Tally::new(&layout, first_line, opts.max_problems);
    let mut first_block = true;
    // The block parsed last, added to the tally while the next one is parsed.
    let mut pending: Option<Parsed> = None;
    loop {
        blocks.fill(BLOCK)?;
        let eof = blocks.eof;
        let data = blocks.data();
        let held = data.len();
        let (parsed, ()) = rayon::join(
            || parse_block(data, eof, &rules),
            || {
                if let Some(p) = pending.take() {
                    tally.add(p);
                }
            },
        );
        let used = parsed.consumed;
        if first_block && used > 0 {
            // Size the columns from the first block's bytes per row.
            if let Some(size) = size {
                let per_row = used as f64 / parsed.rows().max(1) as f64;
                tally.reserve((size as f64 / per_row * 1.02) as usize);
            }
            first_block = false;
        }
        pending = Some(parsed);
        blocks.consume(used);
        if eof {
            break;
        }
        if used == 0 && held > 0 {
            blocks.grow()?;
        }
    }
    if let Some(p) = pending {
        tally.add(p);
    }
    tally.finish(source).map_err(Error::InvalidRows)
}
