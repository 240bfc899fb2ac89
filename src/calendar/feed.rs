//! What a feed says: programme data in, iCalendar text out. No database, no HTTP.
//!
//! The output depends on nothing but its input (no clock), so every instance writes the same
//! bytes for the same data and the ETag (a hash of them) agrees behind a load balancer.

use std::{
    borrow::Cow,
    collections::{BTreeMap, HashMap},
};

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use entity::{
    enums::{ActivityKind, ActivityStatus},
    fair,
};
use ical::{
    generator::{IcalCalendarBuilder, IcalEvent},
    parser::ical::component::IcalCalendar,
};

use super::{ics, links, vtimezone::vtimezone};
use crate::{
    i18n::Lang,
    programme::Activity,
    timezone::{DEFAULT, zone_of},
};

/// How often calendar apps should poll (REFRESH-INTERVAL, X-PUBLISHED-TTL). Polling is cheap
/// (a 304 from memory), and a moved session should not wait half a day to move.
pub const REFRESH: &str = "PT1H";

/// Everything a feed shows, loaded from the database.
pub struct Programme {
    /// X-WR-CALNAME.
    pub name: String,
    /// X-WR-CALDESC, when there is one.
    pub description: Option<String>,
    /// X-WR-TIMEZONE: the zone people think of the calendar in.
    pub zone: Tz,
    /// In feed order (start, then id).
    pub activities: Vec<Activity>,
    /// The fairs of those activities that belong to one.
    pub fairs: HashMap<i32, fair::Model>,
}

/// The calendar as RFC 5545 text.
///
/// The head (calendar properties and VTIMEZONEs) and the events are generated separately and
/// joined, so that a large feed's events can be written on several cores; the text is the same
/// as the generator writes for the whole calendar.
pub fn write(programme: &Programme, lang: Lang, base_url: &str) -> String {
    const END: &str = "END:VCALENDAR\r\n";
    let mut out = ics::write(&head(programme, lang));
    debug_assert!(out.ends_with(END));
    out.truncate(out.len() - END.len());
    let activities = &programme.activities;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(activities.len() / 250 + 1);
    let labels = Labels::new(lang);
    let write_events = |chunk: &[Activity]| {
        // About a kilobyte an event; growing a string of megabytes by doubling copies it.
        let mut text = String::with_capacity(chunk.len() * 1200);
        for activity in chunk {
            let fair = activity
                .model
                .fair_id
                .and_then(|id| programme.fairs.get(&id));
            let zone = zone(programme, activity);
            let event = event(activity, fair, zone, &labels, base_url, None);
            ics::write_event_into(&event, &mut text);
        }
        text
    };
    if threads <= 1 {
        out.push_str(&write_events(activities));
    } else {
        let size = activities.len().div_ceil(threads);
        let parts: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = activities
                .chunks(size)
                .map(|chunk| scope.spawn(move || write_events(chunk)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("writing events does not panic"))
                .collect()
        });
        out.reserve(parts.iter().map(String::len).sum());
        for part in parts {
            out.push_str(&part);
        }
    }
    out.push_str(END);
    out
}

/// The calendar of `programme`'s events as withdrawn from a person who no longer attends (a
/// sign-up cancelled, or moved elsewhere): each event with its UID, a SEQUENCE one past the
/// feeds' and STATUS:CANCELLED, stamped `now`. A calendar that imported the event with the
/// confirmation marks it cancelled; the feeds, which hold the event for everyone, are unchanged.
pub fn write_withdrawn(
    programme: &Programme,
    lang: Lang,
    base_url: &str,
    now: DateTime<Utc>,
) -> String {
    let mut calendar = head(programme, lang);
    let labels = Labels::new(lang);
    for activity in &programme.activities {
        let fair = activity
            .model
            .fair_id
            .and_then(|id| programme.fairs.get(&id));
        let zone = zone(programme, activity);
        let event = event(activity, fair, zone, &labels, base_url, Some(now));
        calendar.events.push(event);
    }
    ics::write(&calendar)
}

