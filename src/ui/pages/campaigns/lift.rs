//! The Lift view: an experiment's arms against its control, with the arm, control, outcome and
//! conversion pickers, an optional cost per contact, the table of lifts with their intervals and
//! p-values, and the lift of each arm with interval whiskers.

use super::plots::{amount, export_png, intervals_ui, pick_png, points};
use super::status;
use super::table::{Cell, grid};
use crate::campaigns::charts::lift_intervals;
use crate::campaigns::data::{experiments, guess_control, guess_experiment, read_experiment};
use crate::campaigns::uplift::{Uplift, arm_sizes, uplift};
use crate::dataset::ColumnType;
use crate::explore::render_interval::render_intervals;
use crate::format::{number, percent};
use crate::i18n::{Lang, T, int};
use crate::store::Project;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use crate::ui::widgets::combo;
use egui::{RichText, Ui};

/// What the lift was computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftKey {
    catalog: u64,
    dataset: String,
    arm: String,
    outcome: String,
    conversion: Option<String>,
    control: Option<String>,
    cost_per_contact: Option<f64>,
}

/// The result of a lift job.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftOutcome {
    key: LiftKey,
    /// The arms and their sizes.
    pub arms: Vec<(String, u64)>,
    /// The control used (as picked, or guessed from the values).
    pub control: Option<String>,
    pub uplift: Option<Uplift>,
    pub skipped: u64,
}

#[derive(Default)]
pub struct LiftView {
    dataset: Option<String>,
    arm: Option<String>,
    control: Option<String>,
    outcome: Option<String>,
    conversion: Option<String>,
    use_cost: bool,
    cost_per_contact: f64,
    catalog_rev: Option<u64>,
    result: Option<Box<LiftOutcome>>,
    running_key: Option<LiftKey>,
    failed_key: Option<LiftKey>,
    job: JobSlot<Box<LiftOutcome>>,
}

impl LiftView {
    pub fn uplift(&self) -> Option<&Uplift> {
        self.result.as_ref().and_then(|r| r.uplift.as_ref())
    }

    pub fn outcome_name(&self) -> String {
        self.outcome.clone().unwrap_or_default()
    }

    /// Takes the lift when its job finishes (once per frame).
    pub fn logic(&mut self) {
        match self.job.poll_keep() {
            Some(outcome) => self.on_result(outcome),
            None if self.job.error().is_some() && self.running_key.is_some() => {
                self.failed_key = self.running_key.take();
            }
            None => {}
        }
    }

    fn on_result(&mut self, mut outcome: Box<LiftOutcome>) {
        self.running_key = None;
        if self.control.is_none() {
            // The guessed control becomes the pick; the result stands for it.
            self.control = outcome.control.clone();
            outcome.key.control = outcome.control.clone();
        }
        self.result = Some(outcome);
    }

    /// Picks an experiment dataset and guesses its columns.
    pub fn select(&mut self, ws: &Workspace, name: &str) {
        self.dataset = Some(name.to_string());
        let g = ws.dataset(name).map(guess_experiment).unwrap_or_default();
        self.arm = g.arm;
        self.outcome = g.outcome;
        self.conversion = g.conversion;
        self.control = None;
        self.result = None;
    }

    fn key(&self, ws: &Workspace) -> Option<LiftKey> {
        Some(LiftKey {
            catalog: ws.catalog_rev,
            dataset: self.dataset.clone()?,
            arm: self.arm.clone()?,
            outcome: self.outcome.clone()?,
            conversion: self.conversion.clone(),
            control: self.control.clone(),
            cost_per_contact: (self.use_cost && self.cost_per_contact > 0.0)
                .then_some(self.cost_per_contact),
        })
    }

