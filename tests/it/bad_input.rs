//! Bad input and faults (issue 21, part A): stray quotes, mixed encodings, files that change while
//! read, and messages that name the file and the next step. Every repro file is made here.

use crate::common::*;
use loupe::error::Error;
use loupe::import::{EncodingChoice, ImportOptions, QuoteMode, RaggedPolicy, import_files};
use loupe::progress::{CancelToken, Progress, Reporter};
use loupe::query::query_table;
use loupe::store::Project;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The import's error, after checking that the project did not change.
fn import_err(p: &mut Project, f: &Path, opts: ImportOptions) -> Error {
    let before = snapshot(p);
    let e = import(p, &[f], opts).expect_err("the import should fail");
    assert_eq!(snapshot(p), before, "a failed import changed the project");
    e
}

fn with(name: &str, f: impl FnOnce(&mut ImportOptions)) -> ImportOptions {
    let mut o = named(name);
    f(&mut o);
    o
}

/// `rows` rows of `id,name,amount`; `line` (1-based, counting the header) replaced by `bad`.
fn table_with(rows: usize, line: usize, bad: &str) -> String {
    let mut s = String::from("id,name,amount\n");
    for i in 1..=rows {
        if i + 1 == line {
            s.push_str(bad);
        } else {
            s.push_str(&format!("{i},name {i},{}.5", i * 3));
        }
        s.push('\n');
    }
    s
}

#[test]
fn a_stray_quote_in_the_last_column_stops_at_its_line() {
    let s = Scratch::new();
    let mut p = s.project();
    // Today: "Imported 6 rows", one cell of the rest of the file.
    let f = s.write("stray.csv", table_with(10_000, 7, "6,name 6,\"18.5"));
    let e = import_err(&mut p, &f, named("t")).to_string();
    for want in [
        "stray.csv",
        "line 7",
        "column 'amount'",
        "quotes as plain characters",
    ] {
        assert!(e.contains(want), "missing {want:?} in: {e}");
    }
    // The choice the error offers keeps every row.
    let r = import(&mut p, &[&f], with("t", |o| o.quotes = QuoteMode::Plain)).unwrap();
    assert_eq!(r.rows, 10_000);
    assert_eq!(
        rows(&p, "SELECT amount FROM t WHERE id = 6"),
        vec![vec!["\"18.5".to_string()]]
    );
    assert_eq!(
        rows(&p, "SELECT count(*) FROM t WHERE id = 10000")[0][0],
        "1"
    );
}

#[test]
fn a_stray_quote_in_a_middle_column_is_never_padded_away() {
    let s = Scratch::new();
    let mut p = s.project();
    // Today: the error advised --ragged pad, which imported 5 of 10,000 rows.
    let f = s.write("middle.csv", table_with(10_000, 7, "6,\"name 6,18.5"));
    for ragged in [RaggedPolicy::Error, RaggedPolicy::Pad] {
        let e = import_err(&mut p, &f, with("m", |o| o.ragged = ragged)).to_string();
        assert!(
            e.contains("line 7")
                && e.contains("column 'name'")
                && e.contains("quotes as plain characters"),
            "{e}"
        );
        assert!(!e.contains("padded"), "advises padding: {e}");
    }
    let r = import(&mut p, &[&f], with("m", |o| o.quotes = QuoteMode::Plain)).unwrap();
    assert_eq!(r.rows, 10_000);
}

#[test]
fn a_quote_that_closes_far_away_or_never_stops_the_import() {
    let s = Scratch::new();
    let mut p = s.project();
    // Two stray quotes 40 lines apart: the rows between would become one cell.
    let mut text = table_with(200, 10, "9,\"oops,27.5");
    text = text.replace("49,name 49,147.5", "49,bad\",147.5");
    let f = s.write("pair.csv", &text);
    let e = import_err(&mut p, &f, named("q")).to_string();
    assert!(e.contains("line 10") && e.contains("look like rows"), "{e}");
    // A quote that never closes, near the end (few lines: no size limit reached).
    let f = s.write("end.csv", table_with(50, 49, "48,\"name,144.5"));
    let e = import_err(&mut p, &f, named("q")).to_string();
    assert!(e.contains("line 49") && e.contains("never closes"), "{e}");
    // A long quoted cell of prose (no row-like lines) past the line limit: stopped, with both
    // ways out; --quotes long reads it as one cell.
    let mut text = String::from("id,note,amount\n1,\"start\n");
    for i in 0..150 {
        text.push_str(&format!("line {i} of a long note\n"));
    }
    text.push_str("end\",2\n2,short,3\n");
    let f = s.write("long.csv", &text);
    let e = import_err(&mut p, &f, named("q")).to_string();
    assert!(
        e.contains("line 2")
            && e.contains("allowing long quoted cells")
            && e.contains("quotes as plain characters"),
        "{e}"
    );
    let r = import(&mut p, &[&f], with("q", |o| o.quotes = QuoteMode::Long)).unwrap();
    assert_eq!(r.rows, 2);
}

