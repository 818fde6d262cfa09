//! Spark, and what speaks Spark Connect (Databricks and other Spark services), through Apache's
//! `apache-spark-connect` client.
//!
//! - **Read-only:** Spark Connect has no read-only session, so Loupe sends queries only: a
//!   statement that does not start with `SELECT` or `WITH` is refused before it is sent (every
//!   query Loupe writes quotes identifiers and escapes literals, so a name cannot add one).
//! - **Timeout and cancel:** each query carries its own tag; when the user cancels, or the query
//!   runs past [`super::postgres::STATEMENT_TIMEOUT`], the tag is interrupted on the server.
//! - **Session settings** the local engine's reading relies on: UTC and ANSI SQL.
//! - **Secrets:** a URL's `;token=` never appears in an error ([`ConnUrl::scrub`]).

// The client's own error type is large; it is turned into Loupe's at once, never passed on.
#![allow(clippy::result_large_err)]

use super::TableRef;
use super::postgres::{CONNECT_TIMEOUT, PgColumn, STATEMENT_TIMEOUT, TextRows};
use super::secret::ConnUrl;
use crate::progress::Reporter;
use crate::{Error, Result};
use arrow::array::Array;
use spark_connect::SparkSession;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// An open Spark Connect session.
pub struct Spark {
    session: SparkSession,
    url: ConnUrl,
    /// What errors name: `dataset 'orders' (default.orders)`.
    context: String,
}

/// Tags the queries of this process apart.
static NEXT_TAG: AtomicU64 = AtomicU64::new(1);

impl Spark {
    /// Connects (at most [`CONNECT_TIMEOUT`]) and sets the session's time zone to UTC.
    pub fn connect(url: &ConnUrl, context: &str) -> Result<Spark> {
        let remote = url.secret().to_string();
        let (tx, rx) = mpsc::channel();
        // The client blocks on its own runtime and retries an unreachable host for a long
        // time: the attempt runs on a thread of its own, and is abandoned at the timeout.
        std::thread::spawn(move || {
            let session = SparkSession::builder()
                .remote(&remote)
                .get_or_create()
                .and_then(|s| {
                    s.conf().set("spark.sql.session.timeZone", "UTC")?;
                    s.conf().set("spark.sql.ansi.enabled", "true")?;
                    Ok(s)
                });
            let _ = tx.send(session);
        });
        let unreachable = |detail: &str| {
            Error::Warehouse(format!(
                "{context}: cannot reach Spark Connect at {} ({}); check the host and port in {} and that the server is running",
                url.redacted(),
                url.scrub(detail),
                url.var()
            ))
        };
        match rx.recv_timeout(CONNECT_TIMEOUT) {
            Ok(Ok(session)) => Ok(Spark {
                session,
                url: url.clone(),
                context: context.to_string(),
            }),
            Ok(Err(e)) => {
                let said = e.to_string();
                if said.contains("INVALID_CONNECT_URL") {
                    Err(Error::Warehouse(format!(
                        "{context}: the URL in {} cannot be read ({}); give sc://host:port",
                        url.var(),
                        url.scrub(&first_line(&said))
                    )))
                } else if e.grpc_code() == Some(16) {
                    Err(Error::Warehouse(format!(
                        "{context}: Spark Connect refused the token in {} ({}); check it, or ask the service's owner for access",
                        url.var(),
                        url.scrub(&first_line(&said))
                    )))
                } else {
                    Err(unreachable(&first_line(&said)))
                }
            }
            Err(_) => Err(unreachable(&format!(
                "no answer within {} s",
                CONNECT_TIMEOUT.as_secs()
            ))),
        }
    }

    fn fail(&self, e: &spark_connect::SparkError) -> Error {
        explain(e, &self.url, &self.context)
    }

    /// The table's (or view's) columns in order, with Spark's type names; an error that says
    /// what to do when there is no such table.
    pub fn columns(&mut self, t: &TableRef) -> Result<Vec<PgColumn>> {
        let sql = format!("SELECT * FROM {}", t.sql_in(crate::expr::Dialect::Spark));
        let types = self
            .session
            .sql(&sql)
            .and_then(|df| df.dtypes())
            .map_err(|e| self.fail(&e))?;
        Ok(types
            .into_iter()
            .map(|(name, udt)| PgColumn { name, udt })
            .collect())
    }

