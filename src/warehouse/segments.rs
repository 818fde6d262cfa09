//! Segments of a linked dataset, computed by its warehouse: the customer table (the figures of
//! [`super::customers`], then the quintile scores, RFM groups and lifecycle stages in SQL, with
//! the local definitions: [`crate::customers::rfm`]) and the rule ([`crate::segments::sql`]'s
//! compiler, in the warehouse's dialect) in one query; only the count, or the members' ids,
//! cross the wire.
//!
//! The customer table's columns are those of `loupe customers`, the attributes of a linked
//! customers table (joined by id, a clashing name prefixed `attr_`), and, for a text column of
//! the transactions without a role that the rule names (such as Online Retail's Country), the
//! customer's most frequent value (ties: the alphabetically first). The lifetime-value columns
//! (`p_alive`, `expected_purchases`, `clv`) come from a model fitted on this machine; rules on
//! them do not run in a warehouse.

use super::chart::Transfer;
use super::customers::{figures_ctes, lines_sql, products_link};
use super::link::{Link, linked};
use super::secret::ConnUrl;
use super::source::Used;
use crate::customers::rfm::{LifecycleThresholds, RfmGroup, Score};
use crate::customers::write::COLUMNS;
use crate::dataset::{ColumnType, Role};
use crate::expr::Dialect;
use crate::progress::Reporter;
use crate::segments::sql::{AsOf, Context, compile};
use crate::segments::{BaseOptions, Count, Rule, eval::Saved};
use crate::status::StatusExclusion;
use crate::store::Project;
use crate::{Error, Result};
use chrono::NaiveDate;

/// What a linked dataset's segments are evaluated over.
#[derive(Debug, Clone)]
pub struct WarehouseBase {
    pub link: Link,
    pub products: Option<Link>,
    /// A linked customers table whose columns are joined by customer id.
    pub attributes: Option<Link>,
    /// A linked events table, for did().
    pub events: Option<Link>,
    pub as_of: Option<NaiveDate>,
    /// A condition of the expression language on the transactions.
    pub filter: Option<String>,
    /// Tag name → rule.
    pub tags: Vec<(String, String)>,
    pub lifecycle: LifecycleThresholds,
    /// The lines left out for their order status ([`Self::with_status`]).
    pub status: Option<StatusExclusion>,
}

/// The value columns of the local customer table, which a warehouse does not compute.
const LOCAL_ONLY: [&str; 3] = ["p_alive", "expected_purchases", "clv"];

fn same_warehouse(project: &Project, link: &Link, name: &str, what: &str) -> Result<Link> {
    match linked(project, name)? {
        Some(l) if l.url_env == link.url_env => Ok(l),
        _ => Err(Error::InvalidArgument(format!(
            "the {what} of linked dataset '{}' must be linked from the same warehouse (a table linked with --url-env {}); '{name}' is not",
            link.name, link.url_env
        ))),
    }
}

/// The one link of the project in `link`'s warehouse that `fits`, when exactly one does.
fn guess(project: &Project, link: &Link, fits: impl Fn(&Link) -> bool) -> Result<Option<Link>> {
    let mut found: Vec<Link> = super::link::list(project)?
        .into_iter()
        .filter(|l| l.name != link.name && l.url_env == link.url_env && fits(l))
        .collect();
    Ok(if found.len() == 1 { found.pop() } else { None })
}

fn has(l: &Link, r: Role) -> bool {
    l.columns.iter().any(|c| c.role == Some(r))
}

