//! Drawing the Explore page's ready-made analyses: trend with moving average, cohort heatmap,
//! funnel, repeat purchases, Pareto and forecast.

use super::{Analyses, ExploreResult, Tab, grain_label};
use crate::explore::cohorts::Cohorts;
use crate::explore::downsample::lttb;
use crate::explore::forecast::Seasonality;
use crate::explore::funnel::Funnel;
use crate::explore::ready::RevenueForecast;
use crate::explore::render::Words;
use crate::explore::repeat::{Pareto, RepeatPurchases};
use crate::explore::table::PartialEnds;
use crate::explore::trend::{complete_series, moving_average};
use crate::explore::{AggTable, Grain};
use crate::format::{compact, number, percent};
use crate::i18n::{Lang, T, int};
use crate::ui::state::Workspace;
use crate::ui::theme;
use crate::ui::widgets::charts::{base_plot, category_axis, color, index_labels, index_spacer};
use crate::ui::widgets::combo;
use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Corner, FilledArea, Legend, Line, Plot, PlotPoints};

/// The controls of one analysis.
pub(super) fn analysis_controls(
    ui: &mut Ui,
    lang: Lang,
    tab: Tab,
    a: &mut Analyses,
    ws: &Workspace,
    values: Option<&super::funnel_steps::Values>,
) {
    match tab {
        Tab::Trend => {
            combo(ui, lang.tr(T::FieldGrain), "explore-combo-101")
                .selected_text(lang.tr(grain_label(Some(a.trend_grain))))
                .show_ui(ui, |ui| {
                    for g in [Grain::Day, Grain::Week, Grain::Month] {
                        ui.selectable_value(&mut a.trend_grain, g, lang.tr(grain_label(Some(g))));
                    }
                });
            combo(ui, lang.tr(T::FieldMetric), "explore-combo-102")
                .selected_text(lang.tr(metric(a.trend_metric)))
                .show_ui(ui, |ui| {
                    for m in 0..3 {
                        ui.selectable_value(&mut a.trend_metric, m, lang.tr(metric(m)));
                    }
                });
            ui.add(
                egui::DragValue::new(&mut a.moving_average)
                    .range(1..=52)
                    .prefix(format!("{} ", lang.tr(T::FieldMovingAverage))),
            );
        }
        Tab::Cohorts => {
            ui.selectable_value(&mut a.cohort_revenue, false, lang.tr(T::Retention));
            ui.selectable_value(&mut a.cohort_revenue, true, lang.tr(T::RevenuePerCustomer));
        }
        Tab::Funnel => {
            match values {
                Some(v) => super::funnel_steps::steps_ui(ui, lang, &mut a.steps, v),
                None => {
                    ui.spinner();
                    ui.label(RichText::new(lang.tr(T::FnReadingValues)).weak());
                }
            }
            ui.add(
                egui::DragValue::new(&mut a.window_days)
                    .range(1..=90)
                    .prefix(format!("{} ", lang.tr(T::FieldWindowDays))),
            );
            let columns: Vec<String> = a
                .events
                .as_ref()
                .and_then(|n| ws.dataset(n))
                .map(|d| d.columns.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default();
            combo(ui, lang.tr(T::FieldSplit), "explore-combo-103")
                .selected_text(
                    a.funnel_by
                        .clone()
                        .unwrap_or_else(|| lang.tr(T::NoSplit).into()),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut a.funnel_by, None, lang.tr(T::NoSplit));
                    for c in columns {
                        ui.selectable_value(&mut a.funnel_by, Some(c.clone()), c);
                    }
                });
        }
        Tab::Pareto => {
            let columns: Vec<String> = a
                .transactions
                .as_ref()
                .and_then(|n| ws.dataset(n))
                .map(|d| {
                    d.columns
                        .iter()
                        .filter(|c| c.ty == crate::dataset::ColumnType::Text)
                        .map(|c| c.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            combo(ui, lang.tr(T::FieldItems), "explore-combo-104")
                .selected_text(a.pareto_column.clone().unwrap_or_else(|| "item_id".into()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut a.pareto_column, None, "item_id");
                    for c in columns {
                        ui.selectable_value(&mut a.pareto_column, Some(c.clone()), c);
                    }
                });
        }
        Tab::Forecast => {
            combo(ui, lang.tr(T::FieldSeasonality), "explore-combo-105")
                .selected_text(lang.tr(season_label(a.seasonality)))
                .show_ui(ui, |ui| {
                    for s in [Seasonality::Additive, Seasonality::Multiplicative] {
                        ui.selectable_value(&mut a.seasonality, s, lang.tr(season_label(s)));
                    }
                });
            ui.add(
                egui::DragValue::new(&mut a.horizon)
                    .range(7..=90)
                    .prefix(format!("{} ", lang.tr(T::FieldHorizon))),
            );
        }
        Tab::Repeat | Tab::Builder => {}
    }
}

fn metric(m: usize) -> T {
    match m {
        0 => T::MetricRevenue,
        1 => T::MetricOrders,
        _ => T::MetricCustomers,
    }
}

fn season_label(s: Seasonality) -> T {
    match s {
        Seasonality::Additive => T::SeasonAdditive,
        Seasonality::Multiplicative => T::SeasonMultiplicative,
    }
}

/// One analysis result.
pub(super) fn analysis_ui(ui: &mut Ui, lang: Lang, r: &ExploreResult, a: &Analyses) {
    match r {
        ExploreResult::Trend(t) => trend_ui(ui, lang, t, a),
        ExploreResult::Cohorts(c) => cohorts_ui(ui, lang, c, a.cohort_revenue),
        ExploreResult::Funnel(f) => funnel_ui(ui, lang, f),
        ExploreResult::Repeat(r) => repeat_ui(ui, lang, r),
        ExploreResult::Pareto(p) => pareto_ui(ui, lang, p),
        ExploreResult::Forecast(f) => forecast_ui(ui, lang, f),
        ExploreResult::Chart(_) => {}
    }
}

fn date_labels(dates: &[chrono::NaiveDate], grain: Grain) -> Vec<String> {
    dates.iter().map(|d| grain.label(*d)).collect()
}

fn trend_ui(ui: &mut Ui, lang: Lang, t: &AggTable, a: &Analyses) {
    let m = a.trend_metric.min(t.measures.len().saturating_sub(1));
    let series = complete_series(t, m);
    let grain = t.grain.unwrap_or(Grain::Week);
    let dates: Vec<chrono::NaiveDate> = series.iter().map(|(d, _)| *d).collect();
    let values: Vec<f64> = series.iter().map(|(_, v)| *v).collect();
    let partial = match (dates.first(), dates.last()) {
        (Some(f), Some(l)) if dates.len() >= 2 => t.partial_ends(*f, *l),
        _ => PartialEnds::default(),
    };
    // The moving average leaves out a last period the data covers only in part.
    let full = if partial.last {
        values.len() - 1
    } else {
        values.len()
    };
    let ma = moving_average(&values[..full], a.moving_average);
    let name = lang.tr(metric(m));
    ui.label(RichText::new(format!("{name} — {}", lang.tr(grain_label(Some(grain))))).strong());
    let total: f64 = values.iter().sum();
    theme::muted(ui, format!("{}: {}", lang.tr(T::Total), number(total)));
    if let (Some((lo, hi)), Some(first), Some(last)) = (t.span, dates.first(), dates.last()) {
        if partial.first {
            theme::muted(
                ui,
                lang.f(T::PartialFirstPeriod, &[&grain.label(*first), &lo]),
            );
        }
        if partial.last {
            theme::muted(
                ui,
                lang.f(T::PartialLastPeriod, &[&grain.label(*last), &hi]),
            );
        }
    }
    let pts: Vec<[f64; 2]> = values
        .iter()
        .enumerate()
        .map(|(i, v)| [i as f64, *v])
        .collect();
    // Solid over the whole periods, dashed into a partial first or last one.
    let n = pts.len();
    let solid_from = usize::from(partial.first);
    let solid_to = if partial.last { n - 1 } else { n };
    let ma_pts: Vec<[f64; 2]> = ma
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| [i as f64, v]))
        .collect();
    base_plot("explore-trend")
        .legend(Legend::default().position(Corner::LeftTop))
        .height(ui.available_height().max(260.0) - 10.0)
        .x_axis_formatter(index_labels(date_labels(&dates, grain)))
        .show(ui, |p| {
            if solid_from < solid_to {
                p.line(
                    Line::new(name, PlotPoints::from(pts[solid_from..solid_to].to_vec()))
                        .color(color(0))
                        .width(1.5)
                        .fill(0.0)
                        .fill_alpha(0.12),
                );
            }
            let dashed = |seg: &[[f64; 2]]| {
                Line::new(name, PlotPoints::from(seg.to_vec()))
                    .color(color(0))
                    .width(1.5)
                    .style(egui_plot::LineStyle::dashed_loose())
            };
            if partial.first && n >= 2 {
                p.line(dashed(&pts[..2]));
            }
            if partial.last && n >= 2 {
                p.line(dashed(&pts[n - 2..]));
            }
            p.line(
                Line::new(
                    lang.f(T::MovingAverage, &[&a.moving_average]),
                    PlotPoints::from(ma_pts),
                )
                .color(color(1))
                .width(2.5),
            );
        });
}

