//! The Activity page: the project's append-only log of imports, exports, deletions, rebuilds,
//! backups, restores and erasures, with filters by action, dataset, text and date range.

mod sentence;

use crate::i18n::{T, int};
use crate::store::{ActivityEntry, ActivityFilter, Project};
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::path::PathBuf;

/// Entries the page shows at most.
const SHOWN: usize = 1000;

/// What a list was read for: the project, the filters, and the log as the window last read it
/// (newest entry id, count).
type ListKey = (PathBuf, ActivityFilter, i64, usize);

/// A list read by a job: the entries that pass, and the actions and datasets to filter by.
struct Read {
    key: ListKey,
    entries: Vec<ActivityEntry>,
    choices: (Vec<String>, Vec<String>),
}

#[derive(Default)]
pub struct ActivityPage {
    /// The filters as the user set them (dates as typed).
    filter: ActivityFilter,
    /// The entries that pass, for the key they were read for.
    shown: Option<(ListKey, Vec<ActivityEntry>)>,
    error: Option<String>,
    choices: (Vec<String>, Vec<String>),
    /// The list being read, and what for.
    job: JobSlot<Read>,
    asked: Option<ListKey>,
}

impl ActivityPage {
    /// The filters as the user set them.
    pub fn filter(&self) -> &ActivityFilter {
        &self.filter
    }

    /// Sets the filters, as the page's choosers and boxes do.
    pub fn set_filter(&mut self, filter: ActivityFilter) {
        self.filter = filter;
    }

    /// The entries shown: those that passed the filters when last read.
    pub fn shown(&self) -> Option<&[ActivityEntry]> {
        self.shown.as_ref().map(|(_, v)| v.as_slice())
    }

    /// Takes a finished read of the list (once per frame).
    pub fn logic(&mut self, ws: &Workspace) {
        let Some(done) = self.job.poll() else {
            return;
        };
        match done {
            Ok(r) => {
                self.error = None;
                self.choices = r.choices;
                self.shown = Some((r.key, r.entries));
            }
            Err(crate::Error::Cancelled) => {}
            // A date being typed: keep the last list, say what is wrong.
            Err(e) => self.error = Some(crate::ui::explain::explain(ws.lang, &e)),
        }
    }

