//! Offline evaluation with a time split: the models learn from the purchases before a date and
//! are scored on what the customers bought from that date on.
//!
//! - Customers evaluated: those with purchases both before and from the split date, and at
//!   least one relevant item.
//! - Relevant items ([`Relevant::NewItems`], the default): the items a customer bought from the
//!   split date on that they had not bought before it. Recommendations leave out items already
//!   bought, so re-purchases could never be found; counting them would lower every
//!   recommender alike and reward none. [`Relevant::AllItems`] counts them too.
//! - Catalogue: the items bought before the split date (nothing else can be recommended).
//! - Metrics: see [`super::metrics`]; novelty uses the share of the training customers who
//!   bought each item.

use super::interactions::Interactions;
use super::matrix::TrainSet;
use super::metrics::{Metrics, MetricsSum, self_information};
use super::model::{Algorithm, ModelOptions, RecommendOptions, Recommender};
use crate::error::{Error, Result};
use crate::parallel::{for_each_block, threads};
use crate::progress::{Reporter, Stage, Unit};
use serde::Serialize;
use std::time::Instant;

/// Which test-period items count as relevant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relevant {
    /// Bought in the test period and not before the split.
    #[default]
    NewItems,
    /// Bought in the test period.
    AllItems,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalOptions {
    /// The first day of the test period (days since 1970-01-01).
    pub split_day: i32,
    pub k: usize,
    pub algorithms: Vec<Algorithm>,
    pub model: ModelOptions,
    pub relevant: Relevant,
    /// Fill short lists with popular items, as recommendations do.
    pub fill_with_popular: bool,
    /// Leave out items bought before the split, as recommendations do.
    pub exclude_bought: bool,
    pub threads: usize,
}

impl EvalOptions {
    /// The defaults for a split day: k 10, popularity, item-kNN, rules and ALS.
    pub fn new(split_day: i32) -> Self {
        EvalOptions {
            split_day,
            k: 10,
            algorithms: vec![
                Algorithm::Popular,
                Algorithm::ItemKnn,
                Algorithm::Rules,
                Algorithm::Als,
            ],
            model: ModelOptions::default(),
            relevant: Relevant::NewItems,
            fill_with_popular: true,
            exclude_bought: true,
            threads: 0,
        }
    }
}

/// One recommender's scores.
#[derive(Debug, Clone, Serialize)]
pub struct AlgoResult {
    pub algorithm: Algorithm,
    #[serde(flatten)]
    pub metrics: Metrics,
    pub fit_seconds: f64,
    pub recommend_seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// The split date, YYYY-MM-DD.
    pub split: String,
    pub k: usize,
    pub relevant: Relevant,
    pub train_lines: usize,
    pub test_lines: usize,
    /// Customers with a purchase before the split.
    pub train_customers: u32,
    /// Customers with purchases on both sides of the split.
    pub customers_in_both: usize,
    /// Of those, the ones with a relevant item: the customers evaluated.
    pub customers_evaluated: usize,
    /// Items bought before the split.
    pub catalogue: usize,
    pub results: Vec<AlgoResult>,
}

/// A day (since 1970-01-01) as YYYY-MM-DD.
pub fn date_text(day: i32) -> String {
    crate::format::day_text(i64::from(day))
}