fn heat(f: f64, dark: bool) -> Color32 {
    let f = f.clamp(0.0, 1.0) as f32;
    let lo = if dark {
        (0x26, 0x2b, 0x33)
    } else {
        (0xf4, 0xf8, 0xfd)
    };
    let hi = (0x21, 0x66, 0xac);
    let mix = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * f) as u8;
    Color32::from_rgb(mix(lo.0, hi.0), mix(lo.1, hi.1), mix(lo.2, hi.2))
}

fn cohorts_ui(ui: &mut Ui, lang: Lang, c: &Cohorts, revenue: bool) {
    let title = if revenue {
        T::RevenuePerCustomer
    } else {
        T::Retention
    };
    ui.label(RichText::new(lang.tr(title)).strong());
    theme::muted(ui, lang.tr(T::CohortHint));
    let months = c.months();
    let value = |co: &crate::explore::cohorts::Cohort, k: usize| {
        if revenue {
            co.revenue_per_customer(k)
        } else {
            co.retention(k)
        }
    };
    let mut max = 0.0f64;
    for co in &c.cohorts {
        for k in usize::from(!revenue)..months {
            if let Some(v) = value(co, k) {
                max = max.max(v);
            }
        }
    }
    let max = if max > 0.0 { max } else { 1.0 };
    let dark = ui.visuals().dark_mode;
    let (label_w, cust_w) = (110.0, 80.0);
    let cell_w =
        ((ui.available_width() - label_w - cust_w - 20.0) / months.max(1) as f32).clamp(38.0, 80.0);
    let cell_h = 24.0;
    let rows = c.cohorts.len() + 1;
    let size = egui::vec2(
        label_w + cust_w + cell_w * months as f32,
        cell_h * rows as f32,
    );
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let text_color = ui.visuals().text_color();
    let font = egui::FontId::proportional(12.0);
    let strong = egui::FontId::proportional(12.5);
    let at = |x: f32, y: f32| rect.min + egui::vec2(x, y);
    painter.text(
        at(4.0, cell_h / 2.0),
        egui::Align2::LEFT_CENTER,
        lang.tr(T::CohortMonth),
        strong.clone(),
        text_color,
    );
    painter.text(
        at(label_w + cust_w - 6.0, cell_h / 2.0),
        egui::Align2::RIGHT_CENTER,
        lang.tr(T::MetricCustomers),
        strong.clone(),
        text_color,
    );
    for k in 0..months {
        painter.text(
            at(label_w + cust_w + cell_w * (k as f32 + 0.5), cell_h / 2.0),
            egui::Align2::CENTER_CENTER,
            k.to_string(),
            strong.clone(),
            text_color,
        );
    }
    for (i, co) in c.cohorts.iter().enumerate() {
        let y = cell_h * (i as f32 + 1.0);
        painter.text(
            at(4.0, y + cell_h / 2.0),
            egui::Align2::LEFT_CENTER,
            co.month.format("%Y-%m").to_string(),
            font.clone(),
            text_color,
        );
        painter.text(
            at(label_w + cust_w - 6.0, y + cell_h / 2.0),
            egui::Align2::RIGHT_CENTER,
            int(co.customers),
            font.clone(),
            text_color,
        );
        for k in 0..co.active.len() {
            let Some(v) = value(co, k) else { continue };
            let f = v / max;
            let cell = egui::Rect::from_min_size(
                at(label_w + cust_w + cell_w * k as f32, y),
                egui::vec2(cell_w - 1.0, cell_h - 1.0),
            );
            painter.rect_filled(cell, 2.0, heat(f, dark));
            let fg = if f > 0.55 { Color32::WHITE } else { text_color };
            let label = if revenue { compact(v) } else { percent(v) };
            painter.text(
                cell.center(),
                egui::Align2::CENTER_CENTER,
                label,
                font.clone(),
                fg,
            );
        }
    }
    ui.add_space(6.0);
    theme::muted(ui, lang.tr(T::MonthsSince));
}

