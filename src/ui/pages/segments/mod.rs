//! The Segments page: saved segments on the left; the rule as text and as a visual builder;
//! its live size, portrait, sample members and SQL; generators (RFM group, top N by CLV,
//! k-means); the overlap of saved segments; export. Everything heavy runs as a job over a
//! [`SegmentBase`] loaded once per catalog change.

mod builder;
mod export;
mod generators;
mod lines;
mod overlap;
mod preview;

use crate::i18n::{Lang, T};
use crate::segments::base::{BaseOptions, SegmentBase};
use crate::segments::preview::{Preview, preview};
use crate::segments::saved::{self, Segment};
use crate::segments::{Rule, Saved, parse_rule};
use crate::store::Project;
use crate::ui::state::{JobSet, JobSlot, Workspace};
use crate::ui::theme;
use builder::{ColumnKind, group_ui};
use egui::{RichText, Ui};
use lines::{LinesFrom, PageBase};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the rule must rest before the preview is recomputed.
const DEBOUNCE: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Builder,
    Generate,
    Overlap,
}

pub struct SegmentsPage {
    tab: Tab,
    base: Option<Arc<SegmentBase>>,
    /// Loading the base; its failure is shown in place of the page.
    base_job: JobSlot<(PageBase, Arc<Vec<ColumnValues>>)>,
    /// Where the lines a rule reads are loaded from, when the base was loaded without them.
    lines_from: Option<LinesFrom>,
    base_rev: Option<u64>,
    /// The next catalog change is only the customer table a save wrote: keep the base.
    keep_base: bool,
    saved: Vec<Segment>,
    /// The saved segments being read.
    saved_job: JobSlot<Vec<Segment>>,
    /// A segment being deleted.
    delete_job: JobSlot<String>,
    /// The saved segment being edited, if any.
    selected: Option<String>,
    name: String,
    description: String,
    rule: Rule,
    text: String,
    text_error: Option<String>,
    edited_at: Option<Instant>,
    /// Bumped when the rule changes; a preview of an older rule is dropped.
    generation: u64,
    preview_job: JobSlot<(u64, Box<Preview>)>,
    preview: Option<Box<Preview>>,
    /// Segments being saved (the name of each).
    save_jobs: JobSet<String>,
    /// The customer table the SQL form reads, written after each save.
    table_jobs: JobSet<String>,
    generators: generators::GeneratorState,
    overlap: overlap::OverlapState,
    export: export::ExportDialog,
    notice: Option<String>,
    /// The text columns' most frequent values, for the builder's value picker (counted with
    /// the base, in its job).
    values: Arc<Vec<ColumnValues>>,
}

/// A text column and its most frequent values.
type ColumnValues = (String, Vec<String>);

/// How many values the builder's picker offers per column (the most frequent first).
const PICKER_VALUES: usize = 50;

/// Each text column of the customer table with its most frequent values.
fn text_values(frame: &polars::prelude::DataFrame) -> Vec<ColumnValues> {
    let mut out = Vec::new();
    for col in frame.columns() {
        let Ok(strings) = col.str() else { continue };
        let mut counts: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        for v in strings.iter().flatten() {
            *counts.entry(v).or_default() += 1;
        }
        let mut ranked: Vec<(&str, u64)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let values = ranked
            .into_iter()
            .take(PICKER_VALUES)
            .map(|(v, _)| v.to_string())
            .collect();
        out.push((col.name().to_string(), values));
    }
    out
}

impl Default for SegmentsPage {
    fn default() -> Self {
        let rule = Rule::everyone();
        SegmentsPage {
            tab: Tab::default(),
            base: None,
            base_job: JobSlot::default(),
            lines_from: None,
            base_rev: None,
            keep_base: false,
            saved: Vec::new(),
            saved_job: JobSlot::default(),
            delete_job: JobSlot::default(),
            selected: None,
            name: String::new(),
            description: String::new(),
            text: rule.to_string(),
            rule,
            text_error: None,
            edited_at: None,
            generation: 0,
            preview_job: JobSlot::default(),
            preview: None,
            save_jobs: JobSet::default(),
            table_jobs: JobSet::default(),
            generators: generators::GeneratorState::default(),
            overlap: overlap::OverlapState::default(),
            export: export::ExportDialog::default(),
            notice: None,
            values: Arc::default(),
        }
    }
}

