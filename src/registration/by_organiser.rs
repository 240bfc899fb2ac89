//! What an organiser's change of an activity means for the people signed up to it: the
//! participant rules stay in `registration/` (seats, waiting list, mail data); the organiser's
//! use-cases (`crate::organiser::activities`) call these inside their own transaction.

use chrono::Utc;
use chrono_tz::Tz;
use entity::{activity, enums::RegistrationStatus, person, registration};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::{Links, cancel::cancel_row, mail_data, seats, sign_up::live};
use crate::{
    calendar::SeatEvent,
    db::WriteTxn,
    i18n::Lang,
    mail::{MailKind, OutgoingMail},
    programme::{self, Activity},
    startup::AppState,
};

/// Statuses told about a new time or place: everyone who holds or is offered a seat.
const TOLD_OF_CHANGES: [RegistrationStatus; 3] = [
    RegistrationStatus::Pending,
    RegistrationStatus::Offered,
    RegistrationStatus::Confirmed,
];

/// Until when a seat not yet confirmed (held or offered) waits, in the reader's words: the
/// change email must not tell them there is nothing to do.
fn hold_until(row: &registration::Model, lang: Lang, zone: Tz) -> Option<String> {
    seats::waits_until(row).map(|at| lang.moment(at, zone))
}

/// Emails `activity_changed` (old → new: time, place, join link) to everyone holding or offered
/// a seat of the activity as it is now in `txn`; `before` is the row before the edit. Returns
/// how many were written.
pub async fn notify_changed(
    state: &AppState,
    txn: &WriteTxn,
    before: &activity::Model,
) -> Result<usize, DbErr> {
    let Some(activity) = programme::activity(&**txn, before.id).await? else {
        return Ok(0);
    };
    let rows = registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(before.id))
        .filter(registration::Column::Status.is_in(TOLD_OF_CHANGES))
        .order_by_asc(registration::Column::Id)
        .find_also_related(person::Entity)
        .all(&**txn)
        .await?;
    let mut events = Events::of(state, txn, &activity).await?;
    let old = (before, activity.venue.as_deref());
    let mut sent = 0;
    for (row, person) in rows {
        let Some(person) = person else { continue };
        let lang = Lang::parse(&person.language).unwrap_or_default();
        let data = changed(&activity, old, &row, lang, &state.links);
        let mail =
            mail_data::to_person(MailKind::ActivityChanged, &person, lang, &state.links, data);
        let mail = events.attach_for(&row, mail);
        state.outbox.enqueue(&**txn, mail).await?;
        sent += 1;
    }
    Ok(sent)
}

/// The data of `activity_changed` for the holder of `row`: `activity` as it is now, and its
/// time and place as they were (`before`, at the venue then). The join link goes to confirmed
/// seats, as with the confirmation; `join_changed` says whether the address it leads to is new.
fn changed(
    activity: &Activity,
    (before, venue): (&activity::Model, Option<&str>),
    row: &registration::Model,
    lang: Lang,
    links: &Links,
) -> Value {
    let join_url = mail_data::was_confirmed(row.status)
        .then(|| links.join_url_of(&activity.model, row.person_id))
        .flatten();
    json!({
        "activity": mail_data::activity(activity, lang, links),
        "old_when": lang.when(before.starts_at, before.ends_at, activity.zone),
        "old_place": programme::location(before, venue),
        "hold_until": hold_until(row, lang, activity.zone),
        "join_url": join_url,
        "join_changed": before.online_url != activity.model.online_url,
    })
}

/// An activity's event in both languages, loaded once for the emails that update the calendars
/// of those who got it with their confirmation ([`mail_data::event_for`]).
struct Events<'a> {
    activity: &'a Activity,
    links: &'a Links,
    cs: Option<SeatEvent>,
    en: Option<SeatEvent>,
}

impl<'a> Events<'a> {
    async fn of(
        state: &'a AppState,
        txn: &WriteTxn,
        activity: &'a Activity,
    ) -> Result<Events<'a>, DbErr> {
        let load = |lang| SeatEvent::load(&**txn, activity.model.id, lang);
        Ok(Events {
            activity,
            links: &state.links,
            cs: load(Lang::Cs).await?,
            en: load(Lang::En).await?,
        })
    }

    /// `mail` to the holder of `row` (as it was before the change it tells of) with the event
    /// attached when they got it with their confirmation, and `calendar_update` in its data
    /// saying whether it is.
    fn attach_for(&mut self, row: &registration::Model, mut mail: OutgoingMail) -> OutgoingMail {
        let event = match mail.lang {
            Lang::Cs => &mut self.cs,
            Lang::En => &mut self.en,
        };
        let event = event
            .as_mut()
            .filter(|_| mail_data::was_confirmed(row.status))
            .map(|event| mail_data::event_for(event, self.links, self.activity, row.person_id));
        mail.data["calendar_update"] = event.is_some().into();
        mail.attachments.extend(event);
        mail
    }
}

