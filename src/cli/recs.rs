//! `loupe recommend` and `loupe evaluate-recs`: recommendations with reasons, and their offline
//! evaluation on a time split.

use super::progress_bar::with_bar;
use super::ranges;
use super::say;
use clap::Args;
use loupe::error::{Error, Result};
use loupe::i18n::{Lang, int};
use loupe::recommend::als::AlsOptions;
use loupe::recommend::itemknn::{KnnOptions, Similarity};
use loupe::recommend::output::cells;
use loupe::recommend::{
    Algorithm, EvalOptions, ModelOptions, ReadOptions, RecommendOptions, Relevant, RuleOptions,
    Weighting, evaluate, read_customer_ids, read_interactions, recommend_for_customers,
    write_recommendations,
};
use loupe::store::Project;
use std::path::PathBuf;

/// How the models are fitted (shared by both commands).
#[derive(Args)]
pub struct ModelArgs {
    /// Only rows satisfying this SQL condition, e.g. "Country = 'United Kingdom'". Rows with a
    /// quantity or amount of 0 or less are never purchases.
    #[arg(long = "where")]
    filter: Option<String>,
    /// How purchases count: binary (bought or not), quantity (ln(1 + units)) or recency
    /// (halving every --half-life days before the last day).
    #[arg(long, default_value = "binary")]
    weight: String,
    #[arg(long, default_value_t = 90.0, value_name = "DAYS", value_parser = ranges::above_zero::<36_500>)]
    half_life: f64,
    /// Item-kNN similarity: cosine or jaccard.
    #[arg(long, default_value = "jaccard")]
    similarity: String,
    /// Item-kNN shrinkage (common buyers c weigh c / (c + shrink)).
    #[arg(long, default_value_t = KnnOptions::default().shrink, value_parser = ranges::number::<0, 1_000_000>)]
    shrink: f64,
    /// Item-kNN neighbours kept per item.
    #[arg(long, default_value_t = KnnOptions::default().neighbours, value_parser = ranges::whole::<usize, 1, 10_000>)]
    neighbours: usize,
    /// ALS factors, iterations, α (confidence 1 + α r) and λ.
    #[arg(long, default_value_t = AlsOptions::default().factors, value_parser = ranges::whole::<usize, 1, 1_000>)]
    factors: usize,
    #[arg(long, default_value_t = AlsOptions::default().iterations, value_parser = ranges::whole::<usize, 1, 1_000>)]
    iterations: usize,
    #[arg(long, default_value_t = AlsOptions::default().alpha, value_parser = ranges::number::<0, 1_000_000>)]
    alpha: f64,
    #[arg(long, default_value_t = AlsOptions::default().regularization, value_parser = ranges::number::<0, 1_000_000>)]
    regularization: f64,
    /// Rules: least share of orders holding all items of a rule, and least confidence.
    #[arg(long, default_value_t = ModelOptions::default().rules.min_support, value_parser = ranges::above_zero::<1>)]
    min_support: f64,
    #[arg(long, default_value_t = ModelOptions::default().rules.min_confidence, value_parser = ranges::number::<0, 1>)]
    min_confidence: f64,
    /// Do not fill short lists with popular items.
    #[arg(long)]
    no_fill: bool,
    /// On a linked dataset the model is fitted on this machine: pull at most this many purchase
    /// lines (they are counted first), else stop and say how many there are.
    #[arg(long, default_value_t = 5_000_000, value_parser = ranges::whole::<u64, 1, 1_000_000_000>)]
    max_pull: u64,
    /// On a linked dataset: pull the lines of this share of the customers only (0–1, the same
    /// customers each time).
    #[arg(long, value_parser = ranges::above_zero::<1>)]
    sample: Option<f64>,
}

/// The purchase lines: read from the project, or, for a linked dataset, counted by the
/// warehouse, said, and pulled when within --max-pull.
fn interactions(
    project: &Project,
    dataset: &str,
    m: &ModelArgs,
) -> Result<loupe::recommend::Interactions> {
    use loupe::warehouse::interactions::{PullOptions, plan, pull};
    let Some(link) = loupe::warehouse::link::linked(project, dataset)? else {
        let read = ReadOptions {
            filter: m.filter.clone(),
        };
        return with_bar(|rep| read_interactions(project, dataset, &read, rep));
    };
    let opts = PullOptions {
        filter: m.filter.clone(),
        sample: m.sample,
    };
    let (p, _) = with_bar(|rep| plan(&link, &opts, rep))?;
    let share = m
        .sample
        .filter(|s| *s < 1.0)
        .map(|s| format!(" of {:.1}% of the customers", s * 100.0))
        .unwrap_or_default();
    if p.lines > m.max_pull {
        return Err(Error::InvalidArgument(format!(
            "linked dataset '{dataset}' has {} purchase lines{share}; the model is fitted on this machine and --max-pull is {}: give --max-pull {} to pull them all, or --sample SHARE (e.g. --sample {:.2}) to fit on a share of the customers",
            int(p.lines),
            int(m.max_pull),
            p.lines,
            (m.max_pull as f64 / p.lines as f64 * 0.9).clamp(0.01, 0.99)
        )));
    }
    eprintln!(
        "The model is fitted on this machine: pulling {} purchase lines{share} of linked dataset '{dataset}'.",
        int(p.lines)
    );
    let (inter, t) = with_bar(|rep| pull(&link, &opts, &p, rep))?;
    eprintln!("{}", super::warehouse::transfer_line(t));
    Ok(inter)
}

