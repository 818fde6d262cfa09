//! [`Expr`] as SQL (SQLite's dialect, which reads as standard SQL apart from the date functions),
//! so that a condition can run inside the project's database or be copied to a warehouse.
//!
//! The translation keeps the language's meaning: missing values propagate as NULL, text tests are
//! case-sensitive, division by zero is NULL, `weekday` is ISO (Monday 1 … Sunday 7). (One
//! difference: `round(2.55, 1)` is 2.6 in polars, which rounds the decimal, and 2.5 in SQLite, which
//! rounds the binary double just below it.) Dates are
//! stored as ISO text, so comparing them with `'2011-12-01'` compares text, which orders as dates do.

use super::ast::{BinOp, Expr, Func, Lit, TextOp};
use crate::store::quote_ident;

/// The SQL dialects an expression is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The project's own database.
    Sqlite,
    /// PostgreSQL (a linked dataset's warehouse): booleans are their own type, dates are
    /// dates and timestamps, text functions have PostgreSQL's names.
    Postgres,
    /// Spark SQL (through Spark Connect): typed like PostgreSQL, identifiers in backticks,
    /// backslashes in string literals escaped, `STRING` and `DOUBLE` for the types.
    Spark,
}

impl Dialect {
    /// `name` quoted as an identifier.
    pub fn quote(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// `s` as a string literal.
    pub fn string(self, s: &str) -> String {
        match self {
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
            _ => format!("'{}'", s.replace('\'', "''")),
        }
    }

    /// The text type's name.
    pub fn text(self) -> &'static str {
        match self {
            Dialect::Sqlite => "TEXT",
            Dialect::Postgres => "text",
            Dialect::Spark => "STRING",
        }
    }

    /// The double type's name.
    pub fn double(self) -> &'static str {
        match self {
            Dialect::Sqlite => "REAL",
            Dialect::Postgres => "double precision",
            Dialect::Spark => "DOUBLE",
        }
    }

    /// An exact decimal type for sums (Spark's decimals are bounded: 20 digits before the
    /// point and 18 after).
    pub fn decimal(self) -> &'static str {
        match self {
            Dialect::Spark => "DECIMAL(38,18)",
            _ => "numeric",
        }
    }

    /// The days from date `b` to date `a`, as an integer.
    pub fn days_between(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Spark => format!("datediff({a}, {b})"),
            _ => format!("({a} - {b})"),
        }
    }

    /// `e` compared as bytes (`COLLATE "C"` in PostgreSQL; Spark's default collation is
    /// already binary).
    pub fn bytewise(self, e: &str) -> String {
        match self {
            Dialect::Postgres => format!("{e} COLLATE \"C\""),
            _ => e.to_string(),
        }
    }

    /// The weekday of date `e`, Monday 0 … Sunday 6.
    pub fn weekday0(self, e: &str) -> String {
        match self {
            Dialect::Spark => format!("weekday({e})"),
            _ => format!("CAST(extract(isodow FROM {e}) AS integer) - 1"),
        }
    }

    /// Whether the dialect is a warehouse's (typed booleans and dates).
    pub fn typed(self) -> bool {
        self != Dialect::Sqlite
    }
}

fn lit(l: &Lit, d: Dialect) -> String {
    match l {
        Lit::Int(i) => i.to_string(),
        Lit::Float(x) => format!("{x:?}"),
        Lit::Text(s) => d.string(s),
        Lit::Bool(b) => match d {
            Dialect::Sqlite => if *b { "1" } else { "0" }.to_string(),
            _ => if *b { "TRUE" } else { "FALSE" }.to_string(),
        },
        Lit::Null => "NULL".to_string(),
    }
}

fn part(f: &str, e: &str, d: Dialect) -> String {
    match d {
        Dialect::Sqlite => format!("CAST(strftime('{f}', {e}) AS INTEGER)"),
        Dialect::Postgres | Dialect::Spark => {
            let field = match f {
                "%Y" => "year",
                "%m" => "month",
                "%d" => "day",
                _ => "hour",
            };
            format!("CAST(extract({field} FROM {e}) AS integer)")
        }
    }
}

impl Expr {
    /// The expression as SQL (SQLite's dialect).
    pub fn to_sql(&self) -> String {
        self.to_sql_in(Dialect::Sqlite)
    }

