//! The project file: one SQLite database holding the imported tables, the catalog and the activity log.
//!
//! Opening checks what the file is before anything writes to it: a file that is not SQLite, an SQLite
//! file of another program, a project from a newer Loupe, or a damaged file each get their own message
//! and are left untouched.

mod activity;
pub mod backup;
mod catalog;
pub mod charts;
pub mod derived;
pub mod interrupted;
pub mod key;
mod names;
pub mod passphrase;
pub mod pii;
pub mod recipes;
pub mod relationships;
mod rename;
mod schema;
pub mod segments;
pub mod tags;

pub use activity::{Action, ActivityEntry, ActivityFilter, now_rfc3339 as now};
pub use catalog::NewDataset;
pub use key::Passphrase;
pub use names::{dataset_name_from_path, quote_ident, validate_dataset_name};
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};

use crate::dataset::DatasetInfo;
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::{Path, PathBuf};

/// An open project.
pub struct Project {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
    /// The passphrase of an encrypted project (never printed).
    key: Option<Passphrase>,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .field("encrypted", &self.key.is_some())
            .finish()
    }
}

const READ_WRITE: OpenFlags =
    OpenFlags::SQLITE_OPEN_READ_WRITE.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);
const READ_ONLY: OpenFlags =
    OpenFlags::SQLITE_OPEN_READ_ONLY.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);

