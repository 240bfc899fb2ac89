//! Managing fairs: list, create, edit, cancel. One implementation for the admin pages and the
//! JSON API. Only an admin creates or cancels a fair; its own organisers may edit it
//! (`roles::can` with `Subject::Fair`).
//!
//! What an edit means for others:
//! - every change raises `revision` and `updated_at`; the calendar feeds add the fair's
//!   revision to the SEQUENCE of each of its events and rebuild from the stamp, so every
//!   subscriber sees the fair's new venue or zone;
//! - a new venue is what a workshop's attendee sees change (the place of each of its sessions),
//!   so everyone holding or offered a seat of a scheduled workshop is emailed `activity_changed`
//!   with "room, venue" before and after;
//! - the fair's own dates, name, description, zone and sign-up window change no session's time
//!   or place (each workshop keeps its own times and is moved on its own, which emails its
//!   attendees), so they email nobody;
//! - the slug is fixed once created: it is in every subscribed feed's address.
//!
//! Cancelling a fair cancels each of its scheduled workshops the way cancelling the workshop
//! does (its registrations cancelled, everyone emailed `cancelled_by_organiser` with the
//! reason); fair and workshops stay in the feeds as cancelled.
//!
//! Each change is one transaction that also writes its emails and `audit_event`s.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{
    activity,
    enums::{ActivityKind, ActivityStatus},
    fair,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

use super::{Action, ManageError, Principal, Subject, activities, audit, can, cancel_reason, text};
use crate::{
    domain::{FieldError, slug::slugify},
    registration::by_organiser,
    startup::AppState,
    timezone,
};

/// What an organiser sends to create or edit a fair. On edit a missing field keeps its value;
/// the sign-up window's `Some(None)` clears it. On create `name`, `slug`, `venue`, the times are
/// required and the zone defaults to Europe/Prague.
#[derive(Clone, Debug, Default)]
pub struct FairInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub venue: Option<String>,
    pub description: Option<String>,
    /// An IANA zone name (chrono-tz), e.g. `Europe/Prague`.
    pub timezone: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub registration_opens_at: Option<Option<DateTime<Utc>>>,
    pub registration_closes_at: Option<Option<DateTime<Utc>>>,
    /// Fields the edge could not read; reported with the use-case's own findings.
    pub problems: Vec<FieldError>,
}

/// Every fair, by start (their existence is public).
pub async fn list(state: &AppState) -> Result<Vec<fair::Model>, DbErr> {
    fair::Entity::find()
        .order_by_asc(fair::Column::StartsAt)
        .order_by_asc(fair::Column::Id)
        .all(state.db.conn())
        .await
}

pub async fn get(state: &AppState, who: &Principal, id: i32) -> Result<fair::Model, ManageError> {
    if !can(who, Action::View, Subject::Fair(Some(id))) {
        return Err(ManageError::Forbidden);
    }
    fair::Entity::find_by_id(id)
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)
}

/// Whether the fair's public exhibitor application form is open: scheduled and not begun.
pub fn takes_applications(fair: &fair::Model, now: DateTime<Utc>) -> bool {
    fair.status == ActivityStatus::Scheduled && fair.starts_at > now
}

pub(super) fn has(errors: &[FieldError], field: &str) -> bool {
    errors.iter().any(|e| e.field == field)
}

/// A slug as it appears in addresses: lower-case letters, digits and single dashes.
fn slug(value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new("slug", "required"));
    }
    if value.len() > 80 || slugify(value) != value {
        return Err(FieldError::new("slug", "invalid_slug"));
    }
    Ok(value.to_owned())
}

