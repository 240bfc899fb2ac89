//! Signing up: one person, one or more activities, one transaction.
//!
//! The answer never depends on whether the address was known (no enumeration): duplicates are
//! skipped silently, and the email tells the person what happened. Each activity gets a held
//! seat (pending until the link in the email is opened) or a place on its waiting list.

use chrono::{DateTime, Utc};
use entity::{
    district,
    enums::{ActivityStatus, RegistrationStatus},
    fair, person, registration,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, TryInsertResult,
};
use serde_json::json;

use super::{
    CONSENT_VERSION, NewRegistration, is_unique_violation, mail_data,
    seats::{self},
};
use crate::{
    domain::{
        FieldError, TimeSlot,
        token::{self, NewToken},
    },
    mail::MailKind,
    metrics::{METRICS, SignUpOutcome},
    programme::{self, Activity},
    startup::AppState,
};

#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    /// Fields to fix; nothing was written.
    #[error("invalid sign-up")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Signs `new` up. `Ok(())` means "check your email", whatever was already on record.
pub async fn sign_up(state: &AppState, new: NewRegistration) -> Result<(), SignUpError> {
    // A unique index refusing a row means a concurrent twin request won; once more sees it.
    let result = match attempt(state, &new).await {
        Err(SignUpError::Db(err)) if is_unique_violation(&err) => attempt(state, &new).await,
        other => other,
    };
    METRICS.sign_up(match &result {
        Ok(()) => SignUpOutcome::Accepted,
        Err(SignUpError::Invalid(_)) => SignUpOutcome::Invalid,
        Err(SignUpError::Db(_)) => SignUpOutcome::Failed,
    });
    result?;
    state.mail_wake.notify_one();
    Ok(())
}

