//! Errors of the Loupe library. Every message says what went wrong, where, and what to do.
//!
//! The variants hold data, and their messages name no command-line flag or window control: the
//! command line explains an error in its flags (`cli::explain`), the window in its own translated
//! words (`ui::explain`).

use std::path::PathBuf;

/// A location in a source file, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based line of the record in the file, when known.
    pub line: Option<u64>,
    /// Column name, when known.
    pub column: Option<String>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ", column '{col}'")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}", path = .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{path} is not a Loupe project ({why}). Loupe left it untouched; open a .loupe file or give a new file name to create a project.",
        path = .path.display()
    )]
    NotAProject { path: PathBuf, why: String },

    #[error(
        "{path} was written by a newer Loupe (project schema version {found}; this Loupe reads up to {supported}). Loupe left it untouched; update Loupe to open it.",
        path = .path.display()
    )]
    NewerProject {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "{path} is damaged ({detail}). Loupe left it untouched; restore it from a backup.",
        path = .path.display()
    )]
    CorruptProject { path: PathBuf, detail: String },

    #[error(
        "{path} is encrypted and no passphrase was given for it",
        path = .path.display()
    )]
    PassphraseNeeded { path: PathBuf },

    #[error(
        "wrong passphrase for {path}, or not a Loupe project. Loupe left it untouched; try the passphrase again.",
        path = .path.display()
    )]
    WrongPassphrase { path: PathBuf },

    #[error(
        "{path} cannot be written: it is on a read-only file system, or its permissions forbid writing. Loupe can still read it (list its tables, query it, export from it, back it up to a writable place); to change it, copy it to a writable folder or make it writable.",
        path = .path.display()
    )]
    ReadOnlyProject { path: PathBuf },

    #[error(
        "{path}: the disk is full. Loupe left the file as it was. Free about {needed} on the disk that holds it (or choose a file on another disk), then try again.",
        path = .path.display(),
        needed = human_bytes(*.needed)
    )]
    DiskFull {
        /// The file that could not grow.
        path: PathBuf,
        /// Roughly the space the operation needs, in bytes.
        needed: u64,
    },

    #[error("{path}: database error: {source}", path = .path.display())]
    Database {
        /// The project (or backup) the error concerns.
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("project {path} does not exist; import a file into it to create it", path = .path.display())]
    NoSuchProject { path: PathBuf },

    #[error("the project has no dataset named '{name}'{hint}")]
    NoSuchDataset { name: String, hint: String },

    #[error("the project has no saved chart titled '{title}'{hint}")]
    NoSuchChart { title: String, hint: String },

    #[error("a dataset named '{name}' already exists; choose another name, or replace it")]
    DatasetExists { name: String },

    #[error("'{name}' cannot be a dataset name: {why}")]
    BadDatasetName { name: String, why: String },

    #[error("{0}")]
    Import(Box<ImportError>),

    #[error("the query was refused: {0}")]
    QueryRefused(String),

    #[error("the query failed: {0}")]
    Query(String),

    #[error("{0}")]
    Export(String),

    #[error("{0}")]
    InvalidArgument(String),

    /// A warehouse (a linked dataset's engine) failed or refused; the message names the dataset
    /// and the table, says what to do, and holds no password.
    #[error("{0}")]
    Warehouse(String),

    #[error("cannot read the expression `{text}` at character {at}: {message}")]
    Expression {
        text: String,
        /// 1-based character position.
        at: usize,
        message: String,
    },

    #[error("{context}: there is no column '{column}'; the columns are: {available}")]
    NoSuchColumn {
        context: String,
        column: String,
        available: String,
    },

    #[error("recipe step {step} ({description}): {message}")]
    Recipe {
        /// 1-based position of the step in the recipe.
        step: usize,
        description: String,
        message: String,
    },

    #[error("cancelled; the project is as it was before")]
    Cancelled,

    #[error(
        "joining '{right}' on '{key}' would multiply rows: {duplicated_keys} value(s) of '{key}' appear more than once in '{right}' (up to {max_per_key} times), so the join makes {rows_after} rows from {rows_before}. Allow it if each combination is wanted, or sum the right side per key first."
    )]
    JoinMultiplies {
        right: String,
        key: String,
        duplicated_keys: u64,
        max_per_key: u64,
        rows_before: u64,
        rows_after: u64,
    },

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("data engine error: {0}")]
    Polars(#[from] polars::error::PolarsError),
}

