//! The tag rules editor: each rule with the number of customers it tags; edit, remove, add.
//! Saving writes the rule to the project and rebuilds the customer table.

use crate::customers::overview::Overview;
use crate::customers::tags::{put_rule, remove_rule};
use crate::customers::write::COLUMNS;
use crate::i18n::{T, int};
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::{RichText, Ui};

#[derive(Default)]
pub struct TagEditor {
    /// The rule texts as edited, by position; filled from the overview.
    edits: Vec<String>,
    new_name: String,
    new_rule: String,
    /// A rule being saved or removed.
    job: JobSlot<()>,
}

/// What the user asked of the rules.
enum Change {
    Put(String, String),
    Remove(String),
}

impl TagEditor {
    /// Takes a saved change (once per frame); true when a rule changed (the table needs
    /// rebuilding).
    pub fn logic(&mut self, ws: &mut Workspace) -> bool {
        if self.job.poll_report(ws).is_none() {
            return false;
        }
        self.new_name.clear();
        self.new_rule.clear();
        true
    }

    /// Draws the editor.
    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace, o: &Overview) {
        let lang = ws.lang;
        let tags = &o.tags;
        if self.edits.len() != tags.rules.len() {
            self.edits = tags.rules.iter().map(|r| r.rule.clone()).collect();
        }
        let mut columns: Vec<&str> = COLUMNS.to_vec();
        if let Some(a) = &o.base.table.attributes {
            columns.extend(a.names.iter().map(String::as_str));
        }
        ui.add(
            egui::Label::new(RichText::new(lang.f(T::TagHelp, &[&columns.join(", ")])).weak())
                .wrap(),
        );
        ui.add_space(6.0);
        let counts = tags.counts();
        let mut change: Option<Change> = None;
        egui::Grid::new("tag-rules")
            .striped(true)
            .num_columns(4)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for k in [T::TagName, T::TagRule, T::ColCustomers] {
                    ui.label(RichText::new(lang.tr(k)).strong());
                }
                ui.label("");
                ui.end_row();
                for (i, r) in tags.rules.iter().enumerate() {
                    let name = ui
                        .label(RichText::new(lang.tag(&r.name)).strong())
                        .on_hover_text(&r.name);
                    let edit = &mut self.edits[i];
                    ui.add_sized(
                        [420.0, 22.0],
                        egui::TextEdit::singleline(edit).code_editor(),
                    )
                    .labelled_by(name.id);
                    match (counts[i], &tags.members[i]) {
                        (Some(n), _) => {
                            ui.label(lang.f(T::TagCount, &[&int(n as u64)]));
                        }
                        (None, Err(e)) => {
                            ui.label(
                                RichText::new(lang.f(T::TagError, &[e]))
                                    .color(theme::error_color(ui)),
                            );
                        }
                        _ => {
                            ui.label("");
                        }
                    }
                    ui.horizontal(|ui| {
                        if ui
                            .add_enabled(*edit != r.rule, egui::Button::new(lang.tr(T::TagSave)))
                            .clicked()
                        {
                            change = Some(Change::Put(r.name.clone(), edit.clone()));
                        }
                        if ui.button(lang.tr(T::TagRemove)).clicked() {
                            change = Some(Change::Remove(r.name.clone()));
                        }
                    });
                    ui.end_row();
                }
                ui.end_row();
            });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let name = ui.label(lang.tr(T::TagName));
            ui.add(egui::TextEdit::singleline(&mut self.new_name).desired_width(140.0))
                .labelled_by(name.id);
            let rule = ui.label(lang.tr(T::TagNewRule));
            ui.add(
                egui::TextEdit::singleline(&mut self.new_rule)
                    .desired_width(360.0)
                    .code_editor(),
            )
            .labelled_by(rule.id);
            let ready = !self.new_name.trim().is_empty() && !self.new_rule.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new(lang.tr(T::TagAdd)))
                .clicked()
            {
                change = Some(Change::Put(self.new_name.clone(), self.new_rule.clone()));
            }
            if self.job.is_running() {
                ui.spinner();
            }
        });
        let (Some(change), Some(path)) = (change, ws.project_path()) else {
            return;
        };
        self.job
            .start(ws, T::TagSaveFailed, String::new(), move |_rep| {
                let p = crate::store::Project::open(&path)?;
                match change {
                    Change::Put(name, rule) => put_rule(&p, &name, &rule),
                    Change::Remove(name) => remove_rule(&p, &name),
                }
            });
    }
}
