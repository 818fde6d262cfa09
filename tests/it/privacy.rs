//! Privacy and data safety through the library: personal data found and decided on at import,
//! encrypted projects, backup and restore, subject requests (export and erasure without a trace).

use crate::common::*;
use loupe::error::Error;
use loupe::import::ImportOptions;
use loupe::privacy::subject;
use loupe::privacy::{PiiAction, PiiKind};
use loupe::progress::Reporter;
use loupe::store::{Passphrase, Project, backup, passphrase};
use std::path::Path;

const PEOPLE: &str = "customer_id,name,phone,email,id_number,card,ip,address,amount\n\
C1,张伟,13812345678,Zhang@X.com,11010519491231002X,6212345678901232,10.0.0.1,北京市朝阳区建国路88号,10.5\n\
C2,王芳,+86 139-1234-5678,wang@y.cn,11010519491231002X,4111111111111111,192.168.1.2,上海市浦东新区世纪大道100号,20\n\
C3,李娜,15012345678,li@z.org,11010519491231002X,5555555555554444,::1,广州市天河区体育西路1号,30\n";

fn key(s: &str) -> Passphrase {
    Passphrase::new(s).unwrap()
}

fn with_pii(name: &str, pii: &[(&str, PiiAction)]) -> ImportOptions {
    ImportOptions {
        name: Some(name.into()),
        pii: pii.iter().map(|(c, a)| (c.to_string(), *a)).collect(),
        ..ImportOptions::default()
    }
}

#[test]
fn personal_data_is_flagged_and_decided_before_it_is_stored() {
    let s = Scratch::new();
    let f = s.write("people.csv", PEOPLE);
    let mut p = s.project();
    let r = import(
        &mut p,
        &[&f],
        with_pii(
            "people",
            &[
                ("phone", PiiAction::Mask),
                ("email", PiiAction::Hash),
                ("card", PiiAction::Drop),
            ],
        ),
    )
    .unwrap();
    let got: Vec<(&str, PiiKind, PiiAction)> = r
        .pii
        .iter()
        .map(|f| (f.column.as_str(), f.kind, f.action))
        .collect();
    assert_eq!(
        got,
        [
            ("name", PiiKind::Name, PiiAction::Mask),
            ("phone", PiiKind::Phone, PiiAction::Mask),
            ("email", PiiKind::Email, PiiAction::Hash),
            ("id_number", PiiKind::IdNumber, PiiAction::Mask),
            ("card", PiiKind::BankCard, PiiAction::Drop),
            ("ip", PiiKind::Ip, PiiAction::Mask),
            ("address", PiiKind::Address, PiiAction::Mask),
        ]
    );
    // The dropped column is not in the table; the customer id is kept as it is.
    let cols: Vec<&str> = r.columns.iter().map(|c| c.name.as_str()).collect();
    assert!(!cols.contains(&"card"), "{cols:?}");
    let salt = p.pii_salt().unwrap();
    assert_eq!(salt.len(), 64);
    let rows = rows(
        &p,
        "SELECT customer_id, name, phone, email, id_number, ip, address FROM people ORDER BY rowid",
    );
    assert_eq!(
        rows[0],
        [
            "C1",
            "张*",
            "138****5678",
            &loupe::privacy::hash_id("zhang@x.com", &salt),
            "110105************",
            "10.0.*.*",
            "北京市朝阳区****"
        ]
    );
    assert_eq!(
        rows[1][2], "139****5678",
        "+86 and separators are dropped before masking"
    );
    // The catalog keeps the flags (dropped column included) and the Data page reads them there.
    let flags = p.pii_flags("people").unwrap();
    assert_eq!(flags.len(), 7);
    assert_eq!(flags[4].column, "card");
    assert_eq!(flags[4].action, PiiAction::Drop);
    drop(p);
    let p = Project::open_read_only(s.path("test.loupe")).unwrap();
    assert_eq!(p.pii_flags("people").unwrap(), flags, "kept in the file");
    // No raw value is anywhere in the file.
    let bytes = std::fs::read(s.path("test.loupe")).unwrap();
    for raw in [
        "13812345678",
        "zhang@x.com",
        "Zhang@X.com",
        "6212345678901232",
        "建国路88号",
    ] {
        assert!(
            !contains(&bytes, raw.as_bytes()),
            "{raw} is in the project file"
        );
    }
}

