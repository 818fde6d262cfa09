//! The Explore page, driven headless by its labels: the builder computes a chart as a job and
//! shows its table; the ready-made analyses appear one click away, in English and Chinese.

use crate::ui::{app, sample, wait_until};
use egui::accesskit::Role;
use egui_kittest::{Harness, kittest::Queryable};
use loupe::explore::{Key, render::ChartKind};
use loupe::i18n::{Lang, T};
use loupe::ui::pages::explore::Tab;
use loupe::ui::{LoupeApp, Page, nav_label};

fn open_explore(h: &mut Harness<'static, LoupeApp>, lang: Lang) {
    wait_until(h, "the project", |a| a.ws().project.is_some() && !a.busy());
    h.get_by_label(&nav_label(lang, Page::Explore)).click();
    h.run_steps(2);
}

#[test]
fn the_builder_charts_monthly_revenue_with_its_table() {
    let mut h = app(sample(), Lang::En);
    open_explore(&mut h, Lang::En);
    wait_until(&mut h, "the first chart", |a| {
        a.explore().chart_table().is_some()
    });
    let t = h.state().explore().chart_table().unwrap().clone();
    // Opens on the orders' time by month, summing the amount: 13 months, Dec 2010 – Dec 2011.
    assert_eq!(t.x, "order_time:month");
    assert_eq!(t.measures, vec!["sum(amount)".to_string()]);
    assert_eq!(t.rows.len(), 13);
    h.get_by_label("Chart builder");
    h.get_by_label("Export CSV");
    h.get_by_label("Export PNG");
    h.get_by_label("24,005 rows in, 13 groups");
    // The table shows the months as months, the sums formatted.
    h.get_by_label("2011-11");
    let nov = t.rows.iter().find(|r| r.x.text() == "2011-11-01").unwrap();
    h.get_by_label(&loupe::format::number(nov.values[0].unwrap()));

    // Split by channel: one series per channel.
    h.get_by_role_and_label(Role::ComboBox, "Split by").click();
    h.run_steps(2);
    h.run_steps(2);
    h.get_by_label("channel").click_accesskit();
    wait_until(&mut h, "the split chart", |a| {
        a.explore().chart_table().is_some_and(|t| t.by.is_some())
    });
    let t = h.state().explore().chart_table().unwrap();
    assert_eq!(t.series.len(), 5);
    assert!(t.series.contains(&Key::Text("微信小程序".into())));
    // Switch to stacked bars: drawn from the same table, no new job.
    h.get_by_role_and_label(Role::ComboBox, "Chart").click();
    h.run_steps(2);
    h.get_by_label("stacked bar").click_accesskit();
    h.run_steps(3);
    assert!(!h.state().busy());
    let _ = ChartKind::StackedBar;
}

#[test]
fn ready_made_analyses_are_one_click_away() {
    let mut h = app(sample(), Lang::En);
    open_explore(&mut h, Lang::En);
    h.get_by_label("Cohorts").click();
    wait_until(&mut h, "the cohorts", |a| {
        a.explore().result_tab() == Some(Tab::Cohorts)
    });
    assert_eq!(
        h.get_all_by_label("Retention").count(),
        2,
        "the toggle and the title"
    );
    h.get_by_label("Revenue per customer").click();
    h.run_steps(2);
    assert_eq!(h.get_all_by_label("Revenue per customer").count(), 2);
    h.get_by_label_contains("Each row is the customers who first bought in that month");

    h.get_by_label("Funnel").click();
    wait_until(&mut h, "the funnel", |a| {
        a.explore().result_tab() == Some(Tab::Funnel)
    });
    h.get_by_label("page_view");
    h.get_by_label("From previous");
    h.get_by_label("981");

    h.get_by_label("Forecast").click();
    wait_until(&mut h, "the forecast", |a| {
        a.explore().result_tab() == Some(Tab::Forecast)
    });
    h.get_by_label_contains("Holdout check on the last 28 days: MAPE");

    h.get_by_label("Pareto").click();
    wait_until(&mut h, "the Pareto", |a| {
        a.explore().result_tab() == Some(Tab::Pareto)
    });
    h.get_by_label_contains("The top 20% of");

    h.get_by_label("Repeat purchase").click();
    wait_until(&mut h, "repeat purchases", |a| {
        a.explore().result_tab() == Some(Tab::Repeat)
    });
    h.get_by_label_contains("days between purchases");

    h.get_by_label("Sales trend").click();
    wait_until(&mut h, "the trend", |a| {
        a.explore().result_tab() == Some(Tab::Trend)
    });
    h.get_by_label("4-period moving average");
}

