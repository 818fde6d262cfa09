//! A time chart's per-day rollup, kept in the project ([`crate::kept`]): the partial aggregates
//! of every measure per day (and split value), from which any grain (day, week, month, quarter,
//! year) is combined in milliseconds instead of decoding every row again.
//!
//! - It is kept for a chart over a date or datetime x with a grain, unsplit or split by another
//!   date at a grain (a split by a column of many values, customers or items, could make the
//!   rollup nearly as large as the data), whose measures combine from parts
//!   ([`super::partial::combinable`]), on a dataset whose copy holds more rows than one chunk
//!   (262,144; a smaller dataset is aggregated directly, as fast).
//! - Its key is what the partials depend on: the x column, the split, the filter and the
//!   measures; not the grain, the order or the top N, which are applied when combining. Like
//!   every kept entry, it is valid while its dataset's data and columns are unchanged, and is
//!   dropped with them (import, rebuild, deletion, erasure).
//! - Each day keeps the exact partials of its sums ([`crate::numeric::ExactSum`]), so a sum
//!   combined from days equals the whole-column sum, value for value.

use super::spec::{ChartSpec, Dimension, Grain};
use crate::Result;
use crate::dataset::DatasetInfo;
use crate::kept::{self, Inputs, Part, blob};
use crate::store::Project;
use polars::prelude::{DataFrame, Schema};

pub const KIND: &str = "chart_rollup";

/// Bumped when the partials' columns (`__x`, `__p0a`…, `__n`, `__xmin`…) change: a rollup of
/// another layout is then built again rather than combined.
const LAYOUT: u32 = 2;

/// The spec whose partials the rollup holds (`spec` at the day grain), when `spec` can be
/// answered from one: a date or datetime x with a grain.
pub fn day_spec(spec: &ChartSpec, schema: &Schema) -> Option<(ChartSpec, Grain)> {
    let grain = spec.x.grain?;
    let temporal = |d: &Dimension| {
        d.grain.is_some()
            && schema
                .get(d.column.as_str())
                .is_some_and(|t| t.is_temporal())
    };
    if !temporal(&spec.x) || spec.by.as_ref().is_some_and(|b| !temporal(b)) {
        return None;
    }
    let mut day = spec.clone();
    day.x = Dimension::new(spec.x.column.clone(), Some(Grain::Day));
    Some((day, grain))
}

/// What the rollup of `day` is built from.
pub fn inputs(project: &Project, info: &DatasetInfo, day: &ChartSpec) -> Result<Inputs> {
    let what = serde_json::json!({
        "layout": LAYOUT,
        "x": day.x.column,
        "by": day.by,
        "filter": day.filter,
        "measures": day.measures,
    });
    Inputs::new(
        project,
        KIND,
        format!("{}/{what}", info.name),
        &[info.name.as_str()],
    )
}

/// The kept rollup, when there is a valid one.
pub fn find(project: &Project, inputs: &Inputs) -> Result<Option<DataFrame>> {
    let Some(entry) = kept::find(project, inputs)? else {
        return Ok(None);
    };
    Ok(Some(blob::from_bytes(&entry.part(project, "partials")?)?))
}

/// Keeps the rollup; best-effort (a project that cannot be written answers without it).
pub fn keep(project: &Project, inputs: &Inputs, partials: &mut DataFrame) {
    if !project.conn().is_autocommit() || project.is_unwritable() {
        return;
    }
    let Ok(data) = blob::to_bytes(partials) else {
        return;
    };
    let parts = [Part {
        name: "partials",
        seq: 0,
        range: None,
        data,
    }];
    let _ = kept::write(project, inputs, &parts);
}