impl ModelArgs {
    fn options(&self) -> Result<ModelOptions> {
        let weighting = match self.weight.trim().to_ascii_lowercase().as_str() {
            "binary" => Weighting::Binary,
            "quantity" => Weighting::Quantity,
            "recency" => Weighting::Recency {
                half_life_days: self.half_life,
            },
            other => {
                return Err(Error::InvalidArgument(format!(
                    "--weight '{other}' is not a weighting; use binary, quantity or recency"
                )));
            }
        };
        let d = ModelOptions::default();
        Ok(ModelOptions {
            weighting,
            knn: KnnOptions {
                similarity: self.similarity.parse::<Similarity>()?,
                shrink: self.shrink,
                neighbours: self.neighbours,
                ..d.knn
            },
            als: AlsOptions {
                factors: self.factors,
                iterations: self.iterations,
                alpha: self.alpha,
                regularization: self.regularization,
                ..d.als
            },
            rules: RuleOptions {
                min_support: self.min_support,
                min_confidence: self.min_confidence,
                ..d.rules
            },
        })
    }
}

#[derive(Args)]
pub struct RecommendArgs {
    #[arg(long)]
    project: PathBuf,
    /// The transactions dataset (roles customer_id, timestamp, item_id or item_name).
    #[arg(long)]
    dataset: String,
    /// popular, group-popular (most bought among the customers given), itemknn, rules or als.
    #[arg(long, default_value = "itemknn")]
    algo: String,
    /// Items per customer.
    #[arg(long, default_value_t = 10, value_parser = ranges::whole::<usize, 1, 1_000>)]
    k: usize,
    /// A customer id (repeatable).
    #[arg(long = "customer", value_name = "ID")]
    customer: Vec<String>,
    /// A file of customer ids: one per line, or a CSV with a customer column.
    #[arg(long, value_name = "FILE")]
    customers: Option<PathBuf>,
    /// The members of a saved segment (see `loupe segment`), evaluated on --dataset.
    #[arg(long, value_name = "NAME")]
    segment: Option<String>,
    /// Also recommend items the customer already bought.
    #[arg(long)]
    include_bought: bool,
    /// Output: .csv or .xlsx (customer, rank, item, description, score, reason); without it
    /// the recommendations are printed.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Language of the reasons: en or zh-CN.
    #[arg(long, default_value = "en")]
    lang: String,
    #[command(flatten)]
    model: ModelArgs,
}

fn lang(code: &str) -> Result<Lang> {
    Lang::from_code(code).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "--lang '{code}' is not a language; use en or zh-CN"
        ))
    })
}

