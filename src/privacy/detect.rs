//! Which columns hold personal data, and of what kind.
//!
//! A column is flagged from the share of its non-empty sampled values that pass a kind's test
//! ([`super::patterns`]), never from one value: 80 % by default, 50 % when the column's name says
//! the kind (`手机`, `email`, `收货地址`, …). The kinds are tried from the most specific (resident
//! ID numbers and bank cards, which have checksums) to the least (names). Names are flagged from
//! their values alone only when they look Chinese (2–4 Han characters with a common surname) and
//! are mostly distinct, since product and category names share the shape; Latin-letter names
//! need a name-like column name.

use super::patterns;
use serde::{Deserialize, Serialize};

/// A kind of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    Phone,
    Email,
    /// Chinese resident ID number (居民身份证号码).
    IdNumber,
    BankCard,
    Ip,
    Name,
    Address,
    /// Declared by the user, not detected.
    Other,
}

impl PiiKind {
    pub const ALL: [PiiKind; 8] = [
        PiiKind::Phone,
        PiiKind::Email,
        PiiKind::IdNumber,
        PiiKind::BankCard,
        PiiKind::Ip,
        PiiKind::Name,
        PiiKind::Address,
        PiiKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Phone => "phone",
            PiiKind::Email => "email",
            PiiKind::IdNumber => "id_number",
            PiiKind::BankCard => "bank_card",
            PiiKind::Ip => "ip",
            PiiKind::Name => "name",
            PiiKind::Address => "address",
            PiiKind::Other => "other",
        }
    }
}

impl std::fmt::Display for PiiKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PiiKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        PiiKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown kind of personal data '{s}'"))
    }
}

/// Why a column was flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    pub kind: PiiKind,
    /// Share of the non-empty sampled values that passed the kind's test.
    pub share: f64,
    pub matched: usize,
    pub sampled: usize,
    /// The column's name suggested the kind (the lower threshold applied).
    pub by_name: bool,
}

/// Share of values that must pass without a hint from the column name.
pub const MIN_SHARE: f64 = 0.8;
/// Share of values that must pass when the column name suggests the kind.
pub const HINTED_SHARE: f64 = 0.5;
/// Non-empty values sampled per column.
pub const SAMPLE_VALUES: usize = 1000;

/// Words of column names, lower-case: split at anything that is not a letter or digit and at
/// lower-to-upper case changes (`customerPhone` → customer, phone).
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The kind a column's name suggests.
pub fn name_hint(name: &str) -> Option<PiiKind> {
    let w = words(name);
    let has = |xs: &[&str]| w.iter().any(|x| xs.contains(&x.as_str()));
    let zh = |xs: &[&str]| xs.iter().any(|x| name.contains(x));
    let joined = w.join("");
    if zh(&["身份证", "证件号"]) || joined.contains("idcard") || has(&["identity", "nric", "ssn"])
    {
        return Some(PiiKind::IdNumber);
    }
    if zh(&["银行卡", "卡号", "信用卡"]) || has(&["card", "iban", "pan"]) {
        return Some(PiiKind::BankCard);
    }
    if zh(&["邮箱", "邮件", "电子邮"]) || has(&["email", "mail"]) || joined.contains("email")
    {
        return Some(PiiKind::Email);
    }
    if zh(&["手机", "电话", "联系方式"]) || has(&["phone", "mobile", "tel", "cell", "telephone"])
    {
        return Some(PiiKind::Phone);
    }
    if zh(&["ip地址", "IP地址"]) || has(&["ip", "ipv4", "ipv6"]) {
        return Some(PiiKind::Ip);
    }
    if zh(&["地址", "住址", "街道"]) || has(&["address", "addr", "street"]) {
        return Some(PiiKind::Address);
    }
    let not_a_person = zh(&[
        "商品",
        "产品",
        "公司",
        "店",
        "品名",
        "品牌",
        "类",
        "用户名",
        "昵称",
        "文件",
    ]) || has(&[
        "product", "item", "sku", "company", "shop", "store", "file", "category", "brand",
        "username", "user", "nick", "nickname", "city", "country", "campaign", "channel",
    ]);
    if !not_a_person
        && (zh(&[
            "姓名",
            "名字",
            "联系人",
            "收货人",
            "收件人",
            "持卡人",
            "客户名",
        ]) || has(&[
            "name",
            "fullname",
            "firstname",
            "lastname",
            "surname",
            "forename",
            "contact",
            "recipient",
            "consignee",
        ]))
    {
        return Some(PiiKind::Name);
    }
    None
}

