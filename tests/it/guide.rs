//! The user guide (docs/en, docs/zh-CN): its command reference is the command line's own help,
//! its glossary uses the window's terms, every chapter the window links to exists, and the
//! window's Help opens the right page in the window's language (kittest).

use crate::ui::{app, sample, wait_until};
use egui_kittest::kittest::Queryable;
use loupe::guide::Chapter;
use loupe::i18n::{Lang, T};
use loupe::ui::Page;
use loupe::ui::help::chapter_of;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `loupe reference` prints the page; the books hold it. `LOUPE_UPDATE_DOCS=1` rewrites them.
#[test]
fn command_reference_is_the_command_lines_help() {
    for lang in ["en", "zh-CN"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
            .args(["reference", "--lang", lang])
            .output()
            .expect("run loupe reference");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let generated = String::from_utf8(out.stdout).expect("UTF-8");
        // Every visible command is there, with its own help text.
        for needle in [
            "## `loupe`",
            "### `loupe import`",
            "### `loupe segment sql`",
            "Import files into a project as one dataset",
            "Usage: loupe customers",
        ] {
            assert!(generated.contains(needle), "{lang}: no {needle:?}");
        }
        assert!(
            !generated.contains("`loupe reference`"),
            "the hidden command is listed"
        );
        let page = docs().join(lang).join("src/reference/commands.md");
        if std::env::var_os("LOUPE_UPDATE_DOCS").is_some() {
            std::fs::write(&page, &generated).expect("write the reference");
            continue;
        }
        let current = std::fs::read_to_string(&page).unwrap_or_default();
        assert!(
            current == generated,
            "{} is not what `loupe reference --lang {lang}` prints: a --help text changed. \
             Regenerate it: LOUPE_UPDATE_DOCS=1 cargo test --test it guide::",
            page.display()
        );
    }
}

/// The rows of the glossary's term tables (those headed `| Term | 中文 |` or `| 术语 | English |`)
/// as (English, Chinese) pairs.
fn glossary_pairs(lang: &str) -> Vec<(String, String)> {
    let text = read(&docs().join(lang).join("src/glossary.md"));
    let mut pairs = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('*').trim().to_string())
            .collect();
        if cells.len() < 2 || cells[0].starts_with("---") {
            continue;
        }
        match (cells[0].as_str(), cells[1].as_str()) {
            ("Term", "中文") | ("术语", "English") => {
                in_table = true;
                continue;
            }
            _ => {}
        }
        if in_table {
            let (en, zh) = if lang == "en" {
                (cells[0].clone(), cells[1].clone())
            } else {
                (cells[1].clone(), cells[0].clone())
            };
            pairs.push((en, zh));
        }
    }
    pairs
}

#[test]
fn glossary_terms_are_the_windows_terms() {
    let en = glossary_pairs("en");
    let zh = glossary_pairs("zh-CN");
    assert!(
        en.len() >= 30,
        "only {} terms in the English glossary",
        en.len()
    );
    for (lang, pairs) in [("en", &en), ("zh-CN", &zh)] {
        for (e, z) in pairs.iter() {
            let same_english: Vec<(T, &str)> = T::ALL
                .iter()
                .filter(|k| k.en() == e)
                .map(|k| (*k, k.zh()))
                .collect();
            assert!(
                same_english.iter().any(|(_, c)| c == z),
                "{lang} glossary: {e} = {z}, but the window says {same_english:?}"
            );
        }
    }
    let a: BTreeSet<_> = en.iter().collect();
    let b: BTreeSet<_> = zh.iter().collect();
    assert_eq!(
        a.symmetric_difference(&b).collect::<Vec<_>>(),
        Vec::<&&(String, String)>::new(),
        "the two glossaries list different terms"
    );
}

