//! `loupe roi` (attribution and campaign metrics) and `loupe uplift` (lift against a control).

use super::progress_bar::with_bar;
use super::ranges;
use super::say;
use clap::Args;
use loupe::campaigns::data::{
    RoleOverride, Sources, guess_sources, load_inputs_with, read_experiment,
};
use loupe::campaigns::report::{
    Sheet, lift_sheet, roi_report, write_csv, write_report_xlsx, write_xlsx,
};
use loupe::campaigns::{Attribution, Model, uplift};
use loupe::error::{Error, Result};
use loupe::format::{number, opt_number, opt_percent, percent};
use loupe::fsutil::Format;
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct RoiArgs {
    #[arg(long)]
    project: PathBuf,
    /// last-touch, first-touch, linear, time-decay or position (40/20/40).
    #[arg(long, default_value = "last-touch")]
    attribution: String,
    /// Contacts up to this many days before an order share its credit.
    #[arg(long, default_value_t = 7, value_parser = ranges::whole::<u32, 0, 3650>)]
    window_days: u32,
    /// The time-decay half-life in days.
    #[arg(long, default_value_t = 7.0, value_parser = ranges::above_zero::<3650>)]
    half_life_days: f64,
    /// The orders dataset (default: found by its roles, as the Customers page does).
    #[arg(long)]
    orders: Option<String>,
    /// The contacts dataset (customer_id, campaign, timestamp; opened, clicked).
    #[arg(long)]
    contacts: Option<String>,
    /// The campaigns dataset (campaign; channel, start_date, end_date, cost, cost_per_contact).
    #[arg(long)]
    campaigns: Option<String>,
    /// The spend dataset (timestamp, spend, campaign or channel).
    #[arg(long)]
    spend: Option<String>,
    /// A behaviour-events dataset for the funnel's "visited" step.
    #[arg(long)]
    events: Option<String>,
    /// A role for this run only, DATASET:COLUMN=ROLE (e.g. contacts:sent_at=timestamp);
    /// repeatable.
    #[arg(long = "role")]
    roles: Vec<RoleOverride>,
    /// Write the metrics to a .csv (campaigns, channels and the total, one row each) or the whole
    /// report to a .xlsx (per campaign, per channel, model comparison, timeline, funnel).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Keep the orders whose status (the order_status role) means cancelled or refunded; by
    /// default they are left out.
    #[arg(long)]
    include_cancelled: bool,
}

/// `s` cut or padded to `width` terminal columns (CJK characters take two).
fn pad(s: &str, width: usize) -> String {
    let w = |c: char| if (c as u32) >= 0x1100 { 2 } else { 1 };
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + w(c) > width {
            break;
        }
        used += w(c);
        out.push(c);
    }
    out.push_str(&" ".repeat(width - used));
    out
}

fn plain(s: &str) -> String {
    s.to_string()
}

pub fn roi(a: RoiArgs) -> Result<()> {
    let spec = Attribution {
        model: a.attribution.parse::<Model>()?,
        window_days: a.window_days,
        half_life_days: a.half_life_days,
    };
    spec.validate()?;
    let out_format = a
        .out
        .as_deref()
        .map(|out| {
            Format::expect(
                out,
                &[Format::Csv, Format::Xlsx],
                "cannot write the ROI report to",
            )
        })
        .transpose()?;
    let project = Project::open_read_only(&a.project)?;
    let datasets = project.datasets()?;
    let guessed = guess_sources(&datasets);
    let sources = Sources {
        orders: a.orders.or(guessed.orders),
        contacts: a.contacts.or(guessed.contacts),
        campaigns: a.campaigns.or(guessed.campaigns),
        spend: a.spend.or(guessed.spend),
        events: a.events.or(guessed.events),
    };
    let report = with_bar(|rep| {
        let inputs = load_inputs_with(&project, &sources, &a.roles, a.include_cancelled, rep)?;
        roi_report(&inputs, &spec)
    })?;
    if let Some(out) = &a.out {
        if out_format == Some(Format::Csv) {
            write_csv(&report.csv_sheet(), out)?;
        } else {
            write_report_xlsx(&report, None, &plain, &plain, out)?;
        }
        if !a.json {
            say!("wrote {}", out.display());
        }
    }
    if a.json {
        let text =
            serde_json::to_string_pretty(&report).map_err(|e| Error::Export(e.to_string()))?;
        say!("{text}");
        return Ok(());
    }
    if a.out.is_some() {
        return Ok(());
    }
    say!(
        "{} attribution, {}-day window{}; orders from '{}', contacts from '{}'",
        spec.model,
        spec.window_days,
        if spec.model == Model::TimeDecay {
            format!(", half-life {} days", spec.half_life_days)
        } else {
            String::new()
        },
        sources.orders.as_deref().unwrap_or(""),
        sources.contacts.as_deref().unwrap_or("")
    );
    if let Some(x) = &report.status_exclusion {
        say!("{}", super::explain::status_exclusion(x));
    }
    say!(
        "{} {:>8} {:>8} {:>11} {:>12} {:>11} {:>8} {:>7}",
        pad("campaign", 28),
        "contacts",
        "conv.",
        "revenue",
        "cost",
        "ROI",
        "ROAS",
        "conv%"
    );
    let c = &report.computed;
    for m in c.campaigns.iter().chain(std::iter::once(&c.total)) {
        say!(
            "{} {:>8} {:>8} {:>11} {:>12} {:>11} {:>8} {:>7}",
            pad(&m.name, 28),
            m.contacts,
            number((m.conversions * 100.0).round() / 100.0),
            number(m.revenue),
            opt_number(m.cost),
            opt_percent(m.roi),
            opt_number(m.roas.map(|r| (r * 100.0).round() / 100.0)),
            opt_percent(m.conversion_rate),
        );
    }
    say!(
        "{} of {} orders attributed; unattributed revenue {}",
        c.attributed_orders,
        report.orders,
        number(c.unattributed_revenue)
    );
    Ok(())
}

