//! When an activity takes place, and whether two of them collide for one person.

use chrono::{DateTime, Days, Utc};
use chrono_tz::Tz;

use crate::timezone;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeSlot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl TimeSlot {
    /// Half-open intervals: a workshop ending at 11:00 and one starting at 11:00 do not overlap.
    pub fn overlaps(&self, other: &TimeSlot) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies wholly within this slot (touching its edges counts).
    pub fn contains(&self, other: &TimeSlot) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The local days this slot touches in `tz`, from the midnight its first day begins to the
    /// one after its last day: the span a fair's workshops must lie within, so a fair open
    /// 8:00–16:00 may still have a workshop at 7:30 or 17:00 of the same day.
    pub fn whole_days(&self, tz: Tz) -> TimeSlot {
        let first = self.start.with_timezone(&tz).date_naive();
        let last = self.end.with_timezone(&tz).date_naive();
        TimeSlot {
            start: timezone::start_of_day(first, tz).unwrap_or(self.start),
            end: last
                .checked_add_days(Days::new(1))
                .and_then(|next| timezone::start_of_day(next, tz))
                .unwrap_or(self.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Timelike};
    use proptest::prelude::*;

    fn slot(start_min: i64, len_min: i64) -> TimeSlot {
        let base = Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap();
        TimeSlot {
            start: base + Duration::minutes(start_min),
            end: base + Duration::minutes(start_min + len_min),
        }
    }

    #[test]
    fn back_to_back_sessions_do_not_overlap_but_parallel_ones_do() {
        assert!(!slot(0, 90).overlaps(&slot(90, 90)));
        assert!(slot(0, 90).overlaps(&slot(60, 90)));
        assert!(slot(0, 90).overlaps(&slot(10, 10)));
    }

    #[test]
    fn a_fairs_whole_days_run_from_its_first_local_midnight_to_the_one_after_its_last_day() {
        let tz = crate::timezone::DEFAULT;
        // 12 May 2027, 8:00–16:00 in Prague (UTC+2).
        let fair = TimeSlot {
            start: Utc.with_ymd_and_hms(2027, 5, 12, 6, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2027, 5, 12, 14, 0, 0).unwrap(),
        };
        let days = fair.whole_days(tz);
        assert_eq!(
            days.start,
            Utc.with_ymd_and_hms(2027, 5, 11, 22, 0, 0).unwrap()
        );
        assert_eq!(
            days.end,
            Utc.with_ymd_and_hms(2027, 5, 12, 22, 0, 0).unwrap()
        );
        let at = |h: u32, len: i64| TimeSlot {
            start: Utc.with_ymd_and_hms(2027, 5, 12, h, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2027, 5, 12, h, 0, 0).unwrap() + Duration::hours(len),
        };
        assert!(
            days.contains(&at(5, 1)),
            "7:00 local, before the doors open"
        );
        assert!(days.contains(&at(20, 2)), "until midnight");
        assert!(!days.contains(&at(21, 2)), "into the next day");
        assert!(!days.contains(&TimeSlot {
            start: days.start - Duration::minutes(1),
            end: days.start + Duration::hours(1),
        }));
    }

    proptest! {
        #[test]
        fn whole_days_contain_the_slot_and_begin_at_a_local_midnight(start in 0i64..2_000_000, len in 1i64..10_000) {
            let tz = crate::timezone::DEFAULT;
            let slot = slot(start, len);
            let days = slot.whole_days(tz);
            prop_assert!(days.contains(&slot));
            let local = days.start.with_timezone(&tz);
            prop_assert_eq!((local.hour(), local.minute()), (0, 0));
            prop_assert!(days.end - days.start <= Duration::minutes(len) + Duration::hours(49));
        }

        #[test]
        fn overlap_is_symmetric_and_reflexive(a in 0i64..1000, al in 1i64..300, b in 0i64..1000, bl in 1i64..300) {
            let (x, y) = (slot(a, al), slot(b, bl));
            prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
            prop_assert!(x.overlaps(&x));
        }
    }
}
