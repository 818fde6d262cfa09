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
        "{path}: {count} row(s) do not have the {expected} fields of the header: {lines}. Fix those lines, or import them padded with empty cells.",
        path = .path.display()
    )]
    Ragged {
        path: PathBuf,
        expected: usize,
        count: u64,
        lines: String,
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

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<ImportError> for Error {
    fn from(e: ImportError) -> Self {
        Error::Import(Box::new(e))
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
