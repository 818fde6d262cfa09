//! The dashboard, driven headless: a histogram built on the Explore page is saved, appears as a
//! tile on the Dashboard and opens back in the builder; a tile follows its data when another
//! process re-imports it; in English and Chinese.

use crate::common::*;
use crate::ui::{app, sample, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use loupe::explore::chart::ChartData;
use loupe::explore::render::ChartKind;
use loupe::explore::saved::{SavedChart, save_chart, saved_charts};
use loupe::explore::{ChartSpec, Dimension, Measure};
use loupe::i18n::{Lang, T};
use loupe::store::Project;
use loupe::ui::{Page, nav_label};
use std::path::PathBuf;

/// A copy of the shared sample project, for a test that writes to it.
fn own_sample(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("sample.loupe");
    let c = rusqlite::Connection::open(sample()).expect("sample");
    c.execute("VACUUM INTO ?1", [path.to_str().expect("utf-8 path")])
        .expect("copy");
    path
}

#[test]
fn a_saved_histogram_becomes_a_dashboard_tile() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = own_sample(&dir);
    let mut h = app(&path, Lang::En);
    wait_until(&mut h, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    h.get_by_label(&nav_label(Lang::En, Page::Explore)).click();
    wait_until(&mut h, "the first chart", |a| {
        a.explore().chart_table().is_some()
    });

    h.get_by_role_and_label(Role::ComboBox, "Chart").click();
    h.run_steps(2);
    h.get_by_label("histogram").click_accesskit();
    wait_until(&mut h, "the histogram", |a| {
        matches!(a.explore().chart_data(), Some(ChartData::Histogram(_)))
    });
    // The value is the amount (the numeric column with that role), with a note on the bins.
    h.get_by_label("histogram — amount");
    h.get_by_label_contains("bins,");
    h.get_by_label_contains("wide (Freedman-Diaconis rule)");

    h.get_by_label("Save to dashboard…").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::TextInput, "Title").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Title")
        .type_text("Order values");
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Save").click();
    wait_until(&mut h, "the saved chart", |a| {
        a.ws().notice.as_deref() == Some("Saved “Order values” to the dashboard")
    });
    h.get_by_label_contains("Saved “Order values” to the dashboard");
    let stored = saved_charts(&Project::open_read_only(&path).expect("project")).expect("charts");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].title.as_str(), stored[0].kind),
        ("Order values", ChartKind::Histogram)
    );

    h.get_by_label(&nav_label(Lang::En, Page::Dashboard))
        .click();
    wait_until(&mut h, "the tile", |a| {
        a.dashboard().settled() && a.dashboard().titles() == ["Order values"]
    });
    h.get_by_label("Order values");
    h.get_by_label_contains("1 saved chart, recomputed when its data changes");
    assert!(matches!(
        h.state().dashboard().tile_data("Order values"),
        Some(Ok(ChartData::Histogram(_)))
    ));

    // The tile's menu opens it in the builder.
    h.get_by_label("…").click();
    h.run_steps(2);
    h.get_by_label("Open in builder").click();
    h.run_steps(3);
    assert_eq!(h.state().page(), Page::Explore);
    assert_eq!(h.state().explore().chart_kind(), ChartKind::Histogram);

    // And removes it.
    h.get_by_label(&nav_label(Lang::En, Page::Dashboard))
        .click();
    h.run_steps(3);
    h.get_by_label("…").click();
    h.run_steps(2);
    h.get_by_label("Remove").click();
    wait_until(&mut h, "the removal", |a| {
        a.dashboard().settled() && a.dashboard().titles().is_empty()
    });
    h.get_by_label_contains("No saved charts yet");
    assert!(
        saved_charts(&Project::open_read_only(&path).expect("project"))
            .expect("charts")
            .is_empty()
    );
}

