//! The window's own file browser, for systems without a file dialog: a path field, the folder's
//! listing (folders first, then the files with the extensions asked for), recent folders, and
//! for saving a file-name field. Drawn by [`super::show`]; its answer goes to the caller that
//! asked, through [`super::FileDialog`].

use super::{FileDialog, FileDialogChoice, Kind};
use crate::i18n::{Lang, T, bytes};
use crate::ui::theme::{self, icon};
use egui::RichText;
use std::path::{Path, PathBuf};

/// At most this many entries of a folder are listed.
const MAX_ENTRIES: usize = 5_000;

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    dir: bool,
    size: u64,
}

/// What the browser did this frame.
pub enum Outcome {
    Open,
    Cancelled,
    Chosen(Vec<PathBuf>),
}

/// An open browser: the question it answers and where it is.
#[derive(Debug, Clone)]
pub struct Browser {
    req: FileDialog,
    kind: Kind,
    folder: PathBuf,
    entries: Vec<Entry>,
    /// More entries than listed.
    cut: bool,
    read_error: Option<String>,
    /// The path field.
    path_text: String,
    /// The file name to save under.
    name_text: String,
    selected: Vec<PathBuf>,
    show_all: bool,
    message: Option<T>,
    recent: Vec<PathBuf>,
}

fn home() -> Option<PathBuf> {
    ["HOME", "USERPROFILE"]
        .iter()
        .find_map(|v| std::env::var_os(v).filter(|x| !x.is_empty()))
        .map(PathBuf::from)
}

/// `~/x` as the home folder's `x`.
fn expand(text: &str) -> PathBuf {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('~')
        && let Some(h) = home()
    {
        return h.join(rest.trim_start_matches(['/', '\\']));
    }
    PathBuf::from(t)
}

impl Browser {
    pub fn new(req: FileDialog, kind: Kind, recent: &[PathBuf]) -> Browser {
        let proposed = req.file_name.as_deref().map(Path::new);
        let proposed_dir = proposed
            .and_then(|p| p.parent())
            .filter(|d| !d.as_os_str().is_empty())
            .map(Path::to_path_buf);
        let name_text = proposed
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let folder = req
            .directory
            .clone()
            .into_iter()
            .chain(proposed_dir)
            .chain(recent.iter().cloned())
            .chain(home())
            .chain(std::env::current_dir().ok())
            .find(|d| d.is_dir())
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut b = Browser {
            req,
            kind,
            folder: PathBuf::new(),
            entries: Vec::new(),
            cut: false,
            read_error: None,
            path_text: String::new(),
            name_text,
            selected: Vec::new(),
            show_all: false,
            message: None,
            recent: recent.iter().filter(|d| d.is_dir()).cloned().collect(),
        };
        b.go(folder);
        b
    }

    pub fn id(&self) -> egui::Id {
        self.req.id
    }

    /// The folder shown.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The extensions asked for, lower case (empty: every file).
    fn extensions(&self) -> Vec<String> {
        self.req
            .filters
            .iter()
            .flat_map(|(_, exts)| exts.iter().map(|e| e.to_ascii_lowercase()))
            .filter(|e| e != "*" && !e.is_empty())
            .collect()
    }

    fn shown(&self, e: &Entry) -> bool {
        if e.name.starts_with('.') {
            return false;
        }
        if e.dir || self.show_all {
            return true;
        }
        let exts = self.extensions();
        let name = e.name.to_ascii_lowercase();
        exts.is_empty() || exts.iter().any(|x| name.ends_with(&format!(".{x}")))
    }

    /// Shows `dir`.
    fn go(&mut self, dir: PathBuf) {
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        self.entries.clear();
        self.selected.clear();
        self.cut = false;
        self.message = None;
        self.read_error = None;
        match std::fs::read_dir(&dir) {
            Ok(rd) => {
                for e in rd.flatten() {
                    if self.entries.len() >= MAX_ENTRIES {
                        self.cut = true;
                        break;
                    }
                    let path = e.path();
                    // Follows links: a link to a folder is a folder.
                    let meta = std::fs::metadata(&path).ok();
                    self.entries.push(Entry {
                        name: e.file_name().to_string_lossy().into_owned(),
                        dir: meta.as_ref().is_some_and(|m| m.is_dir()),
                        size: meta.map(|m| m.len()).unwrap_or(0),
                    });
                }
                self.entries.sort_by(|a, b| {
                    b.dir
                        .cmp(&a.dir)
                        .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                });
            }
            Err(e) => self.read_error = Some(e.to_string()),
        }
        self.path_text = dir.display().to_string();
        self.folder = dir;
    }

    /// The path field's text: a folder is shown, a file is chosen.
    fn follow_path(&mut self) -> Option<Vec<PathBuf>> {
        let p = expand(&self.path_text);
        if p.as_os_str().is_empty() {
            return None;
        }
        let p = if p.is_relative() {
            self.folder.join(p)
        } else {
            p
        };
        if p.is_dir() {
            self.go(p);
            return None;
        }
        match self.kind {
            Kind::Open | Kind::OpenMany if p.is_file() => Some(vec![p]),
            Kind::Save if p.parent().is_some_and(Path::is_dir) => Some(vec![p]),
            _ => {
                self.message = Some(T::FdNoSuchPath);
                None
            }
        }
    }