impl WarehouseBase {
    /// The base of `opts` when its dataset is a link (`None`: a local dataset). The products,
    /// attributes and events are links in the same warehouse: those named, else the one link
    /// with their roles.
    pub fn resolve(project: &Project, opts: &BaseOptions) -> Result<Option<WarehouseBase>> {
        let Some(name) = &opts.dataset else {
            return Ok(None);
        };
        let Some(link) = linked(project, name)? else {
            return Ok(None);
        };
        let products = match &opts.products {
            Some(p) => Some(products_link(project, &link, Some(p))?.ok_or_else(|| {
                Error::InvalidArgument(format!("there is no linked dataset '{p}'"))
            })?),
            None => guess(project, &link, |l| {
                has(l, Role::ItemId) && has(l, Role::Category) && !has(l, Role::CustomerId)
            })?,
        };
        let attributes = match &opts.attributes {
            Some(a) => Some(same_warehouse(project, &link, a, "customer attributes")?),
            None => guess(project, &link, |l| {
                has(l, Role::CustomerId) && !has(l, Role::Timestamp) && !has(l, Role::Amount)
            })?,
        };
        let events = match &opts.events {
            Some(e) => Some(same_warehouse(project, &link, e, "events")?),
            None => guess(project, &link, |l| {
                has(l, Role::EventType) && has(l, Role::CustomerId) && has(l, Role::Timestamp)
            })?,
        };
        let tags = crate::customers::tags::rules(project)?
            .into_iter()
            .map(|t| (t.name, t.rule))
            .collect();
        Ok(Some(WarehouseBase {
            link,
            products,
            attributes,
            events,
            as_of: opts.as_of,
            filter: opts.filter.clone(),
            tags,
            lifecycle: LifecycleThresholds::default(),
            status: None,
        }))
    }

    /// The base written for `engine`: its queries in that engine's dialect, as if its tables
    /// were there (`loupe segment sql --dialect`).
    pub fn in_engine(mut self, engine: super::Engine) -> WarehouseBase {
        self.link.engine = engine;
        for l in [&mut self.products, &mut self.attributes, &mut self.events]
            .into_iter()
            .flatten()
        {
            l.engine = engine;
        }
        self
    }

    /// The base with its order-status exclusion, read from the warehouse (cancelled and
    /// refunded orders are not purchases, as in the local customer table).
    pub fn with_status(mut self, url: &ConnUrl, rep: &Reporter) -> Result<(Self, Transfer)> {
        let (status, transfer) = super::customers::status_exclusion(&self.link, url, rep)?;
        self.status = status;
        Ok((self, transfer))
    }

    /// The base of local datasets, as if each were a table of the same name in a PostgreSQL
    /// warehouse (for `loupe segment sql --dialect postgres`).
    pub fn of_local(project: &Project, opts: &BaseOptions) -> Result<WarehouseBase> {
        let as_link = |name: &str| -> Result<Link> {
            let info = project.dataset(name)?;
            Ok(Link {
                name: info.name.clone(),
                engine: super::Engine::Postgres,
                url_env: String::new(),
                table: super::TableRef {
                    schema: None,
                    table: info.name.clone(),
                },
                columns: info.columns,
                rows_estimate: None,
                linked_at: info.imported_at,
            })
        };
        let dataset = crate::segments::base::find_transactions(project, opts.dataset.as_deref())?;
        let guessed = crate::customers::columns::guess_sources(&project.datasets()?);
        let link = as_link(&dataset)?;
        let info = project.dataset(&dataset)?;
        let status = crate::status::StatusExclusion::of(project, &info)?;
        let products = opts.products.clone().or(guessed.products);
        let attributes = opts.attributes.clone().or(guessed.attributes);
        let events = match &opts.events {
            Some(e) => Some(e.clone()),
            None => crate::segments::base::find_events(project, None)?.map(|e| e.name),
        };
        Ok(WarehouseBase {
            link,
            products: products.as_deref().map(as_link).transpose()?,
            attributes: attributes.as_deref().map(as_link).transpose()?,
            events: events.as_deref().map(as_link).transpose()?,
            as_of: opts.as_of,
            filter: opts.filter.clone(),
            tags: crate::customers::tags::rules(project)?
                .into_iter()
                .map(|t| (t.name, t.rule))
                .collect(),
            lifecycle: LifecycleThresholds::default(),
            status,
        })
    }
}

/// What a segment query returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    /// One row: the members, the customers.
    Count,
    /// The members' customer ids, sorted as bytes.
    Ids,
    /// A row `asof` (the as-of day, the customers), then a row `row` per member: the customer
    /// table's columns ([`known_columns`]) as text.
    Rows,
    /// As [`Select::Rows`], with only the customer id (and a blank) per member.
    Members,
}

/// The customer table's columns and their types, before attributes.
fn table_columns() -> Vec<(&'static str, ColumnType)> {
    use ColumnType::*;
    COLUMNS
        .iter()
        .map(|&c| {
            let ty = match c {
                "customer_id" | "rfm_group" | "lifecycle_stage" | "favourite_category"
                | "favourite_item" | "preferred_channel" | "preferred_weekday" => Text,
                "first_purchase" | "last_purchase" => Date,
                "revenue"
                | "monetary"
                | "average_order_value"
                | "mean_interval_days"
                | "items"
                | "returned_items"
                | "returned_amount"
                | "net_revenue" => Float,
                _ => Integer,
            };
            (c, ty)
        })
        .collect()
}

