//! Counting a segment of three conditions, one of them behavioural, once the base is loaded.
//!
//! `cargo run --release --example bench_segments [path/to/online_retail.csv.gz]`
//!
//! 1. Online Retail (cleaned lines: 4,338 customers): the rule
//!    `monetary >= 500 AND recency_days <= 90 AND bought(item_id = '85123A', within_days = 90)`,
//!    counted in memory (median of 21), against SQLite running the rule's SQL form on the same
//!    project (median of 5).
//! 2. Synthetic, seeded: 1,000,000 customers and 10,000,000 purchase lines (5,000 items, 50
//!    categories, one year), the same shape of rule with a category; in memory against polars
//!    doing the same work from a lines frame (filter, group by customer, join).

use loupe::customers::columns::TransactionColumns;
use loupe::customers::scan::Interner;
use loupe::import::{ImportOptions, import_files};
use loupe::progress::Reporter;
use loupe::rng::SplitMix64 as Rng;
use loupe::segments::base::{Lines, Names, SqlSource};
use loupe::segments::sql::{materialize, to_sql};
use loupe::segments::{BaseOptions, Count, Need, Saved, SegmentBase, members, parse_rule};
use loupe::store::Project;
use polars::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

#[path = "common/timing.rs"]
mod timing;
use timing::{median, ms};

const CLEAN: &str =
    "CustomerID IS NOT NULL AND InvoiceNo NOT LIKE 'C%' AND Quantity > 0 AND UnitPrice > 0";

