//! The ready-made analyses' inputs from a dataset's roles: the sales-trend chart (revenue,
//! orders and customers over time) and a revenue forecast over a daily or weekly series.

use super::aggregate::aggregate;
use super::forecast::{ForecastPoint, Holdout, HoltWinters, Seasonality};
use super::spec::{ChartSpec, Dimension, Grain, Measure};
use super::trend::complete_series;
use crate::dataset::{DatasetInfo, Role};
use crate::expr::Expr;
use crate::progress::Reporter;
use crate::store::Project;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::Serialize;

fn quoted(name: &str) -> String {
    Expr::Column(name.to_string()).to_string()
}

/// The revenue of a line as an expression: the amount column, or quantity × unit price.
pub fn revenue_expr(info: &DatasetInfo) -> Result<String> {
    match (
        info.column_with_role(Role::Amount),
        info.column_with_role(Role::Quantity),
        info.column_with_role(Role::UnitPrice),
    ) {
        (Some(a), _, _) => Ok(quoted(&a.name)),
        (None, Some(q), Some(p)) => Ok(format!("{} * {}", quoted(&q.name), quoted(&p.name))),
        _ => Err(Error::InvalidArgument(format!(
            "dataset '{}' has no amount: give a column the role amount, or columns the roles quantity and unit_price",
            info.name
        ))),
    }
}

/// Whether a dataset has what the transaction analyses need: customer, time and an amount.
pub fn is_transactions(info: &DatasetInfo) -> bool {
    info.column_with_role(Role::CustomerId).is_some()
        && info.column_with_role(Role::Timestamp).is_some()
        && revenue_expr(info).is_ok()
}

/// Whether a dataset has events: user, time and event type.
pub fn is_events(info: &DatasetInfo) -> bool {
    info.column_with_role(Role::CustomerId).is_some()
        && info.column_with_role(Role::Timestamp).is_some()
        && info.column_with_role(Role::EventType).is_some()
}

/// Revenue, orders and customers per period: measures `revenue`, `orders`, `customers`.
pub fn trend_spec(info: &DatasetInfo, grain: Grain) -> Result<ChartSpec> {
    let time = info
        .column_with_role(Role::Timestamp)
        .ok_or_else(|| crate::customers::columns::missing_role(&info.name, Role::Timestamp))?;
    let mut measures = vec![Measure {
        alias: Some("revenue".into()),
        ..Measure::new(super::spec::Agg::Sum, Some(&revenue_expr(info)?))
    }];
    let distinct = |role: Role, alias: &str| {
        info.column_with_role(role).map(|c| Measure {
            alias: Some(alias.into()),
            ..Measure::new(super::spec::Agg::Distinct, Some(&quoted(&c.name)))
        })
    };
    measures.extend(distinct(Role::OrderId, "orders"));
    measures.extend(distinct(Role::CustomerId, "customers"));
    Ok(ChartSpec::new(
        &info.name,
        Dimension::new(&time.name, Some(grain)),
        measures,
    ))
}

/// A revenue forecast: the series, the holdout check and the forecast after the last period.
#[derive(Debug, Clone, Serialize)]
pub struct RevenueForecast {
    pub grain: Grain,
    pub dates: Vec<NaiveDate>,
    pub actual: Vec<f64>,
    pub holdout: Holdout,
    /// The model fitted on the whole series.
    pub model: HoltWinters,
    pub future_dates: Vec<NaiveDate>,
    pub future: Vec<ForecastPoint>,
}

/// Fits Holt-Winters to revenue per day or week (periods without sales count zero), checks it on
/// the last `horizon` periods held out, and forecasts `horizon` periods ahead with 95% intervals.
#[allow(clippy::too_many_arguments)]
pub fn forecast_revenue(
    project: &Project,
    dataset: &str,
    grain: Grain,
    period: usize,
    seasonality: Seasonality,
    horizon: usize,
    filter: Option<&str>,
    rep: &Reporter,
) -> Result<RevenueForecast> {
    if !matches!(grain, Grain::Day | Grain::Week) {
        return Err(Error::InvalidArgument(
            "forecasts run on a daily or weekly series".into(),
        ));
    }
    let info = project.dataset(dataset)?;
    let mut spec = trend_spec(&info, grain)?;
    spec.measures.truncate(1);
    spec.filter = filter.map(str::to_string);
    let table = aggregate(project, &spec, rep)?;
    let series = complete_series(&table, 0);
    let dates: Vec<NaiveDate> = series.iter().map(|(d, _)| *d).collect();
    let actual: Vec<f64> = series.iter().map(|(_, v)| *v).collect();
    let holdout = HoltWinters::holdout(&actual, period, seasonality, horizon, 0.95)?;
    rep.check()?;
    let model = HoltWinters::fit(&actual, period, seasonality)?;
    let future = model.forecast(horizon, 0.95)?;
    let mut future_dates = Vec::with_capacity(horizon);
    let mut d = dates.last().copied().unwrap_or_default();
    for _ in 0..horizon {
        d = grain.next(d);
        future_dates.push(d);
    }
    Ok(RevenueForecast {
        grain,
        dates,
        actual,
        holdout,
        model,
        future_dates,
        future,
    })
}
