//! What one value looks like: a phone number, an e-mail address, a Chinese resident ID number, a
//! bank card number, an IP address, a person's name or a postal address.
//!
//! Each test is strict on its own (checksums where the number has one) because a column is
//! flagged from the share of its values that pass, see [`super::detect`].

use std::net::{Ipv4Addr, Ipv6Addr};

/// Separators people write inside numbers: spaces, hyphens, dots, brackets.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{3000}')
}

/// The digits of `v` when it holds only digits and separators (and an optional leading `+`).
fn digits_only(v: &str) -> Option<(bool, String)> {
    let v = v.trim();
    let (plus, rest) = match v.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, v),
    };
    let mut out = String::with_capacity(rest.len());
    for c in rest.chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !is_separator(c) {
            return None;
        }
    }
    (!out.is_empty()).then_some((plus, out))
}

/// The 11 digits of a Chinese mobile number (`1[3-9]` and nine digits), with an optional
/// `+86`, `0086` or `86` in front and separators anywhere: `+86 138-1234-5678` → `13812345678`.
pub fn chinese_mobile(v: &str) -> Option<String> {
    let (plus, d) = digits_only(v)?;
    let national = if d.len() == 11 && !plus {
        d.as_str()
    } else if let Some(r) = d.strip_prefix("0086").filter(|r| r.len() == 11 && !plus) {
        r
    } else {
        d.strip_prefix("86").filter(|r| r.len() == 11)?
    };
    let b = national.as_bytes();
    (b[0] == b'1' && (b'3'..=b'9').contains(&b[1])).then(|| national.to_string())
}

/// A phone number: a Chinese mobile, an international number (`+` and 8–15 digits), a Chinese
/// landline with its area code (`010-12345678`, `0755 1234567`) or a number written in groups
/// (`(555) 123-4567`). A bare run of digits that is not a Chinese mobile is not taken for a phone
/// (it is as likely an order number) unless `loose` (the column's name says phone): then 7–15
/// digits do.
pub fn is_phone(v: &str, loose: bool) -> bool {
    if chinese_mobile(v).is_some() {
        return true;
    }
    let Some((plus, d)) = digits_only(v) else {
        return false;
    };
    let grouped = v.trim().chars().any(is_separator);
    if plus {
        return (8..=15).contains(&d.len());
    }
    if loose {
        return (7..=15).contains(&d.len());
    }
    if !grouped {
        return false;
    }
    // Chinese landline: area code 0 + 2–3 digits, then 7–8 digits.
    let groups: Vec<&str> = v
        .trim()
        .split(is_separator)
        .filter(|g| !g.is_empty())
        .collect();
    if groups.len() >= 2 && groups[0].starts_with('0') && (3..=4).contains(&groups[0].len()) {
        let rest: usize = groups[1..].iter().map(|g| g.len()).sum();
        return (7..=8).contains(&rest);
    }
    // Numbers written in groups of 2–4 digits, 10–12 in all (North American and European style).
    (10..=12).contains(&d.len()) && groups.len() >= 3 && groups.iter().all(|g| g.len() <= 4)
}

/// An e-mail address: `local@domain.tld`, the domain of dot-separated labels (letters, digits and
/// hyphens, any script), the last one of two or more letters.
pub fn is_email(v: &str) -> bool {
    let v = v.trim();
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-'".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic));
    local_ok && domain_ok
}

/// The check character of the first 17 digits of a resident ID number (GB 11643, ISO 7064
/// MOD 11-2): the weights are 2^(17-i) mod 11.
pub fn resident_id_check(first17: &[u8]) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize])
}

/// Province-level codes that begin a resident ID number.
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// A Chinese resident ID number: 18 characters, 17 digits and a check character (a digit or
/// `X`) that matches, a province code that exists and a birth date that is a real day from 1900
/// up to today.
pub fn is_resident_id(v: &str) -> bool {
    let v = v.trim();
    let b = v.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let Some(check) = resident_id_check(&b[..17]) else {
        return false;
    };
    if char::from(b[17]).to_ascii_uppercase() != check {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> u32 {
        b[r].iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    if !PROVINCES.contains(&(num(0..2) as u8)) {
        return false;
    }
    let (y, m, d) = (num(6..10) as i32, num(10..12), num(12..14));
    let Some(birth) = chrono::NaiveDate::from_ymd_opt(y, m, d) else {
        return false;
    };
    y >= 1900 && birth <= chrono::Local::now().date_naive()
}

/// The Luhn (mod 10) check of a string of digits.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether the first digits are those of a card network: UnionPay (62, and 60/9558 of Chinese
/// banks' older cards), Visa (4), Mastercard (51–55, 2221–2720), American Express (34, 37), JCB
/// (35), Discover (6011, 644–649, 65), Diners (300–305, 36, 38).
fn known_iin(d: &str) -> bool {
    let n = |k: usize| d.get(..k).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    matches!(n(2), 62 | 60 | 51..=55 | 34 | 37 | 35 | 65 | 36 | 38)
        || d.starts_with('4')
        || (2221..=2720).contains(&n(4))
        || n(4) == 6011
        || n(4) == 9558
        || (644..=649).contains(&n(3))
        || (300..=305).contains(&n(3))
}

/// A bank card number: 13–19 digits (spaces or hyphens allowed), the Luhn check passes and the
/// first digits are a known card network's.
pub fn is_bank_card(v: &str) -> bool {
    let Some((false, d)) = digits_only(v) else {
        return false;
    };
    if v.contains(['.', '(', ')']) {
        return false;
    }
    (13..=19).contains(&d.len()) && known_iin(&d) && luhn_valid(&d)
}

/// An IPv4 (dotted quad) or IPv6 address.
pub fn is_ip(v: &str) -> bool {
    let v = v.trim();
    v.parse::<Ipv4Addr>().is_ok() || (v.contains(':') && v.parse::<Ipv6Addr>().is_ok())
}

/// The most common Chinese surnames (covering well over 90 % of people), single-character.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";

/// Two-character surnames.
const COMPOUND_SURNAMES: [&str; 20] = [
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门",
];

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF)
}

