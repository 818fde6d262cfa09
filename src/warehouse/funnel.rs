//! Funnels of a linked events table, computed by its warehouse with window functions: only the
//! users and median times of each group and step cross the wire. The definitions are
//! [`crate::explore::funnel`]'s: a user's events in time order; from each first-step event, each
//! next step is the first later event of that type, all within the window from the first step;
//! the user's chain is the first deepest one, and the split value is its first event's.
//!
//! How it is found without comparing events pairwise: each event learns, from a window over the
//! user's later events, the position of the next event of each step (`n1`, `n2` …); a chain is
//! then one join per step, on (user, position). Events at the same instant are taken in the
//! order of the steps (locally, in the order of the rows).

use super::chart::Transfer;
use super::link::Link;
use super::secret::ConnUrl;
use super::source::{Used, trimmed_in};
use crate::dataset::Role;
use crate::explore::funnel::{Funnel, FunnelGroup, FunnelSpec, StepResult};
use crate::expr::Dialect;
use crate::progress::Reporter;
use crate::{Error, Result};
use std::collections::BTreeMap;

/// One group's step: the users who reached it, the median seconds from the first step.
type Cell = (u64, Option<f64>);

fn lit(s: &str, d: Dialect) -> String {
    d.string(s)
}

/// The query behind [`funnel_with`]: rows `known` (a step's event type that occurs), `skipped`
/// (rows without a user, time or event), and `step` (group key or none, step, users, median
/// seconds from the first step).
pub fn to_sql(link: &Link, spec: &FunnelSpec) -> Result<String> {
    let mut u = Used::new(link);
    let d = u.dialect();
    let spark = d == Dialect::Spark;
    let pick = |u: &mut Used<'_>, given: &Option<String>, role: Role| -> Result<String> {
        match given {
            Some(c) => u.col(c),
            None => u
                .role(role)
                .ok_or_else(|| crate::customers::columns::missing_role(&link.name, role)),
        }
    };
    let user = pick(&mut u, &spec.columns.user, Role::CustomerId)?;
    let time = pick(&mut u, &spec.columns.time, Role::Timestamp)?;
    let event = pick(&mut u, &spec.columns.event, Role::EventType)?;
    let by = spec.by.as_deref().map(|b| u.col(b)).transpose()?;
    let condition = u.condition(spec.filter.as_deref())?;
    let steps = &spec.steps;
    let n = steps.len();
    // Events at one instant: in the order of the steps, then the rest.
    let rank: String = steps
        .iter()
        .enumerate()
        .rev()
        .fold("999".to_string(), |acc, (k, s)| {
            format!("CASE WHEN ev = {} THEN {k} ELSE {acc} END", lit(s, d))
        });
    let nexts: Vec<String> = (1..n)
        .map(|k| {
            format!(
                "min(CASE WHEN ev = {} THEN i END) OVER w AS n{k}",
                lit(&steps[k], d)
            )
        })
        .collect();
    let micros = spec.window_seconds.saturating_mul(1_000_000);
    let within = |t: &str| match d {
        Dialect::Spark => format!("timestampadd(MICROSECOND, {micros}, {t})"),
        _ => format!("{t} + {micros} * interval '1 microsecond'"),
    };
    let mut chain_cols = vec![
        "e0.u".to_string(),
        "e0.b".into(),
        "e0.i AS i0".into(),
        "e0.ts AS t0".into(),
    ];
    let mut joins = String::new();
    for k in 1..n {
        chain_cols.push(format!("e{k}.ts AS t{k}"));
        joins.push_str(&format!(
            "\n  LEFT JOIN e AS e{k} ON e{k}.u = e0.u AND e{k}.i = e{p}.n{k} AND e{k}.ts <= {}",
            within("e0.ts"),
            p = k - 1
        ));
    }
    let depth: String = (1..n)
        .map(|k| format!(" + (CASE WHEN t{k} IS NULL THEN 0 ELSE 1 END)"))
        .collect();
    let secs: String = (0..n)
        .map(|k| match d {
            Dialect::Spark => {
                format!(
                    " WHEN {k} THEN CAST(unix_micros(t{k}) - unix_micros(t0) AS DOUBLE) / 1000000"
                )
            }
            _ => format!(" WHEN {k} THEN CAST(extract(epoch FROM t{k} - t0) AS double precision)"),
        })
        .collect();
    let tx = d.text();
    let b = by.as_deref().map_or(format!("CAST(NULL AS {tx})"), |b| {
        format!("CAST(t.{b} AS {tx})")
    });
    let best = if spark {
        "best AS (SELECT * FROM (SELECT d.*, row_number() OVER (PARTITION BY u ORDER BY depth DESC, i0) AS loupe_rn FROM (SELECT c.*, 1{depth} AS depth FROM c) AS d) AS z WHERE loupe_rn = 1)"
    } else {
        "best AS (SELECT DISTINCT ON (u) * FROM (SELECT c.*, 1{depth} AS depth FROM c) AS d ORDER BY u, depth DESC, i0)"
    }
    .replace("{depth}", &depth);
    let series = if spark {
        format!("(SELECT CAST(id AS INT) AS k FROM range(0, {n})) AS ks")
    } else {
        format!("generate_series(0, {}) AS k", n - 1)
    };
    let (u_sql, ev_sql) = (
        trimmed_in(&format!("t.{user}"), d),
        trimmed_in(&format!("t.{event}"), d),
    );
    Ok(format!(
        "WITH x AS (
  SELECT {u} AS u, CAST(t.{time} AS timestamp) AS ts, {ev} AS ev, {b} AS b, ({condition}) AS keep
  FROM {from}),
y AS (SELECT u, ts, ev, b FROM x WHERE keep AND u IS NOT NULL AND ts IS NOT NULL AND ev IS NOT NULL),
o AS (SELECT y.*, row_number() OVER (PARTITION BY u ORDER BY ts, {rank}) AS i FROM y),
e AS (SELECT o.*{nexts} FROM o
  WINDOW w AS (PARTITION BY u ORDER BY i DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
c AS (SELECT {chain_cols}
  FROM e AS e0{joins}
  WHERE e0.ev = {s0}),
{best},
s AS (SELECT coalesce(b, '') AS key, k, CASE k{secs} END AS secs
  FROM best CROSS JOIN {series} WHERE depth > k)
SELECT 'step', CASE WHEN grouping(key) = 1 THEN NULL ELSE key END, CAST(k AS {tx}), CAST(count(*) AS {tx}),
       CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS {tx})
FROM s GROUP BY GROUPING SETS ((k), (key, k))
UNION ALL
SELECT 'known', ev, NULL, NULL, NULL FROM y WHERE ev IN ({list}) GROUP BY ev
UNION ALL
SELECT 'skipped', NULL, NULL, CAST(count(*) AS {tx}), NULL FROM x
  WHERE keep AND (u IS NULL OR ts IS NULL OR ev IS NULL)",
        u = u_sql,
        ev = ev_sql,
        from = u.from("t"),
        nexts = nexts.iter().map(|x| format!(", {x}")).collect::<String>(),
        chain_cols = chain_cols.join(", "),
        s0 = lit(&steps[0], d),
        list = steps
            .iter()
            .map(|s| lit(s, d))
            .collect::<Vec<_>>()
            .join(", "),
    ))
}

