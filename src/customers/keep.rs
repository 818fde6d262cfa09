//! The customer table kept in the project ([`crate::kept`]): the columns of `loupe customers`
//! (RFM, groups, lifecycle, the per-customer figures and joined attributes) as one frame, with
//! what the command reports beside it (the as-of date, the status exclusion …), keyed by the
//! dataset and every option the table depends on, valid while its input datasets (the
//! transactions, the attributes and the products) are unchanged.
//!
//! Parts of an entry: `meta` (JSON, [`Meta`]) and `frame` (the table as [`table_frame`] gives it,
//! so written out it is the same file a fresh build writes, value for value).

use super::rfm::{RfmOptions, RfmTable, rfm_table};
use super::tags::table_frame;
use crate::dataset::Role;
use crate::kept::{self, Inputs, Part, blob};
use crate::progress::Reporter;
use crate::status::StatusExclusion;
use crate::store::Project;
use crate::{Error, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

const KIND: &str = "customer_table";

/// What a customer table is built from, beyond its input datasets' states.
#[derive(Serialize)]
struct Key<'a> {
    dataset: &'a str,
    as_of: Option<String>,
    filter: Option<&'a str>,
    lifecycle: [i64; 4],
    attributes: Option<&'a str>,
    products: Option<&'a str>,
    include_cancelled: bool,
    /// With an order status column: the status meanings of the presets (embedded and the
    /// user's), which decide the lines left out.
    statuses: Vec<(String, crate::status::OrderStatus)>,
}

fn inputs(project: &Project, dataset: &str, opts: &RfmOptions) -> Result<Inputs> {
    let info = project.dataset(dataset)?;
    let statuses = if !opts.include_cancelled && info.column_with_role(Role::OrderStatus).is_some()
    {
        crate::status::preset_meanings()
    } else {
        Vec::new()
    };
    let l = &opts.lifecycle;
    let key = Key {
        dataset,
        as_of: opts.as_of.map(|d| d.to_string()),
        filter: opts.filter.as_deref(),
        lifecycle: [l.new_days, l.active_days, l.at_risk_days, l.lapsed_days],
        attributes: opts.attributes.as_deref(),
        products: opts.products.as_deref(),
        include_cancelled: opts.include_cancelled,
        statuses,
    };
    let key = serde_json::to_string(&key).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    let datasets: Vec<&str> = std::iter::once(dataset)
        .chain(opts.attributes.as_deref())
        .chain(opts.products.as_deref())
        .collect();
    Inputs::new(project, KIND, key, &datasets)
}

/// What the command reports beside the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Meta {
    as_of: String,
    customers: usize,
    skipped_rows: u64,
    return_only_customers: u64,
    status_exclusion: Option<StatusExclusion>,
}

/// The customer table as `loupe customers` writes it, and what it reports.
#[derive(Debug, Clone)]
pub struct CustomerTable {
    pub as_of: NaiveDate,
    /// The written columns ([`super::write::COLUMNS`], then the joined attributes), one row per
    /// customer, ordered by customer id.
    pub frame: DataFrame,
    pub skipped_rows: u64,
    pub return_only_customers: u64,
    pub status_exclusion: Option<StatusExclusion>,
    /// Whether it was read from the project's kept copy rather than built.
    pub kept: bool,
    /// For a linked dataset, what the warehouse's answers cost on the wire.
    pub transfer: Option<crate::warehouse::Transfer>,
}