/// A score 1–5 from `x` = rank + (rows up to the value's last peer), as
/// [`crate::customers::rfm::quintile_scores`] computes it in doubles.
fn score(x: &str, d: Dialect) -> String {
    let f8 = d.double();
    format!(
        "1 + least(4, CAST(floor(CAST(5 AS {f8}) * (CAST({x} - 2 AS {f8}) / 2 + 1 - 1) / loupe_n) AS integer))"
    )
}

/// The first row per `key` of `select` by `order`, as a CTE `name` (PostgreSQL's `DISTINCT
/// ON`, a window elsewhere); `select` has its own `FROM` and the order's columns.
fn first_per(
    d: Dialect,
    name: &str,
    key: &str,
    columns: &str,
    select: &str,
    order: &str,
) -> String {
    match d {
        Dialect::Spark => format!(
            "{name} AS (SELECT {columns} FROM (SELECT x.*, row_number() OVER (PARTITION BY {key} ORDER BY {order}) AS loupe_rn FROM ({select}) AS x) AS y WHERE loupe_rn = 1)"
        ),
        _ => format!(
            "{name} AS (SELECT DISTINCT ON ({key}) {columns} FROM ({select}) AS x ORDER BY {key}, {order})"
        ),
    }
}

fn group_case() -> String {
    let mut arms = String::new();
    for r in 1..=5u8 {
        for f in 1..=5u8 {
            if let (Some(rs), Some(fs)) = (Score::new(r), Score::new(f)) {
                let g = RfmGroup::of(rs, fs).name().replace('\'', "''");
                arms.push_str(&format!(" WHEN {} THEN '{g}'", r * 10 + f));
            }
        }
    }
    format!("CASE r_score * 10 + f_score{arms} END")
}

fn lifecycle_case(t: &LifecycleThresholds) -> String {
    format!(
        "CASE WHEN first_days_ago <= {} THEN 'new' WHEN recency_days <= {} THEN 'active' WHEN recency_days <= {} THEN 'at_risk' WHEN recency_days <= {} THEN 'lapsed' ELSE 'churned' END",
        t.new_days, t.active_days, t.at_risk_days, t.lapsed_days
    )
}

/// Named, typed columns.
type Columns = Vec<(String, ColumnType)>;

