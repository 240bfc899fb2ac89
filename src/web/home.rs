//! The home page: every fair with links to its programme and exhibitors, and the upcoming
//! regional meetings.

use chrono::Utc;
use minijinja::context;
use poem::{Request, Response, handler, http::StatusCode, web::Data};
use serde::Serialize;

use super::{PageLang, error, lang::here, views::ActivityView};
use crate::{programme, startup::AppState, timezone::zone_of};

#[derive(Serialize)]
struct FairItem {
    slug: String,
    name: String,
    venue: String,
    when: String,
    description: String,
    workshops: Vec<ActivityView>,
}

/// How many upcoming meetings the home page lists before "all meetings".
const MEETINGS_SHOWN: usize = 3;

#[handler]
pub async fn home(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let conn = state.db.conn();
    let mut fairs = Vec::new();
    let now = Utc::now();
    for fair in programme::fairs(conn).await.map_err(error::db)? {
        let tz = zone_of(&fair.timezone);
        let workshops = programme::workshops(conn, fair.id)
            .await
            .map_err(error::db)?
            .iter()
            .map(|w| ActivityView::new(w, Some(&fair), lang, now))
            .collect();
        fairs.push(FairItem {
            when: lang.date(fair.starts_at, tz),
            workshops,
            slug: fair.slug,
            name: fair.name,
            venue: fair.venue,
            description: fair.description,
        });
    }
    let meetings = programme::upcoming_meetings(conn, now)
        .await
        .map_err(error::db)?;
    let more_meetings = meetings.len() > MEETINGS_SHOWN;
    let meetings: Vec<_> = meetings
        .iter()
        .take(MEETINGS_SHOWN)
        .map(|m| ActivityView::new(m, None, lang, now))
        .collect();
    state.pages.respond(
        StatusCode::OK,
        "home.html",
        lang,
        context! { here => here(req), fairs, meetings, more_meetings },
    )
}
