//! The plot kit pages share: colours, the aggregated table, plots with index axes, and a computed
//! chart (lines, bars, areas, scatter, pie, histogram, box plot) with its heading.

use crate::explore::chart::ChartData;
use crate::explore::downsample::lttb;
use crate::explore::render::{ChartKind, PALETTE, Words};
use crate::explore::{AggTable, Key};
use crate::format::{column_decimals, compact, fixed, number, percent};
use crate::i18n::{Lang, T};
use crate::ui::theme;
use egui::{Align, Color32, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Corner, Legend, Line, Plot, PlotPoints, Points};

pub fn color(i: usize) -> Color32 {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    Color32::from_rgb(r, g, b)
}

/// The aggregated table, values right-aligned and formatted.
pub fn table_ui(ui: &mut Ui, lang: Lang, t: &AggTable) {
    let w = Words::for_lang(lang);
    let headers = t.headers();
    let keys = 1 + usize::from(t.by.is_some());
    // Many columns (a box plot's ten numbers) scroll sideways instead of widening the panel.
    // Each header fits whole (no "sum(amoun"), and each measure column shares its decimals.
    let widths: Vec<f32> = {
        let font = egui::TextStyle::Body.resolve(ui.style());
        let color = ui.visuals().text_color();
        headers
            .iter()
            .map(|name| {
                let strong = ui
                    .painter()
                    .layout_no_wrap(name.clone(), font.clone(), color);
                strong.size().x + 16.0
            })
            .collect()
    };
    let decimals: Vec<usize> = (0..t.measures.len())
        .map(|j| column_decimals(t.rows.iter().filter_map(|r| r.values.get(j)?.as_ref())))
        .collect();
    egui::ScrollArea::horizontal()
        .id_salt("explore-agg-table-scroll")
        .show(ui, |ui| {
            let mut builder = TableBuilder::new(ui)
                .id_salt("explore-agg-table")
                .striped(true)
                .auto_shrink([false, false])
                .cell_layout(Layout::left_to_right(Align::Center))
                .columns(Column::auto().at_least(70.0).clip(true), keys);
            let many = headers.len() - keys > 3;
            for w in &widths[keys..] {
                let least = w.max(if many { 64.0 } else { 90.0 });
                builder = builder.column(if many {
                    Column::auto().at_least(least)
                } else {
                    Column::remainder().at_least(least)
                });
            }
            builder
                .header(theme::HEADER_HEIGHT, |mut h| {
                    for (i, name) in headers.iter().enumerate() {
                        h.col(|ui| {
                            let layout = if i >= keys {
                                Layout::right_to_left(Align::Center)
                            } else {
                                Layout::left_to_right(Align::Center)
                            };
                            ui.with_layout(layout, |ui| ui.label(RichText::new(name).strong()));
                        });
                    }
                })
                .body(|body| {
                    body.rows(theme::ROW_HEIGHT, t.rows.len(), |mut row| {
                        let r = &t.rows[row.index()];
                        row.col(|ui| {
                            ui.label(r.x.label(t.grain, &w.missing, &w.other));
                        });
                        if let Some(b) = &r.by {
                            row.col(|ui| {
                                ui.label(b.label(None, &w.missing, &w.other));
                            });
                        }
                        for (j, v) in r.values.iter().enumerate() {
                            let share = t.measures[j].starts_with("share(");
                            row.col(|ui| {
                                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                    let text = match v {
                                        Some(v) if share => percent(*v),
                                        Some(v) => fixed(*v, decimals[j]),
                                        None => "—".into(),
                                    };
                                    ui.label(RichText::new(text).monospace());
                                });
                            });
                        }
                    });
                });
        });
}

pub fn base_plot(id: &str) -> Plot<'static> {
    Plot::new(id.to_string())
        .x_grid_spacer(index_spacer)
        .allow_scroll(false)
        .allow_boxed_zoom(true)
        .show_grid([false, true])
        .y_axis_min_width(48.0)
        .y_axis_formatter(|m, _| compact(m.value))
}

/// Grid marks on whole indices, about one per 90 points of width.
pub fn index_spacer(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let want = (input.base_step_size * 12.0).max(1.0);
    let step = [
        1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0, 52.0, 100.0, 250.0, 500.0, 1000.0,
    ]
    .into_iter()
    .find(|s| *s >= want)
    .unwrap_or(want.ceil());
    let mut v = (lo / step).ceil() * step;
    let mut marks = Vec::new();
    while v <= hi && marks.len() < 400 {
        marks.push(egui_plot::GridMark {
            value: v,
            step_size: step,
        });
        v += step;
    }
    marks
}

