//! The Data page's role editor and dataset actions, driven as a user would.

use crate::common::{Scratch, import, named};
use crate::ui::wait_until;
use egui::accesskit::Role as A11y;
use egui_kittest::{
    Harness,
    kittest::{NodeT, Queryable},
};
use loupe::dataset::Role;
use loupe::i18n::{Lang, T};
use loupe::ui::state::Settings;
use loupe::ui::{LoupeApp, Startup};

/// A project with one dataset whose column names suggest no role.
fn project(s: &Scratch) -> std::path::PathBuf {
    let csv = s.write(
        "sales.csv",
        "col_a,col_b,col_c,col_d\nk1,2024-01-02,12.5,view\nk2,2024-01-03,7.25,buy\nk1,2024-02-01,3.0,view\n",
    );
    let mut p = s.project();
    import(&mut p, &[&csv], named("sales")).unwrap();
    p.path().to_path_buf()
}

fn app(path: &std::path::Path, lang: Lang) -> Harness<'static, LoupeApp> {
    app_with(
        path,
        Settings {
            lang,
            ..Settings::default()
        },
    )
}

/// The window on `path` with the window's own file browser, `folder` its recent folder.
fn app_with_browser(
    path: &std::path::Path,
    lang: Lang,
    folder: &std::path::Path,
) -> Harness<'static, LoupeApp> {
    app_with(
        path,
        Settings {
            lang,
            file_dialog: loupe::ui::widgets::file_dialog::FileDialogChoice::Window,
            recent_folders: vec![folder.to_path_buf()],
            ..Settings::default()
        },
    )
}

fn app_with(path: &std::path::Path, settings: Settings) -> Harness<'static, LoupeApp> {
    let app = LoupeApp::new(
        settings,
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
    wait_until(&mut h, "the dataset", |a| {
        !a.busy() && a.data().row_count().is_some()
    });
    h
}

fn role_of(a: &LoupeApp, column: &str) -> Option<Role> {
    a.ws()
        .dataset("sales")
        .and_then(|d| d.column(column))
        .and_then(|c| c.role)
}

/// Picks `role` for `column` in the role editor and waits for it to be saved.
fn set_role(h: &mut Harness<'static, LoupeApp>, lang: Lang, column: &str, role: Role) {
    if role_of(h.state(), column) == Some(role) {
        return;
    }
    h.get_by_role_and_label(A11y::ComboBox, column).click();
    h.run_steps(2);
    h.get_by_label(lang.role(role)).click();
    h.run_steps(1);
    wait_until(h, "the role saved", |a| {
        !a.data().saving() && role_of(a, column) == Some(role)
    });
}

#[test]
fn roles_set_in_place_say_what_they_make_possible() {
    let s = Scratch::new();
    let path = project(&s);
    let lang = Lang::En;
    let mut h = app(&path, lang);
    h.get_by_label(lang.tr(T::RdRolesTab)).click();
    h.run_steps(2);
    assert!(h.state().data().showing_roles());
    let missing = missing_customers(h.state());
    h.get_by_label(&lang.f(T::RdMissing, &[&lang.tr(T::RdCustomers), &missing]));
    set_role(&mut h, lang, "col_a", Role::CustomerId);
    set_role(&mut h, lang, "col_b", Role::Timestamp);
    set_role(&mut h, lang, "col_d", Role::EventType);
    // Events and no amount: say what is possible.
    h.get_by_label(lang.tr(T::RdBehaviourOnly));
    h.get_by_label_contains(&lang.f(T::RdReady, &[&lang.tr(T::RdFunnels)]));
    set_role(&mut h, lang, "col_c", Role::Amount);
    h.get_by_label_contains(&lang.f(T::RdReady, &[&lang.tr(T::RdCustomers)]));
    assert!(h.query_by_label(lang.tr(T::RdBehaviourOnly)).is_none());
    let notice = h.state().ws().notice.clone().unwrap_or_default();
    assert!(
        notice.contains(lang.tr(T::RdCustomers)),
        "the status bar says Customers can now be built: {notice}"
    );
    // Saved in the project, as a user decision.
    let p = loupe::store::Project::open(&path).unwrap();
    let info = p.dataset("sales").unwrap();
    assert_eq!(info.column_with_role(Role::Amount).unwrap().name, "col_c");
}

