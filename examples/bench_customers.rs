//! Customer table (RFM and every per-customer column) and BG/NBD fit times on the cleaned Online
//! Retail lines and on a 10× synthetic replication, against pandas' bare RFM on the same rows.
//!
//! `cargo run --release --example bench_customers [path/to/online_retail.csv.gz]`
//!
//! Setup (not timed): the raw file is imported twice; one copy keeps the cleaned lines (customer
//! present, no cancellation, quantity and price > 0: 397,884 lines), the other becomes ten copies
//! of them with the customer ids suffixed `-0` … `-9` (dates kept). Timed in-process, median of
//! 7 runs: `rfm_table` (the scan, per-customer columns, scores, groups, stages) and
//! `fit_bg_nbd` on the table's histories. pandas (when python3 has it) times a bare RFM — one
//! groupby for last date, distinct invoices and summed amount — on a frame already in memory.

use loupe::customers::clv::fit_bg_nbd;
use loupe::customers::columns::TransactionColumns;
use loupe::customers::rfm::{RfmOptions, rfm_table};
use loupe::customers::scan::{ScanOptions, scan};
use loupe::customers::value::histories;
use loupe::import::{ImportOptions, import_files};
use loupe::progress::Reporter;
use loupe::store::Project;
use std::path::PathBuf;
use std::time::Duration;

const CLEAN: &str =
    "CustomerID IS NOT NULL AND InvoiceNo NOT LIKE 'C%' AND Quantity > 0 AND UnitPrice > 0";
const COPIES: usize = 10;

const PANDAS: &str = r#"
import sqlite3, sys, time
import pandas as pd
db, table = sys.argv[1], sys.argv[2]
df = pd.read_sql_query(f'SELECT InvoiceNo, InvoiceDate, CustomerID, Quantity, UnitPrice FROM "{table}"', sqlite3.connect(db))
df['InvoiceDate'] = pd.to_datetime(df['InvoiceDate'])
times = []
for _ in range(7):
    t = time.perf_counter()
    d = df.assign(amount=df.Quantity * df.UnitPrice)
    as_of = d.InvoiceDate.max().normalize() + pd.Timedelta(days=1)
    rfm = d.groupby('CustomerID').agg(last=('InvoiceDate', 'max'), frequency=('InvoiceNo', 'nunique'), monetary=('amount', 'sum'))
    rfm['recency'] = (as_of - rfm['last'].dt.normalize()).dt.days
    times.append(time.perf_counter() - t)
times.sort()
print(f'{times[3] * 1000:.1f} ms ({len(rfm)} customers)')
"#;

fn pandas(db: &std::path::Path, table: &str) -> String {
    let out = std::process::Command::new("python3")
        .args(["-c", PANDAS])
        .arg(db)
        .arg(table)
        .output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => "not measured (python3 with pandas is needed)".into(),
    }
}

#[path = "common/timing.rs"]
mod timing;
use timing::median;

fn ms(d: Duration) -> String {
    timing::ms(d, 1)
}

fn main() {
    let src = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/online_retail.csv.gz")
        });
    if !src.exists() {
        eprintln!("{} is absent: pass the Online Retail file", src.display());
        std::process::exit(1);
    }
    let dir = std::env::temp_dir().join(format!("loupe-bench-customers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("bench.loupe");
    let mut p = Project::create(&db).expect("project");
    for name in ["clean", "big"] {
        let opts = ImportOptions {
            name: Some(name.into()),
            ..ImportOptions::default()
        };
        import_files(
            &mut p,
            std::slice::from_ref(&src),
            &opts,
            &Reporter::silent(),
        )
        .expect("import");
    }
    // Rows changed under the catalog's feet: only the lines matter to the scan.
    let conn = p.conn();
    conn.execute_batch(&format!(
        "DELETE FROM clean WHERE NOT ({CLEAN}); DELETE FROM big;"
    ))
    .expect("clean");
    let copies: Vec<String> = (0..COPIES).map(|k| format!("SELECT {k} AS k")).collect();
    conn.execute_batch(&format!(
        "INSERT INTO big SELECT InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, \
         CustomerID || '-' || k, Country FROM ({}) JOIN clean ORDER BY k, clean.rowid",
        copies.join(" UNION ALL ")
    ))
    .expect("replicate");
    let lines = |t: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .expect("count")
    };
    println!(
        "cleaned Online Retail: {} lines; {COPIES}x replication: {} lines",
        lines("clean"),
        lines("big")
    );
    for table in ["clean", "big"] {
        let opts = RfmOptions::default();
        let t = rfm_table(&p, table, &opts).expect("customer table");
        let build = median(7, || {
            rfm_table(&p, table, &opts).expect("customer table");
        });
        // The scan of the lines alone (SQLite and interning), the rest being per-customer work.
        let info = p.dataset(table).expect("dataset");
        let cols = TransactionColumns::find(&info).expect("roles");
        let scan_only = median(7, || {
            scan(&p, &info, &cols, &ScanOptions::default()).expect("scan");
        });
        // The same scan in one pass, for what the parts gain.
        let one_pass = ScanOptions {
            parts: 1,
            ..ScanOptions::default()
        };
        let scan_one = median(7, || {
            scan(&p, &info, &cols, &one_pass).expect("scan");
        });
        let h = histories(&t).expect("histories");
        let fit = median(7, || {
            fit_bg_nbd(&h).expect("fit");
        });
        println!(
            "{table}: customer table of {} customers {} (scan {}; in one pass {}); BG/NBD fit {}; pandas bare RFM {}",
            t.customers.len(),
            ms(build),
            ms(scan_only),
            ms(scan_one),
            ms(fit),
            pandas(&db, table)
        );
    }
    drop(p);
    let _ = std::fs::remove_dir_all(&dir);
}
