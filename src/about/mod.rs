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

/// What the program bundles and under which licence, for the About dialog: (what, licence).
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "Noto Sans SC (subset), © Google LLC",
        "SIL Open Font License 1.1",
    ),
    (
        "Ubuntu Light, Hack, Noto Emoji (egui's default fonts)",
        "Ubuntu Font Licence 1.0; MIT and Bitstream Vera; SIL Open Font License 1.1",
    ),
    ("emoji-icon-font (subset), © John Slegers", "MIT"),
    (
        "Sample data: orders and products from UCI Online Retail (Chen, Sain, Guo 2012); the rest generated",
        "CC BY 4.0 (Online Retail); the generated files describe no real people",
    ),
];
