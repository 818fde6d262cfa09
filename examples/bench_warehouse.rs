//! Loupe's analyses pushed down to PostgreSQL against the same SQL run by `psql`, on Online
//! Retail replicated N times and loaded into a throw-away PostgreSQL cluster.
//!
//! ```sh
//! apt-get install postgresql   # the server binaries (initdb, pg_ctl) and psql
//! cargo build --release --locked --bin loupe --example bench_warehouse
//! target/release/examples/bench_warehouse N [RUNS] [WORK_DIR]
//! ```
//!
//! Builds `WORK_DIR/retail_xN.csv` (`examples/common/replicate.rs`) when it is missing, starts a
//! cluster in a temporary folder (as `tests/it/pg.rs` does), copies the CSV into
//! `public.retail`, links it into a new project with the roles of Online Retail, then times, in
//! the same run and each as a whole process (median of RUNS):
//! - `loupe segment count --dataset retail --where … --rule …` for the three rules of
//!   `bench_scale`, against `psql -Atc` running the very query Loupe sends
//!   (`warehouse::segments::to_sql`, `Select::Count`);
//! - `loupe customers` (the figures query, then scores and the CSV written locally) against
//!   `psql` running the figures query (`warehouse::customers::to_sql`) into /dev/null.
//!
//! It also reports the bytes each Loupe answer cost on the wire (`Transfer`) against the size of
//! the result as `psql -At` prints it. Prints a Markdown table and the machine's load.

#[path = "common/replicate.rs"]
mod replicate;

#[path = "../tests/it/pg.rs"]
#[allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod pg;

use loupe::customers::rfm::RfmOptions;
use loupe::progress::Reporter;
use loupe::segments::{BaseOptions, parse_rule};
use loupe::store::Project;
use loupe::warehouse::link;
use loupe::warehouse::secret::ConnUrl;
use loupe::warehouse::segments::{Select, WarehouseBase};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Error = Box<dyn std::error::Error>;

const FILTER: &str = "Quantity > 0 AND UnitPrice > 0";

