//! What this build is and where it keeps its own files: the version and commit, the user's
//! folders for settings and logs, the rotated log, and the diagnostic summary the About dialog
//! copies. Nothing here ever leaves the machine.

pub mod diagnostics;
pub mod dirs;
pub mod log;

/// The version of this build (Cargo.toml).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit this build was made from (`git rev-parse --short`), or "unknown" for a build from
/// a source archive without Git. Set by build.rs.
pub const COMMIT: &str = env!("LOUPE_COMMIT");

/// "0.1.0 (commit 1a2b3c4d5)", as `loupe --version` and the About dialog show it.
pub fn version_line() -> String {
    format!("{VERSION} (commit {COMMIT})")
}
