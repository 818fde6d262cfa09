//! The command line: argument parsing and printing, over the library.

mod campaigns;
mod charts;
mod clean;
mod clv;
mod combine;
mod customers;
mod data;
mod explain;
mod explore;
mod identity;
mod presets;
mod privacy;
mod progress_bar;
mod ranges;
mod recommend;
mod recs;
mod reference;
mod segment;
mod tags;
mod warehouse;

/// Prints a line to stdout. A closed pipe (`loupe tables … | head`) is not an error: output stops.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
pub(crate) use say;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "loupe",
    version = VERSION,
    args_conflicts_with_subcommands = true,
    about = "Loupe: local-first marketing analytics. Run without a command to open the workbench.",
    after_help = "Examples:\n  loupe                       open the workbench\n  loupe shop.loupe            open a project in the workbench\n  loupe orders.csv            open the workbench and import a file (it asks into which project)\n  loupe demo --project shop.loupe\n  loupe import orders.csv --project shop.loupe --json\n  loupe query --project shop.loupe \"SELECT count(*) FROM orders\""
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A project (.loupe) to open in the workbench, or a data file (CSV, Excel, …) to import:
    /// the workbench asks which project it goes into. What "Open with Loupe" runs.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Project to open in the workbench.
    #[arg(long, global = false)]
    project: Option<PathBuf>,
    /// For an encrypted project: the name of the environment variable that holds its passphrase
    /// (never the passphrase itself). Without it, Loupe asks in a terminal. A project created
    /// with it is encrypted.
    #[arg(long, global = true, value_name = "VAR")]
    passphrase_env: Option<String>,
    /// Encrypt a project this command creates: asks for a passphrase twice (unless
    /// --passphrase-env gives it).
    #[arg(long, global = true)]
    encrypt: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Import files into a project as one dataset (creates the project if needed).
    Import(data::ImportArgs),
    /// List the datasets of a project with their columns, types and roles.
    Tables(data::TablesArgs),
    /// Link a table or view in a warehouse (PostgreSQL) as a dataset: its columns, types and
    /// roles are inferred from its definition and a sample; its rows stay in the warehouse.
    Link(warehouse::LinkArgs),
    /// Remove a linked dataset from the project (the warehouse's table is not touched).
    Unlink(warehouse::UnlinkArgs),
    /// Run a read-only SQL query; each dataset is a table under its own name.
    Query(data::QueryArgs),
    /// Export a dataset to CSV, XLSX or Parquet.
    Export(data::ExportArgs),
    /// Build the sample project.
    Demo(data::DemoArgs),
    /// Show the project's activity log.
    Activity(data::ActivityArgs),
    /// One customer across datasets: link customer ids that share a phone, e-mail or member id.
    Identity(identity::IdentityArgs),
    /// List the platform presets an import recognises (Taobao, JD, Douyin, …).
    Presets(presets::PresetsArgs),
    /// Set or clear the role of a column (COLUMN=ROLE, or COLUMN= to clear).
    SetRole(data::SetRoleArgs),
    /// Delete a dataset.
    Delete(data::DeleteArgs),
    /// Rename a dataset (its recipe, relationships, charts and snapshots follow it).
    Rename(data::RenameArgs),
    /// Join two datasets on a key into a new dataset (re-run by `loupe rebuild` when an input
    /// changes); --aggregate sums the right side per key first.
    Join(combine::JoinArgs),
    /// Append datasets (columns matched by name, types reconciled, a source column) into a new
    /// dataset.
    Append(combine::AppendArgs),
    /// Re-run joined and appended datasets whose inputs changed (or the ones named).
    Rebuild(combine::RebuildArgs),
    /// Keys that relate datasets (by column name and value overlap), with cardinality and the
    /// share of matching keys; --confirm or --remove keeps them in the project.
    Relationships(combine::RelationshipsArgs),
    /// Fit lifetime-value models (BG/NBD, Gamma-Gamma) on a dataset of transactions.
    Clv(clv::ClvArgs),
    /// The quality report of a dataset: missing, invalid, duplicated and odd values.
    Profile(clean::ProfileArgs),
    /// Clean a dataset with a recipe of steps into a cleaned dataset (raw data stays as imported).
    Clean(clean::CleanArgs),
    /// Association rules ("bought together") mined from baskets with FP-growth.
    Rules(recommend::RulesArgs),
    /// Recommendations with reasons for customers (popular, group-popular, itemknn, rules, als).
    Recommend(recs::RecommendArgs),
    /// Offline evaluation of recommenders on a time split: precision, recall, MAP, NDCG, hit
    /// rate, coverage, novelty at K.
    EvaluateRecs(recs::EvaluateArgs),
    /// The customer table with RFM scores, groups and lifecycle stages.
    Customers(customers::CustomersArgs),
    /// List, add or remove customer tag rules; with --dataset, count the customers per tag.
    Tags(tags::TagsArgs),
    /// A chart of a dataset: a table (CSV, JSON, XLSX) or a picture (PNG); --save keeps it in
    /// the project for the dashboard.
    Chart(explore::ChartArgs),
    /// List the saved charts of a project; rename or delete them.
    Charts(charts::ChartsArgs),
    /// Draw every saved chart of a project to a PNG in a folder.
    Dashboard(charts::DashboardArgs),
    /// Cohort retention: customers by month of first purchase × months since.
    Cohorts(explore::CohortsArgs),
    /// A funnel from events: users through ordered steps within a time window.
    Funnel(explore::FunnelArgs),
    /// Segments: save, list, show, delete, count, sql, export, snapshot, compare.
    Segment(segment::SegmentArgs),
    /// Personal data: scan files or datasets, export or erase one customer's data.
    Privacy(privacy::PrivacyArgs),
    /// Back up a project to one file (consistent while it is in use), or list its backups.
    Backup(privacy::BackupArgs),
    /// Restore a project from a backup (checked first; the current project is backed up).
    Restore(privacy::RestoreArgs),
    /// Set, change or remove the passphrase of a project.
    Passphrase(privacy::PassphraseArgs),
    /// Campaign ROI: orders attributed to campaign contacts (last-touch, first-touch, linear,
    /// time-decay, position), with cost, ROI, ROAS, CAC per campaign and channel.
    Roi(campaigns::RoiArgs),
    /// Lift of each experiment arm against the control: rates, means, 95% CIs, p-values,
    /// incremental conversions, revenue and ROI.
    Uplift(campaigns::UpliftArgs),
    /// The command reference of the user guide, as Markdown (docs/*/src/reference/commands.md).
    #[command(hide = true)]
    Reference(reference::ReferenceArgs),
}

