//! `loupe join`, `loupe append`, `loupe rebuild` and `loupe relationships`: datasets combined
//! into derived datasets, re-run when their inputs change, and the keys that relate datasets.

use super::progress_bar::with_bar;
use super::say;
use clap::Args;
use loupe::combine::relationships::{self, Relationship, parse_link};
use loupe::combine::{
    Aggregate, AppendSpec, Built, Derivation, How, JoinSpec, plan_append, plan_join,
};
use loupe::error::{Error, Result};
use loupe::i18n::int;
use loupe::store::Project;
use std::path::PathBuf;

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::InvalidArgument(e.to_string()))
}

#[derive(Args)]
pub struct JoinArgs {
    #[arg(long)]
    project: PathBuf,
    /// The dataset whose rows the result keeps (e.g. orders).
    #[arg(long)]
    left: String,
    /// The dataset whose columns are attached (e.g. customers, or payments with --aggregate).
    /// Its key is not repeated; a column whose name the left dataset already has gets
    /// _RIGHT appended (channel_customers), then _2, _3 … if that is taken too.
    #[arg(long)]
    right: String,
    /// The key: a column of both, or LEFT_COLUMN=RIGHT_COLUMN.
    #[arg(long, value_name = "KEY[=RIGHT_KEY]")]
    on: String,
    /// inner: only left rows whose key is on the right; left: every left row.
    #[arg(long, default_value = "left")]
    how: How,
    /// Functions of right columns per key, attached instead of the right rows, e.g.
    /// sum:payment_value,count:payment_sequential (sum, count, mean, min, max). Named
    /// COLUMN_FUNCTION (payment_value_sum).
    #[arg(long, value_delimiter = ',', value_name = "FN:COLUMN")]
    aggregate: Vec<Aggregate>,
    /// Allow a key found on several right rows to repeat the left row once per match (without
    /// it such a join is refused with the counts).
    #[arg(long)]
    allow_many: bool,
    /// The name of the joined dataset.
    #[arg(long)]
    name: String,
    /// Replace a joined or appended dataset of that name (never an imported one).
    #[arg(long)]
    replace: bool,
    /// Only count the rows and columns the join would make.
    #[arg(long)]
    dry_run: bool,
    /// Print one JSON object: the plan, and what was built.
    #[arg(long)]
    json: bool,
}

/// Prints the derived dataset's columns after a build.
/// Builds the derived dataset `name` and prints what was made (with the plan, as JSON).
fn build(
    project: &mut Project,
    name: &str,
    d: &Derivation,
    replace: bool,
    as_json: bool,
    plan: &impl serde::Serialize,
) -> Result<()> {
    let built = with_bar(|rep| loupe::combine::create(project, name, d, replace, rep))?;
    if as_json {
        say!(
            "{}",
            json(&serde_json::json!({"plan": plan, "built": built}))?
        );
    } else {
        print_built(&built);
    }
    Ok(())
}

fn print_built(b: &Built) {
    say!(
        "{}: {} rows, {} columns ({})",
        b.output,
        int(b.rows),
        b.columns.len(),
        b.derivation.describe()
    );
    say!("  columns: {}", b.columns.join(", "));
}

pub fn join(a: JoinArgs) -> Result<()> {
    let (left_key, right_key) = match a.on.split_once('=') {
        Some((l, r)) => (l.trim().to_string(), r.trim().to_string()),
        None => (a.on.trim().to_string(), a.on.trim().to_string()),
    };
    let spec = JoinSpec {
        left: a.left,
        right: a.right,
        left_key,
        right_key,
        how: a.how,
        aggregate: a.aggregate,
        allow_many: a.allow_many,
    };
    let mut project = if a.dry_run {
        Project::open_read_only(&a.project)?
    } else {
        Project::open(&a.project)?
    };
    let plan = plan_join(&project, &spec)?;
    if !a.json {
        say!(
            "{}: {} rows; {}: {} rows, {} distinct keys ({} on more than one row, up to {} rows per key)",
            spec.left,
            int(plan.left_rows),
            spec.right,
            int(plan.right_rows),
            int(plan.right_keys),
            int(plan.duplicated_keys),
            int(plan.max_rows_per_key)
        );
        say!(
            "{} of {} left rows find their key ({} have no key); the join makes {} rows",
            int(plan.left_rows_matched),
            int(plan.left_rows),
            int(plan.left_rows_without_key),
            int(plan.rows_out)
        );
        for (from, to) in &plan.renamed {
            say!("  {}.{from} is named {to} (the name is taken)", spec.right);
        }
    }
    if a.dry_run {
        if a.json {
            say!("{}", json(&serde_json::json!({"plan": plan}))?);
        } else {
            say!("(dry run: nothing written)");
        }
        return Ok(());
    }
    let d = Derivation::Join(spec);
    build(&mut project, &a.name, &d, a.replace, a.json, &plan)
}