impl SegmentsPage {
    pub fn base(&self) -> Option<&SegmentBase> {
        self.base.as_deref()
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// The rule as text (as typed, or as the builder wrote it).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The name the segment is saved under.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn set_name(&mut self, name: &str) {
        self.name = name.to_string();
    }

    /// The saved segment being edited, if any.
    pub fn selected(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// Opens the export dialog (as its button does), once the customer table is loaded; false
    /// before.
    pub fn open_export(&mut self) -> bool {
        let Some(base) = self.base.clone() else {
            return false;
        };
        self.export.open(&base, &self.name);
        true
    }

    /// The live size, portrait and SQL of the rule, once computed.
    pub fn preview(&self) -> Option<&Preview> {
        self.preview.as_deref()
    }

    /// Takes the results of the page's jobs (once per frame).
    pub fn logic(&mut self, ws: &mut Workspace) {
        if let Some((b, values)) = self.base_job.poll_keep() {
            self.base = Some(b.base);
            self.lines_from = b.from;
            self.values = values;
            self.reload_saved(ws);
            self.touch();
            self.overlap.invalidate();
        }
        if let Some((generation, p)) = self.preview_job.poll_keep()
            && generation == self.generation
        {
            self.preview = Some(p);
        }
        // Failures of saves land in the error panel, under the job's title.
        for name in self.save_jobs.poll_report(ws) {
            self.saved(ws, name);
        }
        for _table in self.table_jobs.poll_report(ws) {
            // The new dataset shows in the catalog once read; the base itself is unchanged.
            self.keep_base = self.base_rev == Some(ws.catalog_rev);
            ws.refresh_catalog();
        }
        for r in self.export.logic(ws) {
            ws.refresh_activity();
            self.notice = Some(
                ws.lang
                    .f(T::SegExported, &[&crate::i18n::int(r.rows), &r.path]),
            );
        }
        if let Some(list) = self.saved_job.poll_report(ws) {
            self.saved = list;
            self.overlap.invalidate();
        }
        if self.delete_job.poll_report(ws).is_some() {
            self.selected = None;
            self.reload_saved(ws);
            ws.refresh_activity();
        }
        self.generators.logic(ws);
        self.overlap.logic();
    }

    /// Reads the saved segments again, as a job.
    fn reload_saved(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            return;
        };
        self.saved_job
            .start(ws, T::SegSaved, String::new(), move |_rep| {
                saved::list(&Project::open_read_only(&path)?)
            });
    }

    fn saved_map(&self) -> Saved {
        self.saved
            .iter()
            .map(|s| (s.name.clone(), s.rule.clone()))
            .collect()
    }

    /// The rule changed: recompute the preview after the debounce.
    fn touch(&mut self) {
        // A notice ("Exported …", "Saved …") speaks of the rule before this edit.
        self.notice = None;
        self.edited_at = Some(Instant::now());
        self.generation += 1;
    }

    /// Replaces the rule (from the builder or a generator) and rewrites the text.
    pub fn set_rule(&mut self, mut rule: Rule) {
        // Groups and stages typed as the window shows them ("冠军客户") are stored values.
        crate::labels::store_shown_values(&mut rule);
        self.text = rule.to_string();
        self.rule = rule;
        self.text_error = None;
        self.touch();
    }

    /// Replaces the text (as typed) and, when it reads, the rule.
    pub fn set_text(&mut self, text: &str) {
        self.text = text.to_string();
        match parse_rule(text) {
            Ok(mut r) => {
                crate::labels::store_shown_values(&mut r);
                self.rule = r;
                self.text_error = None;
                self.touch();
            }
            Err(e) => self.text_error = Some(e.to_string()),
        }
    }

