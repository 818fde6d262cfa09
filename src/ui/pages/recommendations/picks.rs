//! Picks: a customer (searched in a list) or a saved segment's members, and the top K items of
//! every recommender side by side, each with its score, reason and item details. The models
//! are fitted in a background job and kept by what they depend on, so picking another
//! customer only ranks (no fit); a change of parameters refits only the
//! models it concerns.

use super::{RecsData, algo_label};
use crate::i18n::{Lang, T, int};
use crate::recommend::fitted::{FittedModel, fit_key, fit_models, recommend_one};
use crate::recommend::{Algorithm, ModelOptions, RecommendOptions, Recommendation};
use crate::store::Project;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::HashMap;
use std::sync::Arc;

/// Whom the recommendations are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Who {
    #[default]
    Customer,
    Segment,
}

/// What the shown lists were computed for.
type ShownKey = (u32, usize, bool, Vec<String>);

/// Each algorithm's list for one customer.
type Lists = Vec<(Algorithm, Vec<Recommendation>)>;

pub struct PicksView {
    who: Who,
    pub(super) segment: Option<String>,
    segments: Vec<String>,
    /// The saved segments' names being read.
    segments_job: JobSlot<Vec<String>>,
    /// The chosen segment's members found in the purchases (customer numbers).
    members: Option<(String, Vec<u32>)>,
    /// Finding the members: the data generation, the segment, its members.
    members_job: JobSlot<(u64, String, Vec<u32>)>,
    search: String,
    filtered: Vec<u32>,
    filtered_for: Option<(String, Who, Option<String>)>,
    customer: Option<u32>,
    pub(super) k: usize,
    pub(super) exclude_bought: bool,
    models: HashMap<Algorithm, FittedModel>,
    /// Fitting, with the data generation it was started for.
    fit_job: JobSlot<(u64, Vec<FittedModel>)>,
    /// The keys the last failed fit was for (not retried until something changes).
    failed_keys: Option<Vec<String>>,
    shown: Option<(ShownKey, Lists)>,
}

impl Default for PicksView {
    fn default() -> Self {
        PicksView {
            who: Who::Customer,
            segment: None,
            segments: Vec::new(),
            segments_job: JobSlot::default(),
            members: None,
            members_job: JobSlot::default(),
            search: String::new(),
            filtered: Vec::new(),
            filtered_for: None,
            customer: None,
            k: 10,
            exclude_bought: true,
            models: HashMap::new(),
            fit_job: JobSlot::default(),
            failed_keys: None,
            shown: None,
        }
    }
}

impl PicksView {
    /// New data: nothing fitted, the first customer picked.
    pub fn reset(&mut self, d: &RecsData) {
        self.models.clear();
        self.shown = None;
        self.members = None;
        self.filtered_for = None;
        self.failed_keys = None;
        self.customer = d.sorted_customers.first().copied();
    }

