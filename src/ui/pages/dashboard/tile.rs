//! One dashboard tile: the title with a small menu (open in the builder, rename, size, KPI,
//! move, remove), the chart or its KPI number, and a line saying what it was computed from.

use super::{Tile, TileAction};
use crate::explore::cards::{Card, CardSize, can_be_kpi, kpi_of};
use crate::explore::chart::ChartData;
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
    ends: (bool, bool),
) -> Option<TileAction> {
    let mut action = None;
    let card = t.chart.card;
    let chart_height = match card.size {
        CardSize::Tall => CHART_HEIGHT * 2.0 + 90.0,
        _ => CHART_HEIGHT,
    };
    // Tiles sit in a row; inside, everything is top-down.
    let top_down = Layout::top_down(Align::Min);
    ui.allocate_ui_with_layout(egui::vec2(width, chart_height + 90.0), top_down, |ui| {
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
                                if let Some(a) = card_menu(ui, lang, t, ends) {
                                    action = Some(a);
                                    ui.close();
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
            let size = egui::vec2(ui.available_width(), chart_height);
            ui.allocate_ui_with_layout(size, top_down, |ui| {
                ui.set_min_size(size);
                match &t.result {
                    Some(Ok(ChartData::Table(table))) if card.kpi => kpi_ui(ui, lang, table),
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

/// The card's part of the tile menu: its size, KPI or chart, and its place.
fn card_menu(ui: &mut Ui, lang: Lang, t: &Tile, (first, last): (bool, bool)) -> Option<TileAction> {
    let card = t.chart.card;
    let mut action = None;
    theme::muted(ui, lang.tr(T::DashCardSize));
    for size in CardSize::ALL {
        if ui
            .radio(card.size == size, lang.tr(size_label(size)))
            .clicked()
            && card.size != size
        {
            action = Some(TileAction::SetCard(Card { size, ..card }));
        }
    }
    if can_be_kpi(&t.chart) {
        let mut kpi = card.kpi;
        if ui.checkbox(&mut kpi, lang.tr(T::DashShowKpi)).changed() {
            action = Some(TileAction::SetCard(Card { kpi, ..card }));
        }
    }
    ui.separator();
    if ui
        .add_enabled(!first, egui::Button::new(lang.tr(T::DashMoveLeft)))
        .clicked()
    {
        action = Some(TileAction::Move(-1));
    }
    if ui
        .add_enabled(!last, egui::Button::new(lang.tr(T::DashMoveRight)))
        .clicked()
    {
        action = Some(TileAction::Move(1));
    }
    action
}

pub(super) fn size_label(s: CardSize) -> T {
    match s {
        CardSize::Small => T::DashSizeSmall,
        CardSize::Wide => T::DashSizeWide,
        CardSize::Tall => T::DashSizeTall,
    }
}

/// A KPI: the last period's value, large, and its change against the period before.
fn kpi_ui(ui: &mut Ui, lang: Lang, table: &crate::explore::AggTable) {
    let Some(k) = kpi_of(table) else {
        theme::muted(ui, lang.tr(T::DashKpiNoData));
        return;
    };
    let period = |key: &crate::explore::table::Key| {
        key.label(table.grain, lang.tr(T::Missing), lang.tr(T::OtherGroup))
    };
    ui.add_space(24.0);
    ui.vertical_centered(|ui| {
        if let Some(m) = table.measures.first() {
            theme::muted(ui, format!("{m} · {}", period(&k.period)));
        }
        ui.label(
            RichText::new(crate::format::number(k.value))
                .size(40.0)
                .strong(),
        );
        match (k.change(), &k.previous) {
            (Some(c), Some((prev, _))) => {
                let arrow = if c >= 0.0 { "▲" } else { "▼" };
                let sign = if c >= 0.0 { "+" } else { "" };
                let text = lang.f(
                    T::DashKpiChange,
                    &[
                        &format!("{arrow} {sign}{}", crate::format::percent(c)),
                        &period(prev),
                    ],
                );
                let color = if c >= 0.0 {
                    theme::ACCENT
                } else {
                    theme::error_color(ui)
                };
                ui.label(RichText::new(text).color(color).size(16.0));
            }
            _ => {
                theme::muted(ui, lang.tr(T::DashKpiNoPrevious));
            }
        }
        if let Some(p) = &k.left_out {
            theme::muted(ui, lang.f(T::DashKpiLeftOut, &[&period(p)]));
        }
    });
}
