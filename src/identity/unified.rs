//! Transactions on the unified customer: the lines of several transactions datasets (one per
//! platform) with each line's customer replaced by the person the identity map links it to, kept
//! as one dataset (`<home>_unified`) that the customer table, cards and segments read like any
//! other. A person who bought on two platforms is one customer with the orders of both.
//!
//! Each person is named by:
//! 1. their id in the **home** dataset (the first one chosen), so the customer attributes join as
//!    before;
//! 2. else their id in another dataset of the home's platform (the shop's own customer table);
//! 3. else `<dataset>:<id>` of their first record among the chosen datasets.
//!
//! The dataset's columns: `customer_id` (that name), `customer_key` (the identity map's key),
//! `platform`, `dataset` and `source_customer_id` (where the line came from), `order_id`
//! (`<dataset>:<order>`, so orders of two platforms never merge), `order_time`, `amount` (the
//! amount, or quantity × unit price), `quantity`, `item_id`, `item_name`, `category`, `channel`
//! (the line's channel, else its platform) and `order_status` (as written, so cancelled and
//! refunded orders are left out as in each dataset). A column no dataset has a role for is empty
//! and has no role.

use super::{MapRow, map, platforms, refresh};
use crate::customers::columns::is_transactions;
use crate::dataset::{ColumnInfo, ColumnType, DatasetInfo, Role, RoleSource};
use crate::progress::{Reporter, Stage, Unit};
use crate::store::{self, Action, Project, quote_ident};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The catalog format (and kind) of a unified transactions dataset.
pub const FORMAT: &str = "unified";

/// What [`materialise`] wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnifiedReport {
    pub dataset: String,
    pub rows: u64,
    /// Distinct customers of the lines before linking (one per dataset and id).
    pub customers_before: u64,
    /// Distinct people after linking.
    pub customers_after: u64,
    pub datasets: Vec<String>,
    /// Whether the identity map was (re)built first because it was missing or stale.
    pub identity_rebuilt: bool,
}

/// The name of the unified dataset of a home dataset.
pub fn output_name(home: &str) -> String {
    format!("{home}_unified")
}

/// Whether a dataset is a unified transactions dataset.
pub fn is_unified(info: &DatasetInfo) -> bool {
    info.format == FORMAT
}

/// The transactions datasets that can join `home`: every other transactions dataset with a
/// customer id (unified and derived customer tables left out), in catalog order.
pub fn candidates(project: &Project, home: &str) -> Result<Vec<String>> {
    Ok(project
        .datasets()?
        .into_iter()
        .filter(|d| {
            d.name != home && is_transactions(d) && !is_unified(d) && d.format != "customers"
        })
        .map(|d| d.name)
        .collect())
}

/// Each person's name in the unified table, by customer_key (see the module's rules).
fn names(
    rows: &[MapRow],
    chosen: &[String],
    platforms: &BTreeMap<String, String>,
) -> HashMap<String, String> {
    let home = &chosen[0];
    let home_platform = platforms.get(home);
    let rank = |r: &MapRow| -> (u8, usize) {
        if &r.dataset == home {
            (0, 0)
        } else if home_platform.is_some() && platforms.get(&r.dataset) == home_platform {
            (1, 0)
        } else {
            match chosen.iter().position(|d| d == &r.dataset) {
                Some(p) => (2, p),
                None => (3, 0),
            }
        }
    };
    let mut best: HashMap<&str, ((u8, usize), &MapRow)> = HashMap::new();
    for r in rows {
        let k = rank(r);
        let e = best.entry(r.customer_key.as_str()).or_insert((k, r));
        if (k, r.source_id.as_str()) < (e.0, e.1.source_id.as_str()) {
            *e = (k, r);
        }
    }
    let mut out: HashMap<String, String> = best
        .into_iter()
        .map(|(key, ((level, _), r))| {
            let name = if level <= 1 {
                r.source_id.clone()
            } else {
                format!("{}:{}", r.dataset, r.source_id)
            };
            (key.to_string(), name)
        })
        .collect();
    // Two people may not share a name (a home id that happens to read `dataset:id`): the second
    // is named by its key.
    let mut seen: HashSet<String> = HashSet::new();
    let mut keys: Vec<String> = out.keys().cloned().collect();
    keys.sort();
    for k in keys {
        let name = out[&k].clone();
        if !seen.insert(name) {
            out.insert(k.clone(), k);
        }
    }
    out
}

