//! Integration tests, in one crate so the stack links once.

mod clean;
mod cli;
mod clv;
mod common;
mod customers;
mod customers_ui;
mod dashboard_ui;
mod distribution;
mod explore;
mod explore_ui;
mod expr_sql;
mod formats;
mod import_errors;
mod online_retail;
mod outputs;
mod project_file;
mod recipe;
mod recs;
mod recs_ui;
mod rules;
mod saved_charts;
mod segments;
mod segments_ui;
mod ui;
