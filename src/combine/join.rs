//! Joins: the left dataset's rows with the right dataset's columns, matched on a key; or, with
//! aggregates, the right side summed (counted, …) per key first, so each left row gets one value.

use super::{Names, OutColumn, Shape, column, count};
use crate::dataset::{ColumnType, Role};
use crate::error::{Error, Result};
use crate::import::roles::fits;
use crate::store::{Project, quote_ident};
use serde::{Deserialize, Serialize};

/// Which left rows a join keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Only left rows whose key is found on the right.
    Inner,
    /// Every left row; right columns empty where the key is not found.
    #[default]
    Left,
}

impl std::str::FromStr for How {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "inner" => Ok(How::Inner),
            "left" => Ok(How::Left),
            _ => Err(format!("unknown join '{s}'; use inner or left")),
        }
    }
}

impl How {
    fn sql(self) -> &'static str {
        match self {
            How::Inner => "JOIN",
            How::Left => "LEFT JOIN",
        }
    }
}

/// A function applied to the right side per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggFn {
    Sum,
    Count,
    Mean,
    Min,
    Max,
}

impl AggFn {
    pub fn name(self) -> &'static str {
        match self {
            AggFn::Sum => "sum",
            AggFn::Count => "count",
            AggFn::Mean => "mean",
            AggFn::Min => "min",
            AggFn::Max => "max",
        }
    }
}

/// `sum:payment_value`: a function of a right column, per key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    #[serde(rename = "fn")]
    pub func: AggFn,
    pub column: String,
}

impl std::str::FromStr for Aggregate {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (f, c) = s.split_once(':').ok_or_else(|| {
            format!("'{s}' should look like FUNCTION:COLUMN, e.g. sum:payment_value")
        })?;
        let func = match f.trim() {
            "sum" => AggFn::Sum,
            "count" => AggFn::Count,
            "mean" | "avg" => AggFn::Mean,
            "min" => AggFn::Min,
            "max" => AggFn::Max,
            other => {
                return Err(format!(
                    "unknown function '{other}' in '{s}'; use sum, count, mean, min or max"
                ));
            }
        };
        let column = c.trim().to_string();
        if column.is_empty() {
            return Err(format!("'{s}' names no column"));
        }
        Ok(Aggregate { func, column })
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A join of two datasets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinSpec {
    pub left: String,
    pub right: String,
    pub left_key: String,
    pub right_key: String,
    #[serde(default)]
    pub how: How,
    /// When not empty: the right side per key, these functions of its columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aggregate: Vec<Aggregate>,
    /// Allow a key found several times on the right to repeat left rows.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_many: bool,
}

impl JoinSpec {
    pub fn describe(&self) -> String {
        let on = if self.left_key == self.right_key {
            self.left_key.clone()
        } else {
            format!("{} = {}", self.left_key, self.right_key)
        };
        let how = match self.how {
            How::Inner => "inner",
            How::Left => "left",
        };
        if self.aggregate.is_empty() {
            format!("{how} join of {} and {} on {on}", self.left, self.right)
        } else {
            let aggs = self
                .aggregate
                .iter()
                .map(|a| format!("{}({})", a.func.name(), a.column))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{how} join of {} and {aggs} of {} per {on}",
                self.left, self.right
            )
        }
    }
}

/// What a join will make, counted before it runs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JoinPlan {
    pub left_rows: u64,
    pub right_rows: u64,
    /// Distinct non-empty keys on the right.
    pub right_keys: u64,
    /// Right keys found on more than one row.
    pub duplicated_keys: u64,
    /// The most rows one right key has.
    pub max_rows_per_key: u64,
    /// Left rows whose key is found on the right.
    pub left_rows_matched: u64,
    /// Left rows without a key (never matched).
    pub left_rows_without_key: u64,
    /// The rows the join makes.
    pub rows_out: u64,
    /// Whether some left row would be repeated (a key found several times on the right, without
    /// aggregation).
    pub multiplies: bool,
    /// The output's columns, in order.
    pub columns: Vec<String>,
    /// Right columns renamed because their name was taken: (right column, new name).
    pub renamed: Vec<(String, String)>,
}

