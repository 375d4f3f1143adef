//! One table type for every output for people: a title, column headers, rows of cells
//! already formatted, and notes. Rendered as aligned plain text.

use std::fmt;

use serde::Serialize;

/// A formatted table.
///
/// ```
/// use banenafspraak::report::Table;
/// let t = Table::new("Example", ["group", "persons"]).with_row(["all", "4,000"]);
/// assert!(t.to_string().contains("\nall      4,000\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

impl Table {
    pub fn new<S: Into<String>>(
        title: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Table {
        Table {
            title: title.into(),
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn with_row<S: Into<String>>(mut self, cells: impl IntoIterator<Item = S>) -> Table {
        self.push_row(cells);
        self
    }

    pub fn push_row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Table {
        self.notes.push(note.into());
        self
    }
}

impl fmt::Display for Table {
    /// The first column left-aligned, the others right-aligned, two spaces apart.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self
            .columns
            .len()
            .max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let mut width = vec![0usize; n];
        for row in std::iter::once(&self.columns).chain(&self.rows) {
            for (k, cell) in row.iter().enumerate() {
                width[k] = width[k].max(cell.chars().count());
            }
        }
        writeln!(f, "{}", self.title)?;
        let line = |f: &mut fmt::Formatter<'_>, row: &[String]| -> fmt::Result {
            let mut s = String::new();
            for (k, cell) in row.iter().enumerate() {
                let pad = width[k] - cell.chars().count();
                if k == 0 {
                    s.push_str(cell);
                    s.push_str(&" ".repeat(pad));
                } else {
                    s.push_str("  ");
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                }
            }
            writeln!(f, "{}", s.trim_end())
        };
        line(f, &self.columns)?;
        writeln!(
            f,
            "{}",
            "-".repeat(width.iter().sum::<usize>() + 2 * n.saturating_sub(1))
        )?;
        for row in &self.rows {
            line(f, row)?;
        }
        for note in &self.notes {
            writeln!(f, "{note}")?;
        }
        Ok(())
    }
}
