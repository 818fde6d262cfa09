//! Data cleaning: the quality report finds what needs cleaning; the recipe fixes it, step by step,
//! into a cleaned table rebuilt from the raw one.

pub mod clusters;
mod rebuild;
pub mod recipe;
mod report;
mod report_pass;

pub use rebuild::{
    RebuildSummary, SavedRecipe, default_output, load_raw, rebuild, rebuild_from, save_recipe,
    saved_recipe,
};
pub use recipe::{History, Recipe, RecipeStep, Step, StepPreview, preview_step};
pub use report::{
    ColumnQuality, Finding, FindingKind, Fix, QualityReport, ReportOptions, Why, fingerprint,
    quality_report, quality_report_sqlite, suggested_recipe,
};
