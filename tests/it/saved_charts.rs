//! Saved charts: kept in the project file (schema 5), surviving reopening, renamed and deleted;
//! older projects gain the table when opened; `loupe chart --save`, `loupe charts` and
//! `loupe dashboard`.

use crate::common::*;
use loupe::error::Error;
use loupe::explore::render::ChartKind;
use loupe::explore::saved::{
    SavedChart, delete_chart, has_chart, rename_chart, save_chart, saved_chart, saved_charts,
};
use loupe::explore::{ChartSpec, Dimension, Grain, Measure};
use loupe::store::{Project, SCHEMA_VERSION};

fn orders(s: &Scratch) -> Project {
    let f = s.write(
        "orders.csv",
        "order_time,channel,amount\n2024-01-03 10:00:00,web,10.5\n2024-01-20 11:00:00,app,4\n2024-02-01 09:30:00,web,7\n",
    );
    let mut p = s.project();
    import(&mut p, &[&f], named("orders")).unwrap();
    p
}

fn monthly() -> SavedChart {
    let mut spec = ChartSpec::new(
        "orders",
        Dimension::new("order_time", Some(Grain::Month)),
        vec![Measure::parse("sum(amount) as revenue").unwrap()],
    );
    spec.filter = Some("amount > 0".into());
    SavedChart {
        title: "Revenue by month".into(),
        kind: ChartKind::Bar,
        spec,
        card: Default::default(),
    }
}

fn amounts() -> SavedChart {
    let mut spec = ChartSpec::new("orders", Dimension::new("amount", None), vec![]);
    spec.by = Some(Dimension::new("channel", None));
    spec.bins = Some(4);
    SavedChart {
        title: "订单金额分布".into(),
        kind: ChartKind::Histogram,
        spec,
        card: Default::default(),
    }
}

#[test]
fn saved_charts_survive_reopening_renames_and_deletes() {
    let s = Scratch::new();
    let path = {
        let p = orders(&s);
        save_chart(&p, &monthly()).unwrap();
        save_chart(&p, &amounts()).unwrap();
        p.path().to_path_buf()
    };
    let p = Project::open(&path).unwrap();
    assert_eq!(saved_charts(&p).unwrap(), vec![monthly(), amounts()]);
    let ro = Project::open_read_only(&path).unwrap();
    assert_eq!(saved_chart(&ro, "订单金额分布").unwrap(), amounts());
    drop(ro);

    // Saving under a taken title replaces the chart in place.
    let mut line = monthly();
    line.kind = ChartKind::Line;
    save_chart(&p, &line).unwrap();
    let titles: Vec<_> = saved_charts(&p)
        .unwrap()
        .into_iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(titles, vec![ChartKind::Line, ChartKind::Histogram]);

    rename_chart(&p, "Revenue by month", " Monthly revenue ").unwrap();
    assert!(has_chart(&p, "Monthly revenue").unwrap());
    assert!(!has_chart(&p, "Revenue by month").unwrap());
    let e = rename_chart(&p, "Monthly revenue", "订单金额分布").unwrap_err();
    assert!(e.to_string().contains("already titled"), "{e}");
    let e = rename_chart(&p, "nope", "x").unwrap_err();
    assert!(matches!(e, Error::NoSuchChart { .. }), "{e}");
    assert!(
        e.to_string().contains("Monthly revenue, 订单金额分布"),
        "{e}"
    );
    assert!(
        save_chart(
            &p,
            &SavedChart {
                title: "  ".into(),
                ..amounts()
            }
        )
        .is_err()
    );
    let mut elsewhere = amounts();
    elsewhere.spec.dataset = "nowhere".into();
    assert!(matches!(
        save_chart(&p, &elsewhere),
        Err(Error::NoSuchDataset { .. })
    ));

    delete_chart(&p, "订单金额分布").unwrap();
    assert!(delete_chart(&p, "订单金额分布").is_err());
    drop(p);
    let p = Project::open(&path).unwrap();
    let left = saved_charts(&p).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].title, "Monthly revenue");
    assert_eq!(left[0].spec, monthly().spec);
}

#[test]
fn a_project_of_schema_4_gains_saved_charts_when_opened() {
    let s = Scratch::new();
    let path = orders(&s).path().to_path_buf();
    {
        // What a Loupe of schema 4 wrote: no chart table.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("DROP TABLE _loupe_charts; PRAGMA user_version = 4;")
            .unwrap();
    }
    // Read-only opening upgrades first (through a writable connection), then reads.
    let ro = Project::open_read_only(&path).unwrap();
    assert!(saved_charts(&ro).unwrap().is_empty());
    let v: i64 = ro
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION, "upgraded to the current schema");
    assert_eq!(ro.datasets().unwrap().len(), 1, "the data is still there");
    drop(ro);
    let p = Project::open(&path).unwrap();
    save_chart(&p, &monthly()).unwrap();
    assert_eq!(saved_charts(&p).unwrap().len(), 1);
}