    /// The expression as SQL in dialect `d`.
    pub fn to_sql_in(&self, d: Dialect) -> String {
        let pg = d == Dialect::Postgres;
        let spark = d == Dialect::Spark;
        match self {
            Expr::Column(c) if d == Dialect::Sqlite => quote_ident(c),
            Expr::Column(c) => d.quote(c),
            Expr::Lit(l) => lit(l, d),
            Expr::Neg(e) => format!("(-{})", e.to_sql_in(d)),
            Expr::Not(e) => format!("(NOT {})", e.to_sql_in(d)),
            Expr::Binary(op, a, b) => {
                let (a, b) = (a.to_sql_in(d), b.to_sql_in(d));
                match op {
                    BinOp::Or => format!("({a} OR {b})"),
                    BinOp::And => format!("({a} AND {b})"),
                    BinOp::Ne => format!("({a} <> {b})"),
                    BinOp::Div if pg || spark => {
                        format!("(CAST({a} AS {}) / NULLIF({b}, 0))", d.double())
                    }
                    BinOp::Div => format!("(CAST({a} AS REAL) / NULLIF({b}, 0))"),
                    // The remainder takes the divisor's sign, as in polars; PostgreSQL has no
                    // `%` on floats, so it is written with floor, in numeric.
                    BinOp::Rem if pg => format!(
                        "CAST(CAST({a} AS numeric) - CAST({b} AS numeric) * floor(CAST({a} AS numeric) / NULLIF(CAST({b} AS numeric), 0)) AS double precision)"
                    ),
                    // Spark's `%` takes the dividend's sign too, and fails on a zero divisor.
                    BinOp::Rem if spark => {
                        format!("((({a} % NULLIF({b}, 0)) + {b}) % NULLIF({b}, 0))")
                    }
                    // The remainder takes the divisor's sign, as in polars (SQLite's `%` takes
                    // the dividend's).
                    BinOp::Rem => format!("((({a} % {b}) + {b}) % {b})"),
                    op => format!("({a} {} {b})", op.symbol()),
                }
            }
            Expr::IsMissing { expr, negated } => {
                let e = expr.to_sql_in(d);
                let m = if d.typed() {
                    format!("({e} IS NULL OR trim(CAST({e} AS {})) = '')", d.text())
                } else {
                    format!("({e} IS NULL OR (typeof({e}) = 'text' AND trim({e}) = ''))")
                };
                if *negated { format!("(NOT {m})") } else { m }
            }
            Expr::In {
                expr,
                list,
                negated,
            } => {
                let items: Vec<String> = list.iter().map(|l| lit(l, d)).collect();
                let not = if *negated { "NOT " } else { "" };
                format!("({} {not}IN ({}))", expr.to_sql_in(d), items.join(", "))
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let not = if *negated { "NOT " } else { "" };
                format!(
                    "({} {not}BETWEEN {} AND {})",
                    expr.to_sql_in(d),
                    low.to_sql_in(d),
                    high.to_sql_in(d)
                )
            }
            Expr::Text {
                op,
                expr,
                pattern,
                negated,
            } => {
                let (e, p) = (expr.to_sql_in(d), pattern.to_sql_in(d));
                let test = match op {
                    TextOp::StartsWith if pg => format!("starts_with({e}, {p})"),
                    TextOp::EndsWith if pg => {
                        format!("(length({e}) >= length({p}) AND right({e}, length({p})) = {p})")
                    }
                    TextOp::Contains if pg => format!("(strpos({e}, {p}) > 0)"),
                    TextOp::StartsWith if spark => format!("startswith({e}, {p})"),
                    TextOp::EndsWith if spark => format!("endswith({e}, {p})"),
                    TextOp::Contains if spark => format!("contains({e}, {p})"),
                    TextOp::StartsWith => format!("(substr({e}, 1, length({p})) = {p})"),
                    TextOp::EndsWith => {
                        format!("(length({e}) >= length({p}) AND substr({e}, -length({p})) = {p})")
                    }
                    TextOp::Contains => format!("(instr({e}, {p}) > 0)"),
                };
                if *negated {
                    format!("(NOT {test})")
                } else {
                    test
                }
            }
            Expr::Call(func, args) => {
                let a: Vec<String> = args.iter().map(|x| x.to_sql_in(d)).collect();
                let first = a.first().cloned().unwrap_or_default();
                match func {
                    Func::Year => part("%Y", &first, d),
                    Func::Month => part("%m", &first, d),
                    Func::Day => part("%d", &first, d),
                    Func::Hour => part("%H", &first, d),
                    Func::Weekday if pg => {
                        format!("CAST(extract(isodow FROM {first}) AS integer)")
                    }
                    Func::Weekday if spark => format!("(weekday({first}) + 1)"),
                    Func::Weekday => format!("((({}) + 6) % 7 + 1)", part("%w", &first, d)),
                    // Rounds the decimal, as polars does.
                    Func::Round if pg => format!(
                        "CAST(round(CAST({first} AS numeric), {}) AS double precision)",
                        a.get(1).cloned().unwrap_or_else(|| "0".into())
                    ),
                    Func::Round if spark => format!(
                        "CAST(round(CAST({first} AS DECIMAL(38,18)), {}) AS DOUBLE)",
                        a.get(1).cloned().unwrap_or_else(|| "0".into())
                    ),
                    Func::Round => format!(
                        "round(CAST({first} AS REAL), {})",
                        a.get(1).cloned().unwrap_or_else(|| "0".into())
                    ),
                    Func::Length => format!("length({first})"),
                    f => format!("{}({})", f.name(), a.join(", ")),
                }
            }
        }
    }

    /// A condition as an SQL `WHERE` clause body: missing counts as false.
    pub fn to_sql_condition(&self) -> String {
        format!("coalesce({}, 0)", self.to_sql())
    }

    /// A condition as a `WHERE` clause body in dialect `d`: missing counts as false.
    pub fn to_sql_condition_in(&self, d: Dialect) -> String {
        match d {
            Dialect::Sqlite => self.to_sql_condition(),
            Dialect::Postgres | Dialect::Spark => {
                format!("coalesce({}, FALSE)", self.to_sql_in(d))
            }
        }
    }
}
