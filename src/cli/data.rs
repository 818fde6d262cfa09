//! Commands over data: import, tables, query, export, demo, activity, set-role, delete, rename.

use super::progress_bar::with_bar;
use super::ranges;
use super::say;
use clap::Args;
use loupe::dataset::{ColumnType, Role};
use loupe::error::{Error, Result};
use loupe::export::{ExportOptions, export_dataset};
use loupe::i18n::int as fmt_int;
use loupe::import::{
    DelimiterChoice, EncodingChoice, HeaderChoice, ImportOptions, PresetChoice, QuoteMode,
    RaggedPolicy, import_files,
};
use loupe::query::{OutputFormat, query_to};
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct ImportArgs {
    /// Files to import; several files of the same columns append into one dataset.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The project file (created if it does not exist).
    #[arg(long)]
    project: PathBuf,
    /// Dataset name (default: from the first file's name).
    #[arg(long)]
    name: Option<String>,
    /// auto, utf-8, gbk, gb18030, utf-16le, utf-16be, or mixed (each line UTF-8 where it is valid,
    /// else the legacy encoding).
    #[arg(long, default_value = "auto")]
    encoding: EncodingChoice,
    /// auto, ',', tab, ';', '|' or whitespace.
    #[arg(long, default_value = "auto")]
    delimiter: DelimiterChoice,
    /// The first row is data, not column names (columns are named column_1 … column_N).
    #[arg(long, conflicts_with = "header")]
    no_header: bool,
    /// The first row names the columns (default: detected).
    #[arg(long)]
    header: bool,
    /// Worksheet of an Excel file (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// A column's role, e.g. --role 下单时间=timestamp (repeatable; COLUMN= for no role).
    #[arg(long = "role", value_name = "COLUMN=ROLE")]
    roles: Vec<String>,
    /// A column's type, e.g. --type zip=text (integer, float, boolean, date, datetime, text).
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    types: Vec<String>,
    /// Rows whose number of fields differs from the header's: error (default) or pad.
    #[arg(long, default_value = "error", value_parser = ["error", "pad"])]
    ragged: String,
    /// How quotes are read: standard (CSV; a quoted cell spanning over 100 lines or 1 MiB stops
    /// the import as a likely stray quote), plain (quotes are ordinary characters) or long
    /// (CSV without those limits).
    #[arg(long, default_value = "standard")]
    quotes: QuoteMode,
    /// Replace a dataset of the same name.
    #[arg(long)]
    replace: bool,
    /// Add the files' rows to this dataset (of the same columns): its own files are read again
    /// with them, with the roles, text columns and personal-data decisions it has.
    #[arg(long, value_name = "DATASET", conflicts_with_all = ["name", "replace", "preset"])]
    add_to: Option<String>,
    /// Keep rows whose every field is empty (by default they are skipped and counted: the
    /// padding a spreadsheet leaves, such as `,,,,`).
    #[arg(long)]
    keep_blank_rows: bool,
    /// What to do with a column of personal data before it is stored: keep, mask, hash (salted
    /// with the project's salt) or drop (repeatable; *=ACTION for every flagged column). Flagged
    /// columns without one: the customer id, phones and e-mails are kept, the rest masked.
    #[arg(long = "pii", value_name = "COLUMN=ACTION")]
    pii: Vec<String>,
    /// A platform preset (see `loupe presets`) that sets roles, types and status meanings;
    /// `none` for none. Default: the preset recognised from the columns, if any.
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// Print one JSON object describing the result.
    #[arg(long)]
    json: bool,
}

pub(super) fn split_pair(s: &str) -> Result<(String, String)> {
    s.rsplit_once('=')
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .ok_or_else(|| Error::InvalidArgument(format!("'{s}' should look like COLUMN=VALUE")))
}

