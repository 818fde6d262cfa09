//! Rules made from the data: one click per RFM group, the top N by CLV (or any number column),
//! and k-means clusters with an elbow and silhouette plot to choose k.

use super::builder::ColumnKind;
use crate::customers::rfm::RfmGroup;
use crate::i18n::T;
use crate::labels::group_label;
use crate::segments::base::SegmentBase;
use crate::segments::generate;
use crate::segments::kmeans::{self, KChoice, KMeansFit};
use crate::segments::{Rule, saved};
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::{RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints};

pub struct GeneratorState {
    top_column: String,
    top_n: usize,
    features: Vec<String>,
    k: usize,
    job: JobSlot<Kmeans>,
    choices: Vec<KChoice>,
    clusters: Option<KMeansFit>,
    prefix: String,
    /// The clusters being saved as segments (how many, when done).
    save_job: JobSlot<usize>,
    /// Segments were saved: the page re-reads its list.
    pub saved_changed: bool,
}

impl Default for GeneratorState {
    fn default() -> Self {
        GeneratorState {
            top_column: "clv".into(),
            top_n: 100,
            features: vec!["r_score".into(), "f_score".into(), "m_score".into()],
            k: 4,
            job: JobSlot::default(),
            choices: Vec::new(),
            clusters: None,
            prefix: "Cluster".into(),
            save_job: JobSlot::default(),
            saved_changed: false,
        }
    }
}

const SEED: u64 = 42;

/// What a k-means job finds.
enum Kmeans {
    Choices(Vec<KChoice>),
    Clusters(Box<KMeansFit>),
}

