//! Calendar helpers: civil dates from day counts, Paris dates from epoch times, French dates.
//!
//! Small and dependency-free on purpose: the readers only need day-level dates.

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `yyyy-mm-dd`.
pub(crate) fn iso(y: i64, m: u32, d: u32) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// Seconds since the epoch of the last Sunday of a month at 01:00 UTC (EU clock change).
fn last_sunday_1h_utc(y: i64, m: u32) -> i64 {
    let last = days_from_civil(y, m, 31);
    let weekday = (last + 4).rem_euclid(7); // 0 = Sunday; 1970-01-01 was a Thursday
    (last - weekday) * 86_400 + 3_600
}

/// The Europe/Paris calendar date of an epoch time in milliseconds, ISO `yyyy-mm-dd`.
///
/// Uses the EU summer-time rule in force since 1996 (UTC+2 from the last Sunday of March to the
/// last Sunday of October at 01:00 UTC, UTC+1 otherwise), which covers every scanner file.
/// Returns `None` outside years 1970–9999.
pub(crate) fn paris_date_from_epoch_ms(ms: i64) -> Option<String> {
    let secs = ms.div_euclid(1000);
    let (y, _, _) = civil_from_days(secs.div_euclid(86_400));
    if !(1970..=9999).contains(&y) {
        return None;
    }
    let summer = secs >= last_sunday_1h_utc(y, 3) && secs < last_sunday_1h_utc(y, 10);
    let local = secs + if summer { 7_200 } else { 3_600 };
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    (y <= 9999).then(|| iso(y, m, d))
}

/// Parses a French date `dd/mm/yyyy` into ISO `yyyy-mm-dd`, checking the calendar.
pub(crate) fn parse_fr_date(s: &str) -> Option<String> {
    let mut parts = s.trim().split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || d.is_empty()
        || m.is_empty()
        || d.len() > 2
        || m.len() > 2
    {
        return None;
    }
    let all_digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(d) && all_digits(m) && all_digits(y)) {
        return None;
    }
    let (d, m, y): (u32, u32, i64) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(iso(y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-1_000_000, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn paris_dates_follow_summer_time() {
        // The 2023 scanner window: 2022-04-01 00:00 Paris (22:00 UTC the day before) to
        // 2023-03-31 23:59:59.999 Paris.
        assert_eq!(
            paris_date_from_epoch_ms(1_648_764_000_000).as_deref(),
            Some("2022-04-01")
        );
        assert_eq!(
            paris_date_from_epoch_ms(1_680_299_999_999).as_deref(),
            Some("2023-03-31")
        );
        // Winter: 2023-01-15 23:30 UTC is 2023-01-16 00:30 in Paris.
        assert_eq!(
            paris_date_from_epoch_ms(1_673_825_400_000).as_deref(),
            Some("2023-01-16")
        );
        // Winter: 22:30 UTC is still the same day in Paris (23:30).
        assert_eq!(
            paris_date_from_epoch_ms(1_673_821_800_000).as_deref(),
            Some("2023-01-15")
        );
        assert_eq!(paris_date_from_epoch_ms(i64::MAX), None);
        assert_eq!(paris_date_from_epoch_ms(i64::MIN), None);
    }

    #[test]
    fn french_dates() {
        assert_eq!(parse_fr_date("26/10/2021").as_deref(), Some("2021-10-26"));
        assert_eq!(parse_fr_date("29/02/2024").as_deref(), Some("2024-02-29"));
        assert_eq!(parse_fr_date("29/02/2023"), None);
        assert_eq!(parse_fr_date("2021-10-26"), None);
        assert_eq!(parse_fr_date("1/+2/2021"), None);
        assert_eq!(parse_fr_date("32/01/2021"), None);
    }
}
