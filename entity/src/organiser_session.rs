//! `organiser_session` — signed-in browser sessions of organisers (only the cookie's hash is
//! stored).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organiser_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// FK → `organiser` (on delete cascade).
    pub organiser_id: i32,
    /// SHA-256 (hex) of the session cookie's value.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    /// Idle expiry: moved forward while the session is used.
    pub expires_at: DateTimeUtc,
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
