//! China Standard Time (北京时间, UTC+8, no daylight saving): the clock every user reads. The
//! records keep UTC; every conversion to and from the wall clock goes through here.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// The offset of China Standard Time from UTC.
const OFFSET: Duration = Duration::hours(8);

/// An instant as China's wall clock.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    (at + OFFSET).naive_utc()
}

/// China's wall-clock time as an instant.
pub fn from_local(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc() - OFFSET
}

/// The China date of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    local(at).date()
}

/// The first instant of a China date.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    from_local(d.and_time(NaiveTime::MIN))
}

/// An instant to the minute, "2026-11-28 14:05".
pub fn china_minute(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// An instant to the second, "2026-11-28 14:05:09".
pub fn china_second(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The `datetime-local` value of an instant, "2026-11-28T14:05".
pub fn input_value(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%dT%H:%M").to_string()
}

/// Reads a `datetime-local` value (seconds optional) or "2026-11-28 14:05", China time.
pub fn parse_input(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
        .ok()?;
    Some(from_local(naive))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_china_day_starts_at_16_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let start = day_start(d);
        assert_eq!(start.to_rfc3339(), "2026-09-30T16:00:00+00:00");
        assert_eq!(china_date(start), d);
        assert_eq!(
            china_date(start - Duration::seconds(1)),
            d.pred_opt().unwrap()
        );
        assert_eq!(china_minute(start), "2026-10-01 00:00");
        assert_eq!(
            china_second(start + Duration::seconds(9)),
            "2026-10-01 00:00:09"
        );
        assert_eq!(input_value(start), "2026-10-01T00:00");
        for text in [
            "2026-10-01T00:00",
            "2026-10-01T00:00:00",
            " 2026-10-01 00:00 ",
        ] {
            assert_eq!(parse_input(text), Some(start), "{text}");
        }
        assert_eq!(parse_input("2026-10-01"), None);
        assert_eq!(from_local(local(start)), start);
    }
}
