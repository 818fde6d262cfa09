//! The quality report's counts in one parallel pass over the dataset's columnar copy
//! ([`crate::kept::copy`]): chunk by chunk on every core, each thread keeping its own partial
//! state, merged at the end. Per column, every distinct value with its count (from which the
//! report derives missing, distinct, untrimmed, variants, quartiles and outliers, non-positive
//! and future values and the cancellation shape, exactly as SQLite counts them); per row, a
//! 128-bit hash of its values for the exact duplicates (and one of the key columns).
//!
//! Only columns whose every stored value is exactly of the column's type are read from the copy
//! ([`crate::kept::copy::ColumnMeta::exact`]): there a typed value has one stored form, so two
//! values are equal in SQLite exactly when they are equal here. The report reads the other
//! columns from SQLite.
//!
//! Memory: the distinct values of each column and 16 bytes per row for the row hashes (about
//! 860 MB at 54 M rows), never the rows themselves; a thread holds one decoded chunk at a time.
//! Distinct counts per column are exact (sets of the values themselves). Distinct rows are
//! counted by 128-bit hashes: two different rows share a hash with a probability of about
//! n² / 2¹²⁹ (10⁻²³ at 54 M rows), where keeping every distinct row to compare would hold the
//! whole dataset in memory.

use crate::dataset::{ColumnType, DatasetInfo};
use crate::error::{Error, Result};
use crate::kept::copy;
use crate::progress::{Reporter, Stage, Unit};
use crate::store::Project;
use polars::prelude::*;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The distinct values of a column with how many rows hold each.
#[derive(Debug, Clone)]
pub(crate) enum Values {
    Text(PlHashMap<String, u64>),
    /// Integer, boolean (0 and 1), date (days since 1970-01-01) and datetime (microseconds).
    Int(PlHashMap<i64, u64>),
    /// Float values by their bits (`-0.0` and `0.0` apart; see [`ColumnCounts::distinct`]).
    Float(PlHashMap<u64, u64>),
}

/// One column's counts.
#[derive(Debug, Clone)]
pub(crate) struct ColumnCounts {
    pub ty: ColumnType,
    pub nulls: u64,
    pub values: Values,
}

impl ColumnCounts {
    fn new(ty: ColumnType) -> ColumnCounts {
        let values = match ty {
            ColumnType::Text => Values::Text(PlHashMap::default()),
            ColumnType::Float => Values::Float(PlHashMap::default()),
            _ => Values::Int(PlHashMap::default()),
        };
        ColumnCounts {
            ty,
            nulls: 0,
            values,
        }
    }

    /// Distinct non-missing values, as SQLite's `count(DISTINCT …)` counts them (`-0.0 = 0.0`).
    pub fn distinct(&self) -> u64 {
        match &self.values {
            Values::Text(m) => m.len() as u64,
            Values::Int(m) => m.len() as u64,
            Values::Float(m) => {
                let both_zeros =
                    m.contains_key(&0.0f64.to_bits()) && m.contains_key(&(-0.0f64).to_bits());
                m.len() as u64 - u64::from(both_zeros)
            }
        }
    }

    /// The text values with their counts (text columns).
    pub fn texts(&self) -> Option<&PlHashMap<String, u64>> {
        match &self.values {
            Values::Text(m) => Some(m),
            _ => None,
        }
    }

    /// Missing as the report counts them: NULL, or text that SQLite's `trim` (which drops
    /// spaces only) leaves empty.
    pub fn missing(&self) -> u64 {
        let blank: u64 = self.texts().map_or(0, |m| {
            m.iter()
                .filter(|(v, _)| v.bytes().all(|b| b == b' '))
                .map(|(_, n)| n)
                .sum()
        });
        self.nulls + blank
    }

    /// Text with a leading or trailing space (`q <> trim(q)`).
    pub fn untrimmed(&self) -> u64 {
        self.texts().map_or(0, |m| {
            m.iter()
                .filter(|(v, _)| v.starts_with(' ') || v.ends_with(' '))
                .map(|(_, n)| n)
                .sum()
        })
    }

