//! Campaign metrics per campaign, per channel and in total, under one attribution.
//!
//! Definitions (the README's Campaigns section repeats them):
//! - **contacts**: rows of the contacts table for the campaign; **reach**: distinct customers
//!   among them;
//! - **open rate** / **click rate**: contacts marked opened / clicked ÷ contacts (only when the
//!   contacts table has those columns);
//! - **converters**: reached customers with an order (total > 0) within the window after one of
//!   their contacts by the campaign (model-free); **conversion rate** = converters ÷ reach. For
//!   a channel or the total it is Σ converters ÷ Σ reach over its campaigns (the campaigns'
//!   rates weighted by their reach), so it always lies between the lowest and the highest
//!   campaign rate; **customer conversion rate** = distinct converters ÷ distinct reach, higher
//!   when customers are reached by several campaigns (each one is another chance to count);
//! - **conversions**: attributed orders, the sum of the campaign's credit over orders (a
//!   fraction under multi-touch models); **new customers**: the same sum over orders that are
//!   the customer's first order;
//! - **revenue**: attributed revenue, Σ credit × order total;
//! - **cost**: the campaigns table's cost; else its cost per contact × contacts; else the sum of
//!   the spend table's rows for the campaign (`cost_source` says which);
//! - **ROI** = (revenue − cost) ÷ cost; **ROAS** = revenue ÷ cost; **CAC** = cost ÷ new
//!   customers; **cost per conversion** = cost ÷ conversions; **revenue per contact** = revenue
//!   ÷ contacts. Each is empty when its divisor is zero or the cost is unknown.
//!
//! A channel adds up its campaigns (reach and converters as distinct customers), plus spend rows
//! that name a channel but no campaign.

use super::attribution::{Attribution, Conversion, Credit, Touch, TouchIndex, attribute};
use super::data::Inputs;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Where a campaign's cost came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CostSource {
    /// The campaigns table's cost column.
    CampaignsTable,
    /// The campaigns table's cost per contact × contacts.
    CostPerContact,
    /// The spend table's rows for the campaign.
    SpendTable,
    /// Several of the above (a channel or the total).
    Mixed,
    #[default]
    Unknown,
}

impl CostSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CostSource::CampaignsTable => "campaigns_table",
            CostSource::CostPerContact => "cost_per_contact",
            CostSource::SpendTable => "spend_table",
            CostSource::Mixed => "mixed",
            CostSource::Unknown => "unknown",
        }
    }

    fn merge(self, other: CostSource) -> CostSource {
        match (self, other) {
            (CostSource::Unknown, o) => o,
            (s, CostSource::Unknown) => s,
            (s, o) if s == o => s,
            _ => CostSource::Mixed,
        }
    }
}

/// The metrics of a campaign, a channel or the total.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Metrics {
    /// The campaign id, or the channel (empty for campaigns without one), or `total`.
    pub key: String,
    pub name: String,
    pub channel: Option<String>,
    pub contacts: u64,
    pub reach: u64,
    pub opened: Option<u64>,
    pub clicked: Option<u64>,
    pub open_rate: Option<f64>,
    pub click_rate: Option<f64>,
    pub converters: u64,
    /// Σ reach and Σ converters over the campaigns (for a campaign, its reach and converters):
    /// the conversion rate's divisor and dividend.
    pub campaign_reach: u64,
    pub campaign_converters: u64,
    pub conversion_rate: Option<f64>,
    /// Distinct converters ÷ distinct reach (for a campaign, its conversion rate).
    pub customer_conversion_rate: Option<f64>,
    pub conversions: f64,
    pub new_customers: f64,
    pub revenue: f64,
    pub cost: Option<f64>,
    pub cost_source: CostSource,
    pub roi: Option<f64>,
    pub roas: Option<f64>,
    pub cac: Option<f64>,
    pub cost_per_conversion: Option<f64>,
    pub revenue_per_contact: Option<f64>,
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0 && a.is_finite() && b.is_finite()).then(|| a / b)
}

