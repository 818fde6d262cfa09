//! Workbench UI tests: headless (egui_kittest, no GPU), driving the real app's pages and querying
//! widgets by their labels, as a user would.

use egui::accesskit::Role;
use egui_kittest::{Harness, kittest::Queryable};
use loupe::browse::SortDir;
use loupe::i18n::{Lang, T};
use loupe::ui::state::Settings;
use loupe::ui::{LoupeApp, Page, Startup, nav_label};

pub(crate) use crate::common::sample;
use std::path::Path;
use std::time::{Duration, Instant};

pub(crate) fn app(project: &Path, lang: Lang) -> Harness<'static, LoupeApp> {
    app_sized(project, lang, [1400.0, 900.0])
}

pub(crate) fn app_sized(project: &Path, lang: Lang, size: [f32; 2]) -> Harness<'static, LoupeApp> {
    // The window opens its project writable (it keeps derived tables and settings there): each
    // window on the shared sample project gets its own copy, so that concurrent tests never
    // wait on one another's writes.
    let own;
    let project = if project == sample() {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        own = sample().with_file_name(format!("window-{n}.loupe"));
        std::fs::copy(sample(), &own).expect("copy the sample project");
        own.as_path()
    } else {
        project
    };
    let settings = Settings {
        lang,
        ..Settings::default()
    };
    let app = LoupeApp::new(
        settings,
        Startup {
            project: Some(project.to_path_buf()),
            sample_path: None,
            reopen_recent: false,
            import: Vec::new(),
        },
    );
    Harness::builder()
        .with_size(size)
        .with_context_setup(|ctx| loupe::ui::theme::install_fonts(ctx, false))
        .build_ui_state(|ui, app: &mut LoupeApp| app.frame(ui), app)
}

/// Steps frames until `done` holds (background jobs run on threads).
pub(crate) fn wait_until(
    h: &mut Harness<'static, LoupeApp>,
    what: &str,
    done: impl Fn(&LoupeApp) -> bool,
) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h.state()) {
            break;
        }
        // Generous: on a loaded 2-core machine the suite's other tests share the cores.
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Let the results show and the jobs list settle.
    for _ in 0..4 {
        h.step();
    }
}

fn idle(app: &LoupeApp) -> bool {
    !app.busy() && app.data().row_count().is_some()
}

#[test]
fn opens_sample_project_and_moves_between_pages() {
    let mut h = app(sample(), Lang::En);
    wait_until(&mut h, "the first dataset", idle);
    h.get_by_label(&nav_label(Lang::En, Page::Data));
    h.get_by_label("Datasets");
    for name in ["customers", "orders", "events", "campaigns", "experiment"] {
        h.get_by_label_contains(&format!("{name}\n"));
    }
    h.get_by_label("Column profile");

    h.get_by_label(&nav_label(Lang::En, Page::Activity)).click();
    wait_until(&mut h, "the activity log", |a| {
        !a.busy() && a.activity().shown().is_some()
    });
    assert_eq!(h.state().page(), Page::Activity);
    h.get_by_label("Activity log");
    assert!(
        !h.query_all_by_label("Import")
            .collect::<Vec<_>>()
            .is_empty()
    );
    // Details read as sentences, not as the log's JSON.
    h.get_by_label_contains("customers.csv. Personal data: phone (phone): kept");
    assert!(h.query_by_label_contains("replaced: false").is_none());

    h.get_by_label(&nav_label(Lang::En, Page::Campaigns))
        .click();
    h.run_steps(3);
    h.get_by_label("ROI and attribution");

    h.get_by_label(&nav_label(Lang::En, Page::Data)).click();
    h.run_steps(3);
    assert_eq!(h.state().page(), Page::Data);
}

