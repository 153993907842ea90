//! Times of the workflow: a deadline given as RFC 3339 text (`2021-11-30T18:00:00-05:00`)
//! or unix milliseconds, and times printed in UTC.

use pluma_core::calendar::days_from_civil;
use serde::Deserialize;

/// A deadline as a request gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum DeadlineIn {
    /// Unix milliseconds.
    Millis(i64),
    /// RFC 3339, with `Z` or an offset (`2021-11-30T18:00:00-05:00`).
    Text(String),
}

impl DeadlineIn {
    /// Unix milliseconds, or what is wrong with the text.
    pub fn to_ms(&self) -> Result<i64, String> {
        match self {
            DeadlineIn::Millis(ms) => Ok(*ms),
            DeadlineIn::Text(t) => parse_rfc3339(t),
        }
    }
}

/// Parses an RFC 3339 date-time (`T` or a space between date and time, optional fraction,
/// `Z` or `±HH:MM`) to unix milliseconds.
pub fn parse_rfc3339(s: &str) -> Result<i64, String> {
    let bad = || format!("{:?} is not an RFC 3339 time such as 2021-11-30T18:00:00-05:00", s.chars().take(60).collect::<String>());
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Result<i64, String> {
        let part = b.get(from..from + len).ok_or_else(bad)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(part.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
    };
    let sep = |at: usize, allowed: &[u8]| -> Result<(), String> {
        if b.get(at).is_some_and(|c| allowed.contains(c)) { Ok(()) } else { Err(bad()) }
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    sep(4, b"-")?;
    sep(7, b"-")?;
    sep(10, b"Tt ")?;
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    sep(13, b":")?;
    sep(16, b":")?;
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
        let digits = &b[start..i.min(start + 3)];
        millis = digits.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')) * 10i64.pow(3 - digits.len() as u32);
    }
    let offset_minutes = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() => {
            sep(i + 3, b":")?;
            let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if h > 23 || m > 59 {
                return Err(bad());
            }
            if *sign == b'+' { h * 60 + m } else { -(h * 60 + m) }
        }
        _ => return Err(bad()),
    };
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
        return Err(bad());
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset_minutes * 60;
    Ok(secs * 1000 + millis)
}

pub use crate::time::utc_display;

#[cfg(test)]
mod tests {
    use super::*;

    /// Offsets, fractions and `Z` all land on the same instant; nonsense is refused.
    #[test]
    fn rfc3339_times_parse() {
        let utc = parse_rfc3339("2021-11-30T23:00:00Z").unwrap();
        assert_eq!(pluma_core::export::iso8601(utc), "2021-11-30T23:00:00Z");
        assert_eq!(parse_rfc3339("2021-11-30T18:00:00-05:00").unwrap(), utc);
        assert_eq!(parse_rfc3339("2021-12-01 00:00:00.250+01:00").unwrap(), utc + 250);
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z").unwrap(), 951_782_400_000);
        for bad in
            ["", "2021-11-30", "2021-11-30T18:00:00", "2021-02-30T00:00:00Z", "2021-11-30T18:00:00+5", "tomorrow", "2021-11-30T25:00:00Z"]
        {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
        assert_eq!(utc_display(utc), "2021-11-30 23:00 UTC");
        assert_eq!(utc_display(utc + 5000), "2021-11-30 23:00:05 UTC");
    }
}
