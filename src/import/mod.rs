//! Import: files as marketers have them (CSV/TSV/TXT in any common encoding, Excel, Parquet, JSON)
//! become one typed dataset in the project.
//!
//! Memory stays bounded whatever the file size: values stream from the file through a reader
//! thread that converts them into batches for the SQLite writer. Types come from every value: the
//! load converts with a plan from the first rows while it watches every value, and loads again in
//! the rare case that a later value changes a column's plan (`--ragged pad`, whose width is known
//! only at the end, scans first). Everything the load writes is in one transaction: an import that
//! fails or is cancelled leaves the project exactly as it was.

mod add;
pub mod encoding;
mod formats;
pub mod infer;
mod passes;
pub mod presets;
mod preview;
pub mod quirks;
pub mod quotes;
pub mod roles;
pub mod sniff;
pub mod source;
pub mod temporal;
pub(crate) mod writer;

pub use add::add_files;
pub use encoding::{EncodingChoice, TextEncoding};
pub use preview::{Preview, preview};
pub use quotes::QuoteMode;
pub use sniff::Format;
pub use source::Delimiter;

use crate::dataset::{ColumnInfo, ColumnType, DatasetInfo, Role, RoleSource, SourceFile};
use crate::error::{Error, ImportError, Result};
use crate::privacy::{PiiAction, PiiColumn, decide, detect};
use crate::progress::{Reporter, Stage, Unit};
use crate::store::{self, Action, Project};
use infer::{ColumnStats, Hints, Plan};
use serde::Serialize;
use sniff::SniffedFile;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The `--delimiter` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DelimiterChoice {
    #[default]
    Auto,
    Byte(u8),
    Whitespace,
}

impl std::str::FromStr for DelimiterChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "auto" => DelimiterChoice::Auto,
            "tab" | "\\t" | "\t" => DelimiterChoice::Byte(b'\t'),
            "whitespace" | "space" | "spaces" => DelimiterChoice::Whitespace,
            s if s.len() == 1 && s.is_ascii() && !s.as_bytes()[0].is_ascii_alphanumeric() => {
                DelimiterChoice::Byte(s.as_bytes()[0])
            }
            _ => {
                return Err(format!(
                    "unknown delimiter '{s}'; use auto, ',', tab, ';', '|' or whitespace"
                ));
            }
        })
    }
}

/// Whether the first row names the columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderChoice {
    #[default]
    Auto,
    Yes,
    No,
}

/// What to do with rows whose number of fields differs from the header's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RaggedPolicy {
    /// Stop and list the lines.
    #[default]
    Error,
    /// Keep them: short rows get empty cells, long rows add columns `column_N`.
    Pad,
}

/// Whether the import uses a platform preset ([`presets`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PresetChoice {
    /// The preset recognised from the header, if any.
    #[default]
    Auto,
    /// This preset (by name), whatever the header.
    Named(String),
    /// No preset.
    Off,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The platform preset that sets roles, types and status meanings.
    pub preset: PresetChoice,
    pub name: Option<String>,
    pub encoding: EncodingChoice,
    pub delimiter: DelimiterChoice,
    pub header: HeaderChoice,
    pub sheet: Option<String>,
    /// Roles the user gives, by column name.
    pub roles: Vec<(String, Role)>,
    /// Columns the user says have no role.
    pub no_roles: Vec<String>,
    /// Types the user gives, by column name.
    pub types: Vec<(String, ColumnType)>,
    pub ragged: RaggedPolicy,
    /// How quotes in delimited text are read.
    pub quotes: QuoteMode,
    /// Replace a dataset of the same name.
    pub replace: bool,
    /// Keep rows whose every field is empty (by default they are skipped and counted: the
    /// padding a spreadsheet leaves, `,,,,`).
    pub keep_blank_rows: bool,
    /// Decisions on personal data, by column (`*`: every flagged column without its own);
    /// flagged columns without a decision get [`crate::privacy::decide::default_action`].
    pub pii: Vec<(String, PiiAction)>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub dataset: String,
    pub rows: u64,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub header: bool,
    pub columns: Vec<ColumnInfo>,
    pub files: Vec<SourceFile>,
    /// Rows whose every field was empty, skipped (0 with [`ImportOptions::keep_blank_rows`]).
    pub blank_rows_skipped: u64,
    /// Things the user should know: values kept as text, padded rows, roles dropped.
    pub warnings: Vec<String>,
    /// Columns of personal data and what was done with them (dropped ones are not in `columns`).
    pub pii: Vec<PiiColumn>,
    /// Columns with encrypted placeholders (`##…`, `$$…`, `***`), read as missing personal
    /// data ([`quirks::is_placeholder`]).
    pub placeholders: Vec<PlaceholderCount>,
    /// Columns with masked values (`138****1234`, `张**`), kept as written but never an
    /// identity key ([`quirks::is_masked`]).
    pub masked: Vec<PlaceholderCount>,
    /// The platform preset the import used, recognised or chosen.
    pub preset: Option<presets::Recognised>,
    pub seconds: f64,
}

