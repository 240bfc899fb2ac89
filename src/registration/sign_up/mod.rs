//! Signing up: one person, one or more activities, all or nothing.
//!
//! The answer never depends on whether the address was known (no enumeration): duplicates are
//! skipped silently, and the email tells the person what happened. Each activity gets a held
//! seat (pending until the link in the email is opened) or a place on its waiting list.
//!
//! A request is checked against the programme here (as last read: [`remembered`]), then queued
//! ([`queue`]) and written with whatever else is waiting ([`write`]).

mod queue;
mod remembered;
mod write;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{district, enums::RegistrationStatus, person, registration};
use sea_orm::{
    ColumnTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryTrait, Statement, TryInsertResult,
};

use queue::SignUpQueue;
use remembered::{Bookable, Remembered};
use write::Written;

use super::{Links, NewRegistration, is_unique_violation, seats};
use crate::{
    db::WriteTxn,
    domain::{FieldError, TimeSlot, token},
    metrics::{METRICS, SignUpOutcome},
    programme::{self, Availability},
    startup::AppState,
};

/// How often a sign-up is checked before it gives up: first against memory, then against the
/// database, again each time the writer finds one of its activities changed since (someone
/// would have to change it again within milliseconds, each time).
const CHECKS: usize = 3;

/// This instance's sign-ups: the activities as last read, and the way to the writer. Cheap to
/// clone; clones share both.
#[derive(Clone, Default)]
pub struct SignUps {
    remembered: Arc<Remembered>,
    queue: SignUpQueue,
}

/// A sign-up whose activities exist and take sign-ups now, waiting to be written.
struct Accepted {
    new: NewRegistration,
    /// The requested activities, by start time, as the sign-up was checked against them.
    activities: Vec<Arc<Bookable>>,
}

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
    let conn = state.db.conn();
    if let Some(id) = new.district_id
        && district::Entity::find_by_id(id).one(conn).await?.is_none()
    {
        return Err(SignUpError::Invalid(vec![FieldError::new(
            "district_id",
            "unknown_choice",
        )]));
    }
    // Whether the request is acceptable is decided before it queues for the writer, so the
    // (on SQLite, single) writer does only what must be consistent: seats, the person's
    // registrations, the school limit. The activities come from memory at first; if they do not
    // pass, or the writer finds one changed since, from the database.
    let SignUps { remembered, queue } = &state.sign_ups;
    for check in 0..CHECKS {
        let fresh = check > 0;
        let activities = remembered.get(conn, &new.activity_ids, fresh).await?;
        match check_bookable(&new.activity_ids, &activities, now) {
            Ok(()) => {}
            Err(refusal) if fresh => return Err(refusal),
            Err(_) => continue,
        }
        let accepted = Accepted {
            new: new.clone(),
            activities,
        };
        match queue.write(state, accepted).await {
            Written::Done(result) => return result,
            Written::Stale => {}
        }
    }
    Err(DbErr::Custom("the activities kept changing during the sign-up".into()).into())
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

/// The live registrations of these people on any of `activity_ids` (at most one per person and
/// activity: `ux_registration_live`).
pub(super) async fn live_registrations(
    conn: &impl sea_orm::ConnectionTrait,
    person_ids: &[i32],
    activity_ids: &[i32],
) -> Result<Vec<registration::Model>, DbErr> {
    registration::Entity::find()
        .filter(registration::Column::PersonId.is_in(person_ids.iter().copied()))
        .filter(registration::Column::ActivityId.is_in(activity_ids.iter().copied()))
        .filter(registration::Column::Status.is_in(live()))
        .all(conn)
        .await
}

/// No requested activity already has its limit of people from the person's school (their own
/// live registrations, `existing`, aside: signing up again changes nothing). The error lists
/// every activity at its limit.
async fn check_school_limits(
    txn: &impl sea_orm::ConnectionTrait,
    person: &person::Model,
    existing: &[&registration::Model],
    activities: &[Arc<Bookable>],
) -> Result<Vec<FieldError>, DbErr> {
    let mut errors = Vec::new();
    for a in activities
        .iter()
        .map(|b| &b.activity.model)
        .filter(|a| a.per_school_limit.is_some())
    {
        let already = existing.iter().any(|r| r.activity_id == a.id);
        if !already && seats::school_at_limit(txn, a, person).await? {
            errors.push(FieldError::new("activities", "school_limit").with_detail(&a.title));
        }
    }
    Ok(errors)
}

