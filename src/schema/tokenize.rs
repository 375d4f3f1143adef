//! The reader's CSV tokenizer: splits a span of bytes into records and cells without
//! allocating per record, and decides what a quote that runs past its line may do.
//! It knows the header's width and which columns are free text, nothing of the rules.
//!
//! Dialect: comma separator; a record ends at `\n` or `\r\n`; blank lines are skipped; a
//! field that starts with `"` is quoted (`""` inside is one quote); a quote inside an
//! unquoted field is an ordinary byte. A quoted field may span lines only in an extra
//! (free-text) column, and only when it cannot have swallowed rows (see [`Fault`]).

use memchr::{memchr, memchr2};

/// Where a cell's bytes are: in the input, or unescaped in the tokenizer's scratch.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cell {
    start: usize,
    end: usize,
    unescaped: bool,
}

/// What a record's quoting did that the reader refuses. Each one resynchronises the
/// tokenizer at the end of the line where the quote opened, so that the lines after it
/// are read as rows again and every line is accounted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FaultKind {
    /// A quoted field in a schema column (or past the header's width) runs past its line.
    SpansLines,
    /// A quoted field in a free-text column runs over lines and holds as many commas as a
    /// whole row: record count and physical lines no longer reconcile, rows were swallowed.
    Swallows,
    /// A quote never closed before the end of the input.
    Unclosed,
    /// Text between a closing quote and the next comma or line end.
    TextAfterQuote,
    /// A record over several lines (through a quoted field) whose field count is not the
    /// header's: the quote most likely opened or closed in the wrong place.
    FieldCount,
}

/// A refused record: what went wrong, on which line (relative to the span's first line)
/// the quote opened, in which field (0-based) and, for [`FaultKind::FieldCount`], how many
/// fields the record had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fault {
    pub kind: FaultKind,
    pub line: u64,
    pub field: usize,
    pub fields: usize,
}

/// One step of the tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// A record starting on `line` (relative); its cells are in [`Tokenizer::cell`].
    Record { line: u64, fault: Option<Fault> },
    /// The span ends here, or the next record does not end inside it.
    NeedMore,
    /// The input is exhausted.
    End,
}

/// Which fields may hold quoted line breaks, and how many commas a whole row has.
#[derive(Debug, Clone)]
pub(super) struct Shape {
    /// `free_text[k]`: field `k` is an extra column.
    pub free_text: Vec<bool>,
    /// The header's width minus one; `usize::MAX` while reading the header itself.
    pub row_commas: usize,
}

impl Shape {
    /// The header's shape: no field may span lines.
    pub fn header() -> Shape {
        Shape {
            free_text: Vec::new(),
            row_commas: usize::MAX,
        }
    }
}

/// Splits `buf[pos..end]` into records.
pub(super) struct Tokenizer<'b, 's> {
    buf: &'b [u8],
    pos: usize,
    end: usize,
    /// `end` is the end of the input: an unfinished record there is complete.
    eof: bool,
    /// Line of `pos`, counted from 0 at the span's start.
    line: u64,
    shape: &'s Shape,
    cells: Vec<Cell>,
    scratch: Vec<u8>,
}

/// The state of one quoted field while it is scanned.
struct Quoted {
    open_line: u64,
    first_newline: Option<usize>,
    commas: usize,
}

impl<'b, 's> Tokenizer<'b, 's> {
    pub fn new(buf: &'b [u8], pos: usize, end: usize, eof: bool, shape: &'s Shape) -> Self {
        Tokenizer {
            buf,
            pos,
            end,
            eof,
            line: 0,
            shape,
            cells: Vec::with_capacity(64),
            scratch: Vec::new(),
        }
    }

    /// Byte position of the next record (everything before it is consumed).
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Lines consumed so far.
    pub fn lines(&self) -> u64 {
        self.line
    }

    /// Number of cells of the last record.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Cell `k` of the last record (empty past its end).
    pub fn cell(&self, k: usize) -> &[u8] {
        match self.cells.get(k) {
            Some(c) if c.unescaped => &self.scratch[c.start..c.end],
            Some(c) => &self.buf[c.start..c.end],
            None => &[],
        }
    }