const RULES: [&str; 3] = [
    "frequency >= 3 AND recency_days <= 90",
    "bought(item_id = '85123A', min_times = 2, within_days = 90)",
    "monetary >= 500 AND recency_days <= 90 AND bought(item_id = '85123A', within_days = 90)",
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs a command `runs` times; the median wall time and the last stdout.
fn timed(runs: usize, mut cmd: impl FnMut() -> Command) -> Result<(f64, Vec<u8>), Error> {
    let mut t = Vec::new();
    let mut out = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let o = cmd().output()?;
        t.push(start.elapsed().as_secs_f64());
        if !o.status.success() {
            return Err(format!("{:?}: {}", cmd(), String::from_utf8_lossy(&o.stderr)).into());
        }
        out = o.stdout;
    }
    Ok((median(t), out))
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args.first().map_or(Ok(1), |a| a.parse())?;
    let runs: usize = args.get(1).map_or(Ok(3), |a| a.parse())?;
    let work = args
        .get(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("loupe-bench-warehouse"));
    std::fs::create_dir_all(&work)?;
    let loupe = std::env::current_exe()?
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("loupe"))
        .ok_or("cannot find the loupe binary")?;
    if !loupe.exists() {
        return Err(format!("{} is missing: cargo build --bin loupe", loupe.display()).into());
    }
    let csv = work.join(format!("retail_x{n}.csv"));
    if !csv.exists() {
        let lines = replicate::replicate(&replicate::default_source(), n, &csv)?;
        println!("{lines} lines written to {}", csv.display());
    }
    let cluster = pg::start().ok_or("the PostgreSQL server is not installed")?;
    let url = cluster.url();

    // The CSV into PostgreSQL, typed as Loupe types Online Retail.
    let start = Instant::now();
    let mut client = cluster.client();
    client.batch_execute(
        "CREATE TABLE public.retail (\"InvoiceNo\" text, \"StockCode\" text, \"Description\" text,
            \"Quantity\" bigint, \"InvoiceDate\" timestamp, \"UnitPrice\" double precision,
            \"CustomerID\" text, \"Country\" text)",
    )?;
    let mut w = client.copy_in("COPY public.retail FROM STDIN WITH (FORMAT csv, HEADER true)")?;
    w.write_all(&std::fs::read(&csv)?)?;
    let lines = w.finish()?;
    client.batch_execute("ANALYZE public.retail")?;
    println!(
        "{lines} lines copied into PostgreSQL in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    // A project with the table linked.
    let project_path = work.join(format!("warehouse_x{n}.loupe"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", project_path.display()));
    }
    let p = project_path.to_string_lossy().to_string();
    let o = Command::new(&loupe)
        .env("BENCH_PG", &url)
        .args([
            "link",
            "--project",
            &p,
            "--name",
            "retail",
            "--url-env",
            "BENCH_PG",
            "--table",
            "public.retail",
            "--role",
            "CustomerID=customer_id",
            "--role",
            "InvoiceDate=timestamp",
            "--role",
            "InvoiceNo=order_id",
            "--role",
            "StockCode=item_id",
            "--role",
            "Description=item_name",
            "--role",
            "Quantity=quantity",
            "--role",
            "UnitPrice=unit_price",
        ])
        .output()?;
    if !o.status.success() {
        return Err(format!("loupe link: {}", String::from_utf8_lossy(&o.stderr)).into());
    }
    let project = Project::open_read_only(&project_path)?;
    let conn = ConnUrl::new("BENCH_PG", &url);
    let psql = |sql: String| {
        let url = url.clone();
        move || {
            let mut c = Command::new("psql");
            c.args([url.as_str(), "-X", "-q", "-At", "-c", sql.as_str()]);
            c
        }
    };

    println!("\n| command | Loupe | psql, same SQL | ratio | bytes received | result (psql) |");
    println!("|---|---:|---:|---:|---:|---:|");
    let base = WarehouseBase::resolve(
        &project,
        &BaseOptions {
            dataset: Some("retail".into()),
            filter: Some(FILTER.into()),
            ..BaseOptions::default()
        },
    )?
    .ok_or("retail is not linked")?;
    for rule in RULES {
        let parsed = parse_rule(rule)?;
        let saved = Default::default();
        let sql = loupe::warehouse::segments::to_sql(&base, &parsed, &saved, Select::Count)?;
        let (ts, _) = timed(runs, || {
            let mut c = Command::new(&loupe);
            c.env("BENCH_PG", &url).env("LOUPE_PROGRESS", "off").args([
                "segment",
                "count",
                "--project",
                &p,
                "--dataset",
                "retail",
                "--where",
                FILTER,
                "--rule",
                rule,
                "--json",
            ]);
            c
        })?;
        let (tp, out) = timed(runs, psql(sql))?;
        let (count, transfer) = loupe::warehouse::segments::count_with(
            &base,
            &parsed,
            &saved,
            &conn,
            &Reporter::silent(),
        )?;
        println!(
            "| segment count `{rule}` ({} of {}) | {:.2} s | {:.2} s | {:.2}× | {} B | {} B |",
            count.count,
            count.base,
            ts,
            tp,
            ts / tp,
            transfer.bytes,
            out.len()
        );
    }
    let opts = RfmOptions {
        filter: Some(FILTER.into()),
        ..RfmOptions::default()
    };
    let l = link::find(&project, "retail")?.ok_or("retail is not linked")?;
    let sql = loupe::warehouse::customers::to_sql(&l, None, &opts, None)?;
    let out_csv = work.join("customers.csv");
    let out_s = out_csv.to_string_lossy().to_string();
    let (ts, _) = timed(runs, || {
        let mut c = Command::new(&loupe);
        c.env("BENCH_PG", &url).env("LOUPE_PROGRESS", "off").args([
            "customers",
            "--project",
            &p,
            "--dataset",
            "retail",
            "--where",
            FILTER,
            "--out",
            &out_s,
        ]);
        c
    })?;
    let (tp, out) = timed(runs, psql(sql))?;
    let (table, transfer) = loupe::warehouse::customers::customer_table_with(
        &project,
        &l,
        &opts,
        &conn,
        &Reporter::silent(),
    )?;
    println!(
        "| customers ({} customers) | {:.2} s | {:.2} s | {:.2}× | {} B | {} B |",
        table.customers.len(),
        ts,
        tp,
        ts / tp,
        transfer.bytes,
        out.len()
    );
    let load = Command::new("uptime").output()?;
    println!(
        "\n{} lines; runs: {runs}; {}",
        lines,
        String::from_utf8_lossy(&load.stdout).trim()
    );
    Ok(())
}
