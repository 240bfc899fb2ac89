//! `GET`, `POST /me/{token}/feedback/{registration}`: rating an attended activity, linked from
//! the certificate of attendance. The rules are in `registration::feedback` (the JSON API calls
//! them too); this reads the form and shows it again with field errors. A good form leads back
//! to the certificate, which shows the rating.

use std::collections::BTreeMap;

use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};

use super::{
    PageLang,
    admin::{FormView, done, form},
    error,
    lang::here,
    manage::{count_token_guess, person_lang},
};
use crate::{
    i18n::Lang,
    organiser::ManageError,
    registration::{
        self, Attended,
        feedback::{self, FeedbackInput},
    },
    startup::AppState,
};

/// The attended registration `id` of the person behind `plain`, and the page's language.
async fn attended(
    state: &AppState,
    req: &Request,
    plain: &str,
    id: &str,
    fallback: Lang,
) -> poem::Result<(Attended, Lang)> {
    count_token_guess(state, req)?;
    let id: i32 = id.parse().map_err(|_| error::not_found())?;
    let attendance = registration::attendance(state, plain)
        .await
        .map_err(error::db)?
        .ok_or_else(error::not_found)?;
    let lang = person_lang(req, &attendance.person, fallback);
    let found = attendance
        .attended
        .into_iter()
        .find(|a| a.registration.id == id)
        .ok_or_else(error::not_found)?;
    Ok((found, lang))
}

fn page(
    state: &AppState,
    req: &Request,
    plain: &str,
    a: &Attended,
    lang: Lang,
    status: StatusCode,
    view: FormView,
) -> poem::Result<Response> {
    let m = &a.activity.model;
    state.pages.respond(
        status,
        "feedback.html",
        lang,
        context! {
            here => here(req),
            me => format!("/me/{plain}"),
            id => a.registration.id,
            title => m.title,
            when => lang.when(m.starts_at, m.ends_at, a.activity.zone),
            form => view,
        },
    )
}

#[handler]
pub async fn form_page(
    req: &Request,
    Path((plain, id)): Path<(String, String)>,
    Data(state): Data<&AppState>,
    PageLang(fallback): PageLang,
) -> poem::Result<Response> {
    let (a, lang) = attended(state, req, &plain, &id, fallback).await?;
    let values: BTreeMap<String, String> = a
        .feedback
        .iter()
        .flat_map(|f| {
            [
                ("rating".to_owned(), f.rating.to_string()),
                ("comment".to_owned(), f.comment.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let view = FormView::new(values, &[], lang);
    page(state, req, &plain, &a, lang, StatusCode::OK, view)
}

#[handler]
pub async fn submit(
    req: &Request,
    Path((plain, id)): Path<(String, String)>,
    Data(state): Data<&AppState>,
    PageLang(fallback): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let (a, lang) = attended(state, req, &plain, &id, fallback).await?;
    let mut fields = form(&body);
    fields.retain(|k, _| matches!(k.as_str(), "rating" | "comment"));
    let input = FeedbackInput {
        // Anything but a number from the buttons is no rating: "required".
        rating: fields.get("rating").and_then(|r| r.trim().parse().ok()),
        comment: fields.get("comment").cloned().unwrap_or_default(),
    };
    let now = chrono::Utc::now();
    match feedback::give_feedback(state, &plain, a.registration.id, &input, now).await {
        Ok(_) => Ok(done(&format!("/me/{plain}/attendance"), "feedback", lang)),
        Err(ManageError::Invalid(errors)) => {
            let view = FormView::new(fields, &errors, lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(state, req, &plain, &a, lang, status, view)
        }
        Err(ManageError::Db(err)) => Err(error::db(err)),
        Err(_) => Err(error::not_found()),
    }
}
