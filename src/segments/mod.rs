//! Segments: named rules over the customer table and the behaviour behind it, evaluated to a
//! list of customers, compiled to SQL, and exported for campaign tools.
//!
//! - [`rule`]: the definition (stored as JSON) and its text form; [`parse`] reads the text.
//! - [`base`]: what rules are evaluated over, loaded once and kept in the project ([`keep`]),
//!   with only the lines a rule reads ([`need`]); [`eval`] evaluates them.
//! - [`sql`]: one SQL query per rule, for a warehouse; [`saved`]: the project's segments and
//!   their snapshots; [`export`]: member lists for campaign tools.

pub mod base;
pub mod eval;
pub mod export;
pub mod generate;
pub mod keep;
pub mod kmeans;
pub mod need;
pub mod overlap;
pub mod parse;
pub mod preview;
pub mod rule;
pub mod saved;
pub mod sql;

pub use base::{BaseOptions, SegmentBase};
pub use eval::{Members, Saved, members};
pub use need::Need;
pub use parse::parse_rule;
pub use rule::Rule;

use crate::store::Project;
use crate::{Error, Result};
use serde::Serialize;

/// A segment's size against the base.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Count {
    pub count: usize,
    pub base: usize,
    /// count ÷ base, 0 for an empty base.
    pub share: f64,
}

impl Count {
    pub fn of(members: &[bool]) -> Count {
        let count = eval::count(members);
        Count {
            count,
            base: members.len(),
            share: if members.is_empty() {
                0.0
            } else {
                count as f64 / members.len() as f64
            },
        }
    }
}

/// A rule given by the name of a saved segment or as text (exactly one).
pub fn resolve(
    project: &Project,
    name: Option<&str>,
    text: Option<&str>,
) -> Result<(Option<String>, Rule)> {
    match (name, text) {
        (Some(n), None) => Ok((Some(n.to_string()), saved::get(project, n)?.rule)),
        (None, Some(t)) => Ok((None, parse_rule(t)?)),
        _ => Err(Error::InvalidArgument(
            "name a saved segment with --name, or give a rule with --rule (one of them)".into(),
        )),
    }
}
