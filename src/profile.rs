//! Column profiles: what is in a column at a glance (nulls, distinct values, range, most common
//! values, distribution), computed in SQL. A profile of a 500k-row column takes a few hundred
//! milliseconds: run it off the UI thread (see [`crate::jobs`]).

use crate::dataset::{ColumnType, DatasetInfo, Role};
use crate::error::{Error, Result};
use crate::progress::{Reporter, Stage, Unit};
use crate::query::{Cell, format_real};
use crate::store::quote_ident;
use rusqlite::Connection;

/// How many bins a histogram has at most.
pub const HISTOGRAM_BINS: usize = 24;
/// How many most common values a profile lists.
pub const TOP_VALUES: usize = 10;

/// One bar of a histogram: values in `[lo, hi)` (the last bin includes `hi`).
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: u64,
}

/// A distribution of a numeric or temporal column.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub bins: Vec<Bin>,
    /// Bin edges are Julian days (dates and datetimes); see [`julian_to_date`].
    pub temporal: bool,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnProfile {
    pub dataset: String,
    pub column: String,
    pub ty: ColumnType,
    pub role: Option<Role>,
    pub rows: u64,
    pub nulls: u64,
    pub distinct: u64,
    pub min: Option<Cell>,
    pub max: Option<Cell>,
    /// Most common values, most common first, with their counts.
    pub top: Vec<(Cell, u64)>,
    /// For numeric, date and datetime columns with at least one value.
    pub histogram: Option<Histogram>,
}

impl ColumnProfile {
    /// Share of rows that are empty, 0..=1.
    pub fn null_share(&self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.nulls as f64 / self.rows as f64
        }
    }
}

fn q(e: rusqlite::Error) -> Error {
    Error::Query(e.to_string())
}

/// Profiles column `column` of `info`'s dataset.
pub fn profile_column(
    conn: &Connection,
    info: &DatasetInfo,
    column: &str,
    rep: &Reporter,
) -> Result<ColumnProfile> {
    let col = info.column(column).ok_or_else(|| {
        Error::InvalidArgument(format!("dataset '{}' has no column '{column}'", info.name))
    })?;
    let t = quote_ident(&info.name);
    let c = quote_ident(column);
    let steps = 4;
    rep.report(Stage::Profiling, 0, Some(steps), Unit::Steps, 0, true);

    let (rows, non_null, min, max): (i64, i64, Cell, Cell) = conn
        .query_row(
            &format!("SELECT count(*), count({c}), min({c}), max({c}) FROM {t}"),
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    Cell::from_ref(r.get_ref(2)?),
                    Cell::from_ref(r.get_ref(3)?),
                ))
            },
        )
        .map_err(q)?;
    rep.check()?;
    rep.report(
        Stage::Profiling,
        1,
        Some(steps),
        Unit::Steps,
        rows as u64,
        true,
    );

    let distinct: i64 = conn
        .query_row(&format!("SELECT count(DISTINCT {c}) FROM {t}"), [], |r| {
            r.get(0)
        })
        .map_err(q)?;
    rep.check()?;
    rep.report(
        Stage::Profiling,
        2,
        Some(steps),
        Unit::Steps,
        rows as u64,
        true,
    );

    let mut top = Vec::new();
    {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {c}, count(*) AS n FROM {t} WHERE {c} IS NOT NULL GROUP BY {c} ORDER BY n DESC, {c} LIMIT {TOP_VALUES}"
            ))
            .map_err(q)?;
        let mut rs = stmt.query([]).map_err(q)?;
        while let Some(r) = rs.next().map_err(q)? {
            top.push((
                Cell::from_ref(r.get_ref(0).map_err(q)?),
                r.get::<_, i64>(1).map_err(q)?.max(0) as u64,
            ));
        }
    }
    rep.check()?;
    rep.report(
        Stage::Profiling,
        3,
        Some(steps),
        Unit::Steps,
        rows as u64,
        true,
    );

    let histogram = if col.ty.is_numeric() || col.ty.is_temporal() {
        histogram(conn, &t, &c, col.ty.is_temporal())?
    } else {
        None
    };
    rep.report(
        Stage::Profiling,
        steps,
        Some(steps),
        Unit::Steps,
        rows as u64,
        true,
    );

    let some = |x: Cell| if x == Cell::Null { None } else { Some(x) };
    Ok(ColumnProfile {
        dataset: info.name.clone(),
        column: column.to_string(),
        ty: col.ty,
        role: col.role,
        rows: rows.max(0) as u64,
        nulls: (rows - non_null).max(0) as u64,
        distinct: distinct.max(0) as u64,
        min: some(min),
        max: some(max),
        top,
        histogram,
    })
}

