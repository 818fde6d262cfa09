//! The Clean page at the size of a small laptop (1000×700): the Columns table of the quality
//! report scrolls into view, and a fix from the report is previewed (rows it changes, sample
//! values before and after) before it joins the recipe, with Apply and Cancel.

use crate::ui::{app_sized, sample, wait_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loupe::i18n::Lang;
use loupe::ui::{LoupeApp, Page, nav_label};

const SMALL: [f32; 2] = [1000.0, 700.0];

/// `rect` lies wholly inside a window of `size`.
fn on_screen(rect: egui::Rect, size: [f32; 2]) -> bool {
    rect.min.x >= 0.0 && rect.min.y >= 0.0 && rect.max.x <= size[0] && rect.max.y <= size[1]
}

/// Opens the Clean page on `orders` and waits for its quality report and raw rows.
fn clean_orders(h: &mut Harness<'static, LoupeApp>) {
    wait_until(h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::En, Page::Clean)).click();
    h.run_steps(3);
    h.get_by_value("customers").click();
    h.run_steps(2);
    h.get_by_label("orders").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Check quality")
        .click();
    wait_until(h, "the quality report", |a| {
        !a.busy()
            && a.clean().raw_loaded()
            && a.clean().report().is_some_and(|r| r.dataset == "orders")
    });
    h.run_steps(2);
}

/// Turns the mouse wheel over `at` (`delta` points a notch).
fn wheel(h: &mut Harness<'static, LoupeApp>, at: egui::Pos2, delta: egui::Vec2, notches: usize) {
    for _ in 0..notches {
        h.hover_at(at);
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(2);
    }
}

/// The Columns table's last header (a finding may carry the same words above it).
fn table_header(h: &Harness<'static, LoupeApp>) -> egui::Rect {
    h.query_all_by_label("Outliers (IQR)")
        .map(|n| n.rect())
        .max_by(|a, b| a.min.y.total_cmp(&b.min.y))
        .expect("the Columns table's Outliers (IQR) header")
}

#[test]
fn the_columns_table_scrolls_into_view_on_a_small_window() {
    let mut h = app_sized(sample(), Lang::En, SMALL);
    clean_orders(&mut h);
    let columns: Vec<String> = h
        .state()
        .clean()
        .report()
        .unwrap()
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert!(columns.len() >= 5, "{columns:?}");
    // Scroll the report down, over its findings.
    let findings = h.get_by_label("Findings").rect();
    let over = egui::pos2(findings.min.x + 40.0, findings.max.y + 80.0);
    wheel(&mut h, over, egui::vec2(0.0, -300.0), 12);
    let header = table_header(&h);
    assert!(
        header.min.y >= 0.0 && header.max.y <= SMALL[1],
        "the Columns table's header is not in view after scrolling: {header:?}"
    );
    // Every column's row is laid out below the header, the last one on screen.
    let last = columns.last().unwrap();
    let row = h
        .query_all_by_label(last)
        .map(|n| n.rect())
        .rfind(|r| r.min.y > header.max.y)
        .unwrap_or_else(|| panic!("no row for {last} under the header"));
    assert!(
        row.max.y <= SMALL[1] - 20.0,
        "the last column's row {row:?} is below the window"
    );
    // The right-hand columns come into view sideways when they do not fit.
    if !on_screen(header, SMALL) {
        let at = egui::pos2(header.min.x.min(SMALL[0] - 100.0), header.max.y + 10.0);
        wheel(&mut h, at, egui::vec2(-400.0, 0.0), 4);
    }
    let header = table_header(&h);
    assert!(
        on_screen(header, SMALL),
        "the Columns table's last header is out of reach: {header:?}"
    );
}

