//! Time series from a chart's table: every period from the first to the last (periods with no
//! rows count zero), and trailing moving averages.

use super::spec::Grain;
use super::table::{AggTable, Key};
use chrono::NaiveDate;

/// The values of measure `m` for each period from the table's first to its last, in order;
/// periods the table lacks are zero. Needs a table whose x is a date at a grain, without split.
pub fn complete_series(table: &AggTable, m: usize) -> Vec<(NaiveDate, f64)> {
    let Some(grain) = table.grain else {
        return Vec::new();
    };
    let mut known: Vec<(NaiveDate, f64)> = table
        .rows
        .iter()
        .filter_map(|r| match r.x {
            Key::Date(d) => Some((d, r.values.get(m).copied().flatten().unwrap_or(0.0))),
            _ => None,
        })
        .collect();
    known.sort_by_key(|(d, _)| *d);
    fill(&known, grain)
}

fn fill(known: &[(NaiveDate, f64)], grain: Grain) -> Vec<(NaiveDate, f64)> {
    let (Some(first), Some(last)) = (known.first(), known.last()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut d = first.0;
    let mut i = 0;
    while d <= last.0 {
        let mut v = 0.0;
        while i < known.len() && known[i].0 <= d {
            if known[i].0 == d {
                v += known[i].1;
            }
            i += 1;
        }
        out.push((d, v));
        let next = grain.next(d);
        if next <= d {
            break;
        }
        d = next;
    }
    out
}

/// Trailing moving average over `window` values; `None` until a full window is there.
pub fn moving_average(values: &[f64], window: usize) -> Vec<Option<f64>> {
    let w = window.max(1);
    let mut sum = 0.0;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            sum += v;
            if i >= w {
                sum -= values[i - w];
            }
            (i + 1 >= w).then(|| sum / w as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn gaps_become_zero_periods() {
        let known = vec![(d("2024-01-01"), 5.0), (d("2024-03-01"), 7.0)];
        let s = fill(&known, Grain::Month);
        assert_eq!(
            s,
            vec![
                (d("2024-01-01"), 5.0),
                (d("2024-02-01"), 0.0),
                (d("2024-03-01"), 7.0)
            ]
        );
        let w = fill(
            &[(d("2024-01-01"), 1.0), (d("2024-01-15"), 2.0)],
            Grain::Week,
        );
        assert_eq!(w.len(), 3);
    }

    #[test]
    fn trailing_means() {
        let m = moving_average(&[1.0, 2.0, 3.0, 4.0], 3);
        assert_eq!(m, vec![None, None, Some(2.0), Some(3.0)]);
        assert_eq!(moving_average(&[4.0], 1), vec![Some(4.0)]);
    }
}