    /// The answer the OK button gives, if there is one yet.
    fn answer(&mut self) -> Option<Vec<PathBuf>> {
        match self.kind {
            Kind::Open | Kind::OpenMany => {
                if self.selected.is_empty() {
                    self.message = Some(T::FdChooseAFile);
                    None
                } else {
                    Some(self.selected.clone())
                }
            }
            Kind::Save => {
                let name = self.name_text.trim();
                if name.is_empty() {
                    self.message = Some(T::FdTypeAName);
                    return None;
                }
                let p = expand(name);
                let p = if p.is_relative() {
                    self.folder.join(p)
                } else {
                    p
                };
                if p.is_dir() {
                    self.go(p);
                    return None;
                }
                if !p.parent().is_some_and(Path::is_dir) {
                    self.message = Some(T::FdNoSuchPath);
                    return None;
                }
                Some(vec![p])
            }
        }
    }

    fn select(&mut self, path: PathBuf, add: bool) {
        match self.kind {
            Kind::OpenMany if add => {
                if let Some(i) = self.selected.iter().position(|p| p == &path) {
                    self.selected.remove(i);
                } else {
                    self.selected.push(path);
                }
            }
            Kind::Save => {
                if let Some(n) = path.file_name() {
                    self.name_text = n.to_string_lossy().into_owned();
                }
            }
            _ => self.selected = vec![path],
        }
        self.message = None;
    }

