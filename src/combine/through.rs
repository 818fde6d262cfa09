//! Roles from related datasets: a transactions dataset (the *base*, e.g. orders) takes its
//! person, time or amount from another dataset through a confirmed relationship, without the
//! user writing joins. The result is a derived dataset (`<base>_related`) with those roles set,
//! on which the normal customer table runs; it is re-run like any join when an input changes.
//!
//! Following a relationship between the base and the other dataset:
//! * when the other side's key is unique (customers by customer_id), its column is attached to
//!   each base row;
//! * when it repeats (payments per order), the amount is summed per key, the time is the
//!   earliest, and the person must be the same on every row of a key (else an error says how
//!   many keys have several).
//! * a unit price taken as the amount from a dataset with a quantity (order lines) is multiplied
//!   by it first: `UnitPrice × Quantity`, summed per order.

use super::relationships::{Link, confirmed};
use super::{Names, OutColumn, Shape, column, count};
use crate::dataset::{Role, RoleSource as Source};
use crate::error::{Error, Result};
use crate::import::roles::fits;
use crate::progress::Reporter;
use crate::store::{Project, quote_ident};
use serde::{Deserialize, Serialize};

/// `dataset.column`: where a role comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSource {
    pub dataset: String,
    pub column: String,
}

impl std::str::FromStr for RoleSource {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.split_once('.') {
            Some((d, c)) if !d.trim().is_empty() && !c.trim().is_empty() => Ok(RoleSource {
                dataset: d.trim().to_string(),
                column: c.trim().to_string(),
            }),
            _ => Err(format!(
                "'{s}' should look like DATASET.COLUMN, e.g. customers.customer_unique_id"
            )),
        }
    }
}

impl std::fmt::Display for RoleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.dataset, self.column)
    }
}

/// The base dataset and, per role, where it comes from (`None`: the base's own column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolesSpec {
    pub base: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<RoleSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<RoleSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<RoleSource>,
}

impl RolesSpec {
    fn sources(&self) -> Vec<(Role, &RoleSource)> {
        [
            (Role::CustomerId, &self.person),
            (Role::Timestamp, &self.time),
            (Role::Amount, &self.amount),
        ]
        .into_iter()
        .filter_map(|(r, s)| s.as_ref().map(|s| (r, s)))
        .collect()
    }

    pub fn inputs(&self) -> Vec<String> {
        let mut v = vec![self.base.clone()];
        for (_, s) in self.sources() {
            if !v.contains(&s.dataset) {
                v.push(s.dataset.clone());
            }
        }
        v
    }

    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .sources()
            .iter()
            .map(|(r, s)| format!("{r} from {s}"))
            .collect();
        format!("{} with {}", self.base, parts.join(", "))
    }

    /// The name of the dataset it builds.
    pub fn output(&self) -> String {
        format!("{}_related", self.base)
    }
}

/// The confirmed relationship between `base` and `other`: (base column, other column).
fn relationship(links: &[Link], base: &str, other: &str) -> Result<(String, String)> {
    for l in links {
        if l.from_dataset == base && l.to_dataset == other {
            return Ok((l.from_column.clone(), l.to_column.clone()));
        }
        if l.to_dataset == base && l.from_dataset == other {
            return Ok((l.to_column.clone(), l.from_column.clone()));
        }
    }
    Err(Error::InvalidArgument(format!(
        "no confirmed relationship between '{base}' and '{other}'; confirm the key that links them first (the relationships Loupe finds list the candidates)"
    )))
}

