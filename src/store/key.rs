//! Passphrases of encrypted projects, and where the code that opens a project by its path finds
//! them.
//!
//! A project encrypted with SQLCipher needs `PRAGMA key` on every connection. Many places open a
//! project by path (the command line, each background job of the window), so the key is not
//! passed to each of them: [`Project::open`](super::Project::open) and friends look it up here.
//! - [`remember`]: the key of one project file (the window, after the passphrase dialog);
//! - [`set_default`]: the key of whatever project this process opens or creates (the command
//!   line's `--passphrase-env VAR`);
//! - [`set_prompt`]: asked when an encrypted project is opened and no key is known (the command
//!   line's interactive prompt); the answer is remembered for that file.
//!
//! [`Passphrase`] never prints itself (its `Debug` says `Passphrase(<hidden>)`) and clears its
//! bytes when dropped.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A project passphrase. Not `Display`; `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl Passphrase {
    /// A passphrase; empty ones are refused (an empty key means "not encrypted" to SQLCipher).
    pub fn new(text: impl Into<String>) -> Result<Passphrase> {
        let text = text.into();
        if text.is_empty() {
            return Err(Error::InvalidArgument(
                "the passphrase is empty; choose a passphrase of at least one character".into(),
            ));
        }
        Ok(Passphrase(text))
    }

    /// The passphrase from environment variable `var` (the command line's `--passphrase-env`).
    pub fn from_env(var: &str) -> Result<Passphrase> {
        match std::env::var(var) {
            Ok(v) => Passphrase::new(v).map_err(|_| {
                Error::InvalidArgument(format!(
                    "the environment variable {var} (from --passphrase-env) is empty"
                ))
            }),
            Err(std::env::VarError::NotPresent) => Err(Error::InvalidArgument(format!(
                "--passphrase-env {var}: the environment variable {var} is not set; set it to the project's passphrase"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => Err(Error::InvalidArgument(format!(
                "--passphrase-env {var}: the value of {var} is not valid UTF-8"
            ))),
        }
    }

    /// The text, for `PRAGMA key`. Kept inside the crate.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<hidden>)")
    }
}

impl Drop for Passphrase {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.fill(0);
        std::hint::black_box(&bytes);
    }
}

/// Asked for the passphrase of an encrypted project when none is known.
pub type Prompt = Arc<dyn Fn(&Path) -> Result<Passphrase> + Send + Sync>;

#[derive(Default)]
struct Keyring {
    by_path: HashMap<PathBuf, Passphrase>,
    default: Option<Passphrase>,
    prompt: Option<Prompt>,
    /// The command line's `--encrypt`: a plain project is refused, not silently kept plain.
    encrypt: bool,
}

static KEYRING: Mutex<Option<Keyring>> = Mutex::new(None);

fn with<R>(f: impl FnOnce(&mut Keyring) -> R) -> R {
    let mut guard = KEYRING.lock().unwrap_or_else(|p| p.into_inner());
    f(guard.get_or_insert_with(Keyring::default))
}

/// The name a file is remembered under: absolute, with symbolic links resolved when it exists.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Remembers the passphrase of the project at `path` for this process.
pub fn remember(path: &Path, key: Passphrase) {
    let p = canonical(path);
    with(|k| k.by_path.insert(p, key));
}

/// Forgets the passphrase of `path` (after a wrong one, or when the project is made plain).
pub fn forget(path: &Path) {
    let p = canonical(path);
    with(|k| k.by_path.remove(&p));
}

/// The passphrase for every project this process opens or creates without a remembered one.
pub fn set_default(key: Option<Passphrase>) {
    with(|k| k.default = key);
}

/// Whether this process was asked to encrypt the projects it creates (the command line's
/// `--encrypt`): opening an existing plain project is then refused, since it would stay plain.
pub fn set_encrypt_requested(on: bool) {
    with(|k| k.encrypt = on);
}

pub(crate) fn encrypt_requested() -> bool {
    with(|k| k.encrypt)
}

/// What to ask when an encrypted project has no known passphrase.
pub fn set_prompt(prompt: Option<Prompt>) {
    with(|k| k.prompt = prompt);
}

/// The passphrase known for `path` (remembered, else the default), without asking.
pub fn known(path: &Path) -> Option<Passphrase> {
    let p = canonical(path);
    with(|k| k.by_path.get(&p).cloned().or_else(|| k.default.clone()))
}

/// The passphrase to open the encrypted project at `path`: known, else asked (and remembered),
/// else `None`.
pub(crate) fn for_encrypted(path: &Path) -> Result<Option<Passphrase>> {
    if let Some(k) = known(path) {
        return Ok(Some(k));
    }
    let prompt = with(|k| k.prompt.clone());
    match prompt {
        Some(ask) => {
            let key = ask(path)?;
            remember(path, key.clone());
            Ok(Some(key))
        }
        None => Ok(None),
    }
}

/// Applies `key` to a connection that has not read anything yet.
pub(crate) fn apply(conn: &rusqlite::Connection, key: &Passphrase) -> Result<()> {
    // A wrong key is reported as an error of ours; SQLCipher's own log would print to stderr.
    conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
    conn.pragma_update(None, "key", key.expose())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_itself() {
        let p = Passphrase::new("correct horse").unwrap();
        assert_eq!(format!("{p:?}"), "Passphrase(<hidden>)");
        assert_eq!(
            format!("{:?}", Some(p.clone())),
            "Some(Passphrase(<hidden>))"
        );
        assert!(Passphrase::new("").is_err());
    }

    #[test]
    fn remembered_by_canonical_path() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.loupe");
        std::fs::write(&f, b"").unwrap();
        remember(&f, Passphrase::new("k1").unwrap());
        let dotted = dir.path().join(".").join("x.loupe");
        assert_eq!(
            known(&dotted).map(|k| k.expose().to_string()),
            Some("k1".into())
        );
        forget(&f);
        assert!(known(&dir.path().join("x.loupe")).is_none_or(|k| k.expose() != "k1"));
    }
}
