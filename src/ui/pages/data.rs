//! The Data page: the catalog's datasets, a table view that scrolls through every row by fetching
//! only the visible window, sorting and a quick filter, and a column profile.

use crate::browse::{self, Filter, RowCache, SortDir, View};
use crate::dataset::{ColumnInfo, ColumnType, DatasetInfo};
use crate::i18n::{T, int};
use crate::privacy::{PiiAction, PiiColumn};
use crate::profile::{ColumnProfile, format_edge};
use crate::query::Cell;
use crate::store::Project;
use crate::ui::state::{JobSlot, RowIds, Workspace};
use crate::ui::theme::{self, icon};
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod edits;
mod relations;
mod roles;
pub mod warehouse;

/// The page width from which the column profile is open unless the user folded it.
const PROFILE_MIN_PAGE: f32 = 1000.0;

/// How long typing must pause before the filter runs.
const FILTER_DEBOUNCE: Duration = Duration::from_millis(250);

/// State of the Data page.
#[derive(Default)]
pub struct DataPage {
    /// Whether the column profile is open, once the user chose (else: open where the page is
    /// wide enough to leave the table room for several columns).
    profile_open: Option<bool>,
    selected: Option<String>,
    view: Option<View>,
    ids: Option<RowIds>,
    rows_job: JobSlot<Vec<i64>>,
    cache: RowCache,
    /// The quick filter as typed.
    filter_text: String,
    filter_column: Option<String>,
    filter_edited: Option<Instant>,
    profile_column: Option<String>,
    profiles: HashMap<(String, String), Box<ColumnProfile>>,
    /// The profile being computed, and for which dataset and column.
    profile_job: JobSlot<Box<ColumnProfile>>,
    profile_for: (String, String),
    fetch_error: Option<String>,
    scroll_to_top: bool,
    seen_rev: u64,
    /// A dataset asked for before the catalog listed it (just imported).
    wanted: Option<String>,
    /// Set by Ctrl+F: focus the filter on the next frame.
    focus_filter: bool,
    /// What `rows_where` of the view selects, for the chip above the table.
    rows_label: Option<String>,
    /// Personal-data flags per dataset, as of catalog revision `.0`.
    pii: (u64, HashMap<String, Vec<PiiColumn>>),
    /// The role editor and the dataset actions.
    roles: roles::Roles,
    edits: edits::Edits,
    /// The columns and roles are shown in place of the rows.
    show_roles: bool,
    /// The model view: datasets and the relationships between them.
    relations: relations::Relations,
    /// The model view is shown in place of the rows.
    show_relations: bool,
    /// The linked dataset shown (in place of a dataset's rows).
    selected_link: Option<String>,
    /// A link just made, shown once the catalog read again lists it.
    wanted_link: Option<String>,
    /// "Connect a warehouse…" and the linked dataset's view.
    warehouse: warehouse::Warehouse,
}

impl DataPage {
    /// Focuses the quick filter on the next frame (Ctrl+F).
    pub fn focus_filter(&mut self) {
        self.focus_filter = true;
    }

