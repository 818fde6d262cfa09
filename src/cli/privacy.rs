//! Commands for privacy and data safety: `privacy scan|erase|export-subject`, `backup`,
//! `restore`, `passphrase`; the passphrase of encrypted projects (`--passphrase-env VAR` or a
//! prompt) for every command; the personal-data lines of `import` and `tables`.

use super::progress_bar::with_bar;
use super::say;
use clap::{Args, Subcommand};
use loupe::error::{Error, Result};
use loupe::i18n::{bytes, int};
use loupe::import::ImportOptions;
use loupe::privacy::subject::{self, SubjectFormat};
use loupe::privacy::{PiiAction, PiiColumn, detect};
use loupe::store::key::{self, Passphrase};
use loupe::store::{Project, backup, passphrase};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Sets up the passphrase for whatever project the command opens or creates: from the
/// environment variable `env`, else (creating with `--encrypt`) asked twice; an encrypted project
/// opened without either asks `prompt` (for a command, [`terminal_prompt`]; the window passes
/// none and asks in its own dialog).
pub fn setup_keys(env: Option<&str>, encrypt: bool, prompt: Option<key::Prompt>) -> Result<()> {
    if let Some(var) = env {
        key::set_default(Some(Passphrase::from_env(var)?));
    } else if encrypt {
        key::set_default(Some(ask_new("the new project")?));
    }
    key::set_encrypt_requested(encrypt);
    key::set_prompt(prompt);
    // What Loupe puts right on its own when it opens a project (an interrupted passphrase
    // change) is said on stderr.
    loupe::store::interrupted::set_notice_sink(Some(Arc::new(|m: &str| {
        eprintln!("note: {m}");
    })));
    Ok(())
}

/// Asks for an encrypted project's passphrase in the terminal (without echo).
pub fn terminal_prompt() -> key::Prompt {
    Arc::new(|path: &Path| ask(&format!("Passphrase for {}: ", path.display()), path))
}

/// Reads a passphrase from the terminal without echo; refuses when stdin is not a terminal.
fn ask(prompt: &str, path: &Path) -> Result<Passphrase> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::PassphraseNeeded {
            path: path.to_path_buf(),
        });
    }
    let text = rpassword::prompt_password(prompt).map_err(|e| Error::io("<terminal>", e))?;
    Passphrase::new(text)
}

/// A new passphrase, typed twice.
fn ask_new(what: &str) -> Result<Passphrase> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::InvalidArgument(format!(
            "a passphrase for {what} is needed and stdin is not a terminal, so Loupe cannot ask for it; pass --passphrase-env VAR (or --new-passphrase-env VAR) naming an environment variable that holds it"
        )));
    }
    let t = Path::new("<terminal>");
    let first = ask(&format!("New passphrase for {what}: "), t)?;
    let second = ask("Type it again: ", t)?;
    if first != second {
        return Err(Error::InvalidArgument(
            "the two passphrases differ; nothing was changed".into(),
        ));
    }
    Ok(first)
}

/// Prints a value as one line of JSON.
fn print_json(v: &impl serde::Serialize) -> Result<()> {
    say!(
        "{}",
        serde_json::to_string(v).map_err(|e| Error::InvalidArgument(e.to_string()))?
    );
    Ok(())
}

/// Parses `--pii COL=ACTION` arguments into the import options.
pub fn pii_options(args: &[String], opts: &mut ImportOptions) -> Result<()> {
    for a in args {
        let (col, action) = a.rsplit_once('=').ok_or_else(|| {
            Error::InvalidArgument(format!(
                "--pii '{a}' should look like COLUMN=keep|mask|hash|drop (or *=ACTION for every flagged column)"
            ))
        })?;
        opts.pii
            .push((col.trim().to_string(), action.parse::<PiiAction>()?));
    }
    Ok(())
}

/// The lines about personal data after an import or in `tables`.
pub fn print_pii(flags: &[PiiColumn], imported: bool) {
    if flags.is_empty() {
        if imported {
            say!("Personal data: none found");
        }
        return;
    }
    say!("Personal data:");
    let w = flags
        .iter()
        .map(|f| f.column.chars().count())
        .max()
        .unwrap_or(6);
    for f in flags {
        let found = match f.source {
            loupe::privacy::FlagSource::Detected => {
                format!("{} ({:.0}% of sampled values)", f.kind, f.share * 100.0)
            }
            loupe::privacy::FlagSource::User => "flagged by you".to_string(),
        };
        say!(
            "  {}{}  {:<8} {}",
            f.column,
            " ".repeat(w - f.column.chars().count()),
            f.action.done(),
            found
        );
    }
    if imported {
        say!("  (decide per column with --pii COLUMN=keep|mask|hash|drop; see loupe privacy scan)");
    }
}