/// Every requested activity exists, takes sign-ups now, and no two of them overlap.
fn check_bookable(
    ids: &[i32],
    bookable: &[Arc<Bookable>],
    now: DateTime<Utc>,
) -> Result<(), SignUpError> {
    let mut errors = Vec::new();
    if bookable.len() != ids.len() {
        errors.push(FieldError::new("activities", "unknown_activity"));
    }
    let activities: Vec<_> = bookable.iter().map(|b| &b.activity.model).collect();
    for (a, b) in activities.iter().zip(bookable) {
        let code = match programme::availability(a, b.fair.as_ref(), now) {
            Availability::Open => None,
            Availability::NotYetOpen => Some("registration_not_open"),
            Availability::Closed => Some("registration_closed"),
            Availability::Cancelled => Some("activity_cancelled"),
        };
        if let Some(code) = code {
            errors.push(FieldError::new("activities", code).with_detail(&a.title));
        }
    }
    for (i, a) in activities.iter().enumerate() {
        let slot = TimeSlot {
            start: a.starts_at,
            end: a.ends_at,
        };
        if let Some(b) = activities[i + 1..].iter().find(|b| {
            slot.overlaps(&TimeSlot {
                start: b.starts_at,
                end: b.ends_at,
            })
        }) {
            errors.push(
                FieldError::new("activities", "overlap")
                    .with_detail(format!("{} × {}", a.title, b.title)),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SignUpError::Invalid(errors))
    }
}

/// The people with these addresses (no two alike), in the same order, and whether each was
/// known before: found among `known`, or a new person with the details given (not written
/// yet: [`insert_people`]). An existing person's details are not overwritten by a sign-up
/// anyone could make with their address.
pub(super) async fn with_new_people(
    state: &AppState,
    txn: &WriteTxn,
    news: &[&NewRegistration],
    known: Vec<person::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<(person::Model, bool)>, DbErr> {
    let is_known = |new: &NewRegistration| known.iter().find(|p| p.email == new.email.as_ref());
    let unknown = news.iter().filter(|new| is_known(new).is_none()).count();
    let mut ids = txn.new_ids("person", unknown).await?.into_iter();
    news.iter()
        .map(|new| match is_known(new) {
            Some(p) => Ok((p.clone(), true)),
            None => {
                let id = ids.next().ok_or(DbErr::Custom("too few new ids".into()))?;
                Ok((new_person(&state.links, new, id, now), false))
            }
        })
        .collect()
}

/// The people with these addresses; no query for none.
pub(super) async fn people_with<V: Into<sea_orm::Value>>(
    conn: &impl sea_orm::ConnectionTrait,
    emails: Vec<V>,
) -> Result<Vec<person::Model>, DbErr> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    person::Entity::find()
        .filter(person::Column::Email.is_in(emails))
        .all(conn)
        .await
}

/// The statement that writes these new people; `None` for none.
pub(super) fn insert_people<'a>(
    backend: DbBackend,
    people: impl IntoIterator<Item = &'a person::Model>,
) -> Option<Statement> {
    let rows: Vec<person::ActiveModel> = people.into_iter().cloned().map(Into::into).collect();
    (!rows.is_empty()).then(|| person::Entity::insert_many(rows).build(backend))
}

/// A new person with `new`'s details and the id `id`, taken from the sequence
/// ([`WriteTxn::new_ids`]): never given before, as the standing links derive from it. So each
/// row is written once, links and all.
fn new_person(links: &Links, new: &NewRegistration, id: i32, now: DateTime<Utc>) -> person::Model {
    person::Model {
        id,
        email: new.email.as_ref().to_owned(),
        name: new.name.as_ref().to_owned(),
        organisation: new.organisation.clone(),
        role: new.role.clone(),
        district_id: new.district_id,
        language: new.lang.code().to_owned(),
        manage_token_hash: token::hash(&links.manage_token(id)),
        feed_token_hash: Some(token::hash(&links.feed_token(id, 0))),
        feed_generation: 0,
        bounced_at: None,
        bounce_reason: None,
        anonymised_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// The people with these addresses (no two alike), in the same order, found or written now,
/// and whether each was known before (details as in [`with_new_people`]). Tried as new first,
/// one statement for all, which a twin written meanwhile by someone else cannot fail.
pub(super) async fn find_or_create_people(
    state: &AppState,
    txn: &WriteTxn,
    news: &[&NewRegistration],
    now: DateTime<Utc>,
) -> Result<Vec<(person::Model, bool)>, DbErr> {
    let ids = txn.new_ids("person", news.len()).await?;
    let fresh = news
        .iter()
        .zip(ids)
        .map(|(new, id)| person::ActiveModel::from(new_person(&state.links, new, id, now)));
    let created = match person::Entity::insert_many(fresh)
        .on_conflict_do_nothing_on([person::Column::Email])
        .exec_with_returning_many(&**txn)
        .await?
    {
        TryInsertResult::Inserted(people) => people,
        TryInsertResult::Conflicted | TryInsertResult::Empty => Vec::new(),
    };
    // Not created: the address was there already.
    let missing: Vec<&str> = news
        .iter()
        .map(|new| new.email.as_ref())
        .filter(|email| !created.iter().any(|p| p.email == *email))
        .collect();
    let known = people_with(&**txn, missing).await?;
    news.iter()
        .map(|new| {
            let email = new.email.as_ref();
            if let Some(p) = created.iter().find(|p| p.email == email) {
                Ok((p.clone(), false))
            } else if let Some(p) = known.iter().find(|p| p.email == email) {
                Ok((p.clone(), true))
            } else {
                Err(DbErr::RecordNotFound("the person who was there".into()))
            }
        })
        .collect()
}
