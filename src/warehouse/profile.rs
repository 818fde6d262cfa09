//! The quality report of a linked table ([`crate::clean::QualityReport`]), counted by its
//! warehouse in one query: rows, exact and key duplicates, and per column the missing, distinct,
//! untrimmed values and the outliers (interquartile fences and three standard deviations), as
//! the local report defines them; findings for those counts, the user's rules, non-positive
//! quantities and prices, and dates after today, each with the PostgreSQL condition that selects
//! its rows. Only the counts cross the wire.
//!
//! Distinct counts are exact: PostgreSQL has no approximate distinct count built in. What the
//! local report finds by reading the values (spelling variants, Online Retail's cancellation
//! ids) is not looked for; a warehouse's columns hold their type, so no value is invalid. A
//! linked table is not cleaned by Loupe, so no finding suggests a recipe step.

use super::chart::Transfer;
use super::link::Link;
use super::secret::ConnUrl;
use super::source::Used;
use crate::clean::{ColumnQuality, Finding, FindingKind, Fix, QualityReport, ReportOptions, Why};
use crate::dataset::{ColumnType, Role};
use crate::progress::Reporter;
use crate::{Error, Result};

/// The query's output columns, named, as SQL over the table `t` (and, for outliers, the
/// statistics `s`).
struct Query {
    /// Aggregates in the first pass.
    first: Vec<String>,
    /// Aggregates in the second pass, which may read the first's results as `s.kN`.
    second: Vec<String>,
}

impl Query {
    fn first(&mut self, e: String) -> usize {
        self.first.push(e);
        self.first.len() - 1
    }
    fn second(&mut self, e: String) -> String {
        self.second.push(e);
        format!("o{}", self.second.len() - 1)
    }
}

/// Where each column's numbers are in the output.
struct ColumnSlots {
    missing: usize,
    distinct: usize,
    untrimmed: Option<usize>,
    /// n, q1, q3, mean, mean of squares; the outlier counts in the second pass.
    numbers: Option<([usize; 5], String, String)>,
    non_positive: Option<(FindingKind, Why, String)>,
    future: Option<String>,
}

/// The condition, in PostgreSQL, that a column's value is missing: NULL, or text that is empty
/// or only spaces (SQLite's `trim` and PostgreSQL's `btrim` both take spaces only).
fn missing_where(q: &str, ty: ColumnType) -> String {
    if ty == ColumnType::Text {
        format!("{q} IS NULL OR btrim({q}) = ''")
    } else {
        format!("{q} IS NULL")
    }
}

