//! Adding files to an imported dataset: its source files are read again together with the new
//! ones, with the decisions the dataset carries (roles, types, personal data, platform preset),
//! and the result replaces it in one transaction, after an automatic backup.
//!
//! Reading the sources again keeps every guarantee of an import (types checked on every value of
//! every file, atomic, cancellable) and gives exactly the dataset an import of all the files
//! together gives. It needs the sources where they were and as they were: a moved or changed
//! source is named with what to do instead.

use super::{HeaderChoice, ImportOptions, ImportReport, PresetChoice, import_files, sha256_file};
use crate::dataset::ColumnType;
use crate::error::{Error, Result};
use crate::progress::Reporter;
use crate::store::Project;
use rusqlite::OptionalExtension;
use std::path::{Path, PathBuf};

/// Adds `files` (of the dataset's columns) to dataset `name`.
pub fn add_files(
    project: &mut Project,
    name: &str,
    files: &[PathBuf],
    rep: &Reporter,
) -> Result<ImportReport> {
    if files.is_empty() {
        return Err(Error::InvalidArgument("no file to add".into()));
    }
    let info = project.dataset(name)?;
    if crate::store::derived::get(project.conn(), name)?.is_some() {
        return Err(Error::InvalidArgument(format!(
            "'{name}' is derived from other datasets (a join or an append); add the files to \
             its inputs and rebuild it (loupe rebuild)"
        )));
    }
    if info.sources.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "'{name}' was not imported from files (it is built by Loupe); import the new files \
             as a dataset of their own"
        )));
    }
    let mut all: Vec<PathBuf> = Vec::with_capacity(info.sources.len() + files.len());
    for s in &info.sources {
        let path = Path::new(&s.path);
        rep.check()?;
        let why = if !path.is_file() {
            Some("is no longer there")
        } else if sha256_file(path)? != s.sha256 {
            Some("has changed since it was imported")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(Error::InvalidArgument(format!(
                "'{name}' was imported from {}, which {why}; adding files reads the dataset's \
                 files again with the new ones. Put the file back as it was, or import all the \
                 files together in place of the dataset (loupe import FILES… --name {name} \
                 --replace)",
                s.path
            )));
        }
        all.push(path.to_path_buf());
    }
    for f in files {
        if info
            .sources
            .iter()
            .any(|s| Path::new(&s.path) == f.as_path())
            || all.iter().skip(info.sources.len()).any(|a| a == f)
        {
            return Err(Error::InvalidArgument(format!(
                "{} is already one of the files of '{name}'; its rows would be counted twice",
                f.display()
            )));
        }
        all.push(f.clone());
    }
    let preset: Option<String> = project
        .conn()
        .query_row(
            "SELECT p.preset FROM _loupe_platforms p JOIN _loupe_datasets d ON d.id = p.dataset_id
             WHERE d.name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    let pii = project.pii_flags(name)?;
    let opts = ImportOptions {
        preset: preset.map_or(PresetChoice::Off, PresetChoice::Named),
        name: Some(name.to_string()),
        header: if info.has_header {
            HeaderChoice::Yes
        } else {
            HeaderChoice::No
        },
        roles: info
            .columns
            .iter()
            .filter_map(|c| c.role.map(|r| (c.name.clone(), r)))
            .collect(),
        no_roles: info
            .columns
            .iter()
            .filter(|c| c.role.is_none())
            .map(|c| c.name.clone())
            .collect(),
        // A text column stays text (ids such as zip codes keep their leading zeros, whether the
        // user chose text or the values were text); other types are read again from every
        // value, so a new file with decimals widens integers as an import of all the files would.
        types: info
            .columns
            .iter()
            .filter(|c| c.ty == ColumnType::Text)
            .map(|c| (c.name.clone(), c.ty))
            .collect(),
        replace: true,
        pii: pii.iter().map(|f| (f.column.clone(), f.action)).collect(),
        ..ImportOptions::default()
    };
    import_files(project, &all, &opts, rep)
}
