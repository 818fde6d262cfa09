//! A session with the warehouse a URL names: PostgreSQL or Spark Connect, behind one interface
//! (queries whose rows come back as text).

use super::postgres::{Pg, PgColumn, TextRows};
use super::secret::ConnUrl;
use super::spark::Spark;
use super::{Engine, TableRef};
use crate::progress::Reporter;
use crate::{Error, Result};

/// An open, read-only session.
pub enum Conn {
    Pg(Box<Pg>),
    Spark(Box<Spark>),
}

impl Conn {
    /// Connects to the engine the URL's scheme names; `context` names what the connection is
    /// for in errors.
    pub fn connect(url: &ConnUrl, context: &str) -> Result<Conn> {
        Ok(match url.engine()? {
            Engine::Postgres => Conn::Pg(Box::new(Pg::connect(url, context)?)),
            Engine::Spark => Conn::Spark(Box::new(Spark::connect(url, context)?)),
        })
    }

    /// Connects for `engine`, refusing a URL of another engine (a variable changed since the
    /// table was linked).
    pub fn connect_to(engine: Engine, url: &ConnUrl, context: &str) -> Result<Conn> {
        let found = url.engine()?;
        if found != engine {
            return Err(Error::InvalidArgument(format!(
                "{context}: it was linked from {}, and {} now holds a {} URL; set {} back, or link the table again with loupe link --replace",
                engine.label(),
                url.var(),
                found.label(),
                url.var()
            )));
        }
        Conn::connect(url, context)
    }

    /// Runs one query; its rows as text.
    pub fn query_text(&mut self, sql: &str, rep: &Reporter) -> Result<TextRows> {
        match self {
            Conn::Pg(c) => c.query_text(sql, rep),
            Conn::Spark(c) => c.query_text(sql, rep),
        }
    }

    /// The table's columns with the engine's type names.
    pub fn columns(&mut self, t: &TableRef) -> Result<Vec<PgColumn>> {
        match self {
            Conn::Pg(c) => c.columns(t),
            Conn::Spark(c) => c.columns(t),
        }
    }

    /// Up to `n` rows of `columns` as text.
    pub fn sample(
        &mut self,
        t: &TableRef,
        columns: &[PgColumn],
        n: u32,
        rep: &Reporter,
    ) -> Result<Vec<Vec<Option<String>>>> {
        match self {
            Conn::Pg(c) => c.sample(t, columns, n),
            Conn::Spark(c) => c.sample(t, columns, n, rep),
        }
    }

    /// The planner's estimate of the table's rows, when the engine keeps one without a scan.
    pub fn rows_estimate(&mut self, t: &TableRef) -> Result<Option<u64>> {
        match self {
            Conn::Pg(c) => c.rows_estimate(t),
            Conn::Spark(_) => Ok(None),
        }
    }

    /// The tables and views this user may read.
    pub fn tables(&mut self, rep: &Reporter) -> Result<Vec<TableRef>> {
        match self {
            Conn::Pg(c) => c.tables(),
            Conn::Spark(c) => c.tables(rep),
        }
    }
}
