//! The rules browser: mine association rules from the orders (a job), then a virtualised table
//! sorted by any column and filtered by item text, and the rules shown exported to CSV.

use super::RecsData;
use crate::i18n::{Lang, T, int};
use crate::recommend::browse::{
    RuleColumn, antecedent_count, itemset_names, purchase_rules, rule_view,
};
use crate::recommend::{Rule, RuleOptions, write_rules_csv};
use crate::ui::state::{JobSet, JobSlot, Workspace};
use crate::ui::theme::{self, icon};
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::path::PathBuf;
use std::sync::Arc;

pub struct RulesView {
    opts: RuleOptions,
    /// Mining, with the data generation it was started for.
    job: JobSlot<(u64, Arc<Vec<Rule>>)>,
    /// Rule files being written.
    writes: JobSet<String>,
    rules: Option<Arc<Vec<Rule>>>,
    /// The options the rules shown were mined with.
    mined_with: Option<RuleOptions>,
    filter: String,
    sort: RuleColumn,
    descending: bool,
    view: Vec<usize>,
    view_for: Option<(String, RuleColumn, bool, usize)>,
    /// Bumped with each mining, so the view is rebuilt.
    revision: usize,
}

impl Default for RulesView {
    fn default() -> Self {
        RulesView {
            opts: RuleOptions {
                min_support: 0.01,
                min_confidence: 0.2,
                min_lift: 1.0,
                max_len: 3,
                max_consequent: 1,
            },
            job: JobSlot::default(),
            writes: JobSet::default(),
            rules: None,
            mined_with: None,
            filter: String::new(),
            sort: RuleColumn::Lift,
            descending: true,
            view: Vec::new(),
            view_for: None,
            revision: 0,
        }
    }
}

impl RulesView {
    pub fn reset(&mut self) {
        self.rules = None;
        self.mined_with = None;
        self.view.clear();
        self.view_for = None;
    }

    /// Takes the rules mined from the data generation `g` when their job finishes; returns the
    /// notices of the files written since the last frame.
    pub fn logic(&mut self, ws: &mut Workspace, g: u64) -> Vec<String> {
        if let Some((for_g, r)) = self.job.poll_keep()
            && for_g == g
        {
            self.rules = Some(r);
            self.revision += 1;
        }
        self.writes.poll_report(ws)
    }

    /// The thresholds the next mining uses.
    pub fn opts(&self) -> RuleOptions {
        self.opts
    }

    pub fn rules(&self) -> Option<&[Rule]> {
        self.rules.as_deref().map(Vec::as_slice)
    }

    /// The rules shown, in order (positions into [`rules`](Self::rules)).
    pub fn view(&self) -> &[usize] {
        &self.view
    }

    pub fn mine(&mut self, ws: &mut Workspace, d: &Arc<RecsData>, g: u64) {
        let (d, opts) = (d.clone(), self.opts);
        self.mined_with = Some(opts);
        let detail = d.dataset.clone();
        self.job.start(ws, T::RecJobRules, detail, move |rep| {
            rep.check()?;
            let r = purchase_rules(&d.inter, &opts)?;
            rep.check()?;
            Ok((g, Arc::new(r)))
        });
    }

    /// Writes the rules shown to `path` (CSV) in a job.
    pub fn export_to(&mut self, ws: &mut Workspace, d: &RecsData, path: PathBuf) {
        let Some(rules) = &self.rules else { return };
        let shown: Vec<Rule> = self.view.iter().map(|&k| rules[k].clone()).collect();
        let names = d.names.clone();
        let lang = ws.lang;
        self.writes.start(
            ws,
            T::RecJobExportRules,
            path.display().to_string(),
            move |_| {
                write_rules_csv(&shown, &names, &path)?;
                Ok(lang.f(
                    T::RecRulesWritten,
                    &[&int(shown.len() as u64), &path.display()],
                ))
            },
        );
    }

