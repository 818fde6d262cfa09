//! The Data page's role editor and dataset actions: each column's role changed in place (saved as
//! a job), what the dataset can feed with its roles and what is still missing, and delete (with
//! confirmation), export and re-detect roles, by buttons and by right-click on a dataset.

use crate::dataset::{DatasetInfo, Role};
use crate::i18n::{Lang, T, int};
use crate::import::roles::{fits, role_from_name};
use crate::order_totals::RepeatedTotal;
use crate::store::Project;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme::{self, icon};
use crate::ui::widgets::FileDialog;
use crate::ui::widgets::combo::role_picker;
use egui::{RichText, Ui};

/// An analysis and the roles it reads: every group must be met by one of its alternatives.
struct Need {
    what: T,
    /// Groups of alternatives: each group needs one alternative, each alternative all its roles.
    groups: &'static [&'static [&'static [Role]]],
}

const NEEDS: &[Need] = &[
    Need {
        what: T::RdCustomers,
        groups: &[
            &[&[Role::CustomerId]],
            &[&[Role::Timestamp]],
            &[&[Role::Amount], &[Role::Quantity, Role::UnitPrice]],
        ],
    },
    Need {
        what: T::RdFunnels,
        groups: &[
            &[&[Role::CustomerId]],
            &[&[Role::Timestamp]],
            &[&[Role::EventType]],
        ],
    },
    Need {
        what: T::RdRecommendations,
        groups: &[
            &[&[Role::CustomerId]],
            &[&[Role::Timestamp]],
            &[&[Role::ItemId], &[Role::ItemName]],
        ],
    },
    Need {
        what: T::RdCampaigns,
        groups: &[
            &[&[Role::CustomerId]],
            &[&[Role::Campaign]],
            &[&[Role::Timestamp]],
        ],
    },
    Need {
        what: T::RdExperiment,
        groups: &[&[&[Role::Arm]]],
    },
];

/// What one analysis can do with a dataset's roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub what: T,
    /// The groups still unmet, each as its alternatives.
    pub missing: Vec<Vec<Vec<Role>>>,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.missing.is_empty()
    }
}

/// What each analysis can do with the roles of `info`.
pub fn readiness(info: &DatasetInfo) -> Vec<Readiness> {
    let has = |r: &Role| info.column_with_role(*r).is_some();
    NEEDS
        .iter()
        .map(|n| Readiness {
            what: n.what,
            missing: n
                .groups
                .iter()
                .filter(|alts| !alts.iter().any(|all| all.iter().all(has)))
                .map(|alts| alts.iter().map(|a| a.to_vec()).collect())
                .collect(),
        })
        .collect()
}

/// A behaviour-only dataset: events of customers in time, and no amounts.
pub fn behaviour_only(info: &DatasetInfo) -> bool {
    let has = |r: Role| info.column_with_role(r).is_some();
    has(Role::CustomerId)
        && has(Role::Timestamp)
        && has(Role::EventType)
        && !has(Role::Amount)
        && !(has(Role::Quantity) && has(Role::UnitPrice))
}

/// Roles from the column names, as the import gives them: each role to its best-named column
/// whose values fit it.
pub fn roles_from_names(info: &DatasetInfo) -> Vec<(String, Option<Role>)> {
    let mut best: Vec<(Role, usize, usize)> = vec![];
    for (i, c) in info.columns.iter().enumerate() {
        if let Some((role, rank)) = role_from_name(&c.name)
            && fits(role, c.ty)
        {
            match best.iter_mut().find(|b| b.0 == role) {
                Some(b) if rank < b.2 => *b = (role, i, rank),
                Some(_) => {}
                None => best.push((role, i, rank)),
            }
        }
    }
    info.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let role = best.iter().find(|b| b.1 == i).map(|b| b.0);
            (c.name.clone(), role)
        })
        .collect()
}

