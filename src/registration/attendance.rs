//! The certificate of attendance: what a person was checked in at (status `attended`), with
//! times in each activity's zone and the time spent in all. Teachers hand it in as proof of
//! their further training. The manage link opens it (page and API), and an email links it on
//! the evening after the activity ([`queue_attendance_mail`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entity::{
    activity, enums::RegistrationStatus, fair, feedback, meeting_series, person, region,
    registration,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde_json::json;

use super::{mail_data, manage::find_person};
use crate::{i18n::Lang, mail::MailKind, programme, startup::AppState};

/// An activity the person attended.
pub struct Attended {
    pub registration: registration::Model,
    pub activity: programme::Activity,
    /// What it was part of: its fair, else its meeting series, else its region.
    pub part_of: String,
    /// The person's rating and comment, when they gave one ([`super::feedback`]).
    pub feedback: Option<feedback::Model>,
}

impl Attended {
    pub fn minutes(&self) -> i64 {
        let a = &self.activity.model;
        (a.ends_at - a.starts_at).num_minutes()
    }
}

pub struct Attendance {
    pub person: person::Model,
    /// In the order they took place.
    pub attended: Vec<Attended>,
}

impl Attendance {
    pub fn total_minutes(&self) -> i64 {
        self.attended.iter().map(Attended::minutes).sum()
    }
}

/// "1 h 30 min", "45 min", "3 h": how long, as the certificate says it in either language.
pub fn duration(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The attendance of the person behind a manage link, or `None` for a link that opens nothing.
pub async fn attendance(state: &AppState, plain: &str) -> Result<Option<Attendance>, DbErr> {
    let Some(person) = find_person(state, plain).await? else {
        return Ok(None);
    };
    let rows = registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Attended))
        .find_also_related(activity::Entity)
        .order_by_asc(activity::Column::StartsAt)
        .all(state.db.conn())
        .await?;
    let mut attended = attended(state.db.conn(), rows).await?;
    let ids = attended.iter().map(|a| a.registration.id);
    for given in super::feedback::given(state.db.conn(), ids).await? {
        if let Some(a) = attended
            .iter_mut()
            .find(|a| a.registration.id == given.registration_id)
        {
            a.feedback = Some(given);
        }
    }
    Ok(Some(Attendance { person, attended }))
}

/// `rows` (registrations with their activities) as attended activities, with speakers, place,
/// zone and what each was part of.
async fn attended(
    conn: &impl ConnectionTrait,
    rows: Vec<(registration::Model, Option<activity::Model>)>,
) -> Result<Vec<Attended>, DbErr> {
    let (registrations, models): (Vec<_>, Vec<_>) =
        rows.into_iter().filter_map(|(r, a)| Some((r, a?))).unzip();
    let names = part_of_names(conn, &models).await?;
    let activities = programme::with_speakers(conn, models).await?;
    Ok(registrations
        .into_iter()
        .zip(activities)
        .map(|(registration, activity)| {
            let a = &activity.model;
            let part_of = [
                a.fair_id.and_then(|id| names.fairs.get(&id)),
                a.series_id.and_then(|id| names.series.get(&id)),
                a.region_id.and_then(|id| names.regions.get(&id)),
            ]
            .into_iter()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_default();
            Attended {
                registration,
                activity,
                part_of,
                feedback: None,
            }
        })
        .collect())
}

#[derive(Default)]
struct PartOfNames {
    fairs: HashMap<i32, String>,
    series: HashMap<i32, String>,
    regions: HashMap<i32, String>,
}

async fn part_of_names(
    conn: &impl ConnectionTrait,
    activities: &[activity::Model],
) -> Result<PartOfNames, DbErr> {
    let ids = |pick: fn(&activity::Model) -> Option<i32>| -> Vec<i32> {
        activities.iter().filter_map(pick).collect()
    };
    let mut names = PartOfNames::default();
    for f in fair::Entity::find()
        .filter(fair::Column::Id.is_in(ids(|a| a.fair_id)))
        .all(conn)
        .await?
    {
        names.fairs.insert(f.id, f.name);
    }
    for s in meeting_series::Entity::find()
        .filter(meeting_series::Column::Id.is_in(ids(|a| a.series_id)))
        .all(conn)
        .await?
    {
        names.series.insert(s.id, s.title);
    }
    for r in region::Entity::find()
        .filter(region::Column::Id.is_in(ids(|a| a.region_id)))
        .all(conn)
        .await?
    {
        names.regions.insert(r.id, r.name);
    }
    Ok(names)
}

/// When the email about an attended activity that ends at `ends_at` goes out: at 18:00 of its
/// local day, when a fair's workshops are over, or at its end if that is later. A day's
/// workshops thus come in one email.
pub fn mail_due_at(ends_at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let evening = NaiveTime::from_hms_opt(18, 0, 0).expect("a valid time");
    let local_evening = ends_at.with_timezone(&zone).date_naive().and_time(evening);
    // 18:00 exists on every day: zones change their clocks at night.
    zone.from_local_datetime(&local_evening)
        .earliest()
        .map_or(ends_at, |at| at.with_timezone(&Utc))
        .max(ends_at)
}

