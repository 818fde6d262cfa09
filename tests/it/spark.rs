//! A throw-away local Spark Connect server (`scripts/spark-connect-server.sh`, pip's pyspark),
//! and local datasets copied into it as Parquet tables.

// The Spark client's own error type is large; tests unwrap it at once.
#![allow(clippy::result_large_err)]

use loupe::dataset::ColumnType;
use loupe::store::Project;
use spark_connect::SparkSession;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running server, stopped when dropped.
pub struct Server {
    pub port: u16,
    dir: tempfile::TempDir,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/spark-connect-server.sh")
}

impl Server {
    pub fn url(&self) -> String {
        format!("sc://127.0.0.1:{}", self.port)
    }

    /// A session for setting up data (Loupe itself sends queries only).
    pub fn session(&self) -> SparkSession {
        SparkSession::builder()
            .remote(&self.url())
            .get_or_create()
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

/// The variable that turns the Spark tests on: a server takes 10 s to 2 minutes to start, so
/// the README's `cargo test` skips them and CI runs them in a step of their own.
pub const ENABLE: &str = "LOUPE_SPARK_TESTS";

/// Starts a server, or says why the test is skipped (not asked for, no pyspark or no Java).
pub fn start() -> Option<Server> {
    if std::env::var_os(ENABLE).is_none() {
        eprintln!(
            "skipped: the Spark tests start a Spark Connect server (10 s to 2 minutes); CI runs them in a step of their own: {ENABLE}=1 cargo test --test it warehouse_spark"
        );
        return None;
    }
    let has = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("python3", &["-c", "import pyspark"]) {
        eprintln!(
            "skipped: the pyspark package (which ships the Spark Connect server) is not installed; `pip install pyspark` (CI installs it)"
        );
        return None;
    }
    if !has("java", &["-version"]) {
        eprintln!("skipped: Java (17 or later) is not installed; Spark needs it");
        return None;
    }
    let dir = tempfile::Builder::new()
        .prefix("loupe-spark")
        .tempdir_in("/tmp")
        .unwrap();
    let out = Command::new("bash")
        .arg(script())
        .arg("start")
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the Spark Connect server did not start: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = stdout
        .lines()
        .find_map(|l| l.strip_prefix("PORT="))
        .and_then(|p| p.trim().parse().ok())
        .expect("PORT= from the server script");
    Some(Server { port, dir })
}

fn run(spark: &SparkSession, sql: &str) {
    spark
        .sql(sql)
        .and_then(|df| df.collect())
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Copies a local dataset into a new Spark table `database.table` (Parquet), each column typed
/// as Loupe types it, every value as stored; `scratch` holds the CSV it goes through.
pub fn load_dataset(
    spark: &SparkSession,
    project: &Project,
    dataset: &str,
    table: &str,
    scratch: &Path,
) {
    let info = project.dataset(dataset).unwrap();
    let q = |s: &str| format!("`{}`", s.replace('`', "``"));
    let csv_path = scratch.join(format!("{}.csv", table.replace('.', "_")));
    {
        let mut w = csv::Writer::from_path(&csv_path).unwrap();
        w.write_record((0..info.columns.len()).map(|i| format!("c{i}")))
            .unwrap();
        let names: Vec<String> = info
            .columns
            .iter()
            .map(|c| loupe::store::quote_ident(&c.name))
            .collect();
        let mut st = project
            .conn()
            .prepare(&format!("SELECT {} FROM \"{dataset}\"", names.join(", ")))
            .unwrap();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let mut rec = Vec::with_capacity(info.columns.len());
            for i in 0..info.columns.len() {
                use rusqlite::types::ValueRef;
                rec.push(match r.get_ref(i).unwrap() {
                    ValueRef::Null | ValueRef::Blob(_) => String::new(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => format!("{v:?}"),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                });
            }
            w.write_record(&rec).unwrap();
        }
        w.flush().unwrap();
    }
    if let Some((db, _)) = table.split_once('.') {
        run(spark, &format!("CREATE DATABASE IF NOT EXISTS {}", q(db)));
    }
    let view = format!("loupe_csv_{}", table.replace('.', "_"));
    run(
        spark,
        &format!(
            "CREATE OR REPLACE TEMPORARY VIEW {view} USING csv OPTIONS (path '{}', header 'true', multiLine 'true', escape '\"')",
            csv_path.display()
        ),
    );
    let cols: Vec<String> = info
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = format!("c{i}");
            let e = match c.ty {
                ColumnType::Integer => format!("CAST({v} AS BIGINT)"),
                ColumnType::Float => format!("CAST({v} AS DOUBLE)"),
                ColumnType::Boolean => format!("CAST({v} AS BIGINT) <> 0"),
                ColumnType::Date => format!("CAST({v} AS DATE)"),
                ColumnType::Datetime => format!("CAST({v} AS TIMESTAMP)"),
                ColumnType::Text => v,
            };
            format!("{e} AS {}", q(&c.name))
        })
        .collect();
    let target = table.split('.').map(q).collect::<Vec<_>>().join(".");
    run(
        spark,
        &format!(
            "CREATE TABLE {target} USING parquet AS SELECT {} FROM {view}",
            cols.join(", ")
        ),
    );
}
