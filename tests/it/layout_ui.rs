//! The window at the sizes of a small laptop (1000×700) and a full-HD screen (1920×1080): the
//! Data page's table shows several columns beside the side panels (it showed two at 1000×700),
//! and the column profile folds away and back; every page's main controls are on screen and
//! clear of the navigation; the row numbers and their "#" header stay in view sideways.

use crate::ui::{app_sized, sample, wait_until};
use egui_kittest::kittest::Queryable;
use loupe::i18n::Lang;

/// The sample's customers columns whose headers are on screen left of `edge`.
fn headers_in_view(h: &egui_kittest::Harness<'static, loupe::ui::LoupeApp>, edge: f32) -> usize {
    let columns = [
        "customer_id",
        "gender",
        "age",
        "city",
        "member_level",
        "signup_date",
        "signup_channel",
    ];
    columns
        .iter()
        .filter(|c| {
            h.query_all_by_label(c).any(|n| {
                let r = n.rect();
                r.min.x >= 0.0 && r.max.x <= edge
            })
        })
        .count()
}

#[test]
fn data_table_shows_several_columns_at_both_sizes() {
    for (size, least) in [([1000.0, 700.0], 4), ([1920.0, 1080.0], 7)] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("layout.loupe");
        std::fs::copy(sample(), &path).unwrap();
        let mut h = app_sized(&path, Lang::En, size);
        wait_until(&mut h, "the first dataset", |a| {
            !a.busy() && a.data().row_count().is_some()
        });
        let profile = h.query_by_label("Column profile").map(|n| n.rect().min.x);
        if size[0] < 1200.0 {
            // Folded on the small window, and it opens again on a click.
            assert!(profile.is_none(), "the profile is open at {size:?}");
        } else {
            assert!(profile.is_some(), "the profile is folded at {size:?}");
        }
        let edge = profile.unwrap_or(size[0]);
        let shown = headers_in_view(&h, edge);
        assert!(
            shown >= least,
            "{shown} columns in view at {size:?}, want {least}"
        );
        if profile.is_none() {
            h.get_by_label("«").click();
            h.run_steps(3);
            h.get_by_label("Column profile");
            h.get_by_label("»").click();
            h.run_steps(3);
            assert!(h.query_by_label("Column profile").is_none());
        }
    }
}

#[test]
fn customer_card_text_does_not_overlap_at_both_sizes() {
    use loupe::ui::{Page, nav_label};
    for size in [[1000.0, 700.0], [1920.0, 1080.0]] {
        let mut h = app_sized(sample(), Lang::En, size);
        wait_until(&mut h, "the first dataset", |a| !a.busy());
        h.get_by_label(&nav_label(Lang::En, Page::Customers))
            .click();
        wait_until(&mut h, "the customer table", |a| {
            !a.busy() && a.customers().overview().is_some()
        });
        // Every label of the card's metrics and value sections against every other: no two
        // overlap (at 1000×700 the values ran into the second column's labels).
        let keys = [
            "Key metrics",
            "First purchase",
            "Last purchase",
            "Orders",
            "Lifetime value (BG/NBD)",
            "Probability still active",
            "Preferences",
        ];
        let mut rects: Vec<(String, egui::Rect)> = Vec::new();
        for k in keys {
            for n in h.query_all_by_label(k) {
                rects.push((k.to_string(), n.rect()));
            }
        }
        // The card shows the top customer by revenue (the list's first row): its first
        // purchase date sits beside "First purchase".
        let first = {
            let c = &h
                .state()
                .customers()
                .overview()
                .unwrap()
                .base
                .table
                .customers;
            c.iter()
                .max_by(|a, b| a.revenue.total_cmp(&b.revenue))
                .unwrap()
                .first_purchase
                .to_string()
        };
        let card_values: Vec<(String, egui::Rect)> = h
            .query_all_by_label(&first)
            .map(|n| (first.clone(), n.rect()))
            .collect();
        assert!(!card_values.is_empty(), "no {first} on the card");
        rects.extend(card_values);
        assert!(rects.len() >= keys.len(), "{rects:?}");
        for (i, (a, ra)) in rects.iter().enumerate() {
            for (b, rb) in &rects[i + 1..] {
                assert!(
                    !ra.shrink(1.0).intersects(rb.shrink(1.0)),
                    "'{a}' {ra:?} overlaps '{b}' {rb:?} at {size:?}"
                );
            }
        }
    }
}

/// `rect` lies wholly inside a window of `size`.
fn on_screen(rect: egui::Rect, size: [f32; 2]) -> bool {
    rect.min.x >= 0.0 && rect.min.y >= 0.0 && rect.max.x <= size[0] && rect.max.y <= size[1]
}

