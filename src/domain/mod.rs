//! Pure types and rules: no database, no HTTP.

pub mod slug;
pub mod token;
