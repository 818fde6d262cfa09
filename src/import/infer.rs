//! Type inference: every value of a column is seen once (the scan pass), then one plan converts them
//! all (the load pass). A value that the plan cannot read is kept as written and reported, never
//! turned into NULL.

use super::quirks;
use super::temporal::{self, DateFormat};
use crate::dataset::{ColumnType, Role};
use std::borrow::Cow;

/// Values that mean "no value" in numeric and date columns. In text columns they stay as written.
const NULL_TOKENS: [&str; 10] = [
    "NULL", "null", "Null", "NA", "N/A", "n/a", "NaN", "nan", "None", "#N/A",
];

/// Tokens read as booleans (case-insensitive for the ASCII ones).
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "是" | "真" => return Some(true),
        "否" | "假" => return Some(false),
        _ => {}
    }
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

/// A number as written: `-12`, `3.50`, `1,234.5`, `¥12.80`, `1e-3`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Int(i64),
    Float(f64),
}

/// Reads a number. Thousands separators must group digits in threes; a currency sign may lead
/// (`¥`, `￥`, `$`, `€`, `£`, `RMB`, `CNY`) or a currency follow (`元`, `RMB`, `CNY`): an amount
/// of money so marked is read as a decimal number, even when whole.
pub fn parse_number(s: &str) -> Option<Num> {
    let b = s.as_bytes();
    // Fast path: plain ASCII integer.
    if !b.is_empty() && b.len() <= 18 {
        let (neg, digits) = match b[0] {
            b'-' => (true, &b[1..]),
            b'+' => (false, &b[1..]),
            _ => (false, b),
        };
        if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
            let mut v: i64 = 0;
            for &d in digits {
                v = v * 10 + (d - b'0') as i64;
            }
            return Some(Num::Int(if neg { -v } else { v }));
        }
    }
    let mut t = quirks::trim(s);
    let mut money = false;
    // A currency sign stands before or after the digits: most values start and end with digits,
    // and need no look for one (import parses every cell).
    let tb = t.as_bytes();
    let plain_start = tb
        .first()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.'));
    let plain_end = tb.last().is_some_and(u8::is_ascii_digit);
    if plain_start && plain_end {
        return parse_plain_number(t);
    }
    for sym in ["¥", "￥", "$", "€", "£", "RMB", "CNY"] {
        if let Some(rest) = t.strip_prefix(sym) {
            t = rest.trim_start();
            money = true;
            break;
        }
    }
    if !money {
        for sym in ["元", "RMB", "CNY"] {
            if let Some(rest) = t.strip_suffix(sym) {
                t = rest.trim_end();
                money = true;
                break;
            }
        }
    }
    let n = parse_plain_number(t)?;
    Some(match n {
        Num::Int(i) if money => Num::Float(i as f64),
        n => n,
    })
}

/// A number without a currency: digits, an optional sign, thousands separators, a fraction or an
/// exponent.
fn parse_plain_number(t: &str) -> Option<Num> {
    let mut t = t;
    if t.is_empty() || !t.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let cleaned;
    if t.contains(',') {
        if !thousands_ok(t) {
            return None;
        }
        cleaned = t.replace(',', "");
        t = &cleaned;
    }
    let tb = t.as_bytes();
    let body = tb
        .strip_prefix(b"-")
        .or_else(|| tb.strip_prefix(b"+"))
        .unwrap_or(tb);
    if body
        .first()
        .is_some_and(|c| !(c.is_ascii_digit() || *c == b'.'))
    {
        return None; // "inf", "nan", "e5"
    }
    if !body.is_empty() && body.iter().all(u8::is_ascii_digit) {
        // Too long for i64: an identifier, not a number we compute with.
        return t.parse::<i64>().ok().map(Num::Int);
    }
    if !body
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        return None;
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Num::Float)
}

fn thousands_ok(t: &str) -> bool {
    let t = t.trim_start_matches(['-', '+']);
    let int_part = t.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int_part.split(',').collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|c| c.is_ascii_digit()))
}

