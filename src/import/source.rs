//! Rows from a file, whatever its format: every source yields records of UTF-8 text fields and says
//! on which line each record began.

use super::encoding::{self, TextEncoding};
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
    line: u64,
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
        counter: &ByteCounter,
    ) -> Result<Self> {
        let text = encoding::utf8_reader(open_bytes(path, counter)?, encoding);
        let inner = match delimiter {
            Delimiter::Byte(d) => DelimitedInner::Csv(
                csv::ReaderBuilder::new()
                    .delimiter(d)
                    .has_headers(false)
                    .flexible(true)
                    .buffer_capacity(1 << 20)
                    .from_reader(text),
            ),
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
            line: 0,
        })
    }

    fn encoding_error(&self, line: u64, field: Option<usize>) -> Error {
        let guess = if self.encoding.is_utf8() {
            let head = read_head(&self.path, 1 << 20).unwrap_or_default();
            encoding::guess_legacy(&head)
        } else {
            encoding_rs::UTF_8
        };
        let g = TextEncoding {
            encoding: guess,
            bom: false,
        };
        ImportError::WrongEncoding {
            at: Location {
                path: self.path.clone(),
                line: Some(line),
                column: field.map(|f| format!("#{}", f + 1)),
            },
            encoding: self.encoding.name(),
            guess: g.name(),
            guess_flag: g.flag(),
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
                        csv::ErrorKind::Io(io) => {
                            if io.kind() == std::io::ErrorKind::InvalidData {
                                self.encoding_error(line, None)
                            } else {
                                Error::io(
                                    &self.path,
                                    std::io::Error::new(io.kind(), io.to_string()),
                                )
                            }
                        }
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
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        let line = *next_line;
                        return Err(self.encoding_error(line, None));
                    }
                    Err(e) => return Err(Error::io(&self.path, e)),
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
