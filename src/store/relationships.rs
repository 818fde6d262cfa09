//! Relationships between datasets the user confirmed: a column of one dataset whose values are
//! the keys of a column of another (`orders.customer_id → customers.customer_id`).

use crate::error::Result;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

/// `from_dataset.from_column → to_dataset.to_column`: the many side first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    pub from_dataset: String,
    pub from_column: String,
    pub to_dataset: String,
    pub to_column: String,
}

impl std::fmt::Display for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{} → {}.{}",
            self.from_dataset, self.from_column, self.to_dataset, self.to_column
        )
    }
}

pub fn list(conn: &Connection) -> Result<Vec<Link>> {
    Ok(conn
        .prepare(
            "SELECT from_dataset, from_column, to_dataset, to_column FROM _loupe_relationships
             ORDER BY from_dataset, from_column, to_dataset, to_column",
        )?
        .query_map([], |r| {
            Ok(Link {
                from_dataset: r.get(0)?,
                from_column: r.get(1)?,
                to_dataset: r.get(2)?,
                to_column: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn put(conn: &Connection, l: &Link) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO _loupe_relationships(from_dataset, from_column, to_dataset, to_column, confirmed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            l.from_dataset,
            l.from_column,
            l.to_dataset,
            l.to_column,
            super::activity::now_rfc3339()
        ],
    )?;
    Ok(())
}

/// Removes the link, in either direction; whether there was one.
pub fn remove(conn: &Connection, l: &Link) -> Result<bool> {
    let n = conn.execute(
        "DELETE FROM _loupe_relationships WHERE
           (from_dataset = ?1 AND from_column = ?2 AND to_dataset = ?3 AND to_column = ?4) OR
           (from_dataset = ?3 AND from_column = ?4 AND to_dataset = ?1 AND to_column = ?2)",
        params![l.from_dataset, l.from_column, l.to_dataset, l.to_column],
    )?;
    Ok(n > 0)
}
