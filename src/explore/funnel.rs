//! Funnels from events: how many users go through the steps in order (e.g. page_view →
//! add_to_cart → purchase) within a time window, with the conversion and drop-off of each step,
//! overall and split by a dimension.
//!
//! A user's depth is the longest prefix of the steps they did in order, each event after the one
//! before, all within the window from the first step's event; over all their first-step events
//! the deepest chain counts (as ClickHouse's `windowFunnel`). Each next step takes the earliest
//! matching event, which leaves the most room for the steps after it. The split value is the
//! dimension's value on the chain's first event.

use super::cohorts::{json_num, write_rows};
use super::rows::{Event, EventColumns, events};
use crate::numeric::median;
use crate::store::Project;
use crate::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// What to count.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelSpec {
    pub dataset: String,
    pub columns: EventColumns,
    /// Event types, in order; at least two.
    pub steps: Vec<String>,
    /// The window from the first step, in seconds.
    pub window_seconds: i64,
    /// A column to split by.
    pub by: Option<String>,
    pub filter: Option<String>,
}

/// One step of a funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepResult {
    pub step: String,
    /// Users who reached this step.
    pub users: u64,
    /// Of those who reached the step before.
    pub from_previous: Option<f64>,
    /// Of those who did the first step.
    pub from_first: Option<f64>,
    /// Users who reached the step before but not this one.
    pub dropped: u64,
    /// Median time from the first step to this one, in seconds, over users who reached it.
    pub median_seconds: Option<f64>,
}

/// The funnel of all users or of one split value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelGroup {
    /// `None` for all users; otherwise the split value (`Some("")` where it is missing).
    pub key: Option<String>,
    pub steps: Vec<StepResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    pub steps: Vec<String>,
    pub window_seconds: i64,
    pub by: Option<String>,
    /// All users first, then each split value, largest first.
    pub groups: Vec<FunnelGroup>,
    pub skipped_rows: u64,
}

/// The deepest chain of one user: depth, step times, split value at its start.
struct Chain {
    depth: usize,
    times: Vec<i64>,
    key: Option<String>,
}

fn best_chain(events: &[&Event], steps: &[String], window_micros: i64) -> Option<Chain> {
    let mut best: Option<Chain> = None;
    for (i, start) in events.iter().enumerate() {
        if start.event != steps[0] {
            continue;
        }
        let deadline = start.micros.saturating_add(window_micros);
        let mut times = vec![start.micros];
        let mut at = i;
        for step in &steps[1..] {
            let next = events[at + 1..]
                .iter()
                .position(|e| e.micros > deadline || e.event == *step)
                .map(|p| at + 1 + p)
                .filter(|&j| events[j].micros <= deadline);
            match next {
                Some(j) => {
                    times.push(events[j].micros);
                    at = j;
                }
                None => break,
            }
        }
        if best.as_ref().is_none_or(|b| times.len() > b.depth) {
            let full = times.len() == steps.len();
            best = Some(Chain {
                depth: times.len(),
                times,
                key: start.by.clone(),
            });
            if full {
                break;
            }
        }
    }
    best
}

fn summarise(key: Option<String>, chains: &[&Chain], steps: &[String]) -> FunnelGroup {
    let reached = |k: usize| chains.iter().filter(|c| c.depth > k).count() as u64;
    let first = reached(0);
    let steps = steps
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let users = reached(k);
            let prev = if k == 0 { users } else { reached(k - 1) };
            let mut secs: Vec<f64> = chains
                .iter()
                .filter(|c| c.depth > k)
                .map(|c| (c.times[k] - c.times[0]) as f64 / 1e6)
                .collect();
            StepResult {
                step: name.clone(),
                users,
                from_previous: (prev > 0).then(|| users as f64 / prev as f64),
                from_first: (first > 0).then(|| users as f64 / first as f64),
                dropped: prev - users,
                median_seconds: median(&mut secs),
            }
        })
        .collect();
    FunnelGroup { key, steps }
}

