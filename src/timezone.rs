//! Time zones of fairs and meetings.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The zone of everything in the demo and of meetings without a fair.
pub const DEFAULT: Tz = chrono_tz::Europe::Prague;

/// The instant `day` begins in `tz` (its first midnight); `None` where the clock skips
/// midnight that day.
pub fn start_of_day(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The zone a fair stores by IANA name; a name that no longer parses falls back to Prague
/// (names are checked when written, so this only guards old rows).
pub fn zone_of(name: &str) -> Tz {
    name.parse().unwrap_or(DEFAULT)
}
