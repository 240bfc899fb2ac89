//! An organiser's message to the people of a workshop or meeting ("bring a laptop", "the room
//! moved upstairs"): one email each, the organiser's words framed in the person's language with
//! the activity and their manage link, all queued in one transaction with its audit entry.
//!
//! It goes to those holding a seat (confirmed or already checked in), and on request to the
//! waiting list (waiting or offered a seat) too. Editing the activity is what allows it, so a
//! fair's organisers write to their workshops' people and a region's to their meetings'.

use std::collections::BTreeSet;

use entity::{activity, enums::RegistrationStatus, person, registration};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{Action, ManageError, Principal, Scope, Subject, audit, can, text};
use crate::{
    domain::FieldError, i18n::Lang, mail::MailKind, programme, registration::mail_data,
    startup::AppState,
};

/// A message as the organiser wrote it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub text: String,
    /// The waiting list (waiting or offered a seat) gets it too.
    pub waiting_too: bool,
}

impl Message {
    /// Both fields are required: a subject of one line, a text of at most 10,000 characters.
    pub fn parse(
        subject: &str,
        text_: &str,
        waiting_too: bool,
    ) -> Result<Message, Vec<FieldError>> {
        let required = |field, value: &str, max, multiline| {
            text(field, value, max, multiline)
                .and_then(|t| t.ok_or_else(|| FieldError::new(field, "required")))
        };
        match (
            required("subject", subject, 200, false),
            required("text", text_, 10_000, true),
        ) {
            (Ok(subject), Ok(text)) => Ok(Message {
                subject,
                text,
                waiting_too,
            }),
            (subject, text) => Err(subject.err().into_iter().chain(text.err()).collect()),
        }
    }
}

/// Emails `message` to the people of activity `id`; returns how many it went to. Refused on
/// `waiting_too` when nobody would get it.
pub async fn send(
    state: &AppState,
    who: &Principal,
    id: i32,
    message: &Message,
) -> Result<u64, ManageError> {
    let row = activity::Entity::find_by_id(id)
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)?;
    if !can(who, Action::Edit, Subject::Activity(Scope::from(&row))) {
        return Err(ManageError::Forbidden);
    }
    let mut statuses = vec![RegistrationStatus::Confirmed, RegistrationStatus::Attended];
    if message.waiting_too {
        statuses.extend([RegistrationStatus::Waitlisted, RegistrationStatus::Offered]);
    }
    let txn = state.db.begin_write().await?;
    let activity = programme::activity(&*txn, id)
        .await?
        .ok_or(ManageError::NotFound)?;
    let people = registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(id))
        .filter(registration::Column::Status.is_in(statuses))
        .find_also_related(person::Entity)
        .all(&*txn)
        .await?;
    let from = if who.name.is_empty() {
        &who.email
    } else {
        &who.name
    };
    let mut sent = BTreeSet::new();
    for (_, person) in people {
        let Some(person) = person.filter(|p| p.anonymised_at.is_none()) else {
            continue;
        };
        if !sent.insert(person.id) {
            continue;
        }
        let lang = Lang::parse(&person.language).unwrap_or_default();
        let data = json!({
            "activity": mail_data::activity(&activity, lang, &state.links),
            "subject": message.subject,
            "lines": message.text.lines().collect::<Vec<_>>(),
            "from": from,
        });
        let mail = mail_data::to_person(
            MailKind::OrganiserMessage,
            &person,
            lang,
            &state.links,
            data,
        );
        state.outbox.enqueue(&*txn, mail).await?;
    }
    if sent.is_empty() {
        return Err(ManageError::Invalid(vec![FieldError::new(
            "waiting_too",
            "no_recipients",
        )]));
    }
    let recipients = sent.len() as u64;
    let logged = json!({
        "subject": message.subject,
        "text": message.text,
        "waiting_too": message.waiting_too,
        "recipients": recipients,
    });
    audit::record(
        &*txn,
        Some(who.id),
        "activity.message",
        "activity",
        Some(id),
        None,
        Some(&logged),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(recipients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_needs_a_one_line_subject_and_a_text() {
        let codes = |r: Result<Message, Vec<FieldError>>| -> Vec<(&str, &str)> {
            r.unwrap_err().iter().map(|e| (e.field, e.code)).collect()
        };
        assert_eq!(
            codes(Message::parse(" ", "", false)),
            [("subject", "required"), ("text", "required")]
        );
        assert_eq!(
            codes(Message::parse("Dvě\nřádky", "Text", false)),
            [("subject", "control_characters")]
        );
        assert_eq!(
            codes(Message::parse("Předmět", &"x".repeat(10_001), false)),
            [("text", "too_long")]
        );
        let ok = Message::parse(
            " Notebook s sebou ",
            "Dobrý den,\n\nvezměte si notebook.",
            true,
        );
        assert_eq!(
            ok,
            Ok(Message {
                subject: "Notebook s sebou".into(),
                text: "Dobrý den,\n\nvezměte si notebook.".into(),
                waiting_too: true,
            })
        );
    }
}
