//! VTIMEZONE components computed from the IANA time zone database compiled into chrono-tz, so a
//! fair in any zone gets a correct definition, not only Europe/Prague.
//!
//! The zone's offset changes are found from [`SINCE`] (or earlier, for an older event) to the
//! year after the last event, and written in the yearly `RRULE` form wherever they follow one
//! (EU: last Sunday of March and of October; US: second Sunday of March, first of November), as
//! in `shared/ical-check/fixtures/good-prague.ics`. Never one multi-valued `RDATE`: ical.js and
//! vobject read only its first value and put Prague on UTC+1 all year. A change that follows no
//! yearly rule (Morocco's Ramadan changes, a country dropping DST) gets an observance of its
//! own, and a rule that stopped gets an `UNTIL`, so every event time is right either way.
//!
//! Why a fixed start and not the first event's year: vobject (the Radicale server) keeps the
//! first VTIMEZONE it reads for a TZID for the rest of the process and uses it for every later
//! calendar naming that TZID. A Prague definition starting in 2026, read first, would then put a
//! 2022 meeting an hour off. So every feed carries the same definition of a zone (the rules do
//! not change in the past), valid from 2000 on.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use ical::parser::ical::component::{
    IcalTimeZone, IcalTimeZoneTransition, IcalTimeZoneTransitionType,
};

use super::ics;

/// The first year every VTIMEZONE covers (see the module docs).
pub const SINCE: i32 = 2000;

/// The VTIMEZONE for `tz`, correct for every local time from [`SINCE`] (or `first`, if earlier)
/// to the end of `last`, and as long after as the zone's rules stay. (Its first change is in the
/// year before, so that the offset from 1 January on is stated, not implied.)
pub fn vtimezone(tz: Tz, first: i32, last: i32) -> IcalTimeZone {
    let first = first.min(SINCE);
    let mut component = IcalTimeZone::new();
    component.properties.push(ics::raw("TZID", tz.name()));
    component
        .properties
        .push(ics::raw("X-LIC-LOCATION", tz.name()));
    for observance in observances(tz, first, last) {
        component.transitions.push(observance.to_ical());
    }
    component
}

/// What the zone is at one instant: offset from UTC in seconds, daylight saving or not, and its
/// abbreviation.
#[derive(Clone, Debug, PartialEq, Eq)]
struct State {
    offset: i32,
    dst: bool,
    name: String,
}

fn state_at(tz: Tz, at: DateTime<Utc>) -> State {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc());
    let total = offset.base_utc_offset() + offset.dst_offset();
    State {
        offset: total.num_seconds() as i32,
        dst: !offset.dst_offset().is_zero(),
        name: offset
            .abbreviation()
            .map(str::to_owned)
            .unwrap_or_else(|| offset_text(total.num_seconds() as i32)),
    }
}

/// One change of the zone: at `at` (UTC) from `before` to `after`.
#[derive(Clone, Debug)]
struct Change {
    at: DateTime<Utc>,
    before: State,
    after: State,
}

impl Change {
    /// The wall-clock time of the change as RFC 5545 writes it: in the offset before it.
    fn onset(&self) -> NaiveDateTime {
        self.at.naive_utc() + Duration::seconds(self.before.offset.into())
    }
}

