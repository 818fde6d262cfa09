//! Bad input and faults: deep rules and huge pictures refused with a message instead of a crash,
//! numeric options kept to sane ranges, SQLCipher salts random, `--encrypt` never silently
//! ignored, hashed ids salted with the project's secret, an erased id found and (on request)
//! replaced in written text.

use crate::common::*;
use crate::segments::shop;
use loupe::privacy::subject::{self, Place};
use loupe::store::{Passphrase, Project, passphrase};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn loupe(args: &[&str], project: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args(args)
        .arg("--project")
        .arg(project)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The error message of a run that must fail with exit code `code` (1: our error, 2: clap's),
/// never a crash (101 panic, 134 abort, 139 stack overflow).
fn refused(out: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The path of the segments tests' shop project, closed.
fn shop_file(s: &Scratch) -> std::path::PathBuf {
    shop(s).path().to_path_buf()
}

fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "(".repeat(depth), ")".repeat(depth))
}

#[test]
fn deeply_nested_rules_are_refused_with_the_position_not_a_stack_overflow() {
    let s = Scratch::new();
    let path = shop_file(&s);
    let deep = nested(5_000, "monetary > 1");
    let png = s.path("deep.png").display().to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec!["segment", "count", "--dataset", "orders", "--rule", &deep],
        vec![
            "segment",
            "save",
            "--name",
            "deep",
            "--dataset",
            "orders",
            "--rule",
            &deep,
        ],
        vec![
            "chart",
            "--dataset",
            "orders",
            "--x",
            "customer_id",
            "--out",
            &png,
            "--where",
            &deep,
        ],
    ];
    let tag = format!("deep={deep}");
    let mut cases = cases;
    cases.push(vec!["tags", "--add", &tag]);
    for args in &cases {
        let err = refused(&loupe(args, &path), 1);
        assert!(
            err.contains("256 levels deep") && err.contains("at character"),
            "{:?}: {}",
            &args[..2],
            &err[err.len().saturating_sub(400)..]
        );
    }
    // A long chain of operators nests as deep.
    let chain = vec!["x"; 20_000].join("+") + " > 1";
    let err = refused(
        &loupe(
            &["segment", "count", "--dataset", "orders", "--rule", &chain],
            &path,
        ),
        1,
    );
    assert!(err.contains("levels deep"), "{err}");
    // Rules as deep as allowed still work, from the command line and on a thread of 2 MB.
    let ok = nested(60, "monetary > 1");
    succeeded(&loupe(
        &["segment", "count", "--dataset", "orders", "--rule", &ok],
        &path,
    ));
    let limit = loupe::expr::MAX_NESTING;
    let deepest = format!("{}x{}", "(".repeat(limit - 1), ")".repeat(limit - 1));
    let again = deepest.clone();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let e = loupe::expr::parse(&again).unwrap();
            let printed = e.to_string();
            assert_eq!(loupe::expr::parse(&printed).unwrap(), e);
            let r = loupe::segments::parse_rule(&format!("{again} > 1")).unwrap();
            let _ = r.to_string();
        })
        .unwrap()
        .join()
        .unwrap();
    let too_deep = format!("({deepest})");
    let err = loupe::expr::parse(&too_deep).unwrap_err().to_string();
    assert!(err.contains(&format!("{limit} levels deep")), "{err}");
}

#[test]
fn picture_sizes_are_capped_and_the_maximum_is_stated() {
    let s = Scratch::new();
    let path = shop_file(&s);
    let out = s.path("big.png");
    let out = out.to_str().unwrap();
    let err = refused(
        &loupe(
            &[
                "chart",
                "--dataset",
                "orders",
                "--x",
                "customer_id",
                "--out",
                out,
                "--width",
                "100000",
                "--height",
                "100000",
            ],
            &path,
        ),
        2,
    );
    assert!(err.contains("8,000 × 8,000"), "{err}");
    // The library refuses too, whoever calls it.
    let e = loupe::explore::render::check_picture_size((100_000, 100_000)).unwrap_err();
    assert!(e.to_string().contains("8000"), "{e}");
    assert!(loupe::explore::render::check_picture_size((1200, 700)).is_ok());
}

#[test]
fn numeric_options_out_of_range_are_refused_before_anything_runs() {
    let s = Scratch::new();
    let path = shop_file(&s);
    let err = refused(
        &loupe(
            &[
                "recommend",
                "--dataset",
                "orders",
                "--algo",
                "als",
                "--iterations",
                "4294967295",
            ],
            &path,
        ),
        2,
    );
    assert!(err.contains("from 1 to 1,000"), "{err}");
    let err = refused(
        &loupe(
            &[
                "rules",
                "--dataset",
                "orders",
                "--min-support",
                "2",
                "--min-confidence",
                "0.5",
            ],
            &path,
        ),
        2,
    );
    assert!(err.contains("above 0, up to 1"), "{err}");
}

