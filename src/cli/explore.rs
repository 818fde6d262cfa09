//! `loupe chart`, `loupe cohorts`, `loupe funnel`: charts and ready-made analyses as tables
//! (CSV, JSON, XLSX) or pictures (PNG).

use super::ranges;
use super::say;
use clap::Args;
use loupe::error::{Error, Result};
use loupe::explore::chart::{compute, default_title, render};
use loupe::explore::cohorts::cohorts;
use loupe::explore::funnel::{FunnelSpec, funnel};
use loupe::explore::render::{ChartKind, Words, render_cohorts, render_funnel};
use loupe::explore::rows::EventColumns;
use loupe::explore::saved::{SavedChart, save_chart};
use loupe::explore::{ChartSpec, Dimension, Measure, Order};
use loupe::fsutil::Format;
use loupe::i18n::int;
use loupe::store::Project;
use std::path::{Path, PathBuf};

fn is_png(p: &Path) -> bool {
    Format::from_path(p) == Some(Format::Png)
}

#[derive(Args)]
pub struct ChartArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    dataset: String,
    /// The x dimension: a column, with a grain for dates: InvoiceDate:month (day, week, month,
    /// quarter, year).
    #[arg(long)]
    x: String,
    /// A measure, e.g. 'sum(Quantity * UnitPrice)', 'count()', 'distinct(CustomerID)', 'mean(x)',
    /// 'median(x)', 'min(x)', 'max(x)', 'share(x)'; add 'as NAME' to name it (repeatable;
    /// default count()). A histogram or box plot reads the numbers of x and no measure.
    #[arg(long = "y")]
    y: Vec<String>,
    /// Split by a second dimension (one series per value).
    #[arg(long)]
    by: Option<String>,
    /// Only rows where this condition holds, e.g. "Quantity > 0 and not InvoiceNo starts with 'C'".
    #[arg(long = "where")]
    filter: Option<String>,
    /// Keep the N x values with the largest first measure; the rest become "Other".
    #[arg(long, value_parser = ranges::whole::<usize, 1, 100_000>)]
    top: Option<usize>,
    /// Keep the N split values with the largest first measure; the rest become "Other".
    #[arg(long, value_parser = ranges::whole::<usize, 1, 100_000>)]
    top_by: Option<usize>,
    /// natural (by x), desc or asc (by the first measure; for a box plot, by the median).
    #[arg(long, default_value = "natural")]
    order: Order,
    /// line, bar, stacked, area, scatter, pie; or histogram or box: the distribution of the
    /// numbers of x, split by --by (one series or one box per value, --top-by of them).
    #[arg(long = "type", default_value = "line")]
    kind: ChartKind,
    /// For a histogram: the number of bins (default: from the data, numpy's 'auto' rule with
    /// round edges).
    #[arg(long, value_parser = ranges::whole::<usize, 1, 10_000>)]
    bins: Option<usize>,
    /// For a PNG: the title (default: the saved title, or the measure by x).
    #[arg(long)]
    title: Option<String>,
    /// Save the chart in the project under this title, for the dashboard (replaces a chart of
    /// the same title).
    #[arg(long, value_name = "TITLE")]
    save: Option<String>,
    /// For a PNG: its size in pixels.
    #[arg(long, default_value_t = 1200, value_parser = ranges::picture_side)]
    width: u32,
    #[arg(long, default_value_t = 700, value_parser = ranges::picture_side)]
    height: u32,
    /// Output: .png (the chart of the first measure, or the distribution), .csv, .json or .xlsx
    /// (the table). Optional with --save.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn chart(a: ChartArgs) -> Result<()> {
    if a.out.is_none() && a.save.is_none() {
        return Err(Error::InvalidArgument(
            "give --out FILE to write the chart, --save TITLE to keep it in the project, or both"
                .into(),
        ));
    }
    let project = if a.save.is_some() {
        if !a.project.exists() {
            return Err(Error::NoSuchProject { path: a.project });
        }
        Project::open(&a.project)?
    } else {
        Project::open_read_only(&a.project)?
    };
    let info = loupe::warehouse::link::dataset_or_link(&project, &a.dataset)?;
    let measures = if a.y.is_empty() {
        vec![Measure::count()]
    } else {
        a.y.iter()
            .map(|m| Measure::parse(m))
            .collect::<Result<_>>()?
    };
    let mut spec = ChartSpec::new(&a.dataset, Dimension::parse(&a.x, &info)?, measures);
    spec.by =
        a.by.as_deref()
            .map(|b| Dimension::parse(b, &info))
            .transpose()?;
    spec.filter = a.filter;
    spec.top = a.top;
    spec.top_by = a.top_by;
    spec.order = a.order;
    spec.bins = a.bins;
    // Computed even when only saved: a chart that cannot be computed is not saved.
    // A linked dataset's table comes from its warehouse, with what it cost on the wire.
    let link =
        loupe::warehouse::link::linked(&project, &a.dataset)?.filter(|_| !a.kind.is_distribution());
    let mut transfer = None;
    let data = super::progress_bar::with_bar(|rep| match &link {
        Some(l) => {
            let (table, t) = loupe::warehouse::chart::aggregate(l, &spec, rep)?;
            transfer = Some(t);
            Ok(loupe::explore::chart::ChartData::Table(table))
        }
        None => compute(&project, &spec, a.kind, None, rep),
    })?;
    let words = Words::default();
    if let Some(out) = &a.out {
        let table = data.table(&words);
        if is_png(out) {
            let title = a
                .title
                .clone()
                .or_else(|| a.save.clone())
                .unwrap_or_else(|| default_title(&spec, a.kind));
            render(&data, a.kind, &title, &words, out, (a.width, a.height))?;
        } else {
            table.write(out)?;
        }
        say!(
            "{} rows of {} from {} input rows written to {}",
            int(table.rows.len() as u64),
            a.dataset,
            int(data.input_rows()),
            out.display()
        );
    }
    if let Some(t) = transfer {
        say!("{}", super::warehouse::transfer_line(t));
    }
    if let Some(title) = a.save {
        let chart = SavedChart {
            title: title.trim().to_string(),
            kind: a.kind,
            spec,
            card: Default::default(),
        };
        save_chart(&project, &chart)?;
        say!(
            "Saved the {} chart '{}' in {}",
            a.kind.as_str(),
            chart.title,
            a.project.display()
        );
    }
    Ok(())
}

