//! SeaORM entities of veletrh (registration for education fairs, workshops
//! and regional meetings).
//!
//! One module per table; the schema itself is created by the `migration`
//! crate and documented in `docs/schema.md`. Enumerated columns are stored as
//! short strings and typed by the enums in [`enums`]. All timestamps are UTC
//! ([`DateTimeUtc`](sea_orm::prelude::DateTimeUtc)).
//!
//! Tables:
//! - programme: [`fair`], [`region`], [`district`], [`partnership`],
//!   [`meeting_series`], [`activity`] (workshops and meetings, single-table
//!   inheritance), [`speaker`], [`activity_district`], [`exhibitor`];
//! - people: [`person`], [`registration`], [`feedback`];
//! - mail: [`outbox_message`];
//! - organisers: [`organiser`], [`organiser_session`], [`organiser_invitation`], [`api_token`],
//!   [`audit_event`].

pub mod prelude;

pub mod activity;
pub mod activity_district;
pub mod api_token;
pub mod audit_event;
pub mod district;
pub mod enums;
pub mod exhibitor;
pub mod fair;
pub mod feedback;
pub mod meeting_series;
pub mod organiser;
pub mod organiser_invitation;
pub mod organiser_session;
pub mod outbox_message;
pub mod partnership;
pub mod person;
pub mod region;
pub mod registration;
pub mod speaker;

pub use enums::{ActivityKind, ActivityStatus, ExhibitorStatus, OrganiserRole, RegistrationStatus};
