//! The desktop program around the analytics: `--version`, `loupe FILE`, and the log, which
//! records what ran and which errors came up, never the user's data.

use crate::common::{Scratch, loupe};

#[test]
fn the_version_names_the_commit() {
    let out = loupe().arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.starts_with(&format!("loupe {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(!text.contains("(commit )"), "{text}");
}

#[test]
fn a_file_the_window_cannot_open_is_refused_before_it_opens() {
    let s = Scratch::new();
    let out = loupe().arg(s.path("missing.csv")).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing.csv: no such file"), "{err}");
    let notes = s.write("notes.md", "not data");
    let out = loupe().arg(&notes).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a file Loupe can open or import"), "{err}");
    // A project and --project together is ambiguous.
    let out = loupe()
        .arg(s.path("a.loupe"))
        .args(["--project", "b.loupe"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("give one of them"), "{err}");
}

#[test]
fn the_log_records_runs_and_errors_without_personal_data() {
    let s = Scratch::new();
    let logs = s.path("logs");
    let csv = s.write(
        "客户名单.csv",
        "customer,phone,amount\n张三,13812345678,10\n李四,13987654321,abc\n",
    );
    let project = s.path("shop.loupe");
    let run = |args: &[&std::ffi::OsStr]| {
        loupe()
            .env("LOUPE_LOG_DIR", &logs)
            .args(args)
            .output()
            .unwrap()
    };
    let ok = run(&[
        "import".as_ref(),
        csv.as_os_str(),
        "--project".as_ref(),
        project.as_os_str(),
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // A failure whose message repeats the user's query, with a name and a phone number.
    let bad = run(&[
        "query".as_ref(),
        "--project".as_ref(),
        project.as_os_str(),
        "SELECT * FROM 客户名单 WHERE phone = '13812345678' AND 张三 = 1".as_ref(),
    ]);
    assert!(!bad.status.success());
    let shown = String::from_utf8_lossy(&bad.stderr);
    assert!(shown.contains("13812345678"), "the user sees it: {shown}");

    let log = std::fs::read_to_string(logs.join("loupe.log")).unwrap();
    assert!(log.contains("import: started, Loupe "), "{log}");
    assert!(log.contains("import: done in"), "{log}");
    assert!(log.contains(" ERROR query: failed"), "{log}");
    assert!(
        log.contains("no such column"),
        "the kind of error stays: {log}"
    );
    let home = s.dir.path().to_string_lossy().into_owned();
    for secret in ["张三", "13812345678", "客户名单", &home] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    // The diagnostic info reads the same redacted errors.
    assert_eq!(log.lines().filter(|l| l.contains(" ERROR ")).count(), 1);
}
