//! Beijing wall-clock time, the forum's time zone (`Asia/Shanghai`).
//!
//! China has kept one offset, UTC+8, all year since 1991 (no daylight saving since then), and
//! the forum took place in 2023: a fixed offset is exact for every time this portal holds, so
//! no time-zone database is needed. Times are stored as instants (`timestamptz`) and entered
//! and shown as Beijing wall-clock time, with the zone named on the page.

use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Beijing's offset from UTC (China Standard Time, no daylight saving since 1991).
pub const OFFSET: UtcOffset = offset!(+8);

/// The IANA name of the forum's time zone.
pub const ZONE: &str = "Asia/Shanghai";

/// A wall-clock time typed into `<input type="datetime-local">` (`2023-09-05T09:30`, seconds
/// optional, a space instead of `T` accepted) read as Beijing time.
pub fn parse_wall_clock(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim().replacen(' ', "T", 1);
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    PrimitiveDateTime::parse(&text, minutes)
        .or_else(|_| PrimitiveDateTime::parse(&text, seconds))
        .ok()
        .filter(|local| YEARS.contains(&local.year()))
        .map(|local| local.assume_offset(OFFSET))
}

/// The years a programme time may fall in. Outside them PostgreSQL may refuse the value (year 0,
/// negative years) or write an old local mean time offset (before 1901) that this module does
/// not read back; the forum was in 2023.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A stored instant (RFC 3339, as PostgreSQL writes a `timestamptz` in JSON) as an instant.
pub fn parse_stored(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// `at` in Beijing.
pub fn in_beijing(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(OFFSET)
}

/// `at` as a `datetime-local` input value in Beijing: `2023-09-05T09:30`.
pub fn input_value(at: OffsetDateTime) -> String {
    let at = in_beijing(at);
    format!("{}T{}", crate::i18n::iso_date(at.date()), clock(at))
}

/// `at` with its Beijing offset, for `<time datetime>`, JSON-LD and stored values:
/// `2023-09-05T09:30:00+08:00`.
pub fn rfc3339(at: OffsetDateTime) -> String {
    let at = in_beijing(at);
    format!(
        "{}T{}:{:02}+08:00",
        crate::i18n::iso_date(at.date()),
        clock(at),
        at.second()
    )
}

/// The Beijing wall-clock time of `at`: `09:30`.
pub fn clock(at: OffsetDateTime) -> String {
    let at = in_beijing(at);
    format!("{:02}:{:02}", at.hour(), at.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_is_beijing_time() {
        let at = parse_wall_clock("2023-09-05T09:30").unwrap();
        assert_eq!(at.to_offset(UtcOffset::UTC).hour(), 1);
        assert_eq!(rfc3339(at), "2023-09-05T09:30:00+08:00");
        assert_eq!(input_value(at), "2023-09-05T09:30");
        assert_eq!(
            parse_wall_clock("2023-09-05 09:30:15").map(clock).unwrap(),
            "09:30"
        );
        assert!(parse_wall_clock("5 Sept").is_none());
        assert!(parse_wall_clock("2023-09-05T25:00").is_none());
        let stored = parse_stored("2023-09-05T01:30:00+00:00").unwrap();
        assert_eq!(input_value(stored), "2023-09-05T09:30");
        assert_eq!(
            clock(parse_stored("2023-09-05T16:30:00Z").unwrap()),
            "00:30"
        );
    }

    #[test]
    fn times_outside_the_portals_years_are_refused_not_sent_to_the_database() {
        for text in [
            "0000-01-01T00:00",
            "-0001-01-01T00:00",
            "1900-09-05T09:30",
            "2101-01-01T00:00",
        ] {
            assert!(parse_wall_clock(text).is_none(), "{text}");
        }
        assert!(parse_wall_clock("2000-01-01T00:00").is_some());
        assert!(parse_wall_clock("2100-12-31T23:59").is_some());
    }
}
