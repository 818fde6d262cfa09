//! Numbers for people, in the command line and the window alike: thousands separators, sensible
//! decimals, compact axis ticks, money, percents, byte counts and dates. They read the same in
//! English and Chinese; words that differ by language (durations, enum labels) live in
//! [`crate::i18n`].

/// `1234567.891` → `1,234,567.89`; integers without decimals; small numbers with up to four
/// significant decimals (`0.0123`).
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    let decimals = if a == a.trunc() && a < 1e15 {
        0
    } else if a >= 1.0 {
        2
    } else if a == 0.0 {
        0
    } else {
        // Enough decimals for two significant digits, at most 6.
        ((-a.log10()).floor() as usize + 2).min(6)
    };
    let text = format!("{:.*}", decimals, a);
    let (int_part, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), f.trim_end_matches('0').to_string()),
        None => (text, String::new()),
    };
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && (grouped != "0" || !frac.is_empty()) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// How many decimals a column of numbers needs so that its values line up: none when every value
/// is whole, else the most any value needs as [`number`] writes it (two for values of 1 or more).
pub fn column_decimals<'a>(values: impl IntoIterator<Item = &'a f64>) -> usize {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .map(|v| {
            let a = v.abs();
            if a == a.trunc() {
                0
            } else if a >= 1.0 {
                2
            } else {
                ((-a.log10()).floor() as usize + 2).min(6)
            }
        })
        .max()
        .unwrap_or(0)
}

/// A number with exactly `decimals` decimals and thousands separators (`1,234.50`), for a column
/// whose decimals [`column_decimals`] chose.
pub fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let text = format!("{:.*}", decimals, v.abs());
    let (int_part, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let grouped: String = match int_part.parse::<u64>() {
        Ok(n) => int(n),
        Err(_) => int_part.to_string(),
    };
    let zero = text.chars().all(|c| c == '0' || c == '.');
    let sign = if v < 0.0 && !zero { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// Axis ticks: `1.2K`, `3.45M`, `2B`; below 1,000 as [`number`].
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let (div, suffix) = if a >= 1e9 {
        (1e9, "B")
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e4 {
        (1e3, "K")
    } else {
        return number(v);
    };
    let x = v / div;
    let text = if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{suffix}")
}

/// A fraction as a percent: `0.4567` → `45.7%`.
pub fn percent(v: f64) -> String {
    let p = v * 100.0;
    if p.abs() >= 10.0 || p == 0.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

/// An integer with thousands separators: `541,909`.
pub fn int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A byte count for people: `512 B`, `3.4 MB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut x = n as f64;
    let mut u = 0;
    while x >= 1000.0 && u + 1 < UNITS.len() {
        x /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{x:.1} {}", UNITS[u])
    }
}

/// A money amount: two decimals with thousands separators (`-1,234.50`).
pub fn money(x: f64) -> String {
    let sign = if x < 0.0 && (x * 100.0).round() != 0.0 {
        "-"
    } else {
        ""
    };
    let cents = (x.abs() * 100.0).round() as u64;
    format!("{sign}{}.{:02}", int(cents / 100), cents % 100)
}

/// The dash that stands for a missing value in a table.
pub const MISSING: &str = "—";

/// [`number`], or [`MISSING`] for none.
pub fn opt_number(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.into(), number)
}

/// [`percent`], or [`MISSING`] for none.
pub fn opt_percent(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.into(), percent)
}

/// A day counted from 1970-01-01 as `YYYY-MM-DD` (the number itself when out of range).
pub fn day_text(day: i64) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::Duration::days(day)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_of_numbers_shares_its_decimals() {
        let col = [169.2, 3030.0, 12.345];
        let d = column_decimals(&col);
        assert_eq!(d, 2);
        let shown: Vec<String> = col.iter().map(|v| fixed(*v, d)).collect();
        assert_eq!(shown, ["169.20", "3,030.00", "12.35"]);
        assert_eq!(column_decimals(&[1.0, 20.0]), 0);
        assert_eq!(fixed(-1234.0, 0), "-1,234");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(column_decimals(&[0.0123, 5.0]), 3);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(1_234_567.891), "1,234,567.89");
        assert_eq!(number(-1234.0), "-1,234");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(0.012_345), "0.012");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(999.999), "1,000");
        assert_eq!(compact(1_234.0), "1,234");
        assert_eq!(compact(12_345.0), "12.3K");
        assert_eq!(compact(8_900_000.0), "8.9M");
        assert_eq!(compact(-250_000.0), "-250K");
        assert_eq!(compact(2e9), "2B");
        assert_eq!(percent(0.4567), "45.7%");
        assert_eq!(percent(0.0123), "1.23%");
        assert_eq!(money(-1234.5), "-1,234.50");
        assert_eq!(money(0.004), "0.00");
        assert_eq!(money(-0.001), "0.00");
        assert_eq!(opt_number(None), "—");
        assert_eq!(opt_percent(Some(0.5)), "50.0%");
        assert_eq!(day_text(0), "1970-01-01");
        assert_eq!(day_text(15_000), "2011-01-26");
    }
}
