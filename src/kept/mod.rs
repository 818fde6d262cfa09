//! Derived tables kept in the project file and reused until their inputs change.
//!
//! A kept entry is what one build of a derived table produced (the customer table behind
//! segments, its per-customer lines and item index …), stored as compressed Parquet parts in
//! BLOBs inside the project. Inside the file, it is encrypted with the project (SQLCipher), is
//! part of every backup, and travels with the file to another machine.
//!
//! An entry is found by its **key** (what was asked: the kind, the datasets and the options) and
//! is valid while its **inputs** are unchanged: each input dataset's data marker
//! ([`Project::data_marker`], which moves with every import, replace, rebuild, deletion and
//! erasure logged for it) and its columns with their types and roles. On top of that check, a
//! trigger on the activity log deletes the entries of a dataset in the same transaction that logs
//! an import, rebuild, deletion or erasure of it, so a customer erased from the data leaves no
//! copy behind in a kept table (erasure deletes with `secure_delete` on).
//!
//! Writing an entry is one transaction: a failed, cancelled or killed build leaves the previous
//! state. The tables are created on the first write (derived data needs no schema migration).

pub mod blob;
pub mod copy;
pub mod exact;
pub mod sql_filter;

use crate::store::{Project, now};
use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};

/// Bumped when what a kept entry holds, or how it is computed, changes: older entries are then
/// rebuilt rather than read.
pub const FORMAT: u32 = 1;

/// At most this many entries of one kind are kept (the most recently built); a dataset's
/// columnar copy ([`copy`]) is one entry per dataset and is not counted, and chart rollups
/// have a limit of their own.
const KEEP_PER_KIND: i64 = 4;

/// Per-day chart rollups are small (a row per day, and per period of a time split): a dashboard's
/// worth is kept.
const ROLLUPS_KEPT: i64 = 64;

