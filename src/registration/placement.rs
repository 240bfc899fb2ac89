//! An organiser places people: adds someone (confirmed at once), takes a registration off an
//! activity, or moves it to another activity. The same seat, overlap and per-school rules as a
//! sign-up (`seats`), the same emails with the manage link. Each function runs inside the
//! caller's transaction (`organiser::attendees` checks the role and writes the audit entry) and
//! reports a refusal as field errors before it has written anything. Unlike a sign-up, an
//! organiser may place people after sign-up has closed (walk-ins at the door); only a cancelled
//! activity, or one that has ended, takes nobody.

use chrono::{DateTime, Utc};
use entity::{
    activity,
    enums::{ActivityStatus, RegistrationStatus},
    person, registration,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use super::{
    CONSENT_VERSION, NewRegistration, cancel::cancel_row, mail_data, seats, sign_up, sign_up::live,
};
use crate::{
    db::WriteTxn,
    domain::{FieldError, TimeSlot},
    i18n::Lang,
    mail::MailKind,
    programme::{self, Activity},
    startup::AppState,
};

#[derive(Debug, thiserror::Error)]
pub enum PlacementError {
    /// Why the person cannot be placed there; nothing was written.
    #[error("refused")]
    Refused(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn refused(field: &'static str, code: &'static str, detail: &str) -> PlacementError {
    PlacementError::Refused(vec![FieldError::new(field, code).with_detail(detail)])
}

/// The activity a person is placed on, if it still takes people: `NotFound` as a refusal on
/// `field` when it does not exist, `activity_cancelled` when it was cancelled,
/// `activity_ended` when it is over.
pub async fn open_activity(
    txn: &WriteTxn,
    id: i32,
    field: &'static str,
) -> Result<Activity, PlacementError> {
    let Some(activity) = programme::activity(&**txn, id).await? else {
        return Err(refused(field, "unknown_activity", ""));
    };
    if activity.model.status == ActivityStatus::Cancelled {
        return Err(refused(field, "activity_cancelled", &activity.model.title));
    }
    if activity.model.ends_at <= Utc::now() {
        return Err(refused(field, "activity_ended", &activity.model.title));
    }
    Ok(activity)
}

/// Adds `new`'s person (found by email, or created with these details) to `activity`,
/// confirmed, and emails them the confirmation with the calendar file and their manage link.
/// A held or waiting registration of theirs is confirmed instead of adding a second one.
/// Refused (on `activity_id`): already confirmed there, an overlapping seat, the school's
/// limit, no free seat.
pub async fn add(
    state: &AppState,
    txn: &WriteTxn,
    new: &NewRegistration,
    activity: &Activity,
) -> Result<registration::Model, PlacementError> {
    let now = Utc::now();
    let a = &activity.model;
    let (person, _) = sign_up::find_or_create_people(state, txn, &[new], now)
        .await?
        .remove(0);
    let existing = sign_up::live_registrations(&**txn, &[person.id], &[a.id])
        .await?
        .pop();
    if let Some(existing) = &existing
        && matches!(
            existing.status,
            RegistrationStatus::Confirmed | RegistrationStatus::Attended
        )
    {
        return Err(refused("activity_id", "already_registered", &a.title));
    }
    check_overlap(txn, &person, activity, &[a.id]).await?;
    if existing.is_none() && seats::school_at_limit(&**txn, a, &person).await? {
        return Err(refused("activity_id", "school_limit", &a.title));
    }
    let holds_seat = existing
        .as_ref()
        .is_some_and(|r| seats::HOLDING.contains(&r.status));
    if !holds_seat && !seats::reserve(&**txn, a.id).await? {
        return Err(refused("activity_id", "full", &a.title));
    }
    let row = match existing {
        Some(existing) => {
            registration::ActiveModel {
                id: Set(existing.id),
                status: Set(RegistrationStatus::Confirmed),
                hold_expires_at: Set(None),
                confirm_token_hash: Set(None),
                confirmed_at: Set(Some(now)),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(&**txn)
            .await?
        }
        None => insert_confirmed(txn, person.id, a.id, now).await?,
    };
    let lang = Lang::parse(&person.language).unwrap_or_default();
    let seat = [(activity, row.id)];
    let mail = mail_data::confirmed(&**txn, &state.links, &person, &seat, lang).await?;
    state.outbox.enqueue(&**txn, mail).await?;
    Ok(row)
}

/// Takes a live registration off its activity (the seat goes on to the waiting list) and emails
/// the person `removed_by_organiser` with the optional `reason`. `Ok(false)`: it was not live.
pub async fn remove(
    state: &AppState,
    txn: &WriteTxn,
    row: &registration::Model,
    reason: Option<&str>,
) -> Result<bool, DbErr> {
    if !cancel_row(state, txn, row).await? {
        return Ok(false);
    }
    let person = person::Entity::find_by_id(row.person_id)
        .one(&**txn)
        .await?;
    let activity = programme::activity(&**txn, row.activity_id).await?;
    if let (Some(person), Some(activity)) = (person, activity)
        && person.anonymised_at.is_none()
    {
        let lang = Lang::parse(&person.language).unwrap_or_default();
        let data = json!({
            "activity": mail_data::activity(&activity, lang, &state.links),
            "reason": reason.unwrap_or_default(),
        });
        let mail = mail_data::to_person(
            MailKind::RemovedByOrganiser,
            &person,
            lang,
            &state.links,
            data,
        );
        let mail = mail_data::withdraw_event(&**txn, &state.links, &activity, row, mail).await?;
        state.outbox.enqueue(&**txn, mail).await?;
    }
    Ok(true)
}

/// Moves a live registration to `target`, confirmed there: the same rules as [`add`] on the
/// target (an overlap with the activity being left does not count), then the old registration
/// is cancelled (its seat goes to that waiting list). Emails `moved_by_organiser` with the
/// calendar file of the new activity and the old one's withdrawn. Returns the new registration.
pub async fn move_to(
    state: &AppState,
    txn: &WriteTxn,
    row: &registration::Model,
    target: &Activity,
) -> Result<registration::Model, PlacementError> {
    let now = Utc::now();
    let t = &target.model;
    if !live().contains(&row.status) {
        return Err(refused("registration", "not_live", ""));
    }
    if row.activity_id == t.id {
        return Err(refused("activity_id", "same_activity", &t.title));
    }
    let person = person::Entity::find_by_id(row.person_id)
        .one(&**txn)
        .await?
        .ok_or_else(|| refused("registration", "not_live", ""))?;
    let there = sign_up::live_registrations(&**txn, &[person.id], &[t.id]).await?;
    if !there.is_empty() {
        return Err(refused("activity_id", "already_registered", &t.title));
    }
    // Both seat counters change: lock them in id order, so two moves in opposite directions
    // wait for each other instead of deadlocking (PostgreSQL; SQLite has one writer).
    activity::Entity::find()
        .filter(activity::Column::Id.is_in([t.id, row.activity_id]))
        .order_by_asc(activity::Column::Id)
        .lock_exclusive()
        .all(&**txn)
        .await?;
    check_overlap(txn, &person, target, &[t.id, row.activity_id]).await?;
    if seats::school_at_limit(&**txn, t, &person).await? {
        return Err(refused("activity_id", "school_limit", &t.title));
    }
    if !seats::reserve(&**txn, t.id).await? {
        return Err(refused("activity_id", "full", &t.title));
    }
    // The seat on the target is taken first, so the one given back cannot go to this person's
    // own waiting-list place there.
    if !cancel_row(state, txn, row).await? {
        return Err(refused("registration", "not_live", ""));
    }
    let moved = insert_confirmed(txn, person.id, t.id, now).await?;
    if person.anonymised_at.is_none()
        && let Some(from) = programme::activity(&**txn, row.activity_id).await?
    {
        let lang = Lang::parse(&person.language).unwrap_or_default();
        let activities = (&from, target);
        let links = &state.links;
        let seats = (row, moved.id);
        let mail = mail_data::moved(&**txn, links, &person, activities, seats, lang).await?;
        state.outbox.enqueue(&**txn, mail).await?;
    }
    Ok(moved)
}

/// Refuses (on `activity_id`) when `person` holds a seat of another activity overlapping
/// `activity`; the activities in `except` do not count.
async fn check_overlap(
    txn: &WriteTxn,
    person: &person::Model,
    activity: &Activity,
    except: &[i32],
) -> Result<(), PlacementError> {
    let slot = TimeSlot {
        start: activity.model.starts_at,
        end: activity.model.ends_at,
    };
    match seats::overlapping_holding_except(&**txn, person.id, slot, except, &seats::HOLDING)
        .await?
    {
        Some(clash) => Err(refused(
            "activity_id",
            "overlap",
            &format!("{} × {}", activity.model.title, clash.title),
        )),
        None => Ok(()),
    }
}

async fn insert_confirmed(
    txn: &WriteTxn,
    person_id: i32,
    activity_id: i32,
    now: DateTime<Utc>,
) -> Result<registration::Model, DbErr> {
    registration::ActiveModel {
        person_id: Set(person_id),
        activity_id: Set(activity_id),
        status: Set(RegistrationStatus::Confirmed),
        consent_version: Set(CONSENT_VERSION.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        confirmed_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&**txn)
    .await
}
