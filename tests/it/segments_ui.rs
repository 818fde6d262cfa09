//! The Segments page on a copy of the sample project, driven headless like a user: type a rule,
//! see its live count, edit it in the builder, save two segments and compare them.

use crate::ui::{app, sample, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use loupe::i18n::{Lang, int};
use loupe::segments::{Count, members, parse_rule};
use loupe::ui::pages::segments::Tab;
use loupe::ui::{Page, nav_label};

#[test]
fn build_count_save_and_compare_segments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("segments.loupe");
    std::fs::copy(sample(), &path).unwrap();
    let mut h = app(&path, Lang::En);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::En, Page::Segments)).click();
    wait_until(&mut h, "the customer base", |a| {
        !a.busy() && a.segments.base().is_some()
    });

    // Type a rule: the preview counts it, and the builder shows it.
    let rule = "orders >= 3 AND recency_days <= 120";
    let want = {
        let base = h.state().segments.base().unwrap();
        let m = members(base, &parse_rule(rule).unwrap(), &Default::default()).unwrap();
        Count::of(&m)
    };
    assert_eq!(want.base, 1_000);
    let text = h.get_by_role_and_label(Role::MultilineTextInput, "Rule");
    text.focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(Role::MultilineTextInput, "Rule")
        .type_text(rule);
    h.run_steps(2);
    wait_until(&mut h, "the preview", |a| {
        a.segments.preview().is_some_and(|p| p.count == want)
    });
    h.run_steps(2);
    h.get_by_label(&format!(
        "{} of 1,000 customers ({:.1}%)",
        int(want.count as u64),
        want.share * 100.0
    ));
    h.get_by_label("Copy SQL");
    h.get_by_label("What stands out");

    // The builder edits the same rule: a third condition appears in the text.
    h.get_by_label("+ Bought").click();
    h.run_steps(2);
    assert!(
        h.state().segments.text().ends_with("AND bought()"),
        "{}",
        h.state().segments.text()
    );
    // Remove it again (the last row's close button).
    let close = loupe::ui::theme::icon::CLOSE;
    let n = h.query_all_by_label(close).count();
    h.query_all_by_label(close).nth(n - 1).unwrap().click();
    h.run_steps(2);
    assert_eq!(
        h.state().segments.text(),
        "orders >= 3 AND recency_days <= 120"
    );

    // Save it, then a second one, and compare them.
    h.get_by_role_and_label(Role::TextInput, "Name").focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Name")
        .type_text("Regulars");
    h.run_steps(1);
    h.get_by_label("Save").click();
    h.run_steps(1);
    wait_until(&mut h, "the save", |a| {
        !a.busy() && a.segments.selected() == Some("Regulars")
    });
    h.get_by_label("New segment").click();
    h.run_steps(1);
    h.state_mut().segments.set_name("Big spenders");
    h.state_mut().segments.set_text("monetary >= 1000");
    h.run_steps(1);
    h.get_by_label("Save").click();
    h.run_steps(1);
    wait_until(&mut h, "the save", |a| {
        !a.busy() && a.segments.selected() == Some("Big spenders")
    });
    {
        let p = loupe::store::Project::open_read_only(&path).unwrap();
        let names: Vec<String> = loupe::segments::saved::list(&p)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, vec!["Big spenders", "Regulars"]);
    }
    h.get_by_label("Overlap").click();
    h.run_steps(1);
    assert_eq!(h.state().segments.tab(), Tab::Overlap);
    wait_until(&mut h, "the overlap", |a| !a.busy());
    h.run_steps(2);
    h.get_by_label("Shared customers · Jaccard index");
    h.get_by_label("Venn diagram");
}
