//! The project file: what is and is not a project, schema versions, damage; never touched when refused.

use crate::common::*;
use loupe::error::Error;
use loupe::store::{Project, SCHEMA_VERSION};

fn sha(p: &std::path::Path) -> String {
    loupe::import::sha256_file(p).unwrap()
}

#[test]
fn a_new_project_has_the_catalog_and_an_empty_log() {
    let s = Scratch::new();
    let p = Project::create(s.path("new.loupe")).unwrap();
    assert!(p.datasets().unwrap().is_empty());
    assert!(p.activity(10).unwrap().is_empty());
    let v: i64 = p
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let e = Project::create(s.path("new.loupe"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("already exists"), "{e}");
}

#[test]
fn a_new_project_ignores_the_log_left_by_a_deleted_one_of_the_same_name() {
    // A user deletes `shop.loupe` while its write-ahead log is still beside it (or copies the
    // folder without the project), then creates a new `shop.loupe`: SQLite would replay the
    // old log into the new file by its name.
    let s = Scratch::new();
    let old = Project::create(s.path("old.loupe")).unwrap();
    old.conn()
        .execute_batch("PRAGMA wal_autocheckpoint = 0; CREATE TABLE leftover(x); INSERT INTO leftover VALUES (1);")
        .unwrap();
    let mut copied = 0;
    for suffix in ["-wal", "-shm"] {
        let from = s.path(&format!("old.loupe{suffix}"));
        if from.exists() {
            std::fs::copy(&from, s.path(&format!("shop.loupe{suffix}"))).unwrap();
            copied += 1;
        }
    }
    assert!(
        copied > 0,
        "the old project keeps a write-ahead log while it is open"
    );
    let new = Project::create(s.path("shop.loupe")).unwrap();
    assert!(new.datasets().unwrap().is_empty());
    let leftover: i64 = new
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'leftover'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        leftover, 0,
        "nothing of the deleted project's log reached the new one"
    );
    drop(old);
}

#[test]
fn files_that_are_not_projects_are_left_untouched() {
    let s = Scratch::new();
    let text = s.write("notes.loupe", "just some text, long enough to be more than a header of a hundred bytes ............................................");
    let other = s.path("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    for (path, why) in [
        (&text, "not an SQLite database"),
        (&other, "another program"),
    ] {
        let before = sha(path);
        let e = Project::open(path).unwrap_err();
        assert!(matches!(e, Error::NotAProject { .. }), "{e}");
        assert!(e.to_string().contains(why), "{e}");
        assert!(e.to_string().contains("untouched"), "{e}");
        assert_eq!(sha(path), before);
        assert!(!std::path::Path::new(&format!("{}-wal", path.display())).exists());
    }
    let e = Project::open(s.path("missing.loupe")).unwrap_err();
    assert!(matches!(e, Error::NoSuchProject { .. }), "{e}");
}

#[test]
fn a_project_from_a_newer_loupe_is_refused() {
    let s = Scratch::new();
    let path = s.path("future.loupe");
    drop(Project::create(&path).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = sha(&path);
    let e = Project::open(&path).unwrap_err();
    assert!(matches!(e, Error::NewerProject { .. }), "{e}");
    assert!(e.to_string().contains("newer Loupe"), "{e}");
    assert_eq!(sha(&path), before);
}

#[test]
fn a_damaged_project_is_reported_as_damaged() {
    let s = Scratch::new();
    let path = s.path("broken.loupe");
    {
        let mut p = Project::create(&path).unwrap();
        let f = s.write("a.csv", "a,b\n1,2\n");
        import(&mut p, &[&f], named("a")).unwrap();
        p.conn()
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    // Keep the header, wreck every page after the first.
    for b in bytes.iter_mut().skip(4096) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let before = sha(&path);
    let e = Project::open(&path).unwrap_err();
    assert!(matches!(e, Error::CorruptProject { .. }), "{e}");
    assert!(e.to_string().contains("damaged"), "{e}");
    assert_eq!(sha(&path), before);
}

#[test]
fn the_catalog_records_sources_and_the_log_is_append_only() {
    let s = Scratch::new();
    let f = s.write("orders.csv", "order_id,amount\n1,2\n");
    let mut p = s.project();
    import(&mut p, &[&f], loupe::import::ImportOptions::default()).unwrap();
    let d = p.dataset("orders").unwrap();
    assert_eq!(d.sources[0].size, 20);
    assert_eq!(d.sources[0].sha256, sha(&f));
    assert!(d.sources[0].path.ends_with("orders.csv"));
    assert!(d.sources[0].modified.is_some());
    assert_eq!(d.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(d.delimiter.as_deref(), Some(","));
    p.set_role("orders", "amount", None).unwrap();
    p.delete_dataset("orders").unwrap();
    let log = p.activity(10).unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["delete", "edit", "import"]);
    assert_eq!(log[2].rows, Some(1));
    let e = p
        .conn()
        .execute("DELETE FROM _loupe_activity", [])
        .unwrap_err()
        .to_string();
    assert!(e.contains("append-only"), "{e}");
    let e = p
        .conn()
        .execute("UPDATE _loupe_activity SET rows = 0", [])
        .unwrap_err()
        .to_string();
    assert!(e.contains("append-only"), "{e}");
    let e = p.dataset("orders").unwrap_err().to_string();
    assert!(e.contains("no dataset named 'orders'"), "{e}");
}

/// A project written in one piece (a passphrase change, a restored backup) is in rollback-journal
/// mode until its first open switches it to WAL; a process killed in that switch leaves a
/// `-journal` SQLite does not count as hot. The next open deletes it and the data is whole.
#[test]
fn an_open_clears_a_journal_left_by_a_killed_switch_to_wal() {
    let s = Scratch::new();
    let f = s.write("orders.csv", "order_id,amount\n1,2\n2,3\n");
    let path = s.path("test.loupe");
    {
        let mut p = s.project();
        import(&mut p, &[&f], loupe::import::ImportOptions::default()).unwrap();
    }
    let journal = s.path("test.loupe-journal");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    std::fs::write(&journal, b"").unwrap();
    let p = Project::open(&path).unwrap();
    assert!(
        !journal.exists(),
        "the empty journal is still beside the project"
    );
    let n: i64 = p
        .conn()
        .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}

/// A hot journal (a transaction killed after it wrote into the file) is rolled back first, not
/// deleted: the file is as it was before that transaction.
#[test]
fn an_open_rolls_back_a_hot_journal_before_it_clears_anything() {
    let s = Scratch::new();
    let path = s.path("test.loupe");
    {
        let p = s.project();
        p.conn()
            .execute_batch(
                "CREATE TABLE t(x TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                 INSERT INTO t SELECT printf('%0500d', i) FROM n;",
            )
            .unwrap();
    }
    let crashed = s.path("crashed.loupe");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 2;
             BEGIN; DELETE FROM t WHERE rowid % 2 = 0; UPDATE t SET x = 'changed';",
        )
        .unwrap();
        // The file and its journal as a kill at this moment leaves them: the changes spilled
        // into the file, the journal holds the pages to put back.
        std::fs::copy(&path, &crashed).unwrap();
        std::fs::copy(
            s.path("test.loupe-journal"),
            s.path("crashed.loupe-journal"),
        )
        .unwrap();
        c.execute_batch("ROLLBACK").unwrap();
    }
    let p = Project::open(&crashed).unwrap();
    assert!(!s.path("crashed.loupe-journal").exists());
    let (n, changed): (i64, i64) = p
        .conn()
        .query_row("SELECT COUNT(*), SUM(x = 'changed') FROM t", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((n, changed), (3000, 0));
    let ok: String = p
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}
