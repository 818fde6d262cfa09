//! Dataset names: each dataset is a table of that name, so `SELECT … FROM orders` works.

use crate::error::{Error, Result};
use std::path::Path;

/// Quotes an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Checks that a name can be a dataset (and so a table) name.
pub fn validate_dataset_name(name: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::BadDatasetName {
            name: name.to_string(),
            why: why.to_string(),
        })
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.chars().count() > 64 {
        return bad("it is longer than 64 characters");
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("_loupe") || lower.starts_with("sqlite_") {
        return bad("names starting with _loupe or sqlite_ are reserved");
    }
    if let Some(c) = name.chars().next()
        && c.is_ascii_digit()
    {
        return bad("it starts with a digit; start it with a letter");
    }
    if let Some(c) = name.chars().find(|c| !(c.is_alphanumeric() || *c == '_')) {
        return bad(&format!(
            "'{c}' is not allowed; use letters, digits and underscores"
        ));
    }
    Ok(())
}

/// A dataset name derived from a file name: `Online Retail (2011).csv` gives `online_retail_2011`.
pub fn dataset_name_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `orders.csv.gz` and the like: drop a second extension.
    let stem = stem
        .strip_suffix(".csv")
        .or_else(|| stem.strip_suffix(".tsv"))
        .unwrap_or(&stem)
        .to_string();
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut out = out.trim_matches('_').to_string();
    if out.is_empty() {
        out = "dataset".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "t_");
    }
    if out.starts_with("_loupe") || out.starts_with("sqlite_") {
        out.insert(0, 't');
    }
    out.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_paths() {
        assert_eq!(
            dataset_name_from_path(Path::new("/x/Online Retail (2011).csv")),
            "online_retail_2011"
        );
        assert_eq!(
            dataset_name_from_path(Path::new("2011-12.csv")),
            "t_2011_12"
        );
        assert_eq!(
            dataset_name_from_path(Path::new("订单 明细.xlsx")),
            "订单_明细"
        );
        assert_eq!(dataset_name_from_path(Path::new("a.csv.gz")), "a");
        for n in ["online_retail_2011", "t_2011_12", "订单_明细"] {
            validate_dataset_name(n).unwrap();
        }
    }

    #[test]
    fn bad_names_are_refused_with_reason() {
        for (n, why) in [
            ("", "empty"),
            ("1abc", "digit"),
            ("a-b", "'-'"),
            ("_loupe_x", "reserved"),
        ] {
            let e = validate_dataset_name(n).unwrap_err().to_string();
            assert!(e.contains(why), "{n}: {e}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