#[test]
fn ragged_rows_joined_by_a_quote_are_not_advised_padding() {
    let s = Scratch::new();
    let mut p = s.project();
    // Line 5 opens a quote that line 6 closes: the joined row has 4 fields.
    let mut text = table_with(20, 5, "4,\"x");
    text = text.replace("5,name 5,15.5", "5,y\",15.5,extra");
    let f = s.write("joined.csv", &text);
    for ragged in [RaggedPolicy::Error, RaggedPolicy::Pad] {
        let e = import_err(&mut p, &f, with("j", |o| o.ragged = ragged)).to_string();
        assert!(
            e.contains("joined.csv") && e.contains("quotes as plain characters"),
            "{e}"
        );
        assert!(!e.contains("padded"), "advises padding: {e}");
    }
    // Plain quotes: 20 rows, the two odd ones padded or widened.
    let r = import(
        &mut p,
        &[&f],
        with("j", |o| {
            o.quotes = QuoteMode::Plain;
            o.ragged = RaggedPolicy::Pad;
        }),
    )
    .unwrap();
    assert_eq!(r.rows, 20);
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

#[test]
fn a_few_gbk_lines_do_not_garble_a_utf8_file() {
    let s = Scratch::new();
    let mut p = s.project();
    // 999 UTF-8 lines (the header among them) and 20 GBK lines in the middle.
    let mut bytes = "城市,人数\n".as_bytes().to_vec();
    for i in 0..998 {
        if i == 500 {
            for k in 0..20 {
                bytes.extend(gbk(&format!("北京{k},{k}\n")));
            }
        }
        bytes.extend(format!("上海{i},{i}\n").as_bytes());
    }
    let f = s.write("mixed.csv", &bytes);
    let r = import(&mut p, &[&f], named("m")).unwrap();
    assert_eq!(r.rows, 1018);
    assert_eq!(r.columns[0].name, "城市");
    assert_eq!(
        rows(&p, "SELECT 城市 FROM m WHERE 人数 = 7 ORDER BY 1"),
        vec![vec!["上海7".to_string()], vec!["北京7".to_string()],]
    );
    assert_eq!(
        rows(&p, "SELECT count(*) FROM m WHERE 城市 LIKE '北京%'")[0][0],
        "20"
    );
    let w = r.warnings.join("\n");
    assert!(
        w.contains("20 line(s)") && w.to_lowercase().contains("gb18030") && w.contains("502"),
        "{w}"
    );
}

#[test]
fn gbk_lines_past_the_head_and_the_advice_for_them() {
    let s = Scratch::new();
    let mut p = s.project();
    // 3,000 UTF-8 lines (past the bytes the encoding is detected from), then 20 GBK lines.
    let mut bytes = "商品,数量,备注\n".as_bytes().to_vec();
    for i in 0..3000 {
        bytes.extend(format!("红富士苹果礼盒装{i},{i},这是一段较长的备注文字\n").as_bytes());
    }
    for k in 0..20 {
        bytes.extend(gbk(&format!("香蕉{k},{k},备注\n")));
    }
    let f = s.write("late.csv", &bytes);
    let r = import(&mut p, &[&f], named("l")).unwrap();
    assert_eq!(r.rows, 3020);
    assert_eq!(
        rows(&p, "SELECT 商品 FROM l WHERE 数量 = 3 ORDER BY 1"),
        vec![
            vec!["红富士苹果礼盒装3".to_string()],
            vec!["香蕉3".to_string()]
        ]
    );
    // Forcing UTF-8 stops at the first GBK line; the advice it gives reads every line right.
    let e = import_err(
        &mut p,
        &f,
        with("l2", |o| {
            o.encoding = EncodingChoice::Fixed(encoding_rs::UTF_8)
        }),
    )
    .to_string();
    assert!(
        e.contains("line 3002") && e.contains("again as UTF-8 with some lines in"),
        "{e}"
    );
    assert!(!e.contains("again as GB18030"), "{e}");
    let r = import(
        &mut p,
        &[&f],
        with("l2", |o| o.encoding = "auto".parse().unwrap()),
    )
    .unwrap();
    assert_eq!(r.rows, 3020);
    assert_eq!(
        rows(
            &p,
            "SELECT count(*) FROM l2 WHERE 商品 LIKE '红富士苹果礼盒装%'"
        )[0][0],
        "3000"
    );
}

#[test]
fn a_gbk_majority_with_utf8_lines_names_both() {
    let s = Scratch::new();
    let mut p = s.project();
    let mut bytes = gbk("城市,人数\n");
    for i in 0..60 {
        bytes.extend(gbk(&format!("北京{i},{i}\n")));
        if i % 20 == 0 {
            bytes.extend(format!("上海{i},{i}\n").as_bytes());
        }
    }
    let f = s.write("gbk_mostly.csv", &bytes);
    let e = import_err(&mut p, &f, named("g")).to_string();
    assert!(
        e.contains("gbk_mostly.csv")
            && e.contains("are UTF-8")
            && e.contains("lines 3, 24, 45")
            && e.contains("each line in the encoding it is valid in"),
        "{e}"
    );
    let r = import(
        &mut p,
        &[&f],
        with("g", |o| o.encoding = EncodingChoice::Mixed),
    )
    .unwrap();
    assert_eq!(r.rows, 63);
    assert_eq!(r.columns[0].name, "城市");
    assert_eq!(
        rows(&p, "SELECT 城市 FROM g WHERE 人数 = 20 ORDER BY 1"),
        vec![vec!["上海20".to_string()], vec!["北京20".to_string()]]
    );
    // A GBK file whose lines are UTF-8 by chance (GBK 女 is UTF-8 Ů) stays GBK throughout.
    let mut bytes = b"name,gender\n".to_vec();
    for i in 0..40 {
        bytes.extend(gbk(&format!(
            "p{i},{}\n",
            if i % 3 == 0 { "男" } else { "女" }
        )));
    }
    let f = s.write("gender.csv", &bytes);
    let r = import(&mut p, &[&f], named("sex")).unwrap();
    assert_eq!(r.rows, 40);
    assert_eq!(
        rows(&p, "SELECT gender, count(*) FROM sex GROUP BY 1 ORDER BY 1"),
        vec![
            vec!["女".to_string(), "26".to_string()],
            vec!["男".to_string(), "14".to_string()]
        ]
    );
}

/// Imports `f` while `change` alters it at the first progress report of the load.
fn import_while(p: &mut Project, f: &Path, change: impl Fn(&Path) + Send + Sync) -> Error {
    let done = std::sync::atomic::AtomicBool::new(false);
    let path = f.to_path_buf();
    let sink = move |pr: &Progress| {
        if pr.stage == loupe::progress::Stage::Loading
            && !done.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            change(&path);
        }
    };
    let rep = Reporter::new(CancelToken::new(), &sink);
    let before = snapshot(p);
    let e = import_files(p, &[f.to_path_buf()], &named("grow"), &rep)
        .expect_err("a file that changed while read must not import");
    assert_eq!(
        snapshot(p),
        before,
        "the refused import changed the project"
    );
    e
}

