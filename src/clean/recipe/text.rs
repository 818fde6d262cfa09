//! Value-level rules of the cleaning steps: phone numbers, emails, title case, yes/no, numbers
//! written with separators, dates in a given format.

use crate::import::temporal::{self, DateFormat};
use chrono::{NaiveDate, NaiveDateTime};

/// A phone number in E.164 form (`+8613812345678`), or `None` when it is not a phone number.
///
/// Spaces, dashes, dots and brackets are ignored; `00` and `+` start an international number;
/// a national number (a leading trunk `0` is dropped) gets `country_code`. The result has 8 to 15
/// digits. Chinese mobile numbers (country code 86) must have 11 digits starting with 1, or be
/// landlines with an area code.
pub fn standardize_phone(raw: &str, country_code: &str) -> Option<String> {
    let s = raw.trim();
    // Cut an extension ("ext. 12", "x12", "转12").
    let s = ["ext", "x", "#", "转"]
        .iter()
        .filter_map(|m| s.to_lowercase().find(m).map(|i| (i, m)))
        .filter(|(i, _)| *i > 0)
        .map(|(i, _)| i)
        .min()
        .map_or(s, |i| s.get(..i).unwrap_or(s));
    let international = s.starts_with('+') || s.starts_with('＋');
    let mut digits = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c),
            // Full-width digits, as typed with a Chinese input method.
            '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            ' ' | '-' | '.' | '(' | ')' | '/' | '+' | '＋' | '（' | '）' | '\u{3000}' => {}
            _ => return None,
        }
    }
    let cc: String = country_code.chars().filter(char::is_ascii_digit).collect();
    let full = if international {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if digits.starts_with(&cc) && digits.len() > cc.len() + 9 {
        // Already has the country code, written without '+'.
        digits
    } else {
        let national = digits.strip_prefix('0').unwrap_or(&digits);
        format!("{cc}{national}")
    };
    if !(8..=15).contains(&full.len()) {
        return None;
    }
    if let Some(national) = full.strip_prefix("86") {
        let mobile = national.len() == 11 && national.starts_with('1');
        // Landlines: an area code (10 is Beijing; mobiles start 13–19) and the number.
        let landline = (9..=11).contains(&national.len())
            && (national.starts_with("10") || !national.starts_with('1'));
        if !mobile && !landline {
            return None;
        }
    }
    Some(format!("+{full}"))
}

/// An email trimmed and lower-cased, or `None` when it is not an email address.
pub fn standardize_email(raw: &str) -> Option<String> {
    let s = raw.trim().replace('＠', "@").replace('。', ".");
    let s = s
        .strip_prefix("mailto:")
        .unwrap_or(&s)
        .trim_matches(|c| c == '<' || c == '>')
        .to_lowercase();
    let (local, domain) = s.split_once('@')?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';');
    ok.then_some(s)
}

/// `hello wORLD` → `Hello World`.
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphanumeric() || c == '\'' {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = true;
        }
    }
    out
}

/// Yes/no in English and Chinese, and 1/0.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" | "是" | "真" | "对" => Some(true),
        "false" | "f" | "no" | "n" | "0" | "否" | "假" | "错" => Some(false),
        _ => None,
    }
}

/// A number written with thousands separators, currency signs or a percent sign
/// (`1,234.50`, `¥12`, `-3 %` → -0.03).
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let (t, scale) = match t.strip_suffix('%').or_else(|| t.strip_suffix('％')) {
        Some(rest) => (rest, 0.01),
        None => (t, 1.0),
    };
    let cleaned: String = t
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ',' | ' ' | '¥' | '￥' | '$' | '€' | '£' | '元' | '\u{a0}'
            )
        })
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let v: f64 = cleaned.parse().ok()?;
    v.is_finite().then_some(v * scale)
}

/// How a text column's dates are read.
pub enum DateReader {
    /// A chrono format given by the user.
    Format(String),
    /// One of the formats import recognises, chosen as the first that reads every value.
    Known(DateFormat),
    /// No format reads every value: each is read with the first format that reads it.
    Any,
}

