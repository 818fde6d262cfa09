//! Rows from a file, whatever its format: every source yields records of UTF-8 text fields and says
//! on which line each record began.

use super::encoding::{self, MixedLines, MixedLog, TextEncoding, UndecodableLine};
use super::quotes::{self, QuoteGuard, QuoteMode, RunawayQuote};
use crate::error::{Error, ImportError, Location, Result};
use csv::StringRecord;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A stream of records.
pub trait RowSource: Send {
    /// Reads the next record into `rec`; `Ok(false)` at the end.
    fn next_record(&mut self, rec: &mut StringRecord) -> Result<bool>;
    /// The line (1-based) where the last record began; for sources without lines, the row number
    /// counting the header as line 1.
    fn line(&self) -> u64;
    /// The lines read in a fallback encoding so far (text decided per line).
    fn mixed_lines(&self) -> MixedLines {
        MixedLines::default()
    }
    /// The rows skipped so far because every field was empty.
    fn blank_rows(&self) -> u64 {
        0
    }
}

/// Skips rows whose every field is empty or spaces (a spreadsheet's padding, `,,,,`) and counts
/// them.
pub struct SkipBlank {
    inner: Box<dyn RowSource>,
    skipped: u64,
}

impl SkipBlank {
    pub fn new(inner: Box<dyn RowSource>) -> Self {
        SkipBlank { inner, skipped: 0 }
    }
}

impl RowSource for SkipBlank {
    fn next_record(&mut self, rec: &mut StringRecord) -> Result<bool> {
        loop {
            if !self.inner.next_record(rec)? {
                return Ok(false);
            }
            if rec.iter().all(super::quirks::is_blank) {
                self.skipped += 1;
                continue;
            }
            return Ok(true);
        }
    }
    fn line(&self) -> u64 {
        self.inner.line()
    }
    fn mixed_lines(&self) -> MixedLines {
        self.inner.mixed_lines()
    }
    fn blank_rows(&self) -> u64 {
        self.skipped
    }
}

/// The line an error of a per-line decoder carries, if it is one.
pub fn undecodable_of(e: &std::io::Error) -> Option<&UndecodableLine> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<UndecodableLine>())
}

/// Counts the bytes read from the file, for progress.
#[derive(Debug, Clone, Default)]
pub struct ByteCounter(Arc<AtomicU64>);

impl ByteCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct Counting<R> {
    inner: R,
    counter: ByteCounter,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub fn is_gzip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The raw bytes of a file (decompressed if it is .gz), counted.
pub fn open_bytes(path: &Path, counter: &ByteCounter) -> Result<Box<dyn Read + Send>> {
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let counted = Counting {
        inner: f,
        counter: counter.clone(),
    };
    if is_gzip(path) {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(
            BufReader::with_capacity(1 << 16, counted),
        )))
    } else {
        Ok(Box::new(counted))
    }
}

/// Reads up to `n` bytes from the start of a file (decompressed if .gz).
pub fn read_head(path: &Path, n: usize) -> Result<Vec<u8>> {
    let mut r = open_bytes(path, &ByteCounter::default())?;
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    buf.truncate(got);
    Ok(buf)
}

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    Byte(u8),
    /// Runs of spaces and tabs; no quoting.
    Whitespace,
}

impl Delimiter {
    pub fn name(self) -> String {
        match self {
            Delimiter::Byte(b'\t') => "tab".into(),
            Delimiter::Byte(b) => (b as char).to_string(),
            Delimiter::Whitespace => "whitespace".into(),
        }
    }
}

/// Delimited text: CSV with quoting (fields may hold delimiters and newlines), or whitespace-separated.
pub struct DelimitedSource {
    inner: DelimitedInner,
    path: PathBuf,
    encoding: TextEncoding,
    quotes: QuoteMode,
    line: u64,
    /// Column names, for messages.
    names: Vec<String>,
    mixed: MixedLog,
}

enum DelimitedInner {
    Csv(csv::Reader<Box<dyn Read + Send>>),
    Whitespace {
        reader: BufReader<Box<dyn Read + Send>>,
        buf: String,
        next_line: u64,
    },
}

impl DelimitedSource {
    pub fn open(
        path: &Path,
        encoding: TextEncoding,
        delimiter: Delimiter,
        quotes: QuoteMode,
        width: usize,
        counter: &ByteCounter,
    ) -> Result<Self> {
        let mixed = MixedLog::default();
        let text = encoding::utf8_reader(open_bytes(path, counter)?, encoding, &mixed);
        let inner = match delimiter {
            Delimiter::Byte(d) => {
                let text: Box<dyn Read + Send> = match quotes {
                    QuoteMode::Plain => text,
                    QuoteMode::Standard => Box::new(QuoteGuard::new(text, d, true, width)),
                    QuoteMode::Long => Box::new(QuoteGuard::new(text, d, false, width)),
                };
                DelimitedInner::Csv(
                    csv::ReaderBuilder::new()
                        .delimiter(d)
                        .has_headers(false)
                        .flexible(true)
                        .quoting(quotes != QuoteMode::Plain)
                        .buffer_capacity(1 << 20)
                        .from_reader(text),
                )
            }
            Delimiter::Whitespace => DelimitedInner::Whitespace {
                reader: BufReader::with_capacity(1 << 20, text),
                buf: String::new(),
                next_line: 1,
            },
        };
        Ok(DelimitedSource {
            inner,
            path: path.to_path_buf(),
            encoding,
            quotes,
            line: 0,
            names: Vec::new(),
            mixed,
        })
    }

