//! A large scan split across cores: each part reads one rowid range of the dataset through its
//! own read-only connection, and the parts are joined in row order, renumbering their texts so
//! the result equals a single pass's (the same customers, lines, order and numbers).

use super::scan::{Interner, Line, NONE, Part, PartStart, Scan, ScanQuery, scan_part};
use crate::store::{Project, quote_ident};
use crate::{Error, Result};

/// Fewer rows than this (by rowid span) per part are read on one thread: opening a connection
/// and joining the parts would cost more than it saves.
const MIN_ROWS_PER_PART: i64 = 100_000;
/// SQLite reads the file; beyond a few parts the disk and the joining dominate.
const MAX_PARTS: usize = 4;

/// Reads the dataset in parts when it is large and the machine has cores to spare.
pub(super) fn scan_in_parts(
    project: &Project,
    dataset: &str,
    query: &ScanQuery,
    start: &PartStart<'_>,
    parts: usize,
) -> Result<Scan> {
    let ranges = rowid_ranges(project, dataset, parts);
    // Other connections see only what is committed: inside an open transaction read here alone.
    // An encrypted project's connection costs a key derivation, more than a part saves.
    let readers: Option<Vec<rusqlite::Connection>> =
        if ranges.len() > 1 && project.conn().is_autocommit() && !project.is_encrypted() {
            (1..ranges.len())
                .map(|_| project.reader())
                .collect::<Result<_>>()
                .ok()
        } else {
            None
        };
    let Some(readers) = readers else {
        return Ok(scan_part(project.conn(), dataset, &query.sql(None), start)?.scan);
    };
    let parts: Vec<Result<Part>> = std::thread::scope(|s| {
        let handles: Vec<_> = readers
            .into_iter()
            .zip(&ranges[1..])
            .map(|(conn, &range)| {
                let sql = query.sql(Some(range));
                s.spawn(move || scan_part(&conn, dataset, &sql, start))
            })
            .collect();
        let first = scan_part(project.conn(), dataset, &query.sql(Some(ranges[0])), start);
        std::iter::once(first)
            .chain(handles.into_iter().map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(Error::InvalidArgument(format!(
                        "reading dataset '{dataset}' failed in a worker thread; please report it"
                    )))
                })
            }))
            .collect()
    });
    let mut parts = parts.into_iter();
    let mut joined = match parts.next() {
        Some(first) => first?,
        None => return Ok(Scan::default()),
    };
    for part in parts {
        append(&mut joined, part?);
    }
    Ok(joined.scan)
}

/// Consecutive rowid ranges `[lo, hi]` covering the table, one per part; a single range (or
/// none, for a table without rowids) means one pass. `parts` 0 picks the number by size and
/// cores.
fn rowid_ranges(project: &Project, dataset: &str, parts: usize) -> Vec<(i64, i64)> {
    let (parts, min_rows) = match parts {
        0 => (
            crate::parallel::threads(0).min(MAX_PARTS),
            MIN_ROWS_PER_PART,
        ),
        n => (n, 1),
    };
    if parts < 2 {
        return Vec::new();
    }
    // Two subqueries: SQLite answers a lone min() or max() from the b-tree's ends, but scans the
    // whole table for both in one SELECT.
    let t = quote_ident(dataset);
    let bounds = project.conn().query_row(
        &format!("SELECT (SELECT min(rowid) FROM {t}), (SELECT max(rowid) FROM {t})"),
        [],
        |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)),
    );
    let Ok((Some(lo), Some(hi))) = bounds else {
        return Vec::new();
    };
    split_range(lo, hi, parts, min_rows)
}

/// Splits `lo..=hi` into at most `parts` ranges of at least `min_rows` rowids.
fn split_range(lo: i64, hi: i64, parts: usize, min_rows: i64) -> Vec<(i64, i64)> {
    let span = i128::from(hi) - i128::from(lo) + 1;
    let n = (span / i128::from(min_rows.max(1))).clamp(1, parts as i128);
    let at = |k: i128| -> i64 {
        let v = i128::from(lo) + span * k / n;
        i64::try_from(v).unwrap_or(i64::MAX)
    };
    (0..n)
        .map(|k| {
            let end = if k == n - 1 { hi } else { at(k + 1) - 1 };
            (at(k), end)
        })
        .collect()
}

/// The number in `to` of each text of `from`, numbering texts new to `to` in `from`'s order.
fn renumber(from: &Interner, to: &mut Interner) -> Vec<u32> {
    from.keys().into_iter().map(|k| to.id(k)).collect()
}

/// Appends `later` (rows after those of `into`) to `into`.
pub(super) fn append(into: &mut Part, later: Part) {
    let (scan, customers) = (later.scan, later.customers);
    let dst = &mut into.scan;
    let orders = renumber(&scan.orders, &mut dst.orders);
    let items = renumber(&scan.items, &mut dst.items);
    let item_ids = renumber(&scan.item_ids, &mut dst.item_ids);
    let categories = renumber(&scan.categories, &mut dst.categories);
    let channels = renumber(&scan.channels, &mut dst.channels);
    let map = |table: &[u32], v: u32| {
        if v == NONE {
            NONE
        } else {
            table.get(v as usize).copied().unwrap_or(NONE)
        }
    };
    for (lines, key) in scan.customers.into_iter().zip(customers.keys()) {
        let c = into.customers.id(key) as usize;
        if c == dst.customers.len() {
            dst.customers.push(super::scan::CustomerLines {
                id: lines.id,
                lines: Vec::with_capacity(lines.lines.len()),
            });
        }
        dst.customers[c]
            .lines
            .extend(lines.lines.into_iter().map(|l| Line {
                order: map(&orders, l.order),
                item: map(&items, l.item),
                item_id: map(&item_ids, l.item_id),
                category: map(&categories, l.category),
                channel: map(&channels, l.channel),
                ..l
            }));
    }
    dst.skipped_rows += scan.skipped_rows;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_span_once() {
        assert_eq!(
            split_range(1, 50_000, 2, MIN_ROWS_PER_PART),
            vec![(1, 50_000)]
        );
        assert_eq!(
            split_range(1, 200_000, 2, MIN_ROWS_PER_PART),
            vec![(1, 100_000), (100_001, 200_000)]
        );
        let r = split_range(-5, 1_000_003, 4, MIN_ROWS_PER_PART);
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].0, -5);
        assert_eq!(r[3].1, 1_000_003);
        assert!(
            r.windows(2)
                .all(|w| w[0].1 + 1 == w[1].0 && w[0].0 < w[0].1)
        );
        let r = split_range(i64::MIN, i64::MAX, 3, 1);
        assert_eq!((r[0].0, r[2].1), (i64::MIN, i64::MAX));
        assert_eq!(split_range(1, 3, 8, 1), vec![(1, 1), (2, 2), (3, 3)]);
    }
}
