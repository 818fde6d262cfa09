//! Stray quotes. In CSV a field that starts with `"` runs until the next lone `"`, across line
//! breaks. A stray quote in one cell therefore swallows the lines after it, up to the next quote or
//! the end of the file, and the rows there silently become one cell. [`QuoteGuard`] follows the
//! quoting as the CSV reader will, and stops the read where a quoted field never closes or grows
//! past what a real cell holds, with the line and field where the quote opened.

use std::io::Read;

/// How quotes in delimited text are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuoteMode {
    /// CSV quoting; a quoted field may hold line breaks, up to [`MAX_QUOTED_LINES`] lines and
    /// [`MAX_QUOTED_BYTES`] bytes.
    #[default]
    Standard,
    /// Quotes are ordinary characters: every line break ends a row.
    Plain,
    /// CSV quoting without the size limits (for files whose cells really hold long texts).
    Long,
}

impl QuoteMode {
    /// The `--quotes` value.
    pub fn flag(self) -> &'static str {
        match self {
            QuoteMode::Standard => "standard",
            QuoteMode::Plain => "plain",
            QuoteMode::Long => "long",
        }
    }
}

impl std::str::FromStr for QuoteMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "standard" | "csv" => Ok(QuoteMode::Standard),
            "plain" | "none" => Ok(QuoteMode::Plain),
            "long" => Ok(QuoteMode::Long),
            _ => Err(format!(
                "unknown quote mode '{s}'; use standard, plain or long"
            )),
        }
    }
}

/// Lines a quoted field may span before it is taken for a stray quote.
pub const MAX_QUOTED_LINES: u64 = 100;
/// Bytes a quoted field may hold before it is taken for a stray quote.
pub const MAX_QUOTED_BYTES: u64 = 1 << 20;
/// Lines inside one quoted field that look like whole rows (as many delimiters as a row of the
/// header's width has) before it is taken for a stray quote that joined rows.
pub const MAX_ROWLIKE_LINES: u64 = 3;

/// Where a quoted field opened and how far it ran: carried inside the `io::Error` the guard
/// returns, so the source can turn it into an import error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunawayQuote {
    /// 1-based line where the quote opened.
    pub line: u64,
    /// 0-based field of the record.
    pub field: usize,
    /// Lines the field had run over when the read stopped.
    pub lines: u64,
    /// Bytes the field held when the read stopped.
    pub bytes: u64,
    /// Lines inside the field that look like whole rows.
    pub rowlike: u64,
    /// The file ended inside the field (the quote never closes).
    pub at_end: bool,
}

impl std::fmt::Display for RunawayQuote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a quote at line {} opens a field that runs over {} lines",
            self.line, self.lines
        )
    }
}

impl std::error::Error for RunawayQuote {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    InField,
    InQuoted,
    /// A quote inside a quoted field: either the first of `""` or the closing quote.
    QuoteInQuoted,
}

/// Passes UTF-8 text through unchanged while following CSV quoting (`"` quotes, `""` escapes,
/// `\n`, `\r` end records) with this delimiter.
pub struct QuoteGuard<R> {
    inner: R,
    delimiter: u8,
    limits: bool,
    /// Delimiters in a row of the header's width (0: no row-like test).
    row_delimiters: u64,
    state: State,
    line: u64,
    field: usize,
    open_line: u64,
    open_field: usize,
    open_bytes: u64,
    /// Delimiters on the current line inside the quoted field, and whether that line began
    /// inside it (the line of the opening quote does not count).
    line_delimiters: u64,
    line_inside: bool,
    rowlike: u64,
}

impl<R: Read> QuoteGuard<R> {
    /// `limits`: stop at a quoted field past [`MAX_QUOTED_LINES`], [`MAX_QUOTED_BYTES`] or
    /// [`MAX_ROWLIKE_LINES`] lines that look like rows of `width` fields (else only at a quote
    /// that never closes).
    pub fn new(inner: R, delimiter: u8, limits: bool, width: usize) -> Self {
        QuoteGuard {
            inner,
            delimiter,
            limits,
            // Rows of one or two fields are too like prose to tell.
            row_delimiters: if width >= 3 { width as u64 - 1 } else { 0 },
            state: State::StartField,
            line: 1,
            field: 0,
            open_line: 0,
            open_field: 0,
            open_bytes: 0,
            line_delimiters: 0,
            line_inside: false,
            rowlike: 0,
        }
    }

    fn runaway(&self, at_end: bool) -> std::io::Error {
        std::io::Error::other(RunawayQuote {
            line: self.open_line,
            field: self.open_field,
            lines: self.line - self.open_line + 1,
            bytes: self.open_bytes,
            rowlike: self.rowlike,
            at_end,
        })
    }

