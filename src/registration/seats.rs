//! The seat counter and the waiting list. `activity.taken` counts held seats (pending, offered,
//! confirmed, attended); only these functions change it, each with one conditional statement,
//! so capacity holds under any concurrency, on both databases, with any number of instances.

use chrono::{DateTime, Utc};
use entity::{activity, enums::RegistrationStatus, person, registration};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

use super::mail_data;
use crate::{
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
    // Overlap needs both ends; the rule itself stays in `TimeSlot::overlaps`.
    let held = registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person_id))
        .filter(registration::Column::Status.is_in(statuses.iter().copied()))
        .filter(registration::Column::ActivityId.ne(except))
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

/// How long a held or offered seat waits for its confirmation (`VELETRH_HOLD_HOURS`).
pub fn hold_window(state: &AppState) -> chrono::Duration {
    chrono::Duration::from_std(state.config.hold).expect("the hold is at most two weeks")
}

/// Offers freed seats to the waiting list, first come first served. A waiting person who now
/// holds an overlapping activity is passed over (and stays in line).
pub async fn offer_to_waiting(
    txn: &impl ConnectionTrait,
    state: &AppState,
    activity_id: i32,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let (outbox, links, offer_for) = (&state.outbox, &state.links, hold_window(state));
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
        {
            continue;
        }
        if !reserve(txn, activity_id).await? {
            break;
        }
        let token = NewToken::generate();
        let deadline = now + offer_for;
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
            "confirm_url": links.confirm_url(&token.plain),
            "deadline": mail_data::moment(deadline, lang),
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
