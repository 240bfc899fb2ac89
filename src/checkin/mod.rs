//! Check-in at the door: every confirmed registration has a QR code of its check-in link
//! (`/checkin/{token}`, see `registration::Links::checkin_url`); an organiser scans it or searches
//! the activity's list and marks the person attended. One implementation for the admin pages
//! (`web::admin::checkin`) and the JSON API (`api::checkin`).
//!
//! What a check-in answers ([`decide`]): checked in now; already checked in (a duplicate scan,
//! with the time); the wrong activity (the code belongs to another workshop than the door's);
//! not admitted (pending, waitlisted, offered, cancelled, expired or a released no-show); too
//! early (the door opens on the activity's day, [`door_opens`], so a tap weeks before cannot
//! mark anyone attended).
//! Checking in sets status `attended` and `checked_in_at` (the seat stays taken); undo puts the
//! registration back to `confirmed`. Both are audited. [`no_show`] releases the seats of people
//! who did not come. An activity held online has no code to scan: its participants' personal
//! join links check them in ([`online`]), and the buttons of its list record anyone else.

pub mod no_show;
pub mod online;
pub mod qr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{activity, enums::RegistrationStatus, person, registration};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use crate::{
    domain::text::fold,
    organiser::{Action, ManageError, Principal, Scope, Subject, audit, can},
    programme,
    startup::AppState,
};

/// Whom a check-in is for: a scanned link's token, or a registration picked from the list.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    Token(&'a str),
    Registration(i32),
}

/// What the door may do with a registration, before anything changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Confirmed and not yet in: check them in.
    Admit,
    /// Checked in before, at this time.
    AlreadyIn(DateTime<Utc>),
    /// The registration is for another activity than the door's.
    WrongActivity,
    /// No seat to check in to (the status says why).
    NotAdmitted(RegistrationStatus),
    /// Confirmed, but the door opens only on the activity's day.
    TooEarly,
}

/// When the door of `activity` opens: the start of its day in its zone (`zone`: its fair's).
pub fn door_opens(activity: &activity::Model, zone: Tz) -> DateTime<Utc> {
    let day = activity.starts_at.with_timezone(&zone).date_naive();
    crate::timezone::start_of_day(day, zone).unwrap_or(activity.starts_at)
}

/// The rule: the door's activity first (a code for another workshop is never admitted here,
/// whatever its status), then the status, then the day (`opens`: [`door_opens`] of the
/// registration's activity).
pub fn decide(
    registration: &registration::Model,
    door: Option<i32>,
    opens: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Decision {
    if door.is_some_and(|door| door != registration.activity_id) {
        return Decision::WrongActivity;
    }
    match registration.status {
        RegistrationStatus::Confirmed if now < opens => Decision::TooEarly,
        RegistrationStatus::Confirmed => Decision::Admit,
        RegistrationStatus::Attended => Decision::AlreadyIn(
            registration
                .checked_in_at
                .unwrap_or(registration.updated_at),
        ),
        other => Decision::NotAdmitted(other),
    }
}

/// What a check-in did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Checked in by this request.
    CheckedIn,
    /// Was checked in before (`registration.checked_in_at`); nothing changed.
    AlreadyCheckedIn,
    /// The code belongs to `attendee.activity`, not to the door's activity; nothing changed.
    WrongActivity,
    /// Not admitted (`registration.status` says why); nothing changed.
    NotAdmitted,
    /// Not yet: the door opens on the activity's day; nothing changed.
    TooEarly,
}

impl Outcome {
    /// Stable code for the API and the pages' texts.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::CheckedIn => "checked_in",
            Outcome::AlreadyCheckedIn => "already_checked_in",
            Outcome::WrongActivity => "wrong_activity",
            Outcome::NotAdmitted => "not_admitted",
            Outcome::TooEarly => "too_early",
        }
    }

    pub fn parse(code: &str) -> Option<Outcome> {
        [
            Outcome::CheckedIn,
            Outcome::AlreadyCheckedIn,
            Outcome::WrongActivity,
            Outcome::NotAdmitted,
            Outcome::TooEarly,
        ]
        .into_iter()
        .find(|o| o.as_str() == code)
    }
}

