//! Holds that were never confirmed run out: the seat goes back and on to the waiting list.
//! Run periodically by every instance; each row moves once (a conditional update).

use chrono::{DateTime, Utc};
use entity::{enums::RegistrationStatus, registration};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use super::seats;
use crate::startup::AppState;

/// Expires up to 100 overdue holds; returns how many it expired.
pub async fn expire_holds(state: &AppState, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let overdue = registration::Entity::find()
        .filter(
            registration::Column::Status
                .is_in([RegistrationStatus::Pending, RegistrationStatus::Offered]),
        )
        .filter(registration::Column::HoldExpiresAt.lte(now))
        .order_by_asc(registration::Column::HoldExpiresAt)
        .limit(100)
        .all(state.db.conn())
        .await?;
    let mut expired = 0;
    for row in overdue {
        let txn = state.db.begin_write().await?;
        let moved = registration::Entity::update_many()
            .col_expr(
                registration::Column::Status,
                Expr::val(RegistrationStatus::Expired.as_str()),
            )
            .col_expr(registration::Column::UpdatedAt, Expr::val(now))
            .filter(registration::Column::Id.eq(row.id))
            .filter(registration::Column::Status.eq(row.status))
            .exec(&*txn)
            .await?;
        if moved.rows_affected == 1 {
            seats::give_back(&*txn, state, row.activity_id, now).await?;
            expired += 1;
        }
        txn.commit().await?;
    }
    if expired > 0 {
        state.mail_wake.notify_one();
    }
    Ok(expired)
}
