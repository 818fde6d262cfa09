//! Group portraits: for a set of customers, each attribute's distribution next to the whole base,
//! with TGI (target group index) = share in the group ÷ share in the base × 100.
//!
//! * Attributes ([`Dimension`]) come from the customer table: RFM group, lifecycle stage, the three
//!   scores, bands of orders, revenue and average order value (quintiles of the base), favourite
//!   category, preferred channel, weekday and hour (three-hour bands), returns, and the joined
//!   attributes: text with at most [`MAX_VALUES`] distinct values as they are, numbers in
//!   quintile bands of the base, dates by year. Text with more values (phones, e-mails) is left
//!   out.
//! * Shares count customers with a value: a customer without one (no channel, unknown age) is
//!   in neither the numerator nor the denominator of that attribute.
//! * Sorting: attributes by how far the group's distribution is from the base's (total variation
//!   distance, ½ Σ |group share − base share|), largest first; within an attribute, values by TGI,
//!   highest first (then by group share).

use super::rfm::{Lifecycle, RfmGroup, RfmTable};
use super::stats::WEEKDAYS;
use crate::dataset::ColumnType;
use crate::query::Cell;
use std::collections::BTreeMap;

/// Text attributes with more distinct values than this are left out of portraits.
pub const MAX_VALUES: usize = 24;

/// Marks a customer without a value.
pub const MISSING: u32 = u32::MAX;

/// An attribute of every customer, as value codes into `labels`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    /// A customer-table column name (`rfm_group`, `favourite_category` …) or a joined attribute's.
    pub name: String,
    pub labels: Vec<String>,
    /// One per customer of the table; [`MISSING`] for none.
    pub codes: Vec<u32>,
}

impl Dimension {
    /// From per-customer labels, values ordered as `order` gives them (or alphabetically).
    fn from_labels(name: &str, labels: Vec<Option<String>>, order: Option<&[&str]>) -> Dimension {
        let mut values: Vec<String> = match order {
            Some(o) => o.iter().map(|s| s.to_string()).collect(),
            None => {
                let mut v: Vec<String> = labels.iter().flatten().cloned().collect();
                v.sort();
                v.dedup();
                v
            }
        };
        let index: BTreeMap<&str, u32> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.as_str(), i as u32))
            .collect();
        let codes: Vec<u32> = labels
            .iter()
            .map(|l| {
                l.as_deref()
                    .and_then(|l| index.get(l).copied())
                    .unwrap_or(MISSING)
            })
            .collect();
        // Drop listed values nobody has (keeps the order).
        let mut used = vec![false; values.len()];
        for &c in &codes {
            if c != MISSING {
                used[c as usize] = true;
            }
        }
        if used.iter().all(|u| *u) {
            return Dimension {
                name: name.to_string(),
                labels: values,
                codes,
            };
        }
        let mut remap = vec![MISSING; values.len()];
        let mut kept = Vec::new();
        for (i, v) in values.drain(..).enumerate() {
            if used[i] {
                remap[i] = kept.len() as u32;
                kept.push(v);
            }
        }
        Dimension {
            name: name.to_string(),
            labels: kept,
            codes: codes
                .into_iter()
                .map(|c| if c == MISSING { c } else { remap[c as usize] })
                .collect(),
        }
    }
}

/// Quintile bands of the base: labels such as `12.5 – 40`.
fn bands(name: &str, values: &[Option<f64>]) -> Dimension {
    let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return Dimension::from_labels(name, vec![None; values.len()], None);
    }
    let q = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
    let mut cuts: Vec<f64> = [0.2, 0.4, 0.6, 0.8].iter().map(|p| q(*p)).collect();
    cuts.dedup();
    let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
    let mut edges = vec![lo];
    edges.extend(cuts.iter().copied().filter(|c| *c > lo && *c < hi));
    edges.push(hi);
    let n = edges.len() - 1;
    let labels: Vec<String> = (0..n.max(1))
        .map(|i| {
            let a = edges[i];
            let b = *edges.get(i + 1).unwrap_or(&a);
            if a == b {
                short(a)
            } else {
                format!("{} – {}", short(a), short(b))
            }
        })
        .collect();
    // A value falls in the first band whose upper edge is >= it.
    let band = |v: f64| -> usize {
        (0..n.max(1))
            .find(|&i| v <= *edges.get(i + 1).unwrap_or(&edges[i]))
            .unwrap_or(n.max(1) - 1)
    };
    let per: Vec<Option<String>> = values
        .iter()
        .map(|v| v.map(|v| labels[band(v)].clone()))
        .collect();
    let order: Vec<&str> = labels.iter().map(String::as_str).collect();
    Dimension::from_labels(name, per, Some(&order))
}

