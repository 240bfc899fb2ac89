//! The participant use-cases: sign up, confirm, cancel, forget me; the waiting list and the
//! expiry of unconfirmed holds. Each runs in one write transaction that also writes its emails
//! to the outbox. The web pages and the JSON API both call these and nothing else.

pub mod anonymise;
mod attendance;
pub mod by_organiser;
mod cancel;
mod confirm;
mod expiry;
pub mod feedback;
mod links;
pub mod mail_data;
mod manage;
mod new_registration;
pub mod placement;
mod reminders;
pub(crate) mod seats;
mod sign_up;

pub use attendance::{Attendance, Attended, attendance, duration, queue_attendance_mail};
pub use cancel::{CancelOutcome, cancel, forget_me};
pub use confirm::{ConfirmOutcome, confirm};
pub use expiry::expire_holds;
pub use links::{Links, WayIn};
pub use manage::{MyRegistration, MyRegistrations, my_registrations};
pub use new_registration::{CONSENT_VERSION, NewRegistration, ROLES, SignUpForm};
pub use reminders::queue_reminders;
pub use seats::school_key;
pub use sign_up::{SignUpError, SignUps, live, sign_up};

use sea_orm::DbErr;

/// True when `err` says a unique index refused a row: two requests raced to create the same
/// person or registration, and running the use-case again sees the winner's row.
fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