/// A Chinese personal name: 2–4 Han characters beginning with a common surname (one or two
/// characters), or a name of an ethnic minority written with a middle dot (`买买提·艾力`).
pub fn is_chinese_name(v: &str) -> bool {
    let v = v.trim();
    if v.contains(['·', '•']) {
        let parts: Vec<&str> = v.split(['·', '•']).collect();
        return parts.len() >= 2
            && parts
                .iter()
                .all(|p| (1..=6).contains(&p.chars().count()) && p.chars().all(is_han));
    }
    let n = v.chars().count();
    if !(2..=4).contains(&n) || !v.chars().all(is_han) {
        return false;
    }
    COMPOUND_SURNAMES.iter().any(|s| v.starts_with(s) && n >= 3)
        || v.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// A name in Latin letters: one to four words, each a capital followed by letters (apostrophes
/// and hyphens allowed: `Mary-Jane O'Brien`); with `single` false, at least two words.
pub fn is_latin_name(v: &str, single: bool) -> bool {
    let words: Vec<&str> = v.split_whitespace().collect();
    let min = if single { 1 } else { 2 };
    (min..=4).contains(&words.len())
        && words.iter().all(|w| {
            let mut cs = w.chars();
            cs.next()
                .is_some_and(|c| c.is_uppercase() && c.is_alphabetic())
                && w.chars().count() >= 2
                && cs.all(|c| c.is_alphabetic() || c == '\'' || c == '-' || c == '.')
        })
}

/// Parts of Chinese addresses: administrative units and street words.
const CN_ADDRESS_PARTS: [&str; 20] = [
    "省", "市", "区", "县", "镇", "乡", "村", "街道", "路", "街", "巷", "弄", "号", "楼", "室",
    "单元", "大道", "小区", "栋", "幢",
];

/// English street words (whole words, any case).
const STREET_WORDS: [&str; 24] = [
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "way",
    "court",
    "ct",
    "place",
    "pl",
    "square",
    "sq",
    "terrace",
    "close",
    "crescent",
    "highway",
    "parkway",
];

/// A postal address: Chinese with at least two of 省/市/区/县/路/号/… (in at least six
/// characters), or a street address in Latin letters with a house number and a street word
/// (`12 Baker Street`, `1600 Pennsylvania Ave NW`).
pub fn is_address(v: &str) -> bool {
    let v = v.trim();
    let chars = v.chars().count();
    let han = v.chars().filter(|c| is_han(*c)).count();
    if han >= 4 {
        let parts = CN_ADDRESS_PARTS.iter().filter(|p| v.contains(*p)).count();
        return chars >= 6 && parts >= 2;
    }
    let words: Vec<String> = v
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    let has_number = words
        .iter()
        .any(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()));
    let has_street = words.iter().any(|w| STREET_WORDS.contains(&w.as_str()));
    words.len() >= 3 && has_number && has_street
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_mobiles() {
        assert_eq!(
            chinese_mobile("13812345678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            chinese_mobile("+86 138-1234-5678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            chinese_mobile("8613812345678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            chinese_mobile("0086 199 1234 5678").as_deref(),
            Some("19912345678")
        );
        // Not mobiles: 12x and 10x prefixes, too short, too long, letters, a landline.
        for v in [
            "12812345678",
            "10012345678",
            "1381234567",
            "138123456789",
            "138I2345678",
            "010-12345678",
            "+1 415 555 2671",
            "",
        ] {
            assert_eq!(chinese_mobile(v), None, "{v}");
        }
    }

    #[test]
    fn phones_that_are_not_mobiles() {
        assert!(is_phone("010-12345678", false), "Beijing landline");
        assert!(is_phone("0755 1234567", false), "Shenzhen landline");
        assert!(is_phone("+1 415 555 2671", false));
        assert!(is_phone("+442071838750", false));
        assert!(is_phone("(415) 555-2671", false));
        // A bare number is an order number as likely as a phone, unless the column says phone.
        assert!(!is_phone("20230101001", false));
        assert!(!is_phone("536365", false));
        assert!(is_phone("4155552671", true));
        assert!(!is_phone("12345", true));
        assert!(!is_phone("2023-01-05", false), "a date");
        assert!(!is_phone("12.50", false));
        assert!(!is_phone("abc", true));
    }

    #[test]
    fn emails() {
        for v in [
            "alice@example.com",
            "a.b+tag@mail.co.uk",
            "张三@例子.中国",
            " x@y.cn ",
        ] {
            assert!(is_email(v), "{v}");
        }
        for v in [
            "alice@",
            "@x.com",
            "alice@x",
            "alice@x.c",
            "a b@x.com",
            "alice@x..com",
            "x@1.23",
        ] {
            assert!(!is_email(v), "{v}");
        }
    }

    #[test]
    fn resident_id_checksums() {
        // The standard's example number (GB 11643-1999): check character X.
        assert_eq!(resident_id_check(b"11010519491231002"), Some('X'));
        assert!(is_resident_id("11010519491231002X"));
        assert!(is_resident_id("11010519491231002x"));
        // Any other number with its computed check character.
        let first = b"44030819990101001";
        let c = resident_id_check(first).unwrap();
        let valid = format!("{}{c}", std::str::from_utf8(first).unwrap());
        assert!(is_resident_id(&valid));
        // Wrong check characters.
        assert!(!is_resident_id("110105194912310021"));
        assert!(!is_resident_id("110105194912310020"));
        let wrong = if c == '0' { '1' } else { '0' };
        assert!(!is_resident_id(&format!(
            "{}{wrong}",
            std::str::from_utf8(first).unwrap()
        )));
        // A right checksum with an impossible date or region.
        for first in [
            &b"11010519491331002"[..],
            b"11010520991231002",
            b"99010519491231002",
        ] {
            let c = resident_id_check(first).unwrap();
            let id = format!("{}{c}", std::str::from_utf8(first).unwrap());
            assert!(!is_resident_id(&id), "{id}");
        }
        assert!(!is_resident_id("11010519491231002"), "17 characters");
        assert!(!is_resident_id("1101051949123100XX"));
    }

    #[test]
    fn luhn_and_cards() {
        assert!(luhn_valid("79927398713"), "the textbook example");
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("7992a398713"));
        assert!(is_bank_card("4111 1111 1111 1111"), "Visa test number");
        assert!(
            is_bank_card("5555-5555-5555-4444"),
            "Mastercard test number"
        );
        assert!(is_bank_card("378282246310005"), "Amex test number");
        assert!(is_bank_card("6212345678901232"), "UnionPay, Luhn-valid");
        assert!(
            !is_bank_card("6212345678901234"),
            "UnionPay prefix, Luhn fails"
        );
        assert!(!is_bank_card("4111111111111112"), "Luhn fails");
        assert!(
            !is_bank_card("1234567812345670"),
            "Luhn passes, no card network starts with 1"
        );
        assert!(!is_bank_card("411111111111"), "12 digits");
        assert!(!is_bank_card("+4111111111111111"));
    }

    #[test]
    fn ips() {
        for v in ["192.168.1.10", "8.8.8.8", "::1", "2001:db8::8a2e:370:7334"] {
            assert!(is_ip(v), "{v}");
        }
        for v in [
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "12:30",
            "2001:db8:::1",
            "abc",
        ] {
            assert!(!is_ip(v), "{v}");
        }
    }

    #[test]
    fn names() {
        for v in ["张三", "李小龙", "欧阳娜娜", "司马相如", "买买提·艾力"] {
            assert!(is_chinese_name(v), "{v}");
        }
        for v in [
            "北京",
            "上海市",
            "手机壳套装组合",
            "张",
            "Z三",
            "abc",
            "玩具",
        ] {
            assert!(!is_chinese_name(v), "{v}");
        }
        assert!(is_latin_name("Alice Smith", false));
        assert!(is_latin_name("Mary-Jane O'Brien", false));
        assert!(!is_latin_name("Alice", false));
        assert!(is_latin_name("Alice", true));
        assert!(!is_latin_name("alice smith", false));
        assert!(!is_latin_name(
            "WHITE HANGING HEART T-LIGHT HOLDER 2",
            false
        ));
    }

    #[test]
    fn addresses() {
        for v in [
            "北京市朝阳区建国路88号",
            "广东省深圳市南山区科技园",
            "上海市浦东新区世纪大道100号5楼",
            "12 Baker Street, London",
            "1600 Pennsylvania Ave NW",
        ] {
            assert!(is_address(v), "{v}");
        }
        for v in [
            "北京市",
            "朝阳区",
            "手机壳套装",
            "Baker Street",
            "12 apples",
            "London",
        ] {
            assert!(!is_address(v), "{v}");
        }
    }
}
