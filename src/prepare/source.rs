//! Record sources: a table as a header and rows of text fields, each row with its line,
//! whatever the file format (CSV always; SPSS `.sav` and Parquet behind the `sav` and
//! `parquet` features). Derivations never see the format, and a reader of another table
//! (the person file, for instance) can reuse these sources.
//!
//! Lines: in CSV the line where the row starts (the header is line 1); in `.sav` and
//! Parquet, the record number + 1, which is the line of the same row in a CSV copy with a
//! header.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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
    Ok(Box::new(super::sav::SavSource::open(path)?))
}

#[cfg(not(feature = "sav"))]
fn open_sav(path: &Path) -> Result<Box<dyn RecordSource>> {
    Err(missing_feature(path, "sav"))
}

#[cfg(feature = "parquet")]
fn open_parquet(path: &Path) -> Result<Box<dyn RecordSource>> {
    Ok(Box::new(super::parquet::ParquetSource::open(path)?))
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

/// Column renames (`--mapping FILE`): a CSV with the header `table,column,name`; `table`
/// is a table's default name (e.g. `SECMBUS`) or empty for every table, `column` the
/// default column name, `name` the name in your file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    renames: Vec<(String, String, String)>,
    /// The file read, if any (an input: never written over).
    file: Option<PathBuf>,
}

impl ColumnMapping {
    /// No renames.
    pub fn none() -> ColumnMapping {
        ColumnMapping::default()
    }

    /// Adds a rename (`table` empty: every table).
    pub fn rename(mut self, table: &str, column: &str, name: &str) -> ColumnMapping {
        self.renames.push((
            table.to_ascii_uppercase(),
            column.to_ascii_uppercase(),
            name.to_string(),
        ));
        self
    }

    /// Reads a mapping file.
    pub fn read(path: &Path) -> Result<ColumnMapping> {
        let mut src = open_source(path)?;
        let want = ["table", "column", "name"];
        let idx: Vec<usize> = want
            .iter()
            .map(|w| {
                src.header()
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case(w))
                    .ok_or_else(|| Error::Header {
                        file: src.name().to_string(),
                        message: format!(
                            "a mapping file needs the columns table,column,name; `{w}` is missing"
                        ),
                    })
            })
            .collect::<Result<_>>()?;
        let mut map = ColumnMapping {
            file: Some(path.to_path_buf()),
            ..ColumnMapping::none()
        };
        let mut row = Row::default();
        loop {
            match src.next_row(&mut row)? {
                Next::End => return Ok(map),
                Next::Bad { line, reason } => {
                    return Err(Error::bad_row(src.name(), line, reason));
                }
                Next::Row => {
                    let (t, c, n) = (row.get(idx[0]), row.get(idx[1]), row.get(idx[2]));
                    if c.is_empty() || n.is_empty() {
                        return Err(Error::bad_row(
                            src.name(),
                            row.line,
                            "column and name must not be empty".into(),
                        ));
                    }
                    map = map.rename(t, c, n);
                }
            }
        }
    }

    /// The mapping file read, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The name of `column` of `table` in the file: the last matching rename, a rename
    /// for this table before one for every table.
    pub fn name_of<'a>(&'a self, table: &str, column: &'a str) -> &'a str {
        let find = |t: &str| {
            self.renames
                .iter()
                .rev()
                .find(|(rt, rc, _)| rt == t && rc.eq_ignore_ascii_case(column))
                .map(|(_, _, n)| n.as_str())
        };
        find(&table.to_ascii_uppercase())
            .or_else(|| find(""))
            .unwrap_or(column)
    }
}

/// The position of each wanted column in a source's header (case-insensitive, after the
/// mapping); an error names the file, the missing columns and the header found.
pub fn resolve_columns(
    src: &dyn RecordSource,
    table: &str,
    wanted: &[&str],
    mapping: &ColumnMapping,
) -> Result<Vec<usize>> {
    let mut missing = Vec::new();
    let idx: Vec<usize> = wanted
        .iter()
        .map(|w| {
            let name = mapping.name_of(table, w);
            src.header()
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .unwrap_or_else(|| {
                    missing.push(if name == *w {
                        name.to_string()
                    } else {
                        format!("{name} (for {w})")
                    });
                    usize::MAX
                })
        })
        .collect();
    if missing.is_empty() {
        Ok(idx)
    } else {
        Err(Error::Header {
            file: src.name().to_string(),
            message: format!(
                "the {table} table lacks the column(s) {}; the header has {}. Rename with --mapping FILE (table,column,name)",
                missing.join(", "),
                src.header().join(",")
            ),
        })
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
