//! The `loupe` command line, run as a user would.

use crate::common::*;

#[test]
fn import_json_tables_query_and_failures() {
    let s = Scratch::new();
    let f = s.write("orders.csv", "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n536365,17850.0,12/1/2010 8:26,6,2.55\nC536379,,12/1/2010 9:41,-1,27.5\n");
    let project = s.path("shop.loupe");
    let out = loupe()
        .args(["import"])
        .arg(&f)
        .arg("--project")
        .arg(&project)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["dataset"], "orders");
    assert_eq!(v["rows"], 2);
    assert_eq!(v["encoding"], "UTF-8");
    assert_eq!(v["delimiter"], ",");
    assert_eq!(v["columns"][2]["type"], "datetime");
    assert_eq!(v["columns"][1]["role"], "customer_id");

    let out = loupe()
        .args(["tables", "--json", "--project"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["name"], "orders");
    assert_eq!(v[0]["columns"][3]["type"], "integer");

    let out = loupe()
        .args(["query", "--project"])
        .arg(&project)
        .arg("SELECT CustomerID, InvoiceDate FROM orders ORDER BY rowid")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "CustomerID,InvoiceDate\n17850,2010-12-01 08:26:00\n,2010-12-01 09:41:00\n"
    );

    let out = loupe()
        .args(["query", "--project"])
        .arg(&project)
        .arg("DROP TABLE orders")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused"));

    // A failed first import leaves no project file behind.
    let empty = s.write("empty.csv", "");
    let fresh = s.path("fresh.loupe");
    let out = loupe()
        .arg("import")
        .arg(&empty)
        .arg("--project")
        .arg(&fresh)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("empty.csv") && err.contains("empty"), "{err}");
    assert!(!fresh.exists());

    let out = loupe()
        .args([
            "import",
            "--project",
            "x.loupe",
            "--encoding",
            "klingon",
            "a.csv",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown encoding"));
}

#[test]
fn demo_builds_the_sample_project() {
    let s = Scratch::new();
    let project = s.path("demo.loupe");
    let out = loupe()
        .args(["demo", "--project"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = loupe::store::Project::open_read_only(&project).unwrap();
    let names: Vec<String> = p.datasets().unwrap().into_iter().map(|d| d.name).collect();
    assert_eq!(
        names,
        [
            "customers",
            "products",
            "orders",
            "events",
            "campaigns",
            "campaign_spend",
            "contacts",
            "experiment",
            "orders_jd"
        ]
    );
    let orders = p.dataset("orders").unwrap();
    use loupe::dataset::Role;
    for role in [
        Role::OrderId,
        Role::Timestamp,
        Role::CustomerId,
        Role::ItemId,
        Role::ItemName,
        Role::Quantity,
        Role::UnitPrice,
        Role::Amount,
        Role::Channel,
    ] {
        assert!(
            orders.column_with_role(role).is_some(),
            "orders lacks {role}"
        );
    }
    let events = p.dataset("events").unwrap();
    assert!(events.column_with_role(Role::EventType).is_some());
    assert_eq!(
        rows(
            &p,
            "SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT customer_id FROM customers)"
        )[0][0],
        "0"
    );
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let s = Scratch::new();
    let mut text = String::from("n,label\n");
    for i in 0..200_000 {
        text.push_str(&format!("{i},row number {i}\n"));
    }
    let f = s.write("many.csv", text);
    let project = s.path("p.loupe");
    let out = loupe()
        .arg("import")
        .arg(&f)
        .arg("--project")
        .arg(&project)
        .output()
        .unwrap();
    assert!(out.status.success());
    // Like `loupe query … | head -1`: the reader goes away after one line.
    let mut child = loupe()
        .args(["query", "--project"])
        .arg(&project)
        .arg("SELECT * FROM many")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "n,label\n");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn ragged_rows_name_the_flag_in_the_terminal() {
    // The library's error holds the lines; the command line explains it with its flag.
    let s = Scratch::new();
    let f = s.write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
    let project = s.path("shop.loupe");
    let out = loupe()
        .arg("import")
        .arg(&f)
        .arg("--project")
        .arg(&project)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3 has 2"), "{err}");
    assert!(err.contains("import with --ragged pad"), "{err}");
}
