//! The passes over the data: a sample (for a provisional plan), a full scan (when the width is not
//! known before reading, with `--ragged pad`), and the load, which converts and inserts on two
//! threads and can watch every value on the way.

use super::encoding::MixedLines;
use super::infer::{self, ColumnStats, Plan, Value};
use super::sniff::SniffedFile;
use super::source::ByteCounter;
use super::writer::{self, Batch, Cell};
use super::{BATCH_ROWS, RaggedPolicy};
use crate::error::{Error, ImportError, Result};
use crate::privacy::{PiiAction, PiiKind, decide};
use crate::progress::{Reporter, Stage, Unit};
use std::path::PathBuf;

/// What watching every value of every file tells: the column statistics and the shape.
#[derive(Debug, Clone)]
pub struct Observed {
    pub stats: Vec<ColumnStats>,
    pub rows_per_file: Vec<u64>,
    /// Per file: rows whose width differs from the header's, and the first ten (line, width).
    pub ragged: Vec<(u64, Vec<(u64, usize)>)>,
    /// Per file: the first ten lines of those rows that hold a line break (a quoted field).
    pub merged: Vec<Vec<u64>>,
    /// Grow the columns to the widest row (`--ragged pad`).
    grow: bool,
}

impl Observed {
    pub fn new(width: usize, files: usize, grow: bool) -> Self {
        Observed {
            stats: vec![ColumnStats::default(); width],
            rows_per_file: Vec::with_capacity(files),
            ragged: Vec::with_capacity(files),
            merged: Vec::with_capacity(files),
            grow,
        }
    }

    fn start_file(&mut self) {
        self.rows_per_file.push(0);
        self.ragged.push((0, Vec::new()));
        self.merged.push(Vec::new());
    }

    fn observe(&mut self, rec: &csv::StringRecord, line: u64, width: usize) {
        if let Some(r) = self.rows_per_file.last_mut() {
            *r += 1;
        }
        if rec.len() != width
            && let Some((count, lines)) = self.ragged.last_mut()
        {
            *count += 1;
            if lines.len() < 10 {
                lines.push((line, rec.len()));
            }
            if let Some(m) = self.merged.last_mut()
                && m.len() < 10
                && rec.iter().any(|f| f.contains('\n') || f.contains('\r'))
            {
                m.push(line);
            }
        }
        if self.grow && rec.len() > self.stats.len() {
            let before = self.rows_per_file.iter().sum::<u64>() - 1;
            self.stats.resize_with(rec.len(), || {
                // Earlier rows had no value here.
                let mut s = ColumnStats::default();
                s.nulls = before;
                s
            });
        }
        for (st, v) in self.stats.iter_mut().zip(rec.iter()) {
            st.observe(v, line);
        }
        for st in self.stats.iter_mut().skip(rec.len()) {
            st.nulls += 1;
        }
    }

    pub fn rows(&self) -> u64 {
        self.rows_per_file.iter().sum()
    }

    /// The ragged-rows error (or, with padding, the warnings).
    pub fn check_shape(
        &self,
        files: &[SniffedFile],
        width: usize,
        policy: RaggedPolicy,
        warnings: &mut Vec<String>,
    ) -> Result<()> {
        for ((f, (count, lines)), merged) in files.iter().zip(&self.ragged).zip(&self.merged) {
            if *count == 0 {
                continue;
            }
            let list = lines
                .iter()
                .map(|(l, n)| format!("line {l} has {n}"))
                .collect::<Vec<_>>()
                .join(", ")
                + if *count > lines.len() as u64 {
                    ", …"
                } else {
                    ""
                };
            // Padding would keep rows a stray quote joined: with such rows, stop either way.
            if policy == RaggedPolicy::Error || !merged.is_empty() {
                return Err(ImportError::Ragged {
                    path: f.path.clone(),
                    expected: width,
                    count: *count,
                    lines: list,
                    merged: super::sniff::line_list(merged),
                }
                .into());
            }
            warnings.push(format!(
                "{}: {count} row(s) without the {width} fields of the header were kept ({list})",
                f.path.display()
            ));
        }
        if self.rows() == 0 {
            return Err(ImportError::NoRows {
                path: files[0].path.clone(),
            }
            .into());
        }
        Ok(())
    }
}

