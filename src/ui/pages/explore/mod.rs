//! The Explore page: a chart builder over any dataset (the aggregated table beside the chart,
//! exports to CSV, XLSX and PNG) and the ready-made analyses one click away. Every computation
//! runs as a background job; this page only holds choices and draws results.

mod analyses;
mod builder;
mod funnel_steps;

use crate::dataset::DatasetInfo;
use crate::explore::aggregate::aggregate;
use crate::explore::chart::{ChartData, compute, default_title};
use crate::explore::cohorts::{Cohorts, cohorts};
use crate::explore::forecast::Seasonality;
use crate::explore::funnel::{Funnel, FunnelSpec, funnel};
use crate::explore::ready::{
    RevenueForecast, forecast_revenue, is_events, is_transactions, trend_spec,
};
use crate::explore::render::{ChartKind, Words};
use crate::explore::repeat::{Pareto, RepeatPurchases, pareto, repeat_purchases};
use crate::explore::rows::EventColumns;
use crate::explore::saved::{SavedChart, save_chart, saved_charts};
use crate::explore::{Agg, AggTable, ChartSpec, Grain, Order};
use crate::i18n::{T, int};
use crate::store::Project;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use crate::ui::widgets::{charts, combo, job_status};
use builder::Builder;
use egui::{RichText, Ui};

/// What an Explore job produces.
pub enum ExploreResult {
    Chart(ChartData),
    Trend(AggTable),
    Cohorts(Cohorts),
    Funnel(Funnel),
    Repeat(RepeatPurchases),
    Pareto(Pareto),
    Forecast(Box<RevenueForecast>),
}

/// The page's tabs: the builder and the ready-made analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Builder,
    Trend,
    Cohorts,
    Funnel,
    Repeat,
    Pareto,
    Forecast,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Builder,
        Tab::Trend,
        Tab::Cohorts,
        Tab::Funnel,
        Tab::Repeat,
        Tab::Pareto,
        Tab::Forecast,
    ];

    pub fn title(self) -> T {
        match self {
            Tab::Builder => T::TabBuilder,
            Tab::Trend => T::TabTrend,
            Tab::Cohorts => T::TabCohorts,
            Tab::Funnel => T::TabFunnel,
            Tab::Repeat => T::TabRepeat,
            Tab::Pareto => T::TabPareto,
            Tab::Forecast => T::TabForecast,
        }
    }
}

pub fn grain_label(g: Option<Grain>) -> T {
    match g {
        None => T::GrainNone,
        Some(Grain::Day) => T::GrainDay,
        Some(Grain::Week) => T::GrainWeek,
        Some(Grain::Month) => T::GrainMonth,
        Some(Grain::Quarter) => T::GrainQuarter,
        Some(Grain::Year) => T::GrainYear,
    }
}

pub fn agg_label(a: Agg) -> T {
    match a {
        Agg::Count => T::AggCount,
        Agg::Distinct => T::AggDistinct,
        Agg::Sum => T::AggSum,
        Agg::Mean => T::AggMean,
        Agg::Median => T::AggMedian,
        Agg::Min => T::AggMin,
        Agg::Max => T::AggMax,
        Agg::Share => T::AggShare,
    }
}

/// Choices of the ready-made analyses.
#[derive(Debug, Clone, PartialEq)]
struct Analyses {
    transactions: Option<String>,
    events: Option<String>,
    trend_grain: Grain,
    trend_metric: usize,
    moving_average: usize,
    cohort_revenue: bool,
    steps: String,
    window_days: u32,
    funnel_by: Option<String>,
    pareto_column: Option<String>,
    seasonality: Seasonality,
    horizon: usize,
}

impl Default for Analyses {
    fn default() -> Self {
        Analyses {
            transactions: None,
            events: None,
            trend_grain: Grain::Week,
            trend_metric: 0,
            moving_average: 4,
            cohort_revenue: false,
            steps: "page_view, add_to_cart, purchase".into(),
            window_days: 1,
            funnel_by: None,
            pareto_column: None,
            seasonality: Seasonality::Additive,
            horizon: 28,
        }
    }
}