    pub fn selected(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// The linked dataset shown, if any.
    pub fn selected_link(&self) -> Option<&str> {
        self.selected_link.as_deref()
    }

    /// Shows a linked dataset.
    pub fn select_link(&mut self, name: &str) {
        self.selected_link = Some(name.to_string());
        self.selected = None;
        self.view = None;
        self.ids = None;
    }

    pub fn warehouse(&self) -> &warehouse::Warehouse {
        &self.warehouse
    }

    /// Shows the linked dataset `name` and counts `rule` on it in its warehouse; false while
    /// the catalog does not list it.
    pub fn count_on_link(&mut self, ws: &mut Workspace, name: &str, rule: &str) -> bool {
        let Some(l) = ws.link(name).cloned() else {
            return false;
        };
        self.select_link(name);
        self.warehouse.count_rule(ws, &l, rule);
        true
    }

    /// "Connect a warehouse…" on variable `var`, with `table` read (for the guide's
    /// screenshot); true once it shows.
    pub fn connect_and_show(&mut self, ws: &mut Workspace, var: &str, table: &str) -> bool {
        self.warehouse.show_table(ws, var, table)
    }

    /// Opens "Connect a warehouse…".
    pub fn connect_warehouse(&mut self) {
        self.warehouse.open_dialog();
    }

    /// Shows the model view (datasets and relationships) in place of the rows.
    pub fn show_relations(&mut self) {
        self.show_relations = true;
    }

    /// Shows the columns and their roles in place of the rows.
    pub fn show_roles(&mut self) {
        (self.show_roles, self.show_relations) = (true, false);
    }

    /// Sets roles of dataset `name` as the role editor does (a job), e.g. `("应付金额",
    /// Some(Role::Amount))`. Returns false when the catalog does not list the dataset.
    pub fn set_roles(
        &mut self,
        ws: &mut Workspace,
        name: &str,
        changes: Vec<(String, Option<crate::dataset::Role>)>,
    ) -> bool {
        let Some(info) = ws.dataset(name).cloned() else {
            return false;
        };
        self.roles.set_roles(ws, &info, changes);
        true
    }

    /// The relationships the model view shows, once found.
    pub fn relationships(&self) -> Option<&[crate::combine::relationships::Relationship]> {
        self.relations.found()
    }

    /// Rows in the current view, once known.
    pub fn row_count(&self) -> Option<usize> {
        self.ids.as_ref().map(|i| i.len())
    }

    /// The filter text the shown rows are filtered by (after the typing pause).
    pub fn applied_filter(&self) -> Option<&str> {
        self.view
            .as_ref()
            .map(|v| v.filter.text.as_str())
            .filter(|t| !t.is_empty())
    }

    /// The column and direction the rows are sorted by.
    pub fn sort(&self) -> Option<(String, SortDir)> {
        self.view.as_ref().and_then(|v| v.sort.clone())
    }

    /// Whether the role editor is shown in place of the rows.
    pub fn showing_roles(&self) -> bool {
        self.show_roles && !self.show_relations
    }

    /// Whether a role change, a deletion, a rename or added files are being saved.
    pub fn saving(&self) -> bool {
        self.roles.busy() || self.edits.busy()
    }

    pub fn profile_column(&self) -> Option<&str> {
        self.profile_column.as_deref()
    }

    /// The profile shown in the side panel, once computed.
    pub fn shown_profile(&self) -> Option<&ColumnProfile> {
        let key = (self.selected.clone()?, self.profile_column.clone()?);
        self.profiles.get(&key).map(|p| &**p)
    }

    /// After the catalog changed (an import): forget cached profiles and show `name`.
    pub fn show_after_change(&mut self, ws: &mut Workspace, name: &str) {
        self.profiles.clear();
        self.profile_job.reset();
        self.select(ws, name);
    }

    /// Shows the rows of a dataset that meet an SQL condition (the rows behind a quality
    /// finding), with `label` saying which.
    pub fn show_rows(&mut self, ws: &mut Workspace, name: &str, rows_where: String, label: String) {
        self.select(ws, name);
        if let Some(v) = &mut self.view {
            v.rows_where = Some(rows_where);
            self.rows_label = Some(label);
            self.restart_rows(ws);
        }
    }

    /// The finding whose rows are shown, if any.
    pub fn rows_label(&self) -> Option<&str> {
        self.rows_label.as_deref()
    }

    /// Shows a dataset (resets sort, filter and scroll).
    pub fn select(&mut self, ws: &mut Workspace, name: &str) {
        self.seen_rev = ws.catalog_rev;
        let Some(info) = ws.dataset(name).cloned() else {
            // Not in the catalog yet (it is being read again after an import): shown once it is.
            self.wanted = Some(name.to_string());
            return;
        };
        self.wanted = None;
        self.selected_link = None;
        self.selected = Some(info.name.clone());
        ws.focus_dataset(&info.name);
        self.rows_label = None;
        self.filter_text.clear();
        self.filter_column = None;
        self.filter_edited = None;
        self.view = Some(View::new(
            info.name.clone(),
            info.columns.iter().map(|c| c.name.clone()).collect(),
        ));
        self.profile_column = info
            .columns
            .iter()
            .find(|c| c.ty.is_numeric() || c.ty.is_temporal())
            .or(info.columns.first())
            .map(|c| c.name.clone());
        self.restart_rows(ws);
        self.ensure_profile(ws);
    }

    fn restart_rows(&mut self, ws: &mut Workspace) {
        self.rows_job.reset();
        self.ids = None;
        self.cache.clear();
        self.fetch_error = None;
        self.scroll_to_top = true;
        let (Some(view), Some(path)) = (self.view.clone(), ws.project_path()) else {
            return;
        };
        let detail = view.dataset.clone();
        self.rows_job.start(ws, T::JobSort, detail, move |rep| {
            let project = Project::open_read_only(&path)?;
            browse::row_ids(project.conn(), &view, rep)
        });
    }

    fn ensure_profile(&mut self, ws: &mut Workspace) {
        let (Some(ds), Some(col)) = (self.selected.clone(), self.profile_column.clone()) else {
            return;
        };
        let key = (ds.clone(), col.clone());
        if self.profiles.contains_key(&key) {
            return;
        }
        if self.profile_job.is_running() && self.profile_for == key {
            return;
        }
        self.profile_job.reset();
        let (Some(info), Some(path)) = (ws.dataset(&ds).cloned(), ws.project_path()) else {
            return;
        };
        self.profile_for = key;
        self.profile_job
            .start(ws, T::JobProfile, col.clone(), move |rep| {
                let project = Project::open_read_only(&path)?;
                // From the columnar copy when it can tell (one pass, no temporary tables),
                // else in SQL.
                match crate::profile_copy::profile_column(&project, &info, &col, rep)? {
                    Some(p) => Ok(Box::new(p)),
                    None => crate::profile::profile_column(project.conn(), &info, &col, rep)
                        .map(Box::new),
                }
            });
    }

    /// Takes the row order and the column profile when their jobs finish (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        self.relations.logic(ws);
        match self.rows_job.poll() {
            None => {}
            Some(Ok(ids)) => {
                self.ids = Some(Arc::new(ids));
                self.cache.clear();
                self.scroll_to_top = true;
            }
            Some(Err(e)) => {
                // Stop waiting: show no rows, and say why.
                self.ids = Some(Arc::new(Vec::new()));
                self.rows_job.report(ws, &e);
            }
        }
        if let Some(p) = self.profile_job.poll_report(ws) {
            self.profiles
                .insert((p.dataset.clone(), p.column.clone()), p);
        }
        self.roles.logic(ws);
        if let Some(linked) = self.warehouse.logic(ws) {
            self.wanted_link = Some(linked);
        }
        if let Some(show) = self.edits.logic(ws) {
            // Shown once the catalog read again lists it.
            self.wanted = Some(show);
        }
    }

