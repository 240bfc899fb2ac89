//! Transactional e-mail outbox.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessage::Table)
                    .col(pk_auto(OutboxMessage::Id))
                    .col(string(OutboxMessage::Kind))
                    .col(string_len(OutboxMessage::Language, 8))
                    .col(string(OutboxMessage::Recipient))
                    .col(text(OutboxMessage::Payload))
                    .col(string_uniq(OutboxMessage::MessageId))
                    .col(integer(OutboxMessage::Attempts).default(0))
                    .col(timestamp_with_time_zone(OutboxMessage::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(OutboxMessage::LeaseUntil))
                    .col(timestamp_with_time_zone_null(OutboxMessage::SentAt))
                    .col(timestamp_with_time_zone_null(OutboxMessage::FailedAt))
                    .col(text_null(OutboxMessage::LastError))
                    .col(timestamp_with_time_zone(OutboxMessage::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-outbox_message-sent_at-failed_at-next_attempt_at")
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::SentAt)
                    .col(OutboxMessage::FailedAt)
                    .col(OutboxMessage::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutboxMessage::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    Id,
    Kind,
    Language,
    Recipient,
    Payload,
    MessageId,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    SentAt,
    FailedAt,
    LastError,
    CreatedAt,
}
