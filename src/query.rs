//! Read-only SQL over a project: each dataset is a table under its own name.

use crate::error::{Error, Result};
use crate::store::Project;
use rusqlite::types::ValueRef;
use std::io::Write;

/// How query results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Json,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            _ => Err(format!("unknown format '{s}'; use csv or json")),
        }
    }
}

/// A cell of a result.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    /// A cell read from SQLite.
    pub fn from_ref(v: ValueRef<'_>) -> Cell {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Int(i),
            ValueRef::Real(f) => Cell::Real(f),
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Cell::Text(format!("<{} bytes>", b.len())),
        }
    }

    /// The cell as shown in tables and written to CSV; NULL is empty.
    pub fn display(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Real(f) => format_real(*f),
            Cell::Text(t) => t.clone(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Int(i) => (*i).into(),
            Cell::Real(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Cell::Text(t) => t.clone().into(),
        }
    }
}

/// Shortest text that reads back as the same double, without a trailing `.0`.
pub fn format_real(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A query's result held in memory (for the window's tables).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The SQL after leading white space and comments (`-- …` lines, `/* … */` blocks).
fn skip_comments(sql: &str) -> &str {
    let mut s = sql.trim_start();
    loop {
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            return s;
        }
    }
}

/// The first keyword of a statement, upper-cased.
fn first_keyword(sql: &str) -> String {
    skip_comments(sql)
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

/// Refuses anything but a single read-only statement.
pub fn check_read_only(sql: &str) -> Result<()> {
    let first = first_keyword(sql);
    if !matches!(first.as_str(), "SELECT" | "WITH" | "VALUES" | "EXPLAIN") {
        return Err(Error::QueryRefused(format!(
            "only SELECT, WITH, VALUES and EXPLAIN statements run here; '{first}' could change the project. Use Loupe's commands (import, export, …) to change data"
        )));
    }
    Ok(())
}

fn prepare<'c>(project: &'c Project, sql: &str) -> Result<rusqlite::Statement<'c>> {
    let refused = check_read_only(sql);
    let stmt = match project.conn().prepare(sql) {
        Ok(stmt) => stmt,
        Err(rusqlite::Error::MultipleStatement) => {
            return Err(Error::QueryRefused("give one statement at a time".into()));
        }
        // A typo is a syntax error, whatever its first word.
        Err(e) if e.to_string().contains("syntax error") => {
            return Err(Error::Query(format!(
                "{e}; check the SQL there (only SELECT, WITH, VALUES and EXPLAIN statements run here)"
            )));
        }
        Err(e) => {
            refused?;
            return Err(Error::Query(e.to_string()));
        }
    };
    // A statement that reads as SQL but could write is refused as such.
    refused?;
    if !stmt.readonly() {
        return Err(Error::QueryRefused(
            "the statement writes to the project; queries are read-only".into(),
        ));
    }
    Ok(stmt)
}

/// Runs a query and writes its result; returns the number of rows.
pub fn query_to(
    project: &Project,
    sql: &str,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<u64> {
    let mut stmt = prepare(project, sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([]).map_err(|e| Error::Query(e.to_string()))?;
    let mut n = 0u64;
    let io = |e: std::io::Error| Error::io("<output>", e);
    match format {
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&names)
                .map_err(|e| Error::Export(e.to_string()))?;
            let mut rec = Vec::with_capacity(names.len());
            while let Some(row) = rows.next().map_err(|e| Error::Query(e.to_string()))? {
                rec.clear();
                for j in 0..names.len() {
                    rec.push(Cell::from_ref(row.get_ref(j)?).display());
                }
                w.write_record(&rec)
                    .map_err(|e| Error::Export(e.to_string()))?;
                n += 1;
            }
            w.flush().map_err(io)?;
        }
        OutputFormat::Json => {
            out.write_all(b"[").map_err(io)?;
            while let Some(row) = rows.next().map_err(|e| Error::Query(e.to_string()))? {
                let mut obj = serde_json::Map::new();
                for (j, name) in names.iter().enumerate() {
                    obj.insert(name.clone(), Cell::from_ref(row.get_ref(j)?).json());
                }
                if n > 0 {
                    out.write_all(b",").map_err(io)?;
                }
                out.write_all(b"\n").map_err(io)?;
                serde_json::to_writer(&mut *out, &obj).map_err(|e| Error::Export(e.to_string()))?;
                n += 1;
            }
            out.write_all(b"\n]\n").map_err(io)?;
        }
    }
    Ok(n)
}

/// Runs a query and keeps up to `limit` rows in memory.
pub fn query_table(project: &Project, sql: &str, limit: usize) -> Result<Table> {
    let mut stmt = prepare(project, sql)?;
    let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([]).map_err(|e| Error::Query(e.to_string()))?;
    let mut out = Vec::new();
    while out.len() < limit {
        let Some(row) = rows.next().map_err(|e| Error::Query(e.to_string()))? else {
            break;
        };
        out.push(
            (0..columns.len())
                .map(|j| row.get_ref(j).map(Cell::from_ref))
                .collect::<rusqlite::Result<_>>()?,
        );
    }
    Ok(Table { columns, rows: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_refused() {
        for sql in [
            "DELETE FROM t",
            "drop table t",
            "INSERT INTO t VALUES (1)",
            "ATTACH 'x' AS y",
            "PRAGMA user_version = 3",
            "UPDATE t SET a = 1",
        ] {
            assert!(
                matches!(check_read_only(sql), Err(Error::QueryRefused(_))),
                "{sql}"
            );
        }
        for sql in [
            "SELECT 1",
            "  with x as (select 1) select * from x",
            "VALUES (1)",
            "select(1)",
            "/* c */ SELECT 1",
            "-- note\n  /* more */ select 1",
        ] {
            check_read_only(sql).unwrap();
        }
    }

    #[test]
    fn reals_print_short() {
        assert_eq!(format_real(2.0), "2");
        assert_eq!(format_real(2.55), "2.55");
        assert_eq!(format_real(-0.5), "-0.5");
    }
}
