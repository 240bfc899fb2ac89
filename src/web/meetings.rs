//! Regional meetings: `GET /meetings?region=&district=` (filter by slug), `GET /meetings/{id}`
//! with its own sign-up form, `POST /meetings/{id}/sign-up`.

use chrono::Utc;
use entity::{activity_district, enums::ActivityKind};
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path, Redirect},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::{
    PageLang, error,
    lang::here,
    places::{self, RegionView},
    render::with_lang,
    sign_up::{self, FormValues, FormView, Outcome},
    views::{ActivityView, CalendarLinks, in_lang},
};
use crate::{calendar::links, domain::FieldError, i18n::Lang, programme, startup::AppState};

#[derive(Debug, Serialize)]
struct MeetingItem {
    #[serde(flatten)]
    activity: ActivityView,
    region: Option<String>,
    districts: Vec<String>,
}

#[derive(Debug, Serialize, Default)]
struct Filter {
    region: String,
    district: String,
}

/// The districts each meeting names.
async fn districts_of(
    conn: &impl sea_orm::ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(i32, i32)>, sea_orm::DbErr> {
    Ok(activity_district::Entity::find()
        .filter(activity_district::Column::ActivityId.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.activity_id, l.district_id))
        .collect())
}

fn item(
    a: &programme::Activity,
    regions: &[RegionView],
    links: &[(i32, i32)],
    lang: Lang,
) -> MeetingItem {
    let named: Vec<i32> = links
        .iter()
        .filter(|(activity, _)| *activity == a.model.id)
        .map(|(_, district)| *district)
        .collect();
    let (region, districts) = places::names(regions, a.model.region_id, &named);
    MeetingItem {
        activity: ActivityView::new(a, None, lang, Utc::now()),
        region,
        districts,
    }
}

#[handler]
pub async fn list(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let mut filter = Filter::default();
    if let Some(query) = req.uri().query() {
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "region" => filter.region = v.trim().to_owned(),
                "district" => filter.district = v.trim().to_owned(),
                _ => {}
            }
        }
    }
    let conn = state.db.conn();
    let regions = places::regions(conn).await.map_err(error::db)?;
    // An unknown slug, or a district outside the chosen region, is a field error of the filter.
    let mut errors = Vec::new();
    let region = regions.iter().find(|r| r.slug == filter.region);
    let district = regions
        .iter()
        .flat_map(|r| r.districts.iter().map(move |d| (r, d)))
        .find(|(_, d)| d.slug == filter.district);
    if !filter.region.is_empty() && region.is_none() {
        errors.push(FieldError::new("region", "unknown_choice"));
    }
    if !filter.district.is_empty() {
        match (district, region) {
            (None, _) => errors.push(FieldError::new("district", "unknown_choice")),
            (Some((of, _)), Some(region)) if of.id != region.id => {
                errors.push(FieldError::new("district", "district_not_in_region"))
            }
            _ => {}
        }
    }
    let meetings = if errors.is_empty() {
        programme::meetings_in(
            conn,
            Utc::now(),
            Some(&*filter.region).filter(|s| !s.is_empty()),
            Some(&*filter.district).filter(|s| !s.is_empty()),
        )
        .await
        .map_err(error::db)?
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    let ids: Vec<i32> = meetings.iter().map(|m| m.model.id).collect();
    let named = districts_of(conn, &ids).await.map_err(error::db)?;
    let items: Vec<MeetingItem> = meetings
        .iter()
        .map(|m| item(m, &regions, &named, lang))
        .collect();
    let feed = links::meetings_feed(
        &state.links.base,
        Some(&*filter.region).filter(|s| !s.is_empty() && errors.is_empty()),
        Some(&*filter.district).filter(|s| !s.is_empty() && errors.is_empty()),
    );
    let calendar = CalendarLinks::new(&in_lang(feed, lang), lang.text("cal.meetings"));
    let field_errors: std::collections::BTreeMap<&str, String> = errors
        .iter()
        .map(|e| (e.field, lang.field_error(e)))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    state.pages.respond(
        status,
        "meetings.html",
        lang,
        context! {
            here => here(req),
            meetings => items,
            regions,
            filter,
            errors => field_errors,
            calendar,
        },
    )
}

#[handler]
pub async fn detail(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let id: i32 = id.parse().map_err(|_| error::not_found())?;
    page(
        state,
        lang,
        here(req),
        id,
        FormValues::default(),
        &[],
        StatusCode::OK,
    )
    .await
}

#[handler]
pub async fn submit(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let id: i32 = id.parse().map_err(|_| error::not_found())?;
    let meeting = programme::activity(state.db.conn(), id)
        .await
        .map_err(error::db)?
        .filter(|a| a.model.kind == ActivityKind::Meeting)
        .ok_or_else(error::not_found)?;
    let posted = sign_up::parse(&body, lang);
    let id = meeting.model.id;
    match sign_up::submit(state, req, posted, &[id], Some(id)).await? {
        Outcome::CheckEmail => Ok(sign_up::check_email_redirect(lang)),
        Outcome::Invalid(values, errors) => {
            let here = format!("/meetings/{id}");
            page(state, lang, here, id, values, &errors, sign_up::INVALID).await
        }
    }
}

/// The form's address opened as a page (a bookmark, a reload): the meeting's page.
#[handler]
pub fn back_to_form(Path(id): Path<String>, PageLang(lang): PageLang) -> poem::Result<Redirect> {
    let id: i32 = id.parse().map_err(|_| error::not_found())?;
    Ok(Redirect::see_other(with_lang(
        &format!("/meetings/{id}"),
        lang,
    )))
}

async fn page(
    state: &AppState,
    lang: Lang,
    here: String,
    id: i32,
    values: FormValues,
    errors: &[FieldError],
    status: StatusCode,
) -> poem::Result<Response> {
    let conn = state.db.conn();
    let meeting = programme::activity(conn, id)
        .await
        .map_err(error::db)?
        .filter(|a| a.model.kind == ActivityKind::Meeting)
        .ok_or_else(error::not_found)?;
    let regions = places::regions(conn).await.map_err(error::db)?;
    let named = districts_of(conn, &[id]).await.map_err(error::db)?;
    let view = item(&meeting, &regions, &named, lang);
    let calendar = CalendarLinks::of_activity(
        &state.links.base,
        ActivityKind::Meeting,
        id,
        &meeting.model.title,
        lang,
    );
    let form = FormView::new(
        with_lang(&format!("/meetings/{id}/sign-up"), lang),
        values,
        errors,
        lang,
        "sign-up",
        regions,
    );
    state.pages.respond(
        status,
        "meeting.html",
        lang,
        context! {
            here,
            meeting => view,
            form,
            calendar,
            hold_hours => state.config.hold.as_secs().div_ceil(3600),
        },
    )
}