/// A number for a band label: whole numbers as they are, others to 3 significant figures.
fn short(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e12 {
        format!("{}", x as i64)
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn count_band(n: u64) -> &'static str {
    match n {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=5 => "3–5",
        6..=10 => "6–10",
        _ => "11+",
    }
}

/// The attributes of a customer table that portraits compare.
pub fn dimensions(table: &RfmTable) -> Vec<Dimension> {
    let cs = &table.customers;
    let text = |f: &dyn Fn(&super::rfm::CustomerRfm) -> Option<String>| -> Vec<Option<String>> {
        cs.iter().map(f).collect()
    };
    let groups: Vec<&str> = RfmGroup::ALL.iter().map(|g| g.name()).collect();
    let stages: Vec<&str> = Lifecycle::ALL.iter().map(|s| s.name()).collect();
    let scores = ["1", "2", "3", "4", "5"];
    let counts = ["1", "2", "3–5", "6–10", "11+"];
    let hours: Vec<String> = (0..8)
        .map(|b| format!("{:02}–{:02}", b * 3, b * 3 + 2))
        .collect();
    let hour_refs: Vec<&str> = hours.iter().map(String::as_str).collect();
    let returns = ["0", "1", "2", "3–5", "6–10", "11+"];
    let mut dims = vec![
        Dimension::from_labels(
            "rfm_group",
            text(&|c| Some(c.rfm_group.name().into())),
            Some(&groups),
        ),
        Dimension::from_labels(
            "lifecycle_stage",
            text(&|c| Some(c.lifecycle_stage.name().into())),
            Some(&stages),
        ),
        Dimension::from_labels(
            "r_score",
            text(&|c| Some(c.r_score.get().to_string())),
            Some(&scores),
        ),
        Dimension::from_labels(
            "f_score",
            text(&|c| Some(c.f_score.get().to_string())),
            Some(&scores),
        ),
        Dimension::from_labels(
            "m_score",
            text(&|c| Some(c.m_score.get().to_string())),
            Some(&scores),
        ),
        Dimension::from_labels(
            "orders",
            text(&|c| Some(count_band(c.orders).into())),
            Some(&counts),
        ),
        bands(
            "revenue",
            &cs.iter().map(|c| Some(c.revenue)).collect::<Vec<_>>(),
        ),
        bands(
            "average_order_value",
            &cs.iter()
                .map(|c| Some(c.average_order_value))
                .collect::<Vec<_>>(),
        ),
        Dimension::from_labels(
            "favourite_category",
            text(&|c| c.favourite_category.clone()),
            None,
        ),
        Dimension::from_labels(
            "preferred_channel",
            text(&|c| c.preferred_channel.clone()),
            None,
        ),
        Dimension::from_labels(
            "preferred_weekday",
            text(&|c| c.weekday_name().map(str::to_string)),
            Some(&WEEKDAYS),
        ),
        Dimension::from_labels(
            "preferred_hour",
            text(&|c| c.preferred_hour.map(|h| hours[(h / 3) as usize].clone())),
            Some(&hour_refs),
        ),
        Dimension::from_labels(
            "return_orders",
            text(&|c| Some(count_band(c.return_orders).into())),
            Some(&returns),
        ),
    ];
    if let Some(a) = &table.attributes {
        for (j, (name, ty)) in a.names.iter().zip(&a.types).enumerate() {
            let cells = a.values.iter().map(|row| &row[j]);
            let d = match ty {
                ColumnType::Integer | ColumnType::Float => {
                    let v: Vec<Option<f64>> = cells
                        .map(|c| match c {
                            Cell::Int(i) => Some(*i as f64),
                            Cell::Real(f) => Some(*f),
                            _ => None,
                        })
                        .collect();
                    bands(name, &v)
                }
                ColumnType::Date | ColumnType::Datetime => Dimension::from_labels(
                    name,
                    cells
                        .map(|c| match c {
                            Cell::Text(t) => t.get(..4).map(str::to_string),
                            _ => None,
                        })
                        .collect(),
                    None,
                ),
                ColumnType::Text | ColumnType::Boolean => Dimension::from_labels(
                    name,
                    cells
                        .map(|c| match c {
                            Cell::Null => None,
                            other => Some(other.display()).filter(|s| !s.trim().is_empty()),
                        })
                        .collect(),
                    None,
                ),
            };
            if d.labels.len() <= MAX_VALUES && !d.labels.is_empty() {
                dims.push(d);
            }
        }
    }
    dims.retain(|d| !d.labels.is_empty());
    dims
}

/// One value of an attribute in a portrait.
#[derive(Debug, Clone, PartialEq)]
pub struct PortraitRow {
    pub value: String,
    pub group: u64,
    pub base: u64,
    pub group_share: f64,
    pub base_share: f64,
    /// Share in the group ÷ share in the base × 100.
    pub tgi: f64,
}

/// One attribute of a portrait.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributePortrait {
    pub name: String,
    /// Total variation distance between the group's and the base's distributions, 0–1.
    pub distance: f64,
    pub rows: Vec<PortraitRow>,
}