#[test]
fn table_shows_cells_sorts_and_filters() {
    // Wide enough that every column of `campaigns` is in view (narrower windows scroll sideways).
    let mut h = app_sized(sample(), Lang::En, [1900.0, 900.0]);
    wait_until(&mut h, "the first dataset", idle);
    h.get_by_label_contains("campaigns\n").click();
    wait_until(&mut h, "campaigns rows", |a| {
        idle(a) && a.data().selected() == Some("campaigns")
    });
    // First row of sample-data/campaigns.csv, Chinese values included.
    h.get_by_label("CMP01");
    h.get_by_label("新春会员短信");
    h.get_by_label("169.2");

    // Sort by cost, descending (second click), via the header.
    h.get_by_label("cost").click();
    wait_until(&mut h, "sorted ascending", |a| {
        idle(a) && a.data().sort().is_some()
    });
    h.get_by_label("cost ⏶").click();
    wait_until(&mut h, "sorted descending", |a| {
        idle(a) && a.data().sort().is_some_and(|(_, d)| d == SortDir::Desc)
    });
    h.get_by_label_contains("cost ⏷");
    assert_eq!(h.state().data().profile_column(), Some("cost"));
    h.get_by_label("Distribution");

    // Quick filter over all columns.
    let filter = format!("🔍 {}", Lang::En.tr(T::Filter));
    h.get_by_role_and_label(Role::TextInput, &filter).focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, &filter)
        .type_text("微信");
    h.run_steps(1);
    std::thread::sleep(Duration::from_millis(300)); // the filter waits for typing to pause
    wait_until(&mut h, "filter applied", |a| {
        idle(a) && a.data().applied_filter() == Some("微信")
    });
    h.get_by_label("CMP02");
    assert!(
        h.query_by_label("CMP01").is_none(),
        "CMP01 is an SMS campaign"
    );
}

#[test]
fn imports_a_file_through_the_dialog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("shop.loupe");
    loupe::store::Project::create(&project).expect("project");
    let csv = dir.path().join("门店销售.csv");
    std::fs::write(
        &csv,
        "store;city;revenue;opened\nS1;上海;1200.50;2020-01-05\nS2;北京;980;2021-03-01\nS3;深圳;;2019-11-20\n",
    )
    .expect("write csv");

    let mut h = app(&project, Lang::En);
    h.run_steps(3);
    h.get_by_label("No datasets yet. Import a CSV, Excel, Parquet or JSON file to start.");
    h.state_mut().open_import(vec![csv]);
    wait_until(&mut h, "the preview", |a| {
        a.import().is_some_and(|d| d.preview().is_some()) && !a.busy()
    });
    h.get_by_label("Import data");
    h.get_by_label("detected: ;");
    h.get_by_label("上海");
    assert!(h.query_all_by_label("opened").next().is_some());

    // Give the dataset a name, then import.
    h.get_by_role_and_label(Role::TextInput, "Dataset name")
        .focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Dataset name")
        .type_text("stores");
    h.run_steps(2);
    assert_eq!(h.state().import().map(|d| d.name()), Some("stores"));
    h.get_by_role_and_label(Role::Button, "Import").click();
    wait_until(&mut h, "the import", |a| {
        a.import().is_none() && a.ws().dataset("stores").is_some() && idle(a)
    });
    let info = h.state().ws().dataset("stores").cloned().expect("dataset");
    assert_eq!(info.rows, 3);
    assert_eq!(info.delimiter.as_deref(), Some(";"));
    h.get_by_label_contains("Imported 3 rows");
    h.get_by_label("北京");
    assert!(h.query_all_by_label("1200.5").next().is_some());
    assert!(
        h.state().ws().problems.is_empty(),
        "{:?}",
        h.state().ws().problems
    );
}

#[test]
fn switches_to_chinese_while_running() {
    let mut h = app(sample(), Lang::En);
    wait_until(&mut h, "the first dataset", idle);
    h.get_by_value("🌐 English").click();
    h.run_steps(2);
    h.get_by_label("简体中文").click();
    h.run_steps(3);
    assert_eq!(h.state().lang(), Lang::ZhCn);
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Data));
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Campaigns));
    h.get_by_label("数据集");
    h.get_by_label("列概况");
    // Chinese values render too (no missing glyph: the bundled font is in).
    h.get_by_label_contains("customers\n").click();
    wait_until(&mut h, "customers rows", |a| {
        idle(a) && a.data().selected() == Some("customers")
    });
    assert!(h.query_all_by_label("深圳").next().is_some());
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Campaigns))
        .click();
    h.run_steps(3);
    h.get_by_label("投资回报与归因");
}

