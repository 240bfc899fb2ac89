//! Template data for participant emails, built the same way by every use-case.

use chrono::{DateTime, Utc};
use entity::person;
use serde_json::{Value, json};

use super::Links;
use crate::{
    i18n::Lang,
    mail::{MailKind, OutgoingMail},
    programme::Activity,
    timezone,
};

/// An activity as the templates show it. Times are in Prague, the zone of every fair and
/// meeting so far.
pub fn activity(activity: &Activity, lang: Lang, links: &Links) -> Value {
    let a = &activity.model;
    json!({
        "title": a.title,
        "kind": a.kind.as_str(),
        "when": lang.when(a.starts_at, a.ends_at, timezone::DEFAULT),
        "place": a.room.as_deref().or(a.place.as_deref()).unwrap_or_default(),
        "speakers": activity.speaker_line(),
        "url": links.activity_url(a.kind, a.id),
    })
}

/// A moment in the reader's words: "st 13. 1. 2027 8:30".
pub fn moment(at: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&timezone::DEFAULT);
    format!(
        "{} {}",
        lang.date(at, timezone::DEFAULT),
        local.format("%-H:%M")
    )
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
        "manage_url": links.manage_url(person.id),
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
