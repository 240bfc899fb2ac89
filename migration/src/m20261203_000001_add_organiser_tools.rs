//! Columns for the organisers' tools (issue 7): a per-school limit and a no-show release per
//! workshop or meeting, and the stand an exhibitor wished for in their application.
//!
//! One `ALTER TABLE` per column: SQLite accepts only one alteration per statement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Activity::PerSchoolLimit, Activity::NoShowReleaseMinutes] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Activity::Table)
                        .add_column(integer_null(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Exhibitor::Table)
                    .add_column(string_null(Exhibitor::WishedStand))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Exhibitor::Table)
                    .drop_column(Exhibitor::WishedStand)
                    .to_owned(),
            )
            .await?;
        for column in [Activity::NoShowReleaseMinutes, Activity::PerSchoolLimit] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Activity::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Activity {
    Table,
    PerSchoolLimit,
    NoShowReleaseMinutes,
}

#[derive(DeriveIden)]
enum Exhibitor {
    Table,
    WishedStand,
}
