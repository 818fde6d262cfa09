//! Customer-base analysis: who is still a customer, how much they will buy, and what it is worth.
//!
//! [`rfm`] builds the customer table with RFM scores, groups and lifecycle stages from one
//! [`scan`] of the transactions, per-customer [`stats`] and joined [`attributes`]; [`write`] writes
//! it; [`keep`] keeps it in the project, reused until its inputs change. [`clv`] holds the
//! probability models (BG/NBD for the number of purchases, Gamma-Gamma for the spend per purchase)
//! and their maximum-likelihood fits; [`summary`] builds their input from a dataset by its roles.

pub mod attributes;
pub mod card;
pub mod clv;
pub mod columns;
pub mod keep;
pub mod overview;
pub mod passes;
pub mod portrait;
pub mod rfm;
pub mod scan;
mod scan_copy;
mod scan_parts;
pub mod stats;
pub mod summary;
pub mod tags;
pub mod value;
pub mod write;
