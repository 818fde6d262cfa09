//! A segment as one SQL query, for a data team to run the same definition on its warehouse.
//!
//! The query reads the customer table as written to the project ([`materialize`], table
//! `<dataset>_customers`) and the transactions (and events) as imported, and returns the
//! members' `customer_id`s. It follows [`super::eval`]'s rules exactly: a condition on a missing
//! value is false (`COALESCE(…, 0)`), returns are not purchases, windows end before the as-of date.

use super::base::SegmentBase;
use super::eval::{Saved, unknown_segment, window_start};
use super::rule::{Bought, Did, Op, Rule, Target, Window};
use crate::dataset::{ColumnInfo, DatasetInfo};
use crate::expr::Dialect;
use crate::store::{self, Action, Project, quote_ident};
use crate::{Error, Result};

fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Where a rule's windows end: the as-of date, known, or (in a warehouse) the day after the
/// last line, which the query itself finds (`asof`, a one-row CTE with a date `day`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum AsOf {
    Date(chrono::NaiveDate),
    Cte,
}

impl AsOf {
    /// The first day of an `n`-day window ending before the as-of date, as SQL.
    fn start(self, days: u32) -> String {
        match self {
            AsOf::Date(d) => text(&window_start(d, days)),
            AsOf::Cte => format!("((SELECT day FROM asof) - {days})"),
        }
    }
}

/// What a rule compiles against.
pub(crate) struct Context<'a> {
    pub dialect: Dialect,
    pub as_of: AsOf,
    /// Tag name → rule.
    pub tags: &'a [(String, String)],
    /// Whether there is an events dataset (for did()).
    pub has_events: bool,
}

/// A rule as SQL: the condition over the customer table `c`, the joins it needs, and what it
/// reads.
pub(crate) struct Compiled {
    pub condition: String,
    /// `LEFT JOIN (…) AS bN ON …` per behavioural condition.
    pub joins: Vec<String>,
    pub uses_lines: bool,
    pub uses_events: bool,
    /// The customer table's columns the rule names.
    pub columns: Vec<String>,
}

struct Compiler<'a> {
    ctx: &'a Context<'a>,
    saved: &'a Saved,
    stack: Vec<String>,
    out: Compiled,
}

/// Compiles `rule` (saved segments from `saved`) against `ctx`.
pub(crate) fn compile(ctx: &Context<'_>, rule: &Rule, saved: &Saved) -> Result<Compiled> {
    let mut c = Compiler {
        ctx,
        saved,
        stack: Vec::new(),
        out: Compiled {
            condition: String::new(),
            joins: Vec::new(),
            uses_lines: false,
            uses_events: false,
            columns: Vec::new(),
        },
    };
    c.out.condition = c.rule(rule)?;
    Ok(c.out)
}

/// The SQL query listing the members' customer ids, sorted.
pub fn to_sql(base: &SegmentBase, rule: &Rule, saved: &Saved) -> Result<String> {
    let ctx = Context {
        dialect: Dialect::Sqlite,
        as_of: AsOf::Date(base.as_of),
        tags: &base.tags,
        has_events: base.sql.events.is_some(),
    };
    let c = compile(&ctx, rule, saved)?;
    let mut ctes = Vec::new();
    if c.uses_lines {
        ctes.push(format!("loupe_lines AS (\n{}\n)", lines_cte(base)));
    }
    if c.uses_events {
        ctes.push(format!("loupe_events AS (\n{}\n)", events_cte(base)?));
    }
    let with = if ctes.is_empty() {
        String::new()
    } else {
        format!("WITH {}\n", ctes.join(",\n"))
    };
    let joins: String = c.joins.iter().map(|j| format!("\n{j}")).collect();
    Ok(format!(
        "{with}SELECT c.customer_id\nFROM {} AS c{joins}\nWHERE {}\nORDER BY c.customer_id",
        quote_ident(&base.table_name()),
        c.condition
    ))
}

