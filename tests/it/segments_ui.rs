//! The Segments page on a copy of the sample project, driven headless like a user: type a rule,
//! see its live count, edit it in the builder, save two segments and compare them.

use crate::ui::{app, sample, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
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
        !a.busy() && a.segments().base().is_some()
    });

    // Type a rule: the preview counts it, and the builder shows it.
    let rule = "orders >= 3 AND recency_days <= 120";
    let want = {
        let base = h.state().segments().base().unwrap();
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
        a.segments().preview().is_some_and(|p| p.count == want)
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
        h.state().segments().text().ends_with("AND bought()"),
        "{}",
        h.state().segments().text()
    );
    // Remove it again (the last row's close button).
    let close = loupe::ui::theme::icon::CLOSE;
    let n = h.query_all_by_label(close).count();
    h.query_all_by_label(close).nth(n - 1).unwrap().click();
    h.run_steps(2);
    assert_eq!(
        h.state().segments().text(),
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
        !a.busy() && a.segments().selected() == Some("Regulars")
    });
    h.get_by_label("New segment").click();
    h.run_steps(1);
    h.state_mut().segments_mut().set_name("Big spenders");
    h.state_mut().segments_mut().set_text("monetary >= 1000");
    h.run_steps(1);
    h.get_by_label("Save").click();
    h.run_steps(1);
    wait_until(&mut h, "the save", |a| {
        !a.busy() && a.segments().selected() == Some("Big spenders")
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
    assert_eq!(h.state().segments().tab(), Tab::Overlap);
    wait_until(&mut h, "the overlap", |a| !a.busy());
    h.run_steps(2);
    h.get_by_label("Shared customers · Jaccard index");
    h.get_by_label("Venn diagram");
}

/// In Chinese, a condition's field resets its operator and value, and a text field's value is
/// picked from the data in the window's words but stored as the data has it: the Lost
/// shown in Chinese are counted, not none.
#[test]
fn the_value_picker_stores_values_as_the_data_has_them() {
    let mut h = app(sample(), Lang::ZhCn);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Segments))
        .click();
    wait_until(&mut h, "the customer base", |a| {
        !a.busy() && a.segments().base().is_some()
    });
    h.state_mut().segments_mut().set_text("orders >= 1");
    h.run_steps(2);
    // The field: orders → rfm_group. The number condition does not carry over.
    h.get_by_value("orders").click();
    h.run_steps(2);
    h.get_by_label("rfm_group").click();
    h.run_steps(2);
    let text = h.state().segments().text().to_string();
    assert!(text.starts_with("rfm_group = '"), "{text}");
    // The picker shows the groups in Chinese; choosing 流失客户 (or whatever Lost reads) stores
    // Lost.
    let lost = Lang::ZhCn.tr(loupe::labels::group_label(
        loupe::customers::rfm::RfmGroup::Lost,
    ));
    let stored = text
        .trim_start_matches("rfm_group = '")
        .trim_end_matches('\'')
        .to_string();
    let picker = h
        .query_all(egui_kittest::kittest::By::new().role(Role::ComboBox))
        .last()
        .and_then(|n| n.accesskit_node().value().map(|v| v.to_string()));
    assert_eq!(
        picker,
        Some(loupe::labels::value_label(Lang::ZhCn, "rfm_group", &stored)),
        "the value picker shows {stored} in Chinese words"
    );
    assert!(picker.is_some_and(|v| !v.is_ascii()));
    let want = {
        let base = h.state().segments().base().unwrap();
        let rule = parse_rule("rfm_group = 'Lost'").unwrap();
        Count::of(&members(base, &rule, &Default::default()).unwrap())
    };
    assert!(!text.contains("'Lost'"), "{text}");
    // The last combo box of the page: the condition's value (after field and operator).
    h.query_all(egui_kittest::kittest::By::new().role(Role::ComboBox))
        .rfind(|n| n.accesskit_node().value().is_some_and(|v| !v.is_ascii()))
        .expect("the value picker")
        .click_accesskit();
    h.run_steps(2);
    h.get_by_label(lost).click_accesskit();
    h.run_steps(2);
    assert_eq!(h.state().segments().text(), "rfm_group = 'Lost'");
    wait_until(&mut h, "the preview", |a| {
        a.segments().preview().is_some_and(|p| p.count == want)
    });
    assert!(want.count > 0);
}

