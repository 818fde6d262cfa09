//! The funnel's steps, picked from the events dataset's own event values (read as a job, most
//! frequent first), defaulting to the most frequent ones; steps that match no event are refused
//! before anything is computed.

use crate::dataset::Role;
use crate::i18n::{Lang, T, int};
use crate::query::{Cell, query_table};
use crate::store::Project;
use crate::store::quote_ident;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme::icon;
use egui::Ui;

/// At most this many event values are offered.
const MAX_VALUES: usize = 200;

/// The event values of one dataset with their counts, most frequent first.
pub type Values = Vec<(String, u64)>;

/// The event values of the funnel's dataset, read as a job.
#[derive(Default)]
pub struct EventValues {
    job: JobSlot<(String, Values)>,
    asked: Option<String>,
    values: Option<(String, Values)>,
}

impl EventValues {
    pub fn logic(&mut self, ws: &mut Workspace) {
        if let Some(v) = self.job.poll_report(ws) {
            self.values = Some(v);
        }
    }

    /// Forgets what was read (the data changed).
    pub fn reset(&mut self) {
        self.job.reset();
        self.asked = None;
        self.values = None;
    }

    /// The values of `dataset`, or `None` while they are read (the job starts here).
    pub fn get(&mut self, ws: &mut Workspace, dataset: &str) -> Option<&Values> {
        if self.values.as_ref().is_some_and(|(d, _)| d == dataset) {
            return self.values.as_ref().map(|(_, v)| v);
        }
        if self.asked.as_deref() == Some(dataset) {
            return None;
        }
        self.asked = Some(dataset.to_string());
        let column = ws
            .dataset(dataset)
            .and_then(|d| d.column_with_role(Role::EventType))
            .map(|c| c.name.clone())?;
        let path = ws.project_path()?;
        let ds = dataset.to_string();
        self.job
            .start(ws, T::FnJobValues, dataset.to_string(), move |_rep| {
                let p = Project::open_read_only(&path)?;
                let col = quote_ident(&column);
                let sql = format!(
                    "SELECT {col}, count(*) FROM {} WHERE {col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1",
                    quote_ident(&ds)
                );
                let t = query_table(&p, &sql, MAX_VALUES)?;
                let values = t
                    .rows
                    .into_iter()
                    .filter_map(|r| {
                        let n = match r.get(1) {
                            Some(Cell::Int(n)) => u64::try_from(*n).ok()?,
                            _ => return None,
                        };
                        let v = r.first().filter(|c| **c != Cell::Null)?.display();
                        Some((v, n))
                    })
                    .collect();
                Ok((ds, values))
            });
        None
    }

    /// Whether the values are being read.
    pub fn reading(&self) -> bool {
        self.job.is_running()
    }
}

/// The steps written as one text (how the page keeps them).
pub fn parse(steps: &str) -> Vec<String> {
    steps
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn join(steps: &[String]) -> String {
    steps.join(", ")
}

/// The default steps: the three most frequent events (two when there are only two).
pub fn default_steps(values: &Values) -> String {
    join(
        &values
            .iter()
            .take(3)
            .map(|(v, _)| v.clone())
            .collect::<Vec<_>>(),
    )
}

/// The steps that match no event value.
pub fn unknown(steps: &[String], values: &Values) -> Vec<String> {
    steps
        .iter()
        .filter(|s| !values.iter().any(|(v, _)| v == *s))
        .cloned()
        .collect()
}

/// One combo box per step (values with their counts), remove and add buttons.
pub fn steps_ui(ui: &mut Ui, lang: Lang, steps: &mut String, values: &Values) {
    let mut list = parse(steps);
    let mut remove = None;
    for (i, s) in list.iter_mut().enumerate() {
        let label = ui.label(lang.f(T::FnStep, &[&(i + 1)]));
        egui::ComboBox::from_id_salt(("explore-funnel-step", i))
            .selected_text(s.clone())
            .width(140.0)
            .show_ui(ui, |ui| {
                for (v, n) in values {
                    ui.selectable_value(s, v.clone(), format!("{v}  ({})", int(*n)));
                }
            })
            .response
            .labelled_by(label.id);
        if ui
            .small_button(icon::CLOSE)
            .on_hover_text(lang.tr(T::FnRemoveStep))
            .clicked()
        {
            remove = Some(i);
        }
    }
    if let Some(i) = remove
        && list.len() > 2
    {
        list.remove(i);
    }
    let next = values.iter().find(|(v, _)| !list.contains(v));
    if ui
        .add_enabled(next.is_some(), egui::Button::new(lang.tr(T::FnAddStep)))
        .clicked()
        && let Some((v, _)) = next
    {
        list.push(v.clone());
    }
    let joined = join(&list);
    if joined != *steps {
        *steps = joined;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_the_most_frequent_and_finds_unknown_steps() {
        let values: Values = vec![
            ("pv".into(), 90),
            ("cart".into(), 9),
            ("buy".into(), 2),
            ("fav".into(), 1),
        ];
        assert_eq!(default_steps(&values), "pv, cart, buy");
        let steps = parse("page_view, cart, purchase");
        assert_eq!(unknown(&steps, &values), ["page_view", "purchase"]);
        assert!(unknown(&parse("pv, buy"), &values).is_empty());
    }
}
