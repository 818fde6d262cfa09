//! The Explore page: a chart builder over any dataset (the aggregated table beside the chart,
//! exports to CSV, XLSX and PNG) and the ready-made analyses one click away. Every computation
//! runs as a background job; this page only holds choices and draws results.

mod charts;

use crate::dataset::DatasetInfo;
use crate::explore::aggregate::{aggregate, aggregate_cached};
use crate::explore::cohorts::{Cohorts, cohorts};
use crate::explore::forecast::Seasonality;
use crate::explore::funnel::{Funnel, FunnelSpec, funnel};
use crate::explore::ready::{
    RevenueForecast, forecast_revenue, is_events, is_transactions, trend_spec,
};
use crate::explore::render::{ChartKind, Words, render_table};
use crate::explore::repeat::{Pareto, RepeatPurchases, pareto, repeat_purchases};
use crate::explore::rows::EventColumns;
use crate::explore::{Agg, AggTable, ChartSpec, Dimension, Grain, Measure, Order};
use crate::i18n::{Lang, T, int};
use crate::store::Project;
use crate::ui::state::{JobOutput, Workspace};
use crate::ui::theme;
use egui::{RichText, Ui};

/// What an Explore job produces.
pub enum ExploreResult {
    Chart(AggTable),
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

pub fn kind_label(k: ChartKind) -> T {
    match k {
        ChartKind::Line => T::KindLine,
        ChartKind::Bar => T::KindBar,
        ChartKind::StackedBar => T::KindStacked,
        ChartKind::Area => T::KindArea,
        ChartKind::Scatter => T::KindScatter,
        ChartKind::Pie => T::KindPie,
    }
}

/// The builder's choices.
#[derive(Debug, Clone, PartialEq)]
struct Builder {
    dataset: Option<String>,
    x: String,
    grain: Option<Grain>,
    agg: Agg,
    /// The column or expression measured, as applied (the text field edits a draft).
    of: String,
    of_draft: String,
    by: Option<String>,
    filter: String,
    filter_draft: String,
    kind: ChartKind,
    top: usize,
    order: Order,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            dataset: None,
            x: String::new(),
            grain: Some(Grain::Month),
            agg: Agg::Sum,
            of: String::new(),
            of_draft: String::new(),
            by: None,
            filter: String::new(),
            filter_draft: String::new(),
            kind: ChartKind::Line,
            top: 0,
            order: Order::Natural,
        }
    }
}

impl Builder {
    /// Sensible first choices for a dataset: its time column by month and its revenue.
    fn reset_for(&mut self, info: &DatasetInfo) {
        *self = Builder {
            dataset: Some(info.name.clone()),
            ..Builder::default()
        };
        let time = info.columns.iter().find(|c| c.ty.is_temporal());
        match time {
            Some(c) => {
                self.x = c.name.clone();
                self.grain = Some(Grain::Month);
            }
            None => {
                self.x = info
                    .columns
                    .iter()
                    .find(|c| c.ty == crate::dataset::ColumnType::Text)
                    .or(info.columns.first())
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                self.grain = None;
                self.kind = ChartKind::Bar;
                self.order = Order::Descending;
                self.top = 12;
            }
        }
        match crate::explore::ready::revenue_expr(info) {
            Ok(e) => {
                self.agg = Agg::Sum;
                self.of = e;
            }
            Err(_) => {
                self.agg = Agg::Count;
                self.of = String::new();
            }
        }
        self.of_draft = self.of.clone();
    }

