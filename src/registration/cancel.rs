//! Cancelling from the manage link, and "delete my data".

use chrono::{DateTime, Utc};
use entity::{enums::RegistrationStatus, registration};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use super::{
    anonymise::{Reason, anonymise},
    mail_data,
    manage::find_person,
    seats,
    sign_up::live,
};
use crate::{db::WriteTxn, i18n::Lang, mail::MailKind, programme, startup::AppState};

#[derive(Debug, PartialEq, Eq)]
pub enum CancelOutcome {
    Cancelled,
    /// Already cancelled (or expired): nothing to do, and no error for a second click.
    AlreadyCancelled,
    /// No such link, or the registration is not this person's.
    NotFound,
}

pub async fn cancel(
    state: &AppState,
    manage_token: &str,
    registration_id: i32,
) -> Result<CancelOutcome, DbErr> {
    let Some(person) = find_person(state, manage_token).await? else {
        return Ok(CancelOutcome::NotFound);
    };
    let txn = state.db.begin_write().await?;
    let Some(row) = registration::Entity::find_by_id(registration_id)
        .filter(registration::Column::PersonId.eq(person.id))
        .one(&*txn)
        .await?
    else {
        return Ok(CancelOutcome::NotFound);
    };
    if !cancel_row(state, &txn, &row).await? {
        return Ok(CancelOutcome::AlreadyCancelled);
    }
    if let Some(activity) = programme::activity(&*txn, row.activity_id).await? {
        let lang = Lang::parse(&person.language).unwrap_or_default();
        let data = json!({ "activity": mail_data::activity(&activity, lang, &state.links) });
        let mail = mail_data::to_person(
            MailKind::CancelledByAttendee,
            &person,
            lang,
            &state.links,
            data,
        );
        let mail = mail_data::withdraw_event(&*txn, &state.links, &activity, &row, mail).await?;
        state.outbox.enqueue(&*txn, mail).await?;
    }
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(CancelOutcome::Cancelled)
}

/// Cancels a live registration: its seat goes back and on to the waiting list. `false` when it
/// was not live any more.
pub(super) async fn cancel_row(
    state: &AppState,
    txn: &WriteTxn,
    row: &registration::Model,
) -> Result<bool, DbErr> {
    cancel_row_at(state, txn, row, Utc::now()).await
}

/// [`cancel_row`] at `now` (the retention job runs with a given time).
pub(super) async fn cancel_row_at(
    state: &AppState,
    txn: &WriteTxn,
    row: &registration::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = registration::Entity::update_many()
        .col_expr(
            registration::Column::Status,
            Expr::val(RegistrationStatus::Cancelled.as_str()),
        )
        .col_expr(registration::Column::CancelledAt, Expr::val(now))
        .col_expr(registration::Column::UpdatedAt, Expr::val(now))
        .col_expr(
            registration::Column::ConfirmTokenHash,
            Expr::val(Option::<String>::None),
        )
        .filter(registration::Column::Id.eq(row.id))
        .filter(registration::Column::Status.eq(row.status))
        .filter(registration::Column::Status.is_in(live()))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Ok(false);
    }
    if seats::HOLDING.contains(&row.status) {
        seats::give_back(&**txn, state, row.activity_id, now).await?;
    }
    Ok(true)
}

/// "Delete my data": the person is anonymised ([`super::anonymise`]): upcoming registrations
/// are cancelled (seats go to the waiting list), the counts stay, every personal link stops
/// working.
pub async fn forget_me(state: &AppState, manage_token: &str) -> Result<bool, DbErr> {
    let Some(person) = find_person(state, manage_token).await? else {
        return Ok(false);
    };
    let txn = state.db.begin_write().await?;
    let done = anonymise(state, &txn, person.id, Reason::Own, Utc::now()).await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(done.is_some())
}
