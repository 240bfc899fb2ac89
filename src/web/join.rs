//! `GET /join/{token}`: a person's way into an activity held online (`checkin::online`), as
//! their emails, manage page and calendar link it. It shows the activity and a button, or why
//! the link leads nowhere now; `POST /join/{token}` records attendance when due and redirects
//! to the activity's own address. The page's security policy lets its form lead there.

use chrono::Utc;
use minijinja::context;
use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path, Redirect},
};

use super::{
    PageLang, error,
    lang::here,
    manage::{count_token_guess, person_lang},
    security,
};
use crate::{
    checkin::online::{self, Joining, Way},
    i18n::Lang,
    startup::AppState,
};

/// What a join link opened; a link that opens nothing (one we did not make, or an erased
/// person's) counts as a guess against the per-address limit on personal links, and is 404.
/// Working ones do not count: a whole school may join a meeting from one address in the same
/// minute.
fn opened(state: &AppState, req: &Request, found: Option<Joining>) -> poem::Result<Joining> {
    if let Some(joining) = found {
        return Ok(joining);
    }
    count_token_guess(state, req)?;
    Err(error::not_found())
}

#[handler]
pub async fn page(
    req: &Request,
    Path(plain): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(fallback): PageLang,
) -> poem::Result<Response> {
    let found = online::look(state, &plain).await.map_err(error::db)?;
    let joining = opened(state, req, found)?;
    show(state, req, &plain, &joining, fallback)
}

#[handler]
pub async fn join(
    req: &Request,
    Path(plain): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(fallback): PageLang,
) -> poem::Result<Response> {
    let found = online::join(state, &plain, Utc::now()).await;
    let joining = opened(state, req, found.map_err(error::db)?)?;
    // The address as a URL writes it: ASCII, fit for the Location header.
    match &joining.way {
        Way::In(url) => match url::Url::parse(url) {
            Ok(url) => Ok(Redirect::see_other(url.as_str()).into_response()),
            Err(_) => show(state, req, &plain, &joining, fallback),
        },
        // The page says why the link leads nowhere now.
        _ => show(state, req, &plain, &joining, fallback),
    }
}

fn show(
    state: &AppState,
    req: &Request,
    plain: &str,
    joining: &Joining,
    fallback: Lang,
) -> poem::Result<Response> {
    let lang = person_lang(req, &joining.person, fallback);
    let (a, zone) = (&joining.activity, joining.zone);
    let recorded_at = joining
        .seat
        .as_ref()
        .and_then(|seat| seat.checked_in_at)
        .map(|at| lang.moment(at, zone));
    let me = format!("/me/{}", state.links.manage_token(joining.person.id));
    let mut response = state.pages.respond(
        StatusCode::OK,
        "join.html",
        lang,
        context! {
            here => here(req),
            title => a.title,
            when => lang.when(a.starts_at, a.ends_at, zone),
            way => joining.way.as_str(),
            recorded_at,
            early => online::EARLY.num_minutes(),
            action => format!("/join/{plain}"),
            me,
        },
    )?;
    if let Way::In(url) = &joining.way
        && let Some(policy) = security::policy_with_form_target(url)
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    Ok(response)
}
