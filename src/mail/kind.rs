//! Every kind of email the product sends; each has a folder in `mail-templates/<lang>/`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum MailKind {
    ConfirmRequest,
    RegistrationConfirmed,
    Waitlisted,
    SeatOffered,
    CancelledByAttendee,
    CancelledByOrganiser,
    ActivityChanged,
    Reminder,
    ExhibitorReceived,
    ExhibitorApproved,
    ExhibitorRejected,
    OrganiserInvitation,
    RemovedByOrganiser,
    MovedByOrganiser,
    AlreadySignedUp,
    OrganiserMessage,
    Attended,
}

impl MailKind {
    pub const ALL: [MailKind; 17] = [
        MailKind::ConfirmRequest,
        MailKind::RegistrationConfirmed,
        MailKind::Waitlisted,
        MailKind::SeatOffered,
        MailKind::CancelledByAttendee,
        MailKind::CancelledByOrganiser,
        MailKind::ActivityChanged,
        MailKind::Reminder,
        MailKind::ExhibitorReceived,
        MailKind::ExhibitorApproved,
        MailKind::ExhibitorRejected,
        MailKind::OrganiserInvitation,
        MailKind::RemovedByOrganiser,
        MailKind::MovedByOrganiser,
        MailKind::AlreadySignedUp,
        MailKind::OrganiserMessage,
        MailKind::Attended,
    ];

    /// The template folder and the value stored in `outbox_message.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::ConfirmRequest => "confirm_request",
            MailKind::RegistrationConfirmed => "registration_confirmed",
            MailKind::Waitlisted => "waitlisted",
            MailKind::SeatOffered => "seat_offered",
            MailKind::CancelledByAttendee => "cancelled_by_attendee",
            MailKind::CancelledByOrganiser => "cancelled_by_organiser",
            MailKind::ActivityChanged => "activity_changed",
            MailKind::Reminder => "reminder",
            MailKind::ExhibitorReceived => "exhibitor_received",
            MailKind::ExhibitorApproved => "exhibitor_approved",
            MailKind::ExhibitorRejected => "exhibitor_rejected",
            MailKind::OrganiserInvitation => "organiser_invitation",
            MailKind::RemovedByOrganiser => "removed_by_organiser",
            MailKind::MovedByOrganiser => "moved_by_organiser",
            MailKind::AlreadySignedUp => "already_signed_up",
            MailKind::OrganiserMessage => "organiser_message",
            MailKind::Attended => "attended",
        }
    }

    pub fn parse(name: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}
