//! Loupe's own log: one line per event (a command run, a job started, finished or failed, an
//! error shown), in the user's log folder ([`super::dirs::log_dir`]), rotated at
//! [`MAX_BYTES`] with [`KEEP`] older files.
//!
//! The log never holds personal data: every message passes through [`redact`], which removes
//! quoted values, paths, e-mail addresses, long numbers and non-ASCII words (names, addresses)
//! before it is written. Logging never fails a command: a log that cannot be written is skipped.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Size at which `loupe.log` is rotated to `loupe.1.log`.
pub const MAX_BYTES: u64 = 1024 * 1024;
/// How many rotated files are kept besides `loupe.log`.
pub const KEEP: usize = 3;
/// The current log's file name.
pub const FILE_NAME: &str = "loupe.log";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

impl Level {
    fn tag(self) -> &'static str {
        match self {
            Level::Info => "INFO",
            Level::Error => "ERROR",
        }
    }
}

/// Where the log goes; `None` until [`init`] (or when there is no user folder).
static DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Sends later [`info`] and [`error`] lines to `dir` (the user's log folder by default).
/// `LOUPE_LOG=off` turns the log off.
pub fn init(dir: Option<PathBuf>) {
    let off = std::env::var("LOUPE_LOG").is_ok_and(|v| v.eq_ignore_ascii_case("off"));
    let dir = if off {
        None
    } else {
        dir.or_else(super::dirs::log_dir)
    };
    if let Ok(mut d) = DIR.lock() {
        *d = dir;
    }
}

/// The folder the log is written to, when there is one.
pub fn dir() -> Option<PathBuf> {
    DIR.lock().ok().and_then(|d| d.clone())
}

/// A `file://` URL of the log folder, created if missing, for the system's file manager.
pub fn folder_url() -> Option<String> {
    let d = dir()?;
    fs::create_dir_all(&d).ok()?;
    Some(crate::guide::file_url(&d))
}

/// The first line of a run: what runs (redacted) and this build's version (not redacted: a
/// commit hash looks like a number).
pub fn started(what: &str) {
    let body = format!("{}: started, Loupe {}", redact(what), super::version_line());
    write_line(Level::Info, &body);
}

pub fn info(message: &str) {
    write(Level::Info, message);
}

pub fn error(message: &str) {
    write(Level::Error, message);
}

fn write(level: Level, message: &str) {
    write_line(level, &redact(message));
}

/// Appends "time LEVEL body" to the log; `body` is already redacted.
fn write_line(level: Level, body: &str) {
    let Some(dir) = dir() else { return };
    let line = format!(
        "{} {} {body}\n",
        chrono::Local::now().format("%Y-%m-%d %H:%M:%S%.3f"),
        level.tag(),
    );
    let _ = append(&dir, &line);
}

/// `loupe.log` (0), then the rotated `loupe.1.log` … `loupe.KEEP.log`, oldest last.
fn log_file(dir: &Path, i: usize) -> PathBuf {
    if i == 0 {
        dir.join(FILE_NAME)
    } else {
        dir.join(format!("loupe.{i}.log"))
    }
}

fn append(dir: &Path, line: &str) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let path = dir.join(FILE_NAME);
    if fs::metadata(&path).is_ok_and(|m| m.len() + line.len() as u64 > MAX_BYTES) {
        rotate(dir)?;
    }
    // One write of a whole line: processes appending at once do not interleave within a line.
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?
        .write_all(line.as_bytes())
}

/// `loupe.log` → `loupe.1.log` → … → `loupe.KEEP.log`, the oldest dropped.
fn rotate(dir: &Path) -> std::io::Result<()> {
    let name = |i: usize| log_file(dir, i);
    let _ = fs::remove_file(name(KEEP));
    for i in (0..KEEP).rev() {
        if name(i).exists() {
            fs::rename(name(i), name(i + 1))?;
        }
    }
    Ok(())
}

