//! The person file in any format: CSV through the reader of `read` (parallel, with the
//! cache), and Parquet and SPSS `.sav` (features `parquet`, `sav`) through the table
//! readers of [`crate::records`]. A binary file's rows are turned into the CSV a
//! copy of it would hold (cells as text: whole numbers without decimals, dates
//! `YYYYMMDD`, missing values empty) and streamed through the same reader, so every rule,
//! message and line number is the CSV one: a row's line is its record number + 1.

use std::io::Read;
use std::path::Path;

use super::population::Population;
use super::read::{read_csv_path_with_progress, read_stream, ReadOptions};
use crate::error::{Error, Result};
use crate::records::{self as tables, Next, RecordSource, Row};

/// Reads and validates a person file: `.parquet`/`.pq` (feature `parquet`), `.sav`/`.zsav`
/// (feature `sav`), anything else as CSV ([`read_csv_path`](super::read_csv_path)).
///
/// ```
/// use banenafspraak::schema::{read_path, ReadOptions};
/// let pop = read_path("data/sample.csv", &ReadOptions::default())?;
/// assert!(pop.len() > 100);
/// # Ok::<(), banenafspraak::Error>(())
/// ```
pub fn read_path(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Population> {
    read_path_with_progress(path, opts, &mut |_, _| {})
}

/// As [`read_path`], with progress as [`read_csv_path_with_progress`] reports it; a
/// binary file reports once, at the end (its size is not what is parsed). The columnar
/// cache is for CSV only.
pub fn read_path_with_progress(
    path: impl AsRef<Path>,
    opts: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Population> {
    let path = path.as_ref();
    if tables::is_csv(path) {
        return read_csv_path_with_progress(path, opts, progress);
    }
    let source = tables::open_source(path)?;
    let name = source.name().to_string();
    let mut csv = AsCsv::new(source);
    let read = read_stream(&mut csv, &name, opts, None, None);
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    progress(size, size);
    match (read, csv.failed) {
        (Ok(pop), None) => Ok(pop),
        // The stream was cut short by the table reader: its error, not the cut.
        (_, Some(e)) => Err(e),
        (Err(e), None) => Err(e),
    }
}

/// Bytes of CSV made at a time.
const CHUNK: usize = 1 << 20;

/// A table's rows as CSV text.
struct AsCsv {
    source: Box<dyn RecordSource>,
    row: Row,
    buf: Vec<u8>,
    pos: usize,
    header_written: bool,
    end: bool,
    /// Why the table stopped: its reader's error, or a row that could not be decoded
    /// (refused as the CSV reader refuses rows, naming the file and line).
    failed: Option<Error>,
}

impl AsCsv {
    fn new(source: Box<dyn RecordSource>) -> AsCsv {
        AsCsv {
            source,
            row: Row::default(),
            buf: Vec::new(),
            pos: 0,
            header_written: false,
            end: false,
            failed: None,
        }
    }

    /// Writes the next rows (at least [`CHUNK`] bytes unless the table ends) into `buf`.
    fn fill(&mut self) -> Result<()> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .from_writer(std::mem::take(&mut self.buf));
        let name = self.source.name().to_string();
        let written = |e: csv::Error| Error::io(&name, std::io::Error::other(e));
        if !self.header_written {
            w.write_record(self.source.header()).map_err(written)?;
            self.header_written = true;
        }
        while w.get_ref().len() < CHUNK {
            match self.source.next_row(&mut self.row)? {
                Next::End => {
                    self.end = true;
                    break;
                }
                Next::Bad { line, reason } => return Err(Error::bad_row(&name, line, reason)),
                Next::Row => w.write_record(&self.row.fields).map_err(written)?,
            }
        }
        self.buf = w
            .into_inner()
            .map_err(|e| Error::io(&name, std::io::Error::other(e.to_string())))?;
        Ok(())
    }
}

impl Read for AsCsv {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.buf.len() {
            if self.end || self.failed.is_some() {
                return Ok(0);
            }
            self.buf.clear();
            self.pos = 0;
            if let Err(e) = self.fill() {
                let message = e.to_string();
                self.failed = Some(e);
                return Err(std::io::Error::other(message));
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