/// Placeholders of withheld personal data (or masked values) in one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceholderCount {
    pub column: String,
    pub count: u64,
}

const BATCH_ROWS: usize = 4096;

/// The file extensions the import reads, for file dialogs (a gzip of any of them too).
pub const DATA_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "txt", "xlsx", "xls", "parquet", "json", "jsonl", "ndjson", "gz",
];

/// The most columns an SQLite table holds (SQLITE_MAX_COLUMN of the bundled SQLite).
pub const MAX_COLUMNS: usize = 2000;

/// Rows read for the provisional plan of a single-pass import.
const SAMPLE_ROWS: u64 = 20_000;

/// The plan of each column: the user's type, or the one the values call for.
fn plans_for(
    columns: &[String],
    stats: &[ColumnStats],
    hints: &[Hints],
    opts: &ImportOptions,
) -> Vec<Plan> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let forced = opts
                .types
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(c))
                .map(|(_, t)| *t);
            match (forced, hints[i].preset_type) {
                (Some(t), _) => Plan::forced(t, &stats[i]),
                (None, Some(t)) => Plan::preset(t, &stats[i]),
                (None, None) => stats[i].plan(hints[i]),
            }
        })
        .collect()
}

/// Imports `files` (of the same columns) as one dataset.
pub fn import_files(
    project: &mut Project,
    files: &[PathBuf],
    opts: &ImportOptions,
    rep: &Reporter,
) -> Result<ImportReport> {
    import_inner(project, files, opts, rep).map_err(|e| {
        // The table and the write-ahead log each take about the size of the data.
        let data: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        e.in_file(project.path(), Some(2 * data))
    })
}

