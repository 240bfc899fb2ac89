//! What organisers need to know about mail: messages that failed for good, messages still
//! waiting, and participants whose address bounces. `veletrh mail status` prints the
//! [`report`]; the admin page `/admin/mail` shows it and [`retry`]s a failed message.

use chrono::{DateTime, Utc};
use entity::{outbox_message, person};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use crate::{
    db::Db,
    organiser::{Action, ManageError, Principal, Subject, audit, can},
    startup::AppState,
};

pub struct MailReport {
    pub waiting: u64,
    pub failed: Vec<outbox_message::Model>,
    pub bouncing: Vec<person::Model>,
}

/// Just the numbers, for the metrics scrape.
pub struct MailCounts {
    pub waiting: u64,
    pub failed: u64,
}

pub async fn counts(db: &Db) -> Result<MailCounts, DbErr> {
    let unsent = || outbox_message::Entity::find().filter(outbox_message::Column::SentAt.is_null());
    Ok(MailCounts {
        waiting: unsent()
            .filter(outbox_message::Column::FailedAt.is_null())
            .count(db.conn())
            .await?,
        failed: unsent()
            .filter(outbox_message::Column::FailedAt.is_not_null())
            .count(db.conn())
            .await?,
    })
}

pub async fn report(db: &Db) -> Result<MailReport, DbErr> {
    let conn = db.conn();
    Ok(MailReport {
        waiting: outbox_message::Entity::find()
            .filter(outbox_message::Column::SentAt.is_null())
            .filter(outbox_message::Column::FailedAt.is_null())
            .count(conn)
            .await?,
        failed: outbox_message::Entity::find()
            .filter(outbox_message::Column::FailedAt.is_not_null())
            .order_by_desc(outbox_message::Column::FailedAt)
            .all(conn)
            .await?,
        bouncing: person::Entity::find()
            .filter(person::Column::BouncedAt.is_not_null())
            .order_by_desc(person::Column::BouncedAt)
            .all(conn)
            .await?,
    })
}

/// The report for the admin page (admins only: it lists everyone's addresses).
pub async fn report_for(state: &AppState, who: &Principal) -> Result<MailReport, ManageError> {
    if !can(who, Action::View, Subject::Mail) {
        return Err(ManageError::Forbidden);
    }
    Ok(report(&state.db).await?)
}

/// Sends a message that failed for good once more, as if new: the worker picks it up at once
/// and the usual retries follow. `NotFound` for a message that is not failed (sent, still
/// trying, or retried already).
pub async fn retry(
    state: &AppState,
    who: &Principal,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), ManageError> {
    use outbox_message::Column;
    if !can(who, Action::Edit, Subject::Mail) {
        return Err(ManageError::Forbidden);
    }
    let txn = state.db.begin_write().await?;
    let retried = outbox_message::Entity::update_many()
        .col_expr(Column::FailedAt, Expr::val(Option::<DateTime<Utc>>::None))
        .col_expr(Column::Attempts, Expr::val(0))
        .col_expr(Column::NextAttemptAt, Expr::val(now))
        .col_expr(Column::LeaseUntil, Expr::val(Option::<DateTime<Utc>>::None))
        .filter(Column::Id.eq(id))
        .filter(Column::FailedAt.is_not_null())
        .filter(Column::SentAt.is_null())
        .exec(&*txn)
        .await?;
    if retried.rows_affected == 0 {
        return Err(ManageError::NotFound);
    }
    audit::record(
        &*txn,
        Some(who.id),
        "mail.retry",
        "outbox_message",
        Some(id),
        None,
        Some(&serde_json::json!({ "next_attempt_at": now })),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(())
}

impl std::fmt::Display for MailReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "waiting to be sent: {}", self.waiting)?;
        writeln!(f, "failed for good: {}", self.failed.len())?;
        for m in &self.failed {
            let error = m.last_error.as_deref().unwrap_or_default();
            writeln!(
                f,
                "  #{} {} to {} after {} attempt(s): {error}",
                m.id, m.kind, m.recipient, m.attempts
            )?;
        }
        writeln!(f, "bouncing addresses: {}", self.bouncing.len())?;
        for p in &self.bouncing {
            let reason = p.bounce_reason.as_deref().unwrap_or_default();
            writeln!(f, "  {} ({}): {reason}", p.email, p.name)?;
        }
        Ok(())
    }
}
