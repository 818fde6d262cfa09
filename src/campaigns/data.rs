//! The campaign tables of a project, found by their columns' roles and read into plain rows:
//!
//! - a **campaigns** table: campaign (role `campaign`), and any of channel, start_date, end_date,
//!   cost, cost_per_contact; no customer id;
//! - a **spend** table: timestamp (the day), spend, and campaign or channel; no customer id;
//! - a **contacts** table: customer_id, campaign, timestamp, and opened / clicked where present;
//! - **orders**: the transactions the Customers page uses (customer_id, timestamp, amount or
//!   quantity × unit_price; order_id preferred);
//! - an **events** log (optional, for the funnel's "visited" step): customer_id, timestamp,
//!   event_type;
//! - an **experiment**: one row per customer with an `arm` column (see [`super::uplift`]).
//!
//! Roles can be given for one run only ([`RoleOverride`]) when the import did not guess them.

use crate::customers::columns::{guess_sources as customer_sources, is_transactions};
use crate::dataset::{DatasetInfo, Role};
use crate::explore::rows::{self, column, evaluate, micros, role_column, text};
use crate::store::Project;
use crate::{Error, Result};
use chrono::NaiveDate;
use polars::prelude::{self as pl, DataType};
use serde::Serialize;
use std::collections::HashMap;

/// Which dataset plays which part; `None` where the project has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sources {
    pub orders: Option<String>,
    pub campaigns: Option<String>,
    pub spend: Option<String>,
    pub contacts: Option<String>,
    pub events: Option<String>,
}

fn has(d: &DatasetInfo, r: Role) -> bool {
    d.column_with_role(r).is_some()
}

/// A campaigns table: one row per campaign with what it cost or when it ran.
pub fn is_campaigns(d: &DatasetInfo) -> bool {
    has(d, Role::Campaign)
        && !has(d, Role::CustomerId)
        && !(has(d, Role::Spend) && has(d, Role::Timestamp))
        && [
            Role::Cost,
            Role::CostPerContact,
            Role::StartDate,
            Role::EndDate,
            Role::Channel,
        ]
        .iter()
        .any(|r| has(d, *r))
}

/// A spend table: spend per day and campaign (or channel).
pub fn is_spend(d: &DatasetInfo) -> bool {
    has(d, Role::Spend)
        && has(d, Role::Timestamp)
        && (has(d, Role::Campaign) || has(d, Role::Channel))
        && !has(d, Role::CustomerId)
}

/// A contacts table: who was reached by which campaign, when.
pub fn is_contacts(d: &DatasetInfo) -> bool {
    has(d, Role::CustomerId)
        && has(d, Role::Campaign)
        && has(d, Role::Timestamp)
        && !has(d, Role::Arm)
        && !has(d, Role::Amount)
}

/// An experiment: customers with an arm.
pub fn is_experiment(d: &DatasetInfo) -> bool {
    has(d, Role::Arm)
}

fn is_events(d: &DatasetInfo) -> bool {
    has(d, Role::CustomerId) && has(d, Role::Timestamp) && has(d, Role::EventType)
}

/// The datasets for the ROI analysis, by their roles: the first of each kind (by name), the
/// orders as the Customers page picks them.
pub fn guess_sources(datasets: &[DatasetInfo]) -> Sources {
    let first = |f: fn(&DatasetInfo) -> bool| {
        let mut names: Vec<&String> = datasets.iter().filter(|d| f(d)).map(|d| &d.name).collect();
        names.sort();
        names.first().map(|s| s.to_string())
    };
    Sources {
        orders: customer_sources(datasets).transactions,
        campaigns: first(is_campaigns),
        spend: first(is_spend),
        contacts: first(is_contacts),
        events: first(is_events),
    }
}

/// The experiment datasets of a project, by name.
pub fn experiments(datasets: &[DatasetInfo]) -> Vec<String> {
    let mut v: Vec<String> = datasets
        .iter()
        .filter(|d| is_experiment(d))
        .map(|d| d.name.clone())
        .collect();
    v.sort();
    v
}

/// A role given to a column for one run (`contacts:sent_at=timestamp`), not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleOverride {
    pub dataset: String,
    pub column: String,
    pub role: Role,
}