#[derive(Default)]
pub struct ExplorePage {
    tab: Tab,
    builder: Builder,
    analyses: Analyses,
    /// The spec of the chart shown or being computed.
    asked: Option<(Tab, String)>,
    /// The chart or analysis being computed; its failure is shown in place of the chart.
    job: JobSlot<ExploreResult>,
    result: Option<(Tab, ExploreResult)>,
    /// The user cancelled the job for `asked`: not started again until something changes.
    cancelled: bool,
    catalog_rev: u64,
    /// Columns read for earlier charts, shared with the chart jobs.
    cache: std::sync::Arc<std::sync::Mutex<crate::explore::cache::FrameCache>>,
    /// The title being typed to save the chart shown, while the form is open.
    saving: Option<String>,
    /// The saved charts' titles (read when the form opens), to say "Replace" for one of them.
    chart_titles: Vec<String>,
    titles_job: JobSlot<Vec<String>>,
    /// The chart being saved (its title, when done).
    save_job: JobSlot<String>,
    /// The funnel dataset's event values, for its steps.
    event_values: funnel_steps::EventValues,
    /// The events dataset whose most frequent values the steps were defaulted to.
    steps_for: Option<String>,
}

impl ExplorePage {
    /// The builder's chart, when one is shown.
    pub fn chart_data(&self) -> Option<&ChartData> {
        match &self.result {
            Some((Tab::Builder, ExploreResult::Chart(d))) => Some(d),
            _ => None,
        }
    }

    /// The aggregated table of the builder's chart, when a chart of a measure per x is shown.
    pub fn chart_table(&self) -> Option<&AggTable> {
        self.chart_data().and_then(ChartData::as_table)
    }

    /// The builder's chart type.
    pub fn chart_kind(&self) -> ChartKind {
        self.builder.kind
    }

    /// Shows a saved chart in the builder.
    pub fn open_saved(&mut self, ws: &mut Workspace, chart: &SavedChart) {
        self.sync_catalog(ws);
        match ws.dataset(&chart.spec.dataset) {
            Some(info) => {
                self.builder = Builder::from_saved(chart, info);
                self.tab = Tab::Builder;
                self.saving = None;
            }
            None => {
                let e = crate::Error::NoSuchDataset {
                    name: chart.spec.dataset.clone(),
                    hint: String::new(),
                };
                ws.problem(chart.title.clone(), &e);
            }
        }
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    pub fn result_tab(&self) -> Option<Tab> {
        self.result.as_ref().map(|(t, _)| *t)
    }

    /// The steps of the funnel shown, if one is.
    pub fn funnel_steps(&self) -> Option<&[String]> {
        match &self.result {
            Some((_, ExploreResult::Funnel(f))) => Some(&f.steps),
            _ => None,
        }
    }

    /// Sets the funnel's steps as a comma-separated list (as a saved choice or a test would).
    pub fn set_funnel_steps(&mut self, steps: &str) {
        self.analyses.steps = steps.to_string();
    }

    pub fn busy(&self) -> bool {
        self.job.is_running()
    }

    /// Takes the chart or analysis when its job finishes (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        self.event_values.logic(ws);
        if let Some(t) = self.titles_job.poll_report(ws) {
            self.chart_titles = t;
        }
        if let Some(title) = self.save_job.poll_report(ws) {
            ws.notice = Some(ws.lang.f(T::SavedChart, &[&title]));
            ws.charts_rev += 1;
            self.saving = None;
        }
        match self.job.poll() {
            None => {}
            Some(Ok(r)) => self.result = Some((self.tab_of(&r), r)),
            Some(Err(e @ crate::Error::Cancelled)) => {
                self.cancelled = true;
                self.job.report(ws, &e);
            }
            Some(Err(e)) => {
                self.job.set_error(e);
                self.result = None;
            }
        }
    }

