//! Running a recipe, and previewing what one step does.

use super::apply::{ROW, apply, missing};
use super::{Recipe, Step};
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::progress::{Reporter, Stage, Unit};
use polars::prelude::*;

/// What one step did when the recipe ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StepStats {
    /// Position in the recipe (0-based).
    pub index: usize,
    pub rows_before: usize,
    pub rows_after: usize,
}

/// The cleaned frame and what each enabled step did.
pub struct Cleaned {
    pub frame: DataFrame,
    pub steps: Vec<StepStats>,
}

fn step_error(index: usize, step: &Step, message: String) -> Error {
    Error::Recipe {
        step: index + 1,
        description: step.describe(Lang::En),
        message,
    }
}

/// Applies step `index` to a collected frame.
fn apply_collect(df: DataFrame, step: &Step, index: usize) -> Result<DataFrame> {
    let schema = df.schema().clone();
    let lf = apply(step, df.lazy(), &schema).map_err(|m| step_error(index, step, m))?;
    lf.collect()
        .map_err(|e| step_error(index, step, format!("the data engine failed: {e}")))
}

/// The raw frame with the hidden row-position column.
fn numbered(raw: &DataFrame) -> Result<DataFrame> {
    Ok(raw.clone().lazy().with_row_index(ROW, None).collect()?)
}

/// Runs the enabled steps before `upto` (all when `None`); the frame keeps the row column.
fn run_numbered(
    raw: &DataFrame,
    recipe: &Recipe,
    upto: Option<usize>,
    rep: Option<&Reporter>,
) -> Result<(DataFrame, Vec<StepStats>)> {
    let end = upto.unwrap_or(recipe.steps.len()).min(recipe.steps.len());
    let mut df = numbered(raw)?;
    let mut stats = Vec::new();
    for (i, s) in recipe.steps[..end].iter().enumerate() {
        if let Some(rep) = rep {
            rep.check()?;
            rep.report(
                Stage::Cleaning,
                i as u64,
                Some(end as u64),
                Unit::Steps,
                0,
                false,
            );
        }
        if !s.enabled {
            continue;
        }
        let rows_before = df.height();
        df = apply_collect(df, &s.step, i)?;
        stats.push(StepStats {
            index: i,
            rows_before,
            rows_after: df.height(),
        });
    }
    Ok((df, stats))
}

/// Runs the recipe's enabled steps on the raw frame.
pub fn run(raw: &DataFrame, recipe: &Recipe, rep: &Reporter) -> Result<Cleaned> {
    let (df, steps) = run_numbered(raw, recipe, None, Some(rep))?;
    Ok(Cleaned {
        frame: df.drop(ROW)?,
        steps,
    })
}

/// What step `index` does to the rows that reach it.
#[derive(Debug, Clone)]
pub struct StepPreview {
    pub index: usize,
    pub rows_before: usize,
    pub rows_after: usize,
    /// Rows the step removes.
    pub removed: usize,
    /// Rows where a value the step touches changed, or a new column got a value.
    pub changed: usize,
    /// Values present before and missing after: what a conversion could not read.
    pub failed: usize,
    pub added: Vec<String>,
    pub dropped: Vec<String>,
    /// Sample rows before the step: the row number (1-based, in the raw table) and the columns
    /// the step touches.
    pub before: DataFrame,
    /// The same rows after the step (no rows when the step removes them).
    pub after: DataFrame,
}

fn names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .into_iter()
        .map(|n| n.to_string())
        .filter(|n| n != ROW)
        .collect()
}

fn bool_mask(df: &DataFrame, e: Expr) -> Result<BooleanChunked> {
    let out = df.clone().lazy().select([e.alias("m")]).collect()?;
    Ok(out.column("m")?.bool()?.clone())
}

/// The row column (1-based, named `row`) and `cols`, of the rows where `mask` holds.
fn sample(df: &DataFrame, mask: &BooleanChunked, cols: &[String], n: usize) -> Result<DataFrame> {
    let mut exprs = vec![(col(ROW).cast(DataType::Int64) + lit(1i64)).alias("row")];
    exprs.extend(cols.iter().map(|c| col(c.as_str())));
    let picked = df.filter(mask)?.head(Some(n));
    Ok(picked.lazy().select(exprs).collect()?)
}