impl std::str::FromStr for RoleOverride {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::InvalidArgument(format!(
                "'{s}' is not DATASET:COLUMN=ROLE (e.g. contacts:sent_at=timestamp)"
            ))
        };
        let (lhs, role) = s.rsplit_once('=').ok_or_else(bad)?;
        let (dataset, column) = lhs.split_once(':').ok_or_else(bad)?;
        if dataset.trim().is_empty() || column.trim().is_empty() {
            return Err(bad());
        }
        Ok(RoleOverride {
            dataset: dataset.trim().to_string(),
            column: column.trim().to_string(),
            role: role.parse()?,
        })
    }
}

/// Applies overrides to a dataset's roles: the column gets the role, and no other column keeps it.
pub fn apply_overrides(info: &mut DatasetInfo, overrides: &[RoleOverride]) -> Result<()> {
    for o in overrides.iter().filter(|o| o.dataset == info.name) {
        if info.column(&o.column).is_none() {
            return Err(crate::explore::spec::no_column(info, &o.column));
        }
        for c in &mut info.columns {
            if c.name == o.column {
                c.role = Some(o.role);
            } else if c.role == Some(o.role) {
                c.role = None;
            }
        }
    }
    Ok(())
}

/// One campaign as the campaigns table (or the other tables) describe it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub id: String,
    /// A readable name (a `…name` / `…名称` column of the campaigns table), else the id.
    pub name: String,
    pub channel: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// The campaigns table's cost.
    pub cost: Option<f64>,
    /// The campaigns table's cost per contact.
    pub cost_per_contact: Option<f64>,
}

/// One row of a spend table: a day's spend on a campaign, or on a channel as a whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpendRow {
    pub day: NaiveDate,
    pub campaign: Option<String>,
    pub channel: Option<String>,
    pub spend: f64,
}

/// One contact (touch) of a customer by a campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub customer: String,
    pub campaign: String,
    /// Microseconds since 1970-01-01.
    pub micros: i64,
    pub opened: Option<bool>,
    pub clicked: Option<bool>,
    /// The contacts table's channel, when it has one.
    pub channel: Option<String>,
}

/// One order: its lines added up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Order {
    pub id: String,
    pub customer: String,
    /// The time of its first line, microseconds since 1970-01-01.
    pub micros: i64,
    pub revenue: f64,
    /// Whether it is the customer's first order (for CAC).
    pub first: bool,
}

/// Everything the ROI analysis reads, loaded once.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inputs {
    pub sources: Sources,
    pub campaigns: Vec<Campaign>,
    pub spend: Vec<SpendRow>,
    pub contacts: Vec<Contact>,
    /// Orders with a positive total, by time.
    pub orders: Vec<Order>,
    /// Event times per customer (microseconds, sorted), for the funnel's "visited" step.
    pub visits: HashMap<String, Vec<i64>>,
    /// Whether the contacts table has opened / clicked columns.
    pub has_opened: bool,
    pub has_clicked: bool,
    /// Rows left out: contacts without a customer, campaign or time; orders without a customer
    /// or time; orders whose total is zero or negative (cancellations, returns).
    pub skipped_contacts: u64,
    pub skipped_orders: u64,
    pub non_positive_orders: u64,
    /// Order lines left out for their status (cancelled or refunded), when any were.
    pub status_exclusion: Option<crate::status::StatusExclusion>,
}

/// The dataset a source names, with the overrides applied.
fn info_of(project: &Project, name: &str, overrides: &[RoleOverride]) -> Result<DatasetInfo> {
    let mut info = project.dataset(name)?;
    apply_overrides(&mut info, overrides)?;
    Ok(info)
}

/// Loads the campaign tables named in `sources`. Contacts and orders are required; the others
/// add costs, dates, names and channels. Orders whose status means cancelled or refunded are
/// left out ([`load_inputs_with`] keeps them).
pub fn load_inputs(
    project: &Project,
    sources: &Sources,
    overrides: &[RoleOverride],
    rep: &crate::progress::Reporter,
) -> Result<Inputs> {
    load_inputs_with(project, sources, overrides, false, rep)
}

