//! `activity.online_url`: the link an online workshop or meeting is joined by. Its holders get
//! it instead of an entry QR code, as there is no door to scan one at.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Activity::Table)
                    .add_column(string_null(Activity::OnlineUrl))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Activity::Table)
                    .drop_column(Activity::OnlineUrl)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Activity {
    Table,
    OnlineUrl,
}
