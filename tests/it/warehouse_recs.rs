//! Recommendations over linked datasets: the purchase lines a throw-away PostgreSQL cluster
//! ([`crate::pg`]) counts and sends equal the local reading's, line for line (customers, items,
//! days, quantities, orders, descriptions, and the rows left out), so every model fitted on
//! them gives the local scores; the command line says how many lines it pulls before it pulls
//! them, and stops past --max-pull with what to do.

use crate::common::*;
use crate::pg;
use crate::warehouse_segments::link_loaded;
use loupe::progress::Reporter;
use loupe::recommend::{
    Algorithm, Interactions, ModelOptions, ReadOptions, RecommendOptions, read_interactions,
    recommend_for_customers,
};
use loupe::store::Project;
use loupe::warehouse::interactions::{PullOptions, plan_with, pull_with};
use loupe::warehouse::secret::ConnUrl;

/// The lines as text, sorted, and each order as its sorted lines, sorted: what does not depend
/// on how customers, items and orders are numbered.
type Lines = Vec<(String, String, i32, String)>;

/// The lines, the orders, and each item's description.
type Canonical = (Lines, Vec<Lines>, Vec<(String, Option<String>)>);

fn canonical(i: &Interactions) -> Canonical {
    let line = |p: &loupe::recommend::interactions::Purchase| {
        (
            i.customers[p.customer as usize].clone(),
            i.items[p.item as usize].clone(),
            p.day,
            format!("{:?}", p.quantity),
        )
    };
    let mut lines: Lines = i.lines.iter().map(line).collect();
    lines.sort();
    let mut orders: Vec<Lines> = vec![Vec::new(); i.orders];
    for p in &i.lines {
        orders[p.order as usize].push(line(p));
    }
    for o in &mut orders {
        o.sort();
    }
    orders.sort();
    let mut descriptions: Vec<(String, Option<String>)> = i
        .items
        .iter()
        .cloned()
        .zip(i.descriptions.iter().cloned())
        .collect();
    descriptions.sort();
    (lines, orders, descriptions)
}

fn same(c: &pg::Cluster, p: &Project, dataset: &str, filters: &[Option<&str>]) -> Interactions {
    let url = ConnUrl::new("PG", &c.url());
    let link = link_loaded(c, p, dataset, &url);
    let mut first = None;
    for &filter in filters {
        let got = same_lines(&link, &url, p, dataset, filter);
        first.get_or_insert(got);
    }
    first.unwrap()
}

/// The purchase lines pulled from `link` (the dataset `dataset` in a warehouse) equal the local
/// reading's, line for line.
pub(crate) fn same_lines(
    link: &loupe::warehouse::link::Link,
    url: &ConnUrl,
    p: &Project,
    dataset: &str,
    filter: Option<&str>,
) -> Interactions {
    let link = link.clone();
    let local = read_interactions(
        p,
        dataset,
        &ReadOptions {
            filter: filter.map(str::to_string),
        },
        &Reporter::silent(),
    )
    .unwrap();
    let opts = PullOptions {
        filter: filter.map(str::to_string),
        sample: None,
    };
    let (plan, _) = plan_with(&link, &opts, url, &Reporter::silent()).unwrap();
    assert_eq!(plan.lines, local.lines.len() as u64, "{dataset}");
    let (got, transfer) = pull_with(&link, &opts, &plan, url, &Reporter::silent()).unwrap();
    assert_eq!(
        (got.skipped_rows, got.not_purchases, got.orders),
        (local.skipped_rows, local.not_purchases, local.orders),
        "{dataset}"
    );
    assert!(
        canonical(&got) == canonical(&local),
        "{dataset}: the lines differ"
    );
    assert_eq!(transfer.rows, plan.lines);
    got
}

/// Per customer: the scores in order, and the items whose score no other item ties.
type Scored = Vec<(String, Vec<String>, Vec<String>)>;

