//! People and their registrations for activities (workshops and meetings).

use sea_orm_migration::{prelude::*, schema::*};

/// Statuses that count as a "live" registration; at most one per
/// (person, activity). The same SQL works on SQLite and PostgreSQL.
const CREATE_UX_REGISTRATION_LIVE: &str = "CREATE UNIQUE INDEX ux_registration_live \
     ON registration (person_id, activity_id) \
     WHERE status IN ('pending', 'confirmed', 'waitlisted', 'offered', 'attended')";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(pk_auto(Person::Id))
                    .col(string_uniq(Person::Email))
                    .col(string(Person::Name))
                    .col(string_null(Person::Organisation))
                    .col(string_null(Person::Role))
                    .col(integer_null(Person::DistrictId))
                    .col(string_len(Person::Language, 8))
                    .col(string_uniq(Person::ManageTokenHash))
                    .col(string_null(Person::FeedTokenHash).unique_key())
                    .col(integer(Person::FeedGeneration).default(0))
                    .col(timestamp_with_time_zone_null(Person::BouncedAt))
                    .col(text_null(Person::BounceReason))
                    .col(timestamp_with_time_zone_null(Person::AnonymisedAt))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-person-district_id")
                            .from(Person::Table, Person::DistrictId)
                            .to(District::Table, District::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        // One table for workshop and meeting registrations: both point at `activity`.
        manager
            .create_table(
                Table::create()
                    .table(Registration::Table)
                    .col(pk_auto(Registration::Id))
                    .col(integer(Registration::PersonId))
                    .col(integer(Registration::ActivityId))
                    .col(string_len(Registration::Status, 16))
                    // Shared by the registrations of one sign-up: one link confirms them all.
                    .col(string_null(Registration::ConfirmTokenHash))
                    .col(timestamp_with_time_zone_null(Registration::HoldExpiresAt))
                    .col(string(Registration::ConsentVersion))
                    .col(timestamp_with_time_zone(Registration::CreatedAt))
                    .col(timestamp_with_time_zone(Registration::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Registration::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(Registration::CancelledAt))
                    .col(timestamp_with_time_zone_null(Registration::CheckedInAt))
                    .col(timestamp_with_time_zone_null(
                        Registration::ReminderQueuedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-registration-person_id")
                            .from(Registration::Table, Registration::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-registration-activity_id")
                            .from(Registration::Table, Registration::ActivityId)
                            .to(Activity::Table, Activity::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .get_connection()
            .execute_unprepared(CREATE_UX_REGISTRATION_LIVE)
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-registration-activity_id-status-created_at")
                    .table(Registration::Table)
                    .col(Registration::ActivityId)
                    .col(Registration::Status)
                    .col(Registration::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-registration-confirm_token_hash")
                    .table(Registration::Table)
                    .col(Registration::ConfirmTokenHash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-registration-status-hold_expires_at")
                    .table(Registration::Table)
                    .col(Registration::Status)
                    .col(Registration::HoldExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-registration-person_id")
                    .table(Registration::Table)
                    .col(Registration::PersonId)
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Indexes (including `ux_registration_live`) are dropped with their tables.
        manager
            .drop_table(Table::drop().table(Registration::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Person::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Activity {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    Email,
    Name,
    Organisation,
    Role,
    DistrictId,
    Language,
    ManageTokenHash,
    FeedTokenHash,
    FeedGeneration,
    BouncedAt,
    BounceReason,
    AnonymisedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Registration {
    Table,
    Id,
    PersonId,
    ActivityId,
    Status,
    ConfirmTokenHash,
    HoldExpiresAt,
    ConsentVersion,
    CreatedAt,
    UpdatedAt,
    ConfirmedAt,
    CancelledAt,
    CheckedInAt,
    ReminderQueuedAt,
}