/// Whether `v` passes the test of `kind` (`hinted`: the column's name suggests the kind).
pub fn value_matches(kind: PiiKind, v: &str, hinted: bool) -> bool {
    match kind {
        PiiKind::Phone => patterns::is_phone(v, hinted),
        PiiKind::Email => patterns::is_email(v),
        PiiKind::IdNumber => patterns::is_resident_id(v),
        PiiKind::BankCard => patterns::is_bank_card(v),
        PiiKind::Ip => patterns::is_ip(v),
        PiiKind::Name => {
            patterns::is_chinese_name(v) || (hinted && patterns::is_latin_name(v, true))
        }
        PiiKind::Address => patterns::is_address(v),
        PiiKind::Other => false,
    }
}

/// The kinds in the order they are tried.
const ORDER: [PiiKind; 7] = [
    PiiKind::IdNumber,
    PiiKind::BankCard,
    PiiKind::Email,
    PiiKind::Ip,
    PiiKind::Phone,
    PiiKind::Address,
    PiiKind::Name,
];

/// The kind of personal data of a column named `name` with these sampled values, if any.
pub fn detect_column<S: AsRef<str>>(name: &str, values: &[S]) -> Option<Detection> {
    let vals: Vec<&str> = values
        .iter()
        .map(|v| v.as_ref().trim())
        .filter(|v| !v.is_empty())
        .take(SAMPLE_VALUES)
        .collect();
    let n = vals.len();
    if n == 0 {
        return None;
    }
    let hint = name_hint(name);
    for kind in ORDER {
        let hinted = hint == Some(kind);
        let matched = vals
            .iter()
            .filter(|v| value_matches(kind, v, hinted))
            .count();
        let share = matched as f64 / n as f64;
        let need = if hinted { HINTED_SHARE } else { MIN_SHARE };
        if share < need || matched < n.min(3) {
            continue;
        }
        if kind == PiiKind::Name && !hinted && !distinct_enough(&vals) {
            continue;
        }
        return Some(Detection {
            kind,
            share,
            matched,
            sampled: n,
            by_name: hinted,
        });
    }
    None
}

