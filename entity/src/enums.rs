//! Shared enumerations stored as short strings (`varchar(16)`).
//!
//! Every enum maps 1:1 to the string stored in the database, to its serde
//! representation (`snake_case`) and to [`as_str`](ActivityKind::as_str).

use std::fmt;

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Kind of an [`activity`](crate::activity) row (single-table inheritance discriminator).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A workshop held during a fair; always has a `fair_id`.
    #[sea_orm(string_value = "workshop")]
    Workshop,
    /// A regional meeting, optionally part of a meeting series.
    #[sea_orm(string_value = "meeting")]
    Meeting,
}

impl ActivityKind {
    /// The value stored in the database and used in serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Workshop => "workshop",
            Self::Meeting => "meeting",
        }
    }
}

/// Status of a fair or an activity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

impl ActivityStatus {
    /// The value stored in the database and used in serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Cancelled => "cancelled",
        }
    }
}

/// Lifecycle of a [`registration`](crate::registration).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// Waiting for e-mail confirmation; the seat is held until `hold_expires_at`.
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    #[sea_orm(string_value = "waitlisted")]
    Waitlisted,
    /// A freed seat was offered from the waitlist; held until `hold_expires_at`.
    #[sea_orm(string_value = "offered")]
    Offered,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// A pending or offered hold ran out.
    #[sea_orm(string_value = "expired")]
    Expired,
    #[sea_orm(string_value = "attended")]
    Attended,
    /// Confirmed but not checked in when the activity's no-show release came; the seat was freed.
    #[sea_orm(string_value = "no_show")]
    NoShow,
}

impl RegistrationStatus {
    /// The value stored in the database and used in serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Waitlisted => "waitlisted",
            Self::Offered => "offered",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
            Self::Attended => "attended",
            Self::NoShow => "no_show",
        }
    }

    /// Statuses covered by the partial unique index `ux_registration_live`
    /// (at most one such registration per person and activity).
    pub const fn is_live(self) -> bool {
        matches!(
            self,
            Self::Pending | Self::Confirmed | Self::Waitlisted | Self::Offered | Self::Attended
        )
    }
}

/// Review status of an [`exhibitor`](crate::exhibitor) application.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum ExhibitorStatus {
    #[sea_orm(string_value = "applied")]
    Applied,
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "rejected")]
    Rejected,
}

impl ExhibitorStatus {
    /// The value stored in the database and used in serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }
}

/// Role of an [`organiser`](crate::organiser) account.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum OrganiserRole {
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "organiser")]
    Organiser,
    #[sea_orm(string_value = "viewer")]
    Viewer,
}

impl OrganiserRole {
    /// The value stored in the database and used in serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Organiser => "organiser",
            Self::Viewer => "viewer",
        }
    }
}

macro_rules! impl_display {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

impl_display!(
    ActivityKind,
    ActivityStatus,
    RegistrationStatus,
    ExhibitorStatus,
    OrganiserRole
);
