//! The results of a fair or of a meeting series, for its organisers and for those who fund it:
//! for each workshop or meeting how many held a confirmed seat, how many came (checked in at
//! the door or joined online), how many were left waiting or cancelled, and how it was rated;
//! and in all, how many people took part, from how many schools and districts. Shown at
//! `/admin/fairs/{id}/report` and `/admin/series/{id}/report`, and given by the same paths under
//! `/api`, to whoever may read the attendee lists concerned.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{
    activity,
    enums::{ActivityKind, ActivityStatus, RegistrationStatus},
    person, registration,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};

use super::{Action, ManageError, Principal, attendees};
use crate::{
    export::{self, table::Cell},
    i18n::Lang,
    programme,
    registration::{feedback, school_key},
    startup::AppState,
};

/// Who held a confirmed seat: still confirmed, checked in, or released as a no-show.
const SEATED: [RegistrationStatus; 3] = [
    RegistrationStatus::Confirmed,
    RegistrationStatus::Attended,
    RegistrationStatus::NoShow,
];

/// One workshop's or meeting's line.
#[derive(Debug)]
pub struct Line {
    pub activity: activity::Model,
    /// Held a confirmed seat ([`SEATED`]).
    pub seats: u64,
    pub attended: u64,
    /// Still on the waiting list, or offered a seat and not yet confirmed.
    pub waiting: u64,
    pub cancelled: u64,
    pub ratings: feedback::Summary,
}

impl Line {
    /// The share of seats whose holders came, in whole percent, once the activity has ended
    /// (before, who is still to come is not known); `None` without seats.
    pub fn attendance(&self, now: DateTime<Utc>) -> Option<u64> {
        (now >= self.activity.ends_at && self.seats > 0)
            .then(|| (self.attended * 100 + self.seats / 2) / self.seats)
    }
}

/// The whole report.
#[derive(Debug)]
pub struct Report {
    /// The fair's name or the series' title.
    pub name: String,
    /// ASCII, for a download's file name: the fair's slug, the series' title as a slug with
    /// its id.
    pub slug: String,
    /// The zone the times are told in: the fair's, Prague for meetings.
    pub zone: Tz,
    /// The workshops or meetings by start.
    pub lines: Vec<Line>,
    /// People who held a confirmed seat at any of them, each once.
    pub people: u64,
    /// Of those, the people who came to at least one.
    pub came: u64,
    /// The schools and districts those people gave (other spellings of a school count once).
    pub schools: u64,
    pub districts: u64,
    /// All their ratings together.
    pub ratings: feedback::Summary,
}

impl Report {
    /// The lines as a table for a download ([`export::table`]), headed in `lang`; times in
    /// the report's zone, numbers as numbers.
    pub fn table(&self, lang: Lang, now: DateTime<Utc>) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
        let header = [
            "admin.report.activity",
            "admin.report.starts",
            "admin.report.ends",
            "admin.report.status",
            "admin.report.capacity",
            "admin.report.seats",
            "admin.report.attended",
            "admin.report.attendance_percent",
            "admin.report.waiting",
            "admin.report.cancelled",
            "admin.report.ratings_count",
            "admin.report.rating_mean",
        ]
        .map(|key| lang.text(key));
        let count = |n: u64| Cell::Number(n as f64);
        let rows = self
            .lines
            .iter()
            .map(|line| {
                let a = &line.activity;
                let status = if a.status == ActivityStatus::Cancelled {
                    Cell::Text(lang.text("admin.cancelled").to_owned())
                } else {
                    Cell::Empty
                };
                vec![
                    Cell::Text(a.title.clone()),
                    Cell::Time(a.starts_at.with_timezone(&self.zone)),
                    Cell::Time(a.ends_at.with_timezone(&self.zone)),
                    status,
                    Cell::Number(a.capacity.into()),
                    count(line.seats),
                    count(line.attended),
                    line.attendance(now).map_or(Cell::Empty, count),
                    count(line.waiting),
                    count(line.cancelled),
                    Cell::Number(line.ratings.total().into()),
                    // Two decimals are plenty for a mean of whole ratings.
                    line.ratings.average().map_or(Cell::Empty, |mean| {
                        Cell::Number((mean * 100.0).round() / 100.0)
                    }),
                ]
            })
            .collect();
        (header.to_vec(), rows)
    }

    /// The download's file name: `vysledky-uspech-pro-kazdeho-zaka.xlsx` / `results-….csv`.
    pub fn file_name(&self, format: export::Format, lang: Lang) -> String {
        let stem = match lang {
            Lang::Cs => "vysledky",
            Lang::En => "results",
        };
        export::named(stem, &self.slug, format)
    }
}