pub fn import(a: ImportArgs) -> Result<()> {
    let mut opts = ImportOptions {
        name: a.name,
        encoding: a.encoding,
        delimiter: a.delimiter,
        header: if a.no_header {
            HeaderChoice::No
        } else if a.header {
            HeaderChoice::Yes
        } else {
            HeaderChoice::Auto
        },
        sheet: a.sheet,
        ragged: if a.ragged == "pad" {
            RaggedPolicy::Pad
        } else {
            RaggedPolicy::Error
        },
        replace: a.replace,
        quotes: a.quotes,
        keep_blank_rows: a.keep_blank_rows,
        preset: match a.preset.as_deref() {
            None => PresetChoice::Auto,
            Some(n) if n.eq_ignore_ascii_case("none") => PresetChoice::Off,
            Some(n) => PresetChoice::Named(n.to_string()),
        },
        ..ImportOptions::default()
    };
    for r in &a.roles {
        let (col, role) = split_pair(r)?;
        if role.is_empty() || role == "none" {
            opts.no_roles.push(col);
        } else {
            opts.roles.push((col, role.parse::<Role>()?));
        }
    }
    for t in &a.types {
        let (col, ty) = split_pair(t)?;
        opts.types.push((
            col,
            ty.parse::<ColumnType>().map_err(Error::InvalidArgument)?,
        ));
    }
    super::privacy::pii_options(&a.pii, &mut opts)?;
    let (mut project, created) = Project::open_or_create_new(&a.project)?;
    let result = with_bar(|rep| match &a.add_to {
        Some(d) => loupe::import::add_files(&mut project, d, &a.files, rep),
        None => import_files(&mut project, &a.files, &opts, rep),
    });
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            // Do not leave an empty project behind a failed first import (unless another
            // import created a dataset in it meanwhile).
            if created && project.datasets().is_ok_and(|d| d.is_empty()) {
                drop(project);
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", a.project.display()));
                }
            }
            return Err(e);
        }
    };
    if a.json {
        let cols: Vec<serde_json::Value> = report
            .columns
            .iter()
            .map(|c| serde_json::json!({"name": c.name, "type": c.ty, "role": c.role, "nulls": c.nulls, "note": c.note}))
            .collect();
        let v = serde_json::json!({
            "dataset": report.dataset,
            "rows": report.rows,
            "format": report.format,
            "encoding": report.encoding,
            "delimiter": report.delimiter,
            "header": report.header,
            "blank_rows_skipped": report.blank_rows_skipped,
            "columns": cols,
            "warnings": report.warnings,
            "personal_data": report.pii,
            "placeholders": report.placeholders,
            "masked": report.masked,
            "preset": report.preset,
            "seconds": report.seconds,
        });
        say!("{v}");
    } else {
        say!(
            "Imported {} rows into '{}' ({}{}{}) in {:.2} s",
            fmt_int(report.rows),
            report.dataset,
            report.format,
            report
                .encoding
                .as_deref()
                .map(|e| format!(", {e}"))
                .unwrap_or_default(),
            report
                .delimiter
                .as_deref()
                .map(|d| format!(", delimiter {d}"))
                .unwrap_or_default(),
            report.seconds
        );
        if let Some(p) = &report.preset {
            say!(
                "{}: {} (preset {})",
                if p.chosen { "Preset" } else { "Recognised" },
                p.label,
                p.name
            );
        }
        if report.blank_rows_skipped > 0 {
            say!(
                "Skipped {} empty rows (every field empty; --keep-blank-rows keeps them)",
                fmt_int(report.blank_rows_skipped)
            );
        }
        print_columns(&report.columns);
        super::privacy::print_pii(&report.pii, true);
        for w in &report.warnings {
            say!("note: {w}");
        }
    }
    Ok(())
}

pub(super) fn print_columns(cols: &[loupe::dataset::ColumnInfo]) {
    let w = cols
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(6);
    for c in cols {
        let pad = w - c.name.chars().count();
        say!(
            "  {}{}  {:<8}  {:<11}{}",
            c.name,
            " ".repeat(pad),
            c.ty.as_str(),
            c.role.map(|r| r.as_str()).unwrap_or("-"),
            c.note
                .as_deref()
                .map(|n| format!("  ({n})"))
                .unwrap_or_default()
        );
    }
}

#[derive(Args)]
pub struct TablesArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    json: bool,
}

