//! Opening the link in the email: pending (or offered) seats become confirmed registrations.
//!
//! This is where the person has proved the address is theirs, so this is also where a clash
//! with what they already hold is named: an overlapping seat is given back, not confirmed.
//! Opening the link twice is harmless; a link whose hold ran out says so.

use chrono::Utc;
use entity::{enums::RegistrationStatus, person, registration};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use super::{mail_data, seats};
use crate::{
    domain::{TimeSlot, token},
    i18n::Lang,
    programme,
    startup::AppState,
};

#[derive(Debug, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// Titles confirmed now, and (title, title of what it overlaps) for seats given back.
    Confirmed {
        confirmed: Vec<String>,
        conflicts: Vec<(String, String)>,
        manage_token: String,
    },
    /// Everything behind this link was confirmed before.
    AlreadyConfirmed { manage_token: String },
    /// The hold ran out before the link was opened; the person may sign up again.
    Expired,
    /// No such link (or it was replaced by a newer one).
    Unknown,
}

pub async fn confirm(state: &AppState, plain: &str) -> Result<ConfirmOutcome, DbErr> {
    if !token::is_well_formed(plain) {
        return Ok(ConfirmOutcome::Unknown);
    }
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let rows = registration::Entity::find()
        .filter(registration::Column::ConfirmTokenHash.eq(token::hash(plain)))
        .all(&*txn)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(ConfirmOutcome::Unknown);
    };
    let Some(person) = person::Entity::find_by_id(first.person_id)
        .one(&*txn)
        .await?
    else {
        return Ok(ConfirmOutcome::Unknown);
    };
    let manage_token = state.links.manage_token(person.id);
    let lang = Lang::parse(&person.language).unwrap_or_default();
    let mut confirmed = Vec::new();
    let mut seats = Vec::new();
    let mut conflicts = Vec::new();
    let mut already = false;
    for row in &rows {
        match row.status {
            RegistrationStatus::Confirmed | RegistrationStatus::Attended => {
                already = true;
                continue;
            }
            RegistrationStatus::Pending | RegistrationStatus::Offered => {}
            _ => continue,
        }
        if row.hold_expires_at.is_some_and(|until| until <= now) {
            continue; // the expiry job gives the seat back
        }
        let Some(activity) = programme::activity(&*txn, row.activity_id).await? else {
            continue;
        };
        let slot = TimeSlot {
            start: activity.model.starts_at,
            end: activity.model.ends_at,
        };
        let firm = [RegistrationStatus::Confirmed, RegistrationStatus::Attended];
        if let Some(clash) =
            seats::overlapping_holding(&*txn, person.id, slot, activity.model.id, &firm).await?
        {
            set_status(&txn, row, RegistrationStatus::Cancelled, now).await?;
            seats::give_back(&*txn, state, activity.model.id, now).await?;
            conflicts.push((activity.model.title.clone(), clash.title));
            continue;
        }
        if !set_status(&txn, row, RegistrationStatus::Confirmed, now).await? {
            continue;
        }
        confirmed.push(activity.model.title.clone());
        seats.push((activity, row.id));
    }
    // One email for everything this link confirmed, each seat with its own entry code.
    if !seats.is_empty() {
        let seats: Vec<_> = seats.iter().map(|(a, id)| (a, *id)).collect();
        let mail = mail_data::confirmed(&*txn, &state.links, &person, &seats, lang).await?;
        state.outbox.enqueue(&*txn, mail).await?;
    }
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(if !confirmed.is_empty() || !conflicts.is_empty() {
        ConfirmOutcome::Confirmed {
            confirmed,
            conflicts,
            manage_token,
        }
    } else if already {
        ConfirmOutcome::AlreadyConfirmed { manage_token }
    } else {
        ConfirmOutcome::Expired
    })
}

/// Moves `row` on from pending/offered; `false` when something else (expiry) moved it first.
async fn set_status(
    txn: &crate::db::WriteTxn,
    row: &registration::Model,
    status: RegistrationStatus,
    now: chrono::DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = registration::Entity::update_many()
        .col_expr(registration::Column::Status, Expr::val(status.as_str()))
        .col_expr(registration::Column::UpdatedAt, Expr::val(now))
        .col_expr(
            registration::Column::HoldExpiresAt,
            Expr::val(Option::<chrono::DateTime<Utc>>::None),
        );
    // A confirmed row keeps its link's hash, so opening the link again says "already confirmed".
    update = match status {
        RegistrationStatus::Confirmed => {
            update.col_expr(registration::Column::ConfirmedAt, Expr::val(now))
        }
        _ => update
            .col_expr(registration::Column::CancelledAt, Expr::val(now))
            .col_expr(
                registration::Column::ConfirmTokenHash,
                Expr::val(Option::<String>::None),
            ),
    };
    let result = update
        .filter(registration::Column::Id.eq(row.id))
        .filter(
            registration::Column::Status
                .is_in([RegistrationStatus::Pending, RegistrationStatus::Offered]),
        )
        .exec(&**txn)
        .await?;
    Ok(result.rows_affected == 1)
}
