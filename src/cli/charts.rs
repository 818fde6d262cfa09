//! `loupe charts`: the saved charts of a project; rename or delete them. `loupe dashboard`:
//! every saved chart drawn to a PNG in a folder.

use super::ranges;
use super::say;
use clap::Args;
use loupe::error::{Error, Result};
use loupe::explore::dashboard::render_dashboard;
use loupe::explore::render::Words;
use loupe::explore::saved::{delete_chart, describe, rename_chart, saved_charts};
use loupe::i18n::{Lang, int};
use loupe::progress::Reporter;
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct ChartsArgs {
    #[arg(long)]
    project: PathBuf,
    /// Delete a saved chart by title (repeatable).
    #[arg(long, value_name = "TITLE")]
    delete: Vec<String>,
    /// Rename a saved chart: the current title; the new one with --to.
    #[arg(long, value_name = "TITLE", requires = "to")]
    rename: Option<String>,
    /// The new title for --rename.
    #[arg(long, value_name = "TITLE", requires = "rename")]
    to: Option<String>,
    /// Print the charts as JSON (title, kind, spec).
    #[arg(long)]
    json: bool,
}

pub fn charts(a: ChartsArgs) -> Result<()> {
    if !a.project.exists() {
        return Err(Error::NoSuchProject { path: a.project });
    }
    let changes = !a.delete.is_empty() || a.rename.is_some();
    let project = if changes {
        Project::open(&a.project)?
    } else {
        Project::open_read_only(&a.project)?
    };
    for title in &a.delete {
        delete_chart(&project, title)?;
    }
    if let (Some(from), Some(to)) = (&a.rename, &a.to) {
        rename_chart(&project, from, to)?;
    }
    let charts = saved_charts(&project)?;
    if a.json {
        let text =
            serde_json::to_string_pretty(&charts).map_err(|e| Error::Export(e.to_string()))?;
        say!("{text}");
        return Ok(());
    }
    if charts.is_empty() {
        say!("No saved charts; save one with loupe chart … --save TITLE");
        return Ok(());
    }
    let width = charts
        .iter()
        .map(|c| c.title.chars().count())
        .max()
        .unwrap_or(0);
    for c in &charts {
        let pad = width - c.title.chars().count();
        say!("{}{}  {}", c.title, " ".repeat(pad), describe(c));
    }
    Ok(())
}

#[derive(Args)]
pub struct DashboardArgs {
    #[arg(long)]
    project: PathBuf,
    /// The folder for the PNGs (created if needed); one file per saved chart, named after its
    /// title.
    #[arg(long)]
    out: PathBuf,
    /// The size of each PNG in pixels.
    #[arg(long, default_value_t = 1200, value_parser = ranges::picture_side)]
    width: u32,
    #[arg(long, default_value_t = 700, value_parser = ranges::picture_side)]
    height: u32,
    /// The language of the words drawn besides the data (Other, missing, All): en or zh-CN.
    #[arg(long, default_value = "en")]
    lang: String,
}

pub fn dashboard(a: DashboardArgs) -> Result<()> {
    let lang = Lang::from_code(&a.lang)
        .ok_or_else(|| Error::InvalidArgument(format!("--lang '{}': use en or zh-CN", a.lang)))?;
    let words = Words::for_lang(lang);
    let project = Project::open_read_only(&a.project)?;
    let done = render_dashboard(
        &project,
        &a.out,
        &words,
        (a.width, a.height),
        &Reporter::silent(),
    )?;
    if done.is_empty() {
        say!("No saved charts; save one with loupe chart … --save TITLE");
        return Ok(());
    }
    let mut failed = Vec::new();
    for r in &done {
        match &r.result {
            Ok(rows) => say!(
                "{} → {} ({} rows)",
                r.chart.title,
                r.path.display(),
                int(*rows)
            ),
            Err(e) => {
                eprintln!("{}: {e}", r.chart.title);
                failed.push(r.chart.title.clone());
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "{} of {} charts could not be drawn: {}",
            failed.len(),
            done.len(),
            failed.join(", ")
        )))
    }
}