impl GeneratorState {
    /// Takes the k-means result and the saved clusters when their jobs finish (once per
    /// frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        match self.job.poll_keep() {
            None => {}
            Some(Kmeans::Choices(c)) => self.choices = c,
            Some(Kmeans::Clusters(f)) => self.clusters = Some(*f),
        }
        if let Some(k) = self.save_job.poll_keep() {
            ws.notice = Some(ws.lang.f(T::SegSavedClusters, &[&k, &self.prefix]));
            ws.refresh_activity();
            self.saved_changed = true;
        }
    }

    /// Returns a rule when the user picks one.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        ws: &mut Workspace,
        base: &std::sync::Arc<SegmentBase>,
    ) -> Option<Rule> {
        let lang = ws.lang;
        let mut out = None;
        egui::ScrollArea::vertical()
            .id_salt("segment-generators")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                theme::section(ui, lang.tr(T::SegGenRfm));
                ui.horizontal_wrapped(|ui| {
                    for g in RfmGroup::ALL {
                        if ui.button(lang.tr(group_label(g))).clicked() {
                            out = Some(generate::rfm_group(g));
                        }
                    }
                });
                ui.add_space(8.0);
                theme::section(ui, lang.tr(T::SegGenTop));
                let numbers: Vec<String> = super::columns(base)
                    .into_iter()
                    .filter(|c| c.1 == ColumnKind::Number)
                    .map(|c| c.0)
                    .collect();
                ui.horizontal(|ui| {
                    ui.label(lang.tr(T::SegTopN));
                    ui.add(egui::DragValue::new(&mut self.top_n).range(1..=10_000_000));
                    ui.label(lang.tr(T::SegBy));
                    egui::ComboBox::from_id_salt("segment-top-by")
                        .selected_text(self.top_column.clone())
                        .height(360.0)
                        .show_ui(ui, |ui| {
                            for n in &numbers {
                                ui.selectable_value(&mut self.top_column, n.clone(), n);
                            }
                        });
                    if ui.button(lang.tr(T::SegUse)).clicked() {
                        match generate::top_n(&base.frame, &self.top_column, self.top_n) {
                            Ok(r) => out = Some(r),
                            Err(e) => self.job.set_error(e),
                        }
                    }
                });
                ui.add_space(8.0);
                theme::section(ui, lang.tr(T::SegGenKmeans));
                theme::muted(ui, lang.tr(T::SegKmeansNote));
                ui.horizontal_wrapped(|ui| {
                    for n in &numbers {
                        let mut on = self.features.contains(n);
                        if ui.checkbox(&mut on, n).changed() {
                            if on {
                                self.features.push(n.clone());
                            } else {
                                self.features.retain(|f| f != n);
                            }
                            self.choices.clear();
                            self.clusters = None;
                        }
                    }
                });
                let busy = self.job.is_running();
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(
                            !busy && !self.features.is_empty(),
                            egui::Button::new(lang.tr(T::SegChooseK)),
                        )
                        .clicked()
                    {
                        let (b, f) = (base.clone(), self.features.clone());
                        self.job
                            .start(ws, T::JobSegmentKmeans, String::new(), move |_| {
                                kmeans::choose_k(&b.frame, &f, &[2, 3, 4, 5, 6, 7, 8], SEED)
                                    .map(Kmeans::Choices)
                            });
                    }
                    ui.label("k");
                    ui.add(egui::DragValue::new(&mut self.k).range(2..=20));
                    if ui
                        .add_enabled(
                            !busy && !self.features.is_empty(),
                            egui::Button::new(lang.tr(T::SegMakeClusters)),
                        )
                        .clicked()
                    {
                        let (b, f, k) = (base.clone(), self.features.clone(), self.k);
                        self.job
                            .start(ws, T::JobSegmentKmeans, String::new(), move |_| {
                                kmeans::fit(&b.frame, &f, k, SEED)
                                    .map(|fit| Kmeans::Clusters(Box::new(fit)))
                            });
                    }
                    if busy {
                        ui.spinner();
                    }
                });
                if let Some(e) = self.job.error() {
                    let message = crate::ui::explain::explain(lang, e);
                    ui.colored_label(theme::error_color(ui), message);
                }
                if !self.choices.is_empty() {
                    self.choices_plot(ui, lang);
                }
                if let Some(r) = self.clusters_ui(ui, ws) {
                    out = Some(r);
                }
            });
        out
    }

    fn choices_plot(&self, ui: &mut Ui, lang: crate::i18n::Lang) {
        let max_inertia = self
            .choices
            .iter()
            .map(|c| c.inertia)
            .fold(0.0f64, f64::max)
            .max(f64::MIN_POSITIVE);
        let inertia: PlotPoints = self
            .choices
            .iter()
            .map(|c| [c.k as f64, c.inertia / max_inertia])
            .collect();
        let sil: PlotPoints = self
            .choices
            .iter()
            .map(|c| [c.k as f64, c.silhouette])
            .collect();
        Plot::new("segment-elbow")
            .height(200.0)
            .width(420.0)
            .legend(Legend::default())
            .x_axis_label("k")
            .allow_scroll(false)
            .show(ui, |p| {
                p.line(Line::new(lang.tr(T::SegInertia), inertia));
                p.line(Line::new(lang.tr(T::SegSilhouette), sil));
            });
        let best = self
            .choices
            .iter()
            .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette));
        if let Some(b) = best {
            theme::muted(
                ui,
                lang.f(T::SegBestK, &[&b.k, &format!("{:.3}", b.silhouette)]),
            );
        }
    }

    fn clusters_ui(&mut self, ui: &mut Ui, ws: &mut Workspace) -> Option<Rule> {
        let lang = ws.lang;
        let fit = self.clusters.as_ref()?;
        let mut out = None;
        ui.add_space(6.0);
        egui::Grid::new("segment-clusters")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for k in [T::SegCluster, T::SegSize, T::SegTraits] {
                    ui.label(RichText::new(lang.tr(k)).strong());
                }
                ui.end_row();
                for (j, p) in fit.profiles.iter().enumerate() {
                    ui.label(format!("{}", j + 1));
                    ui.label(format!(
                        "{} ({:.1}%)",
                        crate::i18n::int(p.size as u64),
                        p.share * 100.0
                    ));
                    let traits: Vec<String> = p
                        .distinctive
                        .iter()
                        .map(|(f, z)| format!("{f} {z:+.2} sd"))
                        .collect();
                    ui.label(traits.join(", "));
                    if ui.button(lang.tr(T::SegUse)).clicked() {
                        match fit.model.rule(j) {
                            Ok(r) => out = Some(r),
                            Err(e) => self.job.set_error(e),
                        }
                    }
                    ui.end_row();
                }
            });
        ui.horizontal(|ui| {
            ui.label(lang.tr(T::SegPrefix));
            ui.add(egui::TextEdit::singleline(&mut self.prefix).desired_width(140.0));
            if ui.button(lang.tr(T::SegSaveAll)).clicked()
                && let Some(path) = ws.project_path()
            {
                let k = fit.profiles.len();
                let rules: crate::Result<Vec<Rule>> = (0..k).map(|j| fit.model.rule(j)).collect();
                let prefix = self.prefix.trim().to_string();
                match rules {
                    Err(e) => self.save_job.set_error(e),
                    Ok(rules) => {
                        self.save_job
                            .start(ws, T::SegSaveAll, prefix.clone(), move |_rep| {
                                let p = crate::store::Project::open(&path)?;
                                for (j, rule) in rules.iter().enumerate() {
                                    saved::save(
                                        &p,
                                        &format!("{prefix} {}", j + 1),
                                        rule,
                                        &format!("k-means cluster {} of {k}", j + 1),
                                    )?;
                                }
                                Ok(k)
                            });
                    }
                }
            }
            if self.save_job.is_running() {
                ui.spinner();
            }
            if let Some(e) = self.save_job.error() {
                ui.colored_label(theme::error_color(ui), crate::ui::explain::explain(lang, e));
            }
        });
        out
    }
}