    fn refresh(&mut self, ws: &mut Workspace) {
        if self.catalog_rev != Some(ws.catalog_rev) {
            self.catalog_rev = Some(ws.catalog_rev);
            let keep = self
                .dataset
                .as_ref()
                .is_some_and(|d| ws.dataset(d).is_some());
            if !keep && let Some(first) = experiments(&ws.datasets).first().cloned() {
                self.select(ws, &first);
            }
        }
        let Some(key) = self.key(ws) else { return };
        if self.job.is_running()
            || self.result.as_ref().is_some_and(|r| r.key == key)
            || self.failed_key.as_ref() == Some(&key)
        {
            return;
        }
        let Some(path) = ws.project_path() else {
            return;
        };
        let k = key.clone();
        self.job
            .start(ws, T::JobLift, key.dataset.clone(), move |rep| {
                let project = Project::open_read_only(&path)?;
                let (subjects, skipped) = read_experiment(
                    &project,
                    &k.dataset,
                    &k.arm,
                    &k.outcome,
                    k.conversion.as_deref(),
                )?;
                rep.check()?;
                let arms = arm_sizes(&subjects);
                let names: Vec<String> = arms.iter().map(|a| a.0.clone()).collect();
                let control = k
                    .control
                    .clone()
                    .filter(|c| names.contains(c))
                    .or_else(|| guess_control(&names));
                let result = control
                    .as_deref()
                    .map(|c| uplift(&subjects, c, k.cost_per_contact))
                    .transpose()?;
                Ok(Box::new(LiftOutcome {
                    key: k,
                    arms,
                    control,
                    uplift: result,
                    skipped,
                }))
            });
        self.running_key = Some(key);
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        self.refresh(ws);
        egui::Panel::top("campaigns-lift-controls")
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(12, 6)))
            .show(ui, |ui| self.controls(ui, ws));
        egui::CentralPanel::default().show(ui, |ui| {
            if self.dataset.is_none() {
                theme::muted(ui, lang.tr(T::LiftNoExperiment));
                return;
            }
            status(ui, ws, &self.job);
            let Some(r) = self.result.take() else {
                return;
            };
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| self.result_ui(ui, ws, &r));
            self.result = Some(r);
        });
    }

    fn controls(&mut self, ui: &mut Ui, ws: &Workspace) {
        let lang = ws.lang;
        let mut names = experiments(&ws.datasets);
        if names.is_empty() {
            names = ws.datasets.iter().map(|d| d.name.clone()).collect();
        }
        let info = self.dataset.as_ref().and_then(|d| ws.dataset(d)).cloned();
        let columns = |f: &dyn Fn(ColumnType) -> bool| -> Vec<String> {
            info.iter()
                .flat_map(|i| i.columns.iter())
                .filter(|c| f(c.ty))
                .map(|c| c.name.clone())
                .collect()
        };
        let text_cols = columns(&|t| t == ColumnType::Text || t == ColumnType::Integer);
        let num_cols = columns(&|t| t.is_numeric() || t == ColumnType::Boolean);
        ui.horizontal_wrapped(|ui| {
            let mut pick = None;
            combo(ui, lang.tr(T::LiftExperiment), "campaigns-lift-dataset")
                .selected_text(self.dataset.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for n in &names {
                        if ui
                            .selectable_label(self.dataset.as_ref() == Some(n), n)
                            .clicked()
                        {
                            pick = Some(n.clone());
                        }
                    }
                });
            if let Some(n) = pick {
                self.select(ws, &n);
            }
            let before = self.arm.clone();
            combo(ui, lang.tr(T::LiftArmColumn), "campaigns-lift-arm")
                .selected_text(self.arm.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for c in &text_cols {
                        ui.selectable_value(&mut self.arm, Some(c.clone()), c);
                    }
                });
            if self.arm != before {
                self.control = None;
            }
            let arms: Vec<(String, u64)> = self
                .result
                .as_ref()
                .filter(|r| Some(&r.key.arm) == self.arm.as_ref())
                .map(|r| r.arms.clone())
                .unwrap_or_default();
            combo(ui, lang.tr(T::LiftControl), "campaigns-lift-control")
                .selected_text(self.control.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for (a, n) in &arms {
                        ui.selectable_value(
                            &mut self.control,
                            Some(a.clone()),
                            format!("{a} ({})", int(*n)),
                        );
                    }
                });
            combo(ui, lang.tr(T::LiftOutcome), "campaigns-lift-outcome")
                .selected_text(self.outcome.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for c in &num_cols {
                        ui.selectable_value(&mut self.outcome, Some(c.clone()), c);
                    }
                });
            combo(ui, lang.tr(T::LiftConversion), "campaigns-lift-conversion")
                .selected_text(
                    self.conversion
                        .clone()
                        .unwrap_or_else(|| lang.tr(T::LiftOutcomePositive).into()),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(
                        &mut self.conversion,
                        None,
                        lang.tr(T::LiftOutcomePositive),
                    );
                    for c in &num_cols {
                        ui.selectable_value(&mut self.conversion, Some(c.clone()), c);
                    }
                });
            ui.separator();
            ui.checkbox(&mut self.use_cost, lang.tr(T::LiftCostPerContact));
            ui.add_enabled(
                self.use_cost,
                egui::DragValue::new(&mut self.cost_per_contact)
                    .range(0.0..=1.0e6)
                    .speed(0.01)
                    .max_decimals(4),
            );
        });
    }

    fn result_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, r: &LiftOutcome) {
        let lang = ws.lang;
        let Some(u) = &r.uplift else {
            theme::muted(ui, lang.tr(T::LiftPickControl));
            return;
        };
        let outcome = r.key.outcome.clone();
        lift_table(ui, lang, u, &outcome);
        ui.add_space(4.0);
        ui.add(egui::Label::new(RichText::new(lang.tr(T::LiftMethods)).weak()).wrap());
        if r.skipped > 0 {
            theme::muted(ui, lang.f(T::LiftSkipped, &[&int(r.skipped)]));
        }
        ui.add_space(8.0);
        let half = ((ui.available_width() - 12.0) / 2.0).max(320.0);
        let mean = lift_intervals(u, false);
        let conv: Vec<_> = lift_intervals(u, true);
        let title_m = lang.f(T::LiftChartMean, &[&outcome]);
        let title_c = lang.tr(T::LiftChartConversion).to_string();
        ui.horizontal_top(|ui| {
            let clicked = super::plots::chart_card(ui, lang, &title_m, half, |ui| {
                intervals_ui(ui, "campaigns-lift-mean", &mean, amount)
            });
            if let Some(p) = pick_png(ui.ctx(), "lift-mean", clicked) {
                let (items, title, y) = (mean.clone(), title_m.clone(), outcome.to_string());
                export_png(ws, p, move |p| {
                    render_intervals(&items, &title, &y, &amount, p, super::plots::PNG_SIZE)
                });
            }
            let clicked = super::plots::chart_card(ui, lang, &title_c, half, |ui| {
                intervals_ui(ui, "campaigns-lift-conversion", &conv, points)
            });
            if let Some(p) = pick_png(ui.ctx(), "lift-conversion", clicked) {
                let (items, title) = (conv.clone(), title_c.clone());
                let y = lang.tr(T::LiftConvAbs);
                export_png(ws, p, move |p| {
                    render_intervals(&items, &title, y, &points, p, super::plots::PNG_SIZE)
                });
            }
        });
    }
}

