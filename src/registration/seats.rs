//! The seat counter and the waiting list. `activity.taken` counts held seats (pending, offered,
//! confirmed, attended); only these functions change it, each with one conditional statement
//! or under the row lock of [`lock`], so capacity holds under any concurrency, on both
//! databases, with any number of instances.
//!
//! The per-school limit (`activity.per_school_limit`) is here too: [`school_at_limit`] is the one
//! rule that sign-up, the organiser's add and move, and the waiting-list offers all ask.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use entity::{activity, enums::RegistrationStatus, fair, person, registration};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Statement,
    sea_query::{Expr, ExprTrait, LockType, Query, SelectStatement},
};

use super::{mail_data, sign_up::live};
use crate::{
    db::{case_by_id, case_when},
    domain::{TimeSlot, token::NewToken},
    i18n::Lang,
    mail::MailKind,
    programme,
    startup::AppState,
};

/// Takes one seat if one is free. `false` means full.
pub async fn reserve(txn: &impl ConnectionTrait, activity_id: i32) -> Result<bool, DbErr> {
    let result = activity::Entity::update_many()
        .col_expr(
            activity::Column::Taken,
            Expr::col(activity::Column::Taken).add(1),
        )
        .filter(activity::Column::Id.eq(activity_id))
        .filter(Expr::col(activity::Column::Taken).lt(Expr::col(activity::Column::Capacity)))
        .exec(txn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// An activity's row as a sign-up writer locks it ([`lock`]).
pub struct Locked {
    /// Seats left.
    pub free: i32,
    /// The activity's revision and its fair's, which the sign-up was checked against if they
    /// are the ones it read (`sign_up::remembered`).
    pub revisions: (i32, Option<i32>),
}

impl Locked {
    /// From the columns of a row of [`lock`].
    pub fn new(capacity: i32, taken: i32, revision: i32, fair_revision: Option<i32>) -> Self {
        Locked {
            free: Ord::max(capacity - taken, 0),
            revisions: (revision, fair_revision),
        }
    }
}

/// The query that locks the rows of the activities `ids` until the transaction ends
/// (PostgreSQL; SQLite has one writer), in id order so two writers cannot deadlock, and reads
/// their free seats and revisions: columns `id`, `capacity`, `taken`, `revision` and
/// `fair_revision`, for [`Locked::new`] and then [`take`]. A query, so that the caller can read
/// more in the same round trip. The fair's row is read, not locked: a change of a fair that
/// concerns held seats (cancelling it) changes its workshops too, so it waits for their lock.
pub fn lock(ids: &BTreeSet<i32>) -> SelectStatement {
    let select = activity::Entity::find()
        .select_only()
        .columns([
            activity::Column::Id,
            activity::Column::Capacity,
            activity::Column::Taken,
            activity::Column::Revision,
        ])
        .column_as(fair::Column::Revision, "fair_revision")
        .left_join(fair::Entity)
        .filter(activity::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(activity::Column::Id);
    // PostgreSQL locks no row on the nullable side of an outer join: the activity's only.
    let mut select = select.into_query();
    select.lock_with_tables(LockType::Update, [activity::Entity]);
    select
}

/// The statement that takes `n` seats on each activity, as [`lock`] counted them: to be run
/// in the same transaction. `None` when there is nothing to take.
pub fn take(backend: DbBackend, counts: &BTreeMap<i32, i32>) -> Option<Statement> {
    let by_id = case_by_id(activity::Column::Id, counts.iter().map(|(id, n)| (*id, *n)))?;
    let update = activity::Entity::update_many()
        .col_expr(
            activity::Column::Taken,
            Expr::col(activity::Column::Taken).add(by_id),
        )
        .filter(activity::Column::Id.is_in(counts.keys().copied()));
    Some(update.build(backend))
}

/// What a batch written without reading first ([`take_if_unchanged`]) expects of an activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    /// Seats the batch takes.
    pub seats: i32,
    /// The activity's revision and its fair's, which its sign-ups were checked against.
    pub revisions: (i32, Option<i32>),
}

/// The statement that takes the seats of each activity of `expected` if it is still at the
/// revisions given, and otherwise fails: it sets `taken` to NULL, which the column refuses. More
/// seats than the capacity fail it too (the check `ck-activity-taken`). Then the statement errs,
/// and so does the transaction's write, with nothing of it kept (on SQLite the statements after
/// it in the same query, COMMIT included, do not run). `None` when there is nothing to take.
pub fn take_if_unchanged(
    backend: DbBackend,
    expected: &BTreeMap<i32, Expected>,
) -> Option<Statement> {
    let column = |c: activity::Column| Expr::col((activity::Entity, c));
    let arms = expected.iter().map(|(id, e)| {
        let (revision, fair_revision) = e.revisions;
        let fair = match fair_revision {
            Some(fair_revision) => Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from(fair::Entity)
                    .and_where(
                        Expr::col((fair::Entity, fair::Column::Id))
                            .equals((activity::Entity, activity::Column::FairId)),
                    )
                    .and_where(Expr::col((fair::Entity, fair::Column::Revision)).eq(fair_revision))
                    .to_owned(),
            ),
            None => column(activity::Column::FairId).is_null(),
        };
        let unchanged = column(activity::Column::Id)
            .eq(*id)
            .and(column(activity::Column::Revision).eq(revision))
            .and(fair);
        (unchanged, column(activity::Column::Taken).add(e.seats))
    });
    let update = activity::Entity::update_many()
        .col_expr(activity::Column::Taken, case_when(arms)?)
        .filter(activity::Column::Id.is_in(expected.keys().copied()));
    Some(update.build(backend))
}

/// Gives one seat back.
pub async fn release(txn: &impl ConnectionTrait, activity_id: i32) -> Result<(), DbErr> {
    activity::Entity::update_many()
        .col_expr(
            activity::Column::Taken,
            Expr::col(activity::Column::Taken).sub(1),
        )
        .filter(activity::Column::Id.eq(activity_id))
        .filter(activity::Column::Taken.gt(0))
        .exec(txn)
        .await?;
    Ok(())
}

/// Statuses that hold a seat.
pub const HOLDING: [RegistrationStatus; 4] = [
    RegistrationStatus::Pending,
    RegistrationStatus::Offered,
    RegistrationStatus::Confirmed,
    RegistrationStatus::Attended,
];

/// The first of `person`'s seat-holding activities (other than `except`) that overlaps `slot`.
pub async fn overlapping_holding(
    txn: &impl ConnectionTrait,
    person_id: i32,
    slot: TimeSlot,
    except: i32,
    statuses: &[RegistrationStatus],
) -> Result<Option<activity::Model>, DbErr> {
    overlapping_holding_except(txn, person_id, slot, &[except], statuses).await
}

/// [`overlapping_holding`] leaving out several activities (a move leaves the one it moves from).
pub async fn overlapping_holding_except(
    txn: &impl ConnectionTrait,
    person_id: i32,
    slot: TimeSlot,
    except: &[i32],
    statuses: &[RegistrationStatus],
) -> Result<Option<activity::Model>, DbErr> {
    // Overlap needs both ends; the rule itself stays in `TimeSlot::overlaps`.
    let held = registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person_id))
        .filter(registration::Column::Status.is_in(statuses.iter().copied()))
        .filter(registration::Column::ActivityId.is_not_in(except.iter().copied()))
        .find_also_related(activity::Entity)
        .all(txn)
        .await?;
    Ok(held.into_iter().filter_map(|(_, a)| a).find(|a| {
        TimeSlot {
            start: a.starts_at,
            end: a.ends_at,
        }
        .overlaps(&slot)
    }))
}

