//! Who may do what: one function, [`can`], decides every organiser permission; pages and API
//! operations ask it and nothing else.
//!
//! | role | may |
//! |---|---|
//! | admin | everything |
//! | organiser of a fair | read the programme; create, edit, cancel that fair's workshops; read and export their attendees |
//! | organiser of a region | the same for the region's meetings |
//! | viewer | read and export everything, change nothing |
//!
//! Checking people in at the door ([`Action::CheckIn`]) is a change (status `attended`, undo),
//! so viewers may not: door staff get an organiser account scoped to their fair or region.
//!
//! Fairs: everyone signed in sees them; a fair's organisers edit it; only an admin creates or
//! cancels one. A fair's exhibitors (and applications): its organisers manage them (create,
//! edit, approve, reject, delete); viewers read them.
//!
//! Regions and districts are changed by admins only; a district's partnership also by the
//! organiser of its region. Meeting series are meetings: the organiser of the series' region
//! manages them (a series without a region, admins only).
//!
//! Everyone signed in manages their own API tokens and changes their own password.
//!
//! Data protection and accounts ([`Subject::People`], [`Subject::AuditLog`], [`Subject::Mail`],
//! [`Subject::Organisers`]): only admins anonymise people, read the audit log (its before/after
//! snapshots hold what was changed, of every fair), see the mail status (it lists addresses of
//! everyone) and manage organiser accounts. Viewers and organisers may look people up; what
//! they see of a person is cut down to the registrations they may export (an organiser: their
//! fair's or region's; nobody outside it).

use entity::{
    activity,
    enums::{ActivityKind, OrganiserRole},
    organiser,
};
use serde::Serialize;

/// The signed-in organiser (from a session or an API token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: OrganiserRole,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
    /// Still on a password generated for them: the pages lead to `/admin/password` first.
    pub must_change_password: bool,
}

