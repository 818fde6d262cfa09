//! Setting, changing and removing a project's passphrase.
//!
//! Every change writes the project anew: the project is moved aside to `.NAME.rekey-original`
//! (after its write-ahead log is folded in, which also proves no other connection has it open),
//! `sqlcipher_export` writes it at the project's own path under the new passphrase (or in plain),
//! the result is checked, and the original is deleted last. A new file gets a random SQLCipher
//! salt, so the same passphrase gives a different key in every project.
//!
//! Plain text is never written to a hidden copy: when the passphrase is removed, the plain
//! project is written where the user asked for it. A change that fails, or is killed, is undone
//! ([`super::interrupted`]): the original goes back to the project's path, at once or at the
//! next open.
//!
//! No automatic backup is made: a backup under the old passphrase (or in plain) would keep what
//! the change is meant to protect.

use super::interrupted::{self, RekeyLock};
use super::key::{self, Passphrase};
use super::{Action, Project, READ_WRITE, connect_checked};
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PassphraseChange {
    Encrypted,
    Changed,
    Decrypted,
}

/// Sets (`Some`) or removes (`None`) the passphrase of `project`; returns the project reopened
/// with its new key.
pub fn change_passphrase(
    project: Project,
    new: Option<Passphrase>,
) -> Result<(Project, PassphraseChange)> {
    if project.is_read_only() {
        return Err(Error::InvalidArgument(
            "the project is open read-only; open it for writing to change its passphrase".into(),
        ));
    }
    let path = project.path().to_path_buf();
    let old = project.key().cloned();
    let change = match (&old, &new) {
        (None, None) => {
            return Err(Error::InvalidArgument(format!(
                "{} is not encrypted; there is no passphrase to remove",
                path.display()
            )));
        }
        (None, Some(_)) => PassphraseChange::Encrypted,
        (Some(_), Some(_)) => PassphraseChange::Changed,
        (Some(_), None) => PassphraseChange::Decrypted,
    };
    drop(project);
    let lock = RekeyLock::acquire(&path)?;
    let original = interrupted::original_path(&path);
    // Only connection, write-ahead log folded in: the file alone is the whole project.
    drop(super::backup::sole_connection(
        connect_checked(&path, READ_WRITE, old.clone())?.0,
        &path,
    )?);
    interrupted::remove_with_sidecars(&original);
    std::fs::rename(&path, &original).map_err(|e| Error::io(&path, e))?;
    interrupted::sync_dir(&path);
    let written = convert(&original, old.as_ref(), &path, new.as_ref())
        .and_then(|()| super::backup::check_backup(&path, new.clone()).map(|_| ()));
    if let Err(e) = written {
        interrupted::remove_with_sidecars(&path);
        std::fs::rename(&original, &path).map_err(|io| {
            Error::InvalidArgument(format!(
                "changing the passphrase failed ({e}), and putting the project back failed too ({io}); the next open of {} puts it back",
                path.display()
            ))
        })?;
        interrupted::sync_dir(&path);
        return Err(e);
    }
    // The commit point: from here on the project is the new one.
    interrupted::remove_with_sidecars(&original);
    interrupted::sync_dir(&path);
    drop(lock);
    match &new {
        Some(k) => key::remember(&path, k.clone()),
        None => key::forget(&path),
    }
    let p = Project::open_with(&path, new)?;
    p.log(
        Action::Passphrase,
        None,
        None,
        &serde_json::json!({"change": change}),
    )?;
    Ok((p, change))
}

/// Writes the project at `from` (under `old`, or plain) as a new file at `to`, encrypted with
/// `new` or plain, and syncs it.
fn convert(
    from: &Path,
    old: Option<&Passphrase>,
    to: &Path,
    new: Option<&Passphrase>,
) -> Result<()> {
    let conn = Connection::open_with_flags(to, READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
    // A key on a new file: SQLCipher draws its salt at random.
    if let Some(k) = new {
        key::apply(&conn, k)?;
    }
    conn.execute(
        "ATTACH DATABASE ?1 AS loupe_original KEY ?2",
        rusqlite::params![
            from.to_string_lossy(),
            old.map(|k| k.expose()).unwrap_or("")
        ],
    )?;
    let version: i64 = conn.query_row("PRAGMA loupe_original.user_version", [], |r| r.get(0))?;
    conn.query_row(
        "SELECT sqlcipher_export('main', 'loupe_original')",
        [],
        |_| Ok(()),
    )?;
    conn.execute_batch(&format!(
        "PRAGMA main.user_version = {version};
         PRAGMA main.application_id = {};
         DETACH DATABASE loupe_original;",
        super::APPLICATION_ID
    ))?;
    drop(conn);
    let f = std::fs::File::open(to).map_err(|e| Error::io(to, e))?;
    f.sync_all().map_err(|e| Error::io(to, e))?;
    Ok(())
}
