//! Fairs: the list, the form to create or edit one, cancelling. The rules are in
//! `organiser::fairs`; this reads forms and shows pages. Times are typed in the fair's zone.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{enums::ActivityStatus, fair};
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde::Serialize;

use super::{
    AdminForm, FormView, SignedIn, accounts::chrome, answer, local_time, manage_error, notice,
    parse_id, signed_in,
};
use crate::{
    domain::FieldError,
    i18n::Lang,
    organiser::{
        Action, Subject, attendees, can,
        fairs::{self, FairInput},
    },
    startup::AppState,
    timezone::{self, zone_of},
    web::{PageLang, error, lang::here},
};

#[derive(Serialize)]
struct Row {
    id: i32,
    name: String,
    when: String,
    venue: String,
    cancelled: bool,
    editable: bool,
    exhibitors: bool,
    /// Whether the signed-in organiser may read its attendee list and results.
    results: bool,
}

#[handler]
pub async fn list(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let who = &signed.who;
    let rows: Vec<Row> = fairs::list(state)
        .await
        .map_err(error::db)?
        .into_iter()
        .map(|f| Row {
            id: f.id,
            when: lang.when(f.starts_at, f.ends_at, zone_of(&f.timezone)),
            cancelled: f.status == ActivityStatus::Cancelled,
            editable: can(who, Action::Edit, Subject::Fair(Some(f.id))),
            exhibitors: can(who, Action::View, Subject::Exhibitors(f.id)),
            results: can(
                who,
                Action::View,
                Subject::Activity(attendees::fair_workshops(f.id)),
            ),
            name: f.name,
            venue: f.venue,
        })
        .collect();
    state.pages.respond(
        StatusCode::OK,
        "admin_fairs.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            fairs => rows,
            may_create => can(who, Action::Create, Subject::Fair(None)),
        },
    )
}

/// The posted form as the use-case's input; what does not parse becomes a field error.
fn input_from(fields: &BTreeMap<String, String>, creating: bool) -> FairInput {
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let mut input = FairInput {
        name: Some(get("name")),
        venue: Some(get("venue")),
        description: Some(get("description")),
        timezone: Some(get("timezone")),
        slug: creating.then(|| get("slug")),
        ..FairInput::default()
    };
    // Times are read in the zone the form names (a bad zone is reported on its own field).
    let tz = get("timezone")
        .trim()
        .parse::<Tz>()
        .unwrap_or(timezone::DEFAULT);
    for (field, required) in [
        ("starts_at", true),
        ("ends_at", true),
        ("registration_opens_at", false),
        ("registration_closes_at", false),
    ] {
        match local_time::parse(field, &get(field), tz) {
            Ok(None) if required => input.problems.push(FieldError::new(field, "required")),
            Ok(at) => match field {
                "starts_at" => input.starts_at = at,
                "ends_at" => input.ends_at = at,
                "registration_opens_at" => input.registration_opens_at = Some(at),
                _ => input.registration_closes_at = Some(at),
            },
            Err(e) => input.problems.push(e),
        }
    }
    input
}

/// The form's values from a stored fair.
fn values_of(f: &fair::Model) -> BTreeMap<String, String> {
    let tz = zone_of(&f.timezone);
    let at = |t: Option<DateTime<Utc>>| t.map(|t| local_time::show(t, tz)).unwrap_or_default();
    BTreeMap::from([
        ("name".into(), f.name.clone()),
        ("slug".into(), f.slug.clone()),
        ("venue".into(), f.venue.clone()),
        ("description".into(), f.description.clone()),
        ("timezone".into(), f.timezone.clone()),
        ("starts_at".into(), at(Some(f.starts_at))),
        ("ends_at".into(), at(Some(f.ends_at))),
        ("registration_opens_at".into(), at(f.registration_opens_at)),
        (
            "registration_closes_at".into(),
            at(f.registration_closes_at),
        ),
    ])
}

/// The `?done=` notices this page shows.
const NOTICES: &[&str] = &["saved", "created", "cancelled"];

/// The create or edit page. `existing`: the fair being edited.
fn form_page(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    status: StatusCode,
    existing: Option<&fair::Model>,
    view: FormView,
) -> poem::Result<Response> {
    let who = &signed.who;
    let scheduled = existing.is_some_and(|f| f.status == ActivityStatus::Scheduled);
    let (editable, cancellable) = match existing {
        Some(f) => (
            scheduled && can(who, Action::Edit, Subject::Fair(Some(f.id))),
            scheduled && can(who, Action::Cancel, Subject::Fair(Some(f.id))),
        ),
        None => (true, false),
    };
    state.pages.respond(
        status,
        "admin_fair.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            id => existing.map(|f| f.id),
            slug => existing.map(|f| f.slug.clone()),
            cancelled => existing.is_some_and(|f| f.status == ActivityStatus::Cancelled),
            revision => existing.map(|f| f.revision),
            exhibitors => existing.is_some_and(|f| can(who, Action::View, Subject::Exhibitors(f.id))),
            editable,
            cancellable,
            notice => notice(req, NOTICES),
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
    if !can(&signed.who, Action::Create, Subject::Fair(None)) {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    let values = BTreeMap::from([("timezone".into(), timezone::DEFAULT.name().to_owned())]);
    let view = FormView::new(values, &[], lang);
    form_page(state, req, lang, &signed, StatusCode::OK, None, view)
}

#[handler]
pub async fn create(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let result = fairs::create(state, &signed.who, input_from(&fields, true)).await;
    let to = |created: fair::Model| format!("/admin/fairs/{}?done=created", created.id);
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        form_page(state, req, lang, &signed, status, None, view)
    })
    .await
}

#[handler]
pub async fn edit_page(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let found = fairs::get(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    let view = FormView::new(values_of(&found), &[], lang);
    form_page(
        state,
        req,
        lang,
        &signed,
        StatusCode::OK,
        Some(&found),
        view,
    )
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
    let result = fairs::update(state, &signed.who, id, input_from(&fields, false)).await;
    let to = |_| format!("/admin/fairs/{id}?done=saved");
    answer(result, lang, to, async |errors| {
        let found = fairs::get(state, &signed.who, id)
            .await
            .map_err(manage_error)?;
        let mut values = fields;
        values.insert("slug".into(), found.slug.clone());
        let view = FormView::new(values, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        form_page(state, req, lang, &signed, status, Some(&found), view)
    })
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
    let result = fairs::cancel(state, &signed.who, id, reason).await;
    let to = |_| format!("/admin/fairs/{id}?done=cancelled");
    answer(result, lang, to, async |errors| {
        let found = fairs::get(state, &signed.who, id)
            .await
            .map_err(manage_error)?;
        let view = FormView::new(values_of(&found), &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        form_page(state, req, lang, &signed, status, Some(&found), view)
    })
    .await
}
