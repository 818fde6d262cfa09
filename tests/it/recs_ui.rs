//! The Recommendations page on a copy of the sample project, driven headless like a user: pick
//! a customer and a segment and see each recommender's items with reasons (checked against
//! the library for the same customer), mine rules and sort and filter them, run the evaluation
//! and read its table, and export recommendations and rules.

use crate::ui::{app, sample, wait_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loupe::i18n::{Lang, int};
use loupe::progress::Reporter;
use loupe::recommend::browse::{RuleColumn, purchase_rules, rule_view};
use loupe::recommend::{
    Algorithm, EvalOptions, ModelOptions, RecommendOptions, Recommendation, evaluate,
    recommend_for_customers,
};
use loupe::ui::pages::recommendations::Tab;
use loupe::ui::{LoupeApp, Page, nav_label};
use std::path::{Path, PathBuf};

fn copy_of_sample(dir: &Path) -> PathBuf {
    let path = dir.join("recs.loupe");
    std::fs::copy(sample(), &path).unwrap();
    path
}

fn fitted(a: &LoupeApp) -> bool {
    !a.busy()
        && a.recs().data().is_some()
        && [
            Algorithm::Popular,
            Algorithm::ItemKnn,
            Algorithm::Rules,
            Algorithm::Als,
        ]
        .iter()
        .all(|&x| a.recs().picks().model(x).is_some())
}

fn open_page(h: &mut Harness<'static, LoupeApp>, lang: Lang) {
    wait_until(h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(lang, Page::Recommendations))
        .click();
    wait_until(h, "the models", fitted);
}

/// What the library recommends to one customer (ids as in the data) with the default options.
fn library(h: &Harness<'static, LoupeApp>, ids: &[String], a: Algorithm) -> Vec<Recommendation> {
    let d = h.state().recs().data().unwrap();
    recommend_for_customers(
        &d.inter,
        ids,
        a,
        &ModelOptions::default(),
        &RecommendOptions::default(),
        &Reporter::silent(),
    )
    .unwrap()
    .rows
}

fn has_label(h: &Harness<'static, LoupeApp>, text: &str) -> bool {
    h.query_all_by_label(text).next().is_some()
}

#[test]
fn picks_of_a_customer_and_a_segment_agree_with_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    {
        let p = loupe::store::Project::open(&path).unwrap();
        let rule = loupe::segments::parse_rule("orders >= 5").unwrap();
        loupe::segments::saved::save(&p, "Regulars", &rule, "").unwrap();
    }
    let mut h = app(&path, Lang::En);
    open_page(&mut h, Lang::En);
    assert_eq!(h.state().recs().tab(), Tab::Picks);
    for column in [
        "Popular",
        "Item-to-item",
        "Association rules",
        "Matrix factorisation",
    ] {
        assert!(has_label(&h, column), "{column}");
    }
    assert!(!has_label(&h, "Popular in segment"), "only for a segment");
    // The first customer of the list is shown; each column holds what the library gives them.
    let first = {
        let d = h.state().recs().data().unwrap();
        d.inter.customers[d.sorted_customers[0] as usize].clone()
    };
    h.get_by_label(&format!("Customer {first}"));
    for a in [Algorithm::ItemKnn, Algorithm::Als, Algorithm::Rules] {
        let want = library(&h, std::slice::from_ref(&first), a);
        assert_eq!(want.len(), 10, "{a}");
        let shown = h.state().recs().picks().shown();
        let got = &shown.iter().find(|(x, _)| *x == a).unwrap().1;
        assert_eq!(got, &want, "{a} for {first}");
        assert!(
            has_label(&h, want[0].item.name()),
            "{a}: {}",
            want[0].item.name()
        );
        let reason = want[0].reason.text(Lang::En);
        assert!(has_label(&h, &reason), "{a}: {reason}");
    }
    // Item details beside the top item-kNN pick: id, category and buyers from the data.
    let top = &library(&h, std::slice::from_ref(&first), Algorithm::ItemKnn)[0];
    let facts = {
        let d = h.state().recs().data().unwrap();
        let i = d.item_index[&top.item.id] as usize;
        let buyers = d
            .inter
            .lines
            .iter()
            .filter(|l| l.item as usize == i)
            .map(|l| l.customer);
        let buyers: std::collections::HashSet<u32> = buyers.collect();
        assert_eq!(d.details.buyers[i] as usize, buyers.len());
        let cat = d.details.category[i]
            .clone()
            .expect("the sample's products have categories");
        format!("{} · {cat} · price ", top.item.id)
    };
    assert!(
        h.query_all_by_label_contains(&facts).next().is_some(),
        "{facts}"
    );

    // Search another customer and pick them: the lists follow at once (no refit).
    let other = {
        let d = h.state().recs().data().unwrap();
        d.inter.customers[d.sorted_customers[5] as usize].clone()
    };
    h.get_by_role_and_label(Role::TextInput, "Search").focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Search")
        .type_text(&other);
    h.run_steps(2);
    h.get_by_label("1 of 1,000 customers");
    h.get_by_label(&other).click();
    h.run_steps(3);
    assert!(!h.state().busy(), "picking a customer fits nothing");
    h.get_by_label(&format!("Customer {other}"));
    let want = library(&h, std::slice::from_ref(&other), Algorithm::ItemKnn);
    let reason = want[0].reason.text(Lang::En);
    assert!(has_label(&h, &reason), "{reason}");
    let shown = h.state().recs().picks().shown();
    let got = &shown
        .iter()
        .find(|(x, _)| *x == Algorithm::ItemKnn)
        .unwrap()
        .1;
    assert_eq!(got, &want);

    // A segment: its members only, and popularity within it.
    h.state_mut().recs_mut().picks_mut().clear_search();
    h.get_by_label("Segment").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::ComboBox, "Saved segment")
        .click();
    h.run_steps(2);
    h.run_steps(2);
    h.get_by_label("Regulars").click_accesskit();
    wait_until(&mut h, "the segment's members and its popularity", |a| {
        !a.busy()
            && a.recs().picks().members().is_some()
            && a.recs().picks().model(Algorithm::GroupPopular).is_some()
    });
    assert!(has_label(&h, "Popular in segment"));
    let (ids, customer) = {
        let a = h.state();
        let d = a.recs().data().unwrap();
        let m = a.recs().picks().members().unwrap();
        assert!(
            m.contains(&a.recs().picks().customer().unwrap()),
            "a member is picked"
        );
        let ids: Vec<String> = m
            .iter()
            .map(|&u| d.inter.customers[u as usize].clone())
            .collect();
        (
            ids,
            d.inter.customers[a.recs().picks().customer().unwrap() as usize].clone(),
        )
    };
    let orders = {
        let d = h.state().recs().data().unwrap();
        ids.iter()
            .map(|id| d.orders[d.customer(id).unwrap() as usize])
            .min()
            .unwrap()
    };
    assert!(orders >= 5, "every member has 5 orders or more");
    let want: Vec<Recommendation> = library(&h, &ids, Algorithm::GroupPopular)
        .into_iter()
        .filter(|r| r.customer == customer)
        .collect();
    let reason = want[0].reason.text(Lang::En);
    assert!(reason.starts_with("popular in this group"), "{reason}");
    assert!(has_label(&h, &reason), "{reason}");
    let n = int(ids.len() as u64);
    h.get_by_label(&format!("{n} of {n} customers"));
}

