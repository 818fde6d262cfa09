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
