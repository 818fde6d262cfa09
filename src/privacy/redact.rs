//! An erased customer's id in text people wrote: tag and segment names, descriptions, chart
//! titles, the rules that name them, and the activity log.
//!
//! Erasure always replaces a quoted literal that is exactly the id (`'C123'`, see
//! [`super::subject`]); the id inside longer text (a tag named `VIP C123`, a chart titled
//! `Orders of C123`, a rule logged with an export) is found here and listed in the report, and
//! replaced by `[erased]` when the user asks for it.
//!
//! The id is matched as a whole word: not preceded or followed by a letter, digit or `_`, so
//! `C12` is not found in `C123`. In rules and chart specs only text inside quotes is searched
//! (where names are referred to, `has_tag('VIP C123')`); bare numbers in conditions are left
//! alone (`monetary >= 17850` is not about customer 17850). Names and the rules that refer to
//! them change together, so references keep working.

use crate::error::Result;
use crate::store::quote_ident;
use rusqlite::Connection;

/// The replacement of the id.
pub const ERASED: &str = "[erased]";

/// A column of Loupe's own tables where people write text.
struct TextColumn {
    table: &'static str,
    column: &'static str,
    /// Rules and specs: only quoted text is searched.
    quoted_only: bool,
}

const fn col(table: &'static str, column: &'static str, quoted_only: bool) -> TextColumn {
    TextColumn {
        table,
        column,
        quoted_only,
    }
}

const TEXT_COLUMNS: [TextColumn; 10] = [
    col("_loupe_tags", "name", false),
    col("_loupe_tags", "rule", true),
    col("_loupe_segments", "name", false),
    col("_loupe_segments", "description", false),
    col("_loupe_segments", "rule", true),
    col("_loupe_snapshots", "segment", false),
    col("_loupe_charts", "title", false),
    col("_loupe_charts", "chart", true),
    col("_loupe_recipes", "recipe", true),
    col("_loupe_activity", "detail", false),
];

/// Where the id was found in written text: table, column, rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFound {
    pub table: &'static str,
    pub column: &'static str,
    pub rows: u64,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with each whole-word `id` replaced by [`ERASED`]; with `quoted_only`, only inside
