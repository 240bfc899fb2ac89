//! The organisers' pages under `/admin` (server-rendered like the public site; no script).
//!
//! | page | route | who |
//! |---|---|---|
//! | sign in, sign out | `GET`, `POST /admin/login`; `POST /admin/logout` | anyone; signed in |
//! | workshops and meetings | `GET /admin`, `GET /admin/activities` | signed in (what their role may see) |
//! | new workshop or meeting | `GET`, `POST /admin/activities/new` | admin, organiser in scope |
//! | edit, cancel | `GET`, `POST /admin/activities/{id}`; `POST /admin/activities/{id}/cancel` | admin, organiser in scope |
//! | attendees of an activity; add a person | `GET`, `POST /admin/activities/{id}/attendees`; download `GET …/attendees/export` | view/export: signed in in scope (viewer too); add: admin, organiser in scope |
//! | email an activity's people | `POST /admin/activities/{id}/message` | admin, organiser in scope |
//! | attendees of a fair's workshops | `GET /admin/fairs/{id}/attendees`, `GET …/attendees/export` | signed in in scope (viewer too) |
//! | cancel, move a registration | `POST /admin/registrations/{id}/cancel`, `POST /admin/registrations/{id}/move` | admin, organiser in scope (of both activities) |
//! | counts per region, district, school | `GET /admin/counts` | signed in (their scope) |
//! | a fair's or series' results: each workshop's or meeting's seats, attendance, waiting list, rating; totals | `GET /admin/fairs/{id}/report`, `GET /admin/series/{id}/report`; as a file `…/report/export?format=` | signed in in scope (viewer too) |
//! | fairs | `GET /admin/fairs` | signed in |
//! | new fair | `GET`, `POST /admin/fairs/new` | admin |
//! | edit a fair; cancel it | `GET`, `POST /admin/fairs/{id}`; `POST /admin/fairs/{id}/cancel` | admin, the fair's organiser (edit only) |
//! | a fair's exhibitors and applications (`?status=`) | `GET /admin/fairs/{id}/exhibitors` | admin, viewer, the fair's organiser |
//! | new exhibitor | `GET`, `POST /admin/fairs/{id}/exhibitors/new` | admin, the fair's organiser |
//! | edit, approve, reject, delete an exhibitor | `GET`, `POST /admin/exhibitors/{id}`; `POST /admin/exhibitors/{id}/approve`, `/reject`, `/delete` | admin, the fair's organiser |
//! | check-in at the door: list and search, check in, undo | `GET /admin/activities/{id}/checkin?q=`; `POST …/checkin/{registration}`, `POST …/checkin/{registration}/undo` | see: signed in in scope (viewer too); check in: admin, organiser in scope |
//! | a scanned QR code (`/checkin/{token}` redirects here) | `GET`, `POST /admin/checkin/{token}?activity=` | organisers as above; anyone else sees a neutral page |
//! | printable sign-in sheet | `GET /admin/activities/{id}/sheet` | signed in in scope (viewer too) |
//! | regions, districts, partnerships | `GET /admin/regions` | signed in |
//! | new region, district | `GET`, `POST /admin/regions/new`, `/admin/districts/new` | admin |
//! | edit, delete a region | `GET`, `POST /admin/regions/{id}`; `POST /admin/regions/{id}/delete` | admin (others read) |
//! | edit, delete a district | `GET`, `POST /admin/districts/{id}`; `POST /admin/districts/{id}/delete` | admin (others read) |
//! | a district's partnership: save, remove | `POST /admin/districts/{id}/partnership`, `…/partnership/delete` | admin, organiser of the region |
//! | meeting series; new series with its meetings | `GET /admin/series`; `GET`, `POST /admin/series/new` | signed in (what their role may see); admin, regional organiser |
//! | edit a series, add meetings, cancel the rest | `GET`, `POST /admin/series/{id}`; `POST …/{id}/occurrences`, `…/{id}/cancel` | admin, organiser of the series' region |
//! | API tokens | `GET`, `POST /admin/tokens`; `POST /admin/tokens/{id}/revoke` | signed in |
//! | invite an organiser | `GET`, `POST /admin/invitations` | admin |
//! | accept an invitation | `GET`, `POST /admin/invitations/{token}` | the invitee (link from the email) |
//! | withdraw an open invitation | `POST /admin/invitations/{id}/withdraw` | admin |
//! | find a person (`?q=` email or name); their registrations | `GET /admin/people`, `GET /admin/people/{id}` | admin; viewer, organiser (only people and registrations they may export) |
//! | anonymise a person: confirmation page, then the change | `GET`, `POST /admin/people/{id}/anonymise` | admin |
//! | audit log (filters, pages); export `?format=csv\|json` | `GET /admin/audit`, `GET /admin/audit/export` | admin |
//! | organiser accounts; role and scope; disable, enable | `GET /admin/organisers`, `GET`, `POST /admin/organisers/{id}`; `POST …/{id}/disable`, `…/enable` | admin |
//! | own password | `GET`, `POST /admin/password` | signed in |
//! | mail status; send a failed message again | `GET /admin/mail`; `POST /admin/mail/{id}/retry` | admin |
//!
//! Signed-in pages read the session cookie ([`COOKIE`]: HttpOnly, SameSite=Lax, Secure when the
//! base URL is https, path `/admin`); without a valid one a page redirects to the sign-in page.
//! Every state-changing form carries the session's CSRF token in the field `csrf`; a POST
//! without the right one is refused with 403 and changes nothing ([`AdminForm`], which every POST
//! handler takes; [`answer`] turns a use-case's result into the redirect or the form again).
//! Answers are never cached.

