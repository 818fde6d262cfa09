//! The cleaning recipe: an ordered list of steps, stored as JSON, replayed on polars.
//!
//! The raw table stays as imported. The cleaned table is raw + recipe, rebuilt whenever the
//! recipe changes (see [`super::rebuild`]).

mod apply;
mod describe;
mod engine;
mod history;
mod text;

pub use engine::{Cleaned, StepPreview, StepStats, preview_step, run};
pub use history::History;
pub use text::{standardize_email, standardize_phone};

use crate::dataset::ColumnType;
use crate::error::{Error, Result};
use crate::expr::Expr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The recipe format version written to JSON.
pub const RECIPE_VERSION: u32 = 1;

/// An ordered list of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    #[serde(default = "version")]
    pub version: u32,
    pub steps: Vec<RecipeStep>,
}

fn version() -> u32 {
    RECIPE_VERSION
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A step and whether it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipeStep {
    #[serde(flatten)]
    pub step: Step,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
}

impl RecipeStep {
    pub fn new(step: Step) -> Self {
        RecipeStep {
            step,
            enabled: true,
        }
    }
}

/// A row condition or a computed value, kept as its text in JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula(pub Expr);

impl Formula {
    pub fn parse(text: &str) -> Result<Self> {
        crate::expr::parse(text).map(Formula)
    }
}

impl std::fmt::Display for Formula {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Formula {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Formula {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Formula::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Which of a group of duplicates stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    #[default]
    First,
    Last,
}

/// How missing values are filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    /// This value (read as the column's type).
    Constant(String),
    Mean,
    Median,
    /// The most frequent value (the first in sort order on a tie).
    Mode,
    /// The last value above that is not missing.
    Forward,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    Lower,
    Upper,
    /// First letter of each word upper, the rest lower.
    Title,
}

/// Values mapped to one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    pub from: Vec<String>,
    pub to: String,
}

/// Which values count as outliers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum Fence {
    /// Outside [Q1 − k·IQR, Q3 + k·IQR] (quartiles interpolated linearly).
    Iqr { k: f64 },
    /// More than z standard deviations (population) from the mean.
    ZScore { z: f64 },
    /// Outside fixed bounds.
    Bounds { low: Option<f64>, high: Option<f64> },
}

/// What happens to outliers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutlierAction {
    /// Move them to the nearest fence.
    Clip,
    /// Keep them, and add a true/false column saying which rows are outliers.
    Flag(String),
    /// Drop their rows.
    Drop,
}

/// One step of a recipe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Rows equal to an earlier row on `columns` (all columns when empty).
    RemoveDuplicates {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        columns: Vec<String>,
        #[serde(default)]
        keep: Keep,
    },
    DropRows {
        #[serde(rename = "where")]
        condition: Formula,
    },
    FillMissing {
        column: String,
        with: Fill,
    },
    Trim {
        columns: Vec<String>,
    },
    ChangeCase {
        columns: Vec<String>,
        case: Case,
    },
    MapValues {
        column: String,
        map: Vec<Mapping>,
    },
    /// Converts a column; values that cannot be converted become missing, and are reported.
    Cast {
        column: String,
        to: ColumnType,
        /// For dates: a chrono format such as `%d/%m/%Y`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
    Outliers {
        column: String,
        fence: Fence,
        action: OutlierAction,
    },
    Split {
        column: String,
        separator: String,
        into: Vec<String>,
        #[serde(default)]
        keep_original: bool,
    },
    Rename {
        from: String,
        to: String,
    },
    DropColumns {
        columns: Vec<String>,
    },
    /// A new column (or a replaced one) computed from an expression.
    Derive {
        name: String,
        expr: Formula,
    },
    /// Phone numbers to E.164 (`+8613812345678`); numbers without a country code get this one.
    StandardizePhone {
        column: String,
        #[serde(default = "default_country")]
        country_code: String,
    },
    /// Emails trimmed and lower-cased; values that are not emails become missing.
    StandardizeEmail {
        column: String,
    },
}

fn default_country() -> String {
    "86".into()
}

impl Step {
    /// The columns the step needs in its input.
    pub fn reads(&self) -> Vec<&str> {
        match self {
            Step::RemoveDuplicates { columns, .. }
            | Step::Trim { columns }
            | Step::ChangeCase { columns, .. }
            | Step::DropColumns { columns } => columns.iter().map(String::as_str).collect(),
            Step::DropRows { condition } => condition.0.columns(),
            Step::Derive { expr, .. } => expr.0.columns(),
            Step::FillMissing { column, .. }
            | Step::MapValues { column, .. }
            | Step::Cast { column, .. }
            | Step::Outliers { column, .. }
            | Step::Split { column, .. }
            | Step::StandardizePhone { column, .. }
            | Step::StandardizeEmail { column } => vec![column.as_str()],
            Step::Rename { from, .. } => vec![from.as_str()],
        }
    }

    /// Whether the step only removes rows (and changes no values).
    pub fn filters_rows(&self) -> bool {
        matches!(
            self,
            Step::RemoveDuplicates { .. }
                | Step::DropRows { .. }
                | Step::Outliers {
                    action: OutlierAction::Drop,
                    ..
                }
        )
    }
}

