//! Roles from related datasets on the Customers page (#24): when the orders lack the person, the
//! time or the amount, or hold them less well than another file of the same export, each can
//! come from a dataset related to the orders by a confirmed relationship ("Person from",
//! "Time from", "Amount from"). The table is then built on `<orders>_related`
//! ([`crate::combine::through::materialise`]), whose definition is also the choice the project
//! keeps: it is read back on the next start.

use crate::combine::relationships::confirmed;
use crate::combine::through::{self, RoleSource, RolesSpec, candidates, remembered};
use crate::dataset::{DatasetInfo, Role};
use crate::i18n::{Lang, T};
use crate::store::Project;
use crate::store::relationships::Link;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::{theme, widgets};
use egui::Ui;

/// What the project holds about relationships: the confirmed ones, and the related roles chosen
/// for each dataset before.
#[derive(Debug, Default)]
struct Known {
    links: Vec<Link>,
    remembered: Vec<RolesSpec>,
}

/// When [`Known`] must be read again: a catalog change, or a new entry in the activity log (a
/// relationship confirmed or removed on the Data page logs one).
type Key = (u64, Option<i64>);

fn key(ws: &Workspace) -> Key {
    (ws.catalog_rev, ws.activity.first().map(|e| e.id))
}

#[derive(Default)]
pub struct RelatedRoles {
    known: Option<(Key, Known)>,
    job: JobSlot<Known>,
    /// The key the running job reads for.
    reading: Option<Key>,
    /// The orders the choices below are for.
    base: Option<String>,
    pub person: Option<RoleSource>,
    pub time: Option<RoleSource>,
    pub amount: Option<RoleSource>,
}

impl RelatedRoles {
    /// Takes what the project holds when read.
    pub fn logic(&mut self, ws: &mut Workspace) {
        match self.job.poll() {
            Some(Ok(k)) => {
                let at = self.reading.take().unwrap_or_else(|| key(ws));
                self.known = Some((at, k));
                self.restore();
            }
            // Said in the error panel, and kept so that the same project is not read again.
            Some(Err(e)) => {
                self.job.report(ws, &e);
                self.job.set_error(e);
            }
            None => {}
        }
    }

    /// Reads the relationships and the kept choices again when the project changed.
    pub fn refresh(&mut self, ws: &mut Workspace) {
        let now = key(ws);
        if self.job.is_running()
            || self.known.as_ref().is_some_and(|(k, _)| *k == now)
            || (self.job.error().is_some() && self.reading == Some(now))
        {
            return;
        }
        let Some(path) = ws.project_path() else {
            return;
        };
        self.reading = Some(now);
        self.job.start(ws, T::JobRelations, "", move |_rep| {
            let project = Project::open_read_only(&path)?;
            Ok(Known {
                links: confirmed(&project)?,
                remembered: remembered(&project)?,
            })
        });
    }

    /// Whether the relationships and kept choices are known for the project as it is now (or
    /// could not be read: the error panel says why, and the orders' own roles are used).
    pub fn ready(&self, ws: &Workspace) -> bool {
        let now = key(ws);
        self.known.as_ref().is_some_and(|(k, _)| *k == now)
            || (self.job.error().is_some() && self.reading == Some(now))
    }

    /// The orders changed: their kept choices replace the ones shown.
    pub fn set_base(&mut self, base: Option<&str>) {
        if self.base.as_deref() != base {
            self.base = base.map(str::to_string);
            self.restore();
        }
    }

    fn restore(&mut self) {
        let kept = self.kept().cloned();
        self.person = kept.as_ref().and_then(|s| s.person.clone());
        self.time = kept.as_ref().and_then(|s| s.time.clone());
        self.amount = kept.and_then(|s| s.amount);
    }

    /// The choice the project keeps for the orders shown.
    pub fn kept(&self) -> Option<&RolesSpec> {
        let base = self.base.as_deref()?;
        let (_, k) = self.known.as_ref()?;
        k.remembered.iter().find(|s| s.base == base)
    }

    /// The roles to take from related datasets, when any is chosen.
    pub fn spec(&self) -> Option<RolesSpec> {
        let base = self.base.clone()?;
        if self.person.is_none() && self.time.is_none() && self.amount.is_none() {
            return None;
        }
        Some(RolesSpec {
            base,
            person: self.person.clone(),
            time: self.time.clone(),
            amount: self.amount.clone(),
        })
    }

    /// Datasets on the many side of a confirmed relationship: orders whose roles may come from
    /// elsewhere, offered even when they lack one.
    pub fn extra_bases(&self, datasets: &[DatasetInfo]) -> Vec<String> {
        let Some((_, k)) = &self.known else {
            return vec![];
        };
        datasets
            .iter()
            .filter(|d| d.format != through::KIND)
            .filter(|d| k.links.iter().any(|l| l.from_dataset == d.name))
            .map(|d| d.name.clone())
            .collect()
    }

    /// The three combo boxes, when the orders have a confirmed relationship; true when a choice
    /// changed.
    pub fn ui(&mut self, ui: &mut Ui, lang: Lang, datasets: &[DatasetInfo]) -> bool {
        let (Some(base), Some((_, k))) = (self.base.clone(), &self.known) else {
            return false;
        };
        let offers: Vec<(Role, Vec<RoleSource>)> =
            [Role::CustomerId, Role::Timestamp, Role::Amount]
                .into_iter()
                .map(|r| (r, candidates(&k.links, datasets, &base, r)))
                .collect();
        if offers.iter().all(|(_, v)| v.is_empty()) {
            return false;
        }
        let info = datasets.iter().find(|d| d.name == base);
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            theme::muted(ui, lang.tr(T::CustRelated));
            for (role, offer) in &offers {
                let (label, id, value) = match role {
                    Role::CustomerId => (T::CustPersonFrom, "cust-person-from", &mut self.person),
                    Role::Timestamp => (T::CustTimeFrom, "cust-time-from", &mut self.time),
                    _ => (T::CustAmountFrom, "cust-amount-from", &mut self.amount),
                };
                let own = info
                    .and_then(|d| d.column_with_role(*role))
                    .map(|c| lang.f(T::CustOwnColumn, &[&c.name]))
                    .unwrap_or_else(|| lang.tr(T::CustNone).to_string());
                let shown = value.as_ref().map(|s| s.to_string()).unwrap_or(own.clone());
                let before = value.clone();
                widgets::combo(ui, lang.tr(label), id)
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        if ui.selectable_label(value.is_none(), own).clicked() {
                            *value = None;
                        }
                        for s in offer {
                            let text = s.to_string();
                            if ui
                                .selectable_label(value.as_ref() == Some(s), text)
                                .clicked()
                            {
                                *value = Some(s.clone());
                            }
                        }
                    });
                changed |= *value != before;
                ui.add_space(6.0);
            }
        });
        theme::muted(
            ui,
            lang.f(T::CustRelatedHint, &[&format!("{base}_related")]),
        );
        changed
    }
}
