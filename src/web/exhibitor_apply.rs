//! `GET`, `POST /fairs/{slug}/exhibitors/apply`: the public form to apply to exhibit at a fair.
//! The rules are in `organiser::exhibitors::apply` (the JSON API calls it too); this reads the
//! form, keeps robots out (a hidden `homepage` field people leave empty, and the sign-up rate
//! limits) and shows the page again with field errors. A good form redirects to the same
//! address with `?sent=1`, which thanks the applicant.

use std::collections::BTreeMap;

use chrono::Utc;
use entity::fair;
use minijinja::context;
use poem::{
    IntoResponse, Request, Response, handler,
    http::StatusCode,
    web::{Data, Path, Redirect},
};

use super::{
    PageLang,
    admin::{FormView, form},
    error,
    lang::here,
    render::with_lang,
};
use crate::{
    domain::FieldError,
    i18n::Lang,
    organiser::{
        ManageError,
        exhibitors::{self, APPLICATION_FIELDS, Application},
        fairs::takes_applications,
    },
    programme,
    startup::AppState,
};

async fn fair_of(state: &AppState, slug: &str) -> poem::Result<fair::Model> {
    programme::fair_by_slug(state.db.conn(), slug)
        .await
        .map_err(error::db)?
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))
}

fn address(fair: &fair::Model) -> String {
    format!("/fairs/{}/exhibitors/apply", fair.slug)
}

fn page(
    state: &AppState,
    here: String,
    lang: Lang,
    fair: &fair::Model,
    status: StatusCode,
    view: FormView,
    sent: bool,
) -> poem::Result<Response> {
    state.pages.respond(
        status,
        "exhibitor_apply.html",
        lang,
        context! {
            here,
            fair_slug => fair.slug,
            fair_name => fair.name,
            open => takes_applications(fair, Utc::now()),
            sent,
            form => view,
            action => with_lang(&address(fair), lang),
        },
    )
}

#[handler]
pub async fn form_page(
    req: &Request,
    Path(slug): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let fair = fair_of(state, &slug).await?;
    let sent = req
        .uri()
        .query()
        .is_some_and(|q| url::form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "sent"));
    let view = FormView::new(BTreeMap::new(), &[], lang);
    page(state, here(req), lang, &fair, StatusCode::OK, view, sent)
}

#[handler]
pub async fn submit(
    req: &Request,
    Path(slug): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fair = fair_of(state, &slug).await?;
    let mut fields = form(&body);
    let thanks = || {
        Redirect::see_other(with_lang(&format!("{}?sent=1", address(&fair)), lang)).into_response()
    };
    // A robot gets the answer a person gets, so it learns nothing; nothing is written or sent.
    if fields.get("homepage").is_some_and(|v| !v.trim().is_empty()) {
        tracing::info!("exhibitor application with the honeypot filled in ignored");
        return Ok(thanks());
    }
    fields.retain(|k, _| APPLICATION_FIELDS.contains(&k.as_str()));
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let application = Application {
        organisation: get("organisation"),
        contact_name: get("contact_name"),
        contact_email: get("contact_email"),
        description: get("description"),
        website: get("website"),
        wished_stand: get("wished_stand"),
        lang,
    };
    let here = address(&fair);
    // Only a form that could be stored counts against the limits.
    let checked = exhibitors::check_application(&application, fair.id);
    if checked.is_ok() {
        state
            .limits
            .sign_up(crate::limits::client_ip(req), &application.contact_email)
            .map_err(error::TooMany::from)?;
    }
    let result = match checked {
        Ok(_) => exhibitors::apply(state, fair.id, application).await,
        Err(errors) => Err(ManageError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(thanks()),
        Err(ManageError::Invalid(errors)) => {
            let view = FormView::new(fields, &errors, lang);
            page(
                state,
                here,
                lang,
                &fair,
                StatusCode::UNPROCESSABLE_ENTITY,
                view,
                false,
            )
        }
        Err(ManageError::Conflict(_)) => {
            let view = FormView::new(fields, &[] as &[FieldError], lang);
            page(state, here, lang, &fair, StatusCode::CONFLICT, view, false)
        }
        Err(ManageError::NotFound | ManageError::Forbidden) => {
            Err(poem::Error::from_status(StatusCode::NOT_FOUND))
        }
        Err(ManageError::Db(err)) => Err(error::db(err)),
    }
}
