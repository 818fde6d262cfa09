//! Recommendations from purchases as implicit feedback (customer × item, optionally weighted by
//! quantity or recency): popularity overall or within a group, item-to-item collaborative
//! filtering, association rules (FP-growth), and matrix factorisation (implicit ALS); every
//! recommendation carries its reason; offline evaluation on a time split.
//!
//! For a page or a command:
//! 1. [`read_interactions`] once per dataset (or [`InteractionsBuilder`] from plain values);
//! 2. [`recommend_for_customers`] with any set of customer ids (one customer, a list, a
//!    segment's members) → [`Recommendations`], each row with a [`Reason`] rendered by
//!    [`Reason::text`] in English or Chinese;
//! 3. [`evaluate`] for the algorithm × metric table.
//!
//! Long steps take a [`Reporter`](crate::progress::Reporter) (progress, cancel), so they run as
//! a [`Job`](crate::jobs::Job).

pub mod als;
pub mod assoc;
pub mod baskets;
pub mod browse;
pub mod compare;
pub mod details;
pub mod evaluate;
pub mod fitted;
pub mod fpgrowth;
pub mod from_copy;
pub mod interactions;
pub mod itemknn;
pub mod linalg;
pub mod matrix;
pub mod metrics;
pub mod model;
pub mod output;
pub mod popular;
pub mod reasons;
pub mod reference;
pub mod rules;

pub use baskets::{Baskets, read_baskets, read_baskets_sqlite};
pub use details::{read_item_details, read_item_details_sqlite};
pub use evaluate::{EvalOptions, EvalReport, Relevant, evaluate};
pub use interactions::{
    Interactions, InteractionsBuilder, RawLine, ReadOptions, read_interactions,
    read_interactions_sqlite,
};
pub use matrix::Weighting;
pub use model::{
    Algorithm, ModelOptions, RecommendOptions, Recommendation, Recommendations, Recommender,
    recommend_for_customers,
};
pub use output::{read_customer_ids, write_recommendations};
pub use reasons::{ItemLabel, Reason};
pub use rules::{Rule, RuleOptions, association_rules, min_count, rules_from_itemsets};

/// An item set as written in rule files: items sorted and joined by `|`.
pub fn itemset_text(ids: &[u32], items: &[String]) -> String {
    let mut names: Vec<&str> = ids
        .iter()
        .filter_map(|&i| items.get(i as usize).map(String::as_str))
        .collect();
    names.sort_unstable();
    names.join("|")
}

/// Writes rules as CSV: antecedents, consequents, support, confidence, lift, leverage,
/// conviction (via a temporary file, so a failed write leaves no half file).
pub fn write_rules_csv(
    rules: &[Rule],
    items: &[String],
    path: &std::path::Path,
) -> crate::Result<()> {
    use crate::error::Error;
    let write = |tmp: &std::path::Path| -> std::result::Result<(), csv::Error> {
        let mut w = csv::Writer::from_path(tmp)?;
        w.write_record([
            "antecedents",
            "consequents",
            "support",
            "confidence",
            "lift",
            "leverage",
            "conviction",
        ])?;
        for r in rules {
            let conviction = if r.conviction.is_infinite() {
                "inf".to_string()
            } else {
                r.conviction.to_string()
            };
            w.write_record([
                itemset_text(&r.antecedents, items),
                itemset_text(&r.consequents, items),
                r.support.to_string(),
                r.confidence.to_string(),
                r.lift.to_string(),
                r.leverage.to_string(),
                conviction,
            ])?;
        }
        w.flush()?;
        Ok(())
    };
    crate::fsutil::write_atomic(path, |tmp| {
        write(tmp).map_err(|e| Error::Export(format!("cannot write {}: {e}", path.display())))
    })
}
