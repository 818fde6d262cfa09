//! Quirks of shop-platform exports, handled by every import (not only by presets):
//!
//! - **tab-prefixed values** (`\t3701234567890123456`): platforms put a tab before ids so that
//!   Excel keeps them as text; the tab is removed and a column of such numbers stays text;
//! - **Excel-protected values** (`="0123"`, `'0123`): the formula wrapper or the apostrophe is
//!   removed, the column stays text;
//! - **full-width digits** (`０１２３`, `１，２３４．５０`): read as ASCII digits;
//! - **currency amounts** (`¥1,234.50`, `￥12`, `RMB 99`, `12.80元`): read as decimal numbers
//!   (see [`super::infer::parse_number`]);
//! - **encrypted placeholders** (`##3f9a…`, `$$Xk2…`, `***`): the platform withheld the value;
//!   it is read as missing and counted in the import report;
//! - **masked values** (`138****1234`, `a***@qq.com`, `张**`): kept as written (they still tell a
//!   region or a surname, as Loupe's own masks do), counted in the import report, and never
//!   serve as an identity key ([`crate::identity`]).

use std::borrow::Cow;

/// `s` without surrounding whitespace, as `str::trim`, answering at once for the common value
/// that starts and ends with a visible ASCII character (import looks at every cell).
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Whether `s` is empty or only whitespace.
pub fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(f) if f.is_ascii_graphic() => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// Whether `raw` is a placeholder for withheld personal data: `##…` or `$$…` (an encrypted
/// value, without spaces) or only asterisks (`***`).
pub fn is_placeholder(raw: &str) -> bool {
    // Most values start with neither `#`, `$` nor `*`: say so without trimming (import checks
    // every cell).
    match raw.as_bytes().first() {
        Some(b'#' | b'$' | b'*' | b' ' | b'\t') => {}
        _ => return false,
    }
    let v = raw.trim();
    let b = v.as_bytes();
    if b.len() < 2 {
        return false;
    }
    if b.iter().all(|&c| c == b'*') {
        return true;
    }
    (b.starts_with(b"##") || b.starts_with(b"$$")) && !v.chars().any(char::is_whitespace)
}

/// Whether `raw` is a masked value: without spaces, it hides a run of two or more characters
/// behind asterisks and shows the rest (`138****1234`, `张**`, `a***@qq.com`).
pub fn is_masked(raw: &str) -> bool {
    if memchr::memchr(b'*', raw.as_bytes()).is_none() {
        return false;
    }
    let v = raw.trim();
    let b = v.as_bytes();
    b.len() >= 3
        && memchr::memchr(b'*', b).is_some()
        && !b.iter().all(|&c| c == b'*')
        && b.windows(2).any(|w| w == b"**")
        && !v.chars().any(char::is_whitespace)
}

/// Whether `raw` carries a text marker of a platform export: a leading tab, `="…"` or an
/// apostrophe before digits (`'13812345678`).
pub fn is_protected(raw: &str) -> bool {
    let b = raw.as_bytes();
    if !matches!(b.first(), Some(b'\t' | b' ' | b'=' | b'\'')) {
        return false;
    }
    b.first() == Some(&b'\t')
        || excel_text(raw.trim()).is_some()
        || apostrophe(raw.trim()).is_some()
}

/// The digits after an apostrophe that keeps them text in Excel (`'0123`, `'+8613812345678`).
fn apostrophe(v: &str) -> Option<&str> {
    let rest = v.strip_prefix('\'')?;
    let digits = rest.strip_prefix('+').unwrap_or(rest);
    (!digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())).then_some(rest)
}

/// The inside of an Excel text formula `="…"`.
fn excel_text(v: &str) -> Option<&str> {
    v.strip_prefix("=\"")?.strip_suffix('"')
}

/// Whether `c` is a full-width digit or number sign that [`clean`] turns into ASCII.
fn is_full_width_numeric(c: char) -> bool {
    matches!(c, '０'..='９')
}

/// The value with the quirks removed: trimmed of a leading tab, unwrapped from `="…"`, with
/// full-width digits (and the full-width `．，－＋` among them) in ASCII. A value without any
/// quirk is returned as it is (borrowed, untrimmed).
pub fn clean(raw: &str) -> Cow<'_, str> {
    let b = raw.as_bytes();
    // The common case, checked without trimming: plain ASCII that starts with no marker.
    if raw.is_ascii() && !matches!(b.first(), Some(b'\t' | b' ' | b'=' | b'\'')) {
        return Cow::Borrowed(raw);
    }
    let tabbed = b.first() == Some(&b'\t');
    let trimmed = raw.trim();
    let excel = excel_text(trimmed).or_else(|| apostrophe(trimmed));
    let wide = !raw.is_ascii() && raw.chars().any(is_full_width_numeric);
    if !tabbed && excel.is_none() && !wide {
        return Cow::Borrowed(raw);
    }
    let inner = excel.unwrap_or(trimmed).trim();
    if !wide {
        return Cow::Borrowed(inner);
    }
    Cow::Owned(
        inner
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' => '.',
                '，' => ',',
                '－' => '-',
                '＋' => '+',
                _ => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_trim_agrees_with_str_trim() {
        for v in [
            "",
            " ",
            "\t",
            "a",
            " a",
            "a ",
            "\ta\t",
            "12.5",
            "\u{3000}订单\u{3000}",
            "订单",
            "\u{a0}5",
            "5\u{a0}",
            "a b",
            "\u{3000}",
            " \u{3000} ",
            "x\n",
        ] {
            assert_eq!(trim(v), v.trim(), "{v:?}");
            assert_eq!(is_blank(v), v.trim().is_empty(), "{v:?}");
        }
    }

    #[test]
    fn placeholders() {
        for p in ["##3f9ae2", "$$Xk2pq", "***", "**", " ##x "] {
            assert!(is_placeholder(p), "{p}");
            assert!(!is_masked(p), "{p}");
        }
        for m in ["138****1234", "张**", "a***@qq.com"] {
            assert!(is_masked(m), "{m}");
            assert!(!is_placeholder(m), "{m}");
        }
        for v in [
            "",
            "*",
            "#1",
            "a*b",
            "13812341234",
            "张三",
            "Special **sale**",
            "3 * 4",
            "$12",
            "## heading",
        ] {
            assert!(!is_placeholder(v), "{v}");
            assert!(!is_masked(v), "{v}");
        }
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean("\t3701234567890123456"), "3701234567890123456");
        assert_eq!(clean("=\"0123\""), "0123");
        assert_eq!(clean(" =\"0123\" "), "0123");
        assert_eq!(clean("'13812345678"), "13812345678");
        assert_eq!(clean("'abc"), "'abc");
        assert_eq!(clean("０１２３"), "0123");
        assert_eq!(clean("￥１，２３４．５０"), "￥1,234.50");
        assert_eq!(clean(" plain "), " plain ");
        assert!(matches!(clean("中文"), Cow::Borrowed(_)));
        assert!(is_protected("\t123"));
        assert!(is_protected("=\"0123\""));
        assert!(!is_protected("123"));
    }
}
