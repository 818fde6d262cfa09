//! The recommenders behind one interface: fit on a period of purchases, then the top items of
//! any customer, each with its reason.

use super::als::{Als, AlsOptions, fit_als};
use super::assoc::{RulesModel, fit_rules};
use super::interactions::Interactions;
use super::itemknn::{ItemKnn, KnnOptions, fit_itemknn};
use super::matrix::{TrainSet, Weighting};
use super::popular::{Popular, fit_popular};
use super::reasons::{ItemLabel, Reason};
use super::rules::RuleOptions;
use crate::error::{Error, Result};
use crate::parallel::{for_each_block, threads};
use crate::progress::{Reporter, Stage, Unit};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// The recommenders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    /// The most bought items overall.
    Popular,
    /// The most bought items among the customers recommended to (e.g. a segment).
    GroupPopular,
    /// Item-to-item collaborative filtering.
    #[serde(rename = "itemknn")]
    ItemKnn,
    /// Association rules.
    Rules,
    /// Matrix factorisation (implicit ALS).
    Als,
}

impl Algorithm {
    pub const ALL: [Algorithm; 5] = [
        Algorithm::Popular,
        Algorithm::GroupPopular,
        Algorithm::ItemKnn,
        Algorithm::Rules,
        Algorithm::Als,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Popular => "popular",
            Algorithm::GroupPopular => "group-popular",
            Algorithm::ItemKnn => "itemknn",
            Algorithm::Rules => "rules",
            Algorithm::Als => "als",
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "'{s}' is not a recommender; use {}",
                    Algorithm::ALL.map(Algorithm::name).join(", ")
                ))
            })
    }
}

/// How the models are fitted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelOptions {
    pub weighting: Weighting,
    pub knn: KnnOptions,
    pub als: AlsOptions,
    /// The rules recommender's mining options (consequents are always one item).
    pub rules: RuleOptions,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            weighting: Weighting::Binary,
            knn: KnnOptions::default(),
            als: AlsOptions::default(),
            rules: RuleOptions {
                min_support: 0.005,
                min_confidence: 0.1,
                min_lift: 1.0,
                max_len: 3,
                max_consequent: 1,
            },
        }
    }
}

impl ModelOptions {
    /// An error for options no model can work with.
    pub fn check(&self) -> Result<()> {
        if let Weighting::Recency { half_life_days } = self.weighting
            && !(half_life_days > 0.0 && half_life_days.is_finite())
        {
            return Err(Error::InvalidArgument(format!(
                "the recency half-life is a number of days above 0, not {half_life_days}"
            )));
        }
        Ok(())
    }
}

/// What to recommend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecommendOptions {
    /// Items per customer.
    pub k: usize,
    /// Leave out items the customer already bought (in the data the model learnt from).
    pub exclude_bought: bool,
    /// When a model has fewer than k items for a customer (a rule-less or new customer), fill
    /// the rest with the most popular items (their reason says so).
    pub fill_with_popular: bool,
    /// Threads (0: one per core).
    pub threads: usize,
}

impl Default for RecommendOptions {
    fn default() -> Self {
        RecommendOptions {
            k: 10,
            exclude_bought: true,
            fill_with_popular: true,
            threads: 0,
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone)]
pub enum Model {
    Popular(Popular),
    ItemKnn(ItemKnn),
    Rules(RulesModel),
    Als(Als),
}

/// An item picked for a customer, before its reason.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub item: u32,
    pub score: f64,
    /// Picked by the popularity fill, not by the model.
    pub filled: bool,
}

/// Scratch space for scoring one customer at a time (one per thread).
#[derive(Debug, Clone)]
pub struct Scratch {
    scores: Vec<f64>,
    touched: Vec<u32>,
    bought: Vec<bool>,
}

/// A model fitted on a period of purchases, with the popularity that fills short lists.
#[derive(Debug, Clone)]
pub struct Recommender {
    pub algorithm: Algorithm,
    pub model: Model,
    pub fallback: Popular,
    pub train: TrainSet,
}

/// A recommendation, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub customer: String,
    /// 1 for the best.
    pub rank: usize,
    pub item: ItemLabel,
    pub score: f64,
    pub filled: bool,
    pub reason: Reason,
}

/// The best `k` of `cands` (score descending, then item number), sorted.
fn best(mut cands: Vec<(u32, f64)>, k: usize) -> Vec<(u32, f64)> {
    let order = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if k == 0 {
        return Vec::new();
    }
    if cands.len() > k {
        cands.select_nth_unstable_by(k - 1, order);
        cands.truncate(k);
    }
    cands.sort_by(order);
    cands
}

