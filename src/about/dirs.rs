//! The user's folders where Loupe keeps its own files (never the user's data):
//!
//! | | settings and recent files | logs |
//! |---|---|---|
//! | Windows | `%APPDATA%\loupe\data` | `%LOCALAPPDATA%\Loupe\logs` |
//! | Linux | `$XDG_DATA_HOME/loupe` (`~/.local/share/loupe`) | `$XDG_STATE_HOME/loupe/logs` (`~/.local/state/loupe/logs`) |
//! | macOS | `~/Library/Application Support/loupe` | `~/Library/Logs/Loupe` |
//!
//! The settings folder is the one the window's settings store (eframe) uses for the app id
//! "loupe" (the window's app id), so the About dialog names the folder the settings really are in.
//! `LOUPE_LOG_DIR` overrides the log folder (tests, portable installs).

use std::ffi::OsString;
use std::path::PathBuf;

/// The operating system whose conventions apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    Windows,
    Linux,
    MacOs,
}

impl Os {
    /// The system this build runs on (Linux conventions for other Unix systems).
    pub fn current() -> Os {
        if cfg!(windows) {
            Os::Windows
        } else if cfg!(target_os = "macos") {
            Os::MacOs
        } else {
            Os::Linux
        }
    }
}

/// The folder of the window's settings and recent files.
pub fn settings_dir() -> Option<PathBuf> {
    settings_dir_for(Os::current(), &|k| std::env::var_os(k))
}

/// The folder of Loupe's log files.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("LOUPE_LOG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    log_dir_for(Os::current(), &|k| std::env::var_os(k))
}

type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

/// An absolute path from an environment variable (a relative one is ignored, as XDG says).
fn abs(env: Env, key: &str) -> Option<PathBuf> {
    env(key)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| is_absolute_for(p))
}

/// `Path::is_absolute` for either system's paths (a Windows path is absolute with a drive or UNC
/// prefix, which a Linux build would not see as absolute).
fn is_absolute_for(p: &std::path::Path) -> bool {
    if p.is_absolute() {
        return true;
    }
    let s = p.to_string_lossy();
    let b = s.as_bytes();
    (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
        || s.starts_with("\\\\")
}

fn home(env: Env) -> Option<PathBuf> {
    abs(env, "HOME").or_else(std::env::home_dir)
}

/// Joins with the separator of the system the path belongs to, so that the tests on Linux can
/// check Windows paths.
fn join(base: PathBuf, parts: &[&str], os: Os) -> PathBuf {
    if os == Os::Windows && !cfg!(windows) {
        let mut s = base.to_string_lossy().trim_end_matches('\\').to_string();
        for p in parts {
            s.push('\\');
            s.push_str(p);
        }
        PathBuf::from(s)
    } else {
        parts.iter().fold(base, |b, p| b.join(p))
    }
}

pub(crate) fn settings_dir_for(os: Os, env: Env) -> Option<PathBuf> {
    match os {
        Os::Windows => abs(env, "APPDATA")
            .or_else(|| abs(env, "USERPROFILE").map(|u| join(u, &["AppData", "Roaming"], os)))
            .map(|d| join(d, &["loupe", "data"], os)),
        Os::Linux => abs(env, "XDG_DATA_HOME")
            .or_else(|| home(env).map(|h| join(h, &[".local", "share"], os)))
            .map(|d| join(d, &["loupe"], os)),
        Os::MacOs => home(env).map(|h| join(h, &["Library", "Application Support", "loupe"], os)),
    }
}

pub(crate) fn log_dir_for(os: Os, env: Env) -> Option<PathBuf> {
    match os {
        Os::Windows => abs(env, "LOCALAPPDATA")
            .or_else(|| abs(env, "USERPROFILE").map(|u| join(u, &["AppData", "Local"], os)))
            .map(|d| join(d, &["Loupe", "logs"], os)),
        Os::Linux => abs(env, "XDG_STATE_HOME")
            .or_else(|| home(env).map(|h| join(h, &[".local", "state"], os)))
            .map(|d| join(d, &["loupe", "logs"], os)),
        Os::MacOs => home(env).map(|h| join(h, &["Library", "Logs", "Loupe"], os)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let m: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn windows_folders_follow_appdata_with_a_chinese_user_name() {
        let e = env(&[
            ("APPDATA", r"C:\Users\名字\AppData\Roaming"),
            ("LOCALAPPDATA", r"C:\Users\名字\AppData\Local"),
        ]);
        assert_eq!(
            settings_dir_for(Os::Windows, &e).unwrap().to_string_lossy(),
            r"C:\Users\名字\AppData\Roaming\loupe\data"
        );
        assert_eq!(
            log_dir_for(Os::Windows, &e).unwrap().to_string_lossy(),
            r"C:\Users\名字\AppData\Local\Loupe\logs"
        );
        // Without APPDATA, the profile folder; a UNC profile (roaming profiles) works too.
        let e = env(&[("USERPROFILE", r"\\fileserver\profiles\名字")]);
        assert_eq!(
            settings_dir_for(Os::Windows, &e).unwrap().to_string_lossy(),
            r"\\fileserver\profiles\名字\AppData\Roaming\loupe\data"
        );
        assert_eq!(
            log_dir_for(Os::Windows, &e).unwrap().to_string_lossy(),
            r"\\fileserver\profiles\名字\AppData\Local\Loupe\logs"
        );
    }

    #[test]
    fn linux_folders_follow_xdg_and_ignore_relative_values() {
        let e = env(&[("HOME", "/home/王")]);
        assert_eq!(
            settings_dir_for(Os::Linux, &e).unwrap(),
            PathBuf::from("/home/王/.local/share/loupe")
        );
        assert_eq!(
            log_dir_for(Os::Linux, &e).unwrap(),
            PathBuf::from("/home/王/.local/state/loupe/logs")
        );
        let e = env(&[
            ("HOME", "/home/w"),
            ("XDG_DATA_HOME", "rel"),
            ("XDG_STATE_HOME", "/s"),
        ]);
        assert_eq!(
            settings_dir_for(Os::Linux, &e).unwrap(),
            PathBuf::from("/home/w/.local/share/loupe")
        );
        assert_eq!(
            log_dir_for(Os::Linux, &e).unwrap(),
            PathBuf::from("/s/loupe/logs")
        );
        let e = env(&[("HOME", "/Users/li")]);
        assert_eq!(
            log_dir_for(Os::MacOs, &e).unwrap(),
            PathBuf::from("/Users/li/Library/Logs/Loupe")
        );
    }
}