#[derive(Args)]
pub struct UpliftArgs {
    #[arg(long)]
    project: PathBuf,
    /// The experiment dataset: one row per customer.
    #[arg(long)]
    dataset: String,
    /// The column naming each customer's arm.
    #[arg(long)]
    arm: String,
    /// The control arm's value, e.g. "No E-Mail".
    #[arg(long)]
    control: String,
    /// The outcome per customer (e.g. spend), a number.
    #[arg(long)]
    outcome: String,
    /// A 0/1 conversion column; without it, a conversion is an outcome > 0.
    #[arg(long)]
    conversion: Option<String>,
    /// What contacting one customer costs: adds the incremental ROI.
    #[arg(long, value_parser = ranges::number::<0, 1_000_000_000>)]
    cost_per_contact: Option<f64>,
    /// Write the table to a .csv or .xlsx file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn uplift_cmd(a: UpliftArgs) -> Result<()> {
    let project = Project::open_read_only(&a.project)?;
    let (subjects, skipped) = read_experiment(
        &project,
        &a.dataset,
        &a.arm,
        &a.outcome,
        a.conversion.as_deref(),
    )?;
    let u = uplift(&subjects, &a.control, a.cost_per_contact)?;
    if let Some(out) = &a.out {
        let sheet: Sheet = lift_sheet(&u);
        let format = Format::expect(
            out,
            &[Format::Csv, Format::Xlsx],
            "cannot write the lift table to",
        )?;
        match format {
            Format::Xlsx => write_xlsx(&[sheet], &plain, out)?,
            _ => write_csv(&sheet, out)?,
        }
        if !a.json {
            say!("wrote {}", out.display());
        }
    }
    if a.json {
        let mut v = serde_json::to_value(&u).map_err(|e| Error::Export(e.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("skipped_rows".into(), skipped.into());
            o.insert("outcome".into(), a.outcome.clone().into());
            o.insert(
                "conversion".into(),
                a.conversion
                    .clone()
                    .unwrap_or_else(|| format!("{} > 0", a.outcome))
                    .into(),
            );
        }
        let text = serde_json::to_string_pretty(&v).map_err(|e| Error::Export(e.to_string()))?;
        say!("{text}");
        return Ok(());
    }
    let ci = |c: Option<[f64; 2]>, f: fn(f64) -> String| {
        c.map_or_else(|| "—".into(), |[l, h]| format!("[{}, {}]", f(l), f(h)))
    };
    let c = &u.control;
    say!(
        "control '{}': n {}, conversion {}, mean {} {}",
        c.arm,
        c.n,
        percent(c.conversion_rate),
        a.outcome,
        number(c.mean_outcome)
    );
    for arm in &u.arms {
        let s = &arm.summary;
        say!(
            "{}: n {}, conversion {} ({} pp, 95% CI {}, p {}), mean {} {} (lift {}, 95% CI {}, p {}); incremental {} {}{}",
            s.arm,
            s.n,
            percent(s.conversion_rate),
            number(arm.conversion_lift_abs * 100.0),
            ci(arm.conversion_lift_ci, |v| number(v * 100.0)),
            opt_number(arm.conversion_p_value),
            a.outcome,
            number(s.mean_outcome),
            number(arm.lift_abs),
            ci(arm.lift_abs_ci, number),
            opt_number(arm.p_value),
            a.outcome,
            number(arm.incremental_outcome),
            arm.incremental_roi
                .map(|r| format!(", incremental ROI {}", percent(r)))
                .unwrap_or_default()
        );
    }
    if skipped > 0 {
        say!("{skipped} rows without an arm or an outcome were left out");
    }
    Ok(())
}