#[test]
fn rules_are_mined_sorted_filtered_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut h = app(&path, Lang::En);
    open_page(&mut h, Lang::En);
    h.get_by_label("Rules").click();
    wait_until(&mut h, "the rules", |a| {
        !a.busy() && a.recs().rules().rules().is_some()
    });
    let opts = h.state().recs().rules().opts();
    let want = purchase_rules(&h.state().recs().data().unwrap().inter, &opts).unwrap();
    let n = want.len();
    assert!(n > 10, "{n} rules on the sample at 1% support");
    h.get_by_label(&format!("{} of {} rules", int(n as u64), int(n as u64)));
    // Sorted by lift, largest first; then by support (click), then ascending (click again).
    let lifts: Vec<f64> = {
        let r = h.state().recs().rules();
        r.view()
            .iter()
            .map(|&k| r.rules().unwrap()[k].lift)
            .collect()
    };
    assert!(lifts.windows(2).all(|w| w[0] >= w[1]));
    h.get_by_label("Support").click();
    h.run_steps(2);
    h.get_by_label("Support ⏷");
    let supports = |h: &Harness<'static, LoupeApp>| -> Vec<f64> {
        let r = h.state().recs().rules();
        r.view()
            .iter()
            .map(|&k| r.rules().unwrap()[k].support)
            .collect()
    };
    let max = want.iter().map(|r| r.support).fold(0.0, f64::max);
    assert_eq!(supports(&h)[0], max);
    assert!(has_label(&h, &format!("{max:.4}")));
    h.get_by_label("Support ⏷").click();
    h.run_steps(2);
    let s = supports(&h);
    assert!(s.windows(2).all(|w| w[0] <= w[1]), "ascending");

    // Filter by item text: the rules with a REGENCY item on either side.
    h.get_by_role_and_label(Role::TextInput, "Item contains")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Item contains")
        .type_text("regency");
    h.run_steps(2);
    let (names, expect) = {
        let d = h.state().recs().data().unwrap();
        let names = d.names.clone();
        let expect = want
            .iter()
            .filter(|r| {
                r.antecedents
                    .iter()
                    .chain(&r.consequents)
                    .any(|&i| names[i as usize].contains("REGENCY"))
            })
            .count();
        (names, expect)
    };
    assert!(expect > 0 && expect < n);
    h.get_by_label(&format!(
        "{} of {} rules",
        int(expect as u64),
        int(n as u64)
    ));
    let ids = h.state().recs().data().unwrap().inter.items.clone();
    assert_eq!(
        rule_view(&want, &names, &ids, "regency", RuleColumn::Support, false).len(),
        expect
    );

    // Export what is shown.
    let out = dir.path().join("rules.csv");
    {
        let a = h.state_mut();
        a.with_ws(|a, ws| a.recs_mut().export_rules(ws, out.clone()));
    }
    wait_until(&mut h, "the rules file", |a| !a.busy());
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), expect + 1);
    assert!(
        text.starts_with("antecedents,consequents,support,confidence,lift,leverage,conviction")
    );
    assert!(text.lines().skip(1).all(|l| l.contains("REGENCY")));
}

