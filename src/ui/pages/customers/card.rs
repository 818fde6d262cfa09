//! One customer's card: key metrics, RFM, stage, lifetime value, attributes, the purchase
//! timeline, the category mix and the last orders.

use super::{group_label, money, stage_label, weekday_label};
use crate::customers::card::CustomerCard;
use crate::customers::overview::Overview;
use crate::i18n::{Lang, T, int};
use crate::privacy::decide::mask_value;
use crate::ui::theme;
use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

/// Days since 1970-01-01 as a date.
fn date_of(day: f64) -> String {
    crate::format::day_text(day.round() as i64)
}

/// A count that may be fractional: separators when whole.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && (0.0..1e15).contains(&x) {
        int(x as u64)
    } else {
        format!("{x:.2}")
    }
}

fn opt(v: Option<String>) -> String {
    v.unwrap_or_else(|| "—".into())
}

/// Draws the card; returns the attribute column whose personal data the user asked to see in
/// clear (`revealed`: the columns already shown in clear for this customer).
pub fn ui(
    ui: &mut Ui,
    lang: Lang,
    o: &Overview,
    i: usize,
    card: &CustomerCard,
    revealed: &[String],
    linked: &[crate::identity::view::LinkedId],
) -> Option<String> {
    let c = o.base.table.customers.get(i)?;
    let mut reveal = None;
    egui::ScrollArea::vertical()
        .id_salt("customer-card")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&c.customer_id).size(18.0).strong());
                badge(ui, lang.tr(group_label(c.rfm_group)), theme::ACCENT);
                badge(
                    ui,
                    lang.tr(stage_label(c.lifecycle_stage)),
                    Color32::from_rgb(0x6a, 0x8a, 0x3a),
                );
                for t in o.tags.of(i) {
                    badge(ui, lang.tag(t), Color32::from_rgb(0xb0, 0x6a, 0x10));
                }
            });
            if !linked.is_empty() {
                super::identity::linked_ui(ui, lang, linked);
            }
            theme::section(ui, lang.tr(T::SecTimeline));
            timeline(ui, lang, card);
            // Two columns where the card is wide enough, else one under the other: on a
            // 1000-point window the values ran into the next column's labels.
            let key_metrics = |left: &mut Ui| {
                theme::section(left, lang.tr(T::SecKeyMetrics));
                egui::Grid::new("card-metrics")
                    .num_columns(2)
                    .spacing([12.0, 3.0])
                    .show(left, |ui| {
                        let kv = |ui: &mut Ui, k: T, v: String| theme::kv(ui, lang.tr(k), v);
                        kv(ui, T::KeyFirstPurchase, c.first_purchase.to_string());
                        kv(ui, T::KeyLastPurchase, c.last_purchase.to_string());
                        kv(ui, T::ColRecency, int(c.recency_days.max(0) as u64));
                        kv(ui, T::ColOrders, int(c.orders));
                        kv(ui, T::ColRevenue, money(c.revenue));
                        kv(ui, T::KeyAov, money(c.average_order_value));
                        kv(ui, T::KeyItems, number(c.items));
                        kv(ui, T::KeyTenure, int(c.tenure_days.max(0) as u64));
                        kv(
                            ui,
                            T::KeyInterval,
                            opt(c.mean_interval_days.map(|d| format!("{d:.1}"))),
                        );
                        kv(
                            ui,
                            T::KeyScores,
                            format!(
                                "{} / {} / {}",
                                c.r_score.get(),
                                c.f_score.get(),
                                c.m_score.get()
                            ),
                        );
                        kv(
                            ui,
                            T::KeyReturns,
                            format!("{} / {}", int(c.return_orders), money(c.returned_amount)),
                        );
                    });
            };
            let mut value_and_more = |right: &mut Ui| {
                theme::section(right, lang.tr(T::SecLifetimeValue));
                match &o.value {
                    Ok(v) => {
                        egui::Grid::new("card-clv")
                            .num_columns(2)
                            .spacing([12.0, 3.0])
                            .show(right, |ui| {
                                theme::kv(
                                    ui,
                                    lang.tr(T::KeyPAlive),
                                    format!("{:.0}%", v.p_alive[i] * 100.0),
                                );
                                theme::kv(
                                    ui,
                                    lang.tr(T::KeyExpected),
                                    format!("{:.2}", v.expected_purchases[i]),
                                );
                            });
                    }
                    Err(e) => {
                        theme::muted(right, lang.f(T::ClvUnavailable, &[e]));
                    }
                }
                theme::section(right, lang.tr(T::SecPreferences));
                egui::Grid::new("card-prefs")
                    .num_columns(2)
                    .spacing([12.0, 3.0])
                    .show(right, |ui| {
                        theme::kv(
                            ui,
                            lang.tr(T::KeyFavCategory),
                            opt(c.favourite_category.clone()),
                        );
                        theme::kv(ui, lang.tr(T::KeyFavItem), opt(c.favourite_item.clone()));
                        theme::kv(ui, lang.tr(T::KeyChannel), opt(c.preferred_channel.clone()));
                        theme::kv(
                            ui,
                            lang.tr(T::KeyHour),
                            opt(c.preferred_hour.map(|h| format!("{h:02}:00"))),
                        );
                        theme::kv(
                            ui,
                            lang.tr(T::KeyWeekday),
                            opt(c
                                .preferred_weekday
                                .map(|d| weekday_label(lang, d).to_string())),
                        );
                    });
                if let Some(a) = &o.base.table.attributes {
                    theme::section(right, lang.tr(T::SecAttributes));
                    egui::Grid::new("card-attrs")
                        .num_columns(2)
                        .spacing([12.0, 3.0])
                        .show(right, |ui| {
                            for (j, (name, v)) in a.names.iter().zip(&a.values[i]).enumerate() {
                                let v = v.display();
                                if v.is_empty() {
                                    theme::kv(ui, name, "—");
                                    continue;
                                }
                                let kind = a.personal.get(j).copied().flatten();
                                match kind {
                                    Some(kind) if !revealed.contains(name) => {
                                        ui.label(RichText::new(name).weak());
                                        ui.horizontal(|ui| {
                                            ui.label(mask_value(kind, &v));
                                            if ui
                                                .small_button(lang.tr(T::CardReveal))
                                                .on_hover_text(lang.tr(T::CardRevealHint))
                                                .clicked()
                                            {
                                                reveal = Some(name.clone());
                                            }
                                        });
                                        ui.end_row();
                                    }
                                    _ => theme::kv(ui, name, v),
                                }
                            }
                        });
                }
            };
            if ui.available_width() >= CARD_TWO_COLUMNS {
                ui.columns(2, |cols| {
                    key_metrics(&mut cols[0]);
                    value_and_more(&mut cols[1]);
                });
            } else {
                key_metrics(ui);
                value_and_more(ui);
            }
            ui.add_space(6.0);
            ui.columns(2, |cols| {
                theme::section(&mut cols[0], lang.tr(T::SecCategoryMix));
                category_mix(&mut cols[0], card);
                theme::section(&mut cols[1], lang.tr(T::SecLastOrders));
                last_orders(&mut cols[1], lang, card);
            });
        });
    reveal
}

