//! Template data for participant emails, built the same way by every use-case.

use chrono::Utc;
use entity::{enums::RegistrationStatus, person, registration};
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::{Value, json};

use super::{Links, WayIn};
use crate::{
    calendar::{self, SeatEvent},
    i18n::Lang,
    mail::{Attachment, MailKind, OutgoingMail},
    programme::Activity,
};

/// An activity as the templates show it, its times in its fair's zone.
pub fn activity(activity: &Activity, lang: Lang, links: &Links) -> Value {
    let a = &activity.model;
    json!({
        "title": a.title,
        "kind": a.kind.as_str(),
        "when": lang.when(a.starts_at, a.ends_at, activity.zone),
        "place": activity.location(),
        "speakers": activity.speaker_line(),
        "url": links.activity_url_in(a.kind, a.id, lang),
    })
}

/// A seat as the confirmation and the reminder show it (`seat.html`): the activity and how its
/// holder (`person_id`, by `registration_id`) gets in ([`way_in`]).
pub fn seat(
    activity: &Activity,
    (person_id, registration_id): (i32, i32),
    lang: Lang,
    links: &Links,
) -> Value {
    let mut shown = self::activity(activity, lang, links);
    let way = links.way_in(&activity.model, person_id, registration_id);
    way_in(&mut shown, way);
    shown
}

/// `way` into `data` as the templates name it: `join_url`, or `checkin_url` (which the email
/// also carries as a QR code).
fn way_in(data: &mut Value, way: WayIn) {
    match way {
        WayIn::Online(url) => data["join_url"] = url.into(),
        WayIn::Door(url) => data["checkin_url"] = url.into(),
    }
}

/// A message to `person` with the fields every participant email has (name, manage link).
pub fn to_person(
    kind: MailKind,
    person: &person::Model,
    lang: Lang,
    links: &Links,
    specific: Value,
) -> OutgoingMail {
    let mut data = json!({
        "person_name": person.name,
        "base_url": links.base,
        "manage_url": links.manage_url(person.id, lang),
    });
    if let (Some(data), Value::Object(specific)) = (data.as_object_mut(), specific) {
        data.extend(specific);
    }
    OutgoingMail {
        kind,
        lang,
        to: person.email.clone(),
        data,
        attachments: Vec::new(),
    }
}

/// "You have a seat" for each of `seats` (an activity and the registration holding its seat),
/// in one email: each activity with its entry link (a QR code in the HTML), the person's feed,
/// and each activity's `.ics` attached. Sent when a confirmation link is opened (one email for
/// everything it confirmed) and when an organiser places someone.
pub async fn confirmed(
    conn: &impl ConnectionTrait,
    links: &Links,
    person: &person::Model,
    seats: &[(&Activity, i32)],
    lang: Lang,
) -> Result<OutgoingMail, DbErr> {
    let activities: Vec<Value> = seats
        .iter()
        .map(|(activity, registration_id)| {
            seat(activity, (person.id, *registration_id), lang, links)
        })
        .collect();
    let data = json!({
        "activities": activities,
        "feed_url": links.feed_url(person.id, person.feed_generation),
    });
    let mut mail = to_person(MailKind::RegistrationConfirmed, person, lang, links, data);
    for (activity, _) in seats {
        mail.attachments
            .extend(ics(conn, links, activity, person.id, lang).await?);
    }
    Ok(mail)
}

/// "You were moved": the seat on `to` (held by `registration_id`) with its entry link and
/// `.ics`, and the activity it replaces, `left` (the registration there, as it was), whose
/// event is withdrawn ([`withdraw_event`]).
pub async fn moved(
    conn: &impl ConnectionTrait,
    links: &Links,
    person: &person::Model,
    (from, to): (&Activity, &Activity),
    (left, registration_id): (&registration::Model, i32),
    lang: Lang,
) -> Result<OutgoingMail, DbErr> {
    let mut data = json!({
        "activity": activity(to, lang, links),
        "from": activity(from, lang, links),
        "feed_url": links.feed_url(person.id, person.feed_generation),
    });
    way_in(
        &mut data,
        links.way_in(&to.model, person.id, registration_id),
    );
    let mut mail = to_person(MailKind::MovedByOrganiser, person, lang, links, data);
    mail.attachments
        .extend(ics(conn, links, to, person.id, lang).await?);
    withdraw_event(conn, links, from, left, mail).await
}

/// Whether a registration with this status got its confirmation: its activity's event (which a
/// change or its end then updates in the person's calendar) and how to get in, the entry link or
/// the join link ([`Links::way_in`]).
pub fn was_confirmed(status: RegistrationStatus) -> bool {
    matches!(
        status,
        RegistrationStatus::Confirmed | RegistrationStatus::Attended
    )
}

/// `mail` about the end of `row` (as it was before) with the event of `activity` withdrawn
/// attached ([`calendar::withdrawn_ics`]) when the person got the event ([`was_confirmed`]), and
/// `calendar_update` in its data saying whether it is. A calendar that imported the event then
/// marks it cancelled.
pub async fn withdraw_event(
    conn: &impl ConnectionTrait,
    links: &Links,
    activity: &Activity,
    row: &registration::Model,
    mut mail: OutgoingMail,
) -> Result<OutgoingMail, DbErr> {
    let event = if was_confirmed(row.status) {
        let a = &activity.model;
        calendar::withdrawn_ics(conn, a.id, mail.lang, &links.base, Utc::now())
            .await?
            .map(|content| {
                let label = mail.lang.text("cal.withdrawn");
                attachment(&format!("{label} {}", a.title), content)
            })
    } else {
        None
    };
    mail.data["calendar_update"] = event.is_some().into();
    mail.attachments.extend(event);
    Ok(mail)
}

/// The activity's event as an `.ics` attachment for `person_id`, as the feeds show it now,
/// with their join link of one held online ([`event_for`]; `None` when the activity is gone).
/// The confirmation carries it; a change or a cancellation carries it again to those who have
/// it, so a calendar that imported it takes the update (same UID, a higher SEQUENCE,
/// STATUS:CANCELLED when cancelled).
pub async fn ics(
    conn: &impl ConnectionTrait,
    links: &Links,
    activity: &Activity,
    person_id: i32,
    lang: Lang,
) -> Result<Option<Attachment>, DbErr> {
    let event = SeatEvent::load(conn, activity.model.id, lang).await?;
    Ok(event.map(|mut event| event_for(&mut event, links, activity, person_id)))
}

/// `event` (of `activity`) as the `.ics` attachment of `person_id`'s emails.
pub fn event_for(
    event: &mut SeatEvent,
    links: &Links,
    activity: &Activity,
    person_id: i32,
) -> Attachment {
    let a = &activity.model;
    let join_url = links.join_url_of(a, person_id);
    attachment(&a.title, event.ics(&links.base, join_url))
}

/// A calendar as the `.ics` file of an email, named after `title`.
fn attachment(title: &str, content: String) -> Attachment {
    Attachment {
        filename: format!("{}.ics", crate::domain::slug::slugify(title)),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        content,
    }
}
