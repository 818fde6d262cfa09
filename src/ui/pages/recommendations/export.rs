//! The export of recommendations for a campaign tool: one algorithm's top K for the chosen
//! segment's members, or every customer, written as CSV or XLSX (customer, rank, item,
//! description, score, reason) by the library code `loupe recommend --out` uses, in a job.
//! A model already fitted with the same parameters is reused; otherwise the job fits it.

use super::picks::PicksView;
use super::{RecsData, algo_label};
use crate::i18n::{Lang, T, int};
use crate::recommend::fitted::fit_key;
use crate::recommend::{
    Algorithm, ModelOptions, RecommendOptions, Recommender, write_recommendations,
};
use crate::ui::state::{JobSet, Workspace};
use crate::ui::theme;
use std::path::PathBuf;
use std::sync::Arc;

/// Whom the export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// The members of the segment chosen on the Picks tab.
    Segment,
    #[default]
    Everyone,
}

pub struct ExportDialog {
    open: bool,
    pub scope: Scope,
    pub algorithm: Algorithm,
    pub k: usize,
    pub path: String,
    /// The path is a bare file name, to be placed beside the project when first drawn.
    unplaced: bool,
    /// Exports being written.
    jobs: JobSet<String>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            open: false,
            scope: Scope::Everyone,
            algorithm: Algorithm::ItemKnn,
            k: 10,
            path: String::new(),
            unplaced: false,
            jobs: JobSet::default(),
        }
    }
}

impl ExportDialog {
    pub fn open(&mut self, picks: &PicksView) {
        self.open = true;
        self.k = picks.k;
        self.scope = if picks.members().is_some() {
            Scope::Segment
        } else {
            Scope::Everyone
        };
        if self.path.is_empty() {
            // Placed in a folder when first drawn (beside the project).
            self.unplaced = true;
            self.path = "recommendations.csv".into();
        }
    }

