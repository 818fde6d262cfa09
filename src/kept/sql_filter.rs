//! A row filter written in SQL (`--where`), as a polars condition over a dataset's typed
//! columns, for the small part of SQL whose meaning over those columns is certain to be
//! SQLite's: `AND`, `OR`, `NOT` and parentheses over `column IS [NOT] NULL`,
//! `column [NOT] LIKE 'text'` (a text column; ASCII patterns without `_`, with `%` only at the
//! end; ASCII letters match either case, as in SQLite) and `column <op> literal` (`=`, `==`,
//! `<>`, `!=`, `<`, `<=`, `>`, `>=`; a number against an integer or float column, a quoted text
//! against a text column). Anything else gives `None`, and the caller filters in SQLite.
//!
//! Missing values follow SQL's three-valued logic in both (polars' `&`, `|` and `!` on booleans
//! are Kleene's), and a row is kept only when the condition is true.

use crate::dataset::{ColumnType, DatasetInfo};
use polars::prelude::*;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Ident(String),
    Text(String),
    Int(i64),
    Real(f64),
    Op(&'static str),
    Open,
    Close,
}

fn tokens(sql: &str) -> Option<Vec<Tok>> {
    let b: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else if c == '\'' || c == '"' || c == '`' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let mut s = String::new();
            i += 1;
            loop {
                let ch = *b.get(i)?;
                if ch == close {
                    if close != ']' && b.get(i + 1) == Some(&close) {
                        s.push(close);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(ch);
                i += 1;
            }
            out.push(if c == '\'' {
                Tok::Text(s)
            } else {
                Tok::Ident(s)
            });
        } else if c.is_ascii_digit() || (c == '.' && b.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == '.') {
                i += 1;
            }
            if i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                return None;
            }
            let s: String = b[start..i].iter().collect();
            out.push(if s.contains('.') {
                Tok::Real(s.parse().ok()?)
            } else {
                Tok::Int(s.parse().ok()?)
            });
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(Tok::Word(b[start..i].iter().collect()));
        } else {
            let two: String = b[i..(i + 2).min(b.len())].iter().collect();
            let op = match two.as_str() {
                "<=" => "<=",
                ">=" => ">=",
                "<>" | "!=" => "<>",
                "==" => "=",
                _ => match c {
                    '<' => "<",
                    '>' => ">",
                    '=' => "=",
                    '-' => "-",
                    _ => return None,
                },
            };
            i += if matches!(two.as_str(), "<=" | ">=" | "<>" | "!=" | "==") {
                2
            } else {
                1
            };
            out.push(Tok::Op(op));
        }
    }
    Some(out)
}

const KEYWORDS: [&str; 6] = ["and", "or", "not", "is", "null", "like"];

struct Parser<'a> {
    toks: Vec<Tok>,
    at: usize,
    info: &'a DatasetInfo,
    columns: Vec<String>,
}

