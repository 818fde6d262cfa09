//! Backups of a project to one file, and restoring one, never leaving a broken project.
//!
//! - A backup copies the project through SQLite's online backup API from its own connection that
//!   holds one read transaction for the whole copy: the copy is the project as of one moment,
//!   whatever other connections (the window's jobs, another process) write meanwhile. It is
//!   written beside its destination, checked, synced and renamed into place. The backup of an
//!   encrypted project is encrypted with the same passphrase.
//! - Restoring checks the backup first (`PRAGMA integrity_check`, and that it is a Loupe project
//!   of a schema this Loupe reads), copies it beside the project, syncs it, backs up the current
//!   project (automatically), and renames the copy over the project: at every moment the file at
//!   the project's path is either the old project or the restored one.
//! - Automatic backups (before a dataset is deleted or replaced, a customer's data erased, or a
//!   backup restored) go to the folder `<name>.backups` beside the project; the newest
//!   [`KEEP_AUTOMATIC`] are kept.

use super::interrupted::{remove_with_sidecars, sync_dir};
use super::key::{self, Passphrase};
use super::{Action, Project, READ_ONLY, connect_checked};
use crate::error::{Error, Result};
use crate::progress::{Reporter, Stage, Unit};
use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Automatic backups kept per project (the oldest beyond are deleted).
pub const KEEP_AUTOMATIC: usize = 10;

/// Pages copied per step of the backup (4 MiB with 4 KiB pages).
const PAGES_PER_STEP: i32 = 1024;

/// What a backup wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub pages: u64,
    pub encrypted: bool,
    pub seconds: f64,
}

/// A backup file of a project.
#[derive(Debug, Clone, Serialize)]
pub struct BackupFile {
    pub path: PathBuf,
    pub bytes: u64,
    /// Made by Loupe before a destructive operation (its reason in the name).
    pub automatic: bool,
    pub modified: Option<String>,
    /// Left by a backup that was interrupted (`.NAME.loupe.backup-PID`, and its journal): not a
    /// usable backup, but it may hold the project's data, so it is listed, counted and purged
    /// like the others.
    pub partial: bool,
}

/// Whether a file name in the backup folder is that of a backup being written (or left by an
/// interrupted one): `.NAME.backup-PID` and SQLite's files beside it.
fn is_partial(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((_, tail)) = rest.rsplit_once(".backup-") else {
        return false;
    };
    let pid = ["-journal", "-wal", "-shm"]
        .iter()
        .find_map(|s| tail.strip_suffix(s))
        .unwrap_or(tail);
    !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit())
}

/// The folder of a project's backups: `<dir>/<name>.backups`.
pub fn backups_dir(project: &Path) -> PathBuf {
    let stem = project
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    project
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(format!("{stem}.backups"))
}

fn stamp() -> String {
    chrono::Local::now().format("%Y%m%d-%H%M%S-%3f").to_string()
}

fn stem(project: &Path) -> String {
    project
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into())
}

/// The default file of a manual backup: `<name>.backups/<name>-<time>.loupe`.
pub fn default_backup_path(project: &Path) -> PathBuf {
    backups_dir(project).join(format!("{}-{}.loupe", stem(project), stamp()))
}

/// The backups in a project's backup folder, oldest first.
pub fn list_backups(project: &Path) -> Result<Vec<BackupFile>> {
    let dir = backups_dir(project);
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(&dir, e))?;
        let path = entry.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let partial = is_partial(&name);
        if !partial && crate::fsutil::Format::from_path(&path) != Some(crate::fsutil::Format::Loupe)
        {
            continue;
        }
        let meta = match entry.metadata() {
            Ok(m) => m,
            // A backup being written may be renamed or removed meanwhile.
            Err(e) if partial && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(&path, e)),
        };
        out.push(BackupFile {
            partial,
            automatic: name.contains("-auto-"),
            bytes: meta.len(),
            modified: meta.modified().ok().map(|t| {
                chrono::DateTime::<chrono::Local>::from(t)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
            }),
            path,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Deletes every backup in the project's backup folder (after an erasure, whose data they still
/// hold). Returns how many were deleted.
pub fn purge_backups(project: &Path) -> Result<usize> {
    let list = list_backups(project)?;
    for b in &list {
        match std::fs::remove_file(&b.path) {
            Ok(()) => {}
            // A partial one whose backup finished (renamed) or failed (removed) meanwhile.
            Err(e) if b.partial && e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&b.path, e)),
        }
    }
    Ok(list.len())
}