#[test]
fn clean_page_buttons_are_on_screen_at_both_sizes() {
    use egui::accesskit::Role;
    use loupe::ui::{Page, nav_label};
    for size in [[1000.0, 700.0], [1920.0, 1080.0]] {
        let mut h = app_sized(sample(), Lang::En, size);
        wait_until(&mut h, "the first dataset", |a| !a.busy());
        h.get_by_label(&nav_label(Lang::En, Page::Clean)).click();
        h.run_steps(3);
        h.get_by_value("customers").click();
        h.run_steps(2);
        h.get_by_label("orders").click();
        h.run_steps(2);
        let check = h.get_by_role_and_label(Role::Button, "Check quality");
        assert!(
            on_screen(check.rect(), size),
            "Check quality at {:?} in {size:?}",
            check.rect()
        );
        check.click();
        wait_until(&mut h, "the quality report", |a| {
            !a.busy() && a.clean().report().is_some_and(|r| r.dataset == "orders")
        });
        h.run_steps(2);
        for label in ["Check quality", "Show rows", "Add fix"] {
            let rects: Vec<egui::Rect> = h
                .query_all_by_role_and_label(Role::Button, label)
                .map(|n| n.rect())
                .collect();
            assert!(!rects.is_empty(), "no {label} button at {size:?}");
            assert!(
                rects.iter().any(|r| on_screen(*r, size)),
                "no {label} button on screen at {size:?}: {rects:?}"
            );
        }
    }
}

#[test]
fn most_common_values_show_ids_and_dates_whole() {
    let mut h = app_sized(sample(), Lang::En, [1920.0, 1080.0]);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label_contains("orders\n").click();
    wait_until(&mut h, "orders rows", |a| {
        !a.busy() && a.data().selected() == Some("orders") && a.data().row_count().is_some()
    });
    // A 6-digit order id and a date with its time.
    for column in ["order_id", "order_time"] {
        h.get_by_label(column).click();
        wait_until(&mut h, "the column's profile", |a| {
            !a.busy()
                && a.data().profile_column() == Some(column)
                && a.data().shown_profile().is_some()
        });
        h.run_steps(3);
        let panel = h.get_by_label("Column profile").rect().min.x;
        let values: Vec<String> = h
            .state()
            .data()
            .shown_profile()
            .unwrap()
            .top
            .iter()
            .map(|(v, _)| v.display())
            .collect();
        assert!(!values.is_empty(), "no common values of {column}");
        let font = egui::TextStyle::Body.resolve(&h.ctx.global_style());
        for v in values {
            let whole = h.ctx.fonts_mut(|f| {
                f.layout_no_wrap(v.clone(), font.clone(), egui::Color32::WHITE)
                    .size()
                    .x
            });
            let shown = h
                .query_all_by_label(&v)
                .map(|n| n.rect())
                .find(|r| r.min.x >= panel)
                .unwrap_or_else(|| panic!("{v} is not among the common values of {column}"));
            assert!(
                shown.width() + 0.5 >= whole,
                "{v} of {column} is cut: {} of {whole} points",
                shown.width()
            );
        }
    }
}

#[test]
fn row_numbers_stay_in_view_when_the_table_scrolls_sideways() {
    let size = [1000.0, 700.0];
    let mut h = app_sized(sample(), Lang::En, size);
    wait_until(&mut h, "the first dataset", |a| {
        !a.busy() && a.data().row_count().is_some()
    });
    h.run_steps(2);
    let header = h.get_by_label("customer_id").rect();
    let row_one = |h: &egui_kittest::Harness<'static, loupe::ui::LoupeApp>| {
        h.query_all_by_label("1")
            .map(|n| n.rect())
            .filter(|r| r.min.x >= 0.0 && r.max.x <= size[0] && r.min.y > header.max.y)
            .count()
    };
    assert!(
        row_one(&h) > 0,
        "row number 1 not on screen before scrolling"
    );
    // Scroll the table far to the right, over its body.
    let over = egui::pos2(header.center().x + 40.0, header.max.y + 60.0);
    for _ in 0..5 {
        h.hover_at(over);
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(-400.0, 0.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(2);
    }
    let moved = h
        .query_all_by_label("customer_id")
        .map(|n| n.rect().min.x)
        .fold(f32::INFINITY, f32::min);
    assert!(
        moved < header.min.x - 100.0,
        "the table did not scroll sideways: customer_id at {moved}, was {}",
        header.min.x
    );
    assert!(
        row_one(&h) > 0,
        "row number 1 left the screen after scrolling sideways"
    );
    // The column's "#" header stays with them, in the header row at the table's left edge.
    let numbers = h
        .query_all_by_label("1")
        .map(|n| n.rect())
        .filter(|r| r.min.x >= 0.0 && r.max.x <= size[0] && r.min.y > header.max.y)
        .map(|r| r.min.x)
        .fold(f32::INFINITY, f32::min);
    let hash = h
        .query_all_by_label("#")
        .map(|n| n.rect())
        .filter(|r| r.min.x >= 0.0 && r.max.x <= size[0] && r.min.y < header.max.y)
        .collect::<Vec<_>>();
    assert!(
        hash.iter()
            .any(|r| r.max.x <= numbers + 40.0 && r.min.y >= header.min.y - 4.0),
        "the '#' header left the screen after scrolling sideways: {hash:?}, numbers at {numbers}"
    );
}