/// As [`load_inputs`]; `include_cancelled` keeps the orders whose status means cancelled or
/// refunded ([`crate::status`]).
pub fn load_inputs_with(
    project: &Project,
    sources: &Sources,
    overrides: &[RoleOverride],
    include_cancelled: bool,
    rep: &crate::progress::Reporter,
) -> Result<Inputs> {
    let need = |s: &Option<String>, what: &str, roles: &str| {
        s.clone().ok_or_else(|| {
            Error::InvalidArgument(format!(
                "the project has no {what} dataset (one with the roles {roles}); import one, give it with --{what}, or set the roles with loupe set-role"
            ))
        })
    };
    let contacts_name = need(
        &sources.contacts,
        "contacts",
        "customer_id, campaign and timestamp",
    )?;
    let orders_name = need(
        &sources.orders,
        "orders",
        "customer_id, timestamp and amount",
    )?;
    let mut inputs = Inputs {
        sources: sources.clone(),
        ..Inputs::default()
    };
    rep.check()?;
    let contacts_info = info_of(project, &contacts_name, overrides)?;
    read_contacts(project, &contacts_info, &mut inputs)?;
    rep.check()?;
    let orders_info = info_of(project, &orders_name, overrides)?;
    if !is_transactions(&orders_info) {
        return Err(Error::InvalidArgument(format!(
            "dataset '{orders_name}' cannot be the orders: it needs the roles customer_id, timestamp and amount (or quantity and unit_price); set them with loupe set-role"
        )));
    }
    if !include_cancelled {
        inputs.status_exclusion = crate::status::StatusExclusion::of(project, &orders_info)?;
    }
    read_orders(project, &orders_info, &mut inputs)?;
    rep.check()?;
    if let Some(name) = &sources.campaigns {
        let info = info_of(project, name, overrides)?;
        inputs.campaigns = read_campaigns(project, &info)?;
    }
    rep.check()?;
    if let Some(name) = &sources.spend {
        let info = info_of(project, name, overrides)?;
        inputs.spend = read_spend(project, &info)?;
    }
    rep.check()?;
    if let Some(name) = &sources.events {
        let info = info_of(project, name, overrides)?;
        let (events, _) = rows::events(
            project,
            &info.name,
            &rows::EventColumns::default(),
            None,
            None,
        )?;
        for e in events {
            inputs.visits.entry(e.user).or_default().push(e.micros);
        }
        for v in inputs.visits.values_mut() {
            v.sort_unstable();
        }
    }
    add_missing_campaigns(&mut inputs);
    Ok(inputs)
}

/// Campaigns seen only in the contacts or spend table get an entry of their own.
fn add_missing_campaigns(inputs: &mut Inputs) {
    let mut known: HashMap<String, usize> = inputs
        .campaigns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let mut add = |id: &str, channel: Option<&String>, campaigns: &mut Vec<Campaign>| {
        if let Some(&i) = known.get(id) {
            if campaigns[i].channel.is_none() {
                campaigns[i].channel = channel.cloned();
            }
            return;
        }
        known.insert(id.to_string(), campaigns.len());
        campaigns.push(Campaign {
            id: id.to_string(),
            name: id.to_string(),
            channel: channel.cloned(),
            start: None,
            end: None,
            cost: None,
            cost_per_contact: None,
        });
    };
    let mut campaigns = std::mem::take(&mut inputs.campaigns);
    for c in &inputs.contacts {
        add(&c.campaign, c.channel.as_ref(), &mut campaigns);
    }
    for s in &inputs.spend {
        if let Some(id) = &s.campaign {
            add(id, s.channel.as_ref(), &mut campaigns);
        }
    }
    inputs.campaigns = campaigns;
}

fn optional(info: &DatasetInfo, role: Role) -> Option<String> {
    info.column_with_role(role).map(|c| c.name.clone())
}

fn null_text() -> pl::Expr {
    pl::lit(pl::NULL).cast(DataType::String)
}

fn null_f64() -> pl::Expr {
    pl::lit(pl::NULL).cast(DataType::Float64)
}

fn null_i64() -> pl::Expr {
    pl::lit(pl::NULL).cast(DataType::Int64)
}

