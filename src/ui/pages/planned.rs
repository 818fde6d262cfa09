//! A page whose capability is not built yet: says what it will do.

use super::Page;
use crate::i18n::{Lang, T};
use crate::ui::theme;
use egui::{RichText, Ui};

pub struct PlannedPage;

impl PlannedPage {
    pub fn ui(ui: &mut Ui, lang: Lang, page: Page) {
        egui::CentralPanel::default().show(ui, |ui| {
            theme::page_header(
                ui,
                &format!("{}  {}", page.icon(), lang.tr(page.title())),
                None,
            );
            theme::card(ui, |ui| {
                ui.set_max_width(640.0);
                ui.label(RichText::new(lang.tr(T::CapabilityWill)).strong());
                ui.add_space(4.0);
                if let Some(d) = page.description() {
                    ui.add(egui::Label::new(lang.tr(d)).wrap());
                }
                ui.add_space(8.0);
                theme::muted(ui, lang.tr(T::Planned));
            });
        });
    }
}
