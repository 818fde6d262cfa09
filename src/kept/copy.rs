//! The columnar copy of a dataset: its rows as zstd Parquet parts in BLOBs inside the project
//! ([`crate::kept`]), one part per column and chunk of rows, so a read of a few columns decodes
//! only theirs. The SQLite table stays the record of what was imported; the copy is derived from
//! it and can be rebuilt at any time.
//!
//! - It is an entry of the kept tables: inside the project file (encrypted with it, in every
//!   backup, moved with the file, never a plaintext file beside it), valid while the dataset's
//!   data marker and its columns' names and types are unchanged, and dropped by the activity
//!   trigger in the transaction that logs an import (append, replace), a recipe rebuild, a
//!   deletion or an erasure of the dataset. Roles are not part of its state: setting a role
//!   changes no value.
//! - It is built on the first read that needs it ([`ensure`]), in chunks of [`CHUNK_ROWS`] rows
//!   in rowid order, with progress and cancellation, and written in one transaction: a build
//!   that is cancelled, fails or is killed leaves the project as it was.
//! - Each column records whether every stored value was exactly of its type
//!   ([`crate::frame::is_exact`]); readers that must see the stored text (the customer scan)
//!   read a column from the copy only when it is exact.
//!
//! [`scan`] is the one reader: the named columns, optionally filtered, as a polars `LazyFrame`
//! equal to what [`crate::frame::load_frame`] gives from the SQLite rows.

use super::{Entry, Inputs, Part, blob};
use crate::dataset::{ColumnType, DatasetInfo};
use crate::progress::{Reporter, Stage, Unit};
use crate::store::{Project, quote_ident};
use crate::{Error, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// The kind of kept entry a copy is.
pub const KIND: &str = "dataset_copy";

/// The version of what [`ColumnMeta::exact`] means ([`crate::frame::is_exact`]): a copy built
/// under another meaning is stale.
const EXACTNESS: &str = "exact2";

/// Rows per chunk of a column.
pub const CHUNK_ROWS: usize = 1 << 18;

const PART: &str = "column";
const ROWID: &str = "\u{0}loupe_rowid";
/// A chunk's key in the sequence numbers: (range, chunk within it) × columns.
const CHUNKS_PER_RANGE: i64 = 1 << 24;
/// Fewer rows than this per range are read on one thread.
const MIN_ROWS_PER_RANGE: i64 = 200_000;

/// One column of the copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMeta {
    pub name: String,
    pub ty: ColumnType,
    /// Every stored value is exactly of the column's type, in its stored form.
    pub exact: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    rows: u64,
    columns: Vec<ColumnMeta>,
}

/// A valid copy of a dataset.
#[derive(Debug, Clone)]
pub struct Copy {
    entry: Entry,
    meta: Meta,
}

/// What a copy of `info` is built from.
fn inputs(project: &Project, info: &DatasetInfo) -> Result<Inputs> {
    let marker = project.data_marker(&info.name)?.unwrap_or_default();
    let columns: Vec<String> = info
        .columns
        .iter()
        .map(|c| format!("{}:{}", c.name, c.ty))
        .collect();
    Ok(Inputs {
        kind: KIND,
        key: format!("{}/{KIND}/{}", super::FORMAT, info.name),
        datasets: vec![(
            info.name.clone(),
            format!("{}|{marker}|{}|{EXACTNESS}", info.name, columns.join(",")),
        )],
    })
}

/// The copy of `info` kept in the project, when there is a valid one.
pub fn find(project: &Project, info: &DatasetInfo) -> Result<Option<Copy>> {
    let Some(entry) = super::find(project, &inputs(project, info)?)? else {
        return Ok(None);
    };
    let meta: Meta = serde_json::from_slice(&entry.part(project, "meta")?)
        .map_err(|e| Error::InvalidArgument(format!("the dataset copy's description: {e}")))?;
    let same = meta.columns.len() == info.columns.len()
        && meta
            .columns
            .iter()
            .zip(&info.columns)
            .all(|(m, c)| m.name == c.name && m.ty == c.ty);
    Ok(same.then_some(Copy { entry, meta }))
}

