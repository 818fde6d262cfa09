//! The one place the window asks for a file: every Open…, Save… and Browse… goes through
//! [`FileDialog`] (the lint `clippy::disallowed_methods` keeps `rfd` and `std::fs` out of the rest
//! of `src/ui`).
//!
//! Two ways to answer: the system's dialog (`rfd`), or the window's own file browser
//! ([`browser`]), used where the system has none (a Linux desktop without an XDG portal or
//! zenity, see [`system_dialog_available`]), when the user asked for it in the settings, when
//! `LOUPE_FILE_DIALOG=window` is set, or when the user asks for it after the system dialog gave
//! nothing back. The window's browser answers in a later frame, so a caller asks every frame:
//! `FileDialog::new("id")….pick_file(ctx, clicked)` opens the dialog when `clicked` and returns
//! the chosen file in the frame it is known.

#![allow(clippy::disallowed_methods)]

pub mod browser;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use browser::Browser;

/// Which dialog the window uses to choose files (a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FileDialogChoice {
    /// The system's dialog where there is one, else the window's browser.
    #[default]
    Auto,
    /// Always the window's browser.
    Window,
    /// Always the system's dialog.
    System,
}

impl FileDialogChoice {
    /// The choice `LOUPE_FILE_DIALOG` forces (`window` or `system`), if any.
    pub fn from_env() -> Option<FileDialogChoice> {
        match std::env::var("LOUPE_FILE_DIALOG")
            .ok()?
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "window" | "builtin" | "in-window" => Some(FileDialogChoice::Window),
            "system" | "native" => Some(FileDialogChoice::System),
            _ => None,
        }
    }

    /// Whether this choice means the window's browser, here.
    pub fn uses_window(self) -> bool {
        match FileDialogChoice::from_env().unwrap_or(self) {
            FileDialogChoice::Window => true,
            FileDialogChoice::System => false,
            FileDialogChoice::Auto => !system_dialog_available(),
        }
    }
}

/// What a dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Open,
    OpenMany,
    Save,
}

/// A file dialog to open or save a file. `id` tells one caller's answer from another's.
#[derive(Debug, Clone)]
pub struct FileDialog {
    id: egui::Id,
    title: Option<String>,
    filters: Vec<(String, Vec<String>)>,
    file_name: Option<String>,
    directory: Option<PathBuf>,
    default_ext: Option<String>,
}

