//! Loupe at scale against DuckDB, on Online Retail replicated N times.
//!
//! ```sh
//! pip install duckdb
//! cargo build --release --locked --bin loupe --example bench_scale
//! target/release/examples/bench_scale N [RUNS] [WORK_DIR]
//! ```
//!
//! Builds `WORK_DIR/retail_xN.csv` with `examples/common/replicate.rs` when it is missing, then
//! times, in the same run:
//! - Loupe as the user runs it: the `loupe` binary beside this example, each command a whole
//!   process under `/usr/bin/time -v` (wall time and peak memory, max RSS);
//! - DuckDB in-process (Python, `time.perf_counter` around `execute(…).fetchall()`), on a table
//!   read with `read_csv` (CustomerID as VARCHAR).
//!
//! Commands: import (and, as the floor of any import into SQLite, the `sqlite3` shell's own
//! `.import` of the file when the shell is installed); customers (the RFM table of the valid lines; a first run after the import
//! builds the dataset's columnar copy and is reported apart); `segment count` with the two
//! rules of issue 17 and a three-condition rule with one `bought()`, the first run building the
//! kept base, the later ones answering from it; chart (monthly revenue: the first run decodes
//! the copy and keeps the per-day rollup, reported apart; the timed runs combine the rollup);
//! profile. Valid lines:
//! a customer id, no cancellation, quantity and unit price above zero. Each segment count is
//! checked against DuckDB's count of the same rule on the raw lines. Prints a Markdown table and
//! the machine's load (`uptime`).

#[path = "common/replicate.rs"]
mod replicate;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Error = Box<dyn std::error::Error>;

const VALID_SQL: &str =
    "CustomerID IS NOT NULL AND Quantity > 0 AND UnitPrice > 0 AND InvoiceNo NOT LIKE 'C%'";

const RULES: [(&str, &str); 3] = [
    ("frequency >= 3 AND recency_days <= 90", "rule_a"),
    (
        "bought(item_id = '85123A', min_times = 2, within_days = 90)",
        "rule_b",
    ),
    (
        "monetary >= 500 AND recency_days <= 90 AND bought(item_id = '85123A', within_days = 90)",
        "rule_c",
    ),
];

const DUCKDB: &str = r#"
import duckdb, json, sys, time
csv, runs = sys.argv[1], int(sys.argv[2])
con = duckdb.connect()
con.execute('SET enable_progress_bar = false')
def timed(sql, n=runs):
    out, ts = None, []
    for _ in range(n):
        t = time.perf_counter()
        out = con.execute(sql).fetchall()
        ts.append(time.perf_counter() - t)
    return ts, out