/// What the editor says Customers still needs, as it words it for this dataset.
fn missing_customers(a: &LoupeApp) -> String {
    let d = a.ws().dataset("sales").unwrap();
    let lang = Lang::En;
    let has = |r: Role| d.column_with_role(r).is_some();
    let mut parts = vec![];
    if !has(Role::CustomerId) {
        parts.push(lang.role(Role::CustomerId).to_string());
    }
    if !has(Role::Timestamp) {
        parts.push(lang.role(Role::Timestamp).to_string());
    }
    if !(has(Role::Amount) || has(Role::Quantity) && has(Role::UnitPrice)) {
        parts.push(format!(
            "{}{}{} + {}",
            lang.role(Role::Amount),
            lang.tr(T::RdOr),
            lang.role(Role::Quantity),
            lang.role(Role::UnitPrice)
        ));
    }
    parts.join(", ")
}

#[test]
fn a_dataset_is_deleted_by_right_click_after_confirmation_in_chinese() {
    let s = Scratch::new();
    let path = project(&s);
    let lang = Lang::ZhCn;
    let mut h = app(&path, lang);
    h.get_by_label_contains("sales\n").click_secondary();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::RdDelete)).click();
    h.run_steps(4);
    h.get_by_label(&lang.f(T::RdDeleteTitle, &[&"sales"]));
    // Cancel keeps it.
    h.get_by_label(lang.tr(T::Cancel)).click();
    h.run_steps(2);
    assert!(h.state().ws().dataset("sales").is_some());
    // Through the Dataset menu, confirmed: gone (after a backup).
    h.get_by_label(&format!(
        "{} {}",
        lang.tr(T::RdActions),
        loupe::ui::theme::icon::SORT_DESC
    ))
    .click();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::RdDelete)).click();
    h.run_steps(4);
    h.get_by_label(lang.tr(T::RdDeleteNow)).click();
    wait_until(&mut h, "the deletion", |a| {
        !a.data().saving() && a.ws().dataset("sales").is_none()
    });
    let notice = h.state().ws().notice.clone().unwrap_or_default();
    assert_eq!(notice, lang.f(T::RdDeleted, &[&"sales"]));
}

/// The model view finds how the sample's datasets join, draws them, and a click confirms one,
/// which the project then keeps.
#[test]
fn the_model_view_finds_and_confirms_relationships() {
    let s = Scratch::new();
    let path = crate::common::sample_copy(&s);
    let mut h = app(&path, Lang::En);
    wait_until(&mut h, "the project", |a| {
        !a.busy() && a.ws().project.is_some()
    });
    h.get_by_label_contains("orders\n").click();
    wait_until(&mut h, "the orders", |a| {
        !a.busy() && a.data().selected() == Some("orders")
    });
    h.get_by_label(Lang::En.tr(T::RdRelationsTab)).click();
    wait_until(&mut h, "the relationships", |a| {
        !a.busy() && a.data().relationships().is_some()
    });
    h.run_steps(2);
    let found = h.state().data().relationships().unwrap().to_vec();
    let first = found
        .iter()
        .position(|r| {
            r.link.from_dataset == "orders"
                && r.link.from_column == "customer_id"
                && r.link.to_dataset == "customers"
        })
        .expect("orders.customer_id → customers.customer_id is found");
    assert!(!found[first].confirmed);
    assert!(h.query_all_by_label("orders.customer_id").count() >= 1);
    assert!(h.query_all_by_label("many-to-one").count() >= 1);
    h.query_all_by_label(Lang::En.tr(T::RelConfirm))
        .nth(first)
        .expect("its Confirm button")
        .click();
    wait_until(&mut h, "the confirmation", |a| {
        !a.busy()
            && a.data()
                .relationships()
                .is_some_and(|v| v.iter().any(|r| r.confirmed))
    });
    let p = loupe::store::Project::open_read_only(&path).unwrap();
    let kept = loupe::combine::relationships::confirmed(&p).unwrap();
    assert_eq!(kept, vec![found[first].link.clone()]);
}

