//! Where datasets derived from others (joins, appends) keep their definition: the spec as JSON
//! text (the combine module reads it) and the data markers of their inputs when last built.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A stored definition.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDerived {
    pub output: String,
    pub kind: String,
    pub spec: String,
    /// JSON object: input dataset → its data marker when the output was built.
    pub inputs: String,
    pub updated_at: String,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDerived> {
    Ok(StoredDerived {
        output: r.get(0)?,
        kind: r.get(1)?,
        spec: r.get(2)?,
        inputs: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

pub fn get(conn: &Connection, output: &str) -> Result<Option<StoredDerived>> {
    Ok(conn
        .query_row(
            "SELECT output, kind, spec, inputs, updated_at FROM _loupe_derived WHERE output = ?1",
            [output],
            row,
        )
        .optional()?)
}

/// Every definition, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<StoredDerived>> {
    Ok(conn
        .prepare(
            "SELECT output, kind, spec, inputs, updated_at FROM _loupe_derived ORDER BY rowid",
        )?
        .query_map([], row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn put(conn: &Connection, output: &str, kind: &str, spec: &str, inputs: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO _loupe_derived(output, kind, spec, inputs, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(output) DO UPDATE SET kind = ?2, spec = ?3, inputs = ?4, updated_at = ?5",
        params![output, kind, spec, inputs, super::activity::now_rfc3339()],
    )?;
    Ok(())
}
