//! Every error of the JSON API, in one table, as RFC 9457 problem details
//! (`application/problem+json`). Clients branch on the stable `type` slug, never on the text.
//! Use-case errors know nothing of HTTP; this is the one place they get a status.
//!
//! Two answer sets, because poem-openapi documents the statuses per operation: [`ApiError`] for
//! the public operations, [`AdminError`] for the organiser operations (with a token: adds 401,
//! 403, 409). Both include 400 and 415, which the framework answers before an operation runs
//! (the middleware `problem_for_framework_errors` in `api/mod.rs`).

use poem_openapi::{ApiResponse, Object, payload::Json};
use sea_orm::DbErr;

use crate::{domain::FieldError, i18n::Lang, organiser::ManageError, web::error::is_unavailable};

/// One field that needs fixing.
#[derive(Debug, Object)]
pub struct ProblemField {
    /// The request field, e.g. `email` or `activity_ids`.
    pub field: String,
    /// Stable code, e.g. `invalid_email`, `overlap`, `full`.
    pub code: String,
    /// What to do, in the request's language.
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Object)]
pub struct Problem {
    /// Stable slug: `invalid-input`, `invalid-request`, `not-found`, `expired`,
    /// `too-many-requests`, `try-again-later`, `internal`; for organisers also `unauthorized`,
    /// `forbidden`, `conflict`.
    #[oai(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[oai(skip_serializing_if_is_none)]
    pub detail: Option<String>,
    /// For `invalid-input`: every field to fix.
    #[oai(skip_serializing_if_is_empty, default)]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request is not well-formed JSON of the documented shape.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// No such resource (or a link that opens nothing).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request body is not JSON (`Content-Type: application/json`).
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// A confirmation link whose hold ran out.
    #[oai(status = 410, content_type = "application/problem+json")]
    Gone(Json<Problem>),
    /// A body without `Content-Length` (chunked); no client of ours needs one.
    #[oai(status = 411, content_type = "application/problem+json")]
    LengthRequired(Json<Problem>),
    /// A body over 64 KiB, refused before it is read.
    #[oai(status = 413, content_type = "application/problem+json")]
    TooLarge(Json<Problem>),
    /// Fields to fix; nothing was changed.
    #[oai(status = 422, content_type = "application/problem+json")]
    Invalid(Json<Problem>),
    /// Too many requests from this address or for this email; retry later.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooMany(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// The database is unreachable; retry shortly.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

pub(super) fn problem(
    kind: &str,
    status: u16,
    title: &str,
    detail: Option<String>,
) -> Json<Problem> {
    Json(Problem {
        kind: kind.to_owned(),
        title: title.to_owned(),
        status,
        detail,
        errors: Vec::new(),
    })
}

impl ApiError {
    pub fn invalid(errors: &[FieldError], lang: Lang) -> ApiError {
        let mut body = problem("invalid-input", 422, lang.text("api.invalid_input"), None);
        body.0.errors = errors
            .iter()
            .map(|e| ProblemField {
                field: api_field(e.field).to_owned(),
                code: e.code.to_owned(),
                message: lang.field_error(e),
            })
            .collect();
        ApiError::Invalid(body)
    }

    pub fn not_found(lang: Lang) -> ApiError {
        ApiError::NotFound(problem("not-found", 404, lang.text("api.not_found"), None))
    }

    pub fn expired(lang: Lang) -> ApiError {
        ApiError::Gone(problem("expired", 410, lang.text("confirm.expired"), None))
    }

    pub fn too_many(lang: Lang, retry_after: u64) -> ApiError {
        ApiError::TooMany(
            problem("too-many-requests", 429, lang.text("api.too_many"), None),
            retry_after,
        )
    }

    /// A request that poem-openapi refused before our code ran (a body or parameter that does
    /// not parse, a wrong media type, an unknown path): the title in the request's language,
    /// poem-openapi's own message (English, names the field) as the technical detail. `None`
    /// for statuses that are not the client's mistake.
    pub fn from_framework(status: u16, detail: String, lang: Lang) -> Option<ApiError> {
        let title = lang.text("api.bad_request");
        Some(match status {
            400 => ApiError::BadRequest(problem("invalid-request", 400, title, Some(detail))),
            404 | 405 => ApiError::not_found(lang),
            415 => {
                ApiError::UnsupportedMediaType(problem("invalid-request", 415, title, Some(detail)))
            }
            _ => return None,
        })
    }