    /// Dates and datetimes whose day, written `YYYY-MM-DD`, sorts after `today` as text (SQLite's
    /// `date(q) > 'today'`).
    pub fn after_day(&self, today: &str) -> u64 {
        let Values::Int(m) = &self.values else {
            return 0;
        };
        let day = |v: i64| match self.ty {
            ColumnType::Date => Some(v),
            ColumnType::Datetime => Some(v.div_euclid(86_400_000_000)),
            _ => None,
        };
        let mut after: PlHashMap<i64, bool> = PlHashMap::default();
        let mut k = 0;
        for (&v, &n) in m {
            let Some(d) = day(v) else { continue };
            let later = *after.entry(d).or_insert_with(|| {
                chrono::NaiveDate::from_num_days_from_ce_opt(
                    i32::try_from(d + 719_163).unwrap_or(i32::MAX),
                )
                .is_some_and(|date| date.format("%Y-%m-%d").to_string().as_str() > today)
            });
            if later {
                k += n;
            }
        }
        k
    }

    /// The numbers as SQLite hands them out as reals, with their counts, in `f64::total_cmp`
    /// order; `None` for columns that are not numeric.
    pub fn numbers(&self) -> Option<Vec<(f64, u64)>> {
        let mut xs: Vec<(f64, u64)> = match (&self.values, self.ty) {
            (Values::Int(m), ColumnType::Integer) => {
                m.iter().map(|(&v, &n)| (v as f64, n)).collect()
            }
            (Values::Float(m), ColumnType::Float) => {
                m.iter().map(|(&b, &n)| (f64::from_bits(b), n)).collect()
            }
            _ => return None,
        };
        xs.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some(xs)
    }

    fn add(&mut self, c: &Column) -> Result<()> {
        let s = c.as_materialized_series();
        self.nulls += s.null_count() as u64;
        match &mut self.values {
            Values::Text(m) => {
                for v in s.str()?.iter().flatten() {
                    match m.get_mut(v) {
                        Some(n) => *n += 1,
                        None => {
                            m.insert(v.to_string(), 1);
                        }
                    }
                }
            }
            Values::Float(m) => {
                for v in s.f64()?.iter().flatten() {
                    *m.entry(v.to_bits()).or_insert(0) += 1;
                }
            }
            Values::Int(m) => match self.ty {
                ColumnType::Boolean => {
                    for v in s.bool()?.iter().flatten() {
                        *m.entry(i64::from(v)).or_insert(0) += 1;
                    }
                }
                ColumnType::Date => {
                    let p = s.to_physical_repr();
                    for v in p.i32()?.iter().flatten() {
                        *m.entry(i64::from(v)).or_insert(0) += 1;
                    }
                }
                _ => {
                    let p = s.to_physical_repr();
                    for v in p.i64()?.iter().flatten() {
                        *m.entry(v).or_insert(0) += 1;
                    }
                }
            },
        }
        Ok(())
    }

    fn merge(&mut self, other: ColumnCounts) {
        self.nulls += other.nulls;
        match (&mut self.values, other.values) {
            (Values::Text(a), Values::Text(b)) => merge_map(a, b),
            (Values::Int(a), Values::Int(b)) => merge_map(a, b),
            (Values::Float(a), Values::Float(b)) => merge_map(a, b),
            _ => {}
        }
    }
}

fn merge_map<K: std::hash::Hash + Eq>(a: &mut PlHashMap<K, u64>, b: PlHashMap<K, u64>) {
    if a.len() < b.len() {
        let small = std::mem::replace(a, b);
        merge_map(a, small);
        return;
    }
    for (k, n) in b {
        *a.entry(k).or_insert(0) += n;
    }
}

/// What the pass found.
#[derive(Debug, Clone)]
pub(crate) struct Pass {
    /// Groups of equal rows, when every column was read.
    pub distinct_rows: Option<u64>,
    /// Groups of rows equal on the key columns, when they were all read (and a key was given).
    pub distinct_keys: Option<u64>,
    /// By the dataset's column; `None` for a column read from SQLite.
    pub columns: Vec<Option<ColumnCounts>>,
}

