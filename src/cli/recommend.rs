//! `loupe rules`: association rules from baskets.

use super::progress_bar::with_bar;
use super::ranges;
use super::say;
use clap::Args;
use loupe::error::{Error, Result};
use loupe::i18n::int;
use loupe::recommend::{
    RuleOptions, association_rules, itemset_text, read_baskets, write_rules_csv,
};
use loupe::store::Project;
use std::path::PathBuf;

#[derive(Args)]
pub struct RulesArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    dataset: String,
    /// The column that names the basket (e.g. the order id).
    #[arg(long)]
    basket: String,
    /// The column that names the item.
    #[arg(long)]
    item: String,
    /// Least share of baskets holding every item of a rule, e.g. 0.01.
    #[arg(long, value_parser = ranges::above_zero::<1>)]
    min_support: f64,
    /// Least confidence, e.g. 0.5.
    #[arg(long, value_parser = ranges::number::<0, 1>)]
    min_confidence: f64,
    #[arg(long, default_value_t = 0.0, value_parser = ranges::number::<0, 1_000_000>)]
    min_lift: f64,
    /// Most items in a rule.
    #[arg(long, default_value_t = 4, value_parser = ranges::whole::<usize, 2, 10>)]
    max_len: usize,
    /// Most items in the consequent (1, as in arules).
    #[arg(long, default_value_t = 1, value_parser = ranges::whole::<usize, 1, 9>)]
    max_consequent: usize,
    /// Write the rules to this CSV file; without it the strongest 20 are printed.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn rules(a: RulesArgs) -> Result<()> {
    for (name, v) in [
        ("--min-support", a.min_support),
        ("--min-confidence", a.min_confidence),
    ] {
        if !(0.0..=1.0).contains(&v) || v.is_nan() {
            return Err(Error::InvalidArgument(format!(
                "{name} is a share between 0 and 1, not {v}"
            )));
        }
    }
    if a.min_support == 0.0 {
        return Err(Error::InvalidArgument(
            "--min-support 0 would ask for every combination of items; give a share such as 0.01"
                .into(),
        ));
    }
    let project = Project::open_read_only(&a.project)?;
    let opts = RuleOptions {
        min_support: a.min_support,
        min_confidence: a.min_confidence,
        min_lift: a.min_lift,
        max_len: a.max_len,
        max_consequent: a.max_consequent,
    };
    let (rules, items, baskets, distinct, transfer) =
        match loupe::warehouse::link::linked(&project, &a.dataset)? {
            // A linked table's itemsets are counted by its warehouse.
            Some(link) => {
                let (w, t) = with_bar(|rep| {
                    loupe::warehouse::rules::rules(&link, &a.basket, &a.item, &opts, rep)
                })?;
                (w.rules, w.items, w.baskets, w.distinct_items, Some(t))
            }
            None => {
                // The baskets are read from the dataset's columnar copy: built first, with
                // progress, when it is missing or stale.
                let info = project.dataset(&a.dataset)?;
                with_bar(|rep| loupe::kept::copy::ensure(&project, &info, rep))?;
                let b = read_baskets(&project, &a.dataset, &a.basket, &a.item)?;
                let rules = with_bar(|rep| {
                    rep.check()?;
                    Ok::<_, Error>(association_rules(&b.baskets, &opts))
                })?;
                let (n, distinct) = (b.baskets.len() as u64, b.items.len() as u64);
                (rules, b.items, n, distinct, None)
            }
        };
    say!(
        "{} baskets, {} items: {} rules",
        int(baskets),
        int(distinct),
        int(rules.len() as u64)
    );
    if let Some(t) = transfer {
        say!("{}", super::warehouse::transfer_line(t));
    }
    match &a.out {
        Some(path) => {
            write_rules_csv(&rules, &items, path)?;
            say!("wrote {}", path.display());
        }
        None => {
            for r in rules.iter().take(20) {
                say!(
                    "{} -> {}  support {:.4}  confidence {:.3}  lift {:.2}",
                    itemset_text(&r.antecedents, &items),
                    itemset_text(&r.consequents, &items),
                    r.support,
                    r.confidence,
                    r.lift
                );
            }
        }
    }
    Ok(())
}