impl CustomerTable {
    fn of(table: &RfmTable) -> Result<CustomerTable> {
        Ok(CustomerTable {
            as_of: table.as_of,
            frame: table_frame(table)?,
            skipped_rows: table.skipped_rows,
            return_only_customers: table.return_only_customers,
            status_exclusion: table.status_exclusion.clone(),
            kept: false,
            transfer: None,
        })
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    pub fn is_empty(&self) -> bool {
        self.frame.height() == 0
    }
}

/// The kept table for these options, when there is a valid one (a damaged entry counts as
/// none: it is built again and replaced).
pub fn find(project: &Project, dataset: &str, opts: &RfmOptions) -> Result<Option<CustomerTable>> {
    // A linked dataset's rows change in the warehouse, unseen: its table is never kept.
    if crate::warehouse::link::linked(project, dataset)?.is_some() {
        return Ok(None);
    }
    let inputs = inputs(project, dataset, opts)?;
    Ok(read(project, &inputs).ok().flatten())
}

fn read(project: &Project, inputs: &Inputs) -> Result<Option<CustomerTable>> {
    let Some(entry) = kept::find(project, inputs)? else {
        return Ok(None);
    };
    let meta: Meta = serde_json::from_slice(&entry.part(project, "meta")?)
        .map_err(|e| Error::InvalidArgument(format!("the kept table's description: {e}")))?;
    let as_of = NaiveDate::parse_from_str(&meta.as_of, "%Y-%m-%d")
        .map_err(|e| Error::InvalidArgument(format!("the kept table's as-of date: {e}")))?;
    let frame = blob::from_bytes(&entry.part(project, "frame")?)?;
    if frame.height() != meta.customers {
        return Err(Error::InvalidArgument(
            "the kept customer table's parts disagree on the number of customers".into(),
        ));
    }
    Ok(Some(CustomerTable {
        as_of,
        frame,
        skipped_rows: meta.skipped_rows,
        return_only_customers: meta.return_only_customers,
        status_exclusion: meta.status_exclusion,
        kept: true,
        transfer: None,
    }))
}

/// The customer table: the one kept in the project when its inputs are unchanged, else built
/// (reading the dataset's columnar copy when there is one) and kept for the next time. Keeping
/// is best-effort: a project that cannot be written still answers, from a fresh build.
pub fn customer_table(
    project: &Project,
    dataset: &str,
    opts: &RfmOptions,
) -> Result<CustomerTable> {
    customer_table_with(project, dataset, opts, &Reporter::silent())
}

/// [`customer_table`], reporting a build's progress to `rep` (cancelled between passes).
pub fn customer_table_with(
    project: &Project,
    dataset: &str,
    opts: &RfmOptions,
    rep: &Reporter,
) -> Result<CustomerTable> {
    if let Some(link) = crate::warehouse::link::linked(project, dataset)? {
        let (table, transfer) =
            crate::warehouse::customers::customer_table(project, &link, opts, rep)?;
        return Ok(CustomerTable {
            transfer: Some(transfer),
            ..CustomerTable::of(&table)?
        });
    }
    let inputs = inputs(project, dataset, opts)?;
    if let Ok(Some(t)) = read(project, &inputs) {
        return Ok(t);
    }
    let table = CustomerTable::of(&super::rfm::rfm_table_with(project, dataset, opts, rep)?)?;
    if project.conn().is_autocommit() && !project.is_unwritable() {
        let _ = write(project, &inputs, &table);
    }
    Ok(table)
}

/// Builds the table without reading or writing the kept copy.
pub fn compute(project: &Project, dataset: &str, opts: &RfmOptions) -> Result<CustomerTable> {
    if crate::warehouse::link::linked(project, dataset)?.is_some() {
        return customer_table_with(project, dataset, opts, &Reporter::silent());
    }
    CustomerTable::of(&rfm_table(project, dataset, opts)?)
}

fn write(project: &Project, inputs: &Inputs, t: &CustomerTable) -> Result<()> {
    let meta = Meta {
        as_of: t.as_of.to_string(),
        customers: t.len(),
        skipped_rows: t.skipped_rows,
        return_only_customers: t.return_only_customers,
        status_exclusion: t.status_exclusion.clone(),
    };
    let meta = serde_json::to_vec(&meta).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    let parts = [
        Part {
            name: "meta",
            seq: 0,
            range: None,
            data: meta,
        },
        Part {
            name: "frame",
            seq: 0,
            range: None,
            data: blob::to_bytes(&mut t.frame.clone())?,
        },
    ];
    kept::write(project, inputs, &parts)
}
