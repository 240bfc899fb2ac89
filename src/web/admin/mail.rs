//! Mail status (admins): messages that failed for good, with a retry button each, how many
//! wait, and the addresses that bounce — what `veletrh mail status` prints
//! (`mail::report`).

use minijinja::context;
use poem::{
    IntoResponse, Request, Response, handler,
    http::StatusCode,
    web::{Data, Path, Redirect},
};
use serde::Serialize;

use super::{accounts::chrome, form, manage_error, people::done, signed_in, signed_in_form};
use crate::{
    mail::report,
    organiser::accounts::moment,
    startup::AppState,
    web::{PageLang, lang::here, render::with_lang},
};

#[derive(Serialize)]
struct FailedView {
    id: i32,
    kind: String,
    recipient: String,
    attempts: i32,
    failed_at: Option<String>,
    error: Option<String>,
}

#[derive(Serialize)]
struct BouncingView {
    email: String,
    name: String,
    since: Option<String>,
    reason: Option<String>,
}

#[handler]
pub async fn status(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let found = report::report_for(state, &signed.who)
        .await
        .map_err(manage_error)?;
    let failed: Vec<FailedView> = found
        .failed
        .into_iter()
        .map(|m| FailedView {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            attempts: m.attempts,
            failed_at: m.failed_at.map(|at| moment(at, lang)),
            error: m.last_error,
        })
        .collect();
    let bouncing: Vec<BouncingView> = found
        .bouncing
        .into_iter()
        .map(|p| BouncingView {
            email: p.email,
            name: p.name,
            since: p.bounced_at.map(|at| moment(at, lang)),
            reason: p.bounce_reason,
        })
        .collect();
    state.pages.respond(
        StatusCode::OK,
        "admin_mail.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            waiting => found.waiting,
            failed,
            bouncing,
            notice => done(req, &["retried"]),
        },
    )
}

#[handler]
pub async fn retry(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id: i32 = id
        .parse()
        .map_err(|_| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    report::retry(state, &signed.who, id, chrono::Utc::now())
        .await
        .map_err(manage_error)?;
    Ok(Redirect::see_other(with_lang("/admin/mail?done=retried", lang)).into_response())
}
