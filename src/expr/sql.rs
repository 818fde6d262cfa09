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
}

fn lit(l: &Lit, d: Dialect) -> String {
    match l {
        Lit::Int(i) => i.to_string(),
        Lit::Float(x) => format!("{x:?}"),
        Lit::Text(s) => format!("'{}'", s.replace('\'', "''")),
        Lit::Bool(b) => match d {
            Dialect::Sqlite => if *b { "1" } else { "0" }.to_string(),
            Dialect::Postgres => if *b { "TRUE" } else { "FALSE" }.to_string(),
        },
        Lit::Null => "NULL".to_string(),
    }
}

fn part(f: &str, e: &str, d: Dialect) -> String {
    match d {
        Dialect::Sqlite => format!("CAST(strftime('{f}', {e}) AS INTEGER)"),
        Dialect::Postgres => {
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
        match self {
            Expr::Column(c) => quote_ident(c),
            Expr::Lit(l) => lit(l, d),
            Expr::Neg(e) => format!("(-{})", e.to_sql_in(d)),
            Expr::Not(e) => format!("(NOT {})", e.to_sql_in(d)),
            Expr::Binary(op, a, b) => {
                let (a, b) = (a.to_sql_in(d), b.to_sql_in(d));
                match op {
                    BinOp::Or => format!("({a} OR {b})"),
                    BinOp::And => format!("({a} AND {b})"),
                    BinOp::Ne => format!("({a} <> {b})"),
                    BinOp::Div if pg => {
                        format!("(CAST({a} AS double precision) / NULLIF({b}, 0))")
                    }
                    BinOp::Div => format!("(CAST({a} AS REAL) / NULLIF({b}, 0))"),
                    // The remainder takes the divisor's sign, as in polars; PostgreSQL has no
                    // `%` on floats, so it is written with floor, in numeric.
                    BinOp::Rem if pg => format!(
                        "CAST(CAST({a} AS numeric) - CAST({b} AS numeric) * floor(CAST({a} AS numeric) / NULLIF(CAST({b} AS numeric), 0)) AS double precision)"
                    ),
                    // The remainder takes the divisor's sign, as in polars (SQLite's `%` takes
                    // the dividend's).
                    BinOp::Rem => format!("((({a} % {b}) + {b}) % {b})"),
                    op => format!("({a} {} {b})", op.symbol()),
                }
            }
            Expr::IsMissing { expr, negated } => {
                let e = expr.to_sql_in(d);
                let m = if pg {
                    format!("({e} IS NULL OR trim(CAST({e} AS text)) = '')")
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
                    Func::Weekday => format!("((({}) + 6) % 7 + 1)", part("%w", &first, d)),
                    // Rounds the decimal, as polars does.
                    Func::Round if pg => format!(
                        "CAST(round(CAST({first} AS numeric), {}) AS double precision)",
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
            Dialect::Postgres => format!("coalesce({}, FALSE)", self.to_sql_in(d)),
        }
    }
}
