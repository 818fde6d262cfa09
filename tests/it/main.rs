//! Integration tests, in one crate so the stack links once. The window's tests (`*_ui`, `ui`)
//! need the default feature `gui`.

// Test code may unwrap (clippy's allow-unwrap-in-tests covers only `#[test]` functions, not the
// helpers they share).
#![allow(clippy::unwrap_used)]

mod bad_input;
mod campaigns;
#[cfg(feature = "gui")]
mod campaigns_ui;
mod clean;
#[cfg(feature = "gui")]
mod clean_ui;
mod cli;
mod clv;
mod combine;
#[cfg(feature = "gui")]
mod combine_ui;
mod common;
mod copy;
mod crash;
mod customers;
#[cfg(feature = "gui")]
mod customers_ui;
#[cfg(feature = "gui")]
mod dashboard_ui;
#[cfg(feature = "gui")]
mod data_ui;
mod dataset_edits;
mod desktop;
#[cfg(feature = "gui")]
mod desktop_ui;
mod distribution;
mod explore;
#[cfg(feature = "gui")]
mod explore_ui;
mod expr_sql;
mod faults;
#[cfg(feature = "gui")]
mod files_ui;
mod formats;
mod fuzz;
#[cfg(feature = "gui")]
mod guide;
#[cfg(feature = "gui")]
mod i18n_ui;
mod import_errors;
mod kept;
mod kept_customers;
mod kill_loops;
#[cfg(feature = "gui")]
mod layout_ui;
mod online_retail;
mod order_totals;
mod outputs;
mod passes;
mod pg;
mod platforms;
mod privacy;
mod privacy_cli;
#[cfg(feature = "gui")]
mod privacy_ui;
mod profile_copy;
mod project_file;
mod recipe;
mod recs;
mod recs_copy;
#[cfg(feature = "gui")]
mod recs_ui;
mod rollup;
mod rules;
mod saved_charts;
mod segments;
#[cfg(feature = "gui")]
mod segments_ui;
mod spark;
#[cfg(feature = "gui")]
mod ui;
mod warehouse;
mod warehouse_profile;
mod warehouse_recs;
mod warehouse_rules;
mod warehouse_segments;
mod warehouse_spark;
mod warehouse_ui;
