//! The catalog: what each dataset is, where it came from, and its columns' types and roles.

use super::names::quote_ident;
use crate::dataset::{ColumnInfo, DatasetInfo, Role, SourceFile};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// What the importer records for a dataset whose table it has filled.
pub struct NewDataset<'a> {
    pub info: &'a DatasetInfo,
    pub kind: &'a str,
}

pub fn insert(conn: &Connection, new: &NewDataset<'_>) -> Result<()> {
    let d = new.info;
    conn.execute(
        "INSERT INTO _loupe_datasets(name, kind, format, encoding, delimiter, has_header, imported_at, row_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            d.name,
            new.kind,
            d.format,
            d.encoding,
            d.delimiter,
            d.has_header,
            d.imported_at,
            d.rows as i64
        ],
    )?;
    let id = conn.last_insert_rowid();
    for (i, s) in d.sources.iter().enumerate() {
        conn.execute(
            "INSERT INTO _loupe_sources(dataset_id, ordinal, path, size, modified, sha256, rows)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                i as i64,
                s.path,
                s.size as i64,
                s.modified,
                s.sha256,
                s.rows as i64
            ],
        )?;
    }
    for (i, c) in d.columns.iter().enumerate() {
        conn.execute(
            "INSERT INTO _loupe_columns(dataset_id, position, name, type, role, role_source, nulls, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                i as i64,
                c.name,
                c.ty.as_str(),
                c.role.map(|r| r.as_str()),
                c.role_source.map(|r| r.as_str()),
                c.nulls as i64,
                c.note
            ],
        )?;
    }
    Ok(())
}

/// Removes a dataset's catalog entry and drops its table.
pub fn remove(conn: &Connection, name: &str) -> Result<()> {
    conn.execute("DELETE FROM _loupe_datasets WHERE name = ?1", [name])?;
    conn.execute("DELETE FROM _loupe_recipes WHERE dataset = ?1", [name])?;
    conn.execute("DELETE FROM _loupe_derived WHERE output = ?1", [name])?;
    conn.execute_batch(&format!("DROP TABLE IF EXISTS {}", quote_ident(name)))?;
    Ok(())
}

pub fn set_role(conn: &Connection, dataset: &str, column: &str, role: Option<Role>) -> Result<()> {
    let id: i64 = conn.query_row(
        "SELECT id FROM _loupe_datasets WHERE name = ?1",
        [dataset],
        |r| r.get(0),
    )?;
    if let Some(role) = role {
        // A role belongs to one column at a time.
        conn.execute(
            "UPDATE _loupe_columns SET role = NULL, role_source = NULL WHERE dataset_id = ?1 AND role = ?2",
            params![id, role.as_str()],
        )?;
    }
    conn.execute(
        "UPDATE _loupe_columns SET role = ?3, role_source = ?4 WHERE dataset_id = ?1 AND name = ?2",
        params![id, column, role.map(|r| r.as_str()), role.map(|_| "user")],
    )?;
    Ok(())
}

pub fn list(conn: &Connection) -> Result<Vec<DatasetInfo>> {
    let names: Vec<String> = conn
        .prepare_cached("SELECT name FROM _loupe_datasets ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        if let Some(d) = get(conn, &n)? {
            out.push(d);
        }
    }
    Ok(out)
}

pub fn get(conn: &Connection, name: &str) -> Result<Option<DatasetInfo>> {
    let row = conn
        .prepare_cached(
            "SELECT id, name, format, encoding, delimiter, has_header, imported_at, row_count
             FROM _loupe_datasets WHERE name = ?1",
        )?
        .query_row([name], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                DatasetInfo {
                    name: r.get(1)?,
                    format: r.get(2)?,
                    encoding: r.get(3)?,
                    delimiter: r.get(4)?,
                    has_header: r.get(5)?,
                    imported_at: r.get(6)?,
                    rows: r.get::<_, i64>(7)? as u64,
                    sources: vec![],
                    columns: vec![],
                },
            ))
        })
        .optional()?;
    let Some((id, mut info)) = row else {
        return Ok(None);
    };
    info.sources = conn
        .prepare_cached(
            "SELECT path, size, modified, sha256, rows FROM _loupe_sources WHERE dataset_id = ?1 ORDER BY ordinal",
        )?
        .query_map([id], |r| {
            Ok(SourceFile {
                path: r.get(0)?,
                size: r.get::<_, i64>(1)? as u64,
                modified: r.get(2)?,
                sha256: r.get(3)?,
                rows: r.get::<_, i64>(4)? as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    info.columns = conn
        .prepare_cached(
            "SELECT name, type, role, role_source, nulls, note FROM _loupe_columns WHERE dataset_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            let ty: String = r.get(1)?;
            let role: Option<String> = r.get(2)?;
            let source: Option<String> = r.get(3)?;
            Ok(ColumnInfo {
                name: r.get(0)?,
                ty: ty.parse().unwrap_or(crate::dataset::ColumnType::Text),
                role: role.and_then(|s| s.parse().ok()),
                role_source: source.and_then(|s| s.parse().ok()),
                nulls: r.get::<_, i64>(4)? as u64,
                note: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(info))
}