    /// The tables and views of every database, by database and name (temporary views left
    /// out).
    pub fn tables(&mut self, rep: &Reporter) -> Result<Vec<TableRef>> {
        let databases = self.query_text("SHOW DATABASES", rep)?;
        let mut out = Vec::new();
        for db in databases
            .rows
            .iter()
            .filter_map(|r| r.first().cloned().flatten())
        {
            let sql = format!("SHOW TABLES IN {}", crate::expr::Dialect::Spark.quote(&db));
            let tables = self.query_text(&sql, rep)?;
            let name = tables.columns.iter().position(|c| c == "tableName");
            let temporary = tables.columns.iter().position(|c| c == "isTemporary");
            for r in &tables.rows {
                let is_temp = temporary
                    .and_then(|i| r.get(i).cloned().flatten())
                    .is_some_and(|v| v == "true");
                if let (Some(t), false) = (name.and_then(|i| r.get(i).cloned().flatten()), is_temp)
                {
                    out.push(TableRef {
                        schema: Some(db.clone()),
                        table: t,
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.schema, &a.table).cmp(&(&b.schema, &b.table)));
        Ok(out)
    }

    /// Up to `n` rows of `columns`, each value as Spark's text for it (`None` for NULL).
    pub fn sample(
        &mut self,
        t: &TableRef,
        columns: &[PgColumn],
        n: u32,
        rep: &Reporter,
    ) -> Result<Vec<Vec<Option<String>>>> {
        let d = crate::expr::Dialect::Spark;
        let list: Vec<String> = columns
            .iter()
            .map(|c| format!("CAST({} AS STRING)", d.quote(&c.name)))
            .collect();
        let sql = format!("SELECT {} FROM {} LIMIT {n}", list.join(", "), t.sql_in(d));
        Ok(self.query_text(&sql, rep)?.rows)
    }

    /// Runs one query and returns its rows as text. A cancel asked through `rep`, or the
    /// statement timeout, interrupts the query on the server, and the call returns
    /// [`Error::Cancelled`] (or an error naming the timeout).
    pub fn query_text(&mut self, sql: &str, rep: &Reporter) -> Result<TextRows> {
        rep.check()?;
        let head = sql.trim_start().to_ascii_uppercase();
        if !["SELECT", "WITH", "SHOW", "DESCRIBE"]
            .iter()
            .any(|k| head.starts_with(k))
        {
            return Err(Error::Warehouse(format!(
                "{}: Loupe sends only queries to Spark, and this statement is not one",
                self.context
            )));
        }
        let tag = format!(
            "loupe-{}-{}",
            std::process::id(),
            NEXT_TAG.fetch_add(1, Ordering::Relaxed)
        );
        self.session.add_tag(&tag).map_err(|e| self.fail(&e))?;
        let session = self.session.clone();
        let query = sql.to_string();
        let worker = std::thread::spawn(move || {
            session
                .sql(&query)
                .and_then(|df| df.collect_record_batches())
        });
        let started = Instant::now();
        let mut stopped: Option<bool> = None;
        while !worker.is_finished() {
            if stopped.is_none() {
                let timed_out = started.elapsed() > STATEMENT_TIMEOUT;
                if rep.check().is_err() || timed_out {
                    let _ = self.session.interrupt_tag(&tag);
                    stopped = Some(timed_out);
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.session.remove_tag(&tag);
        let result = worker.join().map_err(|_| {
            Error::Warehouse(format!(
                "{}: the Spark client stopped unexpectedly",
                self.context
            ))
        })?;
        let batches = match (result, stopped) {
            (Ok(b), None) => b,
            (_, Some(false)) => return Err(Error::Cancelled),
            (_, Some(true)) => {
                return Err(Error::Warehouse(format!(
                    "{}: the query ran past the {} min timeout and was stopped",
                    self.context,
                    STATEMENT_TIMEOUT.as_secs() / 60
                )));
            }
            (Err(e), None) => return Err(self.fail(&e)),
        };
        let mut out = TextRows::default();
        for b in &batches {
            if out.columns.is_empty() {
                out.columns = b
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .collect();
            }
            for c in b.columns() {
                out.bytes += c.to_data().get_slice_memory_size().unwrap_or(0) as u64;
            }
            // A column of NULL literals has the Null type, whose values are null only
            // logically.
            let nulls: Vec<_> = b.columns().iter().map(|c| c.logical_nulls()).collect();
            for i in 0..b.num_rows() {
                let mut row = Vec::with_capacity(b.num_columns());
                for (c, n) in b.columns().iter().zip(&nulls) {
                    row.push(if n.as_ref().is_some_and(|n| n.is_null(i)) {
                        None
                    } else {
                        Some(
                            arrow::util::display::array_value_to_string(c, i)
                                .map_err(|e| Error::Warehouse(format!("{}: {e}", self.context)))?,
                        )
                    });
                }
                out.rows.push(row);
            }
        }
        Ok(out)
    }
}

impl Drop for Spark {
    fn drop(&mut self) {
        let _ = self.session.stop();
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .chars()
        .take(400)
        .collect()
}

/// A client error as a message that names `context`, says what to do and holds no token.
fn explain(e: &spark_connect::SparkError, url: &ConnUrl, context: &str) -> Error {
    let said = url.scrub(&first_line(&e.to_string()));
    let class = e.get_error_class().unwrap_or_default();
    let msg = match class.as_str() {
        "TABLE_OR_VIEW_NOT_FOUND" => format!(
            "{context}: {said}; check --table (DATABASE.TABLE) and that the table still exists"
        ),
        "UNRESOLVED_COLUMN.WITH_SUGGESTION" | "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION" => format!(
            "{context}: {said}; the table has changed since it was linked: link it again with loupe link --replace"
        ),
        "OPERATION_CANCELED" => format!("{context}: the query was cancelled ({said})"),
        c if c.starts_with("CAST_INVALID_INPUT") || c.starts_with("DATATYPE_MISMATCH") => format!(
            "{context}: {said}; a column's type in Spark is not the one linked: link the table again, or give the column's type with --type"
        ),
        c if !c.is_empty() => format!("{context}: Spark said: {said} ({c})"),
        _ => match e.grpc_code() {
            Some(14) | Some(4) => format!(
                "{context}: lost the connection to Spark Connect at {} ({said}); check that the server is running",
                url.redacted()
            ),
            Some(16) | Some(7) => format!(
                "{context}: Spark Connect refused the token in {} ({said}); check it",
                url.var()
            ),
            _ => format!("{context}: Spark said: {said}"),
        },
    };
    Error::Warehouse(msg)
}
