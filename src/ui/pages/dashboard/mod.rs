//! The Dashboard page: the project's saved charts in a grid, each recomputed as a background job
//! when its data changes.
//!
//! A tile is recomputed when its dataset's data marker ([`Project::data_marker`]: import time,
//! row count and the last import, rebuild or deletion in the activity log) differs from the one it
//! was computed for. The markers are read when the catalog or the saved charts change, and about
//! once a second while the page is shown if SQLite's `data_version` says another connection (a
//! `loupe import` in a terminal, a background job) committed to the project.

mod tile;

use crate::explore::cache::FrameCache;
use crate::explore::chart::{ChartData, compute};
use crate::explore::saved::{SavedChart, delete_chart, rename_chart, saved_charts};
use crate::i18n::T;
use crate::store::Project;
use crate::ui::command::Command;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme::{self, icon};
use egui::{Align, Layout, RichText, Ui};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the page asks SQLite whether another connection changed the project.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// One saved chart on the dashboard.
struct Tile {
    chart: SavedChart,
    /// The dataset's data marker when last read (`None`: no such dataset).
    marker: Option<String>,
    /// The marker the shown result was computed for.
    computed_for: Option<Option<String>>,
    /// The running job, and the marker it computes for.
    job: JobSlot<ChartData>,
    job_marker: Option<String>,
    result: Option<Result<ChartData, String>>,
}

/// What the user asked of a tile.
enum TileAction {
    Open,
    StartRename,
    Rename(String),
    CancelRename,
    Remove,
}

#[derive(Default)]
pub struct DashboardPage {
    tiles: Vec<Tile>,
    /// What the list was read for: the project, the saved charts' and the catalog's revisions.
    loaded: Option<(PathBuf, u64, u64)>,
    data_version: Option<i64>,
    last_check: Option<Instant>,
    /// Columns read for tiles, shared by their jobs; replaced when data changes.
    cache: Arc<Mutex<FrameCache>>,
    /// The tile being renamed, and the title typed so far.
    renaming: Option<(String, String)>,
    list_error: Option<String>,
}

impl DashboardPage {
    /// The titles of the tiles, in order.
    pub fn titles(&self) -> Vec<String> {
        self.tiles.iter().map(|t| t.chart.title.clone()).collect()
    }

    /// Whether every tile shows a result (of the data as it was last checked).
    pub fn settled(&self) -> bool {
        self.tiles
            .iter()
            .all(|t| !t.job.is_running() && t.result.is_some())
    }

    /// The result of a tile, by title.
    pub fn tile_data(&self, title: &str) -> Option<&Result<ChartData, String>> {
        self.tiles
            .iter()
            .find(|t| t.chart.title == title)
            .and_then(|t| t.result.as_ref())
    }

