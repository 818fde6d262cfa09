//! Loupe: a local-first marketing analytics workbench.
//!
//! All logic lives in this library; the `loupe` binary's window and command line are thin over it.

pub mod dataset;
pub mod error;
pub mod import;
pub mod progress;
pub mod store;

pub use error::{Error, Result};
pub mod browse;
pub mod demo;
pub mod export;
pub mod frame;
pub mod i18n;
pub mod jobs;
pub mod profile;
pub mod query;
pub mod ui;
