//! The searchable customer list (virtualised) beside the selected customer's card.

use super::{group_label, money, stage_label};
use crate::customers::card::CustomerCard;
use crate::customers::overview::Overview;
use crate::i18n::{Lang, T, int};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// Room kept at the right of the last column for the table's floating scroll bar.
const SCROLLBAR_GUTTER: f32 = 12.0;

#[derive(Default)]
pub struct ListState {
    search: String,
    /// Indices into the table of the customers matching `search`.
    filtered: Vec<usize>,
    filtered_for: Option<String>,
    selected: Option<usize>,
    /// Scroll the list to the selected row on the next frame (selected from elsewhere).
    scroll_to_selected: bool,
    card: Option<(usize, CustomerCard)>,
    /// Personal data shown in clear, by customer (the reveal was logged).
    revealed: Vec<(usize, String)>,
    /// A reveal the user asked for: (customer, column), for the page to log.
    reveal_request: Option<(usize, String)>,
}

/// Whether customer `i` matches a lower-cased search: its id, favourite item or category,
/// channel, or any joined attribute.
fn matches(o: &Overview, i: usize, needle: &str) -> bool {
    let c = &o.base.table.customers[i];
    let hit = |s: &str| s.to_lowercase().contains(needle);
    hit(&c.customer_id)
        || [
            &c.favourite_item,
            &c.favourite_category,
            &c.preferred_channel,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(hit))
        || o.base.table.attributes.as_ref().is_some_and(|a| {
            a.values[i]
                .iter()
                .any(|cell| !matches!(cell, crate::query::Cell::Null) && hit(&cell.display()))
        })
}

impl ListState {
    pub fn select(&mut self, i: usize) {
        self.selected = Some(i);
        self.scroll_to_selected = true;
    }

    /// The reveal the user asked for on the card, if any: (customer, column).
    pub fn take_reveal(&mut self) -> Option<(usize, String)> {
        self.reveal_request.take()
    }

    /// Shows `column` of customer `i` in clear from now on (its reveal is logged).
    pub fn revealed(&mut self, i: usize, column: String) {
        self.revealed.push((i, column));
    }

    pub fn ui(&mut self, ui: &mut Ui, lang: Lang, o: &Overview, ids: &super::identity::Identities) {
        if self.filtered_for.as_deref() != Some(self.search.as_str()) {
            let needle = self.search.trim().to_lowercase();
            // In the list's order (the most valuable customers first, then by id), sorted by
            // the job that built the table.
            let filtered: Vec<usize> = if needle.is_empty() {
                o.by_value.clone()
            } else {
                o.by_value
                    .iter()
                    .copied()
                    .filter(|&i| matches(o, i, &needle))
                    .collect()
            };
            self.filtered = filtered;
            self.filtered_for = Some(self.search.clone());
            // The card shows the highlighted row: the first one, unless the one chosen is listed.
            if self.selected.is_none_or(|i| !self.filtered.contains(&i)) {
                self.selected = self.filtered.first().copied();
                self.scroll_to_selected = true;
            }
        }
        if let Some(i) = self.selected
            && self.card.as_ref().is_none_or(|c| c.0 != i)
        {
            self.card = Some((i, o.card(i)));
        }
        let avail = ui.available_size();
        let list_width = (avail.x * 0.42).clamp(360.0, 560.0);
        ui.horizontal_top(|ui| {
            ui.allocate_ui_with_layout(
                egui::vec2(list_width, avail.y),
                Layout::top_down(Align::Min),
                |ui| self.list(ui, lang, o),
            );
            ui.separator();
            ui.vertical(|ui| match (&self.card, self.selected) {
                (Some((_, card)), Some(i)) => {
                    let shown: Vec<String> = self
                        .revealed
                        .iter()
                        .filter(|(c, _)| *c == i)
                        .map(|(_, col)| col.clone())
                        .collect();
                    let linked = o
                        .base
                        .table
                        .customers
                        .get(i)
                        .map_or(&[][..], |c| ids.of_customer(&c.customer_id));
                    if let Some(col) = super::card::ui(ui, lang, o, i, card, &shown, linked) {
                        self.reveal_request = Some((i, col));
                    }
                }
                _ => {
                    theme::muted(ui, lang.tr(T::CardPick));
                }
            });
        });
    }

    fn list(&mut self, ui: &mut Ui, lang: Lang, o: &Overview) {
        let table = &o.base.table;
        ui.horizontal(|ui| {
            let label = ui.label(lang.tr(T::CustSearch));
            ui.add(egui::TextEdit::singleline(&mut self.search).desired_width(200.0))
                .labelled_by(label.id);
        });
        theme::muted(
            ui,
            lang.f(
                T::CustCount,
                &[
                    &int(self.filtered.len() as u64),
                    &int(table.customers.len() as u64),
                    &table.as_of,
                ],
            ),
        );
        let right = Layout::right_to_left(Align::Center);
        let mut clicked = None;
        let mut builder = TableBuilder::new(ui);
        if std::mem::take(&mut self.scroll_to_selected)
            && let Some(row) = self
                .selected
                .and_then(|i| self.filtered.iter().position(|&f| f == i))
        {
            builder = builder.scroll_to_row(row, Some(Align::Center));
        }
        builder
            .id_salt("customer-list")
            .striped(true)
            .sense(egui::Sense::click())
            .auto_shrink([false, false])
            .cell_layout(Layout::left_to_right(Align::Center))
            .column(Column::initial(80.0).at_least(60.0).clip(true))
            .column(Column::initial(110.0).at_least(60.0).clip(true))
            .column(Column::initial(60.0).at_least(40.0).clip(true))
            .column(Column::initial(50.0).at_least(40.0))
            .column(Column::remainder().at_least(70.0))
            .header(theme::HEADER_HEIGHT, |mut h| {
                for (k, r) in [
                    (T::ColCustomer, false),
                    (T::ColRfmGroup, false),
                    (T::ColStage, false),
                    (T::ColOrders, true),
                    (T::ColRevenue, true),
                ] {
                    h.col(|ui| {
                        let text = RichText::new(lang.tr(k)).strong();
                        if k == T::ColRevenue {
                            ui.with_layout(right, |ui| {
                                ui.add_space(SCROLLBAR_GUTTER);
                                ui.label(text)
                            });
                        } else if r {
                            ui.with_layout(right, |ui| ui.label(text));
                        } else {
                            crate::ui::help::explain(ui.label(text), lang, k);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(theme::ROW_HEIGHT, self.filtered.len(), |mut row| {
                    let i = self.filtered[row.index()];
                    let c = &table.customers[i];
                    row.set_selected(self.selected == Some(i));
                    // Labels that do not take the click, so the row gets it.
                    let cell = |ui: &mut Ui, t: String| {
                        ui.add(egui::Label::new(t).selectable(false).truncate());
                    };
                    row.col(|ui| cell(ui, c.customer_id.clone()));
                    row.col(|ui| cell(ui, lang.tr(group_label(c.rfm_group)).into()));
                    row.col(|ui| cell(ui, lang.tr(stage_label(c.lifecycle_stage)).into()));
                    row.col(|ui| {
                        ui.with_layout(right, |ui| cell(ui, int(c.orders)));
                    });
                    row.col(|ui| {
                        ui.with_layout(right, |ui| {
                            // The last column runs under the floating scroll bar.
                            ui.add_space(SCROLLBAR_GUTTER);
                            cell(ui, money(c.revenue))
                        });
                    });
                    if row.response().clicked() {
                        clicked = Some(i);
                    }
                });
            });
        if let Some(i) = clicked {
            self.selected = Some(i);
        }
    }
}