    fn tab_of(&self, r: &ExploreResult) -> Tab {
        match r {
            ExploreResult::Chart(_) => Tab::Builder,
            ExploreResult::Trend(_) => Tab::Trend,
            ExploreResult::Cohorts(_) => Tab::Cohorts,
            ExploreResult::Funnel(_) => Tab::Funnel,
            ExploreResult::Repeat(_) => Tab::Repeat,
            ExploreResult::Pareto(_) => Tab::Pareto,
            ExploreResult::Forecast(_) => Tab::Forecast,
        }
    }

    /// Starts a job unless the same thing is shown or being computed already.
    fn run<F>(&mut self, ws: &mut Workspace, key: String, title: T, detail: String, work: F)
    where
        F: FnOnce(&Project, &crate::progress::Reporter) -> crate::Result<ExploreResult>
            + Send
            + 'static,
    {
        let asked = (self.tab, key);
        if self.asked.as_ref() == Some(&asked)
            && (self.job.is_running() || self.result.is_some() || self.cancelled)
        {
            return;
        }
        let Some(path) = ws.project_path() else {
            return;
        };
        self.asked = Some(asked);
        self.cancelled = false;
        self.job.start(ws, title, detail, move |rep| {
            let project = Project::open_read_only(&path)?;
            work(&project, rep)
        });
    }