fn num(c: &Option<String>) -> pl::Expr {
    match c {
        Some(c) => pl::col(c.as_str()).cast(DataType::Float64),
        None => null_f64(),
    }
}

fn opt_text(c: &Option<String>) -> pl::Expr {
    match c {
        Some(c) => text(c),
        None => null_text(),
    }
}

fn opt_micros(c: &Option<String>) -> pl::Expr {
    match c {
        Some(c) => micros(c),
        None => null_i64(),
    }
}

fn clean(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn day(micros: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp_micros(micros).map(|d| d.date_naive())
}

fn read_contacts(project: &Project, info: &DatasetInfo, inputs: &mut Inputs) -> Result<()> {
    let customer = role_column(info, Role::CustomerId)?;
    let campaign = role_column(info, Role::Campaign)?;
    let time = role_column(info, Role::Timestamp)?;
    let opened = optional(info, Role::Opened);
    let clicked = optional(info, Role::Clicked);
    let channel = optional(info, Role::Channel);
    let mut cols = vec![customer.clone(), campaign.clone(), time.clone()];
    cols.extend(opened.iter().cloned());
    cols.extend(clicked.iter().cloned());
    cols.extend(channel.iter().cloned());
    let df = evaluate(
        project,
        info,
        &cols,
        None,
        vec![
            text(&customer).alias("u"),
            text(&campaign).alias("c"),
            micros(&time).alias("t"),
            num(&opened).alias("o"),
            num(&clicked).alias("k"),
            opt_text(&channel).alias("h"),
        ],
    )?;
    let (u, c, t, o, k, h) = (
        df.column("u")?.str()?.clone(),
        df.column("c")?.str()?.clone(),
        df.column("t")?.i64()?.clone(),
        df.column("o")?.f64()?.clone(),
        df.column("k")?.f64()?.clone(),
        df.column("h")?.str()?.clone(),
    );
    inputs.has_opened = opened.is_some();
    inputs.has_clicked = clicked.is_some();
    for i in 0..df.height() {
        match (clean(u.get(i)), clean(c.get(i)), t.get(i)) {
            (Some(customer), Some(campaign), Some(micros)) => inputs.contacts.push(Contact {
                customer,
                campaign,
                micros,
                opened: o.get(i).map(|v| v != 0.0),
                clicked: k.get(i).map(|v| v != 0.0),
                channel: clean(h.get(i)),
            }),
            _ => inputs.skipped_contacts += 1,
        }
    }
    inputs
        .contacts
        .sort_by(|a, b| (a.micros, &a.customer).cmp(&(b.micros, &b.customer)));
    Ok(())
}

fn read_orders(project: &Project, info: &DatasetInfo, inputs: &mut Inputs) -> Result<()> {
    let keep = inputs.status_exclusion.as_ref().map(|x| x.and_expr(None));
    let (lines, skipped) = rows::transactions_of(project, info, keep.as_deref(), None, true)?;
    inputs.skipped_orders = skipped;
    // Lines to orders: by order id, else by (customer, time).
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut orders: Vec<Order> = Vec::new();
    for l in lines {
        let id = l.order.clone().unwrap_or_else(|| l.micros.to_string());
        let key = (l.customer.clone(), id.clone());
        match index.get(&key) {
            Some(&i) => {
                let o = &mut orders[i];
                o.revenue += l.amount;
                o.micros = o.micros.min(l.micros);
            }
            None => {
                index.insert(key, orders.len());
                orders.push(Order {
                    id,
                    customer: l.customer,
                    micros: l.micros,
                    revenue: l.amount,
                    first: false,
                });
            }
        }
    }
    let before = orders.len();
    orders.retain(|o| o.revenue > 0.0);
    inputs.non_positive_orders = (before - orders.len()) as u64;
    orders.sort_by(|a, b| (a.micros, &a.customer, &a.id).cmp(&(b.micros, &b.customer, &b.id)));
    let mut seen = std::collections::HashSet::new();
    for o in &mut orders {
        o.first = seen.insert(o.customer.clone());
    }
    inputs.orders = orders;
    Ok(())
}

/// The name column of a campaigns table: a text column without a role named like a name.
fn name_column(info: &DatasetInfo) -> Option<String> {
    info.columns
        .iter()
        .filter(|c| c.role.is_none() && c.ty == crate::dataset::ColumnType::Text)
        .find(|c| {
            let n = crate::import::roles::normalise(&c.name);
            n.ends_with("name") || n.ends_with("名称") || n.ends_with("名") || n == "title"
        })
        .map(|c| c.name.clone())
}

fn read_campaigns(project: &Project, info: &DatasetInfo) -> Result<Vec<Campaign>> {
    let id = role_column(info, Role::Campaign)?;
    let name = name_column(info);
    let channel = optional(info, Role::Channel);
    let start = optional(info, Role::StartDate);
    let end = optional(info, Role::EndDate);
    let cost = optional(info, Role::Cost);
    let per = optional(info, Role::CostPerContact);
    let mut cols = vec![id.clone()];
    for c in [&name, &channel, &start, &end, &cost, &per]
        .into_iter()
        .flatten()
    {
        cols.push(c.clone());
    }
    let df = evaluate(
        project,
        info,
        &cols,
        None,
        vec![
            text(&id).alias("id"),
            opt_text(&name).alias("name"),
            opt_text(&channel).alias("ch"),
            opt_micros(&start).alias("s"),
            opt_micros(&end).alias("e"),
            num(&cost).alias("cost"),
            num(&per).alias("per"),
        ],
    )?;
    let (ids, names, ch, s, e, co, pe) = (
        df.column("id")?.str()?.clone(),
        df.column("name")?.str()?.clone(),
        df.column("ch")?.str()?.clone(),
        df.column("s")?.i64()?.clone(),
        df.column("e")?.i64()?.clone(),
        df.column("cost")?.f64()?.clone(),
        df.column("per")?.f64()?.clone(),
    );
    let mut out: Vec<Campaign> = Vec::new();
    for i in 0..df.height() {
        let Some(cid) = clean(ids.get(i)) else {
            continue;
        };
        if out.iter().any(|c| c.id == cid) {
            return Err(Error::InvalidArgument(format!(
                "dataset '{}', row {}: campaign '{cid}' appears twice; a campaigns table has one row per campaign (put daily amounts in a spend table)",
                info.name,
                i + 1
            )));
        }
        out.push(Campaign {
            name: clean(names.get(i)).unwrap_or_else(|| cid.clone()),
            id: cid,
            channel: clean(ch.get(i)),
            start: s.get(i).and_then(day),
            end: e.get(i).and_then(day),
            cost: co.get(i).filter(|v| v.is_finite()),
            cost_per_contact: pe.get(i).filter(|v| v.is_finite()),
        });
    }
    Ok(out)
}

fn read_spend(project: &Project, info: &DatasetInfo) -> Result<Vec<SpendRow>> {
    let time = role_column(info, Role::Timestamp)?;
    let spend = role_column(info, Role::Spend)?;
    let campaign = optional(info, Role::Campaign);
    let channel = optional(info, Role::Channel);
    let mut cols = vec![time.clone(), spend.clone()];
    cols.extend(campaign.iter().cloned());
    cols.extend(channel.iter().cloned());
    let df = evaluate(
        project,
        info,
        &cols,
        None,
        vec![
            micros(&time).alias("t"),
            pl::col(spend.as_str()).cast(DataType::Float64).alias("s"),
            opt_text(&campaign).alias("c"),
            opt_text(&channel).alias("h"),
        ],
    )?;
    let (t, s, c, h) = (
        df.column("t")?.i64()?.clone(),
        df.column("s")?.f64()?.clone(),
        df.column("c")?.str()?.clone(),
        df.column("h")?.str()?.clone(),
    );
    let mut out = Vec::new();
    for i in 0..df.height() {
        let (Some(day), Some(spend)) = (t.get(i).and_then(day), s.get(i)) else {
            continue;
        };
        let (campaign, channel) = (clean(c.get(i)), clean(h.get(i)));
        if campaign.is_none() && channel.is_none() {
            continue;
        }
        out.push(SpendRow {
            day,
            campaign,
            channel,
            spend,
        });
    }
    Ok(out)
}

/// One customer of an experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub arm: String,
    pub outcome: f64,
    pub converted: bool,
}

