//! Data protection for organisers: finding a person, seeing their registrations, anonymising
//! them on request (the erasure itself is `registration::anonymise`, shared with "delete my
//! data" and the retention job), and `veletrh retention` on the command line.
//!
//! Who may (see [`can`]): admins find anyone and anonymise; viewers and organisers find people,
//! but see only the registrations they may export — an organiser their fair's or region's, and
//! nobody who has none there.

use std::sync::Arc;

use chrono::Utc;
use entity::{activity, person, registration};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{ExprTrait, LikeExpr},
};
use tokio::sync::Notify;

use super::{Action, ManageError, Principal, Scope, Subject, can};
use crate::{
    config::Config,
    domain::FieldError,
    export::attendees::{folded, like_pattern},
    registration::anonymise::{self, Reason},
    startup::AppState,
};

/// At most this many people are listed for one search.
pub const MAX_FOUND: usize = 50;

/// A person with the registrations the organiser may see, by activity start.
pub struct PersonFound {
    pub person: person::Model,
    pub registrations: Vec<(registration::Model, activity::Model)>,
}

/// People whose email or name contains `query` (ignoring case), not anonymised, by name.
pub async fn search(
    state: &AppState,
    who: &Principal,
    query: &str,
) -> Result<Vec<PersonFound>, ManageError> {
    if !can(who, Action::View, Subject::People) {
        return Err(ManageError::Forbidden);
    }
    let query = query.trim();
    if query.chars().count() < 2 {
        return Err(ManageError::Invalid(vec![FieldError::new(
            "q",
            "too_short",
        )]));
    }
    // At least two characters: never blank, so there is always a pattern.
    let pattern = like_pattern(query).unwrap_or_default();
    let like = || LikeExpr::new(pattern.clone()).escape('\\');
    let candidates = person::Entity::find()
        .filter(person::Column::AnonymisedAt.is_null())
        .filter(
            folded(person::Column::Email)
                .like(like())
                .or(folded(person::Column::Name).like(like())),
        )
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id)
        // Organisers see only some of them; look at more so the page still fills.
        .limit(MAX_FOUND as u64 * 4)
        .all(state.db.conn())
        .await?;
    let mut found = with_registrations(state, who, candidates).await?;
    found.truncate(MAX_FOUND);
    Ok(found)
}

/// One person as [`search`] shows them; `NotFound` also for someone the organiser may not see.
pub async fn person(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<PersonFound, ManageError> {
    if !can(who, Action::View, Subject::People) {
        return Err(ManageError::Forbidden);
    }
    let person = person::Entity::find_by_id(id)
        .filter(person::Column::AnonymisedAt.is_null())
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)?;
    with_registrations(state, who, vec![person])
        .await?
        .pop()
        .ok_or(ManageError::NotFound)
}

/// Attaches the registrations `who` may export; without one, a non-admin does not see the
/// person at all.
async fn with_registrations(
    state: &AppState,
    who: &Principal,
    people: Vec<person::Model>,
) -> Result<Vec<PersonFound>, DbErr> {
    let ids: Vec<i32> = people.iter().map(|p| p.id).collect();
    let rows = registration::Entity::find()
        .filter(registration::Column::PersonId.is_in(ids))
        .find_also_related(activity::Entity)
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(registration::Column::Id)
        .all(state.db.conn())
        .await?;
    let everyone = can(who, Action::Edit, Subject::People);
    Ok(people
        .into_iter()
        .filter_map(|person| {
            let registrations: Vec<_> = rows
                .iter()
                .filter(|(r, _)| r.person_id == person.id)
                .filter_map(|(r, a)| Some((r.clone(), a.clone()?)))
                .filter(|(_, a)| can(who, Action::Export, Subject::Activity(Scope::from(a))))
                .collect();
            (everyone || !registrations.is_empty()).then_some(PersonFound {
                person,
                registrations,
            })
        })
        .collect())
}

/// Anonymises person `id` for an organiser (admins only). `Ok(false)`: done before.
pub async fn anonymise(state: &AppState, who: &Principal, id: i32) -> Result<bool, ManageError> {
    if !can(who, Action::Edit, Subject::People) {
        return Err(ManageError::Forbidden);
    }
    let txn = state.db.begin_write().await?;
    let exists = person::Entity::find_by_id(id).one(&*txn).await?.is_some();
    if !exists {
        return Err(ManageError::NotFound);
    }
    let done = anonymise::anonymise(state, &txn, id, Reason::Organiser(who.id), Utc::now()).await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(done.is_some())
}

/// `veletrh retention [--dry-run]`: the line to print.
pub async fn retention_cli(config: Config, dry_run: bool) -> anyhow::Result<String> {
    let months = config.retention_months;
    if months == 0 {
        return Ok("retention is off (VELETRH_RETENTION_MONTHS=0)".into());
    }
    let state = offline_state(config).await?;
    let count = anonymise::retention(&state, Utc::now(), months, dry_run).await?;
    state.db.close().await;
    Ok(if dry_run {
        format!(
            "{count} person(s) due for anonymisation (retention {months} months); dry run, nothing changed"
        )
    } else {
        format!("{count} person(s) anonymised (retention {months} months)")
    })
}

/// What the use-cases need, without a listener or a mail worker: mail they write (offers of
/// freed seats) waits in the outbox for the server.
async fn offline_state(config: Config) -> anyhow::Result<AppState> {
    let db = crate::startup::open_database(&config).await?;
    let key = crate::config::load_or_create_key(&config)?;
    Ok(AppState {
        db,
        pages: Arc::new(crate::web::Pages::new()?),
        outbox: crate::mail::Outbox::new(config.mail_from.email.domain()),
        mail_wake: Arc::new(Notify::new()),
        feeds: crate::calendar::Feeds::default(),
        links: crate::registration::Links {
            base: config.base_url.clone(),
            key,
        },
        limits: Arc::new(crate::limits::Limits::new(config.limits)),
        sign_ups: Default::default(),
        config: Arc::new(config),
    })
}
