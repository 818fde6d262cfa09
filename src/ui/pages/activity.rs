//! The Activity page: the project's append-only log of imports, exports, deletions and rebuilds.

use crate::i18n::{T, int};
use crate::ui::state::Workspace;
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

#[derive(Default)]
pub struct ActivityPage;

impl ActivityPage {
    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                theme::page_header(ui, ws.tr(T::ActivityTitle), None);
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
                    body.rows(theme::ROW_HEIGHT, ws.activity.len(), |mut row| {
                        let Some(e) = ws.activity.get(row.index()) else {
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
                            let d = details(&e.detail);
                            ui.add(egui::Label::new(RichText::new(&d).weak()).truncate())
                                .on_hover_text(d);
                        });
                    });
                });
        });
    }
}

/// The detail object of an entry as `key: value` pairs.
fn details(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                serde_json::Value::Array(a) => format!(
                    "{k}: {}",
                    a.iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