/// A group's portrait.
#[derive(Debug, Clone, PartialEq)]
pub struct Portrait {
    pub group_size: u64,
    pub base_size: u64,
    pub attributes: Vec<AttributePortrait>,
}

/// The portrait of the customers with `members[i]` true, against all of them. Attributes named
/// in `skip` (e.g. the one that defines the group) are left out.
pub fn portrait(dims: &[Dimension], members: &[bool], skip: &[&str]) -> Portrait {
    let group_size = members.iter().filter(|m| **m).count() as u64;
    let mut attributes = Vec::new();
    for d in dims.iter().filter(|d| !skip.contains(&d.name.as_str())) {
        let mut g = vec![0u64; d.labels.len()];
        let mut b = vec![0u64; d.labels.len()];
        for (i, &code) in d.codes.iter().enumerate() {
            if code == MISSING {
                continue;
            }
            b[code as usize] += 1;
            if members.get(i).copied().unwrap_or(false) {
                g[code as usize] += 1;
            }
        }
        let (gt, bt) = (g.iter().sum::<u64>(), b.iter().sum::<u64>());
        if gt == 0 || bt == 0 {
            continue;
        }
        let mut rows: Vec<PortraitRow> = d
            .labels
            .iter()
            .enumerate()
            .filter(|(k, _)| b[*k] > 0)
            .map(|(k, label)| {
                let gs = g[k] as f64 / gt as f64;
                let bs = b[k] as f64 / bt as f64;
                PortraitRow {
                    value: label.clone(),
                    group: g[k],
                    base: b[k],
                    group_share: gs,
                    base_share: bs,
                    tgi: gs / bs * 100.0,
                }
            })
            .collect();
        let distance = rows
            .iter()
            .map(|r| (r.group_share - r.base_share).abs())
            .sum::<f64>()
            / 2.0;
        rows.sort_by(|x, y| {
            y.tgi
                .total_cmp(&x.tgi)
                .then_with(|| y.group_share.total_cmp(&x.group_share))
        });
        attributes.push(AttributePortrait {
            name: d.name.clone(),
            distance,
            rows,
        });
    }
    attributes.sort_by(|x, y| y.distance.total_cmp(&x.distance));
    Portrait {
        group_size,
        base_size: members.len() as u64,
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tgi_on_a_hand_case() {
        // Ten customers; the group is the first four.
        // gender: group F F F M (75% F); base 5 F, 4 M, one unknown → F 5/9.
        let g = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let gender = Dimension::from_labels(
            "gender",
            ["F", "F", "F", "M", "F", "M", "M", "M", "F", ""]
                .iter()
                .map(|s| g(s))
                .collect(),
            None,
        );
        // city: identical mix in group and base → distance 0, TGI 100.
        let city = Dimension::from_labels(
            "city",
            ["A", "B", "A", "B", "A", "B", "A", "B", "A", "B"]
                .iter()
                .map(|s| g(s))
                .collect(),
            None,
        );
        let members: Vec<bool> = (0..10).map(|i| i < 4).collect();
        let p = portrait(&[city, gender], &members, &[]);
        assert_eq!((p.group_size, p.base_size), (4, 10));
        // gender is the distinct one: it comes first.
        assert_eq!(p.attributes[0].name, "gender");
        let f = &p.attributes[0].rows[0];
        assert_eq!((f.value.as_str(), f.group, f.base), ("F", 3, 5));
        assert!((f.group_share - 0.75).abs() < 1e-12);
        assert!((f.base_share - 5.0 / 9.0).abs() < 1e-12);
        assert!((f.tgi - 135.0).abs() < 1e-9, "{}", f.tgi);
        let m = &p.attributes[0].rows[1];
        assert!((m.tgi - 0.25 / (4.0 / 9.0) * 100.0).abs() < 1e-9);
        assert!((p.attributes[0].distance - (0.75 - 5.0 / 9.0)).abs() < 1e-12);
        assert_eq!(p.attributes[1].distance, 0.0);
        assert!(
            p.attributes[1]
                .rows
                .iter()
                .all(|r| (r.tgi - 100.0).abs() < 1e-9)
        );
        // Skipped by name.
        let p = portrait(
            &p.attributes
                .iter()
                .map(|_| Dimension::from_labels("x", vec![g("a"); 10], None))
                .collect::<Vec<_>>(),
            &members,
            &["x"],
        );
        assert!(p.attributes.is_empty());
    }

    #[test]
    fn quintile_bands() {
        let v: Vec<Option<f64>> = (1..=10).map(|i| Some(i as f64)).chain([None]).collect();
        let d = bands("n", &v);
        assert_eq!(d.labels, ["1 – 3", "3 – 5", "5 – 6", "6 – 8", "8 – 10"]);
        assert_eq!(d.codes[0], 0);
        assert_eq!(d.codes[2], 0);
        assert_eq!(d.codes[3], 1);
        assert_eq!(d.codes[9], 4);
        assert_eq!(d.codes[10], MISSING);
    }
}
