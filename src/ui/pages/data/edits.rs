//! The Data page's dataset actions that change a dataset in place: rename (a small dialog with
//! the name checked as it is typed) and add files (the dataset's own files read again with the
//! new ones), each as a job.

use crate::dataset::DatasetInfo;
use crate::i18n::{T, int};
use crate::store::{Project, validate_dataset_name};
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::widgets::FileDialog;
use egui::{RichText, Ui};
use std::path::PathBuf;

/// What a finished edit did.
pub enum Edit {
    Renamed {
        from: String,
        to: String,
    },
    Added {
        dataset: String,
        files: usize,
        rows: u64,
    },
}

/// The rename dialog's state.
struct RenameForm {
    from: String,
    to: String,
    focus: bool,
}

#[derive(Default)]
pub struct Edits {
    job: JobSlot<Edit>,
    rename: Option<RenameForm>,
    /// Add files asked for this dataset (the file dialog may answer in a later frame).
    add_to: Option<String>,
    ask_add: bool,
}

impl Edits {
    pub fn busy(&self) -> bool {
        self.job.is_running()
    }

    /// Rename… and Add files…, as items of the dataset menu (buttons and right-click).
    pub fn menu_items(&mut self, ui: &mut Ui, ws: &mut Workspace, info: &DatasetInfo) {
        let lang = ws.lang;
        let enabled = !self.busy() && ws.project.as_ref().is_some_and(|p| !p.is_read_only());
        if ui
            .add_enabled(enabled, egui::Button::new(lang.tr(T::RdRename)))
            .clicked()
        {
            self.rename = Some(RenameForm {
                from: info.name.clone(),
                to: info.name.clone(),
                focus: true,
            });
            ui.close();
        }
        if ui
            .add_enabled(
                enabled && !info.sources.is_empty(),
                egui::Button::new(lang.tr(T::RdAddFiles)),
            )
            .on_hover_text(lang.tr(T::RdAddFilesHint))
            .clicked()
        {
            self.add_to = Some(info.name.clone());
            self.ask_add = true;
            ui.close();
        }
    }

    /// Takes a finished edit: says what it did, reads the catalog again, and returns the
    /// dataset to show (the renamed one, or the one files were added to).
    pub fn logic(&mut self, ws: &mut Workspace) -> Option<String> {
        let edit = self.job.poll_report(ws)?;
        ws.refresh_catalog();
        let lang = ws.lang;
        Some(match edit {
            Edit::Renamed { from, to } => {
                ws.notice = Some(lang.f(T::RdRenamed, &[&from, &to]));
                to
            }
            Edit::Added {
                dataset,
                files,
                rows,
            } => {
                ws.notice = Some(lang.f(T::RdAdded, &[&int(files as u64), &dataset, &int(rows)]));
                dataset
            }
        })
    }

    /// The rename dialog and the add-files file dialog. Call every frame.
    pub fn dialogs(&mut self, ctx: &egui::Context, ws: &mut Workspace) {
        let lang = ws.lang;
        if let Some(name) = self.add_to.clone()
            && let Some(files) = FileDialog::new("data-add-files")
                .title(lang.f(T::RdAddFilesTitle, &[&name]))
                .filter(lang.tr(T::DataFiles), crate::import::DATA_EXTENSIONS)
                .pick_files(ctx, std::mem::take(&mut self.ask_add))
        {
            self.add_to = None;
            self.add_files(ws, name, files);
        }
        self.rename_dialog(ctx, ws);
    }

    fn rename_dialog(&mut self, ctx: &egui::Context, ws: &mut Workspace) {
        let lang = ws.lang;
        let Some(form) = &mut self.rename else {
            return;
        };
        let to = form.to.trim().to_string();
        let problem = if to == form.from {
            None
        } else if validate_dataset_name(&to).is_err() {
            Some(lang.tr(T::RdNameRule).to_string())
        } else if ws
            .datasets
            .iter()
            .any(|d| d.name.eq_ignore_ascii_case(&to) && d.name != form.from)
        {
            Some(lang.f(T::ErrDatasetExists, &[&to]))
        } else {
            None
        };
        let mut go = false;
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("data-rename")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.label(RichText::new(lang.f(T::RdRenameTitle, &[&form.from])).strong());
            ui.add_space(4.0);
            ui.label(lang.tr(T::RdRenameBody));
            ui.add_space(6.0);
            let label = ui.label(lang.tr(T::RdNewName));
            let edit = ui
                .add(egui::TextEdit::singleline(&mut form.to).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            if std::mem::take(&mut form.focus) {
                edit.request_focus();
            }
            if let Some(p) = &problem {
                ui.label(RichText::new(p).color(ui.visuals().error_fg_color));
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let ok = problem.is_none() && to != form.from;
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui
                    .add_enabled(ok, egui::Button::new(lang.tr(T::RdRenameNow)))
                    .clicked()
                    || (ok && enter)
                {
                    go = true;
                }
                if ui.button(lang.tr(T::Cancel)).clicked() {
                    close = true;
                }
            });
        });
        if go {
            let from = form.from.clone();
            self.rename = None;
            self.start_rename(ws, from, to);
        } else if close || modal.should_close() {
            self.rename = None;
        }
    }

    fn start_rename(&mut self, ws: &mut Workspace, from: String, to: String) {
        let Some(path) = ws.project_path() else {
            return;
        };
        self.job
            .start(ws, T::RdJobRename, from.clone(), move |_rep| {
                let mut p = Project::open(&path)?;
                p.rename_dataset(&from, &to)?;
                Ok(Edit::Renamed { from, to })
            });
    }

    fn add_files(&mut self, ws: &mut Workspace, dataset: String, files: Vec<PathBuf>) {
        let Some(path) = ws.project_path() else {
            return;
        };
        self.job
            .start(ws, T::RdJobAddFiles, dataset.clone(), move |rep| {
                let mut p = Project::open(&path)?;
                let n = files.len();
                let r = crate::import::add_files(&mut p, &dataset, &files, rep)?;
                Ok(Edit::Added {
                    dataset,
                    files: n,
                    rows: r.rows,
                })
            });
    }
}