/// A seat holder as the totals count them.
struct Holder {
    person: i32,
    status: RegistrationStatus,
    organisation: Option<String>,
    district: Option<i32>,
}

/// The report of fair `fair_id`'s workshops, if `who` may read its attendee list.
pub async fn fair(state: &AppState, who: &Principal, fair_id: i32) -> Result<Report, ManageError> {
    let fair = attendees::subject(state, who, export::Scope::Fair(fair_id), Action::View).await?;
    let conn = state.db.conn();
    let workshops = activity::Entity::find()
        .filter(activity::Column::FairId.eq(fair_id))
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(activity::Column::Id)
        .all(conn)
        .await?;
    let zone = programme::zone_of(conn, ActivityKind::Workshop, Some(fair_id)).await?;
    let names = (fair.title, fair.slug);
    Ok(of(conn, names, zone, workshops).await?)
}

/// The report of series `series_id`'s meetings, if `who` may see the series (and so its
/// meetings' attendee lists).
pub async fn series(
    state: &AppState,
    who: &Principal,
    series_id: i32,
) -> Result<Report, ManageError> {
    let view = super::series::get(state, who, series_id).await?;
    let slug = attendees::slug_with_id(&view.series.title, series_id);
    let names = (view.series.title, slug);
    let zone = crate::timezone::DEFAULT;
    Ok(of(state.db.conn(), names, zone, view.occurrences).await?)
}

