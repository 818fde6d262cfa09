//! Loupe: a local-first marketing analytics workbench.
//!
//! All logic lives in this library; the `loupe` binary's window and command line are thin over it.

pub mod about;
pub mod assets;
pub mod browse;
pub mod calendar;
pub mod campaigns;
pub mod clean;
pub mod combine;
pub mod customers;
pub mod dataset;
pub mod demo;
pub mod error;
pub mod explore;
pub mod export;
pub mod expr;
pub mod format;
pub mod frame;
pub mod fsutil;
pub mod guide;
pub mod i18n;
pub mod identity;
pub mod import;
pub mod jobs;
pub mod kept;
pub mod labels;
pub mod numeric;
pub mod order_totals;
pub mod parallel;
pub mod privacy;
pub mod profile;
pub mod profile_copy;
pub mod progress;
pub mod query;
pub mod recommend;
pub mod rng;
pub mod segments;
pub mod status;
pub mod store;
#[cfg(feature = "gui")]
pub mod ui;
pub mod warehouse;

pub use error::{Error, Result};
