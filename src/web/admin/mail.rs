//! Mail status (admins): messages that failed for good, with a retry button each, how many
//! wait, and the addresses that bounce — what `veletrh mail status` prints
//! (`mail::report`).

use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde::Serialize;

use super::{AdminForm, accounts::chrome, done, manage_error, notice, parse_id, signed_in};
use crate::{
    mail::report,
    startup::AppState,
    web::{PageLang, lang::here},
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
            failed_at: m
                .failed_at
                .map(|at| lang.moment(at, crate::timezone::DEFAULT)),
            error: m.last_error,
        })
        .collect();
    let bouncing: Vec<BouncingView> = found
        .bouncing
        .into_iter()
        .map(|p| BouncingView {
            email: p.email,
            name: p.name,
            since: p
                .bounced_at
                .map(|at| lang.moment(at, crate::timezone::DEFAULT)),
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
            notice => notice(req, &["retried"]),
        },
    )
}

#[handler]
pub async fn retry(
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, .. }: AdminForm,
) -> poem::Result<Response> {
    report::retry(state, &signed.who, parse_id(&id)?, chrono::Utc::now())
        .await
        .map_err(manage_error)?;
    Ok(done("/admin/mail", "retried", lang))
}
