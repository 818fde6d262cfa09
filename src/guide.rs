//! The user guide: where its built books are and which page holds which chapter.
//!
//! The guide is two mdBook books, `docs/en` and `docs/zh-CN`, with the same chapters in files of
//! the same names. Built, each is a folder of HTML pages that opens offline in any browser. The
//! window opens them through a `file://` URL, so no server and no network are needed.
//!
//! Where the built books are looked for, first found wins (a book is there when its
//! `index.html` is):
//! 1. `$LOUPE_GUIDE_DIR/<lang>/` — for packagers and tests;
//! 2. `<folder of the loupe binary>/guide/<lang>/` — what `scripts/build-guide.sh` installs
//!    beside `target/release/loupe` (and what a zip of the app carries);
//! 3. `<folder of the binary>/../share/loupe/guide/<lang>/` — a Unix-style install (the .deb,
//!    the tarball's install.sh), then `<folder of the binary>/../Resources/guide/<lang>/` — the
//!    macOS bundle;
//! 4. `docs/<lang>/book/` of the source checkout the binary was built from — `cargo run` after
//!    `mdbook build docs/<lang>`.
//!
//! The books are not embedded in the binary: they would add their HTML, fonts and screenshots
//! to every build, and the build would need mdBook. Beside the binary they stay an ordinary
//! folder a browser can open, and are rebuilt without recompiling Loupe.

use crate::i18n::Lang;
use std::path::{Path, PathBuf};

/// A chapter of the guide (the same file in both books).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chapter {
    /// The introduction: what Loupe is, the sample project.
    Home,
    /// 1. Open your shop's export and check it.
    Import,
    /// 2. Clean it.
    Clean,
    /// 3. Who are my customers.
    Customers,
    /// 3.1 Charts, cohorts, funnels and the dashboard.
    Explore,
    /// 4. Build a segment and export the list.
    Segments,
    /// 5. What to recommend to whom.
    Recommend,
    /// 6. Did the campaign pay.
    Campaigns,
    /// 7. Protect personal data.
    Privacy,
    /// 8. When the data is too big.
    BigData,
    /// The glossary.
    Glossary,
    /// The command reference, generated from the command line's own help.
    Commands,
}

impl Chapter {
    pub const ALL: [Chapter; 12] = [
        Chapter::Home,
        Chapter::Import,
        Chapter::Clean,
        Chapter::Customers,
        Chapter::Explore,
        Chapter::Segments,
        Chapter::Recommend,
        Chapter::Campaigns,
        Chapter::Privacy,
        Chapter::BigData,
        Chapter::Glossary,
        Chapter::Commands,
    ];

    /// The page's source under `docs/<lang>/src/`, without `.md`.
    pub fn stem(self) -> &'static str {
        match self {
            Chapter::Home => "index",
            Chapter::Import => "import",
            Chapter::Clean => "clean",
            Chapter::Customers => "customers",
            Chapter::Explore => "explore",
            Chapter::Segments => "segments",
            Chapter::Recommend => "recommend",
            Chapter::Campaigns => "campaigns",
            Chapter::Privacy => "privacy",
            Chapter::BigData => "big-data",
            Chapter::Glossary => "glossary",
            Chapter::Commands => "reference/commands",
        }
    }

    /// The built page, relative to the book's folder.
    pub fn html(self) -> String {
        format!("{}.html", self.stem())
    }
}

/// Where a built book may be, in the order they are tried (see the module doc).
pub fn candidates(lang: Lang) -> Vec<PathBuf> {
    let code = lang.code();
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("LOUPE_GUIDE_DIR") {
        dirs.push(PathBuf::from(d).join(code));
    }
    if let Some(bin) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        dirs.push(bin.join("guide").join(code));
        dirs.push(
            bin.join("..")
                .join("share")
                .join("loupe")
                .join("guide")
                .join(code),
        );
        // Loupe.app/Contents/MacOS/loupe → Loupe.app/Contents/Resources/guide.
        dirs.push(bin.join("..").join("Resources").join("guide").join(code));
    }
    dirs.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(code)
            .join("book"),
    );
    dirs
}

/// The built book of `lang` among `dirs`: the first that has an `index.html`.
pub fn find_book(dirs: &[PathBuf]) -> Option<PathBuf> {
    dirs.iter()
        .find(|d| d.join("index.html").is_file())
        .cloned()
}

/// The `file://` URL of `chapter` in the book at `book`. The path is made absolute; characters
/// outside the unreserved set are percent-encoded, so spaces and Chinese folder names work.
pub fn chapter_url(book: &Path, chapter: Chapter) -> String {
    let page = book.join(chapter.html());
    let page = std::path::absolute(&page).unwrap_or(page);
    file_url(&page)
}

/// A `file://` URL for an absolute path (`C:\x` becomes `file:///C:/x`).
pub fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_absolute_and_encoded() {
        assert_eq!(
            file_url(Path::new("/opt/loupe/guide/en/index.html")),
            "file:///opt/loupe/guide/en/index.html"
        );
        assert_eq!(
            file_url(Path::new("/home/王 芳/guide/a.html")),
            "file:///home/%E7%8E%8B%20%E8%8A%B3/guide/a.html"
        );
        assert_eq!(
            file_url(Path::new(r"C:\Loupe\guide\en\index.html")),
            "file:///C:/Loupe/guide/en/index.html"
        );
    }

    #[test]
    fn the_first_built_book_is_found() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).expect("dir a");
        std::fs::create_dir_all(&b).expect("dir b");
        std::fs::write(b.join("index.html"), "<html></html>").expect("index");
        assert_eq!(find_book(&[a.clone(), b.clone()]), Some(b.clone()));
        assert_eq!(find_book(&[a]), None);
        assert!(chapter_url(&b, Chapter::Commands).ends_with("/b/reference/commands.html"));
    }
}
