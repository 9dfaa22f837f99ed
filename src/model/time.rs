//! Dates from TOML front matter, converted to `jiff::Timestamp` right after parsing (TOML
//! datetimes must never reach templates or JSON in their serde form).

use jiff::Timestamp;
use toml::value::Datetime;

/// Reads a TOML datetime with an offset, or a plain date as midnight UTC. Local datetimes
/// without an offset are refused: an advisory's release time must be unambiguous. So are
/// dates before 1970 (see `check_not_before_1970`).
pub fn to_timestamp(dt: &Datetime) -> Result<Timestamp, String> {
    let t = parse_datetime(dt)?;
    check_not_before_1970(t, dt)?;
    Ok(t)
}

/// No software advisory, revision, discovery or credit predates the Unix epoch: such a date
/// is a typo (`0000-01-01`, `0202-03-10`). Tools that read CSAF and RSS dates as Unix time
/// also cannot carry it, and SOURCE_DATE_EPOCH (the build time) cannot be earlier either.
fn check_not_before_1970(t: Timestamp, dt: &Datetime) -> Result<(), String> {
    if t < Timestamp::UNIX_EPOCH {
        return Err(format!(
            "`{dt}` is before 1970-01-01T00:00:00Z, the earliest date psirt-site accepts"
        ));
    }
    Ok(())
}

fn parse_datetime(dt: &Datetime) -> Result<Timestamp, String> {
    match (&dt.date, &dt.time, &dt.offset) {
        (Some(_), Some(_), Some(_)) => dt
            .to_string()
            .parse::<Timestamp>()
            .map_err(|e| format!("cannot read `{dt}` as a date and time: {e}")),
        (Some(d), None, None) => format!("{d}T00:00:00Z")
            .parse::<Timestamp>()
            .map_err(|e| format!("cannot read `{dt}` as a date: {e}")),
        (Some(_), Some(_), None) => Err(format!(
            "`{dt}` has no time zone offset; add `Z` for UTC or an offset such as `+02:00`"
        )),
        _ => Err(format!("`{dt}` is a time without a date")),
    }
}

/// RFC 3339 in UTC, the form CSAF and feeds use (`2026-03-10T09:00:00Z`). Fractions of a
/// second are kept when the date has them (`09:00:00.25Z`): publishers that stamp revisions
/// to the millisecond must get the same instant back. TOML keeps the value, not the digits
/// written, so trailing zeros of a fraction are dropped (`.250` is `.25`, the same instant).
pub fn rfc3339(ts: Timestamp) -> String {
    ts.to_string()
}

/// `2026-03-10`, for display.
pub fn date_only(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%d").to_string()
}

/// RFC 2822 date for RSS (`Tue, 10 Mar 2026 09:00:00 +0000`).
pub fn rfc2822(ts: Timestamp) -> String {
    jiff::fmt::rfc2822::to_string(&ts.to_zoned(jiff::tz::TimeZone::UTC)).unwrap_or_else(|_| rfc3339(ts))
}

/// The UTC year of `ts`, by arithmetic on days since 1970 (H. Hinnant's `civil_from_days`):
/// the lists ask for each advisory's year once per year of the site, and a conversion
/// through a zoned time costs ten times as much.
pub fn utc_year(ts: Timestamp) -> i16 {
    let days = ts.as_second().div_euclid(86_400);
    // Days since 0000-03-01, in eras of 400 years (146,097 days).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March … 11 = February
    let year = year_of_era + era * 400 + i64::from(month_index >= 10);
    // jiff's timestamps span years -9999..=9999.
    year as i16
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_utc_year_is_the_calendar_year() {
        use jiff::Timestamp;
        let utc = |t: Timestamp| t.to_zoned(jiff::tz::TimeZone::UTC).year();
        for second in (Timestamp::MIN.as_second()..=Timestamp::MAX.as_second()).step_by(86_400 * 7 + 3_601) {
            let t = Timestamp::from_second(second).expect("in range");
            assert_eq!(super::utc_year(t), utc(t), "{t}");
        }
        for text in [
            "1970-01-01T00:00:00Z",
            "1999-12-31T23:59:59Z",
            "2000-01-01T00:00:00Z",
            "2000-02-29T12:00:00Z",
            "2024-12-31T23:59:59.999Z",
            "2025-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
        ] {
            let t: Timestamp = text.parse().expect("valid");
            assert_eq!(super::utc_year(t), utc(t), "{t}");
        }
    }

    use super::*;

    fn dt(s: &str) -> Datetime {
        s.parse().expect("valid toml datetime")
    }

    #[test]
    fn converts_forms() {
        let t = to_timestamp(&dt("2026-03-10T09:00:00Z")).expect("offset datetime");
        assert_eq!(rfc3339(t), "2026-03-10T09:00:00Z");
        let t = to_timestamp(&dt("2026-03-10T11:00:00+02:00")).expect("offset datetime");
        assert_eq!(rfc3339(t), "2026-03-10T09:00:00Z");
        let t = to_timestamp(&dt("2026-03-10")).expect("date");
        assert_eq!(rfc3339(t), "2026-03-10T00:00:00Z");
        assert_eq!(rfc2822(t), "Tue, 10 Mar 2026 00:00:00 +0000");
        assert!(to_timestamp(&dt("2026-03-10T09:00:00")).is_err());
        assert!(to_timestamp(&dt("09:00:00")).is_err());
    }

    #[test]
    fn keeps_fractions_of_a_second() {
        let t = to_timestamp(&dt("2026-03-10T09:00:00.250Z")).expect("offset datetime");
        assert_eq!(rfc3339(t), "2026-03-10T09:00:00.25Z");
        let t = to_timestamp(&dt("2026-03-10T11:00:00.123456+02:00")).expect("offset datetime");
        assert_eq!(rfc3339(t), "2026-03-10T09:00:00.123456Z");
    }

    #[test]
    fn refuses_dates_before_1970() {
        for bad in [
            "0000-01-01",
            "1969-12-31",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:30:00+01:00",
        ] {
            let e = to_timestamp(&dt(bad)).expect_err(bad);
            assert!(e.contains("1970"), "{bad}: {e}");
        }
        assert!(to_timestamp(&dt("1970-01-01")).is_ok());
    }
}