/// Rename… (right-click) checks the name as it is typed and renames the dataset, which the page
/// then shows; Add files… (the Dataset menu, through the window's file browser) adds a file's
/// rows, keeping the role the user gave.
#[test]
fn a_dataset_is_renamed_and_files_are_added_in_chinese() {
    let s = Scratch::new();
    let path = project(&s);
    {
        let mut p = loupe::store::Project::open(&path).unwrap();
        p.set_role("sales", "col_a", Some(Role::CustomerId))
            .unwrap();
    }
    let more = s.write(
        "more.csv",
        "col_a,col_b,col_c,col_d\nk3,2024-03-01,1.5,buy\n",
    );
    let lang = Lang::ZhCn;
    let mut h = app_with_browser(&path, lang, s.dir.path());
    h.get_by_label_contains("sales\n").click_secondary();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::RdRename)).click();
    h.run_steps(3);
    h.get_by_label(&lang.f(T::RdRenameTitle, &[&"sales"]));
    h.get_by_role_and_label(A11y::TextInput, lang.tr(T::RdNewName))
        .type_text("-x");
    h.run_steps(2);
    // "sales-x" has a character a name cannot have: said at once, and Rename is off.
    h.get_by_label(lang.tr(T::RdNameRule));
    assert!(
        h.get_by_label(lang.tr(T::RdRenameNow))
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_role_and_label(A11y::TextInput, lang.tr(T::RdNewName))
        .focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(A11y::TextInput, lang.tr(T::RdNewName))
        .type_text("门店订单");
    h.run_steps(2);
    // As a mouse does: over the button first (the field keeps the focus until the press).
    h.get_by_label(lang.tr(T::RdRenameNow)).hover();
    h.run_steps(1);
    h.get_by_label(lang.tr(T::RdRenameNow)).click();
    wait_until(&mut h, "the rename", |a| {
        !a.data().saving() && !a.busy() && a.data().selected() == Some("门店订单")
    });
    assert!(h.state().ws().dataset("sales").is_none());
    assert_eq!(
        h.state().ws().notice.clone().unwrap_or_default(),
        lang.f(T::RdRenamed, &[&"sales", &"门店订单"])
    );
    // Add files… from the Dataset menu, through the window's browser.
    h.get_by_label(&format!(
        "{} {}",
        lang.tr(T::RdActions),
        loupe::ui::theme::icon::SORT_DESC
    ))
    .click();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::RdAddFiles)).click();
    h.run_steps(3);
    h.get_by_label(&lang.f(T::RdAddFilesTitle, &[&"门店订单"]));
    h.get_by_label("more.csv").click();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::FdOpen)).click();
    wait_until(&mut h, "the added rows", |a| {
        !a.data().saving() && !a.busy() && a.ws().dataset("门店订单").is_some_and(|d| d.rows == 4)
    });
    let info = h.state().ws().dataset("门店订单").cloned().unwrap();
    assert_eq!(
        info.column("col_a").and_then(|c| c.role),
        Some(Role::CustomerId),
        "the user's role stays"
    );
    assert_eq!(info.sources.len(), 2);
    assert_eq!(
        h.state().ws().notice.clone().unwrap_or_default(),
        lang.f(T::RdAdded, &[&"1", &"门店订单", &"4"])
    );
    assert!(more.exists(), "the added file is left as it was");
}

/// Re-detect roles gives back the roles the column names suggest; Export… writes the dataset
/// through the window's file browser (its default name, in the recent folder).
#[test]
fn roles_are_detected_again_and_the_dataset_exported_from_the_menu() {
    let s = Scratch::new();
    let csv = s.write(
        "orders.csv",
        "customer_id,order_time,amount\nc1,2024-01-02,12.5\nc2,2024-01-03,7.25\n",
    );
    let path = {
        let mut p = s.project();
        import(&mut p, &[&csv], named("orders")).unwrap();
        p.set_role("orders", "customer_id", None).unwrap();
        p.path().to_path_buf()
    };
    let lang = Lang::En;
    let out_dir = s.path("out");
    std::fs::create_dir(&out_dir).unwrap();
    let mut h = app_with_browser(&path, lang, &out_dir);
    let menu = format!(
        "{} {}",
        lang.tr(T::RdActions),
        loupe::ui::theme::icon::SORT_DESC
    );
    h.get_by_label(&menu).click();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::RdRedetect)).click();
    wait_until(&mut h, "the roles", |a| {
        !a.data().saving()
            && !a.busy()
            && a.ws()
                .dataset("orders")
                .and_then(|d| d.column("customer_id"))
                .is_some_and(|c| c.role == Some(Role::CustomerId))
    });
    // Again: nothing to change, and it says so.
    h.get_by_label(&menu).click();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::RdRedetect)).click();
    h.run_steps(2);
    assert_eq!(
        h.state().ws().notice.clone().unwrap_or_default(),
        lang.f(T::RdRedetectSame, &[&"orders"])
    );
    h.get_by_label(&menu).click();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::RdExport)).click();
    h.run_steps(3);
    h.get_by_role_and_label(A11y::Button, lang.tr(T::FdSave))
        .hover();
    h.run_steps(1);
    h.get_by_role_and_label(A11y::Button, lang.tr(T::FdSave))
        .click();
    let written = out_dir.join("orders.csv");
    wait_until(&mut h, "the export", |a| !a.busy() && written.exists());
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.starts_with("customer_id,order_time,amount"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
}
