//! The home page: every fair with its programme, and the upcoming regional meetings.

use chrono::Utc;
use minijinja::context;
use poem::{
    handler,
    web::{Data, Html},
};
use serde::Serialize;

use super::{PageLang, error};
use crate::{i18n::Lang, programme, startup::AppState, timezone::zone_of};

#[derive(Serialize)]
struct FairItem {
    name: String,
    venue: String,
    when: String,
    workshops: Vec<ActivityItem>,
}

#[derive(Serialize)]
struct ActivityItem {
    title: String,
    when: String,
    room: Option<String>,
    place: Option<String>,
    speakers: String,
    seats_left: i32,
}

fn item(a: &programme::Activity, lang: Lang, tz: chrono_tz::Tz) -> ActivityItem {
    ActivityItem {
        title: a.model.title.clone(),
        when: lang.when(a.model.starts_at, a.model.ends_at, tz),
        room: a.model.room.clone(),
        place: a.model.place.clone(),
        speakers: a.speaker_line(),
        seats_left: a.seats_left(),
    }
}

#[handler]
pub async fn home(
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Html<String>> {
    let conn = state.db.conn();
    let mut fairs = Vec::new();
    for fair in programme::fairs(conn).await.map_err(error::db)? {
        let tz = zone_of(&fair.timezone);
        let workshops = programme::workshops(conn, fair.id)
            .await
            .map_err(error::db)?;
        fairs.push(FairItem {
            when: lang.date(fair.starts_at, tz),
            workshops: workshops.iter().map(|w| item(w, lang, tz)).collect(),
            name: fair.name,
            venue: fair.venue,
        });
    }
    let meetings = programme::upcoming_meetings(conn, Utc::now())
        .await
        .map_err(error::db)?;
    let tz = crate::timezone::DEFAULT;
    let meetings: Vec<_> = meetings.iter().map(|m| item(m, lang, tz)).collect();
    state
        .pages
        .render("home.html", lang, context! { fairs, meetings })
}