    /// Follows catalog changes (project opened, dataset imported).
    pub fn sync(&mut self, ws: &mut Workspace) {
        if ws.catalog_rev == self.seen_rev {
            return;
        }
        self.seen_rev = ws.catalog_rev;
        self.profiles.clear();
        self.profile_job.reset();
        if let Some(l) = self.wanted_link.take() {
            if ws.link(&l).is_some() {
                self.select_link(&l);
            } else {
                self.wanted_link = Some(l);
            }
        }
        if self
            .selected_link
            .as_ref()
            .is_some_and(|l| ws.link(l).is_none())
        {
            self.selected_link = None;
        }
        let keep = (self.wanted.take())
            .or_else(|| self.selected.clone())
            .filter(|s| ws.dataset(s).is_some());
        if keep.is_none() && self.selected_link.is_some() {
            self.selected = None;
            self.view = None;
            self.ids = None;
            return;
        }
        match keep.or_else(|| ws.datasets.first().map(|d| d.name.clone())) {
            Some(name) => self.select(ws, &name),
            None => {
                self.selected = None;
                self.view = None;
                self.ids = None;
            }
        }
    }

    fn set_sort(&mut self, ws: &mut Workspace, column: &str) {
        let Some(view) = &mut self.view else { return };
        view.sort = match &view.sort {
            Some((c, SortDir::Asc)) if c == column => Some((c.clone(), SortDir::Desc)),
            Some((c, SortDir::Desc)) if c == column => None,
            _ => Some((column.to_string(), SortDir::Asc)),
        };
        self.restart_rows(ws);
    }

    fn apply_filter(&mut self, ws: &mut Workspace) {
        let Some(view) = &mut self.view else { return };
        let filter = Filter {
            text: self.filter_text.clone(),
            column: self.filter_column.clone(),
        };
        if view.filter != filter {
            view.filter = filter;
            self.restart_rows(ws);
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        self.sync(ws);
        if let Some(t) = self.filter_edited
            && t.elapsed() >= FILTER_DEBOUNCE
        {
            self.filter_edited = None;
            self.apply_filter(ws);
        }

        self.roles.dialogs(ui.ctx(), ws);
        self.edits.dialogs(ui.ctx(), ws);
        self.warehouse.dialog_ui(ui.ctx(), ws);
        // On a narrow window (1000 points: a page of ~830) the side panels take less, and the
        // column profile folds away, so that the table shows several columns, not two.
        let page = ui.available_width();
        egui::Panel::left("data-datasets")
            .resizable(true)
            .default_size((page * 0.2).clamp(170.0, 250.0))
            .size_range(150.0..=420.0)
            .show(ui, |ui| self.datasets_ui(ui, ws));
        let profile_open = self.profile_open.unwrap_or(page >= PROFILE_MIN_PAGE);

        let info = self
            .selected
            .as_deref()
            .and_then(|s| ws.dataset(s))
            .cloned();
        if let Some(info) = &info {
            if profile_open {
                egui::Panel::right("data-profile")
                    .resizable(true)
                    .default_size(300.0)
                    .size_range(220.0..=480.0)
                    .show(ui, |ui| {
                        let fold = ui
                            .with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                                ui.small_button("»")
                                    .on_hover_text(ws.tr(T::HideProfile))
                                    .clicked()
                            })
                            .inner;
                        if fold {
                            self.profile_open = Some(false);
                        }
                        egui::ScrollArea::vertical()
                            .auto_shrink([false, false])
                            .show(ui, |ui| self.profile_ui(ui, ws, info));
                    });
            } else {
                egui::Panel::right("data-profile-folded")
                    .resizable(false)
                    .exact_size(34.0)
                    .show(ui, |ui| {
                        if ui
                            .small_button("«")
                            .on_hover_text(ws.tr(T::ShowProfile))
                            .clicked()
                        {
                            self.profile_open = Some(true);
                        }
                    });
            }
        }

