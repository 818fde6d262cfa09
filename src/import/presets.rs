//! Platform presets: what a shop platform's export looks like (its columns and their aliases),
//! and what each column means (roles, types) and each order status.
//!
//! Presets are JSON files. Those in `assets/presets/` are built into the binary; a user adds
//! more (or overrides one of the same `name`) as `*.json` files in the presets folder
//! ([`user_dir`]): `$LOUPE_PRESETS_DIR`, else `$XDG_CONFIG_HOME/loupe/presets`, else
//! `~/.config/loupe/presets` (on Windows `%APPDATA%\loupe\presets`).
//!
//! An import recognises a preset from the file's header ([`recognise`]): the share of the
//! preset's columns found (by name or alias, compared as [`super::roles::normalise`] does) must
//! reach its `min_score` (default 0.6) and every `key` column must be there; the best share
//! wins. The user can also name one (`loupe import --preset NAME`).

use super::roles::normalise;
use crate::dataset::{ColumnType, Role};
use crate::error::{Error, Result};
use crate::status::OrderStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One column of a platform's export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetColumn {
    /// The header as the platform writes it.
    pub name: String,
    /// Other headers the platform has used for it (older or newer exports).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its role; `null` for a column that must take none (a second amount, say).
    #[serde(default)]
    pub role: Option<Role>,
    /// Its type, when the values alone could mislead.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<ColumnType>,
    /// A column the export always has: without it the preset is not recognised.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key: bool,
}

/// A platform preset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// Short name, for `--preset` (lower case, dashes).
    pub name: String,
    /// The platform: Taobao, JD, Douyin…
    pub platform: String,
    /// What it is, in English ("Douyin order export, per item").
    pub label: String,
    /// What it is, in Simplified Chinese.
    pub label_zh: String,
    /// The encoding the platform writes (for people; the import detects it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The quirks of the export that every import cleans (for people).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quirks: Vec<String>,
    /// The least share of the columns a header must have for the preset to be recognised.
    #[serde(default = "default_min_score")]
    pub min_score: f64,
    pub columns: Vec<PresetColumn>,
    /// What the platform's order statuses mean, beyond the built-in vocabulary
    /// ([`crate::status`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub statuses: BTreeMap<String, OrderStatus>,
}

fn default_min_score() -> f64 {
    0.6
}

/// The presets built into the binary.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "taobao-orders.json",
        include_str!("../../assets/presets/taobao-orders.json"),
    ),
    (
        "taobao-items.json",
        include_str!("../../assets/presets/taobao-items.json"),
    ),
    (
        "jd-orders.json",
        include_str!("../../assets/presets/jd-orders.json"),
    ),
    (
        "douyin-orders.json",
        include_str!("../../assets/presets/douyin-orders.json"),
    ),
    (
        "pinduoduo-orders.json",
        include_str!("../../assets/presets/pinduoduo-orders.json"),
    ),
    (
        "youzan-orders.json",
        include_str!("../../assets/presets/youzan-orders.json"),
    ),
    (
        "shopify-orders.json",
        include_str!("../../assets/presets/shopify-orders.json"),
    ),
    (
        "woocommerce-orders.json",
        include_str!("../../assets/presets/woocommerce-orders.json"),
    ),
];

impl Preset {
    /// Reads a preset from JSON; `source` names it in errors.
    pub fn from_json(text: &str, source: &str) -> Result<Preset> {
        let p: Preset = serde_json::from_str(text).map_err(|e| {
            Error::InvalidArgument(format!("preset {source} is not a valid preset: {e}"))
        })?;
        if p.name.trim().is_empty() || p.columns.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "preset {source} needs a name and at least one column"
            )));
        }
        if !(p.min_score > 0.0 && p.min_score <= 1.0) {
            return Err(Error::InvalidArgument(format!(
                "preset {source}: min_score must be above 0 and at most 1, not {}",
                p.min_score
            )));
        }
        Ok(p)
    }

    /// The label in the language `zh` (Simplified Chinese) or English.
    pub fn label_in(&self, zh: bool) -> &str {
        if zh { &self.label_zh } else { &self.label }
    }

    /// The position in `header` of each of the preset's columns (by name, then aliases).
    pub fn positions(&self, header: &[String]) -> Vec<Option<usize>> {
        let norm: Vec<String> = header.iter().map(|h| normalise(h)).collect();
        self.columns
            .iter()
            .map(|c| {
                std::iter::once(&c.name).chain(&c.aliases).find_map(|n| {
                    let n = normalise(n);
                    norm.iter().position(|h| *h == n)
                })
            })
            .collect()
    }

    /// The share of the preset's columns `header` has, or `None` when a key column is missing.
    pub fn score(&self, header: &[String]) -> Option<f64> {
        let pos = self.positions(header);
        if self
            .columns
            .iter()
            .zip(&pos)
            .any(|(c, p)| c.key && p.is_none())
        {
            return None;
        }
        let found = pos.iter().filter(|p| p.is_some()).count();
        Some(found as f64 / self.columns.len() as f64)
    }
}

