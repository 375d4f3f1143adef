//! Record sources, the lowest stage: a table as a header and rows of text fields, each row
//! with its line, whatever the file format (CSV always; SPSS `.sav` and Parquet behind the
//! `sav` and `parquet` features). `prepare` (the source tables), `schema` (a Parquet or
//! `.sav` person file) and `monitor` (the panel) read through these sources, so none of
//! them sees a format; this module knows nothing of persons or of any table's columns.
//!
//! Lines: in CSV the line where the row starts (the header is line 1); in `.sav` and
//! Parquet, the record number + 1, which is the line of the same row in a CSV copy with a
//! header.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

#[cfg(feature = "parquet")]
mod parquet;
#[cfg(feature = "sav")]
mod sav;

/// One row: its line and its fields as text (numbers as written, without a decimal
/// part when whole; dates as `YYYYMMDD`).
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Line in the file (1-based, the header is line 1).
    pub line: u64,
    /// The row's fields.
    pub fields: csv::StringRecord,
}

impl Row {
    /// Field `i`, trimmed of surrounding blanks (SPSS pads strings), `""` when absent.
    pub fn get(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", str::trim)
    }
}

/// What [`RecordSource::next_row`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// `row` holds the next row.
    Row,
    /// A row that could not be decoded (the reason says why); reading goes on.
    Bad {
        /// Line of the row in the file.
        line: u64,
        /// Why it could not be decoded.
        reason: String,
    },
    /// No more rows.
    End,
}

/// A table: a header and rows of text fields.
pub trait RecordSource: Send {
    /// The file (for messages).
    fn name(&self) -> &str;
    /// The column names as in the file.
    fn header(&self) -> &[String];
    /// Reads the next row into `row`.
    fn next_row(&mut self, row: &mut Row) -> Result<Next>;
    /// Bytes read so far and in total, when known (for progress).
    fn progress(&self) -> Option<(u64, u64)> {
        None
    }
}

/// Opens a table by its file extension: `.sav`/`.zsav` (feature `sav`), `.parquet`/`.pq`
/// (feature `parquet`), anything else as CSV.
pub fn open_source(path: &Path) -> Result<Box<dyn RecordSource>> {
    match extension(path).as_str() {
        "sav" | "zsav" => open_sav(path),
        "parquet" | "pq" => open_parquet(path),
        _ => Ok(Box::new(CsvSource::open(path)?)),
    }
}

/// Whether [`open_source`] reads `path` as CSV: any extension but `.sav`, `.zsav`,
/// `.parquet` and `.pq` (readers with a faster CSV path of their own ask this).
pub fn is_csv(path: &Path) -> bool {
    !matches!(extension(path).as_str(), "sav" | "zsav" | "parquet" | "pq")
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

#[cfg(feature = "sav")]
fn open_sav(path: &Path) -> Result<Box<dyn RecordSource>> {
    Ok(Box::new(sav::SavSource::open(path)?))
}

#[cfg(not(feature = "sav"))]
fn open_sav(path: &Path) -> Result<Box<dyn RecordSource>> {
    Err(missing_feature(path, "sav"))
}

#[cfg(feature = "parquet")]
fn open_parquet(path: &Path) -> Result<Box<dyn RecordSource>> {
    Ok(Box::new(parquet::ParquetSource::open(path)?))
}

#[cfg(not(feature = "parquet"))]
fn open_parquet(path: &Path) -> Result<Box<dyn RecordSource>> {
    Err(missing_feature(path, "parquet"))
}

#[allow(dead_code)] // unused when both format features are on
fn missing_feature(path: &Path, feature: &str) -> Error {
    Error::InvalidParameter {
        name: "input",
        value: path.display().to_string(),
        reason: format!(
            "this banenafspraak was built without the `{feature}` feature (cargo build --release --features {feature}); \
             use the CSV copy of the table or a build with the feature"
        ),
    }
}

/// A CSV table: comma or, when the header has semicolons and no commas, semicolon
/// separated; UTF-8, a byte-order mark tolerated.
pub struct CsvSource {
    name: String,
    header: Vec<String>,
    reader: csv::Reader<ProgressReader<Box<dyn std::io::Read + Send>>>,
    total: u64,
}

struct ProgressReader<R> {
    inner: R,
    done: u64,
}

impl<R: std::io::Read> std::io::Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        Ok(n)
    }
}

impl CsvSource {
    /// Opens a CSV file and reads its header.
    pub fn open(path: &Path) -> Result<CsvSource> {
        let name = path.display().to_string();
        let io = |e| Error::io(&name, e);
        let delimiter = sniff_delimiter(path).map_err(io)?;
        let file = std::fs::File::open(path).map_err(io)?;
        let total = file.metadata().map(|m| m.len()).unwrap_or(0);
        CsvSource::from_reader(name, Box::new(file), delimiter, total)
    }

    /// A CSV table held in memory (e.g. the shipped education code map).
    pub fn from_text(name: &str, text: &'static str) -> Result<CsvSource> {
        let first = text.lines().next().unwrap_or("");
        let delimiter = if first.contains(';') && !first.contains(',') {
            b';'
        } else {
            b','
        };
        CsvSource::from_reader(
            name.to_string(),
            Box::new(text.as_bytes()),
            delimiter,
            text.len() as u64,
        )
    }

    fn from_reader(
        name: String,
        inner: Box<dyn std::io::Read + Send>,
        delimiter: u8,
        total: u64,
    ) -> Result<CsvSource> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(ProgressReader { inner, done: 0 });
        let header = reader
            .headers()
            .map_err(|e| Error::Header {
                file: name.clone(),
                message: format!("cannot read the header: {e}"),
            })?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        Ok(CsvSource {
            name,
            header,
            reader,
            total,
        })
    }
}

fn sniff_delimiter(path: &Path) -> std::io::Result<u8> {
    use std::io::BufRead;
    let mut first = Vec::new();
    std::io::BufReader::new(std::fs::File::open(path)?).read_until(b'\n', &mut first)?;
    Ok(if first.contains(&b';') && !first.contains(&b',') {
        b';'
    } else {
        b','
    })
}

impl RecordSource for CsvSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn header(&self) -> &[String] {
        &self.header
    }
    fn next_row(&mut self, row: &mut Row) -> Result<Next> {
        match self.reader.read_record(&mut row.fields) {
            Ok(true) => {
                row.line = row.fields.position().map_or(0, |p| p.line());
                Ok(Next::Row)
            }
            Ok(false) => Ok(Next::End),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                match e.into_kind() {
                    csv::ErrorKind::Io(io) => Err(Error::io(&self.name, io)),
                    csv::ErrorKind::Utf8 { .. } => Ok(Next::Bad {
                        line,
                        reason: "the row is not valid UTF-8".into(),
                    }),
                    other => Ok(Next::Bad {
                        line,
                        reason: format!("unreadable CSV row: {other:?}"),
                    }),
                }
            }
        }
    }
    fn progress(&self) -> Option<(u64, u64)> {
        Some((self.reader.get_ref().done, self.total))
    }
}

/// Refuses to write `output` over one of `inputs` (same file after resolving links).
pub fn check_not_an_input(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let out = canon(output);
    for input in inputs {
        if input == output || (out.is_some() && canon(input) == out) {
            return Err(Error::InvalidParameter {
                name: "output",
                value: output.display().to_string(),
                reason: format!(
                    "is the input {}; an input file is never overwritten",
                    input.display()
                ),
            });
        }
    }
    Ok(())
}
