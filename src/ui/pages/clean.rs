//! The Clean page: the quality report of a dataset — what is missing, invalid, duplicated or odd,
//! how many rows each finding covers, and the fixes that apply.

use crate::clean::{FindingKind, Fix, QualityReport, ReportOptions, quality_report};
use crate::i18n::{Lang, T, int};
use crate::store::Project;
use crate::ui::state::{JobOutput, Workspace};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

#[derive(Default)]
pub struct CleanPage {
    dataset: Option<String>,
    report: Option<Box<QualityReport>>,
    job: Option<u64>,
}

pub fn kind_label(k: FindingKind) -> T {
    match k {
        FindingKind::ExactDuplicates => T::KindExactDuplicates,
        FindingKind::KeyDuplicates => T::KindKeyDuplicates,
        FindingKind::RuleFailed => T::KindRuleFailed,
        FindingKind::Missing => T::KindMissing,
        FindingKind::Invalid => T::KindInvalid,
        FindingKind::Untrimmed => T::KindUntrimmed,
        FindingKind::Outliers => T::KindOutliers,
        FindingKind::Variants => T::KindVariants,
        FindingKind::Cancellations => T::KindCancellations,
        FindingKind::NonPositiveQuantity => T::KindNonPositiveQuantity,
        FindingKind::NonPositivePrice => T::KindNonPositivePrice,
        FindingKind::FutureDates => T::KindFutureDates,
    }
}

pub fn fix_label(f: Fix) -> T {
    match f {
        Fix::RemoveExactDuplicates => T::FixRemoveExactDuplicates,
        Fix::RemoveKeyDuplicates => T::FixRemoveKeyDuplicates,
        Fix::DropRows => T::FixDropRows,
        Fix::FillMissing => T::FixFillMissing,
        Fix::CastType => T::FixCastType,
        Fix::MapValues => T::FixMapValues,
        Fix::TrimWhitespace => T::FixTrimWhitespace,
        Fix::ClipOutliers => T::FixClipOutliers,
    }
}

impl CleanPage {
    pub fn report(&self) -> Option<&QualityReport> {
        self.report.as_deref()
    }

    pub fn on_report(&mut self, r: Box<QualityReport>) {
        self.job = None;
        self.report = Some(r);
    }

    /// Starts the report of a dataset as a background job.
    pub fn check(&mut self, ws: &mut Workspace, dataset: &str) {
        let Some(path) = ws.project_path() else {
            return;
        };
        if let Some(id) = self.job.take() {
            ws.cancel_job(id);
        }
        self.dataset = Some(dataset.to_string());
        self.report = None;
        let name = dataset.to_string();
        self.job = ws.spawn(T::JobQuality, dataset.to_string(), move |rep| {
            let project = Project::open_read_only(&path)?;
            let r = quality_report(&project, &name, &ReportOptions::default(), rep)?;
            Ok(JobOutput::Quality(Box::new(r)))
        });
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        egui::CentralPanel::default().show(ui, |ui| {
            theme::page_header(ui, lang.tr(T::CleanTitle), None);
            let names: Vec<String> = ws.datasets.iter().map(|d| d.name.clone()).collect();
            if self.dataset.as_ref().is_none_or(|d| !names.contains(d)) {
                self.dataset = names.first().cloned();
            }
            let mut run = false;
            ui.horizontal(|ui| {
                let current = self.dataset.clone().unwrap_or_default();
                egui::ComboBox::from_id_salt("clean-dataset")
                    .selected_text(if current.is_empty() {
                        lang.tr(T::ChooseDataset).to_string()
                    } else {
                        current.clone()
                    })
                    .show_ui(ui, |ui| {
                        for n in &names {
                            if ui.selectable_label(current == *n, n).clicked() {
                                self.dataset = Some(n.clone());
                            }
                        }
                    });
                let busy = ws.job_running(self.job);
                run = ui
                    .add_enabled(
                        self.dataset.is_some() && !busy,
                        egui::Button::new(lang.tr(T::CheckQuality)),
                    )
                    .clicked();
                if busy {
                    ui.spinner();
                }
            });
            if run && let Some(d) = self.dataset.clone() {
                self.check(ws, &d);
            }
            ui.add_space(6.0);
            let shown = self
                .report
                .as_deref()
                .filter(|r| Some(&r.dataset) == self.dataset.as_ref());
            if let Some(r) = shown {
                report_ui(ui, lang, r);
            }
            ui.add_space(8.0);
            theme::muted(ui, lang.tr(T::RecipeNext));
        });
    }
}

fn report_ui(ui: &mut Ui, lang: Lang, r: &QualityReport) {
    ui.label(lang.f(
        T::QualitySummary,
        &[&int(r.rows), &int(r.exact_duplicate_rows)],
    ));
    ui.add_space(4.0);
    theme::section(ui, lang.tr(T::Findings));
    if r.findings.is_empty() {
        theme::muted(ui, lang.tr(T::NoFindings));
    } else {
        egui::Grid::new("clean-findings")
            .striped(true)
            .num_columns(4)
            .spacing([16.0, 6.0])
            .show(ui, |ui| {
                for k in [T::Rows, T::Problem, T::Column, T::Fixes] {
                    ui.label(RichText::new(lang.tr(k)).strong());
                }
                ui.end_row();
                for f in &r.findings {
                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                        ui.label(RichText::new(int(f.count)).monospace());
                    });
                    ui.label(lang.tr(kind_label(f.kind)));
                    ui.label(f.column.as_deref().unwrap_or("—"));
                    let fixes: Vec<&str> = f.fixes.iter().map(|x| lang.tr(fix_label(*x))).collect();
                    ui.label(fixes.join(" · "));
                    ui.end_row();
                }
            });
    }
    ui.add_space(10.0);
    theme::section(ui, lang.tr(T::ColumnsHeading));
    let headers = [
        (T::Column, false),
        (T::Type, false),
        (T::Missing, true),
        (T::Distinct, true),
        (T::Invalid, true),
        (T::Untrimmed, true),
        (T::OutliersIqr, true),
    ];
    TableBuilder::new(ui)
        .id_salt("clean-columns")
        .striped(true)
        .auto_shrink([false, true])
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::initial(180.0).at_least(100.0).clip(true))
        .columns(Column::initial(90.0).at_least(70.0), headers.len() - 1)
        .header(theme::HEADER_HEIGHT, |mut h| {
            for (k, right) in headers {
                h.col(|ui| {
                    let layout = if right {
                        Layout::right_to_left(Align::Center)
                    } else {
                        Layout::left_to_right(Align::Center)
                    };
                    ui.with_layout(layout, |ui| ui.label(RichText::new(lang.tr(k)).strong()));
                });
            }
        })
        .body(|body| {
            body.rows(theme::ROW_HEIGHT, r.columns.len(), |mut row| {
                let c = &r.columns[row.index()];
                row.col(|ui| {
                    ui.label(&c.name);
                });
                row.col(|ui| {
                    ui.label(lang.column_type(c.ty));
                });
                let outliers = c.outliers_iqr.map(int).unwrap_or_else(|| "—".into());
                for v in [
                    int(c.missing),
                    int(c.distinct),
                    int(c.invalid),
                    int(c.untrimmed),
                    outliers,
                ] {
                    row.col(|ui| {
                        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                            ui.label(v);
                        });
                    });
                }
            });
        });
}
