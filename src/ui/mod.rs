//! The desktop workbench window (eframe/egui): a thin layer over the library.
//!
//! - [`app`]: the shell (top bar, navigation, status bar with jobs, error panel, shortcuts);
//! - [`state`]: state apart from drawing (settings, open project, jobs, problems);
//! - [`pages`]: one struct per page; [`import_dialog`]: the import dialog;
//! - [`theme`]: fonts (with a bundled CJK fallback), spacing, colours and shared widgets.

pub mod app;
pub mod help;
pub mod import_dialog;
pub mod pages;
pub mod privacy;
pub mod state;
pub mod theme;

pub use app::{LoupeApp, Startup, nav_label};
pub use pages::Page;

use std::path::PathBuf;

/// Opens the workbench window; returns when it is closed.
pub fn run(project: Option<PathBuf>) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Loupe")
            .with_app_id("loupe")
            .with_inner_size([1320.0, 820.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Loupe",
        options,
        Box::new(move |cc| Ok(Box::new(LoupeApp::from_creation(cc, project)))),
    )
}
