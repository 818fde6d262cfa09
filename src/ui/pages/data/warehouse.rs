//! The Data page's warehouse side. "Connect a warehouse…" opens a dialog that lists the tables a
//! warehouse's user may read (the URL from an environment variable, whose name alone the project
//! keeps), shows a table's columns with the types and roles inferred from its definition and a
//! sample, as the import dialog does, lets the user change the roles, and links the table. A
//! linked dataset's view shows where it lives, its columns and roles, and counts a segment in
//! the warehouse with what crossed the wire.

use crate::dataset::Role;
use crate::i18n::{Lang, T, int};
use crate::segments::{BaseOptions, Count, parse_rule, saved};
use crate::store::Project;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use crate::ui::widgets::combo::role_picker;
use crate::warehouse::link::{self, Link, LinkOptions};
use crate::warehouse::secret::ConnUrl;
use crate::warehouse::segments::{WarehouseBase, count};
use crate::warehouse::{TableRef, Transfer};
use egui::{RichText, Ui};

/// The page width from which a linked dataset's columns and its segment count stand side by
/// side (the grid of names, types and role boxes takes about 400 points).
const WIDE: f32 = 820.0;

/// The variable the dialog offers first.
pub const DEFAULT_URL_VAR: &str = "LOUPE_WAREHOUSE_URL";

/// A segment counted on a linked dataset.
#[derive(Debug, Clone)]
pub struct Counted {
    pub link: String,
    pub rule: String,
    pub count: Count,
    pub transfer: Transfer,
}

/// The warehouse side of the Data page: the connect dialog and the linked dataset's view.
pub struct Warehouse {
    dialog: Option<ConnectDialog>,
    /// The rule typed in a linked dataset's view.
    rule: String,
    count_job: JobSlot<Counted>,
    counted: Option<Counted>,
    unlink_job: JobSlot<String>,
    /// The variable last used, offered first next time.
    last_var: String,
}

impl Default for Warehouse {
    fn default() -> Self {
        Warehouse {
            dialog: None,
            rule: "orders >= 2".into(),
            count_job: JobSlot::default(),
            counted: None,
            unlink_job: JobSlot::default(),
            last_var: DEFAULT_URL_VAR.into(),
        }
    }
}

/// What the connect dialog holds.
struct ConnectDialog {
    var: String,
    /// A URL typed for this session (memory only), when the variable is not set.
    url: String,
    tables_job: JobSlot<Vec<TableRef>>,
    tables: Option<Vec<TableRef>>,
    inspect_job: JobSlot<Link>,
    preview: Option<Link>,
    name: String,
    link_job: JobSlot<String>,
}

impl ConnectDialog {
    fn new(var: &str) -> Self {
        ConnectDialog {
            var: var.to_string(),
            url: String::new(),
            tables_job: JobSlot::default(),
            tables: None,
            inspect_job: JobSlot::default(),
            preview: None,
            name: String::new(),
            link_job: JobSlot::default(),
        }
    }

    fn list_tables(&mut self, ws: &mut Workspace) {
        let var = self.var.trim().to_string();
        if !self.url.trim().is_empty() {
            crate::warehouse::secret::set_session_url(&var, &self.url);
            // Held by the library now; the field forgets it.
            self.url.clear();
        }
        self.tables = None;
        self.preview = None;
        self.tables_job
            .start(ws, T::JobWhTables, var.clone(), move |_rep| {
                let url = ConnUrl::from_env(&var, "the warehouse")?;
                link::tables(&url)
            });
    }

    fn inspect(&mut self, ws: &mut Workspace, table: &TableRef) {
        let var = self.var.trim().to_string();
        let opts = LinkOptions {
            name: table.table.clone(),
            url_env: var.clone(),
            table: table.text(),
            ..LinkOptions::default()
        };
        self.name = link_name(table);
        self.preview = None;
        self.inspect_job
            .start(ws, T::JobWhInspect, table.text(), move |_rep| {
                let url = ConnUrl::from_env(&var, &format!("dataset '{}'", opts.name))?;
                link::inspect(&url, &opts)
            });
    }

    fn link(&mut self, ws: &mut Workspace) {
        let (Some(path), Some(mut l)) = (ws.project_path(), self.preview.clone()) else {
            return;
        };
        l.name = self.name.trim().to_string();
        self.link_job
            .start(ws, T::JobWhLink, l.name.clone(), move |_rep| {
                let p = Project::open(&path)?;
                link::check_name(&p, &l.name, false)?;
                link::keep(&p, &l)?;
                Ok(l.name)
            });
    }
}