/// Writes the unified transactions of `datasets` (the first is the home) as
/// [`output_name`]`(home)`, replacing an earlier one; the identity map is rebuilt first when it
/// is missing or stale.
pub fn materialise(
    project: &mut Project,
    datasets: &[String],
    rep: &Reporter,
) -> Result<UnifiedReport> {
    let mut chosen: Vec<String> = Vec::new();
    for d in datasets {
        let d = d.trim();
        if !d.is_empty() && !chosen.iter().any(|c| c == d) {
            chosen.push(d.to_string());
        }
    }
    let Some(home) = chosen.first().cloned() else {
        return Err(Error::InvalidArgument(
            "no transactions dataset to build the unified customers from".into(),
        ));
    };
    let infos = chosen
        .iter()
        .map(|d| {
            let info = project.dataset(d)?;
            if is_unified(&info) {
                return Err(Error::InvalidArgument(format!(
                    "dataset '{d}' is already a unified table; choose the datasets it was built from"
                )));
            }
            crate::customers::columns::TransactionColumns::find(&info)?;
            if !is_transactions(&info) {
                return Err(Error::InvalidArgument(format!(
                    "dataset '{d}' needs an amount, or a quantity and a unit_price, to join the unified customers"
                )));
            }
            Ok(info)
        })
        .collect::<Result<Vec<_>>>()?;
    rep.report(
        Stage::Saving,
        0,
        Some(chosen.len() as u64 + 1),
        Unit::Steps,
        0,
        true,
    );
    let identity_rebuilt = refresh(project)?.is_some();
    rep.check()?;
    let rows = map(project)?;
    for d in &chosen {
        if !rows.iter().any(|r| &r.dataset == d) {
            return Err(Error::InvalidArgument(format!(
                "dataset '{d}' is not in the identity map; build the map with it to join its customers"
            )));
        }
    }
    let platforms = platforms(project)?;
    let names = names(&rows, &chosen, &platforms);
    let output = output_name(&home);
    if let Ok(existing) = project.dataset(&output)
        && !is_unified(&existing)
    {
        return Err(Error::InvalidArgument(format!(
            "a dataset named '{output}' exists and is not a unified table; rename it first"
        )));
    }
    let all_dates = infos.iter().all(|i| {
        i.column_with_role(Role::Timestamp)
            .is_some_and(|c| c.ty == ColumnType::Date)
    });
    // A role no dataset has leaves its column without the role (an empty category column would
    // hide the products dataset's categories).
    let some = |r: Role| {
        infos
            .iter()
            .any(|i| i.column_with_role(r).is_some())
            .then_some(r)
    };
    let columns: Vec<(&str, ColumnType, Option<Role>)> = vec![
        ("customer_id", ColumnType::Text, Some(Role::CustomerId)),
        ("customer_key", ColumnType::Text, None),
        ("platform", ColumnType::Text, None),
        ("dataset", ColumnType::Text, None),
        ("source_customer_id", ColumnType::Text, None),
        ("order_id", ColumnType::Text, Some(Role::OrderId)),
        (
            "order_time",
            if all_dates {
                ColumnType::Date
            } else {
                ColumnType::Datetime
            },
            Some(Role::Timestamp),
        ),
        ("amount", ColumnType::Float, Some(Role::Amount)),
        ("quantity", ColumnType::Float, some(Role::Quantity)),
        ("item_id", ColumnType::Text, some(Role::ItemId)),
        ("item_name", ColumnType::Text, some(Role::ItemName)),
        ("category", ColumnType::Text, some(Role::Category)),
        ("channel", ColumnType::Text, Some(Role::Channel)),
        ("order_status", ColumnType::Text, some(Role::OrderStatus)),
    ];
    let tx = project.conn_mut().transaction()?;
    tx.execute_batch(
        "DROP TABLE IF EXISTS temp._loupe_unified_ids;
         CREATE TEMP TABLE _loupe_unified_ids(_u_dataset TEXT, _u_source TEXT, _u_name TEXT, _u_key TEXT);",
    )?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO temp._loupe_unified_ids(_u_dataset, _u_source, _u_name, _u_key) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for r in rows.iter().filter(|r| chosen.contains(&r.dataset)) {
            let name = names
                .get(&r.customer_key)
                .cloned()
                .unwrap_or_else(|| r.customer_key.clone());
            stmt.execute(rusqlite::params![
                r.dataset,
                r.source_id,
                name,
                r.customer_key
            ])?;
        }
    }
    tx.execute_batch(
        "CREATE INDEX temp._loupe_unified_ids_at ON _loupe_unified_ids(_u_dataset, _u_source);",
    )?;
    if tx.query_row(
        "SELECT count(*) FROM _loupe_datasets WHERE name = ?1",
        [&output],
        |r| r.get::<_, i64>(0),
    )? > 0
    {
        store::remove_dataset(&tx, &output)?;
    }
    let typed: Vec<(String, ColumnType)> = columns
        .iter()
        .map(|(n, t, _)| (n.to_string(), *t))
        .collect();
    crate::import::writer::create_table(&tx, &output, &typed)?;
    let names_sql = columns
        .iter()
        .map(|(n, _, _)| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ");
    for (step, info) in infos.iter().enumerate() {
        rep.check()?;
        let q = |r: Role| info.column_with_role(r).map(|c| quote_ident(&c.name));
        let text = |r: Role| q(r).map_or("NULL".to_string(), |c| format!("CAST(t.{c} AS TEXT)"));
        let customer = q(Role::CustomerId).unwrap_or_default();
        let source = format!("TRIM(CAST(t.{customer} AS TEXT))");
        let ts = q(Role::Timestamp).unwrap_or_default();
        let amount = match (q(Role::Amount), q(Role::Quantity), q(Role::UnitPrice)) {
            (Some(a), _, _) => format!("t.{a}"),
            (None, Some(qty), Some(p)) => format!("t.{qty} * t.{p}"),
            _ => "NULL".into(),
        };
        let order = match q(Role::OrderId) {
            Some(o) => format!("?1 || ':' || CAST(t.{o} AS TEXT)"),
            None => format!("?1 || ':' || {source} || '@' || CAST(t.{ts} AS TEXT)"),
        };
        let platform = platforms
            .get(&info.name)
            .cloned()
            .unwrap_or_else(|| info.name.clone());
        let sql = format!(
            "INSERT INTO {out} ({names_sql}) \
             SELECT COALESCE(u._u_name, ?1 || ':' || {source}), u._u_key, ?2, ?1, {source}, {order}, \
             t.{ts}, {amount}, {qty}, {item_id}, {item_name}, {category}, COALESCE({channel}, ?2), {status} \
             FROM {table} t LEFT JOIN temp._loupe_unified_ids u \
             ON u._u_dataset = ?1 AND u._u_source = {source} \
             WHERE t.{customer} IS NOT NULL AND {source} <> ''",
            out = quote_ident(&output),
            qty = q(Role::Quantity).map_or("NULL".to_string(), |c| format!("t.{c}")),
            item_id = text(Role::ItemId),
            item_name = text(Role::ItemName),
            category = text(Role::Category),
            channel = text(Role::Channel),
            status = text(Role::OrderStatus),
            table = quote_ident(&info.name),
        );
        tx.execute(&sql, rusqlite::params![info.name, platform])
            .map_err(|e| Error::Query(format!("{e} (in: {sql})")))?;
        rep.report(
            Stage::Saving,
            step as u64 + 1,
            Some(chosen.len() as u64 + 1),
            Unit::Steps,
            0,
            false,
        );
    }
    let count = |sql: &str| -> Result<u64> {
        Ok(tx.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
    };
    let out_q = quote_ident(&output);
    let n_rows = count(&format!("SELECT count(*) FROM {out_q}"))?;
    let before = count(&format!(
        "SELECT count(*) FROM (SELECT DISTINCT dataset, source_customer_id FROM {out_q})"
    ))?;
    let after = count(&format!("SELECT count(DISTINCT customer_id) FROM {out_q}"))?;
    let mut infos_out = Vec::with_capacity(columns.len());
    for (name, ty, role) in &columns {
        let nulls = count(&format!(
            "SELECT count(*) FROM {out_q} WHERE {} IS NULL",
            quote_ident(name)
        ))?;
        infos_out.push(ColumnInfo {
            name: name.to_string(),
            ty: *ty,
            role: *role,
            role_source: role.map(|_| RoleSource::User),
            nulls,
            note: None,
        });
    }
    let info = DatasetInfo {
        name: output.clone(),
        format: FORMAT.to_string(),
        encoding: None,
        delimiter: None,
        has_header: true,
        imported_at: store::now(),
        rows: n_rows,
        sources: vec![],
        columns: infos_out,
    };
    store::insert_dataset(
        &tx,
        &store::NewDataset {
            info: &info,
            kind: FORMAT,
        },
    )?;
    tx.execute_batch("DROP TABLE IF EXISTS temp._loupe_unified_ids;")?;
    let report = UnifiedReport {
        dataset: output.clone(),
        rows: n_rows,
        customers_before: before,
        customers_after: after,
        datasets: chosen,
        identity_rebuilt,
    };
    store::append_activity(
        &tx,
        Action::Rebuild,
        Some(&output),
        Some(n_rows),
        &serde_json::json!({
            "unified_customers": {
                "datasets": report.datasets,
                "customers_before": before,
                "customers_after": after,
            }
        }),
    )?;
    rep.check()?;
    tx.commit()?;
    Ok(report)
}
