//! What a file is before it is read: its format, encoding, delimiter, and whether it has a header.

use super::encoding::{self, EncodingChoice, TextEncoding};
use super::infer::{ColumnStats, parse_number};
use super::quotes::QuoteMode;
use super::source::{self, ByteCounter, DelimitedSource, Delimiter, MemorySource, RowSource};
use super::{DelimiterChoice, HeaderChoice, ImportOptions};
use super::{formats, temporal};
use crate::error::{Error, ImportError, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The formats Loupe imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Delimited,
    Excel,
    Parquet,
    Json,
    Ndjson,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Delimited => "delimited",
            Format::Excel => "excel",
            Format::Parquet => "parquet",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }
}

/// A file, understood.
#[derive(Clone)]
pub struct SniffedFile {
    pub path: PathBuf,
    pub size: u64,
    pub modified: Option<String>,
    /// The modification time as the file system gives it, to tell a file changed while read.
    pub mtime: Option<std::time::SystemTime>,
    pub format: Format,
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<Delimiter>,
    pub has_header: bool,
    /// Column names as the file gives them (or `column_N`), before de-duplication.
    pub header: Vec<String>,
    /// How quotes are read (delimited text).
    pub quotes: QuoteMode,
    /// Skip rows whose every field is empty (counted by the source).
    pub skip_blank: bool,
    /// Rows of formats read whole (spreadsheets, JSON, Parquet).
    memory_rows: Option<Arc<Vec<Vec<String>>>>,
}

impl SniffedFile {
    /// The data rows (the header, if any, skipped).
    pub fn rows(&self, counter: &ByteCounter) -> Result<Box<dyn RowSource>> {
        let src = self.rows_as_read(counter)?;
        Ok(if self.skip_blank {
            Box::new(source::SkipBlank::new(src))
        } else {
            src
        })
    }

    /// The data rows, blank ones included.
    fn rows_as_read(&self, counter: &ByteCounter) -> Result<Box<dyn RowSource>> {
        if let Some(rows) = &self.memory_rows {
            return Ok(Box::new(MemorySource::new(rows.clone(), 2)));
        }
        let enc = self.encoding.unwrap_or(TextEncoding::UTF8);
        let delim = self.delimiter.unwrap_or(Delimiter::Byte(b','));
        let mut src = DelimitedSource::open(
            &self.path,
            enc,
            delim,
            self.quotes,
            self.header.len(),
            counter,
        )?;
        src.set_names(unique_names(&self.header));
        if self.has_header {
            let mut rec = csv::StringRecord::new();
            src.next_record(&mut rec)?;
        }
        Ok(Box::new(src))
    }

    /// The number of rows of a format read whole; `None` for streamed text.
    pub fn rows_in_memory(&self) -> Option<usize> {
        self.memory_rows.as_ref().map(|r| r.len())
    }
}

/// Looks at a file and decides how to read it.
pub fn sniff(path: &Path, opts: &ImportOptions) -> Result<SniffedFile> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::InvalidArgument(format!(
            "{} is a folder; give the files inside it",
            path.display()
        )));
    }
    let modified = meta.modified().ok().map(|t| {
        chrono::DateTime::<chrono::Local>::from(t)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    });
    let head = source::read_head(path, 1 << 16)?;
    let mut file = SniffedFile {
        path: path.to_path_buf(),
        size: meta.len(),
        modified,
        mtime: meta.modified().ok(),
        format: Format::Delimited,
        encoding: None,
        delimiter: None,
        has_header: true,
        header: vec![],
        quotes: opts.quotes,
        skip_blank: !opts.keep_blank_rows,
        memory_rows: None,
    };
    let trimmed_empty = head
        .iter()
        .all(|b| b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF | 0xFE | 0xFF));
    if head.is_empty() || (trimmed_empty && head.len() < 8) {
        return Err(ImportError::EmptyFile {
            path: path.to_path_buf(),
        }
        .into());
    }
    file.format = detect_format(path, &head)?;
    match file.format {
        Format::Delimited => sniff_delimited(&mut file, &head, opts)?,
        Format::Excel => {
            let rows = formats::read_excel(path, opts.sheet.as_deref())?;
            set_memory_rows(&mut file, rows, opts)?;
        }
        Format::Parquet => {
            let (header, rows) = formats::read_parquet(path)?;
            file.header = header;
            file.memory_rows = Some(Arc::new(rows));
        }
        Format::Json | Format::Ndjson => {
            let (header, rows) = formats::read_json(path, file.format == Format::Ndjson)?;
            file.header = header;
            file.memory_rows = Some(Arc::new(rows));
        }
    }
    Ok(file)
}

