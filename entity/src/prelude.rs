//! Entities under short names, as in `sea-orm-cli` generated code.

pub use super::activity::Entity as Activity;
pub use super::activity_district::Entity as ActivityDistrict;
pub use super::api_token::Entity as ApiToken;
pub use super::audit_event::Entity as AuditEvent;
pub use super::district::Entity as District;
pub use super::exhibitor::Entity as Exhibitor;
pub use super::fair::Entity as Fair;
pub use super::feedback::Entity as Feedback;
pub use super::meeting_series::Entity as MeetingSeries;
pub use super::organiser::Entity as Organiser;
pub use super::outbox_message::Entity as OutboxMessage;
pub use super::partnership::Entity as Partnership;
pub use super::person::Entity as Person;
pub use super::region::Entity as Region;
pub use super::registration::Entity as Registration;
pub use super::speaker::Entity as Speaker;
