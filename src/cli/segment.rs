//! `loupe segment`: save, list, show, delete, count, compile to SQL and export segments, and
//! compare their snapshots.

use super::ranges;
use super::say;
use clap::{Args, Subcommand};
use loupe::error::{Error, Result};
use loupe::i18n::int;
use loupe::privacy::Masking;
use loupe::segments::export::{ExportSpec, MemberRows, export_members, export_rows, member_ids};
use loupe::segments::saved::{self, compare};
use loupe::segments::sql::{materialize, to_sql};
use loupe::segments::{BaseOptions, Count, Need, SegmentBase, members, parse_rule, resolve};
use loupe::segments::{generate, kmeans};
use loupe::store::{Project, segments as store};
use loupe::warehouse::segments::WarehouseBase;
use std::path::PathBuf;

#[derive(Args)]
pub struct SegmentArgs {
    #[command(subcommand)]
    command: SegmentCommand,
}

/// Which data the customer table is built from.
#[derive(Args, Clone)]
struct BaseArgs {
    /// The transactions behind the customer table (needed when the project has several).
    #[arg(long)]
    dataset: Option<String>,
    /// The as-of date (YYYY-MM-DD); default: the day after the last transaction.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Only transaction rows satisfying this SQL condition (on a linked dataset, a condition
    /// of the expression language).
    #[arg(long = "where", value_name = "SQL")]
    filter: Option<String>,
    /// A customers dataset joined by customer id (default: found by its roles).
    #[arg(long, value_name = "DATASET")]
    attributes: Option<String>,
    /// A products dataset giving lines their category (default: found by its roles).
    #[arg(long, value_name = "DATASET")]
    products: Option<String>,
    /// An events dataset for did(…) (default: the one with an event_type role).
    #[arg(long, value_name = "DATASET")]
    events: Option<String>,
}

impl BaseArgs {
    fn options(&self) -> Result<BaseOptions> {
        let as_of = match &self.as_of {
            Some(d) => Some(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                    Error::InvalidArgument(format!(
                        "--as-of '{d}' is not a date; write it YYYY-MM-DD"
                    ))
                })?,
            ),
            None => None,
        };
        Ok(BaseOptions {
            dataset: self.dataset.clone(),
            attributes: self.attributes.clone(),
            products: self.products.clone(),
            events: self.events.clone(),
            as_of,
            filter: self.filter.clone(),
        })
    }

    fn load(&self, project: &Project) -> Result<SegmentBase> {
        SegmentBase::load(project, &self.options()?)
    }
}

/// A saved segment by name, or a rule as text.
#[derive(Args, Clone)]
struct Which {
    /// A saved segment.
    #[arg(long, conflicts_with = "rule")]
    name: Option<String>,
    /// A rule, e.g. "revenue >= 500 AND bought(category = 'Toys', within_days = 90)".
    #[arg(long)]
    rule: Option<String>,
}