fn funnel_ui(ui: &mut Ui, lang: Lang, f: &Funnel) {
    let w = Words::for_lang(lang);
    let groups: Vec<_> = if f.groups.len() > 1 {
        f.groups[1..].iter().take(6).collect()
    } else {
        f.groups.iter().collect()
    };
    let labels = f.steps.clone();
    let k = groups.len() as f64;
    let bw = 0.8 / k;
    let width = ui.available_width();
    category_axis(
        ui,
        base_plot("explore-funnel"),
        &labels,
        String::new(),
        width,
    )
    .height(300.0)
    .legend(Legend::default().position(Corner::RightTop))
    .show(ui, |p| {
        for (gi, g) in groups.iter().enumerate() {
            let name = match &g.key {
                None => w.all.clone(),
                Some(s) if s.is_empty() => w.missing.clone(),
                Some(s) => s.clone(),
            };
            let bars: Vec<Bar> = g
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    Bar::new(i as f64 - 0.4 + bw * (gi as f64 + 0.5), s.users as f64)
                        .width(bw * 0.92)
                        .fill(color(gi))
                        .name(format!(
                            "{} · {}",
                            labels[i],
                            s.from_first.map(percent).unwrap_or_default()
                        ))
                })
                .collect();
            p.bar_chart(BarChart::new(name, bars).color(color(gi)));
        }
    });
    ui.add_space(8.0);
    egui::Grid::new("funnel-table")
        .striped(true)
        .spacing([18.0, 6.0])
        .show(ui, |ui| {
            let heads = [
                T::FieldSplit,
                T::Step,
                T::Users,
                T::FromPrevious,
                T::FromFirst,
                T::Dropped,
                T::MedianTime,
            ];
            for h in heads {
                ui.label(RichText::new(lang.tr(h)).strong());
            }
            ui.end_row();
            for g in &f.groups {
                let name = match &g.key {
                    None => w.all.clone(),
                    Some(s) if s.is_empty() => w.missing.clone(),
                    Some(s) => s.clone(),
                };
                for (i, s) in g.steps.iter().enumerate() {
                    ui.label(if i == 0 { name.clone() } else { String::new() });
                    ui.label(&s.step);
                    ui.label(int(s.users));
                    ui.label(if i == 0 {
                        "—".into()
                    } else {
                        s.from_previous.map(percent).unwrap_or_default()
                    });
                    ui.label(if i == 0 {
                        "—".into()
                    } else {
                        s.from_first.map(percent).unwrap_or_default()
                    });
                    ui.label(int(s.dropped));
                    ui.label(
                        s.median_seconds
                            .filter(|_| i > 0)
                            .map(|x| duration(lang, x))
                            .unwrap_or_else(|| "—".into()),
                    );
                    ui.end_row();
                }
            }
        });
}

