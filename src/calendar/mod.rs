//! iCalendar feeds of the programme, for calendar apps that poll them for months.
//!
//! | URL | holds |
//! |---|---|
//! | `/fairs/{slug}/calendar.ics` | the fair's whole programme |
//! | `/workshops/{id}/calendar.ics`, `/meetings/{id}/calendar.ics` | one activity |
//! | `/meetings/calendar.ics?region=…&district=…` | regional meetings (filters by slug, optional) |
//! | `/me/{token}/calendar.ics` | a person's confirmed and attended sign-ups |
//!
//! Every feed takes `?lang=en` (default Czech; a personal feed defaults to its owner's
//! language). What clients rely on:
//!
//! - an activity's UID never changes ([`feed::uid`]); every edit raises its SEQUENCE (the
//!   activity's revision − 1, plus its fair's) and LAST-MODIFIED; a cancelled activity stays in
//!   the feed with `STATUS:CANCELLED` (and says so in its title, for clients that hide the
//!   status);
//! - local times carry the TZID of the fair's zone, defined by a VTIMEZONE in the yearly RRULE
//!   form ([`vtimezone`]), so they stay right on both sides of a daylight-saving change;
//! - each occurrence of a meeting series is its own event (why: [`feed`]);
//! - the text is RFC 5545 to the octet ([`ics`]): CRLF, folded at 75 octets, TEXT escaped.
//!
//! Feeds are served from memory and rebuilt only when something in them changed, which one
//! aggregate query over the feed's rows tells ([`source`]). That query runs against the shared
//! database, so several instances on one PostgreSQL stay right without telling each other
//! anything; requests for the same public feed share it for up to a second ([`cache`]), so an
//! edit reaches every instance's feeds within a second. HTTP answers carry ETag (a hash of the
//! bytes, the same on every instance), Last-Modified and `Cache-Control` ([`routes`]).
//! `benches/feeds.rs` measures serving and building (see the README).
//!
//! For emails and pages: [`SeatEvent`] (the attachment of a seat's emails),
//! [`withdrawn_ics`] (of a cancelled or moved sign-up) and [`links`] (feed addresses,
//! `webcal://`, Google and Outlook links).

pub mod cache;
pub mod feed;
pub mod ics;
pub mod links;
pub mod routes;
pub mod source;
pub mod vtimezone;

pub use cache::{Built, Feeds, REVALIDATE_AFTER};
pub use routes::routes;
pub use source::{Feed, FeedRequest};

use chrono::{DateTime, Utc};
use entity::fair;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::i18n::Lang;

/// The calendar of one workshop or meeting as attached to the emails of a confirmed seat
/// (confirmed, moved, changed, cancelled): its feed, loaded once and written for each holder
/// with their personal join link when it is held online, which no shared feed shows.
pub struct SeatEvent {
    programme: feed::Programme,
    lang: Lang,
}

impl SeatEvent {
    /// `Ok(None)`: no such activity.
    pub async fn load(
        conn: &impl ConnectionTrait,
        activity_id: i32,
        lang: Lang,
    ) -> Result<Option<SeatEvent>, DbErr> {
        let programme = source::load(conn, &Feed::Activity(activity_id), lang).await?;
        Ok(programme.map(|programme| SeatEvent { programme, lang }))
    }

    /// The `.ics` for a holder whose join link is `join_url` (`None`: held in person).
    pub fn ics(&mut self, base_url: &str, join_url: Option<String>) -> String {
        for activity in &mut self.programme.activities {
            activity.model.online_url.clone_from(&join_url);
        }
        feed::write(&self.programme, self.lang, base_url)
    }
}

/// [`SeatEvent`] as withdrawn `now` from a person who no longer attends
/// ([`feed::write_withdrawn`]): for the emails of a cancelled or moved sign-up. `Ok(None)`: no
/// such activity.
pub async fn withdrawn_ics(
    conn: &impl ConnectionTrait,
    activity_id: i32,
    lang: Lang,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    Ok(source::load(conn, &Feed::Activity(activity_id), lang)
        .await?
        .map(|programme| feed::write_withdrawn(&programme, lang, base_url, now)))
}

/// The fair's whole programme, built from the database now (no cache). `Ok(None)`: no such
/// fair.
pub async fn fair_ics(
    conn: &impl ConnectionTrait,
    slug: &str,
    lang: Lang,
    base_url: &str,
) -> Result<Option<String>, DbErr> {
    let fair = fair::Entity::find()
        .filter(fair::Column::Slug.eq(slug))
        .one(conn)
        .await?;
    match fair {
        Some(fair) => build(conn, &Feed::Fair(fair.id), lang, base_url).await,
        None => Ok(None),
    }
}

async fn build(
    conn: &impl ConnectionTrait,
    feed: &Feed,
    lang: Lang,
    base_url: &str,
) -> Result<Option<String>, DbErr> {
    Ok(source::load(conn, feed, lang)
        .await?
        .map(|programme| feed::write(&programme, lang, base_url)))
}