impl Metrics {
    /// Fills in the rates and ratios from the counts, revenue and cost.
    fn finish(&mut self) {
        let contacts = self.contacts as f64;
        self.open_rate = self.opened.and_then(|o| ratio(o as f64, contacts));
        self.click_rate = self.clicked.and_then(|c| ratio(c as f64, contacts));
        self.conversion_rate = ratio(self.campaign_converters as f64, self.campaign_reach as f64);
        self.customer_conversion_rate = ratio(self.converters as f64, self.reach as f64);
        self.revenue_per_contact = ratio(self.revenue, contacts);
        let cost = self.cost;
        self.roi = cost.and_then(|c| ratio(self.revenue - c, c));
        self.roas = cost.and_then(|c| ratio(self.revenue, c));
        self.cac = cost.and_then(|c| ratio(c, self.new_customers));
        self.cost_per_conversion = cost.and_then(|c| ratio(c, self.conversions));
    }
}

/// Customers at each step of the funnel: contacted → opened → clicked → visited → converted
/// (steps without data are `None`). Each step counts the reached customers with that signal who
/// also passed every step before it in the same campaign (for the total: in some campaign), so
/// the counts never go up, and `converted` can be below the campaign's converters (who bought
/// without, say, a click).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Funnel {
    pub key: String,
    pub name: String,
    pub contacted: u64,
    pub opened: Option<u64>,
    pub clicked: Option<u64>,
    /// Reached customers with any behaviour event within the window after a contact.
    pub visited: Option<u64>,
    pub converted: u64,
}

/// One day of the spend and attributed-revenue timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Day {
    pub day: NaiveDate,
    pub spend: f64,
    pub revenue: f64,
    pub spend_cum: f64,
    pub revenue_cum: f64,
}

/// The attribution of every order to the campaigns (indices of `inputs.campaigns`).
#[derive(Debug, Clone, PartialEq)]
pub struct Attributed {
    pub credits: Vec<Credit>,
    pub conversions: Vec<f64>,
    pub new_customers: Vec<f64>,
    pub revenue: Vec<f64>,
    /// Orders with any credit, and the revenue of those without.
    pub attributed_orders: u64,
    pub unattributed_revenue: f64,
    /// Orders touched by more than one campaign within the window: the only ones on which the
    /// models can differ.
    pub multi_campaign_orders: u64,
}

fn campaign_index(inputs: &Inputs) -> HashMap<&str, usize> {
    inputs
        .campaigns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect()
}

fn touches(inputs: &Inputs) -> Vec<Touch<'_>> {
    let index = campaign_index(inputs);
    inputs
        .contacts
        .iter()
        .filter_map(|c| {
            Some(Touch {
                customer: c.customer.as_str(),
                campaign: *index.get(c.campaign.as_str())?,
                micros: c.micros,
            })
        })
        .collect()
}

/// Attributes the orders under `spec`.
pub fn attributed(inputs: &Inputs, spec: &Attribution) -> Attributed {
    let touches = touches(inputs);
    let index = TouchIndex::new(&touches);
    let conversions: Vec<Conversion> = inputs
        .orders
        .iter()
        .map(|o| Conversion {
            customer: o.customer.as_str(),
            micros: o.micros,
        })
        .collect();
    let credits = attribute(&index, &conversions, spec);
    let multi_campaign_orders = conversions
        .iter()
        .filter(|o| {
            let t = index.before(o.customer, o.micros, spec.window_days);
            t.iter().any(|x| x.1 != t[0].1)
        })
        .count() as u64;
    let n = inputs.campaigns.len();
    let mut out = Attributed {
        credits: Vec::new(),
        conversions: vec![0.0; n],
        new_customers: vec![0.0; n],
        revenue: vec![0.0; n],
        attributed_orders: 0,
        unattributed_revenue: 0.0,
        multi_campaign_orders,
    };
    let mut credited = vec![false; inputs.orders.len()];
    for c in &credits {
        let o = &inputs.orders[c.order];
        out.conversions[c.campaign] += c.weight;
        out.revenue[c.campaign] += c.weight * o.revenue;
        if o.first {
            out.new_customers[c.campaign] += c.weight;
        }
        credited[c.order] = true;
    }
    for (o, done) in inputs.orders.iter().zip(&credited) {
        if *done {
            out.attributed_orders += 1;
        } else {
            out.unattributed_revenue += o.revenue;
        }
    }
    out.credits = credits;
    out
}

