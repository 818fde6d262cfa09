//! Text to [`Expr`]: a tokenizer and a precedence-climbing parser.
//!
//! Keywords are case-insensitive. Column names are bare words (any letters, digits and `_`,
//! Chinese included) or quoted with `"…"` or `` `…` ``; text literals are quoted with `'…'`
//! (`''` inside for a quote).

use super::ast::{BinOp, Expr, Func, Lit, TextOp};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Num(Lit),
    Str(String),
    /// A bare word: keyword, function or column.
    Word(String),
    /// A quoted column name.
    Quoted(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

struct Token {
    tok: Tok,
    /// 0-based character position.
    at: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let err = |at: usize, message: String| Error::Expression {
        text: text.to_string(),
        at: at + 1,
        message,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            // An exponent: 1e6, 2.5E-3.
            if i < chars.len() && matches!(chars[i], 'e' | 'E') {
                let mut j = i + 1;
                if j < chars.len() && matches!(chars[j], '+' | '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s: String = chars[start..i].iter().filter(|&&c| c != '_').collect();
            if let Ok(v) = s.parse::<i64>() {
                Tok::Num(Lit::Int(v))
            } else if let Ok(v) = s.parse::<f64>() {
                // Beyond about 1.8e308 a number reads as infinity, which prints as a word.
                if !v.is_finite() {
                    return Err(err(
                        start,
                        format!("'{s}' is too large a number (the largest is about 1.8e308)"),
                    ));
                }
                Tok::Num(Lit::Float(v))
            } else {
                return Err(err(start, format!("'{s}' is not a number")));
            }
        } else if c == '\'' || c == '"' || c == '`' {
            let close = c;
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        return Err(err(
                            start,
                            format!("the quote {c} is never closed; add a closing {close}"),
                        ));
                    }
                    Some(&d) if d == close => {
                        if chars.get(i + 1) == Some(&close) {
                            s.push(close);
                            i += 2;
                        } else {
                            i += 1;
                            break;
                        }
                    }
                    Some(&d) => {
                        s.push(d);
                        i += 1;
                    }
                }
            }
            if c == '\'' {
                Tok::Str(s)
            } else {
                Tok::Quoted(s)
            }
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            Tok::Word(chars[start..i].iter().collect())
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = ["<=", ">=", "!=", "<>", "=="]
                .into_iter()
                .find(|o| *o == two);
            if let Some(op) = op {
                i += 2;
                Tok::Op(match op {
                    "<>" => "!=",
                    "==" => "=",
                    o => o,
                })
            } else {
                i += 1;
                match c {
                    '(' | '（' => Tok::LParen,
                    ')' | '）' => Tok::RParen,
                    ',' | '，' => Tok::Comma,
                    '=' => Tok::Op("="),
                    '<' => Tok::Op("<"),
                    '>' => Tok::Op(">"),
                    '+' => Tok::Op("+"),
                    '-' => Tok::Op("-"),
                    '*' => Tok::Op("*"),
                    '/' => Tok::Op("/"),
                    '%' => Tok::Op("%"),
                    _ => return Err(err(start, format!("unexpected '{c}'"))),
                }
            }
        };
        out.push(Token { tok, at: start });
    }
    out.push(Token {
        tok: Tok::End,
        at: chars.len(),
    });
    Ok(out)
}

/// How deeply an expression or rule may nest: each parenthesis, `not`, minus sign, function call
/// and operator of a chain (`a + b + c` is two) is a level. Far beyond any rule written by hand,
/// and well within the stack of every thread that reads, prints or runs one: about 5,000
/// parentheses used to overflow it.
pub const MAX_NESTING: usize = 256;

pub(crate) struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// The current nesting level (see [`MAX_NESTING`]).
    depth: usize,
}