fn detect_format(path: &Path, head: &[u8]) -> Result<Format> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let inner_ext = if ext == "gz" {
        path.file_stem()
            .and_then(|s| Path::new(s).extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    } else {
        ext.clone()
    };
    let binary = |what: &str| -> Result<Format> {
        Err(ImportError::Binary {
            path: path.to_path_buf(),
            what: what.to_string(),
        }
        .into())
    };
    if head.starts_with(b"PK\x03\x04") {
        return if matches!(inner_ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "ods") {
            Ok(Format::Excel)
        } else {
            binary("a ZIP archive; if it is an Excel workbook, name it .xlsx")
        };
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return if inner_ext == "xls" {
            Ok(Format::Excel)
        } else {
            binary("an old Office document; if it is an Excel workbook, name it .xls")
        };
    }
    if head.starts_with(b"PAR1") {
        return Ok(Format::Parquet);
    }
    if head.starts_with(b"SQLite format 3\0") {
        return binary("an SQLite database; open it as a project instead");
    }
    match inner_ext.as_str() {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            return Err(ImportError::Spreadsheet {
                path: path.to_path_buf(),
                detail: "the file does not start like a spreadsheet".into(),
            }
            .into());
        }
        "parquet" | "pq" => {
            return Err(ImportError::Parquet {
                path: path.to_path_buf(),
                detail: "the file does not start with the Parquet magic bytes PAR1".into(),
            }
            .into());
        }
        "ndjson" | "jsonl" => return Ok(Format::Ndjson),
        "json" => {
            let first = head
                .iter()
                .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF);
            return Ok(if first == Some(&b'{') {
                Format::Ndjson
            } else {
                Format::Json
            });
        }
        _ => {}
    }
    // Text? NUL bytes outside UTF-16 mean binary.
    let enc = encoding::detect(head, EncodingChoice::Auto);
    let utf16 = enc.encoding == encoding_rs::UTF_16LE || enc.encoding == encoding_rs::UTF_16BE;
    if !utf16 && let Some(pos) = head.iter().position(|b| *b == 0) {
        return binary(&format!("a NUL byte at offset {pos}"));
    }
    if !utf16 {
        let controls = head
            .iter()
            .filter(|b| **b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
            .count();
        if controls * 20 > head.len() {
            return binary("many control bytes");
        }
    }
    Ok(Format::Delimited)
}

fn sniff_delimited(file: &mut SniffedFile, head: &[u8], opts: &ImportOptions) -> Result<()> {
    let enc = encoding::detect(head, opts.encoding);
    file.encoding = Some(enc);
    if opts.encoding == EncodingChoice::Auto
        && let Some(lines) = encoding::mixed_minority(head, enc)
    {
        return Err(ImportError::MixedEncodings {
            path: file.path.clone(),
            utf8_lines: line_list(&lines.utf8),
            legacy_lines: line_list(&lines.legacy),
            legacy: lines.legacy_guess.name().to_string(),
            legacy_flag: lines.legacy_guess.name().to_ascii_lowercase(),
        }
        .into());
    }
    // The head as text, cut at the last line break so no record is cut short.
    let mut text = String::new();
    {
        use std::io::Read;
        let mut head_bytes = head;
        if enc.per_line
            && head.len() == 1 << 16
            && let Some(cut) = head.iter().rposition(|b| *b == b'\n')
        {
            // Per line, a line cut short could look like another encoding.
            head_bytes = &head[..=cut];
        }
        let mut r = encoding::utf8_reader(
            std::io::Cursor::new(head_bytes.to_vec()),
            enc,
            &Default::default(),
        );
        let mut bytes = Vec::new();
        if let Err(e) = r.read_to_end(&mut bytes) {
            return Err(match source::undecodable_of(&e) {
                Some(u) => ImportError::UndecodableLine {
                    at: crate::error::Location {
                        path: file.path.clone(),
                        line: Some(u.line),
                        column: None,
                    },
                    fallback: u.fallback.name().to_string(),
                }
                .into(),
                None => Error::io(&file.path, e),
            });
        }
        let valid = match std::str::from_utf8(&bytes) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        if enc.is_utf8() && !encoding::valid_utf8_prefix(&bytes) {
            // UTF-8 was asked for, but the file is not: say where, and what it looks like.
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let (guess, guess_flag) = encoding::advice(head);
            return Err(ImportError::WrongEncoding {
                at: crate::error::Location {
                    path: file.path.clone(),
                    line: Some(line),
                    column: None,
                },
                encoding: enc.name(),
                guess,
                guess_flag,
            }
            .into());
        }
        text.push_str(std::str::from_utf8(&bytes[..valid]).unwrap_or(""));
    }
    if head.len() == 1 << 16
        && let Some(cut) = text.rfind('\n')
    {
        text.truncate(cut + 1);
    }
    if text.trim().is_empty() {
        return Err(ImportError::EmptyFile {
            path: file.path.clone(),
        }
        .into());
    }
    let ext = file
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let delimiter = match opts.delimiter {
        DelimiterChoice::Byte(b) => Delimiter::Byte(b),
        DelimiterChoice::Whitespace => Delimiter::Whitespace,
        DelimiterChoice::Auto => guess_delimiter(&text, ext == "tsv", opts.quotes),
    };
    file.delimiter = Some(delimiter);
    let sample = sample_records(&text, delimiter, 200, opts.quotes);
    let first = sample.first().cloned().unwrap_or_default();
    file.has_header = match opts.header {
        HeaderChoice::Yes => true,
        HeaderChoice::No => false,
        HeaderChoice::Auto => looks_like_header(&sample),
    };
    file.header = if file.has_header {
        first
    } else {
        (1..=first.len()).map(|i| format!("column_{i}")).collect()
    };
    Ok(())
}

