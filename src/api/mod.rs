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
mod series;

use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route};
use poem_openapi::{OpenApiService, Tags};

use crate::i18n::Lang;
use error::ApiError;

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
    let service = OpenApiService::new(
        (
            programme::ProgrammeApi,
            registrations::RegistrationApi,
            admin::AdminApi,
            privacy::PrivacyApi,
            audit::AuditApi,
            organisers::OrganisersApi,
            attendees::AttendeeApi,
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
    .server(format!("{base_url}/api"));
    Route::new()
        .at("/openapi.json", service.spec_endpoint())
        .nest("/docs", service.swagger_ui())
        .nest(
            "/",
            service
                .around(problem_for_bad_requests)
                .around(admin::problem_for_unauthorized),
        )
}

/// poem-openapi answers a body or parameter that does not parse (and an unknown path) in plain
/// text; make those problem+json like every other error.
async fn problem_for_bad_requests<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    let lang = request_lang(&req);
    match ep.call(req).await {
        Ok(response) => Ok(response.into_response()),
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

    fn ip(req: &Request) -> Option<std::net::IpAddr> {
        req.remote_addr().as_socket_addr().map(|a| a.ip())
    }

    pub fn check_sign_up(
        state: &AppState,
        req: &Request,
        email: &str,
        lang: Lang,
    ) -> Result<(), ApiError> {
        state
            .limits
            .sign_up(ip(req), email)
            .map_err(|r| ApiError::too_many(lang, r.0))
    }

    pub fn check_token_guess(state: &AppState, req: &Request, lang: Lang) -> Result<(), ApiError> {
        state
            .limits
            .token_request(ip(req))
            .map_err(|r| ApiError::too_many(lang, r.0))
    }
}
