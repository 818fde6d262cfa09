//! What segments are evaluated over: the customer table (with lifetime value) as a polars
//! frame, and each customer's purchases and events in compact arrays, loaded once.

use super::keep::{self, BaseKey, KeptBase};
use super::need::Need;
use crate::customers::columns::{Sources, TransactionColumns, guess_sources};
use crate::customers::rfm::{CustomerBase, RfmOptions, customer_base};
use crate::customers::scan::{Interner, NONE, Scan};
use crate::customers::tags::table_frame;
use crate::customers::value::customer_value;
use crate::dataset::{DatasetInfo, Role};
use crate::progress::Reporter;
use crate::store::{Project, quote_ident};
use crate::{Error, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::HashMap;

/// Which data the customer table is built from.
#[derive(Debug, Clone, Default)]
pub struct BaseOptions {
    /// The transactions; default: the one dataset with the roles customer_id, timestamp and an
    /// amount (with an order id first).
    pub dataset: Option<String>,
    /// Customer attributes joined by customer id; default: guessed ([`guess_sources`]).
    pub attributes: Option<String>,
    /// Products with item_id and category; default: guessed.
    pub products: Option<String>,
    /// Events with customer_id, timestamp and event_type; default: the one such dataset.
    pub events: Option<String>,
    /// Default: the day after the last transaction.
    pub as_of: Option<NaiveDate>,
    /// Only transaction rows satisfying this SQL condition.
    pub filter: Option<String>,
}

/// Lines per customer in one flat array: customer `i` owns `start[i]..start[i + 1]`.
#[derive(Debug, Default, PartialEq)]
pub struct Lines {
    pub start: Vec<usize>,
    /// Days since 1970-01-01.
    pub day: Vec<i32>,
    /// Purchases: the order; events: the event type.
    pub key: Vec<u32>,
    pub item_id: Vec<u32>,
    pub item: Vec<u32>,
    pub category: Vec<u32>,
    pub amount: Vec<f64>,
}

impl Lines {
    pub fn range(&self, customer: usize) -> std::ops::Range<usize> {
        self.start[customer]..self.start[customer + 1]
    }

    pub fn len(&self) -> usize {
        self.day.len()
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
    }
}

/// The names behind the numbers of [`Lines`].
#[derive(Debug, Default)]
pub struct Names {
    pub item_ids: Interner,
    pub items: Interner,
    pub categories: Interner,
    pub events: Interner,
}

/// How the transactions are read in SQL, for [`super::sql`].
#[derive(Debug, Clone)]
pub struct SqlSource {
    pub dataset: String,
    pub columns: TransactionColumns,
    pub filter: Option<String>,
    /// The products dataset and its item_id and category columns, when categories come from it.
    pub products: Option<(String, String, String)>,
    /// The events dataset and its customer, timestamp and event columns.
    pub events: Option<(String, String, String, String)>,
}

/// The customer table and the behaviour behind it.
#[derive(Debug)]
pub struct SegmentBase {
    pub dataset: String,
    pub as_of: NaiveDate,
    /// The customer table: the columns of `loupe customers` plus `p_alive`,
    /// `expected_purchases` and `clv` (see [`add_value_columns`]).
    pub frame: DataFrame,
    pub purchases: Lines,
    pub events: Option<Lines>,
    pub names: Names,
    /// Tag name → rule, in the project's order.
    pub tags: Vec<(String, String)>,
    /// The customer table's attributes as codes, for portraits of segments.
    pub dimensions: Vec<crate::customers::portrait::Dimension>,
    pub sql: SqlSource,
    /// The lines that were loaded ([`Need::everything`] unless loaded for one rule).
    pub loaded: Need,
    /// Whether the table was read from the project's kept copy rather than built.
    pub kept: bool,
}

/// Days since 1970-01-01.
pub fn day_number(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (d - epoch).num_days() as i32
}

/// The events dataset to use: the one named, or the only one with an event type.
pub(crate) fn find_events(project: &Project, named: Option<&str>) -> Result<Option<DatasetInfo>> {
    if let Some(n) = named {
        return Ok(Some(project.dataset(n)?));
    }
    let has = |d: &DatasetInfo, r: Role| d.column_with_role(r).is_some();
    let candidates: Vec<DatasetInfo> = project
        .datasets()?
        .into_iter()
        .filter(|d| has(d, Role::EventType) && has(d, Role::CustomerId) && has(d, Role::Timestamp))
        .collect();
    Ok(if candidates.len() == 1 {
        candidates.into_iter().next()
    } else {
        None
    })
}

/// The transactions dataset to use: the one named, or the only one with the roles (of several: a
/// cleaned table over its source, or the only one not imported with a platform preset).
pub fn find_transactions(project: &Project, named: Option<&str>) -> Result<String> {
    if let Some(n) = named {
        project.dataset(n)?;
        return Ok(n.to_string());
    }
    let all = project.datasets()?;
    let tx: Vec<&DatasetInfo> = all
        .iter()
        .filter(|d| crate::customers::columns::is_transactions(d))
        .collect();
    match tx.as_slice() {
        [one] => Ok(one.name.clone()),
        [] => Err(Error::InvalidArgument(
            "no dataset has the roles customer_id, timestamp and an amount (or quantity and unit_price); set them with loupe set-role".into(),
        )),
        many => {
            // Transactions and the same with roles from related datasets (`loupe customers
            // --person …`, the Customers page): the related one, the customer table's own.
            let related: Vec<&&DatasetInfo> = many
                .iter()
                .filter(|d| {
                    d.format == crate::combine::through::KIND
                        && many
                            .iter()
                            .any(|o| d.name == format!("{}_related", o.name))
                })
                .collect();
            if let [one] = related.as_slice() {
                return Ok(one.name.clone());
            }
            // A cleaned table and its source: the cleaned one.
            let cleaned: Vec<&&DatasetInfo> = many
                .iter()
                .filter(|d| {
                    many.iter()
                        .any(|o| d.name == crate::clean::default_output(&o.name))
                })
                .collect();
            if let [one] = cleaned.as_slice() {
                return Ok(one.name.clone());
            }
            // A shop's own orders beside marketplace exports (imported with a platform preset):
            // the shop's own; the exports join it on the unified customer.
            let presets = crate::identity::presets(project)?;
            let own: Vec<&&DatasetInfo> = many
                .iter()
                .filter(|d| !presets.contains_key(&d.name))
                .collect();
            if let [one] = own.as_slice() {
                return Ok(one.name.clone());
            }
            let names: Vec<&str> = many.iter().map(|d| d.name.as_str()).collect();
            Err(Error::InvalidArgument(format!(
                "several datasets hold transactions ({}); choose one with --dataset",
                names.join(", ")
            )))
        }
    }
}

/// The datasets a base is built from, resolved from [`BaseOptions`] and the catalog.
struct Resolved {
    key: BaseKey,
    rfm: RfmOptions,
    info: DatasetInfo,
    events: Option<DatasetInfo>,
}

fn resolve(project: &Project, opts: &BaseOptions) -> Result<Resolved> {
    let dataset = find_transactions(project, opts.dataset.as_deref())?;
    let guessed: Sources = guess_sources(&project.datasets()?);
    let rfm = RfmOptions {
        as_of: opts.as_of,
        filter: opts.filter.clone(),
        attributes: opts.attributes.clone().or(guessed.attributes),
        products: opts.products.clone().or(guessed.products),
        ..RfmOptions::default()
    };
    let events = find_events(project, opts.events.as_deref())?;
    let key = BaseKey {
        dataset: dataset.clone(),
        attributes: rfm.attributes.clone(),
        products: rfm.products.clone(),
        events: events.as_ref().map(|e| e.name.clone()),
        as_of: opts.as_of.map(|d| d.to_string()),
        filter: opts.filter.clone(),
    };
    Ok(Resolved {
        key,
        rfm,
        info: project.dataset(&dataset)?,
        events,
    })
}

impl SegmentBase {
    /// The customer table and every line of behaviour: the one kept in the project when its
    /// inputs are unchanged, else built (and kept for the next time).
    pub fn load(project: &Project, opts: &BaseOptions) -> Result<SegmentBase> {
        Self::load_for(project, opts, &Need::everything())
    }

    /// The customer table and the lines `need` names (see [`Need::of`]): from the kept base
    /// when there is a valid one, reading only the chunks of the items and events named; else
    /// built in full and kept. Keeping is best-effort: a project file that cannot be written
    /// (read-only) still answers, from a fresh build.
    pub fn load_for(project: &Project, opts: &BaseOptions, need: &Need) -> Result<SegmentBase> {
        Self::load_for_with(project, opts, need, &Reporter::silent())
    }

    /// `base` when it holds the lines `need` names; else the base of `opts` loaded again with
    /// them (from the kept base: only those lines are read). For a window that keeps only the
    /// customer table of a large dataset in memory.
    pub fn with_lines(
        base: &std::sync::Arc<SegmentBase>,
        project: &Project,
        opts: &BaseOptions,
        need: &Need,
    ) -> Result<std::sync::Arc<SegmentBase>> {
        if base.loaded.covers(need) {
            return Ok(base.clone());
        }
        Ok(std::sync::Arc::new(Self::load_for(project, opts, need)?))
    }

    /// [`Self::load_for`], reporting a build's progress to `rep` (cancelled between passes).
    pub fn load_for_with(
        project: &Project,
        opts: &BaseOptions,
        need: &Need,
        rep: &Reporter,
    ) -> Result<SegmentBase> {
        let r = resolve(project, opts)?;
        let inputs = r.key.inputs(project)?;
        // A damaged entry is built again (and replaced) like a stale one.
        if let Ok(Some(k)) = keep::read(project, &inputs, need) {
            return Self::assemble(project, &r, opts, k, need.clone(), true);
        }
        // Built in passes and kept, then read back as a kept one (only the lines `need` names);
        // when it cannot be kept, built whole in memory.
        if Self::build_and_keep(project, &r, opts, &inputs, rep)?.is_ok()
            && let Ok(Some(k)) = keep::read(project, &inputs, need)
        {
            return Self::assemble(project, &r, opts, k, need.clone(), false);
        }
        Self::build(project, &r, opts)
    }

    /// Builds the base in passes over ranges of customers (see
    /// [`crate::customers::passes`]), each pass's purchases turned into kept parts before the
    /// next is read, and keeps it: the lines are never all in memory at once. The inner result
    /// is the keeping's (a project file that cannot be written).
    fn build_and_keep(
        project: &Project,
        r: &Resolved,
        opts: &BaseOptions,
        inputs: &crate::kept::Inputs,
        rep: &Reporter,
    ) -> Result<Result<()>> {
        let mut parts = keep::LineParts::new("purchases");
        let mut names = Names::default();
        let mut base = crate::customers::rfm::customer_base_by_passes(
            project,
            &r.key.dataset,
            &r.rfm,
            crate::customers::passes::lines_per_pass(),
            &mut |scan, lines_of| parts.add(&pass_purchases(scan, lines_of, &mut names)),
            rep,
        )?;
        // The lines are in the parts now (a single pass leaves them in the base too).
        base.scan = Scan::default();
        base.lines_of = Vec::new();
        let (frame, events) = table_and_events(project, r, opts, &base, &mut names.events)?;
        let as_of = base.table.as_of;
        let dimensions = crate::customers::portrait::dimensions(&base.table);
        let header = keep::Header {
            as_of,
            frame: &frame,
            dimensions: &dimensions,
            names: &names,
            events: events.as_ref(),
        };
        Ok(keep::write_with(project, inputs, &header, parts))
    }

    /// Builds the customer table and reads the behaviour from the transactions, without
    /// reading or writing the kept base.
    pub fn compute(project: &Project, opts: &BaseOptions) -> Result<SegmentBase> {
        Self::build(project, &resolve(project, opts)?, opts)
    }

    fn build(project: &Project, r: &Resolved, opts: &BaseOptions) -> Result<SegmentBase> {
        let base = customer_base(project, &r.key.dataset, &r.rfm)?;
        let (purchases, mut names) = purchases(&base);
        let (frame, events) = table_and_events(project, r, opts, &base, &mut names.events)?;
        let as_of = base.table.as_of;
        let kept = KeptBase {
            as_of,
            frame,
            purchases,
            events,
            names,
            dimensions: crate::customers::portrait::dimensions(&base.table),
        };
        Self::assemble(project, r, opts, kept, Need::everything(), false)
    }

    /// The base of a built or kept table, with what comes from the catalog: the SQL source and
    /// the tags.
    fn assemble(
        project: &Project,
        r: &Resolved,
        opts: &BaseOptions,
        k: KeptBase,
        loaded: Need,
        kept: bool,
    ) -> Result<SegmentBase> {
        let columns = TransactionColumns::find(&r.info)?;
        let products = match (&r.rfm.products, &columns.category, &columns.item_id) {
            (Some(p), None, Some(_)) => {
                let pinfo = project.dataset(p)?;
                let col = |r: Role| pinfo.column_with_role(r).map(|c| quote_ident(&c.name));
                match (col(Role::ItemId), col(Role::Category)) {
                    (Some(i), Some(c)) => Some((p.clone(), i, c)),
                    _ => None,
                }
            }
            _ => None,
        };
        let events_sql = r.events.as_ref().and_then(|e| {
            let col = |r: Role| e.column_with_role(r).map(|c| quote_ident(&c.name));
            Some((
                e.name.clone(),
                col(Role::CustomerId)?,
                col(Role::Timestamp)?,
                col(Role::EventType)?,
            ))
        });
        let tags = crate::customers::tags::rules(project)?
            .into_iter()
            .map(|t| (t.name, t.rule))
            .collect();
        Ok(SegmentBase {
            dimensions: k.dimensions,
            dataset: r.key.dataset.clone(),
            as_of: k.as_of,
            frame: k.frame,
            purchases: k.purchases,
            events: k.events,
            names: k.names,
            tags,
            loaded,
            kept,
            sql: SqlSource {
                dataset: r.key.dataset.clone(),
                columns,
                filter: opts.filter.clone(),
                products,
                events: events_sql,
            },
        })
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    pub fn is_empty(&self) -> bool {
        self.frame.height() == 0
    }

    /// The customer ids, in the table's order.
    pub fn ids(&self) -> Result<Vec<String>> {
        let col = self.frame.column("customer_id")?.str()?.clone();
        Ok(col
            .iter()
            .map(|s| s.unwrap_or_default().to_string())
            .collect())
    }

    /// The SQL name of the customer table when it is written to the project.
    pub fn table_name(&self) -> String {
        format!("{}_customers", self.dataset)
    }
}

/// The customer table as kept (with the value columns and the line attributes), and the events
/// of its customers before the as-of date, their types numbered in `event_names`.
fn table_and_events(
    project: &Project,
    r: &Resolved,
    opts: &BaseOptions,
    base: &CustomerBase,
    event_names: &mut Interner,
) -> Result<(DataFrame, Option<Lines>)> {
    let mut frame = table_frame(&base.table)?;
    add_value_columns(base, &mut frame)?;
    add_line_attributes(project, &r.info, opts.filter.as_deref(), &mut frame)?;
    let events = match &r.events {
        Some(info) => {
            let ids: HashMap<&str, usize> = base
                .table
                .customers
                .iter()
                .enumerate()
                .map(|(i, c)| (c.customer_id.as_str(), i))
                .collect();
            Some(read_events(
                project,
                info,
                &ids,
                day_number(base.table.as_of),
                event_names,
            )?)
        }
        None => None,
    };
    Ok((frame, events))
}

/// Adds `p_alive`, `expected_purchases` (next 12 weeks, BG/NBD) and `clv` (expected revenue
/// over the next 12 weeks: expected purchases × average order value). They are empty when the
/// model cannot be fitted (no customer bought on two days).
pub fn add_value_columns(base: &CustomerBase, frame: &mut DataFrame) -> Result<()> {
    let n = base.table.customers.len();
    let (p_alive, expected): (Vec<Option<f64>>, Vec<Option<f64>>) =
        match customer_value(&base.table) {
            Ok(v) => (
                v.p_alive.into_iter().map(Some).collect(),
                v.expected_purchases.into_iter().map(Some).collect(),
            ),
            Err(_) => (vec![None; n], vec![None; n]),
        };
    let clv: Vec<Option<f64>> = expected
        .iter()
        .zip(&base.table.customers)
        .map(|(e, c)| e.map(|e| e * c.average_order_value))
        .collect();
    frame.with_column(Column::new("p_alive".into(), p_alive))?;
    frame.with_column(Column::new("expected_purchases".into(), expected))?;
    frame.with_column(Column::new("clv".into(), clv))?;
    Ok(())
}

/// Text columns of the transactions without a role and with at most this many values become
/// customer columns.
const LINE_ATTRIBUTE_VALUES: i64 = 1_000;

/// Adds, for each text column of the transactions that has no role and few values (such as
/// Online Retail's Country), the customer's most frequent value under the column's own name
/// (ties: the alphabetically first). Columns the table already has are left alone.
fn add_line_attributes(
    project: &Project,
    info: &DatasetInfo,
    filter: Option<&str>,
    frame: &mut DataFrame,
) -> Result<()> {
    let Some(customer) = info.column_with_role(Role::CustomerId) else {
        return Ok(());
    };
    let cust = quote_ident(&customer.name);
    let table = quote_ident(&info.name);
    let filter = filter.map(|f| format!(" AND ({f})")).unwrap_or_default();
    // Read through system calls, not the memory map: a scan of every line would otherwise map
    // the whole table into the process (600 MiB of a 5-million-line project).
    crate::store::unmapped(project.conn(), || {
        add_line_attribute_columns(project, info, &cust, &table, &filter, frame)
    })
}

fn add_line_attribute_columns(
    project: &Project,
    info: &DatasetInfo,
    cust: &str,
    table: &str,
    filter: &str,
    frame: &mut DataFrame,
) -> Result<()> {
    let row_of: HashMap<String, usize> = frame
        .column("customer_id")?
        .str()?
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (s.to_string(), i)))
        .collect();
    for c in &info.columns {
        let taken = frame
            .get_column_names()
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&c.name));
        if c.role.is_some() || c.ty != crate::dataset::ColumnType::Text || taken {
            continue;
        }
        let col = quote_ident(&c.name);
        let distinct: i64 = project.conn().query_row(
            &format!(
                "SELECT count(*) FROM (SELECT DISTINCT {col} FROM {table} LIMIT {})",
                LINE_ATTRIBUTE_VALUES + 1
            ),
            [],
            |r| r.get(0),
        )?;
        if distinct > LINE_ATTRIBUTE_VALUES {
            continue;
        }
        // The lines are counted here rather than by a GROUP BY, whose sort SQLite would hold in
        // memory (temp_store = MEMORY): 800 MiB at 5 million lines.
        let sql = format!(
            "SELECT CAST({cust} AS TEXT), CAST({col} AS TEXT) FROM {table} \
             WHERE {col} IS NOT NULL{filter}"
        );
        let mut values: Vec<String> = Vec::new();
        let mut value_of: HashMap<String, u32> = HashMap::new();
        let mut counts: HashMap<(usize, u32), i64> = HashMap::new();
        let mut last: Option<(String, Option<usize>)> = None;
        let mut stmt = project.conn().prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(id), Some(v)) = (
                crate::frame::cell_text(r.get_ref(0)?),
                crate::frame::cell_text(r.get_ref(1)?),
            ) else {
                continue;
            };
            let row = match &last {
                Some((l, row)) if *l == id => *row,
                _ => {
                    let row = row_of.get(&id).copied();
                    last = Some((id, row));
                    row
                }
            };
            let Some(i) = row else { continue };
            let k = match value_of.get(&v) {
                Some(&k) => k,
                None => {
                    let k = values.len() as u32;
                    value_of.insert(v.clone(), k);
                    values.push(v);
                    k
                }
            };
            *counts.entry((i, k)).or_insert(0) += 1;
        }
        let mut best: Vec<Option<(i64, &str)>> = vec![None; frame.height()];
        for ((i, k), n) in counts {
            let v = values[k as usize].as_str();
            let better = match &best[i] {
                None => true,
                Some((m, w)) => n > *m || (n == *m && v < *w),
            };
            if better {
                best[i] = Some((n, v));
            }
        }
        let values: Vec<Option<String>> = best
            .into_iter()
            .map(|b| b.map(|b| b.1.to_string()))
            .collect();
        frame.with_column(Column::new(c.name.as_str().into(), values))?;
    }
    Ok(())
}

