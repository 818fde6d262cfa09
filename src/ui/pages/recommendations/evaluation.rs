//! Evaluation: the time-split evaluation (a job) with the split date, K, what counts as
//! relevant and the parameters of the side panel; the metrics of every recommender next to
//! the popularity baseline (value and ratio), as a table and a grouped bar chart that exports
//! to PNG with the Explore page's renderer.

use super::{RecsData, algo_label};
use crate::explore::chart::ChartData;
use crate::explore::render::{ChartKind, Words, render_table};
use crate::explore::table::AggTable;
use crate::i18n::{Lang, T, int};
use crate::recommend::compare::{ChartValues, Metric, baseline, chart_table, ratio};
use crate::recommend::details::default_split_day;
use crate::recommend::evaluate::date_text;
use crate::recommend::{Algorithm, EvalOptions, EvalReport, ModelOptions, Relevant, evaluate};
use crate::ui::state::{JobSet, JobSlot, Workspace};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use std::path::PathBuf;
use std::sync::Arc;

/// The recommenders compared with the baseline, and whether each is on.
const COMPARED: [Algorithm; 3] = [Algorithm::ItemKnn, Algorithm::Rules, Algorithm::Als];

pub struct EvalView {
    /// The first day of the test period, YYYY-MM-DD.
    split: String,
    k: usize,
    relevant: Relevant,
    compared: [bool; 3],
    /// The evaluation, with the data generation it was started for.
    job: JobSlot<(u64, Box<EvalReport>)>,
    report: Option<Box<EvalReport>>,
    chart: ChartValues,
    split_error: Option<String>,
    /// Charts being written.
    writes: JobSet<String>,
}

impl Default for EvalView {
    fn default() -> Self {
        EvalView {
            split: String::new(),
            k: 10,
            relevant: Relevant::NewItems,
            compared: [true; 3],
            job: JobSlot::default(),
            report: None,
            chart: ChartValues::Values,
            split_error: None,
            writes: JobSet::default(),
        }
    }
}

impl EvalView {
    /// New data: the default split of its dates, no report.
    pub fn reset(&mut self, d: &RecsData) {
        self.split = default_split_day(&d.inter)
            .map(date_text)
            .unwrap_or_default();
        self.report = None;
        self.split_error = None;
    }

    /// Takes the report of the data generation `g` when its job finishes; returns the notices
    /// of the files written since the last frame.
    pub fn logic(&mut self, ws: &mut Workspace, g: u64) -> Vec<String> {
        if let Some((for_g, r)) = self.job.poll_keep()
            && for_g == g
        {
            self.report = Some(r);
        }
        self.writes.poll_report(ws)
    }

    /// The first day of the test period, as shown.
    pub fn split(&self) -> &str {
        &self.split
    }

    /// The last evaluation's report.
    pub fn report(&self) -> Option<&EvalReport> {
        self.report.as_deref()
    }

    pub fn running(&self) -> bool {
        self.job.is_running()
    }

    /// Starts the evaluation with the split, K and parameters shown.
    pub fn run(&mut self, ws: &mut Workspace, d: &Arc<RecsData>, model: &ModelOptions, g: u64) {
        let text = self.split.trim();
        let Some(day) = crate::frame::parse_stored_date(text).filter(|_| text.len() == 10) else {
            self.split_error = Some(ws.lang.f(T::RecBadDate, &[&text]));
            return;
        };
        self.split_error = None;
        let mut algorithms = vec![Algorithm::Popular];
        algorithms.extend(
            COMPARED
                .iter()
                .zip(self.compared)
                .filter(|(_, on)| *on)
                .map(|(a, _)| *a),
        );
        let opts = EvalOptions {
            k: self.k,
            algorithms,
            model: model.clone(),
            relevant: self.relevant,
            ..EvalOptions::new(day)
        };
        let d = d.clone();
        self.job
            .start(ws, T::RecJobEvaluate, text.to_string(), move |rep| {
                Ok((g, Box::new(evaluate(&d.inter, &opts, rep)?)))
            });
    }