/// Counts what the join will make, without writing anything.
pub fn plan_join(project: &Project, j: &JoinSpec) -> Result<JoinPlan> {
    let conn = project.conn();
    let left = project.dataset(&j.left)?;
    let right = project.dataset(&j.right)?;
    let lk = quote_ident(&column(&left, &j.left_key)?.name);
    let rk = quote_ident(&column(&right, &j.right_key)?.name);
    let (l, r) = (quote_ident(&left.name), quote_ident(&right.name));
    let per_key =
        format!("SELECT {rk} AS k, count(*) AS n FROM {r} WHERE {rk} IS NOT NULL GROUP BY {rk}");
    let (right_keys, duplicated_keys, max_rows_per_key): (i64, i64, i64) = conn
        .query_row(
            &format!(
                "SELECT count(*), coalesce(sum(n > 1), 0), coalesce(max(n), 0) FROM ({per_key})"
            ),
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .map_err(|e| Error::Query(e.to_string()))?;
    let (matched, inner_rows): (i64, i64) = conn
        .query_row(
            &format!(
                "SELECT count(*), coalesce(sum(rc.n), 0) FROM {l} AS l JOIN ({per_key}) AS rc ON l.{lk} = rc.k"
            ),
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .map_err(|e| Error::Query(e.to_string()))?;
    let without_key = count(
        conn,
        &format!("SELECT count(*) FROM {l} WHERE {lk} IS NULL"),
    )?;
    let (matched, inner_rows) = (matched.max(0) as u64, inner_rows.max(0) as u64);
    let left_rows = left.rows;
    let unmatched = left_rows.saturating_sub(matched);
    let aggregated = !j.aggregate.is_empty();
    let rows_out = match (aggregated, j.how) {
        (true, How::Inner) => matched,
        (true, How::Left) => left_rows,
        (false, How::Inner) => inner_rows,
        (false, How::Left) => inner_rows + unmatched,
    };
    let shape = columns(project, j)?;
    Ok(JoinPlan {
        left_rows,
        right_rows: right.rows,
        right_keys: right_keys.max(0) as u64,
        duplicated_keys: duplicated_keys.max(0) as u64,
        max_rows_per_key: max_rows_per_key.max(0) as u64,
        left_rows_matched: matched,
        left_rows_without_key: without_key,
        rows_out,
        multiplies: !aggregated && inner_rows > matched,
        columns: shape.0.iter().map(|c| c.name.clone()).collect(),
        renamed: shape.1,
    })
}

/// The output columns and the renamed right columns.
#[allow(clippy::type_complexity)]
fn columns(project: &Project, j: &JoinSpec) -> Result<(Vec<OutColumn>, Vec<(String, String)>)> {
    let left = project.dataset(&j.left)?;
    let right = project.dataset(&j.right)?;
    let right_key = column(&right, &j.right_key)?.name.clone();
    column(&left, &j.left_key)?;
    let mut names = Names::default();
    let mut out: Vec<OutColumn> = Vec::new();
    let mut renamed = vec![];
    for c in &left.columns {
        names.claim(&c.name, &right.name);
        out.push(OutColumn {
            name: c.name.clone(),
            ty: c.ty,
            role: c.role,
            role_source: c.role_source,
            sql: format!("l.{}", quote_ident(&c.name)),
        });
    }
    let role_free = |out: &[OutColumn], r: Role| out.iter().all(|c| c.role != Some(r));
    if j.aggregate.is_empty() {
        for c in right.columns.iter().filter(|c| c.name != right_key) {
            let name = names.claim(&c.name, &right.name);
            if name != c.name {
                renamed.push((c.name.clone(), name.clone()));
            }
            let role = c.role.filter(|r| role_free(&out, *r));
            out.push(OutColumn {
                name,
                ty: c.ty,
                role,
                role_source: c.role_source,
                sql: format!("r.{}", quote_ident(&c.name)),
            });
        }
    } else {
        for (i, a) in j.aggregate.iter().enumerate() {
            let c = column(&right, &a.column)?;
            if matches!(a.func, AggFn::Sum | AggFn::Mean) && !c.ty.is_numeric() {
                return Err(Error::InvalidArgument(format!(
                    "cannot take the {} of '{}' in '{}': its values are {}, not numbers",
                    a.func.name(),
                    c.name,
                    right.name,
                    c.ty
                )));
            }
            let ty = match a.func {
                AggFn::Count => ColumnType::Integer,
                AggFn::Mean => ColumnType::Float,
                AggFn::Sum | AggFn::Min | AggFn::Max => c.ty,
            };
            // A sum or extreme of money stays money; a count is a number of rows.
            let role = match a.func {
                AggFn::Sum => c
                    .role
                    .filter(|r| matches!(r, Role::Amount | Role::Quantity)),
                AggFn::Min | AggFn::Max => c.role,
                AggFn::Count | AggFn::Mean => None,
            }
            .filter(|r| role_free(&out, *r) && fits(*r, ty));
            let name = names.claim(&format!("{}_{}", c.name, a.func.name()), &right.name);
            out.push(OutColumn {
                name,
                ty,
                role,
                role_source: c.role_source,
                sql: format!("r.a{i}"),
            });
        }
    }
    Ok((out, renamed))
}

/// The columns and the `SELECT` of the join.
pub(crate) fn shape(project: &Project, j: &JoinSpec) -> Result<Shape> {
    let left = project.dataset(&j.left)?;
    let right = project.dataset(&j.right)?;
    let lk = quote_ident(&column(&left, &j.left_key)?.name);
    let rk = quote_ident(&column(&right, &j.right_key)?.name);
    let (cols, _) = columns(project, j)?;
    let select_list = cols
        .iter()
        .map(|c| c.sql.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let (l, r) = (quote_ident(&left.name), quote_ident(&right.name));
    let select = if j.aggregate.is_empty() {
        format!(
            "SELECT {select_list} FROM {l} AS l {} {r} AS r ON l.{lk} = r.{rk} ORDER BY l.rowid, r.rowid",
            j.how.sql()
        )
    } else {
        let aggs = j
            .aggregate
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let c = quote_ident(&column(&right, &a.column)?.name);
                let f = match a.func {
                    AggFn::Sum => format!("sum({c})"),
                    AggFn::Count => format!("count({c})"),
                    AggFn::Mean => format!("avg({c})"),
                    AggFn::Min => format!("min({c})"),
                    AggFn::Max => format!("max({c})"),
                };
                Ok(format!("{f} AS a{i}"))
            })
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        format!(
            "SELECT {select_list} FROM {l} AS l {} (SELECT {rk} AS k, {aggs} FROM {r} WHERE {rk} IS NOT NULL GROUP BY {rk}) AS r ON l.{lk} = r.k ORDER BY l.rowid",
            j.how.sql()
        )
    };
    Ok(Shape {
        columns: cols,
        selects: vec![select],
    })
}