mod accounts;
mod activities;
mod attendees;
mod audit;
mod checkin;
mod exhibitors;
mod fairs;
mod local_time;
mod mail;
mod organisers;
mod people;
mod regions;
mod report;
mod series;

/// The address in a check-in QR code, served beside the public pages.
pub use checkin::scanned as checkin_link;

use std::collections::BTreeMap;

use poem::{
    Endpoint, FromRequest, IntoResponse, Request, RequestBody, Response, Route, get,
    http::{HeaderValue, StatusCode, header},
    post,
    web::{Data, Redirect},
};
use serde::Serialize;

use super::{error, render::with_lang};
use crate::{
    domain::FieldError,
    i18n::Lang,
    organiser::{ManageError, Principal, sessions},
    startup::AppState,
};

/// The session cookie's name.
pub const COOKIE: &str = "veletrh_admin";

pub fn routes() -> Route {
    Route::new()
        .at("/", get(activities::home))
        .at("/login", get(accounts::login_page).post(accounts::login))
        .at("/logout", post(accounts::logout))
        .at("/activities", get(activities::list))
        .at(
            "/activities/new",
            get(activities::new_page).post(activities::create),
        )
        .at(
            "/activities/:id",
            get(activities::edit_page).post(activities::update),
        )
        .at("/activities/:id/cancel", post(activities::cancel))
        .at("/regions", get(regions::list))
        .at(
            "/regions/new",
            get(regions::new_region_page).post(regions::create_region),
        )
        .at(
            "/regions/:id",
            get(regions::region_edit_page).post(regions::update_region),
        )
        .at("/regions/:id/delete", post(regions::delete_region))
        .at(
            "/districts/new",
            get(regions::new_district_page).post(regions::create_district),
        )
        .at(
            "/districts/:id",
            get(regions::district_edit_page).post(regions::update_district),
        )
        .at("/districts/:id/delete", post(regions::delete_district))
        .at(
            "/districts/:id/partnership",
            post(regions::save_partnership),
        )
        .at(
            "/districts/:id/partnership/delete",
            post(regions::delete_partnership),
        )
        .at("/series", get(series::list))
        .at("/series/new", get(series::new_page).post(series::create))
        .at("/series/:id", get(series::edit_page).post(series::update))
        .at("/series/:id/occurrences", post(series::add))
        .at("/series/:id/cancel", post(series::cancel))
        .at("/series/:id/report", get(report::series))
        .at("/series/:id/report/export", get(report::series_export))
        .at("/people", get(people::search))
        .at("/people/:id", get(people::show))
        .at(
            "/people/:id/anonymise",
            get(people::confirm_page).post(people::anonymise),
        )
        .at("/audit", get(audit::list))
        .at("/audit/export", get(audit::export))
        .at("/organisers", get(organisers::list))
        .at(
            "/organisers/:id",
            get(organisers::edit_page).post(organisers::update),
        )
        .at("/organisers/:id/disable", post(organisers::disable))
        .at("/organisers/:id/enable", post(organisers::enable))
        .at(
            "/password",
            get(accounts::password_page).post(accounts::change_password),
        )
        .at("/mail", get(mail::status))
        .at("/mail/:id/retry", post(mail::retry))
        .at("/activities/:id/checkin", get(checkin::list))
        .at(
            "/activities/:id/checkin/:registration",
            post(checkin::check_in),
        )
        .at(
            "/activities/:id/checkin/:registration/undo",
            post(checkin::undo),
        )
        .at("/activities/:id/sheet", get(checkin::sheet))
        .at(
            "/checkin/:token",
            get(checkin::show).post(checkin::check_in_scanned),
        )
        .at("/fairs", get(fairs::list))
        .at("/fairs/new", get(fairs::new_page).post(fairs::create))
        .at("/fairs/:id", get(fairs::edit_page).post(fairs::update))
        .at("/fairs/:id/cancel", post(fairs::cancel))
        .at("/fairs/:id/exhibitors", get(exhibitors::list))
        .at(
            "/fairs/:id/exhibitors/new",
            get(exhibitors::new_page).post(exhibitors::create),
        )
        .at(
            "/exhibitors/:id",
            get(exhibitors::edit_page).post(exhibitors::update),
        )
        .at("/exhibitors/:id/approve", post(exhibitors::approve))
        .at("/exhibitors/:id/reject", post(exhibitors::reject))
        .at("/exhibitors/:id/delete", post(exhibitors::delete))
        .at(
            "/activities/:id/attendees",
            get(attendees::activity_list).post(attendees::add),
        )
        .at("/activities/:id/message", post(attendees::message))
        .at(
            "/activities/:id/attendees/export",
            get(attendees::activity_export),
        )
        .at("/fairs/:id/attendees", get(attendees::fair_list))
        .at("/fairs/:id/attendees/export", get(attendees::fair_export))
        .at("/registrations/:id/cancel", post(attendees::cancel))
        .at("/registrations/:id/move", post(attendees::move_to))
        .at("/fairs/:id/report", get(report::fair))
        .at("/fairs/:id/report/export", get(report::fair_export))
        .at("/counts", get(attendees::counts))
        .at(
            "/tokens",
            get(accounts::tokens_list).post(accounts::create_token),
        )
        .at("/tokens/:id/revoke", post(accounts::revoke_token))
        .at(
            "/invitations",
            get(accounts::invite_page).post(accounts::invite),
        )
        .at(
            "/invitations/:token",
            get(accounts::accept_page).post(accounts::accept),
        )
        .at(
            "/invitations/:id/withdraw",
            post(accounts::withdraw_invitation),
        )
}

