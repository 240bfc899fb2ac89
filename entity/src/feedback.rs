//! `feedback` — how a participant rated an activity they attended.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One per [`registration`](super::registration) (unique), for an attended one only; the
/// activity is repeated so that its feedback is read without the registrations. Organisers see
/// it without names.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// FK → `registration` (on delete cascade), unique.
    pub registration_id: i32,
    /// FK → `activity` (on delete cascade).
    pub activity_id: i32,
    /// 1 (poor) to 5 (excellent); the database checks the range.
    pub rating: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::registration::Entity",
        from = "Column::RegistrationId",
        to = "super::registration::Column::Id",
        on_delete = "Cascade"
    )]
    Registration,
    #[sea_orm(
        belongs_to = "super::activity::Entity",
        from = "Column::ActivityId",
        to = "super::activity::Column::Id",
        on_delete = "Cascade"
    )]
    Activity,
}

impl ActiveModelBehavior for ActiveModel {}
