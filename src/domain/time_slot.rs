//! When an activity takes place, and whether two of them collide for one person.

use chrono::{DateTime, Utc};

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
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

    proptest! {
        #[test]
        fn overlap_is_symmetric_and_reflexive(a in 0i64..1000, al in 1i64..300, b in 0i64..1000, bl in 1i64..300) {
            let (x, y) = (slot(a, al), slot(b, bl));
            prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
            prop_assert!(x.overlaps(&x));
        }
    }
}
