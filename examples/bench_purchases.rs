//! How long recommendations take to read their purchases and baskets: from the columnar copy
//! (what `loupe recommend`, `loupe rules` and the Recommendations page do) against the SQLite
//! rows (the path before it), in the same run, with the results checked equal.
//!
//! ```sh
//! cargo build --release --example bench_purchases
//! target/release/examples/bench_purchases PROJECT DATASET BASKET ITEM [RUNS]
//! ```
//!
//! The project's dataset needs the customer_id, timestamp and item roles; its copy is built
//! first when it is missing (not timed). Prints the median and range of each, and the peak
//! memory of the process at the end.

use loupe::progress::Reporter;
use loupe::recommend::{
    ReadOptions, read_baskets, read_baskets_sqlite, read_interactions, read_interactions_sqlite,
};
use loupe::store::Project;
use std::time::Instant;

type Error = Box<dyn std::error::Error>;

fn time<T>(runs: usize, mut f: impl FnMut() -> loupe::Result<T>) -> Result<(Vec<f64>, T), Error> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f()?);
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok((times, last.ok_or("no run")?))
}

fn show(what: &str, t: &[f64]) {
    println!(
        "| {what} | {:.0} ms ({:.0}–{:.0} ms) |",
        t[t.len() / 2] * 1e3,
        t[0] * 1e3,
        t[t.len() - 1] * 1e3
    );
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [project, dataset, basket, item] = match &args[..] {
        [a, b, c, d, ..] => [a, b, c, d],
        _ => return Err("usage: bench_purchases PROJECT DATASET BASKET ITEM [RUNS]".into()),
    };
    let runs: usize = args.get(4).map_or(Ok(3), |r| r.parse())?;
    let p = Project::open(project)?;
    let rep = Reporter::silent();
    let info = p.dataset(dataset)?;
    loupe::kept::copy::ensure(&p, &info, &rep)?;
    let opts = ReadOptions::default();
    println!("{} rows of {dataset}, {runs} runs each\n", info.rows);
    println!("| read | time (median, min–max) |\n|---|---:|");
    let (old, a) = time(runs, || read_interactions_sqlite(&p, dataset, &opts, &rep))?;
    show("purchases from SQLite", &old);
    let (new, inter) = time(runs, || read_interactions(&p, dataset, &opts, &rep))?;
    show("purchases from the copy", &new);
    if format!("{a:?}") != format!("{inter:?}") {
        return Err("the purchases differ".into());
    }
    let (old, a) = time(runs, || read_baskets_sqlite(&p, dataset, basket, item))?;
    show("baskets from SQLite", &old);
    let (new, b) = time(runs, || read_baskets(&p, dataset, basket, item))?;
    show("baskets from the copy", &new);
    if a.items != b.items || a.baskets != b.baskets {
        return Err("the baskets differ".into());
    }
    println!(
        "\n{} purchase lines, {} customers, {} items, {} baskets; equal on both paths",
        inter.lines.len(),
        inter.customers.len(),
        inter.items.len(),
        b.baskets.len()
    );
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(l) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak memory: {}", l.trim_start_matches("VmHWM:").trim());
    }
    Ok(())
}
