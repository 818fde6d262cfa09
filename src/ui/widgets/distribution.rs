//! Drawing distributions: the histogram (bars over the bins, split values stacked) and the box
//! plot (a box per split value, outliers as dots), each with a line saying how it was computed.

use super::charts::{base_plot, category_axis, color, dense_x_axis, still};
use crate::explore::boxplot::BoxPlot;
use crate::explore::histogram::{BinRule, Histogram};
use crate::explore::render::Words;
use crate::format::{compact, number};
use crate::i18n::{Lang, T, int};
use crate::ui::theme;
use egui::{RichText, Stroke, Ui};
use egui_plot::{
    Bar, BarChart, BoxElem, BoxSpread, Corner, Legend, Plot, PlotPoint, PlotPoints, Points,
};

fn rule_label(r: BinRule) -> T {
    match r {
        BinRule::FreedmanDiaconis => T::RuleFreedmanDiaconis,
        BinRule::Sturges => T::RuleSturges,
        BinRule::Given => T::RuleGiven,
    }
}

/// A note, and how many rows had no value when some had none.
fn with_missing(lang: Lang, note: String, missing: u64) -> String {
    if missing == 0 {
        note
    } else {
        format!("{note} {}", lang.f(T::MissingLeftOut, &[&int(missing)]))
    }
}

pub fn histogram_heading(lang: Lang, h: &Histogram) -> String {
    match &h.by {
        Some(by) => format!("{} — {} × {by}", lang.tr(T::KindHistogram), h.column),
        None => format!("{} — {}", lang.tr(T::KindHistogram), h.column),
    }
}

pub fn box_plot_heading(lang: Lang, b: &BoxPlot) -> String {
    match &b.by {
        Some(by) => format!("{} — {} × {by}", lang.tr(T::KindBoxPlot), b.column),
        None => format!("{} — {}", lang.tr(T::KindBoxPlot), b.column),
    }
}

pub fn histogram_ui(ui: &mut Ui, lang: Lang, h: &Histogram, id: &str, compact_tile: bool) {
    let w = Words::for_lang(lang);
    if !compact_tile {
        ui.label(RichText::new(histogram_heading(lang, h)).strong());
        let note = lang.f(
            T::HistogramNote,
            &[&h.bins(), &number(h.width()), &lang.tr(rule_label(h.rule))],
        );
        theme::muted(ui, with_missing(lang, note, h.missing));
    }
    let (below_rows, above_rows) = (
        h.series.iter().map(|s| s.below).sum::<u64>(),
        h.series.iter().map(|s| s.above).sum::<u64>(),
    );
    if !compact_tile && below_rows + above_rows > 0 {
        let (lo, hi) = (h.edges[0], h.edges[h.edges.len() - 1]);
        theme::muted(
            ui,
            lang.f(
                T::HistogramTails,
                &[&int(below_rows), &number(lo), &int(above_rows), &number(hi)],
            ),
        );
    }
    let width = h.width();
    let (first, last) = (
        h.edges.first().copied().unwrap_or(0.0),
        h.edges.last().copied().unwrap_or(0.0),
    );
    let (below, above) = h.has_tails();
    let (below_label, above_label) = h.tail_labels();
    let plot = still(Plot::new(id.to_string()), compact_tile)
        .allow_scroll(false)
        .show_grid([false, true])
        .y_axis_min_width(48.0);
    // Ticks only under the bins (the tails beside them are labelled on the bars), as many as fit.
    let mut plot = dense_x_axis(plot, h.column.clone(), move |m, _| {
        if m.value < first - width * 1e-9 || m.value > last + width * 1e-9 {
            String::new()
        } else {
            compact(m.value)
        }
    })
    .y_axis_formatter(|m, _| compact(m.value))
    .y_axis_label(lang.tr(T::Rows))
    .include_y(0.0);
    if h.series.len() > 1 {
        plot = plot.legend(Legend::default().position(Corner::RightTop));
    }
    plot.show(ui, |p| {
        let mut stacked: Vec<BarChart> = Vec::new();
        for (si, s) in h.series.iter().enumerate() {
            let name = match &s.key {
                Some(k) => k.label(None, &w.missing, &w.other),
                None => h.column.clone(),
            };
            // Solid bars: a histogram's many thin bars with outlines read as noise.
            let solid = color(si).gamma_multiply(0.85);
            let mut bars: Vec<Bar> = s
                .counts
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    Bar::new((h.edges[i] + h.edges[i + 1]) / 2.0, *c as f64)
                        .width(width * 0.96)
                        .fill(solid)
                        .stroke(Stroke::NONE)
                        .name(h.bin_label(i))
                })
                .collect();
            // The tails: a bar each, one bin-width apart, lighter. Every series has both bars
            // (maybe empty) so that stacking lines them up.
            let tail = color(si).gamma_multiply(0.55);
            if below {
                bars.insert(
                    0,
                    Bar::new(first - 1.5 * width, s.below as f64)
                        .width(width * 0.96)
                        .fill(tail)
                        .stroke(Stroke::NONE)
                        .name(&below_label),
                );
            }
            if above {
                bars.push(
                    Bar::new(last + 1.5 * width, s.above as f64)
                        .width(width * 0.96)
                        .fill(tail)
                        .stroke(Stroke::NONE)
                        .name(&above_label),
                );
            }
            let refs: Vec<&BarChart> = stacked.iter().collect();
            let chart = BarChart::new(name, bars).color(color(si)).stack_on(&refs);
            stacked.push(chart);
        }
        for c in stacked {
            p.bar_chart(c);
        }
        let tails = [
            (below, first - 1.5 * width, &below_label, below_rows),
            (above, last + 1.5 * width, &above_label, above_rows),
        ];
        for (shown, x, label, n) in tails {
            if shown {
                // Unnamed: a label on the plot, not a legend entry.
                p.text(
                    egui_plot::Text::new(
                        "",
                        PlotPoint::new(x, n as f64),
                        RichText::new(label.clone()).size(12.0),
                    )
                    .anchor(egui::Align2::CENTER_BOTTOM),
                );
            }
        }
    });
}

