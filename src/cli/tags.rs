//! `loupe tags`: the project's customer tag rules; add, replace or remove them, and count the
//! customers each one tags in a dataset's customer table.

use super::say;
use clap::Args;
use loupe::customers::keep::customer_table;
use loupe::customers::rfm::RfmOptions;
use loupe::customers::tags::{evaluate_frame, put_rule, remove_rule, rules};
use loupe::error::{Error, Result};
use loupe::i18n::int;
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct TagsArgs {
    #[arg(long)]
    project: PathBuf,
    /// Count each tag's customers in this transactions dataset's customer table.
    #[arg(long)]
    dataset: Option<String>,
    /// Add a tag or replace its rule: NAME=RULE, e.g. "big spender=monetary > 1000".
    #[arg(long, value_name = "NAME=RULE")]
    add: Vec<String>,
    /// Remove a tag by name.
    #[arg(long, value_name = "NAME")]
    remove: Vec<String>,
    /// A customers dataset joined on for the rules (its columns can be named in them).
    #[arg(long, value_name = "DATASET")]
    attributes: Option<String>,
    /// A products dataset giving lines their category.
    #[arg(long, value_name = "DATASET")]
    products: Option<String>,
}

pub fn tags(a: TagsArgs) -> Result<()> {
    if !a.project.exists() {
        return Err(Error::NoSuchProject { path: a.project });
    }
    let project = if a.add.is_empty() && a.remove.is_empty() {
        Project::open_read_only(&a.project)?
    } else {
        Project::open(&a.project)?
    };
    for spec in &a.add {
        let (name, rule) = spec.split_once('=').ok_or_else(|| {
            Error::InvalidArgument(format!(
                "--add '{spec}' needs the form NAME=RULE, e.g. \"high value=m_score = 5\""
            ))
        })?;
        put_rule(&project, name, rule)?;
    }
    for name in &a.remove {
        remove_rule(&project, name)?;
    }
    let rules = rules(&project)?;
    let counts = match &a.dataset {
        Some(d) => {
            // The kept customer table when its inputs are unchanged (built and kept otherwise).
            let table = customer_table(
                &project,
                d,
                &RfmOptions {
                    attributes: a.attributes.clone(),
                    products: a.products.clone(),
                    ..RfmOptions::default()
                },
            )?;
            let tags = evaluate_frame(&table.frame, &rules)?;
            let n = table.len();
            Some((n, tags))
        }
        None => None,
    };
    for (i, r) in rules.iter().enumerate() {
        match &counts {
            Some((n, tags)) => match &tags.members[i] {
                Ok(m) => {
                    let k = m.iter().filter(|b| **b).count();
                    say!(
                        "{}\t{}\t{} of {} customers",
                        r.name,
                        r.rule,
                        int(k as u64),
                        int(*n as u64)
                    );
                }
                Err(e) => say!("{}\t{}\terror: {e}", r.name, r.rule),
            },
            None => say!("{}\t{}", r.name, r.rule),
        }
    }
    Ok(())
}