    /// Reads the saved segments' names again, as a job.
    pub fn reload_segments(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            return;
        };
        self.segments_job
            .start(ws, T::SegSaved, String::new(), move |_rep| {
                let list = crate::segments::saved::list(&Project::open_read_only(&path)?)?;
                Ok(list.into_iter().map(|s| s.name).collect())
            });
    }

    /// The fitted model of an algorithm, if any.
    pub fn model(&self, a: Algorithm) -> Option<&FittedModel> {
        self.models.get(&a)
    }

    /// The segment's members, once known.
    pub fn members(&self) -> Option<&[u32]> {
        match (&self.members, self.who, &self.segment) {
            (Some((n, m)), Who::Segment, Some(s)) if n == s => Some(m),
            _ => None,
        }
    }

    /// The customer whose picks are shown (a number of the data).
    pub fn customer(&self) -> Option<u32> {
        self.customer
    }

    /// Empties the customer search box.
    pub fn clear_search(&mut self) {
        self.search.clear();
    }

    pub fn fitting(&self) -> bool {
        self.fit_job.is_running()
    }

    /// The lists shown, by algorithm.
    pub fn shown(&self) -> &[(Algorithm, Vec<Recommendation>)] {
        self.shown.as_ref().map_or(&[], |s| s.1.as_slice())
    }

    /// Takes fitted models and segment members of the data generation `g` as their jobs
    /// finish (once per frame).
    pub fn logic(&mut self, g: u64) {
        if let Some(names) = self.segments_job.poll_keep() {
            self.segments = names;
            if self
                .segment
                .as_ref()
                .is_some_and(|s| !self.segments.contains(s))
            {
                self.segment = None;
                self.members = None;
            }
        }
        if let Some((for_g, models)) = self.fit_job.poll_keep()
            && for_g == g
        {
            self.on_fitted(models);
        }
        if let Some((for_g, name, m)) = self.members_job.poll_keep()
            && for_g == g
        {
            self.on_members(name, m);
        }
    }

    fn on_fitted(&mut self, models: Vec<FittedModel>) {
        for m in models {
            self.models.insert(m.recommender.algorithm, m);
        }
        self.shown = None;
    }

    fn on_members(&mut self, name: String, m: Vec<u32>) {
        if self.customer.is_some_and(|c| m.binary_search(&c).is_err()) {
            // The first member in the list's order is picked once the list is built.
            self.customer = None;
        }
        self.members = Some((name, m));
        self.filtered_for = None;
    }

    /// The algorithms shown: group popularity only for a segment.
    fn algorithms(&self) -> Vec<Algorithm> {
        let mut v = vec![Algorithm::Popular];
        if self.members().is_some() {
            v.push(Algorithm::GroupPopular);
        }
        v.extend([Algorithm::ItemKnn, Algorithm::Rules, Algorithm::Als]);
        v
    }

    fn group(&self) -> Vec<u32> {
        self.members().map(<[u32]>::to_vec).unwrap_or_default()
    }

    /// Starts fitting the models whose options changed, unless a fit is running or the same
    /// fit just failed.
    fn fit_stale(&mut self, ws: &mut Workspace, d: &Arc<RecsData>, opts: &ModelOptions, g: u64) {
        if self.fit_job.is_running() {
            return;
        }
        let group = self.group();
        let algos = self.algorithms();
        let keys: Vec<String> = algos.iter().map(|&a| fit_key(a, opts, &group)).collect();
        let stale: Vec<Algorithm> = algos
            .iter()
            .zip(&keys)
            .filter(|(a, k)| self.models.get(a).is_none_or(|m| &m.key != *k))
            .map(|(a, _)| *a)
            .collect();
        if stale.is_empty() || self.failed_keys.as_ref() == Some(&keys) {
            return;
        }
        self.failed_keys = None;
        let (d, opts) = (d.clone(), opts.clone());
        let detail = stale
            .iter()
            .map(|&a| ws.lang.tr(algo_label(a)))
            .collect::<Vec<_>>()
            .join(", ");
        self.fit_job.start(ws, T::RecJobFit, detail, move |rep| {
            Ok((g, fit_models(&d.inter, &stale, &group, &opts, rep)?))
        });
    }

    fn load_members(&mut self, ws: &mut Workspace, d: &RecsData, g: u64) {
        let (Some(path), Some(name)) = (ws.project_path(), self.segment.clone()) else {
            return;
        };
        if self.members_job.is_running() || self.members_job.error().is_some() {
            return;
        }
        let dataset = d.dataset.clone();
        // The ids are resolved to numbers on the job's thread too: the data is shared.
        let customers: Arc<Vec<String>> = Arc::new(d.inter.customers.clone());
        let detail = name.clone();
        self.members_job
            .start(ws, T::RecJobMembers, detail, move |_rep| {
                let project = Project::open_read_only(&path)?;
                let ids = crate::recommend::details::segment_customer_ids(
                    &project, &dataset, None, &name,
                )?;
                let index: HashMap<&str, u32> = customers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.as_str(), i as u32))
                    .collect();
                let mut m: Vec<u32> = ids
                    .iter()
                    .filter_map(|id| {
                        let id = id.trim();
                        index
                            .get(id)
                            .or_else(|| id.strip_suffix(".0").and_then(|s| index.get(s)))
                            .copied()
                    })
                    .collect();
                m.sort_unstable();
                m.dedup();
                Ok((g, name, m))
            });
    }

    /// The customer list at the left of the page.
    pub fn list_panel(&mut self, ui: &mut Ui, ws: &mut Workspace, d: &Arc<RecsData>, g: u64) {
        let lang = ws.lang;
        if self.who == Who::Segment
            && self.segment.is_some()
            && self.members().is_none()
            && !self.members_job.is_running()
            && self.members_job.error().is_none()
        {
            self.load_members(ws, d, g);
        }
        egui::Panel::left("recs-customers")
            .resizable(true)
            .default_size(250.0)
            .min_size(200.0)
            .show(ui, |ui| {
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    for (w, key) in [
                        (Who::Customer, T::RecWhoCustomer),
                        (Who::Segment, T::RecWhoSegment),
                    ] {
                        if ui.selectable_label(self.who == w, lang.tr(key)).clicked() {
                            self.who = w;
                            self.shown = None;
                        }
                    }
                });
                if self.who == Who::Segment {
                    self.segment_ui(ui, lang);
                }
                ui.horizontal(|ui| {
                    let l = ui.label(lang.tr(T::RecSearch));
                    ui.add(
                        egui::TextEdit::singleline(&mut self.search).desired_width(f32::INFINITY),
                    )
                    .labelled_by(l.id);
                });
                self.filter(d);
                let total = match self.who {
                    Who::Segment => self.members().map_or(0, <[u32]>::len),
                    Who::Customer => d.inter.customers.len(),
                };
                theme::muted(
                    ui,
                    lang.f(
                        T::RecCustomersShown,
                        &[&int(self.filtered.len() as u64), &int(total as u64)],
                    ),
                );
                self.table(ui, lang, d);
            });
    }

    fn segment_ui(&mut self, ui: &mut Ui, lang: Lang) {
        if self.segments.is_empty() {
            ui.add(egui::Label::new(RichText::new(lang.tr(T::RecNoSegments)).weak()).wrap());
            return;
        }
        let before = self.segment.clone();
        let label = ui
            .label(RichText::new(lang.tr(T::RecSavedSegment)).weak())
            .id;
        egui::ComboBox::from_id_salt("recs-segment")
            .width(ui.available_width() - 8.0)
            .selected_text(
                self.segment
                    .clone()
                    .unwrap_or_else(|| lang.tr(T::RecPickSegment).into()),
            )
            .show_ui(ui, |ui| {
                for s in &self.segments {
                    ui.selectable_value(&mut self.segment, Some(s.clone()), s);
                }
            })
            .response
            .labelled_by(label);
        if self.segment != before {
            self.members = None;
            self.members_job = JobSlot::default();
            self.shown = None;
            self.filtered_for = None;
        }
        if let Some(e) = self.members_job.error() {
            ui.colored_label(theme::error_color(ui), crate::ui::explain::explain(lang, e));
        }
    }

    fn filter(&mut self, d: &RecsData) {
        let key = (self.search.clone(), self.who, self.segment.clone());
        if self.filtered_for.as_ref() == Some(&key)
            && !(self.who == Who::Segment && self.members().is_none())
        {
            return;
        }
        let needle = self.search.trim().to_lowercase();
        let hit = |c: u32| {
            needle.is_empty()
                || d.inter.customers[c as usize]
                    .to_lowercase()
                    .contains(&needle)
        };
        self.filtered = match (self.who, self.members()) {
            (Who::Segment, Some(m)) => {
                let inside: std::collections::HashSet<u32> = m.iter().copied().collect();
                d.sorted_customers
                    .iter()
                    .copied()
                    .filter(|c| inside.contains(c) && hit(*c))
                    .collect()
            }
            (Who::Segment, None) => Vec::new(),
            (Who::Customer, _) => d
                .sorted_customers
                .iter()
                .copied()
                .filter(|&c| hit(c))
                .collect(),
        };
        if self.customer.is_none() {
            self.customer = self.filtered.first().copied();
        }
        self.filtered_for = Some(key);
    }

    fn table(&mut self, ui: &mut Ui, lang: Lang, d: &RecsData) {
        let right = Layout::right_to_left(Align::Center);
        let mut clicked = None;
        TableBuilder::new(ui)
            .id_salt("recs-customer-list")
            .striped(true)
            .sense(egui::Sense::click())
            .auto_shrink([false, false])
            .cell_layout(Layout::left_to_right(Align::Center))
            .column(Column::remainder().at_least(80.0).clip(true))
            .column(Column::initial(54.0).at_least(40.0))
            .column(Column::initial(54.0).at_least(40.0))
            .header(theme::HEADER_HEIGHT, |mut h| {
                h.col(|ui| {
                    ui.label(RichText::new(lang.tr(T::ColCustomer)).strong());
                });
                for k in [T::ColOrders, T::RecColItems] {
                    h.col(|ui| {
                        ui.with_layout(right, |ui| ui.label(RichText::new(lang.tr(k)).strong()));
                    });
                }
            })
            .body(|body| {
                body.rows(theme::ROW_HEIGHT, self.filtered.len(), |mut row| {
                    let c = self.filtered[row.index()];
                    row.set_selected(self.customer == Some(c));
                    let cell = |ui: &mut Ui, t: String| {
                        ui.add(egui::Label::new(t).selectable(false).truncate());
                    };
                    row.col(|ui| cell(ui, d.inter.customers[c as usize].clone()));
                    row.col(|ui| {
                        ui.with_layout(right, |ui| cell(ui, int(u64::from(d.orders[c as usize]))));
                    });
                    row.col(|ui| {
                        ui.with_layout(right, |ui| {
                            cell(ui, int(u64::from(d.items_bought[c as usize])))
                        });
                    });
                    if row.response().clicked() {
                        clicked = Some(c);
                    }
                });
            });
        if let Some(c) = clicked {
            self.customer = Some(c);
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        ws: &mut Workspace,
        d: &Arc<RecsData>,
        opts: &ModelOptions,
        g: u64,
    ) {
        let lang = ws.lang;
        if self.who == Who::Segment && self.members().is_none() {
            if self.segments.is_empty() {
                theme::muted(ui, lang.tr(T::RecNoSegments));
            } else if self.segment.is_none() {
                theme::muted(ui, lang.tr(T::RecPickSegmentHint));
            } else if let Some(e) = self.members_job.error() {
                let message = crate::ui::explain::explain(lang, e);
                theme::error_card(ui, lang.tr(T::RecMembersFailed), &message, "");
            } else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    theme::muted(ui, lang.tr(T::RecLoadingMembers));
                });
            }
            return;
        }
        self.fit_stale(ws, d, opts, g);
        let fitting = self.fitting();
        // The customer and the list settings.
        ui.horizontal_wrapped(|ui| {
            match self.customer {
                Some(c) => {
                    ui.label(
                        RichText::new(
                            lang.f(T::RecCustomerHeading, &[&d.inter.customers[c as usize]]),
                        )
                        .strong()
                        .size(15.0),
                    );
                    theme::muted(
                        ui,
                        lang.f(
                            T::RecCustomerFacts,
                            &[
                                &int(u64::from(d.orders[c as usize])),
                                &int(u64::from(d.items_bought[c as usize])),
                            ],
                        ),
                    );
                }
                None => {
                    theme::muted(ui, lang.tr(T::RecPickCustomer));
                }
            }
            ui.add_space(12.0);
            ui.label(lang.tr(T::RecK));
            ui.add(egui::DragValue::new(&mut self.k).range(1..=100));
            ui.checkbox(&mut self.exclude_bought, lang.tr(T::RecExcludeBought));
            if fitting {
                ui.spinner();
                theme::muted(ui, lang.tr(T::RecFitting));
                if ui.small_button(lang.tr(T::Cancel)).clicked() {
                    self.fit_job.cancel();
                }
            }
        });
        if let Some(e) = self.fit_job.error() {
            let message = crate::ui::explain::explain(lang, e);
            if theme::error_card(ui, lang.tr(T::RecFitFailed), &message, lang.tr(T::RecRetry)) {
                self.fit_job.clear_error();
                self.failed_keys = None;
            } else if self.failed_keys.is_none() {
                let group = self.group();
                self.failed_keys = Some(
                    self.algorithms()
                        .iter()
                        .map(|&a| fit_key(a, opts, &group))
                        .collect(),
                );
            }
        }
        ui.add_space(4.0);
        let Some(c) = self.customer else { return };
        self.compute(d, c);
        let algos = self.algorithms();
        let shown = self.shown.as_ref().map(|s| s.1.clone()).unwrap_or_default();
        egui::ScrollArea::vertical()
            .id_salt("recs-picks")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.columns(algos.len(), |cols| {
                    for (col, a) in cols.iter_mut().zip(&algos) {
                        let list = shown
                            .iter()
                            .find(|(x, _)| x == a)
                            .map(|(_, l)| l.as_slice());
                        // Columns are justified; text in them should not be.
                        col.with_layout(Layout::top_down(Align::Min), |ui| {
                            column_ui(ui, lang, d, *a, list, fitting)
                        });
                    }
                });
            });
    }

    /// Computes the shown lists for customer `c` when anything they depend on changed.
    fn compute(&mut self, d: &RecsData, c: u32) {
        let algos = self.algorithms();
        let keys: Vec<String> = algos
            .iter()
            .map(|a| {
                self.models
                    .get(a)
                    .map(|m| m.key.clone())
                    .unwrap_or_default()
            })
            .collect();
        let key: ShownKey = (c, self.k, self.exclude_bought, keys);
        if self.shown.as_ref().is_some_and(|s| s.0 == key) {
            return;
        }
        let opts = RecommendOptions {
            k: self.k,
            exclude_bought: self.exclude_bought,
            fill_with_popular: true,
            threads: 1,
        };
        let lists = algos
            .iter()
            .filter_map(|a| {
                let m = self.models.get(a)?;
                let rows = recommend_one(&m.recommender, &d.inter, c, &opts).ok()?;
                Some((*a, rows))
            })
            .collect();
        self.shown = Some((key, lists));
    }
}

