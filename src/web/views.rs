//! Workshops and meetings as the templates show them.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use entity::{enums::ActivityKind, fair};
use serde::Serialize;

pub use crate::programme::Availability;
use crate::{
    calendar::links,
    i18n::Lang,
    programme::{Activity, availability},
};

#[derive(Debug, Serialize)]
pub struct SpeakerView {
    pub name: String,
    pub organisation: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ActivityView {
    pub id: i32,
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub topic: Option<String>,
    /// Day and hours: "út 12. 5. 2026 9:30–11:00".
    pub when: String,
    /// Hours only: "9:30–11:00".
    pub hours: String,
    pub room: Option<String>,
    pub place: Option<String>,
    /// "H. Košťálová, M. Kafková (Pomáháme školám k úspěchu)".
    pub speaker_line: String,
    pub speakers: Vec<SpeakerView>,
    pub capacity: i32,
    pub seats_left: i32,
    pub waitlist: bool,
    pub availability: Availability,
    /// Open, and a seat or a place on the waiting list is there to take.
    pub bookable: bool,
    /// The page, relative: `/workshops/3`.
    pub path: String,
    /// Preselected in a form.
    pub checked: bool,
    pub region_id: Option<i32>,
}

impl ActivityView {
    pub fn new(a: &Activity, fair: Option<&fair::Model>, lang: Lang, now: DateTime<Utc>) -> Self {
        let m = &a.model;
        let tz = fair.map_or(crate::timezone::DEFAULT, |f| {
            crate::timezone::zone_of(&f.timezone)
        });
        let availability = availability(m, fair, now);
        let seats_left = a.seats_left();
        ActivityView {
            id: m.id,
            kind: m.kind.as_str(),
            title: m.title.clone(),
            description: m.description.clone(),
            topic: m.topic.clone(),
            when: lang.when(m.starts_at, m.ends_at, tz),
            hours: hours(m.starts_at, m.ends_at, tz),
            room: m.room.clone(),
            place: m.place.clone(),
            speaker_line: a.speaker_line(),
            speakers: a
                .speakers
                .iter()
                .map(|s| SpeakerView {
                    name: s.name.clone(),
                    organisation: s.organisation.clone(),
                })
                .collect(),
            capacity: m.capacity,
            seats_left,
            waitlist: m.waitlist_enabled,
            bookable: availability == Availability::Open && (seats_left > 0 || m.waitlist_enabled),
            availability,
            path: links::activity_page("", m.kind, m.id),
            checked: false,
            region_id: m.region_id,
        }
    }
}

/// "9:30–11:00" on the wall clock of `tz`.
pub fn hours(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    format!(
        "{}:{:02}–{}:{:02}",
        s.hour(),
        s.minute(),
        e.hour(),
        e.minute()
    )
}

/// The "add to calendar" links of one feed.
#[derive(Debug, Serialize)]
pub struct CalendarLinks {
    /// The `.ics` over https (download, or paste into a calendar app).
    pub https: String,
    pub webcal: String,
    pub google: String,
    pub outlook: String,
}

impl CalendarLinks {
    pub fn new(feed_url: &str, name: &str) -> Self {
        CalendarLinks {
            https: feed_url.to_owned(),
            webcal: links::webcal_url(feed_url),
            google: links::google_url(feed_url),
            outlook: links::outlook_url(feed_url, name),
        }
    }

    pub fn of_activity(
        base_url: &str,
        kind: ActivityKind,
        id: i32,
        title: &str,
        lang: Lang,
    ) -> Self {
        CalendarLinks::new(
            &in_lang(links::activity_feed(base_url, kind, id), lang),
            title,
        )
    }
}

/// A public feed's address in the page's language (Czech, the feeds' default, needs nothing).
pub fn in_lang(feed_url: String, lang: Lang) -> String {
    match lang {
        Lang::Cs => feed_url,
        Lang::En => crate::i18n::with_lang(&feed_url, lang),
    }
}
