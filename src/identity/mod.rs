//! One customer across datasets: the identity map.
//!
//! A **record** is one customer id of one dataset (a dataset with the role `customer_id`). Two
//! records are the same customer when they share a normalised key:
//!
//! - `phone`: a mainland mobile number (`1[3-9]` and nine digits), with `+86`/`0086`, spaces and
//!   dashes removed, from a column flagged as phones at import or from the customer id itself;
//! - `hashed_phone`: a phone column hashed at import (salted SHA-256 of the normalised number):
//!   plain phones are hashed with the project's salt to meet it;
//! - `email`: an e-mail address, trimmed and in lower case (hashed columns as for phones);
//! - `member_id`: the same customer id in two datasets of one platform (the platform preset the
//!   datasets were imported with; without one, a dataset is its own platform).
//!
//! Masked values and encrypted placeholders (`138****1234`, `##…`) never serve as a key. Records are
//! joined transitively (union-find) into one `customer_key`. A key shared by more than
//! [`IdentityOptions::max_per_key`] records (a shop's own phone, a test account) is a
//! **conflict**: listed, and never used to join.
//!
//! The map (dataset, source id, customer_key, rule) is kept in `_loupe_identity`, with what it was
//! built from in `_loupe_meta.identity_inputs`, so [`is_stale`] tells when a dataset changed.

use crate::dataset::{DatasetInfo, Role};
use crate::import::quirks;
use crate::privacy::{PiiAction, PiiKind, decide, patterns};
use crate::store::{self, Action, Project, quote_ident};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub mod unified;
pub mod view;

/// A rule that links records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Phone,
    HashedPhone,
    Email,
    MemberId,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Phone => "phone",
            Rule::HashedPhone => "hashed_phone",
            Rule::Email => "email",
            Rule::MemberId => "member_id",
        }
    }
}

impl std::str::FromStr for Rule {
    type Err = Error;
    fn from_str(s: &str) -> Result<Rule> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "phone" => Ok(Rule::Phone),
            "hashed_phone" => Ok(Rule::HashedPhone),
            "email" => Ok(Rule::Email),
            "member_id" | "member" => Ok(Rule::MemberId),
            _ => Err(Error::InvalidArgument(format!(
                "'{s}' is not an identity rule; use phone, hashed_phone, email or member_id"
            ))),
        }
    }
}

/// What to build the map from.
#[derive(Debug, Clone)]
pub struct IdentityOptions {
    /// The datasets (default: every dataset with a customer_id role, derived customer tables
    /// left out).
    pub datasets: Option<Vec<String>>,
    /// The rules that link (phone also enables hashed_phone).
    pub rules: Vec<Rule>,
    /// A key shared by more records than this is a conflict.
    pub max_per_key: usize,
}

impl Default for IdentityOptions {
    fn default() -> Self {
        IdentityOptions {
            datasets: None,
            rules: vec![Rule::Phone, Rule::HashedPhone, Rule::Email, Rule::MemberId],
            max_per_key: 5,
        }
    }
}

/// A key shared by too many records: never used to join.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub rule: Rule,
    /// The key as people may see it: phones masked, e-mails masked, hashes cut short.
    pub key: String,
    /// Records sharing it.
    pub records: u64,
    pub datasets: Vec<String>,
}

/// What a build did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityReport {
    /// Records (customer ids of the datasets).
    pub records: u64,
    /// Distinct customers before linking (one per record).
    pub customers_before: u64,
    /// Distinct customers after linking.
    pub customers_after: u64,
    /// Joins made by each rule (each join merges two groups).
    pub links_by_rule: BTreeMap<Rule, u64>,
    pub conflicts: Vec<Conflict>,
    /// Phones and e-mails (and customer ids) refused as keys because they were masked
    /// (`138****1234`) or encrypted placeholders (`##…`): one per record and value.
    #[serde(default)]
    pub refused: u64,
    pub datasets: Vec<String>,
}

/// One row of the identity map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapRow {
    pub dataset: String,
    pub source_id: String,
    pub customer_key: String,
    /// The rule that joined the record to its group (`self` for a record alone).
    pub rule: String,
}

/// A key of a record: its rule and its normalised (or hashed) text.
type Key = (Rule, String);

