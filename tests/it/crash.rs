//! Crash safety, for real: the built `loupe` is killed with SIGKILL in the middle of an import and
//! of a recipe rebuild; the project still opens, passes its integrity check, keeps everything
//! committed before, and shows no half-written dataset.

use crate::common::*;
use loupe::store::Project;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A CSV big enough that its import takes a while: `rows` orders.
fn big_csv(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join("big.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(
        w,
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Description"
    )
    .unwrap();
    for i in 0..rows {
        writeln!(
            w,
            "{},{},2024-{:02}-{:02} 10:{:02}:00,{},{}.{:02},ITEM NUMBER {} WITH A LONGER DESCRIPTION",
            100_000 + i,
            10_000 + i % 5000,
            1 + i % 12,
            1 + i % 28,
            i % 60,
            1 + i % 9,
            i % 50,
            i % 100,
            i % 977
        )
        .unwrap();
    }
    w.flush().unwrap();
    path
}

/// Runs `loupe args` with plain progress lines and kills it (SIGKILL) once a line starting with
/// `progress: {stage}` shows it is under way. Returns false if it finished first.
fn kill_during(args: &[&std::ffi::OsStr], stage: &str) -> bool {
    let mut child = loupe()
        .args(args)
        .env("LOUPE_PROGRESS", "plain")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let want = format!("progress: {stage}");
    let started = Instant::now();
    let mut seen = 0;
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        if line.starts_with(&want) {
            seen += 1;
            // A few reports in: well past the start, well before the end.
            if seen >= 3 {
                child.kill().unwrap(); // SIGKILL on Unix
                let status = child.wait().unwrap();
                assert!(!status.success());
                return true;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(300), "no progress");
    }
    let _ = child.wait();
    false
}

fn check_after_crash(project: &Path, keep: &str, keep_rows: &str, half: &str) {
    let p = Project::open(project).expect("the project opens after the crash");
    let check: String = p
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(
        rows(&p, &format!("SELECT count(*) FROM {keep}")),
        [[keep_rows]]
    );
    assert!(
        !p.has_dataset(half).unwrap(),
        "no half dataset in the catalog"
    );
    let tables = rows(
        &p,
        &format!("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '{half}'"),
    );
    assert_eq!(tables, [["0"]], "nor a half table");
    let names: Vec<String> = p.datasets().unwrap().into_iter().map(|d| d.name).collect();
    assert!(names.contains(&keep.to_string()), "{names:?}");
}

#[cfg(unix)]
#[test]
fn sigkill_during_an_import_loses_nothing_committed() {
    let s = Scratch::new();
    let project = s.path("shop.loupe");
    let small = s.write(
        "orders.csv",
        "InvoiceNo,CustomerID,Quantity\n1,A,2\n2,B,3\n3,A,1\n",
    );
    {
        let mut p = Project::create(&project).unwrap();
        import(&mut p, &[&small], named("orders")).unwrap();
    }
    let big = big_csv(s.dir.path(), 1_500_000);
    let killed = kill_during(
        &[
            "import".as_ref(),
            big.as_os_str(),
            "--project".as_ref(),
            project.as_os_str(),
            "--name".as_ref(),
            "big".as_ref(),
        ],
        "Loading",
    );
    assert!(
        killed,
        "the import finished before it could be killed; make the file bigger"
    );
    check_after_crash(&project, "orders", "3", "big");
    // And the project works on: the same import now completes.
    let mut p = Project::open(&project).unwrap();
    let small_again = s.write("more.csv", "InvoiceNo,CustomerID,Quantity\n4,C,1\n");
    import(&mut p, &[&small_again], named("big")).unwrap();
    assert_eq!(rows(&p, "SELECT count(*) FROM big"), [["1"]]);
}

#[cfg(unix)]
#[test]
fn sigkill_during_a_recipe_rebuild_keeps_the_previous_cleaned_table() {
    let s = Scratch::new();
    let project = s.path("shop.loupe");
    let big = big_csv(s.dir.path(), 600_000);
    let recipe = s.write(
        "recipe.json",
        r#"{"steps": [{"op": "trim", "columns": ["Description"]}]}"#,
    );
    let first = s.write("first.json", r#"{"steps": []}"#);
    {
        let mut p = Project::create(&project).unwrap();
        import(&mut p, &[&big], named("orders")).unwrap();
        // A committed cleaned table, built by an earlier recipe.
        let r = loupe::clean::Recipe::read(&first).unwrap();
        loupe::clean::rebuild(
            &mut p,
            "orders",
            &r,
            None,
            &loupe::progress::Reporter::silent(),
        )
        .unwrap();
        p.conn()
            .execute_batch("DELETE FROM orders_clean WHERE rowid > 5")
            .unwrap();
        p.conn()
            .execute(
                "UPDATE _loupe_datasets SET row_count = 5 WHERE name = 'orders_clean'",
                [],
            )
            .unwrap();
    }
    let killed = kill_during(
        &[
            "clean".as_ref(),
            "--project".as_ref(),
            project.as_os_str(),
            "--dataset".as_ref(),
            "orders".as_ref(),
            "--recipe".as_ref(),
            recipe.as_os_str(),
        ],
        "Saving",
    );
    assert!(killed, "the rebuild finished before it could be killed");
    let p = Project::open(&project).unwrap();
    let check: String = p
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(rows(&p, "SELECT count(*) FROM orders"), [["600000"]]);
    // The cleaned table is the one committed before, whole, with its catalog entry.
    assert_eq!(rows(&p, "SELECT count(*) FROM orders_clean"), [["5"]]);
    assert_eq!(p.dataset("orders_clean").unwrap().rows, 5);
    let recipe_kept = loupe::clean::saved_recipe(&p, "orders").unwrap().unwrap();
    assert!(
        recipe_kept.recipe.steps.is_empty(),
        "the recipe saved is the earlier one"
    );
    drop(p);
    check_after_crash(&project, "orders_clean", "5", "orders_clean_half");
}
