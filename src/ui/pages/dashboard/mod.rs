//! The Dashboard page: the project's saved charts in a grid, each recomputed as a background job
//! when its data changes.
//!
//! A tile is recomputed when its dataset's data marker ([`Project::data_marker`]: import time,
//! row count and the last import, rebuild or deletion in the activity log) differs from the one it
//! was computed for. The markers are read when the catalog or the saved charts change, and about
//! once a second while the page is shown if SQLite's `data_version` says another connection (a
//! `loupe import` in a terminal, a background job) committed to the project.

mod range;
mod tile;

use crate::explore::cache::FrameCache;
use crate::explore::cards::{Card, DateRange, date_range, move_chart, set_card, set_date_range};
use crate::explore::chart::{ChartData, compute};
use crate::explore::saved::{SavedChart, delete_chart, rename_chart, saved_charts};
use crate::i18n::T;
use crate::store::Project;
use crate::ui::command::Command;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme::{self, icon};
use egui::{Align, Layout, RichText, Ui};
use std::collections::HashMap;
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
    SetCard(Card),
    Move(i64),
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
    /// The project the tiles are of.
    tiles_of: Option<PathBuf>,
    /// The saved charts and their data markers being read.
    read_job: JobSlot<Listing>,
    /// A rename or removal being saved.
    change_job: JobSlot<String>,
    /// The date range every card is filtered by (as last read or applied), and as typed.
    range: DateRange,
    range_draft: range::RangeDraft,
}

/// What a read of the saved charts and their datasets' data markers brought.
struct Listing {
    path: PathBuf,
    /// The saved charts (`None`: only the markers were read).
    charts: Option<Vec<SavedChart>>,
    /// Each dataset's data marker (`None` inside: no such dataset).
    markers: HashMap<String, Option<String>>,
    /// Read because another connection changed the project.
    external: bool,
    /// The dashboard's date range (read with the charts).
    range: Option<DateRange>,
}

impl Listing {
    /// Reads the saved charts (`datasets`: `None`) or only the markers of `datasets`.
    fn read(path: PathBuf, datasets: Option<Vec<String>>, external: bool) -> crate::Result<Self> {
        let project = Project::open_read_only(&path)?;
        let (charts, range) = match datasets {
            Some(_) => (None, None),
            None => (Some(saved_charts(&project)?), Some(date_range(&project)?)),
        };
        let names = match (&charts, datasets) {
            (Some(c), _) => c.iter().map(|c| c.spec.dataset.clone()).collect(),
            (None, d) => d.unwrap_or_default(),
        };
        let mut markers = HashMap::new();
        for n in names {
            if let std::collections::hash_map::Entry::Vacant(e) = markers.entry(n) {
                let m = project.data_marker(e.key())?;
                e.insert(m);
            }
        }
        Ok(Listing {
            path,
            charts,
            markers,
            external,
            range,
        })
    }
}

impl DashboardPage {
    /// The date range the cards are filtered by.
    pub fn date_range(&self) -> DateRange {
        self.range
    }

    /// The card of a tile, by title.
    pub fn card(&self, title: &str) -> Option<Card> {
        self.tiles
            .iter()
            .find(|t| t.chart.title == title)
            .map(|t| t.chart.card)
    }

    /// The titles of the tiles, in order.
    pub fn titles(&self) -> Vec<String> {
        self.tiles.iter().map(|t| t.chart.title.clone()).collect()
    }

    /// Whether every tile shows a result (of the data as it was last checked).
    pub fn settled(&self) -> bool {
        !self.read_job.is_running()
            && !self.change_job.is_running()
            && (self.tiles.iter()).all(|t| !t.job.is_running() && t.result.is_some())
    }

    /// The result of a tile, by title.
    pub fn tile_data(&self, title: &str) -> Option<&Result<ChartData, String>> {
        self.tiles
            .iter()
            .find(|t| t.chart.title == title)
            .and_then(|t| t.result.as_ref())
    }