/// Middleware for the admin pages: nothing here may be stored by a browser or proxy.
pub async fn no_store<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    let mut response = ep.call(req).await?.into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The signed-in organiser of a request and the session secret (for the CSRF token).
pub struct SignedIn {
    pub who: Principal,
    session: String,
}

impl SignedIn {
    pub fn csrf(&self) -> String {
        sessions::csrf_token(&self.session)
    }
}

/// The value of cookie `name` in the request.
fn cookie<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The organiser behind the session cookie; without one, an error carrying the redirect to the
/// sign-in page (which [`redirects`] lets through as it is).
pub async fn signed_in(state: &AppState, req: &Request, lang: Lang) -> poem::Result<SignedIn> {
    let Some(session) = cookie(req, COOKIE) else {
        return Err(poem::Error::from_response(to_login(lang)));
    };
    match sessions::authenticate(state, session, chrono::Utc::now())
        .await
        .map_err(error::db)?
    {
        // An initial password (printed by the command line or the first start) is changed
        // before anything else: every other page leads to the password form.
        Some(who)
            if who.must_change_password
                && !matches!(req.original_uri().path(), PASSWORD_PATH | "/admin/logout") =>
        {
            let to = Redirect::see_other(with_lang(PASSWORD_PATH, lang)).into_response();
            Err(poem::Error::from_response(to))
        }
        Some(who) => Ok(SignedIn {
            who,
            session: session.to_owned(),
        }),
        None => Err(poem::Error::from_response(to_login(lang))),
    }
}

/// Where an organiser changes their own password.
const PASSWORD_PATH: &str = "/admin/password";

/// Middleware (inside the error pages): an error made from a response (the redirect to the
/// sign-in page) is answered with that response instead of an error page.
pub async fn redirects<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    match ep.call(req).await {
        Ok(response) => Ok(response.into_response()),
        Err(err) if err.is_from_response() && err.status().is_redirection() => {
            Ok(err.into_response())
        }
        Err(err) => Err(err),
    }
}

fn to_login(lang: Lang) -> Response {
    Redirect::see_other(with_lang("/admin/login", lang)).into_response()
}

/// A posted form's fields (the last value of a repeated field wins).
pub fn form(body: &[u8]) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The signed-in organiser of a POST whose form carries the session's CSRF token; 403 when the
/// token is missing or wrong.
pub async fn signed_in_form(
    state: &AppState,
    req: &Request,
    lang: Lang,
    fields: &BTreeMap<String, String>,
) -> poem::Result<SignedIn> {
    let signed = signed_in(state, req, lang).await?;
    let posted = fields.get("csrf").map(String::as_str).unwrap_or_default();
    if !sessions::csrf_matches(&signed.session, posted) {
        tracing::warn!(
            organiser = signed.who.id,
            "admin form without a valid CSRF token"
        );
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    Ok(signed)
}

/// A POST of a state-changing admin form: the signed-in organiser (else the redirect to the
/// sign-in page) and the fields, whose CSRF token has been checked (else 403, nothing changed).
pub struct AdminForm {
    pub signed: SignedIn,
    pub fields: BTreeMap<String, String>,
    /// The raw body, for fields that may repeat.
    pub body: bytes::Bytes,
}

impl<'a> FromRequest<'a> for AdminForm {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let Data(state) = Data::<&AppState>::from_request(req, body).await?;
        let lang = super::lang::lang_of(req);
        let body = bytes::Bytes::from_request(req, body).await?;
        let fields = form(&body);
        let signed = signed_in_form(state, req, lang, &fields).await?;
        Ok(AdminForm {
            signed,
            fields,
            body,
        })
    }
}

