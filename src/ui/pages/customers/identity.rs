//! One customer across platforms on the Customers page: the card's linked identities and the
//! Identity view (what the identity map found: links by rule, conflicts, refused placeholders, a
//! sample of merged customers). The map is read in the page's jobs; this module draws it.

use crate::customers::overview::Overview;
use crate::i18n::{Lang, T, int};
use crate::identity::view::{Groups, IdKind, LinkedId};
use crate::identity::{IdentityReport, Rule, is_stale, kept_options, last_report};
use crate::store::Project;
use crate::ui::theme;
use egui::{RichText, Ui};
use std::collections::HashMap;

/// The identity map as the page shows it, read in a job.
#[derive(Debug, Default)]
pub struct Identities {
    groups: Groups,
    /// The customer_key of each customer id of the table.
    keys: HashMap<String, String>,
    report: Option<IdentityReport>,
    stale: bool,
    cross_platform: u64,
}

impl Identities {
    /// Reads the kept map for the customers of `o` (`unified`: its lines carry their keys).
    pub fn load(project: &Project, o: &Overview, unified: bool) -> crate::Result<Identities> {
        let ids: Vec<&str> = o
            .base
            .table
            .customers
            .iter()
            .map(|c| c.customer_id.as_str())
            .collect();
        Identities::load_for(project, &o.dataset, &ids, unified)
    }

    /// Reads the kept map for the customer ids of a table built on `dataset`.
    pub fn load_for(
        project: &Project,
        dataset: &str,
        ids: &[impl AsRef<str>],
        unified: bool,
    ) -> crate::Result<Identities> {
        let groups = Groups::load(project)?;
        let mut keys = HashMap::new();
        if unified {
            let sql = format!(
                "SELECT DISTINCT customer_id, customer_key FROM {} WHERE customer_key IS NOT NULL",
                crate::store::quote_ident(dataset)
            );
            let mut stmt = project.conn().prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                keys.insert(r.get::<_, String>(0)?, r.get::<_, String>(1)?);
            }
        } else {
            for id in ids {
                if let Some(k) = groups.key(dataset, id.as_ref()) {
                    keys.insert(id.as_ref().to_string(), k.to_string());
                }
            }
        }
        let report = last_report(project)?;
        let stale = match kept_options(project)? {
            Some(opts) => is_stale(project, &opts).unwrap_or(true),
            None => false,
        };
        let cross_platform = groups.cross_platform();
        Ok(Identities {
            groups,
            keys,
            report,
            stale,
            cross_platform,
        })
    }

    /// The identities linked to a customer of the table (empty without a map).
    pub fn of_customer(&self, customer_id: &str) -> &[LinkedId] {
        self.keys
            .get(customer_id)
            .map_or(&[], |k| self.groups.of_key(k))
    }
}

fn rule_label(rule: &str) -> T {
    match rule {
        "phone" => T::IdPhone,
        "hashed_phone" => T::IdHashedPhone,
        "email" => T::IdEmail,
        "member_id" => T::IdMemberId,
        _ => T::IdSelf,
    }
}

fn kind_label(kind: IdKind) -> T {
    match kind {
        IdKind::Phone => T::IdPhone,
        IdKind::Email => T::IdEmail,
        IdKind::MemberId => T::IdMemberId,
    }
}

/// A customer's identities, one row per platform and id (the datasets that share it listed
/// together: two names, then `+n`).
fn rows(linked: &[LinkedId]) -> Vec<(String, String, IdKind, String, String)> {
    let mut out: Vec<(String, Vec<&str>, IdKind, String, String)> = Vec::new();
    for l in linked {
        match out
            .iter_mut()
            .find(|r| r.0 == l.platform && r.3 == l.value && r.2 == l.kind)
        {
            Some(r) => {
                r.1.push(&l.dataset);
                if r.4 == "self" {
                    r.4 = l.rule.clone();
                }
            }
            None => out.push((
                l.platform.clone(),
                vec![&l.dataset],
                l.kind,
                l.value.clone(),
                l.rule.clone(),
            )),
        }
    }
    out.into_iter()
        .map(|(p, mut d, k, v, r)| {
            // The shop's transactions first: the datasets people know the customer by.
            d.sort_by_key(|n| (!n.contains("order"), n.to_string()));
            let shown = match d.len() {
                0..=2 => d.join(", "),
                n => format!("{}, {} +{}", d[0], d[1], n - 2),
            };
            (p, shown, k, v, r)
        })
        .collect()
}

/// The card's section: the customer's identities on every platform (phones and e-mails masked).
/// Nothing when the customer has one identity only (one id on one platform).
pub fn linked_ui(ui: &mut Ui, lang: Lang, linked: &[LinkedId]) {
    let rows = rows(linked);
    if rows.len() < 2 {
        return;
    }
    theme::section(ui, lang.tr(T::SecLinkedIds));
    egui::Grid::new("card-linked")
        .striped(true)
        .num_columns(5)
        .spacing([12.0, 3.0])
        .show(ui, |ui| {
            id_header(ui, lang);
            for (platform, datasets, kind, value, rule) in rows {
                ui.label(platform);
                ui.label(datasets);
                ui.label(lang.tr(kind_label(kind)));
                ui.label(value);
                ui.label(lang.tr(rule_label(&rule)));
                ui.end_row();
            }
        });
}

