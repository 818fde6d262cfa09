//! Dates and times as shop systems export them.
//!
//! Each format is a bit in a mask; type inference narrows the mask value by value, so a column is a
//! date column when one format reads every value. Values are stored as ISO text
//! (`2010-12-01 08:26:00`), which sorts and works with SQLite's date functions.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateFormat {
    /// `2010-12-01`, `2010-12-01 08:26:00`, `2010-12-01T08:26:00Z`, `2010-1-5 8:26`
    Iso,
    /// `2010/12/01`, `2010/12/1 8:26`, `2010.12.01`
    YmdSlash,
    /// `12/1/2010 8:26` (month first, as in US exports)
    Mdy,
    /// `1/12/2010 8:26`, `01.12.2010` (day first)
    Dmy,
    /// `2010年12月1日`, `2010年12月1日 8:26`, `2010年12月1日 8时26分`
    Chinese,
    /// `20101201`, only where the column is known to hold times
    Compact,
    /// `20101201082600`, only where the column is known to hold times
    CompactDateTime,
}

impl DateFormat {
    pub const ALL: [DateFormat; 7] = [
        DateFormat::Iso,
        DateFormat::YmdSlash,
        DateFormat::Chinese,
        DateFormat::Mdy,
        DateFormat::Dmy,
        DateFormat::Compact,
        DateFormat::CompactDateTime,
    ];

    pub const fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The formats that need a column known to hold times (by name or role) before Loupe reads a
    /// number as a date.
    pub const NUMERIC_MASK: u16 = DateFormat::Compact.bit() | DateFormat::CompactDateTime.bit();
    pub const TEXT_MASK: u16 = DateFormat::Iso.bit()
        | DateFormat::YmdSlash.bit()
        | DateFormat::Mdy.bit()
        | DateFormat::Dmy.bit()
        | DateFormat::Chinese.bit();

    pub fn describe(self) -> &'static str {
        match self {
            DateFormat::Iso => "year-month-day",
            DateFormat::YmdSlash => "year/month/day",
            DateFormat::Mdy => "month/day/year",
            DateFormat::Dmy => "day/month/year",
            DateFormat::Chinese => "年月日",
            DateFormat::Compact => "yyyymmdd",
            DateFormat::CompactDateTime => "yyyymmddhhmmss",
        }
    }
}

/// The preferred format among those that read every value of a column.
pub fn pick(mask: u16) -> Option<DateFormat> {
    DateFormat::ALL.into_iter().find(|f| mask & f.bit() != 0)
}

/// A parsed value; `has_time` says whether the text had a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub at: NaiveDateTime,
    pub has_time: bool,
}

/// The formats in `mask` that read `s`, and the value (read with the first of them that does).
pub fn parse_any(s: &str, mask: u16) -> (u16, Option<Parsed>) {
    let mut ok = 0u16;
    let mut first = None;
    for f in DateFormat::ALL {
        if mask & f.bit() == 0 {
            continue;
        }
        if let Some(p) = parse(s, f) {
            ok |= f.bit();
            first.get_or_insert(p);
        }
    }
    (ok, first)
}