#[test]
fn hashes_join_within_a_project_and_differ_between_projects() {
    let s = Scratch::new();
    let f = s.write(
        "members.csv",
        "member_phone,points\n13812345678,5\n+86 139 1234 5678,7\n15012345678,1\n",
    );
    let g = s.write(
        "orders.csv",
        "phone,amount\n+86-138-1234-5678,10\n13912345678,20\n",
    );
    let mut p = s.project();
    import(
        &mut p,
        &[&f],
        with_pii("members", &[("member_phone", PiiAction::Hash)]),
    )
    .unwrap();
    import(
        &mut p,
        &[&g],
        with_pii("orders", &[("phone", PiiAction::Hash)]),
    )
    .unwrap();
    let joined = rows(
        &p,
        "SELECT m.points, o.amount FROM members m JOIN orders o ON o.phone = m.member_phone ORDER BY m.points",
    );
    assert_eq!(
        joined,
        [["5", "10"], ["7", "20"]],
        "the same phones, written differently, join"
    );
    let mut q = Project::create(s.path("other.loupe")).unwrap();
    import(
        &mut q,
        &[&f],
        with_pii("members", &[("member_phone", PiiAction::Hash)]),
    )
    .unwrap();
    assert_ne!(
        p.pii_salt().unwrap(),
        q.pii_salt().unwrap(),
        "a salt per project"
    );
    assert_ne!(
        rows(&p, "SELECT member_phone FROM members ORDER BY rowid"),
        rows(&q, "SELECT member_phone FROM members ORDER BY rowid")
    );
}

