//! What a page shows beside a recommended item (its category, typical price and buyers), the
//! members of a saved segment as customer ids, and the default split date of an evaluation.

use super::interactions::Interactions;
use crate::dataset::Role;
use crate::error::Result;
use crate::numeric::median;
use crate::store::{Project, quote_ident};
use rusqlite::types::ValueRef;
use std::collections::HashMap;

/// Per item number of an [`Interactions`]: category and typical unit price when the data has
/// them, and how many customers bought it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemDetails {
    pub category: Vec<Option<String>>,
    /// The median unit price of the item's purchase lines (unit_price, else amount / quantity),
    /// else the products dataset's unit price.
    pub price: Vec<Option<f64>>,
    /// Distinct customers who bought the item.
    pub buyers: Vec<u32>,
}

use super::baskets::text;

fn number(v: ValueRef<'_>) -> Option<f64> {
    super::interactions::number(v).filter(|x| x.is_finite())
}

/// The most frequent value of each item (ties: the alphabetically first).
fn most_frequent(counts: HashMap<(u32, String), u32>, n_items: usize) -> Vec<Option<String>> {
    let mut best: Vec<Option<(String, u32)>> = vec![None; n_items];
    for ((item, value), n) in counts {
        let slot = &mut best[item as usize];
        let better = match slot {
            None => true,
            Some((v, c)) => n > *c || (n == *c && value < *v),
        };
        if better {
            *slot = Some((value, n));
        }
    }
    best.into_iter().map(|b| b.map(|(v, _)| v)).collect()
}

/// Reads the details of `inter`'s items from the transactions `dataset` (category and unit
/// price roles, only lines with a price above 0) and, for what it lacks, from a `products`
/// dataset (item_id with category and unit_price roles), matched on the item id.
pub fn read_item_details(
    project: &Project,
    dataset: &str,
    products: Option<&str>,
    inter: &Interactions,
) -> Result<ItemDetails> {
    details(project, dataset, products, inter, true)
}

/// [`read_item_details`] from the SQLite rows only, never the columnar copy (the reference the
/// copy's reading is tested against).
pub fn read_item_details_sqlite(
    project: &Project,
    dataset: &str,
    products: Option<&str>,
    inter: &Interactions,
) -> Result<ItemDetails> {
    details(project, dataset, products, inter, false)
}

fn details(
    project: &Project,
    dataset: &str,
    products: Option<&str>,
    inter: &Interactions,
    from_copy: bool,
) -> Result<ItemDetails> {
    let n = inter.items.len();
    let index: HashMap<&str, u32> = inter
        .items
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i as u32))
        .collect();
    let mut buyers = vec![0u32; n];
    let mut seen = std::collections::HashSet::new();
    for l in &inter.lines {
        if seen.insert((l.customer, l.item)) {
            buyers[l.item as usize] += 1;
        }
    }
    let mut out = ItemDetails {
        category: vec![None; n],
        price: vec![None; n],
        buyers,
    };
    let info = project.dataset(dataset)?;
    let quoted = |role: Role| info.column_with_role(role).map(|c| quote_ident(&c.name));
    let item = quoted(Role::ItemId).or_else(|| quoted(Role::ItemName));
    let price = match (
        quoted(Role::UnitPrice),
        quoted(Role::Amount),
        quoted(Role::Quantity),
    ) {
        (Some(p), _, _) => Some(p),
        (None, Some(a), Some(q)) => Some(format!("(1.0 * {a} / NULLIF({q}, 0))")),
        _ => None,
    };
    let category = quoted(Role::Category);
    let copied = match (
        from_copy,
        item.is_some() && (price.is_some() || category.is_some()),
    ) {
        (true, true) => super::from_copy::item_lines(project, &info, &index)?,
        _ => None,
    };
    if let Some((cats, mut prices)) = copied {
        out.category = most_frequent(cats, n);
        out.price = prices.iter_mut().map(|p| median(p)).collect();
    } else if let Some(item) = item
        && (price.is_some() || category.is_some())
    {
        let sql = format!(
            "SELECT CAST({item} AS TEXT), {}, {} FROM {}",
            category
                .as_deref()
                .map(|c| format!("CAST({c} AS TEXT)"))
                .unwrap_or_else(|| "NULL".into()),
            price.as_deref().unwrap_or("NULL"),
            quote_ident(&info.name)
        );
        let mut stmt = project.conn().prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut prices: Vec<Vec<f64>> = vec![Vec::new(); n];
        let mut cats: HashMap<(u32, String), u32> = HashMap::new();
        while let Some(r) = rows.next()? {
            let Some(i) = text(r.get_ref(0)?).and_then(|s| index.get(s.as_str()).copied()) else {
                continue;
            };
            if let Some(c) = text(r.get_ref(1)?) {
                *cats.entry((i, c)).or_default() += 1;
            }
            if let Some(p) = number(r.get_ref(2)?).filter(|&p| p > 0.0) {
                prices[i as usize].push(p);
            }
        }
        out.category = most_frequent(cats, n);
        out.price = prices.iter_mut().map(|p| median(p)).collect();
    }
    // The products dataset fills in what the transactions lack (matched on the item id).
    let by_id = info.column_with_role(Role::ItemId).is_some();
    if let (Some(products), true) = (products, by_id) {
        let p = project.dataset(products)?;
        let q = |role: Role| p.column_with_role(role).map(|c| quote_ident(&c.name));
        if let Some(id) = q(Role::ItemId) {
            let sql = format!(
                "SELECT CAST({id} AS TEXT), {}, {} FROM {}",
                q(Role::Category)
                    .map(|c| format!("CAST({c} AS TEXT)"))
                    .unwrap_or_else(|| "NULL".into()),
                q(Role::UnitPrice).unwrap_or_else(|| "NULL".into()),
                quote_ident(&p.name)
            );
            let mut stmt = project.conn().prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let Some(i) = text(r.get_ref(0)?).and_then(|s| index.get(s.as_str()).copied())
                else {
                    continue;
                };
                let i = i as usize;
                if out.category[i].is_none() {
                    out.category[i] = text(r.get_ref(1)?);
                }
                if out.price[i].is_none() {
                    out.price[i] = number(r.get_ref(2)?).filter(|&p| p > 0.0);
                }
            }
        }
    }
    Ok(out)
}