#[derive(Subcommand)]
enum SegmentCommand {
    /// Save (or replace) a segment; prints its size.
    Save {
        #[arg(long)]
        project: PathBuf,
        #[arg(long)]
        name: String,
        /// The rule as text, or as JSON with --json-rule.
        #[arg(long, required_unless_present = "json_rule")]
        rule: Option<String>,
        /// The rule in its stored JSON form (a file path, or - for standard input).
        #[arg(long, value_name = "FILE", conflicts_with = "rule")]
        json_rule: Option<PathBuf>,
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        base: BaseArgs,
    },
    /// List the saved segments.
    List {
        #[arg(long)]
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Show a saved segment: its rule as text and JSON, and its snapshots.
    Show {
        #[arg(long)]
        project: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a saved segment and its snapshots.
    Delete {
        #[arg(long)]
        project: PathBuf,
        #[arg(long)]
        name: String,
    },
    /// Count a segment's customers: {"count", "base", "share"} with --json.
    Count {
        #[arg(long)]
        project: PathBuf,
        #[command(flatten)]
        which: Which,
        #[command(flatten)]
        base: BaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Print the one SQL query that lists the segment's customer ids (for SQLite, the customer
    /// table is written to the project as <dataset>_customers for it).
    Sql {
        #[arg(long)]
        project: PathBuf,
        #[command(flatten)]
        which: Which,
        #[command(flatten)]
        base: BaseArgs,
        /// sqlite: over the customer table written to the project; postgres, spark: one query
        /// that builds the customer table too, over a linked dataset's table (or over tables
        /// named as the project's datasets).
        #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres", "spark"])]
        dialect: String,
    },
    /// Export a segment's customers to CSV, XLSX or Parquet, for a campaign tool.
    Export {
        #[arg(long)]
        project: PathBuf,
        #[command(flatten)]
        which: Which,
        #[command(flatten)]
        base: BaseArgs,
        #[arg(long)]
        out: PathBuf,
        /// Columns of the customer table, in order (default: all).
        #[arg(long, value_delimiter = ',')]
        columns: Option<Vec<String>>,
        /// Columns to mask: phone 138****1234, e-mail a***@x.com, names 张**. COL or COL:phone|email|name.
        #[arg(long, value_delimiter = ',')]
        mask: Vec<String>,
        /// Replace customer_id by its salted SHA-256. The salt is the project's own secret
        /// unless --salt gives one.
        #[arg(long)]
        hash_ids: bool,
        /// The salt for --hash-ids, for matching with an ad platform that hashes with the same
        /// one (16 characters or more; a shorter one is warned about).
        #[arg(long, requires = "hash_ids")]
        salt: Option<String>,
        /// Start a CSV file with a UTF-8 byte-order mark (for Excel).
        #[arg(long)]
        bom: bool,
    },
    /// k-means clusters on numeric columns of the customer table: without --k, a table of
    /// inertia and silhouette for k = 2…8; with --k, each cluster's profile and rule.
    Kmeans {
        #[arg(long)]
        project: PathBuf,
        #[command(flatten)]
        base: BaseArgs,
        /// Numeric columns (standardised).
        #[arg(long, value_delimiter = ',', default_value = "r_score,f_score,m_score")]
        features: Vec<String>,
        #[arg(long, value_parser = ranges::whole::<usize, 2, 100>)]
        k: Option<usize>,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Save the clusters as segments named "PREFIX 1" … "PREFIX k".
        #[arg(long, value_name = "PREFIX", requires = "k")]
        save: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Save the top N customers by a column (default clv) as a segment.
    Top {
        #[arg(long)]
        project: PathBuf,
        #[command(flatten)]
        base: BaseArgs,
        #[arg(long, default_value = "clv")]
        by: String,
        #[arg(long, value_parser = ranges::whole::<usize, 1, 100_000_000>)]
        n: usize,
        #[arg(long)]
        name: String,
    },
    /// Record who is in a saved segment now.
    Snapshot {
        #[arg(long)]
        project: PathBuf,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        base: BaseArgs,
    },
    /// Compare two snapshots of a segment (default: its last two): who entered, who left.
    Compare {
        #[arg(long)]
        project: PathBuf,
        #[arg(long)]
        name: String,
        /// Snapshot ids (see `loupe segment show`).
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], value_parser = ranges::whole::<i64, 1, { i64::MAX as u64 }>)]
        snapshots: Option<Vec<i64>>,
        #[arg(long)]
        json: bool,
    },
}

fn open(path: &PathBuf, write: bool) -> Result<Project> {
    if !path.exists() {
        return Err(Error::NoSuchProject { path: path.clone() });
    }
    if write {
        Project::open(path)
    } else {
        Project::open_read_only(path)
    }
}

/// A cluster's distinctive features, e.g. "m_score +1.05 sd, f_score +0.98 sd".
fn traits(p: &kmeans::ClusterProfile) -> String {
    p.distinctive
        .iter()
        .map(|(f, z)| format!("{f} {z:+.2} sd"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A rule's name (when saved), the rule, the base and who is in it.
type Evaluated = (
    Option<String>,
    loupe::segments::Rule,
    SegmentBase,
    loupe::segments::Members,
);

/// The rule named or given, the base, and who is in it.
fn evaluate(p: &Project, which: &Which, base: &BaseArgs) -> Result<Evaluated> {
    let (name, rule) = resolve(p, which.name.as_deref(), which.rule.as_deref())?;
    let saved = saved::saved(p)?;
    // Only the lines the rule reads: from the kept base, the chunks of the items it names.
    let opts = base.options()?;
    let need = Need::of(&rule, &saved);
    let b = super::progress_bar::with_bar(|rep| SegmentBase::load_for_with(p, &opts, &need, rep))?;
    let m = members(&b, &rule, &saved)?;
    Ok((name, rule, b, m))
}

/// A segment's size, as text or JSON, with what a warehouse's answer cost on the wire.
fn print_count(c: Count, transfer: Option<loupe::warehouse::Transfer>, json: bool) {
    if json {
        let mut v = serde_json::to_value(c).unwrap_or_default();
        if let Some(t) = transfer {
            v["transfer"] = serde_json::to_value(t).unwrap_or_default();
        }
        json_line(&v);
    } else {
        say!(
            "{} of {} customers ({:.1}%)",
            int(c.count as u64),
            int(c.base as u64),
            c.share * 100.0
        );
        if let Some(t) = transfer {
            say!("{}", super::warehouse::transfer_line(t));
        }
    }
}

fn json_line(v: &serde_json::Value) {
    say!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

/// Columns to mask, and the masking named for some of them.
type Masks = (Vec<String>, Vec<(String, Masking)>);

fn parse_masks(cols: &[String]) -> Result<Masks> {
    let mut names = Vec::new();
    let mut how = Vec::new();
    for c in cols {
        match c.rsplit_once(':') {
            Some((col, kind)) => {
                let m = match kind {
                    "phone" => Masking::Phone,
                    "email" => Masking::Email,
                    "name" => Masking::Name,
                    _ => {
                        return Err(Error::InvalidArgument(format!(
                            "--mask {c}: the masking is phone, email or name"
                        )));
                    }
                };
                names.push(col.to_string());
                how.push((col.to_string(), m));
            }
            None => names.push(c.clone()),
        }
    }
    Ok((names, how))
}

pub fn segment(a: SegmentArgs) -> Result<()> {
    match a.command {
        SegmentCommand::Save {
            project,
            name,
            rule,
            json_rule,
            description,
            base,
        } => {
            let p = open(&project, true)?;
            let rule = match (rule, json_rule) {
                (Some(t), _) => parse_rule(&t)?,
                (None, Some(f)) => {
                    let text = if f.as_os_str() == "-" {
                        std::io::read_to_string(std::io::stdin()).map_err(|e| Error::io(&f, e))?
                    } else {
                        std::fs::read_to_string(&f).map_err(|e| Error::io(&f, e))?
                    };
                    serde_json::from_str(&text).map_err(|e| {
                        Error::InvalidArgument(format!(
                            "{} is not a segment rule in JSON: {e}",
                            f.display()
                        ))
                    })?
                }
                (None, None) => {
                    return Err(Error::InvalidArgument("give the rule with --rule".into()));
                }
            };
            let mut all = saved::saved(&p)?;
            all.insert(name.clone(), rule.clone());
            // On a linked dataset, the warehouse lists the members to check it runs.
            if let Some(wb) = WarehouseBase::resolve(&p, &base.options()?)? {
                let (m, transfer) = super::progress_bar::with_bar(|rep| {
                    loupe::warehouse::segments::members(&wb, &rule, &all, rep)
                })?;
                saved::save(&p, &name, &rule, &description)?;
                store::add_snapshot(
                    p.conn(),
                    &name,
                    &wb.link.name,
                    &m.as_of.to_string(),
                    "save",
                    &m.ids()?,
                )?;
                say!("saved segment '{name}': {rule}");
                print_count(m.count(), Some(transfer), false);
                return Ok(());
            }
            // Check it runs before saving it.
            let b = base.load(&p)?;
            let m = members(&b, &rule, &all)?;
            saved::save(&p, &name, &rule, &description)?;
            store::add_snapshot(
                p.conn(),
                &name,
                &b.dataset,
                &b.as_of.to_string(),
                "save",
                &member_ids(&b, &m)?,
            )?;
            let c = Count::of(&m);
            say!(
                "saved segment '{name}': {rule}\n{} of {} customers ({:.1}%)",
                int(c.count as u64),
                int(c.base as u64),
                c.share * 100.0
            );
        }
        SegmentCommand::List { project, json } => {
            let p = open(&project, false)?;
            let list = saved::list(&p)?;
            if json {
                json_line(&serde_json::to_value(&list).unwrap_or_default());
            } else if list.is_empty() {
                say!("no segments saved; save one with loupe segment save --name N --rule TEXT");
            } else {
                for s in list {
                    say!("{}\t{}", s.name, s.text);
                }
            }
        }
        SegmentCommand::Show {
            project,
            name,
            json,
        } => {
            let p = open(&project, false)?;
            let s = saved::get(&p, &name)?;
            let snaps = store::snapshots(p.conn(), &name)?;
            if json {
                let snaps: Vec<serde_json::Value> = snaps
                    .iter()
                    .map(|s| {
                        serde_json::json!({"id": s.id, "taken_at": s.taken_at, "reason": s.reason, "as_of": s.as_of, "members": s.ids.len()})
                    })
                    .collect();
                json_line(&serde_json::json!({
                    "name": s.name, "text": s.text, "rule": s.rule, "description": s.description,
                    "created_at": s.created_at, "updated_at": s.updated_at, "snapshots": snaps,
                }));
            } else {
                say!("{}\n  rule: {}", s.name, s.text);
                if !s.description.is_empty() {
                    say!("  description: {}", s.description);
                }
                say!(
                    "  json: {}",
                    serde_json::to_string(&s.rule).unwrap_or_default()
                );
                say!("  saved {} (first {})", s.updated_at, s.created_at);
                for snap in snaps {
                    say!(
                        "  snapshot {}: {} members, {} ({}), as of {}",
                        snap.id,
                        int(snap.ids.len() as u64),
                        snap.taken_at,
                        snap.reason,
                        snap.as_of
                    );
                }
            }
        }
        SegmentCommand::Delete { project, name } => {
            let p = open(&project, true)?;
            saved::delete(&p, &name)?;
            say!("deleted segment '{name}'");
        }
        SegmentCommand::Count {
            project,
            which,
            base,
            json,
        } => {
            let p = open(&project, false)?;
            // A linked dataset's segment is counted by its warehouse.
            if let Some(wb) = WarehouseBase::resolve(&p, &base.options()?)? {
                let (_, rule) = resolve(&p, which.name.as_deref(), which.rule.as_deref())?;
                let saved = saved::saved(&p)?;
                let (c, transfer) = super::progress_bar::with_bar(|rep| {
                    loupe::warehouse::segments::count(&wb, &rule, &saved, rep)
                })?;
                print_count(c, Some(transfer), json);
                return Ok(());
            }
            let (_, _, _, m) = evaluate(&p, &which, &base)?;
            print_count(Count::of(&m), None, json);
        }
        SegmentCommand::Sql {
            project,
            which,
            base,
            dialect,
        } => {
            // PostgreSQL and Spark: the whole customer table in the query, over a linked
            // dataset's table, or over tables named as the project's datasets.
            let engine = match dialect.as_str() {
                "postgres" => Some(loupe::warehouse::Engine::Postgres),
                "spark" => Some(loupe::warehouse::Engine::Spark),
                _ => None,
            };
            if let Some(engine) = engine {
                let p = open(&project, false)?;
                let (_, rule) = resolve(&p, which.name.as_deref(), which.rule.as_deref())?;
                let opts = base.options()?;
                let wb = match WarehouseBase::resolve(&p, &opts)? {
                    Some(wb) => wb,
                    None => WarehouseBase::of_local(&p, &opts)?,
                }
                .in_engine(engine);
                let sql = loupe::warehouse::segments::to_sql(
                    &wb,
                    &rule,
                    &saved::saved(&p)?,
                    loupe::warehouse::segments::Select::Ids,
                )?;
                say!("{sql};");
                return Ok(());
            }
            let mut p = open(&project, true)?;
            if loupe::warehouse::link::linked(&p, base.dataset.as_deref().unwrap_or(""))?.is_some()
            {
                return Err(Error::InvalidArgument(
                    "a linked dataset's segment is written in its warehouse's dialect: add --dialect postgres or --dialect spark".into(),
                ));
            }
            let (_, rule) = resolve(&p, which.name.as_deref(), which.rule.as_deref())?;
            let b = base.load(&p)?;
            let sql = to_sql(&b, &rule, &saved::saved(&p)?)?;
            materialize(&mut p, &b)?;
            say!("{sql};");
        }
        SegmentCommand::Export {
            project,
            which,
            base,
            out,
            columns,
            mask,
            hash_ids,
            salt,
            bom,
        } => {
            let p = open(&project, true)?;
            let (mask, mask_as) = parse_masks(&mask)?;
            let spec = ExportSpec {
                columns,
                mask,
                mask_as,
                hash_ids,
                salt,
                bom,
            };
            if let Some(w) = loupe::segments::export::salt_warning(&spec) {
                eprintln!("warning: {w}");
            }
            let r = match WarehouseBase::resolve(&p, &base.options()?)? {
                // A linked dataset's members' rows come from its warehouse, and only they.
                Some(wb) => {
                    let (name, rule) = resolve(&p, which.name.as_deref(), which.rule.as_deref())?;
                    let saved = saved::saved(&p)?;
                    let (m, transfer) = super::progress_bar::with_bar(|rep| {
                        loupe::warehouse::segments::member_rows(&wb, &rule, &saved, rep)
                    })?;
                    say!("{}", super::warehouse::transfer_line(transfer));
                    let rows = MemberRows {
                        dataset: &wb.link.name,
                        as_of: &m.as_of.to_string(),
                        frame: m.frame,
                    };
                    export_rows(&p, &rows, name.as_deref(), &rule.to_string(), &out, &spec)?
                }
                None => {
                    let (name, rule, b, m) = evaluate(&p, &which, &base)?;
                    export_members(&p, &b, name.as_deref(), &rule.to_string(), &m, &out, &spec)?
                }
            };
            say!(
                "wrote {} customers × {} columns to {}",
                int(r.rows),
                r.columns.len(),
                r.path
            );
        }
        SegmentCommand::Kmeans {
            project,
            base,
            features,
            k,
            seed,
            save,
            json,
        } => {
            let p = open(&project, save.is_some())?;
            let b = base.load(&p)?;
            match k {
                None => {
                    let table =
                        kmeans::choose_k(&b.frame, &features, &[2, 3, 4, 5, 6, 7, 8], seed)?;
                    if json {
                        json_line(&serde_json::to_value(&table).unwrap_or_default());
                    } else {
                        say!("k\tinertia\tsilhouette");
                        for c in table {
                            say!("{}\t{:.1}\t{:.3}", c.k, c.inertia, c.silhouette);
                        }
                    }
                }
                Some(k) => {
                    let fit = kmeans::fit(&b.frame, &features, k, seed)?;
                    let rules = (0..k)
                        .map(|j| fit.model.rule(j))
                        .collect::<Result<Vec<_>>>()?;
                    if json {
                        json_line(&serde_json::json!({
                            "inertia": fit.inertia, "model": fit.model, "clusters": fit.profiles,
                            "rules": rules.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
                        }));
                    } else {
                        for (j, (prof, rule)) in fit.profiles.iter().zip(&rules).enumerate() {
                            say!(
                                "cluster {}: {} customers ({:.1}%): {}\n  rule: {rule}",
                                j + 1,
                                int(prof.size as u64),
                                prof.share * 100.0,
                                traits(prof)
                            );
                        }
                    }
                    if let Some(prefix) = save {
                        for (j, (rule, prof)) in rules.iter().zip(&fit.profiles).enumerate() {
                            saved::save(
                                &p,
                                &format!("{prefix} {}", j + 1),
                                rule,
                                &format!("k-means cluster {} of {k}: {}", j + 1, traits(prof)),
                            )?;
                        }
                        say!("saved {k} segments '{prefix} 1' … '{prefix} {k}'");
                    }
                }
            }
        }
        SegmentCommand::Top {
            project,
            base,
            by,
            n,
            name,
        } => {
            let p = open(&project, true)?;
            let b = base.load(&p)?;
            let rule = generate::top_n(&b.frame, &by, n)?;
            let m = members(&b, &rule, &saved::saved(&p)?)?;
            saved::save(&p, &name, &rule, &format!("top {n} by {by}"))?;
            say!(
                "saved segment '{name}': {rule} ({} customers)",
                int(Count::of(&m).count as u64)
            );
        }
        SegmentCommand::Snapshot {
            project,
            name,
            base,
        } => {
            let p = open(&project, true)?;
            let s = saved::get(&p, &name)?;
            // A linked dataset's members are listed by its warehouse.
            let (dataset, as_of, ids, transfer) =
                match WarehouseBase::resolve(&p, &base.options()?)? {
                    Some(wb) => {
                        let (m, t) = super::progress_bar::with_bar(|rep| {
                            loupe::warehouse::segments::members(
                                &wb,
                                &s.rule,
                                &saved::saved(&p)?,
                                rep,
                            )
                        })?;
                        (wb.link.name.clone(), m.as_of, m.ids()?, Some(t))
                    }
                    None => {
                        let b = base.load(&p)?;
                        let m = members(&b, &s.rule, &saved::saved(&p)?)?;
                        (b.dataset.clone(), b.as_of, member_ids(&b, &m)?, None)
                    }
                };
            let id = store::add_snapshot(
                p.conn(),
                &name,
                &dataset,
                &as_of.to_string(),
                "snapshot",
                &ids,
            )?;
            say!(
                "snapshot {id} of '{name}': {} members",
                int(ids.len() as u64)
            );
            if let Some(t) = transfer {
                say!("{}", super::warehouse::transfer_line(t));
            }
        }
        SegmentCommand::Compare {
            project,
            name,
            snapshots,
            json,
        } => {
            let p = open(&project, false)?;
            saved::get(&p, &name)?;
            let all = store::snapshots(p.conn(), &name)?;
            let (old, new) = match snapshots.as_deref() {
                Some([a, b]) => {
                    let find = |id: i64| {
                        all.iter().find(|s| s.id == id).ok_or_else(|| {
                            Error::InvalidArgument(format!(
                                "segment '{name}' has no snapshot {id}; see loupe segment show --name '{name}'"
                            ))
                        })
                    };
                    (find(*a)?, find(*b)?)
                }
                _ => match all.as_slice() {
                    [.., a, b] => (a, b),
                    _ => {
                        return Err(Error::InvalidArgument(format!(
                            "segment '{name}' has fewer than two snapshots; take one with loupe segment snapshot"
                        )));
                    }
                },
            };
            let d = compare(&old.ids, &new.ids);
            if json {
                json_line(&serde_json::json!({
                    "old": old.id, "new": new.id, "entered": d.entered, "left": d.left, "stayed": d.stayed,
                }));
            } else {
                say!(
                    "snapshot {} ({}) → {} ({}): {} entered, {} left, {} stayed",
                    old.id,
                    old.taken_at,
                    new.id,
                    new.taken_at,
                    int(d.entered.len() as u64),
                    int(d.left.len() as u64),
                    int(d.stayed as u64)
                );
                for id in &d.entered {
                    say!("+ {id}");
                }
                for id in &d.left {
                    say!("- {id}");
                }
            }
        }
    }
    Ok(())
}