/// The user's presets folder (see the module's documentation); `None` when no home is known.
pub fn user_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("LOUPE_PRESETS_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    if cfg!(windows) {
        return std::env::var_os("APPDATA").map(|a| PathBuf::from(a).join("loupe").join("presets"));
    }
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(x).join("loupe").join("presets"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/loupe/presets"))
}

/// The presets in a folder (`*.json`, by file name); a missing folder has none.
pub fn read_dir(dir: &Path) -> Result<Vec<Preset>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| Error::io(f, e))?;
            Preset::from_json(&text, &f.display().to_string())
        })
        .collect()
}

/// The built-in presets.
pub fn embedded() -> Result<Vec<Preset>> {
    EMBEDDED
        .iter()
        .map(|(file, text)| Preset::from_json(text, file))
        .collect()
}

/// Every preset: the built-in ones, then the user's (a user preset replaces a built-in one of
/// the same name).
pub fn all() -> Result<Vec<Preset>> {
    let mut out = embedded()?;
    if let Some(dir) = user_dir() {
        for p in read_dir(&dir)? {
            match out.iter_mut().find(|o| o.name == p.name) {
                Some(o) => *o = p,
                None => out.push(p),
            }
        }
    }
    Ok(out)
}

/// The preset named `name` (case-insensitive) among `presets`.
pub fn find<'a>(presets: &'a [Preset], name: &str) -> Result<&'a Preset> {
    presets
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "there is no preset '{name}'; the presets are: {}",
                presets
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// The preset a header is recognised as, with its score: the best share at or above its
/// `min_score` (ties go to the preset with more columns found).
pub fn recognise<'a>(presets: &'a [Preset], header: &[String]) -> Option<(&'a Preset, f64)> {
    presets
        .iter()
        .filter_map(|p| {
            let s = p.score(header)?;
            (s >= p.min_score).then_some((p, s))
        })
        .max_by(|a, b| {
            a.1.total_cmp(&b.1).then_with(|| {
                let found = |p: &Preset| p.positions(header).iter().flatten().count();
                found(a.0).cmp(&found(b.0))
            })
        })
}

/// A preset as the import report names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recognised {
    pub name: String,
    pub platform: String,
    pub label: String,
    pub label_zh: String,
    /// The share of the preset's columns the file has.
    pub score: f64,
    /// Whether the user named it (`--preset`) rather than Loupe recognising it.
    pub chosen: bool,
}

impl Recognised {
    pub fn of(p: &Preset, score: f64, chosen: bool) -> Recognised {
        Recognised {
            name: p.name.clone(),
            platform: p.platform.clone(),
            label: p.label.clone(),
            label_zh: p.label_zh.clone(),
            score,
            chosen,
        }
    }
}

/// What a preset sets for the columns of `header`: roles, the columns that take no role, and
/// types (by the file's column names).
pub struct Settings {
    pub roles: Vec<(String, Role)>,
    pub no_roles: Vec<String>,
    pub types: Vec<(String, ColumnType)>,
}

impl Preset {
    pub fn settings(&self, header: &[String]) -> Settings {
        let mut s = Settings {
            roles: Vec::new(),
            no_roles: Vec::new(),
            types: Vec::new(),
        };
        for (c, pos) in self.columns.iter().zip(self.positions(header)) {
            let Some(i) = pos else { continue };
            let name = header[i].clone();
            match c.role {
                Some(r) if !s.roles.iter().any(|(_, x)| *x == r) => s.roles.push((name.clone(), r)),
                _ => s.no_roles.push(name.clone()),
            }
            if let Some(t) = c.ty {
                s.types.push((name, t));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_presets_read_and_recognise_their_own_headers() {
        let all = embedded().expect("presets");
        assert!(all.len() >= 8);
        for p in &all {
            let header: Vec<String> = p.columns.iter().map(|c| c.name.clone()).collect();
            let (got, score) = recognise(&all, &header).expect("recognised");
            assert_eq!(got.name, p.name);
            assert!((score - 1.0).abs() < 1e-9);
            // Each role at most once.
            let s = p.settings(&header);
            let mut roles: Vec<Role> = s.roles.iter().map(|r| r.1).collect();
            roles.sort();
            let n = roles.len();
            roles.dedup();
            assert_eq!(roles.len(), n, "{}", p.name);
        }
        let online_retail: Vec<String> = [
            "InvoiceNo",
            "StockCode",
            "Description",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "CustomerID",
            "Country",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert!(recognise(&all, &online_retail).is_none());
        assert!(find(&all, "nope").is_err());
    }
}
