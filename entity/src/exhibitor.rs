//! `exhibitor` — exhibitor applications for a fair.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::ExhibitorStatus;

/// An exhibitor of a fair; `(fair_id, name)` is unique.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "exhibitor")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// FK → `fair` (on delete cascade).
    pub fair_id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub website: Option<String>,
    /// The stand assigned by the organisers.
    pub stand: Option<String>,
    /// The stand the exhibitor asked for in their application.
    pub wished_stand: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    /// `cs` or `en`: the language the contact applied in (null: Czech).
    pub contact_language: Option<String>,
    pub status: ExhibitorStatus,
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
}

impl Related<super::fair::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Fair.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
