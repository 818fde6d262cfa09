//! A group portrait: pick an RFM group or a lifecycle stage; each attribute's distribution in the
//! group next to the whole base, with TGI, most distinctive attributes first.

use super::{GroupPick, dimension_label, group_label, stage_label, value_label};
use crate::customers::overview::Overview;
use crate::customers::portrait::{Portrait, portrait};
use crate::customers::rfm::{Lifecycle, RfmGroup};
use crate::i18n::{Lang, T, int};
use crate::ui::theme;
use crate::ui::widgets::num_cell;
use egui::{Color32, RichText, Ui};

/// Values shown per attribute.
const MAX_ROWS: usize = 6;

#[derive(Default)]
pub struct PortraitState {
    cached: Option<(GroupPick, Portrait)>,
}

fn pick_label(lang: Lang, o: &Overview, p: GroupPick) -> String {
    match p {
        GroupPick::Rfm(g) => lang.tr(group_label(g)).into(),
        GroupPick::Stage(s) => lang.tr(stage_label(s)).into(),
        GroupPick::Tag(k) => o
            .tags
            .rules
            .get(k)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
    }
}

impl PortraitState {
    pub fn ui(&mut self, ui: &mut Ui, lang: Lang, o: &Overview, pick: &mut GroupPick) {
        ui.horizontal(|ui| {
            ui.label(lang.tr(T::PortraitGroup));
            egui::ComboBox::from_id_salt("portrait-group")
                .selected_text(pick_label(lang, o, *pick))
                .height(480.0)
                .show_ui(ui, |ui| {
                    ui.label(RichText::new(lang.tr(T::ColRfmGroup)).weak());
                    for g in RfmGroup::ALL {
                        let p = GroupPick::Rfm(g);
                        ui.selectable_value(pick, p, pick_label(lang, o, p));
                    }
                    ui.separator();
                    ui.label(RichText::new(lang.tr(T::ColStage)).weak());
                    for s in Lifecycle::ALL {
                        let p = GroupPick::Stage(s);
                        ui.selectable_value(pick, p, pick_label(lang, o, p));
                    }
                    ui.separator();
                    ui.label(RichText::new(lang.tr(T::CustTabTags)).weak());
                    for (k, m) in o.tags.members.iter().enumerate() {
                        if m.is_ok() {
                            let p = GroupPick::Tag(k);
                            ui.selectable_value(pick, p, pick_label(lang, o, p));
                        }
                    }
                });
        });
        if self.cached.as_ref().is_none_or(|c| c.0 != *pick) {
            let cs = &o.base.table.customers;
            // The attributes that define the group say nothing about it.
            let (members, skip): (Vec<bool>, &[&str]) = match *pick {
                GroupPick::Rfm(g) => (
                    cs.iter().map(|c| c.rfm_group == g).collect(),
                    &["rfm_group", "r_score", "f_score"],
                ),
                GroupPick::Stage(s) => (
                    cs.iter().map(|c| c.lifecycle_stage == s).collect(),
                    &["lifecycle_stage"],
                ),
                GroupPick::Tag(k) => (
                    match o.tags.members.get(k) {
                        Some(Ok(m)) => m.clone(),
                        _ => vec![false; cs.len()],
                    },
                    &[],
                ),
            };
            self.cached = Some((*pick, portrait(&o.dimensions, &members, skip)));
        }
        let Some((_, p)) = &self.cached else { return };
        let share = p.group_size as f64 / p.base_size.max(1) as f64 * 100.0;
        ui.label(
            RichText::new(lang.f(
                T::PortraitSize,
                &[
                    &int(p.group_size),
                    &int(p.base_size),
                    &format!("{share:.1}%"),
                ],
            ))
            .strong(),
        );
        theme::muted(ui, lang.tr(T::PortraitNote));
        ui.add_space(4.0);
        if p.group_size == 0 {
            theme::muted(ui, lang.tr(T::PortraitEmpty));
            return;
        }
        table(ui, lang, p);
    }
}

pub(in crate::ui::pages) fn table(ui: &mut Ui, lang: Lang, p: &Portrait) {
    let high = Color32::from_rgb(0x2e, 0x7d, 0x32);
    let low = theme::error_color(ui);
    egui::ScrollArea::vertical()
        .id_salt("portrait-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("portrait")
                .striped(true)
                .num_columns(5)
                .spacing([14.0, 3.0])
                .show(ui, |ui| {
                    for k in [
                        T::ColAttribute,
                        T::ColValue,
                        T::ColInGroup,
                        T::ColInBase,
                        T::ColTgi,
                    ] {
                        crate::ui::help::term_heading(ui, lang, k);
                    }
                    ui.end_row();
                    for a in &p.attributes {
                        // Values the group has, most over-represented first.
                        let rows = a.rows.iter().filter(|r| r.group > 0).take(MAX_ROWS);
                        for (k, r) in rows.enumerate() {
                            if k == 0 {
                                ui.label(RichText::new(dimension_label(lang, &a.name)).strong());
                            } else {
                                ui.label("");
                            }
                            ui.label(value_label(lang, &a.name, &r.value));
                            share_bar(ui, r.group_share, theme::ACCENT);
                            share_bar(ui, r.base_share, Color32::GRAY);
                            let color = if r.tgi >= 120.0 {
                                high
                            } else if r.tgi <= 80.0 {
                                low
                            } else {
                                ui.visuals().text_color()
                            };
                            num_cell(
                                ui,
                                RichText::new(format!("{:.0}", r.tgi)).color(color).strong(),
                                40.0,
                            );
                            ui.end_row();
                        }
                    }
                });
        });
}

/// A share as a bar with its percentage.
fn share_bar(ui: &mut Ui, share: f64, color: Color32) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(90.0, 10.0), egui::Sense::hover());
        let painter = ui.painter();
        painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
        let mut fill = rect;
        fill.set_width(rect.width() * share.clamp(0.0, 1.0) as f32);
        painter.rect_filled(fill, 2.0, color);
        ui.label(format!("{:.1}%", share * 100.0));
    });
}