        let link = self
            .selected_link
            .as_deref()
            .and_then(|l| ws.link(l))
            .cloned();
        egui::CentralPanel::default().show(ui, |ui| match (&info, &link) {
            (Some(info), _) => self.table_area_ui(ui, ws, info),
            (None, Some(link)) => self.warehouse.linked_ui(ui, ws, link),
            (None, None) => {
                ui.add_space(40.0);
                ui.vertical_centered(|ui| {
                    theme::muted(
                        ui,
                        ws.tr(if ws.datasets.is_empty() {
                            T::NoDatasets
                        } else {
                            T::SelectDataset
                        }),
                    );
                });
            }
        });
    }

    fn datasets_ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        theme::section(ui, ws.tr(T::Datasets));
        if ws.project.is_some()
            && ui
                .button(format!("{} {}", icon::DATA, ws.tr(T::WhConnect)))
                .clicked()
        {
            self.warehouse.open_dialog();
        }
        ui.separator();
        if ws.datasets.is_empty() && ws.links.is_empty() {
            theme::muted(ui, "—");
            return;
        }
        let mut clicked = None;
        let mut clicked_link = None;
        let mut unlink = None;
        let datasets = ws.datasets.clone();
        let links = ws.links.clone();
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.with_layout(Layout::top_down_justified(Align::Min), |ui| {
                    for d in &datasets {
                        let selected = self.selected.as_deref() == Some(d.name.as_str());
                        let job = dataset_item(ui, ws, d);
                        let r = ui.add(egui::Button::selectable(selected, job));
                        let source = d
                            .sources
                            .iter()
                            .map(|s| s.path.clone())
                            .collect::<Vec<_>>()
                            .join("\n");
                        let r = r.on_hover_text(format!(
                            "{}: {}\n{}: {}",
                            ws.tr(T::Source),
                            source,
                            ws.tr(T::ImportedAt),
                            d.imported_at
                        ));
                        if r.clicked() && !selected {
                            clicked = Some(d.name.clone());
                        }
                        r.context_menu(|ui| {
                            self.roles.actions_menu(ui, ws, d);
                            self.edits.menu_items(ui, ws, d);
                        });
                    }
                    self.links_ui(ui, ws, &links, &mut clicked_link, &mut unlink);
                });
            });
        if let Some(name) = clicked {
            self.select(ws, &name);
        }
        if let Some(name) = clicked_link {
            self.select_link(&name);
        }
        if let Some(name) = unlink {
            self.warehouse.unlink(ws, &name);
        }
    }

    /// The linked datasets, after the datasets: each with its engine and table.
    fn links_ui(
        &mut self,
        ui: &mut Ui,
        ws: &Workspace,
        links: &[crate::warehouse::link::Link],
        clicked: &mut Option<String>,
        unlink: &mut Option<String>,
    ) {
        if links.is_empty() {
            return;
        }
        ui.add_space(8.0);
        theme::section(ui, ws.tr(T::WhLinkedTables));
        for l in links {
            let selected = self.selected_link.as_deref() == Some(l.name.as_str());
            let mut job = egui::text::LayoutJob::default();
            let body = egui::TextStyle::Body.resolve(ui.style());
            let small = egui::TextStyle::Small.resolve(ui.style());
            job.append(
                &format!("{} {}\n", icon::DATA, l.name),
                0.0,
                egui::TextFormat::simple(body, ui.visuals().text_color()),
            );
            job.append(
                &ws.lang
                    .f(T::WhSource, &[&l.engine.label(), &l.table.text()]),
                0.0,
                egui::TextFormat::simple(small, ui.visuals().weak_text_color()),
            );
            let r = ui
                .add(egui::Button::selectable(selected, job))
                .on_hover_text(format!(
                    "{}\n{}: {}",
                    ws.lang.f(T::WhUrlFrom, &[&l.url_env]),
                    ws.tr(T::ImportedAt),
                    l.linked_at
                ));
            if r.clicked() && !selected {
                *clicked = Some(l.name.clone());
            }
            r.context_menu(|ui| {
                if ui.button(ws.tr(T::WhUnlink)).clicked() {
                    *unlink = Some(l.name.clone());
                    ui.close();
                }
            });
        }
    }

    /// The personal-data flags of a dataset (read from the catalog once per catalog change).
    pub fn pii_flags(&mut self, ws: &Workspace, dataset: &str) -> Vec<PiiColumn> {
        if self.pii.0 != ws.catalog_rev {
            self.pii = (ws.catalog_rev, HashMap::new());
        }
        if let Some(f) = self.pii.1.get(dataset) {
            return f.clone();
        }
        let flags = ws
            .project
            .as_ref()
            .and_then(|p| p.pii_flags(dataset).ok())
            .unwrap_or_default();
        self.pii.1.insert(dataset.to_string(), flags.clone());
        flags
    }

    fn table_area_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, info: &DatasetInfo) {
        // Toolbar: title, counts, quick filter.
        ui.horizontal(|ui| {
            ui.label(RichText::new(&info.name).size(18.0).strong());
            let total = int(info.rows);
            let shown = match (
                &self.ids,
                self.view
                    .as_ref()
                    .is_some_and(|v| !v.filter.is_empty() || v.rows_where.is_some()),
            ) {
                (Some(ids), true) => ws.lang.f(T::RowsOf, &[&int(ids.len() as u64), &total]),
                _ => ws.lang.f(T::RowsColumns, &[&total, &info.columns.len()]),
            };
            theme::muted(ui, shown);
            if self.rows_job.is_running() {
                ui.spinner();
            }
            ui.add_space(12.0);
            let (rows, roles) = (
                !self.show_roles && !self.show_relations,
                self.show_roles && !self.show_relations,
            );
            if ui.selectable_label(rows, ws.tr(T::RdRows)).clicked() {
                (self.show_roles, self.show_relations) = (false, false);
            }
            if ui.selectable_label(roles, ws.tr(T::RdRolesTab)).clicked() {
                (self.show_roles, self.show_relations) = (true, false);
            }
            if ui
                .selectable_label(self.show_relations, ws.tr(T::RdRelationsTab))
                .clicked()
            {
                self.show_relations = true;
            }
            ui.menu_button(
                format!("{} {}", ws.tr(T::RdActions), icon::SORT_DESC),
                |ui| {
                    self.roles.actions_menu(ui, ws, info);
                    self.edits.menu_items(ui, ws, info);
                },
            );
        });
        if self.show_relations {
            ui.add_space(4.0);
            self.relations.ui(ui, ws);
            return;
        }
        if self.show_roles {
            ui.add_space(4.0);
            self.roles.editor_ui(ui, ws, info);
            return;
        }
        let flags = self.pii_flags(ws, &info.name);
        let dropped: Vec<&str> = flags
            .iter()
            .filter(|f| f.action == PiiAction::Drop)
            .map(|f| f.column.as_str())
            .collect();
        if !dropped.is_empty() {
            theme::muted(ui, ws.lang.f(T::PvDroppedAtImport, &[&dropped.join(", ")]));
        }
        if let Some(label) = self.rows_label.clone() {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(ws.lang.f(T::ShowingRowsOf, &[&label]))
                        .background_color(theme::ACCENT.linear_multiply(0.15)),
                );
                if ui.small_button(ws.tr(T::ShowAllRows)).clicked() {
                    self.rows_label = None;
                    if let Some(v) = &mut self.view {
                        v.rows_where = None;
                    }
                    self.restart_rows(ws);
                }
            });
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let label = ui.label(format!("{} {}", icon::EXPLORE, ws.tr(T::Filter)));
            let edit = egui::TextEdit::singleline(&mut self.filter_text)
                .hint_text(ws.tr(T::FilterHint))
                .desired_width(260.0);
            let r = ui.add(edit).labelled_by(label.id);
            if self.focus_filter {
                self.focus_filter = false;
                r.request_focus();
            }
            if r.changed() {
                self.filter_edited = Some(Instant::now());
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                self.filter_edited = None;
                self.apply_filter(ws);
            }
            let mut col = self.filter_column.clone();
            let in_label = ui.label(RichText::new(ws.tr(T::In)).weak());
            egui::ComboBox::from_id_salt("filter-column")
                .selected_text(col.clone().unwrap_or_else(|| ws.tr(T::AllColumns).into()))
                .width(150.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut col, None, ws.tr(T::AllColumns));
                    for c in &info.columns {
                        ui.selectable_value(&mut col, Some(c.name.clone()), &c.name);
                    }
                })
                .response
                .labelled_by(in_label.id);
            if col != self.filter_column {
                self.filter_column = col;
                self.filter_edited = None;
                self.apply_filter(ws);
            }
            if !self.filter_text.is_empty() && ui.button(ws.tr(T::ClearFilter)).clicked() {
                self.filter_text.clear();
                self.filter_edited = None;
                self.apply_filter(ws);
            }
        });
        if self.filter_edited.is_some() {
            ui.ctx().request_repaint_after(FILTER_DEBOUNCE);
        }
        ui.add_space(4.0);
        if let Some(e) = self.fetch_error.clone()
            && theme::error_card(ui, ws.tr(T::Datasets), &e, ws.tr(T::Dismiss))
        {
            self.fetch_error = None;
        }
        let Some(ids) = self.ids.clone() else {
            ui.add_space(24.0);
            ui.vertical_centered(|ui| {
                ui.spinner();
                theme::muted(ui, ws.tr(T::Loading));
            });
            return;
        };
        if ids.is_empty() {
            ui.add_space(24.0);
            ui.vertical_centered(|ui| theme::muted(ui, ws.tr(T::NoMatches)));
            return;
        }
        if let Some(col) = self.table_ui(ui, ws, info, &ids, &flags) {
            self.profile_column = Some(col.clone());
            self.set_sort(ws, &col);
            self.ensure_profile(ws);
        }
    }

    /// Draws the table; returns the column whose header was clicked.
    fn table_ui(
        &mut self,
        ui: &mut Ui,
        ws: &Workspace,
        info: &DatasetInfo,
        ids: &[i64],
        flags: &[PiiColumn],
    ) -> Option<String> {
        let conn = ws.project.as_ref().map(|p| p.conn())?;
        let sort = self.view.as_ref().and_then(|v| v.sort.clone());
        let names: Vec<String> = info.columns.iter().map(|c| c.name.clone()).collect();
        let mut clicked = None;
        let mut error = None;
        let row_digits = int(ids.len() as u64).len() as f32;
        let lang = ws.lang;
        let cache = &mut self.cache;
        let scroll_to_top = std::mem::take(&mut self.scroll_to_top);
        // The row numbers' cells as laid out (row, cell) and the top of the table's body, to
        // keep them in view sideways.
        let mut numbers: Vec<(usize, egui::Rect)> = Vec::new();
        let mut body_top = f32::NEG_INFINITY;
        let mut header_cell = egui::Rect::NOTHING;
        let number_width = 12.0 + row_digits * 7.5;
        // Wide datasets scroll sideways; the table scrolls its rows itself.
        let scrolled = egui::ScrollArea::horizontal()
            .id_salt(("data-table-h", &info.name))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let mut table = TableBuilder::new(ui)
                    .id_salt(("data-table", &info.name))
                    .striped(true)
                    .resizable(true)
                    .auto_shrink([false, false])
                    .cell_layout(Layout::left_to_right(Align::Center))
                    .column(Column::exact(12.0 + row_digits * 7.5));
                for c in &info.columns {
                    let pii = flags.iter().any(|f| f.column == c.name);
                    table = table.column(
                        Column::initial(column_width(c, pii))
                            .at_least(48.0)
                            .clip(true),
                    );
                }
                if scroll_to_top {
                    table = table.scroll_to_row(0, None);
                }
                table
                    .header(theme::HEADER_HEIGHT, |mut header| {
                        let (cell, _) = header.col(|ui| {
                            ui.label(RichText::new(lang.tr(T::RowNumber)).weak());
                        });
                        body_top = cell.bottom();
                        header_cell = cell;
                        for c in &info.columns {
                            header.col(|ui| {
                                let arrow = match &sort {
                                    Some((name, SortDir::Asc)) if *name == c.name => icon::SORT_ASC,
                                    Some((name, SortDir::Desc)) if *name == c.name => {
                                        icon::SORT_DESC
                                    }
                                    _ => "",
                                };
                                let layout = if c.ty.is_numeric() {
                                    Layout::right_to_left(Align::Center)
                                } else {
                                    Layout::left_to_right(Align::Center)
                                };
                                ui.with_layout(layout, |ui| {
                                    let text = if arrow.is_empty() {
                                        c.name.clone()
                                    } else {
                                        format!("{} {arrow}", c.name)
                                    };
                                    let r = ui
                                        .add(
                                            egui::Button::new(RichText::new(text).strong())
                                                .frame(false),
                                        )
                                        .on_hover_text(column_tooltip(lang, c));
                                    if r.clicked() {
                                        clicked = Some(c.name.clone());
                                    }
                                    if let Some(f) = flags.iter().find(|f| f.column == c.name) {
                                        crate::ui::privacy::pii_badge(ui, lang, f.kind, f.action);
                                    }
                                });
                            });
                        }
                    })
                    .body(|body| {
                        body.rows(theme::ROW_HEIGHT, ids.len(), |mut row| {
                            let i = row.index();
                            let cells = match cache.get_or_fetch(conn, &info.name, &names, ids, i) {
                                Ok(c) => c,
                                Err(e) => {
                                    error = Some(e.to_string());
                                    None
                                }
                            };
                            let (cell, _) = row.col(|ui| {
                                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                    ui.label(RichText::new(int(i as u64 + 1)).weak().small());
                                });
                            });
                            numbers.push((i, cell));
                            for (j, c) in info.columns.iter().enumerate() {
                                let cell = cells.and_then(|r| r.get(j));
                                row.col(|ui| cell_ui(ui, c.ty, cell));
                            }
                        });
                    });
            });
        if scrolled.state.clamped_offset().x > 0.5 {
            let mut body = scrolled.inner_rect;
            body.min.y = body.min.y.max(body_top);
            sticky_row_numbers(ui, body, number_width, &numbers);
            // The column's "#" header stays above them.
            let head = egui::Rect::from_min_max(
                egui::pos2(scrolled.inner_rect.left(), header_cell.top()),
                egui::pos2(
                    scrolled.inner_rect.left() + number_width,
                    header_cell.bottom(),
                ),
            );
            sticky_header(ui, head, scrolled.inner_rect, lang.tr(T::RowNumber));
        }
        if let Some(e) = error {
            self.fetch_error = Some(e);
        }
        clicked
    }

    fn profile_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, info: &DatasetInfo) {
        theme::section(ui, ws.tr(T::ColumnProfile));
        ui.separator();
        let mut col = self.profile_column.clone();
        ui.horizontal(|ui| {
            let label = ui.label(RichText::new(ws.tr(T::Column)).weak());
            egui::ComboBox::from_id_salt("profile-column")
                .selected_text(col.clone().unwrap_or_default())
                .width(ui.available_width() - 8.0)
                .show_ui(ui, |ui| {
                    for c in &info.columns {
                        ui.selectable_value(&mut col, Some(c.name.clone()), &c.name);
                    }
                })
                .response
                .labelled_by(label.id);
        });
        if col != self.profile_column {
            self.profile_column = col;
            self.ensure_profile(ws);
        }
        let Some(col) = self.profile_column.clone() else {
            theme::muted(ui, ws.tr(T::PickColumn));
            return;
        };
        let Some(p) = self.profiles.get(&(info.name.clone(), col)) else {
            ui.add_space(12.0);
            ui.horizontal(|ui| {
                ui.spinner();
                theme::muted(ui, ws.tr(T::Loading));
            });
            return;
        };
        let lang = ws.lang;
        ui.add_space(4.0);
        egui::Grid::new("profile-grid")
            .num_columns(2)
            .spacing([16.0, 4.0])
            .show(ui, |ui| {
                theme::kv(ui, lang.tr(T::Type), lang.column_type(p.ty));
                theme::kv(
                    ui,
                    lang.tr(T::Role),
                    p.role.map_or(lang.tr(T::NoRole), |r| lang.role(r)),
                );
                theme::kv(ui, lang.tr(T::Rows), int(p.rows));
                theme::kv(
                    ui,
                    lang.tr(T::Nulls),
                    format!("{} ({:.1}%)", int(p.nulls), p.null_share() * 100.0),
                );
                theme::kv(ui, lang.tr(T::Distinct), int(p.distinct));
                theme::kv(ui, lang.tr(T::Min), short(p.min.as_ref()));
                theme::kv(ui, lang.tr(T::Max), short(p.max.as_ref()));
            });

        if let Some(h) = &p.histogram {
            theme::section(ui, lang.tr(T::Distribution));
            histogram_ui(ui, lang, h, &p.column);
        }

        if !p.top.is_empty() {
            theme::section(ui, lang.tr(T::TopValues));
            let max = p.top.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
            // The value column takes the width its widest value needs (ids and dates were cut
            // to "201…"), leaving room for the bar and its count; only longer text truncates.
            let font = egui::TextStyle::Body.resolve(ui.style());
            let color = ui.visuals().text_color();
            let widest = p
                .top
                .iter()
                .map(|(v, _)| {
                    ui.ctx()
                        .fonts_mut(|f| f.layout_no_wrap(v.display(), font.clone(), color))
                        .size()
                        .x
                })
                .fold(0.0_f32, f32::max);
            let value_width = widest.min((ui.available_width() - 130.0).max(60.0)).ceil();
            egui::Grid::new("profile-top")
                .num_columns(2)
                .spacing([12.0, 3.0])
                .striped(true)
                .show(ui, |ui| {
                    for (v, n) in &p.top {
                        ui.allocate_ui_with_layout(
                            egui::vec2(value_width, 0.0),
                            Layout::left_to_right(Align::Center),
                            |ui| {
                                ui.set_min_width(value_width);
                                ui.add(egui::Label::new(v.display()).truncate());
                            },
                        );
                        ui.horizontal(|ui| {
                            let w = 60.0 * (*n as f32 / max as f32);
                            let (rect, _) =
                                ui.allocate_exact_size(egui::vec2(60.0, 8.0), egui::Sense::hover());
                            let bar = egui::Rect::from_min_size(rect.min, egui::vec2(w, 8.0));
                            ui.painter()
                                .rect_filled(bar, 2.0, theme::ACCENT.linear_multiply(0.7));
                            ui.label(RichText::new(int(*n)).small());
                        });
                        ui.end_row();
                    }
                });
        }
    }
}

