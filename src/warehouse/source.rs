//! The columns a warehouse query reads from a linked table, each cast to its Loupe type as the
//! local engine holds it ([`super::chart::cast_sql`]), and the user's filter in the
//! link's engine's dialect: every analysis's query starts `FROM (SELECT <casts> FROM <table>) AS t`.

use super::link::Link;
use crate::dataset::{ColumnType, Role};
use crate::expr::{self, Dialect};
use crate::{Error, Result};

/// The columns of one linked table a query reads.
pub(crate) struct Used<'a> {
    link: &'a Link,
    names: Vec<String>,
}

impl<'a> Used<'a> {
    pub fn new(link: &'a Link) -> Used<'a> {
        Used {
            link,
            names: Vec::new(),
        }
    }

    /// Reads column `c` (an error naming the columns there are when the table has none such);
    /// its quoted name.
    pub fn col(&mut self, c: &str) -> Result<String> {
        if self.link.columns.iter().all(|x| x.name != c) {
            return Err(Error::NoSuchColumn {
                context: format!("linked dataset '{}'", self.link.name),
                column: c.to_string(),
                available: self
                    .link
                    .columns
                    .iter()
                    .map(|x| x.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if !self.names.iter().any(|u| u == c) {
            self.names.push(c.to_string());
        }
        Ok(self.dialect().quote(c))
    }

    /// The dialect of the link's engine.
    pub fn dialect(&self) -> Dialect {
        self.link.engine.dialect()
    }

    /// The column with role `r`, read, when the table has one.
    pub fn role(&mut self, r: Role) -> Option<String> {
        let name = self.role_name(r)?.to_string();
        self.col(&name).ok()
    }

    pub fn role_name(&self, r: Role) -> Option<&'a str> {
        self.link
            .columns
            .iter()
            .find(|c| c.role == Some(r))
            .map(|c| c.name.as_str())
    }

    /// The Loupe type of a column of the table.
    pub fn ty(&self, c: &str) -> Option<ColumnType> {
        self.link.columns.iter().find(|x| x.name == c).map(|x| x.ty)
    }

    /// A condition of the expression language (missing is false), checked against the table's
    /// columns and types, as PostgreSQL SQL; `TRUE` without one.
    pub fn condition(&mut self, filter: Option<&str>) -> Result<String> {
        let Some(f) = filter.filter(|f| !f.trim().is_empty()) else {
            return Ok("TRUE".into());
        };
        let parsed = expr::parse(f)?;
        for c in parsed.columns() {
            self.col(c)?;
        }
        let _checked = expr::compile_condition(&parsed, &super::chart::schema(self.link))?;
        Ok(parsed.to_sql_condition_in(self.dialect()))
    }

    /// `(SELECT <the columns read, cast> FROM <table>) AS <alias>`.
    pub fn from(&self, alias: &str) -> String {
        let cast: Vec<String> = self
            .names
            .iter()
            .map(|c| {
                super::chart::cast_sql(c, self.ty(c).unwrap_or(ColumnType::Text), self.dialect())
            })
            .collect();
        let cast = if cast.is_empty() {
            "1 AS one".to_string()
        } else {
            cast.join(", ")
        };
        format!(
            "(SELECT {cast} FROM {}) AS {alias}",
            self.link.table.sql_in(self.dialect())
        )
    }
}

/// A text trimmed of white space as the local engine trims it (`str::trim`), blank as missing,
/// in dialect `d` (Spark's string literals take backslash escapes).
pub(crate) fn trimmed_in(e: &str, d: Dialect) -> String {
    match d {
        Dialect::Spark => {
            format!("NULLIF(regexp_replace(CAST({e} AS STRING), '^\\\\s+|\\\\s+$', ''), '')")
        }
        _ => trimmed(e),
    }
}

/// [`trimmed_in`] PostgreSQL.
pub(crate) fn trimmed(e: &str) -> String {
    format!("NULLIF(regexp_replace(CAST({e} AS text), '^\\s+|\\s+$', '', 'g'), '')")
}
