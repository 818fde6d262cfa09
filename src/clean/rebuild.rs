//! The cleaned table: raw dataset + recipe, rebuilt in one transaction, with the recipe kept in
//! the project.

use super::recipe::{Recipe, StepStats, run};
use crate::dataset::{ColumnInfo, DatasetInfo};
use crate::error::{Error, Result};
use crate::progress::Reporter;
use crate::store::{self, Action, Project, recipes};
use polars::prelude::DataFrame;

/// The name the cleaned table of `dataset` gets unless the user names it.
pub fn default_output(dataset: &str) -> String {
    format!("{dataset}_clean")
}

/// A dataset's saved recipe and the name of the table it builds.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedRecipe {
    pub recipe: Recipe,
    pub output: String,
}

/// The recipe saved for `dataset`, if any.
pub fn saved_recipe(project: &Project, dataset: &str) -> Result<Option<SavedRecipe>> {
    match recipes::get(project.conn(), dataset)? {
        None => Ok(None),
        Some(s) => Ok(Some(SavedRecipe {
            recipe: Recipe::from_json(&s.json, &format!("the recipe of '{dataset}'"))?,
            output: s.output,
        })),
    }
}

/// The raw dataset as the recipe sees it (values that did not fit a column's type kept as text).
pub fn load_raw(project: &Project, dataset: &str) -> Result<DataFrame> {
    let info = project.dataset(dataset)?;
    crate::frame::load_frame_keeping_invalid(project.conn(), &info)
}

/// What a rebuild did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RebuildSummary {
    pub dataset: String,
    pub output: String,
    pub rows_in: u64,
    pub rows_out: u64,
    pub columns: usize,
    pub steps: Vec<StepStats>,
}

/// Checks that `output` may be (re)written as the cleaned table of `dataset`.
fn check_output(project: &Project, dataset: &str, output: &str) -> Result<()> {
    store::validate_dataset_name(output)?;
    if output == dataset {
        return Err(Error::InvalidArgument(format!(
            "the cleaned table cannot replace '{dataset}' itself: raw data stays as imported; choose another name with --out"
        )));
    }
    if project.has_dataset(output)? {
        match recipes::source_of(project.conn(), output)? {
            Some(src) if src == dataset => {}
            Some(src) => {
                return Err(Error::InvalidArgument(format!(
                    "'{output}' is the cleaned table of '{src}'; choose another name with --out"
                )));
            }
            // A cleaned table no recipe builds any more (its recipe now writes elsewhere).
            None if catalog_kind(project.conn(), output)?.as_deref() == Some("cleaned") => {}
            None => {
                return Err(Error::InvalidArgument(format!(
                    "a dataset named '{output}' exists and is not a cleaned table; choose another name with --out"
                )));
            }
        }
    }
    Ok(())
}

/// Runs the recipe on `dataset` and writes the result as `output` (default `<dataset>_clean`),
/// replacing the previous cleaned table, and saves the recipe. All in one transaction: a failure
/// or a cancel leaves the project as it was.
pub fn rebuild(
    project: &mut Project,
    dataset: &str,
    recipe: &Recipe,
    output: Option<&str>,
    rep: &Reporter,
) -> Result<RebuildSummary> {
    let raw = load_raw(project, dataset)?;
    rebuild_from(project, dataset, &raw, recipe, output, rep)
}

/// [`rebuild`] from a raw frame already loaded with [`load_raw`] (the window keeps one).
pub fn rebuild_from(
    project: &mut Project,
    dataset: &str,
    raw: &DataFrame,
    recipe: &Recipe,
    output: Option<&str>,
    rep: &Reporter,
) -> Result<RebuildSummary> {
    let info = project.dataset(dataset)?;
    let output = match output {
        Some(o) => o.to_string(),
        None => saved_recipe(project, dataset)?
            .map(|s| s.output)
            .unwrap_or_else(|| default_output(dataset)),
    };
    check_output(project, dataset, &output)?;
    let cleaned = run(raw, recipe, rep)?;
    rep.check()?;
    let json = recipe.to_json();
    let tx = project.conn_mut().transaction()?;
    if catalog_has(&tx, &output)? {
        store::remove_dataset(&tx, &output)?;
    }
    let typed = crate::frame::write_frame(&tx, &output, &cleaned.frame, rep)?;
    let columns = typed
        .iter()
        .map(|(name, ty)| {
            // Roles follow the columns they were found on (through renames, by the new name).
            let raw_col = info.column(&original_name(recipe, name));
            ColumnInfo {
                name: name.clone(),
                ty: *ty,
                role: raw_col.and_then(|c| c.role),
                role_source: raw_col.and_then(|c| c.role_source),
                nulls: 0,
                note: None,
            }
        })
        .collect();
    let out_info = DatasetInfo {
        name: output.clone(),
        format: "recipe".into(),
        encoding: None,
        delimiter: None,
        has_header: true,
        imported_at: store::now(),
        rows: cleaned.frame.height() as u64,
        sources: vec![],
        columns,
    };
    store::insert_dataset(
        &tx,
        &store::NewDataset {
            info: &out_info,
            kind: "cleaned",
        },
    )?;
    recipes::put(&tx, dataset, &output, &json)?;
    let summary = RebuildSummary {
        dataset: dataset.to_string(),
        output: output.clone(),
        rows_in: info.rows,
        rows_out: out_info.rows,
        columns: out_info.columns.len(),
        steps: cleaned.steps,
    };
    store::append_activity(
        &tx,
        Action::Rebuild,
        Some(&output),
        Some(out_info.rows),
        &serde_json::json!({
            "source": dataset,
            "rows_in": info.rows,
            "steps": recipe.steps.iter().filter(|s| s.enabled).count(),
            "recipe": serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default(),
        }),
    )?;
    rep.check()?;
    tx.commit()?;
    Ok(summary)
}

/// Saves the recipe without rebuilding (the window saves each edit; rebuilding follows).
pub fn save_recipe(project: &Project, dataset: &str, recipe: &Recipe) -> Result<()> {
    project.dataset(dataset)?;
    let output = recipes::get(project.conn(), dataset)?
        .map(|s| s.output)
        .unwrap_or_else(|| default_output(dataset));
    recipes::put(project.conn(), dataset, &output, &recipe.to_json())
}

fn catalog_kind(conn: &rusqlite::Connection, name: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT kind FROM _loupe_datasets WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?)
}

fn catalog_has(conn: &rusqlite::Connection, name: &str) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM _loupe_datasets WHERE name = ?1",
        [name],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// The raw column a cleaned column came from, following the recipe's renames backwards.
fn original_name(recipe: &Recipe, name: &str) -> String {
    let mut current = name.to_string();
    for s in recipe.steps.iter().rev().filter(|s| s.enabled) {
        if let super::recipe::Step::Rename { from, to } = &s.step
            && *to == current
        {
            current = from.clone();
        }
    }
    current
}
