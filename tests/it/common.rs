//! Helpers shared by the integration tests.

use loupe::import::{ImportOptions, ImportReport, import_files};
use loupe::progress::Reporter;
use loupe::query::{Cell, query_table};
use loupe::store::Project;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write test file");
        p
    }
    pub fn project(&self) -> Project {
        Project::open_or_create(self.path("test.loupe")).expect("project")
    }
}

/// The `loupe` binary, as a user runs it (without the passphrase variables the privacy tests set).
pub fn loupe() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_loupe"));
    c.env_remove("LOUPE_PW").env_remove("LOUPE_PW2");
    c
}

/// Runs `loupe args` to the end.
pub fn run_loupe(args: &[&str]) -> Output {
    loupe().args(args).output().expect("run loupe")
}

/// The sample project, built once for the whole test run (a few seconds). Read it; a test that
/// writes takes a [`sample_copy`].
pub fn sample() -> &'static Path {
    static SAMPLE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = SAMPLE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sample.loupe");
        drop(loupe::demo::build_demo(&path, &Reporter::silent()).expect("sample project"));
        (dir, path)
    });
    path
}

/// A copy of the sample project in `s`'s folder (`sample.loupe`), for a test that writes to it.
pub fn sample_copy(s: &Scratch) -> PathBuf {
    let path = s.path("sample.loupe");
    std::fs::copy(sample(), &path).expect("copy the sample project");
    path
}

pub fn import(
    project: &mut Project,
    files: &[&Path],
    opts: ImportOptions,
) -> loupe::Result<ImportReport> {
    let files: Vec<PathBuf> = files.iter().map(|p| p.to_path_buf()).collect();
    import_files(project, &files, &opts, &Reporter::silent())
}

pub fn named(name: &str) -> ImportOptions {
    ImportOptions {
        name: Some(name.to_string()),
        ..ImportOptions::default()
    }
}

/// The whole result of a query, cells as display text (NULL as "∅").
pub fn rows(project: &Project, sql: &str) -> Vec<Vec<String>> {
    query_table(project, sql, usize::MAX)
        .expect("query")
        .rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| match c {
                    Cell::Null => "∅".to_string(),
                    other => other.display(),
                })
                .collect()
        })
        .collect()
}

/// Everything visible in a project: its tables, catalog (datasets, columns, sources) and log.
pub fn snapshot(p: &Project) -> Vec<Vec<String>> {
    let mut out = rows(p, "SELECT name, sql FROM sqlite_schema ORDER BY name");
    out.extend(rows(p, "SELECT * FROM _loupe_datasets ORDER BY id"));
    out.extend(rows(
        p,
        "SELECT * FROM _loupe_columns ORDER BY dataset_id, position",
    ));
    out.extend(rows(
        p,
        "SELECT * FROM _loupe_sources ORDER BY dataset_id, ordinal",
    ));
    out.extend(rows(
        p,
        "SELECT id, action, dataset, rows FROM _loupe_activity ORDER BY id",
    ));
    out
}

pub fn types_of(r: &ImportReport) -> Vec<(String, String, Option<String>)> {
    r.columns
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.ty.to_string(),
                c.role.map(|x| x.to_string()),
            )
        })
        .collect()
}

pub fn col<'a>(r: &'a ImportReport, name: &str) -> &'a loupe::dataset::ColumnInfo {
    r.columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", types_of(r)))
}

/// The path of the shared Online Retail file, or None (with a message) when ../shared is absent.
pub fn online_retail() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/online_retail.csv.gz");
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; the Online Retail checks need ../shared/data beside the repository",
            p.display()
        );
        None
    }
}

/// The roles of the hand-built `orders` table (order, customer, time, item, quantity, price).
pub fn set_order_roles(p: &mut Project) {
    use loupe::dataset::Role;
    for (c, r) in [
        ("order_id", Role::OrderId),
        ("customer_id", Role::CustomerId),
        ("order_time", Role::Timestamp),
        ("item_id", Role::ItemId),
        ("quantity", Role::Quantity),
        ("unit_price", Role::UnitPrice),
    ] {
        p.set_role("orders", c, Some(r)).unwrap();
    }
}

/// Every file in `dir` and below, with its bytes.
pub fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