fn salt_of(path: &Path) -> [u8; 16] {
    let bytes = std::fs::read(path).unwrap();
    bytes[..16].try_into().unwrap()
}

#[test]
fn encrypting_an_existing_project_draws_a_random_salt() {
    let s = Scratch::new();
    let mut salts = Vec::new();
    for name in ["a.loupe", "b.loupe"] {
        let p = Project::create(s.path(name)).unwrap();
        let (p, _) =
            passphrase::change_passphrase(p, Some(Passphrase::new("same words").unwrap())).unwrap();
        drop(p);
        salts.push(salt_of(&s.path(name)));
    }
    assert_ne!(salts[0], [0u8; 16]);
    assert_ne!(salts[1], [0u8; 16]);
    assert_ne!(
        salts[0], salts[1],
        "the same passphrase must give different keys"
    );
    // Made plain and encrypted again: another salt.
    let p = Project::open_with(
        s.path("a.loupe"),
        Some(Passphrase::new("same words").unwrap()),
    )
    .unwrap();
    let (p, _) = passphrase::change_passphrase(p, None).unwrap();
    let (p, _) =
        passphrase::change_passphrase(p, Some(Passphrase::new("same words").unwrap())).unwrap();
    drop(p);
    assert_ne!(salt_of(&s.path("a.loupe")), salts[0]);
}

#[test]
fn import_encrypt_into_an_existing_plain_project_is_refused() {
    let s = Scratch::new();
    let csv = s.write("a.csv", "id,amount\n1,2\n");
    let path = s.path("plain.loupe");
    succeeded(&loupe(&["import", csv.to_str().unwrap()], &path));
    let before = std::fs::read(&path).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args([
            "import",
            "--encrypt",
            "--passphrase-env",
            "LOUPE_PW",
            "--name",
            "again",
        ])
        .arg(&csv)
        .arg("--project")
        .arg(&path)
        .env("LOUPE_PW", "secret words")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = refused(&out, 1);
    assert!(
        err.contains("not encrypted") && err.contains("loupe passphrase --project"),
        "{err}"
    );
    assert_eq!(&std::fs::read(&path).unwrap()[..16], b"SQLite format 3\0");
    assert_eq!(std::fs::read(&path).unwrap(), before, "left as it was");
}

#[test]
fn hashed_ids_use_the_projects_secret_unless_a_salt_is_given() {
    let s = Scratch::new();
    let p = shop(&s);
    let path = p.path().to_path_buf();
    let secret = p.pii_salt().unwrap();
    drop(p);
    let out = s.path("hashed.csv");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "segment",
            "export",
            "--dataset",
            "orders",
            "--rule",
            "everyone",
            "--columns",
            "customer_id",
            "--hash-ids",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        loupe(&args, &path)
    };
    let o = run(&[]);
    succeeded(&o);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(&loupe::privacy::hash_id("a", &secret)),
        "{text}"
    );
    assert!(!text.contains(&loupe::privacy::hash_id("a", "")), "{text}");
    let p = Project::open(&path).unwrap();
    let log = p.activity(1).unwrap();
    assert_eq!(log[0].detail["salt"], "project secret (pii_salt)");
    assert!(!log[0].detail.to_string().contains(&secret));
    drop(p);
    // A salt of one's own, for an ad platform: used, named in the log (never its value), and
    // warned about when short.
    let o = run(&["--salt", "pepper"]);
    succeeded(&o);
    let warn = String::from_utf8_lossy(&o.stderr);
    assert!(
        warn.contains("warning: the salt is 6 character(s) long"),
        "{warn}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(&loupe::privacy::hash_id("a", "pepper")));
    let p = Project::open(&path).unwrap();
    let log = p.activity(1).unwrap();
    assert_eq!(log[0].detail["salt"], "given with the export");
    assert!(!log[0].detail.to_string().contains("pepper"));
    drop(p);
    let o = run(&["--salt", "a long random salt 81d3f0"]);
    succeeded(&o);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));
}

const ID: &str = "C-777";