/// Says so when a project opened read-only because its file cannot be written.
pub(super) fn note_unwritable(project: &Project) {
    if project.is_unwritable() {
        eprintln!(
            "note: {} cannot be written (read-only file or file system); it was opened read-only",
            project.path().display()
        );
    }
}

pub fn tables(a: TablesArgs) -> Result<()> {
    let project = Project::open_read_only(&a.project)?;
    note_unwritable(&project);
    let sets = project.datasets()?;
    if a.json {
        let mut out = Vec::with_capacity(sets.len());
        for d in &sets {
            let mut v =
                serde_json::to_value(d).map_err(|e| Error::InvalidArgument(e.to_string()))?;
            if let Some(m) = v.as_object_mut() {
                let flags = serde_json::to_value(project.pii_flags(&d.name)?)
                    .map_err(|e| Error::InvalidArgument(e.to_string()))?;
                m.insert("personal_data".into(), flags);
                if let Some(l) = loupe::combine::lineage(&project, &d.name)? {
                    let l = serde_json::to_value(l)
                        .map_err(|e| Error::InvalidArgument(e.to_string()))?;
                    m.insert("derived".into(), l);
                }
            }
            out.push(v);
        }
        for l in loupe::warehouse::link::list(&project)? {
            let columns = serde_json::to_value(&l.columns)
                .map_err(|e| Error::InvalidArgument(e.to_string()))?;
            out.push(serde_json::json!({
                "name": l.name,
                "linked": {
                    "engine": l.engine,
                    "table": l.table.text(),
                    "url_env": l.url_env,
                    "rows_estimate": l.rows_estimate,
                    "linked_at": l.linked_at,
                },
                "columns": columns,
            }));
        }
        say!("{}", serde_json::Value::Array(out));
        return Ok(());
    }
    if project.is_encrypted() {
        say!("(encrypted project)");
    }
    let links = loupe::warehouse::link::list(&project)?;
    if sets.is_empty() && links.is_empty() {
        say!(
            "The project has no datasets; import one with: loupe import FILE --project {}",
            a.project.display()
        );
    }
    for l in &links {
        say!(
            "{}  linked to {} table {} ({}, {} columns; URL from ${})",
            l.name,
            l.engine.label(),
            l.table.text(),
            super::warehouse::rows_text(l.rows_estimate),
            l.columns.len(),
            l.url_env
        );
        print_columns(&l.columns);
    }
    for d in sets {
        say!(
            "{}  {} rows, {} columns, imported {}",
            d.name,
            fmt_int(d.rows),
            d.columns.len(),
            d.imported_at
        );
        if let Some(l) = loupe::combine::lineage(&project, &d.name)? {
            let state = if !l.missing.is_empty() {
                format!("input gone: {}", l.missing.join(", "))
            } else if l.is_stale() {
                format!(
                    "out of date: {} changed; run loupe rebuild --project {}",
                    l.changed.join(", "),
                    a.project.display()
                )
            } else {
                "up to date".to_string()
            };
            say!("  from: {} (built {}; {state})", l.description, l.built_at);
        }
        print_columns(&d.columns);
        super::privacy::print_pii(&project.pii_flags(&d.name)?, false);
    }
    Ok(())
}

#[derive(Args)]
pub struct QueryArgs {
    #[arg(long)]
    project: PathBuf,
    /// One read-only statement (SELECT, WITH, VALUES or EXPLAIN).
    sql: String,
    #[arg(long, default_value = "csv")]
    format: OutputFormat,
}

pub fn query(a: QueryArgs) -> Result<()> {
    let project = Project::open_read_only(&a.project)?;
    note_unwritable(&project);
    let stdout = std::io::stdout();
    let mut lock = std::io::BufWriter::new(stdout.lock());
    query_to(&project, &a.sql, a.format, &mut lock)?;
    Ok(())
}

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    dataset: String,
    /// Output file: .csv, .xlsx or .parquet.
    #[arg(long)]
    out: PathBuf,
    /// Start the CSV with a UTF-8 byte-order mark (for Excel on Chinese Windows).
    #[arg(long)]
    bom: bool,
    /// Only these columns, comma-separated, in this order.
    #[arg(long, value_delimiter = ',')]
    columns: Option<Vec<String>>,
}