/// The mainland mobile number of a value, or `None`.
pub fn normalise_phone(v: &str) -> Option<String> {
    if quirks::is_placeholder(v) || quirks::is_masked(v) {
        return None;
    }
    let m = patterns::chinese_mobile(&quirks::clean(v))?;
    let b = m.as_bytes();
    (b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])).then_some(m)
}

/// The e-mail address of a value, trimmed and in lower case, or `None`.
pub fn normalise_email(v: &str) -> Option<String> {
    if quirks::is_placeholder(v) || quirks::is_masked(v) {
        return None;
    }
    let v = v.trim();
    patterns::is_email(v).then(|| v.to_lowercase())
}

/// Whether a stored value is a hash the import wrote (64 lower-case hex digits).
fn is_hash(v: &str) -> bool {
    v.len() == 64
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// How a column of a dataset gives keys.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// The customer id itself: a phone, an e-mail or a member id.
    CustomerId,
    /// A column of phones or e-mails, as stored (`hashed` when the import hashed it).
    Pii { kind: PiiKind, hashed: bool },
}

fn datasets_to_use(project: &Project, opts: &IdentityOptions) -> Result<Vec<DatasetInfo>> {
    let all = project.datasets()?;
    let chosen: Vec<DatasetInfo> = match &opts.datasets {
        Some(names) => names
            .iter()
            .map(|n| {
                let d = project.dataset(n)?;
                if d.column_with_role(Role::CustomerId).is_none() {
                    return Err(crate::customers::columns::missing_role(
                        &d.name,
                        Role::CustomerId,
                    ));
                }
                Ok(d)
            })
            .collect::<Result<_>>()?,
        None => all
            .into_iter()
            .filter(|d| {
                d.column_with_role(Role::CustomerId).is_some()
                    && d.format != "customers"
                    && d.format != unified::FORMAT
            })
            .collect(),
    };
    if chosen.is_empty() {
        return Err(Error::InvalidArgument(
            "no dataset has a customer id to link; import one, or set the role customer_id".into(),
        ));
    }
    Ok(chosen)
}

