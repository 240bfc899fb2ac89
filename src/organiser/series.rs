//! Meeting series (`meeting_series`): regional meetings at a fixed interval, e.g. the
//! initiators' sharing every five weeks. Each occurrence is an ordinary meeting (`activity` of
//! kind meeting with `series_id`), with its own seats, sign-ups, revision and status, so one
//! occurrence is moved, edited or cancelled alone through `organiser::activities`.
//!
//! - Creating a series generates its occurrences in the same transaction: the first start's
//!   wall-clock time in Europe/Prague on every `interval_days`-th day ([`occurrence_starts`]), so
//!   a 16:00 meeting stays at 16:00 after the clocks change.
//! - Editing the series' title or region carries over to its occurrences that are still to
//!   come and not cancelled (an occurrence renamed on its own keeps its title), raising their
//!   revisions; past ones keep what they were.
//! - More occurrences continue after the last one, copying its time of day, length, place,
//!   join link, seats and districts; a series whose last meeting is past goes on at its cadence
//!   from now (no new meeting in the past).
//! - Cancelling the series cancels every occurrence still to come: their sign-ups are cancelled
//!   and emailed (`cancelled_by_organiser`), and they stay in the feeds as cancelled.
//!
//! A series is a meeting of its region for [`super::can`]: the region's organiser manages it,
//! a series without a region only admins. Each change is one transaction with its audit entry.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use entity::{
    activity, activity_district, district,
    enums::{ActivityKind, ActivityStatus},
    meeting_series, region,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;

use super::{
    Action, ManageError, Principal, Scope, Subject,
    activities::{MAX_CAPACITY, join_link},
    audit, can,
    regions::multiline,
};
use crate::{
    db::WriteTxn,
    domain::{FieldError, field_error::optional_text},
    registration::by_organiser,
    startup::AppState,
    timezone,
};

/// The most occurrences one request makes (a series may grow further in later requests).
pub const MAX_OCCURRENCES: i32 = 100;
/// The longest interval, in days.
pub const MAX_INTERVAL_DAYS: i32 = 366;
/// The longest meeting, in minutes.
pub const MAX_DURATION_MINUTES: i32 = 24 * 60;

/// A new series and its occurrences. Required: `title`, `interval_days`, `first_starts_at`,
/// `duration_minutes`, `capacity`, and `count` or `until` (with both, whichever ends first).
#[derive(Clone, Debug, Default)]
pub struct NewSeries {
    pub title: Option<String>,
    /// A regional organiser's own region is the default.
    pub region_id: Option<i32>,
    pub interval_days: Option<i32>,
    /// Wall-clock time in Europe/Prague of the first occurrence.
    pub first_starts_at: Option<NaiveDateTime>,
    pub duration_minutes: Option<i32>,
    pub count: Option<i32>,
    /// The last day an occurrence may fall on.
    pub until: Option<NaiveDate>,
    pub description: Option<String>,
    pub place: Option<String>,
    /// The link the meetings are joined by, when they are held online.
    pub online_url: Option<String>,
    pub capacity: Option<i32>,
    pub waitlist_enabled: Option<bool>,
    /// Districts the meetings are aimed at (within the region); none: the whole region.
    pub district_ids: Vec<i32>,
    /// Fields the edge could not read.
    pub problems: Vec<FieldError>,
}

/// Changes to a series; a missing field keeps its value. `region_id: Some(None)` takes the
/// series out of any region (admins only).
#[derive(Clone, Debug, Default)]
pub struct SeriesEdit {
    pub title: Option<String>,
    pub region_id: Option<Option<i32>>,
    pub interval_days: Option<i32>,
    pub problems: Vec<FieldError>,
}

/// A series with its occurrences by start time.
#[derive(Clone, Debug, Serialize)]
pub struct SeriesView {
    pub series: meeting_series::Model,
    pub occurrences: Vec<activity::Model>,
}