    fn spec(&self, info: &DatasetInfo) -> Option<ChartSpec> {
        let dataset = self.dataset.clone()?;
        let xcol = info.column(&self.x)?;
        let grain = if xcol.ty.is_temporal() {
            self.grain
        } else {
            None
        };
        let of = self.of.trim();
        if of.is_empty() && !self.agg.allows_rows() {
            return None;
        }
        let measure = Measure::new(self.agg, (!of.is_empty()).then_some(of));
        let mut spec = ChartSpec::new(dataset, Dimension::new(&self.x, grain), vec![measure]);
        spec.by = self.by.clone().map(|b| Dimension::new(b, None));
        spec.filter = (!self.filter.trim().is_empty()).then(|| self.filter.clone());
        spec.order = self.order;
        if self.top > 0 {
            spec.top = Some(self.top);
        }
        if spec.by.is_some() {
            spec.top_by = Some(8);
        }
        Some(spec)
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
    pub tab: Tab,
    builder: Builder,
    analyses: Analyses,
    /// The spec of the chart shown or being computed.
    asked: Option<(Tab, String)>,
    generation: u64,
    job: Option<u64>,
    result: Option<(Tab, ExploreResult)>,
    error: Option<String>,
    catalog_rev: u64,
    /// Columns read for earlier charts, shared with the chart jobs.
    cache: std::sync::Arc<std::sync::Mutex<crate::explore::cache::FrameCache>>,
}

impl ExplorePage {
    /// The aggregated table of the builder's chart, when one is shown.
    pub fn chart_table(&self) -> Option<&AggTable> {
        match &self.result {
            Some((Tab::Builder, ExploreResult::Chart(t))) => Some(t),
            _ => None,
        }
    }

    pub fn result_tab(&self) -> Option<Tab> {
        self.result.as_ref().map(|(t, _)| *t)
    }

    pub fn busy(&self, ws: &Workspace) -> bool {
        ws.job_running(self.job)
    }

    pub fn on_result(&mut self, generation: u64, r: Box<ExploreResult>) {
        if generation != self.generation {
            return;
        }
        self.job = None;
        self.error = None;
        self.result = Some((self.tab_of(&r), *r));
    }

