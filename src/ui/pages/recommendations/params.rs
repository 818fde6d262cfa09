//! The recommenders' parameters, edited in a side panel and applied with one button, so that a
//! drag of a slider does not start a fit for every value it passes.

use crate::i18n::{Lang, T};
use crate::recommend::itemknn::Similarity;
use crate::recommend::{ModelOptions, Weighting};
use crate::ui::theme;
use egui::{DragValue, RichText, Ui};

/// The three weightings, for the combo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WeightKind {
    Binary,
    Quantity,
    Recency,
}

pub struct Params {
    /// What the models are fitted with.
    pub applied: ModelOptions,
    /// What the panel shows (applied with the button).
    pub edit: ModelOptions,
    /// The half-life the recency weighting uses when picked.
    half_life: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            applied: ModelOptions::default(),
            edit: ModelOptions::default(),
            half_life: 90.0,
        }
    }
}

impl Params {
    /// Whether the panel holds edits not applied yet.
    pub fn pending(&self) -> bool {
        self.edit != self.applied
    }

    pub fn apply(&mut self) {
        self.applied = self.edit.clone();
    }

    /// The parameter panel at the right of the page.
    pub fn panel(&mut self, ui: &mut Ui, lang: Lang, id: &str) {
        egui::Panel::right(id.to_string())
            .resizable(true)
            .default_size(270.0)
            .min_size(230.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt(format!("{id}-scroll"))
                    .show(ui, |ui| self.ui(ui, lang));
            });
    }

    fn ui(&mut self, ui: &mut Ui, lang: Lang) {
        ui.add_space(6.0);
        ui.label(RichText::new(lang.tr(T::RecParams)).strong());
        theme::muted(ui, lang.tr(T::RecParamsHint));
        ui.add_space(4.0);
        let e = &mut self.edit;
        let grid = |ui: &mut Ui, id: &str, add: &mut dyn FnMut(&mut Ui)| {
            egui::Grid::new(id.to_string())
                .num_columns(2)
                .spacing([8.0, 4.0])
                .show(ui, |ui| add(ui));
        };
        theme::section(ui, lang.tr(T::RecParamsData));
        grid(ui, "recs-params-data", &mut |ui| {
            ui.label(lang.tr(T::RecWeighting));
            let mut kind = match e.weighting {
                Weighting::Binary => WeightKind::Binary,
                Weighting::Quantity => WeightKind::Quantity,
                Weighting::Recency { half_life_days } => {
                    self.half_life = half_life_days;
                    WeightKind::Recency
                }
            };
            egui::ComboBox::from_id_salt("recs-weighting")
                .selected_text(lang.tr(weight_label(kind)))
                .show_ui(ui, |ui| {
                    for k in [
                        WeightKind::Binary,
                        WeightKind::Quantity,
                        WeightKind::Recency,
                    ] {
                        ui.selectable_value(&mut kind, k, lang.tr(weight_label(k)));
                    }
                });
            ui.end_row();
            if kind == WeightKind::Recency {
                ui.label(lang.tr(T::RecHalfLife));
                ui.add(
                    DragValue::new(&mut self.half_life)
                        .range(1.0..=3650.0)
                        .speed(1.0)
                        .suffix(lang.tr(T::RecDaysSuffix)),
                );
                ui.end_row();
            }
            e.weighting = match kind {
                WeightKind::Binary => Weighting::Binary,
                WeightKind::Quantity => Weighting::Quantity,
                WeightKind::Recency => Weighting::Recency {
                    half_life_days: self.half_life,
                },
            };
        });
        theme::section(ui, lang.tr(T::RecAlgoItemKnn));
        grid(ui, "recs-params-knn", &mut |ui| {
            ui.label(lang.tr(T::RecSimilarity));
            egui::ComboBox::from_id_salt("recs-similarity")
                .selected_text(similarity_text(lang, e.knn.similarity))
                .show_ui(ui, |ui| {
                    for s in [Similarity::Jaccard, Similarity::Cosine] {
                        ui.selectable_value(&mut e.knn.similarity, s, similarity_text(lang, s));
                    }
                });
            ui.end_row();
            ui.label(lang.tr(T::RecNeighbours));
            ui.add(DragValue::new(&mut e.knn.neighbours).range(1..=1000));
            ui.end_row();
            ui.label(lang.tr(T::RecShrinkage));
            ui.add(
                DragValue::new(&mut e.knn.shrink)
                    .range(0.0..=1000.0)
                    .speed(0.5),
            );
            ui.end_row();
        });
        theme::section(ui, lang.tr(T::RecAlgoAls));
        grid(ui, "recs-params-als", &mut |ui| {
            ui.label(lang.tr(T::RecFactors));
            ui.add(DragValue::new(&mut e.als.factors).range(1..=200));
            ui.end_row();
            ui.label(lang.tr(T::RecIterations));
            ui.add(DragValue::new(&mut e.als.iterations).range(1..=100));
            ui.end_row();
            ui.label(lang.tr(T::RecAlpha));
            ui.add(
                DragValue::new(&mut e.als.alpha)
                    .range(0.0..=1000.0)
                    .speed(0.1),
            );
            ui.end_row();
            ui.label(lang.tr(T::RecRegularization));
            ui.add(
                DragValue::new(&mut e.als.regularization)
                    .range(0.0..=100.0)
                    .speed(0.01)
                    .max_decimals(3),
            );
            ui.end_row();
        });
        theme::section(ui, lang.tr(T::RecAlgoRules));
        grid(ui, "recs-params-rules", &mut |ui| {
            rule_thresholds(ui, lang, &mut e.rules, true);
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let pending = self.edit != self.applied;
            if ui
                .add_enabled(pending, egui::Button::new(lang.tr(T::RecApply)))
                .clicked()
            {
                self.apply();
            }
            if ui.button(lang.tr(T::RecDefaults)).clicked() {
                self.edit = ModelOptions::default();
                self.half_life = 90.0;
            }
        });
        if self.pending() {
            theme::muted(ui, lang.tr(T::RecParamsPending));
        }
    }
}