impl From<&organiser::Model> for Principal {
    fn from(o: &organiser::Model) -> Self {
        Principal {
            id: o.id,
            email: o.email.clone(),
            name: o.name.clone(),
            role: o.role,
            fair_id: o.fair_id,
            region_id: o.region_id,
            must_change_password: o.must_change_password,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    View,
    /// Attendee lists and other exports (personal data).
    Export,
    Create,
    Edit,
    Cancel,
    /// Mark a registration attended at the door, or undo that.
    CheckIn,
}

/// Where an activity belongs: what a fair or regional organiser's scope is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    pub kind: ActivityKind,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
}

impl From<&activity::Model> for Scope {
    fn from(a: &activity::Model) -> Self {
        Scope {
            kind: a.kind,
            fair_id: a.fair_id,
            region_id: a.region_id,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The list of workshops and meetings (public facts).
    Programme,
    /// One workshop or meeting, existing or about to be created.
    Activity(Scope),
    /// Organiser accounts and invitations.
    Organisers,
    /// The organiser's own API tokens.
    OwnTokens,
    /// The organiser's own account (password).
    OwnAccount,
    /// Participants as people (look up, anonymise); their registrations stay behind
    /// [`Subject::Activity`].
    People,
    /// The audit log of organiser actions.
    AuditLog,
    /// Failed messages and bouncing addresses.
    Mail,
    /// Regions and districts (the map partnerships and meetings hang on): everyone signed in
    /// reads them, only admins change them.
    Regions,
    /// A district's partnership, by the district's region: its regional organiser may change it.
    Partnership { region_id: i32 },
    /// A fair itself (`None`: one about to be created). Its organisers edit it; only an admin
    /// creates or cancels one, since cancelling ends every workshop in it.
    Fair(Option<i32>),
    /// The exhibitors of a fair and their applications: managed by the fair's organisers,
    /// read by viewers (contacts are personal data, as in attendee lists).
    Exhibitors(i32),
}

/// Whether `who` may do `action` to `subject`.
pub fn can(who: &Principal, action: Action, subject: Subject) -> bool {
    use OrganiserRole::{Admin, Organiser, Viewer};
    match (who.role, subject) {
        (Admin, _) => true,
        (_, Subject::OwnTokens | Subject::OwnAccount) => true,
        (_, Subject::Organisers | Subject::AuditLog | Subject::Mail) => false,
        (_, Subject::People) => matches!(action, Action::View | Action::Export),
        (_, Subject::Programme) => action == Action::View,
        (_, Subject::Regions) => action == Action::View,
        (Organiser, Subject::Partnership { region_id }) => {
            action == Action::View || who.region_id == Some(region_id)
        }
        (Viewer, Subject::Partnership { .. }) => matches!(action, Action::View | Action::Export),
        (Viewer, Subject::Activity(_)) => matches!(action, Action::View | Action::Export),
        (Organiser, Subject::Activity(scope)) => in_scope(who, scope),
        (_, Subject::Fair(_)) if action == Action::View => true,
        (Organiser, Subject::Fair(Some(id))) => action == Action::Edit && who.fair_id == Some(id),
        (_, Subject::Fair(_)) => false,
        (Viewer, Subject::Exhibitors(_)) => matches!(action, Action::View | Action::Export),
        (Organiser, Subject::Exhibitors(fair)) => who.fair_id == Some(fair),
    }
}

/// A fair organiser's workshops, a regional organiser's meetings; nothing for an organiser
/// without a scope.
fn in_scope(who: &Principal, scope: Scope) -> bool {
    match scope.kind {
        ActivityKind::Workshop => who.fair_id.is_some() && scope.fair_id == who.fair_id,
        ActivityKind::Meeting => who.region_id.is_some() && scope.region_id == who.region_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: OrganiserRole, fair_id: Option<i32>, region_id: Option<i32>) -> Principal {
        Principal {
            id: 1,
            email: "o@example.cz".into(),
            name: "O".into(),
            role,
            fair_id,
            region_id,
            must_change_password: false,
        }
    }

    fn workshop(fair: i32) -> Subject {
        Subject::Activity(Scope {
            kind: ActivityKind::Workshop,
            fair_id: Some(fair),
            region_id: None,
        })
    }

    fn meeting(region: Option<i32>) -> Subject {
        Subject::Activity(Scope {
            kind: ActivityKind::Meeting,
            fair_id: None,
            region_id: region,
        })
    }

    #[test]
    fn the_matrix_of_roles_actions_and_subjects() {
        use Action::*;
        use OrganiserRole::*;
        let admin = who(Admin, None, None);
        let viewer = who(Viewer, None, None);
        let fair1 = who(Organiser, Some(1), None);
        let region7 = who(Organiser, None, Some(7));
        let nothing = who(Organiser, None, None);
        let all = [View, Export, Create, Edit, Cancel, CheckIn];
        // (who, subject, actions allowed)
        let cases: Vec<(&Principal, Subject, &[Action])> = vec![
            (&admin, workshop(1), &all),
            (&admin, meeting(None), &all),
            (&admin, Subject::Organisers, &all),
            (&admin, Subject::Programme, &all),
            (&viewer, workshop(1), &[View, Export]),
            (&viewer, meeting(Some(7)), &[View, Export]),
            (&viewer, Subject::Programme, &[View]),
            (&viewer, Subject::Organisers, &[]),
            (&viewer, Subject::OwnTokens, &all),
            (&fair1, workshop(1), &all),
            (&fair1, workshop(2), &[]),
            (&fair1, meeting(Some(7)), &[]),
            (&fair1, meeting(None), &[]),
            (&fair1, Subject::Programme, &[View]),
            (&fair1, Subject::Organisers, &[]),
            (&region7, meeting(Some(7)), &all),
            (&region7, meeting(Some(8)), &[]),
            (&region7, meeting(None), &[]),
            (&region7, workshop(1), &[]),
            (&nothing, workshop(1), &[]),
            (&nothing, meeting(None), &[]),
            (&nothing, Subject::OwnTokens, &all),
            (&admin, Subject::People, &all),
            (&admin, Subject::AuditLog, &all),
            (&admin, Subject::Mail, &all),
            (&viewer, Subject::People, &[View, Export]),
            (&viewer, Subject::AuditLog, &[]),
            (&viewer, Subject::Mail, &[]),
            (&viewer, Subject::OwnAccount, &all),
            (&fair1, Subject::People, &[View, Export]),
            (&fair1, Subject::AuditLog, &[]),
            (&fair1, Subject::Mail, &[]),
            (&region7, Subject::OwnAccount, &all),
            (&admin, Subject::Regions, &all),
            (&viewer, Subject::Regions, &[View]),
            (&fair1, Subject::Regions, &[View]),
            (&region7, Subject::Regions, &[View]),
            (&admin, Subject::Partnership { region_id: 7 }, &all),
            (&region7, Subject::Partnership { region_id: 7 }, &all),
            (&region7, Subject::Partnership { region_id: 8 }, &[View]),
            (&fair1, Subject::Partnership { region_id: 7 }, &[View]),
            (&nothing, Subject::Partnership { region_id: 7 }, &[View]),
            (
                &viewer,
                Subject::Partnership { region_id: 7 },
                &[View, Export],
            ),
            (&admin, Subject::Fair(None), &all),
            (&admin, Subject::Exhibitors(2), &all),
            (&viewer, Subject::Fair(Some(1)), &[View]),
            (&viewer, Subject::Exhibitors(1), &[View, Export]),
            (&fair1, Subject::Fair(Some(1)), &[View, Edit]),
            (&fair1, Subject::Fair(Some(2)), &[View]),
            (&fair1, Subject::Fair(None), &[View]),
            (&fair1, Subject::Exhibitors(1), &all),
            (&fair1, Subject::Exhibitors(2), &[]),
            (&region7, Subject::Exhibitors(1), &[]),
            (&nothing, Subject::Fair(Some(1)), &[View]),
        ];
        for (who, subject, allowed) in cases {
            for action in all {
                assert_eq!(
                    can(who, action, subject),
                    allowed.contains(&action),
                    "{:?} {action:?} {subject:?}",
                    who.role
                );
            }
        }
    }
}
