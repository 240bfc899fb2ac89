//! Pure types and rules: no database, no HTTP. Each type parses its input once, at the edge,
//! and returns a [`FieldError`] naming the field when it cannot.

pub mod email;
pub mod field_error;
pub mod person_name;
pub mod slug;
pub mod text;
pub mod time_slot;
pub mod token;

pub use email::Email;
pub use field_error::FieldError;
pub use person_name::PersonName;
pub use time_slot::TimeSlot;
