//! Import benchmark: Loupe against the sqlite3 command-line shell on the real Online Retail file.
//!
//! `cargo build --release && cargo run --release --example bench_import [-- RUNS]`
//!
//! Both tools are run as whole processes on the unpacked CSV (48 MB, 541,909 rows), each into a fresh
//! database, RUNS times (default 3); the table gives the median wall time and the peak resident memory
//! (VmHWM, sampled from /proc while the process runs). sqlite3 imports every column as TEXT; Loupe
//! also infers types and roles, converts values, hashes the file and writes the catalog.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gz = root.join("../shared/data/online_retail.csv.gz");
    if !gz.exists() {
        eprintln!("SKIPPED: {} is absent", gz.display());
        return;
    }
    let dir = std::env::temp_dir().join(format!("loupe-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = dir.join("online_retail.csv");
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&gz).expect("open gz"))
        .read_to_end(&mut bytes)
        .expect("gunzip");
    std::fs::write(&csv, &bytes).expect("write csv");
    println!("input: {} ({} bytes)", csv.display(), bytes.len());

    let exe = std::env::current_exe().expect("current exe");
    let loupe = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("loupe"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| {
            eprintln!("build the binary first: cargo build --release");
            std::process::exit(2)
        });

    let mut results = vec![];
    let sqlite = which("sqlite3");
    type Maker<'a> = Box<dyn Fn(&Path) -> Command + 'a>;
    let tools: Vec<(&str, Maker)> = vec![
        (
            "sqlite3 .import (all TEXT)",
            Box::new(|db: &Path| {
                let mut c = Command::new(sqlite.clone().unwrap_or_else(|| "sqlite3".into()));
                c.arg(db)
                    .arg(".mode csv")
                    .arg(format!(".import {} t", csv.display()));
                c
            }),
        ),
        (
            "loupe import (typed)",
            Box::new(|db: &Path| {
                let mut c = Command::new(&loupe);
                c.arg("import").arg(&csv).arg("--project").arg(db);
                c
            }),
        ),
    ];
    for (name, make) in tools {
        if name.starts_with("sqlite3") && sqlite.is_none() {
            println!("sqlite3 not found; install it (apt-get install sqlite3) to compare");
            continue;
        }
        let mut times = vec![];
        let mut peaks = vec![];
        for i in 0..runs {
            let db = dir.join(format!(
                "run-{i}-{}.db",
                name.split(' ').next().unwrap_or("x")
            ));
            let _ = std::fs::remove_file(&db);
            let (t, peak) = run(make(&db));
            times.push(t);
            peaks.push(peak);
            let _ = std::fs::remove_file(&db);
            for s in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{s}", db.display()));
            }
        }
        times.sort();
        peaks.sort();
        let med = times[times.len() / 2];
        results.push((name, med, peaks[peaks.len() / 2]));
    }
    println!("\n| tool | median wall time | peak RSS |");
    println!("|---|---:|---:|");
    for (name, t, peak) in &results {
        println!(
            "| {name} | {:.3} s | {:.0} MiB |",
            t.as_secs_f64(),
            *peak as f64 / 1024.0
        );
    }
    if results.len() == 2 {
        let ratio = results[1].1.as_secs_f64() / results[0].1.as_secs_f64();
        println!("\nloupe / sqlite3 = {ratio:.2}x (target: at most 0.6x, peak under 300 MB)");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_string_lossy()
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
}

/// Runs a command to completion; returns its wall time and peak RSS in KiB.
fn run(mut cmd: Command) -> (Duration, u64) {
    cmd.stdout(std::process::Stdio::null());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(line) = s.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{cmd:?} failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    (start.elapsed(), peak)
}
