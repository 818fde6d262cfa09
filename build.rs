//! Build-time facts: the commit `loupe --version` shows, and on Windows the executable's icon and
//! version resource.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LOUPE_COMMIT");
    let commit = std::env::var("LOUPE_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=LOUPE_COMMIT={}", commit.trim());

    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_resources();
    }
}

/// The short hash of HEAD, and a rerun of this script when HEAD moves. `None` without Git (a
/// build from a source archive), which is not an error.
fn git_commit() -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let dir = git(&["rev-parse", "--git-dir"])?;
    let dir = Path::new(&dir);
    // Only files that exist: a missing one would rerun the script on every build.
    let mut watch = vec![dir.join("HEAD"), dir.join("packed-refs")];
    if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch.push(dir.join(r));
    }
    for p in watch.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    git(&["rev-parse", "--short=9", "HEAD"])
}

fn windows_resources() {
    println!("cargo:rerun-if-changed=assets/windows/loupe.rc");
    println!("cargo:rerun-if-changed=assets/icons/loupe.ico");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_else(|_| "0.0.0".into());
    let mut parts: Vec<String> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse::<u16>().unwrap_or(0).to_string())
        .collect();
    parts.resize(4, "0".into());
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let icon = Path::new(&manifest_dir).join("assets/icons/loupe.ico");
    let template =
        std::fs::read_to_string(Path::new(&manifest_dir).join("assets/windows/loupe.rc"))
            .unwrap_or_else(|e| panic!("assets/windows/loupe.rc: {e}"));
    let rc = template
        .replace("@VERSION_COMMAS@", &parts.join(","))
        .replace("@VERSION@", &version)
        // The resource compiler reads C strings, where a backslash escapes.
        .replace("@ICON@", &icon.display().to_string().replace('\\', "\\\\"));
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("loupe.rc");
    std::fs::write(&out, rc).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    embed_resource::compile(&out, embed_resource::NONE)
        .manifest_optional()
        .unwrap_or_else(|e| panic!("the Windows resources (assets/windows/loupe.rc): {e}"));
}