/// Reads `s` in format `f`.
pub fn parse(s: &str, f: DateFormat) -> Option<Parsed> {
    let b = s.trim().as_bytes();
    let mut c = Cursor { b, i: 0 };
    let date = match f {
        DateFormat::Iso => {
            let y = c.digits(4, 4)?;
            c.eat(b'-')?;
            let m = c.digits(1, 2)?;
            c.eat(b'-')?;
            let d = c.digits(1, 2)?;
            ymd(y, m, d)?
        }
        DateFormat::YmdSlash => {
            let y = c.digits(4, 4)?;
            let sep = c.one_of(b"/.")?;
            let m = c.digits(1, 2)?;
            c.eat(sep)?;
            let d = c.digits(1, 2)?;
            ymd(y, m, d)?
        }
        DateFormat::Mdy => {
            let m = c.digits(1, 2)?;
            c.eat(b'/')?;
            let d = c.digits(1, 2)?;
            c.eat(b'/')?;
            let y = c.digits(4, 4)?;
            ymd(y, m, d)?
        }
        DateFormat::Dmy => {
            let d = c.digits(1, 2)?;
            let sep = c.one_of(b"/.-")?;
            let m = c.digits(1, 2)?;
            c.eat(sep)?;
            let y = c.digits(4, 4)?;
            ymd(y, m, d)?
        }
        DateFormat::Chinese => {
            let y = c.digits(4, 4)?;
            c.tag("年")?;
            let m = c.digits(1, 2)?;
            c.tag("月")?;
            let d = c.digits(1, 2)?;
            c.tag("日").or_else(|| c.tag("号"))?;
            ymd(y, m, d)?
        }
        DateFormat::Compact | DateFormat::CompactDateTime => {
            let want = if f == DateFormat::Compact { 8 } else { 14 };
            if b.len() != want || !b.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let y = c.digits(4, 4)?;
            let m = c.digits(2, 2)?;
            let d = c.digits(2, 2)?;
            if !(1900..=2100).contains(&y) {
                return None;
            }
            let date = ymd(y, m, d)?;
            if f == DateFormat::Compact {
                return Some(Parsed {
                    at: date.and_time(NaiveTime::MIN),
                    has_time: false,
                });
            }
            let hh = c.digits(2, 2)?;
            let mi = c.digits(2, 2)?;
            let ss = c.digits(2, 2)?;
            let t = NaiveTime::from_hms_opt(hh, mi, ss)?;
            return Some(Parsed {
                at: date.and_time(t),
                has_time: true,
            });
        }
    };
    if c.done() {
        return Some(Parsed {
            at: date.and_time(NaiveTime::MIN),
            has_time: false,
        });
    }
    let at = c.time_tail(date, f == DateFormat::Chinese)?;
    Some(Parsed { at, has_time: true })
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, ch: u8) -> Option<()> {
        (self.peek()? == ch).then(|| self.i += 1)
    }
    fn one_of(&mut self, set: &[u8]) -> Option<u8> {
        let ch = self.peek()?;
        set.contains(&ch).then(|| {
            self.i += 1;
            ch
        })
    }
    fn tag(&mut self, t: &str) -> Option<()> {
        self.b[self.i..]
            .starts_with(t.as_bytes())
            .then(|| self.i += t.len())
    }
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v = 0u32;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            v = v * 10 + (self.b[self.i] - b'0') as u32;
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }
    fn spaces(&mut self) -> usize {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i - start
    }

    /// ` 8:26`, `T08:26:00.123Z`, ` 8:26 PM`, ` 08:26:00+08:00`, ` 8时26分30秒`
    fn time_tail(&mut self, date: NaiveDate, chinese: bool) -> Option<NaiveDateTime> {
        if self.eat(b'T').is_none() && self.spaces() == 0 && !chinese {
            return None;
        }
        let h = self.digits(1, 2)?;
        let cn_time = chinese && self.tag("时").is_some();
        if !cn_time {
            self.eat(b':')?;
        }
        let mi = self
            .digits(2, 2)
            .or_else(|| cn_time.then(|| self.digits(1, 2)).flatten())?;
        let mut s = 0;
        let mut nanos = 0u32;
        if cn_time {
            self.tag("分")?;
            if let Some(v) = self.digits(1, 2) {
                s = v;
                self.tag("秒")?;
            }
        } else if self.eat(b':').is_some() {
            s = self.digits(2, 2)?;
            if self.eat(b'.').is_some() || self.eat(b',').is_some() {
                let start = self.i;
                let frac = self.digits(1, 9)?;
                let n = self.i - start;
                nanos = frac * 10u32.pow(9 - n as u32);
            }
        }
        let mut hour = h;
        self.spaces();
        let rest = &self.b[self.i..];
        let ampm = [("AM", false), ("am", false), ("PM", true), ("pm", true)]
            .into_iter()
            .find(|(t, _)| rest.starts_with(t.as_bytes()));
        if let Some((t, pm)) = ampm {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour = match (hour, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
            self.i += t.len();
        }
        let time = NaiveTime::from_hms_nano_opt(hour, mi, s, nanos)?;
        let mut at = date.and_time(time);
        // A zone: convert to UTC.
        if self.eat(b'Z').is_some() {
        } else if let Some(sign) = self.one_of(b"+-") {
            let oh = self.digits(2, 2)?;
            self.eat(b':');
            let om = self.digits(2, 2).unwrap_or(0);
            let offset = chrono::Duration::minutes((oh * 60 + om) as i64);
            at = if sign == b'+' {
                at - offset
            } else {
                at + offset
            };
        }
        self.done().then_some(at)
    }
}

/// Unix seconds or milliseconds, read from an integer in a column known to hold times.
pub fn from_unix(v: i64, millis: bool) -> Option<NaiveDateTime> {
    let dt = if millis {
        chrono::DateTime::from_timestamp_millis(v)?
    } else {
        chrono::DateTime::from_timestamp(v, 0)?
    };
    let y = dt.year();
    (1990..=2100).contains(&y).then(|| dt.naive_utc())
}

fn push_digits(out: &mut String, v: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut v = v;
    for i in (0..width).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[..width]).unwrap_or("0"));
}

/// Writes a date as `YYYY-MM-DD`.
pub fn format_date(at: NaiveDateTime, out: &mut String) {
    push_digits(out, at.year().clamp(0, 9999) as u32, 4);
    out.push('-');
    push_digits(out, at.month(), 2);
    out.push('-');
    push_digits(out, at.day(), 2);
}

