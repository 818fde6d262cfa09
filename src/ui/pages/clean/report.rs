//! The quality report of a dataset: what is missing, invalid, duplicated or odd, how many rows
//! each finding covers, the fixes that apply, and a button that adds the suggested fix.

use crate::clean::{FindingKind, Fix, QualityReport, Step};
use crate::i18n::{Lang, T, int};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

pub fn kind_label(k: FindingKind) -> T {
    match k {
        FindingKind::ExactDuplicates => T::KindExactDuplicates,
        FindingKind::KeyDuplicates => T::KindKeyDuplicates,
        FindingKind::RuleFailed => T::KindRuleFailed,
        FindingKind::Missing => T::KindMissing,
        FindingKind::Invalid => T::KindInvalid,
        FindingKind::Untrimmed => T::KindUntrimmed,
        FindingKind::Outliers => T::KindOutliers,
        FindingKind::Variants => T::KindVariants,
        FindingKind::Cancellations => T::KindCancellations,
        FindingKind::NonPositiveQuantity => T::KindNonPositiveQuantity,
        FindingKind::NonPositivePrice => T::KindNonPositivePrice,
        FindingKind::FutureDates => T::KindFutureDates,
    }
}

pub fn fix_label(f: Fix) -> T {
    match f {
        Fix::RemoveExactDuplicates => T::FixRemoveExactDuplicates,
        Fix::RemoveKeyDuplicates => T::FixRemoveKeyDuplicates,
        Fix::DropRows => T::FixDropRows,
        Fix::FillMissing => T::FixFillMissing,
        Fix::CastType => T::FixCastType,
        Fix::MapValues => T::FixMapValues,
        Fix::TrimWhitespace => T::FixTrimWhitespace,
        Fix::ClipOutliers => T::FixClipOutliers,
    }
}

/// What the user asked for in the report.
#[derive(Default)]
pub struct ReportActions {
    /// A suggested fix to preview before it joins the recipe.
    pub fix: Option<Step>,
    /// The rows behind a finding to show: its SQL condition and a label.
    pub show: Option<(String, String)>,
}

/// Draws the report.
pub fn report_ui(ui: &mut Ui, lang: Lang, r: &QualityReport) -> ReportActions {
    let mut out = ReportActions::default();
    ui.label(lang.f(
        T::QualitySummary,
        &[&int(r.rows), &int(r.exact_duplicate_rows)],
    ));
    ui.add_space(4.0);
    theme::section(ui, lang.tr(T::Findings));
    if r.findings.is_empty() {
        theme::muted(ui, lang.tr(T::NoFindings));
    } else {
        // One compact block a finding: its count, problem, column and buttons on one wrapping
        // line, the fixes and the reason in small text below (a grid with the reason as its
        // last column made rows very tall on a narrow window and pushed the buttons away).
        for (i, f) in r.findings.iter().enumerate() {
            if i > 0 {
                ui.separator();
            }
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(int(f.count)).monospace().strong());
                ui.label(lang.tr(kind_label(f.kind)));
                if let Some(c) = &f.column {
                    ui.label(RichText::new(c).monospace());
                }
                if ui.button(lang.tr(T::ShowRows)).clicked() {
                    let what = lang.tr(kind_label(f.kind));
                    let label = match &f.column {
                        Some(c) => format!("{what} — {c}"),
                        None => what.to_string(),
                    };
                    out.show = Some((f.rows_where.clone(), label));
                }
                if let Some(step) = &f.suggested
                    && ui
                        .button(lang.tr(T::AddFix))
                        .on_hover_text(step.describe(lang))
                        .clicked()
                {
                    out.fix = Some(step.clone());
                }
            });
            let fixes: Vec<&str> = f.fixes.iter().map(|x| lang.tr(fix_label(*x))).collect();
            if !fixes.is_empty() {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("{}: {}", lang.tr(T::Fixes), fixes.join(" · ")))
                            .small(),
                    )
                    .wrap(),
                );
            }
            ui.add(
                egui::Label::new(
                    RichText::new(format!("{}: {}", lang.tr(T::Why), f.why.describe(lang)))
                        .small()
                        .weak(),
                )
                .wrap(),
            );
        }
    }
    ui.add_space(10.0);
    theme::section(ui, lang.tr(T::ColumnsHeading));
    let headers = [
        (T::Column, false),
        (T::Type, false),
        (T::Missing, true),
        (T::Distinct, true),
        (T::Invalid, true),
        (T::Untrimmed, true),
        (T::OutliersIqr, true),
    ];
    // All rows laid out (one a column) in the report's own vertical scroll, and a sideways
    // scroll of its own on a narrow window: a table scrolling inside the report was cut off at
    // the bottom of the window and could not be scrolled.
    egui::ScrollArea::horizontal()
        .id_salt("clean-columns-scroll")
        .show(ui, |ui| columns_table(ui, lang, r, &headers));
    out
}

fn columns_table(ui: &mut Ui, lang: Lang, r: &QualityReport, headers: &[(T, bool)]) {
    TableBuilder::new(ui)
        .id_salt("clean-columns")
        .striped(true)
        .vscroll(false)
        .auto_shrink([true, true])
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::initial(180.0).at_least(100.0).clip(true))
        .columns(Column::initial(90.0).at_least(70.0), headers.len() - 1)
        .header(theme::HEADER_HEIGHT, |mut h| {
            for &(k, right) in headers {
                h.col(|ui| {
                    let layout = if right {
                        Layout::right_to_left(Align::Center)
                    } else {
                        Layout::left_to_right(Align::Center)
                    };
                    ui.with_layout(layout, |ui| ui.label(RichText::new(lang.tr(k)).strong()));
                });
            }
        })
        .body(|body| {
            body.rows(theme::ROW_HEIGHT, r.columns.len(), |mut row| {
                let c = &r.columns[row.index()];
                row.col(|ui| {
                    ui.label(&c.name);
                });
                row.col(|ui| {
                    ui.label(lang.column_type(c.ty));
                });
                let outliers = c.outliers_iqr.map(int).unwrap_or_else(|| "—".into());
                for v in [
                    int(c.missing),
                    int(c.distinct),
                    int(c.invalid),
                    int(c.untrimmed),
                    outliers,
                ] {
                    row.col(|ui| {
                        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                            ui.label(v);
                        });
                    });
                }
            });
        });
}