/// The customer ids of a saved segment's members, its rule evaluated on the transactions
/// `dataset` (what `loupe recommend --segment` and the Recommendations page use).
pub fn segment_customer_ids(
    project: &Project,
    dataset: &str,
    filter: Option<String>,
    segment: &str,
) -> Result<Vec<String>> {
    use crate::segments::{BaseOptions, Need, SegmentBase, members, saved};
    let rule = saved::get(project, segment)?.rule;
    let all = saved::saved(project)?;
    // Only the lines the rule reads, from the kept base when there is one.
    let base = SegmentBase::load_for(
        project,
        &BaseOptions {
            dataset: Some(dataset.to_string()),
            filter,
            ..BaseOptions::default()
        },
        &Need::of(&rule, &all),
    )?;
    let m = members(&base, &rule, &all)?;
    crate::segments::export::member_ids(&base, &m)
}

/// The split date an evaluation starts from: three quarters of the way through the days with
/// purchases, moved back to the first of that month (Online Retail, 2010-12-01 to 2011-12-09:
/// 2011-09-01, the split of the README's table). `None` without purchases.
pub fn default_split_day(inter: &Interactions) -> Option<i32> {
    use chrono::Datelike;
    let (lo, hi) = inter.day_range()?;
    let day = lo + (f64::from(hi - lo) * 0.75).floor() as i32;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let date = epoch.checked_add_signed(chrono::Duration::days(i64::from(day)))?;
    let first = date.with_day(1)?;
    // A month that starts on or before the first purchase would leave nothing to learn from.
    let first = (first - epoch).num_days() as i32;
    Some(if first > lo { first } else { day })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::interactions::{InteractionsBuilder, RawLine};

    fn inter(days: &[(&str, &str, i32)]) -> Interactions {
        let mut b = InteractionsBuilder::new();
        for &(c, i, day) in days {
            b.push(RawLine {
                customer: c,
                item: i,
                description: None,
                order: None,
                time: &day.to_string(),
                day,
                quantity: 1.0,
            });
        }
        b.finish()
    }

    fn day(y: i32, m: u32, d: u32) -> i32 {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap() - epoch).num_days() as i32
    }

    #[test]
    fn default_split_is_three_quarters_in_at_a_month_start() {
        // Online Retail's range: 373 days; 3/4 in is 2011-09-07, so 2011-09-01.
        let i = inter(&[("a", "x", day(2010, 12, 1)), ("b", "y", day(2011, 12, 9))]);
        assert_eq!(default_split_day(&i), Some(day(2011, 9, 1)));
        // Ten days inside one month: the month's first day is the first purchase, so the day
        // three quarters in
        // (6.75 of the 9 days after the 1st, rounded down: the 7th).
        let i = inter(&[("a", "x", day(2011, 3, 1)), ("b", "y", day(2011, 3, 10))]);
        assert_eq!(default_split_day(&i), Some(day(2011, 3, 7)));
        assert_eq!(default_split_day(&Interactions::default()), None);
    }

    #[test]
    fn medians_and_most_frequent_values() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        let mut c = HashMap::new();
        c.insert((0, "b".to_string()), 2);
        c.insert((0, "a".to_string()), 2);
        c.insert((0, "c".to_string()), 1);
        c.insert((2, "z".to_string()), 1);
        assert_eq!(
            most_frequent(c, 3),
            [Some("a".to_string()), None, Some("z".to_string())]
        );
    }
}