#[test]
fn the_evaluation_matches_the_library_and_draws_its_chart() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut h = app(&path, Lang::En);
    open_page(&mut h, Lang::En);
    h.get_by_label("Evaluation").click();
    h.run_steps(2);
    // The default split: three quarters into the sample's dates, at a month's start.
    assert_eq!(h.state().recs().eval().split(), "2011-09-01");
    h.get_by_label("Run evaluation").click();
    wait_until(&mut h, "the evaluation", |a| {
        !a.busy() && a.recs().eval().report().is_some()
    });
    let want = {
        let d = h.state().recs().data().unwrap();
        let day = loupe::frame::parse_stored_date("2011-09-01").unwrap();
        evaluate(&d.inter, &EvalOptions::new(day), &Reporter::silent()).unwrap()
    };
    let got = h.state().recs().eval().report().cloned().unwrap();
    assert_eq!(got.results.len(), 4);
    for (g, w) in got.results.iter().zip(&want.results) {
        assert_eq!((g.algorithm, g.metrics), (w.algorithm, w.metrics));
    }
    h.get_by_label("Popular (baseline)");
    h.get_by_label("recall@10");
    let pop = want.results[0].metrics;
    let knn = want.results[1].metrics;
    assert_eq!(want.results[1].algorithm, Algorithm::ItemKnn);
    h.get_by_label(&format!("{:.4}", knn.recall));
    h.get_by_label(&format!("×{:.2}", knn.recall / pop.recall));
    h.get_by_label(&format!(
        "Split at 2011-09-01: {} lines before, {} from then on; {} customers evaluated; catalogue of {} items.",
        int(want.train_lines as u64),
        int(want.test_lines as u64),
        int(want.customers_evaluated as u64),
        int(want.catalogue as u64)
    ));
    // The chart: values, then ratios; and its PNG.
    h.get_by_label("Ratio to popularity").click();
    h.run_steps(2);
    let t = h.state().recs().eval().chart_table(Lang::En).unwrap();
    assert_eq!(t.x_values.len(), 7);
    let png = dir.path().join("evaluation.png");
    {
        let a = h.state_mut();
        a.with_ws(|a, ws| a.recs_mut().export_eval_png(ws, png.clone()));
    }
    wait_until(&mut h, "the PNG", |a| !a.busy());
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG file");
    assert!(bytes.len() > 10_000);
}

#[test]
fn exports_recommendations_as_the_command_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut h = app(&path, Lang::En);
    open_page(&mut h, Lang::En);
    let csv = dir.path().join("recs.csv");
    let xlsx = dir.path().join("recs.xlsx");
    for out in [&csv, &xlsx] {
        let a = h.state_mut();
        assert!(a.with_ws(|a, ws| a.recs_mut().export_recommendations(
            ws,
            Algorithm::ItemKnn,
            5,
            false,
            out.clone()
        )));
        wait_until(&mut h, "the export", |a| !a.busy());
    }
    let customers = h.state().recs().data().unwrap().inter.customers.clone();
    let want = {
        let d = h.state().recs().data().unwrap();
        let opts = RecommendOptions {
            k: 5,
            ..RecommendOptions::default()
        };
        recommend_for_customers(
            &d.inter,
            &customers,
            Algorithm::ItemKnn,
            &ModelOptions::default(),
            &opts,
            &Reporter::silent(),
        )
        .unwrap()
        .rows
    };
    let expected = dir.path().join("expected.csv");
    loupe::recommend::write_recommendations(&want, &expected, Lang::En).unwrap();
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        std::fs::read_to_string(&expected).unwrap()
    );
    assert_eq!(want.len(), 5 * customers.len());
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 1000);
    let notice = format!(
        "Wrote {} recommendations for {} customers to {}",
        int(want.len() as u64),
        int(customers.len() as u64),
        xlsx.display()
    );
    assert!(
        h.query_all_by_label_contains(&notice).next().is_some(),
        "{notice}"
    );
}

#[test]
fn chinese_window_shows_chinese_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut h = app(&path, Lang::ZhCn);
    open_page(&mut h, Lang::ZhCn);
    assert!(has_label(&h, "商品协同过滤"));
    assert!(has_label(&h, "矩阵分解"));
    let first = {
        let d = h.state().recs().data().unwrap();
        d.inter.customers[d.sorted_customers[0] as usize].clone()
    };
    let want = library(&h, std::slice::from_ref(&first), Algorithm::ItemKnn);
    let reason = want[0].reason.text(Lang::ZhCn);
    assert!(reason.starts_with("买过 "), "{reason}");
    assert!(has_label(&h, &reason), "{reason}");
}