pub fn export(a: ExportArgs) -> Result<()> {
    let project = Project::open(&a.project)?;
    let opts = ExportOptions {
        bom: a.bom,
        columns: a.columns,
    };
    let r = with_bar(|rep| export_dataset(&project, &a.dataset, &a.out, &opts, rep))?;
    eprintln!("Exported {} rows to {}", fmt_int(r.rows), r.path);
    Ok(())
}

#[derive(Args)]
pub struct DemoArgs {
    /// Where to create the sample project.
    #[arg(long)]
    project: PathBuf,
}

pub fn demo(a: DemoArgs) -> Result<()> {
    let project = with_bar(|rep| loupe::demo::build_demo(&a.project, rep))?;
    say!("Built the sample project {}:", a.project.display());
    for d in project.datasets()? {
        say!("  {:<15} {:>7} rows", d.name, fmt_int(d.rows));
    }
    say!("Open it with: loupe --project {}", a.project.display());
    Ok(())
}

#[derive(Args)]
pub struct ActivityArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long, default_value_t = 50, value_parser = ranges::whole::<usize, 1, 10_000_000>)]
    limit: usize,
    /// Only this action (import, export, delete, rebuild, edit, backup, restore, erase, …).
    #[arg(long)]
    action: Option<String>,
    /// Only entries about this dataset.
    #[arg(long)]
    dataset: Option<String>,
    /// Only entries whose action, dataset or details contain this text (any case).
    #[arg(long)]
    text: Option<String>,
    /// From this day on (YYYY-MM-DD, local time).
    #[arg(long)]
    since: Option<String>,
    /// Up to this day (YYYY-MM-DD, local time).
    #[arg(long)]
    until: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn activity(a: ActivityArgs) -> Result<()> {
    let project = Project::open_read_only(&a.project)?;
    let filter = loupe::store::ActivityFilter {
        action: a.action,
        dataset: a.dataset,
        text: a.text,
        since: a.since,
        until: a.until,
    };
    let entries = project.activity_filtered(&filter, a.limit)?;
    if a.json {
        say!(
            "{}",
            serde_json::to_string(&entries).map_err(|e| Error::InvalidArgument(e.to_string()))?
        );
        return Ok(());
    }
    for e in entries {
        say!(
            "{}  {:<7} {:<16} {:>9}  {}",
            e.at,
            e.action,
            e.dataset.as_deref().unwrap_or("-"),
            e.rows.map(fmt_int).unwrap_or_default(),
            e.detail
        );
    }
    Ok(())
}

#[derive(Args)]
pub struct SetRoleArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    dataset: String,
    /// COLUMN=ROLE, or COLUMN= to clear the role.
    assignment: String,
}

pub fn set_role(a: SetRoleArgs) -> Result<()> {
    let (col, role) = split_pair(&a.assignment)?;
    let role = if role.is_empty() || role == "none" {
        None
    } else {
        Some(role.parse::<Role>()?)
    };
    let mut project = Project::open(&a.project)?;
    project.set_role(&a.dataset, &col, role)?;
    if role == Some(Role::Amount) {
        let info = project.dataset(&a.dataset)?;
        if let Some(t) = loupe::order_totals::repeated_total(project.conn(), &info, &col)? {
            eprintln!("warning: {}", t.message(&a.dataset));
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct DeleteArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    dataset: String,
}

pub fn delete(a: DeleteArgs) -> Result<()> {
    let mut project = Project::open(&a.project)?;
    project.delete_dataset(&a.dataset)?;
    Ok(())
}

#[derive(Args)]
pub struct RenameArgs {
    #[arg(long)]
    project: PathBuf,
    /// The dataset's name now.
    #[arg(long)]
    dataset: String,
    /// Its new name (letters, digits and underscores; Chinese letters too).
    #[arg(long = "to")]
    to: String,
}

pub fn rename(a: RenameArgs) -> Result<()> {
    let mut project = Project::open(&a.project)?;
    project.rename_dataset(&a.dataset, &a.to)?;
    say!("Renamed '{}' to '{}'", a.dataset, a.to);
    Ok(())
}
