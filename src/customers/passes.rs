//! A customer table too large to hold every line in memory at once, built in passes: each pass
//! reads the lines of the customers in one range of ids from the dataset's columnar copy,
//! computes their figures and drops the lines. The customer table is sorted by id, so the
//! passes' customers, taken in the order of their ranges, are the table's rows in order, and
//! every figure is one customer's own; only the as-of date and the R, F and M scores (quintiles
//! over every customer) are computed once all passes are done.

use super::columns::TransactionColumns;
use super::scan::{IdRange, ScanOptions};
use crate::Result;
use crate::dataset::DatasetInfo;
use crate::store::Project;

/// Rows of a dataset read in one pass. A line costs about 50 bytes in the scan, and more while
/// each customer's lines grow: a pass of this many rows stays under about 700 MiB.
pub const LINES_PER_PASS: u64 = 8_000_000;

/// The environment variable that sets the rows per pass instead (at least 1,000): lower on a
/// machine with little memory, higher to save passes where memory is plenty.
pub const LINES_PER_PASS_VAR: &str = "LOUPE_LINES_PER_PASS";

/// The rows per pass: [`LINES_PER_PASS_VAR`] when it is set to a number, else
/// [`LINES_PER_PASS`].
pub fn lines_per_pass() -> u64 {
    std::env::var(LINES_PER_PASS_VAR)
        .ok()
        .and_then(|v| v.trim().replace(['_', ','], "").parse::<u64>().ok())
        .map_or(LINES_PER_PASS, |n| n.max(1_000))
}

/// Ranges of customer ids holding at most about `budget` rows each, in id order; none (one
/// pass over everything) when the dataset has at most `budget` rows or its copy cannot answer.
pub fn id_ranges(
    project: &Project,
    info: &DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
    budget: u64,
) -> Result<Vec<IdRange>> {
    let Some(mut counts) = super::scan_copy::rows_per_customer(project, info, cols, opts, budget)?
    else {
        return Ok(Vec::new());
    };
    counts.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(cut(counts, budget))
}

/// Consecutive ranges over ids sorted by their bytes: a range closes before the id that would
/// take it past `budget` rows. The first range is open below and the last open above, so every
/// id, counted or not, falls in exactly one; rows without a customer are counted as skipped in
/// the first only.
fn cut(counts: Vec<(String, u64)>, budget: u64) -> Vec<IdRange> {
    let mut ranges: Vec<IdRange> = Vec::new();
    let mut from: Option<String> = None;
    let mut rows = 0u64;
    for (id, n) in counts {
        if rows > 0 && rows + n > budget {
            ranges.push(IdRange {
                from: from.take(),
                to: Some(id.clone()),
                count_skipped: ranges.is_empty(),
                rows,
            });
            from = Some(id);
            rows = 0;
        }
        rows += n;
    }
    ranges.push(IdRange {
        from,
        to: None,
        count_skipped: ranges.is_empty(),
        rows,
    });
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(r: &[IdRange]) -> Vec<(Option<&str>, Option<&str>, bool)> {
        r.iter()
            .map(|r| (r.from.as_deref(), r.to.as_deref(), r.count_skipped))
            .collect()
    }

    #[test]
    fn ranges_hold_at_most_the_budget_and_cover_every_id() {
        let counts = vec![
            ("a".to_string(), 3),
            ("b".to_string(), 3),
            ("c".to_string(), 5),
            ("d".to_string(), 1),
        ];
        let r = cut(counts, 6);
        assert_eq!(
            ids(&r),
            vec![(None, Some("c"), true), (Some("c"), None, false),]
        );
        // Every id lands in one range, including ids never counted.
        for id in ["", "a", "bz", "c", "zz"] {
            assert_eq!(
                r.iter().filter(|r| r.holds(id.as_bytes())).count(),
                1,
                "{id}"
            );
        }
        // A customer with more rows than the budget gets a range of their own.
        let r = cut(vec![("a".into(), 1), ("b".into(), 9), ("c".into(), 1)], 4);
        assert_eq!(
            ids(&r),
            vec![
                (None, Some("b"), true),
                (Some("b"), Some("c"), false),
                (Some("c"), None, false),
            ]
        );
        assert_eq!(ids(&cut(Vec::new(), 4)), vec![(None, None, true)]);
    }
}
