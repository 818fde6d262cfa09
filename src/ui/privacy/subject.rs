//! The customer data request window: find everything about one customer id, export it (JSON or
//! CSV), or erase it everywhere after a confirmation.

use crate::i18n::{Lang, T, int};
use crate::privacy::subject::{self, Erasure, Place, SubjectFormat, SubjectReport};
use crate::store::Project;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use std::path::PathBuf;

/// What a job of the window produced.
pub enum SubjectOutput {
    Found(SubjectReport),
    Exported(PathBuf),
    Erased(Erasure),
}

/// State of the window.
#[derive(Default)]
pub struct SubjectWindow {
    id: String,
    report: Option<SubjectReport>,
    confirming: bool,
    purge_backups: bool,
    /// Also replace the id in written text and the activity log.
    redact_text: bool,
    erased: Option<Erasure>,
    message: Option<String>,
    job: JobSlot<SubjectOutput>,
}

fn place_label(lang: Lang, p: &Place) -> &'static str {
    lang.tr(match p {
        Place::Rows => T::PvPlaceRows,
        Place::Cells => T::PvPlaceCells,
        Place::Snapshot => T::PvPlaceSnapshot,
        Place::Mention => T::PvPlaceMention,
        Place::Log => T::PvPlaceLog,
        Place::Text => T::PvPlaceText,
    })
}

impl SubjectWindow {
    /// The customer id, as typed.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the last search found.
    pub fn report(&self) -> Option<&SubjectReport> {
        self.report.as_ref()
    }

    /// What the last erasure did.
    pub fn erased(&self) -> Option<&Erasure> {
        self.erased.as_ref()
    }