/// True for `17850`, `17850.0`, `-3.00`: an integer however it is written.
fn integral_text(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int.is_empty()
        && int.bytes().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c == b'0'))
}

/// Strips a zero fraction: `17850.0` gives `17850`.
pub fn strip_zero_fraction(s: &str) -> &str {
    match s.split_once('.') {
        Some((i, f)) if !f.is_empty() && f.bytes().all(|c| c == b'0') => i,
        _ => s,
    }
}

/// What the column's name or role lets Loupe assume before it sees the values.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints {
    /// The role, from the user or from the name.
    pub role: Option<Role>,
    /// The role came from the user, not the name.
    pub role_from_user: bool,
    /// The name says it holds times (`date`, `ts`, `时间`…): numbers may be read as times.
    pub timey_name: bool,
    /// The type a platform preset gives the column ([`super::presets`]).
    pub preset_type: Option<ColumnType>,
}

/// Everything the scan pass learns about one column.
#[derive(Debug, Clone)]
pub struct ColumnStats {
    pub non_null: u64,
    pub nulls: u64,
    pub null_tokens: u64,
    /// Encrypted placeholders read as missing (also counted in `nulls`).
    pub placeholders: u64,
    /// Some value was marked as text by the export (a leading tab or `="…"`).
    protected: bool,
    int_ok: bool,
    float_ok: bool,
    bool_ok: bool,
    integral_ok: bool,
    saw_fraction_zero: bool,
    leading_zero: bool,
    max_int_digits: usize,
    min_int: i64,
    max_int: i64,
    phone_like: bool,
    date_mask: u16,
    has_time: bool,
    /// The first value that ruled out a numeric reading, for notes.
    pub first_text: Option<(u64, String)>,
    /// Up to 32 distinct values seen first, for role inference from content.
    pub sample: Vec<String>,
    sample_full: bool,
}

impl Default for ColumnStats {
    fn default() -> Self {
        ColumnStats {
            non_null: 0,
            nulls: 0,
            null_tokens: 0,
            placeholders: 0,
            protected: false,
            int_ok: true,
            float_ok: true,
            bool_ok: true,
            integral_ok: true,
            saw_fraction_zero: false,
            leading_zero: false,
            max_int_digits: 0,
            min_int: i64::MAX,
            max_int: i64::MIN,
            phone_like: true,
            date_mask: DateFormat::TEXT_MASK | DateFormat::NUMERIC_MASK,
            has_time: false,
            first_text: None,
            sample: Vec::new(),
            sample_full: false,
        }
    }
}

impl ColumnStats {
    /// Sees one value; `line` is for notes.
    pub fn observe(&mut self, raw: &str, line: u64) {
        if quirks::is_blank(raw) {
            self.nulls += 1;
            return;
        }
        if quirks::is_placeholder(raw) {
            // Withheld personal data: missing.
            self.nulls += 1;
            self.placeholders += 1;
            return;
        }
        if !self.protected && quirks::is_protected(raw) {
            self.protected = true;
        }
        let cleaned = quirks::clean(raw);
        let v = quirks::trim(&cleaned);
        if NULL_TOKENS.contains(&v) {
            self.null_tokens += 1;
            return;
        }
        self.non_null += 1;
        // The first distinct values, looked for among the first 10,000 only (it is a hint).
        if !self.sample_full {
            if !self.sample.iter().any(|s| s == v) {
                self.sample.push(v.to_string());
            }
            self.sample_full = self.sample.len() >= 32 || self.non_null >= 10_000;
        }
        if self.int_ok || self.float_ok {
            match parse_number(v) {
                Some(Num::Int(i)) => {
                    let digits = v.trim_start_matches(['-', '+']);
                    if digits.len() > 1
                        && digits.starts_with('0')
                        && digits.bytes().all(|c| c.is_ascii_digit())
                    {
                        self.leading_zero = true;
                    }
                    self.max_int_digits = self.max_int_digits.max(digits.len());
                    self.min_int = self.min_int.min(i);
                    self.max_int = self.max_int.max(i);
                    if self.phone_like {
                        let d = digits.as_bytes();
                        self.phone_like =
                            d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
                    }
                }
                Some(Num::Float(_)) => {
                    self.int_ok = false;
                    self.phone_like = false;
                }
                None => {
                    self.int_ok = false;
                    self.float_ok = false;
                    self.phone_like = false;
                    if self.first_text.is_none() {
                        self.first_text = Some((line, v.to_string()));
                    }
                }
            }
            // A value over i64 reads as text above; more than 15 digits is an identifier anyway.
        }
        if self.integral_ok {
            if integral_text(v) {
                self.saw_fraction_zero |= v.contains('.');
            } else {
                self.integral_ok = false;
            }
        }
        if self.bool_ok && parse_bool(v).is_none() {
            self.bool_ok = false;
        }
        if self.date_mask != 0 {
            let (ok, parsed) = temporal::parse_any(v, self.date_mask);
            self.date_mask &= ok;
            if let Some(p) = parsed {
                self.has_time |= p.has_time;
            }
        }
    }

