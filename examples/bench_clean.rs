//! Cleaning speed on the real Online Retail file (541,909 lines).
//!
//! `cargo run --release --example bench_clean [path/to/online_retail.csv.gz]`
//!
//! Imports the file into a temporary project, builds the suggested recipe from the quality report,
//! then times (median of 5): loading the raw table into polars, the preview of each step (what
//! the window computes when a step is selected: the steps before it, the step, the rows it
//! changes), the whole recipe, and the full rebuild (run + write the cleaned table). For
//! reference, the same row filter as one SQL statement in SQLite over the same table.

use loupe::clean::{
    ReportOptions, load_raw, preview_step, quality_report, rebuild, recipe::run, suggested_recipe,
};
use loupe::i18n::Lang;
use loupe::import::{ImportOptions, import_files};
use loupe::progress::Reporter;
use loupe::store::Project;
use std::time::Duration;

#[path = "common/timing.rs"]
mod timing;
use timing::median;

fn ms(d: Duration) -> String {
    timing::ms(d, 0)
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/online_retail.csv.gz"
        )
        .to_string()
    });
    if !std::path::Path::new(&path).exists() {
        eprintln!("{path} is absent; pass the Online Retail file as the argument");
        std::process::exit(2);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut project = Project::open_or_create(dir.path().join("bench.loupe")).expect("project");
    let rep = Reporter::silent();
    let opts = ImportOptions {
        name: Some("online_retail".into()),
        ..ImportOptions::default()
    };
    import_files(&mut project, &[path.into()], &opts, &rep).expect("import");
    let report =
        quality_report(&project, "online_retail", &ReportOptions::default(), &rep).expect("report");
    let recipe = suggested_recipe(&report);

    let load = median(5, || {
        load_raw(&project, "online_retail").expect("load");
    });
    println!("load the raw table into polars: {}", ms(load));
    let raw = load_raw(&project, "online_retail").expect("load");
    let mut worst = Duration::ZERO;
    for (i, s) in recipe.steps.iter().enumerate() {
        let t = median(5, || {
            preview_step(&raw, &recipe, i, 20).expect("preview");
        });
        worst = worst.max(t);
        println!(
            "preview step {:>2} ({}): {}",
            i + 1,
            s.step.describe(Lang::En),
            ms(t)
        );
    }
    println!("slowest step preview: {}", ms(worst));
    let whole = median(5, || {
        run(&raw, &recipe, &rep).expect("run");
    });
    let rows = run(&raw, &recipe, &rep).expect("run").frame.height();
    println!(
        "whole recipe ({} steps) -> {rows} rows: {}",
        recipe.steps.len(),
        ms(whole)
    );
    let rebuild_t = median(5, || {
        rebuild(&mut project, "online_retail", &recipe, None, &rep).expect("rebuild");
    });
    println!(
        "rebuild (load + run + write the cleaned table): {}",
        ms(rebuild_t)
    );
    let sql = "SELECT count(*) FROM (SELECT DISTINCT * FROM online_retail WHERE CustomerID IS NOT NULL \
               AND trim(CustomerID) <> '' AND Description IS NOT NULL AND trim(Description) <> '' \
               AND InvoiceNo NOT LIKE 'C%' AND Quantity > 0 AND UnitPrice > 0)";
    let sqlite = median(5, || {
        let _: i64 = project
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("sql");
    });
    println!(
        "reference: the same rows counted by one SQLite statement: {}",
        ms(sqlite)
    );
}