#[test]
fn a_file_that_changes_while_imported_is_refused() {
    let s = Scratch::new();
    let mut p = s.project();
    let text = table_with(300_000, 0, "");
    let f = s.write("growing.csv", &text);
    let e = import_while(&mut p, &f, |path| {
        use std::io::Write;
        let mut w = std::fs::OpenOptions::new().append(true).open(path).unwrap();
        w.write_all(b"300001,late,1.5\n300002,late,2.5\n").unwrap();
    });
    let msg = e.to_string();
    assert!(
        msg.contains("growing.csv") && msg.contains("changed while"),
        "{msg}"
    );
    let f = s.write("shrinking.csv", &text);
    let e = import_while(&mut p, &f, |path| {
        let w = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        w.set_len(1000).unwrap();
    })
    .to_string();
    assert!(
        e.contains("shrinking.csv") && e.contains("changed while"),
        "{e}"
    );
    // Unchanged, it imports, and the size recorded is what was read.
    let f = s.write("steady.csv", &text);
    let r = import(&mut p, &[&f], named("steady")).unwrap();
    assert_eq!(r.rows, 300_000);
    assert_eq!(r.files[0].size, text.len() as u64);
}

#[test]
fn five_thousand_columns_say_the_limit() {
    let s = Scratch::new();
    let mut p = s.project();
    let header: Vec<String> = (1..=5000).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (1..=5000).map(|i| i.to_string()).collect();
    let f = s.write(
        "wide5000.csv",
        format!(
            "{}\n{}\n{}\n",
            header.join(","),
            row.join(","),
            row.join(",")
        ),
    );
    let e = import_err(&mut p, &f, named("wide")).to_string();
    assert!(
        e.contains("wide5000.csv")
            && e.contains("5000 columns")
            && e.contains("2000")
            && e.contains("Split"),
        "{e}"
    );
}