impl Warehouse {
    /// Opens the "Connect a warehouse" dialog.
    pub fn open_dialog(&mut self) {
        self.dialog = Some(ConnectDialog::new(&self.last_var));
    }

    /// Opens the dialog on variable `var`, lists its tables and, once listed, reads `table`
    /// (as the user would: for the guide's screenshot). Call again each frame until true.
    pub fn show_table(&mut self, ws: &mut Workspace, var: &str, table: &str) -> bool {
        let d = self.dialog.get_or_insert_with(|| ConnectDialog::new(var));
        if d.tables.is_none() {
            if !d.tables_job.is_running() {
                d.list_tables(ws);
            }
            return false;
        }
        let found = d
            .tables
            .iter()
            .flatten()
            .find(|t| t.text() == table)
            .cloned();
        match found {
            Some(t) if d.preview.is_none() && !d.inspect_job.is_running() => {
                d.inspect(ws, &t);
                false
            }
            _ => d.preview.is_some(),
        }
    }

    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
    }

    /// The last segment counted on a linked dataset.
    pub fn counted(&self) -> Option<&Counted> {
        self.counted.as_ref()
    }

    /// The link the dialog would make, once the table is read.
    pub fn preview(&self) -> Option<&Link> {
        self.dialog.as_ref()?.preview.as_ref()
    }

    /// The tables the dialog listed.
    pub fn listed_tables(&self) -> Option<&[TableRef]> {
        self.dialog.as_ref()?.tables.as_deref()
    }

    /// Takes the jobs' results; the name of a dataset just linked, for the page to show it.
    pub fn logic(&mut self, ws: &mut Workspace) -> Option<String> {
        if let Some(c) = self.count_job.poll_keep() {
            self.counted = Some(c);
        }
        if self.unlink_job.poll_report(ws).is_some() {
            ws.refresh_catalog();
        }
        let d = self.dialog.as_mut()?;
        if let Some(t) = d.tables_job.poll_keep() {
            d.tables = Some(t);
        }
        if let Some(l) = d.inspect_job.poll_keep() {
            d.preview = Some(l);
        }
        let linked = d.link_job.poll_keep()?;
        self.last_var = d.var.trim().to_string();
        self.dialog = None;
        ws.refresh_catalog();
        ws.notice = Some(ws.lang.f(T::WhLinkedNotice, &[&linked]));
        Some(linked)
    }

    /// The connect dialog, when open.
    pub fn dialog_ui(&mut self, ctx: &egui::Context, ws: &mut Workspace) {
        let lang = ws.lang;
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let mut open = true;
        let mut list = false;
        let mut inspect = None;
        let mut do_link = false;
        egui::Window::new(lang.tr(T::WhConnectTitle))
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_size([720.0, 520.0])
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label(lang.tr(T::WhUrlVar));
                    ui.add(egui::TextEdit::singleline(&mut d.var).desired_width(240.0))
                        .labelled_by(label.id);
                    let ready = !d.var.trim().is_empty() && !d.tables_job.is_running();
                    if ui
                        .add_enabled(ready, egui::Button::new(lang.tr(T::WhListTables)))
                        .clicked()
                    {
                        list = true;
                    }
                });
                theme::muted(ui, lang.tr(T::WhUrlVarHint));
                let var = d.var.trim();
                let known = !var.is_empty()
                    && (crate::warehouse::secret::session_url(var).is_some()
                        || std::env::var_os(var).is_some_and(|v| !v.is_empty()));
                if known {
                    theme::muted(
                        ui,
                        format!("{} {}", theme::icon::OK, lang.f(T::WhVarSet, &[&var])),
                    );
                } else {
                    ui.horizontal(|ui| {
                        let label = ui.label(lang.tr(T::WhSessionUrl));
                        ui.add(
                            egui::TextEdit::singleline(&mut d.url)
                                .password(true)
                                .hint_text("postgresql://user:password@host:5432/database")
                                .desired_width(320.0),
                        )
                        .labelled_by(label.id);
                    });
                    theme::muted(ui, lang.f(T::WhSessionUrlHint, &[&var]));
                }
                ui.separator();
                if d.tables_job.is_running() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        theme::muted(ui, lang.tr(T::WhListing));
                    });
                }
                if let Some(e) = d.tables_job.error() {
                    let message = crate::ui::explain::explain(lang, e);
                    theme::error_card(ui, lang.tr(T::WhListFailed), &message, "");
                }
                let Some(tables) = d.tables.clone() else {
                    return;
                };
                ui.columns(2, |cols| {
                    let ui = &mut cols[0];
                    theme::section(ui, lang.tr(T::WhTables));
                    if tables.is_empty() {
                        theme::muted(ui, lang.tr(T::WhNoTables));
                    }
                    egui::ScrollArea::vertical()
                        .id_salt("wh-tables")
                        .max_height(360.0)
                        .show(ui, |ui| {
                            for t in &tables {
                                let chosen = d.preview.as_ref().is_some_and(|p| p.table == *t)
                                    || d.inspect_job.is_running() && d.name == link_name(t);
                                if ui.selectable_label(chosen, t.text()).clicked() {
                                    inspect = Some(t.clone());
                                }
                            }
                        });
                    let ui = &mut cols[1];
                    if d.inspect_job.is_running() {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            theme::muted(ui, lang.tr(T::WhInspecting));
                        });
                    }
                    if let Some(e) = d.inspect_job.error() {
                        let message = crate::ui::explain::explain(lang, e);
                        theme::error_card(ui, lang.tr(T::WhListFailed), &message, "");
                    }
                    if let Some(p) = d.preview.as_mut() {
                        theme::section(ui, &p.table.text());
                        if let Some(n) = p.rows_estimate {
                            theme::muted(ui, lang.f(T::WhRowsEstimate, &[&int(n)]));
                        }
                        egui::ScrollArea::vertical()
                            .id_salt("wh-columns")
                            .max_height(300.0)
                            .show(ui, |ui| roles_grid(ui, lang, p));
                        ui.separator();
                        ui.horizontal(|ui| {
                            let label = ui.label(lang.tr(T::WhName));
                            ui.add(egui::TextEdit::singleline(&mut d.name).desired_width(180.0))
                                .labelled_by(label.id);
                            let ready = !d.name.trim().is_empty() && !d.link_job.is_running();
                            if ui
                                .add_enabled(ready, egui::Button::new(lang.tr(T::WhLink)))
                                .clicked()
                            {
                                do_link = true;
                            }
                        });
                        if let Some(e) = d.link_job.error() {
                            let message = crate::ui::explain::explain(lang, e);
                            theme::error_card(ui, lang.tr(T::WhLinkFailed), &message, "");
                        }
                    }
                });
            });
        if list {
            d.list_tables(ws);
        }
        if let Some(t) = inspect {
            d.inspect(ws, &t);
        }
        if do_link {
            d.link(ws);
        }
        if !open {
            self.dialog = None;
        }
    }

    /// A linked dataset's view: where it lives, its columns and roles, and a segment counted
    /// in the warehouse.
    pub fn linked_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, l: &Link) {
        let lang = ws.lang;
        theme::page_header(
            ui,
            &l.name,
            Some(&lang.f(T::WhSource, &[&l.engine.label(), &l.table.text()])),
        );
        ui.horizontal(|ui| {
            theme::muted(ui, lang.f(T::WhUrlFrom, &[&l.url_env]));
            if let Some(n) = l.rows_estimate {
                theme::muted(ui, "·");
                theme::muted(ui, lang.f(T::WhRowsEstimate, &[&int(n)]));
            }
        });
        theme::muted(ui, lang.tr(T::WhNoCopy));
        ui.add_space(8.0);
        let columns = |ui: &mut Ui| {
            theme::section(ui, lang.tr(T::RdColumns));
            egui::ScrollArea::vertical()
                .id_salt("wh-linked-columns")
                .show(ui, |ui| {
                    let mut shown = l.clone();
                    ui.add_enabled_ui(false, |ui| roles_grid(ui, lang, &mut shown));
                });
        };
        // Side by side where the columns' grid fits beside the count; else the count first.
        if ui.available_width() >= WIDE {
            ui.columns(2, |cols| {
                columns(&mut cols[0]);
                self.count_ui(&mut cols[1], ws, l);
            });
        } else {
            self.count_ui(ui, ws, l);
            ui.add_space(12.0);
            columns(ui);
        }
    }

    fn count_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, l: &Link) {
        let lang = ws.lang;
        theme::section(ui, lang.tr(T::WhCountTitle));
        let label = ui.label(lang.tr(T::WhRule));
        let edit = ui
            .add(
                egui::TextEdit::multiline(&mut self.rule)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY)
                    .code_editor(),
            )
            .labelled_by(label.id);
        let typed_enter = edit.has_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter) && i.modifiers.command);
        let mut start = typed_enter;
        ui.horizontal(|ui| {
            let running = self.count_job.is_running();
            if ui
                .add_enabled(!running, egui::Button::new(lang.tr(T::WhCount)))
                .on_hover_text("Ctrl+Enter")
                .clicked()
            {
                start = true;
            }
            if running {
                ui.spinner();
                if ui.button(lang.tr(T::Cancel)).clicked() {
                    self.count_job.reset();
                }
            }
        });
        if start && !self.count_job.is_running() {
            self.start_count(ws, l);
        }
        if let Some(e) = self.count_job.error() {
            let message = crate::ui::explain::explain(lang, e);
            theme::error_card(ui, lang.tr(T::WhCountFailed), &message, "");
        }
        if let Some(c) = self.counted.as_ref().filter(|c| c.link == l.name) {
            ui.add_space(8.0);
            ui.label(
                RichText::new(lang.f(
                    T::WhCounted,
                    &[
                        &int(c.count.count as u64),
                        &int(c.count.base as u64),
                        &format!("{:.1}%", c.count.share * 100.0),
                    ],
                ))
                .size(22.0)
                .strong(),
            );
            theme::muted(ui, lang.f(T::WhRuleWas, &[&c.rule]));
            theme::muted(
                ui,
                lang.f(
                    T::WhTransfer,
                    &[
                        &int(c.transfer.rows),
                        &crate::format::bytes(c.transfer.bytes),
                    ],
                ),
            );
        }
    }

    /// Counts `rule` on the linked dataset `l` (as typing it and pressing Count does).
    pub fn count_rule(&mut self, ws: &mut Workspace, l: &Link, rule: &str) {
        self.rule = rule.to_string();
        self.start_count(ws, l);
    }

    fn start_count(&mut self, ws: &mut Workspace, l: &Link) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let text = self.rule.trim().to_string();
        let name = l.name.clone();
        self.count_job
            .start(ws, T::JobWhCount, name.clone(), move |rep| {
                let rule = parse_rule(&text)?;
                let p = Project::open_read_only(&path)?;
                let saved = saved::saved(&p)?;
                let opts = BaseOptions {
                    dataset: Some(name.clone()),
                    ..BaseOptions::default()
                };
                let base = WarehouseBase::resolve(&p, &opts)?.ok_or_else(|| {
                    crate::Error::InvalidArgument(format!("'{name}' is not a linked dataset"))
                })?;
                let (count, transfer) = count(&base, &rule, &saved, rep)?;
                Ok(Counted {
                    link: name,
                    rule: rule.to_string(),
                    count,
                    transfer,
                })
            });
    }

    /// Removes the link `name` (the warehouse's table is not touched).
    pub fn unlink(&mut self, ws: &mut Workspace, name: &str) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let name = name.to_string();
        self.unlink_job
            .start(ws, T::JobWhUnlink, name.clone(), move |_rep| {
                link::unlink(&Project::open(&path)?, &name)?;
                Ok(name)
            });
    }
}

