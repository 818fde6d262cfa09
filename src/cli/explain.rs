//! Library errors explained for the terminal: where an error has a remedy on the command line,
//! the message names the flag to use.

use loupe::error::{Error, ImportError};

/// The message to print for `e`.
pub fn explain(e: &Error) -> String {
    match e {
        Error::PassphraseNeeded { path } => format!(
            "{} is encrypted: give its passphrase with --passphrase-env VAR (the name of an environment variable holding it), or run the command in a terminal to be asked for it",
            path.display()
        ),
        Error::NoSuchProject { path } => format!(
            "project {path} does not exist; import a file into it to create it (loupe import FILE --project {path})",
            path = path.display()
        ),
        Error::ReadOnlyProject { path } => format!(
            "{} cannot be written: it is on a read-only file system, or its permissions forbid writing. Loupe can still read it (tables, query, export, backup --to a writable place); to change it, copy it to a writable folder or make it writable.",
            path.display()
        ),
        Error::DatasetExists { name } => format!(
            "a dataset named '{name}' already exists; choose another name with --name, or pass --replace to replace it"
        ),
        Error::Import(i) => explain_import(i).unwrap_or_else(|| e.to_string()),
        Error::JoinMultiplies {
            right,
            key,
            duplicated_keys,
            max_per_key,
            rows_before,
            rows_after,
        } => format!(
            "joining '{right}' on '{key}' would multiply rows: {duplicated_keys} value(s) of '{key}' appear more than once in '{right}' (up to {max_per_key} times), so the join makes {rows_after} rows from {rows_before}. Pass --allow-many if each combination is wanted, or --aggregate sum:COLUMN to sum the right side per key first."
        ),
        _ => e.to_string(),
    }
}

fn explain_import(e: &ImportError) -> Option<String> {
    Some(match e {
        ImportError::WrongEncoding {
            at,
            encoding,
            guess,
            guess_flag,
        } => format!(
            "{at}: the bytes are not valid {encoding}. The file looks like {guess}; import it again with --encoding {guess_flag}."
        ),
        ImportError::Ragged {
            path,
            expected,
            count,
            lines,
            merged,
        } if merged.is_empty() => format!(
            "{}: {count} row(s) do not have the {expected} fields of the header: {lines}. Fix those lines, or import with --ragged pad to keep them with empty cells.",
            path.display()
        ),
        ImportError::Ragged {
            path,
            expected,
            count,
            lines,
            merged,
        } => format!(
            "{}: {count} row(s) do not have the {expected} fields of the header: {lines}. Rows at lines {merged} run over several lines inside quotes: a stray quote may have joined rows there, and padding would keep them joined. Check the quotes on those lines, or import with --quotes plain to read quotes as ordinary characters.",
            path.display()
        ),
        ImportError::RunawayQuote {
            at,
            lines,
            bytes,
            rowlike,
            at_end,
            limited,
        } => format!(
            "{at}: a quote opens a field here that {how}, so the rows after it would be read as one cell. If the quote is a stray character, import again with --quotes plain to read quotes as ordinary characters, or fix that line{long}.",
            how = loupe::error::runaway_how(*at_end, *lines, *bytes, *rowlike),
            long = if *limited && !*at_end {
                "; if the cell really holds that much text, import with --quotes long"
            } else {
                ""
            }
        ),
        ImportError::MixedEncodings {
            path,
            utf8_lines,
            legacy_lines,
            legacy,
            legacy_flag,
        } => format!(
            "{} mixes text encodings: lines {utf8_lines} are UTF-8, lines {legacy_lines} look like {legacy}. Reading the whole file as one encoding would garble the other lines. Import with --encoding mixed to read each line in the encoding it is valid in, or with --encoding {legacy_flag} if the lines that look like UTF-8 are {legacy} too.",
            path.display()
        ),
        ImportError::UndecodableLine { at, fallback } => format!(
            "{at}: the line is neither UTF-8 nor {fallback}. Fix that line, or give the file's encoding with --encoding."
        ),
        ImportError::ColumnsDiffer {
            path,
            first,
            detail,
        } => format!(
            "{} has different columns from {}: {detail}. Files imported together must have the same columns; import it as its own dataset with --name.",
            path.display(),
            first.display()
        ),
        ImportError::NoSuchColumn { column, available } => {
            format!("no column named '{column}' for --role; the columns are: {available}")
        }
        _ => return None,
    })
}

/// The line that says which lines an analysis left out for their order status.
pub fn status_exclusion(x: &loupe::status::StatusExclusion) -> String {
    format!(
        "left out {} line(s) whose order status (column '{}') means cancelled or refunded: {}; --include-cancelled keeps them",
        loupe::i18n::int(x.rows),
        x.column,
        x.values.join(", ")
    )
}

#[cfg(test)]
mod explain_tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn names_the_flags_the_library_leaves_out() {
        let ragged = Error::from(ImportError::Ragged {
            path: PathBuf::from("r.csv"),
            expected: 3,
            count: 2,
            lines: "line 4 has 2".into(),
            merged: String::new(),
        });
        assert!(!ragged.to_string().contains("--"), "{ragged}");
        assert!(explain(&ragged).contains("import with --ragged pad"));
        let exists = Error::DatasetExists { name: "x".into() };
        assert!(!exists.to_string().contains("--"), "{exists}");
        assert!(explain(&exists).contains("--replace"));
        let other = Error::InvalidArgument("plain".into());
        assert_eq!(explain(&other), "plain");
    }
}
