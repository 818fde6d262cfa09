//! Library errors explained in the window's own words and language. Where the command line names
//! a flag (`cli::explain`), the window names its own control, or says what to do in it.

use crate::error::{Error, ImportError};
use crate::i18n::{Lang, T};

/// The message the window shows for `e`.
pub fn explain(lang: Lang, e: &Error) -> String {
    match e {
        Error::PassphraseNeeded { path } => lang.f(T::ErrPassphraseNeeded, &[&path.display()]),
        Error::NoSuchProject { path } => lang.f(T::ErrNoSuchProject, &[&path.display()]),
        Error::DatasetExists { name } => lang.f(T::ErrDatasetExists, &[name]),
        Error::Import(i) => explain_import(lang, i).unwrap_or_else(|| e.to_string()),
        _ => e.to_string(),
    }
}

fn explain_import(lang: Lang, e: &ImportError) -> Option<String> {
    Some(match e {
        ImportError::WrongEncoding {
            at,
            encoding,
            guess,
            ..
        } => lang.f(T::ErrWrongEncoding, &[at, encoding, guess]),
        ImportError::Ragged {
            path,
            expected,
            count,
            lines,
            merged,
        } if merged.is_empty() => lang.f(T::ErrRagged, &[&path.display(), count, expected, lines]),
        ImportError::Ragged {
            path,
            expected,
            count,
            lines,
            merged,
        } => lang.f(
            T::ErrRaggedJoined,
            &[
                &path.display(),
                count,
                expected,
                lines,
                merged,
                &lang.tr(T::QuotesPlain),
                &lang.tr(T::Quotes),
            ],
        ),
        ImportError::RunawayQuote { at, lines, .. } => lang.f(
            T::ErrRunawayQuote,
            &[at, lines, &lang.tr(T::QuotesPlain), &lang.tr(T::Quotes)],
        ),
        ImportError::ColumnsDiffer {
            path,
            first,
            detail,
        } => lang.f(
            T::ErrColumnsDiffer,
            &[&path.display(), &first.display(), detail],
        ),
        ImportError::NoSuchColumn { column, available } => {
            lang.f(T::ErrNoSuchColumn, &[column, available])
        }
        _ => return None,
    })
}

/// What the error panel can show: a library error (explained in the window's words) or a
/// message already written for the window.
pub trait Explain {
    fn explain(&self, lang: Lang) -> String;
}

impl Explain for Error {
    fn explain(&self, lang: Lang) -> String {
        explain(lang, self)
    }
}

impl Explain for &str {
    fn explain(&self, _lang: Lang) -> String {
        (*self).to_string()
    }
}

impl Explain for String {
    fn explain(&self, _lang: Lang) -> String {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn no_window_message_names_a_flag() {
        let errors = [
            Error::PassphraseNeeded {
                path: PathBuf::from("s.loupe"),
            },
            Error::NoSuchProject {
                path: PathBuf::from("s.loupe"),
            },
            Error::DatasetExists { name: "x".into() },
            ImportError::Ragged {
                path: PathBuf::from("r.csv"),
                expected: 3,
                count: 2,
                lines: "line 4 has 2".into(),
                merged: String::new(),
            }
            .into(),
            ImportError::NoSuchColumn {
                column: "c".into(),
                available: "a, b".into(),
            }
            .into(),
        ];
        for e in &errors {
            for lang in Lang::ALL {
                let m = explain(lang, e);
                assert!(!m.contains("--"), "{m}");
            }
        }
        let ragged = explain(Lang::ZhCn, &errors[3]);
        assert!(
            ragged.contains("r.csv") && ragged.contains("line 4 has 2"),
            "{ragged}"
        );
        assert!(explain(Lang::En, &errors[3]).contains("Fix those lines in the file"));
    }
}