/// The Identity view; true when the user asks to build (or rebuild) the map.
pub fn ui(ui: &mut Ui, lang: Lang, ids: &Identities, busy: bool) -> bool {
    let mut build = false;
    egui::ScrollArea::vertical()
        .id_salt("identity-view")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            theme::muted(ui, lang.tr(T::IdentityIntro));
            ui.add_space(4.0);
            let Some(r) = &ids.report else {
                ui.horizontal(|ui| {
                    theme::muted(ui, lang.tr(T::IdentityNone));
                    build = ui
                        .add_enabled(!busy, egui::Button::new(lang.tr(T::IdentityBuild)))
                        .clicked();
                });
                return;
            };
            ui.horizontal(|ui| {
                if ids.stale {
                    ui.label(RichText::new(lang.tr(T::IdentityStale)).color(theme::ERROR));
                }
                build = ui
                    .add_enabled(!busy, egui::Button::new(lang.tr(T::IdentityRebuild)))
                    .clicked();
                if busy {
                    ui.spinner();
                }
            });
            egui::Grid::new("identity-counts")
                .num_columns(2)
                .spacing([16.0, 3.0])
                .show(ui, |ui| {
                    theme::kv(ui, lang.tr(T::IdentityRecords), int(r.records));
                    theme::kv(ui, lang.tr(T::IdentityBefore), int(r.customers_before));
                    theme::kv(ui, lang.tr(T::IdentityAfter), int(r.customers_after));
                    theme::kv(ui, lang.tr(T::IdentityCross), int(ids.cross_platform));
                    theme::kv(ui, lang.tr(T::IdentityRefused), int(r.refused));
                    theme::kv(ui, lang.tr(T::ColDatasets), r.datasets.join(", "));
                });
            ui.columns(2, |cols| {
                theme::section(&mut cols[0], lang.tr(T::SecIdentityLinks));
                egui::Grid::new("identity-links")
                    .striped(true)
                    .num_columns(2)
                    .spacing([16.0, 3.0])
                    .show(&mut cols[0], |ui| {
                        ui.label(RichText::new(lang.tr(T::ColRule)).strong());
                        ui.label(RichText::new(lang.tr(T::ColLinks)).strong());
                        ui.end_row();
                        for rule in [Rule::Phone, Rule::HashedPhone, Rule::Email, Rule::MemberId] {
                            ui.label(lang.tr(rule_label(rule.as_str())));
                            ui.label(int(r.links_by_rule.get(&rule).copied().unwrap_or(0)));
                            ui.end_row();
                        }
                    });
                let right = &mut cols[1];
                theme::section(right, lang.tr(T::SecIdentityConflicts));
                if r.conflicts.is_empty() {
                    theme::muted(right, lang.tr(T::IdentityNoConflicts));
                } else {
                    egui::Grid::new("identity-conflicts")
                        .striped(true)
                        .num_columns(4)
                        .spacing([12.0, 3.0])
                        .show(right, |ui| {
                            for k in [T::ColRule, T::ColKey, T::ColRecords, T::ColDatasets] {
                                ui.label(RichText::new(lang.tr(k)).strong());
                            }
                            ui.end_row();
                            for c in r.conflicts.iter().take(20) {
                                ui.label(lang.tr(rule_label(c.rule.as_str())));
                                ui.label(&c.key);
                                ui.label(int(c.records));
                                ui.label(c.datasets.join(", "));
                                ui.end_row();
                            }
                        });
                }
            });
            theme::section(ui, lang.tr(T::SecIdentityGroups));
            egui::Grid::new("identity-groups")
                .striped(true)
                .num_columns(6)
                .spacing([12.0, 3.0])
                .show(ui, |ui| {
                    ui.label("");
                    id_header(ui, lang);
                    for (g, group) in ids.groups.merged(8).into_iter().enumerate() {
                        for (j, (platform, datasets, kind, value, rule)) in
                            rows(group).into_iter().enumerate()
                        {
                            ui.label(if j == 0 {
                                format!("{}", g + 1)
                            } else {
                                String::new()
                            });
                            ui.label(platform);
                            ui.label(datasets);
                            ui.label(lang.tr(kind_label(kind)));
                            ui.label(value);
                            ui.label(lang.tr(rule_label(&rule)));
                            ui.end_row();
                        }
                    }
                });
        });
    build
}

/// The header of a table of identities: platform, dataset, kind, value, and the rule that linked
/// it (then the row ends).
fn id_header(ui: &mut Ui, lang: Lang) {
    for k in [
        T::ColPlatform,
        T::ColDataset,
        T::ColIdKind,
        T::ColIdValue,
        T::ColLinkedBy,
    ] {
        ui.label(RichText::new(lang.tr(k)).strong());
    }
    ui.end_row();
}
