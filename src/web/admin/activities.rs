//! Workshops and meetings: the list, the form to create or edit one, cancelling. The rules are
//! in `organiser::activities`; this reads forms and shows pages.

use std::collections::BTreeMap;

use chrono_tz::Tz;

use entity::{
    activity,
    enums::{ActivityKind, ActivityStatus},
    region,
};
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path, Redirect},
};
use sea_orm::{EntityTrait, QueryOrder};
use serde::Serialize;

use super::{
    AdminForm, FormView, SignedIn, accounts::chrome, answer, local_time, manage_error,
    optional_number, parse_id, signed_in,
};
use crate::{
    domain::FieldError,
    i18n::Lang,
    organiser::{
        Action, Principal, Scope, Subject,
        activities::{self, ActivityInput},
        can,
        speakers::{self, SpeakerInput},
    },
    programme,
    registration::feedback,
    startup::AppState,
    timezone,
    web::{PageLang, error, lang::here, render::with_lang},
};

#[handler]
pub fn home(PageLang(lang): PageLang) -> Redirect {
    Redirect::see_other(with_lang("/admin/activities", lang))
}

pub async fn regions(state: &AppState) -> poem::Result<Vec<region::Model>> {
    region::Entity::find()
        .order_by_asc(region::Column::Name)
        .all(state.db.conn())
        .await
        .map_err(error::db)
}

#[derive(Serialize)]
struct Row {
    id: i32,
    kind: &'static str,
    title: String,
    when: String,
    place: Option<String>,
    taken: i32,
    capacity: i32,
    cancelled: bool,
    editable: bool,
    /// "4,5 z 5 (12×)": its participants' mean rating, for those who may read it.
    rating: Option<String>,
}

/// Whether `who` may create an activity of `kind` in that fair or region.
fn may_create_in(
    who: &Principal,
    kind: ActivityKind,
    fair_id: Option<i32>,
    region_id: Option<i32>,
) -> bool {
    let scope = Scope {
        kind,
        fair_id,
        region_id,
    };
    can(who, Action::Create, Subject::Activity(scope))
}

/// What the signed-in organiser may create: (workshops, meetings). An admin both; a fair
/// organiser workshops of their fair, a regional one meetings of their region.
fn may_create(signed: &SignedIn) -> (bool, bool) {
    let who = &signed.who;
    let in_own = |kind| may_create_in(who, kind, who.fair_id, who.region_id);
    (
        in_own(ActivityKind::Workshop),
        in_own(ActivityKind::Meeting),
    )
}

#[handler]
pub async fn list(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let listed = activities::list(state, &signed.who)
        .await
        .map_err(error::db)?;
    let zones = programme::zones(state.db.conn(), &listed)
        .await
        .map_err(error::db)?;
    let ratings = feedback::ratings(state.db.conn(), listed.iter().map(|a| a.id))
        .await
        .map_err(error::db)?;
    let rows: Vec<Row> = listed
        .into_iter()
        .map(|a| Row {
            id: a.id,
            kind: a.kind.as_str(),
            when: lang.when(a.starts_at, a.ends_at, zones.of(&a)),
            place: a.room.clone().or_else(|| a.place.clone()),
            taken: a.taken,
            capacity: a.capacity,
            cancelled: a.status == ActivityStatus::Cancelled,
            editable: can(
                &signed.who,
                Action::Edit,
                Subject::Activity(Scope::from(&a)),
            ),
            rating: ratings
                .get(&a.id)
                .filter(|_| {
                    can(
                        &signed.who,
                        Action::View,
                        Subject::Activity(Scope::from(&a)),
                    )
                })
                .and_then(|r| {
                    let average = r.average_in(lang)?;
                    Some(
                        lang.text("admin.activities.rating")
                            .replace("{average}", &average)
                            .replace("{count}", &r.total().to_string()),
                    )
                }),
            title: a.title,
        })
        .collect();
    let (new_workshop, new_meeting) = may_create(&signed);
    // The fairs whose whole attendee list this organiser may read.
    let fair_lists: Vec<Choice> = programme::fairs(state.db.conn())
        .await
        .map_err(error::db)?
        .into_iter()
        .filter(|f| {
            let scope = Scope {
                kind: ActivityKind::Workshop,
                fair_id: Some(f.id),
                region_id: None,
            };
            can(&signed.who, Action::View, Subject::Activity(scope))
        })
        .map(|f| Choice {
            id: f.id,
            name: f.name,
        })
        .collect();
    state.pages.respond(
        StatusCode::OK,
        "admin_activities.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            activities => rows,
            new_workshop,
            new_meeting,
            fair_lists,
        },
    )
}

/// The zone an activity's times are typed and shown in, as on the public pages and in the
/// emails (`programme::zone_of`).
async fn zone_of(state: &AppState, kind: ActivityKind, fair_id: Option<i32>) -> poem::Result<Tz> {
    programme::zone_of(state.db.conn(), kind, fair_id)
        .await
        .map_err(error::db)
}

