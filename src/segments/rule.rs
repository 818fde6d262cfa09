//! A segment's definition: a tree of conditions, stored as JSON and shown as text.
//!
//! The tree has three kinds of leaf:
//! - a [`Condition`] on one column of the customer table (`revenue >= 500`), or any other
//!   expression of Loupe's language over the table ([`Rule::Expr`], `revenue / orders > 50`);
//! - a behavioural condition over the transactions ([`Bought`]) or the events ([`Did`]);
//! - a reference to a tag or to another saved segment.
//!
//! `Display` writes the text form that [`super::parse`] reads back; `AND`, `OR` and `NOT` are
//! written in capitals, the conditions in the expression language's own canonical spelling.

use crate::expr::{BinOp, Expr, Lit, TextOp};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A segment definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Rule {
    /// Every rule holds (AND). Empty: everyone.
    All {
        rules: Vec<Rule>,
    },
    /// At least one rule holds (OR). Empty: no one.
    Any {
        rules: Vec<Rule>,
    },
    Not {
        rule: Box<Rule>,
    },
    Condition(Condition),
    /// Any condition of the expression language over the customer table, kept as its text.
    Expr {
        text: String,
    },
    Bought(Bought),
    Did(Did),
    HasTag {
        name: String,
    },
    InSegment {
        name: String,
    },
}

/// A literal value of a condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

impl Value {
    pub fn to_lit(&self) -> Lit {
        match self {
            Value::Int(i) => Lit::Int(*i),
            Value::Float(x) => Lit::Float(*x),
            Value::Bool(b) => Lit::Bool(*b),
            Value::Text(s) => Lit::Text(s.clone()),
        }
    }

    pub fn from_lit(l: &Lit) -> Option<Value> {
        Some(match l {
            Lit::Int(i) => Value::Int(*i),
            Lit::Float(x) => Value::Float(*x),
            Lit::Bool(b) => Value::Bool(*b),
            Lit::Text(s) => Value::Text(s.clone()),
            Lit::Null => return None,
        })
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_lit())
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub const ALL: [Cmp; 6] = [Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge];

    pub fn binop(self) -> BinOp {
        match self {
            Cmp::Eq => BinOp::Eq,
            Cmp::Ne => BinOp::Ne,
            Cmp::Lt => BinOp::Lt,
            Cmp::Le => BinOp::Le,
            Cmp::Gt => BinOp::Gt,
            Cmp::Ge => BinOp::Ge,
        }
    }

    fn of(op: BinOp) -> Option<Cmp> {
        Some(match op {
            BinOp::Eq => Cmp::Eq,
            BinOp::Ne => Cmp::Ne,
            BinOp::Lt => Cmp::Lt,
            BinOp::Le => Cmp::Le,
            BinOp::Gt => Cmp::Gt,
            BinOp::Ge => Cmp::Ge,
            _ => return None,
        })
    }

    /// The comparison with its operands swapped: `5 < x` is `x > 5`.
    fn flipped(self) -> Cmp {
        match self {
            Cmp::Lt => Cmp::Gt,
            Cmp::Le => Cmp::Ge,
            Cmp::Gt => Cmp::Lt,
            Cmp::Ge => Cmp::Le,
            c => c,
        }
    }

    pub fn symbol(self) -> &'static str {
        self.binop().symbol()
    }
}

/// Text matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextMatch {
    Contains,
    StartsWith,
    EndsWith,
}

impl TextMatch {
    pub const ALL: [TextMatch; 3] = [
        TextMatch::Contains,
        TextMatch::StartsWith,
        TextMatch::EndsWith,
    ];

    fn op(self) -> TextOp {
        match self {
            TextMatch::Contains => TextOp::Contains,
            TextMatch::StartsWith => TextOp::StartsWith,
            TextMatch::EndsWith => TextOp::EndsWith,
        }
    }

    fn of(op: TextOp) -> TextMatch {
        match op {
            TextOp::Contains => TextMatch::Contains,
            TextOp::StartsWith => TextMatch::StartsWith,
            TextOp::EndsWith => TextMatch::EndsWith,
        }
    }
}

/// What a [`Condition`] asks of its column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Compare {
        cmp: Cmp,
        value: Value,
    },
    /// Both ends included.
    Between {
        low: Value,
        high: Value,
        negated: bool,
    },
    In {
        values: Vec<Value>,
        negated: bool,
    },
    Text {
        how: TextMatch,
        value: String,
        negated: bool,
    },
    /// Missing, or text that is empty or only spaces.
    IsEmpty {
        negated: bool,
    },
    /// A date on or after the as-of date minus `days`: within the last `days` days.
    WithinDays {
        days: u32,
    },
}

/// A condition on one column of the customer table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub column: String,
    #[serde(flatten)]
    pub op: Op,
}