async fn attempt(state: &AppState, new: &NewRegistration) -> Result<(), SignUpError> {
    let now = Utc::now();
    // What decides whether the request is acceptable is read before the write transaction, so
    // the (on SQLite, single) writer does only the writes. A change racing these reads is no
    // worse than one arriving a moment later: seats are taken by `seats::reserve`'s atomic
    // update inside the transaction.
    let conn = state.db.conn();
    let activities = programme::activities(conn, &new.activity_ids).await?;
    check_bookable(conn, &new.activity_ids, &activities, now).await?;
    if let Some(id) = new.district_id
        && district::Entity::find_by_id(id).one(conn).await?.is_none()
    {
        return Err(SignUpError::Invalid(vec![FieldError::new(
            "district_id",
            "unknown_choice",
        )]));
    }

    let txn = state.db.begin_write().await?;
    let (person, known) = find_or_create_person(state, &txn, new, now).await?;
    // A person created just now has no registrations to find.
    let existing = if known {
        live_registrations(&*txn, person.id, &new.activity_ids).await?
    } else {
        Vec::new()
    };
    check_school_limits(&*txn, &person, &existing, &activities).await?;
    let links = &state.links;
    let lang = new.lang;
    let confirm = NewToken::generate();
    let hold_until = now + seats::hold_window(state);
    let mut held = Vec::new();
    for activity in &activities {
        let a = &activity.model;
        if let Some(existing) = existing.iter().find(|r| r.activity_id == a.id) {
            // Signing up again: no duplicate. A pending one gets a fresh link in this email.
            if existing.status == RegistrationStatus::Pending {
                registration::ActiveModel {
                    id: Set(existing.id),
                    confirm_token_hash: Set(Some(confirm.hash.clone())),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .update(&*txn)
                .await?;
                held.push(mail_data::activity(activity, lang, links));
            }
            continue;
        }
        let seat = seats::reserve(&*txn, a.id).await?;
        if !seat && !a.waitlist_enabled {
            return Err(SignUpError::Invalid(vec![
                FieldError::new("activities", "full").with_detail(&a.title),
            ]));
        }
        let inserted = registration::ActiveModel {
            person_id: Set(person.id),
            activity_id: Set(a.id),
            status: Set(if seat {
                RegistrationStatus::Pending
            } else {
                RegistrationStatus::Waitlisted
            }),
            confirm_token_hash: Set(seat.then(|| confirm.hash.clone())),
            hold_expires_at: Set(seat.then_some(hold_until)),
            consent_version: Set(CONSENT_VERSION.to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
        if seat {
            held.push(mail_data::activity(activity, lang, links));
        } else {
            let position = registration::Entity::find()
                .filter(registration::Column::ActivityId.eq(a.id))
                .filter(registration::Column::Status.eq(RegistrationStatus::Waitlisted))
                .filter(registration::Column::Id.lte(inserted.id))
                .count(&*txn)
                .await?;
            let data = json!({
                "activity": mail_data::activity(activity, lang, links),
                "position": position,
            });
            let mail = mail_data::to_person(MailKind::Waitlisted, &person, lang, links, data);
            state.outbox.enqueue(&*txn, mail).await?;
        }
    }
    if !held.is_empty() {
        let data = json!({
            "activities": held,
            "confirm_url": links.confirm_url(&confirm.plain),
            "expires_at": mail_data::moment(hold_until, lang),
        });
        let mail = mail_data::to_person(MailKind::ConfirmRequest, &person, lang, links, data);
        state.outbox.enqueue(&*txn, mail).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Statuses of a registration that still counts (the unique index `ux_registration_live`).
pub fn live() -> [RegistrationStatus; 5] {
    [
        RegistrationStatus::Pending,
        RegistrationStatus::Confirmed,
        RegistrationStatus::Waitlisted,
        RegistrationStatus::Offered,
        RegistrationStatus::Attended,
    ]
}

/// The person's live registrations on any of `activity_ids` (at most one each:
/// `ux_registration_live`).
pub(super) async fn live_registrations(
    conn: &impl sea_orm::ConnectionTrait,
    person_id: i32,
    activity_ids: &[i32],
) -> Result<Vec<registration::Model>, DbErr> {
    registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person_id))
        .filter(registration::Column::ActivityId.is_in(activity_ids.iter().copied()))
        .filter(registration::Column::Status.is_in(live()))
        .all(conn)
        .await
}

/// No requested activity already has its limit of people from the person's school (their own
/// live registrations, `existing`, aside: signing up again changes nothing).
async fn check_school_limits(
    txn: &impl sea_orm::ConnectionTrait,
    person: &person::Model,
    existing: &[registration::Model],
    activities: &[Activity],
) -> Result<(), SignUpError> {
    let mut errors = Vec::new();
    for activity in activities
        .iter()
        .filter(|a| a.model.per_school_limit.is_some())
    {
        let a = &activity.model;
        let already = existing.iter().any(|r| r.activity_id == a.id);
        if !already && seats::school_at_limit(txn, a, person).await? {
            errors.push(FieldError::new("activities", "school_limit").with_detail(&a.title));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SignUpError::Invalid(errors))
    }
}

/// Every requested activity exists, takes sign-ups now, and no two of them overlap.
async fn check_bookable(
    conn: &impl sea_orm::ConnectionTrait,
    ids: &[i32],
    activities: &[Activity],
    now: DateTime<Utc>,
) -> Result<(), SignUpError> {
    let mut errors = Vec::new();
    if activities.len() != ids.len() {
        errors.push(FieldError::new("activities", "unknown_activity"));
    }
    let fairs = fair::Entity::find()
        .filter(fair::Column::Id.is_in(activities.iter().filter_map(|a| a.model.fair_id)))
        .all(conn)
        .await?;
    for activity in activities {
        let a = &activity.model;
        let fair = fairs.iter().find(|f| Some(f.id) == a.fair_id);
        let opens = a
            .registration_opens_at
            .or(fair.and_then(|f| f.registration_opens_at));
        let closes = a
            .registration_closes_at
            .or(fair.and_then(|f| f.registration_closes_at));
        let cancelled = a.status == ActivityStatus::Cancelled
            || fair.is_some_and(|f| f.status == ActivityStatus::Cancelled);
        let code = if cancelled {
            Some("activity_cancelled")
        } else if a.starts_at <= now || closes.is_some_and(|c| c <= now) {
            Some("registration_closed")
        } else if opens.is_some_and(|o| o > now) {
            Some("registration_not_open")
        } else {
            None
        };
        if let Some(code) = code {
            errors.push(FieldError::new("activities", code).with_detail(&a.title));
        }
    }
    for (i, a) in activities.iter().enumerate() {
        let slot = TimeSlot {
            start: a.model.starts_at,
            end: a.model.ends_at,
        };
        if let Some(b) = activities[i + 1..].iter().find(|b| {
            slot.overlaps(&TimeSlot {
                start: b.model.starts_at,
                end: b.model.ends_at,
            })
        }) {
            errors.push(
                FieldError::new("activities", "overlap")
                    .with_detail(format!("{} × {}", a.model.title, b.model.title)),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SignUpError::Invalid(errors))
    }
}

/// The person with this address, created on first sign-up, and whether they were known before.
/// An existing person's details are not overwritten by a sign-up anyone could make with their
/// address. Most sign-ups are by new people, so the insert is tried first.
pub(super) async fn find_or_create_person(
    state: &AppState,
    txn: &crate::db::WriteTxn,
    new: &NewRegistration,
    now: DateTime<Utc>,
) -> Result<(person::Model, bool), DbErr> {
    let fresh = person::ActiveModel {
        email: Set(new.email.as_ref().to_owned()),
        name: Set(new.name.as_ref().to_owned()),
        organisation: Set(new.organisation.clone()),
        role: Set(new.role.clone()),
        district_id: Set(new.district_id),
        language: Set(new.lang.code().to_owned()),
        // Placeholder until the id, which the derived link needs, is known.
        manage_token_hash: Set(NewToken::generate().hash),
        feed_generation: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = person::Entity::insert(fresh)
        .on_conflict_do_nothing_on([person::Column::Email])
        .exec_with_returning_keys(&**txn)
        .await?;
    // No key back: the address was there already.
    let id = match inserted {
        TryInsertResult::Inserted(keys) => keys.first().copied(),
        TryInsertResult::Conflicted | TryInsertResult::Empty => None,
    };
    let Some(id) = id else {
        let known = person::Entity::find()
            .filter(person::Column::Email.eq(new.email.as_ref()))
            .one(&**txn)
            .await?
            .ok_or(DbErr::RecordNotFound("the person who was there".into()))?;
        return Ok((known, true));
    };
    let links = &state.links;
    let person = person::ActiveModel {
        id: Set(id),
        manage_token_hash: Set(token::hash(&links.manage_token(id))),
        feed_token_hash: Set(Some(token::hash(&links.feed_token(id, 0)))),
        ..Default::default()
    }
    .update(&**txn)
    .await?;
    Ok((person, false))
}
