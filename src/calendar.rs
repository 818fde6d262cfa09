//! Proleptic Gregorian dates as days since 1970-01-01 (Howard Hinnant's algorithms), and the
//! start of the week, month, quarter or year holding a day: plain integer arithmetic, for code
//! that handles millions of dates.

/// The days since 1970-01-01 of year `y`, month `m` (1–12), day `d`.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year, month (1–12) and day of `z` days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A calendar period a day falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    /// Weeks start on Monday.
    Week,
    Month,
    Quarter,
    Year,
}

/// The first day of the `period` holding day `z`.
pub fn period_start(z: i64, period: Period) -> i64 {
    match period {
        Period::Day => z,
        // 1970-01-01 was a Thursday: three days after a Monday.
        Period::Week => z - (z + 3).rem_euclid(7),
        Period::Month | Period::Quarter | Period::Year => {
            let (y, m, _) = civil_from_days(z);
            let m = match period {
                Period::Month => i64::from(m),
                Period::Quarter => (i64::from(m) - 1) / 3 * 3 + 1,
                _ => 1,
            };
            days_from_civil(y, m, 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};

    #[test]
    fn agrees_with_chrono_from_1600_to_2400() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let days = |d: NaiveDate| (d - epoch).num_days();
        let mut d = NaiveDate::from_ymd_opt(1600, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2400, 12, 31).unwrap();
        while d <= end {
            let z = days(d);
            assert_eq!(
                civil_from_days(z),
                (i64::from(d.year()), d.month(), d.day())
            );
            assert_eq!(
                days_from_civil(
                    i64::from(d.year()),
                    i64::from(d.month()),
                    i64::from(d.day())
                ),
                z
            );
            let monday = d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
            let first = |m: u32| NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap();
            assert_eq!(period_start(z, Period::Day), z);
            assert_eq!(period_start(z, Period::Week), days(monday), "{d}");
            assert_eq!(period_start(z, Period::Month), days(first(d.month())));
            assert_eq!(
                period_start(z, Period::Quarter),
                days(first((d.month() - 1) / 3 * 3 + 1))
            );
            assert_eq!(period_start(z, Period::Year), days(first(1)));
            d = d.succ_opt().unwrap();
        }
    }
}
