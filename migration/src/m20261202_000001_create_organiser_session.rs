//! Organiser sign-in: web sessions and invitations (issue 7).
//!
//! Both tables hold only SHA-256 hashes of the secrets they stand for (the session cookie, the
//! invitation link), as `api_token` does.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrganiserSession::Table)
                    .col(pk_auto(OrganiserSession::Id))
                    .col(integer(OrganiserSession::OrganiserId))
                    .col(string_uniq(OrganiserSession::TokenHash))
                    .col(timestamp_with_time_zone(OrganiserSession::CreatedAt))
                    .col(timestamp_with_time_zone(OrganiserSession::LastSeenAt))
                    .col(timestamp_with_time_zone(OrganiserSession::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-organiser_session-organiser_id")
                            .from(OrganiserSession::Table, OrganiserSession::OrganiserId)
                            .to(Organiser::Table, Organiser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-organiser_session-organiser_id")
                    .table(OrganiserSession::Table)
                    .col(OrganiserSession::OrganiserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrganiserInvitation::Table)
                    .col(pk_auto(OrganiserInvitation::Id))
                    .col(string(OrganiserInvitation::Email))
                    .col(string(OrganiserInvitation::Name))
                    .col(string_len(OrganiserInvitation::Role, 16))
                    .col(integer_null(OrganiserInvitation::FairId))
                    .col(integer_null(OrganiserInvitation::RegionId))
                    .col(integer_null(OrganiserInvitation::InvitedBy))
                    .col(string_uniq(OrganiserInvitation::TokenHash))
                    .col(timestamp_with_time_zone(OrganiserInvitation::ExpiresAt))
                    .col(timestamp_with_time_zone_null(
                        OrganiserInvitation::AcceptedAt,
                    ))
                    .col(timestamp_with_time_zone(OrganiserInvitation::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-organiser_invitation-fair_id")
                            .from(OrganiserInvitation::Table, OrganiserInvitation::FairId)
                            .to(Fair::Table, Fair::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-organiser_invitation-region_id")
                            .from(OrganiserInvitation::Table, OrganiserInvitation::RegionId)
                            .to(Region::Table, Region::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-organiser_invitation-invited_by")
                            .from(OrganiserInvitation::Table, OrganiserInvitation::InvitedBy)
                            .to(Organiser::Table, Organiser::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrganiserInvitation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OrganiserSession::Table).to_owned())
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
}

#[derive(DeriveIden)]
enum OrganiserSession {
    Table,
    Id,
    OrganiserId,
    TokenHash,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum OrganiserInvitation {
    Table,
    Id,
    Email,
    Name,
    Role,
    FairId,
    RegionId,
    InvitedBy,
    TokenHash,
    ExpiresAt,
    AcceptedAt,
    CreatedAt,
}
