//! How failures reach a visitor. A database failure: 503 with a retry hint when the database is
//! unreachable (it comes back on its own), a bare 500 otherwise; the cause goes to the log only.
//! A rate limit: [`TooMany`], 429 with `Retry-After`. On the pages, [`pages`] turns any error into
//! a page in the visitor's language with the same status.

use poem::http::StatusCode;
use sea_orm::DbErr;

/// Nothing here: [`pages`] shows the 404 page.
pub fn not_found() -> poem::Error {
    poem::Error::from_status(StatusCode::NOT_FOUND)
}

pub fn db(err: DbErr) -> poem::Error {
    if is_unavailable(&err) {
        tracing::warn!(error = %err, "database unavailable");
        poem::Error::from_string(
            "Služba je dočasně nedostupná, zkuste to prosím za chvíli. / The service is \
             temporarily unavailable, please try again shortly.",
            StatusCode::SERVICE_UNAVAILABLE,
        )
    } else {
        tracing::error!(error = %err, "database error");
        poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Connection-level failures, as opposed to a query the database refused.
pub fn is_unavailable(err: &DbErr) -> bool {
    matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_))
}

/// Over a rate limit: the page says so and the answer carries `Retry-After` (seconds).
#[derive(Debug, thiserror::Error)]
#[error("too many requests")]
pub struct TooMany(pub u64);

impl poem::error::ResponseError for TooMany {
    fn status(&self) -> StatusCode {
        StatusCode::TOO_MANY_REQUESTS
    }
}

impl From<crate::limits::RetryAfter> for TooMany {
    fn from(retry: crate::limits::RetryAfter) -> Self {
        TooMany(retry.0)
    }
}

/// Middleware for the pages: any error (an unknown address, a rate limit, the database gone)
/// becomes a page in the visitor's language with the error's status.
pub async fn pages<E: poem::Endpoint>(ep: E, req: poem::Request) -> poem::Result<poem::Response> {
    use poem::IntoResponse;
    let page = ErrorPage::for_request(&req);
    match ep.call(req).await {
        Ok(response) => Ok(response.into_response()),
        Err(err) => Ok(page.render(err)),
    }
}

/// What an error page needs from the request, taken before the request is handed on.
pub struct ErrorPage {
    lang: crate::i18n::Lang,
    here: String,
    pages: Option<std::sync::Arc<super::render::Pages>>,
}

impl ErrorPage {
    pub fn for_request(req: &poem::Request) -> ErrorPage {
        ErrorPage {
            lang: super::lang::lang_of(req),
            here: super::lang::here(req),
            pages: req
                .data::<crate::startup::AppState>()
                .map(|s| s.pages.clone()),
        }
    }

    /// The page for `err`, with its status and, when waiting helps, `Retry-After`.
    pub fn render(self, err: poem::Error) -> poem::Response {
        let status = err.status();
        let retry_after = match err.downcast_ref::<TooMany>() {
            Some(TooMany(seconds)) => Some(*seconds),
            None if status == StatusCode::SERVICE_UNAVAILABLE => Some(5),
            None => None,
        };
        let kind = match status.as_u16() {
            403 => "forbidden",
            404 | 405 => "not_found",
            409 => "conflict",
            413 => "too_large",
            429 => "too_many",
            503 => "unavailable",
            400..=499 => "bad_request",
            _ => "internal",
        };
        let ctx = minijinja::context! {
            here => self.here,
            kind,
            retry_after,
            status => status.as_u16(),
        };
        let page = self
            .pages
            .and_then(|p| p.respond(status, "error.html", self.lang, ctx).ok());
        let mut response = match page {
            Some(page) => page,
            None => err.into_response(),
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                poem::http::header::RETRY_AFTER,
                poem::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}
