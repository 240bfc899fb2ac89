//! `exhibitor.contact_language`: the language the contact applied in, so the decision reaches
//! them in it (it used to be read back from their acknowledgement in the outbox).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Exhibitor::Table)
                    .add_column(string_null(Exhibitor::ContactLanguage))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Exhibitor::Table)
                    .drop_column(Exhibitor::ContactLanguage)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Exhibitor {
    Table,
    ContactLanguage,
}
