//! The append-only activity log: every import, export, deletion and rebuild.

use crate::error::Result;
use rusqlite::Connection;
use serde::Serialize;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Import,
    Export,
    Delete,
    Rebuild,
    Edit,
    Backup,
    Restore,
    /// A customer's data erased (a subject request); the entry holds a salted hash, not the id.
    Erase,
    /// The passphrase was set, changed or removed.
    Passphrase,
    /// Personal data a screen shows masked was shown in clear; the entry holds a salted hash of
    /// the customer's id and the column, not the value.
    Reveal,
    /// A warehouse table was linked as a dataset (the entry names the table and the
    /// environment variable, never the URL).
    Link,
    /// A linked dataset was removed.
    Unlink,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Import => "import",
            Action::Export => "export",
            Action::Delete => "delete",
            Action::Rebuild => "rebuild",
            Action::Edit => "edit",
            Action::Backup => "backup",
            Action::Restore => "restore",
            Action::Erase => "erase",
            Action::Passphrase => "passphrase",
            Action::Reveal => "reveal",
            Action::Link => "link",
            Action::Unlink => "unlink",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityEntry {
    pub id: i64,
    /// Local time with offset, RFC 3339.
    pub at: String,
    pub action: String,
    pub dataset: Option<String>,
    pub rows: Option<u64>,
    pub detail: serde_json::Value,
}

pub fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Appends one entry; works inside the caller's transaction when given one.
pub fn append(
    conn: &Connection,
    action: Action,
    dataset: Option<&str>,
    rows: Option<u64>,
    detail: &serde_json::Value,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO _loupe_activity(at, action, dataset, rows, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![
        now_rfc3339(),
        action.as_str(),
        dataset,
        rows.map(|r| r as i64),
        detail.to_string()
    ])?;
    Ok(())
}

/// Which entries to show: each given part must match (dates are local days, inclusive).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityFilter {
    pub action: Option<String>,
    pub dataset: Option<String>,
    /// Found, ignoring case, in the action, dataset or details.
    pub text: Option<String>,
    /// `YYYY-MM-DD`.
    pub since: Option<String>,
    /// `YYYY-MM-DD`.
    pub until: Option<String>,
}

impl ActivityFilter {
    /// Checks the dates (`YYYY-MM-DD`) and drops empty parts.
    pub fn normalized(&self) -> Result<ActivityFilter> {
        let clean = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let date = |v: &Option<String>, what: &str| -> Result<Option<String>> {
            match clean(v) {
                None => Ok(None),
                Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map(|x| Some(x.format("%Y-%m-%d").to_string()))
                    .map_err(|_| {
                        crate::error::Error::InvalidArgument(format!(
                            "{what} '{d}' is not a date; write it as YYYY-MM-DD, e.g. 2024-05-31"
                        ))
                    }),
            }
        };
        Ok(ActivityFilter {
            action: clean(&self.action),
            dataset: clean(&self.dataset),
            text: clean(&self.text),
            since: date(&self.since, "since")?,
            until: date(&self.until, "until")?,
        })
    }
}

/// The newest `limit` entries that pass `filter`, newest first.
pub fn list_filtered(
    conn: &Connection,
    filter: &ActivityFilter,
    limit: usize,
) -> Result<Vec<ActivityEntry>> {
    let f = filter.normalized()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, action, dataset, rows, detail FROM _loupe_activity
         WHERE (?1 IS NULL OR action = ?1)
           AND (?2 IS NULL OR dataset = ?2)
           AND (?3 IS NULL OR instr(lower(action || ' ' || ifnull(dataset, '') || ' ' || detail), lower(?3)) > 0)
           AND (?4 IS NULL OR substr(at, 1, 10) >= ?4)
           AND (?5 IS NULL OR substr(at, 1, 10) <= ?5)
         ORDER BY id DESC LIMIT ?6",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![f.action, f.dataset, f.text, f.since, f.until, limit as i64],
        entry,
    )?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The actions and the datasets the log names, for the filters' choices.
