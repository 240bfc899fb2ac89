//! Organiser accounts, their API tokens and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organiser::Table)
                    .col(pk_auto(Organiser::Id))
                    .col(string_uniq(Organiser::Email))
                    .col(string(Organiser::Name))
                    .col(string(Organiser::PasswordHash))
                    .col(string_len(Organiser::Role, 16))
                    .col(integer_null(Organiser::FairId))
                    .col(integer_null(Organiser::RegionId))
                    .col(integer(Organiser::FailedLogins).default(0))
                    .col(timestamp_with_time_zone_null(Organiser::LockedUntil))
                    .col(timestamp_with_time_zone_null(Organiser::DisabledAt))
                    .col(timestamp_with_time_zone(Organiser::CreatedAt))
                    .col(timestamp_with_time_zone(Organiser::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-organiser-fair_id")
                            .from(Organiser::Table, Organiser::FairId)
                            .to(Fair::Table, Fair::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-organiser-region_id")
                            .from(Organiser::Table, Organiser::RegionId)
                            .to(Region::Table, Region::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(pk_auto(ApiToken::Id))
                    .col(integer(ApiToken::OrganiserId))
                    .col(string(ApiToken::Name))
                    .col(string_uniq(ApiToken::TokenHash))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-api_token-organiser_id")
                            .from(ApiToken::Table, ApiToken::OrganiserId)
                            .to(Organiser::Table, Organiser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(pk_auto(AuditEvent::Id))
                    .col(integer_null(AuditEvent::OrganiserId))
                    .col(string(AuditEvent::Action))
                    .col(string(AuditEvent::SubjectType))
                    .col(integer_null(AuditEvent::SubjectId))
                    .col(text_null(AuditEvent::Before))
                    .col(text_null(AuditEvent::After))
                    .col(timestamp_with_time_zone(AuditEvent::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-audit_event-organiser_id")
                            .from(AuditEvent::Table, AuditEvent::OrganiserId)
                            .to(Organiser::Table, Organiser::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-audit_event-at")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvent::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ApiToken::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Organiser::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Fair {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organiser {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    FairId,
    RegionId,
    FailedLogins,
    LockedUntil,
    DisabledAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    OrganiserId,
    Name,
    TokenHash,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    OrganiserId,
    Action,
    SubjectType,
    SubjectId,
    Before,
    After,
    At,
}