impl From<Decision> for Outcome {
    /// What a decision comes to when nothing is changed (`Admit` is a check-in to do).
    fn from(decision: Decision) -> Outcome {
        match decision {
            Decision::Admit => Outcome::CheckedIn,
            Decision::AlreadyIn(_) => Outcome::AlreadyCheckedIn,
            Decision::WrongActivity => Outcome::WrongActivity,
            Decision::NotAdmitted(_) => Outcome::NotAdmitted,
            Decision::TooEarly => Outcome::TooEarly,
        }
    }
}

/// A registration with its person and activity, as the door sees it.
#[derive(Clone, Debug)]
pub struct Attendee {
    pub registration: registration::Model,
    pub person: person::Model,
    pub activity: activity::Model,
    /// The zone the activity's times are told in (`programme::Zones`).
    pub zone: Tz,
}

impl Attendee {
    /// [`decide`] for this registration at `door`, at `now`.
    pub fn decide(&self, door: Option<i32>, now: DateTime<Utc>) -> Decision {
        let opens = door_opens(&self.activity, self.zone);
        decide(&self.registration, door, opens, now)
    }
}

/// The registration behind `target`, with its person and activity; `NotFound` for a token we
/// did not make, a registration that does not exist or an anonymised person.
async fn load(
    state: &AppState,
    conn: &impl ConnectionTrait,
    target: Target<'_>,
) -> Result<Attendee, ManageError> {
    let id = match target {
        Target::Token(plain) => state
            .links
            .checkin_registration(plain)
            .ok_or(ManageError::NotFound)?,
        Target::Registration(id) => id,
    };
    let (registration, person) = registration::Entity::find_by_id(id)
        .find_also_related(person::Entity)
        .one(conn)
        .await?
        .ok_or(ManageError::NotFound)?;
    // An erased person's links open nothing, this one included.
    let person = person
        .filter(|p| p.anonymised_at.is_none())
        .ok_or(ManageError::NotFound)?;
    let activity = activity::Entity::find_by_id(registration.activity_id)
        .one(conn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let zone = programme::zones(conn, [&activity]).await?.of(&activity);
    Ok(Attendee {
        registration,
        person,
        activity,
        zone,
    })
}

/// The door's activity (`door`, or without one the registration's own), if `who` may do
/// `action` there.
async fn authorise(
    conn: &impl ConnectionTrait,
    who: &Principal,
    action: Action,
    attendee: &Attendee,
    door: Option<i32>,
) -> Result<activity::Model, ManageError> {
    let door = match door {
        Some(id) if id != attendee.activity.id => activity::Entity::find_by_id(id)
            .one(conn)
            .await?
            .ok_or(ManageError::NotFound)?,
        _ => attendee.activity.clone(),
    };
    if can(who, action, Subject::Activity(Scope::from(&door))) {
        Ok(door)
    } else {
        Err(ManageError::Forbidden)
    }
}

/// What a scanned code shows at a door: the person, what checking them in would do, and the
/// door's activity.
pub struct Preview {
    pub attendee: Attendee,
    pub decision: Decision,
    pub door: activity::Model,
}

/// What checking `target` in at `door` would do, without doing it (the page a scanned link
/// opens). Needs the right to see the door's attendees.
pub async fn preview(
    state: &AppState,
    who: &Principal,
    target: Target<'_>,
    door: Option<i32>,
) -> Result<Preview, ManageError> {
    let conn = state.db.conn();
    let attendee = load(state, conn, target).await?;
    let door_activity = authorise(conn, who, Action::Export, &attendee, door).await?;
    Ok(Preview {
        decision: attendee.decide(door, Utc::now()),
        attendee,
        door: door_activity,
    })
}

/// Checks `target` in at `door` (`None`: at its own activity). Safe to repeat: a second scan
/// answers `AlreadyCheckedIn` and changes nothing.
pub async fn check_in(
    state: &AppState,
    who: &Principal,
    target: Target<'_>,
    door: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(Outcome, Attendee), ManageError> {
    let txn = state.db.begin_write().await?;
    let mut attendee = load(state, &*txn, target).await?;
    authorise(&*txn, who, Action::CheckIn, &attendee, door).await?;
    let decision = attendee.decide(door, now);
    if decision != Decision::Admit {
        return Ok((decision.into(), attendee));
    }
    let before = attendee.registration.clone();
    let changed = move_status(
        &txn,
        before.id,
        RegistrationStatus::Confirmed,
        RegistrationStatus::Attended,
        Some(now),
        now,
    )
    .await?;
    attendee = load(state, &*txn, Target::Registration(before.id)).await?;
    if !changed {
        // Another scan (or the no-show release) got there first: say what it left.
        let outcome = attendee.decide(door, now).into();
        return Ok((outcome, attendee));
    }
    audit::record(
        &*txn,
        Some(who.id),
        "registration.check_in",
        "registration",
        Some(before.id),
        Some(&before),
        Some(&attendee.registration),
    )
    .await?;
    txn.commit().await?;
    Ok((Outcome::CheckedIn, attendee))
}

/// Takes a check-in back (a wrong tap): `attended` becomes `confirmed` again. `Conflict`
/// (`not_checked_in`) when the registration is not checked in.
pub async fn undo(
    state: &AppState,
    who: &Principal,
    registration_id: i32,
    now: DateTime<Utc>,
) -> Result<Attendee, ManageError> {
    let txn = state.db.begin_write().await?;
    let before = load(state, &*txn, Target::Registration(registration_id)).await?;
    authorise(&*txn, who, Action::CheckIn, &before, None).await?;
    let changed = move_status(
        &txn,
        registration_id,
        RegistrationStatus::Attended,
        RegistrationStatus::Confirmed,
        None,
        now,
    )
    .await?;
    if !changed {
        return Err(ManageError::Conflict("not_checked_in"));
    }
    let after = load(state, &*txn, Target::Registration(registration_id)).await?;
    audit::record(
        &*txn,
        Some(who.id),
        "registration.undo_check_in",
        "registration",
        Some(registration_id),
        Some(&before.registration),
        Some(&after.registration),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// One conditional update, so two doors scanning the same code at once check it in once.
async fn move_status(
    txn: &crate::db::WriteTxn,
    id: i32,
    from: RegistrationStatus,
    to: RegistrationStatus,
    checked_in_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = registration::Entity::update_many()
        .col_expr(registration::Column::Status, Expr::val(to.as_str()))
        .col_expr(registration::Column::CheckedInAt, Expr::val(checked_in_at))
        .col_expr(registration::Column::UpdatedAt, Expr::val(now))
        .filter(registration::Column::Id.eq(id))
        .filter(registration::Column::Status.eq(from))
        .exec(&**txn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Who is expected at the door: confirmed, checked in, or released as no-show.
pub const AT_THE_DOOR: [RegistrationStatus; 3] = [
    RegistrationStatus::Confirmed,
    RegistrationStatus::Attended,
    RegistrationStatus::NoShow,
];

/// Who signs the sheet: the confirmed (and those already checked in).
pub const ON_THE_SHEET: [RegistrationStatus; 2] =
    [RegistrationStatus::Confirmed, RegistrationStatus::Attended];

/// The activity (with its zone) and its registrations in `statuses` whose name, email or
/// organisation contains `query` (case and Czech diacritics ignored), alphabetically by name.
/// Needs the right to see the activity's attendees.
pub async fn roster(
    state: &AppState,
    who: &Principal,
    activity_id: i32,
    statuses: &[RegistrationStatus],
    query: &str,
) -> Result<(activity::Model, Tz, Vec<Attendee>), ManageError> {
    let conn = state.db.conn();
    let activity = activity::Entity::find_by_id(activity_id)
        .one(conn)
        .await?
        .ok_or(ManageError::NotFound)?;
    if !can(
        who,
        Action::Export,
        Subject::Activity(Scope::from(&activity)),
    ) {
        return Err(ManageError::Forbidden);
    }
    let rows = registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(activity_id))
        .filter(registration::Column::Status.is_in(statuses.iter().copied()))
        .find_also_related(person::Entity)
        .all(conn)
        .await?;
    let zone = programme::zones(conn, [&activity]).await?.of(&activity);
    let query = fold(query.trim());
    let mut found: Vec<Attendee> = rows
        .into_iter()
        .filter_map(|(registration, person)| {
            let person = person?;
            Some(Attendee {
                registration,
                person,
                activity: activity.clone(),
                zone,
            })
        })
        .filter(|a| query.is_empty() || matches(&a.person, &query))
        .collect();
    // Alphabetical as a person reads it; the id keeps equal names in a stable order.
    found.sort_by_cached_key(|a| (fold(&a.person.name), a.registration.id));
    Ok((activity, zone, found))
}

fn matches(person: &person::Model, folded_query: &str) -> bool {
    [
        Some(person.name.as_str()),
        Some(person.email.as_str()),
        person.organisation.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(|field| fold(field).contains(folded_query))
}

/// The check-in token in what a scanner typed or a camera read: a whole check-in link or the
/// bare token. `None` for anything else (a name typed into the search box).
pub fn token_from_scan(text: &str) -> Option<&str> {
    let text = text.trim();
    let token = match text.rsplit_once("/checkin/") {
        Some((_, rest)) => rest.split(['?', '#', '/']).next().unwrap_or_default(),
        None => text,
    };
    let (id, mac) = token.split_once('.')?;
    let looks_right = !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && crate::domain::token::is_well_formed(mac);
    looks_right.then_some(token)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn registration(status: RegistrationStatus, activity_id: i32) -> registration::Model {
        let at: DateTime<Utc> = "2027-01-12T08:00:00Z".parse().unwrap();
        registration::Model {
            id: 1,
            person_id: 1,
            activity_id,
            status,
            confirm_token_hash: None,
            hold_expires_at: None,
            consent_version: "1".into(),
            created_at: at,
            updated_at: at,
            confirmed_at: Some(at),
            cancelled_at: None,
            checked_in_at: None,
            reminder_queued_at: None,
            attendance_mail_queued_at: None,
        }
    }

    #[test]
    fn the_door_admits_confirmed_people_of_its_own_activity_only() {
        use RegistrationStatus::*;
        let checked_in: DateTime<Utc> = "2027-01-12T08:25:00Z".parse().unwrap();
        let mut attended = registration(Attended, 3);
        attended.checked_in_at = Some(checked_in);
        let cases = [
            (registration(Confirmed, 3), Some(3), Decision::Admit),
            (registration(Confirmed, 3), None, Decision::Admit),
            (attended.clone(), Some(3), Decision::AlreadyIn(checked_in)),
            (attended, None, Decision::AlreadyIn(checked_in)),
            (registration(Confirmed, 4), Some(3), Decision::WrongActivity),
            (registration(Cancelled, 4), Some(3), Decision::WrongActivity),
            (
                registration(Cancelled, 3),
                Some(3),
                Decision::NotAdmitted(Cancelled),
            ),
            (
                registration(Expired, 3),
                None,
                Decision::NotAdmitted(Expired),
            ),
            (
                registration(Waitlisted, 3),
                Some(3),
                Decision::NotAdmitted(Waitlisted),
            ),
            (
                registration(Pending, 3),
                Some(3),
                Decision::NotAdmitted(Pending),
            ),
            (
                registration(Offered, 3),
                Some(3),
                Decision::NotAdmitted(Offered),
            ),
            (
                registration(NoShow, 3),
                Some(3),
                Decision::NotAdmitted(NoShow),
            ),
        ];
        let (opens, now): (DateTime<Utc>, DateTime<Utc>) = (
            "2027-01-11T23:00:00Z".parse().unwrap(),
            "2027-01-12T07:30:00Z".parse().unwrap(),
        );
        for (row, door, expected) in cases {
            let decided = decide(&row, door, opens, now);
            assert_eq!(decided, expected, "{:?} at {door:?}", row.status);
        }
        // The day before, a confirmed person is not checked in yet; the rest is as on the day.
        let before = opens - chrono::Duration::minutes(1);
        let confirmed = registration(Confirmed, 3);
        assert_eq!(
            decide(&confirmed, Some(3), opens, before),
            Decision::TooEarly
        );
        assert_eq!(
            decide(&registration(Confirmed, 4), Some(3), opens, before),
            Decision::WrongActivity
        );
        assert_eq!(
            decide(&registration(Pending, 3), Some(3), opens, before),
            Decision::NotAdmitted(Pending)
        );
    }

    /// A full workshop of 90 minutes from `start`, as the door's rules see one.
    pub(crate) fn workshop(start: DateTime<Utc>) -> activity::Model {
        activity::Model {
            id: 1,
            kind: entity::enums::ActivityKind::Workshop,
            fair_id: Some(1),
            series_id: None,
            region_id: None,
            title: "Wellbeing".into(),
            description: String::new(),
            topic: None,
            room: None,
            place: None,
            online_url: None,
            starts_at: start,
            ends_at: start + chrono::Duration::minutes(90),
            capacity: 20,
            taken: 20,
            waitlist_enabled: true,
            registration_opens_at: None,
            registration_closes_at: None,
            per_school_limit: None,
            no_show_release_minutes: None,
            status: entity::enums::ActivityStatus::Scheduled,
            revision: 1,
            created_at: start,
            updated_at: start,
        }
    }

    #[test]
    fn the_door_opens_at_midnight_of_the_activitys_day_in_its_zone() {
        let mut activity = workshop("2027-01-12T08:30:00Z".parse().unwrap());
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // Winter: Prague is UTC+1.
        let prague = crate::timezone::DEFAULT;
        assert_eq!(door_opens(&activity, prague), utc("2027-01-11T23:00:00Z"));
        // Summer (UTC+2), and a start just after midnight local time is still that day.
        activity.starts_at = utc("2027-06-30T22:30:00Z");
        assert_eq!(door_opens(&activity, prague), utc("2027-06-30T22:00:00Z"));
        // In London the same start is 23:30 on 30 June: the door opens at midnight before it.
        let london = chrono_tz::Europe::London;
        assert_eq!(door_opens(&activity, london), utc("2027-06-29T23:00:00Z"));
    }

    #[test]
    fn outcomes_have_stable_codes() {
        for outcome in [
            Outcome::CheckedIn,
            Outcome::AlreadyCheckedIn,
            Outcome::WrongActivity,
            Outcome::NotAdmitted,
            Outcome::TooEarly,
        ] {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(Outcome::parse("checked-in"), None);
    }

    #[test]
    fn search_ignores_case_and_czech_diacritics() {
        assert_eq!(fold("Dvořáková ŽŠ Krnov"), "dvorakova zs krnov");
        assert_eq!(fold("ÚŮÝĚŤĎŇ"), "uuyetdn");
    }

    #[test]
    fn a_scanned_link_or_token_is_recognised_and_a_name_is_not() {
        let mac = "A".repeat(43);
        let token = format!("12.{mac}");
        assert_eq!(token_from_scan(&token), Some(token.as_str()));
        let link = format!("https://veletrh.example.cz/checkin/{token}");
        assert_eq!(token_from_scan(&link), Some(token.as_str()));
        assert_eq!(
            token_from_scan(&format!(" {link}?lang=en\n")),
            Some(token.as_str())
        );
        assert_eq!(token_from_scan("Dvořáková"), None);
        assert_eq!(token_from_scan("jana@skola.cz"), None);
        assert_eq!(token_from_scan(&format!("x.{mac}")), None);
        assert_eq!(token_from_scan("12.short"), None);
    }
}