pub fn index_labels(
    labels: Vec<String>,
) -> impl Fn(egui_plot::GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |m, _| {
        let i = m.value.round();
        if (m.value - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    }
}

/// The least width (points) a category needs on the x axis for [`category_axis`] to label every
/// one; with less, the axis labels every few as a continuous index does.
const CATEGORY_MIN_WIDTH: f32 = 24.0;

/// An x axis of categories (bars, funnel steps, buckets) that labels every one of them: each
/// label is fitted to the width its category has on a plot `width` wide (wrapped onto two lines,
/// then shortened with "…"; the full name is in the hover text), and the grid has a mark at
/// every index. egui_plot's own spacing labelled one category of two (a mark per ~96 points)
/// and hid any label wider than its step. `name` names the axis only where the categories are
/// too many to label each.
pub fn category_axis(
    ui: &Ui,
    plot: Plot<'static>,
    labels: &[String],
    name: String,
    width: f32,
) -> Plot<'static> {
    let n = labels.len().max(1);
    // The plot area: the width less the y axis and the margins, over the categories and the
    // half-category margins either side.
    let per = (width - 56.0).max(40.0) / (n as f32 + 0.3);
    if per < CATEGORY_MIN_WIDTH {
        return plot
            .x_axis_formatter(index_labels(labels.to_vec()))
            .x_axis_label(name);
    }
    let font = egui::TextStyle::Small.resolve(ui.style());
    let painter = ui.painter();
    let measure = |s: &str| -> f32 {
        painter
            .layout_no_wrap(s.to_string(), font.clone(), Color32::WHITE)
            .size()
            .x
    };
    let fitted: Vec<String> = labels
        .iter()
        .map(|l| fit_label(l, per - 4.0, &measure))
        .collect();
    // No axis name under labels of several lines: egui_plot draws it over them (the chart's
    // heading or card names the categories).
    let hints = egui_plot::AxisHints::new_x()
        .formatter(index_labels(fitted))
        .tick_label_font(font.clone())
        .label_spacing(egui::Rangef::new(
            CATEGORY_MIN_WIDTH - 4.0,
            CATEGORY_MIN_WIDTH,
        ));
    plot.custom_x_axes(vec![hints])
        .x_grid_spacer(category_spacer(n))
}

/// A grid mark at every one of `n` categories in view (zoomed far out, as [`index_spacer`]).
pub fn category_spacer(n: usize) -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    move |input| {
        let (lo, hi) = input.bounds;
        if hi - lo > 400.0 {
            return index_spacer(input);
        }
        let first = lo.ceil().max(0.0) as i64;
        let last = hi.floor().min(n as f64 - 1.0) as i64;
        (first..=last)
            .map(|i| egui_plot::GridMark {
                value: i as f64,
                step_size: 1.0,
            })
            .collect()
    }
}

/// The most lines a category label wraps onto.
const LABEL_LINES: usize = 3;

