//! Killed on the way, for real: the built `loupe` is killed (SIGKILL) at many points of a
//! passphrase change and of an erasure's automatic backup, and what it leaves is checked: no
//! plain copy of the data beside an encrypted project, no backup left uncounted, nothing of an
//! erased customer after `--purge-backups`.

use crate::common::*;
use loupe::store::{Passphrase, Project, backup};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Written in every row of the test data: found in a file's bytes, it means plain text.
const MARKER: &str = "PLAINTEXT-MARKER-5150";
/// The customer erased.
const SECRET: &str = "SECRET-CUSTOMER-4242";

/// A project of a few MB: `rows` orders, every 7th of customer [`SECRET`], each line with
/// [`MARKER`].
fn big_project(dir: &Path, name: &str, rows: usize) -> PathBuf {
    let csv = dir.join(format!("{name}.csv"));
    let mut w = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    writeln!(
        w,
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Note"
    )
    .unwrap();
    for i in 0..rows {
        let customer = if i % 7 == 0 {
            SECRET.to_string()
        } else {
            format!("C{}", 10_000 + i % 3000)
        };
        writeln!(
            w,
            "{},{customer},2024-{:02}-{:02} 10:00:00,{},{}.50,{MARKER} line {i}",
            100_000 + i,
            1 + i % 12,
            1 + i % 28,
            1 + i % 9,
            i % 50,
        )
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let path = dir.join(format!("{name}.loupe"));
    let mut p = Project::create(&path).unwrap();
    import(&mut p, &[&csv], named("orders")).unwrap();
    std::fs::remove_file(&csv).unwrap();
    path
}

fn has_bytes(path: &Path, needle: &str) -> bool {
    std::fs::read(path)
        .map(|b| memchr::memmem::find(&b, needle.as_bytes()).is_some())
        .unwrap_or(false)
}

/// Every file under `dir` (recursively) whose bytes hold `needle`.
fn files_with(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_with(&p, needle));
        } else if has_bytes(&p, needle) {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Starts `cmd`, kills it with SIGKILL after `after` (if it still runs), and waits for it.
fn kill_after(mut cmd: Command, after: Duration) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + after;
    while Instant::now() < until {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn timed(mut cmd: Command) -> Duration {
    let started = Instant::now();
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lock {
    Plain,
    Key(&'static str),
}

fn key(k: &str) -> Passphrase {
    Passphrase::new(k).unwrap()
}

/// Opens the project (which puts right an interrupted change) with either passphrase; says
/// which opened it.
fn opened_with(path: &Path) -> Lock {
    for k in ["one", "two"] {
        match Project::open_with(path, Some(key(k))) {
            Ok(p) if !p.is_encrypted() => return Lock::Plain,
            Ok(p) => {
                let ok: String = p
                    .conn()
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(ok, "ok");
                return Lock::Key(k);
            }
            Err(loupe::Error::WrongPassphrase { .. }) => continue,
            Err(e) => panic!("{} does not open: {e}", path.display()),
        }
    }
    panic!("{} opens with neither passphrase", path.display());
}

/// The command changing `from` to `to`.
fn change(path: &Path, from: Lock, to: Lock) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_loupe"));
    c.arg("passphrase").arg("--project").arg(path);
    if let Lock::Key(k) = from {
        c.env("LOUPE_OLD", k)
            .args(["--passphrase-env", "LOUPE_OLD"]);
    }
    match to {
        Lock::Key(k) => c
            .env("LOUPE_NEW", k)
            .args(["--new-passphrase-env", "LOUPE_NEW"]),
        Lock::Plain => c.arg("--remove"),
    };
    c
}

#[test]
fn a_killed_passphrase_change_leaves_no_plain_copy_and_opens_with_one_of_the_passphrases() {
    let s = Scratch::new();
    let dir = s.path("rekey");
    std::fs::create_dir(&dir).unwrap();
    let path = big_project(&dir, "shop", 40_000);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 2_000_000, "{size} bytes");
    let name = "shop.loupe".to_string();
    // How long a whole change takes, to spread the kills over it.
    let full = timed(change(&path, Lock::Plain, Lock::Key("one")));
    let mut state = Lock::Key("one");
    let mut interrupted = 0;
    // The kills close in on the time a change is under way: later after one that came before
    // it began, sooner after one that came after it ended (timings vary with the load).
    let (mut early, mut late) = (Duration::ZERO, full);
    for round in 0..12u32 {
        let target = match (state, round % 3) {
            (Lock::Plain, _) => Lock::Key("one"),
            (Lock::Key("one"), 0) => Lock::Key("two"),
            (Lock::Key(_), 1) => Lock::Plain,
            (Lock::Key("one"), _) => Lock::Key("two"),
            (Lock::Key(_), _) => Lock::Key("one"),
        };
        if late <= early {
            (early, late) = (Duration::ZERO, full.mul_f64(1.5));
        }
        let after = early + (late - early).mul_f64([0.5, 0.3, 0.7][round as usize % 3]);
        kill_after(change(&path, state, target), after);
        // Right after the kill: plain text only in the project itself, or in the original put
        // aside when it was plain to begin with.
        let aside = dir.join(format!(".{name}.rekey-original"));
        if aside.exists() {
            interrupted += 1;
        }
        for f in files_with(&dir, MARKER) {
            let allowed =
                (f == path && target == Lock::Plain) || (f == aside && state == Lock::Plain);
            assert!(
                allowed,
                "round {round} ({state:?} to {target:?}, killed after {after:?}): plain text in {}",
                f.display()
            );
        }
        assert!(
            !names_in(&dir)
                .iter()
                .any(|n| n.starts_with(&format!(".{name}.rekey-"))
                    && n[name.len() + 8..].chars().all(|c| c.is_ascii_digit())),
            "an old-style copy: {:?}",
            names_in(&dir)
        );
        let inside = aside.exists();
        let now = opened_with(&path);
        assert!(
            now == state || now == target,
            "round {round}: {now:?}, neither {state:?} nor {target:?}"
        );
        if !inside && now == target {
            late = after;
        } else if !inside {
            early = after;
        }
        // After the open: nothing beside the project, and plain text only in a plain project.
        assert_eq!(names_in(&dir), vec![name.clone()], "round {round}");
        let plain = files_with(&dir, MARKER);
        match now {
            Lock::Plain => assert_eq!(plain, vec![path.clone()], "round {round}"),
            Lock::Key(_) => assert!(plain.is_empty(), "round {round}: {plain:?}"),
        }
        state = now;
    }
    assert!(
        interrupted >= 3,
        "only {interrupted} of 12 kills landed inside a change (a whole one took {full:?})"
    );
}

#[test]
fn leftovers_of_earlier_versions_are_deleted_at_the_next_open_and_the_user_is_told() {
    let s = Scratch::new();
    let dir = s.path("old");
    std::fs::create_dir(&dir).unwrap();
    let path = big_project(&dir, "shop", 2_000);
    // What a killed `passphrase --remove` of an earlier Loupe left: a plain copy.
    let copy = dir.join(".shop.loupe.rekey-31337");
    std::fs::copy(&path, &copy).unwrap();
    // And an interrupted change of this one: the original aside, a half-written file in place.
    let aside = dir.join(".shop.loupe.rekey-original");
    std::fs::rename(&path, &aside).unwrap();
    std::fs::write(&path, b"half-written").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args(["tables", "--project"])
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(".shop.loupe.rekey-31337"), "{stderr}");
    assert!(stderr.contains("unencrypted"), "{stderr}");
    assert!(stderr.contains("undone"), "{stderr}");
    // (A read-only open leaves SQLite's own -wal and -shm.)
    let left: Vec<String> = names_in(&dir)
        .into_iter()
        .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    assert_eq!(left, vec!["shop.loupe".to_string()]);
    let p = Project::open(&path).unwrap();
    assert_eq!(p.dataset("orders").unwrap().rows, 2_000);
}

/// The erasure of [`SECRET`] from the command line.
fn erase(path: &Path, purge: bool) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_loupe"));
    c.args(["privacy", "erase", "--yes", "--id", SECRET, "--project"])
        .arg(path);
    if purge {
        c.arg("--purge-backups");
    }
    c
}

