//! The organisers' use-cases: accounts and invitations ([`accounts`]), signing in and browser
//! sessions ([`sessions`]), API tokens ([`tokens`]), who may do what ([`roles::can`]) and
//! managing workshops and meetings ([`activities`]), fairs ([`fairs`]) and exhibitors
//! ([`exhibitors`]), regions, districts
//! and partnerships ([`regions`]) and meeting series ([`series`]). The admin pages (`web::admin`) and the
//! JSON API (`api::admin`) are two faces of these functions; every change writes an
//! `audit_event` in its own transaction ([`audit`]).

pub mod accounts;
pub mod activities;
pub mod attendees;
pub mod audit;
pub mod cli;
pub mod exhibitors;
pub mod fairs;
pub mod password;
pub mod privacy;
pub mod regions;
pub mod roles;
pub mod series;
pub mod sessions;
pub mod tokens;

pub use roles::{Action, Principal, Scope, Subject, can};

use sea_orm::DbErr;

use crate::domain::FieldError;

/// Why an organiser's request was not carried out. Knows nothing of HTTP: the pages and the
/// API each map it once.
#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    /// The role does not allow this action on this subject.
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Fields to fix; nothing was changed.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The subject is in a state that does not allow it (e.g. editing a cancelled activity), or
    /// it changed meanwhile; the code is stable (`cancelled`, `changed_meanwhile`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Db(#[from] DbErr),
}
