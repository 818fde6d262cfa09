//! PostgreSQL, through the `postgres` client crate (and anything that speaks its protocol and
//! dialect).
//!
//! Every session is read-only (`default_transaction_read_only`) and has a statement timeout, so
//! a runaway query is stopped by the server. Errors name the dataset and the table, say what to
//! do, and never contain the password (they pass through [`ConnUrl::scrub`]).
//!
//! Connections are made without TLS: a URL that requires it (`sslmode=require`) is refused with
//! that reason.

use super::TableRef;
use super::secret::ConnUrl;
use crate::{Error, Result};
use std::time::Duration;

/// How long a connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one statement may run on the server.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// An open, read-only session.
pub struct Pg {
    client: postgres::Client,
    url: ConnUrl,
    /// What errors name: `dataset 'orders' (public.orders)`.
    context: String,
}

/// A column as the catalog describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct PgColumn {
    pub name: String,
    /// The type's name in the catalog (`udt_name`: int4, numeric, timestamptz, text…).
    pub udt: String,
}

impl Pg {
    /// Connects; `context` names what the connection is for in errors.
    pub fn connect(url: &ConnUrl, context: &str) -> Result<Pg> {
        let mut config: postgres::Config = url.secret().parse().map_err(|e: postgres::Error| {
            Error::Warehouse(format!(
                "{context}: the URL in {} cannot be read ({}); give postgresql://user:password@host:port/database",
                url.var(),
                url.scrub(&e.to_string())
            ))
        })?;
        // Read-only, bounded, and the settings Loupe's parsing relies on whatever the server's
        // defaults: UTC, ISO dates, standard string literals, round-trip float digits.
        let options = format!(
            "-c default_transaction_read_only=on -c statement_timeout={} -c TimeZone=UTC \
             -c DateStyle=ISO -c standard_conforming_strings=on -c extra_float_digits=3",
            STATEMENT_TIMEOUT.as_millis()
        );
        config
            .connect_timeout(CONNECT_TIMEOUT)
            .application_name("loupe")
            .options(&options);
        let client = config
            .connect(postgres::NoTls)
            .map_err(|e| explain(&e, url, context))?;
        Ok(Pg {
            client,
            url: url.clone(),
            context: context.to_string(),
        })
    }

    fn fail(&self, e: postgres::Error) -> Error {
        explain(&e, &self.url, &self.context)
    }

    /// The schema a table without one is looked up in.
    fn schema_of(&mut self, t: &TableRef) -> Result<String> {
        match &t.schema {
            Some(s) => Ok(s.clone()),
            None => {
                let row = self
                    .client
                    .query_one("SELECT current_schema()::text", &[])
                    .map_err(|e| self.fail(e))?;
                let schema: Option<String> = row.try_get(0).map_err(|e| self.fail(e))?;
                Ok(schema.unwrap_or_default())
            }
        }
    }

    /// The table's (or view's) columns in order; an error that says what to do when there is no
    /// such table the user may read.
    pub fn columns(&mut self, t: &TableRef) -> Result<Vec<PgColumn>> {
        let schema = self.schema_of(t)?;
        let rows = self
            .client
            .query(
                "SELECT column_name::text, udt_name::text FROM information_schema.columns \
                 WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                &[&schema, &t.table],
            )
            .map_err(|e| self.fail(e))?;
        if rows.is_empty() {
            return Err(Error::Warehouse(format!(
                "{}: there is no table or view {}.{} that this user may read; check --table (SCHEMA.TABLE) and that the user has SELECT on it",
                self.context, schema, t.table
            )));
        }
        rows.iter()
            .map(|r| {
                Ok(PgColumn {
                    name: r.try_get(0).map_err(|e| self.fail(e))?,
                    udt: r.try_get(1).map_err(|e| self.fail(e))?,
                })
            })
            .collect()
    }