    /// Combines what two scans of the same column saw (files imported together).
    pub fn merge(&mut self, o: &ColumnStats) {
        self.non_null += o.non_null;
        self.nulls += o.nulls;
        self.null_tokens += o.null_tokens;
        self.placeholders += o.placeholders;
        self.protected |= o.protected;
        self.int_ok &= o.int_ok;
        self.float_ok &= o.float_ok;
        self.bool_ok &= o.bool_ok;
        self.integral_ok &= o.integral_ok;
        self.saw_fraction_zero |= o.saw_fraction_zero;
        self.leading_zero |= o.leading_zero;
        self.max_int_digits = self.max_int_digits.max(o.max_int_digits);
        self.min_int = self.min_int.min(o.min_int);
        self.max_int = self.max_int.max(o.max_int);
        self.phone_like &= o.phone_like;
        self.date_mask &= o.date_mask;
        self.has_time |= o.has_time;
        if self.first_text.is_none() {
            self.first_text = o.first_text.clone();
        }
        for s in &o.sample {
            if self.sample.len() < 32 && !self.sample.contains(s) {
                self.sample.push(s.clone());
            }
        }
    }

    /// Decides how to store the column.
    pub fn plan(&self, hints: Hints) -> Plan {
        let note = |s: String| Some(s);
        if self.non_null == 0 {
            return Plan {
                conv: Conversion::Text,
                ty: ColumnType::Text,
                note: None,
            };
        }
        let numeric_temporal_ok = hints.timey_name || hints.role == Some(Role::Timestamp);
        let role_is_id = hints.role.is_some_and(Role::is_identifier);

        if role_is_id {
            if self.integral_ok && self.saw_fraction_zero && !self.leading_zero {
                return Plan {
                    conv: Conversion::IdText,
                    ty: ColumnType::Text,
                    note: note("identifiers written as 123.0 stored as 123".into()),
                };
            }
            return Plan::text();
        }
        let money = matches!(
            hints.role,
            Some(Role::Amount | Role::UnitPrice | Role::Quantity)
        );
        if self.protected && self.int_ok && !money {
            return Plan::text_because(
                "the export marks the values as text (a leading tab or =\"…\"); they are identifiers",
            );
        }

        // Dates and times.
        let text_mask = self.date_mask & DateFormat::TEXT_MASK;
        let num_mask = self.date_mask & DateFormat::NUMERIC_MASK;
        let mask = if text_mask != 0 {
            text_mask
        } else if numeric_temporal_ok {
            num_mask
        } else {
            0
        };
        if let Some(fmt) = temporal::pick(mask) {
            let ty = if self.has_time {
                ColumnType::Datetime
            } else {
                ColumnType::Date
            };
            let ambiguous = mask & DateFormat::Mdy.bit() != 0 && mask & DateFormat::Dmy.bit() != 0;
            let mut n = format!("read as {}", fmt.describe());
            if ambiguous {
                n.push_str("; every value also reads as day/month/year: month first was assumed");
            }
            return Plan {
                conv: Conversion::Temporal { fmt, ty },
                ty,
                note: Some(n).map(|n| self.with_null_note(n)),
            };
        }
        if numeric_temporal_ok && self.int_ok && self.min_int > 0 {
            for (millis, lo, hi) in [
                (false, 631_152_000i64, 4_102_444_800i64),
                (true, 631_152_000_000, 4_102_444_800_000),
            ] {
                if self.min_int >= lo && self.max_int <= hi {
                    let what = if millis { "milliseconds" } else { "seconds" };
                    return Plan {
                        conv: Conversion::Unix { millis },
                        ty: ColumnType::Datetime,
                        note: Some(self.with_null_note(format!("read as unix {what} (UTC)"))),
                    };
                }
            }
        }

        // Numbers.
        if self.int_ok {
            if self.leading_zero {
                return Plan::text_because("values with leading zeros are identifiers");
            }
            if self.max_int_digits > 15 {
                return Plan::text_because("numbers of more than 15 digits are identifiers");
            }
            if self.phone_like {
                return Plan::text_because("the values are phone numbers");
            }
            let money = matches!(hints.role, Some(Role::Amount | Role::UnitPrice));
            let (conv, ty) = if money {
                (Conversion::Float, ColumnType::Float)
            } else {
                (Conversion::Integer, ColumnType::Integer)
            };
            return Plan {
                conv,
                ty,
                note: self.null_note(),
            };
        }
        if self.float_ok {
            return Plan {
                conv: Conversion::Float,
                ty: ColumnType::Float,
                note: self.null_note(),
            };
        }
        if self.bool_ok {
            return Plan {
                conv: Conversion::Boolean,
                ty: ColumnType::Boolean,
                note: self.null_note(),
            };
        }
        Plan::text()
    }