fn side_file(dest: &Path, what: &str) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project.loupe".into());
    dest.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Backs up `project` to `dest` (replaced if it exists) through the online backup API, and logs
/// it.
pub fn backup_to(project: &Project, dest: &Path, rep: &Reporter) -> Result<BackupReport> {
    let report = copy_to(project, dest, rep).map_err(|e| match e {
        // A full disk under the copy: name the backup and the room it needs.
        Error::Sqlite(ref s) if s.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) => {
            let size = std::fs::metadata(project.path()).map_or(0, |m| m.len());
            e.in_file(dest, Some(size))
        }
        other => other,
    })?;
    if !project.is_read_only() {
        project.log(
            Action::Backup,
            None,
            None,
            &serde_json::json!({"to": dest.display().to_string(), "bytes": report.bytes}),
        )?;
    }
    Ok(report)
}

/// The copy of [`backup_to`], unlogged (automatic backups are named in the log entry of the
/// operation they precede).
fn copy_to(project: &Project, dest: &Path, rep: &Reporter) -> Result<BackupReport> {
    let started = Instant::now();
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    if same_file(dest, project.path()) {
        return Err(Error::InvalidArgument(format!(
            "cannot back up {} onto itself; choose another file",
            dest.display()
        )));
    }
    let key = project.key().cloned();
    // Our own connection with one read transaction: the copy is one moment of the project.
    let (src, _, _) = connect_checked(project.path(), READ_ONLY, key.clone())?;
    src.busy_timeout(Duration::from_secs(5))?;
    src.execute_batch("BEGIN")?;
    src.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    let tmp = side_file(dest, "backup");
    remove_with_sidecars(&tmp);
    let result = (|| -> Result<u64> {
        let mut dst = Connection::open(&tmp)?;
        if let Some(k) = &key {
            key::apply(&dst, k)?;
        }
        let pages = {
            let b = Backup::new(&src, &mut dst)?;
            loop {
                rep.check()?;
                match b.step(PAGES_PER_STEP)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    StepResult::Busy | StepResult::Locked => {
                        std::thread::sleep(Duration::from_millis(20))
                    }
                    _ => std::thread::sleep(Duration::from_millis(20)),
                }
                let p = b.progress();
                let total = p.pagecount.max(0) as u64;
                rep.report(
                    Stage::BackingUp,
                    total.saturating_sub(p.remaining.max(0) as u64),
                    Some(total),
                    Unit::Steps,
                    0,
                    false,
                );
            }
            b.progress().pagecount.max(0) as u64
        };
        // One self-contained file: no write-ahead log beside it.
        dst.pragma_update_and_check(None, "journal_mode", "DELETE", |_| Ok(()))?;
        check_integrity(&dst, &tmp)?;
        drop(dst);
        Ok(pages)
    })();
    let _ = src.execute_batch("COMMIT");
    drop(src);
    let pages = match result {
        Ok(p) => p,
        Err(e) => {
            remove_with_sidecars(&tmp);
            return Err(e);
        }
    };
    sync_file(&tmp)?;
    std::fs::rename(&tmp, dest).map_err(|e| {
        remove_with_sidecars(&tmp);
        Error::io(dest, e)
    })?;
    sync_dir(dest);
    let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        path: dest.to_path_buf(),
        bytes,
        pages,
        encrypted: key.is_some(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// An automatic backup before `reason` (e.g. `delete-orders`), into the backup folder; older
/// automatic backups beyond [`KEEP_AUTOMATIC`] are deleted.
pub fn backup_automatic(project: &Project, reason: &str) -> Result<BackupReport> {
    let safe: String = reason
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let dest = backups_dir(project.path()).join(format!(
        "{}-{}-auto-{safe}.loupe",
        stem(project.path()),
        stamp()
    ));
    let report = copy_to(project, &dest, &Reporter::silent())?;
    let autos: Vec<BackupFile> = list_backups(project.path())?
        .into_iter()
        .filter(|b| b.automatic && !b.partial)
        .collect();
    if autos.len() > KEEP_AUTOMATIC {
        for old in &autos[..autos.len() - KEEP_AUTOMATIC] {
            let _ = std::fs::remove_file(&old.path);
        }
    }
    Ok(report)
}

fn check_integrity(conn: &Connection, path: &Path) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(())
    } else {
        Err(Error::CorruptProject {
            path: path.to_path_buf(),
            detail: format!(
                "the integrity check found: {}",
                lines.into_iter().take(5).collect::<Vec<_>>().join("; ")
            ),
        })
    }
}

