//! The window's warehouse side, driven as a user would, against a throw-away PostgreSQL cluster
//! ([`crate::pg`]): "Connect a warehouse…" lists the tables, shows a table's inferred roles,
//! links it; the linked dataset's view counts a segment in the warehouse, with the local
//! engine's answer and what crossed the wire; the project keeps no URL or password.

use crate::common::*;
use crate::pg;
use crate::ui::wait_until;
use egui::accesskit::Role as A11y;
use egui_kittest::{Harness, kittest::Queryable};
use loupe::i18n::{Lang, T, int};
use loupe::segments::{BaseOptions, SegmentBase, members, parse_rule, saved};
use loupe::store::Project;
use loupe::ui::state::Settings;
use loupe::ui::{LoupeApp, Startup};

fn app(path: &std::path::Path, lang: Lang) -> Harness<'static, LoupeApp> {
    let app = LoupeApp::new(
        Settings {
            lang,
            ..Settings::default()
        },
        Startup {
            project: Some(path.to_path_buf()),
            sample_path: None,
            reopen_recent: false,
            import: Vec::new(),
        },
    );
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(|ctx| loupe::ui::theme::install_fonts(ctx, false))
        .build_ui_state(|ui, app: &mut LoupeApp| app.frame(ui), app);
    wait_until(&mut h, "the project", |a| {
        !a.busy() && a.data().row_count().is_some()
    });
    h
}

fn type_into(h: &mut Harness<'static, LoupeApp>, label: &str, text: &str) {
    type_as(h, A11y::TextInput, label, text);
}

fn type_as(h: &mut Harness<'static, LoupeApp>, role: A11y, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(role, label).type_text(text);
    h.run_steps(1);
}

fn link_and_count(lang: Lang, var: &str) {
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let path = sample_copy(&s);
    {
        let p = Project::open(&path).unwrap();
        pg::load_dataset(&mut c.client(), &p, "orders", "loaded.orders");
    }
    let mut h = app(&path, lang);
    h.get_by_label_contains(lang.tr(T::WhConnect)).click();
    h.run_steps(4);
    assert!(
        h.state().data().warehouse().dialog_open(),
        "the dialog opened"
    );
    type_into(&mut h, lang.tr(T::WhUrlVar), var);
    // The variable is not set: the URL is typed for this session.
    h.get_by_label(&lang.f(T::WhSessionUrlHint, &[&var]));
    type_as(
        &mut h,
        A11y::PasswordInput,
        lang.tr(T::WhSessionUrl),
        &c.url(),
    );
    h.get_by_label(lang.tr(T::WhListTables)).click();
    wait_until(&mut h, "the tables", |a| {
        !a.busy() && a.data().warehouse().listed_tables().is_some()
    });
    h.run_steps(2);
    h.get_by_label("loaded.orders").click();
    wait_until(&mut h, "the table's columns", |a| {
        !a.busy() && a.data().warehouse().preview().is_some()
    });
    h.run_steps(2);
    // The roles inferred from the names and a sample, as import infers them, each in a
    // combo box the user may change.
    let preview = h.state().data().warehouse().preview().unwrap().clone();
    let local = Project::open(&path).unwrap().dataset("orders").unwrap();
    for col in &local.columns {
        let linked = preview.columns.iter().find(|c| c.name == col.name).unwrap();
        assert_eq!(linked.role, col.role, "{}", col.name);
        h.get_by_role_and_label(A11y::ComboBox, &col.name);
    }
    type_into(&mut h, lang.tr(T::WhName), "wh_orders");
    h.get_by_role_and_label(A11y::Button, lang.tr(T::WhLink))
        .click();
    wait_until(&mut h, "the link", |a| {
        !a.busy() && a.data().selected_link() == Some("wh_orders")
    });
    h.run_steps(2);
    h.get_by_label(&lang.f(T::WhSource, &[&"PostgreSQL", &"loaded.orders"]));
    // A segment counted in the warehouse: the local engine's answer.
    let rule = "orders >= 3 AND revenue >= 200";
    type_as(&mut h, A11y::MultilineTextInput, lang.tr(T::WhRule), rule);
    h.get_by_role_and_label(A11y::Button, lang.tr(T::WhCount))
        .click();
    wait_until(&mut h, "the count", |a| {
        !a.busy() && a.data().warehouse().counted().is_some()
    });
    h.run_steps(2);
    let p = Project::open(&path).unwrap();
    let base = SegmentBase::load(
        &p,
        &BaseOptions {
            dataset: Some("orders".into()),
            ..BaseOptions::default()
        },
    )
    .unwrap();
    let m = members(
        &base,
        &parse_rule(rule).unwrap(),
        &saved::saved(&p).unwrap(),
    )
    .unwrap();
    let want = m.iter().filter(|x| **x).count();
    assert!(
        want > 0 && want < base.len(),
        "a rule that splits the customers: {want}"
    );
    let counted = h.state().data().warehouse().counted().unwrap().clone();
    assert_eq!(
        (counted.count.count, counted.count.base),
        (want, base.len())
    );
    h.get_by_label(&lang.f(
        T::WhCounted,
        &[
            &int(want as u64),
            &int(base.len() as u64),
            &format!("{:.1}%", counted.count.share * 100.0),
        ],
    ));
    h.get_by_label(&lang.f(
        T::WhTransfer,
        &[
            &int(counted.transfer.rows),
            &loupe::format::bytes(counted.transfer.bytes),
        ],
    ));
    // The project keeps the variable's name, never the URL or its password.
    drop(h);
    drop(p);
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(var), "the variable's name is kept");
    assert!(!text.contains(&c.url()), "the URL is not kept");
    assert!(!text.contains(pg::SUPER_PASSWORD), "no password is kept");
}

#[test]
fn a_table_is_linked_and_a_segment_counted_in_the_window() {
    link_and_count(Lang::En, "LOUPE_UI_TEST_WH_EN");
}

#[test]
fn a_table_is_linked_and_a_segment_counted_in_chinese() {
    link_and_count(Lang::ZhCn, "LOUPE_UI_TEST_WH_ZH");
}