/// Lines for a message: the first ten, then "…" and how many in all.
pub(crate) fn line_list(lines: &[u64]) -> String {
    let mut out = lines
        .iter()
        .take(10)
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if lines.len() > 10 {
        out.push_str(&format!(", … ({} lines)", lines.len()));
    }
    out
}

/// Splits sample text into records with a delimiter (the last, possibly cut, record dropped).
pub fn sample_records(
    text: &str,
    delimiter: Delimiter,
    max: usize,
    quotes: QuoteMode,
) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    match delimiter {
        Delimiter::Whitespace => {
            for line in text.lines().filter(|l| !l.trim().is_empty()).take(max) {
                out.push(line.split_whitespace().map(str::to_string).collect());
            }
        }
        Delimiter::Byte(d) => {
            let mut r = csv::ReaderBuilder::new()
                .delimiter(d)
                .has_headers(false)
                .flexible(true)
                .quoting(quotes != QuoteMode::Plain)
                .from_reader(text.as_bytes());
            for rec in r.records().take(max) {
                match rec {
                    Ok(rec) => out.push(rec.iter().map(str::to_string).collect()),
                    Err(_) => break,
                }
            }
        }
    }
    out
}

/// The delimiter that splits the sample into the most consistent number of fields.
fn guess_delimiter(text: &str, tsv: bool, quotes: QuoteMode) -> Delimiter {
    if tsv {
        return Delimiter::Byte(b'\t');
    }
    let mut best: Option<(f64, usize, Delimiter)> = None;
    let candidates = [
        Delimiter::Byte(b','),
        Delimiter::Byte(b'\t'),
        Delimiter::Byte(b';'),
        Delimiter::Byte(b'|'),
        Delimiter::Whitespace,
    ];
    for d in candidates {
        let recs = sample_records(text, d, 100, quotes);
        if recs.is_empty() {
            continue;
        }
        let mut counts = std::collections::HashMap::new();
        for r in &recs {
            *counts.entry(r.len()).or_insert(0usize) += 1;
        }
        let Some((&width, &n)) = counts.iter().max_by_key(|(w, n)| (**n, **w)) else {
            continue;
        };
        if width < 2 {
            continue;
        }
        let consistency = n as f64 / recs.len() as f64;
        // Whitespace splits prose too: it must be perfectly consistent, and it loses ties.
        if d == Delimiter::Whitespace && consistency < 1.0 {
            continue;
        }
        let score = consistency
            - if d == Delimiter::Whitespace {
                0.05
            } else {
                0.0
            };
        let better = match &best {
            None => true,
            Some((s, w, _)) => score > *s + 1e-9 || ((score - *s).abs() < 1e-9 && width > *w),
        };
        if better {
            best = Some((score, width, d));
        }
    }
    best.map(|b| b.2).unwrap_or(Delimiter::Byte(b','))
}