/// A school as the per-school limit compares it: trimmed, inner whitespace collapsed, lower
/// case (Unicode, so `ZŠ Šumperk` and `zš  šumperk` are one school). `None` for no school given.
pub fn school_key(organisation: Option<&str>) -> Option<String> {
    Some(crate::domain::text::comparable(organisation?)).filter(|key| !key.is_empty())
}

/// Whether `limit` people from `school` are already among `others` (the schools of the other
/// live registrations of the activity). No limit, or no school given, is never at the limit.
pub fn over_school_limit<'a>(
    limit: Option<i32>,
    school: Option<&str>,
    others: impl IntoIterator<Item = Option<&'a str>>,
) -> bool {
    let (Some(limit), Some(school)) = (limit, school_key(school)) else {
        return false;
    };
    let same = others
        .into_iter()
        .filter(|other| school_key(*other).as_deref() == Some(school.as_str()))
        .count();
    same >= usize::try_from(limit).unwrap_or(0)
}

/// Whether `person` may not hold one more live registration of `activity` because its
/// `per_school_limit` people from their school (`person.organisation`) already do. Their own
/// registrations do not count. On PostgreSQL the activity row is locked first, so two
/// concurrent sign-ups from one school cannot both take the last place (SQLite has one writer).
pub async fn school_at_limit(
    txn: &impl ConnectionTrait,
    activity: &activity::Model,
    person: &person::Model,
) -> Result<bool, DbErr> {
    if activity.per_school_limit.is_none() || school_key(person.organisation.as_deref()).is_none() {
        return Ok(false);
    }
    let locked = activity::Entity::find_by_id(activity.id)
        .lock_exclusive()
        .one(txn)
        .await?;
    let limit = locked.and_then(|a| a.per_school_limit);
    // The activity's live list is at most its capacity plus its waiting list: compared here,
    // because SQL's lower() folds only ASCII on SQLite.
    let others: Vec<Option<String>> = registration::Entity::find()
        .select_only()
        .column(person::Column::Organisation)
        .inner_join(person::Entity)
        .filter(registration::Column::ActivityId.eq(activity.id))
        .filter(registration::Column::Status.is_in(live()))
        .filter(registration::Column::PersonId.ne(person.id))
        .into_tuple()
        .all(txn)
        .await?;
    Ok(over_school_limit(
        limit,
        person.organisation.as_deref(),
        others.iter().map(Option::as_deref),
    ))
}

