//! The quality report of a dataset: per column and per dataset, what is missing, invalid, odd or
//! duplicated — each finding with the SQL condition that selects its rows and the fixes that apply.
//!
//! Computed in SQLite over the imported table, read-only.

use super::recipe::{Fence, Fill, Formula, Keep, Mapping, OutlierAction, Step};
use super::report_pass::ColumnCounts;
use crate::dataset::{ColumnInfo, ColumnType, DatasetInfo, Role};
use crate::error::{Error, Result};
use crate::i18n::{Lang, T, int};
use crate::numeric::quantile;
use crate::progress::{Reporter, Stage, Unit};
use crate::store::{Project, quote_ident};
use polars::prelude::PlHashMap;
use rusqlite::Connection;
use serde::Serialize;

/// A numeric column's numbers in `f64::total_cmp` order: read one by one from SQLite, or
/// counted by the pass over the copy (each distinct value with its count).
enum Numbers {
    Sorted(Vec<f64>),
    Counted(Vec<(f64, u64)>),
}

impl Numbers {
    fn len(&self) -> usize {
        match self {
            Numbers::Sorted(xs) => xs.len(),
            Numbers::Counted(xs) => xs.iter().map(|(_, n)| *n as usize).sum(),
        }
    }

    /// Every number in order, repeated as often as it occurs: sums over it add in the same
    /// order either way, so they are equal to the last bit.
    fn iter(&self) -> Box<dyn Iterator<Item = f64> + '_> {
        match self {
            Numbers::Sorted(xs) => Box::new(xs.iter().copied()),
            Numbers::Counted(xs) => Box::new(
                xs.iter()
                    .flat_map(|&(x, n)| std::iter::repeat_n(x, n as usize)),
            ),
        }
    }

    fn count(&self, keep: impl Fn(f64) -> bool) -> u64 {
        match self {
            Numbers::Sorted(xs) => xs.iter().filter(|&&x| keep(x)).count() as u64,
            Numbers::Counted(xs) => xs.iter().filter(|(x, _)| keep(*x)).map(|(_, n)| n).sum(),
        }
    }

    /// [`quantile`] of the numbers.
    fn quantile(&self, p: f64) -> Option<f64> {
        match self {
            Numbers::Sorted(xs) => quantile(xs, p),
            Numbers::Counted(xs) => {
                let n = self.len();
                if n == 0 {
                    return None;
                }
                // As `quantile` does, with the value at a position found by counting.
                let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
                let lo = h.floor() as usize;
                let hi = (lo + 1).min(n - 1);
                let at = |i: usize| {
                    let mut seen = 0usize;
                    for &(x, k) in xs {
                        seen += k as usize;
                        if i < seen {
                            return x;
                        }
                    }
                    f64::NAN
                };
                let (a, b) = (at(lo), at(hi));
                Some(a + (h - lo as f64) * (b - a))
            }
        }
    }
}

/// What to check beyond the built-in checks.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Count rows that share these columns' values (beyond the first of each).
    pub key: Vec<String>,
    /// Rules rows must satisfy, as SQL conditions (e.g. `Quantity > 0`).
    pub rules: Vec<String>,
    /// Dates after this are in the future (`YYYY-MM-DD`); today when not given.
    pub today: Option<String>,
}

/// The report.
#[derive(Debug, Clone, Serialize)]
pub struct QualityReport {
    pub dataset: String,
    pub rows: u64,
    /// Rows equal in every column to an earlier row.
    pub exact_duplicate_rows: u64,
    pub columns: Vec<ColumnQuality>,
    pub findings: Vec<Finding>,
}

/// One column's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnQuality {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub role: Option<Role>,
    /// NULL, or text that is empty or only spaces.
    pub missing: u64,
    pub distinct: u64,
    /// Values stored as text in a column of another type (kept as written at import).
    pub invalid: u64,
    /// Text with leading or trailing spaces.
    pub untrimmed: u64,
    pub outliers_iqr: Option<u64>,
    pub outliers_z: Option<u64>,
    /// Groups of values that look like one category written differently.
    pub variants: Vec<Vec<String>>,
}

/// A kind of recipe step that fixes a finding.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    RemoveExactDuplicates,
    RemoveKeyDuplicates,
    DropRows,
    FillMissing,
    CastType,
    MapValues,
    TrimWhitespace,
    ClipOutliers,
}

