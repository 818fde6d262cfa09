//! A public multi-table export (Chinook: customers, invoices, invoice lines) from import to
//! customers and a segment export in the window (#24): the Customers page takes the person and
//! the amount from related datasets, keeps the choice across a restart, and the Segments page
//! exports from the same customer table.

use crate::combine::{chinook, chinook_by_hand};
use crate::common::{Scratch, import, named};
use crate::ui::{app, wait_until};
use egui::accesskit::Role;
use egui_kittest::{Harness, kittest::Queryable};
use loupe::combine::RolesSpec;
use loupe::combine::relationships::{self, parse_link};
use loupe::i18n::{Lang, T};
use loupe::ui::{LoupeApp, Page, nav_label};

fn chinook_project(s: &Scratch) -> std::path::PathBuf {
    let mut p = s.project();
    for name in ["customers", "invoices", "invoice_lines"] {
        import(&mut p, &[&chinook(name)], named(name)).unwrap();
    }
    for link in [
        "invoices.CustomerId=customers.CustomerId",
        "invoice_lines.InvoiceId=invoices.InvoiceId",
    ] {
        relationships::confirm(&p, &parse_link(link).unwrap()).unwrap();
    }
    p.path().to_path_buf()
}

fn open_customers(h: &mut Harness<'static, LoupeApp>) {
    wait_until(h, "the project", |a| !a.busy() && a.ws().project.is_some());
    h.get_by_label(&nav_label(Lang::En, Page::Customers))
        .click();
    wait_until(h, "the customer table", |a| {
        !a.busy() && a.customers().overview().is_some()
    });
}

/// Picks `choice` in the combo box labelled `label`, then waits for the table it builds.
fn pick(h: &mut Harness<'static, LoupeApp>, label: &str, choice: &str) {
    h.get_by_role_and_label(Role::ComboBox, label).click();
    h.run_steps(2);
    h.get_by_label(choice).click_accesskit();
    h.run_steps(1);
    wait_until(h, choice, |a| {
        !a.busy() && a.customers().overview().is_some()
    });
}

/// (customer, orders, revenue in cents) of the table shown.
fn shown(a: &LoupeApp) -> Vec<(String, u64, i64)> {
    let o = a.customers().overview().unwrap();
    let mut v: Vec<_> = o
        .base
        .table
        .customers
        .iter()
        .map(|c| {
            (
                c.customer_id.clone(),
                c.orders,
                (c.revenue * 100.0).round() as i64,
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn chinook_goes_from_import_to_customers_and_a_segment_export_in_the_window() {
    let s = Scratch::new();
    let path = chinook_project(&s);
    let by_hand: Vec<(String, u64, i64)> = chinook_by_hand()
        .into_iter()
        .map(|(k, v)| (k, v.0, v.1))
        .collect();
    let spec = RolesSpec {
        base: "invoices".into(),
        person: Some("customers.Email".parse().unwrap()),
        time: None,
        amount: Some("invoice_lines.UnitPrice".parse().unwrap()),
    };
    {
        let mut h = app(&path, Lang::En);
        open_customers(&mut h);
        // At first on the invoices' own columns: 59 customers by their numeric id.
        assert_eq!(
            h.state().customers().overview().unwrap().dataset,
            "invoices"
        );
        assert_eq!(h.state().customers().related_roles(), None);
        h.get_by_label(Lang::En.tr(T::CustRelated));
        // The person from the customers file, the amount from the lines.
        pick(&mut h, "Person from", "customers.Email");
        pick(&mut h, "Amount from", "invoice_lines.UnitPrice");
        assert_eq!(h.state().customers().related_roles(), Some(spec.clone()));
        let o = h.state().customers().overview().unwrap();
        assert_eq!(o.dataset, "invoices_related");
        assert_eq!(shown(h.state()), by_hand);
        h.get_by_label("59 of 59 customers, as of 2011-12-23");
        h.get_by_value("customers.Email");
        h.get_by_value("invoice_lines.UnitPrice");
    }

    // The choice is kept in the project: a new window builds the same table.
    let mut h = app(&path, Lang::En);
    open_customers(&mut h);
    assert_eq!(h.state().customers().related_roles(), Some(spec));
    assert_eq!(
        h.state().customers().overview().unwrap().dataset,
        "invoices_related"
    );
    assert_eq!(shown(h.state()), by_hand);

    // The Segments page works on the same table: its export writes the expected e-mails.
    h.get_by_label(&nav_label(Lang::En, Page::Segments)).click();
    wait_until(&mut h, "the customer base", |a| {
        !a.busy() && a.segments().base().is_some()
    });
    assert_eq!(
        h.state().segments().base().unwrap().dataset,
        "invoices_related"
    );
    h.state_mut().segments_mut().set_text("revenue >= 45");
    h.run_steps(2);
    h.get_by_label(Lang::En.tr(T::SegExport)).click();
    h.run_steps(2);
    let out = s.path("best.csv");
    h.get_by_role_and_label(Role::TextInput, Lang::En.tr(T::SegFile))
        .focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, Lang::En.tr(T::SegFile))
        .type_text(out.to_str().unwrap());
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, Lang::En.tr(T::SegExportGo))
        .click();
    h.run_steps(1);
    wait_until(&mut h, "the export", |a| !a.busy());
    let mut written: Vec<String> = csv::Reader::from_path(&out)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    written.sort();
    let expected: Vec<String> = by_hand
        .iter()
        .filter(|(_, _, cents)| *cents >= 4500)
        .map(|(k, _, _)| k.clone())
        .collect();
    assert!(!expected.is_empty() && expected.len() < 59, "{expected:?}");
    assert_eq!(written, expected);

    // Every role back to the invoices' own columns: the kept choice and its dataset go.
    h.get_by_label(&nav_label(Lang::En, Page::Customers))
        .click();
    h.run_steps(2);
    pick(&mut h, "Person from", "CustomerId (this dataset)");
    assert_eq!(
        h.state().customers().overview().unwrap().dataset,
        "invoices_related"
    );
    pick(&mut h, "Amount from", "Total (this dataset)");
    assert_eq!(h.state().customers().related_roles(), None);
    assert_eq!(
        h.state().customers().overview().unwrap().dataset,
        "invoices"
    );
    assert!(h.state().ws().dataset("invoices_related").is_none());
    let p = loupe::store::Project::open_read_only(&path).unwrap();
    assert!(!p.has_dataset("invoices_related").unwrap());
    assert!(loupe::combine::through::remembered(&p).unwrap().is_empty());
}