/// Which lines of the transactions (or events) a behavioural condition looks at.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Window {
    /// Only the last N days before the as-of date (N = 1: the day before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
    /// On or after this date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Strictly before this date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

/// What a behavioural condition matches on a line: an item id, an item (by name), a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    ItemId,
    Item,
    Category,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::ItemId, Target::Item, Target::Category];

    pub fn keyword(self) -> &'static str {
        match self {
            Target::ItemId => "item_id",
            Target::Item => "item",
            Target::Category => "category",
        }
    }
}

/// Which lines count: everything bought, or only lines whose item id, item or category is one
/// of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matching {
    pub target: Target,
    pub values: Vec<String>,
}

/// `bought(…)`: the customer bought (matching lines) at least `min_times` and at most
/// `max_times` times (distinct orders), for at least `min_amount` in total, within the window.
/// Returns are not purchases.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Bought {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching: Option<Matching>,
    /// Default 1. 0 with a `max_times` also matches customers who never bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_times: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_times: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_amount: Option<f64>,
    #[serde(default, flatten)]
    pub window: Window,
}

impl Bought {
    pub fn min_times(&self) -> u32 {
        self.min_times.unwrap_or(1)
    }
}

/// `did(event = '…', …)`: the customer has at least `min_times` (default 1) and at most
/// `max_times` events of that type within the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Did {
    pub event: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_times: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_times: Option<u32>,
    #[serde(default, flatten)]
    pub window: Window,
}

impl Did {
    pub fn min_times(&self) -> u32 {
        self.min_times.unwrap_or(1)
    }
}

impl Condition {
    /// The condition as an expression of the language, given the as-of date for
    /// [`Op::WithinDays`] (the first day inside the window).
    pub fn to_expr(&self, window_start: Option<&str>) -> Expr {
        let col = || Box::new(Expr::Column(self.column.clone()));
        let lit = |v: &Value| Box::new(Expr::Lit(v.to_lit()));
        match &self.op {
            Op::Compare { cmp, value } => Expr::Binary(cmp.binop(), col(), lit(value)),
            Op::Between { low, high, negated } => Expr::Between {
                expr: col(),
                low: lit(low),
                high: lit(high),
                negated: *negated,
            },
            Op::In { values, negated } => Expr::In {
                expr: col(),
                list: values.iter().map(Value::to_lit).collect(),
                negated: *negated,
            },
            Op::Text {
                how,
                value,
                negated,
            } => Expr::Text {
                op: how.op(),
                expr: col(),
                pattern: Box::new(Expr::Lit(Lit::Text(value.clone()))),
                negated: *negated,
            },
            Op::IsEmpty { negated } => Expr::IsMissing {
                expr: col(),
                negated: *negated,
            },
            Op::WithinDays { .. } => Expr::Binary(
                BinOp::Ge,
                col(),
                Box::new(Expr::Lit(Lit::Text(window_start.unwrap_or("").to_string()))),
            ),
        }
    }

