//! Where the monitor's rows come from: a [`RecordSource`] yields a header and records of
//! byte fields with their lines. CSV is read here directly (bytes, no UTF-8 pass over
//! the whole file); Parquet and `.sav` (features `parquet`, `sav`) through the readers of
//! [`crate::records`], whose cells arrive as a CSV copy would hold them and whose
//! lines are the record number + 1, the line of the row in such a copy.

use std::io::Read;
use std::path::Path;

use super::read::header_error;
use crate::error::{Error, Result};
use crate::records as tables;

/// What [`RecordSource::next_record`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A record, starting on this line (1 is the header).
    Row(u64),
    /// A record that could not be decoded (a cell of a type that has no text form); the
    /// reader refuses it, with the reason, and goes on.
    Bad {
        /// Its line.
        line: u64,
        /// Why, naming the column.
        reason: String,
    },
}

/// Rows of a table, whatever the file format: a header, then records of byte fields.
pub trait RecordSource {
    /// The source in messages (the file's path).
    fn name(&self) -> &str;
    /// The column names; called once, before any record.
    fn header(&mut self) -> Result<Vec<String>>;
    /// Reads the next record into `record`, or `None` at the end.
    fn next_record(&mut self, record: &mut csv::ByteRecord) -> Result<Option<Record>>;
}

/// Opens a file by its extension: `.parquet`/`.pq` (feature `parquet`), `.sav`/`.zsav`
/// (feature `sav`), anything else as CSV. Without the feature, the error says which
/// build reads the file.
pub fn open_source(path: impl AsRef<Path>) -> Result<Box<dyn RecordSource>> {
    let path = path.as_ref();
    if tables::is_csv(path) {
        Ok(Box::new(CsvSource::open(path)?))
    } else {
        Ok(Box::new(TableSource::new(tables::open_source(path)?)))
    }
}

/// A CSV file (or any reader of CSV text) as a [`RecordSource`].
pub struct CsvSource<R> {
    name: String,
    csv: csv::Reader<R>,
}

impl CsvSource<std::fs::File> {
    /// Opens a CSV file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
        Ok(CsvSource::new(file, path.display().to_string()))
    }
}

impl<R: Read> CsvSource<R> {
    /// CSV text from a reader, named `name` in messages.
    pub fn new(input: R, name: impl Into<String>) -> Self {
        CsvSource {
            name: name.into(),
            csv: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(1 << 20)
                .from_reader(input),
        }
    }

    fn io_error(&self, e: csv::Error) -> Error {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::io(&self.name, io),
            other => Error::io(&self.name, std::io::Error::other(format!("{other:?}"))),
        }
    }
}

impl<R: Read> RecordSource for CsvSource<R> {
    fn name(&self) -> &str {
        &self.name
    }

    fn header(&mut self) -> Result<Vec<String>> {
        let mut record = csv::ByteRecord::new();
        match self.csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => {
                return Err(header_error(
                    &self.name,
                    "the file is empty: expected a header row",
                ))
            }
            Err(e) => return Err(self.io_error(e)),
        }
        record
            .iter()
            .enumerate()
            .map(|(k, raw)| {
                let raw = if k == 0 {
                    raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
                } else {
                    raw
                };
                std::str::from_utf8(raw)
                    .map(|s| s.trim().to_string())
                    .map_err(|_| {
                        header_error(
                            &self.name,
                            &format!("column {} name is not valid UTF-8", k + 1),
                        )
                    })
            })
            .collect()
    }

    fn next_record(&mut self, record: &mut csv::ByteRecord) -> Result<Option<Record>> {
        match self.csv.read_byte_record(record) {
            Ok(true) => Ok(Some(Record::Row(record.position().map_or(0, |p| p.line())))),
            Ok(false) => Ok(None),
            Err(e) => Err(self.io_error(e)),
        }
    }
}

/// A table of [`crate::records`] (Parquet, `.sav`, CSV) as a [`RecordSource`].
pub struct TableSource {
    inner: Box<dyn tables::RecordSource>,
    row: tables::Row,
}

impl TableSource {
    /// Wraps an open table.
    pub fn new(inner: Box<dyn tables::RecordSource>) -> TableSource {
        TableSource {
            inner,
            row: tables::Row::default(),
        }
    }
}

impl RecordSource for TableSource {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn header(&mut self) -> Result<Vec<String>> {
        Ok(self.inner.header().to_vec())
    }

    fn next_record(&mut self, record: &mut csv::ByteRecord) -> Result<Option<Record>> {
        Ok(match self.inner.next_row(&mut self.row)? {
            tables::Next::End => None,
            tables::Next::Bad { line, reason } => Some(Record::Bad { line, reason }),
            tables::Next::Row => {
                record.clear();
                for field in &self.row.fields {
                    record.push_field(field.as_bytes());
                }
                Some(Record::Row(self.row.line))
            }
        })
    }
}
