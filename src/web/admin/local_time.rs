//! `datetime-local` form fields: what browsers send (`2027-01-12T09:30`, seconds optional) and
//! show, as wall-clock time in a fair's zone.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::FieldError;

/// `2027-01-12T09:30` as typed into a `datetime-local` field, in `tz`.
pub fn show(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// The wall-clock time a `datetime-local` field holds; `None` when it does not parse.
pub fn naive(value: &str) -> Option<NaiveDateTime> {
    let value = value.trim();
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

/// A `datetime-local` value in `tz` as an instant; empty is `None`. A time skipped by the clock
/// change is refused, a repeated one is the first.
pub fn parse(
    field: &'static str,
    value: &str,
    tz: Tz,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    naive(value)
        .and_then(|naive| tz.from_local_datetime(&naive).earliest())
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(|| FieldError::new(field, "invalid_time"))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use proptest::prelude::*;

    use super::*;

    const PRAGUE: Tz = chrono_tz::Europe::Prague;

    #[test]
    fn clock_changes_refuse_the_skipped_hour_and_take_the_first_repeated_one() {
        assert_eq!(
            parse("starts_at", "2027-03-28T02:30", PRAGUE),
            Err(FieldError::new("starts_at", "invalid_time"))
        );
        let repeated = parse("starts_at", "2027-10-31T02:30", PRAGUE)
            .unwrap()
            .unwrap();
        assert_eq!(repeated.to_rfc3339(), "2027-10-31T00:30:00+00:00");
        assert_eq!(parse("x", "  ", PRAGUE), Ok(None));
        assert_eq!(
            parse("x", "2027-01-12T09:30:15", PRAGUE)
                .unwrap()
                .unwrap()
                .to_rfc3339(),
            "2027-01-12T08:30:15+00:00"
        );
    }

    proptest! {
        /// What the form shows reads back as the same minute (an hour earlier only in the
        /// repeated hour of October, which reads as its first occurrence).
        #[test]
        fn shown_times_read_back(minutes in 0i64..(200 * 365 * 24 * 60)) {
            let at = DateTime::<Utc>::from_timestamp(946_684_800, 0).unwrap()
                + Duration::minutes(minutes);
            let back = parse("t", &show(at, PRAGUE), PRAGUE).unwrap().unwrap();
            prop_assert!(back == at || back == at - Duration::hours(1), "{at} → {back}");
        }

        /// Whatever is posted, the answer is a time or a field error, never a panic.
        #[test]
        fn any_text_is_a_time_or_a_field_error(value in "\\PC{0,40}") {
            if let Err(e) = parse("t", &value, PRAGUE) {
                prop_assert_eq!(e, FieldError::new("t", "invalid_time"));
            }
        }
    }
}
