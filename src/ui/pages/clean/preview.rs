//! What one step does: counts, and sample rows before and after, changed cells marked.

use crate::clean::StepPreview;
use crate::i18n::{Lang, T, int};
use crate::ui::theme;
use egui::{Color32, RichText, Ui};
use polars::prelude::{AnyValue, DataFrame};

/// The rows shown in a preview.
pub const SAMPLE_ROWS: usize = 20;

fn cell(v: AnyValue<'_>) -> Option<String> {
    match v {
        AnyValue::Null => None,
        AnyValue::String(s) => Some(s.to_string()),
        AnyValue::StringOwned(s) => Some(s.to_string()),
        AnyValue::Float64(f) => Some(crate::query::format_real(f)),
        AnyValue::Float32(f) => Some(crate::query::format_real(f as f64)),
        AnyValue::Boolean(b) => Some(if b { "true".into() } else { "false".into() }),
        other => Some(other.to_string()),
    }
}

fn text_at(df: &DataFrame, col: usize, row: usize) -> Option<String> {
    df.columns()
        .get(col)
        .and_then(|c| c.get(row).ok())
        .and_then(cell)
}

/// A sample as a grid; cells that differ from `compare` (same shape by column name) are marked.
fn grid(ui: &mut Ui, id: &str, df: &DataFrame, compare: Option<&DataFrame>, mark: Color32) {
    egui::ScrollArea::horizontal().id_salt(id).show(ui, |ui| {
        egui::Grid::new(id)
            .striped(true)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                for c in df.columns() {
                    ui.label(RichText::new(c.name().as_str()).strong());
                }
                ui.end_row();
                for r in 0..df.height() {
                    for (j, c) in df.columns().iter().enumerate() {
                        let v = text_at(df, j, r);
                        let other = compare.and_then(|o| {
                            o.columns()
                                .iter()
                                .position(|x| x.name() == c.name())
                                .map(|k| text_at(o, k, r))
                        });
                        let changed = j > 0 && compare.is_some() && other.as_ref() != Some(&v);
                        let t = match &v {
                            Some(s) => RichText::new(s.as_str()),
                            None => RichText::new("∅").weak(),
                        };
                        let t = if changed {
                            t.background_color(mark.linear_multiply(0.25))
                        } else {
                            t
                        };
                        ui.label(t);
                    }
                    ui.end_row();
                }
            });
    });
}

pub fn preview_ui(ui: &mut Ui, lang: Lang, p: &StepPreview) {
    if p.removed > 0 {
        ui.label(lang.f(
            T::PreviewRemoved,
            &[&int(p.removed as u64), &int(p.rows_before as u64)],
        ));
    } else if p.changed > 0 {
        ui.label(lang.f(
            T::PreviewChanged,
            &[&int(p.changed as u64), &int(p.rows_before as u64)],
        ));
    }
    if !p.added.is_empty() || !p.dropped.is_empty() {
        let none = "—".to_string();
        let list = |v: &[String]| {
            if v.is_empty() {
                none.clone()
            } else {
                v.join(", ")
            }
        };
        ui.label(lang.f(T::PreviewColumns, &[&list(&p.added), &list(&p.dropped)]));
    }
    if p.failed > 0 {
        ui.label(
            RichText::new(lang.f(T::PreviewFailed, &[&int(p.failed as u64)]))
                .color(theme::error_color(ui)),
        );
    }
    if p.removed == 0 && p.changed == 0 && p.added.is_empty() && p.dropped.is_empty() {
        theme::muted(ui, lang.tr(T::NoChange));
        return;
    }
    ui.add_space(6.0);
    let removed = theme::error_color(ui);
    let accent = theme::ACCENT;
    egui::ScrollArea::vertical()
        .id_salt("preview-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if p.removed > 0 {
                theme::section(ui, &lang.f(T::RemovedSample, &[&p.before.height()]));
                grid(ui, "preview-removed", &p.before, None, removed);
                return;
            }
            ui.columns(2, |cols| {
                theme::section(&mut cols[0], lang.tr(T::Before));
                grid(&mut cols[0], "preview-before", &p.before, None, accent);
                theme::section(&mut cols[1], lang.tr(T::After));
                grid(
                    &mut cols[1],
                    "preview-after",
                    &p.after,
                    Some(&p.before),
                    accent,
                );
            });
        });
}