/// The columns and the `SELECT` of the base with its related roles.
pub(crate) fn shape(project: &Project, spec: &RolesSpec) -> Result<Shape> {
    let conn = project.conn();
    let base = project.dataset(&spec.base)?;
    let links = confirmed(project)?;
    let sources = spec.sources();
    if sources.is_empty() {
        return Err(Error::InvalidArgument(
            "name at least one role to take from a related dataset (person, time or amount)".into(),
        ));
    }
    // The base's columns, without the roles that now come from elsewhere.
    let mut names = Names::default();
    let mut columns: Vec<OutColumn> = base
        .columns
        .iter()
        .map(|c| {
            names.claim(&c.name, "");
            OutColumn {
                name: c.name.clone(),
                ty: c.ty,
                role: c.role.filter(|r| sources.iter().all(|(s, _)| s != r)),
                role_source: c.role_source,
                sql: format!("b.{}", quote_ident(&c.name)),
            }
        })
        .collect();
    let mut joins = vec![];
    for (k, (role, src)) in sources.iter().enumerate() {
        let other = project.dataset(&src.dataset)?;
        let col = column(&other, &src.column)?;
        if !fits(*role, col.ty) {
            return Err(Error::InvalidArgument(format!(
                "'{src}' holds {} values, which cannot be the {role}",
                col.ty
            )));
        }
        if other.name == base.name {
            // The base's own column takes the role.
            if let Some(c) = columns.iter_mut().find(|c| c.name == col.name) {
                c.role = Some(*role);
                c.role_source = Some(Source::User);
            }
            continue;
        }
        let (bk, ok) = relationship(&links, &base.name, &other.name)?;
        let bk = quote_ident(&column(&base, &bk)?.name);
        let okq = quote_ident(&column(&other, &ok)?.name);
        let t = quote_ident(&other.name);
        // A unit price in a dataset with a quantity is an amount once multiplied by it.
        let quantity = (*role == Role::Amount && col.role == Some(Role::UnitPrice))
            .then(|| other.column_with_role(Role::Quantity))
            .flatten();
        let (v, col_name) = match quantity {
            Some(q) => (
                format!("({} * {})", quote_ident(&col.name), quote_ident(&q.name)),
                format!("{}_x_{}", col.name, q.name),
            ),
            None => (quote_ident(&col.name), col.name.clone()),
        };
        let (distinct, values): (i64, i64) = conn.query_row(
            &format!("SELECT count(DISTINCT {okq}), count({okq}) FROM {t}"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let unique = distinct == values;
        let (sub, name, ty) = if unique {
            (
                format!("SELECT {okq} AS k, {v} AS v FROM {t} WHERE {okq} IS NOT NULL"),
                col_name,
                col.ty,
            )
        } else {
            match role {
                Role::Amount => (
                    format!(
                        "SELECT {okq} AS k, sum({v}) AS v FROM {t} WHERE {okq} IS NOT NULL GROUP BY {okq}"
                    ),
                    format!("{col_name}_sum"),
                    col.ty,
                ),
                Role::Timestamp => (
                    format!(
                        "SELECT {okq} AS k, min({v}) AS v FROM {t} WHERE {okq} IS NOT NULL GROUP BY {okq}"
                    ),
                    format!("{}_first", col.name),
                    col.ty,
                ),
                _ => {
                    let ambiguous = count(
                        conn,
                        &format!(
                            "SELECT count(*) FROM (SELECT 1 FROM {t} WHERE {okq} IS NOT NULL GROUP BY {okq} HAVING count(DISTINCT {v}) > 1)"
                        ),
                    )?;
                    if ambiguous > 0 {
                        return Err(Error::InvalidArgument(format!(
                            "'{src}' cannot be the {role} of '{}': {ambiguous} value(s) of '{ok}' in '{}' have several different {}",
                            base.name, other.name, col.name
                        )));
                    }
                    (
                        format!(
                            "SELECT {okq} AS k, min({v}) AS v FROM {t} WHERE {okq} IS NOT NULL GROUP BY {okq}"
                        ),
                        col.name.clone(),
                        col.ty,
                    )
                }
            }
        };
        let name = names.claim(&name, &other.name);
        columns.push(OutColumn {
            name,
            ty,
            role: Some(*role),
            role_source: Some(Source::User),
            sql: format!("s{k}.v"),
        });
        joins.push(format!("LEFT JOIN ({sub}) AS s{k} ON b.{bk} = s{k}.k"));
    }
    let list = columns
        .iter()
        .map(|c| c.sql.clone())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Shape {
        selects: vec![format!(
            "SELECT {list} FROM {} AS b {} ORDER BY b.rowid",
            quote_ident(&base.name),
            joins.join(" ")
        )],
        columns,
    })
}

/// Builds (or rebuilds) `<base>_related` for `spec` and returns its name: the dataset the
/// customer table then runs on.
pub fn materialise(project: &mut Project, spec: &RolesSpec, rep: &Reporter) -> Result<String> {
    let output = spec.output();
    let d = super::Derivation::Roles(spec.clone());
    super::create(project, &output, &d, true, rep)?;
    Ok(output)
}

/// The kind of a derived dataset with related roles, as the catalog shows it (its `format`).
pub const KIND: &str = "related";

/// The columns of the datasets related to `base` by a confirmed relationship (in either
/// direction, one step) that can take `role`: what the Customers page offers as the person, the
/// time or the amount from a related dataset. Columns that already have the role (for an
/// amount, also a unit price) come first; ids and keys are not offered as amounts, nor datasets
/// with related roles at all.
pub fn candidates(
    links: &[Link],
    datasets: &[crate::dataset::DatasetInfo],
    base: &str,
    role: Role,
) -> Vec<RoleSource> {
    let mut others: Vec<&str> = vec![];
    for l in links {
        let other = if l.from_dataset == base {
            &l.to_dataset
        } else if l.to_dataset == base {
            &l.from_dataset
        } else {
            continue;
        };
        if other != base && !others.contains(&other.as_str()) {
            others.push(other);
        }
    }
    let preferred = |c: &crate::dataset::ColumnInfo| {
        c.role == Some(role) || (role == Role::Amount && c.role == Some(Role::UnitPrice))
    };
    let mut first = vec![];
    let mut rest = vec![];
    for name in others {
        let Some(d) = datasets.iter().find(|d| d.name == name && d.format != KIND) else {
            continue;
        };
        // Ids and keys are no amounts.
        let is_key = |c: &crate::dataset::ColumnInfo| {
            let n = crate::import::roles::normalise(&c.name);
            matches!(
                c.role,
                Some(Role::CustomerId | Role::OrderId | Role::ItemId)
            ) || (c.ty == crate::dataset::ColumnType::Integer
                && (n.ends_with("id") || n.ends_with("编号") || n.ends_with("号")))
                || links.iter().any(|l| {
                    (l.from_dataset == d.name && l.from_column == c.name)
                        || (l.to_dataset == d.name && l.to_column == c.name)
                })
        };
        for c in d
            .columns
            .iter()
            .filter(|c| fits(role, c.ty) && !(role == Role::Amount && is_key(c)))
        {
            let s = RoleSource {
                dataset: d.name.clone(),
                column: c.name.clone(),
            };
            if preferred(c) {
                first.push(s);
            } else {
                rest.push(s);
            }
        }
    }
    first.extend(rest);
    first
}

/// The related roles the project keeps: the definition of each dataset built with related
/// roles (`<base>_related`), which is the choice last made for its base.
pub fn remembered(project: &Project) -> Result<Vec<RolesSpec>> {
    Ok(super::lineages(project)?
        .into_iter()
        .filter_map(|l| match l.derivation {
            super::Derivation::Roles(r) if l.output == r.output() => Some(r),
            _ => None,
        })
        .collect())
}

/// Forgets the related roles of `base`: deletes `<base>_related` when it is the dataset built
/// with them (after the automatic backup every deletion makes). False when there was none.
pub fn forget(project: &mut Project, base: &str) -> Result<bool> {
    let output = format!("{base}_related");
    let ours = matches!(
        super::lineage(project, &output)?,
        Some(super::Lineage { derivation: super::Derivation::Roles(ref r), .. }) if r.base == base
    );
    if ours {
        project.delete_dataset(&output)?;
    }
    Ok(ours)
}
