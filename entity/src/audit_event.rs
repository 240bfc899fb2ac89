//! `audit_event` — audit log of organiser actions.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// FK → `organiser` (on delete set null); `None` for system actions.
    pub organiser_id: Option<i32>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i32>,
    /// JSON snapshot before the change.
    #[sea_orm(column_type = "Text", nullable)]
    pub before: Option<String>,
    /// JSON snapshot after the change.
    #[sea_orm(column_type = "Text", nullable)]
    pub after: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organiser::Entity",
        from = "Column::OrganiserId",
        to = "super::organiser::Column::Id",
        on_delete = "SetNull"
    )]
    Organiser,
}

impl Related<super::organiser::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organiser.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
