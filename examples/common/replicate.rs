//! Online Retail replicated N times (shared by `replicate_retail` and `bench_scale`).
//!
//! Copy 0 is the data as it is; copy k (k ≥ 1) gives every invoice and every customer a new id:
//! invoice `536365` becomes `536365` + k × 1,000,000 (a cancellation keeps its `C` prefix) and
//! customer `17850.0` becomes `17850.0` + k × 100,000 (written the same way, with `.0`); a
//! missing customer stays missing. Everything else (items, dates, prices, countries) is copied,
//! so N copies hold N times the lines, invoices and customers, over the same dates.

use std::io::BufWriter;
use std::path::Path;

pub type Error = Box<dyn std::error::Error>;

pub fn shifted_invoice(id: &[u8], k: u64) -> Vec<u8> {
    let (prefix, digits) = match id.first() {
        Some(c) if c.is_ascii_alphabetic() => id.split_at(1),
        _ => id.split_at(0),
    };
    match std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse::<u64>().ok())
    {
        Some(n) => {
            let mut out = prefix.to_vec();
            out.extend_from_slice((n + k * 1_000_000).to_string().as_bytes());
            out
        }
        // Not a number: a suffix keeps copies apart.
        None => [id, format!("-{k}").as_bytes()].concat(),
    }
}

pub fn shifted_customer(id: &[u8], k: u64) -> Vec<u8> {
    if id.is_empty() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(id);
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    match whole.parse::<u64>() {
        Ok(n) if frac.is_empty() => (n + k * 100_000).to_string().into_bytes(),
        Ok(n) => format!("{}.{frac}", n + k * 100_000).into_bytes(),
        Err(_) => format!("{text}-{k}").into_bytes(),
    }
}

/// Writes `n` copies of the Online Retail CSV (gzip) at `src` to `out`; returns the lines written.
pub fn replicate(src: &Path, n: u64, out: &Path) -> Result<u64, Error> {
    let bytes = std::fs::read(src).map_err(|e| format!("{}: {e}", src.display()))?;
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)?;
    let mut reader = csv::ReaderBuilder::new().from_reader(&text[..]);
    let header = reader.byte_headers()?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name.as_bytes())
            .ok_or_else(|| format!("{} has no column {name}", src.display()))
    };
    let (invoice, customer) = (col("InvoiceNo")?, col("CustomerID")?);
    let records: Vec<csv::ByteRecord> = reader.byte_records().collect::<Result<_, _>>()?;
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::new(std::fs::File::create(out)?));
    w.write_byte_record(&header)?;
    for k in 0..n {
        for r in &records {
            if k == 0 {
                w.write_byte_record(r)?;
                continue;
            }
            let row: Vec<Vec<u8>> = r
                .iter()
                .enumerate()
                .map(|(j, v)| match j {
                    j if j == invoice => shifted_invoice(v, k),
                    j if j == customer => shifted_customer(v, k),
                    _ => v.to_vec(),
                })
                .collect();
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(records.len() as u64 * n)
}

/// The shared Online Retail file beside the repository.
pub fn default_source() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/online_retail.csv.gz")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_move_per_copy() {
        assert_eq!(shifted_invoice(b"536365", 2), b"2536365");
        assert_eq!(shifted_invoice(b"C536379", 1), b"C1536379");
        assert_eq!(shifted_invoice(b"A563185", 1), b"A1563185");
        assert_eq!(shifted_customer(b"17850.0", 3), b"317850.0");
        assert_eq!(shifted_customer(b"", 3), b"");
    }
}
