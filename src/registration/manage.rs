//! What the manage link shows: the person and their registrations.

use entity::{activity, enums::RegistrationStatus, person, registration};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{WayIn, mail_data, seats};
use crate::{domain::token, programme, startup::AppState};

pub struct MyRegistration {
    pub registration: registration::Model,
    pub activity: activity::Model,
    /// Where the activity takes place (`programme::location`).
    pub location: String,
    /// The zone its times are told in (`programme::Activity::zone`).
    pub zone: chrono_tz::Tz,
    /// On the waiting list: the place in line, from 1.
    pub waiting_position: Option<u64>,
    /// A confirmed seat's way in ([`super::mail_data::was_confirmed`]).
    pub way_in: Option<WayIn>,
}

pub struct MyRegistrations {
    pub person: person::Model,
    /// Newest activity last; cancelled and expired ones included, so the history is visible.
    pub registrations: Vec<MyRegistration>,
}

impl MyRegistrations {
    /// What deleting one's data cancels (as `anonymise` does): live sign-ups of what has not
    /// started. Past ones stay, without the person, in the organisers' counts.
    pub fn cancelled_by_deletion(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> impl Iterator<Item = &MyRegistration> {
        self.registrations
            .iter()
            .filter(move |r| r.registration.status.is_live() && r.activity.starts_at > now)
    }
}

/// The person behind a manage link, or `None` for any link that does not open anything.
pub async fn find_person(state: &AppState, plain: &str) -> Result<Option<person::Model>, DbErr> {
    if !token::is_well_formed(plain) {
        return Ok(None);
    }
    person::Entity::find()
        .filter(person::Column::ManageTokenHash.eq(token::hash(plain)))
        .filter(person::Column::AnonymisedAt.is_null())
        .one(state.db.conn())
        .await
}

pub async fn my_registrations(
    state: &AppState,
    plain: &str,
) -> Result<Option<MyRegistrations>, DbErr> {
    let Some(person) = find_person(state, plain).await? else {
        return Ok(None);
    };
    let rows = registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person.id))
        .find_also_related(activity::Entity)
        .order_by_asc(activity::Column::StartsAt)
        .all(state.db.conn())
        .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter_map(|(registration, activity)| Some((registration, activity?)))
        .collect();
    let fairs = rows.iter().filter_map(|(_, a)| a.fair_id);
    let places = programme::fair_places(state.db.conn(), fairs).await?;
    let mut registrations = Vec::with_capacity(rows.len());
    for (registration, activity) in rows {
        let venue = activity.fair_id.and_then(|id| places.get(&id));
        let waiting_position = match registration.status {
            RegistrationStatus::Waitlisted => {
                Some(seats::waiting_position(state.db.conn(), &registration).await?)
            }
            _ => None,
        };
        let way_in = mail_data::was_confirmed(registration.status).then(|| {
            state
                .links
                .way_in(&activity, registration.person_id, registration.id)
        });
        registrations.push(MyRegistration {
            location: programme::location(&activity, venue.map(|p| p.venue.as_str())),
            zone: venue.map_or(crate::timezone::DEFAULT, |p| p.zone),
            waiting_position,
            way_in,
            registration,
            activity,
        });
    }
    Ok(Some(MyRegistrations {
        person,
        registrations,
    }))
}
