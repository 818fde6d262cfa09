//! Association rules of a linked table, their itemsets counted by its warehouse: only the
//! frequent itemsets (with their counts) cross the wire, and the rules and their measures are
//! made from them locally, by the same code as the local engine's
//! ([`crate::recommend::rules_from_itemsets`]).
//!
//! The baskets are [`crate::recommend::read_baskets`]'s: the rows with the same basket value
//! form one basket of their distinct item values, both trimmed, and rows missing either are
//! skipped. The itemsets are counted level by level (Apriori): the frequent items; then, per
//! basket, the combinations of `k` frequent items in ascending order whose first and last
//! `k − 1` items are frequent `k − 1`-itemsets, kept when enough baskets hold them. Every
//! frequent itemset passes those prunes (all of its subsets are frequent), so the counts are
//! exact.

use super::chart::Transfer;
use super::link::Link;
use super::secret::ConnUrl;
use super::source::{Used, trimmed_in};
use crate::progress::Reporter;
use crate::recommend::fpgrowth::Itemset;
use crate::recommend::{Rule, RuleOptions, rules_from_itemsets};
use crate::{Error, Result};
use std::collections::BTreeSet;

/// Rules mined from a linked table.
#[derive(Debug, Clone, PartialEq)]
pub struct WarehouseRules {
    pub rules: Vec<Rule>,
    /// The frequent items, numbered in byte order of their text (the ids of `rules`).
    pub items: Vec<String>,
    pub baskets: u64,
    /// Distinct items in all baskets, frequent or not.
    pub distinct_items: u64,
}

/// The largest itemset a warehouse query counts (as `loupe rules --max-len`).
pub const MAX_LEN: usize = 10;

