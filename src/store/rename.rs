//! Renaming a dataset: its table and every reference the project keeps to it by name, in one
//! transaction.
//!
//! What follows the new name: the catalog, the data table, its cleaning recipe (as input or as
//! the cleaned output), confirmed relationships, segment snapshots, saved charts, the identity
//! map's choice of datasets, and a derived dataset's own definition when it is the one renamed.
//! Derived tables kept for the old name (the columnar copy, customer tables) are dropped and
//! rebuilt on the next read. A join or append that reads the dataset keeps its inputs by name
//! in its definition and in the markers of its last build; renaming such an input is refused
//! with the names of the datasets that read it, rather than leaving them unable to rebuild.

use super::{Action, Project, activity, derived, names, quote_ident};
use crate::error::{Error, Result};
use rusqlite::{Connection, params};
use serde_json::Value;

impl Project {
    /// Renames dataset `old` to `new` (see the module's documentation for what follows it).
    pub fn rename_dataset(&mut self, old: &str, new: &str) -> Result<()> {
        let info = self.dataset(old)?;
        names::validate_dataset_name(new)?;
        if new == old {
            return Ok(());
        }
        let readers = readers_of(self.conn(), old)?;
        if !readers.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "dataset '{old}' is read by {}, which keep it by name; delete them, or build \
                 them again from '{new}' after the rename",
                readers
                    .iter()
                    .map(|r| format!("'{r}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let taken: i64 = self.conn().query_row(
            "SELECT count(*) FROM sqlite_schema WHERE lower(name) = lower(?1) AND lower(name) <> lower(?2)",
            params![new, old],
            |r| r.get(0),
        )?;
        if taken > 0 || self.has_dataset(new)? {
            return Err(Error::DatasetExists {
                name: new.to_string(),
            });
        }
        let tx = self.conn_mut().transaction()?;
        // Through a temporary name, so a change of case alone is a rename too.
        let tmp = "_loupe_renaming";
        tx.execute_batch(&format!(
            "ALTER TABLE {} RENAME TO {tmp}; ALTER TABLE {tmp} RENAME TO {};",
            quote_ident(old),
            quote_ident(new)
        ))?;
        for sql in [
            "UPDATE _loupe_datasets SET name = ?2 WHERE name = ?1",
            "UPDATE _loupe_recipes SET dataset = ?2 WHERE dataset = ?1",
            "UPDATE _loupe_recipes SET output = ?2 WHERE output = ?1",
            "UPDATE _loupe_derived SET output = ?2 WHERE output = ?1",
            "UPDATE _loupe_snapshots SET dataset = ?2 WHERE dataset = ?1",
            "UPDATE _loupe_identity SET dataset = ?2 WHERE dataset = ?1",
        ] {
            tx.execute(sql, params![old, new])?;
        }
        // A relationship may be kept in both directions already under the new name (never, as the
        // name was free, but OR REPLACE keeps the primary key whole either way).
        tx.execute(
            "UPDATE OR REPLACE _loupe_relationships SET from_dataset = ?2 WHERE from_dataset = ?1",
            params![old, new],
        )?;
        tx.execute(
            "UPDATE OR REPLACE _loupe_relationships SET to_dataset = ?2 WHERE to_dataset = ?1",
            params![old, new],
        )?;
        rename_in_charts(&tx, old, new)?;
        rename_in_identity_choice(&tx, old, new)?;
        crate::kept::forget_dataset(&tx, old)?;
        activity::append(
            &tx,
            Action::Edit,
            Some(new),
            Some(info.rows),
            &serde_json::json!({"renamed_from": old}),
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The derived datasets (joins, appends) that read `dataset`, other than itself.
fn readers_of(conn: &Connection, dataset: &str) -> Result<Vec<String>> {
    Ok(derived::list(conn)?
        .into_iter()
        .filter(|d| d.output != dataset)
        .filter(|d| {
            serde_json::from_str::<Value>(&d.inputs)
                .ok()
                .and_then(|v| v.as_object().map(|o| o.contains_key(dataset)))
                .unwrap_or(false)
                || mentions(&d.spec, dataset)
        })
        .map(|d| d.output)
        .collect())
}

/// Whether a JSON text holds `name` as a whole string value anywhere.
fn mentions(json: &str, name: &str) -> bool {
    fn walk(v: &Value, name: &str) -> bool {
        match v {
            Value::String(s) => s == name,
            Value::Array(a) => a.iter().any(|x| walk(x, name)),
            Value::Object(o) => o.values().any(|x| walk(x, name)),
            _ => false,
        }
    }
    serde_json::from_str::<Value>(json).is_ok_and(|v| walk(&v, name))
}

/// Every `"dataset": old` in a JSON value, anywhere, set to `new`; whether any was.
fn rename_dataset_fields(v: &mut Value, old: &str, new: &str) -> bool {
    match v {
        Value::Object(o) => {
            let mut changed = false;
            for (k, x) in o.iter_mut() {
                if k == "dataset" && x.as_str() == Some(old) {
                    *x = Value::String(new.to_string());
                    changed = true;
                } else {
                    changed |= rename_dataset_fields(x, old, new);
                }
            }
            changed
        }
        Value::Array(a) => a
            .iter_mut()
            .fold(false, |c, x| rename_dataset_fields(x, old, new) | c),
        _ => false,
    }
}

fn rename_in_charts(conn: &Connection, old: &str, new: &str) -> Result<()> {
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT title, chart FROM _loupe_charts")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (title, chart) in rows {
        let Ok(mut v) = serde_json::from_str::<Value>(&chart) else {
            continue;
        };
        if rename_dataset_fields(&mut v, old, new) {
            conn.execute(
                "UPDATE _loupe_charts SET chart = ?2 WHERE title = ?1",
                params![title, v.to_string()],
            )?;
        }
    }
    Ok(())
}

/// The identity map's chosen datasets, kept by name: the new name replaces the old one (the map
/// is then stale, as its signature names the old one, and is rebuilt on its next use).
fn rename_in_identity_choice(conn: &Connection, old: &str, new: &str) -> Result<()> {
    use rusqlite::OptionalExtension;
    let kept: Option<String> = conn
        .query_row(
            "SELECT value FROM _loupe_meta WHERE key = 'identity_inputs'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let Some(mut v) = kept.and_then(|k| serde_json::from_str::<Value>(&k).ok()) else {
        return Ok(());
    };
    let Some(chosen) = v.get_mut("chosen").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    let mut changed = false;
    for d in chosen.iter_mut() {
        if d.as_str() == Some(old) {
            *d = Value::String(new.to_string());
            changed = true;
        }
    }
    if changed {
        conn.execute(
            "UPDATE _loupe_meta SET value = ?1 WHERE key = 'identity_inputs'",
            [v.to_string()],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_fields_are_renamed_at_any_depth_and_only_whole() {
        let mut v: Value = serde_json::json!({
            "kind": "builder",
            "spec": {"dataset": "orders", "x": "orders"},
            "cards": [{"dataset": "orders_clean"}, {"dataset": "orders"}]
        });
        assert!(rename_dataset_fields(&mut v, "orders", "门店订单"));
        assert_eq!(v["spec"]["dataset"], "门店订单");
        assert_eq!(v["spec"]["x"], "orders");
        assert_eq!(v["cards"][0]["dataset"], "orders_clean");
        assert_eq!(v["cards"][1]["dataset"], "门店订单");
        assert!(!rename_dataset_fields(&mut v, "nothing", "x"));
        assert!(mentions(r#"{"inputs":["a","orders"]}"#, "orders"));
        assert!(!mentions(r#"{"inputs":["orders_x"]}"#, "orders"));
    }
}
