//! Parquet copies of the source tables (feature `parquet`), as CBS's Parquet exports hold
//! them: keys, dates and codes as text, flags, years and percentages as 64-bit integers
//! (the columns of [`NUMERIC`] and SECMBUS's flags), empty cells as nulls, Snappy pages. Written from the CSV
//! tables, so both copies hold the same rows in the same order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::source_tables::SourceTableFiles;
use crate::error::{Error, Result};
use crate::prepare::SECM_FLAGS;
use crate::records::{CsvSource, Next, RecordSource, Row};

/// The columns written as integers besides SECMBUS's flags ([`SECM_FLAGS`]); every other
/// column is text.
pub const NUMERIC: &[&str] = &[
    "GBAGESLACHT",
    "GBAGEBOORTEJAAR",
    "GBAGENERATIE",
    "SCHOOLJAAR",
    "VSO",
    "AOPERC",
];

/// Whether a column is written as 64-bit integers.
fn is_numeric(column: &str) -> bool {
    NUMERIC.contains(&column) || SECM_FLAGS.contains(&column)
}

/// Rows per row group: a few MB per column, as pyarrow writes.
const GROUP: usize = 1 << 20;

/// A column's values of one row group; `defined` is 1 for a value, 0 for a null.
enum Values {
    Text(Vec<ByteArray>, Vec<i16>),
    Int(Vec<i64>, Vec<i16>),
}

/// Writes `TABLE.parquet` beside each CSV table of `files` and returns their paths.
pub fn write_parquet_tables(files: &SourceTableFiles) -> Result<SourceTableFiles> {
    let copy = |p: &PathBuf| -> Result<PathBuf> {
        let out = p.with_extension("parquet");
        csv_to_parquet(p, &out)?;
        Ok(out)
    };
    Ok(SourceTableFiles {
        persons: copy(&files.persons)?,
        countries: copy(&files.countries)?,
        secm: copy(&files.secm)?,
        education: copy(&files.education)?,
        wia: copy(&files.wia)?,
        register: copy(&files.register)?,
        jobseekers: copy(&files.jobseekers)?,
        vso: copy(&files.vso)?,
    })
}

/// Copies one CSV table (written by the generator, so every row is whole) to Parquet.
fn csv_to_parquet(csv: &Path, out: &Path) -> Result<()> {
    let mut src = CsvSource::open(csv)?;
    let header = src.header().to_vec();
    let numeric: Vec<bool> = header.iter().map(|h| is_numeric(h)).collect();
    let fields: Vec<String> = header
        .iter()
        .zip(&numeric)
        .map(|(h, &n)| {
            if n {
                format!("optional int64 {h};")
            } else {
                format!("optional binary {h} (UTF8);")
            }
        })
        .collect();
    let name = out.display().to_string();
    let pq = |e: parquet::errors::ParquetError| Error::io(&name, std::io::Error::other(e));
    let schema = Arc::new(
        parse_message_type(&format!("message table {{ {} }}", fields.join(" "))).map_err(pq)?,
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let file = std::fs::File::create(out).map_err(|e| Error::io(&name, e))?;
    let mut writer = SerializedFileWriter::new(file, schema, props).map_err(pq)?;
    let empty = || -> Vec<Values> {
        numeric
            .iter()
            .map(|&n| {
                if n {
                    Values::Int(Vec::new(), Vec::new())
                } else {
                    Values::Text(Vec::new(), Vec::new())
                }
            })
            .collect()
    };
    let mut columns = empty();
    let mut rows = 0;
    let mut row = Row::default();
    loop {
        let end = match src.next_row(&mut row)? {
            Next::End => true,
            Next::Bad { line, reason } => {
                return Err(Error::io(
                    csv.display(),
                    std::io::Error::other(format!("line {line}: {reason}")),
                ))
            }
            Next::Row => {
                push_row(&mut columns, &row, csv)?;
                rows += 1;
                false
            }
        };
        if rows > 0 && (end || rows == GROUP) {
            let mut group = writer.next_row_group().map_err(pq)?;
            for values in std::mem::replace(&mut columns, empty()) {
                let mut col = group.next_column().map_err(pq)?.ok_or_else(|| {
                    Error::io(
                        &name,
                        std::io::Error::other("fewer columns than the schema"),
                    )
                })?;
                match &values {
                    Values::Text(v, d) => {
                        col.typed::<ByteArrayType>().write_batch(v, Some(d), None)
                    }
                    Values::Int(v, d) => col.typed::<Int64Type>().write_batch(v, Some(d), None),
                }
                .map_err(pq)?;
                col.close().map_err(pq)?;
            }
            group.close().map_err(pq)?;
            rows = 0;
        }
        if end {
            break;
        }
    }
    writer.close().map_err(pq)?;
    Ok(())
}

fn push_row(columns: &mut [Values], row: &Row, csv: &Path) -> Result<()> {
    for (k, values) in columns.iter_mut().enumerate() {
        let cell = row.get(k);
        match values {
            Values::Text(v, d) => {
                d.push(i16::from(!cell.is_empty()));
                if !cell.is_empty() {
                    v.push(ByteArray::from(cell));
                }
            }
            Values::Int(v, d) => {
                d.push(i16::from(!cell.is_empty()));
                if !cell.is_empty() {
                    let n = cell.parse().map_err(|_| {
                        Error::io(
                            csv.display(),
                            std::io::Error::other(format!(
                                "line {}: {cell:?} is not a whole number",
                                row.line
                            )),
                        )
                    })?;
                    v.push(n);
                }
            }
        }
    }
    Ok(())
}
