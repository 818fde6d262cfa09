//! The Recommendations page: which items each customer or segment would be offered by each
//! recommender, with reasons and item details (Picks); association rules to sort and filter
//! (Rules); the time-split evaluation against the popularity baseline (Evaluation); and the
//! export of recommendations for a campaign tool. The purchases are read once per dataset, the
//! models are fitted in background jobs and kept, so picking another customer is instant.

mod evaluation;
mod export;
mod params;
mod picks;
mod rules;

use crate::dataset::{DatasetInfo, Role};
use crate::i18n::{T, int};
use crate::recommend::details::{ItemDetails, read_item_details};
use crate::recommend::{Algorithm, Interactions, ReadOptions, read_interactions};
use crate::store::Project;
use crate::ui::state::{JobSet, JobSlot, Workspace};
use crate::ui::theme;
use egui::Ui;
use std::collections::HashMap;
use std::sync::Arc;

pub use evaluation::EvalView;
pub use params::Params;
pub use picks::{PicksView, Who};
pub use rules::RulesView;

/// The page's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Picks,
    Rules,
    Evaluation,
}

/// The purchases of the chosen dataset and what the page shows beside them.
pub struct RecsData {
    pub dataset: String,
    pub inter: Interactions,
    pub details: ItemDetails,
    /// Each item's name (its description, else its id).
    pub names: Vec<String>,
    /// Customer numbers, sorted by id (numbers in numeric order).
    pub sorted_customers: Vec<u32>,
    /// Item numbers by id.
    pub item_index: HashMap<String, u32>,
    /// Distinct items and orders per customer number.
    pub items_bought: Vec<u32>,
    pub orders: Vec<u32>,
}

impl RecsData {
    pub fn new(dataset: String, inter: Interactions, details: ItemDetails) -> RecsData {
        let names = (0..inter.items.len() as u32)
            .map(|i| inter.label(i).name().to_string())
            .collect();
        let n = inter.customers.len();
        let mut pairs: Vec<(u32, u32)> = inter.lines.iter().map(|l| (l.customer, l.item)).collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut items_bought = vec![0u32; n];
        for (c, _) in pairs {
            items_bought[c as usize] += 1;
        }
        let mut orders: Vec<(u32, u32)> =
            inter.lines.iter().map(|l| (l.customer, l.order)).collect();
        orders.sort_unstable();
        orders.dedup();
        let mut order_counts = vec![0u32; n];
        for (c, _) in orders {
            order_counts[c as usize] += 1;
        }
        let mut sorted_customers: Vec<u32> = (0..n as u32).collect();
        sorted_customers.sort_by(|&a, &b| {
            let (a, b) = (&inter.customers[a as usize], &inter.customers[b as usize]);
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        });
        let item_index = inter
            .items
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        RecsData {
            dataset,
            names,
            item_index,
            sorted_customers,
            items_bought,
            orders: order_counts,
            inter,
            details,
        }
    }

    /// The number of the customer with this id.
    pub fn customer(&self, id: &str) -> Option<u32> {
        self.inter.resolve_customers(&[id]).0.first().copied()
    }
}

/// Whether a dataset holds purchases the recommenders can read: customer, timestamp, item.
pub fn is_purchases(d: &DatasetInfo) -> bool {
    let has = |r: Role| d.column_with_role(r).is_some();
    has(Role::CustomerId) && has(Role::Timestamp) && (has(Role::ItemId) || has(Role::ItemName))
}

/// Whether a dataset can give items a category or a price: an item id and no customer id.
fn is_products(d: &DatasetInfo) -> bool {
    let has = |r: Role| d.column_with_role(r).is_some();
    has(Role::ItemId) && (has(Role::Category) || has(Role::UnitPrice)) && !has(Role::CustomerId)
}

/// The name of an algorithm in the window's language.
pub fn algo_label(a: Algorithm) -> T {
    match a {
        Algorithm::Popular => T::RecAlgoPopular,
        Algorithm::GroupPopular => T::RecAlgoGroupPopular,
        Algorithm::ItemKnn => T::RecAlgoItemKnn,
        Algorithm::Rules => T::RecAlgoRules,
        Algorithm::Als => T::RecAlgoAls,
    }
}

