//! The Campaigns page's charts: a card with a title and an Export PNG button around each plot,
//! the lift-with-interval plot (egui_plot), and the PNG export through the Explore renderers.

use crate::explore::funnel::Funnel;
use crate::explore::render_interval::Interval;
use crate::format::compact;
use crate::i18n::{Lang, T};
use crate::ui::state::Workspace;
use crate::ui::theme;
use crate::ui::widgets::charts::{base_plot, category_axis, color, index_labels};
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Line, PlotPoint, PlotPoints, Points, Text};
use std::path::{Path, PathBuf};

/// The plot height inside a chart card.
pub const PLOT_HEIGHT: f32 = 240.0;
/// The size of an exported PNG.
pub const PNG_SIZE: (u32, u32) = (1400, 800);

/// A titled card of `width` with an Export PNG button; true when the button was clicked.
pub fn chart_card(
    ui: &mut Ui,
    lang: Lang,
    title: &str,
    width: f32,
    body: impl FnOnce(&mut Ui),
) -> bool {
    let mut export = false;
    let down = egui::Layout::top_down(egui::Align::Min);
    ui.allocate_ui_with_layout(egui::vec2(width, PLOT_HEIGHT + 60.0), down, |ui| {
        theme::card(ui, |ui| {
            ui.set_width(width - 26.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new(title).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    export = ui.small_button(lang.tr(T::ExportPng)).clicked();
                });
            });
            ui.allocate_ui_with_layout(egui::vec2(width - 26.0, PLOT_HEIGHT), down, |ui| {
                ui.set_height(PLOT_HEIGHT);
                body(ui);
            });
        });
    });
    export
}

/// Asks where to save a PNG named after `stem` when `open`; the answer comes in the frame it is
/// known (see `ui::widgets::file_dialog`).
pub fn pick_png(ctx: &egui::Context, stem: &str, open: bool) -> Option<PathBuf> {
    crate::ui::widgets::FileDialog::new(("png", stem))
        .file_name(format!("{stem}.png"))
        .filter("PNG", &["png"])
        .default_extension("png")
        .save_file(ctx, open)
}

/// Draws a PNG at `path` as a job (`draw` renders into the path it is given).
pub fn export_png(
    ws: &mut Workspace,
    path: PathBuf,
    draw: impl FnOnce(&Path) -> crate::Result<()> + Send + 'static,
) {
    ws.spawn_write(T::ExportPng, path, draw);
}

/// Estimates as dots with whiskers to their intervals, a line at zero; `fmt` formats values.
pub fn intervals_ui(ui: &mut Ui, id: &str, items: &[Interval], fmt: fn(f64) -> String) {
    let labels: Vec<String> = items.iter().map(|i| i.label.clone()).collect();
    let n = items.len();
    base_plot(id)
        .height(PLOT_HEIGHT)
        .x_axis_formatter(index_labels(labels))
        .y_axis_formatter(move |m, _| fmt(m.value))
        .include_x(-0.6)
        .include_x(n as f64 - 0.4)
        .include_y(0.0)
        .allow_drag(false)
        .allow_zoom(false)
        .show(ui, |p| {
            p.line(
                Line::new(
                    "0",
                    PlotPoints::from(vec![[-0.6, 0.0], [n as f64 - 0.4, 0.0]]),
                )
                .color(egui::Color32::GRAY)
                .width(1.0),
            );
            for (i, it) in items.iter().enumerate() {
                let x = i as f64;
                let c = color(i);
                if let (Some(lo), Some(hi)) = (it.low, it.high) {
                    let name = format!("{} [{}, {}]", it.label, fmt(lo), fmt(hi));
                    p.line(
                        Line::new(name.clone(), PlotPoints::from(vec![[x, lo], [x, hi]]))
                            .color(c)
                            .width(2.5),
                    );
                    for y in [lo, hi] {
                        p.line(
                            Line::new(
                                name.clone(),
                                PlotPoints::from(vec![[x - 0.12, y], [x + 0.12, y]]),
                            )
                            .color(c)
                            .width(2.5),
                        );
                    }
                }
                p.points(
                    Points::new(
                        format!("{}: {}", it.label, fmt(it.estimate)),
                        PlotPoints::from(vec![[x, it.estimate]]),
                    )
                    .color(c)
                    .radius(6.0),
                );
            }
        });
}

/// A funnel's steps as bars, each labelled with its customers and its share of the first step.
pub fn funnel_plot(ui: &mut Ui, id: &str, f: &Funnel, height: f32) {
    let Some(g) = f.groups.first() else { return };
    let labels = f.steps.clone();
    let top = g.steps.iter().map(|s| s.users).max().unwrap_or(1).max(1) as f64;
    let width = ui.available_width();
    category_axis(ui, base_plot(id), &labels, String::new(), width)
        .height(height)
        .include_y(0.0)
        .include_y(top * 1.15)
        .allow_drag(false)
        .allow_zoom(false)
        .show(ui, |p| {
            let bars: Vec<Bar> = g
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    Bar::new(i as f64, s.users as f64)
                        .width(0.7)
                        .fill(color(i))
                        .name(&labels[i])
                })
                .collect();
            p.bar_chart(BarChart::new("funnel", bars).color(color(0)));
            for (i, s) in g.steps.iter().enumerate() {
                let share = s
                    .from_first
                    .filter(|_| i > 0)
                    .map(|v| format!(" · {}", crate::format::percent(v)))
                    .unwrap_or_default();
                p.text(
                    Text::new(
                        format!("funnel-{i}"),
                        PlotPoint::new(i as f64, s.users as f64),
                        RichText::new(format!("{}{share}", crate::i18n::int(s.users))).strong(),
                    )
                    .anchor(egui::Align2::CENTER_BOTTOM),
                );
            }
        });
}

/// Axis ticks for amounts.
pub fn amount(v: f64) -> String {
    compact(v)
}

/// Axis ticks for percentage points (a rate difference of 0.007 is 0.7 pp).
pub fn points(v: f64) -> String {
    crate::format::number((v * 1e4).round() / 100.0)
}