#[derive(Args)]
pub struct AppendArgs {
    #[arg(long)]
    project: PathBuf,
    /// The datasets, in order (at least two). Columns are matched by name; integers with floats
    /// become floats, dates with datetimes datetimes, other mixed types text; a `source` column
    /// (`source_dataset` when `source` is taken) names each row's dataset.
    #[arg(long, value_delimiter = ',', required = true)]
    datasets: Vec<String>,
    /// The name of the appended dataset.
    #[arg(long)]
    name: String,
    /// Replace a joined or appended dataset of that name (never an imported one).
    #[arg(long)]
    replace: bool,
    /// Print one JSON object: the plan, and what was built.
    #[arg(long)]
    json: bool,
}

pub fn append(a: AppendArgs) -> Result<()> {
    let spec = AppendSpec {
        datasets: a.datasets.iter().map(|d| d.trim().to_string()).collect(),
    };
    let mut project = Project::open(&a.project)?;
    let plan = plan_append(&project, &spec)?;
    if !a.json {
        let rows: Vec<String> = plan
            .rows
            .iter()
            .map(|(d, n)| format!("{d} {}", int(*n)))
            .collect();
        say!(
            "{} rows from {}; each row's dataset in '{}'",
            int(plan.rows_out),
            rows.join(" + "),
            plan.source_column
        );
        for c in &plan.columns {
            if !c.reconciled_from.is_empty() {
                let from: Vec<&str> = c.reconciled_from.iter().map(|t| t.as_str()).collect();
                say!("  {}: {} → {}", c.name, from.join(" and "), c.ty);
            }
            if !c.missing_in.is_empty() {
                say!("  {}: empty for {}", c.name, c.missing_in.join(", "));
            }
        }
    }
    let d = Derivation::Append(spec);
    build(&mut project, &a.name, &d, a.replace, a.json, &plan)
}

#[derive(Args)]
pub struct RebuildArgs {
    #[arg(long)]
    project: PathBuf,
    /// Joined or appended datasets to re-run (and what depends on them). Without names, every
    /// one whose inputs changed since it was built.
    names: Vec<String>,
    #[arg(long)]
    json: bool,
}

pub fn rebuild(a: RebuildArgs) -> Result<()> {
    let mut project = Project::open(&a.project)?;
    let done = with_bar(|rep| loupe::combine::rebuild_stale(&mut project, &a.names, rep))?;
    if a.json {
        say!("{}", json(&done)?);
        return Ok(());
    }
    if done.is_empty() {
        say!("Every joined and appended dataset is up to date.");
    }
    for b in &done {
        print_built(b);
    }
    Ok(())
}

#[derive(Args)]
pub struct RelationshipsArgs {
    #[arg(long)]
    project: PathBuf,
    /// Keep a relationship, e.g. orders.customer_id=customers.customer_id (repeatable).
    #[arg(long, value_name = "DATASET.COLUMN=DATASET.COLUMN")]
    confirm: Vec<String>,
    /// Remove a kept relationship (repeatable).
    #[arg(long, value_name = "DATASET.COLUMN=DATASET.COLUMN")]
    remove: Vec<String>,
    #[arg(long)]
    json: bool,
}

fn line(r: &Relationship) -> String {
    format!(
        "{}{}  {}, {} of {} keys found ({})",
        if r.confirmed { "✓ " } else { "  " },
        r.link,
        r.cardinality.as_str(),
        int(r.matched_keys),
        int(r.from_keys),
        loupe::format::percent(r.match_share)
    )
}

pub fn relationships(a: RelationshipsArgs) -> Result<()> {
    let changes = !a.confirm.is_empty() || !a.remove.is_empty();
    let project = if changes {
        Project::open(&a.project)?
    } else {
        Project::open_read_only(&a.project)?
    };
    for r in &a.remove {
        let link = parse_link(r)?;
        relationships::remove(&project, &link)?;
        if !a.json {
            say!("removed {link}");
        }
    }
    for c in &a.confirm {
        let r = relationships::confirm(&project, &parse_link(c)?)?;
        if !a.json {
            say!("confirmed {}", line(&r).trim_start_matches(['✓', ' ']));
        }
    }
    let found = with_bar(|rep| relationships::find(&project, rep))?;
    if a.json {
        say!("{}", json(&found)?);
        return Ok(());
    }
    if changes {
        say!("");
    }
    if found.is_empty() {
        say!("No relationships found: no two datasets share a key column whose values overlap.");
        return Ok(());
    }
    say!("Relationships (✓ confirmed; the many side first):");
    for r in &found {
        say!("{}", line(r));
    }
    Ok(())
}