fn online_retail(path: &std::path::Path) -> loupe::Result<()> {
    let dir = std::env::temp_dir().join(format!("loupe-bench-seg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| loupe::Error::io(&dir, e))?;
    let mut p = Project::create(dir.join("b.loupe"))?;
    import_files(
        &mut p,
        &[path.to_path_buf()],
        &ImportOptions {
            name: Some("online_retail".into()),
            ..ImportOptions::default()
        },
        &Reporter::silent(),
    )?;
    let t = Instant::now();
    let base = SegmentBase::load(
        &p,
        &BaseOptions {
            filter: Some(CLEAN.into()),
            ..BaseOptions::default()
        },
    )?;
    let load = t.elapsed();
    let rule = parse_rule(
        "monetary >= 500 AND recency_days <= 90 AND bought(item_id = '85123A', within_days = 90)",
    )?;
    let saved = Saved::new();
    let mut n = 0;
    let ours = median(21, || {
        n = Count::of(&members(&base, &rule, &saved).unwrap_or_default()).count;
    });
    materialize(&mut p, &base)?;
    let sql = to_sql(&base, &rule, &saved)?;
    let mut m = 0;
    let sqlite = median(5, || {
        let mut stmt = p.conn().prepare(&sql).expect("prepare");
        m = stmt.query_map([], |_| Ok(())).expect("query").count();
    });
    assert_eq!(n, m, "the SQL form disagrees");
    println!("Online Retail (cleaned, {} customers):", base.len());
    println!("  load (customer table, CLV, lines; once): {}", ms(load, 0));
    println!("  count, in memory: {} ({n} customers)", ms(ours, 2));
    println!("  count, SQLite running the SQL form: {}", ms(sqlite, 1));
    drop(p);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

const CUSTOMERS: usize = 1_000_000;
const LINES: usize = 10_000_000;
const ITEMS: u64 = 5_000;
const CATEGORIES: u64 = 50;
/// 2024-01-01 … 2024-12-31; the as-of date is 2025-01-01.
const FIRST_DAY: i32 = 19_723;
const DAYS: u64 = 366;

fn synthetic() -> loupe::Result<()> {
    let t = Instant::now();
    let mut rng = Rng(42);
    // Each customer gets 10 lines on average (1–19), in orders of 1–4 lines.
    let mut lines = Lines::default();
    lines.start.push(0);
    let mut order = 0u32;
    let mut revenue = vec![0.0f64; CUSTOMERS];
    let mut last = vec![i32::MIN; CUSTOMERS];
    let mut left = LINES;
    for c in 0..CUSTOMERS {
        let remaining = CUSTOMERS - c;
        let n = if remaining == 1 {
            left
        } else {
            (1 + rng.below(19) as usize).min(left.saturating_sub(remaining - 1))
        };
        left -= n;
        let mut in_order = 0;
        let mut day = FIRST_DAY + rng.below(DAYS) as i32;
        for _ in 0..n {
            if in_order == 0 {
                order += 1;
                in_order = 1 + rng.below(4);
                day = FIRST_DAY + rng.below(DAYS) as i32;
            }
            in_order -= 1;
            let item = rng.below(ITEMS) as u32;
            let amount = 1.0 + rng.below(5_000) as f64 / 100.0;
            lines.day.push(day);
            lines.key.push(order);
            lines.item_id.push(item);
            lines.item.push(item);
            lines.category.push(item % CATEGORIES as u32);
            lines.amount.push(amount);
            revenue[c] += amount;
            last[c] = last[c].max(day);
        }
        lines.start.push(lines.day.len());
    }
    let as_of_day = FIRST_DAY + DAYS as i32;
    let mut names = Names::default();
    for i in 0..ITEMS {
        names.item_ids.id(format!("I{i}").as_bytes());
        names.items.id(format!("I{i}").as_bytes());
    }
    for c in 0..CATEGORIES {
        names.categories.id(format!("C{c}").as_bytes());
    }
    let recency: Vec<i64> = last.iter().map(|&d| i64::from(as_of_day - d)).collect();
    let frame = DataFrame::new(
        CUSTOMERS,
        vec![
            Column::new(
                "customer_id".into(),
                (0..CUSTOMERS).map(|i| format!("c{i}")).collect::<Vec<_>>(),
            ),
            Column::new("monetary".into(), revenue.clone()),
            Column::new("recency_days".into(), recency.clone()),
        ],
    )?;
    let base = SegmentBase {
        dataset: "synthetic".into(),
        as_of: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
        frame,
        purchases: lines,
        events: None,
        names,
        tags: Vec::new(),
        dimensions: Vec::new(),
        loaded: Need::everything(),
        kept: false,
        sql: SqlSource {
            dataset: "synthetic".into(),
            columns: TransactionColumns {
                customer: "c".into(),
                timestamp: "t".into(),
                timestamp_name: "t".into(),
                order: None,
                amount: None,
                quantity: None,
                item: None,
                item_id: None,
                category: None,
                channel: None,
            },
            filter: None,
            products: None,
            events: None,
        },
    };
    let _ = Interner::default();
    let setup = t.elapsed();
    let rule = parse_rule(
        "monetary >= 300 AND recency_days <= 60 AND bought(category = 'C7', min_times = 2, within_days = 90)",
    )?;
    let saved = Saved::new();
    let mut n = 0;
    let ours = median(7, || {
        n = Count::of(&members(&base, &rule, &saved).unwrap_or_default()).count;
    });
    // The behavioural condition alone reads every line.
    let alone = parse_rule("bought(category = 'C7', min_times = 2, within_days = 90)")?;
    let mut k = 0;
    let scan_all = median(7, || {
        k = Count::of(&members(&base, &alone, &saved).unwrap_or_default()).count;
    });

    // The same in polars from a lines frame built once (not timed).
    let p = &base.purchases;
    let owner: Vec<u32> = (0..CUSTOMERS)
        .flat_map(|c| std::iter::repeat_n(c as u32, p.start[c + 1] - p.start[c]))
        .collect();
    let lines_df = DataFrame::new(
        LINES,
        vec![
            Column::new("c".into(), owner),
            Column::new("day".into(), p.day.clone()),
            Column::new("order".into(), p.key.clone()),
            Column::new("category".into(), p.category.clone()),
        ],
    )?;
    let customers_df = DataFrame::new(
        CUSTOMERS,
        vec![
            Column::new("c".into(), (0..CUSTOMERS as u32).collect::<Vec<_>>()),
            Column::new("monetary".into(), revenue),
            Column::new("recency_days".into(), recency),
        ],
    )?;
    let mut m = 0;
    let reference = median(7, || {
        let bought = lines_df
            .clone()
            .lazy()
            .filter(
                col("category")
                    .eq(lit(7u32))
                    .and(col("day").gt_eq(lit(as_of_day - 90))),
            )
            .group_by([col("c")])
            .agg([col("order").n_unique().alias("times")])
            .filter(col("times").gt_eq(lit(2u32)));
        let out = customers_df
            .clone()
            .lazy()
            .filter(
                col("monetary")
                    .gt_eq(lit(300.0))
                    .and(col("recency_days").lt_eq(lit(60i64))),
            )
            .join(
                bought,
                [col("c")],
                [col("c")],
                JoinArgs::new(JoinType::Inner),
            )
            .collect()
            .expect("polars");
        m = out.height();
    });
    assert_eq!(n, m, "polars disagrees");
    println!("Synthetic ({CUSTOMERS} customers, {LINES} lines, seeded):");
    println!("  setup (not timed): {}", ms(setup, 0));
    println!("  count, in memory: {} ({n} customers)", ms(ours, 1));
    println!(
        "  polars lazy, same work from a lines frame: {}",
        ms(reference, 1)
    );
    println!(
        "  the bought(…) condition alone, reading all lines: {} ({k} customers)",
        ms(scan_all, 1)
    );
    Ok(())
}

fn main() -> loupe::Result<()> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/online_retail.csv.gz"));
    if path.exists() {
        online_retail(&path)?;
    } else {
        println!("Online Retail: skipped ({} is absent)", path.display());
    }
    synthetic()
}
