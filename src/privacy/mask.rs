//! Masks that keep a value recognisable to the person it belongs to, and little more.
//!
//! - phone: the first three and last four digits stay (`13812341234` → `138****1234`); shorter
//!   numbers keep their last two digits;
//! - e-mail: the first character of the local part and the whole domain (`alice@x.com` →
//!   `a***@x.com`);
//! - name: the first character (`张三丰` → `张**`, `Alice Smith` → `A**********`);
//! - resident ID number: the six digits of the region, the rest as `*`
//!   (`11010519491231002X` → `110105************`);
//! - bank card: the six digits of the issuer and the last four (`6212 3456 7890 1232` →
//!   `621234******1232`);
//! - address: the administrative units before the street (`北京市朝阳区建国路88号` →
//!   `北京市朝阳区****`), or for a Latin-letter address its last comma-separated part (the town);
//! - IP address: the network part (`203.0.113.7` → `203.0.*.*`, IPv6 the first three groups);
//! - any other value: the first character, the rest as `*`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How a column is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Masking {
    Phone,
    Email,
    Name,
}

impl Masking {
    /// The masking a value looks like it needs: e-mail with an `@`, phone when it is mostly
    /// digits (seven or more), else name.
    pub fn guess(value: &str) -> Masking {
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let others = value
            .chars()
            .filter(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '-' | '+' | '(' | ')' | '.'))
            .count();
        if value.contains('@') {
            Masking::Email
        } else if digits >= 7 && others == 0 {
            Masking::Phone
        } else {
            Masking::Name
        }
    }
}

pub fn mask_phone(v: &str) -> String {
    let digits: Vec<char> = v.chars().filter(char::is_ascii_digit).collect();
    let n = digits.len();
    if n >= 8 {
        let head: String = digits[..3].iter().collect();
        let tail: String = digits[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - 7))
    } else if n > 2 {
        format!(
            "{}{}",
            "*".repeat(n - 2),
            digits[n - 2..].iter().collect::<String>()
        )
    } else {
        "*".repeat(n.max(1))
    }
}

pub fn mask_email(v: &str) -> String {
    match v.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => mask_name(v),
    }
}

pub fn mask_name(v: &str) -> String {
    let mut chars = v.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
}

/// Masks a resident ID number: its region code (the first six digits) stays.
pub fn mask_id_number(v: &str) -> String {
    let v = v.trim();
    let head: String = v.chars().take(6).collect();
    format!("{head}{}", "*".repeat(v.chars().count().saturating_sub(6)))
}

/// Masks a bank card number: the issuer (first six digits) and the last four stay.
pub fn mask_bank_card(v: &str) -> String {
    let d: String = v.chars().filter(char::is_ascii_digit).collect();
    if d.len() < 11 {
        return mask_name(v);
    }
    format!(
        "{}{}{}",
        &d[..6],
        "*".repeat(d.len() - 10),
        &d[d.len() - 4..]
    )
}

/// Masks a postal address down to its region: the administrative units (省/市/区/县/州/…) before
/// the first street-level part; a Latin-letter address keeps its last comma-separated part.
pub fn mask_address(v: &str) -> String {
    let v = v.trim();
    const ADMIN: [char; 7] = ['省', '市', '区', '县', '州', '旗', '盟'];
    const STREET: [char; 12] = [
        '路', '街', '巷', '弄', '号', '村', '镇', '乡', '楼', '室', '栋', '幢',
    ];
    let mut keep = 0;
    for (i, c) in v.char_indices() {
        if STREET.contains(&c) {
            break;
        }
        if ADMIN.contains(&c) {
            keep = i + c.len_utf8();
        }
    }
    if keep > 0 {
        return format!("{}****", &v[..keep]);
    }
    match v.rsplit_once(',') {
        Some((_, town)) if !town.trim().is_empty() => format!("****, {}", town.trim()),
        _ => mask_name(v),
    }
}

/// Masks an IP address to its network: IPv4 the first two numbers, IPv6 the first three groups.
pub fn mask_ip(v: &str) -> String {
    let v = v.trim();
    if let Ok(a) = v.parse::<std::net::Ipv4Addr>() {
        let o = a.octets();
        return format!("{}.{}.*.*", o[0], o[1]);
    }
    if let Ok(a) = v.parse::<std::net::Ipv6Addr>() {
        let s = a.segments();
        return format!("{:x}:{:x}:{:x}:*", s[0], s[1], s[2]);
    }
    mask_name(v)
}

/// Masks `v` as `how`, or as it looks ([`Masking::guess`]) when `how` is `None`.
pub fn mask_value(v: &str, how: Option<Masking>) -> String {
    match how.unwrap_or_else(|| Masking::guess(v)) {
        Masking::Phone => mask_phone(v),
        Masking::Email => mask_email(v),
        Masking::Name => mask_name(v),
    }
}

/// Lower-case hex SHA-256 of `salt` followed by the trimmed id. With an empty salt this is the
/// plain SHA-256 that ad platforms match on (normalise e-mails and phones before).
pub fn hash_id(id: &str, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(id.trim().as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("+86 138-1234-1234"), "861******1234");
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_email("alice@x.com"), "a***@x.com");
        assert_eq!(mask_email("张三@例子.cn"), "张***@例子.cn");
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name(" Al "), "A*");
        assert_eq!(mask_name(""), "");
        assert_eq!(Masking::guess("138 1234 1234"), Masking::Phone);
        assert_eq!(Masking::guess("a@b.c"), Masking::Email);
        assert_eq!(Masking::guess("李雷"), Masking::Name);
        assert_eq!(mask_value("13812341234", None), "138****1234");
    }

    #[test]
    fn masks_of_other_kinds() {
        assert_eq!(mask_id_number("11010519491231002X"), "110105************");
        assert_eq!(mask_bank_card("6212 3456 7890 1232"), "621234******1232");
        assert_eq!(mask_bank_card("4111111111111111"), "411111******1111");
        assert_eq!(mask_address("北京市朝阳区建国路88号"), "北京市朝阳区****");
        assert_eq!(
            mask_address("广东省深圳市南山区科技园"),
            "广东省深圳市南山区****"
        );
        assert_eq!(mask_address("12 Baker Street, London"), "****, London");
        assert_eq!(mask_address("12 Baker Street"), "1**************");
        assert_eq!(mask_ip("203.0.113.7"), "203.0.*.*");
        assert_eq!(mask_ip("2001:db8:85a3::8a2e:370:7334"), "2001:db8:85a3:*");
        assert_eq!(mask_ip("not an ip"), "n********");
    }

    #[test]
    fn hashes() {
        // sha256("abc"), the FIPS 180-2 example.
        assert_eq!(
            hash_id("abc", ""),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hash_id("bc", "a"), hash_id("abc", ""));
        assert_ne!(hash_id("abc", "salt"), hash_id("abc", ""));
    }
}
