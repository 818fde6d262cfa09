//! Where each dataset's cleaning recipe is kept (as JSON text; the clean module reads it).

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A stored recipe: its JSON and the dataset it builds.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecipe {
    pub json: String,
    pub output: String,
    pub updated_at: String,
}

pub fn get(conn: &Connection, dataset: &str) -> Result<Option<StoredRecipe>> {
    Ok(conn
        .query_row(
            "SELECT recipe, output, updated_at FROM _loupe_recipes WHERE dataset = ?1",
            [dataset],
            |r| {
                Ok(StoredRecipe {
                    json: r.get(0)?,
                    output: r.get(1)?,
                    updated_at: r.get(2)?,
                })
            },
        )
        .optional()?)
}

pub fn put(conn: &Connection, dataset: &str, output: &str, json: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO _loupe_recipes(dataset, output, recipe, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(dataset) DO UPDATE SET output = ?2, recipe = ?3, updated_at = ?4",
        params![dataset, output, json, super::activity::now_rfc3339()],
    )?;
    Ok(())
}

/// The dataset whose recipe builds `output`, if any.
pub fn source_of(conn: &Connection, output: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT dataset FROM _loupe_recipes WHERE output = ?1",
            [output],
            |r| r.get(0),
        )
        .optional()?)
}