impl<'a> Parser<'a> {
    /// A parser over the tokens of `text`, for languages built on this one (segment rules).
    pub(crate) fn new(text: &'a str) -> Result<Parser<'a>> {
        Ok(Parser {
            text,
            toks: tokenize(text)?,
            pos: 0,
            depth: 0,
        })
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn rewind(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// One level deeper, refused past [`MAX_NESTING`] with the position where it happens.
    fn deeper(&mut self) -> Result<()> {
        if self.depth >= MAX_NESTING {
            return Err(self.error(&format!(
                "this nests more than {MAX_NESTING} levels deep (parentheses, NOT, minus signs, function calls or a chain of operators); write it flatter, for example IN (…) instead of many ORs"
            )));
        }
        self.depth += 1;
        Ok(())
    }

    /// Runs `f` one level deeper (see [`MAX_NESTING`]).
    pub(crate) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.deeper()?;
        let result = f(self);
        self.depth -= 1;
        result
    }
}

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr> {
    let mut p = Parser::new(text)?;
    if p.peek() == &Tok::End {
        return Err(p.error("the expression is empty; write a condition such as Quantity <= 0"));
    }
    let e = p.expr(0)?;
    if p.peek() != &Tok::End {
        return Err(p.error(&format!("unexpected {}", p.describe())));
    }
    Ok(e)
}

fn binop(tok: &Tok) -> Option<BinOp> {
    Some(match tok {
        Tok::Word(w) if w.eq_ignore_ascii_case("or") => BinOp::Or,
        Tok::Word(w) if w.eq_ignore_ascii_case("and") => BinOp::And,
        Tok::Op("=") => BinOp::Eq,
        Tok::Op("!=") => BinOp::Ne,
        Tok::Op("<") => BinOp::Lt,
        Tok::Op("<=") => BinOp::Le,
        Tok::Op(">") => BinOp::Gt,
        Tok::Op(">=") => BinOp::Ge,
        Tok::Op("+") => BinOp::Add,
        Tok::Op("-") => BinOp::Sub,
        Tok::Op("*") => BinOp::Mul,
        Tok::Op("/") => BinOp::Div,
        Tok::Op("%") => BinOp::Rem,
        _ => return None,
    })
}

impl Parser<'_> {
    pub(crate) fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }

    pub(crate) fn peek_at(&self, k: usize) -> &Tok {
        &self.toks[(self.pos + k).min(self.toks.len() - 1)].tok
    }

    pub(crate) fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    pub(crate) fn is_word(&self, k: usize, word: &str) -> bool {
        matches!(self.peek_at(k), Tok::Word(w) if w.eq_ignore_ascii_case(word))
    }

