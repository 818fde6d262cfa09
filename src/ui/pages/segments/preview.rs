//! The live preview beside the builder: size and share, a small portrait, sample members, and
//! the SQL with a copy button.

use super::count_text;
use crate::customers::portrait::Portrait;
use crate::format::money;
use crate::i18n::{Lang, T};
use crate::labels::value_label;
use crate::segments::preview::Preview;
use crate::ui::theme;
use egui::{RichText, Ui};

/// Attributes of the small portrait.
const PORTRAIT_ATTRIBUTES: usize = 4;

pub fn ui(ui: &mut Ui, lang: Lang, p: Option<&Preview>, error: Option<&str>, busy: bool) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(lang.tr(T::SegPreview)).strong());
        if busy {
            ui.spinner();
        }
    });
    if let Some(e) = error {
        ui.colored_label(theme::error_color(ui), e);
    }
    let Some(p) = p else { return };
    ui.label(
        RichText::new(count_text(lang, &p.count))
            .size(20.0)
            .strong(),
    );
    let bar = egui::ProgressBar::new(p.count.share as f32)
        .desired_width(260.0)
        .text(format!("{:.1}%", p.count.share * 100.0));
    ui.add(bar);
    ui.add_space(6.0);
    if p.count.count > 0 {
        // Against itself the base has nothing that stands out.
        if p.count.count < p.count.base {
            theme::section(ui, lang.tr(T::SegPortrait));
            small_portrait(ui, lang, &p.portrait);
            ui.add_space(6.0);
        }
        theme::section(ui, lang.tr(T::SegSample));
        egui::Grid::new("segment-sample")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for k in [
                    T::SegCustomer,
                    T::ColRevenue,
                    T::ColOrders,
                    T::ColRfmGroup,
                    T::ColStage,
                ] {
                    ui.label(RichText::new(lang.tr(k)).strong());
                }
                ui.end_row();
                for (id, revenue, orders, group, stage) in &p.sample {
                    ui.label(id);
                    ui.label(money(*revenue));
                    ui.label(orders.to_string());
                    ui.label(value_label(lang, "rfm_group", group));
                    ui.label(value_label(lang, "lifecycle_stage", stage));
                    ui.end_row();
                }
            });
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        theme::section(ui, "SQL");
        if let Ok(sql) = &p.sql
            && ui.button(lang.tr(T::SegCopySql)).clicked()
        {
            ui.ctx().copy_text(format!("{sql};"));
        }
    });
    match &p.sql {
        Ok(sql) => {
            theme::muted(ui, lang.tr(T::SegSqlNote));
            let mut s = sql.clone();
            ui.add(
                egui::TextEdit::multiline(&mut s)
                    .code_editor()
                    .desired_rows(4)
                    .desired_width(f32::INFINITY)
                    .interactive(true),
            );
        }
        Err(e) => {
            theme::muted(ui, e.clone());
        }
    }
}

fn small_portrait(ui: &mut Ui, lang: Lang, p: &Portrait) {
    egui::Grid::new("segment-portrait")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for k in [T::ColAttribute, T::ColValue, T::ColInGroup, T::ColTgi] {
                ui.label(RichText::new(lang.tr(k)).strong());
            }
            ui.end_row();
            for a in p.attributes.iter().take(PORTRAIT_ATTRIBUTES) {
                let Some(top) = a
                    .rows
                    .iter()
                    // A value few members have is noise, however high its TGI.
                    .filter(|r| r.group > 0 && r.group_share >= 0.05)
                    .max_by(|x, y| x.tgi.total_cmp(&y.tgi))
                else {
                    continue;
                };
                ui.label(crate::labels::dimension_label(lang, &a.name));
                ui.label(value_label(lang, &a.name, &top.value));
                ui.label(format!("{:.0}%", top.group_share * 100.0));
                ui.label(format!("{:.0}", top.tgi));
                ui.end_row();
            }
        });
}
