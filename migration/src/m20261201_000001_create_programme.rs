//! Programme: fairs, regions and districts, meeting series, activities
//! (workshops and meetings), speakers, target districts and exhibitors.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Fair::Table)
                    .col(pk_auto(Fair::Id))
                    .col(string_uniq(Fair::Slug))
                    .col(string(Fair::Name))
                    .col(string(Fair::Venue))
                    .col(text(Fair::Description))
                    .col(string(Fair::Timezone))
                    .col(timestamp_with_time_zone(Fair::StartsAt))
                    .col(timestamp_with_time_zone(Fair::EndsAt))
                    .col(timestamp_with_time_zone_null(Fair::RegistrationOpensAt))
                    .col(timestamp_with_time_zone_null(Fair::RegistrationClosesAt))
                    .col(string_len(Fair::Status, 16))
                    .col(integer(Fair::Revision).default(1))
                    .col(timestamp_with_time_zone(Fair::CreatedAt))
                    .col(timestamp_with_time_zone(Fair::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .col(pk_auto(Region::Id))
                    .col(string_uniq(Region::Slug))
                    .col(string_uniq(Region::Name))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(District::Table)
                    .col(pk_auto(District::Id))
                    .col(integer(District::RegionId))
                    .col(string_uniq(District::Slug))
                    .col(string(District::Name))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-district-region_id")
                            .from(District::Table, District::RegionId)
                            .to(Region::Table, Region::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-district-region_id")
                    .table(District::Table)
                    .col(District::RegionId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Partnership::Table)
                    .col(pk_auto(Partnership::Id))
                    .col(integer_uniq(Partnership::DistrictId))
                    .col(string(Partnership::Name))
                    .col(text(Partnership::Initiators))
                    .col(timestamp_with_time_zone(Partnership::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-partnership-district_id")
                            .from(Partnership::Table, Partnership::DistrictId)
                            .to(District::Table, District::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MeetingSeries::Table)
                    .col(pk_auto(MeetingSeries::Id))
                    .col(string(MeetingSeries::Title))
                    .col(integer_null(MeetingSeries::RegionId))
                    .col(integer(MeetingSeries::IntervalDays))
                    .col(timestamp_with_time_zone(MeetingSeries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-meeting_series-region_id")
                            .from(MeetingSeries::Table, MeetingSeries::RegionId)
                            .to(Region::Table, Region::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        // Workshops and meetings share one table (single-table inheritance);
        // kind-specific columns are nullable.
        manager
            .create_table(
                Table::create()
                    .table(Activity::Table)
                    .col(pk_auto(Activity::Id))
                    .col(string_len(Activity::Kind, 16))
                    .col(integer_null(Activity::FairId))
                    .col(integer_null(Activity::SeriesId))
                    .col(integer_null(Activity::RegionId))
                    .col(string(Activity::Title))
                    .col(text(Activity::Description))
                    .col(string_null(Activity::Topic))
                    .col(string_null(Activity::Room))
                    .col(string_null(Activity::Place))
                    .col(timestamp_with_time_zone(Activity::StartsAt))
                    .col(timestamp_with_time_zone(Activity::EndsAt))
                    .col(integer(Activity::Capacity))
                    .col(integer(Activity::Taken).default(0))
                    .col(boolean(Activity::WaitlistEnabled).default(true))
                    .col(timestamp_with_time_zone_null(Activity::RegistrationOpensAt))
                    .col(timestamp_with_time_zone_null(
                        Activity::RegistrationClosesAt,
                    ))
                    .col(string_len(Activity::Status, 16))
                    .col(integer(Activity::Revision).default(1))
                    .col(timestamp_with_time_zone(Activity::CreatedAt))
                    .col(timestamp_with_time_zone(Activity::UpdatedAt))
                    .check(("ck-activity-time_slot", Expr::cust("ends_at > starts_at")))
                    .check(("ck-activity-capacity", Expr::cust("capacity >= 0")))
                    .check((
                        "ck-activity-taken",
                        Expr::cust("taken >= 0 AND taken <= capacity"),
                    ))
                    .check((
                        "ck-activity-workshop_fair",
                        Expr::cust("kind <> 'workshop' OR fair_id IS NOT NULL"),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-activity-fair_id")
                            .from(Activity::Table, Activity::FairId)
                            .to(Fair::Table, Fair::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-activity-series_id")
                            .from(Activity::Table, Activity::SeriesId)
                            .to(MeetingSeries::Table, MeetingSeries::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-activity-region_id")
                            .from(Activity::Table, Activity::RegionId)
                            .to(Region::Table, Region::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-activity-fair_id-starts_at")
                    .table(Activity::Table)
                    .col(Activity::FairId)
                    .col(Activity::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-activity-kind-starts_at")
                    .table(Activity::Table)
                    .col(Activity::Kind)
                    .col(Activity::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-activity-series_id")
                    .table(Activity::Table)
                    .col(Activity::SeriesId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Speaker::Table)
                    .col(pk_auto(Speaker::Id))
                    .col(integer(Speaker::ActivityId))
                    .col(integer(Speaker::Position))
                    .col(string(Speaker::Name))
                    .col(string_null(Speaker::Organisation))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-speaker-activity_id")
                            .from(Speaker::Table, Speaker::ActivityId)
                            .to(Activity::Table, Activity::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-speaker-activity_id")
                    .table(Speaker::Table)
                    .col(Speaker::ActivityId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActivityDistrict::Table)
                    .col(integer(ActivityDistrict::ActivityId))
                    .col(integer(ActivityDistrict::DistrictId))
                    .primary_key(
                        Index::create()
                            .name("pk-activity_district")
                            .col(ActivityDistrict::ActivityId)
                            .col(ActivityDistrict::DistrictId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-activity_district-activity_id")
                            .from(ActivityDistrict::Table, ActivityDistrict::ActivityId)
                            .to(Activity::Table, Activity::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-activity_district-district_id")
                            .from(ActivityDistrict::Table, ActivityDistrict::DistrictId)
                            .to(District::Table, District::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Exhibitor::Table)
                    .col(pk_auto(Exhibitor::Id))
                    .col(integer(Exhibitor::FairId))
                    .col(string(Exhibitor::Name))
                    .col(text(Exhibitor::Description))
                    .col(string_null(Exhibitor::Website))
                    .col(string_null(Exhibitor::Stand))
                    .col(string_null(Exhibitor::ContactName))
                    .col(string_null(Exhibitor::ContactEmail))
                    .col(string_len(Exhibitor::Status, 16))
                    .col(timestamp_with_time_zone(Exhibitor::CreatedAt))
                    .col(timestamp_with_time_zone(Exhibitor::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-exhibitor-fair_id")
                            .from(Exhibitor::Table, Exhibitor::FairId)
                            .to(Fair::Table, Fair::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux-exhibitor-fair_id-name")
                    .table(Exhibitor::Table)
                    .col(Exhibitor::FairId)
                    .col(Exhibitor::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Indexes are dropped together with their tables.
        for table in [
            Exhibitor::Table.into_iden(),
            ActivityDistrict::Table.into_iden(),
            Speaker::Table.into_iden(),
            Activity::Table.into_iden(),
            MeetingSeries::Table.into_iden(),
            Partnership::Table.into_iden(),
            District::Table.into_iden(),
            Region::Table.into_iden(),
            Fair::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Fair {
    Table,
    Id,
    Slug,
    Name,
    Venue,
    Description,
    Timezone,
    StartsAt,
    EndsAt,
    RegistrationOpensAt,
    RegistrationClosesAt,
    Status,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Id,
    Slug,
    Name,
}

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
    RegionId,
    Slug,
    Name,
}

#[derive(DeriveIden)]
enum Partnership {
    Table,
    Id,
    DistrictId,
    Name,
    Initiators,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MeetingSeries {
    Table,
    Id,
    Title,
    RegionId,
    IntervalDays,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Activity {
    Table,
    Id,
    Kind,
    FairId,
    SeriesId,
    RegionId,
    Title,
    Description,
    Topic,
    Room,
    Place,
    StartsAt,
    EndsAt,
    Capacity,
    Taken,
    WaitlistEnabled,
    RegistrationOpensAt,
    RegistrationClosesAt,
    Status,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Speaker {
    Table,
    Id,
    ActivityId,
    Position,
    Name,
    Organisation,
}

#[derive(DeriveIden)]
enum ActivityDistrict {
    Table,
    ActivityId,
    DistrictId,
}

#[derive(DeriveIden)]
enum Exhibitor {
    Table,
    Id,
    FairId,
    Name,
    Description,
    Website,
    Stand,
    ContactName,
    ContactEmail,
    Status,
    CreatedAt,
    UpdatedAt,
}
