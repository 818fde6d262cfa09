//! Files on disk: what kind a file is by its name ([`Format::from_path`], the one place that reads
//! a file extension), and writing a file all at once or not at all ([`write_atomic`], the one
//! write-to-temp-then-rename).

use crate::error::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The kinds of file Loupe reads or writes, told by the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Tsv,
    Txt,
    Json,
    /// Newline-delimited JSON (`.ndjson`, `.jsonl`).
    Ndjson,
    Xlsx,
    Xls,
    Parquet,
    Png,
    /// A Loupe project.
    Loupe,
}

impl Format {
    /// The format named by `path`'s extension (case-insensitive), or `None` for no or an unknown
    /// extension. A `.gz` file is not looked into: see [`Format::from_path_through_gzip`].
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Format::Csv,
            "tsv" => Format::Tsv,
            "txt" => Format::Txt,
            "json" => Format::Json,
            "ndjson" | "jsonl" => Format::Ndjson,
            "xlsx" => Format::Xlsx,
            "xls" => Format::Xls,
            "parquet" => Format::Parquet,
            "png" => Format::Png,
            "loupe" => Format::Loupe,
            _ => return None,
        })
    }

    /// Whether `path` ends in `.gz` (any case).
    pub fn is_gzip(path: &Path) -> bool {
        path.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    }

    /// The format of `path`, or of the file inside it for `name.csv.gz`.
    pub fn from_path_through_gzip(path: &Path) -> Option<Format> {
        if Format::is_gzip(path) {
            path.file_stem()
                .and_then(|s| Format::from_path(Path::new(s)))
        } else {
            Format::from_path(path)
        }
    }

    /// The format of `path` when it is one of `allowed`; otherwise an error that names the file,
    /// says what it was for (`what`, e.g. "cannot export to") and lists the extensions to use.
    pub fn expect(path: &Path, allowed: &[Format], what: &str) -> Result<Format> {
        match Format::from_path(path) {
            Some(f) if allowed.contains(&f) => Ok(f),
            _ => {
                let names: Vec<String> = allowed.iter().map(|f| format!(".{}", f.ext())).collect();
                let list = match names.as_slice() {
                    [one] => one.clone(),
                    [init @ .., last] => format!("{} or {last}", init.join(", ")),
                    [] => String::new(),
                };
                Err(Error::InvalidArgument(format!(
                    "{what} '{}': name the file {list}",
                    path.display()
                )))
            }
        }
    }

    /// The usual extension, without the dot.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Txt => "txt",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Parquet => "parquet",
            Format::Png => "png",
            Format::Loupe => "loupe",
        }
    }
}

/// The hidden side file beside `dest` that [`write_atomic`] writes before renaming it.
pub fn temp_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    dest.with_file_name(format!(".{name}.loupe-partial"))
}

/// Writes `dest` all at once or not at all: `write` fills a hidden side file beside `dest`
/// ([`temp_path`]), which is renamed over `dest` when `write` succeeds and removed when it fails,
/// so a failed or interrupted write never leaves a half file at `dest`. Errors name `dest`, never
/// the side file.
pub fn write_atomic<T>(dest: &Path, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let tmp = temp_path(dest);
    let _ = std::fs::remove_file(&tmp);
    let value = match write(&tmp) {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(name_dest(e, &tmp, dest));
        }
    };
    std::fs::rename(&tmp, dest).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(dest, e)
    })?;
    Ok(value)
}

/// `e` with every mention of the side file `tmp` replaced by the user's `dest`.
fn name_dest(e: Error, tmp: &Path, dest: &Path) -> Error {
    let (tmp_text, dest_text) = (tmp.display().to_string(), dest.display().to_string());
    let swap = |s: String| s.replace(&tmp_text, &dest_text);
    match e {
        Error::Io { path, source } if path == tmp => Error::io(dest, source),
        Error::Export(m) => Error::Export(swap(m)),
        Error::InvalidArgument(m) => Error::InvalidArgument(swap(m)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.CSV")), Some(Format::Csv));
        assert_eq!(
            Format::from_path(Path::new("x.jsonl")),
            Some(Format::Ndjson)
        );
        assert_eq!(Format::from_path(Path::new("x")), None);
        assert_eq!(Format::from_path(Path::new("x.doc")), None);
        assert_eq!(
            Format::from_path_through_gzip(Path::new("x.tsv.gz")),
            Some(Format::Tsv)
        );
        let err = Format::expect(
            Path::new("out.doc"),
            &[Format::Csv, Format::Xlsx, Format::Parquet],
            "cannot export to",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "cannot export to 'out.doc': name the file .csv, .xlsx or .parquet"
        );
    }

    #[test]
    fn writes_whole_files_and_names_the_users_path() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.txt");
        std::fs::write(&dest, "old").unwrap();
        // A failed write leaves the old file and no side file, and the error names `dest`.
        let err = write_atomic(&dest, |tmp| {
            std::fs::write(tmp, "half").unwrap();
            Err::<(), _>(Error::io(tmp, std::io::Error::other("disk full")))
        })
        .unwrap_err();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "old");
        assert!(!temp_path(&dest).exists());
        let text = err.to_string();
        assert!(text.contains("out.txt: disk full"), "{text}");
        assert!(!text.contains("loupe-partial"), "{text}");
        // A good write replaces it.
        let n = write_atomic(&dest, |tmp| {
            std::fs::write(tmp, "new").map_err(|e| Error::io(tmp, e))?;
            Ok(3)
        })
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