fn duration(lang: Lang, secs: f64) -> String {
    lang.duration(std::time::Duration::from_secs_f64(secs.max(0.0)))
}

fn repeat_ui(ui: &mut Ui, lang: Lang, r: &RepeatPurchases) {
    let fmt = |v: Option<f64>| v.map(number).unwrap_or_else(|| "—".into());
    ui.label(lang.f(
        T::RepeatSummary,
        &[&fmt(r.median_gap_days), &fmt(r.median_days_to_second)],
    ));
    ui.add_space(4.0);
    ui.columns(2, |cols| {
        cols[0].label(RichText::new(lang.tr(T::ShareCustomers)).strong());
        let bars: Vec<Bar> = r
            .curve
            .iter()
            .map(|s| {
                Bar::new(s.n as f64, s.share * 100.0)
                    .width(0.7)
                    .fill(color(0))
                    .name(format!("{} · {}", int(s.customers), percent(s.share)))
            })
            .collect();
        Plot::new("explore-repeat")
            .x_grid_spacer(index_spacer)
            .height(280.0)
            .allow_scroll(false)
            .show_grid([false, true])
            .x_axis_label(lang.tr(T::NthPurchase))
            .y_axis_formatter(|m, _| format!("{}%", m.value))
            .show(&mut cols[0], |p| {
                p.bar_chart(BarChart::new(lang.tr(T::ShareCustomers), bars).color(color(0)))
            });
        cols[1].label(RichText::new(lang.tr(T::DaysBetween)).strong());
        let labels: Vec<String> = r
            .gaps
            .iter()
            .map(|g| match g.to_days {
                Some(t) => format!("{}–{}", g.from_days, t),
                None => format!("{}+", g.from_days),
            })
            .collect();
        let bars: Vec<Bar> = r
            .gaps
            .iter()
            .enumerate()
            .map(|(i, g)| {
                Bar::new(i as f64, g.gaps as f64)
                    .width(0.7)
                    .fill(color(3))
                    .name(labels[i].clone())
            })
            .collect();
        // Every bucket labelled (every other one was).
        let width = cols[1].available_width();
        let plot = Plot::new("explore-gaps")
            .y_axis_min_width(48.0)
            .allow_scroll(false);
        category_axis(&cols[1], plot, &labels, String::new(), width)
            .height(280.0)
            .allow_scroll(false)
            .show_grid([false, true])
            .y_axis_formatter(|m, _| compact(m.value))
            .show(&mut cols[1], |p| {
                p.bar_chart(BarChart::new(lang.tr(T::DaysBetween), bars).color(color(3)))
            });
    });
}

