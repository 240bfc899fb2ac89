//! `person` — a participant (teacher, counsellor, ...) identified by e-mail.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Unique; always stored lower-case.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub organisation: Option<String>,
    pub role: Option<String>,
    /// FK → `district` (on delete set null).
    pub district_id: Option<i32>,
    /// `cs` or `en`.
    #[sea_orm(column_type = "String(StringLen::N(8))")]
    pub language: String,
    /// Hash of the personal "manage my registrations" token.
    #[sea_orm(unique)]
    pub manage_token_hash: String,
    /// Hash of the personal calendar-feed token.
    #[sea_orm(unique)]
    pub feed_token_hash: Option<String>,
    /// Raised when the person revokes their feed link; part of the derived feed token.
    pub feed_generation: i32,
    pub bounced_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub bounce_reason: Option<String>,
    pub anonymised_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::district::Entity",
        from = "Column::DistrictId",
        to = "super::district::Column::Id",
        on_delete = "SetNull"
    )]
    District,
    #[sea_orm(has_many = "super::registration::Entity")]
    Registration,
}

impl Related<super::district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::District.def()
    }
}

impl Related<super::registration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Registration.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
