//! When a recurring job falls due: every N seconds, or every day at a wall-clock time in Paris.
//!
//! Daily times follow French legal time through the daylight-saving changes (time-zone data
//! embedded in the binary, so a server without tzdata computes the same instants): on the
//! spring-forward night a time that does not exist (02:30) runs one hour later (03:30); on the
//! fall-back night a time that exists twice runs once, at its first occurrence.

use std::num::NonZeroU32;
use std::sync::OnceLock;

use jiff::tz::TimeZone;
use time::OffsetDateTime;

/// A recurrence of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// On a fixed grid of this many seconds since the Unix epoch, so every instance computes the
    /// same due instants.
    Every(NonZeroU32),
    /// Every day at this wall-clock time in Europe/Paris.
    DailyParis(time::Time),
}

fn paris() -> &'static TimeZone {
    static PARIS: OnceLock<TimeZone> = OnceLock::new();
    // The bundled database always has this zone; UTC would only be a wrong-by-an-hour fallback.
    PARIS.get_or_init(|| TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC))
}

impl Recurrence {
    /// Every `seconds` seconds; `None` for zero.
    pub fn every_seconds(seconds: u32) -> Option<Recurrence> {
        NonZeroU32::new(seconds).map(Recurrence::Every)
    }

    /// Every day at `hour:minute` in Paris; `None` for an impossible time.
    pub fn daily_paris(hour: u8, minute: u8) -> Option<Recurrence> {
        time::Time::from_hms(hour, minute, 0).ok().map(Recurrence::DailyParis)
    }

    /// The first due instant strictly after `after`.
    pub fn next_after(&self, after: OffsetDateTime) -> OffsetDateTime {
        match *self {
            Recurrence::Every(secs) => {
                let period = i128::from(secs.get()) * 1_000_000_000;
                let t = after.unix_timestamp_nanos();
                let next = (t.div_euclid(period) + 1) * period;
                OffsetDateTime::from_unix_timestamp_nanos(next).unwrap_or(after)
            }
            Recurrence::DailyParis(at) => {
                let tz = paris();
                let after_ms = obs_store::jobs::to_ms(after);
                let mut day = jiff::Timestamp::from_millisecond(after_ms).map(|ts| tz.to_datetime(ts).date()).unwrap_or_default();
                // Two days always suffice: today's occurrence, or tomorrow's.
                for _ in 0..3 {
                    if let Some(ms) = occurrence_ms(tz, day, at)
                        && ms > after_ms
                    {
                        return obs_store::jobs::from_ms(ms).unwrap_or(after);
                    }
                    day = day.tomorrow().unwrap_or(day);
                }
                after + time::Duration::DAY
            }
        }
    }

    /// A stable description (stored with the schedule: a change of recurrence resets its next
    /// occurrence) that also reads well on the command line.
    pub fn describe(&self) -> String {
        match *self {
            Recurrence::Every(secs) => format!("toutes les {} s", secs.get()),
            Recurrence::DailyParis(at) => format!("chaque jour à {:02}:{:02}:{:02} (heure de Paris)", at.hour(), at.minute(), at.second()),
        }
    }
}

/// The instant of wall-clock time `at` on `day` in `tz` (a skipped time moves forward by the
/// gap, a repeated time takes its first occurrence).
fn occurrence_ms(tz: &TimeZone, day: jiff::civil::Date, at: time::Time) -> Option<i64> {
    let t = jiff::civil::Time::new(at.hour() as i8, at.minute() as i8, at.second() as i8, 0).ok()?;
    let instant = tz.to_ambiguous_timestamp(day.to_datetime(t)).compatible().ok()?;
    Some(instant.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn daily(h: u8, m: u8) -> Recurrence {
        Recurrence::daily_paris(h, m).unwrap()
    }

    #[test]
    fn every_follows_a_fixed_grid() {
        let r = Recurrence::every_seconds(60).unwrap();
        assert_eq!(r.next_after(datetime!(2026-03-01 10:00:00 UTC)), datetime!(2026-03-01 10:01:00 UTC));
        assert_eq!(r.next_after(datetime!(2026-03-01 10:00:59.5 UTC)), datetime!(2026-03-01 10:01:00 UTC));
        assert!(Recurrence::every_seconds(0).is_none());
    }

    #[test]
    fn daily_paris_in_winter_and_summer() {
        // Winter: UTC+1; summer: UTC+2.
        assert_eq!(daily(3, 30).next_after(datetime!(2026-01-15 00:00 UTC)), datetime!(2026-01-15 02:30 UTC));
        assert_eq!(daily(3, 30).next_after(datetime!(2026-07-15 00:00 UTC)), datetime!(2026-07-15 01:30 UTC));
        // Already past today: tomorrow.
        assert_eq!(daily(3, 30).next_after(datetime!(2026-01-15 02:30 UTC)), datetime!(2026-01-16 02:30 UTC));
    }

    #[test]
    fn daily_paris_across_spring_forward() {
        // 29 March 2026: 02:00 → 03:00 in Paris. 02:30 does not exist: it runs at 03:30 CEST.
        assert_eq!(daily(2, 30).next_after(datetime!(2026-03-28 02:00 UTC)), datetime!(2026-03-29 01:30 UTC));
        // The day before and after keep their usual offsets.
        assert_eq!(daily(4, 0).next_after(datetime!(2026-03-28 00:00 UTC)), datetime!(2026-03-28 03:00 UTC));
        assert_eq!(daily(4, 0).next_after(datetime!(2026-03-28 03:00 UTC)), datetime!(2026-03-29 02:00 UTC));
    }

    #[test]
    fn daily_paris_across_fall_back_fires_once() {
        // 25 October 2026: 03:00 → 02:00 in Paris; 02:30 happens twice. First one only.
        let r = daily(2, 30);
        let first = r.next_after(datetime!(2026-10-24 23:00 UTC));
        assert_eq!(first, datetime!(2026-10-25 00:30 UTC));
        assert_eq!(r.next_after(first), datetime!(2026-10-26 01:30 UTC));
    }

    #[test]
    fn descriptions_are_stable() {
        assert_eq!(daily(3, 30).describe(), "chaque jour à 03:30:00 (heure de Paris)");
        assert_eq!(Recurrence::every_seconds(90).unwrap().describe(), "toutes les 90 s");
    }
}