#[test]
fn query_reads_comments_and_calls_typos_syntax_errors() {
    let s = Scratch::new();
    let mut p = s.project();
    let f = s.write("t.csv", "a,b\n1,2\n");
    import(&mut p, &[&f], named("t")).unwrap();
    let t = query_table(&p, "/* c */ SELECT 1", 10).unwrap();
    assert_eq!(t.rows.len(), 1);
    let t = query_table(&p, "-- why\nSELECT a FROM t", 10).unwrap();
    assert_eq!(t.rows.len(), 1);
    let e = query_table(&p, "SELEC a FROM t", 10)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("syntax error") && !e.contains("could change"),
        "{e}"
    );
    for sql in [
        "DELETE FROM t",
        "/* x */ DROP TABLE t",
        "DELETE FROM missing",
    ] {
        let e = query_table(&p, sql, 10).unwrap_err();
        assert!(matches!(e, Error::QueryRefused(_)), "{sql}: {e}");
    }
}

#[test]
fn two_imports_racing_to_create_a_project_both_land() {
    let s = Scratch::new();
    let a = s.write("a.csv", "x,y\n1,2\n3,4\n");
    let b = s.write("b.csv", "x,y\n5,6\n");
    for round in 0..12 {
        let path = s.path(&format!("race{round}.loupe"));
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<loupe::Result<u64>> = std::thread::scope(|sc| {
            let hs: Vec<_> = [(&a, "a"), (&b, "b")]
                .into_iter()
                .map(|(file, name)| {
                    let (path, barrier) = (&path, &barrier);
                    sc.spawn(move || {
                        barrier.wait();
                        let mut p = Project::open_or_create(path)?;
                        import(&mut p, &[file], named(name)).map(|r| r.rows)
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in &results {
            if let Err(e) = r {
                panic!("round {round}: {e}");
            }
        }
        let p = Project::open(&path).unwrap();
        assert_eq!(p.datasets().unwrap().len(), 2, "round {round}");
        // No temporary file is left beside the project.
        let left: Vec<PathBuf> = std::fs::read_dir(s.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".creating-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn a_full_project_disk_names_the_file_and_the_room_needed() {
    let s = Scratch::new();
    let mut p = s.project();
    let f = s.write("small.csv", "a,b\n1,2\n");
    import(&mut p, &[&f], named("small")).unwrap();
    // Room for a few more pages only: SQLite reports the disk full as it would on a full disk.
    let pages: i64 = p
        .conn()
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .unwrap();
    p.conn()
        .pragma_update(None, "max_page_count", pages + 4)
        .unwrap();
    let big = s.write("big.csv", table_with(50_000, 0, ""));
    let e = import_err(&mut p, &big, named("big"));
    assert!(matches!(e, Error::DiskFull { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("test.loupe") && msg.contains("disk is full") && msg.contains("Free about"),
        "{msg}"
    );
}

#[test]
fn a_bare_database_error_names_the_project() {
    let s = Scratch::new();
    let path = s.path("locked.loupe");
    let f = s.write("t.csv", "a,b\n1,2\n");
    {
        let mut p = Project::create(&path).unwrap();
        import(&mut p, &[&f], named("t")).unwrap();
    }
    // Another program holds the write lock for longer than Loupe waits.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = loupe()
        .args(["delete", "--dataset", "t", "--project"])
        .arg(&path)
        .output()
        .unwrap();
    drop(holder);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("locked.loupe") && err.contains("locked"),
        "{err}"
    );
}

/// A small tmpfs mounted for a test, unmounted when dropped; `None` (with a message) where
/// mounting is not allowed.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs here (needs root); the mount checks did not run"
            );
            return None;
        }
        Some(Mount(at.to_path_buf()))
    }

    fn read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount read-only");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_mount_is_read_and_writes_name_the_file() {
    let s = Scratch::new();
    let Some(m) = Mount::tmpfs(&s.path("ro"), "16m") else {
        return;
    };
    let path = m.0.join("shop.loupe");
    let f = s.write("t.csv", "a,b\n1,2\n3,4\n");
    {
        let mut p = Project::create(&path).unwrap();
        import(&mut p, &[&f], named("t")).unwrap();
    }
    m.read_only();
    let run = |args: &[&str]| {
        let out = loupe()
            .args(args)
            .arg("--project")
            .arg(&path)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(&["tables"]);
    assert!(ok && out.contains('t'), "{err}");
    assert!(err.contains("opened read-only"), "{err}");
    let (ok, out, err) = run(&["query", "SELECT sum(b) FROM t"]);
    assert!(ok && out.contains('6'), "{err}");
    let dest = s.path("copy.loupe");
    let (ok, _, err) = run(&["backup", "--to", dest.to_str().unwrap()]);
    assert!(ok && dest.exists(), "{err}");
    assert!(err.contains("opened read-only"), "{err}");
    let (ok, _, err) = run(&["import", f.to_str().unwrap(), "--name", "t2"]);
    assert!(
        !ok && err.contains("shop.loupe") && err.contains("cannot be written"),
        "{err}"
    );
}

#[test]
fn a_full_disk_under_the_cli_names_the_file() {
    let s = Scratch::new();
    let Some(m) = Mount::tmpfs(&s.path("full"), "1m") else {
        return;
    };
    let path = m.0.join("shop.loupe");
    let big = s.write("big.csv", table_with(100_000, 0, ""));
    let out = loupe()
        .arg("import")
        .arg(&big)
        .arg("--project")
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("shop.loupe") && err.contains("disk is full") && err.contains("Free about"),
        "{err}"
    );
    // The failed first import left no project behind.
    assert!(!path.exists());
}

#[test]
fn the_import_dialog_offers_plain_quotes_for_a_stray_quote() {
    use crate::ui::{app, wait_until};
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;
    let s = Scratch::new();
    let project = s.path("shop.loupe");
    Project::create(&project).unwrap();
    let f = s.write("stray.csv", table_with(3000, 7, "6,name 6,\"18.5"));
    let mut h = app(&project, loupe::i18n::Lang::En);
    h.run_steps(3);
    h.state_mut().open_import(vec![f]);
    let previewed =
        |a: &loupe::ui::LoupeApp| a.import().is_some_and(|d| d.preview().is_some()) && !a.busy();
    wait_until(&mut h, "the preview", previewed);
    assert!(
        h.query_all_by_label_contains("choose “Treat quotes as plain characters”")
            .next()
            .is_some(),
        "the preview's error offers plain quotes"
    );
    // The dialog's choice, in the window's words.
    h.get_by_role_and_label(Role::ComboBox, "Quotes").click();
    h.run_steps(2);
    h.get_by_label("Treat quotes as plain characters").click();
    h.run_steps(2);
    wait_until(&mut h, "the new preview", |a| {
        previewed(a)
            && a.import()
                .is_some_and(|d| matches!(d.preview(), Some(Ok(_))))
    });
    h.get_by_role_and_label(Role::Button, "Import").click();
    wait_until(&mut h, "the import", |a| {
        a.import().is_none() && a.ws().dataset("stray").is_some() && !a.busy()
    });
    let p = Project::open_read_only(&project).unwrap();
    assert_eq!(p.dataset("stray").unwrap().rows, 3000);
}

#[test]
fn the_command_line_names_the_flags_for_quotes_and_encodings() {
    let s = Scratch::new();
    let project = s.path("cli.loupe");
    let run = |f: &Path| {
        loupe()
            .arg("import")
            .arg(f)
            .arg("--project")
            .arg(&project)
            .output()
            .unwrap()
    };
    let f = s.write("stray.csv", table_with(3000, 7, "6,name 6,\"18.5"));
    let out = run(&f);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("stray.csv") && err.contains("line 7") && err.contains("--quotes plain"),
        "{err}"
    );
    let mut bytes = gbk("城市,人数\n");
    for i in 0..60 {
        bytes.extend(gbk(&format!("北京{i},{i}\n")));
        if i % 20 == 0 {
            bytes.extend(format!("上海{i},{i}\n").as_bytes());
        }
    }
    let f = s.write("gbk_mostly.csv", &bytes);
    let out = run(&f);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--encoding mixed") && err.contains("--encoding gb18030"),
        "{err}"
    );
}

#[test]
fn an_export_that_cannot_be_written_names_the_users_path() {
    let s = Scratch::new();
    // A file where the folder should be: no one, root included, can write under it.
    let blocker = s.write("not_a_folder", "x");
    for ext in ["csv", "xlsx", "parquet"] {
        let out = blocker.join(format!("orders.{ext}"));
        let o = run_loupe(&[
            "export",
            "--project",
            sample().to_str().unwrap(),
            "--dataset",
            "orders",
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{ext}: {err}");
        assert!(
            err.contains(&out.display().to_string()) && !err.contains("loupe-partial"),
            "{ext}: {err}"
        );
    }
}