impl FileDialog {
    pub fn new(id: impl std::hash::Hash + std::fmt::Debug) -> Self {
        FileDialog {
            id: egui::Id::unique(("loupe-file-dialog", id)),
            title: None,
            filters: Vec::new(),
            file_name: None,
            directory: None,
            default_ext: None,
        }
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Offers files with these extensions, under `name`.
    pub fn filter(mut self, name: impl Into<String>, extensions: &[&str]) -> Self {
        self.filters.push((
            name.into(),
            extensions.iter().map(|e| e.to_string()).collect(),
        ));
        self
    }

    /// The file name the save dialog proposes.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The folder the dialog opens in.
    pub fn directory(mut self, dir: impl Into<PathBuf>) -> Self {
        self.directory = Some(dir.into());
        self
    }

    /// The extension a saved file gets when the user types a name without one.
    pub fn default_extension(mut self, ext: impl Into<String>) -> Self {
        self.default_ext = Some(ext.into());
        self
    }

    fn dialog(&self) -> rfd::FileDialog {
        let mut d = rfd::FileDialog::new();
        if let Some(t) = &self.title {
            d = d.set_title(t);
        }
        for (name, exts) in &self.filters {
            d = d.add_filter(name, exts);
        }
        if let Some(n) = &self.file_name {
            // The system dialog wants a bare name; a path proposed in a field keeps its folder.
            let p = Path::new(n);
            match (p.parent(), p.file_name()) {
                (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => {
                    d = d.set_file_name(name.to_string_lossy()).set_directory(dir);
                }
                _ => d = d.set_file_name(n),
            }
        }
        if let Some(dir) = &self.directory {
            d = d.set_directory(dir);
        }
        d
    }

    /// A file to open: opens the dialog when `open`, and returns the file in the frame it was
    /// chosen (`None` until then, and when the user cancels).
    pub fn pick_file(self, ctx: &egui::Context, open: bool) -> Option<PathBuf> {
        self.ask(ctx, open, Kind::Open)?.into_iter().next()
    }

    /// Files to open, as [`FileDialog::pick_file`].
    pub fn pick_files(self, ctx: &egui::Context, open: bool) -> Option<Vec<PathBuf>> {
        self.ask(ctx, open, Kind::OpenMany)
            .filter(|files| !files.is_empty())
    }

    /// Where to save, as [`FileDialog::pick_file`].
    pub fn save_file(self, ctx: &egui::Context, open: bool) -> Option<PathBuf> {
        let ext = self.default_ext.clone();
        let path = self.ask(ctx, open, Kind::Save)?.into_iter().next()?;
        Some(with_default_extension(path, ext.as_deref()))
    }

    /// Opens the window's own browser for this dialog, whatever the settings say.
    pub fn browse_in_window(self, ctx: &egui::Context, kind: Kind) {
        let recent = shared(ctx, |s| s.recent.clone());
        let b = Browser::new(self, kind, &recent);
        shared(ctx, |s| {
            s.offer = None;
            s.browser = Some(b);
        });
    }

    fn ask(self, ctx: &egui::Context, open: bool, kind: Kind) -> Option<Vec<PathBuf>> {
        let id = self.id;
        if !open {
            return shared(ctx, |s| s.take_done(id));
        }
        let choice = shared(ctx, |s| s.choice);
        if choice.uses_window() {
            self.browse_in_window(ctx, kind);
            return None;
        }
        let d = self.dialog();
        let answer = match kind {
            Kind::Open => d.pick_file().map(|p| vec![p]),
            Kind::OpenMany => d.pick_files(),
            Kind::Save => d.save_file().map(|p| vec![p]),
        };
        if answer.is_none() {
            // Nothing came back: a cancel, or a system without a dialog (which looks the same).
            // Offer the window's browser for this very question.
            let now = ctx.input(|i| i.time);
            shared(ctx, |s| s.offer = Some((self, kind, now)));
        }
        answer
    }
}

/// The dialogs' state, kept in egui's memory: the open browser, answers waiting for their
/// caller, an offer of the window's browser after the system dialog gave nothing back.
#[derive(Clone, Default)]
struct Shared {
    choice: FileDialogChoice,
    recent: Vec<PathBuf>,
    browser: Option<Browser>,
    done: Vec<(egui::Id, Vec<PathBuf>)>,
    offer: Option<(FileDialog, Kind, f64)>,
    /// A folder the browser chose, for the settings' recent folders.
    remembered: Vec<PathBuf>,
}

impl Shared {
    fn take_done(&mut self, id: egui::Id) -> Option<Vec<PathBuf>> {
        let i = self.done.iter().position(|(d, _)| *d == id)?;
        Some(self.done.remove(i).1)
    }
}

fn shared<R>(ctx: &egui::Context, f: impl FnOnce(&mut Shared) -> R) -> R {
    ctx.data_mut(|d| f(d.get_temp_mut_or_default::<Shared>(egui::Id::unique("loupe-file-dialogs"))))
}

/// How long the offer of the window's browser stays after the system dialog gave nothing back.
const OFFER_SECONDS: f64 = 20.0;

/// Settings the dialogs follow: which dialog, and the recent folders (most recent first). The
/// app calls this every frame, before drawing.
pub fn configure(ctx: &egui::Context, choice: FileDialogChoice, recent_folders: &[PathBuf]) {
    shared(ctx, |s| {
        s.choice = choice;
        if s.recent != recent_folders {
            s.recent = recent_folders.to_vec();
        }
    });
}

/// Folders a browser chose since the last call, for the settings' recent folders.
pub fn take_remembered(ctx: &egui::Context) -> Vec<PathBuf> {
    shared(ctx, |s| std::mem::take(&mut s.remembered))
}

/// Whether the window's browser is open.
pub fn browser_open(ctx: &egui::Context) -> bool {
    shared(ctx, |s| s.browser.is_some())
}

/// Draws the window's browser when one is open, and the offer of it after the system dialog
/// gave nothing back. `choice` is the setting, which the browser can change. Call once a frame,
/// after the pages.
pub fn show(ctx: &egui::Context, lang: crate::i18n::Lang, choice: &mut FileDialogChoice) {
    let browser = shared(ctx, |s| s.browser.take());
    if let Some(mut b) = browser {
        match b.show(ctx, lang, choice) {
            browser::Outcome::Open => shared(ctx, |s| s.browser = Some(b)),
            browser::Outcome::Cancelled => {}
            browser::Outcome::Chosen(paths) => {
                let folder = b.folder().to_path_buf();
                shared(ctx, |s| {
                    s.done.retain(|(d, _)| *d != b.id());
                    s.done.push((b.id(), paths));
                    s.remembered.push(folder);
                });
            }
        }
        ctx.request_repaint();
    }
    offer_ui(ctx, lang);
}

/// After the system dialog gave nothing back: "Browse in the window…", for a while.
fn offer_ui(ctx: &egui::Context, lang: crate::i18n::Lang) {
    use crate::i18n::T;
    let Some((dialog, kind, since)) = shared(ctx, |s| s.offer.clone()) else {
        return;
    };
    let now = ctx.input(|i| i.time);
    if now - since > OFFER_SECONDS {
        shared(ctx, |s| s.offer = None);
        return;
    }
    let mut browse = false;
    let mut dismiss = false;
    egui::Area::new(egui::Id::unique("loupe-file-dialog-offer"))
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -40.0))
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(360.0);
                ui.label(lang.tr(T::FdNothingChosen));
                ui.horizontal(|ui| {
                    browse = ui.button(lang.tr(T::FdBrowseInWindow)).clicked();
                    dismiss = ui.button(lang.tr(T::Dismiss)).clicked();
                });
            });
        });
    if browse {
        dialog.browse_in_window(ctx, kind);
    } else if dismiss {
        shared(ctx, |s| s.offer = None);
    } else {
        ctx.request_repaint_after(std::time::Duration::from_secs(1));
    }
}

