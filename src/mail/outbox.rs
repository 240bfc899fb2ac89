//! The transactional outbox. A use-case writes its email with [`Outbox::enqueue`] through its
//! own transaction, so the email exists if and only if the change committed. The worker
//! claims rows with [`claim_due`], sends them outside any transaction and records the result.
//!
//! A claim is a lease: the row is invisible to other workers until `lease_until`. If an instance
//! dies between sending and [`mark_sent`], the lease runs out and the row is sent again with the
//! same Message-ID, fixed at enqueue time, so the receiver's mail system sees one message.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::outbox_message::{self, Column};
use rand::Rng;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryTrait,
    Statement,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::MailKind;
use crate::{db::Db, i18n::Lang};

/// A file attached to a message, e.g. the `.ics` of a confirmed registration.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

/// An email to send: what kind, in which language, to whom, with which template data.
#[derive(Clone, Debug)]
pub struct OutgoingMail {
    pub kind: MailKind,
    pub lang: Lang,
    /// A parsed address (see `domain::Email`); the worker parses it again before sending.
    pub to: String,
    pub data: Value,
    pub attachments: Vec<Attachment>,
}

/// What the `payload` column holds.
#[derive(Serialize, Deserialize)]
pub struct Payload {
    pub data: Value,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Writes messages into the outbox; holds the domain for their Message-IDs.
#[derive(Clone, Debug)]
pub struct Outbox {
    message_id_domain: String,
}

impl Outbox {
    pub fn new(message_id_domain: impl Into<String>) -> Self {
        Outbox {
            message_id_domain: message_id_domain.into(),
        }
    }

    /// Adds `mail` to the outbox within the caller's transaction; returns its Message-ID.
    pub async fn enqueue(
        &self,
        txn: &impl ConnectionTrait,
        mail: OutgoingMail,
    ) -> Result<String, DbErr> {
        let (row, message_id) = self.row(mail, Utc::now())?;
        outbox_message::Entity::insert(row)
            .exec_without_returning(txn)
            .await?;
        Ok(message_id)
    }

    /// The statement that adds `mails` to the outbox, to be run in the caller's transaction;
    /// `None` for no mail.
    pub fn insert_all(
        &self,
        backend: DbBackend,
        mails: Vec<OutgoingMail>,
    ) -> Result<Option<Statement>, DbErr> {
        let now = Utc::now();
        let rows = mails
            .into_iter()
            .map(|mail| self.row(mail, now).map(|(row, _)| row))
            .collect::<Result<Vec<_>, _>>()?;
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            outbox_message::Entity::insert_many(rows).build(backend),
        ))
    }

    /// The row of `mail`, due now, and the Message-ID it will be sent with.
    fn row(
        &self,
        mail: OutgoingMail,
        now: DateTime<Utc>,
    ) -> Result<(outbox_message::ActiveModel, String), DbErr> {
        // The time first: new ids sort after the old ones, so the unique index grows at its
        // end instead of writing a random page of it for every message.
        let message_id = format!(
            "<{:012x}.{:016x}@{}>",
            now.timestamp_millis(),
            rand::rng().random::<u64>(),
            self.message_id_domain
        );
        let payload = Payload {
            data: mail.data,
            attachments: mail.attachments,
        };
        let row = outbox_message::ActiveModel {
            kind: Set(mail.kind.as_str().to_owned()),
            language: Set(mail.lang.code().to_owned()),
            recipient: Set(mail.to),
            payload: Set(serde_json::to_string(&payload).map_err(|e| DbErr::Json(e.to_string()))?),
            message_id: Set(message_id.clone()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        };
        Ok((row, message_id))
    }
}

