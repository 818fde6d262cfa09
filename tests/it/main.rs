//! Integration tests, in one crate so the stack links once.

mod clean;
mod cli;
mod clv;
mod common;
mod customers;
mod customers_ui;
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
mod rules;
mod ui;