#[test]
fn every_chapter_the_window_opens_is_in_both_books() {
    let mut summaries = Vec::new();
    for lang in ["en", "zh-CN"] {
        let src = docs().join(lang).join("src");
        let summary = read(&src.join("SUMMARY.md"));
        for c in Chapter::ALL {
            let file = format!("{}.md", c.stem());
            assert!(src.join(&file).is_file(), "{lang}: no {file}");
            assert!(
                summary.contains(&format!("]({file})")),
                "{lang}: SUMMARY.md lacks {file}"
            );
        }
        let files: Vec<String> = summary
            .lines()
            .filter_map(|l| l.split("](").nth(1))
            .map(|s| s.trim_end_matches(')').to_string())
            .collect();
        summaries.push(files);
    }
    assert_eq!(summaries[0], summaries[1], "the books' chapters differ");
    for p in Page::ALL {
        assert!(Chapter::ALL.contains(&chapter_of(p)));
    }
}

/// Books with an index page, as the installed guide has, in a temporary folder.
fn fake_guide() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for lang in Lang::ALL {
        let book = dir.path().join(lang.code());
        std::fs::create_dir_all(&book).expect("book dir");
        std::fs::write(book.join("index.html"), "<html></html>").expect("index");
    }
    dir
}

#[test]
fn help_opens_each_pages_chapter_in_the_windows_language() {
    let guide = fake_guide();
    for lang in Lang::ALL {
        let mut h = app(sample(), lang);
        h.state_mut()
            .help_mut()
            .set_guide_root(Some(guide.path().to_path_buf()));
        wait_until(&mut h, "the project", |a| {
            a.ws().project.is_some() && !a.busy()
        });
        for page in Page::ALL {
            h.state_mut().set_page(page);
            h.state_mut().help_mut().forget_last_opened();
            h.step();
            h.get_by_label("?").click();
            h.step();
            let url = h
                .state()
                .help()
                .last_opened()
                .map(str::to_string)
                .expect("a URL was opened");
            let want = format!("/{}/{}", lang.code(), chapter_of(page).html());
            assert!(url.starts_with("file:///"), "{url}");
            assert!(
                url.ends_with(&want),
                "{page:?} in {lang:?}: {url}, not …{want}"
            );
        }
        // The Help menu: the guide's first page.
        h.state_mut().help_mut().forget_last_opened();
        h.get_by_label(lang.tr(T::HelpMenu)).click();
        h.run_steps(2);
        h.get_by_label(lang.tr(T::HelpGuide)).click();
        h.run_steps(2);
        let url = h
            .state()
            .help()
            .last_opened()
            .map(str::to_string)
            .expect("the guide was opened");
        assert!(
            url.ends_with(&format!("/{}/index.html", lang.code())),
            "{url}"
        );
        let page = url.trim_start_matches("file://");
        assert!(Path::new(page).is_file(), "{page} does not exist");
    }
}

#[test]
fn help_says_where_it_looked_when_the_guide_is_not_installed() {
    let empty = tempfile::tempdir().expect("temp dir");
    let mut h = app(sample(), Lang::ZhCn);
    h.state_mut()
        .help_mut()
        .set_guide_root(Some(empty.path().to_path_buf()));
    wait_until(&mut h, "the project", |a| {
        a.ws().project.is_some() && !a.busy()
    });
    let before = h.state().ws().problems.len();
    h.get_by_label("?").click();
    h.step();
    let app = h.state();
    assert_eq!(app.help().last_opened(), None);
    let p = app.ws().problems.last().expect("a problem is shown");
    assert_eq!(app.ws().problems.len(), before + 1);
    assert_eq!(p.title, Lang::ZhCn.tr(T::HelpMissingTitle));
    assert!(
        p.message.contains("scripts/build-guide.sh"),
        "{}",
        p.message
    );
    assert!(
        p.message
            .contains(&empty.path().join("zh-CN").display().to_string())
    );
}

#[test]
fn table_terms_explain_themselves_in_both_languages() {
    use loupe::ui::help::{TERMS, explanation};
    for (key, _) in TERMS {
        for lang in Lang::ALL {
            let e = explanation(lang, key).expect("an explanation");
            assert!(e.len() > 20, "{key:?} {lang:?}: {e}");
        }
    }
    assert!(explanation(Lang::En, T::ColRevenue).is_none());
    assert!(
        explanation(Lang::ZhCn, T::LiftCi).is_some_and(|e| e.contains("置信区间")),
        "the CI is explained in Chinese"
    );
}