/// Import problems. Each names the file, and where it can the line and the column, and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path} is empty: there is nothing to import", path = .path.display())]
    EmptyFile { path: PathBuf },

    #[error("{path} has a header but no data rows", path = .path.display())]
    NoRows { path: PathBuf },

    #[error(
        "{path} looks like a binary file, not text ({what}). If it is a spreadsheet or Parquet file, give it its real extension (.xlsx, .xls, .parquet).",
        path = .path.display()
    )]
    Binary { path: PathBuf, what: String },

    #[error(
        "{at}: the bytes are not valid {encoding}. The file looks like {guess}; import it again as {guess}."
    )]
    WrongEncoding {
        at: Location,
        encoding: String,
        guess: String,
        guess_flag: String,
    },

    #[error(
        "{path}: {count} row(s) do not have the {expected} fields of the header: {lines}. {advice}",
        path = .path.display(),
        advice = ragged_advice(.merged)
    )]
    Ragged {
        path: PathBuf,
        expected: usize,
        count: u64,
        lines: String,
        /// Lines of those rows that run over several lines (a quoted field with line breaks):
        /// a stray quote may have joined rows there, which padding would keep joined.
        merged: String,
    },

    #[error(
        "{at}: a quote opens a field here that {how}, so the rows after it would be read as one cell. If the quote is a stray character, import again reading quotes as plain characters, or fix that line{long}.",
        how = runaway_how(*.at_end, *.lines, *.bytes, *.rowlike),
        long = if *.limited && !*.at_end { "; if the cell really holds that much text, import again allowing long quoted cells" } else { "" }
    )]
    RunawayQuote {
        /// Where the quote opened: file, line and column.
        at: Location,
        /// Lines the field had run over when the read stopped.
        lines: u64,
        /// Bytes the field held when the read stopped.
        bytes: u64,
        /// Lines inside the field that look like whole rows.
        rowlike: u64,
        /// The file ends inside the field.
        at_end: bool,
        /// The stop came from the size limits of standard quotes.
        limited: bool,
    },

    #[error(
        "{path} mixes text encodings: lines {utf8_lines} are UTF-8, lines {legacy_lines} look like {legacy}. Reading the whole file as one encoding would garble the other lines. Import again reading each line in the encoding it is valid in, or as {legacy} throughout if the lines that look like UTF-8 are {legacy} too.",
        path = .path.display()
    )]
    MixedEncodings {
        path: PathBuf,
        utf8_lines: String,
        legacy_lines: String,
        legacy: String,
        legacy_flag: String,
    },

    #[error(
        "{at}: the line is neither UTF-8 nor {fallback}. Fix that line, or import again naming the file's encoding."
    )]
    UndecodableLine { at: Location, fallback: String },

    #[error(
        "{path} changed while it was being imported (size {before} bytes before, {after} after{read}{mtime}). Nothing was imported. Import it again when the program writing it has finished, or import a copy.",
        path = .path.display(),
        read = .read.map(|r| format!("; {r} bytes read")).unwrap_or_default(),
        mtime = if *.mtime_changed { "; its modification time changed" } else { "" }
    )]
    FileChanged {
        path: PathBuf,
        /// Its size when the import began, and now.
        before: u64,
        after: u64,
        /// The bytes read, when the read reached the end.
        read: Option<u64>,
        mtime_changed: bool,
    },

    #[error(
        "{path} has {count} columns, but a dataset holds at most {limit} (SQLite's column limit). Split the file into files of at most {limit} columns (repeat the id column in each) and import each as its own dataset, or remove the columns you do not need before importing.",
        path = .path.display()
    )]
    TooManyColumns {
        path: PathBuf,
        count: usize,
        limit: usize,
    },

    #[error(
        "{path} has different columns from {first}: {detail}. Files imported together must have the same columns; import it as a dataset of its own.",
        path = .path.display(),
        first = .first.display()
    )]
    ColumnsDiffer {
        path: PathBuf,
        first: PathBuf,
        detail: String,
    },

    #[error("{at}: {message}")]
    Parse { at: Location, message: String },

    #[error("{path}: cannot read the spreadsheet ({detail}). Check that the file is a complete .xlsx/.xls file; open and re-save it in Excel if it was cut short.", path = .path.display())]
    Spreadsheet { path: PathBuf, detail: String },

    #[error("{path} has no sheet named '{sheet}'; its sheets are: {available}", path = .path.display())]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },

    #[error("{path}: cannot read the Parquet file ({detail})", path = .path.display())]
    Parquet { path: PathBuf, detail: String },

    #[error(
        "{at}: invalid JSON ({detail}). Each line of an NDJSON file must be one JSON object; a .json file must hold an array of objects."
    )]
    Json { at: Location, detail: String },

    #[error("{path}: unsupported file type '{ext}'. Loupe imports .csv .tsv .txt .xlsx .xls .parquet .json .ndjson .jsonl", path = .path.display())]
    UnsupportedFormat { path: PathBuf, ext: String },

    #[error("no column named '{column}' to give a role; the columns are: {available}")]
    NoSuchColumn { column: String, available: String },

    #[error(
        "'{0}' is not a role; the roles are: customer_id, order_id, timestamp, amount, quantity, unit_price, item_id, item_name, category, channel, campaign, event_type, cost, cost_per_contact, spend, start_date, end_date, opened, clicked, arm, conversion, visit"
    )]
    UnknownRole(String),
}