/// Writes a date and time as `YYYY-MM-DD HH:MM:SS`, with fractional seconds only when present.
pub fn format_datetime(at: NaiveDateTime, out: &mut String) {
    format_date(at, out);
    out.push(' ');
    push_digits(out, at.hour(), 2);
    out.push(':');
    push_digits(out, at.minute(), 2);
    out.push(':');
    push_digits(out, at.second(), 2);
    let n = at.nanosecond();
    if n != 0 {
        out.push('.');
        if n.is_multiple_of(1_000_000) {
            push_digits(out, n / 1_000_000, 3);
        } else if n.is_multiple_of(1000) {
            push_digits(out, n / 1000, 6);
        } else {
            push_digits(out, n, 9);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str, f: DateFormat) -> Option<String> {
        parse(s, f).map(|p| {
            let mut o = String::new();
            if p.has_time {
                format_datetime(p.at, &mut o)
            } else {
                format_date(p.at, &mut o)
            }
            o
        })
    }

    #[test]
    fn formats_seen_in_exports() {
        use DateFormat::*;
        assert_eq!(
            dt("2010-12-01 08:26:00", Iso).unwrap(),
            "2010-12-01 08:26:00"
        );
        assert_eq!(
            dt("2010-12-01T08:26:00Z", Iso).unwrap(),
            "2010-12-01 08:26:00"
        );
        assert_eq!(
            dt("2010-12-01T08:26:00+08:00", Iso).unwrap(),
            "2010-12-01 00:26:00"
        );
        assert_eq!(dt("2010-1-5", Iso).unwrap(), "2010-01-05");
        assert_eq!(
            dt("2010-12-01 08:26:00.250", Iso).unwrap(),
            "2010-12-01 08:26:00.250"
        );
        assert_eq!(dt("12/1/2010 8:26", Mdy).unwrap(), "2010-12-01 08:26:00");
        assert_eq!(dt("12/1/2010 8:26 PM", Mdy).unwrap(), "2010-12-01 20:26:00");
        assert_eq!(
            dt("12/1/2010 12:05 AM", Mdy).unwrap(),
            "2010-12-01 00:05:00"
        );
        assert_eq!(dt("1/12/2010 8:26", Dmy).unwrap(), "2010-12-01 08:26:00");
        assert_eq!(dt("01.12.2010", Dmy).unwrap(), "2010-12-01");
        assert_eq!(dt("20101201", Compact).unwrap(), "2010-12-01");
        assert_eq!(
            dt("20101201082600", CompactDateTime).unwrap(),
            "2010-12-01 08:26:00"
        );
        assert_eq!(dt("2010/12/01", YmdSlash).unwrap(), "2010-12-01");
        assert_eq!(
            dt("2010/12/1 8:26:05", YmdSlash).unwrap(),
            "2010-12-01 08:26:05"
        );
        assert_eq!(dt("2010年12月1日", Chinese).unwrap(), "2010-12-01");
        assert_eq!(
            dt("2010年12月1日 8:26", Chinese).unwrap(),
            "2010-12-01 08:26:00"
        );
        assert_eq!(
            dt("2010年12月1日 8时26分", Chinese).unwrap(),
            "2010-12-01 08:26:00"
        );
        assert_eq!(
            dt("2010年12月1日8时26分30秒", Chinese).unwrap(),
            "2010-12-01 08:26:30"
        );
    }

    #[test]
    fn impossible_dates_are_not_dates() {
        use DateFormat::*;
        assert_eq!(dt("2010-02-30", Iso), None);
        assert_eq!(dt("13/13/2010", Mdy), None);
        assert_eq!(dt("13/1/2010", Mdy), None);
        assert_eq!(dt("2010-12-01 25:00", Iso), None);
        assert_eq!(dt("20101301", Compact), None);
        assert_eq!(dt("12345678", Compact), None);
        assert_eq!(dt("2010-12-01x", Iso), None);
        assert_eq!(dt("hello", Iso), None);
        assert_eq!(dt("2012-02-29", Iso).unwrap(), "2012-02-29");
        assert_eq!(dt("2011-02-29", Iso), None);
    }

    #[test]
    fn mask_narrowing_and_pick() {
        let all = DateFormat::TEXT_MASK;
        let (ok, v) = parse_any("3/4/2011", all);
        assert_eq!(ok, DateFormat::Mdy.bit() | DateFormat::Dmy.bit());
        assert!(v.is_some());
        assert_eq!(pick(ok), Some(DateFormat::Mdy));
        let (ok2, _) = parse_any("13/4/2011", all);
        assert_eq!(pick(ok & ok2), Some(DateFormat::Dmy));
    }

    #[test]
    fn unix_times() {
        assert_eq!(
            from_unix(1291191960, false).unwrap().to_string(),
            "2010-12-01 08:26:00"
        );
        assert_eq!(
            from_unix(1291191960000, true).unwrap().to_string(),
            "2010-12-01 08:26:00"
        );
        assert_eq!(from_unix(42, false), None);
    }
}
