//! Chart aggregations over all 541,909 Online Retail lines, against the same aggregation as SQL
//! in SQLite, in the same run.
//!
//! `cargo run --release --example bench_explore [path/to/online_retail.csv.gz]` — imports the
//! file into a temporary project, then times each chart (median of 5): Loupe's whole path
//! (`aggregate`: read the needed columns from SQLite into polars, filter, group, aggregate) and
//! its two halves, the next chart with the columns cached (as the window keeps them), and SQLite
//! running the equivalent query.

use loupe::explore::aggregate::{aggregate, aggregate_cached, aggregate_frame, columns_needed};
use loupe::explore::cache::FrameCache;
use loupe::explore::{ChartSpec, Dimension, Measure, Order};
use loupe::import::{ImportOptions, import_files};
use loupe::progress::Reporter;
use loupe::query::query_table;
use loupe::store::Project;
use std::path::PathBuf;
use std::time::Duration;

#[path = "common/timing.rs"]
mod timing;
use timing::median;

fn ms(d: Duration) -> String {
    timing::ms(d, 0)
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/data/online_retail.csv.gz"
            ))
        });
    if !path.exists() {
        eprintln!(
            "{} is absent; give the Online Retail file as the argument",
            path.display()
        );
        std::process::exit(2);
    }
    let dir = std::env::temp_dir().join(format!("loupe-bench-explore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let project_path = dir.join("bench.loupe");
    let mut project = Project::create(&project_path).expect("project");
    let opts = ImportOptions {
        name: Some("online_retail".into()),
        ..ImportOptions::default()
    };
    import_files(&mut project, &[path], &opts, &Reporter::silent()).expect("import");
    let info = project.dataset("online_retail").expect("dataset");
    println!("Online Retail: {} lines", info.rows);

    let month = ChartSpec {
        filter: Some("Quantity > 0 and UnitPrice > 0".into()),
        ..ChartSpec::new(
            "online_retail",
            Dimension::parse("InvoiceDate:month", &info).expect("x"),
            vec![
                Measure::parse("sum(Quantity * UnitPrice)").expect("m"),
                Measure::parse("distinct(CustomerID)").expect("m"),
            ],
        )
    };
    let month_sql = "SELECT date(InvoiceDate, 'start of month'), sum(Quantity * UnitPrice), count(DISTINCT CustomerID) \
        FROM online_retail WHERE Quantity > 0 AND UnitPrice > 0 GROUP BY 1 ORDER BY 1";
    let country = ChartSpec {
        top: Some(10),
        order: Order::Descending,
        ..ChartSpec::new(
            "online_retail",
            Dimension::new("Country", None),
            vec![
                Measure::parse("count()").expect("m"),
                Measure::parse("median(UnitPrice)").expect("m"),
            ],
        )
    };
    // SQLite has no median: the closest query counts and averages (less work than Loupe's).
    let country_sql =
        "SELECT Country, count(*), avg(UnitPrice) FROM online_retail GROUP BY 1 ORDER BY 2 DESC";
    let weekly_split = ChartSpec {
        by: Some(Dimension::new("Country", None)),
        top_by: Some(5),
        ..ChartSpec::new(
            "online_retail",
            Dimension::parse("InvoiceDate:week", &info).expect("x"),
            vec![Measure::parse("sum(Quantity * UnitPrice)").expect("m")],
        )
    };
    let weekly_sql = "SELECT date(InvoiceDate, 'weekday 0', '-6 days'), Country, sum(Quantity * UnitPrice) \
        FROM online_retail GROUP BY 1, 2";

    println!(
        "| chart | Loupe: first chart (read columns + aggregate) | read columns | polars aggregation | next chart, columns cached | SQLite query |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, spec, sql) in [
        ("monthly revenue and customers, filtered", &month, month_sql),
        (
            "top 10 countries + Other: lines, median price",
            &country,
            country_sql,
        ),
        (
            "weekly revenue split by top 5 countries + Other",
            &weekly_split,
            weekly_sql,
        ),
    ] {
        let total = median(5, || {
            aggregate(&project, spec, &Reporter::silent()).expect("aggregate");
        });
        let cols = columns_needed(&info, spec).expect("columns");
        let names: Vec<&str> = cols.iter().map(String::as_str).collect();
        let load = median(5, || {
            loupe::frame::load_frame(project.conn(), &info, Some(&names)).expect("load");
        });
        let df = loupe::frame::load_frame(project.conn(), &info, Some(&names)).expect("load");
        let compute = median(5, || {
            aggregate_frame(df.clone(), spec).expect("aggregate");
        });
        let mut cache = FrameCache::default();
        aggregate_cached(&project, spec, &mut cache, &Reporter::silent()).expect("aggregate");
        let cached = median(5, || {
            aggregate_cached(&project, spec, &mut cache, &Reporter::silent()).expect("aggregate");
        });
        let sqlite = median(5, || {
            query_table(&project, sql, usize::MAX).expect("sql");
        });
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            ms(total),
            ms(load),
            ms(compute),
            ms(cached),
            ms(sqlite)
        );
    }
    drop(project);
    let _ = std::fs::remove_dir_all(&dir);
}