impl Parser<'_> {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.at), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn eat_word(&mut self, w: &str) -> bool {
        let yes = self.peek_word(w);
        if yes {
            self.at += 1;
        }
        yes
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or(&mut self) -> Option<Expr> {
        let mut e = self.and()?;
        while self.eat_word("or") {
            e = e.or(self.and()?);
        }
        Some(e)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut e = self.not()?;
        while self.eat_word("and") {
            e = e.and(self.not()?);
        }
        Some(e)
    }

    fn not(&mut self) -> Option<Expr> {
        if self.eat_word("not") {
            return Some(self.not()?.not());
        }
        if self.toks.get(self.at) == Some(&Tok::Open) {
            self.at += 1;
            let e = self.or()?;
            return (self.next()? == Tok::Close).then_some(e);
        }
        self.predicate()
    }

    /// The column a name refers to (SQLite matches names without regard to ASCII case).
    fn column(&mut self, name: &str) -> Option<(String, ColumnType)> {
        let mut found = self
            .info
            .columns
            .iter()
            .filter(|c| c.name.eq_ignore_ascii_case(name));
        let c = found.next()?;
        if found.next().is_some() {
            return None;
        }
        if !self.columns.contains(&c.name) {
            self.columns.push(c.name.clone());
        }
        Some((c.name.clone(), c.ty))
    }

    fn predicate(&mut self) -> Option<Expr> {
        let name = match self.next()? {
            Tok::Ident(s) => s,
            Tok::Word(w) if !KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k)) => w,
            _ => return None,
        };
        let (name, ty) = self.column(&name)?;
        let c = col(name.as_str());
        if self.eat_word("is") {
            let negated = self.eat_word("not");
            if !self.eat_word("null") {
                return None;
            }
            return Some(if negated {
                c.is_not_null()
            } else {
                c.is_null()
            });
        }
        let negated = self.eat_word("not");
        if self.eat_word("like") {
            let Tok::Text(pattern) = self.next()? else {
                return None;
            };
            if ty != ColumnType::Text || self.peek_word("escape") {
                return None;
            }
            let e = c.str().contains(lit(like_regex(&pattern)?), true);
            return Some(if negated { e.not() } else { e });
        }
        if negated {
            return None;
        }
        let Tok::Op(op) = self.next()? else {
            return None;
        };
        if op == "-" {
            return None;
        }
        let rhs = match self.next()? {
            Tok::Op("-") => match self.next()? {
                Tok::Int(i) => Tok::Int(-i),
                Tok::Real(f) => Tok::Real(-f),
                _ => return None,
            },
            t => t,
        };
        let (lhs, rhs) = match (ty, rhs) {
            (ColumnType::Integer, Tok::Int(i)) => (c, lit(i)),
            (ColumnType::Float, Tok::Int(i)) => (c.cast(DataType::Float64), lit(i as f64)),
            (ColumnType::Integer | ColumnType::Float, Tok::Real(f)) => {
                (c.cast(DataType::Float64), lit(f))
            }
            (ColumnType::Text, Tok::Text(s)) => (c, lit(s)),
            _ => return None,
        };
        Some(match op {
            "=" => lhs.eq(rhs),
            "<>" => lhs.neq(rhs),
            "<" => lhs.lt(rhs),
            "<=" => lhs.lt_eq(rhs),
            ">" => lhs.gt(rhs),
            ">=" => lhs.gt_eq(rhs),
            _ => return None,
        })
    }
}

/// A regular expression matching what SQLite's `LIKE pattern` matches, for ASCII patterns
/// without `_` whose only `%` are at the end.
fn like_regex(pattern: &str) -> Option<String> {
    if !pattern.is_ascii() || pattern.contains('_') {
        return None;
    }
    let body = pattern.trim_end_matches('%');
    if body.contains('%') {
        return None;
    }
    let mut re = String::from("^");
    for ch in body.chars() {
        if ch.is_ascii_alphabetic() {
            re.push('[');
            re.push(ch.to_ascii_lowercase());
            re.push(ch.to_ascii_uppercase());
            re.push(']');
        } else {
            re.push_str(&format!("\\x{{{:02X}}}", ch as u32));
        }
    }
    if body.len() == pattern.len() {
        re.push('$');
    }
    Some(re)
}

/// `sql` as a polars condition over `info`'s columns, with the columns it reads; `None` when
/// it is outside the part of SQL translated here.
pub fn translate(sql: &str, info: &DatasetInfo) -> Option<(Expr, Vec<String>)> {
    let mut p = Parser {
        toks: tokens(sql)?,
        at: 0,
        info,
        columns: Vec::new(),
    };
    let e = p.or()?;
    (p.at == p.toks.len()).then_some((e, p.columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert_eq!(like_regex("C%").as_deref(), Some("^[cC]"));
        assert_eq!(like_regex("a1").as_deref(), Some("^[aA]\\x{31}$"));
        assert_eq!(like_regex("%").as_deref(), Some("^"));
        assert_eq!(like_regex("a%b"), None);
        assert_eq!(like_regex("a_"), None);
        assert_eq!(like_regex("é%"), None);
    }

    #[test]
    fn tokens_and_refusals() {
        assert_eq!(
            tokens("\"a b\" >= -1.5").unwrap(),
            vec![
                Tok::Ident("a b".into()),
                Tok::Op(">="),
                Tok::Op("-"),
                Tok::Real(1.5)
            ]
        );
        assert_eq!(tokens("x = 'it''s'").unwrap()[2], Tok::Text("it's".into()));
        assert_eq!(tokens("x = 1e5"), None);
        assert_eq!(tokens("x = ?"), None);
    }
}
