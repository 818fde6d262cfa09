//! The export dialog: file, columns, masking of personal data, hashed ids; the export runs as a
//! job and is logged with a snapshot.

use crate::export::ExportReport;
use crate::i18n::T;
use crate::segments::base::SegmentBase;
use crate::segments::export::{ExportSpec, export_members};
use crate::segments::{Rule, Saved, members};
use crate::store::Project;
use crate::ui::state::{JobSet, Workspace};
use crate::ui::theme;

#[derive(Default)]
pub struct ExportDialog {
    open: bool,
    path: String,
    /// The path is a bare file name, to be placed beside the project when first drawn.
    unplaced: bool,
    /// (column, exported, masked)
    columns: Vec<(String, bool, bool)>,
    hash_ids: bool,
    salt: String,
    bom: bool,
    jobs: JobSet<ExportReport>,
}

/// Columns that usually hold personal data, masked by default.
fn looks_personal(name: &str) -> bool {
    let n = name.to_lowercase();
    [
        "phone", "mobile", "email", "e-mail", "name", "手机", "电话", "邮箱", "姓名", "地址",
        "address",
    ]
    .iter()
    .any(|k| n.contains(k))
        && n != "customer_id"
}

impl ExportDialog {
    /// The exports that finished since the last frame (failures go to the error panel).
    pub fn logic(&mut self, ws: &mut Workspace) -> Vec<ExportReport> {
        self.jobs.poll_report(ws)
    }

    pub fn open(&mut self, base: &SegmentBase, name: &str) {
        self.open = true;
        let file = if name.trim().is_empty() {
            "segment".to_string()
        } else {
            name.trim().replace(['/', '\\', ':'], "_")
        };
        if self.path.is_empty() {
            // Placed in a folder when first drawn (beside the project).
            self.unplaced = true;
            self.path = format!("{file}.csv");
        }
        let names: Vec<String> = base
            .frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        if self.columns.iter().map(|c| &c.0).ne(names.iter()) {
            self.columns = names
                .into_iter()
                .map(|n| {
                    let personal = looks_personal(&n);
                    (n, true, personal)
                })
                .collect();
            self.bom = true;
        }
    }

    /// A bare file name goes beside the open project (else in the home folder).
    fn place(&mut self, ws: &Workspace) {
        if !std::mem::take(&mut self.unplaced) {
            return;
        }
        let p = std::path::Path::new(self.path.trim());
        if p.parent().is_some_and(|d| d.as_os_str().is_empty()) {
            let dir = crate::ui::widgets::file_dialog::default_dir(ws.project_path().as_deref());
            self.path = dir.join(p).display().to_string();
        }
    }

    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        ws: &mut Workspace,
        base: Option<super::lines::PageBase>,
        rule: &Rule,
        segment: Option<String>,
        saved: Saved,
    ) {
        if !self.open {
            return;
        }
        self.place(ws);
        let lang = ws.lang;
        let mut open = self.open;
        let mut go = false;
        egui::Window::new(lang.tr(T::SegExportTitle))
            .open(&mut open)
            .collapsible(false)
            .default_width(480.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label(lang.tr(T::SegFile));
                    ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(300.0))
                        .labelled_by(label.id);
                    let clicked = ui.button(lang.tr(T::Browse)).clicked();
                    if let Some(p) = crate::ui::widgets::FileDialog::new("segment-export")
                        .filter("CSV", &["csv"])
                        .filter("Excel", &["xlsx"])
                        .filter("Parquet", &["parquet"])
                        .file_name(&self.path)
                        .save_file(ui.ctx(), clicked)
                    {
                        self.path = p.display().to_string();
                    }
                });
                theme::muted(ui, lang.tr(T::SegFormats));
                ui.add_space(4.0);
                egui::ScrollArea::vertical()
                    .max_height(260.0)
                    .id_salt("segment-export-columns")
                    .show(ui, |ui| {
                        egui::Grid::new("segment-export-grid")
                            .num_columns(3)
                            .striped(true)
                            .show(ui, |ui| {
                                ui.label(lang.tr(T::SegColumn));
                                ui.label(lang.tr(T::SegInclude));
                                ui.label(lang.tr(T::SegMask));
                                ui.end_row();
                                for (name, on, mask) in &mut self.columns {
                                    ui.label(name.as_str());
                                    ui.checkbox(on, "");
                                    ui.add_enabled(
                                        *on && name != "customer_id",
                                        egui::Checkbox::new(mask, ""),
                                    );
                                    ui.end_row();
                                }
                            });
                    });
                ui.checkbox(&mut self.hash_ids, lang.tr(T::SegHashIds));
                if self.hash_ids {
                    ui.horizontal(|ui| {
                        let label = ui.label(lang.tr(T::SegSalt));
                        ui.text_edit_singleline(&mut self.salt)
                            .labelled_by(label.id);
                    });
                    ui.label(egui::RichText::new(lang.tr(T::SegSaltHint)).weak());
                    let n = self.salt.trim().chars().count();
                    if n > 0 && n < crate::segments::export::MIN_SALT_CHARS {
                        ui.colored_label(ui.visuals().warn_fg_color, lang.tr(T::SegSaltShort));
                    }
                }
                ui.checkbox(&mut self.bom, lang.tr(T::SegBom));
                ui.add_space(6.0);
                go = ui.button(lang.tr(T::SegExportGo)).clicked();
            });
        self.open = open;
        if !go {
            return;
        }
        let (Some(base), Some(project)) = (base, ws.project_path()) else {
            return;
        };
        let spec = ExportSpec {
            columns: Some(
                self.columns
                    .iter()
                    .filter(|c| c.1)
                    .map(|c| c.0.clone())
                    .collect(),
            ),
            mask: self
                .columns
                .iter()
                .filter(|c| c.1 && c.2)
                .map(|c| c.0.clone())
                .collect(),
            mask_as: Vec::new(),
            hash_ids: self.hash_ids,
            // Empty: the project's own secret salt.
            salt: Some(self.salt.trim().to_string()).filter(|s| !s.is_empty()),
            bom: self.bom,
        };
        let out = std::path::PathBuf::from(self.path.trim());
        let rule = rule.clone();
        self.open = false;
        let detail = out.display().to_string();
        self.jobs.start(ws, T::JobSegmentExport, detail, move |_| {
            let p = Project::open(&project)?;
            let base = super::lines::for_rules(&base.base, base.from.as_ref(), [&rule], &saved)?;
            let m = members(&base, &rule, &saved)?;
            export_members(
                &p,
                &base,
                segment.as_deref(),
                &rule.to_string(),
                &m,
                &out,
                &spec,
            )
        });
    }
}
