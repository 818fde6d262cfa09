//! Cleaning recipes: each step on small hand-built cases, previews, replay through the project and
//! the command line, and the suggested recipe on the real Online Retail file.

use crate::common::*;
use loupe::clean::recipe::{Cleaned, run};
use loupe::clean::{
    Recipe, ReportOptions, preview_step, quality_report, rebuild, saved_recipe, suggested_recipe,
};
use loupe::progress::Reporter;
use polars::prelude::*;

fn recipe(json: &str) -> Recipe {
    Recipe::from_json(&format!("{{\"steps\": [{json}]}}"), "test").unwrap_or_else(|e| panic!("{e}"))
}

fn clean(df: &DataFrame, steps: &str) -> DataFrame {
    let Cleaned { frame, .. } =
        run(df, &recipe(steps), &Reporter::silent()).unwrap_or_else(|e| panic!("{e}"));
    frame
}

fn strs(df: &DataFrame, c: &str) -> Vec<Option<String>> {
    let s = df.column(c).unwrap().cast(&DataType::String).unwrap();
    s.str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

fn s(v: &[Option<&str>]) -> Vec<Option<String>> {
    v.iter().map(|x| x.map(str::to_string)).collect()
}

fn orders() -> DataFrame {
    df![
        "InvoiceNo" => ["1", "1", "C2", "3", "4", "5"],
        "Quantity" => [2i64, 2, -1, 5, 1, 100],
        "UnitPrice" => [Some(1.5), Some(1.5), Some(2.0), None, Some(0.0), Some(3.0)],
        "City" => [Some(" Beijing"), Some(" Beijing"), Some("beijing"), None, Some("北京市"), Some("  ")],
    ]
    .unwrap()
}

#[test]
fn duplicates_and_dropped_rows() {
    let df = orders();
    let out = clean(&df, r#"{"op": "remove_duplicates"}"#);
    assert_eq!(out.height(), 5);
    let out = clean(
        &df,
        r#"{"op": "remove_duplicates", "columns": ["City"], "keep": "last"}"#,
    );
    // City values: " Beijing" x2, "beijing", null, "北京市", "  ": the last " Beijing" stays.
    assert_eq!(out.height(), 5);
    assert_eq!(
        strs(&out, "Quantity"),
        s(&[Some("2"), Some("-1"), Some("5"), Some("1"), Some("100")])
    );
    let out = clean(
        &df,
        r#"{"op": "drop_rows", "where": "InvoiceNo starts with 'C'"}, {"op": "drop_rows", "where": "UnitPrice <= 0 or UnitPrice is missing"}"#,
    );
    assert_eq!(
        strs(&out, "InvoiceNo"),
        s(&[Some("1"), Some("1"), Some("5")])
    );
}

#[test]
fn fills() {
    let df = df![
        "x" => [Some(1i64), None, Some(3), None, Some(3)],
        "t" => [Some("a"), Some(" "), None, Some("b"), Some("b")],
    ]
    .unwrap();
    let f = |with: &str, c: &str| {
        strs(
            &clean(
                &df,
                &format!(r#"{{"op": "fill_missing", "column": "{c}", "with": {with}}}"#),
            ),
            c,
        )
    };
    assert_eq!(
        f(r#"{"constant": "0"}"#, "x"),
        s(&[Some("1"), Some("0"), Some("3"), Some("0"), Some("3")])
    );
    assert_eq!(
        f(r#""mean""#, "x"),
        s(&[
            Some("1.0"),
            Some("2.3333333333333335"),
            Some("3.0"),
            Some("2.3333333333333335"),
            Some("3.0")
        ])
    );
    assert_eq!(
        f(r#""median""#, "x"),
        s(&[
            Some("1.0"),
            Some("3.0"),
            Some("3.0"),
            Some("3.0"),
            Some("3.0")
        ])
    );
    assert_eq!(
        f(r#""mode""#, "x"),
        s(&[Some("1"), Some("3"), Some("3"), Some("3"), Some("3")])
    );
    assert_eq!(
        f(r#""forward""#, "x"),
        s(&[Some("1"), Some("1"), Some("3"), Some("3"), Some("3")])
    );
    // Blank text counts as missing.
    assert_eq!(
        f(r#""forward""#, "t"),
        s(&[Some("a"), Some("a"), Some("a"), Some("b"), Some("b")])
    );
    assert_eq!(
        f(r#""mode""#, "t"),
        s(&[Some("a"), Some("b"), Some("b"), Some("b"), Some("b")])
    );
    assert_eq!(
        f(r#"{"constant": "?"}"#, "t"),
        s(&[Some("a"), Some("?"), Some("?"), Some("b"), Some("b")])
    );
    let e = run(
        &df,
        &recipe(r#"{"op": "fill_missing", "column": "x", "with": {"constant": "abc"}}"#),
        &Reporter::silent(),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        e.contains("step 1") && e.contains("not a whole number"),
        "{e}"
    );
}

#[test]
fn text_steps() {
    let df = orders();
    let out = clean(
        &df,
        r#"{"op": "trim", "columns": ["City"]}, {"op": "change_case", "columns": ["City"], "case": "title"},
           {"op": "map_values", "column": "City", "map": [{"from": ["Beijing", "北京市"], "to": "北京"}]}"#,
    );
    assert_eq!(
        strs(&out, "City"),
        s(&[
            Some("北京"),
            Some("北京"),
            Some("北京"),
            None,
            Some("北京"),
            Some("")
        ])
    );
    let out = clean(
        &df,
        r#"{"op": "change_case", "columns": ["City"], "case": "upper"}"#,
    );
    assert_eq!(strs(&out, "City")[0].as_deref(), Some(" BEIJING"));
    let people = df![
        "name" => ["Li Lei", "Han  Meimei Jr", "Solo"],
        "phone" => ["138 1234 5678", "+44 20 7946 0958", "123"],
        "email" => [" Li@QQ.com", "bad@", "a@b.cn"],
    ]
    .unwrap();
    let out = clean(
        &people,
        r#"{"op": "split", "column": "name", "separator": " ", "into": ["first", "rest"]},
           {"op": "standardize_phone", "column": "phone"},
           {"op": "standardize_email", "column": "email"}"#,
    );
    let names: Vec<String> = out
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, ["first", "rest", "phone", "email"]);
    assert_eq!(
        strs(&out, "first"),
        s(&[Some("Li"), Some("Han"), Some("Solo")])
    );
    assert_eq!(
        strs(&out, "rest"),
        s(&[Some("Lei"), Some(" Meimei Jr"), None])
    );
    assert_eq!(
        strs(&out, "phone"),
        s(&[Some("+8613812345678"), Some("+442079460958"), None])
    );
    assert_eq!(
        strs(&out, "email"),
        s(&[Some("li@qq.com"), None, Some("a@b.cn")])
    );
}

#[test]
fn casts_report_what_fails() {
    let df = df![
        "n" => [Some("12"), Some("1,234"), Some("abc"), None, Some("7.5")],
        "d" => [Some("05/01/2011"), Some("31/12/2011"), Some("2011-13-01"), None, Some("1/2/2012")],
    ]
    .unwrap();
    let r = recipe(
        r#"{"op": "cast", "column": "n", "to": "integer"}, {"op": "cast", "column": "d", "to": "date", "format": "%d/%m/%Y"}"#,
    );
    let out = run(&df, &r, &Reporter::silent()).unwrap().frame;
    assert_eq!(out.column("n").unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        strs(&out, "n"),
        s(&[Some("12"), Some("1234"), None, None, None])
    );
    assert_eq!(out.column("d").unwrap().dtype(), &DataType::Date);
    assert_eq!(
        strs(&out, "d"),
        s(&[
            Some("2011-01-05"),
            Some("2011-12-31"),
            None,
            None,
            Some("2012-02-01")
        ])
    );
    let p = preview_step(&df, &r, 0, 10).unwrap();
    assert_eq!((p.rows_before, p.changed, p.failed), (5, 3, 2));
    // Failures are shown first: the row number and the value that failed.
    assert_eq!(strs(&p.before, "row"), s(&[Some("3"), Some("5")]));
    assert_eq!(strs(&p.before, "n"), s(&[Some("abc"), Some("7.5")]));
    assert_eq!(strs(&p.after, "n"), s(&[None, None]));
    // Without a format, the date format is chosen from the values (day first here).
    let out = clean(
        &df,
        r#"{"op": "drop_rows", "where": "d = '2011-13-01'"}, {"op": "cast", "column": "d", "to": "date"}"#,
    );
    assert_eq!(
        strs(&out, "d"),
        s(&[
            Some("2011-01-05"),
            Some("2011-12-31"),
            None,
            Some("2012-02-01")
        ])
    );
}

#[test]
fn outliers() {
    // Quartiles of 1..=8 and 100 (linear): Q1 3, Q3 7, IQR 4, fences -3 and 13.
    let df = df!["q" => [1i64, 2, 3, 4, 5, 6, 7, 8, 100]].unwrap();
    let clip = clean(
        &df,
        r#"{"op": "outliers", "column": "q", "fence": {"method": "iqr", "k": 1.5}, "action": "clip"}"#,
    );
    assert_eq!(
        strs(&clip, "q").last().cloned().flatten().as_deref(),
        Some("13")
    );
    assert_eq!(clip.column("q").unwrap().dtype(), &DataType::Int64);
    let flag = clean(
        &df,
        r#"{"op": "outliers", "column": "q", "fence": {"method": "iqr", "k": 1.5}, "action": {"flag": "odd"}}"#,
    );
    let odd: Vec<bool> = flag
        .column("odd")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    assert_eq!(odd.iter().filter(|b| **b).count(), 1);
    assert!(odd[8]);
    let drop = clean(
        &df,
        r#"{"op": "outliers", "column": "q", "fence": {"method": "z_score", "z": 2.0}, "action": "drop"}"#,
    );
    assert_eq!(drop.height(), 8);
    let bounds = clean(
        &df,
        r#"{"op": "outliers", "column": "q", "fence": {"method": "bounds", "low": 2.0, "high": null}, "action": "clip"}"#,
    );
    assert_eq!(strs(&bounds, "q")[0].as_deref(), Some("2"));
    assert_eq!(strs(&bounds, "q")[8].as_deref(), Some("100"));
}

#[test]
fn columns_and_expressions() {
    let df = orders();
    let out = clean(
        &df,
        r#"{"op": "derive", "name": "revenue", "expr": "Quantity * UnitPrice"},
           {"op": "rename", "from": "InvoiceNo", "to": "order"},
           {"op": "drop_columns", "columns": ["City"]}"#,
    );
    let names: Vec<String> = out
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, ["order", "Quantity", "UnitPrice", "revenue"]);
    assert_eq!(
        strs(&out, "revenue"),
        s(&[
            Some("3.0"),
            Some("3.0"),
            Some("-2.0"),
            None,
            Some("0.0"),
            Some("300.0")
        ])
    );
    let r = recipe(
        r#"{"op": "rename", "from": "InvoiceNo", "to": "order"}, {"op": "drop_rows", "where": "InvoiceNo = '1'"}"#,
    );
    let e = run(&df, &r, &Reporter::silent())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("step 2") && e.contains("no column 'InvoiceNo'") && e.contains("order"),
        "{e}"
    );
    assert_eq!(
        r.columns_at(&["InvoiceNo".into(), "City".into()], 1),
        ["order", "City"]
    );
}

#[test]
fn previews_show_the_rows_a_step_touches() {
    let df = orders();
    let r = recipe(
        r#"{"op": "remove_duplicates"}, {"op": "drop_rows", "where": "Quantity <= 0"}, {"op": "trim", "columns": ["City"]}"#,
    );
    let p = preview_step(&df, &r, 1, 10).unwrap();
    assert_eq!((p.rows_before, p.rows_after, p.removed), (5, 4, 1));
    assert_eq!(strs(&p.before, "row"), s(&[Some("3")]));
    assert_eq!(strs(&p.before, "Quantity"), s(&[Some("-1")]));
    let p = preview_step(&df, &r, 2, 10).unwrap();
    // " Beijing" (row 1; row 2 is a duplicate, gone) and "  " (row 6) change.
    assert_eq!((p.removed, p.changed), (0, 2));
    assert_eq!(strs(&p.before, "row"), s(&[Some("1"), Some("6")]));
    assert_eq!(strs(&p.after, "City"), s(&[Some("Beijing"), Some("")]));
}

#[test]
fn the_cleaned_table_is_rebuilt_and_replays_through_the_cli() {
    let sc = Scratch::new();
    let f = sc.write(
        "o.csv",
        "order_id,customer_id,quantity,unit_price,city\nA1,c1,1,10, 北京\nA1,c1,1,10, 北京\nC2,c2,-1,10,北京市\nA3,,2,5,上海\nA4,c4,3,2,上海\n",
    );
    let mut p = sc.project();
    import(&mut p, &[&f], named("o")).unwrap();
    let r = recipe(
        r#"{"op": "remove_duplicates"}, {"op": "drop_rows", "where": "customer_id is missing"}, {"op": "trim", "columns": ["city"]},
           {"op": "derive", "name": "revenue", "expr": "quantity * unit_price"}"#,
    );
    let s1 = rebuild(&mut p, "o", &r, None, &Reporter::silent()).unwrap();
    assert_eq!(
        (s1.output.as_str(), s1.rows_in, s1.rows_out),
        ("o_clean", 5, 3)
    );
    assert_eq!(
        rows(
            &p,
            "SELECT order_id, city, revenue FROM o_clean ORDER BY order_id"
        ),
        [
            ["A1", "北京", "10"],
            ["A4", "上海", "6"],
            ["C2", "北京市", "-10"]
        ]
    );
    // Raw stays raw; the recipe is kept; roles follow the columns.
    assert_eq!(rows(&p, "SELECT count(*) FROM o")[0][0], "5");
    assert_eq!(saved_recipe(&p, "o").unwrap().unwrap().recipe, r);
    let info = p.dataset("o_clean").unwrap();
    assert_eq!(
        info.column("customer_id")
            .and_then(|c| c.role)
            .map(|r| r.to_string())
            .as_deref(),
        Some("customer_id")
    );
    // A cancelled rebuild leaves everything as it was.
    let before = rows(&p, "SELECT * FROM o_clean");
    let rep = Reporter::silent();
    rep.cancel_token().cancel();
    let r2 = recipe(r#"{"op": "remove_duplicates"}"#);
    assert!(rebuild(&mut p, "o", &r2, None, &rep).is_err());
    assert_eq!(rows(&p, "SELECT * FROM o_clean"), before);
    assert_eq!(saved_recipe(&p, "o").unwrap().unwrap().recipe, r);
    drop(p);

    // The same recipe, written as JSON and replayed by the CLI, gives the same table.
    let json = sc.path("recipe.json");
    r.write(&json).unwrap();
    let project = sc.path("test.loupe");
    let out = loupe_cmd(&[
        "clean",
        "--project",
        project.to_str().unwrap(),
        "--dataset",
        "o",
        "--recipe",
        json.to_str().unwrap(),
        "--out",
        "o_again",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = loupe::store::Project::open(&project).unwrap();
    assert_eq!(
        rows(&p, "SELECT * FROM o_clean EXCEPT SELECT * FROM o_again").len()
            + rows(&p, "SELECT * FROM o_again EXCEPT SELECT * FROM o_clean").len(),
        0
    );
    drop(p);
    // A step whose column is missing stops and names it.
    let bad = sc.write(
        "bad.json",
        r#"{"steps": [{"op": "trim", "columns": ["town"]}]}"#,
    );
    let out = loupe_cmd(&[
        "clean",
        "--project",
        project.to_str().unwrap(),
        "--dataset",
        "o",
        "--recipe",
        bad.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("step 1") && err.contains("'town'") && err.contains("city"),
        "{err}"
    );
}

fn loupe_cmd(args: &[&str]) -> std::process::Output {
    loupe().args(args).output().expect("run loupe")
}

#[test]
fn the_suggested_recipe_cleans_online_retail() {
    let Some(path) = online_retail() else { return };
    let sc = Scratch::new();
    let mut p = sc.project();
    import(&mut p, &[&path], named("online_retail")).unwrap();
    let report = quality_report(
        &p,
        "online_retail",
        &ReportOptions::default(),
        &Reporter::silent(),
    )
    .unwrap();
    let recipe = suggested_recipe(&report);
    let described: Vec<String> = recipe
        .steps
        .iter()
        .map(|s| s.step.describe(loupe::i18n::Lang::En))
        .collect();
    for want in [
        "Remove exact duplicate rows, keeping the first",
        "Drop rows where CustomerID is missing",
        "Drop rows where InvoiceNo starts with 'C'",
        "Drop rows where Quantity <= 0",
        "Drop rows where UnitPrice <= 0",
        "Trim spaces in Description",
    ] {
        assert!(
            described.iter().any(|d| d == want),
            "{want} not in {described:#?}"
        );
    }
    let s = rebuild(&mut p, "online_retail", &recipe, None, &Reporter::silent()).unwrap();
    // Independently: the distinct rows that pass the same conditions, in SQL.
    let expected: u64 = rows(
        &p,
        "SELECT count(*) FROM (SELECT DISTINCT * FROM online_retail
           WHERE CustomerID IS NOT NULL AND trim(CustomerID) <> '' AND Description IS NOT NULL
             AND trim(Description) <> '' AND InvoiceNo NOT LIKE 'C%' AND Quantity > 0 AND UnitPrice > 0)",
    )[0][0]
        .parse()
        .unwrap();
    assert_eq!(s.rows_out, expected);
    assert_eq!(s.rows_out, 392_692);
    let q = |sql: &str| rows(&p, sql)[0][0].clone();
    assert_eq!(
        q("SELECT count(DISTINCT CustomerID) FROM online_retail_clean"),
        "4338"
    );
    assert_eq!(
        q("SELECT count(*) FROM online_retail_clean WHERE Description <> trim(Description)"),
        "0"
    );
    assert_eq!(
        q("SELECT min(Quantity) > 0 AND min(UnitPrice) > 0 FROM online_retail_clean"),
        "1"
    );
    // The step counts add up: each step's rows out are the next one's rows in.
    for w in s.steps.windows(2) {
        assert_eq!(w[0].rows_after, w[1].rows_before);
    }
    assert_eq!(s.steps[0].rows_before - s.steps[0].rows_after, 5_268);
}
