//! Small readers of the agenda's text: HTML fragments split into blocks, dates, times and
//! zones, and the instants they make.

use crate::calendar::days_from_civil;

/// One piece of text between block-level tags (`ul`, `li`, `p`, `b`).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Block {
    pub(super) text: String,
}

/// Splits an HTML fragment into its text blocks: block tags and `<b>` separate blocks,
/// other tags (`<i>`) are dropped; bullets and runs of spaces are tidied.
pub(super) fn blocks(html: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut rest = html;
    let mut push = |current: &mut String| {
        let text = tidy(current);
        if !text.is_empty() {
            out.push(Block { text });
        }
        current.clear();
    };
    while let Some(open) = rest.find('<') {
        current.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            current.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag.trim_start_matches('/').split([' ', '>']).next().unwrap_or("");
        if matches!(name, "ul" | "li" | "p" | "b" | "br") {
            push(&mut current);
        }
        rest = &rest[open + close + 1..];
    }
    current.push_str(rest);
    push(&mut current);
    out
}

fn tidy(s: &str) -> String {
    let s = s.trim().trim_start_matches('•').trim();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// `(GMT-6)` anywhere in a line → -360.
pub(super) fn gmt_offset(s: &str) -> Option<i32> {
    let at = s.find("(GMT")?;
    let rest = &s[at + 4..];
    let end = rest.find(')')?;
    let hours: i32 = rest[..end].parse().ok()?;
    Some(hours * 60)
}

/// `DAY ONE: September 9, 2021` → `September 9, 2021`.
pub(super) fn day_heading(s: &str) -> Option<String> {
    let s = s.trim_start_matches('#').trim().trim_matches('*').trim();
    let rest = s.strip_prefix("DAY ")?;
    let (_, date) = rest.split_once(':')?;
    Some(date.trim().to_owned())
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// `September 9, 2021` → `2021-09-09`.
pub(super) fn parse_date(s: &str) -> Option<String> {
    let (month, rest) = s.split_once(' ')?;
    let (day, year) = rest.split_once(',')?;
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    let day: u32 = day.trim().parse().ok()?;
    let year: i32 = year.trim().parse().ok()?;
    (1..=31).contains(&day).then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// A wall-clock time: hours and minutes.
pub(super) type Clock = (u32, u32);

/// `9:00 – 9:30` → ((9, 0), Some((9, 30))); `13:15` → ((13, 15), None).
pub(super) fn time_range(s: &str) -> Option<(Clock, Option<Clock>)> {
    let mut parts = s.split(['–', '-']).map(str::trim);
    let start = clock(parts.next()?)?;
    let end = match parts.next() {
        Some(p) => Some(clock(p)?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((start, end))
}

fn clock(s: &str) -> Option<Clock> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.len() <= 5).then_some((h, m))
}

/// Unix milliseconds of a local wall-clock time on an ISO date at a fixed UTC offset.
pub(super) fn instant(date: &str, hour: u32, minute: u32, offset_minutes: i32) -> i64 {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
    let (y, m, d) = (parts.next().unwrap_or(1970), parts.next().unwrap_or(1), parts.next().unwrap_or(1));
    let days = days_from_civil(y, m, d);
    let local_minutes = days * 1440 + i64::from(hour) * 60 + i64::from(minute);
    (local_minutes - i64::from(offset_minutes)) * 60_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert_eq!(parse_date("September 9, 2021").as_deref(), Some("2021-09-09"));
        assert_eq!(parse_date("Septiembre 9, 2021"), None);
        assert_eq!(time_range("9:00 – 9:30"), Some(((9, 0), Some((9, 30)))));
        assert_eq!(time_range("13:15"), Some(((13, 15), None)));
        assert_eq!(time_range("Break"), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        // 2021-09-09 09:00 at GMT-6 is 15:00 UTC.
        assert_eq!(instant("2021-09-09", 9, 0, -360), 1_631_199_600_000);
        assert_eq!(gmt_offset("Schedule (GMT-6)\tActivity"), Some(-360));
    }

    #[test]
    fn blocks_split_on_block_tags() {
        let b = blocks("<ul><li>• One</li><li>• Two <i>x</i></li></ul> Lead panelist countries: <b>Panama and Costa Rica</b>");
        let texts: Vec<_> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["One", "Two x", "Lead panelist countries:", "Panama and Costa Rica"]);
    }
}