/// Every change of offset in `[from, until)`, found by stepping six hours at a time (zones
/// never change twice within that) and bisecting to the second. (A change of abbreviation
/// alone moves no time and is left out.)
fn changes(tz: Tz, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Change> {
    let offset = |at: DateTime<Utc>| {
        let o = tz.offset_from_utc_datetime(&at.naive_utc());
        (
            o.base_utc_offset() + o.dst_offset(),
            o.dst_offset().is_zero(),
        )
    };
    let step = Duration::hours(6);
    let mut out = Vec::new();
    let mut t = from;
    let mut current = offset(t);
    while t < until {
        let next = (t + step).min(until);
        if offset(next) != current {
            let (mut lo, mut hi) = (t.timestamp(), next.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let at = DateTime::from_timestamp(mid, 0).expect("in range");
                if offset(at) == current {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let at = DateTime::from_timestamp(hi, 0).expect("in range");
            let before = DateTime::from_timestamp(lo, 0).expect("in range");
            out.push(Change {
                at,
                before: state_at(tz, before),
                after: state_at(tz, at),
            });
            current = offset(at);
        }
        t = next;
    }
    out
}

/// Which day of its month a yearly change falls on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DayRule {
    /// The last such weekday of the month (`BYDAY=-1SU`).
    Last,
    /// The n-th such weekday, 1 to 4 (`BYDAY=2SU`).
    Nth(u8),
}

/// The rules a date satisfies: (n-th weekday if n ≤ 4, whether it is the last one).
fn day_rules(date: NaiveDate) -> (Option<u8>, bool) {
    let nth = ((date.day() - 1) / 7 + 1) as u8;
    let last = (date + Duration::days(7)).month() != date.month();
    ((nth <= 4).then_some(nth), last)
}

/// A STANDARD or DAYLIGHT sub-component: a change that happened once or yearly by a rule.
#[derive(Clone, Debug)]
struct Observance {
    before: i32,
    after: State,
    /// Local time (in the offset before) of the first change.
    start: NaiveDateTime,
    /// For a yearly change: the rule, and the last change in UTC when it stopped.
    yearly: Option<(DayRule, Option<DateTime<Utc>>)>,
}

impl Observance {
    fn to_ical(&self) -> IcalTimeZoneTransition {
        let kind = if self.after.dst {
            IcalTimeZoneTransitionType::DAYLIGHT
        } else {
            IcalTimeZoneTransitionType::STANDARD
        };
        let mut out = IcalTimeZoneTransition::new(kind);
        let props = &mut out.properties;
        props.push(ics::raw("TZOFFSETFROM", offset_text(self.before)));
        props.push(ics::raw("TZOFFSETTO", offset_text(self.after.offset)));
        props.push(ics::text("TZNAME", &self.after.name));
        props.push(ics::raw(
            "DTSTART",
            self.start.format("%Y%m%dT%H%M%S").to_string(),
        ));
        if let Some((rule, until)) = self.yearly {
            let weekday = weekday_code(self.start.weekday());
            let day = match rule {
                DayRule::Last => format!("-1{weekday}"),
                DayRule::Nth(n) => format!("{n}{weekday}"),
            };
            let mut value = format!("FREQ=YEARLY;BYMONTH={};BYDAY={day}", self.start.month());
            if let Some(until) = until {
                value.push_str(";UNTIL=");
                value.push_str(&ics::utc_value(until));
            }
            props.push(ics::raw("RRULE", value));
        }
        out
    }
}

/// A run of changes of the same kind in consecutive years, with the day rules they all share.
struct Run {
    changes: Vec<Change>,
    nth: Option<u8>,
    last: bool,
}

impl Run {
    fn new(change: Change) -> Run {
        let (nth, last) = day_rules(change.onset().date());
        Run {
            changes: vec![change],
            nth,
            last,
        }
    }

    fn key(change: &Change) -> (i32, State, u32, Weekday, chrono::NaiveTime) {
        let onset = change.onset();
        (
            change.before.offset,
            change.after.clone(),
            onset.month(),
            onset.weekday(),
            onset.time(),
        )
    }

    /// Takes `change` if it continues this run by one year under a rule they all follow.
    fn extend(&mut self, change: &Change) -> bool {
        let previous = self.changes.last().expect("a run is never empty");
        if Run::key(previous) != Run::key(change)
            || previous.onset().year() + 1 != change.onset().year()
        {
            return false;
        }
        let (nth, last) = day_rules(change.onset().date());
        let nth = self.nth.filter(|n| Some(*n) == nth);
        let last = self.last && last;
        if nth.is_none() && !last {
            return false;
        }
        self.nth = nth;
        self.last = last;
        self.changes.push(change.clone());
        true
    }

    /// `open`: the rule is still in force at the end of the examined years.
    fn into_observance(self, open: bool) -> Observance {
        let first = &self.changes[0];
        let rule = if self.last {
            DayRule::Last
        } else {
            DayRule::Nth(self.nth.unwrap_or(1))
        };
        let yearly = if open {
            Some((rule, None))
        } else if self.changes.len() > 1 {
            Some((rule, self.changes.last().map(|c| c.at)))
        } else {
            None
        };
        Observance {
            before: first.before.offset,
            after: first.after.clone(),
            start: first.onset(),
            yearly,
        }
    }
}

/// The observances that describe `tz` from a year before `first` to a year after `last`.
fn observances(tz: Tz, first: i32, last: i32) -> Vec<Observance> {
    let (first, last) = (first.min(last), first.max(last));
    let year_start = |y: i32| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single();
    let (Some(from), Some(until)) = (year_start(first - 1), year_start(last + 2)) else {
        return Vec::new();
    };
    let found = changes(tz, from, until);
    if found.is_empty() {
        // No change in these years: one observance, in force since long before.
        let state = state_at(tz, from);
        return vec![Observance {
            before: state.offset,
            after: state,
            start: NaiveDate::from_ymd_opt(1970, 1, 1)
                .expect("a date")
                .and_hms_opt(0, 0, 0)
                .expect("a time"),
            yearly: None,
        }];
    }
    let mut open: Vec<Run> = Vec::new();
    let mut done: Vec<Observance> = Vec::new();
    for change in found {
        match open
            .iter_mut()
            .position(|run| Run::key(run.changes.last().expect("non-empty")) == Run::key(&change))
        {
            Some(i) if open[i].extend(&change) => {}
            Some(i) => {
                let finished = std::mem::replace(&mut open[i], Run::new(change));
                done.push(finished.into_observance(false));
            }
            None => open.push(Run::new(change)),
        }
    }
    for run in open {
        let still_in_force = run.changes.last().map(|c| c.onset().year()) == Some(last + 1);
        done.push(run.into_observance(still_in_force));
    }
    done.sort_by_key(|o| o.start);
    done
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ical::generator::Emitter;

    /// The changes an observance describes up to the end of `until_year`, in UTC, evaluated the
    /// way RFC 5545 3.6.5 reads it (independently of how `observances` found them).
    fn onsets(o: &Observance, until_year: i32) -> Vec<(DateTime<Utc>, i32)> {
        let to_utc = |local: NaiveDateTime| (local - Duration::seconds(o.before.into())).and_utc();
        let mut out = vec![(to_utc(o.start), o.after.offset)];
        if let Some((rule, until)) = o.yearly {
            for year in o.start.year() + 1..=until_year {
                let month = o.start.month();
                let days: Vec<NaiveDate> = (1..=31)
                    .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
                    .filter(|d| d.weekday() == o.start.weekday())
                    .collect();
                let day = match rule {
                    DayRule::Last => days.last().copied(),
                    DayRule::Nth(n) => days.get(usize::from(n) - 1).copied(),
                };
                let Some(day) = day else { continue };
                let at = to_utc(day.and_time(o.start.time()));
                if until.is_some_and(|u| at > u) {
                    break;
                }
                out.push((at, o.after.offset));
            }
        }
        out
    }

    /// The offset at `at` by the observances' own changes (sorted), RFC 5545 style: before the
    /// first change, the offset it changes from.
    fn offset_by_observances(
        changes: &[(DateTime<Utc>, i32)],
        first_before: i32,
        at: DateTime<Utc>,
    ) -> i32 {
        match changes.partition_point(|(t, _)| *t <= at) {
            0 => first_before,
            n => changes[n - 1].1,
        }
    }

    #[test]
    fn prague_is_written_in_the_yearly_rule_form() {
        let text = vtimezone(chrono_tz::Europe::Prague, 2026, 2027).generate();
        let expected = "BEGIN:VTIMEZONE\r\n\
            TZID:Europe/Prague\r\n\
            X-LIC-LOCATION:Europe/Prague\r\n\
            BEGIN:DAYLIGHT\r\n\
            TZOFFSETFROM:+0100\r\n\
            TZOFFSETTO:+0200\r\n\
            TZNAME:CEST\r\n\
            DTSTART:19990328T020000\r\n\
            RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
            END:DAYLIGHT\r\n\
            BEGIN:STANDARD\r\n\
            TZOFFSETFROM:+0200\r\n\
            TZOFFSETTO:+0100\r\n\
            TZNAME:CET\r\n\
            DTSTART:19991031T030000\r\n\
            RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
            END:STANDARD\r\n\
            END:VTIMEZONE\r\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn every_feed_gets_the_same_definition_of_a_zone() {
        let prague = chrono_tz::Europe::Prague;
        assert_eq!(
            vtimezone(prague, 2022, 2022).generate(),
            vtimezone(prague, 2027, 2031).generate()
        );
    }

    #[test]
    fn a_zone_without_daylight_saving_has_one_observance() {
        let all = observances(chrono_tz::Asia::Tokyo, 2026, 2027);
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].before, all[0].after.offset), (9 * 3600, 9 * 3600));
        assert!(all[0].yearly.is_none());
    }

    #[test]
    fn us_rules_use_the_nth_sunday() {
        let text = vtimezone(chrono_tz::America::New_York, 2026, 2028).generate();
        assert!(
            text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"),
            "{text}"
        );
        assert!(
            text.contains("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"),
            "{text}"
        );
    }

    #[test]
    fn every_instant_gets_the_offset_the_iana_database_gives() {
        let zones = [
            chrono_tz::Europe::Prague,
            chrono_tz::Europe::London,
            chrono_tz::America::New_York,
            chrono_tz::America::Mexico_City, // dropped DST in 2022
            chrono_tz::Australia::Sydney,    // southern hemisphere
            chrono_tz::Australia::Lord_Howe, // 30-minute DST
            chrono_tz::Pacific::Chatham,     // +12:45
            chrono_tz::Africa::Casablanca,   // Ramadan changes, no yearly rule
            chrono_tz::Asia::Tokyo,
            chrono_tz::UTC,
        ];
        for tz in zones {
            for (first, last) in [(2021, 2023), (2026, 2026), (2022, 2028)] {
                let all = observances(tz, first, last);
                let mut onsets_of_all: Vec<(DateTime<Utc>, i32)> =
                    all.iter().flat_map(|o| onsets(o, last + 1)).collect();
                onsets_of_all.sort();
                let first_before = all.iter().min_by_key(|o| o.start).unwrap().before;
                let start = Utc.with_ymd_and_hms(first, 1, 1, 0, 0, 0).unwrap();
                let end = Utc.with_ymd_and_hms(last + 1, 1, 1, 0, 0, 0).unwrap();
                let mut probes = Vec::new();
                let mut t = start;
                while t < end {
                    probes.push(t);
                    t += Duration::hours(1);
                }
                for change in changes(tz, start, end) {
                    for d in [-1, 0, 1] {
                        probes.push(change.at + Duration::seconds(d));
                    }
                }
                for at in probes {
                    assert_eq!(
                        offset_by_observances(&onsets_of_all, first_before, at),
                        state_at(tz, at).offset,
                        "{tz} at {at} (events in {first}–{last})"
                    );
                }
            }
        }
    }

    #[test]
    fn offsets_are_written_with_sign_hours_minutes_and_seconds_when_needed() {
        assert_eq!(offset_text(3600), "+0100");
        assert_eq!(offset_text(-5 * 3600), "-0500");
        assert_eq!(offset_text(12 * 3600 + 45 * 60), "+1245");
        assert_eq!(offset_text(-(3600 + 15 * 60 + 30)), "-011530");
        assert_eq!(offset_text(0), "+0000");
    }
}