/// Row hashes by their top bits, so that each bucket is sorted and counted on its own.
const BUCKETS: usize = 64;

/// Row hashes of one thread, by bucket, a piece per chunk.
type Hashes = Vec<Vec<Vec<u128>>>;

struct State {
    columns: Vec<ColumnCounts>,
    rows: Hashes,
    keys: Hashes,
}

impl State {
    fn new(types: &[ColumnType]) -> State {
        State {
            columns: types.iter().map(|&t| ColumnCounts::new(t)).collect(),
            rows: vec![Vec::new(); BUCKETS],
            keys: vec![Vec::new(); BUCKETS],
        }
    }
}

/// Two seeds, the same for every chunk of a pass.
type Seeds = [PlSeedableRandomStateQuality; 2];

/// A 128-bit hash of each row's values in `cols` (two 64-bit hashes with their own seeds).
/// Floats are hashed with `-0.0` as `0.0`, as SQLite groups them.
fn row_hashes(df: &DataFrame, cols: &[usize], seeds: &Seeds) -> Result<Vec<u128>> {
    let mut halves: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
    for (i, &j) in cols.iter().enumerate() {
        let s = df.columns()[j].as_materialized_series();
        let s = if s.dtype() == &DataType::Float64 {
            // -0.0 + 0.0 is 0.0; every other value stays as it is.
            let f = s.f64()?;
            f.apply_values(|x| x + 0.0).into_series()
        } else {
            s.clone()
        };
        for (h, seed) in halves.iter_mut().zip(seeds.iter().cloned()) {
            if i == 0 {
                s.vec_hash(seed, h)?;
            } else {
                s.vec_hash_combine(seed, h)?;
            }
        }
    }
    let [a, b] = halves;
    Ok(a.into_iter()
        .zip(b)
        .map(|(a, b)| (u128::from(a) << 64) | u128::from(b))
        .collect())
}

fn add_hashes(buckets: &mut Hashes, hashes: Vec<u128>) {
    let mut split: Vec<Vec<u128>> = vec![Vec::new(); BUCKETS];
    let mut sizes = [0usize; BUCKETS];
    for h in &hashes {
        sizes[bucket(*h)] += 1;
    }
    for (v, n) in split.iter_mut().zip(sizes) {
        v.reserve_exact(n);
    }
    for h in hashes {
        split[bucket(h)].push(h);
    }
    for (b, piece) in buckets.iter_mut().zip(split) {
        if !piece.is_empty() {
            b.push(piece);
        }
    }
}

fn bucket(h: u128) -> usize {
    (h >> 122) as usize % BUCKETS
}

/// Distinct hashes of every thread's buckets, a bucket at a time on `threads` threads.
fn count_distinct(states: Vec<Hashes>, threads: usize) -> Result<u64> {
    let mut by_bucket: Vec<Vec<Vec<u128>>> = vec![Vec::new(); BUCKETS];
    for s in states {
        for (b, pieces) in by_bucket.iter_mut().zip(s) {
            b.extend(pieces);
        }
    }
    let next = AtomicUsize::new(0);
    let total = AtomicU64::new(0);
    let slots: Vec<std::sync::Mutex<Vec<Vec<u128>>>> =
        by_bucket.into_iter().map(std::sync::Mutex::new).collect();
    std::thread::scope(|s| {
        let work = || {
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(slot) = slots.get(k) else { break };
                let pieces = match slot.lock() {
                    Ok(mut p) => std::mem::take(&mut *p),
                    Err(_) => break,
                };
                let mut all: Vec<u128> = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
                for p in pieces {
                    all.extend(p);
                }
                all.sort_unstable();
                all.dedup();
                total.fetch_add(all.len() as u64, Ordering::Relaxed);
            }
        };
        for _ in 1..threads.max(1) {
            s.spawn(work);
        }
        work();
    });
    Ok(total.load(Ordering::Relaxed))
}