/// The purchase lines (returns left out) of one pass's customers, in the table's order, their
/// texts numbered in `names` (in order of first appearance over the passes: for a single pass,
/// the scan's own numbers).
fn pass_purchases(scan: &Scan, lines_of: &[usize], names: &mut Names) -> Lines {
    let renumber = |from: &Interner, to: &mut Interner| -> Vec<u32> {
        (0..from.len() as u32)
            .map(|k| from.name(k).map_or(NONE, |n| to.id(n.as_bytes())))
            .collect()
    };
    let item_ids = renumber(&scan.item_ids, &mut names.item_ids);
    let items = renumber(&scan.items, &mut names.items);
    let categories = renumber(&scan.categories, &mut names.categories);
    let at = |map: &[u32], k: u32| map.get(k as usize).copied().unwrap_or(NONE);
    let mut out = Lines::default();
    out.start.push(0);
    for &k in lines_of {
        for l in scan.customers[k].lines.iter().filter(|l| !l.is_return) {
            out.day.push(l.day);
            out.key.push(l.order);
            out.item_id.push(at(&item_ids, l.item_id));
            out.item.push(at(&items, l.item));
            out.category.push(at(&categories, l.category));
            out.amount.push(l.amount);
        }
        out.start.push(out.day.len());
    }
    out
}

