//! Spreadsheets, Parquet and JSON, read as rows of text so that one inference serves every format.

use super::temporal;
use crate::error::{ImportError, Location, Result};
use calamine::{Data, Reader};
use std::io::BufRead;
use std::path::Path;

/// The rows of a worksheet (the first sheet unless one is named), as text.
pub fn read_excel(path: &Path, sheet: Option<&str>) -> Result<Vec<Vec<String>>> {
    let bad = |detail: String| ImportError::Spreadsheet {
        path: path.to_path_buf(),
        detail,
    };
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| bad(e.to_string()))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(s)))
            .cloned()
            .ok_or_else(|| ImportError::NoSuchSheet {
                path: path.to_path_buf(),
                sheet: s.to_string(),
                available: names.join(", "),
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| bad("the workbook has no sheets".into()))?,
    };
    let range = wb.worksheet_range(&name).map_err(|e| bad(e.to_string()))?;
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    // Trailing empty rows and columns are formatting, not data.
    while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
        rows.pop();
    }
    let width = rows
        .iter()
        .map(|r| r.iter().rposition(|c| !c.is_empty()).map_or(0, |p| p + 1))
        .max()
        .unwrap_or(0);
    for r in &mut rows {
        r.truncate(width);
        r.resize(width, String::new());
    }
    Ok(rows)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_serial_text(dt.as_f64(), dt.is_datetime()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Excel stores every number as a double: `17850` comes back as 17850.0. Whole numbers are written
/// without a fraction, so identifiers read as they were typed.
pub fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An Excel serial date (days since 1899-12-30) as ISO text.
fn excel_serial_text(serial: f64, is_datetime: bool) -> String {
    if !is_datetime {
        return number_text(serial);
    }
    let Some(epoch) = chrono::NaiveDate::from_ymd_opt(1899, 12, 30) else {
        return number_text(serial);
    };
    let days = serial.floor();
    let millis = ((serial - days) * 86_400_000.0).round() as i64;
    let at = epoch.and_time(chrono::NaiveTime::MIN)
        + chrono::Duration::days(days as i64)
        + chrono::Duration::milliseconds(millis);
    let mut out = String::new();
    if millis == 0 {
        temporal::format_date(at, &mut out);
    } else {
        temporal::format_datetime(at, &mut out);
    }
    out
}

/// The columns and rows of a Parquet file, as text.
pub fn read_parquet(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    use polars::prelude::*;
    let bad = |detail: String| ImportError::Parquet {
        path: path.to_path_buf(),
        detail,
    };
    let f = std::fs::File::open(path).map_err(|e| crate::error::Error::io(path, e))?;
    let df = ParquetReader::new(f)
        .finish()
        .map_err(|e| bad(e.to_string()))?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut rows = vec![Vec::with_capacity(header.len()); df.height()];
    for col in df.columns() {
        let as_text = col
            .cast(&DataType::String)
            .map_err(|e| bad(format!("column '{}': {e}", col.name())))?;
        let ca = as_text.str().map_err(|e| bad(e.to_string()))?;
        for (i, row) in rows.iter_mut().enumerate() {
            row.push(ca.get(i).unwrap_or("").to_string());
        }
    }
    Ok((header, rows))
}

/// The keys and rows of a JSON array of objects, or of an NDJSON file (one object a line).
pub fn read_json(path: &Path, ndjson: bool) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let objects = if ndjson {
        read_ndjson_objects(path)?
    } else {
        read_json_array(path)?
    };
    let mut keys: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (_, o) in &objects {
        for k in o.keys() {
            if !index.contains_key(k) {
                index.insert(k.clone(), keys.len());
                keys.push(k.clone());
            }
        }
    }
    let rows = objects
        .into_iter()
        .map(|(_, o)| {
            let mut row = vec![String::new(); keys.len()];
            for (k, v) in o {
                if let Some(&i) = index.get(&k) {
                    row[i] = json_text(v);
                }
            }
            row
        })
        .collect();
    Ok((keys, rows))
}

type Object = serde_json::Map<String, serde_json::Value>;

fn json_text(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn read_ndjson_objects(path: &Path) -> Result<Vec<(u64, Object)>> {
    let encoding =
        super::encoding::detect(&super::source::read_head(path, 4096)?, Default::default());
    let reader = super::encoding::utf8_reader(
        super::source::open_bytes(path, &Default::default())?,
        encoding,
        &Default::default(),
    );
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(reader).lines().enumerate() {
        let line_no = i as u64 + 1;
        let at = || Location {
            path: path.to_path_buf(),
            line: Some(line_no),
            column: None,
        };
        let line = line.map_err(|e| ImportError::Json {
            at: at(),
            detail: e.to_string(),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(o)) => out.push((line_no, o)),
            Ok(_) => {
                return Err(ImportError::Json {
                    at: at(),
                    detail: "the line is not a JSON object".into(),
                }
                .into());
            }
            Err(e) => {
                return Err(ImportError::Json {
                    at: at(),
                    detail: e.to_string(),
                }
                .into());
            }
        }
    }
    Ok(out)
}

fn read_json_array(path: &Path) -> Result<Vec<(u64, Object)>> {
    let text = std::fs::read(path).map_err(|e| crate::error::Error::io(path, e))?;
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let value: serde_json::Value = serde_json::from_slice(text).map_err(|e| ImportError::Json {
        at: Location {
            path: path.to_path_buf(),
            line: Some(e.line() as u64),
            column: None,
        },
        detail: e.to_string(),
    })?;
    let not_table = || ImportError::Json {
        at: Location {
            path: path.to_path_buf(),
            line: None,
            column: None,
        },
        detail: "expected an array of objects".into(),
    };
    let array = match value {
        serde_json::Value::Array(a) => a,
        // `{"data": [ … ]}`: the one array inside.
        serde_json::Value::Object(o) => {
            let mut arrays = o.into_iter().filter_map(|(_, v)| match v {
                serde_json::Value::Array(a) => Some(a),
                _ => None,
            });
            match (arrays.next(), arrays.next()) {
                (Some(a), None) => a,
                _ => return Err(not_table().into()),
            }
        }
        _ => return Err(not_table().into()),
    };
    array
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            serde_json::Value::Object(o) => Ok((i as u64 + 1, o)),
            _ => Err(ImportError::Json {
                at: Location {
                    path: path.to_path_buf(),
                    line: None,
                    column: Some(format!("element {}", i + 1)),
                },
                detail: "the element is not an object".into(),
            }
            .into()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_numbers_and_dates() {
        assert_eq!(number_text(17850.0), "17850");
        assert_eq!(number_text(2.55), "2.55");
        assert_eq!(excel_serial_text(40513.0, true), "2010-12-01");
        assert_eq!(
            excel_serial_text(40513.35138888889, true),
            "2010-12-01 08:26:00"
        );
    }
}