/// The pass over the copy of `info` (built first when it is missing or stale), or `None` when no
/// copy can be kept or it disagrees with the dataset's row count. `key`: the key columns to
/// count groups of (empty: none).
pub(crate) fn run(
    project: &Project,
    info: &DatasetInfo,
    key: &[String],
    rep: &Reporter,
) -> Result<Option<Pass>> {
    let Some(copy) = copy::ensure(project, info, rep)? else {
        return Ok(None);
    };
    if copy.rows() != info.rows {
        return Ok(None);
    }
    // The columns read: those exactly of their type.
    let read: Vec<usize> = info
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            copy.column(&c.name)
                .is_some_and(|m| m.exact && m.ty == c.ty)
        })
        .map(|(j, _)| j)
        .collect();
    if read.is_empty() {
        return Ok(Some(Pass {
            distinct_rows: None,
            distinct_keys: None,
            columns: vec![None; info.columns.len()],
        }));
    }
    let names: Vec<&str> = read
        .iter()
        .map(|&j| info.columns[j].name.as_str())
        .collect();
    let types: Vec<ColumnType> = read.iter().map(|&j| info.columns[j].ty).collect();
    let all_read = read.len() == info.columns.len();
    // Positions (in the chunk's frame) of the key columns, when they were all read.
    let key_cols: Option<Vec<usize>> = if key.is_empty() {
        None
    } else {
        key.iter()
            .map(|k| {
                let j = info.columns.iter().position(|c| c.name == *k)?;
                read.iter().position(|&r| r == j)
            })
            .collect()
    };
    let row_cols: Vec<usize> = (0..read.len()).collect();

    let seeds: Seeds = [
        PlSeedableRandomStateQuality::random(),
        PlSeedableRandomStateQuality::random(),
    ];
    let chunks = copy.chunks(project, &names)?;
    let n = chunks.len();
    let threads = crate::parallel::threads(0).min(n.max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicU64::new(0);
    rep.report(Stage::Profiling, 0, Some(info.rows), Unit::Rows, 0, true);
    let work = || -> Result<State> {
        let mut state = State::new(&types);
        loop {
            rep.check()?;
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= n {
                break;
            }
            let df = chunks.frame(k)?;
            for (c, col) in state.columns.iter_mut().zip(df.columns()) {
                c.add(col)?;
            }
            if all_read {
                add_hashes(&mut state.rows, row_hashes(&df, &row_cols, &seeds)?);
            }
            if let Some(kc) = &key_cols {
                add_hashes(&mut state.keys, row_hashes(&df, kc, &seeds)?);
            }
            let d = done.fetch_add(df.height() as u64, Ordering::Relaxed) + df.height() as u64;
            rep.report(Stage::Profiling, d, Some(info.rows), Unit::Rows, d, false);
        }
        Ok(state)
    };
    let states: Vec<Result<State>> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let first = work();
        std::iter::once(first)
            .chain(handles.into_iter().map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(Error::InvalidArgument(
                        "profiling failed in a worker thread; please report it".into(),
                    ))
                })
            }))
            .collect()
    });
    let mut columns: Option<Vec<ColumnCounts>> = None;
    let (mut rows, mut keys) = (Vec::new(), Vec::new());
    for st in states {
        let st = st?;
        match &mut columns {
            None => columns = Some(st.columns),
            Some(cols) => {
                for (a, b) in cols.iter_mut().zip(st.columns) {
                    a.merge(b);
                }
            }
        }
        rows.push(st.rows);
        keys.push(st.keys);
    }
    rep.check()?;
    let distinct_rows = if all_read {
        Some(count_distinct(rows, threads)?)
    } else {
        None
    };
    let distinct_keys = if key_cols.is_some() {
        Some(count_distinct(keys, threads)?)
    } else {
        None
    };
    let mut out: Vec<Option<ColumnCounts>> = vec![None; info.columns.len()];
    for (j, c) in read.into_iter().zip(columns.unwrap_or_default()) {
        out[j] = Some(c);
    }
    Ok(Some(Pass {
        distinct_rows,
        distinct_keys,
        columns: out,
    }))
}