    fn spawn(
        &mut self,
        ws: &mut Workspace,
        work: impl FnOnce(&PathBuf) -> crate::Result<SubjectOutput> + Send + 'static,
    ) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let id = self.id.trim().to_string();
        self.job
            .start(ws, T::PvJobSubject, id, move |_rep| work(&path));
    }

    pub fn find(&mut self, ws: &mut Workspace) {
        let id = self.id.clone();
        self.report = None;
        self.erased = None;
        self.confirming = false;
        self.message = None;
        self.spawn(ws, move |path| {
            let p = Project::open_read_only(path)?;
            Ok(SubjectOutput::Found(subject::find(&p, &id)?))
        });
    }

    /// Asks where to export when `ask` is `Some`; exports when an answer comes (maybe later).
    fn export(&mut self, ctx: &egui::Context, ws: &mut Workspace, ask: Option<SubjectFormat>) {
        for format in [SubjectFormat::Json, SubjectFormat::Csv] {
            let dialog = self.export_dialog(ws.lang, format);
            if let Some(out) = dialog.save_file(ctx, ask == Some(format)) {
                self.export_to(ws, out, format);
            }
        }
    }

    fn export_dialog(&self, lang: Lang, format: SubjectFormat) -> crate::ui::widgets::FileDialog {
        let (ext, title) = match format {
            SubjectFormat::Json => ("json", T::PvExportJson),
            SubjectFormat::Csv => ("csv", T::PvExportCsv),
        };
        let safe: String = self
            .id
            .trim()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        crate::ui::widgets::FileDialog::new(("subject-export", ext))
            .title(lang.tr(title))
            .filter(ext, &[ext])
            .file_name(format!("customer-{safe}.{ext}"))
    }

    /// Exports to `out` as a job (the file dialog's answer, or a test's).
    pub fn export_to(&mut self, ws: &mut Workspace, out: PathBuf, format: SubjectFormat) {
        let id = self.id.clone();
        self.spawn(ws, move |path| {
            let p = Project::open(path)?;
            subject::export_subject(&p, &id, &out, Some(format))?;
            Ok(SubjectOutput::Exported(out))
        });
    }

    /// Erases the customer as a job.
    pub fn erase(&mut self, ws: &mut Workspace) {
        let id = self.id.clone();
        let options = subject::EraseOptions {
            purge_backups: self.purge_backups,
            redact_text: self.redact_text,
        };
        self.confirming = false;
        self.spawn(ws, move |path| {
            let mut p = Project::open(path)?;
            Ok(SubjectOutput::Erased(subject::erase_with(
                &mut p, &id, options,
            )?))
        });
    }

    /// Takes what the window's job found, wrote or erased (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        if let Some(o) = self.job.poll_keep() {
            self.on_output(ws, o);
        }
    }

    fn on_output(&mut self, ws: &mut Workspace, o: SubjectOutput) {
        let lang = ws.lang;
        match o {
            SubjectOutput::Found(r) => self.report = Some(r),
            SubjectOutput::Exported(p) => {
                let m = lang.f(T::PvExportedTo, &[&p.display()]);
                ws.notice = Some(m.clone());
                self.message = Some(m);
                ws.refresh_activity();
            }
            SubjectOutput::Erased(e) => {
                ws.notice =
                    Some(lang.f(T::PvErased, &[&int(e.rows_deleted), &int(e.cells_cleared)]));
                self.report = None;
                self.erased = Some(e);
                ws.refresh_catalog();
            }
        }
    }

    /// Draws the window; false when it was closed.
    pub fn show(&mut self, ctx: &egui::Context, ws: &mut Workspace) -> bool {
        let mut open = true;
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("subject-window")).show(ctx, |ui| {
            ui.set_width(620.0);
            close = self.ui(ui, ws);
        });
        if modal.should_close() || close {
            open = false;
        }
        open
    }

    fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) -> bool {
        let lang = ws.lang;
        let busy = self.job.is_running();
        theme::page_header(
            ui,
            lang.tr(T::PvSubjectTitle),
            Some(lang.tr(T::PvSubjectHint)),
        );
        let mut find = false;
        ui.horizontal(|ui| {
            let l = ui.label(lang.tr(T::PvSubjectId));
            let r = ui
                .add(egui::TextEdit::singleline(&mut self.id).desired_width(260.0))
                .labelled_by(l.id);
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                find = true;
            }
            if ui
                .add_enabled(
                    !busy && !self.id.trim().is_empty(),
                    egui::Button::new(lang.tr(T::PvFind)),
                )
                .clicked()
            {
                find = true;
            }
            if busy {
                ui.spinner();
            }
        });
        if find && !busy && !self.id.trim().is_empty() {
            self.find(ws);
        }
        if let Some(e) = self
            .job
            .error()
            .map(|e| crate::ui::explain::explain(lang, e))
            && theme::error_card(ui, lang.tr(T::PvSubjectTitle), &e, lang.tr(T::Dismiss))
        {
            self.job.clear_error();
        }
        ui.add_space(theme::GAP);
        if let Some(e) = &self.erased {
            ui.label(
                RichText::new(lang.f(T::PvErased, &[&int(e.rows_deleted), &int(e.cells_cleared)]))
                    .strong(),
            );
            if e.backups_left > 0 {
                theme::muted(ui, lang.f(T::PvBackupsLeft, &[&e.backups_left]));
            }
        }
        if let Some(m) = &self.message {
            theme::muted(ui, m);
        }
        let mut erase = false;
        let mut export = None;
        if let Some(r) = &self.report {
            if r.is_empty() {
                theme::muted(ui, lang.tr(T::PvSubjectNothing));
            } else {
                ui.label(
                    RichText::new(lang.f(T::PvSubjectFound, &[&int(r.rows()), &r.id])).strong(),
                );
                egui::Grid::new("subject-found")
                    .num_columns(3)
                    .striped(true)
                    .spacing([16.0, 4.0])
                    .show(ui, |ui| {
                        ui.label(RichText::new(lang.tr(T::PvWhere)).strong());
                        ui.label(RichText::new(lang.tr(T::PvPlace)).strong());
                        ui.label(RichText::new(lang.tr(T::Count)).strong());
                        ui.end_row();
                        for f in &r.found {
                            ui.label(format!("{} · {}", f.table, f.column));
                            ui.label(place_label(lang, &f.place));
                            ui.label(int(f.count));
                            ui.end_row();
                        }
                    });
                ui.add_space(theme::GAP);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(!busy, egui::Button::new(lang.tr(T::PvExportJson)))
                        .clicked()
                    {
                        export = Some(SubjectFormat::Json);
                    }
                    if ui
                        .add_enabled(!busy, egui::Button::new(lang.tr(T::PvExportCsv)))
                        .clicked()
                    {
                        export = Some(SubjectFormat::Csv);
                    }
                    if ui
                        .add_enabled(
                            !busy && !self.confirming,
                            egui::Button::new(
                                RichText::new(lang.tr(T::PvEraseButton))
                                    .color(theme::error_color(ui)),
                            ),
                        )
                        .clicked()
                    {
                        self.confirming = true;
                    }
                });
                if self.confirming {
                    theme::card(ui, |ui| {
                        ui.label(lang.f(T::PvEraseConfirm, &[&r.id]));
                        ui.checkbox(&mut self.purge_backups, lang.tr(T::PvPurgeBackups));
                        ui.checkbox(&mut self.redact_text, lang.tr(T::EraseRedactText));
                        ui.horizontal(|ui| {
                            if ui
                                .add(
                                    egui::Button::new(
                                        RichText::new(lang.tr(T::PvEraseNow))
                                            .strong()
                                            .color(egui::Color32::WHITE),
                                    )
                                    .fill(theme::ERROR),
                                )
                                .clicked()
                            {
                                erase = true;
                            }
                            if ui.button(lang.tr(T::Cancel)).clicked() {
                                self.confirming = false;
                            }
                        });
                    });
                }
            }
        }
        self.export(ui.ctx(), ws, export);
        if erase {
            self.erase(ws);
        }
        ui.add_space(theme::GAP);
        let mut close = false;
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.button(lang.tr(T::PvClose)).clicked() {
                close = true;
            }
        });
        close
    }
}
