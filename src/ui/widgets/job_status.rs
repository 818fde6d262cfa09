//! The status of a page's background job: its error, or a spinner while it runs.

use crate::i18n::{Lang, T};
use crate::ui::theme;
use egui::Ui;

/// Shows `error` (the last run's failure) and, while `running`, a spinner saying it computes.
pub fn job_status(ui: &mut Ui, lang: Lang, error: Option<&str>, running: bool) {
    if let Some(e) = error {
        theme::error_card(ui, lang.tr(T::ChartFailed), e, "");
        ui.add_space(6.0);
    }
    if running {
        ui.horizontal(|ui| {
            ui.spinner();
            theme::muted(ui, lang.tr(T::Computing));
        });
    }
}