/// `loupe --version`: the version and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LOUPE_COMMIT"),
    ")"
);

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    loupe::about::log::init(None);
    let what = cli.command.as_ref().map(command_name).unwrap_or("window");
    let started = std::time::Instant::now();
    loupe::about::log::started(what);
    let result = dispatch(cli, privacy::terminal_prompt(), window);
    let took = started.elapsed().as_secs_f64();
    match result {
        Ok(()) => {
            loupe::about::log::info(&format!("{what}: done in {took:.2} s"));
            ExitCode::SUCCESS
        }
        // The reader of our output went away (`| head`): nothing more to say.
        Err(msg) if msg.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(msg) => {
            loupe::about::log::error(&format!("{what}: failed after {took:.2} s: {msg}"));
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// The subcommand's name as typed, for the log (never its arguments, which may name files).
fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Import(_) => "import",
        Command::Tables(_) => "tables",
        Command::Link(_) => "link",
        Command::Unlink(_) => "unlink",
        Command::Query(_) => "query",
        Command::Export(_) => "export",
        Command::Demo(_) => "demo",
        Command::Activity(_) => "activity",
        Command::Identity(_) => "identity",
        Command::Presets(_) => "presets",
        Command::SetRole(_) => "set-role",
        Command::Delete(_) => "delete",
        Command::Rename(_) => "rename",
        Command::Join(_) => "join",
        Command::Append(_) => "append",
        Command::Rebuild(_) => "rebuild",
        Command::Relationships(_) => "relationships",
        Command::Clv(_) => "clv",
        Command::Profile(_) => "profile",
        Command::Clean(_) => "clean",
        Command::Rules(_) => "rules",
        Command::Recommend(_) => "recommend",
        Command::EvaluateRecs(_) => "evaluate-recs",
        Command::Customers(_) => "customers",
        Command::Tags(_) => "tags",
        Command::Chart(_) => "chart",
        Command::Charts(_) => "charts",
        Command::Dashboard(_) => "dashboard",
        Command::Cohorts(_) => "cohorts",
        Command::Funnel(_) => "funnel",
        Command::Segment(_) => "segment",
        Command::Privacy(_) => "privacy",
        Command::Backup(_) => "backup",
        Command::Restore(_) => "restore",
        Command::Passphrase(_) => "passphrase",
        Command::Roi(_) => "roi",
        Command::Uplift(_) => "uplift",
        Command::Reference(_) => "reference",
    }
}