#[derive(Default)]
pub struct RecommendationsPage {
    tab: Tab,
    dataset: Option<String>,
    products: Option<String>,
    guessed_rev: Option<u64>,
    /// (dataset, products, catalog revision) the data was loaded for.
    loaded_for: Option<(String, Option<String>, u64)>,
    data: Option<Arc<RecsData>>,
    /// Bumped with every load; results of jobs for older data are dropped.
    generation: u64,
    data_job: JobSlot<Arc<RecsData>>,
    /// Recommendations being written (`export_recommendations`).
    writes: JobSet<String>,
    params: Params,
    picks: PicksView,
    rules: RulesView,
    eval: EvalView,
    export: export::ExportDialog,
    notice: Option<String>,
}

impl RecommendationsPage {
    pub fn data(&self) -> Option<&RecsData> {
        self.data.as_deref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// The Picks tab.
    pub fn picks(&self) -> &PicksView {
        &self.picks
    }

    pub fn picks_mut(&mut self) -> &mut PicksView {
        &mut self.picks
    }

    /// The Rules tab.
    pub fn rules(&self) -> &RulesView {
        &self.rules
    }

    /// The Evaluation tab.
    pub fn eval(&self) -> &EvalView {
        &self.eval
    }

    /// Draws the evaluation chart to `path` (PNG), in a job, as its Export PNG button does.
    pub fn export_eval_png(&mut self, ws: &mut Workspace, path: std::path::PathBuf) {
        self.eval.export_png(ws, path);
    }

    /// Exports `algorithm`'s top `k` for the chosen segment's members (`segment`, when one is
    /// chosen) or for every customer to `path` (.csv or .xlsx), as the export dialog does.
    pub fn export_recommendations(
        &mut self,
        ws: &mut Workspace,
        algorithm: Algorithm,
        k: usize,
        segment: bool,
        path: std::path::PathBuf,
    ) -> bool {
        let Some(d) = &self.data else {
            return false;
        };
        let customers = match (segment, self.picks.members()) {
            (true, Some(m)) => m.to_vec(),
            _ => (0..d.inter.customers.len() as u32).collect(),
        };
        export::export_job(
            ws,
            &mut self.writes,
            d,
            &self.picks,
            &self.params.applied,
            algorithm,
            k,
            customers,
            path,
        )
    }

    /// Writes the rules the Rules tab shows (filtered, in order) to `path` as CSV, in a job.
    pub fn export_rules(&mut self, ws: &mut Workspace, path: std::path::PathBuf) {
        if let Some(d) = &self.data {
            self.rules.export_to(ws, d, path);
        }
    }

    /// Takes the results of the page's jobs (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        if let Some(d) = self.data_job.poll_keep() {
            self.picks.reset(&d);
            self.rules.reset();
            self.eval.reset(&d);
            self.data = Some(d);
        }
        let g = self.generation;
        self.picks.logic(g);
        let mut written = self.rules.logic(ws, g);
        written.extend(self.eval.logic(ws, g));
        written.extend(self.export.logic(ws));
        written.extend(self.writes.poll_report(ws));
        for text in written {
            ws.notice = Some(text.clone());
            self.notice = Some(text);
        }
    }

    fn guess(&mut self, ws: &mut Workspace) {
        if self.guessed_rev == Some(ws.catalog_rev) {
            return;
        }
        self.guessed_rev = Some(ws.catalog_rev);
        let purchases: Vec<&DatasetInfo> = ws.datasets.iter().filter(|d| is_purchases(d)).collect();
        let keep = self
            .dataset
            .as_ref()
            .filter(|n| purchases.iter().any(|d| &d.name == *n))
            .cloned();
        let guessed = crate::customers::columns::guess_sources(&ws.datasets);
        self.dataset = keep
            .or(guessed
                .transactions
                .filter(|t| purchases.iter().any(|d| &d.name == t)))
            .or_else(|| purchases.first().map(|d| d.name.clone()));
        let products_ok = |n: &String| ws.dataset(n).is_some_and(is_products);
        if !self.products.as_ref().is_some_and(products_ok) {
            self.products = ws
                .datasets
                .iter()
                .find(|d| is_products(d))
                .map(|d| d.name.clone());
        }
        self.picks.reload_segments(ws);
    }

    fn load(&mut self, ws: &mut Workspace) {
        let (Some(path), Some(dataset)) = (ws.project_path(), self.dataset.clone()) else {
            return;
        };
        self.generation += 1;
        self.data = None;
        let products = self.products.clone();
        self.loaded_for = Some((dataset.clone(), products.clone(), ws.catalog_rev));
        self.data_job
            .start(ws, T::RecJobRead, dataset.clone(), move |rep| {
                let project = Project::open_read_only(&path)?;
                let inter = read_interactions(&project, &dataset, &ReadOptions::default(), rep)?;
                let details = read_item_details(&project, &dataset, products.as_deref(), &inter)?;
                Ok(Arc::new(RecsData::new(dataset, inter, details)))
            });
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        self.guess(ws);
        let want = self
            .dataset
            .clone()
            .map(|d| (d, self.products.clone(), ws.catalog_rev));
        if want.is_some() && want != self.loaded_for && !self.data_job.is_running() {
            self.load(ws);
        }
        let data = self.data.clone();
        let g = self.generation;
        // Side panels first, so the central panel gets what is left.
        if let Some(d) = &data {
            match self.tab {
                Tab::Picks => {
                    self.picks.list_panel(ui, ws, d, g);
                    self.params.panel(ui, lang, "recs-params-picks");
                }
                Tab::Evaluation => self.params.panel(ui, lang, "recs-params-eval"),
                Tab::Rules => {}
            }
        }
        egui::CentralPanel::default().show(ui, |ui| {
            theme::page_header(
                ui,
                lang.tr(T::NavRecommendations),
                Some(lang.tr(T::RecSubtitle)),
            );
            self.toolbar(ui, ws);
            if let Some(e) = self.data_job.error() {
                let message = crate::ui::explain::explain(lang, e);
                theme::error_card(ui, lang.tr(T::RecReadFailed), &message, "");
                return;
            }
            let Some(d) = data else {
                if self.dataset.is_none() {
                    theme::muted(ui, lang.tr(T::RecNeedDataset));
                } else {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        theme::muted(ui, lang.tr(T::RecReading));
                    });
                }
                return;
            };
            if d.inter.lines.is_empty() {
                theme::muted(ui, lang.tr(T::RecNoPurchases));
                return;
            }
            ui.horizontal(|ui| {
                for (tab, key) in [
                    (Tab::Picks, T::RecTabPicks),
                    (Tab::Rules, T::RecTabRules),
                    (Tab::Evaluation, T::RecTabEvaluation),
                ] {
                    if ui.selectable_label(self.tab == tab, lang.tr(key)).clicked() {
                        self.tab = tab;
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button(lang.tr(T::RecExportOpen)).clicked() {
                        self.export.open(&self.picks);
                    }
                });
            });
            ui.separator();
            match self.tab {
                Tab::Picks => self.picks.ui(ui, ws, &d, &self.params.applied, g),
                Tab::Rules => self.rules.ui(ui, ws, &d, g),
                Tab::Evaluation => self.eval.ui(ui, ws, &d, &self.params.applied, g),
            }
        });
        if let Some(d) = &self.data {
            self.export
                .ui(ui.ctx(), ws, d, &self.picks, &self.params.applied);
        }
    }

    fn toolbar(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        let purchases: Vec<String> = ws
            .datasets
            .iter()
            .filter(|d| is_purchases(d))
            .map(|d| d.name.clone())
            .collect();
        let products: Vec<String> = ws
            .datasets
            .iter()
            .filter(|d| is_products(d))
            .map(|d| d.name.clone())
            .collect();
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.tr(T::RecDataset)).id;
            egui::ComboBox::from_id_salt("recs-dataset")
                .selected_text(self.dataset.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for n in &purchases {
                        ui.selectable_value(&mut self.dataset, Some(n.clone()), n);
                    }
                })
                .response
                .labelled_by(label);
            ui.add_space(6.0);
            let label = ui.label(lang.tr(T::RecProducts)).id;
            egui::ComboBox::from_id_salt("recs-products")
                .selected_text(
                    self.products
                        .clone()
                        .unwrap_or_else(|| lang.tr(T::CustNone).into()),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.products, None, lang.tr(T::CustNone));
                    for n in &products {
                        ui.selectable_value(&mut self.products, Some(n.clone()), n);
                    }
                })
                .response
                .labelled_by(label);
        });
        if let Some(d) = &self.data {
            theme::muted(
                ui,
                lang.f(
                    T::RecDataSummary,
                    &[
                        &int(d.inter.lines.len() as u64),
                        &int(d.inter.customers.len() as u64),
                        &int(d.inter.items.len() as u64),
                        &int(d.inter.orders as u64),
                    ],
                ),
            );
        }
        if let Some(n) = &self.notice {
            theme::muted(ui, n.clone());
        }
        ui.add_space(4.0);
    }
}
