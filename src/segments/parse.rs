//! The text form of a segment rule, read into a [`Rule`].
//!
//! ```text
//! rule     := and ( OR and )*
//! and      := unary ( AND unary )*
//! unary    := NOT unary | primary
//! primary  := ( rule ) | call | everyone | condition [ within [last] N days ]
//! call     := bought(args) | did(args) | has_tag('name') | in_segment('name')
//! args     := name = literal | name in (literals), separated by commas
//! ```
//! A condition is any comparison of Loupe's expression language (`revenue >= 500`,
//! `rfm_group in ('Champions', 'Loyal')`, `country starts with 'Un'`). Keywords are
//! case-insensitive. Errors give the character position and what was expected.

use super::rule::{Bought, Condition, Did, Matching, Op, Rule, Target, Window};
use crate::error::{Error, Result};
use crate::expr::Lit;
use crate::expr::parse::{Parser, Tok};

/// Reads a segment rule.
pub fn parse_rule(text: &str) -> Result<Rule> {
    let mut p = Parser::new(text)?;
    if p.peek() == &Tok::End {
        return Err(
            p.error("the rule is empty; write a condition such as revenue >= 500, or everyone")
        );
    }
    let rule = or(&mut p)?;
    if p.peek() != &Tok::End {
        return Err(p.error(&format!(
            "expected AND, OR or the end of the rule, found {}",
            p.describe()
        )));
    }
    Ok(rule)
}

fn or(p: &mut Parser<'_>) -> Result<Rule> {
    let first = and(p)?;
    if !p.is_word(0, "or") {
        return Ok(first);
    }
    let mut rules = vec![first];
    while p.eat_word("or") {
        rules.push(and(p)?);
    }
    Ok(Rule::Any { rules })
}

fn and(p: &mut Parser<'_>) -> Result<Rule> {
    let first = unary(p)?;
    if !p.is_word(0, "and") {
        return Ok(first);
    }
    let mut rules = vec![first];
    while p.eat_word("and") {
        rules.push(unary(p)?);
    }
    Ok(Rule::All { rules })
}

fn unary(p: &mut Parser<'_>) -> Result<Rule> {
    if p.eat_word("not") {
        return Ok(Rule::Not {
            rule: Box::new(p.nested(unary)?),
        });
    }
    primary(p)
}

fn error_at(e: &Error) -> usize {
    match e {
        Error::Expression { at, .. } => *at,
        _ => 0,
    }
}

fn primary(p: &mut Parser<'_>) -> Result<Rule> {
    let start = p.position();
    if p.peek() == &Tok::LParen {
        // A group `( rule )`, unless the parenthesis opens an operand: `(a + b) > 3`.
        p.next();
        let group = p.nested(or).and_then(|r| {
            p.expect(Tok::RParen, "')' to close the group")?;
            let ends = matches!(p.peek(), Tok::End | Tok::RParen)
                || p.is_word(0, "and")
                || p.is_word(0, "or");
            if ends {
                Ok(r)
            } else {
                Err(p.error(&format!(
                    "expected AND, OR or ')' after the group, found {}",
                    p.describe()
                )))
            }
        });
        match group {
            Ok(r) => return Ok(r),
            Err(group_err) => {
                p.rewind(start);
                return condition(p).map_err(|leaf_err| {
                    // Report the reading that got further.
                    if error_at(&leaf_err) > error_at(&group_err) {
                        leaf_err
                    } else {
                        group_err
                    }
                });
            }
        }
    }
    if let Tok::Word(w) = p.peek().clone() {
        let lower = w.to_lowercase();
        if p.peek_at(1) == &Tok::LParen {
            match lower.as_str() {
                "bought" => return bought(p).map(Rule::Bought),
                "did" => return did(p).map(Rule::Did),
                "has_tag" => return name_call(p, "has_tag").map(|name| Rule::HasTag { name }),
                "in_segment" => {
                    return name_call(p, "in_segment").map(|name| Rule::InSegment { name });
                }
                _ => {}
            }
        }
        if lower == "everyone" && is_end_of_term(p, 1) {
            p.next();
            return Ok(Rule::everyone());
        }
    }
    condition(p)
}

fn is_end_of_term(p: &Parser<'_>, k: usize) -> bool {
    matches!(p.peek_at(k), Tok::End | Tok::RParen) || p.is_word(k, "and") || p.is_word(k, "or")
}

