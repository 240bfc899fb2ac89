//! `district` — a district (okres) inside a region.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "district")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// FK → `region` (on delete restrict).
    pub region_id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id",
        on_delete = "Restrict"
    )]
    Region,
    #[sea_orm(has_one = "super::partnership::Entity")]
    Partnership,
    #[sea_orm(has_many = "super::activity_district::Entity")]
    ActivityDistrict,
    #[sea_orm(has_many = "super::person::Entity")]
    Person,
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Region.def()
    }
}

impl Related<super::partnership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Partnership.def()
    }
}

impl Related<super::activity_district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ActivityDistrict.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

/// Many-to-many: districts an activity is aimed at, via `activity_district`.
impl Related<super::activity::Entity> for Entity {
    fn to() -> RelationDef {
        super::activity_district::Relation::Activity.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::activity_district::Relation::District.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