#[test]
fn explore_speaks_chinese() {
    let lang = Lang::ZhCn;
    let mut h = app(sample(), lang);
    open_explore(&mut h, lang);
    wait_until(&mut h, "the first chart", |a| {
        a.explore().chart_table().is_some()
    });
    h.get_by_label(lang.tr(T::TabBuilder));
    h.get_by_label(lang.tr(T::ExportCsv));
    h.get_by_label(lang.tr(T::TabCohorts)).click();
    wait_until(&mut h, "the cohorts", |a| {
        a.explore().result_tab() == Some(Tab::Cohorts)
    });
    assert_eq!(h.get_all_by_label(lang.tr(T::Retention)).count(), 2);
    h.get_by_label(lang.tr(T::CohortHint));
}

#[test]
fn funnel_steps_come_from_the_events_and_unknown_ones_are_refused() {
    let s = crate::common::Scratch::new();
    // A behaviour dataset (as UserBehavior): no page_view, add_to_cart or purchase.
    let mut csv = String::from("customer_id,item_id,event_type,event_time\n");
    let kinds = [("pv", 6), ("cart", 3), ("fav", 2), ("buy", 1)];
    for u in 0..5 {
        let mut minute = 0;
        for (kind, n) in kinds {
            for _ in 0..n {
                minute += 1;
                csv.push_str(&format!(
                    "u{u},i{minute},{kind},2024-03-01 10:{minute:02}:00\n"
                ));
            }
        }
    }
    let file = s.write("behaviour.csv", csv);
    let path = {
        let mut p = s.project();
        crate::common::import(&mut p, &[&file], crate::common::named("behaviour")).unwrap();
        p.path().to_path_buf()
    };
    let lang = Lang::En;
    let mut h = app(&path, lang);
    open_explore(&mut h, lang);
    h.get_by_label("Funnel").click();
    wait_until(&mut h, "the funnel", |a| {
        a.explore().result_tab() == Some(Tab::Funnel)
    });
    // The three most frequent events, in the step pickers.
    assert_eq!(
        h.state().explore().funnel_steps().unwrap(),
        ["pv", "cart", "fav"]
    );
    h.get_by_role_and_label(Role::ComboBox, &lang.f(T::FnStep, &[&1]));
    // Steps that match nothing: refused with a message, nothing computed.
    h.state_mut()
        .explore_mut()
        .set_funnel_steps("page_view, pv, purchase");
    h.run_steps(3);
    assert!(!h.state().busy());
    h.get_by_label_contains("No event is called page_view, purchase");
}

#[test]
fn a_running_job_shows_a_cancel_button_that_stops_it() {
    use loupe::ui::state::{JobSlot, Workspace};
    let lang = Lang::ZhCn;
    let mut ws = Workspace::new(lang, loupe::jobs::no_wake());
    let mut slot: JobSlot<()> = JobSlot::default();
    slot.start(&mut ws, T::JobAnalysis, "long", |rep| {
        loop {
            rep.check()?;
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    });
    let mut h = Harness::builder()
        .with_context_setup(|ctx| loupe::ui::theme::install_fonts(ctx, false))
        .build_ui_state(
            |ui, (ws, slot): &mut (Workspace, JobSlot<()>)| {
                let _ = slot.poll_report(ws);
                loupe::ui::widgets::job_status(ui, ws.lang, slot);
            },
            (ws, slot),
        );
    h.run_steps(2);
    h.get_by_label(lang.tr(T::Cancel)).click();
    let start = std::time::Instant::now();
    while h.state().1.is_running() {
        h.step();
        assert!(
            start.elapsed().as_secs() < 20,
            "the job stops when cancelled"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(h.query_by_label(lang.tr(T::Cancel)).is_none());
}