impl Recommender {
    /// Fits `algorithm` on the purchases for which `keep` holds. `group` (customer numbers) is
    /// the group whose popularity [`Algorithm::GroupPopular`] ranks by; the others ignore it.
    pub fn fit(
        inter: &Interactions,
        keep: impl Fn(&super::interactions::Purchase) -> bool,
        algorithm: Algorithm,
        group: &[u32],
        opts: &ModelOptions,
        rep: &Reporter,
    ) -> Result<Recommender> {
        opts.check()?;
        rep.report(Stage::Fitting, 0, None, Unit::Steps, 0, true);
        let train = TrainSet::new(inter, keep, opts.weighting);
        Recommender::fit_train(train, algorithm, group, opts, rep)
    }

    /// Fits `algorithm` on a [`TrainSet`] already built (with `opts.weighting`).
    pub fn fit_train(
        train: TrainSet,
        algorithm: Algorithm,
        group: &[u32],
        opts: &ModelOptions,
        rep: &Reporter,
    ) -> Result<Recommender> {
        rep.check()?;
        let fallback = fit_popular(&train, None);
        let model = match algorithm {
            Algorithm::Popular => Model::Popular(fallback.clone()),
            Algorithm::GroupPopular => Model::Popular(fit_popular(&train, Some(group))),
            Algorithm::ItemKnn => Model::ItemKnn(fit_itemknn(&train, &opts.knn, rep)?),
            Algorithm::Rules => Model::Rules(fit_rules(&train, &opts.rules)?),
            Algorithm::Als => Model::Als(fit_als(&train, &opts.als, rep)?),
        };
        Ok(Recommender {
            algorithm,
            model,
            fallback,
            train,
        })
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            scores: vec![0.0; self.train.items()],
            touched: Vec::new(),
            bought: vec![false; self.train.items()],
        }
    }

    /// The best `k` items for customer `u` (a customer number of the [`Interactions`] fitted).
    pub fn top_k(&self, u: u32, opts: &RecommendOptions, s: &mut Scratch) -> Vec<Scored> {
        let (items, weights) = self.train.user_items.row(u as usize);
        for &i in items {
            s.bought[i as usize] = true;
        }
        let bought = &s.bought;
        let skip = |i: u32| opts.exclude_bought && bought[i as usize];
        let k = opts.k;
        let picked: Vec<(u32, f64)> = match &self.model {
            Model::Popular(p) => p.top(k, skip),
            Model::Rules(m) => m.top(bought, k, skip),
            Model::ItemKnn(m) => {
                m.accumulate(items, weights, &mut s.scores, &mut s.touched);
                let cands = s
                    .touched
                    .iter()
                    .filter(|&&i| !skip(i))
                    .map(|&i| (i, s.scores[i as usize]))
                    .collect();
                for &i in &s.touched {
                    s.scores[i as usize] = 0.0;
                }
                s.touched.clear();
                best(cands, k)
            }
            // A customer without purchases has no factors: nothing to rank by.
            Model::Als(_) if items.is_empty() => Vec::new(),
            Model::Als(m) => {
                let x = m.user(u);
                let cands = (0..self.train.items() as u32)
                    .filter(|&i| self.train.buyers[i as usize] > 0 && !skip(i))
                    .map(|i| (i, super::linalg::dot(x, m.item(i))))
                    .collect();
                best(cands, k)
            }
        };
        let mut out: Vec<Scored> = picked
            .iter()
            .map(|&(item, score)| Scored {
                item,
                score,
                filled: false,
            })
            .collect();
        if opts.fill_with_popular && out.len() < k {
            let fill = self
                .fallback
                .top(k, |i| skip(i) || picked.iter().any(|&(p, _)| p == i));
            out.extend(
                fill.into_iter()
                    .take(k - out.len())
                    .map(|(item, score)| Scored {
                        item,
                        score,
                        filled: true,
                    }),
            );
        }
        for &i in items {
            s.bought[i as usize] = false;
        }
        out
    }

    /// Why `scored` was picked for customer `u`.
    pub fn explain(&self, inter: &Interactions, u: u32, scored: &Scored) -> Reason {
        let popular = |p: &Popular| {
            let buyers = p.buyers.get(scored.item as usize).copied().unwrap_or(0);
            if p.in_group {
                Reason::PopularInGroup {
                    buyers,
                    customers: p.customers,
                }
            } else {
                Reason::Popular {
                    buyers,
                    customers: p.customers,
                }
            }
        };
        if scored.filled {
            return popular(&self.fallback);
        }
        let (items, weights) = self.train.user_items.row(u as usize);
        let item = scored.item;
        let reason = match &self.model {
            Model::Popular(p) => Some(popular(p)),
            Model::ItemKnn(m) => m
                .strongest_source(items, weights, item)
                .map(|(src, nb, n)| {
                    let (ni, nj) = (
                        f64::from(m.buyers[src as usize]),
                        f64::from(m.buyers[item as usize]),
                    );
                    let c = f64::from(nb.common);
                    Reason::AlsoBought {
                        item: inter.label(src),
                        share: c / ni,
                        lift: c * f64::from(m.customers) / (ni * nj),
                        more: n.saturating_sub(1),
                    }
                }),
            Model::Rules(m) => {
                let mut bought = vec![false; self.train.items()];
                for &i in items {
                    bought[i as usize] = true;
                }
                m.best_rule(&bought, item).map(|r| Reason::Rule {
                    antecedents: r.antecedents.iter().map(|&a| inter.label(a)).collect(),
                    confidence: r.confidence,
                    lift: r.lift,
                    support: r.support,
                })
            }
            Model::Als(m) => m
                .explain(&self.train, u, item)
                .map(|(j, share)| Reason::Taste {
                    item: inter.label(j),
                    share,
                }),
        };
        reason.unwrap_or_else(|| popular(&self.fallback))
    }

    /// Recommendations with reasons for `customers` (customer numbers), in that order, on all
    /// cores.
    pub fn recommend(
        &self,
        inter: &Interactions,
        customers: &[u32],
        opts: &RecommendOptions,
        rep: &Reporter,
    ) -> Result<Vec<Recommendation>> {
        let done = AtomicU64::new(0);
        let total = customers.len() as u64;
        let mut out: Vec<Vec<Recommendation>> = vec![Vec::new(); customers.len()];
        for_each_block(
            &mut out,
            1,
            16,
            threads(opts.threads),
            || self.scratch(),
            |s, first, block| {
                rep.check()?;
                for (k, slot) in block.iter_mut().enumerate() {
                    let u = customers[first + k];
                    *slot = self
                        .top_k(u, opts, s)
                        .iter()
                        .enumerate()
                        .map(|(r, sc)| Recommendation {
                            customer: inter.customers.get(u as usize).cloned().unwrap_or_default(),
                            rank: r + 1,
                            item: inter.label(sc.item),
                            score: sc.score,
                            filled: sc.filled,
                            reason: self.explain(inter, u, sc),
                        })
                        .collect();
                }
                let d = done.fetch_add(block.len() as u64, Ordering::Relaxed) + block.len() as u64;
                rep.report(Stage::Recommending, d, Some(total), Unit::Steps, d, false);
                Ok(())
            },
        )?;
        Ok(out.into_iter().flatten().collect())
    }
}

