//! The append-only activity log: every import, export, deletion and rebuild.

use crate::error::Result;
use rusqlite::Connection;
use serde::Serialize;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Import,
    Export,
    Delete,
    Rebuild,
    Edit,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Import => "import",
            Action::Export => "export",
            Action::Delete => "delete",
            Action::Rebuild => "rebuild",
            Action::Edit => "edit",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityEntry {
    pub id: i64,
    /// Local time with offset, RFC 3339.
    pub at: String,
    pub action: String,
    pub dataset: Option<String>,
    pub rows: Option<u64>,
    pub detail: serde_json::Value,
}

pub fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Appends one entry; works inside the caller's transaction when given one.
pub fn append(
    conn: &Connection,
    action: Action,
    dataset: Option<&str>,
    rows: Option<u64>,
    detail: &serde_json::Value,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO _loupe_activity(at, action, dataset, rows, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![
        now_rfc3339(),
        action.as_str(),
        dataset,
        rows.map(|r| r as i64),
        detail.to_string()
    ])?;
    Ok(())
}

/// The newest `limit` entries, newest first.
pub fn list(conn: &Connection, limit: usize) -> Result<Vec<ActivityEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, action, dataset, rows, detail FROM _loupe_activity ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        let detail: String = r.get(5)?;
        Ok(ActivityEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            action: r.get(2)?,
            dataset: r.get(3)?,
            rows: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
