//! Online Retail replicated N times, for the scale benchmark (`examples/bench_scale`).
//!
//! `cargo run --release --example replicate_retail -- N OUT.csv [path/to/online_retail.csv.gz]`
//!
//! How copies differ: see `examples/common/replicate.rs` (new invoice and customer ids per copy,
//! everything else as it is).

#[path = "common/replicate.rs"]
mod replicate;

use std::io::Write;
use std::path::PathBuf;

fn main() -> Result<(), replicate::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (args.first(), args.get(1)) else {
        return Err("usage: replicate_retail N OUT.csv [online_retail.csv.gz]".into());
    };
    let n: u64 = n
        .parse()
        .map_err(|_| format!("N must be a whole number, not '{n}'"))?;
    let src = args
        .get(2)
        .map(PathBuf::from)
        .unwrap_or_else(replicate::default_source);
    let lines = replicate::replicate(&src, n, std::path::Path::new(out))?;
    writeln!(
        std::io::stdout(),
        "{lines} lines ({n} copies) written to {out}"
    )?;
    Ok(())
}
