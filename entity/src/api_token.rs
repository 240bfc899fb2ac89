//! `api_token` — API tokens of an organiser (only the hash is stored).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// FK → `organiser` (on delete cascade).
    pub organiser_id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organiser::Entity",
        from = "Column::OrganiserId",
        to = "super::organiser::Column::Id",
        on_delete = "Cascade"
    )]
    Organiser,
}

impl Related<super::organiser::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organiser.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