/// The transactions as the customer table reads them: purchase lines before the as-of date.
fn lines_cte(base: &SegmentBase) -> String {
    let s = &base.sql;
    let cols = &s.columns;
    let cast = |c: &Option<String>| {
        c.as_deref()
            .map(|c| format!("NULLIF(CAST(t.{c} AS TEXT), '')"))
            .unwrap_or_else(|| "NULL".into())
    };
    let order = cols.order.clone().unwrap_or_else(|| cols.timestamp.clone());
    let amount = cols.amount.as_deref().unwrap_or("0");
    let (category, join) = match (&s.products, &cols.category) {
        (Some((p, item, cat)), None) => (
            "p.loupe_category".to_string(),
            format!(
                "\n  LEFT JOIN (SELECT CAST({item} AS TEXT) AS loupe_item_id, MIN(CAST({cat} AS TEXT)) AS loupe_category FROM {} WHERE {item} IS NOT NULL AND {cat} IS NOT NULL GROUP BY 1) AS p ON p.loupe_item_id = CAST(t.{} AS TEXT)",
                quote_ident(p),
                cols.item_id.as_deref().unwrap_or("NULL")
            ),
        ),
        _ => (cast(&cols.category), String::new()),
    };
    let quantity = cols
        .quantity
        .as_deref()
        .map(|q| format!(" AND NOT COALESCE({q} < 0, 0)"))
        .unwrap_or_default();
    let filter = s
        .filter
        .as_deref()
        .map(|f| format!(" AND ({f})"))
        .unwrap_or_default();
    format!(
        "  SELECT CAST(t.{cust} AS TEXT) AS customer_id, substr(t.{ts}, 1, 10) AS day, CAST(t.{order} AS TEXT) AS order_key,\n         {item_id} AS item_id, {item} AS item, {category} AS category, ({amount}) AS amount\n  FROM {table} AS t{join}\n  WHERE trim(CAST(t.{cust} AS TEXT)) <> '' AND substr(t.{ts}, 1, 10) < {as_of}{quantity} AND NOT COALESCE(({amount}) < 0, 0){filter}",
        cust = cols.customer,
        ts = cols.timestamp,
        item_id = cast(&cols.item_id),
        item = cast(&cols.item),
        table = quote_ident(&s.dataset),
        as_of = text(&base.as_of.to_string()),
    )
}

fn events_cte(base: &SegmentBase) -> Result<String> {
    let Some((table, cust, ts, ev)) = &base.sql.events else {
        return Err(Error::InvalidArgument(
            "did() needs an events dataset with the roles customer_id, timestamp and event_type"
                .into(),
        ));
    };
    Ok(format!(
        "  SELECT CAST({cust} AS TEXT) AS customer_id, substr({ts}, 1, 10) AS day, CAST({ev} AS TEXT) AS event\n  FROM {}\n  WHERE substr({ts}, 1, 10) < {}",
        quote_ident(table),
        text(&base.as_of.to_string())
    ))
}

