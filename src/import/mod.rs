//! Import: files as marketers have them (CSV/TSV/TXT in any common encoding, Excel, Parquet, JSON)
//! become one typed dataset in the project.
//!
//! Two passes over the data keep memory bounded whatever the file size: the scan pass reads every
//! value to infer types and roles (and checks the shape), the load pass converts and inserts in
//! batches, on a reader thread feeding the SQLite writer. Everything the load writes is in one
//! transaction: an import that fails or is cancelled leaves the project exactly as it was.

pub mod encoding;
mod formats;
pub mod infer;
mod preview;
pub mod roles;
pub mod sniff;
pub mod source;
pub mod temporal;
mod writer;

pub use encoding::{EncodingChoice, TextEncoding};
pub use preview::{Preview, preview};
pub use sniff::Format;
pub use source::Delimiter;

use crate::dataset::{ColumnInfo, ColumnType, DatasetInfo, Role, RoleSource, SourceFile};
use crate::error::{Error, ImportError, Result};
use crate::progress::{Reporter, Unit};
use crate::store::{self, Action, Project};
use infer::{ColumnStats, Hints, Plan, Value};
use serde::Serialize;
use sniff::SniffedFile;
use source::ByteCounter;
use std::path::{Path, PathBuf};
use std::time::Instant;
use writer::{Batch, Cell};

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

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
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
    /// Replace a dataset of the same name.
    pub replace: bool,
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
    /// Things the user should know: values kept as text, padded rows, roles dropped.
    pub warnings: Vec<String>,
    pub seconds: f64,
}

const BATCH_ROWS: usize = 4096;

