//! Rule-based customer tags: each tag is a condition in Loupe's expression language over the
//! customer table's columns (and joined attributes), e.g. `m_score = 5` or
//! `preferred_weekday in ('Sat', 'Sun')`. Rules live in the project (`_loupe_tags`); a new
//! project starts with a few examples the user edits.

use super::rfm::RfmTable;
use super::write::{OutColumn, out_columns};
use crate::store::Project;
use crate::store::tags::{self as stored, StoredTag};
use crate::{Error, Result};
use polars::prelude::*;

/// A tag rule.
pub type TagRule = StoredTag;

/// The tags of a customer table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags {
    pub rules: Vec<TagRule>,
    /// Per rule: which customers carry the tag, or why the rule could not be evaluated.
    pub members: Vec<std::result::Result<Vec<bool>, String>>,
}

impl Tags {
    /// The names of the tags customer `i` carries.
    pub fn of(&self, i: usize) -> Vec<&str> {
        self.rules
            .iter()
            .zip(&self.members)
            .filter(|(_, m)| m.as_ref().is_ok_and(|m| m.get(i).copied().unwrap_or(false)))
            .map(|(r, _)| r.name.as_str())
            .collect()
    }

    /// How many customers carry each tag (`None` for a rule in error).
    pub fn counts(&self) -> Vec<Option<usize>> {
        self.members
            .iter()
            .map(|m| m.as_ref().ok().map(|m| m.iter().filter(|b| **b).count()))
            .collect()
    }
}

/// The tag rules of the project.
pub fn rules(project: &Project) -> Result<Vec<TagRule>> {
    stored::list(project.conn())
}

/// Checks that a rule parses; compiling needs a table, and happens when tags are evaluated.
pub fn check_rule(rule: &str) -> Result<()> {
    crate::expr::parse(rule).map(|_| ())
}

/// Adds or replaces a tag after checking its name and rule.
pub fn put_rule(project: &Project, name: &str, rule: &str) -> Result<()> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidArgument("a tag needs a name".into()));
    }
    check_rule(rule)?;
    stored::put(project.conn(), name, rule.trim())
}

/// Removes a tag; an unknown name is an error that lists the tags.
pub fn remove_rule(project: &Project, name: &str) -> Result<()> {
    if stored::remove(project.conn(), name)? {
        return Ok(());
    }
    let names: Vec<String> = rules(project)?.into_iter().map(|r| r.name).collect();
    Err(Error::InvalidArgument(format!(
        "there is no tag '{name}'; the tags are: {}",
        names.join(", ")
    )))
}

/// The customer table as a polars frame with the written columns' names and types.
pub fn table_frame(table: &RfmTable) -> Result<DataFrame> {
    let columns = out_columns(table)
        .into_iter()
        .map(|(name, c)| {
            let name: PlSmallStr = name.into();
            Ok(match c {
                OutColumn::Text(v) => Column::new(name, v),
                OutColumn::Int(v) => Column::new(name, v),
                OutColumn::Real(v) => Column::new(name, v),
                OutColumn::Date(v) => Column::new(name, v).cast(&DataType::Date)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DataFrame::new(table.customers.len(), columns)?)
}

/// Evaluates every rule over the table. A rule that does not parse or names an unknown column
/// is reported for that tag alone.
pub fn evaluate(table: &RfmTable, rules: &[TagRule]) -> Result<Tags> {
    evaluate_frame(&table_frame(table)?, rules)
}

/// [`evaluate`] over the table as a frame ([`table_frame`], or the kept table's).
pub fn evaluate_frame(df: &DataFrame, rules: &[TagRule]) -> Result<Tags> {
    let schema = df.schema().clone();
    let members = rules
        .iter()
        .map(|r| {
            let run = || -> Result<Vec<bool>> {
                let e = crate::expr::parse(&r.rule)?;
                let cond = crate::expr::compile_condition(&e, &schema)?;
                let out = df.clone().lazy().select([cond.alias("t")]).collect()?;
                let col = out.column("t")?.bool()?.clone();
                let mut v: Vec<bool> = col.iter().map(|b| b.unwrap_or(false)).collect();
                if v.len() == 1 && df.height() != 1 {
                    // A constant condition.
                    v = vec![v[0]; df.height()];
                }
                Ok(v)
            };
            run().map_err(|e| e.to_string())
        })
        .collect();
    Ok(Tags {
        rules: rules.to_vec(),
        members,
    })
}