/// `input` applied to `base` (the current row, or a blank one for a new fair), checked.
fn merge(
    base: &fair::Model,
    input: &FairInput,
    creating: bool,
    now: DateTime<Utc>,
) -> Result<fair::Model, Vec<FieldError>> {
    let mut errors = input.problems.clone();
    let mut next = base.clone();
    for (field, value, max, slot) in [
        ("name", &input.name, 200, &mut next.name),
        ("venue", &input.venue, 300, &mut next.venue),
    ] {
        if let Some(value) = value {
            match text(field, value, max, false) {
                Ok(Some(t)) => *slot = t,
                Ok(None) => errors.push(FieldError::new(field, "required")),
                Err(e) => errors.push(e),
            }
        } else if creating && !has(&errors, field) {
            errors.push(FieldError::new(field, "required"));
        }
    }
    match (&input.slug, creating) {
        (Some(value), true) => match slug(value) {
            Ok(s) => next.slug = s,
            Err(e) => errors.push(e),
        },
        (None, true) => errors.push(FieldError::new("slug", "required")),
        (Some(value), false) if value.trim() != base.slug => {
            errors.push(FieldError::new("slug", "slug_fixed"));
        }
        _ => {}
    }
    if let Some(description) = &input.description {
        match text("description", description, 20_000, true) {
            Ok(t) => next.description = t.unwrap_or_default(),
            Err(e) => errors.push(e),
        }
    }
    if let Some(zone) = &input.timezone {
        match zone.trim().parse::<Tz>() {
            Ok(tz) => next.timezone = tz.name().to_owned(),
            Err(_) => errors.push(FieldError::new("timezone", "unknown_timezone")),
        }
    }
    for (field, value, slot) in [
        ("starts_at", input.starts_at, &mut next.starts_at),
        ("ends_at", input.ends_at, &mut next.ends_at),
    ] {
        match value {
            Some(at) => *slot = at,
            None if creating && !has(&errors, field) => {
                errors.push(FieldError::new(field, "required"))
            }
            None => {}
        }
    }
    if let Some(at) = input.registration_opens_at {
        next.registration_opens_at = at;
    }
    if let Some(at) = input.registration_closes_at {
        next.registration_closes_at = at;
    }
    if !has(&errors, "starts_at") && !has(&errors, "ends_at") && next.ends_at <= next.starts_at {
        errors.push(FieldError::new("ends_at", "ends_before_start"));
    }
    if !has(&errors, "starts_at")
        && (creating || next.starts_at != base.starts_at)
        && next.starts_at < now
    {
        errors.push(FieldError::new("starts_at", "in_the_past"));
    }
    if let Some(closes) = next.registration_closes_at
        && closes > next.ends_at
        && !has(&errors, "registration_closes_at")
        && !has(&errors, "ends_at")
    {
        errors.push(FieldError::new(
            "registration_closes_at",
            "closes_after_end",
        ));
    }
    if let (Some(opens), Some(closes)) = (next.registration_opens_at, next.registration_closes_at)
        && closes <= opens
        && !has(&errors, "registration_opens_at")
        && !has(&errors, "registration_closes_at")
    {
        errors.push(FieldError::new(
            "registration_closes_at",
            "closes_before_opens",
        ));
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(errors)
    }
}

fn slug_taken() -> ManageError {
    ManageError::Invalid(vec![FieldError::new("slug", "slug_taken")])
}

/// A unique index refused the row: another request took the slug or name meanwhile.
pub(super) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