/// Gives one seat back and offers it on to the waiting list.
pub async fn give_back(
    txn: &impl ConnectionTrait,
    state: &AppState,
    activity_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    release(txn, activity_id).await?;
    offer_to_waiting(txn, state, activity_id, now)
        .await
        .map(drop)
}

/// Until when a seat held or offered at `now` waits for its confirmation: the hold window
/// (`VELETRH_HOLD_HOURS`), but never past the activity's start (`starts_at`), after which an
/// unconfirmed seat would only stand empty.
pub fn hold_deadline(
    state: &AppState,
    now: DateTime<Utc>,
    starts_at: DateTime<Utc>,
) -> DateTime<Utc> {
    let window =
        chrono::Duration::from_std(state.config.hold).expect("the hold is at most two weeks");
    Ord::min(now + window, starts_at)
}

/// Until when `row`'s seat waits for its confirmation: a held (pending) or offered seat's
/// deadline; `None` for any other status.
pub fn waits_until(row: &registration::Model) -> Option<DateTime<Utc>> {
    row.hold_expires_at.filter(|_| {
        matches!(
            row.status,
            RegistrationStatus::Pending | RegistrationStatus::Offered
        )
    })
}

/// Where `row` (waitlisted) stands in its activity's line, from 1: the order in which freed
/// seats are offered ([`offer_to_waiting`]), by sign-up time, then id.
pub async fn waiting_position(
    conn: &impl ConnectionTrait,
    row: &registration::Model,
) -> Result<u64, DbErr> {
    use sea_orm::{PaginatorTrait, sea_query::Condition};
    let ahead = registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(row.activity_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Waitlisted))
        .filter(
            Condition::any()
                .add(registration::Column::CreatedAt.lt(row.created_at))
                .add(
                    Condition::all()
                        .add(registration::Column::CreatedAt.eq(row.created_at))
                        .add(registration::Column::Id.lt(row.id)),
                ),
        )
        .count(conn)
        .await?;
    Ok(ahead + 1)
}

