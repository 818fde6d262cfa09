//! Campaigns: role detection of the four kinds of campaign tables, attribution and metrics on the
//! sample project, the lift statistics against independently computed numbers, and the
//! `loupe roi` / `loupe uplift` command lines.

use crate::common::*;
use loupe::campaigns::data::{guess_sources, load_inputs, read_experiment};
use loupe::campaigns::{Attribution, Model, roi_report, uplift};
use loupe::dataset::Role;
use loupe::progress::Reporter;
use loupe::store::Project;

fn close(got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() <= tol, "got {got}, want {want}");
}

#[test]
fn chinese_campaign_tables_get_their_roles() {
    let s = Scratch::new();
    let mut p = s.project();
    let files = [
        (
            "活动",
            "活动编号,活动名称,渠道,开始日期,结束日期,成本,单条成本\nC1,春节短信,短信,2024-01-20,2024-01-31,500,0.05\n",
        ),
        (
            "投放",
            "日期,活动编号,花费\n2024-01-20,C1,120.5\n2024-01-21,C1,80\n",
        ),
        (
            "触达",
            "用户ID,活动编号,发送时间,是否打开,是否点击\nu1,C1,2024-01-20 10:00:00,1,0\nu2,C1,2024-01-20 10:01:00,0,0\n",
        ),
        (
            "实验",
            "用户ID,实验组,是否访问,是否转化,消费金额\nu1,对照组,1,0,0\nu2,短信组,1,1,25.5\nu3,短信组,0,0,0\n",
        ),
    ];
    for (name, text) in files {
        let f = s.write(&format!("{name}.csv"), text);
        import(&mut p, &[&f], named(name)).unwrap();
    }
    let role = |d: &str, c: &str| p.dataset(d).unwrap().column(c).unwrap().role;
    assert_eq!(role("活动", "活动编号"), Some(Role::Campaign));
    assert_eq!(role("活动", "渠道"), Some(Role::Channel));
    assert_eq!(role("活动", "开始日期"), Some(Role::StartDate));
    assert_eq!(role("活动", "结束日期"), Some(Role::EndDate));
    assert_eq!(role("活动", "成本"), Some(Role::Cost));
    assert_eq!(role("活动", "单条成本"), Some(Role::CostPerContact));
    assert_eq!(role("投放", "日期"), Some(Role::Timestamp));
    assert_eq!(role("投放", "花费"), Some(Role::Spend));
    assert_eq!(role("触达", "用户ID"), Some(Role::CustomerId));
    assert_eq!(role("触达", "发送时间"), Some(Role::Timestamp));
    assert_eq!(role("触达", "是否打开"), Some(Role::Opened));
    assert_eq!(role("触达", "是否点击"), Some(Role::Clicked));
    assert_eq!(role("实验", "实验组"), Some(Role::Arm));
    assert_eq!(role("实验", "是否访问"), Some(Role::Visit));
    assert_eq!(role("实验", "是否转化"), Some(Role::Conversion));
    let sources = guess_sources(&p.datasets().unwrap());
    assert_eq!(sources.campaigns.as_deref(), Some("活动"));
    assert_eq!(sources.spend.as_deref(), Some("投放"));
    assert_eq!(sources.contacts.as_deref(), Some("触达"));
}

#[test]
fn sample_project_roles_and_sources() {
    let s = Scratch::new();
    let path = sample_copy(&s);
    let p = Project::open_read_only(&path).unwrap();
    let role = |d: &str, c: &str| p.dataset(d).unwrap().column(c).unwrap().role;
    assert_eq!(role("campaigns", "start_date"), Some(Role::StartDate));
    assert_eq!(
        role("campaigns", "cost_per_contact"),
        Some(Role::CostPerContact)
    );
    assert_eq!(role("campaign_spend", "spend"), Some(Role::Spend));
    assert_eq!(role("contacts", "opened"), Some(Role::Opened));
    // Hillstrom's `segment` column is an arm because one of its values is `No E-Mail`.
    assert_eq!(role("experiment", "segment"), Some(Role::Arm));
    assert_eq!(role("experiment", "conversion"), Some(Role::Conversion));
    let sources = guess_sources(&p.datasets().unwrap());
    assert_eq!(sources.orders.as_deref(), Some("orders"));
    assert_eq!(sources.contacts.as_deref(), Some("contacts"));
    assert_eq!(sources.campaigns.as_deref(), Some("campaigns"));
    assert_eq!(sources.spend.as_deref(), Some("campaign_spend"));
    assert_eq!(sources.events.as_deref(), Some("events"));
}