/// Activities that ended longer ago than this are not mailed about: attendance an organiser
/// records weeks later shows on the certificate, without an email out of the blue.
const MAIL_WITHIN: Duration = Duration::days(7);

/// Queues the emails linking the certificate of attendance for up to 200 attended
/// registrations whose [`mail_due_at`] has come, one email per person; returns how many
/// emails. Each registration is claimed by a conditional update, so several instances can run
/// this side by side and each is mailed about once.
pub async fn queue_attendance_mail(state: &AppState, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let ended = registration::Entity::find()
        .filter(registration::Column::Status.eq(RegistrationStatus::Attended))
        .filter(registration::Column::AttendanceMailQueuedAt.is_null())
        .find_also_related(activity::Entity)
        .filter(activity::Column::EndsAt.lte(now))
        .filter(activity::Column::EndsAt.gt(now - MAIL_WITHIN))
        // Oldest first: those ended today but not yet due cannot hold back yesterday's.
        .order_by_asc(activity::Column::EndsAt)
        .limit(200)
        .all(state.db.conn())
        .await?;
    let ended = attended(state.db.conn(), ended).await?;
    let mut by_person: BTreeMap<i32, Vec<Attended>> = BTreeMap::new();
    for a in ended {
        if mail_due_at(a.activity.model.ends_at, a.activity.zone) <= now {
            by_person
                .entry(a.registration.person_id)
                .or_default()
                .push(a);
        }
    }
    let mut queued = 0;
    for (person_id, mut due) in by_person {
        let txn = state.db.begin_write().await?;
        let mut claimed = Vec::new();
        for a in due.drain(..) {
            let claim = registration::Entity::update_many()
                .col_expr(registration::Column::AttendanceMailQueuedAt, Expr::val(now))
                .filter(registration::Column::Id.eq(a.registration.id))
                .filter(registration::Column::Status.eq(RegistrationStatus::Attended))
                .filter(registration::Column::AttendanceMailQueuedAt.is_null())
                .exec(&*txn)
                .await?;
            if claim.rows_affected == 1 {
                claimed.push(a);
            }
        }
        let person = person::Entity::find_by_id(person_id)
            .filter(person::Column::AnonymisedAt.is_null())
            .one(&*txn)
            .await?;
        if let (Some(person), false) = (person, claimed.is_empty()) {
            let lang = Lang::parse(&person.language).unwrap_or_default();
            let activities: Vec<_> = claimed
                .iter()
                .map(|a| mail_data::activity(&a.activity, lang, &state.links))
                .collect();
            let data = json!({
                "activities": activities,
                "certificate_url": state.links.attendance_url(person.id, lang),
            });
            let mail = mail_data::to_person(MailKind::Attended, &person, lang, &state.links, data);
            state.outbox.enqueue(&*txn, mail).await?;
            queued += 1;
        }
        txn.commit().await?;
    }
    if queued > 0 {
        state.mail_wake.notify_one();
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utc(at: &str) -> DateTime<Utc> {
        at.parse().unwrap()
    }

    #[test]
    fn a_days_workshops_are_mailed_about_at_six_in_the_evening_local_time() {
        let prague = chrono_tz::Europe::Prague;
        // 10:00–11:30 in Prague (winter, UTC+1): the email at 18:00 Prague, 17:00 UTC.
        assert_eq!(
            mail_due_at(utc("2027-01-12T10:30:00Z"), prague),
            utc("2027-01-12T17:00:00Z")
        );
        // In summer (UTC+2): 16:00 UTC.
        assert_eq!(
            mail_due_at(utc("2027-05-12T10:30:00Z"), prague),
            utc("2027-05-12T16:00:00Z")
        );
        // An evening meeting ending at 19:30 Prague: at its end.
        assert_eq!(
            mail_due_at(utc("2027-01-12T18:30:00Z"), prague),
            utc("2027-01-12T18:30:00Z")
        );
    }

    #[test]
    fn durations_read_as_hours_and_minutes() {
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(90), "1 h 30 min");
        assert_eq!(duration(180), "3 h");
        assert_eq!(duration(0), "0 min");
    }

    proptest! {
        #[test]
        fn the_mail_is_never_due_before_the_end_nor_a_day_after_it(
            secs in 1_700_000_000i64..1_900_000_000,
            zone in prop::sample::select(vec![
                chrono_tz::Europe::Prague,
                chrono_tz::America::New_York,
                chrono_tz::Asia::Kolkata,
                chrono_tz::Pacific::Auckland,
            ]),
        ) {
            let ends = DateTime::from_timestamp(secs, 0).unwrap();
            let due = mail_due_at(ends, zone);
            prop_assert!(due >= ends);
            // 18 hours after midnight, 19 on the night the clocks go back.
            prop_assert!(due - ends <= Duration::hours(19));
            prop_assert_eq!(
                due.with_timezone(&zone).date_naive(),
                ends.with_timezone(&zone).date_naive()
            );
        }
    }
}
