//! [`Expr`] to a polars expression, checked against a schema.
//!
//! Checks happen here, before any data is touched: every column must exist, `and`/`or` need
//! conditions, arithmetic needs numbers, text tests need text. Text literals compared with a date
//! column are read as dates. A number compared with a text column is compared as its text, so
//! `CustomerID = 17850` works on identifiers stored as text.
//!
//! Comparisons with a missing value are missing (neither true nor false); a condition used to
//! drop or select rows treats missing as false.

use super::ast::{BinOp, Expr, Func, Lit, TextOp};
use crate::error::{Error, Result};
use polars::prelude::{self as pl, DataType, NamedFrom, Schema, TimeUnit};

/// What kind of value an expression yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Number,
    Text,
    Bool,
    Date,
    Datetime,
    /// A bare `null`: fits anywhere.
    Null,
    Other,
}

impl Kind {
    pub fn of(dt: &DataType) -> Kind {
        match dt {
            DataType::Boolean => Kind::Bool,
            DataType::String => Kind::Text,
            DataType::Date => Kind::Date,
            DataType::Datetime(..) => Kind::Datetime,
            DataType::Null => Kind::Null,
            d if d.is_primitive_numeric() => Kind::Number,
            _ => Kind::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Number => "a number",
            Kind::Text => "text",
            Kind::Bool => "a condition",
            Kind::Date => "a date",
            Kind::Datetime => "a date and time",
            Kind::Null => "null",
            Kind::Other => "a value",
        }
    }

    fn is_temporal(self) -> bool {
        matches!(self, Kind::Date | Kind::Datetime)
    }
}

/// A compiled expression and the kind of value it yields.
pub struct Compiled {
    pub expr: pl::Expr,
    pub kind: Kind,
}

/// Compiles an expression for evaluation over rows with this schema.
pub fn compile(e: &Expr, schema: &Schema) -> Result<Compiled> {
    Compiler { schema, whole: e }.compile(e)
}

/// Compiles a condition: the expression must yield true or false (missing counts as false).
pub fn compile_condition(e: &Expr, schema: &Schema) -> Result<pl::Expr> {
    let c = compile(e, schema)?;
    match c.kind {
        Kind::Bool => Ok(c.expr.fill_null(pl::lit(false))),
        Kind::Null => Ok(pl::lit(false)),
        k => Err(Error::Expression {
            text: e.to_string(),
            at: 1,
            message: format!(
                "this is {}, not a condition; compare it with something, e.g. {e} > 0",
                k.name()
            ),
        }),
    }
}

struct Compiler<'a> {
    schema: &'a Schema,
    whole: &'a Expr,
}

fn date_lit(s: &str, kind: Kind) -> Option<pl::Expr> {
    match kind {
        Kind::Date => {
            crate::frame::parse_stored_date(s.trim()).map(|d| pl::lit(d).cast(DataType::Date))
        }
        _ => crate::frame::parse_stored_datetime(s.trim())
            .map(|us| pl::lit(us).cast(DataType::Datetime(TimeUnit::Microseconds, None))),
    }
}

fn lit_text(l: &Lit) -> Option<String> {
    match l {
        Lit::Int(i) => Some(i.to_string()),
        Lit::Float(x) => Some(x.to_string()),
        Lit::Text(s) => Some(s.clone()),
        Lit::Bool(b) => Some(b.to_string()),
        Lit::Null => None,
    }
}

