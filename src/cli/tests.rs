//! The command line's dispatch, tested through the same path the binary takes.

use super::{Cli, dispatch};
use clap::Parser;
use egui_kittest::{Harness, kittest::Queryable};
use loupe::i18n::Lang;
use loupe::store::{Passphrase, Project};
use loupe::ui::state::Settings;
use loupe::ui::{LoupeApp, Startup};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The window, as `loupe` with no command starts it, drawn headless instead of on a screen.
fn headless_window(project: Option<PathBuf>) -> Harness<'static, LoupeApp> {
    let settings = Settings {
        lang: Lang::En,
        ..Settings::default()
    };
    let app = LoupeApp::new(settings, Startup::window(project));
    Harness::builder()
        .with_size([1200.0, 800.0])
        .with_context_setup(|ctx| loupe::ui::theme::install_fonts(ctx, false))
        .build_ui_state(|ui, app: &mut LoupeApp| app.frame(ui), app)
}

#[test]
fn the_window_asks_for_a_passphrase_in_its_own_dialog_never_in_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("secret.loupe");
    Project::create_with(&project, Some(Passphrase::new("open sesame").unwrap())).unwrap();
    // Stands in for the terminal: a command would ask here (and the window would block on it).
    let asked = Arc::new(AtomicBool::new(false));
    let flag = asked.clone();
    let terminal: loupe::store::key::Prompt = Arc::new(move |path: &Path| {
        flag.store(true, Ordering::SeqCst);
        Err(loupe::Error::PassphraseNeeded {
            path: path.to_path_buf(),
        })
    });
    let cli =
        Cli::try_parse_from(["loupe".as_ref(), "--project".as_ref(), project.as_os_str()]).unwrap();
    let mut shown = false;
    dispatch(cli, terminal, |p, _| {
        let mut h = headless_window(p);
        h.run_steps(3);
        h.get_by_label("secret.loupe is encrypted. Enter its passphrase to open it.");
        assert!(h.state().ws().project.is_none());
        shown = true;
        Ok(())
    })
    .unwrap();
    assert!(shown);
    assert!(
        !asked.load(Ordering::SeqCst),
        "the window asked in the terminal"
    );
}
