//! Loupe's analyses pushed down to Spark through Spark Connect, against the same SQL run by
//! Spark's own client, on Online Retail replicated N times and loaded into a throw-away local
//! Spark Connect server (`scripts/spark-connect-server.sh`, pip's pyspark; `local[2]`).
//!
//! ```sh
//! pip install pyspark          # the Spark Connect server (needs Java 17+)
//! cargo build --locked --bin loupe --example bench_spark
//! target/debug/examples/bench_spark N [RUNS] [WORK_DIR]
//! ```
//!
//! Builds `WORK_DIR/retail_xN.csv` (`examples/common/replicate.rs`) when it is missing, starts
//! a server, reads the CSV into a Parquet table `default.retail` typed as Loupe types Online
//! Retail, links it into a new project, then times, in the same run (median of RUNS):
//! - `loupe segment count` for the rules of `bench_warehouse`, each as a whole process,
//!   against the very query Loupe sends (`warehouse::segments::to_sql`, `Select::Count`) run by
//!   the `apache-spark-connect` client in this process (connected once);
//! - `loupe customers` against its figures query (`warehouse::customers::to_sql`) run the same
//!   way.
//!
//! It also reports the bytes each Loupe answer cost on the wire (`Transfer`: the Arrow buffers
//! received) against the size of the result as text. Prints a Markdown table and the load.

#[path = "common/replicate.rs"]
mod replicate;

use loupe::customers::rfm::RfmOptions;
use loupe::progress::Reporter;
use loupe::segments::{BaseOptions, parse_rule};
use loupe::store::Project;
use loupe::warehouse::link;
use loupe::warehouse::secret::ConnUrl;
use loupe::warehouse::segments::{Select, WarehouseBase};
use spark_connect::SparkSession;
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

/// A server started by the repository's script, stopped when dropped.
struct Server {
    port: u16,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg("scripts/spark-connect-server.sh")
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

/// The query run by Spark's client, every row collected; its wall time and the result's text
/// size.
fn spark_timed(spark: &SparkSession, runs: usize, sql: &str) -> Result<(f64, usize), Error> {
    let mut t = Vec::new();
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let batches = spark.sql(sql)?.collect_record_batches()?;
        t.push(start.elapsed().as_secs_f64());
        size = 0;
        for b in &batches {
            for c in b.columns() {
                for i in 0..b.num_rows() {
                    size += arrow::util::display::array_value_to_string(c, i)?.len() + 1;
                }
            }
        }
    }
    Ok((median(t), size))
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let work = args
        .get(3)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("loupe-bench-spark"));
    std::fs::create_dir_all(&work)?;
    let exe = std::env::current_exe()?;
    let loupe = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("loupe"))
        .ok_or("no loupe binary next to this example")?;
    let csv = work.join(format!("retail_x{n}.csv"));
    if !csv.exists() {
        let lines = replicate::replicate(&replicate::default_source(), n, &csv)?;
        println!("{lines} lines written to {}", csv.display());
    }

    let dir = work.join("spark-server");
    let out = Command::new("bash")
        .arg("scripts/spark-connect-server.sh")
        .arg("start")
        .arg(&dir)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "the Spark Connect server did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let port: u16 = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("PORT="))
        .and_then(|p| p.trim().parse().ok())
        .ok_or("no PORT= from the server script")?;
    let server = Server { port, dir };
    let url = format!("sc://127.0.0.1:{}", server.port);
    let spark = SparkSession::builder().remote(&url).get_or_create()?;
    spark.conf().set("spark.sql.session.timeZone", "UTC")?;

    // The CSV into a Parquet table, typed as Loupe types Online Retail.
    let start = Instant::now();
    let run = |sql: &str| -> Result<(), Error> {
        spark.sql(sql)?.collect()?;
        Ok(())
    };
    run(&format!(
        "CREATE OR REPLACE TEMPORARY VIEW retail_csv USING csv OPTIONS (path '{}', header 'true', escape '\"')",
        csv.display()
    ))?;
    run("DROP TABLE IF EXISTS default.retail")?;
    run(
        "CREATE TABLE default.retail USING parquet AS SELECT InvoiceNo, StockCode, Description, \
         CAST(Quantity AS BIGINT) AS Quantity, CAST(InvoiceDate AS TIMESTAMP) AS InvoiceDate, \
         CAST(UnitPrice AS DOUBLE) AS UnitPrice, CustomerID, Country FROM retail_csv",
    )?;
    let lines = spark.table("default.retail")?.count()?;
    println!(
        "{lines} lines read into Spark in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let project_path = work.join(format!("spark_x{n}.loupe"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", project_path.display()));
    }
    let p = project_path.to_string_lossy().to_string();
    let o = Command::new(&loupe)
        .env("BENCH_SC", &url)
        .args([
            "link",
            "--project",
            &p,
            "--name",
            "retail",
            "--url-env",
            "BENCH_SC",
            "--table",
            "default.retail",
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
    let conn = ConnUrl::new("BENCH_SC", &url);

    println!(
        "\n| command | Loupe | Spark client, same SQL | ratio | bytes received | result (text) |"
    );
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
            c.env("BENCH_SC", &url).env("LOUPE_PROGRESS", "off").args([
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
        let (tp, size) = spark_timed(&spark, runs, &sql)?;
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
            size
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
        c.env("BENCH_SC", &url).env("LOUPE_PROGRESS", "off").args([
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
    let (tp, size) = spark_timed(&spark, runs, &sql)?;
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
        size
    );
    let load = Command::new("uptime").output()?;
    println!(
        "\n{lines} lines; runs: {runs}; {}",
        String::from_utf8_lossy(&load.stdout).trim()
    );
    drop(spark);
    drop(server);
    Ok(())
}