impl Project {
    /// Creates a new, empty project. Fails if the file exists. Encrypted when a passphrase is
    /// known for the path ([`key`]).
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        Self::create_with(path, key::known(path))
    }

    /// Creates a new, empty project, encrypted with `key` when given.
    pub fn create_with(path: impl AsRef<Path>, key: Option<Passphrase>) -> Result<Self> {
        let path = path.as_ref();
        interrupted::recover(path)?;
        let exists = || {
            Error::InvalidArgument(format!(
                "{} already exists; open it, or choose another file name for the new project",
                path.display()
            ))
        };
        if path.exists() {
            return Err(exists());
        }
        if !create_new(path, key.as_ref())? {
            return Err(exists());
        }
        Self::open_with(path, key)
    }

    /// Opens an existing project for reading and writing, upgrading an older schema. An
    /// encrypted project takes its passphrase from [`key`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, None)
    }

    /// Opens an existing project with this passphrase (`None`: as [`Project::open`]).
    pub fn open_with(path: impl AsRef<Path>, key: Option<Passphrase>) -> Result<Self> {
        let path = path.as_ref();
        let recovered = interrupted::recover(path)?;
        if path.exists() && !writable(path) {
            return Err(Error::ReadOnlyProject {
                path: path.to_path_buf(),
            });
        }
        let (conn, _, key) = connect_checked(path, READ_WRITE, key)?;
        refuse_plain_when_encrypting(path, &key)?;
        let mut project = Project {
            conn,
            path: path.to_path_buf(),
            read_only: false,
            key,
        };
        project.configure()?;
        schema::migrate(&mut project.conn).map_err(|e| match e {
            Error::Sqlite(s) => corrupt_or(path, s),
            other => other,
        })?;
        if recovered {
            project.log(
                Action::Passphrase,
                None,
                None,
                &serde_json::json!({"change": "interrupted change undone"}),
            )?;
        }
        Ok(project)
    }

    /// Opens an existing project, or creates it when the file does not exist.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_or_create_new(path).map(|(p, _)| p)
    }

    /// As [`Project::open_or_create`], and whether this call created the file. When another
    /// process creates the same project at the same moment, one creates it and the other opens
    /// it, complete: a project appears under its name only once it is whole.
    pub fn open_or_create_new(path: impl AsRef<Path>) -> Result<(Self, bool)> {
        let path = path.as_ref();
        if path.exists() {
            return Ok((Self::open(path)?, false));
        }
        let key = key::known(path);
        let created = create_new(path, key.as_ref())?;
        Ok((Self::open_with(path, key)?, created))
    }

    /// Opens a project read-only: nothing can write through this connection.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_read_only_with(path, None)
    }

    /// Opens a project read-only with this passphrase (`None`: as [`Project::open_read_only`]).
    pub fn open_read_only_with(path: impl AsRef<Path>, key: Option<Passphrase>) -> Result<Self> {
        let path = path.as_ref();
        interrupted::recover(path)?;
        let (conn, version, key) = connect_checked(path, READ_ONLY, key)?;
        refuse_plain_when_encrypting(path, &key)?;
        let conn = if version < SCHEMA_VERSION {
            // An old schema needs its upgrade first; do it through a writable connection.
            drop(conn);
            drop(Self::open_with(path, key.clone())?);
            let (conn, _, _) = connect_checked(path, READ_ONLY, key.clone())?;
            conn
        } else {
            conn
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "query_only", true)?;
        map_pages(&conn)?;
        Ok(Project {
            conn,
            path: path.to_path_buf(),
            read_only: true,
            key,
        })
    }

    /// Whether the project file cannot be written (a read-only file system or file): such a
    /// project opens only read-only.
    pub fn is_unwritable(&self) -> bool {
        !writable(&self.path)
    }

    /// Another connection to the project file, read-only, for reading on another thread. It sees
    /// what is committed, not the open transaction of this one. An encrypted project's
    /// connection derives its key again, which takes a noticeable fraction of a second.
    pub fn reader(&self) -> Result<Connection> {
        let conn = self.connection(READ_ONLY)?;
        conn.pragma_update(None, "query_only", true)?;
        map_pages(&conn)?;
        Ok(conn)
    }

    /// Another connection to the project file that may write, for derived data kept in the
    /// project ([`crate::kept`]) when this one was opened read-only. Fails when the file itself
    /// cannot be written.
    pub fn writer(&self) -> Result<Connection> {
        let conn = self.connection(READ_WRITE)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        map_pages(&conn)?;
        Ok(conn)
    }

    /// Another connection to the project file, keyed when it is encrypted.
    fn connection(&self, flags: OpenFlags) -> Result<Connection> {
        let conn = open_probed(&self.path, flags, self.key.as_ref())?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(conn)
    }

    /// Whether the project is encrypted at rest.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The passphrase of an encrypted project, for connections to its backups.
    pub(crate) fn key(&self) -> Option<&Passphrase> {
        self.key.as_ref()
    }

    fn configure(&mut self) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL lets the window read while an import writes; NORMAL is durable at each checkpoint
        // and never corrupts on a crash.
        let mode: String = self
            .conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            self.remove_stale_journal();
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        map_pages(&self.conn)?;
        Ok(())
    }

    /// Deletes a rollback journal left beside a project that is in write-ahead-log mode. A
    /// file written in one piece (a passphrase change, a restored backup) starts in rollback mode
    /// and is switched to WAL at its first open; a process killed in that switch leaves an empty
    /// or unfinished `-journal`. SQLite rolled back a hot one when the mode was read; what is
    /// left is not hot, and a WAL database never uses it, so it is only clutter beside the
    /// project.
    fn remove_stale_journal(&self) {
        let journal = PathBuf::from(format!("{}-journal", self.path.display()));
        if journal.exists() {
            let _ = std::fs::remove_file(&journal);
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The display name of the project: its file name without extension.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The schema version of the project file (`PRAGMA user_version`; [`SCHEMA_VERSION`] once
    /// opened, since opening brings an older file up to date).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// All datasets in the catalog, in the order they were imported.
    pub fn datasets(&self) -> Result<Vec<DatasetInfo>> {
        catalog::list(&self.conn)
    }

    /// One dataset; the error lists the datasets there are.
    pub fn dataset(&self, name: &str) -> Result<DatasetInfo> {
        match catalog::get(&self.conn, name)? {
            Some(d) => Ok(d),
            None => {
                if let Some(l) = crate::warehouse::link::find(self, name).ok().flatten() {
                    return Err(Error::InvalidArgument(format!(
                        "'{name}' is linked to {} table {}; this command does not run in a warehouse yet (chart, cohorts, funnel, customers, profile, rules, recommend, evaluate-recs and segment count, sql, save, snapshot and export do)",
                        l.engine.label(),
                        l.table.text()
                    )));
                }
                let names: Vec<String> = self.datasets()?.into_iter().map(|d| d.name).collect();
                let hint = if names.is_empty() {
                    "; the project has no datasets yet (import one with loupe import)".to_string()
                } else {
                    format!("; the datasets are: {}", names.join(", "))
                };
                Err(Error::NoSuchDataset {
                    name: name.to_string(),
                    hint,
                })
            }
        }
    }

    pub fn has_dataset(&self, name: &str) -> Result<bool> {
        Ok(catalog::get(&self.conn, name)?.is_some())
    }

    /// Deletes a dataset and its table, and logs it; an automatic backup is made first
    /// ([`backup::backup_automatic`]).
    pub fn delete_dataset(&mut self, name: &str) -> Result<()> {
        let info = self.dataset(name)?;
        let saved = backup::backup_automatic(self, &format!("delete-{name}"))?;
        let tx = self.conn.transaction()?;
        catalog::remove(&tx, name)?;
        activity::append(
            &tx,
            Action::Delete,
            Some(name),
            Some(info.rows),
            &serde_json::json!({"backup": saved.path.display().to_string()}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets or clears a column's role (a user decision, recorded as such).
    pub fn set_role(
        &mut self,
        dataset: &str,
        column: &str,
        role: Option<crate::dataset::Role>,
    ) -> Result<()> {
        let info = self.dataset(dataset)?;
        if info.column(column).is_none() {
            return Err(Error::InvalidArgument(format!(
                "dataset '{dataset}' has no column '{column}'"
            )));
        }
        let tx = self.conn.transaction()?;
        catalog::set_role(&tx, dataset, column, role)?;
        activity::append(
            &tx,
            Action::Edit,
            Some(dataset),
            None,
            &serde_json::json!({"column": column, "role": role.map(|r| r.as_str())}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A marker of a dataset's data that changes whenever its rows may have: its import time,
    /// row count and the last import, rebuild or deletion logged for it. `None` when there is
    /// no such dataset.
    pub fn data_marker(&self, dataset: &str) -> Result<Option<String>> {
        let Some(info) = catalog::get(&self.conn, dataset)? else {
            return Ok(None);
        };
        let last: Option<i64> = self.conn.query_row(
            "SELECT max(id) FROM _loupe_activity
             WHERE dataset = ?1 AND action IN ('import', 'rebuild', 'delete', 'erase')",
            [dataset],
            |r| r.get(0),
        )?;
        Ok(Some(format!(
            "{}/{}/{}",
            info.imported_at,
            info.rows,
            last.unwrap_or(0)
        )))
    }

    /// SQLite's `data_version`: changes when another connection (another process, a background
    /// job) commits to the project. A cheap test of whether anything may have changed.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The activity log, newest first.
    pub fn activity(&self, limit: usize) -> Result<Vec<ActivityEntry>> {
        activity::list(&self.conn, limit)
    }

    /// The newest `limit` entries of the activity log that pass `filter`, newest first.
    pub fn activity_filtered(
        &self,
        filter: &activity::ActivityFilter,
        limit: usize,
    ) -> Result<Vec<ActivityEntry>> {
        activity::list_filtered(&self.conn, filter, limit)
    }

    /// The actions and datasets the activity log names (for filters).
    pub fn activity_choices(&self) -> Result<(Vec<String>, Vec<String>)> {
        activity::choices(&self.conn)
    }

    /// Appends to the activity log.
    pub fn log(
        &self,
        action: Action,
        dataset: Option<&str>,
        rows: Option<u64>,
        detail: &serde_json::Value,
    ) -> Result<()> {
        activity::append(&self.conn, action, dataset, rows, detail)
    }
}

pub use activity::append as append_activity;
pub(crate) use catalog::insert as insert_dataset;
pub(crate) use catalog::remove as remove_dataset;

/// `--encrypt` asks for an encrypted project: an existing plain one is refused rather than
/// silently left plain.
fn refuse_plain_when_encrypting(path: &Path, key: &Option<Passphrase>) -> Result<()> {
    if key.is_none() && key::encrypt_requested() {
        return Err(Error::InvalidArgument(format!(
            "{} exists and is not encrypted, and --encrypt only encrypts a project the command creates; to encrypt this one, run: loupe passphrase --project {}",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

fn corrupt_or(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => Error::CorruptProject {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        _ => Error::Sqlite(e),
    }
}

/// Whether a file that does not start with the SQLite header may be an encrypted project:
/// SQLCipher files are whole pages (at least one of 512 bytes or more).
fn may_be_encrypted(size: u64) -> bool {
    size >= 1024 && size.is_multiple_of(512)
}

/// Opens `path` with `flags` and checks, without writing, that it is a Loupe project this version
/// can read: returns the connection, its schema version and the passphrase it needed. An
/// encrypted file takes `key`, else the one [`key::for_encrypted`] finds.
fn connect_checked(
    path: &Path,
    flags: OpenFlags,
    key: Option<Passphrase>,
) -> Result<(Connection, i64, Option<Passphrase>)> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NoSuchProject {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    let size = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut header = [0u8; 100];
    let n = read_up_to(&mut f, &mut header).map_err(|e| Error::io(path, e))?;
    drop(f);
    if n == 0 {
        return Err(Error::NotAProject {
            path: path.to_path_buf(),
            why: "the file is empty".into(),
        });
    }
    let plain = n == 100 && &header[..16] == b"SQLite format 3\0";
    let key = if plain {
        None
    } else if may_be_encrypted(size) {
        let key = match key {
            Some(k) => Some(k),
            None => key::for_encrypted(path)?,
        };
        match key {
            Some(k) => Some(k),
            None => {
                return Err(Error::PassphraseNeeded {
                    path: path.to_path_buf(),
                });
            }
        }
    } else {
        return Err(Error::NotAProject {
            path: path.to_path_buf(),
            why: "it is not an SQLite database".into(),
        });
    };
    let conn = open_probed(path, flags, key.as_ref())?;
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| corrupt_or(path, e))?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| corrupt_or(path, e))?;
    if app_id != APPLICATION_ID as i64 {
        return Err(Error::NotAProject {
            path: path.to_path_buf(),
            why: "it is an SQLite database of another program".into(),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(Error::NewerProject {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version >= 1 {
        for table in [
            "_loupe_datasets",
            "_loupe_columns",
            "_loupe_sources",
            "_loupe_activity",
        ] {
            conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::Unknown) | None => Error::CorruptProject {
                    path: path.to_path_buf(),
                    detail: format!("its catalog table {table} cannot be read: {e}"),
                },
                _ => corrupt_or(path, e),
            })?;
        }
    }
    Ok((conn, version, key))
}

/// Opens `path` with `flags` and the passphrase, and reads page 1 (a wrong key shows there). A
/// read-only open of a file that cannot be written, which SQLite cannot open in WAL mode (it
/// needs to create the `-shm` file), falls back to SQLite's immutable mode: no locks, no shared
/// memory, the file read as it is.
fn open_probed(path: &Path, flags: OpenFlags, key: Option<&Passphrase>) -> Result<Connection> {
    let probe = |conn: Connection| -> Result<Connection> {
        if let Some(k) = key {
            key::apply(&conn, k)?;
        }
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| {
            if key.is_some() && e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
                Error::WrongPassphrase {
                    path: path.to_path_buf(),
                }
            } else {
                corrupt_or(path, e)
            }
        })?;
        Ok(conn)
    };
    let normal = Connection::open_with_flags(path, flags)
        .map_err(|e| corrupt_or(path, e))
        .and_then(probe);
    match normal {
        Err(Error::Sqlite(_)) if flags == READ_ONLY && !writable(path) => {
            let conn = Connection::open_with_flags(
                immutable_uri(path),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )
            .map_err(|e| corrupt_or(path, e))?;
            probe(conn)
        }
        other => other,
    }
}

/// Whether the file can be opened for writing (it is not written).
fn writable(path: &Path) -> bool {
    std::fs::OpenOptions::new().append(true).open(path).is_ok()
}

/// The SQLite URI that opens `path` immutable.
fn immutable_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for c in abs.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Creates a new project at `path` atomically: built under a temporary name beside it, then
/// linked to its name only if nothing is there yet. False when another process created it first.
fn create_new(path: &Path, key: Option<&Passphrase>) -> Result<bool> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        return Err(Error::InvalidArgument(format!(
            "cannot create {}: the folder {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project.loupe".into());
    let tmp = path.with_file_name(format!(
        ".{name}.creating-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let remove_tmp = || {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
        }
    };
    let built = (|| -> Result<()> {
        let mut conn =
            Connection::open_with_flags(&tmp, READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
        if let Some(k) = key {
            key::apply(&conn, k)?;
        }
        schema::migrate(&mut conn)?;
        Ok(())
    })()
    .map_err(|e| e.in_file(path, None));
    if let Err(e) = built {
        remove_tmp();
        return Err(e);
    }
    // A log left beside a deleted project of this name would be replayed into the new one
    // (SQLite finds it by name): it belongs to no project now.
    if !path.exists() {
        for suffix in ["-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    let linked = match std::fs::hard_link(&tmp, path) {
        // A file system without hard links: a rename, checked first (a narrow race remains).
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists && !path.exists() => {
            std::fs::rename(&tmp, path)
        }
        other => other,
    };
    remove_tmp();
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Reads pages through a memory map instead of a system call and a copy per page: whole-table
/// scans (the customer table, recommendations) read the file once through the OS cache.
/// Writes still go through the journal as usual.
pub(crate) fn map_pages(conn: &Connection) -> Result<()> {
    const MAP_BYTES: i64 = 1 << 30;
    conn.pragma_update(None, "mmap_size", MAP_BYTES)?;
    Ok(())
}

/// Runs `f` with `conn` reading through system calls instead of the memory map, then maps again:
/// a read of every row of a large table would otherwise leave the whole table mapped into the
/// process (counted in its resident memory until the map is dropped).
pub(crate) fn unmapped<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.pragma_update(None, "mmap_size", 0)?;
    let out = f();
    map_pages(conn)?;
    out
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
