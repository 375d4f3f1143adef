//! Parquet tables (feature `parquet`) through the `parquet` crate's record API (no
//! Arrow); each cell becomes text as a CSV copy would hold it (whole numbers without
//! decimals, dates as `YYYYMMDD`, nulls as empty).

use std::fs::File;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::Field;

use super::{Next, RecordSource, Row};
use crate::calendar::Date;
use crate::error::{Error, Result};

/// A Parquet table, read a row at a time.
pub struct ParquetSource {
    name: String,
    header: Vec<String>,
    rows: RowIter<'static>,
    record: u64,
}

fn parquet_error(name: &str, e: impl std::fmt::Display) -> Error {
    Error::io(
        name,
        std::io::Error::other(format!("cannot read the Parquet file: {e}")),
    )
}

impl ParquetSource {
    pub fn open(path: &Path) -> Result<ParquetSource> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| Error::io(&name, e))?;
        let reader = SerializedFileReader::new(file).map_err(|e| parquet_error(&name, e))?;
        let header = reader
            .metadata()
            .file_metadata()
            .schema()
            .get_fields()
            .iter()
            .map(|f| f.name().to_string())
            .collect();
        Ok(ParquetSource {
            name,
            header,
            rows: reader.into_iter(),
            record: 0,
        })
    }
}

fn cell(field: &Field, out: &mut String) -> std::result::Result<(), String> {
    use std::fmt::Write;
    out.clear();
    let whole = |v: f64, out: &mut String| {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            let _ = write!(out, "{}", v as i64);
        } else {
            let _ = write!(out, "{v}");
        }
    };
    match field {
        Field::Null => {}
        Field::Str(s) => out.push_str(s),
        Field::Bool(b) => out.push(if *b { '1' } else { '0' }),
        Field::Byte(v) => {
            let _ = write!(out, "{v}");
        }
        Field::Short(v) => {
            let _ = write!(out, "{v}");
        }
        Field::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Field::Long(v) => {
            let _ = write!(out, "{v}");
        }
        Field::UByte(v) => {
            let _ = write!(out, "{v}");
        }
        Field::UShort(v) => {
            let _ = write!(out, "{v}");
        }
        Field::UInt(v) => {
            let _ = write!(out, "{v}");
        }
        Field::ULong(v) => {
            let _ = write!(out, "{v}");
        }
        Field::Float(v) => whole(f64::from(*v), out),
        Field::Double(v) => whole(*v, out),
        Field::Date(d) => {
            let _ = write!(out, "{}", Date(*d).yyyymmdd());
        }
        Field::TimestampMillis(ms) => {
            let _ = write!(out, "{}", Date(ms.div_euclid(86_400_000) as i32).yyyymmdd());
        }
        Field::TimestampMicros(us) => {
            let _ = write!(
                out,
                "{}",
                Date(us.div_euclid(86_400_000_000) as i32).yyyymmdd()
            );
        }
        other => return Err(format!("a cell {other} cannot be read as text")),
    }
    Ok(())
}

impl RecordSource for ParquetSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn header(&self) -> &[String] {
        &self.header
    }
    fn next_row(&mut self, row: &mut Row) -> Result<Next> {
        let Some(next) = self.rows.next() else {
            return Ok(Next::End);
        };
        let record = next.map_err(|e| parquet_error(&self.name, e))?;
        self.record += 1;
        row.line = self.record + 1;
        row.fields.clear();
        let mut text = String::new();
        for (name, field) in record.get_column_iter() {
            if let Err(reason) = cell(field, &mut text) {
                return Ok(Next::Bad {
                    line: row.line,
                    reason: format!("column {name}: {reason}"),
                });
            }
            row.fields.push_field(&text);
        }
        Ok(Next::Row)
    }
}