/// Draws the row numbers over the left edge of a table scrolled sideways (`view`), so that they
/// stay in view like a fixed column: each on the table's stripe, clipped to the table's body
/// (`view` below the header).
fn sticky_row_numbers(ui: &mut Ui, view: egui::Rect, width: f32, numbers: &[(usize, egui::Rect)]) {
    let visuals = ui.visuals().clone();
    let clip = view.intersect(ui.clip_rect());
    for &(i, cell) in numbers {
        let rect = egui::Rect::from_min_max(
            egui::pos2(view.left(), cell.top()),
            egui::pos2(view.left() + width, cell.bottom()),
        );
        if !clip.intersects(rect) {
            continue;
        }
        let mut child = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(rect)
                .layout(Layout::right_to_left(Align::Center)),
        );
        child.set_clip_rect(clip);
        child.painter().rect_filled(rect, 0.0, visuals.panel_fill);
        if i % 2 == 0 {
            child
                .painter()
                .rect_filled(rect, 0.0, visuals.faint_bg_color);
        }
        child.painter().vline(
            rect.right(),
            rect.y_range(),
            visuals.widgets.noninteractive.bg_stroke,
        );
        child.add(
            egui::Label::new(RichText::new(int(i as u64 + 1)).weak().small()).selectable(false),
        );
    }
}