/// The metrics, funnels and timeline of one attribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Computed {
    pub campaigns: Vec<Metrics>,
    pub channels: Vec<Metrics>,
    pub total: Metrics,
    /// Per campaign (in `campaigns` order), then the total.
    pub funnels: Vec<Funnel>,
    pub timeline: Vec<Day>,
    pub attributed_orders: u64,
    pub unattributed_revenue: f64,
    /// Orders touched by more than one campaign within the window.
    pub multi_campaign_orders: u64,
}

/// Distinct customers per group, for reach, converters, openers.
#[derive(Default)]
struct Sets<'a> {
    campaign: Vec<HashSet<&'a str>>,
    channel: BTreeMap<String, HashSet<&'a str>>,
    total: HashSet<&'a str>,
}

impl<'a> Sets<'a> {
    fn new(n: usize) -> Self {
        Sets {
            campaign: vec![HashSet::new(); n],
            ..Sets::default()
        }
    }
    fn add(&mut self, campaign: usize, channel: &str, customer: &'a str) {
        self.campaign[campaign].insert(customer);
        self.channel
            .entry(channel.to_string())
            .or_default()
            .insert(customer);
        self.total.insert(customer);
    }
    fn channel(&self, ch: &str) -> u64 {
        self.channel.get(ch).map_or(0, |s| s.len() as u64)
    }
}