/// The fair a posted form names, if any.
fn posted_fair(fields: &BTreeMap<String, String>) -> Option<i32> {
    fields.get("fair_id").and_then(|v| v.trim().parse().ok())
}

/// The posted form as the use-case's input, its times read in `zone`; what does not parse
/// becomes a field error.
fn input_from(fields: &BTreeMap<String, String>, creating: bool, zone: Tz) -> ActivityInput {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let mut input = ActivityInput::default();
    if creating {
        input.kind = match get("kind") {
            "workshop" => Some(ActivityKind::Workshop),
            "meeting" => Some(ActivityKind::Meeting),
            _ => {
                input
                    .problems
                    .push(FieldError::new("kind", "unknown_choice"));
                None
            }
        };
    }
    let problems = &mut input.problems;
    input.fair_id = optional_number(fields, "fair_id", "unknown_choice", problems);
    input.region_id = optional_number(fields, "region_id", "unknown_choice", problems);
    input.title = Some(get("title").to_owned());
    input.description = Some(get("description").to_owned());
    input.topic = Some(get("topic").to_owned());
    input.room = Some(get("room").to_owned());
    input.place = Some(get("place").to_owned());
    input.online_url = Some(get("online_url").to_owned());
    input.speakers = Some(speakers::from_lines(get("speakers")));
    for (field, slot) in [
        ("starts_at", &mut input.starts_at),
        ("ends_at", &mut input.ends_at),
    ] {
        match local_time::parse(field, get(field), zone) {
            Ok(None) => input.problems.push(FieldError::new(field, "required")),
            Ok(at) => *slot = at,
            Err(e) => input.problems.push(e),
        }
    }
    match get("capacity").trim().parse::<i32>() {
        Ok(n) => input.capacity = Some(n),
        Err(_) => input
            .problems
            .push(FieldError::new("capacity", "invalid_number")),
    }
    input.waitlist_enabled = Some(fields.contains_key("waitlist_enabled"));
    for (field, slot) in [
        ("per_school_limit", &mut input.per_school_limit),
        (
            "no_show_release_minutes",
            &mut input.no_show_release_minutes,
        ),
    ] {
        match get(field).trim() {
            "" => *slot = Some(None),
            v => match v.parse::<i32>() {
                Ok(n) => *slot = Some(Some(n)),
                Err(_) => input
                    .problems
                    .push(FieldError::new(field, "invalid_number")),
            },
        }
    }
    input
}

/// The form's values from a stored activity and its speakers.
async fn values_of(
    state: &AppState,
    a: &activity::Model,
) -> poem::Result<BTreeMap<String, String>> {
    let speakers: Vec<SpeakerInput> = programme::activity(state.db.conn(), a.id)
        .await
        .map_err(error::db)?
        .map(|found| found.speakers.iter().map(SpeakerInput::from).collect())
        .unwrap_or_default();
    let zone = zone_of(state, a.kind, a.fair_id).await?;
    let mut v = BTreeMap::new();
    let mut put = |k: &str, val: String| {
        v.insert(k.to_owned(), val);
    };
    put("kind", a.kind.as_str().into());
    put(
        "fair_id",
        a.fair_id.map(|i| i.to_string()).unwrap_or_default(),
    );
    put(
        "region_id",
        a.region_id.map(|i| i.to_string()).unwrap_or_default(),
    );
    put("title", a.title.clone());
    put("description", a.description.clone());
    put("topic", a.topic.clone().unwrap_or_default());
    put("room", a.room.clone().unwrap_or_default());
    put("place", a.place.clone().unwrap_or_default());
    put("online_url", a.online_url.clone().unwrap_or_default());
    put("starts_at", local_time::show(a.starts_at, zone));
    put("ends_at", local_time::show(a.ends_at, zone));
    put("capacity", a.capacity.to_string());
    if a.waitlist_enabled {
        put("waitlist_enabled", "on".into());
    }
    let optional = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    put("per_school_limit", optional(a.per_school_limit));
    put(
        "no_show_release_minutes",
        optional(a.no_show_release_minutes),
    );
    put("speakers", speakers::to_lines(&speakers));
    Ok(v)
}

#[derive(Serialize)]
struct Choice {
    id: i32,
    name: String,
}

