//! Models fitted once for a page, so that picking another customer is instant: each
//! algorithm's model on all purchases, kept with the options it was fitted with, and the top
//! items of one customer from it.

use super::interactions::Interactions;
use super::matrix::TrainSet;
use super::model::{Algorithm, ModelOptions, RecommendOptions, Recommendation, Recommender};
use crate::error::Result;
use crate::progress::{Reporter, Stage, Unit};
use std::sync::Arc;

/// What a model of `algorithm` depends on, as text: two fits with the same key are the same
/// model (`group` only matters to [`Algorithm::GroupPopular`]).
pub fn fit_key(algorithm: Algorithm, opts: &ModelOptions, group: &[u32]) -> String {
    let w = format!("{:?}", opts.weighting);
    match algorithm {
        Algorithm::Popular => w,
        Algorithm::GroupPopular => {
            // The group's size and a checksum of its members: cheap, and enough to tell groups
            // apart.
            let sum = group.iter().fold(0u64, |h, &u| {
                h.wrapping_mul(1_000_003).wrapping_add(u64::from(u) + 1)
            });
            format!("{w} {} {sum:x}", group.len())
        }
        Algorithm::ItemKnn => format!("{w} {:?}", opts.knn),
        Algorithm::Rules => format!("{:?}", opts.rules),
        Algorithm::Als => format!("{w} {:?}", opts.als),
    }
}

/// A model and the key it was fitted for.
#[derive(Debug, Clone)]
pub struct FittedModel {
    pub key: String,
    pub recommender: Arc<Recommender>,
}

/// Fits `algorithms` on all purchases (one matrix for all), reporting one step per model.
/// `group` is the group of [`Algorithm::GroupPopular`].
pub fn fit_models(
    inter: &Interactions,
    algorithms: &[Algorithm],
    group: &[u32],
    opts: &ModelOptions,
    rep: &Reporter,
) -> Result<Vec<FittedModel>> {
    opts.check()?;
    let train = TrainSet::new(inter, |_| true, opts.weighting);
    let mut out = Vec::with_capacity(algorithms.len());
    for (n, &a) in algorithms.iter().enumerate() {
        rep.report(
            Stage::Fitting,
            n as u64,
            Some(algorithms.len() as u64),
            Unit::Steps,
            0,
            true,
        );
        let r = Recommender::fit_train(train.clone(), a, group, opts, rep)?;
        out.push(FittedModel {
            key: fit_key(a, opts, group),
            recommender: Arc::new(r),
        });
    }
    Ok(out)
}

/// The top items of one customer (a customer number of `inter`), with reasons, on this thread.
pub fn recommend_one(
    rec: &Recommender,
    inter: &Interactions,
    customer: u32,
    opts: &RecommendOptions,
) -> Result<Vec<Recommendation>> {
    let one = RecommendOptions {
        threads: 1,
        ..*opts
    };
    rec.recommend(inter, &[customer], &one, &Reporter::silent())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::interactions::{InteractionsBuilder, RawLine};
    use crate::recommend::model::recommend_for_customers;

    fn shop() -> Interactions {
        let mut b = InteractionsBuilder::new();
        let baskets = [
            ("u0", "abc"),
            ("u1", "ab"),
            ("u2", "abd"),
            ("u3", "cd"),
            ("u4", "a"),
            ("u5", "bde"),
            ("u6", "ce"),
        ];
        for (n, (c, items)) in baskets.iter().enumerate() {
            for i in items.chars() {
                b.push(RawLine {
                    customer: c,
                    item: &i.to_string(),
                    description: None,
                    order: Some(&format!("o{n}")),
                    time: "",
                    day: n as i32,
                    quantity: 1.0,
                });
            }
        }
        b.finish()
    }

    #[test]
    fn the_fitted_set_recommends_as_the_one_call_does() {
        let inter = shop();
        let opts = ModelOptions {
            rules: crate::recommend::RuleOptions {
                min_support: 0.1,
                min_confidence: 0.1,
                ..ModelOptions::default().rules
            },
            ..ModelOptions::default()
        };
        let rec = RecommendOptions {
            k: 3,
            ..RecommendOptions::default()
        };
        let group = [0u32, 4];
        let algos = Algorithm::ALL;
        let fitted = fit_models(&inter, &algos, &group, &opts, &Reporter::silent()).unwrap();
        assert_eq!(fitted.len(), 5);
        for (f, &a) in fitted.iter().zip(&algos) {
            assert_eq!(f.recommender.algorithm, a);
            assert_eq!(f.key, fit_key(a, &opts, &group));
            for u in group {
                let one = recommend_one(&f.recommender, &inter, u, &rec).unwrap();
                let id = inter.customers[u as usize].clone();
                let ids = if a == Algorithm::GroupPopular {
                    vec!["u0".to_string(), "u4".to_string()]
                } else {
                    vec![id.clone()]
                };
                let want =
                    recommend_for_customers(&inter, &ids, a, &opts, &rec, &Reporter::silent())
                        .unwrap();
                let want: Vec<_> = want.rows.into_iter().filter(|r| r.customer == id).collect();
                assert_eq!(one, want, "{a} for {id}");
                assert!(!one.is_empty());
            }
        }
        // Keys change with what the model depends on, and only with that.
        let knn = ModelOptions {
            knn: crate::recommend::itemknn::KnnOptions {
                neighbours: 5,
                ..opts.knn
            },
            ..opts.clone()
        };
        assert_ne!(
            fit_key(Algorithm::ItemKnn, &opts, &[]),
            fit_key(Algorithm::ItemKnn, &knn, &[])
        );
        assert_eq!(
            fit_key(Algorithm::Als, &opts, &[]),
            fit_key(Algorithm::Als, &knn, &[])
        );
        assert_ne!(
            fit_key(Algorithm::GroupPopular, &opts, &[0, 4]),
            fit_key(Algorithm::GroupPopular, &opts, &[0, 5])
        );
    }
}