#[derive(Args)]
pub struct PrivacyArgs {
    #[command(subcommand)]
    command: PrivacyCommand,
}

#[derive(Subcommand)]
enum PrivacyCommand {
    /// Find personal data: in files before importing them, or in a project's datasets.
    Scan(ScanArgs),
    /// Export everything about one customer id (JSON or CSV).
    ExportSubject(ExportSubjectArgs),
    /// Erase one customer id everywhere in the project (after an automatic backup).
    Erase(EraseArgs),
}

#[derive(Args)]
struct ScanArgs {
    /// Files to scan as `loupe import` would read them.
    files: Vec<PathBuf>,
    /// Scan the datasets of this project instead.
    #[arg(long)]
    project: Option<PathBuf>,
    /// Only this dataset (with --project).
    #[arg(long)]
    dataset: Option<String>,
    /// Record what was found in the catalog (with --project), as kept.
    #[arg(long)]
    save: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ExportSubjectArgs {
    #[arg(long)]
    project: PathBuf,
    /// The customer id, exactly as the datasets hold it.
    #[arg(long)]
    id: String,
    /// Output file (.json or .csv); without it, JSON to stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// json or csv (default: from --out's extension).
    #[arg(long)]
    format: Option<String>,
}

#[derive(Args)]
struct EraseArgs {
    #[arg(long)]
    project: PathBuf,
    /// The customer id, exactly as the datasets hold it.
    #[arg(long)]
    id: String,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    /// Also delete the project's backups afterwards (they still hold this customer's data).
    #[arg(long)]
    purge_backups: bool,
    /// Also replace the id by [erased] where people wrote it: tag and segment names,
    /// descriptions, chart titles, quoted text in rules, and the activity log.
    #[arg(long)]
    redact_text: bool,
    #[arg(long)]
    json: bool,
}

pub fn privacy(a: PrivacyArgs) -> Result<()> {
    match a.command {
        PrivacyCommand::Scan(a) => scan(a),
        PrivacyCommand::ExportSubject(a) => export_subject(a),
        PrivacyCommand::Erase(a) => erase(a),
    }
}

fn scan(a: ScanArgs) -> Result<()> {
    let mut out: Vec<(String, Vec<PiiColumn>)> = Vec::new();
    match &a.project {
        Some(path) => {
            if !a.files.is_empty() {
                return Err(Error::InvalidArgument(
                    "give files or --project, not both".into(),
                ));
            }
            let mut project = if a.save {
                Project::open(path)?
            } else {
                Project::open_read_only(path)?
            };
            let names: Vec<String> = match &a.dataset {
                Some(d) => vec![project.dataset(d)?.name],
                None => project.datasets()?.into_iter().map(|d| d.name).collect(),
            };
            for name in names {
                let found = loupe::privacy::scan::scan_dataset(&project, &name)?;
                if a.save {
                    let mut flags = project.pii_flags(&name)?;
                    for f in &found {
                        if !flags.iter().any(|x| x.column == f.column) {
                            flags.push(f.clone());
                        }
                    }
                    project.set_pii_flags(&name, &flags)?;
                }
                out.push((name, found));
            }
        }
        None => {
            if a.files.is_empty() {
                return Err(Error::InvalidArgument(
                    "give the files to scan, or --project to scan a project's datasets".into(),
                ));
            }
            for f in &a.files {
                let p = loupe::import::preview(f, &ImportOptions::default(), 50)?;
                out.push((f.display().to_string(), p.pii));
            }
        }
    }
    if a.json {
        let v: Vec<serde_json::Value> = out
            .iter()
            .map(|(what, flags)| serde_json::json!({"source": what, "personal_data": flags}))
            .collect();
        say!("{}", serde_json::Value::Array(v));
        return Ok(());
    }
    for (what, flags) in &out {
        say!("{what}");
        if flags.is_empty() {
            say!("  no personal data found");
        }
        for f in flags {
            let action = if a.project.is_some() {
                "stored as is".to_string()
            } else {
                format!("import would {}", f.action)
            };
            say!(
                "  {:<24} {:<10} {:>4.0}% of sampled values   {action}",
                f.column,
                f.kind.as_str(),
                f.share * 100.0
            );
        }
    }
    say!(
        "(a column is flagged when at least {:.0}% of its sampled non-empty values match, {:.0}% when its name suggests the kind)",
        detect::MIN_SHARE * 100.0,
        detect::HINTED_SHARE * 100.0
    );
    Ok(())
}

fn export_subject(a: ExportSubjectArgs) -> Result<()> {
    let format = a
        .format
        .as_deref()
        .map(str::parse::<SubjectFormat>)
        .transpose()?;
    match &a.out {
        Some(out) => {
            let project = Project::open(&a.project)?;
            let r = subject::export_subject(&project, &a.id, out, format)?;
            eprintln!(
                "Exported what the project holds about '{}' to {}: {} row(s) in {} table(s), {} snapshot(s), {} other place(s)",
                r.id,
                out.display(),
                int(r.rows()),
                r.tables.len(),
                r.snapshots.len(),
                r.found
                    .iter()
                    .filter(|f| !matches!(f.place, subject::Place::Rows))
                    .count()
            );
        }
        None => {
            let project = Project::open_read_only(&a.project)?;
            let r = subject::find(&project, &a.id)?;
            let mut stdout = std::io::stdout().lock();
            subject::write_report(&r, format.unwrap_or(SubjectFormat::Json), &mut stdout)?;
        }
    }
    Ok(())
}

fn confirm(question: &str, expected: &str) -> Result<bool> {
    use std::io::{BufRead, Write};
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("<terminal>", e))?;
    Ok(line.trim() == expected)
}