    /// The chart's table, names in `lang`.
    pub fn chart_table(&self, lang: Lang) -> Option<AggTable> {
        let r = self.report.as_deref()?;
        let measure = match self.chart {
            ChartValues::Values => lang.tr(T::RecChartValue),
            ChartValues::RatioToBaseline => lang.tr(T::RecChartRatio),
        };
        let mut t = chart_table(
            r,
            self.chart,
            |m| metric_name(lang, m, r.k),
            |a| lang.tr(algo_label(a)).to_string(),
            measure,
        );
        t.x = lang.tr(T::RecChartMetric).to_string();
        Some(t)
    }

    /// Draws the chart to `path` (PNG) in a job.
    pub fn export_png(&mut self, ws: &mut Workspace, path: PathBuf) {
        let lang = ws.lang;
        let Some(t) = self.chart_table(lang) else {
            return;
        };
        let Some(r) = self.report.as_deref() else {
            return;
        };
        let title = lang.f(T::RecChartTitle, &[&r.split, &r.k]);
        self.writes.start(
            ws,
            T::RecJobExportChart,
            path.display().to_string(),
            move |_| {
                render_table(
                    &t,
                    ChartKind::Bar,
                    0,
                    &title,
                    &Words::for_lang(lang),
                    &path,
                    (1400, 800),
                )?;
                Ok(lang.f(T::Exported, &[&path.display()]))
            },
        );
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        ws: &mut Workspace,
        d: &Arc<RecsData>,
        model: &ModelOptions,
        g: u64,
    ) {
        let lang = ws.lang;
        let busy = self.running();
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(lang.tr(T::RecSplitDate));
            ui.add(egui::TextEdit::singleline(&mut self.split).desired_width(96.0))
                .labelled_by(l.id)
                .on_hover_text(lang.tr(T::RecSplitHint));
            ui.label(lang.tr(T::RecK));
            ui.add(egui::DragValue::new(&mut self.k).range(1..=100));
            ui.label(lang.tr(T::RecRelevant));
            egui::ComboBox::from_id_salt("recs-relevant")
                .selected_text(relevant_text(lang, self.relevant))
                .show_ui(ui, |ui| {
                    for r in [Relevant::NewItems, Relevant::AllItems] {
                        ui.selectable_value(&mut self.relevant, r, relevant_text(lang, r));
                    }
                });
            ui.separator();
            for (a, on) in COMPARED.iter().zip(self.compared.iter_mut()) {
                ui.checkbox(on, lang.tr(algo_label(*a)));
            }
            ui.separator();
            if ui
                .add_enabled(!busy, egui::Button::new(lang.tr(T::RecRunEvaluation)))
                .clicked()
            {
                self.run(ws, d, model, g);
            }
            if busy {
                ui.spinner();
                if ui.small_button(lang.tr(T::Cancel)).clicked() {
                    self.job.cancel();
                }
            }
        });
        if let Some(e) = &self.split_error {
            ui.colored_label(theme::error_color(ui), e);
        }
        if let Some(e) = self.job.error() {
            let message = crate::ui::explain::explain(lang, e);
            theme::error_card(ui, lang.tr(T::RecEvalFailed), &message, "");
        }
        let Some(r) = self.report.clone() else {
            if !busy {
                theme::muted(ui, lang.tr(T::RecEvalIntro));
            }
            return;
        };
        ui.add_space(4.0);
        ui.add(egui::Label::new(RichText::new(summary(lang, &r)).weak()).wrap());
        ui.add_space(4.0);
        metrics_table(ui, lang, &r);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(lang.tr(T::RecChart)).strong());
            for (v, key) in [
                (ChartValues::Values, T::RecChartValues),
                (ChartValues::RatioToBaseline, T::RecChartRatios),
            ] {
                if ui.selectable_label(self.chart == v, lang.tr(key)).clicked() {
                    self.chart = v;
                }
            }
            let clicked = ui.button(lang.tr(T::ExportPng)).clicked();
            if let Some(p) = crate::ui::widgets::FileDialog::new("recs-eval-png")
                .file_name("evaluation.png")
                .filter("PNG", &["png"])
                .default_extension("png")
                .save_file(ui.ctx(), clicked)
            {
                self.export_png(ws, p);
            }
        });
        if let Some(t) = self.chart_table(lang) {
            let data = ChartData::Table(t);
            let h = ui.available_height().max(220.0);
            ui.allocate_ui(egui::vec2(ui.available_width(), h), |ui| {
                crate::ui::widgets::charts::data_ui(
                    ui,
                    lang,
                    &data,
                    ChartKind::Bar,
                    "recs-eval-chart",
                    false,
                );
            });
        }
    }
}

