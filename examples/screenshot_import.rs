//! Opens the workbench with its import dialog already showing a file, for screenshots: the
//! system file dialog cannot be driven under Xvfb. The window is the real one.
//!
//!     cargo run --example screenshot_import -- PROJECT.loupe FILE.csv
//!
//! Environment as for `loupe` (e.g. `LOUPE_LANG=zh-CN`).

use loupe::ui::LoupeApp;
use std::path::PathBuf;

struct WithImport {
    app: LoupeApp,
    file: Option<PathBuf>,
}

impl eframe::App for WithImport {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.app.logic(ctx, frame);
        if self.app.ws().project.is_some()
            && let Some(f) = self.file.take()
        {
            self.app.open_import(vec![f]);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
    }
}

fn main() -> Result<(), eframe::Error> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(project), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: screenshot_import PROJECT.loupe FILE");
        std::process::exit(2);
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Loupe")
            .with_inner_size([1320.0, 820.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Loupe",
        options,
        Box::new(move |cc| {
            Ok(Box::new(WithImport {
                app: LoupeApp::from_creation(cc, Some(project), Vec::new()),
                file: Some(file),
            }))
        }),
    )
}
