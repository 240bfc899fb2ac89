//! A fair's exhibitors and applications: the list (filtered by status) with approve and reject,
//! the form to add or edit one, deleting. The rules are in `organiser::exhibitors`.

use std::collections::BTreeMap;

use entity::{enums::ExhibitorStatus, exhibitor};
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};

use super::{
    AdminForm, FormView, SignedIn, accounts::chrome, answer, manage_error, notice, parse_id,
    signed_in,
};
use crate::{
    i18n::Lang,
    organiser::{
        Action, Subject, can,
        exhibitors::{self, ExhibitorInput},
        fairs,
    },
    startup::AppState,
    web::{PageLang, lang::here},
};

const STATUSES: [ExhibitorStatus; 3] = [
    ExhibitorStatus::Applied,
    ExhibitorStatus::Approved,
    ExhibitorStatus::Rejected,
];

fn query_value(req: &Request, key: &str) -> Option<String> {
    req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    })
}

/// The `?done=` notices this page shows.
const NOTICES: &[&str] = &[
    "saved",
    "created",
    "approved",
    "rejected",
    "deleted",
    "unchanged",
];

#[handler]
pub async fn list(
    req: &Request,
    Path(fair_id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let fair_id = parse_id(&fair_id)?;
    let filter =
        query_value(req, "status").and_then(|s| STATUSES.into_iter().find(|st| st.as_str() == s));
    let fair = fairs::get(state, &signed.who, fair_id)
        .await
        .map_err(manage_error)?;
    // Statuses serialise as their codes (`applied`, …).
    let rows = exhibitors::list(state, &signed.who, fair_id, filter)
        .await
        .map_err(manage_error)?;
    state.pages.respond(
        StatusCode::OK,
        "admin_exhibitors.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            fair_id,
            fair_name => fair.name,
            exhibitors => rows,
            filter => filter.map(|s| s.as_str()),
            statuses => STATUSES.map(|s| s.as_str()),
            may_edit => can(&signed.who, Action::Edit, Subject::Exhibitors(fair_id)),
            notice => notice(req, NOTICES),
        },
    )
}

const FIELDS: [&str; 7] = [
    "name",
    "description",
    "website",
    "stand",
    "wished_stand",
    "contact_name",
    "contact_email",
];

fn input_from(fields: &BTreeMap<String, String>) -> ExhibitorInput {
    let get = |k: &str| Some(fields.get(k).cloned().unwrap_or_default());
    ExhibitorInput {
        name: get("name"),
        description: get("description"),
        website: get("website"),
        stand: get("stand"),
        wished_stand: get("wished_stand"),
        contact_name: get("contact_name"),
        contact_email: get("contact_email"),
    }
}

fn values_of(e: &exhibitor::Model) -> BTreeMap<String, String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    BTreeMap::from([
        ("name".into(), e.name.clone()),
        ("description".into(), e.description.clone()),
        ("website".into(), opt(&e.website)),
        ("stand".into(), opt(&e.stand)),
        ("wished_stand".into(), opt(&e.wished_stand)),
        ("contact_name".into(), opt(&e.contact_name)),
        ("contact_email".into(), opt(&e.contact_email)),
    ])
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    status: StatusCode,
    fair_id: i32,
    existing: Option<&exhibitor::Model>,
    view: FormView,
) -> poem::Result<Response> {
    let editable = can(&signed.who, Action::Edit, Subject::Exhibitors(fair_id));
    state.pages.respond(
        status,
        "admin_exhibitor.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            fair_id,
            id => existing.map(|e| e.id),
            status => existing.map(|e| e.status.as_str()),
            editable,
            deletable => existing.is_some() && can(&signed.who, Action::Cancel, Subject::Exhibitors(fair_id)),
            notice => notice(req, NOTICES),
        },
    )
}