    /// Takes the tiles' charts as their jobs finish (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        for t in &mut self.tiles {
            match t.job.poll() {
                None => {}
                Some(Ok(data)) => {
                    t.result = Some(Ok(data));
                    t.computed_for = Some(t.job_marker.take());
                }
                // Asked again on the next check.
                Some(Err(crate::Error::Cancelled)) => {}
                Some(Err(e)) => {
                    t.result = Some(Err(crate::ui::explain::explain(ws.lang, &e)));
                    t.computed_for = Some(t.job_marker.take());
                }
            }
        }
    }

    /// Reads the saved charts again when the project, the saved charts or the catalog changed;
    /// tiles whose chart did not change keep their result.
    fn sync_list(&mut self, ws: &mut Workspace) -> bool {
        let Some(project) = &ws.project else {
            self.tiles.clear();
            self.loaded = None;
            return false;
        };
        let key = (project.path().to_path_buf(), ws.charts_rev, ws.catalog_rev);
        if self.loaded.as_ref() == Some(&key) {
            return false;
        }
        let same_project = self.loaded.as_ref().is_some_and(|l| l.0 == key.0);
        self.loaded = Some(key);
        let charts = match saved_charts(project) {
            Ok(c) => {
                self.list_error = None;
                c
            }
            Err(e) => {
                self.list_error = Some(e.to_string());
                Vec::new()
            }
        };
        let mut old = if same_project {
            std::mem::take(&mut self.tiles)
        } else {
            self.cache = Arc::default();
            Vec::new()
        };
        self.tiles = charts
            .into_iter()
            .map(|chart| match old.iter().position(|t| t.chart == chart) {
                Some(i) => old.swap_remove(i),
                None => Tile {
                    chart,
                    marker: None,
                    computed_for: None,
                    job: JobSlot::default(),
                    job_marker: None,
                    result: None,
                },
            })
            .collect();
        // Tiles of removed charts go, and their jobs are cancelled.
        drop(old);
        true
    }

    /// Reads every tile's data marker when forced or when another connection committed.
    fn check_markers(&mut self, ws: &mut Workspace, force: bool) {
        let due = self.last_check.is_none_or(|t| t.elapsed() >= CHECK_EVERY);
        if !force && !due {
            return;
        }
        self.last_check = Some(Instant::now());
        let Some(project) = &ws.project else { return };
        let version = project.data_version().ok();
        let external = version != self.data_version;
        self.data_version = version;
        if !force && !external {
            return;
        }
        let mut changed = false;
        for t in &mut self.tiles {
            let m = project.data_marker(&t.chart.spec.dataset).unwrap_or(None);
            if t.marker != m {
                changed |= t.computed_for.is_some();
                t.marker = m;
            }
        }
        if changed {
            // Columns read before the change may be stale.
            self.cache = Arc::default();
            if external {
                // Another connection changed the data: the rest of the window follows.
                ws.refresh_catalog();
            }
        }
    }

    /// Starts a job for each tile whose result is missing or was computed for other data.
    fn spawn_stale(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            return;
        };
        for t in &mut self.tiles {
            let fresh = t.computed_for.as_ref() == Some(&t.marker);
            if t.job.is_running() || (fresh && t.result.is_some()) {
                continue;
            }
            let (chart, cache, path) = (t.chart.clone(), self.cache.clone(), path.clone());
            let title = t.chart.title.clone();
            let started = t.job.start(ws, T::JobTile, title, move |rep| {
                let project = Project::open_read_only(&path)?;
                let mut cache = cache.lock().map_err(|_| {
                    crate::Error::InvalidArgument("an earlier chart job failed; try again".into())
                })?;
                compute(&project, &chart.spec, chart.kind, Some(&mut cache), rep)
            });
            if started {
                t.job_marker = t.marker.clone();
            }
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let reloaded = self.sync_list(ws);
        self.check_markers(ws, reloaded);
        self.spawn_stale(ws);
        if !self.tiles.is_empty() {
            // Keep checking for changes made elsewhere while the page is shown.
            ui.ctx().request_repaint_after(CHECK_EVERY);
        }
        let lang = ws.lang;
        let mut refresh = false;
        let mut actions: Vec<(usize, TileAction)> = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!("{}  {}", icon::DASHBOARD, lang.tr(T::NavDashboard)))
                        .size(20.0)
                        .strong(),
                );
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    if !self.tiles.is_empty() && ui.button(lang.tr(T::Refresh)).clicked() {
                        refresh = true;
                    }
                });
            });
            if let Some(e) = &self.list_error {
                theme::error_card(ui, lang.tr(T::NavDashboard), e, "");
            }
            if ws.project.is_none() || self.tiles.is_empty() {
                ui.add_space(theme::GAP);
                theme::muted(ui, lang.tr(T::DashboardEmpty));
                return;
            }
            theme::muted(
                ui,
                lang.count(self.tiles.len(), T::DashboardHintOne, T::DashboardHint, &[]),
            );
            ui.add_space(theme::GAP);
            let gap = 12.0;
            let avail = ui.available_width();
            let columns = ((avail + gap) / (460.0 + gap)).floor().max(1.0) as usize;
            let width = (avail - gap * (columns - 1) as f32) / columns as f32;
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for (row, chunk) in self.tiles.chunks(columns).enumerate() {
                        ui.horizontal_top(|ui| {
                            ui.spacing_mut().item_spacing.x = gap;
                            for (j, t) in chunk.iter().enumerate() {
                                let i = row * columns + j;
                                let renaming = self
                                    .renaming
                                    .as_mut()
                                    .filter(|(title, _)| *title == t.chart.title)
                                    .map(|(_, draft)| draft);
                                if let Some(a) = tile::tile_ui(ui, lang, t, i, width, renaming) {
                                    actions.push((i, a));
                                }
                            }
                        });
                        ui.add_space(gap);
                    }
                });
        });
        if refresh {
            for t in &mut self.tiles {
                t.computed_for = None;
            }
            self.cache = Arc::default();
        }
        for (i, a) in actions {
            self.act(ws, i, a);
        }
    }

    fn act(&mut self, ws: &mut Workspace, i: usize, action: TileAction) {
        let lang = ws.lang;
        let Some(t) = self.tiles.get(i) else { return };
        let title = t.chart.title.clone();
        match action {
            TileAction::Open => ws.push(Command::OpenChart(Box::new(t.chart.clone()))),
            TileAction::StartRename => self.renaming = Some((title.clone(), title)),
            TileAction::CancelRename => self.renaming = None,
            TileAction::Rename(new_title) => {
                let Some(project) = &ws.project else { return };
                match rename_chart(project, &title, &new_title) {
                    Ok(()) => {
                        self.renaming = None;
                        ws.charts_rev += 1;
                    }
                    Err(e) => ws.problem(lang.tr(T::RenameChart), &e),
                }
            }
            TileAction::Remove => {
                let Some(project) = &ws.project else { return };
                match delete_chart(project, &title) {
                    Ok(()) => {
                        ws.notice = Some(lang.f(T::RemovedChart, &[&title]));
                        ws.charts_rev += 1;
                    }
                    Err(e) => ws.problem(lang.tr(T::RemoveChart), &e),
                }
            }
        }
    }
}
