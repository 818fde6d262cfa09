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

fn lit(l: &Lit) -> String {
    match l {
        Lit::Int(i) => i.to_string(),
        Lit::Float(x) => format!("{x:?}"),
        Lit::Text(s) => format!("'{}'", s.replace('\'', "''")),
        Lit::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Lit::Null => "NULL".to_string(),
    }
}

fn part(f: &str, e: &str) -> String {
    format!("CAST(strftime('{f}', {e}) AS INTEGER)")
}

impl Expr {
    /// The expression as SQL.
    pub fn to_sql(&self) -> String {
        match self {
            Expr::Column(c) => quote_ident(c),
            Expr::Lit(l) => lit(l),
            Expr::Neg(e) => format!("(-{})", e.to_sql()),
            Expr::Not(e) => format!("(NOT {})", e.to_sql()),
            Expr::Binary(op, a, b) => {
                let (a, b) = (a.to_sql(), b.to_sql());
                match op {
                    BinOp::Or => format!("({a} OR {b})"),
                    BinOp::And => format!("({a} AND {b})"),
                    BinOp::Ne => format!("({a} <> {b})"),
                    BinOp::Div => format!("(CAST({a} AS REAL) / NULLIF({b}, 0))"),
                    // The remainder takes the divisor's sign, as in polars (SQLite's `%` takes
                    // the dividend's).
                    BinOp::Rem => format!("((({a} % {b}) + {b}) % {b})"),
                    op => format!("({a} {} {b})", op.symbol()),
                }
            }
            Expr::IsMissing { expr, negated } => {
                let e = expr.to_sql();
                let m = format!("({e} IS NULL OR (typeof({e}) = 'text' AND trim({e}) = ''))");
                if *negated { format!("(NOT {m})") } else { m }
            }
            Expr::In {
                expr,
                list,
                negated,
            } => {
                let items: Vec<String> = list.iter().map(lit).collect();
                let not = if *negated { "NOT " } else { "" };
                format!("({} {not}IN ({}))", expr.to_sql(), items.join(", "))
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
                    expr.to_sql(),
                    low.to_sql(),
                    high.to_sql()
                )
            }
            Expr::Text {
                op,
                expr,
                pattern,
                negated,
            } => {
                let (e, p) = (expr.to_sql(), pattern.to_sql());
                let test = match op {
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
                let a: Vec<String> = args.iter().map(Expr::to_sql).collect();
                let first = a.first().cloned().unwrap_or_default();
                match func {
                    Func::Year => part("%Y", &first),
                    Func::Month => part("%m", &first),
                    Func::Day => part("%d", &first),
                    Func::Hour => part("%H", &first),
                    Func::Weekday => format!("((({}) + 6) % 7 + 1)", part("%w", &first)),
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
}
