//! The desktop workbench window (eframe/egui): a thin layer over the library.
//!
//! - [`app`]: the shell (top bar, navigation, status bar with jobs, error panel, shortcuts);
//! - [`state`]: state apart from drawing (settings, open project, jobs, problems);
//! - [`pages`]: one struct per page; [`import_dialog`]: the import dialog;
//! - [`theme`]: fonts (with a bundled CJK fallback), spacing, colours and shared widgets;
//! - [`widgets`]: pieces pages share, among them the one file dialog;
//! - [`command`]: what pages and dialogs ask the app to do, executed in `App::logic`;
//! - [`explain`]: library errors in the window's words;
//! - [`help`]: the Help menu, each page's guide chapter and the terms that explain themselves.
//!
//! Files are reached only through [`widgets::file_dialog`]: the lint below keeps `rfd` and
//! `std::fs` (listed in clippy.toml) out of the rest of the window.

#![warn(clippy::disallowed_methods)]

pub mod about;
pub mod app;
pub mod command;
pub mod explain;
pub mod help;
pub mod import_dialog;
pub mod import_where;
pub mod pages;
pub mod privacy;
pub mod state;
pub mod theme;
pub mod widgets;

pub use app::{LoupeApp, Startup, nav_label};
pub use pages::Page;

use std::path::PathBuf;

/// Opens the workbench window on `project` (or the most recent one), asking where to import
/// `import` when data files are given; returns when the window is closed.
pub fn run(project: Option<PathBuf>, import: Vec<PathBuf>) -> Result<(), eframe::Error> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Loupe")
        .with_app_id("loupe")
        .with_inner_size([1320.0, 820.0])
        .with_min_inner_size([900.0, 560.0])
        .with_drag_and_drop(true);
    if let Some(icon) = about::window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "Loupe",
        options,
        Box::new(move |cc| Ok(Box::new(LoupeApp::from_creation(cc, project, import)))),
    )
}
