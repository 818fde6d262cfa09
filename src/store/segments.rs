//! Where saved segments (their rules as JSON; the segments module reads them) and snapshots of
//! their members are kept.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A saved segment as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSegment {
    pub name: String,
    pub json: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredSegment> {
    Ok(StoredSegment {
        name: r.get(0)?,
        json: r.get(1)?,
        description: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

const COLUMNS: &str = "name, rule, description, created_at, updated_at";

pub fn list(conn: &Connection) -> Result<Vec<StoredSegment>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM _loupe_segments ORDER BY name"
    ))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, name: &str) -> Result<Option<StoredSegment>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM _loupe_segments WHERE name = ?1"),
            [name],
            row,
        )
        .optional()?)
}

pub fn put(conn: &Connection, name: &str, json: &str, description: &str) -> Result<()> {
    let now = super::activity::now_rfc3339();
    conn.execute(
        "INSERT INTO _loupe_segments(name, rule, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT(name) DO UPDATE SET rule = ?2, description = ?3, updated_at = ?4",
        params![name, json, description, now],
    )?;
    Ok(())
}

/// Removes a segment and its snapshots; false when there was none.
pub fn delete(conn: &Connection, name: &str) -> Result<bool> {
    conn.execute("DELETE FROM _loupe_snapshots WHERE segment = ?1", [name])?;
    Ok(conn.execute("DELETE FROM _loupe_segments WHERE name = ?1", [name])? > 0)
}

/// A snapshot: who was in a segment at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub id: i64,
    pub segment: String,
    pub taken_at: String,
    pub dataset: String,
    pub as_of: String,
    /// Why it was taken: `save`, `export` or `snapshot`.
    pub reason: String,
    /// The member ids, sorted.
    pub ids: Vec<String>,
}

/// Records a snapshot; `ids` must be sorted. Returns its id.
pub fn add_snapshot(
    conn: &Connection,
    segment: &str,
    dataset: &str,
    as_of: &str,
    reason: &str,
    ids: &[String],
) -> Result<i64> {
    conn.execute(
        "INSERT INTO _loupe_snapshots(segment, taken_at, dataset, as_of, reason, members, ids) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            segment,
            super::activity::now_rfc3339(),
            dataset,
            as_of,
            reason,
            ids.len() as i64,
            ids.join("\n")
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

fn snapshot_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Snapshot> {
    let ids: String = r.get(6)?;
    Ok(Snapshot {
        id: r.get(0)?,
        segment: r.get(1)?,
        taken_at: r.get(2)?,
        dataset: r.get(3)?,
        as_of: r.get(4)?,
        reason: r.get(5)?,
        ids: if ids.is_empty() {
            Vec::new()
        } else {
            ids.split('\n').map(str::to_string).collect()
        },
    })
}

/// The snapshots of a segment, oldest first.
pub fn snapshots(conn: &Connection, segment: &str) -> Result<Vec<Snapshot>> {
    let mut stmt = conn.prepare(
        "SELECT id, segment, taken_at, dataset, as_of, reason, ids FROM _loupe_snapshots WHERE segment = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([segment], snapshot_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn snapshot(conn: &Connection, id: i64) -> Result<Option<Snapshot>> {
    Ok(conn
        .query_row(
            "SELECT id, segment, taken_at, dataset, as_of, reason, ids FROM _loupe_snapshots WHERE id = ?1",
            [id],
            snapshot_row,
        )
        .optional()?)
}