/// The report, under `names` (name, slug), of `activities` (by start), told in `zone`.
async fn of(
    conn: &impl ConnectionTrait,
    names: (String, String),
    zone: Tz,
    activities: Vec<activity::Model>,
) -> Result<Report, DbErr> {
    let ids: Vec<i32> = activities.iter().map(|a| a.id).collect();
    let counts: Vec<(i32, RegistrationStatus, i64)> = registration::Entity::find()
        .select_only()
        .column(registration::Column::ActivityId)
        .column(registration::Column::Status)
        .column_as(registration::Column::Id.count(), "n")
        .filter(registration::Column::ActivityId.is_in(ids.clone()))
        .group_by(registration::Column::ActivityId)
        .group_by(registration::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let holders: Vec<(i32, RegistrationStatus, Option<String>, Option<i32>)> =
        registration::Entity::find()
            .select_only()
            .column(registration::Column::PersonId)
            .column(registration::Column::Status)
            .column(person::Column::Organisation)
            .column(person::Column::DistrictId)
            .join(JoinType::InnerJoin, registration::Relation::Person.def())
            .filter(registration::Column::ActivityId.is_in(ids.clone()))
            .filter(registration::Column::Status.is_in(SEATED))
            .into_tuple()
            .all(conn)
            .await?;
    let mut ratings = feedback::ratings(conn, ids).await?;
    let lines = activities
        .into_iter()
        .map(|activity| {
            let count = |statuses: &[RegistrationStatus]| -> u64 {
                counts
                    .iter()
                    .filter(|(id, status, _)| *id == activity.id && statuses.contains(status))
                    .map(|(_, _, n)| u64::try_from(*n).unwrap_or_default())
                    .sum()
            };
            Line {
                seats: count(&SEATED),
                attended: count(&[RegistrationStatus::Attended]),
                waiting: count(&[RegistrationStatus::Waitlisted, RegistrationStatus::Offered]),
                cancelled: count(&[RegistrationStatus::Cancelled]),
                ratings: ratings.remove(&activity.id).unwrap_or_default(),
                activity,
            }
        })
        .collect();
    let holders = holders
        .into_iter()
        .map(|(person, status, organisation, district)| Holder {
            person,
            status,
            organisation,
            district,
        });
    Ok(totalled(names, zone, lines, holders))
}

/// The report with its totals: `holders` are the seat holders of `lines`, one per seat.
fn totalled(
    (name, slug): (String, String),
    zone: Tz,
    lines: Vec<Line>,
    holders: impl IntoIterator<Item = Holder>,
) -> Report {
    let (mut people, mut came, mut schools, mut districts) = (
        HashSet::new(),
        HashSet::new(),
        HashSet::new(),
        HashSet::new(),
    );
    for h in holders {
        people.insert(h.person);
        if h.status == RegistrationStatus::Attended {
            came.insert(h.person);
        }
        schools.extend(school_key(h.organisation.as_deref()));
        districts.extend(h.district);
    }
    let mut ratings = feedback::Summary::default();
    for line in &lines {
        ratings.absorb(&line.ratings);
    }
    Report {
        name,
        slug,
        zone,
        lines,
        people: people.len() as u64,
        came: came.len() as u64,
        schools: schools.len() as u64,
        districts: districts.len() as u64,
        ratings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seats: u64, attended: u64) -> Line {
        let start = "2027-01-12T08:30:00Z".parse().unwrap();
        Line {
            activity: crate::checkin::tests::workshop(start),
            seats,
            attended,
            waiting: 0,
            cancelled: 0,
            ratings: feedback::Summary::default(),
        }
    }

    #[test]
    fn attendance_is_the_share_of_seats_whose_holders_came_once_it_has_ended() {
        let during = "2027-01-12T09:00:00Z".parse().unwrap();
        let after = "2027-01-12T10:00:00Z".parse().unwrap();
        assert_eq!(line(4, 3).attendance(during), None, "who is still to come");
        assert_eq!(line(4, 3).attendance(after), Some(75));
        assert_eq!(line(3, 2).attendance(after), Some(67), "rounded");
        assert_eq!(line(3, 1).attendance(after), Some(33));
        assert_eq!(line(2, 2).attendance(after), Some(100));
        assert_eq!(line(0, 0).attendance(after), None, "no seats");
    }

    #[test]
    fn the_totals_count_each_person_school_and_district_once() {
        let holder = |person, status, organisation: Option<&str>, district| Holder {
            person,
            status,
            organisation: organisation.map(str::to_owned),
            district,
        };
        use RegistrationStatus::*;
        let holders = [
            // Jana at two workshops, coming to one: one person, who came.
            holder(1, Attended, Some("ZŠ Krnov"), Some(7)),
            holder(1, Confirmed, Some("ZŠ Krnov"), Some(7)),
            // Her colleague writes the school otherwise; she did not come.
            holder(2, NoShow, Some(" zš  KRNOV"), Some(7)),
            // Someone from another district gives no school.
            holder(3, Attended, None, Some(8)),
            holder(4, Confirmed, Some("  "), None),
        ];
        let mut rated = line(2, 1);
        rated.ratings.counts = [0, 0, 0, 1, 1];
        let mut also_rated = line(1, 1);
        also_rated.ratings.counts = [0, 0, 1, 0, 0];
        let zone = crate::timezone::DEFAULT;
        let names = ("Veletrh".into(), "veletrh".into());
        let report = totalled(names, zone, vec![rated, also_rated], holders);
        assert_eq!(
            (report.people, report.came, report.schools, report.districts),
            (4, 2, 1, 2)
        );
        assert_eq!(report.ratings.counts, [0, 0, 1, 1, 1]);
        assert_eq!(report.ratings.average(), Some(4.0));
    }
}
