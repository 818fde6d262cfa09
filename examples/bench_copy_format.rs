//! The columnar copy's format and place, measured: the same chunks of a dataset's copy encoded
//! as Parquet with each codec polars offers here, and kept as BLOBs in a SQLite file or as files
//! in a folder. (Arrow IPC needs polars' `ipc` feature, which Loupe does not build: not measured.)
//!
//! ```sh
//! cargo build --release --locked --no-default-features --example bench_copy_format
//! target/release/examples/bench_copy_format PROJECT.loupe DATASET [COLUMN ...]
//! ```
//!
//! Reads the columns (default: every column) of the dataset's copy chunk by chunk (it is built
//! first when missing), then for each format: the bytes, the time to encode every chunk, and the
//! time to decode every chunk (one thread, median of 3). Then, for the format the copy uses,
//! the time to read every chunk's bytes back from BLOBs in a SQLite file and from files in a
//! folder (both warm in the OS cache, median of 3).

use loupe::kept::copy;
use loupe::progress::Reporter;
use loupe::store::Project;
use polars::prelude::*;
use std::io::Cursor;
use std::time::Instant;

type Error = Box<dyn std::error::Error>;

#[derive(Clone, Copy)]
struct Format(ParquetCompression);

impl Format {
    fn name(self) -> String {
        format!("Parquet {:?}", self.0)
    }

    fn encode(self, df: &mut DataFrame) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        ParquetWriter::new(&mut out)
            .with_compression(self.0)
            .with_statistics(StatisticsOptions::empty())
            .finish(df)?;
        Ok(out)
    }

    fn decode(self, bytes: &[u8]) -> Result<DataFrame, Error> {
        Ok(ParquetReader::new(Cursor::new(bytes)).finish()?)
    }
}

fn median3(mut f: impl FnMut() -> Result<(), Error>) -> Result<f64, Error> {
    let mut t = Vec::new();
    for _ in 0..3 {
        let s = Instant::now();
        f()?;
        t.push(s.elapsed().as_secs_f64());
    }
    t.sort_by(f64::total_cmp);
    Ok(t[1])
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(dataset)) = (args.first(), args.get(1)) else {
        return Err("usage: bench_copy_format PROJECT.loupe DATASET [COLUMN ...]".into());
    };
    let project = Project::open(path)?;
    let info = project.dataset(dataset)?;
    let copy = copy::ensure(&project, &info, &Reporter::silent())?
        .ok_or("this project cannot keep a columnar copy")?;
    let columns: Vec<String> = if args.len() > 2 {
        args[2..].to_vec()
    } else {
        copy.columns().iter().map(|c| c.name.clone()).collect()
    };
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let chunks = copy.chunks(&project, &names)?;
    let frames: Vec<DataFrame> = (0..chunks.len())
        .map(|k| chunks.frame(k))
        .collect::<Result<_, _>>()?;
    let rows: usize = frames.iter().map(DataFrame::height).sum();
    println!(
        "{dataset}: {} chunks, {rows} rows, columns {}",
        frames.len(),
        columns.join(", ")
    );
    println!("\n| format | bytes | encode | decode (1 thread) |\n|---|---:|---:|---:|");
    let formats = [
        Format(ParquetCompression::Zstd(None)),
        Format(ParquetCompression::Lz4Raw),
        Format(ParquetCompression::Snappy),
        Format(ParquetCompression::Uncompressed),
    ];
    for f in formats {
        // One part per column and chunk, as the copy keeps them.
        let mut parts: Vec<Vec<u8>> = Vec::new();
        let encode = median3(|| {
            parts.clear();
            for df in &frames {
                for c in df.columns() {
                    let mut one = DataFrame::new(df.height(), vec![c.clone()])?;
                    parts.push(f.encode(&mut one)?);
                }
            }
            Ok(())
        })?;
        let decode = median3(|| {
            for p in &parts {
                std::hint::black_box(f.decode(p)?);
            }
            Ok(())
        })?;
        let bytes: usize = parts.iter().map(Vec::len).sum();
        println!(
            "| {} | {:.1} MB | {:.0} ms | {:.0} ms |",
            f.name(),
            bytes as f64 / 1e6,
            encode * 1e3,
            decode * 1e3
        );
    }

    // The place: the copy's own parts, as BLOBs in a SQLite file and as files in a folder.
    let f = Format(ParquetCompression::Zstd(None));
    let mut parts = Vec::new();
    for df in &frames {
        for c in df.columns() {
            parts.push(f.encode(&mut DataFrame::new(df.height(), vec![c.clone()])?)?);
        }
    }
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("blobs.sqlite");
    let conn = rusqlite::Connection::open(&db)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; CREATE TABLE p (seq INTEGER PRIMARY KEY, data BLOB NOT NULL);",
    )?;
    conn.execute_batch("BEGIN")?;
    for (k, p) in parts.iter().enumerate() {
        conn.execute(
            "INSERT INTO p VALUES (?1, ?2)",
            rusqlite::params![k as i64, p],
        )?;
    }
    conn.execute_batch("COMMIT")?;
    let folder = dir.path().join("parts");
    std::fs::create_dir(&folder)?;
    for (k, p) in parts.iter().enumerate() {
        std::fs::write(folder.join(format!("{k}.parquet")), p)?;
    }
    let blobs = median3(|| {
        let mut stmt = conn.prepare("SELECT data FROM p ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            std::hint::black_box(r.get::<_, Vec<u8>>(0)?);
        }
        Ok(())
    })?;
    let files = median3(|| {
        for k in 0..parts.len() {
            std::hint::black_box(std::fs::read(folder.join(format!("{k}.parquet")))?);
        }
        Ok(())
    })?;
    let bytes: usize = parts.iter().map(Vec::len).sum();
    println!(
        "\nReading the {} parts ({:.1} MB) back: BLOBs in a SQLite file {:.0} ms, files in a folder {:.0} ms",
        parts.len(),
        bytes as f64 / 1e6,
        blobs * 1e3,
        files * 1e3
    );
    Ok(())
}
