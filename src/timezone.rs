//! Time zones of fairs and meetings.

use chrono_tz::Tz;

/// The zone of everything in the demo and of meetings without a fair.
pub const DEFAULT: Tz = chrono_tz::Europe::Prague;

/// The zone a fair stores by IANA name; a name that no longer parses falls back to Prague
/// (names are checked when written, so this only guards old rows).
pub fn zone_of(name: &str) -> Tz {
    name.parse().unwrap_or(DEFAULT)
}