fn relevant_text(lang: Lang, r: Relevant) -> &'static str {
    match r {
        Relevant::NewItems => lang.tr(T::RecRelevantNew),
        Relevant::AllItems => lang.tr(T::RecRelevantAll),
    }
}

/// A metric's name in `lang` at cut-off `k`.
pub fn metric_name(lang: Lang, m: Metric, k: usize) -> String {
    match m {
        Metric::Precision | Metric::Recall | Metric::Map | Metric::Ndcg => m.name(k),
        Metric::HitRate => lang.tr(T::RecHitRate).to_string(),
        Metric::Coverage => lang.tr(T::RecCoverage).to_string(),
        Metric::Novelty => lang.tr(T::RecNovelty).to_string(),
    }
}

fn summary(lang: Lang, r: &EvalReport) -> String {
    lang.f(
        T::RecEvalSummary,
        &[
            &r.split,
            &int(r.train_lines as u64),
            &int(r.test_lines as u64),
            &int(r.customers_evaluated as u64),
            &int(r.catalogue as u64),
        ],
    )
}

/// One row per recommender, one column per metric: the value and, beside the baseline's, its
/// ratio to it (×2.36).
fn metrics_table(ui: &mut Ui, lang: Lang, r: &EvalReport) {
    let base = baseline(r).map(|b| b.metrics);
    let right = Layout::right_to_left(Align::Center);
    let width = 136.0;
    egui::ScrollArea::horizontal()
        .id_salt("recs-metrics-scroll")
        .show(ui, |ui| {
            egui::Grid::new("recs-metrics")
                .striped(true)
                .num_columns(Metric::ALL.len() + 2)
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    ui.label(RichText::new(lang.tr(T::RecColAlgorithm)).strong());
                    // Headers as plain labels: the grid sizes each column to its widest cell,
                    // so a long (e.g. Chinese) header never runs into the next one.
                    for m in Metric::ALL {
                        ui.label(RichText::new(metric_name(lang, m, r.k)).strong());
                    }
                    ui.label(RichText::new(lang.tr(T::RecColFitSeconds)).strong());
                    ui.end_row();
                    for res in &r.results {
                        let is_base = res.algorithm == Algorithm::Popular;
                        let name = lang.tr(algo_label(res.algorithm));
                        let name = if is_base {
                            format!("{name} ({})", lang.tr(T::RecBaseline))
                        } else {
                            name.to_string()
                        };
                        ui.label(name);
                        for m in Metric::ALL {
                            let v = m.of(&res.metrics);
                            let value = if m.is_share() {
                                format!("{v:.4}")
                            } else {
                                format!("{v:.2}")
                            };
                            let times = match (is_base, base.and_then(|b| ratio(v, m.of(&b)))) {
                                (false, Some(x)) => format!("  ×{x:.2}"),
                                _ => String::new(),
                            };
                            ui.allocate_ui_with_layout(
                                egui::vec2(width, ui.spacing().interact_size.y),
                                right,
                                |ui| {
                                    if !times.is_empty() {
                                        let better = base.is_some_and(|b| v > m.of(&b));
                                        let t = RichText::new(times.trim()).small();
                                        ui.label(if better {
                                            t.color(theme::ACCENT)
                                        } else {
                                            t.weak()
                                        });
                                    }
                                    ui.label(value);
                                },
                            );
                        }
                        crate::ui::widgets::num_cell(ui, format!("{:.2}", res.fit_seconds), 90.0);
                        ui.end_row();
                    }
                });
        });
    theme::muted(ui, lang.tr(T::RecRatioNote));
}