/// Whether the system can show a file dialog here. On Linux and the BSDs `rfd` asks the XDG
/// desktop portal and falls back to zenity; with neither (or no display) it returns at once as
/// if the user had cancelled, so the window uses its own browser instead. Elsewhere the system
/// always has one.
/// Where a file the window writes goes unless the user says otherwise: beside the open project,
/// else in the home folder (not the folder the program was started from, which is `/` when
/// started from a desktop menu).
pub fn default_dir(project: Option<&Path>) -> PathBuf {
    project
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .or_else(|| {
            std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE"))
                .map(PathBuf::from)
        })
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

pub fn system_dialog_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        if cfg!(any(target_os = "windows", target_os = "macos")) {
            return true;
        }
        let display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
        display && (portal_file_chooser() || on_path("zenity"))
    })
}

/// The session bus can start an XDG portal with a file chooser behind it.
fn portal_file_chooser() -> bool {
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|x| !x.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists());
    if !bus {
        return false;
    }
    let data_dirs = std::env::var("XDG_DATA_DIRS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".to_string());
    let dirs: Vec<PathBuf> = data_dirs.split(':').map(PathBuf::from).collect();
    let service = dirs.iter().any(|d| {
        d.join("dbus-1/services/org.freedesktop.portal.Desktop.service")
            .exists()
    });
    service
        && dirs.iter().any(|d| {
            std::fs::read_dir(d.join("xdg-desktop-portal/portals"))
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| {
                    std::fs::read_to_string(e.path())
                        .is_ok_and(|s| s.contains("org.freedesktop.impl.portal.FileChooser"))
                })
        })
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

fn with_default_extension(mut path: PathBuf, ext: Option<&str>) -> PathBuf {
    if let Some(ext) = ext
        && path.extension().is_none()
    {
        path.set_extension(ext);
    }
    path
}

/// The size of each file in bytes (0 for one that cannot be read), for the import dialog.
pub fn file_sizes(files: &[PathBuf]) -> Vec<u64> {
    files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .collect()
}

/// The bytes of the first of `paths` that can be read, with its index (system fonts).
pub fn read_first<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Option<(usize, Vec<u8>)> {
    paths
        .into_iter()
        .enumerate()
        .find_map(|(i, p)| std::fs::read(p).ok().map(|b| (i, b)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_the_window_writes_go_beside_the_project_by_default() {
        use std::path::{Path, PathBuf};
        assert_eq!(
            super::default_dir(Some(Path::new("/data/shop/shop.loupe"))),
            PathBuf::from("/data/shop")
        );
        // A project named without a folder, or none: the home folder, never an empty path.
        assert!(
            !super::default_dir(Some(Path::new("shop.loupe")))
                .as_os_str()
                .is_empty()
        );
        assert!(!super::default_dir(None).as_os_str().is_empty());
    }

    use super::*;

    #[test]
    fn a_name_without_extension_gets_the_default() {
        let p = with_default_extension(PathBuf::from("/tmp/report"), Some("xlsx"));
        assert_eq!(p, PathBuf::from("/tmp/report.xlsx"));
        let p = with_default_extension(PathBuf::from("/tmp/report.csv"), Some("xlsx"));
        assert_eq!(p, PathBuf::from("/tmp/report.csv"));
        let p = with_default_extension(PathBuf::from("/tmp/report"), None);
        assert_eq!(p, PathBuf::from("/tmp/report"));
    }

    #[test]
    fn the_browser_answers_its_own_caller_only() {
        let ctx = egui::Context::default();
        shared(&ctx, |s| {
            s.done.push((FileDialog::new("a").id, vec!["/x".into()]))
        });
        assert_eq!(FileDialog::new("b").pick_file(&ctx, false), None);
        assert_eq!(
            FileDialog::new("a").pick_file(&ctx, false),
            Some(PathBuf::from("/x"))
        );
        // Taken once.
        assert_eq!(FileDialog::new("a").pick_file(&ctx, false), None);
    }
}