    fn null_note(&self) -> Option<String> {
        (self.null_tokens > 0).then(|| {
            format!(
                "{} value(s) written as NULL/NA/N/A read as empty",
                self.null_tokens
            )
        })
    }

    fn with_null_note(&self, n: String) -> String {
        match self.null_note() {
            Some(x) => format!("{n}; {x}"),
            None => n,
        }
    }

    /// Nulls as stored: empty cells, plus NULL-like tokens in a column that is not text.
    pub fn stored_nulls(&self, ty: ColumnType) -> u64 {
        if ty == ColumnType::Text {
            self.nulls
        } else {
            self.nulls + self.null_tokens
        }
    }
}

/// How one column's values are converted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Conversion {
    Text,
    /// Text, with integral values written `17850.0` stored as `17850`.
    IdText,
    Integer,
    Float,
    Boolean,
    Temporal {
        fmt: DateFormat,
        ty: ColumnType,
    },
    Unix {
        millis: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub conv: Conversion,
    pub ty: ColumnType,
    pub note: Option<String>,
}

impl Plan {
    fn text() -> Plan {
        Plan {
            conv: Conversion::Text,
            ty: ColumnType::Text,
            note: None,
        }
    }
    fn text_because(why: &str) -> Plan {
        Plan {
            conv: Conversion::Text,
            ty: ColumnType::Text,
            note: Some(format!("kept as text: {why}")),
        }
    }

    /// Plans a column to the type a platform preset gives it.
    pub fn preset(ty: ColumnType, stats: &ColumnStats) -> Plan {
        Plan {
            note: Some("type set by the platform preset".into()),
            ..Plan::forced(ty, stats)
        }
    }