fn ci(c: Option<[f64; 2]>, f: fn(f64) -> String) -> String {
    c.map_or_else(|| "—".into(), |[l, h]| format!("[{}, {}]", f(l), f(h)))
}

fn p_value(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.0001 => "< 0.0001".into(),
        Some(p) => format!("{p:.4}"),
        None => "—".into(),
    }
}

fn money(v: f64) -> String {
    number((v * 100.0).round() / 100.0)
}

/// The control, then each arm with its lifts, intervals and p-values.
fn lift_table(ui: &mut Ui, lang: Lang, u: &Uplift, outcome: &str) {
    let t = |k: T| lang.tr(k).to_string();
    let headers = vec![
        t(T::LiftArm),
        t(T::LiftCustomers),
        t(T::ColConversionRate),
        t(T::LiftConvAbs),
        t(T::LiftCi),
        t(T::LiftP),
        lang.f(T::LiftMean, &[&outcome]),
        t(T::LiftAbs),
        t(T::LiftCi),
        t(T::LiftRel),
        t(T::LiftP),
        t(T::LiftIncConversions),
        lang.f(T::LiftIncOutcome, &[&outcome]),
        t(T::LiftIncRoi),
    ];
    let c = &u.control;
    let dash = || Cell::num("—");
    let mut rows = vec![vec![
        Cell::text(format!("{} ({})", c.arm, t(T::LiftControlRow))),
        Cell::num(int(c.n)),
        Cell::num(percent(c.conversion_rate)),
        dash(),
        dash(),
        dash(),
        Cell::num(money(c.mean_outcome)),
        dash(),
        dash(),
        dash(),
        dash(),
        dash(),
        dash(),
        dash(),
    ]];
    for a in &u.arms {
        let s = &a.summary;
        rows.push(vec![
            Cell::text(s.arm.clone()).strong(),
            Cell::num(int(s.n)),
            Cell::num(percent(s.conversion_rate)),
            Cell::num(points(a.conversion_lift_abs)),
            Cell::num(ci(a.conversion_lift_ci, points)),
            Cell::num(p_value(a.conversion_p_value)),
            Cell::num(money(s.mean_outcome)),
            Cell::num(money(a.lift_abs)),
            Cell::num(ci(a.lift_abs_ci, money)),
            Cell::num(match (a.lift_rel, a.lift_rel_ci) {
                (Some(r), Some(c)) => format!("{} {}", percent(r), ci(Some(c), percent)),
                (Some(r), None) => percent(r),
                _ => "—".into(),
            }),
            Cell::num(p_value(a.p_value)),
            Cell::num(money(a.incremental_conversions)),
            Cell::num(money(a.incremental_outcome)),
            Cell::num(a.incremental_roi.map_or_else(|| "—".into(), percent)),
        ]);
    }
    grid(ui, "campaigns-lift-table", &headers, &rows, 190.0);
}
