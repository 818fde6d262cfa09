//! Lifetime-value fit times on the CDNOW sample (2,357 customers, weeks).
//!
//! `cargo run --release --example bench_clv` — median of 20 fits of each model.

use loupe::customers::clv::{Spend, Summary, fit_bg_nbd, fit_gamma_gamma};
use std::time::{Duration, Instant};

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cdnow_summary.csv"
    );
    let text = std::fs::read_to_string(path).expect("the CDNOW fixture");
    let mut summaries = Vec::new();
    let mut spends = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|v| v.parse().expect("number"))
            .collect();
        summaries.push(Summary::new(f[0], f[1], f[2]).expect("valid summary"));
        if f[0] > 0.0 {
            spends.push(Spend::new(f[0], f[3]).expect("valid spend"));
        }
    }
    let time = |f: &dyn Fn()| {
        let mut t: Vec<Duration> = (0..20)
            .map(|_| {
                let s = Instant::now();
                f();
                s.elapsed()
            })
            .collect();
        t.sort();
        t[t.len() / 2]
    };
    let bg = time(&|| {
        fit_bg_nbd(&summaries).expect("fit");
    });
    let gg = time(&|| {
        fit_gamma_gamma(&spends).expect("fit");
    });
    let fit = fit_bg_nbd(&summaries).expect("fit");
    println!(
        "BG/NBD on {} customers: {:.1} ms (r {:.4}, alpha {:.4}, a {:.4}, b {:.4}, LL {:.2})",
        summaries.len(),
        bg.as_secs_f64() * 1000.0,
        fit.params.r(),
        fit.params.alpha(),
        fit.params.a(),
        fit.params.b(),
        fit.log_likelihood
    );
    println!(
        "Gamma-Gamma on {} repeat customers: {:.1} ms",
        spends.len(),
        gg.as_secs_f64() * 1000.0
    );
}
