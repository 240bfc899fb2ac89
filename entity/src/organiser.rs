//! `organiser` — staff accounts (admins, fair / regional organisers, viewers).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::OrganiserRole;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organiser")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: OrganiserRole,
    /// FK → `fair` (on delete set null): scope of a fair organiser.
    pub fair_id: Option<i32>,
    /// FK → `region` (on delete set null): scope of a regional organiser.
    pub region_id: Option<i32>,
    /// Defaults to 0.
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
    /// The password was generated and shown to someone: its owner must choose their own first.
    pub must_change_password: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::fair::Entity",
        from = "Column::FairId",
        to = "super::fair::Column::Id",
        on_delete = "SetNull"
    )]
    Fair,
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id",
        on_delete = "SetNull"
    )]
    Region,
    #[sea_orm(has_many = "super::api_token::Entity")]
    ApiToken,
    #[sea_orm(has_many = "super::audit_event::Entity")]
    AuditEvent,
}

impl Related<super::fair::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Fair.def()
    }
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Region.def()
    }
}

impl Related<super::api_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiToken.def()
    }
}

impl Related<super::audit_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AuditEvent.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