#[test]
fn a_killed_pre_erase_backup_is_listed_counted_and_purged() {
    let s = Scratch::new();
    let template_dir = s.path("template");
    std::fs::create_dir(&template_dir).unwrap();
    let template = big_project(&template_dir, "shop", 40_000);
    let dir = s.path("work");
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("shop.loupe");
    let fresh = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        std::fs::copy(&template, &path).unwrap();
    };
    // How long a whole erasure takes (its backup comes first), to spread the kills over it.
    fresh();
    let full = timed(erase(&path, false));
    let backups = backup::backups_dir(&path);
    for b in std::fs::read_dir(&backups).unwrap().flatten() {
        std::fs::remove_file(b.path()).unwrap();
    }
    let mut partials_seen = 0;
    for round in 0..10u32 {
        fresh();
        let after = full.mul_f64(f64::from(round + 1) / 16.0);
        kill_after(erase(&path, false), after);
        // The project is whole.
        let p = Project::open(&path).unwrap();
        let ok: String = p
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "round {round}");
        drop(p);
        // Every file in the backup folder that holds the customer is listed as a backup.
        let listed: Vec<PathBuf> = backup::list_backups(&path)
            .unwrap()
            .into_iter()
            .map(|b| b.path)
            .collect();
        partials_seen += backup::list_backups(&path)
            .unwrap()
            .iter()
            .filter(|b| b.partial)
            .count();
        if backups.exists() {
            for f in files_with(&backups, SECRET) {
                assert!(
                    listed.contains(&f),
                    "round {round} (killed after {after:?}): {} holds the customer and is not listed in {listed:?}",
                    f.display()
                );
            }
        }
    }
    // Whatever the kills left, one more that surely did: a copy as a killed backup leaves it.
    std::fs::create_dir_all(&backups).unwrap();
    let planted = backups.join(".shop-20260101-000000-000-auto-erase.loupe.backup-99999");
    std::fs::copy(&template, &planted).unwrap();
    let list = backup::list_backups(&path).unwrap();
    let entry = list.iter().find(|b| b.path == planted).expect("listed");
    assert!(entry.partial && entry.automatic);
    // The erasure counts it among the backups that still hold the customer...
    fresh();
    let out = erase(&path, false).stdin(Stdio::null()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let n = backup::list_backups(&path).unwrap().len();
    assert!(
        text.contains(&format!("note: {n} backup(s)")),
        "{n} backups; {text}"
    );
    // ...and --purge-backups deletes it with the rest: nothing holds the customer any more.
    fresh();
    let out = erase(&path, true).stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!planted.exists());
    assert_eq!(files_with(&dir, SECRET), Vec::<PathBuf>::new());
    eprintln!("partial backups seen after the kills: {partials_seen}");
}