/// Equal-width bins over the numeric values (or Julian days) of a column.
fn histogram(conn: &Connection, t: &str, c: &str, temporal: bool) -> Result<Option<Histogram>> {
    // Values that are not numbers (kept as written at import) are left out.
    let x = if temporal {
        format!("julianday({c})")
    } else {
        format!("(CASE WHEN typeof({c}) IN ('integer', 'real') THEN {c} END)")
    };
    let (lo, hi, n): (Option<f64>, Option<f64>, i64) = conn
        .query_row(
            &format!("SELECT min({x}), max({x}), count({x}) FROM {t}"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(q)?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(None);
    };
    if n == 0 || !lo.is_finite() || !hi.is_finite() {
        return Ok(None);
    }
    if hi <= lo {
        return Ok(Some(Histogram {
            bins: vec![Bin {
                lo,
                hi: lo + 1.0,
                count: n as u64,
            }],
            temporal,
        }));
    }
    let bins = HISTOGRAM_BINS;
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u64; bins];
    let mut stmt = conn
        .prepare(&format!(
            "SELECT min(CAST(({x} - ?1) / ?2 AS INTEGER), {last}) AS b, count(*) FROM {t} WHERE {x} IS NOT NULL GROUP BY b",
            last = bins - 1
        ))
        .map_err(q)?;
    let mut rs = stmt.query(rusqlite::params![lo, width]).map_err(q)?;
    while let Some(r) = rs.next().map_err(q)? {
        let b: i64 = r.get(0).map_err(q)?;
        let k: i64 = r.get(1).map_err(q)?;
        if let Some(slot) = usize::try_from(b).ok().and_then(|b| counts.get_mut(b)) {
            *slot += k.max(0) as u64;
        }
    }
    Ok(Some(Histogram {
        bins: equal_bins(lo, width, counts),
        temporal,
    }))
}

/// Bins of `width` from `lo`, with their counts in order.
pub(crate) fn equal_bins(lo: f64, width: f64, counts: Vec<u64>) -> Vec<Bin> {
    counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| Bin {
            lo: lo + width * i as f64,
            hi: lo + width * (i + 1) as f64,
            count,
        })
        .collect()
}

/// `YYYY-MM-DD` of a Julian day number.
pub fn julian_to_date(jd: f64) -> String {
    // Days since 1970-01-01 (Julian day 2440587.5).
    let days = (jd - 2_440_587.5).floor() as i64;
    let (y, m, d) = crate::calendar::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A bin edge for people: a date for temporal histograms, a short number otherwise.
pub fn format_edge(x: f64, temporal: bool) -> String {
    if temporal {
        julian_to_date(x)
    } else if x.abs() >= 1000.0 || x.fract() == 0.0 {
        format_real(x.round())
    } else {
        format_real((x * 100.0).round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::ColumnInfo;

    fn info(cols: &[(&str, ColumnType)]) -> DatasetInfo {
        DatasetInfo {
            name: "t".into(),
            format: "csv".into(),
            encoding: None,
            delimiter: None,
            has_header: true,
            imported_at: String::new(),
            rows: 0,
            sources: vec![],
            columns: cols
                .iter()
                .map(|(n, ty)| ColumnInfo {
                    name: n.to_string(),
                    ty: *ty,
                    role: None,
                    role_source: None,
                    nulls: 0,
                    note: None,
                })
                .collect(),
        }
    }

    fn db() -> (Connection, DatasetInfo) {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t (amount REAL, city TEXT, day TEXT);
             INSERT INTO t VALUES (1.0, '上海', '2024-01-01'), (2.5, '上海', '2024-01-31'),
               (NULL, '北京', NULL), (10.0, NULL, '2024-03-01'), (10.0, '上海', '2024-01-15');",
        )
        .unwrap();
        let i = info(&[
            ("amount", ColumnType::Float),
            ("city", ColumnType::Text),
            ("day", ColumnType::Date),
        ]);
        (c, i)
    }

    #[test]
    fn numeric_profile() {
        let (c, i) = db();
        let p = profile_column(&c, &i, "amount", &Reporter::silent()).unwrap();
        assert_eq!((p.rows, p.nulls, p.distinct), (5, 1, 3));
        assert_eq!(p.min, Some(Cell::Real(1.0)));
        assert_eq!(p.max, Some(Cell::Real(10.0)));
        assert_eq!(p.top[0], (Cell::Real(10.0), 2));
        let h = p.histogram.clone().unwrap();
        assert_eq!(h.bins.len(), HISTOGRAM_BINS);
        assert_eq!(h.bins.iter().map(|b| b.count).sum::<u64>(), 4);
        assert_eq!(h.bins[0].count, 1);
        assert_eq!(
            h.bins[HISTOGRAM_BINS - 1].count,
            2,
            "the maximum is in the last bin"
        );
        assert!((p.null_share() - 0.2).abs() < 1e-9);
    }

    #[test]
    fn text_profile_has_top_values_no_histogram() {
        let (c, i) = db();
        let p = profile_column(&c, &i, "city", &Reporter::silent()).unwrap();
        assert_eq!(p.top[0], (Cell::Text("上海".into()), 3));
        assert_eq!(p.top.len(), 2);
        assert_eq!(p.distinct, 2);
        assert!(p.histogram.is_none());
    }

    #[test]
    fn date_histogram_in_days() {
        let (c, i) = db();
        let p = profile_column(&c, &i, "day", &Reporter::silent()).unwrap();
        let h = p.histogram.unwrap();
        assert!(h.temporal);
        assert_eq!(julian_to_date(h.bins[0].lo), "2024-01-01");
        assert_eq!(format_edge(h.bins.last().unwrap().hi, true), "2024-03-01");
        assert_eq!(h.bins.iter().map(|b| b.count).sum::<u64>(), 4);
    }

    #[test]
    fn unknown_column_is_an_error() {
        let (c, i) = db();
        assert!(profile_column(&c, &i, "nope", &Reporter::silent()).is_err());
    }

    #[test]
    fn dates_from_julian_days() {
        assert_eq!(julian_to_date(2_440_587.5), "1970-01-01");
        assert_eq!(julian_to_date(2_451_544.5 + 59.0), "2000-02-29");
    }
}