/// Every page at 1000×700 and 1920×1080: its main controls are on screen, right of the
/// navigation panel and above the status bar, and no control of the page lies over the
/// navigation panel.
#[test]
fn every_page_keeps_its_main_controls_on_screen_at_both_sizes() {
    use egui_kittest::kittest::NodeT;
    use loupe::ui::{Page, nav_label};
    let pages: [(Page, &[&str]); 9] = [
        (Page::Data, &["Datasets", "Filter"]),
        (
            Page::Clean,
            &["Check quality", "Add step", "Undo", "Quality report"],
        ),
        (
            Page::Explore,
            &["Chart builder", "Sales trend", "Save to dashboard…"],
        ),
        (
            Page::Dashboard,
            &["Refresh", "Apply to all cards", "Monthly revenue"],
        ),
        (Page::Customers, &["Customer list", "RFM map"]),
        (Page::Segments, &["New segment", "Builder", "Export…"]),
        (Page::Recommendations, &["Picks", "Rules"]),
        (
            Page::Campaigns,
            &[
                "ROI and attribution",
                "Lift (experiment)",
                "Export report (XLSX)",
            ],
        ),
        (Page::Activity, &["Refresh", "Activity log"]),
    ];
    // A saved chart, so the Dashboard shows its cards and their controls.
    let s = crate::common::Scratch::new();
    let path = crate::common::sample_copy(&s);
    {
        use loupe::explore::saved::{SavedChart, save_chart};
        use loupe::explore::{ChartSpec, Dimension, Grain, Measure};
        let p = loupe::store::Project::open(&path).unwrap();
        let spec = ChartSpec::new(
            "orders",
            Dimension::new("order_time", Some(Grain::Month)),
            vec![Measure::parse("sum(amount)").unwrap()],
        );
        let chart = SavedChart {
            title: "Monthly revenue".into(),
            kind: loupe::explore::render::ChartKind::Bar,
            spec,
            card: Default::default(),
        };
        save_chart(&p, &chart).unwrap();
    }
    for size in [[1000.0, 700.0], [1920.0, 1080.0]] {
        let mut h = app_sized(&path, Lang::En, size);
        wait_until(&mut h, "the first dataset", |a| !a.busy());
        let nav: Vec<String> = Page::ALL.iter().map(|p| nav_label(Lang::En, *p)).collect();
        let nav_right = nav
            .iter()
            .filter_map(|l| h.query_by_label(l).map(|n| n.rect().max.x))
            .fold(0.0_f32, f32::max);
        assert!(nav_right > 0.0 && nav_right < 260.0, "nav at {nav_right}");
        // Below the top bar (which spans the window above the navigation).
        let nav_top = nav
            .iter()
            .filter_map(|l| h.query_by_label(l).map(|n| n.rect().min.y))
            .fold(f32::INFINITY, f32::min);
        for (page, main) in pages {
            h.get_by_label(&nav_label(Lang::En, page)).click();
            h.run_steps(3);
            let start = std::time::Instant::now();
            // Bounds only: CI runs the whole suite at once on two cores, where the Customers
            // page's job once took longer than 80 s.
            while h.state().busy() && start.elapsed().as_secs() < 240 {
                h.step();
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            h.run_steps(4);
            // Under load a page may take a few more frames to lay out what its job brought.
            let start = std::time::Instant::now();
            while main
                .iter()
                .any(|l| h.query_all_by_label_contains(l).next().is_none())
                && start.elapsed().as_secs() < 60
            {
                h.step();
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            let status_top = h
                .query_all_by_label_contains("✔ ")
                .map(|n| n.rect().min.y)
                .fold(size[1], f32::min);
            let inside = |r: egui::Rect| {
                r.min.x >= nav_right - 0.5
                    && r.max.x <= size[0] + 0.5
                    && r.min.y >= 0.0
                    && r.max.y <= status_top + 0.5
            };
            for label in main {
                let rects: Vec<egui::Rect> = h
                    .query_all_by_label_contains(label)
                    .map(|n| n.rect())
                    .collect();
                assert!(
                    rects.iter().any(|r| inside(*r)),
                    "{page:?} at {size:?}: '{label}' is not on screen right of the navigation \
                     ({nav_right}) and above the status bar ({status_top}): {rects:?}"
                );
            }
            // No control of the page reaches into the navigation panel.
            for role in [
                egui::accesskit::Role::Button,
                egui::accesskit::Role::ComboBox,
                egui::accesskit::Role::TextInput,
                egui::accesskit::Role::CheckBox,
            ] {
                for n in h.query_all(egui_kittest::kittest::By::new().role(role)) {
                    let label = n.accesskit_node().label().unwrap_or_default();
                    if nav.contains(&label) {
                        continue;
                    }
                    let r = n.rect();
                    if r.min.y < nav_top - 4.0 {
                        continue;
                    }
                    assert!(
                        !(r.min.x < nav_right - 1.0 && r.max.x > nav_right + 1.0),
                        "{page:?} at {size:?}: {role:?} '{label}' {r:?} lies over the navigation"
                    );
                }
            }
        }
    }
}