/// The query behind [`quality_report_with`], and what each output column is.
fn to_sql(
    link: &Link,
    opts: &ReportOptions,
    today: &str,
) -> Result<(String, Vec<ColumnSlots>, Vec<String>, usize)> {
    let mut u = Used::new(link);
    let d = u.dialect();
    let tx = d.text();
    let mut query = Query {
        first: vec!["count(*)".into()],
        second: Vec::new(),
    };
    let mut slots = Vec::new();
    let mut rule_conditions = Vec::new();
    for rule in &opts.rules {
        let cond = u.condition(Some(rule)).map_err(|e| {
            Error::InvalidArgument(format!("the rule '{rule}' cannot be checked: {e}"))
        })?;
        let k = query.first(format!(
            "count(*) FILTER (WHERE NOT coalesce(({cond}), false))"
        ));
        rule_conditions.push((k, format!("NOT coalesce(({cond}), false)")));
    }
    for c in &link.columns {
        let q = u.col(&c.name)?;
        let q = format!("t.{q}");
        let missing = query.first(format!(
            "count(*) FILTER (WHERE {})",
            missing_where(&q, c.ty)
        ));
        let distinct = query.first(format!("count(DISTINCT {q})"));
        let untrimmed = (c.ty == ColumnType::Text)
            .then(|| query.first(format!("count(*) FILTER (WHERE {q} <> btrim({q}))")));
        let numbers = c.ty.is_numeric().then(|| {
            let x = format!("CAST({q} AS {})", d.double());
            let k = [
                query.first(format!("count({x})")),
                query.first(format!("percentile_cont(0.25) WITHIN GROUP (ORDER BY {x})")),
                query.first(format!("percentile_cont(0.75) WITHIN GROUP (ORDER BY {x})")),
                query.first(format!("avg({x})")),
                query.first(format!("avg({x} * {x})")),
            ];
            let (q1, q3, mean, sq) = (
                format!("s.k{}", k[1]),
                format!("s.k{}", k[2]),
                format!("s.k{}", k[3]),
                format!("s.k{}", k[4]),
            );
            let iqr = format!("({q3} - {q1})");
            let iqr_out = query.second(format!(
                "count(*) FILTER (WHERE {x} < {q1} - 1.5 * {iqr} OR {x} > {q3} + 1.5 * {iqr})"
            ));
            let sd = format!("sqrt(greatest({sq} - {mean} * {mean}, 0))");
            let z_out = query.second(format!(
                "count(*) FILTER (WHERE {sd} > 0 AND abs({x} - {mean}) > 3 * {sd})"
            ));
            (k, iqr_out, z_out)
        });
        let name = c.name.to_lowercase();
        let non_positive = if !c.ty.is_numeric() {
            None
        } else if c.role == Some(Role::Quantity) || name.contains("quantity") || name == "qty" {
            Some((FindingKind::NonPositiveQuantity, Why::NonPositiveQuantity))
        } else if matches!(c.role, Some(Role::UnitPrice | Role::Amount)) || name.contains("price") {
            Some((FindingKind::NonPositivePrice, Why::NonPositivePrice))
        } else {
            None
        }
        .map(|(kind, why)| {
            let k = query.first(format!("count(*) FILTER (WHERE {q} <= 0)"));
            (kind, why, format!("k{k}"))
        });
        let future = c.ty.is_temporal().then(|| {
            let k = query.first(format!(
                "count(*) FILTER (WHERE CAST({q} AS date) > DATE '{today}')"
            ));
            format!("k{k}")
        });
        slots.push(ColumnSlots {
            missing,
            distinct,
            untrimmed,
            numbers,
            non_positive,
            future,
        });
    }
    let all: Vec<String> = link.columns.iter().map(|c| d.quote(&c.name)).collect();
    let dup_key = |cols: &[String]| -> String {
        format!(
            "(SELECT count(*) FROM (SELECT DISTINCT {} FROM {}) AS d)",
            cols.join(", "),
            link.table.sql_in(d)
        )
    };
    let mut key = Vec::new();
    for k in &opts.key {
        u.col(k)?;
        key.push(d.quote(k));
    }
    let first: Vec<String> = query
        .first
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{e} AS k{i}"))
        .collect();
    let second: Vec<String> = query
        .second
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{e} AS o{i}"))
        .collect();
    let mut out: Vec<String> = (0..query.first.len())
        .map(|i| format!("CAST(s.k{i} AS {tx})"))
        .collect();
    out.extend((0..query.second.len()).map(|i| format!("CAST(o.o{i} AS {tx})")));
    out.push(format!("CAST({} AS {tx})", dup_key(&all)));
    out.push(if key.is_empty() {
        format!("CAST(NULL AS {tx})")
    } else {
        format!("CAST({} AS {tx})", dup_key(&key))
    });
    let second_pass = if second.is_empty() {
        "(SELECT 1 AS one) AS o".to_string()
    } else {
        format!(
            "(SELECT {} FROM {} CROSS JOIN s) AS o",
            second.join(", "),
            u.from("t")
        )
    };
    let sql = format!(
        "WITH s AS (SELECT {} FROM {})\nSELECT {}\nFROM s CROSS JOIN {second_pass}",
        first.join(", "),
        u.from("t"),
        out.join(", ")
    );
    let rules = rule_conditions.into_iter().map(|(_, c)| c).collect();
    Ok((sql, slots, rules, query.first.len()))
}

/// The quality report of a linked table, with the URL in the link's variable.
pub fn quality_report(
    link: &Link,
    opts: &ReportOptions,
    rep: &Reporter,
) -> Result<(QualityReport, Transfer)> {
    let url = ConnUrl::from_env(&link.url_env, &format!("dataset '{}'", link.name))?;
    quality_report_with(link, opts, &url, rep)
}

