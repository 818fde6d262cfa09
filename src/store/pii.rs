//! The catalog's record of personal data: per dataset column, the kind found at import and what
//! the user decided (`_loupe_pii`), and the project's hashing salt (`_loupe_meta.pii_salt`).

use super::Project;
use crate::error::{Error, Result};
use crate::privacy::{FlagSource, PiiAction, PiiColumn, PiiKind};
use rusqlite::{Connection, OptionalExtension, params};

/// The project's salt for hashed columns: random, made when the project was created (or upgraded
/// to schema 6), the same for every dataset so that hashed ids still join.
pub fn salt(conn: &Connection) -> Result<String> {
    conn.query_row(
        "SELECT value FROM _loupe_meta WHERE key = 'pii_salt'",
        [],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        Error::InvalidArgument(
            "the project has no hashing salt; open it with this Loupe to upgrade it".into(),
        )
    })
}

/// Records the flags of a dataset the caller just inserted into the catalog (same transaction).
pub fn save(conn: &Connection, dataset: &str, flags: &[PiiColumn]) -> Result<()> {
    let id: i64 = conn.query_row(
        "SELECT id FROM _loupe_datasets WHERE name = ?1",
        [dataset],
        |r| r.get(0),
    )?;
    conn.execute("DELETE FROM _loupe_pii WHERE dataset_id = ?1", [id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO _loupe_pii(dataset_id, column_name, kind, action, share, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for f in flags {
        stmt.execute(params![
            id,
            f.column,
            f.kind.as_str(),
            f.action.as_str(),
            f.share,
            f.source.as_str()
        ])?;
    }
    Ok(())
}

fn own(conn: &Connection, dataset: &str) -> Result<Vec<PiiColumn>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.column_name, p.kind, p.action, p.share, p.source
         FROM _loupe_pii p JOIN _loupe_datasets d ON d.id = p.dataset_id
         WHERE d.name = ?1 ORDER BY p.rowid",
    )?;
    let rows = stmt.query_map([dataset], |r| {
        let kind: String = r.get(1)?;
        let action: String = r.get(2)?;
        let source: String = r.get(4)?;
        Ok(PiiColumn {
            column: r.get(0)?,
            kind: kind.parse().unwrap_or(PiiKind::Other),
            action: action.parse().unwrap_or(PiiAction::Keep),
            share: r.get(3)?,
            source: if source == "user" {
                FlagSource::User
            } else {
                FlagSource::Detected
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The flags of a dataset. A cleaned dataset (the output of a recipe) has those of its source's
/// columns that it still has.
pub fn flags(conn: &Connection, dataset: &str) -> Result<Vec<PiiColumn>> {
    let mine = own(conn, dataset)?;
    if !mine.is_empty() {
        return Ok(mine);
    }
    let source: Option<String> = conn
        .query_row(
            "SELECT dataset FROM _loupe_recipes WHERE output = ?1 AND dataset <> ?1",
            [dataset],
            |r| r.get(0),
        )
        .optional()?;
    let Some(source) = source else {
        return Ok(mine);
    };
    let Some(info) = super::catalog::get(conn, dataset)? else {
        return Ok(mine);
    };
    Ok(own(conn, &source)?
        .into_iter()
        .filter(|f| f.action != PiiAction::Drop && info.column(&f.column).is_some())
        .collect())
}

impl Project {
    /// The project's hashing salt.
    pub fn pii_salt(&self) -> Result<String> {
        salt(self.conn())
    }

    /// The personal-data flags of a dataset's columns (dropped columns included).
    pub fn pii_flags(&self, dataset: &str) -> Result<Vec<PiiColumn>> {
        flags(self.conn(), dataset)
    }

    /// Records flags for a dataset already in the project (`loupe privacy scan --save`); logged.
    pub fn set_pii_flags(&mut self, dataset: &str, new: &[PiiColumn]) -> Result<()> {
        self.dataset(dataset)?;
        let tx = self.conn_mut().transaction()?;
        save(&tx, dataset, new)?;
        super::append_activity(
            &tx,
            super::Action::Edit,
            Some(dataset),
            None,
            &serde_json::json!({
                "personal_data": new.iter().map(|f| serde_json::json!({
                    "column": f.column, "kind": f.kind, "action": f.action
                })).collect::<Vec<_>>()
            }),
        )?;
        tx.commit()?;
        Ok(())
    }
}