    /// Takes the tiles' charts as their jobs finish, and the saved charts and markers as they
    /// are read (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        match self.read_job.poll() {
            None | Some(Err(crate::Error::Cancelled)) => {}
            Some(Ok(listing)) => self.apply(ws, listing),
            Some(Err(e)) => {
                self.list_error = Some(crate::ui::explain::explain(ws.lang, &e));
                self.tiles.clear();
            }
        }
        if let Some(notice) = self.change_job.poll_report(ws) {
            ws.notice = Some(notice);
            ws.charts_rev += 1;
        }
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

    /// Reads the saved charts again, as a job, when the project, the saved charts or the
    /// catalog changed; tiles whose chart did not change keep their result.
    fn sync_list(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            self.tiles.clear();
            self.loaded = None;
            self.read_job.reset();
            return;
        };
        let key = (path.clone(), ws.charts_rev, ws.catalog_rev);
        if self.loaded.as_ref() == Some(&key) {
            return;
        }
        self.loaded = Some(key);
        self.read_job.start(ws, T::JobDashboard, "", move |_rep| {
            Listing::read(path, None, false)
        });
    }

    /// Shows what a read brought: the list of tiles (keeping the results of unchanged charts)
    /// and each tile's data marker.
    fn apply(&mut self, ws: &mut Workspace, listing: Listing) {
        if let Some(range) = listing.range
            && range != self.range
        {
            self.range = range;
            self.range_draft = range::RangeDraft::of(&range);
            self.recompute_all();
        }
        if let Some(charts) = listing.charts {
            self.list_error = None;
            let same_project = self.tiles_of.as_ref() == Some(&listing.path);
            self.tiles_of = Some(listing.path);
            let mut old = if same_project {
                std::mem::take(&mut self.tiles)
            } else {
                self.cache = Arc::default();
                self.tiles.clear();
                Vec::new()
            };
            self.tiles = charts
                .into_iter()
                .map(
                    |chart| match old.iter().position(|t| same_chart(&t.chart, &chart)) {
                        Some(i) => {
                            // A new size or place keeps the result.
                            let mut t = old.swap_remove(i);
                            t.chart.card = chart.card;
                            t
                        }
                        None => Tile {
                            chart,
                            marker: None,
                            computed_for: None,
                            job: JobSlot::default(),
                            job_marker: None,
                            result: None,
                        },
                    },
                )
                .collect();
            // Tiles of removed charts go, and their jobs are cancelled.
            drop(old);
        }
        let mut changed = false;
        for t in &mut self.tiles {
            let m = listing
                .markers
                .get(&t.chart.spec.dataset)
                .cloned()
                .flatten();
            if t.marker != m {
                changed |= t.computed_for.is_some();
                t.marker = m;
            }
        }
        if changed {
            // Columns read before the change may be stale.
            self.cache = Arc::default();
            if listing.external {
                // Another connection changed the data: the rest of the window follows.
                ws.refresh_catalog();
            }
        }
    }

    /// About once a second, asks SQLite whether another connection committed (one pragma on
    /// the window's connection); if so, reads the tiles' data markers again as a job.
    fn check_markers(&mut self, ws: &mut Workspace) {
        let due = self.last_check.is_none_or(|t| t.elapsed() >= CHECK_EVERY);
        if !due || self.read_job.is_running() {
            return;
        }
        self.last_check = Some(Instant::now());
        let Some(project) = &ws.project else { return };
        let version = project.data_version().ok();
        let external = version != self.data_version;
        self.data_version = version;
        if !external || self.tiles.is_empty() {
            return;
        }
        let path = project.path().to_path_buf();
        let datasets: Vec<String> = (self.tiles.iter())
            .map(|t| t.chart.spec.dataset.clone())
            .collect();
        self.read_job.start(ws, T::JobDashboard, "", move |_rep| {
            Listing::read(path, Some(datasets), true)
        });
    }

    /// Starts a job for each tile whose result is missing or was computed for other data.
    fn spawn_stale(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            return;
        };
        if self.read_job.is_running() {
            // The markers are being read: compute for them once known.
            return;
        }
        for t in &mut self.tiles {
            let fresh = t.computed_for.as_ref() == Some(&t.marker);
            if t.job.is_running() || (fresh && t.result.is_some()) {
                continue;
            }
            let (chart, cache, path) = (t.chart.clone(), self.cache.clone(), path.clone());
            let title = t.chart.title.clone();
            let range = self.range;
            let started = t.job.start(ws, T::JobTile, title, move |rep| {
                let project = Project::open_read_only(&path)?;
                let info = project.dataset(&chart.spec.dataset)?;
                let mut chart = chart;
                chart.spec = crate::explore::cards::with_range(&info, &chart.spec, &range);
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
        self.sync_list(ws);
        self.check_markers(ws);
        self.spawn_stale(ws);
        if !self.tiles.is_empty() {
            // Keep checking for changes made elsewhere while the page is shown.
            ui.ctx().request_repaint_after(CHECK_EVERY);
        }
        let lang = ws.lang;
        let mut refresh = false;
        let mut new_range = None;
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
            new_range = range::range_ui(ui, lang, &mut self.range_draft, &self.range);
            ui.add_space(theme::GAP);
            let gap = 12.0;
            let avail = ui.available_width();
            let columns = ((avail + gap) / (460.0 + gap)).floor().max(1.0) as usize;
            let width = (avail - gap * (columns - 1) as f32) / columns as f32;
            let rows = rows_of(&self.tiles, columns);
            let n = self.tiles.len();
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for row in rows {
                        ui.horizontal_top(|ui| {
                            ui.spacing_mut().item_spacing.x = gap;
                            for i in row {
                                let t = &self.tiles[i];
                                let span = t.chart.card.size.span().min(columns) as f32;
                                let w = width * span + gap * (span - 1.0);
                                let renaming = self
                                    .renaming
                                    .as_mut()
                                    .filter(|(title, _)| *title == t.chart.title)
                                    .map(|(_, draft)| draft);
                                let ends = (i == 0, i + 1 == n);
                                if let Some(a) = tile::tile_ui(ui, lang, t, i, w, renaming, ends) {
                                    actions.push((i, a));
                                }
                            }
                        });
                        ui.add_space(gap);
                    }
                });
        });
        if refresh {
            self.recompute_all();
            self.cache = Arc::default();
        }
        if let Some(r) = new_range {
            self.set_range(ws, r);
        }
        for (i, a) in actions {
            self.act(ws, i, a);
        }
    }

    /// Every card computed again (for a new range, or on Refresh).
    fn recompute_all(&mut self) {
        for t in &mut self.tiles {
            t.computed_for = None;
            t.job.reset();
        }
    }

    /// Applies a date range to every card and keeps it in the project.
    fn set_range(&mut self, ws: &mut Workspace, range: DateRange) {
        let Some(path) = ws.project_path() else {
            return;
        };
        if range != self.range {
            self.range = range;
            self.recompute_all();
        }
        let notice = if range.is_open() {
            ws.tr(T::DashAllDates).to_string()
        } else {
            let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
            ws.lang.f(T::DashRangeSet, &[&d(range.from), &d(range.to)])
        };
        self.change_job
            .start(ws, T::DashDates, String::new(), move |_rep| {
                set_date_range(&Project::open(&path)?, &range)?;
                Ok(notice)
            });
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
                let Some(path) = ws.project_path() else {
                    return;
                };
                self.renaming = None;
                let notice = lang.f(T::RenamedChart, &[&title, &new_title]);
                self.change_job
                    .start(ws, T::RenameChart, title.clone(), move |_rep| {
                        rename_chart(&Project::open(&path)?, &title, &new_title)?;
                        Ok(notice)
                    });
            }
            TileAction::SetCard(card) => {
                let Some(path) = ws.project_path() else {
                    return;
                };
                let notice = lang.f(
                    T::DashCardChanged,
                    &[&title, &lang.tr(tile::size_label(card.size))],
                );
                self.change_job
                    .start(ws, T::DashCardSize, title.clone(), move |_rep| {
                        set_card(&Project::open(&path)?, &title, card)?;
                        Ok(notice)
                    });
            }
            TileAction::Move(by) => {
                let Some(path) = ws.project_path() else {
                    return;
                };
                let notice = lang.f(T::DashCardMoved, &[&title]);
                self.change_job
                    .start(ws, T::DashCardSize, title.clone(), move |_rep| {
                        move_chart(&Project::open(&path)?, &title, by)?;
                        Ok(notice)
                    });
            }
            TileAction::Remove => {
                let Some(path) = ws.project_path() else {
                    return;
                };
                let notice = lang.f(T::RemovedChart, &[&title]);
                self.change_job
                    .start(ws, T::RemoveChart, title.clone(), move |_rep| {
                        delete_chart(&Project::open(&path)?, &title)?;
                        Ok(notice)
                    });
            }
        }
    }
}

/// The same chart apart from its card (a resized or moved card keeps its result).
fn same_chart(a: &SavedChart, b: &SavedChart) -> bool {
    a.title == b.title && a.kind == b.kind && a.spec == b.spec
}

/// The tiles in rows of `columns` grid columns, in order: a wide card takes two (one when only
/// one fits) and starts a new row when the row has no room left.
fn rows_of(tiles: &[Tile], columns: usize) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = columns;
    for (i, t) in tiles.iter().enumerate() {
        let span = t.chart.card.size.span().min(columns);
        if used + span > columns {
            rows.push(Vec::new());
            used = 0;
        }
        if let Some(r) = rows.last_mut() {
            r.push(i);
        }
        used += span;
    }
    rows
}
