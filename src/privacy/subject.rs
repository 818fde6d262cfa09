//! Subject requests: everything the project holds about one customer, exported (JSON or CSV) or
//! erased everywhere.
//!
//! Where a customer id can land, and what erasure does there:
//! - **rows keyed by the id**: in every dataset of the catalog (imported, cleaned, the
//!   `<dataset>_customers` tables segments write, and any other), the rows whose customer-id
//!   column (role `customer_id`) is the id, compared as text, or is its salted hash when that
//!   column was hashed at import. Deleted.
//! - **other cells equal to the id**: any text cell of those datasets that is exactly the id
//!   (a referrer column, say). Set to NULL; the rows stay (they are about someone else).
//! - **tables outside the catalog** (any table Loupe did not list, and Loupe's own tables it does
//!   not know): rows with a text cell exactly the id. Deleted.
//! - **segment snapshots** (`_loupe_snapshots`): the id in a snapshot's member list. Removed, and
//!   the member count lowered.
//! - **rules and specs** (segment rules and descriptions, tag rules, saved charts, cleaning
//!   recipes): the id as a quoted literal (`'C123'` or `"C123"`). Replaced by `[erased]`, which
//!   matches nobody, as the erased customer no longer does.
//! - **written text** (tag and segment names, descriptions, chart titles, quoted text in rules,
//!   and the activity log, which records rules with exports): the id as a whole word, found by
//!   [`super::redact`]. Listed in the report; replaced by `[erased]` only when asked
//!   ([`EraseOptions::redact_text`]), since names change with it. The activity log is otherwise
//!   append-only, and never records an erasure's id (a salted hash instead).
//!
//! - **the same person elsewhere**: the ids the identity map links to the id (a JD account, a
//!   Douyin phone) are erased the same way, each as an id ([`linked_ids`]).
//!
//! Erasure runs after an automatic backup, in one transaction with `secure_delete` on, then
//! `VACUUM` and a truncating checkpoint so that no copy is left in free pages or the write-ahead
//! log. The backups in the project's backup folder still hold the data: the caller may purge them.

use super::redact::{self, ERASED};
use crate::dataset::Role;
use crate::error::{Error, Result};
use crate::privacy::{PiiAction, decide};
use crate::store::{Action, Project, quote_ident};
use rusqlite::types::ValueRef;
use serde::Serialize;
use std::path::Path;

/// What was found in one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// Rows whose customer id (or other key cell) is the subject: deleted on erasure.
    Rows,
    /// Cells equal to the id in rows about others: cleared on erasure.
    Cells,
    /// Membership in segment snapshots: removed on erasure.
    Snapshot,
    /// A quoted literal in a rule, chart or recipe: redacted on erasure.
    Mention,
    /// Text in the append-only activity log: reported; replaced when asked.
    Log,
    /// The id inside a name, title, description or quoted text of a rule: reported; replaced
    /// when asked.
    Text,
}

/// One place the subject was found.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub table: String,
    /// The dataset, when the table is one.
    pub dataset: Option<String>,
    pub column: String,
    pub place: Place,
    pub count: u64,
}

/// The rows about the subject in one table, as exported.
#[derive(Debug, Clone, Serialize)]
pub struct TableRows {
    pub table: String,
    pub dataset: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// Everything found about a subject.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectReport {
    pub id: String,
    pub found: Vec<Found>,
    pub tables: Vec<TableRows>,
    /// Segment snapshots that list the subject: (segment, taken at).
    pub snapshots: Vec<(String, String)>,
}

impl SubjectReport {
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    pub fn rows(&self) -> u64 {
        self.found
            .iter()
            .filter(|f| f.place == Place::Rows)
            .map(|f| f.count)
            .sum()
    }
}

/// Tables of rules and specs, and their text columns, where an id may be a quoted literal.
const TEXT_TABLES: [(&str, &[&str]); 4] = [
    ("_loupe_segments", &["rule", "description"]),
    ("_loupe_tags", &["rule"]),
    ("_loupe_charts", &["chart"]),
    ("_loupe_recipes", &["recipe"]),
];