#[test]
fn chinese_headers_from_a_gbk_file_show_in_the_table_and_the_profile() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("shop.loupe");
    loupe::store::Project::create(&project).expect("project");
    let text = "会员ID,城市,实付金额\nM001,杭州,88.5\nM002,成都,120\nM003,杭州,35\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let csv = dir.path().join("会员.csv");
    std::fs::write(&csv, &gbk).expect("write gbk csv");

    let mut h = app(&project, Lang::En);
    h.run_steps(3);
    h.state_mut().open_import(vec![csv]);
    wait_until(&mut h, "the preview", |a| {
        a.import().is_some_and(|d| d.preview().is_some()) && !a.busy()
    });
    h.get_by_label_contains("gb18030");
    h.get_by_role_and_label(Role::Button, "Import").click();
    wait_until(&mut h, "the import", |a| {
        a.import().is_none() && a.ws().datasets.len() == 1 && idle(a)
    });
    // Headers and values in the table.
    h.get_by_label("城市");
    h.get_by_label("实付金额");
    assert_eq!(h.query_all_by_label("杭州").count(), 2);
    // The profile of the Chinese column: clicking its header selects it.
    h.get_by_label("城市").click();
    wait_until(&mut h, "the profile of 城市", |a| {
        idle(a) && a.data().profile_column() == Some("城市")
    });
    h.get_by_value("城市");
    // Each city now stands in the table, as the profile's minimum or maximum, and among its most
    // common values.
    assert_eq!(h.query_all_by_label("成都").count(), 1 + 1 + 1);
    assert_eq!(h.query_all_by_label("杭州").count(), 2 + 1 + 1);
}

#[test]
fn the_clean_page_reports_quality_problems() {
    let mut h = app(sample(), Lang::En);
    wait_until(&mut h, "the first dataset", idle);
    h.get_by_label(&nav_label(Lang::En, Page::Clean)).click();
    h.run_steps(3);
    h.get_by_label("Data quality");
    // Pick the orders and check them, as a user would.
    h.get_by_value("customers").click();
    h.run_steps(2);
    h.get_by_label("orders").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Check quality")
        .click();
    wait_until(&mut h, "the quality report", |a| {
        !a.busy() && a.clean().report().is_some()
    });
    let report = h.state().clean().report().cloned().expect("report");
    assert_eq!(report.dataset, "orders");
    let cancellations = report
        .findings
        .iter()
        .find(|f| f.kind == loupe::clean::FindingKind::Cancellations)
        .expect("the sample orders hold cancellations");
    h.get_by_label("Cancellations (order id starts with C)");
    // Its count stands in the findings (the negative quantities of those lines share it).
    assert!(
        h.query_all_by_label(&loupe::i18n::int(cancellations.count))
            .next()
            .is_some()
    );
    h.get_by_label_contains("24,005 rows");
    // Each finding links to its rows: the data page shows exactly them.
    h.query_all_by_label("Show rows")
        .next()
        .expect("a Show rows button")
        .click();
    // The page asks the app to show them (a command executed before the next frame).
    wait_until(&mut h, "the finding's rows", |a| {
        a.data().rows_label().is_some() && !a.busy() && a.data().row_count().is_some()
    });
    assert_eq!(
        h.state().data().row_count(),
        Some(report.findings[0].count as usize)
    );
    h.get_by_label_contains("Showing the rows of:");
}