/// The copy of `info`, built first when it is missing or stale. `None` when it cannot be kept
/// (a project file that cannot be written, or a connection inside an open transaction): the
/// caller reads the SQLite rows instead. A cancelled build returns `Err(Cancelled)`.
pub fn ensure(project: &Project, info: &DatasetInfo, rep: &Reporter) -> Result<Option<Copy>> {
    if let Some(c) = find(project, info)? {
        return Ok(Some(c));
    }
    if !project.conn().is_autocommit() || project.is_unwritable() {
        return Ok(None);
    }
    // The state read before the build: an import committed meanwhile makes it stale at once.
    let inputs = inputs(project, info)?;
    // Every row is read once: through system calls, so the table is not left mapped.
    let parts = crate::store::unmapped(project.conn(), || build(project, info, rep))?;
    rep.check()?;
    if super::write(project, &inputs, &parts).is_err() {
        return Ok(None);
    }
    find(project, info)
}

/// The polars type a column of type `ty` has in the copy.
pub(crate) fn dtype(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Text => DataType::String,
        ColumnType::Date => DataType::Date,
        ColumnType::Datetime => DataType::Datetime(TimeUnit::Microseconds, None),
    }
}

/// Reads the rows of one rowid range in chunks and encodes them as parts.
struct RangeRead<'a> {
    info: &'a DatasetInfo,
    typed: &'a [(String, ColumnType)],
    select: &'a str,
    range: (i64, i64),
    index: i64,
    done: &'a AtomicU64,
}

/// Parts of one range and the exactness of each column in it.
type RangeParts = (Vec<Part>, Vec<bool>);

impl RangeRead<'_> {
    fn run(&self, conn: &rusqlite::Connection, rep: &Reporter) -> Result<RangeParts> {
        let width = self.typed.len() as i64 - 1;
        let mut exact = vec![true; self.typed.len() - 1];
        let mut parts = Vec::new();
        let (mut after, hi) = (self.range.0.saturating_sub(1), self.range.1);
        let mut first = true;
        for chunk in 0.. {
            rep.check()?;
            // `rowid >= lo` for the first chunk: `lo - 1` would overflow at i64::MIN.
            let from = if first {
                format!("rowid >= {}", self.range.0)
            } else {
                format!("rowid > {after}")
            };
            first = false;
            let sql = format!(
                "SELECT {} WHERE {from} AND rowid <= {hi} ORDER BY rowid LIMIT {CHUNK_ROWS}",
                self.select
            );
            let (df, ex) = crate::frame::frame_from_query_checked(conn, &sql, self.typed, 0)?;
            let height = df.height();
            if height == 0 {
                break;
            }
            after = df
                .column(ROWID)?
                .i64()?
                .get(height - 1)
                .ok_or_else(|| Error::InvalidArgument("a row without a rowid".into()))?;
            for (e, x) in exact.iter_mut().zip(&ex[1..]) {
                *e &= *x;
            }
            let key = self.index * CHUNKS_PER_RANGE + chunk;
            for (j, c) in df.columns()[1..].iter().enumerate() {
                let mut one = DataFrame::new(height, vec![c.clone()])?;
                parts.push(Part {
                    name: PART,
                    seq: key * width + j as i64,
                    range: Some((j as i64, j as i64)),
                    data: blob::to_bytes(&mut one)?,
                });
            }
            let done = self.done.fetch_add(height as u64, Ordering::Relaxed) + height as u64;
            rep.report(
                Stage::Copying,
                done,
                Some(self.info.rows),
                Unit::Rows,
                done,
                false,
            );
            if height < CHUNK_ROWS {
                break;
            }
        }
        Ok((parts, exact))
    }
}

