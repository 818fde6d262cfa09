//! Attributes joined onto the customer table from a customers dataset (gender, city, member
//! level …), by the customer_id role of both datasets. Ids match as text, exactly.

use crate::dataset::{ColumnType, Role};
use crate::privacy::{PiiAction, PiiKind};
use crate::query::Cell;
use crate::store::{Project, quote_ident};
use crate::{Error, Result};
use std::collections::HashMap;

/// The attribute columns and each customer's values, in the customer table's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes {
    /// The customers dataset.
    pub dataset: String,
    pub names: Vec<String>,
    pub types: Vec<ColumnType>,
    /// One row per customer of the table; `Cell::Null` where the customer is not in the
    /// customers dataset.
    pub values: Vec<Vec<Cell>>,
    /// How many of the table's customers the customers dataset has.
    pub matched: usize,
    /// Per column: the kind of personal data it holds in clear (flagged and kept at import),
    /// which a screen shows masked until the user reveals it.
    pub personal: Vec<Option<PiiKind>>,
}

/// Reads every column of `dataset` but its customer id and lines them up with `ids`. A customer
/// listed twice takes the first row. Column names that clash with `taken` get the prefix
/// `attr_`.
pub fn join_attributes(
    project: &Project,
    dataset: &str,
    ids: &[&str],
    taken: &[&str],
) -> Result<Attributes> {
    let info = project.dataset(dataset)?;
    let key = info
        .column_with_role(Role::CustomerId)
        .ok_or_else(|| super::columns::missing_role(dataset, Role::CustomerId))?;
    let cols: Vec<_> = info.columns.iter().filter(|c| c.name != key.name).collect();
    if cols.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "dataset '{dataset}' has no columns besides its customer id to join"
        )));
    }
    let list: Vec<String> = cols.iter().map(|c| quote_ident(&c.name)).collect();
    let sql = format!(
        "SELECT CAST({} AS TEXT), {} FROM {} ORDER BY rowid",
        quote_ident(&key.name),
        list.join(", "),
        quote_ident(&info.name)
    );
    let mut by_id: HashMap<String, Vec<Cell>> = HashMap::new();
    let mut stmt = project.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(id) = r.get::<_, Option<String>>(0)? else {
            continue;
        };
        if by_id.contains_key(&id) {
            continue;
        }
        let cells = (1..=cols.len())
            .map(|j| r.get_ref(j).map(Cell::from_ref))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        by_id.insert(id, cells);
    }
    let flags = project.pii_flags(dataset)?;
    let personal = cols
        .iter()
        .map(|c| {
            flags
                .iter()
                .find(|f| f.column == c.name && f.action == PiiAction::Keep)
                .map(|f| f.kind)
        })
        .collect();
    let mut matched = 0;
    let values = ids
        .iter()
        .map(|id| match by_id.get(*id) {
            Some(v) => {
                matched += 1;
                v.clone()
            }
            None => vec![Cell::Null; cols.len()],
        })
        .collect();
    Ok(Attributes {
        dataset: dataset.to_string(),
        names: cols
            .iter()
            .map(|c| {
                if taken.contains(&c.name.as_str()) {
                    format!("attr_{}", c.name)
                } else {
                    c.name.clone()
                }
            })
            .collect(),
        types: cols.iter().map(|c| c.ty).collect(),
        values,
        matched,
        personal,
    })
}
