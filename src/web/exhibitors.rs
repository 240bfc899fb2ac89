//! `GET /fairs/{slug}/exhibitors`: the organisations with a stand, each with the workshops its
//! people run. An exhibitor runs a workshop when a speaker's organisation is the exhibitor's
//! name, compared loosely (see [`super::text::same_organisation`]). Only approved exhibitors
//! are listed (applications wait for the organisers); while the fair takes applications the
//! page links to the application form (`super::exhibitor_apply`).

use chrono::Utc;
use entity::{enums::ExhibitorStatus, exhibitor};
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::{PageLang, error, lang::here, views::ActivityView};
use crate::{domain::text, organiser::fairs::takes_applications, programme, startup::AppState};

#[derive(Debug, Serialize)]
struct ExhibitorView {
    name: String,
    description: String,
    website: Option<String>,
    stand: Option<String>,
    workshops: Vec<WorkshopLink>,
}

#[derive(Debug, Serialize)]
struct WorkshopLink {
    title: String,
    path: String,
    when: String,
}

#[handler]
pub async fn directory(
    req: &Request,
    Path(slug): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let conn = state.db.conn();
    let fair = programme::fair_by_slug(conn, &slug)
        .await
        .map_err(error::db)?
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    let workshops = programme::workshops(conn, fair.id)
        .await
        .map_err(error::db)?;
    let mut exhibitors = exhibitor::Entity::find()
        .filter(exhibitor::Column::FairId.eq(fair.id))
        .filter(exhibitor::Column::Status.eq(ExhibitorStatus::Approved))
        .all(conn)
        .await
        .map_err(error::db)?;
    exhibitors.sort_by_cached_key(|e| text::sort_key(&e.name));
    let now = Utc::now();
    let exhibitors: Vec<ExhibitorView> = exhibitors
        .into_iter()
        .map(|e| {
            let runs = workshops
                .iter()
                .filter(|w| {
                    w.speakers.iter().any(|s| {
                        s.organisation
                            .as_deref()
                            .is_some_and(|org| text::same_organisation(org, &e.name))
                    })
                })
                .map(|w| {
                    let view = ActivityView::new(w, Some(&fair), lang, now);
                    WorkshopLink {
                        title: view.title,
                        path: view.path,
                        when: view.hours,
                    }
                })
                .collect();
            ExhibitorView {
                name: e.name,
                description: e.description,
                // Only web addresses become links; anything else stays text.
                website: e
                    .website
                    .filter(|w| w.starts_with("https://") || w.starts_with("http://")),
                stand: e.stand,
                workshops: runs,
            }
        })
        .collect();
    state.pages.respond(
        StatusCode::OK,
        "exhibitors.html",
        lang,
        context! {
            here => here(req),
            apply_open => takes_applications(&fair, now),
            fair_slug => fair.slug,
            fair_name => fair.name,
            exhibitors,
        },
    )
}