/// Previews step `index` (even when it is disabled) on what the steps before it produce.
pub fn preview_step(
    raw: &DataFrame,
    recipe: &Recipe,
    index: usize,
    rows: usize,
) -> Result<StepPreview> {
    let step = &recipe
        .steps
        .get(index)
        .ok_or_else(|| Error::InvalidArgument(format!("the recipe has no step {}", index + 1)))?
        .step;
    let (before, _) = run_numbered(raw, recipe, Some(index), None)?;
    let after = apply_collect(before.clone(), step, index)?;
    let (bn, an) = (names(&before), names(&after));
    let added: Vec<String> = an.iter().filter(|c| !bn.contains(c)).cloned().collect();
    let dropped: Vec<String> = bn.iter().filter(|c| !an.contains(c)).cloned().collect();
    let touched: Vec<String> = {
        let reads = step.reads();
        let mut t: Vec<String> = if reads.is_empty()
            || matches!(step, Step::RemoveDuplicates { columns, .. } if columns.is_empty())
        {
            bn.clone()
        } else {
            bn.iter()
                .filter(|c| reads.contains(&c.as_str()))
                .cloned()
                .collect()
        };
        // Columns an expression changes in place (derive onto an existing name).
        if let Step::Derive { name, .. } = step
            && bn.contains(name)
            && !t.contains(name)
        {
            t.push(name.clone());
        }
        t
    };
    let mut p = StepPreview {
        index,
        rows_before: before.height(),
        rows_after: after.height(),
        removed: 0,
        changed: 0,
        failed: 0,
        added: added.clone(),
        dropped: dropped.clone(),
        before: DataFrame::empty(),
        after: DataFrame::empty(),
    };
    if after.height() != before.height() {
        // A filter: the rows it removes.
        let kept = after.column(ROW)?.as_materialized_series().clone();
        let gone = bool_mask(
            &before,
            col(ROW).is_in(lit(kept).implode(false), false).not(),
        )?;
        p.removed = before.height() - after.height();
        // Whole rows, so the user sees what goes.
        p.before = sample(&before, &gone, &bn, rows)?;
        p.after = p.before.clear();
        return Ok(p);
    }
    let shared: Vec<String> = touched.iter().filter(|c| an.contains(c)).cloned().collect();
    let mut changed = BooleanChunked::full("m".into(), false, before.height());
    let mut failed = changed.clone();
    for c in &shared {
        let b = before.column(c)?.cast(&DataType::String)?;
        let a = after.column(c)?.cast(&DataType::String)?;
        let diff = b
            .as_materialized_series()
            .not_equal_missing(a.as_materialized_series())?;
        changed = &changed | &diff;
        let was = bool_mask(&before, missing(c, before.column(c)?.dtype()).not())?;
        let now = after.column(c)?.is_null();
        failed = &failed | &(&was & &now);
    }
    // A new column changes a row where it holds a value; a new yes/no flag where it says yes.
    for c in &added {
        let col = after.column(c)?;
        let m = match col.dtype() {
            DataType::Boolean => col.bool()?.fill_null_with_values(false)?,
            _ => col.is_not_null(),
        };
        changed = &changed | &m;
    }
    p.changed = changed.sum().unwrap_or(0) as usize;
    p.failed = failed.sum().unwrap_or(0) as usize;
    // Renames and dropped columns change no values: show the first rows.
    let mask = if p.changed == 0 && (!added.is_empty() || !dropped.is_empty()) {
        BooleanChunked::full("m".into(), true, before.height())
    } else {
        // Failures first, then other changes.
        if p.failed > 0 { failed } else { changed }
    };
    let before_cols: Vec<String> = shared.iter().chain(dropped.iter()).cloned().collect();
    let after_cols: Vec<String> = shared.iter().chain(added.iter()).cloned().collect();
    p.before = sample(&before, &mask, &before_cols, rows)?;
    p.after = sample(&after, &mask, &after_cols, rows)?;
    Ok(p)
}
