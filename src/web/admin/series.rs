//! Meeting series: the list with the form for a new series (its meetings are made at once), a
//! series' page (title, region, interval; its meetings, each edited on its own activity page;
//! more meetings; cancelling the rest). The rules are in `organiser::series`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::enums::{ActivityKind, ActivityStatus};
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde::Serialize;

use super::{
    AdminForm, FormView, SignedIn, accounts::chrome, answer, local_time, manage_error, notice,
    optional_number, parse_id, signed_in,
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
    web::{PageLang, error, lang::here},
};

/// The `?done=` notices this page shows.
const NOTICES: &[&str] = &["saved", "created", "cancelled", "added"];

/// Where a change to series `id` leads: back to its page with `?done=what`.
fn done(id: i32, what: &str) -> String {
    format!("/admin/series/{id}?done={what}")
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
    optional_number(fields, field, "invalid_number", problems)
}

/// The region select: empty is no region.
fn region_of(fields: &BTreeMap<String, String>, problems: &mut Vec<FieldError>) -> Option<i32> {
    optional_number(fields, "region_id", "unknown_choice", problems)
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
        online_url: Some(get("online_url").to_owned()),
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
    AdminForm {
        signed,
        fields,
        body,
    }: AdminForm,
) -> poem::Result<Response> {
    let input = new_series_from(&body, &fields);
    let ticked = input.district_ids.clone();
    let result = series::create(state, &signed.who, input).await;
    let to = |created: series::SeriesView| done(created.series.id, "created");
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        new_form(state, req, lang, &signed, status, view, ticked).await
    })
    .await
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
            notice => notice(req, NOTICES),
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
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let mut problems = Vec::new();
    let edit = SeriesEdit {
        title: Some(fields.get("title").cloned().unwrap_or_default()),
        region_id: Some(region_of(&fields, &mut problems)),
        interval_days: number(&fields, "interval_days", &mut problems),
        problems,
    };
    let result = series::update(state, &signed.who, id, edit).await;
    answer(
        result,
        lang,
        |_| done(id, "saved"),
        async |errors| refused(state, req, lang, &signed, id, Some((fields, &errors)), None).await,
    )
    .await
}

#[handler]
pub async fn add(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let mut problems = Vec::new();
    let count = number(&fields, "count", &mut problems);
    let result = match problems.is_empty() {
        true => series::add_occurrences(state, &signed.who, id, count).await,
        false => Err(ManageError::Invalid(problems)),
    };
    answer(
        result,
        lang,
        |_| done(id, "added"),
        async |errors| refused(state, req, lang, &signed, id, None, Some((fields, &errors))).await,
    )
    .await
}

#[handler]
pub async fn cancel(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let reason = fields.get("reason").map(String::as_str);
    let result = series::cancel(state, &signed.who, id, reason).await;
    answer(
        result,
        lang,
        |_| done(id, "cancelled"),
        async |errors| refused(state, req, lang, &signed, id, None, Some((fields, &errors))).await,
    )
    .await
}