/// The create or edit page. `existing`: the activity being edited.
#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    status: StatusCode,
    existing: Option<&activity::Model>,
    view: FormView,
) -> poem::Result<Response> {
    let conn = state.db.conn();
    let who = &signed.who;
    // The kinds this form may make; the fair and region lists hold only what the organiser may
    // pick (and what the activity already has), so no choice on the form ends in "forbidden".
    let kinds: Vec<&str> = match existing {
        Some(a) => vec![a.kind.as_str()],
        None => {
            let (workshop, meeting) = may_create(signed);
            [(workshop, "workshop"), (meeting, "meeting")]
                .into_iter()
                .filter_map(|(may, kind)| may.then_some(kind))
                .collect()
        }
    };
    let chosen = |field: &str, id: i32| view.values.get(field) == Some(&id.to_string());
    let fairs: Vec<Choice> = programme::fairs(conn)
        .await
        .map_err(error::db)?
        .into_iter()
        .filter(|f| {
            may_create_in(who, ActivityKind::Workshop, Some(f.id), None) || chosen("fair_id", f.id)
        })
        .map(|f| Choice {
            id: f.id,
            name: f.name,
        })
        .collect();
    let regions: Vec<Choice> = regions(state)
        .await?
        .into_iter()
        .filter(|r| {
            may_create_in(who, ActivityKind::Meeting, None, Some(r.id)) || chosen("region_id", r.id)
        })
        .map(|r| Choice {
            id: r.id,
            name: r.name,
        })
        .collect();
    let (editable, cancellable, kind) = match existing {
        Some(a) => {
            let scope = Subject::Activity(Scope::from(a));
            let scheduled = a.status == ActivityStatus::Scheduled;
            (
                scheduled && can(who, Action::Edit, scope),
                scheduled && can(who, Action::Cancel, scope),
                a.kind.as_str(),
            )
        }
        None => (true, false, ""),
    };
    let notice = req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "done")
            .map(|(_, v)| v.into_owned())
            .filter(|v| matches!(v.as_str(), "saved" | "created" | "cancelled"))
    });
    state.pages.respond(
        status,
        "admin_activity.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            id => existing.map(|a| a.id),
            kind,
            cancelled => existing.is_some_and(|a| a.status == ActivityStatus::Cancelled),
            taken => existing.map(|a| a.taken),
            revision => existing.map(|a| a.revision),
            editable,
            cancellable,
            kinds,
            fairs,
            regions,
            notice,
        },
    )
}

#[handler]
pub async fn new_page(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let (workshop, meeting) = may_create(&signed);
    if !workshop && !meeting {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    let mut values = BTreeMap::new();
    let kind = match req
        .uri()
        .query()
        .unwrap_or_default()
        .contains("kind=meeting")
        || !workshop
    {
        true => "meeting",
        false => "workshop",
    };
    values.insert("kind".into(), kind.into());
    if let Some(fair) = signed.who.fair_id {
        values.insert("fair_id".into(), fair.to_string());
    }
    if let Some(region) = signed.who.region_id {
        values.insert("region_id".into(), region.to_string());
    }
    values.insert("waitlist_enabled".into(), "on".into());
    let view = FormView::new(values, &[], lang);
    form_page(state, req, lang, &signed, StatusCode::OK, None, view).await
}

#[handler]
pub async fn create(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let kind = match fields.get("kind").map(String::as_str) {
        Some("workshop") => ActivityKind::Workshop,
        _ => ActivityKind::Meeting,
    };
    let zone = zone_of(state, kind, posted_fair(&fields)).await?;
    let mut input = input_from(&fields, true, zone);
    if input.kind == Some(ActivityKind::Meeting) {
        input.fair_id = None;
    }
    let result = activities::create(state, &signed.who, input).await;
    let to = |created: activity::Model| format!("/admin/activities/{}?done=created", created.id);
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        form_page(state, req, lang, &signed, status, None, view).await
    })
    .await
}

#[handler]
pub async fn edit_page(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let found = activities::get(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    let view = FormView::new(values_of(state, &found).await?, &[], lang);
    form_page(
        state,
        req,
        lang,
        &signed,
        StatusCode::OK,
        Some(&found),
        view,
    )
    .await
}

#[handler]
pub async fn update(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    // One the organiser may not see fails in the use-case as it would without this read.
    let zone = match activities::get(state, &signed.who, id).await {
        Ok(a) => zone_of(state, a.kind, posted_fair(&fields).or(a.fair_id)).await?,
        Err(_) => timezone::DEFAULT,
    };
    let input = input_from(&fields, false, zone);
    let result = activities::update(state, &signed.who, id, input).await;
    let to = |_| format!("/admin/activities/{id}?done=saved");
    answer(result, lang, to, async |errors| {
        let found = activities::get(state, &signed.who, id)
            .await
            .map_err(manage_error)?;
        let mut values = fields;
        values.insert("kind".into(), found.kind.as_str().into());
        let view = FormView::new(values, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        form_page(state, req, lang, &signed, status, Some(&found), view).await
    })
    .await
}

#[handler]
pub async fn cancel(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let reason = fields.get("reason").map(String::as_str);
    let result = activities::cancel(state, &signed.who, id, reason).await;
    let to = |_| format!("/admin/activities/{id}?done=cancelled");
    answer(result, lang, to, async |errors| {
        let found = activities::get(state, &signed.who, id)
            .await
            .map_err(manage_error)?;
        let view = FormView::new(values_of(state, &found).await?, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        form_page(state, req, lang, &signed, status, Some(&found), view).await
    })
    .await
}