/// The SQL of the customer table `c` (and what it is built from), with the line attributes
/// `line_attributes`.
fn customer_table_ctes(base: &WarehouseBase, line_attributes: &[String]) -> Result<Vec<String>> {
    let lines = lines_sql(
        &base.link,
        base.products.as_ref(),
        base.filter.as_deref(),
        base.status.as_ref(),
        base.as_of,
        line_attributes,
    )?;
    let d = base.link.engine.dialect();
    let asof = match base.as_of {
        Some(day) => format!("asof AS (SELECT DATE '{day}' AS day)"),
        None => "asof AS (SELECT max(d) + 1 AS day FROM l)".to_string(),
    };
    let f8 = |x: &str| format!("CAST({x} AS {})", d.double());
    let weekday = match d {
        Dialect::Spark => {
            "element_at(array('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'), pw.v + 1)"
        }
        _ => "(ARRAY['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])[pw.v + 1]",
    };
    let cust = format!(
        "cust AS (
  SELECT b.c AS customer_id, b.f AS first_purchase, b.la AS last_purchase, b.n AS orders,
         {rev} AS revenue, {recency} AS recency_days, b.n AS frequency,
         {rev} AS monetary, {rev} / b.n AS average_order_value, {tenure_days} AS tenure_days,
         CASE WHEN b.n > 1 THEN {tenure} / (b.n - 1) END AS mean_interval_days,
         {it} AS items, fc.v AS favourite_category, fi.v AS favourite_item,
         pc.v AS preferred_channel, ph.v AS preferred_hour,
         {weekday} AS preferred_weekday,
         coalesce(rt.n, 0) AS return_orders, {rit} AS returned_items, {ram} AS returned_amount,
         {rev} - {ram} AS net_revenue, b.nd AS purchase_days,
         {first_days_ago} AS first_days_ago
  FROM b LEFT JOIN rt USING (c) LEFT JOIN fi USING (c) LEFT JOIN fc USING (c)
    LEFT JOIN pc USING (c) LEFT JOIN ph USING (c) LEFT JOIN pw USING (c))",
        rev = f8("b.rev"),
        it = f8("b.it"),
        tenure = f8(&d.days_between("b.la", "b.f")),
        tenure_days = d.days_between("b.la", "b.f"),
        recency = d.days_between("(SELECT day FROM asof)", "b.la"),
        first_days_ago = d.days_between("(SELECT day FROM asof)", "b.f"),
        rit = f8("coalesce(rt.it, 0)"),
        ram = f8("coalesce(rt.am, 0)"),
    );
    let ranked = "ranked AS (
  SELECT cust.*, count(*) OVER () AS loupe_n,
         rank() OVER (ORDER BY recency_days DESC) + count(*) OVER (ORDER BY recency_days DESC) AS loupe_r,
         rank() OVER (ORDER BY frequency) + count(*) OVER (ORDER BY frequency) AS loupe_f,
         rank() OVER (ORDER BY monetary) + count(*) OVER (ORDER BY monetary) AS loupe_m
  FROM cust)"
        .to_string();
    let scored = format!(
        "scored AS (SELECT ranked.*, {} AS r_score, {} AS f_score, {} AS m_score FROM ranked)",
        score("loupe_r", d),
        score("loupe_f", d),
        score("loupe_m", d)
    );
    let mut selects = vec![
        "k.*".to_string(),
        format!("{} AS rfm_group", group_case()),
        format!("{} AS lifecycle_stage", lifecycle_case(&base.lifecycle)),
    ];
    let mut joins = String::new();
    let mut ctes = vec![lines.ctes, asof, figures_ctes(d), cust, ranked, scored];
    if let Some(a) = &base.attributes {
        let mut u = Used::new(a);
        let key_name = u
            .role_name(Role::CustomerId)
            .ok_or_else(|| crate::customers::columns::missing_role(&a.name, Role::CustomerId))?;
        let key = u.col(key_name)?;
        let mut cols = Vec::new();
        for c in a.columns.iter().filter(|c| c.name != key_name) {
            let q = u.col(&c.name)?;
            let name = attribute_name(&c.name);
            cols.push(format!("t.{q} AS {}", d.quote(&name)));
            selects.push(format!("at.{}", d.quote(&name)));
        }
        let select = format!(
            "SELECT CAST(t.{key} AS {}) AS loupe_id, {} FROM {} WHERE t.{key} IS NOT NULL",
            d.text(),
            cols.join(", "),
            u.from("t")
        );
        // One row per id, which one unspecified (as with PostgreSQL's DISTINCT ON).
        ctes.push(first_per(d, "attrs", "loupe_id", "*", &select, "loupe_id"));
        joins.push_str(" LEFT JOIN attrs AS at ON at.loupe_id = k.customer_id");
    }
    for (i, name) in line_attributes.iter().enumerate() {
        ctes.push(first_per(
            d,
            &format!("x{i}m"),
            "c",
            "c, v",
            &format!("SELECT c, x{i} AS v, count(*) AS n FROM r WHERE c IS NOT NULL AND x{i} IS NOT NULL GROUP BY 1, 2"),
            &format!("n DESC, {}", d.bytewise("v")),
        ));
        selects.push(format!("x{i}m.v AS {}", d.quote(name)));
        joins.push_str(&format!(" LEFT JOIN x{i}m ON x{i}m.c = k.customer_id"));
    }
    ctes.push(format!(
        "c AS (SELECT {} FROM scored AS k{joins})",
        selects.join(", ")
    ));
    Ok(ctes)
}

/// An attribute's name in the customer table: `attr_` before a name the table has already.
fn attribute_name(name: &str) -> String {
    if COLUMNS.contains(&name) {
        format!("attr_{name}")
    } else {
        name.to_string()
    }
}

