//! The privacy parts of the window, driven headless: decisions on personal data in the import
//! dialog, badges on the Data page, the passphrase dialog of an encrypted project, backup and
//! restore from the Project menu, the customer data request, and the Activity page's filters.

use crate::ui::{app, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use loupe::i18n::Lang;
use loupe::privacy::PiiAction;
use loupe::store::{Passphrase, Project, backup};
use loupe::ui::Page;

const PEOPLE: &str = "customer_id,phone,email,amount\nC1,13812345678,a@x.com,1\nC2,13912345678,b@y.cn,2\nC3,15012345678,c@z.org,3\n";

#[test]
fn the_import_dialog_asks_what_to_do_with_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("shop.loupe");
    Project::create(&project).unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, PEOPLE).unwrap();
    let mut h = app(&project, Lang::En);
    h.run_steps(3);
    h.state_mut().open_import(vec![csv]);
    wait_until(&mut h, "the preview", |a| {
        a.import().is_some_and(|d| d.preview().is_some()) && !a.busy()
    });
    h.get_by_label_contains("Personal data found in 2 columns");
    h.get_by_label("phone · 100% of values");
    h.get_by_label("e-mail · 100% of values");
    // Decide: hash the e-mails instead of masking them.
    h.state_mut()
        .import_mut()
        .unwrap()
        .set_pii("email", PiiAction::Hash);
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Import").click();
    wait_until(&mut h, "the import", |a| {
        a.import().is_none() && a.ws().dataset("people").is_some() && !a.busy()
    });
    let p = Project::open_read_only(&project).unwrap();
    let flags = p.pii_flags("people").unwrap();
    let got: Vec<(&str, PiiAction)> = flags
        .iter()
        .map(|f| (f.column.as_str(), f.action))
        .collect();
    assert_eq!(
        got,
        [("phone", PiiAction::Keep), ("email", PiiAction::Hash)]
    );
    // The Data page shows a badge per flagged column.
    h.state_mut().set_page(Page::Data);
    wait_until(&mut h, "the table", |a| {
        a.data().row_count().is_some() && !a.busy()
    });
    h.get_by_label("phone · kept");
    h.get_by_label("e-mail · hashed");
    h.get_by_label("13812345678");
}

#[test]
fn an_encrypted_project_asks_for_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("secret.loupe");
    {
        let mut p =
            Project::create_with(&project, Some(Passphrase::new("open sesame").unwrap())).unwrap();
        let csv = dir.path().join("orders.csv");
        std::fs::write(&csv, "order_id,customer_id,amount\nO1,C1,10\n").unwrap();
        loupe::import::import_files(
            &mut p,
            &[csv],
            &Default::default(),
            &loupe::progress::Reporter::silent(),
        )
        .unwrap();
    }
    let mut h = app(&project, Lang::En);
    // The project opens in a job; its error brings the dialog.
    wait_until(&mut h, "the passphrase dialog", |a| {
        a.privacy().unlock().is_some() && !a.opening()
    });
    h.get_by_label("secret.loupe is encrypted. Enter its passphrase to open it.");
    assert!(h.state().ws().project.is_none());
    // A wrong one: asked again, with the reason.
    h.get_by_role_and_label(Role::PasswordInput, "Passphrase")
        .type_text("nope");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Open").click();
    wait_until(&mut h, "the wrong passphrase's answer", |a| {
        a.privacy().unlock().is_some_and(|d| d.wrong()) && !a.opening()
    });
    h.get_by_label("Wrong passphrase, or not a Loupe project. Try again.");
    assert!(
        h.state().ws().problems.is_empty(),
        "{:?}",
        h.state().ws().problems
    );
    h.get_by_role_and_label(Role::PasswordInput, "Passphrase")
        .type_text("open sesame");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Open").click();
    wait_until(&mut h, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    assert!(h.state().ws().project.as_ref().unwrap().is_encrypted());
    assert!(h.state().ws().dataset("orders").is_some());
    // Background jobs open it by path and find the key too.
    wait_until(&mut h, "the table", |a| a.data().row_count() == Some(1));
}

#[test]
fn a_new_project_can_be_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("new.loupe");
    let existing = dir.path().join("other.loupe");
    Project::create(&existing).unwrap();
    let mut h = app(&existing, Lang::En);
    h.run_steps(3);
    h.state_mut().privacy_mut().new_project(project.clone());
    h.run_steps(2);
    h.get_by_label("Encrypt with a passphrase").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::PasswordInput, "New passphrase")
        .type_text("pw one");
    h.get_by_role_and_label(Role::PasswordInput, "Repeat the passphrase")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::PasswordInput, "Repeat the passphrase")
        .type_text("pw two");
    h.run_steps(2);
    h.get_by_label("The two passphrases differ.");
    h.get_by_role_and_label(Role::PasswordInput, "Repeat the passphrase")
        .focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(Role::PasswordInput, "Repeat the passphrase")
        .type_text("pw one");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Create").click();
    wait_until(&mut h, "the new project", |a| {
        a.ws().project.as_ref().is_some_and(|p| p.path() == project)
    });
    assert!(h.state().ws().project.as_ref().unwrap().is_encrypted());
    assert_ne!(
        &std::fs::read(&project).unwrap()[..16],
        b"SQLite format 3\0"
    );
}

