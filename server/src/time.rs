//! The clock, in the unit the database stores: unix milliseconds.

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Unix milliseconds as `2021-11-30 18:00 UTC` (seconds when not zero).
pub fn utc_display(ms: i64) -> String {
    let iso = pluma_core::export::iso8601(ms);
    let (date, time) = iso.trim_end_matches('Z').split_once('T').unwrap_or((&iso, ""));
    let time = time.strip_suffix(":00").unwrap_or(time);
    format!("{date} {time} UTC")
}
