//! What happens to a column of personal data before it lands in the project: keep, mask, hash
//! (salted with the project's salt) or drop; and the defaults Loupe proposes.
//!
//! Defaults, for what a marketer needs from each kind:
//! - the customer-id column (role `customer_id`), whatever it holds: **keep**. Every analysis
//!   joins and counts on it. Hashing it keeps joins inside the project (one salt per project, so
//!   the same id hashes the same in every dataset) but makes the ids useless outside; choose
//!   `hash` for that.
//! - phone numbers and e-mail addresses: **keep**. They are the contact channels campaigns and
//!   ad-platform audiences need whole, and segment exports mask or hash them on the way out;
//!   encrypt the project to protect them at rest, or choose mask/hash/drop when they are not
//!   needed.
//! - names, addresses, resident ID numbers, bank cards and IP addresses: **mask**. Marketing needs
//!   at most a part: the surname (for a salutation, 张**), the region of an address or ID number
//!   (geography), the card's issuer (payment mix), the IP's network (location); never the whole.
//!   Resident ID and bank card numbers are sensitive personal information under PIPL.
//!
//! Hashing normalises first, so that the same person hashes the same however the value was
//! written: phones to their digits (Chinese mobiles to their 11 digits, without `+86`), e-mails to
//! lower case, ID numbers with an upper-case `X`, card numbers to their digits, IP addresses to
//! their canonical form, anything else trimmed with single spaces.

use super::detect::{Detection, PiiKind};
use super::mask;
use super::patterns;
use crate::dataset::Role;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// What to do with a column of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiAction {
    Keep,
    Mask,
    Hash,
    Drop,
}

impl PiiAction {
    pub const ALL: [PiiAction; 4] = [
        PiiAction::Keep,
        PiiAction::Mask,
        PiiAction::Hash,
        PiiAction::Drop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PiiAction::Keep => "keep",
            PiiAction::Mask => "mask",
            PiiAction::Hash => "hash",
            PiiAction::Drop => "drop",
        }
    }

    /// The participle for summaries: kept, masked, hashed, dropped.
    pub fn done(self) -> &'static str {
        match self {
            PiiAction::Keep => "kept",
            PiiAction::Mask => "masked",
            PiiAction::Hash => "hashed",
            PiiAction::Drop => "dropped",
        }
    }
}

impl std::fmt::Display for PiiAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PiiAction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PiiAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "'{s}' is not a decision for personal data; use keep, mask, hash or drop"
                ))
            })
    }
}

/// Whether a flag came from detection or from the user alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagSource {
    Detected,
    User,
}

impl FlagSource {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagSource::Detected => "detected",
            FlagSource::User => "user",
        }
    }
}

/// A column flagged as personal data, and what is done with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PiiColumn {
    pub column: String,
    pub kind: PiiKind,
    pub action: PiiAction,
    /// Share of the sampled values that matched (0 for a column the user flagged).
    pub share: f64,
    pub source: FlagSource,
}

/// The action Loupe proposes for a column of `kind` with `role`.
pub fn default_action(kind: PiiKind, role: Option<Role>) -> PiiAction {
    match (kind, role) {
        (_, Some(Role::CustomerId)) => PiiAction::Keep,
        (PiiKind::Phone | PiiKind::Email | PiiKind::Other, _) => PiiAction::Keep,
        _ => PiiAction::Mask,
    }
}

/// The user's decisions: by column name, or `*` for every flagged column without its own.
pub type Decisions = [(String, PiiAction)];