/// Takes up to `limit` of the oldest due messages and leases them for `lease`, oldest first.
/// On PostgreSQL `SKIP LOCKED` lets several instances claim side by side; on SQLite the
/// statement runs behind the write gate (sea-query leaves the lock clause out there).
pub async fn claim_due(
    db: &Db,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    let due = Query::select()
        .column(Column::Id)
        .from(outbox_message::Entity)
        .and_where(Expr::col(Column::SentAt).is_null())
        .and_where(Expr::col(Column::FailedAt).is_null())
        .and_where(Expr::col(Column::NextAttemptAt).lte(now))
        .and_where(
            Expr::col(Column::LeaseUntil)
                .is_null()
                .or(Expr::col(Column::LeaseUntil).lte(now)),
        )
        .order_by(Column::Id, sea_orm::Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    let txn = db.begin_write().await?;
    let mut claimed = outbox_message::Entity::update_many()
        .col_expr(Column::LeaseUntil, Expr::val(now + lease))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .filter(Expr::col(Column::Id).in_subquery(due))
        .exec_with_returning(&*txn)
        .await?;
    txn.commit().await?;
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// Gives claimed messages back untried: due again at once, the claim's attempt not counted.
pub async fn release(db: &Db, ids: &[i32]) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let txn = db.begin_write().await?;
    outbox_message::Entity::update_many()
        .col_expr(Column::LeaseUntil, Expr::val(Option::<DateTime<Utc>>::None))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .exec(&*txn)
        .await?;
    txn.commit().await
}

/// Records messages as sent, in one statement for a whole batch.
pub async fn mark_sent(db: &Db, ids: &[i32], now: DateTime<Utc>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let txn = db.begin_write().await?;
    outbox_message::Entity::update_many()
        .col_expr(Column::SentAt, Expr::val(now))
        .col_expr(Column::LeaseUntil, Expr::val(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LastError, Expr::val(Option::<String>::None))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .exec(&*txn)
        .await?;
    txn.commit().await
}

/// How often and how patiently a message is retried.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_attempts: i32,
    /// The ceiling of the first wait; each further attempt doubles it, up to an hour.
    pub first_wait: Duration,
}

/// Records a failed attempt: retried after a backoff, or failed for good when `permanent`
/// or after the policy's last attempt. Returns whether the message is now failed for good.
pub async fn mark_attempt_failed(
    db: &Db,
    message: &outbox_message::Model,
    error: &str,
    permanent: bool,
    policy: RetryPolicy,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let give_up = permanent || message.attempts >= policy.max_attempts;
    let mut update = outbox_message::Entity::update_many()
        .col_expr(Column::LeaseUntil, Expr::val(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LastError, Expr::val(truncate(error, 2000)))
        .filter(Column::Id.eq(message.id));
    update = if give_up {
        update.col_expr(Column::FailedAt, Expr::val(now))
    } else {
        let retry_at = now + backoff(message.attempts, policy.first_wait, rand::rng().random());
        update.col_expr(Column::NextAttemptAt, Expr::val(retry_at))
    };
    let txn = db.begin_write().await?;
    update.exec(&*txn).await?;
    txn.commit().await?;
    Ok(give_up)
}

/// Exponential backoff with jitter: after attempt n the wait is between half and all of
/// `first_wait × 2^(n-1)`, capped at one hour. `jitter` in [0, 1) spreads instances that failed
/// together.
pub fn backoff(attempts: i32, first_wait: Duration, jitter: f64) -> chrono::Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    let ceiling = (first_wait.as_secs_f64() * 2f64.powi(exponent)).min(3600.0);
    let seconds = ceiling / 2.0 * (1.0 + jitter.clamp(0.0, 1.0));
    chrono::Duration::milliseconds((seconds * 1000.0) as i64)
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => text[..i].to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let first = Duration::from_secs(30);
        assert_eq!(backoff(1, first, 0.0).num_seconds(), 15);
        assert_eq!(backoff(1, first, 1.0).num_seconds(), 30);
        assert_eq!(backoff(2, first, 1.0).num_seconds(), 60);
        assert_eq!(backoff(30, first, 1.0).num_seconds(), 3600);
    }

    proptest! {
        #[test]
        fn backoff_stays_within_its_bounds(attempts in -5i32..100, jitter in 0.0f64..1.0) {
            let wait = backoff(attempts, Duration::from_secs(30), jitter).num_milliseconds();
            prop_assert!((15_000..=3_600_000).contains(&wait));
        }
    }
}