    pub(crate) fn eat_word(&mut self, word: &str) -> bool {
        if self.is_word(0, word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn error(&self, message: &str) -> Error {
        Error::Expression {
            text: self.text.to_string(),
            at: self.toks[self.pos.min(self.toks.len() - 1)].at + 1,
            message: message.to_string(),
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self.peek() {
            Tok::End => "end of the expression".into(),
            Tok::Num(l) => format!("number {l}"),
            Tok::Str(s) => format!("text '{s}'"),
            Tok::Word(w) => format!("'{w}'"),
            Tok::Quoted(w) => format!("column \"{w}\""),
            Tok::Op(o) => format!("'{o}'"),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Comma => "','".into(),
        }
    }

    pub(crate) fn expect(&mut self, tok: Tok, what: &str) -> Result<()> {
        if *self.peek() == tok {
            self.next();
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}, found {}", self.describe())))
        }
    }

    /// Binary operators binding at least as tightly as `min`.
    pub(crate) fn expr(&mut self, min: u8) -> Result<Expr> {
        self.nested(|p| p.chain(min))
    }

    /// The operands and operators of [`Parser::expr`]: each operator nests the chain one level
    /// deeper (the tree leans left), which counts towards [`MAX_NESTING`].
    fn chain(&mut self, min: u8) -> Result<Expr> {
        let mut links = 0;
        let result = (|| {
            let mut left = self.prefix(min)?;
            loop {
                // Postfix predicates sit at comparison strength.
                if min <= 4 && self.starts_predicate() {
                    self.deeper()?;
                    links += 1;
                    if let Some(e) = self.predicate(&left)? {
                        left = e;
                        continue;
                    }
                }
                let Some(op) = binop(self.peek()) else { break };
                if op.precedence() < min {
                    break;
                }
                self.deeper()?;
                links += 1;
                self.next();
                let right = self.expr(op.precedence() + 1)?;
                left = Expr::Binary(op, Box::new(left), Box::new(right));
            }
            Ok(left)
        })();
        self.depth -= links;
        result
    }

    /// Whether a postfix predicate (`is`, `in`, `between`, `starts with`, …) comes next.
    fn starts_predicate(&self) -> bool {
        let skip = usize::from(self.is_word(0, "not"));
        ["is", "in", "between", "starts", "ends", "contains"]
            .iter()
            .any(|w| self.is_word(skip, w))
    }

    fn prefix(&mut self, min: u8) -> Result<Expr> {
        if min <= 3 && self.eat_word("not") {
            return Ok(Expr::Not(Box::new(self.expr(3)?)));
        }
        if *self.peek() == Tok::Op("-") {
            self.next();
            return Ok(match self.expr(7)? {
                Expr::Lit(Lit::Int(i)) => Expr::Lit(Lit::Int(-i)),
                Expr::Lit(Lit::Float(x)) => Expr::Lit(Lit::Float(-x)),
                e => Expr::Neg(Box::new(e)),
            });
        }
        self.primary()
    }

    /// `is [not] missing`, `[not] in (…)`, `[not] between a and b`, `[not] starts with …`,
    /// `[not] ends with …`, `[not] contains …` after an operand.
    fn predicate(&mut self, left: &Expr) -> Result<Option<Expr>> {
        let boxed = || Box::new(left.clone());
        if self.is_word(0, "is") {
            self.next();
            let negated = self.eat_word("not");
            if self.eat_word("missing") || self.eat_word("null") || self.eat_word("empty") {
                return Ok(Some(Expr::IsMissing {
                    expr: boxed(),
                    negated,
                }));
            }
            return Err(self.error(&format!(
                "expected 'missing' after 'is', found {}",
                self.describe()
            )));
        }
        let negated = self.is_word(0, "not")
            && ["in", "between", "starts", "ends", "contains"]
                .iter()
                .any(|w| self.is_word(1, w));
        let skip = usize::from(negated);
        let text_op = if self.is_word(skip, "starts") {
            Some(TextOp::StartsWith)
        } else if self.is_word(skip, "ends") {
            Some(TextOp::EndsWith)
        } else if self.is_word(skip, "contains") {
            Some(TextOp::Contains)
        } else {
            None
        };
        if let Some(op) = text_op {
            self.pos += skip + 1;
            if op != TextOp::Contains && !self.eat_word("with") {
                return Err(self.error(&format!("expected 'with' after '{}'", op.words())));
            }
            let pattern = self.expr(5)?;
            return Ok(Some(Expr::Text {
                op,
                expr: boxed(),
                pattern: Box::new(pattern),
                negated,
            }));
        }
        if self.is_word(skip, "in") {
            self.pos += skip + 1;
            self.expect(Tok::LParen, "'(' after 'in'")?;
            let mut list = Vec::new();
            loop {
                let neg = if *self.peek() == Tok::Op("-") {
                    self.next();
                    true
                } else {
                    false
                };
                let lit = match (self.next(), neg) {
                    (Tok::Num(Lit::Int(i)), n) => Lit::Int(if n { -i } else { i }),
                    (Tok::Num(Lit::Float(x)), n) => Lit::Float(if n { -x } else { x }),
                    (Tok::Str(s), false) => Lit::Text(s),
                    _ => {
                        self.pos = self.pos.saturating_sub(1);
                        return Err(self.error(&format!(
                            "the list after 'in' holds numbers or quoted text, found {}",
                            self.describe()
                        )));
                    }
                };
                list.push(lit);
                match self.next() {
                    Tok::Comma => continue,
                    Tok::RParen => break,
                    _ => {
                        self.pos = self.pos.saturating_sub(1);
                        return Err(self.error("expected ',' or ')' in the list"));
                    }
                }
            }
            return Ok(Some(Expr::In {
                expr: boxed(),
                list,
                negated,
            }));
        }
        if self.is_word(skip, "between") {
            self.pos += skip + 1;
            let low = self.expr(5)?;
            if !self.eat_word("and") {
                return Err(self.error("expected 'and' in 'between … and …'"));
            }
            let high = self.expr(5)?;
            return Ok(Some(Expr::Between {
                expr: boxed(),
                low: Box::new(low),
                high: Box::new(high),
                negated,
            }));
        }
        Ok(None)
    }

    fn primary(&mut self) -> Result<Expr> {
        let at = self.pos;
        match self.next() {
            Tok::Num(l) => Ok(Expr::Lit(l)),
            Tok::Str(s) => Ok(Expr::Lit(Lit::Text(s))),
            Tok::Quoted(c) => Ok(Expr::Column(c)),
            Tok::LParen => {
                let e = self.expr(0)?;
                self.expect(Tok::RParen, "')'")?;
                Ok(e)
            }
            Tok::Word(w) => {
                let lower = w.to_lowercase();
                match lower.as_str() {
                    "true" => return Ok(Expr::Lit(Lit::Bool(true))),
                    "false" => return Ok(Expr::Lit(Lit::Bool(false))),
                    "null" => return Ok(Expr::Lit(Lit::Null)),
                    _ => {}
                }
                if *self.peek() == Tok::LParen {
                    let Some(func) = Func::from_name(&w) else {
                        self.pos = at;
                        let names: Vec<_> = Func::ALL.iter().map(|f| f.name()).collect();
                        return Err(self.error(&format!(
                            "there is no function '{w}'; the functions are: {}",
                            names.join(", ")
                        )));
                    };
                    self.next();
                    let mut args = Vec::new();
                    if *self.peek() != Tok::RParen {
                        loop {
                            args.push(self.expr(0)?);
                            if *self.peek() == Tok::Comma {
                                self.next();
                            } else {
                                break;
                            }
                        }
                    }
                    self.expect(Tok::RParen, "')' to close the arguments")?;
                    let (least, most) = func.arity();
                    if args.len() < least || args.len() > most {
                        self.pos = at;
                        return Err(self.error(&format!(
                            "{}() takes {} argument(s), not {}",
                            func.name(),
                            if least == most {
                                least.to_string()
                            } else if most == usize::MAX {
                                format!("{least} or more")
                            } else {
                                format!("{least} to {most}")
                            },
                            args.len()
                        )));
                    }
                    return Ok(Expr::Call(func, args));
                }
                if super::ast::KEYWORDS.contains(&lower.as_str()) {
                    self.pos = at;
                    return Err(self.error(&format!(
                        "expected a column, a number or quoted text, found '{w}' (quote a column with this name: \"{w}\")"
                    )));
                }
                Ok(Expr::Column(w))
            }
            _ => {
                self.pos = at;
                Err(self.error(&format!(
                    "expected a column, a number or quoted text, found {}",
                    self.describe()
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str, canonical: &str) {
        let e = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(e.to_string(), canonical, "{text}");
        assert_eq!(parse(canonical).ok(), Some(e), "{canonical}");
    }

    #[test]
    fn spellings_round_trip() {
        round_trip("Quantity<=0", "Quantity <= 0");
        round_trip("InvoiceNo STARTS WITH 'C'", "InvoiceNo starts with 'C'");
        round_trip("CustomerID is null", "CustomerID is missing");
        round_trip("`Unit Price` * 2", "\"Unit Price\" * 2");
        round_trip("a - (b - c)", "a - (b - c)");
        round_trip("(a - b) - c", "a - b - c");
        round_trip("a or b and c", "a or b and c");
        round_trip("(a or b) and c", "(a or b) and c");
        round_trip("not a = 1 and b", "not a = 1 and b");
        round_trip(
            "Country not in ('France', 'It''s')",
            "Country not in ('France', 'It''s')",
        );
        round_trip("x between -1 and 2.5", "x between -1 and 2.5");
        round_trip("城市 = '北京'", "城市 = '北京'");
        round_trip("round(abs(x), 2) > 1e3", "round(abs(x), 2) > 1000.0");
        round_trip("\"and\" = 1", "\"and\" = 1");
        round_trip("x <> 1", "x != 1");
        round_trip("-x + 1", "-x + 1");
        round_trip("Email not contains '@'", "Email not contains '@'");
    }

    #[test]
    fn precedence() {
        let e = parse("a + b * c = d or e").unwrap();
        let Expr::Binary(BinOp::Or, left, _) = e else {
            panic!("or on top")
        };
        let Expr::Binary(BinOp::Eq, sum, _) = *left else {
            panic!("= under or")
        };
        assert!(matches!(*sum, Expr::Binary(BinOp::Add, _, _)));
    }

    #[test]
    fn errors_say_where() {
        let msg = |t: &str| parse(t).unwrap_err().to_string();
        assert!(
            msg("Quantity <= ").contains("character 13"),
            "{}",
            msg("Quantity <= ")
        );
        assert!(msg("x = 'abc").contains("never closed"));
        assert!(msg("foo(x)").contains("no function 'foo'"));
        assert!(msg("x in (1, y)").contains("numbers or quoted text"));
        assert!(msg("").contains("empty"));
        assert!(msg("x is 3").contains("'missing'"));
        assert!(msg("round(x, 1, 2)").contains("1 to 2"));
        assert!(msg("a b").contains("unexpected 'b'"));
    }
}