impl Fix {
    /// In English, for the command line (the window translates).
    pub fn describe(self) -> &'static str {
        match self {
            Fix::RemoveExactDuplicates => "remove exact duplicates",
            Fix::RemoveKeyDuplicates => "remove duplicates on the key (keep first or last)",
            Fix::DropRows => "drop these rows",
            Fix::FillMissing => "fill missing values (constant, mean, median, mode, forward fill)",
            Fix::CastType => "cast the type, reporting the values that fail",
            Fix::MapValues => "replace or map values",
            Fix::TrimWhitespace => "trim whitespace",
            Fix::ClipOutliers => "clip or flag outliers",
        }
    }
}

/// Something worth fixing, with the rows behind it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    /// The column, for column findings.
    pub column: Option<String>,
    pub count: u64,
    /// An SQL condition over the dataset's table that selects the rows.
    pub rows_where: String,
    /// The recipe steps that apply.
    pub fixes: Vec<Fix>,
    /// The recipe step Loupe suggests, ready to add to a recipe.
    pub suggested: Option<Step>,
    /// Why the finding applies to this dataset and why the suggested step fixes it.
    pub why: Why,
}

/// Why a finding applies and why its suggested step is the fix: the data behind the sentence
/// ([`Why::describe`] words it in either language).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Why {
    /// Rows equal in every column to an earlier row.
    ExactDuplicates,
    /// Rows that repeat the key the user gave.
    KeyDuplicates {
        key: String,
    },
    /// Rows that fail the user's rule.
    RuleFailed {
        rule: String,
    },
    /// A column with a role: the analyses that need the role cannot use the row.
    MissingWithRole {
        role: Role,
    },
    /// A number without a role: the median keeps the row without moving the column's middle.
    MissingNumber,
    /// Text without a role: `unknown` keeps the row and marks it.
    MissingText,
    /// A date or a yes/no without a role: no value stands in for it.
    MissingOther,
    /// Values that could not be read as the column's type were kept as written.
    Invalid {
        ty: ColumnType,
    },
    Untrimmed,
    /// Outside the interquartile fences: flagged, not removed.
    Outliers {
        low: f64,
        high: f64,
    },
    /// Groups of values that differ only in case, spacing or punctuation.
    Variants {
        groups: usize,
    },
    /// Ids of an uppercase `C` and digits in a column whose other ids are numbers (the share
    /// given): that shape marks cancelled orders (Online Retail's invoices).
    Cancellations {
        numeric_share: f64,
    },
    NonPositiveQuantity,
    NonPositivePrice,
    FutureDates {
        today: String,
    },
}

impl Why {
    /// The sentence, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Why::ExactDuplicates => lang.tr(T::WhyExactDuplicates).to_string(),
            Why::KeyDuplicates { key } => lang.f(T::WhyKeyDuplicates, &[key]),
            Why::RuleFailed { rule } => lang.f(T::WhyRuleFailed, &[rule]),
            Why::MissingWithRole { role } => lang.f(T::WhyMissingWithRole, &[&lang.role(*role)]),
            Why::MissingNumber => lang.tr(T::WhyMissingNumber).to_string(),
            Why::MissingText => lang.tr(T::WhyMissingText).to_string(),
            Why::MissingOther => lang.tr(T::WhyMissingOther).to_string(),
            Why::Invalid { ty } => lang.f(T::WhyInvalid, &[&lang.column_type(*ty)]),
            Why::Untrimmed => lang.tr(T::WhyUntrimmed).to_string(),
            Why::Outliers { low, high } => lang.f(
                T::WhyOutliers,
                &[&crate::format::number(*low), &crate::format::number(*high)],
            ),
            Why::Variants { groups } => lang.f(T::WhyVariants, &[&int(*groups as u64)]),
            Why::Cancellations { numeric_share } => lang.f(
                T::WhyCancellations,
                &[&crate::format::percent(*numeric_share)],
            ),
            Why::NonPositiveQuantity => lang.tr(T::WhyNonPositiveQuantity).to_string(),
            Why::NonPositivePrice => lang.tr(T::WhyNonPositivePrice).to_string(),
            Why::FutureDates { today } => lang.f(T::WhyFutureDates, &[today]),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    ExactDuplicates,
    KeyDuplicates,
    RuleFailed,
    Missing,
    Invalid,
    Untrimmed,
    Outliers,
    Variants,
    Cancellations,
    NonPositiveQuantity,
    NonPositivePrice,
    FutureDates,
}

