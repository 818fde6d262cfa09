//! Setting, changing and removing a project's passphrase.
//!
//! - Encrypted to encrypted: `PRAGMA rekey` re-encrypts every page in place, in one transaction
//!   (with the write-ahead log folded in first and the journal in rollback mode meanwhile, which
//!   also proves no other connection has the project open).
//! - Plain to encrypted and back: `sqlcipher_export` writes an encrypted (or plain) copy beside
//!   the project, which is checked and then renamed over it: the plain file never stays beside
//!   the encrypted one, and a failure leaves the project as it was.
//!
//! No automatic backup is made: a backup under the old passphrase (or in plain) would keep what
//! the change is meant to protect.

use super::backup::install;
use super::key::{self, Passphrase};
use super::{Action, Project, READ_WRITE, connect_checked};
use crate::error::{Error, Result};
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
    match (old, new) {
        (None, None) => Err(Error::InvalidArgument(format!(
            "{} is not encrypted; there is no passphrase to remove",
            path.display()
        ))),
        (Some(old), Some(new)) => {
            drop(project);
            let conn = exclusive(&path, old)?;
            conn.pragma_update(None, "rekey", new.expose())?;
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
            drop(conn);
            key::remember(&path, new.clone());
            let p = Project::open_with(&path, Some(new))?;
            p.log(
                Action::Passphrase,
                None,
                None,
                &serde_json::json!({"change": "changed"}),
            )?;
            Ok((p, PassphraseChange::Changed))
        }
        (old, new) => {
            let change = if new.is_some() {
                PassphraseChange::Encrypted
            } else {
                PassphraseChange::Decrypted
            };
            let tmp = path.with_file_name(format!(
                ".{}.rekey-{}",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                std::process::id()
            ));
            let _ = std::fs::remove_file(&tmp);
            let exported = export_copy(&project, &tmp, new.as_ref());
            drop(project);
            if let Err(e) = exported {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
            // Checked before it replaces anything.
            if let Err(e) = super::backup::check_backup(&tmp, new.clone()) {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
            if let Err(e) = install(&tmp, &path, old) {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
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
    }
}

/// The project as the only connection, out of WAL mode (for `rekey`).
fn exclusive(path: &Path, key: Passphrase) -> Result<rusqlite::Connection> {
    let (conn, _, _) = connect_checked(path, READ_WRITE, Some(key))?;
    super::backup::sole_connection(conn, path)
}

/// Writes the whole project to `dest`, encrypted with `key` or plain.
fn export_copy(project: &Project, dest: &Path, key: Option<&Passphrase>) -> Result<()> {
    let conn = project.conn();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let dest_text = dest.to_string_lossy().into_owned();
    // The project's connection may not create files: ATTACH opens an empty one as new.
    std::fs::File::create(dest).map_err(|e| Error::io(dest, e))?;
    conn.execute(
        "ATTACH DATABASE ?1 AS loupe_export KEY ?2",
        rusqlite::params![dest_text, key.map(|k| k.expose()).unwrap_or("")],
    )?;
    let result = (|| -> Result<()> {
        conn.query_row("SELECT sqlcipher_export('loupe_export')", [], |_| Ok(()))?;
        conn.execute_batch(&format!(
            "PRAGMA loupe_export.user_version = {version};
             PRAGMA loupe_export.application_id = {};",
            super::APPLICATION_ID
        ))?;
        Ok(())
    })();
    let detached = conn.execute_batch("DETACH DATABASE loupe_export");
    result?;
    detached?;
    let f = std::fs::File::open(dest).map_err(|e| Error::io(dest, e))?;
    f.sync_all().map_err(|e| Error::io(dest, e))?;
    Ok(())
}