/// Imports `files` (of the same columns) as one dataset.
pub fn import_files(
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
    rep.report("Reading", 0, None, Unit::Bytes, 0, true);
    let sniffed: Vec<SniffedFile> = files
        .iter()
        .map(|f| sniff::sniff(f, opts))
        .collect::<Result<_>>()?;
    let mut columns = sniff::unique_names(&sniffed[0].header);
    check_same_columns(&sniffed)?;
    rep.check()?;

    let mut hints = column_hints(&columns, opts)?;
    let total_bytes: u64 = sniffed.iter().map(|f| f.size).sum::<u64>().max(1);

    // Pass 1: scan.
    let scan = scan(&sniffed, columns.len(), opts.ragged, total_bytes, rep)?;
    let scanned = started.elapsed();
    let mut warnings = scan.warnings.clone();
    for k in columns.len()..scan.stats.len() {
        columns.push(format!("column_{}", k + 1));
        hints.push(Hints::default());
    }
    let mut stats = scan.stats;
    stats.resize(columns.len(), ColumnStats::default());

    // Types and roles.
    let mut plans: Vec<Plan> = Vec::with_capacity(columns.len());
    for (i, c) in columns.iter().enumerate() {
        let forced = opts
            .types
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(c))
            .map(|(_, t)| *t);
        plans.push(match forced {
            Some(t) => Plan::forced(t, &stats[i]),
            None => stats[i].plan(hints[i]),
        });
    }
    let roles = final_roles(&columns, &hints, &plans, &stats, opts, &mut warnings)?;

    // Pass 2: load, in one transaction.
    let enc = sniffed[0].encoding;
    let delim = sniffed[0].delimiter;
    let tx = project.conn_mut().transaction()?;
    if opts.replace {
        store::remove_dataset(&tx, &name)?;
    }
    let typed: Vec<(String, ColumnType)> = columns
        .iter()
        .cloned()
        .zip(plans.iter().map(|p| p.ty))
        .collect();
    writer::create_table(&tx, &name, &typed)?;
    let load = load(&tx, &name, &sniffed, &plans, total_bytes, rep)?;
    let loaded = started.elapsed();
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
        .map(|(i, n)| ColumnInfo {
            name: n.clone(),
            ty: plans[i].ty,
            role: roles[i].map(|r| r.0),
            role_source: roles[i].map(|r| r.1),
            nulls: load.nulls[i],
            note: plans[i].note.clone(),
        })
        .collect();
    let sources: Vec<SourceFile> = sniffed
        .iter()
        .zip(&scan.hashes)
        .zip(&scan.rows_per_file)
        .map(|((f, h), rows)| SourceFile {
            path: absolute(&f.path),
            size: f.size,
            modified: f.modified.clone(),
            sha256: h.clone(),
            rows: *rows,
        })
        .collect();
    let info = DatasetInfo {
        name: name.clone(),
        format: sniffed[0].format.name().to_string(),
        encoding: enc.map(|e| e.name()),
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
    store::append_activity(
        &tx,
        Action::Import,
        Some(&name),
        Some(load.rows),
        &serde_json::json!({
            "files": sources.iter().map(|s| &s.path).collect::<Vec<_>>(),
            "replaced": opts.replace,
            "warnings": warnings.len(),
        }),
    )?;
    rep.check()?;
    rep.report(
        "Committing",
        2 * total_bytes,
        Some(2 * total_bytes),
        Unit::Bytes,
        load.rows,
        true,
    );
    tx.commit()?;
    if std::env::var_os("LOUPE_IMPORT_TIMES").is_some() {
        eprintln!(
            "import phases: scan {:.3} s, load {:.3} s, commit {:.3} s",
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
        warnings,
        seconds: started.elapsed().as_secs_f64(),
    })
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

/// Roles from the user and from names, before any value is read.
fn column_hints(columns: &[String], opts: &ImportOptions) -> Result<Vec<Hints>> {
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
        } else {
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
    for i in 0..columns.len() {
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

struct ScanResult {
    stats: Vec<ColumnStats>,
    rows_per_file: Vec<u64>,
    hashes: Vec<String>,
    warnings: Vec<String>,
}

/// Pass 1: every value seen, shapes checked, files hashed (on a second thread).
fn scan(
    files: &[SniffedFile],
    width: usize,
    ragged: RaggedPolicy,
    total_bytes: u64,
    rep: &Reporter,
) -> Result<ScanResult> {
    let mut stats = vec![ColumnStats::default(); width];
    let mut rows_per_file = Vec::with_capacity(files.len());
    let mut warnings = Vec::new();
    let mut bytes_before = 0u64;
    let mut rows_total = 0u64;
    let hashes = std::thread::scope(|s| -> Result<Vec<String>> {
        let hasher = s.spawn(|| -> Result<Vec<String>> {
            files.iter().map(|f| sha256_file(&f.path)).collect()
        });
        for f in files {
            let counter = ByteCounter::default();
            let mut src = f.rows(&counter)?;
            let mut rec = csv::StringRecord::new();
            let mut rows = 0u64;
            let mut bad_lines: Vec<(u64, usize)> = Vec::new();
            let mut bad_count = 0u64;
            while src.next_record(&mut rec)? {
                rows += 1;
                let line = src.line();
                if rec.len() != width {
                    bad_count += 1;
                    if bad_lines.len() < 10 {
                        bad_lines.push((line, rec.len()));
                    }
                }
                if rec.len() > stats.len() && ragged == RaggedPolicy::Pad {
                    stats.resize(rec.len(), ColumnStats::default());
                }
                for (st, v) in stats.iter_mut().zip(rec.iter()) {
                    st.observe(v, line);
                }
                if rec.len() < stats.len() {
                    for st in &mut stats[rec.len()..] {
                        st.nulls += 1;
                    }
                }
                if rows.is_multiple_of(8192) {
                    rep.check()?;
                    rep.report(
                        "Scanning",
                        bytes_before + progress_bytes(f, &counter, rows),
                        Some(2 * total_bytes),
                        Unit::Bytes,
                        rows_total + rows,
                        false,
                    );
                }
            }
            if bad_count > 0 {
                let lines = bad_lines
                    .iter()
                    .map(|(l, n)| format!("line {l} has {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if bad_count > bad_lines.len() as u64 {
                        ", …"
                    } else {
                        ""
                    };
                match ragged {
                    RaggedPolicy::Error => {
                        return Err(ImportError::Ragged {
                            path: f.path.clone(),
                            expected: width,
                            count: bad_count,
                            lines,
                        }
                        .into());
                    }
                    RaggedPolicy::Pad => warnings.push(format!(
                        "{}: {bad_count} row(s) without the {width} fields of the header were kept ({lines})",
                        f.path.display()
                    )),
                }
            }
            bytes_before += f.size;
            rows_total += rows;
            rows_per_file.push(rows);
        }
        hasher
            .join()
            .unwrap_or_else(|_| Err(Error::InvalidArgument("hashing failed".into())))
    })?;
    if rows_total == 0 {
        return Err(ImportError::NoRows {
            path: files[0].path.clone(),
        }
        .into());
    }
    Ok(ScanResult {
        stats,
        rows_per_file,
        hashes,
        warnings,
    })
}

/// Progress within one file: bytes read, or for in-memory formats, the share of rows.
fn progress_bytes(f: &SniffedFile, counter: &ByteCounter, rows: u64) -> u64 {
    match f.rows_in_memory() {
        Some(n) if n > 0 => f.size * rows / n as u64,
        _ => counter.get().min(f.size),
    }
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

struct LoadResult {
    rows: u64,
    nulls: Vec<u64>,
    /// Per column: values kept as written, the first line and value.
    kept_as_text: Vec<(u64, u64, String)>,
}

/// Pass 2: convert on a reader thread, insert on this one.
fn load(
    conn: &rusqlite::Connection,
    table: &str,
    files: &[SniffedFile],
    plans: &[Plan],
    total_bytes: u64,
    rep: &Reporter,
) -> Result<LoadResult> {
    let cols = plans.len();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch>>(4);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Batch>();
    std::thread::scope(|s| {
        let producer = s.spawn(move || -> (Vec<u64>, Vec<(u64, u64, String)>) {
            let mut nulls = vec![0u64; cols];
            let mut kept = vec![(0u64, 0u64, String::new()); cols];
            let result = convert_all(
                files,
                plans,
                &tx,
                &back_rx,
                &mut nulls,
                &mut kept,
                total_bytes,
                rep,
            );
            if let Err(e) = result {
                let _ = tx.send(Err(e));
            }
            (nulls, kept)
        });
        let mut w = writer::TableWriter::new(conn, table, cols)?;
        let mut rows = 0u64;
        let mut failure = None;
        for batch in rx.iter() {
            match batch {
                Ok(b) => {
                    if let Err(e) = rep.check().and_then(|_| w.write(&b)) {
                        failure = Some(e);
                        break;
                    }
                    rows += b.rows as u64;
                    rep.report(
                        "Loading",
                        total_bytes + b.bytes_done,
                        Some(2 * total_bytes),
                        Unit::Bytes,
                        rows,
                        false,
                    );
                    let _ = back_tx.send(b);
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        drop(rx);
        drop(back_tx);
        let (nulls, kept) = producer
            .join()
            .map_err(|_| Error::InvalidArgument("the reader thread failed".into()))?;
        if let Some(e) = failure {
            return Err(e);
        }
        Ok(LoadResult {
            rows,
            nulls,
            kept_as_text: kept,
        })
    })
}

#[allow(clippy::too_many_arguments)]
fn convert_all(
    files: &[SniffedFile],
    plans: &[Plan],
    tx: &std::sync::mpsc::SyncSender<Result<Batch>>,
    recycled: &std::sync::mpsc::Receiver<Batch>,
    nulls: &mut [u64],
    kept: &mut [(u64, u64, String)],
    total_bytes: u64,
    rep: &Reporter,
) -> Result<()> {
    let cols = plans.len();
    let mut scratch = String::new();
    let mut bytes_before = 0u64;
    let new_batch = || {
        recycled
            .try_recv()
            .map(|mut b| {
                b.rows = 0;
                b.cells.clear();
                b.text.clear();
                b
            })
            .unwrap_or_else(|_| Batch::with_capacity(BATCH_ROWS, cols))
    };
    for f in files {
        let counter = ByteCounter::default();
        let mut src = f.rows(&counter)?;
        let mut rec = csv::StringRecord::new();
        let mut batch = new_batch();
        let mut rows_in_file = 0u64;
        while src.next_record(&mut rec)? {
            rows_in_file += 1;
            for (j, plan) in plans.iter().enumerate() {
                let Some(raw) = rec.get(j) else {
                    nulls[j] += 1;
                    batch.cells.push(Cell::Null);
                    continue;
                };
                match infer::convert(raw, plan.conv, &mut scratch) {
                    Ok(Value::Null) => {
                        nulls[j] += 1;
                        batch.cells.push(Cell::Null);
                    }
                    Ok(Value::Int(v)) => batch.cells.push(Cell::Int(v)),
                    Ok(Value::Real(v)) => batch.cells.push(Cell::Real(v)),
                    Ok(Value::Text(t)) => batch.push_text(t),
                    Ok(Value::Owned) => batch.push_text(&scratch),
                    Err(infer::Unreadable) => {
                        let k = &mut kept[j];
                        if k.0 == 0 {
                            k.1 = src.line();
                            k.2 = raw.to_string();
                        }
                        k.0 += 1;
                        batch.push_text(raw);
                    }
                }
            }
            batch.rows += 1;
            if batch.rows == BATCH_ROWS {
                rep.check()?;
                batch.bytes_done = bytes_before + progress_bytes(f, &counter, rows_in_file);
                if tx.send(Ok(batch)).is_err() {
                    return Ok(()); // the writer stopped; it reports why
                }
                batch = new_batch();
            }
        }
        bytes_before += f.size;
        batch.bytes_done = bytes_before.min(total_bytes);
        if batch.rows > 0 && tx.send(Ok(batch)).is_err() {
            return Ok(());
        }
    }
    Ok(())
}
