//! The ROI view: the attribution model and window, the datasets, the metrics per campaign or
//! channel, every model side by side, and the charts (cumulative spend against attributed
//! revenue, ROI and ROAS per campaign and per channel, the funnel).

use super::metrics_table::{metrics_table, ratio, two};
use super::plots::{PNG_SIZE, chart_card, export_png, funnel_plot, pick_png};
use super::status;
use super::table::{Cell, column_label, grid, model_label};
use crate::campaigns::charts::{ChartWords, funnel_of, ratio_table, timeline_table};
use crate::campaigns::data::{Inputs, Sources, guess_sources, load_inputs};
use crate::campaigns::metrics::Metrics;
use crate::campaigns::report::{RoiReport, roi_report};
use crate::campaigns::{Attribution, Model};
use crate::explore::render::Words;
use crate::explore::render::{ChartKind, render_funnel, render_table};
use crate::format::number;
use crate::format::{column_decimals, fixed, opt_percent};
use crate::i18n::{Lang, T, int};
use crate::store::Project;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use crate::ui::widgets::charts::chart_ui;
use crate::ui::widgets::combo;
use egui::{RichText, Ui};
use std::sync::Arc;

/// What a report was computed for.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    catalog: u64,
    sources: Sources,
    spec: Attribution,
}

#[derive(Default)]
pub struct RoiView {
    spec: Attribution,
    sources: Sources,
    sources_rev: Option<u64>,
    inputs: Option<(u64, Sources, Arc<Inputs>)>,
    report: Option<Box<RoiReport>>,
    report_key: Option<Key>,
    running_key: Option<Key>,
    failed_key: Option<Key>,
    /// The report, with the inputs it was computed from (kept for the next run).
    job: JobSlot<(Arc<Inputs>, Box<RoiReport>)>,
    compare: bool,
    by_channel: bool,
    /// The campaign whose funnel is shown (`None`: all campaigns).
    funnel: Option<String>,
    /// Whether the campaign and the channel charts show ROAS (else ROI): each on its own axis.
    campaign_roas: bool,
    channel_roas: bool,
}

pub fn chart_words(lang: Lang) -> ChartWords {
    let t = |k: T| lang.tr(k).to_string();
    ChartWords {
        day: t(T::CampDay),
        amount: t(T::CampAmount),
        spend: t(T::CampSpend),
        revenue: t(T::CampRevenue),
        campaign: t(T::ColCampaign),
        channel: t(T::ColChannel),
        no_channel: t(T::NoChannel),
        roi: t(T::ColRoi),
        roas: t(T::ColRoas),
        ratio: t(T::CampRatio),
        steps: [
            t(T::StepContacted),
            t(T::StepOpened),
            t(T::StepClicked),
            t(T::StepVisited),
            t(T::StepConverted),
        ],
    }
}

impl RoiView {
    pub fn busy(&self) -> bool {
        self.job.is_running()
    }

    /// The report shown, once computed.
    pub fn report(&self) -> Option<&RoiReport> {
        self.report.as_deref()
    }

    /// The attribution model and window the report is asked for.
    pub fn spec(&self) -> Attribution {
        self.spec
    }

    /// Sets the attribution window, as its spin box does (the report reruns).
    pub fn set_window_days(&mut self, days: u32) {
        self.spec.window_days = days;
    }

    /// Takes the report when its job finishes (once per frame).
    pub fn logic(&mut self) {
        match self.job.poll_keep() {
            Some((inputs, report)) => self.on_result(inputs, report),
            None if self.job.error().is_some() && self.running_key.is_some() => {
                self.failed_key = self.running_key.take();
            }
            None => {}
        }
    }

    fn on_result(&mut self, inputs: Arc<Inputs>, report: Box<RoiReport>) {
        self.report_key = self.running_key.take();
        if let Some(k) = &self.report_key {
            self.inputs = Some((k.catalog, k.sources.clone(), inputs));
        }
        self.report = Some(report);
    }

    fn key(&self, ws: &Workspace) -> Key {
        Key {
            catalog: ws.catalog_rev,
            sources: self.sources.clone(),
            spec: self.spec,
        }
    }

