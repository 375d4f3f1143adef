//! SPSS `.sav`/`.zsav` tables (feature `sav`) through ambers, a pure-Rust reader that
//! yields Arrow batches; each cell becomes text as a CSV copy would hold it (whole
//! numbers without decimals, SPSS dates as `YYYYMMDD`, system-missing as empty).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};

use super::{Next, RecordSource, Row};
use crate::calendar::Date;
use crate::error::{Error, Result};

/// A `.sav` table, read a batch at a time.
pub struct SavSource {
    name: String,
    header: Vec<String>,
    scanner: ambers::Scanner<BufReader<File>>,
    batch: Option<RecordBatch>,
    next_in_batch: usize,
    record: u64,
}

fn sav_error(name: &str, e: impl std::fmt::Display) -> Error {
    Error::io(
        name,
        std::io::Error::other(format!("cannot read the SPSS file: {e}")),
    )
}

impl SavSource {
    pub fn open(path: &Path) -> Result<SavSource> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| Error::io(&name, e))?;
        let scanner = ambers::scan_sav_from_reader(BufReader::with_capacity(1 << 20, file), 65_536)
            .map_err(|e| sav_error(&name, e))?;
        let header = scanner.metadata().variable_names.clone();
        Ok(SavSource {
            name,
            header,
            scanner,
            batch: None,
            next_in_batch: 0,
            record: 0,
        })
    }
}

/// Cell `i` of `column` as text.
pub(crate) fn arrow_cell(
    column: &ArrayRef,
    i: usize,
    out: &mut String,
) -> std::result::Result<(), String> {
    use std::fmt::Write;
    out.clear();
    if column.is_null(i) {
        return Ok(());
    }
    match column.data_type() {
        DataType::Float64 => {
            let v = column.as_primitive::<Float64Type>().value(i);
            if v.fract() == 0.0 && v.abs() < 1e15 {
                let _ = write!(out, "{}", v as i64);
            } else {
                let _ = write!(out, "{v}");
            }
        }
        DataType::Utf8View => out.push_str(column.as_string_view().value(i)),
        DataType::Utf8 => out.push_str(column.as_string::<i32>().value(i)),
        DataType::Date32 => {
            let _ = write!(
                out,
                "{}",
                Date(column.as_primitive::<Date32Type>().value(i)).yyyymmdd()
            );
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            let us = column.as_primitive::<TimestampMicrosecondType>().value(i);
            let _ = write!(
                out,
                "{}",
                Date(us.div_euclid(86_400_000_000) as i32).yyyymmdd()
            );
        }
        other => return Err(format!("a column of type {other} cannot be read as text")),
    }
    Ok(())
}

impl RecordSource for SavSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn header(&self) -> &[String] {
        &self.header
    }
    fn next_row(&mut self, row: &mut Row) -> Result<Next> {
        while self
            .batch
            .as_ref()
            .is_none_or(|b| self.next_in_batch >= b.num_rows())
        {
            match self
                .scanner
                .next_batch()
                .map_err(|e| sav_error(&self.name, e))?
            {
                Some(b) => {
                    self.batch = Some(b);
                    self.next_in_batch = 0;
                }
                None => return Ok(Next::End),
            }
        }
        let Some(batch) = &self.batch else {
            return Ok(Next::End);
        };
        let i = self.next_in_batch;
        self.next_in_batch += 1;
        self.record += 1;
        row.line = self.record + 1;
        row.fields.clear();
        let mut cell = String::new();
        for (column, name) in batch.columns().iter().zip(&self.header) {
            if let Err(reason) = arrow_cell(column, i, &mut cell) {
                return Ok(Next::Bad {
                    line: row.line,
                    reason: format!("column {name}: {reason}"),
                });
            }
            // SPSS pads strings to the variable's width.
            row.fields.push_field(cell.trim_end_matches(' '));
        }
        Ok(Next::Row)
    }
}