    fn follow(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        for &b in bytes {
            match self.state {
                State::StartField | State::InField => {
                    if b == b'"' && self.state == State::StartField {
                        self.state = State::InQuoted;
                        self.open_line = self.line;
                        self.open_field = self.field;
                        self.open_bytes = 0;
                        self.line_delimiters = 0;
                        self.line_inside = false;
                        self.rowlike = 0;
                    } else if b == self.delimiter {
                        self.state = State::StartField;
                        self.field += 1;
                    } else if b == b'\n' || b == b'\r' {
                        self.state = State::StartField;
                        self.field = 0;
                    } else {
                        self.state = State::InField;
                    }
                }
                State::InQuoted => {
                    if b == b'"' {
                        self.state = State::QuoteInQuoted;
                    } else {
                        self.open_bytes += 1;
                        if b == self.delimiter {
                            self.line_delimiters += 1;
                        } else if b == b'\n' {
                            if self.line_inside
                                && self.row_delimiters > 0
                                && self.line_delimiters == self.row_delimiters
                            {
                                self.rowlike += 1;
                            }
                            self.line_delimiters = 0;
                            self.line_inside = true;
                        }
                    }
                }
                State::QuoteInQuoted => {
                    if b == b'"' {
                        self.state = State::InQuoted;
                        self.open_bytes += 1;
                    } else if b == self.delimiter {
                        self.state = State::StartField;
                        self.field += 1;
                    } else if b == b'\n' || b == b'\r' {
                        self.state = State::StartField;
                        self.field = 0;
                    } else {
                        self.state = State::InField;
                    }
                }
            }
            if b == b'\n' {
                self.line += 1;
            }
            if self.limits
                && self.state == State::InQuoted
                && (self.line - self.open_line >= MAX_QUOTED_LINES
                    || self.open_bytes > MAX_QUOTED_BYTES
                    || self.rowlike >= MAX_ROWLIKE_LINES)
            {
                return Err(self.runaway(false));
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for QuoteGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if self.state == State::InQuoted {
                return Err(self.runaway(true));
            }
            return Ok(0);
        }
        self.follow(&buf[..n])?;
        Ok(n)
    }
}

/// The runaway quote an error from a [`QuoteGuard`] carries, if it is one.
pub fn runaway_of(e: &std::io::Error) -> Option<&RunawayQuote> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<RunawayQuote>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, limits: bool) -> std::io::Result<String> {
        let mut out = String::new();
        QuoteGuard::new(text.as_bytes(), b',', limits, 3).read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn closed_quotes_pass() {
        let t = "a,b\n\"x, \"\"y\"\"\nz\",2\n3,\"4\"\n";
        assert_eq!(run(t, true).unwrap(), t);
        // A quote inside an unquoted field is an ordinary character.
        assert_eq!(
            run("a,b\n5\" screen,2\n", true).unwrap(),
            "a,b\n5\" screen,2\n"
        );
    }

    #[test]
    fn unclosed_quote_at_the_end() {
        let e = run("a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n", false).unwrap_err();
        let r = runaway_of(&e).expect("runaway");
        assert_eq!((r.line, r.field, r.at_end), (3, 1, true));
    }

    #[test]
    fn joined_rows() {
        // A stray quote whose field closes 20 lines later, at another stray quote: the lines
        // between look like rows of the header's width.
        let mut t = String::from("a,b,c\n1,\"oops,1\n");
        for i in 2..22 {
            t.push_str(&format!("{i},x,{i}\n"));
        }
        t.push_str("22,bad\",22\n");
        let e = run(&t, true).unwrap_err();
        let r = runaway_of(&e).expect("runaway");
        assert_eq!((r.line, r.field, r.rowlike), (2, 1, MAX_ROWLIKE_LINES));
        // A quoted cell of a few lines of prose passes.
        let t = "a,b,c\n1,\"first line, of text\nsecond line\nthird, line\",3\n";
        assert_eq!(run(t, true).unwrap(), t);
    }

    #[test]
    fn long_quoted_field() {
        let mut t = String::from("a,b\n1,\"start\n");
        for i in 0..200 {
            t.push_str(&format!("{i} x\n"));
        }
        t.push_str("end\",2\n");
        let e = run(&t, true).unwrap_err();
        let r = runaway_of(&e).expect("runaway");
        assert_eq!((r.line, r.field, r.at_end), (2, 1, false));
        assert_eq!(r.lines, MAX_QUOTED_LINES + 1);
        // Without the limits the same text passes: the quote closes.
        assert_eq!(run(&t, false).unwrap(), t);
    }
}