/// Computes everything for one attribution.
pub fn compute(inputs: &Inputs, spec: &Attribution) -> Computed {
    let a = attributed(inputs, spec);
    let n = inputs.campaigns.len();
    let index = campaign_index(inputs);
    let channel_of: Vec<String> = inputs
        .campaigns
        .iter()
        .map(|c| c.channel.clone().unwrap_or_default())
        .collect();
    let window = spec.window_days as i64 * 86_400_000_000;

    let mut contacts = vec![0u64; n];
    let mut opened = vec![0u64; n];
    let mut clicked = vec![0u64; n];
    let mut first_contact: Vec<Option<i64>> = vec![None; n];
    let mut reach = Sets::new(n);
    let mut openers = Sets::new(n);
    let mut clickers = Sets::new(n);
    let mut visitors = Sets::new(n);
    for c in &inputs.contacts {
        let Some(&i) = index.get(c.campaign.as_str()) else {
            continue;
        };
        let ch = channel_of[i].as_str();
        contacts[i] += 1;
        first_contact[i] = Some(first_contact[i].map_or(c.micros, |f| f.min(c.micros)));
        reach.add(i, ch, &c.customer);
        if c.opened == Some(true) {
            opened[i] += 1;
            openers.add(i, ch, &c.customer);
        }
        if c.clicked == Some(true) {
            clicked[i] += 1;
            clickers.add(i, ch, &c.customer);
        }
        if let Some(times) = inputs.visits.get(&c.customer) {
            let k = times.partition_point(|t| *t < c.micros);
            if times.get(k).is_some_and(|t| *t <= c.micros + window) {
                visitors.add(i, ch, &c.customer);
            }
        }
    }
    // Converters: customers with an order whose window holds a contact by the campaign.
    let mut converters = Sets::new(n);
    let touches = touches(inputs);
    let tindex = TouchIndex::new(&touches);
    for o in &inputs.orders {
        for (_, ci) in tindex.before(&o.customer, o.micros, spec.window_days) {
            converters.add(*ci, &channel_of[*ci], &o.customer);
        }
    }

    // Costs.
    let mut spend_sum = vec![0.0f64; n];
    let mut has_spend = vec![false; n];
    let mut channel_spend: BTreeMap<String, f64> = BTreeMap::new();
    for s in &inputs.spend {
        match s.campaign.as_deref().and_then(|c| index.get(c)) {
            Some(&i) => {
                spend_sum[i] += s.spend;
                has_spend[i] = true;
            }
            None if s.campaign.is_none() => {
                *channel_spend
                    .entry(s.channel.clone().unwrap_or_default())
                    .or_default() += s.spend;
            }
            None => {}
        }
    }
    let cost_of = |i: usize| -> (Option<f64>, CostSource) {
        let c = &inputs.campaigns[i];
        if let Some(cost) = c.cost {
            (Some(cost), CostSource::CampaignsTable)
        } else if let Some(per) = c.cost_per_contact {
            (Some(per * contacts[i] as f64), CostSource::CostPerContact)
        } else if has_spend[i] {
            (Some(spend_sum[i]), CostSource::SpendTable)
        } else {
            (None, CostSource::Unknown)
        }
    };

    let has_events = !inputs.visits.is_empty();
    let mut campaigns: Vec<Metrics> = (0..n)
        .map(|i| {
            let c = &inputs.campaigns[i];
            let (cost, cost_source) = cost_of(i);
            let mut m = Metrics {
                key: c.id.clone(),
                name: c.name.clone(),
                channel: c.channel.clone(),
                contacts: contacts[i],
                reach: reach.campaign[i].len() as u64,
                opened: inputs.has_opened.then_some(opened[i]),
                clicked: inputs.has_clicked.then_some(clicked[i]),
                converters: converters.campaign[i].len() as u64,
                campaign_reach: reach.campaign[i].len() as u64,
                campaign_converters: converters.campaign[i].len() as u64,
                conversions: a.conversions[i],
                new_customers: a.new_customers[i],
                revenue: a.revenue[i],
                cost,
                cost_source,
                ..Metrics::default()
            };
            m.finish();
            m
        })
        .collect();

    // Channels: their campaigns added up, plus spend that names only a channel.
    let mut channel_names: Vec<String> = channel_of.clone();
    channel_names.extend(channel_spend.keys().cloned());
    channel_names.sort();
    channel_names.dedup();
    let mut channels: Vec<Metrics> = channel_names
        .iter()
        .map(|ch| {
            let mut m = Metrics {
                key: ch.clone(),
                name: ch.clone(),
                channel: (!ch.is_empty()).then(|| ch.clone()),
                reach: reach.channel(ch),
                converters: converters.channel(ch),
                opened: inputs.has_opened.then_some(0),
                clicked: inputs.has_clicked.then_some(0),
                ..Metrics::default()
            };
            for (i, c) in campaigns.iter().enumerate() {
                if channel_of[i] != *ch {
                    continue;
                }
                add_counts(&mut m, c);
            }
            if let Some(s) = channel_spend.get(ch) {
                m.cost = Some(m.cost.unwrap_or(0.0) + s);
                m.cost_source = m.cost_source.merge(CostSource::SpendTable);
            }
            m.finish();
            m
        })
        .collect();
    let mut total = Metrics {
        key: "total".into(),
        name: "Total".into(),
        reach: reach.total.len() as u64,
        converters: converters.total.len() as u64,
        opened: inputs.has_opened.then_some(0),
        clicked: inputs.has_clicked.then_some(0),
        ..Metrics::default()
    };
    for c in &channels {
        add_counts(&mut total, c);
    }
    total.finish();

    // Funnels: each step counts the customers who also passed every step before it in the
    // same campaign, so the counts never go up (the independent counts did: 327 clicked, then
    // 523 visited, most of them without a click).
    let steps_with_data = [inputs.has_opened, inputs.has_clicked, has_events, true];
    let step_sets = [&openers, &clickers, &visitors, &converters];
    let depth = |i: usize, customer: &str| -> usize {
        steps_with_data
            .iter()
            .zip(step_sets.iter())
            .filter(|(has, _)| **has)
            .take_while(|(_, set)| set.campaign[i].contains(customer))
            .count()
    };
    let mut total_depth: HashMap<&str, usize> = HashMap::new();
    let mut funnels: Vec<Funnel> = (0..n)
        .map(|i| {
            let mut at = [0u64; 5];
            for customer in &reach.campaign[i] {
                let d = depth(i, customer);
                let best = total_depth.entry(customer).or_default();
                *best = (*best).max(d);
                for a in at.iter_mut().take(d + 1) {
                    *a += 1;
                }
            }
            nested_funnel(
                &inputs.campaigns[i].id,
                &inputs.campaigns[i].name,
                &at,
                steps_with_data,
            )
        })
        .collect();
    let mut at = [0u64; 5];
    for d in total_depth.values() {
        for a in at.iter_mut().take(d + 1) {
            *a += 1;
        }
    }
    funnels.push(nested_funnel("total", "Total", &at, steps_with_data));

    let timeline = timeline(inputs, &a, &campaigns, &has_spend, &first_contact);

    // Campaigns by when they ran, then by id; funnels in the same order (total last).
    let start_of = |i: usize| {
        let c = &inputs.campaigns[i];
        c.start.or_else(|| {
            first_contact[i]
                .and_then(chrono::DateTime::from_timestamp_micros)
                .map(|d| d.date_naive())
        })
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| {
        (start_of(x).is_none(), start_of(x), &inputs.campaigns[x].id).cmp(&(
            start_of(y).is_none(),
            start_of(y),
            &inputs.campaigns[y].id,
        ))
    });
    let total_funnel = funnels.pop().unwrap_or_default();
    let mut sorted_c = Vec::with_capacity(n);
    let mut sorted_f = Vec::with_capacity(n + 1);
    for &i in &order {
        sorted_c.push(std::mem::take(&mut campaigns[i]));
        sorted_f.push(std::mem::take(&mut funnels[i]));
    }
    sorted_f.push(total_funnel);
    channels.retain(|c| c.contacts > 0 || c.cost.is_some() || c.revenue > 0.0);
    Computed {
        campaigns: sorted_c,
        channels,
        total,
        funnels: sorted_f,
        timeline,
        attributed_orders: a.attributed_orders,
        unattributed_revenue: a.unattributed_revenue,
        multi_campaign_orders: a.multi_campaign_orders,
    }
}