fn keep_per_kind(kind: &str) -> i64 {
    match kind {
        copy::KIND => i64::MAX,
        crate::explore::rollup::KIND => ROLLUPS_KEPT,
        _ => KEEP_PER_KIND,
    }
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS _loupe_kept (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL UNIQUE,
    inputs   TEXT NOT NULL,
    built_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS _loupe_kept_inputs (
    kept_id INTEGER NOT NULL,
    dataset TEXT NOT NULL,
    PRIMARY KEY (kept_id, dataset)
);
CREATE TABLE IF NOT EXISTS _loupe_kept_parts (
    kept_id INTEGER NOT NULL,
    part    TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    lo      INTEGER,
    hi      INTEGER,
    data    BLOB NOT NULL,
    PRIMARY KEY (kept_id, part, seq)
);
CREATE TRIGGER IF NOT EXISTS _loupe_kept_stale AFTER INSERT ON _loupe_activity
WHEN NEW.action IN ('import', 'rebuild', 'delete', 'erase')
BEGIN
    DELETE FROM _loupe_kept_parts WHERE NEW.dataset IS NULL OR kept_id IN
        (SELECT kept_id FROM _loupe_kept_inputs WHERE dataset = NEW.dataset);
    DELETE FROM _loupe_kept WHERE NEW.dataset IS NULL OR id IN
        (SELECT kept_id FROM _loupe_kept_inputs WHERE dataset = NEW.dataset);
    DELETE FROM _loupe_kept_inputs WHERE kept_id NOT IN (SELECT id FROM _loupe_kept);
END;
"#;

/// The state of one input dataset an entry was built from.
pub fn input_state(project: &Project, dataset: &str) -> Result<String> {
    let info = project.dataset(dataset)?;
    let marker = project.data_marker(dataset)?.unwrap_or_default();
    let columns: Vec<String> = info
        .columns
        .iter()
        .map(|c| {
            let role = c.role.map(|r| r.to_string()).unwrap_or_default();
            format!("{}:{}:{}", c.name, c.ty, role)
        })
        .collect();
    Ok(format!("{dataset}|{marker}|{}", columns.join(",")))
}

/// What an entry is built from: its key and the state of its inputs now.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub kind: &'static str,
    pub key: String,
    /// The input datasets, each with [`input_state`].
    pub datasets: Vec<(String, String)>,
}

impl Inputs {
    pub fn new(
        project: &Project,
        kind: &'static str,
        key: String,
        datasets: &[&str],
    ) -> Result<Inputs> {
        let mut seen: Vec<(String, String)> = Vec::new();
        for d in datasets {
            if !seen.iter().any(|(n, _)| n == d) {
                seen.push((d.to_string(), input_state(project, d)?));
            }
        }
        Ok(Inputs {
            kind,
            key: format!("{FORMAT}/{kind}/{key}"),
            datasets: seen,
        })
    }

    fn state(&self) -> String {
        self.datasets
            .iter()
            .map(|(_, s)| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// One part of an entry to write: a name, a sequence number within the name, an optional
/// range of keys it covers (for lookups by key), and its bytes.
pub struct Part {
    pub name: &'static str,
    pub seq: i64,
    pub range: Option<(i64, i64)>,
    pub data: Vec<u8>,
}

fn has_tables(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_loupe_kept_parts'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Drops every entry built from `dataset` (as the trigger does for a logged import, rebuild,
/// deletion or erasure), on `conn`, inside the caller's transaction; for a change the log records
/// otherwise, such as a rename.
pub fn forget_dataset(conn: &Connection, dataset: &str) -> Result<()> {
    if !has_tables(conn)? {
        return Ok(());
    }
    conn.execute(
        "DELETE FROM _loupe_kept_parts WHERE kept_id IN
            (SELECT kept_id FROM _loupe_kept_inputs WHERE dataset = ?1)",
        [dataset],
    )?;
    conn.execute(
        "DELETE FROM _loupe_kept WHERE id IN
            (SELECT kept_id FROM _loupe_kept_inputs WHERE dataset = ?1)",
        [dataset],
    )?;
    conn.execute(
        "DELETE FROM _loupe_kept_inputs WHERE kept_id NOT IN (SELECT id FROM _loupe_kept)",
        [],
    )?;
    Ok(())
}

/// A valid entry for `inputs`, read through the project's own connection.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    id: i64,
}

/// The entry kept for `inputs`, when there is one and its inputs are unchanged.
pub fn find(project: &Project, inputs: &Inputs) -> Result<Option<Entry>> {
    let conn = project.conn();
    if !has_tables(conn)? {
        return Ok(None);
    }
    let row: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, inputs FROM _loupe_kept WHERE key = ?1",
            [&inputs.key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row
        .filter(|(_, state)| *state == inputs.state())
        .map(|(id, _)| Entry { id }))
}

impl Entry {
    /// The bytes of every part named `name`, in order.
    pub fn parts(&self, project: &Project, name: &str) -> Result<Vec<Vec<u8>>> {
        let mut stmt = project.conn().prepare_cached(
            "SELECT data FROM _loupe_kept_parts WHERE kept_id = ?1 AND part = ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![self.id, name], |r| r.get::<_, Vec<u8>>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The one part named `name`.
    pub fn part(&self, project: &Project, name: &str) -> Result<Vec<u8>> {
        self.parts(project, name)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::InvalidArgument(format!("the kept table lacks its part {name}")))
    }

    /// The sequence numbers of the parts named `name` whose range holds `key`.
    pub fn parts_holding(&self, project: &Project, name: &str, key: i64) -> Result<Vec<i64>> {
        let mut stmt = project.conn().prepare_cached(
            "SELECT seq FROM _loupe_kept_parts
             WHERE kept_id = ?1 AND part = ?2 AND lo <= ?3 AND hi >= ?3 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![self.id, name, key], |r| r.get::<_, i64>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The bytes of every part named `name` whose range holds `key`, in order.
    pub fn parts_holding_data(
        &self,
        project: &Project,
        name: &str,
        key: i64,
    ) -> Result<Vec<Vec<u8>>> {
        let mut stmt = project.conn().prepare_cached(
            "SELECT data FROM _loupe_kept_parts
             WHERE kept_id = ?1 AND part = ?2 AND lo <= ?3 AND hi >= ?3 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![self.id, name, key], |r| r.get::<_, Vec<u8>>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The bytes of part `name` number `seq`.
    pub fn part_at(&self, project: &Project, name: &str, seq: i64) -> Result<Vec<u8>> {
        let mut stmt = project.conn().prepare_cached(
            "SELECT data FROM _loupe_kept_parts WHERE kept_id = ?1 AND part = ?2 AND seq = ?3",
        )?;
        Ok(stmt.query_row(params![self.id, name, seq], |r| r.get(0))?)
    }
}

/// Writes an entry for `inputs` in one transaction, replacing the one of the same key, and
/// drops the oldest entries of its kind beyond a few. A project opened read-only writes through
/// a connection of its own.
pub fn write(project: &Project, inputs: &Inputs, parts: &[Part]) -> Result<()> {
    if project.is_read_only() {
        write_on(&project.writer()?, inputs, parts)
    } else {
        // The project's connection is shared (&self): a transaction by hand.
        write_on(project.conn(), inputs, parts)
    }
}

fn write_on(conn: &Connection, inputs: &Inputs, parts: &[Part]) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match fill(conn, inputs, parts) {
        Ok(()) => {
            conn.execute_batch("COMMIT")?;
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn fill(conn: &Connection, inputs: &Inputs, parts: &[Part]) -> Result<()> {
    conn.execute_batch(SCHEMA)?;
    // `inputs` holds the state read before the build: when an import committed meanwhile, the
    // entry is stale on its first read and built again.
    remove_where(conn, "key = ?1", params![inputs.key])?;
    conn.execute(
        "INSERT INTO _loupe_kept(kind, key, inputs, built_at) VALUES (?1, ?2, ?3, ?4)",
        params![inputs.kind, inputs.key, inputs.state(), now()],
    )?;
    let id = conn.last_insert_rowid();
    for (d, _) in &inputs.datasets {
        conn.execute(
            "INSERT INTO _loupe_kept_inputs(kept_id, dataset) VALUES (?1, ?2)",
            params![id, d],
        )?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO _loupe_kept_parts(kept_id, part, seq, lo, hi, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for p in parts {
        stmt.execute(params![
            id,
            p.name,
            p.seq,
            p.range.map(|r| r.0),
            p.range.map(|r| r.1),
            p.data
        ])?;
    }
    remove_where(
        conn,
        "kind = ?1 AND id NOT IN (SELECT id FROM _loupe_kept WHERE kind = ?1 ORDER BY id DESC LIMIT ?2)",
        params![inputs.kind, keep_per_kind(inputs.kind)],
    )?;
    Ok(())
}

fn remove_where(conn: &Connection, cond: &str, p: impl rusqlite::Params + Clone) -> Result<()> {
    let ids = format!("SELECT id FROM _loupe_kept WHERE {cond}");
    conn.execute(
        &format!("DELETE FROM _loupe_kept_parts WHERE kept_id IN ({ids})"),
        p.clone(),
    )?;
    conn.execute(
        &format!("DELETE FROM _loupe_kept_inputs WHERE kept_id IN ({ids})"),
        p.clone(),
    )?;
    conn.execute(&format!("DELETE FROM _loupe_kept WHERE {cond}"), p)?;
    Ok(())
}

/// How many derived tables are kept, and their parts' total size in bytes; the datasets'
/// columnar copies are counted apart ([`copy::usage`]).
pub fn usage(project: &Project) -> Result<(u64, u64)> {
    usage_where(project, "<>")
}

fn usage_where(project: &Project, op: &str) -> Result<(u64, u64)> {
    let conn = project.conn();
    if !has_tables(conn)? {
        return Ok((0, 0));
    }
    let sql = format!(
        "SELECT (SELECT count(*) FROM _loupe_kept WHERE kind {op} ?1),
                (SELECT coalesce(sum(length(data)), 0) FROM _loupe_kept_parts
                 WHERE kept_id IN (SELECT id FROM _loupe_kept WHERE kind {op} ?1))"
    );
    Ok(conn.query_row(&sql, [copy::KIND], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
    })?)
}