/// Evaluates each recommender of `opts.algorithms` on the time split.
pub fn evaluate(inter: &Interactions, opts: &EvalOptions, rep: &Reporter) -> Result<EvalReport> {
    opts.model.check()?;
    if opts.k == 0 {
        return Err(Error::InvalidArgument("k must be at least 1".into()));
    }
    let split = opts.split_day;
    let train = TrainSet::new(inter, |l| l.day < split, opts.model.weighting);
    let mut test: Vec<Vec<u32>> = vec![Vec::new(); inter.customers.len()];
    let mut test_lines = 0;
    for l in inter.lines.iter().filter(|l| l.day >= split) {
        test[l.customer as usize].push(l.item);
        test_lines += 1;
    }
    let in_both: Vec<u32> = (0..inter.customers.len() as u32)
        .filter(|&u| !test[u as usize].is_empty() && !train.user_items.row(u as usize).0.is_empty())
        .collect();
    let mut users = Vec::new();
    let mut relevant = Vec::new();
    for &u in &in_both {
        let mut r = std::mem::take(&mut test[u as usize]);
        r.sort_unstable();
        r.dedup();
        if opts.relevant == Relevant::NewItems {
            let before = train.user_items.row(u as usize).0;
            r.retain(|i| before.binary_search(i).is_err());
        }
        if !r.is_empty() {
            users.push(u);
            relevant.push(r);
        }
    }
    let train_lines = inter.lines.iter().filter(|l| l.day < split).count();
    if train_lines == 0 || users.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "splitting at {} leaves {} purchase line(s) before and {} customer(s) to evaluate after; pick a date inside the data",
            date_text(split),
            train_lines,
            users.len()
        )));
    }
    let catalogue = train.buyers.iter().filter(|&&b| b > 0).count();
    let rec_opts = RecommendOptions {
        k: opts.k,
        exclude_bought: opts.exclude_bought,
        fill_with_popular: opts.fill_with_popular,
        threads: opts.threads,
    };
    let mut results = Vec::new();
    for (n, &algorithm) in opts.algorithms.iter().enumerate() {
        rep.report(
            Stage::Evaluating,
            n as u64,
            Some(opts.algorithms.len() as u64),
            Unit::Steps,
            0,
            true,
        );
        let started = Instant::now();
        let rec = Recommender::fit_train(train.clone(), algorithm, &users, &opts.model, rep)?;
        let fit_seconds = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); users.len()];
        for_each_block(
            &mut lists,
            1,
            64,
            threads(opts.threads),
            || rec.scratch(),
            |s, first, block| {
                rep.check()?;
                for (k, list) in block.iter_mut().enumerate() {
                    *list = rec
                        .top_k(users[first + k], &rec_opts, s)
                        .iter()
                        .map(|x| x.item)
                        .collect();
                }
                Ok(())
            },
        )?;
        let recommend_seconds = started.elapsed().as_secs_f64();
        let mut sum = MetricsSum::new(opts.k, train.items());
        let info = |i: u32| self_information(train.buyers[i as usize], train.active_customers);
        for (list, rel) in lists.iter().zip(&relevant) {
            sum.add(list, rel, info);
        }
        results.push(AlgoResult {
            algorithm,
            metrics: sum.finish(catalogue),
            fit_seconds,
            recommend_seconds,
        });
    }
    Ok(EvalReport {
        split: date_text(split),
        k: opts.k,
        relevant: opts.relevant,
        train_lines,
        test_lines,
        train_customers: train.active_customers,
        customers_in_both: in_both.len(),
        customers_evaluated: users.len(),
        catalogue,
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::interactions::{InteractionsBuilder, RawLine};

    #[test]
    fn popularity_on_a_split_by_hand() {
        // Before day 10: u0 {a, b}, u1 {a, c}, u2 {a, b, c}, u3 {d}.
        // From day 10: u0 {c, e}, u1 {a, b}, u3 {d}.
        let mut b = InteractionsBuilder::new();
        let lines = [
            ("u0", "a", 0),
            ("u0", "b", 0),
            ("u1", "a", 0),
            ("u1", "c", 0),
            ("u2", "a", 0),
            ("u2", "b", 0),
            ("u2", "c", 0),
            ("u3", "d", 0),
            ("u0", "c", 10),
            ("u0", "e", 10),
            ("u1", "a", 10),
            ("u1", "b", 12),
            ("u3", "d", 11),
        ];
        for (c, i, day) in lines {
            b.push(RawLine {
                customer: c,
                item: i,
                description: None,
                order: None,
                time: &day.to_string(),
                day,
                quantity: 1.0,
            });
        }
        let inter = b.finish();
        let opts = EvalOptions {
            k: 2,
            algorithms: vec![Algorithm::Popular],
            ..EvalOptions::new(10)
        };
        let r = evaluate(&inter, &opts, &Reporter::silent()).unwrap();
        assert_eq!((r.train_lines, r.test_lines), (8, 5));
        // u3 re-bought d only: nothing new to find.
        assert_eq!((r.customers_in_both, r.customers_evaluated), (3, 2));
        assert_eq!(r.catalogue, 4);
        assert_eq!(r.split, "1970-01-11");
        // Popularity a 3, b 2, c 2, d 1. u0 gets [c, d] (relevant {c, e}); u1 gets [b, d]
        // (relevant {b}).
        let m = r.results[0].metrics;
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} != {b}");
        close(m.precision, 0.5);
        close(m.recall, (0.5 + 1.0) / 2.0);
        close(m.map, (0.5 + 1.0) / 2.0);
        close(m.ndcg, (1.0 / (1.0 + 1.0 / 3f64.log2()) + 1.0) / 2.0);
        close(m.hit_rate, 1.0);
        // b, c, d of a, b, c, d.
        close(m.coverage, 0.75);
        // c and b: 2 of 4 buyers (1 bit); d: 1 of 4 (2 bits).
        close(m.novelty, 1.5);
        // With all test items relevant, u3 counts (and cannot be served: d was bought).
        let all = EvalOptions {
            relevant: Relevant::AllItems,
            ..opts.clone()
        };
        let r = evaluate(&inter, &all, &Reporter::silent()).unwrap();
        assert_eq!(r.customers_evaluated, 3);
        assert!(evaluate(&inter, &EvalOptions::new(0), &Reporter::silent()).is_err());
    }
}
