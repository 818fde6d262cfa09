//! The window as a desktop program: Help ▸ About Loupe (version, licences, folders, "Copy
//! diagnostic info") and a data file opened from the system ("Open with Loupe", `loupe FILE`).

use crate::common::{Scratch, sample_copy};
use crate::ui::wait_until;
use egui_kittest::{Harness, kittest::Queryable};
use loupe::i18n::{Lang, T};
use loupe::ui::state::Settings;
use loupe::ui::theme::icon;
use loupe::ui::{LoupeApp, Startup};

fn harness(settings: Settings, startup: Startup) -> Harness<'static, LoupeApp> {
    let app = LoupeApp::new(settings, startup);
    Harness::builder()
        .with_size([1200.0, 800.0])
        .with_context_setup(|ctx| loupe::ui::theme::install_fonts(ctx, false))
        .build_ui_state(|ui, app: &mut LoupeApp| app.frame(ui), app)
}

#[test]
fn about_shows_the_version_and_copies_diagnostic_info_in_chinese() {
    let s = Scratch::new();
    let project = sample_copy(&s);
    let lang = Lang::ZhCn;
    let settings = Settings {
        lang,
        ..Settings::default()
    };
    let mut h = harness(
        settings,
        Startup {
            project: Some(project),
            sample_path: None,
            reopen_recent: false,
            import: Vec::new(),
        },
    );
    wait_until(&mut h, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    h.get_by_label(lang.tr(T::HelpMenu)).click();
    h.run_steps(2);
    h.get_by_label(lang.tr(T::HelpAbout)).click();
    h.run_steps(2);
    h.get_by_label(&lang.f(T::AboutVersion, &[&loupe::about::version_line()]));
    h.get_by_label(lang.tr(T::AboutLogFolder));
    h.get_by_label(lang.tr(T::AboutFontCjk));
    h.get_by_label(lang.tr(T::AboutSampleData));
    // A real pointer is over a modal's button a frame before it clicks.
    h.get_by_label(lang.tr(T::AboutCopyDiagnostics)).hover();
    h.run_steps(1);
    h.get_by_label(lang.tr(T::AboutCopyDiagnostics)).click();
    h.run_steps(2);
    let copied = h
        .state()
        .help()
        .about()
        .and_then(|a| a.copied())
        .map(str::to_string)
        .expect("diagnostic info was copied");
    assert!(copied.contains(&loupe::about::version_line()), "{copied}");
    assert!(
        copied.contains(&format!("Project schema: {}", loupe::store::SCHEMA_VERSION)),
        "{copied}"
    );
    assert!(
        !copied.contains(&*s.dir.path().to_string_lossy()),
        "no paths: {copied}"
    );
    h.get_by_label(lang.tr(T::AboutCopied));
    h.get_by_label(lang.tr(T::Close)).hover();
    h.run_steps(1);
    h.get_by_label(lang.tr(T::Close)).click();
    h.run_steps(2);
    assert!(h.state().help().about().is_none());
}

#[test]
fn a_data_file_opened_from_the_system_asks_which_project_it_goes_into() {
    let s = Scratch::new();
    let shop = s.path("shop.loupe");
    drop(loupe::store::Project::open_or_create(&shop).unwrap());
    let csv = s.write("订单.csv", "customer,amount\nA,10\nB,20\n");
    let lang = Lang::ZhCn;
    let settings = Settings {
        lang,
        recent: vec![shop.clone(), s.path("gone.loupe")],
        ..Settings::default()
    };
    let mut h = harness(
        settings,
        Startup {
            sample_path: None,
            reopen_recent: false,
            ..Startup::import(vec![csv.clone()])
        },
    );
    h.run_steps(3);
    // Nothing opened on its own: the window asks.
    assert!(h.state().ws().project.is_none());
    assert_eq!(h.state().import_where(), Some(std::slice::from_ref(&csv)));
    h.get_by_label(&lang.f(T::WhereTitle, &[&"订单.csv"]));
    h.get_by_label(&format!("{} {}", icon::NEW, lang.tr(T::WhereNew)));
    assert!(
        h.query_by_label(&format!("{} gone", icon::OPEN)).is_none(),
        "a recent project that no longer exists is not offered"
    );
    h.get_by_label(&format!("{} shop", icon::OPEN)).click();
    wait_until(&mut h, "the project and the import preview", |a| {
        a.ws().project.is_some() && a.import().is_some_and(|d| d.preview().is_some())
    });
    assert_eq!(
        h.state().ws().project_path().as_deref(),
        Some(shop.as_path())
    );
    assert_eq!(
        h.state().import().map(|d| d.files().to_vec()),
        Some(vec![csv])
    );
    assert!(h.state().import_where().is_none());
}
