//! A fair's programme, grouped by time slot, as one sign-up form: a checkbox per workshop, then
//! the person's details. `GET /fairs/{slug}` (`?activity=ID` ticks a workshop),
//! `POST /fairs/{slug}/sign-up`.

use chrono::Utc;
use entity::fair;
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path, Redirect},
};
use serde::Serialize;

use super::{
    PageLang, error,
    lang::here,
    places,
    render::with_lang,
    sign_up::{self, FormValues, FormView, Outcome},
    views::{ActivityView, Availability, CalendarLinks, in_lang},
};
use crate::{
    calendar::links, domain::FieldError, i18n::Lang, programme, startup::AppState,
    timezone::zone_of,
};

#[derive(Debug, Serialize)]
struct FairView {
    slug: String,
    name: String,
    venue: String,
    description: String,
    when: String,
}

#[derive(Debug, Serialize)]
struct Slot {
    /// Day and hours, which tell slots apart; the page shows the hours.
    when: String,
    hours: String,
    workshops: Vec<ActivityView>,
}

#[handler]
pub async fn show(
    req: &Request,
    Path(slug): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let fair = programme::fair_by_slug(state.db.conn(), &slug)
        .await
        .map_err(error::db)?
        .ok_or_else(error::not_found)?;
    // `?activity=3` (the sign-up link of a workshop's page) ticks that workshop.
    let ticked: Vec<String> = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k == "activity")
                .map(|(_, v)| v.into_owned())
                .collect()
        })
        .unwrap_or_default();
    let values = FormValues {
        activities: ticked,
        ..FormValues::default()
    };
    page(state, lang, here(req), fair, values, &[], StatusCode::OK).await
}

#[handler]
pub async fn submit(
    req: &Request,
    Path(slug): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let conn = state.db.conn();
    let fair = programme::fair_by_slug(conn, &slug)
        .await
        .map_err(error::db)?
        .ok_or_else(error::not_found)?;
    let offered: Vec<i32> = programme::workshops(conn, fair.id)
        .await
        .map_err(error::db)?
        .iter()
        .map(|w| w.model.id)
        .collect();
    let posted = sign_up::parse(&body, lang);
    match sign_up::submit(state, req, posted, &offered, None).await? {
        Outcome::CheckEmail => Ok(sign_up::check_email_redirect(lang)),
        Outcome::Invalid(values, errors) => {
            let here = format!("/fairs/{}", fair.slug);
            page(state, lang, here, fair, values, &errors, sign_up::INVALID).await
        }
    }
}

/// The form's address opened as a page (a bookmark, a reload): the form itself.
#[handler]
pub fn back_to_form(Path(slug): Path<String>, PageLang(lang): PageLang) -> poem::Result<Redirect> {
    let slug_like = slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if slug.is_empty() || !slug_like {
        return Err(error::not_found());
    }
    Ok(Redirect::see_other(with_lang(
        &format!("/fairs/{slug}"),
        lang,
    )))
}

async fn page(
    state: &AppState,
    lang: Lang,
    here: String,
    fair: fair::Model,
    values: FormValues,
    errors: &[FieldError],
    status: StatusCode,
) -> poem::Result<Response> {
    let conn = state.db.conn();
    let now = Utc::now();
    let tz = zone_of(&fair.timezone);
    let workshops = programme::workshops(conn, fair.id)
        .await
        .map_err(error::db)?;
    let mut slots: Vec<Slot> = Vec::new();
    for w in &workshops {
        let mut view = ActivityView::new(w, Some(&fair), lang, now);
        view.checked = view.bookable && values.activities.contains(&view.id.to_string());
        match slots.last_mut() {
            Some(slot) if slot.when == view.when => slot.workshops.push(view),
            _ => slots.push(Slot {
                when: view.when.clone(),
                hours: view.hours.clone(),
                workshops: vec![view],
            }),
        }
    }
    let open = slots.iter().flat_map(|s| &s.workshops).any(|w| w.bookable);
    // Why there is no form, when there is none.
    let closed_reason = if open {
        None
    } else {
        let states: Vec<Availability> = slots
            .iter()
            .flat_map(|s| &s.workshops)
            .map(|w| w.availability)
            .collect();
        Some(if states.contains(&Availability::NotYetOpen) {
            "not_yet_open"
        } else if !states.is_empty() && states.iter().all(|s| *s == Availability::Cancelled) {
            "cancelled"
        } else {
            "closed"
        })
    };
    let first_checkbox = slots
        .iter()
        .flat_map(|s| &s.workshops)
        .find(|w| w.bookable)
        .map_or("programme".to_owned(), |w| format!("activity-{}", w.id));
    let regions = places::regions(conn).await.map_err(error::db)?;
    let form = FormView::new(
        with_lang(&format!("/fairs/{}/sign-up", fair.slug), lang),
        values,
        errors,
        lang,
        &first_checkbox,
        regions,
    );
    let feed = in_lang(links::fair_feed(&state.links.base, &fair.slug), lang);
    let calendar = CalendarLinks::new(&feed, &fair.name);
    let view = FairView {
        when: lang.date(fair.starts_at, tz),
        slug: fair.slug,
        name: fair.name,
        venue: fair.venue,
        description: fair.description,
    };
    state.pages.respond(
        status,
        "fair.html",
        lang,
        context! {
            here,
            fair => view,
            slots,
            open,
            closed_reason,
            form,
            calendar,
            hold_hours => state.config.hold.as_secs().div_ceil(3600),
        },
    )
}