    /// A bare file name goes beside the open project (else in the home folder).
    fn place(&mut self, ws: &Workspace) {
        if !std::mem::take(&mut self.unplaced) {
            return;
        }
        let p = std::path::Path::new(self.path.trim());
        if p.parent().is_some_and(|d| d.as_os_str().is_empty()) {
            let dir = crate::ui::widgets::file_dialog::default_dir(ws.project_path().as_deref());
            self.path = dir.join(p).display().to_string();
        }
    }

    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        ws: &mut Workspace,
        d: &Arc<RecsData>,
        picks: &PicksView,
        model: &ModelOptions,
    ) {
        if !self.open {
            return;
        }
        self.place(ws);
        let lang = ws.lang;
        let members = picks.members();
        if members.is_none() && self.scope == Scope::Segment {
            self.scope = Scope::Everyone;
        }
        let mut open = self.open;
        let mut go = false;
        egui::Window::new(lang.tr(T::RecExportTitle))
            .open(&mut open)
            .collapsible(false)
            .default_width(480.0)
            .show(ctx, |ui| {
                egui::Grid::new("recs-export-grid")
                    .num_columns(2)
                    .spacing([10.0, 6.0])
                    .show(ui, |ui| {
                        ui.label(lang.tr(T::RecExportFor));
                        ui.vertical(|ui| {
                            let seg = match (members, &picks.segment) {
                                (Some(m), Some(s)) => {
                                    lang.f(T::RecExportSegment, &[s, &int(m.len() as u64)])
                                }
                                _ => lang.tr(T::RecExportNoSegment).to_string(),
                            };
                            ui.add_enabled_ui(members.is_some(), |ui| {
                                ui.radio_value(&mut self.scope, Scope::Segment, seg);
                            });
                            ui.radio_value(
                                &mut self.scope,
                                Scope::Everyone,
                                lang.f(
                                    T::RecExportEveryone,
                                    &[&int(d.inter.customers.len() as u64)],
                                ),
                            );
                        });
                        ui.end_row();
                        ui.label(lang.tr(T::RecExportAlgorithm));
                        egui::ComboBox::from_id_salt("recs-export-algo")
                            .selected_text(lang.tr(algo_label(self.algorithm)))
                            .show_ui(ui, |ui| {
                                for a in Algorithm::ALL {
                                    ui.selectable_value(
                                        &mut self.algorithm,
                                        a,
                                        lang.tr(algo_label(a)),
                                    );
                                }
                            });
                        ui.end_row();
                        ui.label(lang.tr(T::RecK));
                        ui.add(egui::DragValue::new(&mut self.k).range(1..=100));
                        ui.end_row();
                        ui.label(lang.tr(T::SegFile));
                        ui.horizontal(|ui| {
                            ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(280.0));
                            let clicked = ui.button(lang.tr(T::Browse)).clicked();
                            if let Some(p) = crate::ui::widgets::FileDialog::new("recs-export")
                                .filter("CSV", &["csv"])
                                .filter("Excel", &["xlsx"])
                                .file_name("recommendations.csv")
                                .save_file(ui.ctx(), clicked)
                            {
                                self.path = p.display().to_string();
                            }
                        });
                        ui.end_row();
                    });
                theme::muted(ui, lang.tr(T::RecExportFormats));
                ui.add_space(6.0);
                go = ui.button(lang.tr(T::RecExportGo)).clicked();
            });
        self.open = open;
        if go {
            let customers = match (self.scope, members) {
                (Scope::Segment, Some(m)) => m.to_vec(),
                _ => (0..d.inter.customers.len() as u32).collect(),
            };
            let path = PathBuf::from(self.path.trim());
            self.start(ws, d, picks, model, customers, path);
            self.open = false;
        }
    }

    /// The notices of the exports that finished since the last frame.
    pub fn logic(&mut self, ws: &mut Workspace) -> Vec<String> {
        self.jobs.poll_report(ws)
    }

    /// Starts the export job for these customers (numbers of `d`).
    pub fn start(
        &mut self,
        ws: &mut Workspace,
        d: &Arc<RecsData>,
        picks: &PicksView,
        model: &ModelOptions,
        customers: Vec<u32>,
        path: PathBuf,
    ) {
        let (algorithm, k) = (self.algorithm, self.k);
        export_job(
            ws,
            &mut self.jobs,
            d,
            picks,
            model,
            algorithm,
            k,
            customers,
            path,
        );
    }
}

/// The export as a job: fit (unless a model with the same key is at hand), recommend, write.
#[allow(clippy::too_many_arguments)]
pub fn export_job(
    ws: &mut Workspace,
    jobs: &mut JobSet<String>,
    d: &Arc<RecsData>,
    picks: &PicksView,
    model: &ModelOptions,
    algorithm: Algorithm,
    k: usize,
    customers: Vec<u32>,
    path: PathBuf,
) -> bool {
    let lang: Lang = ws.lang;
    let key = fit_key(algorithm, model, &customers);
    let cached = picks
        .model(algorithm)
        .filter(|m| m.key == key)
        .map(|m| m.recommender.clone());
    let (d, model) = (d.clone(), model.clone());
    let opts = RecommendOptions {
        k,
        exclude_bought: picks.exclude_bought,
        ..RecommendOptions::default()
    };
    let detail = path.display().to_string();
    jobs.start(ws, T::RecJobExport, detail, move |rep| {
        let rec: Arc<Recommender> = match cached {
            Some(r) => r,
            None => Arc::new(Recommender::fit(
                &d.inter,
                |_| true,
                algorithm,
                &customers,
                &model,
                rep,
            )?),
        };
        let rows = rec.recommend(&d.inter, &customers, &opts, rep)?;
        write_recommendations(&rows, &path, lang)?;
        Ok(lang.f(
            T::RecExported,
            &[
                &int(rows.len() as u64),
                &int(customers.len() as u64),
                &path.display(),
            ],
        ))
    })
}
