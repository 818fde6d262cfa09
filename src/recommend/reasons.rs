//! Why an item is recommended: structured data, rendered in English or Chinese by
//! [`Reason::text`] through the window's string table.

use crate::i18n::{Lang, T, int};
use serde::Serialize;

/// An item as people know it: its id and, when the data has one, its description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemLabel {
    pub id: String,
    pub description: Option<String>,
}

impl ItemLabel {
    /// The description, else the id.
    pub fn name(&self) -> &str {
        self.description.as_deref().unwrap_or(&self.id)
    }
}

/// Why an item is recommended to a customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Among the most bought items: `buyers` of the `customers` with a purchase bought it.
    Popular { buyers: u32, customers: u32 },
    /// Among the most bought items of the group recommended to (e.g. a segment): `buyers` of
    /// its `customers` bought it.
    PopularInGroup { buyers: u32, customers: u32 },
    /// Item-to-item: the customer bought `item`; `share` of its buyers also bought the
    /// recommended one; `lift` is that share over the share of all customers who bought the
    /// recommended one; `more` other items of the customer point to it too.
    AlsoBought {
        item: ItemLabel,
        share: f64,
        lift: f64,
        more: u32,
    },
    /// An association rule whose antecedents the customer bought (in any of their orders).
    Rule {
        antecedents: Vec<ItemLabel>,
        confidence: f64,
        lift: f64,
        support: f64,
    },
    /// Matrix factorisation: customers with similar purchases bought it. `item` is the
    /// customer's purchase that adds most to the score and `share` its part of the score (the
    /// score is a sum over the customer's purchases; Hu, Koren & Volinsky 2008, section 5).
    Taste { item: ItemLabel, share: f64 },
}

fn percent(x: f64) -> String {
    if x.abs() < 0.1 {
        format!("{:.1}%", x * 100.0)
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

/// `A`, `A and B`, `A, B and C` (in Chinese `A和B`, `A、B和C`).
fn list(lang: Lang, names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!(
            "{}{}{last}",
            init.join(lang.tr(T::ListComma)),
            lang.tr(T::ListAnd)
        ),
    }
}

impl Reason {
    /// The reason in words.
    pub fn text(&self, lang: Lang) -> String {
        let share = |a: u32, b: u32| percent(f64::from(a) / f64::from(b.max(1)));
        let lift = |x: f64| format!("{x:.1}");
        match self {
            Reason::Popular { buyers, customers } => lang.f(
                T::ReasonPopular,
                &[
                    &int(u64::from(*buyers)),
                    &int(u64::from(*customers)),
                    &share(*buyers, *customers),
                ],
            ),
            Reason::PopularInGroup { buyers, customers } => lang.f(
                T::ReasonPopularInGroup,
                &[
                    &int(u64::from(*buyers)),
                    &int(u64::from(*customers)),
                    &share(*buyers, *customers),
                ],
            ),
            Reason::AlsoBought {
                item,
                share,
                lift: l,
                more,
            } => {
                let mut s = lang.f(
                    T::ReasonAlsoBought,
                    &[&item.name(), &percent(*share), &lift(*l)],
                );
                if *more > 0 {
                    s.push_str(&lang.f(T::ReasonAlsoBoughtMore, &[more]));
                }
                s
            }
            Reason::Rule {
                antecedents,
                confidence,
                lift: l,
                ..
            } => {
                let names: Vec<&str> = antecedents.iter().map(ItemLabel::name).collect();
                let key = if names.len() == 1 {
                    T::ReasonRuleOne
                } else {
                    T::ReasonRuleMany
                };
                lang.f(
                    key,
                    &[&list(lang, &names), &percent(*confidence), &lift(*l)],
                )
            }
            Reason::Taste { item, share } => {
                if *share > 0.0 && *share <= 1.0 {
                    lang.f(T::ReasonTasteShare, &[&item.name(), &percent(*share)])
                } else {
                    lang.f(T::ReasonTaste, &[&item.name()])
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(id: &str, d: Option<&str>) -> ItemLabel {
        ItemLabel {
            id: id.into(),
            description: d.map(str::to_string),
        }
    }

    #[test]
    fn in_english_and_chinese() {
        let heart = label("85123A", Some("WHITE HANGING HEART T-LIGHT HOLDER"));
        let r = Reason::AlsoBought {
            item: heart.clone(),
            share: 0.38,
            lift: 4.07,
            more: 0,
        };
        assert_eq!(
            r.text(Lang::En),
            "bought WHITE HANGING HEART T-LIGHT HOLDER; 38% of its buyers also bought this; lift 4.1"
        );
        assert_eq!(
            r.text(Lang::ZhCn),
            "买过 WHITE HANGING HEART T-LIGHT HOLDER；它的买家中有 38% 也买了这件商品；提升度 4.1"
        );
        let r = Reason::AlsoBought {
            item: label("X", None),
            share: 0.05,
            lift: 2.0,
            more: 3,
        };
        assert_eq!(
            r.text(Lang::En),
            "bought X; 5.0% of its buyers also bought this; lift 2.0; 3 more of their items point here too"
        );
        let r = Reason::Popular {
            buyers: 2070,
            customers: 4338,
        };
        assert_eq!(
            r.text(Lang::En),
            "popular: bought by 2,070 of 4,338 customers (48%)"
        );
        assert_eq!(
            r.text(Lang::ZhCn),
            "热门商品：4,338 位客户中有 2,070 位买过（48%）"
        );
        let rule = |n: usize| Reason::Rule {
            antecedents: ["A", "B", "C"][..n]
                .iter()
                .map(|a| label(a, None))
                .collect(),
            confidence: 0.62,
            lift: 8.0,
            support: 0.01,
        };
        assert_eq!(
            rule(1).text(Lang::En),
            "bought A; 62% of orders with it also had this; lift 8.0"
        );
        assert_eq!(
            rule(3).text(Lang::En),
            "bought A, B and C; 62% of orders with them all also had this; lift 8.0"
        );
        assert_eq!(
            rule(2).text(Lang::ZhCn),
            "买过 A和B；同时含有它们的订单中有 62% 也含有这件商品；提升度 8.0"
        );
        let taste = |share| Reason::Taste {
            item: label("B", Some("MUG")),
            share,
        };
        assert_eq!(
            taste(0.42).text(Lang::En),
            "customers with similar purchases bought this; the strongest link is MUG (42% of the score)"
        );
        assert_eq!(
            taste(1.7).text(Lang::En),
            "customers with similar purchases bought this; the strongest link is MUG"
        );
    }
}