/// `label` fitted to `max` points by `measure`: whole, else wrapped at spaces (and inside words
/// too long for a line, as Chinese names are) onto at most [`LABEL_LINES`] lines, the last one
/// shortened with "…" when the text goes on.
pub fn fit_label(label: &str, max: f32, measure: &dyn Fn(&str) -> f32) -> String {
    if measure(label) <= max {
        return label.to_string();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&joined) <= max {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone, broken where a line is full.
        for ch in word.chars() {
            line.push(ch);
            if measure(&line) > max && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(ch);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > LABEL_LINES {
        lines.truncate(LABEL_LINES);
        let last = &mut lines[LABEL_LINES - 1];
        let mut cs: Vec<char> = last.chars().collect();
        loop {
            let s: String = cs.iter().chain(std::iter::once(&'…')).collect();
            if measure(&s) <= max || cs.is_empty() {
                *last = s;
                break;
            }
            cs.pop();
        }
    }
    lines.join("\n")
}

/// The heading of a chart, as shown above it and on its PNG.
pub fn heading(lang: Lang, data: &ChartData) -> String {
    match data {
        ChartData::Table(t) => format!("{} — {}", t.measures[0], t.x),
        ChartData::Histogram(h) => super::distribution::histogram_heading(lang, h),
        ChartData::BoxPlot(b) => super::distribution::box_plot_heading(lang, b),
    }
}

/// The table of a chart with a distribution's column names in the user's language (exports
/// keep the library's names).
pub fn display_table(t: &AggTable, data: &ChartData, lang: Lang) -> AggTable {
    let names: &[T] = match data {
        ChartData::Table(_) => return t.clone(),
        ChartData::Histogram(_) => &[T::BinFrom, T::BinTo, T::Rows],
        ChartData::BoxPlot(_) => &[
            T::Rows,
            T::AggMin,
            T::StatLowerWhisker,
            T::StatQ1,
            T::AggMedian,
            T::StatQ3,
            T::StatUpperWhisker,
            T::AggMax,
            T::AggMean,
            T::StatOutliers,
        ],
    };
    let mut shown = t.clone();
    if shown.measures.len() == names.len() {
        shown.measures = names.iter().map(|k| lang.tr(*k).to_string()).collect();
    }
    shown
}

/// A computed chart: the table's first measure, or the distribution. `compact` (dashboard tiles)
/// leaves out the heading and notes and keeps the plot still.
pub fn data_ui(
    ui: &mut Ui,
    lang: Lang,
    data: &ChartData,
    kind: ChartKind,
    id: &str,
    compact: bool,
) {
    match data {
        ChartData::Table(t) => chart_ui(ui, lang, t, kind, id, compact),
        ChartData::Histogram(h) => super::distribution::histogram_ui(ui, lang, h, id, compact),
        ChartData::BoxPlot(b) => super::distribution::box_plot_ui(ui, lang, b, id, compact),
    }
}

/// The chart of a table's first measure.
pub fn chart_ui(ui: &mut Ui, lang: Lang, t: &AggTable, kind: ChartKind, id: &str, compact: bool) {
    let w = Words::for_lang(lang);
    let labels: Vec<String> = t
        .x_values
        .iter()
        .map(|k| k.label(t.grain, &w.missing, &w.other))
        .collect();
    let index: std::collections::HashMap<String, usize> = t
        .x_values
        .iter()
        .enumerate()
        .map(|(i, k)| (format!("{k:?}"), i))
        .collect();
    let series: Vec<Option<Key>> = if t.by.is_some() {
        t.series.iter().cloned().map(Some).collect()
    } else {
        vec![None]
    };
    let mut values: Vec<Vec<Option<f64>>> = vec![vec![None; labels.len()]; series.len()];
    for r in &t.rows {
        let si = series.iter().position(|s| *s == r.by).unwrap_or(0);
        if let Some(i) = index.get(&format!("{:?}", r.x)) {
            values[si][*i] = r.values.first().copied().flatten();
        }
    }
    let name = |si: usize| match &series[si] {
        Some(k) => k.label(None, &w.missing, &w.other),
        None => t.measures[0].clone(),
    };
    if !compact {
        ui.label(RichText::new(format!("{} — {}", t.measures[0], t.x)).strong());
    }
    if kind == ChartKind::Pie {
        pie_ui(ui, &labels, &values[0]);
        return;
    }
    let width = ui.available_width().max(100.0) as usize;
    let bars = matches!(
        kind,
        ChartKind::Bar | ChartKind::StackedBar | ChartKind::Histogram | ChartKind::BoxPlot
    );
    let mut plot = if bars {
        category_axis(
            ui,
            still(base_plot(id), compact),
            &labels,
            t.x.clone(),
            width as f32,
        )
    } else {
        still(base_plot(id), compact)
            .x_axis_formatter(index_labels(labels.clone()))
            .x_axis_label(t.x.clone())
    }
    .include_y(0.0)
    .label_formatter(hover_text(labels.clone()));
    if values.len() > 1 {
        if compact {
            // A small card has no corner to spare: the legend goes above the plot.
            let names: Vec<(String, Color32)> =
                (0..values.len()).map(|i| (name(i), color(i))).collect();
            legend_row(ui, &names);
        } else {
            plot = plot.legend(Legend::default().position(Corner::LeftTop));
        }
    }
    let bar_labels = labels.clone();
    let bar_hover = move |bar: &Bar, chart: &BarChart| {
        let i = bar.argument.round().max(0.0) as usize;
        let period = bar_labels.get(i).cloned().unwrap_or_default();
        format!(
            "{}\n{period}: {}",
            egui_plot::PlotItem::name(chart),
            number(bar.value)
        )
    };
    plot.show(ui, |p| {
        let mut stacked: Vec<BarChart> = Vec::new();
        for (si, vals) in values.iter().enumerate() {
            let c = color(si);
            let pts: Vec<[f64; 2]> = vals
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| [i as f64, v]))
                .collect();
            match kind {
                ChartKind::Line | ChartKind::Area | ChartKind::Pie => {
                    // More points than pixels: keep the shape with LTTB.
                    let pts = lttb(&pts, 2 * width);
                    let mut line = Line::new(name(si), PlotPoints::from(pts))
                        .color(c)
                        .width(2.0);
                    if kind == ChartKind::Area {
                        line = line.fill(0.0).fill_alpha(0.2);
                    }
                    p.line(line);
                }
                ChartKind::Scatter => {
                    p.points(
                        Points::new(name(si), PlotPoints::from(pts))
                            .color(c)
                            .radius(3.0),
                    );
                }
                ChartKind::Bar | ChartKind::Histogram | ChartKind::BoxPlot => {
                    let k = values.len() as f64;
                    let bw = 0.8 / k;
                    let bars: Vec<Bar> = pts
                        .iter()
                        .map(|[x, y]| {
                            Bar::new(x - 0.4 + bw * (si as f64 + 0.5), *y)
                                .width(bw * 0.92)
                                .name(labels[*x as usize].clone())
                        })
                        .collect();
                    p.bar_chart(
                        BarChart::new(name(si), bars)
                            .color(c)
                            .element_formatter(Box::new(bar_hover.clone())),
                    );
                }
                ChartKind::StackedBar => {
                    let bars: Vec<Bar> = vals
                        .iter()
                        .enumerate()
                        .map(|(i, v)| Bar::new(i as f64, v.unwrap_or(0.0)).width(0.8))
                        .collect();
                    let refs: Vec<&BarChart> = stacked.iter().collect();
                    let chart = BarChart::new(name(si), bars)
                        .color(c)
                        .element_formatter(Box::new(bar_hover.clone()))
                        .stack_on(&refs);
                    stacked.push(chart);
                }
            }
        }
        for c in stacked {
            p.bar_chart(c);
        }
    });
}