fn count(conn: &Connection, sql: &str) -> Result<u64> {
    let n: i64 = conn
        .query_row(sql, [], |r| r.get(0))
        .map_err(|e| Error::Query(format!("{e} (in: {sql})")))?;
    Ok(n.max(0) as u64)
}

/// Builds the quality report of a dataset, in one parallel pass over its columnar copy (built
/// first when it is missing or stale; see [`super::report_pass`]). Columns not exactly of their
/// type, the rules, and a project where no copy can be kept are read from SQLite.
pub fn quality_report(
    project: &Project,
    dataset: &str,
    opts: &ReportOptions,
    rep: &Reporter,
) -> Result<QualityReport> {
    report(project, dataset, opts, rep, true)
}

/// The quality report computed in SQLite only, the way it was before the columnar copy: the
/// reference [`quality_report`] is checked against.
pub fn quality_report_sqlite(
    project: &Project,
    dataset: &str,
    opts: &ReportOptions,
    rep: &Reporter,
) -> Result<QualityReport> {
    report(project, dataset, opts, rep, false)
}

fn report(
    project: &Project,
    dataset: &str,
    opts: &ReportOptions,
    rep: &Reporter,
    use_copy: bool,
) -> Result<QualityReport> {
    let info = project.dataset(dataset)?;
    let conn = project.conn();
    let pass = if use_copy {
        super::report_pass::run(project, &info, &opts.key, rep)?
    } else {
        None
    };
    let t = quote_ident(&info.name);
    let all_cols = info
        .columns
        .iter()
        .map(|c| quote_ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let steps = info.columns.len() as u64 + 2;
    rep.report(Stage::Profiling, 0, Some(steps), Unit::Steps, 0, true);
    let mut findings = Vec::new();

    // Exact duplicates: rows beyond the first of each group of equal rows.
    let distinct_rows = match pass.as_ref().and_then(|p| p.distinct_rows) {
        Some(n) => n,
        None => count(
            conn,
            &format!("SELECT count(*) FROM (SELECT 1 FROM {t} GROUP BY {all_cols})"),
        )?,
    };
    let exact_duplicate_rows = info.rows.saturating_sub(distinct_rows);
    if exact_duplicate_rows > 0 {
        findings.push(Finding {
            kind: FindingKind::ExactDuplicates,
            column: None,
            count: exact_duplicate_rows,
            rows_where: format!("rowid NOT IN (SELECT min(rowid) FROM {t} GROUP BY {all_cols})"),
            fixes: vec![Fix::RemoveExactDuplicates],
            suggested: Some(Step::RemoveDuplicates {
                columns: vec![],
                keep: Keep::First,
            }),
            why: Why::ExactDuplicates,
        });
    }
    rep.check()?;
    rep.report(Stage::Profiling, 1, Some(steps), Unit::Steps, 0, false);

    if !opts.key.is_empty() {
        let key = opts
            .key
            .iter()
            .map(|k| {
                info.column(k).map(|c| quote_ident(&c.name)).ok_or_else(|| {
                    Error::InvalidArgument(format!("dataset '{dataset}' has no column '{k}'"))
                })
            })
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        let groups = match pass.as_ref().and_then(|p| p.distinct_keys) {
            Some(n) => n,
            None => count(
                conn,
                &format!("SELECT count(*) FROM (SELECT 1 FROM {t} GROUP BY {key})"),
            )?,
        };
        let dups = info.rows.saturating_sub(groups);
        if dups > 0 {
            findings.push(Finding {
                kind: FindingKind::KeyDuplicates,
                column: Some(opts.key.join(", ")),
                count: dups,
                rows_where: format!("rowid NOT IN (SELECT min(rowid) FROM {t} GROUP BY {key})"),
                fixes: vec![Fix::RemoveKeyDuplicates],
                suggested: Some(Step::RemoveDuplicates {
                    columns: opts.key.clone(),
                    keep: Keep::First,
                }),
                why: Why::KeyDuplicates {
                    key: opts.key.join(", "),
                },
            });
        }
    }
    for rule in &opts.rules {
        let failing = count(
            conn,
            &format!("SELECT count(*) FROM {t} WHERE NOT coalesce(({rule}), 0)"),
        )
        .map_err(|e| Error::InvalidArgument(format!("the rule '{rule}' cannot be checked: {e}")))?;
        if failing > 0 {
            findings.push(Finding {
                kind: FindingKind::RuleFailed,
                column: None,
                count: failing,
                rows_where: format!("NOT coalesce(({rule}), 0)"),
                fixes: vec![Fix::DropRows],
                // Rules are SQL; most simple ones read the same in Loupe's expressions.
                suggested: Formula::parse(&format!("not ({rule})"))
                    .ok()
                    .map(|condition| Step::DropRows { condition }),
                why: Why::RuleFailed { rule: rule.clone() },
            });
        }
    }

    let today = opts
        .today
        .clone()
        .unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
    let mut columns = Vec::with_capacity(info.columns.len());
    for (i, c) in info.columns.iter().enumerate() {
        rep.check()?;
        let counts = pass
            .as_ref()
            .and_then(|p| p.columns.get(i))
            .and_then(Option::as_ref);
        columns.push(column_quality(
            conn,
            &info,
            c,
            counts,
            &today,
            &mut findings,
        )?);
        rep.report(
            Stage::Profiling,
            i as u64 + 2,
            Some(steps),
            Unit::Steps,
            0,
            false,
        );
    }
    Ok(QualityReport {
        dataset: info.name.clone(),
        rows: info.rows,
        exact_duplicate_rows,
        columns,
        findings,
    })
}

fn column_quality(
    conn: &Connection,
    info: &DatasetInfo,
    c: &ColumnInfo,
    counts: Option<&ColumnCounts>,
    today: &str,
    findings: &mut Vec<Finding>,
) -> Result<ColumnQuality> {
    let t = quote_ident(&info.name);
    let q = quote_ident(&c.name);
    let mut push =
        |kind, count: u64, rows_where: String, fixes: &[Fix], suggested: Option<Step>, why: Why| {
            if count > 0 {
                findings.push(Finding {
                    kind,
                    column: Some(c.name.clone()),
                    count,
                    rows_where,
                    fixes: fixes.to_vec(),
                    suggested,
                    why,
                });
            }
        };
    let drop_where = |text: String| {
        Formula::parse(&text)
            .ok()
            .map(|condition| Step::DropRows { condition })
    };
    let col_expr = crate::expr::Expr::Column(c.name.clone()).to_string();
    let missing_where = format!("{q} IS NULL OR trim({q}) = ''");
    let invalid_where = match c.ty {
        ColumnType::Integer | ColumnType::Boolean | ColumnType::Float => {
            Some(format!("typeof({q}) = 'text'"))
        }
        ColumnType::Date => Some(format!("{q} IS NOT NULL AND date({q}) IS NULL")),
        ColumnType::Datetime => Some(format!("{q} IS NOT NULL AND datetime({q}) IS NULL")),
        ColumnType::Text => None,
    };
    let untrimmed_where = (c.ty == ColumnType::Text).then(|| format!("{q} <> trim({q})"));
    // One scan for the counts every column gets.
    let [missing, distinct, invalid, untrimmed] = match counts {
        Some(k) => [k.missing(), k.distinct(), 0, k.untrimmed()],
        None => {
            let (missing, distinct, invalid, untrimmed): (i64, i64, i64, i64) = conn
                .query_row(
                    &format!(
                        "SELECT coalesce(sum({missing_where}), 0), count(DISTINCT {q}), \
                         coalesce(sum({}), 0), coalesce(sum({}), 0) FROM {t}",
                        invalid_where.as_deref().unwrap_or("0"),
                        untrimmed_where.as_deref().unwrap_or("0"),
                    ),
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .map_err(|e| Error::Query(e.to_string()))?;
            [missing, distinct, invalid, untrimmed].map(|v| v.max(0) as u64)
        }
    };
    // Rows without a value in a column with a role are unusable for the analyses; other numbers
    // are filled with the median, other text marked unknown.
    let (fill_missing, why_missing) = if let Some(role) = c.role {
        (
            drop_where(format!("{col_expr} is missing")),
            Why::MissingWithRole { role },
        )
    } else if c.ty.is_numeric() {
        (
            Some(Step::FillMissing {
                column: c.name.clone(),
                with: Fill::Median,
            }),
            Why::MissingNumber,
        )
    } else if c.ty == ColumnType::Text {
        (
            Some(Step::FillMissing {
                column: c.name.clone(),
                with: Fill::Constant("unknown".into()),
            }),
            Why::MissingText,
        )
    } else {
        (
            drop_where(format!("{col_expr} is missing")),
            Why::MissingOther,
        )
    };
    push(
        FindingKind::Missing,
        missing,
        missing_where,
        &[Fix::DropRows, Fix::FillMissing],
        fill_missing,
        why_missing,
    );
    if let Some(w) = invalid_where {
        push(
            FindingKind::Invalid,
            invalid,
            w,
            &[Fix::CastType, Fix::MapValues],
            Some(Step::Cast {
                column: c.name.clone(),
                to: c.ty,
                format: None,
            }),
            Why::Invalid { ty: c.ty },
        );
    }
    if let Some(w) = untrimmed_where {
        push(
            FindingKind::Untrimmed,
            untrimmed,
            w,
            &[Fix::TrimWhitespace],
            Some(Step::Trim {
                columns: vec![c.name.clone()],
            }),
            Why::Untrimmed,
        );
    }
    let mut variants = Vec::new();
    // Identifiers are codes, not spellings: `85123A` and `85123a` may be two products.
    let identifier = c.role.is_some_and(|r| r.is_identifier());
    if c.ty == ColumnType::Text && distinct <= 5000 && !identifier {
        variants = match counts.and_then(ColumnCounts::texts) {
            Some(m) => variant_groups(m.keys().cloned()),
            None => category_variants(conn, &t, &q)?,
        };
        if !variants.is_empty() {
            let list = variants
                .iter()
                .flatten()
                .map(|v| format!("'{}'", v.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(", ");
            let rows = match counts.and_then(ColumnCounts::texts) {
                Some(m) => variants.iter().flatten().filter_map(|v| m.get(v)).sum(),
                None => count(
                    conn,
                    &format!("SELECT count(*) FROM {t} WHERE {q} IN ({list})"),
                )?,
            };
            let map = variants
                .iter()
                .map(|g| Mapping {
                    from: g.clone(),
                    to: canonical_variant(g),
                })
                .collect();
            push(
                FindingKind::Variants,
                rows,
                format!("{q} IN ({list})"),
                &[Fix::MapValues],
                Some(Step::MapValues {
                    column: c.name.clone(),
                    map,
                }),
                Why::Variants {
                    groups: variants.len(),
                },
            );
        }
    }
    let (mut outliers_iqr, mut outliers_z) = (None, None);
    if c.ty.is_numeric() {
        // The numbers, read once and sorted here: quartiles, fences, mean and deviation.
        let numeric = format!("typeof({q}) IN ('integer', 'real')");
        let xs = match counts.and_then(ColumnCounts::numbers) {
            Some(xs) => Numbers::Counted(xs),
            None => {
                let mut xs: Vec<f64> = conn
                    .prepare(&format!("SELECT {q} FROM {t} WHERE {numeric}"))?
                    .query_map([], |r| r.get::<_, f64>(0))?
                    .collect::<rusqlite::Result<_>>()?;
                xs.sort_by(f64::total_cmp);
                Numbers::Sorted(xs)
            }
        };
        if xs.len() >= 4 {
            // At least four values: both quartiles exist.
            let q1 = xs.quantile(0.25).unwrap_or(f64::NAN);
            let q3 = xs.quantile(0.75).unwrap_or(f64::NAN);
            let iqr = q3 - q1;
            let (lo, hi) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
            let k = xs.count(|x| x < lo || x > hi);
            outliers_iqr = Some(k);
            let w = format!("{numeric} AND ({q} < {lo:?} OR {q} > {hi:?})");
            push(
                FindingKind::Outliers,
                k,
                w,
                &[Fix::ClipOutliers],
                Some(Step::Outliers {
                    column: c.name.clone(),
                    fence: Fence::Iqr { k: 1.5 },
                    action: OutlierAction::Flag(format!("{}_outlier", c.name)),
                }),
                Why::Outliers { low: lo, high: hi },
            );
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let mean_sq = xs.iter().map(|x| x * x).sum::<f64>() / n;
            let sd = (mean_sq - mean * mean).max(0.0).sqrt();
            outliers_z = Some(if sd > 0.0 {
                xs.count(|x| (x - mean).abs() > 3.0 * sd)
            } else {
                0
            });
        }
        let name = c.name.to_lowercase();
        let is_qty = c.role == Some(Role::Quantity) || name.contains("quantity") || name == "qty";
        let is_price =
            matches!(c.role, Some(Role::UnitPrice | Role::Amount)) || name.contains("price");
        if is_qty {
            let w = format!("{q} <= 0");
            let k = match &xs {
                Numbers::Counted(_) => xs.count(|x| x <= 0.0),
                Numbers::Sorted(_) => count(conn, &format!("SELECT count(*) FROM {t} WHERE {w}"))?,
            };
            push(
                FindingKind::NonPositiveQuantity,
                k,
                w,
                &[Fix::DropRows],
                drop_where(format!("{col_expr} <= 0")),
                Why::NonPositiveQuantity,
            );
        }
        if is_price {
            let w = format!("{q} <= 0");
            let k = match &xs {
                Numbers::Counted(_) => xs.count(|x| x <= 0.0),
                Numbers::Sorted(_) => count(conn, &format!("SELECT count(*) FROM {t} WHERE {w}"))?,
            };
            push(
                FindingKind::NonPositivePrice,
                k,
                w,
                &[Fix::DropRows],
                drop_where(format!("{col_expr} <= 0")),
                Why::NonPositivePrice,
            );
        }
    }
    if c.ty.is_temporal() {
        let w = format!("date({q}) > '{today}'");
        let k = match counts {
            Some(k) => k.after_day(today),
            None => count(conn, &format!("SELECT count(*) FROM {t} WHERE {w}"))?,
        };
        push(
            FindingKind::FutureDates,
            k,
            w,
            &[Fix::DropRows],
            drop_where(format!("{col_expr} > '{today} 23:59:59'")),
            Why::FutureDates {
                today: today.to_string(),
            },
        );
    }
    if c.role == Some(Role::OrderId)
        && c.ty == ColumnType::Text
        && let Some(shape) = match counts.and_then(ColumnCounts::texts) {
            Some(m) => cancellation_shape_of(m, &q),
            None => cancellation_shape(conn, &t, &q)?,
        }
    {
        push(
            FindingKind::Cancellations,
            shape.cancelled,
            shape.rows_where,
            &[Fix::DropRows],
            drop_where(format!("{col_expr} starts with 'C'")),
            Why::Cancellations {
                numeric_share: shape.numeric_share,
            },
        );
    }
    Ok(ColumnQuality {
        name: c.name.clone(),
        ty: c.ty,
        role: c.role,
        missing,
        distinct,
        invalid,
        untrimmed,
        outliers_iqr,
        outliers_z,
        variants,
    })
}

/// The ids that mark cancelled orders, when a column has Online Retail's shape.
struct CancellationShape {
    cancelled: u64,
    rows_where: String,
    numeric_share: f64,
}

/// The least share of the other ids that must be digits, and of the `C` ids that must be `C` and
/// digits, for a leading `C` to mean a cancellation.
const CANCELLATION_SHAPE: f64 = 0.99;

/// Whether the order ids have the shape the cancellation rule was learned on: an uppercase `C`
/// followed by digits (case-sensitive), in a column whose other ids are numbers. Hexadecimal or
/// other ids that happen to start with `c` or `C` do not.
fn cancellation_shape(conn: &Connection, t: &str, q: &str) -> Result<Option<CancellationShape>> {
    // SQLite's `=` on text and GLOB are case-sensitive (LIKE is not).
    let is_c = format!("substr({q}, 1, 1) = 'C'");
    let digits = |e: &str| format!("({e} <> '' AND {e} NOT GLOB '*[^0-9]*')");
    let (c_ids, c_digits, others, others_digits): (i64, i64, i64, i64) = conn
        .query_row(
            &format!(
                "SELECT coalesce(sum({is_c}), 0), coalesce(sum({is_c} AND {}), 0),                  coalesce(sum(NOT ({is_c})), 0), coalesce(sum(NOT ({is_c}) AND {}), 0)                  FROM {t} WHERE typeof({q}) = 'text' AND trim({q}) <> ''",
                digits(&format!("substr({q}, 2)")),
                digits(q),
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(|e| Error::Query(e.to_string()))?;
    let [c_ids, c_digits, others, others_digits] =
        [c_ids, c_digits, others, others_digits].map(|v| v.max(0) as u64);
    Ok(shape_of(c_ids, c_digits, others, others_digits, q))
}

/// [`cancellation_shape`] from a column's distinct values and their counts.
fn cancellation_shape_of(values: &PlHashMap<String, u64>, q: &str) -> Option<CancellationShape> {
    // As SQLite reads them: `trim` drops spaces only, GLOB's [0-9] is the ASCII digits.
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (mut c_ids, mut c_digits, mut others, mut others_digits) = (0u64, 0u64, 0u64, 0u64);
    for (v, &n) in values {
        if v.bytes().all(|b| b == b' ') {
            continue;
        }
        if let Some(rest) = v.strip_prefix('C') {
            c_ids += n;
            if digits(rest) {
                c_digits += n;
            }
        } else {
            others += n;
            if digits(v) {
                others_digits += n;
            }
        }
    }
    shape_of(c_ids, c_digits, others, others_digits, q)
}

fn shape_of(
    c_ids: u64,
    c_digits: u64,
    others: u64,
    others_digits: u64,
    q: &str,
) -> Option<CancellationShape> {
    if c_ids == 0 || others == 0 {
        return None;
    }
    let numeric_share = others_digits as f64 / others as f64;
    let c_shape = c_digits as f64 / c_ids as f64;
    if numeric_share < CANCELLATION_SHAPE || c_shape < CANCELLATION_SHAPE {
        return None;
    }
    Some(CancellationShape {
        cancelled: c_ids,
        rows_where: format!("substr({q}, 1, 1) = 'C'"),
        numeric_share,
    })
}

/// The spelling a group of variants is mapped to: an already trimmed value, the shortest, then
/// the first in sort order.
fn canonical_variant(group: &[String]) -> String {
    group
        .iter()
        .min_by_key(|v| (v.trim() != v.as_str(), v.chars().count(), (*v).clone()))
        .cloned()
        .unwrap_or_default()
}

/// The recipe made of every finding's suggested step, in a sensible order: whole-row fixes first
/// (duplicates, then rows to drop), then value fixes.
pub fn suggested_recipe(report: &QualityReport) -> super::recipe::Recipe {
    let mut steps: Vec<&Step> = report
        .findings
        .iter()
        .filter_map(|f| f.suggested.as_ref())
        .collect();
    let rank = |s: &Step| match s {
        Step::RemoveDuplicates { .. } => 0,
        Step::DropRows { .. } => 1,
        Step::Trim { .. } | Step::MapValues { .. } | Step::Cast { .. } => 2,
        _ => 3,
    };
    steps.sort_by_key(|s| rank(s));
    // A date in the future is one finding per column; duplicates of a step are dropped.
    let mut unique: Vec<Step> = Vec::new();
    for s in steps {
        if !unique.contains(s) {
            unique.push(s.clone());
        }
    }
    super::recipe::Recipe::new(unique)
}

/// Key-collision clustering, in the spirit of OpenRefine: values whose fingerprints agree are
/// probably one category written differently (`Beijing`, `beijing `, `北京`, `北京市`).
fn category_variants(conn: &Connection, t: &str, q: &str) -> Result<Vec<Vec<String>>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT DISTINCT {q} FROM {t} WHERE typeof({q}) = 'text' LIMIT 5001"
    ))?;
    let values: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(variant_groups(values.into_iter()))
}

/// The groups of two or more values with one fingerprint, each sorted, in fingerprint order.
fn variant_groups(values: impl Iterator<Item = String>) -> Vec<Vec<String>> {
    let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for v in values {
        let key = fingerprint(&v);
        if !key.is_empty() {
            groups.entry(key).or_default().push(v);
        }
    }
    groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort();
            g
        })
        .collect()
}

/// The key of a category value: case, spacing and punctuation ignored, and the administrative
/// suffixes of Chinese place names (市, 省) dropped.
pub fn fingerprint(v: &str) -> String {
    let lowered: String = v
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    let mut key = lowered.as_str();
    for suffix in ["市", "省"] {
        if key.chars().count() > 2 {
            key = key.strip_suffix(suffix).unwrap_or(key);
        }
    }
    key.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_group_spellings() {
        assert_eq!(fingerprint("Beijing"), fingerprint(" beijing "));
        assert_eq!(fingerprint("北京市"), fingerprint("北京"));
        assert_eq!(fingerprint("New-York"), fingerprint("new york"));
        assert_ne!(fingerprint("上海"), fingerprint("北京"));
        assert_eq!(fingerprint("市"), "市");
    }
}