#[test]
fn sample_roi_agrees_with_an_independent_count() {
    let s = Scratch::new();
    let path = sample_copy(&s);
    let p = Project::open_read_only(&path).unwrap();
    let sources = guess_sources(&p.datasets().unwrap());
    let inputs = load_inputs(&p, &sources, &[], &Reporter::silent()).unwrap();
    assert_eq!(inputs.campaigns.len(), 8);
    assert_eq!(inputs.contacts.len(), 3_120);
    let r = roi_report(&inputs, &Attribution::default()).unwrap();

    // Last touch, 7 days, recomputed in SQL: each positive order's latest contact by the same
    // customer in the 7 days before it.
    let sql = "WITH o AS (SELECT order_id, customer_id AS c, min(order_time) AS t, sum(amount) AS rev \
               FROM orders GROUP BY customer_id, order_id HAVING sum(amount) > 0), \
               m AS (SELECT o.order_id, o.c, o.rev, max(k.contact_time) AS kt FROM o JOIN contacts k \
               ON k.customer_id = o.c AND k.contact_time <= o.t \
               AND k.contact_time >= datetime(o.t, '-7 days') GROUP BY o.order_id, o.c) \
               SELECT k.campaign_id, count(*), round(sum(m.rev), 2) FROM m JOIN contacts k \
               ON k.customer_id = m.c AND k.contact_time = m.kt GROUP BY k.campaign_id ORDER BY 1";
    let want = rows(&p, sql);
    for row in &want {
        let m = r
            .computed
            .campaigns
            .iter()
            .find(|m| m.key == row[0])
            .unwrap();
        assert_eq!(format!("{}", m.conversions), row[1], "{}", row[0]);
        close(m.revenue, row[2].parse().unwrap(), 0.006);
    }
    assert_eq!(want.len(), 8);

    // The costs are the campaigns table's, and add up to the spend table.
    let cost: f64 = r.computed.campaigns.iter().map(|m| m.cost.unwrap()).sum();
    let spend: f64 = rows(&p, "SELECT sum(spend) FROM campaign_spend")[0][0]
        .parse()
        .unwrap();
    close(cost, spend, 1e-6);
    // The README's claim: with 7-day last touch, the two Douyin campaigns lose money, the rest pay.
    for m in &r.computed.campaigns {
        let douyin = m.channel.as_deref() == Some("抖音广告");
        assert_eq!(m.roi.unwrap() < 0.0, douyin, "{} {:?}", m.name, m.roi);
    }
    // Every model attributes the same orders in total; models differ per campaign.
    for c in &r.comparison {
        assert_eq!(c.models.len(), 5);
    }
    let total = |m: Model| -> f64 {
        r.comparison
            .iter()
            .map(|c| c.models.iter().find(|x| x.model == m).unwrap().revenue)
            .sum()
    };
    for m in Model::ALL {
        close(total(m), r.computed.total.revenue, 1e-6);
    }
    // The timeline ends at the total cost and the total attributed revenue.
    let last = r.computed.timeline.last().unwrap();
    close(last.spend_cum, cost, 1e-6);
    close(last.revenue_cum, r.computed.total.revenue, 1e-6);
    // The funnel has every step on the sample (contacts with opens and clicks, and events).
    let f = r.computed.funnels.last().unwrap();
    assert!(f.opened.is_some() && f.clicked.is_some() && f.visited.is_some());
    assert!(f.contacted >= f.converted);
    // No funnel goes up (the sample's had 327 clicked, then 523 visited), and none ends above
    // its converters.
    for f in &r.computed.funnels {
        let steps = [
            Some(f.contacted),
            f.opened,
            f.clicked,
            f.visited,
            Some(f.converted),
        ];
        let steps: Vec<u64> = steps.into_iter().flatten().collect();
        assert!(
            steps.windows(2).all(|w| w[0] >= w[1]),
            "{}: {steps:?}",
            f.key
        );
        let converters = r
            .computed
            .campaigns
            .iter()
            .find(|m| m.key == f.key)
            .unwrap_or(&r.computed.total)
            .converters;
        assert!(f.converted <= converters, "{}", f.key);
    }
    // The total conversion rate is the campaigns' converters over their reach, so it lies
    // between the campaigns' rates (it was 29.4% against campaigns of 5-17%).
    let t = &r.computed.total;
    let conv: u64 = r.computed.campaigns.iter().map(|m| m.converters).sum();
    let reach: u64 = r.computed.campaigns.iter().map(|m| m.reach).sum();
    assert_eq!((t.campaign_converters, t.campaign_reach), (conv, reach));
    close(
        t.conversion_rate.unwrap(),
        conv as f64 / reach as f64,
        1e-12,
    );
    let rates: Vec<f64> = r
        .computed
        .campaigns
        .iter()
        .filter_map(|m| m.conversion_rate)
        .collect();
    let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let rate = t.conversion_rate.unwrap();
    assert!(lo <= rate && rate <= hi, "{lo} <= {rate} <= {hi}");
    for ch in &r.computed.channels {
        if let Some(rate) = ch.conversion_rate {
            assert!(lo <= rate && rate <= hi, "{}: {rate}", ch.key);
        }
    }
    // Per distinct customer it is higher: customers reached several times had several chances.
    close(
        t.customer_conversion_rate.unwrap(),
        t.converters as f64 / t.reach as f64,
        1e-12,
    );
}