/// What a backup file holds, after its checks.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedBackup {
    pub schema_version: i64,
    pub datasets: u64,
    pub encrypted: bool,
}

/// Checks a backup without changing it: a Loupe project of a schema this Loupe reads, whose
/// integrity check passes. `key` opens an encrypted one.
pub fn check_backup(path: &Path, key: Option<Passphrase>) -> Result<CheckedBackup> {
    let (conn, version, key) = connect_checked(path, READ_ONLY, key)?;
    check_integrity(&conn, path)?;
    let datasets: i64 = if version >= 1 {
        conn.query_row("SELECT count(*) FROM _loupe_datasets", [], |r| r.get(0))?
    } else {
        0
    };
    Ok(CheckedBackup {
        schema_version: version,
        datasets: datasets as u64,
        encrypted: key.is_some(),
    })
}

/// The current project's log entries after the last entry of the backup at `backup`, when the
/// current log continues the backup's (else none: the backup is of another history).
fn log_since_backup(
    project: &Path,
    backup: &Path,
    backup_key: Option<Passphrase>,
) -> Result<Vec<super::ActivityEntry>> {
    let last = |conn: &Connection| -> Result<Option<(i64, String, String)>> {
        use rusqlite::OptionalExtension;
        Ok(conn
            .query_row(
                "SELECT id, at, action FROM _loupe_activity ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    };
    let (b, _, _) = connect_checked(backup, READ_ONLY, backup_key)?;
    let Some((id, at, action)) = last(&b)? else {
        return Ok(vec![]);
    };
    drop(b);
    let current = Project::open_read_only(project)?;
    let same: Option<(String, String)> = {
        use rusqlite::OptionalExtension;
        current
            .conn()
            .query_row(
                "SELECT at, action FROM _loupe_activity WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
    };
    if same != Some((at, action)) {
        return Ok(vec![]);
    }
    let mut entries: Vec<super::ActivityEntry> = current
        .activity(usize::MAX >> 1)?
        .into_iter()
        .filter(|e| e.id > id)
        .collect();
    entries.reverse();
    Ok(entries)
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub project: PathBuf,
    pub from: PathBuf,
    /// The automatic backup of the project as it was before (none when it did not exist or
    /// could not be opened).
    pub previous: Option<PathBuf>,
    pub datasets: u64,
    pub seconds: f64,
}

/// Makes sure nothing else has the project open and its write-ahead log is folded in and gone:
/// switching out of WAL mode needs the only connection.
fn close_for_replace(path: &Path, key: Option<Passphrase>) -> Result<()> {
    let Ok((conn, _, _)) = connect_checked(path, super::READ_WRITE, key) else {
        // Not a project we can open (damaged, say): it is replaced as it is.
        return Ok(());
    };
    drop(sole_connection(conn, path)?);
    Ok(())
}

/// `conn` once its write-ahead log is folded in and the journal is in rollback mode: which fails
/// unless it is the only connection to the project, so it also proves nobody else has it open.
pub(crate) fn sole_connection(conn: Connection, path: &Path) -> Result<Connection> {
    conn.busy_timeout(Duration::from_millis(500))?;
    let busy = |_| {
        Error::InvalidArgument(format!(
            "{} is open in another window or process; close it there first",
            path.display()
        ))
    };
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(busy)?;
    conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0))
        .map_err(busy)?;
    Ok(conn)
}

/// Puts `tmp` (complete, checked, synced) at `project`'s path in one rename.
pub(crate) fn install(tmp: &Path, project: &Path, key: Option<Passphrase>) -> Result<()> {
    if project.exists() {
        close_for_replace(project, key)?;
    }
    // A log left beside the old file must never be replayed into the new one.
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", project.display()));
    }
    std::fs::rename(tmp, project).map_err(|e| Error::io(project, e))?;
    sync_dir(project);
    Ok(())
}

/// Restores the backup at `from` over the project at `project`: checked, copied beside, the
/// current project backed up, then renamed into place. `key` opens an encrypted backup; the
/// current project's own passphrase comes from [`key`] as usual.
pub fn restore(
    project: &Path,
    from: &Path,
    backup_key: Option<Passphrase>,
    rep: &Reporter,
) -> Result<RestoreReport> {
    let started = Instant::now();
    if same_file(project, from) {
        return Err(Error::InvalidArgument(format!(
            "{} is the project itself; choose a backup file",
            from.display()
        )));
    }
    rep.report(Stage::Checking, 0, Some(3), Unit::Steps, 0, true);
    let checked = check_backup(from, backup_key.clone()).map_err(|e| {
        Error::InvalidArgument(format!(
            "the backup cannot be restored, the project is unchanged: {e}"
        ))
    })?;
    let tmp = side_file(project, "restore");
    remove_with_sidecars(&tmp);
    rep.check()?;
    rep.report(Stage::Copying, 1, Some(3), Unit::Steps, 0, true);
    let copied = (|| -> Result<()> {
        std::fs::copy(from, &tmp).map_err(|e| Error::io(&tmp, e))?;
        sync_file(&tmp)?;
        // The copy is what will be installed: check it, not only the original.
        check_backup(&tmp, backup_key.clone())?;
        Ok(())
    })();
    if let Err(e) = copied {
        remove_with_sidecars(&tmp);
        return Err(e);
    }
    rep.report(Stage::Restoring, 2, Some(3), Unit::Steps, 0, true);
    let mut previous = None;
    if project.exists() {
        match Project::open(project) {
            Ok(current) => match backup_automatic(&current, "before-restore") {
                Ok(r) => previous = Some(r.path),
                Err(e) => {
                    remove_with_sidecars(&tmp);
                    return Err(e);
                }
            },
            Err(Error::CorruptProject { .. }) | Err(Error::NotAProject { .. }) => {}
            Err(e) => {
                remove_with_sidecars(&tmp);
                return Err(e);
            }
        }
    }
    // The log of what happened since the backup stays: entries after the backup's last one.
    let carried = match &previous {
        Some(_) => log_since_backup(project, &tmp, backup_key.clone()).unwrap_or_default(),
        None => vec![],
    };
    let current_key = key::known(project);
    if let Err(e) = install(&tmp, project, current_key) {
        remove_with_sidecars(&tmp);
        return Err(e);
    }
    if let Some(k) = &backup_key {
        key::remember(project, k.clone());
    } else if !checked.encrypted {
        key::forget(project);
    }
    let restored = Project::open_with(project, backup_key)?;
    for e in &carried {
        restored.conn().execute(
            "INSERT INTO _loupe_activity(at, action, dataset, rows, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![e.at, e.action, e.dataset, e.rows.map(|r| r as i64), e.detail.to_string()],
        )?;
    }
    restored.log(
        Action::Restore,
        None,
        None,
        &serde_json::json!({
            "from": from.display().to_string(),
            "previous": previous.as_ref().map(|p| p.display().to_string()),
            "log_entries_kept": carried.len(),
        }),
    )?;
    rep.report(Stage::Restoring, 3, Some(3), Unit::Steps, 0, true);
    Ok(RestoreReport {
        project: project.to_path_buf(),
        from: from.to_path_buf(),
        previous,
        datasets: checked.datasets,
        seconds: started.elapsed().as_secs_f64(),
    })
}