/// The rows of an experiment: arm, the outcome (a number per customer, e.g. spend) and whether
/// the customer converted (the conversion column ≠ 0; without one, outcome > 0). Rows without
/// an arm or an outcome are left out and counted.
pub fn read_experiment(
    project: &Project,
    dataset: &str,
    arm: &str,
    outcome: &str,
    conversion: Option<&str>,
) -> Result<(Vec<Subject>, u64)> {
    let info = project.dataset(dataset)?;
    let arm = column(&info, arm)?;
    let outcome_col = column(&info, outcome)?;
    let conversion = conversion.map(|c| column(&info, c)).transpose()?;
    for c in std::iter::once(&outcome_col).chain(conversion.iter()) {
        let ty = info.column(c).map(|c| c.ty);
        if !ty.is_some_and(|t| t.is_numeric() || t == crate::dataset::ColumnType::Boolean) {
            return Err(Error::InvalidArgument(format!(
                "column '{c}' of dataset '{dataset}' holds {}, not numbers; the outcome and the conversion must be numbers (e.g. spend, or 0/1)",
                ty.map(|t| t.to_string()).unwrap_or_default()
            )));
        }
    }
    let mut cols = vec![arm.clone(), outcome_col.clone()];
    cols.extend(conversion.iter().cloned());
    let df = evaluate(
        project,
        &info,
        &cols,
        None,
        vec![
            text(&arm).alias("a"),
            pl::col(outcome_col.as_str())
                .cast(DataType::Float64)
                .alias("y"),
            num(&conversion).alias("c"),
        ],
    )?;
    let (a, y, c) = (
        df.column("a")?.str()?.clone(),
        df.column("y")?.f64()?.clone(),
        df.column("c")?.f64()?.clone(),
    );
    let mut out = Vec::with_capacity(df.height());
    let mut skipped = 0u64;
    for i in 0..df.height() {
        let (Some(arm), Some(outcome)) = (clean(a.get(i)), y.get(i).filter(|v| v.is_finite()))
        else {
            skipped += 1;
            continue;
        };
        let converted = match (&conversion, c.get(i)) {
            (Some(_), Some(v)) => v != 0.0,
            (Some(_), None) => {
                skipped += 1;
                continue;
            }
            (None, _) => outcome > 0.0,
        };
        out.push(Subject {
            arm,
            outcome,
            converted,
        });
    }
    Ok((out, skipped))
}