/// The flagged columns with their actions: each detected column gets the user's decision or the
/// default; a column the user decided on that was not detected is flagged `other`. `roles` are the
/// columns' roles (by position). Returns the flags (in column order) and warnings.
pub fn resolve(
    columns: &[String],
    detected: &[Option<Detection>],
    roles: &[Option<Role>],
    user: &Decisions,
) -> Result<(Vec<PiiColumn>, Vec<String>)> {
    let find = |name: &str| -> Option<usize> {
        columns
            .iter()
            .position(|c| c == name)
            .or_else(|| columns.iter().position(|c| c.eq_ignore_ascii_case(name)))
    };
    let mut by_col: Vec<Option<PiiAction>> = vec![None; columns.len()];
    let mut all = None;
    for (col, action) in user {
        if col == "*" {
            all = Some(*action);
            continue;
        }
        let i = find(col).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "--pii {col}={action}: there is no column '{col}'; the columns are: {}",
                columns.join(", ")
            ))
        })?;
        by_col[i] = Some(*action);
    }
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for (i, col) in columns.iter().enumerate() {
        let role = roles.get(i).copied().flatten();
        let flag = match (&detected.get(i).cloned().flatten(), by_col[i]) {
            (Some(d), chosen) => PiiColumn {
                column: col.clone(),
                kind: d.kind,
                action: chosen
                    .or(all)
                    .unwrap_or_else(|| default_action(d.kind, role)),
                share: d.share,
                source: FlagSource::Detected,
            },
            (None, Some(a)) => PiiColumn {
                column: col.clone(),
                kind: PiiKind::Other,
                action: a,
                share: 0.0,
                source: FlagSource::User,
            },
            (None, None) => continue,
        };
        if role == Some(Role::CustomerId) && flag.action == PiiAction::Mask {
            warnings.push(format!(
                "column '{col}' is the customer id: masking it merges different customers that share a mask; hash keeps them apart"
            ));
        }
        if role.is_some() && flag.action == PiiAction::Drop {
            warnings.push(format!(
                "column '{col}' had the role {}; dropping it loses the role",
                role.map(|r| r.as_str()).unwrap_or_default()
            ));
        }
        out.push(flag);
    }
    Ok((out, warnings))
}

/// The value of a hashed column: normalised, then salted SHA-256 in hex.
pub fn hash_value(kind: PiiKind, v: &str, salt: &str) -> String {
    super::hash_id(&normalize(kind, v), salt)
}

/// The form a value is hashed in (see the module's documentation).
pub fn normalize(kind: PiiKind, v: &str) -> String {
    let v = v.trim();
    match kind {
        PiiKind::Phone => patterns::chinese_mobile(v).unwrap_or_else(|| {
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            if v.starts_with('+') {
                format!("+{digits}")
            } else {
                digits
            }
        }),
        PiiKind::Email => v.to_lowercase(),
        PiiKind::IdNumber => v.to_uppercase(),
        PiiKind::BankCard => v.chars().filter(char::is_ascii_digit).collect(),
        PiiKind::Ip => v
            .parse::<std::net::IpAddr>()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| v.to_string()),
        PiiKind::Name | PiiKind::Address | PiiKind::Other => {
            v.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    }
}

/// The masked form of a value of `kind`.
pub fn mask_value(kind: PiiKind, v: &str) -> String {
    match kind {
        PiiKind::Phone => match patterns::chinese_mobile(v) {
            Some(m) => mask::mask_phone(&m),
            None => mask::mask_phone(v),
        },
        PiiKind::Email => mask::mask_email(v),
        PiiKind::IdNumber => mask::mask_id_number(v),
        PiiKind::BankCard => mask::mask_bank_card(v),
        PiiKind::Ip => mask::mask_ip(v),
        PiiKind::Address => mask::mask_address(v),
        PiiKind::Name | PiiKind::Other => mask::mask_name(v),
    }
}