    fn load_base(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            return;
        };
        self.base_rev = Some(ws.catalog_rev);
        // The datasets the Customers page starts from, so that a segment (and its SQL table)
        // is built on the customer table that page shows: the library's own pick preferred a
        // cleaned copy (orders_clean) where the Customers page shows orders.
        let g = crate::customers::columns::guess_sources(&ws.datasets);
        // With roles chosen from related datasets (on the Customers page), the table is built
        // on the orders with those roles.
        let related = |t: &String| {
            let name = format!("{t}_related");
            ws.dataset(&name)
                .filter(|d| d.format == crate::combine::through::KIND)
                .map(|d| d.name.clone())
        };
        let dataset = g.transactions.as_ref().and_then(related).or(g.transactions);
        let opts = BaseOptions {
            dataset,
            attributes: g.attributes,
            products: g.products,
            ..BaseOptions::default()
        };
        // A dataset larger than a pass: only the customer table is held; each rule's lines are
        // read from the kept base when it is evaluated.
        let big = opts
            .dataset
            .as_deref()
            .and_then(|d| ws.dataset(d))
            .is_some_and(|d| LinesFrom::wanted(d.rows));
        let lines_from = big.then(|| LinesFrom::new(path.clone(), opts.clone()));
        let need = if big {
            crate::segments::Need::default()
        } else {
            crate::segments::Need::everything()
        };
        self.base_job
            .start(ws, T::JobSegmentBase, String::new(), move |rep| {
                let project = Project::open_read_only(&path)?;
                let base = SegmentBase::load_for_with(&project, &opts, &need, rep)?;
                let values = text_values(&base.frame);
                let base = PageBase {
                    base: Arc::new(base),
                    from: lines_from,
                };
                Ok((base, Arc::new(values)))
            });
    }

    fn spawn_preview(&mut self, ws: &mut Workspace) {
        let Some(base) = self.base.clone() else {
            return;
        };
        let rule = self.rule.clone();
        let saved = self.saved_map();
        let generation = self.generation;
        let from = self.lines_from.clone();
        self.preview_job
            .start(ws, T::JobSegmentPreview, String::new(), move |_rep| {
                let base = lines::for_rules(&base, from.as_ref(), [&rule], &saved)?;
                Ok((generation, Box::new(preview(&base, &rule, &saved)?)))
            });
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        if self.keep_base && self.base_rev != Some(ws.catalog_rev) {
            self.keep_base = false;
            self.base_rev = Some(ws.catalog_rev);
        }
        if ws.project.is_some()
            && self.base_rev != Some(ws.catalog_rev)
            && !self.base_job.is_running()
        {
            self.load_base(ws);
        }
        if let Some(t) = self.edited_at
            && self.base.is_some()
        {
            let rest = t.elapsed();
            if rest >= DEBOUNCE {
                self.edited_at = None;
                self.spawn_preview(ws);
            } else {
                ui.ctx().request_repaint_after(DEBOUNCE - rest);
            }
        }
        egui::Panel::left("segments-list")
            .resizable(true)
            .default_size(220.0)
            .show(ui, |ui| self.list_ui(ui, ws));
        egui::CentralPanel::default().show(ui, |ui| {
            theme::page_header(ui, lang.tr(T::NavSegments), Some(lang.tr(T::SegSubtitle)));
            if let Some(e) = self.base_job.error() {
                let message = crate::ui::explain::explain(lang, e);
                theme::error_card(ui, lang.tr(T::SegNoBase), &message, "");
                return;
            }
            let Some(base) = self.base.clone() else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    theme::muted(ui, lang.tr(T::SegLoading));
                });
                return;
            };
            if let Some(n) = &self.notice {
                theme::muted(ui, n.clone());
            }
            ui.horizontal(|ui| {
                for (tab, key) in [
                    (Tab::Builder, T::SegTabBuilder),
                    (Tab::Generate, T::SegTabGenerate),
                    (Tab::Overlap, T::SegTabOverlap),
                ] {
                    if ui.selectable_label(self.tab == tab, lang.tr(key)).clicked() {
                        self.tab = tab;
                    }
                }
            });
            ui.separator();
            match self.tab {
                Tab::Builder => self.builder_tab(ui, ws, &base),
                Tab::Generate => {
                    if let Some(rule) = self.generators.ui(ui, ws, &base) {
                        self.set_rule(rule);
                        self.tab = Tab::Builder;
                    }
                    if std::mem::take(&mut self.generators.saved_changed) {
                        self.reload_saved(ws);
                        self.overlap.invalidate();
                    }
                }
                Tab::Overlap => {
                    let saved = self.saved.clone();
                    self.overlap
                        .ui(ui, ws, &base, self.lines_from.as_ref(), &saved);
                }
            }
        });
        let saved = self.saved_map();
        self.export.ui(
            ui.ctx(),
            ws,
            self.base.clone().map(|base| PageBase {
                base,
                from: self.lines_from.clone(),
            }),
            &self.rule,
            self.selected.clone(),
            saved,
        );
    }

    fn list_ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        ui.add_space(6.0);
        ui.label(RichText::new(lang.tr(T::SegSaved)).strong());
        if ui.button(lang.tr(T::SegNew)).clicked() {
            self.selected = None;
            self.name.clear();
            self.description.clear();
            self.set_rule(Rule::everyone());
            self.tab = Tab::Builder;
        }
        ui.separator();
        if self.saved.is_empty() {
            theme::muted(ui, lang.tr(T::SegNoneSaved));
        }
        let mut pick = None;
        egui::ScrollArea::vertical()
            .id_salt("segments-saved")
            .show(ui, |ui| {
                for s in &self.saved {
                    let on = self.selected.as_deref() == Some(s.name.as_str());
                    if ui
                        .selectable_label(on, &s.name)
                        .on_hover_text(&s.text)
                        .clicked()
                    {
                        pick = Some(s.clone());
                    }
                }
            });
        if let Some(s) = pick {
            self.selected = Some(s.name.clone());
            self.name = s.name.clone();
            self.description = s.description.clone();
            self.set_rule(s.rule);
            self.tab = Tab::Builder;
        }
    }

    fn builder_tab(&mut self, ui: &mut Ui, ws: &mut Workspace, base: &SegmentBase) {
        let lang = ws.lang;
        // Name and actions.
        ui.horizontal(|ui| {
            let l = ui.label(lang.tr(T::SegName));
            ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(200.0))
                .labelled_by(l.id);
            let can_save = !self.name.trim().is_empty() && self.text_error.is_none();
            if ui
                .add_enabled(can_save, egui::Button::new(lang.tr(T::SegSave)))
                .clicked()
            {
                self.save(ws);
            }
            if let Some(sel) = self.selected.clone()
                && ui.button(lang.tr(T::SegDelete)).clicked()
            {
                self.delete(ws, &sel);
            }
            if ui.button(lang.tr(T::SegExport)).clicked() {
                self.export.open(base, &self.name);
            }
        });
        ui.horizontal(|ui| {
            let l = ui.label(lang.tr(T::SegDescription));
            ui.add(egui::TextEdit::singleline(&mut self.description).desired_width(420.0))
                .labelled_by(l.id);
        });
        ui.add_space(4.0);
        // The text form.
        let l = ui.label(RichText::new(lang.tr(T::SegRuleText)).strong());
        let mut text = self.text.clone();
        let r = ui.add(
            egui::TextEdit::multiline(&mut text)
                .id_salt("segment-rule-text")
                .code_editor()
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        );
        let r = r.labelled_by(l.id);
        if r.changed() {
            self.set_text(&text);
        }
        if let Some(e) = &self.text_error {
            ui.colored_label(theme::error_color(ui), e);
        }
        ui.add_space(4.0);
        let columns = columns(base);
        let tags: Vec<String> = base.tags.iter().map(|t| t.0.clone()).collect();
        let segments: Vec<String> = self
            .saved
            .iter()
            .map(|s| s.name.clone())
            .filter(|n| Some(n) != self.selected.as_ref())
            .collect();
        let events: Vec<String> = base
            .events
            .as_ref()
            .map(|_| {
                (0..base.names.events.len())
                    .filter_map(|i| base.names.events.name(i as u32).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        // A handle of its own: the builder draws while the page is borrowed.
        let values = Arc::clone(&self.values);
        let choices = builder::Choices {
            columns: &columns,
            tags: &tags,
            segments: &segments,
            events: &events,
            values: &values,
        };
        let avail = ui.available_height();
        ui.columns(2, |cols| {
            egui::ScrollArea::vertical()
                .id_salt("segment-builder")
                .max_height(avail)
                .show(&mut cols[0], |ui| {
                    ui.label(RichText::new(lang.tr(T::SegBuilder)).strong());
                    let mut rule = self.rule.clone();
                    if group_ui(ui, lang, &mut rule, &choices, "r") {
                        self.set_rule(rule);
                    }
                });
            egui::ScrollArea::vertical()
                .id_salt("segment-preview")
                .max_height(avail)
                .show(&mut cols[1], |ui| {
                    let error = self
                        .preview_job
                        .error()
                        .map(|e| crate::ui::explain::explain(lang, e));
                    preview::ui(
                        ui,
                        lang,
                        self.preview.as_deref(),
                        error.as_deref(),
                        self.preview_job.is_running() || self.edited_at.is_some(),
                    )
                });
        });
    }

    /// Saves the rule under its name, with a snapshot of its members when the preview is of
    /// this rule, as a job.
    fn save(&mut self, ws: &mut Workspace) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let name = self.name.trim().to_string();
        let (rule, description) = (self.rule.clone(), self.description.clone());
        let snapshot = match (&self.preview, &self.base) {
            (Some(pv), Some(base)) if pv.rule == self.rule => {
                Some((base.clone(), pv.members.clone()))
            }
            _ => None,
        };
        self.save_jobs
            .start(ws, T::JobSegmentSave, name.clone(), move |_| {
                let p = Project::open(&path)?;
                saved::save(&p, &name, &rule, &description)?;
                // A snapshot of who is in it now (best effort: the segment is saved).
                if let Some((base, members)) = snapshot
                    && let Ok(ids) = crate::segments::export::member_ids(&base, &members)
                {
                    let _ = crate::store::segments::add_snapshot(
                        p.conn(),
                        &name,
                        &base.dataset,
                        &base.as_of.to_string(),
                        "save",
                        &ids,
                    );
                }
                Ok(name)
            });
    }

    /// A segment was saved: select it, and write the customer table the SQL form reads.
    fn saved(&mut self, ws: &mut Workspace, name: String) {
        if let (Some(base), Some(path)) = (self.base.clone(), ws.project_path()) {
            let table = base.table_name();
            self.table_jobs
                .start(ws, T::JobSegmentTable, table, move |_| {
                    let mut p = Project::open(&path)?;
                    crate::segments::sql::materialize(&mut p, &base)
                });
        }
        self.notice = Some(ws.lang.f(T::SegSavedNotice, &[&name]));
        self.selected = Some(name);
        self.reload_saved(ws);
        self.overlap.invalidate();
        ws.refresh_activity();
    }

    fn delete(&mut self, ws: &mut Workspace, name: &str) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let name = name.to_string();
        self.delete_job
            .start(ws, T::SegDelete, name.clone(), move |_rep| {
                saved::delete(&Project::open(&path)?, &name)?;
                Ok(name)
            });
    }
}

/// The customer table's columns and what they hold.
pub fn columns(base: &SegmentBase) -> Vec<(String, ColumnKind)> {
    use polars::prelude::DataType;
    base.frame
        .schema()
        .iter()
        .map(|(n, dt)| {
            let kind = match dt {
                DataType::Date | DataType::Datetime(..) => ColumnKind::Date,
                d if d.is_primitive_numeric() => ColumnKind::Number,
                _ => ColumnKind::Text,
            };
            (n.to_string(), kind)
        })
        .collect()
}

/// A short description of a count, e.g. "1,234 of 4,338 customers (28.4%)".
pub fn count_text(lang: Lang, c: &crate::segments::Count) -> String {
    lang.f(
        T::SegCount,
        &[
            &crate::i18n::int(c.count as u64),
            &crate::i18n::int(c.base as u64),
            &format!("{:.1}%", c.share * 100.0),
        ],
    )
}