fn scored(inter: &Interactions, ids: &[String], algorithm: Algorithm) -> Scored {
    let recs = recommend_for_customers(
        inter,
        ids,
        algorithm,
        &ModelOptions::default(),
        &RecommendOptions {
            k: 10,
            ..RecommendOptions::default()
        },
        &Reporter::silent(),
    )
    .unwrap();
    let mut out: Scored = Vec::new();
    for id in ids {
        let rows: Vec<_> = recs.rows.iter().filter(|r| &r.customer == id).collect();
        let scores: Vec<String> = rows.iter().map(|r| format!("{:.9}", r.score)).collect();
        let untied: Vec<String> = rows
            .iter()
            .zip(&scores)
            .filter(|(_, s)| scores.iter().filter(|x| x == s).count() == 1)
            .filter(|(r, s)| {
                // The last listed score may tie with an item left out: not comparable.
                !r.filled && Some(*s) != scores.last()
            })
            .map(|(r, _)| r.item.id.clone())
            .collect();
        out.push((id.clone(), scores, untied));
    }
    out
}

#[test]
fn pulled_purchases_equal_the_local_reading_and_give_its_recommendations() {
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let path = sample_copy(&s);
    let p = Project::open(&path).unwrap();
    let linked = same(&c, &p, "orders", &[None, Some("channel = '微信小程序'")]);
    let local =
        read_interactions(&p, "orders", &ReadOptions::default(), &Reporter::silent()).unwrap();
    let ids: Vec<String> = local.customers.iter().take(25).cloned().collect();
    for algorithm in [
        Algorithm::Popular,
        Algorithm::ItemKnn,
        Algorithm::Rules,
        Algorithm::Als,
    ] {
        let (want, got) = (
            scored(&local, &ids, algorithm),
            scored(&linked, &ids, algorithm),
        );
        if algorithm == Algorithm::Als {
            // ALS starts from random factors drawn in item and customer order: the numbering
            // differs, so only the list lengths are compared.
            let lens = |x: &Scored| x.iter().map(|r| r.1.len()).collect::<Vec<_>>();
            assert_eq!(lens(&got), lens(&want));
        } else {
            assert_eq!(got, want, "{algorithm}");
        }
    }

    // The command line says how many lines it pulls, and stops past --max-pull.
    let project = path.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "recommend",
            "--project",
            project,
            "--dataset",
            "wh_orders",
            "--customer",
            ids[0].as_str(),
            "--algo",
            "itemknn",
        ];
        args.extend_from_slice(extra);
        loupe().env("PG", c.url()).args(&args).output().unwrap()
    };
    let out = run(&["--max-pull", "10"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success());
    assert!(
        err.contains(&format!(
            "{} purchase lines",
            loupe::i18n::int(local.lines.len() as u64)
        )) && err.contains("--sample"),
        "{err}"
    );
    let out = run(&[]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("pulling") && err.contains("Computed in the warehouse"),
        "{err}"
    );
    let listed = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(listed, 10, "{}", String::from_utf8_lossy(&out.stdout));
    // A sample pulls fewer lines, of fewer customers.
    let url = ConnUrl::new("PG", &c.url());
    let link = loupe::warehouse::link::linked(&p, "wh_orders")
        .unwrap()
        .unwrap();
    let half = PullOptions {
        filter: None,
        sample: Some(0.5),
    };
    let (plan, _) = plan_with(&link, &half, &url, &Reporter::silent()).unwrap();
    let (sampled, _) = pull_with(&link, &half, &plan, &url, &Reporter::silent()).unwrap();
    assert!(plan.lines > 0 && plan.lines < local.lines.len() as u64);
    assert!(sampled.customers.len() < local.customers.len());
    assert!(
        sampled
            .customers
            .iter()
            .all(|c| local.customers.contains(c)),
        "sampled customers are customers"
    );
}

#[test]
fn online_retail_purchases_pulled_from_postgresql_equal_the_local_reading() {
    let Some(path) = online_retail() else { return };
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("retail")).unwrap();
    let got = same(&c, &p, "retail", &[None]);
    // The usual cleaned lines: a customer, no cancellation, quantity and price above zero.
    assert_eq!(got.lines.len(), 397_884);
}