/// Draws the row numbers' header over the left edge of a table scrolled sideways, like a fixed
/// column's header (`rect` in the header row, clipped to the table's `view`).
fn sticky_header(ui: &mut Ui, rect: egui::Rect, view: egui::Rect, text: &str) {
    let clip = view.intersect(ui.clip_rect());
    if !clip.intersects(rect) {
        return;
    }
    let visuals = ui.visuals().clone();
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::left_to_right(Align::Center)),
    );
    child.set_clip_rect(clip);
    child.painter().rect_filled(rect, 0.0, visuals.panel_fill);
    child.painter().vline(
        rect.right(),
        rect.y_range(),
        visuals.widgets.noninteractive.bg_stroke,
    );
    child.add(egui::Label::new(RichText::new(text).weak()).selectable(false));
}

fn dataset_item(ui: &Ui, ws: &Workspace, d: &DatasetInfo) -> egui::text::LayoutJob {
    use egui::text::{LayoutJob, TextFormat};
    let style = ui.style();
    let strong = TextFormat {
        font_id: egui::FontId::proportional(14.0),
        color: style.visuals.strong_text_color(),
        ..Default::default()
    };
    let weak = TextFormat {
        font_id: egui::FontId::proportional(11.5),
        color: style.visuals.weak_text_color(),
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    job.append(&d.name, 0.0, strong);
    let source = d
        .sources
        .first()
        .map(|s| {
            std::path::Path::new(&s.path)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| s.path.clone())
        })
        .unwrap_or_default();
    let when = d
        .imported_at
        .get(..16)
        .unwrap_or(&d.imported_at)
        .replace('T', " ");
    job.append(
        &format!(
            "\n{}\n{} · {}",
            ws.lang.f(T::RowsColumns, &[&int(d.rows), &d.columns.len()]),
            source,
            when
        ),
        0.0,
        weak,
    );
    job
}

