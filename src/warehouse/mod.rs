//! Linked datasets: a table or view in a warehouse that the project points at, with no copy of
//! its rows. The project keeps the link (engine, the name of the environment variable that holds
//! the URL, the table, and the columns with their types and roles as inferred from the table's
//! definition and a sample); analyses send their queries to the warehouse and bring back only
//! results.
//!
//! - [`secret`]: the URL, read from the environment, never stored, shown or logged with its
//!   password.
//! - [`postgres`]: PostgreSQL and what speaks its wire protocol and dialect; every session is
//!   read-only and has a statement timeout.
//! - [`spark`]: Spark through Spark Connect; queries only, each with a timeout and a cancel.
//! - [`conn`]: a session with either engine.
//! - [`link`]: inferring a table's columns and roles, and keeping links in the project.
//! - [`chart`]: a chart's aggregation as one query, combined locally as the local engine's
//!   parts are.
//! - [`cohorts`]: cohort retention as one query.
//! - [`funnel`]: a funnel as one query, chains found with window functions.
//! - [`interactions`]: purchase lines pulled for the models fitted here, counted first.
//! - [`customers`]: the customer table's per-customer figures as one query.
//! - [`profile`]: the quality report's counts as one query.
//! - [`rules`]: association rules, their frequent itemsets counted level by level.
//! - [`segments`]: a segment's count or members as one query, the customer table in SQL.

pub mod chart;
pub mod cohorts;
pub mod conn;
pub mod customers;
pub mod funnel;
pub mod interactions;
pub mod link;
pub mod postgres;
pub mod profile;
pub mod rules;
pub mod secret;
pub mod segments;
mod source;
pub mod spark;

pub use chart::Transfer;

use serde::{Deserialize, Serialize};

/// The engines a dataset can be linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    Postgres,
    Spark,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Spark => "spark",
        }
    }

    /// The engine's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Spark => "Spark",
        }
    }

    /// The SQL dialect its queries are written in.
    pub fn dialect(self) -> crate::expr::Dialect {
        match self {
            Engine::Postgres => crate::expr::Dialect::Postgres,
            Engine::Spark => crate::expr::Dialect::Spark,
        }
    }
}

/// A table or view in a warehouse: `schema.table`, or `table` in the default schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRef {
    pub schema: Option<String>,
    pub table: String,
}

impl TableRef {
    /// Reads `schema.table` or `table`; a name with dots or quotes in it is refused (quote-free
    /// names keep the generated SQL simple to read and safe).
    pub fn parse(s: &str) -> crate::Result<TableRef> {
        let bad = |why: &str| {
            crate::Error::InvalidArgument(format!(
                "--table '{s}': {why}; give SCHEMA.TABLE, e.g. --table public.orders"
            ))
        };
        let parts: Vec<&str> = s.trim().split('.').collect();
        let ok = |p: &str| !p.is_empty() && !p.contains(['"', '\0', '\'']);
        match parts.as_slice() {
            [t] if ok(t) => Ok(TableRef {
                schema: None,
                table: t.to_string(),
            }),
            [sch, t] if ok(sch) && ok(t) => Ok(TableRef {
                schema: Some(sch.to_string()),
                table: t.to_string(),
            }),
            [_, _] | [_] => Err(bad("a name is empty or has a quote in it")),
            _ => Err(bad("too many dots")),
        }
    }

    /// As written by people: `schema.table`.
    pub fn text(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.table),
            None => self.table.clone(),
        }
    }

    /// As PostgreSQL's SQL: each part quoted as an identifier.
    pub fn sql(&self) -> String {
        self.sql_in(crate::expr::Dialect::Postgres)
    }

    /// As SQL in dialect `d`: each part quoted as an identifier.
    pub fn sql_in(&self, d: crate::expr::Dialect) -> String {
        match &self.schema {
            Some(s) => format!("{}.{}", d.quote(s), d.quote(&self.table)),
            None => d.quote(&self.table),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TableRef;

    #[test]
    fn table_names() {
        let t = TableRef::parse("public.orders").unwrap();
        assert_eq!(
            (t.text(), t.sql()),
            ("public.orders".into(), "\"public\".\"orders\"".into())
        );
        assert_eq!(TableRef::parse("订单").unwrap().sql(), "\"订单\"");
        for bad in ["", "a.", ".b", "a.b.c", "a\"b", "x'y"] {
            assert!(TableRef::parse(bad).is_err(), "{bad}");
        }
    }
}