/// The instant of wall-clock time `local` in `tz`: a time the clocks skip (spring) is taken an
/// hour later, a repeated one (autumn) the first time it occurs.
fn instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        // No zone skips more than an hour; the naive time read as UTC is the last resort.
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// The starts of a series: `first`'s wall-clock time in `tz` on every `interval_days`-th day
/// from `first`'s date, `count` of them and none after `until` (either may be absent, not
/// both), at most [`MAX_OCCURRENCES`].
pub fn occurrence_starts(
    tz: Tz,
    first: NaiveDateTime,
    interval_days: u32,
    count: Option<u32>,
    until: Option<NaiveDate>,
) -> Vec<DateTime<Utc>> {
    let limit = Ord::min(count.unwrap_or(u32::MAX), MAX_OCCURRENCES as u32);
    (0..limit)
        .map(|n| first + Duration::days(i64::from(n) * i64::from(Ord::max(interval_days, 1))))
        .take_while(|local| until.is_none_or(|last| local.date() <= last))
        .map(|local| instant(tz, local))
        .collect()
}

fn allowed(who: &Principal, action: Action, region_id: Option<i32>) -> Result<(), ManageError> {
    let scope = Scope {
        kind: ActivityKind::Meeting,
        fair_id: None,
        region_id,
    };
    if can(who, action, Subject::Activity(scope)) {
        Ok(())
    } else {
        Err(ManageError::Forbidden)
    }
}

fn required_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    match optional_text(field, value, max) {
        Ok(Some(text)) => text,
        Ok(None) => {
            errors.push(FieldError::new(field, "required"));
            String::new()
        }
        Err(e) => {
            errors.push(e);
            String::new()
        }
    }
}

fn in_range(
    field: &'static str,
    value: Option<i32>,
    range: std::ops::RangeInclusive<i32>,
    code: &'static str,
    errors: &mut Vec<FieldError>,
) -> i32 {
    match value {
        None => {
            errors.push(FieldError::new(field, "required"));
            0
        }
        Some(v) if !range.contains(&v) => {
            errors.push(FieldError::new(field, code).with_detail(range.end().to_string()));
            0
        }
        Some(v) => v,
    }
}

/// The series `who` may see, by title.
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<meeting_series::Model>, DbErr> {
    let all = meeting_series::Entity::find()
        .order_by_asc(meeting_series::Column::Title)
        .order_by_asc(meeting_series::Column::Id)
        .all(state.db.conn())
        .await?;
    Ok(all
        .into_iter()
        .filter(|s| allowed(who, Action::View, s.region_id).is_ok())
        .collect())
}

async fn occurrences(
    conn: &impl ConnectionTrait,
    series_id: i32,
) -> Result<Vec<activity::Model>, DbErr> {
    activity::Entity::find()
        .filter(activity::Column::SeriesId.eq(series_id))
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(activity::Column::Id)
        .all(conn)
        .await
}

pub async fn get(state: &AppState, who: &Principal, id: i32) -> Result<SeriesView, ManageError> {
    let conn = state.db.conn();
    let series = meeting_series::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ManageError::NotFound)?;
    allowed(who, Action::View, series.region_id)?;
    Ok(SeriesView {
        occurrences: occurrences(conn, id).await?,
        series,
    })
}

/// What one occurrence is made of, besides its start.
struct Template {
    series_id: i32,
    region_id: Option<i32>,
    title: String,
    description: String,
    place: Option<String>,
    online_url: Option<String>,
    duration: Duration,
    capacity: i32,
    waitlist_enabled: bool,
    district_ids: Vec<i32>,
}

/// Inserts one occurrence per start with its district links.
async fn insert_occurrences(
    txn: &WriteTxn,
    template: &Template,
    starts: &[DateTime<Utc>],
) -> Result<Vec<activity::Model>, DbErr> {
    let now = Utc::now();
    let mut made = Vec::with_capacity(starts.len());
    for &starts_at in starts {
        let row = activity::ActiveModel {
            id: NotSet,
            kind: Set(ActivityKind::Meeting),
            fair_id: Set(None),
            series_id: Set(Some(template.series_id)),
            region_id: Set(template.region_id),
            title: Set(template.title.clone()),
            description: Set(template.description.clone()),
            topic: Set(None),
            room: Set(None),
            place: Set(template.place.clone()),
            online_url: Set(template.online_url.clone()),
            starts_at: Set(starts_at),
            ends_at: Set(starts_at + template.duration),
            capacity: Set(template.capacity),
            taken: Set(0),
            waitlist_enabled: Set(template.waitlist_enabled),
            registration_opens_at: Set(None),
            registration_closes_at: Set(None),
            per_school_limit: Set(None),
            no_show_release_minutes: Set(None),
            status: Set(ActivityStatus::Scheduled),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&**txn)
        .await?;
        for &district_id in &template.district_ids {
            activity_district::ActiveModel {
                activity_id: Set(row.id),
                district_id: Set(district_id),
            }
            .insert(&**txn)
            .await?;
        }
        made.push(row);
    }
    Ok(made)
}

