//! Renaming a dataset and adding files to it: what follows the new name, what is refused and
//! why, and that a refused or failed change leaves the project as it was.

use crate::common::{Scratch, import, named, rows, run_loupe, sample_copy, snapshot};
use loupe::dataset::Role;
use loupe::progress::Reporter;
use loupe::store::Project;

fn ok(args: &[&str]) -> String {
    let out = run_loupe(args);
    assert!(
        out.status.success(),
        "loupe {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(args: &[&str]) -> String {
    let out = run_loupe(args);
    assert!(!out.status.success(), "loupe {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_renamed_dataset_keeps_its_charts_relationships_and_rows() {
    let s = Scratch::new();
    let path = sample_copy(&s);
    let p = path.to_str().unwrap();
    ok(&[
        "chart",
        "--project",
        p,
        "--dataset",
        "orders",
        "--x",
        "order_time:month",
        "--y",
        "sum(amount)",
        "--save",
        "Monthly",
    ]);
    ok(&[
        "relationships",
        "--project",
        p,
        "--confirm",
        "orders.customer_id=customers.customer_id",
    ]);
    let before = rows(
        &Project::open(&path).unwrap(),
        "SELECT count(*), sum(amount) FROM orders",
    );
    // A join reading orders keeps it by name: renaming it is refused, naming the join.
    ok(&[
        "join",
        "--project",
        p,
        "--left",
        "orders",
        "--right",
        "customers",
        "--on",
        "customer_id",
        "--name",
        "orders_people",
    ]);
    let err = refused(&[
        "rename",
        "--project",
        p,
        "--dataset",
        "orders",
        "--to",
        "门店订单",
    ]);
    assert!(err.contains("'orders_people'"), "{err}");
    ok(&["delete", "--project", p, "--dataset", "orders_people"]);
    // Taken and invalid names are refused too, and change nothing.
    let snap = snapshot(&Project::open(&path).unwrap());
    let err = refused(&[
        "rename",
        "--project",
        p,
        "--dataset",
        "orders",
        "--to",
        "Customers",
    ]);
    assert!(err.contains("Customers"), "{err}");
    let err = refused(&[
        "rename",
        "--project",
        p,
        "--dataset",
        "orders",
        "--to",
        "1st",
    ]);
    assert!(err.contains("starts with a digit"), "{err}");
    assert_eq!(snapshot(&Project::open(&path).unwrap()), snap);

    let out = ok(&[
        "rename",
        "--project",
        p,
        "--dataset",
        "orders",
        "--to",
        "门店订单",
    ]);
    assert!(out.contains("Renamed 'orders' to '门店订单'"), "{out}");
    let project = Project::open(&path).unwrap();
    assert!(!project.has_dataset("orders").unwrap());
    assert_eq!(
        rows(&project, "SELECT count(*), sum(amount) FROM 门店订单"),
        before
    );
    let links = loupe::store::relationships::list(project.conn()).unwrap();
    assert!(
        links
            .iter()
            .any(|l| l.from_dataset == "门店订单" && l.to_dataset == "customers"),
        "{links:?}"
    );
    assert!(
        links
            .iter()
            .all(|l| l.from_dataset != "orders" && l.to_dataset != "orders")
    );
    let chart: String = project
        .conn()
        .query_row(
            "SELECT chart FROM _loupe_charts WHERE title = 'Monthly'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(chart.contains("\"dataset\":\"门店订单\""), "{chart}");
    drop(project);
    // The saved chart draws from the new name, and the customer table builds from it.
    let out = ok(&["charts", "--project", p]);
    assert!(out.contains("Monthly"), "{out}");
    let table = s.path("customers.csv");
    ok(&[
        "customers",
        "--project",
        p,
        "--dataset",
        "门店订单",
        "--out",
        table.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&table).unwrap().lines().count() > 100);
    // A change of case alone is a rename too.
    ok(&[
        "rename",
        "--project",
        p,
        "--dataset",
        "门店订单",
        "--to",
        "Orders",
    ]);
    ok(&[
        "rename",
        "--project",
        p,
        "--dataset",
        "Orders",
        "--to",
        "orders",
    ]);
    assert_eq!(
        rows(
            &Project::open(&path).unwrap(),
            "SELECT count(*), sum(amount) FROM orders"
        ),
        before
    );
}

#[test]
fn added_files_give_the_dataset_an_import_of_all_the_files_gives() {
    let s = Scratch::new();
    let a = s.write(
        "a.csv",
        "会员,zip,amount,when\nm1,01234,10,2024-01-02\nm2,02000,5,2024-01-03\n",
    );
    let b = s.write("b.csv", "会员,zip,amount,when\nm3,30000,2.5,2024-02-01\n");
    let other = s.write("c.csv", "member,zip,amount\nm4,1,1\n");
    let mut p = s.project();
    import(&mut p, &[&a], named("shop")).unwrap();
    p.set_role("shop", "会员", Some(Role::CustomerId)).unwrap();
    assert_eq!(
        p.dataset("shop")
            .unwrap()
            .column("zip")
            .unwrap()
            .ty
            .to_string(),
        "text"
    );

    // Different columns: refused, and the dataset is as it was.
    let snap = snapshot(&p);
    let err = loupe::import::add_files(
        &mut p,
        "shop",
        std::slice::from_ref(&other),
        &Reporter::silent(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("c.csv"), "{err}");
    assert_eq!(snapshot(&p), snap);
    // The same file again would count its rows twice.
    let err = loupe::import::add_files(
        &mut p,
        "shop",
        std::slice::from_ref(&a),
        &Reporter::silent(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("counted twice"), "{err}");

    let r = loupe::import::add_files(
        &mut p,
        "shop",
        std::slice::from_ref(&b),
        &Reporter::silent(),
    )
    .unwrap();
    assert_eq!(r.rows, 3);
    let info = p.dataset("shop").unwrap();
    assert_eq!(info.sources.len(), 2);
    assert_eq!(
        info.column("会员").unwrap().role,
        Some(Role::CustomerId),
        "the user's role"
    );
    // Integers widened by the new file's decimals, as an import of both files would read them;
    // the text column stays text (its leading zeros kept).
    assert_eq!(info.column("amount").unwrap().ty.to_string(), "float");
    assert_eq!(
        rows(&p, "SELECT zip FROM shop ORDER BY zip"),
        vec![
            vec!["01234".to_string()],
            vec!["02000".to_string()],
            vec!["30000".to_string()]
        ]
    );
    let mut together = Scratch::new().project();
    import(&mut together, &[&a, &b], named("shop")).unwrap();
    assert_eq!(
        rows(&p, "SELECT * FROM shop ORDER BY rowid"),
        rows(&together, "SELECT * FROM shop ORDER BY rowid")
    );

    // A source that changed since: named, with what to do, and nothing changes.
    std::fs::write(&a, "会员,zip,amount,when\nm9,9,9,2024-01-01\n").unwrap();
    let snap = snapshot(&p);
    let c = s.write("d.csv", "会员,zip,amount,when\nm5,5,5,2024-03-01\n");
    let err = loupe::import::add_files(&mut p, "shop", &[c], &Reporter::silent())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("a.csv") && err.contains("has changed") && err.contains("--replace"),
        "{err}"
    );
    assert_eq!(snapshot(&p), snap);
}

#[test]
fn files_are_added_from_the_command_line() {
    let s = Scratch::new();
    let a = s.write("jan.csv", "order,customer,amount\n1,c1,10\n2,c2,20\n");
    let b = s.write("feb.csv", "order,customer,amount\n3,c1,30\n");
    let project = s.path("p.loupe");
    let p = project.to_str().unwrap();
    ok(&[
        "import",
        a.to_str().unwrap(),
        "--project",
        p,
        "--name",
        "sales",
    ]);
    let out = ok(&[
        "import",
        b.to_str().unwrap(),
        "--project",
        p,
        "--add-to",
        "sales",
    ]);
    assert!(out.contains("3 rows into 'sales'"), "{out}");
    let err = refused(&[
        "import",
        b.to_str().unwrap(),
        "--project",
        p,
        "--add-to",
        "nothing",
    ]);
    assert!(err.contains("nothing"), "{err}");
}