/// The card width from which its metrics and its value sit side by side.
const CARD_TWO_COLUMNS: f32 = 600.0;

fn badge(ui: &mut Ui, text: &str, color: Color32) {
    egui::Frame::new()
        .fill(color.linear_multiply(0.15))
        .stroke(egui::Stroke::new(1.0, color.linear_multiply(0.7)))
        .corner_radius(egui::CornerRadius::same(8))
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| {
            ui.label(RichText::new(text).color(color).small().strong());
        });
}

fn timeline(ui: &mut Ui, lang: Lang, card: &CustomerCard) {
    let bars = |ret: bool| -> Vec<Bar> {
        card.orders
            .iter()
            .filter(|o| o.is_return == ret)
            .map(|o| Bar::new(o.day as f64, o.amount).name(&o.order).width(2.0))
            .collect()
    };
    let buys = BarChart::new(lang.tr(T::Purchases), bars(false)).color(theme::ACCENT);
    let returns = BarChart::new(lang.tr(T::Returns), bars(true)).color(theme::ERROR);
    // The legend above the plot: inside, it covered the latest orders.
    crate::ui::widgets::charts::legend_row(
        ui,
        &[
            (lang.tr(T::Purchases).into(), theme::ACCENT),
            (lang.tr(T::Returns).into(), theme::ERROR),
        ],
    );
    Plot::new("customer-timeline")
        .height(130.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .show_grid([false, true])
        .include_y(0.0)
        .x_axis_formatter(|m, _| date_of(m.value))
        .label_formatter(|h| {
            let p = match h {
                egui_plot::HoverPosition::NearDataPoint { position, .. } => position,
                egui_plot::HoverPosition::Elsewhere { position } => position,
            };
            Some(format!("{}\n{}", date_of(p.x), money(p.y)))
        })
        .show(ui, |p| {
            p.bar_chart(buys);
            p.bar_chart(returns);
        });
}

fn category_mix(ui: &mut Ui, card: &CustomerCard) {
    if card.categories.is_empty() {
        theme::muted(ui, "—");
        return;
    }
    egui::Grid::new("card-mix")
        .num_columns(3)
        .spacing([8.0, 3.0])
        .show(ui, |ui| {
            for c in card.categories.iter().take(8) {
                ui.label(&c.category);
                ui.add(
                    egui::ProgressBar::new(c.share as f32)
                        .desired_width(120.0)
                        .desired_height(10.0)
                        .fill(theme::ACCENT.linear_multiply(0.7)),
                );
                ui.label(format!("{:.0}%  {}", c.share * 100.0, money(c.revenue)));
                ui.end_row();
            }
        });
}

fn last_orders(ui: &mut Ui, lang: Lang, card: &CustomerCard) {
    egui::Grid::new("card-orders")
        .striped(true)
        .num_columns(4)
        .spacing([10.0, 3.0])
        .show(ui, |ui| {
            for k in [T::ColDate, T::ColOrder, T::ColAmount, T::ColChannel] {
                ui.label(RichText::new(lang.tr(k)).strong());
            }
            ui.end_row();
            for o in card.orders.iter().rev().take(8) {
                ui.label(o.date.to_string());
                ui.label(&o.order);
                let amount = RichText::new(money(o.amount));
                ui.label(if o.is_return {
                    amount.color(theme::error_color(ui))
                } else {
                    amount
                });
                ui.label(o.channel.clone().unwrap_or_else(|| "—".into()));
                ui.end_row();
            }
        });
}
