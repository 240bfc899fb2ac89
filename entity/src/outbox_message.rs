//! `outbox_message` — transactional e-mail outbox.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A queued e-mail. Written in the same transaction as the change that causes
/// it, then delivered (and retried) by the mailer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "outbox_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Template name.
    pub kind: String,
    #[sea_orm(column_type = "String(StringLen::N(8))")]
    pub language: String,
    pub recipient: String,
    /// JSON context for the template.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// RFC 5322 `Message-ID`; unique (idempotent delivery).
    #[sea_orm(unique)]
    pub message_id: String,
    /// Defaults to 0.
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker owns the message until then.
    pub lease_until: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub failed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
