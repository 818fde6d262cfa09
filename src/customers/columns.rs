//! The columns of a transactions dataset that the customer analyses read, found by their roles.

use crate::dataset::{DatasetInfo, Role};
use crate::store::quote_ident;
use crate::{Error, Result};

/// Quoted SQL for the customer, the timestamp, the order and the amount of each transaction line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionColumns {
    pub customer: String,
    pub timestamp: String,
    /// The timestamp column's name, for messages.
    pub timestamp_name: String,
    /// The order id; `None` when the dataset has none.
    pub order: Option<String>,
    /// The amount column, or `quantity * unit_price`; `None` when neither exists.
    pub amount: Option<String>,
    /// The quantity column, when there is one.
    pub quantity: Option<String>,
    /// What identifies an item for the customer's favourites: its name, else its id.
    pub item: Option<String>,
    /// The item id (to look a category up in a products dataset).
    pub item_id: Option<String>,
    pub category: Option<String>,
    pub channel: Option<String>,
}

impl TransactionColumns {
    /// Finds the columns; a missing customer_id or timestamp role is an error that says how to
    /// set it.
    pub fn find(info: &DatasetInfo) -> Result<TransactionColumns> {
        let quoted = |role: Role| info.column_with_role(role).map(|c| quote_ident(&c.name));
        let need = |role: Role| quoted(role).ok_or_else(|| missing_role(&info.name, role));
        let amount = match (
            quoted(Role::Amount),
            quoted(Role::Quantity),
            quoted(Role::UnitPrice),
        ) {
            (Some(a), _, _) => Some(a),
            (None, Some(q), Some(p)) => Some(format!("{q} * {p}")),
            _ => None,
        };
        Ok(TransactionColumns {
            customer: need(Role::CustomerId)?,
            timestamp: need(Role::Timestamp)?,
            timestamp_name: info
                .column_with_role(Role::Timestamp)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            order: quoted(Role::OrderId),
            amount,
            quantity: quoted(Role::Quantity),
            item: quoted(Role::ItemName).or_else(|| quoted(Role::ItemId)),
            item_id: quoted(Role::ItemId),
            category: quoted(Role::Category),
            channel: quoted(Role::Channel),
        })
    }
}

/// The error for a role a dataset lacks, with the command that sets it.
pub fn missing_role(dataset: &str, role: Role) -> Error {
    Error::InvalidArgument(format!(
        "dataset '{dataset}' has no column with the role {role}; set one with loupe set-role --project P --dataset {dataset} COLUMN={role}"
    ))
}

/// Whether a dataset can feed the customer table: customer_id, timestamp, and an amount or a
/// quantity with a unit price.
pub fn is_transactions(info: &DatasetInfo) -> bool {
    let has = |r: Role| info.column_with_role(r).is_some();
    has(Role::CustomerId)
        && has(Role::Timestamp)
        && (has(Role::Amount) || (has(Role::Quantity) && has(Role::UnitPrice)))
}

/// The datasets the Customers page starts with: transactions (those with an order id first),
/// customer attributes (named `customers`, else one with a customer id but no timestamp), and
/// products (item_id and category, no customer id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    pub transactions: Option<String>,
    pub attributes: Option<String>,
    pub products: Option<String>,
}

pub fn guess_sources(datasets: &[DatasetInfo]) -> Sources {
    let has = |d: &DatasetInfo, r: Role| d.column_with_role(r).is_some();
    let transactions = datasets
        .iter()
        .filter(|d| is_transactions(d))
        .max_by_key(|d| (has(d, Role::OrderId), std::cmp::Reverse(d.name.clone())))
        .map(|d| d.name.clone());
    // Customer tables written for segments (format "customers") are derived, not attributes.
    let candidates = || {
        datasets.iter().filter(|d| {
            Some(&d.name) != transactions.as_ref()
                && has(d, Role::CustomerId)
                && d.format != "customers"
        })
    };
    let attributes = candidates()
        .find(|d| d.name.eq_ignore_ascii_case("customers"))
        .or_else(|| candidates().find(|d| !has(d, Role::Timestamp) && !has(d, Role::Amount)))
        .map(|d| d.name.clone());
    let products = datasets
        .iter()
        .find(|d| has(d, Role::ItemId) && has(d, Role::Category) && !has(d, Role::CustomerId))
        .map(|d| d.name.clone());
    Sources {
        transactions,
        attributes,
        products,
    }
}