    /// A body refused by its size before it was read (`startup::limit_body`): 413 or 411.
    pub fn body_refused(status: u16, lang: Lang) -> ApiError {
        if status == 411 {
            ApiError::LengthRequired(problem(
                "invalid-request",
                411,
                lang.text("api.length_required"),
                None,
            ))
        } else {
            ApiError::TooLarge(problem(
                "invalid-request",
                413,
                lang.text("api.too_large"),
                None,
            ))
        }
    }

    pub fn from_db(err: DbErr, lang: Lang) -> ApiError {
        if is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            ApiError::Unavailable(
                problem("try-again-later", 503, lang.text("api.unavailable"), None),
                5,
            )
        } else {
            tracing::error!(error = %err, "database error");
            ApiError::Internal(problem("internal", 500, lang.text("api.internal"), None))
        }
    }
}

/// An [`ApiError`] that an operation's own answer set has no status for: a bug, logged, and
/// answered as a plain 500.
pub(super) fn unexpected(err: ApiError, operations: &str) -> Json<Problem> {
    tracing::error!(?err, "unexpected API error in {operations}");
    problem("internal", 500, "Internal Server Error", None)
}

/// The answers of the organiser operations (`/api/admin/…`, with an API token).
#[derive(Debug, ApiResponse)]
pub enum AdminError {
    /// The request is not well-formed (a body or parameter that does not parse).
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// No valid API token.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>, #[oai(header = "WWW-Authenticate")] String),
    /// The token's role does not allow this.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// Not possible in the current state (`detail` names the code, e.g. `cancelled`,
    /// `changed_meanwhile`).
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// A body without `Content-Length` (chunked).
    #[oai(status = 411, content_type = "application/problem+json")]
    LengthRequired(Json<Problem>),
    /// A body over 64 KiB, refused before it is read.
    #[oai(status = 413, content_type = "application/problem+json")]
    TooLarge(Json<Problem>),
    /// The request body is not JSON (`Content-Type: application/json`).
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// Fields to fix; nothing was changed.
    #[oai(status = 422, content_type = "application/problem+json")]
    Invalid(Json<Problem>),
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

impl AdminError {
    pub fn unauthorized(lang: Lang) -> AdminError {
        AdminError::Unauthorized(
            problem("unauthorized", 401, lang.text("api.unauthorized"), None),
            "Bearer".into(),
        )
    }

    pub fn invalid(errors: &[FieldError], lang: Lang) -> AdminError {
        ApiError::invalid(errors, lang).into()
    }

    /// The one mapping of a [`ManageError`] for every organiser operation.
    pub fn from_manage(err: ManageError, lang: Lang) -> AdminError {
        match err {
            ManageError::Forbidden => {
                AdminError::Forbidden(problem("forbidden", 403, lang.text("api.forbidden"), None))
            }
            ManageError::NotFound => ApiError::not_found(lang).into(),
            ManageError::Conflict(code) => AdminError::Conflict(problem(
                "conflict",
                409,
                lang.text("api.conflict"),
                Some(code.to_owned()),
            )),
            ManageError::Invalid(errors) => AdminError::invalid(&errors, lang),
            ManageError::Db(err) => ApiError::from_db(err, lang).into(),
        }
    }
}

impl From<ApiError> for AdminError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::BadRequest(p) => AdminError::BadRequest(p),
            ApiError::NotFound(p) => AdminError::NotFound(p),
            ApiError::UnsupportedMediaType(p) => AdminError::UnsupportedMediaType(p),
            ApiError::Invalid(p) => AdminError::Invalid(p),
            ApiError::Unavailable(p, retry) => AdminError::Unavailable(p, retry),
            ApiError::Internal(p) => AdminError::Internal(p),
            ApiError::LengthRequired(p) => AdminError::LengthRequired(p),
            ApiError::TooLarge(p) => AdminError::TooLarge(p),
            other @ (ApiError::Gone(_) | ApiError::TooMany(..)) => {
                AdminError::Internal(unexpected(other, "an organiser operation"))
            }
        }
    }
}

/// Domain field names → the API's (the form says `activities`, the API `activity_ids`).
fn api_field(field: &str) -> &str {
    match field {
        "activities" => "activity_ids",
        other => other,
    }
}