#[test]
fn the_customer_id_is_kept_by_default_and_unknown_columns_are_refused() {
    let s = Scratch::new();
    let f = s.write(
        "orders.csv",
        "customer_phone,amount\n13812345678,1\n13912345678,2\n15012345678,3\n",
    );
    let mut p = s.project();
    let opts = ImportOptions {
        name: Some("orders".into()),
        roles: vec![("customer_phone".into(), loupe::dataset::Role::CustomerId)],
        ..ImportOptions::default()
    };
    let r = import(&mut p, &[&f], opts).unwrap();
    assert_eq!(r.pii.len(), 1);
    assert_eq!(
        (r.pii[0].kind, r.pii[0].action),
        (PiiKind::Phone, PiiAction::Keep)
    );
    assert_eq!(
        rows(&p, "SELECT customer_phone FROM orders LIMIT 1"),
        [["13812345678"]]
    );
    let err = import(&mut p, &[&f], with_pii("x", &[("nope", PiiAction::Mask)])).unwrap_err();
    assert!(err.to_string().contains("no column 'nope'"), "{err}");
    assert!(!p.has_dataset("x").unwrap());
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The project file and its write-ahead log, as bytes.
fn file_bytes(path: &Path) -> Vec<u8> {
    let mut b = std::fs::read(path).unwrap();
    if let Ok(w) = std::fs::read(format!("{}-wal", path.display())) {
        b.extend(w);
    }
    b
}

#[test]
fn an_encrypted_project_is_unreadable_without_its_passphrase() {
    let s = Scratch::new();
    let f = s.write(
        "secret.csv",
        "code,amount\nZEBRA-UNIQUE-4711,1\nZEBRA-UNIQUE-4712,2\n",
    );
    let path = s.path("enc.loupe");
    let mut p = Project::create_with(&path, Some(key("correct horse"))).unwrap();
    assert!(p.is_encrypted());
    import(&mut p, &[&f], named("secret")).unwrap();
    drop(p);
    let bytes = file_bytes(&path);
    assert_ne!(
        &bytes[..16],
        b"SQLite format 3\0",
        "not a plain SQLite file"
    );
    assert!(
        !contains(&bytes, b"ZEBRA-UNIQUE"),
        "the values are not in the file"
    );
    assert!(!contains(&bytes, b"_loupe_datasets"), "nor the schema");
    // Without the passphrase: a clear error, and the file stays as it was.
    let before = std::fs::read(&path).unwrap();
    let e = Project::open(&path).unwrap_err();
    assert!(matches!(e, Error::PassphraseNeeded { .. }), "{e}");
    let e = Project::open_with(&path, Some(key("wrong"))).unwrap_err();
    assert!(matches!(e, Error::WrongPassphrase { .. }), "{e}");
    assert!(e.to_string().starts_with("wrong passphrase for"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "untouched");
    // Plain SQLite cannot read it either.
    let c = rusqlite::Connection::open(&path).unwrap();
    assert!(
        c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r
            .get::<_, i64>(0))
            .is_err()
    );
    drop(c);
    // With it, everything is there.
    let p = Project::open_read_only_with(&path, Some(key("correct horse"))).unwrap();
    assert_eq!(rows(&p, "SELECT count(*) FROM secret"), [["2"]]);
    // Other files keep their own errors.
    let txt = s.write("notes.txt", "hello");
    assert!(matches!(
        Project::open(&txt).unwrap_err(),
        Error::NotAProject { .. }
    ));
}

#[test]
fn passphrases_change_and_projects_can_be_encrypted_and_decrypted() {
    let s = Scratch::new();
    let f = s.write("orders.csv", "customer,amount\nA,1\nB,2\n");
    let path = s.path("p.loupe");
    let mut p = Project::create(&path).unwrap();
    import(&mut p, &[&f], named("orders")).unwrap();
    let count = |p: &Project| rows(p, "SELECT count(*) FROM orders")[0][0].clone();
    // Plain -> encrypted.
    let (p, change) = passphrase::change_passphrase(p, Some(key("one"))).unwrap();
    assert_eq!(change, passphrase::PassphraseChange::Encrypted);
    assert_eq!(count(&p), "2");
    drop(p);
    assert_ne!(&std::fs::read(&path).unwrap()[..16], b"SQLite format 3\0");
    // Encrypted -> new passphrase (rekey).
    let p = Project::open_with(&path, Some(key("one"))).unwrap();
    let (p, change) = passphrase::change_passphrase(p, Some(key("two"))).unwrap();
    assert_eq!(change, passphrase::PassphraseChange::Changed);
    drop(p);
    assert!(matches!(
        Project::open_with(&path, Some(key("one"))).unwrap_err(),
        Error::WrongPassphrase { .. }
    ));
    let p = Project::open_with(&path, Some(key("two"))).unwrap();
    assert_eq!(count(&p), "2");
    // Encrypted -> plain.
    let (p, change) = passphrase::change_passphrase(p, None).unwrap();
    assert_eq!(change, passphrase::PassphraseChange::Decrypted);
    drop(p);
    assert_eq!(&std::fs::read(&path).unwrap()[..16], b"SQLite format 3\0");
    let p = Project::open(&path).unwrap();
    assert_eq!(count(&p), "2");
    let actions: Vec<String> = p
        .activity(10)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions[..4],
        ["passphrase", "passphrase", "passphrase", "import"],
        "the log came along"
    );
    // The log is still append-only after the copies.
    assert!(p.conn().execute("DELETE FROM _loupe_activity", []).is_err());
}