/// The experiment's columns as guessed from roles: arm, control value, outcome, conversion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExperimentGuess {
    pub arm: Option<String>,
    pub outcome: Option<String>,
    pub conversion: Option<String>,
}

/// Arm (role arm), outcome (spend or amount, else the first other number), conversion (role
/// conversion).
pub fn guess_experiment(info: &DatasetInfo) -> ExperimentGuess {
    let outcome = optional(info, Role::Spend)
        .or_else(|| optional(info, Role::Amount))
        .or_else(|| {
            info.columns
                .iter()
                .find(|c| c.ty == crate::dataset::ColumnType::Float && c.role.is_none())
                .map(|c| c.name.clone())
        });
    ExperimentGuess {
        arm: optional(info, Role::Arm),
        outcome,
        conversion: optional(info, Role::Conversion),
    }
}

/// The control arm among `arms`: the one whose value names a control (`No E-Mail`, `control`).
pub fn guess_control(arms: &[String]) -> Option<String> {
    arms.iter()
        .find(|a| crate::import::roles::is_control_value(a))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_parse_and_move_roles() {
        let o: RoleOverride = "contacts:sent_at=timestamp".parse().unwrap();
        assert_eq!(o.dataset, "contacts");
        assert_eq!(o.column, "sent_at");
        assert_eq!(o.role, Role::Timestamp);
        assert!("contacts=timestamp".parse::<RoleOverride>().is_err());
        assert!("contacts:x=nonsense".parse::<RoleOverride>().is_err());
    }

    #[test]
    fn control_values() {
        let arms = vec!["Mens E-Mail".to_string(), "No E-Mail".to_string()];
        assert_eq!(guess_control(&arms).as_deref(), Some("No E-Mail"));
        assert_eq!(guess_control(&["a".to_string()]), None);
    }
}