#[test]
fn sample_experiment_lift() {
    let s = Scratch::new();
    let path = sample_copy(&s);
    let p = Project::open_read_only(&path).unwrap();
    let (subjects, skipped) =
        read_experiment(&p, "experiment", "segment", "spend", Some("conversion")).unwrap();
    assert_eq!((subjects.len(), skipped), (6_000, 0));
    let u = uplift(&subjects, "No E-Mail", Some(0.5)).unwrap();
    assert_eq!(u.control.n, 2_000);
    // The generator draws exactly round(n × rate) converters per arm (sample-data/README.md).
    close(u.control.conversion_rate, 11.0 / 2000.0, 1e-12);
    let mens = u
        .arms
        .iter()
        .find(|a| a.summary.arm == "Mens E-Mail")
        .unwrap();
    close(mens.summary.conversion_rate, 25.0 / 2000.0, 1e-12);
    close(mens.conversion_lift_abs, 14.0 / 2000.0, 1e-12);
    close(mens.incremental_conversions, 14.0, 1e-9);
    // The mean spend: against SQL.
    let mean: f64 = rows(
        &p,
        "SELECT avg(spend) FROM experiment WHERE segment = 'Mens E-Mail'",
    )[0][0]
        .parse()
        .unwrap();
    close(mens.summary.mean_outcome, mean, 1e-9);
    assert!(mens.p_value.unwrap() < 0.05);
    assert!(u.arms.iter().all(|a| a.incremental_roi.is_some()));
}

