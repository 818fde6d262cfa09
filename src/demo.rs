//! The sample project: a small e-commerce business (customers, orders, products, behaviour events,
//! campaigns with spend and contacts, and a randomised e-mail experiment), built from the files in
//! `sample-data/`, which are compiled into the binary so the demo works wherever Loupe runs.
//!
//! The shop also sells on JD: `orders_jd` is a JD order export (GBK, masked phones, imported with
//! the `jd-orders` preset) whose buyers overlap the shop's customers by phone. The shop's own
//! datasets share one customer id space, recorded as one platform ([`SHOP_PLATFORM`]), and the
//! identity map is built, so the sample shows customers who buy on both platforms.

use crate::error::{Error, Result};
use crate::identity;
use crate::import::{self, ImportOptions, PresetChoice};
use crate::progress::Reporter;
use crate::store::Project;
use std::path::{Path, PathBuf};

/// The sample files: dataset name and contents.
pub const SAMPLE_FILES: &[(&str, &[u8])] = &[
    ("customers", include_bytes!("../sample-data/customers.csv")),
    ("products", include_bytes!("../sample-data/products.csv")),
    ("orders", include_bytes!("../sample-data/orders.csv")),
    ("events", include_bytes!("../sample-data/events.csv")),
    ("campaigns", include_bytes!("../sample-data/campaigns.csv")),
    (
        "campaign_spend",
        include_bytes!("../sample-data/campaign_spend.csv"),
    ),
    ("contacts", include_bytes!("../sample-data/contacts.csv")),
    (
        "experiment",
        include_bytes!("../sample-data/experiment.csv"),
    ),
];

/// The platform exports of the sample: dataset name, contents and preset.
pub const PLATFORM_FILES: &[(&str, &[u8], &str)] = &[(
    "orders_jd",
    include_bytes!("../sample-data/orders_jd.csv"),
    "jd-orders",
)];

/// The platform the shop's own datasets are recorded as (one customer id space).
pub const SHOP_PLATFORM: &str = "Sample shop";

/// The shop's own datasets that carry its customer ids.
const SHOP_DATASETS: &[&str] = &["customers", "orders", "events", "contacts", "experiment"];

/// Builds the sample project at `path`, which must not exist yet.
pub fn build_demo(path: &Path, rep: &Reporter) -> Result<Project> {
    if path.exists() {
        return Err(Error::InvalidArgument(format!(
            "{} already exists; give a new file name for the sample project",
            path.display()
        )));
    }
    let dir = tempdir()?;
    let result = (|| {
        let mut project = Project::create(path)?;
        for (name, bytes) in SAMPLE_FILES {
            rep.check()?;
            let file = dir.join(format!("{name}.csv"));
            std::fs::write(&file, bytes).map_err(|e| Error::io(&file, e))?;
            let opts = ImportOptions {
                name: Some((*name).to_string()),
                ..ImportOptions::default()
            };
            import::import_files(&mut project, &[file], &opts, rep)?;
        }
        for (name, bytes, preset) in PLATFORM_FILES {
            rep.check()?;
            let file = dir.join(format!("{name}.csv"));
            std::fs::write(&file, bytes).map_err(|e| Error::io(&file, e))?;
            let opts = ImportOptions {
                name: Some((*name).to_string()),
                preset: PresetChoice::Named((*preset).to_string()),
                ..ImportOptions::default()
            };
            import::import_files(&mut project, &[file], &opts, rep)?;
        }
        for name in SHOP_DATASETS {
            identity::set_platform(&project, name, SHOP_PLATFORM)?;
        }
        rep.check()?;
        identity::build(&mut project, &identity::IdentityOptions::default())?;
        Ok(project)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    if result.is_err() {
        // A half-built sample project is of no use to anyone.
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    result
}

fn tempdir() -> Result<std::path::PathBuf> {
    let base = std::env::temp_dir();
    for i in 0..1000u32 {
        let d = base.join(format!("loupe-demo-{}-{i}", std::process::id()));
        match std::fs::create_dir(&d) {
            Ok(()) => return Ok(d),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&d, e)),
        }
    }
    Err(Error::InvalidArgument(
        "cannot create a temporary folder".into(),
    ))
}

/// Builds the sample project at `path` safely: into a side file, renamed when complete, so an
/// interrupted build never leaves a half project at `path`.
pub fn build_sample(path: &Path, rep: &Reporter) -> Result<PathBuf> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    crate::fsutil::write_atomic(path, |tmp| {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
        }
        build_demo(tmp, rep).map(drop)
    })?;
    Ok(path.to_path_buf())
}
