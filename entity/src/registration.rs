//! `registration` — a person's registration for a workshop or a meeting.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::RegistrationStatus;

/// A registration of a [`person`](super::person) for an [`activity`](super::activity).
///
/// There is one table for both workshop and meeting registrations because both
/// targets are rows of the single `activity` table: the seat counter, waitlist,
/// holds and overlap checks work the same for both kinds, so a single
/// `activity_id` foreign key covers them.
///
/// At most one *live* registration (`pending`, `confirmed`, `waitlisted`,
/// `offered`, `attended`) may exist per `(person_id, activity_id)`; this is
/// enforced by the partial unique index `ux_registration_live`. Cancelled and
/// expired rows are kept as history. `hold_expires_at` is set while a seat is
/// held for a `pending` or `offered` registration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "registration")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// FK → `person` (on delete cascade).
    pub person_id: i32,
    /// FK → `activity` (on delete cascade).
    pub activity_id: i32,
    pub status: RegistrationStatus,
    /// Hash of the e-mail confirmation token (while pending / offered); the registrations of
    /// one sign-up share it, so one link confirms them all.
    pub confirm_token_hash: Option<String>,
    /// A pending or offered seat is held until then.
    pub hold_expires_at: Option<DateTimeUtc>,
    /// Version of the privacy notice the person consented to.
    pub consent_version: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub checked_in_at: Option<DateTimeUtc>,
    pub reminder_queued_at: Option<DateTimeUtc>,
    /// When the email linking the certificate of attendance was queued (attended only).
    pub attendance_mail_queued_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
    #[sea_orm(
        belongs_to = "super::activity::Entity",
        from = "Column::ActivityId",
        to = "super::activity::Column::Id",
        on_delete = "Cascade"
    )]
    Activity,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::activity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Activity.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