/// Runs the command, or without one opens the window (through `window`). A command asks for the
/// passphrase of an encrypted project with `prompt` (the terminal); the window never does: it
/// runs on the UI thread and asks in its own dialog.
fn dispatch(
    cli: Cli,
    prompt: loupe::store::key::Prompt,
    window: impl FnOnce(Option<PathBuf>, Vec<PathBuf>) -> Result<(), String>,
) -> Result<(), String> {
    let env = cli.passphrase_env.as_deref();
    match cli.command {
        None => {
            privacy::setup_keys(env, cli.encrypt, None).map_err(|e| explain::explain(&e))?;
            let (project, import) = opened_file(cli.project, cli.file)?;
            window(project, import)
        }
        Some(cmd) => {
            privacy::setup_keys(env, cli.encrypt, Some(prompt))
                .map_err(|e| explain::explain(&e))?;
            run(cmd).map_err(|e| {
                // A bare database error names the project it concerns.
                let e = match project_arg() {
                    Some(p) => e.in_file(&p, None),
                    None => e,
                };
                explain::explain(&e)
            })
        }
    }
}

/// `loupe FILE`: a project is opened, a data file is imported (into `--project` when given;
/// otherwise the window asks where).
fn opened_file(
    project: Option<PathBuf>,
    file: Option<PathBuf>,
) -> Result<(Option<PathBuf>, Vec<PathBuf>), String> {
    let Some(file) = file else {
        return Ok((project, Vec::new()));
    };
    let is_project = loupe::fsutil::Format::from_path(&file) == Some(loupe::fsutil::Format::Loupe);
    if is_project {
        if project.is_some() {
            return Err(format!(
                "{} is a project and --project names another; give one of them",
                file.display()
            ));
        }
        return Ok((Some(file), Vec::new()));
    }
    if !file.exists() {
        return Err(format!(
            "{}: no such file; check the path (a project file ends in .loupe)",
            file.display()
        ));
    }
    if loupe::fsutil::Format::from_path_through_gzip(&file).is_none() && !file.is_dir() {
        return Err(format!(
            "{}: not a file Loupe can open or import; it opens projects (.loupe) and imports {}",
            file.display(),
            loupe::import::DATA_EXTENSIONS.join(", ")
        ));
    }
    Ok((project, vec![file]))
}

/// The workbench window, until it is closed.
#[cfg(feature = "gui")]
fn window(project: Option<PathBuf>, import: Vec<PathBuf>) -> Result<(), String> {
    loupe::ui::run(project, import).map_err(|e| e.to_string())
}

/// This build has no window (built without the `gui` feature).
#[cfg(not(feature = "gui"))]
fn window(_project: Option<PathBuf>, _import: Vec<PathBuf>) -> Result<(), String> {
    Err("this loupe was built without the window (cargo feature `gui`); run a command, e.g. `loupe --help`".into())
}

/// The `--project` the command line gives, for errors that do not name their file.
fn project_arg() -> Option<PathBuf> {
    let mut args = std::env::args_os();
    while let Some(a) = args.next() {
        if a == "--project" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--project=")) {
            return Some(PathBuf::from(v));
        }
    }
    None
}

fn run(cmd: Command) -> loupe::Result<()> {
    match cmd {
        Command::Import(a) => data::import(a),
        Command::Tables(a) => data::tables(a),
        Command::Link(a) => warehouse::link(a),
        Command::Unlink(a) => warehouse::unlink(a),
        Command::Query(a) => data::query(a),
        Command::Export(a) => data::export(a),
        Command::Demo(a) => data::demo(a),
        Command::Activity(a) => data::activity(a),
        Command::Identity(a) => identity::identity(a),
        Command::Presets(a) => presets::presets(a),
        Command::SetRole(a) => data::set_role(a),
        Command::Delete(a) => data::delete(a),
        Command::Rename(a) => data::rename(a),
        Command::Join(a) => combine::join(a),
        Command::Append(a) => combine::append(a),
        Command::Rebuild(a) => combine::rebuild(a),
        Command::Relationships(a) => combine::relationships(a),
        Command::Clv(a) => clv::clv(a),
        Command::Profile(a) => clean::profile(a),
        Command::Clean(a) => clean::clean(a),
        Command::Rules(a) => recommend::rules(a),
        Command::Recommend(a) => recs::recommend(a),
        Command::EvaluateRecs(a) => recs::evaluate_recs(a),
        Command::Customers(a) => customers::customers(a),
        Command::Tags(a) => tags::tags(a),
        Command::Chart(a) => explore::chart(a),
        Command::Charts(a) => charts::charts(a),
        Command::Dashboard(a) => charts::dashboard(a),
        Command::Cohorts(a) => explore::cohorts_cmd(a),
        Command::Funnel(a) => explore::funnel_cmd(a),
        Command::Segment(a) => segment::segment(a),
        Command::Privacy(a) => privacy::privacy(a),
        Command::Backup(a) => privacy::backup_cmd(a),
        Command::Restore(a) => privacy::restore_cmd(a),
        Command::Passphrase(a) => privacy::passphrase_cmd(a),
        Command::Roi(a) => campaigns::roi(a),
        Command::Uplift(a) => campaigns::uplift_cmd(a),
        Command::Reference(a) => reference::reference(a),
    }
}

#[cfg(all(test, feature = "gui"))]
mod tests;
