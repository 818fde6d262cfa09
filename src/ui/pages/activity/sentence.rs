//! An activity-log entry's details as sentences in the user's language: what the library
//! recorded as data (file paths, counts, rules) read back as words. Details this file does not
//! know (from a newer Loupe, say) fall back to `key: value` pairs.

use crate::i18n::{Lang, T, bytes, int};
use crate::store::ActivityEntry;
use serde_json::{Map, Value};

/// The details of `e` as one or more sentences.
pub fn sentence(lang: Lang, e: &ActivityEntry) -> String {
    let Value::Object(m) = &e.detail else {
        return pairs(&e.detail);
    };
    let words = Words { lang, m };
    let parts: Vec<String> = match e.action.as_str() {
        "create" if m.is_empty() => vec![lang.tr(T::ActCreated).into()],
        "import" => words.import(),
        "export" => words.export(),
        "rebuild" => words.rebuild(),
        "edit" | "delete" => words.edit(e.action == "delete"),
        "backup" => words.backup(),
        "restore" => words.restore(),
        "erase" => words.erase(),
        "passphrase" => words.passphrase(),
        "reveal" => words.reveal(),
        _ => Vec::new(),
    };
    if parts.is_empty() {
        pairs(&e.detail)
    } else {
        parts.join(if lang == Lang::ZhCn { "" } else { " " })
    }
}

struct Words<'a> {
    lang: Lang,
    m: &'a Map<String, Value>,
}

impl Words<'_> {
    fn text(&self, key: &str) -> Option<String> {
        match self.m.get(key)? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn count(&self, key: &str) -> Option<u64> {
        self.m.get(key).and_then(Value::as_u64)
    }

    fn flag(&self, key: &str) -> bool {
        self.m.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    /// A list of strings (or of anything, written as JSON), joined with commas.
    fn list(&self, key: &str) -> Option<(usize, String)> {
        let Value::Array(a) = self.m.get(key)? else {
            return None;
        };
        let items: Vec<String> = a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect();
        let sep = if self.lang == Lang::ZhCn { "、" } else { ", " };
        (!items.is_empty()).then(|| (items.len(), items.join(sep)))
    }

    fn f(&self, key: T, args: &[&dyn std::fmt::Display]) -> String {
        self.lang.f(key, args)
    }

    fn personal_data(&self) -> Option<String> {
        let Value::Array(a) = self.m.get("personal_data")? else {
            return None;
        };
        // What was done, in this language (the log keeps `keep`, `mask`, …).
        let done = |action: &str| -> String {
            let key = match action.parse::<crate::privacy::PiiAction>() {
                Ok(crate::privacy::PiiAction::Keep) => T::PvKept,
                Ok(crate::privacy::PiiAction::Mask) => T::PvMasked,
                Ok(crate::privacy::PiiAction::Hash) => T::PvHashed,
                Ok(crate::privacy::PiiAction::Drop) => T::PvDropped,
                Err(_) => return action.to_string(),
            };
            self.lang.tr(key).to_string()
        };
        let items: Vec<String> = a
            .iter()
            .map(|x| match x {
                Value::String(s) => match s.rsplit_once(": ") {
                    Some((what, action)) => format!("{what}: {}", done(action)),
                    None => s.clone(),
                },
                Value::Object(o) => {
                    let get = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default();
                    format!(
                        "{} ({}): {}",
                        get("column"),
                        get("kind"),
                        done(get("action"))
                    )
                }
                other => other.to_string(),
            })
            .collect();
        (!items.is_empty()).then(|| self.f(T::ActPersonalData, &[&items.join(", ")]))
    }

    fn import(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((n, files)) = self.list("files") {
            out.push(
                self.lang
                    .count(n, T::ActFromFile, T::ActFromFiles, &[&files]),
            );
        }
        if self.flag("replaced") {
            out.push(self.lang.tr(T::ActReplaced).into());
        }
        if let Some(w) = self.count("warnings").filter(|w| *w > 0) {
            out.push(
                self.lang
                    .count(w as usize, T::ActWarning, T::ActWarnings, &[]),
            );
        }
        out.extend(self.personal_data());
        out
    }

    fn export(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(hash) = self.text("subject_request") {
            let format = self.text("format").unwrap_or_default().to_uppercase();
            out.push(self.f(T::ActSubjectRequest, &[&short(&hash), &format]));
            return out;
        }
        if let Some(path) = self.text("path") {
            let format = self.text("format").unwrap_or_default().to_uppercase();
            let columns = match self.m.get("columns") {
                Some(Value::Array(a)) => a.len(),
                Some(v) => v.as_u64().unwrap_or(0) as usize,
                None => 0,
            };
            out.push(self.lang.count(
                columns,
                T::ActWroteColumn,
                T::ActWroteColumns,
                &[&path, &format],
            ));
        }
        if let Some(seg) = self.text("segment") {
            let rule = self.text("rule").unwrap_or_default();
            out.push(self.f(T::ActSegmentRule, &[&seg, &rule]));
        } else if let Some(rule) = self.text("rule") {
            out.push(self.f(T::ActRule, &[&rule]));
        }
        if self.flag("masked") {
            out.push(self.lang.tr(T::ActMasked).into());
        }
        if self.flag("hashed_ids") {
            out.push(self.lang.tr(T::ActHashedIds).into());
        }
        if self.flag("bom") {
            out.push(self.lang.tr(T::ActBom).into());
        }
        out
    }

    fn rebuild(&self) -> Vec<String> {
        let Some(source) = self.text("source") else {
            return Vec::new();
        };
        if let Some(as_of) = self.text("as_of") {
            return vec![self.f(T::ActCustomerTable, &[&source, &as_of])];
        }
        let rows = self.count("rows_in").map(int).unwrap_or_default();
        let steps = self.count("steps").unwrap_or(0) as usize;
        vec![self.lang.count(
            steps,
            T::ActRebuiltStep,
            T::ActRebuiltSteps,
            &[&source, &rows],
        )]
    }

    fn edit(&self, deleted: bool) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(seg) = self.text("segment") {
            out.push(match (deleted, self.text("rule")) {
                (true, _) => self.f(T::ActSegmentDeleted, &[&seg]),
                (false, Some(rule)) => self.f(T::ActSegmentSaved, &[&seg, &rule]),
                (false, None) => self.f(T::ActSegmentNamed, &[&seg]),
            });
        }
        if let Some(column) = self.text("column") {
            out.push(match self.text("role") {
                Some(role) => {
                    let shown = role
                        .parse()
                        .map_or(role.clone(), |r| self.lang.role(r).to_string());
                    self.f(T::ActRoleSet, &[&column, &shown])
                }
                None => self.f(T::ActRoleCleared, &[&column]),
            });
        }
        if let Some(backup) = self.text("backup") {
            out.push(self.f(T::ActBackupKept, &[&backup]));
        }
        out.extend(self.personal_data());
        out
    }

    fn backup(&self) -> Vec<String> {
        let Some(to) = self.text("to") else {
            return Vec::new();
        };
        let size = self.count("bytes").map(bytes).unwrap_or_default();
        vec![self.f(T::ActBackedUp, &[&to, &size])]
    }

    fn restore(&self) -> Vec<String> {
        let Some(from) = self.text("from") else {
            return Vec::new();
        };
        let mut out = vec![self.f(T::ActRestored, &[&from])];
        if let Some(prev) = self.text("previous") {
            out.push(self.f(T::ActPreviousKept, &[&prev]));
        }
        if let Some(n) = self.count("log_entries_kept") {
            out.push(self.f(T::ActLogKept, &[&int(n)]));
        }
        out
    }

    fn erase(&self) -> Vec<String> {
        let Some(subject) = self.text("subject") else {
            return Vec::new();
        };
        let rows = int(self.count("rows_deleted").unwrap_or(0));
        let cells = int(self.count("cells_cleared").unwrap_or(0));
        let mut out = vec![self.f(T::ActErased, &[&short(&subject), &rows, &cells])];
        if let Some(backup) = self.text("backup") {
            out.push(self.f(T::ActBackupKept, &[&backup]));
        }
        if self.flag("backups_purged") {
            out.push(self.lang.tr(T::ActBackupsPurged).into());
        }
        out
    }

    fn reveal(&self) -> Vec<String> {
        match (self.text("column"), self.text("subject")) {
            (Some(column), Some(subject)) => {
                vec![self.f(T::ActRevealed, &[&column, &short(&subject)])]
            }
            _ => Vec::new(),
        }
    }

    fn passphrase(&self) -> Vec<String> {
        let key = match self.text("change").as_deref() {
            Some("encrypted") => T::ActEncrypted,
            Some("changed") => T::ActPassphraseChanged,
            Some("decrypted") => T::ActDecrypted,
            Some("interrupted change undone") => T::ActPassphraseUndone,
            _ => return Vec::new(),
        };
        vec![self.lang.tr(key).into()]
    }
}

