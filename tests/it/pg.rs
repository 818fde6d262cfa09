//! A throw-away PostgreSQL cluster for the warehouse tests: `initdb` in a temporary folder, a
//! free port on 127.0.0.1, password authentication (scram-sha-256), stopped when dropped.
//!
//! The server binaries come from PATH or Debian's layout (`/usr/lib/postgresql/*/bin`). As root,
//! they run as the `postgres` user (PostgreSQL refuses to run as root). Without them, [`start`]
//! says why the test is skipped and returns `None`; `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const SUPER_PASSWORD: &str = "Sup3r-Secret-pg";

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    pub port: u16,
}

fn find_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("initdb"))
            .find(|f| f.is_file())
            .and_then(|f| f.parent().map(Path::to_path_buf))
    });
    if on_path.is_some() {
        return on_path;
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

impl Cluster {
    fn run(&self, tool: &str, args: &[&str]) -> std::process::Output {
        let exe = self.bin.join(tool);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        c.args(args).output().unwrap()
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// The superuser's URL.
    pub fn url(&self) -> String {
        self.url_for("postgres", SUPER_PASSWORD)
    }

    pub fn url_for(&self, user: &str, password: &str) -> String {
        format!(
            "postgresql://{user}:{password}@127.0.0.1:{}/postgres",
            self.port
        )
    }

    /// A client of the superuser, for setting up data.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).unwrap()
    }
}

/// Starts a cluster, or says why the test is skipped.
pub fn start() -> Option<Cluster> {
    let Some(bin) = find_bin() else {
        eprintln!(
            "skipped: the PostgreSQL server (initdb, pg_ctl) is not installed; `apt-get install postgresql` (CI installs it)"
        );
        return None;
    };
    let as_postgres = is_root();
    let dir = tempfile::Builder::new()
        .prefix("loupe-pg")
        .tempdir_in("/tmp")
        .unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, SUPER_PASSWORD).unwrap();
    if as_postgres {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(ok.success(), "chown the cluster's folder");
    }
    let c = Cluster {
        port: free_port(),
        dir,
        bin,
        as_postgres,
    };
    let data = c.data();
    let out = c.run(
        "initdb",
        &[
            "-D",
            &data,
            "-U",
            "postgres",
            "-A",
            "scram-sha-256",
            &format!("--pwfile={}", pw.display()),
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
    );
    assert!(
        out.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let opts = format!(
        "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40",
        c.port,
        c.dir.path().display()
    );
    let log = c.dir.path().join("log").display().to_string();
    let out = c.run(
        "pg_ctl",
        &["-D", &data, "-o", &opts, "-l", &log, "-w", "start"],
    );
    assert!(
        out.status.success(),
        "pg_ctl start: {} {}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    Some(c)
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
    }
}

/// Copies a local dataset into a new PostgreSQL table `schema.table`, each column typed as
/// Loupe types it (integer → bigint, float → double precision, …), every value as stored.
pub fn load_dataset(
    client: &mut postgres::Client,
    project: &loupe::store::Project,
    dataset: &str,
    table: &str,
) {
    use loupe::dataset::ColumnType;
    use std::io::Write;
    let info = project.dataset(dataset).unwrap();
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let cols: Vec<String> = info
        .columns
        .iter()
        .map(|c| {
            let ty = loupe::warehouse::chart::sql_type(c.ty);
            format!("{} {ty}", q(&c.name))
        })
        .collect();
    if let Some((schema, _)) = table.split_once('.') {
        client
            .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {}", q(schema)))
            .unwrap();
    }
    let target = table.split('.').map(&q).collect::<Vec<_>>().join(".");
    client
        .batch_execute(&format!("CREATE TABLE {target} ({})", cols.join(", ")))
        .unwrap();
    let names: Vec<String> = info.columns.iter().map(|c| q(&c.name)).collect();
    let mut st = project
        .conn()
        .prepare(&format!("SELECT {} FROM {}", names.join(", "), q(dataset)))
        .unwrap();
    let mut rows = st.query([]).unwrap();
    let mut w = client
        .copy_in(&format!("COPY {target} FROM STDIN"))
        .unwrap();
    let mut buf = String::new();
    while let Some(r) = rows.next().unwrap() {
        buf.clear();
        for (i, c) in info.columns.iter().enumerate() {
            if i > 0 {
                buf.push('\t');
            }
            use rusqlite::types::ValueRef;
            match r.get_ref(i).unwrap() {
                ValueRef::Null => buf.push_str("\\N"),
                ValueRef::Integer(v) if c.ty == ColumnType::Boolean => {
                    buf.push_str(if v != 0 { "t" } else { "f" })
                }
                ValueRef::Integer(v) => buf.push_str(&v.to_string()),
                ValueRef::Real(v) => buf.push_str(&format!("{v:?}")),
                ValueRef::Text(t) => {
                    let t = String::from_utf8_lossy(t);
                    for ch in t.chars() {
                        match ch {
                            '\\' => buf.push_str("\\\\"),
                            '\t' => buf.push_str("\\t"),
                            '\n' => buf.push_str("\\n"),
                            '\r' => buf.push_str("\\r"),
                            c => buf.push(c),
                        }
                    }
                }
                ValueRef::Blob(_) => buf.push_str("\\N"),
            }
        }
        buf.push('\n');
        w.write_all(buf.as_bytes()).unwrap();
    }
    w.finish().unwrap();
    client.batch_execute(&format!("ANALYZE {target}")).unwrap();
}
