//! What an interrupted passphrase change leaves beside a project, and how the next open puts it
//! right.
//!
//! A passphrase change ([`super::passphrase`]) first moves the project aside to
//! `.NAME.rekey-original`, then writes the converted project at the project's own path, and
//! deletes the original last. Plain text is only ever written at the project's path, never to a
//! hidden copy. Killed on the way, it leaves the original aside; the next open of the project
//! deletes whatever half-written file is at the path and moves the original back, so the
//! project is exactly as it was, under its old passphrase (or none).
//!
//! Loupe before this version wrote the converted copy to `.NAME.rekey-PID` and renamed it over
//! the project: a killed run left that file behind, a full copy of the project, unencrypted
//! when the passphrase was being removed. The next open deletes such leftovers.
//!
//! Each thing done is told through [`notice`]: the command line prints it, the window shows it.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where the told things go.
pub type NoticeSink = Arc<dyn Fn(&str) + Send + Sync>;

static SINK: Mutex<Option<NoticeSink>> = Mutex::new(None);
static PENDING: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Sends notices to `sink` from now on (the command line prints them); without one they wait
/// for [`take_notices`] (the window shows them).
pub fn set_notice_sink(sink: Option<NoticeSink>) {
    *SINK.lock().unwrap_or_else(|p| p.into_inner()) = sink;
}

/// The notices no sink took, oldest first; they are given once.
pub fn take_notices() -> Vec<String> {
    std::mem::take(&mut *PENDING.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Tells the user something Loupe did on its own.
pub fn notice(message: String) {
    let sink = SINK.lock().unwrap_or_else(|p| p.into_inner()).clone();
    match sink {
        Some(s) => s(&message),
        None => PENDING
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(message),
    }
}

fn file_name(project: &Path) -> String {
    project
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project.loupe".into())
}

/// The project kept aside while its passphrase changes.
pub(crate) fn original_path(project: &Path) -> PathBuf {
    project.with_file_name(format!(".{}.rekey-original", file_name(project)))
}

fn lock_path(project: &Path) -> PathBuf {
    project.with_file_name(format!(".{}.rekey-lock", file_name(project)))
}

/// Removes a database file and whatever SQLite keeps beside it.
pub(crate) fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Makes a rename or a deletion in `path`'s folder durable; not every platform can open a
/// folder, which is then fine.
pub(crate) fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(f) = std::fs::File::open(dir)
    {
        let _ = f.sync_all();
    }
}

/// Held while a passphrase change runs: a second change, or the recovery of another process's
/// open, waits for nobody and is refused instead.
pub(crate) struct RekeyLock {
    file: std::fs::File,
    path: PathBuf,
}

impl RekeyLock {
    pub(crate) fn acquire(project: &Path) -> Result<RekeyLock> {
        let path = lock_path(project);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(RekeyLock { file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::InvalidArgument(format!(
                "the passphrase of {} is being changed by another process; wait until it ends",
                project.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }
}

impl Drop for RekeyLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Leftover copies `.NAME.rekey-<digits>` of earlier Loupe versions beside `project`.
fn old_copies(project: &Path) -> Vec<PathBuf> {
    let prefix = format!(".{}.rekey-", file_name(project));
    let dir = match project.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return vec![];
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_prefix(&prefix)
                .is_some_and(|pid| !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Puts right what an interrupted passphrase change left beside `project` (see the module's
/// documentation); returns whether anything was done. Cheap when nothing was left.
pub(crate) fn recover(project: &Path) -> Result<bool> {
    let original = original_path(project);
    let leftovers = old_copies(project);
    if !original.exists() && leftovers.is_empty() {
        if lock_path(project).exists() {
            // Killed before it moved anything, only its lock is left: deleted once taken. Held,
            // a change is running: refused until it ends.
            drop(RekeyLock::acquire(project)?);
        }
        return Ok(false);
    }
    let _lock = RekeyLock::acquire(project)?;
    if original.exists() {
        remove_with_sidecars(project);
        std::fs::rename(&original, project).map_err(|e| Error::io(project, e))?;
        sync_dir(project);
        notice(format!(
            "A passphrase change of {} was interrupted; it has been undone, so the project is as it was before, with its old passphrase (or none). Run the change again.",
            project.display()
        ));
    }
    for copy in leftovers {
        remove_with_sidecars(&copy);
        notice(format!(
            "Deleted {}: a copy of the project left by a passphrase change that an earlier Loupe did not finish. It may have held the data unencrypted.",
            copy.display()
        ));
    }
    sync_dir(project);
    Ok(true)
}