pub fn box_plot_ui(ui: &mut Ui, lang: Lang, b: &BoxPlot, id: &str, compact_tile: bool) {
    let w = Words::for_lang(lang);
    let labels: Vec<String> = b
        .boxes
        .iter()
        .map(|x| match &x.key {
            Some(k) => k.label(None, &w.missing, &w.other),
            None => w.all.clone(),
        })
        .collect();
    if !compact_tile {
        ui.label(RichText::new(box_plot_heading(lang, b)).strong());
        let outliers: u64 = b.boxes.iter().map(|x| x.outliers).sum();
        let note = lang.f(T::BoxNote, &[&int(outliers)]);
        theme::muted(ui, with_missing(lang, note, b.missing));
    }
    let split = b.by.is_some();
    let weak = ui.visuals().weak_text_color();
    // The view spans the whiskers (long tails would squash the boxes); outliers beyond it are
    // counted at its edges.
    let (lo, hi) = b.view;
    let pad = ((hi - lo) * 0.08).max(f64::EPSILON);
    let width = ui.available_width();
    let plot = still(base_plot(id), compact_tile);
    category_axis(ui, plot, &labels, b.by.clone().unwrap_or_default(), width)
        .default_y_bounds(lo - pad, hi + pad)
        .y_axis_label(b.column.clone())
        .show(ui, |p| {
            for (i, (x, label)) in b.boxes.iter().zip(&labels).enumerate() {
                let ui_weak = weak;
                let c = color(if split { i } else { 0 });
                let elem = BoxElem::new(
                    i as f64,
                    BoxSpread::new(x.lower_whisker, x.q1, x.median, x.q3, x.upper_whisker),
                )
                .name(label)
                .box_width(0.55)
                .whisker_width(0.3)
                .fill(c.gamma_multiply(0.3))
                .stroke(Stroke::new(1.5, c));
                p.box_plot(egui_plot::BoxPlot::new(label.clone(), vec![elem]).color(c));
                let (down, up) = x.beyond_view;
                for (count, arrow, y, anchor) in [
                    (up, "↑", hi + pad * 0.9, egui::Align2::CENTER_TOP),
                    (down, "↓", lo - pad * 0.9, egui::Align2::CENTER_BOTTOM),
                ] {
                    if count > 0 {
                        let text = RichText::new(format!("{arrow} {}", int(count))).size(12.0);
                        p.text(
                            egui_plot::Text::new("", PlotPoint::new(i as f64, y), text)
                                .anchor(anchor)
                                .color(ui_weak),
                        );
                    }
                }
                if !x.outlier_sample.is_empty() {
                    let pts: Vec<[f64; 2]> =
                        x.outlier_sample.iter().map(|v| [i as f64, *v]).collect();
                    p.points(
                        Points::new(
                            format!("{label} · {}", int(x.outliers)),
                            PlotPoints::from(pts),
                        )
                        .color(c)
                        .radius(2.0)
                        .filled(false),
                    );
                }
            }
        });
}