fn import_inner(
    project: &mut Project,
    files: &[PathBuf],
    opts: &ImportOptions,
    rep: &Reporter,
) -> Result<ImportReport> {
    let started = Instant::now();
    let first = files
        .first()
        .ok_or_else(|| Error::InvalidArgument("no file to import".into()))?;
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| store::dataset_name_from_path(first));
    store::validate_dataset_name(&name)?;
    if !opts.replace && project.has_dataset(&name)? {
        return Err(Error::DatasetExists { name });
    }
    if crate::warehouse::link::find(project, &name)?.is_some() {
        return Err(Error::InvalidArgument(format!(
            "'{name}' is the name of a linked dataset; choose another name with --name, or unlink it first (loupe unlink)"
        )));
    }
    rep.report(Stage::Reading, 0, None, Unit::Bytes, 0, true);
    let sniffed: Vec<SniffedFile> = files
        .iter()
        .map(|f| sniff::sniff(f, opts))
        .collect::<Result<_>>()?;
    let mut columns = sniff::unique_names(&sniffed[0].header);
    check_same_columns(&sniffed)?;
    rep.check()?;

    let mut warnings = Vec::new();
    let preset = choose_preset(&columns, opts, &mut warnings)?;
    let settings = preset.as_ref().map(|(p, _)| p.settings(&columns));
    let mut hints = column_hints(&columns, opts, settings.as_ref())?;
    let total_bytes: u64 = sniffed.iter().map(|f| f.size).sum::<u64>().max(1);
    let hasher = passes::hash_files(&sniffed);

    // Types come from every value. With --ragged pad the width is known only after a full scan, so
    // that path scans first. Otherwise one pass loads with a plan from the first rows while it
    // watches every value, and loads again only if a later value changed a column's plan.
    let (mut observed, span) = match opts.ragged {
        RaggedPolicy::Pad => {
            let obs = passes::scan(&sniffed, columns.len(), true, total_bytes, rep)?;
            obs.check_shape(&sniffed, columns.len(), opts.ragged, &mut warnings)?;
            for k in columns.len()..obs.stats.len() {
                columns.push(format!("column_{}", k + 1));
                hints.push(Hints::default());
            }
            let span = passes::Span {
                base: total_bytes,
                total: 2 * total_bytes,
            };
            (Some(obs), span)
        }
        RaggedPolicy::Error => (
            None,
            passes::Span {
                base: 0,
                total: total_bytes,
            },
        ),
    };
    let scanned = started.elapsed();
    let sample_stats = match &observed {
        Some(obs) => obs.stats.clone(),
        None => passes::sample(&sniffed, columns.len(), SAMPLE_ROWS)?,
    };
    // Personal data: flagged from a sample, decided before anything is written.
    let (pii, opts) = pii_decisions(
        &sniffed,
        &columns,
        &hints,
        &sample_stats,
        opts,
        &mut warnings,
    )?;
    let opts = &opts;
    for (h, c) in hints.iter_mut().zip(&columns) {
        if pii
            .iter()
            .any(|f| &f.column == c && f.action == PiiAction::Drop)
        {
            // A dropped column takes no role.
            h.role = None;
        }
    }
    let writes_how: Vec<passes::Write> = columns
        .iter()
        .map(|c| match pii.iter().find(|f| &f.column == c) {
            Some(f) if f.action != PiiAction::Keep => passes::Write::Pii(f.kind, f.action),
            _ => passes::Write::Plain,
        })
        .collect();
    let salt = store::pii::salt(project.conn())?;
    let writes = passes::Writes {
        how: &writes_how,
        salt: &salt,
    };
    let mut plans = plans_for(&columns, &sample_stats, &hints, opts);

    if opts.replace && project.has_dataset(&name)? {
        // Replacing a dataset is destructive: keep a copy first.
        store::backup::backup_automatic(project, &format!("replace-{name}"))?;
    }
    let (tx, load) = loop {
        rep.check()?;
        // Immediate: the write lock from the start, so a concurrent import waits its turn
        // instead of failing on a stale read.
        let tx = project
            .conn_mut()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if opts.replace {
            store::remove_dataset(&tx, &name)?;
        }
        let typed: Vec<(String, ColumnType)> = columns
            .iter()
            .cloned()
            .zip(plans.iter().map(|p| p.ty))
            .zip(&writes_how)
            .filter(|(_, w)| !w.dropped())
            .map(|(t, _)| t)
            .collect();
        if typed.len() > MAX_COLUMNS {
            return Err(ImportError::TooManyColumns {
                path: sniffed[0].path.clone(),
                count: typed.len(),
                limit: MAX_COLUMNS,
            }
            .into());
        }
        writer::create_table(&tx, &name, &typed)?;
        let mut watch = observed
            .is_none()
            .then(|| passes::Observed::new(columns.len(), sniffed.len(), false));
        // A file that changed while read is refused, whatever else the read ran into.
        let load = passes::load(
            &tx,
            &name,
            &sniffed,
            &plans,
            &writes,
            watch.as_mut(),
            span,
            rep,
        )
        .and_then(|l| check_unchanged(&sniffed, Some(&l.read)).map(|_| l))
        .map_err(|e| match check_unchanged(&sniffed, None) {
            Err(changed) => changed,
            Ok(()) => e,
        })?;
        if let Some(obs) = watch {
            obs.check_shape(&sniffed, columns.len(), opts.ragged, &mut warnings)?;
            let exact = plans_for(&columns, &obs.stats, &hints, opts);
            let same = exact
                .iter()
                .zip(&plans)
                .all(|(a, b)| a.conv == b.conv && a.ty == b.ty);
            plans = exact;
            observed = Some(obs);
            if !same {
                // A value past the first rows changed a column's type: load again (rare).
                drop(tx);
                continue;
            }
        }
        break (tx, load);
    };
    let loaded = started.elapsed();
    let Some(observed) = observed else {
        return Err(Error::InvalidArgument("the import saw no rows".into()));
    };
    let stats = &observed.stats;
    let roles = final_roles(&columns, &hints, &plans, stats, opts, &mut warnings)?;
    let hashes = hasher
        .join()
        .unwrap_or_else(|_| Err(Error::InvalidArgument("hashing the files failed".into())))?;
    let enc = sniffed[0].encoding;
    let delim = sniffed[0].delimiter;
    let mut mixed_total = (0u64, None);
    for (f, (_, mixed)) in sniffed.iter().zip(&load.read) {
        if let Some(e) = mixed.encoding.filter(|_| mixed.count > 0) {
            warnings.push(format!(
                "{}: {} line(s) are not UTF-8 and were read as {} (lines {}); the other lines were read as UTF-8",
                f.path.display(),
                mixed.count,
                e.name(),
                sniff::line_list(&mixed.first)
                    + if mixed.count > mixed.first.len() as u64 { ", …" } else { "" }
            ));
            mixed_total = (mixed_total.0 + mixed.count, Some(e));
        }
    }
    let counts = |per: &[u64]| -> Vec<PlaceholderCount> {
        columns
            .iter()
            .zip(per)
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| PlaceholderCount {
                column: c.clone(),
                count: *n,
            })
            .collect()
    };
    let placeholders = counts(&load.placeholders);
    let masked = counts(&load.masked);
    for p in &placeholders {
        warnings.push(format!(
            "column '{}': {} encrypted or withheld value(s) (such as ##…, $$… or ***) read as missing personal data",
            p.column, p.count
        ));
    }
    for p in &masked {
        warnings.push(format!(
            "column '{}': {} masked value(s) (such as 138****1234) kept as written; they never identify a customer",
            p.column, p.count
        ));
    }
    for (i, (count, line, value)) in load.kept_as_text.iter().enumerate() {
        if *count > 0 {
            warnings.push(format!(
                "column '{}': {count} value(s) could not be read as {} and were kept as written (first at line {line}: '{value}')",
                columns[i], plans[i].ty
            ));
        }
    }
    let column_infos: Vec<ColumnInfo> = columns
        .iter()
        .enumerate()
        .filter(|(i, _)| !writes_how[*i].dropped())
        .map(|(i, n)| ColumnInfo {
            name: n.clone(),
            ty: plans[i].ty,
            role: roles[i].map(|r| r.0),
            role_source: roles[i].map(|r| r.1),
            nulls: load.nulls[i],
            note: match writes_how[i] {
                passes::Write::Pii(kind, action) => {
                    Some(format!("personal data ({kind}), {}", action.done()))
                }
                passes::Write::Plain => plans[i].note.clone(),
            },
        })
        .collect();
    let sources: Vec<SourceFile> = sniffed
        .iter()
        .zip(&hashes)
        .zip(&observed.rows_per_file)
        .zip(&load.read)
        .map(|(((f, h), rows), (read, _))| SourceFile {
            path: absolute(&f.path),
            // The bytes actually read (equal to the size, checked above).
            size: if f.rows_in_memory().is_some() {
                f.size
            } else {
                *read
            },
            modified: f.modified.clone(),
            sha256: h.clone(),
            rows: *rows,
        })
        .collect();
    let info = DatasetInfo {
        name: name.clone(),
        format: sniffed[0].format.name().to_string(),
        encoding: enc.map(|e| match mixed_total {
            (n, Some(other)) => format!("{} + {} ({n} lines)", e.name(), other.name()),
            _ => e.name(),
        }),
        delimiter: delim.map(|d| d.name()),
        has_header: sniffed[0].has_header,
        imported_at: crate::store::now(),
        rows: load.rows,
        sources: sources.clone(),
        columns: column_infos.clone(),
    };
    store::insert_dataset(
        &tx,
        &store::NewDataset {
            info: &info,
            kind: "imported",
        },
    )?;
    store::pii::save(&tx, &name, &pii)?;
    if let Some((p, _)) = &preset {
        tx.execute(
            "INSERT OR REPLACE INTO _loupe_platforms(dataset_id, preset, platform) \
             SELECT id, ?2, ?3 FROM _loupe_datasets WHERE name = ?1",
            rusqlite::params![name, p.name, p.platform],
        )?;
    }
    let mut detail = serde_json::json!({
        "files": sources.iter().map(|s| &s.path).collect::<Vec<_>>(),
        "replaced": opts.replace,
        "warnings": warnings.len(),
    });
    if load.blank_rows > 0 {
        detail["blank_rows_skipped"] = load.blank_rows.into();
    }
    if !pii.is_empty() {
        detail["personal_data"] = pii
            .iter()
            .map(|f| format!("{} ({}): {}", f.column, f.kind, f.action))
            .collect::<Vec<_>>()
            .into();
    }
    store::append_activity(&tx, Action::Import, Some(&name), Some(load.rows), &detail)?;
    rep.check()?;
    rep.report(
        Stage::Committing,
        2 * total_bytes,
        Some(2 * total_bytes),
        Unit::Bytes,
        load.rows,
        true,
    );
    tx.commit()?;
    if std::env::var_os("LOUPE_IMPORT_TIMES").is_some() {
        eprintln!(
            "import phases: sample or scan {:.3} s, load {:.3} s, commit {:.3} s",
            scanned.as_secs_f64(),
            (loaded - scanned).as_secs_f64(),
            (started.elapsed() - loaded).as_secs_f64()
        );
    }
    Ok(ImportReport {
        dataset: name,
        rows: load.rows,
        format: info.format,
        encoding: info.encoding,
        delimiter: info.delimiter,
        header: info.has_header,
        columns: column_infos,
        files: sources,
        blank_rows_skipped: load.blank_rows,
        warnings,
        pii,
        placeholders,
        masked,
        preset: preset.map(|(_, r)| r),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Rows read for the personal-data sample.
const PII_SAMPLE_ROWS: u64 = 20_000;

/// The flagged columns with the user's decisions (or the defaults), and the options the load runs
/// with: masked and hashed columns are text.
fn pii_decisions(
    sniffed: &[SniffedFile],
    columns: &[String],
    hints: &[Hints],
    stats: &[ColumnStats],
    opts: &ImportOptions,
    warnings: &mut Vec<String>,
) -> Result<(Vec<PiiColumn>, ImportOptions)> {
    let values = passes::values_sample(
        sniffed,
        columns.len(),
        detect::SAMPLE_VALUES,
        PII_SAMPLE_ROWS,
    )?;
    let detected: Vec<Option<detect::Detection>> = columns
        .iter()
        .zip(&values)
        .map(|(c, v)| detect::detect_column(c, v))
        .collect();
    // Roles as the sample shows them, for the defaults (the customer id is kept).
    let plans = plans_for(columns, stats, hints, opts);
    let roles: Vec<Option<Role>> =
        final_roles(columns, hints, &plans, stats, opts, &mut Vec::new())
            .map(|r| r.into_iter().map(|x| x.map(|x| x.0)).collect())
            .unwrap_or_else(|_| vec![None; columns.len()]);
    let (flags, more) = decide::resolve(columns, &detected, &roles, &opts.pii)?;
    warnings.extend(more);
    let mut eff = opts.clone();
    for f in &flags {
        if f.action == PiiAction::Drop {
            eff.no_roles.push(f.column.clone());
            eff.roles
                .retain(|(c, _)| !c.eq_ignore_ascii_case(&f.column));
        }
        if matches!(f.action, PiiAction::Mask | PiiAction::Hash) {
            eff.types
                .retain(|(c, _)| !c.eq_ignore_ascii_case(&f.column));
            eff.types.push((f.column.clone(), ColumnType::Text));
        }
    }
    Ok((flags, eff))
}

/// Refuses the import when a file changed while it was read: its size or modification time
/// differ from when it was first looked at, or (given `read`, per file) the bytes read differ
/// from its size.
fn check_unchanged(
    files: &[SniffedFile],
    read: Option<&[(u64, encoding::MixedLines)]>,
) -> Result<()> {
    for (i, f) in files.iter().enumerate() {
        let now = std::fs::metadata(&f.path).map_err(|e| Error::io(&f.path, e))?;
        let mtime_changed = now.modified().ok() != f.mtime;
        // Formats read whole were read at the start: their size is what was read.
        let bytes = match read.and_then(|r| r.get(i)) {
            Some((b, _)) if f.rows_in_memory().is_none() => Some(*b),
            _ => None,
        };
        if now.len() != f.size || mtime_changed || bytes.is_some_and(|b| b != f.size) {
            return Err(ImportError::FileChanged {
                path: f.path.clone(),
                before: f.size,
                after: now.len(),
                read: bytes,
                mtime_changed,
            }
            .into());
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

fn check_same_columns(files: &[SniffedFile]) -> Result<()> {
    let first = &files[0];
    let norm = |h: &[String]| -> Vec<String> {
        sniff::unique_names(h)
            .into_iter()
            .map(|s| s.to_lowercase())
            .collect()
    };
    let want = norm(&first.header);
    for f in &files[1..] {
        let got = norm(&f.header);
        if got == want {
            continue;
        }
        let missing: Vec<&String> = want.iter().filter(|c| !got.contains(c)).collect();
        let extra: Vec<&String> = got.iter().filter(|c| !want.contains(c)).collect();
        let detail = if missing.is_empty() && extra.is_empty() {
            "the same columns in another order".to_string()
        } else {
            let mut parts = vec![];
            if !missing.is_empty() {
                parts.push(format!("missing {:?}", missing));
            }
            if !extra.is_empty() {
                parts.push(format!("extra {:?}", extra));
            }
            parts.join(", ")
        };
        return Err(ImportError::ColumnsDiffer {
            path: f.path.clone(),
            first: first.path.clone(),
            detail,
        }
        .into());
    }
    Ok(())
}

/// The preset the import uses (see [`PresetChoice`]), with how it is named in the report.
pub fn choose_preset(
    columns: &[String],
    opts: &ImportOptions,
    warnings: &mut Vec<String>,
) -> Result<Option<(presets::Preset, presets::Recognised)>> {
    match &opts.preset {
        PresetChoice::Off => Ok(None),
        PresetChoice::Named(name) => {
            let all = presets::all()?;
            let p = presets::find(&all, name)?;
            let score = p.score(columns);
            if score.is_none_or(|s| s < p.min_score) {
                warnings.push(format!(
                    "the file does not look like a {} ({} of its columns found); the preset was applied to the columns it names",
                    p.label,
                    p.positions(columns).iter().flatten().count()
                ));
            }
            let r = presets::Recognised::of(p, score.unwrap_or(0.0), true);
            Ok(Some((p.clone(), r)))
        }
        PresetChoice::Auto => {
            // A broken user preset does not stop imports: the built-in presets still apply.
            let all = match presets::all() {
                Ok(all) => all,
                Err(e) => {
                    warnings.push(format!("user presets left out: {e}"));
                    presets::embedded()?
                }
            };
            Ok(presets::recognise(&all, columns)
                .map(|(p, score)| (p.clone(), presets::Recognised::of(p, score, false))))
        }
    }
}

/// Roles from the user, a preset and names, before any value is read.
fn column_hints(
    columns: &[String],
    opts: &ImportOptions,
    preset: Option<&presets::Settings>,
) -> Result<Vec<Hints>> {
    let find = |name: &str| -> Result<usize> {
        columns
            .iter()
            .position(|c| c == name)
            .or_else(|| columns.iter().position(|c| c.eq_ignore_ascii_case(name)))
            .ok_or_else(|| {
                ImportError::NoSuchColumn {
                    column: name.to_string(),
                    available: columns.join(", "),
                }
                .into()
            })
    };
    let mut hints: Vec<Hints> = columns
        .iter()
        .map(|c| Hints {
            role: None,
            role_from_user: false,
            timey_name: roles::timey_name(c),
            preset_type: preset.and_then(|p| {
                p.types
                    .iter()
                    .find(|(n, _)| n == c)
                    .map(|(_, t)| *t)
                    .filter(|_| !opts.types.iter().any(|(n, _)| n.eq_ignore_ascii_case(c)))
            }),
        })
        .collect();
    let mut user_roles = vec![];
    for (col, role) in &opts.roles {
        let i = find(col)?;
        hints[i].role = Some(*role);
        hints[i].role_from_user = true;
        user_roles.push(*role);
    }
    let mut excluded = vec![];
    for col in &opts.no_roles {
        excluded.push(find(col)?);
    }
    // The preset's roles, where the user placed neither the column nor the role; the columns it
    // gives no role take none from their names.
    if let Some(p) = preset {
        for (col, role) in &p.roles {
            let Some(i) = columns.iter().position(|c| c == col) else {
                continue;
            };
            if hints[i].role.is_none() && !excluded.contains(&i) && !user_roles.contains(role) {
                hints[i].role = Some(*role);
                user_roles.push(*role);
            }
        }
        for col in &p.no_roles {
            if let Some(i) = columns.iter().position(|c| c == col)
                && hints[i].role.is_none()
                && !excluded.contains(&i)
            {
                excluded.push(i);
            }
        }
    }
    // Name roles: each role to its best-named column, unless the user placed it.
    let mut best: Vec<(Role, usize, usize)> = vec![];
    for (i, c) in columns.iter().enumerate() {
        if hints[i].role.is_some() || excluded.contains(&i) {
            continue;
        }
        if let Some((role, rank)) = roles::role_from_name(c) {
            if user_roles.contains(&role) {
                continue;
            }
            match best.iter_mut().find(|b| b.0 == role) {
                Some(b) if rank < b.2 => *b = (role, i, rank),
                Some(_) => {}
                None => best.push((role, i, rank)),
            }
        }
    }
    for (role, i, _) in best {
        hints[i].role = Some(role);
    }
    Ok(hints)
}

/// Roles after types are known: name roles that do not fit the values are dropped, roles nobody
/// named are looked for in the content.
fn final_roles(
    columns: &[String],
    hints: &[Hints],
    plans: &[Plan],
    stats: &[ColumnStats],
    opts: &ImportOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<Option<(Role, RoleSource)>>> {
    let mut out: Vec<Option<(Role, RoleSource)>> = vec![None; columns.len()];
    for (i, h) in hints.iter().enumerate() {
        let Some(role) = h.role else { continue };
        let ty = plans[i].ty;
        if roles::fits(role, ty) {
            out[i] = Some((
                role,
                if h.role_from_user {
                    RoleSource::User
                } else {
                    RoleSource::Name
                },
            ));
        } else if h.role_from_user {
            let example = stats[i]
                .first_text
                .as_ref()
                .map(|(line, v)| format!(" (line {line}: '{v}')"))
                .unwrap_or_default();
            return Err(Error::InvalidArgument(format!(
                "--role {}={role}: the values of '{}' are {ty}, which cannot be a {role}{example}; give the role to another column or fix the values",
                columns[i], columns[i]
            )));
        } else if !roles::quiet_misfit(role) {
            warnings.push(format!(
                "column '{}': its name suggests {role}, but its values are {ty}; no role given",
                columns[i]
            ));
        }
    }
    let taken =
        |out: &[Option<(Role, RoleSource)>], r: Role| out.iter().flatten().any(|x| x.0 == r);
    let excluded = |i: usize| {
        opts.no_roles
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&columns[i]))
    };
    // Time columns in order of how well their names fit a purchase time, so that the content
    // gives the timestamp role to the order date rather than the delivery date.
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| {
        if plans[i].ty.is_temporal() {
            roles::time_preference(&columns[i])
        } else {
            1
        }
    });
    for i in order {
        if out[i].is_some() || excluded(i) {
            continue;
        }
        let s = &stats[i];
        if let Some(role) = roles::role_from_content(plans[i].ty, &s.sample, s.sample.len() < 32)
            && !taken(&out, role)
        {
            out[i] = Some((role, RoleSource::Content));
        }
    }
    Ok(out)
}

pub fn sha256_file(path: &Path) -> Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