/// Reads the dataset in rowid order into parts (on several connections when it is large, not
/// encrypted and no transaction is open), and describes them.
fn build(project: &Project, info: &DatasetInfo, rep: &Reporter) -> Result<Vec<Part>> {
    let mut typed: Vec<(String, ColumnType)> = vec![(ROWID.to_string(), ColumnType::Integer)];
    typed.extend(info.columns.iter().map(|c| (c.name.clone(), c.ty)));
    let mut exprs = vec!["rowid".to_string()];
    exprs.extend(info.columns.iter().map(|c| quote_ident(&c.name)));
    let select = format!("{} FROM {}", exprs.join(", "), quote_ident(&info.name));
    let t = quote_ident(&info.name);
    let bounds: (Option<i64>, Option<i64>) = project.conn().query_row(
        &format!("SELECT (SELECT min(rowid) FROM {t}), (SELECT max(rowid) FROM {t})"),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let done = AtomicU64::new(0);
    rep.report(Stage::Copying, 0, Some(info.rows), Unit::Rows, 0, true);
    let mut results: Vec<RangeParts> = Vec::new();
    if let (Some(lo), Some(hi)) = bounds {
        let threads = crate::parallel::threads(0).min(8);
        let span = i128::from(hi) - i128::from(lo) + 1;
        let n = if project.is_encrypted() {
            1
        } else {
            (span / i128::from(MIN_ROWS_PER_RANGE)).clamp(1, threads as i128)
        };
        let at = |k: i128| -> i64 { i64::try_from(i128::from(lo) + span * k / n).unwrap_or(hi) };
        let ranges: Vec<(i64, i64)> = (0..n)
            .map(|k| (at(k), if k == n - 1 { hi } else { at(k + 1) - 1 }))
            .collect();
        let reads: Vec<RangeRead<'_>> = ranges
            .iter()
            .enumerate()
            .map(|(k, &range)| RangeRead {
                info,
                typed: &typed,
                select: &select,
                range,
                index: k as i64,
                done: &done,
            })
            .collect();
        let readers: Option<Vec<rusqlite::Connection>> = if reads.len() > 1 {
            (1..reads.len())
                .map(|_| {
                    let conn = project.reader()?;
                    conn.pragma_update(None, "mmap_size", 0)?;
                    Ok(conn)
                })
                .collect::<Result<_>>()
                .ok()
        } else {
            None
        };
        match readers {
            Some(readers) => {
                let out: Vec<Result<RangeParts>> = std::thread::scope(|s| {
                    let handles: Vec<_> = readers
                        .into_iter()
                        .zip(&reads[1..])
                        .map(|(conn, read)| s.spawn(move || read.run(&conn, rep)))
                        .collect();
                    let first = reads[0].run(project.conn(), rep);
                    std::iter::once(first)
                        .chain(handles.into_iter().map(|h| {
                            h.join().unwrap_or_else(|_| {
                                Err(Error::InvalidArgument(format!(
                                    "copying dataset '{}' failed in a worker thread; please report it",
                                    info.name
                                )))
                            })
                        }))
                        .collect()
                });
                for r in out {
                    results.push(r?);
                }
            }
            None => {
                let whole = RangeRead {
                    range: (lo, hi),
                    index: 0,
                    ..reads[0]
                };
                results.push(whole.run(project.conn(), rep)?);
            }
        }
    }
    let mut exact = vec![true; info.columns.len()];
    let mut parts = Vec::new();
    for (p, ex) in results {
        for (e, x) in exact.iter_mut().zip(ex) {
            *e &= x;
        }
        parts.extend(p);
    }
    let meta = Meta {
        rows: done.load(Ordering::Relaxed),
        columns: info
            .columns
            .iter()
            .zip(exact)
            .map(|(c, exact)| ColumnMeta {
                name: c.name.clone(),
                ty: c.ty,
                exact,
            })
            .collect(),
    };
    parts.push(Part {
        name: "meta",
        seq: 0,
        range: None,
        data: serde_json::to_vec(&meta).map_err(|e| Error::InvalidArgument(e.to_string()))?,
    });
    Ok(parts)
}

impl Copy {
    /// Rows in the copy.
    pub fn rows(&self) -> u64 {
        self.meta.rows
    }

    /// A column of the copy by its exact name.
    pub fn column(&self, name: &str) -> Option<&ColumnMeta> {
        self.meta.columns.iter().find(|c| c.name == name)
    }

    pub fn columns(&self) -> &[ColumnMeta] {
        &self.meta.columns
    }

    /// The named columns without rows, typed as their chunks are (no part is read).
    pub fn empty(&self, columns: &[&str]) -> Result<DataFrame> {
        let mut cols = Vec::with_capacity(columns.len());
        for name in columns {
            let m = self.column(name).ok_or_else(|| {
                Error::InvalidArgument(format!("the dataset has no column '{name}'"))
            })?;
            cols.push(Column::new_empty(m.name.as_str().into(), &dtype(m.ty)));
        }
        Ok(DataFrame::new(0, cols)?)
    }

    /// The named columns' parts, read from the project and not decoded yet.
    pub fn chunks(&self, project: &Project, columns: &[&str]) -> Result<Chunks> {
        let mut wanted: Vec<ColumnMeta> = Vec::with_capacity(columns.len());
        let mut bytes: Vec<Vec<Vec<u8>>> = Vec::with_capacity(columns.len());
        for name in columns {
            let j = self
                .meta
                .columns
                .iter()
                .position(|c| c.name == *name)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!("the dataset has no column '{name}'"))
                })?;
            wanted.push(self.meta.columns[j].clone());
            bytes.push(self.entry.parts_holding_data(project, PART, j as i64)?);
        }
        let chunks = bytes.first().map_or(0, Vec::len);
        if bytes.iter().any(|b| b.len() != chunks) {
            return Err(Error::InvalidArgument(
                "the dataset copy's columns disagree on their chunks".into(),
            ));
        }
        Ok(Chunks {
            columns: wanted,
            bytes,
        })
    }

    /// The named columns, in rowid order, as one frame (its columns may be in several chunks).
    pub fn frame(&self, project: &Project, columns: &[&str]) -> Result<DataFrame> {
        let chunks = self.chunks(project, columns)?;
        if chunks.is_empty() {
            return chunks.empty();
        }
        stacked(chunks.map_each(|_, df| Ok(df))?)
    }
}

