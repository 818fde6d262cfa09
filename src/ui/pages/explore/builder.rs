//! The chart builder's choices and controls: a dataset, x (with a time grain) and a measure, or
//! for a histogram or box plot the numeric value; the split, filter, chart type, order, top-N
//! and bins. The choices make a [`ChartSpec`]; a saved chart makes the choices.

use super::{agg_label, grain_label, order_label};
use crate::dataset::DatasetInfo;
use crate::explore::render::ChartKind;
use crate::explore::saved::SavedChart;
use crate::explore::{Agg, ChartSpec, Dimension, Grain, Measure, Order};
use crate::i18n::{Lang, T};
use crate::labels::kind_label;
use crate::ui::widgets::combo;
use egui::{RichText, Ui};

/// The builder's choices.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Builder {
    pub dataset: Option<String>,
    x: String,
    grain: Option<Grain>,
    agg: Agg,
    /// The column or expression measured, as applied (the text field edits a draft).
    of: String,
    of_draft: String,
    by: Option<String>,
    filter: String,
    filter_draft: String,
    pub kind: ChartKind,
    top: usize,
    order: Order,
    /// The numeric column of a histogram or box plot (kept apart from x, so switching chart
    /// types back and forth keeps both).
    value: String,
    /// Histogram bins; 0 chooses them from the data.
    bins: usize,
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
            value: String::new(),
            bins: 0,
        }
    }
}

/// The numeric column a distribution starts on: the amount, else the first column of numbers.
fn first_numeric(info: &DatasetInfo) -> Option<String> {
    info.column_with_role(crate::dataset::Role::Amount)
        .filter(|c| c.ty.is_numeric())
        .or_else(|| info.columns.iter().find(|c| c.ty.is_numeric()))
        .map(|c| c.name.clone())
}

impl Builder {
    /// Sensible first choices for a dataset: its time column by month and its revenue.
    pub(super) fn reset_for(&mut self, info: &DatasetInfo) {
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
        self.value = first_numeric(info).unwrap_or_default();
    }

    /// The builder showing a saved chart (its first measure, when it has several).
    pub(super) fn from_saved(chart: &SavedChart, info: &DatasetInfo) -> Builder {
        let s = &chart.spec;
        let mut b = Builder::default();
        b.reset_for(info);
        b.kind = chart.kind;
        b.order = s.order;
        b.by = s.by.as_ref().map(|d| d.column.clone());
        b.filter = s.filter.clone().unwrap_or_default();
        b.filter_draft = b.filter.clone();
        if chart.kind.is_distribution() {
            b.value = s.x.column.clone();
            b.top = s.top_by.unwrap_or(0);
            b.bins = s.bins.unwrap_or(0);
        } else {
            b.x = s.x.column.clone();
            b.grain = s.x.grain;
            if let Some(m) = s.measures.first() {
                b.agg = m.agg;
                b.of = m.expr.clone().unwrap_or_default();
                b.of_draft = b.of.clone();
            }
            b.top = s.top.unwrap_or(0);
        }
        b
    }

    /// Follows a change of chart type: a distribution needs a numeric column and few groups.
    pub(super) fn kind_changed(&mut self, before: ChartKind, info: &DatasetInfo) {
        if self.kind.is_distribution() && !before.is_distribution() {
            let numeric = info.column(&self.value).is_some_and(|c| c.ty.is_numeric());
            if !numeric {
                self.value = first_numeric(info).unwrap_or_default();
            }
            self.top = if self.top == 0 { 8 } else { self.top };
        }
    }

    pub(super) fn spec(&self, info: &DatasetInfo) -> Option<ChartSpec> {
        let dataset = self.dataset.clone()?;
        let filter = (!self.filter.trim().is_empty()).then(|| self.filter.clone());
        let by = self.by.clone().map(|b| Dimension::new(b, None));
        if self.kind.is_distribution() {
            info.column(&self.value).filter(|c| c.ty.is_numeric())?;
            let mut spec = ChartSpec::new(
                dataset,
                Dimension::new(&self.value, None),
                vec![Measure::count()],
            );
            spec.by = by;
            spec.filter = filter;
            spec.top_by = (self.top > 0).then_some(self.top);
            if self.kind == ChartKind::BoxPlot {
                spec.order = self.order;
            }
            if self.kind == ChartKind::Histogram && self.bins > 0 {
                spec.bins = Some(self.bins);
            }
            return Some(spec);
        }
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
        spec.by = by;
        spec.filter = filter;
        spec.order = self.order;
        if self.top > 0 {
            spec.top = Some(self.top);
        }
        if spec.by.is_some() {
            spec.top_by = Some(8);
        }
        Some(spec)
    }

    /// The builder's controls; returns a dataset the user picked (the caller resets for it).
    pub(super) fn controls_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        info: &DatasetInfo,
        names: &[String],
    ) -> Option<String> {
        let b = self;
        let distribution = b.kind.is_distribution();
        let mut pick_dataset = None;
        ui.horizontal_wrapped(|ui| {
            combo(ui, lang.tr(T::Dataset), "explore-combo-1")
                .selected_text(b.dataset.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for n in names {
                        if ui
                            .selectable_label(b.dataset.as_ref() == Some(n), n)
                            .clicked()
                        {
                            pick_dataset = Some(n.clone());
                        }
                    }
                });
            ui.separator();
            if distribution {
                combo(ui, lang.tr(T::FieldValue), "explore-combo-9")
                    .selected_text(b.value.clone())
                    .show_ui(ui, |ui| {
                        for c in info.columns.iter().filter(|c| c.ty.is_numeric()) {
                            ui.selectable_value(&mut b.value, c.name.clone(), &c.name);
                        }
                    });
                return;
            }
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
            if b.kind != ChartKind::Histogram {
                combo(ui, lang.tr(T::FieldOrder), "explore-combo-7")
                    .selected_text(lang.tr(order_label(b.order)))
                    .show_ui(ui, |ui| {
                        for o in [Order::Natural, Order::Descending, Order::Ascending] {
                            ui.selectable_value(&mut b.order, o, lang.tr(order_label(o)));
                        }
                    });
            }
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
            if b.kind == ChartKind::Histogram {
                ui.label(RichText::new(lang.tr(T::FieldBins)).weak());
                let auto = lang.tr(T::BinsAuto);
                ui.add(
                    egui::DragValue::new(&mut b.bins)
                        .range(0..=200)
                        .custom_formatter(move |v, _| {
                            if v == 0.0 {
                                auto.to_string()
                            } else {
                                format!("{v}")
                            }
                        }),
                );
            }
        });
        pick_dataset
    }
}