/// A funnel from the customers at each depth (`at[0]` contacted, then one per step with data
/// in `has`: opened, clicked, visited, converted).
fn nested_funnel(key: &str, name: &str, at: &[u64; 5], has: [bool; 4]) -> Funnel {
    let mut k = 0;
    let mut next = |has: bool| {
        has.then(|| {
            k += 1;
            at[k]
        })
    };
    let opened = next(has[0]);
    let clicked = next(has[1]);
    let visited = next(has[2]);
    let converted = next(true).unwrap_or(0);
    Funnel {
        key: key.to_string(),
        name: name.to_string(),
        contacted: at[0],
        opened,
        clicked,
        visited,
        converted,
    }
}

fn add_counts(m: &mut Metrics, c: &Metrics) {
    m.contacts += c.contacts;
    m.campaign_reach += c.campaign_reach;
    m.campaign_converters += c.campaign_converters;
    m.opened = m.opened.zip(c.opened).map(|(a, b)| a + b);
    m.clicked = m.clicked.zip(c.clicked).map(|(a, b)| a + b);
    m.conversions += c.conversions;
    m.new_customers += c.new_customers;
    m.revenue += c.revenue;
    if let Some(cost) = c.cost {
        m.cost = Some(m.cost.unwrap_or(0.0) + cost);
    }
    m.cost_source = m.cost_source.merge(c.cost_source);
}