fn column_width(c: &ColumnInfo, pii: bool) -> f32 {
    let by_type: f32 = match c.ty {
        ColumnType::Integer | ColumnType::Float | ColumnType::Boolean => 90.0,
        ColumnType::Date => 100.0,
        ColumnType::Datetime => 150.0,
        ColumnType::Text => 150.0,
    };
    // Room for the header and its sort arrow.
    by_type
        .max(c.name.chars().count() as f32 * 7.5 + 26.0 + if pii { 90.0 } else { 0.0 })
        .min(320.0)
}

fn column_tooltip(lang: crate::i18n::Lang, c: &ColumnInfo) -> String {
    let mut s = format!("{} · {}", c.name, lang.column_type(c.ty));
    if let Some(r) = c.role {
        s.push_str(&format!(" · {}", lang.role(r)));
    }
    s.push('\n');
    s.push_str(lang.tr(T::SortHint));
    s
}

fn cell_ui(ui: &mut Ui, ty: ColumnType, cell: Option<&Cell>) {
    let Some(cell) = cell else {
        ui.label(RichText::new("…").weak());
        return;
    };
    if *cell == Cell::Null {
        return;
    }
    let text = cell.display();
    let numeric = matches!(cell, Cell::Int(_) | Cell::Real(_)) && ty.is_numeric();
    if numeric {
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            ui.add(egui::Label::new(text).truncate());
        });
    } else {
        ui.add(egui::Label::new(text).truncate());
    }
}