fn missing_text(lang: Lang, missing: &[Vec<Vec<Role>>]) -> String {
    missing
        .iter()
        .map(|alts| {
            alts.iter()
                .map(|all| {
                    all.iter()
                        .map(|r| lang.role(*r))
                        .collect::<Vec<_>>()
                        .join(" + ")
                })
                .collect::<Vec<_>>()
                .join(lang.tr(T::RdOr))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A change to a dataset, done as a job.
enum Change {
    Roles {
        dataset: String,
        /// What was ready before, to say what the change made possible.
        before: Vec<Readiness>,
        /// And after (the window's catalog is read again in its own job).
        after: Vec<Readiness>,
        /// The column now given the amount role holds an order's total on each line.
        repeated: Option<RepeatedTotal>,
    },
    Deleted(String),
}

/// The role editor's and the dataset actions' state.
#[derive(Default)]
pub struct Roles {
    job: JobSlot<Change>,
    /// A dataset waiting for the user to confirm its deletion.
    confirm_delete: Option<String>,
    /// Export asked for this dataset (the file dialog may answer in a later frame).
    export_of: Option<String>,
    ask_export: bool,
    /// The last role change gave the amount role to an order total repeated per line
    /// (dataset, finding): said above the columns until the next change.
    repeated: Option<(String, RepeatedTotal)>,
}

impl Roles {
    /// Whether a change is being saved.
    pub fn busy(&self) -> bool {
        self.job.is_running()
    }

    /// Takes the finished change and says what it made possible (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        let Some(change) = self.job.poll_report(ws) else {
            return;
        };
        ws.refresh_catalog();
        let lang = ws.lang;
        ws.notice = Some(match change {
            Change::Roles {
                dataset,
                before,
                after,
                repeated,
            } => {
                self.repeated = repeated.map(|r| (dataset.clone(), r));
                let now: Vec<&str> = after
                    .iter()
                    .filter(|a| a.ready() && before.iter().any(|b| b.what == a.what && !b.ready()))
                    .map(|a| lang.tr(a.what))
                    .collect();
                if now.is_empty() {
                    lang.f(T::RdSaved, &[&dataset])
                } else {
                    lang.f(T::RdNowPossible, &[&now.join(", ")])
                }
            }
            Change::Deleted(name) => lang.f(T::RdDeleted, &[&name]),
        });
    }

    /// Sets roles (`column`, role) of `info`, as a job.
    pub fn set_roles(
        &mut self,
        ws: &mut Workspace,
        info: &DatasetInfo,
        changes: Vec<(String, Option<Role>)>,
    ) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let dataset = info.name.clone();
        let before = readiness(info);
        let ds = dataset.clone();
        self.job
            .start(ws, T::RdJobRoles, dataset.clone(), move |_rep| {
                let mut p = Project::open(&path)?;
                let info = p.dataset(&ds)?;
                // A role belongs to one column: giving it to one takes it from another.
                for (column, role) in &changes {
                    if let Some(r) = role
                        && let Some(other) = info.column_with_role(*r)
                        && &other.name != column
                        && !changes.iter().any(|(c, _)| c == &other.name)
                    {
                        p.set_role(&ds, &other.name, None)?;
                    }
                    p.set_role(&ds, column, *role)?;
                }
                let info = p.dataset(&ds)?;
                let after = readiness(&info);
                let amount = changes
                    .iter()
                    .find(|(_, r)| *r == Some(Role::Amount))
                    .map(|(c, _)| c);
                let repeated = match amount {
                    Some(c) => crate::order_totals::repeated_total(p.conn(), &info, c)?,
                    None => None,
                };
                Ok(Change::Roles {
                    dataset: ds,
                    before,
                    after,
                    repeated,
                })
            });
    }

    fn delete(&mut self, ws: &mut Workspace, name: String) {
        let Some(path) = ws.project_path() else {
            return;
        };
        self.job
            .start(ws, T::RdJobDelete, name.clone(), move |_rep| {
                let mut p = Project::open(&path)?;
                p.delete_dataset(&name)?;
                Ok(Change::Deleted(name))
            });
    }

    /// The dataset actions as items of a menu (the buttons' "⋯" menu and the right-click menu).
    pub fn actions_menu(&mut self, ui: &mut Ui, ws: &mut Workspace, info: &DatasetInfo) {
        let lang = ws.lang;
        let enabled = !self.busy() && ws.project.as_ref().is_some_and(|p| !p.is_read_only());
        if ui
            .add_enabled(enabled, egui::Button::new(lang.tr(T::RdRedetect)))
            .on_hover_text(lang.tr(T::RdRedetectHint))
            .clicked()
        {
            let changes = roles_from_names(info)
                .into_iter()
                .filter(|(c, r)| info.column(c).is_some_and(|x| x.role != *r))
                .collect::<Vec<_>>();
            if changes.is_empty() {
                ws.notice = Some(lang.f(T::RdRedetectSame, &[&info.name]));
            } else {
                self.set_roles(ws, info, changes);
            }
            ui.close();
        }
        if ui
            .add_enabled(!self.busy(), egui::Button::new(lang.tr(T::RdExport)))
            .clicked()
        {
            self.export_of = Some(info.name.clone());
            self.ask_export = true;
            ui.close();
        }
        if ui
            .add_enabled(enabled, egui::Button::new(lang.tr(T::RdDelete)))
            .clicked()
        {
            self.confirm_delete = Some(info.name.clone());
            ui.close();
        }
    }

    /// The dialogs the actions open: the confirmation of a deletion, the export's file dialog.
    /// Call every frame.
    pub fn dialogs(&mut self, ctx: &egui::Context, ws: &mut Workspace) {
        let lang = ws.lang;
        if let Some(name) = self.export_of.clone() {
            let ask = std::mem::take(&mut self.ask_export);
            if let Some(out) = FileDialog::new("data-export")
                .title(lang.tr(T::RdExport))
                .filter("CSV", &["csv"])
                .filter("Excel", &["xlsx"])
                .filter("Parquet", &["parquet"])
                .file_name(format!("{name}.csv"))
                .default_extension("csv")
                .save_file(ctx, ask)
                && let Some(path) = ws.project_path()
            {
                self.export_of = None;
                let ds = name.clone();
                ws.spawn_errand(T::RdExport, name, move |rep| {
                    let p = Project::open_read_only(&path)?;
                    let opts = crate::export::ExportOptions::default();
                    let r = crate::export::export_dataset(&p, &ds, &out, &opts, rep)?;
                    Ok(lang.f(T::Exported, &[&r.path]))
                });
            }
        }
        let Some(name) = self.confirm_delete.clone() else {
            return;
        };
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("data-delete-confirm")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.label(RichText::new(lang.f(T::RdDeleteTitle, &[&name])).strong());
            ui.add_space(4.0);
            ui.label(lang.tr(T::RdDeleteBody));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let delete = egui::Button::new(
                    RichText::new(lang.tr(T::RdDeleteNow)).color(egui::Color32::WHITE),
                )
                .fill(theme::ERROR);
                if ui.add(delete).clicked() {
                    self.delete(ws, name.clone());
                    close = true;
                }
                if ui.button(lang.tr(T::Cancel)).clicked() {
                    close = true;
                }
            });
        });
        if close || modal.should_close() {
            self.confirm_delete = None;
        }
    }

    /// The columns with their type and role (a combo box each), and what the roles allow.
    pub fn editor_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, info: &DatasetInfo) {
        let lang = ws.lang;
        let editable = !self.busy() && ws.project.as_ref().is_some_and(|p| !p.is_read_only());
        let mut change: Option<(String, Option<Role>)> = None;
        egui::ScrollArea::vertical()
            .id_salt(("data-roles", &info.name))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                theme::section(ui, lang.tr(T::RdWhatPossible));
                for r in readiness(info) {
                    if r.ready() {
                        ui.label(format!(
                            "{} {}",
                            icon::OK,
                            lang.f(T::RdReady, &[&lang.tr(r.what)])
                        ));
                    } else {
                        theme::muted(
                            ui,
                            lang.f(
                                T::RdMissing,
                                &[&lang.tr(r.what), &missing_text(lang, &r.missing)],
                            ),
                        );
                    }
                }
                if behaviour_only(info) {
                    ui.add_space(4.0);
                    ui.label(RichText::new(lang.tr(T::RdBehaviourOnly)).italics());
                }
                if let Some((ds, r)) = &self.repeated
                    && ds == &info.name
                    && info
                        .column(&r.column)
                        .is_some_and(|c| c.role == Some(Role::Amount))
                {
                    ui.add_space(4.0);
                    ui.label(
                        RichText::new(lang.f(
                            T::RdRepeatedTotal,
                            &[&r.column, &int(r.repeating), &int(r.orders)],
                        ))
                        .color(ui.visuals().warn_fg_color),
                    );
                }
                ui.add_space(8.0);
                theme::section(ui, lang.tr(T::RdColumns));
                egui::Grid::new(("data-roles-grid", &info.name))
                    .num_columns(3)
                    .striped(true)
                    .spacing([16.0, 4.0])
                    .show(ui, |ui| {
                        ui.label(RichText::new(lang.tr(T::Column)).strong());
                        ui.label(RichText::new(lang.tr(T::Type)).strong());
                        ui.label(RichText::new(lang.tr(T::Role)).strong());
                        ui.end_row();
                        for c in &info.columns {
                            let name = ui.label(&c.name);
                            ui.label(lang.column_type(c.ty))
                                .on_hover_text(lang.tr(T::RdTypeHint));
                            let role = ui
                                .add_enabled_ui(editable, |ui| {
                                    role_picker(
                                        ui,
                                        lang,
                                        ("data-role", &info.name, &c.name),
                                        c.ty,
                                        c.role,
                                        name.id,
                                    )
                                })
                                .inner;
                            if role != c.role {
                                change = Some((c.name.clone(), role));
                            }
                            ui.end_row();
                        }
                    });
                if self.busy() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        theme::muted(ui, lang.tr(T::RdSaving));
                    });
                }
                if let Some(e) = self.job.error() {
                    let message = crate::ui::explain::explain(lang, e);
                    theme::error_card(ui, lang.tr(T::RdFailed), &message, "");
                }
            });
        if let Some(c) = change {
            self.set_roles(ws, info, vec![c]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{ColumnInfo, ColumnType};

    fn info(cols: &[(&str, ColumnType, Option<Role>)]) -> DatasetInfo {
        let columns = cols
            .iter()
            .map(|(n, ty, role)| ColumnInfo::new(*n, *ty, *role))
            .collect();
        DatasetInfo::with_columns("d", columns)
    }

    #[test]
    fn says_what_is_missing_and_what_is_ready() {
        let d = info(&[
            ("user", ColumnType::Text, Some(Role::CustomerId)),
            ("ts", ColumnType::Datetime, Some(Role::Timestamp)),
            ("behavior", ColumnType::Text, Some(Role::EventType)),
            ("item", ColumnType::Integer, Some(Role::ItemId)),
        ]);
        let r = readiness(&d);
        let of = |t: T| r.iter().find(|x| x.what == t).unwrap().clone();
        assert!(of(T::RdFunnels).ready());
        assert!(of(T::RdRecommendations).ready());
        assert_eq!(
            of(T::RdCustomers).missing,
            vec![vec![
                vec![Role::Amount],
                vec![Role::Quantity, Role::UnitPrice]
            ]]
        );
        assert!(behaviour_only(&d));
        assert_eq!(
            missing_text(Lang::En, &of(T::RdCustomers).missing),
            "Amount or Quantity + Unit price"
        );
    }

    #[test]
    fn names_give_each_role_to_one_fitting_column() {
        let d = info(&[
            ("customer_id", ColumnType::Text, None),
            ("order_date", ColumnType::Date, Some(Role::Amount)),
            ("amount", ColumnType::Float, None),
        ]);
        let r = roles_from_names(&d);
        assert_eq!(r[0], ("customer_id".into(), Some(Role::CustomerId)));
        assert_eq!(r[2], ("amount".into(), Some(Role::Amount)));
    }
}