/// The customer table's columns before line attributes: the figures and scores, then the
/// linked attributes (every column but the customer id).
fn known_columns(base: &WarehouseBase) -> Columns {
    let mut columns: Columns = table_columns()
        .into_iter()
        .map(|(c, t)| (c.to_string(), t))
        .collect();
    if let Some(a) = &base.attributes {
        let key = a
            .columns
            .iter()
            .find(|c| c.role == Some(Role::CustomerId))
            .map(|c| c.name.as_str());
        columns.extend(
            a.columns
                .iter()
                .filter(|c| Some(c.name.as_str()) != key)
                .map(|c| (attribute_name(&c.name), c.ty)),
        );
    }
    columns
}

/// The text columns of the transactions without a role: what a rule may name as a line
/// attribute.
fn line_attribute(link: &Link, name: &str) -> bool {
    link.columns
        .iter()
        .any(|c| c.name == name && c.role.is_none() && c.ty == ColumnType::Text)
}

/// The query of a rule over a linked dataset's customers.
pub fn to_sql(base: &WarehouseBase, rule: &Rule, saved: &Saved, select: Select) -> Result<String> {
    let d = base.link.engine.dialect();
    let ctx = Context {
        dialect: d,
        as_of: match base.as_of {
            Some(d) => AsOf::Date(d),
            None => AsOf::Cte,
        },
        tags: &base.tags,
        has_events: base.events.is_some(),
    };
    let compiled = compile(&ctx, rule, saved)?;
    // The columns the rule names: the table's, the attributes', or line attributes.
    let known = known_columns(base);
    let mut line_attributes = Vec::new();
    for c in &compiled.columns {
        if known.iter().any(|(k, _)| k == c) {
            continue;
        }
        if LOCAL_ONLY.contains(&c.as_str()) {
            return Err(Error::InvalidArgument(format!(
                "'{c}' comes from the lifetime-value model, which is fitted on this machine: a rule on linked dataset '{}' cannot use it yet",
                base.link.name
            )));
        }
        if line_attribute(&base.link, c) {
            line_attributes.push(c.clone());
            continue;
        }
        let mut available: Vec<&str> = known.iter().map(|(k, _)| k.as_str()).collect();
        available.extend(
            base.link
                .columns
                .iter()
                .filter(|x| line_attribute(&base.link, &x.name))
                .map(|x| x.name.as_str()),
        );
        return Err(Error::NoSuchColumn {
            context: format!("the customers of linked dataset '{}'", base.link.name),
            column: c.clone(),
            available: available.join(", "),
        });
    }
    let mut ctes = customer_table_ctes(base, &line_attributes)?;
    if compiled.uses_lines {
        ctes.push(
            "loupe_lines AS (SELECT c AS customer_id, d AS day, o AS order_key, item_id, item, cat AS category, a AS amount FROM l WHERE NOT ret)"
                .into(),
        );
    }
    if compiled.uses_events {
        let e = base.events.as_ref().ok_or_else(|| {
            Error::InvalidArgument(
                "did() needs an events dataset with the roles customer_id, timestamp and event_type".into(),
            )
        })?;
        let mut u = Used::new(e);
        let missing = |r: Role| crate::customers::columns::missing_role(&e.name, r);
        let cust = u
            .role(Role::CustomerId)
            .ok_or_else(|| missing(Role::CustomerId))?;
        let ts = u
            .role(Role::Timestamp)
            .ok_or_else(|| missing(Role::Timestamp))?;
        let ev = u
            .role(Role::EventType)
            .ok_or_else(|| missing(Role::EventType))?;
        ctes.push(format!(
            "loupe_events AS (SELECT CAST(t.{cust} AS {tx}) AS customer_id, CAST(t.{ts} AS date) AS day, CAST(t.{ev} AS {tx}) AS event FROM {} WHERE CAST(t.{ts} AS date) < (SELECT day FROM asof))",
            u.from("t"),
            tx = d.text()
        ));
    }
    let joins: String = compiled.joins.iter().map(|j| format!("\n{j}")).collect();
    let with = ctes.join(",\n");
    let cond = &compiled.condition;
    Ok(match select {
        Select::Count => {
            format!("WITH {with}\nSELECT count(*) FILTER (WHERE {cond}), count(*)\nFROM c{joins}")
        }
        Select::Ids => format!(
            "WITH {with}\nSELECT c.customer_id\nFROM c{joins}\nWHERE {cond}\nORDER BY {}",
            d.bytewise("c.customer_id")
        ),
        Select::Rows | Select::Members => {
            let mut cols: Vec<String> = known
                .iter()
                .map(|(k, _)| format!("CAST(c.{} AS {})", d.quote(k), d.text()))
                .collect();
            let null = format!("CAST(NULL AS {})", d.text());
            if select == Select::Members {
                cols = vec![cols[0].clone(), null.clone()];
            }
            let pad = format!(", {null}").repeat(cols.len().saturating_sub(2));
            format!(
                "WITH {with}\nSELECT 'asof', CAST((SELECT day FROM asof) AS {tx}), CAST((SELECT count(*) FROM c) AS {tx}){pad}\nUNION ALL\nSELECT 'row', {}\nFROM c{joins}\nWHERE {cond}",
                cols.join(", "),
                tx = d.text()
            )
        }
    })
}