fn ragged_advice(merged: &str) -> String {
    if merged.is_empty() {
        "Fix those lines, or import them padded with empty cells.".into()
    } else {
        format!(
            "Rows at lines {merged} run over several lines inside quotes: a stray quote may have joined rows there, and padding would keep them joined. Check the quotes on those lines, or import again reading quotes as plain characters."
        )
    }
}

/// How a runaway quoted field ran on, for messages: it never closes, or ran over many lines.
pub fn runaway_how(at_end: bool, lines: u64, bytes: u64, rowlike: u64) -> String {
    if at_end {
        format!("never closes (it runs to the end of the file, over {lines} lines)")
    } else if rowlike >= crate::import::quotes::MAX_ROWLIKE_LINES {
        format!("runs over {lines} lines, {rowlike} of which look like rows of their own")
    } else {
        format!("runs over {lines} lines ({bytes} bytes) without closing")
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<ImportError> for Error {
    fn from(e: ImportError) -> Self {
        Error::Import(Box::new(e))
    }
}

/// Bytes for messages: `512 bytes`, `3.2 MB`, `1.5 GB`.
fn human_bytes(b: u64) -> String {
    const MB: f64 = 1_000_000.0;
    match b {
        0..1_000_000 => format!("{} KB", b.div_ceil(1000).max(1)),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b as f64 / MB),
        _ => format!("{:.1} GB", b as f64 / (1000.0 * MB)),
    }
}

impl Error {
    /// Names the file a bare database error concerns: a full disk becomes [`Error::DiskFull`]
    /// (needing about `needed` bytes, or the file's own size when `None`), any other becomes
    /// [`Error::Database`]. Other errors are returned as they are.
    pub fn in_file(self, path: &std::path::Path, needed: Option<u64>) -> Self {
        match self {
            Error::Sqlite(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) => {
                Error::DiskFull {
                    path: path.to_path_buf(),
                    needed: needed
                        .unwrap_or_else(|| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)),
                }
            }
            Error::Sqlite(e) => Error::Database {
                path: path.to_path_buf(),
                source: e,
            },
            Error::Io { path: file, source }
                if source.kind() == std::io::ErrorKind::StorageFull =>
            {
                Error::DiskFull {
                    needed: needed
                        .unwrap_or_else(|| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)),
                    path: file,
                }
            }
            other => other,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
