//! Recommendations: the library on the sample orders and on Online Retail (time-split
//! evaluation, figures checked against SQL), and `loupe recommend` / `loupe evaluate-recs`.

use crate::common::*;
use loupe::i18n::Lang;
use loupe::progress::Reporter;
use loupe::recommend::evaluate::{EvalOptions, evaluate};
use loupe::recommend::{
    Algorithm, ModelOptions, ReadOptions, Reason, RecommendOptions, read_interactions,
    recommend_for_customers,
};
use loupe::store::Project;
use std::collections::HashSet;

/// A scratch folder with a copy of the sample project.
fn sample_scratch() -> (Scratch, std::path::PathBuf) {
    let sc = Scratch::new();
    let path = sample_copy(&sc);
    (sc, path)
}

/// The items a customer bought, by SQL.
fn bought(p: &Project, customer: &str) -> HashSet<String> {
    rows(
        p,
        &format!("SELECT DISTINCT stock_code FROM orders WHERE customer_id = '{customer}' AND quantity > 0"),
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect()
}

#[test]
fn recs_every_algorithm_on_the_sample_orders() {
    let (_sc, path) = sample_scratch();
    let p = Project::open_read_only(&path).unwrap();
    let inter =
        read_interactions(&p, "orders", &ReadOptions::default(), &Reporter::silent()).unwrap();
    let purchases = rows(
        &p,
        "SELECT count(*), count(DISTINCT customer_id), count(DISTINCT stock_code), count(DISTINCT order_id) \
         FROM orders WHERE quantity > 0 AND amount > 0",
    );
    assert_eq!(
        [
            inter.lines.len(),
            inter.customers.len(),
            inter.items.len(),
            inter.orders
        ]
        .map(|n| n.to_string()),
        purchases[0].as_slice()
    );
    // The description is the item name of the stock code.
    let k = inter.items.iter().position(|i| i == "85123A").unwrap() as u32;
    assert_eq!(inter.label(k).name(), "WHITE HANGING HEART T-LIGHT HOLDER");
    let customers: Vec<String> = rows(
        &p,
        "SELECT customer_id FROM orders GROUP BY 1 ORDER BY count(*) DESC LIMIT 3",
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect();
    let opts = RecommendOptions {
        k: 8,
        ..RecommendOptions::default()
    };
    for algo in Algorithm::ALL {
        let recs = recommend_for_customers(
            &inter,
            &customers,
            algo,
            &ModelOptions::default(),
            &opts,
            &Reporter::silent(),
        )
        .unwrap();
        assert_eq!(recs.customers, 3);
        assert_eq!(recs.rows.len(), 24, "{algo}: 8 each (filled when short)");
        for c in &customers {
            let mine: Vec<_> = recs.rows.iter().filter(|r| &r.customer == c).collect();
            assert_eq!(
                mine.iter().map(|r| r.rank).collect::<Vec<_>>(),
                (1..=8).collect::<Vec<_>>()
            );
            let had = bought(&p, c);
            let mut seen = HashSet::new();
            for r in &mine {
                assert!(
                    !had.contains(&r.item.id),
                    "{algo}: {c} already bought {}",
                    r.item.id
                );
                assert!(
                    seen.insert(r.item.id.clone()),
                    "{algo}: {} twice",
                    r.item.id
                );
                assert!(!r.reason.text(Lang::En).is_empty());
                // Each model gives its own kind of reason, except where it filled a list.
                let kind_ok = match (&r.reason, algo) {
                    (Reason::Popular { .. }, _) => r.filled || algo == Algorithm::Popular,
                    (Reason::PopularInGroup { .. }, Algorithm::GroupPopular) => true,
                    (Reason::AlsoBought { .. }, Algorithm::ItemKnn) => true,
                    (Reason::Rule { .. }, Algorithm::Rules) => true,
                    (Reason::Taste { .. }, Algorithm::Als) => true,
                    _ => false,
                };
                assert!(kind_ok, "{algo}: {:?}", r.reason);
            }
            // Scores descend within the model's picks.
            let model: Vec<f64> = mine.iter().filter(|r| !r.filled).map(|r| r.score).collect();
            assert!(model.windows(2).all(|w| w[0] >= w[1]), "{algo}: {model:?}");
        }
        // The rule behind a reason holds: antecedents bought, measures as counted by SQL.
        if algo == Algorithm::Rules
            && let Some(r) = recs.rows.iter().find(|r| !r.filled)
            && let Reason::Rule {
                antecedents,
                confidence,
                ..
            } = &r.reason
        {
            let had = bought(&p, &r.customer);
            assert!(antecedents.iter().all(|a| had.contains(&a.id)));
            let holding = |items: &[&str]| -> f64 {
                let list = items
                    .iter()
                    .map(|i| format!("'{i}'"))
                    .collect::<Vec<_>>()
                    .join(",");
                rows(
                    &p,
                    &format!(
                        "SELECT count(*) FROM (SELECT order_id FROM orders WHERE quantity > 0 AND amount > 0 \
                         AND stock_code IN ({list}) GROUP BY order_id HAVING count(DISTINCT stock_code) = {})",
                        items.len()
                    ),
                )[0][0]
                    .parse()
                    .unwrap()
            };
            let ante: Vec<&str> = antecedents.iter().map(|a| a.id.as_str()).collect();
            let mut all = ante.clone();
            all.push(&r.item.id);
            assert!((confidence - holding(&all) / holding(&ante)).abs() < 1e-12);
        }
    }
    // Unknown ids are reported, not fatal; none known is an error.
    let recs = recommend_for_customers(
        &inter,
        &[customers[0].as_str(), "no such customer"],
        Algorithm::Popular,
        &ModelOptions::default(),
        &opts,
        &Reporter::silent(),
    )
    .unwrap();
    assert_eq!(recs.unknown, ["no such customer"]);
    assert!(
        recommend_for_customers(
            &inter,
            &["nobody"],
            Algorithm::Popular,
            &ModelOptions::default(),
            &opts,
            &Reporter::silent()
        )
        .is_err()
    );
}

#[test]
fn recs_cli_writes_csv_and_xlsx_and_evaluates() {
    let (sc, path) = sample_scratch();
    let project = path.to_str().unwrap();
    let p = Project::open_read_only(&path).unwrap();
    let customer = rows(&p, "SELECT customer_id FROM orders LIMIT 1")[0][0].clone();
    let out = sc.path("recs.csv");
    let o = run_loupe(&[
        "recommend",
        "--project",
        project,
        "--dataset",
        "orders",
        "--algo",
        "itemknn",
        "--k",
        "5",
        "--customer",
        &customer,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["customer", "rank", "item", "description", "score", "reason"]
    );
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 5);
    let had = bought(&p, &customer);
    for (n, rec) in recs.iter().enumerate() {
        assert_eq!(rec[0], customer);
        assert_eq!(rec[1], (n + 1).to_string());
        assert!(!had.contains(&rec[2]));
        assert!(!rec[3].is_empty(), "the sample's items have names");
        assert!(rec[5].starts_with("bought "), "{}", &rec[5]);
    }
    // A CSV list with a customer column, an unknown id, Chinese reasons, an Excel file.
    let list = sc.write(
        "list.csv",
        format!("name,customer_id\nA,{customer}\nB,ghost\n"),
    );
    let xlsx = sc.path("recs.xlsx");
    let o = run_loupe(&[
        "recommend",
        "--project",
        project,
        "--dataset",
        "orders",
        "--algo",
        "rules",
        "--k",
        "4",
        "--customers",
        list.to_str().unwrap(),
        "--lang",
        "zh-CN",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ghost"));
    use calamine::{Reader, open_workbook_auto};
    let mut book = open_workbook_auto(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 5);
    let reason = sheet.get_value((1, 5)).unwrap().to_string();
    assert!(
        reason.starts_with("买过") || reason.starts_with("热门"),
        "{reason}"
    );
    // Mistakes are explained.
    let o = run_loupe(&[
        "recommend",
        "--project",
        project,
        "--dataset",
        "orders",
        "--algo",
        "svd",
        "--customer",
        &customer,
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("itemknn"));
    let o = run_loupe(&["recommend", "--project", project, "--dataset", "orders"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--customers FILE"));
    // The evaluation table as JSON.
    let o = run_loupe(&[
        "evaluate-recs",
        "--project",
        project,
        "--dataset",
        "orders",
        "--split-date",
        "2011-09-01",
        "--k",
        "5",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(
        results
            .iter()
            .map(|r| r["algorithm"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["popular", "itemknn", "rules", "als"]
    );
    for r in results {
        for m in ["precision", "recall", "map", "ndcg", "hit_rate", "coverage"] {
            let x = r[m].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&x), "{m} {x}");
        }
        assert!(r["novelty"].as_f64().unwrap() > 0.0);
    }
    // Without --split-date: three quarters into the sample's dates, at the month's start.
    let o = run_loupe(&[
        "evaluate-recs",
        "--project",
        project,
        "--dataset",
        "orders",
        "--k",
        "5",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["split"], "2011-09-01");
    assert_eq!(d["results"][1]["recall"], v["results"][1]["recall"].clone());
    let o = run_loupe(&[
        "evaluate-recs",
        "--project",
        project,
        "--dataset",
        "orders",
        "--split-date",
        "2011-13-01",
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn recs_online_retail_time_split() {
    let Some(file) = online_retail() else { return };
    let sc = Scratch::new();
    let mut p = sc.project();
    import(&mut p, &[&file], named("online_retail")).unwrap();
    let inter = read_interactions(
        &p,
        "online_retail",
        &ReadOptions::default(),
        &Reporter::silent(),
    )
    .unwrap();
    // The default purchase rule keeps exactly the usual cleaned lines.
    assert_eq!(inter.lines.len(), 397_884);
    assert_eq!(inter.customers.len(), 4_338);
    let clean =
        "CustomerID IS NOT NULL AND InvoiceNo NOT LIKE 'C%' AND Quantity > 0 AND UnitPrice > 0";
    let q = |sql: &str| rows(&p, sql)[0][0].clone();
    assert_eq!(
        inter.items.len().to_string(),
        q(&format!(
            "SELECT count(DISTINCT StockCode) FROM online_retail WHERE {clean}"
        ))
    );
    // The most frequent description of a code, as SQL counts it.
    let k = inter.items.iter().position(|i| i == "23236").unwrap() as u32;
    let want = q(&format!(
        "SELECT trim(Description) FROM online_retail WHERE {clean} AND StockCode = '23236' \
         GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ));
    assert_eq!(inter.label(k).name(), want);

    let split = loupe::frame::parse_stored_date("2011-09-01").unwrap();
    let opts = EvalOptions::new(split);
    let report = evaluate(&inter, &opts, &Reporter::silent()).unwrap();
    let both = q(&format!(
        "SELECT count(*) FROM (SELECT CustomerID FROM online_retail WHERE {clean} GROUP BY 1 \
         HAVING min(InvoiceDate) < '2011-09-01' AND max(InvoiceDate) >= '2011-09-01')"
    ));
    assert_eq!(report.customers_in_both.to_string(), both);
    let get = |a: Algorithm| {
        report
            .results
            .iter()
            .find(|r| r.algorithm == a)
            .unwrap()
            .metrics
    };
    eprintln!(
        "Online Retail split at 2011-09-01, {} customers evaluated, k = 10:",
        report.customers_evaluated
    );
    for r in &report.results {
        eprintln!(
            "  {:<8} recall@10 {:.4}  precision@10 {:.4}  MAP@10 {:.4}  NDCG@10 {:.4}  hit rate {:.4}  coverage {:.4}  novelty {:.2}",
            r.algorithm.name(),
            r.metrics.recall,
            r.metrics.precision,
            r.metrics.map,
            r.metrics.ndcg,
            r.metrics.hit_rate,
            r.metrics.coverage,
            r.metrics.novelty
        );
    }
    let (pop, knn) = (get(Algorithm::Popular), get(Algorithm::ItemKnn));
    assert!(
        knn.recall > pop.recall * 1.5,
        "item-kNN recall@10 {:.4} should clearly beat popularity's {:.4}",
        knn.recall,
        pop.recall
    );
    assert!(knn.coverage > pop.coverage && knn.novelty > pop.novelty);
}

#[test]
fn recs_run_as_a_job_and_cancel() {
    use loupe::jobs::{Job, no_wake};
    let (_sc, path) = sample_scratch();
    let p = Project::open_read_only(&path).unwrap();
    let inter =
        read_interactions(&p, "orders", &ReadOptions::default(), &Reporter::silent()).unwrap();
    let ids = vec![inter.customers[0].clone(), inter.customers[1].clone()];
    // As a page would: the work on a job's thread, the result polled.
    let shared = std::sync::Arc::new(inter);
    let (data, who) = (shared.clone(), ids.clone());
    let mut job = Job::spawn("recommend", no_wake(), move |rep| {
        recommend_for_customers(
            &data,
            &who,
            Algorithm::Als,
            &ModelOptions::default(),
            &RecommendOptions::default(),
            rep,
        )
    })
    .unwrap();
    let recs = job
        .wait(std::time::Duration::from_secs(60))
        .expect("finished")
        .unwrap();
    assert_eq!(recs.rows.len(), 20);
    assert!(job.progress().is_some(), "progress was reported");
    // Cancelled work stops with Cancelled.
    let rep = Reporter::silent();
    rep.cancel_token().cancel();
    for algo in [Algorithm::ItemKnn, Algorithm::Als] {
        let r = recommend_for_customers(
            &shared,
            &ids,
            algo,
            &ModelOptions::default(),
            &RecommendOptions::default(),
            &rep,
        );
        assert!(matches!(r, Err(loupe::Error::Cancelled)), "{algo}");
    }
    let r = evaluate(
        &shared,
        &EvalOptions::new(loupe::frame::parse_stored_date("2011-09-01").unwrap()),
        &rep,
    );
    assert!(matches!(r, Err(loupe::Error::Cancelled)));
}
