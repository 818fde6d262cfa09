//! Combining datasets: joins (optionally summing the right side per key first) and appends, kept
//! as **derived datasets**. Each is recorded with its definition (a JSON spec, read like a recipe
//! step: `{"op": "join", …}` or `{"op": "append", …}`) and the data markers of its inputs when it
//! was built, so that it is listed with where it came from and re-run when an input changed
//! ([`rebuild_stale`]). Relationships between datasets ([`relationships`]) are found by column
//! name and value overlap and confirmed by the user; the customer table can take its roles from
//! related datasets through them ([`through`]).
//!
//! Everything runs in SQLite, in one transaction per derived dataset: a failure or a cancel leaves
//! the project as it was.
//!
//! Column names of a join: every left column keeps its name; a right column whose name is already
//! taken (SQLite names are case-insensitive) gets `_<right dataset>` appended (then `_2`, `_3`, …
//! if that is taken too); the right key is not repeated. Aggregated columns are named
//! `<column>_<function>` (`payment_value_sum`) under the same rule.

mod append;
mod join;
pub mod relationships;
pub mod through;

pub use append::{AppendColumn, AppendPlan, AppendSpec, plan_append};
pub use join::{AggFn, Aggregate, How, JoinPlan, JoinSpec, plan_join};
pub use through::{RoleSource, RolesSpec};

use crate::dataset::{ColumnInfo, ColumnType, DatasetInfo, Role, RoleSource as Source};
use crate::error::{Error, Result};
use crate::progress::{Reporter, Stage, Unit};
use crate::store::{self, Action, Project, derived, quote_ident};
use serde::{Deserialize, Serialize};

/// How a derived dataset is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Derivation {
    Join(JoinSpec),
    Append(AppendSpec),
    /// A transactions dataset with roles taken from related datasets (for the customer table).
    Roles(RolesSpec),
}

impl Derivation {
    /// The datasets it reads.
    pub fn inputs(&self) -> Vec<String> {
        match self {
            Derivation::Join(j) => vec![j.left.clone(), j.right.clone()],
            Derivation::Append(a) => a.datasets.clone(),
            Derivation::Roles(r) => r.inputs(),
        }
    }

