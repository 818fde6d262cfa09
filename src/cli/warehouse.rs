//! Commands over linked datasets: link a warehouse table, unlink it.

use super::data::split_pair;
use super::say;
use clap::Args;
use loupe::dataset::{ColumnType, Role};
use loupe::error::{Error, Result};
use loupe::store::Project;
use loupe::warehouse::link::{self, LinkOptions};
use loupe::warehouse::secret::ConnUrl;
use std::path::PathBuf;

#[derive(Args)]
pub struct LinkArgs {
    /// The project file (created if it does not exist).
    #[arg(long)]
    project: PathBuf,
    /// The linked dataset's name in the project.
    #[arg(long)]
    name: String,
    /// The environment variable that holds the warehouse's URL
    /// (postgresql://user:password@host:port/database). The project keeps the variable's name,
    /// never the URL.
    #[arg(long)]
    url_env: String,
    /// The table or view, SCHEMA.TABLE (or TABLE in the user's default schema).
    #[arg(long)]
    table: String,
    /// A column's role, e.g. --role customer=customer_id (repeatable; COLUMN= for no role).
    #[arg(long = "role", value_name = "COLUMN=ROLE")]
    roles: Vec<String>,
    /// A column's type, e.g. --type day=date, when the warehouse's type is not what it holds.
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    types: Vec<String>,
    /// Link again over a linked dataset of the same name.
    #[arg(long)]
    replace: bool,
    /// Print one JSON object describing the link.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct UnlinkArgs {
    #[arg(long)]
    project: PathBuf,
    /// The linked dataset to remove (the warehouse's table is not touched).
    #[arg(long)]
    name: String,
}

pub fn link(a: LinkArgs) -> Result<()> {
    let mut opts = LinkOptions {
        name: a.name.clone(),
        url_env: a.url_env.clone(),
        table: a.table.clone(),
        replace: a.replace,
        ..LinkOptions::default()
    };
    for r in &a.roles {
        let (col, role) = split_pair(r)?;
        let role = if role.is_empty() || role == "none" {
            None
        } else {
            Some(role.parse::<Role>()?)
        };
        opts.roles.push((col, role));
    }
    for t in &a.types {
        let (col, ty) = split_pair(t)?;
        opts.types.push((
            col,
            ty.parse::<ColumnType>().map_err(Error::InvalidArgument)?,
        ));
    }
    let url = ConnUrl::from_env(&a.url_env, &format!("dataset '{}'", a.name))?;
    let project = Project::open_or_create(&a.project)?;
    let l = link::link(&project, &url, &opts)?;
    if a.json {
        let v = serde_json::to_value(&l).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        say!("{v}");
        return Ok(());
    }
    say!(
        "Linked '{}' to {} table {} ({}; URL from ${}); its rows stay in the warehouse.",
        l.name,
        l.engine.label(),
        l.table.text(),
        rows_text(l.rows_estimate),
        l.url_env
    );
    super::data::print_columns(&l.columns);
    Ok(())
}

pub(super) fn rows_text(estimate: Option<u64>) -> String {
    match estimate {
        Some(n) => format!("about {} rows", loupe::i18n::int(n)),
        None => "rows not counted".to_string(),
    }
}

pub fn unlink(a: UnlinkArgs) -> Result<()> {
    let project = Project::open(&a.project)?;
    if link::unlink(&project, &a.name)? {
        say!("Unlinked '{}'; the warehouse's table is untouched.", a.name);
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "the project has no linked dataset named '{}'; loupe tables lists them",
            a.name
        )))
    }
}

/// What a warehouse's answers cost on the wire, for the line after a command's result.
pub(super) fn transfer_line(t: loupe::warehouse::Transfer) -> String {
    format!(
        "Computed in the warehouse: {} result rows, {} received.",
        loupe::i18n::int(t.rows),
        loupe::format::bytes(t.bytes)
    )
}