/// A condition of the expression language, with the segment-only `within N days`.
fn condition(p: &mut Parser<'_>) -> Result<Rule> {
    let e = p.expr(4)?;
    if p.is_word(0, "within") {
        let crate::expr::Expr::Column(column) = e else {
            return Err(p.error("'within … days' follows a date column, such as last_purchase"));
        };
        p.next();
        p.eat_word("last");
        let days = match p.next() {
            Tok::Num(Lit::Int(n)) if (0..=100_000).contains(&n) => n as u32,
            _ => {
                p.rewind(p.position().saturating_sub(1));
                return Err(p.error(&format!(
                    "expected a whole number of days after 'within', found {}",
                    p.describe()
                )));
            }
        };
        if !(p.eat_word("days") || p.eat_word("day")) {
            return Err(p.error(&format!(
                "expected 'days' after the number, found {}",
                p.describe()
            )));
        }
        return Ok(Rule::Condition(Condition {
            column,
            op: Op::WithinDays { days },
        }));
    }
    Ok(match Condition::from_expr(&e) {
        Some(c) => Rule::Condition(c),
        None => Rule::Expr {
            text: e.to_string(),
        },
    })
}

/// One argument of a call: `name = literal` or `name in (literal, …)`.
struct Arg {
    name: String,
    values: Vec<Lit>,
    /// Where the argument starts, for errors.
    at: usize,
}

fn literal(p: &mut Parser<'_>) -> Result<Lit> {
    let negative = if p.peek() == &Tok::Op("-") {
        p.next();
        true
    } else {
        false
    };
    match (p.next(), negative) {
        (Tok::Num(Lit::Int(i)), n) => Ok(Lit::Int(if n { -i } else { i })),
        (Tok::Num(Lit::Float(x)), n) => Ok(Lit::Float(if n { -x } else { x })),
        (Tok::Str(s), false) => Ok(Lit::Text(s)),
        _ => {
            p.rewind(p.position().saturating_sub(1));
            Err(p.error(&format!(
                "expected a number or quoted text, found {}",
                p.describe()
            )))
        }
    }
}

/// `name(arg, …)` after checking the name; returns the arguments.
fn args(p: &mut Parser<'_>, allowed: &[&str]) -> Result<Vec<Arg>> {
    let call = match p.next() {
        Tok::Word(w) => w.to_lowercase(),
        _ => String::new(),
    };
    p.expect(Tok::LParen, "'('")?;
    let mut out: Vec<Arg> = Vec::new();
    if p.peek() == &Tok::RParen {
        p.next();
        return Ok(out);
    }
    loop {
        let at = p.position();
        let name = match p.next() {
            Tok::Word(w) if allowed.iter().any(|a| a.eq_ignore_ascii_case(&w)) => w.to_lowercase(),
            _ => {
                p.rewind(at);
                return Err(p.error(&format!(
                    "expected an argument of {call}(): {}; found {}",
                    allowed.join(", "),
                    p.describe()
                )));
            }
        };
        if out.iter().any(|a| a.name == name) {
            p.rewind(at);
            return Err(p.error(&format!("{name} is given twice")));
        }
        let values = if p.eat_word("in") {
            p.expect(Tok::LParen, "'(' after 'in'")?;
            let mut values = vec![literal(p)?];
            while p.peek() == &Tok::Comma {
                p.next();
                values.push(literal(p)?);
            }
            p.expect(Tok::RParen, "',' or ')' in the list")?;
            values
        } else {
            p.expect(Tok::Op("="), &format!("'=' after {name}"))?;
            vec![literal(p)?]
        };
        out.push(Arg { name, values, at });
        match p.next() {
            Tok::Comma => continue,
            Tok::RParen => return Ok(out),
            _ => {
                p.rewind(p.position().saturating_sub(1));
                return Err(p.error(&format!(
                    "expected ',' or ')' in the arguments of {call}(), found {}",
                    p.describe()
                )));
            }
        }
    }
}

fn one<'a>(p: &mut Parser<'_>, a: &'a Arg) -> Result<&'a Lit> {
    match a.values.as_slice() {
        [v] => Ok(v),
        _ => {
            p.rewind(a.at);
            Err(p.error(&format!("{} takes one value, not a list", a.name)))
        }
    }
}

fn count(p: &mut Parser<'_>, a: &Arg) -> Result<u32> {
    match one(p, a)? {
        Lit::Int(n) if (0..=i64::from(u32::MAX)).contains(n) => Ok(*n as u32),
        _ => {
            p.rewind(a.at);
            Err(p.error(&format!("{} is a whole number of 0 or more", a.name)))
        }
    }
}

fn amount(p: &mut Parser<'_>, a: &Arg) -> Result<f64> {
    match one(p, a)? {
        Lit::Int(n) => Ok(*n as f64),
        Lit::Float(x) => Ok(*x),
        _ => {
            p.rewind(a.at);
            Err(p.error(&format!("{} is a number", a.name)))
        }
    }
}

