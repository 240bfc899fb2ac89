//! The JSON API (poem-openapi): the same use-cases as the pages. The OpenAPI document is at
//! `/api/openapi.json`, Swagger UI at `/api/docs`. Errors are problem+json (see [`error`]).

pub mod admin;
mod attendees;
mod audit;
mod checkin;
pub mod error;
mod exhibitors;
mod fairs;
mod organisers;
mod privacy;
mod programme;
mod regions;
mod registrations;
mod report;
mod series;

use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route, http::StatusCode};
use poem_openapi::{OpenApi, OpenApiService, Tags};

use crate::i18n::Lang;
use error::{AdminError, ApiError};

#[derive(Tags)]
enum ApiTags {
    /// Fairs, workshops and meetings with their free seats.
    Programme,
    /// Signing up, confirming, cancelling.
    Registrations,
}

/// The language of an API answer: `?lang=cs|en`, else `Accept-Language`, else Czech.
fn request_lang(req: &Request) -> Lang {
    crate::web::lang::lang_of(req)
}

/// The API routes, to be nested under `/api`.
pub fn routes(base_url: &str) -> Route {
    let service = service(base_url);
    Route::new()
        .at("/openapi.json", service.spec_endpoint())
        .nest("/docs", service.swagger_ui())
        .nest("/", service.around(problem_for_framework_errors))
}

/// Every operation, with the document that describes them.
fn service(base_url: &str) -> OpenApiService<impl OpenApi, ()> {
    OpenApiService::new(
        (
            programme::ProgrammeApi,
            registrations::RegistrationApi,
            admin::AdminApi,
            privacy::PrivacyApi,
            audit::AuditApi,
            organisers::OrganisersApi,
            attendees::AttendeeApi,
            report::ReportApi,
            checkin::CheckInApi,
            fairs::FairsApi,
            exhibitors::ExhibitorsApi,
            regions::RegionsApi,
            series::SeriesApi,
        ),
        "veletrh",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Sign-up for education fairs, workshops and regional meetings. Errors are RFC 9457 \
         problem details; branch on `type`: `invalid-input` (422, with `errors`), \
         `invalid-request` (400), `not-found` (404), `expired` (410), `too-many-requests` (429), \
         `try-again-later` (503), `internal` (500); the organiser operations (`/admin/…`, with \
         an API token) add `unauthorized` (401), `forbidden` (403) and `conflict` (409). \
         Messages follow `?lang=` or `Accept-Language` (cs, en).",
    )
    .server(format!("{base_url}/api"))
}

/// poem-openapi answers a body or parameter that does not parse, a wrong media type, an unknown
/// path and a missing or unknown API token (refused before any operation runs) in plain text;
/// make those problem+json like every other error, 401 with `WWW-Authenticate: Bearer`.
async fn problem_for_framework_errors<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    let lang = request_lang(&req);
    match ep.call(req).await {
        Ok(response) => Ok(response.into_response()),
        // An error made from a response is already an answer (e.g. a token check that could
        // not reach the database).
        Err(err) if err.is_from_response() => Err(err),
        Err(err) if err.status() == StatusCode::UNAUTHORIZED => {
            Ok(AdminError::unauthorized(lang).into_response())
        }
        Err(err) => match ApiError::from_framework(err.status().as_u16(), err.to_string(), lang) {
            Some(problem) => Ok(problem.into_response()),
            None => Err(err),
        },
    }
}

mod limits {
    //! The API's side of the rate limits.
    use poem::Request;

    use super::error::ApiError;
    use crate::{i18n::Lang, startup::AppState};

    pub fn check_sign_up(
        state: &AppState,
        req: &Request,
        email: &str,
        lang: Lang,
    ) -> Result<(), ApiError> {
        state
            .limits
            .sign_up(crate::limits::client_ip(req), email)
            .map_err(|r| ApiError::too_many(lang, r.0))
    }

    pub fn check_token_guess(state: &AppState, req: &Request, lang: Lang) -> Result<(), ApiError> {
        state
            .limits
            .token_request(crate::limits::client_ip(req))
            .map_err(|r| ApiError::too_many(lang, r.0))
    }
}

#[cfg(test)]
mod tests {
    use super::service;

    /// poem-openapi refuses a parameter or body that does not parse (400), a body that is not
    /// JSON (415) and a request to an organiser operation without a valid token (401) before the
    /// operation runs, and [`super::problem_for_framework_errors`] answers them: every operation
    /// that can get them must document them.
    #[test]
    fn every_operation_documents_what_the_framework_answers_for_it() {
        let spec: serde_json::Value = serde_json::from_str(&service("http://test").spec()).unwrap();
        let mut missing = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let has_body = operation.get("requestBody").is_some();
                let has_parameters = operation["parameters"]
                    .as_array()
                    .is_some_and(|p| !p.is_empty());
                let expected = [
                    ("400", has_body || has_parameters),
                    ("415", has_body),
                    ("401", path.starts_with("/admin")),
                ];
                for (status, needed) in expected {
                    if needed && operation["responses"].get(status).is_none() {
                        missing.push(format!("{method} {path}: {status}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "undocumented answers: {missing:#?}");
    }
}