/// A whole number in form field `field`, `None` when empty; one that does not parse is reported
/// in `problems` with `code` (`invalid_number` for a typed number, `unknown_choice` for a select).
pub fn optional_number(
    fields: &BTreeMap<String, String>,
    field: &'static str,
    code: &'static str,
    problems: &mut Vec<FieldError>,
) -> Option<i32> {
    match fields.get(field).map(|v| v.trim()).unwrap_or_default() {
        "" => None,
        v => v
            .parse()
            .map_err(|_| problems.push(FieldError::new(field, code)))
            .ok(),
    }
}

/// A download: `body` as the file `name` (ASCII, no quotes) of `content_type`.
pub fn attachment(content_type: &str, name: &str, body: impl Into<poem::Body>) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .body(body)
}

/// An id from the path; one that is not a number names nothing (404).
pub fn parse_id(id: &str) -> poem::Result<i32> {
    id.parse()
        .map_err(|_| poem::Error::from_status(StatusCode::NOT_FOUND))
}

/// `?done=…` on a page after a redirect, when it is one of `known` (the page's notices).
pub fn notice(req: &Request, known: &[&str]) -> Option<String> {
    req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "done")
            .map(|(_, v)| v.into_owned())
            .filter(|v| known.contains(&v.as_str()))
    })
}

/// The redirect after a change: to `path?done=what`, in the page's language.
pub fn done(path: &str, what: &str, lang: Lang) -> Response {
    Redirect::see_other(with_lang(&format!("{path}?done={what}"), lang)).into_response()
}

/// How an admin POST answers a use-case's result: on success the redirect to the path `to`
/// gives (with its `?done=`), on field errors the form again (`invalid`), else [`manage_error`].
pub async fn answer<T>(
    result: Result<T, ManageError>,
    lang: Lang,
    to: impl FnOnce(T) -> String,
    invalid: impl AsyncFnOnce(Vec<FieldError>) -> poem::Result<Response>,
) -> poem::Result<Response> {
    match result {
        Ok(value) => Ok(Redirect::see_other(with_lang(&to(value), lang)).into_response()),
        Err(ManageError::Invalid(errors)) => invalid(errors).await,
        Err(other) => Err(manage_error(other)),
    }
}

/// `Set-Cookie` for a new session, or (with `None`) to remove it.
pub fn session_cookie(state: &AppState, value: Option<&str>) -> String {
    let secure = if state.config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    match value {
        Some(value) => format!("{COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{COOKIE}=; Path=/admin; HttpOnly; SameSite=Lax{secure}; Max-Age=0"),
    }
}

/// Field errors as the form templates (`form.html`) want them.
#[derive(Debug, Default, Serialize)]
pub struct FormView {
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<&'static str, String>,
    pub summary: Vec<super::sign_up::SummaryItem>,
}

impl FormView {
    pub fn new(values: BTreeMap<String, String>, errors: &[FieldError], lang: Lang) -> FormView {
        let mut view = FormView {
            values,
            ..FormView::default()
        };
        for e in errors {
            let message = lang.field_error(e);
            view.summary.push(super::sign_up::SummaryItem {
                href: format!("#{}", e.field),
                message: message.clone(),
            });
            view.errors
                .entry(e.field)
                .and_modify(|m| {
                    m.push(' ');
                    m.push_str(&message)
                })
                .or_insert(message);
        }
        view
    }
}

/// The page for a [`crate::organiser::ManageError`] that is not a form's field errors.
pub fn manage_error(err: ManageError) -> poem::Error {
    match err {
        ManageError::Forbidden => poem::Error::from_status(StatusCode::FORBIDDEN),
        ManageError::NotFound => poem::Error::from_status(StatusCode::NOT_FOUND),
        ManageError::Conflict(_) => poem::Error::from_status(StatusCode::CONFLICT),
        ManageError::Invalid(_) => poem::Error::from_status(StatusCode::UNPROCESSABLE_ENTITY),
        ManageError::Db(err) => error::db(err),
    }
}