    /// Plans a column to the type the user asked for.
    pub fn forced(ty: ColumnType, stats: &ColumnStats) -> Plan {
        let conv = match ty {
            ColumnType::Text => Conversion::Text,
            ColumnType::Integer => Conversion::Integer,
            ColumnType::Float => Conversion::Float,
            ColumnType::Boolean => Conversion::Boolean,
            ColumnType::Date | ColumnType::Datetime => Conversion::Temporal {
                fmt: temporal::pick(stats.date_mask).unwrap_or(DateFormat::Iso),
                ty,
            },
        };
        Plan {
            conv,
            ty,
            note: Some("type set by the user".into()),
        }
    }
}

/// A converted value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    /// A value written to the scratch buffer (a normalised date).
    Owned,
}

/// A value the plan cannot read: the caller keeps it as written and reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

/// Converts one raw value.
pub fn convert<'a>(
    raw: &'a str,
    conv: Conversion,
    scratch: &mut String,
) -> Result<Value<'a>, Unreadable> {
    if quirks::is_blank(raw) || quirks::is_placeholder(raw) {
        return Ok(Value::Null);
    }
    let cleaned = quirks::clean(raw);
    let v = quirks::trim(&cleaned);
    match conv {
        Conversion::Text | Conversion::IdText => {
            let id = conv == Conversion::IdText;
            Ok(match &cleaned {
                Cow::Borrowed(c) => Value::Text(if id {
                    strip_zero_fraction(quirks::trim(c))
                } else {
                    c
                }),
                Cow::Owned(c) => {
                    scratch.clear();
                    scratch.push_str(if id { strip_zero_fraction(v) } else { c });
                    Value::Owned
                }
            })
        }
        _ if NULL_TOKENS.contains(&v) => Ok(Value::Null),
        Conversion::Integer => match parse_number(v) {
            Some(Num::Int(i)) => Ok(Value::Int(i)),
            _ => Err(Unreadable),
        },
        Conversion::Float => match parse_number(v) {
            Some(Num::Int(i)) => Ok(Value::Real(i as f64)),
            Some(Num::Float(f)) => Ok(Value::Real(f)),
            None => Err(Unreadable),
        },
        Conversion::Boolean => parse_bool(v)
            .map(|b| Value::Int(b as i64))
            .ok_or(Unreadable),
        Conversion::Temporal { fmt, ty } => {
            let p = temporal::parse(v, fmt).ok_or(Unreadable)?;
            scratch.clear();
            if ty == ColumnType::Date {
                temporal::format_date(p.at, scratch);
            } else {
                temporal::format_datetime(p.at, scratch);
            }
            Ok(Value::Owned)
        }
        Conversion::Unix { millis } => {
            let Some(Num::Int(i)) = parse_number(v) else {
                return Err(Unreadable);
            };
            let at = temporal::from_unix(i, millis).ok_or(Unreadable)?;
            scratch.clear();
            temporal::format_datetime(at, scratch);
            Ok(Value::Owned)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(values: &[&str], hints: Hints) -> Plan {
        let mut s = ColumnStats::default();
        for (i, v) in values.iter().enumerate() {
            s.observe(v, i as u64 + 2);
        }
        s.plan(hints)
    }

    fn ty(values: &[&str]) -> ColumnType {
        plan_of(values, Hints::default()).ty
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("-12"), Some(Num::Int(-12)));
        assert_eq!(parse_number("3.50"), Some(Num::Float(3.5)));
        assert_eq!(parse_number("1,234.5"), Some(Num::Float(1234.5)));
        assert_eq!(parse_number("1,234"), Some(Num::Int(1234)));
        assert_eq!(parse_number("¥12.80"), Some(Num::Float(12.8)));
        assert_eq!(parse_number("1e-3"), Some(Num::Float(0.001)));
        assert_eq!(parse_number("12,34"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("85123A"), None);
        assert_eq!(parse_number("99999999999999999999"), None);
    }

    #[test]
    fn inferred_types() {
        assert_eq!(ty(&["6", "-1", "12"]), ColumnType::Integer);
        assert_eq!(ty(&["2.55", "3", ""]), ColumnType::Float);
        assert_eq!(ty(&["true", "FALSE", "yes"]), ColumnType::Boolean);
        assert_eq!(ty(&["是", "否"]), ColumnType::Boolean);
        assert_eq!(ty(&["2010-12-01", "2011-01-02"]), ColumnType::Date);
        assert_eq!(
            ty(&["12/1/2010 8:26", "12/9/2011 12:50"]),
            ColumnType::Datetime
        );
        assert_eq!(ty(&["536365", "C536379"]), ColumnType::Text);
        assert_eq!(ty(&["0012", "0345"]), ColumnType::Text);
        assert_eq!(ty(&["110101199003074578"]), ColumnType::Text);
        assert_eq!(ty(&["13812345678", "15900001111"]), ColumnType::Text);
        // 8-digit numbers are numbers unless the column holds times.
        assert_eq!(ty(&["20101201", "20101202"]), ColumnType::Integer);
        let timey = Hints {
            timey_name: true,
            ..Hints::default()
        };
        assert_eq!(
            plan_of(&["20101201", "20101202"], timey).ty,
            ColumnType::Date
        );
        assert_eq!(
            plan_of(&["1291191960", "1291191999"], timey).conv,
            Conversion::Unix { millis: false }
        );
        assert_eq!(
            plan_of(&["1291191960000"], timey).conv,
            Conversion::Unix { millis: true }
        );
    }

    #[test]
    fn identifier_roles_stay_text_and_lose_zero_fractions() {
        let id = Hints {
            role: Some(Role::CustomerId),
            ..Hints::default()
        };
        let p = plan_of(&["17850.0", "13047.0", ""], id);
        assert_eq!(p.ty, ColumnType::Text);
        assert_eq!(p.conv, Conversion::IdText);
        let mut scratch = String::new();
        assert_eq!(
            convert("17850.0", p.conv, &mut scratch),
            Ok(Value::Text("17850"))
        );
        // Mixed with real fractions: kept as written.
        assert_eq!(plan_of(&["1.5", "2.0"], id).conv, Conversion::Text);
        assert_eq!(plan_of(&["123", "456"], id).ty, ColumnType::Text);
    }

    #[test]
    fn a_stray_value_keeps_the_column_text() {
        let p = plan_of(&["1", "2", "three"], Hints::default());
        assert_eq!(p.ty, ColumnType::Text);
        let mut s = ColumnStats::default();
        s.observe("1", 2);
        s.observe("x", 3);
        assert_eq!(s.first_text, Some((3, "x".to_string())));
    }

    #[test]
    fn null_tokens_in_numeric_columns() {
        let p = plan_of(&["1", "NULL", "", "3"], Hints::default());
        assert_eq!(p.ty, ColumnType::Integer);
        assert!(p.note.unwrap().contains("1 value"));
        let mut scratch = String::new();
        assert_eq!(convert("NULL", p.conv, &mut scratch), Ok(Value::Null));
        // In text they stay.
        assert_eq!(
            convert("NULL", Conversion::Text, &mut scratch),
            Ok(Value::Text("NULL"))
        );
    }

    #[test]
    fn conversion_of_dates() {
        let p = plan_of(&["12/1/2010 8:26"], Hints::default());
        let mut scratch = String::new();
        assert_eq!(
            convert("12/1/2010 8:26", p.conv, &mut scratch),
            Ok(Value::Owned)
        );
        assert_eq!(scratch, "2010-12-01 08:26:00");
        assert!(p.note.unwrap().contains("month first"));
        assert_eq!(convert("not a date", p.conv, &mut scratch), Err(Unreadable));
    }

    #[test]
    fn amounts_are_floats_even_when_whole() {
        let money = Hints {
            role: Some(Role::Amount),
            ..Hints::default()
        };
        assert_eq!(plan_of(&["100", "250"], money).ty, ColumnType::Float);
    }
}