#[test]
fn a_group_typed_in_chinese_counts_its_customers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("segments-zh.loupe");
    std::fs::copy(sample(), &path).unwrap();
    let mut h = app(&path, Lang::ZhCn);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Segments))
        .click();
    wait_until(&mut h, "the customer base", |a| {
        !a.busy() && a.segments().base().is_some()
    });
    // The base is the customer table the Customers page starts from.
    let datasets = loupe::store::Project::open_read_only(&path)
        .unwrap()
        .datasets()
        .unwrap();
    let customers_page = loupe::customers::columns::guess_sources(&datasets).transactions;
    assert_eq!(
        Some(h.state().segments().base().unwrap().dataset.clone()),
        customers_page
    );
    // The group as the window shows it in Chinese counts the Champions, not no one.
    let want = {
        let base = h.state().segments().base().unwrap();
        let rule = parse_rule("rfm_group = 'Champions'").unwrap();
        Count::of(&members(base, &rule, &Default::default()).unwrap())
    };
    assert!(want.count > 0);
    let text = h.get_by_role_and_label(Role::MultilineTextInput, "规则");
    text.focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(Role::MultilineTextInput, "规则")
        .type_text("rfm_group = '冠军客户'");
    h.run_steps(2);
    wait_until(&mut h, "the preview", |a| {
        a.segments().preview().is_some_and(|p| p.count == want)
    });
    assert_eq!(
        h.state().segments().rule(),
        &parse_rule("rfm_group = 'Champions'").unwrap()
    );
}

/// In Chinese, an "in list" condition on a group shows the groups in the window's words and
/// stores them as the data has them (it showed the stored English names).
#[test]
fn the_in_list_picker_shows_groups_in_chinese_and_stores_them_as_stored() {
    use loupe::customers::rfm::RfmGroup;
    use loupe::labels::group_label;
    let mut h = app(sample(), Lang::ZhCn);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Segments))
        .click();
    wait_until(&mut h, "the customer base", |a| {
        !a.busy() && a.segments().base().is_some()
    });
    h.state_mut()
        .segments_mut()
        .set_text("rfm_group in ('Champions', 'Loyal')");
    h.run_steps(2);
    let zh = |g| Lang::ZhCn.tr(group_label(g));
    let shown = format!("{}, {}", zh(RfmGroup::Champions), zh(RfmGroup::Loyal));
    // No button or picker of the builder shows a stored English name.
    for name in ["Champions", "Loyal"] {
        assert!(
            h.query_all_by_label_contains(name)
                .all(|n| !matches!(n.accesskit_node().role(), Role::Button | Role::ComboBox)),
            "{name} shown in English"
        );
    }
    h.get_by_role_and_label(Role::Button, &shown).click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::CheckBox, zh(RfmGroup::Lost))
        .click();
    h.run_steps(2);
    let want = parse_rule("rfm_group in ('Champions', 'Loyal', 'Lost')").unwrap();
    // (The builder keeps its rows in a group.)
    let text = h.state().segments().text().to_string();
    assert!(
        text.contains("rfm_group in ('Champions', 'Loyal', 'Lost')"),
        "{text}"
    );
    let count = {
        let base = h.state().segments().base().unwrap();
        Count::of(&members(base, &want, &Default::default()).unwrap())
    };
    assert!(count.count > 0);
    wait_until(&mut h, "the preview", |a| {
        a.segments().preview().is_some_and(|p| p.count == count)
    });
    // The button now lists the three, in Chinese.
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, &format!("{shown}, {}", zh(RfmGroup::Lost)));
}