#[derive(Args)]
pub struct CohortsArgs {
    #[arg(long)]
    project: PathBuf,
    /// A transactions dataset (roles customer_id, timestamp, amount or quantity × unit_price).
    #[arg(long)]
    dataset: String,
    /// Only rows where this condition holds.
    #[arg(long = "where")]
    filter: Option<String>,
    /// For a PNG: retention or revenue (per cohort customer).
    #[arg(long, default_value = "retention", value_parser = ["retention", "revenue"])]
    metric: String,
    /// Output: .csv or .json (one row per cohort and month since), or .png (the heatmap).
    #[arg(long)]
    out: PathBuf,
}

pub fn cohorts_cmd(a: CohortsArgs) -> Result<()> {
    let project = Project::open_read_only(&a.project)?;
    let (c, transfer) = match loupe::warehouse::link::linked(&project, &a.dataset)? {
        Some(l) => {
            let (c, t) = super::progress_bar::with_bar(|rep| {
                loupe::warehouse::cohorts::cohorts(&l, a.filter.as_deref(), rep)
            })?;
            (c, Some(t))
        }
        None => (cohorts(&project, &a.dataset, a.filter.as_deref())?, None),
    };
    if is_png(&a.out) {
        let revenue = a.metric == "revenue";
        let title = if revenue {
            "Revenue per customer by cohort"
        } else {
            "Retention by cohort"
        };
        render_cohorts(&c, revenue, title, &a.out, (1200, 760))?;
    } else {
        c.write(&a.out)?;
    }
    let customers: u64 = c.cohorts.iter().map(|x| x.customers).sum();
    say!(
        "{} cohorts of {} customers written to {}{}",
        c.cohorts.len(),
        int(customers),
        a.out.display(),
        if c.skipped_rows > 0 {
            format!(
                " ({} rows without a customer or time left out)",
                int(c.skipped_rows)
            )
        } else {
            String::new()
        }
    );
    if let Some(t) = transfer {
        say!("{}", super::warehouse::transfer_line(t));
    }
    Ok(())
}