#[test]
fn the_data_marker_follows_reimports() {
    let s = Scratch::new();
    let mut p = orders(&s);
    let before = p.data_marker("orders").unwrap().unwrap();
    assert_eq!(p.data_marker("orders").unwrap().unwrap(), before, "stable");
    assert_eq!(p.data_marker("nowhere").unwrap(), None);
    // The same rows imported again (same count, maybe the same second): a new marker.
    let f = s.path("orders.csv");
    let opts = loupe::import::ImportOptions {
        replace: true,
        ..named("orders")
    };
    import(&mut p, &[&f], opts).unwrap();
    assert_ne!(p.data_marker("orders").unwrap().unwrap(), before);
}

fn ok(args: &[&str]) -> String {
    let out = run_loupe(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cli_saves_lists_renames_deletes_and_draws_the_dashboard() {
    let s = Scratch::new();
    let path = orders(&s).path().to_path_buf();
    let p = path.to_str().unwrap();
    let said = ok(&[
        "chart",
        "--project",
        p,
        "--dataset",
        "orders",
        "--x",
        "order_time:month",
        "--y",
        "sum(amount)",
        "--type",
        "bar",
        "--save",
        "Revenue by month",
    ]);
    assert!(
        said.contains("Saved the bar chart 'Revenue by month'"),
        "{said}"
    );
    let csv = s.path("h.csv");
    let said = ok(&[
        "chart",
        "--project",
        p,
        "--dataset",
        "orders",
        "--x",
        "amount",
        "--by",
        "channel",
        "--type",
        "histogram",
        "--bins",
        "3",
        "--save",
        "Amounts",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(
        said.contains("written to") && said.contains("Saved the histogram"),
        "{said}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("amount,channel,from,to,rows\n4 – 6.17,web,4,"),
        "{text}"
    );
    ok(&[
        "chart",
        "--project",
        p,
        "--dataset",
        "orders",
        "--x",
        "amount",
        "--type",
        "box",
        "--save",
        "Box",
    ]);

    let list = ok(&["charts", "--project", p]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(
        lines[0].starts_with(
            "Revenue by month  --dataset orders --x order_time:month --y 'sum(amount)' --type bar"
        ),
        "{list}"
    );
    assert!(
        lines[1].contains("--x amount --by channel --bins 3 --type histogram"),
        "{list}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["charts", "--project", p, "--json"])).unwrap();
    assert_eq!(json[2]["kind"], "box");
    assert_eq!(json[1]["spec"]["bins"], 3);

    let list = ok(&[
        "charts",
        "--project",
        p,
        "--rename",
        "Box",
        "--to",
        "Order values",
        "--delete",
        "Amounts",
    ]);
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(list.contains("Order values"), "{list}");

    let dir = s.path("dash");
    let said = ok(&["dashboard", "--project", p, "--out", dir.to_str().unwrap()]);
    assert_eq!(said.lines().count(), 2, "{said}");
    for name in ["Revenue-by-month.png", "Order-values.png"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        assert_eq!(&bytes[1..4], b"PNG", "{name}");
    }

    // Mistakes are refused with a message.
    let out = run_loupe(&[
        "chart",
        "--project",
        p,
        "--dataset",
        "orders",
        "--x",
        "amount",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--save TITLE"));
    let out = run_loupe(&["charts", "--project", p, "--delete", "Nope"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no saved chart titled 'Nope'"));
    let out = run_loupe(&[
        "chart",
        "--project",
        p,
        "--dataset",
        "orders",
        "--x",
        "channel",
        "--type",
        "box",
        "--save",
        "Bad",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("numeric x column"));
    assert_eq!(
        ok(&["charts", "--project", p]).lines().count(),
        2,
        "nothing saved"
    );
}

/// The dashboard's cards: a size and KPI switch kept in the chart's record (a chart saved before
/// cards existed reads as a small chart card), kept when the chart is saved again from the
/// builder, the order changed by moves, and one date range that filters every card.
#[test]
fn dashboard_cards_sizes_order_and_date_range() {
    use loupe::explore::cards::{
        Card, CardSize, DateRange, date_range, kpi_of, move_chart, set_card, set_date_range,
        with_range,
    };
    use loupe::explore::chart::{ChartData, compute};
    use loupe::explore::{AggRow, Key};
    use loupe::progress::Reporter;
    let s = Scratch::new();
    let p = orders(&s);
    // Written as an older Loupe did: no card in the JSON.
    let old = format!(
        r#"{{"kind":"bar","spec":{}}}"#,
        serde_json::to_string(&monthly().spec).unwrap()
    );
    p.conn()
        .execute(
            "INSERT INTO _loupe_charts(title, chart, position, created_at, updated_at) VALUES ('old', ?1, 1, '', '')",
            [old],
        )
        .unwrap();
    save_chart(&p, &monthly()).unwrap();
    save_chart(&p, &amounts()).unwrap();
    let titles = |p: &Project| -> Vec<String> {
        saved_charts(p)
            .unwrap()
            .into_iter()
            .map(|c| c.title)
            .collect()
    };
    assert_eq!(saved_chart(&p, "old").unwrap().card, Card::default());
    delete_chart(&p, "old").unwrap();
    assert_eq!(titles(&p), ["Revenue by month", "订单金额分布"]);
    let wide = Card {
        size: CardSize::Wide,
        kpi: true,
    };
    set_card(&p, "Revenue by month", wide).unwrap();
    assert_eq!(saved_chart(&p, "Revenue by month").unwrap().card, wide);
    // Saved again from the builder (default card): the card stays, the spec changes.
    let mut again = monthly();
    again.kind = ChartKind::Line;
    save_chart(&p, &again).unwrap();
    let c = saved_chart(&p, "Revenue by month").unwrap();
    assert_eq!((c.card, c.kind), (wide, ChartKind::Line));
    assert!(set_card(&p, "nope", wide).is_err());
    // Moves: right, then past the end (stays), then left.
    assert!(move_chart(&p, "Revenue by month", 1).unwrap());
    assert_eq!(titles(&p), ["订单金额分布", "Revenue by month"]);
    assert!(!move_chart(&p, "Revenue by month", 1).unwrap());
    assert!(move_chart(&p, "Revenue by month", -1).unwrap());
    assert_eq!(titles(&p), ["Revenue by month", "订单金额分布"]);
    // A chart added later goes to the end.
    save_chart(
        &p,
        &SavedChart {
            title: "third".into(),
            ..amounts()
        },
    )
    .unwrap();
    assert_eq!(titles(&p).last().map(String::as_str), Some("third"));
    // The date range: kept, and applied to the chart's date column, both ends included.
    assert_eq!(date_range(&p).unwrap(), DateRange::default());
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let range = DateRange {
        from: Some(d("2024-01-20")),
        to: Some(d("2024-02-01")),
    };
    set_date_range(&p, &range).unwrap();
    assert_eq!(date_range(&p).unwrap(), range);
    assert!(
        set_date_range(
            &p,
            &DateRange {
                from: range.to,
                to: range.from
            }
        )
        .is_err()
    );
    let info = p.dataset("orders").unwrap();
    let chart = saved_chart(&p, "Revenue by month").unwrap();
    let ranged = with_range(&info, &chart.spec, &range);
    assert_eq!(
        ranged.filter.as_deref(),
        Some("(amount > 0) and \"order_time\" >= '2024-01-20' and \"order_time\" < '2024-02-02'")
    );
    let rep = Reporter::silent();
    let Ok(ChartData::Table(t)) = compute(&p, &ranged, chart.kind, None, &rep) else {
        panic!("the ranged chart");
    };
    // The 2024-01-20 (4) and 2024-02-01 (7) lines, not 2024-01-03's.
    assert_eq!(t.input_rows, 2);
    // The data ends on 1 February: February is partial and left out of the KPI, January (4)
    // has no month before it in the range.
    let k = kpi_of(&t).unwrap();
    assert_eq!(k.value, 4.0);
    assert_eq!(k.left_out, Some(Key::Date(d("2024-02-01"))));
    assert_eq!((k.previous.clone(), k.change()), (None, None));
    // Whole months: the last against the one before (split series summed).
    let mut whole = t.clone();
    whole.span = Some((d("2024-01-01"), d("2024-02-29")));
    whole.rows.push(AggRow {
        x: Key::Date(d("2024-02-01")),
        by: None,
        values: vec![Some(1.0)],
    });
    let k = kpi_of(&whole).unwrap();
    assert_eq!((k.value, k.left_out.clone()), (8.0, None));
    assert_eq!(k.previous.clone(), Some((Key::Date(d("2024-01-01")), 4.0)));
    assert!((k.change().unwrap() - 1.0).abs() < 1e-9);
    // The histogram's x is a number: the range goes on the dataset's date column.
    let amounts_spec = with_range(&info, &amounts().spec, &range);
    assert!(
        amounts_spec
            .filter
            .unwrap()
            .contains("\"order_time\" >= '2024-01-20'")
    );
    // Open again: no filter added, and the stored range is gone.
    set_date_range(&p, &DateRange::default()).unwrap();
    assert_eq!(date_range(&p).unwrap(), DateRange::default());
    assert_eq!(
        with_range(&info, &chart.spec, &DateRange::default()),
        chart.spec
    );
}
