//! Relationships between datasets: candidate keys found by column name (the same name, or the
//! same identifier role) and checked on the values (the share of keys found on the other side,
//! and whether each side is unique), confirmed or removed by the user and kept in the project.

use crate::dataset::{ColumnType, DatasetInfo, Role};
use crate::error::{Error, Result};
use crate::import::roles::normalise;
use crate::progress::{Reporter, Stage, Unit};
use crate::store::{Project, derived, quote_ident, relationships as stored};
use serde::Serialize;

pub use stored::Link;

/// How many rows on each side share a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cardinality {
    /// Unique on both sides.
    OneToOne,
    /// Repeated on the `from` side, unique on the `to` side (orders → customers).
    ManyToOne,
    /// Repeated on both sides (lines and payments of the same orders).
    ManyToMany,
}

impl Cardinality {
    pub fn as_str(self) -> &'static str {
        match self {
            Cardinality::OneToOne => "one-to-one",
            Cardinality::ManyToOne => "many-to-one",
            Cardinality::ManyToMany => "many-to-many",
        }
    }
}

/// A relationship, found or confirmed, with what the values say about it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Relationship {
    #[serde(flatten)]
    pub link: Link,
    pub cardinality: Cardinality,
    /// Distinct keys on the `from` side.
    pub from_keys: u64,
    /// Distinct keys on the `to` side.
    pub to_keys: u64,
    /// Distinct `from` keys found on the `to` side.
    pub matched_keys: u64,
    /// `matched_keys / from_keys`.
    pub match_share: f64,
    pub confirmed: bool,
}

/// Reads `dataset.column=dataset.column`.
pub fn parse_link(text: &str) -> Result<Link> {
    let bad = || {
        Error::InvalidArgument(format!(
            "'{text}' should look like DATASET.COLUMN=DATASET.COLUMN, e.g. orders.customer_id=customers.customer_id"
        ))
    };
    let (a, b) = text.split_once('=').ok_or_else(bad)?;
    let side = |s: &str| -> Result<(String, String)> {
        let (d, c) = s.trim().split_once('.').ok_or_else(bad)?;
        if d.is_empty() || c.is_empty() {
            return Err(bad());
        }
        Ok((d.to_string(), c.to_string()))
    };
    let (fd, fc) = side(a)?;
    let (td, tc) = side(b)?;
    Ok(Link {
        from_dataset: fd,
        from_column: fc,
        to_dataset: td,
        to_column: tc,
    })
}

fn key_type(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Text | ColumnType::Integer)
}

/// Datasets relationships are looked for between: imported and cleaned ones (not those derived
/// by joins and appends, which repeat their inputs' keys).
fn datasets(project: &Project) -> Result<Vec<DatasetInfo>> {
    let mut out = vec![];
    for d in project.datasets()? {
        if derived::get(project.conn(), &d.name)?.is_none() && d.format != "customers" {
            out.push(d);
        }
    }
    Ok(out)
}