/// `30m`, `12h`, `7d`, `2w` or a number of seconds.
fn parse_window(s: &str) -> Result<i64> {
    let t = s.trim();
    let bad = || {
        Error::InvalidArgument(format!(
            "--window '{s}' is not a duration; write e.g. 30m, 12h, 7d or 2w"
        ))
    };
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: i64 = num.parse().map_err(|_| bad())?;
    let mult = match unit.trim() {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    Ok(n * mult)
}

#[derive(Args)]
pub struct FunnelArgs {
    #[arg(long)]
    project: PathBuf,
    /// An events dataset (roles customer_id, timestamp, event_type, or the columns given).
    #[arg(long)]
    dataset: String,
    /// The steps in order, comma-separated: page_view,add_to_cart,purchase
    #[arg(long, value_delimiter = ',', required = true)]
    steps: Vec<String>,
    /// The time from the first step within which the others count: 30m, 12h, 7d, 2w.
    #[arg(long, default_value = "7d")]
    window: String,
    /// Split by this column (its value on each user's first step).
    #[arg(long)]
    by: Option<String>,
    #[arg(long = "where")]
    filter: Option<String>,
    /// The user, time and event columns (default: by role).
    #[arg(long)]
    user: Option<String>,
    #[arg(long)]
    time: Option<String>,
    #[arg(long)]
    event: Option<String>,
    /// Output: .csv or .json (one row per group and step), or .png.
    #[arg(long)]
    out: PathBuf,
}

pub fn funnel_cmd(a: FunnelArgs) -> Result<()> {
    let project = Project::open_read_only(&a.project)?;
    let spec = FunnelSpec {
        dataset: a.dataset.clone(),
        columns: EventColumns {
            user: a.user,
            time: a.time,
            event: a.event,
        },
        steps: a.steps.iter().map(|s| s.trim().to_string()).collect(),
        window_seconds: parse_window(&a.window)?,
        by: a.by,
        filter: a.filter,
    };
    let (f, transfer) = match loupe::warehouse::link::linked(&project, &a.dataset)? {
        Some(l) => {
            let (f, t) = super::progress_bar::with_bar(|rep| {
                loupe::warehouse::funnel::funnel(&l, &spec, rep)
            })?;
            (f, Some(t))
        }
        None => (funnel(&project, &spec)?, None),
    };
    if is_png(&a.out) {
        render_funnel(
            &f,
            &spec.steps.join(" → "),
            &Words::default(),
            &a.out,
            (1200, 700),
        )?;
    } else {
        f.write(&a.out)?;
    }
    let all = &f.groups[0].steps;
    let parts: Vec<String> = all
        .iter()
        .map(|s| format!("{} {}", s.step, int(s.users)))
        .collect();
    say!("{} — written to {}", parts.join(" → "), a.out.display());
    if let Some(t) = transfer {
        say!("{}", super::warehouse::transfer_line(t));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_window;

    #[test]
    fn windows() {
        assert_eq!(parse_window("7d").unwrap(), 604_800);
        assert_eq!(parse_window("30m").unwrap(), 1800);
        assert_eq!(parse_window("90").unwrap(), 90);
        assert!(parse_window("soon").is_err());
    }
}
