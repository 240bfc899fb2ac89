//! `organiser.must_change_password`: the account still has a password someone else saw (printed
//! by `organiser add` or the first start's banner), so its owner must choose their own before
//! anything else.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organiser::Table)
                    .add_column(boolean(Organiser::MustChangePassword).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organiser::Table)
                    .drop_column(Organiser::MustChangePassword)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Organiser {
    Table,
    MustChangePassword,
}
