//! The manage page every email links to, `/me/{token}`: the person's registrations with a
//! cancel button and an `.ics` each, their personal calendar feed, the certificate of
//! attendance, and "delete my data" behind a confirmation step. Every change is a POST followed
//! by a redirect (303) back to a page.
//!
//! The page speaks the language the link asks for (`?lang=`), else the one the person signed up
//! in.

use entity::{enums::RegistrationStatus, person};
use minijinja::context;
use poem::{
    IntoResponse, Request, Response, handler,
    http::StatusCode,
    web::{Data, Path, Redirect},
};
use serde::Serialize;

use super::{
    PageLang,
    admin::{done, notice},
    error,
    lang::{here, query_lang},
    render::with_lang,
    views::CalendarLinks,
};
use crate::{
    calendar::links,
    i18n::Lang,
    registration::{self, CancelOutcome, MyRegistrations, WayIn},
    startup::AppState,
    timezone,
};

#[derive(Debug, Serialize)]
struct RegistrationView {
    id: i32,
    title: String,
    kind: &'static str,
    when: String,
    place: Option<String>,
    status: &'static str,
    /// "pending until …": when the held seat goes back unless confirmed.
    hold_until: Option<String>,
    /// On the waiting list: the place in line.
    waiting_position: Option<u64>,
    cancellable: bool,
    path: String,
    ics: String,
    /// The QR code of the check-in link (inline SVG), for a confirmed or attended registration.
    qr: Option<minijinja::Value>,
    /// The check-in link itself, for those who cannot scan.
    checkin_url: Option<String>,
    /// The link an online activity is joined by, instead of the QR code.
    join_url: Option<String>,
}

/// Every request with a manage token counts against the per-address limit on token guessing.
pub(super) fn count_token_guess(state: &AppState, req: &Request) -> poem::Result<()> {
    state
        .limits
        .token_request(crate::limits::client_ip(req))
        .map_err(error::TooMany::from)?;
    Ok(())
}

/// The person behind the link.
async fn mine(state: &AppState, req: &Request, plain: &str) -> poem::Result<MyRegistrations> {
    count_token_guess(state, req)?;
    registration::my_registrations(state, plain)
        .await
        .map_err(error::db)?
        .ok_or_else(error::not_found)
}

pub(super) fn person_lang(req: &Request, person: &person::Model, fallback: Lang) -> Lang {
    query_lang(req)
        .or_else(|| Lang::parse(&person.language))
        .unwrap_or(fallback)
}

#[handler]
pub async fn page(
    req: &Request,
    Path(plain): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(fallback): PageLang,
) -> poem::Result<Response> {
    let mine = mine(state, req, &plain).await?;
    let lang = person_lang(req, &mine.person, fallback);
    let base = &state.links.base;
    let mut live = Vec::new();
    let mut history = Vec::new();
    for r in &mine.registrations {
        let (reg, a) = (&r.registration, &r.activity);
        let mut view = RegistrationView {
            id: reg.id,
            title: a.title.clone(),
            kind: a.kind.as_str(),
            when: lang.when(a.starts_at, a.ends_at, r.zone),
            place: Some(r.location.clone()).filter(|l| !l.is_empty()),
            status: reg.status.as_str(),
            hold_until: crate::registration::seats::waits_until(reg)
                .map(|at| lang.moment(at, r.zone)),
            waiting_position: r.waiting_position,
            cancellable: matches!(
                reg.status,
                RegistrationStatus::Pending
                    | RegistrationStatus::Confirmed
                    | RegistrationStatus::Waitlisted
                    | RegistrationStatus::Offered
            ),
            path: links::activity_page("", a.kind, a.id),
            ics: super::views::in_lang(links::activity_feed(base, a.kind, a.id), lang),
            qr: None,
            checkin_url: None,
            join_url: None,
        };
        match &r.way_in {
            Some(WayIn::Online(url)) => view.join_url = Some(url.clone()),
            Some(WayIn::Door(url)) => {
                let label = format!("{}: {}", lang.text("manage.checkin_qr"), a.title);
                view.qr =
                    crate::checkin::qr::svg(url, &label).map(minijinja::Value::from_safe_string);
                view.checkin_url = Some(url.clone());
            }
            None => {}
        }
        if matches!(
            reg.status,
            RegistrationStatus::Cancelled | RegistrationStatus::Expired
        ) {
            history.push(view);
        } else {
            live.push(view);
        }
    }
    let attended = mine
        .registrations
        .iter()
        .any(|r| r.registration.status == RegistrationStatus::Attended);
    let person = &mine.person;
    let feed = state.links.feed_url(person.id, person.feed_generation);
    let feed = super::views::in_lang(feed, lang);
    let feed_name = format!("{} – {}", lang.text("cal.mine"), lang.text("app.name"));
    let notice = notice(req, &["cancelled", "already"]);
    let me = format!("/me/{plain}");
    state.pages.respond(
        StatusCode::OK,
        "manage.html",
        lang,
        context! {
            here => here(req),
            me,
            name => person.name,
            email => person.email,
            organisation => person.organisation,
            live,
            history,
            attended,
            feed => CalendarLinks::new(&feed, &feed_name),
            notice,
        },
    )
}

