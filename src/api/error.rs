//! Every error of the JSON API, in one table, as RFC 9457 problem details
//! (`application/problem+json`). Clients branch on the stable `type` slug, never on the text.
//! Use-case errors know nothing of HTTP; this is the one place they get a status.

use poem_openapi::{ApiResponse, Object, payload::Json};
use sea_orm::DbErr;

use crate::{domain::FieldError, i18n::Lang, web::error::is_unavailable};

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
    /// `too-many-requests`, `try-again-later`, `internal`.
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

fn problem(kind: &str, status: u16, title: &str, detail: Option<String>) -> Json<Problem> {
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
    /// not parse, a wrong media type, an unknown path): its own message (English, names the
    /// field) as the detail. `None` for statuses that are not the client's mistake.
    pub fn from_framework(status: u16, detail: String, lang: Lang) -> Option<ApiError> {
        let title = format!(
            "{} / {}",
            Lang::Cs.text("api.bad_request"),
            Lang::En.text("api.bad_request")
        );
        Some(match status {
            400 => ApiError::BadRequest(problem("invalid-request", 400, &title, Some(detail))),
            404 | 405 => ApiError::not_found(lang),
            415 => ApiError::UnsupportedMediaType(problem(
                "invalid-request",
                415,
                &title,
                Some(detail),
            )),
            _ => return None,
        })
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

/// Domain field names → the API's (the form says `activities`, the API `activity_ids`).
fn api_field(field: &str) -> &str {
    match field {
        "activities" => "activity_ids",
        other => other,
    }
}