pub fn recommend(a: RecommendArgs) -> Result<()> {
    let algorithm = a.algo.parse::<Algorithm>()?;
    let lang = lang(&a.lang)?;
    let model = a.model.options()?;
    if !a.project.exists() {
        return Err(Error::NoSuchProject { path: a.project });
    }
    let project = Project::open_read_only(&a.project)?;
    // Every way of naming customers ends as one list of ids.
    let mut ids = a.customer.clone();
    if let Some(file) = &a.customers {
        ids.extend(read_customer_ids(file)?);
    }
    if let Some(name) = &a.segment {
        ids.extend(loupe::recommend::details::segment_customer_ids(
            &project,
            &a.dataset,
            a.model.filter.clone(),
            name,
        )?);
    }
    if ids.is_empty() {
        return Err(Error::InvalidArgument(
            "name the customers: --customer ID (repeatable), --customers FILE or --segment NAME (a segment with members)".into(),
        ));
    }
    let opts = RecommendOptions {
        k: a.k,
        exclude_bought: !a.include_bought,
        fill_with_popular: !a.model.no_fill,
        threads: 0,
    };
    let inter = interactions(&project, &a.dataset, &a.model)?;
    let recs =
        with_bar(|rep| recommend_for_customers(&inter, &ids, algorithm, &model, &opts, rep))?;
    if !recs.unknown.is_empty() {
        let shown: Vec<&str> = recs.unknown.iter().take(10).map(String::as_str).collect();
        eprintln!(
            "{} customer id(s) have no purchase in the data and are left out: {}{}",
            recs.unknown.len(),
            shown.join(", "),
            if recs.unknown.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        );
    }
    match &a.out {
        Some(path) => {
            write_recommendations(&recs.rows, path, lang)?;
            say!(
                "{} recommendations for {} customer(s) ({algorithm}) written to {}",
                int(recs.rows.len() as u64),
                int(recs.customers as u64),
                path.display()
            );
        }
        None => {
            for r in &recs.rows {
                say!("{}", cells(r, lang).join("  "));
            }
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct EvaluateArgs {
    #[arg(long)]
    project: PathBuf,
    #[arg(long)]
    dataset: String,
    /// First day of the test period, YYYY-MM-DD: models learn from the purchases before it.
    /// Default: three quarters into the purchases' dates, at the first of that month (as the
    /// window's Evaluation tab).
    #[arg(long, value_name = "DATE")]
    split_date: Option<String>,
    #[arg(long, default_value_t = 10, value_parser = ranges::whole::<usize, 1, 1_000>)]
    k: usize,
    /// Recommenders to compare, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "popular,itemknn,rules,als"
    )]
    algos: Vec<String>,
    /// Relevant test items: new (not bought before the split) or all.
    #[arg(long, default_value = "new")]
    relevant: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn evaluate_recs(a: EvaluateArgs) -> Result<()> {
    let split_day = match &a.split_date {
        Some(text) => Some(
            loupe::frame::parse_stored_date(text.trim())
                .filter(|_| text.trim().len() == 10)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "--split-date '{text}' is not a date; write it as YYYY-MM-DD"
                    ))
                })?,
        ),
        None => None,
    };
    let algorithms = a
        .algos
        .iter()
        .map(|s| s.parse::<Algorithm>())
        .collect::<Result<Vec<_>>>()?;
    let relevant = match a.relevant.trim() {
        "new" => Relevant::NewItems,
        "all" => Relevant::AllItems,
        other => {
            return Err(Error::InvalidArgument(format!(
                "--relevant '{other}' is not new or all"
            )));
        }
    };
    if !a.project.exists() {
        return Err(Error::NoSuchProject { path: a.project });
    }
    let project = Project::open_read_only(&a.project)?;
    let model = a.model.options()?;
    let inter = interactions(&project, &a.dataset, &a.model)?;
    let report = with_bar(|rep| {
        let split_day = match split_day {
            Some(d) => d,
            None => loupe::recommend::details::default_split_day(&inter).ok_or_else(|| {
                Error::InvalidArgument(format!("dataset '{}' has no purchases to split", a.dataset))
            })?,
        };
        let opts = EvalOptions {
            k: a.k,
            algorithms,
            model,
            relevant,
            fill_with_popular: !a.model.no_fill,
            ..EvalOptions::new(split_day)
        };
        evaluate(&inter, &opts, rep)
    })?;
    if a.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::Export(format!("cannot write JSON: {e}")))?;
        say!("{text}");
        return Ok(());
    }
    say!(
        "split at {}: {} lines before, {} from then on; {} customers on both sides, {} evaluated ({} items relevant); catalogue {} items",
        report.split,
        int(report.train_lines as u64),
        int(report.test_lines as u64),
        int(report.customers_in_both as u64),
        int(report.customers_evaluated as u64),
        match report.relevant {
            Relevant::NewItems => "new",
            Relevant::AllItems => "all",
        },
        int(report.catalogue as u64)
    );
    let k = report.k;
    say!(
        "{:<14}{:>14}{:>11}{:>9}{:>10}{:>10}{:>10}{:>9}{:>8}",
        "algorithm",
        format!("precision@{k}"),
        format!("recall@{k}"),
        format!("MAP@{k}"),
        format!("NDCG@{k}"),
        "hit rate",
        "coverage",
        "novelty",
        "fit s"
    );
    for r in &report.results {
        let m = &r.metrics;
        say!(
            "{:<14}{:>14.4}{:>11.4}{:>9.4}{:>10.4}{:>10.4}{:>10.4}{:>9.2}{:>8.2}",
            r.algorithm.name(),
            m.precision,
            m.recall,
            m.map,
            m.ndcg,
            m.hit_rate,
            m.coverage,
            m.novelty,
            r.fit_seconds
        );
    }
    Ok(())
}
