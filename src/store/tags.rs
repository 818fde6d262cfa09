//! Where the customer tag rules are kept: a name and a condition over the customer table each,
//! in the user's order.

use crate::error::Result;
use rusqlite::{Connection, params};

/// A stored tag rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTag {
    pub name: String,
    pub rule: String,
}

pub fn list(conn: &Connection) -> Result<Vec<StoredTag>> {
    let mut stmt = conn.prepare("SELECT name, rule FROM _loupe_tags ORDER BY position, name")?;
    let rows = stmt.query_map([], |r| {
        Ok(StoredTag {
            name: r.get(0)?,
            rule: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Adds a tag at the end, or replaces the rule of an existing one in place.
pub fn put(conn: &Connection, name: &str, rule: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO _loupe_tags(name, rule, position, updated_at)
         VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM _loupe_tags), ?3)
         ON CONFLICT(name) DO UPDATE SET rule = ?2, updated_at = ?3",
        params![name, rule, super::activity::now_rfc3339()],
    )?;
    Ok(())
}

/// Removes a tag; returns whether it existed.
pub fn remove(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM _loupe_tags WHERE name = ?1", [name])? > 0)
}