/// The funnel of a list of events (any order).
pub fn funnel_of(
    events: &[Event],
    steps: &[String],
    window_seconds: i64,
    by: Option<&str>,
) -> Funnel {
    let mut per_user: HashMap<&str, Vec<&Event>> = HashMap::new();
    for e in events {
        per_user.entry(e.user.as_str()).or_default().push(e);
    }
    let window = window_seconds.saturating_mul(1_000_000);
    let mut chains: Vec<Chain> = per_user
        .into_values()
        .filter_map(|mut evs| {
            evs.sort_by_key(|e| e.micros);
            best_chain(&evs, steps, window)
        })
        .collect();
    chains.sort_by(|a, b| a.key.cmp(&b.key));
    let all: Vec<&Chain> = chains.iter().collect();
    let mut groups = vec![summarise(None, &all, steps)];
    if by.is_some() {
        let mut keyed: Vec<(String, Vec<&Chain>)> = Vec::new();
        for c in &chains {
            let k = c.key.clone().unwrap_or_default();
            match keyed.last_mut() {
                Some((last, v)) if *last == k => v.push(c),
                _ => keyed.push((k, vec![c])),
            }
        }
        keyed.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        groups.extend(
            keyed
                .into_iter()
                .map(|(k, v)| summarise(Some(k), &v, steps)),
        );
    }
    Funnel {
        steps: steps.to_vec(),
        window_seconds,
        by: by.map(str::to_string),
        groups,
        skipped_rows: 0,
    }
}

/// The funnel of an events dataset (a linked one is computed by its warehouse).
pub fn funnel(project: &Project, spec: &FunnelSpec) -> Result<Funnel> {
    if let Some(link) = crate::warehouse::link::linked(project, &spec.dataset)? {
        let rep = crate::progress::Reporter::silent();
        return Ok(crate::warehouse::funnel::funnel(&link, spec, &rep)?.0);
    }
    check(spec)?;
    funnel_of_dataset(project, spec)
}

/// What every funnel needs: two steps or more, and a window longer than zero.
pub fn check(spec: &FunnelSpec) -> Result<()> {
    if spec.steps.len() < 2 {
        return Err(Error::InvalidArgument(
            "a funnel needs at least two steps, e.g. page_view, add_to_cart, purchase".into(),
        ));
    }
    if spec.window_seconds <= 0 {
        return Err(Error::InvalidArgument(
            "the funnel's window must be longer than zero".into(),
        ));
    }
    Ok(())
}

/// The funnel of a local events dataset.
fn funnel_of_dataset(project: &Project, spec: &FunnelSpec) -> Result<Funnel> {
    let (evs, skipped) = events(
        project,
        &spec.dataset,
        &spec.columns,
        spec.by.as_deref(),
        spec.filter.as_deref(),
    )?;
    let known: std::collections::BTreeSet<&str> = evs.iter().map(|e| e.event.as_str()).collect();
    if let Some(missing) = spec.steps.iter().find(|s| !known.contains(s.as_str())) {
        let list: Vec<&str> = known.iter().take(20).copied().collect();
        return Err(Error::InvalidArgument(format!(
            "no event is called '{missing}'; the events are: {}",
            list.join(", ")
        )));
    }
    let mut f = funnel_of(&evs, &spec.steps, spec.window_seconds, spec.by.as_deref());
    f.skipped_rows = skipped;
    Ok(f)
}