fn pareto_ui(ui: &mut Ui, lang: Lang, p: &Pareto) {
    let n = p.items.len();
    ui.label(lang.f(
        T::ParetoSummary,
        &[
            &int(n as u64),
            &percent(p.share_of_top(0.2)),
            &int(p.items_for(0.8) as u64),
        ],
    ));
    let mut pts = vec![[0.0, 0.0]];
    pts.extend(p.items.iter().enumerate().map(|(i, it)| {
        [
            100.0 * (i + 1) as f64 / n as f64,
            100.0 * it.cumulative_share,
        ]
    }));
    let pts = lttb(&pts, 1500);
    Plot::new("explore-pareto")
        .height(ui.available_height().max(300.0) - 10.0)
        .legend(Legend::default().position(Corner::RightBottom))
        .allow_scroll(false)
        .show_grid([true, true])
        .x_axis_label(lang.tr(T::ShareItems))
        .y_axis_label(lang.tr(T::ShareRevenue))
        .x_axis_formatter(|m, _| format!("{}%", m.value))
        .y_axis_formatter(|m, _| format!("{}%", m.value))
        .include_y(0.0)
        .include_y(100.0)
        .show(ui, |pl| {
            pl.line(
                Line::new(lang.tr(T::ShareRevenue), PlotPoints::from(pts))
                    .color(color(0))
                    .width(2.5)
                    .fill(0.0)
                    .fill_alpha(0.1),
            );
            pl.line(
                Line::new(
                    "20% / 80%",
                    PlotPoints::from(vec![[20.0, 0.0], [20.0, 80.0], [0.0, 80.0]]),
                )
                .color(color(2))
                .style(egui_plot::LineStyle::dashed_loose()),
            );
        });
}

