//! The campaign charts as the data the chart renderers take (the Explore page's tables, funnel
//! and intervals), so that the window draws and exports them from one source: cumulative spend
//! against attributed revenue, ROI and ROAS per campaign or channel, the funnel, and the lift of
//! each arm with its interval.

use super::metrics::{Funnel as Steps, Metrics};
use super::report::RoiReport;
use super::uplift::Uplift;
use crate::explore::funnel::{Funnel, FunnelGroup, StepResult};
use crate::explore::render_interval::Interval;
use crate::explore::{AggRow, AggTable, Grain, Key};

/// The words on the charts, in the user's language.
#[derive(Debug, Clone)]
pub struct ChartWords {
    pub day: String,
    pub amount: String,
    pub spend: String,
    pub revenue: String,
    pub campaign: String,
    pub channel: String,
    pub no_channel: String,
    pub roi: String,
    pub roas: String,
    pub ratio: String,
    pub steps: [String; 5],
}

impl Default for ChartWords {
    fn default() -> Self {
        ChartWords {
            day: "day".into(),
            amount: "cumulative amount".into(),
            spend: "spend".into(),
            revenue: "attributed revenue".into(),
            campaign: "campaign".into(),
            channel: "channel".into(),
            no_channel: "(no channel)".into(),
            roi: "ROI".into(),
            roas: "ROAS".into(),
            ratio: "ratio".into(),
            steps: [
                "contacted".into(),
                "opened".into(),
                "clicked".into(),
                "visited".into(),
                "converted".into(),
            ],
        }
    }
}

/// Cumulative spend and cumulative attributed revenue per day, as two series of a line chart.
pub fn timeline_table(r: &RoiReport, w: &ChartWords) -> AggTable {
    let spend = Key::Text(w.spend.clone());
    let revenue = Key::Text(w.revenue.clone());
    let mut rows = Vec::new();
    let mut x_values = Vec::new();
    for d in &r.computed.timeline {
        let x = Key::Date(d.day);
        rows.push(AggRow {
            x: x.clone(),
            by: Some(spend.clone()),
            values: vec![Some(d.spend_cum)],
        });
        rows.push(AggRow {
            x: x.clone(),
            by: Some(revenue.clone()),
            values: vec![Some(d.revenue_cum)],
        });
        x_values.push(x);
    }
    AggTable {
        x: w.day.clone(),
        grain: Some(Grain::Day),
        x_continuous: true,
        by: Some(String::new()),
        measures: vec![w.amount.clone()],
        rows,
        x_values,
        series: vec![spend, revenue],
        input_rows: r.computed.timeline.len() as u64,
        span: None,
    }
}

/// ROI (as a percentage) or ROAS (a multiple of the cost) per campaign (or channel) as bars,
/// each on its own axis: ROI of 150% and ROAS of 2.5 on one axis read as the same scale, and
/// they are not. Rows without a cost are left out.
pub fn ratio_table(metrics: &[Metrics], by_channel: bool, roas: bool, w: &ChartWords) -> AggTable {
    let mut rows = Vec::new();
    let mut x_values = Vec::new();
    for m in metrics.iter().filter(|m| m.roi.is_some()) {
        let label = if by_channel && m.key.is_empty() {
            w.no_channel.clone()
        } else {
            m.name.clone()
        };
        let x = Key::Text(label);
        let value = if roas {
            m.roas
        } else {
            m.roi.map(|r| r * 100.0)
        };
        rows.push(AggRow {
            x: x.clone(),
            by: None,
            values: vec![value],
        });
        x_values.push(x);
    }
    AggTable {
        x: if by_channel {
            w.channel.clone()
        } else {
            w.campaign.clone()
        },
        grain: None,
        x_continuous: false,
        by: None,
        measures: vec![if roas {
            format!("{} (×)", w.roas)
        } else {
            format!("{} (%)", w.roi)
        }],
        input_rows: x_values.len() as u64,
        span: None,
        rows,
        x_values,
        series: Vec::new(),
    }
}

/// The funnel of one campaign (or the total) as the Explore page's funnel: the steps with data.
pub fn funnel_of(steps: &Steps, w: &ChartWords) -> Funnel {
    let counts: Vec<(String, u64)> = [
        Some(steps.contacted),
        steps.opened,
        steps.clicked,
        steps.visited,
        Some(steps.converted),
    ]
    .into_iter()
    .zip(w.steps.iter())
    .filter_map(|(c, name)| Some((name.clone(), c?)))
    .collect();
    let first = counts.first().map_or(0, |c| c.1) as f64;
    let mut results = Vec::new();
    for (i, (name, users)) in counts.iter().enumerate() {
        let prev = if i == 0 { None } else { Some(counts[i - 1].1) };
        results.push(StepResult {
            step: name.clone(),
            users: *users,
            from_previous: prev.filter(|p| *p > 0).map(|p| *users as f64 / p as f64),
            from_first: (first > 0.0).then(|| *users as f64 / first),
            dropped: prev.map_or(0, |p| p.saturating_sub(*users)),
            median_seconds: None,
        });
    }
    Funnel {
        steps: counts.into_iter().map(|c| c.0).collect(),
        window_seconds: 0,
        by: None,
        groups: vec![FunnelGroup {
            key: None,
            steps: results,
        }],
        skipped_rows: 0,
    }
}

/// The lift of each arm in the mean outcome (`conversion` false) or in the conversion rate,
/// with its 95% interval.
pub fn lift_intervals(u: &Uplift, conversion: bool) -> Vec<Interval> {
    u.arms
        .iter()
        .map(|a| {
            let (estimate, ci) = if conversion {
                (a.conversion_lift_abs, a.conversion_lift_ci)
            } else {
                (a.lift_abs, a.lift_abs_ci)
            };
            Interval {
                label: a.summary.arm.clone(),
                estimate,
                low: ci.map(|c| c[0]),
                high: ci.map(|c| c[1]),
            }
        })
        .collect()
}