#[test]
fn a_fix_is_previewed_before_it_joins_the_recipe() {
    // Its own copy of the sample: applying the fix writes a cleaned table.
    let s = crate::common::Scratch::new();
    let path = crate::common::sample_copy(&s);
    let mut h = app_sized(&path, Lang::En, SMALL);
    clean_orders(&mut h);
    let suggested = |h: &Harness<'static, LoupeApp>| {
        h.query_all_by_role_and_label(Role::Button, "Add fix")
            .next()
            .expect("an Add fix button")
            .click();
    };
    suggested(&h);
    wait_until(&mut h, "the fix's preview", |a| {
        !a.busy() && a.clean().pending_fix().is_some_and(|(_, p)| p.is_some())
    });
    // Nothing applied yet: the recipe is empty and no cleaned table was built.
    assert_eq!(h.state().clean().recipe().map(|r| r.steps.len()), Some(0));
    let (step, p) = h.state().clean().pending_fix().unwrap();
    let (step, p) = (step.clone(), p.unwrap().clone());
    assert_eq!(
        step.describe(Lang::En),
        "Drop rows where order_id starts with 'C'"
    );
    h.get_by_label(&format!("Preview of the fix: {}", step.describe(Lang::En)));
    // The rows it changes, and sample rows with their values.
    assert!(p.removed > 0 && p.before.height() > 0, "{p:?}");
    h.get_by_label(&format!(
        "Removes {} of {} rows.",
        loupe::i18n::int(p.removed as u64),
        loupe::i18n::int(p.rows_before as u64)
    ));
    let first_id = p
        .before
        .column("order_id")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert!(first_id.starts_with('C'), "{first_id}");
    assert!(h.query_all_by_label(&first_id).next().is_some());
    for b in ["Apply", "Cancel"] {
        let r = h.get_by_role_and_label(Role::Button, b).rect();
        assert!(on_screen(r, SMALL), "{b} at {r:?}");
    }
    // Cancel: nothing changes.
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run_steps(3);
    assert!(h.state().clean().pending_fix().is_none());
    assert_eq!(h.state().clean().recipe().map(|r| r.steps.len()), Some(0));
    let project = loupe::store::Project::open_read_only(&path).unwrap();
    assert!(project.dataset("orders_clean").is_err());
    drop(project);
    // Again, and Apply: the fix joins the recipe and the cleaned table is built.
    suggested(&h);
    wait_until(&mut h, "the fix's preview", |a| {
        !a.busy() && a.clean().pending_fix().is_some_and(|(_, p)| p.is_some())
    });
    h.get_by_role_and_label(Role::Button, "Apply").click();
    wait_until(&mut h, "the cleaned table", |a| {
        !a.busy() && a.clean().preview().is_some()
    });
    assert!(h.state().clean().pending_fix().is_none());
    let recipe = h.state().clean().recipe().unwrap().clone();
    assert_eq!(recipe.steps.len(), 1);
    assert_eq!(recipe.steps[0].step, step);
    let project = loupe::store::Project::open_read_only(&path).unwrap();
    let cleaned = project.dataset("orders_clean").unwrap();
    assert_eq!(cleaned.rows as usize, p.rows_after);
}

#[test]
fn a_fix_preview_shows_values_before_and_after() {
    let mut h = app_sized(sample(), Lang::En, SMALL);
    clean_orders(&mut h);
    // A fix that changes values rather than removing rows, when the sample has one.
    let report = h.state().clean().report().unwrap().clone();
    let Some(index) = report
        .findings
        .iter()
        .filter(|f| f.suggested.is_some())
        .position(|f| {
            !matches!(
                f.suggested,
                Some(loupe::clean::Step::DropRows { .. })
                    | Some(loupe::clean::Step::RemoveDuplicates { .. })
            )
        })
    else {
        panic!("the sample orders have no value-changing fix: {report:?}");
    };
    h.query_all_by_role_and_label(Role::Button, "Add fix")
        .nth(index)
        .expect("its Add fix button")
        .click();
    wait_until(&mut h, "the fix's preview", |a| {
        !a.busy() && a.clean().pending_fix().is_some_and(|(_, p)| p.is_some())
    });
    let p = h.state().clean().pending_fix().unwrap().1.unwrap().clone();
    assert!(p.changed > 0, "{p:?}");
    h.get_by_label(&format!(
        "Changes {} of {} rows.",
        loupe::i18n::int(p.changed as u64),
        loupe::i18n::int(p.rows_before as u64)
    ));
    h.get_by_label("Before");
    h.get_by_label("After");
}