/// The small experiment of `campaigns::uplift`'s unit tests, checked against SciPy 1.17
/// (computed independently, not with Loupe):
///
/// ```python
/// from scipy import stats; import numpy as np
/// c = np.array([0,0,10,0,20,0,0,5.]); t = np.array([0,15,30,0,25,0,10,40,0,5.])
/// r = stats.ttest_ind(t, c, equal_var=False)   # t 1.5384884720762402, p 0.14658002447599386,
///                                              # df 13.774417451660883
/// r.confidence_interval(0.95)                  # (-3.2193841467741535, 19.469384146774154)
/// # conversions (y > 0): 6/10 vs 3/8; unpooled Wald CI with stats.norm.ppf(0.975):
/// #   (-0.22747955819482302, 0.677479558194823); pooled z 0.9486832980505138,
/// #   p 2*stats.norm.sf(z) = 0.34278171114791145
/// # log-ratio (delta method) CI of the relative lift: (-0.2681877293920556, 10.15486257061652)
/// # Katz CI of the conversion risk ratio − 1: (-0.4275387064130548, 3.471918064467686)
/// # incremental ROI at 2 per contact: ((lo·10 − 20)/20, (hi·10 − 20)/20)
/// #   = (-2.6096920733870768, 8.734692073387077)
/// ```
#[test]
fn uplift_cli_matches_scipy() {
    let s = Scratch::new();
    let mut csv = String::from("customer,group,revenue\n");
    for (i, y) in [0, 0, 10, 0, 20, 0, 0, 5].iter().enumerate() {
        csv.push_str(&format!("c{i},control,{y}\n"));
    }
    for (i, y) in [0, 15, 30, 0, 25, 0, 10, 40, 0, 5].iter().enumerate() {
        csv.push_str(&format!("t{i},treatment,{y}\n"));
    }
    let f = s.write("exp.csv", csv);
    let project = s.path("exp.loupe");
    let out = loupe()
        .arg("import")
        .arg(&f)
        .arg("--project")
        .arg(&project)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = loupe()
        .args([
            "uplift",
            "--dataset",
            "exp",
            "--arm",
            "group",
            "--control",
            "control",
        ])
        .args([
            "--outcome",
            "revenue",
            "--cost-per-contact",
            "2",
            "--json",
            "--project",
        ])
        .arg(&project)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = |x: &serde_json::Value| x.as_f64().unwrap();
    // The keys the issue names.
    let c = &v["control"];
    assert_eq!(c["arm"], "control");
    assert_eq!(c["n"], 8);
    close(f(&c["conversion_rate"]), 0.375, 1e-15);
    close(f(&c["mean_outcome"]), 4.375, 1e-12);
    let a = &v["arms"][0];
    for key in [
        "arm",
        "n",
        "conversion_rate",
        "mean_outcome",
        "lift_abs",
        "lift_abs_ci",
        "lift_rel",
        "p_value",
        "conversion_lift_abs",
        "conversion_lift_ci",
        "incremental_outcome",
        "incremental_roi",
    ] {
        assert!(!a[key].is_null(), "{key} missing in {a}");
    }
    assert_eq!(a["arm"], "treatment");
    assert_eq!(a["n"], 10);
    close(f(&a["lift_abs"]), 8.125, 1e-12);
    close(f(&a["t_statistic"]), 1.538_488_472_076_240_2, 1e-12);
    close(f(&a["welch_df"]), 13.774_417_451_660_883, 1e-9);
    close(f(&a["p_value"]), 0.146_580_024_475_993_86, 1e-10);
    close(f(&a["lift_abs_ci"][0]), -3.219_384_146_774_153_5, 1e-9);
    close(f(&a["lift_abs_ci"][1]), 19.469_384_146_774_154, 1e-9);
    close(f(&a["lift_rel_ci"][0]), -0.268_187_729_392_055_6, 1e-10);
    close(f(&a["lift_rel_ci"][1]), 10.154_862_570_616_52, 1e-9);
    close(f(&a["conversion_lift_abs"]), 0.225, 1e-15);
    close(
        f(&a["conversion_lift_ci"][0]),
        -0.227_479_558_194_823_02,
        1e-12,
    );
    close(f(&a["conversion_lift_ci"][1]), 0.677_479_558_194_823, 1e-12);
    close(f(&a["conversion_z"]), 0.948_683_298_050_513_8, 1e-12);
    close(f(&a["conversion_p_value"]), 0.342_781_711_147_911_45, 1e-12);
    close(
        f(&a["conversion_lift_rel_ci"][0]),
        -0.427_538_706_413_054_8,
        1e-10,
    );
    close(
        f(&a["conversion_lift_rel_ci"][1]),
        3.471_918_064_467_686,
        1e-9,
    );
    close(f(&a["incremental_outcome"]), 81.25, 1e-9);
    close(f(&a["incremental_roi"]), (81.25 - 20.0) / 20.0, 1e-12);
    close(
        f(&a["incremental_roi_ci"][0]),
        -2.609_692_073_387_076_8,
        1e-9,
    );
    close(f(&a["incremental_roi_ci"][1]), 8.734_692_073_387_077, 1e-9);

    // Without a cost there is no incremental ROI; a missing control is explained.
    let out = loupe()
        .args([
            "uplift",
            "--dataset",
            "exp",
            "--arm",
            "group",
            "--control",
            "control",
        ])
        .args(["--outcome", "revenue", "--json", "--project"])
        .arg(&project)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["arms"][0].get("incremental_roi").is_none());
    let out = loupe()
        .args([
            "uplift",
            "--dataset",
            "exp",
            "--arm",
            "group",
            "--control",
            "No E-Mail",
        ])
        .args(["--outcome", "revenue", "--project"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no arm 'No E-Mail'") && err.contains("control, treatment"),
        "{err}"
    );
    let out = loupe()
        .args([
            "uplift",
            "--dataset",
            "exp",
            "--arm",
            "group",
            "--control",
            "control",
        ])
        .args(["--outcome", "customer", "--project"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not numbers"));
}

#[test]
fn roi_cli_on_the_sample() {
    let s = Scratch::new();
    let path = sample_copy(&s);
    let out = loupe()
        .args([
            "roi",
            "--json",
            "--attribution",
            "position",
            "--window-days",
            "14",
        ])
        .arg("--project")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["attribution"]["model"], "position");
    assert_eq!(v["attribution"]["window_days"], 14);
    assert_eq!(v["campaigns"].as_array().unwrap().len(), 8);
    assert_eq!(v["campaigns"][0]["key"], "CMP01");
    assert_eq!(v["campaigns"][0]["cost_source"], "campaigns_table");
    assert_eq!(v["channels"].as_array().unwrap().len(), 4);
    assert_eq!(v["sources"]["contacts"], "contacts");
    // The same numbers as the library.
    let p = Project::open_read_only(&path).unwrap();
    let inputs = load_inputs(
        &p,
        &guess_sources(&p.datasets().unwrap()),
        &[],
        &Reporter::silent(),
    )
    .unwrap();
    let spec = Attribution {
        model: Model::Position,
        window_days: 14,
        half_life_days: 7.0,
    };
    let r = roi_report(&inputs, &spec).unwrap();
    close(
        v["total"]["revenue"].as_f64().unwrap(),
        r.computed.total.revenue,
        1e-9,
    );

    // CSV: campaigns, channels, total, with a level column.
    let csv = s.path("roi.csv");
    let out = loupe()
        .args([
            "roi",
            "--attribution",
            "time-decay",
            "--half-life-days",
            "3",
            "--out",
        ])
        .arg(&csv)
        .arg("--project")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("level,key,name,channel,contacts,reach"));
    assert_eq!(lines.len(), 1 + 8 + 4 + 1);
    assert!(lines[1].starts_with("campaign,CMP01,新春会员短信,短信,320,"));
    assert!(lines[13].starts_with("total,total,"));
    // XLSX: the whole report.
    let xlsx = s.path("roi.xlsx");
    let out = loupe()
        .args(["roi", "--out"])
        .arg(&xlsx)
        .arg("--project")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 2_000);

    // Datasets and roles named by hand; bad flags explained.
    let out = loupe()
        .args(["roi", "--contacts", "contacts", "--orders", "orders"])
        .args(["--role", "contacts:contact_time=timestamp", "--project"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("新春会员短信") && text.contains("Total"),
        "{text}"
    );
    for (args, want) in [
        (vec!["--attribution", "shapley"], "not an attribution model"),
        (vec!["--window-days", "0"], "1 to 3650 days"),
        (vec!["--orders", "campaigns"], "cannot be the orders"),
        (vec!["--role", "contacts:nope=timestamp"], "nope"),
        (vec!["--out", "roi.txt"], ".csv or .xlsx"),
    ] {
        let out = loupe()
            .arg("roi")
            .args(&args)
            .arg("--project")
            .arg(&path)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    }
    // A project without contacts says what it needs.
    let mut empty = Project::open_or_create(s.path("empty.loupe")).unwrap();
    let f = s.write(
        "o.csv",
        "customer_id,order_time,amount\n1,2024-01-01 10:00:00,5\n",
    );
    import(&mut empty, &[&f], named("orders")).unwrap();
    drop(empty);
    let out = loupe()
        .arg("roi")
        .arg("--project")
        .arg(s.path("empty.loupe"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no contacts dataset"));
}

#[test]
fn charts_and_report_export() {
    use loupe::campaigns::charts::{
        ChartWords, funnel_of, lift_intervals, ratio_table, timeline_table,
    };
    use loupe::campaigns::report::write_report_xlsx;
    use loupe::explore::render::{ChartKind, Words, render_funnel, render_table};
    use loupe::explore::render_interval::{compact_ticks, render_intervals};
    let s = Scratch::new();
    let path = sample_copy(&s);
    let p = Project::open_read_only(&path).unwrap();
    let inputs = load_inputs(
        &p,
        &guess_sources(&p.datasets().unwrap()),
        &[],
        &Reporter::silent(),
    )
    .unwrap();
    let r = roi_report(&inputs, &Attribution::default()).unwrap();
    let (subjects, _) =
        read_experiment(&p, "experiment", "segment", "spend", Some("conversion")).unwrap();
    let u = uplift(&subjects, "No E-Mail", Some(0.5)).unwrap();
    let w = ChartWords::default();
    let words = Words::default();
    let size = (1000, 600);
    let png = |name: &str| s.path(name);
    let t = timeline_table(&r, &w);
    assert_eq!(t.series.len(), 2);
    render_table(
        &t,
        ChartKind::Line,
        0,
        "spend vs revenue",
        &words,
        &png("t.png"),
        size,
    )
    .unwrap();
    let c = ratio_table(&r.computed.campaigns, false, false, &w);
    assert_eq!(c.x_values.len(), 8);
    // ROI in percent on its own chart; ROAS (a multiple) on another.
    assert_eq!(c.measures, ["ROI (%)"]);
    let first = &r.computed.campaigns[0];
    close(
        c.rows[0].values[0].unwrap(),
        first.roi.unwrap() * 100.0,
        1e-9,
    );
    let roas = ratio_table(&r.computed.campaigns, false, true, &w);
    assert_eq!(roas.measures, ["ROAS (×)"]);
    assert_eq!(roas.rows[0].values[0], first.roas);
    render_table(&c, ChartKind::Bar, 0, "ROI", &words, &png("c.png"), size).unwrap();
    let h = ratio_table(&r.computed.channels, true, true, &w);
    assert_eq!(h.x_values.len(), 4);
    render_table(&h, ChartKind::Bar, 0, "ROI", &words, &png("h.png"), size).unwrap();
    let f = funnel_of(r.computed.funnels.last().unwrap(), &w);
    assert_eq!(
        f.steps,
        ["contacted", "opened", "clicked", "visited", "converted"]
    );
    render_funnel(&f, "funnel", &words, &png("f.png"), size).unwrap();
    let li = lift_intervals(&u, false);
    assert_eq!(li.len(), 2);
    render_intervals(&li, "lift", "spend", &compact_ticks, &png("l.png"), size).unwrap();
    for n in ["t.png", "c.png", "h.png", "f.png", "l.png"] {
        let b = std::fs::read(png(n)).unwrap();
        assert_eq!(&b[1..4], b"PNG", "{n}");
    }
    // The whole report in one workbook: per campaign, per channel, models, timeline, funnel, lift.
    let x = s.path("report.xlsx");
    write_report_xlsx(
        &r,
        Some(&u),
        &|c: &str| c.to_uppercase(),
        &|n: &str| n.to_string(),
        &x,
    )
    .unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&x).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "per campaign",
            "per channel",
            "model comparison",
            "timeline",
            "funnel",
            "lift"
        ]
    );
    let lift = book.worksheet_range("lift").unwrap();
    assert_eq!(lift.get_value((0, 0)).unwrap().to_string(), "ARM");
    assert_eq!(lift.get_value((1, 0)).unwrap().to_string(), "No E-Mail");
    assert_eq!(lift.height(), 4);
    let camp = book.worksheet_range("per campaign").unwrap();
    assert_eq!(camp.height(), 1 + 8 + 1);
    let rev: f64 = camp
        .get_value((1, 13))
        .unwrap()
        .to_string()
        .parse()
        .unwrap();
    close(rev, r.computed.campaigns[0].revenue, 1e-9);
}