fn text(p: &mut Parser<'_>, a: &Arg) -> Result<String> {
    match one(p, a)? {
        Lit::Text(s) => Ok(s.clone()),
        Lit::Int(n) => Ok(n.to_string()),
        _ => {
            p.rewind(a.at);
            Err(p.error(&format!("{} is quoted text", a.name)))
        }
    }
}

fn date(p: &mut Parser<'_>, a: &Arg) -> Result<String> {
    let s = text(p, a)?;
    if chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").is_err() {
        p.rewind(a.at);
        return Err(p.error(&format!(
            "{} is a date written YYYY-MM-DD, such as '2011-06-01'",
            a.name
        )));
    }
    Ok(s)
}

/// Reads the window arguments; true when `a` was one.
fn window(p: &mut Parser<'_>, a: &Arg, w: &mut Window) -> Result<bool> {
    match a.name.as_str() {
        "within_days" => w.within_days = Some(count(p, a)?),
        "after" => w.after = Some(date(p, a)?),
        "before" => w.before = Some(date(p, a)?),
        _ => return Ok(false),
    }
    Ok(true)
}

const BOUGHT_ARGS: &[&str] = &[
    "item_id",
    "item",
    "category",
    "min_times",
    "max_times",
    "min_amount",
    "max_amount",
    "within_days",
    "after",
    "before",
];

fn bought(p: &mut Parser<'_>) -> Result<Bought> {
    let start = p.position();
    let mut b = Bought::default();
    for a in args(p, BOUGHT_ARGS)? {
        if window(p, &a, &mut b.window)? {
            continue;
        }
        let target = match a.name.as_str() {
            "item_id" => Some(Target::ItemId),
            "item" => Some(Target::Item),
            "category" => Some(Target::Category),
            _ => None,
        };
        if let Some(target) = target {
            if b.matching.is_some() {
                p.rewind(a.at);
                return Err(p.error(
                    "bought() matches one of item_id, item or category; combine two bought() with AND",
                ));
            }
            let mut values = Vec::new();
            for v in &a.values {
                match v {
                    Lit::Text(s) => values.push(s.clone()),
                    Lit::Int(n) => values.push(n.to_string()),
                    _ => {
                        p.rewind(a.at);
                        return Err(p.error(&format!("{} is quoted text", a.name)));
                    }
                }
            }
            b.matching = Some(Matching { target, values });
            continue;
        }
        match a.name.as_str() {
            "min_times" => b.min_times = Some(count(p, &a)?),
            "max_times" => b.max_times = Some(count(p, &a)?),
            "min_amount" => b.min_amount = Some(amount(p, &a)?),
            _ => b.max_amount = Some(amount(p, &a)?),
        }
    }
    if let (Some(lo), Some(hi)) = (b.min_times, b.max_times)
        && lo > hi
    {
        p.rewind(start);
        return Err(p.error("min_times is larger than max_times, so no one can match"));
    }
    Ok(b)
}

const DID_ARGS: &[&str] = &[
    "event",
    "min_times",
    "max_times",
    "within_days",
    "after",
    "before",
];

fn did(p: &mut Parser<'_>) -> Result<Did> {
    let start = p.position();
    let mut event = None;
    let (mut min_times, mut max_times, mut w) = (None, None, Window::default());
    for a in args(p, DID_ARGS)? {
        if window(p, &a, &mut w)? {
            continue;
        }
        match a.name.as_str() {
            "event" => event = Some(text(p, &a)?),
            "min_times" => min_times = Some(count(p, &a)?),
            _ => max_times = Some(count(p, &a)?),
        }
    }
    let Some(event) = event else {
        p.rewind(start);
        return Err(p.error("did() needs the event, such as did(event = 'add_to_cart')"));
    };
    Ok(Did {
        event,
        min_times,
        max_times,
        window: w,
    })
}