/// The name a table is offered under in the project.
fn link_name(t: &TableRef) -> String {
    crate::store::dataset_name_from_path(std::path::Path::new(&t.table))
}

/// The columns of a link with their types and roles; a role chosen here is the user's, and
/// leaves the column that had it.
fn roles_grid(ui: &mut Ui, lang: Lang, l: &mut Link) {
    let mut change: Option<(usize, Option<Role>)> = None;
    egui::Grid::new(("wh-roles", &l.name, l.table.text()))
        .num_columns(3)
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new(lang.tr(T::Column)).strong());
            ui.label(RichText::new(lang.tr(T::Type)).strong());
            ui.label(RichText::new(lang.tr(T::Role)).strong());
            ui.end_row();
            for (i, c) in l.columns.iter().enumerate() {
                let name = ui.label(&c.name);
                let ty = ui.label(lang.column_type(c.ty));
                if let Some(note) = &c.note {
                    ty.on_hover_text(note);
                }
                let role = role_picker(
                    ui,
                    lang,
                    ("wh-role", &l.name, &c.name),
                    c.ty,
                    c.role,
                    name.id,
                );
                if role != c.role {
                    change = Some((i, role));
                }
                ui.end_row();
            }
        });
    if let Some((i, role)) = change {
        for (k, c) in l.columns.iter_mut().enumerate() {
            if k == i {
                c.role = role;
                c.role_source = Some(crate::dataset::RoleSource::User);
            } else if role.is_some() && c.role == role {
                c.role = None;
                c.role_source = None;
            }
        }
    }
}