/// The calendar without its events: properties and a VTIMEZONE per zone the events use.
fn head(programme: &Programme, lang: Lang) -> IcalCalendar {
    let mut builder = IcalCalendarBuilder::version("2.0")
        .gregorian()
        .prodid(format!(
            "-//veletrh//veletrh {}//{}",
            env!("CARGO_PKG_VERSION"),
            lang.code().to_uppercase()
        ))
        .set(ics::raw("METHOD", "PUBLISH"))
        .set(ics::text("X-WR-CALNAME", &programme.name))
        .set(ics::raw("X-WR-TIMEZONE", programme.zone.name()));
    if let Some(description) = programme
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        builder = builder.set(ics::text("X-WR-CALDESC", description));
    }
    builder = builder
        .set(ics::with_param(
            ics::raw("REFRESH-INTERVAL", REFRESH),
            "VALUE",
            "DURATION",
        ))
        .set(ics::raw("X-PUBLISHED-TTL", REFRESH));

    // One VTIMEZONE per zone the events use, covering the years they touch.
    let mut years: BTreeMap<&'static str, (Tz, i32, i32)> = BTreeMap::new();
    for activity in &programme.activities {
        let tz = zone(programme, activity);
        for at in [activity.model.starts_at, activity.model.ends_at] {
            let year = at.with_timezone(&tz).year();
            let span = years.entry(tz.name()).or_insert((tz, year, year));
            span.1 = span.1.min(year);
            span.2 = span.2.max(year);
        }
    }
    for (tz, first, last) in years.into_values() {
        builder = builder.add_tz(vtimezone(tz, first, last));
    }

    builder.build()
}

/// An activity's zone is its fair's; a meeting without a fair is in the default zone.
fn zone(programme: &Programme, activity: &Activity) -> Tz {
    activity
        .model
        .fair_id
        .and_then(|id| programme.fairs.get(&id))
        .map_or(DEFAULT, |fair| zone_of(&fair.timezone))
}

/// The UID of an activity's event, the same in every feed, every email and forever: its id and
/// its creation time, which never change (the time tells two databases' activity 7 apart). It
/// names no host, so moving the service to another domain keeps every subscriber's events.
pub fn uid(activity: &entity::activity::Model) -> String {
    format!(
        "activity-{}-{}@veletrh",
        activity.id,
        ics::utc_value(activity.created_at)
    )
}

/// Meeting series: each occurrence is its own VEVENT, not one VEVENT with an RRULE. The schema
/// stores every occurrence as its own activity row, with its own seats, sign-ups, revision and
/// status, so an edited or cancelled occurrence is simply that row's event with a higher
/// SEQUENCE; a personal feed holds only the occurrences the person signed up for; and no client
/// has to get RECURRENCE-ID overrides and EXDATE time zones right (ical-check found clients that
/// do not). What is lost, a "this is a series" marker in the client, the title and the CATEGORIES
/// carry instead.
///
/// `withdrawn_at`: the event as withdrawn then from one person ([`write_withdrawn`]).
fn event(
    activity: &Activity,
    fair: Option<&fair::Model>,
    tz: Tz,
    labels: &Labels,
    base_url: &str,
    withdrawn_at: Option<DateTime<Utc>>,
) -> IcalEvent {
    let a = &activity.model;
    let cancelled = a.status == ActivityStatus::Cancelled
        || fair.is_some_and(|f| f.status == ActivityStatus::Cancelled);
    // A fair-level change (its venue, its zone, its cancellation) changes every event of the fair,
    // so it counts as a revision of each: both counters only ever grow, and so does their sum.
    // Withdrawn, it is one past that, to replace the copy the person has.
    let revisions = (a.revision - 1).max(0)
        + fair.map_or(0, |f| (f.revision - 1).max(0))
        + i32::from(withdrawn_at.is_some());
    let modified = latest(a.updated_at, fair.map(|f| f.updated_at));
    let url = links::activity_page(base_url, a.kind, a.id);

    let summary = if withdrawn_at.is_some() {
        format!("{}: {}", labels.withdrawn, a.title)
    } else if cancelled {
        format!("{}: {}", labels.cancelled, a.title)
    } else {
        a.title.clone()
    };
    let location = crate::programme::location(a, fair.map(|f| f.venue.as_str()));

    // The note of a cancellation, the activity's own text, then the facts, one per line.
    let mut description = String::with_capacity(a.description.len() + 256);
    let mut paragraph = |text: &str| {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(text);
    };
    if withdrawn_at.is_some() {
        paragraph(labels.withdrawn_note);
    } else if cancelled {
        paragraph(labels.cancelled_note);
    }
    if !a.description.trim().is_empty() {
        paragraph(a.description.trim());
    }
    let mut facts = Vec::with_capacity(6);
    if !activity.speakers.is_empty() {
        facts.push((labels.speakers, Cow::Owned(activity.speaker_line())));
    }
    if let Some(room) = a.room.as_deref().filter(|r| !r.trim().is_empty()) {
        facts.push((labels.room, Cow::Borrowed(room)));
    }
    if let Some(place) = a.place.as_deref().filter(|p| !p.trim().is_empty()) {
        facts.push((labels.place, Cow::Borrowed(place)));
    }
    if let Some(url) = a.online_url.as_deref() {
        facts.push((labels.join, Cow::Borrowed(url)));
    }
    if let Some(fair) = fair {
        facts.push((labels.fair, Cow::Borrowed(fair.name.as_str())));
    }
    facts.push((labels.link, Cow::Borrowed(url.as_str())));
    let mut lines = String::new();
    for (label, value) in facts {
        if !lines.is_empty() {
            lines.push('\n');
        }
        lines.push_str(label);
        lines.push_str(": ");
        lines.push_str(&value);
    }
    paragraph(&lines);

    let kind = match a.kind {
        ActivityKind::Workshop => labels.workshop,
        ActivityKind::Meeting => labels.meeting,
    };

    let mut event = IcalEvent::new();
    event.properties = vec![
        ics::raw("UID", uid(a)),
        // DTSTAMP is when this version of the event was made, not when the feed was: the bytes
        // stay the same until something changes (see the module docs).
        ics::utc("DTSTAMP", withdrawn_at.unwrap_or(modified)),
        ics::utc("CREATED", a.created_at),
        ics::utc("LAST-MODIFIED", modified),
        ics::raw("SEQUENCE", revisions.to_string()),
        ics::zoned("DTSTART", a.starts_at, tz),
        ics::zoned("DTEND", a.ends_at, tz),
        ics::text("SUMMARY", &summary),
        ics::text("DESCRIPTION", &description),
    ];
    if !location.trim().is_empty() {
        event.properties.push(ics::text("LOCATION", &location));
    }
    event.properties.push(ics::raw("URL", url));
    event.properties.push(ics::text_list(
        "CATEGORIES",
        [Some(kind), a.topic.as_deref()].into_iter().flatten(),
    ));
    event.properties.push(ics::raw(
        "STATUS",
        if cancelled || withdrawn_at.is_some() {
            "CANCELLED"
        } else {
            "CONFIRMED"
        },
    ));
    event
}