impl Funnel {
    /// Writes one row per group and step (CSV or JSON, by extension).
    pub fn write(&self, path: &Path) -> Result<()> {
        let header = [
            "group",
            "step_number",
            "step",
            "users",
            "conversion_from_previous",
            "conversion_from_first",
            "dropped",
            "median_seconds_from_first",
        ];
        let rows: Vec<Vec<serde_json::Value>> = self
            .groups
            .iter()
            .flat_map(|g| {
                g.steps.iter().enumerate().map(move |(i, s)| {
                    vec![
                        g.key.clone().unwrap_or_else(|| "All".into()).into(),
                        (i + 1).into(),
                        s.step.clone().into(),
                        s.users.into(),
                        json_num(s.from_previous),
                        json_num(s.from_first),
                        s.dropped.into(),
                        json_num(s.median_seconds),
                    ]
                })
            })
            .collect();
        write_rows(path, &header, &rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(user: &str, time: &str, event: &str, by: &str) -> Event {
        Event {
            user: user.into(),
            micros: crate::frame::parse_stored_datetime(time).unwrap(),
            event: event.into(),
            by: Some(by.into()),
        }
    }

    #[test]
    fn a_hand_built_funnel() {
        let steps: Vec<String> = ["view", "cart", "buy"].map(String::from).to_vec();
        let e = vec![
            // a: all three within an hour.
            ev("a", "2024-01-01 10:00:00", "view", "web"),
            ev("a", "2024-01-01 10:10:00", "cart", "web"),
            ev("a", "2024-01-01 11:00:00", "buy", "web"),
            // b: cart before view does not count; view then cart; buy two days later (outside).
            ev("b", "2024-01-01 09:00:00", "cart", "app"),
            ev("b", "2024-01-01 09:05:00", "view", "app"),
            ev("b", "2024-01-01 09:06:00", "cart", "app"),
            ev("b", "2024-01-03 09:06:00", "buy", "app"),
            // c: views only.
            ev("c", "2024-01-01 12:00:00", "view", "web"),
            ev("c", "2024-01-02 12:00:00", "view", "web"),
            // d: a first view goes nowhere; a later view (on app) converts fully.
            ev("d", "2024-01-01 08:00:00", "view", "web"),
            ev("d", "2024-01-05 08:00:00", "view", "app"),
            ev("d", "2024-01-05 08:30:00", "cart", "app"),
            ev("d", "2024-01-05 09:00:00", "buy", "app"),
            // e: never views.
            ev("e", "2024-01-01 08:00:00", "buy", "web"),
        ];
        let f = funnel_of(&e, &steps, 86_400, Some("channel"));
        let all = &f.groups[0];
        assert_eq!(all.key, None);
        let users: Vec<u64> = all.steps.iter().map(|s| s.users).collect();
        assert_eq!(users, vec![4, 3, 2]);
        let dropped: Vec<u64> = all.steps.iter().map(|s| s.dropped).collect();
        assert_eq!(dropped, vec![0, 1, 1]);
        assert_eq!(all.steps[1].from_previous, Some(0.75));
        assert_eq!(all.steps[2].from_previous, Some(2.0 / 3.0));
        assert_eq!(all.steps[2].from_first, Some(0.5));
        // a: 1 h, d: 1 h from view to buy.
        assert_eq!(all.steps[2].median_seconds, Some(3600.0));
        // a: 10 min, b: 1 min, d: 30 min.
        assert_eq!(all.steps[1].median_seconds, Some(600.0));
        // Split by the channel of the chain's first event: app (b, d), web (a, c).
        let keys: Vec<Option<String>> = f.groups.iter().map(|g| g.key.clone()).collect();
        assert_eq!(keys, vec![None, Some("app".into()), Some("web".into())]);
        let app: Vec<u64> = f.groups[1].steps.iter().map(|s| s.users).collect();
        let web: Vec<u64> = f.groups[2].steps.iter().map(|s| s.users).collect();
        assert_eq!(app, vec![2, 2, 1]);
        assert_eq!(web, vec![2, 1, 1]);
        // A three-day window lets b finish too.
        let wide = funnel_of(&e, &steps, 3 * 86_400, None);
        assert_eq!(wide.groups[0].steps[2].users, 3);
        assert_eq!(wide.groups.len(), 1);
    }
}