#[handler]
pub async fn new_page(
    req: &Request,
    Path(fair_id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let fair_id = parse_id(&fair_id)?;
    if !can(&signed.who, Action::Create, Subject::Exhibitors(fair_id)) {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    fairs::get(state, &signed.who, fair_id)
        .await
        .map_err(manage_error)?;
    let view = FormView::new(BTreeMap::new(), &[], lang);
    form_page(
        state,
        req,
        lang,
        &signed,
        StatusCode::OK,
        fair_id,
        None,
        view,
    )
}

fn only_fields(mut fields: BTreeMap<String, String>) -> BTreeMap<String, String> {
    fields.retain(|k, _| FIELDS.contains(&k.as_str()));
    fields
}

#[handler]
pub async fn create(
    req: &Request,
    Path(fair_id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let fair_id = parse_id(&fair_id)?;
    let result = exhibitors::create(state, &signed.who, fair_id, input_from(&fields)).await;
    let to = |created: exhibitor::Model| format!("/admin/exhibitors/{}?done=created", created.id);
    answer(result, lang, to, async |errors| {
        let view = FormView::new(only_fields(fields), &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        form_page(state, req, lang, &signed, status, fair_id, None, view)
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
    let found = exhibitors::get(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    let view = FormView::new(values_of(&found), &[], lang);
    let fair_id = found.fair_id;
    form_page(
        state,
        req,
        lang,
        &signed,
        StatusCode::OK,
        fair_id,
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
    let result = exhibitors::update(state, &signed.who, id, input_from(&fields)).await;
    let to = |_| format!("/admin/exhibitors/{id}?done=saved");
    answer(result, lang, to, async |errors| {
        let found = exhibitors::get(state, &signed.who, id)
            .await
            .map_err(manage_error)?;
        let view = FormView::new(only_fields(fields), &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let fair_id = found.fair_id;
        form_page(
            state,
            req,
            lang,
            &signed,
            status,
            fair_id,
            Some(&found),
            view,
        )
    })
    .await
}

/// Approve, reject or delete from the list or the edit page; back to the fair's list.
async fn decide(
    req: &Request,
    state: &AppState,
    lang: Lang,
    id: &str,
    AdminForm { signed, fields, .. }: AdminForm,
    what: &'static str,
) -> poem::Result<Response> {
    let id = parse_id(id)?;
    let found = exhibitors::get(state, &signed.who, id)
        .await
        .map_err(manage_error)?;
    let field = |k: &str| fields.get(k).map(String::as_str);
    // Whether anything changed: deciding again what was decided does nothing, and says so.
    let changed = |after: exhibitor::Model| after.updated_at != found.updated_at;
    let result = match what {
        "approved" => exhibitors::approve(state, &signed.who, id, field("stand"))
            .await
            .map(changed),
        "rejected" => exhibitors::reject(state, &signed.who, id, field("reason"))
            .await
            .map(changed),
        _ => exhibitors::delete(state, &signed.who, id)
            .await
            .map(|()| true),
    };
    let fair_id = found.fair_id;
    let to = |changed: bool| {
        let done = if changed { what } else { "unchanged" };
        format!("/admin/fairs/{fair_id}/exhibitors?done={done}")
    };
    answer(result, lang, to, async |errors| {
        let view = FormView::new(values_of(&found), &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        form_page(
            state,
            req,
            lang,
            &signed,
            status,
            fair_id,
            Some(&found),
            view,
        )
    })
    .await
}

#[handler]
pub async fn approve(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    posted: AdminForm,
) -> poem::Result<Response> {
    decide(req, state, lang, &id, posted, "approved").await
}

#[handler]
pub async fn reject(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    posted: AdminForm,
) -> poem::Result<Response> {
    decide(req, state, lang, &id, posted, "rejected").await
}

#[handler]
pub async fn delete(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    posted: AdminForm,
) -> poem::Result<Response> {
    decide(req, state, lang, &id, posted, "deleted").await
}