impl DateReader {
    /// Chooses how to read these values.
    pub fn for_values<'a>(format: Option<&str>, values: impl Iterator<Item = &'a str>) -> Self {
        if let Some(f) = format {
            return DateReader::Format(f.to_string());
        }
        let mut mask = DateFormat::TEXT_MASK;
        for v in values {
            if v.trim().is_empty() {
                continue;
            }
            let (ok, _) = temporal::parse_any(v, mask);
            if ok == 0 {
                return DateReader::Any;
            }
            mask = ok;
        }
        temporal::pick(mask).map_or(DateReader::Any, DateReader::Known)
    }

    pub fn read(&self, s: &str) -> Option<NaiveDateTime> {
        let s = s.trim();
        match self {
            DateReader::Format(f) => NaiveDateTime::parse_from_str(s, f).ok().or_else(|| {
                NaiveDate::parse_from_str(s, f)
                    .ok()
                    .map(|d| d.and_time(chrono::NaiveTime::MIN))
            }),
            DateReader::Known(f) => temporal::parse(s, *f).map(|p| p.at),
            DateReader::Any => temporal::parse_any(s, DateFormat::TEXT_MASK)
                .1
                .map(|p| p.at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        let p = |s| standardize_phone(s, "86");
        assert_eq!(p("138 1234 5678").as_deref(), Some("+8613812345678"));
        assert_eq!(p("+86 138-1234-5678").as_deref(), Some("+8613812345678"));
        assert_eq!(p("8613812345678").as_deref(), Some("+8613812345678"));
        assert_eq!(p("0086 13812345678").as_deref(), Some("+8613812345678"));
        assert_eq!(p("（010）6552 9988").as_deref(), Some("+861065529988"));
        assert_eq!(
            p("１３８１２３４５６７８").as_deref(),
            Some("+8613812345678")
        );
        assert_eq!(p("+44 20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(p("138 1234 5678 转 12").as_deref(), Some("+8613812345678"));
        assert_eq!(p("12345"), None);
        assert_eq!(p("1381234567"), None); // ten digits: not a Chinese mobile
        assert_eq!(p("call me"), None);
        assert_eq!(
            standardize_phone("(020) 7946 0958", "44").as_deref(),
            Some("+442079460958")
        );
    }

    #[test]
    fn emails() {
        assert_eq!(
            standardize_email(" Li.Lei@Example.COM ").as_deref(),
            Some("li.lei@example.com")
        );
        assert_eq!(
            standardize_email("wang＠qq。com").as_deref(),
            Some("wang@qq.com")
        );
        assert_eq!(
            standardize_email("mailto:<a@b.cn>").as_deref(),
            Some("a@b.cn")
        );
        for bad in [
            "a@b",
            "@b.com",
            "a b@c.com",
            "a@b@c.com",
            "a@.com",
            "a@b..com",
            "",
        ] {
            assert_eq!(standardize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn words_numbers_and_dates() {
        assert_eq!(
            title_case("hello wORLD o'neil-smith"),
            "Hello World O'neil-Smith"
        );
        assert_eq!(parse_bool(" Yes "), Some(true));
        assert_eq!(parse_bool("否"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_number("1,234.50"), Some(1234.5));
        assert_eq!(parse_number("¥12"), Some(12.0));
        assert_eq!(parse_number("-3 %"), Some(-0.03));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
        let r = DateReader::for_values(None, ["1/12/2010", "25/12/2010"].into_iter());
        assert!(matches!(r, DateReader::Known(DateFormat::Dmy)));
        assert_eq!(
            r.read("1/12/2010").map(|d| d.date().to_string()).as_deref(),
            Some("2010-12-01")
        );
        let f = DateReader::for_values(Some("%d.%m.%Y %H:%M"), std::iter::empty());
        assert_eq!(
            f.read("05.01.2011 08:26").map(|d| d.to_string()).as_deref(),
            Some("2011-01-05 08:26:00")
        );
        assert_eq!(f.read("2011-01-05"), None);
    }
}