/// Spend and attributed revenue per day. A campaign's cost falls on its spend rows' days
/// (scaled to its cost when that came from elsewhere), else evenly over its start–end days, else
/// on the day of its first contact; revenue falls on the order's day.
fn timeline(
    inputs: &Inputs,
    a: &Attributed,
    campaigns: &[Metrics],
    has_spend: &[bool],
    first_contact: &[Option<i64>],
) -> Vec<Day> {
    let to_day = |m: i64| chrono::DateTime::from_timestamp_micros(m).map(|d| d.date_naive());
    let mut spend: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut revenue: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let index = campaign_index(inputs);
    let mut spend_rows: Vec<Vec<(NaiveDate, f64)>> = vec![Vec::new(); campaigns.len()];
    for s in &inputs.spend {
        match s.campaign.as_deref().and_then(|c| index.get(c)) {
            Some(&i) => spend_rows[i].push((s.day, s.spend)),
            None if s.campaign.is_none() => *spend.entry(s.day).or_default() += s.spend,
            None => {}
        }
    }
    for (i, c) in inputs.campaigns.iter().enumerate() {
        let Some(cost) = campaigns[i].cost else {
            continue;
        };
        let rows_total: f64 = spend_rows[i].iter().map(|r| r.1).sum();
        if has_spend[i] && rows_total != 0.0 {
            for (d, v) in &spend_rows[i] {
                *spend.entry(*d).or_default() += v / rows_total * cost;
            }
        } else if let (Some(s), Some(e)) = (c.start, c.end.or(c.start))
            && e >= s
        {
            let days = (e - s).num_days() + 1;
            for k in 0..days {
                *spend.entry(s + chrono::Days::new(k as u64)).or_default() += cost / days as f64;
            }
        } else if let Some(d) = c.start.or_else(|| first_contact[i].and_then(to_day)) {
            *spend.entry(d).or_default() += cost;
        }
    }
    for cr in &a.credits {
        let o = &inputs.orders[cr.order];
        if let Some(d) = to_day(o.micros) {
            *revenue.entry(d).or_default() += cr.weight * o.revenue;
        }
    }
    // Every day from the first to the last, so that the chart's x axis is time.
    let first = spend.keys().chain(revenue.keys()).min().copied();
    let last = spend.keys().chain(revenue.keys()).max().copied();
    let days: Vec<NaiveDate> = match (first, last) {
        (Some(f), Some(l)) => f.iter_days().take_while(|d| *d <= l).collect(),
        _ => Vec::new(),
    };
    let (mut sc, mut rc) = (0.0, 0.0);
    days.into_iter()
        .map(|d| {
            let (s, r) = (
                spend.get(&d).copied().unwrap_or(0.0),
                revenue.get(&d).copied().unwrap_or(0.0),
            );
            sc += s;
            rc += r;
            Day {
                day: d,
                spend: s,
                revenue: r,
                spend_cum: sc,
                revenue_cum: rc,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaigns::attribution::Model;
    use crate::campaigns::data::{Campaign, Contact, Order, SpendRow};

    const DAY: i64 = 86_400_000_000;

    fn campaign(id: &str, channel: &str, cost: Option<f64>, per: Option<f64>) -> Campaign {
        Campaign {
            id: id.into(),
            name: format!("{id} name"),
            channel: Some(channel.into()),
            start: NaiveDate::from_ymd_opt(1970, 1, 1),
            end: NaiveDate::from_ymd_opt(1970, 1, 2),
            cost,
            cost_per_contact: per,
        }
    }

    fn contact(customer: &str, campaign: &str, day: i64, opened: bool) -> Contact {
        Contact {
            customer: customer.into(),
            campaign: campaign.into(),
            micros: day * DAY,
            opened: Some(opened),
            clicked: Some(false),
            channel: None,
        }
    }

    fn order(id: &str, customer: &str, day: i64, revenue: f64, first: bool) -> Order {
        Order {
            id: id.into(),
            customer: customer.into(),
            micros: day * DAY,
            revenue,
            first,
        }
    }

    /// Three campaigns, hand-checked: A (cost 100) touches u1 on day 0 and u2 on day 0; B
    /// (cost per contact 5) touches u1 on day 2; C (spend rows 10 + 20) touches u3 on day 0.
    /// Orders: u1 day 3 (200, first), u2 day 20 (50: outside the 7-day window), u3 day 1 (90).
    fn inputs() -> Inputs {
        Inputs {
            campaigns: vec![
                campaign("A", "sms", Some(100.0), None),
                campaign("B", "sms", None, Some(5.0)),
                campaign("C", "email", None, None),
            ],
            spend: vec![
                SpendRow {
                    day: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
                    campaign: Some("C".into()),
                    channel: None,
                    spend: 10.0,
                },
                SpendRow {
                    day: NaiveDate::from_ymd_opt(1970, 1, 2).unwrap(),
                    campaign: Some("C".into()),
                    channel: None,
                    spend: 20.0,
                },
            ],
            contacts: vec![
                contact("u1", "A", 0, true),
                contact("u2", "A", 0, false),
                contact("u1", "B", 2, true),
                contact("u3", "C", 0, false),
            ],
            orders: vec![
                order("o3", "u3", 1, 90.0, false),
                order("o1", "u1", 3, 200.0, true),
                order("o2", "u2", 20, 50.0, true),
            ],
            has_opened: true,
            has_clicked: true,
            ..Inputs::default()
        }
    }

    fn by_key<'a>(c: &'a Computed, key: &str) -> &'a Metrics {
        c.campaigns.iter().find(|m| m.key == key).unwrap()
    }

    #[test]
    fn last_touch_metrics_by_hand() {
        let c = compute(&inputs(), &Attribution::default());
        let a = by_key(&c, "A");
        let b = by_key(&c, "B");
        let cc = by_key(&c, "C");
        // Last touch: o1 → B (day 2 is after day 0), o3 → C, o2 unattributed.
        assert_eq!((a.conversions, a.revenue), (0.0, 0.0));
        assert_eq!(
            (b.conversions, b.revenue, b.new_customers),
            (1.0, 200.0, 1.0)
        );
        assert_eq!((cc.conversions, cc.revenue), (1.0, 90.0));
        assert_eq!(c.attributed_orders, 2);
        // o1 has touches by A and B.
        assert_eq!(c.multi_campaign_orders, 1);
        assert_eq!(c.unattributed_revenue, 50.0);
        // Costs from the three sources.
        assert_eq!(
            (a.cost, a.cost_source),
            (Some(100.0), CostSource::CampaignsTable)
        );
        assert_eq!(
            (b.cost, b.cost_source),
            (Some(5.0), CostSource::CostPerContact)
        );
        assert_eq!(
            (cc.cost, cc.cost_source),
            (Some(30.0), CostSource::SpendTable)
        );
        // Ratios.
        assert_eq!(b.roi, Some((200.0 - 5.0) / 5.0));
        assert_eq!(b.roas, Some(40.0));
        assert_eq!(b.cac, Some(5.0));
        assert_eq!(cc.cac, None); // o3 is not u3's first order
        assert_eq!(cc.cost_per_conversion, Some(30.0));
        assert_eq!(a.roi, Some(-1.0));
        assert_eq!(a.revenue_per_contact, Some(0.0));
        // Contacts, reach, opens, converters (model-free: u1 converted for A too).
        assert_eq!((a.contacts, a.reach, a.opened), (2, 2, Some(1)));
        assert_eq!(a.open_rate, Some(0.5));
        assert_eq!(a.converters, 1);
        assert_eq!(a.conversion_rate, Some(0.5));
        // The sms channel: A + B, reach u1 and u2.
        let sms = c.channels.iter().find(|m| m.key == "sms").unwrap();
        assert_eq!((sms.contacts, sms.reach, sms.converters), (3, 2, 1));
        assert_eq!(sms.cost, Some(105.0));
        assert_eq!(sms.cost_source, CostSource::Mixed);
        assert_eq!(sms.revenue, 200.0);
        assert_eq!(c.total.cost, Some(135.0));
        assert_eq!(c.total.revenue, 290.0);
        assert_eq!(c.total.reach, 3);
        // Campaigns by start, then id.
        let keys: Vec<&str> = c.campaigns.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["A", "B", "C"]);
    }

    #[test]
    fn linear_and_first_touch_split_the_order() {
        let lin = compute(
            &inputs(),
            &Attribution {
                model: Model::Linear,
                ..Attribution::default()
            },
        );
        assert_eq!(by_key(&lin, "A").revenue, 100.0);
        assert_eq!(by_key(&lin, "B").revenue, 100.0);
        assert_eq!(by_key(&lin, "A").conversions, 0.5);
        let first = compute(
            &inputs(),
            &Attribution {
                model: Model::FirstTouch,
                ..Attribution::default()
            },
        );
        assert_eq!(by_key(&first, "A").revenue, 200.0);
        // The total revenue is the same under every model: each order's credit sums to 1.
        for m in Model::ALL {
            let c = compute(
                &inputs(),
                &Attribution {
                    model: m,
                    ..Attribution::default()
                },
            );
            assert!((c.total.revenue - 290.0).abs() < 1e-9, "{m}");
            assert!((c.total.conversions - 2.0).abs() < 1e-12, "{m}");
        }
    }

    #[test]
    fn timeline_adds_up_to_the_cost() {
        let c = compute(&inputs(), &Attribution::default());
        let last = c.timeline.last().unwrap();
        assert!((last.spend_cum - 135.0).abs() < 1e-9);
        assert!((last.revenue_cum - 290.0).abs() < 1e-9);
        // Every day from the first spend (day 0) to the last attributed order (day 3).
        assert_eq!(c.timeline.len(), 4);
        // A's 100 is spread over its two days; C's spend rows are on theirs; B (5) over two days.
        assert_eq!(
            c.timeline[0].day,
            NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
        );
        assert!((c.timeline[0].spend - (50.0 + 10.0 + 2.5)).abs() < 1e-9);
    }

    #[test]
    fn funnel_counts_customers() {
        let c = compute(&inputs(), &Attribution::default());
        let total = c.funnels.last().unwrap();
        assert_eq!(total.key, "total");
        assert_eq!(total.contacted, 3);
        assert_eq!(total.opened, Some(1));
        // Nobody clicked, so nobody gets further in the funnel, though u1 and u3 bought.
        assert_eq!(total.clicked, Some(0));
        assert_eq!(total.visited, None);
        assert_eq!(total.converted, 0);
        assert_eq!(c.total.converters, 2);
    }

    #[test]
    fn funnel_never_goes_up() {
        // Of four reached customers one opened and clicked, three visited (two without a
        // click), and two bought: counted step by step, the funnel is 4, 1, 1, 1, 1.
        let mut i = inputs();
        i.campaigns.truncate(1);
        i.contacts = ["u1", "u2", "u3", "u4"]
            .iter()
            .map(|u| contact(u, "A", 0, *u == "u1"))
            .collect();
        i.contacts[0].clicked = Some(true);
        i.visits = ["u1", "u2", "u3"]
            .iter()
            .map(|u| (u.to_string(), vec![DAY]))
            .collect();
        i.orders = vec![
            order("o1", "u1", 2, 10.0, true),
            order("o2", "u2", 2, 10.0, true),
        ];
        let c = compute(&i, &Attribution::default());
        for f in &c.funnels {
            let steps = [
                Some(f.contacted),
                f.opened,
                f.clicked,
                f.visited,
                Some(f.converted),
            ];
            assert_eq!(steps, [Some(4), Some(1), Some(1), Some(1), Some(1)]);
        }
        assert_eq!(c.campaigns[0].converters, 2);
    }

    #[test]
    fn total_conversion_rate_lies_between_the_campaigns() {
        // X reaches u1 and u2 (u1 buys), Y reaches u2 and u3 (u3 buys): each converts 1 of 2.
        // Counted per campaign the total is (1 + 1) / (2 + 2) = 50%; counted per distinct
        // customer it is 2 of 3 (u2, reached twice, had two chances), above both campaigns.
        let mut i = inputs();
        i.campaigns = vec![
            campaign("X", "sms", Some(10.0), None),
            campaign("Y", "email", Some(10.0), None),
        ];
        i.contacts = vec![
            contact("u1", "X", 0, false),
            contact("u2", "X", 0, false),
            contact("u2", "Y", 10, false),
            contact("u3", "Y", 10, false),
        ];
        i.orders = vec![
            order("o1", "u1", 1, 10.0, true),
            order("o3", "u3", 11, 10.0, true),
        ];
        let c = compute(&i, &Attribution::default());
        let rates: Vec<f64> = c
            .campaigns
            .iter()
            .filter_map(|m| m.conversion_rate)
            .collect();
        assert_eq!(rates, [0.5, 0.5]);
        assert_eq!(
            (c.total.campaign_converters, c.total.campaign_reach),
            (2, 4)
        );
        assert_eq!(c.total.conversion_rate, Some(0.5));
        assert_eq!((c.total.converters, c.total.reach), (2, 3));
        assert_eq!(c.total.customer_conversion_rate, Some(2.0 / 3.0));
        // The same for each channel (one campaign each) and for the first fixture's channels.
        for ch in &c.channels {
            assert_eq!(ch.conversion_rate, Some(0.5));
        }
        let c = compute(&inputs(), &Attribution::default());
        // A 1/2, B 1/1, C 1/1: (1 + 1 + 1) / (2 + 1 + 1).
        assert_eq!(c.total.conversion_rate, Some(0.75));
        let sms = c.channels.iter().find(|m| m.key == "sms").unwrap();
        assert_eq!(sms.conversion_rate, Some(2.0 / 3.0));
    }
}