/// What the import writes for one value of a flagged column: `None` for an empty value.
pub fn transform(kind: PiiKind, action: PiiAction, v: &str, salt: &str) -> Option<String> {
    if v.trim().is_empty() {
        return None;
    }
    match action {
        PiiAction::Keep => Some(v.to_string()),
        PiiAction::Mask => Some(mask_value(kind, v)),
        PiiAction::Hash => Some(hash_value(kind, v, salt)),
        PiiAction::Drop => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(kind: PiiKind) -> Option<Detection> {
        Some(Detection {
            kind,
            share: 1.0,
            matched: 10,
            sampled: 10,
            by_name: false,
        })
    }

    #[test]
    fn defaults_and_user_decisions() {
        let cols: Vec<String> = ["cid", "phone", "email", "note"].map(String::from).to_vec();
        let detected = vec![
            det(PiiKind::Phone),
            det(PiiKind::Phone),
            det(PiiKind::Email),
            None,
        ];
        let roles = vec![Some(Role::CustomerId), None, None, None];
        let (flags, warnings) = resolve(&cols, &detected, &roles, &[]).unwrap();
        let actions: Vec<(&str, PiiAction)> = flags
            .iter()
            .map(|f| (f.column.as_str(), f.action))
            .collect();
        assert_eq!(
            actions,
            [
                ("cid", PiiAction::Keep),
                ("phone", PiiAction::Keep),
                ("email", PiiAction::Keep)
            ]
        );
        assert!(warnings.is_empty());

        let user = vec![
            ("*".to_string(), PiiAction::Drop),
            ("CID".to_string(), PiiAction::Mask),
            ("note".to_string(), PiiAction::Hash),
        ];
        let (flags, warnings) = resolve(&cols, &detected, &roles, &user).unwrap();
        let got: Vec<(PiiKind, PiiAction, FlagSource)> =
            flags.iter().map(|f| (f.kind, f.action, f.source)).collect();
        assert_eq!(
            got,
            [
                (PiiKind::Phone, PiiAction::Mask, FlagSource::Detected),
                (PiiKind::Phone, PiiAction::Drop, FlagSource::Detected),
                (PiiKind::Email, PiiAction::Drop, FlagSource::Detected),
                (PiiKind::Other, PiiAction::Hash, FlagSource::User),
            ]
        );
        assert_eq!(warnings.len(), 1, "masking the customer id is warned about");
        let err = resolve(
            &cols,
            &detected,
            &roles,
            &[("nope".into(), PiiAction::Keep)],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("no column 'nope'") && err.contains("cid, phone"),
            "{err}"
        );
        assert!("shred".parse::<PiiAction>().is_err());
        assert_eq!("HASH".parse::<PiiAction>().unwrap(), PiiAction::Hash);
    }

    #[test]
    fn hashes_are_salted_and_normalised() {
        let salt = "0f1e2d";
        let a = transform(PiiKind::Phone, PiiAction::Hash, "+86 138-1234-5678", salt).unwrap();
        let b = transform(PiiKind::Phone, PiiAction::Hash, "13812345678", salt).unwrap();
        assert_eq!(a, b, "the same phone written two ways hashes the same");
        assert_eq!(a, super::super::hash_id("13812345678", salt));
        assert_eq!(a.len(), 64);
        assert_ne!(
            a,
            transform(PiiKind::Phone, PiiAction::Hash, "13812345678", "other").unwrap()
        );
        assert_eq!(
            hash_value(PiiKind::Email, " Alice@X.com ", salt),
            hash_value(PiiKind::Email, "alice@x.com", salt)
        );
        assert_eq!(
            normalize(PiiKind::IdNumber, "11010519491231002x"),
            "11010519491231002X"
        );
        assert_eq!(
            normalize(PiiKind::BankCard, "6212 3456 7890 1232"),
            "6212345678901232"
        );
        assert_eq!(normalize(PiiKind::Ip, "2001:DB8:0::1"), "2001:db8::1");
        assert_eq!(normalize(PiiKind::Name, " 张  三 "), "张 三");
    }

    #[test]
    fn masks_and_keeps() {
        let t = |k, a, v| transform(k, a, v, "s");
        assert_eq!(
            t(PiiKind::Phone, PiiAction::Mask, "13812341234").as_deref(),
            Some("138****1234")
        );
        assert_eq!(
            t(PiiKind::Phone, PiiAction::Mask, "+86 139-1234-5678").as_deref(),
            Some("139****5678"),
            "a Chinese mobile is masked without its country code"
        );
        assert_eq!(
            t(PiiKind::Email, PiiAction::Mask, "alice@x.com").as_deref(),
            Some("a***@x.com")
        );
        assert_eq!(
            t(PiiKind::Name, PiiAction::Mask, "张三丰").as_deref(),
            Some("张**")
        );
        assert_eq!(
            t(PiiKind::Name, PiiAction::Keep, "张三丰").as_deref(),
            Some("张三丰")
        );
        assert_eq!(t(PiiKind::Name, PiiAction::Drop, "张三丰"), None);
        assert_eq!(
            t(PiiKind::Name, PiiAction::Mask, "  "),
            None,
            "empty stays empty"
        );
    }
}
