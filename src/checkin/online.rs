//! Joining an activity held online by one's personal join link (`/join/{token}`,
//! `registration::Links::join_url`), which emails, the manage page, the attached `.ics` and the
//! personal feed carry instead of the activity's own address. The link leads there; followed by
//! the holder of a confirmed seat while the activity is on ([`records_attendance`]), it also
//! checks them in, as a scan at the door would, so their certificate of attendance follows
//! without an organiser ticking names. Followed at another time (to try it the day before, say)
//! it leads there all the same and records nothing.
//!
//! Opening the link only shows a button (web::join): mail scanners open links to look at them,
//! and must not check anyone in.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use entity::{
    activity,
    enums::{ActivityStatus, RegistrationStatus},
    person, registration,
};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};

use super::move_status;
use crate::{programme, startup::AppState};

/// How long before its start joining an activity counts as attending it: people join early to
/// test their sound.
pub const EARLY: TimeDelta = TimeDelta::minutes(30);

/// Whether joining `activity` at `now` records attendance: from [`EARLY`] before its start to
/// its end.
pub fn records_attendance(activity: &activity::Model, now: DateTime<Utc>) -> bool {
    activity.starts_at - EARLY <= now && now <= activity.ends_at
}

/// Where a join link leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Way {
    /// To the activity's own address.
    In(String),
    /// Nowhere: the activity was cancelled.
    Cancelled,
    /// Nowhere: no confirmed seat (never confirmed, cancelled, still waiting, released).
    NoSeat,
    /// Nowhere: the activity is no longer held online.
    NotOnline,
}

impl Way {
    /// Stable code for the page.
    pub fn as_str(&self) -> &'static str {
        match self {
            Way::In(_) => "in",
            Way::Cancelled => "cancelled",
            Way::NoSeat => "no_seat",
            Way::NotOnline => "not_online",
        }
    }
}

/// A join link's person and activity, their seat on it, and where the link leads.
pub struct Joining {
    pub person: person::Model,
    pub activity: activity::Model,
    /// The zone the activity's times are told in (`programme::Zones`).
    pub zone: Tz,
    /// The confirmed or attended registration, if there is one.
    pub seat: Option<registration::Model>,
    pub way: Way,
}

/// Where `plain` (a join token) leads now, changing nothing. `Ok(None)`: not a link we made,
/// its person erased, or its activity deleted.
pub async fn look(state: &AppState, plain: &str) -> Result<Option<Joining>, DbErr> {
    let Some((person_id, activity_id)) = state.links.join_of(plain) else {
        return Ok(None);
    };
    let conn = state.db.conn();
    let person = person::Entity::find_by_id(person_id).one(conn).await?;
    // An erased person's links open nothing, this one included.
    let Some(person) = person.filter(|p| p.anonymised_at.is_none()) else {
        return Ok(None);
    };
    let Some(activity) = activity::Entity::find_by_id(activity_id).one(conn).await? else {
        return Ok(None);
    };
    let zone = programme::zones(conn, [&activity]).await?.of(&activity);
    let seat = registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person_id))
        .filter(registration::Column::ActivityId.eq(activity_id))
        .filter(
            registration::Column::Status
                .is_in([RegistrationStatus::Confirmed, RegistrationStatus::Attended]),
        )
        .one(conn)
        .await?;
    let way = match (&activity.online_url, &seat) {
        _ if activity.status == ActivityStatus::Cancelled => Way::Cancelled,
        (_, None) => Way::NoSeat,
        (Some(url), Some(_)) => Way::In(url.clone()),
        (None, Some(_)) => Way::NotOnline,
    };
    Ok(Some(Joining {
        person,
        activity,
        zone,
        seat,
        way,
    }))
}

/// Follows `plain` at `now`: [`look`], and when it leads in while the activity is on, checks
/// the seat's holder in (once: the same conditional update as the door's); the seat as it is
/// then.
pub async fn join(
    state: &AppState,
    plain: &str,
    now: DateTime<Utc>,
) -> Result<Option<Joining>, DbErr> {
    let Some(mut joining) = look(state, plain).await? else {
        return Ok(None);
    };
    let due = match (&joining.way, &joining.seat) {
        (Way::In(_), Some(seat)) => {
            seat.status == RegistrationStatus::Confirmed
                && records_attendance(&joining.activity, now)
        }
        _ => false,
    };
    if let (true, Some(seat)) = (due, joining.seat.as_mut()) {
        let txn = state.db.begin_write().await?;
        let recorded = move_status(
            &txn,
            seat.id,
            RegistrationStatus::Confirmed,
            RegistrationStatus::Attended,
            Some(now),
            now,
        )
        .await?;
        txn.commit().await?;
        if recorded {
            seat.status = RegistrationStatus::Attended;
            seat.checked_in_at = Some(now);
        }
    }
    Ok(Some(joining))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn meeting(starts_at: DateTime<Utc>, minutes: i64) -> activity::Model {
        activity::Model {
            ends_at: starts_at + TimeDelta::minutes(minutes),
            online_url: Some("https://meet.example.org/room".into()),
            ..crate::checkin::tests::workshop(starts_at)
        }
    }

    #[test]
    fn joining_records_attendance_from_half_an_hour_before_to_the_end() {
        let start = Utc.with_ymd_and_hms(2027, 3, 10, 14, 0, 0).unwrap();
        let a = meeting(start, 90);
        let at = |minutes: i64| start + TimeDelta::minutes(minutes);
        assert!(!records_attendance(&a, at(-31)), "the day's earlier hours");
        assert!(records_attendance(&a, at(-30)));
        assert!(records_attendance(&a, at(0)));
        assert!(records_attendance(&a, at(90)), "the last minute");
        assert!(!records_attendance(&a, at(91)), "after the end");
        assert!(
            !records_attendance(&a, start - TimeDelta::days(1)),
            "the evening before"
        );
    }

    proptest! {
        #[test]
        fn attendance_is_recorded_exactly_while_the_activity_is_on(
            minutes in 1i64..600,
            offset in -2_000i64..2_000,
        ) {
            let start = Utc.with_ymd_and_hms(2027, 3, 10, 14, 0, 0).unwrap();
            let a = meeting(start, minutes);
            let now = start + TimeDelta::minutes(offset);
            prop_assert_eq!(
                records_attendance(&a, now),
                offset >= -30 && offset <= minutes,
            );
        }
    }
}