    fn sync_catalog(&mut self, ws: &Workspace) {
        if self.catalog_rev == ws.catalog_rev {
            return;
        }
        self.catalog_rev = ws.catalog_rev;
        // Data changed: recompute what is shown.
        self.asked = None;
        self.result = None;
        self.event_values.reset();
        self.steps_for = None;
        let keep = |name: &Option<String>, ok: &dyn Fn(&DatasetInfo) -> bool| {
            name.as_ref()
                .and_then(|n| ws.dataset(n))
                .filter(|d| ok(d))
                .map(|d| d.name.clone())
                .or_else(|| ws.datasets.iter().find(|d| ok(d)).map(|d| d.name.clone()))
        };
        self.analyses.transactions = keep(&self.analyses.transactions, &is_transactions);
        self.analyses.events = keep(&self.analyses.events, &is_events);
        let current = self
            .builder
            .dataset
            .clone()
            .and_then(|n| ws.dataset(&n).cloned());
        match current {
            Some(_) => {}
            None => {
                let first = self
                    .analyses
                    .transactions
                    .as_ref()
                    .and_then(|n| ws.dataset(n))
                    .or(ws.datasets.first())
                    .cloned();
                match first {
                    Some(info) => self.builder.reset_for(&info),
                    None => self.builder = Builder::default(),
                }
            }
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        self.sync_catalog(ws);
        egui::Panel::top("explore-tabs")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(12, 8)))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!(
                            "{}  {}",
                            theme::icon::EXPLORE,
                            lang.tr(T::NavExplore)
                        ))
                        .size(20.0)
                        .strong(),
                    );
                    ui.add_space(16.0);
                    for tab in Tab::ALL {
                        let selected = self.tab == tab;
                        let text = RichText::new(lang.tr(tab.title()));
                        if ui
                            .add(egui::Button::selectable(
                                selected,
                                if selected { text.strong() } else { text },
                            ))
                            .clicked()
                        {
                            self.tab = tab;
                        }
                    }
                });
            });
        if ws.project.is_none() || ws.datasets.is_empty() {
            egui::CentralPanel::default().show(ui, |ui| {
                theme::muted(ui, lang.tr(T::NoChartYet));
            });
            return;
        }
        match self.tab {
            Tab::Builder => self.builder_ui(ui, ws),
            other => self.analysis_ui(ui, ws, other),
        }
    }

    fn builder_ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        let names: Vec<String> = ws.datasets.iter().map(|d| d.name.clone()).collect();
        let Some(info) = self
            .builder
            .dataset
            .as_ref()
            .and_then(|n| ws.dataset(n))
            .cloned()
        else {
            return;
        };
        egui::Panel::top("explore-controls")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(12, 6)))
            .show(ui, |ui| {
                let before = self.builder.kind;
                let picked = self.builder.controls_ui(ui, lang, &info, &names);
                if self.builder.kind != before {
                    self.builder.kind_changed(before, &info);
                }
                if let Some(n) = picked
                    && let Some(d) = ws.dataset(&n)
                {
                    self.builder.reset_for(d);
                }
            });

        let kind = self.builder.kind;
        let spec = self.builder.spec(&info);
        if let Some(spec) = spec.clone() {
            // Charts of a measure per x share one table whatever their type; a distribution is
            // computed for its own.
            let computed_as = if kind.is_distribution() {
                kind
            } else {
                ChartKind::Line
            };
            let key = format!("{spec:?}/{}", computed_as.as_str());
            let detail = spec.dataset.clone();
            let cache = self.cache.clone();
            self.run(ws, key, T::JobChart, detail, move |p, rep| {
                let mut cache = cache.lock().map_err(|_| {
                    crate::Error::InvalidArgument("an earlier chart job failed; try again".into())
                })?;
                Ok(ExploreResult::Chart(compute(
                    p,
                    &spec,
                    computed_as,
                    Some(&mut cache),
                    rep,
                )?))
            });
        }
        let shown = self.chart_data().cloned();
        if let Some(data) = &shown {
            let table = data.table(&Words::for_lang(lang));
            let most = (ui.available_width() * 0.5).max(300.0);
            egui::Panel::right("explore-table")
                .resizable(true)
                .default_size(380.0_f32.min(most))
                .min_size(240.0)
                .max_size(most)
                .show(ui, |ui| {
                    ui.add_space(6.0);
                    ui.horizontal_wrapped(|ui| {
                        let name = self.builder.dataset.clone().unwrap_or_default();
                        for (k, ext) in [
                            (T::ExportCsv, "csv"),
                            (T::ExportXlsx, "xlsx"),
                            (T::ExportPng, "png"),
                        ] {
                            let clicked = ui.button(lang.tr(k)).clicked();
                            self.export(ui.ctx(), ws, data, &table, &name, ext, clicked);
                        }
                        if let Some(spec) = &spec
                            && self.saving.is_none()
                            && ui.button(lang.tr(T::SaveChart)).clicked()
                        {
                            self.saving = Some(default_title(spec, kind));
                            self.read_titles(ws);
                        }
                    });
                    if let Some(spec) = &spec {
                        self.save_ui(ui, ws, spec);
                    }
                    theme::muted(
                        ui,
                        lang.f(
                            T::ChartRows,
                            &[&int(data.input_rows()), &int(table.rows.len() as u64)],
                        ),
                    );
                    ui.add_space(4.0);
                    charts::table_ui(ui, lang, &charts::display_table(&table, data, lang));
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.status_ui(ui, ws);
            if let Some(d) = &shown {
                charts::data_ui(ui, lang, d, kind, "explore-chart", false);
            } else if spec.is_none() && kind.is_distribution() {
                theme::muted(ui, lang.tr(T::NeedNumeric));
            } else if self.job.error().is_none() && !self.busy() {
                theme::muted(ui, lang.tr(T::NoChartYet));
            }
        });
    }

    /// The form that saves the chart shown to the dashboard, while it is open.
    fn save_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, spec: &ChartSpec) {
        let lang = ws.lang;
        let kind = self.builder.kind;
        let Some(title) = &mut self.saving else {
            return;
        };
        let (mut save, mut cancel) = (false, false);
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(RichText::new(lang.tr(T::ChartTitle)).weak());
            let r = ui
                .add(egui::TextEdit::singleline(title).desired_width(220.0))
                .labelled_by(label.id);
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                save = true;
            }
            let exists = self.chart_titles.iter().any(|t| t == title.trim());
            let word = if exists {
                T::ReplaceChart
            } else {
                T::SaveButton
            };
            if ui
                .add_enabled(!title.trim().is_empty(), egui::Button::new(lang.tr(word)))
                .clicked()
            {
                save = true;
            }
            if ui.button(lang.tr(T::Cancel)).clicked() {
                cancel = true;
            }
        });
        if cancel {
            self.saving = None;
            return;
        }
        if !save || title.trim().is_empty() {
            return;
        }
        let chart = SavedChart {
            title: title.trim().to_string(),
            kind,
            spec: spec.clone(),
            card: Default::default(),
        };
        let Some(path) = ws.project_path() else {
            return;
        };
        self.save_job
            .start(ws, T::SaveChart, chart.title.clone(), move |_rep| {
                save_chart(&Project::open(&path)?, &chart)?;
                Ok(chart.title)
            });
    }

    /// Reads the saved charts' titles, as a job.
    fn read_titles(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            return;
        };
        self.titles_job
            .start(ws, T::SaveChart, String::new(), move |_rep| {
                let charts = saved_charts(&Project::open_read_only(&path)?)?;
                Ok(charts.into_iter().map(|c| c.title).collect())
            });
    }

    fn status_ui(&self, ui: &mut Ui, ws: &Workspace) {
        job_status(ui, ws.lang, &self.job);
    }

    /// Asks where to export the chart as `ext` when `ask`; writes it when the answer comes
    /// (maybe in a later frame).
    #[allow(clippy::too_many_arguments)]
    fn export(
        &mut self,
        ctx: &egui::Context,
        ws: &mut Workspace,
        data: &ChartData,
        t: &AggTable,
        name: &str,
        ext: &str,
        ask: bool,
    ) {
        let lang = ws.lang;
        let Some(path) = crate::ui::widgets::FileDialog::new(("explore-export", ext))
            .file_name(format!("{name}-chart.{ext}"))
            .filter(ext.to_uppercase(), &[ext])
            .default_extension(ext)
            .save_file(ctx, ask)
        else {
            return;
        };
        // Drawn or written as a job, off the UI thread.
        if ext == "png" {
            let title = charts::heading(lang, data);
            let (data, kind) = (data.clone(), self.builder.kind);
            ws.spawn_write(T::ExportPng, path, move |path| {
                let words = Words::for_lang(lang);
                crate::explore::chart::render(&data, kind, &title, &words, path, (1400, 800))
            });
        } else {
            let t = t.clone();
            ws.spawn_write(T::ExportPng, path, move |path| t.write(path));
        }
    }

    fn analysis_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, tab: Tab) {
        let lang = ws.lang;
        let events_tab = tab == Tab::Funnel;
        let candidates: Vec<String> = ws
            .datasets
            .iter()
            .filter(|d| {
                if events_tab {
                    is_events(d)
                } else {
                    is_transactions(d)
                }
            })
            .map(|d| d.name.clone())
            .collect();
        // The funnel's steps come from the dataset's event values, read first.
        let values = match self.analyses.events.clone() {
            Some(d) if events_tab => self.event_values.get(ws, &d).cloned().map(|v| (d, v)),
            _ => None,
        };
        if let Some((d, v)) = &values
            && self.steps_for.as_ref() != Some(d)
        {
            self.steps_for = Some(d.clone());
            let steps = funnel_steps::parse(&self.analyses.steps);
            if steps.len() < 2 || !funnel_steps::unknown(&steps, v).is_empty() {
                self.analyses.steps = funnel_steps::default_steps(v);
            }
        }
        let values = values.map(|(_, v)| v);
        egui::Panel::top("explore-analysis-controls")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(12, 6)))
            .show(ui, |ui| {
                let a = &mut self.analyses;
                ui.horizontal_wrapped(|ui| {
                    let current = if events_tab {
                        &mut a.events
                    } else {
                        &mut a.transactions
                    };
                    combo(ui, lang.tr(T::Dataset), "explore-combo-8")
                        .selected_text(current.clone().unwrap_or_default())
                        .show_ui(ui, |ui| {
                            for n in &candidates {
                                ui.selectable_value(current, Some(n.clone()), n);
                            }
                        });
                    ui.separator();
                    analyses::analysis_controls(ui, lang, tab, a, ws, values.as_ref());
                });
            });
        let a = self.analyses.clone();
        let dataset = if events_tab {
            a.events.clone()
        } else {
            a.transactions.clone()
        };
        let Some(dataset) = dataset else {
            egui::CentralPanel::default().show(ui, |ui| {
                let roles = if events_tab {
                    "customer_id, timestamp, event_type"
                } else {
                    "customer_id, timestamp, amount"
                };
                theme::muted(ui, lang.f(T::NeedRoles, &[&roles]));
            });
            return;
        };
        let detail = dataset.clone();
        match tab {
            Tab::Trend => {
                let info = ws.dataset(&dataset).cloned();
                if let Some(spec) = info.and_then(|i| trend_spec(&i, a.trend_grain).ok()) {
                    self.run(
                        ws,
                        format!("{spec:?}"),
                        T::JobAnalysis,
                        detail,
                        move |p, rep| Ok(ExploreResult::Trend(aggregate(p, &spec, rep)?)),
                    );
                }
            }
            Tab::Cohorts => self.run(ws, dataset.clone(), T::JobAnalysis, detail, move |p, _| {
                Ok(ExploreResult::Cohorts(cohorts(p, &dataset, None)?))
            }),
            Tab::Funnel => {
                let steps = funnel_steps::parse(&a.steps);
                // Refused before computing: steps that match no event, or fewer than two.
                let refused =
                    match &values {
                        None => Some(lang.tr(T::FnReadingValues).to_string()),
                        Some(v) => {
                            let unknown = funnel_steps::unknown(&steps, v);
                            if !unknown.is_empty() {
                                let known: Vec<&str> =
                                    v.iter().take(20).map(|(x, _)| x.as_str()).collect();
                                Some(lang.f(
                                    T::FnUnknownSteps,
                                    &[&unknown.join(", "), &known.join(", ")],
                                ))
                            } else if steps.len() < 2 {
                                Some(lang.tr(T::FnTwoSteps).to_string())
                            } else {
                                None
                            }
                        }
                    };
                if let Some(message) = refused {
                    egui::CentralPanel::default().show(ui, |ui| {
                        if self.event_values.reading() {
                            ui.spinner();
                        }
                        theme::muted(ui, message);
                    });
                    return;
                }
                let spec = FunnelSpec {
                    dataset: dataset.clone(),
                    columns: EventColumns::default(),
                    steps,
                    window_seconds: i64::from(a.window_days) * 86_400,
                    by: a.funnel_by.clone(),
                    filter: None,
                };
                let key = format!("{spec:?}");
                self.run(ws, key, T::JobAnalysis, detail, move |p, _| {
                    Ok(ExploreResult::Funnel(funnel(p, &spec)?))
                });
            }
            Tab::Repeat => self.run(ws, dataset.clone(), T::JobAnalysis, detail, move |p, _| {
                Ok(ExploreResult::Repeat(repeat_purchases(
                    p, &dataset, None, 10,
                )?))
            }),
            Tab::Pareto => {
                let column = a.pareto_column.clone();
                let key = format!("{dataset}/{column:?}");
                self.run(ws, key, T::JobAnalysis, detail, move |p, _| {
                    Ok(ExploreResult::Pareto(pareto(
                        p,
                        &dataset,
                        column.as_deref(),
                        None,
                    )?))
                });
            }
            Tab::Forecast => {
                let (season, horizon) = (a.seasonality, a.horizon);
                let key = format!("{dataset}/{season:?}/{horizon}");
                self.run(ws, key, T::JobAnalysis, detail, move |p, rep| {
                    Ok(ExploreResult::Forecast(Box::new(forecast_revenue(
                        p,
                        &dataset,
                        Grain::Day,
                        7,
                        season,
                        horizon,
                        None,
                        rep,
                    )?)))
                });
            }
            Tab::Builder => {}
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.status_ui(ui, ws);
            let Some((shown, r)) = &self.result else {
                return;
            };
            if *shown != tab {
                return;
            }
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| analyses::analysis_ui(ui, lang, r, &self.analyses));
        });
    }
}

pub fn order_label(o: Order) -> T {
    match o {
        Order::Natural => T::OrderNatural,
        Order::Descending => T::OrderDesc,
        Order::Ascending => T::OrderAsc,
    }
}