/// Frames stacked in order into one (its columns in as many chunks).
pub fn stacked(frames: Vec<DataFrame>) -> Result<DataFrame> {
    let mut frames = frames.into_iter();
    let mut out = frames
        .next()
        .ok_or_else(|| Error::InvalidArgument("the dataset copy has no chunks".into()))?;
    for df in frames {
        out.vstack_mut_owned(df)?;
    }
    Ok(out)
}

/// Some columns' parts, chunk by chunk: a reader that decodes one chunk at a time holds only
/// that chunk's rows in memory.
pub struct Chunks {
    columns: Vec<ColumnMeta>,
    /// By column, then chunk.
    bytes: Vec<Vec<Vec<u8>>>,
}

impl Chunks {
    pub fn len(&self) -> usize {
        self.bytes.first().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A frame of the columns without rows, typed as the chunks are.
    pub fn empty(&self) -> Result<DataFrame> {
        let cols: Vec<Column> = self
            .columns
            .iter()
            .map(|m| Column::new_empty(m.name.as_str().into(), &dtype(m.ty)))
            .collect();
        Ok(DataFrame::new(0, cols)?)
    }

    /// `f(k, chunk k decoded)` for every chunk, on every core, one decoded chunk per core at a
    /// time; the results in chunk order. Stops at the first error.
    pub fn map_each<T, F>(&self, f: F) -> Result<Vec<T>>
    where
        T: Send,
        F: Fn(usize, DataFrame) -> Result<T> + Sync,
    {
        let mut out: Vec<Option<T>> = (0..self.len()).map(|_| None).collect();
        crate::parallel::for_each_block(
            &mut out,
            1,
            1,
            crate::parallel::threads(0),
            || (),
            |_, first, slots| {
                for (k, slot) in slots.iter_mut().enumerate() {
                    *slot = Some(f(first + k, self.frame(first + k)?)?);
                }
                Ok(())
            },
        )?;
        Ok(out.into_iter().flatten().collect())
    }

    /// `prepare(k, chunk k decoded)` on every core, a few chunks at a time, and `consume` of
    /// each result on the calling thread in chunk order: for readers that number values in
    /// order of first appearance. At most `2 × cores` prepared chunks are held at once.
    pub fn in_order<T, F, G>(&self, prepare: F, mut consume: G) -> Result<()>
    where
        T: Send,
        F: Fn(usize, DataFrame) -> Result<T> + Sync,
        G: FnMut(usize, T) -> Result<()>,
    {
        let threads = crate::parallel::threads(0).min(self.len().max(1));
        let mut first = 0;
        while first < self.len() {
            let n = (threads * 2).min(self.len() - first);
            let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
            crate::parallel::for_each_block(
                &mut out,
                1,
                1,
                threads,
                || (),
                |_, at, slots| {
                    for (k, slot) in slots.iter_mut().enumerate() {
                        let chunk = first + at + k;
                        *slot = Some(prepare(chunk, self.frame(chunk)?)?);
                    }
                    Ok(())
                },
            )?;
            for (k, t) in out.into_iter().enumerate() {
                if let Some(t) = t {
                    consume(first + k, t)?;
                }
            }
            first += n;
        }
        Ok(())
    }

    /// Chunk `k` decoded: the columns' rows of that chunk, in rowid order.
    pub fn frame(&self, k: usize) -> Result<DataFrame> {
        let mut cols = Vec::with_capacity(self.columns.len());
        for (m, bytes) in self.columns.iter().zip(&self.bytes) {
            let part = bytes
                .get(k)
                .ok_or_else(|| Error::InvalidArgument("a chunk the dataset copy lacks".into()))?;
            let df = blob::from_bytes(part)?;
            let col = df
                .columns()
                .first()
                .cloned()
                .ok_or_else(|| Error::InvalidArgument("an empty part in the dataset copy".into()))?
                .with_name(m.name.as_str().into());
            cols.push(col);
        }
        let height = cols.first().map_or(0, Column::len);
        if cols.iter().any(|c| c.len() != height) {
            return Err(Error::InvalidArgument(
                "the dataset copy's columns disagree on their rows".into(),
            ));
        }
        Ok(DataFrame::new(height, cols)?)
    }
}

/// How many datasets have a columnar copy, and the copies' total size in bytes.
pub fn usage(project: &Project) -> Result<(u64, u64)> {
    super::usage_where(project, "=")
}

/// The named columns of `info` as [`crate::frame::load_frame`] gives them (the same values,
/// types and order), read from the columnar copy (built first when it is missing or stale) or,
/// when no copy can be kept, from the SQLite rows.
pub fn load(
    project: &Project,
    info: &DatasetInfo,
    columns: &[&str],
    rep: &Reporter,
) -> Result<DataFrame> {
    for c in columns {
        if info.column(c).is_none() {
            return Err(Error::InvalidArgument(format!(
                "dataset '{}' has no column '{c}'",
                info.name
            )));
        }
    }
    match ensure(project, info, rep)? {
        Some(copy) => {
            let mut df = copy.frame(project, columns)?;
            df.rechunk_mut();
            Ok(df)
        }
        None => crate::frame::load_frame(project.conn(), info, Some(columns)),
    }
}

/// The one scan path: `columns` of `info` (with the rows meeting `predicate`, a polars
/// condition over `predicate_columns`), lazily, from the columnar copy (see [`load`]).
/// Only the named columns' parts are read.
pub fn scan(
    project: &Project,
    info: &DatasetInfo,
    columns: &[&str],
    predicate: Option<(Expr, &[&str])>,
    rep: &Reporter,
) -> Result<LazyFrame> {
    let mut read: Vec<&str> = columns.to_vec();
    if let Some((_, more)) = &predicate {
        for c in *more {
            if !read.contains(c) {
                read.push(c);
            }
        }
    }
    let lf = load(project, info, &read, rep)?.lazy();
    let selected: Vec<Expr> = columns.iter().map(|c| col(*c)).collect();
    Ok(match predicate {
        Some((p, _)) => lf.filter(p).select(selected),
        None => lf.select(selected),
    })
}
