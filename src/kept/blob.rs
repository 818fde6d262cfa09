//! Frames as compressed Parquet bytes, for the parts of kept entries.

use crate::Result;
use polars::prelude::*;
use std::io::Cursor;

/// `df` as Parquet bytes (zstd).
pub fn to_bytes(df: &mut DataFrame) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::empty())
        .finish(df)?;
    Ok(out)
}

/// The frame of Parquet bytes written by [`to_bytes`].
pub fn from_bytes(bytes: &[u8]) -> Result<DataFrame> {
    Ok(ParquetReader::new(Cursor::new(bytes)).finish()?)
}

/// One text column of a frame read back, `None` for missing values.
pub fn texts(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|s| s.map(str::to_string))
        .collect())
}

/// One `u32` column of a frame read back (missing as 0, which [`to_bytes`] never writes).
pub fn u32s(df: &DataFrame, name: &str) -> Result<Vec<u32>> {
    Ok(df
        .column(name)?
        .u32()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let mut df = df!(
            "a" => [Some("x"), None, Some("")],
            "b" => [1u32, 2, u32::MAX],
            "c" => [Some(1.5f64), None, Some(-0.0)],
        )
        .unwrap();
        let back = from_bytes(&to_bytes(&mut df).unwrap()).unwrap();
        assert!(back.equals_missing(&df));
        assert_eq!(u32s(&back, "b").unwrap(), vec![1, 2, u32::MAX]);
        assert_eq!(
            texts(&back, "a").unwrap(),
            vec![Some("x".into()), None, Some(String::new())]
        );
    }
}
