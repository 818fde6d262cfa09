//! The status of a page's background job: its error, or a spinner while it runs.

use crate::i18n::{Lang, T};
use crate::ui::explain::explain;
use crate::ui::state::JobSlot;
use crate::ui::theme;
use egui::Ui;

/// Shows how the slot's last run failed (in the window's words) and, while its job runs, a
/// spinner saying it computes with a Cancel button.
pub fn job_status<R>(ui: &mut Ui, lang: Lang, job: &JobSlot<R>) {
    if let Some(e) = job.error() {
        theme::error_card(ui, lang.tr(T::ChartFailed), &explain(lang, e), "");
        ui.add_space(6.0);
    }
    if job.is_running() {
        ui.horizontal(|ui| {
            ui.spinner();
            theme::muted(ui, lang.tr(T::Computing));
            if ui.small_button(lang.tr(T::Cancel)).clicked() {
                job.cancel();
            }
        });
    }
}
