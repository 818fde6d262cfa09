//! `loupe profile`: the quality report of a dataset.

use super::progress_bar::with_bar;
use super::say;
use clap::Args;
use loupe::clean::{ReportOptions, quality_report};
use loupe::error::{Error, Result};
use loupe::i18n::int;
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct ProfileArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    dataset: String,
    /// Also count duplicates on these columns (comma-separated).
    #[arg(long, value_delimiter = ',')]
    key: Vec<String>,
    /// A rule rows must satisfy, as an SQL condition, e.g. --rule "Quantity > 0" (repeatable).
    #[arg(long = "rule")]
    rules: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn profile(a: ProfileArgs) -> Result<()> {
    let project = Project::open_read_only(&a.project)?;
    let opts = ReportOptions {
        key: a.key,
        rules: a.rules,
        today: None,
    };
    let r = with_bar(|rep| quality_report(&project, &a.dataset, &opts, rep))?;
    if a.json {
        say!(
            "{}",
            serde_json::to_string(&r).map_err(|e| Error::InvalidArgument(e.to_string()))?
        );
        return Ok(());
    }
    say!(
        "{}: {} rows, {} exact duplicate rows",
        r.dataset,
        int(r.rows),
        int(r.exact_duplicate_rows)
    );
    say!(
        "  {:<16} {:<8} {:>9} {:>9} {:>8} {:>9} {:>8}",
        "column",
        "type",
        "missing",
        "distinct",
        "invalid",
        "untrimmed",
        "outliers"
    );
    for c in &r.columns {
        say!(
            "  {:<16} {:<8} {:>9} {:>9} {:>8} {:>9} {:>8}",
            c.name,
            c.ty.as_str(),
            int(c.missing),
            int(c.distinct),
            int(c.invalid),
            int(c.untrimmed),
            c.outliers_iqr.map(int).unwrap_or_else(|| "-".into())
        );
    }
    if !r.findings.is_empty() {
        say!("Findings:");
    }
    for f in &r.findings {
        say!(
            "  {:>9}  {:?}{}  — fix: {}",
            int(f.count),
            f.kind,
            f.column
                .as_deref()
                .map(|c| format!(" in {c}"))
                .unwrap_or_default(),
            f.fixes
                .iter()
                .map(|x| x.describe())
                .collect::<Vec<_>>()
                .join("; ")
        );
        say!("             rows: WHERE {}", f.rows_where);
    }
    Ok(())
}