    /// The next record, skipping blank lines.
    pub fn next_record(&mut self) -> Step {
        loop {
            if self.pos >= self.end {
                return if self.eof { Step::End } else { Step::NeedMore };
            }
            let rest = &self.buf[self.pos..self.end];
            let (line_len, next) = match memchr(b'\n', rest) {
                Some(nl) => (nl, self.pos + nl + 1),
                None if self.eof => (rest.len(), self.end),
                None => return Step::NeedMore,
            };
            let line = &rest[..line_len];
            let content = line.strip_suffix(b"\r").unwrap_or(line);
            if content.is_empty() {
                self.pos = next;
                self.line += u64::from(line_len < rest.len());
                continue;
            }
            if memchr(b'"', content).is_none() {
                self.split_plain(self.pos, content.len());
                let line = self.line;
                self.pos = next;
                self.line += u64::from(line_len < rest.len());
                return Step::Record { line, fault: None };
            }
            return self.quoted_record();
        }
    }

    /// The fast path: a line without quotes, split at commas.
    fn split_plain(&mut self, start: usize, len: usize) {
        self.cells.clear();
        self.scratch.clear();
        let mut from = start;
        let line = &self.buf[start..start + len];
        let mut comma = |i: usize, cells: &mut Vec<Cell>| {
            cells.push(Cell {
                start: from,
                end: start + i,
                unescaped: false,
            });
            from = start + i + 1;
        };
        // Eight bytes at a time: a high bit marks each comma (exact, no false hits).
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        let mut words = line.chunks_exact(8);
        for (w, chunk) in (&mut words).enumerate() {
            let x =
                u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ 0x2c2c_2c2c_2c2c_2c2c;
            let mut zero = !(((x & LOW7) + LOW7) | x | LOW7);
            while zero != 0 {
                comma(w * 8 + zero.trailing_zeros() as usize / 8, &mut self.cells);
                zero &= zero - 1;
            }
        }
        let tail = line.len() - words.remainder().len();
        for (i, &b) in words.remainder().iter().enumerate() {
            if b == b',' {
                comma(tail + i, &mut self.cells);
            }
        }
        self.cells.push(Cell {
            start: from,
            end: start + len,
            unescaped: false,
        });
    }

    /// The general path, byte by byte, for a record with a quote on its first line.
    fn quoted_record(&mut self) -> Step {
        self.cells.clear();
        self.scratch.clear();
        let (start, start_line) = (self.pos, self.line);
        let mut i = start;
        let mut first_multi: Option<(u64, usize)> = None;
        let mut fault: Option<Fault> = None;
        loop {
            let field = self.cells.len();
            if i < self.end && self.buf[i] == b'"' {
                match self.quoted_field(i + 1, field) {
                    Ok((after, q)) => {
                        let junk =
                            after < self.end && !matches!(self.buf[after], b',' | b'\n' | b'\r');
                        match q.first_newline {
                            // The quote closed in the wrong place: the line breaks it
                            // covered were most likely rows.
                            Some(nl) if junk => {
                                self.resync(q.open_line, nl);
                                return Step::Record {
                                    line: start_line,
                                    fault: Some(self.fault(FaultKind::TextAfterQuote, &q, field)),
                                };
                            }
                            Some(nl) if first_multi.is_none() => {
                                first_multi = Some((q.open_line, nl));
                            }
                            _ => {}
                        }
                        i = after;
                    }
                    Err(QuoteEnd::NeedMore) => return self.rewind(start, start_line),
                    Err(QuoteEnd::Fault(f, resume)) => {
                        self.pos = resume;
                        return Step::Record {
                            line: start_line,
                            fault: Some(f),
                        };
                    }
                }
                if i < self.end && !matches!(self.buf[i], b',' | b'\n' | b'\r') {
                    fault.get_or_insert(Fault {
                        kind: FaultKind::TextAfterQuote,
                        line: self.line,
                        field,
                        fields: 0,
                    });
                }
            }
            // An unquoted field, or what follows a closing quote, up to its delimiter.
            let (stop, last) = match memchr2(b',', b'\n', &self.buf[i..self.end]) {
                Some(k) => (i + k, self.buf[i + k] == b'\n'),
                None if self.eof => (self.end, true),
                None => return self.rewind(start, start_line),
            };
            if self.cells.len() == field {
                let end = if last && stop > i && self.buf[stop - 1] == b'\r' {
                    stop - 1
                } else {
                    stop
                };
                self.cells.push(Cell {
                    start: i,
                    end,
                    unescaped: false,
                });
            }
            i = stop + 1;
            if last {
                break;
            }
        }
        self.pos = i.min(self.end);
        if i <= self.end {
            self.line += 1;
        }
        if let Some((open_line, nl)) = first_multi {
            if self.cells.len() != self.shape.row_commas.wrapping_add(1) {
                self.resync(open_line, nl);
                return Step::Record {
                    line: start_line,
                    fault: Some(Fault {
                        kind: FaultKind::FieldCount,
                        line: open_line,
                        field: 0,
                        fields: self.cells.len(),
                    }),
                };
            }
        }
        Step::Record {
            line: start_line,
            fault,
        }
    }

