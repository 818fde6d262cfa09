//! `loupe identity build`: one customer across datasets (the identity map).

use super::say;
use clap::{Args, Subcommand};
use loupe::error::{Error, Result};
use loupe::i18n::int;
use loupe::identity::{IdentityOptions, Rule, build};
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct IdentityArgs {
    #[command(subcommand)]
    command: IdentityCommand,
}

#[derive(Subcommand)]
enum IdentityCommand {
    /// Link the customer ids of several datasets that share a phone, an e-mail or a member id
    /// into one customer_key, and keep the map in the project.
    Build(BuildArgs),
}

#[derive(Args)]
pub struct BuildArgs {
    #[arg(long)]
    project: PathBuf,
    /// The datasets to link, comma-separated (default: every dataset with a customer_id).
    #[arg(long, value_delimiter = ',')]
    datasets: Vec<String>,
    /// The rules, comma-separated: phone (also hashed phones), hashed_phone, email, member_id
    /// (default: all).
    #[arg(long = "match", value_delimiter = ',', value_name = "RULES")]
    rules: Vec<String>,
    /// A key shared by more customer ids than this is a conflict (a shop's own phone, a test
    /// account): listed, never used to join.
    #[arg(long, default_value_t = 5, value_parser = super::ranges::whole::<usize, 2, 1_000_000>)]
    max_per_key: usize,
    /// Print {"records", "customers_before", "customers_after", "links_by_rule", "conflicts"}.
    #[arg(long)]
    json: bool,
}

pub fn identity(a: IdentityArgs) -> Result<()> {
    match a.command {
        IdentityCommand::Build(b) => build_cmd(b),
    }
}

fn build_cmd(a: BuildArgs) -> Result<()> {
    let mut rules: Vec<Rule> = a
        .rules
        .iter()
        .filter(|r| !r.trim().is_empty())
        .map(|r| r.parse())
        .collect::<Result<_>>()?;
    if rules.is_empty() {
        rules = IdentityOptions::default().rules;
    }
    if rules.contains(&Rule::Phone) && !rules.contains(&Rule::HashedPhone) {
        rules.push(Rule::HashedPhone);
    }
    let opts = IdentityOptions {
        datasets: (!a.datasets.is_empty()).then_some(a.datasets),
        rules,
        max_per_key: a.max_per_key,
    };
    let mut project = Project::open(&a.project)?;
    let r = build(&mut project, &opts)?;
    if a.json {
        let v = serde_json::json!({
            "records": r.records,
            "customers_before": r.customers_before,
            "customers_after": r.customers_after,
            "links_by_rule": r.links_by_rule.iter().map(|(k, v)| (k.as_str().to_string(), serde_json::Value::from(*v))).collect::<serde_json::Map<String, serde_json::Value>>(),
            "conflicts": r.conflicts,
            "datasets": r.datasets,
        });
        let text = serde_json::to_string_pretty(&v).map_err(|e| Error::Export(e.to_string()))?;
        say!("{text}");
        return Ok(());
    }
    say!(
        "{} customer ids in {} became {} customers",
        int(r.customers_before),
        r.datasets.join(", "),
        int(r.customers_after)
    );
    for (rule, n) in &r.links_by_rule {
        say!("  {:<14} {} links", rule.as_str(), int(*n));
    }
    for c in &r.conflicts {
        say!(
            "conflict: {} {} is shared by {} customer ids ({}); not used to join",
            c.rule.as_str(),
            c.key,
            int(c.records),
            c.datasets.join(", ")
        );
    }
    Ok(())
}