/// Offers freed seats to the waiting list, first come first served. A waiting person who now
/// holds an overlapping activity is passed over (and stays in line).
pub async fn offer_to_waiting(
    txn: &impl ConnectionTrait,
    state: &AppState,
    activity_id: i32,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let (outbox, links) = (&state.outbox, &state.links);
    let Some(activity) = programme::activity(txn, activity_id).await? else {
        return Ok(0);
    };
    if activity.model.status != entity::enums::ActivityStatus::Scheduled
        || activity.model.starts_at <= now
    {
        return Ok(0);
    }
    let slot = TimeSlot {
        start: activity.model.starts_at,
        end: activity.model.ends_at,
    };
    let waiting = registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(activity_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Waitlisted))
        .order_by_asc(registration::Column::CreatedAt)
        .order_by_asc(registration::Column::Id)
        .find_also_related(person::Entity)
        .all(txn)
        .await?;
    let mut offered = 0;
    for (waiting, person) in waiting {
        let Some(person) = person else { continue };
        if overlapping_holding(txn, person.id, slot, activity_id, &HOLDING)
            .await?
            .is_some()
            || school_at_limit(txn, &activity.model, &person).await?
        {
            continue;
        }
        if !reserve(txn, activity_id).await? {
            break;
        }
        let token = NewToken::generate();
        let deadline = hold_deadline(state, now, activity.model.starts_at);
        registration::ActiveModel {
            id: Set(waiting.id),
            status: Set(RegistrationStatus::Offered),
            hold_expires_at: Set(Some(deadline)),
            confirm_token_hash: Set(Some(token.hash)),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(txn)
        .await?;
        let lang = Lang::parse(&person.language).unwrap_or_default();
        let data = serde_json::json!({
            "activity": mail_data::activity(&activity, lang, links),
            "confirm_url": links.confirm_url(&token.plain, lang),
            "deadline": lang.moment(deadline, activity.zone),
        });
        outbox
            .enqueue(
                txn,
                mail_data::to_person(MailKind::SeatOffered, &person, lang, links, data),
            )
            .await?;
        offered += 1;
    }
    Ok(offered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_school_is_compared_trimmed_and_ignoring_case_and_spacing() {
        assert_eq!(
            school_key(Some("  ZŠ  Šumperk, Žerotínova ")),
            Some("zš šumperk, žerotínova".into())
        );
        assert_eq!(school_key(Some("   ")), None);
        assert_eq!(school_key(None), None);
    }

    #[test]
    fn the_limit_counts_only_the_same_school() {
        let others = [
            Some("ZŠ Krnov"),
            Some(" zš krnov"),
            Some("ZŠ Bruntál"),
            None,
        ];
        assert!(over_school_limit(Some(2), Some("ZŠ KRNOV"), others));
        assert!(!over_school_limit(Some(3), Some("ZŠ KRNOV"), others));
        assert!(!over_school_limit(Some(1), Some("ZŠ Opava"), others));
        assert!(!over_school_limit(None, Some("ZŠ Krnov"), others));
        assert!(
            !over_school_limit(Some(0), None, others),
            "no school, no limit"
        );
        assert!(over_school_limit(Some(0), Some("ZŠ Opava"), []));
    }

    proptest! {
        /// Whatever the spelling of each registration's school, the rule refuses exactly when
        /// the same school (by key) already has `limit` registrations.
        #[test]
        fn the_rule_matches_a_plain_count(
            limit in 0i32..5,
            schools in proptest::collection::vec(
                (0usize..3, any::<bool>(), 0usize..3),
                0..10,
            ),
            mine in 0usize..3,
        ) {
            const NAMES: [&str; 3] = ["ZŠ Krnov", "Gymnázium Šumperk", "MŠ Úvoz"];
            let spell = |(i, upper, pad): (usize, bool, usize)| {
                let name = if upper { NAMES[i].to_uppercase() } else { NAMES[i].to_lowercase() };
                format!("{}{name}{}", " ".repeat(pad), "\t".repeat(pad))
            };
            let spelled: Vec<String> = schools.iter().copied().map(spell).collect();
            let same = schools.iter().filter(|(i, _, _)| *i == mine).count();
            prop_assert_eq!(
                over_school_limit(
                    Some(limit),
                    Some(NAMES[mine]),
                    spelled.iter().map(|s| Some(s.as_str())),
                ),
                same >= limit as usize
            );
        }
    }
}