pub async fn create(
    state: &AppState,
    who: &Principal,
    input: FairInput,
) -> Result<fair::Model, ManageError> {
    if !can(who, Action::Create, Subject::Fair(None)) {
        return Err(ManageError::Forbidden);
    }
    let now = Utc::now();
    let blank = fair::Model {
        id: 0,
        slug: String::new(),
        name: String::new(),
        venue: String::new(),
        description: String::new(),
        timezone: timezone::DEFAULT.name().to_owned(),
        starts_at: now,
        ends_at: now,
        registration_opens_at: None,
        registration_closes_at: None,
        status: ActivityStatus::Scheduled,
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    let draft = merge(&blank, &input, true, now).map_err(ManageError::Invalid)?;
    let txn = state.db.begin_write().await?;
    let taken = fair::Entity::find()
        .filter(fair::Column::Slug.eq(&draft.slug))
        .one(&*txn)
        .await?;
    if taken.is_some() {
        return Err(slug_taken());
    }
    let mut row: fair::ActiveModel = draft.into();
    row.id = NotSet;
    let created = match row.insert(&*txn).await {
        Ok(created) => created,
        // Another instance took the slug meanwhile (PostgreSQL; SQLite writers queue).
        Err(err) if is_unique_violation(&err) => return Err(slug_taken()),
        Err(err) => return Err(err.into()),
    };
    audit::record(
        &*txn,
        Some(who.id),
        "fair.create",
        "fair",
        Some(created.id),
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Edits a fair (see the module docs for what follows). An edit that changes nothing changes
/// nothing: no revision, no email, no audit entry.
pub async fn update(
    state: &AppState,
    who: &Principal,
    id: i32,
    input: FairInput,
) -> Result<fair::Model, ManageError> {
    if !can(who, Action::Edit, Subject::Fair(Some(id))) {
        return Err(ManageError::Forbidden);
    }
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let before = fair::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    if before.status == ActivityStatus::Cancelled {
        return Err(ManageError::Conflict("cancelled"));
    }
    let draft = merge(&before, &input, false, now).map_err(ManageError::Invalid)?;
    if draft == before {
        return Ok(before);
    }
    let errors = workshops_outside(&*txn, &draft).await?;
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let changes = fair::ActiveModel {
        name: Set(draft.name.clone()),
        venue: Set(draft.venue.clone()),
        description: Set(draft.description.clone()),
        timezone: Set(draft.timezone.clone()),
        starts_at: Set(draft.starts_at),
        ends_at: Set(draft.ends_at),
        registration_opens_at: Set(draft.registration_opens_at),
        registration_closes_at: Set(draft.registration_closes_at),
        updated_at: Set(now),
        ..Default::default()
    };
    // Nobody else edited since we read: the revision is still the one we saw.
    let result = fair::Entity::update_many()
        .set(changes)
        .col_expr(
            fair::Column::Revision,
            Expr::col(fair::Column::Revision).add(1),
        )
        .filter(fair::Column::Id.eq(id))
        .filter(fair::Column::Revision.eq(before.revision))
        .filter(fair::Column::Status.eq(ActivityStatus::Scheduled))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(ManageError::Conflict("changed_meanwhile"));
    }
    let after = fair::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    if after.venue != before.venue {
        by_organiser::notify_venue_changed(state, &txn, &after, &before.venue).await?;
    }
    audit::record(
        &*txn,
        Some(who.id),
        "fair.update",
        "fair",
        Some(id),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(after)
}

/// The fair's new dates would leave scheduled workshops outside its days: how many start before
/// them (on `starts_at`) and how many end after them (on `ends_at`), so the organiser moves them
/// first.
async fn workshops_outside(
    conn: &impl ConnectionTrait,
    draft: &fair::Model,
) -> Result<Vec<FieldError>, DbErr> {
    let days = activities::fair_days(draft);
    let (mut early, mut late) = (0, 0);
    for a in activity::Entity::find()
        .filter(activity::Column::FairId.eq(draft.id))
        .filter(activity::Column::Status.eq(ActivityStatus::Scheduled))
        .all(conn)
        .await?
    {
        if a.starts_at < days.start {
            early += 1;
        } else if a.ends_at > days.end {
            late += 1;
        }
    }
    Ok([("starts_at", early), ("ends_at", late)]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(field, n)| FieldError::new(field, "workshops_outside").with_detail(n.to_string()))
        .collect())
}

/// Cancels a fair and its scheduled workshops (see the module docs). Cancelling a cancelled
/// fair changes nothing.
pub async fn cancel(
    state: &AppState,
    who: &Principal,
    id: i32,
    reason: Option<&str>,
) -> Result<fair::Model, ManageError> {
    if !can(who, Action::Cancel, Subject::Fair(Some(id))) {
        return Err(ManageError::Forbidden);
    }
    let reason = cancel_reason(reason)?;
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let before = fair::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    if before.status == ActivityStatus::Cancelled {
        return Ok(before);
    }
    let result = fair::Entity::update_many()
        .col_expr(
            fair::Column::Status,
            Expr::val(ActivityStatus::Cancelled.as_str()),
        )
        .col_expr(
            fair::Column::Revision,
            Expr::col(fair::Column::Revision).add(1),
        )
        .col_expr(fair::Column::UpdatedAt, Expr::val(now))
        .filter(fair::Column::Id.eq(id))
        .filter(fair::Column::Status.eq(ActivityStatus::Scheduled))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(ManageError::Conflict("changed_meanwhile"));
    }
    let workshops = activity::Entity::find()
        .filter(activity::Column::FairId.eq(id))
        .filter(activity::Column::Kind.eq(ActivityKind::Workshop))
        .filter(activity::Column::Status.eq(ActivityStatus::Scheduled))
        .order_by_asc(activity::Column::Id)
        .all(&*txn)
        .await?;
    let mut registrations_cancelled = 0;
    for workshop in &workshops {
        // As `activities::cancel` does: the status first, so no freed seat is offered on.
        activity::Entity::update_many()
            .col_expr(
                activity::Column::Status,
                Expr::val(ActivityStatus::Cancelled.as_str()),
            )
            .col_expr(
                activity::Column::Revision,
                Expr::col(activity::Column::Revision).add(1),
            )
            .col_expr(activity::Column::UpdatedAt, Expr::val(now))
            .filter(activity::Column::Id.eq(workshop.id))
            .exec(&*txn)
            .await?;
        let cancelled =
            by_organiser::cancel_all(state, &txn, workshop.id, reason.as_deref()).await?;
        registrations_cancelled += cancelled;
        let after = activity::Entity::find_by_id(workshop.id).one(&*txn).await?;
        audit::record(
            &*txn,
            Some(who.id),
            "activity.cancel",
            "activity",
            Some(workshop.id),
            Some(workshop),
            after.as_ref(),
        )
        .await?;
    }
    let after = fair::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let mut logged = serde_json::to_value(&after).map_err(|e| DbErr::Json(e.to_string()))?;
    if let Some(object) = logged.as_object_mut() {
        object.insert("reason".into(), reason.clone().into());
        object.insert("workshops_cancelled".into(), workshops.len().into());
        object.insert(
            "registrations_cancelled".into(),
            registrations_cancelled.into(),
        );
    }
    let before_json = serde_json::to_value(&before).map_err(|e| DbErr::Json(e.to_string()))?;
    audit::record(
        &*txn,
        Some(who.id),
        "fair.cancel",
        "fair",
        Some(id),
        Some(&before_json),
        Some(&logged),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Before [`base`]'s fair.
    const NOW: DateTime<Utc> = DateTime::from_timestamp_nanos(1_800_000_000_000_000_000);

    fn base() -> fair::Model {
        let at: DateTime<Utc> = "2030-01-10T08:00:00Z".parse().unwrap();
        fair::Model {
            id: 1,
            slug: "veletrh".into(),
            name: "Veletrh".into(),
            venue: "Praha".into(),
            description: String::new(),
            timezone: "Europe/Prague".into(),
            starts_at: at,
            ends_at: at + chrono::Duration::hours(8),
            registration_opens_at: None,
            registration_closes_at: None,
            status: ActivityStatus::Scheduled,
            revision: 1,
            created_at: at,
            updated_at: at,
        }
    }

    fn codes(result: Result<fair::Model, Vec<FieldError>>) -> Vec<(&'static str, &'static str)> {
        result
            .unwrap_err()
            .iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_new_fair_needs_its_name_slug_venue_and_times() {
        let found = codes(merge(&base(), &FairInput::default(), true, NOW));
        assert_eq!(
            found,
            [
                ("name", "required"),
                ("venue", "required"),
                ("slug", "required"),
                ("starts_at", "required"),
                ("ends_at", "required"),
            ]
        );
    }

    #[test]
    fn zones_slugs_and_times_are_checked() {
        let input = FairInput {
            timezone: Some("Europe/Praha".into()),
            ends_at: Some("2030-01-10T07:00:00Z".parse().unwrap()),
            registration_opens_at: Some(Some("2029-12-01T00:00:00Z".parse().unwrap())),
            registration_closes_at: Some(Some("2029-11-01T00:00:00Z".parse().unwrap())),
            ..FairInput::default()
        };
        let found = codes(merge(&base(), &input, false, NOW));
        assert_eq!(
            found,
            [
                ("timezone", "unknown_timezone"),
                ("ends_at", "ends_before_start"),
                ("registration_closes_at", "closes_before_opens"),
            ]
        );
        let renamed = FairInput {
            slug: Some("jiny".into()),
            ..FairInput::default()
        };
        assert_eq!(
            codes(merge(&base(), &renamed, false, NOW)),
            [("slug", "slug_fixed")]
        );
        let bad_slug = FairInput {
            slug: Some("Veletrh 2030".into()),
            ..FairInput::default()
        };
        assert!(codes(merge(&base(), &bad_slug, true, NOW)).contains(&("slug", "invalid_slug")));
    }

    #[test]
    fn a_start_set_in_the_past_and_sign_ups_closing_after_the_end_are_refused() {
        let moved = FairInput {
            starts_at: Some("2027-01-10T08:00:00Z".parse().unwrap()),
            registration_closes_at: Some(Some("2030-01-10T17:00:00Z".parse().unwrap())),
            ..FairInput::default()
        };
        assert_eq!(
            codes(merge(&base(), &moved, false, NOW)),
            [
                ("starts_at", "in_the_past"),
                ("registration_closes_at", "closes_after_end")
            ]
        );
        // An edit that keeps a start already past (a fair under way) is fine.
        let later = base().starts_at + chrono::Duration::hours(1);
        let renamed = FairInput {
            name: Some("Veletrh 2030".into()),
            registration_closes_at: Some(Some(base().ends_at)),
            ..FairInput::default()
        };
        assert!(merge(&base(), &renamed, false, later).is_ok());
    }

    #[test]
    fn an_edit_keeps_what_it_does_not_name_and_clears_the_window_on_request() {
        let mut current = base();
        current.registration_opens_at = Some(current.created_at);
        let input = FairInput {
            venue: Some("  Brno ".into()),
            timezone: Some("Europe/London".into()),
            registration_opens_at: Some(None),
            ..FairInput::default()
        };
        let next = merge(&current, &input, false, NOW).unwrap();
        assert_eq!(next.venue, "Brno");
        assert_eq!(next.timezone, "Europe/London");
        assert_eq!(next.name, "Veletrh");
        assert_eq!(next.registration_opens_at, None);
    }

    #[test]
    fn applications_are_taken_until_a_scheduled_fair_begins() {
        let fair = base();
        assert!(takes_applications(
            &fair,
            fair.starts_at - chrono::Duration::days(1)
        ));
        assert!(!takes_applications(&fair, fair.starts_at));
        let cancelled = fair::Model {
            status: ActivityStatus::Cancelled,
            ..base()
        };
        assert!(!takes_applications(
            &cancelled,
            fair.starts_at - chrono::Duration::days(1)
        ));
    }
}
