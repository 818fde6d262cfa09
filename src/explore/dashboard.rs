//! The dashboard as files: every saved chart of a project drawn to a PNG in a folder, for
//! scheduled refreshes (`loupe dashboard`).

use super::cache::FrameCache;
use super::chart::{compute, render};
use super::render::Words;
use super::saved::{SavedChart, file_stem, saved_charts};
use crate::progress::Reporter;
use crate::store::Project;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// What became of one saved chart.
#[derive(Debug)]
pub struct Rendered {
    pub chart: SavedChart,
    pub path: PathBuf,
    /// The rows read (after the filter), or why the chart could not be drawn.
    pub result: Result<u64>,
}

/// Draws every saved chart as `DIR/<title>.png` (titles made file names by [`file_stem`], made
/// unique with `-2`, `-3`, …), `size` pixels each, titled with the chart's title. A chart that
/// fails does not stop the others; its error is in its [`Rendered::result`]. The dashboard's
/// date range ([`super::cards::date_range`]) filters every chart, as in the window.
pub fn render_dashboard(
    project: &Project,
    dir: &Path,
    words: &Words,
    size: (u32, u32),
    rep: &Reporter,
) -> Result<Vec<Rendered>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let charts = saved_charts(project)?;
    let range = super::cards::date_range(project)?;
    let mut cache = FrameCache::default();
    let mut used: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(charts.len());
    for chart in charts {
        rep.check()?;
        let stem = file_stem(&chart.title);
        let mut name = stem.clone();
        let mut k = 1;
        while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
            k += 1;
            name = format!("{stem}-{k}");
        }
        used.push(name.clone());
        let path = dir.join(format!("{name}.png"));
        let spec = match project.dataset(&chart.spec.dataset) {
            Ok(info) => super::cards::with_range(&info, &chart.spec, &range),
            // Computing says what is missing.
            Err(_) => chart.spec.clone(),
        };
        let result = compute(project, &spec, chart.kind, Some(&mut cache), rep).and_then(|d| {
            render(&d, chart.kind, &chart.title, words, &path, size)?;
            Ok(d.input_rows())
        });
        out.push(Rendered {
            chart,
            path,
            result,
        });
    }
    Ok(out)
}
