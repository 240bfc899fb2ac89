//! Meeting series: the list with the form for a new series (its meetings are made at once), a
//! series' page (title, region, interval; its meetings, each edited on its own activity page;
//! more meetings; cancelling the rest). The rules are in `organiser::series`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::enums::{ActivityKind, ActivityStatus};
use minijinja::context;
use poem::{
    IntoResponse, Request, Response, handler,
    http::StatusCode,
    web::{Data, Path, Redirect},
};
use serde::Serialize;

use super::{
    FormView, SignedIn, accounts::chrome, form, local_time, manage_error, signed_in, signed_in_form,
};
use crate::{
    domain::FieldError,
    i18n::Lang,
    organiser::{
        Action, ManageError, Scope, Subject, can, regions,
        series::{self, NewSeries, SeriesEdit, SeriesView},
    },
    startup::AppState,
    timezone,
    web::{PageLang, error, lang::here, render::with_lang},
};

fn parse_id(id: &str) -> poem::Result<i32> {
    id.parse()
        .map_err(|_| poem::Error::from_status(StatusCode::NOT_FOUND))
}

fn notice(req: &Request) -> Option<String> {
    req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "done")
            .map(|(_, v)| v.into_owned())
            .filter(|v| matches!(v.as_str(), "saved" | "created" | "cancelled" | "added"))
    })
}

fn done(id: i32, what: &str, lang: Lang) -> Response {
    Redirect::see_other(with_lang(&format!("/admin/series/{id}?done={what}"), lang)).into_response()
}

fn meeting_scope(region_id: Option<i32>) -> Subject {
    Subject::Activity(Scope {
        kind: ActivityKind::Meeting,
        fair_id: None,
        region_id,
    })
}

#[derive(Serialize)]
struct Row {
    id: i32,
    title: String,
}

#[derive(Serialize)]
struct Occurrence {
    id: i32,
    title: String,
    when: String,
    place: Option<String>,
    taken: i32,
    capacity: i32,
    cancelled: bool,
}

#[handler]
pub async fn list(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let rows: Vec<Row> = series::list(state, &signed.who)
        .await
        .map_err(error::db)?
        .into_iter()
        .map(|s| Row {
            id: s.id,
            title: s.title,
        })
        .collect();
    let may_create = can(
        &signed.who,
        Action::Create,
        meeting_scope(signed.who.region_id),
    );
    state.pages.respond(
        StatusCode::OK,
        "admin_series_list.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            series => rows,
            may_create,
        },
    )
}

/// The regions with their districts, for the region select and the district checkboxes.
async fn places(state: &AppState, signed: &SignedIn) -> poem::Result<Vec<regions::RegionView>> {
    regions::overview(state, &signed.who)
        .await
        .map_err(manage_error)
}

/// The new-series page (`view` holds the posted values and errors; `districts` the ticked
/// district ids).
async fn new_form(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    status: StatusCode,
    view: FormView,
    districts: Vec<i32>,
) -> poem::Result<Response> {
    state.pages.respond(
        status,
        "admin_series.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            regions => places(state, signed).await?,
            districts,
            id => None::<i32>,
        },
    )
}

#[handler]
pub async fn new_page(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    if !can(
        &signed.who,
        Action::Create,
        meeting_scope(signed.who.region_id),
    ) {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    let mut values = BTreeMap::from([
        ("interval_days".to_owned(), "35".to_owned()),
        ("duration_minutes".to_owned(), "120".to_owned()),
        ("waitlist_enabled".to_owned(), "on".to_owned()),
    ]);
    if let Some(region) = signed.who.region_id {
        values.insert("region_id".into(), region.to_string());
    }
    let view = FormView::new(values, &[], lang);
    new_form(state, req, lang, &signed, StatusCode::OK, view, Vec::new()).await
}

/// A whole number typed into `field`; empty is `None`, anything else a field error.
fn number(
    fields: &BTreeMap<String, String>,
    field: &'static str,
    problems: &mut Vec<FieldError>,
) -> Option<i32> {
    match fields.get(field).map(|v| v.trim()).unwrap_or_default() {
        "" => None,
        v => v.parse().map_or_else(
            |_| {
                problems.push(FieldError::new(field, "invalid_number"));
                None
            },
            Some,
        ),
    }
}

/// The region select: empty is no region.
fn region_of(fields: &BTreeMap<String, String>, problems: &mut Vec<FieldError>) -> Option<i32> {
    match fields
        .get("region_id")
        .map(|v| v.trim())
        .unwrap_or_default()
    {
        "" => None,
        v => v
            .parse()
            .map_err(|_| problems.push(FieldError::new("region_id", "unknown_choice")))
            .ok(),
    }
}

/// The ticked district checkboxes (a repeated field, which [`form`] would fold into one).
fn district_ids(body: &[u8], problems: &mut Vec<FieldError>) -> Vec<i32> {
    let mut ids = Vec::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        if k == "district_ids" {
            match v.parse() {
                Ok(id) => ids.push(id),
                Err(_) => problems.push(FieldError::new("district_ids", "unknown_choice")),
            }
        }
    }
    ids
}

