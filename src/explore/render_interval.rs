//! Estimates with confidence intervals as a PNG (a dot per group with whiskers to its interval
//! and a reference line at zero), drawn with plotters and the bundled font like the other charts
//! (`super::render`): the lift of each experiment arm.

use super::render::{FONT, check_png, color, draw_err, font_ready};
use crate::format::compact;
use crate::{Error, Result};
use plotters::prelude::*;
use std::path::Path;

/// One group's estimate and interval (the interval may be missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub label: String,
    pub estimate: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// Draws the intervals side by side, `y_desc` naming the axis; `fmt` formats its ticks.
pub fn render_intervals(
    items: &[Interval],
    title: &str,
    y_desc: &str,
    fmt: &dyn Fn(f64) -> String,
    path: &Path,
    (width, height): (u32, u32),
) -> Result<()> {
    check_png(path, (width, height))?;
    font_ready()?;
    if items.is_empty() {
        return Err(Error::InvalidArgument(
            "there are no estimates to draw".into(),
        ));
    }
    let err = draw_err(path);
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for it in items {
        for v in [Some(it.estimate), it.low, it.high].into_iter().flatten() {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if hi == lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.1;
    let n = items.len();
    let text = |size: u32| (FONT, size).into_font();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, text(22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), (lo - pad)..(hi + pad))
        .map_err(&err)?;
    let xl = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            items[i as usize].label.clone()
        } else {
            String::new()
        }
    };
    let yl = |y: &f64| fmt(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .x_labels(n)
        .y_labels(8)
        .x_label_formatter(&xl)
        .y_label_formatter(&yl)
        .y_desc(y_desc)
        .label_style(text(14))
        .axis_desc_style(text(15))
        .draw()
        .map_err(&err)?;
    chart
        .draw_series(LineSeries::new(
            [(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
            RGBColor(0x88, 0x88, 0x88).stroke_width(1),
        ))
        .map_err(&err)?;
    for (i, it) in items.iter().enumerate() {
        let c = color(i);
        let x = i as f64;
        if let (Some(l), Some(h)) = (it.low, it.high) {
            chart
                .draw_series(std::iter::once(ErrorBar::new_vertical(
                    x,
                    l,
                    it.estimate,
                    h,
                    c.stroke_width(2),
                    18,
                )))
                .map_err(&err)?;
        }
        chart
            .draw_series(std::iter::once(Circle::new(
                (x, it.estimate),
                6,
                c.filled(),
            )))
            .map_err(&err)?;
        let label = match (it.low, it.high) {
            (Some(l), Some(h)) => format!("{} [{}, {}]", fmt(it.estimate), fmt(l), fmt(h)),
            _ => fmt(it.estimate),
        };
        chart
            .draw_series(std::iter::once(Text::new(
                label,
                (x + 0.06, it.estimate),
                text(13),
            )))
            .map_err(&err)?;
    }
    root.present().map_err(&err)
}

/// Ticks as compact numbers.
pub fn compact_ticks(v: f64) -> String {
    compact(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_png_and_refuses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lift.png");
        let items = vec![
            Interval {
                label: "Mens E-Mail".into(),
                estimate: 0.8,
                low: Some(0.05),
                high: Some(1.57),
            },
            Interval {
                label: "女士邮件".into(),
                estimate: 0.37,
                low: None,
                high: None,
            },
        ];
        render_intervals(&items, "Lift", "spend", &compact_ticks, &path, (800, 500)).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        assert!(render_intervals(&[], "x", "y", &compact_ticks, &path, (800, 500)).is_err());
        assert!(
            render_intervals(
                &items,
                "x",
                "y",
                &compact_ticks,
                &dir.path().join("a.jpg"),
                (80, 50)
            )
            .is_err()
        );
    }
}