    /// The tables and views this user may read, by schema and name, PostgreSQL's own schemas
    /// left out.
    pub fn tables(&mut self) -> Result<Vec<TableRef>> {
        let rows = self
            .client
            .query(
                "SELECT table_schema::text, table_name::text FROM information_schema.tables \
                 WHERE table_schema NOT IN ('pg_catalog', 'information_schema') \
                 AND table_schema NOT LIKE 'pg\\_%' ORDER BY 1, 2",
                &[],
            )
            .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|r| {
                Ok(TableRef {
                    schema: Some(r.try_get(0).map_err(|e| self.fail(e))?),
                    table: r.try_get(1).map_err(|e| self.fail(e))?,
                })
            })
            .collect()
    }

    /// Up to `n` rows of `columns`, each value as PostgreSQL's text for it (`None` for NULL).
    pub fn sample(
        &mut self,
        t: &TableRef,
        columns: &[PgColumn],
        n: u32,
    ) -> Result<Vec<Vec<Option<String>>>> {
        let list: Vec<String> = columns
            .iter()
            .map(|c| format!("{}::text", quote(&c.name)))
            .collect();
        let sql = format!("SELECT {} FROM {} LIMIT {n}", list.join(", "), t.sql());
        let rows = self.client.query(&sql, &[]).map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|r| {
                (0..columns.len())
                    .map(|i| r.try_get(i).map_err(|e| self.fail(e)))
                    .collect()
            })
            .collect()
    }

    /// The planner's estimate of the table's rows (no scan); `None` for a view or a table never
    /// analysed.
    pub fn rows_estimate(&mut self, t: &TableRef) -> Result<Option<u64>> {
        let row = self
            .client
            .query_one(
                "SELECT c.reltuples::float8, c.relkind::text FROM pg_class c \
                 WHERE c.oid = to_regclass($1)",
                &[&t.sql()],
            )
            .map_err(|e| self.fail(e));
        let Ok(row) = row else { return Ok(None) };
        let tuples: Option<f64> = row.try_get(0).ok().flatten();
        let kind: Option<String> = row.try_get(1).ok().flatten();
        Ok(match (tuples, kind.as_deref()) {
            (Some(n), Some("r" | "p" | "m")) if n >= 0.0 => Some(n as u64),
            _ => None,
        })
    }
}

/// A query's result as PostgreSQL's text for each value (`None` for NULL), and the bytes of its
/// rows on the wire.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    /// The data rows' messages as the server sent them (type, length, field count, and each
    /// field's length and bytes).
    pub bytes: u64,
}

impl Pg {
    /// Runs one read-only query and returns its rows as text. While it runs, a cancel asked
    /// through `rep` cancels the query on the server too (PostgreSQL's cancel request), and the
    /// call returns [`Error::Cancelled`].
    pub fn query_text(&mut self, sql: &str, rep: &crate::progress::Reporter) -> Result<TextRows> {
        use postgres::SimpleQueryMessage;
        rep.check()?;
        let token = self.client.cancel_token();
        let cancel = rep.cancel_token().clone();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watcher = {
            let done = done.clone();
            std::thread::spawn(move || {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    if cancel.is_cancelled() {
                        let _ = token.cancel_query(postgres::NoTls);
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let result = self.client.simple_query(sql);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = watcher.join();
        let messages = match result {
            Ok(m) => m,
            Err(_) if rep.check().is_err() => return Err(Error::Cancelled),
            Err(e) => return Err(self.fail(e)),
        };
        let mut out = TextRows::default();
        for m in messages {
            match m {
                SimpleQueryMessage::RowDescription(cols) => {
                    out.columns = cols.iter().map(|c| c.name().to_string()).collect();
                }
                SimpleQueryMessage::Row(row) => {
                    let values: Vec<Option<String>> = (0..row.len())
                        .map(|i| row.get(i).map(str::to_string))
                        .collect();
                    out.bytes += 7 + values
                        .iter()
                        .map(|v| 4 + v.as_ref().map_or(0, |s| s.len() as u64))
                        .sum::<u64>();
                    if out.columns.is_empty() {
                        out.columns = row.columns().iter().map(|c| c.name().to_string()).collect();
                    }
                    out.rows.push(values);
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// `name` quoted as an identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A driver error as a message that names `context`, says what to do and holds no password.
fn explain(e: &postgres::Error, url: &ConnUrl, context: &str) -> Error {
    let var = url.var();
    if let Some(db) = e.as_db_error() {
        let said = url.scrub(db.message());
        let msg = match db.code().code() {
            "28P01" | "28000" => format!(
                "{context}: the warehouse refused the user or password in {var} ({said}); check them, or ask the database's owner for access"
            ),
            "3D000" => {
                format!("{context}: {said}; check the database name at the end of the URL in {var}")
            }
            "42P01" => format!(
                "{context}: {said}; check --table (SCHEMA.TABLE) and that the table still exists"
            ),
            "42501" => format!(
                "{context}: {said}; the user in {var} needs SELECT on the table (GRANT SELECT ON … TO …)"
            ),
            "57014" => format!(
                "{context}: the query was stopped ({said}): it was cancelled, or ran past the {} min statement timeout",
                STATEMENT_TIMEOUT.as_secs() / 60
            ),
            "53300" => {
                format!("{context}: {said}; the server has no free connection, try again later")
            }
            code => format!("{context}: PostgreSQL said: {said} (SQLSTATE {code})"),
        };
        return Error::Warehouse(msg);
    }
    let detail = url.scrub(&error_chain(e));
    let lower = detail.to_lowercase();
    let msg = if lower.contains("tls") || lower.contains("ssl") {
        format!(
            "{context}: {detail}. This Loupe connects without TLS: use sslmode=disable or prefer in the URL in {var}, or connect through an SSH tunnel"
        )
    } else {
        format!(
            "{context}: cannot reach the warehouse at {} ({detail}); check the host and port in {var} and that the server accepts connections from this machine",
            url.redacted()
        )
    };
    Error::Warehouse(msg)
}

/// The error and its sources, joined.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        src = s.source();
    }
    out
}
