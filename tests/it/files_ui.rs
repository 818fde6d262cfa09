//! Choosing files in the window: the window's own file browser (for systems without a file
//! dialog) and files dropped on the window.

use crate::common::Scratch;
use crate::ui::wait_until;
use egui::accesskit::Role;
use egui_kittest::{Harness, kittest::Queryable};
use loupe::i18n::{Lang, T};
use loupe::ui::state::Settings;
use loupe::ui::theme::icon;
use loupe::ui::widgets::file_dialog::FileDialogChoice;
use loupe::ui::{LoupeApp, Startup};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The window on a new project in `s`, with the window's browser and `s` as a recent folder.
fn app_with_browser(s: &Scratch, lang: Lang) -> Harness<'static, LoupeApp> {
    let settings = Settings {
        lang,
        file_dialog: FileDialogChoice::Window,
        recent_folders: vec![s.dir.path().to_path_buf()],
        ..Settings::default()
    };
    let app = LoupeApp::new(
        settings,
        Startup {
            project: Some(s.path("shop.loupe")),
            sample_path: None,
            reopen_recent: false,
            import: Vec::new(),
        },
    );
    let mut h = Harness::builder()
        .with_size([1200.0, 800.0])
        .with_context_setup(|ctx| loupe::ui::theme::install_fonts(ctx, false))
        .build_ui_state(|ui, app: &mut LoupeApp| app.frame(ui), app);
    wait_until(&mut h, "the new project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    h
}

fn files_to_browse(s: &Scratch) -> PathBuf {
    std::fs::create_dir(s.path("older")).unwrap();
    s.write("notes.md", "not data");
    s.write("orders.csv", "customer,amount\nA,10\nB,20\n")
}

#[test]
fn import_through_the_windows_browser() {
    let s = Scratch::new();
    let csv = files_to_browse(&s);
    let mut h = app_with_browser(&s, Lang::En);
    h.get_by_label(&format!("{} {}", icon::IMPORT, Lang::En.tr(T::Import)))
        .click();
    h.run_steps(3);
    // The browser opened in the recent folder: folders first, only the data files.
    h.get_by_label(Lang::En.tr(T::ImportFilesTitle));
    h.get_by_label(&format!("{} older", icon::OPEN));
    assert!(h.query_by_label("notes.md").is_none(), "not a data file");
    h.get_by_label("orders.csv").click();
    h.run_steps(2);
    h.get_by_label(Lang::En.tr(T::FdOpen)).click();
    h.run_steps(3);
    // The import dialog follows, with its encoding and preview step.
    let dialog = h.state().import().expect("the import dialog");
    assert_eq!(dialog.files(), std::slice::from_ref(&csv));
    wait_until(&mut h, "the preview", |a| {
        a.import().is_some_and(|d| d.preview().is_some())
    });
    h.get_by_label_contains("Preview");
    assert_eq!(
        h.state()
            .settings()
            .recent_folders
            .first()
            .map(PathBuf::as_path),
        csv.parent()
    );
}

#[test]
fn the_path_field_goes_to_a_folder_and_chooses_a_file_in_chinese() {
    let s = Scratch::new();
    let csv = files_to_browse(&s);
    std::fs::write(s.path("older/old.csv"), "a\n1\n").unwrap();
    let lang = Lang::ZhCn;
    let mut h = app_with_browser(&s, lang);
    h.get_by_label(&format!("{} {}", icon::IMPORT, lang.tr(T::Import)))
        .click();
    h.run_steps(3);
    fn field<'a>(h: &'a Harness<'static, LoupeApp>) -> egui_kittest::Node<'a> {
        h.get_by_role_and_label(Role::TextInput, Lang::ZhCn.tr(T::FdPath))
    }
    // A folder typed in the field is shown.
    field(&h).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field(&h).type_text(&s.path("older").display().to_string());
    h.run_steps(1);
    h.get_by_label(lang.tr(T::FdGo)).click();
    h.run_steps(3);
    h.get_by_label("old.csv");
    assert!(h.query_by_label("orders.csv").is_none());
    // Up, then a file typed in the field is chosen.
    h.get_by_label(lang.tr(T::FdUp)).click();
    h.run_steps(3);
    h.get_by_label("orders.csv");
    field(&h).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field(&h).type_text(&csv.display().to_string());
    h.run_steps(1);
    h.get_by_label(lang.tr(T::FdGo)).click();
    h.run_steps(3);
    let dialog = h.state().import().expect("the import dialog");
    assert_eq!(dialog.files(), [csv]);
}

#[test]
fn cancel_closes_the_browser_without_an_answer() {
    let s = Scratch::new();
    files_to_browse(&s);
    let mut h = app_with_browser(&s, Lang::En);
    h.get_by_label(&format!("{} {}", icon::OPEN, Lang::En.tr(T::Open)))
        .click();
    h.run_steps(3);
    h.get_by_label(Lang::En.tr(T::OpenProjectTitle));
    // Only projects are listed for Open….
    assert!(h.query_by_label("orders.csv").is_none());
    h.get_by_label(Lang::En.tr(T::FdOpen)).click();
    h.run_steps(2);
    h.get_by_label(Lang::En.tr(T::FdChooseAFile));
    h.get_by_label(Lang::En.tr(T::Cancel)).click();
    h.run_steps(3);
    assert!(h.query_by_label(Lang::En.tr(T::OpenProjectTitle)).is_none());
    assert!(h.state().import().is_none());
}

/// A file as the window system hands it over when dropped.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(h: &mut Harness<'static, LoupeApp>, path: &Path) {
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(path.to_path_buf())));
    h.run_steps(2);
}

#[test]
fn dropped_files_import_data_and_open_projects() {
    let s = Scratch::new();
    let csv = files_to_browse(&s);
    let mut h = app_with_browser(&s, Lang::En);

    // Not data: said so, nothing opens.
    drop_file(&mut h, &s.path("notes.md"));
    assert!(h.state().import().is_none());
    let notice = h.state().ws().notice.clone().unwrap_or_default();
    assert!(notice.contains("notes.md"), "{notice}");

    // A data file: the import dialog.
    drop_file(&mut h, &csv);
    let dialog = h.state().import().expect("the import dialog");
    assert_eq!(dialog.files(), [csv]);
    h.state_mut().set_import(None);
    h.run_steps(2);

    // A project: opened.
    let other = s.path("other.loupe");
    drop(loupe::store::Project::open_or_create(&other).unwrap());
    drop_file(&mut h, &other);
    wait_until(&mut h, "the dropped project", |a| {
        !a.busy()
            && a.ws()
                .project_path()
                .is_some_and(|p| p.file_name() == other.file_name())
    });
}