    pub fn on_failed(&mut self, id: u64, message: String) -> bool {
        if self.job == Some(id) {
            self.job = None;
            self.error = Some(message);
            self.result = None;
            true
        } else {
            false
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
        if self.asked.as_ref() == Some(&asked) && (self.job.is_some() || self.result.is_some()) {
            return;
        }
        let Some(path) = ws.project_path() else {
            return;
        };
        if let Some(id) = self.job.take() {
            ws.cancel_job(id);
        }
        self.asked = Some(asked);
        self.generation += 1;
        self.error = None;
        let generation = self.generation;
        self.job = ws.spawn(title, detail, move |rep| {
            let project = Project::open_read_only(&path)?;
            let r = work(&project, rep)?;
            Ok(JobOutput::Explore(generation, Box::new(r)))
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
                let b = &mut self.builder;
                let mut pick_dataset = None;
                ui.horizontal_wrapped(|ui| {
                    combo(ui, lang.tr(T::Dataset), "explore-combo-1")
                        .selected_text(b.dataset.clone().unwrap_or_default())
                        .show_ui(ui, |ui| {
                            for n in &names {
                                if ui
                                    .selectable_label(b.dataset.as_ref() == Some(n), n)
                                    .clicked()
                                {
                                    pick_dataset = Some(n.clone());
                                }
                            }
                        });
                    ui.separator();
                    combo(ui, lang.tr(T::FieldX), "explore-combo-2")
                        .selected_text(b.x.clone())
                        .show_ui(ui, |ui| {
                            for c in &info.columns {
                                ui.selectable_value(&mut b.x, c.name.clone(), &c.name);
                            }
                        });
                    let temporal = info.column(&b.x).is_some_and(|c| c.ty.is_temporal());
                    if temporal {
                        combo(ui, lang.tr(T::FieldGrain), "explore-combo-3")
                            .selected_text(lang.tr(grain_label(b.grain)))
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut b.grain, None, lang.tr(T::GrainNone));
                                for g in Grain::ALL {
                                    ui.selectable_value(
                                        &mut b.grain,
                                        Some(g),
                                        lang.tr(grain_label(Some(g))),
                                    );
                                }
                            });
                    }
                    ui.separator();
                    combo(ui, lang.tr(T::FieldMeasure), "explore-combo-4")
                        .selected_text(lang.tr(agg_label(b.agg)))
                        .show_ui(ui, |ui| {
                            for a in Agg::ALL {
                                ui.selectable_value(&mut b.agg, a, lang.tr(agg_label(a)));
                            }
                        });
                    let label = ui.label(RichText::new(lang.tr(T::FieldOf)).weak());
                    let r = ui
                        .add(
                            egui::TextEdit::singleline(&mut b.of_draft)
                                .desired_width(200.0)
                                .hint_text(lang.tr(T::HintOf)),
                        )
                        .labelled_by(label.id);
                    if r.lost_focus() {
                        b.of = b.of_draft.clone();
                    }
                });
                ui.horizontal_wrapped(|ui| {
                    combo(ui, lang.tr(T::FieldSplit), "explore-combo-5")
                        .selected_text(b.by.clone().unwrap_or_else(|| lang.tr(T::NoSplit).into()))
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut b.by, None, lang.tr(T::NoSplit));
                            for c in &info.columns {
                                ui.selectable_value(&mut b.by, Some(c.name.clone()), &c.name);
                            }
                        });
                    let label = ui.label(RichText::new(lang.tr(T::FieldFilter)).weak());
                    let r = ui
                        .add(
                            egui::TextEdit::singleline(&mut b.filter_draft)
                                .desired_width(260.0)
                                .hint_text("Quantity > 0"),
                        )
                        .labelled_by(label.id);
                    if r.lost_focus() {
                        b.filter = b.filter_draft.clone();
                    }
                    ui.separator();
                    combo(ui, lang.tr(T::FieldChartType), "explore-combo-6")
                        .selected_text(lang.tr(kind_label(b.kind)))
                        .show_ui(ui, |ui| {
                            for k in ChartKind::ALL {
                                ui.selectable_value(&mut b.kind, k, lang.tr(kind_label(k)));
                            }
                        });
                    combo(ui, lang.tr(T::FieldOrder), "explore-combo-7")
                        .selected_text(lang.tr(order_label(b.order)))
                        .show_ui(ui, |ui| {
                            for o in [Order::Natural, Order::Descending, Order::Ascending] {
                                ui.selectable_value(&mut b.order, o, lang.tr(order_label(o)));
                            }
                        });
                    ui.label(RichText::new(lang.tr(T::FieldTop)).weak());
                    let all = lang.tr(T::AllGroups);
                    ui.add(
                        egui::DragValue::new(&mut b.top)
                            .range(0..=100)
                            .custom_formatter(move |v, _| {
                                if v == 0.0 {
                                    all.to_string()
                                } else {
                                    format!("{v}")
                                }
                            }),
                    );
                });
                if let Some(n) = pick_dataset
                    && let Some(d) = ws.dataset(&n)
                {
                    b.reset_for(d);
                }
            });

        let spec = self.builder.spec(&info);
        if let Some(spec) = spec.clone() {
            let key = format!("{spec:?}");
            let detail = spec.dataset.clone();
            let cache = self.cache.clone();
            self.run(ws, key, T::JobChart, detail, move |p, rep| {
                let mut cache = cache.lock().map_err(|_| {
                    crate::Error::InvalidArgument("an earlier chart job failed; try again".into())
                })?;
                Ok(ExploreResult::Chart(aggregate_cached(
                    p, &spec, &mut cache, rep,
                )?))
            });
        }
        let table = self.chart_table().cloned();
        if let Some(t) = &table {
            egui::Panel::right("explore-table")
                .resizable(true)
                .default_size(380.0)
                .min_size(240.0)
                .show(ui, |ui| {
                    ui.add_space(6.0);
                    ui.horizontal_wrapped(|ui| {
                        let name = self.builder.dataset.clone().unwrap_or_default();
                        for (k, ext) in [
                            (T::ExportCsv, "csv"),
                            (T::ExportXlsx, "xlsx"),
                            (T::ExportPng, "png"),
                        ] {
                            if ui.button(lang.tr(k)).clicked() {
                                self.export(ws, t, &name, ext);
                            }
                        }
                    });
                    theme::muted(
                        ui,
                        lang.f(
                            T::ChartRows,
                            &[&int(t.input_rows), &int(t.rows.len() as u64)],
                        ),
                    );
                    ui.add_space(4.0);
                    charts::table_ui(ui, lang, t);
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.status_ui(ui, ws);
            if let Some(t) = &table {
                charts::chart_ui(ui, lang, t, self.builder.kind);
            } else if self.error.is_none() && !self.busy(ws) {
                theme::muted(ui, lang.tr(T::NoChartYet));
            }
        });
    }

    fn status_ui(&self, ui: &mut Ui, ws: &Workspace) {
        if let Some(e) = &self.error {
            theme::error_card(ui, ws.tr(T::ChartFailed), e, "");
            ui.add_space(6.0);
        }
        if self.busy(ws) {
            ui.horizontal(|ui| {
                ui.spinner();
                theme::muted(ui, ws.tr(T::Computing));
            });
        }
    }

    fn export(&mut self, ws: &mut Workspace, t: &AggTable, name: &str, ext: &str) {
        let lang = ws.lang;
        let Some(mut path) = rfd::FileDialog::new()
            .set_file_name(format!("{name}-chart.{ext}"))
            .add_filter(ext.to_uppercase(), &[ext])
            .save_file()
        else {
            return;
        };
        if path.extension().is_none() {
            path.set_extension(ext);
        }
        let words = Words {
            missing: lang.tr(T::Missing).into(),
            other: lang.tr(T::OtherGroup).into(),
            all: lang.tr(T::AllUsers).into(),
        };
        let r = if ext == "png" {
            let title = format!("{} — {}", t.measures[0], t.x);
            render_table(t, self.builder.kind, 0, &title, &words, &path, (1400, 800))
        } else {
            t.write(&path)
        };
        match r {
            Ok(()) => ws.notice = Some(lang.f(T::Exported, &[&path.display()])),
            Err(e) => ws.problem(lang.tr(T::ExportPng), &e),
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
                    charts::analysis_controls(ui, lang, tab, a, ws);
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
                let spec = FunnelSpec {
                    dataset: dataset.clone(),
                    columns: EventColumns::default(),
                    steps: a
                        .steps
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
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
                .show(ui, |ui| charts::analysis_ui(ui, lang, r, &self.analyses));
        });
    }
}

