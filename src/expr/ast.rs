//! The expression tree and its canonical spelling.

use std::fmt;

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }

    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 6,
        }
    }

    pub fn is_comparison(self) -> bool {
        self.precedence() == 4
    }

    pub fn is_arithmetic(self) -> bool {
        self.precedence() >= 5
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    StartsWith,
    EndsWith,
    Contains,
}

impl TextOp {
    pub fn words(self) -> &'static str {
        match self {
            TextOp::StartsWith => "starts with",
            TextOp::EndsWith => "ends with",
            TextOp::Contains => "contains",
        }
    }
}

/// The functions the language knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Lower,
    Upper,
    Trim,
    Length,
    Abs,
    Round,
    Year,
    Month,
    Day,
    Hour,
    Weekday,
    Coalesce,
}

impl Func {
    pub const ALL: [Func; 12] = [
        Func::Lower,
        Func::Upper,
        Func::Trim,
        Func::Length,
        Func::Abs,
        Func::Round,
        Func::Year,
        Func::Month,
        Func::Day,
        Func::Hour,
        Func::Weekday,
        Func::Coalesce,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Func::Lower => "lower",
            Func::Upper => "upper",
            Func::Trim => "trim",
            Func::Length => "length",
            Func::Abs => "abs",
            Func::Round => "round",
            Func::Year => "year",
            Func::Month => "month",
            Func::Day => "day",
            Func::Hour => "hour",
            Func::Weekday => "weekday",
            Func::Coalesce => "coalesce",
        }
    }

    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// How many arguments it takes: (least, most).
    pub fn arity(self) -> (usize, usize) {
        match self {
            Func::Round => (1, 2),
            Func::Coalesce => (2, usize::MAX),
            _ => (1, 1),
        }
    }
}

/// An expression over the columns of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Column(String),
    Lit(Lit),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// Null, or text that is empty or only spaces.
    IsMissing {
        expr: Box<Expr>,
        negated: bool,
    },
    In {
        expr: Box<Expr>,
        list: Vec<Lit>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    Text {
        op: TextOp,
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
    },
    Call(Func, Vec<Expr>),
}

impl Expr {
    /// The columns it reads, in the order they first appear.
    pub fn columns(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit_columns(&mut |c| {
            if !out.contains(&c) {
                out.push(c);
            }
        });
        out
    }

    fn visit_columns<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        match self {
            Expr::Column(c) => f(c),
            Expr::Lit(_) => {}
            Expr::Neg(e) | Expr::Not(e) => e.visit_columns(f),
            Expr::Binary(_, a, b) => {
                a.visit_columns(f);
                b.visit_columns(f);
            }
            Expr::IsMissing { expr, .. } | Expr::In { expr, .. } => expr.visit_columns(f),
            Expr::Between {
                expr, low, high, ..
            } => {
                expr.visit_columns(f);
                low.visit_columns(f);
                high.visit_columns(f);
            }
            Expr::Text { expr, pattern, .. } => {
                expr.visit_columns(f);
                pattern.visit_columns(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit_columns(f)),
        }
    }

    /// Renames a column wherever it is read.
    pub fn rename_column(&mut self, from: &str, to: &str) {
        match self {
            Expr::Column(c) if c == from => *c = to.to_string(),
            Expr::Column(_) | Expr::Lit(_) => {}
            Expr::Neg(e) | Expr::Not(e) => e.rename_column(from, to),
            Expr::Binary(_, a, b) => {
                a.rename_column(from, to);
                b.rename_column(from, to);
            }
            Expr::IsMissing { expr, .. } | Expr::In { expr, .. } => expr.rename_column(from, to),
            Expr::Between {
                expr, low, high, ..
            } => {
                expr.rename_column(from, to);
                low.rename_column(from, to);
                high.rename_column(from, to);
            }
            Expr::Text { expr, pattern, .. } => {
                expr.rename_column(from, to);
                pattern.rename_column(from, to);
            }
            Expr::Call(_, args) => args.iter_mut().for_each(|a| a.rename_column(from, to)),
        }
    }

    /// Binding strength of the outermost operator, for parenthesising.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary(op, ..) => op.precedence(),
            Expr::Not(_) => 3,
            Expr::IsMissing { .. } | Expr::In { .. } | Expr::Between { .. } | Expr::Text { .. } => {
                4
            }
            Expr::Neg(_) => 7,
            Expr::Column(_) | Expr::Lit(_) | Expr::Call(..) => 8,
        }
    }
}

pub(super) const KEYWORDS: &[&str] = &[
    "and", "or", "not", "is", "in", "between", "starts", "ends", "with", "contains", "missing",
    "null", "empty", "true", "false",
];

/// Words of the segment rule language around its conditions: a column of that name is printed
/// quoted, so that a rule reads back as the same rule (`"everyone"` is a column, `everyone` all).
const RULE_WORDS: &[&str] = &[
    "everyone",
    "within",
    "last",
    "days",
    "day",
    "bought",
    "did",
    "has_tag",
    "in_segment",
];

/// Whether a column name can be written without quotes.
fn is_bare(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !KEYWORDS
            .iter()
            .chain(RULE_WORDS)
            .any(|k| k.eq_ignore_ascii_case(name))
        && Func::from_name(name).is_none()
}

pub fn write_column(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    if is_bare(name) {
        f.write_str(name)
    } else {
        write!(f, "\"{}\"", name.replace('"', "\"\""))
    }
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lit::Int(i) => write!(f, "{i}"),
            Lit::Float(x) => write!(f, "{x:?}"),
            Lit::Text(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Lit::Bool(b) => write!(f, "{b}"),
            Lit::Null => f.write_str("null"),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Operands are parenthesised when they bind no tighter than this node (left operands of
        // left-associative operators may bind equally).
        let prec = self.precedence();
        let operand = |f: &mut fmt::Formatter<'_>, e: &Expr, min: u8| -> fmt::Result {
            if e.precedence() < min {
                write!(f, "({e})")
            } else {
                write!(f, "{e}")
            }
        };
        let not = |negated: bool| if negated { "not " } else { "" };
        match self {
            Expr::Column(c) => write_column(f, c),
            Expr::Lit(l) => write!(f, "{l}"),
            Expr::Neg(e) => {
                f.write_str("-")?;
                operand(f, e, prec)
            }
            Expr::Not(e) => {
                f.write_str("not ")?;
                operand(f, e, prec)
            }
            Expr::Binary(op, a, b) => {
                operand(f, a, prec)?;
                write!(f, " {} ", op.symbol())?;
                operand(f, b, prec + 1)
            }
            Expr::IsMissing { expr, negated } => {
                operand(f, expr, 5)?;
                write!(f, " is {}missing", not(*negated))
            }
            Expr::In {
                expr,
                list,
                negated,
            } => {
                operand(f, expr, 5)?;
                write!(f, " {}in (", not(*negated))?;
                for (i, l) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{l}")?;
                }
                f.write_str(")")
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                operand(f, expr, 5)?;
                write!(f, " {}between ", not(*negated))?;
                operand(f, low, 5)?;
                f.write_str(" and ")?;
                operand(f, high, 5)
            }
            Expr::Text {
                op,
                expr,
                pattern,
                negated,
            } => {
                operand(f, expr, 5)?;
                write!(f, " {}{} ", not(*negated), op.words())?;
                operand(f, pattern, 5)
            }
            Expr::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
        }
    }
}