/// A project where people wrote customer [`ID`] into names, titles, rules and the log.
fn project_with_written_id(s: &Scratch) -> Project {
    let orders = s.write(
        "orders.csv",
        format!(
            "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n\
             1,{ID},2024-01-05 10:00:00,1,5.0\n\
             2,C-7770,2024-01-06 10:00:00,2,3.0\n"
        ),
    );
    let mut p = s.project();
    import(&mut p, &[&orders], named("orders")).unwrap();
    let c = p.conn();
    c.execute(
        "INSERT INTO _loupe_tags(name, rule, position, updated_at) VALUES (?1, 'monetary > 1', 99, 'x')",
        [format!("VIP {ID}")],
    )
    .unwrap();
    c.execute(
        "INSERT INTO _loupe_segments(name, rule, description, created_at, updated_at) VALUES (?1, ?2, ?3, 'x', 'x')",
        [
            format!("for {ID}"),
            format!(r#"{{"has_tag":{{"name":"VIP {ID}"}}}}"#),
            format!("made for {ID}, not for C-7770"),
        ],
    )
    .unwrap();
    c.execute(
        "INSERT INTO _loupe_charts(title, chart, position, created_at, updated_at) VALUES (?1, '{}', 1, 'x', 'x')",
        [format!("Orders of {ID}")],
    )
    .unwrap();
    p.log(
        loupe::store::Action::Export,
        Some("orders"),
        Some(1),
        &serde_json::json!({"rule": format!("has_tag('VIP {ID}')")}),
    )
    .unwrap();
    p
}

#[test]
fn an_erased_id_in_written_text_is_listed_and_replaced_on_request() {
    let s = Scratch::new();
    let mut p = project_with_written_id(&s);
    let found = subject::find(&p, ID).unwrap();
    let text: Vec<(String, String)> = found
        .found
        .iter()
        .filter(|f| matches!(f.place, Place::Text | Place::Log))
        .map(|f| (f.table.clone(), f.column.clone()))
        .collect();
    for place in [
        ("_loupe_tags", "name"),
        ("_loupe_segments", "name"),
        ("_loupe_segments", "description"),
        ("_loupe_segments", "rule"),
        ("_loupe_charts", "title"),
        ("_loupe_activity", "detail"),
    ] {
        assert!(
            text.contains(&(place.0.to_string(), place.1.to_string())),
            "{place:?} not in {text:?}"
        );
    }
    // Without the request, the erasure lists what it left.
    let e = subject::erase(&mut p, ID, false).unwrap();
    assert_eq!(e.text_redacted, 0);
    assert!(e.text_left.len() >= 6, "{:?}", e.text_left);
    assert!(e.log_mentions >= 1);
    let path = p.path().to_path_buf();
    drop(p);
    assert!(
        std::fs::read(&path)
            .unwrap()
            .windows(ID.len())
            .any(|w| w == ID.as_bytes())
    );
    // From the command line: without --redact-text the places are named...
    let s2 = Scratch::new();
    let path = project_with_written_id(&s2).path().to_path_buf();
    let said = succeeded(&loupe(&["privacy", "erase", "--yes", "--id", ID], &path));
    assert!(
        said.contains("--redact-text") && said.contains("_loupe_charts · title"),
        "{said}"
    );
    // ...and with it the id is replaced everywhere.
    let s3 = Scratch::new();
    let path = project_with_written_id(&s3).path().to_path_buf();
    let said = succeeded(&loupe(
        &[
            "privacy",
            "erase",
            "--yes",
            "--redact-text",
            "--purge-backups",
            "--id",
            ID,
        ],
        &path,
    ));
    assert!(said.contains("Replaced the id by [erased]"), "{said}");
    let p = Project::open(&path).unwrap();
    // Names and the rules that refer to them changed together; the other customer stays.
    assert_eq!(
        rows(&p, "SELECT name FROM _loupe_tags WHERE name LIKE 'VIP%'"),
        [["VIP [erased]"]]
    );
    assert_eq!(
        rows(&p, "SELECT rule, description FROM _loupe_segments"),
        [[
            r#"{"has_tag":{"name":"VIP [erased]"}}"#,
            "made for [erased], not for C-7770"
        ]]
    );
    assert_eq!(
        rows(&p, "SELECT title FROM _loupe_charts"),
        [["Orders of [erased]"]]
    );
    // The log is append-only again.
    assert!(
        p.conn()
            .execute("UPDATE _loupe_activity SET detail = '{}'", [])
            .is_err()
    );
    let path = p.path().to_path_buf();
    drop(p);
    let bytes = std::fs::read(&path).unwrap();
    let hits = bytes
        .windows(ID.len() + 1)
        .filter(|w| &w[..ID.len()] == ID.as_bytes() && w[ID.len()] != b'0')
        .count();
    assert_eq!(hits, 0, "the id is still in the file's bytes");
}
