//! `activity` — workshops and regional meetings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{ActivityKind, ActivityStatus};

/// A workshop or a meeting — both live in this one table (single-table inheritance).
///
/// Workshops (held at a fair) and regional meetings share everything the core
/// rules work with: the seat counter (`capacity` / `taken`, waitlist flag), the
/// time slot (`starts_at` / `ends_at`) used for overlap checks, the registration
/// window, `status` and the `revision` that drives the calendar feeds. Keeping
/// them in one table lets capacity, overlap and feed logic (and the
/// `registration` table) treat them uniformly.
///
/// [`kind`](Model::kind) is the discriminator. Kind-specific columns are
/// nullable: `fair_id` and `room` are used by workshops, `series_id`,
/// `region_id` and `place` by meetings. The database enforces
/// `kind <> 'workshop' OR fair_id IS NOT NULL`, plus `ends_at > starts_at`,
/// `capacity >= 0` and `0 <= taken <= capacity`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: ActivityKind,
    /// FK → `fair` (on delete cascade); required for workshops.
    pub fair_id: Option<i32>,
    /// FK → `meeting_series` (on delete set null).
    pub series_id: Option<i32>,
    /// FK → `region` (on delete set null).
    pub region_id: Option<i32>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub topic: Option<String>,
    pub room: Option<String>,
    pub place: Option<String>,
    /// The link an online activity is joined by, given to those holding a seat; `None` for one
    /// held in person.
    pub online_url: Option<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub capacity: i32,
    /// Seats currently held (pending, offered, confirmed, attended). Defaults to 0.
    pub taken: i32,
    /// Defaults to `true`.
    pub waitlist_enabled: bool,
    pub registration_opens_at: Option<DateTimeUtc>,
    pub registration_closes_at: Option<DateTimeUtc>,
    /// At most this many live registrations from one school (`person.organisation`, compared
    /// case-insensitively); `None`: no limit.
    pub per_school_limit: Option<i32>,
    /// Minutes after the start when seats of confirmed people not checked in are released
    /// (status `no_show`) to the waiting list or walk-ins; `None`: never.
    pub no_show_release_minutes: Option<i32>,
    pub status: ActivityStatus,
    /// Bumped on every change (feeds, optimistic concurrency). Defaults to 1.
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::fair::Entity",
        from = "Column::FairId",
        to = "super::fair::Column::Id",
        on_delete = "Cascade"
    )]
    Fair,
    #[sea_orm(
        belongs_to = "super::meeting_series::Entity",
        from = "Column::SeriesId",
        to = "super::meeting_series::Column::Id",
        on_delete = "SetNull"
    )]
    MeetingSeries,
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id",
        on_delete = "SetNull"
    )]
    Region,
    #[sea_orm(has_many = "super::speaker::Entity")]
    Speaker,
    #[sea_orm(has_many = "super::activity_district::Entity")]
    ActivityDistrict,
    #[sea_orm(has_many = "super::registration::Entity")]
    Registration,
}

impl Related<super::fair::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Fair.def()
    }
}

impl Related<super::meeting_series::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MeetingSeries.def()
    }
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Region.def()
    }
}

impl Related<super::speaker::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Speaker.def()
    }
}

impl Related<super::activity_district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ActivityDistrict.def()
    }
}

impl Related<super::registration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Registration.def()
    }
}

/// Many-to-many: districts the activity is aimed at, via `activity_district`.
impl Related<super::district::Entity> for Entity {
    fn to() -> RelationDef {
        super::activity_district::Relation::District.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::activity_district::Relation::Activity.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
