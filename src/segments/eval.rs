//! Who is in a segment: a rule evaluated over a [`SegmentBase`] to one yes/no per customer.
//!
//! Missing values: a condition on a missing value is false, and `NOT` turns it true: "not in the
//! United Kingdom" includes the customers whose country is unknown. (The SQL form does the
//! same with `COALESCE(…, 0)`.)
//!
//! Behavioural windows: `within_days = N` keeps the lines of the last N days before the as-of
//! date (days as-of − N … as-of − 1, so N = 1 is the day before it); `after = D` keeps days on or
//! after D; `before = D` days strictly before D. Times are distinct orders (events: events).

use super::base::{Lines, SegmentBase, day_number};
use super::rule::{Bought, Condition, Did, Op, Rule, Target, Window};
use crate::{Error, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// Saved segments by name, for `in_segment(…)`.
pub type Saved = BTreeMap<String, Rule>;

/// One yes/no per customer of the base, in its order.
pub type Members = Vec<bool>;

pub fn count(m: &[bool]) -> usize {
    m.iter().filter(|&&b| b).count()
}

/// Evaluates `rule` over the base.
pub fn members(base: &SegmentBase, rule: &Rule, saved: &Saved) -> Result<Members> {
    if !base.loaded.covers(&super::need::Need::of(rule, saved)) {
        return Err(Error::InvalidArgument(format!(
            "the customer table was loaded for another rule and lacks the lines '{rule}' reads; load it with SegmentBase::load"
        )));
    }
    let mut stack = Vec::new();
    eval(base, rule, saved, &mut stack, None)
}

/// Evaluates `rule`; the answer is only required for the customers `scope` holds (all
/// without one), so behavioural conditions skip the lines of everyone else. Within an AND, the
/// conditions on the customer table run first and narrow the scope of the behavioural ones.
fn eval(
    base: &SegmentBase,
    rule: &Rule,
    saved: &Saved,
    stack: &mut Vec<String>,
    scope: Option<&[bool]>,
) -> Result<Members> {
    let n = base.len();
    Ok(match rule {
        Rule::All { rules } => {
            let mut out: Members = scope.map_or_else(|| vec![true; n], <[bool]>::to_vec);
            let (table, behaviour): (Vec<&Rule>, Vec<&Rule>) =
                rules.iter().partition(|r| !reads_lines(r, saved));
            for r in table.into_iter().chain(behaviour) {
                let m = eval(base, r, saved, stack, Some(&out))?;
                out.iter_mut().zip(m).for_each(|(o, b)| *o &= b);
            }
            out
        }
        Rule::Any { rules } => {
            let mut out = vec![false; n];
            for r in rules {
                let m = eval(base, r, saved, stack, scope)?;
                out.iter_mut().zip(m).for_each(|(o, b)| *o |= b);
            }
            out
        }
        Rule::Not { rule } => eval(base, rule, saved, stack, scope)?
            .into_iter()
            .map(|b| !b)
            .collect(),
        Rule::Condition(c) => condition(base, c)?,
        Rule::Expr { text } => expression(base, &crate::expr::parse(text)?)?,
        Rule::HasTag { name } => {
            let Some((_, rule)) = base.tags.iter().find(|(t, _)| t == name) else {
                let names: Vec<&str> = base.tags.iter().map(|t| t.0.as_str()).collect();
                return Err(Error::InvalidArgument(format!(
                    "there is no tag '{name}'; the tags are: {}",
                    names.join(", ")
                )));
            };
            expression(base, &crate::expr::parse(rule)?)?
        }
        Rule::InSegment { name } => {
            let Some(inner) = saved.get(name) else {
                return Err(unknown_segment(name, saved));
            };
            if stack.contains(name) {
                stack.push(name.clone());
                return Err(Error::InvalidArgument(format!(
                    "segment '{name}' includes itself: {}",
                    stack.join(" → ")
                )));
            }
            stack.push(name.clone());
            let m = eval(base, inner, saved, stack, scope)?;
            stack.pop();
            m
        }
        Rule::Bought(b) => bought(base, b, scope)?,
        Rule::Did(d) => did(base, d, scope)?,
    })
}

/// Whether evaluating `rule` reads the lines (through included segments too).
fn reads_lines(rule: &Rule, saved: &Saved) -> bool {
    let mut any = false;
    rule.visit(&mut |r| {
        any |= match r {
            Rule::Bought(_) | Rule::Did(_) => true,
            // A missing or cyclic segment is reported when it is evaluated.
            Rule::InSegment { name } => saved.get(name).is_some_and(|s| s.is_behavioural()),
            _ => false,
        }
    });
    any
}

pub fn unknown_segment(name: &str, saved: &Saved) -> Error {
    let names: Vec<&str> = saved.keys().map(String::as_str).collect();
    Error::InvalidArgument(if names.is_empty() {
        format!("there is no segment '{name}'; no segment is saved yet")
    } else {
        format!(
            "there is no segment '{name}'; the segments are: {}",
            names.join(", ")
        )
    })
}

/// The first day inside `within N days` of the as-of date, as `YYYY-MM-DD`.
pub fn window_start(as_of: NaiveDate, days: u32) -> String {
    (as_of - chrono::Duration::days(i64::from(days))).to_string()
}

fn condition(base: &SegmentBase, c: &Condition) -> Result<Members> {
    let start = match c.op {
        Op::WithinDays { days } => Some(window_start(base.as_of, days)),
        _ => None,
    };
    expression(base, &c.to_expr(start.as_deref()))
}

/// A condition of the expression language over the customer table; missing is false.
fn expression(base: &SegmentBase, e: &crate::expr::Expr) -> Result<Members> {
    let cond = crate::expr::compile_condition(e, base.frame.schema())?;
    let out = base
        .frame
        .clone()
        .lazy()
        .select([cond.alias("m")])
        .collect()?;
    let col = out.column("m")?.bool()?.clone();
    let mut m: Members = col.iter().map(|b| b.unwrap_or(false)).collect();
    if m.len() == 1 && base.len() != 1 {
        // A constant condition.
        m = vec![m[0]; base.len()];
    }
    Ok(m)
}

/// The days a window keeps: `lo..hi` (days since 1970-01-01).
fn days(base: &SegmentBase, w: &Window) -> Result<(i32, i32)> {
    let as_of = day_number(base.as_of);
    let parse = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(day_number)
            .map_err(|_| Error::InvalidArgument(format!("'{s}' is not a date YYYY-MM-DD")))
    };
    let mut lo = i32::MIN;
    let mut hi = as_of;
    if let Some(n) = w.within_days {
        lo = lo.max(as_of - n.min(1_000_000) as i32);
    }
    if let Some(a) = &w.after {
        lo = lo.max(parse(a)?);
    }
    if let Some(b) = &w.before {
        hi = hi.min(parse(b)?);
    }
    Ok((lo, hi))
}