/// The first characters of a salted hash: enough to tell entries apart.
fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}

/// Details Loupe has no words for, as `key: value` pairs.
fn pairs(v: &Value) -> String {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}: {s}"),
                Value::Array(a) => format!(
                    "{k}: {}",
                    a.iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, detail: Value) -> ActivityEntry {
        ActivityEntry {
            id: 1,
            at: "2026-12-03T10:00:00+00:00".into(),
            action: action.into(),
            dataset: Some("orders".into()),
            rows: Some(10),
            detail,
        }
    }

    #[test]
    fn entries_read_as_sentences_in_both_languages() {
        let import = entry(
            "import",
            serde_json::json!({"files": ["/tmp/a.csv"], "replaced": false, "warnings": 1,
                "personal_data": ["phone (phone): keep"]}),
        );
        assert_eq!(
            sentence(Lang::En, &import),
            "From /tmp/a.csv. 1 warning. Personal data: phone (phone): kept."
        );
        assert_eq!(
            sentence(Lang::ZhCn, &import),
            "来自 /tmp/a.csv。1 条警告。个人数据：phone (phone): 保留。"
        );
        let seg = entry(
            "edit",
            serde_json::json!({"segment": "VIP", "rule": "orders >= 3"}),
        );
        assert_eq!(
            sentence(Lang::En, &seg),
            "Saved the segment “VIP”: orders >= 3."
        );
        let role = entry(
            "edit",
            serde_json::json!({"column": "amount", "role": null}),
        );
        assert_eq!(
            sentence(Lang::En, &role),
            "Cleared the role of column amount."
        );
        let pass = entry("passphrase", serde_json::json!({"change": "encrypted"}));
        assert_eq!(sentence(Lang::ZhCn, &pass), "项目已加密。");
        // Unknown details stay readable as pairs, never as raw JSON.
        let other = entry("future", serde_json::json!({"k": "v", "n": 2}));
        assert_eq!(sentence(Lang::En, &other), "k: v · n: 2");
        for e in [&import, &seg, &role, &pass] {
            for lang in [Lang::En, Lang::ZhCn] {
                let s = sentence(lang, e);
                assert!(!s.contains('{') && !s.contains('"'), "{s}");
            }
        }
    }
}