/// Recommendations for a set of customers, and the ids that were not found.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendations {
    pub algorithm: Algorithm,
    pub rows: Vec<Recommendation>,
    /// Customers found in the data.
    pub customers: usize,
    /// Ids not in the data (no purchase).
    pub unknown: Vec<String>,
}

/// The one call behind a recommendation page and `loupe recommend`: fits `algorithm` on all
/// purchases and recommends to the customers with these ids (any set: one customer, a list, a
/// segment's members). [`Algorithm::GroupPopular`] ranks by popularity within these customers.
pub fn recommend_for_customers<S: AsRef<str>>(
    inter: &Interactions,
    customer_ids: &[S],
    algorithm: Algorithm,
    model: &ModelOptions,
    opts: &RecommendOptions,
    rep: &Reporter,
) -> Result<Recommendations> {
    let (found, unknown) = inter.resolve_customers(customer_ids);
    if found.is_empty() {
        let shown: Vec<&str> = unknown.iter().take(5).map(String::as_str).collect();
        return Err(Error::InvalidArgument(format!(
            "none of the {} customer id(s) has a purchase in the data (e.g. {})",
            unknown.len(),
            shown.join(", ")
        )));
    }
    let rec = Recommender::fit(inter, |_| true, algorithm, &found, model, rep)?;
    let rows = rec.recommend(inter, &found, opts, rep)?;
    Ok(Recommendations {
        algorithm,
        rows,
        customers: found.len(),
        unknown,
    })
}
