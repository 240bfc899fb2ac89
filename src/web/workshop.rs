//! `GET /workshops/{id}`: one workshop with its speakers, room, time, seats and calendar links.

use chrono::Utc;
use entity::{enums::ActivityKind, fair};
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use sea_orm::EntityTrait;

use super::{
    PageLang, error,
    lang::here,
    views::{ActivityView, CalendarLinks},
};
use crate::{programme, startup::AppState};

#[handler]
pub async fn detail(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let not_found = || poem::Error::from_status(StatusCode::NOT_FOUND);
    let id: i32 = id.parse().map_err(|_| not_found())?;
    let conn = state.db.conn();
    let activity = programme::activity(conn, id)
        .await
        .map_err(error::db)?
        .filter(|a| a.model.kind == ActivityKind::Workshop)
        .ok_or_else(not_found)?;
    let fair = match activity.model.fair_id {
        Some(fair_id) => fair::Entity::find_by_id(fair_id)
            .one(conn)
            .await
            .map_err(error::db)?,
        None => None,
    }
    .ok_or_else(not_found)?;
    let view = ActivityView::new(&activity, Some(&fair), lang, Utc::now());
    let calendar = CalendarLinks::of_activity(
        &state.links.base,
        ActivityKind::Workshop,
        id,
        &activity.model.title,
        lang,
    );
    state.pages.respond(
        StatusCode::OK,
        "workshop.html",
        lang,
        context! {
            here => here(req),
            workshop => view,
            fair_slug => fair.slug,
            fair_name => fair.name,
            venue => fair.venue,
            calendar,
        },
    )
}
