//! One dashboard tile: the title with a small menu (open in the builder, rename, remove), the
//! chart, and a line saying what it was computed from.

use super::{Tile, TileAction};
use crate::i18n::{Lang, T, int};
use crate::labels::kind_label;
use crate::ui::theme;
use crate::ui::widgets::charts;
use egui::{Align, Layout, RichText, Ui};

/// The height of a tile's chart, in points.
const CHART_HEIGHT: f32 = 260.0;

pub(super) fn tile_ui(
    ui: &mut Ui,
    lang: Lang,
    t: &Tile,
    index: usize,
    width: f32,
    renaming: Option<&mut String>,
) -> Option<TileAction> {
    let mut action = None;
    // Tiles sit in a row; inside, everything is top-down.
    let top_down = Layout::top_down(Align::Min);
    ui.allocate_ui_with_layout(egui::vec2(width, CHART_HEIGHT + 90.0), top_down, |ui| {
        theme::card(ui, |ui| {
            // The card's margins (12) and stroke (1) on both sides.
            ui.set_width(width - 26.0);
            match renaming {
                Some(draft) => {
                    ui.horizontal(|ui| {
                        let label = ui.label(RichText::new(lang.tr(T::ChartTitle)).weak());
                        let r = ui
                            .add(egui::TextEdit::singleline(draft).desired_width(width - 240.0))
                            .labelled_by(label.id);
                        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                        if ui.button(lang.tr(T::RenameChart)).clicked() || enter {
                            action = Some(TileAction::Rename(draft.clone()));
                        }
                        if ui.button(lang.tr(T::Cancel)).clicked() {
                            action = Some(TileAction::CancelRename);
                        }
                    });
                }
                None => {
                    ui.horizontal(|ui| {
                        ui.add(
                            egui::Label::new(RichText::new(&t.chart.title).strong().size(15.0))
                                .truncate(),
                        );
                        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                            ui.menu_button("…", |ui| {
                                if ui.button(lang.tr(T::OpenInBuilder)).clicked() {
                                    action = Some(TileAction::Open);
                                }
                                if ui.button(lang.tr(T::RenameChart)).clicked() {
                                    action = Some(TileAction::StartRename);
                                }
                                ui.separator();
                                if ui.button(lang.tr(T::RemoveChart)).clicked() {
                                    action = Some(TileAction::Remove);
                                }
                            })
                            .response
                            .on_hover_text(lang.tr(T::ChartMenu));
                        });
                    });
                }
            }
            let size = egui::vec2(ui.available_width(), CHART_HEIGHT);
            ui.allocate_ui_with_layout(size, top_down, |ui| {
                ui.set_min_size(size);
                match &t.result {
                    Some(Ok(data)) => charts::data_ui(
                        ui,
                        lang,
                        data,
                        t.chart.kind,
                        &format!("dashboard-tile-{index}"),
                        true,
                    ),
                    Some(Err(e)) => {
                        theme::error_card(ui, lang.tr(T::ChartFailed), e, "");
                    }
                    None => {
                        ui.centered_and_justified(|ui| ui.spinner());
                    }
                }
            });
            let running = t.job.is_running();
            ui.horizontal(|ui| {
                let rows = match &t.result {
                    Some(Ok(d)) => format!(" · {}", lang.f(T::RowsDone, &[&int(d.input_rows())])),
                    _ => String::new(),
                };
                theme::muted(
                    ui,
                    format!(
                        "{} · {}{rows}",
                        t.chart.spec.dataset,
                        lang.tr(kind_label(t.chart.kind))
                    ),
                );
                if running && t.result.is_some() {
                    ui.spinner();
                }
            });
        });
    });
    action
}