    /// Starts the report for the current settings when it is not shown or running yet.
    fn refresh(&mut self, ws: &mut Workspace) {
        if self.sources_rev != Some(ws.catalog_rev) {
            self.sources = guess_sources(&ws.datasets);
            self.sources_rev = Some(ws.catalog_rev);
        }
        if self.sources.contacts.is_none() || self.sources.orders.is_none() {
            return;
        }
        let key = self.key(ws);
        if self.busy()
            || self.report_key.as_ref() == Some(&key)
            || self.failed_key.as_ref() == Some(&key)
        {
            return;
        }
        let Some(path) = ws.project_path() else {
            return;
        };
        let cached = self
            .inputs
            .as_ref()
            .filter(|(rev, s, _)| *rev == key.catalog && *s == key.sources)
            .map(|(_, _, i)| i.clone());
        let (sources, spec) = (key.sources.clone(), key.spec);
        let detail = lang_model(ws.lang, spec.model);
        self.job.start(ws, T::JobRoi, detail, move |rep| {
            let inputs = match cached {
                Some(i) => i,
                None => {
                    let project = Project::open_read_only(&path)?;
                    Arc::new(load_inputs(&project, &sources, &[], rep)?)
                }
            };
            rep.check()?;
            let report = roi_report(&inputs, &spec)?;
            Ok((inputs, Box::new(report)))
        });
        self.running_key = Some(key);
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        self.refresh(ws);
        egui::Panel::top("campaigns-roi-controls")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(12, 6)))
            .show(ui, |ui| self.controls(ui, ws));
        egui::CentralPanel::default().show(ui, |ui| {
            if self.sources.contacts.is_none() {
                theme::muted(ui, lang.tr(T::CampNoContacts));
                return;
            }
            if self.sources.orders.is_none() {
                theme::muted(ui, lang.tr(T::CampNoOrders));
                return;
            }
            status(ui, ws, &self.job);
            let Some(report) = self.report.take() else {
                return;
            };
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| self.report_ui(ui, ws, &report));
            self.report = Some(report);
        });
    }

    fn controls(&mut self, ui: &mut Ui, ws: &Workspace) {
        let lang = ws.lang;
        ui.horizontal_wrapped(|ui| {
            combo(ui, lang.tr(T::CampModel), "campaigns-model")
                .selected_text(lang.tr(model_label(self.spec.model)))
                .show_ui(ui, |ui| {
                    for m in Model::ALL {
                        ui.selectable_value(&mut self.spec.model, m, lang.tr(model_label(m)));
                    }
                });
            let l = ui.label(RichText::new(lang.tr(T::FieldWindowDays)).weak());
            ui.add(egui::DragValue::new(&mut self.spec.window_days).range(1..=365))
                .labelled_by(l.id);
            let l = ui.label(RichText::new(lang.tr(T::CampHalfLife)).weak());
            ui.add_enabled(
                self.spec.model == Model::TimeDecay,
                egui::DragValue::new(&mut self.spec.half_life_days)
                    .range(0.25..=365.0)
                    .speed(0.25),
            )
            .labelled_by(l.id);
            ui.separator();
            ui.checkbox(&mut self.compare, lang.tr(T::CampCompare));
            ui.separator();
            ui.selectable_value(&mut self.by_channel, false, lang.tr(T::CampPerCampaign));
            ui.selectable_value(&mut self.by_channel, true, lang.tr(T::CampPerChannel));
        });
        egui::CollapsingHeader::new(lang.tr(T::CampSources))
            .id_salt("campaigns-sources")
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    let names: Vec<String> = ws.datasets.iter().map(|d| d.name.clone()).collect();
                    let s = &mut self.sources;
                    for (key, slot, id) in [
                        (T::SrcOrders, &mut s.orders, "campaigns-src-orders"),
                        (T::SrcContacts, &mut s.contacts, "campaigns-src-contacts"),
                        (T::SrcCampaigns, &mut s.campaigns, "campaigns-src-campaigns"),
                        (T::SrcSpend, &mut s.spend, "campaigns-src-spend"),
                        (T::SrcEvents, &mut s.events, "campaigns-src-events"),
                    ] {
                        combo(ui, lang.tr(key), id)
                            .selected_text(
                                slot.clone()
                                    .unwrap_or_else(|| lang.tr(T::NoSplit).to_string()),
                            )
                            .show_ui(ui, |ui| {
                                ui.selectable_value(slot, None, lang.tr(T::NoSplit));
                                for n in &names {
                                    ui.selectable_value(slot, Some(n.clone()), n);
                                }
                            });
                    }
                });
            });
    }

    fn report_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, r: &RoiReport) {
        let lang = ws.lang;
        let c = &r.computed;
        // The revenue and the cost with the decimals of their table columns.
        let decimals = |f: fn(&Metrics) -> Option<f64>| {
            let v: Vec<f64> = c
                .campaigns
                .iter()
                .chain(&c.channels)
                .chain(std::iter::once(&c.total))
                .filter_map(f)
                .collect();
            column_decimals(&v)
        };
        let (dr, dc) = (decimals(|m| Some(m.revenue)), decimals(|m| m.cost));
        ui.horizontal_wrapped(|ui| {
            for (k, v) in [
                (T::CampRevenue, fixed(c.total.revenue, dr)),
                (
                    T::ColCost,
                    c.total.cost.map_or_else(|| "—".into(), |v| fixed(v, dc)),
                ),
                (T::ColRoi, opt_percent(c.total.roi)),
                (T::ColRoas, ratio(c.total.roas)),
                (T::ColConversions, two(c.total.conversions)),
            ] {
                theme::card(ui, |ui| {
                    ui.vertical(|ui| {
                        theme::muted(ui, lang.tr(k));
                        ui.label(RichText::new(v).size(18.0).strong());
                    });
                });
            }
        });
        theme::muted(
            ui,
            lang.f(
                T::CampAttributedSummary,
                &[
                    &int(c.attributed_orders),
                    &int(r.orders),
                    &number(c.unattributed_revenue),
                ],
            ),
        );
        theme::muted(ui, lang.tr(T::CampCaveat));
        ui.add_space(6.0);
        let rows: Vec<Metrics> = if self.by_channel {
            c.channels.clone()
        } else {
            c.campaigns.clone()
        };
        metrics_table(ui, lang, &rows, &c.total, self.by_channel);
        theme::muted(
            ui,
            lang.f(
                T::CampConversionNote,
                &[
                    &int(c.total.campaign_converters),
                    &int(c.total.campaign_reach),
                    &int(c.total.converters),
                    &int(c.total.reach),
                    &opt_percent(c.total.customer_conversion_rate),
                ],
            ),
        );
        if self.compare {
            ui.add_space(8.0);
            theme::section(ui, lang.tr(T::CampCompare));
            let multi = c.multi_campaign_orders;
            theme::muted(
                ui,
                if multi == 0 {
                    lang.tr(T::CampNoMultiTouch).to_string()
                } else {
                    lang.f(T::CampMultiTouch, &[&int(multi)])
                },
            );
            comparison_table(ui, lang, r);
        }
        ui.add_space(8.0);
        self.charts(ui, ws, r);
    }

    fn charts(&mut self, ui: &mut Ui, ws: &mut Workspace, r: &RoiReport) {
        let lang = ws.lang;
        let cw = chart_words(lang);
        let full = ui.available_width();
        let half = ((full - 12.0) / 2.0).max(320.0);
        let timeline = timeline_table(r, &cw);
        let by_campaign = ratio_table(&r.computed.campaigns, false, self.campaign_roas, &cw);
        let by_channel = ratio_table(&r.computed.channels, true, self.channel_roas, &cw);
        let title_t = lang.tr(T::CampCumulative);
        let title_c = lang.tr(T::CampRatiosCampaign);
        let title_h = lang.tr(T::CampRatiosChannel);
        ui.horizontal_top(|ui| {
            let clicked = chart_card(ui, lang, title_t, half, |ui| {
                chart_ui(
                    ui,
                    lang,
                    &timeline,
                    ChartKind::Line,
                    "campaigns-timeline",
                    true,
                )
            });
            if let Some(p) = pick_png(ui.ctx(), "campaign-spend-revenue", clicked) {
                let (t, title) = (timeline.clone(), title_t.to_string());
                export_png(ws, p, move |p| {
                    let w = Words::for_lang(lang);
                    render_table(&t, ChartKind::Line, 0, &title, &w, p, PNG_SIZE)
                });
            }
            let pick = &mut self.campaign_roas;
            let clicked = chart_card(ui, lang, title_c, half, |ui| {
                ratio_pick(ui, lang, pick);
                chart_ui(
                    ui,
                    lang,
                    &by_campaign,
                    ChartKind::Bar,
                    "campaigns-ratios",
                    true,
                )
            });
            if let Some(p) = pick_png(ui.ctx(), "campaign-roi-roas", clicked) {
                let (t, title) = (by_campaign.clone(), title_c.to_string());
                export_png(ws, p, move |p| {
                    let w = Words::for_lang(lang);
                    render_table(&t, ChartKind::Bar, 0, &title, &w, p, PNG_SIZE)
                });
            }
        });
        ui.add_space(8.0);
        // The funnel of one campaign or of all.
        let funnel_key = self.funnel.clone().unwrap_or_else(|| "total".into());
        let steps = r
            .computed
            .funnels
            .iter()
            .find(|f| f.key == funnel_key)
            .or_else(|| r.computed.funnels.last())
            .cloned()
            .unwrap_or_default();
        let funnel = funnel_of(&steps, &cw);
        let converters = r
            .computed
            .campaigns
            .iter()
            .find(|m| m.key == steps.key)
            .unwrap_or(&r.computed.total)
            .converters;
        let funnel_name = if steps.key == "total" {
            lang.tr(T::AllCampaigns).to_string()
        } else {
            steps.name.clone()
        };
        let title_f = lang.f(T::CampFunnel, &[&funnel_name]);
        ui.horizontal_top(|ui| {
            let pick = &mut self.channel_roas;
            let clicked = chart_card(ui, lang, title_h, half, |ui| {
                ratio_pick(ui, lang, pick);
                chart_ui(
                    ui,
                    lang,
                    &by_channel,
                    ChartKind::Bar,
                    "campaigns-channel-ratios",
                    true,
                )
            });
            if let Some(p) = pick_png(ui.ctx(), "channel-roi-roas", clicked) {
                let (t, title) = (by_channel.clone(), title_h.to_string());
                export_png(ws, p, move |p| {
                    let w = Words::for_lang(lang);
                    render_table(&t, ChartKind::Bar, 0, &title, &w, p, PNG_SIZE)
                });
            }
            let funnel_pick = &mut self.funnel;
            let export = chart_card(ui, lang, &title_f, half, |ui| {
                ui.horizontal(|ui| {
                    combo(ui, lang.tr(T::CampFunnelOf), "campaigns-funnel-of")
                        .selected_text(funnel_name.clone())
                        .show_ui(ui, |ui| {
                            ui.selectable_value(funnel_pick, None, lang.tr(T::AllCampaigns));
                            for m in &r.computed.campaigns {
                                ui.selectable_value(funnel_pick, Some(m.key.clone()), &m.name);
                            }
                        });
                });
                theme::muted(ui, lang.f(T::CampFunnelNote, &[&int(converters)]));
                funnel_plot(ui, "campaigns-funnel", &funnel, ui.available_height());
            });
            if let Some(p) = pick_png(ui.ctx(), "campaign-funnel", export) {
                let (f, title) = (funnel.clone(), title_f.clone());
                export_png(ws, p, move |p| {
                    let w = Words::for_lang(lang);
                    render_funnel(&f, &title, &w, p, PNG_SIZE)
                });
            }
        });
    }
}

