//! `feedback`: how a participant rated an activity they attended (1–5) and what they wrote.
//! One per registration; organisers see it without names.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Feedback::Table)
                    .col(pk_auto(Feedback::Id))
                    .col(integer_uniq(Feedback::RegistrationId))
                    .col(integer(Feedback::ActivityId))
                    .col(integer(Feedback::Rating))
                    .col(text_null(Feedback::Comment))
                    .col(timestamp_with_time_zone(Feedback::CreatedAt))
                    .col(timestamp_with_time_zone(Feedback::UpdatedAt))
                    .check(Expr::col(Feedback::Rating).between(1, 5))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-feedback-registration_id")
                            .from(Feedback::Table, Feedback::RegistrationId)
                            .to(Registration::Table, Registration::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-feedback-activity_id")
                            .from(Feedback::Table, Feedback::ActivityId)
                            .to(Activity::Table, Activity::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-feedback-activity_id")
                    .table(Feedback::Table)
                    .col(Feedback::ActivityId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Feedback::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
    RegistrationId,
    ActivityId,
    Rating,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Registration {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Activity {
    Table,
    Id,
}
