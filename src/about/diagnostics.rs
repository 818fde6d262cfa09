//! "Copy diagnostic info": what a user pastes into a support request. The version and commit,
//! the operating system, the project's schema version and the last errors of the log (redacted
//! when they were written). No paths, no data: it is put on the clipboard, never sent.

use super::log;

/// The diagnostic summary. `project_schema` is the open project's schema version, if one is open.
pub fn diagnostic_info(project_schema: Option<i64>) -> String {
    let mut s = String::new();
    s.push_str(&format!("Loupe {}\n", super::version_line()));
    s.push_str(&format!(
        "OS: {} ({}, {})\n",
        os_name(),
        std::env::consts::OS,
        std::env::consts::ARCH
    ));
    match project_schema {
        Some(v) => s.push_str(&format!(
            "Project schema: {v} (this Loupe writes {})\n",
            crate::store::SCHEMA_VERSION
        )),
        None => s.push_str(&format!(
            "Project schema: no project open (this Loupe writes {})\n",
            crate::store::SCHEMA_VERSION
        )),
    }
    let errors = log::last_errors(10);
    if errors.is_empty() {
        s.push_str("Last errors: none in the log\n");
    } else {
        s.push_str("Last errors:\n");
        for e in errors {
            s.push_str("  ");
            s.push_str(&e);
            s.push('\n');
        }
    }
    s
}

/// The system's own name for itself, where it says so cheaply: Linux's os-release, or the
/// target name.
fn os_name() -> String {
    if cfg!(windows) {
        return "Windows".into();
    }
    if let Ok(text) = std::fs::read_to_string("/etc/os-release") {
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("PRETTY_NAME=") {
                return v.trim_matches('"').to_string();
            }
        }
    }
    std::env::consts::OS.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_names_the_version_and_schema() {
        let s = super::diagnostic_info(Some(8));
        assert!(
            s.starts_with(&format!("Loupe {}", super::super::VERSION)),
            "{s}"
        );
        assert!(s.contains("Project schema: 8"), "{s}");
        assert!(super::diagnostic_info(None).contains("no project open"));
    }
}
