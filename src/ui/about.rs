//! The About dialog (Help ▸ About Loupe): the version and commit, the licences of what the
//! program bundles, where its settings and logs are, and "Copy diagnostic info".

use crate::about::{self, diagnostics, dirs};
use crate::i18n::{Lang, T};
use crate::ui::theme;
use egui::{RichText, TextureHandle};

/// The window's icon, also shown in the dialog.
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/loupe-256.png");

/// The About dialog's state while it is open.
#[derive(Default)]
pub struct AboutDialog {
    icon: Option<TextureHandle>,
    /// The text "Copy diagnostic info" last put on the clipboard (tests read it).
    copied: Option<String>,
}

impl AboutDialog {
    /// The diagnostic text last copied, if the button was pressed.
    pub fn copied(&self) -> Option<&str> {
        self.copied.as_deref()
    }

    /// Draws the dialog; false once the user closed it. `schema` is the open project's schema
    /// version.
    pub fn show(&mut self, ctx: &egui::Context, lang: Lang, schema: Option<i64>) -> bool {
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("about-loupe")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.horizontal(|ui| {
                if let Some(tex) = self.icon(ui.ctx()) {
                    ui.add(egui::Image::new(&tex).fit_to_exact_size(egui::vec2(64.0, 64.0)));
                }
                ui.vertical(|ui| {
                    ui.label(RichText::new("Loupe").size(22.0).strong());
                    ui.label(lang.tr(T::AboutTagline));
                    ui.label(lang.f(T::AboutVersion, &[&about::version_line()]));
                });
            });
            ui.add_space(8.0);
            theme::section(ui, lang.tr(T::AboutBundled));
            for key in [
                T::AboutFontCjk,
                T::AboutFontsEgui,
                T::AboutFontIcons,
                T::AboutSampleData,
            ] {
                ui.label(lang.tr(key));
            }
            ui.add_space(8.0);
            theme::section(ui, lang.tr(T::AboutFolders));
            egui::Grid::new("about-folders")
                .num_columns(2)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    let shown = |p: Option<std::path::PathBuf>| {
                        p.map(|p| p.display().to_string())
                            .unwrap_or_else(|| lang.tr(T::AboutNoFolder).to_string())
                    };
                    ui.label(lang.tr(T::AboutSettingsFolder));
                    ui.label(shown(dirs::settings_dir()));
                    ui.end_row();
                    ui.label(lang.tr(T::AboutLogFolder));
                    ui.label(shown(about::log::dir()));
                    ui.end_row();
                });
            theme::muted(ui, lang.tr(T::AboutPrivate));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(lang.tr(T::AboutCopyDiagnostics)).clicked() {
                    let text = diagnostics::diagnostic_info(schema);
                    ui.ctx().copy_text(text.clone());
                    self.copied = Some(text);
                }
                if about::log::dir().is_some()
                    && ui.button(lang.tr(T::AboutOpenLogs)).clicked()
                    && let Some(url) = about::log::folder_url()
                {
                    ui.ctx().open_url(egui::OpenUrl::new_tab(url));
                }
                if ui.button(lang.tr(T::Close)).clicked() {
                    close = true;
                }
            });
            if self.copied.is_some() {
                theme::muted(ui, lang.tr(T::AboutCopied));
            }
        });
        !(close || modal.should_close())
    }

    fn icon(&mut self, ctx: &egui::Context) -> Option<TextureHandle> {
        if self.icon.is_none() {
            let data = eframe::icon_data::from_png_bytes(ICON_PNG).ok()?;
            let image = egui::ColorImage::from_rgba_unmultiplied(
                [data.width as usize, data.height as usize],
                &data.rgba,
            );
            self.icon = Some(ctx.load_texture("loupe-icon", image, Default::default()));
        }
        self.icon.clone()
    }
}

/// The window's icon for the title bar and taskbar.
pub fn window_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(ICON_PNG).ok()
}
