//! Check-in at the door, on a phone: the activity's list with a search box and a big button per
//! person; the page a scanned QR code opens; the printable sign-in sheet. The rules are in
//! [`crate::checkin`]; this reads forms and shows pages.
//!
//! Every change is a POST (with the CSRF token) answered by a redirect to the activity's list,
//! which shows the outcome: `?outcome=checked_in|already_checked_in|wrong_activity|
//! not_admitted|undone&r={registration}`. A hardware scanner typing a check-in link into the
//! search box (then Enter) lands on the scanned-code page of that activity's door.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{activity, enums::RegistrationStatus};
use minijinja::context;
use poem::{
    IntoResponse, Request, Response, handler,
    http::{HeaderValue, StatusCode, header},
    web::{Data, Path, Redirect},
};
use serde::Serialize;

use super::{AdminForm, SignedIn, accounts::chrome, manage_error, parse_id, signed_in};
use crate::web::error;
use crate::{
    checkin::{self, Attendee, Decision, Outcome, Target},
    i18n::Lang,
    organiser::{Action, Scope, Subject, can},
    startup::AppState,
    web::{PageLang, lang::here, render::with_lang},
};

/// A query parameter of the request.
fn query(req: &Request, name: &str) -> Option<String> {
    req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    })
}

/// "8:25" in the activity's zone.
fn clock(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%-H:%M").to_string()
}

/// A person as the door sees them.
#[derive(Serialize)]
struct PersonView {
    id: i32,
    name: String,
    organisation: Option<String>,
    email: String,
    status: &'static str,
    checked_in_at: Option<String>,
    activity_id: i32,
    activity_title: String,
    activity_when: String,
}

impl PersonView {
    fn new(a: &Attendee, lang: Lang) -> PersonView {
        PersonView {
            id: a.registration.id,
            name: a.person.name.clone(),
            organisation: a.person.organisation.clone(),
            email: a.person.email.clone(),
            status: a.registration.status.as_str(),
            checked_in_at: a.registration.checked_in_at.map(|at| clock(at, a.zone)),
            activity_id: a.activity.id,
            activity_title: a.activity.title.clone(),
            activity_when: lang.when(a.activity.starts_at, a.activity.ends_at, a.zone),
        }
    }
}

/// The outcome box above the list, shown only when the registration's state agrees with it
/// (the query string is the browser's, not proof of anything).
#[derive(Serialize)]
struct Banner {
    outcome: &'static str,
    person: PersonView,
}

async fn banner(
    state: &AppState,
    signed: &SignedIn,
    door: i32,
    lang: Lang,
    req: &Request,
) -> Option<Banner> {
    let outcome = query(req, "outcome")?;
    let id: i32 = query(req, "r")?.parse().ok()?;
    let seen = checkin::preview(state, &signed.who, Target::Registration(id), Some(door))
        .await
        .ok()?;
    let (attendee, decision) = (seen.attendee, seen.decision);
    let outcome = match (outcome.as_str(), decision) {
        ("undone", Decision::Admit) => "undone",
        (code, decision) => {
            let claimed = Outcome::parse(code)?;
            let agrees = match claimed {
                Outcome::CheckedIn | Outcome::AlreadyCheckedIn => {
                    matches!(decision, Decision::AlreadyIn(_))
                }
                other => other == Outcome::from(decision),
            };
            if !agrees {
                return None;
            }
            claimed.as_str()
        }
    };
    Some(Banner {
        outcome,
        person: PersonView::new(&attendee, lang),
    })
}

fn may_check_in(signed: &SignedIn, activity: &activity::Model) -> bool {
    can(
        &signed.who,
        Action::CheckIn,
        Subject::Activity(Scope::from(activity)),
    )
}

/// `GET /admin/activities/{id}/checkin?q=`: the list at the door.
#[handler]
pub async fn list(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let id = parse_id(&id)?;
    let q = query(req, "q").unwrap_or_default();
    if let Some(token) = checkin::token_from_scan(&q) {
        let to = format!("/admin/checkin/{token}?activity={id}");
        return Ok(Redirect::see_other(with_lang(&to, lang)).into_response());
    }
    let (activity, zone, people) =
        checkin::roster(state, &signed.who, id, &checkin::AT_THE_DOOR, &q)
            .await
            .map_err(manage_error)?;
    let (_, _, everyone) = checkin::roster(state, &signed.who, id, &checkin::ON_THE_SHEET, "")
        .await
        .map_err(manage_error)?;
    let arrived = everyone
        .iter()
        .filter(|a| a.registration.status == RegistrationStatus::Attended)
        .count();
    let banner = banner(state, &signed, id, lang, req).await;
    let people: Vec<PersonView> = people.iter().map(|a| PersonView::new(a, lang)).collect();
    let mut page = state.pages.respond(
        StatusCode::OK,
        "admin_checkin.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            activity_id => activity.id,
            title => activity.title,
            when => lang.when(activity.starts_at, activity.ends_at, zone),
            online => activity.online_url.is_some(),
            q,
            people,
            arrived,
            expected => everyone.len(),
            may_check_in => may_check_in(&signed, &activity),
            banner,
        },
    )?;
    if let Ok(cookie) = HeaderValue::from_str(&door_cookie(state, id)) {
        page.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(page)
}

/// Where a check-in or undo at `door` goes back to, keeping the search.
fn back_to_list(door: i32, outcome: &str, registration: i32, q: &str, lang: Lang) -> Response {
    let mut to = url::form_urlencoded::Serializer::new(String::new());
    to.append_pair("outcome", outcome)
        .append_pair("r", &registration.to_string());
    if !q.is_empty() {
        to.append_pair("q", q);
    }
    let to = format!("/admin/activities/{door}/checkin?{}", to.finish());
    Redirect::see_other(with_lang(&to, lang)).into_response()
}

