//! Appends: the rows of several datasets one after another, columns matched by name (as SQLite
//! compares names, ignoring ASCII case), with a `source` column naming each row's dataset.
//!
//! Types are reconciled: the same type stays; integers and floats become floats; dates and
//! datetimes become datetimes (a date is midnight); anything else becomes text.

use super::{Names, OutColumn, Shape, column};
use crate::dataset::{ColumnType, Role, RoleSource};
use crate::error::{Error, Result};
use crate::import::roles::fits;
use crate::store::{Project, quote_ident};
use serde::{Deserialize, Serialize};

/// An append of datasets, in this order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppendSpec {
    pub datasets: Vec<String>,
}

/// One column of an append.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AppendColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// The datasets without this column (their rows leave it empty).
    pub missing_in: Vec<String>,
    /// Types that differed and were reconciled into `ty`.
    pub reconciled_from: Vec<ColumnType>,
}

/// What an append will make.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AppendPlan {
    /// Rows per dataset, in order.
    pub rows: Vec<(String, u64)>,
    pub rows_out: u64,
    pub columns: Vec<AppendColumn>,
    /// The column that names each row's dataset.
    pub source_column: String,
}

/// The type two types reconcile into.
fn reconcile(a: ColumnType, b: ColumnType) -> ColumnType {
    use ColumnType::*;
    match (a, b) {
        (x, y) if x == y => x,
        (Integer, Float) | (Float, Integer) => Float,
        (Date, Datetime) | (Datetime, Date) => Datetime,
        _ => Text,
    }
}

struct Merged {
    name: String,
    ty: ColumnType,
    types: Vec<ColumnType>,
    role: Option<(Role, Option<RoleSource>)>,
    /// Per dataset: its column of this name.
    present: Vec<Option<(String, ColumnType)>>,
}

/// The merged columns, the rows per dataset, and the name of the source column.
type MergedColumns = (Vec<Merged>, Vec<(String, u64)>, String);

fn merge(project: &Project, a: &AppendSpec) -> Result<MergedColumns> {
    if a.datasets.len() < 2 {
        return Err(Error::InvalidArgument(
            "an append needs at least two datasets".into(),
        ));
    }
    let infos = a
        .datasets
        .iter()
        .map(|d| project.dataset(d))
        .collect::<Result<Vec<_>>>()?;
    for (i, d) in infos.iter().enumerate() {
        if infos[..i].iter().any(|o| o.name == d.name) {
            return Err(Error::InvalidArgument(format!(
                "'{}' is named twice in the append",
                d.name
            )));
        }
    }
    let n = infos.len();
    let mut merged: Vec<Merged> = vec![];
    for (k, info) in infos.iter().enumerate() {
        for c in &info.columns {
            let m = match merged
                .iter_mut()
                .position(|m| m.name.eq_ignore_ascii_case(&c.name))
            {
                Some(p) => &mut merged[p],
                None => {
                    merged.push(Merged {
                        name: c.name.clone(),
                        ty: c.ty,
                        types: vec![],
                        role: None,
                        present: vec![None; n],
                    });
                    let last = merged.len() - 1;
                    &mut merged[last]
                }
            };
            m.ty = if m.types.is_empty() {
                c.ty
            } else {
                reconcile(m.ty, c.ty)
            };
            if !m.types.contains(&c.ty) {
                m.types.push(c.ty);
            }
            if m.role.is_none()
                && let Some(r) = c.role
            {
                m.role = Some((r, c.role_source));
            }
            m.present[k] = Some((c.name.clone(), c.ty));
        }
    }
    // A role stays where the reconciled type still fits it, once per dataset.
    let mut taken: Vec<Role> = vec![];
    for m in &mut merged {
        m.role = m.role.filter(|(r, _)| fits(*r, m.ty) && !taken.contains(r));
        if let Some((r, _)) = m.role {
            taken.push(r);
        }
    }
    let mut names = Names::default();
    for m in &merged {
        names.claim(&m.name, "");
    }
    let source = if names.taken("source") {
        names.claim("source_dataset", "2")
    } else {
        names.claim("source", "")
    };
    let rows = infos.iter().map(|i| (i.name.clone(), i.rows)).collect();
    Ok((merged, rows, source))
}

/// Counts what the append will make, without writing anything.
pub fn plan_append(project: &Project, a: &AppendSpec) -> Result<AppendPlan> {
    let (merged, rows, source_column) = merge(project, a)?;
    Ok(AppendPlan {
        rows_out: rows.iter().map(|r: &(String, u64)| r.1).sum(),
        rows,
        columns: merged
            .iter()
            .map(|m| AppendColumn {
                name: m.name.clone(),
                ty: m.ty,
                missing_in: m
                    .present
                    .iter()
                    .zip(&a.datasets)
                    .filter(|(p, _)| p.is_none())
                    .map(|(_, d)| d.clone())
                    .collect(),
                reconciled_from: if m.types.len() > 1 {
                    m.types.clone()
                } else {
                    vec![]
                },
            })
            .collect(),
        source_column,
    })
}

/// The columns and one `SELECT` per dataset.
pub(crate) fn shape(project: &Project, a: &AppendSpec) -> Result<Shape> {
    let (merged, _, source) = merge(project, a)?;
    let mut columns: Vec<OutColumn> = merged
        .iter()
        .map(|m| OutColumn {
            name: m.name.clone(),
            ty: m.ty,
            role: m.role.map(|r| r.0),
            role_source: m.role.and_then(|r| r.1),
            sql: String::new(),
        })
        .collect();
    columns.push(OutColumn {
        name: source,
        ty: ColumnType::Text,
        role: None,
        role_source: None,
        sql: String::new(),
    });
    let mut selects = vec![];
    for (k, d) in a.datasets.iter().enumerate() {
        let info = project.dataset(d)?;
        let mut list = vec![];
        for m in &merged {
            list.push(match &m.present[k] {
                None => "NULL".to_string(),
                Some((name, ty)) => {
                    let q = quote_ident(&column(&info, name)?.name);
                    match (ty, m.ty) {
                        (ColumnType::Date, ColumnType::Datetime) => {
                            format!("CASE WHEN {q} IS NULL THEN NULL ELSE {q} || ' 00:00:00' END")
                        }
                        // Text keeps the digits as written (no `1.0` for 1).
                        (t, ColumnType::Text) if *t != ColumnType::Text => {
                            format!("CAST({q} AS TEXT)")
                        }
                        _ => q,
                    }
                }
            });
        }
        list.push(format!("'{}'", info.name.replace('\'', "''")));
        selects.push(format!(
            "SELECT {} FROM {} ORDER BY rowid",
            list.join(", "),
            quote_ident(&info.name)
        ));
    }
    Ok(Shape { columns, selects })
}
