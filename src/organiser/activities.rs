//! Managing workshops and meetings: list, create, edit, cancel. One implementation for the
//! admin pages and the JSON API.
//!
//! What an edit means for others:
//! - every change raises `revision` and `updated_at` (calendar feeds show them as SEQUENCE and
//!   LAST-MODIFIED, and rebuild from them);
//! - a new time, room, place or join link is emailed (`activity_changed`, old → new) to
//!   everyone holding or offered a seat;
//! - a raised capacity offers the freed seats to the waiting list; a capacity below the seats
//!   already taken is refused on the `capacity` field;
//! - a per-school limit (`per_school_limit`, at most N live registrations from one school) applies
//!   to sign-ups and offers from then on; loosening it offers free seats to people it held back;
//! - cancelling keeps the activity (feeds show it as cancelled), cancels its live registrations
//!   and emails everyone `cancelled_by_organiser` with the optional reason.
//!
//! Each change is one transaction that also writes its emails and an `audit_event` (the row
//! before and after).

use chrono::{DateTime, Utc};
use entity::{
    activity,
    enums::{ActivityKind, ActivityStatus},
    fair, region, speaker,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

use super::{
    Action, ManageError, Principal, Scope, Subject, audit, can, cancel_reason, set_short_texts,
    speakers::{self, SpeakerInput},
    text, web_address,
};
use crate::{
    domain::{FieldError, TimeSlot},
    registration::by_organiser,
    startup::AppState,
    timezone,
};

/// The most seats an activity may have.
pub const MAX_CAPACITY: i32 = 100_000;

/// The latest no-show release, in minutes after the start (a whole day).
pub const MAX_RELEASE_MINUTES: i32 = 24 * 60;

/// What an organiser sends to create or edit an activity. On edit a missing field keeps its
/// value and an empty text clears an optional one (topic, room, place, online_url); on create
/// `kind`, `title`, the times and `capacity` are required, and a fair or regional organiser's
/// own fair or region is the default.
#[derive(Clone, Debug, Default)]
pub struct ActivityInput {
    pub kind: Option<ActivityKind>,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub topic: Option<String>,
    pub room: Option<String>,
    pub place: Option<String>,
    /// The link an online activity is joined by; empty: held in person.
    pub online_url: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub capacity: Option<i32>,
    pub waitlist_enabled: Option<bool>,
    /// At most this many live registrations from one school; `Some(None)` removes the limit.
    pub per_school_limit: Option<Option<i32>>,
    /// Minutes after the start when seats of people not checked in are released; `Some(None)`:
    /// never.
    pub no_show_release_minutes: Option<Option<i32>>,
    /// Who runs it, in order; `None` keeps them, `Some(vec![])` removes them.
    pub speakers: Option<Vec<SpeakerInput>>,
    /// Fields the edge could not read (a time or number that does not parse); reported with
    /// the use-case's own findings, so the form shows every problem at once.
    pub problems: Vec<FieldError>,
}

/// The activities `who` may see, by start time.
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<activity::Model>, DbErr> {
    let all = activity::Entity::find()
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(activity::Column::Id)
        .all(state.db.conn())
        .await?;
    Ok(all
        .into_iter()
        .filter(|a| can(who, Action::View, Subject::Activity(Scope::from(a))))
        .collect())
}

/// One activity, if `who` may see it: `Forbidden` for another fair's or region's activity
/// (their existence is public anyway), `NotFound` when there is no such activity.
pub async fn get(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<activity::Model, ManageError> {
    let found = activity::Entity::find_by_id(id)
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)?;
    if !can(who, Action::View, Subject::Activity(Scope::from(&found))) {
        return Err(ManageError::Forbidden);
    }
    Ok(found)
}

/// [`merge`], and the speakers checked; every problem of both at once.
fn merge_all(
    base: &activity::Model,
    input: &ActivityInput,
    creating: bool,
) -> Result<(activity::Model, Option<Vec<SpeakerInput>>), ManageError> {
    let speakers = input
        .speakers
        .as_deref()
        .map(speakers::validate)
        .transpose();
    match (merge(base, input, creating), speakers) {
        (Ok(draft), Ok(speakers)) => Ok((draft, speakers)),
        (draft, speakers) => {
            let mut errors = draft.err().unwrap_or_default();
            errors.extend(speakers.err());
            Err(ManageError::Invalid(errors))
        }
    }
}

/// `input` applied to `base` (the current row, or a blank one for a new activity), checked.
fn merge(
    base: &activity::Model,
    input: &ActivityInput,
    creating: bool,
) -> Result<activity::Model, Vec<FieldError>> {
    let mut errors = input.problems.clone();
    let mut next = base.clone();
    let mut note = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    if creating && let Some(kind) = input.kind {
        next.kind = kind;
    }
    if let Some(fair_id) = input.fair_id {
        next.fair_id = Some(fair_id);
    }
    if let Some(region_id) = input.region_id {
        next.region_id = Some(region_id);
    }
    if let Some(title) = &input.title {
        note(text("title", title, 200, false).and_then(|t| {
            next.title = t.ok_or_else(|| FieldError::new("title", "required"))?;
            Ok(())
        }));
    }
    if let Some(description) = &input.description {
        note(text("description", description, 20_000, true).map(|t| {
            next.description = t.unwrap_or_default();
        }));
    }
    let short = [
        ("topic", &input.topic, &mut next.topic),
        ("room", &input.room, &mut next.room),
        ("place", &input.place, &mut next.place),
    ];
    set_short_texts(short, &mut errors);
    if let Some(url) = &input.online_url {
        match join_link(url) {
            Ok(url) => next.online_url = url,
            Err(e) => errors.push(e),
        }
    }
    if let Some(at) = input.starts_at {
        next.starts_at = at;
    }
    if let Some(at) = input.ends_at {
        next.ends_at = at;
    }
    if let Some(capacity) = input.capacity {
        next.capacity = capacity;
    }
    if let Some(waitlist) = input.waitlist_enabled {
        next.waitlist_enabled = waitlist;
    }
    if let Some(limit) = input.per_school_limit {
        match limit {
            Some(n) if !(1..=MAX_CAPACITY).contains(&n) => errors.push(
                FieldError::new("per_school_limit", "school_limit_range")
                    .with_detail(MAX_CAPACITY.to_string()),
            ),
            _ => next.per_school_limit = limit,
        }
    }
    if let Some(minutes) = input.no_show_release_minutes {
        match minutes {
            Some(n) if !(0..=MAX_RELEASE_MINUTES).contains(&n) => errors.push(
                FieldError::new("no_show_release_minutes", "release_minutes_range")
                    .with_detail(MAX_RELEASE_MINUTES.to_string()),
            ),
            _ => next.no_show_release_minutes = minutes,
        }
    }
    if creating {
        if input.title.is_none() && !has(&errors, "title") {
            errors.push(FieldError::new("title", "required"));
        }
        for (field, given) in [
            ("starts_at", input.starts_at.is_some()),
            ("ends_at", input.ends_at.is_some()),
            ("capacity", input.capacity.is_some()),
        ] {
            if !given && !has(&errors, field) {
                errors.push(FieldError::new(field, "required"));
            }
        }
    }
    if !has(&errors, "starts_at") && !has(&errors, "ends_at") && next.ends_at <= next.starts_at {
        errors.push(FieldError::new("ends_at", "ends_before_start"));
    }
    if !has(&errors, "capacity") && !(0..=MAX_CAPACITY).contains(&next.capacity) {
        errors.push(
            FieldError::new("capacity", "capacity_range").with_detail(MAX_CAPACITY.to_string()),
        );
    }
    if next.kind == ActivityKind::Workshop && next.fair_id.is_none() && !has(&errors, "fair_id") {
        errors.push(FieldError::new("fair_id", "required"));
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(errors)
    }
}

/// The link an activity held online is joined by, as typed (`online_url`): a web address
/// ([`web_address`]); `Ok(None)` for an activity held in person.
pub(super) fn join_link(value: &str) -> Result<Option<String>, FieldError> {
    web_address("online_url", value, 500)
}

fn has(errors: &[FieldError], field: &str) -> bool {
    errors.iter().any(|e| e.field == field)
}

/// What the draft gets wrong against stored rows and the clock: a fair or region that does not
/// exist, a workshop outside its fair's days, a start set (or moved) into the past. `before` is
/// the stored row of an edit; an edit that keeps a past start (a meeting under way) is fine.
async fn check_references(
    conn: &impl ConnectionTrait,
    draft: &activity::Model,
    before: Option<&activity::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<FieldError>, DbErr> {
    let mut errors = Vec::new();
    if let Some(id) = draft.fair_id {
        match fair::Entity::find_by_id(id).one(conn).await? {
            None => errors.push(FieldError::new("fair_id", "unknown_choice")),
            Some(fair) => errors.extend(outside_fair(&fair, draft)),
        }
    }
    if let Some(id) = draft.region_id
        && region::Entity::find_by_id(id).one(conn).await?.is_none()
    {
        errors.push(FieldError::new("region_id", "unknown_choice"));
    }
    if before.is_none_or(|b| b.starts_at != draft.starts_at) && draft.starts_at < now {
        errors.push(FieldError::new("starts_at", "in_the_past"));
    }
    Ok(errors)
}

/// The fair's local days, the span its workshops must lie within.
pub fn fair_days(fair: &fair::Model) -> TimeSlot {
    TimeSlot {
        start: fair.starts_at,
        end: fair.ends_at,
    }
    .whole_days(timezone::zone_of(&fair.timezone))
}

/// The error for an activity of `fair` that starts or ends outside its days, naming them.
fn outside_fair(fair: &fair::Model, activity: &activity::Model) -> Option<FieldError> {
    let days = fair_days(fair);
    let slot = TimeSlot {
        start: activity.starts_at,
        end: activity.ends_at,
    };
    if days.contains(&slot) {
        return None;
    }
    // On the start when that is outside the days, else on the end.
    let field = if activity.starts_at < days.start || activity.starts_at >= days.end {
        "starts_at"
    } else {
        "ends_at"
    };
    let tz = timezone::zone_of(&fair.timezone);
    let first = fair.starts_at.with_timezone(&tz).date_naive();
    let last = fair.ends_at.with_timezone(&tz).date_naive();
    let detail = if first == last {
        first.to_string()
    } else {
        format!("{first} – {last}")
    };
    Some(FieldError::new(field, "outside_fair").with_detail(detail))
}

pub async fn create(
    state: &AppState,
    who: &Principal,
    mut input: ActivityInput,
) -> Result<activity::Model, ManageError> {
    let now = Utc::now();
    let kind = match input.kind {
        Some(kind) => kind,
        None => {
            let mut errors = vec![FieldError::new("kind", "required")];
            errors.append(&mut input.problems);
            return Err(ManageError::Invalid(errors));
        }
    };
    // A fair or regional organiser's own fair or region goes without saying.
    match kind {
        ActivityKind::Workshop if input.fair_id.is_none() => input.fair_id = who.fair_id,
        ActivityKind::Meeting if input.region_id.is_none() => input.region_id = who.region_id,
        _ => {}
    }
    let blank = activity::Model {
        id: 0,
        kind,
        fair_id: None,
        series_id: None,
        region_id: None,
        title: String::new(),
        description: String::new(),
        topic: None,
        room: None,
        place: None,
        online_url: None,
        starts_at: now,
        ends_at: now,
        capacity: 0,
        taken: 0,
        waitlist_enabled: true,
        registration_opens_at: None,
        registration_closes_at: None,
        per_school_limit: None,
        no_show_release_minutes: None,
        status: ActivityStatus::Scheduled,
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    let (draft, speakers) = merge_all(&blank, &input, true)?;
    if kind == ActivityKind::Meeting {
        // Meetings belong to no fair.
        if draft.fair_id.is_some() {
            return Err(ManageError::Invalid(vec![FieldError::new(
                "fair_id",
                "unknown_choice",
            )]));
        }
    }
    if !can(who, Action::Create, Subject::Activity(Scope::from(&draft))) {
        return Err(ManageError::Forbidden);
    }
    let txn = state.db.begin_write().await?;
    let errors = check_references(&*txn, &draft, None, now).await?;
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let mut row: activity::ActiveModel = draft.into();
    row.id = sea_orm::ActiveValue::NotSet;
    let created = row.insert(&*txn).await?;
    if let Some(list) = &speakers {
        speakers::replace(&*txn, created.id, list).await?;
    }
    audit::record(
        &*txn,
        Some(who.id),
        "activity.create",
        "activity",
        Some(created.id),
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Edits an activity (see the module docs for what follows from an edit). An edit that changes
/// nothing changes nothing: no revision, no email, no audit entry.
pub async fn update(
    state: &AppState,
    who: &Principal,
    id: i32,
    input: ActivityInput,
) -> Result<activity::Model, ManageError> {
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let before = activity::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let scope = Scope::from(&before);
    if !can(who, Action::Edit, Subject::Activity(scope)) {
        return Err(ManageError::Forbidden);
    }
    let (mut draft, speakers) = merge_all(&before, &input, false)?;
    if before.kind == ActivityKind::Meeting {
        draft.fair_id = before.fair_id;
    }
    if !can(who, Action::Edit, Subject::Activity(Scope::from(&draft))) {
        return Err(ManageError::Forbidden);
    }
    if before.status == ActivityStatus::Cancelled {
        return Err(ManageError::Conflict("cancelled"));
    }
    let mut errors = check_references(&*txn, &draft, Some(&before), now).await?;
    if draft.capacity < before.taken {
        errors.push(capacity_below_taken(before.taken));
    }
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let stored: Vec<SpeakerInput> = speaker::Entity::find()
        .filter(speaker::Column::ActivityId.eq(id))
        .order_by_asc(speaker::Column::Position)
        .all(&*txn)
        .await?
        .iter()
        .map(SpeakerInput::from)
        .collect();
    // Speakers show on pages and in feeds: a new list is a new revision too.
    let new_speakers = speakers.filter(|list| *list != stored);
    if draft == before && new_speakers.is_none() {
        return Ok(before);
    }
    // One statement: the capacity may not drop below the seats taken at this moment, whatever
    // sign-ups run meanwhile, and nobody else edited since we read.
    let changes = activity::ActiveModel {
        fair_id: Set(draft.fair_id),
        region_id: Set(draft.region_id),
        title: Set(draft.title.clone()),
        description: Set(draft.description.clone()),
        topic: Set(draft.topic.clone()),
        room: Set(draft.room.clone()),
        place: Set(draft.place.clone()),
        online_url: Set(draft.online_url.clone()),
        starts_at: Set(draft.starts_at),
        ends_at: Set(draft.ends_at),
        capacity: Set(draft.capacity),
        waitlist_enabled: Set(draft.waitlist_enabled),
        per_school_limit: Set(draft.per_school_limit),
        no_show_release_minutes: Set(draft.no_show_release_minutes),
        updated_at: Set(now),
        ..Default::default()
    };
    let result = activity::Entity::update_many()
        .set(changes)
        .col_expr(
            activity::Column::Revision,
            Expr::col(activity::Column::Revision).add(1),
        )
        .filter(activity::Column::Id.eq(id))
        .filter(activity::Column::Revision.eq(before.revision))
        .filter(activity::Column::Taken.lte(draft.capacity))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        let now_taken = activity::Entity::find_by_id(id)
            .one(&*txn)
            .await?
            .map_or(0, |a| a.taken);
        return Err(if now_taken > draft.capacity {
            ManageError::Invalid(vec![capacity_below_taken(now_taken)])
        } else {
            ManageError::Conflict("changed_meanwhile")
        });
    }
    if let Some(list) = &new_speakers {
        speakers::replace(&*txn, id, list).await?;
        audit::record(
            &*txn,
            Some(who.id),
            "activity.speakers",
            "activity",
            Some(id),
            Some(&speakers::to_lines(&stored)),
            Some(&speakers::to_lines(list)),
        )
        .await?;
    }
    let moved = draft.starts_at != before.starts_at
        || draft.ends_at != before.ends_at
        || draft.room != before.room
        || draft.place != before.place
        || draft.online_url != before.online_url;
    if moved {
        by_organiser::notify_changed(state, &txn, &before).await?;
    }
    let school_loosened = match (before.per_school_limit, draft.per_school_limit) {
        (Some(old), Some(new)) => new > old,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if draft.capacity > before.capacity || school_loosened {
        by_organiser::offer_freed_seats(state, &txn, id).await?;
    }
    let after = activity::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    audit::record(
        &*txn,
        Some(who.id),
        "activity.update",
        "activity",
        Some(id),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(after)
}

fn capacity_below_taken(taken: i32) -> FieldError {
    FieldError::new("capacity", "capacity_below_taken").with_detail(taken.to_string())
}

/// Cancels an activity (see the module docs). Cancelling a cancelled activity changes nothing.
pub async fn cancel(
    state: &AppState,
    who: &Principal,
    id: i32,
    reason: Option<&str>,
) -> Result<activity::Model, ManageError> {
    let reason = cancel_reason(reason)?;
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let before = activity::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let scope = Scope::from(&before);
    if !can(who, Action::Cancel, Subject::Activity(scope)) {
        return Err(ManageError::Forbidden);
    }
    if before.status == ActivityStatus::Cancelled {
        return Ok(before);
    }
    let result = activity::Entity::update_many()
        .col_expr(
            activity::Column::Status,
            Expr::val(ActivityStatus::Cancelled.as_str()),
        )
        .col_expr(
            activity::Column::Revision,
            Expr::col(activity::Column::Revision).add(1),
        )
        .col_expr(activity::Column::UpdatedAt, Expr::val(now))
        .filter(activity::Column::Id.eq(id))
        .filter(activity::Column::Status.eq(ActivityStatus::Scheduled))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(ManageError::Conflict("changed_meanwhile"));
    }
    let cancelled = by_organiser::cancel_all(state, &txn, id, reason.as_deref()).await?;
    let after = activity::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let mut logged = serde_json::to_value(&after).map_err(|e| DbErr::Json(e.to_string()))?;
    if let Some(object) = logged.as_object_mut() {
        object.insert("reason".into(), reason.clone().into());
        object.insert("registrations_cancelled".into(), cancelled.into());
    }
    let before_json = serde_json::to_value(&before).map_err(|e| DbErr::Json(e.to_string()))?;
    audit::record(
        &*txn,
        Some(who.id),
        "activity.cancel",
        "activity",
        Some(id),
        Some(&before_json),
        Some(&logged),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(after)
}
