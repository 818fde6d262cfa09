//! What the window shows while a rule is edited: its size, a small portrait against the base,
//! sample members, and its SQL.

use super::Count;
use super::base::SegmentBase;
use super::eval::{Members, Saved, members};
use super::rule::Rule;
use crate::Result;
use crate::customers::portrait::{Portrait, portrait};

/// Sample members shown.
pub const SAMPLE: usize = 20;

#[derive(Debug, Clone)]
pub struct Preview {
    pub rule: Rule,
    pub count: Count,
    pub portrait: Portrait,
    /// (customer_id, revenue, orders, rfm_group, lifecycle_stage) of the first members by revenue.
    pub sample: Vec<(String, f64, i64, String, String)>,
    /// The SQL form; an error message when the rule cannot be written in SQL.
    pub sql: std::result::Result<String, String>,
    pub members: Members,
}

fn col_f64(base: &SegmentBase, name: &str) -> Vec<Option<f64>> {
    base.frame
        .column(name)
        .ok()
        .and_then(|c| c.cast(&polars::prelude::DataType::Float64).ok())
        .and_then(|c| c.f64().ok().map(|v| v.iter().collect()))
        .unwrap_or_else(|| vec![None; base.len()])
}

fn col_text(base: &SegmentBase, name: &str) -> Vec<Option<String>> {
    base.frame
        .column(name)
        .ok()
        .and_then(|c| c.cast(&polars::prelude::DataType::String).ok())
        .and_then(|c| {
            c.str()
                .ok()
                .map(|v| v.iter().map(|s| s.map(str::to_string)).collect())
        })
        .unwrap_or_else(|| vec![None; base.len()])
}

pub fn preview(base: &SegmentBase, rule: &Rule, saved: &Saved) -> Result<Preview> {
    let m = members(base, rule, saved)?;
    let count = Count::of(&m);
    let portrait = portrait(&base.dimensions, &m, &[]);
    let revenue = col_f64(base, "revenue");
    let orders = col_f64(base, "orders");
    let ids = col_text(base, "customer_id");
    let groups = col_text(base, "rfm_group");
    let stages = col_text(base, "lifecycle_stage");
    let mut idx: Vec<usize> = (0..base.len()).filter(|&i| m[i]).collect();
    idx.sort_by(|&a, &b| {
        revenue[b]
            .unwrap_or(0.0)
            .total_cmp(&revenue[a].unwrap_or(0.0))
    });
    let sample = idx
        .into_iter()
        .take(SAMPLE)
        .map(|i| {
            (
                ids[i].clone().unwrap_or_default(),
                revenue[i].unwrap_or(0.0),
                orders[i].unwrap_or(0.0) as i64,
                groups[i].clone().unwrap_or_default(),
                stages[i].clone().unwrap_or_default(),
            )
        })
        .collect();
    let sql = super::sql::to_sql(base, rule, saved).map_err(|e| e.to_string());
    Ok(Preview {
        rule: rule.clone(),
        count,
        portrait,
        sample,
        sql,
        members: m,
    })
}
