//! The feed URLs and their HTTP: `text/calendar`, ETag and Last-Modified with `304` answers,
//! HEAD (poem answers it with the GET handler and drops the body), and a Cache-Control that
//! lets a proxy answer the polling of public feeds.
//!
//! Anything that names no feed (an unknown slug or id, a workshop's id under `/meetings/`, a
//! revoked, unknown or malformed token) gets the same 404, so a response never tells whether a
//! token once existed.

use poem::{
    Request, Response, Route, get, handler,
    http::{StatusCode, header},
    web::{Data, Path, Query},
};
use serde::Deserialize;

use super::{cache::Built, source::FeedRequest};
use crate::{i18n::Lang, startup::AppState, web::error};

/// Public feeds: any cache may keep them five minutes, then revalidate (a 304 from memory).
const PUBLIC: &str = "public, max-age=300";
/// Personal feeds name what someone signed up for: their browser or app may cache them, a
/// shared proxy may not.
const PRIVATE: &str = "private, max-age=300";

/// Adds the feed routes to `route`.
pub fn routes(route: Route) -> Route {
    route
        .at("/fairs/:slug/calendar.ics", get(fair))
        .at("/workshops/:id/calendar.ics", get(workshop))
        .at("/meetings/calendar.ics", get(meetings))
        .at("/meetings/:id/calendar.ics", get(meeting))
        .at("/me/:token/calendar.ics", get(personal))
}

#[derive(Debug, Default, Deserialize)]
struct FeedQuery {
    lang: Option<String>,
    region: Option<String>,
    district: Option<String>,
}

impl FeedQuery {
    fn lang(&self) -> Option<Lang> {
        self.lang.as_deref().and_then(Lang::parse)
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

#[handler]
async fn fair(
    req: &Request,
    Path(slug): Path<String>,
    Query(query): Query<FeedQuery>,
    Data(state): Data<&AppState>,
) -> poem::Result<Response> {
    serve(req, state, FeedRequest::Fair(&slug), query.lang()).await
}

#[handler]
async fn workshop(
    req: &Request,
    Path(id): Path<String>,
    Query(query): Query<FeedQuery>,
    Data(state): Data<&AppState>,
) -> poem::Result<Response> {
    activity(
        req,
        state,
        entity::enums::ActivityKind::Workshop,
        &id,
        &query,
    )
    .await
}

#[handler]
async fn meeting(
    req: &Request,
    Path(id): Path<String>,
    Query(query): Query<FeedQuery>,
    Data(state): Data<&AppState>,
) -> poem::Result<Response> {
    activity(
        req,
        state,
        entity::enums::ActivityKind::Meeting,
        &id,
        &query,
    )
    .await
}

async fn activity(
    req: &Request,
    state: &AppState,
    kind: entity::enums::ActivityKind,
    id: &str,
    query: &FeedQuery,
) -> poem::Result<Response> {
    match id.parse::<i32>() {
        Ok(id) => serve(req, state, FeedRequest::Activity(kind, id), query.lang()).await,
        Err(_) => Ok(not_found()),
    }
}

#[handler]
async fn meetings(
    req: &Request,
    Query(query): Query<FeedQuery>,
    Data(state): Data<&AppState>,
) -> poem::Result<Response> {
    let request = FeedRequest::Meetings {
        region: non_empty(&query.region),
        district: non_empty(&query.district),
    };
    serve(req, state, request, query.lang()).await
}

#[handler]
async fn personal(
    req: &Request,
    Path(token): Path<String>,
    Query(query): Query<FeedQuery>,
    Data(state): Data<&AppState>,
) -> poem::Result<Response> {
    // The token is a secret like the manage link's: guesses count against the same limit.
    if let Err(retry) = state.limits.token_request(crate::limits::client_ip(req)) {
        return Ok(Response::builder()
            .status(StatusCode::TOO_MANY_REQUESTS)
            .header(header::RETRY_AFTER, retry.0)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body("Too many requests. Příliš mnoho požadavků.\n"));
    }
    serve(req, state, FeedRequest::Person(&token), query.lang()).await
}

async fn serve(
    req: &Request,
    state: &AppState,
    request: FeedRequest<'_>,
    lang: Option<Lang>,
) -> poem::Result<Response> {
    let built = state
        .feeds
        .get(state.db.conn(), request, lang, &state.links)
        .await
        .map_err(error::db)?;
    Ok(match built {
        Some(built) => respond(req, &built),
        None => not_found(),
    })
}

fn respond(req: &Request, built: &Built) -> Response {
    let private = built.feed.is_personal();
    let mut response = Response::builder()
        .header(header::ETAG, built.etag.as_str())
        .header(header::LAST_MODIFIED, built.last_modified_header.as_str())
        .header(
            header::CACHE_CONTROL,
            if private { PRIVATE } else { PUBLIC },
        );
    if private {
        response = response
            .header("X-Robots-Tag", "noindex")
            .header(header::REFERRER_POLICY, "no-referrer");
    }
    if not_modified(req, built) {
        return response.status(StatusCode::NOT_MODIFIED).finish();
    }
    response
        .content_type("text/calendar; charset=utf-8")
        .body(built.body.clone())
}

fn not_found() -> Response {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(header::CACHE_CONTROL, "no-store")
        .content_type("text/plain; charset=utf-8")
        .body("Kalendář nenalezen. / Calendar not found.\n")
}

/// RFC 9110 13.2.2: If-None-Match decides when present (any listed tag, weak or strong, or `*`);
/// only without it does If-Modified-Since.
fn not_modified(req: &Request, built: &Built) -> bool {
    let headers = req.headers();
    if let Some(tags) = headers.get(header::IF_NONE_MATCH) {
        let Ok(tags) = tags.to_str() else {
            return false;
        };
        return tags
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == built.etag);
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| built.last_modified <= since)
}