/// Whether the first record names the columns: in a column whose values are numbers or dates, the
/// first value is not; or the first values are distinct labels that never occur below.
pub fn looks_like_header(sample: &[Vec<String>]) -> bool {
    let Some((first, body)) = sample.split_first() else {
        return true;
    };
    if body.is_empty() {
        return first.iter().all(|v| parse_number(v.trim()).is_none());
    }
    let mut votes = 0i32;
    for (c, name) in first.iter().enumerate() {
        let name = name.trim();
        let mut stats = ColumnStats::default();
        let mut values = Vec::new();
        for (i, r) in body.iter().enumerate() {
            if let Some(v) = r.get(c) {
                stats.observe(v, i as u64 + 2);
                values.push(v.trim());
            }
        }
        let typed_body = stats.non_null > 0 && stats.first_text.is_none()
            || temporal::parse_any(
                values.first().copied().unwrap_or(""),
                temporal::DateFormat::TEXT_MASK,
            )
            .0 != 0;
        let name_typed = name.is_empty()
            || parse_number(name).is_some()
            || temporal::parse_any(name, temporal::DateFormat::TEXT_MASK).0 != 0;
        if typed_body && !name_typed {
            votes += 2;
        } else if typed_body && name_typed {
            votes -= 2;
        } else if values.contains(&name) {
            votes -= 1;
        }
    }
    if votes != 0 {
        return votes > 0;
    }
    // All text: a header has distinct, non-empty names.
    let mut seen = std::collections::HashSet::new();
    first
        .iter()
        .all(|n| !n.trim().is_empty() && seen.insert(n.trim()))
}

fn set_memory_rows(
    file: &mut SniffedFile,
    mut rows: Vec<Vec<String>>,
    opts: &ImportOptions,
) -> Result<()> {
    if rows.is_empty() {
        return Err(ImportError::EmptyFile {
            path: file.path.clone(),
        }
        .into());
    }
    let sample: Vec<Vec<String>> = rows.iter().take(200).cloned().collect();
    file.has_header = match opts.header {
        HeaderChoice::Yes => true,
        HeaderChoice::No => false,
        HeaderChoice::Auto => looks_like_header(&sample),
    };
    if file.has_header {
        file.header = rows.remove(0);
    } else {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        file.header = (1..=width).map(|i| format!("column_{i}")).collect();
    }
    file.memory_rows = Some(Arc::new(rows));
    Ok(())
}

/// Column names made unique and non-empty: blanks become `column_N`, repeats get `_2`, `_3`…
pub fn unique_names(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, n) in raw.iter().enumerate() {
        let base = n.trim().trim_start_matches('\u{FEFF}').to_string();
        let base = if base.is_empty() {
            format!("column_{}", i + 1)
        } else {
            base
        };
        let mut name = base.clone();
        let mut k = 2;
        while out.iter().any(|o| o.eq_ignore_ascii_case(&name)) {
            name = format!("{base}_{k}");
            k += 1;
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn delimiters() {
        assert_eq!(
            guess_delimiter("a,b,c\n1,2,3\n4,5,6\n", false, QuoteMode::Standard),
            Delimiter::Byte(b',')
        );
        assert_eq!(
            guess_delimiter("a;b;c\n1,5;2;3\n4;5;6\n", false, QuoteMode::Standard),
            Delimiter::Byte(b';')
        );
        assert_eq!(
            guess_delimiter("a\tb\n1\t2\n", false, QuoteMode::Standard),
            Delimiter::Byte(b'\t')
        );
        assert_eq!(
            guess_delimiter("a|b\n1|2\n", false, QuoteMode::Standard),
            Delimiter::Byte(b'|')
        );
        assert_eq!(
            guess_delimiter("1 2  3\n4 5 6\n", false, QuoteMode::Standard),
            Delimiter::Whitespace
        );
        // Quoted delimiters do not count.
        assert_eq!(
            guess_delimiter(
                "name,note\n\"a;b\",\"x;y;z\"\nc,d\n",
                false,
                QuoteMode::Standard
            ),
            Delimiter::Byte(b',')
        );
    }

    #[test]
    fn headers() {
        assert!(looks_like_header(&recs(&[
            &["id", "amount"],
            &["1", "2.5"],
            &["2", "3"]
        ])));
        assert!(!looks_like_header(&recs(&[&["1", "2.5"], &["2", "3"]])));
        assert!(looks_like_header(&recs(&[
            &["城市", "人数"],
            &["北京", "3"]
        ])));
        assert!(!looks_like_header(&recs(&[
            &["2010-12-01", "x"],
            &["2010-12-02", "y"]
        ])));
        assert!(looks_like_header(&recs(&[
            &["name", "city"],
            &["Ann", "Paris"],
            &["Bo", "Rome"]
        ])));
        assert!(!looks_like_header(&recs(&[
            &["Ann", "Paris"],
            &["Ann", "Rome"]
        ])));
    }

    #[test]
    fn names_made_unique() {
        let raw: Vec<String> = ["a", "", "A", "a", " b "]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(unique_names(&raw), vec!["a", "column_2", "A_2", "a_3", "b"]);
    }
}