impl Recipe {
    pub fn new(steps: Vec<Step>) -> Self {
        Recipe {
            version: RECIPE_VERSION,
            steps: steps.into_iter().map(RecipeStep::new).collect(),
        }
    }

    /// The columns step `index` sees, worked out from the raw columns and the enabled steps before
    /// it without touching data (for the editor's column pickers).
    pub fn columns_at(&self, raw: &[String], index: usize) -> Vec<String> {
        let mut cols: Vec<String> = raw.to_vec();
        for s in self.steps.iter().take(index).filter(|s| s.enabled) {
            match &s.step {
                Step::Rename { from, to } => {
                    for c in cols.iter_mut().filter(|c| *c == from) {
                        *c = to.clone();
                    }
                }
                Step::DropColumns { columns } => cols.retain(|c| !columns.contains(c)),
                Step::Derive { name, .. } if !cols.contains(name) => cols.push(name.clone()),
                Step::Outliers {
                    action: OutlierAction::Flag(name),
                    ..
                } if !cols.contains(name) => cols.push(name.clone()),
                Step::Split {
                    column,
                    into,
                    keep_original,
                    ..
                } => {
                    let at = cols.iter().position(|c| c == column).unwrap_or(cols.len());
                    let new: Vec<String> = into
                        .iter()
                        .filter(|n| !cols.contains(n) || (*n == column && !keep_original))
                        .cloned()
                        .collect();
                    let mut rest = cols.split_off(at.min(cols.len()));
                    if !rest.is_empty() && !keep_original {
                        rest.remove(0);
                    } else if !rest.is_empty() {
                        cols.push(rest.remove(0));
                    }
                    cols.extend(new);
                    cols.extend(rest);
                }
                _ => {}
            }
        }
        cols
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a recipe; `origin` names where it came from, for the message.
    pub fn from_json(text: &str, origin: &str) -> Result<Self> {
        let r: Recipe = serde_json::from_str(text).map_err(|e| {
            Error::InvalidArgument(format!(
                "{origin}: not a valid recipe ({e}). A recipe is {{\"steps\": [{{\"op\": \"drop_rows\", \"where\": \"Quantity <= 0\"}}, …]}}; see the README"
            ))
        })?;
        if r.version > RECIPE_VERSION {
            return Err(Error::InvalidArgument(format!(
                "{origin}: the recipe is version {} but this Loupe reads up to version {RECIPE_VERSION}; update Loupe",
                r.version
            )));
        }
        Ok(r)
    }

    pub fn read(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Recipe::from_json(&text, &path.display().to_string())
    }

    /// Writes the recipe as JSON (via a temporary file, so a failed write leaves no half file).
    pub fn write(&self, path: &std::path::Path) -> Result<()> {
        crate::fsutil::write_atomic(path, |tmp| {
            std::fs::write(tmp, self.to_json()).map_err(|e| Error::io(tmp, e))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips() {
        let text = r#"{
          "steps": [
            {"op": "remove_duplicates"},
            {"op": "remove_duplicates", "columns": ["InvoiceNo", "StockCode"], "keep": "last"},
            {"op": "drop_rows", "where": "InvoiceNo starts with 'C'"},
            {"op": "fill_missing", "column": "Description", "with": {"constant": "unknown"}},
            {"op": "fill_missing", "column": "UnitPrice", "with": "median", "enabled": false},
            {"op": "trim", "columns": ["Description"]},
            {"op": "change_case", "columns": ["Country"], "case": "title"},
            {"op": "map_values", "column": "City", "map": [{"from": ["beijing", "北京市"], "to": "北京"}]},
            {"op": "cast", "column": "Day", "to": "date", "format": "%d/%m/%Y"},
            {"op": "outliers", "column": "Quantity", "fence": {"method": "iqr", "k": 1.5}, "action": {"flag": "qty_outlier"}},
            {"op": "outliers", "column": "UnitPrice", "fence": {"method": "bounds", "low": 0.0, "high": null}, "action": "clip"},
            {"op": "split", "column": "Name", "separator": " ", "into": ["first", "last"]},
            {"op": "rename", "from": "CustomerID", "to": "customer"},
            {"op": "drop_columns", "columns": ["Country"]},
            {"op": "derive", "name": "revenue", "expr": "Quantity*UnitPrice"},
            {"op": "standardize_phone", "column": "Phone"},
            {"op": "standardize_email", "column": "Email"}
          ]
        }"#;
        let r = Recipe::from_json(text, "test").unwrap();
        assert_eq!(r.steps.len(), 17);
        assert!(!r.steps[4].enabled);
        let again = Recipe::from_json(&r.to_json(), "again").unwrap();
        assert_eq!(r, again);
        assert!(r.to_json().contains("\"expr\": \"Quantity * UnitPrice\""));
        assert_eq!(r.to_json(), again.to_json());
    }

    #[test]
    fn bad_recipes_say_why() {
        let e = Recipe::from_json(
            r#"{"steps": [{"op": "drop_rows", "where": "Quantity <="}]}"#,
            "r.json",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("r.json") && e.contains("character"), "{e}");
        let e = Recipe::from_json(r#"{"steps": [{"op": "explode"}]}"#, "r.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("explode"), "{e}");
        let e = Recipe::from_json(r#"{"version": 9, "steps": []}"#, "r.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("update Loupe"), "{e}");
    }
}