/// The platform each dataset was imported as (its preset), else its own name.
fn platform_of(project: &Project, dataset: &str) -> Result<String> {
    use rusqlite::OptionalExtension;
    Ok(project
        .conn()
        .query_row(
            "SELECT p.platform FROM _loupe_platforms p JOIN _loupe_datasets d ON d.id = p.dataset_id \
             WHERE d.name = ?1",
            [dataset],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .unwrap_or_else(|| format!("dataset:{dataset}")))
}

/// Records `dataset` as coming from `platform`, so that its customer ids link by `member_id` to
/// the same ids of the platform's other datasets (a shop's own orders, customers and events share
/// one id space). An import with a preset records the preset's platform; this replaces it.
pub fn set_platform(project: &Project, dataset: &str, platform: &str) -> Result<()> {
    let platform = platform.trim();
    if platform.is_empty() {
        return Err(Error::InvalidArgument("a platform needs a name".into()));
    }
    project.dataset(dataset)?;
    project.conn().execute(
        "INSERT INTO _loupe_platforms(dataset_id, preset, platform) \
         SELECT id, COALESCE((SELECT preset FROM _loupe_platforms p WHERE p.dataset_id = d.id), ''), ?2 \
         FROM _loupe_datasets d WHERE d.name = ?1 \
         ON CONFLICT(dataset_id) DO UPDATE SET platform = excluded.platform",
        rusqlite::params![dataset, platform],
    )?;
    Ok(())
}

/// The platform of each dataset that has one recorded (its preset's, or one set with
/// [`set_platform`]), by dataset name.
pub fn platforms(project: &Project) -> Result<BTreeMap<String, String>> {
    let mut stmt = project.conn().prepare(
        "SELECT d.name, p.platform FROM _loupe_platforms p JOIN _loupe_datasets d ON d.id = p.dataset_id",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// The platform preset each dataset was imported with, by dataset name (datasets imported
/// without one, or whose platform was set by hand, are left out).
pub fn presets(project: &Project) -> Result<BTreeMap<String, String>> {
    let mut stmt = project.conn().prepare(
        "SELECT d.name, p.preset FROM _loupe_platforms p JOIN _loupe_datasets d ON d.id = p.dataset_id \
         WHERE p.preset <> ''",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// What the map is built from: the rules, the threshold and each dataset's import time, rows and
/// platform.
fn inputs_signature(
    project: &Project,
    datasets: &[DatasetInfo],
    opts: &IdentityOptions,
) -> Result<String> {
    let platforms = datasets
        .iter()
        .map(|d| platform_of(project, &d.name))
        .collect::<Result<Vec<_>>>()?;
    let mut rules: Vec<&str> = opts.rules.iter().map(|r| r.as_str()).collect();
    rules.sort();
    rules.dedup();
    Ok(serde_json::json!({
        "rules": rules,
        "max_per_key": opts.max_per_key,
        "chosen": opts.datasets,
        "datasets": datasets
            .iter()
            .zip(&platforms)
            .map(|(d, p)| serde_json::json!([d.name, d.imported_at, d.rows, p]))
            .collect::<Vec<_>>(),
    })
    .to_string())
}

/// The keys of every record, records numbered in order of first appearance.
struct Records {
    ids: Vec<(String, String)>,
    index: HashMap<(String, String), usize>,
    keys: HashMap<Key, Vec<usize>>,
    /// (dataset, id or record, value) refused as a key: masked or a placeholder.
    refused: HashSet<(String, String, String)>,
}

impl Records {
    fn record(&mut self, dataset: &str, id: &str) -> usize {
        let k = (dataset.to_string(), id.to_string());
        if let Some(&i) = self.index.get(&k) {
            return i;
        }
        let i = self.ids.len();
        self.ids.push(k.clone());
        self.index.insert(k, i);
        i
    }

    fn key(&mut self, key: Key, record: usize) {
        let list = self.keys.entry(key).or_default();
        if list.last() != Some(&record) && !list.contains(&record) {
            list.push(record);
        }
    }
}

fn read_records(
    project: &Project,
    datasets: &[DatasetInfo],
    opts: &IdentityOptions,
    salt: &str,
) -> Result<Records> {
    let on = |r: Rule| opts.rules.contains(&r);
    let phones = on(Rule::Phone) || on(Rule::HashedPhone);
    let mut recs = Records {
        ids: Vec::new(),
        index: HashMap::new(),
        keys: HashMap::new(),
        refused: HashSet::new(),
    };
    for info in datasets {
        let Some(customer) = info.column_with_role(Role::CustomerId) else {
            continue;
        };
        let platform = platform_of(project, &info.name)?;
        let flags = project.pii_flags(&info.name)?;
        let mut sources: Vec<(String, Source)> = vec![(customer.name.clone(), Source::CustomerId)];
        for f in &flags {
            let wanted = match f.kind {
                PiiKind::Phone => phones,
                PiiKind::Email => on(Rule::Email),
                _ => false,
            };
            if wanted
                && f.action != PiiAction::Drop
                && f.action != PiiAction::Mask
                && f.column != customer.name
                && info.column(&f.column).is_some()
            {
                sources.push((
                    f.column.clone(),
                    Source::Pii {
                        kind: f.kind,
                        hashed: f.action == PiiAction::Hash,
                    },
                ));
            }
        }
        // Columns named as phones or e-mails that the import did not flag (too few readable
        // values in its sample) are read as plain.
        for c in &info.columns {
            let kind = crate::privacy::detect::name_hint(&c.name);
            let wanted = match kind {
                Some(PiiKind::Phone) => phones,
                Some(PiiKind::Email) => on(Rule::Email),
                _ => false,
            };
            if let Some(kind) = kind.filter(|_| wanted)
                && c.name != customer.name
                && !flags.iter().any(|f| f.column == c.name)
            {
                sources.push((
                    c.name.clone(),
                    Source::Pii {
                        kind,
                        hashed: false,
                    },
                ));
            }
        }
        let customer_hashed = flags
            .iter()
            .find(|f| f.column == customer.name)
            .filter(|f| f.action == PiiAction::Hash)
            .map(|f| f.kind);
        let cols: Vec<String> = sources
            .iter()
            .map(|(c, _)| format!("CAST({} AS TEXT)", quote_ident(c)))
            .collect();
        let sql = format!(
            "SELECT DISTINCT {} FROM {} WHERE {} IS NOT NULL",
            cols.join(", "),
            quote_ident(&info.name),
            quote_ident(&customer.name)
        );
        let mut stmt = project.conn().prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let Some(id) = row.get::<_, Option<String>>(0)? else {
                continue;
            };
            let id = id.trim().to_string();
            if id.is_empty() {
                continue;
            }
            if quirks::is_placeholder(&id) || quirks::is_masked(&id) {
                recs.refused
                    .insert((info.name.clone(), String::new(), id.clone()));
                continue;
            }
            let r = recs.record(&info.name, &id);
            for (j, (_, src)) in sources.iter().enumerate() {
                let Some(v) = row.get::<_, Option<String>>(j)? else {
                    continue;
                };
                match *src {
                    Source::CustomerId => {
                        if on(Rule::MemberId) {
                            recs.key((Rule::MemberId, format!("{platform}\u{1f}{id}")), r);
                        }
                        match customer_hashed {
                            Some(PiiKind::Phone) if phones && is_hash(&v) => {
                                recs.key((Rule::HashedPhone, v.clone()), r)
                            }
                            Some(PiiKind::Email) if on(Rule::Email) && is_hash(&v) => {
                                recs.key((Rule::Email, v.clone()), r)
                            }
                            _ => {}
                        }
                        if phones && let Some(p) = normalise_phone(&v) {
                            recs.key(
                                (Rule::Phone, decide::hash_value(PiiKind::Phone, &p, salt)),
                                r,
                            );
                        }
                        if on(Rule::Email)
                            && let Some(e) = normalise_email(&v)
                        {
                            recs.key(
                                (Rule::Email, decide::hash_value(PiiKind::Email, &e, salt)),
                                r,
                            );
                        }
                    }
                    Source::Pii { kind, hashed } => {
                        let v_trim = v.trim();
                        if !v_trim.is_empty()
                            && (quirks::is_placeholder(v_trim) || quirks::is_masked(v_trim))
                        {
                            recs.refused.insert((
                                info.name.clone(),
                                id.clone(),
                                v_trim.to_string(),
                            ));
                            continue;
                        }
                        if hashed {
                            if is_hash(&v) {
                                let rule = if kind == PiiKind::Phone {
                                    Rule::HashedPhone
                                } else {
                                    Rule::Email
                                };
                                recs.key((rule, v), r);
                            }
                        } else if kind == PiiKind::Phone {
                            if let Some(p) = normalise_phone(&v) {
                                recs.key(
                                    (Rule::Phone, decide::hash_value(PiiKind::Phone, &p, salt)),
                                    r,
                                );
                            }
                        } else if let Some(e) = normalise_email(&v) {
                            recs.key(
                                (Rule::Email, decide::hash_value(PiiKind::Email, &e, salt)),
                                r,
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(recs)
}

/// Union-find with path halving.
struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the groups of `a` and `b`; whether they were apart.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo;
        true
    }
}

/// A phone and a hashed phone share one key space: the plain phone's salted hash. A key is a
/// `phone` link when every record gave it plain, `hashed_phone` otherwise.
fn merge_phone_keys(keys: HashMap<Key, Vec<usize>>) -> Vec<(Rule, String, Vec<usize>)> {
    let mut by_text: BTreeMap<(u8, String), (Rule, Vec<usize>)> = BTreeMap::new();
    for ((rule, text), recs) in keys {
        let space = match rule {
            Rule::Phone | Rule::HashedPhone => 0,
            Rule::Email => 1,
            Rule::MemberId => 2,
        };
        let e = by_text.entry((space, text)).or_insert((rule, Vec::new()));
        if rule == Rule::HashedPhone {
            e.0 = Rule::HashedPhone;
        }
        for r in recs {
            if !e.1.contains(&r) {
                e.1.push(r);
            }
        }
    }
    by_text
        .into_iter()
        .map(|((_, text), (rule, mut recs))| {
            recs.sort_unstable();
            (rule, text, recs)
        })
        .collect()
}

/// The key as a conflict shows it.
fn shown(rule: Rule, text: &str) -> String {
    match rule {
        Rule::MemberId => text.split('\u{1f}').nth(1).unwrap_or(text).to_string(),
        _ => format!("{}…", &text[..text.len().min(12)]),
    }
}

/// The customer key of a group: a short hash of its first record.
fn customer_key(first: &(String, String)) -> String {
    let h = crate::privacy::hash_id(&format!("{}\u{1f}{}", first.0, first.1), "loupe-identity");
    format!("ck_{}", &h[..16])
}

/// Builds the identity map of the project's datasets and keeps it in the project.
pub fn build(project: &mut Project, opts: &IdentityOptions) -> Result<IdentityReport> {
    if opts.rules.is_empty() {
        return Err(Error::InvalidArgument(
            "no identity rule to link with; use phone, email or member_id".into(),
        ));
    }
    if opts.max_per_key < 2 {
        return Err(Error::InvalidArgument(format!(
            "a key shared by at most {} record(s) joins nothing; the limit must be at least 2",
            opts.max_per_key
        )));
    }
    let datasets = datasets_to_use(project, opts)?;
    let salt = store::pii::salt(project.conn())?;
    let recs = read_records(project, &datasets, opts, &salt)?;
    let refused = recs.refused.len() as u64;
    let n = recs.ids.len();
    let mut groups = Groups {
        parent: (0..n).collect(),
    };
    let mut links: BTreeMap<Rule, u64> = BTreeMap::new();
    let mut conflicts = Vec::new();
    let mut linked_by: Vec<Option<Rule>> = vec![None; n];
    for (rule, text, members) in merge_phone_keys(recs.keys) {
        if members.len() < 2 {
            continue;
        }
        if members.len() > opts.max_per_key {
            let mut ds: Vec<String> = members.iter().map(|&m| recs.ids[m].0.clone()).collect();
            ds.sort();
            ds.dedup();
            conflicts.push(Conflict {
                rule,
                key: shown(rule, &text),
                records: members.len() as u64,
                datasets: ds,
            });
            continue;
        }
        for w in members.windows(2) {
            if groups.union(w[0], w[1]) {
                *links.entry(rule).or_default() += 1;
                for &m in w {
                    linked_by[m].get_or_insert(rule);
                }
            }
        }
    }
    conflicts.sort_by(|a, b| b.records.cmp(&a.records).then(a.key.cmp(&b.key)));
    // Each group's key comes from its first record (the root: the lowest number).
    let rows: Vec<MapRow> = (0..n)
        .map(|i| {
            let root = groups.find(i);
            MapRow {
                dataset: recs.ids[i].0.clone(),
                source_id: recs.ids[i].1.clone(),
                customer_key: customer_key(&recs.ids[root]),
                rule: linked_by[i].map_or("self", Rule::as_str).to_string(),
            }
        })
        .collect();
    let after = {
        let mut roots: Vec<usize> = (0..n).map(|i| groups.find(i)).collect();
        roots.sort_unstable();
        roots.dedup();
        roots.len() as u64
    };
    let report = IdentityReport {
        records: n as u64,
        customers_before: n as u64,
        customers_after: after,
        links_by_rule: links,
        conflicts,
        refused,
        datasets: datasets.iter().map(|d| d.name.clone()).collect(),
    };
    let signature = inputs_signature(project, &datasets, opts)?;
    let tx = project.conn_mut().transaction()?;
    tx.execute("DELETE FROM _loupe_identity", [])?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO _loupe_identity(dataset, source_id, customer_key, rule) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for r in &rows {
            stmt.execute(rusqlite::params![
                r.dataset,
                r.source_id,
                r.customer_key,
                r.rule
            ])?;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO _loupe_meta(key, value) VALUES ('identity_inputs', ?1)",
        [&signature],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO _loupe_meta(key, value) VALUES ('identity_report', ?1)",
        [serde_json::to_string(&report).unwrap_or_default()],
    )?;
    store::append_activity(
        &tx,
        Action::Rebuild,
        None,
        Some(report.records),
        &serde_json::json!({
            "identity_map": {
                "datasets": report.datasets,
                "customers_before": report.customers_before,
                "customers_after": report.customers_after,
                "conflicts": report.conflicts.len(),
            }
        }),
    )?;
    tx.commit()?;
    Ok(report)
}

/// What the last build of the kept map found (`None` before the first build).
pub fn last_report(project: &Project) -> Result<Option<IdentityReport>> {
    let kept = kept_meta(project, "identity_report")?;
    Ok(kept.and_then(|k| serde_json::from_str(&k).ok()))
}

/// A value the identity map keeps in the project's meta table.
fn kept_meta(project: &Project, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(project
        .conn()
        .query_row("SELECT value FROM _loupe_meta WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The options the kept map was built with (`None` before the first build), to rebuild it the
/// same way when its datasets change.
pub fn kept_options(project: &Project) -> Result<Option<IdentityOptions>> {
    let kept = kept_meta(project, "identity_inputs")?;
    let Some(v) = kept.and_then(|k| serde_json::from_str::<serde_json::Value>(&k).ok()) else {
        return Ok(None);
    };
    let rules: Vec<Rule> = v["rules"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r.as_str().and_then(|r| r.parse().ok()))
                .collect()
        })
        .unwrap_or_default();
    let defaults = IdentityOptions::default();
    Ok(Some(IdentityOptions {
        datasets: v["chosen"].as_array().map(|a| {
            a.iter()
                .filter_map(|d| d.as_str().map(str::to_string))
                .collect()
        }),
        rules: if rules.is_empty() {
            defaults.rules
        } else {
            rules
        },
        max_per_key: v["max_per_key"]
            .as_u64()
            .map_or(defaults.max_per_key, |m| m as usize),
    }))
}

/// Builds the map when it is missing or stale, with the options it was last built with (the
/// defaults the first time); the report of the build, if one ran.
pub fn refresh(project: &mut Project) -> Result<Option<IdentityReport>> {
    let opts = kept_options(project)?.unwrap_or_default();
    ensure(project, &opts)
}

/// The identity map kept in the project (empty before the first build).
pub fn map(project: &Project) -> Result<Vec<MapRow>> {
    let mut stmt = project.conn().prepare(
        "SELECT dataset, source_id, customer_key, rule FROM _loupe_identity ORDER BY customer_key, dataset, source_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(MapRow {
                dataset: r.get(0)?,
                source_id: r.get(1)?,
                customer_key: r.get(2)?,
                rule: r.get(3)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// The identities linked to one customer id of a dataset (its own row included), for a customer
/// card or a subject request: every record of the same `customer_key`. Empty when the map does
/// not hold the id.
pub fn linked(project: &Project, dataset: &str, source_id: &str) -> Result<Vec<MapRow>> {
    let mut stmt = project.conn().prepare(
        "SELECT i.dataset, i.source_id, i.customer_key, i.rule FROM _loupe_identity i \
         JOIN _loupe_identity me ON me.customer_key = i.customer_key \
         WHERE me.dataset = ?1 AND me.source_id = ?2 ORDER BY i.dataset, i.source_id",
    )?;
    let rows = stmt
        .query_map([dataset, source_id.trim()], |r| {
            Ok(MapRow {
                dataset: r.get(0)?,
                source_id: r.get(1)?,
                customer_key: r.get(2)?,
                rule: r.get(3)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// Whether the kept map is missing or was built from other inputs than `opts` and the datasets
/// as they are now (a dataset imported again, added or removed).
pub fn is_stale(project: &Project, opts: &IdentityOptions) -> Result<bool> {
    use rusqlite::OptionalExtension;
    let kept: Option<String> = project
        .conn()
        .query_row(
            "SELECT value FROM _loupe_meta WHERE key = 'identity_inputs'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let Some(kept) = kept else {
        return Ok(true);
    };
    let datasets = datasets_to_use(project, opts)?;
    Ok(kept != inputs_signature(project, &datasets, opts)?)
}

/// Builds the map when it is stale ([`is_stale`]); the report of the build, if one ran.
pub fn ensure(project: &mut Project, opts: &IdentityOptions) -> Result<Option<IdentityReport>> {
    if is_stale(project, opts)? {
        build(project, opts).map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(
            normalise_phone("+86 138-1234-5678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            normalise_phone("0086 13812345678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            normalise_phone("\t13812345678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(normalise_phone("138****5678"), None);
        assert_eq!(normalise_phone("12812345678"), None);
        assert_eq!(normalise_phone("010-12345678"), None);
        assert_eq!(normalise_phone("##A1B2"), None);
        assert_eq!(
            normalise_email(" Buyer@Example.COM ").as_deref(),
            Some("buyer@example.com")
        );
        assert_eq!(normalise_email("b***@qq.com"), None);
        assert!("Member-ID".parse::<Rule>().is_ok());
        assert!("nope".parse::<Rule>().is_err());
    }
}
