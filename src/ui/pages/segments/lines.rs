//! The lines a rule reads, loaded when it is evaluated: on a dataset larger than a pass of the
//! customer passes (8 million rows), the page keeps only the customer table in memory and each
//! preview, export or overlap loads the behaviour lines its rules name from the kept base.

use crate::segments::base::{BaseOptions, SegmentBase};
use crate::segments::{Need, Rule, Saved};
use crate::store::Project;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the base was loaded from, when it was loaded without its lines.
#[derive(Debug, Clone)]
pub struct LinesFrom {
    path: PathBuf,
    opts: BaseOptions,
}

impl LinesFrom {
    pub fn new(path: PathBuf, opts: BaseOptions) -> LinesFrom {
        LinesFrom { path, opts }
    }

    /// Whether the page should load the base of `rows` rows without its lines.
    pub fn wanted(rows: u64) -> bool {
        rows > crate::customers::passes::lines_per_pass()
    }
}

/// A base as the page holds it, with where its missing lines come from.
#[derive(Clone)]
pub struct PageBase {
    pub base: Arc<SegmentBase>,
    pub from: Option<LinesFrom>,
}

/// `base` with the lines the rules need (loaded from `from` when it lacks them).
pub fn for_rules<'a>(
    base: &Arc<SegmentBase>,
    from: Option<&LinesFrom>,
    rules: impl IntoIterator<Item = &'a Rule>,
    saved: &Saved,
) -> crate::Result<Arc<SegmentBase>> {
    let Some(from) = from else {
        return Ok(base.clone());
    };
    let mut need = Need::default();
    for r in rules {
        need = need.union(&Need::of(r, saved));
    }
    let project = Project::open_read_only(&from.path)?;
    SegmentBase::with_lines(base, &project, &from.opts, &need)
}