/// ROI or ROAS, the ratio a chart shows.
fn ratio_pick(ui: &mut Ui, lang: Lang, roas: &mut bool) {
    ui.horizontal(|ui| {
        // Named as the charts' measures are (the axis has no room for a unit).
        ui.selectable_value(roas, false, format!("{} (%)", lang.tr(T::ColRoi)));
        ui.selectable_value(roas, true, format!("{} (×)", lang.tr(T::ColRoas)));
    });
}

fn lang_model(lang: Lang, m: Model) -> String {
    lang.tr(model_label(m)).to_string()
}

/// Revenue and ROI of each campaign under every model.
fn comparison_table(ui: &mut Ui, lang: Lang, r: &RoiReport) {
    let mut headers = vec![
        column_label(lang, "name", ""),
        column_label(lang, "cost", ""),
    ];
    for m in Model::ALL {
        headers.push(format!(
            "{} · {}",
            lang.tr(model_label(m)),
            lang.tr(T::CampRevenue)
        ));
        headers.push(format!(
            "{} · {}",
            lang.tr(model_label(m)),
            lang.tr(T::ColRoi)
        ));
    }
    // Cost and each model's revenue with one number of decimals per column.
    let amounts: Vec<Vec<Option<f64>>> = r
        .comparison
        .iter()
        .map(|c| {
            let mut v = vec![c.cost];
            v.extend(c.models.iter().map(|m| Some(m.revenue)));
            v
        })
        .collect();
    let width = amounts.iter().map(Vec::len).max().unwrap_or(0);
    let decimals: Vec<usize> = (0..width)
        .map(|j| {
            let col: Vec<f64> = amounts
                .iter()
                .filter_map(|r| r.get(j).copied().flatten())
                .collect();
            column_decimals(&col)
        })
        .collect();
    let amount = |v: Option<f64>, j: usize| {
        Cell::num(v.map_or_else(|| "—".into(), |v| fixed(v, decimals[j])))
    };
    let body: Vec<Vec<Cell>> = r
        .comparison
        .iter()
        .map(|c| {
            let mut v = vec![Cell::text(c.name.clone()), amount(c.cost, 0)];
            for (j, m) in c.models.iter().enumerate() {
                v.push(amount(Some(m.revenue), j + 1));
                v.push(Cell::num(opt_percent(m.roi)));
            }
            v
        })
        .collect();
    grid(ui, "campaigns-comparison", &headers, &body, 170.0);
}