/// Each customer's purchase lines (returns left out), in the table's order.
fn purchases(base: &CustomerBase) -> (Lines, Names) {
    let scan = &base.scan;
    let mut out = Lines::default();
    out.start.push(0);
    for &k in &base.lines_of {
        for l in scan.customers[k].lines.iter().filter(|l| !l.is_return) {
            out.day.push(l.day);
            out.key.push(l.order);
            out.item_id.push(l.item_id);
            out.item.push(l.item);
            out.category.push(l.category);
            out.amount.push(l.amount);
        }
        out.start.push(out.day.len());
    }
    let names = Names {
        item_ids: clone_interner(&scan.item_ids),
        items: clone_interner(&scan.items),
        categories: clone_interner(&scan.categories),
        events: Interner::default(),
    };
    (out, names)
}

fn clone_interner(i: &Interner) -> Interner {
    let mut out = Interner::default();
    for k in 0..i.len() {
        if let Some(n) = i.name(k as u32) {
            out.id(n.as_bytes());
        }
    }
    out
}

/// The events of the table's customers before the as-of date, grouped by customer.
fn read_events(
    project: &Project,
    info: &DatasetInfo,
    ids: &HashMap<&str, usize>,
    before_day: i32,
    names: &mut Interner,
) -> Result<Lines> {
    let col = |r: Role| {
        info.column_with_role(r)
            .map(|c| quote_ident(&c.name))
            .ok_or_else(|| crate::customers::columns::missing_role(&info.name, r))
    };
    let sql = format!(
        "SELECT CAST({} AS TEXT), CAST({} AS TEXT), CAST({} AS TEXT) FROM {}",
        col(Role::CustomerId)?,
        col(Role::Timestamp)?,
        col(Role::EventType)?,
        quote_ident(&info.name)
    );
    let mut per: Vec<Vec<(i32, u32)>> = vec![Vec::new(); ids.len()];
    let mut stmt = project.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text =
            |j: usize| -> Result<Option<String>> { Ok(crate::frame::cell_text(r.get_ref(j)?)) };
        let (Some(c), Some(ts), Some(ev)) = (text(0)?, text(1)?, text(2)?) else {
            continue;
        };
        let (Some(&i), Some(day)) = (ids.get(c.as_str()), crate::frame::parse_stored_date(&ts))
        else {
            continue;
        };
        if day >= before_day {
            continue;
        }
        per[i].push((day, names.id(ev.as_bytes())));
    }
    let mut out = Lines::default();
    out.start.push(0);
    for evs in per {
        for (day, ev) in evs {
            out.day.push(day);
            out.key.push(ev);
            out.item_id.push(NONE);
            out.item.push(NONE);
            out.category.push(NONE);
            out.amount.push(0.0);
        }
        out.start.push(out.day.len());
    }
    Ok(out)
}