fn erase(a: EraseArgs) -> Result<()> {
    let mut project = Project::open(&a.project)?;
    let found = subject::find(&project, &a.id)?;
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::InvalidArgument(
                "erasing cannot be undone: add --yes to confirm (stdin is not a terminal, so Loupe cannot ask)".into(),
            ));
        }
        eprintln!(
            "This erases {} row(s) and {} other mention(s) of '{}' from {}.",
            int(found.rows()),
            found
                .found
                .iter()
                .filter(|f| f.place != subject::Place::Rows)
                .map(|f| f.count)
                .sum::<u64>(),
            found.id,
            a.project.display()
        );
        let linked = subject::linked_ids(&project, &a.id)?;
        if !linked.is_empty() {
            eprintln!(
                "It also erases {} other id(s) of the same person that the identity map links to it: {}.",
                linked.len(),
                linked.join(", ")
            );
        }
        if !confirm("Type the id again to confirm: ", &found.id)? {
            return Err(Error::InvalidArgument(
                "not confirmed; nothing was erased".into(),
            ));
        }
    }
    let e = subject::erase_with(
        &mut project,
        &a.id,
        subject::EraseOptions {
            purge_backups: a.purge_backups,
            redact_text: a.redact_text,
        },
    )?;
    if a.json {
        print_json(&e)?;
        return Ok(());
    }
    say!(
        "Erased '{}': {} row(s) deleted, {} cell(s) cleared, {} snapshot(s) and {} rule(s) edited, in {}",
        a.id.trim(),
        int(e.rows_deleted),
        int(e.cells_cleared),
        e.snapshots_edited,
        e.mentions_redacted,
        if e.tables.is_empty() {
            "no dataset".to_string()
        } else {
            e.tables.join(", ")
        }
    );
    if e.linked_ids_erased > 0 {
        say!(
            "Also erased {} other id(s) of the same person, linked by the identity map (their rows are counted above).",
            e.linked_ids_erased
        );
    }
    say!(
        "The activity log records the erasure as subject {}",
        e.subject_hash
    );
    if e.text_redacted > 0 {
        say!(
            "Replaced the id by [erased] in {} place(s) of written text and the activity log.",
            e.text_redacted
        );
    }
    if !e.text_left.is_empty() {
        say!(
            "note: the id is still written in these places (run again with --redact-text to replace it by [erased]):"
        );
        for f in &e.text_left {
            say!("  {} · {}: {} row(s)", f.table, f.column, f.count);
        }
    }
    if e.backups_purged > 0 {
        say!("Deleted {} backup(s) of the project.", e.backups_purged);
    } else if e.backups_left > 0 {
        say!(
            "note: {} backup(s) in {} still hold this customer's data (the newest, made just before the erasure, is {}); run again with --purge-backups or delete them to erase it there too",
            e.backups_left,
            backup::backups_dir(&a.project).display(),
            e.backup
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
    }
    Ok(())
}