#[derive(Debug, Serialize)]
struct AttendedView {
    title: String,
    kind: &'static str,
    part_of: String,
    when: String,
    duration: String,
    place: String,
    speakers: String,
    registration_id: i32,
    /// The person's rating, when they gave one.
    rating: Option<i32>,
}

/// The certificate of attendance, `/me/{token}/attendance`: printable, in the person's language.
#[handler]
pub async fn attendance(
    req: &Request,
    Path(plain): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(fallback): PageLang,
) -> poem::Result<Response> {
    count_token_guess(state, req)?;
    let attendance = registration::attendance(state, &plain)
        .await
        .map_err(error::db)?
        .ok_or_else(error::not_found)?;
    let person = &attendance.person;
    let lang = person_lang(req, person, fallback);
    let attended: Vec<_> = attendance
        .attended
        .iter()
        .map(|a| AttendedView {
            title: a.activity.model.title.clone(),
            kind: a.activity.model.kind.as_str(),
            part_of: a.part_of.clone(),
            when: lang.when(
                a.activity.model.starts_at,
                a.activity.model.ends_at,
                a.activity.zone,
            ),
            duration: registration::duration(a.minutes()),
            place: a.activity.location(),
            speakers: a.activity.speaker_line(),
            registration_id: a.registration.id,
            rating: a.feedback.as_ref().map(|f| f.rating),
        })
        .collect();
    state.pages.respond(
        StatusCode::OK,
        "attendance.html",
        lang,
        context! {
            here => here(req),
            me => format!("/me/{plain}"),
            name => person.name,
            organisation => person.organisation,
            attended,
            total => registration::duration(attendance.total_minutes()),
            issued => lang.date(chrono::Utc::now(), timezone::DEFAULT),
            saved => notice(req, &["feedback"]).is_some(),
        },
    )
}

#[handler]
pub async fn cancel(
    req: &Request,
    Path((plain, id)): Path<(String, String)>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let id: i32 = id.parse().map_err(|_| error::not_found())?;
    count_token_guess(state, req)?;
    match registration::cancel(state, &plain, id)
        .await
        .map_err(error::db)?
    {
        CancelOutcome::Cancelled => Ok(done(&format!("/me/{plain}"), "cancelled", lang)),
        // A second click: nothing happened this time, and no email comes.
        CancelOutcome::AlreadyCancelled => Ok(done(&format!("/me/{plain}"), "already", lang)),
        CancelOutcome::NotFound => Err(error::not_found()),
    }
}

#[handler]
pub async fn ask_delete(
    req: &Request,
    Path(plain): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(fallback): PageLang,
) -> poem::Result<Response> {
    let mine = mine(state, req, &plain).await?;
    let lang = person_lang(req, &mine.person, fallback);
    let live = mine.cancelled_by_deletion(chrono::Utc::now()).count();
    state.pages.respond(
        StatusCode::OK,
        "delete.html",
        lang,
        context! {
            here => here(req),
            me => format!("/me/{plain}"),
            live,
        },
    )
}

#[handler]
pub async fn delete(
    req: &Request,
    Path(plain): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    count_token_guess(state, req)?;
    if registration::forget_me(state, &plain)
        .await
        .map_err(error::db)?
    {
        Ok(Redirect::see_other(with_lang("/deleted", lang)).into_response())
    } else {
        Err(error::not_found())
    }
}

#[handler]
pub async fn deleted(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    state.pages.respond(
        StatusCode::OK,
        "deleted.html",
        lang,
        context! { here => here(req) },
    )
}
