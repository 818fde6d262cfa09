//! Where saved charts are kept: a title each (unique), the chart as JSON text (the explore
//! module reads it), in the user's order.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A stored chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChart {
    pub title: String,
    pub json: String,
    pub updated_at: String,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredChart> {
    Ok(StoredChart {
        title: r.get(0)?,
        json: r.get(1)?,
        updated_at: r.get(2)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<StoredChart>> {
    let mut stmt = conn.prepare_cached(
        "SELECT title, chart, updated_at FROM _loupe_charts ORDER BY position, title",
    )?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
}

pub fn get(conn: &Connection, title: &str) -> Result<Option<StoredChart>> {
    Ok(conn
        .query_row(
            "SELECT title, chart, updated_at FROM _loupe_charts WHERE title = ?1",
            [title],
            row,
        )
        .optional()?)
}

/// Adds a chart at the end, or replaces an existing one of the same title in place.
pub fn put(conn: &Connection, title: &str, json: &str) -> Result<()> {
    let now = super::activity::now_rfc3339();
    conn.execute(
        "INSERT INTO _loupe_charts(title, chart, position, created_at, updated_at)
         VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM _loupe_charts), ?3, ?3)
         ON CONFLICT(title) DO UPDATE SET chart = ?2, updated_at = ?3",
        params![title, json, now],
    )?;
    Ok(())
}

/// Gives a chart a new title, keeping its place; returns whether it existed. Fails (a
/// constraint error) when the new title is taken.
pub fn rename(conn: &Connection, title: &str, new_title: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE _loupe_charts SET title = ?2, updated_at = ?3 WHERE title = ?1",
        params![title, new_title, super::activity::now_rfc3339()],
    )? > 0)
}

/// Removes a chart; returns whether it existed.
pub fn remove(conn: &Connection, title: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM _loupe_charts WHERE title = ?1", [title])? > 0)
}

/// Puts the charts in the order of `titles` (positions 1, 2, …), in one transaction; charts not
/// named keep their positions after those.
pub fn reorder(conn: &Connection, titles: &[String]) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    let base: i64 = tx.query_row(
        "SELECT coalesce(max(position), 0) FROM _loupe_charts",
        [],
        |r| r.get(0),
    )?;
    {
        let mut stmt =
            tx.prepare_cached("UPDATE _loupe_charts SET position = ?2 WHERE title = ?1")?;
        // Out of the way first, then in order (positions need not be unique, but stay so).
        for (i, t) in titles.iter().enumerate() {
            stmt.execute(params![t, base + 1 + i as i64])?;
        }
        for (i, t) in titles.iter().enumerate() {
            stmt.execute(params![t, 1 + i as i64])?;
        }
    }
    tx.commit()?;
    Ok(())
}