#[test]
fn backup_restore_and_a_customer_data_request_from_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("shop.loupe");
    {
        let mut p = Project::create(&project).unwrap();
        let csv = dir.path().join("orders.csv");
        std::fs::write(
            &csv,
            "order_id,customer_id,amount\nO1,C1,10\nO2,C2,20\nO3,C1,5\n",
        )
        .unwrap();
        loupe::import::import_files(
            &mut p,
            &[csv],
            &Default::default(),
            &loupe::progress::Reporter::silent(),
        )
        .unwrap();
    }
    let mut h = app(&project, Lang::En);
    wait_until(&mut h, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    // Backup now, from the Project menu.
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Back up now").click();
    wait_until(&mut h, "the backup", |a| !a.busy());
    h.get_by_label_contains("Backed up to");
    let backups = backup::list_backups(&project).unwrap();
    assert_eq!(backups.len(), 1);

    // Customer data request: find, erase (with confirmation).
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Customer data request…").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::TextInput, "Customer ID")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Customer ID")
        .type_text("C1");
    h.run_steps(2);
    assert_eq!(h.state().privacy().subject().map(|s| s.id()), Some("C1"));
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Find").click();
    wait_until(&mut h, "the search", |a| {
        a.privacy().subject().is_some_and(|s| s.report().is_some()) && !a.busy()
    });
    h.get_by_label("2 rows about customer C1");
    h.get_by_label("orders · customer_id");
    let json = dir.path().join("c1.json");
    {
        h.state_mut().with_ws(|app, ws| {
            let w = app.privacy_mut().subject_mut().unwrap();
            w.export_to(
                ws,
                json.clone(),
                loupe::privacy::subject::SubjectFormat::Json,
            );
        });
    }
    wait_until(&mut h, "the export", |a| !a.busy());
    assert!(std::fs::read_to_string(&json).unwrap().contains("\"O3\""));
    h.get_by_label("Erase…").click();
    h.run_steps(2);
    h.get_by_label_contains("Erase everything about customer C1?");
    h.get_by_role_and_label(Role::Button, "Erase").click();
    wait_until(&mut h, "the erasure", |a| {
        a.privacy().subject().is_some_and(|s| s.erased().is_some()) && !a.busy()
    });
    h.get_by_label("Erased customer data: 2 rows deleted, 0 cells cleared");
    h.get_by_label("2 backups of the project still hold this customer's data.");
    assert_eq!(h.state().ws().dataset("orders").unwrap().rows, 1);
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(h.state().privacy().subject().is_none());

    // Restore the manual backup: the erased rows come back, the log keeps the erasure.
    h.state_mut()
        .privacy_mut()
        .ask_restore(backups[0].path.clone());
    h.run_steps(2);
    h.get_by_label_contains("Replace the project shop with the backup");
    h.get_by_role_and_label(Role::Button, "Restore").click();
    wait_until(&mut h, "the restore", |a| {
        a.ws().project.is_some()
            && !a.busy()
            && a.ws().dataset("orders").is_some_and(|d| d.rows == 3)
    });
    let notice = h.state().ws().notice.clone().unwrap_or_default();
    assert!(notice.starts_with("Restored from"), "{notice}");
    let actions: Vec<String> = h
        .state()
        .ws()
        .activity
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(actions[0], "restore");
    assert!(actions.contains(&"erase".to_string()), "{actions:?}");
}

#[test]
fn the_activity_page_filters_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("shop.loupe");
    {
        let mut p = Project::create(&project).unwrap();
        for name in ["orders", "events"] {
            let csv = dir.path().join(format!("{name}.csv"));
            std::fs::write(&csv, "a,b\n1,2\n").unwrap();
            loupe::import::import_files(
                &mut p,
                &[csv],
                &Default::default(),
                &loupe::progress::Reporter::silent(),
            )
            .unwrap();
        }
        p.delete_dataset("events").unwrap();
    }
    let mut h = app(&project, Lang::En);
    wait_until(&mut h, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    h.state_mut().set_page(Page::Activity);
    wait_entries(&mut h, 3);
    h.get_by_label("Entries: 3");
    let mut filter = loupe::store::ActivityFilter {
        action: Some("import".into()),
        ..Default::default()
    };
    h.state_mut().activity_mut().set_filter(filter.clone());
    wait_entries(&mut h, 2);
    h.get_by_label("Entries: 2");
    filter.dataset = Some("events".into());
    h.state_mut().activity_mut().set_filter(filter);
    wait_entries(&mut h, 1);
    h.get_by_label("Entries: 1");
    h.state_mut().activity_mut().set_filter(Default::default());
    h.get_by_role_and_label(Role::TextInput, "Text").focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Text")
        .type_text("auto-delete");
    wait_entries(&mut h, 1);
    h.get_by_label("Entries: 1");
    h.get_by_role_and_label(Role::TextInput, "From").focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "From")
        .type_text("2020-13-01");
    wait_until(&mut h, "the date's check", |a| !a.busy());
    h.get_by_label_contains("is not a date");
    // In Chinese too.
    let mut zh = app(&project, Lang::ZhCn);
    wait_until(&mut zh, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    zh.state_mut().set_page(Page::Activity);
    wait_entries(&mut zh, 3);
    zh.get_by_label("记录：3 条");
    assert!(zh.query_all_by_label("文字").next().is_some());
}

/// Steps until the Activity page shows `n` entries (its list is read by a job).
fn wait_entries(h: &mut egui_kittest::Harness<'static, loupe::ui::LoupeApp>, n: usize) {
    wait_until(h, &format!("{n} entries"), |a| {
        !a.busy() && a.activity().shown().map(<[_]>::len) == Some(n)
    });
}