    /// Restores the state at a record's start when the record does not end in the span.
    fn rewind(&mut self, start: usize, start_line: u64) -> Step {
        self.pos = start;
        self.line = start_line;
        Step::NeedMore
    }

    /// Continues after the line break at `newline`, on the line after `open_line`.
    fn resync(&mut self, open_line: u64, newline: usize) {
        self.pos = newline + 1;
        self.line = open_line + 1;
    }

    /// Scans a quoted field whose content starts at `from`; pushes its cell and returns
    /// the position after the closing quote.
    fn quoted_field(&mut self, from: usize, field: usize) -> Result<(usize, Quoted), QuoteEnd> {
        let mut q = Quoted {
            open_line: self.line,
            first_newline: None,
            commas: 0,
        };
        let multi_ok = self.shape.free_text.get(field).copied().unwrap_or(false);
        let scratch_start = self.scratch.len();
        let mut piece = from;
        let mut escaped = false;
        let mut i = from;
        loop {
            let Some(&b) = self.buf[..self.end].get(i) else {
                if !self.eof {
                    return Err(QuoteEnd::NeedMore);
                }
                let resume = q.first_newline.map_or(self.end, |nl| nl + 1);
                self.line = q.open_line + u64::from(q.first_newline.is_some());
                return Err(QuoteEnd::Fault(
                    self.fault(FaultKind::Unclosed, &q, field),
                    resume,
                ));
            };
            match b {
                b'"' if self.buf[..self.end].get(i + 1) == Some(&b'"') => {
                    self.scratch.extend_from_slice(&self.buf[piece..=i]);
                    escaped = true;
                    i += 2;
                    piece = i;
                }
                b'"' if i + 1 == self.end && !self.eof => return Err(QuoteEnd::NeedMore),
                b'"' => break,
                b'\n' => {
                    q.first_newline.get_or_insert(i);
                    self.line += 1;
                    if !multi_ok || q.commas >= self.shape.row_commas {
                        return Err(self.refuse(&q, multi_ok, field));
                    }
                    i += 1;
                }
                b',' => {
                    q.commas += 1;
                    if q.first_newline.is_some() && q.commas >= self.shape.row_commas {
                        return Err(self.refuse(&q, multi_ok, field));
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        let cell = if escaped {
            self.scratch.extend_from_slice(&self.buf[piece..i]);
            Cell {
                start: scratch_start,
                end: self.scratch.len(),
                unescaped: true,
            }
        } else {
            Cell {
                start: from,
                end: i,
                unescaped: false,
            }
        };
        self.cells.push(cell);
        Ok((i + 1, q))
    }

    fn refuse(&mut self, q: &Quoted, multi_ok: bool, field: usize) -> QuoteEnd {
        let kind = if multi_ok {
            FaultKind::Swallows
        } else {
            FaultKind::SpansLines
        };
        let nl = q.first_newline.unwrap_or(self.end);
        self.resync(q.open_line, nl);
        QuoteEnd::Fault(self.fault(kind, q, field), self.pos)
    }

    fn fault(&self, kind: FaultKind, q: &Quoted, field: usize) -> Fault {
        Fault {
            kind,
            line: q.open_line,
            field,
            fields: 0,
        }
    }
}

/// Why a quoted field did not end normally.
enum QuoteEnd {
    NeedMore,
    /// A refused record, and where to resume.
    Fault(Fault, usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `input` as cells, or the fault's kind and relative line.
    fn records(input: &[u8], shape: &Shape) -> Vec<Result<Vec<String>, (FaultKind, u64)>> {
        let mut tok = Tokenizer::new(input, 0, input.len(), true, shape);
        let mut out = Vec::new();
        while let Step::Record { fault, .. } = tok.next_record() {
            out.push(match fault {
                Some(f) => Err((f.kind, f.line)),
                None => Ok((0..tok.len())
                    .map(|k| String::from_utf8_lossy(tok.cell(k)).into_owned())
                    .collect()),
            });
        }
        out
    }

    /// Three fields, the last free text.
    fn shape() -> Shape {
        Shape {
            free_text: vec![false, false, true],
            row_commas: 2,
        }
    }

    fn ok(cells: &[&str]) -> Result<Vec<String>, (FaultKind, u64)> {
        Ok(cells.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn plain_quoted_crlf_and_blank_lines() {
        let got = records(b"a,b,c\r\n\n\"x,\"\"y\"\"\",2,\r\nlast,1,z", &shape());
        assert_eq!(
            got,
            [
                ok(&["a", "b", "c"]),
                ok(&["x,\"y\"", "2", ""]),
                ok(&["last", "1", "z"])
            ]
        );
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_a_byte() {
        assert_eq!(records(b"a\"b,c,d\n", &shape()), [ok(&["a\"b", "c", "d"])]);
    }

    #[test]
    fn line_breaks_in_free_text_are_kept_and_counted() {
        let s = shape();
        let input = b"a,b,\"one\ntwo\"\nc,d,e\n";
        assert_eq!(
            records(input, &s),
            [ok(&["a", "b", "one\ntwo"]), ok(&["c", "d", "e"])]
        );
        let mut tok = Tokenizer::new(input, 0, input.len(), true, &s);
        tok.next_record();
        assert_eq!(
            tok.next_record(),
            Step::Record {
                line: 2,
                fault: None
            }
        );
    }

    #[test]
    fn quotes_that_would_swallow_rows_are_refused_and_the_next_line_read() {
        let s = shape();
        // In a schema column: refused at the first line break.
        assert_eq!(
            records(b"\"a\nb\",x,y\nc,d,e\n", &s),
            [
                Err((FaultKind::SpansLines, 0)),
                ok(&["b\"", "x", "y"]),
                ok(&["c", "d", "e"])
            ]
        );
        // In free text, once it holds a row's commas.
        assert_eq!(
            records(b"a,b,\"open\nc,d,e\nf,g,h\n", &s),
            [
                Err((FaultKind::Swallows, 0)),
                ok(&["c", "d", "e"]),
                ok(&["f", "g", "h"])
            ]
        );
        // Never closed.
        assert_eq!(
            records(b"a,b,c\nd,e,\"open\n", &s),
            [ok(&["a", "b", "c"]), Err((FaultKind::Unclosed, 1))]
        );
        // Closed in the wrong place.
        assert_eq!(
            records(b"a,b,\"x\ny\"z\nc,d,e\n", &s),
            [
                Err((FaultKind::TextAfterQuote, 0)),
                ok(&["y\"z"]),
                ok(&["c", "d", "e"])
            ]
        );
    }

    #[test]
    fn a_record_that_does_not_end_in_the_span_needs_more() {
        let s = shape();
        for input in [&b"a,b,c\nd,e"[..], b"a,b,c\nd,e,\"x", b"a,b,c\nd,e,\"x\""] {
            let mut tok = Tokenizer::new(input, 0, input.len(), false, &s);
            assert!(matches!(tok.next_record(), Step::Record { .. }));
            assert_eq!(tok.next_record(), Step::NeedMore);
            assert_eq!((tok.pos(), tok.lines()), (6, 1));
        }
    }
}
