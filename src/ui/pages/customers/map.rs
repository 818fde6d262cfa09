//! The 5 × 5 R × F heatmap (customers per cell, coloured by count, labelled with its RFM group;
//! a click picks the group) beside a summary of the groups.

use super::{group_label, money};
use crate::customers::overview::Overview;
use crate::customers::rfm::{RfmGroup, Score};
use crate::i18n::{Lang, T, int};
use crate::ui::theme;
use crate::ui::widgets::num_cell;
use egui::{Align, Color32, Layout, RichText, Ui};

const CELL: egui::Vec2 = egui::vec2(112.0, 58.0);

/// Draws the map; returns the group of a clicked cell.
pub fn ui(ui: &mut Ui, lang: Lang, o: &Overview) -> Option<RfmGroup> {
    let mut picked = None;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            theme::section(ui, lang.tr(T::HeatmapTitle));
            theme::muted(ui, lang.tr(T::HeatmapHint));
            ui.add_space(4.0);
            picked = heatmap(ui, lang, o);
        });
        ui.add_space(24.0);
        ui.vertical(|ui| {
            theme::section(ui, lang.tr(T::SecGroups));
            if let Some(g) = groups(ui, lang, o) {
                picked = Some(g);
            }
        });
    });
    picked
}

fn heatmap(ui: &mut Ui, lang: Lang, o: &Overview) -> Option<RfmGroup> {
    let max = o.grid.iter().flatten().copied().max().unwrap_or(0).max(1);
    let dark = ui.visuals().dark_mode;
    let base = ui.visuals().extreme_bg_color;
    let mut picked = None;
    egui::Grid::new("rf-heatmap")
        .spacing([3.0, 3.0])
        .show(ui, |ui| {
            for r in (1..=5u8).rev() {
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    ui.label(RichText::new(format!("R{r}")).strong());
                });
                for f in 1..=5u8 {
                    let (Some(rs), Some(fs)) = (Score::new(r), Score::new(f)) else {
                        continue;
                    };
                    let n = o.grid[r as usize - 1][f as usize - 1];
                    let t = (n as f32 / max as f32).sqrt();
                    let fill = lerp(base, theme::ACCENT, 0.12 + 0.88 * t);
                    let strong = t > 0.55 || (dark && t > 0.35);
                    let text_color = if strong {
                        Color32::WHITE
                    } else {
                        ui.visuals().text_color()
                    };
                    let g = RfmGroup::of(rs, fs);
                    let label = RichText::new(format!("{}\n{}", int(n), lang.tr(group_label(g))))
                        .color(text_color);
                    let b = egui::Button::new(label)
                        .fill(fill)
                        .min_size(CELL)
                        .corner_radius(egui::CornerRadius::same(4));
                    if ui
                        .add(b)
                        .on_hover_text(format!("R{r} F{f}: {}", int(n)))
                        .clicked()
                    {
                        picked = Some(g);
                    }
                }
                ui.end_row();
            }
            ui.label("");
            for f in 1..=5 {
                ui.centered_and_justified(|ui| {
                    ui.label(RichText::new(format!("F{f}")).strong());
                });
            }
            ui.end_row();
        });
    ui.horizontal(|ui| {
        theme::muted(
            ui,
            format!("↑ {}   → {}", lang.tr(T::AxisR), lang.tr(T::AxisF)),
        );
    });
    if let Some(note) = empty_scores_note(lang, o) {
        ui.add_space(4.0);
        ui.add(egui::Label::new(RichText::new(note).small().weak()).wrap());
    }
    theme::muted(ui, lang.tr(T::RfmVsStage));
    picked
}

/// Why some F (or R) scores hold nobody, and which groups are empty because of it: customers
/// with the same number of orders (or the same recency) share one score, that of their average
/// rank, so when many bought once, a whole score is skipped.
fn empty_scores_note(lang: Lang, o: &Overview) -> Option<String> {
    let cols: Vec<String> = (0..5)
        .filter(|&f| (0..5).all(|r| o.grid[r][f] == 0))
        .map(|f| format!("F{}", f + 1))
        .collect();
    let rows: Vec<String> = (0..5)
        .filter(|&r| (0..5).all(|f| o.grid[r][f] == 0))
        .map(|r| format!("R{}", r + 1))
        .collect();
    let empty: Vec<String> = cols.iter().chain(&rows).cloned().collect();
    if empty.is_empty() {
        return None;
    }
    let t = &o.base.table.customers;
    let once = t.iter().filter(|c| c.orders == 1).count();
    let share = crate::format::percent(once as f64 / t.len().max(1) as f64);
    let mut groups: Vec<&str> = Vec::new();
    for g in RfmGroup::ALL {
        let n: u64 = (1..=5u8)
            .flat_map(|r| (1..=5u8).map(move |f| (r, f)))
            .filter_map(|(r, f)| {
                let (rs, fs) = (Score::new(r)?, Score::new(f)?);
                (RfmGroup::of(rs, fs) == g).then(|| o.grid[r as usize - 1][f as usize - 1])
            })
            .sum();
        if n == 0 {
            groups.push(lang.tr(group_label(g)));
        }
    }
    let sep = if lang == Lang::ZhCn { "、" } else { ", " };
    let mut note = lang.f(T::RfmEmptyScores, &[&empty.join(sep), &share]);
    if !groups.is_empty() {
        note.push(' ');
        note.push_str(&lang.f(T::RfmEmptyGroups, &[&groups.join(sep)]));
    }
    Some(note)
}

fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

fn groups(ui: &mut Ui, lang: Lang, o: &Overview) -> Option<RfmGroup> {
    let cs = &o.base.table.customers;
    let total = cs.len().max(1) as f64;
    let mut picked = None;
    egui::Grid::new("rfm-groups")
        .striped(true)
        .num_columns(5)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for k in [
                T::ColRfmGroup,
                T::ColCustomers,
                T::ColShare,
                T::ColAvgRevenue,
                T::ColAvgRecency,
            ] {
                crate::ui::help::term_heading(ui, lang, k);
            }
            ui.end_row();
            for g in RfmGroup::ALL {
                let members: Vec<_> = cs.iter().filter(|c| c.rfm_group == g).collect();
                if members.is_empty() {
                    continue;
                }
                let n = members.len() as f64;
                if ui.link(lang.tr(group_label(g))).clicked() {
                    picked = Some(g);
                }
                num_cell(ui, int(members.len() as u64), 60.0);
                num_cell(ui, format!("{:.1}%", n / total * 100.0), 50.0);
                let revenue: f64 = members.iter().map(|c| c.revenue).sum::<f64>() / n;
                num_cell(ui, money(revenue), 80.0);
                let recency: f64 = members.iter().map(|c| c.recency_days as f64).sum::<f64>() / n;
                num_cell(ui, format!("{recency:.0}"), 80.0);
                ui.end_row();
            }
        });
    picked
}
