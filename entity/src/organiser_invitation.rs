//! `organiser_invitation` — an emailed invitation to become an organiser (only the link's hash
//! is stored). Accepting it creates the `organiser` row with the password the invitee chose.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::OrganiserRole;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organiser_invitation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lower-case.
    pub email: String,
    pub name: String,
    pub role: OrganiserRole,
    /// FK → `fair` (on delete cascade): scope of a fair organiser.
    pub fair_id: Option<i32>,
    /// FK → `region` (on delete cascade): scope of a regional organiser.
    pub region_id: Option<i32>,
    /// FK → `organiser` (on delete set null).
    pub invited_by: Option<i32>,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