pub fn choices(conn: &Connection) -> Result<(Vec<String>, Vec<String>)> {
    let col = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let v = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(v)
    };
    Ok((
        col("SELECT DISTINCT action FROM _loupe_activity ORDER BY action")?,
        col(
            "SELECT DISTINCT dataset FROM _loupe_activity WHERE dataset IS NOT NULL ORDER BY dataset",
        )?,
    ))
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityEntry> {
    let detail: String = r.get(5)?;
    Ok(ActivityEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        action: r.get(2)?,
        dataset: r.get(3)?,
        rows: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
    })
}

/// The newest `limit` entries, newest first.
pub fn list(conn: &Connection, limit: usize) -> Result<Vec<ActivityEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, action, dataset, rows, detail FROM _loupe_activity ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], entry)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::schema::migrate(&mut c).unwrap();
        c
    }

    #[test]
    fn the_log_is_append_only() {
        let c = log();
        append(
            &c,
            Action::Import,
            Some("orders"),
            Some(3),
            &serde_json::json!({}),
        )
        .unwrap();
        let upd = c
            .execute("UPDATE _loupe_activity SET action = 'x'", [])
            .unwrap_err();
        assert!(upd.to_string().contains("append-only"), "{upd}");
        let del = c.execute("DELETE FROM _loupe_activity", []).unwrap_err();
        assert!(del.to_string().contains("append-only"), "{del}");
        assert_eq!(list(&c, 10).unwrap().len(), 1, "the entry is still there");
    }

    #[test]
    fn filters() {
        let c = log();
        let add = |at: &str, action: &str, ds: Option<&str>, detail: &str| {
            c.execute(
                "INSERT INTO _loupe_activity(at, action, dataset, rows, detail) VALUES (?1, ?2, ?3, NULL, ?4)",
                rusqlite::params![at, action, ds, detail],
            )
            .unwrap();
        };
        add(
            "2024-01-05T10:00:00+08:00",
            "import",
            Some("orders"),
            r#"{"files":["a.csv"]}"#,
        );
        add(
            "2024-02-01T09:00:00+08:00",
            "export",
            Some("orders"),
            r#"{"to":"Out.xlsx"}"#,
        );
        add(
            "2024-02-03T23:59:59+08:00",
            "import",
            Some("events"),
            r#"{"files":["b.csv"]}"#,
        );
        add("2024-03-01T00:00:00+08:00", "backup", None, "{}");
        let ids = |f: ActivityFilter| -> Vec<i64> {
            list_filtered(&c, &f, 100)
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect()
        };
        let f = |a: Option<&str>,
                 d: Option<&str>,
                 t: Option<&str>,
                 s: Option<&str>,
                 u: Option<&str>| {
            ActivityFilter {
                action: a.map(String::from),
                dataset: d.map(String::from),
                text: t.map(String::from),
                since: s.map(String::from),
                until: u.map(String::from),
            }
        };
        assert_eq!(ids(f(None, None, None, None, None)), [4, 3, 2, 1]);
        assert_eq!(ids(f(Some("import"), None, None, None, None)), [3, 1]);
        assert_eq!(ids(f(None, Some("orders"), None, None, None)), [2, 1]);
        assert_eq!(
            ids(f(None, None, Some("out.XLSX"), None, None)),
            [2],
            "text ignores case"
        );
        assert_eq!(
            ids(f(None, None, None, Some("2024-02-01"), Some("2024-02-03"))),
            [3, 2]
        );
        assert_eq!(
            ids(f(Some("import"), None, None, Some("2024-02-01"), None)),
            [3]
        );
        assert_eq!(
            ids(f(Some(" "), None, Some(""), None, None)),
            [4, 3, 2, 1],
            "blank parts are no filter"
        );
        let err =
            list_filtered(&c, &f(None, None, None, Some("01/02/2024"), None), 10).unwrap_err();
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        let (actions, datasets) = choices(&c).unwrap();
        assert_eq!(actions, ["backup", "export", "import"]);
        assert_eq!(datasets, ["events", "orders"]);
    }
}