impl Compiler<'_> {
    fn rule(&mut self, rule: &Rule) -> Result<String> {
        Ok(match rule {
            Rule::All { rules } if rules.is_empty() => self.truth(true),
            Rule::Any { rules } if rules.is_empty() => self.truth(false),
            Rule::All { rules } | Rule::Any { rules } => {
                let word = if matches!(rule, Rule::All { .. }) {
                    " AND "
                } else {
                    " OR "
                };
                let parts = rules
                    .iter()
                    .map(|r| self.rule(r))
                    .collect::<Result<Vec<_>>>()?;
                format!("({})", parts.join(word))
            }
            Rule::Not { rule } => format!("NOT {}", self.rule(rule)?),
            Rule::Condition(c) => match (&c.op, self.ctx.as_of) {
                (Op::WithinDays { days }, AsOf::Cte) => {
                    self.uses(&c.column);
                    format!(
                        "coalesce({} >= {}, FALSE)",
                        self.ident(&c.column),
                        self.ctx.as_of.start(*days)
                    )
                }
                (Op::WithinDays { days }, AsOf::Date(d)) => {
                    self.condition(&c.to_expr(Some(&window_start(d, *days))))
                }
                _ => self.condition(&c.to_expr(None)),
            },
            Rule::Expr { text } => self.condition(&crate::expr::parse(text)?),
            Rule::HasTag { name } => {
                let Some((_, r)) = self.ctx.tags.iter().find(|(t, _)| t == name) else {
                    return Err(Error::InvalidArgument(format!("there is no tag '{name}'")));
                };
                self.condition(&crate::expr::parse(r)?)
            }
            Rule::InSegment { name } => {
                let Some(inner) = self.saved.get(name) else {
                    return Err(unknown_segment(name, self.saved));
                };
                if self.stack.contains(name) {
                    return Err(Error::InvalidArgument(format!(
                        "segment '{name}' includes itself"
                    )));
                }
                self.stack.push(name.clone());
                let sql = self.rule(inner)?;
                self.stack.pop();
                sql
            }
            Rule::Bought(b) => self.bought(b),
            Rule::Did(d) => self.did(d)?,
        })
    }

    fn truth(&self, b: bool) -> String {
        match (self.ctx.dialect, b) {
            (Dialect::Sqlite, true) => "1".into(),
            (Dialect::Sqlite, false) => "0".into(),
            (_, true) => "TRUE".into(),
            (_, false) => "FALSE".into(),
        }
    }

    fn ident(&self, name: &str) -> String {
        self.ctx.dialect.quote(name)
    }

    fn uses(&mut self, column: &str) {
        if !self.out.columns.iter().any(|c| c == column) {
            self.out.columns.push(column.to_string());
        }
    }

    /// A condition of the expression language; its SQL form counts missing as false.
    fn condition(&mut self, e: &crate::expr::Expr) -> String {
        for c in e.columns() {
            self.uses(c);
        }
        e.to_sql_condition_in(self.ctx.dialect)
    }

    fn window(&self, w: &Window) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(n) = w.within_days {
            out.push(format!("day >= {}", self.ctx.as_of.start(n)));
        }
        if let Some(a) = &w.after {
            out.push(format!("day >= {}", text(a)));
        }
        if let Some(b) = &w.before {
            out.push(format!("day < {}", text(b)));
        }
        out
    }

    /// A LEFT JOIN of per-customer aggregates; returns its alias.
    fn join(&mut self, source: &str, aggregates: &str, conds: Vec<String>) -> String {
        let alias = format!("b{}", self.out.joins.len() + 1);
        let filter = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        self.out.joins.push(format!(
            "LEFT JOIN (SELECT customer_id, {aggregates} FROM {source}{filter} GROUP BY customer_id) AS {alias} ON {alias}.customer_id = c.customer_id"
        ));
        alias
    }

    fn bought(&mut self, b: &Bought) -> String {
        self.out.uses_lines = true;
        let mut conds = self.window(&b.window);
        if let Some(m) = &b.matching {
            let col = match m.target {
                Target::ItemId => "item_id",
                Target::Item => "item",
                Target::Category => "category",
            };
            let list: Vec<String> = m
                .values
                .iter()
                .map(|v| self.ctx.dialect.string(v))
                .collect();
            conds.push(format!("{col} IN ({})", list.join(", ")));
        }
        let a = self.join(
            "loupe_lines",
            "count(DISTINCT order_key) AS times, sum(amount) AS amount",
            conds,
        );
        let mut tests = vec![format!("COALESCE({a}.times, 0) >= {}", b.min_times())];
        if let Some(m) = b.max_times {
            tests.push(format!("COALESCE({a}.times, 0) <= {m}"));
        }
        if let Some(v) = b.min_amount {
            tests.push(format!("COALESCE({a}.amount, 0) >= {v:?}"));
        }
        if let Some(v) = b.max_amount {
            tests.push(format!("COALESCE({a}.amount, 0) <= {v:?}"));
        }
        format!("({})", tests.join(" AND "))
    }

    fn did(&mut self, d: &Did) -> Result<String> {
        if !self.ctx.has_events {
            return Err(Error::InvalidArgument(
                "did() needs an events dataset with the roles customer_id, timestamp and event_type".into(),
            ));
        }
        self.out.uses_events = true;
        let mut conds = self.window(&d.window);
        conds.push(format!("event = {}", self.ctx.dialect.string(&d.event)));
        let a = self.join("loupe_events", "count(*) AS times", conds);
        let mut tests = vec![format!("COALESCE({a}.times, 0) >= {}", d.min_times())];
        if let Some(m) = d.max_times {
            tests.push(format!("COALESCE({a}.times, 0) <= {m}"));
        }
        Ok(format!("({})", tests.join(" AND ")))
    }
}

/// Writes the base's customer table to the project as `<dataset>_customers` (kind
/// `customers`), replacing an earlier one, in one transaction; the query of [`to_sql`] reads it.
pub fn materialize(project: &mut Project, base: &SegmentBase) -> Result<String> {
    let name = base.table_name();
    let tx = project.conn_mut().transaction()?;
    let kind: Option<String> = {
        use rusqlite::OptionalExtension;
        tx.query_row(
            "SELECT kind FROM _loupe_datasets WHERE name = ?1",
            [&name],
            |r| r.get(0),
        )
        .optional()?
    };
    match kind.as_deref() {
        Some("customers") => store::remove_dataset(&tx, &name)?,
        Some(_) => {
            return Err(Error::InvalidArgument(format!(
                "a dataset named '{name}' exists and is not a customer table; rename or delete it"
            )));
        }
        None => {}
    }
    let typed = crate::frame::write_frame(
        &tx,
        &name,
        &base.frame,
        &crate::progress::Reporter::silent(),
    )?;
    let info = DatasetInfo {
        name: name.clone(),
        format: "customers".into(),
        encoding: None,
        delimiter: None,
        has_header: true,
        imported_at: store::now(),
        rows: base.frame.height() as u64,
        sources: vec![],
        columns: typed
            .into_iter()
            .map(|(n, ty)| ColumnInfo {
                role: (n == "customer_id").then_some(crate::dataset::Role::CustomerId),
                role_source: None,
                name: n,
                ty,
                nulls: 0,
                note: None,
            })
            .collect(),
    };
    store::insert_dataset(
        &tx,
        &store::NewDataset {
            info: &info,
            kind: "customers",
        },
    )?;
    store::append_activity(
        &tx,
        Action::Rebuild,
        Some(&name),
        Some(info.rows),
        &serde_json::json!({"source": base.dataset, "as_of": base.as_of.to_string()}),
    )?;
    tx.commit()?;
    Ok(name)
}
