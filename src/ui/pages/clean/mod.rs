//! The Clean page: the quality report of a dataset, the recipe of steps that fixes it (undo, redo,
//! reorder, disable), a before/after preview of the selected step, and the cleaned table rebuilt
//! whenever the recipe changes.

mod editor;
mod pending;
mod preview;
mod report;

pub use report::{fix_label, kind_label};

use crate::clean::{
    History, QualityReport, RebuildSummary, Recipe, RecipeStep, ReportOptions, StepPreview,
    preview_step, quality_report, rebuild_from, save_recipe, saved_recipe,
};
use crate::i18n::{Lang, T, int};
use crate::store::Project;
use crate::ui::command::Command;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme::{self, icon};
use editor::{Op, StepEditor};
use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use pending::{Answer, PendingFix};
use polars::prelude::DataFrame;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Tab {
    #[default]
    Report,
    Preview,
}

#[derive(Default)]
pub struct CleanPage {
    dataset: Option<String>,
    /// The Data page's choice this page last followed.
    followed: Option<String>,
    report: Option<Box<QualityReport>>,
    report_job: JobSlot<Box<QualityReport>>,
    history: Option<History>,
    /// The raw frame of `dataset`, loaded once for previews and rebuilds.
    raw: Option<Arc<DataFrame>>,
    raw_job: JobSlot<Arc<DataFrame>>,
    selected: Option<usize>,
    preview: Option<Box<StepPreview>>,
    /// The selected step's preview; its failure is shown in the Preview tab.
    preview_job: JobSlot<Box<StepPreview>>,
    rebuild_job: JobSlot<Box<RebuildSummary>>,
    rebuilt: Option<Box<RebuildSummary>>,
    editor: Option<StepEditor>,
    tab: Tab,
    /// Duplicates on these columns are counted too.
    key: Vec<String>,
    /// Rules rows must meet (SQL conditions separated by `;`).
    rules: String,
    /// The dataset's saved recipe being read (when opened).
    recipe_job: JobSlot<Option<Recipe>>,
    /// A recipe file being read.
    load_job: JobSlot<Recipe>,
    /// The other datasets' saved recipes, to borrow one, and what they were read for
    /// (the project, the catalog, this page's saves).
    others: Vec<(String, Recipe)>,
    others_job: JobSlot<Vec<(String, Recipe)>>,
    others_for: Option<(std::path::PathBuf, u64, u64)>,
    /// Recipes this page saved (to read the others' again).
    saves: u64,
    /// A fix from the report, previewed before it joins the recipe.
    pending: Option<PendingFix>,
    pending_job: JobSlot<Box<StepPreview>>,
}

impl CleanPage {
    pub fn report(&self) -> Option<&QualityReport> {
        self.report.as_deref()
    }

    pub fn recipe(&self) -> Option<&Recipe> {
        self.history.as_ref().map(History::current)
    }

    pub fn preview(&self) -> Option<&StepPreview> {
        self.preview.as_deref()
    }

    pub fn raw_loaded(&self) -> bool {
        self.raw.is_some()
    }

    /// The fix waiting to be applied or cancelled, and its preview once computed.
    pub fn pending_fix(&self) -> Option<(&crate::clean::Step, Option<&StepPreview>)> {
        self.pending
            .as_ref()
            .map(|p| (&p.step, p.preview.as_deref()))
    }