res = {}
res['import'], _ = timed(f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{csv}', types={{'CustomerID': 'VARCHAR'}})")
valid = "CustomerID IS NOT NULL AND Quantity > 0 AND UnitPrice > 0 AND InvoiceNo NOT LIKE 'C%'"
lines = f"(SELECT CustomerID c, InvoiceNo o, StockCode s, CAST(InvoiceDate AS DATE) d, Quantity * UnitPrice a FROM t WHERE {valid})"
asof = f"(SELECT max(d) + 1 AS x FROM {lines})"
res['customers'], rows = timed(f"""
  WITH l AS {lines}, c AS (SELECT c, min(d) AS first, max(d) AS last, count(DISTINCT o) AS orders, sum(a) AS revenue FROM l GROUP BY c)
  SELECT c.*, (SELECT x FROM {asof}) - last AS recency_days,
         ntile(5) OVER (ORDER BY last) AS r, ntile(5) OVER (ORDER BY orders) AS f, ntile(5) OVER (ORDER BY revenue) AS m
  FROM c""")
res['customers_rows'] = len(rows)
rules = {
  'rule_a': "count(DISTINCT o) >= 3 AND max(x) - max(d) <= 90",
  'rule_b': "count(DISTINCT o) FILTER (WHERE s = '85123A' AND d >= x - 90) >= 2",
  'rule_c': "sum(a) >= 500 AND max(x) - max(d) <= 90 AND count(DISTINCT o) FILTER (WHERE s = '85123A' AND d >= x - 90) >= 1",
}
for k, having in rules.items():
    res[k], out = timed(f"WITH l AS {lines}, x AS {asof} SELECT count(*) FROM (SELECT c FROM l, x GROUP BY c HAVING {having})")
    res[k + '_count'] = out[0][0]
res['chart'], _ = timed("SELECT date_trunc('month', InvoiceDate) AS m, sum(Quantity * UnitPrice) FROM t GROUP BY 1 ORDER BY 1")
def profile():
    con.execute("SUMMARIZE t").fetchall()
    return con.execute("SELECT count(*) FROM (SELECT DISTINCT * FROM t)").fetchall()
ts = []
for _ in range(runs):
    t = time.perf_counter(); profile(); ts.append(time.perf_counter() - t)
res['profile'] = ts
print(json.dumps(res))
"#;

/// One whole-process run: wall seconds, peak memory in MiB, stdout.
fn run(loupe: &Path, args: &[&str]) -> Result<(f64, f64, String), Error> {
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(loupe)
        .args(args)
        .env("LOUPE_PROGRESS", "off")
        .output()?;
    let secs = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("loupe {}: {stderr}", args.join(" ")).into());
    }
    let kib: f64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    Ok((
        secs,
        kib / 1024.0,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn range(v: &[f64]) -> String {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(0.0, f64::max);
    if v.len() > 1 {
        format!("{} ({}–{})", secs(median(v.to_vec())), secs(lo), secs(hi))
    } else {
        secs(hi)
    }
}

fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

struct Row {
    what: String,
    loupe: Vec<f64>,
    mem: f64,
    duck: Vec<f64>,
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args.first().map_or(Ok(1), |a| a.parse())?;
    let runs: usize = args.get(1).map_or(Ok(3), |a| a.parse())?;
    let work = args
        .get(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("loupe-bench-scale"));
    std::fs::create_dir_all(&work)?;
    let loupe = std::env::current_exe()?
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("loupe"))
        .ok_or("cannot find the loupe binary")?;
    if !loupe.exists() {
        return Err(format!(
            "{} is missing: cargo build --release --bin loupe",
            loupe.display()
        )
        .into());
    }
    let csv = work.join(format!("retail_x{n}.csv"));
    if !csv.exists() {
        let lines = replicate::replicate(&replicate::default_source(), n, &csv)?;
        println!("{lines} lines written to {}", csv.display());
    }
    let csv_s = csv.to_string_lossy().to_string();
    let project = work.join(format!("retail_x{n}.loupe"));
    let p = project.to_string_lossy().to_string();
    let mut rows = Vec::new();

    // Import (a fresh project each time).
    let mut t = Vec::new();
    let mut mem: f64 = 0.0;
    for _ in 0..runs {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{p}{ext}"));
        }
        let (s, m, _) = run(
            &loupe,
            &["import", &csv_s, "--project", &p, "--name", "retail"],
        )?;
        t.push(s);
        mem = mem.max(m);
    }
    // The floor of any import into SQLite: the sqlite3 shell's own `.import` of the same file
    // (no type checks, every value stored as text), when the shell is installed.
    let mut shell = Vec::new();
    let scratch = work.join("sqlite3_import.db");
    for _ in 0..runs {
        let _ = std::fs::remove_file(&scratch);
        let t = Instant::now();
        let done = Command::new("sqlite3")
            .arg(&scratch)
            .args([".mode csv", &format!(".import {csv_s} t")])
            .output();
        match done {
            Ok(o) if o.status.success() => shell.push(t.elapsed().as_secs_f64()),
            _ => break,
        }
    }
    let _ = std::fs::remove_file(&scratch);
    let duck = Command::new("python3")
        .args(["-c", DUCKDB, &csv_s, &runs.to_string()])
        .output()?;
    if !duck.status.success() {
        return Err(format!("duckdb: {}", String::from_utf8_lossy(&duck.stderr)).into());
    }
    // The JSON is the last line (DuckDB may print before it).
    let stdout = String::from_utf8_lossy(&duck.stdout);
    let duck: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())?;
    let d = |k: &str| -> Vec<f64> {
        duck[k]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default()
    };
    rows.push(Row {
        what: "import".into(),
        loupe: t,
        mem,
        duck: d("import"),
    });
    if !shell.is_empty() {
        println!(
            "sqlite3 shell `.import` of the same file (the floor of writing it into SQLite): {} ({:.1}× DuckDB)",
            range(&shell),
            median(shell.clone()) / median(d("import"))
        );
    }

    let mut timed = |what: &str, args: &[&str], duck_key: &str| -> Result<String, Error> {
        let mut t = Vec::new();
        let mut mem: f64 = 0.0;
        let mut out = String::new();
        for _ in 0..runs {
            let (s, m, o) = run(&loupe, args)?;
            t.push(s);
            mem = mem.max(m);
            out = o;
        }
        rows.push(Row {
            what: what.into(),
            loupe: t,
            mem,
            duck: d(duck_key),
        });
        Ok(out)
    };
    let customers_out = work.join("customers.csv").to_string_lossy().to_string();
    // The first read after the import builds the dataset's columnar copy (kept in the project);
    // the timed runs read it.
    let (first, first_mem, _) = run(
        &loupe,
        &[
            "customers",
            "--project",
            &p,
            "--dataset",
            "retail",
            "--where",
            VALID_SQL,
            "--out",
            &customers_out,
        ],
    )?;
    println!(
        "first customers after the import (builds the columnar copy): {} , {first_mem:.0} MiB",
        secs(first)
    );
    timed(
        "customers (valid lines)",
        &[
            "customers",
            "--project",
            &p,
            "--dataset",
            "retail",
            "--where",
            VALID_SQL,
            "--out",
            &customers_out,
        ],
        "customers",
    )?;
    let mut counts = Vec::new();
    for (rule, key) in RULES {
        let args = [
            "segment",
            "count",
            "--project",
            &p,
            "--dataset",
            "retail",
            "--where",
            VALID_SQL,
            "--rule",
            rule,
            "--json",
        ];
        // The first count of these options builds the kept base (the later rules find it).
        let (first, first_mem, _) = run(&loupe, &args)?;
        let out = timed(&format!("segment count `{rule}`"), &args, key)?;
        let v: serde_json::Value = serde_json::from_str(&out)?;
        counts.push((
            rule,
            v["count"].as_u64(),
            duck[format!("{key}_count")].as_u64(),
        ));
        if key == "rule_a" {
            println!(
                "first segment count (builds and keeps the base): {} , {first_mem:.0} MiB",
                secs(first)
            );
        }
    }
    let chart_out = work.join("monthly.csv").to_string_lossy().to_string();
    let chart_args = [
        "chart",
        "--project",
        &p,
        "--dataset",
        "retail",
        "--x",
        "InvoiceDate:month",
        "--y",
        "sum(Quantity * UnitPrice)",
        "--type",
        "bar",
        "--out",
        &chart_out,
    ];
    // The first time chart over the copy builds and keeps its per-day rollup; the timed runs
    // combine it.
    let (first, first_mem, _) = run(&loupe, &chart_args)?;
    println!(
        "first chart (decodes the copy, keeps the per-day rollup): {} , {first_mem:.0} MiB",
        secs(first)
    );
    timed("chart monthly revenue (kept rollup)", &chart_args, "chart")?;
    timed(
        "profile",
        &["profile", "--project", &p, "--dataset", "retail", "--json"],
        "profile",
    )?;

    let load = Command::new("uptime").output()?;
    println!(
        "\nOnline Retail ×{n} ({} runs each; load: {})\n",
        runs,
        String::from_utf8_lossy(&load.stdout).trim()
    );
    println!("| command | Loupe (median, min–max) | DuckDB | ratio | Loupe peak memory |");
    println!("|---|---:|---:|---:|---:|");
    for r in &rows {
        let ratio = median(r.loupe.clone()) / median(r.duck.clone());
        println!(
            "| {} | {} | {} | {:.1}× | {:.0} MiB |",
            r.what,
            range(&r.loupe),
            range(&r.duck),
            ratio,
            r.mem
        );
    }
    println!();
    for (rule, ours, theirs) in counts {
        let same = if ours == theirs { "same" } else { "DIFFERENT" };
        println!("{rule}: Loupe {ours:?}, DuckDB {theirs:?} ({same})");
    }
    println!(
        "customers: DuckDB {} rows",
        duck["customers_rows"].as_u64().unwrap_or(0)
    );
    Ok(())
}
