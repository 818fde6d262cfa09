//! "Where should this file go?": a data file opened from the system (`loupe orders.csv`, "Open
//! with Loupe", or dropped on the window before any project is open) asks which project to
//! import it into, then opens that project and shows the import preview.

use crate::i18n::{Lang, T};
use crate::ui::theme;
use egui::RichText;
use std::path::PathBuf;

/// The files waiting for a project.
pub struct ImportWhere {
    files: Vec<PathBuf>,
}

/// What the user chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhereChoice {
    /// Still deciding.
    Undecided,
    /// This existing project.
    Into(PathBuf),
    /// A project picked with the open dialog.
    Other,
    /// A new project (the new-project dialog).
    New,
    Cancel,
}

impl ImportWhere {
    pub fn new(files: Vec<PathBuf>) -> ImportWhere {
        ImportWhere { files }
    }

    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Draws the dialog with the recent projects (those that still exist) to choose from.
    pub fn show(&self, ctx: &egui::Context, lang: Lang, recent: &[PathBuf]) -> WhereChoice {
        let mut choice = WhereChoice::Undecided;
        let names: Vec<String> = self
            .files
            .iter()
            .map(|f| {
                f.file_name()
                    .unwrap_or(f.as_os_str())
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let modal = egui::Modal::new(egui::Id::unique("import-where")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.label(
                RichText::new(lang.f(T::WhereTitle, &[&names.join(", ")]))
                    .strong()
                    .size(16.0),
            );
            ui.add_space(4.0);
            ui.label(lang.tr(T::WhereBody));
            let recent: Vec<&PathBuf> = recent.iter().filter(|p| p.exists()).take(6).collect();
            if !recent.is_empty() {
                ui.add_space(8.0);
                theme::section(ui, lang.tr(T::WhereRecent));
                for p in recent {
                    let name = p
                        .file_stem()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if ui
                        .button(format!("{} {name}", theme::icon::OPEN))
                        .on_hover_text(p.display().to_string())
                        .clicked()
                    {
                        choice = WhereChoice::Into(p.clone());
                    }
                }
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui
                    .button(format!("{} {}", theme::icon::NEW, lang.tr(T::WhereNew)))
                    .clicked()
                {
                    choice = WhereChoice::New;
                }
                if ui.button(lang.tr(T::WhereOpenOther)).clicked() {
                    choice = WhereChoice::Other;
                }
                if ui.button(lang.tr(T::Cancel)).clicked() {
                    choice = WhereChoice::Cancel;
                }
            });
        });
        if choice == WhereChoice::Undecided && modal.should_close() {
            WhereChoice::Cancel
        } else {
            choice
        }
    }
}
