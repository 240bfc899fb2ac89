//! The no-show release: `activity.no_show_release_minutes` after an activity starts, its
//! confirmed registrations without a check-in become `no_show` and their seats are given back
//! (`registration::seats::give_back`, which offers them on to the waiting list while that still
//! makes sense; otherwise they are free for walk-ins).
//!
//! One statement moves the rows (`confirmed` → `no_show`, returning them) and each returned row
//! gives back exactly one seat, all in one transaction: two instances running the chore at once
//! on PostgreSQL cannot release a seat twice, because the second update finds no `confirmed`
//! row left. Running it again changes nothing.

use chrono::{DateTime, Duration, Utc};
use entity::{
    activity,
    enums::{ActivityStatus, RegistrationStatus},
    registration,
};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use crate::{registration::seats, startup::AppState};

/// Whether `activity`'s no-show release is due at `now`.
pub fn release_due(activity: &activity::Model, now: DateTime<Utc>) -> bool {
    activity.status == ActivityStatus::Scheduled
        && activity
            .no_show_release_minutes
            .is_some_and(|minutes| activity.starts_at + Duration::minutes(minutes.into()) <= now)
}

/// Releases every due no-show; returns how many registrations became `no_show`.
pub async fn release_no_shows(state: &AppState, now: DateTime<Utc>) -> Result<usize, DbErr> {
    // Cheap read first: most of the time nothing is due and no write transaction is needed.
    let started = activity::Entity::find()
        .filter(activity::Column::NoShowReleaseMinutes.is_not_null())
        .filter(activity::Column::Status.eq(ActivityStatus::Scheduled))
        .filter(activity::Column::StartsAt.lte(now))
        .all(state.db.conn())
        .await?;
    let due: Vec<i32> = started
        .iter()
        .filter(|a| release_due(a, now))
        .map(|a| a.id)
        .collect();
    if due.is_empty() {
        return Ok(0);
    }
    let txn = state.db.begin_write().await?;
    let released = registration::Entity::update_many()
        .col_expr(
            registration::Column::Status,
            Expr::val(RegistrationStatus::NoShow.as_str()),
        )
        .col_expr(registration::Column::UpdatedAt, Expr::val(now))
        .filter(registration::Column::ActivityId.is_in(due))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .exec_with_returning(&*txn)
        .await?;
    for row in &released {
        seats::give_back(&*txn, state, row.activity_id, now).await?;
    }
    txn.commit().await?;
    if !released.is_empty() {
        state.mail_wake.notify_one();
        tracing::info!(count = released.len(), "no-shows released");
    }
    Ok(released.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workshop(minutes: Option<i32>, status: ActivityStatus) -> activity::Model {
        let start: DateTime<Utc> = "2027-01-12T08:30:00Z".parse().unwrap();
        activity::Model {
            no_show_release_minutes: minutes,
            status,
            ..crate::checkin::tests::workshop(start)
        }
    }

    #[test]
    fn the_release_comes_the_set_minutes_after_the_start_and_only_when_set() {
        let at = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        let fifteen = workshop(Some(15), ActivityStatus::Scheduled);
        assert!(!release_due(&fifteen, at("2027-01-12T08:44:59Z")));
        assert!(release_due(&fifteen, at("2027-01-12T08:45:00Z")));
        assert!(release_due(&fifteen, at("2027-01-12T12:00:00Z")));
        assert!(!release_due(
            &workshop(None, ActivityStatus::Scheduled),
            at("2027-01-13T00:00:00Z")
        ));
        assert!(!release_due(
            &workshop(Some(15), ActivityStatus::Cancelled),
            at("2027-01-13T00:00:00Z")
        ));
        let at_start = workshop(Some(0), ActivityStatus::Scheduled);
        assert!(release_due(&at_start, at("2027-01-12T08:30:00Z")));
    }
}
