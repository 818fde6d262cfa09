//! The Campaigns page on a copy of the sample project, driven headless like a user: the ROI view
//! shows the library's numbers, switching the attribution model recomputes them, and the Lift
//! view shows each arm against the control.

use crate::ui::{app, sample, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use loupe::campaigns::data::{guess_sources, load_inputs, read_experiment};
use loupe::campaigns::{Attribution, Model, roi_report, uplift};
use loupe::format::{column_decimals, fixed, number, percent};
use loupe::i18n::Lang;
use loupe::progress::Reporter;
use loupe::store::Project;
use loupe::ui::pages::campaigns::Tab;
use loupe::ui::{Page, nav_label};

#[test]
fn roi_and_lift_views_show_the_library_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campaigns.loupe");
    std::fs::copy(sample(), &path).unwrap();
    let report_for = |model: Model, window_days: u32| {
        let p = Project::open_read_only(&path).unwrap();
        let inputs = load_inputs(
            &p,
            &guess_sources(&p.datasets().unwrap()),
            &[],
            &Reporter::silent(),
        )
        .unwrap();
        roi_report(
            &inputs,
            &Attribution {
                model,
                window_days,
                ..Attribution::default()
            },
        )
        .unwrap()
    };
    let last = report_for(Model::LastTouch, 7);
    let linear = report_for(Model::Linear, 30);

    let mut h = app(&path, Lang::En);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::En, Page::Campaigns))
        .click();
    wait_until(&mut h, "the ROI report", |a| {
        !a.busy() && a.campaigns().roi().report().is_some()
    });
    assert_eq!(h.state().campaigns().tab(), Tab::Roi);
    h.get_by_label("ROI and attribution");
    h.get_by_label("Cumulative spend and attributed revenue");
    h.get_by_label("ROI and ROAS per campaign");
    h.get_by_label("ROI and ROAS per channel");
    assert!(h.query_all_by_label("Export PNG").count() >= 4);
    // The table's rows are the library's: each campaign's name, revenue and ROI, the revenue
    // column with one number of decimals.
    let revenue = |r: &loupe::campaigns::RoiReport, v: f64| {
        let all: Vec<f64> = r
            .computed
            .campaigns
            .iter()
            .chain(std::iter::once(&r.computed.total))
            .map(|m| m.revenue)
            .collect();
        fixed(v, column_decimals(&all))
    };
    for m in &last.computed.campaigns {
        h.get_by_label(&m.name);
        assert!(
            h.query_all_by_label(&revenue(&last, m.revenue)).count() >= 1,
            "revenue of {}",
            m.name
        );
        assert!(h.query_all_by_label(&percent(m.roi.unwrap())).count() >= 1);
    }
    h.get_by_label(&format!(
        "{} of {} orders attributed; {} of revenue not attributed to any contact.",
        loupe::i18n::int(last.computed.attributed_orders),
        loupe::i18n::int(last.orders),
        number(last.computed.unattributed_revenue)
    ));
    // The total conversion rate explained: the campaigns' converters over their reach.
    let t = &last.computed.total;
    h.get_by_label_contains(&format!(
        "converters ÷ reach over the campaigns ({} ÷ {})",
        loupe::i18n::int(t.campaign_converters),
        loupe::i18n::int(t.campaign_reach)
    ));
    assert!(
        h.query_all_by_label(&percent(t.conversion_rate.unwrap()))
            .count()
            >= 1
    );
    // ROI and ROAS each on a chart of its own: a switch on each ratio card.
    assert_eq!(h.query_all_by_label("ROAS (×)").count(), 2);
    assert_eq!(h.query_all_by_label("ROI (%)").count(), 2);
    h.get_by_label_contains("so the funnel never goes up");

    // At 7 days no order has touches by two campaigns (the sample's campaigns are weeks apart):
    // every model agrees, and the comparison says so.
    h.get_by_label("Compare models").click();
    h.run_steps(3);
    h.get_by_label("Time decay · Revenue");
    h.get_by_label("Position based (40/20/40) · ROI");
    h.get_by_label_contains("No order had contacts by more than one campaign");
    // A 30-day window (set as the spin box would), then linear: the job reruns.
    h.state_mut().campaigns_mut().roi_mut().set_window_days(30);
    wait_until(&mut h, "the 30-day report", |a| {
        !a.busy()
            && a.campaigns()
                .roi()
                .report()
                .is_some_and(|r| r.attribution.window_days == 30)
    });
    let thirty = report_for(Model::LastTouch, 30);
    let multi = thirty.computed.multi_campaign_orders;
    assert!(multi > 0);
    h.get_by_label(&format!(
        "{} orders had contacts by more than one campaign in the window; the models differ only on those.",
        loupe::i18n::int(multi)
    ));
    // Switch the model to linear: the job reruns and the table shows linear credit.
    h.get_by_role_and_label(Role::ComboBox, "Attribution model")
        .click();
    h.run_steps(2);
    h.get_by_label("Linear").click_accesskit();
    wait_until(&mut h, "the linear report", |a| {
        !a.busy()
            && a.campaigns()
                .roi()
                .report()
                .is_some_and(|r| r.attribution.model == Model::Linear)
    });
    let shown = h.state().campaigns().roi().report().unwrap().clone();
    assert_eq!(shown.computed.campaigns, linear.computed.campaigns);
    let changed = linear
        .computed
        .campaigns
        .iter()
        .zip(&thirty.computed.campaigns)
        .find(|(l, t)| (l.revenue - t.revenue).abs() > 0.01)
        .expect("linear differs from last touch somewhere");
    assert!(
        h.query_all_by_label(&revenue(&linear, changed.0.revenue))
            .count()
            >= 1
    );

    // The Lift view: the experiment's arms against No E-Mail.
    h.get_by_label("Lift (experiment)").click();
    wait_until(&mut h, "the lift", |a| {
        !a.busy() && a.campaigns().lift().uplift().is_some()
    });
    let lift = {
        let p = Project::open_read_only(&path).unwrap();
        let (s, _) =
            read_experiment(&p, "experiment", "segment", "spend", Some("conversion")).unwrap();
        uplift(&s, "No E-Mail", None).unwrap()
    };
    assert_eq!(h.state().campaigns().lift().uplift(), Some(&lift));
    h.get_by_label("No E-Mail (control)");
    h.get_by_label("Mens E-Mail");
    h.get_by_label("Womens E-Mail");
    for a in &lift.arms {
        assert!(
            h.query_all_by_label(&percent(a.summary.conversion_rate))
                .count()
                >= 1
        );
    }
    h.get_by_label("Lift in mean spend per customer, with 95% CI");
    h.get_by_label("Conversion-rate lift (pp), with 95% CI");
}

#[test]
fn campaigns_page_in_chinese() {
    let mut h = app(sample(), Lang::ZhCn);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Campaigns))
        .click();
    wait_until(&mut h, "the ROI report", |a| {
        !a.busy() && a.campaigns().roi().report().is_some()
    });
    h.get_by_label("投资回报与归因");
    h.get_by_label("累计花费与归因销售额");
    h.get_by_label("新春会员短信");
    h.get_by_label("增量实验").click();
    wait_until(&mut h, "the lift", |a| {
        !a.busy() && a.campaigns().lift().uplift().is_some()
    });
    h.get_by_label("No E-Mail (对照)");
}