/// The statistics of the first `max_rows` rows: enough for a plan that nearly always holds.
pub fn sample(files: &[SniffedFile], width: usize, max_rows: u64) -> Result<Vec<ColumnStats>> {
    let mut obs = Observed::new(width, files.len(), false);
    let mut rec = csv::StringRecord::new();
    for f in files {
        obs.start_file();
        let mut src = f.rows(&ByteCounter::default())?;
        while obs.rows() < max_rows && src.next_record(&mut rec)? {
            obs.observe(&rec, src.line(), width);
        }
        if obs.rows() >= max_rows {
            break;
        }
    }
    Ok(obs.stats)
}

/// Up to `max_values` non-empty values of each column from the first `max_rows` rows, for the
/// personal-data detectors.
pub fn values_sample(
    files: &[SniffedFile],
    width: usize,
    max_values: usize,
    max_rows: u64,
) -> Result<Vec<Vec<String>>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new(); width];
    let mut rec = csv::StringRecord::new();
    let mut rows = 0u64;
    'files: for f in files {
        let mut src = f.rows(&ByteCounter::default())?;
        while rows < max_rows && src.next_record(&mut rec)? {
            rows += 1;
            for (vals, v) in out.iter_mut().zip(rec.iter()) {
                if vals.len() < max_values
                    && !v.trim().is_empty()
                    && !super::quirks::is_placeholder(v)
                    && !super::quirks::is_masked(v)
                {
                    vals.push(super::quirks::clean(v).trim().to_string());
                }
            }
            if out.iter().all(|v| v.len() >= max_values) {
                break 'files;
            }
        }
    }
    Ok(out)
}

/// A full scan: every value seen, the shape checked (progress over the first half of the work).
pub fn scan(
    files: &[SniffedFile],
    width: usize,
    grow: bool,
    total_bytes: u64,
    rep: &Reporter,
) -> Result<Observed> {
    let mut obs = Observed::new(width, files.len(), grow);
    let mut bytes_before = 0u64;
    let mut rec = csv::StringRecord::new();
    for f in files {
        obs.start_file();
        let counter = ByteCounter::default();
        let mut src = f.rows(&counter)?;
        let mut rows = 0u64;
        while src.next_record(&mut rec)? {
            obs.observe(&rec, src.line(), width);
            rows += 1;
            if rows.is_multiple_of(8192) {
                rep.check()?;
                rep.report(
                    Stage::Scanning,
                    bytes_before + progress_bytes(f, &counter, rows),
                    Some(2 * total_bytes),
                    Unit::Bytes,
                    obs.rows(),
                    false,
                );
            }
        }
        bytes_before += f.size;
    }
    Ok(obs)
}

/// Progress within one file: bytes read, or for in-memory formats, the share of rows.
fn progress_bytes(f: &SniffedFile, counter: &ByteCounter, rows: u64) -> u64 {
    match f.rows_in_memory() {
        Some(n) if n > 0 => f.size * rows / n as u64,
        _ => counter.get().min(f.size),
    }
}

/// How the load reports its progress: `done` bytes are counted from `base`, out of `total`.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub base: u64,
    pub total: u64,
}

pub struct Loaded {
    pub rows: u64,
    /// Per file: the bytes read (as stored, before decompression), and the lines read in a
    /// fallback encoding.
    pub read: Vec<(u64, MixedLines)>,
    pub nulls: Vec<u64>,
    /// Per column: values kept as written, the first line and value.
    pub kept_as_text: Vec<(u64, u64, String)>,
    /// Rows skipped because every field was empty.
    pub blank_rows: u64,
    /// Per column: encrypted placeholders read as missing (also in `nulls`).
    pub placeholders: Vec<u64>,
    /// Per column: masked values, kept as written.
    pub masked: Vec<u64>,
}

