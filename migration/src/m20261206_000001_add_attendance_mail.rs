//! `registration.attendance_mail_queued_at`: when the email with the link to the certificate of
//! attendance was queued for an attended registration, so that it goes out once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Registration::Table)
                    .add_column(timestamp_with_time_zone_null(
                        Registration::AttendanceMailQueuedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        // Attendance recorded before this migration is not mailed about now, weeks later.
        manager
            .exec_stmt(
                Query::update()
                    .table(Registration::Table)
                    .value(
                        Registration::AttendanceMailQueuedAt,
                        Expr::col(Registration::UpdatedAt),
                    )
                    .and_where(Expr::col(Registration::Status).eq("attended"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Registration::Table)
                    .drop_column(Registration::AttendanceMailQueuedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Registration {
    Table,
    Status,
    UpdatedAt,
    AttendanceMailQueuedAt,
}