/// Names without a name-like column name: at least ten values, half of them distinct (product
/// and category names repeat; people's names mostly do not).
fn distinct_enough(vals: &[&str]) -> bool {
    let distinct: std::collections::HashSet<&&str> = vals.iter().collect();
    vals.len() >= 10 && distinct.len() * 2 >= vals.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, vals: &[&str]) -> Option<PiiKind> {
        detect_column(name, vals).map(|d| d.kind)
    }

    #[test]
    fn hints_from_names() {
        assert_eq!(name_hint("手机号码"), Some(PiiKind::Phone));
        assert_eq!(name_hint("customerPhone"), Some(PiiKind::Phone));
        assert_eq!(name_hint("E-mail"), Some(PiiKind::Email));
        assert_eq!(name_hint("身份证号"), Some(PiiKind::IdNumber));
        assert_eq!(name_hint("id_card_no"), Some(PiiKind::IdNumber));
        assert_eq!(name_hint("收货地址"), Some(PiiKind::Address));
        assert_eq!(name_hint("收货人"), Some(PiiKind::Name));
        assert_eq!(name_hint("Customer Name"), Some(PiiKind::Name));
        assert_eq!(name_hint("login_ip"), Some(PiiKind::Ip));
        assert_eq!(name_hint("product_name"), None);
        assert_eq!(name_hint("商品名称"), None);
        assert_eq!(
            name_hint("Description"),
            None,
            "'ip' inside a word is not a hint"
        );
        assert_eq!(name_hint("ship_date"), None);
    }

    #[test]
    fn by_share_not_by_one_value() {
        let mut vals = vec!["13812345678"; 7];
        vals.extend(["n/a", "unknown", "-"]);
        // 70 %: not enough without a hint, enough with one.
        assert_eq!(kind("col_x", &vals), None);
        assert_eq!(kind("mobile", &vals), Some(PiiKind::Phone));
        let one = ["a@b.com", "x", "y", "z", "w"];
        assert_eq!(kind("col", &one), None, "one e-mail among five values");
        assert_eq!(kind("col", &["", "  ", ""]), None, "only empty values");
    }

    #[test]
    fn each_kind() {
        let d =
            detect_column("电话", &["138 1234 5678", "+86 13912345678", "15012345678"]).unwrap();
        assert_eq!((d.kind, d.matched, d.by_name), (PiiKind::Phone, 3, true));
        assert_eq!(
            kind("c", &["a@x.com", "b@y.cn", "c@z.org"]),
            Some(PiiKind::Email)
        );
        assert_eq!(
            kind(
                "c",
                &[
                    "11010519491231002X",
                    "11010519491231002x",
                    "11010519491231002X"
                ]
            ),
            Some(PiiKind::IdNumber)
        );
        assert_eq!(
            kind(
                "c",
                &["4111111111111111", "5555555555554444", "6212345678901232"]
            ),
            Some(PiiKind::BankCard)
        );
        assert_eq!(
            kind("c", &["10.0.0.1", "::1", "8.8.4.4"]),
            Some(PiiKind::Ip)
        );
        assert_eq!(
            kind(
                "c",
                &[
                    "北京市朝阳区建国路88号",
                    "上海市浦东新区世纪大道100号",
                    "广州市天河区体育西路1号"
                ]
            ),
            Some(PiiKind::Address)
        );
        let names = [
            "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷",
        ];
        assert_eq!(kind("buyer", &names), Some(PiiKind::Name));
        assert_eq!(
            kind("联系人", &["Alice Smith", "Bob", "Carol Jones"]),
            Some(PiiKind::Name)
        );
    }

    #[test]
    fn look_alikes_are_not_flagged() {
        // Invoice numbers, amounts, dates, categories, product names.
        assert_eq!(
            kind("InvoiceNo", &["536365", "536366", "536367", "536368"]),
            None
        );
        assert_eq!(
            kind("order_no", &["20230101001", "20230101002", "20230101003"]),
            None
        );
        assert_eq!(kind("amount", &["12.50", "3.00", "100"]), None);
        assert_eq!(
            kind("day", &["2023-01-05", "2023-01-06", "2023-01-07"]),
            None
        );
        // Luhn-invalid 16-digit numbers are not cards; 18 digits with bad checksums are not IDs.
        assert_eq!(
            kind(
                "c",
                &["4111111111111112", "5555555555554445", "6212345678901234"]
            ),
            None
        );
        assert_eq!(
            kind(
                "c",
                &[
                    "110105194912310021",
                    "110105194912310022",
                    "110105194912310023"
                ]
            ),
            None
        );
        // Han categories with a surname-like first character repeat: not names.
        let cats = [
            "白酒",
            "黄酒",
            "方便面",
            "白酒",
            "黄酒",
            "方便面",
            "白酒",
            "黄酒",
            "方便面",
            "白酒",
            "黄酒",
            "白酒",
        ];
        assert_eq!(kind("category", &cats), None);
        assert_eq!(
            kind(
                "Description",
                &["WHITE HANGING HEART T-LIGHT HOLDER", "RED WOOLLY HOTTIE"]
            ),
            None
        );
        assert_eq!(kind("version", &["1.2.3", "1.2.4", "2.0.0"]), None);
    }
}
