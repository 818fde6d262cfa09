//! The words of the campaign tables (column and sheet names, models, cost sources) and a plain
//! table widget: text cells, numbers right-aligned.

use crate::campaigns::Model;
use crate::campaigns::metrics::CostSource;
use crate::i18n::{Lang, T};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

pub fn model_label(model: Model) -> T {
    match model {
        Model::LastTouch => T::ModelLastTouch,
        Model::FirstTouch => T::ModelFirstTouch,
        Model::Linear => T::ModelLinear,
        Model::TimeDecay => T::ModelTimeDecay,
        Model::Position => T::ModelPosition,
    }
}

pub fn cost_source_label(s: CostSource) -> T {
    match s {
        CostSource::CampaignsTable => T::CostFromCampaigns,
        CostSource::CostPerContact => T::CostFromPerContact,
        CostSource::SpendTable => T::CostFromSpend,
        CostSource::Mixed => T::CostMixed,
        CostSource::Unknown => T::CostUnknown,
    }
}

/// The heading of a report column (as `campaigns::report` names them) in `lang`; `outcome` is
/// the experiment's outcome column.
pub fn column_label(lang: Lang, id: &str, outcome: &str) -> String {
    let t = |k: T| lang.tr(k).to_string();
    let ci = |k: T, end: T| format!("{} {} ({})", lang.tr(k), lang.tr(T::LiftCi), lang.tr(end));
    // Model comparison: `last_touch_revenue` and the like.
    for m in Model::ALL {
        let prefix = format!("{}_", m.as_str().replace('-', "_"));
        if let Some(what) = id.strip_prefix(&prefix) {
            return format!(
                "{} · {}",
                lang.tr(model_label(m)),
                column_label(lang, what, outcome)
            );
        }
    }
    match id {
        "key" => t(T::ColCampaign),
        "name" => t(T::ColName),
        "channel" => t(T::ColChannel),
        "contacts" => t(T::ColContacts),
        "reach" => t(T::ColReach),
        "opened" => t(T::ColOpened),
        "clicked" => t(T::ColClicked),
        "open_rate" => t(T::ColOpenRate),
        "click_rate" => t(T::ColClickRate),
        "converters" => t(T::ColConverters),
        "conversion_rate" => t(T::ColConversionRate),
        "conversions" => t(T::ColConversions),
        "new_customers" => t(T::ColNewCustomers),
        "revenue" => t(T::CampRevenue),
        "cost" => t(T::ColCost),
        "cost_source" => t(T::ColCostSource),
        "roi" => t(T::ColRoi),
        "roas" => t(T::ColRoas),
        "cac" => t(T::ColCac),
        "cost_per_conversion" => t(T::ColCostPerConversion),
        "revenue_per_contact" => t(T::ColRevenuePerContact),
        "day" => t(T::CampDay),
        "spend" => t(T::CampSpend),
        "spend_cum" => format!("{} ({})", t(T::CampSpend), t(T::CampAmount)),
        "revenue_cum" => format!("{} ({})", t(T::CampRevenue), t(T::CampAmount)),
        "contacted" => t(T::StepContacted),
        "visited" => t(T::StepVisited),
        "converted" => t(T::StepConverted),
        "arm" => t(T::LiftArm),
        "n" => t(T::LiftCustomers),
        "mean_outcome" => lang.f(T::LiftMean, &[&outcome]),
        "lift_abs" => t(T::LiftAbs),
        "lift_abs_low" => ci(T::LiftAbs, T::FieldLow),
        "lift_abs_high" => ci(T::LiftAbs, T::FieldHigh),
        "lift_rel" => t(T::LiftRel),
        "lift_rel_low" => ci(T::LiftRel, T::FieldLow),
        "lift_rel_high" => ci(T::LiftRel, T::FieldHigh),
        "welch_df" => "Welch df".into(),
        "p_value" => t(T::LiftP),
        "conversion_lift_abs" => t(T::LiftConvAbs),
        "conversion_lift_low" => ci(T::LiftConvAbs, T::FieldLow),
        "conversion_lift_high" => ci(T::LiftConvAbs, T::FieldHigh),
        "conversion_p_value" => format!("{} · {}", t(T::ColConversionRate), t(T::LiftP)),
        "incremental_conversions" => t(T::LiftIncConversions),
        "incremental_outcome" => lang.f(T::LiftIncOutcome, &[&outcome]),
        "incremental_outcome_low" | "incremental_outcome_high" => format!(
            "{} {} ({})",
            lang.f(T::LiftIncOutcome, &[&outcome]),
            t(T::LiftCi),
            t(if id.ends_with("low") {
                T::FieldLow
            } else {
                T::FieldHigh
            })
        ),
        "incremental_roi" => t(T::LiftIncRoi),
        other => other.to_string(),
    }
}

/// The name of a report sheet in `lang`.
pub fn sheet_label(lang: Lang, name: &str) -> String {
    let key = match name {
        "per campaign" => T::SheetCampaigns,
        "per channel" => T::SheetChannels,
        "model comparison" => T::SheetComparison,
        "timeline" => T::SheetTimeline,
        "funnel" => T::SheetFunnel,
        "lift" => T::SheetLift,
        _ => return name.to_string(),
    };
    lang.tr(key).to_string()
}

/// A cell: text, and whether it is a number (right-aligned, monospace).
pub struct Cell {
    pub text: String,
    pub number: bool,
    pub strong: bool,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            number: false,
            strong: false,
        }
    }
    pub fn num(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            number: true,
            strong: false,
        }
    }
    pub fn strong(mut self) -> Cell {
        self.strong = true;
        self
    }
}

/// A table of cells under `headers`, scrolling sideways when wide; `first` is the width of the
/// first column.
pub fn grid(ui: &mut Ui, id: &str, headers: &[String], rows: &[Vec<Cell>], first: f32) {
    egui::ScrollArea::horizontal()
        .id_salt(format!("{id}-scroll"))
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing.x = 18.0;
            TableBuilder::new(ui)
                .id_salt(id)
                .striped(true)
                .vscroll(false)
                .cell_layout(Layout::left_to_right(Align::Center))
                .column(Column::exact(first).clip(true))
                .columns(
                    Column::auto().at_least(64.0),
                    headers.len().saturating_sub(1),
                )
                .header(theme::HEADER_HEIGHT, |mut h| {
                    for (i, name) in headers.iter().enumerate() {
                        // Headings align with their cells: numbers to the right.
                        let numeric = rows
                            .iter()
                            .rev()
                            .find_map(|r| r.get(i))
                            .is_some_and(|c| c.number);
                        h.col(|ui| {
                            let layout = if numeric {
                                Layout::right_to_left(Align::Center)
                            } else {
                                Layout::left_to_right(Align::Center)
                            };
                            ui.with_layout(layout, |ui| {
                                crate::ui::help::explain_text(
                                    ui.label(RichText::new(name).strong()),
                                    name,
                                )
                            });
                        });
                    }
                })
                .body(|body| {
                    body.rows(theme::ROW_HEIGHT, rows.len(), |mut row| {
                        for c in &rows[row.index()] {
                            row.col(|ui| {
                                let mut text = RichText::new(&c.text);
                                if c.number {
                                    text = text.monospace();
                                }
                                if c.strong {
                                    text = text.strong();
                                }
                                if c.number {
                                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                        ui.label(text)
                                    });
                                } else {
                                    ui.label(text);
                                }
                            });
                        }
                    });
                });
        });
}
