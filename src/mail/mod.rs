//! Email: the transactional outbox, the delivery worker, templates and transports.
//!
//! Use-cases call [`Outbox::enqueue`] with their own transaction and then `wake` the worker;
//! nothing else sends mail.

pub mod bounce;
mod kind;
pub mod outbox;
pub mod preview;
pub mod report;
pub mod templates;
pub mod transport;
pub mod worker;

pub use kind::MailKind;
pub use outbox::{Attachment, Outbox, OutgoingMail};
pub use templates::MailTemplates;
pub use worker::{Delivery, MailWorker};
