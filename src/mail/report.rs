//! What organisers need to know about mail: messages that failed for good, messages still
//! waiting, and participants whose address bounces.

use entity::{outbox_message, person};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::db::Db;

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
