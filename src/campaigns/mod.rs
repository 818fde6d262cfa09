//! Campaigns: did a campaign pay for itself? Two answers.
//!
//! - **Attribution** ([`attribution`]): orders credited to the campaigns that touched the
//!   customer within a window before the order (last touch, first touch, linear, time decay,
//!   position based), and the campaign metrics that follow ([`metrics`]: contacts, reach, open
//!   and click rates, conversions, revenue, cost, ROI, ROAS, CAC, …) per campaign and channel.
//! - **Incrementality** ([`uplift`]): where a randomised control group exists, each arm against
//!   control, with Welch and two-proportion intervals and p-values ([`crate::numeric`]: the normal and t
//!   distributions).
//!
//! [`data`] finds and reads the tables by their roles; [`report`] puts it all into tables for
//! CSV, XLSX and JSON.

pub mod attribution;
pub mod charts;
pub mod data;
pub mod metrics;
pub mod report;
pub mod uplift;

pub use attribution::{Attribution, Model};
pub use data::{Inputs, Sources, guess_sources, load_inputs};
pub use report::{RoiReport, roi_report};
pub use uplift::{Uplift, uplift};
