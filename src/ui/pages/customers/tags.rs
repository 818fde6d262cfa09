//! The tag rules editor: each rule with the number of customers it tags; edit, remove, add.
//! Saving writes the rule to the project and rebuilds the customer table.

use crate::customers::overview::Overview;
use crate::customers::tags::{put_rule, remove_rule};
use crate::customers::write::COLUMNS;
use crate::i18n::{T, int};
use crate::ui::state::Workspace;
use crate::ui::theme;
use egui::{RichText, Ui};

#[derive(Default)]
pub struct TagEditor {
    /// The rule texts as edited, by position; filled from the overview.
    edits: Vec<String>,
    new_name: String,
    new_rule: String,
}

impl TagEditor {
    /// Draws the editor; returns true when a rule changed (the table needs rebuilding).
    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace, o: &Overview) -> bool {
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
        let mut change: Option<Result<(), crate::Error>> = None;
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
                        let project = ws.project.as_ref();
                        if ui
                            .add_enabled(*edit != r.rule, egui::Button::new(lang.tr(T::TagSave)))
                            .clicked()
                            && let Some(p) = project
                        {
                            change = Some(put_rule(p, &r.name, edit));
                        }
                        if ui.button(lang.tr(T::TagRemove)).clicked()
                            && let Some(p) = project
                        {
                            change = Some(remove_rule(p, &r.name));
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
                && let Some(p) = ws.project.as_ref()
            {
                change = Some(put_rule(p, &self.new_name, &self.new_rule));
            }
        });
        match change {
            Some(Ok(())) => {
                self.new_name.clear();
                self.new_rule.clear();
                true
            }
            Some(Err(e)) => {
                let t = lang.tr(T::TagSaveFailed);
                ws.problem(t, &e);
                false
            }
            None => false,
        }
    }
}
