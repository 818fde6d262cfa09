//! `loupe clv`: lifetime-value models (BG/NBD and Gamma-Gamma) fitted on a dataset.

use clap::Args;
use loupe::customers::summary::{Period, SummaryOptions, fit_dataset};
use loupe::error::{Error, Result};
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct ClvArgs {
    /// The project file.
    #[arg(long)]
    project: PathBuf,
    /// The dataset of transactions (needs customer_id and timestamp roles; amount, or quantity
    /// and unit_price, for the spend model).
    #[arg(long)]
    dataset: String,
    /// Last day of the calibration period, YYYY-MM-DD (default: the last purchase day).
    #[arg(long, value_name = "DATE")]
    calibration_end: Option<String>,
    /// Time unit of recency, age and the rate α: day or week.
    #[arg(long, default_value = "week")]
    period: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn clv(a: ClvArgs) -> Result<()> {
    let calibration_end = a
        .calibration_end
        .as_deref()
        .map(|s| {
            chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                Error::InvalidArgument(format!(
                    "--calibration-end '{s}' is not a date; write it as YYYY-MM-DD"
                ))
            })
        })
        .transpose()?;
    let opts = SummaryOptions {
        calibration_end,
        period: a.period.parse::<Period>()?,
    };
    if !a.project.exists() {
        return Err(Error::NoSuchProject { path: a.project });
    }
    let project = Project::open_read_only(&a.project)?;
    let report = fit_dataset(&project, &a.dataset, &opts)?;
    let bg = report.bg_nbd.params;
    if a.json {
        let mut out = serde_json::json!({
            "dataset": a.dataset,
            "calibration_end": report.calibration_end.format("%Y-%m-%d").to_string(),
            "period": report.period.as_str(),
            "customers": report.customers,
            "skipped_rows": report.skipped_rows,
            "r": bg.r(),
            "alpha": bg.alpha(),
            "a": bg.a(),
            "b": bg.b(),
            "log_likelihood": report.bg_nbd.log_likelihood,
        });
        if let (Some(gg), Some(obj)) = (&report.gamma_gamma, out.as_object_mut()) {
            obj.insert("p".into(), gg.params.p().into());
            obj.insert("q".into(), gg.params.q().into());
            obj.insert("v".into(), gg.params.v().into());
            obj.insert("spend_customers".into(), gg.customers.into());
            obj.insert("spend_log_likelihood".into(), gg.log_likelihood.into());
        }
        println!("{out}");
        return Ok(());
    }
    println!(
        "{} customers, calibration period ending {}, time in {}s",
        report.customers,
        report.calibration_end.format("%Y-%m-%d"),
        report.period.as_str()
    );
    if report.skipped_rows > 0 {
        println!(
            "{} row(s) left out: no customer or no date",
            report.skipped_rows
        );
    }
    println!(
        "BG/NBD:      r = {:.4}  alpha = {:.4}  a = {:.4}  b = {:.4}  (log-likelihood {:.2})",
        bg.r(),
        bg.alpha(),
        bg.a(),
        bg.b(),
        report.bg_nbd.log_likelihood
    );
    match &report.gamma_gamma {
        Some(gg) => println!(
            "Gamma-Gamma: p = {:.4}  q = {:.4}  v = {:.4}  ({} repeat customers, log-likelihood {:.2})",
            gg.params.p(),
            gg.params.q(),
            gg.params.v(),
            gg.customers,
            gg.log_likelihood
        ),
        None => println!(
            "Gamma-Gamma: not fitted (the dataset needs an amount, or quantity and unit_price, and repeat customers with a positive spend)"
        ),
    }
    Ok(())
}