/// The last `n` error lines of the log (already redacted), oldest first, for the diagnostic info.
pub fn last_errors(n: usize) -> Vec<String> {
    let Some(dir) = dir() else { return Vec::new() };
    let mut lines: Vec<String> = Vec::new();
    for i in (0..=KEEP).rev() {
        if let Ok(text) = fs::read_to_string(log_file(&dir, i)) {
            lines.extend(
                text.lines()
                    .filter(|l| l.contains(" ERROR "))
                    .map(str::to_string),
            );
        }
    }
    let skip = lines.len().saturating_sub(n);
    lines.split_off(skip)
}

/// Removes what could be personal data from a message:
/// - text in quotes ('…', "…", `…`, “…”, ‘…’, 「…」, «…») → `<value>`;
/// - paths (a word with `/` or `\`, or a drive letter) → `<path>`;
/// - e-mail addresses → `<email>`;
/// - numbers of five digits or more (phones, ids, amounts) → `<number>`;
/// - words with non-ASCII letters (names, addresses, Chinese values) → `<text>`.
///
/// What stays is Loupe's own wording: the kind of error, column roles, line numbers.
pub fn redact(message: &str) -> String {
    let unquoted = strip_quotes(message);
    let mut out = String::with_capacity(unquoted.len());
    for (i, word) in unquoted.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&redact_word(word));
    }
    out.replace(['\n', '\r'], " ")
}

fn strip_quotes(s: &str) -> String {
    const PAIRS: &[(char, char)] = &[
        ('\'', '\''),
        ('"', '"'),
        ('`', '`'),
        ('“', '”'),
        ('‘', '’'),
        ('「', '」'),
        ('«', '»'),
    ];
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // An apostrophe inside a word ("doesn't") opens nothing.
        let inside_word = c == '\'' && i > 0 && chars[i - 1].is_alphanumeric();
        if let Some(&(_, close)) = PAIRS.iter().find(|(o, _)| *o == c)
            && !inside_word
            && let Some(end) = chars[i + 1..].iter().position(|&x| x == close)
        {
            out.push_str("<value>");
            i += end + 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn redact_word(word: &str) -> String {
    let core = word.trim_matches(|c: char| ",.;:()[]".contains(c));
    if core.is_empty() {
        return word.to_string();
    }
    let b = core.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && b.len() > 2;
    let replacement = if core.contains('/') || core.contains('\\') || drive {
        Some("<path>")
    } else if core.contains('@') && core.contains('.') {
        Some("<email>")
    } else if !core.is_ascii() {
        Some("<text>")
    } else if longest_digit_run(core) >= 5 {
        Some("<number>")
    } else {
        None
    };
    match replacement {
        Some(r) => word.replacen(core, r, 1),
        None => word.to_string(),
    }
}

fn longest_digit_run(s: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_removed_and_the_kind_of_error_kept() {
        let m = "orders.csv line 12, column 'phone': \"13812345678\" is not a number; \
                 customer 张三 <zhang.san@example.com> at /home/wang/订单.csv or C:\\Users\\名字\\x.csv \
                 id 1234567, line 42 of 3 files doesn't parse";
        let r = redact(m);
        for secret in [
            "13812345678",
            "张三",
            "zhang.san",
            "wang",
            "订单",
            "名字",
            "1234567",
            "phone",
        ] {
            assert!(!r.contains(secret), "{secret} in {r}");
        }
        for kept in [
            "line 12",
            "is not a number",
            "line 42 of 3 files",
            "doesn't parse",
        ] {
            assert!(r.contains(kept), "{kept} missing from {r}");
        }
        assert!(
            r.contains("<path>") && r.contains("<email>") && r.contains("<number>"),
            "{r}"
        );
        assert!(!redact("a\nb").contains('\n'));
    }

    #[test]
    fn the_log_rotates_and_keeps_a_bounded_number_of_files() {
        let dir = tempfile::tempdir().unwrap();
        let line = format!("{}\n", "x".repeat(1000));
        for _ in 0..(MAX_BYTES as usize / 1000) * (KEEP + 3) {
            append(dir.path(), &line).unwrap();
        }
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["loupe.1.log", "loupe.2.log", "loupe.3.log", "loupe.log"]
        );
        for n in &names {
            assert!(fs::metadata(dir.path().join(n)).unwrap().len() <= MAX_BYTES);
        }
    }
}