fn forecast_ui(ui: &mut Ui, lang: Lang, f: &RevenueForecast) {
    let m = &f.model;
    let mape = f
        .holdout
        .mape
        .map(|v| format!("{v:.1}%"))
        .unwrap_or_else(|| "—".into());
    ui.label(lang.f(
        T::ForecastSummary,
        &[
            &f.holdout.actual.len(),
            &mape,
            &format!("{:.2}", m.params.alpha),
            &format!("{:.2}", m.params.beta),
            &format!("{:.2}", m.params.gamma),
        ],
    ));
    let n = f.dates.len();
    let mut labels = date_labels(&f.dates, f.grain);
    labels.extend(date_labels(&f.future_dates, f.grain));
    // The recent past is what the forecast continues: show the last 16 seasons (all data is fitted).
    let from = n.saturating_sub(16 * m.period);
    let actual: Vec<[f64; 2]> = f
        .actual
        .iter()
        .enumerate()
        .skip(from)
        .map(|(i, v)| [i as f64, *v])
        .collect();
    let h = f.holdout.forecast.len();
    let check: Vec<[f64; 2]> = f
        .holdout
        .forecast
        .iter()
        .enumerate()
        .map(|(i, p)| [(n - h + i) as f64, p.mean])
        .collect();
    let xs: Vec<f64> = (0..f.future.len()).map(|i| (n + i) as f64).collect();
    // Revenue is not negative: the band stops at zero.
    let lo: Vec<f64> = f.future.iter().map(|p| p.lower.max(0.0)).collect();
    let hi: Vec<f64> = f.future.iter().map(|p| p.upper).collect();
    let mut fut: Vec<[f64; 2]> = vec![[(n - 1) as f64, f.actual[n - 1]]];
    fut.extend(
        f.future
            .iter()
            .enumerate()
            .map(|(i, p)| [(n + i) as f64, p.mean.max(0.0)]),
    );
    base_plot("explore-forecast")
        .legend(Legend::default().position(Corner::LeftTop))
        .height(ui.available_height().max(300.0) - 10.0)
        .x_axis_formatter(index_labels(labels))
        .show(ui, |p| {
            p.line(
                Line::new(lang.tr(T::Actual), PlotPoints::from(actual))
                    .color(color(0))
                    .width(1.5),
            );
            p.line(
                Line::new(lang.tr(T::HoldoutCheck), PlotPoints::from(check))
                    .color(color(2))
                    .width(1.5)
                    .style(egui_plot::LineStyle::dashed_dense()),
            );
            p.add(
                FilledArea::new(lang.tr(T::Interval95), &xs, &lo, &hi)
                    .fill_color(color(1).gamma_multiply(0.25)),
            );
            p.line(
                Line::new(lang.tr(T::ForecastLine), PlotPoints::from(fut))
                    .color(color(1))
                    .width(2.5),
            );
        });
}