    /// Draws the browser; `choice` is the setting the "always" box changes.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        lang: Lang,
        choice: &mut FileDialogChoice,
    ) -> Outcome {
        let mut outcome = Outcome::Open;
        let title = self.req.title.clone().unwrap_or_else(|| {
            lang.tr(match self.kind {
                Kind::Save => T::FdSaveTitle,
                _ => T::FdOpenTitle,
            })
            .to_string()
        });
        let size = ctx.content_rect().size();
        let width = (size.x - 80.0).clamp(320.0, 760.0);
        let list_height = (size.y - 300.0).clamp(120.0, 420.0);
        let modal = egui::Modal::new(egui::Id::unique("loupe-file-browser")).show(ctx, |ui| {
            ui.set_width(width);
            ui.label(RichText::new(title).strong().size(16.0));
            ui.add_space(6.0);
            let mut go_to = None;
            ui.horizontal(|ui| {
                if ui.button(lang.tr(T::FdUp)).clicked()
                    && let Some(parent) = self.folder.parent()
                {
                    go_to = Some(parent.to_path_buf());
                }
                if let Some(h) = home()
                    && ui.button(lang.tr(T::FdHome)).clicked()
                {
                    go_to = Some(h);
                }
                let l = ui.label(lang.tr(T::FdPath));
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.path_text)
                            .desired_width(ui.available_width() - 60.0),
                    )
                    .labelled_by(l.id);
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.button(lang.tr(T::FdGo)).clicked() || enter)
                    && let Some(files) = self.follow_path()
                {
                    outcome = Outcome::Chosen(files);
                }
            });
            ui.add_space(4.0);
            ui.horizontal_top(|ui| {
                // Recent folders.
                ui.vertical(|ui| {
                    ui.set_width(170.0);
                    ui.label(RichText::new(lang.tr(T::FdRecentFolders)).strong());
                    if self.recent.is_empty() {
                        theme::muted(ui, lang.tr(T::FdNoRecentFolders));
                    }
                    for d in &self.recent {
                        let name = d
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_else(|| d.display().to_string());
                        if ui
                            .add(egui::Button::new(format!("{} {name}", icon::OPEN)).frame(false))
                            .on_hover_text(d.display().to_string())
                            .clicked()
                        {
                            go_to = Some(d.clone());
                        }
                    }
                });
                ui.add_space(8.0);
                // The folder's listing.
                ui.vertical(|ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("loupe-file-browser-list")
                        .max_height(list_height)
                        .min_scrolled_height(list_height)
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            if let Some(e) = &self.read_error {
                                ui.colored_label(
                                    theme::error_color(ui),
                                    lang.f(T::FdCannotRead, &[e]),
                                );
                            }
                            let mut chosen = None;
                            let mut picked = None;
                            let mut any = false;
                            for e in self.entries.iter().filter(|e| self.shown(e)) {
                                any = true;
                                let path = self.folder.join(&e.name);
                                if e.dir {
                                    if ui
                                        .add(
                                            egui::Button::new(format!("{} {}", icon::OPEN, e.name))
                                                .frame(false),
                                        )
                                        .clicked()
                                    {
                                        go_to = Some(path);
                                    }
                                    continue;
                                }
                                ui.horizontal(|ui| {
                                    let selected = self.selected.contains(&path);
                                    let r = ui.add(egui::Button::selectable(selected, &e.name));
                                    if r.double_clicked() {
                                        chosen = Some(path.clone());
                                    } else if r.clicked() {
                                        let add = ui.input(|i| i.modifiers.command);
                                        picked = Some((path.clone(), add));
                                    }
                                    theme::muted(ui, bytes(e.size));
                                });
                            }
                            if !any && self.read_error.is_none() {
                                theme::muted(ui, lang.tr(T::FdEmptyFolder));
                            }
                            if self.cut {
                                theme::muted(ui, lang.f(T::FdCut, &[&MAX_ENTRIES]));
                            }
                            if let Some((p, add)) = picked {
                                self.select(p, add);
                            }
                            if let Some(p) = chosen {
                                match self.kind {
                                    Kind::Save => self.select(p, false),
                                    _ => outcome = Outcome::Chosen(vec![p]),
                                }
                            }
                        });
                });
            });
            if let Some(d) = go_to {
                self.go(d);
            }
            ui.add_space(4.0);
            if self.kind == Kind::Save {
                ui.horizontal(|ui| {
                    let l = ui.label(lang.tr(T::FdFileName));
                    ui.add(egui::TextEdit::singleline(&mut self.name_text).desired_width(320.0))
                        .labelled_by(l.id);
                });
                let target = self.folder.join(self.name_text.trim());
                if !self.name_text.trim().is_empty() && target.is_file() {
                    theme::muted(ui, lang.tr(T::FdWillReplace));
                }
            }
            let exts = self.extensions();
            ui.horizontal(|ui| {
                if !exts.is_empty() {
                    let names: Vec<&str> =
                        self.req.filters.iter().map(|(n, _)| n.as_str()).collect();
                    theme::muted(
                        ui,
                        lang.f(T::FdShowing, &[&names.join(", "), &exts.join(", ")]),
                    );
                    ui.checkbox(&mut self.show_all, lang.tr(T::FdShowAll));
                }
            });
            if let Some(m) = self.message {
                ui.colored_label(theme::error_color(ui), lang.tr(m));
            }
            ui.separator();
            egui::Sides::new().show(
                ui,
                |ui| {
                    let mut always = *choice == FileDialogChoice::Window;
                    if ui
                        .checkbox(&mut always, lang.tr(T::FdAlwaysWindow))
                        .changed()
                    {
                        *choice = if always {
                            FileDialogChoice::Window
                        } else {
                            FileDialogChoice::Auto
                        };
                    }
                },
                |ui| {
                    let ok = lang.tr(match self.kind {
                        Kind::Save => T::FdSave,
                        _ => T::FdOpen,
                    });
                    if ui.button(ok).clicked()
                        && let Some(files) = self.answer()
                    {
                        outcome = Outcome::Chosen(files);
                    }
                    if ui.button(lang.tr(T::Cancel)).clicked() {
                        outcome = Outcome::Cancelled;
                    }
                    if self.kind == Kind::OpenMany && self.selected.len() > 1 {
                        theme::muted(ui, lang.f(T::FdSelected, &[&self.selected.len()]));
                    }
                },
            );
        });
        if matches!(outcome, Outcome::Open) && modal.should_close() {
            outcome = Outcome::Cancelled;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_folders_first_and_only_the_asked_files() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.csv", "A.CSV", "notes.md", "data.csv.gz", ".hidden.csv"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("zeta")).unwrap();
        let req = FileDialog::new("t")
            .directory(dir.path())
            .filter("Data", &["csv", "gz"]);
        let b = Browser::new(req, Kind::OpenMany, &[]);
        let shown: Vec<&str> = b
            .entries
            .iter()
            .filter(|e| b.shown(e))
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(shown, ["zeta", "A.CSV", "b.csv", "data.csv.gz"]);
    }

    #[test]
    fn the_path_field_shows_a_folder_and_chooses_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/x.csv"), "a\n1\n").unwrap();
        let mut b = Browser::new(FileDialog::new("t"), Kind::Open, &[]);
        b.path_text = dir.path().join("sub").display().to_string();
        assert_eq!(b.follow_path(), None);
        assert!(b.folder().ends_with("sub"));
        b.path_text = "x.csv".into();
        assert_eq!(b.follow_path(), Some(vec![b.folder().join("x.csv")]));
        b.path_text = "missing.csv".into();
        assert_eq!(b.follow_path(), None);
        assert_eq!(b.message, Some(T::FdNoSuchPath));
    }

    #[test]
    fn saving_needs_a_name_in_an_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let req = FileDialog::new("t")
            .directory(dir.path())
            .file_name("report.xlsx");
        let mut b = Browser::new(req, Kind::Save, &[]);
        assert_eq!(b.answer(), Some(vec![b.folder().join("report.xlsx")]));
        b.name_text = "nowhere/report.xlsx".into();
        assert_eq!(b.answer(), None);
        b.name_text = " ".into();
        assert_eq!(b.answer(), None);
        assert_eq!(b.message, Some(T::FdTypeAName));
    }
}