/// The hover text of a chart over categories or periods `labels` at x = 0, 1, …: the series,
/// the period and the value of the point nearest the pointer (nothing elsewhere).
pub fn hover_text(labels: Vec<String>) -> impl Fn(&egui_plot::HoverPosition<'_>) -> Option<String> {
    move |h| match h {
        egui_plot::HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } => {
            let i = position.x.round();
            let period = (i >= 0.0)
                .then(|| labels.get(i as usize))
                .flatten()
                .cloned()
                .unwrap_or_else(|| number(position.x));
            Some(format!("{plot_name}\n{period}: {}", number(position.y)))
        }
        egui_plot::HoverPosition::Elsewhere { .. } => None,
    }
}

/// The series' names with their colours in a row, for a legend that must not cover the data.
pub fn legend_row(ui: &mut Ui, names: &[(String, Color32)]) {
    ui.horizontal_wrapped(|ui| {
        for (n, c) in names {
            ui.label(RichText::new("●").color(*c));
            ui.label(RichText::new(n).small());
            ui.add_space(6.0);
        }
    });
}

/// An x axis of numbers (a histogram's edges) labelled densely: egui_plot labels only marks 60
/// points apart, which left a narrow histogram with no labels at all. A label still shows only
/// where it fits.
pub fn dense_x_axis(
    plot: Plot<'static>,
    name: String,
    fmt: impl Fn(egui_plot::GridMark, &std::ops::RangeInclusive<f64>) -> String + 'static,
) -> Plot<'static> {
    let mut hints = egui_plot::AxisHints::new_x()
        .formatter(fmt)
        .label_spacing(egui::Rangef::new(24.0, 30.0));
    if !name.is_empty() {
        hints = hints.label(name);
    }
    plot.custom_x_axes(vec![hints])
}

