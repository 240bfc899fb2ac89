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
//! Everyone signed in manages their own API tokens.

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
}

/// Whether `who` may do `action` to `subject`.
pub fn can(who: &Principal, action: Action, subject: Subject) -> bool {
    use OrganiserRole::{Admin, Organiser, Viewer};
    match (who.role, subject) {
        (Admin, _) => true,
        (_, Subject::OwnTokens) => true,
        (_, Subject::Organisers) => false,
        (_, Subject::Programme) => action == Action::View,
        (Viewer, Subject::Activity(_)) => matches!(action, Action::View | Action::Export),
        (Organiser, Subject::Activity(scope)) => in_scope(who, scope),
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
        let all = [View, Export, Create, Edit, Cancel];
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