/// A label, then a combo box tied to it (for screen readers and tests): reads left to right like
/// the other pages' forms.
pub(crate) fn combo<'a>(ui: &mut Ui, label: &str, id: &str) -> Combo<'a> {
    let label = ui.label(RichText::new(label).weak()).id;
    Combo {
        inner: egui::ComboBox::from_id_salt(id),
        label,
    }
}

pub(crate) struct Combo<'a> {
    inner: egui::ComboBox<'a>,
    label: egui::Id,
}

impl<'a> Combo<'a> {
    pub fn selected_text(self, text: impl Into<egui::WidgetText>) -> Combo<'a> {
        Combo {
            inner: self.inner.selected_text(text),
            label: self.label,
        }
    }

    pub fn show_ui(self, ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
        let r = self.inner.show_ui(ui, add);
        r.response.labelled_by(self.label);
    }
}

pub fn order_label(o: Order) -> T {
    match o {
        Order::Natural => T::OrderNatural,
        Order::Descending => T::OrderDesc,
        Order::Ascending => T::OrderAsc,
    }
}

/// The words charts need in this language.
pub fn words(lang: Lang) -> Words {
    Words {
        missing: lang.tr(T::Missing).into(),
        other: lang.tr(T::OtherGroup).into(),
        all: lang.tr(T::AllUsers).into(),
    }
}