/// Minimum support (in %), confidence and lift and the longest rule: as grid rows (`rows`) or
/// in one line.
pub fn rule_thresholds(ui: &mut Ui, lang: Lang, r: &mut crate::recommend::RuleOptions, rows: bool) {
    ui.label(lang.tr(T::RecMinSupport));
    let mut support = r.min_support * 100.0;
    if ui
        .add(
            DragValue::new(&mut support)
                .range(0.01..=100.0)
                .speed(0.05)
                .max_decimals(2)
                .suffix("%"),
        )
        .changed()
    {
        r.min_support = support / 100.0;
    }
    if rows {
        ui.end_row();
    }
    crate::ui::help::explain(
        ui.label(lang.tr(T::RecMinConfidence)),
        lang,
        T::RecMinConfidence,
    );
    ui.add(
        DragValue::new(&mut r.min_confidence)
            .range(0.0..=1.0)
            .speed(0.01)
            .max_decimals(2),
    );
    if rows {
        ui.end_row();
    }
    crate::ui::help::explain(ui.label(lang.tr(T::RecMinLift)), lang, T::RecMinLift);
    ui.add(
        DragValue::new(&mut r.min_lift)
            .range(0.0..=1000.0)
            .speed(0.05)
            .max_decimals(2),
    );
    if rows {
        ui.end_row();
    }
    ui.label(lang.tr(T::RecMaxLen));
    ui.add(DragValue::new(&mut r.max_len).range(2..=6));
    if rows {
        ui.end_row();
    }
}

fn weight_label(k: WeightKind) -> T {
    match k {
        WeightKind::Binary => T::RecWeightBinary,
        WeightKind::Quantity => T::RecWeightQuantity,
        WeightKind::Recency => T::RecWeightRecency,
    }
}

fn similarity_text(lang: Lang, s: Similarity) -> &'static str {
    match s {
        Similarity::Jaccard => lang.tr(T::RecJaccard),
        Similarity::Cosine => lang.tr(T::RecCosine),
    }
}