/// The funnel of a linked events table, with the URL in the link's variable.
pub fn funnel(link: &Link, spec: &FunnelSpec, rep: &Reporter) -> Result<(Funnel, Transfer)> {
    let url = ConnUrl::from_env(&link.url_env, &format!("dataset '{}'", link.name))?;
    funnel_with(link, spec, &url, rep)
}

/// The funnel of a linked events table, computed by its warehouse.
pub fn funnel_with(
    link: &Link,
    spec: &FunnelSpec,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(Funnel, Transfer)> {
    crate::explore::funnel::check(spec)?;
    let sql = to_sql(link, spec)?;
    let (rows, transfer) = link.run(url, &sql, rep)?;
    let context = link.context();
    let bad = |what: &str| {
        Error::Warehouse(format!(
            "{context}: the warehouse returned a funnel row Loupe cannot read ({what})"
        ))
    };
    let n = spec.steps.len();
    // group key (None: all users) → users and median per step
    let mut cells: BTreeMap<Option<String>, Vec<Cell>> = BTreeMap::new();
    let mut known: Vec<String> = Vec::new();
    let mut skipped = 0;
    for r in &rows.rows {
        if r.len() != 5 {
            return Err(bad("not five columns"));
        }
        let num = |i: usize| -> Result<u64> {
            let v = r[i].as_deref().unwrap_or("0");
            v.parse().map_err(|_| bad(v))
        };
        match r[0].as_deref() {
            Some("step") => {
                let k = num(2)? as usize;
                if k >= n {
                    return Err(bad("a step past the last"));
                }
                let median = r[4]
                    .as_deref()
                    .map(|v| v.parse::<f64>().map_err(|_| bad(v)))
                    .transpose()?;
                cells
                    .entry(r[1].clone())
                    .or_insert_with(|| vec![(0, None); n])[k] = (num(3)?, median);
            }
            Some("known") => known.extend(r[1].clone()),
            Some("skipped") => skipped = num(3)?,
            other => return Err(bad(other.unwrap_or("no kind"))),
        }
    }
    if let Some(missing) = spec.steps.iter().find(|s| !known.contains(s)) {
        return Err(Error::InvalidArgument(format!(
            "no event is called '{missing}' in linked dataset '{}'",
            link.name
        )));
    }
    let group = |key: Option<String>, counts: &[Cell]| -> FunnelGroup {
        let first = counts.first().map_or(0, |c| c.0);
        let steps = spec
            .steps
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let users = counts[k].0;
                let prev = if k == 0 { users } else { counts[k - 1].0 };
                StepResult {
                    step: name.clone(),
                    users,
                    from_previous: (prev > 0).then(|| users as f64 / prev as f64),
                    from_first: (first > 0).then(|| users as f64 / first as f64),
                    dropped: prev.saturating_sub(users),
                    median_seconds: counts[k].1,
                }
            })
            .collect();
        FunnelGroup { key, steps }
    };
    let all = cells.remove(&None).unwrap_or_else(|| vec![(0, None); n]);
    let mut groups = vec![group(None, &all)];
    if spec.by.is_some() {
        let mut keyed: Vec<(String, Vec<Cell>)> = cells
            .into_iter()
            .filter_map(|(k, v)| Some((k?, v)))
            .collect();
        // Largest first, then by key.
        keyed.sort_by(|a, b| b.1[0].0.cmp(&a.1[0].0).then_with(|| a.0.cmp(&b.0)));
        groups.extend(keyed.into_iter().map(|(k, v)| group(Some(k), &v)));
    }
    Ok((
        Funnel {
            steps: spec.steps.clone(),
            window_seconds: spec.window_seconds,
            by: spec.by.clone(),
            groups,
            skipped_rows: skipped,
        },
        transfer,
    ))
}