/// The quality report of a linked table, counted by its warehouse.
pub fn quality_report_with(
    link: &Link,
    opts: &ReportOptions,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(QualityReport, Transfer)> {
    let today = opts
        .today
        .clone()
        .unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
    if chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").is_err() {
        return Err(Error::InvalidArgument(format!(
            "'{today}' is not a day; write it as YYYY-MM-DD"
        )));
    }
    let (sql, slots, rules, n_first) = to_sql(link, opts, &today)?;
    let (rows, transfer) = link.run(url, &sql, rep)?;
    let context = link.context();
    let bad = |what: &str| {
        Error::Warehouse(format!(
            "{context}: the warehouse returned a profile Loupe cannot read ({what})"
        ))
    };
    let row = rows.rows.first().ok_or_else(|| bad("no row"))?;
    let int_at = |i: usize| -> Result<u64> {
        let v = row.get(i).and_then(|v| v.as_deref()).unwrap_or("0");
        v.parse().map_err(|_| bad(v))
    };
    let float_at = |i: usize| -> Result<Option<f64>> {
        row.get(i)
            .and_then(|v| v.as_deref())
            .map(|v| v.parse::<f64>().map_err(|_| bad(v)))
            .transpose()
    };
    let named = |name: &str| -> Result<u64> {
        let i: usize = name[1..].parse().map_err(|_| bad(name))?;
        int_at(if name.starts_with('o') {
            n_first + i
        } else {
            i
        })
    };
    let total = int_at(0)?;
    let last = row.len();
    let distinct_rows = int_at(last - 2)?;
    let key_groups = row[last - 1]
        .as_deref()
        .map(|v| v.parse::<u64>().map_err(|_| bad(v)))
        .transpose()?;
    let mut findings = Vec::new();
    let mut push =
        |kind, column: Option<&str>, count: u64, rows_where: String, fixes: &[Fix], why| {
            if count > 0 {
                findings.push(Finding {
                    kind,
                    column: column.map(str::to_string),
                    count,
                    rows_where,
                    fixes: fixes.to_vec(),
                    suggested: None,
                    why,
                });
            }
        };
    // The conditions shown are in the warehouse's dialect.
    let d = link.engine.dialect();
    let all: Vec<String> = link.columns.iter().map(|c| d.quote(&c.name)).collect();
    push(
        FindingKind::ExactDuplicates,
        None,
        total.saturating_sub(distinct_rows),
        format!("a row equal in ({}) to another", all.join(", ")),
        &[Fix::RemoveExactDuplicates],
        Why::ExactDuplicates,
    );
    if let Some(groups) = key_groups {
        let key = opts.key.join(", ");
        push(
            FindingKind::KeyDuplicates,
            Some(&key),
            total.saturating_sub(groups),
            format!("a row equal in ({key}) to another"),
            &[Fix::RemoveKeyDuplicates],
            Why::KeyDuplicates { key: key.clone() },
        );
    }
    for (k, (rule, cond)) in opts.rules.iter().zip(&rules).enumerate() {
        push(
            FindingKind::RuleFailed,
            None,
            int_at(1 + k)?,
            cond.clone(),
            &[Fix::DropRows],
            Why::RuleFailed { rule: rule.clone() },
        );
    }
    let mut columns = Vec::with_capacity(slots.len());
    for (c, s) in link.columns.iter().zip(&slots) {
        let q = d.quote(&c.name);
        let missing = int_at(s.missing)?;
        let why_missing = match c.role {
            Some(role) => Why::MissingWithRole { role },
            None if c.ty.is_numeric() => Why::MissingNumber,
            None if c.ty == ColumnType::Text => Why::MissingText,
            None => Why::MissingOther,
        };
        push(
            FindingKind::Missing,
            Some(&c.name),
            missing,
            missing_where(&q, c.ty),
            &[Fix::DropRows, Fix::FillMissing],
            why_missing,
        );
        let untrimmed = s.untrimmed.map(int_at).transpose()?.unwrap_or(0);
        push(
            FindingKind::Untrimmed,
            Some(&c.name),
            untrimmed,
            format!("{q} <> btrim({q})"),
            &[Fix::TrimWhitespace],
            Why::Untrimmed,
        );
        let (mut outliers_iqr, mut outliers_z) = (None, None);
        if let Some((k, iqr_out, z_out)) = &s.numbers
            && int_at(k[0])? >= 4
        {
            let iqr = named(iqr_out)?;
            outliers_iqr = Some(iqr);
            outliers_z = Some(named(z_out)?);
            let (q1, q3) = (
                float_at(k[1])?.unwrap_or(f64::NAN),
                float_at(k[2])?.unwrap_or(f64::NAN),
            );
            let (lo, hi) = (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1));
            push(
                FindingKind::Outliers,
                Some(&c.name),
                iqr,
                format!("{q} < {lo:?} OR {q} > {hi:?}"),
                &[Fix::ClipOutliers],
                Why::Outliers { low: lo, high: hi },
            );
        }
        if let Some((kind, why, slot)) = &s.non_positive {
            push(
                *kind,
                Some(&c.name),
                named(slot)?,
                format!("{q} <= 0"),
                &[Fix::DropRows],
                why.clone(),
            );
        }
        if let Some(slot) = &s.future {
            push(
                FindingKind::FutureDates,
                Some(&c.name),
                named(slot)?,
                format!("CAST({q} AS date) > DATE '{today}'"),
                &[Fix::DropRows],
                Why::FutureDates {
                    today: today.clone(),
                },
            );
        }
        columns.push(ColumnQuality {
            name: c.name.clone(),
            ty: c.ty,
            role: c.role,
            missing,
            distinct: int_at(s.distinct)?,
            invalid: 0,
            untrimmed,
            outliers_iqr,
            outliers_z,
            variants: Vec::new(),
        });
    }
    rep.check()?;
    Ok((
        QualityReport {
            dataset: link.name.clone(),
            rows: total,
            exact_duplicate_rows: total.saturating_sub(distinct_rows),
            columns,
            findings,
        },
        transfer,
    ))
}
