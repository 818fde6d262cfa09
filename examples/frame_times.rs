//! Frame times of the workbench while it imports the real Online Retail file (541,909 rows), and
//! while it scrolls that table end to end.
//!
//! `cargo run --release --example frame_times`
//!
//! The real app (the same `LoupeApp` the window runs) is driven headless by egui_kittest at a
//! 60 Hz pace: every frame runs the app's logic and layout (polling jobs, fetching the visible rows
//! from SQLite, building the table), which is the work on the UI thread. GPU painting is not
//! included: there is no GPU here.

use egui_kittest::Harness;
use loupe::i18n::Lang;
use loupe::ui::LoupeApp;
use loupe::ui::import_dialog::ImportDialog;
use loupe::ui::state::Settings;
use loupe::ui::{Page, Startup};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let gz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/online_retail.csv.gz");
    if !gz.exists() {
        eprintln!("SKIPPED: {} is absent", gz.display());
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("online_retail.csv");
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&gz).expect("open"))
        .read_to_end(&mut bytes)
        .expect("gunzip");
    std::fs::write(&csv, &bytes).expect("write");
    let project = dir.path().join("frames.loupe");
    drop(loupe::store::Project::create(&project).expect("project"));

    let app = LoupeApp::new(
        Settings {
            lang: Lang::En,
            ..Settings::default()
        },
        Startup {
            project: Some(project.clone()),
            sample_path: None,
            reopen_recent: false,
            import: Vec::new(),
        },
    );
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(|ctx| loupe::ui::theme::install_fonts(ctx, false))
        .build_ui_state(|ui, app: &mut LoupeApp| app.frame(ui), app);
    // The project opens in a job.
    let opening = Instant::now();
    while h.state().ws().project.is_none() {
        assert!(
            opening.elapsed() < Duration::from_secs(60),
            "the project did not open"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }

    // Import through the dialog's own job, as the Import button does.
    let mut dialog = ImportDialog::new(vec![csv.clone()]);
    let started = Instant::now();
    {
        let app = h.state_mut();
        assert!(dialog.start_import(app.ws_mut()), "import job");
        app.set_import(Some(dialog));
    }
    let during = pace(&mut h, |app| !app.busy(), Duration::from_secs(120));
    let import_secs = started.elapsed().as_secs_f64();
    report("during the import", &during);
    println!("  (import took {import_secs:.2} s, window open with the import dialog)");

    // Scroll the whole table: each frame jumps far enough to need rows never fetched before.
    {
        let app = h.state_mut();
        app.set_import(None);
        app.set_page(Page::Data);
        app.with_ws(|app, ws| app.data_mut().select(ws, "online_retail"));
    }
    pace(
        &mut h,
        |app| app.data().row_count() == Some(541_909) && !app.busy(),
        Duration::from_secs(60),
    );
    let table_point = egui::pos2(700.0, 450.0);
    h.event(egui::Event::PointerMoved(table_point));
    let mut scroll = vec![];
    let total_rows = 541_909.0f32;
    let row_height = 22.0f32;
    let steps = 300;
    for _ in 0..steps {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -total_rows * row_height / steps as f32),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        let t = Instant::now();
        h.step();
        scroll.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t.elapsed()));
    }
    report("scrolling 541,909 rows end to end in 300 frames", &scroll);
    h.run_steps(3);
    use egui_kittest::kittest::Queryable;
    let at_end = h.query_by_label("541,909").is_some();
    println!("  the last row (541,909) is on screen after the scroll: {at_end}");
    assert!(at_end, "the scroll did not reach the end of the table");
}

/// Steps frames at 60 Hz until `done`; returns each frame's time.
fn pace(
    h: &mut Harness<'static, LoupeApp>,
    done: impl Fn(&LoupeApp) -> bool,
    limit: Duration,
) -> Vec<Duration> {
    let start = Instant::now();
    let mut times = vec![];
    while !done(h.state()) && start.elapsed() < limit {
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t.elapsed()));
    }
    times
}

fn report(what: &str, times: &[Duration]) {
    if times.is_empty() {
        println!("{what}: no frames");
        return;
    }
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{what}: {} frames, median {:.1} ms, p99 {:.1} ms, worst {:.1} ms",
        ms.len(),
        pct(0.5),
        pct(0.99),
        ms[ms.len() - 1]
    );
}