    /// Reads the list again, as a job, when the filters or the log changed (while the page is
    /// shown).
    fn read_if_changed(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            self.shown = None;
            self.asked = None;
            return;
        };
        let key = (
            path.clone(),
            self.filter.clone(),
            ws.activity.first().map_or(0, |e| e.id),
            ws.activity.len(),
        );
        if self.asked.as_ref() == Some(&key) {
            return;
        }
        self.asked = Some(key.clone());
        let filter = self.filter.clone();
        self.job
            .start(ws, T::JobActivity, String::new(), move |_rep| {
                let p = Project::open_read_only(&path)?;
                Ok(Read {
                    entries: p.activity_filtered(&filter, SHOWN)?,
                    choices: p.activity_choices()?,
                    key,
                })
            });
    }

    /// The entries passing the filter, as last read.
    fn entries(&self) -> &[ActivityEntry] {
        self.shown().unwrap_or(&[])
    }

    fn filters_ui(&mut self, ui: &mut Ui, ws: &Workspace) {
        let lang = ws.lang;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(lang.tr(T::PvActionFilter));
            let mut action = self.filter.action.clone();
            egui::ComboBox::from_id_salt("activity-action")
                .selected_text(
                    action
                        .as_deref()
                        .map_or_else(|| lang.tr(T::PvAnyAction).to_string(), |a| lang.action(a)),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut action, None, lang.tr(T::PvAnyAction));
                    for a in &self.choices.0 {
                        ui.selectable_value(&mut action, Some(a.clone()), lang.action(a));
                    }
                })
                .response
                .labelled_by(l.id);
            self.filter.action = action;
            let l = ui.label(lang.tr(T::Dataset));
            let mut dataset = self.filter.dataset.clone();
            egui::ComboBox::from_id_salt("activity-dataset")
                .selected_text(
                    dataset
                        .clone()
                        .unwrap_or_else(|| lang.tr(T::PvAnyDataset).into()),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut dataset, None, lang.tr(T::PvAnyDataset));
                    for d in &self.choices.1 {
                        ui.selectable_value(&mut dataset, Some(d.clone()), d);
                    }
                })
                .response
                .labelled_by(l.id);
            self.filter.dataset = dataset;
            let field =
                |ui: &mut Ui, label: T, value: &mut Option<String>, width: f32, hint: Option<T>| {
                    let l = ui.label(lang.tr(label));
                    let mut text = value.clone().unwrap_or_default();
                    let mut edit = egui::TextEdit::singleline(&mut text).desired_width(width);
                    if let Some(h) = hint {
                        edit = edit.hint_text(lang.tr(h));
                    }
                    ui.add(edit).labelled_by(l.id);
                    *value = Some(text).filter(|t| !t.is_empty());
                };
            field(ui, T::PvTextFilter, &mut self.filter.text, 160.0, None);
            field(
                ui,
                T::PvSince,
                &mut self.filter.since,
                96.0,
                Some(T::PvDateHint),
            );
            field(
                ui,
                T::PvUntil,
                &mut self.filter.until,
                96.0,
                Some(T::PvDateHint),
            );
            if self.filter != ActivityFilter::default()
                && ui.button(lang.tr(T::PvClearFilters)).clicked()
            {
                self.filter = ActivityFilter::default();
            }
        });
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                theme::page_header(ui, ws.tr(T::ActivityTitle), Some(ws.tr(T::PvAppendOnly)));
                ui.with_layout(Layout::right_to_left(Align::Min), |ui| {
                    if ui.button(ws.tr(T::Refresh)).clicked() {
                        ws.refresh_catalog();
                    }
                });
            });
            if ws.activity.is_empty() {
                theme::muted(ui, ws.tr(T::NoActivity));
                return;
            }
            self.filters_ui(ui, ws);
            self.read_if_changed(ws);
            let entries = self.entries();
            ui.horizontal(|ui| {
                theme::muted(ui, ws.lang.f(T::PvEntries, &[&int(entries.len() as u64)]));
                if let Some(e) = &self.error {
                    ui.label(RichText::new(e).color(theme::error_color(ui)));
                }
            });
            ui.add_space(4.0);
            let lang = ws.lang;
            TableBuilder::new(ui)
                .id_salt("activity-table")
                .striped(true)
                .resizable(true)
                .auto_shrink([false, false])
                .cell_layout(Layout::left_to_right(Align::Center))
                .column(Column::initial(160.0).at_least(120.0))
                .column(Column::initial(90.0).at_least(60.0))
                .column(Column::initial(150.0).at_least(80.0).clip(true))
                .column(Column::initial(90.0).at_least(60.0))
                .column(Column::remainder().at_least(120.0).clip(true))
                .header(theme::HEADER_HEIGHT, |mut h| {
                    for (k, right) in [
                        (T::Time, false),
                        (T::Action, false),
                        (T::Dataset, false),
                        (T::Rows, true),
                        (T::Details, false),
                    ] {
                        h.col(|ui| {
                            let layout = if right {
                                Layout::right_to_left(Align::Center)
                            } else {
                                Layout::left_to_right(Align::Center)
                            };
                            ui.with_layout(layout, |ui| {
                                ui.label(RichText::new(lang.tr(k)).strong())
                            });
                        });
                    }
                })
                .body(|body| {
                    body.rows(theme::ROW_HEIGHT, entries.len(), |mut row| {
                        let Some(e) = entries.get(row.index()) else {
                            return;
                        };
                        row.col(|ui| {
                            let when = e.at.get(..19).unwrap_or(&e.at).replace('T', " ");
                            ui.label(when);
                        });
                        row.col(|ui| {
                            ui.label(lang.action(&e.action));
                        });
                        row.col(|ui| {
                            ui.add(
                                egui::Label::new(e.dataset.clone().unwrap_or_default()).truncate(),
                            );
                        });
                        row.col(|ui| {
                            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                ui.label(e.rows.map(int).unwrap_or_default());
                            });
                        });
                        row.col(|ui| {
                            let d = sentence::sentence(lang, e);
                            ui.add(egui::Label::new(RichText::new(&d).weak()).truncate())
                                .on_hover_text(d);
                        });
                    });
                });
        });
    }
}
