//! The Customers page: the customer list with one customer's card, the R × F heatmap, and group
//! portraits. The table, lifetime value and portrait attributes are built in one background job
//! (`customers::overview`); this module only draws them. The orders' person, time or amount may
//! come from related datasets ([`related`]).

mod card;
pub(crate) mod identity;
mod list;
mod map;
pub(in crate::ui::pages) mod portrait;
mod related;
mod tags;

use crate::combine::{self, RolesSpec, through};
use crate::customers::columns::guess_sources;
use crate::customers::overview::{Overview, overview};
use crate::customers::rfm::{Lifecycle, RfmGroup, RfmOptions};
use crate::i18n::{Lang, T};
use crate::store::Project;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::Ui;

/// The page's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    List,
    Map,
    Portrait,
    Tags,
    /// What the identity map found (one customer across platforms).
    Identity,
}

/// A set of customers to portray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupPick {
    Rfm(RfmGroup),
    Stage(Lifecycle),
    /// The tag at this position of the project's rules.
    Tag(usize),
}

impl Default for GroupPick {
    fn default() -> Self {
        GroupPick::Rfm(RfmGroup::Champions)
    }
}

#[derive(Default)]
pub struct CustomersPage {
    tab: Tab,
    transactions: Option<String>,
    attributes: Option<String>,
    products: Option<String>,
    /// The catalog revision the dataset choices were guessed for.
    guessed_rev: Option<u64>,
    job: JobSlot<Box<Built>>,
    overview: Option<Box<Overview>>,
    /// Build on the unified customer (one person across platforms).
    unified: bool,
    /// The identity map as the page shows it.
    identities: identity::Identities,
    /// Building the identity map.
    identity_job: JobSlot<identity::Identities>,
    /// Logging that a customer's personal data is shown in clear: (customer, column) when done.
    reveal_job: JobSlot<(usize, String)>,
    /// Built automatically once per catalog revision.
    auto_built_rev: Option<u64>,
    list: list::ListState,
    pick: GroupPick,
    portrait: portrait::PortraitState,
    tags: tags::TagEditor,
    related: related::RelatedRoles,
}

/// What the page's build job makes: the overview and the identity map read for it.
pub struct Built {
    overview: Overview,
    identities: identity::Identities,
    /// Whether building it changed the catalog (a dataset written or removed: the unified
    /// lines, or the lines with related roles).
    catalog_changed: bool,
}

impl CustomersPage {
    pub fn overview(&self) -> Option<&Overview> {
        self.overview.as_deref()
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// Whether the table is built on the unified customer.
    pub fn unified(&self) -> bool {
        self.unified
    }

    /// Builds on the unified customer (or not) from the next build on.
    pub fn set_unified(&mut self, on: bool) {
        self.unified = on;
    }

    /// The identities linked to a customer of the table (empty without an identity map).
    pub fn linked(&self, customer_id: &str) -> &[crate::identity::view::LinkedId] {
        self.identities.of_customer(customer_id)
    }

    /// The group the portrait shows.
    pub fn pick(&self) -> GroupPick {
        self.pick
    }

    /// Takes the customer table when its job finishes (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        self.related.logic(ws);
        if let Some(b) = self.job.poll_report(ws) {
            let b = *b;
            if b.catalog_changed {
                // A dataset was written (the unified lines, the lines with related roles) or
                // removed.
                ws.refresh_catalog();
            }
            self.identities = b.identities;
            self.on_overview(Box::new(b.overview));
        }
        if let Some(ids) = self.identity_job.poll_report(ws) {
            self.identities = ids;
            ws.refresh_activity();
            if self.unified {
                self.build(ws);
            }
        }
        if let Some((i, column)) = self.reveal_job.poll_report(ws) {
            self.list.revealed(i, column);
            ws.refresh_activity();
        }
        if self.tags.logic(ws) {
            // A tag rule changed: the table is built again with it.
            self.build(ws);
        }
    }