/// The statistics of `a.x` against `b.y`, oriented many → one when one side is unique.
fn measure(project: &Project, link: &Link) -> Result<Relationship> {
    let conn = project.conn();
    let a = project.dataset(&link.from_dataset)?;
    let b = project.dataset(&link.to_dataset)?;
    let ac = super::column(&a, &link.from_column)?.name.clone();
    let bc = super::column(&b, &link.to_column)?.name.clone();
    let (ta, qa, tb, qb) = (
        quote_ident(&a.name),
        quote_ident(&ac),
        quote_ident(&b.name),
        quote_ident(&bc),
    );
    let uniq = |t: &str, q: &str| -> Result<(u64, bool)> {
        let (distinct, values): (i64, i64) = conn
            .query_row(
                &format!("SELECT count(DISTINCT {q}), count({q}) FROM {t}"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| Error::Query(e.to_string()))?;
        Ok((distinct.max(0) as u64, distinct == values))
    };
    let matched = |t1: &str, q1: &str, t2: &str, q2: &str| {
        super::count(
            conn,
            &format!(
                "SELECT count(*) FROM (SELECT DISTINCT {q1} AS v FROM {t1} WHERE {q1} IS NOT NULL) WHERE v IN (SELECT {q2} FROM {t2} WHERE {q2} IS NOT NULL)"
            ),
        )
    };
    let (ka, ua) = uniq(&ta, &qa)?;
    let (kb, ub) = uniq(&tb, &qb)?;
    // The many side first; of two unique sides, the one whose keys the other holds.
    let flip = ua && (!ub || ka > kb);
    let (link, from_keys, to_keys, m) = if flip {
        (
            Link {
                from_dataset: b.name.clone(),
                from_column: bc,
                to_dataset: a.name.clone(),
                to_column: ac,
            },
            kb,
            ka,
            matched(&tb, &qb, &ta, &qa)?,
        )
    } else {
        (
            Link {
                from_dataset: a.name.clone(),
                from_column: ac,
                to_dataset: b.name.clone(),
                to_column: bc,
            },
            ka,
            kb,
            matched(&ta, &qa, &tb, &qb)?,
        )
    };
    let cardinality = match (ua, ub) {
        (true, true) => Cardinality::OneToOne,
        (false, false) => Cardinality::ManyToMany,
        _ => Cardinality::ManyToOne,
    };
    Ok(Relationship {
        link,
        cardinality,
        from_keys,
        to_keys,
        matched_keys: m,
        match_share: if from_keys == 0 {
            0.0
        } else {
            m as f64 / from_keys as f64
        },
        confirmed: false,
    })
}

fn same_link(a: &Link, b: &Link) -> bool {
    let fwd = a.from_dataset == b.from_dataset
        && a.from_column.eq_ignore_ascii_case(&b.from_column)
        && a.to_dataset == b.to_dataset
        && a.to_column.eq_ignore_ascii_case(&b.to_column);
    let back = a.from_dataset == b.to_dataset
        && a.from_column.eq_ignore_ascii_case(&b.to_column)
        && a.to_dataset == b.from_dataset
        && a.to_column.eq_ignore_ascii_case(&b.from_column);
    fwd || back
}

/// Whether either column of `link` is an identifier: by its role, or by a name that ends like
/// a key (`order_id`, `invoice_no`, `sku_code`, `订单编号`).
fn id_like(sets: &[DatasetInfo], link: &Link) -> bool {
    let side = |d: &str, c: &str| {
        let role = sets
            .iter()
            .find(|s| s.name == d)
            .and_then(|s| s.column(c))
            .and_then(|c| c.role);
        let n = normalise(c);
        matches!(role, Some(Role::CustomerId | Role::OrderId | Role::ItemId))
            || ["id", "no", "code", "key", "number", "编号", "号", "码"]
                .iter()
                .any(|e| n.ends_with(e))
    };
    side(&link.from_dataset, &link.from_column) || side(&link.to_dataset, &link.to_column)
}

/// The confirmed relationships, then the candidates: columns of two datasets with the same
/// name (ignoring case and separators) or the same identifier role, whose values overlap.
/// Confirmed ones first, then one-to-one and many-to-one before many-to-many, then by share.
pub fn find(project: &Project, rep: &Reporter) -> Result<Vec<Relationship>> {
    let confirmed = stored::list(project.conn())?;
    let sets = datasets(project)?;
    let mut pairs: Vec<Link> = vec![];
    for (i, a) in sets.iter().enumerate() {
        for b in &sets[i + 1..] {
            for ca in a.columns.iter().filter(|c| key_type(c.ty)) {
                for cb in b.columns.iter().filter(|c| key_type(c.ty)) {
                    let same_name = normalise(&ca.name) == normalise(&cb.name);
                    let same_role = ca.role.is_some()
                        && ca.role == cb.role
                        && matches!(
                            ca.role,
                            Some(Role::CustomerId | Role::OrderId | Role::ItemId)
                        );
                    if same_name || same_role {
                        pairs.push(Link {
                            from_dataset: a.name.clone(),
                            from_column: ca.name.clone(),
                            to_dataset: b.name.clone(),
                            to_column: cb.name.clone(),
                        });
                    }
                }
            }
        }
    }
    let mut out: Vec<Relationship> = vec![];
    let total = (confirmed.len() + pairs.len()) as u64;
    rep.report(Stage::Counting, 0, Some(total), Unit::Steps, 0, true);
    for (k, link) in confirmed.iter().chain(pairs.iter()).enumerate() {
        rep.check()?;
        rep.report(
            Stage::Counting,
            k as u64,
            Some(total),
            Unit::Steps,
            0,
            false,
        );
        if out.iter().any(|r| same_link(&r.link, link)) {
            continue;
        }
        let is_confirmed = k < confirmed.len();
        // A confirmed link whose dataset or column is gone is still listed, as confirmed.
        let mut r = match measure(project, link) {
            Ok(r) => r,
            Err(_) if is_confirmed => Relationship {
                link: link.clone(),
                cardinality: Cardinality::ManyToMany,
                from_keys: 0,
                to_keys: 0,
                matched_keys: 0,
                match_share: 0.0,
                confirmed: true,
            },
            Err(e) => return Err(e),
        };
        if is_confirmed {
            r.confirmed = true;
            // Keep the user's orientation.
            r.link = link.clone();
        } else if r.matched_keys == 0
            || (r.cardinality == Cardinality::ManyToMany && !id_like(&sets, link))
        {
            // Repeated on both sides and not named like a key (`payment_type` in two
            // datasets): shared values, not a relationship.
            continue;
        }
        out.push(r);
    }
    let rank = |c: Cardinality| match c {
        Cardinality::ManyToOne | Cardinality::OneToOne => 0,
        Cardinality::ManyToMany => 1,
    };
    out.sort_by(|a, b| {
        (!a.confirmed, rank(a.cardinality))
            .cmp(&(!b.confirmed, rank(b.cardinality)))
            .then(b.match_share.total_cmp(&a.match_share))
    });
    Ok(out)
}

/// Keeps `link` in the project (after checking both columns exist); returns what the values say.
pub fn confirm(project: &Project, link: &Link) -> Result<Relationship> {
    let mut r = measure(project, link)?;
    // Stored with the columns' own spelling, in the orientation the values give.
    stored::put(project.conn(), &r.link)?;
    project.log(
        crate::store::Action::Edit,
        Some(&r.link.from_dataset),
        None,
        &serde_json::json!({"relationship": r.link.to_string(), "confirmed": true}),
    )?;
    r.confirmed = true;
    Ok(r)
}

/// Removes a confirmed relationship (in either direction).
pub fn remove(project: &Project, link: &Link) -> Result<()> {
    let existing = stored::list(project.conn())?;
    let Some(found) = existing.iter().find(|l| same_link(l, link)) else {
        return Err(Error::InvalidArgument(format!(
            "no confirmed relationship {link}; the confirmed ones are: {}",
            if existing.is_empty() {
                "none".to_string()
            } else {
                existing
                    .iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )));
    };
    stored::remove(project.conn(), found)?;
    project.log(
        crate::store::Action::Edit,
        Some(&found.from_dataset),
        None,
        &serde_json::json!({"relationship": found.to_string(), "confirmed": false}),
    )?;
    Ok(())
}

/// The confirmed relationships.
pub fn confirmed(project: &Project) -> Result<Vec<Link>> {
    stored::list(project.conn())
}
