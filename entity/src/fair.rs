//! `fair` — an education fair (one event at one venue).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::ActivityStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "fair")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub venue: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// IANA time zone name, e.g. `Europe/Prague`.
    pub timezone: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub registration_opens_at: Option<DateTimeUtc>,
    pub registration_closes_at: Option<DateTimeUtc>,
    pub status: ActivityStatus,
    /// Bumped on every change (feeds, optimistic concurrency). Defaults to 1.
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::activity::Entity")]
    Activity,
    #[sea_orm(has_many = "super::exhibitor::Entity")]
    Exhibitor,
    #[sea_orm(has_many = "super::organiser::Entity")]
    Organiser,
}

impl Related<super::activity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Activity.def()
    }
}

impl Related<super::exhibitor::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Exhibitor.def()
    }
}

impl Related<super::organiser::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organiser.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
