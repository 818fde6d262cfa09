//! Recommendations written as CSV or XLSX (customer, rank, item, description, score, reason),
//! and the customer ids a command reads from a file.

use super::model::Recommendation;
use crate::error::{Error, Result};
use crate::fsutil::{Format, write_atomic};
use crate::i18n::Lang;
use std::path::Path;

pub const COLUMNS: [&str; 6] = ["customer", "rank", "item", "description", "score", "reason"];

/// The cells of a recommendation, in [`COLUMNS`] order, the reason in `lang`.
pub fn cells(r: &Recommendation, lang: Lang) -> [String; 6] {
    [
        r.customer.clone(),
        r.rank.to_string(),
        r.item.id.clone(),
        r.item.description.clone().unwrap_or_default(),
        format!("{:.6}", r.score),
        r.reason.text(lang),
    ]
}

/// Writes `.csv` or `.xlsx` (by the extension) through a temporary file, so a failed write
/// leaves no half file.
pub fn write_recommendations(rows: &[Recommendation], path: &Path, lang: Lang) -> Result<()> {
    let format = Format::expect(
        path,
        &[Format::Csv, Format::Xlsx],
        "cannot write recommendations to",
    )?;
    write_atomic(path, |tmp| match format {
        Format::Xlsx => write_xlsx(rows, tmp, lang),
        _ => write_csv(rows, tmp, lang),
    })
}

fn write_csv(rows: &[Recommendation], path: &Path, lang: Lang) -> Result<()> {
    let err = |e: csv::Error| Error::Export(format!("cannot write {}: {e}", path.display()));
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(COLUMNS).map_err(err)?;
    for r in rows {
        w.write_record(cells(r, lang)).map_err(err)?;
    }
    w.flush().map_err(|e| Error::io(path, e))
}

fn write_xlsx(rows: &[Recommendation], path: &Path, lang: Lang) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| Error::Export(format!("{}: {e}", path.display()));
    if rows.len() >= 1_048_576 {
        return Err(Error::Export(format!(
            "{} recommendations do not fit in an Excel sheet; write a .csv file",
            rows.len()
        )));
    }
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (j, (h, width)) in COLUMNS
        .iter()
        .zip([12.0, 6.0, 12.0, 40.0, 10.0, 80.0])
        .enumerate()
    {
        sheet
            .write_string_with_format(0, j as u16, *h, &bold)
            .map_err(err)?;
        sheet.set_column_width(j as u16, width).map_err(err)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    for (n, r) in rows.iter().enumerate() {
        let row = (n + 1) as u32;
        // Ids stay text, whatever they look like.
        sheet.write_string(row, 0, &r.customer).map_err(err)?;
        sheet.write_number(row, 1, r.rank as f64).map_err(err)?;
        sheet.write_string(row, 2, &r.item.id).map_err(err)?;
        if let Some(d) = &r.item.description {
            sheet.write_string(row, 3, d).map_err(err)?;
        }
        sheet.write_number(row, 4, r.score).map_err(err)?;
        sheet
            .write_string(row, 5, r.reason.text(lang))
            .map_err(err)?;
    }
    book.save(path).map_err(err)
}

/// Normalises a header name for matching: lower case, letters and digits only.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_customer_header(s: &str) -> bool {
    matches!(
        key(s).as_str(),
        "customer"
            | "customerid"
            | "customerno"
            | "customernumber"
            | "客户"
            | "客户id"
            | "客户编号"
    )
}

/// Customer ids from text: one id per line, or a CSV (comma, tab or semicolon) whose header
/// names a customer column (`customer`, `customer_id`, `CustomerID`, `客户ID` …). Blank lines
/// are skipped; a lone header line `customer_id` is not an id.
pub fn parse_customer_ids(text: &str) -> Result<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .find(|&d| first.as_bytes().contains(&d));
    let Some(delimiter) = delimiter else {
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
            .filter(|&(n, l)| !(n == 0 && is_customer_header(l)))
            .map(|(_, l)| l.trim_matches('"').to_string())
            .collect());
    };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let bad = |e: csv::Error| Error::InvalidArgument(format!("cannot read the customer list: {e}"));
    let headers = r.headers().map_err(bad)?.clone();
    let col = headers.iter().position(is_customer_header).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "the customer list has no customer column (customer, customer_id …); its columns are: {}",
            headers.iter().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let mut ids = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(bad)?;
        if let Some(v) = rec.get(col).map(str::trim).filter(|v| !v.is_empty()) {
            ids.push(v.to_string());
        }
    }
    Ok(ids)
}

/// [`parse_customer_ids`] of a file.
pub fn read_customer_ids(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::InvalidArgument(format!(
            "{} is not UTF-8 text; save the customer list as UTF-8",
            path.display()
        ))
    })?;
    parse_customer_ids(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_lists() {
        assert_eq!(
            parse_customer_ids("17850\n\n 13047 \n").unwrap(),
            ["17850", "13047"]
        );
        assert_eq!(
            parse_customer_ids("CustomerID\n17850\n").unwrap(),
            ["17850"]
        );
        assert_eq!(
            parse_customer_ids("\u{feff}name,customer_id\nAnn,17850\nBo,\nCy,\"12,5\"\n").unwrap(),
            ["17850", "12,5"]
        );
        assert_eq!(
            parse_customer_ids("客户ID\t城市\nc1\t上海\n").unwrap(),
            ["c1"]
        );
        let e = parse_customer_ids("name,city\nAnn,Paris\n").unwrap_err();
        assert!(e.to_string().contains("name, city"), "{e}");
    }
}