    fn refresh_view(&mut self, d: &RecsData) {
        let Some(rules) = &self.rules else { return };
        let key = (
            self.filter.clone(),
            self.sort,
            self.descending,
            self.revision,
        );
        if self.view_for.as_ref() == Some(&key) {
            return;
        }
        self.view = rule_view(
            rules,
            &d.names,
            &d.inter.items,
            &self.filter,
            self.sort,
            self.descending,
        );
        self.view_for = Some(key);
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace, d: &Arc<RecsData>, g: u64) {
        let lang = ws.lang;
        if self.rules.is_none() && self.mined_with.is_none() && !self.job.is_running() {
            self.mine(ws, d, g);
        }
        let busy = self.job.is_running();
        ui.horizontal_wrapped(|ui| {
            super::params::rule_thresholds(ui, lang, &mut self.opts, false);
            ui.add_space(6.0);
            let changed = self.mined_with != Some(self.opts);
            if ui
                .add_enabled(!busy, egui::Button::new(lang.tr(T::RecMine)))
                .clicked()
            {
                self.mine(ws, d, g);
            }
            if busy {
                ui.spinner();
                if ui.small_button(lang.tr(T::Cancel)).clicked() {
                    self.job.cancel();
                }
            } else if changed && self.rules.is_some() {
                theme::muted(ui, lang.tr(T::RecRulesStale));
            }
        });
        if let Some(e) = self.job.error() {
            let message = crate::ui::explain::explain(lang, e);
            theme::error_card(ui, lang.tr(T::RecRulesFailed), &message, "");
        }
        let Some(rules) = self.rules.clone() else {
            return;
        };
        self.refresh_view(d);
        ui.horizontal(|ui| {
            let l = ui.label(lang.tr(T::RecRuleFilter));
            ui.add(egui::TextEdit::singleline(&mut self.filter).desired_width(240.0))
                .labelled_by(l.id);
            theme::muted(
                ui,
                lang.f(
                    T::RecRulesShown,
                    &[&int(self.view.len() as u64), &int(rules.len() as u64)],
                ),
            );
            let clicked = ui
                .add_enabled(
                    !self.view.is_empty(),
                    egui::Button::new(lang.tr(T::ExportCsv)),
                )
                .clicked();
            if let Some(p) = crate::ui::widgets::FileDialog::new("recs-rules-csv")
                .file_name("rules.csv")
                .filter("CSV", &["csv"])
                .default_extension("csv")
                .save_file(ui.ctx(), clicked)
            {
                self.export_to(ws, d, p);
            }
        });
        ui.add_space(4.0);
        if rules.is_empty() {
            theme::muted(ui, lang.tr(T::RecNoRules));
            return;
        }
        self.table(ui, lang, d, &rules);
    }

    fn table(&mut self, ui: &mut Ui, lang: Lang, d: &RecsData, rules: &[Rule]) {
        let right = Layout::right_to_left(Align::Center);
        let mut sort = None;
        let headers = [
            (RuleColumn::Antecedents, T::RecColAntecedents),
            (RuleColumn::Consequents, T::RecColConsequents),
            (RuleColumn::Support, T::RecColSupport),
            (RuleColumn::Confidence, T::RecColConfidence),
            (RuleColumn::Lift, T::RecColLift),
            (RuleColumn::Leverage, T::RecColLeverage),
            (RuleColumn::Conviction, T::RecColConviction),
            (RuleColumn::Count, T::RecColCount),
            (RuleColumn::AntecedentCount, T::RecColAntecedentCount),
        ];
        let mut t = TableBuilder::new(ui)
            .id_salt("recs-rules")
            .striped(true)
            .auto_shrink([false, false])
            .cell_layout(Layout::left_to_right(Align::Center))
            .column(
                Column::initial(280.0)
                    .at_least(120.0)
                    .clip(true)
                    .resizable(true),
            )
            .column(Column::remainder().at_least(140.0).clip(true));
        for _ in 2..headers.len() {
            t = t.column(Column::exact(72.0));
        }
        t.header(theme::HEADER_HEIGHT, |mut h| {
            for (c, key) in headers {
                h.col(|ui| {
                    let arrow = if self.sort == c {
                        if self.descending {
                            format!(" {}", icon::SORT_DESC)
                        } else {
                            format!(" {}", icon::SORT_ASC)
                        }
                    } else {
                        String::new()
                    };
                    let text = RichText::new(format!("{}{arrow}", lang.tr(key))).strong();
                    let button = egui::Button::new(text).frame(false);
                    let numeric = !matches!(c, RuleColumn::Antecedents | RuleColumn::Consequents);
                    let r = if numeric {
                        ui.with_layout(right, |ui| ui.add(button)).inner
                    } else {
                        ui.add(button)
                    };
                    let hint = match c {
                        RuleColumn::Count => lang.tr(T::RecCountHint),
                        RuleColumn::AntecedentCount => lang.tr(T::RecAntecedentCountHint),
                        _ => lang.tr(T::RecSortHint),
                    };
                    if crate::ui::help::explain(r, lang, key)
                        .on_hover_text(hint)
                        .clicked()
                    {
                        sort = Some(c);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(theme::ROW_HEIGHT, self.view.len(), |mut row| {
                let r = &rules[self.view[row.index()]];
                let cell = |ui: &mut Ui, t: String| {
                    ui.add(egui::Label::new(t).truncate());
                };
                let ante = itemset_names(&r.antecedents, &d.names, " + ");
                let cons = itemset_names(&r.consequents, &d.names, " + ");
                row.col(|ui| cell(ui, ante));
                row.col(|ui| cell(ui, format!("→ {cons}")));
                let conviction = if r.conviction.is_infinite() {
                    "∞".to_string()
                } else {
                    format!("{:.3}", r.conviction)
                };
                let nums = [
                    format!("{:.4}", r.support),
                    format!("{:.3}", r.confidence),
                    format!("{:.2}", r.lift),
                    format!("{:.4}", r.leverage),
                    conviction,
                    int(r.count),
                    int(antecedent_count(r)),
                ];
                for n in nums {
                    row.col(|ui| {
                        ui.with_layout(right, |ui| cell(ui, n));
                    });
                }
            });
        });
        if let Some(c) = sort {
            if self.sort == c {
                self.descending = !self.descending;
            } else {
                self.sort = c;
                // Names read best A to Z; measures largest first.
                self.descending = !matches!(c, RuleColumn::Antecedents | RuleColumn::Consequents);
            }
        }
    }
}