/// quotes (`'…'`, `"…"`, `` `…` ``), and not where the quoted text is exactly the id (erasure
/// handles those). `None` when nothing is replaced.
pub fn redact(text: &str, id: &str, quoted_only: bool) -> Option<String> {
    if id.is_empty() || !text.contains(id) {
        return None;
    }
    if !quoted_only {
        return replace_words(text, id);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(start) = rest.find(['\'', '"', '`']) {
        let quote = rest[start..].chars().next().unwrap_or('\'');
        out.push_str(&rest[..=start]);
        let body = &rest[start + 1..];
        let end = closing(body, quote).unwrap_or(body.len());
        let inner = &body[..end];
        match replace_words(inner, id).filter(|_| inner != id) {
            Some(r) => {
                out.push_str(&r);
                changed = true;
            }
            None => out.push_str(inner),
        }
        rest = &body[end..];
        if let Some(q) = rest.chars().next() {
            out.push(q);
            rest = &rest[q.len_utf8()..];
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Where the quoted text opened before `body` ends: the next `quote` not doubled (`''`) nor
/// escaped (`\"` in JSON).
fn closing(body: &str, quote: char) -> Option<usize> {
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' && quote == '"' {
            chars.next();
        } else if c == quote {
            if chars.peek().is_some_and(|(_, n)| *n == quote) {
                chars.next();
            } else {
                return Some(i);
            }
        }
    }
    None
}

fn replace_words(text: &str, id: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut changed = false;
    for (at, _) in text.match_indices(id) {
        if at < last {
            continue;
        }
        let before = text[..at].chars().next_back();
        let after = text[at + id.len()..].chars().next();
        let starts = id.chars().next().is_some_and(is_word);
        let ends = id.chars().next_back().is_some_and(is_word);
        if (starts && before.is_some_and(is_word)) || (ends && after.is_some_and(is_word)) {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str(ERASED);
        last = at + id.len();
        changed = true;
    }
    out.push_str(&text[last..]);
    changed.then_some(out)
}

/// The rows of each text column that mention `id` (rowid and text), for finding or replacing.
fn mentions(conn: &Connection, t: &TextColumn, id: &str) -> Result<Vec<(i64, String)>> {
    let sql = format!(
        "SELECT rowid, {c} FROM {tab} WHERE instr({c}, ?1) > 0",
        c = quote_ident(t.column),
        tab = quote_ident(t.table)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(rowid, text)| redact(&text, id, t.quoted_only).map(|r| (rowid, r)))
        .collect())
}

/// Where `id` stands in written text (see the module's documentation).
pub fn find_text(conn: &Connection, id: &str) -> Result<Vec<TextFound>> {
    let mut out = Vec::new();
    for t in &TEXT_COLUMNS {
        let n = mentions(conn, t, id)?.len() as u64;
        if n > 0 {
            out.push(TextFound {
                table: t.table,
                column: t.column,
                rows: n,
            });
        }
    }
    Ok(out)
}

/// Replaces `id` by [`ERASED`] in written text, inside the caller's transaction; returns the
/// rows changed. The activity log is append-only: its guard is lifted for this one change and
/// put back in the same transaction.
pub fn redact_text(tx: &Connection, id: &str) -> Result<u64> {
    let mut changed = 0u64;
    for t in &TEXT_COLUMNS {
        let rows = mentions(tx, t, id)?;
        if rows.is_empty() {
            continue;
        }
        let log = t.table == "_loupe_activity";
        if log {
            tx.execute_batch("DROP TRIGGER _loupe_activity_no_update")?;
        }
        let sql = format!(
            "UPDATE {} SET {} = ?2 WHERE rowid = ?1",
            quote_ident(t.table),
            quote_ident(t.column)
        );
        for (rowid, text) in &rows {
            tx.execute(&sql, rusqlite::params![rowid, text])?;
        }
        if log {
            tx.execute_batch(
                "CREATE TRIGGER _loupe_activity_no_update BEFORE UPDATE ON _loupe_activity
                 BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;",
            )?;
        }
        changed += rows.len() as u64;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert_eq!(
            redact("VIP C123", "C123", false).as_deref(),
            Some("VIP [erased]")
        );
        assert_eq!(redact("C1234 and xC123", "C123", false), None);
        assert_eq!(
            redact("订单C123的图", "C123", false),
            None,
            "Han characters are letters"
        );
        assert_eq!(
            redact("C123,C123.", "C123", false).as_deref(),
            Some("[erased],[erased].")
        );
        // An id that begins and ends with punctuation still matches inside text.
        assert_eq!(
            redact("x-(7)-y", "(7)", false).as_deref(),
            Some("x-[erased]-y")
        );
    }

    #[test]
    fn in_rules_only_quoted_text_and_not_exact_literals() {
        assert_eq!(
            redact("has_tag('VIP 17850') and monetary >= 17850", "17850", true).as_deref(),
            Some("has_tag('VIP [erased]') and monetary >= 17850")
        );
        assert_eq!(redact("customer_id = '17850'", "17850", true), None);
        assert_eq!(
            redact(r#"{"name":"VIP \"17850\" 17850"}"#, "17850", true).as_deref(),
            Some(r#"{"name":"VIP \"[erased]\" [erased]"}"#)
        );
        assert_eq!(
            redact("x = 'it''s 17850'", "17850", true).as_deref(),
            Some("x = 'it''s [erased]'")
        );
        // An unclosed quote runs to the end.
        assert_eq!(
            redact("x = 'a 17850", "17850", true).as_deref(),
            Some("x = 'a [erased]")
        );
    }
}