    /// The condition an expression states, when it is one column against literals.
    pub fn from_expr(e: &Expr) -> Option<Condition> {
        let column = |e: &Expr| match e {
            Expr::Column(c) => Some(c.clone()),
            _ => None,
        };
        let value = |e: &Expr| match e {
            Expr::Lit(l) => Value::from_lit(l),
            _ => None,
        };
        let (column, op) = match e {
            Expr::Binary(op, a, b) => {
                let cmp = Cmp::of(*op)?;
                match (column(a), value(b), column(b), value(a)) {
                    (Some(c), Some(v), _, _) => (c, Op::Compare { cmp, value: v }),
                    (_, _, Some(c), Some(v)) => (
                        c,
                        Op::Compare {
                            cmp: cmp.flipped(),
                            value: v,
                        },
                    ),
                    _ => return None,
                }
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => (
                column(expr)?,
                Op::Between {
                    low: value(low)?,
                    high: value(high)?,
                    negated: *negated,
                },
            ),
            Expr::In {
                expr,
                list,
                negated,
            } => (
                column(expr)?,
                Op::In {
                    values: list.iter().map(Value::from_lit).collect::<Option<_>>()?,
                    negated: *negated,
                },
            ),
            Expr::Text {
                op,
                expr,
                pattern,
                negated,
            } => match value(pattern)? {
                Value::Text(s) => (
                    column(expr)?,
                    Op::Text {
                        how: TextMatch::of(*op),
                        value: s,
                        negated: *negated,
                    },
                ),
                _ => return None,
            },
            Expr::IsMissing { expr, negated } => (column(expr)?, Op::IsEmpty { negated: *negated }),
            _ => return None,
        };
        Some(Condition { column, op })
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.op {
            Op::WithinDays { days } => {
                write!(
                    f,
                    "{} within {days} days",
                    Expr::Column(self.column.clone())
                )
            }
            _ => write!(f, "{}", self.to_expr(None)),
        }
    }
}

fn quoted(s: &str) -> String {
    Lit::Text(s.to_string()).to_string()
}

fn write_window(args: &mut Vec<String>, w: &Window) {
    if let Some(d) = w.within_days {
        args.push(format!("within_days = {d}"));
    }
    if let Some(d) = &w.after {
        args.push(format!("after = {}", quoted(d)));
    }
    if let Some(d) = &w.before {
        args.push(format!("before = {}", quoted(d)));
    }
}

impl fmt::Display for Bought {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut args = Vec::new();
        if let Some(m) = &self.matching {
            match m.values.as_slice() {
                [one] => args.push(format!("{} = {}", m.target.keyword(), quoted(one))),
                many => args.push(format!(
                    "{} in ({})",
                    m.target.keyword(),
                    many.iter()
                        .map(|v| quoted(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        if let Some(n) = self.min_times {
            args.push(format!("min_times = {n}"));
        }
        if let Some(n) = self.max_times {
            args.push(format!("max_times = {n}"));
        }
        if let Some(v) = self.min_amount {
            args.push(format!("min_amount = {}", Lit::Float(v)));
        }
        if let Some(v) = self.max_amount {
            args.push(format!("max_amount = {}", Lit::Float(v)));
        }
        write_window(&mut args, &self.window);
        write!(f, "bought({})", args.join(", "))
    }
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut args = vec![format!("event = {}", quoted(&self.event))];
        if let Some(n) = self.min_times {
            args.push(format!("min_times = {n}"));
        }
        if let Some(n) = self.max_times {
            args.push(format!("max_times = {n}"));
        }
        write_window(&mut args, &self.window);
        write!(f, "did({})", args.join(", "))
    }
}

impl Rule {
    /// Binding strength, for parentheses: OR 1, AND 2, NOT 3, leaves 4.
    fn precedence(&self) -> u8 {
        match self {
            Rule::Any { rules } if rules.len() > 1 => 1,
            Rule::All { rules } if rules.len() > 1 => 2,
            Rule::Not { .. } => 3,
            _ => 4,
        }
    }

    /// The names of the segments it includes, directly.
    pub fn segments(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit(&mut |r| {
            if let Rule::InSegment { name } = r {
                out.push(name.as_str());
            }
        });
        out
    }

    /// Whether any leaf reads the transactions or events.
    pub fn is_behavioural(&self) -> bool {
        let mut any = false;
        self.visit(&mut |r| any |= matches!(r, Rule::Bought(_) | Rule::Did(_)));
        any
    }

    /// Calls `f` on every node, parents first.
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Rule)) {
        f(self);
        match self {
            Rule::All { rules } | Rule::Any { rules } => rules.iter().for_each(|r| r.visit(f)),
            Rule::Not { rule } => rule.visit(f),
            _ => {}
        }
    }

    /// Everyone.
    pub fn everyone() -> Rule {
        Rule::All { rules: Vec::new() }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prec = self.precedence();
        let operand = |f: &mut fmt::Formatter<'_>, r: &Rule, min: u8| -> fmt::Result {
            if r.precedence() < min {
                write!(f, "({r})")
            } else {
                write!(f, "{r}")
            }
        };
        let join = |f: &mut fmt::Formatter<'_>, rules: &[Rule], word: &str| -> fmt::Result {
            for (i, r) in rules.iter().enumerate() {
                if i > 0 {
                    write!(f, " {word} ")?;
                }
                // Same-kind children are parenthesised: the tree is kept as built.
                operand(f, r, prec + 1)?;
            }
            Ok(())
        };
        match self {
            Rule::All { rules } => match rules.as_slice() {
                [] => f.write_str("everyone"),
                [one] => write!(f, "{one}"),
                _ => join(f, rules, "AND"),
            },
            Rule::Any { rules } => match rules.as_slice() {
                [] => f.write_str("no one"),
                [one] => write!(f, "{one}"),
                _ => join(f, rules, "OR"),
            },
            Rule::Not { rule } => {
                f.write_str("NOT ")?;
                // Calls read well bare (NOT bought(…)); conditions read better in parentheses.
                let bare = matches!(
                    **rule,
                    Rule::Bought(_) | Rule::Did(_) | Rule::HasTag { .. } | Rule::InSegment { .. }
                );
                if !bare {
                    write!(f, "({rule})")
                } else {
                    write!(f, "{rule}")
                }
            }
            Rule::Condition(c) => write!(f, "{c}"),
            Rule::Expr { text } => write!(f, "{text}"),
            Rule::Bought(b) => write!(f, "{b}"),
            Rule::Did(d) => write!(f, "{d}"),
            Rule::HasTag { name } => write!(f, "has_tag({})", quoted(name)),
            Rule::InSegment { name } => write!(f, "in_segment({})", quoted(name)),
        }
    }
}