/// One algorithm's column: its name, what it does, and its ranked items.
fn column_ui(
    ui: &mut Ui,
    lang: Lang,
    d: &RecsData,
    a: Algorithm,
    list: Option<&[Recommendation]>,
    fitting: bool,
) {
    ui.label(RichText::new(lang.tr(algo_label(a))).strong().size(15.0));
    ui.add(egui::Label::new(RichText::new(lang.tr(algo_hint(a))).weak().small()).wrap());
    ui.separator();
    let Some(list) = list else {
        if fitting {
            ui.horizontal(|ui| {
                ui.spinner();
                theme::muted(ui, lang.tr(T::RecFitting));
            });
        }
        return;
    };
    if list.is_empty() {
        theme::muted(ui, lang.tr(T::RecNothing));
    }
    for r in list {
        item_ui(ui, lang, d, r);
        ui.add_space(2.0);
    }
}

fn item_ui(ui: &mut Ui, lang: Lang, d: &RecsData, r: &Recommendation) {
    egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::same(6))
        .corner_radius(egui::CornerRadius::same(4))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_top(|ui| {
                ui.label(RichText::new(format!("{}.", r.rank)).strong());
                ui.add(egui::Label::new(RichText::new(r.item.name()).strong()).wrap());
            });
            let i = d.item_index.get(&r.item.id).map(|&i| i as usize);
            let mut facts = vec![r.item.id.clone()];
            if let Some(i) = i {
                if let Some(c) = &d.details.category[i] {
                    facts.push(c.clone());
                }
                if let Some(p) = d.details.price[i] {
                    facts.push(lang.f(T::RecPrice, &[&crate::format::money(p)]));
                }
                facts.push(lang.f(T::RecBuyers, &[&int(u64::from(d.details.buyers[i]))]));
            }
            ui.add(egui::Label::new(RichText::new(facts.join(" · ")).weak().small()).wrap());
            let score = lang.f(T::RecScore, &[&score_text(r.score)]);
            let score = if r.filled {
                format!("{score} · {}", lang.tr(T::RecFilled))
            } else {
                score
            };
            ui.label(RichText::new(score).small());
            ui.add(egui::Label::new(RichText::new(r.reason.text(lang)).small()).wrap());
        });
}

/// A score as people read it: counts as whole numbers, other scores to four decimals.
pub fn score_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        int(x.abs() as u64)
    } else if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.4}")
    }
}

fn algo_hint(a: Algorithm) -> T {
    match a {
        Algorithm::Popular => T::RecHintPopular,
        Algorithm::GroupPopular => T::RecHintGroupPopular,
        Algorithm::ItemKnn => T::RecHintItemKnn,
        Algorithm::Rules => T::RecHintRules,
        Algorithm::Als => T::RecHintAls,
    }
}
