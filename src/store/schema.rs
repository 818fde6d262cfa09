//! The project schema and its migrations.
//!
//! `PRAGMA application_id` marks a file as a Loupe project; `PRAGMA user_version` is its schema
//! version. Each migration runs in one transaction, so a failed upgrade leaves the file as it was.

use crate::error::Result;
use rusqlite::Connection;

/// "Loup" in ASCII.
pub const APPLICATION_ID: i32 = 0x4C6F_7570;

/// The schema version this Loupe writes.
pub const SCHEMA_VERSION: i64 = 9;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: catalog and activity log.
    r#"
    CREATE TABLE _loupe_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE _loupe_datasets (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL DEFAULT 'imported',
        format      TEXT NOT NULL,
        encoding    TEXT,
        delimiter   TEXT,
        has_header  INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        row_count   INTEGER NOT NULL
    );
    CREATE TABLE _loupe_sources (
        dataset_id INTEGER NOT NULL REFERENCES _loupe_datasets(id) ON DELETE CASCADE,
        ordinal    INTEGER NOT NULL,
        path       TEXT NOT NULL,
        size       INTEGER NOT NULL,
        modified   TEXT,
        sha256     TEXT NOT NULL,
        rows       INTEGER NOT NULL,
        PRIMARY KEY (dataset_id, ordinal)
    );
    CREATE TABLE _loupe_columns (
        dataset_id  INTEGER NOT NULL REFERENCES _loupe_datasets(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        name        TEXT NOT NULL,
        type        TEXT NOT NULL,
        role        TEXT,
        role_source TEXT,
        nulls       INTEGER NOT NULL DEFAULT 0,
        note        TEXT,
        PRIMARY KEY (dataset_id, position)
    );
    CREATE TABLE _loupe_activity (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,
        action  TEXT NOT NULL,
        dataset TEXT,
        rows    INTEGER,
        detail  TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TRIGGER _loupe_activity_no_update BEFORE UPDATE ON _loupe_activity
        BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
    CREATE TRIGGER _loupe_activity_no_delete BEFORE DELETE ON _loupe_activity
        BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
    "#,
    // 1 -> 2: cleaning recipes. One per imported dataset; `output` names the cleaned dataset.
    r#"
    CREATE TABLE _loupe_recipes (
        dataset    TEXT PRIMARY KEY,
        output     TEXT NOT NULL,
        recipe     TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    "#,
    // 2 -> 3: customer tag rules (conditions over the customer table), with starting examples
    // the user edits.
    r#"
    CREATE TABLE _loupe_tags (
        name       TEXT PRIMARY KEY,
        rule       TEXT NOT NULL,
        position   INTEGER NOT NULL,
        updated_at TEXT NOT NULL
    );
    INSERT INTO _loupe_tags(name, rule, position, updated_at) VALUES
        ('high value', 'm_score = 5', 1, datetime('now')),
        ('loyal regular', 'orders >= 5 and recency_days <= 90', 2, datetime('now')),
        ('slipping VIP', 'm_score >= 4 and recency_days > 120', 3, datetime('now')),
        ('frequent returner', 'return_orders >= 2', 4, datetime('now')),
        ('weekend shopper', 'preferred_weekday in (''Sat'', ''Sun'')', 5, datetime('now')),
        ('bargain hunter', 'orders >= 3 and average_order_value < 100', 6, datetime('now')),
        ('new parent', 'favourite_category = ''玩具'' or lower(favourite_category) contains ''toy''', 7, datetime('now'));
    "#,
    // 3 -> 4: saved segments (rules as JSON) and snapshots of their members.
    r#"
    CREATE TABLE _loupe_segments (
        name        TEXT PRIMARY KEY,
        rule        TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE _loupe_snapshots (
        id       INTEGER PRIMARY KEY,
        segment  TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        dataset  TEXT NOT NULL,
        as_of    TEXT NOT NULL,
        reason   TEXT NOT NULL,
        members  INTEGER NOT NULL,
        ids      TEXT NOT NULL
    );
    CREATE INDEX _loupe_snapshots_segment ON _loupe_snapshots(segment, id);
    "#,
    // 4 -> 5: saved charts for the dashboard, as JSON (kind and spec), in the user's order.
    r#"
    CREATE TABLE _loupe_charts (
        title      TEXT PRIMARY KEY,
        chart      TEXT NOT NULL,
        position   INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    "#,
    // 5 -> 6: personal data found at import (kind) and what the user decided (keep, mask, hash,
    // drop) per column; the salt of this project's hashes, random, made once.
    r#"
    CREATE TABLE IF NOT EXISTS _loupe_pii (
        dataset_id  INTEGER NOT NULL REFERENCES _loupe_datasets(id) ON DELETE CASCADE,
        column_name TEXT NOT NULL,
        kind        TEXT NOT NULL,
        action      TEXT NOT NULL,
        share       REAL NOT NULL,
        source      TEXT NOT NULL,
        PRIMARY KEY (dataset_id, column_name)
    );
    INSERT OR IGNORE INTO _loupe_meta(key, value) VALUES ('pii_salt', lower(hex(randomblob(32))));
    "#,
    // 6 -> 7: datasets derived from others (joins, appends), as a JSON spec with the data
    // markers of their inputs when built; relationships between datasets the user confirmed.
    r#"
    CREATE TABLE IF NOT EXISTS _loupe_derived (
        output     TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        spec       TEXT NOT NULL,
        inputs     TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS _loupe_relationships (
        from_dataset TEXT NOT NULL,
        from_column  TEXT NOT NULL,
        to_dataset   TEXT NOT NULL,
        to_column    TEXT NOT NULL,
        confirmed_at TEXT NOT NULL,
        PRIMARY KEY (from_dataset, from_column, to_dataset, to_column)
    );
    "#,
    // 7 -> 8: the platform preset each dataset was imported with, and the identity map that joins
    // the customer ids of several datasets into one customer_key (derived: rebuilt from the
    // datasets, see crate::identity; `_loupe_meta.identity_inputs` records what it was built from).
    r#"
    CREATE TABLE IF NOT EXISTS _loupe_platforms (
        dataset_id INTEGER PRIMARY KEY REFERENCES _loupe_datasets(id) ON DELETE CASCADE,
        preset     TEXT NOT NULL,
        platform   TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS _loupe_identity (
        dataset      TEXT NOT NULL,
        source_id    TEXT NOT NULL,
        customer_key TEXT NOT NULL,
        rule         TEXT NOT NULL,
        PRIMARY KEY (dataset, source_id)
    );
    CREATE INDEX IF NOT EXISTS _loupe_identity_key ON _loupe_identity(customer_key);
    "#,
    // 8 -> 9: linked datasets (crate::warehouse): a table in a warehouse, kept as JSON (engine,
    // the environment variable that holds the URL, the table, the columns); never the URL.
    r#"
    CREATE TABLE IF NOT EXISTS _loupe_links (
        name TEXT PRIMARY KEY,
        link TEXT NOT NULL
    );
    "#,
];

/// Brings the schema up to [`SCHEMA_VERSION`].
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current == 0 {
        // A brand-new file, or one an older step created empty: claim it.
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables > 0 {
            let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
            if app != APPLICATION_ID as i64 {
                return Err(crate::error::Error::InvalidArgument(
                    "the database has tables but is not a Loupe project".into(),
                ));
            }
        }
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.execute(
            "INSERT OR REPLACE INTO _loupe_meta(key, value) VALUES ('written_by', ?1)",
            [concat!("loupe ", env!("CARGO_PKG_VERSION"))],
        )?;
        tx.commit()?;
    }
    Ok(())
}