    /// The catalog kind of its output.
    pub fn kind(&self) -> &'static str {
        match self {
            Derivation::Join(_) => "joined",
            Derivation::Append(_) => "appended",
            Derivation::Roles(_) => through::KIND,
        }
    }

    /// In English, for the command line.
    pub fn describe(&self) -> String {
        match self {
            Derivation::Join(j) => j.describe(),
            Derivation::Append(a) => format!("append of {}", a.datasets.join(", ")),
            Derivation::Roles(r) => r.describe(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str, what: &str) -> Result<Self> {
        serde_json::from_str(text)
            .map_err(|e| Error::InvalidArgument(format!("{what} cannot be read: {e}")))
    }
}

/// A column of a derived dataset: its name, type, role and the SQL that computes it.
#[derive(Debug, Clone)]
pub(crate) struct OutColumn {
    pub name: String,
    pub ty: ColumnType,
    pub role: Option<Role>,
    pub role_source: Option<Source>,
    pub sql: String,
}

/// What a derivation writes: its columns and the `SELECT`s whose rows fill them, in order.
pub(crate) struct Shape {
    pub columns: Vec<OutColumn>,
    /// Each `SELECT` yields the columns in order.
    pub selects: Vec<String>,
}

/// Names taken so far, compared as SQLite compares them (ASCII case-insensitively).
#[derive(Default)]
pub(crate) struct Names(Vec<String>);

impl Names {
    pub fn taken(&self, name: &str) -> bool {
        self.0.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// `name`, or `name_<suffix>` when taken, then `name_<suffix>_2`, … ; recorded as taken.
    pub fn claim(&mut self, name: &str, suffix: &str) -> String {
        let mut out = name.to_string();
        if self.taken(&out) {
            out = format!("{name}_{suffix}");
            let mut k = 2;
            while self.taken(&out) {
                out = format!("{name}_{suffix}_{k}");
                k += 1;
            }
        }
        self.0.push(out.clone());
        out
    }
}

/// The column `name` of `info`, or an error listing the columns.
pub(crate) fn column<'a>(info: &'a DatasetInfo, name: &str) -> Result<&'a ColumnInfo> {
    info.column(name)
        .or_else(|| {
            info.columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| info.missing_column(name))
}

pub(crate) fn count(conn: &rusqlite::Connection, sql: &str) -> Result<u64> {
    let n: Option<i64> = conn
        .query_row(sql, [], |r| r.get(0))
        .map_err(|e| Error::Query(format!("{e} (in: {sql})")))?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// What building a derived dataset did.
#[derive(Debug, Clone, Serialize)]
pub struct Built {
    pub output: String,
    pub kind: &'static str,
    pub rows: u64,
    pub columns: Vec<String>,
    pub derivation: Derivation,
}

/// Where a derived dataset came from, and whether it is out of date.
#[derive(Debug, Clone, Serialize)]
pub struct Lineage {
    pub output: String,
    pub derivation: Derivation,
    pub description: String,
    pub built_at: String,
    /// Inputs whose data changed since the output was built.
    pub changed: Vec<String>,
    /// Inputs that no longer exist (the output cannot be rebuilt).
    pub missing: Vec<String>,
}

impl Lineage {
    pub fn is_stale(&self) -> bool {
        !self.changed.is_empty()
    }
}

fn markers(
    project: &Project,
    inputs: &[String],
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut m = serde_json::Map::new();
    for i in inputs {
        if let Some(marker) = project.data_marker(i)? {
            m.insert(i.clone(), marker.into());
        }
    }
    Ok(m)
}

/// The lineage of `name`, if it is a derived dataset.
pub fn lineage(project: &Project, name: &str) -> Result<Option<Lineage>> {
    match derived::get(project.conn(), name)? {
        Some(s) => lineage_of(project, &s).map(Some),
        None => Ok(None),
    }
}

/// Every derived dataset's lineage, in the order they were first built.
pub fn lineages(project: &Project) -> Result<Vec<Lineage>> {
    derived::list(project.conn())?
        .iter()
        .map(|s| lineage_of(project, s))
        .collect()
}

fn lineage_of(project: &Project, s: &derived::StoredDerived) -> Result<Lineage> {
    let derivation = Derivation::from_json(&s.spec, &format!("the definition of '{}'", s.output))?;
    let built: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&s.inputs).unwrap_or_default();
    let mut changed = vec![];
    let mut missing = vec![];
    for i in derivation.inputs() {
        match project.data_marker(&i)? {
            None => missing.push(i),
            Some(m) if built.get(&i).and_then(|v| v.as_str()) != Some(m.as_str()) => {
                changed.push(i)
            }
            Some(_) => {}
        }
    }
    Ok(Lineage {
        output: s.output.clone(),
        description: derivation.describe(),
        derivation,
        built_at: s.updated_at.clone(),
        changed,
        missing,
    })
}

/// Checks that `output` may be written: a valid name, not one of the inputs, and either new or
/// a derived dataset (replaced only when `replace`, or when rebuilding it).
fn check_output(project: &Project, output: &str, d: &Derivation, replace: bool) -> Result<()> {
    store::validate_dataset_name(output)?;
    if d.inputs().iter().any(|i| i.eq_ignore_ascii_case(output)) {
        return Err(Error::InvalidArgument(format!(
            "the combined dataset cannot replace its input '{output}': inputs stay as they are; choose another name"
        )));
    }
    if project.has_dataset(output)? {
        if derived::get(project.conn(), output)?.is_none() {
            return Err(Error::InvalidArgument(format!(
                "a dataset named '{output}' exists and is not a joined or appended dataset; choose another name"
            )));
        }
        if !replace {
            return Err(Error::DatasetExists {
                name: output.to_string(),
            });
        }
    }
    Ok(())
}

/// Builds `output` from `d` and records it. With `replace`, an existing derived dataset of that
/// name is replaced (never an imported or cleaned one).
pub fn create(
    project: &mut Project,
    output: &str,
    d: &Derivation,
    replace: bool,
    rep: &Reporter,
) -> Result<Built> {
    check_output(project, output, d, replace)?;
    build(project, output, d, rep)
}

/// Re-runs the derived dataset `output` from its recorded definition.
pub fn rebuild(project: &mut Project, output: &str, rep: &Reporter) -> Result<Built> {
    let stored = derived::get(project.conn(), output)?.ok_or_else(|| {
        Error::InvalidArgument(format!(
            "'{output}' is not a joined or appended dataset; only those are rebuilt from their inputs"
        ))
    })?;
    let d = Derivation::from_json(&stored.spec, &format!("the definition of '{output}'"))?;
    check_output(project, output, &d, true)?;
    build(project, output, &d, rep)
}

/// Re-runs, in dependency order, the derived datasets whose inputs changed (or, when `only` is
/// not empty, those named, whether changed or not), and what depends on them.
pub fn rebuild_stale(project: &mut Project, only: &[String], rep: &Reporter) -> Result<Vec<Built>> {
    for name in only {
        if derived::get(project.conn(), name)?.is_none() {
            project.dataset(name)?;
            return Err(Error::InvalidArgument(format!(
                "'{name}' is not a joined or appended dataset; only those are rebuilt from their inputs"
            )));
        }
    }
    // Inputs before what reads them.
    let all = lineages(project)?;
    let mut order: Vec<Lineage> = Vec::with_capacity(all.len());
    let mut left = all;
    while !left.is_empty() {
        let ready = left.iter().position(|l| {
            l.derivation
                .inputs()
                .iter()
                .all(|i| !left.iter().any(|o| &o.output == i))
        });
        // Definitions cannot form a cycle (an input must exist before what reads it); should
        // one appear, the rest goes in the order recorded.
        let k = ready.unwrap_or(0);
        order.push(left.remove(k));
    }
    let mut done: Vec<Built> = vec![];
    let mut rebuilt: Vec<String> = vec![];
    for l in order {
        let Some(now) = lineage(project, &l.output)? else {
            continue;
        };
        if !now.missing.is_empty() {
            continue;
        }
        let wanted = if only.is_empty() {
            now.is_stale()
        } else {
            only.contains(&now.output) || now.changed.iter().any(|c| rebuilt.contains(c))
        };
        if wanted {
            done.push(rebuild(project, &now.output, rep)?);
            rebuilt.push(now.output);
        }
    }
    Ok(done)
}

fn build(project: &mut Project, output: &str, d: &Derivation, rep: &Reporter) -> Result<Built> {
    let shape = match d {
        Derivation::Join(j) => {
            let plan = plan_join(project, j)?;
            if plan.multiplies && !j.allow_many {
                return Err(Error::JoinMultiplies {
                    right: j.right.clone(),
                    key: j.right_key.clone(),
                    duplicated_keys: plan.duplicated_keys,
                    max_per_key: plan.max_rows_per_key,
                    rows_before: plan.left_rows,
                    rows_after: plan.rows_out,
                });
            }
            join::shape(project, j)?
        }
        Derivation::Append(a) => append::shape(project, a)?,
        Derivation::Roles(r) => through::shape(project, r)?,
    };
    let inputs = d.inputs();
    let marks = markers(project, &inputs)?;
    rep.report(
        Stage::Saving,
        0,
        Some(shape.selects.len() as u64),
        Unit::Steps,
        0,
        true,
    );
    rep.check()?;
    let tx = project.conn_mut().transaction()?;
    let exists: i64 = tx.query_row(
        "SELECT count(*) FROM _loupe_datasets WHERE name = ?1",
        [output],
        |r| r.get(0),
    )?;
    if exists > 0 {
        store::remove_dataset(&tx, output)?;
    }
    let typed: Vec<(String, ColumnType)> = shape
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.ty))
        .collect();
    crate::import::writer::create_table(&tx, output, &typed)?;
    let names = shape
        .columns
        .iter()
        .map(|c| quote_ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    for (i, select) in shape.selects.iter().enumerate() {
        rep.check()?;
        tx.execute(
            &format!("INSERT INTO {} ({names}) {select}", quote_ident(output)),
            [],
        )
        .map_err(|e| Error::Query(format!("{e} (in: {select})")))?;
        rep.report(
            Stage::Saving,
            i as u64 + 1,
            Some(shape.selects.len() as u64),
            Unit::Steps,
            0,
            false,
        );
    }
    let rows = count(
        &tx,
        &format!("SELECT count(*) FROM {}", quote_ident(output)),
    )?;
    let mut columns = Vec::with_capacity(shape.columns.len());
    for c in &shape.columns {
        let nulls = count(
            &tx,
            &format!(
                "SELECT count(*) FROM {} WHERE {} IS NULL",
                quote_ident(output),
                quote_ident(&c.name)
            ),
        )?;
        columns.push(ColumnInfo {
            name: c.name.clone(),
            ty: c.ty,
            role: c.role,
            role_source: c.role.and(c.role_source),
            nulls,
            note: None,
        });
    }
    let info = DatasetInfo {
        name: output.to_string(),
        format: d.kind().to_string(),
        encoding: None,
        delimiter: None,
        has_header: true,
        imported_at: store::now(),
        rows,
        sources: vec![],
        columns,
    };
    store::insert_dataset(
        &tx,
        &store::NewDataset {
            info: &info,
            kind: d.kind(),
        },
    )?;
    let json = d.to_json();
    derived::put(
        &tx,
        output,
        d.kind(),
        &json,
        &serde_json::Value::Object(marks).to_string(),
    )?;
    store::append_activity(
        &tx,
        Action::Rebuild,
        Some(output),
        Some(rows),
        &serde_json::json!({
            "derived": serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default(),
        }),
    )?;
    rep.check()?;
    tx.commit()?;
    Ok(Built {
        output: output.to_string(),
        kind: d.kind(),
        rows,
        columns: info.columns.iter().map(|c| c.name.clone()).collect(),
        derivation: d.clone(),
    })
}
