//! Histograms and box plots as PNG files, drawn with plotters and the bundled font like the
//! other charts (`super::render`).

use super::boxplot::BoxPlot;
use super::histogram::Histogram;
use super::render::{FONT, Words, check_png, color, draw_err, font_ready};
use crate::Result;
use crate::format::{compact, number};
use plotters::prelude::*;
use std::path::Path;

fn series_name(key: Option<&super::table::Key>, fallback: &str, words: &Words) -> String {
    match key {
        Some(k) => k.label(None, &words.missing, &words.other),
        None => fallback.to_string(),
    }
}

/// Draws a histogram: bars over the bins, split values stacked.
pub fn render_histogram(
    h: &Histogram,
    title: &str,
    words: &Words,
    path: &Path,
    (width, height): (u32, u32),
) -> Result<()> {
    check_png(path, (width, height))?;
    font_ready()?;
    let err = draw_err(path);
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let bins = h.bins();
    let (first, last) = match (h.edges.first(), h.edges.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        _ => (0.0, 1.0),
    };
    // Tails (rows beyond the edges) are bars of their own, one bin-width apart from the rest.
    let w = h.width().max(f64::MIN_POSITIVE);
    let (below, above) = h.has_tails();
    let (below_label, above_label) = h.tail_labels();
    let lo = if below { first - 2.0 * w } else { first };
    let hi = if above { last + 2.0 * w } else { last };
    let tallest = (0..bins)
        .map(|i| h.series.iter().map(|s| s.counts[i]).sum::<u64>())
        .chain([
            h.series.iter().map(|s| s.below).sum(),
            h.series.iter().map(|s| s.above).sum(),
        ])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let text = |size: u32| (FONT, size).into_font();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, text(22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(lo..hi, 0f64..tallest * 1.08)
        .map_err(&err)?;
    let xl = |x: &f64| {
        if *x < first - w * 1e-9 || *x > last + w * 1e-9 {
            String::new()
        } else {
            compact(*x)
        }
    };
    let yl = |y: &f64| compact(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .x_labels((width as usize / 110).clamp(2, 12))
        .y_labels(8)
        .x_label_formatter(&xl)
        .y_label_formatter(&yl)
        .x_desc(h.column.clone())
        .y_desc(words.rows.clone())
        .label_style(text(14))
        .axis_desc_style(text(15))
        .draw()
        .map_err(&err)?;
    let mut base = vec![0u64; bins];
    let (mut base_below, mut base_above) = (0u64, 0u64);
    let k = h.series.len();
    for (si, s) in h.series.iter().enumerate() {
        let c = color(si);
        let mut rects: Vec<_> = (0..bins)
            .filter(|&i| s.counts[i] > 0)
            .map(|i| {
                let (x0, x1) = (h.edges[i], h.edges[i + 1]);
                let (y0, y1) = (base[i] as f64, (base[i] + s.counts[i]) as f64);
                Rectangle::new([(x0, y0), (x1, y1)], c.filled())
            })
            .collect();
        for (i, b) in base.iter_mut().enumerate() {
            *b += s.counts[i];
        }
        let tail = c.mix(0.55).filled();
        if s.below > 0 {
            let y0 = base_below as f64;
            base_below += s.below;
            rects.push(Rectangle::new(
                [(first - 2.0 * w, y0), (first - w, base_below as f64)],
                tail,
            ));
        }
        if s.above > 0 {
            let y0 = base_above as f64;
            base_above += s.above;
            rects.push(Rectangle::new(
                [(last + w, y0), (last + 2.0 * w, base_above as f64)],
                tail,
            ));
        }
        let anno = chart.draw_series(rects).map_err(&err)?;
        if k > 1 {
            anno.label(series_name(s.key.as_ref(), &h.column, words))
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        }
    }
    // Thin white gaps between bins read as separate bars.
    chart
        .draw_series(h.edges.iter().map(|e| {
            PathElement::new(vec![(*e, 0.0), (*e, tallest * 1.08)], WHITE.stroke_width(1))
        }))
        .map_err(&err)?;
    let tails = [
        (below, first - 2.0 * w, base_below, below_label),
        (above, last + w, base_above, above_label),
    ];
    for (shown, x, n, label) in tails {
        if shown {
            chart
                .draw_series(std::iter::once(Text::new(
                    label,
                    (x, n as f64 + tallest * 0.02),
                    text(13),
                )))
                .map_err(&err)?;
        }
    }
    if k > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .label_font(text(14))
            .draw()
            .map_err(&err)?;
    }
    root.present().map_err(&err)
}

/// Draws a box plot: one box per split value, whiskers, the median, outliers as rings.
pub fn render_box_plot(
    b: &BoxPlot,
    title: &str,
    words: &Words,
    path: &Path,
    (width, height): (u32, u32),
) -> Result<()> {
    check_png(path, (width, height))?;
    font_ready()?;
    let err = draw_err(path);
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let n = b.boxes.len();
    let labels: Vec<String> = b
        .boxes
        .iter()
        .map(|x| series_name(x.key.as_ref(), &words.all, words))
        .collect();
    let (lo, mut hi) = b.view;
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.07;
    let text = |size: u32| (FONT, size).into_font();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, text(22))
        .margin(16)
        .x_label_area_size(if n > 8 { 70 } else { 44 })
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), (lo - pad)..(hi + pad))
        .map_err(&err)?;
    let xl = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    let yl = |y: &f64| compact(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .x_labels(n.min((width as usize / 90).max(2)))
        .y_labels(8)
        .x_label_formatter(&xl)
        .y_label_formatter(&yl)
        .x_desc(b.by.clone().unwrap_or_default())
        .y_desc(b.column.clone())
        .label_style(text(14))
        .axis_desc_style(text(15))
        .draw()
        .map_err(&err)?;
    let half = 0.3;
    for (i, x) in b.boxes.iter().enumerate() {
        let c = color(if b.by.is_some() { i } else { 0 });
        let at = i as f64;
        let line = c.stroke_width(2);
        let mut shapes: Vec<PathElement<(f64, f64)>> = vec![
            PathElement::new(vec![(at, x.lower_whisker), (at, x.q1)], line),
            PathElement::new(vec![(at, x.q3), (at, x.upper_whisker)], line),
            PathElement::new(
                vec![
                    (at - half / 2.0, x.lower_whisker),
                    (at + half / 2.0, x.lower_whisker),
                ],
                line,
            ),
            PathElement::new(
                vec![
                    (at - half / 2.0, x.upper_whisker),
                    (at + half / 2.0, x.upper_whisker),
                ],
                line,
            ),
        ];
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(at - half, x.q1), (at + half, x.q3)],
                c.mix(0.25).filled(),
            )))
            .map_err(&err)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(at - half, x.q1), (at + half, x.q3)],
                c.stroke_width(2),
            )))
            .map_err(&err)?;
        shapes.push(PathElement::new(
            vec![(at - half, x.median), (at + half, x.median)],
            BLACK.stroke_width(3),
        ));
        chart.draw_series(shapes).map_err(&err)?;
        chart
            .draw_series(
                x.outlier_sample
                    .iter()
                    .map(|v| Circle::new((at, *v), 3, c.stroke_width(1))),
            )
            .map_err(&err)?;
        // Outliers beyond the view: counted at its edges.
        let (down, up) = x.beyond_view;
        let beyond = [
            (up, format!("↑ {}", number(up as f64)), hi + pad * 0.55),
            (down, format!("↓ {}", number(down as f64)), lo - pad * 0.25),
        ];
        for (count, label, y) in beyond {
            if count > 0 {
                chart
                    .draw_series(std::iter::once(Text::new(
                        label,
                        (at + 0.04, y),
                        text(13).color(&RGBColor(0x55, 0x55, 0x55)),
                    )))
                    .map_err(&err)?;
            }
        }
    }
    root.present().map_err(&err)
}