fn short(c: Option<&Cell>) -> String {
    let s = c.map(Cell::display).unwrap_or_default();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn histogram_ui(ui: &mut Ui, lang: crate::i18n::Lang, h: &crate::profile::Histogram, column: &str) {
    use egui_plot::{Bar, BarChart, Plot};
    let temporal = h.temporal;
    let bars: Vec<Bar> = h
        .bins
        .iter()
        .map(|b| {
            Bar::new((b.lo + b.hi) / 2.0, b.count as f64)
                .width((b.hi - b.lo) * 0.9)
                .name(format!(
                    "{} – {}",
                    format_edge(b.lo, temporal),
                    format_edge(b.hi, temporal)
                ))
        })
        .collect();
    let count = lang.tr(T::Count).to_string();
    let chart = BarChart::new(column, bars)
        .color(theme::ACCENT)
        .element_formatter(Box::new(move |bar, _| {
            format!(
                "{}\n{}: {}",
                bar.name,
                count,
                int(bar.value.max(0.0) as u64)
            )
        }));
    let plot = Plot::new(("histogram", column));
    crate::ui::widgets::charts::dense_x_axis(plot, String::new(), move |m, _| {
        format_edge(m.value, temporal)
    })
    .height(150.0)
    .allow_drag(false)
    .allow_zoom(false)
    .allow_scroll(false)
    .allow_boxed_zoom(false)
    .allow_double_click_reset(false)
    .show_grid([false, true])
    .y_axis_min_width(28.0)
    .y_axis_formatter(|m, _| {
        if m.value < 0.0 {
            String::new()
        } else {
            int(m.value as u64)
        }
    })
    .show(ui, |p| p.bar_chart(chart));
}