impl Compiler<'_> {
    fn err(&self, message: String) -> Error {
        Error::Expression {
            text: self.whole.to_string(),
            at: 1,
            message,
        }
    }

    fn expect(&self, e: &Expr, c: &Compiled, want: Kind, role: &str) -> Result<()> {
        if c.kind == want || c.kind == Kind::Null {
            Ok(())
        } else {
            Err(self.err(format!(
                "{role} needs {}, but {e} is {}",
                want.name(),
                c.kind.name()
            )))
        }
    }

    fn compile(&self, e: &Expr) -> Result<Compiled> {
        let done = |expr, kind| Ok(Compiled { expr, kind });
        match e {
            Expr::Column(name) => match self.schema.get(name) {
                Some(dt) => done(pl::col(name.as_str()), Kind::of(dt)),
                None => Err(Error::NoSuchColumn {
                    context: format!("in `{}`", self.whole),
                    column: name.clone(),
                    available: self
                        .schema
                        .iter_names()
                        .map(|n| n.as_str())
                        .filter(|n| !n.starts_with("__loupe"))
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
            },
            Expr::Lit(l) => Ok(match l {
                Lit::Int(i) => Compiled {
                    expr: pl::lit(*i),
                    kind: Kind::Number,
                },
                Lit::Float(x) => Compiled {
                    expr: pl::lit(*x),
                    kind: Kind::Number,
                },
                Lit::Text(s) => Compiled {
                    expr: pl::lit(s.as_str()),
                    kind: Kind::Text,
                },
                Lit::Bool(b) => Compiled {
                    expr: pl::lit(*b),
                    kind: Kind::Bool,
                },
                Lit::Null => Compiled {
                    expr: pl::lit(pl::NULL),
                    kind: Kind::Null,
                },
            }),
            Expr::Neg(inner) => {
                if let Some(Some(v)) = fold_int(inner)
                    && v.checked_neg().is_none()
                {
                    return Err(self.err(format!("-({inner}) {TOO_BIG}")));
                }
                let c = self.compile(inner)?;
                self.expect(inner, &c, Kind::Number, "'-'")?;
                done(pl::lit(0) - c.expr, Kind::Number)
            }
            Expr::Not(inner) => {
                let c = self.compile(inner)?;
                self.expect(inner, &c, Kind::Bool, "'not'")?;
                done(c.expr.not(), Kind::Bool)
            }
            Expr::Binary(op, a, b) => self.binary(*op, a, b),
            Expr::IsMissing { expr, negated } => {
                let c = self.compile(expr)?;
                let mut m = c.expr.clone().is_null();
                if c.kind == Kind::Text {
                    m = m.or(c.expr.str().strip_chars(pl::lit(pl::NULL)).eq(pl::lit("")));
                }
                done(if *negated { m.not() } else { m }, Kind::Bool)
            }
            Expr::In {
                expr,
                list,
                negated,
            } => {
                let c = self.compile(expr)?;
                let series = match c.kind {
                    Kind::Text => pl::Series::new(
                        "".into(),
                        list.iter().map(lit_text).collect::<Vec<Option<String>>>(),
                    ),
                    Kind::Number => {
                        let mut xs = Vec::with_capacity(list.len());
                        for l in list {
                            xs.push(match l {
                                Lit::Int(i) => Some(*i as f64),
                                Lit::Float(x) => Some(*x),
                                Lit::Null => None,
                                other => {
                                    return Err(self.err(format!(
                                        "{expr} is a number, but the list holds {other}; remove the quotes"
                                    )));
                                }
                            });
                        }
                        pl::Series::new("".into(), xs)
                    }
                    k => {
                        return Err(self.err(format!(
                            "'in' works on text and numbers, but {expr} is {}",
                            k.name()
                        )));
                    }
                };
                let target = if c.kind == Kind::Number {
                    c.expr.cast(DataType::Float64)
                } else {
                    c.expr
                };
                let m = target.is_in(pl::lit(series).implode(false), false);
                done(if *negated { m.not() } else { m }, Kind::Bool)
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let c = self.compile(expr)?;
                let lo = self.operand_like(low, c.kind)?;
                let hi = self.operand_like(high, c.kind)?;
                let m = c
                    .expr
                    .is_between(lo.expr, hi.expr, pl::ClosedInterval::Both);
                done(if *negated { m.not() } else { m }, Kind::Bool)
            }
            Expr::Text {
                op,
                expr,
                pattern,
                negated,
            } => {
                let c = self.compile(expr)?;
                self.expect(expr, &c, Kind::Text, &format!("'{}'", op.words()))?;
                let p = self.operand_like(pattern, Kind::Text)?;
                self.expect(pattern, &p, Kind::Text, &format!("'{}'", op.words()))?;
                let s = c.expr.str();
                let m = match op {
                    TextOp::StartsWith => s.starts_with(p.expr),
                    TextOp::EndsWith => s.ends_with(p.expr),
                    TextOp::Contains => s.contains_literal(p.expr),
                };
                done(if *negated { m.not() } else { m }, Kind::Bool)
            }
            Expr::Call(func, args) => self.call(*func, args),
        }
    }

    /// Compiles `e` to be compared with a value of `kind`: text read as a date next to a date,
    /// numbers read as text next to text.
    fn operand_like(&self, e: &Expr, kind: Kind) -> Result<Compiled> {
        match (e, kind) {
            (Expr::Lit(Lit::Text(s)), k) if k.is_temporal() => match date_lit(s, k) {
                Some(expr) => Ok(Compiled { expr, kind: k }),
                None => Err(self.err(format!(
                    "'{s}' is not a date; write dates as 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'"
                ))),
            },
            (Expr::Lit(l @ (Lit::Int(_) | Lit::Float(_))), Kind::Text) => Ok(Compiled {
                expr: pl::lit(lit_text(l).unwrap_or_default()),
                kind: Kind::Text,
            }),
            _ => self.compile(e),
        }
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr) -> Result<Compiled> {
        if matches!(op, BinOp::And | BinOp::Or) {
            let (x, y) = (self.compile(a)?, self.compile(b)?);
            self.expect(a, &x, Kind::Bool, &format!("'{}'", op.symbol()))?;
            self.expect(b, &y, Kind::Bool, &format!("'{}'", op.symbol()))?;
            let expr = if op == BinOp::And {
                x.expr.and(y.expr)
            } else {
                x.expr.or(y.expr)
            };
            return Ok(Compiled {
                expr,
                kind: Kind::Bool,
            });
        }
        // Literals take the kind of the other side.
        let (x, y) = match (a, b) {
            (Expr::Lit(_), _) => {
                let y = self.compile(b)?;
                (self.operand_like(a, y.kind)?, y)
            }
            _ => {
                let x = self.compile(a)?;
                let y = self.operand_like(b, x.kind)?;
                (x, y)
            }
        };
        if op.is_comparison() {
            let comparable = x.kind == y.kind
                || x.kind == Kind::Null
                || y.kind == Kind::Null
                || (x.kind.is_temporal() && y.kind.is_temporal());
            if !comparable {
                return Err(self.err(format!(
                    "cannot compare {a} ({}) with {b} ({}); convert one of them first",
                    x.kind.name(),
                    y.kind.name()
                )));
            }
            let expr = match op {
                BinOp::Eq => x.expr.eq(y.expr),
                BinOp::Ne => x.expr.neq(y.expr),
                BinOp::Lt => x.expr.lt(y.expr),
                BinOp::Le => x.expr.lt_eq(y.expr),
                BinOp::Gt => x.expr.gt(y.expr),
                _ => x.expr.gt_eq(y.expr),
            };
            return Ok(Compiled {
                expr,
                kind: Kind::Bool,
            });
        }
        self.expect(a, &x, Kind::Number, &format!("'{}'", op.symbol()))?;
        self.expect(b, &y, Kind::Number, &format!("'{}'", op.symbol()))?;
        // Whole numbers on both sides: the engine would fold them in a wider type it cannot
        // hold, so Loupe folds them, and says so when the result is out of range.
        if let (Some(Some(_)), Some(Some(_))) = (fold_int(a), fold_int(b)) {
            let folded = fold_int(&Expr::Binary(op, Box::new(a.clone()), Box::new(b.clone())));
            return match folded {
                Some(Some(v)) => Ok(Compiled {
                    expr: pl::lit(v),
                    kind: Kind::Number,
                }),
                // A remainder by zero is missing, as it is for a column.
                _ if op == BinOp::Rem => Ok(Compiled {
                    expr: pl::lit(pl::NULL).cast(DataType::Int64),
                    kind: Kind::Number,
                }),
                _ => Err(self.err(format!("{a} {} {b} {TOO_BIG}", op.symbol()))),
            };
        }
        let expr = match op {
            BinOp::Add => x.expr + y.expr,
            BinOp::Sub => x.expr - y.expr,
            BinOp::Mul => x.expr * y.expr,
            // True division, and a missing result rather than infinity for division by zero.
            BinOp::Div => {
                let d = y.expr.cast(DataType::Float64);
                pl::when(d.clone().eq(pl::lit(0.0)))
                    .then(pl::lit(pl::NULL).cast(DataType::Float64))
                    .otherwise(x.expr.cast(DataType::Float64) / d)
            }
            _ => x.expr % y.expr,
        };
        Ok(Compiled {
            expr,
            kind: Kind::Number,
        })
    }

    fn call(&self, func: Func, args: &[Expr]) -> Result<Compiled> {
        let compiled = args
            .iter()
            .map(|a| self.compile(a))
            .collect::<Result<Vec<_>>>()?;
        let arg = |i: usize, want: Kind| -> Result<pl::Expr> {
            let c = &compiled[i];
            let ok = c.kind == want
                || c.kind == Kind::Null
                || (want == Kind::Date && c.kind.is_temporal());
            if ok {
                Ok(c.expr.clone())
            } else {
                Err(self.err(format!(
                    "{}() needs {}, but {} is {}",
                    func.name(),
                    want.name(),
                    args[i],
                    c.kind.name()
                )))
            }
        };
        let (expr, kind) = match func {
            Func::Lower => (arg(0, Kind::Text)?.str().to_lowercase(), Kind::Text),
            Func::Upper => (arg(0, Kind::Text)?.str().to_uppercase(), Kind::Text),
            Func::Trim => (
                arg(0, Kind::Text)?.str().strip_chars(pl::lit(pl::NULL)),
                Kind::Text,
            ),
            Func::Length => (
                arg(0, Kind::Text)?.str().len_chars().cast(DataType::Int64),
                Kind::Number,
            ),
            Func::Abs => (arg(0, Kind::Number)?.abs(), Kind::Number),
            Func::Round => {
                let digits = match args.get(1) {
                    None => 0,
                    Some(Expr::Lit(Lit::Int(d))) if (0..=15).contains(d) => *d as u32,
                    Some(other) => {
                        return Err(self.err(format!(
                            "round() takes a whole number of digits from 0 to 15, not {other}"
                        )));
                    }
                };
                (
                    arg(0, Kind::Number)?
                        .cast(DataType::Float64)
                        .round(digits, pl::RoundMode::HalfAwayFromZero),
                    Kind::Number,
                )
            }
            Func::Year => (
                arg(0, Kind::Date)?.dt().year().cast(DataType::Int64),
                Kind::Number,
            ),
            Func::Month => (
                arg(0, Kind::Date)?.dt().month().cast(DataType::Int64),
                Kind::Number,
            ),
            Func::Day => (
                arg(0, Kind::Date)?.dt().day().cast(DataType::Int64),
                Kind::Number,
            ),
            Func::Hour => {
                if compiled[0].kind != Kind::Datetime {
                    return Err(self.err(format!(
                        "hour() needs a date and time, but {} is {}",
                        args[0],
                        compiled[0].kind.name()
                    )));
                }
                (
                    compiled[0].expr.clone().dt().hour().cast(DataType::Int64),
                    Kind::Number,
                )
            }
            Func::Weekday => (
                arg(0, Kind::Date)?.dt().weekday().cast(DataType::Int64),
                Kind::Number,
            ),
            Func::Coalesce => {
                let kind = compiled
                    .iter()
                    .map(|c| c.kind)
                    .find(|k| *k != Kind::Null)
                    .unwrap_or(Kind::Null);
                for (i, c) in compiled.iter().enumerate() {
                    if c.kind != kind && c.kind != Kind::Null {
                        return Err(self.err(format!(
                            "coalesce() needs arguments of one kind, but {} is {} and {} is {}",
                            args[0],
                            kind.name(),
                            args[i],
                            c.kind.name()
                        )));
                    }
                }
                // A whole-number constant gets an explicit type: the engine gives small ones
                // 32 bits and large ones 64, and panicked merging the two.
                let exprs: Vec<pl::Expr> = compiled
                    .iter()
                    .zip(args)
                    .map(|(c, a)| match fold_int(a) {
                        Some(_) => c.expr.clone().cast(DataType::Int64),
                        None => c.expr.clone(),
                    })
                    .collect();
                (pl::coalesce(&exprs), kind)
            }
        };
        Ok(Compiled { expr, kind })
    }
}

/// The end of the message for whole-number arithmetic out of range.
const TOO_BIG: &str = "is beyond the range of whole numbers (about ±9.2e18); write one of the numbers with a decimal point (1e18 or 1000.0) to compute with decimals";

/// The value of a whole-number constant (literals, minus signs, `+ - * %`): `None` when `e` is
/// not one, `Some(None)` when it is out of range (or a remainder by zero).
fn fold_int(e: &Expr) -> Option<Option<i64>> {
    match e {
        Expr::Lit(Lit::Int(i)) => Some(Some(*i)),
        Expr::Neg(inner) => fold_int(inner).map(|v| v.and_then(i64::checked_neg)),
        Expr::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Rem), a, b) => {
            let (x, y) = (fold_int(a)?, fold_int(b)?);
            Some(x.zip(y).and_then(|(x, y)| match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                // Floored, as the engine computes a remainder (its sign is the divisor's).
                _ => x.checked_rem(y).map(|r| {
                    if r != 0 && (r < 0) != (y < 0) {
                        r + y
                    } else {
                        r
                    }
                }),
            }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use polars::prelude::*;

    fn frame() -> DataFrame {
        df![
            "InvoiceNo" => ["536365", "C536379", "536366", "C1"],
            "Quantity" => [6i64, -1, 0, 3],
            "UnitPrice" => [Some(2.55), Some(0.0), None, Some(1.0)],
            "CustomerID" => [Some("17850"), None, Some("  "), Some("12346")],
        ]
        .unwrap()
    }

    fn mask(text: &str) -> Vec<bool> {
        let df = frame();
        let e = parse(text).unwrap();
        let c = compile_condition(&e, df.schema()).unwrap_or_else(|e| panic!("{text}: {e}"));
        let out = df.lazy().select([c.alias("m")]).collect().unwrap();
        out.column("m")
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    }

    #[test]
    fn whole_number_constants_fold_as_the_engine_computes_and_overflow_is_an_error() {
        // Folded constants agree with the same arithmetic on a column (Quantity is -1 in row 2).
        for (folded, column) in [
            ("-1 % 3 = 2", "Quantity % 3 = 2"),
            ("-7 % -3 = -1", "Quantity * 7 % -3 = -1"),
            ("7 % -3 = -2", "Quantity * -7 % -3 = -2"),
            ("-1 * 4 + 2 = -2", "Quantity * 4 + 2 = -2"),
        ] {
            // A constant condition selects as one value.
            assert_eq!(mask(folded), [true], "{folded}");
            assert!(mask(column)[1], "{column}");
        }
        assert_eq!(mask("5 % 0 is missing"), [true]);
        // Constants of 32 and 64 bits together (the engine panicked).
        assert_eq!(mask("coalesce(2147483648, 0) in (0)"), [false]);
        assert_eq!(
            mask("coalesce(UnitPrice, 2147483648) > 3"),
            [false, false, true, false]
        );
        let df = frame();
        for text in [
            "10000 * 1000000000000000000 in (0)",
            "-(9223372036854775807 + 1) > 0",
            "-(-9223372036854775807 - 1) > 0",
            "Quantity > 3 * 4000000000000000000",
        ] {
            let e = parse(text).unwrap();
            let err = compile_condition(&e, df.schema()).unwrap_err().to_string();
            assert!(
                err.contains("beyond the range of whole numbers"),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn conditions_select_rows() {
        assert_eq!(
            mask("InvoiceNo starts with 'C'"),
            [false, true, false, true]
        );
        assert_eq!(mask("Quantity <= 0"), [false, true, true, false]);
        assert_eq!(mask("CustomerID is missing"), [false, true, true, false]);
        assert_eq!(mask("CustomerID = 17850"), [true, false, false, false]);
        // Missing prices compare as missing, which counts as false.
        assert_eq!(mask("UnitPrice < 1"), [false, true, false, false]);
        assert_eq!(mask("not UnitPrice < 1"), [true, false, false, true]);
        assert_eq!(mask("Quantity in (0, 3)"), [false, false, true, true]);
        assert_eq!(
            mask("Quantity between -1 and 0"),
            [false, true, true, false]
        );
        assert_eq!(
            mask("Quantity * UnitPrice > 10 or InvoiceNo ends with '1'"),
            [true, false, false, true]
        );
        assert_eq!(mask("length(InvoiceNo) = 2"), [false, false, false, true]);
        assert_eq!(mask("Quantity / 0 is missing"), [true, true, true, true]);
    }

    #[test]
    fn checks_before_running() {
        let df = frame();
        let err = |t: &str| {
            compile_condition(&parse(t).unwrap(), df.schema())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        let e = err("Qty <= 0");
        assert!(
            e.contains("no column 'Qty'") && e.contains("Quantity"),
            "{e}"
        );
        assert!(err("Quantity + 1").contains("not a condition"));
        assert!(err("InvoiceNo + 1 > 2").contains("needs a number"));
        assert!(err("Quantity starts with 'C'").contains("needs text"));
        assert!(err("Quantity = 'abc'").contains("cannot compare"));
    }
}