/// Field errors for a region that does not exist and districts that do not exist or lie
/// outside it.
async fn check_places(
    conn: &impl ConnectionTrait,
    region_id: Option<i32>,
    district_ids: &[i32],
) -> Result<Vec<FieldError>, DbErr> {
    let mut errors = Vec::new();
    if let Some(id) = region_id
        && region::Entity::find_by_id(id).one(conn).await?.is_none()
    {
        errors.push(FieldError::new("region_id", "unknown_choice"));
    }
    if district_ids.is_empty() {
        return Ok(errors);
    }
    let found = district::Entity::find()
        .filter(district::Column::Id.is_in(district_ids.iter().copied()))
        .all(conn)
        .await?;
    if found.len() != district_ids.len() {
        errors.push(FieldError::new("district_ids", "unknown_choice"));
    } else if let Some(region) = region_id
        && found.iter().any(|d| d.region_id != region)
    {
        errors.push(FieldError::new("district_ids", "district_not_in_region"));
    }
    Ok(errors)
}

/// Creates a series and its occurrences (see the module docs).
pub async fn create(
    state: &AppState,
    who: &Principal,
    input: NewSeries,
) -> Result<SeriesView, ManageError> {
    let mut errors = input.problems.clone();
    let title = required_text("title", input.title.as_deref(), 200, &mut errors);
    let interval = in_range(
        "interval_days",
        input.interval_days,
        1..=MAX_INTERVAL_DAYS,
        "interval_range",
        &mut errors,
    );
    let duration = in_range(
        "duration_minutes",
        input.duration_minutes,
        1..=MAX_DURATION_MINUTES,
        "duration_range",
        &mut errors,
    );
    let capacity = in_range(
        "capacity",
        input.capacity,
        0..=MAX_CAPACITY,
        "capacity_range",
        &mut errors,
    );
    let description = multiline(
        "description",
        input.description.as_deref().unwrap_or_default(),
        20_000,
    )
    .unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    let place = optional_text("place", input.place.as_deref(), 200).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let online_url =
        join_link(input.online_url.as_deref().unwrap_or_default()).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
    match input.first_starts_at {
        None if !errors.iter().any(|e| e.field == "first_starts_at") => {
            errors.push(FieldError::new("first_starts_at", "required"))
        }
        // Far enough to plan, near enough that no date arithmetic or column overflows.
        Some(first) if !(2000..=2200).contains(&first.year()) => {
            errors.push(FieldError::new("first_starts_at", "invalid_time"))
        }
        Some(first)
            if timezone::DEFAULT
                .from_local_datetime(&first)
                .earliest()
                .is_some_and(|at| at < Utc::now()) =>
        {
            errors.push(FieldError::new("first_starts_at", "in_the_past"))
        }
        _ => {}
    }
    let count = match input.count {
        Some(n) if !(1..=MAX_OCCURRENCES).contains(&n) => {
            errors.push(
                FieldError::new("count", "count_range").with_detail(MAX_OCCURRENCES.to_string()),
            );
            None
        }
        other => other.map(|n| n as u32),
    };
    if input.count.is_none() && input.until.is_none() && !errors.iter().any(|e| e.field == "count")
    {
        errors.push(FieldError::new("count", "count_or_until"));
    }
    if let (Some(first), Some(until)) = (input.first_starts_at, input.until)
        && until < first.date()
    {
        errors.push(FieldError::new("until", "until_before_start"));
    }
    if let (Some(first), None, Some(until)) = (input.first_starts_at, count, input.until)
        && interval > 0
        && (until - first.date()).num_days() / i64::from(interval) >= i64::from(MAX_OCCURRENCES)
    {
        errors.push(
            FieldError::new("until", "too_many_occurrences")
                .with_detail(MAX_OCCURRENCES.to_string()),
        );
    }
    let mut district_ids: Vec<i32> = input.district_ids.clone();
    district_ids.sort_unstable();
    district_ids.dedup();
    let region_id = input.region_id.or(who.region_id);
    let Some(first) = input.first_starts_at.filter(|_| errors.is_empty()) else {
        return Err(ManageError::Invalid(errors));
    };
    allowed(who, Action::Create, region_id)?;
    let starts = occurrence_starts(
        timezone::DEFAULT,
        first,
        interval as u32,
        count,
        input.until,
    );
    let txn = state.db.begin_write().await?;
    let errors = check_places(&*txn, region_id, &district_ids).await?;
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let series = meeting_series::ActiveModel {
        id: NotSet,
        title: Set(title.clone()),
        region_id: Set(region_id),
        interval_days: Set(interval),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    let template = Template {
        series_id: series.id,
        region_id,
        title,
        description,
        place,
        online_url,
        duration: Duration::minutes(duration.into()),
        capacity,
        waitlist_enabled: input.waitlist_enabled.unwrap_or(true),
        district_ids,
    };
    let occurrences = insert_occurrences(&txn, &template, &starts).await?;
    let view = SeriesView {
        series,
        occurrences,
    };
    audit::record(
        &*txn,
        Some(who.id),
        "series.create",
        "meeting_series",
        Some(view.series.id),
        None,
        Some(&view),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// Occurrences an edit of the series carries over to: scheduled and not yet over.
fn to_come(occurrences: &[activity::Model], now: DateTime<Utc>) -> Vec<&activity::Model> {
    occurrences
        .iter()
        .filter(|a| a.status == ActivityStatus::Scheduled && a.ends_at > now)
        .collect()
}

/// Changes a series' title, region or interval (see the module docs). Changing nothing changes
/// nothing.
pub async fn update(
    state: &AppState,
    who: &Principal,
    id: i32,
    edit: SeriesEdit,
) -> Result<SeriesView, ManageError> {
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let before = meeting_series::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    allowed(who, Action::Edit, before.region_id)?;
    let mut errors = edit.problems.clone();
    let title = match &edit.title {
        Some(t) => required_text("title", Some(t), 200, &mut errors),
        None => before.title.clone(),
    };
    let interval = match edit.interval_days {
        Some(_) => in_range(
            "interval_days",
            edit.interval_days,
            1..=MAX_INTERVAL_DAYS,
            "interval_range",
            &mut errors,
        ),
        None => before.interval_days,
    };
    let region_id = edit.region_id.unwrap_or(before.region_id);
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    allowed(who, Action::Edit, region_id)?;
    let all = occurrences(&*txn, id).await?;
    let coming = to_come(&all, now);
    let mut errors = check_places(&*txn, region_id, &[]).await?;
    if let Some(region) = region_id
        && region_id != before.region_id
        && errors.is_empty()
    {
        let ids: Vec<i32> = coming.iter().map(|a| a.id).collect();
        let elsewhere = activity_district::Entity::find()
            .find_also_related(district::Entity)
            .filter(activity_district::Column::ActivityId.is_in(ids))
            .all(&*txn)
            .await?
            .into_iter()
            .any(|(_, d)| d.is_some_and(|d| d.region_id != region));
        if elsewhere {
            errors.push(FieldError::new("region_id", "series_districts_elsewhere"));
        }
    }
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    if title == before.title && region_id == before.region_id && interval == before.interval_days {
        return Ok(SeriesView {
            series: before,
            occurrences: all,
        });
    }
    let series = meeting_series::ActiveModel {
        id: Set(id),
        title: Set(title.clone()),
        region_id: Set(region_id),
        interval_days: Set(interval),
        ..Default::default()
    }
    .update(&*txn)
    .await?;
    for occurrence in coming {
        let new_title = if occurrence.title == before.title {
            title.clone()
        } else {
            occurrence.title.clone()
        };
        if new_title == occurrence.title && region_id == occurrence.region_id {
            continue;
        }
        activity::Entity::update_many()
            .col_expr(activity::Column::Title, Expr::val(new_title))
            .col_expr(activity::Column::RegionId, Expr::val(region_id))
            .col_expr(
                activity::Column::Revision,
                Expr::col(activity::Column::Revision).add(1),
            )
            .col_expr(activity::Column::UpdatedAt, Expr::val(now))
            .filter(activity::Column::Id.eq(occurrence.id))
            .exec(&*txn)
            .await?;
    }
    audit::record(
        &*txn,
        Some(who.id),
        "series.update",
        "meeting_series",
        Some(id),
        Some(&before),
        Some(&series),
    )
    .await?;
    let occurrences = occurrences(&*txn, id).await?;
    txn.commit().await?;
    Ok(SeriesView {
        series,
        occurrences,
    })
}

/// Adds `count` occurrences after the last one (see the module docs); returns the new ones.
/// `Conflict("no_occurrences")` for a series with none to continue from.
pub async fn add_occurrences(
    state: &AppState,
    who: &Principal,
    id: i32,
    count: Option<i32>,
) -> Result<Vec<activity::Model>, ManageError> {
    let mut errors = Vec::new();
    let count = in_range(
        "count",
        count,
        1..=MAX_OCCURRENCES,
        "count_range",
        &mut errors,
    );
    let txn = state.db.begin_write().await?;
    let series = meeting_series::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    allowed(who, Action::Create, series.region_id)?;
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let Some(last) = occurrences(&*txn, id).await?.pop() else {
        return Err(ManageError::Conflict("no_occurrences"));
    };
    let district_ids: BTreeSet<i32> = activity_district::Entity::find()
        .filter(activity_district::Column::ActivityId.eq(last.id))
        .all(&*txn)
        .await?
        .into_iter()
        .map(|l| l.district_id)
        .collect();
    let tz = timezone::DEFAULT;
    let interval = Ord::max(series.interval_days, 1);
    let step = Duration::days(interval.into());
    let mut next = last.starts_at.with_timezone(&tz).naive_local() + step;
    // A series that lapsed goes on at its cadence from now, not with meetings in the past.
    let now = Utc::now().with_timezone(&tz).naive_local();
    while next < now {
        next += step;
    }
    let starts = occurrence_starts(tz, next, interval as u32, Some(count as u32), None);
    let template = Template {
        series_id: id,
        region_id: series.region_id,
        title: series.title.clone(),
        description: last.description.clone(),
        place: last.place.clone(),
        online_url: last.online_url.clone(),
        duration: last.ends_at - last.starts_at,
        capacity: last.capacity,
        waitlist_enabled: last.waitlist_enabled,
        district_ids: district_ids.into_iter().collect(),
    };
    let made = insert_occurrences(&txn, &template, &starts).await?;
    audit::record(
        &*txn,
        Some(who.id),
        "series.add_occurrences",
        "meeting_series",
        Some(id),
        None,
        Some(&made),
    )
    .await?;
    txn.commit().await?;
    Ok(made)
}

/// Cancels every occurrence still to come, with its sign-ups and their emails; returns them.
/// Past and already cancelled occurrences stay as they are, so repeating it changes nothing.
pub async fn cancel(
    state: &AppState,
    who: &Principal,
    id: i32,
    reason: Option<&str>,
) -> Result<Vec<activity::Model>, ManageError> {
    let reason = super::cancel_reason(reason)?;
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let series = meeting_series::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    allowed(who, Action::Cancel, series.region_id)?;
    let coming: Vec<activity::Model> = occurrences(&*txn, id)
        .await?
        .into_iter()
        .filter(|a| a.status == ActivityStatus::Scheduled && a.starts_at > now)
        .collect();
    let mut cancelled = Vec::with_capacity(coming.len());
    let mut registrations = 0;
    for occurrence in coming {
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
            .filter(activity::Column::Id.eq(occurrence.id))
            .filter(activity::Column::Status.eq(ActivityStatus::Scheduled))
            .exec(&*txn)
            .await?;
        registrations +=
            by_organiser::cancel_all(state, &txn, occurrence.id, reason.as_deref()).await?;
        cancelled.push(occurrence.id);
    }
    let after = activity::Entity::find()
        .filter(activity::Column::Id.is_in(cancelled.iter().copied()))
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(activity::Column::Id)
        .all(&*txn)
        .await?;
    let logged = serde_json::json!({
        "series": series,
        "cancelled_occurrences": cancelled,
        "registrations_cancelled": registrations,
        "reason": reason,
    });
    audit::record(
        &*txn,
        Some(who.id),
        "series.cancel",
        "meeting_series",
        Some(id),
        None,
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
    use chrono::{NaiveTime, Timelike};
    use chrono_tz::Europe::Prague;
    use proptest::prelude::*;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn a_meeting_at_four_stays_at_four_when_the_clocks_change() {
        // Weekly from 2026-10-14 across the change on 25 October, then across 28 March 2027.
        let starts = occurrence_starts(Prague, local(2026, 10, 14, 16, 0), 7, Some(26), None);
        assert_eq!(starts.len(), 26);
        for start in &starts {
            assert_eq!(start.with_timezone(&Prague).hour(), 16, "{start}");
        }
        // Summer time (UTC+2), then winter time (UTC+1), then summer again.
        assert_eq!(starts[0].hour(), 14);
        assert_eq!(starts[2].hour(), 15);
        assert_eq!(starts[25].hour(), 14);
    }

    #[test]
    fn until_is_the_last_possible_day_and_count_the_most() {
        let first = local(2027, 1, 6, 14, 0);
        let until = NaiveDate::from_ymd_opt(2027, 3, 10);
        let by_date = occurrence_starts(Prague, first, 35, None, until);
        assert_eq!(by_date.len(), 2, "6 Jan, 10 Feb; 17 Mar is after");
        let both = occurrence_starts(Prague, first, 7, Some(3), until);
        assert_eq!(both.len(), 3);
        let on_the_day = occurrence_starts(
            Prague,
            first,
            35,
            None,
            NaiveDate::from_ymd_opt(2027, 2, 10),
        );
        assert_eq!(on_the_day.len(), 2);
    }

    #[test]
    fn a_time_the_clocks_skip_is_taken_an_hour_later_and_a_repeated_one_first() {
        let skipped = occurrence_starts(Prague, local(2027, 3, 28, 2, 30), 1, Some(1), None);
        assert_eq!(
            skipped[0].with_timezone(&Prague).time(),
            NaiveTime::from_hms_opt(3, 30, 0).unwrap()
        );
        let repeated = occurrence_starts(Prague, local(2026, 10, 25, 2, 30), 1, Some(1), None);
        // The first 2:30 is still summer time: 0:30 UTC.
        assert_eq!(repeated[0].hour(), 0);
    }

    proptest! {
        #[test]
        fn every_occurrence_keeps_the_wall_clock_time_and_the_interval_in_days(
            day in 0i64..730,
            hour in 6u32..22,
            minute in 0u32..60,
            interval in 1u32..60,
            count in 1u32..40,
        ) {
            let first = local(2026, 1, 1, hour, minute) + Duration::days(day);
            let starts = occurrence_starts(Prague, first, interval, Some(count), None);
            prop_assert_eq!(starts.len(), count as usize);
            for (n, start) in starts.iter().enumerate() {
                let wall = start.with_timezone(&Prague).naive_local();
                prop_assert_eq!(wall.time(), first.time());
                prop_assert_eq!((wall.date() - first.date()).num_days(), n as i64 * i64::from(interval));
            }
            prop_assert!(starts.windows(2).all(|w| w[0] < w[1]));
        }

        #[test]
        fn never_more_than_the_limit_nor_past_until(interval in 1u32..10, days in 0i64..2000) {
            let first = local(2026, 5, 1, 16, 0);
            let until = first.date() + Duration::days(days);
            let starts = occurrence_starts(Prague, first, interval, None, Some(until));
            prop_assert!(starts.len() <= MAX_OCCURRENCES as usize);
            for start in starts {
                prop_assert!(start.with_timezone(&Prague).date_naive() <= until);
            }
        }
    }
}
