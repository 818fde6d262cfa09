//! Browsing a dataset: the order of its rows under a sort and a quick filter, and windows of rows
//! fetched by position, for a table view that scrolls through millions of rows.
//!
//! [`row_ids`] computes the view's order once (one SQL statement, off the UI thread: sorting
//! 500k rows takes a few hundred ms); [`fetch`] then reads any window by rowid in about a
//! millisecond, so scrolling never re-sorts. [`page`] is the plain LIMIT/OFFSET alternative.

use crate::error::{Error, Result};
use crate::progress::{Reporter, Stage, Unit};
use crate::query::Cell;
use crate::store::quote_ident;
use rusqlite::Connection;
use std::collections::HashMap;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    Asc,
    Desc,
}

impl SortDir {
    pub fn flipped(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
    fn sql(self) -> &'static str {
        match self {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        }
    }
}

/// A quick filter: rows whose text contains `text` (case-insensitive for ASCII), in any column or
/// in one column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub text: String,
    /// `None`: any column.
    pub column: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// What the table shows: a dataset, sorted and filtered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    pub dataset: String,
    /// All columns of the dataset, in order (the filter looks in all of them).
    pub columns: Vec<String>,
    pub sort: Option<(String, SortDir)>,
    pub filter: Filter,
    /// Only rows meeting this SQL condition: the rows behind a quality finding. Written by the
    /// library (never typed by users), and run on a read-only connection.
    pub rows_where: Option<String>,
}

impl View {
    pub fn new(dataset: impl Into<String>, columns: Vec<String>) -> View {
        View {
            dataset: dataset.into(),
            columns,
            sort: None,
            filter: Filter::default(),
            rows_where: None,
        }
    }

    fn check_column(&self, c: &str) -> Result<()> {
        if self.columns.iter().any(|x| x == c) {
            Ok(())
        } else {
            Err(Error::InvalidArgument(format!(
                "dataset '{}' has no column '{c}'; its columns are {}",
                self.dataset,
                self.columns.join(", ")
            )))
        }
    }

    /// `WHERE …` (or empty) and its one parameter.
    fn where_clause(&self) -> Result<(String, Option<String>)> {
        let (clause, param) = self.filter_clause()?;
        Ok(match (&self.rows_where, clause.is_empty()) {
            (None, _) => (clause, param),
            (Some(w), true) => (format!(" WHERE ({w})"), param),
            (Some(w), false) => (format!("{clause} AND ({w})"), param),
        })
    }

    fn filter_clause(&self) -> Result<(String, Option<String>)> {
        if self.filter.is_empty() {
            return Ok((String::new(), None));
        }
        let pattern = format!("%{}%", escape_like(self.filter.text.trim()));
        let cols: Vec<&String> = match &self.filter.column {
            Some(c) => {
                self.check_column(c)?;
                vec![c]
            }
            None => self.columns.iter().collect(),
        };
        if cols.is_empty() {
            return Ok((" WHERE 0".into(), None));
        }
        let ors: Vec<String> = cols
            .iter()
            .map(|c| format!("{} LIKE ?1 ESCAPE '\\'", quote_ident(c)))
            .collect();
        Ok((format!(" WHERE ({})", ors.join(" OR ")), Some(pattern)))
    }

