//! Column renames for the source tables (`--mapping FILE`) and finding each wanted column
//! in a table's header after them.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::records::{open_source, Next, RecordSource, Row};

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
pub(crate) fn resolve_columns(
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