#[derive(Args)]
pub struct BackupArgs {
    #[arg(long)]
    project: PathBuf,
    /// The backup file (default: <name>.backups/<name>-<time>.loupe beside the project).
    #[arg(long)]
    to: Option<PathBuf>,
    /// List the backups in the project's backup folder instead.
    #[arg(long)]
    list: bool,
    #[arg(long)]
    json: bool,
}

pub fn backup_cmd(a: BackupArgs) -> Result<()> {
    if a.list {
        let list = backup::list_backups(&a.project)?;
        if a.json {
            print_json(&list)?;
            return Ok(());
        }
        if list.is_empty() {
            say!(
                "No backups in {}",
                backup::backups_dir(&a.project).display()
            );
        }
        for b in list {
            say!(
                "{}  {:>9}  {}{}",
                b.modified.unwrap_or_default(),
                bytes(b.bytes),
                b.path.display(),
                if b.partial {
                    "  (incomplete: left by an interrupted backup; it may hold the project's data, delete it)"
                } else if b.automatic {
                    "  (automatic)"
                } else {
                    ""
                }
            );
        }
        return Ok(());
    }
    let project = match Project::open(&a.project) {
        // A project that cannot be written is backed up read-only (and the backup not logged).
        Err(Error::ReadOnlyProject { .. }) => {
            let p = Project::open_read_only(&a.project)?;
            super::data::note_unwritable(&p);
            p
        }
        other => other?,
    };
    let dest =
        a.to.unwrap_or_else(|| backup::default_backup_path(&a.project));
    let r = with_bar(|rep| backup::backup_to(&project, &dest, rep))?;
    if a.json {
        print_json(&r)?;
    } else {
        say!(
            "Backed up {} to {} ({}{}) in {:.2} s",
            a.project.display(),
            r.path.display(),
            bytes(r.bytes),
            if r.encrypted { ", encrypted" } else { "" },
            r.seconds
        );
    }
    Ok(())
}

#[derive(Args)]
pub struct RestoreArgs {
    #[arg(long)]
    project: PathBuf,
    /// The backup file to restore.
    #[arg(long)]
    from: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn restore_cmd(a: RestoreArgs) -> Result<()> {
    let key = key::known(&a.from);
    let r = with_bar(|rep| backup::restore(&a.project, &a.from, key, rep))?;
    if a.json {
        print_json(&r)?;
    } else {
        say!(
            "Restored {} from {} ({} dataset(s)) in {:.2} s",
            r.project.display(),
            r.from.display(),
            r.datasets,
            r.seconds
        );
        if let Some(p) = &r.previous {
            say!(
                "The project as it was before is backed up in {}",
                p.display()
            );
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct PassphraseArgs {
    #[arg(long)]
    project: PathBuf,
    /// The environment variable holding the new passphrase (default: asked twice).
    #[arg(long, value_name = "VAR")]
    new_passphrase_env: Option<String>,
    /// Remove the passphrase: the project is stored unencrypted.
    #[arg(long, conflicts_with = "new_passphrase_env")]
    remove: bool,
}

pub fn passphrase_cmd(a: PassphraseArgs) -> Result<()> {
    let project = Project::open(&a.project)?;
    let new = if a.remove {
        None
    } else {
        Some(match &a.new_passphrase_env {
            Some(var) => Passphrase::from_env(var)?,
            None => ask_new(&a.project.display().to_string())?,
        })
    };
    let (_, change) = passphrase::change_passphrase(project, new)?;
    let what = match change {
        passphrase::PassphraseChange::Encrypted => "is now encrypted",
        passphrase::PassphraseChange::Changed => "has its new passphrase",
        passphrase::PassphraseChange::Decrypted => "is no longer encrypted",
    };
    say!("{} {what}", a.project.display());
    Ok(())
}
