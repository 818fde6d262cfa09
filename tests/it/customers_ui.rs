//! The Customers page on the sample project, driven headless like a user: the list and a card,
//! search, the R × F heatmap and a group portrait.

use crate::ui::{app, sample, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use loupe::i18n::{Lang, int};
use loupe::ui::pages::customers::{GroupPick, Tab};
use loupe::ui::{LoupeApp, Page, nav_label};

fn built(a: &LoupeApp) -> bool {
    !a.busy() && a.customers().overview().is_some()
}

#[test]
fn customers_page_shows_list_card_heatmap_and_portrait() {
    let mut h = app(sample(), Lang::En);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::En, Page::Customers))
        .click();
    wait_until(&mut h, "the customer table", built);
    let (n, as_of, top) = {
        let o = h.state().customers().overview().unwrap();
        let t = &o.base.table;
        let top = t
            .customers
            .iter()
            .max_by(|a, b| a.revenue.total_cmp(&b.revenue))
            .unwrap()
            .clone();
        (t.customers.len() as u64, t.as_of, top)
    };
    assert_eq!(n, 1_000);
    h.get_by_label(&format!(
        "{} of {} customers, as of {as_of}",
        int(n),
        int(n)
    ));
    // The card opens on the best customer: their id, lifetime value and joined attributes.
    assert!(h.query_all_by_label(&top.customer_id).count() >= 1);
    h.get_by_label("Probability still active");
    h.get_by_label("Purchase timeline");
    h.get_by_label("Category mix");
    h.get_by_label("Last orders");
    h.get_by_label(top.favourite_item.as_deref().unwrap());
    // Personal data kept in clear at import shows masked, until a logged reveal.
    let email = format!("user{}@example.com", top.customer_id);
    assert!(
        h.query_by_label(&email).is_none(),
        "the e-mail shows unmasked"
    );
    h.get_by_label(&loupe::privacy::mask_email(&email));
    let reveals: Vec<_> = h.query_all_by_label("Reveal").collect();
    assert_eq!(reveals.len(), 2, "phone and e-mail");
    reveals[1].scroll_to_me();
    drop(reveals);
    h.run_steps(2);
    h.query_all_by_label("Reveal")
        .nth(1)
        .expect("the e-mail's reveal")
        .click_accesskit();
    wait_until(&mut h, "the reveal is logged", |a| {
        !a.busy()
            && a.ws()
                .activity
                .first()
                .is_some_and(|e| e.action == "reveal")
    });
    h.run_steps(2);
    assert!(h.query_all_by_label(&email).count() >= 1, "shown in clear");
    let logged = h.state().ws().activity[0].detail.to_string();
    assert!(logged.contains("\"column\":\"email\""), "{logged}");
    assert!(
        !logged.contains(&top.customer_id),
        "the log holds a hash, not the id: {logged}"
    );

    // Search narrows the list to one customer.
    h.get_by_role_and_label(Role::TextInput, "Search customers")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Search customers")
        .type_text("12348");
    h.run_steps(3);
    h.get_by_label(&format!("1 of {} customers, as of {as_of}", int(n)));
    let card_of =
        |h: &egui_kittest::Harness<'static, LoupeApp>| h.query_all_by_label("12348").count();
    // The card follows the highlighted row: the only one left (in the list and as the title).
    assert!(card_of(&h) >= 2, "the card of 12348 did not open");

    // The heatmap: each cell shows its count and group; a click opens that group's portrait.
    h.get_by_label("RFM map").click();
    h.run_steps(3);
    // Scores no customer takes are explained, with the groups left empty by them.
    let grid = h.state().customers().overview().unwrap().grid;
    if (0..5).any(|f| (0..5).all(|r| grid[r][f] == 0)) {
        h.get_by_label_contains("hold nobody: customers with the same number of orders");
    }
    h.get_by_label_contains("The RFM group ranks a customer against the others");
    let lost = h.state().customers().overview().unwrap().grid[0][1];
    h.get_by_label(&format!("{}\nLost", int(lost))).click();
    h.run_steps(3);
    assert_eq!(h.state().customers().tab(), Tab::Portrait);
    assert_eq!(
        h.state().customers().pick(),
        GroupPick::Rfm(loupe::customers::rfm::RfmGroup::Lost)
    );
    h.get_by_label("TGI");
    h.get_by_label("member_level");
    let in_group = h
        .state()
        .customers()
        .overview()
        .unwrap()
        .base
        .table
        .customers
        .iter()
        .filter(|c| c.rfm_group == loupe::customers::rfm::RfmGroup::Lost)
        .count() as u64;
    h.get_by_label_contains(&format!("{} of {} customers (", int(in_group), int(n)));
}

#[test]
fn customers_page_in_chinese() {
    let mut h = app(sample(), Lang::ZhCn);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Customers))
        .click();
    wait_until(&mut h, "the customer table", built);
    h.get_by_label("仍活跃的概率");
    h.get_by_label("群体画像").click();
    h.run_steps(3);
    h.get_by_label("群体占比");
    h.get_by_label_contains("位客户 (");
    // Attribute and value names are translated too.
    h.get_by_label("订单数");
    h.get_by_label("RFM 分布").click();
    h.run_steps(3);
    assert!(h.query_all_by_label_contains("冠军客户").count() >= 1);
}

#[test]
fn tags_tab_edits_rules_in_the_project() {
    // Its own copy of the sample project: this test writes to it.
    let s = crate::common::Scratch::new();
    let path = crate::common::sample_copy(&s);
    let mut h = app(&path, Lang::En);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::En, Page::Customers))
        .click();
    wait_until(&mut h, "the customer table", built);
    h.get_by_label("Tags").click();
    h.run_steps(3);
    let high = {
        let o = h.state().customers().overview().unwrap();
        let k = o
            .tags
            .rules
            .iter()
            .position(|r| r.name == "high value")
            .unwrap();
        o.tags.counts()[k].unwrap()
    };
    h.get_by_label("high value");
    assert!(
        h.query_all_by_label(&format!("{} customers", int(high as u64)))
            .count()
            >= 1
    );

    // Add a tag through the form; the table is rebuilt with it.
    h.get_by_role_and_label(Role::TextInput, "Tag name").focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Tag name")
        .type_text("big basket");
    h.get_by_role_and_label(Role::TextInput, "New rule").focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "New rule")
        .type_text("items >= 500");
    h.run_steps(2);
    h.get_by_label("Add tag").click();
    h.run_steps(2);
    wait_until(&mut h, "the rebuilt table", |a| {
        built(a)
            && a.customers()
                .overview()
                .is_some_and(|o| o.tags.rules.iter().any(|r| r.name == "big basket"))
    });
    let expected = h
        .state()
        .customers()
        .overview()
        .unwrap()
        .base
        .table
        .customers
        .iter()
        .filter(|c| c.items >= 500.0)
        .count();
    let o = h.state().customers().overview().unwrap();
    let k = o
        .tags
        .rules
        .iter()
        .position(|r| r.name == "big basket")
        .unwrap();
    assert_eq!(o.tags.counts()[k], Some(expected));
    h.get_by_label("big basket");
    let stored =
        loupe::customers::tags::rules(&loupe::store::Project::open_read_only(&path).unwrap())
            .unwrap();
    assert!(
        stored
            .iter()
            .any(|r| r.name == "big basket" && r.rule == "items >= 500")
    );
}