fn new_series_from(body: &[u8], fields: &BTreeMap<String, String>) -> NewSeries {
    let mut problems = Vec::new();
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
    let first_starts_at = match get("first_starts_at") {
        "" => None,
        v => local_time::naive(v).or_else(|| {
            problems.push(FieldError::new("first_starts_at", "invalid_time"));
            None
        }),
    };
    let until = match get("until") {
        "" => None,
        v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| problems.push(FieldError::new("until", "invalid_time")))
            .ok(),
    };
    NewSeries {
        title: Some(get("title").to_owned()),
        region_id: region_of(fields, &mut problems),
        interval_days: number(fields, "interval_days", &mut problems),
        first_starts_at,
        duration_minutes: number(fields, "duration_minutes", &mut problems),
        count: number(fields, "count", &mut problems),
        until,
        description: Some(get("description").to_owned()),
        place: Some(get("place").to_owned()),
        capacity: number(fields, "capacity", &mut problems),
        waitlist_enabled: Some(fields.contains_key("waitlist_enabled")),
        district_ids: district_ids(body, &mut problems),
        problems,
    }
}

#[handler]
pub async fn create(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let input = new_series_from(&body, &fields);
    let ticked = input.district_ids.clone();
    match series::create(state, &signed.who, input).await {
        Ok(created) => Ok(done(created.series.id, "created", lang)),
        Err(ManageError::Invalid(errors)) => {
            let view = FormView::new(fields, &errors, lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            new_form(state, req, lang, &signed, status, view, ticked).await
        }
        Err(other) => Err(manage_error(other)),
    }
}

/// A series' page; `view` is the edit form, `extra` the add/cancel forms' errors.
#[allow(clippy::too_many_arguments)]
async fn series_page(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    status: StatusCode,
    found: &SeriesView,
    view: FormView,
    extra: FormView,
) -> poem::Result<Response> {
    let scope = meeting_scope(found.series.region_id);
    let occurrences: Vec<Occurrence> = found
        .occurrences
        .iter()
        .map(|a| Occurrence {
            id: a.id,
            title: a.title.clone(),
            when: lang.when(a.starts_at, a.ends_at, timezone::DEFAULT),
            place: a.place.clone(),
            taken: a.taken,
            capacity: a.capacity,
            cancelled: a.status == ActivityStatus::Cancelled,
        })
        .collect();
    state.pages.respond(
        status,
        "admin_series.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            more => extra,
            regions => places(state, signed).await?,
            id => Some(found.series.id),
            occurrences,
            editable => can(&signed.who, Action::Edit, scope),
            may_add => can(&signed.who, Action::Create, scope),
            cancellable => can(&signed.who, Action::Cancel, scope),
            notice => notice(req),
        },
    )
}

fn values_of(found: &SeriesView) -> BTreeMap<String, String> {
    let s = &found.series;
    BTreeMap::from([
        ("title".to_owned(), s.title.clone()),
        (
            "region_id".to_owned(),
            s.region_id.map(|r| r.to_string()).unwrap_or_default(),
        ),
        ("interval_days".to_owned(), s.interval_days.to_string()),
    ])
}

#[handler]
pub async fn edit_page(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let found = series::get(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    let view = FormView::new(values_of(&found), &[], lang);
    let extra = FormView::new(BTreeMap::new(), &[], lang);
    series_page(
        state,
        req,
        lang,
        &signed,
        StatusCode::OK,
        &found,
        view,
        extra,
    )
    .await
}

/// Shows the series' page again after a refused change.
async fn refused(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    id: i32,
    edit: Option<(BTreeMap<String, String>, &[FieldError])>,
    extra: Option<(BTreeMap<String, String>, &[FieldError])>,
) -> poem::Result<Response> {
    let found = series::get(state, &signed.who, id)
        .await
        .map_err(manage_error)?;
    let view = match edit {
        Some((values, errors)) => FormView::new(values, errors, lang),
        None => FormView::new(values_of(&found), &[], lang),
    };
    let extra = match extra {
        Some((values, errors)) => FormView::new(values, errors, lang),
        None => FormView::new(BTreeMap::new(), &[], lang),
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    series_page(state, req, lang, signed, status, &found, view, extra).await
}

#[handler]
pub async fn update(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    let mut problems = Vec::new();
    let edit = SeriesEdit {
        title: Some(fields.get("title").cloned().unwrap_or_default()),
        region_id: Some(region_of(&fields, &mut problems)),
        interval_days: number(&fields, "interval_days", &mut problems),
        problems,
    };
    match series::update(state, &signed.who, id, edit).await {
        Ok(_) => Ok(done(id, "saved", lang)),
        Err(ManageError::Invalid(errors)) => {
            refused(state, req, lang, &signed, id, Some((fields, &errors)), None).await
        }
        Err(other) => Err(manage_error(other)),
    }
}

#[handler]
pub async fn add(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    let mut problems = Vec::new();
    let count = number(&fields, "count", &mut problems);
    let result = match problems.is_empty() {
        true => series::add_occurrences(state, &signed.who, id, count).await,
        false => Err(ManageError::Invalid(problems)),
    };
    match result {
        Ok(_) => Ok(done(id, "added", lang)),
        Err(ManageError::Invalid(errors)) => {
            refused(state, req, lang, &signed, id, None, Some((fields, &errors))).await
        }
        Err(other) => Err(manage_error(other)),
    }
}

#[handler]
pub async fn cancel(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    let reason = fields.get("reason").map(String::as_str);
    match series::cancel(state, &signed.who, id, reason).await {
        Ok(_) => Ok(done(id, "cancelled", lang)),
        Err(ManageError::Invalid(errors)) => {
            refused(state, req, lang, &signed, id, None, Some((fields, &errors))).await
        }
        Err(other) => Err(manage_error(other)),
    }
}