#[test]
fn a_tile_follows_its_data_in_chinese() {
    let s = Scratch::new();
    let rows = |n: usize| {
        let mut csv = String::from("channel,amount\n");
        for i in 0..n {
            csv.push_str(&format!("{},{}\n", ["线上", "门店"][i % 2], 10 + i));
        }
        csv
    };
    let f = s.write("orders.csv", rows(3));
    let path = {
        let mut p = s.project();
        import(&mut p, &[&f], named("orders")).unwrap();
        let mut spec = ChartSpec::new(
            "orders",
            Dimension::new("amount", None),
            vec![Measure::count()],
        );
        spec.by = Some(Dimension::new("channel", None));
        save_chart(
            &p,
            &SavedChart {
                title: "各渠道订单金额".into(),
                kind: ChartKind::BoxPlot,
                spec,
                card: Default::default(),
            },
        )
        .unwrap();
        p.path().to_path_buf()
    };
    let lang = Lang::ZhCn;
    let mut h = app(&path, lang);
    wait_until(&mut h, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    h.get_by_label(&nav_label(lang, Page::Dashboard)).click();
    let input_rows = |a: &loupe::ui::LoupeApp| match a.dashboard().tile_data("各渠道订单金额")
    {
        Some(Ok(d)) => d.input_rows(),
        _ => 0,
    };
    wait_until(&mut h, "the tile", |a| {
        a.dashboard().settled() && input_rows(a) == 3
    });
    h.get_by_label("各渠道订单金额");
    h.get_by_label(&lang.f(T::DashboardHint, &[&1]));

    // Another process re-imports the dataset with more rows: the tile is recomputed.
    std::fs::write(&f, rows(7)).unwrap();
    {
        let mut p = Project::open(&path).unwrap();
        let opts = loupe::import::ImportOptions {
            replace: true,
            ..named("orders")
        };
        import(&mut p, &[&f], opts).unwrap();
    }
    wait_until(&mut h, "the recomputed tile", |a| {
        a.dashboard().settled() && input_rows(a) == 7
    });
    // The rest of the window follows (the catalog is read again in its own job).
    wait_until(&mut h, "the catalog", |a| {
        a.ws().dataset("orders").map(|d| d.rows) == Some(7)
    });
}

/// Cards resized, shown as a KPI, moved, and one date range for all of them, kept in the project.
#[test]
fn cards_resize_move_show_a_kpi_and_share_a_date_range() {
    use loupe::explore::cards::{CardSize, DateRange, date_range, kpi_of, with_range};
    use loupe::explore::chart::compute;
    use loupe::explore::saved::saved_chart;
    use loupe::explore::{Grain, table::Key};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = own_sample(&dir);
    {
        let p = Project::open(&path).unwrap();
        let monthly = ChartSpec::new(
            "orders",
            Dimension::new("order_time", Some(Grain::Month)),
            vec![Measure::parse("sum(amount)").unwrap()],
        );
        let channels = ChartSpec::new(
            "orders",
            Dimension::new("channel", None),
            vec![Measure::parse("sum(amount)").unwrap()],
        );
        for (title, spec) in [("Monthly revenue", monthly), ("By channel", channels)] {
            let chart = SavedChart {
                title: title.into(),
                kind: ChartKind::Bar,
                spec,
                card: Default::default(),
            };
            save_chart(&p, &chart).unwrap();
        }
    }
    let mut h = crate::ui::app_sized(&path, Lang::En, [1920.0, 1080.0]);
    wait_until(&mut h, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    h.get_by_label(&nav_label(Lang::En, Page::Dashboard))
        .click();
    wait_until(&mut h, "the tiles", |a| {
        a.dashboard().settled() && a.dashboard().titles().len() == 2
    });
    let menu = |h: &mut egui_kittest::Harness<'static, loupe::ui::LoupeApp>, i: usize| {
        h.query_all_by_label("…")
            .nth(i)
            .expect("a tile menu")
            .click();
        h.run_steps(2);
    };
    let stored =
        |title: &str| saved_chart(&Project::open_read_only(&path).unwrap(), title).unwrap();
    // Wide: kept in the chart's record; the card spans two columns.
    let beside = h.get_by_label("By channel").rect();
    menu(&mut h, 0);
    h.get_by_label("Wide").click();
    wait_until(&mut h, "the wide card", |a| {
        a.dashboard().settled()
            && a.dashboard().card("Monthly revenue").map(|c| c.size) == Some(CardSize::Wide)
    });
    assert_eq!(stored("Monthly revenue").card.size, CardSize::Wide);
    // The card beside it moved a column further right.
    let other = h.get_by_label("By channel").rect();
    assert!(
        other.min.x > beside.min.x + 300.0 && (other.min.y - beside.min.y).abs() < 1.0,
        "{other:?}, was {beside:?}"
    );
    // A KPI: the last month's revenue and its change against the month before.
    menu(&mut h, 0);
    h.get_by_label("Show as KPI (last period and its change)")
        .click();
    wait_until(&mut h, "the KPI card", |a| {
        a.dashboard().settled() && a.dashboard().card("Monthly revenue").is_some_and(|c| c.kpi)
    });
    assert!(stored("Monthly revenue").card.kpi);
    let Some(Ok(ChartData::Table(t))) = h.state().dashboard().tile_data("Monthly revenue") else {
        panic!("the monthly table");
    };
    let k = kpi_of(t).expect("a KPI");
    h.get_by_label(&loupe::format::number(k.value));
    let (prev, _) = k.previous.clone().expect("an earlier month");
    let prev_label = match prev {
        Key::Date(d) => Grain::Month.label(d),
        other => panic!("{other:?}"),
    };
    h.get_by_label_contains(&format!("vs {prev_label}"));
    // Move it right: the order is kept in the project.
    menu(&mut h, 0);
    h.get_by_label("Move right").click();
    wait_until(&mut h, "the moved card", |a| {
        a.dashboard().settled() && a.dashboard().titles() == ["By channel", "Monthly revenue"]
    });
    let titles: Vec<String> = saved_charts(&Project::open_read_only(&path).unwrap())
        .unwrap()
        .into_iter()
        .map(|c| c.title)
        .collect();
    assert_eq!(titles, ["By channel", "Monthly revenue"]);
    // One date range for all cards: typed, applied, kept; each card counts only those rows.
    for (label, text) in [("From", "2011-01-01"), ("to", "2011-03-31")] {
        h.get_by_role_and_label(Role::TextInput, label).focus();
        h.run_steps(1);
        h.get_by_role_and_label(Role::TextInput, label)
            .type_text(text);
        h.run_steps(1);
    }
    h.get_by_role_and_label(Role::Button, "Apply to all cards")
        .click();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let range = DateRange {
        from: Some(d("2011-01-01")),
        to: Some(d("2011-03-31")),
    };
    let want = |title: &str| {
        let p = Project::open_read_only(&path).unwrap();
        let c = saved_chart(&p, title).unwrap();
        let spec = with_range(&p.dataset("orders").unwrap(), &c.spec, &range);
        compute(
            &p,
            &spec,
            c.kind,
            None,
            &loupe::progress::Reporter::silent(),
        )
        .unwrap()
        .input_rows()
    };
    let (monthly_rows, channel_rows) = (want("Monthly revenue"), want("By channel"));
    assert_eq!(monthly_rows, channel_rows);
    let all = h.state().ws().dataset("orders").unwrap().rows;
    assert!(
        monthly_rows > 0 && monthly_rows < all,
        "{monthly_rows} of {all}"
    );
    let rows = |a: &loupe::ui::LoupeApp, t: &str| match a.dashboard().tile_data(t) {
        Some(Ok(d)) => d.input_rows(),
        _ => 0,
    };
    wait_until(&mut h, "the cards in the range", |a| {
        a.dashboard().settled()
            && rows(a, "Monthly revenue") == monthly_rows
            && rows(a, "By channel") == channel_rows
    });
    assert_eq!(h.state().dashboard().date_range(), range);
    wait_until(&mut h, "the range kept", |a| !a.busy());
    assert_eq!(
        date_range(&Project::open_read_only(&path).unwrap()).unwrap(),
        range
    );
    // A date that is not one is refused with a message.
    h.get_by_role_and_label(Role::TextInput, "to").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "to")
        .type_text("2011-13-01");
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Apply to all cards")
        .click();
    h.run_steps(2);
    h.get_by_label_contains("“2011-13-01” is not a date");
    // All dates again.
    h.get_by_role_and_label(Role::Button, "All dates").click();
    wait_until(&mut h, "every row again", |a| {
        a.dashboard().settled() && rows(a, "By channel") == all
    });
}
