//! `loupe customers`: the customer table with RFM scores, groups and lifecycle stages.

use super::ranges;
use super::say;
use clap::Args;
use loupe::combine::{RoleSource, RolesSpec};
use loupe::customers::keep::customer_table_with;
use loupe::customers::rfm::{LifecycleThresholds, RfmOptions};
use loupe::customers::tags::{evaluate_frame, rules};
use loupe::customers::write::write_frame_with_tags;
use loupe::error::{Error, Result};
use loupe::i18n::int;
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct CustomersArgs {
    #[arg(long)]
    project: PathBuf,
    /// The transactions dataset (roles customer_id, timestamp, amount or quantity × unit_price).
    #[arg(long)]
    dataset: String,
    /// The as-of date, YYYY-MM-DD (default: the day after the last transaction).
    #[arg(long)]
    as_of: Option<String>,
    /// Only rows satisfying this SQL condition, e.g. "Quantity > 0 AND UnitPrice > 0" (on a
    /// linked dataset, a condition of the expression language, which that example also is).
    #[arg(long = "where")]
    filter: Option<String>,
    /// Lifecycle thresholds in days.
    #[arg(long, default_value_t = 30, value_parser = ranges::whole::<i64, 1, 36_500>)]
    new_days: i64,
    #[arg(long, default_value_t = 90, value_parser = ranges::whole::<i64, 1, 36_500>)]
    active_days: i64,
    #[arg(long, default_value_t = 180, value_parser = ranges::whole::<i64, 1, 36_500>)]
    at_risk_days: i64,
    #[arg(long, default_value_t = 365, value_parser = ranges::whole::<i64, 1, 36_500>)]
    lapsed_days: i64,
    /// A customers dataset whose columns (gender, city, …) are joined on by customer_id.
    #[arg(long, value_name = "DATASET")]
    attributes: Option<String>,
    /// A products dataset (roles item_id and category) that gives each line its category when
    /// the transactions have none.
    #[arg(long, value_name = "DATASET")]
    products: Option<String>,
    /// The person from a related dataset, e.g. customers.customer_unique_id (followed through a
    /// confirmed relationship, see loupe relationships). With --person, --time or --amount the
    /// transactions with those roles are kept as DATASET_related and the table is built on it.
    #[arg(long, value_name = "DATASET.COLUMN")]
    person: Option<RoleSource>,
    /// The time from a related dataset, e.g. orders.order_purchase_timestamp (the earliest per
    /// key when the related dataset repeats the key).
    #[arg(long, value_name = "DATASET.COLUMN")]
    time: Option<RoleSource>,
    /// The amount from a related dataset, e.g. payments.payment_value (summed per key when the
    /// related dataset repeats the key, as split payments do; a unit price is multiplied by the
    /// quantity first, as in order lines).
    #[arg(long, value_name = "DATASET.COLUMN")]
    amount: Option<RoleSource>,
    /// Build on the unified customer: the lines of --dataset and of the other transactions
    /// datasets (one per platform, see --identity-datasets) with each line's customer replaced by
    /// the person the identity map links it to (built or rebuilt first when missing or stale), so
    /// a person who bought on two platforms is one customer with the orders of both. The lines
    /// are kept as DATASET_unified.
    #[arg(long)]
    identity: bool,
    /// With --identity: the other transactions datasets to join, comma-separated (default: every
    /// other transactions dataset in the project).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "DATASETS",
        requires = "identity"
    )]
    identity_datasets: Option<Vec<String>>,
    /// Keep the lines whose order status (the order_status role) means cancelled or refunded;
    /// by default they are left out.
    #[arg(long)]
    include_cancelled: bool,
    /// Output file: .csv or .parquet.
    #[arg(long)]
    out: PathBuf,
}

pub fn customers(a: CustomersArgs) -> Result<()> {
    let as_of = a
        .as_of
        .as_deref()
        .map(|s| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                Error::InvalidArgument(format!(
                    "--as-of '{s}' is not a date; write it as YYYY-MM-DD"
                ))
            })
        })
        .transpose()?;
    let dataset = if a.identity {
        if a.person.is_some() || a.time.is_some() || a.amount.is_some() {
            return Err(Error::InvalidArgument(
                "--identity and --person/--time/--amount cannot be combined; build the related dataset first, then the unified customers on it".into(),
            ));
        }
        let mut project = Project::open(&a.project)?;
        let mut datasets = vec![a.dataset.clone()];
        match &a.identity_datasets {
            Some(more) => datasets.extend(more.iter().cloned()),
            None => datasets.extend(loupe::identity::unified::candidates(&project, &a.dataset)?),
        }
        let u = super::progress_bar::with_bar(|rep| {
            loupe::identity::unified::materialise(&mut project, &datasets, rep)
        })?;
        eprintln!(
            "unified customers of {}: {} customers before linking, {} after; lines kept as '{}'",
            u.datasets.join(", "),
            int(u.customers_before),
            int(u.customers_after),
            u.dataset
        );
        u.dataset
    } else if a.person.is_some() || a.time.is_some() || a.amount.is_some() {
        let spec = RolesSpec {
            base: a.dataset.clone(),
            person: a.person,
            time: a.time,
            amount: a.amount,
        };
        let mut project = Project::open(&a.project)?;
        let name = super::progress_bar::with_bar(|rep| {
            loupe::combine::through::materialise(&mut project, &spec, rep)
        })?;
        eprintln!(
            "transactions with related roles kept as '{name}' ({})",
            spec.describe()
        );
        name
    } else {
        a.dataset.clone()
    };
    let project = Project::open_read_only(&a.project)?;
    let opts = RfmOptions {
        as_of,
        filter: a.filter,
        lifecycle: LifecycleThresholds {
            new_days: a.new_days,
            active_days: a.active_days,
            at_risk_days: a.at_risk_days,
            lapsed_days: a.lapsed_days,
        },
        attributes: a.attributes,
        products: a.products,
        include_cancelled: a.include_cancelled,
    };
    // The kept table when its inputs are unchanged; else the dataset's columnar copy is built
    // first (with progress) when it is missing or stale, then the table, which is kept.
    let table = match loupe::customers::keep::find(&project, &dataset, &opts)? {
        Some(t) => t,
        None => super::progress_bar::with_bar(|rep| {
            // A linked dataset has no copy: its warehouse computes the figures.
            if loupe::warehouse::link::linked(&project, &dataset)?.is_none() {
                let info = project.dataset(&dataset)?;
                loupe::kept::copy::ensure(&project, &info, rep)?;
            }
            customer_table_with(&project, &dataset, &opts, rep)
        })?,
    };
    // The project's tag rules add a `tags` column; a rule that fails is named on stderr.
    let tags = evaluate_frame(&table.frame, &rules(&project)?)?;
    for (r, m) in tags.rules.iter().zip(&tags.members) {
        if let Err(e) = m {
            eprintln!("tag '{}' left out: {e}", r.name);
        }
    }
    write_frame_with_tags(&table.frame, Some(&tags), &a.out)?;
    if let Some(x) = &table.status_exclusion {
        say!("{}", super::explain::status_exclusion(x));
    }
    say!(
        "{} customers as of {} written to {}",
        int(table.len() as u64),
        table.as_of,
        a.out.display()
    );
    if let Some(t) = table.transfer {
        say!("{}", super::warehouse::transfer_line(t));
    }
    Ok(())
}