/// The query behind [`rules_with`]: a row `n` (baskets, distinct items), then a row `set` per
/// frequent itemset (its count, then its items; missing past its size).
pub fn to_sql(link: &Link, basket: &str, item: &str, opts: &RuleOptions) -> Result<String> {
    let max_len = opts.max_len.clamp(2, MAX_LEN);
    let mut u = Used::new(link);
    let d = u.dialect();
    let b = u.col(basket)?;
    let i = u.col(item)?;
    let mut ctes = vec![
        format!(
            "x AS (SELECT {} AS b, {} AS i FROM {})",
            trimmed_in(&format!("t.{b}"), d),
            trimmed_in(&format!("t.{i}"), d),
            u.from("t")
        ),
        "bi AS (SELECT DISTINCT b, i FROM x WHERE b IS NOT NULL AND i IS NOT NULL)".into(),
        "n AS (SELECT count(DISTINCT b) AS n, count(DISTINCT i) AS items FROM bi)".into(),
        // As `min_count`: in doubles, the same IEEE arithmetic.
        format!(
            "m AS (SELECT greatest(1, ceil(CAST('{:?}' AS {f8}) * n \
             - CAST('1e-9' AS {f8}))) AS mc FROM n)",
            opts.min_support,
            f8 = d.double()
        ),
        "s1 AS (SELECT i AS i1, count(*) AS c FROM bi GROUP BY i HAVING count(*) >= (SELECT mc FROM m))"
            .into(),
        "f AS (SELECT bi.b, bi.i FROM bi JOIN s1 ON s1.i1 = bi.i)".into(),
    ];
    for k in 2..=max_len {
        let cols: Vec<String> = (1..=k).map(|j| format!("a{j}.i AS i{j}")).collect();
        let mut from = "f AS a1".to_string();
        for j in 2..=k {
            from.push_str(&format!(
                "\n  JOIN f AS a{j} ON a{j}.b = a1.b AND {}",
                d.bytewise(&format!("a{j}.i > a{}.i", j - 1)),
            ));
        }
        let tuple = |range: std::ops::RangeInclusive<usize>| -> String {
            range
                .map(|j| format!("a{j}.i"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let prev: String = (1..k)
            .map(|j| format!("i{j}"))
            .collect::<Vec<_>>()
            .join(", ");
        let prune = if k == 2 {
            String::new()
        } else {
            format!(
                "\n  WHERE ({first}) IN (SELECT {prev} FROM s{p}) AND ({last}) IN (SELECT {prev} FROM s{p})",
                first = tuple(1..=k - 1),
                last = tuple(2..=k),
                p = k - 1
            )
        };
        let group: String = (1..=k)
            .map(|j| j.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        ctes.push(format!(
            "s{k} AS (SELECT {cols}, count(*) AS c\n  FROM {from}{prune}\n  GROUP BY {group} HAVING count(*) >= (SELECT mc FROM m))",
            cols = cols.join(", ")
        ));
    }
    let tx = d.text();
    let none = format!("CAST(NULL AS {tx})");
    let mut parts = vec![format!(
        "SELECT 'n', CAST(n AS {tx}), CAST(items AS {tx}){} FROM n",
        format!(", {none}").repeat(max_len - 1)
    )];
    for k in 1..=max_len {
        let items: Vec<String> = (1..=k).map(|j| format!("i{j}")).collect();
        parts.push(format!(
            "SELECT 'set', CAST(c AS {tx}), {}{} FROM s{k}",
            items.join(", "),
            format!(", {none}").repeat(max_len - k)
        ));
    }
    Ok(format!(
        "WITH {}\n{}",
        ctes.join(",\n"),
        parts.join("\nUNION ALL\n")
    ))
}

/// Association rules of a linked table, with the URL in the link's variable.
pub fn rules(
    link: &Link,
    basket: &str,
    item: &str,
    opts: &RuleOptions,
    rep: &Reporter,
) -> Result<(WarehouseRules, Transfer)> {
    let url = ConnUrl::from_env(&link.url_env, &format!("dataset '{}'", link.name))?;
    rules_with(link, basket, item, opts, &url, rep)
}

/// Association rules of a linked table, the itemsets counted by its warehouse.
pub fn rules_with(
    link: &Link,
    basket: &str,
    item: &str,
    opts: &RuleOptions,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(WarehouseRules, Transfer)> {
    let sql = to_sql(link, basket, item, opts)?;
    let (rows, transfer) = link.run(url, &sql, rep)?;
    let context = link.context();
    let bad = |what: &str| {
        Error::Warehouse(format!(
            "{context}: the warehouse returned an itemset row Loupe cannot read ({what})"
        ))
    };
    let num = |v: &Option<String>| -> Result<u64> {
        let v = v.as_deref().unwrap_or("0");
        v.parse().map_err(|_| bad(v))
    };
    let (mut baskets, mut distinct_items) = (0, 0);
    let mut sets: Vec<(u64, Vec<String>)> = Vec::new();
    for r in &rows.rows {
        if r.len() < 3 {
            return Err(bad("too few columns"));
        }
        match r[0].as_deref() {
            Some("n") => {
                baskets = num(&r[1])?;
                distinct_items = num(&r[2])?;
            }
            Some("set") => sets.push((num(&r[1])?, r[2..].iter().flatten().cloned().collect())),
            other => return Err(bad(other.unwrap_or("no kind"))),
        }
    }
    rep.check()?;
    let items: Vec<String> = sets
        .iter()
        .flat_map(|(_, s)| s.iter().cloned())
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let id = |s: &str| -> Result<u32> {
        items
            .binary_search_by(|x| x.as_str().cmp(s))
            .map(|k| k as u32)
            .map_err(|_| bad(s))
    };
    let mut itemsets = Vec::with_capacity(sets.len());
    for (count, names) in &sets {
        let mut ids = names.iter().map(|s| id(s)).collect::<Result<Vec<u32>>>()?;
        ids.sort_unstable();
        itemsets.push(Itemset {
            items: ids,
            count: *count,
        });
    }
    itemsets.sort_by(|a, b| a.items.cmp(&b.items));
    let rules = rules_from_itemsets(&itemsets, baskets, opts);
    Ok((
        WarehouseRules {
            rules,
            items,
            baskets,
            distinct_items,
        },
        transfer,
    ))
}
