//! `loupe profile` (the quality report of a dataset) and `loupe clean` (its recipe, replayed).

use super::progress_bar::with_bar;
use super::say;
use clap::Args;
use loupe::clean::{ReportOptions, quality_report};
use loupe::error::{Error, Result};
use loupe::i18n::int;
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct ProfileArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    dataset: String,
    /// Also count duplicates on these columns (comma-separated).
    #[arg(long, value_delimiter = ',')]
    key: Vec<String>,
    /// A rule rows must satisfy, as an SQL condition, e.g. --rule "Quantity > 0" (repeatable).
    #[arg(long = "rule")]
    rules: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn profile(a: ProfileArgs) -> Result<()> {
    let project = Project::open_read_only(&a.project)?;
    let opts = ReportOptions {
        key: a.key,
        rules: a.rules,
        today: None,
    };
    // A linked table is profiled by its warehouse: only the counts cross the wire.
    let (r, transfer) = match loupe::warehouse::link::linked(&project, &a.dataset)? {
        Some(link) => {
            let (r, t) =
                with_bar(|rep| loupe::warehouse::profile::quality_report(&link, &opts, rep))?;
            (r, Some(t))
        }
        None => (
            with_bar(|rep| quality_report(&project, &a.dataset, &opts, rep))?,
            None,
        ),
    };
    if a.json {
        let mut v = serde_json::to_value(&r).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        if let Some(t) = transfer {
            v["transfer"] = serde_json::to_value(t).unwrap_or_default();
            // PostgreSQL has no approximate distinct count built in: every count is exact.
            v["approximate_distinct"] = serde_json::Value::Bool(false);
        }
        say!("{v}");
        return Ok(());
    }
    if let Some(t) = transfer {
        say!("{}", super::warehouse::transfer_line(t));
        say!("Every count is exact, distinct values too.");
    }
    say!(
        "{}: {} rows, {} exact duplicate rows",
        r.dataset,
        int(r.rows),
        int(r.exact_duplicate_rows)
    );
    say!(
        "  {:<16} {:<8} {:>9} {:>9} {:>8} {:>9} {:>8}",
        "column",
        "type",
        "missing",
        "distinct",
        "invalid",
        "untrimmed",
        "outliers"
    );
    for c in &r.columns {
        say!(
            "  {:<16} {:<8} {:>9} {:>9} {:>8} {:>9} {:>8}",
            c.name,
            c.ty.as_str(),
            int(c.missing),
            int(c.distinct),
            int(c.invalid),
            int(c.untrimmed),
            c.outliers_iqr.map(int).unwrap_or_else(|| "-".into())
        );
    }
    if !r.findings.is_empty() && transfer.is_none() {
        say!("Findings (loupe clean --suggested applies every suggested step):");
    } else if !r.findings.is_empty() {
        say!("Findings (a linked table is cleaned in its warehouse):");
    }
    for f in &r.findings {
        say!(
            "  {:>9}  {:?}{}  — fix: {}",
            int(f.count),
            f.kind,
            f.column
                .as_deref()
                .map(|c| format!(" in {c}"))
                .unwrap_or_default(),
            f.fixes
                .iter()
                .map(|x| x.describe())
                .collect::<Vec<_>>()
                .join("; ")
        );
        say!("             rows: WHERE {}", f.rows_where);
        if let Some(step) = &f.suggested {
            say!(
                "             suggested step: {}",
                step.describe(loupe::i18n::Lang::En)
            );
        }
        say!(
            "             why: {}",
            f.why.describe(loupe::i18n::Lang::En)
        );
    }
    Ok(())
}

#[derive(Args)]
pub struct CleanArgs {
    #[arg(long)]
    project: PathBuf,
    /// The raw dataset to clean.
    #[arg(long)]
    dataset: String,
    /// Replay this recipe (JSON) and keep it as the dataset's recipe. Without it, the saved recipe
    /// is replayed.
    #[arg(long, conflicts_with = "suggested")]
    recipe: Option<PathBuf>,
    /// Start from the quality report's suggested fixes.
    #[arg(long)]
    suggested: bool,
    /// Name of the cleaned dataset (default: <dataset>_clean, or the name used before).
    #[arg(long)]
    out: Option<String>,
    /// Show what each step would do without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Also write the recipe used to this JSON file.
    #[arg(long)]
    write_recipe: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub fn clean(a: CleanArgs) -> Result<()> {
    use loupe::clean::{Recipe, load_raw, rebuild, recipe::run, saved_recipe, suggested_recipe};
    use loupe::i18n::Lang;
    let mut project = if a.dry_run {
        Project::open_read_only(&a.project)?
    } else {
        Project::open(&a.project)?
    };
    let recipe = if let Some(path) = &a.recipe {
        Recipe::read(path)?
    } else if a.suggested {
        let report =
            with_bar(|rep| quality_report(&project, &a.dataset, &ReportOptions::default(), rep))?;
        suggested_recipe(&report)
    } else {
        match saved_recipe(&project, &a.dataset)? {
            Some(s) => s.recipe,
            None => {
                project.dataset(&a.dataset)?;
                return Err(Error::InvalidArgument(format!(
                    "dataset '{}' has no recipe yet; pass --recipe FILE.json, or --suggested to start from the quality report's suggested fixes",
                    a.dataset
                )));
            }
        }
    };
    if let Some(path) = &a.write_recipe {
        recipe.write(path)?;
    }
    let (rows_in, rows_out, output, steps) = if a.dry_run {
        let raw = load_raw(&project, &a.dataset)?;
        let done = with_bar(|rep| run(&raw, &recipe, rep))?;
        (
            raw.height() as u64,
            done.frame.height() as u64,
            None,
            done.steps,
        )
    } else {
        let s = with_bar(|rep| rebuild(&mut project, &a.dataset, &recipe, a.out.as_deref(), rep))?;
        (s.rows_in, s.rows_out, Some(s.output), s.steps)
    };
    if a.json {
        let v = serde_json::json!({
            "dataset": a.dataset,
            "output": output,
            "rows_in": rows_in,
            "rows_out": rows_out,
            "steps": steps,
            "recipe": serde_json::from_str::<serde_json::Value>(&recipe.to_json()).unwrap_or_default(),
        });
        say!("{v}");
        return Ok(());
    }
    for (i, s) in recipe.steps.iter().enumerate() {
        let what = s.step.describe(Lang::En);
        match steps.iter().find(|x| x.index == i) {
            Some(x) if x.rows_after != x.rows_before => say!(
                "{:>3}. {what}: {} -> {} rows (-{})",
                i + 1,
                int(x.rows_before as u64),
                int(x.rows_after as u64),
                int((x.rows_before - x.rows_after) as u64)
            ),
            Some(_) => say!("{:>3}. {what}", i + 1),
            None => say!("{:>3}. (disabled) {what}", i + 1),
        }
    }
    match output {
        Some(o) => say!(
            "{}: {} rows -> {o}: {} rows",
            a.dataset,
            int(rows_in),
            int(rows_out)
        ),
        None => say!(
            "{}: {} rows -> {} rows (dry run: nothing written)",
            a.dataset,
            int(rows_in),
            int(rows_out)
        ),
    }
    Ok(())
}