    /// Logs, then shows in clear, the personal data the card was asked to reveal.
    fn reveal(&mut self, ws: &mut Workspace, i: usize, column: String) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let Some(o) = &self.overview else { return };
        let (Some(c), Some(a)) = (o.base.table.customers.get(i), &o.base.table.attributes) else {
            return;
        };
        let (id, dataset) = (c.customer_id.clone(), a.dataset.clone());
        self.reveal_job
            .start(ws, T::JobReveal, column.clone(), move |_rep| {
                let project = Project::open(&path)?;
                crate::privacy::log_reveal(&project, &dataset, &id, &column)?;
                Ok((i, column))
            });
    }

    fn on_overview(&mut self, o: Box<Overview>) {
        self.list = list::ListState::default();
        self.portrait = portrait::PortraitState::default();
        self.tags = tags::TagEditor::default();
        // The table it replaces holds every line of every customer: freed off the window's
        // thread.
        if let Some(old) = self.overview.replace(o) {
            std::thread::spawn(move || drop(old));
        }
    }

    /// Selects the table's customer `i` (as a click in the list does).
    pub fn select(&mut self, i: usize) {
        self.list.select(i);
    }

    /// The roles chosen from related datasets (person, time, amount), for tests and pictures.
    pub fn related_roles(&self) -> Option<RolesSpec> {
        self.related.spec()
    }

    /// Starts building the customer table of the chosen datasets: on the orders themselves, or
    /// on the orders with the roles chosen from related datasets (built first when the kept one
    /// is missing, of another choice, or older than its inputs).
    pub fn build(&mut self, ws: &mut Workspace) {
        let (Some(path), Some(dataset)) = (ws.project_path(), self.transactions.clone()) else {
            return;
        };
        let opts = RfmOptions {
            attributes: self.attributes.clone(),
            products: self.products.clone(),
            ..RfmOptions::default()
        };
        let unified = self.unified && self.can_unify(ws);
        // On the unified customer, the orders' own roles are used (the identity map joins the
        // platforms); otherwise, the roles chosen from related datasets, if any.
        let spec = self.related.spec().filter(|_| !unified);
        // Every role back to the orders' own columns: the kept choice goes.
        let forget = !unified && spec.is_none() && self.related.kept().is_some();
        let title = if unified {
            T::JobUnified
        } else if spec.is_some() {
            T::JobRelatedRoles
        } else {
            T::JobCustomers
        };
        self.job.start(ws, title, dataset.clone(), move |rep| {
            let mut changed = false;
            let table = match &spec {
                _ if unified => {
                    let mut project = Project::open(&path)?;
                    let mut datasets = vec![dataset.clone()];
                    datasets.extend(crate::identity::unified::candidates(&project, &dataset)?);
                    changed = true;
                    crate::identity::unified::materialise(&mut project, &datasets, rep)?.dataset
                }
                Some(spec) => {
                    let fresh = {
                        let project = Project::open_read_only(&path)?;
                        combine::lineage(&project, &spec.output())?.is_some_and(|l| {
                            l.changed.is_empty()
                                && l.missing.is_empty()
                                && matches!(&l.derivation, combine::Derivation::Roles(r) if r == spec)
                        })
                    };
                    if fresh {
                        spec.output()
                    } else {
                        let mut project = Project::open(&path)?;
                        changed = true;
                        through::materialise(&mut project, spec, rep)?
                    }
                }
                None => {
                    if forget {
                        let mut project = Project::open(&path)?;
                        changed = through::forget(&mut project, &dataset)?;
                    }
                    dataset
                }
            };
            let project = Project::open_read_only(&path)?;
            let overview = overview(&project, &table, &opts, rep)?;
            let identities = identity::Identities::load(&project, &overview, unified)?;
            Ok(Box::new(Built {
                overview,
                identities,
                catalog_changed: changed,
            }))
        });
    }

    /// Whether another transactions dataset can join the chosen one on the unified customer.
    fn can_unify(&self, ws: &Workspace) -> bool {
        self.transactions.as_ref().is_some_and(|t| {
            ws.datasets.iter().any(|d| {
                &d.name != t
                    && crate::customers::columns::is_transactions(d)
                    && !crate::identity::unified::is_unified(d)
                    && d.format != "customers"
                    && d.format != through::KIND
            })
        })
    }

    /// Builds the identity map again (with the options it was built with), then reads it.
    fn build_identity(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let Some(o) = self.overview.as_deref() else {
            return;
        };
        // The identities are read for the table shown: its dataset and customer ids.
        let dataset = o.dataset.clone();
        let ids: Vec<String> = o
            .base
            .table
            .customers
            .iter()
            .map(|c| c.customer_id.clone())
            .collect();
        let unified = self.unified
            && crate::identity::unified::output_name(
                self.transactions.as_deref().unwrap_or_default(),
            ) == dataset;
        self.identity_job
            .start(ws, T::JobIdentity, String::new(), move |_rep| {
                let mut project = Project::open(&path)?;
                let opts = crate::identity::kept_options(&project)?.unwrap_or_default();
                crate::identity::build(&mut project, &opts)?;
                identity::Identities::load_for(&project, &dataset, &ids, unified)
            });
    }

    fn guess(&mut self, ws: &Workspace) {
        if self.guessed_rev == Some(ws.catalog_rev) {
            return;
        }
        self.guessed_rev = Some(ws.catalog_rev);
        let names: Vec<&str> = ws.datasets.iter().map(|d| d.name.as_str()).collect();
        let g = guess_sources(&ws.datasets);
        let keep = |v: &Option<String>| v.as_ref().filter(|n| names.contains(&n.as_str())).cloned();
        self.transactions = keep(&self.transactions).or(g.transactions);
        self.attributes = keep(&self.attributes).or(g.attributes);
        self.products = keep(&self.products).or(g.products);
        if self
            .overview
            .as_ref()
            .is_some_and(|o| !names.contains(&o.dataset.as_str()))
        {
            self.overview = None;
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        self.guess(ws);
        self.related.refresh(ws);
        self.related.set_base(self.transactions.as_deref());
        if self.overview.is_none()
            && !self.job.is_running()
            && self.transactions.is_some()
            && self.related.ready(ws)
            && self.auto_built_rev != Some(ws.catalog_rev)
        {
            self.auto_built_rev = Some(ws.catalog_rev);
            self.build(ws);
        }
        let mut build_identity = false;
        let mut reveal = None;
        egui::CentralPanel::default().show(ui, |ui| {
            theme::page_header(ui, lang.tr(T::NavCustomers), Some(lang.tr(T::CustSubtitle)));
            self.toolbar(ui, ws);
            ui.add_space(4.0);
            let Some(o) = self.overview.as_deref() else {
                if self.transactions.is_none() {
                    theme::muted(ui, lang.tr(T::CustNeedDataset));
                }
                return;
            };
            ui.horizontal(|ui| {
                for (tab, key) in [
                    (Tab::List, T::CustTabList),
                    (Tab::Map, T::CustTabMap),
                    (Tab::Portrait, T::CustTabPortrait),
                    (Tab::Tags, T::CustTabTags),
                    (Tab::Identity, T::CustTabIdentity),
                ] {
                    if ui.selectable_label(self.tab == tab, lang.tr(key)).clicked() {
                        self.tab = tab;
                    }
                }
            });
            ui.separator();
            match self.tab {
                Tab::List => {
                    self.list.ui(ui, lang, o, &self.identities);
                    if let Some((i, column)) = self.list.take_reveal() {
                        reveal = Some((i, column));
                    }
                }
                Tab::Map => {
                    if let Some(g) = map::ui(ui, lang, o) {
                        self.pick = GroupPick::Rfm(g);
                        self.tab = Tab::Portrait;
                    }
                }
                Tab::Portrait => self.portrait.ui(ui, lang, o, &mut self.pick),
                Tab::Tags => self.tags.ui(ui, ws, o),
                Tab::Identity => {
                    build_identity =
                        identity::ui(ui, lang, &self.identities, self.identity_job.is_running());
                }
            }
        });
        if build_identity {
            self.build_identity(ws);
        }
        if let Some((i, column)) = reveal {
            self.reveal(ws, i, column);
        }
    }

    fn toolbar(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        let names: Vec<String> = ws.datasets.iter().map(|d| d.name.clone()).collect();
        // Orders: transactions, and datasets whose roles may come from related ones (not the
        // datasets built with those roles: their orders stand for them).
        let mut tx: Vec<String> = ws
            .datasets
            .iter()
            .filter(|d| {
                crate::customers::columns::is_transactions(d)
                    && d.format != through::KIND
                    && !crate::identity::unified::is_unified(d)
            })
            .map(|d| d.name.clone())
            .collect();
        for extra in self.related.extra_bases(&ws.datasets) {
            if !tx.contains(&extra) {
                tx.push(extra);
            }
        }
        let mut changed = false;
        ui.horizontal(|ui| {
            changed |= choose(
                ui,
                lang,
                "cust-orders",
                T::CustOrders,
                &mut self.transactions,
                &tx,
                false,
            );
            changed |= choose(
                ui,
                lang,
                "cust-attrs",
                T::CustAttributes,
                &mut self.attributes,
                &names,
                true,
            );
            changed |= choose(
                ui,
                lang,
                "cust-products",
                T::CustProducts,
                &mut self.products,
                &names,
                true,
            );
            if self.can_unify(ws) {
                changed |= ui
                    .checkbox(&mut self.unified, lang.tr(T::CustUnified))
                    .on_hover_text(lang.tr(T::CustUnifiedHint))
                    .changed();
                ui.add_space(6.0);
            }
            let busy = self.job.is_running();
            let go = ui
                .add_enabled(
                    self.transactions.is_some() && !busy,
                    egui::Button::new(lang.tr(T::CustBuild)),
                )
                .clicked();
            if busy {
                ui.spinner();
            }
            changed |= go;
        });
        self.related.set_base(self.transactions.as_deref());
        changed |= self.related.ui(ui, lang, &ws.datasets);
        if changed {
            self.build(ws);
        }
    }
}

/// A labelled dataset combo; returns true when the choice changed.
fn choose(
    ui: &mut Ui,
    lang: Lang,
    id: &str,
    label: T,
    value: &mut Option<String>,
    names: &[String],
    optional: bool,
) -> bool {
    ui.label(lang.tr(label));
    let before = value.clone();
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.clone().unwrap_or_else(|| lang.tr(T::CustNone).into()))
        .show_ui(ui, |ui| {
            if optional
                && ui
                    .selectable_label(value.is_none(), lang.tr(T::CustNone))
                    .clicked()
            {
                *value = None;
            }
            for n in names {
                if ui.selectable_label(value.as_ref() == Some(n), n).clicked() {
                    *value = Some(n.clone());
                }
            }
        });
    ui.add_space(6.0);
    *value != before
}

pub use crate::labels::{dimension_label, group_label, stage_label, value_label, weekday_label};

pub use crate::format::money;