    fn order_clause(&self) -> Result<String> {
        Ok(match &self.sort {
            Some((c, dir)) => {
                self.check_column(c)?;
                // NULLs last whatever the direction; rowid keeps equal values in file order.
                format!(
                    " ORDER BY {q} IS NULL, {q} {d}, rowid",
                    q = quote_ident(c),
                    d = dir.sql()
                )
            }
            None => " ORDER BY rowid".into(),
        })
    }
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn query_err(e: rusqlite::Error) -> Error {
    Error::Query(e.to_string())
}

/// Number of rows in the view.
pub fn count(conn: &Connection, view: &View) -> Result<u64> {
    let (wh, param) = view.where_clause()?;
    let sql = format!("SELECT count(*) FROM {}{wh}", quote_ident(&view.dataset));
    let mut stmt = conn.prepare(&sql).map_err(query_err)?;
    let n: i64 = match param {
        Some(p) => stmt.query_row([p], |r| r.get(0)),
        None => stmt.query_row([], |r| r.get(0)),
    }
    .map_err(query_err)?;
    Ok(n.max(0) as u64)
}

/// The rowids of the view's rows, in the view's order. Reports rows and checks for cancellation.
pub fn row_ids(conn: &Connection, view: &View, rep: &Reporter) -> Result<Vec<i64>> {
    let (wh, param) = view.where_clause()?;
    let order = view.order_clause()?;
    let sql = format!(
        "SELECT rowid FROM {}{wh}{order}",
        quote_ident(&view.dataset)
    );
    let mut stmt = conn.prepare(&sql).map_err(query_err)?;
    let mut rows = match &param {
        Some(p) => stmt.query([p]),
        None => stmt.query([]),
    }
    .map_err(query_err)?;
    let mut ids = Vec::new();
    rep.report(Stage::Sorting, 0, None, Unit::Rows, 0, true);
    while let Some(row) = rows.next().map_err(query_err)? {
        ids.push(row.get::<_, i64>(0).map_err(query_err)?);
        if ids.len() % 65_536 == 0 {
            rep.check()?;
            let n = ids.len() as u64;
            rep.report(Stage::Reading, n, None, Unit::Rows, n, false);
        }
    }
    Ok(ids)
}

/// The rows with these rowids, in the given order, with the given columns.
pub fn fetch(
    conn: &Connection,
    dataset: &str,
    columns: &[String],
    ids: &[i64],
) -> Result<Vec<Vec<Cell>>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let cols: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    let select = if cols.is_empty() {
        String::new()
    } else {
        format!(", {}", cols.join(", "))
    };
    let mut out: Vec<Option<Vec<Cell>>> = vec![None; ids.len()];
    let pos: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    // Bounded statement size: SQLite allows 32k parameters, windows are a few hundred rows.
    for chunk in ids.chunks(500) {
        let placeholders = vec!["?"; chunk.len()].join(",");
        let sql = format!(
            "SELECT rowid{select} FROM {} WHERE rowid IN ({placeholders})",
            quote_ident(dataset)
        );
        let mut stmt = conn.prepare_cached(&sql).map_err(query_err)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(chunk.iter()))
            .map_err(query_err)?;
        while let Some(row) = rows.next().map_err(query_err)? {
            let id: i64 = row.get(0).map_err(query_err)?;
            let mut cells = Vec::with_capacity(columns.len());
            for j in 0..columns.len() {
                cells.push(Cell::from_ref(row.get_ref(j + 1).map_err(query_err)?));
            }
            if let Some(&i) = pos.get(&id) {
                out[i] = Some(cells);
            }
        }
    }
    // A row deleted meanwhile shows as empty rather than shifting the others.
    Ok(out
        .into_iter()
        .map(|r| r.unwrap_or_else(|| vec![Cell::Null; columns.len()]))
        .collect())
}