#[test]
fn the_clean_page_builds_previews_and_undoes_a_recipe() {
    // Its own copy of the sample project: this test writes a cleaned table.
    let s = crate::common::Scratch::new();
    let path = crate::common::sample_copy(&s);
    let mut h = app(&path, Lang::En);
    wait_until(&mut h, "the first dataset", idle);
    h.get_by_label(&nav_label(Lang::En, Page::Clean)).click();
    h.run_steps(3);
    h.get_by_value("customers").click();
    h.run_steps(2);
    h.get_by_label("orders").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Check quality")
        .click();
    wait_until(&mut h, "the quality report", |a| {
        !a.busy() && a.clean().report().is_some() && a.clean().raw_loaded()
    });
    h.get_by_label("Add all suggested fixes").click();
    wait_until(&mut h, "the preview and the cleaned table", |a| {
        !a.busy() && a.clean().preview().is_some()
    });
    let steps = h.state().clean().recipe().expect("recipe").steps.len();
    assert!(steps >= 3, "{steps} suggested steps");
    // The first step (drop cancellations) is selected and previewed; the cleaned table exists.
    let first = h.state().clean().recipe().expect("recipe").steps[0]
        .step
        .describe(Lang::En);
    assert_eq!(first, "Drop rows where order_id starts with 'C'");
    // (The selected step's title also heads the preview.)
    h.query_all_by_label(&format!("1. {first}"))
        .next()
        .expect("the step in the recipe")
        .click();
    wait_until(&mut h, "the first step's preview", |a| {
        !a.busy() && a.clean().preview().is_some_and(|p| p.index == 0)
    });
    let p = h.state().clean().preview().cloned().expect("preview");
    assert!(p.removed > 0);
    h.get_by_label_contains(&format!(
        "Removes {} of",
        loupe::i18n::int(p.removed as u64)
    ));
    // (In the toolbar, and in the status bar as the latest notice.)
    assert!(
        h.query_all_by_label_contains("Cleaned table “orders_clean”")
            .next()
            .is_some()
    );
    let project = loupe::store::Project::open_read_only(&path).expect("project");
    let cleaned = project.dataset("orders_clean").expect("cleaned table");
    assert!(cleaned.rows < project.dataset("orders").expect("orders").rows);
    drop(project);
    // Undo takes the whole batch of suggestions back; redo restores it.
    h.get_by_role_and_label(Role::Button, "Undo").click();
    h.run_steps(3);
    assert_eq!(h.state().clean().recipe().map(|r| r.steps.len()), Some(0));
    h.get_by_label_contains("The recipe has no steps yet");
    h.get_by_role_and_label(Role::Button, "Redo").click();
    h.run_steps(3);
    assert_eq!(
        h.state().clean().recipe().map(|r| r.steps.len()),
        Some(steps)
    );
    wait_until(&mut h, "the rebuild after redo", |a| !a.busy());
}

#[test]
fn the_clean_page_opens_on_the_dataset_chosen_on_the_data_page() {
    let mut h = app(sample(), Lang::En);
    wait_until(&mut h, "the first dataset", idle);
    h.get_by_label_contains("events\n").click();
    wait_until(&mut h, "the events rows", |a| {
        idle(a) && a.data().selected() == Some("events")
    });
    h.get_by_label(&nav_label(Lang::En, Page::Clean)).click();
    h.run_steps(3);
    h.get_by_value("events");
    // Its own choice holds until the Data page's changes.
    h.get_by_value("events").click();
    h.run_steps(2);
    h.get_by_label("orders").click();
    h.run_steps(2);
    h.get_by_label(&nav_label(Lang::En, Page::Data)).click();
    h.run_steps(2);
    h.get_by_label(&nav_label(Lang::En, Page::Clean)).click();
    h.run_steps(2);
    h.get_by_value("orders");
    // A new Outliers step starts on a numeric column, not the first (text) one.
    let first_number = h
        .state()
        .ws()
        .dataset("orders")
        .and_then(|d| d.columns.iter().find(|c| c.ty.is_numeric()))
        .map(|c| c.name.clone())
        .expect("orders have numbers");
    h.get_by_label_contains("Add step").click();
    h.run_steps(2);
    h.get_by_label("Outliers").click();
    h.run_steps(2);
    // The step's column picker (the Columns table lists the same name as a label).
    h.get(
        egui_kittest::kittest::By::new()
            .role(Role::ComboBox)
            .value(&first_number),
    );
}
