//! Frame times of the workbench while it imports the real Online Retail file (541,909 rows), and
//! while it scrolls that table end to end.
//!
//! `cargo run --release --example frame_times`
//!
//! With `--project P.loupe --dataset NAME` it opens that project instead (for instance the
//! `retail_x100.loupe` `examples/bench_scale 100` builds: 54 million lines) and times the frames
//! while the window opens it, scrolls the dataset's table end to end, draws the first chart on
//! Explore, builds the customer table on Customers, and loads the segment base and counts a rule
//! on the customer table and one with `bought()` on Segments, each as the page does it (a job), and prints the process's peak memory after each.
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(project) = flag("--project") {
        let dataset = flag("--dataset").unwrap_or_else(|| "retail".into());
        large(Path::new(&project), &dataset);
        return;
    }
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

    let mut h = window(&project);
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
    let scroll = scroll_through(&mut h, 541_909, 300);
    report("scrolling 541,909 rows end to end in 300 frames", &scroll);
    h.run_steps(3);
    use egui_kittest::kittest::Queryable;
    let at_end = h.query_by_label("541,909").is_some();
    println!("  the last row (541,909) is on screen after the scroll: {at_end}");
    assert!(at_end, "the scroll did not reach the end of the table");
}

/// The window on an existing (large) project: open, scroll, chart, customers, segment.
fn large(project: &Path, dataset: &str) {
    let mut h = window(project);
    let limit = Duration::from_secs(1800);
    let worst = std::cell::Cell::new(Duration::ZERO);
    let stage =
        |h: &mut Harness<'static, LoupeApp>, what: &str, done: &dyn Fn(&LoupeApp) -> bool| {
            let t = Instant::now();
            let frames = pace(h, done, limit);
            let secs = t.elapsed().as_secs_f64();
            report(what, &frames);
            worst.set(
                worst
                    .get()
                    .max(frames.iter().copied().max().unwrap_or_default()),
            );
            println!("  ({secs:.1} s; peak memory so far {} MiB)", peak_mib());
            assert!(done(h.state()), "{what}: not done after {limit:?}");
        };
    stage(&mut h, "opening the project", &|a| {
        a.ws().project.is_some() && !a.busy()
    });
    h.state_mut().set_page(Page::Data);
    h.state_mut()
        .with_ws(|app, ws| app.data_mut().select(ws, dataset));
    stage(&mut h, "opening the table", &|a| {
        a.data().row_count().is_some() && !a.busy()
    });
    let total = h.state().data().row_count().unwrap_or(0);
    let steps = 300;
    let scroll = scroll_through(&mut h, total, steps);
    report(
        &format!("scrolling {total} rows end to end in {steps} frames"),
        &scroll,
    );
    worst.set(
        worst
            .get()
            .max(scroll.iter().copied().max().unwrap_or_default()),
    );
    h.state_mut().set_page(Page::Explore);
    stage(&mut h, "the first chart on Explore", &|a| {
        a.explore().chart_table().is_some() && !a.busy()
    });
    if let Some(t) = h.state().explore().chart_table() {
        println!(
            "  chart: {} by {}, {} groups",
            t.measures.join(", "),
            t.x,
            t.rows.len()
        );
    }
    h.state_mut().set_page(Page::Customers);
    stage(&mut h, "the customer table on Customers", &|a| {
        a.customers().overview().is_some() && !a.busy()
    });
    if let Some(o) = h.state().customers().overview() {
        println!("  {} customers", o.base.table.customers.len());
    }
    h.state_mut().set_page(Page::Segments);
    stage(&mut h, "the segment base on Segments", &|a| {
        a.segments().base().is_some() && !a.busy()
    });
    h.state_mut()
        .segments_mut()
        .set_text("frequency >= 3 AND recency_days <= 90");
    stage(&mut h, "counting a rule", &|a| {
        a.segments().preview().is_some() && !a.busy()
    });
    if let Some(p) = h.state().segments().preview() {
        println!("  {} of {} customers", p.count.count, p.count.base);
    }
    // A rule that reads purchase lines: on a large dataset the page holds only the customer
    // table, and the preview reads the lines of the item from the kept base.
    h.state_mut()
        .segments_mut()
        .set_text("bought(item_id = '85123A', min_times = 2, within_days = 90)");
    stage(&mut h, "counting a bought() rule", &|a| {
        a.segments()
            .preview()
            .is_some_and(|p| p.rule.to_string().contains("85123A"))
            && !a.busy()
    });
    if let Some(p) = h.state().segments().preview() {
        println!("  {} of {} customers", p.count.count, p.count.base);
    }
    println!(
        "worst frame over all stages: {:.1} ms; peak memory {} MiB",
        worst.get().as_secs_f64() * 1000.0,
        peak_mib()
    );
}

/// The process's peak resident memory (VmHWM), in MiB.
fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map_or(0, |k| k / 1024)
}

/// The workbench opening `project`, driven headless at the window's size.
fn window(project: &Path) -> Harness<'static, LoupeApp> {
    let app = LoupeApp::new(
        Settings {
            lang: Lang::En,
            ..Settings::default()
        },
        Startup {
            project: Some(project.to_path_buf()),
            sample_path: None,
            reopen_recent: false,
            import: Vec::new(),
        },
    );
    Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(|ctx| loupe::ui::theme::install_fonts(ctx, false))
        .build_ui_state(|ui, app: &mut LoupeApp| app.frame(ui), app)
}

/// Scrolls a table of `rows` rows end to end in `steps` wheel steps at 60 Hz (each step lands
/// on rows never fetched before); returns each frame's time.
fn scroll_through(h: &mut Harness<'static, LoupeApp>, rows: usize, steps: usize) -> Vec<Duration> {
    h.event(egui::Event::PointerMoved(egui::pos2(700.0, 450.0)));
    let mut times = vec![];
    for _ in 0..steps {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -(rows as f32) * 22.0 / steps as f32),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t.elapsed()));
    }
    times
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