/// Loupe's own tables that hold no customer data (the catalog) or are handled apart.
const CATALOG_TABLES: [&str; 8] = [
    "_loupe_meta",
    "_loupe_datasets",
    "_loupe_sources",
    "_loupe_columns",
    "_loupe_pii",
    "_loupe_activity",
    "_loupe_snapshots",
    "_loupe_segments",
];

fn check_id(id: &str) -> Result<&str> {
    let id = id.trim();
    if id.is_empty() {
        return Err(Error::InvalidArgument(
            "the customer id is empty; give the id exactly as the datasets hold it".into(),
        ));
    }
    Ok(id)
}

/// How to find the subject in one dataset table.
struct DatasetPlan {
    table: String,
    /// Key columns and the values that mean the subject there (the id, and its hash when the
    /// column was hashed at import).
    keys: Vec<(String, Vec<String>)>,
    /// Text columns that are not keys.
    others: Vec<String>,
    columns: Vec<String>,
}

fn table_columns(conn: &rusqlite::Connection, table: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({})", quote_ident(table)))?;
    let cols = stmt
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

fn user_tables(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let v = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(v)
}

fn plans(project: &Project, id: &str) -> Result<Vec<DatasetPlan>> {
    let conn = project.conn();
    let salt = project.pii_salt().unwrap_or_default();
    let datasets = project.datasets()?;
    let mut out = Vec::new();
    for table in user_tables(conn)? {
        let cols = table_columns(conn, &table)?;
        let names: Vec<String> = cols.iter().map(|c| c.0.clone()).collect();
        let info = datasets.iter().find(|d| d.name == table);
        let (keys, others) = match info {
            Some(info) => {
                let flags = project.pii_flags(&info.name)?;
                let keys: Vec<(String, Vec<String>)> = info
                    .columns
                    .iter()
                    .filter(|c| c.role == Some(Role::CustomerId))
                    .map(|c| {
                        let mut vals = vec![id.to_string()];
                        if let Some(f) = flags
                            .iter()
                            .find(|f| f.column == c.name && f.action == PiiAction::Hash)
                        {
                            vals.push(decide::hash_value(f.kind, id, &salt));
                        }
                        (c.name.clone(), vals)
                    })
                    .collect();
                let others = cols
                    .iter()
                    .filter(|(n, _)| !keys.iter().any(|k| &k.0 == n))
                    .map(|(n, _)| n.clone())
                    .collect();
                (keys, others)
            }
            None if CATALOG_TABLES.contains(&table.as_str())
                || TEXT_TABLES.iter().any(|t| t.0 == table) =>
            {
                continue;
            }
            // A table outside the catalog: a row with the id in any text cell is about the subject.
            None => (
                names
                    .iter()
                    .map(|n| (n.clone(), vec![id.to_string()]))
                    .collect(),
                vec![],
            ),
        };
        out.push(DatasetPlan {
            table,
            keys,
            others,
            columns: names,
        });
    }
    Ok(out)
}

impl DatasetPlan {
    /// The condition of the rows about the subject, and its parameters.
    fn key_condition(&self, outside_catalog: bool) -> (String, Vec<String>) {
        let mut parts = Vec::new();
        let mut params = Vec::new();
        for (col, vals) in &self.keys {
            for v in vals {
                params.push(v.clone());
                let c = quote_ident(col);
                if outside_catalog {
                    parts.push(format!(
                        "(typeof({c}) = 'text' AND {c} = ?{})",
                        params.len()
                    ));
                } else {
                    parts.push(format!("CAST({c} AS TEXT) = ?{}", params.len()));
                }
            }
        }
        if parts.is_empty() {
            ("0".into(), params)
        } else {
            (format!("({})", parts.join(" OR ")), params)
        }
    }
}

fn count(conn: &rusqlite::Connection, sql: &str, params: &[String]) -> Result<u64> {
    let n: i64 = conn.query_row(sql, rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
    Ok(n as u64)
}

fn json_value(v: ValueRef<'_>) -> serde_json::Value {
    match v {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(b) => format!("<{} bytes>", b.len()).into(),
    }
}

/// Quoted forms of the id in rules and JSON specs.
fn quoted(id: &str) -> [String; 2] {
    [
        format!("'{}'", id.replace('\'', "''")),
        serde_json::Value::String(id.to_string()).to_string(),
    ]
}

/// Finds everything about customer `id`.
pub fn find(project: &Project, id: &str) -> Result<SubjectReport> {
    let id = check_id(id)?;
    let conn = project.conn();
    let datasets = project.datasets()?;
    let mut found = Vec::new();
    let mut tables = Vec::new();
    for plan in plans(project, id)? {
        let in_catalog = datasets.iter().any(|d| d.name == plan.table);
        let dataset = in_catalog.then(|| plan.table.clone());
        let t = quote_ident(&plan.table);
        let (cond, params) = plan.key_condition(!in_catalog);
        let keyed = count(
            conn,
            &format!("SELECT count(*) FROM {t} WHERE {cond}"),
            &params,
        )?;
        if keyed > 0 {
            for (col, vals) in &plan.keys {
                let single = DatasetPlan {
                    table: plan.table.clone(),
                    keys: vec![(col.clone(), vals.clone())],
                    others: vec![],
                    columns: vec![],
                };
                let (c1, p1) = single.key_condition(!in_catalog);
                let n = count(conn, &format!("SELECT count(*) FROM {t} WHERE {c1}"), &p1)?;
                if n > 0 {
                    found.push(Found {
                        table: plan.table.clone(),
                        dataset: dataset.clone(),
                        column: col.clone(),
                        place: Place::Rows,
                        count: n,
                    });
                }
            }
        }
        // Cells equal to the id in rows about others.
        let mut cell_cond = Vec::new();
        let id_param = params.len() + 1;
        for col in &plan.others {
            let c = quote_ident(col);
            let n = count(
                conn,
                &format!(
                    "SELECT count(*) FROM {t} WHERE typeof({c}) = 'text' AND {c} = ?1 AND NOT {}",
                    renumber(&cond, 1)
                ),
                &std::iter::once(id.to_string())
                    .chain(params.iter().cloned())
                    .collect::<Vec<_>>(),
            )?;
            if n > 0 {
                found.push(Found {
                    table: plan.table.clone(),
                    dataset: dataset.clone(),
                    column: col.clone(),
                    place: Place::Cells,
                    count: n,
                });
                cell_cond.push(format!("(typeof({c}) = 'text' AND {c} = ?{id_param})"));
            }
        }
        if keyed > 0 || !cell_cond.is_empty() {
            let mut all_params = params.clone();
            if !cell_cond.is_empty() {
                all_params.push(id.to_string());
            }
            let mut wh = vec![cond.clone()];
            wh.extend(cell_cond);
            let sql = format!(
                "SELECT {} FROM {t} WHERE {}",
                plan.columns
                    .iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                wh.join(" OR ")
            );
            let mut stmt = conn.prepare(&sql)?;
            let n = plan.columns.len();
            let rows = stmt
                .query_map(rusqlite::params_from_iter(all_params.iter()), |r| {
                    (0..n)
                        .map(|i| r.get_ref(i).map(json_value))
                        .collect::<rusqlite::Result<Vec<_>>>()
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            tables.push(TableRows {
                table: plan.table.clone(),
                dataset: dataset.clone(),
                columns: plan.columns.clone(),
                rows,
            });
        }
    }
    // Segment snapshots.
    let snapshots;
    {
        let mut stmt = conn.prepare(
            "SELECT segment, taken_at FROM _loupe_snapshots
             WHERE instr(char(10) || ids || char(10), char(10) || ?1 || char(10)) > 0 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if !rows.is_empty() {
            found.push(Found {
                table: "_loupe_snapshots".into(),
                dataset: None,
                column: "ids".into(),
                place: Place::Snapshot,
                count: rows.len() as u64,
            });
        }
        snapshots = rows;
    }
    // Rules, charts and recipes.
    let [q1, q2] = quoted(id);
    for (table, cols) in TEXT_TABLES {
        for col in cols {
            let c = quote_ident(col);
            let n = count(
                conn,
                &format!(
                    "SELECT count(*) FROM {table} WHERE instr({c}, ?1) > 0 OR instr({c}, ?2) > 0"
                ),
                &[q1.clone(), q2.clone()],
            )?;
            if n > 0 {
                found.push(Found {
                    table: table.into(),
                    dataset: None,
                    column: col.to_string(),
                    place: Place::Mention,
                    count: n,
                });
            }
        }
    }
    // Written text, and the activity log.
    for t in redact::find_text(conn, id)? {
        found.push(Found {
            table: t.table.into(),
            dataset: None,
            column: t.column.into(),
            place: if t.table == "_loupe_activity" {
                Place::Log
            } else {
                Place::Text
            },
            count: t.rows,
        });
    }
    Ok(SubjectReport {
        id: id.to_string(),
        found,
        tables,
        snapshots,
    })
}

/// `cond` with its parameters `?k` renumbered to `?(k + by)`.
fn renumber(cond: &str, by: usize) -> String {
    let mut out = String::with_capacity(cond.len());
    let mut chars = cond.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' {
            let mut num = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                num.push(*d);
                chars.next();
            }
            match num.parse::<usize>() {
                Ok(n) => out.push_str(&format!("?{}", n + by)),
                Err(_) => out.push('?'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Export formats of a subject request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectFormat {
    Json,
    /// One row per cell: table, row, column, value.
    Csv,
}

impl std::str::FromStr for SubjectFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(SubjectFormat::Json),
            "csv" => Ok(SubjectFormat::Csv),
            _ => Err(Error::InvalidArgument(format!(
                "unknown format '{s}'; use json or csv"
            ))),
        }
    }
}

impl SubjectFormat {
    /// From a file name's extension (`.json` or `.csv`).
    pub fn from_path(path: &Path) -> Result<Self> {
        match crate::fsutil::Format::from_path(path) {
            Some(crate::fsutil::Format::Json) => Ok(SubjectFormat::Json),
            Some(crate::fsutil::Format::Csv) => Ok(SubjectFormat::Csv),
            _ => Err(Error::InvalidArgument(format!(
                "{}: give the export a .json or .csv name (or --format)",
                path.display()
            ))),
        }
    }
}

/// Writes the report as JSON (everything) or CSV (table, row, column, value).
pub fn write_report(
    report: &SubjectReport,
    format: SubjectFormat,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let io = |e: std::io::Error| Error::Export(format!("writing the subject export: {e}"));
    match format {
        SubjectFormat::Json => {
            let v = serde_json::json!({
                "subject": report.id,
                "exported_at": crate::store::now(),
                "found": report.found,
                "tables": report.tables.iter().map(|t| serde_json::json!({
                    "table": t.table,
                    "dataset": t.dataset,
                    "rows": t.rows.iter().map(|r| {
                        t.columns.iter().cloned().zip(r.iter().cloned()).collect::<serde_json::Map<_, _>>()
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "segment_snapshots": report.snapshots.iter().map(|(s, at)| serde_json::json!({"segment": s, "taken_at": at})).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &v)
                .map_err(|e| Error::Export(format!("writing the subject export: {e}")))?;
            writeln!(out).map_err(io)?;
        }
        SubjectFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let e = |e: csv::Error| Error::Export(format!("writing the subject export: {e}"));
            w.write_record(["table", "row", "column", "value"])
                .map_err(e)?;
            for t in &report.tables {
                for (i, r) in t.rows.iter().enumerate() {
                    for (c, v) in t.columns.iter().zip(r) {
                        let text = match v {
                            serde_json::Value::Null => String::new(),
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        let row = (i + 1).to_string();
                        w.write_record([t.table.as_str(), row.as_str(), c.as_str(), text.as_str()])
                            .map_err(e)?;
                    }
                }
            }
            for (s, at) in &report.snapshots {
                w.write_record(["_loupe_snapshots", "", "segment", &format!("{s} ({at})")])
                    .map_err(e)?;
            }
            w.flush().map_err(io)?;
        }
    }
    Ok(())
}

/// Exports the report to a file (format from its extension unless given); logged.
pub fn export_subject(
    project: &Project,
    id: &str,
    path: &Path,
    format: Option<SubjectFormat>,
) -> Result<SubjectReport> {
    let format = match format {
        Some(f) => f,
        None => SubjectFormat::from_path(path)?,
    };
    let report = find(project, id)?;
    let mut buf = Vec::new();
    write_report(&report, format, &mut buf)?;
    crate::fsutil::write_atomic(path, |tmp| {
        std::fs::write(tmp, buf).map_err(|e| Error::io(tmp, e))
    })?;
    if !project.is_read_only() {
        project.log(
            Action::Export,
            None,
            Some(report.rows()),
            // Not the file's path: people name these files after the customer.
            &serde_json::json!({
                "subject_request": crate::privacy::hash_id(&report.id, &project.pii_salt().unwrap_or_default()),
                "format": match format { SubjectFormat::Json => "json", SubjectFormat::Csv => "csv" },
            }),
        )?;
    }
    Ok(report)
}

/// What an erasure did.
#[derive(Debug, Clone, Serialize)]
pub struct Erasure {
    /// The salted hash of the id the activity log records instead of the id.
    pub subject_hash: String,
    pub rows_deleted: u64,
    pub cells_cleared: u64,
    pub snapshots_edited: u64,
    pub mentions_redacted: u64,
    /// Entries of the activity log that still mention the id (none when text was redacted).
    pub log_mentions: u64,
    /// Places in written text that still mention the id (none when text was redacted).
    pub text_left: Vec<Found>,
    /// Rows of written text and the activity log where the id was replaced by `[erased]`.
    pub text_redacted: u64,
    pub tables: Vec<String>,
    /// The automatic backup made first (it still holds the data unless purged).
    pub backup: Option<std::path::PathBuf>,
    /// Backups deleted afterwards (`purge_backups`).
    pub backups_purged: usize,
    /// Backups left in the backup folder, which still hold the data.
    pub backups_left: usize,
    /// Other ids of the same person (linked by the identity map) erased with it; their rows are
    /// counted above.
    pub linked_ids_erased: u64,
}

/// What an erasure does beyond the data itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EraseOptions {
    /// Delete every backup in the project's backup folder afterwards, the automatic one (and
    /// any left incomplete) included.
    pub purge_backups: bool,
    /// Replace the id by `[erased]` in written text and the activity log too.
    pub redact_text: bool,
}

/// Erases customer `id` everywhere (see the module's documentation). With `purge_backups`, every
/// backup in the project's backup folder is deleted afterwards, the automatic one included.
pub fn erase(project: &mut Project, id: &str, purge_backups: bool) -> Result<Erasure> {
    erase_with(
        project,
        id,
        EraseOptions {
            purge_backups,
            redact_text: false,
        },
    )
}

/// The other ids the identity map links to customer `id` (the same person on other platforms or
/// in other datasets), in order; empty without a map.
pub fn linked_ids(project: &Project, id: &str) -> Result<Vec<String>> {
    let id = check_id(id)?;
    let mut stmt = project.conn().prepare(
        "SELECT DISTINCT i.source_id FROM _loupe_identity i \
         JOIN _loupe_identity me ON me.customer_key = i.customer_key \
         WHERE me.source_id = ?1 AND i.source_id <> ?1 ORDER BY i.source_id",
    )?;
    let ids = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Erases customer `id` everywhere, with `options`, and the ids the identity map links to it
/// ([`linked_ids`]: the same person on other platforms), each as the id itself.
pub fn erase_with(project: &mut Project, id: &str, options: EraseOptions) -> Result<Erasure> {
    let id = check_id(id)?.to_string();
    if find(project, &id)?.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "nothing in the project is about customer '{id}'; check the id (it must be exactly as the datasets hold it)"
        )));
    }
    // The linked ids first, without purging: the last erasure purges the backups of all.
    let mut linked = Vec::new();
    for other in linked_ids(project, &id)? {
        if find(project, &other)?.is_empty() {
            continue;
        }
        let e = erase_one(
            project,
            &other,
            EraseOptions {
                purge_backups: false,
                ..options
            },
        )?;
        linked.push(e);
    }
    let mut e = erase_one(project, &id, options)?;
    for l in &linked {
        e.rows_deleted += l.rows_deleted;
        e.cells_cleared += l.cells_cleared;
        e.snapshots_edited += l.snapshots_edited;
        e.mentions_redacted += l.mentions_redacted;
        e.text_redacted += l.text_redacted;
        for t in &l.tables {
            if !e.tables.contains(t) {
                e.tables.push(t.clone());
            }
        }
    }
    e.linked_ids_erased = linked.len() as u64;
    Ok(e)
}

/// Erases customer `id` everywhere, with `options` (one id, links not followed).
fn erase_one(project: &mut Project, id: &str, options: EraseOptions) -> Result<Erasure> {
    let purge_backups = options.purge_backups;
    let id = check_id(id)?.to_string();
    let report = find(project, &id)?;
    if report.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "nothing in the project is about customer '{id}'; check the id (it must be exactly as the datasets hold it)"
        )));
    }
    let salt = project.pii_salt()?;
    let subject_hash = crate::privacy::hash_id(&id, &salt);
    let backup = crate::store::backup::backup_automatic(project, "erase")?.path;
    let plans = plans(project, &id)?;
    let datasets: Vec<String> = project.datasets()?.into_iter().map(|d| d.name).collect();
    project.conn().pragma_update(None, "secure_delete", true)?;
    let tx = project.conn_mut().transaction()?;
    let mut rows_deleted = 0u64;
    let mut cells_cleared = 0u64;
    let mut tables = Vec::new();
    for plan in &plans {
        let in_catalog = datasets.contains(&plan.table);
        let t = quote_ident(&plan.table);
        let (cond, params) = plan.key_condition(!in_catalog);
        let deleted = tx.execute(
            &format!("DELETE FROM {t} WHERE {cond}"),
            rusqlite::params_from_iter(params.iter()),
        )? as u64;
        let mut cleared = 0u64;
        for col in &plan.others {
            let c = quote_ident(col);
            cleared += tx.execute(
                &format!("UPDATE {t} SET {c} = NULL WHERE typeof({c}) = 'text' AND {c} = ?1"),
                [&id],
            )? as u64;
        }
        if deleted + cleared == 0 {
            continue;
        }
        rows_deleted += deleted;
        cells_cleared += cleared;
        tables.push(plan.table.clone());
        if in_catalog {
            refresh_counts(&tx, &plan.table)?;
            crate::store::append_activity(
                &tx,
                Action::Erase,
                Some(&plan.table),
                Some(deleted),
                &serde_json::json!({"subject": subject_hash, "rows_deleted": deleted, "cells_cleared": cleared}),
            )?;
        }
    }
    // Snapshots: the id leaves each member list.
    let mut snapshots_edited = 0u64;
    {
        let rows: Vec<(i64, String)> = tx
            .prepare(
                "SELECT id, ids FROM _loupe_snapshots
                 WHERE instr(char(10) || ids || char(10), char(10) || ?1 || char(10)) > 0",
            )?
            .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (sid, ids) in rows {
            let kept: Vec<&str> = ids.split('\n').filter(|x| *x != id).collect();
            tx.execute(
                "UPDATE _loupe_snapshots SET ids = ?2, members = ?3 WHERE id = ?1",
                rusqlite::params![sid, kept.join("\n"), kept.len() as i64],
            )?;
            snapshots_edited += 1;
        }
    }
    // Quoted literals in rules, charts and recipes.
    let mut mentions_redacted = 0u64;
    let [q1, q2] = quoted(&id);
    for (table, cols) in TEXT_TABLES {
        for col in cols {
            let c = quote_ident(col);
            mentions_redacted += tx.execute(
                &format!(
                    "UPDATE {table} SET {c} = replace(replace({c}, ?1, ?3), ?2, ?4)
                     WHERE instr({c}, ?1) > 0 OR instr({c}, ?2) > 0"
                ),
                rusqlite::params![q1, q2, format!("'{ERASED}'"), format!("\"{ERASED}\"")],
            )? as u64;
        }
    }
    let text_redacted = if options.redact_text {
        redact::redact_text(&tx, &id)?
    } else {
        0
    };
    let text_left: Vec<Found> = if options.redact_text {
        vec![]
    } else {
        report
            .found
            .iter()
            .filter(|f| matches!(f.place, Place::Text | Place::Log))
            .cloned()
            .collect()
    };
    let log_mentions = text_left
        .iter()
        .filter(|f| f.place == Place::Log)
        .map(|f| f.count)
        .sum();
    crate::store::append_activity(
        &tx,
        Action::Erase,
        None,
        Some(rows_deleted),
        &serde_json::json!({
            "subject": subject_hash,
            "rows_deleted": rows_deleted,
            "cells_cleared": cells_cleared,
            "snapshots": snapshots_edited,
            "mentions": mentions_redacted,
            "text_redacted": text_redacted,
            "tables": tables,
            "backup": backup.display().to_string(),
            "backups_purged": purge_backups,
        }),
    )?;
    tx.commit()?;
    wipe_free_space(project)?;
    let path = project.path().to_path_buf();
    let backups_purged = if purge_backups {
        crate::store::backup::purge_backups(&path)?
    } else {
        0
    };
    let backups_left = crate::store::backup::list_backups(&path)?.len();
    Ok(Erasure {
        subject_hash,
        rows_deleted,
        cells_cleared,
        snapshots_edited,
        mentions_redacted,
        log_mentions,
        text_left,
        text_redacted,
        tables,
        backup: (!purge_backups).then_some(backup),
        backups_purged,
        backups_left,
        linked_ids_erased: 0,
    })
}

/// Row count and missing counts of a dataset after rows or cells went.
fn refresh_counts(conn: &rusqlite::Connection, table: &str) -> Result<()> {
    let t = quote_ident(table);
    conn.execute(
        &format!(
            "UPDATE _loupe_datasets SET row_count = (SELECT count(*) FROM {t}) WHERE name = ?1"
        ),
        [table],
    )?;
    let cols: Vec<String> = table_columns(conn, table)?
        .into_iter()
        .map(|c| c.0)
        .collect();
    for c in cols {
        let q = quote_ident(&c);
        conn.execute(
            &format!(
                "UPDATE _loupe_columns SET nulls = (SELECT count(*) - count({q}) FROM {t})
                 WHERE name = ?2 AND dataset_id = (SELECT id FROM _loupe_datasets WHERE name = ?1)"
            ),
            [table, c.as_str()],
        )?;
    }
    Ok(())
}

/// VACUUM (rewrites the file without free pages) and a truncating checkpoint (no old page left
/// in the write-ahead log), retried while other connections read.
fn wipe_free_space(project: &Project) -> Result<()> {
    let conn = project.conn();
    conn.execute_batch("VACUUM")?;
    let started = std::time::Instant::now();
    loop {
        let (busy, _, _): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if busy == 0 {
            return Ok(());
        }
        if started.elapsed() > std::time::Duration::from_secs(10) {
            return Err(Error::InvalidArgument(format!(
                "the data is erased, but {} is being read by another window or process, so old copies may remain in its log until it closes; close it and run the erasure again to wipe them",
                project.path().display()
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