/// `POST /admin/activities/{id}/checkin/{registration}`: the big button in the list.
#[handler]
pub async fn check_in(
    Path((door, registration)): Path<(String, String)>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let (door, registration) = (parse_id(&door)?, parse_id(&registration)?);
    let (outcome, _) = checkin::check_in(
        state,
        &signed.who,
        Target::Registration(registration),
        Some(door),
        Utc::now(),
    )
    .await
    .map_err(manage_error)?;
    let q = fields.get("q").map(String::as_str).unwrap_or_default();
    Ok(back_to_list(door, outcome.as_str(), registration, q, lang))
}

/// `POST /admin/activities/{id}/checkin/{registration}/undo`.
#[handler]
pub async fn undo(
    Path((door, registration)): Path<(String, String)>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let (door, registration) = (parse_id(&door)?, parse_id(&registration)?);
    checkin::undo(state, &signed.who, registration, Utc::now())
        .await
        .map_err(manage_error)?;
    let q = fields.get("q").map(String::as_str).unwrap_or_default();
    Ok(back_to_list(door, "undone", registration, q, lang))
}

/// `GET /checkin/{token}`, the address in the QR code: on to the admin side, where the
/// organiser's session cookie (path `/admin`) is sent.
#[handler]
pub fn scanned(Path(token): Path<String>, PageLang(lang): PageLang) -> Response {
    let token: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    Redirect::see_other(with_lang(&format!("/admin/checkin/{token}"), lang)).into_response()
}

/// Remembers the last door list an organiser opened, so a code scanned with the phone's own
/// camera app (which opens the link without `?activity=`) is still checked against that door.
const DOOR_COOKIE: &str = "veletrh_door";

fn door_cookie(state: &AppState, door: i32) -> String {
    let secure = if state.config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{DOOR_COOKIE}={door}; Path=/admin; HttpOnly; SameSite=Lax{secure}")
}

/// The door an organiser scans at: `?activity=` (the list they came from), else the last list
/// they opened on this device, if any.
fn door_of(req: &Request) -> Option<i32> {
    query(req, "activity")
        .as_deref()
        .or_else(|| super::cookie(req, DOOR_COOKIE))
        .and_then(|v| v.parse().ok())
}

/// `GET /admin/checkin/{token}`: a signed-in organiser sees the person and what a check-in
/// would do, with the button when it would admit them; anyone else a neutral "show this at the
/// entrance" page with the code, which tells nothing the holder of the link does not know.
#[handler]
pub async fn show(
    req: &Request,
    Path(token): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let Some(registration) = state.links.checkin_registration(&token) else {
        return Err(error::not_found());
    };
    let signed = match signed_in(state, req, lang).await {
        Ok(signed) => signed,
        Err(err) if err.is_from_response() => {
            let link = state.links.checkin_url(registration);
            let qr = checkin::qr::svg(&link, lang.text("checkin.qr_label")).unwrap_or_default();
            return state.pages.respond(
                StatusCode::OK,
                "checkin_show.html",
                lang,
                context! { here => here(req), qr => minijinja::Value::from_safe_string(qr) },
            );
        }
        Err(err) => return Err(err),
    };
    let seen = checkin::preview(state, &signed.who, Target::Token(&token), door_of(req))
        .await
        .map_err(manage_error)?;
    let (attendee, door_activity) = (seen.attendee, seen.door);
    let verdict = match seen.decision {
        Decision::Admit => "admit",
        Decision::AlreadyIn(_) => "already_checked_in",
        Decision::WrongActivity => "wrong_activity",
        Decision::NotAdmitted(_) => "not_admitted",
        Decision::TooEarly => "too_early",
    };
    state.pages.respond(
        StatusCode::OK,
        "admin_checkin_scan.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            token,
            door => door_activity.id,
            door_title => door_activity.title.clone(),
            verdict,
            person => PersonView::new(&attendee, lang),
            may_check_in => may_check_in(&signed, &door_activity),
        },
    )
}

/// `POST /admin/checkin/{token}` (field `activity`: the door, optional).
#[handler]
pub async fn check_in_scanned(
    Path(token): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let door = match fields.get("activity").map(|v| v.trim()) {
        None | Some("") => None,
        Some(v) => Some(parse_id(v)?),
    };
    let (outcome, attendee) =
        checkin::check_in(state, &signed.who, Target::Token(&token), door, Utc::now())
            .await
            .map_err(manage_error)?;
    let back = door.unwrap_or(attendee.activity.id);
    Ok(back_to_list(
        back,
        outcome.as_str(),
        attendee.registration.id,
        "",
        lang,
    ))
}

/// How many empty rows the sheet has for people who sign up at the door.
const WALK_IN_ROWS: usize = 8;

/// `GET /admin/activities/{id}/sheet`: the sign-in sheet to print.
#[handler]
pub async fn sheet(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let (activity, zone, people) = checkin::roster(
        state,
        &signed.who,
        parse_id(&id)?,
        &checkin::ON_THE_SHEET,
        "",
    )
    .await
    .map_err(manage_error)?;
    let people: Vec<PersonView> = people.iter().map(|a| PersonView::new(a, lang)).collect();
    let first_walk_in = people.len() + 1;
    state.pages.respond(
        StatusCode::OK,
        "admin_sheet.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            activity_id => activity.id,
            title => activity.title,
            when => lang.when(activity.starts_at, activity.ends_at, zone),
            place => activity.room.clone().or_else(|| activity.place.clone()),
            people,
            walk_ins => (first_walk_in..first_walk_in + WALK_IN_ROWS).collect::<Vec<_>>(),
        },
    )
}