/// The words of the events, looked up once per feed rather than once per event.
struct Labels {
    cancelled: &'static str,
    cancelled_note: &'static str,
    withdrawn: &'static str,
    withdrawn_note: &'static str,
    speakers: &'static str,
    room: &'static str,
    place: &'static str,
    fair: &'static str,
    join: &'static str,
    link: &'static str,
    workshop: &'static str,
    meeting: &'static str,
}

impl Labels {
    fn new(lang: Lang) -> Labels {
        Labels {
            cancelled: lang.text("cal.cancelled"),
            cancelled_note: lang.text("cal.cancelled_note"),
            withdrawn: lang.text("cal.withdrawn"),
            withdrawn_note: lang.text("cal.withdrawn_note"),
            speakers: lang.text("cal.speakers"),
            room: lang.text("cal.room"),
            place: lang.text("cal.place"),
            fair: lang.text("cal.fair"),
            join: lang.text("cal.join"),
            link: lang.text("cal.link"),
            workshop: lang.text("cal.workshop"),
            meeting: lang.text("cal.meeting"),
        }
    }
}

fn latest(a: DateTime<Utc>, b: Option<DateTime<Utc>>) -> DateTime<Utc> {
    b.map_or(a, |b| a.max(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use entity::{activity, speaker};
    use ical::generator::Emitter;

    fn fair(zone: &str, revision: i32) -> fair::Model {
        let at = Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap();
        fair::Model {
            id: 1,
            slug: "f".into(),
            name: "Úspěch pro každého žáka".into(),
            venue: "Kampus Hybernská, Praha".into(),
            description: String::new(),
            timezone: zone.into(),
            starts_at: at,
            ends_at: at + Duration::hours(8),
            registration_opens_at: None,
            registration_closes_at: None,
            status: ActivityStatus::Scheduled,
            revision,
            created_at: at - Duration::days(30),
            updated_at: at - Duration::days(20),
        }
    }

    fn workshop(id: i32, revision: i32) -> Activity {
        let start = Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap() + Duration::days(id.into());
        Activity {
            model: activity::Model {
                id,
                kind: ActivityKind::Workshop,
                fair_id: Some(1),
                series_id: None,
                region_id: None,
                title: format!("Workshop {id}: čtení, psaní; počítání"),
                description: "Popis\nna dva řádky".into(),
                topic: Some("Průřezová témata".into()),
                room: Some("Sál A".into()),
                place: None,
                online_url: None,
                starts_at: start,
                ends_at: start + Duration::minutes(90),
                capacity: 30,
                taken: 0,
                waitlist_enabled: true,
                registration_opens_at: None,
                registration_closes_at: None,
                per_school_limit: None,
                no_show_release_minutes: None,
                status: ActivityStatus::Scheduled,
                revision,
                created_at: start - Duration::days(40),
                updated_at: start - Duration::days(10),
            },
            speakers: vec![speaker::Model {
                id,
                activity_id: id,
                position: 0,
                name: "H. Košťálová".into(),
                organisation: Some("Pomáháme školám k úspěchu".into()),
            }],
            venue: None,
            zone: crate::timezone::DEFAULT,
        }
    }

    #[test]
    fn a_location_is_the_room_then_the_own_place_or_else_the_venue() {
        let mut a = workshop(1, 1).model;
        let venue = Some("Kampus Hybernská, Praha 1");
        let location = |a: &activity::Model| crate::programme::location(a, venue);
        assert_eq!(location(&a), "Sál A, Kampus Hybernská, Praha 1");
        a.place = Some("Aula ZŠ Krnov".into());
        assert_eq!(location(&a), "Sál A, Aula ZŠ Krnov");
        a.room = Some("  ".into());
        a.place = None;
        assert_eq!(location(&a), "Kampus Hybernská, Praha 1");
        assert_eq!(crate::programme::location(&a, None), "");
    }

    fn programme(events: i32, zone: &str, fair_revision: i32) -> Programme {
        Programme {
            name: "Veletrh".into(),
            description: None,
            zone: zone_of(zone),
            activities: (1..=events).map(|id| workshop(id, 1)).collect(),
            fairs: HashMap::from([(1, fair(zone, fair_revision))]),
        }
    }

    #[test]
    fn the_joined_text_is_what_the_generator_writes_for_the_whole_calendar() {
        for events in [0, 1, 3, 1200] {
            let programme = programme(events, "Europe/Prague", 1);
            let mut whole = head(&programme, Lang::Cs);
            let labels = Labels::new(Lang::Cs);
            for a in &programme.activities {
                let tz = zone(&programme, a);
                whole.events.push(event(
                    a,
                    programme.fairs.get(&1),
                    tz,
                    &labels,
                    "https://x.cz",
                    None,
                ));
            }
            assert_eq!(
                write(&programme, Lang::Cs, "https://x.cz"),
                ics::write(&whole),
                "{events} events"
            );
            assert!(whole.generate().starts_with("BEGIN:VCALENDAR\r\n"));
        }
    }

    #[test]
    fn a_change_of_the_fair_raises_the_sequence_of_each_of_its_events() {
        let before = write(&programme(2, "Europe/Prague", 1), Lang::Cs, "https://x.cz");
        let after = write(&programme(2, "Europe/Prague", 3), Lang::Cs, "https://x.cz");
        assert_eq!(before.matches("SEQUENCE:0\r\n").count(), 2);
        assert_eq!(after.matches("SEQUENCE:2\r\n").count(), 2);
    }

    #[test]
    fn a_withdrawn_event_replaces_the_one_given_with_the_confirmation() {
        let programme = programme(1, "Europe/Prague", 3);
        let given = write(&programme, Lang::En, "https://x.cz");
        let now = Utc::now();
        let withdrawn = write_withdrawn(&programme, Lang::En, "https://x.cz", now);
        let line = |text: &str, name: &str| {
            let start = text.find(&format!("\r\n{name}")).expect(name) + 2;
            text[start..start + text[start..].find("\r\n").unwrap()].to_owned()
        };
        assert_eq!(line(&withdrawn, "UID:"), line(&given, "UID:"));
        assert_eq!(line(&given, "SEQUENCE:"), "SEQUENCE:2");
        assert_eq!(line(&withdrawn, "SEQUENCE:"), "SEQUENCE:3");
        assert_eq!(line(&given, "STATUS:"), "STATUS:CONFIRMED");
        assert_eq!(line(&withdrawn, "STATUS:"), "STATUS:CANCELLED");
        assert_eq!(
            line(&withdrawn, "DTSTAMP:"),
            format!("DTSTAMP:{}", ics::utc_value(now))
        );
        assert!(line(&withdrawn, "SUMMARY:").starts_with("SUMMARY:SIGN-UP CANCELLED: "));
        let unfolded = withdrawn.replace("\r\n ", "");
        assert!(unfolded.contains("The event itself still takes place."));
        assert_eq!(line(&withdrawn, "DTSTART"), line(&given, "DTSTART"));
    }

    #[test]
    fn events_carry_the_zone_of_their_fair() {
        let text = write(
            &programme(1, "America/New_York", 1),
            Lang::En,
            "https://x.cz",
        );
        assert!(text.contains("TZID:America/New_York\r\n"));
        // 13 January 2027, 08:00 UTC is 03:00 in New York (EST).
        assert!(text.contains("DTSTART;TZID=America/New_York:20270113T030000\r\n"));
        assert!(text.contains("X-WR-TIMEZONE:America/New_York\r\n"));
        assert!(!text.contains("Europe/Prague"));
    }

    #[test]
    fn the_uid_depends_on_nothing_that_can_change() {
        let mut a = workshop(7, 1);
        let uid_before = uid(&a.model);
        a.model.title = "Jiný název".into();
        a.model.revision = 5;
        a.model.starts_at += Duration::days(3);
        a.model.updated_at += Duration::days(3);
        assert_eq!(uid(&a.model), uid_before);
        assert_eq!(uid_before, "activity-7-20261210T080000Z@veletrh");
    }
}