/// A plot for a dashboard tile does not pan or zoom (the page scrolls instead).
pub fn still(plot: Plot<'static>, compact: bool) -> Plot<'static> {
    if compact {
        plot.allow_drag(false)
            .allow_zoom(false)
            .allow_boxed_zoom(false)
            .allow_double_click_reset(false)
    } else {
        plot
    }
}

fn pie_ui(ui: &mut Ui, labels: &[String], values: &[Option<f64>]) {
    let parts: Vec<(&String, f64)> = labels
        .iter()
        .zip(values)
        .filter_map(|(l, v)| v.filter(|v| *v > 0.0).map(|v| (l, v)))
        .collect();
    let total: f64 = parts.iter().map(|(_, v)| v).sum();
    let size = ui.available_size();
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let radius = (rect.height().min(rect.width() * 0.6) * 0.42).max(10.0);
    let center = egui::pos2(rect.left() + radius + 30.0, rect.center().y);
    let mut angle = -std::f32::consts::FRAC_PI_2;
    for (i, (label, v)) in parts.iter().enumerate() {
        let sweep = (*v / total) as f32 * std::f32::consts::TAU;
        let steps = ((sweep / 0.05).ceil() as usize).max(2);
        let mut pts = vec![center];
        for s in 0..=steps {
            let a = angle + sweep * s as f32 / steps as f32;
            pts.push(center + radius * egui::vec2(a.cos(), a.sin()));
        }
        painter.add(egui::Shape::convex_polygon(
            pts,
            color(i),
            egui::Stroke::new(1.0, Color32::WHITE),
        ));
        angle += sweep;
        let y = rect.top() + 20.0 + i as f32 * 22.0;
        let x = center.x + radius + 40.0;
        painter.rect_filled(
            egui::Rect::from_min_size(egui::pos2(x, y - 6.0), egui::vec2(12.0, 12.0)),
            2.0,
            color(i),
        );
        painter.text(
            egui::pos2(x + 18.0, y),
            egui::Align2::LEFT_CENTER,
            format!("{label}  {}", percent(v / total)),
            egui::FontId::proportional(14.0),
            ui.visuals().text_color(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight points a character, as a stand-in for a font.
    fn eight(s: &str) -> f32 {
        s.chars().count() as f32 * 8.0
    }

    #[test]
    fn labels_fit_their_category() {
        assert_eq!(fit_label("Clicked", 80.0, &eight), "Clicked");
        // Words wrap at spaces, each line within the width.
        assert_eq!(fit_label("Spring sale", 60.0, &eight), "Spring\nsale");
        // No spaces (Chinese, an id): broken where a line is full.
        assert_eq!(fit_label("新春会员短信", 16.0, &eight), "新春\n会员\n短信");
        assert_eq!(fit_label("Contacted", 40.0, &eight), "Conta\ncted");
        // Past three lines the last one is shortened.
        let short = fit_label("abcdefghijklmnop", 40.0, &eight);
        assert_eq!(short, "abcde\nfghij\nklmn…");
        for line in short.lines() {
            assert!(eight(line) <= 40.0, "{line}");
        }
    }

    #[test]
    fn hover_names_series_period_and_value() {
        let hover = hover_text(vec!["2011-01".into(), "2011-02".into()]);
        let near = egui_plot::HoverPosition::NearDataPoint {
            plot_name: "Revenue",
            position: egui_plot::PlotPoint::new(1.0, 1234.5),
            index: 1,
        };
        assert_eq!(hover(&near).as_deref(), Some("Revenue\n2011-02: 1,234.5"));
        // A bar of the second series sits beside its category: still that category.
        let beside = egui_plot::HoverPosition::NearDataPoint {
            plot_name: "ROAS",
            position: egui_plot::PlotPoint::new(0.2, 3.0),
            index: 0,
        };
        assert_eq!(hover(&beside).as_deref(), Some("ROAS\n2011-01: 3"));
        let elsewhere = egui_plot::HoverPosition::Elsewhere {
            position: egui_plot::PlotPoint::new(0.5, 1.0),
        };
        assert_eq!(hover(&elsewhere), None);
    }

    #[test]
    fn every_category_gets_a_mark() {
        // Five funnel steps on a 420-point plot: the index spacer marked every other one (a
        // step of 2 at 84 points each), the category spacer marks all five.
        let input = || egui_plot::GridInput {
            bounds: (-0.5, 4.5),
            base_step_size: 5.0 / 420.0 * 8.0,
        };
        let step = index_spacer(input())[0].step_size;
        assert_eq!(step, 2.0);
        let marks: Vec<f64> = category_spacer(5)(input())
            .iter()
            .map(|m| m.value)
            .collect();
        assert_eq!(marks, [0.0, 1.0, 2.0, 3.0, 4.0]);
    }
}