fn url(base: &WarehouseBase) -> Result<ConnUrl> {
    ConnUrl::from_env(&base.link.url_env, &format!("dataset '{}'", base.link.name))
}

/// A segment's size, counted by the warehouse.
pub fn count(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    rep: &Reporter,
) -> Result<(Count, Transfer)> {
    count_with(base, rule, saved, &url(base)?, rep)
}

/// [`count`] with a URL.
pub fn count_with(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(Count, Transfer)> {
    let (base, mut transfer) = base.clone().with_status(url, rep)?;
    let sql = to_sql(&base, rule, saved, Select::Count)?;
    let (rows, t) = base.link.run(url, &sql, rep)?;
    transfer.add(t);
    let bad = || {
        Error::Warehouse(format!(
            "{}: the warehouse returned no count Loupe can read",
            base.link.context()
        ))
    };
    let row = rows.rows.first().ok_or_else(bad)?;
    let n = |i: usize| -> Result<usize> {
        row.get(i)
            .and_then(|v| v.as_deref())
            .and_then(|v| v.parse().ok())
            .ok_or_else(bad)
    };
    let (count, customers) = (n(0)?, n(1)?);
    if customers == 0 {
        return Err(Error::InvalidArgument(format!(
            "no customer of linked dataset '{}' bought before the as-of date",
            base.link.name
        )));
    }
    Ok((
        Count {
            count,
            base: customers,
            share: count as f64 / customers as f64,
        },
        transfer,
    ))
}

/// The members' customer ids (sorted as bytes), listed by the warehouse.
pub fn member_ids_with(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(Vec<String>, Transfer)> {
    let (base, mut transfer) = base.clone().with_status(url, rep)?;
    let sql = to_sql(&base, rule, saved, Select::Ids)?;
    let (rows, t) = base.link.run(url, &sql, rep)?;
    transfer.add(t);
    let ids = rows
        .rows
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    Ok((ids, transfer))
}

/// [`member_ids_with`], with the URL in the link's variable.
pub fn member_ids(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    rep: &Reporter,
) -> Result<(Vec<String>, Transfer)> {
    member_ids_with(base, rule, saved, &url(base)?, rep)
}

/// A segment's members with their rows of the customer table, computed by the warehouse.
pub struct Rows {
    /// The members' rows (the columns the warehouse computes), sorted by customer id as bytes.
    pub frame: polars::prelude::DataFrame,
    pub as_of: NaiveDate,
    /// The customers the segment was chosen from.
    pub customers: usize,
}

impl Rows {
    /// The members' customer ids, sorted as bytes.
    pub fn ids(&self) -> Result<Vec<String>> {
        Ok(self
            .frame
            .column("customer_id")?
            .str()?
            .iter()
            .flatten()
            .map(str::to_string)
            .collect())
    }

    /// The members and the customers they were chosen from.
    pub fn count(&self) -> Count {
        let count = self.frame.height();
        Count {
            count,
            base: self.customers,
            share: count as f64 / self.customers.max(1) as f64,
        }
    }
}

/// [`member_rows_with`], with the URL in the link's variable.
pub fn member_rows(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    rep: &Reporter,
) -> Result<(Rows, Transfer)> {
    member_rows_with(base, rule, saved, &url(base)?, rep)
}

/// The members' rows of the customer table: only they cross the wire.
pub fn member_rows_with(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(Rows, Transfer)> {
    member_rows_of(base, rule, saved, url, Select::Rows, rep)
}

/// The members' ids (sorted as bytes), the as-of day and the customers, computed by the
/// warehouse: what a snapshot records.
pub fn members_with(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(Rows, Transfer)> {
    member_rows_of(base, rule, saved, url, Select::Members, rep)
}

/// [`members_with`], with the URL in the link's variable.
pub fn members(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    rep: &Reporter,
) -> Result<(Rows, Transfer)> {
    members_with(base, rule, saved, &url(base)?, rep)
}

fn member_rows_of(
    base: &WarehouseBase,
    rule: &Rule,
    saved: &Saved,
    url: &ConnUrl,
    select: Select,
    rep: &Reporter,
) -> Result<(Rows, Transfer)> {
    let (base, mut transfer) = base.clone().with_status(url, rep)?;
    let sql = to_sql(&base, rule, saved, select)?;
    let (result, t) = base.link.run(url, &sql, rep)?;
    transfer.add(t);
    let context = base.link.context();
    let bad = |what: &str| {
        Error::Warehouse(format!(
            "{context}: the warehouse returned a customer row Loupe cannot read ({what})"
        ))
    };
    let mut columns = known_columns(&base);
    if select == Select::Members {
        columns.truncate(1);
        columns.push(("loupe_blank".into(), ColumnType::Text));
    }
    let mut as_of = None;
    let mut customers = 0;
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    for mut r in result.rows {
        if r.len() != columns.len() + 1 {
            return Err(bad("a row of another width"));
        }
        match r[0].as_deref() {
            Some("asof") => {
                let day = r[1].as_deref().unwrap_or("");
                as_of = Some(NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad(day))?);
                let n = r[2].as_deref().unwrap_or("");
                customers = n.parse().map_err(|_| bad(n))?;
            }
            Some("row") => {
                r.remove(0);
                rows.push(r);
            }
            other => return Err(bad(other.unwrap_or("no kind"))),
        }
    }
    let as_of = as_of.ok_or_else(|| bad("no as-of day"))?;
    if customers == 0 {
        return Err(Error::InvalidArgument(format!(
            "no customer of linked dataset '{}' bought before the as-of date",
            base.link.name
        )));
    }
    rows.sort_by(|a, b| a[0].cmp(&b[0]));
    let mut frame = text_frame(&columns, &rows).map_err(|e| bad(&e))?;
    if select == Select::Members {
        frame = frame.drop("loupe_blank")?;
    }
    Ok((
        Rows {
            frame,
            as_of,
            customers,
        },
        transfer,
    ))
}

/// Typed columns from rows of text (PostgreSQL's text forms: shortest round-trip doubles,
/// ISO dates, t/f); the first value that does not read is the error.
fn text_frame(
    columns: &Columns,
    rows: &[Vec<Option<String>>],
) -> std::result::Result<polars::prelude::DataFrame, String> {
    use polars::prelude::*;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut out = Vec::with_capacity(columns.len());
    for (j, (name, ty)) in columns.iter().enumerate() {
        let values = rows.iter().map(|r| r[j].as_deref());
        fn read<'a, T>(
            values: impl Iterator<Item = Option<&'a str>>,
            f: impl Fn(&str) -> Option<T>,
        ) -> std::result::Result<Vec<Option<T>>, String> {
            values
                .map(|v| v.map(|v| f(v).ok_or_else(|| v.to_string())).transpose())
                .collect()
        }
        let name = PlSmallStr::from(name.as_str());
        let col = match ty {
            ColumnType::Integer => Column::new(name, read(values, |v| v.parse::<i64>().ok())?),
            ColumnType::Float => Column::new(name, read(values, |v| v.parse::<f64>().ok())?),
            ColumnType::Boolean => Column::new(
                name,
                read(values, |v| match v {
                    "t" | "true" => Some(true),
                    "f" | "false" => Some(false),
                    _ => None,
                })?,
            ),
            ColumnType::Date => Column::new(
                name,
                read(values, |v| {
                    NaiveDate::parse_from_str(v, "%Y-%m-%d")
                        .ok()
                        .map(|d| (d - epoch).num_days() as i32)
                })?,
            )
            .cast(&DataType::Date)
            .map_err(|e| e.to_string())?,
            _ => Column::new(
                name,
                values.map(|v| v.map(str::to_string)).collect::<Vec<_>>(),
            ),
        };
        out.push(col);
    }
    DataFrame::new_infer_height(out).map_err(|e| e.to_string())
}