    /// The column names, for messages that name the column.
    pub fn set_names(&mut self, names: Vec<String>) {
        self.names = names;
    }

    fn column_name(&self, field: usize) -> String {
        self.names
            .get(field)
            .cloned()
            .unwrap_or_else(|| format!("#{}", field + 1))
    }

    fn runaway_error(&self, q: &RunawayQuote) -> Error {
        ImportError::RunawayQuote {
            at: Location {
                path: self.path.clone(),
                line: Some(q.line),
                column: Some(self.column_name(q.field)),
            },
            lines: q.lines,
            bytes: q.bytes,
            rowlike: q.rowlike,
            at_end: q.at_end,
            limited: self.quotes == QuoteMode::Standard,
        }
        .into()
    }

    /// An error of the bytes under the CSV reader: a runaway quote, a line in no known encoding,
    /// bytes not in the encoding, or a failed read.
    fn read_error(&self, io: &std::io::Error, line: u64) -> Error {
        if let Some(q) = quotes::runaway_of(io) {
            return self.runaway_error(q);
        }
        if let Some(u) = undecodable_of(io) {
            return ImportError::UndecodableLine {
                at: Location {
                    path: self.path.clone(),
                    line: Some(u.line),
                    column: None,
                },
                fallback: u.fallback.name().to_string(),
            }
            .into();
        }
        if io.kind() == std::io::ErrorKind::InvalidData {
            return self.encoding_error(line, None);
        }
        Error::io(&self.path, std::io::Error::new(io.kind(), io.to_string()))
    }

    fn encoding_error(&self, line: u64, field: Option<usize>) -> Error {
        let (guess, guess_flag) = if self.encoding.is_utf8() {
            let head = read_head(&self.path, 1 << 20).unwrap_or_default();
            encoding::advice(&head)
        } else {
            let g = TextEncoding::UTF8;
            (g.name(), "auto".to_string())
        };
        ImportError::WrongEncoding {
            at: Location {
                path: self.path.clone(),
                line: Some(line),
                column: field.map(|f| self.column_name(f)),
            },
            encoding: self.encoding.name(),
            guess,
            guess_flag,
        }
        .into()
    }
}

impl RowSource for DelimitedSource {
    fn next_record(&mut self, rec: &mut StringRecord) -> Result<bool> {
        let more = match &mut self.inner {
            DelimitedInner::Csv(r) => match r.read_record(rec) {
                Ok(more) => {
                    self.line = rec.position().map(|p| p.line()).unwrap_or(self.line + 1);
                    more
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(self.line + 1);
                    return Err(match e.kind() {
                        csv::ErrorKind::Utf8 { err, .. } => {
                            self.encoding_error(line, Some(err.field()))
                        }
                        csv::ErrorKind::Io(io) => self.read_error(io, line),
                        _ => ImportError::Parse {
                            at: Location {
                                path: self.path.clone(),
                                line: Some(line),
                                column: None,
                            },
                            message: e.to_string(),
                        }
                        .into(),
                    });
                }
            },
            DelimitedInner::Whitespace {
                reader,
                buf,
                next_line,
            } => loop {
                buf.clear();
                let n = match reader.read_line(buf) {
                    Ok(n) => n,
                    Err(e) => {
                        let line = *next_line;
                        return Err(self.read_error(&e, line));
                    }
                };
                if n == 0 {
                    break false;
                }
                let line = *next_line;
                *next_line += 1;
                if buf.trim().is_empty() {
                    continue;
                }
                rec.clear();
                for f in buf.split_whitespace() {
                    rec.push_field(f);
                }
                self.line = line;
                break true;
            },
        };
        if more && !self.encoding.is_utf8() && rec.as_slice().contains('\u{FFFD}') {
            let field = rec.iter().position(|f| f.contains('\u{FFFD}'));
            return Err(self.encoding_error(self.line, field));
        }
        Ok(more)
    }

    fn line(&self) -> u64 {
        self.line
    }

    fn mixed_lines(&self) -> MixedLines {
        self.mixed.get()
    }
}

/// Rows already in memory (spreadsheets, JSON, Parquet), as text. Both passes share them.
pub struct MemorySource {
    rows: Arc<Vec<Vec<String>>>,
    next: usize,
    first_line: u64,
}

impl MemorySource {
    /// `first_line` is the line number of the first row (2 when a header row came before it).
    pub fn new(rows: Arc<Vec<Vec<String>>>, first_line: u64) -> Self {
        MemorySource {
            rows,
            next: 0,
            first_line,
        }
    }
}

impl RowSource for MemorySource {
    fn next_record(&mut self, rec: &mut StringRecord) -> Result<bool> {
        let Some(r) = self.rows.get(self.next) else {
            return Ok(false);
        };
        rec.clear();
        for f in r {
            rec.push_field(f);
        }
        self.next += 1;
        Ok(true)
    }
    fn line(&self) -> u64 {
        self.first_line + self.next.saturating_sub(1) as u64
    }
}
