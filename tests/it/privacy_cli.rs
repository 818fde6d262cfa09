//! The privacy commands as a user runs them: `import --pii`, `tables`, `privacy scan|erase|
//! export-subject`, `backup`, `restore`, `passphrase`, `activity` filters, and
//! `--passphrase-env VAR` wherever a project is opened or created.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output};

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(out: Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn run(args: &[&str], project: &Path, pw: Option<&str>) -> Output {
    let mut c = loupe();
    c.args(args).arg("--project").arg(project);
    if let Some(pw) = pw {
        c.env("LOUPE_PW", pw).args(["--passphrase-env", "LOUPE_PW"]);
    }
    c.stdin(std::process::Stdio::null()).output().unwrap()
}

const PEOPLE: &str = "customer_id,phone,email,card,amount\n\
C1,13812345678,a@x.com,6212345678901232,1\n\
C2,13912345678,b@y.cn,4111111111111111,2\n\
C3,15012345678,c@z.org,5555555555554444,3\n";

#[test]
fn import_decides_on_personal_data_and_tables_shows_it() {
    let s = Scratch::new();
    let f = s.write("people.csv", PEOPLE);
    let project = s.path("p.loupe");
    let out = ok(loupe()
        .arg("import")
        .arg(&f)
        .arg("--project")
        .arg(&project)
        .args([
            "--pii",
            "phone=mask",
            "--pii",
            "email=hash",
            "--pii",
            "card=drop",
        ])
        .output()
        .unwrap());
    assert!(out.contains("Personal data:"), "{out}");
    assert!(out.contains("phone") && out.contains("masked"), "{out}");
    assert!(out.contains("email") && out.contains("hashed"), "{out}");
    assert!(out.contains("card") && out.contains("dropped"), "{out}");
    let out = ok(run(&["tables"], &project, None));
    assert!(
        out.contains("Personal data:") && out.contains("bank_card"),
        "{out}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&ok(run(&["tables", "--json"], &project, None))).unwrap();
    let flags = v[0]["personal_data"].as_array().unwrap();
    assert_eq!(flags.len(), 3);
    assert_eq!(flags[2]["column"], "card");
    assert_eq!(flags[2]["action"], "drop");
    let out = ok(run(
        &["query", "SELECT phone FROM people LIMIT 1"],
        &project,
        None,
    ));
    assert_eq!(out, "phone\n138****5678\n");
    // A bad decision names what to do.
    let err = fails(
        loupe()
            .arg("import")
            .arg(&f)
            .arg("--project")
            .arg(&project)
            .args(["--name", "x", "--pii", "email=shred"])
            .output()
            .unwrap(),
    );
    assert!(err.contains("keep, mask, hash or drop"), "{err}");
}

#[test]
fn privacy_scan_of_files_and_of_a_project() {
    let s = Scratch::new();
    let f = s.write("people.csv", PEOPLE);
    let out = ok(loupe().args(["privacy", "scan"]).arg(&f).output().unwrap());
    assert!(
        out.contains("import would keep"),
        "phones and e-mails are kept by default: {out}"
    );
    assert!(
        out.contains("import would mask"),
        "bank cards are masked by default: {out}"
    );
    assert!(out.contains("bank_card"), "{out}");
    let project = s.path("p.loupe");
    ok(loupe()
        .arg("import")
        .arg(&f)
        .arg("--project")
        .arg(&project)
        .args(["--pii", "*=keep"])
        .output()
        .unwrap());
    let v: serde_json::Value =
        serde_json::from_str(&ok(run(&["privacy", "scan", "--json"], &project, None))).unwrap();
    let kinds: Vec<&str> = v[0]["personal_data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["phone", "email", "bank_card"]);
}

#[test]
fn subject_export_and_erasure_from_the_command_line() {
    let s = Scratch::new();
    let f = s.write(
        "orders.csv",
        "order_id,customer_id,amount\nO1,C1,10\nO2,C2,20\nO3,C1,5\n",
    );
    let project = s.path("p.loupe");
    ok(loupe()
        .arg("import")
        .arg(&f)
        .arg("--project")
        .arg(&project)
        .output()
        .unwrap());
    let out = ok(run(
        &["privacy", "export-subject", "--id", "C1"],
        &project,
        None,
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tables"][0]["rows"].as_array().unwrap().len(), 2);
    let csv = s.path("c1.csv");
    let mut c = loupe();
    c.args(["privacy", "export-subject", "--id", "C1", "--out"])
        .arg(&csv);
    ok(run_with(c, &project));
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .contains("orders,2,order_id,O3")
    );
    // Erasing asks for confirmation; without a terminal, --yes is needed.
    let err = fails(run(&["privacy", "erase", "--id", "C1"], &project, None));
    assert!(err.contains("--yes"), "{err}");
    let out = ok(run(
        &["privacy", "erase", "--id", "C1", "--yes"],
        &project,
        None,
    ));
    assert!(out.contains("2 row(s) deleted"), "{out}");
    assert!(out.contains("still hold this customer's data"), "{out}");
    assert_eq!(
        ok(run(
            &["query", "SELECT order_id FROM orders"],
            &project,
            None
        )),
        "order_id\nO2\n"
    );
    let log = ok(run(&["activity", "--action", "erase"], &project, None));
    assert!(log.contains("erase") && !log.contains("C1"), "{log}");
    let err = fails(run(
        &["privacy", "erase", "--id", "C1", "--yes"],
        &project,
        None,
    ));
    assert!(
        err.contains("nothing in the project is about customer 'C1'"),
        "{err}"
    );
}

fn run_with(mut c: Command, project: &Path) -> Output {
    c.arg("--project")
        .arg(project)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn encrypted_projects_from_the_command_line() {
    let s = Scratch::new();
    let f = s.write(
        "orders.csv",
        "order_id,customer_id,amount\nO1,C1,10\nO2,C2,20\n",
    );
    let project = s.path("enc.loupe");
    // `import --passphrase-env` creates an encrypted project; the passphrase is never an argument.
    let out = loupe()
        .arg("import")
        .arg(&f)
        .arg("--project")
        .arg(&project)
        .args(["--passphrase-env", "LOUPE_PW"])
        .env("LOUPE_PW", "s3cret pass")
        .output()
        .unwrap();
    ok(out);
    assert_ne!(
        &std::fs::read(&project).unwrap()[..16],
        b"SQLite format 3\0"
    );
    // Every command takes it the same way.
    for args in [
        &["tables"][..],
        &["query", "SELECT count(*) FROM orders"],
        &["activity"],
        &["profile", "--dataset", "orders"],
        &["privacy", "scan"],
        &["backup", "--list"],
    ] {
        ok(run(args, &project, Some("s3cret pass")));
    }
    let out = ok(run(
        &["query", "SELECT count(*) FROM orders"],
        &project,
        Some("s3cret pass"),
    ));
    assert_eq!(out, "count(*)\n2\n");
    // Without it: stdin is no terminal, so Loupe says how to give it.
    let err = fails(run(&["tables"], &project, None));
    assert!(
        err.contains("is encrypted") && err.contains("--passphrase-env"),
        "{err}"
    );
    let err = fails(run(&["tables"], &project, Some("wrong")));
    assert!(err.contains("wrong passphrase for"), "{err}");
    let err = fails(
        loupe()
            .args(["tables", "--passphrase-env", "LOUPE_UNSET_VAR", "--project"])
            .arg(&project)
            .output()
            .unwrap(),
    );
    assert!(err.contains("LOUPE_UNSET_VAR is not set"), "{err}");
    // Change the passphrase, then remove it.
    let mut c = loupe();
    c.args([
        "passphrase",
        "--passphrase-env",
        "LOUPE_PW",
        "--new-passphrase-env",
        "LOUPE_PW2",
    ])
    .env("LOUPE_PW", "s3cret pass")
    .env("LOUPE_PW2", "another");
    assert!(ok(run_with(c, &project)).contains("has its new passphrase"));
    fails(run(&["tables"], &project, Some("s3cret pass")));
    ok(run(&["tables"], &project, Some("another")));
    let err = fails(run(&["passphrase"], &project, Some("another")));
    assert!(err.contains("not a terminal"), "{err}");
    let out = ok(run(&["passphrase", "--remove"], &project, Some("another")));
    assert!(out.contains("no longer encrypted"), "{out}");
    assert_eq!(
        &std::fs::read(&project).unwrap()[..16],
        b"SQLite format 3\0"
    );
    ok(run(&["tables"], &project, None));
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let s = Scratch::new();
    let f = s.write(
        "orders.csv",
        "order_id,customer_id,amount\nO1,C1,10\nO2,C2,20\n",
    );
    let project = s.path("p.loupe");
    let mut c = loupe();
    c.arg("import")
        .arg(&f)
        .env("LOUPE_PW", "pw")
        .args(["--passphrase-env", "LOUPE_PW"]);
    ok(run_with(c, &project));
    let dest = s.path("manual.loupe");
    let mut c = loupe();
    c.args(["backup", "--json", "--to"])
        .arg(&dest)
        .env("LOUPE_PW", "pw")
        .args(["--passphrase-env", "LOUPE_PW"]);
    let v: serde_json::Value = serde_json::from_str(&ok(run_with(c, &project))).unwrap();
    assert_eq!(v["encrypted"], true);
    assert_ne!(&std::fs::read(&dest).unwrap()[..16], b"SQLite format 3\0");
    let out = ok(run(&["backup"], &project, Some("pw")));
    assert!(out.contains("p.backups"), "{out}");
    ok(run(
        &["delete", "--dataset", "orders"],
        &project,
        Some("pw"),
    ));
    let list = ok(run(&["backup", "--list"], &project, Some("pw")));
    assert!(
        list.contains("(automatic)") && list.contains("delete-orders"),
        "{list}"
    );
    let mut c = loupe();
    c.args(["restore", "--from"])
        .arg(&dest)
        .env("LOUPE_PW", "pw")
        .args(["--passphrase-env", "LOUPE_PW"]);
    let out = ok(run_with(c, &project));
    assert!(
        out.contains("Restored") && out.contains("as it was before"),
        "{out}"
    );
    assert_eq!(
        ok(run(
            &["query", "SELECT count(*) FROM orders"],
            &project,
            Some("pw")
        )),
        "count(*)\n2\n"
    );
    let bad = s.write("bad.loupe", "not a project");
    let mut c = loupe();
    c.args(["restore", "--from"]).arg(&bad);
    let err = fails(run_with(c, &project));
    assert!(err.contains("cannot be restored"), "{err}");
    // Activity filters.
    let out = ok(run(
        &["activity", "--action", "restore"],
        &project,
        Some("pw"),
    ));
    assert_eq!(out.lines().count(), 1, "{out}");
    let out = ok(run(
        &["activity", "--text", "DELETE-ORDERS"],
        &project,
        Some("pw"),
    ));
    assert!(out.contains("delete"), "{out}");
    let err = fails(run(
        &["activity", "--since", "yesterday"],
        &project,
        Some("pw"),
    ));
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}