fn in_range(x: f64, lo: Option<f64>, hi: Option<f64>) -> bool {
    lo.is_none_or(|l| x >= l) && hi.is_none_or(|h| x <= h)
}

fn bought(base: &SegmentBase, b: &Bought, scope: Option<&[bool]>) -> Result<Members> {
    let (lo, hi) = days(base, &b.window)?;
    let p = &base.purchases;
    // The numbers of the matched values; a value the data never has matches nothing.
    let wanted: Option<(Target, HashSet<u32>)> = b.matching.as_ref().map(|m| {
        let names = match m.target {
            Target::ItemId => &base.names.item_ids,
            Target::Item => &base.names.items,
            Target::Category => &base.names.categories,
        };
        (
            m.target,
            m.values.iter().filter_map(|v| names.get(v)).collect(),
        )
    });
    let column = |t: Target| -> &[u32] {
        match t {
            Target::ItemId => &p.item_id,
            Target::Item => &p.item,
            Target::Category => &p.category,
        }
    };
    let (min_times, max_times) = (b.min_times(), b.max_times);
    let mut orders: Vec<u32> = Vec::new();
    let mut out = Vec::with_capacity(base.len());
    for c in 0..base.len() {
        if scope.is_some_and(|s| !s[c]) {
            out.push(false);
            continue;
        }
        orders.clear();
        let mut amount = 0.0;
        for j in p.range(c) {
            let d = p.day[j];
            if d < lo || d >= hi {
                continue;
            }
            if let Some((t, set)) = &wanted
                && !set.contains(&column(*t)[j])
            {
                continue;
            }
            orders.push(p.key[j]);
            amount += p.amount[j];
        }
        orders.sort_unstable();
        orders.dedup();
        let times = orders.len() as u32;
        out.push(
            times >= min_times
                && max_times.is_none_or(|m| times <= m)
                && in_range(amount, b.min_amount, b.max_amount),
        );
    }
    Ok(out)
}

fn did(base: &SegmentBase, d: &Did, scope: Option<&[bool]>) -> Result<Members> {
    let Some(events) = &base.events else {
        return Err(Error::InvalidArgument(
            "did() needs an events dataset with the roles customer_id, timestamp and event_type; import one or set the roles with loupe set-role".into(),
        ));
    };
    let (lo, hi) = days(base, &d.window)?;
    let wanted = base.names.events.get(&d.event);
    Ok(
        count_lines(events, base.len(), scope, lo, hi, |k| Some(k) == wanted)
            .into_iter()
            .map(|n| n >= d.min_times() && d.max_times.is_none_or(|m| n <= m))
            .collect(),
    )
}

fn count_lines(
    lines: &Lines,
    n: usize,
    scope: Option<&[bool]>,
    lo: i32,
    hi: i32,
    keep: impl Fn(u32) -> bool,
) -> Vec<u32> {
    (0..n)
        .map(|c| {
            if scope.is_some_and(|s| !s[c]) {
                return 0;
            }
            lines
                .range(c)
                .filter(|&j| lines.day[j] >= lo && lines.day[j] < hi && keep(lines.key[j]))
                .count() as u32
        })
        .collect()
}
