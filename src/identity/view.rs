//! The identity map as people see it: a customer's linked identities (dataset, platform, the kind
//! of id and its value, masked when it is a phone or an e-mail) and a sample of merged groups,
//! for the customer card and the Identity view.

use super::{MapRow, normalise_email, normalise_phone, platforms};
use crate::Result;
use crate::privacy::PiiKind;
use crate::privacy::decide::mask_value;
use crate::store::Project;
use serde::Serialize;
use std::collections::BTreeMap;

/// What an identity's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Phone,
    Email,
    /// An account or member id of the platform.
    MemberId,
}

impl IdKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Phone => "phone",
            IdKind::Email => "email",
            IdKind::MemberId => "member_id",
        }
    }

    /// The kind of a source id: a mainland mobile, an e-mail, else a member id.
    pub fn of(id: &str) -> IdKind {
        if normalise_phone(id).is_some() {
            IdKind::Phone
        } else if normalise_email(id).is_some() {
            IdKind::Email
        } else {
            IdKind::MemberId
        }
    }
}

/// One identity of a customer, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedId {
    pub dataset: String,
    /// The platform recorded for the dataset (its preset's), else the dataset's name.
    pub platform: String,
    pub kind: IdKind,
    /// The id; phones and e-mails masked (`138****5678`, `b***@example.com`).
    pub value: String,
    /// The rule that joined it to the group (`self` when alone).
    pub rule: String,
    pub customer_key: String,
}

/// Shows identity map rows: platform, kind and masked value.
pub fn describe(rows: &[MapRow], platforms: &BTreeMap<String, String>) -> Vec<LinkedId> {
    rows.iter()
        .map(|r| {
            let kind = IdKind::of(&r.source_id);
            let value = match kind {
                IdKind::Phone => mask_value(PiiKind::Phone, &r.source_id),
                IdKind::Email => mask_value(PiiKind::Email, &r.source_id),
                IdKind::MemberId => r.source_id.clone(),
            };
            LinkedId {
                dataset: r.dataset.clone(),
                platform: platforms
                    .get(&r.dataset)
                    .cloned()
                    .unwrap_or_else(|| r.dataset.clone()),
                kind,
                value,
                rule: r.rule.clone(),
                customer_key: r.customer_key.clone(),
            }
        })
        .collect()
}

/// The identity map grouped by customer_key, for looking customers up in memory (a card shows a
/// customer's group without asking the project).
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// (dataset, source id) → customer_key.
    key_of: BTreeMap<(String, String), String>,
    /// customer_key → its identities, shown.
    members: BTreeMap<String, Vec<LinkedId>>,
}

impl Groups {
    /// Reads the kept map (empty before the first build).
    pub fn load(project: &Project) -> Result<Groups> {
        let rows = super::map(project)?;
        let platforms = platforms(project)?;
        let shown = describe(&rows, &platforms);
        let mut g = Groups::default();
        for (r, s) in rows.into_iter().zip(shown) {
            g.key_of
                .insert((r.dataset, r.source_id), r.customer_key.clone());
            g.members.entry(r.customer_key).or_default().push(s);
        }
        Ok(g)
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The customer_key of an id of a dataset.
    pub fn key(&self, dataset: &str, id: &str) -> Option<&str> {
        self.key_of
            .get(&(dataset.to_string(), id.trim().to_string()))
            .map(String::as_str)
    }

    /// The identities of a customer_key (its own record included).
    pub fn of_key(&self, key: &str) -> &[LinkedId] {
        self.members.get(key).map_or(&[], Vec::as_slice)
    }

    /// The identities linked to an id of a dataset (its own record included); empty when the map
    /// does not hold it.
    pub fn linked(&self, dataset: &str, id: &str) -> &[LinkedId] {
        self.key(dataset, id).map_or(&[], |k| self.of_key(k))
    }

    /// Up to `limit` merged groups, those spanning the most platforms (then the most records)
    /// first: the people the map found on several platforms.
    pub fn merged(&self, limit: usize) -> Vec<&[LinkedId]> {
        let mut groups: Vec<(usize, usize, &str, &[LinkedId])> = self
            .members
            .iter()
            .filter(|(_, m)| m.len() > 1)
            .map(|(k, m)| {
                let mut p: Vec<&str> = m.iter().map(|x| x.platform.as_str()).collect();
                p.sort_unstable();
                p.dedup();
                (p.len(), m.len(), k.as_str(), m.as_slice())
            })
            .collect();
        groups.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        groups.into_iter().take(limit).map(|g| g.3).collect()
    }

    /// Customers (keys) whose identities span more than one platform.
    pub fn cross_platform(&self) -> u64 {
        self.members
            .values()
            .filter(|m| m.iter().any(|x| x.platform != m[0].platform))
            .count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_masks() {
        assert_eq!(IdKind::of("13812345678"), IdKind::Phone);
        assert_eq!(IdKind::of("a@b.com"), IdKind::Email);
        assert_eq!(IdKind::of("jd_1234"), IdKind::MemberId);
        let rows = vec![MapRow {
            dataset: "d".into(),
            source_id: "13812345678".into(),
            customer_key: "ck".into(),
            rule: "phone".into(),
        }];
        let shown = describe(&rows, &BTreeMap::new());
        assert_eq!(shown[0].platform, "d");
        assert!(!shown[0].value.contains("1234567"), "{}", shown[0].value);
    }
}
