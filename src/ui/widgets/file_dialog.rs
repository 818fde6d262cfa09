//! The one place the window asks the system for a file: every Open…, Save… and Browse… goes
//! through [`FileDialog`] (the lint `clippy::disallowed_methods` keeps `rfd` and `std::fs` out of
//! the rest of `src/ui`).

#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

/// A file dialog to open or save a file.
#[derive(Debug, Default)]
pub struct FileDialog {
    title: Option<String>,
    filters: Vec<(String, Vec<String>)>,
    file_name: Option<String>,
    directory: Option<PathBuf>,
    default_ext: Option<String>,
}

impl FileDialog {
    pub fn new() -> Self {
        Self::default()
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
            d = d.set_file_name(n);
        }
        if let Some(dir) = &self.directory {
            d = d.set_directory(dir);
        }
        d
    }

    /// A file to open; `None` when the user cancels.
    pub fn pick_file(self) -> Option<PathBuf> {
        self.dialog().pick_file()
    }

    /// Files to open; `None` when the user cancels.
    pub fn pick_files(self) -> Option<Vec<PathBuf>> {
        self.dialog().pick_files()
    }

    /// Where to save; `None` when the user cancels.
    pub fn save_file(self) -> Option<PathBuf> {
        let path = self.dialog().save_file()?;
        Some(with_default_extension(path, self.default_ext.as_deref()))
    }
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
}