#[test]
fn backup_and_restore_round_trip_while_the_project_is_written() {
    let s = Scratch::new();
    let f = s.write("orders.csv", "customer,amount\nA,1\nB,2\nC,3\n");
    for encrypted in [false, true] {
        let path = s.path(if encrypted {
            "enc.loupe"
        } else {
            "plain.loupe"
        });
        let k = encrypted.then(|| key("pw"));
        let mut p = Project::create_with(&path, k.clone()).unwrap();
        import(&mut p, &[&f], named("orders")).unwrap();
        p.conn()
            .execute_batch("CREATE TABLE busy(x INTEGER); INSERT INTO busy VALUES (0);")
            .unwrap();
        // Another connection writes all along the backup.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (path, k, stop) = (path.clone(), k.clone(), stop.clone());
            std::thread::spawn(move || {
                let w = Project::open_with(&path, k).unwrap();
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    n += 1;
                    w.conn()
                        .execute("INSERT INTO busy VALUES (?1)", [n])
                        .unwrap();
                }
                n
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        let dest = s.path(if encrypted {
            "enc-backup.loupe"
        } else {
            "plain-backup.loupe"
        });
        let r = backup::backup_to(&p, &dest, &Reporter::silent()).unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let written = writer.join().unwrap();
        assert!(written > 0);
        assert_eq!(r.encrypted, encrypted);
        assert!(
            !Path::new(&format!("{}-wal", dest.display())).exists(),
            "one file"
        );
        // The backup is complete and consistent: a prefix 0..n of the writer's rows.
        let checked = backup::check_backup(&dest, k.clone()).unwrap();
        assert_eq!(checked.datasets, 1);
        assert_eq!(
            &std::fs::read(&dest).unwrap()[..16] == b"SQLite format 3\0",
            !encrypted,
            "an encrypted project backs up encrypted"
        );
        let b = Project::open_read_only_with(&dest, k.clone()).unwrap();
        let got = rows(&b, "SELECT count(*), max(x) FROM busy");
        let n: i64 = got[0][0].parse().unwrap();
        assert_eq!(got[0][1], (n - 1).to_string(), "rows 0..n, none missing");
        drop(b);
        // Change the project, then restore: the data is the backup's again.
        p.conn()
            .execute("DELETE FROM orders WHERE customer = 'A'", [])
            .unwrap();
        drop(p);
        if let Some(k) = &k {
            loupe::store::key::remember(&path, k.clone());
        }
        let restored = backup::restore(&path, &dest, k.clone(), &Reporter::silent()).unwrap();
        let previous = restored
            .previous
            .clone()
            .expect("the project before was backed up");
        assert!(previous.starts_with(backup::backups_dir(&path)));
        let p = Project::open_with(&path, k.clone()).unwrap();
        assert_eq!(rows(&p, "SELECT count(*) FROM orders"), [["3"]]);
        assert_eq!(p.activity(1).unwrap()[0].action, "restore");
        let before = Project::open_read_only_with(&previous, k.clone()).unwrap();
        assert_eq!(
            rows(&before, "SELECT count(*) FROM orders"),
            [["2"]],
            "the state before the restore"
        );
    }
}

#[test]
fn a_broken_backup_is_refused_and_the_project_left_as_it_was() {
    let s = Scratch::new();
    let f = s.write("orders.csv", "customer,amount\nA,1\nB,2\n");
    let path = s.path("p.loupe");
    let mut p = Project::create(&path).unwrap();
    import(&mut p, &[&f], named("orders")).unwrap();
    let dest = s.path("b.loupe");
    backup::backup_to(&p, &dest, &Reporter::silent()).unwrap();
    drop(p);
    // A backup cut short, one with a damaged page, and a file that is no project.
    let full = std::fs::read(&dest).unwrap();
    let cut = s.write("cut.loupe", &full[..full.len() / 2]);
    // Every page's header scrambled (page 1 keeps its file header).
    let mut bad = full.clone();
    for page in bad.chunks_mut(4096).skip(1) {
        for b in &mut page[..12] {
            *b ^= 0x5A;
        }
    }
    let damaged = s.write("damaged.loupe", &bad);
    let other = s.write("other.loupe", "customer,amount\n");
    for from in [&cut, &damaged, &other] {
        let e = backup::restore(&path, from, None, &Reporter::silent()).unwrap_err();
        assert!(e.to_string().contains("cannot be restored"), "{e}");
    }
    let p = Project::open(&path).unwrap();
    assert_eq!(rows(&p, "SELECT count(*) FROM orders"), [["2"]]);
    assert!(
        backup::list_backups(&path).unwrap().is_empty(),
        "nothing was replaced"
    );
}

#[test]
fn destructive_operations_back_up_first_and_old_automatic_backups_go() {
    let s = Scratch::new();
    let f = s.write("orders.csv", "customer,amount\nA,1\n");
    let path = s.path("p.loupe");
    let mut p = Project::create(&path).unwrap();
    for i in 0..(backup::KEEP_AUTOMATIC + 2) {
        import(&mut p, &[&f], named("orders")).unwrap();
        p.delete_dataset("orders").unwrap();
        assert_eq!(
            backup::list_backups(&path).unwrap().len(),
            (i + 1).min(backup::KEEP_AUTOMATIC)
        );
    }
    let list = backup::list_backups(&path).unwrap();
    assert!(list.iter().all(|b| b.automatic));
    // Each holds the dataset as it was before its deletion.
    let newest = Project::open_read_only(&list.last().unwrap().path).unwrap();
    assert!(newest.has_dataset("orders").unwrap());
    // Replacing a dataset is destructive too; a manual backup is not counted as automatic.
    import(&mut p, &[&f], named("orders")).unwrap();
    backup::backup_to(&p, &backup::default_backup_path(&path), &Reporter::silent()).unwrap();
    let opts = ImportOptions {
        replace: true,
        ..named("orders")
    };
    import(&mut p, &[&f], opts).unwrap();
    let list = backup::list_backups(&path).unwrap();
    assert_eq!(
        list.iter().filter(|b| b.automatic).count(),
        backup::KEEP_AUTOMATIC
    );
    assert_eq!(list.iter().filter(|b| !b.automatic).count(), 1);
    assert!(
        list.iter()
            .any(|b| b.path.to_string_lossy().contains("auto-replace-orders"))
    );
}

const SUBJECT: &str = "SUBJ-7Q9Z";

/// A project where the subject is everywhere a customer id lands.
fn project_with_subject(s: &Scratch) -> Project {
    let orders = s.write(
        "orders.csv",
        format!(
            "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Referrer\n\
             1,{SUBJECT},2024-01-05 10:00:00,1,5.0,\n\
             2,OTHER-1,2024-01-06 10:00:00,2,3.0,{SUBJECT}\n\
             3,{SUBJECT},2024-02-05 10:00:00,3,2.0,\n\
             4,OTHER-2,2024-02-07 10:00:00,1,9.0,\n"
        ),
    );
    let events = s.write(
        "events.csv",
        format!("user_id,event,time\n{SUBJECT},view,2024-01-01 09:00:00\nOTHER-1,view,2024-01-02 09:00:00\n"),
    );
    let mut p = s.project();
    import(&mut p, &[&orders], named("orders")).unwrap();
    let opts = ImportOptions {
        name: Some("events".into()),
        roles: vec![("user_id".into(), loupe::dataset::Role::CustomerId)],
        ..ImportOptions::default()
    };
    import(&mut p, &[&events], opts).unwrap();
    // A cleaned copy, a customer table and a snapshot of a segment, rules that name the id.
    let recipe = loupe::clean::Recipe::from_json(
        r#"{"steps": [{"op": "trim", "columns": ["Referrer"]}]}"#,
        "test",
    )
    .unwrap();
    loupe::clean::rebuild(&mut p, "orders", &recipe, None, &Reporter::silent()).unwrap();
    let c = p.conn();
    c.execute(
        "INSERT INTO _loupe_snapshots(segment, taken_at, dataset, as_of, reason, members, ids) VALUES ('vip', '2024-03-01', 'orders', '2024-03-01', 'saved', 3, ?1)",
        [format!("OTHER-1\n{SUBJECT}\nOTHER-2")],
    )
    .unwrap();
    c.execute(
        "INSERT INTO _loupe_segments(name, rule, description, created_at, updated_at) VALUES ('one', ?1, 'only them', 'x', 'x')",
        [format!(r#"{{"op":"eq","column":"customer_id","value":"{SUBJECT}"}}"#)],
    )
    .unwrap();
    c.execute(
        "INSERT INTO _loupe_tags(name, rule, position, updated_at) VALUES ('them', ?1, 99, 'x')",
        [format!("customer_id = '{SUBJECT}'")],
    )
    .unwrap();
    c.execute_batch(&format!(
        "CREATE TABLE orders_customers_extra(customer_id TEXT, score REAL);
         INSERT INTO orders_customers_extra VALUES ('{SUBJECT}', 1.0), ('OTHER-1', 2.0);"
    ))
    .unwrap();
    p
}

/// Every text cell of every table holding `needle`, as (table, column).
fn traces(p: &Project, needle: &str) -> Vec<(String, String)> {
    let c = p.conn();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = vec![];
    for t in tables {
        let cols: Vec<String> = c
            .prepare(&format!("PRAGMA table_info(\"{t}\")"))
            .unwrap()
            .query_map([], |r| r.get(1))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for col in cols {
            let n: i64 = c
                .query_row(
                    &format!(
                        "SELECT count(*) FROM \"{t}\" WHERE instr(CAST(\"{col}\" AS TEXT), ?1) > 0"
                    ),
                    [needle],
                    |r| r.get(0),
                )
                .unwrap();
            if n > 0 {
                out.push((t.clone(), col));
            }
        }
    }
    out
}

#[test]
fn a_subject_is_found_everywhere_and_exported() {
    let s = Scratch::new();
    let p = project_with_subject(&s);
    let r = subject::find(&p, SUBJECT).unwrap();
    let places: Vec<(String, String, subject::Place, u64)> = r
        .found
        .iter()
        .map(|f| (f.table.clone(), f.column.clone(), f.place.clone(), f.count))
        .collect();
    use subject::Place::*;
    for want in [
        ("orders".to_string(), "CustomerID".to_string(), Rows, 2),
        ("orders".into(), "Referrer".into(), Cells, 1),
        ("orders_clean".into(), "CustomerID".into(), Rows, 2),
        ("events".into(), "user_id".into(), Rows, 1),
        (
            "orders_customers_extra".into(),
            "customer_id".into(),
            Rows,
            1,
        ),
        ("_loupe_snapshots".into(), "ids".into(), Snapshot, 1),
        ("_loupe_segments".into(), "rule".into(), Mention, 1),
        ("_loupe_tags".into(), "rule".into(), Mention, 1),
    ] {
        assert!(places.contains(&want), "{want:?} not in {places:#?}");
    }
    assert_eq!(r.rows(), 6);
    // JSON: every row about them, by table and column.
    let out = s.path("subject.json");
    subject::export_subject(&p, SUBJECT, &out, None).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["subject"], SUBJECT);
    let orders = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "orders")
        .unwrap();
    let invoices: Vec<String> = orders["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["InvoiceNo"].to_string().trim_matches('"').to_string())
        .collect();
    assert_eq!(
        invoices,
        ["1", "2", "3"],
        "their orders and the one that names them as referrer"
    );
    assert_eq!(v["segment_snapshots"][0]["segment"], "vip");
    // CSV: table, row, column, value.
    let out = s.path("subject.csv");
    subject::export_subject(&p, SUBJECT, &out, None).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("table,row,column,value\n"));
    assert!(
        text.contains(&format!("events,1,user_id,{SUBJECT}\n")),
        "{text}"
    );
    assert!(subject::find(&p, "  ").is_err(), "an empty id is refused");
    // The export is logged without the id.
    let last = &p.activity(1).unwrap()[0];
    assert_eq!(last.action, "export");
    assert!(!last.detail.to_string().contains(SUBJECT));
}

#[test]
fn erasure_leaves_no_trace_in_any_table_nor_in_the_file() {
    let s = Scratch::new();
    let mut p = project_with_subject(&s);
    let path = p.path().to_path_buf();
    assert!(!traces(&p, SUBJECT).is_empty());
    let before_others = rows(
        &p,
        "SELECT count(*) FROM orders WHERE CustomerID <> 'SUBJ-7Q9Z'",
    );
    let e = subject::erase(&mut p, SUBJECT, false).unwrap();
    assert_eq!(e.rows_deleted, 6);
    assert_eq!(
        e.cells_cleared, 2,
        "the referrer in orders and in its cleaned copy"
    );
    assert_eq!(e.snapshots_edited, 1);
    assert_eq!(e.mentions_redacted, 2);
    assert!(
        e.backup.is_some() && e.backups_left == 1,
        "an automatic backup first"
    );
    // No table holds it, in any text column, the activity log included.
    assert_eq!(traces(&p, SUBJECT), Vec::<(String, String)>::new());
    // Others are untouched; counts in the catalog follow.
    assert_eq!(
        rows(
            &p,
            "SELECT count(*) FROM orders WHERE CustomerID <> 'SUBJ-7Q9Z'"
        ),
        before_others
    );
    assert_eq!(
        rows(
            &p,
            "SELECT InvoiceNo, Referrer FROM orders WHERE InvoiceNo = 2"
        ),
        [["2", "∅"]]
    );
    assert_eq!(p.dataset("orders").unwrap().rows, 2);
    assert_eq!(
        rows(&p, "SELECT members, ids FROM _loupe_snapshots"),
        [["2", "OTHER-1\nOTHER-2"]]
    );
    assert_eq!(
        rows(&p, "SELECT rule FROM _loupe_tags WHERE name = 'them'"),
        [["customer_id = '[erased]'"]]
    );
    // The log records the erasure with a salted hash, not the id.
    let log = p.activity(1).unwrap();
    assert_eq!(log[0].action, "erase");
    assert_eq!(
        log[0].detail["subject"],
        loupe::privacy::hash_id(SUBJECT, &p.pii_salt().unwrap())
    );
    drop(p);
    // Nothing left in the file's bytes: no free page, no log.
    let bytes = file_bytes(&path);
    assert!(
        !contains(&bytes, SUBJECT.as_bytes()),
        "the id is still in the file's bytes"
    );
    // The automatic backup still holds it (documented): purging removes it.
    let backups = backup::list_backups(&path).unwrap();
    assert!(contains(
        &std::fs::read(&backups[0].path).unwrap(),
        SUBJECT.as_bytes()
    ));
    let mut p = Project::open(&path).unwrap();
    let again = subject::erase(&mut p, SUBJECT, true);
    assert!(again.is_err(), "nothing is left to erase");
    assert_eq!(backup::purge_backups(&path).unwrap(), 1);
}

#[test]
fn a_hashed_customer_id_is_found_by_its_plain_value() {
    let s = Scratch::new();
    let f = s.write(
        "orders.csv",
        "customer_phone,amount\n13812345678,1\n13912345678,2\n+86 138 1234 5678,3\n",
    );
    let mut p = s.project();
    let opts = ImportOptions {
        name: Some("orders".into()),
        roles: vec![("customer_phone".into(), loupe::dataset::Role::CustomerId)],
        pii: vec![("customer_phone".into(), PiiAction::Hash)],
        ..ImportOptions::default()
    };
    import(&mut p, &[&f], opts).unwrap();
    let r = subject::find(&p, "13812345678").unwrap();
    assert_eq!(r.rows(), 2, "both ways of writing the phone hash the same");
    let e = subject::erase(&mut p, "13812345678", true).unwrap();
    assert_eq!(e.rows_deleted, 2);
    assert_eq!(rows(&p, "SELECT amount FROM orders"), [["2"]]);
}