/// Cancels every live registration of an activity the organiser cancelled (set its status to
/// cancelled first, so no freed seat is offered on) and emails each person
/// `cancelled_by_organiser` with the optional `reason`. Returns how many were cancelled.
pub async fn cancel_all(
    state: &AppState,
    txn: &WriteTxn,
    activity_id: i32,
    reason: Option<&str>,
) -> Result<usize, DbErr> {
    let Some(activity) = programme::activity(&**txn, activity_id).await? else {
        return Ok(0);
    };
    let mut events = Events::of(state, txn, &activity).await?;
    let rows = registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(activity_id))
        .filter(registration::Column::Status.is_in(live()))
        .filter(registration::Column::Status.ne(RegistrationStatus::Attended))
        .order_by_asc(registration::Column::Id)
        .find_also_related(person::Entity)
        .all(&**txn)
        .await?;
    let mut cancelled = 0;
    for (row, person) in rows {
        if !cancel_row(state, txn, &row).await? {
            continue;
        }
        cancelled += 1;
        let Some(person) = person.filter(|p| p.anonymised_at.is_none()) else {
            continue;
        };
        let lang = Lang::parse(&person.language).unwrap_or_default();
        let data = json!({
            "activity": mail_data::activity(&activity, lang, &state.links),
            "reason": reason.unwrap_or_default(),
        });
        let mail = mail_data::to_person(
            MailKind::CancelledByOrganiser,
            &person,
            lang,
            &state.links,
            data,
        );
        let mail = events.attach_for(&row, mail);
        state.outbox.enqueue(&**txn, mail).await?;
    }
    Ok(cancelled)
}

/// Offers the seats a raised capacity freed to the waiting list (see `seats::offer_to_waiting`).
pub async fn offer_freed_seats(
    state: &AppState,
    txn: &WriteTxn,
    activity_id: i32,
) -> Result<usize, DbErr> {
    seats::offer_to_waiting(&**txn, state, activity_id, Utc::now()).await
}

/// Emails `activity_changed` to everyone holding or offered a seat of a scheduled workshop of
/// the fair whose venue moved from `old_venue` to `fair.venue` (the fair as it is now in
/// `txn`), unless it names a place of its own: the place reads "room, venue", before and after,
/// so the message names the move. One message per registration, as for a moved workshop.
/// Returns how many were written.
pub async fn notify_venue_changed(
    state: &AppState,
    txn: &WriteTxn,
    fair: &entity::fair::Model,
    old_venue: &str,
) -> Result<usize, DbErr> {
    use entity::enums::ActivityStatus;
    let workshops = programme::workshops(&**txn, fair.id).await?;
    let mut sent = 0;
    for workshop in workshops.iter().filter(|w| {
        w.model.status == ActivityStatus::Scheduled
            && w.location() != programme::location(&w.model, Some(old_venue))
    }) {
        let a = &workshop.model;
        let rows = registration::Entity::find()
            .filter(registration::Column::ActivityId.eq(a.id))
            .filter(registration::Column::Status.is_in(TOLD_OF_CHANGES))
            .order_by_asc(registration::Column::Id)
            .find_also_related(person::Entity)
            .all(&**txn)
            .await?;
        if rows.is_empty() {
            continue;
        }
        let mut events = Events::of(state, txn, workshop).await?;
        for (row, person) in rows {
            let Some(person) = person.filter(|p| p.anonymised_at.is_none()) else {
                continue;
            };
            let lang = Lang::parse(&person.language).unwrap_or_default();
            let old = (a, Some(old_venue));
            let data = changed(workshop, old, &row, lang, &state.links);
            let mail =
                mail_data::to_person(MailKind::ActivityChanged, &person, lang, &state.links, data);
            let mail = events.attach_for(&row, mail);
            state.outbox.enqueue(&**txn, mail).await?;
            sent += 1;
        }
    }
    Ok(sent)
}
