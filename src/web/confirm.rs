//! The link in the confirmation email. `GET /confirm/{token}` only shows a button: mail
//! scanners open links to look at them, and must not confirm anything. The button posts to
//! `POST /confirm/{token}`, which confirms and shows the outcome (repeating it is harmless).

use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};

use super::{PageLang, error, lang::here, render::with_lang};
use crate::{
    domain::token,
    registration::{self, ConfirmOutcome},
    startup::AppState,
};

#[handler]
pub async fn ask(
    req: &Request,
    Path(plain): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    if !token::is_well_formed(&plain) {
        return Err(poem::Error::from_status(StatusCode::NOT_FOUND));
    }
    state.pages.respond(
        StatusCode::OK,
        "confirm.html",
        lang,
        context! {
            here => here(req),
            action => with_lang(&format!("/confirm/{plain}"), lang),
        },
    )
}

#[handler]
pub async fn confirm(
    req: &Request,
    Path(plain): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    state
        .limits
        .token_request(crate::limits::client_ip(req))
        .map_err(error::TooMany::from)?;
    let outcome = registration::confirm(state, &plain)
        .await
        .map_err(error::db)?;
    let here = format!("/confirm/{plain}");
    let (status, ctx) = match outcome {
        ConfirmOutcome::Confirmed {
            confirmed,
            conflicts,
            manage_token,
        } => (
            StatusCode::OK,
            context! {
                here,
                // Every seat behind the link clashed with one held already: none confirmed.
                outcome => if confirmed.is_empty() { "clashed" } else { "confirmed" },
                confirmed,
                conflicts => conflicts
                    .into_iter()
                    .map(|(title, overlaps)| context! { title, overlaps })
                    .collect::<Vec<_>>(),
                manage => format!("/me/{manage_token}"),
            },
        ),
        ConfirmOutcome::AlreadyConfirmed { manage_token } => (
            StatusCode::OK,
            context! {
                here,
                outcome => "already",
                manage => format!("/me/{manage_token}"),
            },
        ),
        ConfirmOutcome::Expired => (StatusCode::GONE, context! { here, outcome => "expired" }),
        // Mostly a link replaced by a newer email: say so, not just "page not found".
        ConfirmOutcome::Unknown => (
            StatusCode::NOT_FOUND,
            context! { here, outcome => "unknown" },
        ),
    };
    state.pages.respond(status, "confirmed.html", lang, ctx)
}
