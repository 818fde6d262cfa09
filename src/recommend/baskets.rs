//! Baskets (one per order) of items, read from a dataset by two columns.

use crate::error::Result;
use crate::store::{Project, quote_ident};
use rusqlite::types::ValueRef;
use std::collections::HashMap;

/// Baskets of item ids, and each id's item as written in the data.
#[derive(Debug, Clone, Default)]
pub struct Baskets {
    pub baskets: Vec<Vec<u32>>,
    pub items: Vec<String>,
}

/// A basket or item value: trimmed, blank as missing.
pub(super) fn text(v: ValueRef<'_>) -> Option<String> {
    let s = crate::frame::cell_text(v)?;
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Reads baskets: rows with the same `basket` value form one basket of their distinct `item`
/// values. Rows missing either value are skipped.
pub fn read_baskets(project: &Project, dataset: &str, basket: &str, item: &str) -> Result<Baskets> {
    read(project, dataset, basket, item, true)
}

/// [`read_baskets`] from the SQLite rows only, never the columnar copy (the reference the
/// copy's reading is tested against).
pub fn read_baskets_sqlite(
    project: &Project,
    dataset: &str,
    basket: &str,
    item: &str,
) -> Result<Baskets> {
    read(project, dataset, basket, item, false)
}

fn read(project: &Project, dataset: &str, basket: &str, item: &str, copy: bool) -> Result<Baskets> {
    let info = project.dataset(dataset)?;
    for c in [basket, item] {
        if info.column(c).is_none() {
            return Err(info.missing_column(c));
        }
    }
    if copy && let Some(found) = super::from_copy::baskets(project, &info, basket, item)? {
        return Ok(found);
    }
    let sql = format!(
        "SELECT {}, {} FROM {}",
        quote_ident(basket),
        quote_ident(item),
        quote_ident(&info.name)
    );
    let mut stmt = project.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = BasketsBuilder::default();
    while let Some(r) = rows.next()? {
        if let (Some(b), Some(i)) = (text(r.get_ref(0)?), text(r.get_ref(1)?)) {
            out.push(&b, &i);
        }
    }
    Ok(out.finish())
}

/// Builds [`Baskets`] line by line: baskets and items numbered in order of first appearance.
#[derive(Debug, Default)]
pub(super) struct BasketsBuilder {
    basket_ids: HashMap<String, usize>,
    item_ids: HashMap<String, u32>,
    out: Baskets,
}

impl BasketsBuilder {
    /// Adds `item` to `basket` (both trimmed and non-empty).
    pub(super) fn push(&mut self, basket: &str, item: &str) {
        let out = &mut self.out;
        let b = match self.basket_ids.get(basket) {
            Some(&k) => k,
            None => {
                out.baskets.push(Vec::new());
                self.basket_ids
                    .insert(basket.to_string(), out.baskets.len() - 1);
                out.baskets.len() - 1
            }
        };
        let i = match self.item_ids.get(item) {
            Some(&id) => id,
            None => {
                let id = out.items.len() as u32;
                out.items.push(item.to_string());
                self.item_ids.insert(item.to_string(), id);
                id
            }
        };
        out.baskets[b].push(i);
    }

    /// The baskets, each holding its distinct items once, sorted.
    pub(super) fn finish(mut self) -> Baskets {
        for b in &mut self.out.baskets {
            b.sort_unstable();
            b.dedup();
        }
        self.out
    }
}