    /// Takes the results of the page's jobs (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        match self.recipe_job.poll() {
            None | Some(Err(crate::Error::Cancelled)) => {}
            Some(Ok(saved)) => self.history = Some(History::new(saved.unwrap_or_default())),
            Some(Err(e)) => {
                let t = ws.tr(T::Recipe);
                ws.problem(t, &e);
                self.history = Some(History::new(Recipe::default()));
            }
        }
        if let Some(r) = self.load_job.poll_report(ws) {
            self.edit(ws, |cur| *cur = r);
        }
        if let Some(o) = self.others_job.poll_report(ws) {
            self.others = o;
        }
        if let Some(r) = self.report_job.poll_report(ws) {
            self.report = Some(r);
        }
        if let Some(frame) = self.raw_job.poll_report(ws) {
            self.raw = Some(frame);
            self.refresh_preview(ws);
            self.preview_pending(ws);
        }
        if let Some(p) = self.pending_job.poll_keep()
            && let Some(fix) = &mut self.pending
        {
            fix.preview = Some(p);
        }
        if let Some(p) = self.preview_job.poll_keep()
            && Some(p.index) == self.selected
        {
            self.preview = Some(p);
        }
        if self.preview_job.error().is_some() {
            self.preview = None;
        }
        if let Some(s) = self.rebuild_job.poll_report(ws) {
            ws.notice = Some(ws.lang.f(T::CleanedTable, &[&s.output, &int(s.rows_out)]));
            if self.dataset.as_deref() == Some(s.dataset.as_str()) {
                self.rebuilt = Some(s);
            }
            ws.refresh_catalog();
        }
    }

    /// Opens a dataset: its saved recipe, and its raw frame loaded in the background.
    pub fn select(&mut self, ws: &mut Workspace, dataset: &str) {
        self.raw_job.reset();
        self.preview_job.reset();
        self.report_job.reset();
        self.dataset = Some(dataset.to_string());
        self.report = None;
        self.raw = None;
        self.key.clear();
        self.preview = None;
        self.selected = None;
        self.editor = None;
        self.rebuilt = None;
        self.history = None;
        self.pending = None;
        self.pending_job.reset();
        let Some(path) = ws.project_path() else {
            return;
        };
        let (name, at) = (dataset.to_string(), path.clone());
        self.recipe_job
            .start(ws, T::Recipe, dataset.to_string(), move |_rep| {
                let project = Project::open_read_only(&at)?;
                Ok(saved_recipe(&project, &name)?.map(|s| s.recipe))
            });
        let name = dataset.to_string();
        self.raw_job
            .start(ws, T::JobLoadRaw, dataset.to_string(), move |rep| {
                rep.check()?;
                let project = Project::open_read_only(&path)?;
                crate::clean::load_raw(&project, &name).map(Arc::new)
            });
        // The report starts at once: it is what the page is for.
        self.check(ws, dataset);
    }

    /// Starts the quality report of the dataset as a background job.
    pub fn check(&mut self, ws: &mut Workspace, dataset: &str) {
        if self.dataset.as_deref() != Some(dataset) {
            self.select(ws, dataset);
        }
        let Some(path) = ws.project_path() else {
            return;
        };
        self.report = None;
        self.tab = Tab::Report;
        let name = dataset.to_string();
        let opts = ReportOptions {
            key: self.key.clone(),
            rules: self
                .rules
                .split([';', '\n'])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            today: None,
        };
        self.report_job
            .start(ws, T::JobQuality, dataset.to_string(), move |rep| {
                let project = Project::open_read_only(&path)?;
                quality_report(&project, &name, &opts, rep).map(Box::new)
            });
    }

    /// Applies an edit to the recipe: recorded for undo, saved, previewed and rebuilt.
    fn edit(&mut self, ws: &mut Workspace, edit: impl FnOnce(&mut Recipe)) {
        let Some(h) = &mut self.history else { return };
        h.edit(edit);
        self.recipe_changed(ws);
    }

    fn recipe_changed(&mut self, ws: &mut Workspace) {
        let (Some(dataset), Some(recipe)) = (self.dataset.clone(), self.recipe().cloned()) else {
            return;
        };
        if let Some(sel) = self.selected
            && sel >= recipe.steps.len()
        {
            self.selected = recipe.steps.len().checked_sub(1);
        }
        // One row, saved at once so that edits are kept in order (the rebuild is a job).
        if let Some(p) = &ws.project
            && let Err(e) = save_recipe(p, &dataset, &recipe)
        {
            let t = ws.tr(T::Recipe);
            ws.problem(t, &e);
        }
        self.saves += 1;
        self.refresh_preview(ws);
        // A pending fix runs after the recipe's steps: preview it again on the new recipe.
        if let Some(fix) = &mut self.pending {
            fix.preview = None;
        }
        self.preview_pending(ws);
        self.rebuild(ws, dataset, recipe);
    }

    fn rebuild(&mut self, ws: &mut Workspace, dataset: String, recipe: Recipe) {
        self.rebuild_job.reset();
        let (Some(path), Some(raw)) = (ws.project_path(), self.raw.clone()) else {
            return;
        };
        if recipe.steps.is_empty() {
            return;
        }
        self.rebuild_job
            .start(ws, T::JobRebuild, dataset.clone(), move |rep| {
                let mut project = Project::open(&path)?;
                rebuild_from(&mut project, &dataset, &raw, &recipe, None, rep).map(Box::new)
            });
    }

    fn refresh_preview(&mut self, ws: &mut Workspace) {
        self.preview_job.reset();
        let (Some(index), Some(raw), Some(recipe), Some(dataset)) = (
            self.selected,
            self.raw.clone(),
            self.recipe().cloned(),
            self.dataset.clone(),
        ) else {
            return;
        };
        if index >= recipe.steps.len() {
            return;
        }
        self.preview_job
            .start(ws, T::JobStepPreview, dataset, move |rep| {
                rep.check()?;
                preview_step(&raw, &recipe, index, preview::SAMPLE_ROWS).map(Box::new)
            });
    }

    /// Shows what `step` would do before it joins the recipe (its preview computed as a job).
    fn propose(&mut self, ws: &mut Workspace, step: crate::clean::Step) {
        self.pending = Some(PendingFix {
            step,
            preview: None,
        });
        self.tab = Tab::Preview;
        self.preview_pending(ws);
    }

    /// Starts the pending fix's preview: the fix at the end of the current recipe, run on the
    /// raw frame (once it is loaded).
    fn preview_pending(&mut self, ws: &mut Workspace) {
        let (Some(fix), Some(raw), Some(dataset)) =
            (&self.pending, self.raw.clone(), self.dataset.clone())
        else {
            return;
        };
        if fix.preview.is_some() {
            return;
        }
        let (recipe, at) = pending::candidate(self.recipe(), &fix.step);
        self.pending_job
            .start(ws, T::JobStepPreview, dataset, move |rep| {
                rep.check()?;
                preview_step(&raw, &recipe, at, preview::SAMPLE_ROWS).map(Box::new)
            });
    }

    fn answer_pending(&mut self, ws: &mut Workspace, answer: Answer) {
        self.pending_job.reset();
        let Some(fix) = self.pending.take() else {
            return;
        };
        match answer {
            Answer::Apply => self.add_steps(ws, vec![fix.step]),
            Answer::Cancel => self.tab = Tab::Report,
        }
    }

    fn select_step(&mut self, ws: &mut Workspace, index: usize) {
        // Choosing a step of the recipe leaves the fix that was waiting for an answer.
        self.pending = None;
        self.pending_job.reset();
        self.selected = Some(index);
        self.preview = None;
        self.preview_job.clear_error();
        self.tab = Tab::Preview;
        self.refresh_preview(ws);
    }

    fn undo(&mut self, ws: &mut Workspace) {
        if self.history.as_mut().is_some_and(History::undo) {
            self.recipe_changed(ws);
        }
    }

    fn redo(&mut self, ws: &mut Workspace) {
        if self.history.as_mut().is_some_and(History::redo) {
            self.recipe_changed(ws);
        }
    }

    fn add_steps(&mut self, ws: &mut Workspace, steps: Vec<crate::clean::Step>) {
        if steps.is_empty() {
            return;
        }
        let at = self.recipe().map_or(0, |r| r.steps.len());
        self.edit(ws, |r| {
            for s in steps {
                if !r.steps.iter().any(|x| x.step == s) {
                    r.steps.push(RecipeStep::new(s));
                }
            }
        });
        self.select_step(ws, at);
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        let names: Vec<String> = ws.datasets.iter().map(|d| d.name.clone()).collect();
        // Open on the dataset chosen on the Data page (each time that choice changes), else
        // keep this page's own choice, else the first dataset.
        let focused = ws.focused_dataset().map(str::to_string);
        if let Some(f) = focused.filter(|f| self.followed.as_ref() != Some(f)) {
            self.followed = Some(f.clone());
            if self.dataset.as_ref() != Some(&f) {
                self.select(ws, &f);
            }
        }
        if self.dataset.as_ref().is_none_or(|d| !names.contains(d))
            && let Some(first) = names.first().cloned()
        {
            self.select(ws, &first);
        }
        if self.editor.is_none() && !ui.ctx().egui_wants_keyboard_input() {
            let (undo, redo) = ui.ctx().input_mut(|i| {
                let undo = i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Z));
                let redo = i.consume_shortcut(&KeyboardShortcut::new(
                    Modifiers::COMMAND | Modifiers::SHIFT,
                    Key::Z,
                )) || i
                    .consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Y));
                (undo, redo)
            });
            if undo {
                self.undo(ws);
            }
            if redo {
                self.redo(ws);
            }
        }
        egui::Panel::top("clean-toolbar").show(ui, |ui| self.toolbar(ui, ws, &names));
        egui::Panel::left("clean-recipe")
            .resizable(true)
            .default_size(380.0)
            .size_range(300.0..=600.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("recipe-scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.recipe_ui(ui, ws));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.tab, Tab::Report, lang.tr(T::ReportTab));
                ui.selectable_value(&mut self.tab, Tab::Preview, lang.tr(T::PreviewTab));
            });
            ui.separator();
            match self.tab {
                Tab::Report => self.report_tab(ui, ws),
                Tab::Preview if self.pending.is_some() => self.pending_tab(ui, ws),
                Tab::Preview => self.preview_tab(ui, lang),
            }
        });
    }

    fn toolbar(&mut self, ui: &mut Ui, ws: &mut Workspace, names: &[String]) {
        let lang = ws.lang;
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(lang.tr(T::CleanTitle)).size(18.0).strong());
            ui.add_space(8.0);
            let current = self.dataset.clone().unwrap_or_default();
            let mut chosen = None;
            egui::ComboBox::from_id_salt("clean-dataset")
                .selected_text(if current.is_empty() {
                    lang.tr(T::ChooseDataset).to_string()
                } else {
                    current.clone()
                })
                .show_ui(ui, |ui| {
                    for n in names {
                        if ui.selectable_label(current == *n, n).clicked() {
                            chosen = Some(n.clone());
                        }
                    }
                });
            if let Some(n) = chosen
                && Some(&n) != self.dataset.as_ref()
            {
                self.select(ws, &n);
            }
            ui.separator();
            let (can_undo, can_redo) = self
                .history
                .as_ref()
                .map_or((false, false), |h| (h.can_undo(), h.can_redo()));
            if ui
                .add_enabled(can_undo, egui::Button::new(lang.tr(T::Undo)))
                .on_hover_text("Ctrl+Z")
                .clicked()
            {
                self.undo(ws);
            }
            if ui
                .add_enabled(can_redo, egui::Button::new(lang.tr(T::Redo)))
                .on_hover_text("Ctrl+Shift+Z")
                .clicked()
            {
                self.redo(ws);
            }
            ui.separator();
            self.recipe_files(ui, ws, names);
            ui.separator();
            if let Some(s) = &self.rebuilt {
                theme::muted(ui, lang.f(T::CleanedTable, &[&s.output, &int(s.rows_out)]));
            } else if self.recipe().is_some_and(|r| r.steps.is_empty()) {
                theme::muted(ui, lang.tr(T::NotBuilt));
            }
            if self.rebuild_job.is_running()
                || self.raw_job.is_running()
                || self.report_job.is_running()
            {
                ui.spinner();
            }
        });
        ui.add_space(4.0);
    }

    /// Load, export and borrow recipes.
    fn recipe_files(&mut self, ui: &mut Ui, ws: &mut Workspace, names: &[String]) {
        let lang = ws.lang;
        let clicked = ui
            .add_enabled(
                self.history.is_some(),
                egui::Button::new(lang.tr(T::LoadRecipe)),
            )
            .clicked();
        if let Some(path) = crate::ui::widgets::FileDialog::new("clean-load-recipe")
            .filter(lang.tr(T::RecipeFiles), &["json"])
            .pick_file(ui.ctx(), clicked)
        {
            self.load_job
                .start(ws, T::LoadRecipe, path.display().to_string(), move |_rep| {
                    Recipe::read(&path)
                });
        }
        let has_steps = self.recipe().is_some_and(|r| !r.steps.is_empty());
        let clicked = ui
            .add_enabled(has_steps, egui::Button::new(lang.tr(T::ExportRecipe)))
            .clicked();
        let name = format!("{}-recipe.json", self.dataset.clone().unwrap_or_default());
        if let Some(path) = crate::ui::widgets::FileDialog::new("clean-export-recipe")
            .filter(lang.tr(T::RecipeFiles), &["json"])
            .file_name(name)
            .save_file(ui.ctx(), clicked)
            && let Some(r) = self.recipe().cloned()
        {
            ws.spawn_write(T::ExportRecipe, path, move |p| r.write(p));
        }
        self.read_others(ws, names);
        let mut borrowed = None;
        ui.menu_button(lang.tr(T::UseRecipeOf), |ui| {
            if self.others_job.is_running() {
                ui.spinner();
            }
            for (n, r) in &self.others {
                if Some(n) != self.dataset.as_ref()
                    && ui.button(format!("{n} ({})", r.steps.len())).clicked()
                {
                    borrowed = Some(r.clone());
                    ui.close();
                }
            }
        });
        if let Some(r) = borrowed {
            self.edit(ws, |cur| *cur = r);
        }
    }

    /// Reads the other datasets' saved recipes, as a job, when the catalog or a saved recipe
    /// changed.
    fn read_others(&mut self, ws: &mut Workspace, names: &[String]) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let key = (path.clone(), ws.catalog_rev, self.saves);
        if self.others_for.as_ref() == Some(&key) {
            return;
        }
        self.others_for = Some(key);
        let names = names.to_vec();
        self.others_job
            .start(ws, T::UseRecipeOf, String::new(), move |_rep| {
                let project = Project::open_read_only(&path)?;
                let mut out = Vec::new();
                for n in names {
                    if let Some(s) = saved_recipe(&project, &n)? {
                        out.push((n, s.recipe));
                    }
                }
                Ok(out)
            });
    }

    fn recipe_ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(lang.tr(T::Recipe)).strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let info = self.dataset.as_ref().and_then(|d| ws.dataset(d));
                let first = info.and_then(|d| d.columns.first()).map(|c| c.name.clone());
                // Outliers are found in numbers: start on the first numeric column.
                let first_number = info
                    .and_then(|d| d.columns.iter().find(|c| c.ty.is_numeric()))
                    .map(|c| c.name.clone());
                ui.menu_button(format!("{} {}", icon::NEW, lang.tr(T::AddStep)), |ui| {
                    for op in Op::ALL {
                        if ui.button(lang.tr(op.label())).clicked() {
                            let column = match op {
                                Op::Outliers => first_number.as_deref().or(first.as_deref()),
                                _ => first.as_deref(),
                            };
                            self.editor = Some(StepEditor::new(op, None, column));
                            ui.close();
                        }
                    }
                });
            });
        });
        let suggested: Vec<crate::clean::Step> = self
            .report
            .as_deref()
            .filter(|r| Some(&r.dataset) == self.dataset.as_ref())
            .map(|r| {
                crate::clean::suggested_recipe(r)
                    .steps
                    .into_iter()
                    .map(|s| s.step)
                    .collect()
            })
            .unwrap_or_default();
        if !suggested.is_empty() && ui.button(lang.tr(T::AddSuggested)).clicked() {
            self.add_steps(ws, suggested);
        }
        ui.add_space(4.0);
        if let Some(mut ed) = self.editor.take() {
            let keep = self.editor_ui(ui, ws, &mut ed);
            if keep {
                self.editor = Some(ed);
            }
            ui.add_space(6.0);
        }
        let Some(recipe) = self.recipe().cloned() else {
            return;
        };
        if recipe.steps.is_empty() {
            theme::muted(ui, lang.tr(T::EmptyRecipe));
            return;
        }
        let stats = self
            .rebuilt
            .as_ref()
            .map(|s| s.steps.clone())
            .unwrap_or_default();
        let n = recipe.steps.len();
        let mut action: Option<(usize, StepAction)> = None;
        for (i, s) in recipe.steps.iter().enumerate() {
            let selected = self.selected == Some(i);
            let frame = egui::Frame::new()
                .inner_margin(egui::Margin::symmetric(6, 4))
                .corner_radius(egui::CornerRadius::same(4))
                .fill(if selected {
                    ui.visuals().selection.bg_fill.linear_multiply(0.35)
                } else {
                    egui::Color32::TRANSPARENT
                });
            frame.show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    let mut on = s.enabled;
                    if ui
                        .checkbox(&mut on, "")
                        .on_hover_text(lang.tr(T::EnableStep))
                        .changed()
                    {
                        action = Some((i, StepAction::Toggle));
                    }
                    let text = RichText::new(format!("{}. {}", i + 1, s.step.describe(lang)));
                    let text = if s.enabled {
                        text
                    } else {
                        text.weak().strikethrough()
                    };
                    if ui
                        .add(egui::Label::new(text).wrap().sense(egui::Sense::click()))
                        .clicked()
                    {
                        action = Some((i, StepAction::Select));
                    }
                });
                ui.horizontal(|ui| {
                    if let Some(st) = stats.iter().find(|x| x.index == i) {
                        theme::muted(
                            ui,
                            lang.f(
                                T::StepRows,
                                &[&int(st.rows_before as u64), &int(st.rows_after as u64)],
                            ),
                        );
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .small_button(icon::CLOSE)
                            .on_hover_text(lang.tr(T::RemoveStep))
                            .clicked()
                        {
                            action = Some((i, StepAction::Remove));
                        }
                        if ui
                            .add_enabled(i + 1 < n, egui::Button::new(icon::SORT_DESC).small())
                            .on_hover_text(lang.tr(T::MoveDown))
                            .clicked()
                        {
                            action = Some((i, StepAction::Down));
                        }
                        if ui
                            .add_enabled(i > 0, egui::Button::new(icon::SORT_ASC).small())
                            .on_hover_text(lang.tr(T::MoveUp))
                            .clicked()
                        {
                            action = Some((i, StepAction::Up));
                        }
                        if ui.small_button(lang.tr(T::EditStep)).clicked() {
                            action = Some((i, StepAction::Edit));
                        }
                    });
                });
            });
        }
        if let Some((i, a)) = action {
            match a {
                StepAction::Select => self.select_step(ws, i),
                StepAction::Toggle => self.edit(ws, |r| r.steps[i].enabled = !r.steps[i].enabled),
                StepAction::Remove => {
                    self.edit(ws, |r| {
                        r.steps.remove(i);
                    });
                    self.preview = None;
                }
                StepAction::Up => {
                    self.edit(ws, |r| r.steps.swap(i, i - 1));
                    self.select_step(ws, i - 1);
                }
                StepAction::Down => {
                    self.edit(ws, |r| r.steps.swap(i, i + 1));
                    self.select_step(ws, i + 1);
                }
                StepAction::Edit => {
                    self.editor = Some(StepEditor::edit(&recipe.steps[i].step, i));
                    self.select_step(ws, i);
                }
            }
        }
    }

    /// The step form; returns false when it closes.
    fn editor_ui(&mut self, ui: &mut Ui, ws: &mut Workspace, ed: &mut StepEditor) -> bool {
        let lang = ws.lang;
        let raw_cols: Vec<String> = self
            .raw
            .as_ref()
            .map(|df| {
                df.get_column_names()
                    .iter()
                    .map(|n| n.to_string())
                    .collect()
            })
            .or_else(|| {
                self.dataset
                    .as_ref()
                    .and_then(|d| ws.dataset(d))
                    .map(|d| d.columns.iter().map(|c| c.name.clone()).collect())
            })
            .unwrap_or_default();
        let at = ed
            .index
            .unwrap_or_else(|| self.recipe().map_or(0, |r| r.steps.len()));
        let columns = self
            .recipe()
            .map(|r| r.columns_at(&raw_cols, at))
            .unwrap_or(raw_cols);
        let mut keep = true;
        theme::card(ui, |ui| {
            ui.set_width(ui.available_width());
            ed.ui(ui, lang, &columns, self.raw.as_deref());
            ui.horizontal(|ui| {
                let label = if ed.index.is_some() {
                    T::Apply
                } else {
                    T::AddButton
                };
                if ui.button(lang.tr(label)).clicked() {
                    match ed.build() {
                        Ok(step) => {
                            keep = false;
                            match ed.index {
                                Some(i) => {
                                    self.edit(ws, |r| {
                                        if let Some(s) = r.steps.get_mut(i) {
                                            s.step = step;
                                        }
                                    });
                                    self.select_step(ws, i);
                                }
                                None => self.add_steps(ws, vec![step]),
                            }
                        }
                        Err(e) => ed.error = Some(e),
                    }
                }
                if ui.button(lang.tr(T::Cancel)).clicked() {
                    keep = false;
                }
            });
        });
        keep
    }

    /// The key and the rules the report checks besides its own checks.
    fn report_options(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        let columns: Vec<String> = self
            .dataset
            .as_ref()
            .and_then(|d| ws.dataset(d))
            .map(|d| d.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        let mut again = false;
        ui.horizontal_wrapped(|ui| {
            let key = if self.key.is_empty() {
                "—".to_string()
            } else {
                self.key.join(", ")
            };
            ui.menu_button(format!("{}: {key}", lang.tr(T::DuplicateKey)), |ui| {
                for c in &columns {
                    let mut on = self.key.contains(c);
                    if ui.checkbox(&mut on, c).changed() {
                        if on {
                            self.key.push(c.clone());
                        } else {
                            self.key.retain(|k| k != c);
                        }
                    }
                }
            });
            let l = ui.label(lang.tr(T::Rules));
            ui.add(
                egui::TextEdit::singleline(&mut self.rules)
                    .hint_text(lang.tr(T::RulesHint))
                    .desired_width(320.0),
            )
            .labelled_by(l.id);
            again = ui
                .add_enabled(
                    self.dataset.is_some() && !self.report_job.is_running(),
                    egui::Button::new(lang.tr(T::CheckQuality)),
                )
                .clicked();
        });
        if again && let Some(d) = self.dataset.clone() {
            self.check(ws, &d);
        }
        ui.add_space(4.0);
    }

    fn report_tab(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        self.report_options(ui, ws);
        let shown = self
            .report
            .as_deref()
            .filter(|r| Some(&r.dataset) == self.dataset.as_ref());
        let mut actions = report::ReportActions::default();
        egui::ScrollArea::vertical()
            .id_salt("report-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| match shown {
                Some(r) => actions = report::report_ui(ui, lang, r),
                None => {
                    if self.report_job.is_running() {
                        ui.spinner();
                    } else {
                        theme::muted(ui, lang.tr(T::RecipeNext));
                    }
                }
            });
        if let Some(step) = actions.fix {
            self.propose(ws, step);
        }
        if let (Some((sql, label)), Some(dataset)) = (actions.show, self.dataset.clone()) {
            ws.push(Command::ShowRows {
                dataset,
                sql,
                label,
            });
        }
    }

    fn pending_tab(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let Some(fix) = &self.pending else { return };
        let in_recipe = self
            .recipe()
            .is_some_and(|r| r.steps.iter().any(|s| s.step == fix.step));
        let answer = pending::pending_ui(ui, ws.lang, fix, in_recipe, self.pending_job.error());
        if let Some(a) = answer {
            self.answer_pending(ws, a);
        }
    }

    fn preview_tab(&mut self, ui: &mut Ui, lang: Lang) {
        let Some(i) = self.selected else {
            theme::muted(ui, lang.tr(T::SelectStep));
            return;
        };
        if let Some(s) = self.recipe().and_then(|r| r.steps.get(i)) {
            ui.label(RichText::new(format!("{}. {}", i + 1, s.step.describe(lang))).strong());
            ui.add_space(4.0);
        }
        if let Some(e) = self.preview_job.error() {
            let message = crate::ui::explain::explain(lang, e);
            ui.label(RichText::new(message).color(theme::error_color(ui)));
            return;
        }
        match &self.preview {
            Some(p) if p.index == i => preview::preview_ui(ui, lang, p),
            _ => {
                ui.spinner();
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum StepAction {
    Select,
    Toggle,
    Remove,
    Up,
    Down,
    Edit,
}