/// A window of the view by LIMIT/OFFSET (simple; re-sorts on every call when sorted).
pub fn page(conn: &Connection, view: &View, offset: u64, limit: usize) -> Result<Vec<Vec<Cell>>> {
    let (wh, param) = view.where_clause()?;
    let order = view.order_clause()?;
    let cols: Vec<String> = view.columns.iter().map(|c| quote_ident(c)).collect();
    let sql = format!(
        "SELECT {} FROM {}{wh}{order} LIMIT {limit} OFFSET {offset}",
        if cols.is_empty() {
            "rowid".to_string()
        } else {
            cols.join(", ")
        },
        quote_ident(&view.dataset)
    );
    let mut stmt = conn.prepare(&sql).map_err(query_err)?;
    let n = stmt.column_count();
    let mut rows = match &param {
        Some(p) => stmt.query([p]),
        None => stmt.query([]),
    }
    .map_err(query_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(query_err)? {
        let mut cells = Vec::with_capacity(n);
        for j in 0..n {
            cells.push(Cell::from_ref(row.get_ref(j).map_err(query_err)?));
        }
        out.push(cells);
    }
    Ok(out)
}

/// A window of fetched rows around the visible ones: what the table view keeps between frames.
#[derive(Debug, Clone, Default)]
pub struct RowCache {
    start: usize,
    rows: Vec<Vec<Cell>>,
}

impl RowCache {
    /// Rows fetched before and after the one asked for.
    pub const BEFORE: usize = 100;
    pub const AFTER: usize = 200;

    pub fn clear(&mut self) {
        self.rows.clear();
        self.start = 0;
    }

    /// The row at `index` of the view if it is cached.
    pub fn get(&self, index: usize) -> Option<&[Cell]> {
        index
            .checked_sub(self.start)
            .and_then(|i| self.rows.get(i))
            .map(Vec::as_slice)
    }

    /// The row at `index` of `ids`, fetching a window around it on a miss.
    pub fn get_or_fetch(
        &mut self,
        conn: &Connection,
        dataset: &str,
        columns: &[String],
        ids: &[i64],
        index: usize,
    ) -> Result<Option<&[Cell]>> {
        if index >= ids.len() {
            return Ok(None);
        }
        if self.get(index).is_none() {
            let start = index.saturating_sub(Self::BEFORE);
            let end = (index + Self::AFTER).min(ids.len());
            self.rows = fetch(conn, dataset, columns, &ids[start..end])?;
            self.start = start;
        }
        Ok(self.get(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t (name TEXT, n INTEGER, city TEXT);
             INSERT INTO t VALUES ('Alice', 3, '上海'), ('bob', 1, 'London'), ('Carol', NULL, '北京'),
                                  ('dave_x', 2, 'Paris'), ('Eve', 5, '上海浦东');",
        )
        .unwrap();
        c
    }

    fn view() -> View {
        View::new("t", vec!["name".into(), "n".into(), "city".into()])
    }

    fn names(c: &Connection, v: &View) -> Vec<String> {
        let ids = row_ids(c, v, &Reporter::silent()).unwrap();
        fetch(c, &v.dataset, &["name".to_string()], &ids)
            .unwrap()
            .into_iter()
            .map(|r| r[0].display())
            .collect()
    }

    #[test]
    fn unsorted_is_file_order() {
        let c = db();
        assert_eq!(
            names(&c, &view()),
            ["Alice", "bob", "Carol", "dave_x", "Eve"]
        );
        assert_eq!(count(&c, &view()).unwrap(), 5);
    }

    #[test]
    fn sort_puts_nulls_last_both_ways() {
        let c = db();
        let mut v = view();
        v.sort = Some(("n".into(), SortDir::Asc));
        assert_eq!(names(&c, &v), ["bob", "dave_x", "Alice", "Eve", "Carol"]);
        v.sort = Some(("n".into(), SortDir::Desc));
        assert_eq!(names(&c, &v), ["Eve", "Alice", "dave_x", "bob", "Carol"]);
    }

    #[test]
    fn filter_any_column_and_one_column() {
        let c = db();
        let mut v = view();
        v.filter.text = "上海".into();
        assert_eq!(names(&c, &v), ["Alice", "Eve"]);
        assert_eq!(count(&c, &v).unwrap(), 2);
        v.filter.text = "A".into(); // ASCII LIKE is case-insensitive
        v.filter.column = Some("name".into());
        assert_eq!(names(&c, &v), ["Alice", "Carol", "dave_x"]);
        // Wildcards in the text are literal.
        v.filter.text = "_".into();
        assert_eq!(names(&c, &v), ["dave_x"]);
        v.filter.column = Some("nope".into());
        assert!(row_ids(&c, &v, &Reporter::silent()).is_err());
    }

    #[test]
    fn page_matches_fetch() {
        let c = db();
        let mut v = view();
        v.sort = Some(("name".into(), SortDir::Desc));
        let p = page(&c, &v, 1, 2).unwrap();
        let ids = row_ids(&c, &v, &Reporter::silent()).unwrap();
        let f = fetch(&c, "t", &v.columns, &ids[1..3]).unwrap();
        assert_eq!(p, f);
    }

    #[test]
    fn cache_fetches_a_window() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE big (x INTEGER);
             WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000)
             INSERT INTO big SELECT i FROM s;",
        )
        .unwrap();
        let v = View::new("big", vec!["x".into()]);
        let ids = row_ids(&c, &v, &Reporter::silent()).unwrap();
        let mut cache = RowCache::default();
        let cols = v.columns.clone();
        let r = cache
            .get_or_fetch(&c, "big", &cols, &ids, 500)
            .unwrap()
            .unwrap();
        assert_eq!(r[0], Cell::Int(501));
        assert!(cache.get(400).is_some() && cache.get(699).is_some());
        assert!(cache.get(399).is_none() && cache.get(700).is_none());
        assert!(
            cache
                .get_or_fetch(&c, "big", &cols, &ids, 1000)
                .unwrap()
                .is_none()
        );
    }
}