fn name_call(p: &mut Parser<'_>, call: &str) -> Result<String> {
    p.next();
    p.expect(Tok::LParen, "'('")?;
    let name = match p.next() {
        Tok::Str(s) => s,
        _ => {
            p.rewind(p.position().saturating_sub(1));
            return Err(p.error(&format!(
                "{call}() takes a quoted name, such as {call}('VIP'); found {}",
                p.describe()
            )));
        }
    };
    p.expect(Tok::RParen, &format!("')' after the name in {call}()"))?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        let r = parse_rule(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let back = parse_rule(&r.to_string()).unwrap_or_else(|e| panic!("{r}: {e}"));
        assert_eq!(back, r, "{text} -> {r}");
        r.to_string()
    }

    #[test]
    fn the_issue_examples_round_trip() {
        assert_eq!(
            canonical("revenue >= 500 AND recency_days <= 90 AND NOT (country = 'United Kingdom')"),
            "revenue >= 500 AND recency_days <= 90 AND NOT (country = 'United Kingdom')"
        );
        assert_eq!(
            canonical("rfm_group IN ('Champions', 'Loyal') OR orders >= 10"),
            "rfm_group in ('Champions', 'Loyal') OR orders >= 10"
        );
        assert_eq!(
            canonical("bought(item_id = '85123A', min_times = 2, within_days = 90)"),
            "bought(item_id = '85123A', min_times = 2, within_days = 90)"
        );
        assert_eq!(
            canonical(
                "bought(category = '家居用品', after = '2011-06-01') AND NOT bought(category = 'Toys')"
            ),
            "bought(category = '家居用品', after = '2011-06-01') AND NOT bought(category = 'Toys')"
        );
        assert_eq!(canonical("in_segment('VIP')"), "in_segment('VIP')");
    }

    #[test]
    fn nesting_and_parentheses() {
        assert_eq!(
            canonical("(a = 1 or b = 2) and c = 3"),
            "(a = 1 OR b = 2) AND c = 3"
        );
        assert_eq!(
            canonical("a = 1 or (b = 2 and c = 3)"),
            "a = 1 OR b = 2 AND c = 3"
        );
        assert_eq!(
            canonical("not (a = 1 and not (b = 2 or c = 3))"),
            "NOT (a = 1 AND NOT (b = 2 OR c = 3))"
        );
        // A parenthesis that opens an operand, not a group.
        assert_eq!(
            canonical("(revenue + 5) * 2 > 10"),
            "(revenue + 5) * 2 > 10"
        );
        assert_eq!(canonical("((a = 1))"), "a = 1");
        assert_eq!(canonical("everyone"), "everyone");
        // A column named like a word of the rules stays a column when printed and read back.
        assert_eq!(canonical("not \"everyone\""), "NOT (\"everyone\")");
        assert_eq!(
            canonical("last_purchase within last 30 days and 5 < orders"),
            "last_purchase within 30 days AND orders > 5"
        );
        assert_eq!(
            canonical("has_tag('high value') and did(event = 'add_to_cart', min_times = 2)"),
            "has_tag('high value') AND did(event = 'add_to_cart', min_times = 2)"
        );
        assert_eq!(
            canonical("bought(item in ('A', 'B'), min_amount = 10.5, before = '2011-01-01')"),
            "bought(item in ('A', 'B'), min_amount = 10.5, before = '2011-01-01')"
        );
        // Conditions that are not one column against literals stay expressions.
        assert!(matches!(
            parse_rule("revenue / orders > 50").unwrap(),
            Rule::Expr { .. }
        ));
    }

    #[test]
    fn json_round_trip() {
        let r = parse_rule(
            "(revenue between 10 and 20 or city is empty) and not bought(item_id = 'X', max_times = 3, within_days = 7) and name contains 'a'",
        )
        .unwrap();
        let json = serde_json::to_string(&r).unwrap();
        let back: Rule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r, "{json}");
        assert!(json.contains("\"type\":\"bought\""), "{json}");
    }

    fn error(text: &str) -> (usize, String) {
        match parse_rule(text) {
            Err(Error::Expression { at, message, .. }) => (at, message),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn errors_point_at_the_mistake() {
        let (at, msg) = error("revenue >= 500 AND");
        assert_eq!(at, 19, "{msg}");
        let (at, msg) = error("revenue >= 500 AND bought(itemid = 'x')");
        assert_eq!(at, 27, "{msg}");
        assert!(msg.contains("item_id"), "{msg}");
        let (at, msg) = error("bought(after = '2011-13-01')");
        assert_eq!(at, 8, "{msg}");
        assert!(msg.contains("YYYY-MM-DD"), "{msg}");
        let (at, msg) = error("(a = 1 or b = 2");
        assert_eq!(at, 16, "{msg}");
        let (_, msg) = error("bought(min_times = 3, max_times = 1)");
        assert!(msg.contains("larger"), "{msg}");
        let (at, msg) = error("orders >= 2 orders");
        assert_eq!(at, 13, "{msg}");
        let (_, msg) = error("in_segment(VIP)");
        assert!(msg.contains("quoted"), "{msg}");
        let (_, msg) = error("");
        assert!(msg.contains("empty"), "{msg}");
    }
}
