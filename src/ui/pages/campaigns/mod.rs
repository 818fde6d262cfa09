//! The Campaigns page: the ROI view (attribution model and window, metrics per campaign and
//! channel, models side by side, spend against revenue, ROI/ROAS and funnel charts) and the Lift
//! view (an experiment's arms against its control, with intervals). Each view is a struct of its
//! own; every computation runs as a job; the whole report exports to one workbook.

mod lift;
mod metrics_table;
mod plots;
mod roi;
mod table;

use crate::campaigns::report::write_report_xlsx;
use crate::i18n::T;
use crate::ui::state::Workspace;
use egui::Ui;

pub use lift::{LiftOutcome, LiftView};
pub use roi::RoiView;

/// Which view is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Roi,
    Lift,
}

#[derive(Default)]
pub struct CampaignsPage {
    tab: Tab,
    roi: RoiView,
    lift: LiftView,
}

impl CampaignsPage {
    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// The ROI view.
    pub fn roi(&self) -> &RoiView {
        &self.roi
    }

    pub fn roi_mut(&mut self) -> &mut RoiView {
        &mut self.roi
    }

    /// The Lift view.
    pub fn lift(&self) -> &LiftView {
        &self.lift
    }

    /// Takes the results of the views' jobs (once per frame).
    pub fn logic(&mut self) {
        self.roi.logic();
        self.lift.logic();
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        egui::Panel::top("campaigns-tabs")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(12, 8)))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(
                        egui::RichText::new(crate::ui::nav_label(lang, crate::ui::Page::Campaigns))
                            .size(18.0)
                            .strong(),
                    );
                    ui.add_space(16.0);
                    for (tab, key) in [(Tab::Roi, T::CampTabRoi), (Tab::Lift, T::CampTabLift)] {
                        ui.selectable_value(&mut self.tab, tab, lang.tr(key));
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        let ready = self.roi.report().is_some();
                        let clicked = ui
                            .add_enabled(ready, egui::Button::new(lang.tr(T::CampExportReport)))
                            .clicked();
                        self.export_report(ui.ctx(), ws, clicked);
                    });
                });
            });
        match self.tab {
            Tab::Roi => self.roi.ui(ui, ws),
            Tab::Lift => self.lift.ui(ui, ws),
        }
    }

    /// Writes the ROI report (and the lift, when one is shown) to a workbook the user picks
    /// (asked when `ask`; the answer may come in a later frame).
    fn export_report(&mut self, ctx: &egui::Context, ws: &mut Workspace, ask: bool) {
        let lang = ws.lang;
        let Some(report) = self.roi.report() else {
            return;
        };
        let Some(path) = crate::ui::widgets::FileDialog::new("campaign-report")
            .file_name("campaign-report.xlsx")
            .filter("Excel", &["xlsx"])
            .default_extension("xlsx")
            .save_file(ctx, ask)
        else {
            return;
        };
        // Written as a job: a workbook of a large report takes a moment.
        let report = report.clone();
        let lift = self.lift.uplift().cloned();
        let outcome = self.lift.outcome_name();
        ws.spawn_write(T::CampExportReport, path, move |path| {
            let header = |id: &str| table::column_label(lang, id, &outcome);
            let sheet = |name: &str| table::sheet_label(lang, name);
            write_report_xlsx(&report, lift.as_ref(), &header, &sheet, path)
        });
    }
}

/// Shows a job's failure, if any, and a spinner while it runs.
fn status<R>(ui: &mut Ui, ws: &Workspace, job: &crate::ui::state::JobSlot<R>) {
    crate::ui::widgets::job_status(ui, ws.lang, job);
}