/// How a column's values are written: as converted (also personal data the user keeps), or as
/// the user decided for personal data (masked or hashed text; dropped columns are not written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Plain,
    Pii(PiiKind, PiiAction),
}

impl Write {
    pub fn dropped(self) -> bool {
        matches!(self, Write::Pii(_, PiiAction::Drop))
    }
}

/// What the load writes besides the plans: per column how, and the salt for hashes.
pub struct Writes<'a> {
    pub how: &'a [Write],
    pub salt: &'a str,
}

/// Converts on a reader thread, inserts on this one; watches every value into `observe` if given.
#[allow(clippy::too_many_arguments)]
pub fn load(
    conn: &rusqlite::Connection,
    table: &str,
    files: &[SniffedFile],
    plans: &[Plan],
    writes: &Writes<'_>,
    observe: Option<&mut Observed>,
    span: Span,
    rep: &Reporter,
) -> Result<Loaded> {
    let cols = plans.len();
    let written = (0..cols)
        .filter(|&j| !writes.how.get(j).is_some_and(|w| w.dropped()))
        .count();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch>>(4);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Batch>();
    std::thread::scope(|s| {
        let producer = s.spawn(move || {
            let mut conv = Converter {
                plans,
                writes,
                nulls: vec![0u64; cols],
                placeholders: vec![0u64; cols],
                masked: vec![0u64; cols],
                kept: vec![(0u64, 0u64, String::new()); cols],
                observe,
                read: Vec::with_capacity(files.len()),
                blank_rows: 0,
            };
            if let Err(e) = conv.run(files, &tx, &back_rx, span, rep) {
                let _ = tx.send(Err(e));
            }
            (
                conv.nulls,
                conv.kept,
                conv.read,
                conv.blank_rows,
                conv.placeholders,
                conv.masked,
            )
        });
        let mut w = writer::TableWriter::new(conn, table, written)?;
        let mut rows = 0u64;
        let mut failure = None;
        for batch in rx.iter() {
            match batch {
                Ok(b) => {
                    if let Err(e) = rep.check().and_then(|_| w.write(&b)) {
                        failure = Some(e);
                        break;
                    }
                    rows += b.rows as u64;
                    rep.report(
                        Stage::Loading,
                        span.base + b.bytes_done,
                        Some(span.total),
                        Unit::Bytes,
                        rows,
                        false,
                    );
                    let _ = back_tx.send(b);
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        drop(rx);
        drop(back_tx);
        let (nulls, kept, read, blank_rows, placeholders, masked) = producer
            .join()
            .map_err(|_| Error::InvalidArgument("the reader thread failed".into()))?;
        if let Some(e) = failure {
            return Err(e);
        }
        Ok(Loaded {
            rows,
            read,
            nulls,
            kept_as_text: kept,
            blank_rows,
            placeholders,
            masked,
        })
    })
}

struct Converter<'a> {
    plans: &'a [Plan],
    writes: &'a Writes<'a>,
    nulls: Vec<u64>,
    placeholders: Vec<u64>,
    masked: Vec<u64>,
    kept: Vec<(u64, u64, String)>,
    observe: Option<&'a mut Observed>,
    read: Vec<(u64, MixedLines)>,
    blank_rows: u64,
}

impl Converter<'_> {
    fn run(
        &mut self,
        files: &[SniffedFile],
        tx: &std::sync::mpsc::SyncSender<Result<Batch>>,
        recycled: &std::sync::mpsc::Receiver<Batch>,
        span: Span,
        rep: &Reporter,
    ) -> Result<()> {
        let cols = self.plans.len();
        let mut scratch = String::new();
        let mut bytes_before = 0u64;
        let new_batch = || {
            recycled
                .try_recv()
                .map(|mut b| {
                    b.rows = 0;
                    b.cells.clear();
                    b.text.clear();
                    b
                })
                .unwrap_or_else(|_| Batch::with_capacity(BATCH_ROWS, cols))
        };
        for f in files {
            let counter = ByteCounter::default();
            let mut src = f.rows(&counter)?;
            let mut rec = csv::StringRecord::new();
            let mut batch = new_batch();
            let mut rows_in_file = 0u64;
            if let Some(o) = self.observe.as_deref_mut() {
                o.start_file();
            }
            while src.next_record(&mut rec)? {
                rows_in_file += 1;
                let line = src.line();
                if let Some(o) = self.observe.as_deref_mut() {
                    o.observe(&rec, line, cols);
                }
                self.convert_row(&rec, line, &mut batch, &mut scratch);
                if batch.rows == BATCH_ROWS {
                    rep.check()?;
                    batch.bytes_done = bytes_before + progress_bytes(f, &counter, rows_in_file);
                    if tx.send(Ok(batch)).is_err() {
                        return Ok(()); // the writer stopped; it reports why
                    }
                    batch = new_batch();
                }
            }
            self.read.push((counter.get(), src.mixed_lines()));
            self.blank_rows += src.blank_rows();
            bytes_before += f.size;
            batch.bytes_done = bytes_before.min(span.total);
            if batch.rows > 0 && tx.send(Ok(batch)).is_err() {
                return Ok(());
            }
        }
        Ok(())
    }

    fn convert_row(
        &mut self,
        rec: &csv::StringRecord,
        line: u64,
        batch: &mut Batch,
        scratch: &mut String,
    ) {
        for (j, plan) in self.plans.iter().enumerate() {
            let dropped = self.writes.how.get(j).is_some_and(|w| w.dropped());
            if !dropped && rec.get(j).is_some_and(super::quirks::is_masked) {
                self.masked[j] += 1;
            }
            if !dropped && rec.get(j).is_some_and(super::quirks::is_placeholder) {
                // Withheld personal data: missing, and counted.
                self.placeholders[j] += 1;
                self.nulls[j] += 1;
                batch.cells.push(Cell::Null);
                continue;
            }
            if let Some(Write::Pii(kind, action)) = self.writes.how.get(j).copied() {
                if action == PiiAction::Drop {
                    continue;
                }
                match rec.get(j).and_then(|raw| {
                    decide::transform(kind, action, &super::quirks::clean(raw), self.writes.salt)
                }) {
                    Some(t) => batch.push_text(&t),
                    None => {
                        self.nulls[j] += 1;
                        batch.cells.push(Cell::Null);
                    }
                }
                continue;
            }
            let Some(raw) = rec.get(j) else {
                self.nulls[j] += 1;
                batch.cells.push(Cell::Null);
                continue;
            };
            match infer::convert(raw, plan.conv, scratch) {
                Ok(Value::Null) => {
                    self.nulls[j] += 1;
                    batch.cells.push(Cell::Null);
                }
                Ok(Value::Int(v)) => batch.cells.push(Cell::Int(v)),
                Ok(Value::Real(v)) => batch.cells.push(Cell::Real(v)),
                Ok(Value::Text(t)) => batch.push_text(t),
                Ok(Value::Owned) => batch.push_text(scratch),
                Err(infer::Unreadable) => {
                    let k = &mut self.kept[j];
                    if k.0 == 0 {
                        k.1 = line;
                        k.2 = raw.to_string();
                    }
                    k.0 += 1;
                    batch.push_text(raw);
                }
            }
        }
        batch.rows += 1;
    }
}

/// The SHA-256 of each file, computed on its own thread while the passes run.
pub fn hash_files(files: &[SniffedFile]) -> std::thread::JoinHandle<Result<Vec<String>>> {
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    std::thread::spawn(move || paths.iter().map(|p| super::sha256_file(p)).collect())
}
